/**
 * Unit tests of the shared edge handler (edge/_shared/edge_function.ts) and
 * its SageMaker call (invoke_sagemaker.ts), calling each function's `fetch`
 * directly with a scripted fake fetch, a fixed clock, a recording sleep and
 * `random: () => 0.5`. No network, no real waits.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/edge_function_test.ts
 */
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { MAX_REQUEST_BYTES } from "../../edge/_shared/edge_function.ts";
import { MAX_RESPONSE_BYTES } from "../../edge/_shared/invoke_sagemaker.ts";
import {
  MAX_BACKOFF_MS,
  THROTTLING_BASE_MS,
  TRANSIENT_BASE_MS,
} from "../../edge/_shared/retry_policy.ts";
import triageModule from "../../edge/sagemaker-triage/index.ts";
import imageModule from "../../edge/sagemaker-image-analysis/index.ts";
import riskModule from "../../edge/sagemaker-risk-score/index.ts";
import {
  ACCESS_KEY_ID,
  type Answer,
  FIXED_AMZ_DATE,
  FIXED_SCOPE_DATE,
  FIXED_TIME,
  harness,
  SECRET_ACCESS_KEY,
  SESSION_TOKEN,
} from "./helpers/edge_harness.ts";
import {
  awsError,
  endlessBody,
  FakeClock,
  hangUntilAborted,
  jsonResponse,
  modelError,
  type RecordedCall,
} from "./helpers/fake_upstream.ts";
import {
  largePng,
  markedTriageBody,
  PATIENT_MARKERS,
  PNG_DATA_URL,
  pngBytes,
  RISK_PATIENT,
  RISK_PATIENT_FEATURES,
} from "./helpers/payloads.ts";

const TRIAGE_URL =
  "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/medical-triage-endpoint/invocations";
const GUIDE_TRIAGE = {
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
};
/** A custom inference script's answer in the guide's output format. */
const RICH_TRIAGE = {
  urgency_score: 0.92,
  risk_level: "critical",
  recommended_specialty: "Cardiology",
  confidence: 0.94,
  key_findings: ["High cardiac risk detected"],
  model_version: "1.2.0",
  inference_time_ms: 45,
};
const okTriage = () => jsonResponse(RICH_TRIAGE);

const PROBLEM_KEYS = [
  "type",
  "title",
  "status",
  "detail",
  "code",
  "request_id",
];

/** Checks the RFC 9457 shape every error answer must have. */
function assertProblem(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get("content-type"), "application/problem+json");
  assert.equal(answer.headers.get("cache-control"), "no-store");
  const body = answer.json;
  assert.ok(body, `not JSON: ${answer.text}`);
  assert.deepEqual(
    Object.keys(body).filter((key) => key !== "errors").sort(),
    [...PROBLEM_KEYS].sort(),
  );
  assert.equal(body.type, `urn:healthnav:problem:${code}`);
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(typeof body.title, "string");
  assert.ok((body.title as string).length > 0);
  assert.equal(typeof body.detail, "string");
  assert.ok((body.detail as string).length > 0);
  assert.equal(body.request_id, answer.headers.get("x-request-id"));
  assert.match(body.request_id as string, /^req-\d+$/);
}

/** The Authorization header @smithy/signature-v4 computes for a recorded call. */
async function smithyAuthorization(
  call: RecordedCall,
  sessionToken?: string,
): Promise<string> {
  const url = new URL(call.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [name, value] of call.headers) {
    if (
      !["authorization", "x-amz-date", "x-amz-security-token"].includes(name)
    ) {
      headers[name] = value;
    }
  }
  const signer = new SignatureV4({
    service: "sagemaker",
    region: "us-east-1",
    credentials: {
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      sessionToken,
    },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: call.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      headers,
      body: call.body,
    }),
    { signingDate: new Date(FIXED_TIME) },
  );
  return signed.headers["authorization"];
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

// ---------------------------------------------------------------- CORS

Deno.test("OPTIONS preflight from an allowed origin gets the CORS grant", async () => {
  const h = harness("sagemaker-triage", {
    env: {
      CORS_ALLOWED_ORIGINS:
        "https://app.healthnav.example, http://localhost:8081",
    },
  });
  const answer = await h.send(
    new Request("http://functions.local/sagemaker-triage", {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:8081",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    }),
  );
  assert.equal(answer.status, 204);
  assert.equal(answer.text, "");
  const headers = answer.headers;
  assert.equal(
    headers.get("access-control-allow-origin"),
    "http://localhost:8081",
  );
  assert.equal(headers.get("vary"), "Origin");
  assert.equal(headers.get("access-control-allow-methods"), "POST, OPTIONS");
  const allowed = headers.get("access-control-allow-headers")!.split(/,\s*/);
  for (
    const name of ["authorization", "apikey", "content-type", "x-client-info"]
  ) {
    assert.ok(allowed.includes(name), `${name} not allowed: ${allowed}`);
  }
  assert.match(headers.get("access-control-max-age") ?? "", /^\d+$/);
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("OPTIONS preflight from another origin, or with no allow-list, gets no grant", async () => {
  for (
    const env of [
      { CORS_ALLOWED_ORIGINS: "https://app.healthnav.example" },
      {},
    ]
  ) {
    const h = harness("sagemaker-triage", { env });
    const answer = await h.send(
      new Request("http://functions.local/sagemaker-triage", {
        method: "OPTIONS",
        headers: {
          origin: "https://evil.example",
          "access-control-request-method": "POST",
        },
      }),
    );
    assert.equal(answer.status, 204);
    const cors = [...answer.headers.keys()].filter((name) =>
      name.startsWith("access-control-")
    );
    assert.deepEqual(cors, [], JSON.stringify(env));
    assert.equal(h.upstream.calls.length, 0);
  }
});

Deno.test("an allowed origin gets CORS headers on answers and problems; * allows any", async () => {
  const h = harness("sagemaker-triage", {
    env: { CORS_ALLOWED_ORIGINS: "https://app.healthnav.example" },
    script: [okTriage()],
  });
  const origin = { origin: "https://app.healthnav.example" };
  const ok = await h.post(GUIDE_TRIAGE, origin);
  assert.equal(ok.status, 200);
  assert.equal(
    ok.headers.get("access-control-allow-origin"),
    "https://app.healthnav.example",
  );
  const exposed = ok.headers.get("access-control-expose-headers") ?? "";
  assert.match(exposed, /x-request-id/);
  assert.match(exposed, /server-timing/);
  const invalid = await h.post({ symptoms: [] }, origin);
  assert.equal(invalid.status, 422);
  assert.equal(
    invalid.headers.get("access-control-allow-origin"),
    "https://app.healthnav.example",
  );
  const other = await h.post({ symptoms: [] }, { origin: "https://x.example" });
  assert.equal(other.headers.get("access-control-allow-origin"), null);

  const any = harness("sagemaker-triage", {
    env: { CORS_ALLOWED_ORIGINS: "*" },
  });
  const preflight = await any.send(
    new Request("http://functions.local/x", {
      method: "OPTIONS",
      headers: { origin: "https://anything.example" },
    }),
  );
  assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
});

// ------------------------------------------------- method, type, size

Deno.test("GET, PUT and DELETE get 405 with Allow and no upstream call", async () => {
  const h = harness("sagemaker-triage");
  for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
    const hasBody = method !== "GET";
    const answer = await h.send(
      new Request("http://functions.local/sagemaker-triage", {
        method,
        headers: {
          "content-type": "application/json",
          authorization: await h.bearer(),
        },
        body: hasBody ? JSON.stringify(GUIDE_TRIAGE) : undefined,
      }),
    );
    assertProblem(answer, 405, "method_not_allowed");
    assert.equal(answer.headers.get("allow"), "POST, OPTIONS");
  }
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("a wrong or missing Content-Type gets 415 before the body is read", async () => {
  const h = harness("sagemaker-triage");
  const body = JSON.stringify(GUIDE_TRIAGE);
  const cases: (string | null)[] = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "application/jsonp",
    "multipart/form-data; boundary=x",
    null,
  ];
  for (const contentType of cases) {
    const stream = endlessBody(1024);
    const request = new Request("http://functions.local/x", {
      method: "POST",
      headers: { authorization: await h.bearer() },
      body: stream.stream,
    });
    if (contentType !== null) {
      request.headers.set("content-type", contentType);
    }
    assert.equal(request.headers.get("content-type"), contentType);
    const answer = await h.send(request);
    assertProblem(answer, 415, "unsupported_media_type");
    assert.equal(stream.pulled(), 0, String(contentType));
    assert.equal(stream.cancelled(), true, String(contentType));
  }
  assert.equal(h.upstream.calls.length, 0);
  // A JSON body sent as text/plain is refused the same way.
  const plain = await h.send(
    new Request("http://functions.local/x", {
      method: "POST",
      headers: { authorization: await h.bearer() },
      body,
    }),
  );
  assertProblem(plain, 415, "unsupported_media_type");
});

Deno.test("application/json with parameters and any case is accepted", async () => {
  const h = harness("sagemaker-triage", { script: [okTriage(), okTriage()] });
  for (
    const contentType of [
      "application/json; charset=utf-8",
      "Application/JSON",
    ]
  ) {
    const answer = await h.post(GUIDE_TRIAGE, { "content-type": contentType });
    assert.equal(answer.status, 200, contentType);
  }
  assert.equal(h.upstream.calls.length, 2);
});

Deno.test("a declared Content-Length over 6 MiB gets 413 without reading the body", async () => {
  const h = harness("sagemaker-triage");
  const body = endlessBody(64 * 1024);
  const answer = await h.send(
    new Request("http://functions.local/x", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "content-length": String(MAX_REQUEST_BYTES + 1),
        authorization: await h.bearer(),
      },
      body: body.stream,
    }),
  );
  assertProblem(answer, 413, "body_too_large");
  assert.match(answer.json!.detail as string, /6291456 bytes/);
  assert.equal(body.pulled(), 0, "the body was read");
  assert.equal(body.cancelled(), true, "the body was not cancelled");
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("a streamed body without Content-Length is cut off just past 6 MiB", async () => {
  const h = harness("sagemaker-triage");
  const chunk = 256 * 1024;
  const body = endlessBody(chunk);
  const request = new Request("http://functions.local/x", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: await h.bearer(),
    },
    body: body.stream,
  });
  assert.equal(request.headers.get("content-length"), null);
  const answer = await h.send(request);
  assertProblem(answer, 413, "body_too_large");
  assert.ok(body.pulled() > MAX_REQUEST_BYTES);
  assert.ok(
    body.pulled() <= MAX_REQUEST_BYTES + 2 * chunk,
    `read ${body.pulled()} bytes`,
  );
  assert.equal(body.cancelled(), true);
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("a body of exactly 6,291,456 bytes passes the cap", async () => {
  const h = harness("sagemaker-triage", { script: [okTriage()] });
  const json = JSON.stringify(GUIDE_TRIAGE);
  const padded = json + " ".repeat(MAX_REQUEST_BYTES - json.length);
  assert.equal(new TextEncoder().encode(padded).length, MAX_REQUEST_BYTES);
  const answer = await h.post(padded);
  assert.equal(answer.status, 200, answer.text);
  assert.equal(h.upstream.calls.length, 1);
  assert.deepEqual(JSON.parse(decode(h.upstream.calls[0].body)).symptoms, [
    "fever",
    "cough",
  ]);
});

// ---------------------------------------------------------- validation

Deno.test("invalid fields get 422 validation_failed listing every error", async () => {
  const h = harness("sagemaker-triage");
  const answer = await h.post({
    symptoms: [],
    patient_data: { age: 200, gender: "robot" },
    surprise: true,
  });
  assertProblem(answer, 422, "validation_failed");
  const errors = answer.json!.errors as {
    path: string;
    code: string;
    message: string;
  }[];
  assert.ok(Array.isArray(errors));
  for (const error of errors) {
    assert.deepEqual(Object.keys(error).sort(), ["code", "message", "path"]);
    assert.equal(typeof error.message, "string");
  }
  const byPath = Object.fromEntries(errors.map((e) => [e.path, e.code]));
  assert.deepEqual(byPath, {
    surprise: "unknown_field",
    symptoms: "too_few_items",
    "patient_data.age": "out_of_range",
    "patient_data.gender": "invalid_value",
  });
  assert.equal(h.upstream.calls.length, 0);
  // The client's values are not echoed back.
  assert.ok(!answer.text.includes("robot"));
});

Deno.test("risk-score validation checks vitals against each other", async () => {
  const h = harness("sagemaker-risk-score");
  const answer = await h.post({
    patient_data: { ...RISK_PATIENT, diastolic_bp_mmhg: 160 },
  });
  assertProblem(answer, 422, "validation_failed");
  assert.deepEqual(answer.json!.errors, [{
    path: "patient_data.diastolic_bp_mmhg",
    code: "inconsistent",
    message: "must be lower than systolic_bp_mmhg",
  }]);
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("empty, broken and duplicate-key JSON get 400", async () => {
  const h = harness("sagemaker-triage");
  const cases: [string, string][] = [
    ["", "empty_body"],
    ["  \n", "empty_body"],
    ['{"symptoms": [', "invalid_json"],
    ['{"symptoms": ["a"], "symptoms": ["b"]}', "invalid_json"],
  ];
  for (const [body, code] of cases) {
    assertProblem(await h.post(body), 400, code);
  }
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("a client may not pick an endpoint outside the allow-list", async () => {
  const h = harness("sagemaker-triage");
  const answer = await h.post({ ...GUIDE_TRIAGE, endpoint: "billing-export" });
  assertProblem(answer, 422, "validation_failed");
  assert.deepEqual(
    (answer.json!.errors as { path: string }[]).map((e) => e.path),
    ["endpoint"],
  );
  assert.equal(h.upstream.calls.length, 0);
});

// ------------------------------------------------------- configuration

// Each variable with a missing or malformed value. Values carry a marker so
// the test can prove the detail never repeats them.
const CONFIG_CASES: [string, string | undefined][] = [
  ["AWS_REGION", undefined],
  ["AWS_REGION", "moon-base-MARKER"],
  ["AWS_ACCESS_KEY_ID", undefined],
  ["AWS_ACCESS_KEY_ID", "AKID-MARKER"],
  ["AWS_SECRET_ACCESS_KEY", undefined],
  ["AWS_SECRET_ACCESS_KEY", "secret with spaces MARKER"],
  ["AWS_SESSION_TOKEN", "token with spaces MARKER"],
  ["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "http://MARKER.example.com"],
  ["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "ftp://127.0.0.1/MARKER"],
  ["AWS_ENDPOINT_URL", "https://user:MARKER@sagemaker.example.com"],
  ["AWS_USE_FIPS_ENDPOINT", "MARKER"],
  ["SAGEMAKER_TRIAGE_ENDPOINT", "bad_name_MARKER"],
  ["SAGEMAKER_IMAGE_ENDPOINT", "-MARKER"],
  ["SAGEMAKER_RISK_ENDPOINT", "MARKER-".repeat(12)],
  ["SAGEMAKER_ALLOWED_ENDPOINTS", "medical-*, bad pattern MARKER"],
  ["IMAGE_S3_ALLOWED_BUCKETS", "Bad_Bucket_MARKER"],
  ["IMAGE_CLASS_LABELS", "MARKER"],
  ["IMAGE_CLASS_LABELS", "normal,MARKER,MARKER"],
  ["TRIAGE_SCORE_MEANING", "MARKER"],
  ["CORS_ALLOWED_ORIGINS", " , "],
  ["SAGEMAKER_TIMEOUT_MS", "MARKER"],
  ["SAGEMAKER_TIMEOUT_MS", "0"],
  ["SAGEMAKER_DEADLINE_MS", "-5"],
  ["SAGEMAKER_DEADLINE_MS", "1.5"],
  ["SAGEMAKER_MAX_ATTEMPTS", "11"],
];

for (const [variable, value] of CONFIG_CASES) {
  const what = value === undefined ? "missing" : "malformed";
  Deno.test(`${what} ${variable} → 500 invalid_configuration naming it, never its value`, async () => {
    const h = harness("sagemaker-triage", {
      env: { [variable]: value },
      script: [okTriage()],
    });
    for (let i = 0; i < 2; i++) {
      const answer = await h.post(GUIDE_TRIAGE);
      assertProblem(answer, 500, "invalid_configuration");
      const detail = answer.json!.detail as string;
      assert.ok(
        detail.includes(variable),
        `detail does not name ${variable}: ${detail}`,
      );
    }
    assert.equal(h.upstream.calls.length, 0);
    h.assertNoLeaks(value?.includes("MARKER") ? [value, "MARKER"] : []);
    assert.equal(h.records()[0].code, "invalid_configuration");
  });
}

Deno.test("AWS_DEFAULT_REGION and AWS_ENDPOINT_URL stand in for the specific variables", async () => {
  const good = harness("sagemaker-triage", {
    env: {
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_ENDPOINT_URL: "http://127.0.0.1:4010/base",
    },
    script: [okTriage()],
  });
  assert.equal((await good.post(GUIDE_TRIAGE)).status, 200);
  const [call] = good.upstream.calls;
  assert.equal(
    call.url,
    "http://127.0.0.1:4010/base/endpoints/medical-triage-endpoint/invocations",
  );
  assert.match(
    call.headers.get("authorization")!,
    new RegExp(`/${FIXED_SCOPE_DATE}/eu-west-1/sagemaker/aws4_request`),
  );

  const bad = harness("sagemaker-triage", {
    env: { AWS_REGION: undefined, AWS_DEFAULT_REGION: "nowhere" },
  });
  const answer = await bad.post(GUIDE_TRIAGE);
  assertProblem(answer, 500, "invalid_configuration");
  assert.match(answer.json!.detail as string, /AWS_DEFAULT_REGION/);
});

Deno.test("a broken configuration is named on every request but the preflight", async () => {
  const h = harness("sagemaker-triage", { env: { AWS_REGION: undefined } });
  const get = await h.send(
    new Request("http://functions.local/x", {
      headers: { authorization: await h.bearer() },
    }),
  );
  assertProblem(get, 500, "invalid_configuration");
  assert.match(get.json!.detail as string, /AWS_REGION is not set/);
  const preflight = await h.send(
    new Request("http://functions.local/x", { method: "OPTIONS" }),
  );
  assert.equal(preflight.status, 204);
});

// ------------------------------------------------------ signed request

Deno.test("the upstream request is SigV4-signed for sagemaker at the clock's time", async () => {
  const h = harness("sagemaker-triage", { script: [okTriage()] });
  assert.equal((await h.post(GUIDE_TRIAGE)).status, 200);
  assert.equal(h.upstream.calls.length, 1);
  const [call] = h.upstream.calls;
  assert.equal(call.url, TRIAGE_URL);
  assert.equal(call.method, "POST");
  assert.equal(call.headers.get("content-type"), "application/json");
  assert.equal(call.headers.get("accept"), "application/json");
  assert.equal(call.headers.get("x-amz-date"), FIXED_AMZ_DATE);
  assert.equal(call.headers.get("x-amz-security-token"), null);
  const authorization = call.headers.get("authorization")!;
  assert.match(
    authorization,
    new RegExp(
      `^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/${FIXED_SCOPE_DATE}/us-east-1/sagemaker/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$`,
    ),
  );
  const signed = authorization.match(/SignedHeaders=([^,]+)/)![1].split(";");
  for (const name of ["accept", "content-type", "host", "x-amz-date"]) {
    assert.ok(signed.includes(name), `${name} is not signed: ${signed}`);
  }
  assert.ok(!signed.includes("x-amz-security-token"));
  // The signature is the one the AWS SDK's own signer computes.
  assert.equal(authorization, await smithyAuthorization(call));
  // The model gets the guide's Input Format.
  assert.deepEqual(JSON.parse(decode(call.body)), {
    symptoms: ["fever", "cough"],
    age: 35,
    gender: "female",
    medical_history: [],
    current_medications: [],
  });
  assert.ok(call.signal instanceof AbortSignal);
  h.assertNoLeaks();
});

Deno.test("AWS_SESSION_TOKEN is sent as x-amz-security-token and signed", async () => {
  const h = harness("sagemaker-triage", {
    env: { AWS_SESSION_TOKEN: SESSION_TOKEN },
    script: [okTriage()],
  });
  assert.equal((await h.post(GUIDE_TRIAGE)).status, 200);
  const [call] = h.upstream.calls;
  assert.equal(call.headers.get("x-amz-security-token"), SESSION_TOKEN);
  const authorization = call.headers.get("authorization")!;
  assert.match(authorization, /SignedHeaders=[^,]*x-amz-security-token/);
  assert.equal(authorization, await smithyAuthorization(call, SESSION_TOKEN));
  h.assertNoLeaks([SESSION_TOKEN]);
});

Deno.test("each attempt is signed at its own time", async () => {
  const clock = new FakeClock(FIXED_TIME);
  const h = harness("sagemaker-triage", {
    clock,
    script: [
      () => {
        clock.advance(61_000);
        return awsError(503, "ServiceUnavailable");
      },
      okTriage(),
    ],
  });
  assert.equal((await h.post(GUIDE_TRIAGE)).status, 200);
  const dates = h.upstream.calls.map((c) => c.headers.get("x-amz-date"));
  assert.equal(dates[0], FIXED_AMZ_DATE);
  // 61 s of upstream time plus the 50 ms backoff.
  assert.equal(dates[1], "20260115T123557Z");
});

Deno.test("risk-score sends one CSV row in the documented feature order", async () => {
  const h = harness("sagemaker-risk-score", {
    script: [
      new Response("0.8125\n", { headers: { "content-type": "text/csv" } }),
    ],
  });
  const answer = await h.post({ patient_data: RISK_PATIENT });
  assert.equal(answer.status, 200, answer.text);
  const [call] = h.upstream.calls;
  assert.equal(
    call.url,
    "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/patient-risk-scorer/invocations",
  );
  assert.equal(call.headers.get("content-type"), "text/csv");
  assert.equal(call.headers.get("accept"), "text/csv");
  assert.equal(decode(call.body), RISK_PATIENT_FEATURES.join(",") + "\n");
  assert.deepEqual(answer.json, {
    risk_score: 0.8125,
    risk_level: "critical",
    factors: [],
    model_version: null,
    invoked_variant: null,
    inference_time_ms: 0,
    output_format: "csv",
  });
});

Deno.test("an inline PNG is sent as image/png bytes with CustomAttributes", async () => {
  const h = harness("sagemaker-image-analysis", {
    env: { SAGEMAKER_CLIENT_VARIANTS: "model-v2" },
    script: [jsonResponse({ prediction: [0.1, 0.6, 0.1, 0.1, 0.1] })],
  });
  const answer = await h.post({
    image_data: PNG_DATA_URL,
    image_type: "xray",
    variant: "model-v2",
  });
  assert.equal(answer.status, 200, answer.text);
  const [call] = h.upstream.calls;
  assert.equal(
    call.url,
    "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/medical-image-classifier/invocations",
  );
  assert.equal(call.headers.get("content-type"), "image/png");
  assert.equal(call.headers.get("accept"), "application/json");
  assert.equal(call.headers.get("x-amzn-sagemaker-target-variant"), "model-v2");
  assert.equal(
    call.headers.get("x-amzn-sagemaker-custom-attributes"),
    "image_type=xray,analysis_type=classification",
  );
  assert.deepEqual(call.body, pngBytes());
  assert.equal(
    call.headers.get("authorization"),
    await smithyAuthorization(call),
  );
  const predictions = answer.json!.predictions as { condition: string }[];
  assert.equal(predictions.length, 5);
  assert.equal(predictions[0].condition, "pneumonia");
  assert.equal(answer.json!.output_format, "image_classification");
});

Deno.test("a large inline image (native-hash signing path) is signed correctly, on every attempt", async () => {
  // Over pkg's 64 KiB HASHED_HERE_MAX_BYTES: hashed natively, then signed.
  const image = largePng(256 * 1024);
  const h = harness("sagemaker-image-analysis", {
    script: [
      awsError(500, "InternalFailure"),
      jsonResponse({ prediction: [0.1, 0.6, 0.1, 0.1, 0.1] }),
    ],
  });
  const answer = await h.post({ image_data: image.dataUrl, image_type: "ct" });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(h.upstream.calls.length, 2);
  for (const call of h.upstream.calls) {
    assert.deepEqual(call.body, image.bytes);
    assert.equal(call.headers.get("content-type"), "image/png");
    assert.equal(
      call.headers.get("authorization"),
      await smithyAuthorization(call),
    );
  }
});

Deno.test("SAGEMAKER_*_ENDPOINT and the endpoint URL override decide where calls go", async () => {
  const h = harness("sagemaker-triage", {
    env: {
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: "http://localhost:54329",
      SAGEMAKER_TRIAGE_ENDPOINT: "triage-prod-2",
    },
    script: [okTriage()],
  });
  assert.equal((await h.post(GUIDE_TRIAGE)).status, 200);
  assert.equal(
    h.upstream.calls[0].url,
    "http://localhost:54329/endpoints/triage-prod-2/invocations",
  );
});

// ------------------------------------------------------- normalisation

Deno.test("a successful call is normalised with timing and request id headers", async () => {
  const clock = new FakeClock(FIXED_TIME);
  const h = harness("sagemaker-triage", {
    clock,
    script: [() => {
      clock.advance(45);
      return jsonResponse(RICH_TRIAGE, 200, {
        "x-amzn-invoked-production-variant": "AllTraffic",
      });
    }],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers.get("content-type"), "application/json");
  assert.equal(answer.headers.get("cache-control"), "no-store");
  assert.equal(answer.headers.get("x-request-id"), "req-1");
  assert.equal(
    answer.headers.get("server-timing"),
    "model;dur=45, gateway;dur=0",
  );
  assert.deepEqual(answer.json, {
    ...RICH_TRIAGE,
    // No red flag in the guide's call: the model's level stands.
    model_risk_level: RICH_TRIAGE.risk_level,
    risk_level_source: "model",
    red_flags: [],
    red_flag_rules_version: answer.json!.red_flag_rules_version,
    invoked_variant: "AllTraffic",
    inference_time_ms: 45,
    output_format: "custom_json",
  });
  assert.match(String(answer.json!.red_flag_rules_version), /^\d{4}-/);
});

Deno.test("XGBoost multi:softprob output becomes the guide's triage fields", async () => {
  const h = harness("sagemaker-triage", {
    script: [
      new Response("0.1,0.2,0.6,0.1\n", {
        headers: {
          "content-type": "text/csv",
          "x-amzn-invoked-production-variant": "model-v1",
        },
      }),
    ],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assert.equal(answer.status, 200, answer.text);
  assert.deepEqual(answer.json, {
    urgency_score: 0.5667, // (0.2·1 + 0.6·2 + 0.1·3) / 3
    risk_level: "high",
    model_risk_level: "high",
    risk_level_source: "model",
    red_flags: [],
    red_flag_rules_version: answer.json!.red_flag_rules_version,
    recommended_specialty: null,
    confidence: 0.6,
    key_findings: [],
    model_version: null,
    invoked_variant: "model-v1",
    inference_time_ms: 0,
    output_format: "csv",
  });
});

Deno.test("a 200 the gateway cannot read is 502 invalid_model_output, not retried", async () => {
  const h = harness("sagemaker-triage", {
    script: [jsonResponse({ urgency_score: 7, risk_level: "purple" })],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 502, "invalid_model_output");
  assert.equal(h.upstream.calls.length, 1);
  assert.deepEqual(h.delays, []);
});

// ------------------------------------------------------------ retries

Deno.test("503 then 200 → 200 after 2 attempts", async () => {
  const h = harness("sagemaker-triage", {
    script: [awsError(503, "ServiceUnavailable"), okTriage()],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assert.equal(answer.status, 200);
  assert.equal(h.upstream.calls.length, 2);
  assert.deepEqual(h.delays, [0.5 * TRANSIENT_BASE_MS]);
  const [record] = h.records();
  assert.equal(record.attempts, 2);
  assert.equal(record.retries, 1);
  assert.equal(record.status, 200);
});

Deno.test("throttled 3 times → 429 throttled after exactly 3 attempts with standard-mode backoff", async () => {
  const h = harness("sagemaker-triage", {
    script: [
      awsError(400, "ThrottlingException"),
      awsError(400, "ThrottlingException"),
      awsError(400, "ThrottlingException"),
      okTriage(), // must not be reached
    ],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 429, "throttled");
  assert.equal(answer.headers.get("retry-after"), "1");
  assert.equal(h.upstream.calls.length, 3);
  assert.equal(h.upstream.remaining, 1);
  // Full jitter over base·2^(retry-1), base 500 ms after throttling.
  assert.equal(h.delays.length, 2);
  h.delays.forEach((delay, i) => {
    const cap = Math.min(THROTTLING_BASE_MS * 2 ** i, MAX_BACKOFF_MS);
    assert.ok(delay >= 0 && delay < cap, `delay ${i}: ${delay} ≥ ${cap}`);
  });
  assert.deepEqual(h.delays, [250, 500]); // random() = 0.5
  const [record] = h.records();
  assert.equal(record.attempts, 3);
  assert.equal(record.aws_code, "ThrottlingException");
});

Deno.test("backoff stays under the cap whatever random() returns", async () => {
  for (const random of [() => 0, () => 0.999999]) {
    const h = harness("sagemaker-triage", {
      random,
      env: { SAGEMAKER_MAX_ATTEMPTS: "10" },
      script: Array.from(
        { length: 10 },
        () => awsError(500, "InternalFailure"),
      ),
    });
    const answer = await h.post(GUIDE_TRIAGE);
    assertProblem(answer, 502, "sagemaker_internal_failure");
    assert.equal(h.upstream.calls.length, 10);
    assert.equal(h.delays.length, 9);
    h.delays.forEach((delay, i) => {
      const cap = Math.min(TRANSIENT_BASE_MS * 2 ** i, MAX_BACKOFF_MS);
      assert.ok(Number.isInteger(delay) && delay >= 0 && delay < cap);
    });
  }
});

Deno.test("ModelNotReady is retried with the transient base and ends as 503", async () => {
  const h = harness("sagemaker-triage", {
    script: [
      awsError(429, "ModelNotReadyException", "Model is not ready"),
      awsError(429, "ModelNotReadyException", "Model is not ready"),
      awsError(429, "ModelNotReadyException", "Model is not ready"),
    ],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 503, "model_not_ready");
  assert.equal(h.upstream.calls.length, 3);
  assert.deepEqual(h.delays, [50, 100]);
});

Deno.test("424 ModelError is not retried, and the model's message is not repeated", async () => {
  const cases: [number, number, string][] = [
    [400, 422, "model_rejected_input"],
    [500, 502, "model_error"],
    [0, 504, "model_timeout"],
  ];
  for (const [original, status, code] of cases) {
    const h = harness("sagemaker-triage", {
      script: [
        modelError(original, "bad input for patient Jane Doe MARKER"),
        okTriage(),
      ],
    });
    const answer = await h.post(GUIDE_TRIAGE);
    assertProblem(answer, status, code);
    assert.equal(h.upstream.calls.length, 1, code);
    assert.deepEqual(h.delays, []);
    assert.equal(h.records()[0].aws_code, "ModelError");
    h.assertNoLeaks(["Jane Doe", "MARKER"]);
  }
});

Deno.test("refused credentials are 502 upstream_auth_failed, not retried", async () => {
  const h = harness("sagemaker-triage", {
    script: [
      awsError(403, "InvalidSignatureException", "signature mismatch"),
      okTriage(),
    ],
  });
  assertProblem(await h.post(GUIDE_TRIAGE), 502, "upstream_auth_failed");
  assert.equal(h.upstream.calls.length, 1);
});

Deno.test("a fetch that throws is retried, then 502 upstream_unreachable", async () => {
  const h = harness("sagemaker-triage", {
    script: [
      new TypeError("error sending request: connection refused"),
      new TypeError("error sending request: connection refused"),
      new TypeError("error sending request: connection refused"),
      okTriage(),
    ],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 502, "upstream_unreachable");
  assert.equal(h.upstream.calls.length, 3);
  assert.deepEqual(h.delays, [50, 100]);
  assert.equal(h.records()[0].attempts, 3);
});

Deno.test("a body that breaks mid-read is retried like a network error", async () => {
  const broken = () =>
    new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"urgency_'));
          controller.error(new TypeError("connection reset"));
        },
      }),
      { headers: { "content-type": "application/json" } },
    );
  const h = harness("sagemaker-triage", { script: [broken, okTriage()] });
  const answer = await h.post(GUIDE_TRIAGE);
  assert.equal(answer.status, 200, answer.text);
  assert.equal(h.upstream.calls.length, 2);
});

// ----------------------------------------------------------- deadlines

Deno.test("the deadline counts from the request's arrival: a slow upload leaves the attempt less time → 504", async () => {
  const clock = new FakeClock(FIXED_TIME);
  const h = harness("sagemaker-triage", {
    clock,
    env: { SAGEMAKER_TIMEOUT_MS: "50", SAGEMAKER_DEADLINE_MS: "50" },
    // The model never answers; when the gateway aborts, 20 ms have passed.
    script: [(call) => hangUntilAborted(call, () => clock.advance(20))],
  });
  // The body takes 30 ms to arrive: 20 ms are left of the 50 ms deadline.
  const json = new TextEncoder().encode(JSON.stringify(GUIDE_TRIAGE));
  const slowBody = new ReadableStream<Uint8Array>({
    pull(controller) {
      clock.advance(30);
      controller.enqueue(json);
      controller.close();
    },
  }, { highWaterMark: 0 });
  const request = new Request("http://functions.local/x", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: await h.bearer(),
    },
    body: slowBody,
  });
  const armed: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  // Records every timer the handler arms; fires it after at most 20 ms so a
  // wrongly armed 10-minute timer fails the assertion below instead of hanging.
  globalThis.setTimeout = ((callback: () => void, ms?: number) => {
    armed.push(ms ?? 0);
    return realSetTimeout(callback, Math.min(ms ?? 0, 20));
  }) as typeof setTimeout;
  let answer: Answer;
  try {
    answer = await h.send(request);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assertProblem(answer, 504, "upstream_timeout");
  assert.deepEqual(armed, [20]);
  assert.equal(h.upstream.calls.length, 1);
  assert.equal(h.upstream.calls[0].signal!.aborted, true);
  assert.deepEqual(h.delays, [], "no retry may start after the deadline");
  assert.equal(h.records()[0].attempts, 1);
});

Deno.test("with a clock already past the deadline no attempt is made → 504", async () => {
  // Every reading of this clock is 1 s later than the previous one.
  let time = FIXED_TIME;
  const h = harness("sagemaker-triage", {
    clock: Object.assign(new FakeClock(FIXED_TIME), {
      now: () => (time += 1000),
    }),
    env: { SAGEMAKER_DEADLINE_MS: "1000" },
    script: [okTriage()],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 504, "upstream_timeout");
  assert.equal(h.upstream.calls.length, 0);
});

Deno.test("no backoff is slept past the deadline; the last upstream error is reported", async () => {
  const clock = new FakeClock(FIXED_TIME);
  const h = harness("sagemaker-triage", {
    clock,
    env: { SAGEMAKER_DEADLINE_MS: "1000" },
    script: [
      () => {
        clock.advance(980); // 980 + 50 ms backoff would pass the deadline
        return awsError(503, "ServiceUnavailable");
      },
      okTriage(),
    ],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 503, "sagemaker_unavailable");
  assert.equal(h.upstream.calls.length, 1);
  assert.deepEqual(h.delays, []);
});

Deno.test("a slow attempt is timed out by SAGEMAKER_TIMEOUT_MS and retried", async () => {
  const h = harness("sagemaker-triage", {
    env: { SAGEMAKER_TIMEOUT_MS: "5" },
    script: [(call) => hangUntilAborted(call), okTriage()],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assert.equal(answer.status, 200, answer.text);
  assert.equal(h.upstream.calls.length, 2);
  assert.equal(h.upstream.calls[0].signal!.aborted, true);
  assert.equal(h.upstream.calls[1].signal!.aborted, false);
});

// ------------------------------------------------------ response size

Deno.test("a response declaring more than 6 MiB → 502 upstream_response_too_large, unread", async () => {
  const body = endlessBody(64 * 1024);
  const h = harness("sagemaker-triage", {
    script: [
      new Response(body.stream, {
        headers: {
          "content-type": "application/json",
          "content-length": String(MAX_RESPONSE_BYTES + 1),
        },
      }),
      okTriage(),
    ],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 502, "upstream_response_too_large");
  assert.equal(body.pulled(), 0);
  assert.equal(body.cancelled(), true);
  assert.equal(h.upstream.calls.length, 1);
});

Deno.test("a streamed response over 6 MiB → 502 upstream_response_too_large, cut off", async () => {
  const chunk = 256 * 1024;
  const body = endlessBody(chunk);
  const h = harness("sagemaker-triage", {
    script: [
      new Response(body.stream, {
        headers: { "content-type": "application/json" },
      }),
      okTriage(),
    ],
  });
  const answer = await h.post(GUIDE_TRIAGE);
  assertProblem(answer, 502, "upstream_response_too_large");
  assert.ok(body.pulled() <= MAX_RESPONSE_BYTES + 2 * chunk);
  assert.equal(body.cancelled(), true);
  assert.equal(h.upstream.calls.length, 1);
});

// ---------------------------------------------------------------- logs

Deno.test("one JSON log line per request with metadata only", async () => {
  const h = harness("sagemaker-triage", {
    script: [
      jsonResponse(RICH_TRIAGE, 200, {
        "x-amzn-invoked-production-variant": "AllTraffic",
      }),
      awsError(503, "ServiceUnavailable"),
      awsError(503, "ServiceUnavailable"),
      awsError(503, "ServiceUnavailable"),
    ],
  });
  const body = markedTriageBody();
  assert.equal((await h.post(body)).status, 200);
  assert.equal((await h.post(body)).status, 503);
  assert.equal((await h.post({ ...body, symptoms: [] })).status, 422);
  assert.equal(h.logs.length, 3);
  const allowed = new Set([
    "level",
    "msg",
    "request_id",
    "function",
    "method",
    "status",
    "code",
    "endpoint",
    "variant",
    "latency_ms",
    "upstream_ms",
    "attempts",
    "retries",
    "aws_code",
  ]);
  const records = h.records();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      assert.ok(allowed.has(key), `unexpected log field ${key}`);
    }
    assert.equal(record.function, "sagemaker-triage");
    assert.equal(record.method, "POST");
    assert.equal(typeof record.latency_ms, "number");
  }
  const [ok, failed, invalid] = records;
  assert.equal(ok.request_id, "req-1");
  assert.equal(ok.level, "info");
  assert.equal(ok.status, 200);
  assert.equal(ok.endpoint, "medical-triage-endpoint");
  assert.equal(ok.attempts, 1);
  assert.equal(ok.upstream_ms, 0);
  assert.equal(failed.level, "error");
  assert.equal(failed.status, 503);
  assert.equal(failed.code, "sagemaker_unavailable");
  assert.equal(failed.attempts, 3);
  assert.equal(failed.retries, 2);
  assert.equal(invalid.status, 422);
  assert.equal(invalid.code, "validation_failed");
  // No patient value and no body reaches a log line.
  h.assertNoLeaks([]);
  const markers = Object.values(PATIENT_MARKERS);
  for (const line of h.logs) {
    for (const marker of [...markers, "cough", "female", "Cardiology"]) {
      assert.ok(!line.includes(marker), `${marker} in ${line}`);
    }
    assert.ok(!/"age"|\b47\b/.test(line), line);
  }
});

Deno.test("the secret key never appears in any answer or log line across outcomes", async () => {
  const h = harness("sagemaker-triage", {
    env: { AWS_SESSION_TOKEN: SESSION_TOKEN },
    script: [
      okTriage(),
      awsError(403, "InvalidSignatureException"),
      new TypeError("network down"),
      new TypeError("network down"),
      new TypeError("network down"),
    ],
  });
  await h.post(GUIDE_TRIAGE);
  await h.post(GUIDE_TRIAGE);
  await h.post(GUIDE_TRIAGE);
  await h.post("{");
  await h.send(new Request("http://functions.local/x"));
  assert.equal(h.answers.length, 5);
  // The secret is used: it reaches the signature, just never the outside.
  assert.equal(h.upstream.calls.length, 5);
  h.assertNoLeaks([SESSION_TOKEN]);
});

// ------------------------------------------------------ default exports

for (
  const [slug, module] of [
    ["sagemaker-triage", triageModule],
    ["sagemaker-image-analysis", imageModule],
    ["sagemaker-risk-score", riskModule],
  ] as const
) {
  Deno.test(`edge/${slug}/index.ts exports { fetch } that answers a preflight`, async () => {
    assert.equal(typeof module, "object");
    assert.equal(typeof module.fetch, "function");
    const log = console.log;
    console.log = () => {}; // the runtime deps log to the console
    let response: Response;
    try {
      // Whatever this machine's environment holds, a preflight needs none of it.
      response = await module.fetch(
        new Request(`http://functions.local/${slug}`, { method: "OPTIONS" }),
      );
    } finally {
      console.log = log;
    }
    assert.equal(response.status, 204);
    assert.equal(await response.text(), "");
  });
}
