/**
 * What one isolate keeps between requests, set up on its first request:
 * the configuration, the function's gateway (pkg, bound to the function,
 * holding the credentials), the caller verifier, and the per-isolate
 * budgets and cache. A bad setting is a GatewayFailure naming its variable,
 * never its value, answered on every request until fixed.
 *
 * @module
 */
import { AuditTrail, type AuditTrailDeps } from "./audit_trail.ts";
import { BytesInFlight } from "./bytes_in_flight.ts";
import { CallerVerifier } from "./caller.ts";
import {
  ConfigError,
  type EdgeConfig,
  type EnvReader,
  readConfig,
} from "./config.ts";
import {
  type DatabaseSettings,
  readDatabaseSettings,
} from "./database_settings.ts";
import { GatewayFailure } from "./gateway_failure.ts";
import {
  type PredictionCache,
  predictionCacheFor,
} from "./prediction_cache.ts";
import { RetryBudget } from "./retry_policy.ts";
import {
  type FunctionName,
  type NormalizedResult,
  ResilientGateway,
} from "./wasm_gateway.ts";

/** One isolate's state. */
export interface Isolate {
  config: EdgeConfig;
  gateway: ResilientGateway;
  verifier: CallerVerifier;
  /** Endpoint names metrics may carry; any other is reported as "other". */
  knownEndpoints: ReadonlySet<string>;
  retryBudget: RetryBudget;
  bytesInFlight: BytesInFlight;
  /** Null when PREDICTION_CACHE_FUNCTIONS does not list this function. */
  cache: PredictionCache<NormalizedResult> | null;
  /** The audit trail and quota; null when SUPABASE_DB_URL is unset. */
  audit: AuditTrail | null;
}

/** Reads the configuration and builds the isolate's state, or says what is wrong. */
export function setUpIsolate(
  functionName: FunctionName,
  deps: AuditTrailDeps & { env: EnvReader; fetch: typeof fetch },
): Isolate | GatewayFailure {
  let config: EdgeConfig;
  let verifier: CallerVerifier;
  let database: DatabaseSettings;
  try {
    config = readConfig(deps.env);
    verifier = new CallerVerifier(config.auth, deps.fetch);
    database = readDatabaseSettings(deps.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TypeError) {
      return misconfigured(error.message);
    }
    throw error;
  }
  try {
    const gateway = new ResilientGateway(
      config.settings,
      functionName,
      config.credentials,
    );
    return {
      config,
      gateway,
      verifier,
      knownEndpoints: new Set(gateway.endpointNames()),
      retryBudget: new RetryBudget(),
      bytesInFlight: new BytesInFlight(config.maxBytesInFlight),
      cache: predictionCacheFor(functionName, config.predictionCache, deps.now),
      audit: AuditTrail.of(database, functionName, deps),
    };
  } catch (error) {
    if (error instanceof GatewayFailure) {
      // pkg names the setting (or credential field) at fault by its path.
      const [first] = error.details.errors ?? [];
      const variable = first
        ? config.settingSources[first.path] ?? first.path
        : "a setting";
      return misconfigured(
        `${variable} ${withheldValues(first?.message ?? "is invalid")}`,
      );
    }
    throw error;
  }
}

// pkg quotes some offending values (a bucket, a label); a setting's value
// must never reach a response, so quoted text is withheld.
function withheldValues(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, "[value withheld]");
}

function misconfigured(what: string): GatewayFailure {
  return new GatewayFailure(
    "invalid_configuration",
    `The gateway is misconfigured: ${what}.`,
  );
}
