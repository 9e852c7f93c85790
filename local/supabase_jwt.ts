/**
 * Verification of Supabase-style HS256 JWTs, the check Supabase's function
 * gateway runs before user code when `verify_jwt` is on.
 *
 * Only HS256 (the legacy project JWT secret) is accepted. Hosted Supabase also
 * verifies ES256/RS256 tokens against a JWKS; the local gateway has no JWKS, so
 * those are refused as `unsupported_alg` rather than trusted.
 *
 * @module
 */

import { errors, type JWTPayload, jwtVerify } from "jose";

/** Roles a Supabase key or user session carries in its `role` claim. */
export const SUPABASE_ROLES = [
  "anon",
  "authenticated",
  "service_role",
] as const;

/** One of {@link SUPABASE_ROLES}. */
export type SupabaseRole = typeof SUPABASE_ROLES[number];

/** Claims of a verified token; `role` is guaranteed to be a Supabase role. */
export type SupabaseClaims = JWTPayload & { role: SupabaseRole };

/** Why a token was refused. Never contains the token itself. */
export type JwtFailure =
  | "missing"
  | "malformed"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "unsupported_alg"
  | "wrong_role";

/** Outcome of {@link verifySupabaseJwt}; failures carry a reason, not an exception. */
export type JwtVerdict =
  | { ok: true; claims: SupabaseClaims }
  | { ok: false; reason: JwtFailure };

// Supabase signs with HS256 only; listing it alone makes jose refuse
// `alg: none`, other HMAC sizes and asymmetric algorithms before any crypto.
const ALGORITHMS = ["HS256"];

// Seconds of skew allowed on exp/nbf: enough for two local clocks, no more.
const CLOCK_TOLERANCE_SECONDS = 5;

const encoder = new TextEncoder();

/**
 * Returns the token of an `Authorization: Bearer <token>` header, or `null`
 * for anything else (absent header, other scheme, empty or multi-part value).
 * The scheme is matched exactly, as Supabase's local gateway does.
 */
export function extractBearer(header: string | null): string | null {
  if (header === null) return null;
  const match = /^Bearer ([^\s]+)$/.exec(header);
  return match ? match[1] : null;
}

/**
 * Verifies an HS256 JWT against `secret` and checks that its `role` claim is
 * `anon`, `authenticated` or `service_role`.
 *
 * @param token compact JWT (without the `Bearer ` prefix)
 * @param secret the project JWT secret (UTF-8 bytes are the HMAC key)
 * @param now clock in milliseconds since the epoch, like `Date.now` (for tests)
 * @returns a verdict; throws only on programmer errors (e.g. empty secret)
 */
export async function verifySupabaseJwt(
  token: string,
  secret: string,
  now: () => number = Date.now,
): Promise<JwtVerdict> {
  if (secret.length === 0) throw new TypeError("JWT secret must not be empty");
  if (token.length === 0) return { ok: false, reason: "missing" };

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, encoder.encode(secret), {
      algorithms: ALGORITHMS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now()),
    }));
  } catch (error) {
    return { ok: false, reason: classify(error) };
  }

  const role = payload.role;
  if (!isSupabaseRole(role)) return { ok: false, reason: "wrong_role" };
  return { ok: true, claims: { ...payload, role } };
}

function isSupabaseRole(value: unknown): value is SupabaseRole {
  return typeof value === "string" &&
    (SUPABASE_ROLES as readonly string[]).includes(value);
}

// Maps jose's error codes onto our reasons. Non-jose errors are bugs, not bad
// tokens, so they propagate to the caller (the router turns them into a 500).
function classify(error: unknown): JwtFailure {
  if (!(error instanceof errors.JOSEError)) throw error;
  switch (error.code) {
    case errors.JOSEAlgNotAllowed.code:
    case errors.JOSENotSupported.code:
      return "unsupported_alg";
    case errors.JWSSignatureVerificationFailed.code:
      return "bad_signature";
    case errors.JWTExpired.code:
      return "expired";
    case errors.JWTClaimValidationFailed.code:
      return (error as errors.JWTClaimValidationFailed).claim === "nbf" &&
          (error as errors.JWTClaimValidationFailed).reason === "check_failed"
        ? "not_yet_valid"
        : "malformed";
    default:
      return "malformed";
  }
}
