/**
 * The contract every reference model of the stand-in fulfils.
 *
 * A model plays the part of the container behind a SageMaker endpoint: it
 * sees the raw body with Content-Type and Accept, and either answers (200,
 * passed through unchanged) or fails with its own status and message, which
 * the server wraps into SageMaker's 424 ModelError exactly as AWS does.
 *
 * @module
 */

/** What SageMaker hands the container. */
export interface ModelInput {
  /** Request Content-Type header as sent, or null. */
  contentType: string | null;
  /** Request Accept header as sent, or null. */
  accept: string | null;
  /** Raw body bytes (at most 6 MiB). */
  body: Uint8Array;
}

/** A container answer: a response body, or the container's own error. */
export type ModelOutput =
  | { ok: true; contentType: string; body: string }
  | { ok: false; statusCode: number; message: string };

/** A deterministic, NON-CLINICAL model standing in for a SageMaker container. */
export interface ReferenceModel {
  /** Endpoint name the model is served under. */
  readonly endpointName: string;
  /** Runs one invocation. Never throws for bad input: returns ok=false. */
  invoke(input: ModelInput): Promise<ModelOutput>;
}

/** A successful answer. */
export function answer(contentType: string, body: string): ModelOutput {
  return { ok: true, contentType, body };
}

/** A container-side failure, surfaced to callers as a 424 ModelError. */
export function containerError(
  statusCode: number,
  message: string,
): ModelOutput {
  return { ok: false, statusCode, message };
}

/** `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaType(header: string | null): string {
  return (header ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * Picks the response type from an Accept header: the first listed type the
 * model supports, the default for a missing header or the wildcard type, or undefined
 * (the container then answers 406).
 */
export function negotiateAccept(
  accept: string | null,
  supported: readonly string[],
  fallback: string,
): string | undefined {
  if (accept === null || accept.trim() === "") return fallback;
  for (const entry of accept.split(",")) {
    const type = mediaType(entry);
    if (type === "*/*") return fallback;
    if (supported.includes(type)) return type;
  }
  return undefined;
}

/** The 406 a container gives for an Accept it cannot produce. */
export function unsupportedAccept(
  accept: string | null,
  supported: readonly string[],
): ModelOutput {
  return containerError(
    406,
    `Accept type ${accept} is not supported by this model. Supported: ${
      supported.join(", ")
    }`,
  );
}

/** The 415 a container gives for a Content-Type it cannot read. */
export function unsupportedContentType(
  contentType: string | null,
  supported: readonly string[],
): ModelOutput {
  return containerError(
    415,
    `Content type ${contentType ?? "(none)"} is not supported by this model. ` +
      `Supported: ${supported.join(", ")}`,
  );
}

/** Rounds like a float32 prediction widened to float64, as the real containers print. */
export function float32(value: number): number {
  return Math.fround(value);
}

/**
 * Formats a float the way Python's repr does (the real containers are
 * Python): scientific notation below 1e-4 with a two-digit exponent.
 */
export function formatFloat(value: number): string {
  const magnitude = Math.abs(value);
  if (value !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

/** Numerically stable softmax. */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Decodes a UTF-8 JSON body, or returns the error text a container would send. */
export function parseJsonBody(
  body: Uint8Array,
): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Request body is not valid JSON: ${reason}` };
  }
}

/** A container error whose message is a JSON object, as script containers send. */
export function badRequest(error: string): ModelOutput {
  return containerError(400, JSON.stringify({ error }));
}
