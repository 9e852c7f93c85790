/**
 * Waiting that stops as soon as any of several signals aborts, and leaves no
 * timer or listener behind (Deno's test sanitizers check both).
 *
 * @module
 */

/** Calls `onAbort` once when any signal aborts; returns a detach function. */
export function onAnyAbort(
  signals: readonly AbortSignal[],
  onAbort: () => void,
): () => void {
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    detach();
    onAbort();
  };
  const detach = () => {
    for (const signal of signals) signal.removeEventListener("abort", fire);
  };
  for (const signal of signals) signal.addEventListener("abort", fire);
  if (signals.some((s) => s.aborted)) fire();
  return detach;
}

/** Sleeps `ms`; resolves true when the time passed, false when aborted first. */
export function sleep(
  ms: number,
  signals: readonly AbortSignal[],
): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      detach();
      resolve(true);
    }, ms);
    const detach = onAnyAbort(signals, () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** Resolves once any signal aborts. */
export function untilAborted(signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    onAnyAbort(signals, resolve);
  });
}
