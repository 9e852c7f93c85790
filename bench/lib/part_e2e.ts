/**
 * Parts 4 and 5, end to end and memory: the local SageMaker stand-in and
 * each triage server run as child `deno run` processes on 127.0.0.1; this
 * process is the load generator: warm-up requests, each server's VmRSS, the
 * measured requests (throughput, p50/p99), each server's VmRSS again. Our
 * function runs twice, without and with the audit trail and quotas (on a
 * throwaway Debian PostgreSQL with its durable defaults), so the cost of
 * the database is measured in the same run. Then ours and the two peers
 * again, each call with a token the server has never seen: what a request
 * costs when the caller check cannot reuse a verdict.
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

/** A server's load and the CPU it used per request. */
export interface ServedLoad {
  load: LoadResult;
  /** CPU the serving process used per measured request, µs. */
  serverCpuUs: number;
  /** The part of it on the process's main thread (JS and the event loop), µs. */
  mainThreadCpuUs: number;
}

/** One server's figures: its measured load with the patients' reused tokens, and more. */
export interface E2EResult extends ServedLoad {
  /** VmRSS after the warm-up, bytes. */
  rssWarmBytes: number;
  /** VmRSS after warm-up + the measured requests, bytes. */
  rssAfterBytes: number;
  /** Requests served when rssAfterBytes was read. */
  servedRequests: number;
  /** CPU the stand-in used per measured request to this server, µs. */
  standInCpuUs: number;
  /** Every call with a token new to the server (not for the audited server). */
  freshTokens?: ServedLoad;
}

/** Ours and the peers: the servers measured with fresh tokens too. */
export const FRESH_TOKEN_SERVERS = ["ours", "aws4fetch", "sdk"] as const;

/** Options of part 4/5. */
export interface E2EOptions {
  root: string;
  concurrency: number;
  warmupRequests: number;
  requests: number;
  /** The measured requests are sent in this many slices, servers taking turns. */
  slices: number;
  /** Requests per server that each bring a token new to it, and their slices. */
  freshTokenRequests: number;
  freshTokenSlices: number;
  log(line: string): void;
}

/**
 * Runs parts 4 and 5. All four servers stay up; after each one's warm-up,
 * the measured requests go in slices with the servers taking turns (order
 * rotated per slice), so load from elsewhere on a shared machine falls on
 * every contestant alike. The fresh-token requests follow, the same way.
 */
export async function runE2EPart(
  options: E2EOptions,
): Promise<Record<E2EServer, E2EResult>> {
  const started: ChildServer[] = [];
  let database: LocalDatabase | null = null;
  const names = Object.keys(E2E_SERVERS) as E2EServer[];
  // Every request carries a signed-in patient's ES256 session token, which
  // every server verifies against the project's JWKS before anything else.
  // The first E2E_CALLERS patients call again and again; each of the others
  // calls each server once, so its token is new to that server.
  const perFreshSlice = evenSlices(
    options.freshTokenRequests,
    options.freshTokenSlices,
  );
  const perSlice = evenSlices(options.requests, options.slices);
  const tokens = await sessionTokens(
    E2E_CALLERS + options.freshTokenRequests,
  );
  const patients = tokens.authorizations.slice(0, E2E_CALLERS);
  const unseenTokens = tokens.authorizations.slice(E2E_CALLERS);
  const load = (url: string, requests: number, authorizations = patients) =>
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
          BENCH_JWKS: tokens.jwks,
          BENCH_DATABASE_URL: database.url,
        },
      });
      started.push(servers[name]);
      await checkAnswer(name, servers[name].url, patients[0]);
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

    // One slice of `requests` to one server, with the CPU it and the stand-in used.
    const measureSlice = async (
      name: E2EServer,
      requests: number,
      authorizations?: string[],
    ): Promise<Measured> => {
      const server = servers[name];
      const [cpu0, main0, standIn0] = [
        await server.cpuUs(),
        await server.mainThreadCpuUs(),
        await standIn.cpuUs(),
      ];
      const result = await load(server.url, requests, authorizations);
      return {
        loads: [result],
        serverCpuUs: (await server.cpuUs()) - cpu0,
        mainThreadCpuUs: (await server.mainThreadCpuUs()) - main0,
        standInCpuUs: (await standIn.cpuUs()) - standIn0,
      };
    };

    const reused = await takingTurns(
      names,
      options.slices,
      (name) => measureSlice(name, perSlice),
    );
    const fresh = await takingTurns(
      FRESH_TOKEN_SERVERS,
      options.freshTokenSlices,
      (name, round) =>
        measureSlice(
          name,
          perFreshSlice,
          unseenTokens.slice(
            round * perFreshSlice,
            (round + 1) * perFreshSlice,
          ),
        ),
    );
    await settle();
    await checkAuditRows(
      database,
      CHECK_REQUESTS + options.warmupRequests +
        combineLoads(reused.audited!.loads).requests,
    );
    const out = {} as Record<E2EServer, E2EResult>;
    for (const name of names) {
      const mine = perRequest(reused[name]!);
      const freshRun = fresh[name];
      const freshTokens = freshRun && perRequest(freshRun);
      const result = mine.load;
      out[name] = {
        ...mine,
        rssWarmBytes: rssWarm[name],
        rssAfterBytes: await servers[name].rssBytes(),
        servedRequests: 1 + options.warmupRequests + result.requests +
          (freshTokens?.load.requests ?? 0),
        standInCpuUs: reused[name]!.standInCpuUs / result.requests,
        ...(freshTokens ? { freshTokens } : {}),
      };
      options.log(
        `  ${name}: ${result.rps.toFixed(0)} req/s, p50 ${
          result.p50Ms.toFixed(2)
        } ms, p99 ${result.p99Ms.toFixed(2)} ms, server CPU ${
          out[name].serverCpuUs.toFixed(0)
        } µs/request, RSS ${mb(rssWarm[name])} → ${
          mb(out[name].rssAfterBytes)
        } MB${
          freshTokens
            ? `; fresh tokens: ${freshTokens.load.rps.toFixed(0)} req/s, p99 ${
              freshTokens.load.p99Ms.toFixed(2)
            } ms, server CPU ${freshTokens.serverCpuUs.toFixed(0)} µs/request`
            : ""
        }`,
      );
    }
    return out;
  } finally {
    for (const child of started.reverse()) await child.stop();
    await database?.stop();
  }
}

/** Requests per slice; the slices must split `requests` evenly, none empty. */
function evenSlices(requests: number, slices: number): number {
  const each = requests / slices;
  if (!Number.isInteger(each) || each < 1) {
    throw new Error(
      `${requests} requests do not split into ${slices} equal slices`,
    );
  }
  return each;
}

/** The load of summed slices, and the server's CPU per request in it. */
function perRequest(measured: Measured): ServedLoad {
  const load = combineLoads(measured.loads);
  return {
    load,
    serverCpuUs: measured.serverCpuUs / load.requests,
    mainThreadCpuUs: measured.mainThreadCpuUs / load.requests,
  };
}

/** What slices of load to one server measured, summed. */
interface Measured {
  loads: LoadResult[];
  serverCpuUs: number;
  mainThreadCpuUs: number;
  standInCpuUs: number;
}

/**
 * Runs `slices` rounds in which each server takes one `measure(name, round)`
 * in turn, the order rotated per round, and sums each server's slices.
 */
async function takingTurns(
  names: readonly E2EServer[],
  slices: number,
  measure: (name: E2EServer, round: number) => Promise<Measured>,
): Promise<Partial<Record<E2EServer, Measured>>> {
  const sums: Partial<Record<E2EServer, Measured>> = {};
  for (let round = 0; round < slices; round++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(turn + round) % names.length];
      const one = await measure(name, round);
      const sum = sums[name];
      sums[name] = sum
        ? {
          loads: [...sum.loads, ...one.loads],
          serverCpuUs: sum.serverCpuUs + one.serverCpuUs,
          mainThreadCpuUs: sum.mainThreadCpuUs + one.mainThreadCpuUs,
          standInCpuUs: sum.standInCpuUs + one.standInCpuUs,
        }
        : one;
    }
  }
  return sums;
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
