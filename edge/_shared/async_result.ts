/**
 * `GET /sagemaker-image-analysis/<id>` (or `?id=<id>`): the result of an
 * asynchronous request. pkg checks the id (signed for its caller, so it
 * names only S3 objects SageMaker named for this deployment, and opens only
 * for the caller who started the inference) and gives the S3 URLs; this
 * reads them as the SageMaker SDK does: the output object → 200 with the
 * normalised result; else the failure object → its problem; else 202 pending.
 *
 * @module
 */
import type { CallDeps } from "./invoke_sagemaker.ts";
import type { Isolate } from "./isolate.ts";
import { jsonAnswer } from "./json_answer.ts";
import type { RequestContext } from "./request_context.ts";
import { getS3Object } from "./s3_get.ts";

/** Supabase serves functions under this prefix (and strips it before the function sees the path). */
export const PUBLIC_FUNCTIONS_PREFIX = "/functions/v1";
/** Seconds a client should wait before polling again. */
export const POLL_AFTER_SECONDS = 2;

/** Where a client polls an asynchronous result. */
export function asyncResultPath(id: string): string {
  return `${PUBLIC_FUNCTIONS_PREFIX}/sagemaker-image-analysis/${id}`;
}

/** Answers a GET; throws a GatewayFailure for the problem. */
export async function answerAsyncResult(
  request: Request,
  isolate: Isolate,
  deps: CallDeps,
  context: RequestContext,
): Promise<Response> {
  await request.body?.cancel().catch(() => {});
  const { config, gateway } = isolate;
  const url = new URL(request.url);
  const location = gateway.openAsyncResult(
    url.pathname + url.search,
    deps.now(),
    context.caller?.id ?? undefined,
  );
  const signing = {
    credentials: config.credentials,
    region: config.settings.region,
  };
  const started = deps.now();
  // S3 reads are not retried: each poll is itself the retry.
  const read = async (objectUrl: string) => {
    const answer = await getS3Object(objectUrl, signing, deps);
    context.noteCall({ attempts: 1, upstreamMs: deps.now() - started });
    return answer;
  };

  const output = await read(location.outputUrl);
  const result = gateway.readAsyncOutput({
    ...output,
    // From submission to the poll that found it: an upper bound of the inference time.
    elapsedMs: Math.max(0, deps.now() - location.submittedAtMs),
  });
  const timing = () => ({ "server-timing": context.serverTiming("s3") });
  if (result) return jsonAnswer(result, 200, context, timing());
  if (location.failureUrl) {
    const failure = await read(location.failureUrl);
    gateway.readAsyncFailure({ ...failure, elapsedMs: 0 }); // throws a failure
  }
  return jsonAnswer({ status: "pending", id: location.id }, 202, context, {
    ...timing(),
    "retry-after": String(POLL_AFTER_SECONDS),
    location: asyncResultPath(location.id),
  });
}
