/**
 * Unit tests of the edge handler's batch predictions, asynchronous image
 * analysis (submit, then GET the result from S3) and allowed methods, with
 * a scripted fake fetch and a fixed clock: what is sent upstream, how it is
 * signed, and what the client gets for every kind of answer.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/batch_async_edge_test.ts
 */
import assert from "node:assert/strict";
import {
  type Answer,
  FIXED_SCOPE_DATE,
  FIXED_TIME,
  harness,
} from "./helpers/edge_harness.ts";
import {
  FakeClock,
  jsonResponse,
  modelError,
} from "./helpers/fake_upstream.ts";
import { RISK_PATIENT } from "./helpers/payloads.ts";

const SECRET = "async-result-secret-marker-0123456789";
const S3 = "http://127.0.0.1:54330";
const ASYNC_ENV = {
  ASYNC_RESULT_SECRET: SECRET,
  AWS_ENDPOINT_URL_S3: S3,
  IMAGE_S3_ALLOWED_BUCKETS: "patient-images",
};
const OUTPUT = "s3://hn-async/output/9f1c.out";
const FAILURE = "s3://hn-async/failures/9f1c-error.out";
const SUBMIT = {
  image_data: "s3://patient-images/scans/p1.png",
  image_type: "xray",
  async: true,
};

function assertProblem(answer: Answer, status: number, code: string) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get("content-type"), "application/problem+json");
  assert.equal(answer.json?.code, code, answer.text);
}

function csv(body: string): Response {
  return new Response(body, { headers: { "content-type": "text/csv" } });
}

/** SageMaker's 202 to InvokeEndpointAsync. */
function accepted(failure: string | null = FAILURE): Response {
  return jsonResponse({ InferenceId: "inf-1" }, 202, {
    "x-amzn-sagemaker-outputlocation": OUTPUT,
    ...(failure ? { "x-amzn-sagemaker-failurelocation": failure } : {}),
  });
}

function noSuchKey(): Response {
  return new Response(
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
    { status: 404, headers: { "content-type": "application/xml" } },
  );
}

const PATIENT = { patient_data: RISK_PATIENT };
const BAD_AGE = { patient_data: { ...RISK_PATIENT, age: 200 } };
const BAD_AGE_ERROR = {
  path: "patients[1].patient_data.age",
  code: "out_of_range",
  message: "must be between 0 and 130",
};

// ---------------------------------------------------------------- methods

Deno.test("preflight lists GET only for image analysis", async () => {
  for (
    const [name, methods] of [
      ["sagemaker-triage", "POST, OPTIONS"],
      ["sagemaker-image-analysis", "GET, POST, OPTIONS"],
      ["sagemaker-risk-score", "POST, OPTIONS"],
    ] as const
  ) {
    const h = harness(name, { env: { CORS_ALLOWED_ORIGINS: "*" } });
    const answer = await h.send(
      new Request("http://functions.local/x", {
        method: "OPTIONS",
        headers: { origin: "https://app.example" },
      }),
    );
    assert.equal(answer.status, 204);
    assert.equal(answer.headers.get("access-control-allow-methods"), methods);
  }
});

Deno.test("GET is 405 except on image analysis; other methods list GET there", async () => {
  for (const name of ["sagemaker-triage", "sagemaker-risk-score"] as const) {
    const answer = await harness(name).get("/x?id=v2.a.b");
    assertProblem(answer, 405, "method_not_allowed");
    assert.equal(answer.headers.get("allow"), "POST, OPTIONS");
  }
  const image = harness("sagemaker-image-analysis");
  for (const method of ["PUT", "DELETE", "PATCH"]) {
    const answer = await image.send(
      new Request("http://functions.local/sagemaker-image-analysis", {
        method,
        headers: { authorization: await image.bearer() },
        body: "{}",
      }),
    );
    assertProblem(answer, 405, "method_not_allowed");
    assert.equal(answer.headers.get("allow"), "GET, POST, OPTIONS");
    assert.match(answer.json!.detail as string, /GET with an asynchronous/);
  }
  assert.equal(image.upstream.calls.length, 0);
});

// ---------------------------------------------------------------- batches

Deno.test("a risk batch is one CSV call; the answer keeps request order", async () => {
  const h = harness("sagemaker-risk-score", { script: [csv("0.9\n0.1\n")] });
  const answer = await h.post({ patients: [PATIENT, BAD_AGE, PATIENT] });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(h.upstream.calls.length, 1);
  const [call] = h.upstream.calls;
  assert.equal(
    call.url,
    "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/patient-risk-scorer/invocations",
  );
  assert.equal(call.headers.get("content-type"), "text/csv");
  const row = "67,1,98,150,92,22,38.4,91,31,1,0,1,1,0,0,1,0,0,0,0\n";
  assert.equal(new TextDecoder().decode(call.body), row + row);
  assert.match(
    call.headers.get("authorization")!,
    new RegExp(`/${FIXED_SCOPE_DATE}/us-east-1/sagemaker/aws4_request`),
  );
  const results = answer.json!.results as Record<string, unknown>[];
  assert.deepEqual(results.map((r) => [r.index, r.ok]), [
    [0, true],
    [1, false],
    [2, true],
  ]);
  assert.deepEqual(results[1].errors, [BAD_AGE_ERROR]);
  assert.equal((results[0].result as { risk_score: number }).risk_score, 0.9);
  assert.equal((results[2].result as { risk_score: number }).risk_score, 0.1);
});

Deno.test("a batch failing as a whole gets the usual problem plus the refused slots", async () => {
  const cases: [Response | Error, number, string][] = [
    [modelError(400, "bad row"), 422, "model_rejected_input"],
    [csv("0.5\n"), 502, "invalid_model_output"],
  ];
  for (const [step, status, code] of cases) {
    const h = harness("sagemaker-risk-score", { script: [step] });
    const answer = await h.post({ patients: [PATIENT, BAD_AGE, PATIENT] });
    assertProblem(answer, status, code);
    assert.deepEqual(answer.json!.errors, [BAD_AGE_ERROR]);
    assert.doesNotMatch(answer.text, /bad row/);
  }
  // Transport failures too, after the retries.
  const broken = new TypeError("connection reset");
  const h = harness("sagemaker-risk-score", {
    script: [broken, broken, broken],
  });
  const answer = await h.post({ patients: [PATIENT, BAD_AGE] });
  assertProblem(answer, 502, "upstream_unreachable");
  assert.deepEqual(answer.json!.errors, [BAD_AGE_ERROR]);
});

Deno.test("a batch with no valid patient is a 422 listing every patient's errors", async () => {
  const h = harness("sagemaker-triage");
  const answer = await h.post({
    patients: [{ symptoms: [] }, { symptoms: ["x"], age: 1, gender: "robot" }],
  });
  assertProblem(answer, 422, "validation_failed");
  assert.deepEqual(
    (answer.json!.errors as { path: string }[]).map((e) => e.path),
    [
      "patients[0].symptoms",
      "patients[0].age",
      "patients[0].gender",
      "patients[1].gender",
    ],
  );
  assert.equal(h.upstream.calls.length, 0);
});

// ---------------------------------------------------------- asynchronous

Deno.test("async: submit → InvokeEndpointAsync → 202 with an id; GET reads S3 until done", async () => {
  const clock = new FakeClock(FIXED_TIME);
  const output = {
    prediction: [0.05, 0.7, 0.1, 0.1, 0.05],
  };
  const h = harness("sagemaker-image-analysis", {
    env: ASYNC_ENV,
    clock,
    script: [
      accepted(),
      noSuchKey(), // output not there yet
      noSuchKey(), // nor a failure: pending
      jsonResponse(output), // done
    ],
  });
  const submitted = await h.post(SUBMIT);
  assert.equal(submitted.status, 202, submitted.text);
  const id = submitted.json!.id as string;
  assert.match(id, /^v2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  assert.equal(submitted.json!.status, "pending");
  assert.equal(submitted.json!.inference_id, "inf-1");
  assert.equal(
    submitted.headers.get("location"),
    `/functions/v1/sagemaker-image-analysis/${id}`,
  );
  assert.equal(submitted.headers.get("retry-after"), "2");

  const [invoke] = h.upstream.calls;
  assert.equal(
    invoke.url,
    "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/medical-image-classifier-async/async-invocations",
  );
  assert.equal(invoke.body.byteLength, 0);
  assert.deepEqual(
    [
      "x-amzn-sagemaker-inputlocation",
      "x-amzn-sagemaker-content-type",
      "x-amzn-sagemaker-accept",
      "x-amzn-sagemaker-custom-attributes",
    ].map((name) => invoke.headers.get(name)),
    [
      "s3://patient-images/scans/p1.png",
      "image/png",
      "application/json",
      "image_type=xray,analysis_type=classification",
    ],
  );
  assert.match(
    invoke.headers.get("authorization")!,
    /\/sagemaker\/aws4_request/,
  );

  clock.advance(1_500);
  const pending = await h.get(`/sagemaker-image-analysis/${id}`);
  assert.equal(pending.status, 202, pending.text);
  assert.deepEqual(pending.json, { status: "pending", id });
  assert.equal(pending.headers.get("retry-after"), "2");
  const [, outputGet, failureGet] = h.upstream.calls;
  assert.equal(outputGet.url, `${S3}/hn-async/output/9f1c.out`);
  assert.equal(failureGet.url, `${S3}/hn-async/failures/9f1c-error.out`);
  for (const call of [outputGet, failureGet]) {
    assert.equal(call.method, "GET");
    assert.match(
      call.headers.get("authorization")!,
      new RegExp(`/${FIXED_SCOPE_DATE}/us-east-1/s3/aws4_request`),
    );
    assert.equal(
      call.headers.get("x-amz-content-sha256"),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  }

  clock.advance(2_500);
  const done = await h.get(`/sagemaker-image-analysis?id=${id}`);
  assert.equal(done.status, 200, done.text);
  assert.deepEqual(done.json, {
    predictions: [
      { condition: "pneumonia", confidence: 0.7, severity: null },
      { condition: "pleural_effusion", confidence: 0.1, severity: null },
      { condition: "cardiomegaly", confidence: 0.1, severity: null },
      { condition: "normal", confidence: 0.05, severity: null },
      { condition: "nodule", confidence: 0.05, severity: null },
    ],
    model_version: null,
    invoked_variant: null,
    // From submission to the poll that found the result.
    inference_time_ms: 4_000,
    output_format: "image_classification",
  });
  assert.equal(h.upstream.remaining, 0);
  h.assertNoLeaks([SECRET]);
});

Deno.test("async: the failure object becomes the problem, without its text", async () => {
  const failure = jsonResponse({
    ErrorCode: "CLIENT_ERROR_FROM_MODEL",
    OriginalStatusCode: 415,
    OriginalMessage: "patient zebra-marker is not an image",
  });
  const h = harness("sagemaker-image-analysis", {
    env: ASYNC_ENV,
    script: [accepted(), noSuchKey(), failure],
  });
  const id = (await h.post(SUBMIT)).json!.id as string;
  const answer = await h.get(`/sagemaker-image-analysis/${id}`);
  assertProblem(answer, 422, "model_rejected_input");
  h.assertNoLeaks(["zebra-marker", SECRET]);
});

Deno.test("async: without a failure location a missing output is pending", async () => {
  const h = harness("sagemaker-image-analysis", {
    env: ASYNC_ENV,
    script: [accepted(null), noSuchKey()],
  });
  const id = (await h.post(SUBMIT)).json!.id as string;
  const answer = await h.get(`/sagemaker-image-analysis/${id}`);
  assert.equal(answer.status, 202);
  assert.equal(h.upstream.calls.length, 2);
});

Deno.test("async: missing, forged and altered ids are refused before S3 is read", async () => {
  const h = harness("sagemaker-image-analysis", {
    env: ASYNC_ENV,
    script: [accepted()],
  });
  const id = (await h.post(SUBMIT)).json!.id as string;
  const [version, payload, tag] = id.split(".");
  const forged = btoa(
    JSON.stringify({ o: "s3://other-bucket/records.csv", t: FIXED_TIME }),
  )
    .replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const cases: [string, number, string][] = [
    ["/sagemaker-image-analysis", 400, "missing_async_id"],
    ["/sagemaker-image-analysis?id=", 400, "missing_async_id"],
    [
      `/sagemaker-image-analysis/${version}.${forged}.${tag}`,
      404,
      "unknown_async_id",
    ],
    [
      `/sagemaker-image-analysis/${version}.${payload}.${tag.slice(1)}A`,
      404,
      "unknown_async_id",
    ],
    [`/sagemaker-image-analysis/${id}x`, 404, "unknown_async_id"],
    ["/sagemaker-image-analysis/not-an-id", 404, "unknown_async_id"],
  ];
  for (const [path, status, code] of cases) {
    assertProblem(await h.get(path), status, code);
  }
  assert.equal(h.upstream.calls.length, 1);
});

Deno.test("async: a deployment without ASYNC_RESULT_SECRET has none; a short one is named", async () => {
  const off = harness("sagemaker-image-analysis", {
    env: { IMAGE_S3_ALLOWED_BUCKETS: "patient-images" },
  });
  const submit = await off.post(SUBMIT);
  assertProblem(submit, 422, "validation_failed");
  assert.deepEqual(submit.json!.errors, [{
    path: "async",
    code: "not_allowed",
    message: "asynchronous inference is not enabled on this deployment",
  }]);
  assertProblem(
    await off.get("/sagemaker-image-analysis/v2.a.b"),
    501,
    "async_not_enabled",
  );
  const short = harness("sagemaker-image-analysis", {
    env: { ASYNC_RESULT_SECRET: "short-marker" },
  });
  const answer = await short.get("/sagemaker-image-analysis/v2.a.b");
  assertProblem(answer, 500, "invalid_configuration");
  assert.match(answer.json!.detail as string, /ASYNC_RESULT_SECRET/);
  short.assertNoLeaks(["short-marker"]);
});
