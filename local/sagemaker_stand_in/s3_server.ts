/**
 * A small S3 on its own 127.0.0.1 port, path style (`/<bucket>/<key>`), for
 * the asynchronous-inference emulation: GetObject, HeadObject and PutObject
 * on the stand-in's in-memory store. Every request must be SigV4-signed for
 * service `s3` (checked with @smithy/signature-v4 over the path as sent, as
 * S3 does) and carry `x-amz-content-sha256`. Errors are S3's XML with S3's
 * codes (NoSuchKey, NoSuchBucket, SignatureDoesNotMatch, …).
 *
 * @module
 */

import type { StandInCredentials } from "./credentials.ts";
import { readCappedBody } from "./request_body.ts";
import { logRequest } from "./request_log.ts";
import type { S3Store } from "./s3_store.ts";
import { verifySigV4 } from "./sigv4_verify.ts";

/** Largest PutObject body the stand-in keeps. */
export const MAX_S3_OBJECT_BYTES = 32 * 1024 * 1024;

/** What the S3 handler needs. */
export interface S3Dependencies {
  region: string;
  credentials: readonly StandInCredentials[];
  now: () => number;
  store: S3Store;
}

function s3Error(
  status: number,
  code: string,
  message: string,
  requestId: string,
  resource?: string,
): Response {
  const escape = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${code}</Code><Message>${escape(message)}</Message>` +
    (resource ? `<Resource>${escape(resource)}</Resource>` : "") +
    `<RequestId>${requestId}</RequestId></Error>`;
  return new Response(body, {
    status,
    headers: {
      "content-type": "application/xml",
      "x-amz-request-id": requestId,
    },
  });
}

/** The verifier's refusal in S3's words. */
function authError(code: string, message: string, requestId: string) {
  if (code === "UnrecognizedClientException") {
    return s3Error(
      403,
      "InvalidAccessKeyId",
      "The AWS Access Key Id you provided does not exist in our records.",
      requestId,
    );
  }
  if (code === "IncompleteSignatureException") {
    return s3Error(400, "AuthorizationHeaderMalformed", message, requestId);
  }
  if (/^Signature (expired|not yet current)/.test(message)) {
    return s3Error(
      403,
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.",
      requestId,
    );
  }
  return s3Error(
    403,
    "SignatureDoesNotMatch",
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    requestId,
  );
}

/** Handles one S3 request. */
export async function handleS3(
  request: Request,
  requestId: string,
  deps: S3Dependencies,
): Promise<Response> {
  const url = new URL(request.url);
  const match = /^\/([^/]+)\/(.+)$/.exec(url.pathname);
  const method = request.method;
  if (!match || !["GET", "HEAD", "PUT"].includes(method)) {
    await request.body?.cancel();
    return s3Error(
      405,
      "MethodNotAllowed",
      "The stand-in serves GetObject, HeadObject and PutObject on /<bucket>/<key> only.",
      requestId,
    );
  }
  if (!request.headers.has("authorization")) {
    await request.body?.cancel();
    return s3Error(403, "AccessDenied", "Access Denied", requestId);
  }
  if (!request.headers.has("x-amz-content-sha256")) {
    await request.body?.cancel();
    return s3Error(
      400,
      "InvalidRequest",
      "Missing required header for this request: x-amz-content-sha256",
      requestId,
    );
  }
  const body = await readCappedBody(request, MAX_S3_OBJECT_BYTES);
  if (!body.ok) {
    return s3Error(
      400,
      "EntityTooLarge",
      "Your proposed upload exceeds the maximum allowed size",
      requestId,
    );
  }
  const verification = await verifySigV4(
    { method, url, headers: request.headers, body: body.bytes },
    { ...deps, service: "s3" },
  );
  if (!verification.ok) {
    return authError(verification.code, verification.message, requestId);
  }

  const bucket = match[1];
  let key: string;
  try {
    key = decodeURIComponent(match[2]);
  } catch {
    return s3Error(
      400,
      "InvalidURI",
      "Couldn't parse the specified URI.",
      requestId,
    );
  }
  if (method === "PUT") {
    const stored = await deps.store.putObject(
      bucket,
      key,
      body.bytes,
      request.headers.get("content-type") ?? "binary/octet-stream",
    );
    return new Response(null, {
      status: 200,
      headers: { etag: stored.etag, "x-amz-request-id": requestId },
    });
  }
  if (!deps.store.hasBucket(bucket)) {
    return s3Error(
      404,
      "NoSuchBucket",
      "The specified bucket does not exist",
      requestId,
      `/${bucket}`,
    );
  }
  const object = deps.store.getObject(bucket, key);
  if (!object) {
    return s3Error(
      404,
      "NoSuchKey",
      "The specified key does not exist.",
      requestId,
      `/${bucket}/${key}`,
    );
  }
  const headers = {
    "content-type": object.contentType,
    "content-length": String(object.body.byteLength),
    etag: object.etag,
    "last-modified": object.lastModified.toUTCString(),
    "x-amz-request-id": requestId,
  };
  // Typed as Uint8Array<ArrayBufferLike> by newer TypeScript; it is a plain ArrayBuffer view.
  const payload = object.body as unknown as BodyInit;
  return new Response(method === "HEAD" ? null : payload, {
    status: 200,
    headers,
  });
}

/** A running S3 stand-in. */
export interface S3Server {
  /** `http://127.0.0.1:PORT`: set it as AWS_ENDPOINT_URL_S3. */
  url: string;
  close(): Promise<void>;
}

/** Serves {@link handleS3} on 127.0.0.1, logging one line per request. */
export function startS3Server(
  port: number,
  deps: S3Dependencies,
  log: (line: string) => void,
): Promise<S3Server> {
  const handle = async (request: Request): Promise<Response> => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    let response: Response;
    try {
      response = await handleS3(request, requestId, deps);
    } catch (error) {
      console.error("s3 stand-in: unexpected error", error);
      response = s3Error(
        500,
        "InternalError",
        "We encountered an internal error. Please try again.",
        requestId,
      );
    }
    logRequest(log, {
      method: request.method,
      path: new URL(request.url).pathname,
      endpoint: null,
      status: response.status,
      ms: performance.now() - started,
      fault: null,
      requestId,
    });
    return response;
  };
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port,
      onListen: (addr) =>
        resolve({
          url: `http://127.0.0.1:${addr.port}`,
          close: () => server.shutdown(),
        }),
    }, handle);
  });
}
