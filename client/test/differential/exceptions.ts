/**
 * The listed exceptions: for each rule a schema declares under
 * `x-healthnav-not-expressed`, when a gateway error is that rule's doing. Each
 * check looks at the request itself (not only at the error code), so a
 * disagreement is explained only when the input really breaks the rule.
 *
 * @module
 */
import type { FieldError } from "../../../pkg/mod.js";
import { hasDuplicateKey } from "./duplicate_keys.ts";
import { isAcceptedInlineImage } from "./inline_image.ts";
import { pathSegments, valueAt } from "./json_paths.ts";
import {
  ALLOWED_BUCKET,
  CLIENT_VARIANTS,
  type FunctionSlug,
} from "./verdicts.ts";

/** A body and what the schema side read from it. */
export interface Judged {
  slug: FunctionSlug;
  bytes: Uint8Array;
  text: string;
  value: unknown;
}

type Check = (error: FieldError, judged: Judged) => boolean;

const MAX_BODY_BYTES = 6_291_456;
const MAX_S3_KEY_BYTES = 1024;
const DEFAULT_ENDPOINTS: Record<FunctionSlug, string> = {
  "sagemaker-triage": "medical-triage-endpoint",
  "sagemaker-image-analysis": "medical-image-classifier",
  "sagemaker-risk-score": "patient-risk-scorer",
};

const ASYNC_IMAGE_ENDPOINT = "medical-image-classifier-async";

const at = (error: FieldError, judged: Judged) =>
  valueAt(judged.value, pathSegments(error.path));
const field = (error: FieldError, name: string) =>
  error.path === name || error.path.endsWith(`.${name}`);
const s3Parts = (uri: unknown) =>
  typeof uri === "string" ? /^s3:\/\/([^/]*)\/(.*)$/s.exec(uri.trim()) : null;

/** Every exception check, by the tag the schemas list. */
export const EXCEPTION_CHECKS: Record<string, Check> = {
  body_size: (error, judged) =>
    error.code === "body_too_large" && judged.bytes.length > MAX_BODY_BYTES,
  duplicate_keys: (error, judged) =>
    error.path === "" && error.code === "invalid_json" &&
    hasDuplicateKey(judged.text),
  // The judging gateway lists no extra endpoints: only the default passes,
  // and for an asynchronous request only the asynchronous endpoint.
  endpoint_allow_list: (error, judged) => {
    const name = at(error, judged);
    const asynchronous =
      (judged.value as Record<string, unknown> | null)?.async === true;
    const allowed = asynchronous
      ? ASYNC_IMAGE_ENDPOINT
      : DEFAULT_ENDPOINTS[judged.slug];
    return field(error, "endpoint") && error.code === "not_allowed" &&
      typeof name === "string" && name !== allowed;
  },
  variant_allow_list: (error, judged) => {
    const name = at(error, judged);
    return field(error, "variant") && error.code === "not_allowed" &&
      typeof name === "string" && !CLIENT_VARIANTS.includes(name);
  },
  diastolic_below_systolic: (error, judged) => {
    const patient = valueAt(
      judged.value,
      pathSegments(error.path).slice(0, -1),
    ) as Record<string, unknown> | undefined;
    const diastolic = patient?.diastolic_bp_mmhg;
    const systolic = patient?.systolic_bp_mmhg;
    return field(error, "diastolic_bp_mmhg") && error.code === "inconsistent" &&
      typeof diastolic === "number" && typeof systolic === "number" &&
      diastolic >= systolic;
  },
  image_bytes: (error, judged) => {
    const data = at(error, judged);
    return field(error, "image_data") &&
      ["invalid_base64", "unsupported_image_format", "image_type_mismatch"]
        .includes(
          error.code,
        ) &&
      typeof data === "string" && !isAcceptedInlineImage(data);
  },
  s3_key_bytes: (error, judged) => {
    const key = s3Parts(at(error, judged))?.[2];
    return field(error, "image_data") && error.code === "invalid_s3_uri" &&
      key !== undefined &&
      new TextEncoder().encode(key).length > MAX_S3_KEY_BYTES;
  },
  bucket_allow_list: (error, judged) => {
    const bucket = s3Parts(at(error, judged))?.[1];
    return field(error, "image_data") && error.code === "not_allowed" &&
      bucket !== undefined && bucket !== ALLOWED_BUCKET;
  },
  // The judging gateway has asynchronous analysis on, so this never applies.
  async_enabled: () => false,
};

/**
 * The tags that explain every one of the gateway's errors for a body the
 * schema accepted, or null when some error is not a listed rule's doing.
 */
export function explain(
  errors: readonly FieldError[],
  judged: Judged,
  listed: readonly string[],
): string[] | null {
  const tags = new Set<string>();
  for (const error of errors) {
    const tag = listed.find((tag) => EXCEPTION_CHECKS[tag]?.(error, judged));
    if (!tag) return null;
    tags.add(tag);
  }
  return [...tags];
}
