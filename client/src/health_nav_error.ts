/**
 * The one error every call rejects with: a problem+json answer of the
 * gateway, a non-problem error answer, a network failure, a timeout or a
 * cancellation. Its message holds codes and fixed sentences only, never a
 * request body, so it is safe to log.
 *
 * @module
 */
import type { FieldError } from "./types.ts";

/** Codes of failures that have no answer from the gateway (status 0). */
export type ClientFailureCode =
  | "network_error"
  | "timeout"
  | "aborted"
  | "invalid_response"
  | "invalid_async_id";

/** Everything a HealthNavError carries. */
export interface HealthNavErrorInit {
  /** HTTP status of the answer; 0 when there was none. */
  status: number;
  /** The problem's `code` (README error table) or a {@link ClientFailureCode}. */
  code: string;
  /** The problem's `detail`, or what happened. */
  detail: string;
  errors?: FieldError[];
  requestId?: string | null;
  retryAfterSeconds?: number | null;
  cause?: unknown;
}

/** A failed HealthNav call. */
export class HealthNavError extends Error {
  /** HTTP status of the answer; 0 when there was none. */
  readonly status: number;
  /** Stable code: the problem's `code`, `http_<status>`, or a {@link ClientFailureCode}. */
  readonly code: string;
  /** The problem's `detail`, or what happened. */
  readonly detail: string;
  /** Field errors of a 422 (paths like `patient_data.age`), else empty. */
  readonly errors: FieldError[];
  /** The gateway's `request_id` (also `x-request-id`), to quote in support requests. */
  readonly requestId: string | null;
  /** Seconds the gateway asked to wait before trying again, when it said. */
  readonly retryAfterSeconds: number | null;
  /** The underlying error of a network failure. */
  override readonly cause: unknown;

  constructor(init: HealthNavErrorInit) {
    super(`${init.code} (${init.status}): ${init.detail}`);
    // Transpiled classes that extend Error lose their prototype without this.
    Object.setPrototypeOf(this, HealthNavError.prototype);
    this.name = "HealthNavError";
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.cause = init.cause;
  }
}

/** True for a {@link HealthNavError}, even one from another copy of this module. */
export function isHealthNavError(error: unknown): error is HealthNavError {
  return error instanceof HealthNavError ||
    (error instanceof Error && error.name === "HealthNavError");
}
