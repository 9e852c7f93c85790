/**
 * The two judges of a request body: the generated JSON Schema, run by ajv's
 * 2020-12 validator on the parsed body, and the gateway's own rules, run by
 * the wasm in pkg/ (`Gateway.validateRequest`).
 *
 * @module
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { type FieldError, Gateway } from "../../../pkg/mod.js";

/** The three functions by Supabase slug. */
export const FUNCTIONS = [
  "sagemaker-triage",
  "sagemaker-image-analysis",
  "sagemaker-risk-score",
] as const;
export type FunctionSlug = typeof FUNCTIONS[number];

/** The bucket the bad-input table's stack allows (its STACK_ENV). */
export const ALLOWED_BUCKET = "healthnav-images";

/** The variants the judging gateway lets clients choose. */
export const CLIENT_VARIANTS = ["model-v1", "model-v2"];

/** The signed-in caller the bodies are judged for. */
const CALLER_ID = "differential-caller";

/**
 * The gateway judging the corpus: the defaults, the bad-input table's bucket
 * allow-list, the local stack's client variants, and asynchronous analysis
 * on (so its rules are exercised). The secret is a fixed test value; it
 * signs nothing here.
 */
export const GATEWAY_SETTINGS = {
  region: "us-east-1",
  allowedBuckets: [ALLOWED_BUCKET],
  clientVariants: CLIENT_VARIANTS,
  asyncInference: {
    resultSecret: "differential-test-secret-0123456789abcdef",
  },
};

const SCHEMA_DIR = new URL("../../../schema/", import.meta.url);

/** A request schema as committed in schema/. */
export function requestSchema(slug: FunctionSlug): Record<string, unknown> {
  return JSON.parse(
    Deno.readTextFileSync(new URL(`${slug}.request.schema.json`, SCHEMA_DIR)),
  );
}

/** A response schema as committed in schema/. */
export function responseSchema(slug: FunctionSlug): Record<string, unknown> {
  return JSON.parse(
    Deno.readTextFileSync(new URL(`${slug}.response.schema.json`, SCHEMA_DIR)),
  );
}

/** The annotation listing what a schema leaves to the gateway. */
export const NOT_EXPRESSED = "x-healthnav-not-expressed";

/** ajv in strict mode; patterns are compiled with the `u` flag. */
export function compileSchema(
  schema: Record<string, unknown>,
): (value: unknown) => boolean {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
  ajv.addKeyword(NOT_EXPRESSED);
  const validate = ajv.compile(schema);
  return (value) => validate(value) === true;
}

/** The body as a JavaScript value, or null when it is not UTF-8 JSON text. */
export function parseBody(bytes: Uint8Array): { value: unknown } | null {
  try {
    // BOMs are kept, so that a body starting with one is not JSON, as for the gateway.
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
      .decode(bytes);
    return { value: JSON.parse(text) };
  } catch {
    return null;
  }
}

/** The gateway's field errors for a body (empty when it is valid). */
export function gatewayJudge(): (
  slug: FunctionSlug,
  bytes: Uint8Array,
) => FieldError[] {
  const gateways = new Map<FunctionSlug, Gateway>();
  return (slug, bytes) => {
    let gateway = gateways.get(slug);
    if (!gateway) {
      gateway = new Gateway(GATEWAY_SETTINGS, slug, undefined);
      gateways.set(slug, gateway);
    }
    return gateway.validate(bytes, CALLER_ID);
  };
}
