/**
 * An opt-in, in-isolate cache of normalised predictions: an LRU with a TTL,
 * bounded in entries and in bytes, keyed by the SHA-256 of the caller and
 * of what the model would receive.
 *
 * Off by default because the results are about patients: cached results are
 * PHI held in memory, and a model updated behind the same endpoint keeps
 * answering from the cache until entries expire. Turn it on
 * (PREDICTION_CACHE_FUNCTIONS) for a function whose inputs repeat exactly
 * and whose model is deterministic, e.g. screening questionnaires.
 *
 * One caller's entries are never another's: the key includes the caller's
 * id, so a hit (and its `x-cache` and `Server-Timing` headers) only ever
 * tells callers about their own earlier requests. Callers without an id and
 * models that read their input from S3 (the key could not see a new scan
 * under an old name) are never cached. Only successful, normalised results
 * are stored: never an error, a raw model answer or a request body.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { PredictionCacheSettings } from "./config.ts";
import type { CallResult } from "./invoke_sagemaker.ts";
import type {
  FunctionName,
  Invocation,
  NormalizedResult,
} from "./wasm_gateway.ts";

/** Whether a response came from the cache; only set when caching is on. */
export type CacheOutcome = "hit" | "miss";

interface Entry<V> {
  value: V;
  expiresAt: number;
  bytes: number;
}

/** Bounds of a cache. */
export interface CacheLimits {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
}

/**
 * LRU + TTL. A Map iterates in insertion order, so re-inserting on use keeps
 * the least recently used first. A second map in insertion order of writes
 * is also in expiry order (one TTL for all), so expired entries are dropped
 * from its front on every use, without waiting to be read.
 */
export class PredictionCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #byExpiry = new Map<string, Entry<V>>();
  #bytes = 0;

  constructor(
    readonly limits: CacheLimits,
    private readonly now: () => number,
  ) {
    const { maxEntries, maxBytes, ttlMs } = limits;
    if (!(maxEntries >= 1) || !(maxBytes >= 1) || !(ttlMs >= 1)) {
      throw new RangeError("maxEntries, maxBytes and ttlMs must be at least 1");
    }
  }

  /** Live entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Approximate bytes held (UTF-16 length of each value's JSON, twice). */
  get bytes(): number {
    return this.#bytes;
  }

  /** The live value for `key` (now the most recently used), or undefined. */
  get(key: string): V | undefined {
    this.#dropExpired();
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return structuredClone(entry.value);
  }

  /**
   * Stores a copy of `value` for the TTL, evicting the least recently used
   * beyond either bound. A value larger than the byte bound is not stored.
   */
  set(key: string, value: V): void {
    this.#dropExpired();
    this.#delete(key);
    const bytes = JSON.stringify(value).length * 2;
    if (bytes > this.limits.maxBytes) return;
    const entry = {
      value: structuredClone(value),
      expiresAt: this.now() + this.limits.ttlMs,
      bytes,
    };
    this.#entries.set(key, entry);
    this.#byExpiry.set(key, entry);
    this.#bytes += bytes;
    for (const oldest of this.#entries.keys()) {
      if (
        this.#entries.size <= this.limits.maxEntries &&
        this.#bytes <= this.limits.maxBytes
      ) break;
      this.#delete(oldest);
    }
  }

  #dropExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.#byExpiry) {
      if (entry.expiresAt > now) break;
      this.#delete(key);
    }
  }

  #delete(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#byExpiry.delete(key);
    this.#bytes -= entry.bytes;
  }
}

/** The cache for `functionName`, or null when caching is not on for it. */
export function predictionCacheFor<V>(
  functionName: FunctionName,
  settings: PredictionCacheSettings,
  now: () => number,
): PredictionCache<V> | null {
  return settings.functions.includes(functionName)
    ? new PredictionCache<V>(settings, now)
    : null;
}

/**
 * Hex SHA-256 of the caller and the canonical model input: function,
 * endpoint, variant, the content headers (content type, accept, custom
 * attributes) and the body pkg built (canonical JSON or CSV, so equivalent
 * client bodies share a key).
 */
export function predictionCacheKey(
  functionName: FunctionName,
  invocation: Invocation,
  callerId: string,
): string {
  // The invocation's own headers: its signature is kept apart from them.
  const headers = invocation.headers
    .map(([name, value]) => `${name.toLowerCase()}:${value}`)
    .sort();
  return createHash("sha256")
    .update(
      [
        "healthnav-prediction-v2",
        // Length first: no caller id can be made to look like another's plus a field.
        `${callerId.length}:${callerId}`,
        functionName,
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
export type CachedCallResult = CallResult<NormalizedResult> & {
  cache?: CacheOutcome;
};

/**
 * Answers from `cache` when it holds the caller's prediction (no attempt
 * made), else runs `call` and stores its result. A failed call throws and
 * stores nothing. Without a cache, a caller id, or with an S3 input, the
 * call goes straight through and says nothing about caching.
 */
export async function throughCache(
  cache: PredictionCache<NormalizedResult> | null,
  functionName: FunctionName,
  invocation: Invocation,
  callerId: string | null,
  call: () => Promise<CallResult<NormalizedResult>>,
): Promise<CachedCallResult> {
  if (!cache || callerId === null || invocation.inputInS3) return await call();
  const key = predictionCacheKey(functionName, invocation, callerId);
  const cached = cache.get(key);
  if (cached !== undefined) {
    return { result: cached, attempts: 0, upstreamMs: 0, cache: "hit" };
  }
  const fresh = await call();
  cache.set(key, fresh.result);
  return { ...fresh, cache: "miss" };
}
