/**
 * Builds one edge function with fake deps (scripted fetch, fixed clock,
 * recording sleep, fixed random) and keeps every response and log line so
 * tests can check what leaked.
 *
 * @module
 */
import { type Answer, readAnswer } from "./answer.ts";
import {
  createEdgeFunction,
  type EdgeFunction,
} from "../../../edge/_shared/edge_function.ts";
import type { FunctionName } from "../../../edge/_shared/wasm_gateway.ts";
import {
  FakeClock,
  FakeUpstream,
  recordingSleep,
  type Step,
} from "./fake_upstream.ts";
import { assertNoneContain } from "./payloads.ts";
import { PATIENT_ID, TEST_JWT_SECRET, userToken } from "./tokens.ts";

/** 2026-01-15T12:34:56.000Z: the fixed "now" of every unit test. */
export const FIXED_TIME = Date.UTC(2026, 0, 15, 12, 34, 56);
/** The SigV4 date and scope date {@link FIXED_TIME} gives. */
export const FIXED_AMZ_DATE = "20260115T123456Z";
export const FIXED_SCOPE_DATE = "20260115";

export const ACCESS_KEY_ID = "AKIDEXAMPLE";
/** A recognisable secret: it must never appear in a response or a log line. */
export const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETMARKER";
export const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENMARKER";

/** The smallest valid environment: region, credentials and the key callers are verified with. */
export const BASE_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  LEGACY_JWT_SECRET: TEST_JWT_SECRET,
};

/** What a test may change. An env value of `undefined` removes the variable. */
export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  script?: Step[];
  clock?: FakeClock;
  random?: () => number;
}

export type { Answer };

/** A function under test and everything it touched. */
export interface Harness {
  fn: EdgeFunction;
  upstream: FakeUpstream;
  clock: FakeClock;
  delays: number[];
  logs: string[];
  answers: Answer[];
  /** Sends a request and reads the answer. */
  send(request: Request): Promise<Answer>;
  /**
   * POSTs `body` (JSON-encoded unless a string) as application/json, as the
   * signed-in patient unless `headers` has its own `authorization`.
   */
  post(body: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** GETs `path` as the signed-in patient unless `headers` has its own `authorization`. */
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** `Bearer <token>` of a signed-in user (default the patient), valid at the clock's now. */
  bearer(sub?: string): Promise<string>;
  /** The log lines, parsed. */
  records(): Record<string, unknown>[];
  /** Fails if any response or log line contains the secret (or `extra`). */
  assertNoLeaks(extra?: readonly string[]): void;
}

/** Builds `name` with fake deps. */
export function harness(
  name: FunctionName,
  options: HarnessOptions = {},
): Harness {
  const env: Record<string, string | undefined> = {
    ...BASE_ENV,
    ...options.env,
  };
  const clock = options.clock ?? new FakeClock(FIXED_TIME);
  const { delays, sleep } = recordingSleep(clock);
  const upstream = new FakeUpstream(options.script);
  const logs: string[] = [];
  const answers: Answer[] = [];
  let requests = 0;
  const fn = createEdgeFunction(name, {
    env: (variable) => env[variable],
    fetch: upstream.fetch,
    now: clock.now,
    sleep,
    random: options.random ?? (() => 0.5),
    log: (line) => logs.push(line),
    newRequestId: () => `req-${++requests}`,
  });

  const send = async (request: Request): Promise<Answer> => {
    const answer = await readAnswer(await fn.fetch(request));
    answers.push(answer);
    return answer;
  };

  const bearer = async (sub = PATIENT_ID) =>
    `Bearer ${await userToken(sub, { nowMs: clock.now() })}`;

  return {
    fn,
    upstream,
    clock,
    delays,
    logs,
    answers,
    send,
    bearer,
    get: async (path, headers = {}) =>
      send(
        new Request(`http://functions.local${path}`, {
          headers: { authorization: await bearer(), ...headers },
        }),
      ),
    post: async (body, headers = {}) =>
      send(
        new Request(`http://functions.local/${name}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: await bearer(),
            ...headers,
          },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
    records: () => logs.map((line) => JSON.parse(line)),
    assertNoLeaks(extra = []) {
      const needles = [SECRET_ACCESS_KEY, ...extra];
      const texts = answers.map((a) =>
        `${a.status} ${JSON.stringify([...a.headers])} ${a.text}`
      );
      assertNoneContain(texts, needles, "a response");
      assertNoneContain(logs, needles, "a log line");
    },
  };
}
