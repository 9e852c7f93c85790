/**
 * Parts 4 and 5, end to end and memory: the local SageMaker stand-in and
 * each triage server run as child `deno run` processes on 127.0.0.1; this
 * process is the load generator: warm-up requests, each server's VmRSS, the
 * measured requests (throughput, p50/p99), each server's VmRSS again. Our
 * function runs twice, without and with the audit trail and quotas (on a
 * throwaway Debian PostgreSQL with its durable defaults), so the cost of
 * the database is measured in the same run.
 *
 * @module
 */
import postgres from "postgres";
import { startDebianPostgres } from "../../local/database/debian_postgres.ts";
import type { LocalDatabase } from "../../local/database/local_database.ts";
import { type ChildServer, startChild } from "./child.ts";
import { combineLoads, type LoadResult, runLoad } from "./load.ts";
import {
  generateSigningKey,
  publicJwks,
  signWithKey,
} from "../../local/supabase_auth/signing_key.ts";

/** The e2e servers. */
export const E2E_SERVERS = {
  ours: "bench/e2e/serve_ours.ts",
  audited: "bench/e2e/serve_ours_audited.ts",
  aws4fetch: "bench/e2e/serve_aws4fetch.ts",
  sdk: "bench/e2e/serve_sdk.ts",
} as const;
/** One of {@link E2E_SERVERS}. */
export type E2EServer = keyof typeof E2E_SERVERS;

/** The request every server gets: the guide's flat triage format. */
export const E2E_BODY = JSON.stringify({
  symptoms: ["fever", "cough"],
  age: 35,
  gender: "female",
});

/** Distinct signed-in patients the load rotates through (each has a quota of its own). */
export const E2E_CALLERS = 64;

/** One server's figures. */
export interface E2EResult {
  load: LoadResult;
  /** VmRSS after the warm-up, bytes. */
  rssWarmBytes: number;
  /** VmRSS after warm-up + the measured requests, bytes. */
  rssAfterBytes: number;
  /** Requests served when rssAfterBytes was read. */
  servedRequests: number;
  /** CPU the serving process used per measured request, µs. */
  serverCpuUs: number;
  /** CPU the stand-in used per measured request to this server, µs. */
  standInCpuUs: number;
}

/** Options of part 4/5. */
export interface E2EOptions {
  root: string;
  concurrency: number;
  warmupRequests: number;
  requests: number;
  /** The measured requests are sent in this many slices, servers taking turns. */
  slices: number;
  log(line: string): void;
}

/**
 * Runs parts 4 and 5. All three servers stay up; after each one's warm-up,
 * the measured requests go in slices with the servers taking turns (order
 * rotated per slice), so load from elsewhere on a shared machine falls on
 * every contestant alike.
 */
export async function runE2EPart(
  options: E2EOptions,
): Promise<Record<E2EServer, E2EResult>> {
  const started: ChildServer[] = [];
  let database: LocalDatabase | null = null;
  const names = Object.keys(E2E_SERVERS) as E2EServer[];
  // Every request carries a signed-in patient's ES256 session token, which
  // every server verifies against the project's JWKS before anything else.
  const { jwks, authorizations } = await sessionTokens(E2E_CALLERS);
  const load = (url: string, requests: number) =>
    runLoad(url, E2E_BODY, {
      concurrency: options.concurrency,
      requests,
      authorizations,
    });
  try {
    database = await startDebianPostgres({ durable: true });
    const standIn = await startChild(["-A", "bench/e2e/stand_in.ts"], {
      cwd: options.root,
    });
    started.push(standIn);
    const servers = {} as Record<E2EServer, ChildServer>;
    for (const name of names) {
      servers[name] = await startChild(["-A", E2E_SERVERS[name]], {
        cwd: options.root,
        env: {
          BENCH_STANDIN_URL: standIn.url,
          BENCH_JWKS: jwks,
          BENCH_DATABASE_URL: database.url,
        },
      });
      started.push(servers[name]);
      await checkAnswer(name, servers[name].url, authorizations[0]);
    }
    const rssWarm = {} as Record<E2EServer, number>;
    for (const name of names) {
      const warm = await load(servers[name].url, options.warmupRequests);
      if (warm.errors) {
        throw new Error(
          `${name}: ${warm.errors} failed warm-up requests: ${warm.firstError}`,
        );
      }
    }
    await settle();
    for (const name of names) rssWarm[name] = await servers[name].rssBytes();

    const runs = Object.fromEntries(
      names.map((name) => [name, [] as LoadResult[]]),
    ) as Record<E2EServer, LoadResult[]>;
    const serverCpu = Object.fromEntries(
      names.map((name) => [name, 0]),
    ) as Record<
      E2EServer,
      number
    >;
    const standInCpu = { ...serverCpu };
    const perSlice = Math.ceil(options.requests / options.slices);
    for (let slice = 0; slice < options.slices; slice++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(k + slice) % names.length];
        const server0 = await servers[name].cpuUs();
        const standIn0 = await standIn.cpuUs();
        runs[name].push(await load(servers[name].url, perSlice));
        serverCpu[name] += (await servers[name].cpuUs()) - server0;
        standInCpu[name] += (await standIn.cpuUs()) - standIn0;
      }
    }
    await settle();
    await checkAuditRows(
      database,
      CHECK_REQUESTS + options.warmupRequests +
        combineLoads(runs.audited).requests,
    );
    const out = {} as Record<E2EServer, E2EResult>;
    for (const name of names) {
      const result = combineLoads(runs[name]);
      out[name] = {
        load: result,
        rssWarmBytes: rssWarm[name],
        rssAfterBytes: await servers[name].rssBytes(),
        servedRequests: 1 + options.warmupRequests + result.requests,
        serverCpuUs: serverCpu[name] / result.requests,
        standInCpuUs: standInCpu[name] / result.requests,
      };
      options.log(
        `  ${name}: ${result.rps.toFixed(0)} req/s, p50 ${
          result.p50Ms.toFixed(2)
        } ms, p99 ${result.p99Ms.toFixed(2)} ms, server CPU ${
          out[name].serverCpuUs.toFixed(0)
        } µs/request, RSS ${mb(rssWarm[name])} → ${
          mb(out[name].rssAfterBytes)
        } MB`,
      );
    }
    return out;
  } finally {
    for (const child of started.reverse()) await child.stop();
    await database?.stop();
  }
}

/** A project key, its public JWKS, and `count` patients' tokens valid for the run. */
export async function sessionTokens(count: number): Promise<
  { jwks: string; authorizations: string[] }
> {
  const key = await generateSigningKey();
  const now = Math.floor(Date.now() / 1000);
  const authorizations = [];
  for (let i = 0; i < count; i++) {
    const token = await signWithKey(key, {
      sub: crypto.randomUUID(),
      role: "authenticated",
      aud: "authenticated",
      iat: now,
      exp: now + 6 * 3600,
    });
    authorizations.push(`Bearer ${token}`);
  }
  return { jwks: JSON.stringify(publicJwks(key)), authorizations };
}

/** Requests {@link checkAnswer} sends each server: one answered, one refused. */
const CHECK_REQUESTS = 2;

/** The audited server wrote one row per request it answered, no more, no fewer. */
async function checkAuditRows(
  database: LocalDatabase,
  expected: number,
): Promise<void> {
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    const [{ rows }] =
      await sql`select count(*)::int as rows from audit.events`;
    if (rows !== expected) {
      throw new Error(
        `the audited server wrote ${rows} audit rows for ${expected} requests`,
      );
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A server answers the triage to a signed-in patient, and refuses anyone else. */
async function checkAnswer(
  name: string,
  url: string,
  authorization: string,
): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: E2E_BODY,
  });
  const text = await response.text();
  if (response.status !== 200 || !("urgency_score" in JSON.parse(text))) {
    throw new Error(
      `${name} did not answer the triage: ${response.status} ${text}`,
    );
  }
  const anonymous = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: E2E_BODY,
  });
  await anonymous.body?.cancel();
  if (anonymous.status !== 401) {
    throw new Error(
      `${name} answered an unverified caller: ${anonymous.status}`,
    );
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
