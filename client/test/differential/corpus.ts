/**
 * The differential corpus: the fuzz seeds of the request targets, the
 * bad-input table and its accepted cases, systematic mutations of valid
 * requests, and the bodies whose problem lives in the JSON text itself
 * (numbers a parser rounds, nesting, size), deduplicated.
 *
 * @module
 */
import {
  acceptedCases,
  badInputCases,
  validPayload,
} from "../../../tests/deno/bad_input_cases.ts";
import { mutants } from "./mutations.ts";
import { FUNCTIONS, type FunctionSlug } from "./verdicts.ts";

/** One body to judge. */
export interface CorpusEntry {
  slug: FunctionSlug;
  source: "fuzz seed" | "bad-input table" | "mutation" | "JSON text";
  name: string;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();

/** Fuzz seed folders of request bodies, and the functions they are for. */
const SEED_DIRS: Record<string, readonly FunctionSlug[]> = {
  build_triage_bytes: ["sagemaker-triage"],
  build_image_bytes: ["sagemaker-image-analysis"],
  build_risk_bytes: ["sagemaker-risk-score"],
  batch_request: ["sagemaker-triage", "sagemaker-risk-score"],
  json_body: FUNCTIONS,
};

function seeds(): CorpusEntry[] {
  const root = new URL("../../../fuzz/seeds/", import.meta.url);
  return Object.entries(SEED_DIRS).flatMap(([dir, slugs]) =>
    [...Deno.readDirSync(new URL(`${dir}/`, root))].flatMap((file) => {
      const bytes = Deno.readFileSync(new URL(`${dir}/${file.name}`, root));
      return slugs.map((slug) => ({
        slug,
        source: "fuzz seed" as const,
        name: `${dir}/${file.name}`,
        bytes,
      }));
    })
  );
}

function table(): CorpusEntry[] {
  const bodies = [
    ...badInputCases().filter((c) => !c.method || c.method === "POST"),
    ...acceptedCases(),
  ];
  return bodies.flatMap((c) =>
    c.body === undefined ? [] : [{
      slug: c.slug,
      source: "bad-input table" as const,
      name: c.name,
      bytes: typeof c.body === "string" ? encoder.encode(c.body) : c.body,
    }]
  );
}

/** Bodies whose point is in the text: raw numbers, depth, size, values. */
function jsonText(): CorpusEntry[] {
  const triage = JSON.stringify(validPayload("sagemaker-triage"));
  const entries: [FunctionSlug, string, string][] = [
    ...[
      "1e400",
      "-0",
      "1E1",
      "1e-400",
      "35.000000000000001",
      "130.00000000000001",
      "0130",
    ]
      .map((raw): [FunctionSlug, string, string] => [
        "sagemaker-triage",
        `age written ${raw}`,
        triage.replace('"age":35', `"age":${raw}`),
      ]),
    [
      "sagemaker-triage",
      "40 nested arrays in an unknown field",
      triage.replace(/}$/, `,"x":${"[".repeat(40)}${"]".repeat(40)}}`),
    ],
    [
      "sagemaker-triage",
      "10,001 values in an unknown field",
      triage.replace(/}$/, `,"x":[${Array(10_001).fill(0).join(",")}]}`),
    ],
    [
      "sagemaker-triage",
      "a symptom padded to over 6 MiB with spaces",
      triage.replace('"fever"', `"fever${" ".repeat(6_300_000)}"`),
    ],
    [
      "sagemaker-risk-score",
      "an unknown field of 6 MiB",
      JSON.stringify({
        ...validPayload("sagemaker-risk-score"),
        x: "x".repeat(6_300_000),
      }),
    ],
    [
      "sagemaker-image-analysis",
      "over 6 MiB of base64",
      JSON.stringify({
        image_type: "ct",
        image_data: `/9j/${"A".repeat(6_300_000)}`,
      }),
    ],
  ];
  return entries.map(([slug, name, text]) => ({
    slug,
    source: "JSON text" as const,
    name,
    bytes: encoder.encode(text),
  }));
}

/** The whole corpus, each body once per function. */
export function buildCorpus(): CorpusEntry[] {
  const generated = mutants().map((m): CorpusEntry => ({
    slug: m.slug,
    source: "mutation",
    name: m.name,
    bytes: encoder.encode(m.text),
  }));
  const seen = new Set<string>();
  return [...seeds(), ...table(), ...jsonText(), ...generated].filter(
    (entry) => {
      const key = `${entry.slug} ${
        new TextDecoder().decode(entry.bytes)
      } ${entry.bytes.length}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
  );
}
