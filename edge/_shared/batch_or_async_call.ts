/**
 * The calls whose answer is not one prediction: a batch (one SageMaker call
 * for every valid patient, `{"results": [...]}` back) and an asynchronous
 * image submission (InvokeEndpointAsync, 202 with the id to poll). Both go
 * through the same signed fetch with retries; pkg reads the answer. Neither
 * goes through the prediction cache.
 *
 * @module
 */
import type { EdgeConfig } from "./config.ts";
import {
  type CallDeps,
  configuredCallOptions,
  invokeSageMaker,
} from "./invoke_sagemaker.ts";
import { asyncResultPath, POLL_AFTER_SECONDS } from "./async_result.ts";
import { jsonAnswer } from "./json_answer.ts";
import { MAX_LISTED_ERRORS, type Problem } from "./problem.ts";
import type { RequestContext } from "./request_context.ts";
import type { RetryBudget } from "./retry_policy.ts";
import type {
  AsyncAccepted,
  BatchPlan,
  BatchResult,
  FunctionName,
  Invocation,
  ResilientGateway,
} from "./wasm_gateway.ts";

/** Calls SageMaker for a batch or async invocation and answers the client. */
export async function answerBatchOrAsync(
  call: {
    functionName: FunctionName;
    invocation: Invocation;
    config: EdgeConfig;
    gateway: ResilientGateway;
    retryBudget: RetryBudget;
    signal?: AbortSignal;
  },
  deps: CallDeps,
  context: RequestContext,
): Promise<Response> {
  const { functionName, invocation, config, gateway } = call;
  const batch = invocation.batch;
  // pkg refuses an asynchronous request without a caller before this point.
  const callerId = context.caller?.id ?? "";
  const done = await invokeSageMaker<BatchResult | AsyncAccepted>({
    functionName,
    gateway,
    invocation,
    ...configuredCallOptions(config, context.started),
    retryBudget: call.retryBudget,
    signal: call.signal,
    normalize: (response) =>
      batch
        ? gateway.normalizeBatchResponse(functionName, response, batch)
        : gateway.acceptAsyncResponse(response, deps.now(), callerId),
  }, deps);
  context.noteCall(done);
  const timing = { "server-timing": context.serverTiming("model") };
  if ("id" in done.result) {
    return jsonAnswer(done.result, 202, context, {
      ...timing,
      location: asyncResultPath(done.result.id),
      "retry-after": String(POLL_AFTER_SECONDS),
    });
  }
  return jsonAnswer(done.result, 200, context, timing);
}

/**
 * A batch that failed as a whole still names its refused patients: their
 * errors follow the failure's own, at most {@link MAX_LISTED_ERRORS} in all.
 */
export function withSlotErrors(
  problem: Problem,
  batch: BatchPlan | null,
): Problem {
  const slotErrors = batch?.slots.flatMap((slot) => slot.errors ?? []) ?? [];
  if (slotErrors.length === 0) return problem;
  const errors = [...(problem.errors ?? []), ...slotErrors];
  return {
    ...problem,
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    truncated: problem.truncated || batch?.truncated === true ||
      errors.length > MAX_LISTED_ERRORS,
  };
}
