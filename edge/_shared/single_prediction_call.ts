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
import {
  type CallDeps,
  configuredCallOptions,
  invokeSageMaker,
} from "./invoke_sagemaker.ts";
import { jsonAnswer } from "./json_answer.ts";
import { type PredictionCache, throughCache } from "./prediction_cache.ts";
import type { RequestContext } from "./request_context.ts";
import type { RetryBudget } from "./retry_policy.ts";
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
    retryBudget: RetryBudget;
    signal?: AbortSignal;
    /** Null when caching is off for this function. */
    cache: PredictionCache<NormalizedResult> | null;
  },
  deps: CallDeps,
  context: RequestContext,
): Promise<PredictionAnswer> {
  const { functionName, invocation, config, gateway, cache } = call;
  const done = await throughCache(
    cache,
    functionName,
    invocation,
    context.caller?.id ?? null,
    () =>
      invokeSageMaker({
        functionName,
        gateway,
        invocation,
        ...configuredCallOptions(config, context.started),
        retryBudget: call.retryBudget,
        signal: call.signal,
      }, deps),
  );
  // A cache hit makes no attempt.
  context.noteCall(done);
  const headers: Record<string, string> = {
    "server-timing": context.serverTiming("model"),
  };
  if (done.cache) {
    context.noteCache(done.cache);
    headers["x-cache"] = done.cache;
  }
  return {
    response: jsonAnswer(done.result, 200, context, headers),
    prediction: done.result,
  };
}
