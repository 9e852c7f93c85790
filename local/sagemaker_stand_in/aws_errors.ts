/**
 * AWS-shaped error responses (restJson1), as SageMaker Runtime sends them.
 *
 * Clients such as the AWS SDKs read the error code from the
 * `x-amzn-ErrorType` header (text before the first `:`), falling back to a
 * `__type` or `code` member of the JSON body, so the stand-in reproduces the
 * header form for every error except the one fault that tests the body form.
 *
 * @module
 */

import { LOCAL_ACCOUNT_ID } from "./credentials.ts";

/** Suffix AWS's Coral front end appends to error codes it raises itself. */
const CORAL_SERVICE_SUFFIX =
  ":http://internal.amazon.com/coral/com.amazon.coral.service/";

/** Error codes raised by the AWS front end (auth, throttling), not by SageMaker. */
export type CoralErrorCode =
  | "MissingAuthenticationTokenException"
  | "UnrecognizedClientException"
  | "IncompleteSignatureException"
  | "InvalidSignatureException"
  | "ThrottlingException"
  | "UnknownOperationException";

/** Error codes modelled by the SageMaker Runtime InvokeEndpoint operation. */
export type SageMakerErrorCode =
  | "ValidationError"
  | "ModelNotReadyException"
  | "InternalFailure"
  | "ServiceUnavailable"
  | "InternalDependencyException";

/** Builds a JSON response with the request id every AWS answer carries. */
export function jsonResponse(
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "x-amzn-RequestId": requestId,
      ...headers,
    },
  });
}

/** A front-end error: code in `x-amzn-ErrorType` with the Coral suffix. */
export function coralError(
  status: number,
  code: CoralErrorCode,
  message: string | null,
  requestId: string,
): Response {
  return jsonResponse(status, { message }, requestId, {
    "x-amzn-ErrorType": code + CORAL_SERVICE_SUFFIX,
  });
}

/** HTTP status AWS uses for each modelled SageMaker Runtime error. */
const SAGEMAKER_ERROR_STATUS: Record<SageMakerErrorCode, number> = {
  ValidationError: 400,
  ModelNotReadyException: 429,
  InternalFailure: 500,
  ServiceUnavailable: 503,
  InternalDependencyException: 530,
};

/** A modelled SageMaker Runtime error (everything except ModelError). */
export function sageMakerError(
  code: SageMakerErrorCode,
  message: string,
  requestId: string,
): Response {
  return jsonResponse(SAGEMAKER_ERROR_STATUS[code], { message }, requestId, {
    "x-amzn-ErrorType": code,
  });
}

/** Where SageMaker says the failing container's logs are. */
function logGroup(endpointName: string): string {
  return `/aws/sagemaker/Endpoints/${endpointName}`;
}

/** Body of a 424 ModelError, exported so tests can build the expected value. */
export interface ModelErrorBody {
  ErrorCode: string;
  LogStreamArn: string;
  Message: string;
  OriginalMessage: string;
  OriginalStatusCode: number;
}

/**
 * Wraps an error the model container returned into SageMaker's 424 ModelError.
 * The container's own status and message travel as OriginalStatusCode and
 * OriginalMessage; SageMaker words 4xx as "client error" and 5xx (and
 * timeouts) as "server error" in Message.
 */
export function modelErrorBody(
  endpointName: string,
  region: string,
  originalStatusCode: number,
  originalMessage: string,
): ModelErrorBody {
  const side = originalStatusCode >= 500 ? "server" : "client";
  const group = logGroup(endpointName);
  return {
    // The only ErrorCode observed in the wild; kept for 5xx too.
    ErrorCode: "CLIENT_ERROR_FROM_MODEL",
    LogStreamArn:
      `arn:aws:logs:${region}:${LOCAL_ACCOUNT_ID}:log-group:${group}`,
    Message:
      `Received ${side} error (${originalStatusCode}) from primary with message "${originalMessage}". ` +
      `See https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logEventViewer:group=${group} ` +
      `in account ${LOCAL_ACCOUNT_ID} for more information.`,
    OriginalMessage: originalMessage,
    OriginalStatusCode: originalStatusCode,
  };
}

/** The 424 ModelError response itself. */
export function modelError(
  endpointName: string,
  region: string,
  originalStatusCode: number,
  originalMessage: string,
  requestId: string,
): Response {
  const body = modelErrorBody(
    endpointName,
    region,
    originalStatusCode,
    originalMessage,
  );
  return jsonResponse(424, body, requestId, {
    "x-amzn-ErrorType": "ModelError",
  });
}
