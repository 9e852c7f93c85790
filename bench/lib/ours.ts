/**
 * Our module doing the jobs, the way the edge functions call it
 * (edge/_shared/edge_function.ts and invoke_sagemaker.ts): validate and build
 * with `gateway.buildInvocation`, then `signAwsRequest`, with bodies from
 * NATIVE_HASH_THRESHOLD_BYTES up hashed natively and passed as `bodySha256`.
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

/** A gateway with the production defaults for us-east-1. */
export function createGateway(endpointUrl?: string): Gateway {
  return new Gateway({ region: REGION, endpointUrl });
}

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

/** The 1 KB path of a function: validate + build + sign, all in wasm (body under the threshold). */
export function prepareOurs(
  gateway: Gateway,
  clientBody: Uint8Array,
): { invocation: Invocation; signed: SignedHeaders } {
  const invocation = gateway.buildInvocation("triage", clientBody);
  if (invocation.body.byteLength >= NATIVE_HASH_THRESHOLD_BYTES) {
    throw new Error("prepareOurs is the small-body path");
  }
  return { invocation, signed: signOurs(jobOf(invocation)) };
}

/** The large-body path: SHA-256 with crypto.subtle (as invoke_sagemaker.ts), then sign `bodySha256`. */
export async function signLargeOurs(job: SignJob): Promise<SignedHeaders> {
  return signOurs(job, await sha256HexSubtle(job.body));
}

/** The large-body path with node:crypto's synchronous SHA-256 instead. */
export function signLargeOursNodeHash(job: SignJob): SignedHeaders {
  return signOurs(job, sha256HexNode(job.body));
}

/** An invocation as a signing job. */
export function jobOf(invocation: Invocation): SignJob {
  return {
    url: invocation.url,
    headers: invocation.headers,
    body: invocation.body,
  };
}

/** Hex SHA-256 with WebCrypto, as edge/_shared/invoke_sagemaker.ts does it. */
export async function sha256HexSubtle(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as BufferSource),
  );
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Hex SHA-256 with node:crypto. */
export function sha256HexNode(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
