/**
 * Tests of the local SageMaker Runtime stand-in (local/sagemaker_stand_in).
 *
 * Requests are signed with @smithy/signature-v4 exactly as a client would;
 * every test starts its own server on an ephemeral 127.0.0.1 port and closes
 * it, so Deno's op/resource sanitizers stay on.
 *
 *   deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/sagemaker_stand_in_test.ts
 */

import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { Sha256 } from "@aws-crypto/sha256-js";
import {
  InvokeEndpointCommand,
  ModelError,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import {
  FAULT_NAMES,
  type FaultName,
  IMAGE_CLASSES,
  LOCAL_CREDENTIALS,
  MALFORMED_BODY,
  MAX_PAYLOAD_BYTES,
  OVERSIZED_BODY_BYTES,
  RANDOM_FAULTS,
  RISK_FEATURES,
  SIGNATURE_MISMATCH_MESSAGE,
  STALL_BODY_PREFIX,
  type StandIn,
  type StandInCredentials,
  type StandInOptions,
  startSageMakerStandIn,
  TRIAGE_CLASSES,
  TRIAGE_MODEL_VERSION,
} from "../../local/sagemaker_stand_in/mod.ts";

// ---------------------------------------------------------------- helpers

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CORAL_SUFFIX =
  ":http://internal.amazon.com/coral/com.amazon.coral.service/";

const CHEST_PAIN = {
  symptoms: ["chest pain", "shortness of breath"],
  age: 45,
  gender: "male",
  medical_history: ["hypertension"],
  current_medications: ["lisinopril"],
};
const FEVER_COUGH = {
  symptoms: ["fever", "cough"],
  age: 35,
  gender: "female",
  medical_history: [],
  current_medications: [],
};

const PNG_BYTES = new Uint8Array([
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
const JPEG_BYTES = new Uint8Array([
  0xff,
  0xd8,
  0xff,
  0xe0,
  0,
  16,
  0x4a,
  0x46,
  0x49,
  0x46,
]);
function dicomBytes(): Uint8Array {
  const bytes = new Uint8Array(256);
  bytes.set(new TextEncoder().encode("DICM"), 128);
  return bytes;
}

/** A CSV row of the 20 risk features (a sick, older patient). */
const HIGH_RISK_ROW = "78,1,112,165,95,26,38.9,88,33,1,0,1,1,1,1,1,1,0,1,0";
/** A healthy young patient. */
const LOW_RISK_ROW = "25,0,70,118,76,14,36.8,99,23,0,0,0,0,0,0,0,0,0,0,0";
/** Every feature missing: only the intercept counts. */
const ALL_MISSING_ROW = ",".repeat(19);

/** Starts a quiet stand-in for one test and always closes it. */
async function withStandIn(
  run: (standIn: StandIn, logs: string[]) => Promise<void>,
  options: StandInOptions = {},
): Promise<void> {
  const logs: string[] = [];
  const standIn = await startSageMakerStandIn({
    log: (line) => logs.push(line),
    ...options,
  });
  try {
    await run(standIn, logs);
  } finally {
    await standIn.close();
  }
}

interface InvokeOptions {
  endpoint?: string;
  body?: string | Uint8Array;
  contentType?: string | null;
  accept?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  credentials?: StandInCredentials;
  region?: string;
  service?: string;
  signingDate?: Date;
  /** Changes the signed headers before sending (tampering, dropping, adding). */
  tamper?: (headers: Record<string, string>) => void;
  /** Sends this body instead of the signed one. */
  sendBody?: string | Uint8Array | ReadableStream<Uint8Array>;
  signal?: AbortSignal;
}

/** Signs an InvokeEndpoint request with @smithy/signature-v4 and sends it. */
async function invoke(
  standIn: StandIn,
  options: InvokeOptions = {},
): Promise<Response> {
  const base = new URL(standIn.url);
  const path = `/endpoints/${
    options.endpoint ?? "medical-triage-endpoint"
  }/invocations`;
  const body = options.body ?? JSON.stringify(CHEST_PAIN);
  const headers: Record<string, string> = {
    host: base.host,
    ...options.headers,
  };
  if (options.contentType !== null) {
    headers["content-type"] = options.contentType ?? "application/json";
  }
  if (options.accept) headers["accept"] = options.accept;
  const signer = new SignatureV4({
    service: options.service ?? "sagemaker",
    region: options.region ?? "us-east-1",
    credentials: options.credentials ?? LOCAL_CREDENTIALS,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: base.hostname,
      port: Number(base.port),
      path,
      query: options.query,
      headers,
      body,
    }),
    { signingDate: options.signingDate ?? new Date() },
  );
  const sent = { ...signed.headers } as Record<string, string>;
  options.tamper?.(sent);
  delete sent.host; // fetch sets the same Host itself
  const query = options.query ? `?${new URLSearchParams(options.query)}` : "";
  return await fetch(`${standIn.url}${path}${query}`, {
    method: "POST",
    headers: sent,
    // Cast: TypeScript 6 wants ArrayBuffer-backed views, 5.6 is fine either way.
    body: (options.sendBody ?? body) as BodyInit,
    signal: options.signal,
  });
}

/** Code from x-amzn-ErrorType, the way the AWS SDKs read it. */
function errorType(response: Response): string | null {
  return response.headers.get("x-amzn-errortype")?.split(":")[0] ?? null;
}

/** Asserts an AWS error answer and returns its JSON body. */
async function expectAwsError(
  response: Response,
  status: number,
  code: string,
  message?: string | RegExp,
): Promise<Record<string, unknown>> {
  const body = await response.json();
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(errorType(response), code);
  assert.match(response.headers.get("x-amzn-requestid") ?? "", UUID_PATTERN);
  if (typeof message === "string") assert.equal(body.message, message);
  if (message instanceof RegExp) assert.match(String(body.message), message);
  return body;
}

/** Asserts a 424 ModelError and returns its body. */
async function expectModelError(
  response: Response,
  originalStatusCode: number,
  originalMessage?: RegExp,
): Promise<Record<string, unknown>> {
  const body = await response.json();
  assert.equal(response.status, 424, JSON.stringify(body));
  assert.equal(response.headers.get("x-amzn-errortype"), "ModelError");
  assert.equal(body.OriginalStatusCode, originalStatusCode);
  assert.equal(body.ErrorCode, "CLIENT_ERROR_FROM_MODEL");
  if (originalMessage) {
    assert.match(String(body.OriginalMessage), originalMessage);
  }
  return body;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function assertProbabilities(values: unknown, count: number): number[] {
  assert.ok(Array.isArray(values));
  assert.equal(values.length, count);
  for (const p of values) {
    assert.ok(typeof p === "number" && p >= 0 && p <= 1, String(p));
  }
  assert.ok(
    Math.abs(sum(values as number[]) - 1) < 1e-5,
    `sum ${sum(values as number[])}`,
  );
  return values as number[];
}

function argmax(values: number[]): number {
  return values.indexOf(Math.max(...values));
}

async function control(
  standIn: StandIn,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${standIn.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** Reads a body to the end; rejects if the connection breaks. */
async function readAll(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** Waits (bounded) until `condition` holds. */
async function eventually(
  condition: () => boolean,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reads from a stream until `prefix` has arrived. */
async function readPrefix(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  prefix: string,
): Promise<string> {
  let text = "";
  const decoder = new TextDecoder();
  while (text.length < prefix.length) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

// ------------------------------------------------------------ the models

Deno.test("medical-triage-endpoint: chest pain answers the guide's JSON, critical Cardiology", async () => {
  await withStandIn(async (standIn) => {
    const response = await invoke(standIn, {
      body: JSON.stringify(CHEST_PAIN),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(
      response.headers.get("x-amzn-invoked-production-variant"),
      "AllTraffic",
    );
    assert.match(response.headers.get("x-amzn-requestid") ?? "", UUID_PATTERN);
    const body = await response.json();
    assert.deepEqual(Object.keys(body).sort(), [
      "confidence",
      "inference_time_ms",
      "key_findings",
      "model_version",
      "recommended_specialty",
      "risk_level",
      "urgency_score",
    ]);
    assert.equal(body.recommended_specialty, "Cardiology");
    assert.equal(body.risk_level, "critical");
    assert.ok(body.urgency_score >= 0.8 && body.urgency_score <= 1);
    assert.ok(body.confidence > 0 && body.confidence <= 1);
    assert.equal(body.model_version, TRIAGE_MODEL_VERSION);
    assert.equal(body.model_version, "standin-triage-1.0.0");
    assert.ok(Number.isInteger(body.inference_time_ms));
    assert.ok(body.key_findings.some((f: string) => /cardiac/i.test(f)));
  });
});

Deno.test("medical-triage-endpoint: fever+cough is General Practice, low or moderate; age raises urgency", async () => {
  await withStandIn(async (standIn) => {
    const young =
      await (await invoke(standIn, { body: JSON.stringify(FEVER_COUGH) }))
        .json();
    assert.equal(young.recommended_specialty, "General Practice");
    assert.ok(["low", "moderate"].includes(young.risk_level));
    const older = await (await invoke(standIn, {
      body: JSON.stringify({ ...FEVER_COUGH, age: 80 }),
    })).json();
    assert.ok(older.urgency_score > young.urgency_score);
    // Deterministic: the same input gives byte-identical output.
    const again =
      await (await invoke(standIn, { body: JSON.stringify(FEVER_COUGH) }))
        .text();
    assert.equal(again, JSON.stringify(young));
  });
});

Deno.test("medical-triage-endpoint: invalid input is a 424 ModelError carrying the container's 400", async () => {
  await withStandIn(async (standIn) => {
    await expectModelError(
      await invoke(standIn, {
        body: JSON.stringify({ symptoms: "chest pain", age: 40 }),
      }),
      400,
      /symptoms/,
    );
    await expectModelError(
      await invoke(standIn, { body: "{not json" }),
      400,
      /not valid JSON/,
    );
    await expectModelError(
      await invoke(standIn, {
        body: JSON.stringify({ ...CHEST_PAIN, gender: "x" }),
      }),
      400,
      /gender/,
    );
  });
});

Deno.test("medical-triage-xgboost: multi:softprob as CSV by default and JSON on request", async () => {
  await withStandIn(async (standIn) => {
    const csv = await invoke(standIn, { endpoint: "medical-triage-xgboost" });
    assert.equal(csv.status, 200);
    assert.equal(csv.headers.get("content-type"), "text/csv");
    const text = await csv.text();
    assert.match(text, /^[^,\n]+(,[^,\n]+){3}\n$/);
    const fromCsv = assertProbabilities(text.trim().split(",").map(Number), 4);
    assert.equal(TRIAGE_CLASSES[argmax(fromCsv)], "critical");

    const json = await invoke(standIn, {
      endpoint: "medical-triage-xgboost",
      accept: "application/json",
    });
    assert.equal(json.headers.get("content-type"), "application/json");
    const body = await json.json();
    assert.deepEqual(Object.keys(body), ["predictions"]);
    assert.equal(body.predictions.length, 1);
    assertProbabilities(body.predictions[0].score, 4);
    assert.deepEqual(body.predictions[0].score, fromCsv);

    const mild = await invoke(standIn, {
      endpoint: "medical-triage-xgboost",
      body: JSON.stringify(FEVER_COUGH),
      contentType: "application/json; charset=utf-8",
      accept: "text/csv",
    });
    const mildScores = (await mild.text()).trim().split(",").map(Number);
    assert.ok(["low", "moderate"].includes(TRIAGE_CLASSES[argmax(mildScores)]));
  });
});

Deno.test("medical-image-classifier: image bytes and S3 references give 5 deterministic probabilities", async () => {
  await withStandIn(async (standIn) => {
    const predictions: number[][] = [];
    for (
      const [contentType, body] of [
        ["image/png", PNG_BYTES],
        ["image/jpeg", JPEG_BYTES],
        ["application/dicom", dicomBytes()],
        ["application/x-image", JPEG_BYTES],
      ] as const
    ) {
      const response = await invoke(standIn, {
        endpoint: "medical-image-classifier",
        contentType,
        body,
      });
      assert.equal(response.status, 200, contentType);
      assert.equal(response.headers.get("content-type"), "application/json");
      const json = await response.json();
      assert.deepEqual(Object.keys(json), ["prediction"]);
      predictions.push(
        assertProbabilities(json.prediction, IMAGE_CLASSES.length),
      );
    }
    assert.equal(IMAGE_CLASSES.length, 5);
    assert.notDeepEqual(predictions[0], predictions[1]); // different bytes
    assert.deepEqual(predictions[1], predictions[3]); // same bytes

    const reference = JSON.stringify({
      image_url: "s3://healthnav-uploads/patient-xray.jpg",
      image_type: "xray",
      analysis_type: "classification",
    });
    const first = await (await invoke(standIn, {
      endpoint: "medical-image-classifier",
      body: reference,
    })).json();
    const second = await (await invoke(standIn, {
      endpoint: "medical-image-classifier",
      body: reference,
    })).json();
    assertProbabilities(first.prediction, 5);
    assert.deepEqual(first, second);

    await expectModelError(
      await invoke(standIn, {
        endpoint: "medical-image-classifier",
        body: JSON.stringify({ image_url: "https://example.com/x.jpg" }),
      }),
      400,
      /image_url/,
    );
  });
});

Deno.test("medical-image-classifier: bytes that do not match the Content-Type are a 424 with 415", async () => {
  await withStandIn(async (standIn) => {
    for (
      const [contentType, body] of [
        ["image/png", JPEG_BYTES],
        ["image/jpeg", PNG_BYTES],
        ["application/dicom", PNG_BYTES],
        ["image/jpeg", new Uint8Array(0)],
      ] as const
    ) {
      await expectModelError(
        await invoke(standIn, {
          endpoint: "medical-image-classifier",
          contentType,
          body,
        }),
        415,
        /does not match/,
      );
    }
    await expectModelError(
      await invoke(standIn, {
        endpoint: "medical-image-classifier",
        contentType: "image/gif",
        body: new TextEncoder().encode("GIF89a"),
      }),
      415,
      /not supported/,
    );
  });
});

Deno.test("patient-risk-scorer: binary:logistic CSV, one probability per row", async () => {
  await withStandIn(async (standIn) => {
    assert.equal(RISK_FEATURES.length, 20);
    assert.equal(RISK_FEATURES[0].name, "age_years");
    assert.equal(RISK_FEATURES[19].name, "asthma");

    const single = await invoke(standIn, {
      endpoint: "patient-risk-scorer",
      contentType: "text/csv",
      body: HIGH_RISK_ROW,
    });
    assert.equal(single.status, 200);
    assert.equal(single.headers.get("content-type"), "text/csv");
    const text = await single.text();
    assert.match(text, /^0\.\d+\n$/);
    const high = Number(text);

    // All features missing leaves only the intercept: sigmoid(-2.2) as float32.
    const missing = await invoke(standIn, {
      endpoint: "patient-risk-scorer",
      contentType: "text/csv",
      body: `${ALL_MISSING_ROW}\n`,
    });
    assert.equal(
      await missing.text(),
      `${Math.fround(1 / (1 + Math.exp(2.2)))}\n`,
    );

    const batch = await invoke(standIn, {
      endpoint: "patient-risk-scorer",
      contentType: "text/csv",
      body: `${LOW_RISK_ROW}\r\n${HIGH_RISK_ROW}\n`,
    });
    const lines = (await batch.text()).split("\n");
    assert.equal(lines.length, 3);
    assert.equal(lines[2], "");
    assert.ok(Number(lines[0]) < Number(lines[1]));
    assert.equal(Number(lines[1]), high);

    const json = await invoke(standIn, {
      endpoint: "patient-risk-scorer",
      contentType: "text/csv",
      accept: "application/json",
      body: HIGH_RISK_ROW,
    });
    assert.deepEqual(await json.json(), { predictions: [{ score: high }] });
  });
});

Deno.test("patient-risk-scorer: wrong column count or non-numeric field is a 424 with XGBoost's 400", async () => {
  await withStandIn(async (standIn) => {
    const call = (body: string) =>
      invoke(standIn, {
        endpoint: "patient-risk-scorer",
        contentType: "text/csv",
        body,
      });
    const short = await expectModelError(
      await call("1,2,3"),
      400,
      /^Unable to evaluate payload provided: Feature size of csv inference data 3/,
    );
    assert.match(
      String(short.Message),
      /^Received client error \(400\) from primary/,
    );
    await expectModelError(
      await call(HIGH_RISK_ROW.replace("78", "old")),
      400,
      /^Unable to evaluate payload provided: .*age_years/,
    );
    await expectModelError(await call(`${LOW_RISK_ROW},1`), 400, /data 21/);
    await expectModelError(
      await call(""),
      400,
      /^Unable to evaluate payload provided/,
    );
  });
});

Deno.test("unsupported Content-Type or Accept is a 424 ModelError (415 / 406)", async () => {
  await withStandIn(async (standIn) => {
    await expectModelError(
      await invoke(standIn, { contentType: "text/csv" }),
      415,
    );
    await expectModelError(await invoke(standIn, { contentType: null }), 415);
    await expectModelError(
      await invoke(standIn, {
        endpoint: "patient-risk-scorer",
        body: JSON.stringify({}),
      }),
      415,
      /text\/csv/,
    );
    await expectModelError(await invoke(standIn, { accept: "text/csv" }), 406);
  });
});

Deno.test("ModelError body has SageMaker's exact shape", async () => {
  await withStandIn(async (standIn) => {
    const response = await invoke(standIn, {
      endpoint: "patient-risk-scorer",
      contentType: "application/json",
      body: "{}",
    });
    const body = await expectModelError(response, 415);
    const original =
      "Content type application/json is not supported by this model. Supported: text/csv";
    assert.deepEqual(body, {
      ErrorCode: "CLIENT_ERROR_FROM_MODEL",
      LogStreamArn:
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/patient-risk-scorer",
      Message:
        `Received client error (415) from primary with message "${original}". ` +
        "See https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1" +
        "#logEventViewer:group=/aws/sagemaker/Endpoints/patient-risk-scorer " +
        "in account 123456789012 for more information.",
      OriginalMessage: original,
      OriginalStatusCode: 415,
    });
  });
});

// ---------------------------------------------------- endpoints, variants

Deno.test("unknown or invalid endpoint names are 400 ValidationError", async () => {
  await withStandIn(async (standIn) => {
    await expectAwsError(
      await invoke(standIn, { endpoint: "medical-triage-v9" }),
      400,
      "ValidationError",
      "Endpoint medical-triage-v9 of account 123456789012 not found.",
    );
    for (
      const name of [
        "-leading",
        "trailing-",
        "under_score",
        "a".repeat(64),
        "dot.name",
      ]
    ) {
      await expectAwsError(
        await invoke(standIn, { endpoint: name }),
        400,
        "ValidationError",
        /endpointName/,
      );
    }
    // 63 characters is allowed by the pattern: it is merely not deployed.
    await expectAwsError(
      await invoke(standIn, { endpoint: "a".repeat(63) }),
      400,
      "ValidationError",
      /not found/,
    );
    assert.equal(standIn.stats().total, 0);
  });
});

Deno.test("X-Amzn-SageMaker-Target-Variant picks a variant; unknown ones are refused", async () => {
  await withStandIn(async (standIn) => {
    const response = await invoke(standIn, {
      headers: { "x-amzn-sagemaker-target-variant": "model-v2" },
    });
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("x-amzn-invoked-production-variant"),
      "model-v2",
    );
    await response.body?.cancel();
    await expectAwsError(
      await invoke(standIn, {
        headers: { "x-amzn-sagemaker-target-variant": "model-v3" },
      }),
      400,
      "ValidationError",
      /model-v3/,
    );
  });
});

Deno.test("bodies over 6 MiB are refused with a ValidationError naming the limit", async () => {
  await withStandIn(async (standIn) => {
    assert.equal(MAX_PAYLOAD_BYTES, 6_291_456);
    const atLimit = new Uint8Array(MAX_PAYLOAD_BYTES);
    atLimit.set(JPEG_BYTES);
    const ok = await invoke(standIn, {
      endpoint: "medical-image-classifier",
      contentType: "image/jpeg",
      body: atLimit,
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();

    const overLimit = new Uint8Array(MAX_PAYLOAD_BYTES + 1);
    overLimit.set(JPEG_BYTES);
    await expectAwsError(
      await invoke(standIn, {
        endpoint: "medical-image-classifier",
        contentType: "image/jpeg",
        body: overLimit,
      }),
      400,
      "ValidationError",
      /6291456/,
    );

    // Streamed (chunked, no Content-Length): cut off while reading.
    let sentChunks = 0;
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sentChunks++ === 8) controller.close();
        else controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    await expectAwsError(
      await invoke(standIn, {
        endpoint: "medical-image-classifier",
        contentType: "image/jpeg",
        body: "",
        headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
        sendBody: streamed,
      }),
      400,
      "ValidationError",
      /less than or equal to 6291456/,
    );
  });
});

Deno.test("other routes answer 404 UnknownOperationException", async () => {
  await withStandIn(async (standIn) => {
    const get = await fetch(
      `${standIn.url}/endpoints/medical-triage-endpoint/invocations`,
    );
    await expectAwsError(get, 404, "UnknownOperationException");
    const other = await fetch(`${standIn.url}/ping`, {
      method: "POST",
      body: "x",
    });
    await expectAwsError(other, 404, "UnknownOperationException");
  });
});

// ------------------------------------------------------------- signatures

Deno.test("SigV4: unsigned request is 403 MissingAuthenticationTokenException", async () => {
  await withStandIn(async (standIn) => {
    const response = await fetch(
      `${standIn.url}/endpoints/medical-triage-endpoint/invocations`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(CHEST_PAIN),
      },
    );
    assert.equal(
      response.headers.get("x-amzn-errortype"),
      `MissingAuthenticationTokenException${CORAL_SUFFIX}`,
    );
    await expectAwsError(
      response,
      403,
      "MissingAuthenticationTokenException",
      "Missing Authentication Token",
    );
  });
});

Deno.test("SigV4: unknown access key is 403 UnrecognizedClientException", async () => {
  await withStandIn(async (standIn) => {
    await expectAwsError(
      await invoke(standIn, {
        credentials: {
          accessKeyId: "AKIAUNKNOWN000000000",
          secretAccessKey: "whatever",
        },
      }),
      403,
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  });
});

Deno.test("SigV4: wrong secret, tampered body and tampered signed header are 403 InvalidSignatureException", async () => {
  await withStandIn(async (standIn) => {
    await expectAwsError(
      await invoke(standIn, {
        credentials: {
          ...LOCAL_CREDENTIALS,
          secretAccessKey: "not-the-secret",
        },
      }),
      403,
      "InvalidSignatureException",
      SIGNATURE_MISMATCH_MESSAGE,
    );
    await expectAwsError(
      await invoke(standIn, {
        sendBody: JSON.stringify({ ...CHEST_PAIN, age: 46 }),
      }),
      403,
      "InvalidSignatureException",
      SIGNATURE_MISMATCH_MESSAGE,
    );
    // Same tampered body, but with the payload hash header dropped too.
    await expectAwsError(
      await invoke(standIn, {
        sendBody: JSON.stringify({ ...CHEST_PAIN, age: 46 }),
        tamper: (h) => delete h["x-amz-content-sha256"],
      }),
      403,
      "InvalidSignatureException",
      SIGNATURE_MISMATCH_MESSAGE,
    );
    await expectAwsError(
      await invoke(standIn, {
        headers: { "x-amzn-sagemaker-custom-attributes": "trace=1" },
        tamper: (h) => h["x-amzn-sagemaker-custom-attributes"] = "trace=2",
      }),
      403,
      "InvalidSignatureException",
      SIGNATURE_MISMATCH_MESSAGE,
    );
    await expectAwsError(
      await invoke(standIn, {
        tamper: (h) => h["content-type"] = "text/plain",
      }),
      403,
      "InvalidSignatureException",
    );
  });
});

Deno.test("SigV4: headers added after signing do not matter; query strings are signed", async () => {
  await withStandIn(async (standIn) => {
    const extra = await invoke(standIn, {
      tamper: (h) => h["x-unsigned-extra"] = "1",
    });
    assert.equal(extra.status, 200);
    await extra.body?.cancel();
    const withQuery = await invoke(standIn, {
      query: { trace: "a b", z: "1" },
    });
    assert.equal(withQuery.status, 200);
    await withQuery.body?.cancel();
  });
});

Deno.test("SigV4: stale or future X-Amz-Date is 403 InvalidSignatureException with AWS wording", async () => {
  await withStandIn(async (standIn) => {
    const tenMinutes = 10 * 60 * 1000;
    await expectAwsError(
      await invoke(standIn, { signingDate: new Date(Date.now() - tenMinutes) }),
      403,
      "InvalidSignatureException",
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    await expectAwsError(
      await invoke(standIn, { signingDate: new Date(Date.now() + tenMinutes) }),
      403,
      "InvalidSignatureException",
      /^Signature not yet current: \d{8}T\d{6}Z is still later than/,
    );
    // Four minutes of skew is tolerated.
    const skewed = await invoke(standIn, {
      signingDate: new Date(Date.now() - 4 * 60 * 1000),
    });
    assert.equal(skewed.status, 200);
    await skewed.body?.cancel();
  });
});

Deno.test("SigV4: the now() option moves the server's clock", async () => {
  const serverNow = Date.UTC(2024, 0, 2, 3, 4, 5);
  await withStandIn(async (standIn) => {
    const then = await invoke(standIn, {
      signingDate: new Date(serverNow - 60_000),
    });
    assert.equal(then.status, 200);
    await then.body?.cancel();
    await expectAwsError(
      await invoke(standIn),
      403,
      "InvalidSignatureException",
      /is still later than 20240102T030905Z \(20240102T030405Z \+ 5 min\.\)/,
    );
  }, { now: () => serverNow });
});

Deno.test("SigV4: wrong region or service in the credential scope is refused", async () => {
  await withStandIn(async (standIn) => {
    await expectAwsError(
      await invoke(standIn, { region: "eu-west-1" }),
      403,
      "InvalidSignatureException",
      /Credential should be scoped to a valid region, not 'eu-west-1'/,
    );
    await expectAwsError(
      await invoke(standIn, { service: "runtime.sagemaker" }),
      403,
      "InvalidSignatureException",
      /Credential should be scoped to correct service: 'sagemaker'/,
    );
  });
});

Deno.test("SigV4: a configured region is the one that must be signed for", async () => {
  await withStandIn(async (standIn) => {
    const ok = await invoke(standIn, { region: "eu-west-1" });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    await expectAwsError(
      await invoke(standIn),
      403,
      "InvalidSignatureException",
      /us-east-1/,
    );
    const modelError = await expectModelError(
      await invoke(standIn, { region: "eu-west-1", contentType: "text/plain" }),
      415,
    );
    assert.match(String(modelError.LogStreamArn), /^arn:aws:logs:eu-west-1:/);
  }, { region: "eu-west-1" });
});

Deno.test("SigV4: malformed Authorization or missing X-Amz-Date is 403 IncompleteSignatureException", async () => {
  await withStandIn(async (standIn) => {
    await expectAwsError(
      await invoke(standIn, {
        tamper: (h) =>
          h.authorization = "AWS4-HMAC-SHA256 Credential=AKIAHEALTHNAVLOCAL01",
      }),
      403,
      "IncompleteSignatureException",
      /requires 'SignedHeaders' parameter.*requires 'Signature' parameter/,
    );
    await expectAwsError(
      await invoke(standIn, { tamper: (h) => h.authorization = "Bearer abc" }),
      403,
      "IncompleteSignatureException",
      /Unsupported AWS 'algorithm'/,
    );
    await expectAwsError(
      await invoke(standIn, {
        tamper: (h) =>
          h.authorization = h.authorization.replace(
            /Credential=[^,]+/,
            "Credential=AKIAHEALTHNAVLOCAL01/20240101/us-east-1",
          ),
      }),
      403,
      "IncompleteSignatureException",
      /exactly 5 slash-delimited elements/,
    );
    await expectAwsError(
      await invoke(standIn, { tamper: (h) => delete h["x-amz-date"] }),
      403,
      "IncompleteSignatureException",
      /X-Amz-Date/,
    );
    await expectAwsError(
      await invoke(standIn, {
        tamper: (h) => h["x-amz-date"] = "2024-01-01T00:00:00Z",
      }),
      403,
      "IncompleteSignatureException",
      /ISO-8601 'basic format'/,
    );
  });
});

Deno.test("SigV4: session tokens must match the configured credentials", async () => {
  const temporary: StandInCredentials = {
    accessKeyId: "ASIAHEALTHNAVLOCAL02",
    secretAccessKey: "local-temporary-secret",
    sessionToken: "local-session-token",
  };
  await withStandIn(async (standIn) => {
    const signedToken = await invoke(standIn, { credentials: temporary });
    assert.equal(signedToken.status, 200);
    await signedToken.body?.cancel();

    // Appended after signing (some services want it that way): still accepted.
    const { sessionToken: _, ...withoutToken } = temporary;
    const appended = await invoke(standIn, {
      credentials: withoutToken,
      tamper: (h) => h["x-amz-security-token"] = temporary.sessionToken!,
    });
    assert.equal(appended.status, 200);
    await appended.body?.cancel();

    await expectAwsError(
      await invoke(standIn, {
        credentials: { ...temporary, sessionToken: "stolen-or-stale" },
      }),
      403,
      "UnrecognizedClientException",
    );
    await expectAwsError(
      await invoke(standIn, { credentials: withoutToken }),
      403,
      "UnrecognizedClientException",
    );
    // Long-term keys must not carry a token.
    await expectAwsError(
      await invoke(standIn, {
        credentials: { ...LOCAL_CREDENTIALS, sessionToken: "x" },
      }),
      403,
      "UnrecognizedClientException",
    );
  }, { credentials: [LOCAL_CREDENTIALS, temporary] });
});

Deno.test("the AWS SDK's own client works against the stand-in and parses its errors", async () => {
  await withStandIn(async (standIn) => {
    const client = new SageMakerRuntimeClient({
      region: "us-east-1",
      endpoint: standIn.url,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    // Its User-Agent reads the OS release, which needs --allow-sys; the
    // header plays no part in what is tested here.
    client.middlewareStack.remove("getUserAgentMiddleware");
    try {
      const command = () =>
        new InvokeEndpointCommand({
          EndpointName: "patient-risk-scorer",
          ContentType: "text/csv",
          Body: new TextEncoder().encode(LOW_RISK_ROW),
        });
      const output = await client.send(command());
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.equal(output.InvokedProductionVariant, "AllTraffic");
      assert.equal(output.ContentType, "text/csv");
      assert.match(new TextDecoder().decode(output.Body), /^0\.\d+\n$/);

      standIn.faults.inject({ fault: "model_error" });
      await assert.rejects(client.send(command()), (error: unknown) => {
        assert.ok(error instanceof ModelError);
        assert.equal(error.OriginalStatusCode, 500);
        return true;
      });
      standIn.faults.inject({ fault: "throttling" });
      // Not a modelled error, so the SDK builds it from x-amzn-ErrorType.
      await assert.rejects(client.send(command()), {
        name: "ThrottlingException",
      });
    } finally {
      client.destroy();
    }
  });
});

// ------------------------------------------------------------------ faults

/** Expected status and x-amzn-ErrorType of each error fault. */
const ERROR_FAULTS: Record<string, [number, string | null]> = {
  throttling: [400, "ThrottlingException"],
  model_not_ready: [429, "ModelNotReadyException"],
  model_error: [424, "ModelError"],
  internal_failure: [500, "InternalFailure"],
  service_unavailable: [503, "ServiceUnavailable"],
  internal_dependency: [530, "InternalDependencyException"],
  validation_error_body_form: [400, null],
};

Deno.test("faults: each error fault has AWS's status, header and body, and is consumed", async () => {
  await withStandIn(async (standIn) => {
    for (const [fault, [status, code]] of Object.entries(ERROR_FAULTS)) {
      standIn.faults.inject({ fault: fault as FaultName });
      const response = await invoke(standIn);
      const body = await response.json();
      assert.equal(response.status, status, fault);
      assert.equal(errorType(response), code, fault);
      assert.match(
        response.headers.get("x-amzn-requestid") ?? "",
        UUID_PATTERN,
      );
      if (fault === "throttling") {
        assert.deepEqual(body, { message: null });
        assert.equal(
          response.headers.get("x-amzn-errortype"),
          `ThrottlingException${CORAL_SUFFIX}`,
        );
      }
      if (fault === "model_not_ready") assert.match(body.message, /not ready/);
      if (fault === "validation_error_body_form") {
        assert.equal(
          body.__type,
          "com.amazon.coral.validate#ValidationException",
        );
        assert.equal(typeof body.message, "string");
      }
      if (fault === "model_error") {
        assert.deepEqual(body, {
          ErrorCode: "CLIENT_ERROR_FROM_MODEL",
          LogStreamArn:
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/Endpoints/medical-triage-endpoint",
          Message:
            'Received server error (500) from primary with message "{"error": "model crashed"}". ' +
            "See https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1" +
            "#logEventViewer:group=/aws/sagemaker/Endpoints/medical-triage-endpoint " +
            "in account 123456789012 for more information.",
          OriginalMessage: '{"error": "model crashed"}',
          OriginalStatusCode: 500,
        });
      }
      // Consumed: the next call is healthy again.
      const next = await invoke(standIn);
      assert.equal(next.status, 200, `${fault} was not consumed`);
      await next.body?.cancel();
    }
    assert.equal(
      standIn.stats().faultsServed,
      Object.keys(ERROR_FAULTS).length,
    );
  });
});

Deno.test("faults: times and endpoint filters, via the unsigned HTTP control API", async () => {
  await withStandIn(async (standIn) => {
    const queued = await control(standIn, "POST", "/__faults", {
      fault: "service_unavailable",
      endpoint: "patient-risk-scorer",
      times: 2,
    });
    assert.equal(queued.status, 201);
    assert.equal((queued.json.pending as unknown[]).length, 1);

    // Other endpoints are unaffected.
    const other = await invoke(standIn);
    assert.equal(other.status, 200);
    await other.body?.cancel();

    const risk = () =>
      invoke(standIn, {
        endpoint: "patient-risk-scorer",
        contentType: "text/csv",
        body: LOW_RISK_ROW,
      });
    await expectAwsError(await risk(), 503, "ServiceUnavailable");
    await expectAwsError(await risk(), 503, "ServiceUnavailable");
    const healed = await risk();
    assert.equal(healed.status, 200);
    await healed.body?.cancel();

    // DELETE clears the queue.
    await control(standIn, "POST", "/__faults", {
      fault: "throttling",
      times: 5,
    });
    assert.equal(
      ((await control(standIn, "GET", "/__faults")).json.pending as unknown[])
        .length,
      1,
    );
    assert.equal((await control(standIn, "DELETE", "/__faults")).status, 200);
    const cleared = await invoke(standIn);
    assert.equal(cleared.status, 200);
    await cleared.body?.cancel();

    // Bad specs are refused.
    assert.equal(
      (await control(standIn, "POST", "/__faults", { fault: "nope" })).status,
      400,
    );
    assert.equal(
      (await control(standIn, "POST", "/__faults", { fault: "slow", times: 0 }))
        .status,
      400,
    );
    assert.throws(
      () => standIn.faults.inject({ fault: "bogus" as FaultName }),
      TypeError,
    );
    assert.equal((await control(standIn, "GET", "/__nothing")).status, 404);
  });
});

Deno.test("faults: failed authentication does not consume a queued fault", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "internal_failure" });
    await expectAwsError(
      await invoke(standIn, { region: "eu-west-1" }),
      403,
      "InvalidSignatureException",
    );
    await expectAwsError(await invoke(standIn), 500, "InternalFailure");
  });
});

Deno.test("stats: counts invocations per endpoint and faults served; reset zeroes them", async () => {
  await withStandIn(async (standIn) => {
    for (let i = 0; i < 3; i++) await (await invoke(standIn)).body?.cancel();
    await (await invoke(standIn, {
      endpoint: "patient-risk-scorer",
      contentType: "text/csv",
      body: LOW_RISK_ROW,
    })).body?.cancel();
    standIn.faults.inject({ fault: "throttling" });
    await (await invoke(standIn)).body?.cancel();
    // Refused before reaching an endpoint: not counted.
    await (await invoke(standIn, { endpoint: "missing-endpoint" })).body
      ?.cancel();
    await (await invoke(standIn, { region: "eu-west-1" })).body?.cancel();

    const expected = {
      invocations: { "medical-triage-endpoint": 4, "patient-risk-scorer": 1 },
      total: 5,
      faultsServed: 1,
    };
    assert.deepEqual(standIn.stats(), expected);
    const viaHttp = await control(standIn, "GET", "/__stats");
    assert.deepEqual(viaHttp.json, expected);

    const reset = await control(standIn, "POST", "/__stats/reset");
    assert.deepEqual(reset.json, {
      invocations: {},
      total: 0,
      faultsServed: 0,
    });
    assert.deepEqual(standIn.stats(), {
      invocations: {},
      total: 0,
      faultsServed: 0,
    });
    await (await invoke(standIn)).body?.cancel();
    standIn.resetStats();
    assert.equal(standIn.stats().total, 0);
  });
});

Deno.test("faults: slow waits delayMs, then answers normally", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "slow", delayMs: 300 });
    const started = Date.now();
    const response = await invoke(standIn);
    assert.equal(response.status, 200);
    assert.ok(
      Date.now() - started >= 280,
      `answered after ${Date.now() - started} ms`,
    );
    assert.equal((await response.json()).recommended_specialty, "Cardiology");
  });
});

Deno.test("faults: slow stops waiting when the client disconnects", async () => {
  await withStandIn(async (standIn, logs) => {
    standIn.faults.inject({ fault: "slow", delayMs: 60_000 });
    const abort = new AbortController();
    const pending = invoke(standIn, { signal: abort.signal });
    await eventually(() => standIn.stats().faultsServed === 1);
    abort.abort();
    await assert.rejects(pending);
    // The server gave up on the wait long before delayMs.
    await eventually(() =>
      logs.some((line) => JSON.parse(line).fault === "slow")
    );
  });
});

Deno.test("faults: close() ends a slow response promptly", async () => {
  const standIn = await startSageMakerStandIn({ log: () => {} });
  standIn.faults.inject({ fault: "slow", delayMs: 60_000 });
  const pending = invoke(standIn).then(
    async (response) => {
      await response.body?.cancel();
      return response.status;
    },
    () => "network error",
  );
  await eventually(() => standIn.stats().faultsServed === 1);
  const started = Date.now();
  await standIn.close();
  assert.ok(Date.now() - started < 2000, "close() took too long");
  assert.ok([503, "network error"].includes(await pending));
});

Deno.test("faults: drop breaks the connection", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "drop" });
    await assert.rejects(async () => await readAll(await invoke(standIn)));
    const next = await invoke(standIn);
    assert.equal(next.status, 200);
    await next.body?.cancel();
  });
});

Deno.test("faults: truncated sends a 200 and fewer bytes than promised", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "truncated" });
    const response = await invoke(standIn);
    assert.equal(response.status, 200);
    const declared = response.headers.get("content-length");
    // Deno 2.1 streams without Content-Length; newer Deno keeps the larger value.
    if (declared !== null) assert.ok(Number(declared) > 0);
    await assert.rejects(readAll(response));
  });
});

Deno.test("faults: malformed is a 200 with broken JSON", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "malformed" });
    const response = await invoke(standIn);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    const text = await response.text();
    assert.equal(text, MALFORMED_BODY);
    assert.throws(() => JSON.parse(text), SyntaxError);
  });
});

Deno.test("faults: oversized streams a valid 7 MiB JSON body", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "oversized" });
    const response = await invoke(standIn);
    assert.equal(response.status, 200);
    const bytes = await readAll(response);
    assert.equal(bytes.length, OVERSIZED_BODY_BYTES);
    assert.ok(bytes.length > MAX_PAYLOAD_BYTES);
    const json = JSON.parse(new TextDecoder().decode(bytes));
    assert.deepEqual(json.predictions, [{ score: 0.5 }]);
  });
});

Deno.test("faults: oversized: a client that stops reading does not hold up close()", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "oversized" });
    const response = await invoke(standIn);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
  });
});

Deno.test("faults: stall sends half a body, then nothing until the client gives up", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "stall" });
    const abort = new AbortController();
    const response = await invoke(standIn, { signal: abort.signal });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    assert.equal(
      await readPrefix(reader, STALL_BODY_PREFIX),
      STALL_BODY_PREFIX,
    );
    const timer = setTimeout(() => abort.abort(), 150);
    const started = Date.now();
    await assert.rejects(reader.read());
    clearTimeout(timer);
    assert.ok(Date.now() - started >= 100, "the body should have stalled");
  });
});

Deno.test("faults: close() ends a stalled response promptly", async () => {
  const standIn = await startSageMakerStandIn({ log: () => {} });
  standIn.faults.inject({ fault: "stall" });
  const response = await invoke(standIn);
  const reader = response.body!.getReader();
  await readPrefix(reader, STALL_BODY_PREFIX);
  const started = Date.now();
  const rest = reader.read().then(() => "ended", () => "broken");
  await standIn.close();
  assert.ok(Date.now() - started < 2000, "close() took too long");
  assert.ok(["ended", "broken"].includes(await rest));
  await reader.cancel().catch(() => {});
});

Deno.test("faults: every fault name is covered by these tests", () => {
  const covered = [
    ...Object.keys(ERROR_FAULTS),
    "slow",
    "drop",
    "truncated",
    "malformed",
    "oversized",
    "stall",
    "understated",
  ];
  assert.deepEqual([...covered].sort(), [...FAULT_NAMES].sort());
});

Deno.test("understated: a well-formed triage answer that calls the case routine", async () => {
  await withStandIn(async (standIn) => {
    standIn.faults.inject({ fault: "understated" });
    const response = await invoke(standIn);
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("x-amzn-invoked-production-variant"),
      "AllTraffic",
    );
    const body = await response.json();
    assert.equal(body.risk_level, "low");
    assert.equal(body.model_version, "standin-understated-1");
  });
});

Deno.test("faultRate: a seeded PRNG picks faults reproducibly", async () => {
  const statuses = async (seed: number): Promise<number[]> => {
    const seen: number[] = [];
    await withStandIn(async (standIn) => {
      for (let i = 0; i < 40; i++) {
        const response = await invoke(standIn);
        seen.push(response.status);
        await response.body?.cancel();
      }
      const faulted = seen.filter((s) => s !== 200).length;
      assert.equal(standIn.stats().faultsServed, faulted);
    }, { faultRate: 0.5, seed });
    return seen;
  };
  const first = await statuses(42);
  assert.deepEqual(await statuses(42), first);
  const faulted = first.filter((s) => s !== 200);
  assert.ok(
    faulted.length > 5 && faulted.length < 35,
    `${faulted.length} of 40 faulted`,
  );
  for (const status of faulted) {
    assert.ok([400, 424, 429, 500, 503].includes(status));
  }
  assert.deepEqual([...RANDOM_FAULTS].sort(), [
    "internal_failure",
    "model_error",
    "model_not_ready",
    "service_unavailable",
    "throttling",
  ]);

  await withStandIn(async (standIn) => {
    for (let i = 0; i < 5; i++) {
      const response = await invoke(standIn);
      assert.notEqual(response.status, 200);
      await response.body?.cancel();
    }
  }, { faultRate: 1 });
});

// ------------------------------------------------------------------- logs

Deno.test("logs: one JSON line per request, without secrets or bodies", async () => {
  const temporary: StandInCredentials = {
    accessKeyId: "ASIAHEALTHNAVLOCAL02",
    secretAccessKey: "local-temporary-secret",
    sessionToken: "local-session-token",
  };
  await withStandIn(async (standIn, logs) => {
    await (await invoke(standIn, { credentials: temporary })).body?.cancel();
    await (await invoke(standIn, {
      credentials: { ...temporary, sessionToken: "wrong" },
    })).body
      ?.cancel();
    standIn.faults.inject({ fault: "throttling" });
    await (await invoke(standIn, { credentials: temporary })).body?.cancel();
    await (await fetch(`${standIn.url}/__stats`)).body?.cancel();

    assert.equal(logs.length, 4);
    const entries = logs.map((line) => JSON.parse(line));
    for (const entry of entries) {
      for (
        const field of ["method", "path", "endpoint", "status", "ms", "fault"]
      ) {
        assert.ok(field in entry, `missing ${field}`);
      }
    }
    assert.deepEqual(entries.map((e) => e.status), [200, 403, 400, 200]);
    assert.deepEqual(entries.map((e) => e.fault), [
      null,
      null,
      "throttling",
      null,
    ]);
    assert.equal(entries[0].endpoint, "medical-triage-endpoint");
    assert.equal(
      entries[0].path,
      "/endpoints/medical-triage-endpoint/invocations",
    );
    const all = logs.join("\n");
    for (
      const secret of [
        LOCAL_CREDENTIALS.secretAccessKey,
        temporary.secretAccessKey,
        temporary.sessionToken!,
        "Signature=",
        "chest pain",
        "lisinopril",
      ]
    ) {
      assert.ok(!all.includes(secret), `log leaked ${secret}`);
    }
  }, { credentials: [temporary] });
});
