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
import { type AnswerContext, jsonAnswer } from "./json_answer.ts";
import type { InvocationLog } from "./log.ts";
import type { Problem } from "./problem.ts";
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
  },
  deps: CallDeps,
  context: AnswerContext & { started: number; record: InvocationLog },
): Promise<Response> {
  const { functionName, invocation, config, gateway } = call;
  const batch = invocation.batch;
  const done = await invokeSageMaker<BatchResult | AsyncAccepted>({
    functionName,
    gateway,
    invocation,
    ...configuredCallOptions(config),
    normalize: (response) =>
      batch
        ? gateway.normalizeBatchResponse(functionName, response, batch)
        : gateway.acceptAsyncResponse(response, deps.now()),
  }, deps);
  const { record } = context;
  record.upstream_ms = done.upstreamMs;
  record.attempts = done.attempts;
  record.retries = done.attempts - 1;
  const timing = {
    "server-timing": `model;dur=${done.upstreamMs}, gateway;dur=${
      Math.max(0, deps.now() - context.started - done.upstreamMs)
    }`,
  };
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
 * errors follow the failure's own.
 */
export function withSlotErrors(
  problem: Problem,
  batch: BatchPlan | null,
): Problem {
  const slotErrors = batch?.slots.flatMap((slot) => slot.errors ?? []) ?? [];
  if (slotErrors.length === 0) return problem;
  return { ...problem, errors: [...(problem.errors ?? []), ...slotErrors] };
}
