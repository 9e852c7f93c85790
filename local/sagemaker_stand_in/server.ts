/**
 * The stand-in HTTP server: routing, lifecycle and request logging.
 *
 * @module
 */

import { coralError, sageMakerError } from "./aws_errors.ts";
import { CONTROL_PREFIX, handleControl } from "./control_api.ts";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type StandInCredentials,
} from "./credentials.ts";
import { createEndpointRegistry } from "./endpoints.ts";
import { type FaultController, FaultPlan } from "./faults.ts";
import { INVOCATIONS_PATH, invokeEndpoint } from "./invoke_endpoint.ts";
import {
  AsyncQueue,
  DEFAULT_ASYNC_DELAY_MS,
  DEFAULT_ASYNC_FAILURE_S3_URI,
  DEFAULT_ASYNC_OUTPUT_S3_URI,
} from "./async_queue.ts";
import {
  ASYNC_INVOCATIONS_PATH,
  createAsyncEndpointRegistry,
  invokeEndpointAsync,
} from "./invoke_endpoint_async.ts";
import { startS3Server } from "./s3_server.ts";
import { parseS3Uri, S3Store } from "./s3_store.ts";
import { logRequest } from "./request_log.ts";
import type { InvocationStats } from "./stats.ts";
import { StatsCounter } from "./stats.ts";

/** How to start the stand-in. Every field is optional. */
export interface StandInOptions {
  /** TCP port on 127.0.0.1; default 0 (an ephemeral port). */
  port?: number;
  /** Region requests must be signed for; default us-east-1. */
  region?: string;
  /** Accepted credentials; default [LOCAL_CREDENTIALS]. */
  credentials?: StandInCredentials[];
  /** Clock in ms used for the 5-minute signature staleness check. */
  now?: () => number;
  /** Fraction 0..1 of invocations that get a random fault (soak tests). */
  faultRate?: number;
  /** PRNG seed for faultRate; default 1, so runs are reproducible. */
  seed?: number;
  /** Receives one JSON line per request; default console.log. */
  log?: (line: string) => void;
  /** Port of the S3 stand-in that holds async inputs and results; default 0. */
  s3Port?: number;
  /** How long an accepted async invocation waits before it runs; default 500 ms. */
  asyncDelayMs?: number;
  /** S3OutputPath of the async endpoint; default s3://standin-async-results/output. */
  asyncOutputS3Uri?: string;
  /** S3FailurePath of the async endpoint; default s3://standin-async-results/failures. */
  asyncFailureS3Uri?: string;
}

/** A running stand-in. */
export interface StandIn {
  /** Base URL, `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** Ends slow and stalled responses, then stops the server. Idempotent. */
  close(): Promise<void>;
  /** Queue or clear faults in-process (same as the /__faults API). */
  faults: FaultController;
  /** Counters (same as GET /__stats). */
  stats(): InvocationStats;
  /** Zeroes the counters (same as POST /__stats/reset). */
  resetStats(): void;
  /** Base URL of the S3 stand-in (AWS_ENDPOINT_URL_S3), path style, SigV4 for "s3". */
  s3Url: string;
  /** Its objects: seed async inputs with `putObject`, inspect results. */
  s3: S3Store;
  /** Async invocations accepted and not run yet; `completeAll()` runs them now. */
  asyncInvocations: { pending(): number; completeAll(): Promise<void> };
}

/** `s3://bucket/prefix` as a place for async objects. */
function asyncPlace(uri: string, option: string) {
  const place = parseS3Uri(uri);
  if (!place) {
    throw new TypeError(`${option} must be an s3://bucket/prefix URI`);
  }
  return { bucket: place.bucket, key: place.key.replace(/\/+$/, "") };
}

/** Default seed for faultRate's PRNG. */
export const DEFAULT_FAULT_SEED = 1;

/**
 * Starts the local SageMaker Runtime stand-in on 127.0.0.1 and resolves once
 * it is listening.
 */
export async function startSageMakerStandIn(
  options: StandInOptions = {},
): Promise<StandIn> {
  const region = options.region ?? LOCAL_REGION;
  const log = options.log ?? ((line: string) => console.log(line));
  const faults = new FaultPlan({
    faultRate: options.faultRate ?? 0,
    seed: options.seed ?? DEFAULT_FAULT_SEED,
  });
  const stats = new StatsCounter();
  const closing = new AbortController();
  const deps = {
    region,
    credentials: options.credentials ?? [LOCAL_CREDENTIALS],
    now: options.now ?? (() => Date.now()),
    models: createEndpointRegistry(),
    faults,
    stats,
    closing: closing.signal,
  };
  // InvokeEndpointAsync: a queue that writes results into an in-memory S3
  // served on its own port.
  const store = new S3Store();
  const queue = new AsyncQueue(
    store,
    region,
    asyncPlace(
      options.asyncOutputS3Uri ?? DEFAULT_ASYNC_OUTPUT_S3_URI,
      "asyncOutputS3Uri",
    ),
    asyncPlace(
      options.asyncFailureS3Uri ?? DEFAULT_ASYNC_FAILURE_S3_URI,
      "asyncFailureS3Uri",
    ),
    options.asyncDelayMs ?? DEFAULT_ASYNC_DELAY_MS,
  );
  const asyncDeps = {
    ...deps,
    asyncModels: createAsyncEndpointRegistry(),
    queue,
  };
  const s3 = await startS3Server(
    options.s3Port ?? 0,
    { region, credentials: deps.credentials, now: deps.now, store },
    log,
  );

  const handle = async (request: Request): Promise<Response> => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const url = new URL(request.url);
    const path = url.pathname;
    const invocation = INVOCATIONS_PATH.exec(path);
    const asyncInvocation = ASYNC_INVOCATIONS_PATH.exec(path);
    let endpoint: string | null = null;
    let fault: string | null = null;
    let response: Response;
    try {
      if (path.startsWith(CONTROL_PREFIX)) {
        response = await handleControl(request, path, faults, stats);
      } else if (invocation && request.method === "POST") {
        endpoint = invocation[1];
        const outcome = await invokeEndpoint(
          request,
          url,
          endpoint,
          requestId,
          deps,
        );
        response = outcome.response;
        fault = outcome.fault;
      } else if (asyncInvocation && request.method === "POST") {
        endpoint = asyncInvocation[1];
        response = await invokeEndpointAsync(
          request,
          url,
          endpoint,
          requestId,
          asyncDeps,
        );
      } else {
        await request.body?.cancel();
        response = coralError(
          404,
          "UnknownOperationException",
          "The stand-in serves POST /endpoints/{EndpointName}/invocations and /async-invocations only.",
          requestId,
        );
      }
    } catch (error) {
      // A bug in the stand-in, not a simulated fault: say so without details
      // that could carry request data.
      console.error("sagemaker stand-in: unexpected error", error);
      response = sageMakerError(
        "InternalFailure",
        "Stand-in internal error.",
        requestId,
      );
    }
    logRequest(log, {
      method: request.method,
      path,
      endpoint,
      status: response.status,
      ms: performance.now() - started,
      fault,
      requestId,
    });
    return response;
  };

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen: (addr) => {
        const url = `http://127.0.0.1:${addr.port}`;
        let closed: Promise<void> | undefined;
        resolve({
          url,
          faults,
          stats: () => stats.snapshot(),
          resetStats: () => stats.reset(),
          s3Url: s3.url,
          s3: store,
          asyncInvocations: {
            pending: () => queue.pending(),
            completeAll: () => queue.completeAll(),
          },
          close: () => {
            closed ??= (async () => {
              closing.abort();
              await queue.close();
              await server.shutdown();
              await s3.close();
            })();
            return closed;
          },
        });
      },
    }, handle);
  });
}
