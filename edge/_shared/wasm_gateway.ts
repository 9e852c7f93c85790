/**
 * The wasm module, loaded once per isolate by importing pkg/ (the bytes are
 * embedded in the import graph, so Supabase's bundler ships them), wrapped so
 * that a trap cannot leave the isolate unusable.
 *
 * A Rust panic aborts, which traps the instance (`WebAssembly.RuntimeError`)
 * with its memory in an unknown state; so does running out of stack inside
 * wasm, which V8 reports as a `RangeError`. Every call goes through
 * `guarded`: on either, the instance is replaced by a fresh one of the same
 * compiled module, Gateways built on the old instance are rebuilt lazily, and
 * the error is rethrown so the request that failed gets a 500 while the next
 * works.
 *
 * @module
 */
import * as pkg from "../../pkg/mod.js";

// pkg's types, for the rest of the edge code; pkg's functions are reached only
// through the guarded wrappers below.
export type {
  AsyncAccepted,
  AsyncResultLocation,
  AwsCredentials,
  BatchPlan,
  BatchResult,
  FieldError,
  FunctionName,
  GatewaySettings,
  HealthNavError,
  Invocation,
  NormalizedResult,
  UpstreamResponse,
} from "../../pkg/mod.d.ts";

/** Bumped each time the instance is replaced. */
let instanceGeneration = 0;

/** How many times a trapped instance has been replaced in this isolate. */
export function instanceReplacements(): number {
  return instanceGeneration;
}

/** Runs `call`; if the instance trapped or overflowed its stack, replaces it before rethrowing. */
export function guarded<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (
      error instanceof WebAssembly.RuntimeError || error instanceof RangeError
    ) {
      pkg.reinstantiateAfterTrap();
      instanceGeneration++;
    }
    throw error;
  }
}

/** True for the `Error`s pkg/ throws, which carry a stable `code` and `status`. */
export function isHealthNavError(error: unknown): error is pkg.HealthNavError {
  return error instanceof Error && error.name === "HealthNavError" &&
    typeof (error as { code?: unknown }).code === "string";
}

/** pkg's Gateway, rebuilt on the current instance after a trap. */
export class ResilientGateway {
  readonly #settings: pkg.GatewaySettings;
  readonly #credentials: pkg.AwsCredentials | undefined;
  #gateway: pkg.Gateway;
  #generation: number;

  /**
   * Throws pkg's `invalid_configuration` error when a setting is bad.
   * Credentials, when given, enable `prepareInvocation`.
   */
  constructor(settings: pkg.GatewaySettings, credentials?: pkg.AwsCredentials) {
    this.#settings = settings;
    this.#credentials = credentials;
    this.#gateway = guarded(() => this.#create());
    this.#generation = instanceGeneration;
  }

  #create(): pkg.Gateway {
    const gateway = new pkg.Gateway(this.#settings);
    if (this.#credentials) gateway.setCredentials(this.#credentials);
    return gateway;
  }

  #current(): pkg.Gateway {
    if (this.#generation !== instanceGeneration) {
      // The old object points into the trapped instance: detach it without
      // freeing, or its finalizer would free memory of the new instance.
      (this.#gateway as unknown as { __destroy_into_raw(): number })
        .__destroy_into_raw();
      this.#gateway = this.#create();
      this.#generation = instanceGeneration;
    }
    return this.#gateway;
  }

  /** See `Gateway.buildInvocation`; `callerId` is the verified caller's `sub`. */
  buildInvocation(
    functionName: pkg.FunctionName,
    body: Uint8Array,
    callerId?: string,
  ): pkg.Invocation {
    return guarded(() =>
      this.#current().buildInvocation(functionName, body, callerId)
    );
  }

  /** See `Gateway.prepareInvocation`: validated, built and signed for `sagemaker`. */
  prepareInvocation(
    functionName: pkg.FunctionName,
    body: Uint8Array,
    timeMs: number,
    callerId?: string,
  ): pkg.Invocation {
    return guarded(() =>
      this.#current().prepareInvocation(functionName, body, timeMs, callerId)
    );
  }

  /** See `Gateway.validateRequest`. */
  validateRequest(
    functionName: pkg.FunctionName,
    body: Uint8Array,
    callerId?: string,
  ): pkg.FieldError[] {
    return guarded(() =>
      this.#current().validateRequest(functionName, body, callerId)
    );
  }

  /** See `Gateway.endpointNames`. */
  endpointNames(): string[] {
    return guarded(() => this.#current().endpointNames());
  }

  /** See `Gateway.normalizeResponse`. */
  normalizeResponse(
    functionName: pkg.FunctionName,
    response: pkg.UpstreamResponse,
  ): pkg.NormalizedResult {
    return guarded(() =>
      this.#current().normalizeResponse(functionName, response)
    );
  }

  /** See `Gateway.normalizeBatchResponse`. */
  normalizeBatchResponse(
    functionName: pkg.FunctionName,
    response: pkg.UpstreamResponse,
    batch: pkg.BatchPlan,
  ): pkg.BatchResult {
    return guarded(() =>
      this.#current().normalizeBatchResponse(functionName, response, batch)
    );
  }

  /** See `Gateway.acceptAsyncResponse`: the id belongs to `callerId`. */
  acceptAsyncResponse(
    response: pkg.UpstreamResponse,
    timeMs: number,
    callerId: string,
  ): pkg.AsyncAccepted {
    return guarded(() =>
      this.#current().acceptAsyncResponse(response, timeMs, callerId)
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
  readAsyncOutput(response: pkg.UpstreamResponse): pkg.NormalizedResult | null {
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
