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
}

/** Default seed for faultRate's PRNG. */
export const DEFAULT_FAULT_SEED = 1;

/**
 * Starts the local SageMaker Runtime stand-in on 127.0.0.1 and resolves once
 * it is listening.
 */
export function startSageMakerStandIn(
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

  const handle = async (request: Request): Promise<Response> => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const url = new URL(request.url);
    const path = url.pathname;
    const invocation = INVOCATIONS_PATH.exec(path);
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
      } else {
        await request.body?.cancel();
        response = coralError(
          404,
          "UnknownOperationException",
          "The stand-in serves POST /endpoints/{EndpointName}/invocations only.",
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
          close: () => {
            closed ??= (async () => {
              closing.abort();
              await server.shutdown();
            })();
            return closed;
          },
        });
      },
    }, handle);
  });
}
