/**
 * The ordinary call: one patient, one prediction. It goes through the
 * prediction cache (straight to SageMaker when caching is off for the
 * function) and answers 200 with the normalised result; `x-cache` says whether
 * the cache answered and `Server-Timing` splits the time between the model and
 * the gateway.
 *
 * @module
 */
import type { EdgeConfig } from "./config.ts";
import { type CallDeps, configuredCallOptions } from "./invoke_sagemaker.ts";
import { type AnswerContext, jsonAnswer } from "./json_answer.ts";
import type { InvocationLog } from "./log.ts";
import {
  invokeThroughCache,
  type PredictionCache,
} from "./prediction_cache.ts";
import type {
  FunctionName,
  Invocation,
  NormalizedResult,
  ResilientGateway,
} from "./wasm_gateway.ts";

/** The client's answer and the prediction in it. */
export interface PredictionAnswer {
  response: Response;
  /** For the metrics' risk-level counts only; never logged. */
  prediction: NormalizedResult;
}

/** Calls SageMaker (or the cache) for one prediction and answers the client. */
export async function answerSinglePrediction(
  call: {
    functionName: FunctionName;
    invocation: Invocation;
    config: EdgeConfig;
    gateway: ResilientGateway;
    /** Null when caching is off for this function. */
    cache: PredictionCache<NormalizedResult> | null;
  },
  deps: CallDeps,
  context: AnswerContext & { started: number; record: InvocationLog },
): Promise<PredictionAnswer> {
  const { functionName, invocation, config, gateway, cache } = call;
  const done = await invokeThroughCache(cache, {
    functionName,
    gateway,
    invocation,
    ...configuredCallOptions(config),
  }, deps);
  const { record } = context;
  record.upstream_ms = done.upstreamMs;
  record.attempts = done.attempts;
  // A cache hit makes no attempt.
  record.retries = Math.max(0, done.attempts - 1);
  record.cache = done.cache;
  const headers: Record<string, string> = {
    "server-timing": `model;dur=${done.upstreamMs}, gateway;dur=${
      Math.max(0, deps.now() - context.started - done.upstreamMs)
    }`,
  };
  // Only set when caching is on for the function.
  if (done.cache) headers["x-cache"] = done.cache;
  return {
    response: jsonAnswer(done.result, 200, context, headers),
    prediction: done.result,
  };
}
