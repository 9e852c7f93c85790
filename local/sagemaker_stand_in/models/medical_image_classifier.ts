/**
 * `medical-image-classifier`: stands in for the built-in Image Classification
 * algorithm, answering `{"prediction": [p0..p4]}` for the classes
 * [normal, pneumonia, pleural_effusion, cardiomegaly, nodule].
 *
 * NON-CLINICAL: the "probabilities" are a softmax over bytes of a SHA-256 of
 * the image (or of its S3 URL), so they are stable per input and mean nothing.
 *
 * @module
 */

import {
  answer,
  badRequest,
  float32,
  mediaType,
  type ModelInput,
  type ModelOutput,
  negotiateAccept,
  parseJsonBody,
  type ReferenceModel,
  softmax,
  unsupportedAccept,
  unsupportedContentType,
} from "./model.ts";

/** Class order of the `prediction` array. */
export const IMAGE_CLASSES = [
  "normal",
  "pneumonia",
  "pleural_effusion",
  "cardiomegaly",
  "nodule",
] as const;

const REQUEST_TYPES = [
  "image/jpeg",
  "image/png",
  "application/dicom",
  "application/x-image",
  "application/json",
] as const;
const RESPONSE_TYPES = ["application/json"] as const;

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const DICOM_MAGIC = [0x44, 0x49, 0x43, 0x4d]; // "DICM" after a 128-byte preamble
const DICOM_MAGIC_OFFSET = 128;

const S3_URL_PATTERN = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/;

function startsWith(bytes: Uint8Array, magic: number[], offset = 0): boolean {
  if (bytes.length < offset + magic.length) return false;
  return magic.every((b, i) => bytes[offset + i] === b);
}

/** Whether the bytes really are what the Content-Type claims. */
function magicMatches(type: string, bytes: Uint8Array): boolean {
  switch (type) {
    case "image/jpeg":
      return startsWith(bytes, JPEG_MAGIC);
    case "image/png":
      return startsWith(bytes, PNG_MAGIC);
    case "application/dicom":
      return startsWith(bytes, DICOM_MAGIC, DICOM_MAGIC_OFFSET);
    case "application/x-image": // the algorithm's generic type: JPEG or PNG
      return startsWith(bytes, JPEG_MAGIC) || startsWith(bytes, PNG_MAGIC);
    default:
      return false;
  }
}

/** Deterministic pseudo-probabilities for the five classes. */
export async function imageClassProbabilities(
  key: Uint8Array,
): Promise<number[]> {
  // Copy: newer TypeScript wants an ArrayBuffer-backed view for digest().
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new Uint8Array(key)),
  );
  const logits = IMAGE_CLASSES.map((_, i) => digest[i] / 64);
  return softmax(logits).map(float32);
}

/** The S3 URL from a JSON request, or an error message. */
function parseImageReference(value: unknown): string | { error: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: "Request body must be a JSON object" };
  }
  const record = value as Record<string, unknown>;
  if (
    typeof record.image_url !== "string" ||
    !S3_URL_PATTERN.test(record.image_url)
  ) {
    return { error: "'image_url' must be an s3://bucket/key URL" };
  }
  for (const field of ["image_type", "analysis_type"]) {
    if (record[field] !== undefined && typeof record[field] !== "string") {
      return { error: `'${field}' must be a string` };
    }
  }
  return record.image_url;
}

/** Creates the image classification stand-in. */
export function createMedicalImageClassifier(): ReferenceModel {
  return {
    endpointName: "medical-image-classifier",
    async invoke(input: ModelInput): Promise<ModelOutput> {
      const type = mediaType(input.contentType);
      if (!(REQUEST_TYPES as readonly string[]).includes(type)) {
        return unsupportedContentType(input.contentType, REQUEST_TYPES);
      }
      if (
        negotiateAccept(input.accept, RESPONSE_TYPES, "application/json") ===
          undefined
      ) {
        return unsupportedAccept(input.accept, RESPONSE_TYPES);
      }
      let key: Uint8Array;
      if (type === "application/json") {
        const json = parseJsonBody(input.body);
        if (!json.ok) return badRequest(json.message);
        const url = parseImageReference(json.value);
        if (typeof url !== "string") return badRequest(url.error);
        key = new TextEncoder().encode(url);
      } else {
        if (!magicMatches(type, input.body)) {
          return {
            ok: false,
            statusCode: 415,
            message:
              `Content type ${type} does not match the payload's file signature`,
          };
        }
        key = input.body;
      }
      const prediction = await imageClassProbabilities(key);
      return answer("application/json", JSON.stringify({ prediction }));
    },
  };
}
