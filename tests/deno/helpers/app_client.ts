/**
 * The app's side of the local stack: a real `@supabase/supabase-js` client
 * signed in as a user, the HealthNav client (the committed bundle, as the
 * app ships it) on top of it, and the response schemas to check answers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import { Ajv2020 } from "ajv/dist/2020.js";
import {
  createHealthNavClient,
  type HealthNavClient,
  type HealthNavClientOptions,
} from "../../../client/dist/healthnav-client.js";
import { LOCAL_JWT_SECRET } from "../../../local/local_keys.ts";
import type { LocalStack } from "../../../local/local_stack.ts";

/**
 * The access token the app's Supabase client sends: a signed-in user's
 * session JWT (`sub`, role and audience `authenticated`, one hour), signed
 * like the local stack's keys. The one place that says how the tests
 * authenticate; switch it here when the functions change what they require.
 */
export async function userAccessToken(
  secret: string = LOCAL_JWT_SECRET,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({ role: "authenticated" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(crypto.randomUUID())
    .setAudience("authenticated")
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(secret));
}

/** The app's Supabase client for `url`, sending `token` as the user's session. */
export function appSupabase(
  stack: Pick<LocalStack, "anonKey">,
  url: string,
  token: string,
) {
  return createClient(url, stack.anonKey, {
    global: { headers: { Authorization: `Bearer ${token}` } },
    auth: {
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
    },
  });
}

/** A HealthNav client on a signed-in Supabase client of `stack`. */
export async function appClient(
  stack: LocalStack,
  options: HealthNavClientOptions & { url?: string; token?: string } = {},
): Promise<HealthNavClient> {
  const token = options.token ?? await userAccessToken();
  return createHealthNavClient(
    appSupabase(stack, options.url ?? stack.url, token),
    options,
  );
}

const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
ajv.addKeyword("x-healthnav-not-expressed");

/** Asserts `value` is valid under schema/<slug>.response.schema.json. */
export function assertValidAnswer(slug: string, value: unknown): void {
  const id = `urn:healthnav:schema:${slug}.response`;
  const validate = ajv.getSchema(id) ?? ajv.compile(
    JSON.parse(
      Deno.readTextFileSync(
        new URL(
          `../../../schema/${slug}.response.schema.json`,
          import.meta.url,
        ),
      ),
    ),
  );
  assert.ok(validate(value), JSON.stringify(validate.errors));
}

/** The rejection of `promise`, which must reject. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("the call resolved");
}
