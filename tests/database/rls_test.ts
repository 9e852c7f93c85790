/**
 * Supabase's API roles cannot read or write the audit schema. Each role is
 * taken the way the Data API takes it, `SET LOCAL ROLE` inside a
 * transaction (on PGlite every connection is its superuser, on Debian's
 * server the login is a `postgres` that is a member of the API roles, as on
 * Supabase), and every attempt is refused with Postgres's own error.
 *
 * Privileges are the first wall; row level security is the second: even
 * after a mistaken GRANT, an API role sees no row and can insert none,
 * because RLS is on and no policy lets it in.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/rls_test.ts
 */
import assert from "node:assert/strict";
import type postgres from "postgres";
import { API_ROLES } from "../../local/database/supabase_roles.ts";
import { databaseTest, withSql } from "./databases.ts";

const INSUFFICIENT_PRIVILEGE = "42501";

/** Runs `statement` as `role` and returns the SQLSTATE it failed with. */
async function failureAs(
  sql: postgres.Sql,
  role: string,
  statement: string,
): Promise<string> {
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe(`set local role ${role}`);
      await tx.unsafe(statement);
    });
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return "succeeded";
}

const ATTEMPTS = [
  "select * from audit.events",
  "select count(*) from audit.call_counts",
  `insert into audit.events (request_id, function, status, latency_ms)
     values ('rls-probe', 'sagemaker-triage', 200, 1)`,
  "update audit.events set status = 500",
  "delete from audit.events",
  "insert into audit.call_counts values ('x', 'sagemaker-triage', now(), 1)",
  "select * from audit.admit_call('someone', 'sagemaker-triage', 100)",
  "select audit.purge_events(interval '1 day')",
  "select audit.purge_call_counts()",
];

databaseTest(
  "anon, authenticated and service_role can neither read nor write the audit schema",
  async (db) => {
    await withSql(db, async (sql) => {
      await sql`
      insert into audit.events (request_id, caller_id, function, status, latency_ms)
      values ('existing-row', 'some-patient', 'sagemaker-triage', 200, 12)
    `;
      for (const role of API_ROLES) {
        for (const statement of ATTEMPTS) {
          assert.equal(
            await failureAs(sql, role, statement),
            INSUFFICIENT_PRIVILEGE,
            `${role}: ${statement}`,
          );
        }
      }
      const [{ n }] = await sql`select count(*)::int as n from audit.events`;
      assert.equal(n, 1, "the row is still there, and only it");
    });
  },
);

databaseTest(
  "after a mistaken grant, RLS still shows anon and authenticated no row and takes none",
  async (db) => {
    await withSql(db, async (sql) => {
      await sql`
      insert into audit.events (request_id, caller_id, function, status, latency_ms)
      values ('existing-row', 'some-patient', 'sagemaker-triage', 200, 12)
    `;
      for (const role of ["anon", "authenticated"]) {
        const seen = await sql.begin(async (tx) => {
          await tx.unsafe(`grant usage on schema audit to ${role}`);
          await tx.unsafe(`grant select, insert on audit.events to ${role}`);
          await tx.unsafe(`set local role ${role}`);
          const rows = await tx`select * from audit.events`;
          // Rolled back below: the grants never outlive the transaction.
          await tx.unsafe("reset role");
          await tx.unsafe(`revoke all on audit.events from ${role}`);
          await tx.unsafe(`revoke usage on schema audit from ${role}`);
          return rows.length;
        });
        assert.equal(seen, 0, `${role} sees no row`);
        const insertError = await (async () => {
          try {
            await sql.begin(async (tx) => {
              await tx.unsafe(`grant usage on schema audit to ${role}`);
              await tx.unsafe(`grant insert on audit.events to ${role}`);
              await tx.unsafe(`set local role ${role}`);
              await tx`
              insert into audit.events (request_id, function, status, latency_ms)
              values ('rls-probe', 'sagemaker-triage', 200, 1)
            `;
            });
            return "succeeded";
          } catch (error) {
            return `${(error as { code?: string }).code}: ${
              (error as Error).message
            }`;
          }
        })();
        assert.match(
          insertError,
          /^42501: new row violates row-level security policy/,
          role,
        );
      }
      const grants = await sql`
      select count(*)::int as n from information_schema.role_table_grants
      where table_schema = 'audit' and grantee in ('anon', 'authenticated', 'service_role', 'PUBLIC')
    `;
      assert.equal(grants[0].n, 0, "no grant was left behind");
    });
  },
);
