/**
 * Who is calling: the `Authorization: Bearer` JWT, verified inside the
 * function. Supabase's "Securing Edge Functions" guide makes functions own
 * this check (the platform's `verify_jwt` cannot verify the new signing
 * keys), and the app's public key is public: holding it proves nothing.
 *
 * The rules are those of `@supabase/server`'s `user` mode, on the same
 * library (jose): asymmetric tokens (ES256, RS256) carry a `kid` found in the
 * project's JWKS (`SUPABASE_JWKS`, else `SUPABASE_URL`'s
 * `/auth/v1/.well-known/jwks.json`); an HS256 token with a `kid` needs the
 * symmetric key of that `kid` in the JWKS. Unlike `user` mode, a legacy
 * HS256 token without `kid` (signed with the project's JWT secret, as the
 * anon key is) is verified against the secret: the `oct` key without `kid`
 * the Supabase CLI puts in `SUPABASE_JWKS`, or `LEGACY_JWT_SECRET`. Every
 * token must carry `exp`. `@supabase/server` itself is not imported: its
 * entry points load supabase-js, over 100 ms of cold start for a check that
 * needs jose alone; tests/deno/caller_test.ts compares the two verdicts.
 *
 * A token without `sub` (the anon or service-role key) identifies no
 * patient: it gets 403 unless the operator sets ALLOW_ANONYMOUS_CALLERS.
 *
 * A token that verified is remembered for up to a minute (never past its
 * `exp`), so a patient's next calls skip the signature check: see
 * verified_tokens.ts.
 *
 * @module
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import type { AuthSettings } from "./config.ts";
import { GatewayFailure } from "./gateway_failure.ts";
import { VerifiedTokens } from "./verified_tokens.ts";

/** A verified caller. */
export interface Caller {
  /** The JWT `sub` (the Supabase user id), or null for an allowed anonymous key. */
  id: string | null;
  /** The JWT `role` claim, when it has one. */
  role: string | null;
}

/** Algorithms Supabase Auth signs with. */
const ASYMMETRIC = ["ES256", "RS256"];
/** Clock difference tolerated on `exp` and `nbf`: two servers' clocks, no more. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** A token is a few hundred bytes; anything far larger is not one. */
const MAX_TOKEN_CHARS = 8192;

/** Verifies callers against one deployment's keys. */
export class CallerVerifier {
  readonly #allowAnonymous: boolean;
  readonly #jwks: JSONWebKeySet | null;
  /** Resolves an asymmetric token's key: the inline JWKS, else the project's endpoint. */
  readonly #keys: JWTVerifyGetKey | null;
  readonly #legacySecrets: Uint8Array[];
  readonly #verified = new VerifiedTokens<Caller>();

  /** Throws a TypeError naming the setting when SUPABASE_JWKS is not a JWKS. */
  constructor(settings: AuthSettings, fetcher: typeof fetch = fetch) {
    this.#allowAnonymous = settings.allowAnonymous;
    this.#jwks = settings.jwksJson ? parseJwks(settings.jwksJson) : null;
    if (this.#jwks) {
      this.#keys = createLocalJWKSet(this.#jwks);
    } else if (settings.supabaseUrl) {
      this.#keys = createRemoteJWKSet(jwksUrl(settings.supabaseUrl), {
        [customFetch]: fetcher,
      });
    } else {
      this.#keys = null;
    }
    const secrets = (this.#jwks?.keys ?? [])
      .filter((key) =>
        key.kty === "oct" && !key.kid && typeof key.k === "string"
      )
      .map((key) => base64UrlBytes(key.k as string));
    if (settings.legacySecret) {
      secrets.push(new TextEncoder().encode(settings.legacySecret));
    }
    this.#legacySecrets = secrets;
  }

  /**
   * The caller of a request with this `Authorization` header at `nowMs`;
   * throws a GatewayFailure (unauthorized, invalid_jwt, expired_jwt,
   * sign_in_required or auth_unavailable).
   */
  async verify(authorization: string | null, nowMs: number): Promise<Caller> {
    const token = bearerToken(authorization);
    const known = this.#verified.get(token, nowMs);
    if (known) return known;
    const claims = await this.#claims(token, new Date(nowMs));
    const sub = typeof claims.sub === "string" && claims.sub.length > 0
      ? claims.sub
      : null;
    const role = typeof claims.role === "string" ? claims.role : null;
    if (sub === null && !this.#allowAnonymous) {
      throw new GatewayFailure(
        "sign_in_required",
        "This function serves signed-in users: send the user's access token, not the app's key.",
      );
    }
    // Frozen: a remembered caller is handed to every request with the token.
    const caller = Object.freeze({ id: sub, role });
    // `exp` is a required claim: jose has checked it is a number.
    this.#verified.remember(token, caller, claims.exp as number, nowMs);
    return caller;
  }

  async #claims(token: string, currentDate: Date): Promise<JWTPayload> {
    let header: { alg?: string; kid?: string };
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalid("The token is not a JWT.");
    }
    const options = {
      currentDate,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp"],
    };
    try {
      if (header.alg === "HS256") {
        const keys = header.kid
          ? await this.#symmetricKey(header.kid)
          : this.#legacySecrets;
        return await firstVerified(token, keys, {
          ...options,
          algorithms: ["HS256"],
        });
      }
      if (!header.alg || !ASYMMETRIC.includes(header.alg) || !header.kid) {
        throw invalid(
          "The token's algorithm or key id is not one Supabase Auth issues.",
        );
      }
      if (!this.#keys) {
        throw invalid("No signing key is configured for this token.");
      }
      return (await jwtVerify(token, this.#keys, {
        ...options,
        algorithms: ASYMMETRIC,
      }))
        .payload;
    } catch (error) {
      throw refusal(error);
    }
  }

  /** The JWKS's symmetric key with this id, as @supabase/server looks it up. */
  async #symmetricKey(kid: string): Promise<(CryptoKey | Uint8Array)[]> {
    const jwk = this.#jwks?.keys.find((key) =>
      key.kty === "oct" && key.kid === kid && (key.alg ?? "HS256") === "HS256"
    );
    if (!jwk) return [];
    return [await importJWK({ ...jwk, alg: "HS256" } as JWK, "HS256")];
  }
}

/** Verifies with each key in turn; a token matches at most one of them. */
async function firstVerified(
  token: string,
  keys: (CryptoKey | Uint8Array)[],
  options: Parameters<typeof jwtVerify>[2],
): Promise<JWTPayload> {
  if (keys.length === 0) throw invalid("No signing key matches the token.");
  let last: unknown;
  for (const key of keys) {
    try {
      return (await jwtVerify(token, key, options)).payload;
    } catch (error) {
      // An expired token with a good signature is expired, whatever the order.
      if (error instanceof errors.JWTExpired) throw error;
      last = error;
    }
  }
  throw last;
}

function bearerToken(authorization: string | null): string {
  const match = /^Bearer[ ]+(\S+)$/i.exec(authorization?.trim() ?? "");
  if (!match) {
    throw new GatewayFailure(
      "unauthorized",
      "Send the signed-in user's access token as Authorization: Bearer <token>.",
    );
  }
  const token = match[1];
  if (token.startsWith("sb_")) {
    throw invalid(
      "sb_publishable_ and sb_secret_ keys are API keys, not user tokens: send the user's access token.",
    );
  }
  if (token.length > MAX_TOKEN_CHARS) throw invalid("The token is too long.");
  return token;
}

function invalid(message: string): GatewayFailure {
  return new GatewayFailure("invalid_jwt", message);
}

/** jose's verdicts as the client sees them; never the token or its claims. */
function refusal(error: unknown): GatewayFailure {
  if (error instanceof GatewayFailure) return error;
  if (error instanceof errors.JWTExpired) {
    return new GatewayFailure(
      "expired_jwt",
      "The token has expired; refresh the session.",
    );
  }
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    (error instanceof TypeError && !(error instanceof errors.JOSEError))
  ) {
    return new GatewayFailure(
      "auth_unavailable",
      "The project's signing keys could not be fetched; try again shortly.",
      { headers: { "retry-after": "5" } },
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalid(
      `The token's "${error.claim}" claim is missing or not valid now.`,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return invalid("No signing key of this project has the token's key id.");
  }
  return invalid("The token's signature does not verify.");
}

function parseJwks(json: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new TypeError("SUPABASE_JWKS is not JSON");
  }
  const keys = Array.isArray(parsed)
    ? parsed
    : (parsed as { keys?: unknown })?.keys;
  if (
    !Array.isArray(keys) ||
    keys.some((key) => typeof key !== "object" || key === null)
  ) {
    throw new TypeError('SUPABASE_JWKS must be {"keys": [...]}');
  }
  return { keys: keys as JWK[] };
}

/** The project's JWKS endpoint: https, or http on a loopback host (the CLI's local stack). */
function jwksUrl(supabaseUrl: string): URL {
  const url = new URL("/auth/v1/.well-known/jwks.json", supabaseUrl);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new TypeError(
      "SUPABASE_URL must be https (http only for a loopback host)",
    );
  }
  return url;
}

function base64UrlBytes(text: string): Uint8Array {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - base64.length % 4) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
