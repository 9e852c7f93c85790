/**
 * `patient-risk-scorer`: stands in for the built-in XGBoost container with
 * objective binary:logistic over 20 CSV features, answering the probability of
 * an adverse event, one line per input row.
 *
 * NON-CLINICAL: a fixed hand-written logistic formula (see RISK_FEATURES),
 * not a trained or validated model.
 *
 * @module
 */

import {
  answer,
  containerError,
  float32,
  formatFloat,
  mediaType,
  type ModelInput,
  type ModelOutput,
  negotiateAccept,
  type ReferenceModel,
  unsupportedAccept,
  unsupportedContentType,
} from "./model.ts";

/**
 * One feature: its CSV column name and its contribution to the log-odds.
 * An empty field is "missing" and contributes nothing, mirroring how XGBoost
 * routes missing values down a default branch.
 */
interface RiskFeature {
  name: string;
  logOdds: (value: number) => number;
}

const above = (x: number, limit: number) => Math.max(0, x - limit);
const below = (x: number, limit: number) => Math.max(0, limit - x);
const flag = (weight: number) => (x: number) => weight * x;

/** Column order of the CSV row (20 features). */
export const RISK_FEATURES: readonly RiskFeature[] = [
  { name: "age_years", logOdds: (x) => 0.04 * (x - 50) },
  { name: "sex_male", logOdds: flag(0.2) },
  { name: "heart_rate_bpm", logOdds: (x) => 0.025 * Math.abs(x - 75) },
  {
    name: "systolic_bp_mmhg",
    logOdds: (x) => 0.015 * above(x, 130) + 0.04 * below(x, 100),
  },
  { name: "diastolic_bp_mmhg", logOdds: (x) => 0.01 * above(x, 85) },
  { name: "respiratory_rate_per_min", logOdds: (x) => 0.12 * Math.abs(x - 16) },
  { name: "temperature_c", logOdds: (x) => 0.5 * Math.abs(x - 37) },
  { name: "spo2_percent", logOdds: (x) => 0.25 * below(x, 95) },
  { name: "bmi_kg_m2", logOdds: (x) => 0.04 * Math.abs(x - 25) },
  { name: "smoking_current", logOdds: flag(0.6) },
  { name: "smoking_former", logOdds: flag(0.25) },
  { name: "diabetes", logOdds: flag(0.5) },
  { name: "hypertension", logOdds: flag(0.35) },
  { name: "copd", logOdds: flag(0.6) },
  { name: "chronic_kidney_disease", logOdds: flag(0.55) },
  { name: "heart_failure", logOdds: flag(0.8) },
  { name: "coronary_artery_disease", logOdds: flag(0.6) },
  { name: "cancer", logOdds: flag(0.7) },
  { name: "stroke", logOdds: flag(0.6) },
  { name: "asthma", logOdds: flag(0.25) },
];

const INTERCEPT = -2.2;
const REQUEST_TYPES = ["text/csv"] as const;
const RESPONSE_TYPES = ["text/csv", "application/json"] as const;
const NUMBER_PATTERN = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Probability of an adverse event for one row (null = missing feature). */
export function adverseEventProbability(
  features: readonly (number | null)[],
): number {
  let z = INTERCEPT;
  features.forEach((value, i) => {
    if (value !== null) z += RISK_FEATURES[i].logOdds(value);
  });
  return float32(1 / (1 + Math.exp(-z)));
}

/** XGBoost's wording when a payload cannot be scored. */
function unableToEvaluate(reason: string): ModelOutput {
  return containerError(400, `Unable to evaluate payload provided: ${reason}`);
}

/** Parses CSV rows into feature vectors, or returns the container's error. */
function parseRows(body: Uint8Array): (number | null)[][] | ModelOutput {
  const text = new TextDecoder().decode(body);
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) return unableToEvaluate("empty payload");
  const rows: (number | null)[][] = [];
  for (const [index, line] of lines.entries()) {
    const fields = line.split(",").map((f) => f.trim());
    if (fields.length !== RISK_FEATURES.length) {
      return unableToEvaluate(
        `Feature size of csv inference data ${fields.length} is not consistent ` +
          `with feature size of trained model ${RISK_FEATURES.length}.`,
      );
    }
    const row: (number | null)[] = [];
    for (const [column, field] of fields.entries()) {
      if (field === "") {
        row.push(null);
      } else if (NUMBER_PATTERN.test(field)) {
        row.push(Number(field));
      } else {
        return unableToEvaluate(
          `could not convert string to float in row ${index + 1}, ` +
            `column ${column + 1} (${RISK_FEATURES[column].name})`,
        );
      }
    }
    rows.push(row);
  }
  return rows;
}

/** Creates the binary:logistic risk scorer stand-in. */
export function createPatientRiskScorer(): ReferenceModel {
  return {
    endpointName: "patient-risk-scorer",
    invoke(input: ModelInput): Promise<ModelOutput> {
      if (mediaType(input.contentType) !== "text/csv") {
        return Promise.resolve(
          unsupportedContentType(input.contentType, REQUEST_TYPES),
        );
      }
      const responseType = negotiateAccept(
        input.accept,
        RESPONSE_TYPES,
        "text/csv",
      );
      if (responseType === undefined) {
        return Promise.resolve(unsupportedAccept(input.accept, RESPONSE_TYPES));
      }
      const rows = parseRows(input.body);
      if (!Array.isArray(rows)) return Promise.resolve(rows);
      const scores = rows.map(adverseEventProbability);
      if (responseType === "application/json") {
        const predictions = scores.map((score) => ({ score }));
        return Promise.resolve(
          answer("application/json", JSON.stringify({ predictions })),
        );
      }
      return Promise.resolve(
        answer("text/csv", scores.map(formatFloat).join("\n") + "\n"),
      );
    },
  };
}
