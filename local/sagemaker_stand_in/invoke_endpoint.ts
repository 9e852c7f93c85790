/**
 * `POST /endpoints/{EndpointName}/invocations`, in the order AWS applies its
 * checks: authentication, body size, signature, endpoint name and existence,
 * target variant, then (fault or) the model itself.
 *
 * @module
 */

import { coralError, modelError, sageMakerError } from "./aws_errors.ts";
import type { StandInCredentials } from "./credentials.ts";
import {
  endpointNameProblem,
  endpointNotFoundMessage,
  resolveVariant,
} from "./endpoints.ts";
import { serveFault } from "./fault_responses.ts";
import type { FaultName, FaultPlan } from "./faults.ts";
import type { ReferenceModel } from "./models/model.ts";
import { MAX_PAYLOAD_BYTES, readCappedBody } from "./request_body.ts";
import { hasAuthorization, verifySigV4 } from "./sigv4_verify.ts";
import type { StatsCounter } from "./stats.ts";

/** Server-wide state an invocation needs. */
export interface InvokeDependencies {
  region: string;
  credentials: readonly StandInCredentials[];
  now: () => number;
  models: ReadonlyMap<string, ReferenceModel>;
  faults: FaultPlan;
  stats: StatsCounter;
  /** Aborts when the server is closing. */
  closing: AbortSignal;
}

/** The response plus what the request log should say about it. */
export interface InvokeOutcome {
  response: Response;
  fault: FaultName | null;
}

/** Path of the operation; the captured group is the endpoint name. */
export const INVOCATIONS_PATH = /^\/endpoints\/([^/]*)\/invocations$/;

const OVERSIZE_MESSAGE =
  "1 validation error detected: Value at 'body' failed to satisfy " +
  `constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`;

function decodeEndpointName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // undecodable: the name check below rejects it
  }
}

/** Handles one InvokeEndpoint call. */
export async function invokeEndpoint(
  request: Request,
  url: URL,
  rawEndpointName: string,
  requestId: string,
  deps: InvokeDependencies,
): Promise<InvokeOutcome> {
  const done = (response: Response, fault: FaultName | null = null) => ({
    response,
    fault,
  });

  if (!hasAuthorization(request.headers)) {
    await request.body?.cancel();
    return done(coralError(
      403,
      "MissingAuthenticationTokenException",
      "Missing Authentication Token",
      requestId,
    ));
  }
  const body = await readCappedBody(request, MAX_PAYLOAD_BYTES);
  if (!body.ok) {
    return done(sageMakerError("ValidationError", OVERSIZE_MESSAGE, requestId));
  }

  const verification = await verifySigV4(
    { method: request.method, url, headers: request.headers, body: body.bytes },
    deps,
  );
  if (!verification.ok) {
    return done(
      coralError(403, verification.code, verification.message, requestId),
    );
  }

  const endpointName = decodeEndpointName(rawEndpointName);
  const nameProblem = endpointNameProblem(endpointName);
  if (nameProblem) {
    return done(sageMakerError("ValidationError", nameProblem, requestId));
  }
  const model = deps.models.get(endpointName);
  if (!model) {
    return done(
      sageMakerError(
        "ValidationError",
        endpointNotFoundMessage(endpointName),
        requestId,
      ),
    );
  }
  const variant = resolveVariant(
    endpointName,
    request.headers.get("x-amzn-sagemaker-target-variant"),
  );
  if ("problem" in variant) {
    return done(sageMakerError("ValidationError", variant.problem, requestId));
  }

  deps.stats.countInvocation(endpointName);
  const successHeaders = {
    "x-Amzn-Invoked-Production-Variant": variant.variant,
    "x-amzn-RequestId": requestId,
  };
  const answerNormally = async (): Promise<Response> => {
    const output = await model.invoke({
      contentType: request.headers.get("content-type"),
      accept: request.headers.get("accept"),
      body: body.bytes,
    });
    if (!output.ok) {
      return modelError(
        endpointName,
        deps.region,
        output.statusCode,
        output.message,
        requestId,
      );
    }
    return new Response(output.body, {
      status: 200,
      headers: { ...successHeaders, "content-type": output.contentType },
    });
  };

  const fault = deps.faults.take(endpointName);
  if (!fault) return done(await answerNormally());
  deps.stats.countFault();
  const response = await serveFault(fault, {
    endpointName,
    region: deps.region,
    requestId,
    successHeaders,
    closing: deps.closing,
    clientSignal: () => request.signal,
    answerNormally,
  });
  return done(response, fault.fault);
}
