/**
 * A successful JSON answer with the headers every answer carries: CORS,
 * the request id, no caching.
 *
 * @module
 */

/** Who the answer is for. */
export interface AnswerContext {
  /** CORS headers for the request's origin (possibly none). */
  cors: Headers;
  requestId: string;
}

/** `body` as JSON with `status` and any `extra` headers. */
export function jsonAnswer(
  body: unknown,
  status: number,
  context: AnswerContext,
  extra: Record<string, string> = {},
): Response {
  const headers = new Headers(context.cors);
  headers.set("content-type", "application/json");
  headers.set("x-request-id", context.requestId);
  headers.set("cache-control", "no-store");
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(JSON.stringify(body), { status, headers });
}
