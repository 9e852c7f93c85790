/**
 * The app's side of the local stack: a real `@supabase/supabase-js` client
 * signed in as a user, the HealthNav client (the committed bundle, as the
 * app ships it) on top of it, and the response schemas to check answers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { Ajv2020 } from "ajv/dist/2020.js";
import {
  createHealthNavClient,
  type HealthNavClient,
  type HealthNavClientOptions,
} from "../../../client/dist/healthnav-client.js";
import type { LocalStack } from "../../../local/local_stack.ts";

/**
 * The access token the app's Supabase client sends after the patient signs
 * in: an ES256 session token from the local stack's auth stand-in. The one
 * place that says how the tests authenticate.
 */
export async function userAccessToken(stack: LocalStack): Promise<string> {
  return (await stack.signIn()).access_token;
}

/** The app's Supabase client for `url`, sending `token` as the user's session. */
export function appSupabase(
  stack: Pick<LocalStack, "publishableKey">,
  url: string,
  token: string,
) {
  return createClient(url, stack.publishableKey, {
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
  const token = options.token ?? await userAccessToken(stack);
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
