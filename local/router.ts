/**
 * A local stand-in for Supabase's function gateway: routes
 * `/functions/v1/<name>[/rest]` to in-process functions, enforcing
 * `verify_jwt` the way the hosted platform and `supabase functions serve` do.
 *
 * @module
 */

import {
  extractBearer,
  type JwtFailure,
  verifySupabaseJwt,
} from "./supabase_jwt.ts";

/** A function as Supabase runs it: anything with a fetch handler (`export default { fetch }`). */
export interface EdgeFunction {
  /** Handles one request. */
  fetch(req: Request): Promise<Response> | Response;
}

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** Functions by slug, reachable at `/functions/v1/<slug>`. */
  functions: Readonly<Record<string, EdgeFunction>>;
  /** HS256 secret that verifies `Authorization: Bearer` tokens. */
  jwtSecret: string;
  /** Per-slug `verify_jwt` as in config.toml; slugs not listed default to `true`. */
  verifyJwt?: Readonly<Record<string, boolean>>;
  /** Serves every path outside `/functions/v1/` and `/health`; `null` means 404. */
  staticHandler?: (req: Request) => Promise<Response | null> | Response | null;
  /** Clock in milliseconds since the epoch, for JWT time checks (tests). */
  now?: () => number;
  /** Receives one JSON line per request; defaults to `console.log`. */
  log?: (line: string) => void;
  /** Served at `GET /metrics` (Prometheus text, no JWT, as `/health`). */
  metrics?: { render(): string };
}

/** Error codes in the router's `application/problem+json` bodies. */
export type ProblemCode =
  | "unauthorized"
  | "invalid_jwt"
  | "expired_jwt"
  | "not_found"
  | "internal_error";

/** Path prefix under which Supabase exposes functions. */
export const FUNCTIONS_PREFIX = "/functions/v1/";

// Outcome of routing one request, kept for the log line.
interface Outcome {
  response: Response;
  fn: string | null;
  reason?: JwtFailure;
  error?: string;
}

const JWT_DETAIL: Record<JwtFailure, [ProblemCode, string]> = {
  missing: ["unauthorized", "Missing authorization header"],
  malformed: ["invalid_jwt", "JWT is malformed"],
  bad_signature: ["invalid_jwt", "JWT signature does not verify"],
  expired: ["expired_jwt", "JWT has expired"],
  not_yet_valid: ["invalid_jwt", "JWT is not valid yet (nbf)"],
  unsupported_alg: ["invalid_jwt", "JWT algorithm is not allowed (HS256 only)"],
  wrong_role: [
    "invalid_jwt",
    "JWT role is not anon, authenticated or service_role",
  ],
};

/**
 * Builds the gateway handler, usable directly with `Deno.serve`.
 *
 * - `GET /health` answers `{"ok":true}` without a JWT.
 * - `/functions/v1/<name>[/rest]` goes to `functions[name]`; unknown names get
 *   a 404. As on Supabase, the function sees the path without the
 *   `/functions/v1` prefix (`/<name>[/rest]`, query kept); method, headers,
 *   signal and the unbuffered body stream are passed through unchanged.
 * - Unless `verifyJwt[name] === false`, non-OPTIONS requests need a valid
 *   `Authorization: Bearer` HS256 JWT, else 401 problem+json. OPTIONS
 *   (CORS preflight) is never checked: browsers send no credentials on it.
 * - A throwing function or static handler yields a 500 without details.
 *
 * @throws TypeError at creation for an empty secret, a slug containing `/`,
 *   or a `verifyJwt` entry naming no function (a typo there would silently
 *   leave verification on).
 */
export function createRouter(
  options: RouterOptions,
): (req: Request) => Promise<Response> {
  const { functions, jwtSecret, staticHandler, now = Date.now } = options;
  const verifyJwt = options.verifyJwt ?? {};
  const log = options.log ?? console.log;

  if (jwtSecret.length === 0) {
    throw new TypeError("jwtSecret must not be empty");
  }
  for (const name of Object.keys(functions)) {
    if (name === "" || name.includes("/")) {
      throw new TypeError(`invalid function slug: ${JSON.stringify(name)}`);
    }
  }
  for (const name of Object.keys(verifyJwt)) {
    if (!Object.hasOwn(functions, name)) {
      throw new TypeError(`verifyJwt names unknown function: ${name}`);
    }
  }

  async function route(req: Request, requestId: string): Promise<Outcome> {
    const url = new URL(req.url);
    const { pathname } = url;

    if (pathname === "/health" && req.method === "GET") {
      return { response: Response.json({ ok: true }), fn: null };
    }

    if (pathname === "/metrics" && req.method === "GET" && options.metrics) {
      return { response: metricsResponse(options.metrics.render()), fn: null };
    }

    if (!pathname.startsWith(FUNCTIONS_PREFIX)) {
      const response = staticHandler ? await staticHandler(req) : null;
      return {
        response: response ?? notFound("No such path", requestId),
        fn: null,
      };
    }

    const rest = pathname.slice(FUNCTIONS_PREFIX.length);
    const slash = rest.indexOf("/");
    const name = slash < 0 ? rest : rest.slice(0, slash);
    // hasOwn, not `in`: "constructor" or "__proto__" must not route anywhere.
    if (!Object.hasOwn(functions, name)) {
      return { response: notFound("No such function", requestId), fn: null };
    }

    if (req.method !== "OPTIONS" && verifyJwt[name] !== false) {
      const header = req.headers.get("authorization");
      const token = extractBearer(header);
      const verdict = token === null
        ? { ok: false as const, reason: "missing" as const }
        : await verifySupabaseJwt(token, jwtSecret, now);
      if (!verdict.ok) {
        const [code, detail] = JWT_DETAIL[verdict.reason];
        const shownDetail = verdict.reason === "missing" && header !== null
          ? "Authorization header is not 'Bearer <token>'"
          : detail;
        return {
          response: problem(401, "Unauthorized", code, shownDetail, requestId),
          fn: name,
          reason: verdict.reason,
        };
      }
    }

    url.pathname = "/" + rest;
    const response = await functions[name].fetch(forward(req, url));
    if (!(response instanceof Response)) {
      throw new TypeError("function did not return a Response");
    }
    return { response, fn: name };
  }

  return async (req: Request): Promise<Response> => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    let outcome: Outcome;
    try {
      outcome = await route(req, requestId);
    } catch (error) {
      // The error may hold secrets or internals: the client gets none of it,
      // the log only its class name.
      outcome = {
        response: problem(
          500,
          "Internal Server Error",
          "internal_error",
          "Internal error; quote request_id when reporting it",
          requestId,
        ),
        fn: functionOf(req.url),
        error: error instanceof Error ? error.name : typeof error,
      };
    }
    writeLog(log, {
      request_id: requestId,
      method: req.method,
      // pathname only: query strings can carry tokens.
      path: new URL(req.url).pathname,
      function: outcome.fn,
      status: outcome.response.status,
      ms: Math.round(performance.now() - started),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    return outcome.response;
  };

  function functionOf(rawUrl: string): string | null {
    const { pathname } = new URL(rawUrl);
    if (!pathname.startsWith(FUNCTIONS_PREFIX)) return null;
    const name = pathname.slice(FUNCTIONS_PREFIX.length).split("/")[0];
    return Object.hasOwn(functions, name) ? name : null;
  }
}

// Same method, headers and body stream under the function's URL. The signal
// is forwarded lazily: reading a served request's `signal` makes Deno >= 2.9
// print a legacy-abort warning, which should only appear if the function
// itself uses the signal, as it would without the gateway.
function forward(req: Request, url: URL): Request {
  const copy = new Request(url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    redirect: req.redirect,
  });
  Object.defineProperty(copy, "signal", { get: () => req.signal });
  return copy;
}

// A failing logger must not turn a served request into an error.
function writeLog(log: (line: string) => void, entry: object): void {
  try {
    log(JSON.stringify(entry));
  } catch {
    // Nothing sensible to do: logging is best effort.
  }
}

function metricsResponse(text: string): Response {
  return new Response(text, {
    headers: {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}

function notFound(detail: string, requestId: string): Response {
  return problem(404, "Not Found", "not_found", detail, requestId);
}

// RFC 9457 body. `type: about:blank` because `code` already carries the
// machine-readable kind and we publish no problem-type documents.
function problem(
  status: 401 | 404 | 500,
  title: string,
  code: ProblemCode,
  detail: string,
  requestId: string,
): Response {
  const body = {
    type: "about:blank",
    title,
    status,
    detail,
    code,
    request_id: requestId,
  };
  const headers = new Headers({
    "content-type": "application/problem+json",
    "cache-control": "no-store",
  });
  // RFC 9110 wants a challenge on every 401.
  if (status === 401) headers.set("www-authenticate", "Bearer");
  return new Response(JSON.stringify(body), { status, headers });
}
