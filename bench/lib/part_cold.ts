/**
 * Part 2, cold start: hyperfine (or, without it, timed spawns) times a fresh `deno run` of each
 * bench/cold/<contestant>.ts (import + prepare one request) and of an empty
 * script; the figure is the median minus the empty run's median.
 *
 * Every script runs once first and must print the Authorization header our
 * module computes (the SDK: any SigV4 Authorization, as it reads the clock).
 *
 * @module
 */
import { median } from "./measure.ts";

/** Cold-start scripts by contestant; `empty` is the baseline. */
export const COLD_SCRIPTS = {
  empty: "bench/cold/empty.ts",
  ours: "bench/cold/ours.ts",
  floor: "bench/cold/floor.ts",
  "smithy-node": "bench/cold/smithy_node.ts",
  "smithy-js": "bench/cold/smithy_js.ts",
  "smithy-webcrypto": "bench/cold/smithy_webcrypto.ts",
  aws4fetch: "bench/cold/aws4fetch.ts",
  sdk: "bench/cold/sdk.ts",
} as const;

/** One contestant's cold start. */
export interface ColdResult {
  /** Median wall time of the whole `deno run`, ms. */
  medianMs: number;
  /** Median minus the empty run's median, ms. */
  overheadMs: number;
  /** Mean user + system CPU of the run, ms (hyperfine only). */
  cpuMs: number;
  runs: number;
}

/** Options of part 2. */
export interface ColdOptions {
  root: string;
  rounds: number;
  runsPerRound: number;
  warmup: number;
  tmpDir: string;
}

/** Part 2's figures. */
export interface ColdResults {
  scripts: Record<keyof typeof COLD_SCRIPTS, ColdResult>;
  /** hyperfine, or the in-process fallback. */
  measuredWith: string;
}

interface Measured {
  name: string;
  /** Seconds per run. */
  times: number[];
  /** Mean user + system CPU per run, ms. */
  cpuMs: number;
}

/** Runs part 2. */
export async function runColdPart(
  options: ColdOptions,
): Promise<ColdResults> {
  await checkScripts(options.root);

  const times = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  const names = Object.keys(COLD_SCRIPTS) as (keyof typeof COLD_SCRIPTS)[];
  const tool = await hasHyperfine() ? "hyperfine" : "deno";
  for (let round = 0; round < options.rounds; round++) {
    // Rotate the order each round so drift does not favour one script.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    const measured = tool === "hyperfine"
      ? await hyperfineRound(order, round, options)
      : await spawnRound(order, options);
    for (const entry of measured) {
      times.set(entry.name, [...(times.get(entry.name) ?? []), ...entry.times]);
      cpu.set(entry.name, [...(cpu.get(entry.name) ?? []), entry.cpuMs]);
    }
  }
  const empty = median(times.get("empty")!) * 1000;
  const measuredWith = tool === "hyperfine"
    ? "hyperfine -N"
    : "Deno.Command spawns timed in-process (hyperfine not found)";
  const out = {} as Record<keyof typeof COLD_SCRIPTS, ColdResult>;
  for (const name of names) {
    const list = times.get(name)!;
    const medianMs = median(list) * 1000;
    const cpus = cpu.get(name)!;
    out[name] = {
      medianMs,
      overheadMs: medianMs - empty,
      cpuMs: cpus.reduce((a, b) => a + b, 0) / cpus.length,
      runs: list.length,
    };
  }
  return { scripts: out, measuredWith };
}

async function checkScripts(root: string): Promise<void> {
  let expected: string | undefined;
  for (const [name, script] of Object.entries(COLD_SCRIPTS)) {
    if (name === "empty") continue;
    const result = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script],
      cwd: root,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(result.stdout).trim();
    if (!result.success || !out.startsWith("AWS4-HMAC-SHA256 Credential=")) {
      throw new Error(
        `${script} did not sign: ${out}\n${
          new TextDecoder().decode(result.stderr)
        }`,
      );
    }
    if (name === "sdk") continue;
    expected ??= out;
    if (out !== expected) {
      throw new Error(`${script} disagrees:\n  ${out}\n  ${expected}`);
    }
  }
}

function command(script: string): string {
  return `${Deno.execPath()} run -A ${script}`;
}

async function hasHyperfine(): Promise<boolean> {
  try {
    return (await new Deno.Command("hyperfine", { args: ["--version"] })
      .output()).success;
  } catch {
    return false;
  }
}

async function hyperfineRound(
  order: (keyof typeof COLD_SCRIPTS)[],
  round: number,
  options: ColdOptions,
): Promise<Measured[]> {
  const exportJson = `${options.tmpDir}/cold-${round}.json`;
  const result = await new Deno.Command("hyperfine", {
    args: [
      "-N",
      "--style",
      "none",
      "--warmup",
      String(options.warmup),
      "--runs",
      String(options.runsPerRound),
      "--export-json",
      exportJson,
      ...order.flatMap((name) => ["-n", name, command(COLD_SCRIPTS[name])]),
    ],
    cwd: options.root,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    // Name the script that failed, with what it printed.
    await checkScripts(options.root);
    throw new Error(
      `hyperfine failed: ${new TextDecoder().decode(result.stderr)}`,
    );
  }
  const report = JSON.parse(await Deno.readTextFile(exportJson)) as {
    results: {
      command: string;
      times: number[];
      user: number;
      system: number;
    }[];
  };
  return report.results.map((entry) => ({
    name: entry.command,
    times: entry.times,
    cpuMs: (entry.user + entry.system) * 1000,
  }));
}

/** The fallback: spawn each script and time it from here. */
async function spawnRound(
  order: (keyof typeof COLD_SCRIPTS)[],
  options: ColdOptions,
): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const name of order) {
    const times: number[] = [];
    for (let i = 0; i < options.warmup + options.runsPerRound; i++) {
      const started = performance.now();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", COLD_SCRIPTS[name]],
        cwd: options.root,
        stdout: "null",
        stderr: "null",
      }).spawn();
      const status = await child.status;
      const seconds = (performance.now() - started) / 1000;
      if (!status.success) throw new Error(`${COLD_SCRIPTS[name]} failed`);
      if (i >= options.warmup) times.push(seconds);
    }
    // The CPU of an exited child is not readable from here.
    out.push({ name, times, cpuMs: NaN });
  }
  return out;
}
