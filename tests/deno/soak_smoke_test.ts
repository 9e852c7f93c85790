/**
 * A short soak in-process (soak/run.ts): a few hundred requests at
 * concurrency 16 with 5 % random upstream faults and bad inputs mixed in.
 * Every answer must be well-formed and expected, the stand-in's invocations
 * must match the attempts logged, and the wasm memory must not grow after
 * warm-up. The full run is `deno task soak` (50,000 requests).
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/soak_smoke_test.ts
 */
import assert from "node:assert/strict";
import { formatReport, runSoak } from "../../soak/run.ts";

Deno.test("soak smoke: 600 mixed requests with 5 % faults, all answers expected and well-formed", async () => {
  const report = await runSoak({
    requests: 600,
    concurrency: 16,
    faultRate: 0.05,
    seed: 7,
    badShare: 0.05,
    // A short run is still warming up: only a runaway would pass this.
    maxRssGrowthMiB: 128,
    maxRssSlopeMiBPer10k: 6,
  });
  assert.ok(report.ok, formatReport(report));
  assert.equal(report.requests, 600);
  assert.equal(report.validRequests + report.badRequests, 600);
  assert.ok(report.badRequests > 10, `${report.badRequests} bad inputs`);
  assert.equal(report.unexpected, 0);
  assert.equal(report.malformed, 0);
  assert.ok(report.standIn.faultsServed > 0, "faults were injected");
  assert.equal(report.standIn.invocations, report.loggedAttempts);
  const answered = Object.values(report.outcomes).reduce((a, b) => a + b, 0);
  assert.equal(answered, 600);
  assert.equal(report.wasm.growthBytes, 0);
  assert.ok(report.wasm.endBytes > 0);
  assert.ok(report.rss.endMiB > 0 && report.samples.length > 10);
});
