/**
 * The generated request schemas (schema/) and the gateway's wasm (pkg/) must
 * judge every body alike, except where a schema lists the rule it cannot
 * express. Prints the corpus size and the count of each listed exception.
 *
 * Run: deno test --allow-read client/test/schema_differential_test.ts
 */
import assert from "node:assert/strict";
import {
  compare,
  type Comparison,
  type SchemaJudge,
} from "./differential/compare.ts";
import { buildCorpus } from "./differential/corpus.ts";
import { EXCEPTION_CHECKS } from "./differential/exceptions.ts";
import {
  compileSchema,
  type FunctionSlug,
  gatewayJudge,
  NOT_EXPRESSED,
  requestSchema,
} from "./differential/verdicts.ts";

/** Tags the corpus cannot hit: the judging gateway has async analysis on. */
const NOT_EXERCISED = ["async_enabled"];

function judges(
  edit: (slug: FunctionSlug, schema: Record<string, unknown>) => void =
    () => {},
): Record<FunctionSlug, SchemaJudge> {
  const judge = (slug: FunctionSlug): SchemaJudge => {
    const schema = requestSchema(slug);
    edit(slug, schema);
    const listed = Object.keys(schema[NOT_EXPRESSED] as object);
    return { accepts: compileSchema(schema), notExpressed: listed };
  };
  return {
    "sagemaker-triage": judge("sagemaker-triage"),
    "sagemaker-image-analysis": judge("sagemaker-image-analysis"),
    "sagemaker-risk-score": judge("sagemaker-risk-score"),
  };
}

function print(comparison: Comparison): void {
  const { size, bySource, acceptedByBoth, refusedByBoth, exceptions } =
    comparison;
  console.log(`corpus: ${size} bodies (${JSON.stringify(bySource)})`);
  console.log(
    `agreed: ${acceptedByBoth} accepted by both, ${refusedByBoth} refused by both`,
  );
  for (const tag of Object.keys(EXCEPTION_CHECKS)) {
    console.log(`listed exception ${tag}: ${exceptions[tag] ?? 0}`);
  }
  for (
    const { entry, schemaAccepts, gatewayErrors } of comparison.unexplained
      .slice(0, 20)
  ) {
    console.log(
      `UNEXPLAINED ${entry.slug} [${entry.source}] ${
        entry.name.slice(0, 80)
      }: schema ${schemaAccepts ? "accepts" : "refuses"}, gateway ${
        JSON.stringify(gatewayErrors.map((e) => [e.path, e.code]))
      }`,
    );
  }
}

const corpus = buildCorpus();

Deno.test("schema/ and the wasm gateway agree on every body but the listed exceptions", () => {
  const comparison = compare(corpus, judges(), gatewayJudge());
  print(comparison);
  assert.equal(comparison.unexplained.length, 0, "unexplained disagreements");
  // Not a vacuous agreement: thousands of bodies, many on each side.
  assert.ok(comparison.size >= 3_000, `corpus of ${comparison.size}`);
  assert.ok(comparison.acceptedByBoth >= 500, "too few valid bodies");
  assert.ok(comparison.refusedByBoth >= 2_000, "too few invalid bodies");
  for (const tag of Object.keys(EXCEPTION_CHECKS)) {
    if (NOT_EXERCISED.includes(tag)) continue;
    assert.ok(comparison.exceptions[tag] > 0, `no body exercises ${tag}`);
  }
});

Deno.test("a schema that drifts from the rules is caught", () => {
  // One limit off by one in a copy of the triage schema: 131-year-olds pass.
  const drifted = judges((slug, schema) => {
    if (slug !== "sagemaker-triage") return;
    const defs = schema.$defs as Record<
      string,
      { properties: Record<string, { maximum: number }> }
    >;
    for (
      const name of [
        "TriagePatientData",
        "TriageFlatRequest",
        "TriageFlatPatient",
      ]
    ) {
      defs[name].properties.age.maximum = 131;
    }
  });
  const triage = corpus.filter((entry) => entry.slug === "sagemaker-triage");
  const comparison = compare(triage, drifted, gatewayJudge());
  assert.ok(comparison.unexplained.length > 0);
  assert.ok(
    comparison.unexplained.every(({ gatewayErrors }) =>
      gatewayErrors.some((e) =>
        e.path.endsWith("age") && e.code === "out_of_range"
      )
    ),
  );
});
