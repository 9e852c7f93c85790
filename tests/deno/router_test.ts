/**
 * Tests of the local Supabase function gateway (local/router.ts), its JWT
 * check (local/supabase_jwt.ts) and the local keys (local/local_keys.ts).
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
import {
  extractBearer,
  type JwtFailure,
  verifySupabaseJwt,
} from "../../local/supabase_jwt.ts";
import {
  LOCAL_JWT_SECRET,
  localAnonKey,
  localServiceRoleKey,
  mintKey,
} from "../../local/local_keys.ts";

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

function b64url(value: unknown): string {
  const bytes = encoder.encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "")
    .replace(/\+/g, "-").replace(/\//g, "_");
}

async function sign(
  payload: Record<string, unknown>,
  { alg = "HS256", secret = SECRET }: { alg?: string; secret?: string } = {},
): Promise<string> {
  return await new SignJWT(payload).setProtectedHeader({ alg, typ: "JWT" })
    .sign(encoder.encode(secret));
}

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
    },
    jwtSecret: SECRET,
    now,
    log: (line) => logs.push(line),
    ...overrides,
  });
  return { handler, calls, logs };
}

function request(
  path: string,
  init: RequestInit & { auth?: string } = {},
): Request {
  const headers = new Headers(init.headers);
  if (init.auth !== undefined) headers.set("authorization", init.auth);
  return new Request(`http://127.0.0.1:54321${path}`, {
    method: "POST",
    ...init,
    headers,
  });
}

async function assertProblem(
  res: Response,
  status: number,
  code: string,
): Promise<{ text: string; body: Record<string, unknown> }> {
  assert.equal(res.status, status);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const text = await res.text();
  const body = JSON.parse(text);
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(typeof body.type, "string");
  assert.equal(typeof body.title, "string");
  assert.equal(typeof body.detail, "string");
  assert.match(body.request_id, /^[0-9a-f-]{36}$/);
  return { text, body };
}

// ---------------------------------------------------------------- JWT cases

interface RejectCase {
  name: string;
  auth: () => Promise<string | undefined>;
  code: "unauthorized" | "invalid_jwt" | "expired_jwt";
  reason: JwtFailure;
}

const anon = { iss: "supabase-demo", role: "anon" };

const REJECTED: RejectCase[] = [
  {
    name: "missing header",
    auth: () => Promise.resolve(undefined),
    code: "unauthorized",
    reason: "missing",
  },
  {
    name: "Basic scheme",
    auth: () => Promise.resolve("Basic x"),
    code: "unauthorized",
    reason: "missing",
  },
  {
    name: "Bearer without token",
    auth: () => Promise.resolve("Bearer "),
    code: "unauthorized",
    reason: "missing",
  },
  {
    name: "lower-case scheme (CLI gateway matches 'Bearer' exactly)",
    auth: async () => `bearer ${await localAnonKey(SECRET)}`,
    code: "unauthorized",
    reason: "missing",
  },
  {
    name: "malformed token a.b",
    auth: () => Promise.resolve("Bearer a.b"),
    code: "invalid_jwt",
    reason: "malformed",
  },
  {
    name: "tampered payload (anon upgraded to service_role)",
    auth: async () => {
      const [header, , signature] = (await localAnonKey(SECRET)).split(".");
      const forged = b64url({ ...anon, role: "service_role", exp: 1983812996 });
      return `Bearer ${header}.${forged}.${signature}`;
    },
    code: "invalid_jwt",
    reason: "bad_signature",
  },
  {
    name: "signed with another secret",
    auth: async () => `Bearer ${await localAnonKey(OTHER_SECRET)}`,
    code: "invalid_jwt",
    reason: "bad_signature",
  },
  {
    name: "expired",
    auth: async () => `Bearer ${await sign({ ...anon, exp: NOW_S - 60 })}`,
    code: "expired_jwt",
    reason: "expired",
  },
  {
    name: "nbf in the future",
    auth: async () => `Bearer ${await sign({ ...anon, nbf: NOW_S + 60 })}`,
    code: "invalid_jwt",
    reason: "not_yet_valid",
  },
  {
    name: "alg none (unsigned)",
    auth: () =>
      Promise.resolve(
        `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${b64url(anon)}.`,
      ),
    code: "invalid_jwt",
    reason: "unsupported_alg",
  },
  {
    // Supabase's legacy keys are HS256 only; a valid HS384 signature with the
    // right secret is still refused, so no algorithm can be swapped in.
    name: "HS384 with the right secret",
    auth: async () => `Bearer ${await sign(anon, { alg: "HS384" })}`,
    code: "invalid_jwt",
    reason: "unsupported_alg",
  },
  {
    name: "role missing",
    auth: async () => `Bearer ${await sign({ iss: "supabase-demo" })}`,
    code: "invalid_jwt",
    reason: "wrong_role",
  },
  {
    name: "role hacker",
    auth: async () => `Bearer ${await sign({ ...anon, role: "hacker" })}`,
    code: "invalid_jwt",
    reason: "wrong_role",
  },
  {
    name: "role not a string",
    auth: async () => `Bearer ${await sign({ ...anon, role: ["anon"] })}`,
    code: "invalid_jwt",
    reason: "wrong_role",
  },
  {
    name: "exp not a number",
    auth: async () => `Bearer ${await sign({ ...anon, exp: "never" })}`,
    code: "invalid_jwt",
    reason: "malformed",
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
    const { text } = await assertProblem(res, 401, c.code);
    assert.equal(res.headers.get("www-authenticate"), "Bearer");
    assert.equal(calls.length, 0, "function must not run");

    const token = auth?.split(" ")[1];
    if (token) assert.ok(!text.includes(token), "token echoed in body");

    assert.equal(logs.length, 1);
    const entry = JSON.parse(logs[0]);
    assert.equal(entry.status, 401);
    assert.equal(entry.function, "echo");
    assert.equal(entry.reason, c.reason);
    if (token) assert.ok(!logs[0].includes(token), "token in log");
    assert.ok(!logs[0].includes("body-must-not-be-logged"));
  });

  Deno.test(`verifySupabaseJwt → ${c.reason}: ${c.name}`, async () => {
    const token = extractBearer((await c.auth()) ?? null);
    if (token === null) {
      assert.equal(c.reason, "missing");
      return;
    }
    assert.deepEqual(await verifySupabaseJwt(token, SECRET, now), {
      ok: false,
      reason: c.reason,
    });
  });
}

const ACCEPTED: { name: string; token: () => Promise<string>; role: string }[] =
  [
    { name: "CLI anon key", token: () => localAnonKey(SECRET), role: "anon" },
    {
      name: "CLI service_role key",
      token: () => localServiceRoleKey(SECRET),
      role: "service_role",
    },
    {
      name: "user session token",
      token: () => mintKey(SECRET, "authenticated", { now }),
      role: "authenticated",
    },
    {
      name: "expired 2 s ago (within clock tolerance)",
      token: () => sign({ ...anon, exp: NOW_S - 2 }),
      role: "anon",
    },
  ];

for (const c of ACCEPTED) {
  Deno.test(`accepted: ${c.name}`, async () => {
    const token = await c.token();
    const verdict = await verifySupabaseJwt(token, SECRET, now);
    assert.ok(verdict.ok);
    assert.equal(verdict.claims.role, c.role);

    // supabase-js style: the key both as apikey and as the bearer token.
    const { handler, calls, logs } = harness();
    const res = await handler(request("/functions/v1/echo", {
      auth: `Bearer ${token}`,
      headers: { apikey: token, "content-type": "application/json" },
      body: '{"x":1}',
    }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      method: "POST",
      path: "/echo",
      body: '{"x":1}',
      apikey: token,
      contentType: "application/json",
    });
    assert.equal(calls.length, 1);
    assert.ok(!logs[0].includes(token));
  });
}

Deno.test("extractBearer accepts only 'Bearer <token>'", () => {
  const table: [string | null, string | null][] = [
    ["Bearer abc.def.ghi", "abc.def.ghi"],
    [null, null],
    ["", null],
    ["Bearer", null],
    ["Bearer ", null],
    ["Bearer  abc", null],
    ["Bearer abc def", null],
    ["bearer abc", null],
    ["Basic abc", null],
    [" Bearer abc", null],
  ];
  for (const [header, expected] of table) {
    assert.equal(extractBearer(header), expected, JSON.stringify(header));
  }
});

Deno.test("verifySupabaseJwt: empty token is missing, empty secret is a bug", async () => {
  assert.deepEqual(await verifySupabaseJwt("", SECRET), {
    ok: false,
    reason: "missing",
  });
  await assert.rejects(() => verifySupabaseJwt("a.b.c", ""), TypeError);
});

// --------------------------------------------------------------- local keys

Deno.test("local keys equal the Supabase CLI's demo keys", async () => {
  assert.equal(await localAnonKey(), CLI_ANON_KEY);
  assert.equal(await localServiceRoleKey(), CLI_SERVICE_ROLE_KEY);
  assert.deepEqual(decodeJwt(CLI_ANON_KEY), {
    iss: "supabase-demo",
    role: "anon",
    exp: 1983812996,
  });
});

Deno.test("mintKey: {iss, role, iat, exp} with a configurable lifetime", async () => {
  const key = await mintKey(SECRET, "service_role", {
    expiresInSeconds: 120,
    now,
  });
  assert.deepEqual(decodeJwt(key), {
    iss: "supabase-demo",
    role: "service_role",
    iat: NOW_S,
    exp: NOW_S + 120,
  });
  assert.ok((await verifySupabaseJwt(key, SECRET, now)).ok);
  const later = () => NOW_MS + 3_600_000;
  assert.deepEqual(await verifySupabaseJwt(key, SECRET, later), {
    ok: false,
    reason: "expired",
  });
  const stale = await mintKey(SECRET, "anon", { expiresInSeconds: -60, now });
  assert.deepEqual(await verifySupabaseJwt(stale, SECRET, now), {
    ok: false,
    reason: "expired",
  });
  await assert.rejects(() => mintKey("", "anon"), TypeError);
});

// ------------------------------------------------------------------ routing

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
  const handler = createRouter({
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
    jwtSecret: SECRET,
    verifyJwt: { stream: false },
    log: () => {},
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

Deno.test("unknown functions and bare prefixes are 404 problem+json", async () => {
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
    await assertProblem(await handler(request(path)), 404, "not_found");
  }
  assert.equal(calls.length, 0);
  assert.equal(logs.length, 5);
});

Deno.test("a throwing function yields 500 without leaking the error", async () => {
  const { handler, logs } = harness({
    verifyJwt: { boom: false, "boom-async": false },
  });
  for (const name of ["boom", "boom-async"]) {
    const res = await handler(request(`/functions/v1/${name}`));
    const { text } = await assertProblem(res, 500, "internal_error");
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

Deno.test("other paths go to the static handler, else 404", async () => {
  const { handler } = harness({
    staticHandler: (req) =>
      new URL(req.url).pathname === "/" ? new Response("<h1>demo</h1>") : null,
  });
  const page = await handler(request("/", { method: "GET" }));
  assert.equal(await page.text(), "<h1>demo</h1>");
  await assertProblem(await handler(request("/missing.js")), 404, "not_found");

  const bare = harness();
  await assertProblem(
    await bare.handler(request("/", { method: "GET" })),
    404,
    "not_found",
  );
});

Deno.test("one JSON log line per request, without headers, tokens or bodies", async () => {
  const { handler, logs } = harness();
  const key = await localAnonKey(SECRET);
  const res = await handler(request("/functions/v1/echo/x?token=q-secret", {
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
    "request_id",
    "status",
  ]);
  assert.equal(entry.method, "POST");
  assert.equal(entry.path, "/functions/v1/echo/x");
  assert.equal(entry.function, "echo");
  assert.equal(entry.status, 200);
  assert.equal(typeof entry.ms, "number");
  for (const secret of [key, "q-secret", "cookie-secret", "body-secret"]) {
    assert.ok(!logs[0].includes(secret), secret);
  }
});

Deno.test("createRouter refuses a verifyJwt entry for an unknown function", () => {
  assert.throws(
    () =>
      createRouter({
        functions: { echo: echoFunction() },
        jwtSecret: SECRET,
        verifyJwt: { ecoh: false },
      }),
    TypeError,
  );
  assert.throws(
    () => createRouter({ functions: {}, jwtSecret: "" }),
    TypeError,
  );
});

// ------------------------------------------------- real server + supabase-js

Deno.test("supabase-js functions.invoke through a real server", async () => {
  const { handler } = harness();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    handler,
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const options = {
      auth: { persistSession: false, autoRefreshToken: false },
    };

    const good = createClient(url, await localAnonKey(SECRET), options);
    const ok = await good.functions.invoke("echo", {
      body: { prompt: "hello", n: 2 },
    });
    assert.equal(ok.error, null);
    assert.equal(ok.data.method, "POST");
    assert.equal(ok.data.path, "/echo");
    assert.deepEqual(JSON.parse(ok.data.body), { prompt: "hello", n: 2 });
    assert.equal(ok.data.apikey, await localAnonKey(SECRET));

    const bad = createClient(url, await localAnonKey(OTHER_SECRET), options);
    const refused = await bad.functions.invoke("echo", { body: { x: 1 } });
    assert.equal(refused.data, null);
    assert.ok(refused.error instanceof FunctionsHttpError);
    const context = refused.error.context as Response;
    assert.equal(context.status, 401);
    assert.equal((await context.json()).code, "invalid_jwt");
  } finally {
    await server.shutdown();
  }
});
