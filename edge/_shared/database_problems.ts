/**
 * The answers the functions give for the quota and for a database they
 * cannot reach, as problem+json with stable codes: 429 with Retry-After
 * when the caller's quota for this minute is spent, 503 when audit and
 * quotas cannot be served and the operator chose to fail closed.
 *
 * @module
 */
import type { QuotaDecision } from "./audit_store.ts";
import type { Problem } from "./problem.ts";

/** `code` of the 429 answer. */
export const QUOTA_EXCEEDED_CODE = "caller_quota_exceeded";
/** `code` of the 503 answer when the database cannot be reached (fail closed). */
export const DATABASE_UNAVAILABLE_CODE = "audit_unavailable";
/** Seconds a client waits before trying again after a 503. */
export const DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** 429: this caller's calls to this function for the current minute are spent. */
export function quotaExceededProblem(decision: QuotaDecision): Problem {
  return {
    status: 429,
    code: QUOTA_EXCEEDED_CODE,
    detail:
      `The caller's quota of ${decision.limit} calls per minute to this function is spent; try again after Retry-After seconds.`,
    headers: { "retry-after": String(Math.max(1, decision.retryAfterSeconds)) },
  };
}

/** 503: the audit trail and quotas cannot be served, so neither is the request. */
export function databaseUnavailableProblem(): Problem {
  return {
    status: 503,
    code: DATABASE_UNAVAILABLE_CODE,
    detail:
      "The audit trail cannot be written right now, so the request was not served; try again later.",
    headers: {
      "retry-after": String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS),
    },
  };
}
