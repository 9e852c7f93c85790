/**
 * Upstream faults beyond e2e_test.ts (which serves each fault once to
 * triage): `oversized` and `stall` on every function, the deadline measured
 * on the clock (SAGEMAKER_TIMEOUT_MS / SAGEMAKER_DEADLINE_MS small), retries
 * bounded by SAGEMAKER_MAX_ATTEMPTS, faults in sequence (a retryable one then
 * a final one), and stalls under concurrency.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/upstream_faults_test.ts
 */
import assert from "node:assert/strict";
import { type LocalStack, startLocalStack } from "../../local/local_stack.ts";
import type { FaultName } from "../../local/sagemaker_stand_in/mod.ts";
import {
  type Answer,
  send,
  type Slug,
  SLUGS,
  STACK_ENV,
  validPayload,
} from "./bad_input_cases.ts";

/** Endpoint each function calls by default. */
const ENDPOINT: Record<Slug, string> = {
  "sagemaker-triage": "medical-triage-endpoint",
  "sagemaker-image-analysis": "medical-image-classifier",
  "sagemaker-risk-score": "patient-risk-scorer",
};

/**
 * Scheduling noise allowed on top of a computed duration: generous, because
 * CI machines are shared and timers fire late under load.
 */
const SLACK_MS = 1000;

async function withStack(
  env: Record<string, string>,
  body: (stack: LocalStack, logs: string[]) => Promise<void>,
): Promise<void> {
  const logs: string[] = [];
  const stack = await startLocalStack({
    port: 0,
    env: { ...STACK_ENV, ...env },
    log: (line) => logs.push(line),
    // Zero backoff: durations are then the attempts' own.
    deps: { random: () => 0 },
  });
  try {
    await body(stack, logs);
  } finally {
    await stack.close();
  }
}

async function timedCall(
  stack: LocalStack,
  slug: Slug,
): Promise<{ answer: Answer; ms: number }> {
  const token = (await stack.signIn()).access_token;
  const started = performance.now();
  const answer = await send(stack.url, token, slug, {
    body: JSON.stringify(validPayload(slug)),
  });
  return { answer, ms: performance.now() - started };
}

function assertProblem(answer: Answer, status: number, code: string): void {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get("content-type"), "application/problem+json");
  assert.equal(answer.json?.code, code, answer.text);
  assert.equal(answer.json?.request_id, answer.headers.get("x-request-id"));
}

function functionRecord(logs: string[], answer: Answer) {
  const record = logs.map((line) => JSON.parse(line))
    .find((r) =>
      r.msg === "invocation" && r.request_id === answer.json?.request_id
    );
  assert.ok(record, "the function logged the call");
  return record as Record<string, unknown>;
}

/**
 * The stand-in's invocation count once it settles: an attempt the gateway
 * abandoned may still be on its way to the stand-in when the answer arrives.
 */
async function settledInvocations(
  stack: LocalStack,
  expected: number,
): Promise<number> {
  const until = performance.now() + 2000;
  while (stack.standIn.stats().total < expected && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return stack.standIn.stats().total;
}

async function assertRecovers(stack: LocalStack, slug: Slug): Promise<void> {
  stack.standIn.faults.clear();
  const { answer } = await timedCall(stack, slug);
  assert.equal(answer.status, 200, answer.text);
}

for (const slug of SLUGS) {
  Deno.test(`${slug}: a 7 MiB answer → 502 upstream_response_too_large, not retried`, async () => {
    await withStack({}, async (stack, logs) => {
      stack.standIn.faults.inject({ fault: "oversized", times: 5 });
      const { answer, ms } = await timedCall(stack, slug);
      assertProblem(answer, 502, "upstream_response_too_large");
      // Deno 2.1 serves the fault chunked, so 6 MiB are read before the cut.
      assert.ok(ms < 10_000, `${ms} ms`);
      assert.equal(stack.standIn.stats().invocations[ENDPOINT[slug]], 1);
      assert.equal(stack.standIn.faults.pending()[0].remaining, 4);
      assert.equal(functionRecord(logs, answer).attempts, 1);
      await assertRecovers(stack, slug);
    });
  });

  Deno.test(`${slug}: a stalled body is cut by SAGEMAKER_TIMEOUT_MS on each of 3 attempts`, async () => {
    const timeout = 250;
    const env = {
      SAGEMAKER_TIMEOUT_MS: String(timeout),
      SAGEMAKER_DEADLINE_MS: "10000",
    };
    await withStack(env, async (stack, logs) => {
      stack.standIn.faults.inject({ fault: "stall", times: 10 });
      const { answer, ms } = await timedCall(stack, slug);
      assertProblem(answer, 504, "upstream_timeout");
      assert.ok(ms >= 3 * timeout - 10, `${ms} ms is less than 3 attempts`);
      assert.ok(ms <= 3 * timeout + SLACK_MS, `${ms} ms`);
      assert.equal(await settledInvocations(stack, 3), 3);
      assert.deepEqual(Object.keys(stack.standIn.stats().invocations), [
        ENDPOINT[slug],
      ]);
      const record = functionRecord(logs, answer);
      assert.equal(record.attempts, 3);
      assert.equal(record.retries, 2);
      await assertRecovers(stack, slug);
    });
  });
}

Deno.test("SAGEMAKER_DEADLINE_MS shortens the last attempt: the answer comes at the deadline", async () => {
  // 200 + 200 + what is left (100) of a 500 ms budget.
  const env = { SAGEMAKER_TIMEOUT_MS: "200", SAGEMAKER_DEADLINE_MS: "500" };
  await withStack(env, async (stack, logs) => {
    stack.standIn.faults.inject({ fault: "stall", times: 10 });
    const { answer, ms } = await timedCall(stack, "sagemaker-risk-score");
    assertProblem(answer, 504, "upstream_timeout");
    assert.ok(ms >= 480, `${ms} ms: the budget was not used`);
    assert.ok(ms <= 500 + SLACK_MS, `${ms} ms: the deadline was overrun`);
    // Three unless timers fired late enough to leave no budget for a third.
    const { attempts } = functionRecord(logs, answer) as { attempts: number };
    assert.ok(attempts >= 2 && attempts <= 3, `${attempts} attempts`);
    assert.equal(await settledInvocations(stack, attempts), attempts);
  });
});

Deno.test("a slow answer beyond the deadline is abandoned at the deadline", async () => {
  const env = { SAGEMAKER_TIMEOUT_MS: "300", SAGEMAKER_DEADLINE_MS: "300" };
  await withStack(env, async (stack) => {
    stack.standIn.faults.inject({ fault: "slow", delayMs: 5000, times: 3 });
    const { answer, ms } = await timedCall(stack, "sagemaker-image-analysis");
    assertProblem(answer, 504, "upstream_timeout");
    assert.ok(ms <= 300 + SLACK_MS, `${ms} ms`);
    assert.equal(stack.standIn.stats().total, 1);
  });
});

for (const attempts of [1, 2, 5]) {
  Deno.test(`SAGEMAKER_MAX_ATTEMPTS=${attempts} bounds retries of throttling and stalls`, async () => {
    const env = {
      SAGEMAKER_MAX_ATTEMPTS: String(attempts),
      SAGEMAKER_TIMEOUT_MS: "200",
    };
    await withStack(env, async (stack, logs) => {
      stack.standIn.faults.inject({ fault: "throttling", times: 20 });
      const throttled = await timedCall(stack, "sagemaker-triage");
      assertProblem(throttled.answer, 429, "throttled");
      assert.equal(throttled.answer.headers.get("retry-after"), "1");
      assert.equal(stack.standIn.stats().total, attempts);
      assert.equal(functionRecord(logs, throttled.answer).attempts, attempts);

      stack.standIn.faults.clear();
      stack.standIn.resetStats();
      stack.standIn.faults.inject({ fault: "stall", times: 20 });
      const stalled = await timedCall(stack, "sagemaker-triage");
      assertProblem(stalled.answer, 504, "upstream_timeout");
      assert.equal(await settledInvocations(stack, attempts), attempts);
      assert.ok(stalled.ms <= attempts * 200 + SLACK_MS, `${stalled.ms} ms`);
      await assertRecovers(stack, "sagemaker-triage");
    });
  });
}

interface Sequence {
  faults: FaultName[];
  status: number;
  code: string;
  attempts: number;
}

// The queue serves faults in order, one per attempt: a retryable fault is
// followed by the next, and a non-retryable one ends the call.
const SEQUENCES: Sequence[] = [
  {
    faults: ["stall", "oversized"],
    status: 502,
    code: "upstream_response_too_large",
    attempts: 2,
  },
  {
    faults: ["drop", "malformed"],
    status: 502,
    code: "invalid_model_output",
    attempts: 2,
  },
  {
    faults: ["throttling", "truncated", "model_error"],
    status: 502,
    code: "model_error",
    attempts: 3,
  },
  { faults: ["stall", "throttling"], status: 200, code: "", attempts: 3 },
  {
    faults: ["oversized", "drop", "stall"],
    status: 502,
    code: "upstream_response_too_large",
    attempts: 1,
  },
  {
    faults: ["service_unavailable", "drop", "stall"],
    status: 504,
    code: "upstream_timeout",
    attempts: 3,
  },
];

for (const { faults, status, code, attempts } of SEQUENCES) {
  Deno.test(`faults in sequence ${faults.join(" → ")} → ${status} ${code} after ${attempts} attempts`, async () => {
    // An attempt must outlast reading 6 MiB of `oversized` on a busy machine.
    await withStack({ SAGEMAKER_TIMEOUT_MS: "1500" }, async (stack, logs) => {
      for (const fault of faults) stack.standIn.faults.inject({ fault });
      const { answer } = await timedCall(stack, "sagemaker-triage");
      if (status === 200) {
        assert.equal(answer.status, 200, answer.text);
      } else {
        assertProblem(answer, status, code);
        assert.equal(functionRecord(logs, answer).attempts, attempts);
      }
      assert.equal(await settledInvocations(stack, attempts), attempts);
      assert.equal(
        stack.standIn.faults.pending().length,
        faults.length - Math.min(attempts, faults.length),
      );
      await assertRecovers(stack, "sagemaker-triage");
    });
  });
}

Deno.test("24 concurrent stalled calls all end at the deadline, none waits for another", async () => {
  const env = { SAGEMAKER_TIMEOUT_MS: "250", SAGEMAKER_DEADLINE_MS: "600" };
  await withStack(env, async (stack, logs) => {
    stack.standIn.faults.inject({ fault: "stall", times: 1000 });
    const started = performance.now();
    const calls = await Promise.all(
      Array.from({ length: 24 }, (_, i) => timedCall(stack, SLUGS[i % 3])),
    );
    const wall = performance.now() - started;
    for (const { answer, ms } of calls) {
      assertProblem(answer, 504, "upstream_timeout");
      assert.ok(ms <= 600 + SLACK_MS, `${ms} ms`);
      // 250 + 250 + 100 ms: three attempts, fewer if timers fire late.
      const { attempts } = functionRecord(logs, answer) as { attempts: number };
      assert.ok(attempts >= 1 && attempts <= 3, `${attempts} attempts`);
    }
    // One after the other they would take 24 × 600 ms.
    assert.ok(wall <= 600 + SLACK_MS, `${wall} ms for all`);
    assert.ok(await settledInvocations(stack, 72) <= 72);
    await assertRecovers(stack, "sagemaker-risk-score");
  });
});
