/**
 * One S3 GetObject, SigV4-signed by pkg for service `s3` (the path signed as
 * sent, `x-amz-content-sha256` included), bounded in time and size. Used to
 * read asynchronous results; S3's answer, whatever its status, goes to pkg.
 *
 * @module
 */
import { GatewayFailure } from "./gateway_failure.ts";
import { MAX_RESPONSE_BYTES } from "./invoke_sagemaker.ts";
import { BodyTooLargeError, readCappedBody } from "./request_body.ts";
import { type AwsCredentials, signAwsRequest } from "./wasm_gateway.ts";

/** An S3 GET answers in well under a second; a stuck one must not hold the poll. */
export const S3_TIMEOUT_MS = 10_000;

/** What the GET needs from the outside world. */
export interface S3Deps {
  fetch: typeof fetch;
  now(): number;
}

/** S3's answer as pkg reads it. */
export interface S3Answer {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** GETs `url`; throws a GatewayFailure when S3 cannot be reached in time. */
export async function getS3Object(
  url: string,
  signing: { credentials: AwsCredentials; region: string },
  deps: S3Deps,
): Promise<S3Answer> {
  const signed = signAwsRequest({
    method: "GET",
    url,
    headers: [],
    body: new Uint8Array(),
    region: signing.region,
    service: "s3",
    credentials: signing.credentials,
    timeMs: deps.now(),
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), S3_TIMEOUT_MS);
  try {
    const response = await deps.fetch(url, {
      method: "GET",
      headers: Object.entries(signed),
      // A redirect would carry the signed request elsewhere; S3's own
      // redirects (a bucket in another region) are answers for pkg to read.
      redirect: "manual",
      signal: controller.signal,
    });
    const body = await readCappedBody(response, MAX_RESPONSE_BYTES);
    return { status: response.status, headers: [...response.headers], body };
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw new GatewayFailure(
        "upstream_response_too_large",
        "The asynchronous result is larger than the gateway reads (6 MiB).",
        { attempts: 1 },
      );
    }
    throw controller.signal.aborted
      ? new GatewayFailure("upstream_timeout", "S3 did not answer in time.", {
        attempts: 1,
      })
      : new GatewayFailure(
        "upstream_unreachable",
        "S3 could not be reached or the connection broke.",
        { attempts: 1 },
      );
  } finally {
    clearTimeout(timer);
  }
}
