/**
 * A project's JWT signing key, as Supabase Auth now keeps one: an ES256 key
 * pair with a key id. User session tokens are signed with the private half;
 * the public half is published as the project's JWKS.
 *
 * @module
 */
import {
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";

/** An ES256 signing key and its public JWK. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public half, with `kid`, `alg` and `use`, as the JWKS lists it. */
  publicJwk: JWK;
}

/** A fresh ES256 key pair with a random key id. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = crypto.randomUUID();
  const publicJwk = {
    ...(await exportJWK(publicKey)),
    kid,
    alg: "ES256",
    use: "sig",
    key_ops: ["verify"],
  };
  return { kid, privateKey, publicKey, publicJwk };
}

/** What `/auth/v1/.well-known/jwks.json` serves: public keys only. */
export function publicJwks(key: SigningKey): JSONWebKeySet {
  return { keys: [key.publicJwk] };
}

/**
 * `SUPABASE_JWKS` as the Supabase CLI gives it to functions: the public
 * signing key and, for tokens signed before it, the legacy JWT secret as a
 * symmetric key without `kid`. It holds a secret: it goes to functions'
 * environment, never to a client.
 */
export function functionsJwks(
  key: SigningKey,
  legacySecret: string,
): JSONWebKeySet {
  const k = btoa(legacySecret).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
  return { keys: [key.publicJwk, { kty: "oct", k }] };
}

/** Signs `claims` with `key` (header `{alg: ES256, kid, typ: JWT}`). */
export function signWithKey(
  key: SigningKey,
  claims: JWTPayload,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
    .sign(key.privateKey);
}
