/**
 * The generated response schemas accept the integration guide's own output
 * examples (fields the gateway adds are optional) and the gateway's answers,
 * and refuse what breaks their rules.
 *
 * Run: deno test --allow-read client/test/response_schema_test.ts
 */
import assert from "node:assert/strict";
import { compileSchema, responseSchema } from "./differential/verdicts.ts";

/** The guide's triage "Output Format", verbatim. */
const GUIDE_TRIAGE = {
  urgency_score: 0.92,
  risk_level: "critical",
  recommended_specialty: "Cardiology",
  confidence: 0.94,
  key_findings: ["High cardiac risk detected"],
  model_version: "1.2.0",
  inference_time_ms: 45,
};
/** The guide's image "Output Format", verbatim. */
const GUIDE_IMAGE = {
  predictions: [{
    condition: "pneumonia",
    confidence: 0.87,
    severity: "moderate",
  }],
  model_version: "2.0.1",
  inference_time_ms: 120,
};
/** A risk answer as the gateway gives it (the guide has no risk format). */
const GATEWAY_RISK = {
  risk_score: 0.987,
  risk_level: "critical",
  factors: [],
  model_version: "AllTraffic",
  inference_time_ms: 14,
  output_format: "csv",
};

const triage = compileSchema(responseSchema("sagemaker-triage"));
const image = compileSchema(responseSchema("sagemaker-image-analysis"));
const risk = compileSchema(responseSchema("sagemaker-risk-score"));

Deno.test("the guide's output examples are valid answers", () => {
  assert.ok(triage(GUIDE_TRIAGE));
  assert.ok(image(GUIDE_IMAGE));
  assert.ok(triage({ ...GUIDE_TRIAGE, output_format: "custom_json" }));
});

Deno.test("what a raw container gives (nulls, no severity grade) and the other 2xx answers are valid", () => {
  assert.ok(triage({
    ...GUIDE_TRIAGE,
    recommended_specialty: null,
    confidence: null,
    key_findings: [],
    model_version: null,
  }));
  assert.ok(image({
    ...GUIDE_IMAGE,
    predictions: [{ condition: "normal", confidence: 0.6, severity: null }],
  }));
  assert.ok(risk(GATEWAY_RISK));
  assert.ok(risk({
    results: [
      { index: 0, ok: true, result: GATEWAY_RISK },
      {
        index: 1,
        ok: false,
        errors: [{
          path: "patients[1].age",
          code: "out_of_range",
          message: "must be between 0 and 130",
        }],
      },
    ],
  }));
  assert.ok(
    image({ status: "pending", id: "v1.abc.def", inference_id: "9f1c" }),
  );
  assert.ok(image({ status: "pending", id: "v1.abc.def" }));
});

Deno.test("answers that break the rules are refused", () => {
  assert.ok(!triage({ ...GUIDE_TRIAGE, risk_level: "urgent" }));
  assert.ok(!triage({ ...GUIDE_TRIAGE, confidence: 1.5 }));
  assert.ok(!triage({ ...GUIDE_TRIAGE, inference_time_ms: 4.5 }));
  const { urgency_score: _, ...withoutScore } = GUIDE_TRIAGE;
  assert.ok(!triage(withoutScore));
  assert.ok(
    !image({
      ...GUIDE_IMAGE,
      predictions: [{ condition: "x", confidence: 0.5, severity: "grave" }],
    }),
  );
  assert.ok(!image({ status: "done", id: "v1.a.b" }));
  assert.ok(!risk({ results: [{ index: 0, ok: true, errors: [] }] }));
});
