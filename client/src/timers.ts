/**
 * Waiting that a caller can cancel. Only `setTimeout` and `clearTimeout` are
 * used: React Native, Hermes and every browser have them; the client assumes
 * no other timer API.
 *
 * @module
 */
import { HealthNavError } from "./health_nav_error.ts";
import type { AbortSignalLike } from "./transport.ts";

declare function setTimeout(callback: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

/** The error of a call the caller cancelled. */
export function abortedError(): HealthNavError {
  return new HealthNavError({
    status: 0,
    code: "aborted",
    detail: "The call was cancelled.",
  });
}

/** Resolves after `ms`, or rejects with `aborted` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort);
  });
}

/**
 * Settles with `work`, unless `signal` aborts first (`aborted`) or `ms`
 * passes (`timeout`); `onGiveUp` then cancels the work.
 */
export function raceDeadline<T>(
  work: Promise<T>,
  ms: number,
  signal: AbortSignalLike | undefined,
  onGiveUp: () => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      onGiveUp();
      return reject(abortedError());
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      onGiveUp();
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      done();
      onGiveUp();
      reject(
        new HealthNavError({
          status: 0,
          code: "timeout",
          detail: `No answer within ${ms} ms.`,
        }),
      );
    }, ms);
    signal?.addEventListener("abort", onAbort);
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error) => {
        done();
        reject(error);
      },
    );
  });
}
