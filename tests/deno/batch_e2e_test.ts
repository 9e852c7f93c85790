/**
 * Batch predictions end to end: router (verify_jwt) → function → ONE signed
 * call to the SageMaker stand-in per batch (JSON Lines for triage, CSV rows
 * for risk) → `{"results": [...]}` in request order. Expected scores are
 * recomputed from the stand-in's own (non-clinical) rules.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/batch_e2e_test.ts
 */
import assert from "node:assert/strict";
import { TRIAGE_MODEL_VERSION } from "../../local/sagemaker_stand_in/mod.ts";
import { assessTriage } from "../../local/sagemaker_stand_in/models/triage_rules.ts";
import { triageClassProbabilities } from "../../local/sagemaker_stand_in/models/medical_triage_xgboost.ts";
import { adverseEventProbability } from "../../local/sagemaker_stand_in/models/patient_risk_scorer.ts";
import {
  markedTriageBody,
  PATIENT_MARKERS,
  RISK_PATIENT,
  RISK_PATIENT_FEATURES,
  round4,
} from "./helpers/payloads.ts";
import { type HttpAnswer, withStack } from "./helpers/stack.ts";

const TRIAGE = "sagemaker-triage";
const RISK = "sagemaker-risk-score";

const FEVER = {
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" as const },
};
const CHEST = { symptoms: ["chest pain"], age: 70, gender: "male" as const };
const INVALID_TRIAGE = { symptoms: [], patient_data: { age: 35 } };
const INVALID_TRIAGE_ERRORS = [
  {
    path: "patients[1].symptoms",
    code: "too_few_items",
    message: "must have at least 1 item",
  },
  {
    path: "patients[1].patient_data.gender",
    code: "required",
    message: "is required",
  },
];

function triageInput(body: typeof FEVER | typeof CHEST) {
  const patient = "patient_data" in body ? body.patient_data : body;
  return {
    symptoms: body.symptoms,
    age: patient.age,
    gender: patient.gender,
    medical_history: [],
    current_medications: [],
  };
}

function results(answer: HttpAnswer) {
  assert.equal(answer.status, 200, answer.text);
  return answer.json!.results as {
    index: number;
    ok: boolean;
    result?: Record<string, unknown>;
    errors?: unknown[];
  }[];
}

function assertProblem(answer: HttpAnswer, status: number, code: string) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get("content-type"), "application/problem+json");
  assert.equal(answer.json?.code, code, answer.text);
}

Deno.test("a triage batch is one JSON Lines call; each valid patient gets the guide's output in its slot", async () => {
  await withStack({}, async ({ stack, call, records }) => {
    const answer = await call(TRIAGE, {
      patients: [FEVER, INVALID_TRIAGE, CHEST],
    });
    const slots = results(answer);
    assert.deepEqual(slots.map((s) => [s.index, s.ok]), [
      [0, true],
      [1, false],
      [2, true],
    ]);
    assert.deepEqual(slots[1].errors, INVALID_TRIAGE_ERRORS);
    for (
      const [slot, body] of [[slots[0], FEVER], [slots[2], CHEST]] as const
    ) {
      const expected = assessTriage(triageInput(body));
      assert.equal(slot.result!.urgency_score, round4(expected.urgencyScore));
      assert.equal(slot.result!.risk_level, expected.riskLevel);
      assert.equal(slot.result!.recommended_specialty, expected.specialty);
      assert.deepEqual(slot.result!.key_findings, expected.keyFindings);
      assert.equal(slot.result!.model_version, TRIAGE_MODEL_VERSION);
      assert.equal(slot.result!.output_format, "custom_json");
    }
    // One SageMaker invocation for the whole batch.
    assert.deepEqual(stack.standIn.stats().invocations, {
      "medical-triage-endpoint": 1,
    });
    const [record] = records("function");
    assert.equal(record.status, 200);
    assert.equal(record.attempts, 1);
  });
});

Deno.test("a triage batch to the XGBoost endpoint reads its JSON Lines probabilities, each patient floored by its own red flags", async () => {
  await withStack({}, async ({ call }) => {
    const answer = await call(TRIAGE, {
      endpoint: "medical-triage-xgboost",
      patients: [CHEST, FEVER],
    });
    const slots = results(answer);
    const levels = ["low", "moderate", "high", "critical"];
    for (
      const [slot, body, flags] of [
        [slots[0], CHEST, ["heart_attack_chest_discomfort"]],
        [slots[1], FEVER, []],
      ] as const
    ) {
      const p = triageClassProbabilities(
        assessTriage(triageInput(body)).urgencyScore,
      );
      const best = p.indexOf(Math.max(...p));
      const urgency = p.reduce((sum, pi, i) => sum + pi * i / 3, 0);
      const result = slot.result as Record<string, unknown>;
      assert.deepEqual(
        {
          urgency_score: result.urgency_score,
          model_risk_level: result.model_risk_level,
          confidence: result.confidence,
          model_version: result.model_version,
          invoked_variant: result.invoked_variant,
          output_format: result.output_format,
        },
        {
          urgency_score: round4(urgency),
          model_risk_level: levels[best],
          confidence: round4(p[best]),
          model_version: null,
          invoked_variant: "AllTraffic",
          output_format: "probabilities",
        },
      );
      assert.deepEqual(
        (result.red_flags as { id: string }[]).map((flag) => flag.id),
        flags,
      );
      // A heart-attack warning sign floors the answer at critical.
      const expected = flags.length > 0 ? "critical" : levels[best];
      assert.equal(result.risk_level, expected);
    }
  });
});

Deno.test("a risk batch of 100 is one CSV call with 100 rows, results in order", async () => {
  await withStack({}, async ({ stack, call }) => {
    const patients = Array.from({ length: 100 }, (_, i) => ({
      patient_data: { ...RISK_PATIENT, age: 20 + (i % 60) },
    }));
    patients[42] = { patient_data: { ...RISK_PATIENT, age: 131 } };
    const slots = results(await call(RISK, { patients }));
    assert.equal(slots.length, 100);
    for (const slot of slots) {
      if (slot.index === 42) {
        assert.equal(slot.ok, false);
        assert.deepEqual(slot.errors, [{
          path: "patients[42].patient_data.age",
          code: "out_of_range",
          message: "must be between 0 and 130",
        }]);
        continue;
      }
      const features = [
        20 + (slot.index % 60),
        ...RISK_PATIENT_FEATURES.slice(1),
      ];
      assert.equal(
        slot.result!.risk_score,
        round4(adverseEventProbability(features)),
        `slot ${slot.index}`,
      );
    }
    assert.deepEqual(stack.standIn.stats().invocations, {
      "patient-risk-scorer": 1,
    });
  });
});

Deno.test("batch limits and the all-invalid batch are 422 without a SageMaker call", async () => {
  await withStack({}, async ({ stack, call }) => {
    const tooMany = await call(RISK, {
      patients: Array.from(
        { length: 101 },
        () => ({ patient_data: RISK_PATIENT }),
      ),
    });
    assertProblem(tooMany, 422, "validation_failed");
    assert.deepEqual(tooMany.json!.errors, [{
      path: "patients",
      code: "too_many_items",
      message: "must have at most 100 items",
    }]);
    const allInvalid = await call(TRIAGE, {
      patients: [{ symptoms: ["x"] }, { ...CHEST, endpoint: "medical-x" }],
    });
    assertProblem(allInvalid, 422, "validation_failed");
    assert.deepEqual(
      (allInvalid.json!.errors as { path: string }[]).map((e) => e.path),
      ["patients[0].age", "patients[0].gender", "patients[1].endpoint"],
    );
    assert.equal(stack.standIn.stats().total, 0);
  });
});

Deno.test("a small batch body cannot buy a huge answer: at most 100 field errors, then truncated", async () => {
  await withStack({}, async ({ stack, call }) => {
    // 99 patients with many invented, long, bidi-laden field names and one
    // valid patient: about 90 KB of body, thousands of problems.
    const invented = (i: number) => `\u202e${"x".repeat(60)}${i}`;
    const bad = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [invented(i), 1]),
    );
    const patients = [
      ...Array.from({ length: 99 }, () => ({ ...CHEST, ...bad })),
      CHEST,
    ];
    const body = JSON.stringify({ patients });
    assert.ok(body.length < 100_000, `${body.length} bytes`);
    const answer = await call(TRIAGE, body);
    assert.equal(answer.status, 200, answer.text.slice(0, 300));
    const slots = answer.json!.results as {
      ok: boolean;
      errors?: { path: string }[];
    }[];
    const errors = slots.flatMap((slot) => slot.errors ?? []);
    assert.equal(errors.length, 100);
    assert.equal(answer.json!.truncated, true);
    assert.ok(
      slots.slice(0, 99).every((slot) => !slot.ok && slot.errors!.length > 0),
    );
    assert.ok(
      answer.text.length < 40_000,
      `${answer.text.length} bytes answered`,
    );
    for (const { path } of errors) {
      assert.ok(!path.includes("\u202e"), path);
      assert.ok(path.length <= "patients[99].".length + 41, path);
    }
    assert.equal(stack.standIn.stats().total, 1);
  });
});

Deno.test("a batch the model fails as a whole: the SageMaker error plus the refused slots", async () => {
  await withStack({}, async ({ stack, call }) => {
    stack.standIn.faults.inject({
      fault: "model_error",
      endpoint: "patient-risk-scorer",
    });
    const answer = await call(RISK, {
      patients: [{ patient_data: RISK_PATIENT }, {
        patient_data: { ...RISK_PATIENT, spo2_percent: 101 },
      }],
    });
    assertProblem(answer, 502, "model_error");
    assert.deepEqual(answer.json!.errors, [{
      path: "patients[1].patient_data.spo2_percent",
      code: "out_of_range",
      message: "must be between 50 and 100",
    }]);
    // A retryable failure is retried like a single request.
    stack.standIn.faults.inject({
      fault: "throttling",
      endpoint: "patient-risk-scorer",
    });
    const retried = await call(RISK, {
      patients: [{ patient_data: RISK_PATIENT }],
    });
    assert.equal(retried.status, 200, retried.text);
  });
});

Deno.test("no patient field of a batch reaches an answer header or a log line", async () => {
  await withStack({}, async ({ call, assertNoLeaks }) => {
    const marked = markedTriageBody();
    const answer = await call(TRIAGE, {
      patients: [marked, { ...marked, symptoms: [] }],
    });
    assert.equal(answer.status, 200);
    // Answers carry the model's results and field paths, never the inputs;
    // logs carry neither.
    assertNoLeaks(Object.values(PATIENT_MARKERS));
  });
});
