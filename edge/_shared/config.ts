/**
 * Configuration from environment variables only. A missing or malformed
 * setting becomes a `ConfigError` naming the variable, never its value.
 *
 * Everything a caller could use to spend or to reach data is off until the
 * operator turns it on: callers without a `sub`, extra endpoints, client
 * chosen variants, S3 buckets, asynchronous inference, the cache.
 *
 * @module
 */
import {
  ConfigError,
  type EnvReader,
  optional,
  readBoolean,
  readChoice,
  readInteger,
  readList,
} from "./env_values.ts";
import { FUNCTION_NAMES } from "./functions.ts";

export { ConfigError, type EnvReader };
import type {
  AwsCredentials,
  FunctionName,
  GatewaySettings,
} from "./wasm_gateway.ts";

/** Everything a function needs from its environment. */
export interface EdgeConfig {
  settings: GatewaySettings;
  credentials: AwsCredentials;
  /** Which env variable each gateway setting came from, to name it in errors. */
  settingSources: Record<string, string>;
  /** How callers are verified (see caller.ts). */
  auth: AuthSettings;
  /** Browser origins allowed by CORS; `*` allows any. */
  corsOrigins: string[];
  /** Timeout of one SageMaker attempt, ms. */
  attemptTimeoutMs: number;
  /** Budget for all attempts, ms, counted from the request's arrival. */
  deadlineMs: number;
  /** Attempts including the first (AWS SDK standard mode: 3). */
  maxAttempts: number;
  /** Request body bytes this isolate holds at once before it answers 503. */
  maxBytesInFlight: number;
  /** The opt-in prediction cache (see prediction_cache.ts). */
  predictionCache: PredictionCacheSettings;
}

/** Where the keys that verify callers' JWTs come from. */
export interface AuthSettings {
  /** `SUPABASE_JWKS`, inline: the project's signing keys (and, from the CLI, the legacy secret). */
  jwksJson?: string;
  /** The project URL; its `/auth/v1/.well-known/jwks.json` is fetched when no inline JWKS is set. */
  supabaseUrl?: string;
  /** The project's legacy HS256 JWT secret, for tokens signed before the signing keys. */
  legacySecret?: string;
  /** Whether a verified token without `sub` (anon or service key) may call. */
  allowAnonymous: boolean;
}

/** Which functions cache predictions, for how long, and how much. */
export interface PredictionCacheSettings {
  /** Functions that cache ("sagemaker-triage", …); empty: caching is off everywhere. */
  functions: FunctionName[];
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
}

/** The variables the functions read, for `.env.example` and the README. */
export const ENV = {
  region: ["AWS_REGION", "AWS_DEFAULT_REGION"],
  accessKeyId: "AWS_ACCESS_KEY_ID",
  secretAccessKey: "AWS_SECRET_ACCESS_KEY",
  sessionToken: "AWS_SESSION_TOKEN",
  endpointUrl: ["AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME", "AWS_ENDPOINT_URL"],
  useFips: "AWS_USE_FIPS_ENDPOINT",
  supabaseJwks: "SUPABASE_JWKS",
  supabaseUrl: "SUPABASE_URL",
  legacyJwtSecret: "LEGACY_JWT_SECRET",
  allowAnonymous: "ALLOW_ANONYMOUS_CALLERS",
  triageEndpoint: "SAGEMAKER_TRIAGE_ENDPOINT",
  imageEndpoint: "SAGEMAKER_IMAGE_ENDPOINT",
  riskEndpoint: "SAGEMAKER_RISK_ENDPOINT",
  triageAllowedEndpoints: "SAGEMAKER_TRIAGE_ALLOWED_ENDPOINTS",
  imageAllowedEndpoints: "SAGEMAKER_IMAGE_ALLOWED_ENDPOINTS",
  riskAllowedEndpoints: "SAGEMAKER_RISK_ALLOWED_ENDPOINTS",
  clientVariants: "SAGEMAKER_CLIENT_VARIANTS",
  allowedBuckets: "IMAGE_S3_ALLOWED_BUCKETS",
  s3KeyPrefix: "IMAGE_S3_KEY_PREFIX",
  imageLabels: "IMAGE_CLASS_LABELS",
  triageScoreMeaning: "TRIAGE_SCORE_MEANING",
  corsOrigins: "CORS_ALLOWED_ORIGINS",
  timeoutMs: "SAGEMAKER_TIMEOUT_MS",
  deadlineMs: "SAGEMAKER_DEADLINE_MS",
  maxAttempts: "SAGEMAKER_MAX_ATTEMPTS",
  maxBytesInFlight: "MAX_REQUEST_BYTES_IN_FLIGHT",
  asyncResultSecret: "ASYNC_RESULT_SECRET",
  asyncImageEndpoint: "SAGEMAKER_IMAGE_ASYNC_ENDPOINT",
  s3EndpointUrl: ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"],
  stickyVariants: "SAGEMAKER_STICKY_VARIANTS",
  cacheFunctions: "PREDICTION_CACHE_FUNCTIONS",
  cacheTtlMs: "PREDICTION_CACHE_TTL_MS",
  cacheMaxEntries: "PREDICTION_CACHE_MAX_ENTRIES",
  cacheMaxBytes: "PREDICTION_CACHE_MAX_BYTES",
  redFlagFloor: "RED_FLAG_FLOOR",
  redFlagRules: "RED_FLAG_RULES",
  redFlagRulesExtra: "RED_FLAG_RULES_EXTRA",
} as const;

/** Variables that were read once and are not any more, with what replaced them. */
const RETIRED: Record<string, string> = {
  SAGEMAKER_ALLOWED_ENDPOINTS:
    `is no longer read: a function reaches its own endpoint only; list extra exact names per function in ${ENV.triageAllowedEndpoints}, ${ENV.imageAllowedEndpoints} or ${ENV.riskAllowedEndpoints}`,
};

/** AWS advises a 70 s read timeout for models that take up to 60 s. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 70_000;
/** Under Supabase's 150 s request idle timeout, so the client gets our answer, not a 504. */
export const DEFAULT_DEADLINE_MS = 140_000;
/**
 * Supabase answers 504 itself when a request has had no response for 150 s:
 * a longer timeout or deadline could never be honoured.
 */
export const PLATFORM_REQUEST_LIMIT_MS = 150_000;
/** AWS SDK standard retry mode. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * Five full 6 MiB bodies: each is also copied into wasm and into the model
 * request, so this keeps the bodies' share of a 256 MB isolate near 130 MB.
 */
export const DEFAULT_MAX_BYTES_IN_FLIGHT = 32 * 1024 * 1024;
/** Five minutes: long enough for repeated identical questions, short enough to follow a model update. */
export const DEFAULT_CACHE_TTL_MS = 300_000;
export const DEFAULT_CACHE_MAX_ENTRIES = 1000;
/** Normalised results are about 1 KB; 8 MiB holds the default entry count many times over. */
export const DEFAULT_CACHE_MAX_BYTES = 8 * 1024 * 1024;

/** Reads and checks every variable; the first problem found is thrown. */
export function readConfig(env: EnvReader): EdgeConfig {
  for (const [name, problem] of Object.entries(RETIRED)) {
    if (optional(env, name) !== undefined) throw new ConfigError(name, problem);
  }
  const sources: Record<string, string> = {};
  const first = (names: readonly string[], key: string) => {
    for (const name of names) {
      const value = env(name)?.trim();
      if (value) {
        sources[key] = name;
        return value;
      }
    }
    return undefined;
  };

  const region = first(ENV.region, "region");
  if (!region) throw new ConfigError(ENV.region[0], "is not set");
  const accessKeyId = env(ENV.accessKeyId)?.trim();
  if (!accessKeyId) throw new ConfigError(ENV.accessKeyId, "is not set");
  const secretAccessKey = env(ENV.secretAccessKey)?.trim();
  if (!secretAccessKey) {
    throw new ConfigError(ENV.secretAccessKey, "is not set");
  }
  const sessionToken = env(ENV.sessionToken)?.trim() || undefined;

  const settings: GatewaySettings = {
    region,
    endpointUrl: first(ENV.endpointUrl, "endpointUrl"),
    useFips: readBoolean(env, ENV.useFips),
    endpoints: {
      triage: optional(env, ENV.triageEndpoint),
      imageAnalysis: optional(env, ENV.imageEndpoint),
      riskScore: optional(env, ENV.riskEndpoint),
    },
    allowedEndpoints: {
      triage: readList(env, ENV.triageAllowedEndpoints),
      imageAnalysis: readList(env, ENV.imageAllowedEndpoints),
      riskScore: readList(env, ENV.riskAllowedEndpoints),
    },
    clientVariants: readList(env, ENV.clientVariants),
    allowedBuckets: readList(env, ENV.allowedBuckets),
    s3KeyPrefix: optional(env, ENV.s3KeyPrefix),
    imageLabels: readList(env, ENV.imageLabels),
    triageScoreMeaning: readChoice(
      env,
      ENV.triageScoreMeaning,
      ["class_index", "probability"] as const,
    ),
    asyncInference: {
      resultSecret: optional(env, ENV.asyncResultSecret),
      imageEndpoint: optional(env, ENV.asyncImageEndpoint),
      s3EndpointUrl: first(ENV.s3EndpointUrl, "asyncInference.s3EndpointUrl"),
    },
    stickyVariants: readList(env, ENV.stickyVariants),
    redFlags: {
      enabled: readChoice(env, ENV.redFlagFloor, ["on", "off"] as const) !==
        "off",
      rules: optional(env, ENV.redFlagRules),
      extraRules: optional(env, ENV.redFlagRulesExtra),
    },
  };
  Object.assign(sources, {
    useFips: ENV.useFips,
    "endpoints.triage": ENV.triageEndpoint,
    "endpoints.imageAnalysis": ENV.imageEndpoint,
    "endpoints.riskScore": ENV.riskEndpoint,
    "allowedEndpoints.triage": ENV.triageAllowedEndpoints,
    "allowedEndpoints.imageAnalysis": ENV.imageAllowedEndpoints,
    "allowedEndpoints.riskScore": ENV.riskAllowedEndpoints,
    clientVariants: ENV.clientVariants,
    allowedBuckets: ENV.allowedBuckets,
    s3KeyPrefix: ENV.s3KeyPrefix,
    imageLabels: ENV.imageLabels,
    "asyncInference.resultSecret": ENV.asyncResultSecret,
    "asyncInference.imageEndpoint": ENV.asyncImageEndpoint,
    stickyVariants: ENV.stickyVariants,
    "redFlags.rules": ENV.redFlagRules,
    "redFlags.extraRules": ENV.redFlagRulesExtra,
    "credentials.accessKeyId": ENV.accessKeyId,
    "credentials.secretAccessKey": ENV.secretAccessKey,
    "credentials.sessionToken": ENV.sessionToken,
  });
  sources.region ??= ENV.region[0];
  sources.endpointUrl ??= ENV.endpointUrl[0];
  sources["asyncInference.s3EndpointUrl"] ??= ENV.s3EndpointUrl[0];

  const deadlineMs = readInteger(
    env,
    ENV.deadlineMs,
    DEFAULT_DEADLINE_MS,
    1,
    PLATFORM_REQUEST_LIMIT_MS,
  );
  const attemptTimeoutMs = readInteger(
    env,
    ENV.timeoutMs,
    Math.min(DEFAULT_ATTEMPT_TIMEOUT_MS, deadlineMs),
    1,
    PLATFORM_REQUEST_LIMIT_MS,
  );
  if (attemptTimeoutMs > deadlineMs) {
    throw new ConfigError(
      ENV.timeoutMs,
      `must not be longer than ${ENV.deadlineMs}`,
    );
  }
  return {
    settings,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    settingSources: sources,
    auth: readAuth(env),
    corsOrigins: readList(env, ENV.corsOrigins) ?? [],
    attemptTimeoutMs,
    deadlineMs,
    maxAttempts: readInteger(
      env,
      ENV.maxAttempts,
      DEFAULT_MAX_ATTEMPTS,
      1,
      10,
    ),
    maxBytesInFlight: readInteger(
      env,
      ENV.maxBytesInFlight,
      DEFAULT_MAX_BYTES_IN_FLIGHT,
      // At least one request of the largest size SageMaker takes.
      6_291_456,
      1024 * 1024 * 1024,
    ),
    predictionCache: {
      functions: readFunctionList(env, ENV.cacheFunctions),
      ttlMs: readInteger(
        env,
        ENV.cacheTtlMs,
        DEFAULT_CACHE_TTL_MS,
        1,
        86_400_000,
      ),
      maxEntries: readInteger(
        env,
        ENV.cacheMaxEntries,
        DEFAULT_CACHE_MAX_ENTRIES,
        1,
        100_000,
      ),
      maxBytes: readInteger(
        env,
        ENV.cacheMaxBytes,
        DEFAULT_CACHE_MAX_BYTES,
        1024,
        128 * 1024 * 1024,
      ),
    },
  };
}

/**
 * The keys callers are verified with. At least one source must be set:
 * without one no token could be verified, and nothing is let through
 * unverified.
 */
function readAuth(env: EnvReader): AuthSettings {
  const auth: AuthSettings = {
    jwksJson: optional(env, ENV.supabaseJwks),
    supabaseUrl: optional(env, ENV.supabaseUrl),
    legacySecret: optional(env, ENV.legacyJwtSecret),
    allowAnonymous: readBoolean(env, ENV.allowAnonymous),
  };
  if (!auth.jwksJson && !auth.supabaseUrl && !auth.legacySecret) {
    throw new ConfigError(
      ENV.supabaseJwks,
      `is not set, nor ${ENV.supabaseUrl} or ${ENV.legacyJwtSecret}: callers cannot be verified`,
    );
  }
  if (auth.legacySecret !== undefined && auth.legacySecret.length < 32) {
    throw new ConfigError(
      ENV.legacyJwtSecret,
      "must be at least 32 characters",
    );
  }
  return auth;
}

/** Functions by name, as deployed ("sagemaker-triage"). */
function readFunctionList(env: EnvReader, name: string): FunctionName[] {
  const names = readList(env, name) ?? [];
  const known = (item: string): item is FunctionName =>
    (FUNCTION_NAMES as readonly string[]).includes(item);
  if (!names.every(known)) {
    throw new ConfigError(
      name,
      `must list functions by name, among: ${FUNCTION_NAMES.join(", ")}`,
    );
  }
  return names;
}
