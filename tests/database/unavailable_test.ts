/**
 * When the database cannot be used, `admit` and `record` throw
 * `DatabaseUnavailable` within the configured timeout, so a function can
 * answer 503 (or, with AUDIT_FAIL_OPEN, go on): a database stopped under a
 * store that was using it, a server that accepts connections and never
 * answers, and (Debian's server, which checks passwords) a refused login.
 * No message holds the URL or its password.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/unavailable_test.ts
 */
import assert from "node:assert/strict";
import {
  type AuditEvent,
  connectAuditStore,
  DatabaseUnavailable,
  type UnavailableReason,
} from "../../edge/_shared/audit_store.ts";
import {
  DATABASES,
  databaseTest,
  newCaller,
  storeSettings,
  withStores,
} from "./databases.ts";

const QUERY_TIMEOUT_MS = 1_500;
/** Scheduling slack on a loaded machine; the bound under test is the timeout. */
const SLACK_MS = 1_000;

function event(): AuditEvent {
  return {
    requestId: crypto.randomUUID(),
    callerId: newCaller(),
    functionName: "sagemaker-triage",
    endpoint: "medical-triage-endpoint",
    variant: null,
    status: 200,
    errorCode: null,
    latencyMs: 10,
    attempts: 1,
    redFlags: [],
    batchSize: null,
    refusedSlots: null,
  };
}

/** Asserts that `call` throws DatabaseUnavailable within the timeout. */
async function assertUnavailable(
  call: () => Promise<unknown>,
  secrets: string[],
  reasons: UnavailableReason[],
): Promise<void> {
  const started = performance.now();
  const error = await call().then(
    () => assert.fail("the call succeeded"),
    (error) => error,
  );
  const elapsed = performance.now() - started;
  assert.ok(error instanceof DatabaseUnavailable, String(error));
  assert.ok(reasons.includes(error.reason), error.reason);
  assert.ok(
    elapsed < QUERY_TIMEOUT_MS + SLACK_MS,
    `threw after ${Math.round(elapsed)} ms`,
  );
  for (const secret of secrets) {
    assert.ok(!error.message.includes(secret), "the message holds a secret");
    assert.ok(
      !String(error.stack).includes(secret),
      "the stack holds a secret",
    );
  }
}

databaseTest(
  "a database stopped under a store makes admit and record throw DatabaseUnavailable in time",
  async (db) => {
    const url = new URL(db.url);
    const secrets = [db.url, url.host, url.password].filter(Boolean);
    await withStores(db, 1, async ([store]) => {
      assert.equal(
        (await store.admit(newCaller(), "sagemaker-triage", 5)).allowed,
        true,
      );
      await store.record(event());
      await db.stop();
      await assertUnavailable(
        () => store.admit(newCaller(), "sagemaker-triage", 5),
        secrets,
        ["unreachable", "refused"],
      );
      await assertUnavailable(
        () => store.record(event()),
        secrets,
        ["unreachable", "refused"],
      );
    }, { queryTimeoutMs: QUERY_TIMEOUT_MS, connectTimeoutMs: 1_000 });
  },
);

Deno.test("a server that accepts connections and never answers times out", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  const { port } = listener.addr as Deno.NetAddr;
  const password = "silent-server-password-9d2f";
  const store = connectAuditStore({
    ...storeSettings({
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      kind: "postgres",
      stop: () => Promise.resolve(),
    }),
    queryTimeoutMs: QUERY_TIMEOUT_MS,
    connectTimeoutMs: 10_000,
  });
  try {
    await assertUnavailable(
      () => store.admit(newCaller(), "sagemaker-triage", 5),
      [password],
      ["timeout"],
    );
    await assertUnavailable(() => store.record(event()), [password], [
      "timeout",
    ]);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
    await store.close();
  }
});

const debian = DATABASES.find((database) => database.name === "postgres")!;
Deno.test("a refused login is DatabaseUnavailable, and the password is not in the message [postgres]", async () => {
  const db = await debian.start();
  try {
    const url = new URL(db.url);
    url.password = "wrong-password-3c1e";
    const store = connectAuditStore({
      ...storeSettings(db, { queryTimeoutMs: QUERY_TIMEOUT_MS }),
      url: url.href,
    });
    try {
      await assertUnavailable(
        () => store.admit(newCaller(), "sagemaker-triage", 5),
        ["wrong-password-3c1e", new URL(db.url).password],
        ["refused"],
      );
    } finally {
      await store.close();
    }
  } finally {
    await db.stop();
  }
});
