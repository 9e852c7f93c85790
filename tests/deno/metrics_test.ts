/**
 * Metrics: the CloudWatch EMF line each invocation writes
 * (edge/_shared/metrics.ts), the handler's hook, the local Prometheus
 * registry (local/metrics_registry.ts) and the router's `GET /metrics`, end
 * to end over the local stack.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/metrics_test.ts
 */
import assert from "node:assert/strict";
import { createEdgeFunction } from "../../edge/_shared/edge_function.ts";
import {
  emfDocument,
  emfSink,
  type InvocationSample,
  invocationSample,
  METRICS_NAMESPACE,
  type MetricsSink,
  predictionDocuments,
} from "../../edge/_shared/metrics.ts";
import { MetricsRegistry } from "../../local/metrics_registry.ts";
import { createRouter } from "../../local/router.ts";
import { GatewayJwtVerifier } from "../../local/gateway_jwt.ts";
import { LOCAL_JWT_SECRET } from "../../local/local_keys.ts";
import { BASE_ENV, FIXED_TIME } from "./helpers/edge_harness.ts";
import { PATIENT_ID, userToken } from "./helpers/tokens.ts";
import {
  awsError,
  FakeClock,
  FakeUpstream,
  jsonResponse,
  recordingSleep,
  type Step,
} from "./helpers/fake_upstream.ts";
import {
  markedTriageBody,
  PATIENT_MARKERS,
  RISK_PATIENT,
} from "./helpers/payloads.ts";
import { withStack } from "./helpers/stack.ts";

const SAMPLE: InvocationSample = {
  timeMs: FIXED_TIME,
  function: "sagemaker-triage",
  endpoint: "medical-triage-endpoint",
  variant: "model-v1",
  status: 200,
  totalMs: 57,
  upstreamMs: 45,
  retries: 1,
  cache: "miss",
  predictions: { critical: 1 },
};

const RICH_TRIAGE = {
  urgency_score: 0.92,
  risk_level: "critical",
  recommended_specialty: "Cardiology",
  confidence: 0.94,
  key_findings: ["High cardiac risk detected"],
  model_version: "1.2.0",
  inference_time_ms: 45,
};

// ------------------------------------------------------------------- EMF

Deno.test("EMF: one document with the guide's metrics and dimensions, one per risk level predicted", () => {
  assert.deepEqual(emfDocument(SAMPLE), {
    _aws: {
      Timestamp: FIXED_TIME,
      CloudWatchMetrics: [
        {
          Namespace: "HealthNav/Gateway",
          Dimensions: [["Function", "Endpoint"]],
          Metrics: [
            { Name: "Requests", Unit: "Count" },
            { Name: "Status2xx", Unit: "Count" },
            { Name: "Status4xx", Unit: "Count" },
            { Name: "Status5xx", Unit: "Count" },
            { Name: "TotalLatency", Unit: "Milliseconds" },
            { Name: "Retries", Unit: "Count" },
            { Name: "UpstreamLatency", Unit: "Milliseconds" },
            { Name: "CacheHit", Unit: "Count" },
          ],
        },
      ],
    },
    msg: "metrics",
    Function: "sagemaker-triage",
    Endpoint: "medical-triage-endpoint",
    StatusClass: "2xx",
    Variant: "model-v1",
    Requests: 1,
    Status2xx: 1,
    Status4xx: 0,
    Status5xx: 0,
    TotalLatency: 57,
    Retries: 1,
    UpstreamLatency: 45,
    CacheHit: 0,
  });
  assert.deepEqual(predictionDocuments(SAMPLE), [{
    _aws: {
      Timestamp: FIXED_TIME,
      CloudWatchMetrics: [{
        Namespace: "HealthNav/Gateway",
        Dimensions: [["Function", "Endpoint", "RiskLevel"]],
        Metrics: [{ Name: "Predictions", Unit: "Count" }],
      }],
    },
    msg: "metrics",
    Function: "sagemaker-triage",
    Endpoint: "medical-triage-endpoint",
    RiskLevel: "critical",
    Predictions: 1,
  }]);
});

Deno.test("a batch's scored patients each count under their risk level; refused slots do not", () => {
  const record = {
    request_id: "r",
    function: "sagemaker-risk-score",
    method: "POST",
    status: 200,
    endpoint: "patient-risk-scorer",
    latency_ms: 12,
    upstream_ms: 9,
    attempts: 1,
  };
  const batch = {
    results: [
      { index: 0, ok: true, result: { risk_level: "high" } },
      { index: 1, ok: false, errors: [] },
      { index: 2, ok: true, result: { risk_level: "high" } },
      { index: 3, ok: true, result: { risk_level: "low" } },
    ],
  };
  const sample = invocationSample(record, batch, 5, KNOWN);
  assert.deepEqual(sample.predictions, { high: 2, low: 1 });
  assert.deepEqual(
    predictionDocuments(sample).map((d) => [d.RiskLevel, d.Predictions]),
    [["high", 2], ["low", 1]],
  );
});

Deno.test("EMF: every declared metric has a value and every dimension a string", () => {
  const samples: InvocationSample[] = [
    SAMPLE,
    // Refused before an endpoint was chosen.
    {
      timeMs: 1,
      function: "sagemaker-risk-score",
      endpoint: "none",
      variant: null,
      status: 422,
      totalMs: 2,
      retries: 0,
    },
    // A cache hit: no upstream latency, CacheHit 1.
    {
      ...SAMPLE,
      upstreamMs: undefined,
      retries: 0,
      cache: "hit",
    },
    { ...SAMPLE, status: 503, predictions: undefined, upstreamMs: undefined },
  ];
  for (const sample of samples) {
    const document = JSON.parse(JSON.stringify(emfDocument(sample)));
    for (const directive of document._aws.CloudWatchMetrics) {
      assert.equal(directive.Namespace, METRICS_NAMESPACE);
      for (const { Name } of directive.Metrics) {
        assert.equal(typeof document[Name], "number", Name);
      }
      for (const name of directive.Dimensions.flat()) {
        assert.equal(typeof document[name], "string", name);
      }
    }
  }
  const [, refused, hit, failed] = samples.map(emfDocument);
  assert.equal(refused.Endpoint, "none");
  assert.equal(refused.Status4xx, 1);
  assert.ok(!("UpstreamLatency" in refused));
  assert.ok(!("CacheHit" in refused));
  assert.ok(!("Variant" in refused));
  assert.equal(hit.CacheHit, 1);
  assert.ok(!("UpstreamLatency" in hit));
  assert.equal(failed.Status5xx, 1);
  assert.ok(!("RiskLevel" in failed));
  assert.equal(
    (failed._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics.length,
    1,
  );
});

const KNOWN = new Set(["patient-risk-scorer", "medical-triage-endpoint"]);

Deno.test("invocationSample: from the log record; risk level only from a successful result", () => {
  const record = {
    request_id: "req-1",
    function: "sagemaker-risk-score",
    method: "POST",
    status: 200,
    endpoint: "patient-risk-scorer",
    variant: null,
    latency_ms: 12,
    upstream_ms: 9,
    attempts: 1,
    retries: 0,
  };
  assert.deepEqual(
    invocationSample(record, { risk_level: "high" }, 5, KNOWN),
    {
      timeMs: 5,
      function: "sagemaker-risk-score",
      endpoint: "patient-risk-scorer",
      variant: null,
      status: 200,
      totalMs: 12,
      upstreamMs: 9,
      retries: 0,
      predictions: { high: 1 },
    },
  );
  assert.equal(
    invocationSample(record, { risk_level: "unheard-of" }, 5, KNOWN)
      .predictions,
    undefined,
  );
  assert.equal(
    invocationSample(record, { predictions: [] }, 5, KNOWN).predictions,
    undefined,
  );
  const hit = invocationSample(
    { ...record, attempts: 0, upstream_ms: 0, cache: "hit" },
    { risk_level: "low" },
    5,
    KNOWN,
  );
  assert.equal(hit.upstreamMs, undefined);
  assert.equal(hit.cache, "hit");
  const refused = invocationSample(
    { ...record, status: 422, endpoint: null, upstream_ms: undefined },
    undefined,
    5,
    KNOWN,
  );
  assert.equal(refused.endpoint, "none");
  assert.equal(refused.predictions, undefined);
});

Deno.test("invocationSample: an endpoint the deployment did not configure is labelled other", () => {
  const record = {
    request_id: "req-1",
    function: "sagemaker-triage",
    method: "POST",
    status: 502,
    latency_ms: 3,
  };
  for (
    const name of ["medical-made-up-1", "medical-made-up-2", "x".repeat(63)]
  ) {
    const sample = invocationSample(
      { ...record, endpoint: name },
      undefined,
      5,
      KNOWN,
    );
    assert.equal(sample.endpoint, "other", name);
  }
  assert.equal(
    invocationSample(
      { ...record, endpoint: "patient-risk-scorer" },
      undefined,
      5,
      KNOWN,
    )
      .endpoint,
    "patient-risk-scorer",
  );
});

// --------------------------------------------------------------- handler

function handlerWith(script: Step[], sink: MetricsSink) {
  const clock = new FakeClock(FIXED_TIME);
  const upstream = new FakeUpstream(script);
  const logs: string[] = [];
  let requests = 0;
  const fn = createEdgeFunction("sagemaker-triage", {
    env: (name) => BASE_ENV[name],
    fetch: upstream.fetch,
    now: clock.now,
    sleep: recordingSleep(clock).sleep,
    random: () => 0,
    log: (line) => logs.push(line),
    newRequestId: () => `req-${++requests}`,
    metrics: sink,
  });
  const post = async (body: unknown) =>
    fn.fetch(
      new Request("http://functions.local/sagemaker-triage", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${await userToken(PATIENT_ID, {
            nowMs: clock.now(),
          })}`,
        },
        body: JSON.stringify(body),
      }),
    );
  return { fn, post, logs, upstream };
}

Deno.test("handler: one sample per request, none for a preflight, no patient data", async () => {
  const samples: InvocationSample[] = [];
  const lines: string[] = [];
  const { fn, post, logs } = handlerWith(
    [
      jsonResponse(RICH_TRIAGE, 200, {
        "x-amzn-invoked-production-variant": "AllTraffic",
      }),
      awsError(503, "ServiceUnavailable"),
      awsError(503, "ServiceUnavailable"),
      awsError(503, "ServiceUnavailable"),
    ],
    {
      record(sample) {
        samples.push(sample);
        emfSink((line) => lines.push(line)).record(sample);
      },
    },
  );
  assert.equal((await post(markedTriageBody())).status, 200);
  assert.equal((await post(markedTriageBody())).status, 503);
  assert.equal((await post({ symptoms: [] })).status, 422);
  await fn.fetch(
    new Request("http://functions.local/sagemaker-triage", {
      method: "OPTIONS",
    }),
  );
  assert.equal(logs.length, 4, "the invocation log is unchanged");
  assert.deepEqual(
    samples.map((s) => [s.status, s.endpoint, s.retries, s.predictions]),
    [
      [200, "medical-triage-endpoint", 0, { critical: 1 }],
      [503, "medical-triage-endpoint", 2, undefined],
      [422, "none", 0, undefined],
    ],
  );
  assert.equal(samples[0].upstreamMs, 0);
  assert.equal(samples[1].upstreamMs, undefined);
  for (const line of lines) {
    for (const marker of Object.values(PATIENT_MARKERS)) {
      assert.ok(!line.includes(marker), line);
    }
    assert.ok(!line.includes("req-"), "no request id in a metric line");
    assert.ok(!line.includes("Cardiology"));
  }
});

Deno.test("handler: a failing metrics sink never fails the request", async () => {
  const { post } = handlerWith([jsonResponse(RICH_TRIAGE)], {
    record() {
      throw new Error("sink down");
    },
  });
  assert.equal((await post(markedTriageBody())).status, 200);
});

// ----------------------------------------------------------- Prometheus

Deno.test("registry: counters, a latency histogram and risk levels in Prometheus text", () => {
  const registry = new MetricsRegistry();
  registry.record(SAMPLE);
  registry.record({
    ...SAMPLE,
    variant: null,
    totalMs: 3,
    upstreamMs: undefined,
    retries: 0,
    cache: "hit",
  });
  registry.record({
    timeMs: 0,
    function: "sagemaker-triage",
    endpoint: "none",
    variant: null,
    status: 422,
    totalMs: 1,
    retries: 0,
  });
  const labels =
    'function="sagemaker-triage",endpoint="medical-triage-endpoint"';
  const lines = registry.render().split("\n");
  const histogramAt = lines.indexOf(
    "# HELP healthnav_gateway_total_latency_seconds Request received to response ready.",
  );
  assert.deepEqual(lines.slice(0, histogramAt), [
    "# HELP healthnav_gateway_cache_lookups_total Prediction cache lookups, by result (hit or miss).",
    "# TYPE healthnav_gateway_cache_lookups_total counter",
    `healthnav_gateway_cache_lookups_total{${labels},result="hit"} 1`,
    `healthnav_gateway_cache_lookups_total{${labels},result="miss"} 1`,
    "# HELP healthnav_gateway_predictions_total Successful predictions by risk level (drift monitoring); a batch counts each scored patient.",
    "# TYPE healthnav_gateway_predictions_total counter",
    `healthnav_gateway_predictions_total{${labels},risk_level="critical"} 2`,
    "# HELP healthnav_gateway_requests_total Requests answered, by function, endpoint and status class.",
    "# TYPE healthnav_gateway_requests_total counter",
    `healthnav_gateway_requests_total{${labels},status_class="2xx"} 2`,
    'healthnav_gateway_requests_total{function="sagemaker-triage",endpoint="none",status_class="4xx"} 1',
    "# HELP healthnav_gateway_retries_total SageMaker attempts beyond the first.",
    "# TYPE healthnav_gateway_retries_total counter",
    `healthnav_gateway_retries_total{${labels}} 1`,
    'healthnav_gateway_retries_total{function="sagemaker-triage",endpoint="none"} 0',
  ]);
  assert.equal(
    lines[histogramAt + 1],
    "# TYPE healthnav_gateway_total_latency_seconds histogram",
  );
  // Cumulative buckets: 3 ms and 57 ms for the endpoint, 1 ms for "none".
  const total = "healthnav_gateway_total_latency_seconds";
  for (
    const [le, count] of [
      ["0.005", 1],
      ["0.05", 1],
      ["0.1", 2],
      ["60", 2],
      ["+Inf", 2],
    ] as const
  ) {
    assert.ok(
      lines.includes(`${total}_bucket{${labels},le="${le}"} ${count}`),
      le,
    );
  }
  assert.ok(lines.includes(`${total}_count{${labels}} 2`));
  const sum = lines.find((l) => l.startsWith(`${total}_sum{${labels}} `));
  assert.ok(Math.abs(Number(sum?.split(" ")[1]) - 0.06) < 1e-9, sum);
  assert.ok(
    lines.includes(
      `${total}_bucket{function="sagemaker-triage",endpoint="none",le="0.005"} 1`,
    ),
  );
  // Upstream latency: only the answered call (45 ms), not the cache hit.
  const upstream = "healthnav_gateway_upstream_latency_seconds";
  assert.ok(lines.includes(`# TYPE ${upstream} histogram`));
  assert.ok(lines.includes(`${upstream}_bucket{${labels},le="0.025"} 0`));
  assert.ok(lines.includes(`${upstream}_bucket{${labels},le="0.05"} 1`));
  assert.ok(lines.includes(`${upstream}_sum{${labels}} 0.045`));
  assert.ok(lines.includes(`${upstream}_count{${labels}} 1`));
  assert.ok(!lines.some((l) => l.startsWith(upstream) && l.includes("none")));
  assert.equal(lines.at(-1), "", "the text ends with a newline");
});

Deno.test("registry: label values are escaped", () => {
  const registry = new MetricsRegistry();
  registry.record({ ...SAMPLE, function: 'a"b\\c\nd' });
  assert.ok(
    registry.render().includes('function="a\\"b\\\\c\\nd"'),
    registry.render(),
  );
});

Deno.test("router: GET /metrics serves the registry without a JWT; off without one", async () => {
  const registry = new MetricsRegistry();
  registry.record(SAMPLE);
  const options = {
    functions: {},
    jwt: new GatewayJwtVerifier({
      jwks: { keys: [] },
      legacySecret: LOCAL_JWT_SECRET,
    }),
    log: () => {},
  };
  const served = await createRouter({ ...options, metrics: registry })(
    new Request("http://127.0.0.1/metrics"),
  );
  assert.equal(served.status, 200);
  assert.equal(
    served.headers.get("content-type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  assert.equal(await served.text(), registry.render());
  const posted = await createRouter({ ...options, metrics: registry })(
    new Request("http://127.0.0.1/metrics", { method: "POST" }),
  );
  assert.equal(posted.status, 404);
  await posted.body?.cancel();
  const absent = await createRouter(options)(
    new Request("http://127.0.0.1/metrics"),
  );
  assert.equal(absent.status, 404);
  await absent.body?.cancel();
});

// ------------------------------------------------------------- end to end

Deno.test("e2e: /metrics counts the stack's requests; EMF lines reach the log", async () => {
  await withStack(
    { env: { PREDICTION_CACHE_FUNCTIONS: "sagemaker-risk-score" } },
    async ({ stack, call, logs }) => {
      const triage = {
        symptoms: ["fever", "cough"],
        patient_data: { age: 35, gender: "female" },
      };
      assert.equal((await call("sagemaker-triage", triage)).status, 200);
      assert.equal(
        (await call("sagemaker-triage", { symptoms: [] })).status,
        422,
      );
      const risk = { patient_data: RISK_PATIENT };
      assert.equal((await call("sagemaker-risk-score", risk)).status, 200);
      assert.equal((await call("sagemaker-risk-score", risk)).status, 200);
      stack.standIn.faults.inject({ fault: "throttling", times: 1 });
      assert.equal(
        (await call("sagemaker-triage", markedTriageBody())).status,
        200,
      );

      const response = await fetch(`${stack.url}/metrics`);
      assert.equal(response.status, 200);
      const text = await response.text();
      const value = (series: string) => {
        const line = text.split("\n").find((l) => l.startsWith(series + " "));
        assert.ok(line, `${series} missing from\n${text}`);
        return Number(line.slice(series.length + 1));
      };
      const triageLabels =
        'function="sagemaker-triage",endpoint="medical-triage-endpoint"';
      const riskLabels =
        'function="sagemaker-risk-score",endpoint="patient-risk-scorer"';
      assert.equal(
        value(
          `healthnav_gateway_requests_total{${triageLabels},status_class="2xx"}`,
        ),
        2,
      );
      assert.equal(
        value(
          'healthnav_gateway_requests_total{function="sagemaker-triage",endpoint="none",status_class="4xx"}',
        ),
        1,
      );
      assert.equal(
        value(
          `healthnav_gateway_requests_total{${riskLabels},status_class="2xx"}`,
        ),
        2,
      );
      assert.equal(
        value(`healthnav_gateway_retries_total{${triageLabels}}`),
        1,
      );
      assert.equal(
        value(
          `healthnav_gateway_cache_lookups_total{${riskLabels},result="hit"}`,
        ),
        1,
      );
      // Every successful prediction is counted by level, cache hits included.
      const byLevel = (labels: string) =>
        text.split("\n")
          .filter((l) =>
            l.startsWith(`healthnav_gateway_predictions_total{${labels},`)
          )
          .reduce((sum, l) => sum + Number(l.split(" ")[1]), 0);
      assert.equal(byLevel(triageLabels), 2);
      assert.equal(byLevel(riskLabels), 2);
      assert.ok(
        value(
          `healthnav_gateway_predictions_total{${triageLabels},risk_level="moderate"}`,
        ) >= 1,
      );
      assert.equal(
        value(
          `healthnav_gateway_upstream_latency_seconds_count{${triageLabels}}`,
        ),
        2,
      );
      // The cache hit made no upstream call.
      assert.equal(
        value(
          `healthnav_gateway_upstream_latency_seconds_count{${riskLabels}}`,
        ),
        1,
      );
      assert.equal(
        value(`healthnav_gateway_total_latency_seconds_count{${riskLabels}}`),
        2,
      );

      const lines = logs.map((line) => JSON.parse(line)).filter((r) => r._aws);
      const emf = lines.filter((r) => "Requests" in r);
      assert.equal(emf.length, 5, "one request line per function request");
      assert.deepEqual(
        lines.filter((r) => "Predictions" in r).map((r) => r.Function),
        [
          "sagemaker-triage",
          "sagemaker-risk-score",
          "sagemaker-risk-score",
          "sagemaker-triage",
        ],
        "a Predictions line per successful prediction",
      );
      assert.deepEqual(
        emf.map((r) => [r.Function, r.Endpoint, r.StatusClass]),
        [
          ["sagemaker-triage", "medical-triage-endpoint", "2xx"],
          ["sagemaker-triage", "none", "4xx"],
          ["sagemaker-risk-score", "patient-risk-scorer", "2xx"],
          ["sagemaker-risk-score", "patient-risk-scorer", "2xx"],
          ["sagemaker-triage", "medical-triage-endpoint", "2xx"],
        ],
      );
      assert.deepEqual(emf.map((r) => r.CacheHit), [
        undefined,
        undefined,
        0,
        1,
        undefined,
      ]);
      assert.equal(emf[4].Retries, 1);
      for (const line of logs.filter((l) => l.includes('"_aws"'))) {
        for (const marker of Object.values(PATIENT_MARKERS)) {
          assert.ok(!line.includes(marker), line);
        }
        assert.ok(!line.includes("request_id"));
      }
    },
  );
});
