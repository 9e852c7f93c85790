/**
 * The app's client (client/dist, the committed bundle) against the whole
 * local stack through a real `@supabase/supabase-js` client signed in as a
 * user: every call, batches, and every kind of failure as one HealthNavError.
 * Asynchronous images: healthnav_client_async_test.ts.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/healthnav_client_test.ts
 */
import assert from "node:assert/strict";
import {
  HealthNavError,
  isHealthNavError,
} from "../../client/dist/healthnav-client.js";
import { withStack } from "./helpers/stack.ts";
import {
  appClient,
  assertValidAnswer,
  rejection,
} from "./helpers/app_client.ts";
import { pngBytes } from "./helpers/payloads.ts";
import { legacyToken } from "./helpers/tokens.ts";

const TRIAGE = "sagemaker-triage";
const IMAGE = "sagemaker-image-analysis";
const RISK = "sagemaker-risk-score";

const GUIDE_TRIAGE = {
  symptoms: ["chest pain", "shortness of breath"],
  patient_data: {
    age: 45,
    gender: "male" as const,
    medical_history: ["hypertension"],
    current_medications: ["lisinopril"],
  },
};
const RISK_PATIENT = {
  patient_data: {
    age: 67,
    gender: "male" as const,
    heart_rate_bpm: 112,
    systolic_bp_mmhg: 165,
    diastolic_bp_mmhg: 95,
    respiratory_rate_per_min: 24,
    temperature_c: 38.4,
    spo2_percent: 91,
    smoking_status: "current" as const,
    chronic_conditions: ["diabetes" as const],
  },
};

/** A HealthNavError with these fields. */
function assertHealthNavError(
  error: unknown,
  expected: { status: number; code: string },
): asserts error is HealthNavError {
  assert.ok(error instanceof HealthNavError, String(error));
  assert.ok(isHealthNavError(error));
  assert.equal(error.status, expected.status, error.message);
  assert.equal(error.code, expected.code, error.message);
}

Deno.test("client: triage, risk score and image analysis return the guide's results", async () => {
  await withStack({}, async ({ stack, assertNoLeaks }) => {
    const healthNav = await appClient(stack);

    const triage = await healthNav.triage(GUIDE_TRIAGE);
    assertValidAnswer(TRIAGE, triage);
    assert.ok(
      ["low", "moderate", "high", "critical"].includes(triage.risk_level),
    );
    const flat = await healthNav.triage({
      symptoms: ["fever", "cough"],
      age: 35,
      gender: "female",
    });
    assertValidAnswer(TRIAGE, flat);

    const risk = await healthNav.riskScore(RISK_PATIENT);
    assertValidAnswer(RISK, risk);
    assert.ok(risk.risk_score >= 0 && risk.risk_score <= 1);

    const png = btoa(String.fromCharCode(...pngBytes()));
    for (
      const image_data of [
        // The guide's own bucket, which the local stack allows.
        "s3://bucket/image.jpg",
        `data:image/png;base64,${png}`,
      ]
    ) {
      const image = await healthNav.analyzeImage({
        image_data,
        image_type: "xray",
      });
      assertValidAnswer(IMAGE, image);
      assert.ok(image.predictions.length > 0);
    }
    assert.equal(stack.standIn.stats().total, 5);
    // Nothing the app sent appears in a log line.
    assertNoLeaks([
      "shortness of breath",
      "lisinopril",
      "p1.png",
      png.slice(0, 24),
    ]);
  });
});

Deno.test("client: batches keep input order and report refused patients in their slots", async () => {
  await withStack({}, async ({ stack }) => {
    const healthNav = await appClient(stack);
    const triage = await healthNav.triageBatch({
      patients: [GUIDE_TRIAGE, {
        symptoms: ["fever"],
        age: 131,
        gender: "female",
      }],
    });
    assertValidAnswer(TRIAGE, triage);
    assert.deepEqual(triage.results.map((r) => [r.index, r.ok]), [[0, true], [
      1,
      false,
    ]]);
    const refused = triage.results[1];
    assert.ok(!refused.ok);
    assert.deepEqual(refused.errors.map((e) => [e.path, e.code]), [
      ["patients[1].age", "out_of_range"],
    ]);

    const risk = await healthNav.riskScoreBatch({
      patients: [RISK_PATIENT, RISK_PATIENT],
    });
    assertValidAnswer(RISK, risk);
    assert.ok(risk.results.every((r) => r.ok));
    assert.deepEqual(stack.standIn.stats().invocations, {
      "medical-triage-endpoint": 1,
      "patient-risk-scorer": 1,
    });
  });
});

Deno.test("client: a 422 is a HealthNavError with every field error and the request id", async () => {
  await withStack({}, async ({ stack, records }) => {
    const healthNav = await appClient(stack);
    const error = await rejection(
      healthNav.triage({
        symptoms: [],
        patient_data: { age: -1, gender: "female" },
      }),
    );
    assertHealthNavError(error, { status: 422, code: "validation_failed" });
    assert.deepEqual(error.errors.map((e) => [e.path, e.code]).sort(), [
      ["patient_data.age", "out_of_range"],
      ["symptoms", "too_few_items"],
    ]);
    assert.equal(error.detail, "The request body has invalid fields.");
    // The id the function logged: what support finds the request by.
    assert.deepEqual(records("function").map((r) => r.request_id), [
      error.requestId,
    ]);
    assert.equal(stack.standIn.stats().total, 0);
  });
});

Deno.test("client: a refused token is a HealthNavError with the gateway's or the function's code", async () => {
  await withStack({}, async ({ stack }) => {
    // Signed with the wrong secret: Supabase's gateway refuses it.
    const forged = await legacyToken(
      { sub: "someone", role: "authenticated" },
      { secret: "not-the-project-secret-but-32-characters", nowMs: Date.now() },
    );
    const gateway = await appClient(stack, { token: forged });
    const refused = await rejection(gateway.triage(GUIDE_TRIAGE));
    assertHealthNavError(refused, {
      status: 401,
      code: "UNAUTHORIZED_LEGACY_JWT",
    });
    assert.equal(refused.detail, "Invalid JWT");
    // The app's key without a sign-in: the function refuses it, with its request id.
    const anonymous = await appClient(stack, { token: stack.anonKey });
    const error = await rejection(anonymous.triage(GUIDE_TRIAGE));
    assertHealthNavError(error, { status: 403, code: "sign_in_required" });
    assert.match(error.requestId ?? "", /^[0-9a-f-]{36}$/);
  });
});

Deno.test("client: a gateway it cannot reach is network_error, a slow one timeout", async () => {
  await withStack({}, async ({ stack }) => {
    // A port nothing listens on: the connection is refused.
    const closed = await appClient(stack, { url: "http://127.0.0.1:9" });
    const refused = await rejection(closed.triage(GUIDE_TRIAGE));
    assertHealthNavError(refused, { status: 0, code: "network_error" });
    assert.ok(refused.cause, "the fetch failure is kept as the cause");

    stack.standIn.faults.inject({ fault: "slow", delayMs: 1_500 });
    const healthNav = await appClient(stack, { timeoutMs: 300 });
    const started = Date.now();
    const slow = await rejection(healthNav.triage(GUIDE_TRIAGE));
    assertHealthNavError(slow, { status: 0, code: "timeout" });
    assert.ok(Date.now() - started < 2_000, "gave up on time");
  });
});

Deno.test("client: a 429 or 503 with Retry-After is retried after that wait, a 502 is not", async () => {
  // One SageMaker attempt per request, so a single fault reaches the app.
  await withStack(
    { env: { SAGEMAKER_MAX_ATTEMPTS: "1" } },
    async ({ stack }) => {
      const healthNav = await appClient(stack);
      for (const fault of ["throttling", "model_not_ready"] as const) {
        stack.standIn.resetStats();
        stack.standIn.faults.inject({ fault });
        const started = Date.now();
        const result = await healthNav.riskScore(RISK_PATIENT);
        assertValidAnswer(RISK, result);
        assert.equal(stack.standIn.stats().total, 2, fault);
        assert.ok(
          Date.now() - started >= 1_000,
          `${fault}: waited Retry-After: 1`,
        );
      }

      stack.standIn.resetStats();
      stack.standIn.faults.inject({ fault: "throttling" });
      const noRetries = await appClient(stack, { maxRetries: 0 });
      const throttled = await rejection(noRetries.riskScore(RISK_PATIENT));
      assertHealthNavError(throttled, { status: 429, code: "throttled" });
      assert.equal(throttled.retryAfterSeconds, 1);

      stack.standIn.resetStats();
      stack.standIn.faults.inject({ fault: "model_error" });
      const failed = await rejection(healthNav.riskScore(RISK_PATIENT));
      assertHealthNavError(failed, { status: 502, code: "model_error" });
      assert.equal(
        stack.standIn.stats().total,
        1,
        "a model error is not retried",
      );
    },
  );
});
