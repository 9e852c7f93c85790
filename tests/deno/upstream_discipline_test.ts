/**
 * What the gateway spends on a caller's behalf is bounded: redirects are not
 * followed, a client that goes away stops the call and its retries, an
 * asynchronous inference is retried only when SageMaker surely did not start
 * it, retries share a per-isolate budget, request bytes held at once are
 * capped, and no timeout may outlast the platform's request limit.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/upstream_discipline_test.ts
 */
import assert from "node:assert/strict";
import {
  RETRY_BUDGET_TOKENS,
  RETRY_COST,
} from "../../edge/_shared/retry_policy.ts";
import { harness } from "./helpers/edge_harness.ts";
import {
  awsError,
  hangUntilAborted,
  jsonResponse,
  type RecordedCall,
} from "./helpers/fake_upstream.ts";

const TRIAGE = { symptoms: ["fever"], age: 30, gender: "female" };
const RICH = {
  urgency_score: 0.2,
  risk_level: "low",
  recommended_specialty: null,
  confidence: 0.9,
  key_findings: [],
};
const ASYNC_ENV = {
  ASYNC_RESULT_SECRET: "async-result-secret-of-32-bytes!!",
  IMAGE_S3_ALLOWED_BUCKETS: "patient-images",
};
const SUBMIT = {
  image_data: "s3://patient-images/scans/p1.png",
  image_type: "xray",
  async: true,
};

Deno.test("a redirect from upstream is not followed: 502 upstream_redirect after one call", async () => {
  const h = harness("sagemaker-triage", {
    script: [
      new Response(null, {
        status: 307,
        headers: { location: "https://elsewhere.example/collect" },
      }),
    ],
  });
  const answer = await h.post(TRIAGE);
  assert.equal(answer.status, 502, answer.text);
  assert.equal(answer.json?.code, "upstream_redirect");
  assert.equal(h.upstream.calls.length, 1);
  assert.equal(h.upstream.calls[0].redirect, "manual");
});

Deno.test("a client that goes away stops the upstream call and every retry", async () => {
  const client = new AbortController();
  let upstreamAborted = false;
  let abortedWithTheClient: boolean | undefined;
  const h = harness("sagemaker-triage", {
    env: { SAGEMAKER_MAX_ATTEMPTS: "3" },
    script: [
      (call: RecordedCall) => {
        // The client hangs up while the model is working; the upstream call
        // ends then, not when its own timeout would end it.
        queueMicrotask(() => {
          client.abort();
          abortedWithTheClient = call.signal?.aborted;
        });
        return hangUntilAborted(call, () => upstreamAborted = true);
      },
    ],
  });
  const answer = await h.send(
    new Request("http://functions.local/x", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: await h.bearer(),
      },
      body: JSON.stringify(TRIAGE),
      signal: client.signal,
    }),
  );
  assert.equal(answer.status, 499, answer.text);
  assert.equal(answer.json?.code, "client_closed_request");
  assert.ok(upstreamAborted, "the upstream fetch was aborted");
  assert.equal(abortedWithTheClient, true, "aborted at once by the client");
  assert.equal(h.upstream.calls.length, 1, "no retry after the client left");
  assert.deepEqual(h.delays, [], "no backoff was slept for nobody");
});

/** Counts the "abort" listeners added to `signal` and not taken off again. */
function abortListenersOn(signal: AbortSignal): () => number {
  let attached = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) => {
    if (type === "abort") attached++;
    add(type, listener, options);
  };
  signal.removeEventListener = (
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ) => {
    if (type === "abort") attached--;
    remove(type, listener, options);
  };
  return () => attached;
}

Deno.test("each attempt takes its listener off the client's signal, answered or timed out", async () => {
  for (
    const [name, step, status] of [
      ["answered", () => jsonResponse(RICH), 200],
      ["timed out", (call: RecordedCall) => hangUntilAborted(call), 504],
    ] as const
  ) {
    const h = harness("sagemaker-triage", {
      env: { SAGEMAKER_MAX_ATTEMPTS: "2", SAGEMAKER_TIMEOUT_MS: "20" },
      script: [step, step],
    });
    const request = new Request("http://functions.local/x", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: await h.bearer(),
      },
      body: JSON.stringify(TRIAGE),
    });
    const listening = abortListenersOn(request.signal);
    const answer = await h.send(request);
    assert.equal(answer.status, status, `${name}: ${answer.text}`);
    assert.equal(listening(), 0, `${name}: listeners left on the signal`);
  }
});

Deno.test("InvokeEndpointAsync is not retried after a timeout or a 5xx: it may already run", async () => {
  for (
    const failure of [
      (call: RecordedCall) => hangUntilAborted(call),
      () => awsError(500, "InternalFailure"),
      () => new TypeError("connection reset"),
    ]
  ) {
    const h = harness("sagemaker-image-analysis", {
      env: {
        ...ASYNC_ENV,
        SAGEMAKER_TIMEOUT_MS: "20",
        SAGEMAKER_DEADLINE_MS: "1000",
      },
      script: [failure as never, jsonResponse({}, 202)],
    });
    const answer = await h.post(SUBMIT);
    assert.ok(answer.status >= 500, answer.text);
    assert.equal(h.upstream.calls.length, 1, answer.text);
  }
});

Deno.test("InvokeEndpointAsync is retried after throttling: SageMaker refused it", async () => {
  const h = harness("sagemaker-image-analysis", {
    env: ASYNC_ENV,
    script: [
      awsError(429, "ThrottlingException"),
      jsonResponse({ InferenceId: "inf-1" }, 202, {
        "x-amzn-sagemaker-outputlocation": "s3://hn-async/output/1.out",
      }),
    ],
  });
  const answer = await h.post(SUBMIT);
  assert.equal(answer.status, 202, answer.text);
  assert.equal(h.upstream.calls.length, 2);
});

Deno.test("retries share one budget per isolate: when SageMaker fails for everyone, retrying stops", async () => {
  // Every call fails with a retryable 503; each request may try 3 times.
  const requests = 80;
  const h = harness("sagemaker-triage", {
    env: { SAGEMAKER_MAX_ATTEMPTS: "3" },
    script: Array.from(
      { length: requests * 3 },
      () => awsError(503, "ServiceUnavailable"),
    ),
  });
  for (let i = 0; i < requests; i++) {
    const answer = await h.post(TRIAGE);
    assert.equal(answer.status, 503, answer.text);
  }
  // Two retries per request while the budget lasts, then none.
  const retried = RETRY_BUDGET_TOKENS / (2 * RETRY_COST);
  assert.equal(h.upstream.calls.length, retried * 3 + (requests - retried));
  const attempts = h.records().map((r) => r.attempts);
  assert.deepEqual(attempts.slice(0, retried), Array(retried).fill(3));
  assert.deepEqual(attempts.slice(retried), Array(requests - retried).fill(1));
});

Deno.test("past the isolate's budget of request bytes, callers get 503 with Retry-After", async () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const h = harness("sagemaker-triage", {
    env: { MAX_REQUEST_BYTES_IN_FLIGHT: String(6_291_456) },
    script: [jsonResponse(RICH), jsonResponse(RICH)],
  });
  const json = new TextEncoder().encode(JSON.stringify(TRIAGE));
  // A large upload still arriving holds its declared bytes.
  const slow = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await released;
      controller.enqueue(json);
      controller.enqueue(new Uint8Array(5_000_000 - json.length).fill(0x20));
      controller.close();
    },
  });
  const first = h.send(
    new Request("http://functions.local/x", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": "5000000",
        authorization: await h.bearer(),
      },
      body: slow,
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  const refused = await h.post(TRIAGE);
  assert.equal(refused.status, 503, refused.text);
  assert.equal(refused.json?.code, "gateway_busy");
  assert.equal(refused.headers.get("retry-after"), "1");
  release();
  assert.equal((await first).status, 200);
  // The first request's bytes are given back once it is answered.
  assert.equal((await h.post(TRIAGE)).status, 200);
  assert.equal(h.upstream.calls.length, 2);
});

Deno.test("timeouts beyond the platform's 150 s request limit are configuration errors", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      { SAGEMAKER_TIMEOUT_MS: "150001" },
      /SAGEMAKER_TIMEOUT_MS must be a whole number from 1 to 150000/,
    ],
    [
      { SAGEMAKER_DEADLINE_MS: "400000" },
      /SAGEMAKER_DEADLINE_MS must be a whole number from 1 to 150000/,
    ],
    [
      { SAGEMAKER_TIMEOUT_MS: "90000", SAGEMAKER_DEADLINE_MS: "60000" },
      /SAGEMAKER_TIMEOUT_MS must not be longer than SAGEMAKER_DEADLINE_MS/,
    ],
    [{ MAX_REQUEST_BYTES_IN_FLIGHT: "1000" }, /MAX_REQUEST_BYTES_IN_FLIGHT/],
  ];
  for (const [env, detail] of cases) {
    const h = harness("sagemaker-triage", { env });
    const answer = await h.post(TRIAGE);
    assert.equal(answer.status, 500, JSON.stringify(env));
    assert.equal(answer.json?.code, "invalid_configuration");
    assert.match(String(answer.json?.detail), detail);
    assert.equal(h.upstream.calls.length, 0);
  }
});

Deno.test("the retired SAGEMAKER_ALLOWED_ENDPOINTS is refused, naming what replaced it", async () => {
  const h = harness("sagemaker-triage", {
    env: { SAGEMAKER_ALLOWED_ENDPOINTS: "medical-*" },
  });
  const answer = await h.post(TRIAGE);
  assert.equal(answer.status, 500);
  assert.match(
    String(answer.json?.detail),
    /SAGEMAKER_ALLOWED_ENDPOINTS is no longer read.*SAGEMAKER_TRIAGE_ALLOWED_ENDPOINTS/,
  );
  assert.ok(!answer.text.includes("medical-*"));
});
