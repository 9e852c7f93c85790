/**
 * Tests of the local Supabase gateway (local/router.ts), its JWT check
 * (local/gateway_jwt.ts: Supabase's codes, ES256 through the JWKS and the
 * legacy HS256 secret) and the local keys (local/local_keys.ts).
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/router_test.ts
 */

import assert from "node:assert/strict";
import { decodeJwt, SignJWT } from "jose";
import { createClient, FunctionsHttpError } from "@supabase/supabase-js";
import {
  createRouter,
  type EdgeFunction,
  type RouterOptions,
} from "../../local/router.ts";
import { GatewayJwtVerifier } from "../../local/gateway_jwt.ts";
import {
  LOCAL_JWT_SECRET,
  localAnonKey,
  localPublishableKey,
  localServiceRoleKey,
} from "../../local/local_keys.ts";
import {
  generateSigningKey,
  publicJwks,
  type SigningKey,
  signWithKey,
} from "../../local/supabase_auth/signing_key.ts";

// The anon and service_role keys `supabase start` prints for the default
// secret; public demo values, used here to pin our minting to the CLI's.
const CLI_ANON_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
const CLI_SERVICE_ROLE_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

const SECRET = LOCAL_JWT_SECRET;
const OTHER_SECRET = "another-secret-that-is-also-at-least-32-characters";
// A fixed clock keeps exp/nbf cases independent of when the suite runs.
const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const NOW_S = NOW_MS / 1000;
const now = () => NOW_MS;
const encoder = new TextEncoder();
const KEY = await generateSigningKey();
const OTHER_KEY = await generateSigningKey();

function b64url(value: unknown): string {
  const bytes = encoder.encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "")
    .replace(/\+/g, "-").replace(/\//g, "_");
}

/** An HS256 token signed with `secret` (the legacy kind). */
function legacy(
  payload: Record<string, unknown>,
  { alg = "HS256", secret = SECRET }: { alg?: string; secret?: string } = {},
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" })
    .sign(encoder.encode(secret));
}

/** A user session token as the auth stand-in signs it (ES256, kid). */
function session(
  payload: Record<string, unknown>,
  key: SigningKey = KEY,
): Promise<string> {
  return signWithKey(key, payload);
}

const user = {
  sub: "5d3c-user",
  role: "authenticated",
  aud: "authenticated",
  exp: NOW_S + 3600,
};

// Echo: tells the test what reached the function.
function echoFunction(calls: Request[] = []): EdgeFunction {
  return {
    async fetch(req) {
      calls.push(req);
      const url = new URL(req.url);
      return Response.json({
        method: req.method,
        path: url.pathname + url.search,
        body: await req.text(),
        apikey: req.headers.get("apikey"),
        contentType: req.headers.get("content-type"),
      });
    },
  };
}

interface Harness {
  handler: (req: Request) => Promise<Response>;
  calls: Request[];
  logs: string[];
}

function harness(overrides: Partial<RouterOptions> = {}): Harness {
  const calls: Request[] = [];
  const logs: string[] = [];
  const handler = createRouter({
    functions: {
      echo: echoFunction(calls),
      boom: {
        fetch() {
          throw new Error("db password is hunter2");
        },
      },
      "boom-async": {
        fetch: () => Promise.reject(new RangeError("stack with /secret/path")),
      },
      slow: { fetch: () => new Promise(() => {}) },
    },
    jwt: new GatewayJwtVerifier({
      jwks: publicJwks(KEY),
      legacySecret: SECRET,
    }),
    now,
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { handler, calls, logs };
}

function request(
  path: string,
  init: RequestInit & { auth?: string; host?: string } = {},
): Request {
  const headers = new Headers(init.headers);
  if (init.auth !== undefined) headers.set("authorization", init.auth);
  return new Request(`http://${init.host ?? "127.0.0.1:54321"}${path}`, {
    method: "POST",
    ...init,
    headers,
  });
}

/** Supabase's gateway refusal: 401 `{code, message}` and `sb-error-code`. */
async function assertRefused(res: Response, code: string): Promise<string> {
  assert.equal(res.status, 401);
  assert.equal(res.headers.get("sb-error-code"), code);
  const text = await res.text();
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body).sort(), ["code", "message"]);
  assert.equal(body.code, code);
  return text;
}

// ---------------------------------------------------------------- JWT cases

interface RejectCase {
  name: string;
  auth: () => Promise<string | undefined>;
  code: string;
}

const anon = { iss: "supabase-demo", role: "anon", exp: NOW_S + 3600 };

const REJECTED: RejectCase[] = [
  {
    name: "missing header",
    auth: () => Promise.resolve(undefined),
    code: "UNAUTHORIZED_NO_AUTH_HEADER",
  },
  {
    name: "Basic scheme",
    auth: () => Promise.resolve("Basic x"),
    code: "UNAUTHORIZED_INVALID_JWT_FORMAT",
  },
  {
    name: "Bearer without token",
    auth: () => Promise.resolve("Bearer "),
    code: "UNAUTHORIZED_INVALID_JWT_FORMAT",
  },
  {
    name: "lower-case scheme (the gateway matches 'Bearer' exactly)",
    auth: async () => `bearer ${await localAnonKey(SECRET)}`,
    code: "UNAUTHORIZED_INVALID_JWT_FORMAT",
  },
  {
    name: "a publishable key is not a JWT",
    auth: () => Promise.resolve(`Bearer ${localPublishableKey()}`),
    code: "UNAUTHORIZED_INVALID_JWT_FORMAT",
  },
  {
    name: "malformed token a.b",
    auth: () => Promise.resolve("Bearer a.b"),
    code: "UNAUTHORIZED_INVALID_JWT_FORMAT",
  },
  {
    name: "legacy: tampered payload (anon upgraded to service_role)",
    auth: async () => {
      const [header, , signature] = (await localAnonKey(SECRET)).split(".");
      const forged = b64url({ ...anon, role: "service_role" });
      return `Bearer ${header}.${forged}.${signature}`;
    },
    code: "UNAUTHORIZED_LEGACY_JWT",
  },
  {
    name: "legacy: signed with another secret",
    auth: async () => `Bearer ${await localAnonKey(OTHER_SECRET)}`,
    code: "UNAUTHORIZED_LEGACY_JWT",
  },
  {
    name: "legacy: expired",
    auth: async () => `Bearer ${await legacy({ ...anon, exp: NOW_S - 60 })}`,
    code: "UNAUTHORIZED_LEGACY_JWT",
  },
  {
    name: "legacy: without exp (it would never expire)",
    auth: async () => `Bearer ${await legacy({ iss: "x", role: "anon" })}`,
    code: "UNAUTHORIZED_LEGACY_JWT",
  },
  {
    name: "legacy: nbf in the future",
    auth: async () => `Bearer ${await legacy({ ...anon, nbf: NOW_S + 120 })}`,
    code: "UNAUTHORIZED_LEGACY_JWT",
  },
  {
    name: "ES256: signed by another project's key (its kid is not in the JWKS)",
    auth: async () => `Bearer ${await session(user, OTHER_KEY)}`,
    code: "UNAUTHORIZED_ASYMMETRIC_JWT",
  },
  {
    name: "ES256: the project's key, but a kid the JWKS does not list",
    auth: async () =>
      `Bearer ${await session(user, { ...KEY, kid: crypto.randomUUID() })}`,
    code: "UNAUTHORIZED_ASYMMETRIC_JWT",
  },
  {
    name: "ES256: another project's key claiming this project's kid",
    auth: async () =>
      `Bearer ${await session(user, { ...OTHER_KEY, kid: KEY.kid })}`,
    code: "UNAUTHORIZED_ASYMMETRIC_JWT",
  },
  {
    name: "ES256: tampered sub",
    auth: async () => {
      const [header, , signature] = (await session(user)).split(".");
      return `Bearer ${header}.${
        b64url({ ...user, sub: "someone-else" })
      }.${signature}`;
    },
    code: "UNAUTHORIZED_ASYMMETRIC_JWT",
  },
  {
    name: "ES256: expired",
    auth: async () => `Bearer ${await session({ ...user, exp: NOW_S - 60 })}`,
    code: "UNAUTHORIZED_ASYMMETRIC_JWT",
  },
  {
    name: "alg none (unsigned)",
    auth: () =>
      Promise.resolve(
        `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${b64url(anon)}.`,
      ),
    code: "UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM",
  },
  {
    // Supabase's legacy keys are HS256 only; a valid HS384 signature with the
    // right secret is still refused, so no algorithm can be swapped in.
    name: "HS384 with the right secret",
    auth: async () => `Bearer ${await legacy(anon, { alg: "HS384" })}`,
    code: "UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM",
  },
];

for (const c of REJECTED) {
  Deno.test(`401 ${c.code}: ${c.name}`, async () => {
    const { handler, calls, logs } = harness();
    const auth = await c.auth();
    const res = await handler(request("/functions/v1/echo", {
      auth,
      body: JSON.stringify({ secret: "body-must-not-be-logged" }),
    }));
    const text = await assertRefused(res, c.code);
    assert.equal(calls.length, 0, "function must not run");

    const token = auth?.split(" ")[1];
    if (token) assert.ok(!text.includes(token), "token echoed in body");

    assert.equal(logs.length, 1);
    const entry = JSON.parse(logs[0]);
    assert.equal(entry.status, 401);
    assert.equal(entry.function, "echo");
    assert.equal(entry.reason, c.code);
    if (token) assert.ok(!logs[0].includes(token), "token in log");
    assert.ok(!logs[0].includes("body-must-not-be-logged"));
  });
}

const ACCEPTED: { name: string; token: () => Promise<string> }[] = [
  {
    name: "CLI anon key (no role check, as on Supabase)",
    token: () => localAnonKey(SECRET),
  },
  { name: "CLI service_role key", token: () => localServiceRoleKey(SECRET) },
  {
    name: "ES256 user session from the project's key",
    token: () => session(user),
  },
  {
    name: "legacy user token without a role claim",
    token: () => legacy({ sub: "u", exp: NOW_S + 60 }),
  },
  {
    name: "expired 20 s ago (within clock tolerance)",
    token: () => legacy({ ...anon, exp: NOW_S - 20 }),
  },
];

for (const c of ACCEPTED) {
  Deno.test(`accepted: ${c.name}`, async () => {
    const token = await c.token();
    // supabase-js style: the key as apikey, the token as the bearer.
    const { handler, calls, logs } = harness();
    const res = await handler(request("/functions/v1/echo", {
      auth: `Bearer ${token}`,
      headers: {
        apikey: "sb_publishable_x",
        "content-type": "application/json",
      },
      body: '{"x":1}',
    }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      method: "POST",
      path: "/echo",
      body: '{"x":1}',
      apikey: "sb_publishable_x",
      contentType: "application/json",
    });
    assert.equal(calls.length, 1);
    assert.ok(!logs[0].includes(token));
  });
}

// --------------------------------------------------------------- local keys

Deno.test("local keys equal the Supabase CLI's demo keys", async () => {
  assert.equal(await localAnonKey(), CLI_ANON_KEY);
  assert.equal(await localServiceRoleKey(), CLI_SERVICE_ROLE_KEY);
  assert.deepEqual(decodeJwt(CLI_ANON_KEY), {
    iss: "supabase-demo",
    role: "anon",
    exp: 1983812996,
  });
  assert.match(localPublishableKey(), /^sb_publishable_/);
});

// ------------------------------------------------------------------ routing

Deno.test("only loopback Host names are answered (DNS rebinding gets 421)", async () => {
  const { handler, calls } = harness({ verifyJwt: { echo: false } });
  for (
    const host of [
      "127.0.0.1:54321",
      "localhost:54321",
      "[::1]:54321",
      "localhost",
    ]
  ) {
    const res = await handler(request("/functions/v1/echo", { host }));
    assert.equal(res.status, 200, host);
    await res.body?.cancel();
  }
  for (
    const host of [
      "evil.example",
      "evil.example:54321",
      "127.0.0.1.nip.io",
      "10.0.0.5:54321",
    ]
  ) {
    const res = await handler(request("/functions/v1/echo", { host }));
    assert.equal(res.status, 421, host);
    await res.body?.cancel();
    const health = await handler(request("/health", { host, method: "GET" }));
    assert.equal(health.status, 421, host);
    await health.body?.cancel();
  }
  assert.equal(calls.length, 4);
});

Deno.test("OPTIONS preflight reaches the function without a JWT", async () => {
  const { handler, calls } = harness();
  const res = await handler(request("/functions/v1/echo", {
    method: "OPTIONS",
    headers: {
      origin: "http://localhost:3000",
      "access-control-request-method": "POST",
    },
  }));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).method, "OPTIONS");
  assert.equal(calls.length, 1);
});

Deno.test("verify_jwt = false lets requests through without a JWT", async () => {
  const { handler } = harness({ verifyJwt: { echo: false } });
  const res = await handler(request("/functions/v1/echo", { body: "hi" }));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).body, "hi");
});

Deno.test("sub-paths and query reach the function, prefix stripped as on Supabase", async () => {
  const { handler } = harness();
  const key = await localAnonKey(SECRET);
  const res = await handler(request("/functions/v1/echo/v2/items/7?x=1&y=%20", {
    method: "PUT",
    auth: `Bearer ${key}`,
    body: "payload",
  }));
  assert.deepEqual(await res.json(), {
    method: "PUT",
    path: "/echo/v2/items/7?x=1&y=%20",
    body: "payload",
    apikey: null,
    contentType: "text/plain;charset=UTF-8",
  });
});

Deno.test("the client's abort signal reaches the function", async () => {
  const { handler, calls } = harness({ verifyJwt: { echo: false } });
  const client = new AbortController();
  const res = await handler(request("/functions/v1/echo", {
    signal: client.signal,
  }));
  await res.body?.cancel();
  assert.equal(calls[0].signal.aborted, false);
  client.abort();
  assert.equal(calls[0].signal.aborted, true);
});

Deno.test("the request body is streamed to the function, not buffered", async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  let pulls = 0;
  // The second chunk exists only after the function has read the first one:
  // a router that buffered the body would wait forever.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pulls++ === 0) {
        controller.enqueue(encoder.encode("first,"));
        return;
      }
      await released;
      controller.enqueue(encoder.encode("second"));
      controller.close();
    },
  });
  const { handler } = harness({
    functions: {
      stream: {
        async fetch(req) {
          const reader = req.body!.getReader();
          const first = await reader.read();
          release();
          let text = new TextDecoder().decode(first.value);
          for (let r = await reader.read(); !r.done; r = await reader.read()) {
            text += new TextDecoder().decode(r.value);
          }
          return new Response(text);
        },
      },
    },
    verifyJwt: { stream: false },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("router buffered the body")),
      5000,
    );
  });
  try {
    const res = await Promise.race([
      handler(request("/functions/v1/stream", { body })),
      timeout,
    ]);
    assert.equal(await res.text(), "first,second");
  } finally {
    clearTimeout(timer);
  }
});

Deno.test("unknown functions and bare prefixes are 404 'Function not found', as on Supabase", async () => {
  const { handler, calls, logs } = harness();
  for (
    const path of [
      "/functions/v1/nope",
      "/functions/v1/",
      "/functions/v1/constructor",
      "/functions/v1/__proto__",
      "/functions/v1/ECHO",
    ]
  ) {
    const res = await handler(request(path));
    assert.equal(res.status, 404, path);
    assert.equal(await res.text(), "Function not found");
  }
  assert.equal(calls.length, 0);
  assert.equal(logs.length, 5);
});

Deno.test("a function past the wall-clock limit gets 546 WORKER_LIMIT", async () => {
  const { handler } = harness({ wallClockMs: 30, verifyJwt: { slow: false } });
  const res = await handler(request("/functions/v1/slow"));
  assert.equal(res.status, 546);
  assert.equal((await res.json()).code, "WORKER_LIMIT");
});

Deno.test("a throwing function yields 500 without leaking the error", async () => {
  const { handler, logs } = harness({
    verifyJwt: { boom: false, "boom-async": false },
  });
  for (const name of ["boom", "boom-async"]) {
    const res = await handler(request(`/functions/v1/${name}`));
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.ok(!text.includes("hunter2") && !text.includes("/secret/path"));
  }
  assert.deepEqual(logs.map((l) => JSON.parse(l).error), [
    "Error",
    "RangeError",
  ]);
  assert.ok(!logs.join().includes("hunter2"));
  assert.ok(!logs.join().includes("/secret/path"));
});

Deno.test("GET /health is 200 {ok:true} without a JWT", async () => {
  const { handler } = harness();
  const res = await handler(request("/health", { method: "GET" }));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
});

Deno.test("/auth/v1 goes to the auth handler; other paths to the static handler, else 404", async () => {
  const { handler } = harness({
    authHandler: (req) =>
      new URL(req.url).pathname.endsWith("/jwks.json")
        ? Response.json(publicJwks(KEY))
        : null,
    staticHandler: (req) =>
      new URL(req.url).pathname === "/" ? new Response("<h1>demo</h1>") : null,
  });
  const jwks = await handler(
    request("/auth/v1/.well-known/jwks.json", { method: "GET" }),
  );
  assert.equal((await jwks.json()).keys[0].kid, KEY.kid);
  const page = await handler(request("/", { method: "GET" }));
  assert.equal(await page.text(), "<h1>demo</h1>");
  const missing = await handler(request("/missing.js"));
  assert.equal(missing.status, 404);
  await missing.body?.cancel();

  const bare = harness();
  for (const path of ["/", "/auth/v1/token"]) {
    const res = await bare.handler(request(path, { method: "GET" }));
    assert.equal(res.status, 404, path);
    await res.body?.cancel();
  }
});

Deno.test("one JSON log line per request, without headers, tokens, bodies, sub-paths or queries", async () => {
  const { handler, logs } = harness();
  const key = await localAnonKey(SECRET);
  // What follows the function's name may be an async result id.
  const id = "v2.eyJvIjoicy.result-id-secret";
  const res = await handler(request(`/functions/v1/echo/${id}?token=q-secret`, {
    auth: `Bearer ${key}`,
    headers: { apikey: key, cookie: "sid=cookie-secret" },
    body: "body-secret",
  }));
  await res.body?.cancel();
  assert.equal(logs.length, 1);
  const entry = JSON.parse(logs[0]);
  assert.deepEqual(Object.keys(entry).sort(), [
    "function",
    "method",
    "ms",
    "path",
    "status",
  ]);
  assert.equal(entry.method, "POST");
  assert.equal(entry.path, "/functions/v1/echo");
  assert.equal(entry.function, "echo");
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.ms, "number");
  for (const secret of [key, id, "q-secret", "cookie-secret", "body-secret"]) {
    assert.ok(!logs[0].includes(secret), secret);
  }
});

Deno.test("createRouter refuses a verifyJwt entry for an unknown function", () => {
  const jwt = new GatewayJwtVerifier({
    jwks: publicJwks(KEY),
    legacySecret: SECRET,
  });
  assert.throws(
    () =>
      createRouter({
        functions: { echo: echoFunction() },
        jwt,
        verifyJwt: { ecoh: false },
      }),
    TypeError,
  );
  assert.throws(
    () => new GatewayJwtVerifier({ jwks: { keys: [] }, legacySecret: "" }),
    TypeError,
  );
});

// ------------------------------------------------- real server + supabase-js

Deno.test("supabase-js functions.invoke through a real server, with Supabase's error shape", async () => {
  const { handler } = harness({ now: Date.now });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    handler,
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const options = {
      auth: { persistSession: false, autoRefreshToken: false },
    };
    const token = await session({
      ...user,
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    const good = createClient(url, localPublishableKey(), {
      ...options,
      global: { headers: { Authorization: `Bearer ${token}` } },
    });
    const ok = await good.functions.invoke("echo", {
      body: { prompt: "hello", n: 2 },
    });
    assert.equal(ok.error, null);
    assert.equal(ok.data.method, "POST");
    assert.equal(ok.data.path, "/echo");
    assert.deepEqual(JSON.parse(ok.data.body), { prompt: "hello", n: 2 });
    assert.equal(ok.data.apikey, localPublishableKey());

    // The publishable key is not a JWT: supabase-js sends it as `apikey`
    // only, and with verify_jwt on the gateway refuses the call.
    const keyOnly = createClient(url, localPublishableKey(), options);
    const refused = await keyOnly.functions.invoke("echo", { body: { x: 1 } });
    assert.equal(refused.data, null);
    assert.ok(refused.error instanceof FunctionsHttpError);
    const context = refused.error.context as Response;
    assert.equal(context.status, 401);
    assert.equal(
      context.headers.get("sb-error-code"),
      "UNAUTHORIZED_NO_AUTH_HEADER",
    );
    assert.equal((await context.json()).code, "UNAUTHORIZED_NO_AUTH_HEADER");
  } finally {
    await server.shutdown();
  }
});
