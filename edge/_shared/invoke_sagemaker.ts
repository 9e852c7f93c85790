/**
 * Sends a built invocation to SageMaker: signs each attempt at its own time,
 * bounds each attempt with a timeout and all of them with one deadline
 * counted from the request's arrival, stops when the client goes away, and
 * retries only what is safe to retry (AWS SDK standard mode: at most 3
 * attempts, jittered exponential backoff, a per-isolate retry budget).
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { EdgeConfig } from "./config.ts";
import { backoffMs, type RetryBudget } from "./retry_policy.ts";
import { BodyTooLargeError, readCappedBody } from "./request_body.ts";
import {
  type AwsCredentials,
  type FunctionName,
  type Invocation,
  isHealthNavError,
  type NormalizedResult,
  type ResilientGateway,
  signAwsRequest,
  type UpstreamResponse,
} from "./wasm_gateway.ts";

/** Headers the signer adds. */
const SIGNATURE_HEADERS = new Set([
  "x-amz-date",
  "authorization",
  "x-amz-security-token",
]);

/** SageMaker's response body limit. */
export const MAX_RESPONSE_BYTES = 6_291_456;
/** Above this, the body is hashed with the runtime's native SHA-256 rather than in wasm. */
export const NATIVE_HASH_THRESHOLD_BYTES = 64 * 1024;

/** The outside world the call needs. */
export interface CallDeps {
  fetch: typeof fetch;
  now(): number;
  /** Waits `ms`; may end early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** What the call needs to know. */
export interface CallOptions<T = NormalizedResult> {
  functionName: FunctionName;
  gateway: ResilientGateway;
  invocation: Invocation;
  credentials: AwsCredentials;
  region: string;
  attemptTimeoutMs: number;
  /** When the last attempt must be over, ms since 1970 (arrival + the deadline). */
  deadlineAt: number;
  maxAttempts: number;
  /** The isolate's retry budget. */
  retryBudget: RetryBudget;
  /** The client's request signal: when it aborts, the call stops. */
  signal?: AbortSignal;
  /**
   * Reads an answer (throwing pkg's error for a failure); by default
   * `gateway.normalizeResponse`. Batches and async submissions read theirs
   * with `normalizeBatchResponse` and `acceptAsyncResponse`.
   */
  normalize?: (response: UpstreamResponse) => T;
}

/** The call options every function takes from its configuration. */
export function configuredCallOptions(
  config: EdgeConfig,
  started: number,
): Pick<
  CallOptions,
  "credentials" | "region" | "attemptTimeoutMs" | "deadlineAt" | "maxAttempts"
> {
  return {
    credentials: config.credentials,
    region: config.settings.region,
    attemptTimeoutMs: config.attemptTimeoutMs,
    deadlineAt: started + config.deadlineMs,
    maxAttempts: config.maxAttempts,
  };
}

/** A successful call. */
export interface CallResult<T = NormalizedResult> {
  result: T;
  attempts: number;
  /** Duration of the attempt that answered, ms. */
  upstreamMs: number;
}

/** A failed call: a stable code and the status for the client. */
export class UpstreamError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly attempts: number,
    readonly retryable: boolean,
    readonly awsCode: string | null = null,
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

/** Calls SageMaker with retries; throws UpstreamError or pkg's HealthNavError. */
export async function invokeSageMaker<T = NormalizedResult>(
  options: CallOptions<T>,
  deps: CallDeps,
): Promise<CallResult<T>> {
  const { invocation, signal } = options;
  const normalize = options.normalize ??
    ((response: UpstreamResponse) =>
      options.gateway.normalizeResponse(options.functionName, response) as T);
  // A prepared invocation is already signed for the first attempt; retries
  // are signed again at their own time, from the unsigned headers.
  const presigned = invocation.headers.some(([name]) =>
    name === "authorization"
  );
  const unsignedHeaders = invocation.headers.filter(([name]) =>
    !SIGNATURE_HEADERS.has(name)
  );
  const bodySha256 = invocation.body.byteLength >= NATIVE_HASH_THRESHOLD_BYTES
    ? sha256Hex(invocation.body)
    : undefined;
  let lastError: Error | undefined;
  let attemptsMade = 0;
  let retrySpend = 0;

  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    if (signal?.aborted) throw clientGone(attemptsMade);
    const remaining = options.deadlineAt - deps.now();
    if (remaining <= 0) break;
    attemptsMade = attempt;
    const started = deps.now();
    const headers = attempt === 1 && presigned ? invocation.headers : [
      ...unsignedHeaders,
      ...Object.entries(signAwsRequest({
        method: invocation.method,
        url: invocation.url,
        headers: unsignedHeaders,
        ...(bodySha256 ? { bodySha256 } : { body: invocation.body }),
        region: options.region,
        service: "sagemaker",
        credentials: options.credentials,
        timeMs: deps.now(),
      })),
    ];
    const outcome = await attemptOnce(
      invocation,
      headers,
      deps,
      Math.min(options.attemptTimeoutMs, remaining),
      signal,
    );
    const upstreamMs = deps.now() - started;
    let throttled = false;
    if ("response" in outcome) {
      try {
        const result = normalize({
          ...outcome.response,
          elapsedMs: upstreamMs,
        });
        options.retryBudget.succeeded(retrySpend);
        return { result, attempts: attempt, upstreamMs };
      } catch (error) {
        if (!isHealthNavError(error) || !error.retryable) {
          if (isHealthNavError(error)) {
            Object.assign(error, { attempts: attempt });
          }
          throw error;
        }
        throttled = error.code === "throttled";
        lastError = error;
      }
    } else {
      if (signal?.aborted) throw clientGone(attempt);
      lastError = outcome.error;
      if (outcome.error instanceof UpstreamError && !outcome.error.retryable) {
        throw withAttempts(outcome.error, attempt);
      }
    }
    // InvokeEndpointAsync starts an inference that may already be running:
    // only a throttling answer says for sure that it was not accepted.
    if (invocation.async && !throttled) break;
    if (attempt === options.maxAttempts) break;
    const delay = backoffMs(attempt, throttled, deps.random);
    if (deps.now() + delay >= options.deadlineAt) break;
    const timedOut = lastError instanceof UpstreamError &&
      lastError.code === "upstream_timeout";
    const cost = options.retryBudget.trySpend(timedOut);
    if (cost === null) break;
    retrySpend += cost;
    await deps.sleep(delay, signal);
  }
  if (signal?.aborted) throw clientGone(attemptsMade);
  throw finalError(lastError, attemptsMade);
}

type Attempt =
  | {
    response: { status: number; headers: [string, string][]; body: Uint8Array };
  }
  | { error: Error };

async function attemptOnce(
  invocation: Invocation,
  headers: [string, string][],
  deps: CallDeps,
  timeoutMs: number,
  clientSignal: AbortSignal | undefined,
): Promise<Attempt> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = clientSignal
    ? AbortSignal.any([timeout.signal, clientSignal])
    : timeout.signal;
  try {
    const response = await deps.fetch(invocation.url, {
      method: invocation.method,
      headers,
      // Typed as Uint8Array<ArrayBufferLike> by newer TypeScript; it is a plain ArrayBuffer view.
      body: invocation.body as unknown as BodyInit,
      // SageMaker never redirects: a redirect means something else answered,
      // and following it would send the signed request and PHI elsewhere.
      redirect: "manual",
      signal,
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      return {
        error: new UpstreamError(
          "upstream_redirect",
          502,
          "SageMaker's address answered with a redirect, which the gateway does not follow.",
          0,
          false,
        ),
      };
    }
    const body = await readCappedBody(response, MAX_RESPONSE_BYTES);
    return {
      response: {
        status: response.status,
        headers: [...response.headers],
        body,
      },
    };
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return {
        error: new UpstreamError(
          "upstream_response_too_large",
          502,
          "The model's answer is larger than SageMaker's 6 MiB limit.",
          0,
          false,
        ),
      };
    }
    return timeout.signal.aborted
      ? {
        error: new UpstreamError(
          "upstream_timeout",
          504,
          "SageMaker did not answer in time.",
          0,
          true,
        ),
      }
      : {
        error: new UpstreamError(
          "upstream_unreachable",
          502,
          "SageMaker could not be reached or the connection broke.",
          0,
          true,
        ),
      };
  } finally {
    clearTimeout(timer);
  }
}

/** The client disconnected: nothing more is sent on its behalf. */
function clientGone(attempts: number): UpstreamError {
  return new UpstreamError(
    "client_closed_request",
    499,
    "The client closed the request before it was answered.",
    attempts,
    false,
  );
}

function withAttempts(error: UpstreamError, attempts: number): UpstreamError {
  return new UpstreamError(
    error.code,
    error.status,
    error.message,
    attempts,
    error.retryable,
    error.awsCode,
  );
}

function finalError(error: Error | undefined, attempts: number): Error {
  if (error instanceof UpstreamError) return withAttempts(error, attempts);
  if (error && isHealthNavError(error)) {
    return Object.assign(error, { attempts });
  }
  return new UpstreamError(
    "upstream_timeout",
    504,
    "SageMaker did not answer before the gateway's deadline.",
    attempts,
    true,
  );
}

/** Hex SHA-256 with the runtime's native, synchronous hash (faster than wasm
 * and, for one call, than the asynchronous WebCrypto). */
function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
