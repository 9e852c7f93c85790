/**
 * Our module doing the jobs the way the edge functions call it
 * (edge/_shared/edge_function.ts and invoke_sagemaker.ts): a body under
 * NATIVE_HASH_THRESHOLD_BYTES is validated, built and signed in one call,
 * `gateway.prepareInvocation`, by a Gateway holding the credentials; a larger
 * one is built with `buildInvocation`, hashed with node:crypto and signed with
 * `signAwsRequest({bodySha256})`. The older two-call path and the other hashes
 * are kept as breakdown rows.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  type AwsCredentials,
  Gateway,
  type Invocation,
  signAwsRequest,
} from "../../pkg/mod.js";
import { NATIVE_HASH_THRESHOLD_BYTES } from "../../edge/_shared/invoke_sagemaker.ts";
import { CREDENTIALS, REGION, SERVICE, TIME_MS } from "../cold/_job.ts";
import type { SignedHeaders, SignJob } from "./peers.ts";

export { Gateway, NATIVE_HASH_THRESHOLD_BYTES, signAwsRequest };

/** A gateway with the production defaults for us-east-1, holding `credentials`. */
export function createGateway(
  endpointUrl?: string,
  credentials: AwsCredentials = CREDENTIALS,
): Gateway {
  const gateway = new Gateway({ region: REGION, endpointUrl });
  gateway.setCredentials(credentials);
  return gateway;
}

/** Headers the signer adds to an invocation. */
const SIGNATURE_HEADERS = new Set([
  "x-amz-date",
  "authorization",
  "x-amz-security-token",
]);

/** Signs with our module; `bodySha256` instead of the body when given. */
export function signOurs(
  job: SignJob,
  bodySha256?: string,
  credentials: AwsCredentials = CREDENTIALS,
  timeMs = TIME_MS,
): SignedHeaders {
  return signAwsRequest({
    method: "POST",
    url: job.url,
    headers: job.headers,
    ...(bodySha256 === undefined ? { body: job.body } : { bodySha256 }),
    region: REGION,
    service: SERVICE,
    credentials,
    timeMs,
  }) as SignedHeaders;
}

/** The small-body path of a function: validate + build + sign in one wasm call. */
export function prepareOurs(
  gateway: Gateway,
  clientBody: Uint8Array,
  timeMs = TIME_MS,
): { invocation: Invocation; signed: SignedHeaders } {
  if (clientBody.byteLength >= NATIVE_HASH_THRESHOLD_BYTES) {
    throw new Error("prepareOurs is the small-body path");
  }
  const invocation = gateway.prepareInvocation("triage", clientBody, timeMs);
  const signed: SignedHeaders = {};
  for (const [name, value] of invocation.headers) {
    if (SIGNATURE_HEADERS.has(name)) signed[name] = value;
  }
  return { invocation, signed };
}

/** The two-call path: `buildInvocation`, then `signAwsRequest` with the body. */
export function buildAndSignOurs(
  gateway: Gateway,
  clientBody: Uint8Array,
): SignedHeaders {
  return signOurs(jobOf(gateway.buildInvocation("triage", clientBody)));
}

/** The large-body path of invoke_sagemaker.ts: node:crypto SHA-256, then sign `bodySha256`. */
export function signLargeOurs(job: SignJob): SignedHeaders {
  return signOurs(job, sha256HexNode(job.body));
}

/** The large-body path with WebCrypto's SHA-256 instead (what invoke_sagemaker.ts did before). */
export async function signLargeOursSubtle(
  job: SignJob,
): Promise<SignedHeaders> {
  return signOurs(job, await sha256HexSubtle(job.body));
}

/** An invocation as a signing job: its headers less any signature. */
export function jobOf(invocation: Invocation): SignJob {
  return {
    url: invocation.url,
    headers: invocation.headers.filter(([name]) =>
      !SIGNATURE_HEADERS.has(name)
    ),
    body: invocation.body,
  };
}

/** Hex SHA-256 with WebCrypto. */
export async function sha256HexSubtle(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as BufferSource),
  );
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Hex SHA-256 with node:crypto, as edge/_shared/invoke_sagemaker.ts does it. */
export function sha256HexNode(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
