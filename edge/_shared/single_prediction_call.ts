/**
 * The ordinary call: one patient, one prediction. It goes through the
 * prediction cache (straight to SageMaker when caching is off for the
 * function) and answers 200 with the normalised result; `x-cache` says whether
 * the cache answered and `Server-Timing` splits the time between the model and
 * the gateway.
 *
 * @module
 */
import type { CallDeps, CallPolicy } from "./invoke_sagemaker.ts";
import { invokeSageMaker } from "./invoke_sagemaker.ts";
import type { Isolate } from "./isolate.ts";
import { jsonAnswer } from "./json_answer.ts";
import { throughCache } from "./prediction_cache.ts";
import type { RequestContext } from "./request_context.ts";
import { signedCall } from "./signed_call.ts";
import type { Invocation, NormalizedResult } from "./wasm_gateway.ts";

/** The client's answer and the prediction in it. */
export interface PredictionAnswer {
  response: Response;
  /** For the metrics' risk-level counts only; never logged. */
  prediction: NormalizedResult;
}

/** Calls SageMaker (or the cache) for one prediction and answers the client. */
export async function answerSinglePrediction(
  invocation: Invocation,
  isolate: Isolate,
  policy: CallPolicy,
  deps: CallDeps,
  context: RequestContext,
): Promise<PredictionAnswer> {
  const { gateway, cache } = isolate;
  const done = await throughCache(
    cache,
    gateway.functionName,
    invocation,
    context.caller?.id ?? null,
    () =>
      invokeSageMaker(
        signedCall(gateway, invocation, (response) =>
          gateway.normalize(response, invocation.redFlags)),
        policy,
        deps,
      ),
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
