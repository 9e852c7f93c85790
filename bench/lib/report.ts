/**
 * The report: one table of every figure with ours ÷ each peer and a verdict
 * per target, then the details a reader needs to trust it (what was timed,
 * the checks, the breakdown of our cost, the machine and the command).
 *
 * @module
 */
import type { CaseId } from "./cases.ts";
import { COLD_SCRIPTS, type ColdResults } from "./part_cold.ts";
import { type CpuResults, timingOf } from "./part_cpu.ts";
import {
  type E2EResult,
  type E2EServer,
  FRESH_TOKEN_SERVERS,
  type ServedLoad,
} from "./part_e2e.ts";
import type { Size, SizeResults } from "./part_size.ts";
import { PEER_IDS, PEER_LABELS, type PeerId } from "./peers.ts";
import type { LoadResult } from "./load.ts";
import type { Machine } from "./machine.ts";

/** Everything one run measured; a part not run is undefined. */
export interface Results {
  cpu?: CpuResults;
  cold?: ColdResults;
  size?: SizeResults;
  e2e?: Record<E2EServer, E2EResult>;
}

/** How the run was made. */
export interface RunInfo {
  machine: Machine;
  command: string;
  quick: boolean;
  startedAt: Date;
  seconds: number;
  settings: string[];
  versions: string[];
  /** Parts that failed, with why. */
  failures: string[];
}

type Cell = number | undefined;
interface Row {
  part: string;
  measure: string;
  unit: string;
  ours: Cell;
  peers: Partial<Record<PeerId, Cell>>;
  digits: number;
  target: string;
  verdict: string;
}

const NOT_RUN = "not run";

function fmt(value: Cell, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return "—";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function ratio(ours: Cell, peer: Cell): string {
  if (ours === undefined || peer === undefined) return "";
  const r = ours / peer;
  if (!Number.isFinite(r)) return "";
  return ` (×${r >= 10 ? r.toFixed(1) : r.toFixed(2)})`;
}

function verdict(met: boolean, why: string): string {
  return met ? `met: ${why}` : `**MISSED**: ${why}`;
}

/**
 * A verdict that needs every one of these figures: if one is missing (a
 * peer that failed to run, a part cut short) the target is missed, never
 * met by default.
 */
function judged<const Names extends string>(
  figures: Record<Names, Cell>,
  judge: (known: Record<Names, number>) => [boolean, string],
): string {
  const missing = Object.entries(figures)
    .filter(([, value]) => !Number.isFinite(value as Cell))
    .map(([name]) => name);
  if (missing.length > 0) {
    return verdict(false, `no figure for ${missing.join(", ")}`);
  }
  return verdict(...judge(figures as Record<Names, number>));
}

function r2(value: number): string {
  return `×${value.toFixed(2)}`;
}

/** Builds the rows of the main table. */
function rows(results: Results): Row[] {
  const out: Row[] = [];
  const { cpu, size, e2e } = results;
  const cold = results.cold?.scripts;

  const cpuRow = (caseId: CaseId, measure: string): Row => {
    const ours = cpu ? timingOf(cpu, caseId, "ours")?.cpuUs : undefined;
    const peers: Partial<Record<PeerId, Cell>> = {};
    for (const id of PEER_IDS) {
      peers[id] = cpu ? timingOf(cpu, caseId, id)?.cpuUs : undefined;
    }
    return {
      part: "1",
      measure,
      unit: "CPU µs/request",
      ours,
      peers,
      digits: 1,
      target: "",
      verdict: cpu ? "" : NOT_RUN,
    };
  };

  const small = cpuRow(
    "prepare-1k",
    "prepare a signed 1 KB triage request (ours: validate + build + sign; peers: sign)",
  );
  small.target = "≤ ×0.5 smithy + node:crypto; ≤ ×0.1 aws4fetch and SDK";
  if (cpu) {
    small.verdict = judged({
      ours: small.ours,
      "smithy + node:crypto": small.peers["smithy-node"],
      aws4fetch: small.peers.aws4fetch,
      SDK: small.peers.sdk,
    }, (f) => {
      const vsNode = f.ours / f["smithy + node:crypto"];
      const vsA4f = f.ours / f.aws4fetch;
      const vsSdk = f.ours / f.SDK;
      return [
        vsNode <= 0.5 && vsA4f <= 0.1 && vsSdk <= 0.1,
        `${r2(vsNode)} node:crypto, ${r2(vsA4f)} aws4fetch, ${r2(vsSdk)} SDK`,
      ];
    });
  }
  out.push(small);

  for (
    const [caseId, label] of [["sign-1m", "1 MB"], ["sign-5m", "5 MB"]] as const
  ) {
    const row = cpuRow(
      caseId,
      `sign a ${label} image body (ours: native SHA-256 + signAwsRequest with bodySha256)`,
    );
    row.target = "no slower than the fastest peer";
    if (cpu) {
      const [fastestId, fastest] = fastestPeer(row.peers);
      row.verdict = judged({
        ours: row.ours,
        ...Object.fromEntries(PEER_IDS.map((id) => [id, row.peers[id]])),
      }, (f) => [
        f.ours <= fastest,
        `${r2(f.ours / fastest)} the fastest, ${PEER_LABELS[fastestId]}`,
      ]);
    }
    out.push(row);
  }

  const normalize = cpuRow("normalize", "normalise a triage response");
  if (cpu) {
    const json = timingOf(cpu, "normalize", "json")?.cpuUs;
    normalize.target = "none (peers do not check model output)";
    normalize.verdict = `plain JSON.parse + stringify of the same body: ${
      fmt(json, 1)
    } µs; ours ${r2(normalize.ours! / json!)} that`;
  }
  out.push(normalize);

  const coldRow: Row = {
    part: "2",
    measure:
      "cold start: `deno run` importing the module and preparing one request, minus an empty `deno run`",
    unit: "ms",
    ours: cold?.ours.overheadMs,
    peers: Object.fromEntries(
      PEER_IDS.map((id) => [id, cold?.[id]?.overheadMs]),
    ),
    digits: 1,
    target: "≤ aws4fetch; ≤ ×0.2 SDK",
    verdict: NOT_RUN,
  };
  if (cold) {
    const half = (met: boolean) => met ? "met" : "missed";
    coldRow.verdict = judged({
      ours: cold.ours?.overheadMs,
      aws4fetch: cold.aws4fetch?.overheadMs,
      SDK: cold.sdk?.overheadMs,
      floor: cold.floor?.overheadMs,
    }, ({ ours, aws4fetch, SDK, floor }) => [
      ours <= aws4fetch && ours <= 0.2 * SDK,
      `${fmt(ours - aws4fetch, 1)} ms over aws4fetch (${
        half(ours <= aws4fetch)
      }), ×${(ours / SDK).toFixed(3)} SDK (${
        half(ours <= 0.2 * SDK)
      }); the stack alone (bench/floor): ${fmt(floor, 1)} ms, ${
        fmt(floor - aws4fetch, 1)
      } ms over aws4fetch`,
    ]);
  }
  out.push(coldRow);

  const kb = (bytes: number | undefined) =>
    bytes === undefined ? undefined : bytes / 1024;
  const gzRow: Row = {
    part: "3",
    measure:
      "size, gzip -9 (ours: pkg/ as imported; peers: esbuild bundle, minified)",
    unit: "KB",
    ours: kb(size?.ours.gzip),
    peers: Object.fromEntries(
      PEER_IDS.map((id) => [id, kb(size?.peers[id].gzip)]),
    ),
    digits: 1,
    target: "ours ≤ 100 KB",
    verdict: NOT_RUN,
  };
  if (size) {
    gzRow.verdict = verdict(
      size.ours.gzip <= 100 * 1024,
      `${fmt(kb(size.ours.gzip), 1)} KB (the wasm binary + glue alone: ${
        fmt(kb(size.oursBinary.gzip), 1)
      } KB); the stack alone (bench/floor): ${
        fmt(kb(size.floor.gzip), 1)
      } KB (${fmt(kb(size.floorBinary.gzip), 1)} KB)`,
    );
  }
  out.push(gzRow);
  out.push({
    part: "3",
    measure: "size, raw",
    unit: "KB",
    ours: kb(size?.ours.raw),
    peers: Object.fromEntries(
      PEER_IDS.map((id) => [id, kb(size?.peers[id].raw)]),
    ),
    digits: 1,
    target: "",
    verdict: size ? "" : NOT_RUN,
  });

  const e2ePeers = (pick: (r: E2EResult) => number) => ({
    aws4fetch: e2e ? pick(e2e.aws4fetch) : undefined,
    sdk: e2e ? pick(e2e.sdk) : undefined,
  });
  const rps: Row = {
    part: "4",
    measure:
      "end to end: triage function served by Deno → stand-in, throughput",
    unit: "req/s",
    ours: e2e?.ours.load.rps,
    peers: e2ePeers((r) => r.load.rps),
    digits: 0,
    target: "≥ the best peer's throughput, with a lower p99 than every peer",
    verdict: NOT_RUN,
  };
  const p50: Row = {
    part: "4",
    measure: "end to end, latency p50",
    unit: "ms",
    ours: e2e?.ours.load.p50Ms,
    peers: e2ePeers((r) => r.load.p50Ms),
    digits: 2,
    target: "",
    verdict: e2e ? "" : NOT_RUN,
  };
  const p99: Row = {
    ...p50,
    measure: "end to end, latency p99",
    ours: e2e?.ours.load.p99Ms,
    peers: e2ePeers((r) => r.load.p99Ms),
  };
  if (e2e) {
    rps.verdict = e2eVerdict(e2e);
    const errors = failedRequests(e2e);
    p50.verdict = errors
      ? `**${errors} failed requests** (see details)`
      : "no failed request";
  }
  const serverCpu: Row = {
    ...p50,
    measure:
      "end to end, CPU of the serving process per request (/proc/<pid>/stat)",
    unit: "µs",
    ours: e2e?.ours.serverCpuUs,
    peers: e2ePeers((r) => r.serverCpuUs),
    digits: 0,
    verdict: e2e ? mainThreads(e2e, (r) => r.mainThreadCpuUs) : NOT_RUN,
  };
  out.push(rps, p50, p99, serverCpu);
  out.push(...freshTokenRows(e2e));
  out.push(...auditedRows(e2e));

  const rss = (measure: string, pick: (r: E2EResult) => number): Row => ({
    part: "5",
    measure,
    unit: "MB",
    ours: e2e ? pick(e2e.ours) / 1048576 : undefined,
    peers: e2ePeers((r) => pick(r) / 1048576),
    digits: 1,
    target: "",
    verdict: e2e ? "" : NOT_RUN,
  });
  out.push(
    rss(
      "memory: RSS of the serving process after warm-up",
      (r) => r.rssWarmBytes,
    ),
  );
  out.push(
    rss(
      `memory: RSS after ${
        e2e ? e2e.ours.servedRequests.toLocaleString("en-US") : "the"
      } requests`,
      (r) => r.rssAfterBytes,
    ),
  );
  return out;
}

/** "of it on the main thread: ours …, aws4fetch …, sdk … µs" (JS and the event loop). */
function mainThreads(
  e2e: Record<E2EServer, E2EResult>,
  pick: (r: E2EResult) => number | undefined,
): string {
  const each = FRESH_TOKEN_SERVERS
    .map((name) => `${name} ${fmt(e2e[name] && pick(e2e[name]), 0)}`);
  return `of it on the main thread: ${each.join(", ")} µs`;
}

/**
 * Ours and the peers again with every call's token new to the server: the
 * caller check verifies each signature, as a deployment whose patients
 * rarely call twice within a minute would. No target: it shows what the
 * remembered verdicts are worth, and how the servers compare without them.
 */
function freshTokenRows(e2e: Record<E2EServer, E2EResult> | undefined): Row[] {
  const fresh = (pick: (r: ServedLoad) => number) => ({
    ours: e2e?.ours.freshTokens && pick(e2e.ours.freshTokens),
    peers: {
      aws4fetch: e2e?.aws4fetch.freshTokens &&
        pick(e2e.aws4fetch.freshTokens),
      sdk: e2e?.sdk.freshTokens && pick(e2e.sdk.freshTokens),
    },
  });
  const measured = e2e?.ours.freshTokens !== undefined;
  const rps: Row = {
    part: "4",
    measure: "end to end, every call a token new to the server: throughput",
    unit: "req/s",
    ...fresh((r) => r.load.rps),
    digits: 0,
    target: "",
    verdict: NOT_RUN,
  };
  if (e2e && measured) {
    const errors = FRESH_TOKEN_SERVERS
      .reduce(
        (sum, name) => sum + (e2e[name].freshTokens?.load.errors ?? 0),
        0,
      );
    const ours = rps.ours ?? NaN;
    const best = Math.max(rps.peers.aws4fetch ?? NaN, rps.peers.sdk ?? NaN);
    rps.verdict = errors
      ? `**${errors} failed requests** (see details)`
      : Number.isFinite(ours / best)
      ? `no target; ours ${r2(ours / best)} the best peer`
      : "no target; a figure is missing";
  }
  const p99: Row = {
    ...rps,
    measure: "end to end, every call a token new to the server: latency p99",
    unit: "ms",
    ...fresh((r) => r.load.p99Ms),
    digits: 2,
    verdict: measured ? "" : NOT_RUN,
  };
  const cpu: Row = {
    ...rps,
    measure:
      "end to end, every call a token new to the server: CPU of the serving process per request",
    unit: "µs",
    ...fresh((r) => r.serverCpuUs),
    digits: 0,
    verdict: e2e && measured
      ? mainThreads(e2e, (r) => r.freshTokens?.mainThreadCpuUs)
      : NOT_RUN,
  };
  return [rps, p99, cpu];
}

/**
 * Ours again with the audit trail and quotas on, beside ours without: what
 * the database costs per request (one quota call before SageMaker, one
 * audit INSERT before the answer).
 */
function auditedRows(e2e: Record<E2EServer, E2EResult> | undefined): Row[] {
  const row = (
    measure: string,
    unit: string,
    digits: number,
    pick: (r: E2EResult) => number,
    compare: (on: number, off: number) => string,
  ): Row => {
    const on = e2e?.audited ? pick(e2e.audited) : undefined;
    const off = e2e?.ours ? pick(e2e.ours) : undefined;
    return {
      part: "4",
      measure: `audit trail + quota on: ${measure}`,
      unit,
      ours: on,
      peers: {},
      digits,
      target: "",
      verdict: on === undefined || off === undefined
        ? NOT_RUN
        : `off: ${fmt(off, digits)}; on ${compare(on, off)}`,
    };
  };
  const times = (on: number, off: number) => r2(on / off);
  const plus = (on: number, off: number) =>
    `${on >= off ? "+" : "−"}${fmt(Math.abs(on - off), 2)} ms`;
  return [
    row(
      "throughput (each request: a quota call, then its audit row, on PostgreSQL)",
      "req/s",
      0,
      (r) => r.load.rps,
      times,
    ),
    row("latency p50", "ms", 2, (r) => r.load.p50Ms, plus),
    row("latency p99", "ms", 2, (r) => r.load.p99Ms, plus),
    row(
      "CPU of the serving process per request",
      "µs",
      0,
      (r) => r.serverCpuUs,
      times,
    ),
  ];
}

function fastestPeer(peers: Partial<Record<PeerId, Cell>>): [PeerId, number] {
  let best: [PeerId, number] = ["smithy-node", Infinity];
  for (const id of PEER_IDS) {
    const value = peers[id];
    if (value !== undefined && value < best[1]) best = [id, value];
  }
  return best;
}

/** Failed requests across every server of the end-to-end part. */
function failedRequests(e2e: Record<E2EServer, E2EResult>): number {
  return Object.values(e2e).reduce(
    (sum, result) => sum + (result?.load.errors ?? 0),
    0,
  );
}

/**
 * Throughput and p99 against the peers. A failed request anywhere makes the
 * figures incomparable (a server that fails fast looks fast), so it misses.
 */
function e2eVerdict(e2e: Record<E2EServer, E2EResult>): string {
  const errors = failedRequests(e2e);
  if (errors > 0) {
    const each = Object.entries(e2e)
      .map(([server, result]) => `${server} ${result?.load.errors ?? "—"}`)
      .join(", ");
    return verdict(false, `${errors} failed requests (${each})`);
  }
  return judged({
    oursRps: e2e.ours?.load.rps,
    oursP99: e2e.ours?.load.p99Ms,
    aws4fetchRps: e2e.aws4fetch?.load.rps,
    aws4fetchP99: e2e.aws4fetch?.load.p99Ms,
    sdkRps: e2e.sdk?.load.rps,
    sdkP99: e2e.sdk?.load.p99Ms,
  }, (f) => {
    const bestRps = Math.max(f.aws4fetchRps, f.sdkRps);
    const bestP99 = Math.min(f.aws4fetchP99, f.sdkP99);
    return [
      f.oursRps >= bestRps && f.oursP99 < bestP99,
      `throughput ${r2(f.oursRps / bestRps)} the best peer, p99 ${
        r2(f.oursP99 / bestP99)
      } the lowest peer p99`,
    ];
  });
}

/** The main table, markdown. */
export function renderTable(results: Results): string {
  const header = [
    "part",
    "measure",
    "unit",
    "**ours**",
    ...PEER_IDS.map((id) => PEER_LABELS[id]),
    "target",
    "verdict",
  ];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${
      header.map((
        _,
        i,
      ) => (i >= 3 && i < 3 + 1 + PEER_IDS.length ? "---:" : "---")).join("|")
    }|`,
  ];
  for (const row of rows(results)) {
    const cells = [
      row.part,
      row.measure,
      row.unit,
      `**${fmt(row.ours, row.digits)}**`,
      ...PEER_IDS.map((id) =>
        row.peers[id] === undefined
          ? "—"
          : `${fmt(row.peers[id], row.digits)}${ratio(row.ours, row.peers[id])}`
      ),
      row.target,
      row.verdict,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** requests | failed | seconds | req/s | p50 ms | p99 ms, of one load. */
function loadCells(load: LoadResult): string {
  return `${load.requests.toLocaleString("en-US")} | ${load.errors} | ${
    fmt(load.seconds, 1)
  } | ${fmt(load.rps, 0)} | ${fmt(load.p50Ms, 2)} | ${fmt(load.p99Ms, 2)}`;
}

/** A details row naming a load's first failure, if it had one. */
function firstFailure(load: LoadResult): string[] {
  return load.firstError
    ? [`|  | first failure: ${load.firstError.replaceAll("|", "\\|")} |`]
    : [];
}

/** The whole report, markdown. */
export function renderReport(results: Results, info: RunInfo): string {
  const { machine } = info;
  const out: string[] = [];
  out.push(
    `# HealthNav gateway benchmark${
      info.quick ? " (quick mode: smoke figures, not for comparison)" : ""
    }`,
  );
  out.push("");
  out.push(
    `Generated by \`${info.command}\` on ${info.startedAt.toISOString()} in ${
      info.seconds.toFixed(0)
    } s. How to run and read it: [docs/benchmarks.md](../docs/benchmarks.md).`,
  );
  out.push("");
  out.push(
    `Machine: ${machine.cpuModel}, ${machine.nproc} CPUs (nproc), ${machine.memGiB} GiB RAM, ${machine.os}. ` +
      `Deno ${machine.deno} (V8 ${machine.v8}, TypeScript ${machine.typescript}).`,
  );
  out.push("");
  out.push(
    "Cells: the figure, then (×r) = ours ÷ that peer. For costs (µs, ms, KB, MB) ×r below 1 means ours is " +
      "smaller; for req/s above 1 means ours is faster. Figures are medians; all of them come from this one run, " +
      "on a shared VM, so differences of a few percent are noise.",
  );
  out.push("");
  out.push(renderTable(results));
  out.push("");
  for (const failure of info.failures) {
    out.push(`**${failure.replaceAll("|", "\\|")}**`);
    out.push("");
  }
  out.push(...details(results));
  out.push("## Run");
  out.push("");
  for (const line of info.settings) out.push(`- ${line}`);
  out.push("- Versions:");
  for (const line of info.versions) out.push(`  - ${line}`);
  out.push("");
  return out.join("\n");
}

function details(results: Results): string[] {
  const out: string[] = [];
  const { cpu, size, e2e } = results;
  const cold = results.cold?.scripts;
  if (cpu) {
    out.push("## 1. CPU per request: details");
    out.push("");
    out.push(
      "CPU = user + system time of the process (all threads: WebCrypto's worker threads and GC count) per " +
        "operation, median of interleaved rounds; wall time beside it. Every call in one table:",
    );
    out.push("");
    out.push(
      "| case | who | what is timed | CPU µs | wall µs | CPU min–max over rounds | operations |",
    );
    out.push("|---|---|---|---:|---:|---:|---:|");
    for (const task of cpu.tasks) {
      const t = cpu.timings.get(task.id)!;
      out.push(
        `| ${task.caseId} | ${
          task.role === "peer"
            ? task.who
            : task.role === "ours"
            ? "**ours**"
            : task.role === "baseline"
            ? "baseline"
            : `ours: ${task.who}`
        } | ${task.label} | ${fmt(t.cpuUs, 1)} | ${fmt(t.wallUs, 1)} | ${
          fmt(t.cpuMinUs, 1)
        }–${fmt(t.cpuMaxUs, 1)} | ${t.ops.toLocaleString("en-US")} |`,
      );
    }
    out.push("");
    const p = cpu.profile;
    out.push(
      `Where our 1 KB prepare spends its time (V8 sampling profiler, ${
        p.samples.toLocaleString("en-US")
      } samples, self time): ` +
        Object.entries(p.shares).map(([k, v]) =>
          `${k} ${(v * 100).toFixed(0)}%`
        ).join(", ") +
        ". Heaviest functions: " +
        p.top.slice(0, 6).map((t) => `${t.name} ${(t.share * 100).toFixed(1)}%`)
          .join("; ") +
        ".",
    );
    out.push("");
    out.push("Checks made before timing:");
    out.push("");
    for (const line of cpu.checks) out.push(`- ${line}`);
    out.push("");
  }
  if (cold) {
    out.push("## 2. Cold start: details");
    out.push("");
    out.push(
      `Timed with ${
        results.cold!.measuredWith
      }; every script printed the expected Authorization first.`,
    );
    out.push("");
    out.push(
      "| script | median `deno run`, ms | minus empty, ms | mean CPU (user + sys), ms | runs |",
    );
    out.push("|---|---:|---:|---:|---:|");
    for (const [name, r] of Object.entries(cold)) {
      out.push(
        `| ${COLD_SCRIPTS[name as keyof typeof COLD_SCRIPTS]} | ${
          fmt(r.medianMs, 1)
        } | ${fmt(r.overheadMs, 1)} | ${fmt(r.cpuMs, 1)} | ${r.runs} |`,
      );
    }
    out.push("");
  }
  if (size) {
    out.push("## 3. Size: details");
    out.push("");
    out.push(
      `esbuild ${size.esbuild}: \`--bundle --minify --format=esm --platform=browser --target=es2022 --external:node:*\` of each bench/cold/<peer>.ts.`,
    );
    out.push("");
    out.push("| what | raw bytes | gzip -9 bytes |");
    out.push("|---|---:|---:|");
    const sized: [string, Size][] = [
      ["ours", size.ours],
      ["ours", size.oursBinary],
      ["the stack alone", size.floor],
      ["the stack alone", size.floorBinary],
      ...PEER_IDS.map((
        id,
      ): [string, Size] => [PEER_LABELS[id], size.peers[id]]),
    ];
    for (const [label, s] of sized) {
      out.push(
        `| ${label}: ${s.what} | ${s.raw.toLocaleString("en-US")} | ${
          s.gzip.toLocaleString("en-US")
        } |`,
      );
    }
    out.push("");
  }
  if (e2e) {
    out.push("## 4–5. End to end and memory: details");
    out.push("");
    out.push(
      "| server | requests | failed | seconds | req/s | p50 ms | p99 ms | server CPU µs/request | of it main thread | stand-in CPU µs/request | RSS after warm-up, MB | RSS at the end, MB |",
    );
    out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const [name, r] of Object.entries(e2e)) {
      out.push(
        `| ${name} | ${loadCells(r.load)} | ${fmt(r.serverCpuUs, 0)} | ${
          fmt(r.mainThreadCpuUs, 0)
        } | ${fmt(r.standInCpuUs, 0)} | ${fmt(r.rssWarmBytes / 1048576, 1)} | ${
          fmt(r.rssAfterBytes / 1048576, 1)
        } |`,
      );
      out.push(...firstFailure(r.load));
    }
    out.push("");
    out.push(
      "Every call with a token new to the server (after the rows above; each token used once per server):",
    );
    out.push("");
    out.push(
      "| server | requests | failed | seconds | req/s | p50 ms | p99 ms | server CPU µs/request | of it main thread |",
    );
    out.push("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const [name, r] of Object.entries(e2e)) {
      const fresh = r.freshTokens;
      if (!fresh) continue;
      out.push(
        `| ${name} | ${loadCells(fresh.load)} | ${
          fmt(fresh.serverCpuUs, 0)
        } | ${fmt(fresh.mainThreadCpuUs, 0)} |`,
      );
      out.push(...firstFailure(fresh.load));
    }
    out.push("");
  }
  return out;
}
