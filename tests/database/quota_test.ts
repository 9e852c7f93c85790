/**
 * `audit.admit_call` through the functions' store: a limit of N admits N
 * calls in a window and refuses the next with a Retry-After to the window's
 * end, counted across two stores with pools of their own (two isolates)
 * sharing one database; concurrent calls never over-admit; callers and
 * functions are counted apart; a window's first call clears the caller's
 * earlier windows, and purge_call_counts clears the rest.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/quota_test.ts
 */
import assert from "node:assert/strict";
import { AuditStoreError } from "../../edge/_shared/audit_store.ts";
import {
  awayFromMinuteEnd,
  databaseTest,
  newCaller,
  withSql,
  withStores,
} from "./databases.ts";

databaseTest(
  "a limit of N admits N calls and refuses call N+1, across two isolates",
  async (db) => {
    await withSql(db, async (sql) => {
      await awayFromMinuteEnd(sql);
      await withStores(db, 2, async ([first, second]) => {
        const caller = newCaller();
        const limit = 5;
        for (let call = 0; call < limit; call++) {
          const store = call % 2 === 0 ? first : second;
          assert.deepEqual(
            await store.admit(caller, "sagemaker-triage", limit),
            {
              allowed: true,
              retryAfterSeconds: 0,
              limit,
            },
            `call ${call + 1}`,
          );
        }
        for (const store of [first, second]) {
          const refused = await store.admit(caller, "sagemaker-triage", limit);
          assert.equal(refused.allowed, false);
          assert.equal(refused.limit, limit);
          assert.ok(
            refused.retryAfterSeconds >= 1 && refused.retryAfterSeconds <= 60,
            `Retry-After ${refused.retryAfterSeconds} is within the minute`,
          );
        }
        // Another caller, and the same caller at another function, count apart.
        assert.equal(
          (await first.admit(newCaller(), "sagemaker-triage", limit)).allowed,
          true,
        );
        assert.equal(
          (await second.admit(caller, "sagemaker-risk-score", limit)).allowed,
          true,
        );
      });
      const [{ calls }] = await sql`
      select sum(calls)::int as calls from audit.call_counts where function = 'sagemaker-triage'
    `;
      assert.equal(calls, 6, "refused calls are not counted");
    });
  },
);

databaseTest(
  "50 simultaneous calls under a limit of 10 admit exactly 10",
  async (db) => {
    await withSql(db, async (sql) => {
      await awayFromMinuteEnd(sql);
      await withStores(db, 2, async (stores) => {
        const caller = newCaller();
        const decisions = await Promise.all(
          Array.from(
            { length: 50 },
            (_, call) =>
              stores[call % 2].admit(caller, "sagemaker-image-analysis", 10),
          ),
        );
        assert.equal(decisions.filter((d) => d.allowed).length, 10);
        assert.equal(decisions.filter((d) => !d.allowed).length, 40);
      });
    });
  },
);

databaseTest(
  "a window's first call clears the caller's earlier windows; purge_call_counts the rest",
  async (db) => {
    await withSql(db, async (sql) => {
      await awayFromMinuteEnd(sql);
      const [caller, departed] = [newCaller(), newCaller()];
      await sql`
      insert into audit.call_counts (caller_id, function, window_start, calls)
      values
        (${caller}, 'sagemaker-triage', date_bin('1 minute', now(), 'epoch') - interval '3 minutes', 7),
        (${caller}, 'sagemaker-risk-score', date_bin('1 minute', now(), 'epoch') - interval '3 minutes', 7),
        (${departed}, 'sagemaker-triage', date_bin('1 minute', now(), 'epoch') - interval '5 minutes', 2)
    `;
      await withStores(db, 1, async ([store]) => {
        assert.equal(
          (await store.admit(caller, "sagemaker-triage", 3)).allowed,
          true,
        );
      });
      const left = await sql`
      select caller_id = ${caller} as is_caller, function, calls
      from audit.call_counts order by window_start, function
    `;
      assert.deepEqual(left.map((r) => [r.is_caller, r.function, r.calls]), [
        [false, "sagemaker-triage", 2],
        [true, "sagemaker-risk-score", 7],
        [true, "sagemaker-triage", 1],
      ]);
      const [{ purged }] =
        await sql`select audit.purge_call_counts() as purged`;
      assert.equal(Number(purged), 2);
      const [{ n }] =
        await sql`select count(*)::int as n from audit.call_counts`;
      assert.equal(n, 1, "the current window stays");
    });
  },
);

databaseTest("a limit below 1 is refused by the database", async (db) => {
  await withStores(db, 1, async ([store]) => {
    await assert.rejects(
      store.admit(newCaller(), "sagemaker-triage", 0),
      (error) => error instanceof AuditStoreError && error.sqlState === "22023",
    );
  });
});
