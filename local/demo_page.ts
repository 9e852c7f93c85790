/**
 * Serves the browser demo page (demo/) and pkg/ at `/`, read from disk, and
 * `/demo/config.json`: what the page needs to call the functions.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** Options of {@link createDemoPageHandler}. */
export interface DemoPageOptions {
  /**
   * The project's public key, which the page sends as `apikey` as
   * supabase-js does. Never pass the service_role or a secret key.
   */
  anonKey: string;
  /**
   * A signed-in demo patient's access token, minted for each page load:
   * the page sends it as `Authorization: Bearer`, as the app does after
   * sign-in.
   */
  accessToken: () => Promise<string>;
  /**
   * Base URL of the functions, e.g. `http://127.0.0.1:54321/functions/v1`.
   * Default: `/functions/v1` on the origin that served the page.
   */
  functionsUrl?: string;
  /** True when the models are the local non-clinical stand-ins: the page shows a banner. */
  nonClinicalStandIn?: boolean;
  /**
   * The S3 buckets the functions accept `image_data` from, so the page's own
   * validation agrees with the server's. Default none.
   */
  allowedBuckets?: string[];
  /** Region the gateway signs for; the page signs its demo request for it. Default us-east-1. */
  region?: string;
  /**
   * SageMaker Runtime URL the gateway calls (the stand-in locally), shown in
   * the demo signed request. Leave unset outside local use: the page then
   * shows the region's AWS host.
   */
  endpointUrl?: string;
}

/** What `/demo/config.json` holds. */
export interface DemoConfig {
  anonKey: string;
  accessToken: string;
  allowedBuckets: string[];
  functionsUrl: string;
  nonClinicalStandIn: boolean;
  region: string;
  endpointUrl: string | null;
}

type StaticHandler = (request: Request) => Promise<Response | null>;

/**
 * Maps `/` to demo/index.html, `/demo/config.json` to the page's settings,
 * `/demo/*` and `/pkg/*` to files; anything else is not ours (`null`).
 */
export function createDemoPageHandler(options: DemoPageOptions): StaticHandler {
  if (!options.anonKey) throw new TypeError("anonKey must not be empty");
  const functionsOrigin = options.functionsUrl
    ? new URL(options.functionsUrl).origin
    : null;
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") return null;
    const url = new URL(request.url);
    if (url.pathname === "/demo/config.json") {
      const config: DemoConfig = {
        anonKey: options.anonKey,
        accessToken: await options.accessToken(),
        allowedBuckets: options.allowedBuckets ?? [],
        functionsUrl: options.functionsUrl?.replace(/\/+$/, "") ??
          `${url.origin}/functions/v1`,
        nonClinicalStandIn: options.nonClinicalStandIn ?? false,
        region: options.region ?? "us-east-1",
        endpointUrl: options.endpointUrl ?? null,
      };
      return new Response(
        request.method === "HEAD" ? null : JSON.stringify(config),
        { headers: headersFor(".json", null) },
      );
    }
    return await serveFile(request, url.pathname, functionsOrigin);
  };
}

async function serveFile(
  request: Request,
  path: string,
  functionsOrigin: string | null,
): Promise<Response | null> {
  const relative = path === "/" ? "demo/index.html" : path.slice(1);
  const allowed = /^(demo|pkg)\/[A-Za-z0-9_\-./]+$/.test(relative) &&
    !relative.includes("..");
  if (!allowed) return null;
  const extension = relative.slice(relative.lastIndexOf("."));
  try {
    const file = await Deno.readFile(new URL(relative, ROOT));
    return new Response(request.method === "HEAD" ? null : file, {
      headers: headersFor(extension, functionsOrigin),
    });
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.IsADirectory
    ) {
      return null;
    }
    throw error;
  }
}

function headersFor(
  extension: string,
  functionsOrigin: string | null,
): Headers {
  const headers = new Headers({
    "content-type": TYPES[extension] ?? "application/octet-stream",
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
  });
  if (extension === ".json") headers.set("cache-control", "no-store");
  if (extension === ".html") {
    // Scripts and styles only from here; wasm needs 'wasm-unsafe-eval';
    // previews of the chosen image are blob: URLs.
    const connect = ["'self'", functionsOrigin].filter(Boolean).join(" ");
    headers.set(
      "content-security-policy",
      [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        `connect-src ${connect}`,
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
  }
  return headers;
}
