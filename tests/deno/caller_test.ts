/**
 * Callers are verified inside the function (edge/_shared/caller.ts): ES256
 * and RS256 session tokens against the project's JWKS (inline, or fetched
 * from SUPABASE_URL), HS256 tokens with a key id against the JWKS's
 * symmetric key, legacy HS256 tokens against the legacy secret; every token
 * must carry `exp`; a token without `sub` is refused unless the operator
 * allows anonymous callers. Where @supabase/server's `user` mode has a
 * verdict (tokens with a key id), ours is the same: the two are compared on
 * one table.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/caller_test.ts
 */
import assert from "node:assert/strict";
import {
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  SignJWT,
} from "jose";
import { verifyCredentials } from "@supabase/server/core";
import { type Caller, CallerVerifier } from "../../edge/_shared/caller.ts";
import type { AuthSettings } from "../../edge/_shared/config.ts";
import { GatewayFailure } from "../../edge/_shared/gateway_failure.ts";
import { localPublishableKey } from "../../local/local_keys.ts";
import {
  functionsJwks,
  generateSigningKey,
  signWithKey,
} from "../../local/supabase_auth/signing_key.ts";
import { harness } from "./helpers/edge_harness.ts";
import { anonToken, TEST_JWT_SECRET, userToken } from "./helpers/tokens.ts";

const encoder = new TextEncoder();
const NOW_MS = Date.now();
const NOW_S = Math.floor(NOW_MS / 1000);
const KEY = await generateSigningKey();
const STRANGER = await generateSigningKey();
// An RS256 key in the same JWKS, as a project migrating keys may have.
const RSA = await generateKeyPair("RS256");
const RSA_KID = "rsa-key-1";
// A symmetric signing key with a key id, as Supabase lists HS256 keys.
const HS_KID = "hs-key-1";
const HS_SECRET = "a-symmetric-signing-key-with-a-kid-0123456789";

const JWKS: JSONWebKeySet = {
  keys: [
    ...functionsJwks(KEY, TEST_JWT_SECRET).keys,
    { ...(await exportJWK(RSA.publicKey)), kid: RSA_KID, alg: "RS256" },
    {
      kty: "oct",
      kid: HS_KID,
      alg: "HS256",
      k: btoa(HS_SECRET).replace(/=+$/, "").replace(/\+/g, "-").replace(
        /\//g,
        "_",
      ),
    },
  ],
};

const USER = {
  sub: "7a1e3c2d-patient",
  role: "authenticated",
  aud: "authenticated",
  iat: NOW_S,
  exp: NOW_S + 3600,
};

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-")
    .replace(/\//g, "_");
}

const es256 = (claims: JWTPayload, key = KEY) => signWithKey(key, claims);
const rs256 = (claims: JWTPayload) =>
  new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: RSA_KID })
    .sign(RSA.privateKey);
const hs256WithKid = (claims: JWTPayload, secret = HS_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256", kid: HS_KID })
    .sign(encoder.encode(secret));

function verifier(settings: Partial<AuthSettings> = {}): CallerVerifier {
  return new CallerVerifier({
    jwksJson: JSON.stringify(JWKS),
    allowAnonymous: false,
    ...settings,
  });
}

async function verdict(
  v: CallerVerifier,
  authorization: string | null,
): Promise<Caller | { status: number; code: string }> {
  try {
    return await v.verify(authorization, NOW_MS);
  } catch (error) {
    if (!(error instanceof GatewayFailure)) throw error;
    return { status: error.status, code: error.code };
  }
}

// ------------------------------------------------------------ verdicts

interface Case {
  name: string;
  token: () => Promise<string>;
  /** Ours: the caller's id, or the refusal. */
  expected: string | null | [number, string];
}

const CASES: Case[] = [
  { name: "ES256 session token", token: () => es256(USER), expected: USER.sub },
  { name: "RS256 session token", token: () => rs256(USER), expected: USER.sub },
  {
    name: "HS256 with the JWKS's key id",
    token: () => hs256WithKid(USER),
    expected: USER.sub,
  },
  {
    name: "ES256 signed by another project's key",
    token: () => es256(USER, STRANGER),
    expected: [401, "invalid_jwt"],
  },
  {
    name: "ES256 with a tampered sub",
    token: async () => {
      const [header, , signature] = (await es256(USER)).split(".");
      return `${header}.${
        b64url({ ...USER, sub: "someone-else" })
      }.${signature}`;
    },
    expected: [401, "invalid_jwt"],
  },
  {
    name: "ES256 expired",
    token: () => es256({ ...USER, exp: NOW_S - 120 }),
    expected: [401, "expired_jwt"],
  },
  {
    name: "ES256 not valid yet",
    token: () => es256({ ...USER, nbf: NOW_S + 600 }),
    expected: [401, "invalid_jwt"],
  },
  {
    name: "ES256 with an unknown key id",
    token: () =>
      new SignJWT(USER).setProtectedHeader({ alg: "ES256", kid: "unknown" })
        .sign(KEY.privateKey),
    expected: [401, "invalid_jwt"],
  },
  {
    name: "HS256 with the key id but the wrong secret",
    token: () => hs256WithKid(USER, "not-the-secret-of-this-key-0123456789"),
    expected: [401, "invalid_jwt"],
  },
  {
    name: "alg none",
    token: () =>
      Promise.resolve(
        `${b64url({ alg: "none", kid: KEY.kid })}.${b64url(USER)}.`,
      ),
    expected: [401, "invalid_jwt"],
  },
  {
    name: "ES256 without sub (a key, not a patient)",
    token: () => es256({ ...USER, sub: undefined, role: "service_role" }),
    expected: [403, "sign_in_required"],
  },
];

for (const c of CASES) {
  Deno.test(`caller: ${c.name}`, async () => {
    const found = await verdict(verifier(), `Bearer ${await c.token()}`);
    if (Array.isArray(c.expected)) {
      assert.deepEqual(found, { status: c.expected[0], code: c.expected[1] });
    } else {
      assert.deepEqual(found, { id: c.expected, role: "authenticated" });
    }
  });
}

Deno.test("caller: our verdict on tokens with a key id is @supabase/server's `user` mode", async () => {
  const env = {
    url: "https://project.supabase.co",
    publishableKeys: {},
    secretKeys: {},
    jwks: JWKS,
  };
  for (const c of CASES) {
    const token = await c.token();
    const theirs = await verifyCredentials({ token, apikey: null }, {
      auth: "user",
      env,
    });
    const ours = await verdict(verifier(), `Bearer ${token}`);
    const oursOk = "id" in ours;
    assert.equal(oursOk, theirs.error === null, c.name);
    if (oursOk) assert.equal(ours.id, theirs.data?.userClaims?.id, c.name);
  }
});

Deno.test("caller: legacy HS256 tokens verify against the secret; the anon key names no patient", async () => {
  const v = verifier();
  const user = await userToken("legacy-user", { nowMs: NOW_MS });
  assert.deepEqual(await verdict(v, `Bearer ${user}`), {
    id: "legacy-user",
    role: "authenticated",
  });
  const anon = await anonToken({ nowMs: NOW_MS });
  assert.deepEqual(await verdict(v, `Bearer ${anon}`), {
    status: 403,
    code: "sign_in_required",
  });
  // Only where the operator allows callers without a sub.
  assert.deepEqual(
    await verdict(verifier({ allowAnonymous: true }), `Bearer ${anon}`),
    { id: null, role: "anon" },
  );
  const wrong = await userToken("x", {
    nowMs: NOW_MS,
    secret: "another-legacy-secret-that-is-long-enough",
  });
  assert.deepEqual(await verdict(v, `Bearer ${wrong}`), {
    status: 401,
    code: "invalid_jwt",
  });
  // LEGACY_JWT_SECRET works where SUPABASE_JWKS has no symmetric key.
  const fromEnv = verifier({
    jwksJson: JSON.stringify({ keys: [KEY.publicJwk] }),
    legacySecret: TEST_JWT_SECRET,
  });
  assert.equal(
    (await verdict(fromEnv, `Bearer ${user}`) as Caller).id,
    "legacy-user",
  );
  const none = verifier({
    jwksJson: JSON.stringify({ keys: [KEY.publicJwk] }),
  });
  assert.deepEqual(await verdict(none, `Bearer ${user}`), {
    status: 401,
    code: "invalid_jwt",
  });
});

Deno.test("caller: a token without exp never verifies, however it is signed", async () => {
  const forever = await userToken("u", {
    nowMs: NOW_MS,
    expiresInSeconds: null,
  });
  const es = await es256({ ...USER, exp: undefined });
  for (const token of [forever, es]) {
    assert.deepEqual(await verdict(verifier(), `Bearer ${token}`), {
      status: 401,
      code: "invalid_jwt",
    });
  }
});

Deno.test("caller: no header, other schemes and API keys are not tokens", async () => {
  const v = verifier();
  const cases: [string | null, string][] = [
    [null, "unauthorized"],
    ["", "unauthorized"],
    ["Basic dXNlcjpwYXNz", "unauthorized"],
    ["Bearer", "unauthorized"],
    [`Bearer ${localPublishableKey()}`, "invalid_jwt"],
    ["Bearer sb_secret_N7UND0UgjKTVK", "invalid_jwt"],
    ["Bearer not-a-jwt", "invalid_jwt"],
    [`Bearer ${"a".repeat(10_000)}`, "invalid_jwt"],
  ];
  for (const [authorization, code] of cases) {
    assert.deepEqual(
      await verdict(v, authorization),
      { status: 401, code },
      String(authorization).slice(0, 40),
    );
  }
});

Deno.test("caller: with SUPABASE_URL only, the JWKS is fetched once and kept", async () => {
  let fetches = 0;
  const fetcher = ((input: string | URL | Request) => {
    fetches++;
    assert.equal(
      String(input instanceof Request ? input.url : input),
      "https://project.supabase.co/auth/v1/.well-known/jwks.json",
    );
    return Promise.resolve(Response.json({ keys: [KEY.publicJwk] }));
  }) as typeof fetch;
  const v = new CallerVerifier(
    { supabaseUrl: "https://project.supabase.co", allowAnonymous: false },
    fetcher,
  );
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await verdict(v, `Bearer ${await es256(USER)}`) as Caller).id,
      USER.sub,
    );
  }
  assert.equal(fetches, 1);
});

/** Runs `work` counting the signature checks made through WebCrypto (jose's only path). */
async function countingSignatureChecks(
  work: () => Promise<void>,
): Promise<number> {
  const subtle = crypto.subtle as SubtleCrypto & {
    verify: SubtleCrypto["verify"];
  };
  const original = subtle.verify;
  let checks = 0;
  subtle.verify = (...args: Parameters<SubtleCrypto["verify"]>) => {
    checks++;
    return original.apply(subtle, args);
  };
  try {
    await work();
  } finally {
    delete (subtle as { verify?: unknown }).verify;
  }
  assert.equal(subtle.verify, original);
  return checks;
}

Deno.test("caller: a patient's next calls with the same token skip the signature check, until the token expires", async () => {
  const v = verifier();
  const expS = NOW_S + 5;
  const token = `Bearer ${await es256({ ...USER, exp: expS })}`;
  const other = `Bearer ${await es256({ ...USER, sub: "another-patient" })}`;
  const checks = await countingSignatureChecks(async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await verdict(v, token) as Caller).id, USER.sub);
    }
    assert.equal((await verdict(v, other) as Caller).id, "another-patient");
  });
  assert.equal(checks, 2, "one check per distinct token");

  // Past exp (and jose's 30 s of tolerance) the kept verdict is not used.
  const late = await v.verify(token, (expS + 31) * 1000).catch((e) => e);
  assert.ok(late instanceof GatewayFailure);
  assert.equal(late.code, "expired_jwt");
});

Deno.test("caller: refusals are not kept: a token not valid yet verifies once it is", async () => {
  const v = verifier();
  const token = `Bearer ${await es256({ ...USER, nbf: NOW_S + 120 })}`;
  assert.deepEqual(await verdict(v, token), {
    status: 401,
    code: "invalid_jwt",
  });
  const caller = await v.verify(token, (NOW_S + 121) * 1000);
  assert.equal(caller.id, USER.sub);
  // A key without sub is refused on every call, not once.
  const key = `Bearer ${await es256({ ...USER, sub: undefined })}`;
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(await verdict(v, key), {
      status: 403,
      code: "sign_in_required",
    });
  }
});

Deno.test("caller: a JWKS that cannot be fetched is 503 auth_unavailable, not a pass", async () => {
  const down =
    (() => Promise.reject(new TypeError("connection refused"))) as typeof fetch;
  const v = new CallerVerifier(
    { supabaseUrl: "https://project.supabase.co", allowAnonymous: false },
    down,
  );
  assert.deepEqual(await verdict(v, `Bearer ${await es256(USER)}`), {
    status: 503,
    code: "auth_unavailable",
  });
});

Deno.test("caller: settings that could never verify are refused up front", () => {
  for (
    const settings of [
      { jwksJson: "not json" },
      { jwksJson: '{"keys": "x"}' },
      { supabaseUrl: "http://project.example.com" },
    ]
  ) {
    assert.throws(
      () => new CallerVerifier({ allowAnonymous: false, ...settings }),
      TypeError,
      JSON.stringify(settings),
    );
  }
  // http is fine on loopback (the Supabase CLI's local stack).
  new CallerVerifier({
    supabaseUrl: "http://127.0.0.1:54321",
    allowAnonymous: false,
  });
});

// ------------------------------------------------------------ the handler

Deno.test("handler: without any key source the function is misconfigured, not open", async () => {
  const h = harness("sagemaker-triage", {
    env: { LEGACY_JWT_SECRET: undefined },
  });
  const answer = await h.post({ symptoms: ["fever"], age: 30, gender: "male" });
  assert.equal(answer.status, 500);
  assert.equal(answer.json?.code, "invalid_configuration");
  assert.match(String(answer.json?.detail), /SUPABASE_JWKS is not set/);
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("handler: refusals are problem+json with a Bearer challenge, before anything else", async () => {
  const h = harness("sagemaker-triage");
  const cases: [Record<string, string>, number, string][] = [
    [{}, 401, "unauthorized"],
    [{ authorization: "Bearer x.y.z" }, 401, "invalid_jwt"],
    [
      { authorization: `Bearer ${await anonToken({ nowMs: h.clock.now() })}` },
      403,
      "sign_in_required",
    ],
  ];
  for (const [headers, status, code] of cases) {
    const answer = await h.send(
      new Request("http://functions.local/x", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: "{}",
      }),
    );
    assert.equal(answer.status, status, answer.text);
    assert.equal(answer.json?.code, code);
    assert.equal(
      answer.headers.get("content-type"),
      "application/problem+json",
    );
    if (status === 401) {
      assert.equal(answer.headers.get("www-authenticate"), "Bearer");
    }
  }
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("handler: ALLOW_ANONYMOUS_CALLERS=true lets a verified key without sub call", async () => {
  const h = harness("sagemaker-triage", {
    env: { ALLOW_ANONYMOUS_CALLERS: "true" },
  });
  const anon = `Bearer ${await anonToken({ nowMs: h.clock.now() })}`;
  const answer = await h.post(
    { symptoms: ["fever"], age: 30, gender: "male" },
    { authorization: anon },
  );
  // The call went upstream (the fake has no answer scripted: a 502 after it).
  assert.notEqual(answer.status, 403, answer.text);
  assert.ok(h.upstream.calls.length > 0);
  const bad = harness("sagemaker-triage", {
    env: { ALLOW_ANONYMOUS_CALLERS: "yes" },
  });
  const refused = await bad.post({});
  assert.equal(refused.json?.code, "invalid_configuration");
  assert.match(
    String(refused.json?.detail),
    /ALLOW_ANONYMOUS_CALLERS must be true or false/,
  );
});
