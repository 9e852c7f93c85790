/**
 * Our module doing the jobs the way the edge functions call it
 * (edge/_shared/edge_function.ts and signed_call.ts): a Gateway bound to its
 * function and holding the credentials; `prepare` validates, builds and,
 * for a body pkg hashes itself (up to 64 KiB), signs the first attempt in
 * one call; a larger body is hashed with node:crypto and each attempt is
 * signed by `signAttempt` with that hash. `signAwsRequest`, the general
 * signer, is kept as breakdown rows.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  type AwsCredentials,
  type FunctionName,
  Gateway,
  type Invocation,
  signAwsRequest,
} from "../../pkg/mod.js";
import { CREDENTIALS, REGION, SERVICE, TIME_MS } from "../cold/_job.ts";
import type { SignedHeaders, SignJob } from "./peers.ts";

export { Gateway, signAwsRequest };

/** A gateway of `functionName` with the production defaults for us-east-1. */
export function createGateway(
  endpointUrl?: string,
  credentials: AwsCredentials | null = CREDENTIALS,
  functionName: FunctionName = "sagemaker-triage",
): Gateway {
  return new Gateway(
    { region: REGION, endpointUrl },
    functionName,
    credentials ?? undefined,
  );
}

/** Signs with the general signer; `bodySha256` instead of the body when given. */
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

/** A function's small-body path: validate + build + sign in one wasm call. */
export function prepareOurs(
  gateway: Gateway,
  clientBody: Uint8Array,
  timeMs = TIME_MS,
): { invocation: Invocation; signed: SignedHeaders } {
  const invocation = gateway.prepare(clientBody, timeMs);
  if (!invocation.firstAttemptSignature) {
    throw new Error("prepareOurs is the small-body path: pkg hashes the body");
  }
  return {
    invocation,
    signed: Object.fromEntries(invocation.firstAttemptSignature),
  };
}

/** A retry (or a large body's attempt): the gateway's signer with a known hash. */
export function signAttemptOurs(
  gateway: Gateway,
  job: SignJob,
  payloadSha256: string,
  timeMs = TIME_MS,
): SignedHeaders {
  const attempt = { ...job, payloadSha256 } as unknown as Invocation;
  return Object.fromEntries(gateway.signAttempt(attempt, timeMs));
}

/** The large-body path of signed_call.ts: node:crypto SHA-256, then signAttempt. */
export function signLargeOurs(gateway: Gateway, job: SignJob): SignedHeaders {
  return signAttemptOurs(gateway, job, sha256HexNode(job.body));
}

/** The large-body path with WebCrypto's SHA-256 instead. */
export async function signLargeOursSubtle(
  gateway: Gateway,
  job: SignJob,
): Promise<SignedHeaders> {
  return signAttemptOurs(gateway, job, await sha256HexSubtle(job.body));
}

/** An invocation as a signing job. */
export function jobOf(invocation: Invocation): SignJob {
  return {
    url: invocation.url,
    headers: invocation.headers,
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

/** Hex SHA-256 with node:crypto, as edge/_shared/signed_call.ts does it. */
export function sha256HexNode(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
