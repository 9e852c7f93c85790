/**
 * Request bodies shared by the edge-function and end-to-end tests: the
 * integration guide's two test calls verbatim, a risk-score patient, an
 * inline PNG, and marker values that must never show up in logs.
 *
 * @module
 */
import assert from "node:assert/strict";

/** The guide's "Test Triage Endpoint" curl body, byte for byte. */
export const GUIDE_TRIAGE_BODY = `{
    "symptoms": ["fever", "cough"],
    "patient_data": {"age": 35, "gender": "female"},
    "endpoint": "medical-triage-endpoint"
  }`;

/** The guide's "Test Image Analysis" curl body, byte for byte. */
export const GUIDE_IMAGE_BODY = `{
    "image_data": "s3://bucket/image.jpg",
    "image_type": "xray",
    "endpoint": "medical-image-classifier"
  }`;

/** The fields of the guide's triage "Output Format". */
export const GUIDE_TRIAGE_FIELDS = [
  "urgency_score",
  "risk_level",
  "recommended_specialty",
  "confidence",
  "key_findings",
  "model_version",
  "inference_time_ms",
] as const;

/** The fields of the guide's image "Output Format". */
export const GUIDE_IMAGE_FIELDS = [
  "predictions",
  "model_version",
  "inference_time_ms",
] as const;

/**
 * Strings placed in patient fields so a test can prove they never reach a
 * log line. They are valid symptoms / history entries.
 */
export const PATIENT_MARKERS = {
  symptom: "zebra-stripe fever marker",
  history: "okapi-history marker",
  medication: "quokka-medication marker",
} as const;

/** A valid triage request carrying {@link PATIENT_MARKERS}. */
export function markedTriageBody(): Record<string, unknown> {
  return {
    symptoms: [PATIENT_MARKERS.symptom, "cough"],
    patient_data: {
      age: 47,
      gender: "female",
      medical_history: [PATIENT_MARKERS.history],
      current_medications: [PATIENT_MARKERS.medication],
    },
  };
}

/** A risk-score patient with every field (see src/request/risk.rs). */
export const RISK_PATIENT = {
  age: 67,
  gender: "male",
  heart_rate_bpm: 98,
  systolic_bp_mmhg: 150,
  diastolic_bp_mmhg: 92,
  respiratory_rate_per_min: 22,
  temperature_c: 38.4,
  spo2_percent: 91,
  bmi: 31,
  smoking_status: "current",
  chronic_conditions: ["diabetes", "hypertension", "heart_failure"],
} as const;

/**
 * The 20 CSV features the risk-score function must send for
 * {@link RISK_PATIENT}, in the documented column order.
 */
export const RISK_PATIENT_FEATURES: readonly number[] = [
  67, // age
  1, // sex_male
  98,
  150,
  92,
  22,
  38.4,
  91,
  31, // bmi
  1, // smoking_current
  0, // smoking_former
  1, // diabetes
  1, // hypertension
  0, // copd
  0, // chronic_kidney_disease
  1, // heart_failure
  0, // coronary_artery_disease
  0, // cancer
  0, // stroke
  0, // asthma
];

/** A real 1×1 PNG. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/** The PNG's bytes. */
export function pngBytes(): Uint8Array {
  return Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
}

/**
 * A `size`-byte image that starts with the PNG signature (all the gateway and
 * the stand-in check), as a data: URL and as bytes: large enough to take the
 * gateway's native-hash signing path.
 */
export function largePng(size: number): { bytes: Uint8Array; dataUrl: string } {
  const bytes = new Uint8Array(size);
  bytes.set(pngBytes());
  for (let i = 64; i < size; i++) bytes[i] = (i * 31) & 0xff;
  let binary = "";
  for (let i = 0; i < size; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return { bytes, dataUrl: `data:image/png;base64,${btoa(binary)}` };
}

/** The PNG as a data: URL, as a browser's FileReader produces it. */
export const PNG_DATA_URL = `data:image/png;base64,${PNG_BASE64}`;

/** Rounds as pkg/ does for probabilities (4 decimals). */
export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Fails when any of `texts` contains any of `needles`. */
export function assertNoneContain(
  texts: readonly string[],
  needles: readonly string[],
  what: string,
): void {
  for (const text of texts) {
    for (const needle of needles) {
      assert.ok(
        !text.includes(needle),
        `${what} contains ${JSON.stringify(needle)}: ${text.slice(0, 400)}`,
      );
    }
  }
}
