/**
 * `deno task dev` needs no Postgres install: it runs the embedded database
 * with the task's own permissions, prints its URL on a line beginning
 * `database: postgres://`, and psql (Debian's client) reads `audit.events`
 * there as printed.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read --allow-run tests/database/dev_database_test.ts
 */
import assert from "node:assert/strict";
import { startDevCommand } from "../deno/helpers/dev_command.ts";

const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** `deno task dev`'s command line, run by this test's Deno. */
function devCommand(): string[] {
  const config = JSON.parse(Deno.readTextFileSync(`${REPO_ROOT}deno.json`));
  const [deno, ...args] = (config.tasks.dev as string).split(/\s+/);
  assert.equal(deno, "deno");
  return [Deno.execPath(), ...args];
}

Deno.test("deno task dev prints its database's URL, and psql reads audit.events there", async () => {
  const [program, ...args] = devCommand();
  const dev = await startDevCommand(program, args, {
    cwd: REPO_ROOT,
    env: { PORT: "0" },
  });
  try {
    const printed = dev.printed;
    const line = printed.split("\n").find((l) => l.startsWith("database: "));
    assert.ok(line, "a line begins with 'database: '");
    const url = line.split(/\s+/)[1];
    assert.match(url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);

    const psql = await new Deno.Command("psql", {
      args: [
        url,
        "--no-psqlrc",
        "--tuples-only",
        "--no-align",
        "-c",
        "select count(*) from audit.events",
        "-c",
        "select version from supabase_migrations.schema_migrations order by 1",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(psql.stderr);
    assert.ok(psql.success, stderr);
    const lines = new TextDecoder().decode(psql.stdout).trim().split("\n");
    assert.equal(lines[0], "0", "audit.events is there, empty");
    assert.ok(lines.length >= 3, "every migration is recorded");
  } finally {
    await dev.stop();
  }
});
