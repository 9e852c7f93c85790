/**
 * End to end over HTTP: the Supabase-style router with verify_jwt, the three
 * edge functions, and the local SageMaker stand-in (real SigV4 verification,
 * reference models, fault injection), all from `startLocalStack` on
 * 127.0.0.1. Expected model outputs are recomputed from the stand-in's own
 * (non-clinical) rules, so the checks cover the whole path: validation, the
 * wire format sent to each model, signing, and normalisation.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/e2e_test.ts
 */
import assert from "node:assert/strict";
import { createClient, FunctionsHttpError } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import { LOCAL_JWT_SECRET, mintKey } from "../../local/local_keys.ts";
import {
  type FaultName,
  TRIAGE_MODEL_VERSION,
} from "../../local/sagemaker_stand_in/mod.ts";
import { assessTriage } from "../../local/sagemaker_stand_in/models/triage_rules.ts";
import { triageClassProbabilities } from "../../local/sagemaker_stand_in/models/medical_triage_xgboost.ts";
import {
  IMAGE_CLASSES,
  imageClassProbabilities,
} from "../../local/sagemaker_stand_in/models/medical_image_classifier.ts";
import { adverseEventProbability } from "../../local/sagemaker_stand_in/models/patient_risk_scorer.ts";
import {
  GUIDE_IMAGE_BODY,
  GUIDE_IMAGE_FIELDS,
  GUIDE_TRIAGE_BODY,
  GUIDE_TRIAGE_FIELDS,
  largePng,
  markedTriageBody,
  PATIENT_MARKERS,
  PNG_DATA_URL,
  pngBytes,
  RISK_PATIENT,
  RISK_PATIENT_FEATURES,
  round4,
} from "./helpers/payloads.ts";
import { type HttpAnswer, withStack } from "./helpers/stack.ts";
import type { LocalStack } from "../../local/local_stack.ts";

const TRIAGE = "sagemaker-triage";
const IMAGE = "sagemaker-image-analysis";
const RISK = "sagemaker-risk-score";
const TRIAGE_ENDPOINT = "medical-triage-endpoint";
const FEVER_COUGH = {
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
};
const encoder = new TextEncoder();

/** The rule engine's verdict for the guide's triage patient. */
function guideAssessment() {
  return assessTriage({
    symptoms: ["fever", "cough"],
    age: 35,
    gender: "female",
    medical_history: [],
    current_medications: [],
  });
}

/** What the gateway must return for the classifier's probabilities. */
function expectedPredictions(probabilities: number[]) {
  return IMAGE_CLASSES.map((condition, i) => ({
    condition,
    confidence: round4(probabilities[i]),
    severity: null,
  })).sort((a, b) => b.confidence - a.confidence);
}

function assertProblem(answer: HttpAnswer, status: number, code: string) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get("content-type"), "application/problem+json");
  assert.equal(answer.json?.code, code, answer.text);
  assert.equal(answer.json?.status, status);
}

/** `model;dur=N` from Server-Timing. */
function modelDuration(answer: HttpAnswer): number {
  const match = /model;dur=(\d+)/.exec(answer.headers.get("server-timing")!);
  assert.ok(match, answer.headers.get("server-timing") ?? "no server-timing");
  return Number(match[1]);
}

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-")
    .replace(/\//g, "_");
}

// ------------------------------------------------------- the guide's calls

Deno.test("the guide's triage curl call → 200 with the guide's output fields", async () => {
  await withStack({}, async ({ stack, call, records }) => {
    const answer = await call(TRIAGE, GUIDE_TRIAGE_BODY);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.get("content-type"), "application/json");
    assert.match(answer.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const body = answer.json!;
    for (const field of GUIDE_TRIAGE_FIELDS) {
      assert.ok(field in body, `missing ${field}`);
    }
    const expected = guideAssessment();
    assert.equal(body.urgency_score, round4(expected.urgencyScore));
    assert.equal(body.risk_level, expected.riskLevel);
    assert.equal(body.risk_level, "moderate");
    assert.equal(body.recommended_specialty, "General Practice");
    assert.equal(body.confidence, round4(expected.confidence));
    assert.deepEqual(body.key_findings, expected.keyFindings);
    assert.equal(body.model_version, TRIAGE_MODEL_VERSION);
    // The gateway's measured time, the same number as Server-Timing's.
    assert.ok(Number.isInteger(body.inference_time_ms));
    assert.equal(body.inference_time_ms, modelDuration(answer));
    assert.deepEqual(stack.standIn.stats().invocations, {
      [TRIAGE_ENDPOINT]: 1,
    });
    const [record] = records("function");
    assert.equal(record.status, 200);
    assert.equal(record.attempts, 1);
    assert.equal(record.request_id, answer.headers.get("x-request-id"));
  });
});

Deno.test("the guide's image-analysis curl call → 200 with the guide's output fields", async () => {
  await withStack({}, async ({ stack, call }) => {
    const answer = await call(IMAGE, GUIDE_IMAGE_BODY);
    assert.equal(answer.status, 200, answer.text);
    const body = answer.json!;
    for (const field of GUIDE_IMAGE_FIELDS) {
      assert.ok(field in body, `missing ${field}`);
    }
    const probabilities = await imageClassProbabilities(
      encoder.encode("s3://bucket/image.jpg"),
    );
    assert.deepEqual(body.predictions, expectedPredictions(probabilities));
    assert.equal(body.model_version, null);
    assert.equal(body.invoked_variant, "AllTraffic");
    assert.equal(body.output_format, "image_classification");
    assert.equal(body.inference_time_ms, modelDuration(answer));
    assert.deepEqual(stack.standIn.stats().invocations, {
      "medical-image-classifier": 1,
    });
  });
});

Deno.test("risk score → 200 with the probability the model gives the documented CSV row", async () => {
  await withStack({}, async ({ call }) => {
    const answer = await call(RISK, { patient_data: RISK_PATIENT });
    assert.equal(answer.status, 200, answer.text);
    const expected = round4(adverseEventProbability(RISK_PATIENT_FEATURES));
    assert.deepEqual(answer.json, {
      risk_score: expected,
      risk_level: expected >= 0.75
        ? "critical"
        : expected >= 0.5
        ? "high"
        : expected >= 0.25
        ? "moderate"
        : "low",
      factors: [],
      model_version: null,
      invoked_variant: "AllTraffic",
      inference_time_ms: modelDuration(answer),
      output_format: "csv",
    });
    // Optional fields left out are sent as missing values, not zeros.
    const minimal = await call(RISK, {
      patient_data: {
        age: 30,
        gender: "other",
        heart_rate_bpm: 75,
        systolic_bp_mmhg: 120,
        diastolic_bp_mmhg: 80,
        respiratory_rate_per_min: 16,
        temperature_c: 37,
        spo2_percent: 98,
      },
    });
    assert.equal(minimal.status, 200, minimal.text);
    const row = [30, null, 75, 120, 80, 16, 37, 98, null, null, null];
    const features = [...row, ...Array(9).fill(0)];
    assert.equal(
      minimal.json!.risk_score,
      round4(adverseEventProbability(features)),
    );
  });
});

Deno.test("an inline PNG data: URL → 200, classified from its bytes", async () => {
  await withStack({}, async ({ call }) => {
    const answer = await call(IMAGE, {
      image_data: PNG_DATA_URL,
      image_type: "xray",
    });
    assert.equal(answer.status, 200, answer.text);
    const probabilities = await imageClassProbabilities(pngBytes());
    assert.deepEqual(
      answer.json!.predictions,
      expectedPredictions(probabilities),
    );
    // A JPEG claim over PNG bytes is refused before any call.
    const mismatch = await call(IMAGE, {
      image_data: PNG_DATA_URL.replace("image/png", "image/jpeg"),
      image_type: "xray",
    });
    assertProblem(mismatch, 422, "validation_failed");
  });
});

Deno.test("a 1 MiB inline image passes the stand-in's signature check and is classified", async () => {
  await withStack({}, async ({ stack, call }) => {
    const image = largePng(1024 * 1024);
    const answer = await call(IMAGE, {
      image_data: image.dataUrl,
      image_type: "ct",
    });
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(
      answer.json!.predictions,
      expectedPredictions(await imageClassProbabilities(image.bytes)),
    );
    assert.equal(stack.standIn.stats().total, 1);
  });
});

Deno.test("medical-triage-xgboost: multi:softprob output normalised to the guide's fields", async () => {
  await withStack({}, async ({ stack, call }) => {
    const answer = await call(TRIAGE, {
      ...FEVER_COUGH,
      endpoint: "medical-triage-xgboost",
    });
    assert.equal(answer.status, 200, answer.text);
    const p = triageClassProbabilities(guideAssessment().urgencyScore);
    const best = p.indexOf(Math.max(...p));
    const levels = ["low", "moderate", "high", "critical"];
    assert.deepEqual(answer.json, {
      urgency_score: round4(p.reduce((sum, pi, i) => sum + pi * i / 3, 0)),
      risk_level: levels[best],
      recommended_specialty: null,
      confidence: round4(p[best]),
      key_findings: [],
      model_version: null,
      invoked_variant: "AllTraffic",
      inference_time_ms: modelDuration(answer),
      output_format: "predictions",
      model_risk_level: levels[best],
      risk_level_source: "model",
      red_flags: [],
      red_flag_rules_version: answer.json!.red_flag_rules_version,
    });
    // The XGBoost stand-in's argmax agrees with the rule engine's level.
    assert.equal(answer.json!.risk_level, guideAssessment().riskLevel);
    assert.deepEqual(stack.standIn.stats().invocations, {
      "medical-triage-xgboost": 1,
    });
  });
});

// ------------------------------------------------------------ supabase-js

/** supabase-js as the app uses it: the publishable key, then a patient's password sign-in. */
async function signedInClient(stack: LocalStack) {
  const supabase = createClient(stack.url, stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const [patient] = stack.patients;
  const { error } = await supabase.auth.signInWithPassword({
    email: patient.email,
    password: patient.password,
  });
  assert.equal(error, null);
  return supabase;
}

Deno.test("supabase-js: sign in, then functions.invoke → data", async () => {
  await withStack({}, async ({ stack }) => {
    const supabase = await signedInClient(stack);
    const { data: { session } } = await supabase.auth.getSession();
    assert.equal(session?.user.id, stack.patients[0].id);
    // Supabase Auth's new signing keys: ES256 with a key id.
    assert.match(session!.access_token, /^eyJhbGciOiJFUzI1NiIs/);
    const { data, error } = await supabase.functions.invoke(TRIAGE, {
      body: FEVER_COUGH,
    });
    assert.equal(error, null);
    assert.equal(data.risk_level, guideAssessment().riskLevel);
    assert.equal(data.model_version, TRIAGE_MODEL_VERSION);
    assert.equal(data.urgency_score, round4(guideAssessment().urgencyScore));
  });
});

Deno.test("supabase-js: without signing in, the app's key alone is refused", async () => {
  await withStack({}, async ({ stack }) => {
    // The legacy anon key is a JWT: the gateway passes it, the function
    // refuses it because it names no patient.
    const anon = createClient(stack.url, stack.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    });
    const refused = await anon.functions.invoke(TRIAGE, { body: FEVER_COUGH });
    assert.ok(refused.error instanceof FunctionsHttpError);
    const context = refused.error.context as Response;
    assert.equal(context.status, 403);
    assert.equal((await context.json()).code, "sign_in_required");
    assert.equal(stack.standIn.stats().total, 0);
  });
});

Deno.test("supabase-js: a validation failure is a FunctionsHttpError whose context is the 422 problem", async () => {
  await withStack({}, async ({ stack }) => {
    const supabase = await signedInClient(stack);
    const { data, error } = await supabase.functions.invoke(TRIAGE, {
      body: { symptoms: [], patient_data: { age: -1, gender: "female" } },
    });
    assert.equal(data, null);
    assert.ok(error instanceof FunctionsHttpError, String(error));
    const context = error.context as Response;
    assert.equal(context.status, 422);
    assert.equal(
      context.headers.get("content-type"),
      "application/problem+json",
    );
    const problem = await context.json();
    assert.equal(problem.code, "validation_failed");
    assert.equal(problem.type, "urn:healthnav:problem:validation_failed");
    assert.equal(problem.request_id, context.headers.get("x-request-id"));
    assert.deepEqual(
      problem.errors.map((e: { path: string }) => e.path).sort(),
      ["patient_data.age", "symptoms"],
    );
    assert.equal(stack.standIn.stats().total, 0);
  });
});

// ----------------------------------------------------------------- faults

interface FaultCase {
  fault: FaultName;
  status: number;
  code: string;
  /** Invocations the gateway makes while the fault keeps recurring. */
  invocations: number;
  delayMs?: number;
}

// Each fault is queued 10 times: a retryable one must stop at 3 attempts
// (AWS standard mode), a non-retryable one at the first.
const FAULT_CASES: FaultCase[] = [
  { fault: "throttling", status: 429, code: "throttled", invocations: 3 },
  {
    fault: "model_not_ready",
    status: 503,
    code: "model_not_ready",
    invocations: 3,
  },
  { fault: "model_error", status: 502, code: "model_error", invocations: 1 },
  {
    fault: "internal_failure",
    status: 502,
    code: "sagemaker_internal_failure",
    invocations: 3,
  },
  {
    fault: "service_unavailable",
    status: 503,
    code: "sagemaker_unavailable",
    invocations: 3,
  },
  {
    fault: "internal_dependency",
    status: 502,
    code: "sagemaker_dependency_failure",
    invocations: 1,
  },
  {
    fault: "validation_error_body_form",
    status: 502,
    code: "sagemaker_validation_error",
    invocations: 1,
  },
  {
    fault: "slow",
    status: 504,
    code: "upstream_timeout",
    invocations: 3,
    delayMs: 30_000,
  },
  { fault: "drop", status: 502, code: "upstream_unreachable", invocations: 3 },
  {
    fault: "truncated",
    status: 502,
    code: "upstream_unreachable",
    invocations: 3,
  },
  {
    fault: "malformed",
    status: 502,
    code: "invalid_model_output",
    invocations: 1,
  },
  {
    fault: "oversized",
    status: 502,
    code: "upstream_response_too_large",
    invocations: 1,
  },
  { fault: "stall", status: 504, code: "upstream_timeout", invocations: 3 },
];

/** Attempt timeout for faults that never answer in time. */
const SHORT_TIMEOUT_MS = "150";

for (const { fault, status, code, invocations, delayMs } of FAULT_CASES) {
  const retried = invocations > 1 ? "retried to 3" : "not retried";
  Deno.test(`fault ${fault} → ${status} ${code}, ${retried}, then a normal call succeeds`, async () => {
    const timesOut = fault === "slow" || fault === "stall";
    const env = { SAGEMAKER_TIMEOUT_MS: timesOut ? SHORT_TIMEOUT_MS : "10000" };
    await withStack(
      { env },
      async ({ stack, call, records, assertNoLeaks }) => {
        const { standIn } = stack;
        standIn.faults.inject({
          fault,
          endpoint: TRIAGE_ENDPOINT,
          times: 10,
          delayMs,
        });
        const answer = await call(TRIAGE, markedTriageBody());
        assertProblem(answer, status, code);
        const stats = standIn.stats();
        assert.ok(stats.invocations[TRIAGE_ENDPOINT] <= 3);
        assert.equal(stats.invocations[TRIAGE_ENDPOINT], invocations);
        assert.equal(stats.faultsServed, invocations);
        assert.equal(standIn.faults.pending()[0].remaining, 10 - invocations);
        const [failed] = records("function");
        assert.equal(failed.attempts, invocations);
        assert.equal(failed.code, code);

        standIn.faults.clear();
        const ok = await call(TRIAGE, FEVER_COUGH);
        assert.equal(ok.status, 200, ok.text);
        assert.equal(ok.json!.risk_level, guideAssessment().riskLevel);
        assert.equal(
          standIn.stats().invocations[TRIAGE_ENDPOINT],
          invocations + 1,
        );
        // Neither the patient's words nor the model's error text leak.
        assertNoLeaks([...Object.values(PATIENT_MARKERS), "model crashed"]);
      },
    );
  });
}

Deno.test("one throttle is absorbed by a retry: 200 after 2 invocations", async () => {
  await withStack({}, async ({ stack, call, records }) => {
    stack.standIn.faults.inject({ fault: "throttling", times: 1 });
    const answer = await call(TRIAGE, FEVER_COUGH);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(stack.standIn.stats().total, 2);
    assert.equal(records("function")[0].attempts, 2);
  });
});

Deno.test("a slow model within the attempt timeout is simply waited for", async () => {
  await withStack(
    { env: { SAGEMAKER_TIMEOUT_MS: "10000" } },
    async ({ stack, call }) => {
      stack.standIn.faults.inject({ fault: "slow", delayMs: 50 });
      const answer = await call(TRIAGE, FEVER_COUGH);
      assert.equal(answer.status, 200, answer.text);
      assert.deepEqual(stack.standIn.stats(), {
        invocations: { [TRIAGE_ENDPOINT]: 1 },
        total: 1,
        faultsServed: 1,
      });
    },
  );
});

Deno.test("SAGEMAKER_DEADLINE_MS bounds the whole call, retries included → 504", async () => {
  const env = { SAGEMAKER_TIMEOUT_MS: "150", SAGEMAKER_DEADLINE_MS: "150" };
  // A 50 ms backoff cannot fit in what is left after the first attempt.
  const deps = { random: () => 0.5 };
  await withStack({ env, deps }, async ({ stack, call }) => {
    stack.standIn.faults.inject({ fault: "stall", times: 10 });
    const answer = await call(TRIAGE, FEVER_COUGH);
    assertProblem(answer, 504, "upstream_timeout");
    // The first attempt used the whole budget: nothing was left to retry with.
    assert.equal(stack.standIn.stats().total, 1);
  });
});

// ------------------------------------------------------------ the router

Deno.test("the gateway refuses missing, malformed, tampered, expired and alg-none JWTs with Supabase's 401", async () => {
  await withStack({}, async ({ stack, call, records }) => {
    const [header, payload] = stack.anonKey.split(".");
    const claims = JSON.parse(
      atob(payload.replace(/-/g, "+").replace(/_/g, "/")),
    );
    const tampered = [
      header,
      b64url({ ...claims, role: "service_role" }),
      stack.anonKey.split(".")[2],
    ].join(".");
    const expired = await mintKey(LOCAL_JWT_SECRET, "anon", {
      expiresInSeconds: -60,
    });
    const algNone = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(claims)}.`;
    const otherSecret = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .sign(encoder.encode("a-different-secret-of-at-least-32-characters"));
    const cases: [string, string | null, string][] = [
      ["missing", null, "UNAUTHORIZED_NO_AUTH_HEADER"],
      ["not bearer", `Basic ${btoa("a:b")}`, "UNAUTHORIZED_INVALID_JWT_FORMAT"],
      ["malformed", "Bearer not.a-jwt", "UNAUTHORIZED_INVALID_JWT_FORMAT"],
      ["tampered", `Bearer ${tampered}`, "UNAUTHORIZED_LEGACY_JWT"],
      ["other secret", `Bearer ${otherSecret}`, "UNAUTHORIZED_LEGACY_JWT"],
      ["expired", `Bearer ${expired}`, "UNAUTHORIZED_LEGACY_JWT"],
      [
        "alg none",
        `Bearer ${algNone}`,
        "UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM",
      ],
    ];
    for (const [what, authorization, code] of cases) {
      const answer = await call(TRIAGE, FEVER_COUGH, { authorization });
      assert.equal(answer.status, 401, `${what}: ${answer.text}`);
      assert.equal(answer.json!.code, code, what);
      assert.equal(answer.headers.get("sb-error-code"), code, what);
    }
    // None of them reached a function or the model.
    assert.equal(records("function").length, 0);
    assert.equal(stack.standIn.stats().total, 0);
    // The service_role key passes the gateway, but names no patient: the
    // function refuses it.
    const service = await call(TRIAGE, FEVER_COUGH, {
      authorization: `Bearer ${stack.serviceRoleKey}`,
    });
    assert.equal(service.status, 403, service.text);
    assert.equal(service.json!.code, "sign_in_required");
    assert.equal(stack.standIn.stats().total, 0);
  });
});

Deno.test("CORS preflight passes the router without a JWT", async () => {
  const env = { CORS_ALLOWED_ORIGINS: "http://localhost:8081" };
  await withStack({ env }, async ({ stack }) => {
    const response = await fetch(`${stack.url}/functions/v1/${TRIAGE}`, {
      method: "OPTIONS",
      headers: {
        origin: "http://localhost:8081",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    await response.body?.cancel();
    assert.equal(response.status, 204);
    assert.equal(
      response.headers.get("access-control-allow-origin"),
      "http://localhost:8081",
    );
  });
});

// ------------------------------------------------------------ credentials

Deno.test("a request signed with the wrong secret is refused by the stand-in → 502 upstream_auth_failed", async () => {
  const wrong = "wrong-secret-key-MARKER-0123456789abcdef";
  await withStack({ env: { AWS_SECRET_ACCESS_KEY: wrong } }, async (h) => {
    const answer = await h.call(TRIAGE, FEVER_COUGH);
    assertProblem(answer, 502, "upstream_auth_failed");
    // Refused at the door: one request, no invocation counted, no retry.
    const refused = h.records("stand-in").filter((r) =>
      r.path === `/endpoints/${TRIAGE_ENDPOINT}/invocations`
    );
    assert.equal(refused.length, 1);
    assert.equal(refused[0].status, 403);
    assert.equal(h.stack.standIn.stats().total, 0);
    const [record] = h.records("function");
    assert.equal(record.aws_code, "InvalidSignatureException");
    assert.equal(record.attempts, 1);
    h.assertNoLeaks([wrong, "MARKER"]);
  });
});

Deno.test("an unknown access key id is refused the same way", async () => {
  await withStack(
    { env: { AWS_ACCESS_KEY_ID: "AKIAUNKNOWNKEY000001" } },
    async (h) => {
      const answer = await h.call(TRIAGE, FEVER_COUGH);
      assertProblem(answer, 502, "upstream_auth_failed");
      assert.equal(
        h.records("function")[0].aws_code,
        "UnrecognizedClientException",
      );
    },
  );
});

// ------------------------------------------------------------------- logs

Deno.test("no log line of router, function or stand-in carries patient data or secrets", async () => {
  await withStack({}, async ({ stack, call, logs, records, assertNoLeaks }) => {
    assert.equal((await call(TRIAGE, markedTriageBody())).status, 200);
    stack.standIn.faults.inject({ fault: "model_error" });
    assert.equal((await call(TRIAGE, markedTriageBody())).status, 502);
    assert.equal(
      (await call(RISK, { patient_data: RISK_PATIENT })).status,
      200,
    );
    assert.ok(records("router").length >= 3);
    assert.equal(records("function").length, 3);
    assert.ok(records("stand-in").length >= 3);
    for (const line of logs) JSON.parse(line);
    assertNoLeaks([
      ...Object.values(PATIENT_MARKERS),
      "local-stand-in-secret-not-an-aws-key",
      stack.anonKey,
      "model crashed",
      "38.4",
    ]);
  });
});
