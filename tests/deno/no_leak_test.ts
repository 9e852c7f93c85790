/**
 * Nothing secret or personal leaks: one run through the local stack with a
 * recognisable AWS secret key and session token and patient values that are
 * recognisable markers, covering valid calls to the three functions, the
 * whole bad-input table (bad_input_cases.ts, raw sockets included), marker
 * payloads the gateway refuses, every stand-in fault on every function, a
 * model that rejects its input, an unknown endpoint, CORS and JWT refusals.
 * Every response (status, headers, body) and every log line (router,
 * functions, stand-in, metrics; console output too) is captured, then:
 *
 * - none contains the secret, the session token, the access key id, a
 *   signature, the caller's JWT, a patient marker or an upstream error text;
 * - every log line is JSON of metadata only: the function's lines carry
 *   request_id, function, endpoint, status and latency_ms, and no line holds
 *   a body (no long strings, no patient field names with values).
 *
 * Which answer fields come from the model: triage `key_findings`,
 * `recommended_specialty`, `risk_level`; image `predictions[].condition`;
 * risk `factors`. The stand-in's triage rules derive findings from keywords
 * ("cough" → "Cough reported"), never by quoting the input, so the markers
 * below embed such keywords (the symptom is a valid, matching symptom) and
 * still must not appear verbatim anywhere. A real model could echo input in
 * these fields; the gateway passes model text through by design (README).
 *
 * Deno itself prints one line per intentionally broken stand-in stream
 * ("sagemaker stand-in fault: drop (intentional)") from its HTTP server,
 * bypassing `console`; those fixed texts cannot be captured in-process.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/no_leak_test.ts
 */
import assert from "node:assert/strict";
import { type LocalStack, startLocalStack } from "../../local/local_stack.ts";
import { FAULT_NAMES } from "../../local/sagemaker_stand_in/mod.ts";
import {
  type Answer,
  badInputCases,
  base64,
  DICOM_BYTES,
  JPEG_BYTES,
  send,
  sendRaw,
  type Slug,
  SLUGS,
  STACK_ENV,
} from "./bad_input_cases.ts";

// ------------------------------------------------------------- the markers

/** Fake credentials shaped like AWS's, recognisable anywhere. */
const CREDENTIALS = {
  accessKeyId: "AKIALEAKMARKER7Q3X9Z",
  secretAccessKey: "LeakMarkerSecret/K7MDENG+bPxRfiCY0x9Q2w",
  sessionToken: "IQoJLeakMarkerSessionToken//////////wEaCXVzLWVhc3QtMSJHMEUCIQ",
};

/** Patient values nobody but the model may see. */
const PHI = {
  symptom: "PHI-MARKER-cough-7731",
  history: "PHI-MARKER-hist-2291 asthma",
  medication: "PHI-MARKER-med-4410 warfarin",
  s3Key: "scans/PHI-MARKER-scan-5512.dcm",
  pngText: "PHI-MARKER-png-8832",
} as const;

/** Numeric markers: distinctive decimals (timing fields are excluded). */
const PHI_NUMBERS = ["71.5", "97.31", "151.77", "88.13", "38.4713", "31.27"];

/** A PNG whose bytes carry a text chunk with a marker. */
const MARKED_PNG = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...new TextEncoder().encode(`\0\0\0\x1btEXtComment\0${PHI.pngText}`),
]);
const MARKED_PNG_BASE64 = base64(MARKED_PNG);

/** Texts SageMaker or a model put in error bodies: never forwarded. */
const UPSTREAM_TEXTS = [
  "model crashed",
  "LogStreamArn",
  "OriginalMessage",
  "123456789012",
  "Model is not ready",
  "An internal error occurred",
  "Please try again later",
  "The request signature we calculated",
  "security token included in the request",
  "not found.",
  "Unable to evaluate payload",
  "must be an s3://bucket/key URL",
  "validation error detected",
];

const TRIAGE_BODY = {
  symptoms: [PHI.symptom, "fever"],
  patient_data: {
    age: 71.5,
    gender: "female",
    medical_history: [PHI.history],
    current_medications: [PHI.medication],
  },
};
const FLAT_TRIAGE_BODY = {
  symptoms: [PHI.symptom],
  age: 71.5,
  gender: "other",
  medical_history: [PHI.history],
};
const RISK_BODY = {
  patient_data: {
    age: 71.5,
    gender: "female",
    heart_rate_bpm: 97.31,
    systolic_bp_mmhg: 151.77,
    diastolic_bp_mmhg: 88.13,
    respiratory_rate_per_min: 22,
    temperature_c: 38.4713,
    spo2_percent: 93,
    bmi: 31.27,
    smoking_status: "former",
    chronic_conditions: ["hypertension", "asthma"],
  },
};
const IMAGE_BODY = {
  image_data: `s3://healthnav-images/${PHI.s3Key}`,
  image_type: "xray",
};
const INLINE_IMAGE_BODY = {
  image_data: `data:image/png;base64,${MARKED_PNG_BASE64}`,
  image_type: "skin_lesion",
};

const MARKED: Record<Slug, unknown> = {
  "sagemaker-triage": TRIAGE_BODY,
  "sagemaker-image-analysis": INLINE_IMAGE_BODY,
  "sagemaker-risk-score": RISK_BODY,
};

/** Refused requests that still carry patient values. */
function refusedMarkerBodies(): [Slug, string][] {
  const triage = (patch: Record<string, unknown>) =>
    JSON.stringify({ ...TRIAGE_BODY, ...patch });
  return [
    ["sagemaker-triage", triage({ symptoms: [PHI.symptom, 5] })],
    ["sagemaker-triage", triage({ symptoms: [`${PHI.symptom}\r\nX: 1`] })],
    ["sagemaker-triage", triage({ symptoms: [PHI.symptom.repeat(10)] })],
    ["sagemaker-triage", triage({ note: PHI.history })],
    ["sagemaker-triage", triage({ endpoint: `medical-${PHI.s3Key}` })],
    [
      "sagemaker-triage",
      JSON.stringify({
        ...TRIAGE_BODY,
        patient_data: { ...TRIAGE_BODY.patient_data, age: "71.5" },
      }),
    ],
    ["sagemaker-triage", JSON.stringify(TRIAGE_BODY).slice(0, -3)],
    [
      "sagemaker-triage",
      JSON.stringify(TRIAGE_BODY).replace(
        "{",
        `{"symptoms":["${PHI.symptom}"],`,
      ),
    ],
    ["sagemaker-triage", `\ufeff${JSON.stringify(TRIAGE_BODY)}`],
    [
      "sagemaker-risk-score",
      JSON.stringify({
        patient_data: { ...RISK_BODY.patient_data, diastolic_bp_mmhg: 151.77 },
      }),
    ],
    [
      "sagemaker-risk-score",
      JSON.stringify({
        patient_data: { ...RISK_BODY.patient_data, heart_rate_bpm: "97.31" },
      }),
    ],
    [
      "sagemaker-image-analysis",
      JSON.stringify({
        ...IMAGE_BODY,
        image_data: `s3://other-bucket/${PHI.s3Key}`,
      }),
    ],
    [
      "sagemaker-image-analysis",
      JSON.stringify({
        ...IMAGE_BODY,
        image_data: `data:image/jpeg;base64,${MARKED_PNG_BASE64}`,
      }),
    ],
    [
      "sagemaker-image-analysis",
      JSON.stringify({
        ...IMAGE_BODY,
        image_data: `https://example.com/${PHI.s3Key}`,
      }),
    ],
  ];
}

// ------------------------------------------------------------ collecting

interface Capture {
  responses: string[];
  logs: string[];
  console: string[];
}

/** Every request of the run; answers and lines are collected on the way. */
async function exercise(
  stack: LocalStack,
  token: string,
  capture: Capture,
): Promise<void> {
  const keep = (answer: Answer) => {
    capture.responses.push(
      `${answer.status}\n${
        [...answer.headers].map(([k, v]) => `${k}: ${v}`).join("\n")
      }\n\n${answer.text}`,
    );
    return answer;
  };
  const post = async (slug: Slug, body: unknown, headers = {}) =>
    keep(
      await send(stack.url, token, slug, {
        body: typeof body === "string" ? body : JSON.stringify(body),
        headers,
      }),
    );

  // Valid calls: every function and input form, all must succeed.
  const valid: [Slug, unknown][] = [
    ["sagemaker-triage", TRIAGE_BODY],
    ["sagemaker-triage", FLAT_TRIAGE_BODY],
    [
      "sagemaker-triage",
      {
        ...TRIAGE_BODY,
        endpoint: "medical-triage-xgboost",
        variant: "model-v2",
      },
    ],
    ["sagemaker-image-analysis", IMAGE_BODY],
    ["sagemaker-image-analysis", INLINE_IMAGE_BODY],
    [
      "sagemaker-image-analysis",
      { ...IMAGE_BODY, image_data: base64(JPEG_BYTES) },
    ],
    [
      "sagemaker-image-analysis",
      {
        ...IMAGE_BODY,
        image_data: `data:application/dicom;base64,${base64(DICOM_BYTES)}`,
      },
    ],
    ["sagemaker-risk-score", RISK_BODY],
  ];
  for (const [slug, body] of valid) {
    const answer = await post(slug, body, { origin: "https://app.example" });
    assert.equal(answer.status, 200, `${slug}: ${answer.text}`);
  }

  // The bad-input table, raw sockets included.
  for (const c of badInputCases()) {
    const answer = c.raw
      ? await sendRaw(stack.url, token, c.slug, c.raw, c.contentType)
      : await send(stack.url, token, c.slug, c);
    keep(answer);
    assert.equal(answer.status, c.status, `${c.name}: ${answer.text}`);
  }
  for (const [slug, body] of refusedMarkerBodies()) {
    const answer = await post(slug, body);
    assert.ok(answer.status >= 400 && answer.status < 500, answer.text);
  }

  // Upstream refusals whose AWS / model texts quote names or input.
  const rejected = await post("sagemaker-image-analysis", {
    ...IMAGE_BODY,
    image_data: `s3://healthnav-images/${PHI.pngText} scan.dcm`,
  });
  assert.equal(rejected.json?.code, "model_rejected_input");
  const unknown = await post("sagemaker-triage", {
    ...TRIAGE_BODY,
    endpoint: "medical-unknown-endpoint",
  });
  assert.equal(unknown.json?.code, "sagemaker_validation_error");

  // Every fault, on every function, with marker payloads.
  for (const fault of FAULT_NAMES) {
    for (const slug of SLUGS) {
      stack.standIn.faults.inject({ fault, times: 3, delayMs: 5_000 });
      const answer = await post(slug, MARKED[slug]);
      // `understated` is a well-formed triage answer (a miscalibrated
      // model's); the other functions cannot read it.
      const expectOk = fault === "understated" && slug === "sagemaker-triage";
      assert.equal(answer.status < 400, expectOk, `${fault}: ${answer.text}`);
      stack.standIn.faults.clear();
    }
  }

  // The router's own answers and CORS.
  keep(
    await send(stack.url, "not-a-jwt", "sagemaker-triage", {
      body: JSON.stringify(TRIAGE_BODY),
    }),
  );
  const preflight = await fetch(
    `${stack.url}/functions/v1/sagemaker-risk-score`,
    {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
      },
    },
  );
  keep({
    status: preflight.status,
    headers: preflight.headers,
    text: await preflight.text(),
    json: null,
  });
}

/** Runs `body` with console.* recorded (and silenced). */
async function capturingConsole(
  lines: string[],
  body: () => Promise<void>,
): Promise<void> {
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const saved = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) => {
      lines.push(
        args.map((a) =>
          a instanceof Error
            ? `${a.stack}`
            : typeof a === "string"
            ? a
            : JSON.stringify(a)
        ).join(" "),
      );
    };
  }
  try {
    await body();
  } finally {
    methods.forEach((name, i) => (console[name] = saved[i]));
  }
}

// ------------------------------------------------------------- checking

/** Where each needle was found, if anywhere. */
function findings(texts: string[], needles: string[]): string[] {
  const found: string[] = [];
  for (const text of texts) {
    for (const needle of needles) {
      if (text.includes(needle)) {
        found.push(`${JSON.stringify(needle)} in: ${text.slice(0, 300)}`);
      }
    }
  }
  return found;
}

/** A numeric marker as a whole number token, not part of a longer one. */
function numberTokens(text: string, markers: string[]): string[] {
  return markers.filter((m) =>
    new RegExp(`(?<![\\d.])${m.replace(".", "\\.")}(?![\\d])`).test(text)
  );
}

/** Timing fields: their values are measured, not taken from requests. */
const TIMING_FIELDS = new Set(["ms", "latency_ms", "upstream_ms"]);

/** Every string and non-timing number of a parsed log line. */
function logValues(value: unknown, key = ""): string[] {
  if (typeof value === "string") return [value];
  if (typeof value === "number") {
    return TIMING_FIELDS.has(key) ? [] : [String(value)];
  }
  if (Array.isArray(value)) return value.flatMap((v) => logValues(v, key));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k, ...logValues(v, k)]);
  }
  return [];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

Deno.test("no secret, token, signature, patient value or upstream text in any response or log line", async (t) => {
  const capture: Capture = { responses: [], logs: [], console: [] };
  let anonKey = "";
  let token = "";
  let patientId = "";
  await capturingConsole(capture.console, async () => {
    const stack = await startLocalStack({
      port: 0,
      credentials: CREDENTIALS,
      env: {
        ...STACK_ENV,
        // An endpoint the operator lists that SageMaker does not have.
        SAGEMAKER_TRIAGE_ALLOWED_ENDPOINTS:
          `${STACK_ENV.SAGEMAKER_TRIAGE_ALLOWED_ENDPOINTS},medical-unknown-endpoint`,
        CORS_ALLOWED_ORIGINS: "https://app.example",
        SAGEMAKER_TIMEOUT_MS: "600",
        SAGEMAKER_DEADLINE_MS: "2000",
      },
      log: (line) => capture.logs.push(line),
      deps: { random: () => 0 },
    });
    anonKey = stack.anonKey;
    token = (await stack.signIn()).access_token;
    patientId = stack.patients[0].id;
    try {
      await exercise(stack, token, capture);
    } finally {
      await stack.close();
    }
  });

  await t.step("the run covered what it claims", () => {
    // Bad inputs, plus valid calls, marker refusals, faults and the rest.
    const expected = badInputCases().length + 8 + refusedMarkerBodies().length +
      2 + FAULT_NAMES.length * SLUGS.length + 2;
    assert.equal(capture.responses.length, expected);
    assert.ok(
      capture.logs.length > 2 * expected,
      `${capture.logs.length} log lines`,
    );
    const faults = new Set(
      capture.logs.map((l) => JSON.parse(l)).filter((r) => r.fault).map((r) =>
        r.fault
      ),
    );
    assert.deepEqual([...faults].sort(), [...FAULT_NAMES].sort());
  });

  const everything = [
    ...capture.responses,
    ...capture.logs,
    ...capture.console,
  ];

  await t.step("credentials and signatures", () => {
    const needles = [
      CREDENTIALS.secretAccessKey,
      CREDENTIALS.sessionToken,
      CREDENTIALS.accessKeyId,
      // Fragments, in case something truncates or escapes.
      CREDENTIALS.secretAccessKey.slice(0, 20),
      CREDENTIALS.sessionToken.slice(0, 24),
      "AWS4-HMAC-SHA256",
      "Signature=",
      "x-amz-security-token",
      anonKey,
      anonKey.split(".")[2],
      // The caller's session and who they are.
      token,
      token.split(".")[1],
      token.split(".")[2],
      patientId,
    ];
    assert.deepEqual(findings(everything, needles), []);
  });

  await t.step("patient values and image bytes", () => {
    const needles = [
      ...Object.values(PHI),
      "PHI-MARKER",
      MARKED_PNG_BASE64,
      MARKED_PNG_BASE64.slice(12, 36),
    ];
    assert.deepEqual(findings(everything, needles), []);
    for (const text of [...capture.responses, ...capture.console]) {
      assert.deepEqual(numberTokens(text, PHI_NUMBERS), [], text.slice(0, 300));
    }
    for (const line of capture.logs) {
      const values = logValues(JSON.parse(line));
      for (const value of values) {
        assert.deepEqual(numberTokens(value, PHI_NUMBERS), [], line);
      }
    }
  });

  await t.step("texts SageMaker or the model wrote", () => {
    assert.deepEqual(findings(everything, UPSTREAM_TEXTS), []);
  });

  await t.step(
    "log lines are JSON metadata: ids, function, endpoint, status, latency",
    () => {
      const kinds = { function: 0, router: 0, standIn: 0, other: 0 };
      for (const line of capture.logs) {
        const record = JSON.parse(line) as Record<string, unknown>;
        // Never a body: no long strings anywhere, no payload field names.
        for (const value of logValues(record)) {
          assert.ok(value.length <= 200, `long value in ${line.slice(0, 300)}`);
        }
        for (
          const field of [
            "symptoms",
            "patient_data",
            "image_data",
            "body",
            "authorization",
            "headers",
          ]
        ) {
          assert.ok(!(field in record), `${field} in ${line}`);
        }
        if (record.msg === "invocation") {
          kinds.function++;
          assert.match(String(record.request_id), UUID, line);
          assert.ok(
            SLUGS.some((s) => s.endsWith(String(record.function))),
            line,
          );
          assert.ok("endpoint" in record, `no endpoint key: ${line}`);
          assert.ok(
            record.endpoint === null || typeof record.endpoint === "string",
          );
          assert.equal(typeof record.status, "number", line);
          assert.equal(typeof record.latency_ms, "number", line);
          for (const value of Object.values(record)) {
            assert.ok(
              value === null || typeof value !== "object",
              `nested value in ${line}`,
            );
          }
        } else if (record.component === "sagemaker-stand-in") {
          kinds.standIn++;
          assert.match(String(record.requestId), UUID, line);
          assert.ok("endpoint" in record, line);
          assert.equal(typeof record.status, "number", line);
          assert.equal(typeof record.ms, "number", line);
        } else if ("path" in record && "ms" in record) {
          kinds.router++;
          assert.ok("function" in record, line);
          assert.equal(typeof record.status, "number", line);
          // The function's path at most: never a query or what follows it.
          assert.ok(!String(record.path).includes("?"), line);
          if (record.function) {
            assert.equal(record.path, `/functions/v1/${record.function}`, line);
          }
        } else {
          // Other metadata lines (e.g. metrics) are still JSON objects.
          kinds.other++;
          assert.equal(typeof record, "object");
        }
      }
      assert.ok(
        kinds.function > 450 && kinds.router > 450 && kinds.standIn > 50,
        JSON.stringify(kinds),
      );
      // The router and the function log every request they saw: same counts.
      assert.ok(kinds.router >= kinds.function, JSON.stringify(kinds));
    },
  );
});
