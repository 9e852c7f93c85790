/**
 * The JavaScript API of pkg/ (the crate compiled to wasm), driven only through
 * pkg/mod.js: Gateway (bound to one function: settings, prepare, signAttempt,
 * validate, normalize), signAwsRequest against
 * tests/fixtures/sigv4/recorded.json, errorCodeTable, and the HealthNavError
 * every export throws.
 *
 * Run: deno test --allow-read tests/deno/pkg_api_test.ts
 */

import assert from "node:assert/strict";
import {
  type AwsCredentials,
  type AwsRequestToSign,
  type ErrorCode,
  errorCodeTable,
  type FieldError,
  type FunctionName,
  Gateway,
  type GatewaySettings,
  type HealthNavError,
  type Invocation,
  signAwsRequest,
} from "../../pkg/mod.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const json = (value: unknown): Uint8Array => bytes(JSON.stringify(value));

const US_EAST_1 = "https://runtime.sagemaker.us-east-1.amazonaws.com";
/** The guide's bucket and the variant the tests name are the operator's to allow. */
const SETTINGS: GatewaySettings = {
  region: "us-east-1",
  allowedBuckets: ["bucket"],
  clientVariants: ["blue"],
};
const GATEWAYS = new Map<FunctionName, Gateway>();
/** The gateway of `name`, without credentials (nothing is signed). */
function gatewayFor(name: FunctionName): Gateway {
  let gateway = GATEWAYS.get(name);
  if (!gateway) {
    gateway = new Gateway(SETTINGS, name, undefined);
    GATEWAYS.set(name, gateway);
  }
  return gateway;
}
/** A gateway only for its settings' verdict. */
const settle = (settings: GatewaySettings) =>
  new Gateway(settings, "sagemaker-triage", undefined);

/** Runs `action`, which must throw a HealthNavError, and returns it. */
function thrown(action: () => unknown): HealthNavError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof Error, "a real Error");
    assert.equal(error.name, "HealthNavError");
    assert.equal(typeof error.message, "string");
    assert.equal(typeof error.stack, "string");
    const e = error as HealthNavError;
    assert.equal(typeof e.code, "string");
    assert.equal(typeof e.status, "number");
    assert.equal(typeof e.retryable, "boolean");
    assert.ok(Array.isArray(e.errors));
    return e;
  }
  assert.fail("expected a HealthNavError");
}

const pathsOf = (errors: FieldError[]) => errors.map((e) => e.path);
const pairsOf = (errors: FieldError[]) =>
  errors.map((e) => [e.path, e.code] as const);

// ---------------------------------------------------------------------------
// new Gateway(settings, functionName, credentials)
// ---------------------------------------------------------------------------

Deno.test("Gateway accepts good settings, with unset values as undefined or null", () => {
  const settings: GatewaySettings[] = [
    { region: "us-east-1" },
    {
      region: "eu-west-1",
      useFips: false,
      allowedEndpoints: { triage: ["exact-name"], riskScore: [] },
      allowedBuckets: ["healthnav-images"],
      s3KeyPrefix: "patients/{sub}/",
      clientVariants: ["model-v1"],
      endpoints: { triage: "medical-triage-v2" },
      imageLabels: ["normal", "abnormal"],
      triageScoreMeaning: "probability",
    },
    {
      region: "us-east-1",
      endpointUrl: undefined,
      useFips: undefined,
      allowedBuckets: undefined,
      endpoints: { triage: undefined, riskScore: undefined },
    },
  ];
  for (const s of settings) {
    const g = settle(s);
    assert.ok(g instanceof Gateway);
    assert.equal(g.functionName, "sagemaker-triage");
    g.free();
  }
  const nulls = { region: "us-east-1", endpointUrl: null, imageLabels: null };
  settle(nulls as unknown as GatewaySettings).free();
});

Deno.test("bad settings throw invalid_configuration naming each setting", () => {
  const error = thrown(() =>
    settle({
      region: "moon",
      endpointUrl: "http://example.com",
      allowedEndpoints: { imageAnalysis: ["medical-*"] },
      allowedBuckets: ["Not_A_Bucket"],
      endpoints: { triage: "bad_name", riskScore: "-r" },
      imageLabels: ["only-one"],
    })
  );
  assert.equal(error.code, "invalid_configuration");
  assert.equal(error.status, 500);
  assert.equal(error.retryable, false);
  assert.equal(error.message, "The gateway is misconfigured.");
  assert.equal(error.upstream, null);
  assert.deepEqual(pathsOf(error.errors), [
    "endpointUrl",
    "region",
    "allowedBuckets",
    "endpoints.triage",
    "allowedEndpoints.imageAnalysis",
    "endpoints.riskScore",
    "imageLabels",
  ]);
  assert.ok(error.errors.every((e) => e.code === "invalid_setting"));
  assert.deepEqual(error.errors[0], {
    path: "endpointUrl",
    code: "invalid_setting",
    message:
      "must use https unless the host is loopback (127.0.0.1, localhost or [::1])",
  });

  const fips = thrown(() =>
    settle({
      region: "us-east-1",
      endpointUrl: "https://proxy.example.com",
      useFips: true,
    })
  );
  assert.deepEqual(pathsOf(fips.errors), ["useFips"]);
});

Deno.test("unknown and mistyped settings are named, not ignored", () => {
  const unknown = thrown(() =>
    settle(
      {
        region: "us-east-1",
        useFIPS: true,
        allowedBucket: ["b"],
      } as unknown as GatewaySettings,
    )
  );
  assert.equal(unknown.code, "invalid_configuration");
  assert.deepEqual(pairsOf(unknown.errors), [
    ["allowedBucket", "invalid_setting"],
    ["useFIPS", "invalid_setting"],
  ]);
  assert.equal(
    unknown.errors[1].message,
    "is not a recognised setting; expected one of: region, endpointUrl, useFips, allowedEndpoints, allowedBuckets, s3KeyPrefix, clientVariants, endpoints, imageLabels, triageScoreMeaning, asyncInference, stickyVariants, redFlags",
  );

  const mistyped = thrown(() =>
    settle(
      {
        region: 5,
        useFips: "true",
        allowedBuckets: "healthnav-images",
        endpoints: { triag: "x" },
        triageScoreMeaning: "prob",
      } as unknown as GatewaySettings,
    )
  );
  assert.equal(mistyped.code, "invalid_configuration");
  assert.equal(mistyped.status, 500);
  assert.deepEqual(pathsOf(mistyped.errors), [
    "allowedBuckets",
    "endpoints",
    "region",
    "triageScoreMeaning",
    "useFips",
  ]);
  assert.equal(
    mistyped.errors[4].message,
    'is invalid: invalid type: string "true", expected a boolean',
  );

  const missing = thrown(() => settle({} as GatewaySettings));
  assert.deepEqual(pairsOf(missing.errors), [["region", "invalid_setting"]]);
  for (const notAnObject of [null, undefined, "us-east-1", []]) {
    const error = thrown(() =>
      settle(notAnObject as unknown as GatewaySettings)
    );
    assert.equal(error.code, "invalid_configuration", String(notAnObject));
    assert.deepEqual(pathsOf(error.errors), [""]);
  }
});

// ---------------------------------------------------------------------------
// prepare
// ---------------------------------------------------------------------------

const GUIDE_TRIAGE = {
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
  endpoint: "medical-triage-endpoint",
};
const GUIDE_IMAGE = {
  image_data: "s3://bucket/image.jpg",
  image_type: "xray",
  endpoint: "medical-image-classifier",
};
const RISK = {
  patient_data: {
    age: 67,
    gender: "male",
    heart_rate_bpm: 88,
    systolic_bp_mmhg: 142,
    diastolic_bp_mmhg: 91,
    respiratory_rate_per_min: 18,
    temperature_c: 37.2,
    spo2_percent: 96,
    bmi: 29.4,
    smoking_status: "former",
    chronic_conditions: ["asthma", "diabetes", "hypertension"],
  },
};

/** The call without its hash, signature and red flags (checked on their own). */
function plain(invocation: Invocation) {
  const {
    payloadSha256: _hash,
    firstAttemptSignature: _signature,
    redFlags: _flags,
    ...call
  } = invocation;
  return { ...call, body: decoder.decode(invocation.body) };
}

Deno.test("prepare: the guide's triage and image calls", () => {
  {
    const invocation = gatewayFor("sagemaker-triage").prepare(
      json(GUIDE_TRIAGE),
      0,
    );
    assert.ok(invocation.body instanceof Uint8Array);
    assert.deepEqual(plain(invocation), {
      endpoint: "medical-triage-endpoint",
      variant: null,
      method: "POST",
      url: `${US_EAST_1}/endpoints/medical-triage-endpoint/invocations`,
      batch: null,
      async: false,
      inputInS3: false,
      headers: [
        ["content-type", "application/json"],
        ["accept", "application/json"],
      ],
      body:
        '{"symptoms":["fever","cough"],"age":35,"gender":"female","medical_history":[],"current_medications":[]}',
    });
  }
  const image = gatewayFor("sagemaker-image-analysis").prepare(
    json(GUIDE_IMAGE),
    0,
  );
  assert.deepEqual(plain(image), {
    endpoint: "medical-image-classifier",
    variant: null,
    method: "POST",
    url: `${US_EAST_1}/endpoints/medical-image-classifier/invocations`,
    batch: null,
    async: false,
    inputInS3: true,
    headers: [
      ["content-type", "application/json"],
      ["accept", "application/json"],
    ],
    body:
      '{"image_url":"s3://bucket/image.jpg","image_type":"xray","analysis_type":"classification"}',
  });
});

Deno.test("prepare: risk CSV row, variant header and inline image bytes", () => {
  const risk = gatewayFor("sagemaker-risk-score").prepare(
    json({ ...RISK, variant: "blue" }),
    0,
  );
  assert.deepEqual(plain(risk), {
    endpoint: "patient-risk-scorer",
    variant: "blue",
    method: "POST",
    url: `${US_EAST_1}/endpoints/patient-risk-scorer/invocations`,
    batch: null,
    async: false,
    inputInS3: false,
    headers: [
      ["content-type", "text/csv"],
      ["accept", "text/csv"],
      ["x-amzn-sagemaker-target-variant", "blue"],
    ],
    body: "67,1,88,142,91,18,37.2,96,29.4,0,1,1,1,0,0,0,0,0,0,1\n",
  });

  const png = new Uint8Array([
    0x89,
    0x50,
    0x4e,
    0x47,
    0x0d,
    0x0a,
    0x1a,
    0x0a,
    0,
    0,
    0,
    13,
  ]);
  const png64 = btoa(String.fromCharCode(...png));
  const inline = gatewayFor("sagemaker-image-analysis").prepare(
    json({ image_data: `data:image/png;base64,${png64}`, image_type: "ct" }),
    0,
  );
  assert.deepEqual(inline.body, png);
  assert.deepEqual(inline.headers, [
    ["content-type", "image/png"],
    ["accept", "application/json"],
    [
      "x-amzn-sagemaker-custom-attributes",
      "image_type=ct,analysis_type=classification",
    ],
  ]);
});

Deno.test("prepare throws validation_failed with every field error", () => {
  const error = thrown(() =>
    gatewayFor("sagemaker-triage").prepare(
      json({
        symptoms: [],
        patient_data: { age: 131, gender: "F" },
        endpoint: "other-endpoint",
      }),
      0,
    )
  );
  assert.equal(error.code, "validation_failed");
  assert.equal(error.status, 422);
  assert.equal(error.retryable, false);
  assert.equal(error.message, "The request body has invalid fields.");
  assert.equal(error.upstream, null);
  assert.deepEqual(error.errors, [
    {
      path: "symptoms",
      code: "too_few_items",
      message: "must have at least 1 item",
    },
    {
      path: "patient_data.age",
      code: "out_of_range",
      message: "must be between 0 and 130",
    },
    {
      path: "patient_data.gender",
      code: "invalid_value",
      message: "must be one of: male, female, other, unknown",
    },
    {
      path: "endpoint",
      code: "not_allowed",
      message:
        "is not an endpoint of this function (allowed: medical-triage-endpoint)",
    },
  ]);
});

Deno.test("prepare: body-level errors, and a function name that is not a slug", () => {
  const cases: [Uint8Array, string, number][] = [
    [new Uint8Array(), "empty_body", 400],
    [bytes("{"), "invalid_json", 400],
    [bytes('{"symptoms":["a"],"symptoms":["b"]}'), "invalid_json", 400],
    [new Uint8Array(6_291_457).fill(0x20), "body_too_large", 413],
  ];
  for (const [body, code, status] of cases) {
    const error = thrown(() => gatewayFor("sagemaker-triage").prepare(body, 0));
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.deepEqual(error.errors, []);
  }
  for (const name of ["diagnose", "triage", "SAGEMAKER-TRIAGE"]) {
    const badName = thrown(() =>
      new Gateway(SETTINGS, name as FunctionName, undefined)
    );
    assert.equal(badName.code, "invalid_argument");
    assert.deepEqual(pathsOf(badName.errors), ["functionName"]);
  }
});

// ---------------------------------------------------------------------------
// validate
// ---------------------------------------------------------------------------

Deno.test("validate returns every problem, or none", () => {
  assert.deepEqual(
    gatewayFor("sagemaker-triage").validate(
      json(GUIDE_TRIAGE),
    ),
    [],
  );
  assert.deepEqual(
    gatewayFor("sagemaker-risk-score").validate(
      json(RISK),
    ),
    [],
  );
  assert.deepEqual(
    gatewayFor("sagemaker-risk-score").validate(
      json({
        patient_data: {
          ...RISK.patient_data,
          diastolic_bp_mmhg: 150,
          chronic_conditions: ["copd", "copd"],
        },
      }),
    ),
    [
      {
        path: "patient_data.diastolic_bp_mmhg",
        code: "inconsistent",
        message: "must be lower than systolic_bp_mmhg",
      },
      {
        path: "patient_data.chronic_conditions[1]",
        code: "duplicate",
        message: "is listed more than once",
      },
    ],
  );
  assert.deepEqual(
    pairsOf(
      gatewayFor("sagemaker-image-analysis").validate(
        json({
          image_data: "http://169.254.169.254/latest/meta-data/",
          image_type: "X-Ray",
        }),
      ),
    ),
    [["image_type", "invalid_value"], ["image_data", "unsupported_scheme"]],
  );
  assert.deepEqual(
    gatewayFor("sagemaker-triage").validate(
      bytes(""),
    ),
    [
      {
        path: "",
        code: "empty_body",
        message: "The request body is empty; send a JSON object.",
      },
    ],
  );
  assert.deepEqual(
    gatewayFor("sagemaker-triage").validate(
      bytes("[]"),
    ),
    [
      {
        path: "",
        code: "invalid_type",
        message: "the request body must be a JSON object",
      },
    ],
  );
  const notJson = gatewayFor("sagemaker-triage").validate(
    bytes("{"),
  );
  assert.deepEqual(pairsOf(notJson), [["", "invalid_json"]]);
});

// ---------------------------------------------------------------------------
// normalize
// ---------------------------------------------------------------------------

Deno.test("normalize: each function's output", () => {
  assert.deepEqual(
    gatewayFor("sagemaker-triage").normalize(
      {
        status: 200,
        headers: [
          ["Content-Type", "text/csv"],
          ["x-Amzn-Invoked-Production-Variant", "AllTraffic"],
        ],
        body: bytes("2.0\n"),
        elapsedMs: 12.6,
      },
    ),
    {
      urgency_score: 0.6667,
      risk_level: "high",
      model_risk_level: "high",
      risk_level_source: "model",
      red_flags: [],
      red_flag_rules_version: RULES_VERSION,
      recommended_specialty: null,
      confidence: null,
      key_findings: [],
      model_version: null,
      invoked_variant: "AllTraffic",
      inference_time_ms: 13,
      output_format: "csv",
    },
  );
  assert.deepEqual(
    gatewayFor("sagemaker-image-analysis").normalize(
      {
        status: 200,
        headers: [["content-type", "application/json"]],
        body: json({ prediction: [0.05, 0.6, 0.1, 0.2, 0.05] }),
        elapsedMs: 80,
      },
    ),
    {
      predictions: [
        { condition: "pneumonia", confidence: 0.6, severity: null },
        { condition: "cardiomegaly", confidence: 0.2, severity: null },
        { condition: "pleural_effusion", confidence: 0.1, severity: null },
        { condition: "normal", confidence: 0.05, severity: null },
        { condition: "nodule", confidence: 0.05, severity: null },
      ],
      model_version: null,
      invoked_variant: null,
      inference_time_ms: 80,
      output_format: "image_classification",
    },
  );
  assert.deepEqual(
    gatewayFor("sagemaker-risk-score").normalize(
      {
        status: 200,
        headers: [],
        body: json({
          risk_score: 0.62346,
          factors: ["age over 65"],
          model_version: "risk-3",
        }),
        elapsedMs: 5,
      },
    ),
    {
      risk_score: 0.6235,
      risk_level: "high",
      factors: ["age over 65"],
      model_version: "risk-3",
      invoked_variant: null,
      inference_time_ms: 5,
      output_format: "custom_json",
    },
  );
});

Deno.test("normalize throws SageMaker errors with their stable code", () => {
  const respond = (
    status: number,
    headers: [string, string][],
    body: unknown,
  ) =>
    thrown(() =>
      gatewayFor("sagemaker-triage").normalize(
        {
          status,
          headers,
          body: json(body),
          elapsedMs: 1,
        },
      )
    );
  const timeout = respond(424, [["x-amzn-ErrorType", "ModelError"]], {
    OriginalStatusCode: 0,
    OriginalMessage: "patient Jane Doe",
  });
  assert.equal(timeout.code, "model_timeout");
  assert.equal(timeout.status, 504);
  assert.equal(timeout.retryable, false);
  assert.deepEqual(timeout.upstream, {
    status: 424,
    awsCode: "ModelError",
    originalStatusCode: 0,
  });
  assert.ok(!JSON.stringify(timeout).includes("Jane"));
  assert.ok(!timeout.message.includes("Jane"));

  const throttled = respond(400, [], {
    __type: "com.amazonaws.sagemaker#ThrottlingException",
    message: null,
  });
  assert.equal(throttled.code, "throttled");
  assert.equal(throttled.status, 429);
  assert.equal(throttled.retryable, true);
  assert.deepEqual(throttled.upstream, {
    status: 400,
    awsCode: "ThrottlingException",
    originalStatusCode: null,
  });

  const notReady = respond(429, [], { code: "ModelNotReadyException" });
  assert.deepEqual(
    [notReady.code, notReady.status, notReady.retryable],
    ["model_not_ready", 503, true],
  );

  const badOutput = thrown(() =>
    gatewayFor("sagemaker-triage").normalize(
      {
        status: 200,
        headers: [],
        body: json({ urgency_score: 1.5, risk_level: "high" }),
        elapsedMs: 1,
      },
    )
  );
  assert.equal(badOutput.code, "invalid_model_output");
  assert.equal(badOutput.status, 502);
  assert.deepEqual(pairsOf(badOutput.errors), [[
    "urgency_score",
    "out_of_range",
  ]]);
});

Deno.test("normalize refuses a malformed response object", () => {
  const cases: [unknown, string][] = [
    [{ status: 700, headers: [], body: new Uint8Array() }, "response.status"],
    // Not an integer: truncated it would be a made-up 200.
    [{ status: 200.7, headers: [], body: bytes("{}") }, "response.status"],
    [{ headers: [], body: new Uint8Array() }, "response.status"],
    [
      {
        status: 200,
        headers: { "content-type": "text/csv" },
        body: bytes("1"),
      },
      "response.headers",
    ],
    [{ status: 200, headers: [], body: "0.5" }, "response.body"],
  ];
  for (const [response, path] of cases) {
    const error = thrown(() =>
      gatewayFor("sagemaker-risk-score").normalize(
        response as Parameters<Gateway["normalize"]>[0],
      )
    );
    assert.equal(error.code, "invalid_argument", path);
    assert.equal(error.status, 500, path);
    assert.deepEqual(pathsOf(error.errors), [path]);
  }
});

// ---------------------------------------------------------------------------
// signAwsRequest
// ---------------------------------------------------------------------------

interface RecordedCase {
  name: string;
  method: string;
  url: string;
  headers: [string, string][];
  body: { kind: string; text?: string; data?: string; length?: number };
  region: string;
  service: string;
  credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  };
  timeMs: number;
  expected: Record<string, string>;
}

const recorded: RecordedCase[] = JSON.parse(
  await Deno.readTextFile(
    new URL("../fixtures/sigv4/recorded.json", import.meta.url),
  ),
).cases;

function recordedCase(name: string): RecordedCase {
  const found = recorded.find((c) => c.name === name);
  assert.ok(found, name);
  return found;
}

function bodyOf(c: RecordedCase): Uint8Array {
  if (c.body.kind === "empty") return new Uint8Array();
  if (c.body.kind === "utf8") return bytes(c.body.text ?? "");
  throw new Error(`body kind ${c.body.kind} is not used here`);
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(data));
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** What signAwsRequest must return for a recorded case. */
function expectedHeaders(c: RecordedCase): Record<string, string> {
  const expected: Record<string, string> = {
    "x-amz-date": c.expected["x-amz-date"],
    authorization: c.expected.authorization,
  };
  if (c.expected["x-amz-security-token"]) {
    expected["x-amz-security-token"] = c.expected["x-amz-security-token"];
  }
  if (c.service === "s3") {
    expected["x-amz-content-sha256"] = c.expected["x-amz-content-sha256"];
  }
  return expected;
}

function request(c: RecordedCase): AwsRequestToSign {
  return {
    method: c.method,
    url: c.url,
    headers: c.headers,
    region: c.region,
    service: c.service,
    credentials: c.credentials,
    timeMs: c.timeMs,
  };
}

Deno.test("signAwsRequest reproduces the recorded signatures", async () => {
  // Header pairs, body as a string.
  const basic = recordedCase("sagemaker-json-basic");
  assert.deepEqual(
    signAwsRequest({ ...request(basic), body: basic.body.text }),
    expectedHeaders(basic),
  );
  // Record-style headers, body as bytes, session token.
  const token = recordedCase("sagemaker-json-session-token");
  assert.deepEqual(
    signAwsRequest({
      ...request(token),
      headers: Object.fromEntries(token.headers),
      body: bodyOf(token),
    }),
    expectedHeaders(token),
  );
  // S3 with a session token and bodySha256 computed by crypto.subtle.
  const s3 = recordedCase("s3-getobject-encoded-key-session-token");
  const s3Signed = signAwsRequest({
    ...request(s3),
    bodySha256: await sha256Hex(bodyOf(s3)),
  });
  assert.deepEqual(s3Signed, expectedHeaders(s3));
  assert.equal(
    s3Signed["x-amz-content-sha256"],
    s3.expected["x-amz-content-sha256"],
  );
  // The JS SDK v3 style: the caller sends x-amz-content-sha256 itself.
  const explicit = recordedCase("sagemaker-explicit-content-sha256");
  const hash = await sha256Hex(bodyOf(explicit));
  assert.deepEqual(
    signAwsRequest({ ...request(explicit), bodySha256: hash }),
    expectedHeaders(explicit),
  );
  assert.deepEqual(
    signAwsRequest({ ...request(explicit), body: bodyOf(explicit) }),
    expectedHeaders(explicit),
  );
  // No body at all is the empty body.
  const empty = recordedCase("sagemaker-empty-body");
  assert.deepEqual(signAwsRequest(request(empty)), expectedHeaders(empty));
  // Whitespace in header values, and an earlier attempt's signing headers,
  // as botocore and @smithy sign them (trimmed and collapsed; replaced).
  for (
    const name of [
      "sagemaker-header-value-tabs",
      "sagemaker-header-value-space-runs",
      "sagemaker-stale-date",
      "sagemaker-stale-authorization",
      "sagemaker-stale-security-token",
    ]
  ) {
    const c = recordedCase(name);
    assert.deepEqual(
      signAwsRequest({ ...request(c), body: bodyOf(c) }),
      expectedHeaders(c),
      name,
    );
  }
});

Deno.test("signAwsRequest refuses invalid requests with the field that is wrong", () => {
  const base = request(recordedCase("sagemaker-json-basic"));
  const cases: [Partial<AwsRequestToSign>, string[]][] = [
    [{ url: "/endpoints/x/invocations" }, ["url"]],
    [{ url: "https://user:pw@example.com/x" }, ["url"]],
    [{ headers: [["Accept", "a\r\nX-Injected: 1"]] }, ["headers[0]"]],
    [{ headers: { "X-Note": "fièvre" } }, ["headers[0]"]],
    [{ service: "sage maker" }, ["service"]],
    [{ region: "moon" }, ["region"]],
    [{ timeMs: NaN }, ["timeMs"]],
    [{ timeMs: -1 }, ["timeMs"]],
    [{ bodySha256: "XYZ" }, ["bodySha256"]],
    [
      {
        headers: [["x-amz-content-sha256", "0".repeat(64)]],
        body: "{}",
      },
      ["headers[0]"],
    ],
    [
      { method: "post", url: "/x", service: "S3", timeMs: Infinity },
      ["method", "url", "service", "timeMs"],
    ],
  ];
  for (const [change, paths] of cases) {
    const error = thrown(() => signAwsRequest({ ...base, ...change }));
    assert.equal(error.code, "invalid_signing_request", JSON.stringify(change));
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
    assert.equal(error.message, "The request to sign is invalid.");
    assert.deepEqual(pathsOf(error.errors), paths, JSON.stringify(change));
    assert.ok(error.errors.every((e) => e.code === "invalid_value"));
    assert.ok(
      !JSON.stringify(error).includes(base.credentials.secretAccessKey),
    );
  }
  // Wrong shapes are argument errors.
  const badBody = thrown(() =>
    signAwsRequest({ ...base, body: 5 as unknown as string })
  );
  assert.equal(badBody.code, "invalid_argument");
  assert.deepEqual(pathsOf(badBody.errors), ["body"]);
  const noCredentials = thrown(() =>
    signAwsRequest(
      { ...base, credentials: undefined } as unknown as AwsRequestToSign,
    )
  );
  assert.equal(noCredentials.code, "invalid_argument");
  assert.deepEqual(pathsOf(noCredentials.errors), ["request"]);
});

Deno.test("a misspelt field is refused by name, never ignored (it would sign the empty body)", () => {
  const base = request(recordedCase("sagemaker-json-basic"));
  const misspelt = thrown(() =>
    signAwsRequest(
      { ...base, bodysha256: "0".repeat(64) } as unknown as AwsRequestToSign,
    )
  );
  assert.equal(misspelt.code, "invalid_argument");
  assert.deepEqual(misspelt.errors.map((e) => [e.path, e.code]), [
    ["bodysha256", "unknown_field"],
  ]);
  const token = thrown(() =>
    signAwsRequest({
      ...base,
      credentials: { ...base.credentials, sesionToken: "FwoG" },
    } as unknown as AwsRequestToSign)
  );
  assert.deepEqual(pathsOf(token.errors), ["credentials.sesionToken"]);
  const gateway = thrown(() =>
    new Gateway(
      { region: "us-east-1" },
      "sagemaker-triage",
      {
        accessKeyId: "AKIDEXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sesionToken: "FwoG",
      } as unknown as AwsCredentials,
    )
  );
  assert.equal(gateway.code, "invalid_argument");
  assert.deepEqual(pathsOf(gateway.errors), ["credentials.sesionToken"]);
  assert.ok(!JSON.stringify(gateway).includes("wJalrXUtnFEMI"));
  // An AWS SDK credential identity (the SDK adds $source to objects it uses)
  // is accepted as it is.
  const sdkIdentity = {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    expiration: new Date(Date.UTC(2030, 0, 1)),
    credentialScope: "us-east-1",
    $source: { CREDENTIALS_CODE: "e" },
  } as unknown as AwsCredentials;
  new Gateway({ region: "us-east-1" }, "sagemaker-triage", sdkIdentity);
  assert.deepEqual(
    signAwsRequest({ ...base, credentials: sdkIdentity }),
    signAwsRequest(base),
  );
});

Deno.test("prepare signs the first attempt and signAttempt each later one, as signAwsRequest does", () => {
  const credentials = {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    sessionToken: "session-token-for-tests",
  };
  const settings = { region: "us-east-1", clientVariants: ["model-v2"] };
  const body = json({
    symptoms: ["chest pain"],
    patient_data: { age: 45, gender: "male" },
    variant: "model-v2",
  });
  const timeMs = Date.UTC(2026, 0, 1);

  const unsigned = new Gateway(settings, "sagemaker-triage", undefined);
  const built = unsigned.prepare(body, timeMs);
  assert.equal(built.firstAttemptSignature, null);
  const missing = thrown(() => unsigned.signAttempt(built, timeMs));
  assert.equal(missing.code, "invalid_argument");

  const gateway = new Gateway(settings, "sagemaker-triage", credentials);
  const signAt = (time: number) =>
    Object.entries(signAwsRequest({
      method: built.method,
      url: built.url,
      headers: built.headers,
      body: built.body,
      region: "us-east-1",
      service: "sagemaker",
      credentials,
      timeMs: time,
    }));
  // The signing key is cached per UTC day: these cross midnight both ways.
  const day = 86_400_000;
  for (const time of [timeMs, timeMs + day - 1, timeMs + day, timeMs - 1]) {
    const prepared = gateway.prepare(body, time);
    assert.deepEqual(plain(prepared), plain(built));
    assert.deepEqual(prepared.firstAttemptSignature, signAt(time));
    assert.deepEqual(
      gateway.signAttempt(prepared, time + 1500),
      signAt(time + 1500),
    );
  }
  assert.match(
    Object.fromEntries(signAt(timeMs)).authorization,
    /SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token;x-amzn-sagemaker-target-variant,/,
  );

  const invalid = thrown(() => gateway.prepare(json({}), timeMs));
  assert.equal(invalid.code, "validation_failed");
});

Deno.test("a large body is hashed outside wasm and signed by signAttempt with that hash", async () => {
  const credentials = {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  };
  const gateway = new Gateway(
    SETTINGS,
    "sagemaker-image-analysis",
    credentials,
  );
  const image = new Uint8Array(200_000).map((_, i) => i % 251);
  image.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let binary = "";
  for (const byte of image) binary += String.fromCharCode(byte);
  const body = json({
    image_data: `data:image/png;base64,${btoa(binary)}`,
    image_type: "xray",
  });
  const timeMs = Date.UTC(2026, 5, 1, 8);
  const invocation = gateway.prepare(body, timeMs);
  assert.equal(invocation.payloadSha256, null);
  assert.equal(invocation.firstAttemptSignature, null);
  const payloadSha256 = await sha256Hex(invocation.body);
  const signature = gateway.signAttempt(
    { ...invocation, payloadSha256 },
    timeMs,
  );
  assert.deepEqual(
    signature,
    Object.entries(signAwsRequest({
      method: "POST",
      url: invocation.url,
      headers: invocation.headers,
      bodySha256: payloadSha256,
      region: "us-east-1",
      service: "sagemaker",
      credentials,
      timeMs,
    })),
  );
  const noHash = thrown(() => gateway.signAttempt(invocation, timeMs));
  assert.equal(noHash.code, "invalid_argument");
  assert.deepEqual(pathsOf(noHash.errors), ["invocation.payloadSha256"]);
});

Deno.test("bad credentials are refused when the gateway is built, naming each field", () => {
  const error = thrown(() =>
    new Gateway({ region: "us-east-1" }, "sagemaker-triage", {
      accessKeyId: "",
      secretAccessKey: "has a space SECRET",
      sessionToken: "",
    })
  );
  assert.equal(error.code, "invalid_signing_request");
  assert.deepEqual(pathsOf(error.errors), [
    "credentials.accessKeyId",
    "credentials.secretAccessKey",
    "credentials.sessionToken",
  ]);
  assert.ok(!JSON.stringify(error).includes("SECRET"));
  assert.ok(!error.message.includes("SECRET"));
});

// ---------------------------------------------------------------------------
// the red-flag floor
// ---------------------------------------------------------------------------

/** The version of the embedded red-flag rules (src/safety/red_flags.json). */
const RULES_VERSION = JSON.parse(
  await Deno.readTextFile(
    new URL("../../src/safety/red_flags.json", import.meta.url),
  ),
).version;

Deno.test("prepare names a triage request's red flags; normalize floors the model by them", () => {
  const triage = gatewayFor("sagemaker-triage");
  const invocation = triage.prepare(
    json({
      symptoms: ["face drooping", "no fever"],
      patient_data: { age: 66, gender: "female" },
    }),
    0,
  );
  assert.deepEqual(invocation.redFlags, ["stroke_fast"]);
  const low = {
    status: 200,
    headers: [] as [string, string][],
    body: json({ urgency_score: 0.1, risk_level: "low" }),
    elapsedMs: 3,
  };
  const floored = triage.normalize(low, invocation.redFlags);
  assert.ok("model_risk_level" in floored);
  assert.deepEqual(
    [floored.risk_level, floored.model_risk_level, floored.risk_level_source],
    ["critical", "low", "red_flags"],
  );
  assert.equal(floored.red_flags[0].id, "stroke_fast");
  assert.equal(floored.red_flag_rules_version, RULES_VERSION);
  // The model's own answer, without the flags.
  const alone = triage.normalize(low, []);
  assert.ok("model_risk_level" in alone);
  assert.equal(alone.risk_level, "low");

  const notice = triage.safetyNotice(invocation.redFlags);
  assert.equal(notice?.red_flags[0].id, "stroke_fast");
  assert.match(String(notice?.safety_message), /emergency/);
  assert.equal(triage.safetyNotice([]), null);
  // Only ids the rules raise are accepted, and only for triage.
  assert.equal(
    thrown(() => triage.normalize(low, ["made_up"])).code,
    "invalid_argument",
  );
  assert.equal(
    thrown(() =>
      gatewayFor("sagemaker-risk-score").normalize(low, ["stroke_fast"])
    ).code,
    "invalid_argument",
  );
});

// ---------------------------------------------------------------------------
// errorCodeTable
// ---------------------------------------------------------------------------

Deno.test("errorCodeTable gives every code its status and retryability, and errors carry them", () => {
  const table = errorCodeTable();
  const byCode = new Map(table.map((row) => [row.code, row]));
  assert.equal(byCode.size, table.length, "each code once");
  const expected: [ErrorCode, number, boolean][] = [
    ["validation_failed", 422, false],
    ["throttled", 429, true],
    ["model_not_ready", 503, true],
    ["model_timeout", 504, false],
    ["upstream_timeout", 504, true],
    ["sign_in_required", 403, false],
    ["client_closed_request", 499, false],
    ["invalid_configuration", 500, false],
  ];
  for (const [code, status, retryable] of expected) {
    assert.deepEqual(byCode.get(code), { code, status, retryable });
  }
  // An error's status and retryability are its code's row.
  const error = thrown(() =>
    gatewayFor("sagemaker-triage").prepare(bytes("{"), 0)
  );
  const row = byCode.get(error.code);
  assert.deepEqual([error.status, error.retryable], [
    row?.status,
    row?.retryable,
  ]);
});
