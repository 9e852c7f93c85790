/**
 * The roles a Supabase project's database has, as far as row level security
 * and grants depend on them, so that the local databases refuse what
 * Supabase refuses. From supabase/postgres's initial schema and role tests:
 *
 * - `anon` and `authenticated`: NOLOGIN, no BYPASSRLS; the Data API switches
 *   to them per request (`SET LOCAL ROLE`) through `authenticator`.
 * - `service_role`: NOLOGIN with BYPASSRLS.
 * - `authenticator`: LOGIN NOINHERIT, member of the three.
 * - `postgres`: the login that migrations and SUPABASE_DB_URL use. Not a
 *   superuser on Supabase, but CREATEROLE, CREATEDB, REPLICATION and
 *   BYPASSRLS, and a member of the three API roles.
 *
 * @module
 */

/** The API roles, which must never reach the audit schema. */
export const API_ROLES = ["anon", "authenticated", "service_role"] as const;

/** Creates the API roles and `authenticator`; `postgres` must exist. */
export const SUPABASE_API_ROLES_SQL = `
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit;
grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to postgres;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
`;

/**
 * Supabase's `postgres`, for a server whose bootstrap superuser has another
 * name: a login that is not a superuser, owns the database and bypasses RLS.
 */
export function supabasePostgresRoleSql(password: string): string {
  const literal = `'${password.replaceAll("'", "''")}'`;
  return `
create role postgres login createrole createdb replication bypassrls password ${literal};
alter database postgres owner to postgres;
`;
}
