/**
 * Serves the browser demo page (demo/) and pkg/ at `/`, read from disk.
 * Until the page exists, `/` explains how to call the functions.
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

/** Maps `/` to demo/index.html, `/demo/*` and `/pkg/*` to files; anything else is not ours. */
export async function demoPageHandler(
  request: Request,
): Promise<Response | null> {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const path = new URL(request.url).pathname;
  const relative = path === "/" ? "demo/index.html" : path.slice(1);
  const allowed = /^(demo|pkg)\/[A-Za-z0-9_\-./]+$/.test(relative) &&
    !relative.includes("..");
  if (!allowed) return null;
  const extension = relative.slice(relative.lastIndexOf("."));
  try {
    const file = await Deno.readFile(new URL(relative, ROOT));
    return new Response(file, {
      headers: {
        "content-type": TYPES[extension] ?? "application/octet-stream",
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
