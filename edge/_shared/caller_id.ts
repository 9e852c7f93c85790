/**
 * The caller id for sticky A/B assignment: the `sub` claim of the request's
 * `Authorization: Bearer` JWT, i.e. the Supabase user id.
 *
 * The token is decoded, not verified: with `verify_jwt = true` Supabase's
 * gateway has already verified it before the function runs. Without a `sub`
 * (the anon or service_role key) there is no caller id and no sticky
 * assignment. The id is only hashed in wasm; it is never logged.
 *
 * @module
 */

/** The JWT `sub` of an `Authorization: Bearer <jwt>` header, or undefined. */
export function jwtSubject(authorization: string | null): string | undefined {
  const match = /^Bearer\s+([^.\s]+)\.([^.\s]+)\.([^.\s]*)$/i.exec(
    authorization?.trim() ?? "",
  );
  if (!match) return undefined;
  try {
    const claims: unknown = JSON.parse(base64UrlDecode(match[2]));
    if (typeof claims !== "object" || claims === null) return undefined;
    const sub = (claims as { sub?: unknown }).sub;
    return typeof sub === "string" && sub.length > 0 ? sub : undefined;
  } catch {
    // Not a JWT we can read: no sticky assignment, never an error.
    return undefined;
  }
}

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - base64.length % 4) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}
