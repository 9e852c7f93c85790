/**
 * Request decoding shared by the two triage endpoints: both take the guide's
 * JSON Input Format with Content-Type application/json, or several inputs
 * as JSON Lines (`application/jsonlines`, one input object per line: the
 * gateway's batch form, as SageMaker batch transform splits records).
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

/** Media type of the batch form. */
export const JSON_LINES = "application/jsonlines";

const REQUEST_TYPES = ["application/json", JSON_LINES] as const;

/** The validated inputs (one unless JSON Lines), or the container error to send back. */
export function decodeTriageRequest(
  input: ModelInput,
):
  | { ok: true; triages: TriageInput[]; jsonLines: boolean }
  | { ok: false; error: ModelOutput } {
  const type = mediaType(input.contentType);
  if (!(REQUEST_TYPES as readonly string[]).includes(type)) {
    return {
      ok: false,
      error: unsupportedContentType(input.contentType, REQUEST_TYPES),
    };
  }
  const jsonLines = type === JSON_LINES;
  const documents = jsonLines ? splitLines(input.body) : [input.body];
  if (documents.length === 0) {
    return { ok: false, error: badRequest("Request body has no JSON lines") };
  }
  const triages: TriageInput[] = [];
  for (const [index, document] of documents.entries()) {
    // A script reports the record that broke, and fails the whole request.
    const where = jsonLines ? `line ${index + 1}: ` : "";
    const json = parseJsonBody(document);
    if (!json.ok) return { ok: false, error: badRequest(where + json.message) };
    const triage = parseTriageInput(json.value);
    if (typeof triage === "string") {
      return { ok: false, error: badRequest(where + triage) };
    }
    triages.push(triage);
  }
  return { ok: true, triages, jsonLines };
}

/** The non-blank lines of a JSON Lines body. */
function splitLines(body: Uint8Array): Uint8Array[] {
  const encoder = new TextEncoder();
  return new TextDecoder().decode(body).split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line) => encoder.encode(line));
}
