/**
 * Retention: `audit.purge_events(older_than)` removes the rows older than
 * the interval and only those, returns how many, and refuses to keep less
 * than a day.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/purge_test.ts
 */
import assert from "node:assert/strict";
import { databaseTest, withSql } from "./databases.ts";

databaseTest(
  "purge_events removes only the rows older than the interval",
  async (db) => {
    await withSql(db, async (sql) => {
      await sql`
      insert into audit.events (occurred_at, request_id, caller_id, function, status, latency_ms)
      values
        (now() - interval '7 years', 'very-old', 'patient-a', 'sagemaker-triage', 200, 5),
        (now() - interval '400 days', 'old', 'patient-a', 'sagemaker-triage', 200, 5),
        (now() - interval '29 days', 'recent', 'patient-b', 'sagemaker-risk-score', 200, 5),
        (now(), 'now', 'patient-a', 'sagemaker-image-analysis', 200, 5)
    `;
      const [{ purged }] = await sql`
      select audit.purge_events(interval '30 days') as purged
    `;
      assert.equal(Number(purged), 2);
      const left =
        await sql`select request_id from audit.events order by occurred_at`;
      assert.deepEqual(left.map((r) => r.request_id), ["recent", "now"]);

      const [{ again }] = await sql`
      select audit.purge_events(interval '30 days') as again
    `;
      assert.equal(Number(again), 0);
    });
  },
);

databaseTest("purge_events refuses to keep less than a day", async (db) => {
  await withSql(db, async (sql) => {
    await sql`
      insert into audit.events (request_id, function, status, latency_ms)
      values ('just-now', 'sagemaker-triage', 200, 5)
    `;
    for (const interval of ["1 hour", "0 seconds", "-1 day"]) {
      await assert.rejects(
        sql`select audit.purge_events(${interval}::interval)`,
        (error: { code?: string }) => error.code === "22023",
        interval,
      );
    }
    const [{ n }] = await sql`select count(*)::int as n from audit.events`;
    assert.equal(n, 1);
  });
});
