/**
 * CORS for browser callers, from the `CORS_ALLOWED_ORIGINS` allow-list.
 * Nothing is allowed unless configured; `*` allows any origin.
 *
 * @module
 */

/** Headers supabase-js sends, which a preflight must allow. */
const ALLOWED_HEADERS =
  "authorization, x-client-info, apikey, content-type, x-supabase-client-platform, x-supabase-client-platform-version, x-supabase-client-runtime, x-supabase-client-runtime-version, x-region";

/** CORS headers for a request's Origin, or none when it is not allowed. */
export function corsHeaders(request: Request, allowed: string[]): Headers {
  const headers = new Headers();
  const origin = request.headers.get("origin");
  if (!origin || allowed.length === 0) return headers;
  if (allowed.includes("*")) {
    headers.set("access-control-allow-origin", "*");
  } else if (allowed.includes(origin)) {
    headers.set("access-control-allow-origin", origin);
    headers.set("vary", "Origin");
  } else {
    return headers;
  }
  headers.set(
    "access-control-expose-headers",
    "x-request-id, server-timing, location, retry-after, x-cache",
  );
  return headers;
}

/** The answer to a preflight: allowed methods and headers when the origin is allowed. */
export function preflightResponse(
  request: Request,
  allowed: string[],
  methods: string,
): Response {
  const headers = corsHeaders(request, allowed);
  if (headers.has("access-control-allow-origin")) {
    headers.set("access-control-allow-methods", methods);
    headers.set("access-control-allow-headers", ALLOWED_HEADERS);
    headers.set("access-control-max-age", "600");
  }
  return new Response(null, { status: 204, headers });
}
