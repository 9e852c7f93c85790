/**
 * The wasm module, loaded once per isolate by importing pkg/ (the bytes are
 * embedded in the import graph, so Supabase's bundler ships them), and the
 * `Gateway` built from this deployment's settings.
 *
 * @module
 */
import { Gateway, signAwsRequest } from "../../pkg/mod.js";
import type { GatewaySettings } from "../../pkg/mod.js";

export { Gateway, signAwsRequest };
export type {
  AwsCredentials,
  FieldError,
  FunctionName,
  GatewaySettings,
  HealthNavError,
  Invocation,
  NormalizedResult,
} from "../../pkg/mod.js";

/** True for the `Error`s pkg/ throws, which carry a stable `code` and `status`. */
export function isHealthNavError(
  error: unknown,
): error is import("../../pkg/mod.js").HealthNavError {
  return error instanceof Error && error.name === "HealthNavError" &&
    typeof (error as { code?: unknown }).code === "string";
}

/** Builds a Gateway; throws pkg's `invalid_configuration` error when a setting is bad. */
export function createGateway(settings: GatewaySettings): Gateway {
  return new Gateway(settings);
}
