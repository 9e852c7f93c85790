/**
 * Settings of the audit trail and the per-caller quotas, from environment
 * variables only. A malformed value is a `ConfigError` naming the variable,
 * never echoing its value (the database URL holds a password).
 *
 * - `SUPABASE_DB_URL` (Supabase sets it in every function): where the audit
 *   rows and quota counters live. Unset: no audit trail and no quotas.
 * - `CALLER_QUOTA_PER_MINUTE`: calls one caller may make to one function per
 *   minute; unset: no quota. `CALLER_QUOTA_PER_MINUTE_TRIAGE`,
 *   `…_IMAGE_ANALYSIS`, `…_RISK_SCORE` override it for one function, with a
 *   number or `off`.
 * - `AUDIT_FAIL_OPEN`: `false` (default) answers 503 when the database
 *   cannot be reached; `true` serves the request without audit or quota.
 * - `DATABASE_POOL_MAX`, `DATABASE_CONNECT_TIMEOUT_MS`,
 *   `DATABASE_QUERY_TIMEOUT_MS`, `DATABASE_IDLE_TIMEOUT_MS`: the connection
 *   pool of one isolate.
 *
 * @module
 */
import {
  ConfigError,
  type EnvReader,
  optional,
  readBoolean,
  readInteger,
} from "./env_values.ts";
import type { FunctionName } from "./wasm_gateway.ts";

/** The variables read here, for `.env.example` and the docs. */
export const DATABASE_ENV = {
  url: "SUPABASE_DB_URL",
  quotaPerMinute: "CALLER_QUOTA_PER_MINUTE",
  quotaPerMinuteTriage: "CALLER_QUOTA_PER_MINUTE_TRIAGE",
  quotaPerMinuteImage: "CALLER_QUOTA_PER_MINUTE_IMAGE_ANALYSIS",
  quotaPerMinuteRisk: "CALLER_QUOTA_PER_MINUTE_RISK_SCORE",
  failOpen: "AUDIT_FAIL_OPEN",
  poolMax: "DATABASE_POOL_MAX",
  connectTimeoutMs: "DATABASE_CONNECT_TIMEOUT_MS",
  queryTimeoutMs: "DATABASE_QUERY_TIMEOUT_MS",
  idleTimeoutMs: "DATABASE_IDLE_TIMEOUT_MS",
} as const;

/** The per-function override of CALLER_QUOTA_PER_MINUTE. */
export const QUOTA_OVERRIDE_ENV: Record<FunctionName, string> = {
  "sagemaker-triage": DATABASE_ENV.quotaPerMinuteTriage,
  "sagemaker-image-analysis": DATABASE_ENV.quotaPerMinuteImage,
  "sagemaker-risk-score": DATABASE_ENV.quotaPerMinuteRisk,
};

/**
 * Three connections per isolate: a request needs at most two statements
 * (the quota, then the audit row), so three serve a burst of concurrent
 * requests while a project's isolates stay well inside the transaction
 * pooler's client limit. The local PGlite server takes 24 (three
 * functions' pools and room to spare).
 */
export const DEFAULT_POOL_MAX = 3;
/** A healthy pooler answers in milliseconds; two seconds means it is not there. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
/** The quota check sits in front of every model call: it must not hold a request long. */
export const DEFAULT_QUERY_TIMEOUT_MS = 2_000;
/** Unused connections are closed after this, returning their pooler slot. */
export const DEFAULT_IDLE_TIMEOUT_MS = 20_000;
/** Above this a per-minute quota protects nothing. */
export const MAX_QUOTA_PER_MINUTE = 100_000;

/** How one isolate connects to the project's database. */
export interface DatabaseConnectionSettings {
  /** A secret: never log it or put it into a message. */
  url: string;
  poolMax: number;
  connectTimeoutMs: number;
  /** One admit or record call, waiting for a pooled connection included. */
  queryTimeoutMs: number;
  idleTimeoutMs: number;
}

/** Everything the audit trail and the quotas read. */
export interface DatabaseSettings {
  /** Null when SUPABASE_DB_URL is unset: no audit trail, no quotas. */
  connection: DatabaseConnectionSettings | null;
  /** Calls per caller per minute for each function; null: no quota. */
  quotaPerMinute: Record<FunctionName, number | null>;
  /** Serve requests unaudited when the database cannot be reached. */
  failOpen: boolean;
}

/** Reads and checks every variable; the first problem found is thrown. */
export function readDatabaseSettings(env: EnvReader): DatabaseSettings {
  const url = optional(env, DATABASE_ENV.url);
  if (url !== undefined && !isPostgresUrl(url)) {
    throw new ConfigError(
      DATABASE_ENV.url,
      "must be a postgres:// or postgresql:// URL with a host",
    );
  }
  const fallback = readQuota(env, DATABASE_ENV.quotaPerMinute, false) ?? null;
  const quotaPerMinute = {} as Record<FunctionName, number | null>;
  for (const [name, variable] of Object.entries(QUOTA_OVERRIDE_ENV)) {
    const override = readQuota(env, variable, true);
    const limit = override === undefined ? fallback : override;
    if (limit !== null && url === undefined) {
      throw new ConfigError(
        override === undefined ? DATABASE_ENV.quotaPerMinute : variable,
        `needs ${DATABASE_ENV.url}: quotas are counted in the database`,
      );
    }
    quotaPerMinute[name as FunctionName] = limit;
  }
  return {
    connection: url === undefined ? null : {
      url,
      poolMax: readInteger(env, DATABASE_ENV.poolMax, DEFAULT_POOL_MAX, 1, 20),
      connectTimeoutMs: readInteger(
        env,
        DATABASE_ENV.connectTimeoutMs,
        DEFAULT_CONNECT_TIMEOUT_MS,
        100,
        30_000,
      ),
      queryTimeoutMs: readInteger(
        env,
        DATABASE_ENV.queryTimeoutMs,
        DEFAULT_QUERY_TIMEOUT_MS,
        100,
        30_000,
      ),
      idleTimeoutMs: readInteger(
        env,
        DATABASE_ENV.idleTimeoutMs,
        DEFAULT_IDLE_TIMEOUT_MS,
        1_000,
        3_600_000,
      ),
    },
    quotaPerMinute,
    failOpen: readBoolean(env, DATABASE_ENV.failOpen),
  };
}

/** The quota of one function; null: none. */
export function quotaPerMinuteFor(
  settings: DatabaseSettings,
  name: FunctionName,
): number | null {
  return settings.quotaPerMinute[name];
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") &&
      url.hostname !== "";
  } catch {
    return false;
  }
}

/** A quota: a whole number, or (overrides only) `off`; undefined when unset. */
function readQuota(
  env: EnvReader,
  name: string,
  mayBeOff: boolean,
): number | null | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  if (mayBeOff && raw.toLowerCase() === "off") return null;
  return readInteger(
    env,
    name,
    0,
    1,
    MAX_QUOTA_PER_MINUTE,
    mayBeOff ? "off" : undefined,
  );
}
