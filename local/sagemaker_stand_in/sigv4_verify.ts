/**
 * Server-side AWS Signature Version 4 verification, the way AWS front ends do it.
 *
 * The signature is recomputed with @smithy/signature-v4 (the signer the AWS
 * SDK for JavaScript uses) over exactly the headers the client listed in
 * `SignedHeaders`, at the client's `X-Amz-Date`, and compared in constant
 * time. Refusals use AWS's error codes and wording so a gateway's error
 * mapping can be tested against realistic answers.
 *
 * Nothing here logs or echoes secrets, signatures or bodies.
 *
 * @module
 */

import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { Sha256 } from "@aws-crypto/sha256-js";
import type { CoralErrorCode } from "./aws_errors.ts";
import type { StandInCredentials } from "./credentials.ts";

/** SigV4 signing name of SageMaker Runtime (not "runtime.sagemaker"). */
export const SIGNING_SERVICE = "sagemaker";

/** AWS accepts a request whose X-Amz-Date is within this much of its clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const ALGORITHM = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX_SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** Wording AWS uses for a signature that does not match. */
export const SIGNATURE_MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. " +
  "Consult the service documentation for details.";

/** Wording AWS uses for an unknown key id or a wrong session token. */
export const INVALID_TOKEN_MESSAGE =
  "The security token included in the request is invalid.";

/** The parts of a received HTTP request that take part in the signature. */
export interface ReceivedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: Uint8Array;
}

/** What the verifier checks against. */
export interface VerifierConfig {
  region: string;
  /** Signing name requests must be scoped to; default "sagemaker" ("s3" for the S3 stand-in). */
  service?: string;
  credentials: readonly StandInCredentials[];
  /** Current time in ms; injectable so staleness can be tested. */
  now: () => number;
}

/** Outcome of a verification: the caller's key id, or an AWS refusal. */
export type Verification =
  | { ok: true; accessKeyId: string }
  | { ok: false; code: CoralErrorCode; message: string };

function refuse(code: CoralErrorCode, message: string): Verification {
  return { ok: false, code, message };
}

interface ParsedAuthorization {
  accessKeyId: string;
  scopeDate: string;
  scopeRegion: string;
  scopeService: string;
  scopeTerminator: string;
  signedHeaders: string[];
  signature: string;
}

/** Splits `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
function parseAuthorization(
  header: string,
): ParsedAuthorization | Verification {
  const trimmed = header.trim();
  const space = trimmed.indexOf(" ");
  const algorithm = space < 0 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return refuse(
      "IncompleteSignatureException",
      `Unsupported AWS 'algorithm': '${algorithm.slice(0, 40)}'. ` +
        `Sign requests with ${ALGORITHM}.`,
    );
  }
  const params = new Map<string, string>();
  for (const part of trimmed.slice(space + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ["Credential", "SignedHeaders", "Signature"]
    .filter((name) => !params.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  if (missing.length > 0) {
    return refuse("IncompleteSignatureException", missing.join(" "));
  }
  const credential = params.get("Credential")!;
  const scope = credential.split("/");
  if (scope.length !== 5) {
    return refuse(
      "IncompleteSignatureException",
      "Credential must have exactly 5 slash-delimited elements, " +
        `e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, scopeDate, scopeRegion, scopeService, scopeTerminator] =
    scope;
  return {
    accessKeyId,
    scopeDate,
    scopeRegion,
    scopeService,
    scopeTerminator,
    signedHeaders: params.get("SignedHeaders")!.split(";"),
    signature: params.get("Signature")!,
  };
}

/** `20240102T030405Z` → epoch ms, or undefined when not ISO-8601 basic. */
function parseAmzDate(value: string): number | undefined {
  const m = AMZ_DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 20240231 over to March; AWS rejects such dates.
  return new Date(ms).getUTCDate() === day ? ms : undefined;
}

/** Epoch ms → `20240102T030405Z`, the form AWS quotes in its messages. */
function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");
}

/** Compares two strings without an early exit, so timing leaks nothing. */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return difference === 0;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Copy: newer TypeScript wants an ArrayBuffer-backed view for digest().
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(bytes));
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** Checks the scope, the date and its freshness before any key is looked up. */
function checkScopeAndDate(
  auth: ParsedAuthorization,
  headers: Headers,
  config: VerifierConfig,
): { signingDateMs: number } | Verification {
  if (auth.scopeTerminator !== "aws4_request") {
    return refuse(
      "InvalidSignatureException",
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${auth.scopeTerminator}'.`,
    );
  }
  if (auth.scopeRegion !== config.region) {
    return refuse(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${auth.scopeRegion}'. ` +
        `This endpoint serves '${config.region}'.`,
    );
  }
  const service = config.service ?? SIGNING_SERVICE;
  if (auth.scopeService !== service) {
    return refuse(
      "InvalidSignatureException",
      `Credential should be scoped to correct service: '${service}'. `,
    );
  }
  if (!auth.signedHeaders.includes("host")) {
    return refuse(
      "IncompleteSignatureException",
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  const amzDate = headers.get("x-amz-date");
  if (amzDate === null) {
    // AWS also allows a signed Date header; the stand-in supports X-Amz-Date only.
    return refuse(
      "IncompleteSignatureException",
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signingDateMs = parseAmzDate(amzDate);
  if (signingDateMs === undefined) {
    return refuse(
      "IncompleteSignatureException",
      `Date must be in ISO-8601 'basic format'. Got '${
        amzDate.slice(0, 40)
      }'. ` +
        "See http://en.wikipedia.org/wiki/ISO_8601",
    );
  }
  if (!auth.signedHeaders.includes("x-amz-date")) {
    return refuse(
      "IncompleteSignatureException",
      "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  if (auth.scopeDate !== amzDate.slice(0, 8)) {
    return refuse(
      "InvalidSignatureException",
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
        `'${auth.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const now = config.now();
  if (signingDateMs < now - MAX_CLOCK_SKEW_MS) {
    return refuse(
      "InvalidSignatureException",
      `Signature expired: ${amzDate} is now earlier than ${
        formatAmzDate(now - MAX_CLOCK_SKEW_MS)
      } (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (signingDateMs > now + MAX_CLOCK_SKEW_MS) {
    return refuse(
      "InvalidSignatureException",
      `Signature not yet current: ${amzDate} is still later than ${
        formatAmzDate(now + MAX_CLOCK_SKEW_MS)
      } (${formatAmzDate(now)} + 5 min.)`,
    );
  }
  return { signingDateMs };
}

/** Query string as the signer expects it: repeated keys become arrays. */
function queryRecord(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

/** Recomputes the Authorization signature for the request as received. */
async function expectedSignature(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  credentials: StandInCredentials,
  region: string,
  signingDateMs: number,
  service: string,
): Promise<string> {
  // Only the headers the client signed take part, so unsigned extras
  // (user-agent, content-length added by a proxy, …) cannot break the check.
  const signedHeaders: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers.get(name);
    if (value !== null) signedHeaders[name] = value;
  }
  const signer = new SignatureV4({
    service,
    region,
    // S3 signs the path as sent; every other service escapes it once more.
    uriEscapePath: service !== "s3",
    // The session token is compared separately; passing it here would make
    // the signer sign it even when the client appended it unsigned.
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
    },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      path: request.url.pathname,
      query: queryRecord(request.url),
      headers: signedHeaders,
      body: request.body,
    }),
    {
      signingDate: new Date(signingDateMs),
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const authorization = String(signed.headers["authorization"] ?? "");
  return /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? "";
}

/** True when an Authorization header is present (else AWS says "Missing Authentication Token"). */
export function hasAuthorization(headers: Headers): boolean {
  return headers.has("authorization");
}

/**
 * Verifies a request's SigV4 Authorization header.
 *
 * Order follows AWS: header shape, credential scope, date and clock skew,
 * access key, session token, payload hash, then the signature itself.
 */
export async function verifySigV4(
  request: ReceivedRequest,
  config: VerifierConfig,
): Promise<Verification> {
  const header = request.headers.get("authorization");
  if (header === null) {
    return refuse(
      "MissingAuthenticationTokenException",
      "Missing Authentication Token",
    );
  }
  const auth = parseAuthorization(header);
  if ("ok" in auth) return auth;

  const scopeAndDate = checkScopeAndDate(auth, request.headers, config);
  if ("ok" in scopeAndDate) return scopeAndDate;

  const credentials = config.credentials.find((c) =>
    constantTimeEqual(c.accessKeyId, auth.accessKeyId)
  );
  if (!credentials) {
    return refuse("UnrecognizedClientException", INVALID_TOKEN_MESSAGE);
  }
  const token = request.headers.get("x-amz-security-token");
  const tokenMatches = credentials.sessionToken === undefined
    ? token === null
    : token !== null && constantTimeEqual(token, credentials.sessionToken);
  if (!tokenMatches) {
    return refuse("UnrecognizedClientException", INVALID_TOKEN_MESSAGE);
  }

  // A declared payload hash must describe the body actually received,
  // otherwise a tampered body would still carry a valid signature.
  const declaredHash = request.headers.get("x-amz-content-sha256");
  if (declaredHash !== null && declaredHash !== UNSIGNED_PAYLOAD) {
    const actualHash = await sha256Hex(request.body);
    if (
      !HEX_SHA256_PATTERN.test(declaredHash) ||
      !constantTimeEqual(declaredHash, actualHash)
    ) {
      return refuse("InvalidSignatureException", SIGNATURE_MISMATCH_MESSAGE);
    }
  }

  const expected = await expectedSignature(
    request,
    auth,
    credentials,
    config.region,
    scopeAndDate.signingDateMs,
    config.service ?? SIGNING_SERVICE,
  );
  if (expected === "" || !constantTimeEqual(expected, auth.signature)) {
    return refuse("InvalidSignatureException", SIGNATURE_MISMATCH_MESSAGE);
  }
  return { ok: true, accessKeyId: credentials.accessKeyId };
}
