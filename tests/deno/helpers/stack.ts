/**
 * Runs a test body against the whole local stack (router → functions →
 * SageMaker stand-in) on 127.0.0.1, collecting every log line, and closes
 * the stack afterwards so Deno's sanitizers stay quiet.
 *
 * @module
 */
import { type Answer, readAnswer } from "./answer.ts";
import {
  type LocalStack,
  type LocalStackOptions,
  startLocalStack,
} from "../../../local/local_stack.ts";
import { assertNoneContain } from "./payloads.ts";

/** A response with its body read. */
export type HttpAnswer = Answer;

/** A running stack plus helpers. */
export interface StackHarness {
  stack: LocalStack;
  /** Every line the router, the functions and the stand-in logged. */
  logs: string[];
  /**
   * POSTs `body` to /functions/v1/<slug> as the first patient (a fresh
   * session token), unless `authorization` says otherwise (null: none).
   */
  call(
    slug: string,
    body: unknown,
    options?: {
      authorization?: string | null;
      headers?: Record<string, string>;
    },
  ): Promise<HttpAnswer>;
  /** Parsed log lines of one component: "router", "function" or "stand-in". */
  records(
    component: "router" | "function" | "stand-in",
  ): Record<string, unknown>[];
  /** Fails if any answer or log line contains one of `needles`. */
  assertNoLeaks(needles: readonly string[]): void;
}

/** What a test may change about the stack. */
export type StackOptions = Omit<LocalStackOptions, "log">;

/**
 * Starts a stack (ephemeral ports, the CLI's local JWT secret), runs `body`,
 * and always closes the stack. Retry backoff is zero unless `deps` says
 * otherwise, so retried faults cost no waiting.
 */
export async function withStack(
  options: StackOptions,
  body: (harness: StackHarness) => Promise<void>,
): Promise<void> {
  const logs: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    ...options,
    log: (line) => logs.push(line),
    deps: { random: () => 0, ...options.deps },
  });
  const answers: HttpAnswer[] = [];
  const harness: StackHarness = {
    stack,
    logs,
    async call(slug, payload, callOptions = {}) {
      const headers = new Headers({
        "content-type": "application/json",
        ...callOptions.headers,
      });
      const authorization = callOptions.authorization === undefined
        ? `Bearer ${(await stack.signIn()).access_token}`
        : callOptions.authorization;
      if (authorization !== null) headers.set("authorization", authorization);
      const response = await fetch(`${stack.url}/functions/v1/${slug}`, {
        method: "POST",
        headers,
        body: typeof payload === "string" ? payload : JSON.stringify(payload),
      });
      const answer = await readAnswer(response);
      answers.push(answer);
      return answer;
    },
    records(component) {
      return logs.map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((record) => {
          if (record.component === "sagemaker-stand-in") {
            return component === "stand-in";
          }
          if (record.msg === "invocation") return component === "function";
          return component === "router";
        });
    },
    assertNoLeaks(needles) {
      const texts = answers.map((a) =>
        `${a.status} ${JSON.stringify([...a.headers])} ${a.text}`
      );
      assertNoneContain(texts, needles, "an answer");
      assertNoneContain(logs, needles, "a log line");
    },
  };
  try {
    await body(harness);
  } finally {
    await stack.close();
  }
}
