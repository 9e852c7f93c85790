/**
 * The check Supabase's function gateway runs before user code when a
 * function has `verify_jwt = true`: asymmetric tokens (ES256, RS256) against
 * the project's JWKS, HS256 tokens against the legacy JWT secret, no `role`
 * required. A refusal is `401 {code, message}` with the code also in the
 * `sb-error-code` header:
 *
 * - `UNAUTHORIZED_NO_AUTH_HEADER`: no Authorization header;
 * - `UNAUTHORIZED_INVALID_JWT_FORMAT`: not `Bearer <compact JWT>`, e.g. an
 *   `sb_publishable_…` key;
 * - `UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM`: signed with anything else;
 * - `UNAUTHORIZED_LEGACY_JWT`: an HS256 token that does not verify or has expired;
 * - `UNAUTHORIZED_ASYMMETRIC_JWT`: an asymmetric token that does not verify
 *   (wrong key, unknown `kid`) or has expired.
 *
 * Unlike the hosted gateway, a token without `exp` is refused too: the local
 * stack never issues one, and a token that never expires has no place in it.
 *
 * @module
 */
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";

/** The gateway's refusal codes. */
export type GatewayJwtCode =
  | "UNAUTHORIZED_NO_AUTH_HEADER"
  | "UNAUTHORIZED_INVALID_JWT_FORMAT"
  | "UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM"
  | "UNAUTHORIZED_LEGACY_JWT"
  | "UNAUTHORIZED_ASYMMETRIC_JWT";

/** A refusal: code and message, as the gateway answers them. */
export interface GatewayJwtRefusal {
  code: GatewayJwtCode;
  message: string;
}

/** The keys the gateway verifies with. */
export interface GatewayKeys {
  /** Public asymmetric keys (the project's JWKS). */
  jwks: JSONWebKeySet;
  /** The legacy HS256 JWT secret. */
  legacySecret: string;
}

const ASYMMETRIC = ["ES256", "RS256"];
const CLOCK_TOLERANCE_SECONDS = 30;
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Verifies requests' tokens against one project's keys. */
export class GatewayJwtVerifier {
  readonly #asymmetric: JWTVerifyGetKey;
  readonly #legacy: Uint8Array;

  constructor(keys: GatewayKeys) {
    if (keys.legacySecret.length === 0) {
      throw new TypeError("the legacy JWT secret must not be empty");
    }
    this.#asymmetric = createLocalJWKSet({
      keys: keys.jwks.keys.filter((key) => key.kty !== "oct"),
    });
    this.#legacy = new TextEncoder().encode(keys.legacySecret);
  }

  /** Null when the request may pass, else why not. */
  async refusal(
    authorization: string | null,
    nowMs: number,
  ): Promise<GatewayJwtRefusal | null> {
    if (authorization === null) {
      return {
        code: "UNAUTHORIZED_NO_AUTH_HEADER",
        message: "Missing authorization header",
      };
    }
    const token = /^Bearer (\S+)$/.exec(authorization)?.[1];
    if (!token || !COMPACT_JWT.test(token)) return invalidFormat();
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return invalidFormat();
    }
    const options = {
      currentDate: new Date(nowMs),
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp"],
    };
    if (alg === "HS256") {
      try {
        await jwtVerify(token, this.#legacy, {
          ...options,
          algorithms: ["HS256"],
        });
        return null;
      } catch {
        return { code: "UNAUTHORIZED_LEGACY_JWT", message: "Invalid JWT" };
      }
    }
    if (alg && ASYMMETRIC.includes(alg)) {
      try {
        await jwtVerify(token, this.#asymmetric, {
          ...options,
          algorithms: ASYMMETRIC,
        });
        return null;
      } catch {
        return { code: "UNAUTHORIZED_ASYMMETRIC_JWT", message: "Invalid JWT" };
      }
    }
    return {
      code: "UNAUTHORIZED_UNSUPPORTED_TOKEN_ALGORITHM",
      message: "Unsupported JWT algorithm",
    };
  }
}

function invalidFormat(): GatewayJwtRefusal {
  return { code: "UNAUTHORIZED_INVALID_JWT_FORMAT", message: "Invalid JWT" };
}
