/**
 * A local stand-in for Supabase's API gateway in front of the functions:
 * routes `/functions/v1/<name>[/rest]` to in-process functions, checks
 * `verify_jwt` the way the hosted gateway and `supabase functions serve` do
 * (see gateway_jwt.ts), serves Supabase Auth's paths (`/auth/v1/...`) when
 * given an auth handler, and enforces the platform's wall-clock limit.
 *
 * It answers only on loopback names: a web page in the developer's browser
 * can point any host name at 127.0.0.1 (DNS rebinding), so every other
 * `Host` gets 421.
 *
 * @module
 */
import type { GatewayJwtVerifier } from "./gateway_jwt.ts";

/** A function as Supabase runs it: anything with a fetch handler (`export default { fetch }`). */
export interface EdgeFunction {
  /** Handles one request. */
  fetch(req: Request): Promise<Response> | Response;
}

type Handler = (req: Request) => Promise<Response | null> | Response | null;

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** Functions by slug, reachable at `/functions/v1/<slug>`. */
  functions: Readonly<Record<string, EdgeFunction>>;
  /** Verifies `Authorization` for functions with `verify_jwt` on. */
  jwt: GatewayJwtVerifier;
  /** Per-slug `verify_jwt` as in config.toml; slugs not listed default to `true`. */
  verifyJwt?: Readonly<Record<string, boolean>>;
  /** Serves `/auth/v1/...` (Supabase Auth); absent: 404. */
  authHandler?: Handler;
  /** Serves every other path outside `/functions/v1/`, `/health` and `/metrics`; `null` means 404. */
  staticHandler?: Handler;
  /**
   * How long a function may take to answer, ms: Supabase's request limit
   * (150 s). Past it the gateway answers 546 WORKER_LIMIT.
   */
  wallClockMs?: number;
  /** Clock in milliseconds since the epoch, for JWT time checks (tests). */
  now?: () => number;
  /** Receives one JSON line per request; defaults to `console.log`. */
  log?: (line: string) => void;
  /** Served at `GET /metrics` (Prometheus text, no JWT, as `/health`). */
  metrics?: { render(): string };
}

/** Path prefix under which Supabase exposes functions. */
export const FUNCTIONS_PREFIX = "/functions/v1/";
/** Supabase's request idle timeout. */
export const PLATFORM_WALL_CLOCK_MS = 150_000;
/** Host names the gateway answers to (any port). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

// Outcome of routing one request, kept for the log line.
interface Outcome {
  response: Response;
  fn: string | null;
  reason?: string;
  error?: string;
}

/**
 * Builds the gateway handler, usable directly with `Deno.serve`.
 *
 * - Any `Host` other than 127.0.0.1, localhost or [::1] gets 421.
 * - `GET /health` answers `{"ok":true}` and `GET /metrics` the counters,
 *   without a JWT.
 * - `/functions/v1/<name>[/rest]` goes to `functions[name]`; unknown names
 *   get 404 `Function not found`. As on Supabase, the function sees the path
 *   without the `/functions/v1` prefix (`/<name>[/rest]`, query kept);
 *   method, headers, signal and the unbuffered body stream are passed
 *   through unchanged.
 * - Unless `verifyJwt[name] === false`, non-OPTIONS requests need a token
 *   the gateway verifies, else 401 `{code, message}`.
 * - A throwing function or handler yields a 500 without details.
 *
 * @throws TypeError at creation for a slug containing `/` or a `verifyJwt`
 *   entry naming no function (a typo there would silently leave
 *   verification on).
 */
export function createRouter(
  options: RouterOptions,
): (req: Request) => Promise<Response> {
  const { functions, staticHandler, authHandler, now = Date.now } = options;
  const verifyJwt = options.verifyJwt ?? {};
  const wallClockMs = options.wallClockMs ?? PLATFORM_WALL_CLOCK_MS;
  const log = options.log ?? console.log;

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

  async function route(req: Request, url: URL): Promise<Outcome> {
    const { pathname } = url;
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return { response: text("Misdirected Request", 421), fn: null };
    }
    if (pathname === "/health" && req.method === "GET") {
      return { response: Response.json({ ok: true }), fn: null };
    }
    if (pathname === "/metrics" && req.method === "GET" && options.metrics) {
      return { response: metricsResponse(options.metrics.render()), fn: null };
    }
    if (pathname.startsWith("/auth/v1/")) {
      const response = authHandler ? await authHandler(req) : null;
      return { response: response ?? text("Not Found", 404), fn: null };
    }
    if (!pathname.startsWith(FUNCTIONS_PREFIX)) {
      const response = staticHandler ? await staticHandler(req) : null;
      return { response: response ?? text("Not Found", 404), fn: null };
    }

    const rest = pathname.slice(FUNCTIONS_PREFIX.length);
    const slash = rest.indexOf("/");
    const name = slash < 0 ? rest : rest.slice(0, slash);
    // hasOwn, not `in`: "constructor" or "__proto__" must not route anywhere.
    if (!Object.hasOwn(functions, name)) {
      return { response: text("Function not found", 404), fn: null };
    }

    if (req.method !== "OPTIONS" && verifyJwt[name] !== false) {
      const refusal = await options.jwt.refusal(
        req.headers.get("authorization"),
        now(),
      );
      if (refusal) {
        return {
          response: Response.json(refusal, {
            status: 401,
            headers: { "sb-error-code": refusal.code },
          }),
          fn: name,
          reason: refusal.code,
        };
      }
    }

    url.pathname = "/" + rest;
    const response = await withinWallClock(
      Promise.resolve(functions[name].fetch(forward(req, url))),
      wallClockMs,
    );
    if (!(response instanceof Response)) {
      throw new TypeError("function did not return a Response");
    }
    return { response, fn: name };
  }

  return async (req: Request): Promise<Response> => {
    const started = performance.now();
    const url = new URL(req.url);
    const fn = functionOf(url.pathname);
    let outcome: Outcome;
    try {
      outcome = await route(req, url);
    } catch (error) {
      // The error may hold secrets or internals: the client gets none of it,
      // the log only its class name.
      outcome = {
        response: Response.json({
          code: "Internal Server Error",
          message: "Request failed due to an internal server error",
        }, { status: 500 }),
        fn,
        error: error instanceof Error ? error.name : typeof error,
      };
    }
    writeLog(log, {
      method: req.method,
      // The function's path only: what follows it (an async result id) and
      // the query are the caller's, never the log's.
      path: fn ? `${FUNCTIONS_PREFIX}${fn}` : loggedPath(url.pathname),
      function: outcome.fn,
      status: outcome.response.status,
      ms: Math.round(performance.now() - started),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    return outcome.response;
  };

  function functionOf(pathname: string): string | null {
    if (!pathname.startsWith(FUNCTIONS_PREFIX)) return null;
    const name = pathname.slice(FUNCTIONS_PREFIX.length).split("/")[0];
    return Object.hasOwn(functions, name) ? name : null;
  }
}

/**
 * The function's answer, or 546 WORKER_LIMIT when it has not come in
 * `wallClockMs`, as the platform ends a worker past its limit.
 */
async function withinWallClock(
  answer: Promise<Response>,
  wallClockMs: number,
): Promise<Response> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<Response>((resolve) => {
    timer = setTimeout(() =>
      resolve(Response.json({
        code: "WORKER_LIMIT",
        message:
          "Worker failed to respond due to a resource limit (please check logs)",
      }, { status: 546 })), wallClockMs);
  });
  try {
    return await Promise.race([answer, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Paths outside the functions, with anything that could be an id cut off. */
function loggedPath(pathname: string): string {
  if (pathname.startsWith("/auth/v1/")) {
    return "/auth/v1/" + pathname.split("/")[3];
  }
  return pathname.length > 64 ? pathname.slice(0, 64) + "…" : pathname;
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

function metricsResponse(body: string): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
      "cache-control": "no-store",
    },
  });
}

function text(body: string, status: number): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
