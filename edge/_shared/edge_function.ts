/**
 * The request handler every HealthNav function shares:
 * CORS preflight → verify the caller → method → reserve the body's bytes and
 * read it with a cap → pkg validates and builds the SageMaker call → signed
 * fetch with retries → pkg normalises → JSON, or problem+json for any error.
 *
 * @module
 */
import {
  BytesInFlight,
  type BytesLease,
  chargedBytes,
} from "./bytes_in_flight.ts";
import { CallerRefused, CallerVerifier } from "./caller.ts";
import {
  ConfigError,
  type EdgeConfig,
  type EnvReader,
  readConfig,
} from "./config.ts";
import { corsHeaders, preflightResponse } from "./cors.ts";
import { answerAsyncResult } from "./async_result.ts";
import { answerBatchOrAsync, withSlotErrors } from "./batch_or_async_call.ts";
import { allowedMethods, methodHint, servesAsyncResults } from "./methods.ts";
import {
  type CallDeps,
  NATIVE_HASH_THRESHOLD_BYTES,
  UpstreamError,
} from "./invoke_sagemaker.ts";
import { emfSink, type MetricsSink } from "./metrics.ts";
import {
  type PredictionCache,
  predictionCacheFor,
} from "./prediction_cache.ts";
import type { Problem } from "./problem.ts";
import {
  BodyReadError,
  BodyTooLargeError,
  readCappedBody,
} from "./request_body.ts";
import { RequestContext } from "./request_context.ts";
import { RetryBudget } from "./retry_policy.ts";
import { answerSinglePrediction } from "./single_prediction_call.ts";
import {
  type FunctionName,
  type HealthNavError,
  isHealthNavError,
  type NormalizedResult,
  ResilientGateway,
} from "./wasm_gateway.ts";

/** SageMaker's request limit; larger bodies are refused before parsing. */
export const MAX_REQUEST_BYTES = 6_291_456;

/** The outside world, injected so tests can pass a fake fetch and a fixed clock. */
export interface EdgeDeps extends CallDeps {
  env: EnvReader;
  log(line: string): void;
  newRequestId(): string;
  /** Per-request metrics (EMF lines, a local registry); none when absent. */
  metrics?: MetricsSink;
}

/** The real runtime: Deno's env, fetch, clock, timers and console. */
export function runtimeDeps(): EdgeDeps {
  return {
    env: (name) => Deno.env.get(name),
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    sleep: abortableSleep,
    random: Math.random,
    log: (line) => console.log(line),
    newRequestId: () => crypto.randomUUID(),
    metrics: emfSink((line) => console.log(line)),
  };
}

/** A Supabase edge function: `export default createEdgeFunction(...)`. */
export interface EdgeFunction {
  fetch(request: Request): Promise<Response>;
}

/** What one isolate keeps between requests. */
interface Isolate {
  config: EdgeConfig;
  gateway: ResilientGateway;
  verifier: CallerVerifier;
  knownEndpoints: ReadonlySet<string>;
  retryBudget: RetryBudget;
  bytesInFlight: BytesInFlight;
  /** Null when PREDICTION_CACHE_FUNCTIONS does not list this function. */
  cache: PredictionCache<NormalizedResult> | null;
}

/** Builds the handler for one of the three functions. */
export function createEdgeFunction(
  functionName: FunctionName,
  deps: EdgeDeps = runtimeDeps(),
): EdgeFunction {
  // Read once per isolate; a bad setting is reported on every request until fixed.
  let isolate: Isolate | Problem | undefined;
  const setUp = () => (isolate ??= prepare(functionName, deps));

  return {
    async fetch(request: Request): Promise<Response> {
      const context = new RequestContext(
        functionName,
        request,
        deps.newRequestId(),
        deps,
      );
      const ready = setUp();
      if (!("config" in ready)) {
        if (request.method === "OPTIONS") {
          return context.finish(preflightResponse(request, [], ""));
        }
        await request.body?.cancel().catch(() => {});
        return context.fail(ready);
      }
      context.cors = corsHeaders(request, ready.config.corsOrigins);
      context.knownEndpoints = ready.knownEndpoints;
      if (request.method === "OPTIONS") {
        return context.finish(
          preflightResponse(
            request,
            ready.config.corsOrigins,
            allowedMethods(functionName),
          ),
        );
      }
      let lease: BytesLease | null = null;
      try {
        context.caller = await ready.verifier.verify(
          request.headers.get("authorization"),
          deps.now(),
        );
        // GET reads an asynchronous image-analysis result.
        if (request.method === "GET" && servesAsyncResults(functionName)) {
          return context.finish(
            await answerAsyncResult(request, ready, deps, context),
          );
        }
        if (request.method !== "POST") {
          throw methodNotAllowed(functionName);
        }
        const contentType = request.headers.get("content-type") ?? "";
        if (!/^application\/json\s*(;|$)/i.test(contentType)) {
          throw unsupportedMediaType();
        }
        lease = ready.bytesInFlight.reserve(
          chargedBytes(request, MAX_REQUEST_BYTES),
        );
        if (lease === null) throw busy();
        return await answerPost(request, functionName, ready, deps, context);
      } catch (error) {
        await request.body?.cancel().catch(() => {});
        noteFailedCall(context, error);
        return context.fail(toProblem(error, ready.config));
      } finally {
        lease?.release();
      }
    },
  };
}

/** A POST: read, validate, call, answer. */
async function answerPost(
  request: Request,
  functionName: FunctionName,
  ready: Isolate,
  deps: EdgeDeps,
  context: RequestContext,
): Promise<Response> {
  const { config, gateway } = ready;
  const body = await readCappedBody(request, MAX_REQUEST_BYTES);
  const callerId = context.caller?.id ?? undefined;
  // Small bodies take the one-call path (validated, built and signed in
  // wasm); large ones are hashed natively before signing.
  const invocation = body.byteLength < NATIVE_HASH_THRESHOLD_BYTES
    ? gateway.prepareInvocation(functionName, body, deps.now(), callerId)
    : gateway.buildInvocation(functionName, body, callerId);
  context.noteInvocation(invocation);
  const call = {
    functionName,
    invocation,
    config,
    gateway,
    retryBudget: ready.retryBudget,
    signal: request.signal,
  };
  if (invocation.batch || invocation.async) {
    try {
      return context.finish(await answerBatchOrAsync(call, deps, context));
    } catch (error) {
      throw new BatchFailure(error, invocation.batch);
    }
  }
  const { response, prediction } = await answerSinglePrediction(
    { ...call, cache: ready.cache },
    deps,
    context,
  );
  return context.finish(response, prediction);
}

/** A batch's failure, which still names the patients refused before the call. */
class BatchFailure extends Error {
  constructor(
    readonly error: unknown,
    readonly batch: Parameters<typeof withSlotErrors>[1],
  ) {
    super("the batch call failed");
  }
}

function prepare(
  functionName: FunctionName,
  deps: EdgeDeps,
): Isolate | Problem {
  let config: EdgeConfig;
  let verifier: CallerVerifier;
  try {
    config = readConfig(deps.env);
    verifier = new CallerVerifier(config.auth, deps.fetch);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TypeError) {
      return misconfigured(error.message);
    }
    throw error;
  }
  try {
    const gateway = new ResilientGateway(config.settings, config.credentials);
    return {
      config,
      gateway,
      verifier,
      knownEndpoints: new Set(gateway.endpointNames()),
      retryBudget: new RetryBudget(),
      bytesInFlight: new BytesInFlight(config.maxBytesInFlight),
      cache: predictionCacheFor(functionName, config.predictionCache, deps.now),
    };
  } catch (error) {
    if (isHealthNavError(error)) {
      const [first] = error.errors;
      const variable = first
        ? config.settingSources[first.path] ?? first.path
        : "a setting";
      return misconfigured(
        `${variable} ${withheldValues(first?.message ?? "is invalid")}`,
      );
    }
    throw error;
  }
}

// pkg quotes some offending values (a bucket, a label); a setting's value
// must never reach a response, so quoted text is withheld.
function withheldValues(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, "[value withheld]");
}

function misconfigured(what: string): Problem {
  return {
    status: 500,
    code: "invalid_configuration",
    detail: `The gateway is misconfigured: ${what}.`,
  };
}

function methodNotAllowed(functionName: FunctionName): Problem {
  return {
    status: 405,
    code: "method_not_allowed",
    detail: methodHint(functionName),
    headers: { allow: allowedMethods(functionName) },
  };
}

function unsupportedMediaType(): Problem {
  return {
    status: 415,
    code: "unsupported_media_type",
    detail: "Send the body as JSON with Content-Type: application/json.",
  };
}

function busy(): Problem {
  return {
    status: 503,
    code: "gateway_busy",
    detail:
      "The gateway is holding as many request bytes as it can; try again shortly.",
    headers: { "retry-after": "1" },
  };
}

/** How many attempts a failed call made and what AWS said, for the log. */
function noteFailedCall(context: RequestContext, error: unknown): void {
  const cause = error instanceof BatchFailure ? error.error : error;
  if (cause instanceof UpstreamError) {
    context.noteCall({ attempts: cause.attempts, awsCode: cause.awsCode });
  } else if (isHealthNavError(cause)) {
    const attempts = (cause as HealthNavError & { attempts?: number }).attempts;
    if (attempts !== undefined) {
      context.noteCall({ attempts, awsCode: cause.upstream?.awsCode });
    }
  }
}

function isProblem(value: unknown): value is Problem {
  return typeof value === "object" && value !== null &&
    !(value instanceof Error) &&
    typeof (value as Problem).code === "string" &&
    typeof (value as Problem).status === "number";
}

function toProblem(error: unknown, config: EdgeConfig): Problem {
  if (error instanceof BatchFailure) {
    return withSlotErrors(toProblem(error.error, config), error.batch);
  }
  if (isProblem(error)) return error;
  if (error instanceof CallerRefused) {
    return {
      status: error.status,
      code: error.code,
      detail: error.message,
      headers: error.status === 503 ? { "retry-after": "5" } : undefined,
    };
  }
  if (error instanceof BodyTooLargeError) {
    return {
      status: 413,
      code: "body_too_large",
      detail: `The request body must be at most ${MAX_REQUEST_BYTES} bytes.`,
    };
  }
  if (error instanceof BodyReadError) {
    // The client's upload broke: what arrived is not a complete JSON document.
    return {
      status: 400,
      code: "invalid_json",
      detail: "The request body ended before it was complete.",
    };
  }
  if (error instanceof UpstreamError) {
    return { status: error.status, code: error.code, detail: error.message };
  }
  if (isHealthNavError(error)) return healthNavProblem(error, config);
  return {
    status: 500,
    code: "internal_error",
    detail:
      "The gateway failed unexpectedly; the request id identifies it in the logs.",
  };
}

function healthNavProblem(error: HealthNavError, config: EdgeConfig): Problem {
  if (error.code === "invalid_signing_request") {
    const [first] = error.errors;
    const variable = first ? config.settingSources[first.path] : undefined;
    if (variable) return misconfigured(`${variable} ${first.message}`);
  }
  return {
    status: error.status,
    code: error.code,
    detail: error.message,
    errors: error.errors,
    truncated: error.truncated,
    headers: error.retryable && error.status !== 502
      ? { "retry-after": "1" }
      : undefined,
  };
}

/** `setTimeout` as a promise that ends early when `signal` aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
