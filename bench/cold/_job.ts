/**
 * The job every contestant does, as plain constants: SigV4-sign a SageMaker
 * Runtime InvokeEndpoint request (us-east-1, service `sagemaker`, AWS's
 * documentation keys, a fixed clock). Dependency-free, so the cold-start
 * scripts and the size bundles that import it carry nothing extra.
 *
 * @module
 */

/** Signing region. */
export const REGION = "us-east-1";
/** Signing name of SageMaker Runtime. */
export const SERVICE = "sagemaker";
/** AWS's documentation example keys (they open nothing). */
export const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
};
/** 2026-01-01T00:00:00Z, so signatures are reproducible. */
export const TIME_MS = Date.UTC(2026, 0, 1);
/** `TIME_MS` as SigV4's basic ISO 8601 form. */
export const AMZ_DATE = "20260101T000000Z";
/** SageMaker Runtime's regional host. */
export const HOST = "runtime.sagemaker.us-east-1.amazonaws.com";
/** The triage endpoint's path. */
export const TRIAGE_PATH = "/endpoints/medical-triage-endpoint/invocations";
/** The image classifier's path. */
export const IMAGE_PATH = "/endpoints/medical-image-classifier/invocations";
/** The triage endpoint's URL. */
export const TRIAGE_URL = `https://${HOST}${TRIAGE_PATH}`;
/** The image classifier's URL. */
export const IMAGE_URL = `https://${HOST}${IMAGE_PATH}`;

/** What a client sends to the triage function: the guide's test call. */
export const TRIAGE_CLIENT_BODY = JSON.stringify({
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
});
/** What the triage function sends to the model for it (the guide's model format). */
export const TRIAGE_MODEL_BODY = JSON.stringify({
  symptoms: ["fever", "cough"],
  age: 35,
  gender: "female",
  medical_history: [],
  current_medications: [],
});
