/**
 * Invocation counters exposed at `GET /__stats` and `StandIn.stats()`.
 *
 * @module
 */

/** Counts since start (or the last reset). */
export interface InvocationStats {
  /** Authenticated invocations that reached a known endpoint, by endpoint name. */
  invocations: Record<string, number>;
  /** Sum of `invocations`. */
  total: number;
  /** Invocations answered by an injected or random fault. */
  faultsServed: number;
}

/** Mutable counters behind {@link InvocationStats}. */
export class StatsCounter {
  #invocations = new Map<string, number>();
  #faultsServed = 0;

  /** Counts one invocation of `endpointName`. */
  countInvocation(endpointName: string): void {
    this.#invocations.set(
      endpointName,
      (this.#invocations.get(endpointName) ?? 0) + 1,
    );
  }

  /** Counts one fault served. */
  countFault(): void {
    this.#faultsServed += 1;
  }

  /** A copy safe to hand out or serialise. */
  snapshot(): InvocationStats {
    const invocations = Object.fromEntries(this.#invocations);
    const total = [...this.#invocations.values()].reduce((a, b) => a + b, 0);
    return { invocations, total, faultsServed: this.#faultsServed };
  }

  /** Back to zero. */
  reset(): void {
    this.#invocations.clear();
    this.#faultsServed = 0;
  }
}
