/**
 * Retries where it is safe and the gateway asked for it: a 429 or 503 with
 * `Retry-After` means the model was not run (throttled, not ready,
 * unavailable), so the same request may be sent again after that wait.
 * Nothing else is retried; the gateway already retries SageMaker itself.
 *
 * @module
 */
import { HealthNavError } from "./health_nav_error.ts";
import { sleep } from "./timers.ts";
import type { AbortSignalLike } from "./transport.ts";

/** How far the client retries. */
export interface RetryPolicy {
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  /** A longer `Retry-After` is returned to the caller instead of waited for (default 30). */
  maxRetryAfterSeconds: number;
}

function waitBeforeRetry(error: unknown, policy: RetryPolicy): number | null {
  if (!(error instanceof HealthNavError)) return null;
  if (error.status !== 429 && error.status !== 503) return null;
  const seconds = error.retryAfterSeconds;
  return seconds !== null && seconds <= policy.maxRetryAfterSeconds
    ? seconds
    : null;
}

/** Runs `attempt`, again after each retryable failure, at most `maxRetries` more times. */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignalLike,
): Promise<T> {
  for (let retry = 0;; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const seconds = waitBeforeRetry(error, policy);
      if (seconds === null || retry >= policy.maxRetries) throw error;
      await sleep(seconds * 1000, signal);
    }
  }
}
