/**
 * One call of a function through `functions.invoke`, bounded by a timeout
 * and the caller's signal, its answer read into data or a HealthNavError.
 *
 * @module
 */
import { HealthNavError } from "./health_nav_error.ts";
import { errorFromInvoke, retryAfterSeconds } from "./read_failure.ts";
import { raceDeadline } from "./timers.ts";
import type {
  AbortSignalLike,
  InvokeOptions,
  SupabaseFunctionsClient,
} from "./transport.ts";

/** A 2xx answer. */
export interface Success {
  status: number;
  data: Record<string, unknown>;
  retryAfterSeconds: number | null;
}

/** How one call is bounded. */
export interface Bounds {
  timeoutMs: number;
  signal?: AbortSignalLike;
}

interface AbortControllerLike {
  readonly signal: AbortSignalLike;
  abort(): void;
}

/**
 * A controller that aborts the request itself when the call gives up, where
 * the runtime has AbortController (React Native, browsers, Deno); without
 * one the call still gives up on time, and the request runs on unobserved.
 */
function requestController(): AbortControllerLike | null {
  const Controller =
    (globalThis as { AbortController?: new () => AbortControllerLike })
      .AbortController;
  return typeof Controller === "function" ? new Controller() : null;
}

/** Calls `functionName` once. */
export async function invokeOnce(
  supabase: SupabaseFunctionsClient,
  functionName: string,
  request: Pick<InvokeOptions, "method" | "body">,
  bounds: Bounds,
): Promise<Success> {
  const controller = requestController();
  const answer = await raceDeadline(
    supabase.functions.invoke(functionName, {
      ...request,
      signal: controller?.signal ?? bounds.signal,
    }),
    bounds.timeoutMs,
    bounds.signal,
    () => controller?.abort(),
  );
  if (answer.error) throw await errorFromInvoke(answer.error, answer.response);
  const data = answer.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new HealthNavError({
      status: answer.response?.status ?? 0,
      code: "invalid_response",
      detail: "The function answered with something other than a JSON object.",
    });
  }
  return {
    status: answer.response?.status ?? 200,
    data: data as Record<string, unknown>,
    retryAfterSeconds: retryAfterSeconds(answer.response),
  };
}
