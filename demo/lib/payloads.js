// @ts-check
/**
 * Turns what a person entered into the JSON bodies the functions take
 * (README "The three functions"). Pure: no DOM, so Deno tests import it.
 *
 * The page never second-guesses the gateway: a field left empty is left out,
 * text that is not a number is sent as text, and the gateway's own wasm
 * (`validateRequest`) says what is wrong, exactly as the server would.
 *
 * @module
 */

/** Content types the image function accepts in a data URL. */
export const DECLARABLE_IMAGE_TYPES = Object.freeze([
  "image/png",
  "image/jpeg",
  "application/dicom",
]);

/**
 * A number field: empty → `undefined` (left out, so the gateway reports
 * `required` where the field is required), a decimal number (a decimal comma
 * is accepted) → that number, anything else → the text itself, which the
 * gateway reports as `invalid_type`.
 *
 * @param {string} text
 * @returns {number | string | undefined}
 */
export function numberField(text) {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const normalized = trimmed.replace(/^([+-]?\d*),(\d+)$/, "$1.$2");
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(normalized)) {
    return Number(normalized);
  }
  return trimmed;
}

/**
 * @template {Record<string, unknown>} T
 * @param {T} record
 * @returns {Partial<T>} the record without `undefined` and `""` values
 */
function compact(record) {
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined && value !== "") out[key] = value;
  }
  return /** @type {Partial<T>} */ (out);
}

/**
 * @typedef {object} TriageInput
 * @property {string[]} symptoms in the order they were picked
 * @property {string} age as typed
 * @property {string} gender "" when not chosen
 * @property {string[]} history
 * @property {string[]} medications
 */

/**
 * The guide's triage test-call shape.
 *
 * @param {TriageInput} input
 */
export function triagePayload(input) {
  return {
    symptoms: input.symptoms,
    patient_data: compact({
      age: numberField(input.age),
      gender: input.gender,
      medical_history: input.history.length ? input.history : undefined,
      current_medications: input.medications.length
        ? input.medications
        : undefined,
    }),
  };
}

/**
 * @typedef {object} ImageInput
 * @property {string | undefined} imageData a data URL, bare base64 or s3:// URI; undefined when none was given
 * @property {string} imageType
 * @property {string} analysisType
 */

/** @param {ImageInput} input */
export function imagePayload(input) {
  return compact({
    image_data: input.imageData,
    image_type: input.imageType,
    analysis_type: input.analysisType,
  });
}

/**
 * How a chosen file is sent: a data URL declaring the browser's idea of its
 * type, or bare base64 when the browser has none (e.g. many `.dcm` files), in
 * which case the gateway goes by the magic bytes alone. A declared type the
 * gateway does not take (GIF, …) is sent as declared, so the person sees the
 * gateway's own `unsupported_image_format`.
 *
 * @param {string} browserType `File.type`, possibly ""
 * @param {string} base64
 */
export function imageDataFromFile(browserType, base64) {
  return browserType === "" ? base64 : `data:${browserType};base64,${base64}`;
}

/**
 * Standard base64 of bytes, in chunks (spreading a large array into
 * `String.fromCharCode` would overflow the stack).
 *
 * @param {Uint8Array} bytes
 */
export function bytesToBase64(bytes) {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Risk-form number fields, in the CSV column order (README). */
export const RISK_NUMBER_FIELDS = Object.freeze([
  "age",
  "heart_rate_bpm",
  "systolic_bp_mmhg",
  "diastolic_bp_mmhg",
  "respiratory_rate_per_min",
  "temperature_c",
  "spo2_percent",
  "bmi",
]);

/**
 * @typedef {object} RiskInput
 * @property {Record<string, string>} numbers as typed, by field name
 * @property {string} gender
 * @property {string} smokingStatus "" when not given
 * @property {string[]} chronicConditions
 */

/** @param {RiskInput} input */
export function riskPayload(input) {
  /** @type {Record<string, unknown>} */
  const patient = {};
  for (const name of RISK_NUMBER_FIELDS) {
    patient[name] = numberField(input.numbers[name] ?? "");
    if (name === "age") patient.gender = input.gender;
  }
  patient.smoking_status = input.smokingStatus;
  patient.chronic_conditions = input.chronicConditions.length
    ? input.chronicConditions
    : undefined;
  return { patient_data: compact(patient) };
}

/** @param {unknown} payload */
export function encodeJson(payload) {
  return new TextEncoder().encode(JSON.stringify(payload));
}
