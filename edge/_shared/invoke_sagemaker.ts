/**
 * The transport to SageMaker, and nothing about functions: sends a call
 * with each attempt's own signed headers, bounds each attempt with a timeout
 * and all of them with one deadline counted from the request's arrival,
 * stops when the client goes away, and retries only what is safe to retry
 * (AWS SDK standard mode: at most 3 attempts, jittered exponential backoff,
 * a per-isolate retry budget). What an answer means is the `read`
 * callback's to say.
 *
 * @module
 */
import { GatewayFailure } from "./gateway_failure.ts";
import { backoffMs, type RetryBudget } from "./retry_policy.ts";
import { BodyTooLargeError, readCappedBody } from "./request_body.ts";
import type { UpstreamResponse } from "./wasm_gateway.ts";

/** SageMaker's response body limit. */
export const MAX_RESPONSE_BYTES = 6_291_456;

/** The outside world the call needs. */
export interface CallDeps {
  fetch: typeof fetch;
  now(): number;
  /** Waits `ms`; may end early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
}

/** One call to send. */
export interface SageMakerCall<T> {
  url: string;
  body: Uint8Array;
  /** InvokeEndpointAsync: only a throttling answer is retried (see below). */
  async: boolean;
  /** Every header of one attempt at `now`, its signature included. */
  headersFor(now: number): [string, string][];
  /** Reads an answer; throws a GatewayFailure (retried when retryable). */
  read(response: UpstreamResponse): T;
}

/** How hard to try. */
export interface CallPolicy {
  attemptTimeoutMs: number;
  /** When the last attempt must be over, ms since 1970 (arrival + the deadline). */
  deadlineAt: number;
  maxAttempts: number;
  /** The isolate's retry budget. */
  retryBudget: RetryBudget;
  /** The client's request signal: when it aborts, the call stops. */
  signal?: AbortSignal;
}

/** A successful call. */
export interface CallResult<T> {
  result: T;
  attempts: number;
  /** Duration of the attempt that answered, ms. */
  upstreamMs: number;
}

/** Sends `call` with retries; throws GatewayFailure carrying the attempts made. */
export async function invokeSageMaker<T>(
  call: SageMakerCall<T>,
  policy: CallPolicy,
  deps: CallDeps,
): Promise<CallResult<T>> {
  const { signal } = policy;
  let lastFailure: GatewayFailure | undefined;
  let attemptsMade = 0;
  let retrySpend = 0;

  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (signal?.aborted) throw clientGone(attemptsMade);
    const remaining = policy.deadlineAt - deps.now();
    if (remaining <= 0) break;
    attemptsMade = attempt;
    const started = deps.now();
    const outcome = await attemptOnce(
      call,
      call.headersFor(started),
      deps,
      Math.min(policy.attemptTimeoutMs, remaining),
      signal,
    );
    const upstreamMs = deps.now() - started;
    if (outcome instanceof GatewayFailure) {
      if (signal?.aborted) throw clientGone(attempt);
      lastFailure = outcome;
    } else {
      try {
        const result = call.read({ ...outcome, elapsedMs: upstreamMs });
        policy.retryBudget.succeeded(retrySpend);
        return { result, attempts: attempt, upstreamMs };
      } catch (error) {
        if (!(error instanceof GatewayFailure)) throw error;
        lastFailure = error;
      }
    }
    if (!lastFailure.retryable) throw lastFailure.withAttempts(attempt);
    const throttled = lastFailure.code === "throttled";
    // InvokeEndpointAsync starts an inference that may already be running:
    // only a throttling answer says for sure that it was not accepted.
    if (call.async && !throttled) break;
    if (attempt === policy.maxAttempts) break;
    const delay = backoffMs(attempt, throttled, deps.random);
    if (deps.now() + delay >= policy.deadlineAt) break;
    const cost = policy.retryBudget.trySpend(
      lastFailure.code === "upstream_timeout",
    );
    if (cost === null) break;
    retrySpend += cost;
    await deps.sleep(delay, signal);
  }
  if (signal?.aborted) throw clientGone(attemptsMade);
  throw (lastFailure ?? deadlinePassed()).withAttempts(attemptsMade);
}

/** One attempt: the answer as received, or why there is none. */
async function attemptOnce(
  call: SageMakerCall<unknown>,
  headers: [string, string][],
  deps: CallDeps,
  timeoutMs: number,
  clientSignal: AbortSignal | undefined,
): Promise<
  | { status: number; headers: [string, string][]; body: Uint8Array }
  | GatewayFailure
> {
  // One controller ends the attempt, on its timer or the client's abort (a
  // listener is cheaper than AbortSignal.any's dependent signal).
  const attemptEnd = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attemptEnd.abort();
  }, timeoutMs);
  const onClientAbort = () => attemptEnd.abort();
  clientSignal?.addEventListener("abort", onClientAbort, { once: true });
  if (clientSignal?.aborted) attemptEnd.abort();
  try {
    const response = await deps.fetch(call.url, {
      method: "POST",
      headers,
      // Typed as Uint8Array<ArrayBufferLike> by newer TypeScript; it is a plain ArrayBuffer view.
      body: call.body as unknown as BodyInit,
      // SageMaker never redirects: a redirect means something else answered,
      // and following it would send the signed request and PHI elsewhere.
      redirect: "manual",
      signal: attemptEnd.signal,
    });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      return new GatewayFailure(
        "upstream_redirect",
        "SageMaker's address answered with a redirect, which the gateway does not follow.",
      );
    }
    const body = await readCappedBody(response, MAX_RESPONSE_BYTES);
    return {
      status: response.status,
      headers: [...response.headers],
      body,
    };
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return new GatewayFailure(
        "upstream_response_too_large",
        "The model's answer is larger than SageMaker's 6 MiB limit.",
      );
    }
    return timedOut
      ? new GatewayFailure(
        "upstream_timeout",
        "SageMaker did not answer in time.",
      )
      : new GatewayFailure(
        "upstream_unreachable",
        "SageMaker could not be reached or the connection broke.",
      );
  } finally {
    clearTimeout(timer);
    clientSignal?.removeEventListener("abort", onClientAbort);
  }
}

/** The client disconnected: nothing more is sent on its behalf. */
function clientGone(attempts: number): GatewayFailure {
  return new GatewayFailure(
    "client_closed_request",
    "The client closed the request before it was answered.",
    { attempts },
  );
}

function deadlinePassed(): GatewayFailure {
  return new GatewayFailure(
    "upstream_timeout",
    "SageMaker did not answer before the gateway's deadline.",
  );
}
