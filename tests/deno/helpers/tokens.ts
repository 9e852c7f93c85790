/**
 * JWTs for tests, signed the way Supabase signs them: legacy HS256 tokens
 * with the project's JWT secret (the anon key's kind), so a unit test needs
 * no key pair; the local stack's ES256 session tokens come from its auth
 * stand-in instead (`stack.signIn()`).
 *
 * @module
 */
import { type JWTPayload, SignJWT } from "jose";

/** The legacy JWT secret the unit tests' functions verify with. */
export const TEST_JWT_SECRET = "a-legacy-jwt-secret-for-unit-tests-only-0123";
/** The signed-in patient of the unit tests, and another one. */
export const PATIENT_ID = "3f6c2a1e-0d4b-4e8a-9a51-patient-one";
export const OTHER_PATIENT_ID = "8b2d7c40-51e9-4f3a-b7c2-patient-two";

/** Options of {@link legacyToken}. */
export interface TokenOptions {
  secret?: string;
  /** "now", ms since 1970: `iat`, and `exp` an hour later unless `expiresInSeconds` says otherwise. */
  nowMs: number;
  /** null: no `exp` claim at all. */
  expiresInSeconds?: number | null;
}

/** An HS256 token with `claims`, signed with the legacy secret. */
export function legacyToken(
  claims: JWTPayload,
  options: TokenOptions,
): Promise<string> {
  const iat = Math.floor(options.nowMs / 1000);
  const lifetime = options.expiresInSeconds === undefined
    ? 3600
    : options.expiresInSeconds;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(iat);
  if (lifetime !== null) jwt.setExpirationTime(iat + lifetime);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

/** A signed-in user's token: `sub`, role and audience `authenticated`. */
export function userToken(
  sub: string,
  options: TokenOptions,
): Promise<string> {
  return legacyToken(
    { sub, role: "authenticated", aud: "authenticated" },
    options,
  );
}

/** The anon key's shape: no `sub`, role `anon`. */
export function anonToken(options: TokenOptions): Promise<string> {
  return legacyToken({ iss: "supabase", role: "anon" }, options);
}
