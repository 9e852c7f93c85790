/**
 * The whole stack on 127.0.0.1 with no AWS account: the SageMaker stand-in,
 * the three functions configured to call it with the stand-in's local
 * credentials, and the Supabase-style router in front of them.
 *
 * @module
 */
import {
  createEdgeFunction,
  type EdgeDeps,
  runtimeDeps,
} from "../edge/_shared/edge_function.ts";
import { combineSinks, emfSink } from "../edge/_shared/metrics.ts";
import type { FunctionName } from "../edge/_shared/wasm_gateway.ts";
import { localAnonKey, localServiceRoleKey } from "./local_keys.ts";
import { MetricsRegistry } from "./metrics_registry.ts";
import { createRouter, type EdgeFunction } from "./router.ts";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type StandIn,
  type StandInCredentials,
  startSageMakerStandIn,
} from "./sagemaker_stand_in/mod.ts";

/** The three functions by Supabase slug. */
export const FUNCTION_SLUGS: Record<string, FunctionName> = {
  "sagemaker-triage": "triage",
  "sagemaker-image-analysis": "image-analysis",
  "sagemaker-risk-score": "risk-score",
};

/** Builds the functions with the given deps (env, fetch, clock, log). */
export function createFunctions(deps: EdgeDeps): Record<string, EdgeFunction> {
  return Object.fromEntries(
    Object.entries(FUNCTION_SLUGS).map((
      [slug, name],
    ) => [slug, createEdgeFunction(name, deps)]),
  );
}

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Router port; 0 picks a free one. */
  port?: number;
  /** Stand-in port; 0 picks a free one. */
  standInPort?: number;
  /** Port of the stand-in's S3 (async results); 0 picks a free one. */
  standInS3Port?: number;
  /** How long the stand-in holds an async invocation before running it (default 500 ms). */
  asyncDelayMs?: number;
  jwtSecret: string;
  /** Extra or overriding env for the functions (e.g. CORS_ALLOWED_ORIGINS). */
  env?: Record<string, string>;
  /** Serves the demo page and other non-function paths. */
  staticHandler?: (req: Request) => Promise<Response | null> | Response | null;
  /** Log sink for the router, the functions and the stand-in; default console.log. */
  log?: (line: string) => void;
  /** Deps override for tests (e.g. a recording fetch). */
  deps?: Partial<EdgeDeps>;
  /** Stand-in random fault rate, 0..1. */
  faultRate?: number;
  /** Seed of the stand-in's fault PRNG (default 1: runs are reproducible). */
  faultSeed?: number;
  /**
   * Credentials the functions sign with and the only ones the stand-in
   * accepts (a session token, if given, is then required); default the
   * stand-in's LOCAL_CREDENTIALS. Lets tests use recognisable secrets.
   */
  credentials?: StandInCredentials;
}

/** A running local stack. */
export interface LocalStack {
  /** Base URL, e.g. http://127.0.0.1:54321 (functions under /functions/v1/). */
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  standIn: StandIn;
  /** The functions' counters, also served at `GET /metrics`. */
  metrics: MetricsRegistry;
  close(): Promise<void>;
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Starts the stand-in, the functions and the router. */
export async function startLocalStack(
  options: LocalStackOptions,
): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;
  const standIn = await startSageMakerStandIn({
    port: options.standInPort ?? 0,
    log,
    faultRate: options.faultRate,
    seed: options.faultSeed,
    credentials: [credentials],
    s3Port: options.standInS3Port ?? 0,
    asyncDelayMs: options.asyncDelayMs,
  });
  const localEnv: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken
      ? { AWS_SESSION_TOKEN: credentials.sessionToken }
      : {}),
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: standIn.url,
    // Async image analysis: results in the stand-in's S3, ids signed with a
    // secret that lives as long as this stack.
    AWS_ENDPOINT_URL_S3: standIn.s3Url,
    ASYNC_RESULT_SECRET: randomSecret(),
    ...options.env,
  };
  // One registry for the functions (writing) and the router (serving /metrics).
  const metrics = new MetricsRegistry();
  // The functions' own connection pool to the stand-in, closed with the
  // stack: Deno 2.1 does not finish a server shutdown while a pooled
  // connection that carries no request stays open (denoland/deno#31959).
  const upstream = Deno.createHttpClient({});
  const deps: EdgeDeps = {
    ...runtimeDeps(),
    fetch: (input, init) => fetch(input, { ...init, client: upstream }),
    log,
    metrics: combineSinks(emfSink(log), metrics),
    ...options.deps,
    env: (name) => localEnv[name],
  };
  const router = createRouter({
    functions: createFunctions(deps),
    jwtSecret: options.jwtSecret,
    staticHandler: options.staticHandler,
    log,
    metrics,
  });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, router);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    anonKey: await localAnonKey(options.jwtSecret),
    serviceRoleKey: await localServiceRoleKey(options.jwtSecret),
    standIn,
    metrics,
    async close() {
      await server.shutdown();
      upstream.close();
      await standIn.close();
    },
  };
}
