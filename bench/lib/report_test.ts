/**
 * The benchmark's verdicts never pass over a failure: a server that fails
 * requests, or a peer whose figure is missing, makes a target missed.
 *
 * Run: deno test --allow-read --allow-env bench/lib/report_test.ts
 */
import assert from "node:assert/strict";
import { renderTable, type Results } from "./report.ts";
import type { E2EResult, E2EServer } from "./part_e2e.ts";
import type { CpuResults } from "./part_cpu.ts";
import type { Timing } from "./measure.ts";
import { PEER_IDS } from "./peers.ts";

function server(rps: number, p99Ms: number, errors: number): E2EResult {
  return {
    load: {
      requests: 1000,
      errors,
      seconds: 1000 / rps,
      rps,
      p50Ms: p99Ms / 2,
      p99Ms,
      latencies: new Float64Array(),
    },
    rssWarmBytes: 1,
    rssAfterBytes: 1,
    servedRequests: 1000,
    serverCpuUs: 1,
    mainThreadCpuUs: 1,
    standInCpuUs: 1,
  };
}

function e2e(oursErrors: number): Record<E2EServer, E2EResult> {
  return {
    ours: server(5000, 5, oursErrors),
    audited: server(2500, 7, 0),
    aws4fetch: server(4000, 8, 0),
    sdk: server(3000, 9, 0),
  };
}

/** The verdict cell of the table row whose measure starts with `measure`. */
function verdictOf(table: string, measure: string): string {
  const row = table.split("\n").find((line) =>
    line.split("|")[2]?.trim().startsWith(measure)
  );
  assert.ok(row, `no row for ${measure}`);
  return row.split("|").at(-2)!.trim();
}

const THROUGHPUT = "end to end: triage function";

Deno.test("end to end is met only when no request failed", () => {
  assert.match(
    verdictOf(renderTable({ e2e: e2e(0) }), THROUGHPUT),
    /^met: /,
  );
  const failing = verdictOf(renderTable({ e2e: e2e(3) }), THROUGHPUT);
  assert.match(failing, /^\*\*MISSED\*\*: 3 failed requests \(ours 3,/);
});

Deno.test("a peer's failed requests make the comparison missed too", () => {
  const results = e2e(0);
  results.sdk.load.errors = 1;
  assert.match(
    verdictOf(renderTable({ e2e: results }), THROUGHPUT),
    /^\*\*MISSED\*\*: 1 failed requests/,
  );
});

Deno.test("the audited run is shown beside ours without, as a ratio and a difference", () => {
  const table = renderTable({ e2e: e2e(0) });
  assert.equal(
    verdictOf(table, "audit trail + quota on: throughput"),
    "off: 5,000; on ×0.50",
  );
  assert.equal(
    verdictOf(table, "audit trail + quota on: latency p99"),
    "off: 5.00; on +2.00 ms",
  );
});

Deno.test("the fresh-token rows compare with the best peer and never hide a failure", () => {
  const results = e2e(0);
  const fresh = (rps: number, errors: number) => ({
    load: server(rps, 10, errors).load,
    serverCpuUs: 700,
    mainThreadCpuUs: 300,
  });
  const throughput =
    "end to end, every call a token new to the server: throughput";
  assert.equal(verdictOf(renderTable({ e2e: results }), throughput), "not run");

  results.ours.freshTokens = fresh(1900, 0);
  results.aws4fetch.freshTokens = fresh(2000, 0);
  results.sdk.freshTokens = fresh(1500, 0);
  assert.equal(
    verdictOf(renderTable({ e2e: results }), throughput),
    "no target; ours ×0.95 the best peer",
  );
  results.aws4fetch.freshTokens = fresh(2000, 2);
  assert.equal(
    verdictOf(renderTable({ e2e: results }), throughput),
    "**2 failed requests** (see details)",
  );
  delete results.sdk.freshTokens;
  results.aws4fetch.freshTokens = fresh(2000, 0);
  assert.equal(
    verdictOf(renderTable({ e2e: results }), throughput),
    "no target; a figure is missing",
  );
});

Deno.test("a missing peer figure is a miss, never a pass", () => {
  const timing = (cpuUs: number): Timing => ({
    cpuUs,
    wallUs: cpuUs,
    cpuMinUs: cpuUs,
    cpuMaxUs: cpuUs,
    ops: 1,
  });
  const timings = new Map<string, Timing>();
  for (const caseId of ["prepare-1k", "sign-1m", "sign-5m"]) {
    timings.set(`${caseId}/ours`, timing(1));
    for (const peer of PEER_IDS) timings.set(`${caseId}/${peer}`, timing(100));
  }
  timings.set("normalize/ours", timing(1));
  timings.set("normalize/json", timing(1));
  const cpu = { timings, tasks: [], checks: [] } as unknown as CpuResults;
  const table = (): string => renderTable({ cpu } satisfies Results);

  assert.match(verdictOf(table(), "prepare a signed 1 KB"), /^met: /);
  assert.match(verdictOf(table(), "sign a 1 MB"), /^met: /);

  timings.delete("prepare-1k/aws4fetch");
  timings.delete("sign-1m/sdk");
  assert.match(
    verdictOf(table(), "prepare a signed 1 KB"),
    /^\*\*MISSED\*\*: no figure for aws4fetch$/,
  );
  assert.match(
    verdictOf(table(), "sign a 1 MB"),
    /^\*\*MISSED\*\*: no figure for sdk$/,
  );
});
