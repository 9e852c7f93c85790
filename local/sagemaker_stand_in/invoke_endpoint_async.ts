/**
 * `POST /endpoints/{EndpointName}/async-invocations` (InvokeEndpointAsync),
 * checked in the same order as InvokeEndpoint: authentication, body size,
 * signature, endpoint, then the async headers. An accepted invocation is
 * queued (see async_queue.ts) and answered 202 with
 * `X-Amzn-SageMaker-OutputLocation`, `X-Amzn-SageMaker-FailureLocation` and
 * `{"InferenceId": …}`.
 *
 * Only `medical-image-classifier-async` has an AsyncInferenceConfig: the
 * image classifier behind an asynchronous endpoint. Inline async bodies
 * (the newer alternative to InputLocation) are not emulated.
 *
 * @module
 */

import { coralError, jsonResponse, sageMakerError } from "./aws_errors.ts";
import type { AsyncQueue } from "./async_queue.ts";
import type { StandInCredentials } from "./credentials.ts";
import { endpointNameProblem, endpointNotFoundMessage } from "./endpoints.ts";
import { createMedicalImageClassifier } from "./models/medical_image_classifier.ts";
import type { ReferenceModel } from "./models/model.ts";
import { readCappedBody } from "./request_body.ts";
import { parseS3Uri } from "./s3_store.ts";
import { hasAuthorization, verifySigV4 } from "./sigv4_verify.ts";
import type { StatsCounter } from "./stats.ts";

/** Path of the operation; the captured group is the endpoint name. */
export const ASYNC_INVOCATIONS_PATH =
  /^\/endpoints\/([^/]*)\/async-invocations$/;

/** InvokeEndpointAsync's inline body limit. */
export const MAX_ASYNC_BODY_BYTES = 128_000;

/** Endpoints configured for asynchronous inference. */
export function createAsyncEndpointRegistry(): Map<string, ReferenceModel> {
  return new Map([
    ["medical-image-classifier-async", createMedicalImageClassifier()],
  ]);
}

/** What an async invocation needs from the server. */
export interface AsyncInvokeDependencies {
  region: string;
  credentials: readonly StandInCredentials[];
  now: () => number;
  /** Real-time endpoints, to tell "not asynchronous" from "not found". */
  models: ReadonlyMap<string, ReferenceModel>;
  asyncModels: ReadonlyMap<string, ReferenceModel>;
  queue: AsyncQueue;
  stats: StatsCounter;
}

const INPUT_LOCATION_PATTERN = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const INFERENCE_ID_PATTERN = /^\S[\x20-\x7e]{0,63}$/;

function validationMessage(value: string, member: string, rule: string) {
  return `1 validation error detected: Value '${
    value.slice(0, 80)
  }' at '${member}' failed to satisfy constraint: ${rule}`;
}

/** Handles one InvokeEndpointAsync call. */
export async function invokeEndpointAsync(
  request: Request,
  url: URL,
  endpointName: string,
  requestId: string,
  deps: AsyncInvokeDependencies,
): Promise<Response> {
  if (!hasAuthorization(request.headers)) {
    await request.body?.cancel();
    return coralError(
      403,
      "MissingAuthenticationTokenException",
      "Missing Authentication Token",
      requestId,
    );
  }
  const body = await readCappedBody(request, MAX_ASYNC_BODY_BYTES);
  if (!body.ok) {
    return sageMakerError(
      "ValidationError",
      "1 validation error detected: Value at 'body' failed to satisfy constraint: " +
        `Member must have length less than or equal to ${MAX_ASYNC_BODY_BYTES}`,
      requestId,
    );
  }
  const verification = await verifySigV4(
    { method: request.method, url, headers: request.headers, body: body.bytes },
    deps,
  );
  if (!verification.ok) {
    return coralError(403, verification.code, verification.message, requestId);
  }
  const nameProblem = endpointNameProblem(endpointName);
  if (nameProblem) {
    return sageMakerError("ValidationError", nameProblem, requestId);
  }
  const model = deps.asyncModels.get(endpointName);
  if (!model) {
    const message = deps.models.has(endpointName)
      ? `Endpoint ${endpointName} is not configured for asynchronous inference.`
      : endpointNotFoundMessage(endpointName);
    return sageMakerError("ValidationError", message, requestId);
  }

  const headers = request.headers;
  const inputLocation = headers.get("x-amzn-sagemaker-inputlocation");
  if (inputLocation === null || body.bytes.byteLength > 0) {
    return sageMakerError(
      "ValidationError",
      "The stand-in takes X-Amzn-SageMaker-InputLocation and an empty body (inline async bodies are not emulated).",
      requestId,
    );
  }
  if (
    inputLocation.length > 1024 || !INPUT_LOCATION_PATTERN.test(inputLocation)
  ) {
    return sageMakerError(
      "ValidationError",
      validationMessage(
        inputLocation,
        "inputLocation",
        "Member must satisfy regular expression pattern: ^(https|s3)://([^/]+)/?(.*)$",
      ),
      requestId,
    );
  }
  const input = parseS3Uri(inputLocation);
  if (!input) {
    return sageMakerError(
      "ValidationError",
      "The stand-in reads s3://bucket/key input locations only.",
      requestId,
    );
  }
  const givenId = headers.get("x-amzn-sagemaker-inference-id");
  if (givenId !== null && !INFERENCE_ID_PATTERN.test(givenId)) {
    return sageMakerError(
      "ValidationError",
      validationMessage(
        givenId,
        "inferenceId",
        "Member must have length between 1 and 64",
      ),
      requestId,
    );
  }

  deps.stats.countInvocation(endpointName);
  const places = deps.queue.submit({
    endpointName,
    model,
    input,
    contentType: headers.get("x-amzn-sagemaker-content-type"),
    accept: headers.get("x-amzn-sagemaker-accept"),
  });
  const uri = (place: { bucket: string; key: string }) =>
    `s3://${place.bucket}/${place.key}`;
  return jsonResponse(
    202,
    { InferenceId: givenId ?? crypto.randomUUID() },
    requestId,
    {
      "X-Amzn-SageMaker-OutputLocation": uri(places.output),
      "X-Amzn-SageMaker-FailureLocation": uri(places.failure),
    },
  );
}
