/**
 * The endpoints the stand-in serves, their production variants, and
 * SageMaker's validation of endpoint and variant names.
 *
 * @module
 */

import { LOCAL_ACCOUNT_ID } from "./credentials.ts";
import { createMedicalImageClassifier } from "./models/medical_image_classifier.ts";
import { createMedicalTriageEndpoint } from "./models/medical_triage_endpoint.ts";
import { createMedicalTriageXgboost } from "./models/medical_triage_xgboost.ts";
import type { ReferenceModel } from "./models/model.ts";
import { createPatientRiskScorer } from "./models/patient_risk_scorer.ts";

/** Variants every stand-in endpoint has; the first one serves by default. */
export const ENDPOINT_VARIANTS = [
  "AllTraffic",
  "model-v1",
  "model-v2",
] as const;

/** SageMaker's EndpointName constraint (Smithy model, end-anchored). */
export const ENDPOINT_NAME_PATTERN = /^[A-Za-z0-9](-*[A-Za-z0-9])*$/;

/** SageMaker's EndpointName length limit. */
export const MAX_ENDPOINT_NAME_LENGTH = 63;

/** Builds one fresh instance of every reference model, keyed by endpoint name. */
export function createEndpointRegistry(): Map<string, ReferenceModel> {
  const models = [
    createMedicalTriageEndpoint(),
    createMedicalTriageXgboost(),
    createMedicalImageClassifier(),
    createPatientRiskScorer(),
  ];
  return new Map(models.map((model) => [model.endpointName, model]));
}

/** Names of the endpoints the stand-in serves. */
export const ENDPOINT_NAMES: readonly string[] = [
  ...createEndpointRegistry().keys(),
];

/** AWS's wording for a name that breaks the constraints, or undefined if valid. */
export function endpointNameProblem(name: string): string | undefined {
  if (name.length > MAX_ENDPOINT_NAME_LENGTH) {
    return `1 validation error detected: Value '${
      name.slice(0, 80)
    }' at 'endpointName' ` +
      `failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENDPOINT_NAME_LENGTH}`;
  }
  if (!ENDPOINT_NAME_PATTERN.test(name)) {
    return `1 validation error detected: Value '${name}' at 'endpointName' ` +
      "failed to satisfy constraint: Member must satisfy regular expression pattern: " +
      "^[a-zA-Z0-9](-*[a-zA-Z0-9])*$";
  }
  return undefined;
}

/** AWS's wording for an endpoint that does not exist in the account. */
export function endpointNotFoundMessage(name: string): string {
  return `Endpoint ${name} of account ${LOCAL_ACCOUNT_ID} not found.`;
}

/** The variant to report, or an error message for an unknown target variant. */
export function resolveVariant(
  endpointName: string,
  requested: string | null,
): { variant: string } | { problem: string } {
  if (requested === null) return { variant: ENDPOINT_VARIANTS[0] };
  if ((ENDPOINT_VARIANTS as readonly string[]).includes(requested)) {
    return { variant: requested };
  }
  return {
    problem:
      `The variant ${
        requested.slice(0, 80)
      } does not exist for endpoint ${endpointName}. ` +
      `Variants: ${ENDPOINT_VARIANTS.join(", ")}.`,
  };
}
