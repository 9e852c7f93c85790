/**
 * The migrations apply from zero, on both databases, with the privileges
 * `supabase db push` has (on Debian's server as a `postgres` that is not a
 * superuser), and create what the audit trail and the quotas need. Applied
 * again they change nothing, as the CLI skips recorded versions; a file run
 * a second time by hand is refused whole.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/migrations_test.ts
 */
import assert from "node:assert/strict";
import {
  applyMigrations,
  readMigrations,
} from "../../local/database/migrations.ts";
import { databaseTest, withSql } from "./databases.ts";

databaseTest("the migrations apply from zero and are recorded", async (db) => {
  const migrations = await readMigrations();
  assert.deepEqual(
    migrations.map((m) => m.name),
    ["audit_events", "caller_quotas"],
  );
  await withSql(db, async (sql) => {
    const recorded = await sql`
      select version from supabase_migrations.schema_migrations order by version
    `;
    assert.deepEqual(
      recorded.map((row) => row.version),
      migrations.map((m) => m.version),
    );

    const columns = await sql`
      select column_name, data_type from information_schema.columns
      where table_schema = 'audit' and table_name = 'events'
      order by ordinal_position
    `;
    assert.deepEqual(columns.map((c) => `${c.column_name} ${c.data_type}`), [
      "id bigint",
      "occurred_at timestamp with time zone",
      "request_id text",
      "caller_id text",
      "function text",
      "endpoint text",
      "variant text",
      "status smallint",
      "error_code text",
      "latency_ms integer",
      "attempts smallint",
      "red_flags ARRAY",
      "batch_size smallint",
      "refused_slots ARRAY",
    ]);

    const tables = await sql`
      select relname, relrowsecurity, relforcerowsecurity
      from pg_class where relnamespace = 'audit'::regnamespace and relkind = 'r'
      order by relname
    `;
    assert.deepEqual(
      tables.map((t) => [t.relname, t.relrowsecurity, t.relforcerowsecurity]),
      [["call_counts", true, true], ["events", true, true]],
    );
    const policies = await sql`
      select count(*)::int as n from pg_policies where schemaname = 'audit'
    `;
    assert.equal(policies[0].n, 0, "no policy lets any API role in");

    const [index] = await sql`
      select pg_get_indexdef(indexrelid) as definition from pg_index
      where indexrelid = 'audit.events_caller_time'::regclass
    `;
    assert.match(index.definition, /\(caller_id, occurred_at\)/);

    const functions = await sql`
      select p.proname, p.prosecdef, p.proconfig
      from pg_proc p where p.pronamespace = 'audit'::regnamespace
      order by p.proname
    `;
    assert.deepEqual(
      functions.map((f) => [f.proname, f.prosecdef, f.proconfig]),
      [
        ["admit_call", false, ['search_path=""']],
        ["all_match", false, ['search_path=""']],
        ["purge_call_counts", false, ['search_path=""']],
        ["purge_events", false, ['search_path=""']],
      ],
    );
  });
});

databaseTest(
  "applied again, the migrations change nothing; a file run twice by hand is refused whole",
  async (db) => {
    await withSql(db, async (sql) => {
      const migrations = await readMigrations();
      assert.deepEqual(await applyMigrations(sql, migrations), []);

      const before =
        await sql`select count(*)::int as n from pg_class where relnamespace = 'audit'::regnamespace`;
      await assert.rejects(
        sql.begin((tx) => tx.unsafe(migrations[0].sql)),
        (error: { code?: string }) => error.code === "42P06", // duplicate_schema
      );
      const after =
        await sql`select count(*)::int as n from pg_class where relnamespace = 'audit'::regnamespace`;
      assert.equal(after[0].n, before[0].n);
    });
  },
);
