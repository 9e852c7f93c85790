/**
 * Polls an asynchronous image analysis until its result is there: never
 * sooner than the gateway's `Retry-After`, backing off (doubling up to a
 * cap) while it stays pending, within an overall deadline, cancellable.
 *
 * @module
 */
import { HealthNavError } from "./health_nav_error.ts";
import { sleep } from "./timers.ts";
import type { AbortSignalLike } from "./transport.ts";
import type { Success } from "./invoke_once.ts";

/** How long and how often to poll. */
export interface PollPolicy {
  /** Give up (`timeout`) when the result is not there after this long (default 120000). */
  timeoutMs: number;
  /** First pause between polls without a Retry-After (default 1000); doubles each time. */
  pollIntervalMs: number;
  /** Longest pause between polls (default 10000). */
  maxPollIntervalMs: number;
  signal?: AbortSignalLike;
}

/**
 * Calls `poll` until it answers 200 and returns that answer. The first poll
 * waits `firstWaitSeconds` (the 202's Retry-After), or goes at once.
 */
export async function waitForAnalysis(
  poll: () => Promise<Success>,
  firstWaitSeconds: number | null,
  policy: PollPolicy,
): Promise<Success> {
  const deadline = Date.now() + policy.timeoutMs;
  let wait = (firstWaitSeconds ?? 0) * 1000;
  let backoff = policy.pollIntervalMs;
  for (;;) {
    if (Date.now() + wait > deadline) {
      throw new HealthNavError({
        status: 0,
        code: "timeout",
        detail: `The analysis was still pending after ${policy.timeoutMs} ms.`,
      });
    }
    await sleep(wait, policy.signal);
    const answer = await poll();
    if (answer.status !== 202) return answer;
    wait = Math.max((answer.retryAfterSeconds ?? 0) * 1000, backoff);
    backoff = Math.min(backoff * 2, policy.maxPollIntervalMs);
  }
}
