/**
 * The embedded PGlite server behaves like a server to several client
 * connections at once, as the local stack's three functions and psql use
 * it: concurrent parameterised queries from two pools each get their own
 * answer (the socket package's own queue mixes them up,
 * electric-sql/pglite#1046); one connection's transaction is not entered
 * by another; a connection that drops mid-transaction is rolled back and
 * lets the others on; past MAX_CONNECTIONS a client gets Postgres's
 * "too many clients" error.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/database/embedded_database_test.ts
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import {
  MAX_CONNECTIONS,
  startEmbeddedDatabase,
} from "../../local/database/embedded_database.ts";
import type { LocalDatabase } from "../../local/database/local_database.ts";

async function withEmbedded(
  body: (db: LocalDatabase) => Promise<void>,
): Promise<void> {
  const db = await startEmbeddedDatabase();
  try {
    await body(db);
  } finally {
    await db.stop();
  }
}

function pool(db: LocalDatabase, max = 3): postgres.Sql {
  return postgres(db.url, { prepare: false, max, onnotice: () => {} });
}

Deno.test("concurrent parameterised queries over six connections each get their own answer", async () => {
  await withEmbedded(async (db) => {
    const pools = [pool(db), pool(db)];
    try {
      const answers = await Promise.all(
        Array.from(
          { length: 300 },
          (_, i) =>
            pools[i % 2]<{ n: number; s: string }[]>`
            select ${i}::int as n, ${"value-" + i}::text as s
          `.then(([row]) => row),
        ),
      );
      answers.forEach((row, i) => {
        assert.deepEqual({ ...row }, { n: i, s: `value-${i}` });
      });
    } finally {
      await Promise.all(pools.map((sql) => sql.end({ timeout: 1 })));
    }
  });
});

Deno.test("one connection's transaction is not entered by another's queries", async () => {
  await withEmbedded(async (db) => {
    const [first, second] = [pool(db, 1), pool(db, 1)];
    try {
      let releaseTransaction = () => {};
      const held = new Promise<void>((resolve) => releaseTransaction = resolve);
      let inTransaction = () => {};
      const started = new Promise<void>((resolve) => inTransaction = resolve);
      const transaction = first.begin(async (tx) => {
        await tx`set local role anon`;
        inTransaction();
        await held;
        return (await tx`select current_user as who`)[0].who;
      });
      await started;
      // Runs once the transaction ends: in it, it would be `anon`.
      const outside = second`select current_user as who`.then(([r]) => r.who);
      releaseTransaction();
      assert.equal(await transaction, "anon");
      assert.equal(await outside, "postgres");
    } finally {
      await Promise.all([first, second].map((sql) => sql.end({ timeout: 1 })));
    }
  });
});

Deno.test("a connection dropped mid-transaction is rolled back and lets the others on", async () => {
  await withEmbedded(async (db) => {
    const dropped = pool(db, 1);
    const other = pool(db, 1);
    try {
      const reserved = await dropped.reserve();
      await reserved`begin`;
      await reserved`
        insert into audit.events (request_id, function, status, latency_ms)
        values ('never-committed', 'sagemaker-triage', 200, 1)
      `;
      await dropped.end({ timeout: 0 });
      const [{ n }] = await other`select count(*)::int as n from audit.events`;
      assert.equal(n, 0);
    } finally {
      await other.end({ timeout: 1 });
    }
  });
});

Deno.test(`past ${MAX_CONNECTIONS} connections a client gets "too many clients" (53300)`, async () => {
  await withEmbedded(async (db) => {
    const port = Number(new URL(db.url).port);
    // Each sends an SSLRequest and reads the server's "N": then it is served.
    const sslRequest = new Uint8Array([0, 0, 0, 8, 4, 210, 22, 47]);
    const open = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS }, async () => {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(sslRequest);
        const answer = new Uint8Array(1);
        assert.equal(await conn.read(answer), 1);
        assert.equal(String.fromCharCode(answer[0]), "N");
        return conn;
      }),
    );
    const extra = pool(db, 1);
    try {
      await assert.rejects(
        extra`select 1`,
        (error: { code?: string }) => error.code === "53300",
      );
    } finally {
      await extra.end({ timeout: 0 });
      for (const conn of open) conn.close();
    }
  });
});
