/**
 * Part 1 of the benchmark (CPU per request) as `deno bench` groups, so it can
 * run alone:
 *
 *   deno bench -A bench/cpu_bench.ts
 *   deno bench -A bench/cpu_bench.ts --filter "1 KB"
 *
 * The same calls as bench/run.ts times (bench/lib/cases.ts), checked the same
 * way before timing; `deno bench` reports wall time per call with ours as
 * each group's baseline, while bench/run.ts reports CPU time.
 *
 * @module
 */
import { buildPart1, type CaseId } from "./lib/cases.ts";

const GROUPS: Record<CaseId, string> = {
  "prepare-1k": "prepare a signed 1 KB triage request",
  "sign-1m": "sign a 1 MB image",
  "sign-5m": "sign a 5 MB image",
  "normalize": "normalise a triage response",
};

const { tasks } = await buildPart1();
for (const task of tasks) {
  const run = task.run;
  Deno.bench({
    name: task.role === "ours"
      ? `ours: ${task.label}`
      : task.role === "peer"
      ? task.label
      : task.role === "baseline"
      ? `baseline: ${task.label}`
      : `ours, ${task.who}: ${task.label}`,
    group: GROUPS[task.caseId],
    baseline: task.role === "ours",
    fn: task.async
      ? async () => {
        await run();
      }
      : () => {
        run();
      },
  });
}
