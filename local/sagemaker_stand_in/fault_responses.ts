/**
 * What each injected fault looks like on the wire.
 *
 * Error faults reproduce AWS's status codes, headers and bodies; transport
 * faults (drop, truncated, stall, …) misbehave at the HTTP level so a
 * gateway's timeout, size-cap and parse-failure paths can be exercised.
 *
 * @module
 */

import { sleep, untilAborted } from "./abortable.ts";
import {
  coralError,
  jsonResponse,
  modelError,
  sageMakerError,
} from "./aws_errors.ts";
import { type ChosenFault, DEFAULT_SLOW_DELAY_MS } from "./faults.ts";

/** Size of the `oversized` fault's body: over the 6 MiB response limit. */
export const OVERSIZED_BODY_BYTES = 7 * 1024 * 1024;

/** Body prefix the `stall` fault sends before it stops sending. */
export const STALL_BODY_PREFIX = '{"predictions": [{"score": 0.';

/** Body of the `malformed` fault: JSON that never closes. */
export const MALFORMED_BODY = '{"predictions": [';

/**
 * Body of the `understated` fault: a well-formed answer in the guide's
 * triage format that calls every case routine, as a miscalibrated model or
 * a bad A/B arm would. (Non-clinical, like every stand-in answer.)
 */
export const UNDERSTATED_BODY = JSON.stringify({
  urgency_score: 0.05,
  risk_level: "low",
  recommended_specialty: "General Practice",
  confidence: 0.93,
  key_findings: [],
  model_version: "standin-understated-1",
});

/** The original message of the `model_error` fault. */
export const MODEL_CRASH_MESSAGE = '{"error": "model crashed"}';

const CHUNK_BYTES = 64 * 1024;

// Deno 2.1 only writes response headers once a body chunk is ready, so
// transport faults pause briefly to make sure the client really saw a 200.
const FLUSH_PAUSE_MS = 20;

/** Everything a fault needs from the invocation it replaces. */
export interface FaultContext {
  endpointName: string;
  region: string;
  requestId: string;
  /** Headers of a successful answer (request id, invoked variant). */
  successHeaders: Record<string, string>;
  /** Aborts when the server is closing. */
  closing: AbortSignal;
  /**
   * The client's request.signal, read lazily: on Deno 2.9 merely touching
   * request.signal prints a deprecation warning once the response succeeds,
   * so only the `slow` fault (which has no body stream to notice a
   * disconnect through) asks for it.
   */
  clientSignal: () => AbortSignal;
  /** Runs the model as if no fault were queued (used by `slow`). */
  answerNormally: () => Promise<Response>;
}

const encoder = new TextEncoder();

/** A 200 whose body stream is driven by `produce`; stops on cancel or abort. */
function streamedResponse(
  context: FaultContext,
  contentType: string,
  extraHeaders: Record<string, string>,
  produce: (
    controller: ReadableStreamDefaultController<Uint8Array>,
    signals: AbortSignal[],
  ) => Promise<void>,
): Response {
  // A body stream learns of a client disconnect through cancel().
  const cancelled = new AbortController();
  const signals = [context.closing, cancelled.signal];
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // Runs in the background: start() must not block the response.
      produce(controller, signals).catch(() => {});
    },
    cancel() {
      cancelled.abort();
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    status: 200,
    headers: {
      ...context.successHeaders,
      "content-type": contentType,
      ...extraHeaders,
    },
  });
}

/** Errors the body stream so the client sees a broken connection. */
function breakConnection(
  controller: ReadableStreamDefaultController<Uint8Array>,
  fault: string,
): void {
  try {
    // Deno prints errors of response streams; keep that to one clear line.
    const error = new Error(`sagemaker stand-in fault: ${fault} (intentional)`);
    error.stack = error.message;
    controller.error(error);
  } catch {
    // Already closed or cancelled by the client: nothing left to break.
  }
}

/** A 7 MiB JSON document: valid, but over SageMaker's 6 MiB response limit. */
function oversizedResponse(context: FaultContext): Response {
  const head = encoder.encode('{"predictions": [{"score": 0.5}], "padding": "');
  const tail = encoder.encode('"}');
  const total = OVERSIZED_BODY_BYTES;
  let offset = 0;
  // Pull-based with no read-ahead: one chunk per client read, so a client
  // that stops reading (or leaves) stops the producer too.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (context.closing.aborted) {
        breakConnection(controller, "oversized");
        return;
      }
      const size = Math.min(CHUNK_BYTES, total - offset);
      const chunk = new Uint8Array(size).fill(0x78); // "x"
      if (offset === 0) chunk.set(head, 0);
      if (offset + size === total) chunk.set(tail, size - tail.length);
      controller.enqueue(chunk);
      offset += size;
      if (offset === total) controller.close();
    },
  }, { highWaterMark: 0 });
  return new Response(body, {
    status: 200,
    headers: {
      ...context.successHeaders,
      "content-type": "application/json",
      "content-length": String(total),
    },
  });
}

/**
 * Builds the response for an injected fault. Error faults answer at once;
 * `slow` waits (abortably) and then answers normally.
 */
export async function serveFault(
  chosen: ChosenFault,
  context: FaultContext,
): Promise<Response> {
  const { endpointName, region, requestId } = context;
  switch (chosen.fault) {
    case "throttling":
      // As seen in the wild: a 400 whose message is null.
      return coralError(400, "ThrottlingException", null, requestId);
    case "model_not_ready":
      return sageMakerError(
        "ModelNotReadyException",
        "Model is not ready",
        requestId,
      );
    case "model_error":
      return modelError(
        endpointName,
        region,
        500,
        MODEL_CRASH_MESSAGE,
        requestId,
      );
    case "internal_failure":
      return sageMakerError(
        "InternalFailure",
        "An internal error occurred. Please try again later.",
        requestId,
      );
    case "service_unavailable":
      return sageMakerError(
        "ServiceUnavailable",
        "The service is unavailable. Please try again later.",
        requestId,
      );
    case "internal_dependency":
      return sageMakerError(
        "InternalDependencyException",
        "An internal dependency failed. Please try again later.",
        requestId,
      );
    case "validation_error_body_form":
      // Error code only in the body's __type, no x-amzn-ErrorType header.
      return jsonResponse(400, {
        __type: "com.amazon.coral.validate#ValidationException",
        message:
          "1 validation error detected: Value at 'body' failed to satisfy constraint: " +
          "Member must not be null",
      }, requestId);
    case "slow": {
      const waited = await sleep(chosen.delayMs ?? DEFAULT_SLOW_DELAY_MS, [
        context.closing,
        context.clientSignal(),
      ]);
      if (!waited) {
        return sageMakerError(
          "ServiceUnavailable",
          "The stand-in stopped before the slow response was due.",
          requestId,
        );
      }
      return await context.answerNormally();
    }
    case "drop":
      return streamedResponse(
        context,
        "application/json",
        {},
        async (controller, signals) => {
          controller.enqueue(new Uint8Array(0)); // flushes the headers
          await sleep(FLUSH_PAUSE_MS, signals);
          breakConnection(controller, "drop");
        },
      );
    case "truncated": {
      const partial = encoder.encode('{"predictions": [{"score": 0.4');
      return streamedResponse(
        context,
        "application/json",
        { "content-length": String(partial.length * 4) },
        async (controller, signals) => {
          controller.enqueue(partial);
          await sleep(FLUSH_PAUSE_MS, signals);
          breakConnection(controller, "truncated");
        },
      );
    }
    case "malformed":
      return new Response(MALFORMED_BODY, {
        status: 200,
        headers: {
          ...context.successHeaders,
          "content-type": "application/json",
        },
      });
    case "oversized":
      return oversizedResponse(context);
    case "understated":
      return new Response(UNDERSTATED_BODY, {
        status: 200,
        headers: {
          ...context.successHeaders,
          "content-type": "application/json",
        },
      });
    case "stall":
      return streamedResponse(
        context,
        "application/json",
        {},
        async (controller, signals) => {
          controller.enqueue(encoder.encode(STALL_BODY_PREFIX));
          await untilAborted(signals);
          breakConnection(controller, "stall");
        },
      );
  }
}
