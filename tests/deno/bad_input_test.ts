/**
 * Hostile and malformed requests against the running local stack (router →
 * functions → SageMaker stand-in): each is refused with its documented 4xx
 * problem+json, nothing reaches SageMaker, and normal requests still work
 * afterwards. Oversized bodies are refused without being read whole, both
 * in-process (a counting ReadableStream) and over real sockets (chunked,
 * lying Content-Length, a body that ends early).
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/bad_input_test.ts
 */
import assert from "node:assert/strict";
import { type LocalStack, startLocalStack } from "../../local/local_stack.ts";
import { createFunctions } from "../../local/local_stack.ts";
import { createRouter } from "../../local/router.ts";
import { GatewayJwtVerifier } from "../../local/gateway_jwt.ts";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startSageMakerStandIn,
} from "../../local/sagemaker_stand_in/mod.ts";
import { runtimeDeps } from "../../edge/_shared/edge_function.ts";
import { wasmMemoryBytes } from "../../soak/wasm_memory.ts";
import { PATIENT_ID, TEST_JWT_SECRET, userToken } from "./helpers/tokens.ts";
import {
  acceptedCases,
  type Answer,
  type BadInputCase,
  badInputCases,
  MAX_BODY_BYTES,
  type RawAnswer,
  send,
  sendRaw,
  type Slug,
  SLUGS,
  STACK_ENV,
  validPayload,
} from "./bad_input_cases.ts";

interface Harness {
  stack: LocalStack;
  /** A signed-in patient's access token. */
  token: string;
  /** Requests the functions sent towards SageMaker (any outcome). */
  upstreamCalls(): number;
  logs: string[];
}

/** A stack whose functions count every upstream fetch. */
async function withStack(
  body: (harness: Harness) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  let calls = 0;
  const logs: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    env: { ...STACK_ENV, ...env },
    log: (line) => logs.push(line),
    deps: {
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    },
  });
  try {
    const token = (await stack.signIn()).access_token;
    await body({ stack, token, upstreamCalls: () => calls, logs });
  } finally {
    await stack.close();
  }
}

/** The function's log record for a request id. */
function functionRecord(
  logs: string[],
  requestId: unknown,
): Record<string, unknown> | undefined {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((r) => r.msg === "invocation" && r.request_id === requestId);
}

/** Checks a refusal against its case. */
function assertRefused(answer: Answer, c: BadInputCase): void {
  const where = `${c.slug}: ${c.name}: ${answer.text.slice(0, 600)}`;
  assert.equal(answer.status, c.status, where);
  assert.ok(c.status >= 400 && c.status < 500, "cases are client errors");
  assert.equal(
    answer.headers.get("content-type"),
    "application/problem+json",
    where,
  );
  const problem = answer.json;
  assert.ok(problem, where);
  assert.equal(problem.code, c.code, where);
  assert.equal(problem.status, c.status, where);
  assert.equal(problem.type, `urn:healthnav:problem:${c.code}`, where);
  assert.equal(typeof problem.detail, "string", where);
  assert.equal(typeof problem.request_id, "string", where);
  assert.equal(problem.request_id, answer.headers.get("x-request-id"), where);
  if (c.status === 405) {
    const methods = c.slug === "sagemaker-image-analysis"
      ? "GET, POST, OPTIONS"
      : "POST, OPTIONS";
    assert.equal(answer.headers.get("allow"), methods);
  }
  if (c.code !== "validation_failed") {
    assert.equal(problem.errors, undefined, where);
    return;
  }
  const errors = problem.errors as {
    path: string;
    code: string;
    message: string;
  }[];
  assert.ok(Array.isArray(errors) && errors.length > 0, where);
  for (const error of errors) {
    assert.equal(typeof error.message, "string", where);
    assert.ok(error.message.length > 0, where);
  }
  const actual = errors.map((e) => `${e.path} ${e.code}`);
  const expected = (c.errors ?? []).map(([path, code]) => `${path} ${code}`);
  if (c.someErrors) {
    for (const entry of expected) {
      assert.ok(actual.includes(entry), `${entry} missing: ${where}`);
    }
  } else {
    assert.deepEqual([...actual].sort(), [...expected].sort(), where);
  }
}

async function sendCase(h: Harness, c: BadInputCase) {
  if (c.raw) {
    return await sendRaw(
      h.stack.url,
      h.token,
      c.slug,
      c.raw,
      c.contentType,
    );
  }
  return await send(h.stack.url, h.token, c.slug, {
    method: c.method,
    contentType: c.contentType,
    body: c.body,
  });
}

/** A valid request per function must still succeed. */
async function assertNormalRequestsWork(h: Harness): Promise<void> {
  for (const slug of SLUGS) {
    const before = h.stack.standIn.stats().total;
    const answer = await send(h.stack.url, h.token, slug, {
      body: JSON.stringify(validPayload(slug)),
    });
    assert.equal(answer.status, 200, `${slug}: ${answer.text}`);
    assert.equal(answer.headers.get("content-type"), "application/json");
    assert.equal(h.stack.standIn.stats().total, before + 1);
  }
}

const CASES = badInputCases();

Deno.test(`${CASES.length} bad inputs are refused with their 4xx before SageMaker is called`, async (t) => {
  assert.ok(CASES.length > 250, `only ${CASES.length} cases`);
  const names = new Set(CASES.map((c) => `${c.slug} ${c.name}`));
  assert.equal(names.size, CASES.length, "case names are unique");
  await withStack(async (h) => {
    for (const c of CASES) {
      await t.step(`${c.slug}: ${c.name} → ${c.status} ${c.code}`, async () => {
        const before = h.stack.standIn.stats().total;
        const callsBefore = h.upstreamCalls();
        const answer = await sendCase(h, c);
        assertRefused(answer, c);
        if (c.raw) {
          const { sentBodyBytes } = answer as RawAnswer;
          assert.ok(
            sentBodyBytes <= c.raw.maxSentBytes,
            `sent ${sentBodyBytes} body bytes before the answer`,
          );
        }
        assert.equal(
          h.upstreamCalls(),
          callsBefore,
          "no call towards SageMaker",
        );
        assert.equal(
          h.stack.standIn.stats().total,
          before,
          "no SageMaker invocation",
        );
        const record = functionRecord(h.logs, answer.json?.request_id);
        assert.ok(record, "the function logged the refusal");
        assert.equal(record.status, c.status);
        assert.equal(record.code, c.code);
      });
    }
    await t.step("after the table, normal requests succeed", async () => {
      await assertNormalRequestsWork(h);
    });
  });
});

Deno.test("deliberately accepted inputs (Unicode, parameters, wrapped base64) → 200 after one call", async (t) => {
  await withStack(async (h) => {
    for (const c of acceptedCases()) {
      await t.step(`${c.slug}: ${c.name}`, async () => {
        const before = h.stack.standIn.stats().total;
        const answer = await send(h.stack.url, h.token, c.slug, {
          contentType: c.contentType,
          body: c.body,
        });
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.headers.get("content-type"), "application/json");
        const result = answer.json!;
        const field = {
          "sagemaker-triage": "risk_level",
          "sagemaker-image-analysis": "predictions",
          "sagemaker-risk-score": "risk_score",
        }[c.slug];
        assert.ok(field in result, answer.text);
        assert.equal(h.stack.standIn.stats().total, before + 1);
      });
    }
  });
});

// ------------------------------------------------- bodies read with a cap

/** A body of `total` bytes made on demand, counting what was pulled. */
function countingBody(total: number, chunkBytes = 64 * 1024, fail?: number) {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (fail !== undefined && pulled >= fail) {
        controller.error(new TypeError("connection reset by peer"));
        return;
      }
      if (pulled >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunkBytes, total - pulled);
      pulled += size;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

/** Router and functions in-process (no sockets between client and gateway). */
async function withInProcessRouter(
  body: (
    call: (slug: Slug, init: RequestInit) => Promise<Answer>,
    invocations: () => number,
  ) => Promise<void>,
): Promise<void> {
  const standIn = await startSageMakerStandIn({ log: () => {} });
  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: standIn.url,
    LEGACY_JWT_SECRET: TEST_JWT_SECRET,
  };
  const router = createRouter({
    functions: createFunctions({
      ...runtimeDeps(),
      env: (name) => env[name],
      log: () => {},
    }),
    jwt: new GatewayJwtVerifier({
      jwks: { keys: [] },
      legacySecret: TEST_JWT_SECRET,
    }),
    log: () => {},
  });
  const token = await userToken(PATIENT_ID, { nowMs: Date.now() });
  try {
    await body(async (slug, init) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${token}`);
      const response = await router(
        new Request(`http://127.0.0.1/functions/v1/${slug}`, {
          method: "POST",
          ...init,
          headers,
        }),
      );
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: JSON.parse(text),
      };
    }, () => standIn.stats().total);
  } finally {
    await standIn.close();
  }
}

const CHUNK = 64 * 1024;
const GIB = 1024 * 1024 * 1024;

Deno.test("a 1 GiB streamed body is cut off just past 6 MiB and cancelled, for every function", async () => {
  await withInProcessRouter(async (call, invocations) => {
    for (const slug of SLUGS) {
      // Chunked alone, and chunked with a small Content-Length beside it,
      // which Deno 2.1 accepts and frames by the chunks.
      for (const declared of [undefined, "100"]) {
        const body = countingBody(GIB);
        const headers: Record<string, string> = {
          "content-type": "application/json",
          "transfer-encoding": "chunked",
        };
        if (declared) headers["content-length"] = declared;
        const answer = await call(slug, { body: body.stream, headers });
        assert.equal(answer.status, 413, answer.text);
        assert.equal(answer.json!.code, "body_too_large");
        assert.ok(
          body.pulled() <= MAX_BODY_BYTES + CHUNK,
          `${slug} pulled ${body.pulled()} bytes`,
        );
        assert.equal(body.cancelled(), true, "the stream was released");
      }
    }
    assert.equal(invocations(), 0);
  });
});

Deno.test("a declared Content-Length over 6 MiB is refused without pulling a byte", async () => {
  await withInProcessRouter(async (call, invocations) => {
    for (const slug of SLUGS) {
      for (const declared of [MAX_BODY_BYTES + 1, 1e12]) {
        const body = countingBody(GIB);
        const answer = await call(slug, {
          body: body.stream,
          headers: {
            "content-type": "application/json",
            "content-length": String(declared),
          },
        });
        assert.equal(answer.status, 413, answer.text);
        assert.equal(answer.json!.code, "body_too_large");
        assert.equal(body.pulled(), 0);
        assert.equal(body.cancelled(), true);
      }
    }
    assert.equal(invocations(), 0);
  });
});

Deno.test("a body that breaks mid-upload is the client's problem: 400, not 500", async () => {
  await withInProcessRouter(async (call, invocations) => {
    for (const slug of SLUGS) {
      const body = countingBody(GIB, CHUNK, 3 * CHUNK);
      const answer = await call(slug, {
        body: body.stream,
        headers: { "content-type": "application/json" },
      });
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.json!.code, "invalid_json");
      assert.equal(body.pulled(), 3 * CHUNK);
    }
    assert.equal(invocations(), 0);
  });
});

Deno.test("over a socket, Transfer-Encoding: chunked with a small Content-Length cannot smuggle 256 MiB", async () => {
  await withStack(async (h) => {
    const wasmBefore = wasmMemoryBytes();
    for (const slug of SLUGS) {
      const before = h.upstreamCalls();
      const answer = await sendRaw(
        h.stack.url,
        h.token,
        slug,
        {
          offeredBytes: 256 * 1024 * 1024,
          maxSentBytes: 48 * 1024 * 1024,
        },
        "application/json",
        { "Content-Length": "100" },
      );
      assert.ok(
        answer.sentBodyBytes <= 48 * 1024 * 1024,
        `sent ${answer.sentBodyBytes} bytes before the answer`,
      );
      if (answer.status === 400 && answer.text === "") {
        // Deno >= 2.9 refuses the ambiguous framing itself (RFC 9112 §6.3).
        continue;
      }
      // Deno 2.1 frames it by the chunks: the gateway must stop at the cap.
      assert.equal(answer.status, 413, answer.text);
      assert.equal(answer.json?.code, "body_too_large");
      assert.equal(h.upstreamCalls(), before);
    }
    // Nothing over the cap was handed to the wasm module.
    const grown = wasmMemoryBytes() - wasmBefore;
    assert.ok(grown <= 8 * 1024 * 1024, `wasm memory grew ${grown} bytes`);
  });
});

// ---------------------------------------------- amplification and memory

function uniqueKeysBody(bytes: number): string {
  const keys: string[] = [];
  let size = 2;
  for (let i = 0; size < bytes; i++) {
    const key = `"${i.toString(36)}":0`;
    keys.push(key);
    size += key.length + 1;
  }
  return `{${keys.join(",")}}`;
}

Deno.test("huge structures cannot amplify the answer or the wasm memory", async (t) => {
  await withStack(async (h) => {
    const post = (slug: Slug, body: string) =>
      send(h.stack.url, h.token, slug, { body });
    // Warm up: the first requests size the allocator's usual pools.
    await assertNormalRequestsWork(h);
    const baseline = wasmMemoryBytes();

    await t.step(
      "6 MB of distinct unknown keys → 400 with a small body",
      async () => {
        const answer = await post(
          "sagemaker-triage",
          uniqueKeysBody(6_000_000),
        );
        assert.equal(answer.status, 400, answer.text.slice(0, 300));
        assert.equal(answer.json!.code, "invalid_json");
        assert.ok(answer.text.length < 2048, `${answer.text.length} bytes`);
      },
    );
    await t.step("6 MB array of numbers → 400 with a small body", async () => {
      const body = `{"symptoms":[${Array(3_000_000).fill("0").join(",")}]}`;
      const answer = await post("sagemaker-risk-score", body);
      assert.equal(answer.status, 400, answer.text.slice(0, 300));
      assert.equal(answer.json!.code, "invalid_json");
    });
    await t.step("nested arrays of arrays → 400", async () => {
      const row = `[${Array(1000).fill("0").join(",")}]`;
      const body = `{"x":[${Array(2000).fill(row).join(",")}]}`;
      const answer = await post("sagemaker-image-analysis", body);
      assert.equal(answer.status, 400, answer.text.slice(0, 300));
      assert.equal(answer.json!.code, "invalid_json");
    });
    await t.step(
      "thousands of unknown fields → 422 listing a bounded number",
      async () => {
        const keys = Array.from({ length: 5000 }, (_, i) => `"k${i}":0`);
        const answer = await post("sagemaker-triage", `{${keys.join(",")}}`);
        assert.equal(answer.status, 422, answer.text.slice(0, 300));
        const errors = answer.json!.errors as unknown[];
        assert.ok(errors.length <= 100, `${errors.length} errors listed`);
        assert.ok(
          answer.text.length < 32 * 1024,
          `${answer.text.length} bytes`,
        );
      },
    );
    await t.step(
      "the wasm memory stayed within a few MiB of its baseline",
      () => {
        const grown = wasmMemoryBytes() - baseline;
        assert.ok(grown <= 16 * 1024 * 1024, `wasm memory grew ${grown} bytes`);
      },
    );
    await t.step("and normal requests still succeed", async () => {
      await assertNormalRequestsWork(h);
    });
  });
});
