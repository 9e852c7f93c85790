/**
 * The request handler every HealthNav function shares: read the body with a
 * cap → pkg validates and builds the SageMaker call → signed fetch with
 * retries → pkg normalises → JSON, or problem+json for any error.
 *
 * @module
 */
import {
  ConfigError,
  type EdgeConfig,
  type EnvReader,
  readConfig,
} from "./config.ts";
import { jwtSubject } from "./caller_id.ts";
import { corsHeaders, preflightResponse } from "./cors.ts";
import { answerAsyncResult } from "./async_result.ts";
import { answerBatchOrAsync, withSlotErrors } from "./batch_or_async_call.ts";
import { allowedMethods, methodHint, servesAsyncResults } from "./methods.ts";
import {
  type CallDeps,
  NATIVE_HASH_THRESHOLD_BYTES,
  UpstreamError,
} from "./invoke_sagemaker.ts";
import { type InvocationLog, logLine } from "./log.ts";
import { emfSink, type MetricsSink, reportInvocation } from "./metrics.ts";
import {
  type PredictionCache,
  predictionCacheFor,
} from "./prediction_cache.ts";
import { type Problem, problemResponse } from "./problem.ts";
import {
  BodyReadError,
  BodyTooLargeError,
  readCappedBody,
} from "./request_body.ts";
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
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
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

/** Builds the handler for one of the three functions. */
export function createEdgeFunction(
  functionName: FunctionName,
  deps: EdgeDeps = runtimeDeps(),
): EdgeFunction {
  // Read once per isolate; a bad setting is reported on every request until fixed.
  let setup:
    | { config: EdgeConfig; gateway: ResilientGateway }
    | Problem
    | undefined;
  const loadSetup = () => (setup ??= prepare(deps.env));
  // Per isolate too; null when PREDICTION_CACHE_FUNCTIONS does not list this function.
  let cache: PredictionCache<NormalizedResult> | null | undefined;

  return {
    async fetch(request: Request): Promise<Response> {
      const requestId = deps.newRequestId();
      const started = deps.now();
      const record: InvocationLog = {
        request_id: requestId,
        function: functionName,
        method: request.method,
        status: 500,
        // Known once the body is validated; null when refused before that.
        endpoint: null,
        latency_ms: 0,
      };
      const ready = loadSetup();
      const cors = "config" in ready
        ? corsHeaders(request, ready.config.corsOrigins)
        : new Headers();
      // `prediction` is for the metrics' risk-level counts only; never logged.
      const finish = (response: Response, prediction?: NormalizedResult) => {
        record.status = response.status;
        record.latency_ms = deps.now() - started;
        logLine(deps.log, record);
        if (request.method !== "OPTIONS") {
          reportInvocation(deps.metrics, record, prediction, deps.now());
        }
        return response;
      };
      const fail = (problem: Problem) => {
        record.code = problem.code;
        return finish(problemResponse(problem, requestId, cors));
      };

      if (request.method === "OPTIONS") {
        const origins = "config" in ready ? ready.config.corsOrigins : [];
        return finish(
          preflightResponse(request, origins, allowedMethods(functionName)),
        );
      }
      // GET reads an asynchronous image-analysis result.
      if (request.method === "GET" && servesAsyncResults(functionName)) {
        if (!("config" in ready)) return fail(ready);
        try {
          return finish(
            await answerAsyncResult(request, ready, deps, {
              cors,
              requestId,
              record,
            }),
          );
        } catch (error) {
          return fail(toProblem(error, record, ready.config));
        }
      }
      if (request.method !== "POST") {
        await request.body?.cancel().catch(() => {});
        return fail({
          status: 405,
          code: "method_not_allowed",
          detail: methodHint(functionName),
          headers: { allow: allowedMethods(functionName) },
        });
      }
      if (!("config" in ready)) return fail(ready);
      const { config, gateway } = ready;
      cache ??= predictionCacheFor(
        functionName,
        config.predictionCache,
        deps.now,
      );

      const contentType = request.headers.get("content-type") ?? "";
      if (!/^application\/json\s*(;|$)/i.test(contentType)) {
        await request.body?.cancel().catch(() => {});
        return fail({
          status: 415,
          code: "unsupported_media_type",
          detail: "Send the body as JSON with Content-Type: application/json.",
        });
      }

      try {
        const body = await readCappedBody(request, MAX_REQUEST_BYTES);
        // Sticky A/B: the JWT's `sub` (already verified by Supabase) picks the variant.
        const callerId = jwtSubject(request.headers.get("authorization"));
        // Small bodies take the one-call path (validated, built and signed in
        // wasm); large ones are hashed natively before signing.
        const invocation = body.byteLength < NATIVE_HASH_THRESHOLD_BYTES
          ? gateway.prepareInvocation(functionName, body, deps.now(), callerId)
          : gateway.buildInvocation(functionName, body, callerId);
        record.endpoint = invocation.endpoint;
        record.variant = invocation.variant;
        if (invocation.batch || invocation.async) {
          try {
            return finish(
              await answerBatchOrAsync(
                { functionName, invocation, config, gateway },
                deps,
                { cors, requestId, started, record },
              ),
            );
          } catch (error) {
            return fail(
              withSlotErrors(
                toProblem(error, record, config),
                invocation.batch,
              ),
            );
          }
        }
        const { response, prediction } = await answerSinglePrediction(
          { functionName, invocation, config, gateway, cache },
          deps,
          { cors, requestId, started, record },
        );
        return finish(response, prediction);
      } catch (error) {
        return fail(toProblem(error, record, config));
      }
    },
  };
}

function prepare(
  env: EnvReader,
): { config: EdgeConfig; gateway: ResilientGateway } | Problem {
  let config: EdgeConfig;
  try {
    config = readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return misconfigured(error.message);
    throw error;
  }
  try {
    return {
      config,
      gateway: new ResilientGateway(config.settings, config.credentials),
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

// pkg quotes some offending values (an endpoint pattern, a bucket, a label);
// a setting's value must never reach a response, so quoted text is withheld.
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

function toProblem(
  error: unknown,
  record: InvocationLog,
  config: EdgeConfig,
): Problem {
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
    record.attempts = error.attempts;
    record.retries = Math.max(0, error.attempts - 1);
    return { status: error.status, code: error.code, detail: error.message };
  }
  if (isHealthNavError(error)) {
    const attempts = (error as HealthNavError & { attempts?: number }).attempts;
    if (attempts !== undefined) {
      record.attempts = attempts;
      record.retries = attempts - 1;
    }
    if (error.upstream) record.aws_code = error.upstream.awsCode;
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
      headers: error.retryable && error.status !== 502
        ? { "retry-after": "1" }
        : undefined,
    };
  }
  record.code = "internal_error";
  return {
    status: 500,
    code: "internal_error",
    detail:
      "The gateway failed unexpectedly; the request id identifies it in the logs.",
  };
}
