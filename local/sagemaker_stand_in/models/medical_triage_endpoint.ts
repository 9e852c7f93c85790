/**
 * `medical-triage-endpoint`: stands in for a custom inference script that
 * answers the integration guide's rich triage JSON.
 *
 * NON-CLINICAL: keyword rules only (see triage_rules.ts); never use for care.
 *
 * @module
 */

import {
  answer,
  type ModelInput,
  type ModelOutput,
  negotiateAccept,
  type ReferenceModel,
  unsupportedAccept,
} from "./model.ts";
import { assessTriage } from "./triage_rules.ts";
import { decodeTriageRequest, JSON_LINES } from "./triage_request.ts";

/** Reported in every answer so callers can tell stand-in output apart. */
export const TRIAGE_MODEL_VERSION = "standin-triage-1.0.0";

const RESPONSE_TYPES = ["application/json", JSON_LINES] as const;

/** The guide's triage Output Format. */
export interface TriageResponse {
  urgency_score: number;
  risk_level: "low" | "moderate" | "high" | "critical";
  recommended_specialty: string;
  confidence: number;
  key_findings: string[];
  model_version: string;
  inference_time_ms: number;
}

/** Creates the rich-JSON triage stand-in. */
export function createMedicalTriageEndpoint(): ReferenceModel {
  return {
    endpointName: "medical-triage-endpoint",
    invoke(input: ModelInput): Promise<ModelOutput> {
      const decoded = decodeTriageRequest(input);
      if (!decoded.ok) return Promise.resolve(decoded.error);
      // JSON Lines in, JSON Lines out: one answer per input line.
      const responseType = negotiateAccept(
        input.accept,
        RESPONSE_TYPES,
        decoded.jsonLines ? JSON_LINES : "application/json",
      );
      if (
        responseType === undefined ||
        (decoded.jsonLines && responseType !== JSON_LINES)
      ) {
        return Promise.resolve(unsupportedAccept(input.accept, RESPONSE_TYPES));
      }
      const responses = decoded.triages.map((triage): TriageResponse => {
        const assessment = assessTriage(triage);
        return {
          urgency_score: assessment.urgencyScore,
          risk_level: assessment.riskLevel,
          recommended_specialty: assessment.specialty,
          confidence: assessment.confidence,
          key_findings: assessment.keyFindings,
          model_version: TRIAGE_MODEL_VERSION,
          // Synthetic and deterministic, so identical inputs give identical bodies.
          inference_time_ms: 8 + 2 * triage.symptoms.length,
        };
      });
      if (responseType === JSON_LINES) {
        const lines = responses.map((r) => JSON.stringify(r) + "\n").join("");
        return Promise.resolve(answer(JSON_LINES, lines));
      }
      return Promise.resolve(
        answer("application/json", JSON.stringify(responses[0])),
      );
    },
  };
}
