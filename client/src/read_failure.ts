/**
 * Turns what `functions.invoke` reports for a failed call into a
 * {@link HealthNavError}. supabase-js's error classes are recognised by name,
 * so an app with two copies of supabase-js (or a test stub) works alike.
 *
 * @module
 */
import { HealthNavError } from "./health_nav_error.ts";
import type { ResponseLike } from "./transport.ts";
import type { FieldError } from "./types.ts";

/** `Retry-After` in seconds: delta-seconds, or an HTTP date from `now`. */
export function retryAfterSeconds(
  response: ResponseLike | undefined,
  now: number = Date.now(),
): number | null {
  const value = response?.headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date)
    ? null
    : Math.max(0, Math.ceil((date - now) / 1000));
}

function isFieldError(value: unknown): value is FieldError {
  const error = value as Record<string, unknown> | null;
  return typeof error === "object" && error !== null &&
    typeof error.path === "string" && typeof error.code === "string" &&
    typeof error.message === "string";
}

async function bodyOf(
  response: ResponseLike,
): Promise<Record<string, unknown> | null> {
  try {
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === "object" && parsed !== null &&
        !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

/**
 * The error of an answer with a 4xx/5xx status: the functions' problem+json,
 * Supabase's gateway's `{code, message}` (e.g. `UNAUTHORIZED_INVALID_JWT_FORMAT`),
 * else `http_<status>` (a proxy's HTML page).
 */
export async function errorFromAnswer(
  response: ResponseLike,
  fallbackCode?: string,
): Promise<HealthNavError> {
  const problem = await bodyOf(response);
  const code = typeof problem?.code === "string" ? problem.code : undefined;
  const detail = typeof problem?.detail === "string"
    ? problem.detail
    : typeof problem?.message === "string"
    ? problem.message
    : `The function answered HTTP ${response.status}.`;
  const errors = Array.isArray(problem?.errors)
    ? problem.errors.filter(isFieldError)
    : [];
  const requestId = typeof problem?.request_id === "string"
    ? problem.request_id
    : response.headers.get("x-request-id");
  return new HealthNavError({
    status: response.status,
    code: code ?? fallbackCode ?? `http_${response.status}`,
    detail,
    errors,
    requestId,
    retryAfterSeconds: retryAfterSeconds(response),
  });
}

/** The error for what `functions.invoke` returned as `error`. */
export async function errorFromInvoke(
  error: unknown,
  response: ResponseLike | undefined,
): Promise<HealthNavError> {
  const name = (error as { name?: unknown } | null)?.name;
  const context = (error as { context?: unknown } | null)?.context as
    | ResponseLike
    | undefined;
  const answer = response ??
    (typeof context?.status === "number" ? context : undefined);
  if (name === "FunctionsHttpError" && answer) {
    return await errorFromAnswer(answer);
  }
  if (name === "FunctionsRelayError" && answer) {
    return await errorFromAnswer(answer, "relay_error");
  }
  return new HealthNavError({
    status: 0,
    code: "network_error",
    detail: "The function could not be reached.",
    cause: name === "FunctionsFetchError" ? context ?? error : error,
  });
}
