/**
 * The calls whose answer is not one prediction: a batch (one SageMaker call
 * for every valid patient, `{"results": [...]}` back) and an asynchronous
 * image submission (InvokeEndpointAsync, 202 with the id to poll). Both go
 * through the same signed transport; pkg reads the answer. Neither goes
 * through the prediction cache.
 *
 * @module
 */
import { asyncResultPath, POLL_AFTER_SECONDS } from "./async_result.ts";
import { GatewayFailure } from "./gateway_failure.ts";
import {
  type CallDeps,
  type CallPolicy,
  invokeSageMaker,
} from "./invoke_sagemaker.ts";
import type { Isolate } from "./isolate.ts";
import { jsonAnswer } from "./json_answer.ts";
import { MAX_LISTED_ERRORS } from "./problem.ts";
import type { RequestContext } from "./request_context.ts";
import { signedCall } from "./signed_call.ts";
import type { BatchPlan, Invocation } from "./wasm_gateway.ts";

/** The client's answer, and what the metrics count in it (never logged). */
export interface CallAnswer {
  response: Response;
  answer: unknown;
}

/** Calls SageMaker for a batch or async invocation and answers the client. */
export async function answerBatchOrAsync(
  invocation: Invocation,
  isolate: Isolate,
  policy: CallPolicy,
  deps: CallDeps,
  context: RequestContext,
): Promise<CallAnswer> {
  const { gateway } = isolate;
  const timing = () => ({ "server-timing": context.serverTiming("model") });
  const batch = invocation.batch;
  if (batch) {
    const done = await invokeSageMaker(
      signedCall(
        gateway,
        invocation,
        (response) => gateway.normalizeBatch(response, batch),
      ),
      policy,
      deps,
    ).catch((error) => {
      throw withSlotErrors(error, batch);
    });
    context.noteCall(done);
    return {
      response: jsonAnswer(done.result, 200, context, timing()),
      answer: done.result,
    };
  }
  // pkg refuses an asynchronous request without a caller before this point.
  const callerId = context.caller?.id ?? "";
  const done = await invokeSageMaker(
    signedCall(
      gateway,
      invocation,
      (response) => gateway.acceptAsync(response, deps.now(), callerId),
    ),
    policy,
    deps,
  );
  context.noteCall(done);
  return {
    response: jsonAnswer(done.result, 202, context, {
      ...timing(),
      location: asyncResultPath(done.result.id),
      "retry-after": String(POLL_AFTER_SECONDS),
    }),
    answer: null,
  };
}

/**
 * A batch that failed as a whole still names its refused patients: their
 * errors follow the failure's own, at most {@link MAX_LISTED_ERRORS} in all.
 */
export function withSlotErrors(error: unknown, batch: BatchPlan): unknown {
  const slotErrors = batch.slots.flatMap((slot) => slot.errors ?? []);
  if (!(error instanceof GatewayFailure) || slotErrors.length === 0) {
    return error;
  }
  const errors = [...(error.details.errors ?? []), ...slotErrors];
  return new GatewayFailure(error.code, error.message, {
    ...error.details,
    errors: errors.slice(0, MAX_LISTED_ERRORS),
    truncated: error.details.truncated || batch.truncated === true ||
      errors.length > MAX_LISTED_ERRORS,
  });
}
