/**
 * The one place errors become responses: RFC 9457 `application/problem+json`
 * with a stable `code`, the `request_id` and, for validation, `errors`.
 * Details are fixed sentences: no secrets, no patient data, no internals.
 *
 * @module
 */
import type { ErrorCode } from "./error_codes.ts";
import type { GatewayFailure } from "./gateway_failure.ts";
import type { FieldError, RedFlag, SafetyNotice } from "./wasm_gateway.ts";

/** Most field errors one answer lists, whatever the body held. */
export const MAX_LISTED_ERRORS = 100;

/** Fields of a problem response. */
export interface Problem {
  status: number;
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  /** More field errors were found than `errors` lists. */
  truncated?: boolean;
  /** Extra headers such as `Allow` or `Retry-After`. */
  headers?: Record<string, string>;
  /** Triage, when the model could not answer: the red flags and the safety message. */
  safety?: SafetyNotice & {
    patients?: { index: number; red_flags: RedFlag[] }[];
  };
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  499: "Client Closed Request",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * The problem a failure answers with. A retryable 429 or 503 says when to
 * come back (`Retry-After: 1` unless the failure says otherwise).
 */
export function problemOf(failure: GatewayFailure): Problem {
  const retryAfter: Record<string, string> = failure.retryable &&
      (failure.status === 429 || failure.status === 503)
    ? { "retry-after": "1" }
    : {};
  return {
    status: failure.status,
    code: failure.code,
    detail: failure.message,
    errors: failure.details.errors,
    truncated: failure.details.truncated,
    headers: { ...retryAfter, ...failure.details.headers },
    safety: failure.details.safety,
  };
}

/** Builds the problem+json response. */
export function problemResponse(
  problem: Problem,
  requestId: string,
  extraHeaders: Headers = new Headers(),
): Response {
  const body: Record<string, unknown> = {
    type: `urn:healthnav:problem:${problem.code}`,
    title: TITLES[problem.status] ?? "Error",
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    request_id: requestId,
  };
  if (problem.safety) {
    const { red_flags, safety_message, red_flag_rules_version, patients } =
      problem.safety;
    if (patients) body.patients = patients;
    else body.red_flags = red_flags;
    body.safety_message = safety_message;
    body.red_flag_rules_version = red_flag_rules_version;
  }
  if (problem.errors?.length) {
    body.errors = problem.errors.slice(0, MAX_LISTED_ERRORS);
    if (problem.truncated || problem.errors.length > MAX_LISTED_ERRORS) {
      body.truncated = true;
    }
  }
  const headers = new Headers(extraHeaders);
  headers.set("content-type", "application/problem+json");
  headers.set("x-request-id", requestId);
  headers.set("cache-control", "no-store");
  if (problem.status === 401) headers.set("www-authenticate", "Bearer");
  for (const [name, value] of Object.entries(problem.headers ?? {})) {
    headers.set(name, value);
  }
  return new Response(JSON.stringify(body), {
    status: problem.status,
    headers,
  });
}
