/**
 * The request handler every HealthNav function shares, a pipeline each
 * request walks once: CORS preflight → verify the caller → method → reserve
 * the body's bytes and read it with a cap → pkg validates and builds the
 * SageMaker call → signed transport with retries → pkg reads the answer →
 * JSON, or problem+json for any failure. One RequestContext, created at the
 * entry, carries the request and writes its one log line and metrics sample.
 *
 * @module
 */
import { answerAsyncResult } from "./async_result.ts";
import type { AuditTrailDeps } from "./audit_trail.ts";
import { answerBatchOrAsync } from "./batch_or_async_call.ts";
import { type BytesLease, chargedBytes } from "./bytes_in_flight.ts";
import type { EnvReader } from "./config.ts";
import { corsHeaders, preflightResponse } from "./cors.ts";
import { allowedMethods, methodHint, servesAsyncResults } from "./functions.ts";
import { GatewayFailure } from "./gateway_failure.ts";
import type { CallDeps, CallPolicy } from "./invoke_sagemaker.ts";
import { type Isolate, setUpIsolate } from "./isolate.ts";
import { emfSink, type MetricsSink } from "./metrics.ts";
import {
  BodyReadError,
  BodyTooLargeError,
  readCappedBody,
} from "./request_body.ts";
import { RequestContext } from "./request_context.ts";
import { withSafetyNotice } from "./safety_on_failure.ts";
import { answerSinglePrediction } from "./single_prediction_call.ts";
import type { FunctionName } from "./wasm_gateway.ts";

/** SageMaker's request limit; larger bodies are refused before parsing. */
export const MAX_REQUEST_BYTES = 6_291_456;

/** The outside world, injected so tests can pass a fake fetch and a fixed clock. */
export interface EdgeDeps extends CallDeps, AuditTrailDeps {
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
    waitUntil: (work) => edgeRuntime()?.waitUntil(work),
  };
}

/** Supabase's runtime global, absent under plain Deno. */
function edgeRuntime():
  | { waitUntil(work: Promise<unknown>): void }
  | undefined {
  return (globalThis as {
    EdgeRuntime?: { waitUntil(work: Promise<unknown>): void };
  })
    .EdgeRuntime;
}

/** A Supabase edge function: `export default createEdgeFunction(...)`. */
export interface EdgeFunction {
  fetch(request: Request): Promise<Response>;
  /** Finishes audit writes under way and closes the database pool (local stack, tests). */
  close(): Promise<void>;
}

/** Builds the handler of one of the three functions. */
export function createEdgeFunction(
  functionName: FunctionName,
  deps: EdgeDeps = runtimeDeps(),
): EdgeFunction {
  // Set up on the first request; a bad setting is reported on every request until fixed.
  let isolate: Isolate | GatewayFailure | undefined;
  const setUp = () => (isolate ??= setUpIsolate(functionName, deps));

  return {
    async fetch(request: Request): Promise<Response> {
      const context = new RequestContext(
        functionName,
        request,
        deps.newRequestId(),
        deps,
      );
      const ready = setUp();
      if (ready instanceof GatewayFailure) {
        if (request.method === "OPTIONS") {
          return context.finish(preflightResponse(request, [], ""));
        }
        await request.body?.cancel().catch(() => {});
        return context.finish(context.fail(ready));
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
      const response = await answer(
        request,
        functionName,
        ready,
        deps,
        context,
      );
      if (!ready.audit) return context.finish(response);
      return context.finish(
        await ready.audit.settle(
          context,
          response,
          (failure) => safetyFor(failure, context, ready),
        ),
      );
    },
    async close() {
      if (isolate && !(isolate instanceof GatewayFailure)) {
        await isolate.audit?.close();
      }
    },
  };
}

/** Verifies the caller, then answers a GET (async result) or a POST. */
async function answer(
  request: Request,
  functionName: FunctionName,
  isolate: Isolate,
  deps: EdgeDeps,
  context: RequestContext,
): Promise<Response> {
  let lease: BytesLease | null = null;
  try {
    context.caller = await isolate.verifier.verify(
      request.headers.get("authorization"),
      deps.now(),
    );
    // GET reads an asynchronous image-analysis result.
    if (request.method === "GET" && servesAsyncResults(functionName)) {
      return await answerAsyncResult(request, isolate, deps, context);
    }
    checkMethodAndType(request, functionName);
    lease = isolate.bytesInFlight.reserve(
      chargedBytes(request, MAX_REQUEST_BYTES),
    );
    if (lease === null) throw busy();
    return await answerPost(request, isolate, deps, context);
  } catch (error) {
    await request.body?.cancel().catch(() => {});
    return context.fail(asFailure(error));
  } finally {
    lease?.release();
  }
}

/** A POST: read, validate and build, call, answer. */
async function answerPost(
  request: Request,
  isolate: Isolate,
  deps: EdgeDeps,
  context: RequestContext,
): Promise<Response> {
  const body = await readCappedBody(request, MAX_REQUEST_BYTES);
  const invocation = isolate.gateway.prepare(
    body,
    deps.now(),
    context.caller?.id ?? undefined,
  );
  context.noteInvocation(invocation);
  const policy: CallPolicy = {
    attemptTimeoutMs: isolate.config.attemptTimeoutMs,
    deadlineAt: context.started + isolate.config.deadlineMs,
    maxAttempts: isolate.config.maxAttempts,
    retryBudget: isolate.retryBudget,
    signal: request.signal,
  };
  try {
    await isolate.audit?.admit(context);
    if (invocation.batch || invocation.async) {
      const { response, answer } = await answerBatchOrAsync(
        invocation,
        isolate,
        policy,
        deps,
        context,
      );
      return context.reply(response, answer);
    }
    const { response, prediction } = await answerSinglePrediction(
      invocation,
      isolate,
      policy,
      deps,
      context,
    );
    return context.reply(response, prediction);
  } catch (error) {
    throw withSafetyNotice(error, invocation, isolate.gateway);
  }
}

/** A failure of a triage answer carries its red flags' safety notice. */
function safetyFor(
  failure: GatewayFailure,
  context: RequestContext,
  isolate: Isolate,
): GatewayFailure {
  const { invocation } = context;
  if (!invocation) return failure;
  return withSafetyNotice(failure, invocation, isolate.gateway);
}

/** Refuses what a function does not answer before its body is read. */
function checkMethodAndType(request: Request, functionName: FunctionName) {
  if (request.method !== "POST") {
    throw new GatewayFailure("method_not_allowed", methodHint(functionName), {
      headers: { allow: allowedMethods(functionName) },
    });
  }
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new GatewayFailure(
      "unsupported_media_type",
      "Send the body as JSON with Content-Type: application/json.",
    );
  }
}

function busy(): GatewayFailure {
  return new GatewayFailure(
    "gateway_busy",
    "The gateway is holding as many request bytes as it can; try again shortly.",
  );
}

/** Whatever was thrown, as the failure the client is answered with. */
function asFailure(error: unknown): GatewayFailure {
  if (error instanceof GatewayFailure) return error;
  if (error instanceof BodyTooLargeError) {
    return new GatewayFailure(
      "body_too_large",
      `The request body must be at most ${MAX_REQUEST_BYTES} bytes.`,
    );
  }
  if (error instanceof BodyReadError) {
    // The client's upload broke: what arrived is not a complete JSON document.
    return new GatewayFailure(
      "invalid_json",
      "The request body ended before it was complete.",
    );
  }
  return new GatewayFailure(
    "internal_error",
    "The gateway failed unexpectedly; the request id identifies it in the logs.",
  );
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
