/**
 * The request and result types, generated from schema/ (the gateway's Rust
 * rules) by client/tools/build.mjs, under the names the app uses.
 *
 * @module
 */
export type {
  SageMakerName,
  Text100,
  TriageBatchRequest,
  TriageFlatPatient,
  TriageFlatRequest,
  TriageNestedPatient,
  TriageNestedRequest,
  TriagePatientData,
  TriageRequest,
} from "./generated/sagemaker-triage.request.ts";
export type {
  FieldError,
  TriageBatchResult,
  TriageBatchResultRefused,
  TriageBatchResultScored,
  TriageResult,
} from "./generated/sagemaker-triage.response.ts";
export type {
  RiskBatchRequest,
  RiskPatient,
  RiskPatientData,
  RiskScoreRequest,
  RiskSingleRequest,
} from "./generated/sagemaker-risk-score.request.ts";
export type {
  RiskBatchResult,
  RiskBatchResultRefused,
  RiskBatchResultScored,
  RiskResult,
} from "./generated/sagemaker-risk-score.response.ts";
export type { ImageAnalysisRequest } from "./generated/sagemaker-image-analysis.request.ts";
export type {
  ImageAnalysisPending,
  ImagePrediction,
  ImageResult,
} from "./generated/sagemaker-image-analysis.response.ts";
