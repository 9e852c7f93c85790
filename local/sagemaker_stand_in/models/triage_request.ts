/**
 * Request decoding shared by the two triage endpoints: both take the guide's
 * JSON Input Format with Content-Type application/json.
 *
 * @module
 */

import {
  badRequest,
  mediaType,
  type ModelInput,
  type ModelOutput,
  parseJsonBody,
  unsupportedContentType,
} from "./model.ts";
import { parseTriageInput, type TriageInput } from "./triage_rules.ts";

const JSON_ONLY = ["application/json"] as const;

/** The validated input, or the container error to send back. */
export function decodeTriageRequest(
  input: ModelInput,
): { ok: true; triage: TriageInput } | { ok: false; error: ModelOutput } {
  if (mediaType(input.contentType) !== "application/json") {
    return {
      ok: false,
      error: unsupportedContentType(input.contentType, JSON_ONLY),
    };
  }
  const json = parseJsonBody(input.body);
  if (!json.ok) return { ok: false, error: badRequest(json.message) };
  const triage = parseTriageInput(json.value);
  if (typeof triage === "string") {
    return { ok: false, error: badRequest(triage) };
  }
  return { ok: true, triage };
}
