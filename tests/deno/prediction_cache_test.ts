/**
 * The opt-in prediction cache (edge/_shared/prediction_cache.ts): LRU, TTL
 * (expired entries dropped without being read) and a byte bound on a fixed
 * clock, errors never cached, the key's caller and canonical input, no
 * caching across callers, for callers without an id or for S3 inputs, the
 * PREDICTION_CACHE_* settings, the handler's `x-cache` header, and end to end
 * the stand-in invoked once for two identical requests of one patient.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/prediction_cache_test.ts
 */
import assert from "node:assert/strict";
import type { CallResult } from "../../edge/_shared/invoke_sagemaker.ts";
import {
  PredictionCache,
  predictionCacheFor,
  predictionCacheKey,
  throughCache,
} from "../../edge/_shared/prediction_cache.ts";
import {
  type FunctionName,
  Gateway,
  type GatewaySettings,
  type NormalizedResult,
} from "../../pkg/mod.js";
import { harness } from "./helpers/edge_harness.ts";
import { OTHER_PATIENT_ID } from "./helpers/tokens.ts";
import {
  FakeClock,
  jsonResponse,
  modelError,
} from "./helpers/fake_upstream.ts";
import { pngBytes, RISK_PATIENT } from "./helpers/payloads.ts";
import { withStack } from "./helpers/stack.ts";

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));
const RISK_BODY = { patient_data: RISK_PATIENT };
const TRIAGE_BODY = {
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
};
const RICH_TRIAGE = {
  urgency_score: 0.35,
  risk_level: "moderate",
  recommended_specialty: "General Practice",
  confidence: 0.8,
  key_findings: ["Fever reported"],
  model_version: "1.0.0",
  inference_time_ms: 11,
};

type Result = CallResult<NormalizedResult>["result"];
const result = (score: number) =>
  ({ risk_score: score, risk_level: "low" }) as unknown as Result;
const limits = (maxEntries: number, ttlMs: number, maxBytes = 1 << 20) => ({
  maxEntries,
  ttlMs,
  maxBytes,
});
const CALLER = "patient-a";

// ---------------------------------------------------------------- LRU + TTL

Deno.test("an entry lives for the TTL on the injected clock, then is gone", () => {
  const clock = new FakeClock(1_000);
  const cache = new PredictionCache<Result>(limits(10, 5_000), clock.now);
  cache.set("k", result(0.1));
  clock.advance(4_999);
  assert.deepEqual(cache.get("k"), result(0.1));
  // A hit does not extend the TTL: an entry is never older than ttlMs.
  clock.advance(1);
  assert.equal(cache.get("k"), undefined);
  assert.equal(cache.size, 0, "the expired entry is dropped when touched");
  // Storing again starts a new TTL.
  cache.set("k", result(0.2));
  clock.advance(4_999);
  assert.deepEqual(cache.get("k"), result(0.2));
});

Deno.test("expired entries are dropped on any use, not only when read", () => {
  const clock = new FakeClock(0);
  const cache = new PredictionCache<Result>(limits(10, 1_000), clock.now);
  cache.set("a", result(0.1));
  cache.set("b", result(0.2));
  clock.advance(500);
  cache.set("c", result(0.3));
  assert.equal(cache.size, 3);
  clock.advance(500);
  // Reading another key drops a and b, which nobody asked for again.
  assert.equal(cache.get("unrelated"), undefined);
  assert.equal(cache.size, 1);
  assert.ok(cache.bytes > 0);
  clock.advance(500);
  cache.set("d", result(0.4));
  assert.equal(cache.size, 1, "c expired too");
});

Deno.test("beyond maxBytes the least recently used entries are evicted", () => {
  const entryBytes = JSON.stringify(result(0.1)).length * 2;
  const cache = new PredictionCache<Result>(
    limits(100, 60_000, entryBytes * 2),
    () => 0,
  );
  cache.set("a", result(0.1));
  cache.set("b", result(0.2));
  assert.equal(cache.bytes, entryBytes * 2);
  cache.set("c", result(0.3));
  assert.equal(cache.size, 2);
  assert.equal(cache.get("a"), undefined);
  assert.ok(cache.bytes <= entryBytes * 2);
  // A value larger than the whole bound is not stored at all.
  const huge = { risk_score: 0.5, factors: ["x".repeat(entryBytes * 2)] };
  cache.set("huge", huge as unknown as Result);
  assert.equal(cache.get("huge"), undefined);
  assert.equal(cache.size, 2);
});

Deno.test("beyond maxEntries the least recently used entry is evicted", () => {
  const clock = new FakeClock(0);
  const cache = new PredictionCache<Result>(limits(2, 60_000), clock.now);
  cache.set("a", result(0.1));
  cache.set("b", result(0.2));
  assert.ok(cache.get("a"), "a is now the most recently used");
  cache.set("c", result(0.3));
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b"), undefined, "b was least recently used");
  assert.deepEqual(cache.get("a"), result(0.1));
  assert.deepEqual(cache.get("c"), result(0.3));
  // Re-setting a key replaces it without growing the cache.
  cache.set("c", result(0.4));
  assert.equal(cache.size, 2);
  assert.deepEqual(cache.get("c"), result(0.4));
  cache.set("d", result(0.5));
  assert.equal(cache.get("a"), undefined);
});

Deno.test("the cache holds copies: a caller cannot change a stored result", () => {
  const cache = new PredictionCache<Result>(limits(2, 1_000), () => 0);
  const stored = result(0.1);
  cache.set("k", stored);
  (stored as unknown as { risk_score: number }).risk_score = 0.9;
  const first = cache.get("k") as unknown as { risk_score: number };
  first.risk_score = 0.8;
  assert.deepEqual(cache.get("k"), result(0.1));
});

Deno.test("a cache needs at least one entry, one byte and a positive TTL", () => {
  for (
    const [max, ttl, bytes] of [[0, 1, 1], [1, 0, 1], [Number.NaN, 1, 1], [
      1,
      1,
      0,
    ]]
  ) {
    assert.throws(
      () => new PredictionCache(limits(max, ttl, bytes), () => 0),
      RangeError,
    );
  }
});

// ------------------------------------------------------------ throughCache

const SETTINGS: GatewaySettings = {
  region: "us-east-1",
  clientVariants: ["model-v2"],
};
/** The unsigned call pkg builds for `body` on `fn`. */
const built = (
  fn: FunctionName,
  body: Uint8Array,
  settings: GatewaySettings = SETTINGS,
) => new Gateway(settings, fn, undefined).prepare(body, 0);
const invocation = built("sagemaker-risk-score", json(RISK_BODY));

Deno.test("errors are never cached; a success is, and then answers without a call", async () => {
  const cache = new PredictionCache<Result>(limits(10, 60_000), () => 0);
  let calls = 0;
  const failing = () => {
    calls++;
    return Promise.reject(new Error("throttled"));
  };
  await assert.rejects(
    throughCache(cache, "sagemaker-risk-score", invocation, CALLER, failing),
    /throttled/,
  );
  assert.equal(cache.size, 0);
  const succeeding = () => {
    calls++;
    return Promise.resolve({
      result: result(0.3),
      attempts: 2,
      upstreamMs: 40,
    });
  };
  const miss = await throughCache(
    cache,
    "sagemaker-risk-score",
    invocation,
    CALLER,
    succeeding,
  );
  assert.deepEqual(miss, {
    result: result(0.3),
    attempts: 2,
    upstreamMs: 40,
    cache: "miss",
  });
  const hit = await throughCache(
    cache,
    "sagemaker-risk-score",
    invocation,
    CALLER,
    succeeding,
  );
  assert.deepEqual(hit, {
    result: result(0.3),
    attempts: 0,
    upstreamMs: 0,
    cache: "hit",
  });
  assert.equal(calls, 2);
  // Without a cache the call runs every time and no outcome is reported.
  const plain = await throughCache(
    null,
    "sagemaker-risk-score",
    invocation,
    CALLER,
    succeeding,
  );
  assert.equal(plain.cache, undefined);
  assert.equal(calls, 3);
});

Deno.test("one caller's entry never answers another; no id or an S3 input is never cached", async () => {
  const cache = new PredictionCache<Result>(limits(10, 60_000), () => 0);
  let calls = 0;
  const call = () => {
    calls++;
    return Promise.resolve({ result: result(0.3), attempts: 1, upstreamMs: 9 });
  };
  const through = (caller: string | null, inv = invocation) =>
    throughCache(cache, "sagemaker-risk-score", inv, caller, call);
  assert.equal((await through(CALLER)).cache, "miss");
  assert.equal((await through(CALLER)).cache, "hit");
  assert.equal((await through("patient-b")).cache, "miss");
  assert.equal((await through("patient-b")).cache, "hit");
  for (let i = 0; i < 2; i++) {
    assert.equal((await through(null)).cache, undefined);
  }
  const s3Image = built(
    "sagemaker-image-analysis",
    json({ image_data: "s3://bucket/scan.png", image_type: "xray" }),
    { region: "us-east-1", allowedBuckets: ["bucket"] },
  );
  assert.ok(s3Image.inputInS3);
  for (let i = 0; i < 2; i++) {
    assert.equal((await through(CALLER, s3Image)).cache, undefined);
  }
  assert.equal(calls, 6);
});

Deno.test("predictionCacheFor: only listed functions get a cache", () => {
  const settings = {
    functions: ["sagemaker-triage", "sagemaker-risk-score"] as FunctionName[],
    ttlMs: 1_000,
    maxEntries: 5,
    maxBytes: 4096,
  };
  const cache = predictionCacheFor("sagemaker-triage", settings, () => 0);
  assert.ok(cache);
  assert.equal(cache.limits.maxEntries, 5);
  assert.equal(cache.limits.ttlMs, 1_000);
  assert.equal(cache.limits.maxBytes, 4096);
  assert.ok(predictionCacheFor("sagemaker-risk-score", settings, () => 0));
  assert.equal(
    predictionCacheFor("sagemaker-image-analysis", settings, () => 0),
    null,
  );
});

// ------------------------------------------------------------------- key

Deno.test("the key is the canonical model input: equivalent bodies share it", () => {
  const key = (body: string, fn: FunctionName = "sagemaker-risk-score") =>
    predictionCacheKey(fn, built(fn, encoder.encode(body)), CALLER);
  const reordered = JSON.stringify({
    patient_data: Object.fromEntries(Object.entries(RISK_PATIENT).reverse()),
  });
  const spaced = JSON.stringify(RISK_BODY, null, 2);
  assert.equal(key(reordered), key(JSON.stringify(RISK_BODY)));
  assert.equal(key(spaced), key(JSON.stringify(RISK_BODY)));
  assert.match(key(spaced), /^[0-9a-f]{64}$/);
  const older = JSON.stringify({
    patient_data: { ...RISK_PATIENT, age: 68 },
  });
  assert.notEqual(key(older), key(JSON.stringify(RISK_BODY)));
  const pinned = JSON.stringify({ ...RISK_BODY, variant: "model-v2" });
  assert.notEqual(key(pinned), key(JSON.stringify(RISK_BODY)));
  // The caller is part of the key, unambiguously.
  const inv = built("sagemaker-risk-score", json(RISK_BODY));
  assert.notEqual(
    predictionCacheKey("sagemaker-risk-score", inv, "a"),
    predictionCacheKey("sagemaker-risk-score", inv, "b"),
  );
  assert.notEqual(
    predictionCacheKey("sagemaker-risk-score", inv, "a\nrisk-score"),
    predictionCacheKey("sagemaker-risk-score", inv, "a"),
  );
});

Deno.test("the key ignores signatures but not the image's custom attributes", () => {
  const signer = new Gateway(SETTINGS, "sagemaker-risk-score", {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "x",
  });
  const body = json(RISK_BODY);
  const at = (timeMs: number) =>
    predictionCacheKey(
      "sagemaker-risk-score",
      signer.prepare(body, timeMs),
      CALLER,
    );
  assert.equal(at(0), at(86_400_000));
  assert.equal(
    at(0),
    predictionCacheKey("sagemaker-risk-score", invocation, CALLER),
  );
  // Same image bytes, different image_type: a different question.
  const dataUrl = `data:image/png;base64,${
    btoa(String.fromCharCode(...pngBytes()))
  }`;
  const image = (imageType: string) =>
    predictionCacheKey(
      "sagemaker-image-analysis",
      built(
        "sagemaker-image-analysis",
        json({ image_data: dataUrl, image_type: imageType }),
      ),
      CALLER,
    );
  assert.notEqual(image("xray"), image("ct"));
});

// -------------------------------------------------------------- settings

Deno.test("PREDICTION_CACHE_* malformed → 500 naming the variable", async () => {
  const cases: [Record<string, string>, string][] = [
    [
      { PREDICTION_CACHE_FUNCTIONS: "sagemaker-triage,billing" },
      "PREDICTION_CACHE_FUNCTIONS",
    ],
    [{ PREDICTION_CACHE_FUNCTIONS: " , " }, "PREDICTION_CACHE_FUNCTIONS"],
    [{ PREDICTION_CACHE_TTL_MS: "0" }, "PREDICTION_CACHE_TTL_MS"],
    [{ PREDICTION_CACHE_TTL_MS: "5m" }, "PREDICTION_CACHE_TTL_MS"],
    [{ PREDICTION_CACHE_MAX_ENTRIES: "-1" }, "PREDICTION_CACHE_MAX_ENTRIES"],
    [{ PREDICTION_CACHE_MAX_BYTES: "1" }, "PREDICTION_CACHE_MAX_BYTES"],
  ];
  for (const [env, variable] of cases) {
    const h = harness("sagemaker-triage", { env });
    const answer = await h.post(TRIAGE_BODY);
    assert.equal(answer.status, 500, JSON.stringify(env));
    assert.equal(answer.json?.code, "invalid_configuration");
    assert.match(String(answer.json?.detail), new RegExp(variable));
  }
});

// ----------------------------------------------------------------- handler

Deno.test("handler: the second identical request is a hit, with no upstream call", async () => {
  const h = harness("sagemaker-triage", {
    env: { PREDICTION_CACHE_FUNCTIONS: "sagemaker-triage" },
    script: [jsonResponse(RICH_TRIAGE)],
  });
  const first = await h.post(TRIAGE_BODY);
  const second = await h.post(TRIAGE_BODY);
  assert.equal(first.status, 200, first.text);
  assert.equal(second.status, 200, second.text);
  assert.equal(first.headers.get("x-cache"), "miss");
  assert.equal(second.headers.get("x-cache"), "hit");
  assert.deepEqual(second.json, first.json);
  assert.equal(h.upstream.calls.length, 1);
  assert.match(second.headers.get("server-timing") ?? "", /^model;dur=0,/);
  const [missed, hit] = h.records();
  assert.equal(missed.cache, "miss");
  assert.equal(missed.attempts, 1);
  assert.equal(hit.cache, "hit");
  assert.equal(hit.attempts, 0);
  assert.equal(hit.retries, 0);
});

Deno.test("handler: another patient's identical request is a miss: nothing tells them it was asked", async () => {
  const h = harness("sagemaker-triage", {
    env: { PREDICTION_CACHE_FUNCTIONS: "sagemaker-triage" },
    script: [jsonResponse(RICH_TRIAGE), jsonResponse(RICH_TRIAGE)],
  });
  assert.equal((await h.post(TRIAGE_BODY)).headers.get("x-cache"), "miss");
  const other = await h.post(TRIAGE_BODY, {
    authorization: await h.bearer(OTHER_PATIENT_ID),
  });
  assert.equal(other.headers.get("x-cache"), "miss");
  assert.equal(h.upstream.calls.length, 2);
  assert.deepEqual(h.records().map((r) => r.attempts), [1, 1]);
});

Deno.test("handler: a failed call is not cached; the next identical request goes upstream", async () => {
  const h = harness("sagemaker-triage", {
    env: { PREDICTION_CACHE_FUNCTIONS: "sagemaker-triage" },
    script: [
      modelError(400, "bad input"),
      jsonResponse(RICH_TRIAGE),
    ],
  });
  const failed = await h.post(TRIAGE_BODY);
  assert.equal(failed.status, 422, failed.text);
  assert.equal(failed.headers.get("x-cache"), null);
  const retried = await h.post(TRIAGE_BODY);
  assert.equal(retried.status, 200);
  assert.equal(retried.headers.get("x-cache"), "miss");
  assert.equal((await h.post(TRIAGE_BODY)).headers.get("x-cache"), "hit");
  assert.equal(h.upstream.calls.length, 2);
});

Deno.test("handler: after PREDICTION_CACHE_TTL_MS the model is asked again", async () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 15, 12));
  const h = harness("sagemaker-triage", {
    clock,
    env: {
      PREDICTION_CACHE_FUNCTIONS: "sagemaker-triage",
      PREDICTION_CACHE_TTL_MS: "60000",
    },
    script: [jsonResponse(RICH_TRIAGE), jsonResponse(RICH_TRIAGE)],
  });
  assert.equal((await h.post(TRIAGE_BODY)).headers.get("x-cache"), "miss");
  clock.advance(59_999);
  assert.equal((await h.post(TRIAGE_BODY)).headers.get("x-cache"), "hit");
  clock.advance(1);
  assert.equal((await h.post(TRIAGE_BODY)).headers.get("x-cache"), "miss");
  assert.equal(h.upstream.calls.length, 2);
});

Deno.test("handler: PREDICTION_CACHE_MAX_ENTRIES caps the entries", async () => {
  const h = harness("sagemaker-triage", {
    env: {
      PREDICTION_CACHE_FUNCTIONS: "sagemaker-triage",
      PREDICTION_CACHE_MAX_ENTRIES: "1",
    },
    script: [1, 2, 3].map(() => jsonResponse(RICH_TRIAGE)),
  });
  const other = { ...TRIAGE_BODY, symptoms: ["headache"] };
  assert.equal((await h.post(TRIAGE_BODY)).headers.get("x-cache"), "miss");
  assert.equal((await h.post(other)).headers.get("x-cache"), "miss");
  assert.equal((await h.post(TRIAGE_BODY)).headers.get("x-cache"), "miss");
  assert.equal(h.upstream.calls.length, 3);
});

Deno.test("handler: caching is off unless the function is listed (no x-cache)", async () => {
  const h = harness("sagemaker-triage", {
    env: { PREDICTION_CACHE_FUNCTIONS: "sagemaker-risk-score" },
    script: [jsonResponse(RICH_TRIAGE), jsonResponse(RICH_TRIAGE)],
  });
  for (let i = 0; i < 2; i++) {
    const answer = await h.post(TRIAGE_BODY);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get("x-cache"), null);
  }
  assert.equal(h.upstream.calls.length, 2);
  assert.ok(h.records().every((record) => !("cache" in record)));
});

// ------------------------------------------------------------- end to end

Deno.test("e2e: two identical requests invoke the stand-in once", async () => {
  await withStack(
    { env: { PREDICTION_CACHE_FUNCTIONS: "sagemaker-risk-score" } },
    async ({ stack, call }) => {
      const first = await call("sagemaker-risk-score", RISK_BODY);
      // The same patient, the fields in another order: the same model input.
      const second = await call("sagemaker-risk-score", {
        patient_data: Object.fromEntries(
          Object.entries(RISK_PATIENT).reverse(),
        ),
      });
      assert.equal(first.status, 200, first.text);
      assert.equal(second.status, 200, second.text);
      assert.equal(first.headers.get("x-cache"), "miss");
      assert.equal(second.headers.get("x-cache"), "hit");
      assert.deepEqual(second.json, first.json);
      assert.deepEqual(stack.standIn.stats().invocations, {
        "patient-risk-scorer": 1,
      });
      // Another variant is another model: not served from the cache.
      const pinned = await call("sagemaker-risk-score", {
        ...RISK_BODY,
        variant: "model-v2",
      });
      assert.equal(pinned.headers.get("x-cache"), "miss");
      assert.equal(pinned.json?.invoked_variant, "model-v2");
      // Triage is not listed: every request reaches the model.
      await call("sagemaker-triage", TRIAGE_BODY);
      const triage = await call("sagemaker-triage", TRIAGE_BODY);
      assert.equal(triage.headers.get("x-cache"), null);
      assert.equal(stack.standIn.stats().total, 4);
    },
  );
});

Deno.test("e2e: a faulted call is not cached", async () => {
  await withStack(
    { env: { PREDICTION_CACHE_FUNCTIONS: "sagemaker-risk-score" } },
    async ({ stack, call }) => {
      stack.standIn.faults.inject({ fault: "model_error" });
      const failed = await call("sagemaker-risk-score", RISK_BODY);
      assert.equal(failed.status, 502, failed.text);
      const ok = await call("sagemaker-risk-score", RISK_BODY);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.headers.get("x-cache"), "miss");
      assert.equal(stack.standIn.stats().total, 2);
    },
  );
});
