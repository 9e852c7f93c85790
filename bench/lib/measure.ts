/**
 * Per-operation CPU and wall time of in-process tasks.
 *
 * CPU is the process's user + system time (`process.cpuUsage()`, getrusage:
 * every thread, so WebCrypto work done off the main thread and GC count too)
 * divided by the operations of a batch. Tasks run in rounds, each round in a
 * rotated order, so slow drift of a shared VM hits every contestant alike;
 * the figure is the median over rounds.
 *
 * @module
 */
import process from "node:process";

/** One thing to time; `run` does one operation. */
export interface Task {
  id: string;
  run: () => unknown;
  /** `run` returns a promise to await. */
  async: boolean;
}

/** How long to measure. */
export interface MeasureOptions {
  rounds: number;
  /** Target duration of one batch, ms. */
  batchMs: number;
  /** Warm-up per task before the first round, ms. */
  warmupMs: number;
}

/** Medians over rounds, µs per operation. */
export interface Timing {
  cpuUs: number;
  wallUs: number;
  /** Spread: the lowest and highest round, CPU µs per operation. */
  cpuMinUs: number;
  cpuMaxUs: number;
  ops: number;
}

/** Times every task; resolves to a Timing per task id. */
export async function measureTasks(
  tasks: Task[],
  options: MeasureOptions,
): Promise<Map<string, Timing>> {
  const opsPerBatch = new Map<string, number>();
  for (const task of tasks) {
    const perOpMs = await warmUp(task, options.warmupMs);
    opsPerBatch.set(
      task.id,
      Math.max(2, Math.round(options.batchMs / Math.max(perOpMs, 1e-4))),
    );
  }
  const cpu = new Map<string, number[]>(tasks.map((t) => [t.id, []]));
  const wall = new Map<string, number[]>(tasks.map((t) => [t.id, []]));
  const ops = new Map<string, number>(tasks.map((t) => [t.id, 0]));
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < tasks.length; k++) {
      const task = tasks[(k + round) % tasks.length];
      const n = opsPerBatch.get(task.id)!;
      const { cpuUs, wallUs } = await batch(task, n);
      cpu.get(task.id)!.push(cpuUs / n);
      wall.get(task.id)!.push(wallUs / n);
      ops.set(task.id, ops.get(task.id)! + n);
    }
  }
  const out = new Map<string, Timing>();
  for (const task of tasks) {
    const cpus = cpu.get(task.id)!;
    out.set(task.id, {
      cpuUs: median(cpus),
      wallUs: median(wall.get(task.id)!),
      cpuMinUs: Math.min(...cpus),
      cpuMaxUs: Math.max(...cpus),
      ops: ops.get(task.id)!,
    });
  }
  return out;
}

/** Runs `task` for `warmupMs`, then returns its time per operation, ms. */
async function warmUp(task: Task, warmupMs: number): Promise<number> {
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < warmupMs || n < 3) {
    if (task.async) await task.run();
    else task.run();
    n++;
  }
  // Calibrate on warm code: double the count until it takes ≥ 10 ms.
  for (let count = 1;; count *= 2) {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      if (task.async) await task.run();
      else task.run();
    }
    const elapsed = performance.now() - t0;
    if (elapsed >= 10 || count >= 1 << 20) return elapsed / count;
  }
}

async function batch(
  task: Task,
  n: number,
): Promise<{ cpuUs: number; wallUs: number }> {
  const run = task.run;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  if (task.async) {
    for (let i = 0; i < n; i++) await run();
  } else {
    for (let i = 0; i < n; i++) run();
  }
  const wallUs = (performance.now() - wall0) * 1000;
  const used = process.cpuUsage(cpu0);
  return { cpuUs: used.user + used.system, wallUs };
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile q (0..1) of a non-empty list. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
