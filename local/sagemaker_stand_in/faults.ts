/**
 * Fault injection: a queue of faults that the next matching invocations get
 * instead of (or before) the model's answer, plus optional seeded random
 * faults for soak tests.
 *
 * @module
 */

import { mulberry32 } from "./prng.ts";

/** Every fault the stand-in can serve. See docs/stand-in.md for each shape. */
export const FAULT_NAMES = [
  "throttling",
  "model_not_ready",
  "model_error",
  "internal_failure",
  "service_unavailable",
  "internal_dependency",
  "validation_error_body_form",
  "slow",
  "drop",
  "truncated",
  "malformed",
  "oversized",
  "stall",
  "understated",
] as const;

/** One of {@link FAULT_NAMES}. */
export type FaultName = typeof FAULT_NAMES[number];

/** The faults `faultRate` draws from: the ones a healthy AWS sends now and then. */
export const RANDOM_FAULTS: readonly FaultName[] = [
  "throttling",
  "model_not_ready",
  "internal_failure",
  "service_unavailable",
  "model_error",
];

/** Default wait of the `slow` fault. */
export const DEFAULT_SLOW_DELAY_MS = 3000;

const MAX_TIMES = 1_000_000;
const MAX_DELAY_MS = 10 * 60 * 1000;

/** What to inject: `POST /__faults` takes the same JSON. */
export interface FaultSpec {
  fault: FaultName;
  /** Only invocations of this endpoint get the fault; default: any endpoint. */
  endpoint?: string;
  /** How many matching invocations get it; default 1. */
  times?: number;
  /** Delay for `slow` (default 3000 ms). */
  delayMs?: number;
}

/** A fault waiting in the queue, with what is left of `times`. */
export interface QueuedFault {
  fault: FaultName;
  endpoint?: string;
  remaining: number;
  delayMs?: number;
}

/** The fault picked for one invocation. */
export interface ChosenFault {
  fault: FaultName;
  delayMs?: number;
}

/** In-process fault control, mirroring the `/__faults` HTTP API. */
export interface FaultController {
  /** Queues a fault for the next matching invocations. Throws on a bad spec. */
  inject(spec: FaultSpec): void;
  /** Drops every queued fault. */
  clear(): void;
  /** A snapshot of the queue. */
  pending(): QueuedFault[];
}

/** Checks untrusted input (the HTTP API's JSON) and returns a spec or a reason. */
export function parseFaultSpec(value: unknown): FaultSpec | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "body must be a JSON object";
  }
  const { fault, endpoint, times, delayMs } = value as Record<string, unknown>;
  if (!FAULT_NAMES.includes(fault as FaultName)) {
    return `'fault' must be one of ${FAULT_NAMES.join(", ")}`;
  }
  if (
    endpoint !== undefined && (typeof endpoint !== "string" || endpoint === "")
  ) {
    return "'endpoint' must be a non-empty string";
  }
  if (
    times !== undefined &&
    (!Number.isInteger(times) || (times as number) < 1 ||
      (times as number) > MAX_TIMES)
  ) {
    return `'times' must be an integer from 1 to ${MAX_TIMES}`;
  }
  if (
    delayMs !== undefined &&
    (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0 ||
      delayMs > MAX_DELAY_MS)
  ) {
    return `'delayMs' must be a number from 0 to ${MAX_DELAY_MS}`;
  }
  return {
    fault: fault as FaultName,
    endpoint: endpoint as string | undefined,
    times: times as number | undefined,
    delayMs: delayMs as number | undefined,
  };
}

/** Options for random faults. */
export interface RandomFaultOptions {
  /** Fraction (0..1) of invocations that get a random fault. */
  faultRate: number;
  /** PRNG seed, so a run can be replayed. */
  seed: number;
}

/** The queue plus the random picker; the server asks it once per invocation. */
export class FaultPlan implements FaultController {
  #queue: QueuedFault[] = [];
  #random: (() => number) | undefined;
  #faultRate: number;

  constructor(options: RandomFaultOptions) {
    if (!(options.faultRate >= 0 && options.faultRate <= 1)) {
      throw new RangeError("faultRate must be between 0 and 1");
    }
    this.#faultRate = options.faultRate;
    this.#random = options.faultRate > 0 ? mulberry32(options.seed) : undefined;
  }

  inject(spec: FaultSpec): void {
    const checked = parseFaultSpec(spec);
    if (typeof checked === "string") throw new TypeError(checked);
    this.#queue.push({
      fault: checked.fault,
      endpoint: checked.endpoint,
      remaining: checked.times ?? 1,
      delayMs: checked.delayMs,
    });
  }

  clear(): void {
    this.#queue = [];
  }

  pending(): QueuedFault[] {
    return this.#queue.map((entry) => ({ ...entry }));
  }

  /**
   * Consumes the fault for one invocation of `endpointName`: the oldest
   * matching queued fault first, else (with a fault rate) maybe a random one.
   */
  take(endpointName: string): ChosenFault | undefined {
    const index = this.#queue.findIndex((entry) =>
      entry.endpoint === undefined || entry.endpoint === endpointName
    );
    if (index >= 0) {
      const entry = this.#queue[index];
      entry.remaining -= 1;
      if (entry.remaining === 0) this.#queue.splice(index, 1);
      return { fault: entry.fault, delayMs: entry.delayMs };
    }
    if (this.#random && this.#random() < this.#faultRate) {
      const pick = Math.floor(this.#random() * RANDOM_FAULTS.length);
      return { fault: RANDOM_FAULTS[pick] };
    }
    return undefined;
  }
}
