/**
 * Local development keys, the ones the Supabase CLI gives `supabase start`,
 * so the local stack accepts the keys a developer already has from the CLI:
 * the legacy anon and service_role JWTs (HS256, the CLI's public local
 * secret) and the new-style publishable and secret API keys.
 *
 * @module
 */

import { SignJWT } from "jose";
/** Roles a Supabase key or user session carries in its `role` claim. */
export type SupabaseRole = "anon" | "authenticated" | "service_role";

/**
 * The Supabase CLI's documented default local JWT secret. Public knowledge:
 * tokens signed with it prove nothing outside a local stack.
 */
export const LOCAL_JWT_SECRET =
  "super-secret-jwt-token-with-at-least-32-characters-long";

/** Issuer the CLI puts in its local demo keys. */
export const LOCAL_ISSUER = "supabase-demo";

/**
 * Expiry of the CLI's demo keys (2032-11-12T20:16:36Z). Fixed rather than
 * relative so the keys are byte-identical across restarts and machines.
 */
export const LOCAL_KEY_EXPIRES_AT = 1983812996;

/** Options of {@link mintKey}. */
export interface MintKeyOptions {
  /** Lifetime from `iat`; negative values mint already-expired keys. Default 3600. */
  expiresInSeconds?: number;
  /** Clock in milliseconds since the epoch, like `Date.now` (for tests). */
  now?: () => number;
}

const encoder = new TextEncoder();

/**
 * Mints an HS256 key `{ iss: "supabase-demo", role, iat, exp }` signed with
 * `secret`, header `{ alg: "HS256", typ: "JWT" }`.
 */
export async function mintKey(
  secret: string,
  role: SupabaseRole,
  options: MintKeyOptions = {},
): Promise<string> {
  if (secret.length === 0) throw new TypeError("JWT secret must not be empty");
  const { expiresInSeconds = 3600, now = Date.now } = options;
  const iat = Math.floor(now() / 1000);
  return await new SignJWT({ iss: LOCAL_ISSUER, role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(iat)
    .setExpirationTime(iat + expiresInSeconds)
    .sign(encoder.encode(secret));
}

// The CLI's demo keys carry no `iat` and a fixed `exp`; reproducing that exact
// shape makes localAnonKey(LOCAL_JWT_SECRET) equal the key the CLI prints.
async function demoKey(secret: string, role: SupabaseRole): Promise<string> {
  if (secret.length === 0) throw new TypeError("JWT secret must not be empty");
  return await new SignJWT({
    iss: LOCAL_ISSUER,
    role,
    exp: LOCAL_KEY_EXPIRES_AT,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(encoder.encode(secret));
}

/**
 * The local anon key for `secret`, in the CLI's demo-key shape
 * `{ iss, role: "anon", exp: 1983812996 }`. With {@link LOCAL_JWT_SECRET} it is
 * byte-identical to the anon key `supabase status` prints.
 */
export function localAnonKey(
  secret: string = LOCAL_JWT_SECRET,
): Promise<string> {
  return demoKey(secret, "anon");
}

/**
 * The local service_role key for `secret`, in the same demo-key shape as
 * {@link localAnonKey}. Bypasses RLS: never ship it to a browser.
 */
export function localServiceRoleKey(
  secret: string = LOCAL_JWT_SECRET,
): Promise<string> {
  return demoKey(secret, "service_role");
}

/** The Supabase CLI's local publishable key (`supabase status` prints it). Public. */
export function localPublishableKey(): string {
  return "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";
}

/** The Supabase CLI's local secret key. Public knowledge: local use only. */
export function localSecretKey(): string {
  return "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";
}
