/**
 * Retry delays as the AWS SDKs' standard mode computes them: full jitter over
 * an exponential backoff capped at 20 s, with a larger base for throttling.
 *
 * @module
 */

/** Base delay for transient errors (JS SDK v3 standard mode). */
export const TRANSIENT_BASE_MS = 100;
/** Base delay after throttling (JS SDK v3 standard mode). */
export const THROTTLING_BASE_MS = 500;
/** Cap of any single delay. */
export const MAX_BACKOFF_MS = 20_000;

/** Delay before retry number `retry` (1 for the first retry). */
export function backoffMs(
  retry: number,
  throttled: boolean,
  random: () => number,
): number {
  const base = throttled ? THROTTLING_BASE_MS : TRANSIENT_BASE_MS;
  return Math.floor(
    random() * Math.min(base * 2 ** (retry - 1), MAX_BACKOFF_MS),
  );
}

/** Tokens in a full retry budget (AWS SDK standard mode). */
export const RETRY_BUDGET_TOKENS = 500;
/** What a retry costs. */
export const RETRY_COST = 5;
/** What a retry after a timeout costs: timeouts hold connections longest. */
export const TIMEOUT_RETRY_COST = 10;
/** What a call that succeeds at once gives back. */
export const NO_RETRY_REFUND = 1;

/**
 * The AWS SDKs' standard-mode retry quota, per isolate: every retry spends
 * tokens, first-time successes earn one back. When SageMaker fails for
 * everyone, the budget runs out after about a hundred retries and calls fail
 * at their first error instead of tripling the load on a struggling endpoint.
 */
export class RetryBudget {
  #tokens = RETRY_BUDGET_TOKENS;

  /** Tokens left. */
  get tokens(): number {
    return this.#tokens;
  }

  /** Spends the cost of one retry and returns it; null (nothing spent) when the budget cannot pay it. */
  trySpend(afterTimeout: boolean): number | null {
    const cost = afterTimeout ? TIMEOUT_RETRY_COST : RETRY_COST;
    if (this.#tokens < cost) return null;
    this.#tokens -= cost;
    return cost;
  }

  /** A call succeeded: returns what its retries spent, or the first-time refund. */
  succeeded(spent: number): void {
    const refund = spent > 0 ? spent : NO_RETRY_REFUND;
    this.#tokens = Math.min(RETRY_BUDGET_TOKENS, this.#tokens + refund);
  }
}
