/**
 * Applies `supabase/migrations/*.sql` in file-name order, as `supabase db
 * push` does: each file once, in its own transaction, recorded by version
 * in `supabase_migrations.schema_migrations`, so applying again skips what
 * is there and a failing file leaves nothing behind.
 *
 * @module
 */
import type { Sql } from "postgres";

/** The repository's migrations folder. */
export const MIGRATIONS_DIR = new URL(
  "../../supabase/migrations/",
  import.meta.url,
);

/** One migration file, named `<version>_<name>.sql` as the CLI names them. */
export interface Migration {
  version: string;
  name: string;
  sql: string;
}

/** The migrations in the folder, in the order they apply. */
export async function readMigrations(
  dir: URL = MIGRATIONS_DIR,
): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = /^(\d{14})_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    migrations.push({
      version: match[1],
      name: match[2],
      sql: await Deno.readTextFile(new URL(entry.name, dir)),
    });
  }
  return migrations.sort((a, b) => a.version.localeCompare(b.version));
}

/** Applies the migrations not yet recorded; returns the versions applied. */
export async function applyMigrations(
  sql: Sql,
  migrations: Migration[],
): Promise<string[]> {
  await sql.unsafe(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key,
      statements text[],
      name text
    );
  `);
  const applied = new Set(
    (await sql<{ version: string }[]>`
      select version from supabase_migrations.schema_migrations
    `).map((row) => row.version),
  );
  const done: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await sql.begin(async (tx) => {
      await tx.unsafe(migration.sql);
      await tx`
        insert into supabase_migrations.schema_migrations (version, statements, name)
        values (${migration.version}, ${[migration.sql]}, ${migration.name})
      `;
    });
    done.push(migration.version);
  }
  return done;
}
