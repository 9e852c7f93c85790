/**
 * `.env.example` is what an operator copies into `supabase secrets set
 * --env-file`: it names every variable the functions read and no other
 * (a stale name would be set and silently ignored), and its values load as
 * written once the AWS credentials are filled in.
 *
 * Run: deno test --allow-read tests/deno/env_example_test.ts
 */
import assert from "node:assert/strict";
import { ENV, readConfig } from "../../edge/_shared/config.ts";
import {
  DATABASE_ENV,
  readDatabaseSettings,
} from "../../edge/_shared/database_settings.ts";

/** Read by local/serve.ts, not by the functions. */
const LOCAL_ROUTER_ONLY = ["PORT", "SUPABASE_JWT_SECRET"];

function envExample(): Map<string, string> {
  const text = Deno.readTextFileSync(
    new URL("../../.env.example", import.meta.url),
  );
  return new Map(
    [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, name, value]) => [
      name,
      value,
    ]),
  );
}

Deno.test(".env.example names exactly the variables the functions read", () => {
  const read = new Set<string>([
    ...Object.values(ENV).flat(),
    ...Object.values(DATABASE_ENV),
  ]);
  const listed = new Set(envExample().keys());
  const notListed = [...read].filter((name) => !listed.has(name));
  const notRead = [...listed].filter((name) =>
    !read.has(name) && !LOCAL_ROUTER_ONLY.includes(name)
  );
  assert.deepEqual(notListed, [], "read by the functions, missing");
  assert.deepEqual(notRead, [], "listed, but nothing reads them");
});

Deno.test(".env.example's values load as written, with credentials and a project URL filled in", () => {
  const values = envExample();
  values.set("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE01");
  values.set("AWS_SECRET_ACCESS_KEY", "example-secret-access-key");
  values.set("AWS_SESSION_TOKEN", "");
  values.set("SUPABASE_URL", "https://abcdefghijklmnop.supabase.co");
  const config = readConfig((name) => values.get(name));
  assert.equal(config.settings.region, "us-east-1");
  assert.deepEqual(config.settings.allowedBuckets, undefined);
  assert.equal(config.auth.allowAnonymous, false);
  const database = readDatabaseSettings((name) => values.get(name));
  assert.equal(database.connection, null, "no SUPABASE_DB_URL: audit off");
  assert.equal(database.failOpen, false);
});
