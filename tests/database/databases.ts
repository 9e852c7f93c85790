/**
 * The databases every test in this folder runs on: the embedded PGlite that
 * `deno task dev` uses, and a throwaway server from Debian's PostgreSQL
 * package, each with Supabase's roles and the migrations applied. Each test
 * gets a database of its own and stops it afterwards.
 *
 * @module
 */
import postgres from "postgres";
import { startDebianPostgres } from "../../local/database/debian_postgres.ts";
import { startEmbeddedDatabase } from "../../local/database/embedded_database.ts";
import type { LocalDatabase } from "../../local/database/local_database.ts";
import {
  type AuditStore,
  connectAuditStore,
} from "../../edge/_shared/audit_store.ts";
import type { DatabaseConnectionSettings } from "../../edge/_shared/database_settings.ts";

/** The two servers, by the name test titles carry. */
export const DATABASES: readonly {
  name: LocalDatabase["kind"];
  start(): Promise<LocalDatabase>;
}[] = [
  { name: "pglite", start: () => startEmbeddedDatabase() },
  { name: "postgres", start: () => startDebianPostgres() },
];

/** Registers `body` once per database, as "<title> [pglite]" and "[postgres]". */
export function databaseTest(
  title: string,
  body: (db: LocalDatabase) => Promise<void>,
): void {
  for (const database of DATABASES) {
    Deno.test(`${title} [${database.name}]`, async () => {
      const db = await database.start();
      try {
        await body(db);
      } finally {
        await db.stop();
      }
    });
  }
}

/** An operator's connection (the `postgres` role), closed by {@link withSql}. */
export async function withSql<T>(
  db: LocalDatabase,
  body: (sql: postgres.Sql) => Promise<T>,
): Promise<T> {
  const sql = postgres(db.url, { prepare: false, max: 2, onnotice: () => {} });
  try {
    return await body(sql);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The store's settings for a test: the isolate defaults, or `overrides`. */
export function storeSettings(
  db: LocalDatabase,
  overrides: Partial<DatabaseConnectionSettings> = {},
): DatabaseConnectionSettings {
  return {
    url: db.url,
    poolMax: 3,
    connectTimeoutMs: 2_000,
    queryTimeoutMs: 5_000,
    idleTimeoutMs: 20_000,
    ...overrides,
  };
}

/** Runs `body` with stores of their own pools (two "isolates"), closing them after. */
export async function withStores<T>(
  db: LocalDatabase,
  count: number,
  body: (stores: AuditStore[]) => Promise<T>,
  overrides: Partial<DatabaseConnectionSettings> = {},
): Promise<T> {
  const stores = Array.from(
    { length: count },
    () => connectAuditStore(storeSettings(db, overrides)),
  );
  try {
    return await body(stores);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

/**
 * Waits, if needed, until the database clock is at least `margin` seconds
 * before the end of its minute, so that a test's calls share one quota
 * window.
 */
export async function awayFromMinuteEnd(
  sql: postgres.Sql,
  margin = 15,
): Promise<void> {
  const [{ second }] = await sql<{ second: number }[]>`
    select extract(second from now())::float8 as second
  `;
  if (second > 60 - margin) {
    await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
  }
}

/** A random caller id of the `sub` kind. */
export function newCaller(): string {
  return crypto.randomUUID();
}
