/**
 * `deno task serve` (local/serve.ts) holds real AWS credentials, so it
 * refuses to start on a JWT secret anyone has, and it answers only on
 * loopback names. Run as a real process, as a developer would.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-run tests/deno/serve_test.ts
 */
import assert from "node:assert/strict";
import { LOCAL_JWT_SECRET } from "../../local/local_keys.ts";
import {
  generateSigningKey,
  publicJwks,
  signWithKey,
} from "../../local/supabase_auth/signing_key.ts";

const SERVE = new URL("../../local/serve.ts", import.meta.url).pathname;

function serve(env: Record<string, string>): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", SERVE],
    env: { PORT: "0", NO_COLOR: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** The status line of `GET /health` sent with this Host header. */
async function rawStatusLine(base: string, host: string): Promise<string> {
  const port = Number(new URL(base).port);
  const connection = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await connection.write(
      new TextEncoder().encode(
        `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buffer = new Uint8Array(1024);
    const read = await connection.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, read ?? 0)).split(
      "\r\n",
    )[0];
  } finally {
    connection.close();
  }
}

Deno.test("serve refuses to start without a JWT secret of the operator's own", async () => {
  const cases: Record<string, string>[] = [
    {},
    { SUPABASE_JWT_SECRET: LOCAL_JWT_SECRET },
    { SUPABASE_JWT_SECRET: "too-short" },
    {
      SUPABASE_JWT_SECRET: "a-project-secret-that-is-long-enough-1234",
      SUPABASE_JWKS: "{",
    },
  ];
  for (const env of cases) {
    const { code, stderr } = await serve(env).output();
    assert.equal(code, 2, JSON.stringify(env));
    assert.match(new TextDecoder().decode(stderr), /deno task serve: /);
  }
});

/** Starts serve and resolves to its base URL once it listens. */
async function listening(
  child: Deno.ChildProcess,
): Promise<{ base: string; reader: ReadableStreamDefaultReader<string> }> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let printed = "";
  while (!/http:\/\/127\.0\.0\.1:\d+/.test(printed)) {
    const { value, done } = await reader.read();
    assert.ok(!done, "serve exited before listening");
    printed += value;
  }
  return { base: printed.match(/http:\/\/127\.0\.0\.1:\d+/)![0], reader };
}

Deno.test("an ES256 session token from the JWKS in SUPABASE_JWKS reaches the function, which verifies it too", async () => {
  const projectKey = await generateSigningKey();
  const child = serve({
    SUPABASE_JWT_SECRET: "a-project-secret-that-is-long-enough-1234",
    SUPABASE_JWKS: JSON.stringify(publicJwks(projectKey)),
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE01",
    AWS_SECRET_ACCESS_KEY: "not-used-the-request-is-refused-first",
  });
  const { base, reader } = await listening(child);
  try {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: "0f1e2d3c-patient",
      role: "authenticated",
      aud: "authenticated",
      exp: now + 600,
    };
    const call = async (token: string) => {
      const res = await fetch(`${base}/functions/v1/sagemaker-triage`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ symptoms: [] }),
      });
      return { status: res.status, body: await res.json() };
    };
    // The function's own answer: the caller passed both checks and the
    // body is judged (no model is called for an invalid body).
    const accepted = await call(await signWithKey(projectKey, claims));
    assert.equal(accepted.status, 422);
    assert.equal(accepted.body.code, "validation_failed");

    const stranger = await generateSigningKey();
    const refused = await call(
      await signWithKey({ ...stranger, kid: projectKey.kid }, claims),
    );
    assert.equal(refused.status, 401);
    assert.equal(refused.body.code, "UNAUTHORIZED_ASYMMETRIC_JWT");
  } finally {
    await reader.cancel();
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel();
  }
});

Deno.test("serve starts on the operator's secret and answers on loopback names only", async () => {
  const child = serve({
    SUPABASE_JWT_SECRET: "a-project-secret-that-is-long-enough-1234",
  });
  const { base, reader } = await listening(child);
  try {
    const health = await fetch(`${base}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    const unauthenticated = await fetch(
      `${base}/functions/v1/sagemaker-triage`,
      {
        method: "POST",
      },
    );
    assert.equal(unauthenticated.status, 401);
    assert.equal(
      unauthenticated.headers.get("sb-error-code"),
      "UNAUTHORIZED_NO_AUTH_HEADER",
    );
    await unauthenticated.body?.cancel();
    // fetch sets Host itself: a DNS-rebound page's request, written by hand.
    assert.match(await rawStatusLine(base, "attacker.example"), / 421 /);
    assert.match(await rawStatusLine(base, "localhost"), / 200 /);
  } finally {
    await reader.cancel();
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel();
  }
});
