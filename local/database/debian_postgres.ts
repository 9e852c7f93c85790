/**
 * A throwaway PostgreSQL server from Debian's `postgresql` package, for the
 * tests: `initdb` in a temporary folder, started on 127.0.0.1 with a free
 * port and no Unix socket, roles as on Supabase, migrations applied as
 * `postgres`; `stop()` stops it and removes the folder.
 *
 * As on Supabase, the bootstrap superuser is `supabase_admin` and `postgres`
 * is a password login that is not a superuser but bypasses RLS, so the
 * migrations are shown to apply with the privileges `supabase db push` has.
 *
 * Postgres refuses to run as root; as root the server's commands run as the
 * package's `postgres` OS user (`runuser -u postgres --`).
 *
 * @module
 */
import postgres from "postgres";
import type { LocalDatabase } from "./local_database.ts";
import { applyMigrations, readMigrations } from "./migrations.ts";
import {
  SUPABASE_API_ROLES_SQL,
  supabasePostgresRoleSql,
} from "./supabase_roles.ts";

/** Where Debian installs each major version's server binaries. */
const DEBIAN_POSTGRESQL_LIB = "/usr/lib/postgresql";

/** The newest installed server's bin folder, or null when none is. */
export function findPostgresBinDir(): string | null {
  let newest: { major: number; dir: string } | null = null;
  try {
    for (const entry of Deno.readDirSync(DEBIAN_POSTGRESQL_LIB)) {
      const major = Number(entry.name);
      const dir = `${DEBIAN_POSTGRESQL_LIB}/${entry.name}/bin`;
      if (!Number.isInteger(major) || !exists(`${dir}/initdb`)) continue;
      if (!newest || major > newest.major) newest = { major, dir };
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return newest?.dir ?? null;
}

/** How the server writes. */
export interface DebianPostgresOptions {
  /**
   * Keep Postgres's durable defaults (fsync, synchronous commit, full page
   * writes), as a production server runs: the benchmark's choice. Off by
   * default: the tests need correctness, not durability, and run faster.
   */
  durable?: boolean;
}

/** Initialises, starts and prepares a server; see the module doc. */
export async function startDebianPostgres(
  options: DebianPostgresOptions = {},
): Promise<LocalDatabase> {
  const bin = findPostgresBinDir();
  if (!bin) {
    throw new Error(
      "Debian's PostgreSQL server is not installed: apt-get install postgresql (scripts/install_tools.sh test does)",
    );
  }
  // `id -u` rather than Deno.uid(): that one needs --allow-sys besides --allow-run.
  const asRoot = (await run(["id", "-u"])).trim() === "0";
  const asServerUser = asRoot ? ["runuser", "-u", "postgres", "--"] : [];
  const dir = asServerUser.length
    ? (await run([
      ...asServerUser,
      "mktemp",
      "-d",
      "-t",
      "healthnav-pg-XXXXXX",
    ]))
      .trim()
    : await Deno.makeTempDir({ prefix: "healthnav-pg-" });
  const data = `${dir}/data`;
  let started = false;
  let removed = false;
  // Idempotent: a test may stop the server itself before its harness does.
  const stop = async () => {
    if (started) {
      started = false;
      await run([
        ...asServerUser,
        `${bin}/pg_ctl`,
        "stop",
        "-D",
        data,
        "-m",
        "fast",
        "-w",
      ]);
    }
    if (!removed) {
      removed = true;
      await Deno.remove(dir, { recursive: true });
    }
  };
  try {
    const adminPassword = randomPassword();
    const password = randomPassword();
    // Readable by the server user through its own 0700 folder only.
    await Deno.writeTextFile(`${dir}/pwfile`, adminPassword, { mode: 0o644 });
    await run([
      ...asServerUser,
      `${bin}/initdb`,
      "-D",
      data,
      "-U",
      "supabase_admin",
      `--pwfile=${dir}/pwfile`,
      "--auth-host=scram-sha-256",
      "--auth-local=peer",
      "--encoding=UTF8",
      "--no-locale",
      "--no-sync",
    ]);
    await Deno.remove(`${dir}/pwfile`);
    const port = freePort();
    await Deno.writeTextFile(
      `${data}/postgresql.conf`,
      [
        "",
        "# healthnav test server",
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        "unix_socket_directories = ''",
        "max_connections = 60",
        ...(options.durable ? [] : [
          "fsync = off",
          "synchronous_commit = off",
          "full_page_writes = off",
        ]),
        "",
      ].join("\n"),
      { append: true },
    );
    await run([
      ...asServerUser,
      `${bin}/pg_ctl`,
      "start",
      "-D",
      data,
      "-w",
      "-t",
      "60",
      "-l",
      `${dir}/server.log`,
    ]);
    started = true;

    const admin = postgres({
      host: "127.0.0.1",
      port,
      database: "postgres",
      username: "supabase_admin",
      password: adminPassword,
      max: 1,
      onnotice: () => {},
    });
    try {
      await admin.unsafe(supabasePostgresRoleSql(password));
      await admin.unsafe(SUPABASE_API_ROLES_SQL);
    } finally {
      await admin.end({ timeout: 1 });
    }
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    const sql = postgres(url, { prepare: false, max: 1, onnotice: () => {} });
    try {
      await applyMigrations(sql, await readMigrations());
    } finally {
      await sql.end({ timeout: 1 });
    }
    return { url, kind: "postgres", stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

async function run(command: string[]): Promise<string> {
  const [program, ...args] = command;
  const output = await new Deno.Command(program, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const stderr = new TextDecoder().decode(output.stderr).trim();
    throw new Error(
      `${
        args.find((arg) => arg.startsWith("/")) ?? program
      } failed (exit ${output.code}): ${stderr}`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function randomPassword(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(18)),
    (byte) => byte.toString(16).padStart(2, "0"),
  ).join("");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
