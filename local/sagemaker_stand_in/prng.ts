/**
 * Seeded pseudo-random numbers for reproducible random faults.
 *
 * @module
 */

/**
 * mulberry32: a tiny 32-bit PRNG. The same seed always gives the same
 * sequence, so a soak test that failed can be replayed exactly.
 * Returns a function yielding floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
