/**
 * The whole stack on 127.0.0.1 with no AWS account, shaped like a Supabase
 * project: the SageMaker stand-in, the three functions configured to call
 * it, a Supabase Auth stand-in (ES256 signing key, JWKS, password sign-in
 * for two demo patients) and the Supabase-style gateway in front of them.
 * The functions get the environment Supabase gives them (`SUPABASE_URL`,
 * the API keys, `SUPABASE_JWKS`) and verify their callers themselves.
 *
 * @module
 */
import {
  createEdgeFunction,
  type EdgeDeps,
  type EdgeFunction,
  runtimeDeps,
} from "../edge/_shared/edge_function.ts";
import { combineSinks, emfSink } from "../edge/_shared/metrics.ts";
import { FUNCTION_NAMES } from "../edge/_shared/functions.ts";
import type { FunctionName } from "../edge/_shared/wasm_gateway.ts";
import {
  type EmbeddedDatabaseOptions,
  startEmbeddedDatabase,
} from "./database/embedded_database.ts";
import type { LocalDatabase } from "./database/local_database.ts";
import { GatewayJwtVerifier } from "./gateway_jwt.ts";
import {
  LOCAL_JWT_SECRET,
  localAnonKey,
  localPublishableKey,
  localSecretKey,
  localServiceRoleKey,
} from "./local_keys.ts";
import { MetricsRegistry } from "./metrics_registry.ts";
import { createRouter } from "./router.ts";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type StandIn,
  type StandInCredentials,
  startSageMakerStandIn,
} from "./sagemaker_stand_in/mod.ts";
import {
  type AuthServer,
  createAuthServer,
  type LocalUser,
  type Session,
} from "./supabase_auth/auth_server.ts";
import {
  functionsJwks,
  generateSigningKey,
  publicJwks,
} from "./supabase_auth/signing_key.ts";

/** The guide's example bucket (`s3://bucket/image.jpg`), allowed so its test call works. */
export const GUIDE_BUCKET = "bucket";
/** The stand-in's second triage endpoint, a raw XGBoost container. */
export const STAND_IN_XGBOOST_TRIAGE = "medical-triage-xgboost";

/** Builds the functions with the given deps (env, fetch, clock, log). */
export function createFunctions(
  deps: EdgeDeps,
): Record<FunctionName, EdgeFunction> {
  return Object.fromEntries(
    FUNCTION_NAMES.map((name) => [name, createEdgeFunction(name, deps)]),
  ) as Record<FunctionName, EdgeFunction>;
}

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Gateway port; 0 picks a free one. */
  port?: number;
  /** Stand-in port; 0 picks a free one. */
  standInPort?: number;
  /** Port of the stand-in's S3 (async results); 0 picks a free one. */
  standInS3Port?: number;
  /** How long the stand-in holds an async invocation before running it (default 500 ms). */
  asyncDelayMs?: number;
  /** The project's legacy HS256 JWT secret (default: the Supabase CLI's local one). */
  legacyJwtSecret?: string;
  /** Extra or overriding env for the functions (e.g. CORS_ALLOWED_ORIGINS). */
  env?: Record<string, string>;
  /** Serves the demo page and other non-function paths. */
  staticHandler?: (req: Request) => Promise<Response | null> | Response | null;
  /** Log sink for the gateway, the functions and the stand-in; default console.log. */
  log?: (line: string) => void;
  /** Deps override for tests (e.g. a recording fetch). */
  deps?: Partial<EdgeDeps>;
  /** The gateway's wall-clock limit per request, ms (default Supabase's 150 s). */
  wallClockMs?: number;
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
  /**
   * Starts the embedded Postgres (local/database/) with the migrations and
   * gives the functions its URL as SUPABASE_DB_URL; none when absent.
   */
  database?: EmbeddedDatabaseOptions;
}

/** A running local stack. */
export interface LocalStack {
  /** Base URL, e.g. http://127.0.0.1:54321 (functions under /functions/v1/, auth under /auth/v1/). */
  url: string;
  /** The legacy anon key (an HS256 JWT without `sub`): public, as in the app. */
  anonKey: string;
  serviceRoleKey: string;
  /** The new-style keys (`sb_publishable_…`, `sb_secret_…`): not JWTs. */
  publishableKey: string;
  secretKey: string;
  /** Two signed-up patients, the second to prove one cannot reach the other's data. */
  patients: [LocalUser, LocalUser];
  /** A fresh session of `user` (default the first patient), as a password sign-in gives it. */
  signIn(user?: LocalUser): Promise<Session>;
  /** The environment the functions run with (it holds secrets: tests only). */
  functionsEnv: Readonly<Record<string, string>>;
  standIn: StandIn;
  /** The embedded Postgres, when the options asked for one. */
  database: LocalDatabase | null;
  /** The functions' counters, also served at `GET /metrics`. */
  metrics: MetricsRegistry;
  /**
   * Another instance (isolate) of one function, with the same env and
   * upstream, as Supabase runs many: they share only the database.
   * Closed with the stack.
   */
  anotherInstance(name: FunctionName): EdgeFunction;
  close(): Promise<void>;
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Starts the stand-in, the auth stand-in, the functions and the gateway. */
export async function startLocalStack(
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const credentials = options.credentials ?? LOCAL_CREDENTIALS;
  const legacySecret = options.legacyJwtSecret ?? LOCAL_JWT_SECRET;
  const signingKey = await generateSigningKey();
  const keys = {
    anon: await localAnonKey(legacySecret),
    serviceRole: await localServiceRoleKey(legacySecret),
    publishable: localPublishableKey(),
    secret: localSecretKey(),
  };
  const patients: [LocalUser, LocalUser] = [
    {
      id: crypto.randomUUID(),
      email: "patient@healthnav.local",
      password: "local-patient-password",
    },
    {
      id: crypto.randomUUID(),
      email: "another.patient@healthnav.local",
      password: "local-patient-password-2",
    },
  ];
  const database = options.database
    ? await startEmbeddedDatabase(options.database)
    : null;
  const standIn = await startSageMakerStandIn({
    port: options.standInPort ?? 0,
    log,
    faultRate: options.faultRate,
    seed: options.faultSeed,
    credentials: [credentials],
    s3Port: options.standInS3Port ?? 0,
    asyncDelayMs: options.asyncDelayMs,
  });
  // The gateway's URL is known once it listens; the auth stand-in and the
  // functions' env read it then.
  let url = "";
  const auth: AuthServer = createAuthServer({
    signingKey,
    projectUrl: () => url,
    users: patients,
    apiKeys: Object.values(keys),
  });
  const functionsEnv: Record<string, string> = {
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
    // What the local stack opens that a deployment keeps closed until its
    // operator decides: the guide's example bucket, the stand-in's two arms
    // and its second triage model (raw XGBoost output).
    IMAGE_S3_ALLOWED_BUCKETS: GUIDE_BUCKET,
    SAGEMAKER_CLIENT_VARIANTS: "model-v1,model-v2",
    SAGEMAKER_TRIAGE_ALLOWED_ENDPOINTS: STAND_IN_XGBOOST_TRIAGE,
    // What Supabase gives every function.
    SUPABASE_ANON_KEY: keys.anon,
    SUPABASE_SERVICE_ROLE_KEY: keys.serviceRole,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: keys.publishable }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: keys.secret }),
    SUPABASE_JWKS: JSON.stringify(functionsJwks(signingKey, legacySecret)),
    ...(database ? { SUPABASE_DB_URL: database.url } : {}),
    ...options.env,
  };
  // One registry for the functions (writing) and the gateway (serving /metrics).
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
    env: (name) => name === "SUPABASE_URL" ? url : functionsEnv[name],
  };
  const functions = createFunctions(deps);
  const instances: EdgeFunction[] = [...Object.values(functions)];
  const router = createRouter({
    functions,
    jwt: new GatewayJwtVerifier({ jwks: publicJwks(signingKey), legacySecret }),
    authHandler: auth.handle,
    staticHandler: options.staticHandler,
    wallClockMs: options.wallClockMs,
    log,
    metrics,
  });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: () => {},
  }, router);
  url = `http://127.0.0.1:${server.addr.port}`;
  functionsEnv.SUPABASE_URL = url;
  return {
    url,
    anonKey: keys.anon,
    serviceRoleKey: keys.serviceRole,
    publishableKey: keys.publishable,
    secretKey: keys.secret,
    patients,
    signIn: (user = patients[0]) => auth.signIn(user),
    functionsEnv,
    standIn,
    database,
    metrics,
    anotherInstance(name) {
      const instance = createEdgeFunction(name, deps);
      instances.push(instance);
      return instance;
    },
    async close() {
      await server.shutdown();
      // Audit rows still being written, then the functions' database pools.
      await Promise.all(instances.map((instance) => instance.close()));
      upstream.close();
      await standIn.close();
      await database?.stop();
    },
  };
}
