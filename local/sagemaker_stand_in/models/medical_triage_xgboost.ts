/**
 * `medical-triage-xgboost`: stands in for the built-in XGBoost container with
 * objective multi:softprob over 4 classes [low, moderate, high, critical].
 *
 * It takes the guide's JSON input, or several as JSON Lines (a real XGBoost
 * container would want CSV or libsvm; the stand-in keeps the triage input so
 * both triage endpoints are interchangeable) and answers in XGBoost's own
 * output formats, one row per input: CSV, JSON, or JSON Lines in the shape
 * of XGBoost's selectable output (`predicted_label`, `probabilities`).
 *
 * NON-CLINICAL: probabilities come from the keyword rules in triage_rules.ts.
 *
 * @module
 */

import {
  answer,
  float32,
  formatFloat,
  type ModelInput,
  type ModelOutput,
  negotiateAccept,
  type ReferenceModel,
  softmax,
  unsupportedAccept,
} from "./model.ts";
import { assessTriage, RISK_LEVELS } from "./triage_rules.ts";
import { decodeTriageRequest, JSON_LINES } from "./triage_request.ts";

const RESPONSE_TYPES = ["text/csv", "application/json", JSON_LINES] as const;

// Class centres on the urgency scale; midpoints fall on the rule engine's
// cut points (0.3, 0.6, 0.8) so argmax agrees with risk_level.
const CLASS_CENTRES = [0.15, 0.45, 0.75, 0.85];
const SHARPNESS = 0.02;

/** multi:softprob probabilities for [low, moderate, high, critical]. */
export function triageClassProbabilities(urgency: number): number[] {
  const logits = CLASS_CENTRES.map((c) => -((urgency - c) ** 2) / SHARPNESS);
  return softmax(logits).map(float32);
}

/** Creates the XGBoost multi:softprob triage stand-in. */
export function createMedicalTriageXgboost(): ReferenceModel {
  return {
    endpointName: "medical-triage-xgboost",
    invoke(input: ModelInput): Promise<ModelOutput> {
      const decoded = decodeTriageRequest(input);
      if (!decoded.ok) return Promise.resolve(decoded.error);
      // XGBoost answers CSV unless JSON is asked for.
      const responseType = negotiateAccept(
        input.accept,
        RESPONSE_TYPES,
        "text/csv",
      );
      if (responseType === undefined) {
        return Promise.resolve(unsupportedAccept(input.accept, RESPONSE_TYPES));
      }
      // One row of probabilities per input (several with JSON Lines input).
      const rows = decoded.triages.map((triage) =>
        triageClassProbabilities(assessTriage(triage).urgencyScore)
      );
      if (responseType === "application/json") {
        const predictions = rows.map((score) => ({ score }));
        return Promise.resolve(
          answer("application/json", JSON.stringify({ predictions })),
        );
      }
      if (responseType === JSON_LINES) {
        // XGBoost's selectable output (predicted_label,probabilities) as JSON Lines.
        const lines = rows.map((probabilities) =>
          JSON.stringify({
            predicted_label: probabilities.indexOf(Math.max(...probabilities)),
            probabilities,
          }) + "\n"
        );
        return Promise.resolve(answer(JSON_LINES, lines.join("")));
      }
      return Promise.resolve(
        answer(
          "text/csv",
          rows.map((scores) => scores.map(formatFloat).join(",") + "\n")
            .join(""),
        ),
      );
    },
  };
}

/** Class order of the probabilities, re-exported for callers and tests. */
export const TRIAGE_CLASSES = RISK_LEVELS;
