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
