/**
 * Runs every corpus body past both judges and sorts the outcomes: agreed
 * (both accept or both refuse), explained (the schema accepts, the gateway
 * refuses for a rule the schema lists as not expressed) or unexplained.
 *
 * @module
 */
import type { FieldError } from "../../../pkg/mod.js";
import type { CorpusEntry } from "./corpus.ts";
import { explain } from "./exceptions.ts";
import { type FunctionSlug, parseBody } from "./verdicts.ts";

/** One function's schema, compiled, and the tags it lists. */
export interface SchemaJudge {
  accepts(value: unknown): boolean;
  notExpressed: readonly string[];
}

/** A disagreement no listed rule explains. */
export interface Unexplained {
  entry: CorpusEntry;
  schemaAccepts: boolean;
  gatewayErrors: FieldError[];
}

/** What the comparison found. */
export interface Comparison {
  size: number;
  bySource: Record<string, number>;
  acceptedByBoth: number;
  refusedByBoth: number;
  /** Explained disagreements, by tag (a body broken by two rules counts for each). */
  exceptions: Record<string, number>;
  unexplained: Unexplained[];
}

/** Judges every entry with its function's schema and with the gateway. */
export function compare(
  corpus: readonly CorpusEntry[],
  schemas: Record<FunctionSlug, SchemaJudge>,
  gateway: (slug: FunctionSlug, bytes: Uint8Array) => FieldError[],
): Comparison {
  const result: Comparison = {
    size: corpus.length,
    bySource: {},
    acceptedByBoth: 0,
    refusedByBoth: 0,
    exceptions: {},
    unexplained: [],
  };
  for (const entry of corpus) {
    result.bySource[entry.source] = (result.bySource[entry.source] ?? 0) + 1;
    const parsed = parseBody(entry.bytes);
    const schema = schemas[entry.slug];
    const schemaAccepts = parsed !== null && schema.accepts(parsed.value);
    const gatewayErrors = gateway(entry.slug, entry.bytes);
    const gatewayAccepts = gatewayErrors.length === 0;
    if (schemaAccepts === gatewayAccepts) {
      if (schemaAccepts) result.acceptedByBoth++;
      else result.refusedByBoth++;
      continue;
    }
    // A schema stricter than the gateway is always a bug: only the other way is listed.
    const tags = schemaAccepts && parsed
      ? explain(gatewayErrors, {
        slug: entry.slug,
        bytes: entry.bytes,
        text: new TextDecoder().decode(entry.bytes),
        value: parsed.value,
      }, schema.notExpressed)
      : null;
    if (!tags) {
      result.unexplained.push({ entry, schemaAccepts, gatewayErrors });
      continue;
    }
    for (const tag of tags) {
      result.exceptions[tag] = (result.exceptions[tag] ?? 0) + 1;
    }
  }
  return result;
}
