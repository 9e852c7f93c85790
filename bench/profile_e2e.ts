/**
 * Where each end-to-end server of part 4 spends its CPU under the same load:
 * V8's sampling profiler in the server's process (bench/e2e/profiled.ts)
 * while this process sends signed-in requests at concurrency 16, after a
 * warm-up. Prints each server's self-time shares and heaviest functions.
 *
 *     deno run -A bench/profile_e2e.ts [--fresh-tokens] [ours aws4fetch sdk]
 *
 * With `--fresh-tokens` each profiled request brings a token the server has
 * not seen, so every one pays the full signature check.
 *
 * The audited server needs a database and is left out. Figures are shares of
 * one server's own samples: compare servers by `deno task bench`'s CPU per
 * request, and what fills it here.
 *
 * @module
 */
import { startChild } from "./lib/child.ts";
import { runLoad } from "./lib/load.ts";
import {
  E2E_BODY,
  E2E_CALLERS,
  E2E_SERVERS,
  type E2EServer,
  sessionTokens,
} from "./lib/part_e2e.ts";
import type { ProfileSummary } from "./lib/profile.ts";

const WARMUP_REQUESTS = 3_000;
const PROFILED_REQUESTS = 20_000;
const CONCURRENCY = 16;

const freshTokens = Deno.args.includes("--fresh-tokens");
const servers = Deno.args.filter((arg) => arg !== "--fresh-tokens");
const names = (servers.length ? servers : ["ours", "aws4fetch", "sdk"])
  .map((name) => {
    if (!(name in E2E_SERVERS) || name === "audited") {
      throw new Error(`no e2e server "${name}" to profile here`);
    }
    return name as E2EServer;
  });
const root = new URL("..", import.meta.url).pathname;
const tokens = await sessionTokens(
  E2E_CALLERS + (freshTokens ? PROFILED_REQUESTS : 0),
);
const patients = tokens.authorizations.slice(0, E2E_CALLERS);
const profiledTokens = freshTokens
  ? tokens.authorizations.slice(E2E_CALLERS)
  : patients;
const standIn = await startChild(["-A", "bench/e2e/stand_in.ts"], {
  cwd: root,
});
try {
  for (const name of names) {
    console.log(format(name, await profile(name)));
  }
} finally {
  await standIn.stop();
}

async function profile(name: E2EServer): Promise<ProfileSummary> {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  const server = await startChild(
    ["-A", "bench/e2e/profiled.ts", E2E_SERVERS[name]],
    {
      cwd: root,
      env: {
        BENCH_STANDIN_URL: standIn.url,
        BENCH_JWKS: tokens.jwks,
        PROFILE_OUT: out,
      },
    },
  );
  try {
    const load = async (requests: number, authorizations: string[]) => {
      const result = await runLoad(server.url, E2E_BODY, {
        concurrency: CONCURRENCY,
        requests,
        authorizations,
      });
      if (result.errors) {
        throw new Error(
          `${name}: ${result.errors} failed: ${result.firstError}`,
        );
      }
    };
    await load(WARMUP_REQUESTS, patients);
    Deno.kill(server.pid, "SIGUSR1");
    await load(PROFILED_REQUESTS, profiledTokens);
    Deno.kill(server.pid, "SIGUSR2");
    for (let waited = 0; (await Deno.stat(out)).size === 0; waited += 50) {
      if (waited > 10_000) throw new Error(`${name}: no profile written`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return JSON.parse(await Deno.readTextFile(out));
  } finally {
    await server.stop();
    await Deno.remove(out);
  }
}

function format(name: string, summary: ProfileSummary): string {
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  const lines = [
    `## ${name}: ${
      (summary.busyUs / PROFILED_REQUESTS).toFixed(0)
    } µs of the main thread per request (${PROFILED_REQUESTS} requests)`,
    Object.entries(summary.shares)
      .map(([category, share]) => `${category} ${percent(share)}`)
      .join(", "),
    ...summary.top.map(({ name, share }) =>
      `  ${percent(share).padStart(6)}  ${name}`
    ),
  ];
  return lines.join("\n") + "\n";
}
