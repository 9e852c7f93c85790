/**
 * Valid requests the mutations start from: every shape each function takes
 * (the guide's call, the flat format, batches, S3, inline and asynchronous
 * images), with optional fields both present and absent.
 *
 * @module
 */
import {
  base64,
  DICOM_BYTES,
  JPEG_BYTES,
  PNG_BYTES,
  validPayload,
} from "../../../tests/deno/bad_input_cases.ts";
import { ALLOWED_BUCKET, type FunctionSlug } from "./verdicts.ts";

export type Json =
  | null
  | boolean
  | number
  | string
  | Json[]
  | { [key: string]: Json };

/** A named valid request. */
export interface Base {
  slug: FunctionSlug;
  name: string;
  value: { [key: string]: Json };
}

const flatTriage = {
  symptoms: ["chest pain", "shortness of breath"],
  age: 45,
  gender: "male",
  medical_history: ["hypertension"],
  current_medications: ["lisinopril"],
};
const nestedTriage = validPayload("sagemaker-triage") as Base["value"];
const riskPatient = validPayload("sagemaker-risk-score") as Base["value"];
const requiredRisk = {
  patient_data: {
    age: 30,
    gender: "female",
    heart_rate_bpm: 70,
    systolic_bp_mmhg: 120,
    diastolic_bp_mmhg: 80,
    respiratory_rate_per_min: 14,
    temperature_c: 36.8,
    spo2_percent: 98,
  },
};
const s3Image = validPayload("sagemaker-image-analysis") as Base["value"];

/** Every base request. */
export function bases(): Base[] {
  const triage = (name: string, value: Base["value"]): Base => ({
    slug: "sagemaker-triage",
    name,
    value,
  });
  const risk = (name: string, value: Base["value"]): Base => ({
    slug: "sagemaker-risk-score",
    name,
    value,
  });
  const image = (name: string, value: Base["value"]): Base => ({
    slug: "sagemaker-image-analysis",
    name,
    value,
  });
  return [
    triage("guide test call", nestedTriage),
    triage("flat model format", flatTriage),
    triage("routed", {
      ...nestedTriage,
      endpoint: "medical-triage-endpoint",
      variant: "AllTraffic",
    }),
    triage("batch", { patients: [flatTriage, nestedTriage] }),
    triage("routed batch", {
      patients: [nestedTriage],
      endpoint: "medical-triage-xgboost",
    }),
    risk("guide patient", riskPatient),
    risk("required fields only", requiredRisk),
    risk("batch", { patients: [riskPatient, requiredRisk] }),
    image("S3", s3Image),
    image("S3, routed", {
      ...s3Image,
      endpoint: "medical-image-classifier",
      variant: "model-v1",
    }),
    image("data: URL", {
      image_data: `data:image/png;base64,${base64(PNG_BYTES)}`,
      image_type: "skin_lesion",
    }),
    image("bare base64", { image_data: base64(JPEG_BYTES), image_type: "ct" }),
    image("DICOM", {
      image_data: `data:application/dicom;base64,${base64(DICOM_BYTES)}`,
      image_type: "mri",
      analysis_type: null,
    }),
    image("async", {
      image_data: `s3://${ALLOWED_BUCKET}/scans/p1.png`,
      image_type: "xray",
      async: true,
    }),
  ];
}
