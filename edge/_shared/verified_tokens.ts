/**
 * Tokens this isolate has already verified. A patient's app sends the same
 * access token with every call until the session refreshes (an hour by
 * default), and checking an ES256 signature is the largest CPU cost of a
 * request; so a verdict is kept for a short while and the next call with the
 * very same token skips the signature check.
 *
 * Only successes are kept, keyed by the whole token (its signature
 * included), never past the token's own `exp` and never longer than
 * {@link VERDICT_TTL_MS}. So a signing key the project revokes is honoured
 * here at most that much longer than by jose, whose copy of a remote JWKS
 * lives up to 10 minutes (an inline `SUPABASE_JWKS` or legacy secret changes
 * only with a new deploy). The map is bounded in entries and in token
 * length, so memory is too.
 *
 * @module
 */

/** How long a verdict is kept at most. */
export const VERDICT_TTL_MS = 60_000;
/** Verdicts kept at most; the oldest goes first. */
export const MAX_VERDICTS = 512;
/** Longer tokens are verified every time (a Supabase token is under 2 KB). */
export const MAX_REMEMBERED_TOKEN_CHARS = 4096;

interface Verdict<T> {
  value: T;
  validUntilMs: number;
}

/** A bounded map from a verified token to what it was verified as. */
export class VerifiedTokens<T> {
  readonly #verdicts = new Map<string, Verdict<T>>();

  /** What `token` was verified as, if that verdict is still good at `nowMs`. */
  get(token: string, nowMs: number): T | undefined {
    const verdict = this.#verdicts.get(token);
    if (verdict === undefined) return undefined;
    if (nowMs < verdict.validUntilMs) return verdict.value;
    this.#verdicts.delete(token);
    return undefined;
  }

  /** Keeps `value` for `token`, verified at `nowMs`, whose `exp` is `expSeconds`. */
  remember(token: string, value: T, expSeconds: number, nowMs: number): void {
    if (token.length > MAX_REMEMBERED_TOKEN_CHARS) return;
    const validUntilMs = Math.min(nowMs + VERDICT_TTL_MS, expSeconds * 1000);
    if (!(validUntilMs > nowMs)) return;
    this.#dropExpired(nowMs);
    if (this.#verdicts.size >= MAX_VERDICTS) this.#dropOldest();
    this.#verdicts.delete(token);
    this.#verdicts.set(token, { value, validUntilMs });
  }

  /** Verdicts held now (for tests). */
  get size(): number {
    return this.#verdicts.size;
  }

  /** Insertion order is nearly expiry order: sweep from the front. */
  #dropExpired(nowMs: number): void {
    for (const [token, verdict] of this.#verdicts) {
      if (nowMs < verdict.validUntilMs) return;
      this.#verdicts.delete(token);
    }
  }

  #dropOldest(): void {
    for (const token of this.#verdicts.keys()) {
      this.#verdicts.delete(token);
      return;
    }
  }
}
