/**
 * The benchmark: our module beside its peers, in one run, one table.
 *
 *   deno run -A bench/run.ts            # full run → bench/results.md
 *   deno run -A bench/run.ts --quick    # CI smoke run (< 1 min) → bench/results.quick.md
 *
 * Options: `--parts=1,2,3,4` (4 includes 5), `--out=<file>`.
 * Parts: 1 CPU per request, 2 cold start, 3 size, 4 end to end, 5 memory.
 * See docs/benchmarks.md. It prints the report and writes it to the file.
 * There are no thresholds: a missed target is reported, never fatal.
 *
 * @module
 */
import { describeMachine } from "./lib/machine.ts";
import { runCpuPart } from "./lib/part_cpu.ts";
import { runColdPart } from "./lib/part_cold.ts";
import { E2E_CALLERS, runE2EPart } from "./lib/part_e2e.ts";
import { runSizePart } from "./lib/part_size.ts";
import { renderReport, type Results } from "./lib/report.ts";

/** The peers' npm packages, pinned alike in deno.json and bench/npm/package.json. */
const PEER_PACKAGES = [
  "@smithy/signature-v4",
  "@smithy/protocol-http",
  "@aws-crypto/sha256-js",
  "aws4fetch",
  "@aws-sdk/client-sagemaker-runtime",
];

interface Settings {
  quick: boolean;
  parts: Set<string>;
  out: string;
}

function parseArgs(args: string[]): Settings {
  let quick = false;
  let parts = new Set(["1", "2", "3", "4"]);
  let out: string | undefined;
  for (const arg of args) {
    if (arg === "--quick") quick = true;
    else if (arg.startsWith("--parts=")) {
      parts = new Set(
        arg.slice(8).split(",").map((p) => (p.trim() === "5" ? "4" : p.trim())),
      );
    } else if (arg.startsWith("--out=")) out = arg.slice(6);
    else if (arg === "--help" || arg === "-h") {
      console.log(
        "deno run -A bench/run.ts [--quick] [--parts=1,2,3,4] [--out=FILE]",
      );
      Deno.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  return {
    quick,
    parts,
    out: out ?? (quick ? "bench/results.quick.md" : "bench/results.md"),
  };
}

async function versions(root: string): Promise<string[]> {
  const denoJson = JSON.parse(await Deno.readTextFile(`${root}/deno.json`)) as {
    imports: Record<string, string>;
  };
  const pkg = JSON.parse(
    await Deno.readTextFile(`${root}/bench/npm/package.json`),
  ) as { devDependencies: Record<string, string> };
  const out: string[] = [];
  for (const name of PEER_PACKAGES) {
    const mapped = denoJson.imports[name] ?? "";
    const pinned = pkg.devDependencies[name];
    if (mapped !== `npm:${name}@${pinned}`) {
      throw new Error(
        `${name}: deno.json maps "${mapped}" but bench/npm/package.json pins "${pinned}"; make them the same exact version`,
      );
    }
    out.push(`${name} ${pinned}`);
  }
  out.push(`esbuild ${pkg.devDependencies.esbuild} (size bundles)`);
  const hyperfine = await commandOutput("hyperfine", ["--version"], root) ??
    "hyperfine: not found, spawns timed in-process instead";
  out.push(`${hyperfine} (cold start)`);
  return out;
}

/** A command's trimmed stdout, or undefined when it is missing or fails. */
async function commandOutput(
  command: string,
  args: string[],
  cwd: string,
): Promise<string | undefined> {
  try {
    const result = await new Deno.Command(command, {
      args,
      cwd,
      stderr: "null",
    })
      .output();
    return result.success
      ? new TextDecoder().decode(result.stdout).trim()
      : undefined;
  } catch {
    return undefined;
  }
}

/** The commit measured, and whether the measured code differs from it. */
async function sourceState(root: string): Promise<string> {
  const git = (...args: string[]) => commandOutput("git", args, root);
  const commit = await git("rev-parse", "--short=12", "HEAD");
  if (!commit) return "not a git checkout";
  const dirty = await git(
    "status",
    "--porcelain",
    "--",
    "pkg",
    "edge",
    "local",
    "bench",
    "deno.json",
  );
  return dirty
    ? `commit ${commit} with uncommitted changes to ${
      [
        ...new Set(
          // A line is "XY path"; the output came trimmed, so drop the status word.
          dirty.split("\n").map((l) =>
            l.trim().replace(/^\S+\s+/, "").split("/")[0]
          ),
        ),
      ]
        .join(", ")
    }`
    : `commit ${commit} (pkg/, edge/, local/, bench/ and deno.json as committed)`;
}

/** Share of all CPUs busy over `ms` (from /proc/stat), while this run is idle. */
async function machineBusy(ms: number): Promise<number> {
  const sample = async () => {
    const line = (await Deno.readTextFile("/proc/stat")).split("\n")[0];
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = ticks[3] + (ticks[4] ?? 0);
    return { idle, total: ticks.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = await sample();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const b = await sample();
    return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
  } catch {
    return NaN;
  }
}

async function loadAverage(): Promise<string> {
  const text = await Deno.readTextFile("/proc/loadavg").catch(() => "");
  return text.split(" ").slice(0, 3).join(" ") || "unknown";
}

async function main(): Promise<void> {
  const settings = parseArgs(Deno.args);
  const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
  Deno.chdir(root);
  const startedAt = new Date();
  const t0 = performance.now();
  const log = (line: string) => console.error(line);
  const machine = await describeMachine();
  const loadStart = await loadAverage();
  const busyStart = await machineBusy(3000);
  if (busyStart > 0.25) {
    log(
      `other processes keep ${
        (busyStart * 100).toFixed(0)
      }% of the CPUs busy: the figures will be noisy`,
    );
  }
  const source = await sourceState(root);
  const versionLines = await versions(root);
  const tmpDir = await Deno.makeTempDir({ prefix: "healthnav-bench-" });
  const q = settings.quick;
  const cpuOptions = q
    ? { rounds: 3, batchMs: 40, warmupMs: 40, profileMs: 400 }
    : { rounds: 15, batchMs: 150, warmupMs: 300, profileMs: 2000 };
  const coldOptions = q
    ? { rounds: 1, runsPerRound: 5, warmup: 1 }
    : { rounds: 3, runsPerRound: 10, warmup: 3 };
  const e2eOptions = q
    ? {
      concurrency: 16,
      warmupRequests: 1_000,
      requests: 3_000,
      slices: 1,
      freshTokenRequests: 500,
      freshTokenSlices: 1,
    }
    : {
      concurrency: 16,
      warmupRequests: 5_000,
      requests: 100_000,
      slices: 10,
      freshTokenRequests: 21_000,
      freshTokenSlices: 6,
    };

  const results: Results = {};
  const failures: string[] = [];
  // A part that fails is reported and the others still run; the exit code says so.
  const part = async (name: string, run: () => Promise<void>) => {
    log(`${name} …`);
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(
        `${name} failed: ${message.split("\n").slice(0, 12).join(" / ")}`,
      );
      log(`${name} FAILED: ${message}`);
    }
  };
  try {
    if (settings.parts.has("1")) {
      await part("part 1, CPU per request", async () => {
        results.cpu = await runCpuPart(cpuOptions);
      });
    }
    if (settings.parts.has("2")) {
      await part("part 2, cold start", async () => {
        results.cold = await runColdPart({ root, tmpDir, ...coldOptions });
      });
    }
    if (settings.parts.has("3")) {
      await part("part 3, size", async () => {
        results.size = await runSizePart({ root, tmpDir });
      });
    }
    if (settings.parts.has("4")) {
      await part("parts 4 and 5, end to end and memory", async () => {
        results.e2e = await runE2EPart({ root, log, ...e2eOptions });
      });
    }
  } finally {
    await Deno.remove(tmpDir, { recursive: true });
  }

  const command = `deno run -A bench/run.ts${
    Deno.args.length ? ` ${Deno.args.join(" ")}` : ""
  }`;
  const report = renderReport(results, {
    machine,
    command,
    quick: q,
    startedAt,
    seconds: (performance.now() - t0) / 1000,
    settings: [
      `Code measured: ${source}.`,
      `Mode: ${
        q ? "quick (smoke run: few rounds, short batches)" : "full"
      }; parts run: ${
        [...settings.parts].sort().join(", ").replace("4", "4, 5")
      }.`,
      `Part 1: ${cpuOptions.rounds} rounds of ~${cpuOptions.batchMs} ms batches per call, ${cpuOptions.warmupMs} ms warm-up; profile ${cpuOptions.profileMs} ms.`,
      `Part 2: ${coldOptions.rounds} round(s) × ${coldOptions.runsPerRound} runs (+${coldOptions.warmup} warm-up) per script, order rotated per round.`,
      `Parts 4–5: concurrency ${e2eOptions.concurrency}, ${
        e2eOptions.warmupRequests.toLocaleString("en-US")
      } warm-up then ${
        e2eOptions.requests.toLocaleString("en-US")
      } measured requests per server in ${e2eOptions.slices} slice(s), the servers taking turns, the requests spread over ${E2E_CALLERS} signed-in patients; then ${
        e2eOptions.freshTokenRequests.toLocaleString("en-US")
      } requests per server (not the audited one) in ${e2eOptions.freshTokenSlices} slice(s), each with a token new to the server; the stand-in, the four servers (ours twice: without, and with the audit trail and a quota on a throwaway Debian PostgreSQL keeping its durable defaults: fsync, synchronous commit) and this load generator are separate processes on 127.0.0.1.`,
      `Other work on the machine: ${
        (busyStart * 100).toFixed(0)
      }% of the CPUs busy in the 3 s before the run and ${
        (await machineBusy(3000) * 100).toFixed(0)
      }% in the 3 s after it (/proc/stat); load average ${loadStart} at the start, ${await loadAverage()} at the end. It also shows as wall time above CPU time in part 1.`,
    ],
    versions: versionLines,
    failures,
  });
  await Deno.writeTextFile(settings.out, report);
  // The committed report must pass the repository's `deno fmt --check`.
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet", settings.out],
    stdout: "null",
    stderr: "inherit",
  }).output();
  console.log(await Deno.readTextFile(settings.out));
  log(`written to ${settings.out}`);
  if (failures.length) {
    log(`${failures.length} part(s) failed`);
    Deno.exitCode = 1;
  }
}

if (import.meta.main) {
  await main();
}
