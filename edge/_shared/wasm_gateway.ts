/**
 * The wasm module, loaded once per isolate by importing pkg/ (the bytes are
 * embedded in the import graph, so Supabase's bundler ships them), wrapped so
 * that a trap cannot leave the isolate unusable and pkg's errors arrive as
 * GatewayFailure.
 *
 * A Rust panic aborts, which traps the instance (`WebAssembly.RuntimeError`)
 * with its memory in an unknown state; so does running out of stack inside
 * wasm, which V8 reports as a `RangeError`. Every call goes through
 * `guarded`: on either, wasm-bindgen's reset function (built with
 * `--experimental-reset-state-function`) replaces the instance with a fresh
 * one of the same compiled module, Gateways of the old instance are rebuilt
 * lazily, and the error is rethrown so the request that failed gets a 500
 * while the next works.
 *
 * @module
 */
import * as pkg from "../../pkg/mod.js";
import { GatewayFailure, isHealthNavError } from "./gateway_failure.ts";

// pkg's types, for the rest of the edge code; pkg's functions are reached only
// through the guarded wrappers below (error_codes.ts alone reads pkg's constant
// error table, once, at import: before any request could have trapped).
export type {
  AsyncAccepted,
  AsyncResultLocation,
  AwsCredentials,
  AwsRequestToSign,
  BatchPlan,
  BatchResult,
  FieldError,
  FunctionName,
  GatewaySettings,
  ImageResult,
  Invocation,
  NormalizedResult,
  RedFlag,
  SafetyNotice,
  UpstreamResponse,
} from "../../pkg/mod.d.ts";

/** Bumped each time the instance is replaced. */
let instanceGeneration = 0;

/** How many times a trapped instance has been replaced in this isolate. */
export function instanceReplacements(): number {
  return instanceGeneration;
}

/**
 * Runs `call`. pkg's errors become GatewayFailure; if the instance trapped
 * or overflowed its stack, it is replaced before the error is rethrown.
 */
export function guarded<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (isHealthNavError(error)) throw GatewayFailure.fromPkg(error);
    if (
      error instanceof WebAssembly.RuntimeError || error instanceof RangeError
    ) {
      pkg.resetAfterTrap();
      instanceGeneration++;
    }
    throw error;
  }
}

/** pkg's Gateway for one function, rebuilt on the current instance after a trap. */
export class ResilientGateway {
  readonly functionName: pkg.FunctionName;
  readonly #settings: pkg.GatewaySettings;
  readonly #credentials: pkg.AwsCredentials | undefined;
  #gateway: pkg.Gateway;
  #generation: number;

  /**
   * Throws `invalid_configuration` when a setting is bad. Credentials,
   * when given, let `prepare` and `signAttempt` sign.
   */
  constructor(
    settings: pkg.GatewaySettings,
    functionName: pkg.FunctionName,
    credentials?: pkg.AwsCredentials,
  ) {
    this.functionName = functionName;
    this.#settings = settings;
    this.#credentials = credentials;
    this.#gateway = guarded(() => this.#create());
    this.#generation = instanceGeneration;
  }

  #create(): pkg.Gateway {
    return new pkg.Gateway(
      this.#settings,
      this.functionName,
      this.#credentials,
    );
  }

  #current(): pkg.Gateway {
    // An object of a replaced instance is stale (its calls throw, and its
    // finalizer leaves the new instance's memory alone): build a new one.
    if (this.#generation !== instanceGeneration) {
      this.#gateway = this.#create();
      this.#generation = instanceGeneration;
    }
    return this.#gateway;
  }

  /** See `Gateway.prepare`; `callerId` is the verified caller's `sub`. */
  prepare(
    body: Uint8Array,
    timeMs: number,
    callerId?: string,
  ): pkg.Invocation {
    return guarded(() => this.#current().prepare(body, timeMs, callerId));
  }

  /** See `Gateway.signAttempt`. */
  signAttempt(invocation: pkg.Invocation, timeMs: number): [string, string][] {
    return guarded(() => this.#current().signAttempt(invocation, timeMs));
  }

  /** See `Gateway.validate`. */
  validate(body: Uint8Array, callerId?: string): pkg.FieldError[] {
    return guarded(() => this.#current().validate(body, callerId));
  }

  /** See `Gateway.endpointNames`. */
  endpointNames(): string[] {
    return guarded(() => this.#current().endpointNames());
  }

  /** See `Gateway.normalize`: a triage answer is floored by `redFlags`. */
  normalize(
    response: pkg.UpstreamResponse,
    redFlags: string[],
  ): pkg.NormalizedResult {
    return guarded(() => this.#current().normalize(response, redFlags));
  }

  /** See `Gateway.safetyNotice`. */
  safetyNotice(redFlags: string[]): pkg.SafetyNotice | null {
    return guarded(() => this.#current().safetyNotice(redFlags));
  }

  /** See `Gateway.normalizeBatch`. */
  normalizeBatch(
    response: pkg.UpstreamResponse,
    batch: pkg.BatchPlan,
  ): pkg.BatchResult {
    return guarded(() => this.#current().normalizeBatch(response, batch));
  }

  /** See `Gateway.acceptAsync`: the id belongs to `callerId`. */
  acceptAsync(
    response: pkg.UpstreamResponse,
    timeMs: number,
    callerId: string,
  ): pkg.AsyncAccepted {
    return guarded(() =>
      this.#current().acceptAsync(response, timeMs, callerId)
    );
  }

  /** See `Gateway.openAsyncResult`: only the id's own caller opens it. */
  openAsyncResult(
    pathAndQuery: string,
    timeMs: number,
    callerId: string | undefined,
  ): pkg.AsyncResultLocation {
    return guarded(() =>
      this.#current().openAsyncResult(pathAndQuery, timeMs, callerId)
    );
  }

  /** See `Gateway.readAsyncOutput`. */
  readAsyncOutput(response: pkg.UpstreamResponse): pkg.ImageResult | null {
    return guarded(() => this.#current().readAsyncOutput(response));
  }

  /** See `Gateway.readAsyncFailure`. */
  readAsyncFailure(response: pkg.UpstreamResponse): void {
    guarded(() => this.#current().readAsyncFailure(response));
  }
}

/** See pkg's `signAwsRequest`. */
export function signAwsRequest(
  request: pkg.AwsRequestToSign,
): Record<string, string> {
  return guarded(() => pkg.signAwsRequest(request));
}
