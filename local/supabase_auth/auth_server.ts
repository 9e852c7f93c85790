/**
 * A stand-in for Supabase Auth (GoTrue) under `/auth/v1`, enough for an app
 * to sign in and call the functions as a signed-in patient:
 *
 * - `GET /auth/v1/.well-known/jwks.json`: the project's public signing keys;
 * - `POST /auth/v1/token?grant_type=password` (`{email, password}`) and
 *   `?grant_type=refresh_token` (`{refresh_token}`): a session
 *   `{access_token, token_type, expires_in, expires_at, refresh_token, user}`;
 * - `GET /auth/v1/user`: the user of a valid access token;
 * - `POST /auth/v1/logout`: ends the session.
 *
 * Access tokens are ES256 JWTs with the claims Supabase Auth puts in them
 * (`iss`, `sub`, `aud: authenticated`, `role: authenticated`, `email`,
 * `session_id`, `iat`, `exp`, …). Every request needs the project's API key
 * in `apikey`, as Supabase's API gateway requires.
 *
 * @module
 */
import { errors, type JWTPayload, jwtVerify } from "jose";
import { publicJwks, type SigningKey, signWithKey } from "./signing_key.ts";

/** Supabase Auth's default access token lifetime. */
export const ACCESS_TOKEN_SECONDS = 3600;

/** A user the stand-in signs in. */
export interface LocalUser {
  id: string;
  email: string;
  password: string;
}

/** A session as Supabase Auth returns it. */
export interface Session {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Record<string, unknown>;
}

/** Options of {@link createAuthServer}. */
export interface AuthServerOptions {
  signingKey: SigningKey;
  /** The project URL (tokens' `iss` is `<url>/auth/v1`). */
  projectUrl: () => string;
  users: LocalUser[];
  /** API keys accepted in `apikey` (anon, publishable, service, secret). */
  apiKeys: string[];
  now?: () => number;
}

/** The stand-in: a request handler and a way to mint sessions directly. */
export interface AuthServer {
  /** Answers `/auth/v1/...`; null for any other path. */
  handle(request: Request): Promise<Response | null>;
  /** Signs `user` in, as a password grant would. */
  signIn(user: LocalUser): Promise<Session>;
}

/** Builds the stand-in. */
export function createAuthServer(options: AuthServerOptions): AuthServer {
  const now = options.now ?? Date.now;
  // refresh token → user id; single use, as Supabase Auth rotates them.
  const refreshTokens = new Map<string, string>();

  async function signIn(user: LocalUser): Promise<Session> {
    const iat = Math.floor(now() / 1000);
    const exp = iat + ACCESS_TOKEN_SECONDS;
    const claims: JWTPayload = {
      iss: `${options.projectUrl()}/auth/v1`,
      sub: user.id,
      aud: "authenticated",
      exp,
      iat,
      email: user.email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: iat }],
      session_id: crypto.randomUUID(),
      is_anonymous: false,
    };
    const refreshToken = crypto.randomUUID().replaceAll("-", "");
    refreshTokens.set(refreshToken, user.id);
    return {
      access_token: await signWithKey(options.signingKey, claims),
      token_type: "bearer",
      expires_in: ACCESS_TOKEN_SECONDS,
      expires_at: exp,
      refresh_token: refreshToken,
      user: userJson(user, iat),
    };
  }

  async function handle(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith("/auth/v1/")) return null;
    const route = url.pathname.slice("/auth/v1".length);
    if (route === "/.well-known/jwks.json" && request.method === "GET") {
      return Response.json(publicJwks(options.signingKey), {
        headers: { "cache-control": "public, max-age=600" },
      });
    }
    if (!options.apiKeys.includes(request.headers.get("apikey") ?? "")) {
      return authError(401, "no_api_key", "No API key found in request");
    }
    if (route === "/token" && request.method === "POST") {
      return await token(request, url.searchParams.get("grant_type"));
    }
    if (route === "/user" && request.method === "GET") {
      const user = await userOf(request.headers.get("authorization"));
      return user
        ? Response.json(userJson(user, Math.floor(now() / 1000)))
        : authError(
          403,
          "bad_jwt",
          "invalid JWT: unable to parse or verify signature",
        );
    }
    if (route === "/logout" && request.method === "POST") {
      return new Response(null, { status: 204 });
    }
    return authError(404, "not_found", "Not found");
  }

  async function token(
    request: Request,
    grant: string | null,
  ): Promise<Response> {
    const body = await request.json().catch(() => ({})) as Record<
      string,
      unknown
    >;
    if (grant === "password") {
      const user = options.users.find((u) =>
        u.email === body.email && u.password === body.password
      );
      return user
        ? Response.json(await signIn(user))
        : authError(400, "invalid_credentials", "Invalid login credentials");
    }
    if (grant === "refresh_token") {
      const id = refreshTokens.get(String(body.refresh_token ?? ""));
      refreshTokens.delete(String(body.refresh_token ?? ""));
      const user = options.users.find((u) => u.id === id);
      return user ? Response.json(await signIn(user)) : authError(
        400,
        "refresh_token_not_found",
        "Invalid Refresh Token: Refresh Token Not Found",
      );
    }
    return authError(400, "validation_failed", "Unsupported grant_type");
  }

  async function userOf(authorization: string | null) {
    const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, options.signingKey.publicKey, {
        algorithms: ["ES256"],
        currentDate: new Date(now()),
      });
      return options.users.find((u) => u.id === payload.sub);
    } catch (error) {
      if (error instanceof errors.JOSEError) return undefined;
      throw error;
    }
  }

  return { handle, signIn };
}

function userJson(user: LocalUser, iat: number): Record<string, unknown> {
  const at = new Date(iat * 1000).toISOString();
  return {
    id: user.id,
    aud: "authenticated",
    role: "authenticated",
    email: user.email,
    email_confirmed_at: at,
    phone: "",
    confirmed_at: at,
    last_sign_in_at: at,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    identities: [],
    created_at: at,
    updated_at: at,
    is_anonymous: false,
  };
}

/** Supabase Auth's error shape: `{code, error_code, msg}` with the status. */
function authError(status: number, code: string, message: string): Response {
  return Response.json(
    { code: status, error_code: code, msg: message },
    { status },
  );
}
