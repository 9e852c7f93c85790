/**
 * An opt-in, in-isolate cache of normalised predictions: an LRU with a TTL and
 * a size cap, keyed by the SHA-256 of what the model would receive.
 *
 * Off by default because the results are about patients: cached results are
 * PHI held in memory, two patients whose inputs are identical share one
 * result, and a model updated behind the same endpoint keeps answering from
 * the cache until entries expire. Turn it on (PREDICTION_CACHE_FUNCTIONS) for
 * a function whose inputs repeat exactly and whose model is deterministic,
 * e.g. screening questionnaires with few distinct answers.
 *
 * Only successful, normalised results are stored: never an error, a raw model
 * answer, a request body or a caller id.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { PredictionCacheSettings } from "./config.ts";
import {
  type CallDeps,
  type CallOptions,
  type CallResult,
  invokeSageMaker,
} from "./invoke_sagemaker.ts";
import type { FunctionName, Invocation } from "./wasm_gateway.ts";

/** Whether a response came from the cache; only set when caching is on. */
export type CacheOutcome = "hit" | "miss";

/** Headers the signer adds: they change per attempt and say nothing about the input. */
const SIGNING_HEADERS = new Set([
  "authorization",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256",
]);

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** LRU + TTL: a Map iterates in insertion order, so re-inserting on use keeps the least recently used first. */
export class PredictionCache<V> {
  readonly #entries = new Map<string, Entry<V>>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    if (!(maxEntries >= 1) || !(ttlMs >= 1)) {
      throw new RangeError("maxEntries and ttlMs must be at least 1");
    }
  }

  /** Entries held, expired ones included until they are touched or evicted. */
  get size(): number {
    return this.#entries.size;
  }

  /** The live value for `key` (now the most recently used), or undefined. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (this.now() >= entry.expiresAt) return undefined;
    this.#entries.set(key, entry);
    return structuredClone(entry.value);
  }

  /** Stores a copy of `value` for the TTL, evicting the least recently used beyond the cap. */
  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, {
      value: structuredClone(value),
      expiresAt: this.now() + this.ttlMs,
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.maxEntries) break;
      this.#entries.delete(oldest);
    }
  }
}

/** The cache for `functionName`, or null when caching is not on for it. */
export function predictionCacheFor<V>(
  functionName: FunctionName,
  settings: PredictionCacheSettings,
  now: () => number,
): PredictionCache<V> | null {
  const short = functionName.replace(/^sagemaker-/, "");
  return settings.functions.includes(short)
    ? new PredictionCache<V>(settings.maxEntries, settings.ttlMs, now)
    : null;
}

/**
 * Hex SHA-256 of the canonical model input: function, endpoint, variant, the
 * content headers (content type, accept, custom attributes) and the body pkg
 * built (canonical JSON or CSV, so equivalent client bodies share a key).
 */
export function predictionCacheKey(
  functionName: FunctionName,
  invocation: Invocation,
): string {
  const headers = invocation.headers
    .filter(([name]) => !SIGNING_HEADERS.has(name.toLowerCase()))
    .map(([name, value]) => `${name.toLowerCase()}:${value}`)
    .sort();
  return createHash("sha256")
    .update(
      [
        "healthnav-prediction-v1",
        functionName.replace(/^sagemaker-/, ""),
        invocation.endpoint,
        invocation.variant ?? "",
        ...headers,
        "",
      ].join("\n"),
    )
    .update(invocation.body)
    .digest("hex");
}

/** A call answered by SageMaker or by the cache. */
export type CachedCallResult = CallResult & { cache?: CacheOutcome };

/**
 * Answers from `cache` when it holds the prediction (no attempt made), else
 * runs `call` and stores its result. A failed call throws and stores nothing.
 */
export async function throughCache(
  cache: PredictionCache<CallResult["result"]> | null,
  functionName: FunctionName,
  invocation: Invocation,
  call: () => Promise<CallResult>,
): Promise<CachedCallResult> {
  if (!cache) return await call();
  const key = predictionCacheKey(functionName, invocation);
  const cached = cache.get(key);
  if (cached !== undefined) {
    return { result: cached, attempts: 0, upstreamMs: 0, cache: "hit" };
  }
  const fresh = await call();
  cache.set(key, fresh.result);
  return { ...fresh, cache: "miss" };
}

/** {@link invokeSageMaker} through the cache (or straight, when it is null). */
export function invokeThroughCache(
  cache: PredictionCache<CallResult["result"]> | null,
  options: CallOptions,
  deps: CallDeps,
): Promise<CachedCallResult> {
  return throughCache(
    cache,
    options.functionName,
    options.invocation,
    () => invokeSageMaker(options, deps),
  );
}
