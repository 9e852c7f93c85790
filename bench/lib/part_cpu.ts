/**
 * Part 1, CPU per request: times every task of cases.ts in interleaved
 * rounds, then profiles our 1 KB prepare to show where its time goes.
 *
 * @module
 */
import { imageBody } from "./bodies.ts";
import { buildPart1, type CaseId, type CaseTask } from "./cases.ts";
import { measureTasks, type Timing } from "./measure.ts";
import { createGateway, prepareOurs, signOurs } from "./ours.ts";
import { profileCall, type ProfileSummary } from "./profile.ts";
import { triageClientBody } from "./bodies.ts";

/** Part 1's figures. */
export interface CpuResults {
  /** Timing per task id (`<case>/<who>`). */
  timings: Map<string, Timing>;
  tasks: CaseTask[];
  checks: string[];
  /** Where our 1 KB prepare spends its time. */
  profile: ProfileSummary;
}

/** Looks up one timing. */
export function timingOf(
  results: CpuResults,
  caseId: CaseId,
  who: string,
): Timing | undefined {
  return results.timings.get(`${caseId}/${who}`);
}

/** Runs part 1. */
export async function runCpuPart(options: {
  rounds: number;
  batchMs: number;
  warmupMs: number;
  profileMs: number;
}): Promise<CpuResults> {
  const { tasks, checks } = await buildPart1();
  const timings = await measureTasks(tasks, options);
  return {
    timings,
    tasks,
    checks,
    profile: await profileOurs(options.profileMs),
  };
}

/**
 * Profiles the 1 KB prepare. The wasm has no names section, so the function
 * that computes SHA-256 is found first: it is the one that dominates signing
 * a 256 KB body hashed in wasm.
 */
async function profileOurs(durationMs: number): Promise<ProfileSummary> {
  const big = {
    url: "https://example.amazonaws.com/",
    headers: [],
    body: imageBody(256 * 1024),
  };
  const hashing = await profileCall(() => signOurs(big), durationMs / 3);
  const sha256Function = hashing.top[0]?.name;

  const gateway = createGateway();
  const body = triageClientBody(gateway);
  const profile = await profileCall(
    () => prepareOurs(gateway, body),
    durationMs,
  );
  if (sha256Function?.startsWith("wasm-function")) {
    for (const entry of profile.top) {
      if (entry.name === sha256Function) {
        entry.name += " (SHA-256 compression, sha2 crate)";
      }
    }
  }
  return profile;
}
