/**
 * Verified tokens (edge/_shared/verified_tokens.ts) on a fixed clock: a
 * verdict is kept until the sooner of its TTL and the token's `exp`, an
 * expired one is dropped, tokens already expired or too long are not kept,
 * and the map holds at most MAX_VERDICTS, dropping the oldest first.
 *
 * Run: deno test tests/deno/verified_tokens_test.ts
 */
import assert from "node:assert/strict";
import {
  MAX_REMEMBERED_TOKEN_CHARS,
  MAX_VERDICTS,
  VERDICT_TTL_MS,
  VerifiedTokens,
} from "../../edge/_shared/verified_tokens.ts";

const NOW_MS = 1_800_000_000_000;
const HOUR_LATER_S = NOW_MS / 1000 + 3600;

Deno.test("verified tokens: a verdict lasts its TTL, then the token is checked again", () => {
  const tokens = new VerifiedTokens<string>();
  tokens.remember("token-a", "patient-a", HOUR_LATER_S, NOW_MS);
  assert.equal(tokens.get("token-a", NOW_MS + VERDICT_TTL_MS - 1), "patient-a");
  assert.equal(tokens.get("token-b", NOW_MS), undefined);
  assert.equal(tokens.get("token-a", NOW_MS + VERDICT_TTL_MS), undefined);
  assert.equal(tokens.size, 0, "an expired verdict is dropped when read");
});

Deno.test("verified tokens: a verdict never outlives the token's exp", () => {
  const tokens = new VerifiedTokens<string>();
  const expS = NOW_MS / 1000 + 10;
  tokens.remember("token-a", "patient-a", expS, NOW_MS);
  assert.equal(tokens.get("token-a", expS * 1000 - 1), "patient-a");
  assert.equal(tokens.get("token-a", expS * 1000), undefined);
});

Deno.test("verified tokens: expired and oversized tokens are not kept; the longest allowed is", () => {
  const tokens = new VerifiedTokens<string>();
  // jose accepts a token up to 30 s past exp; such a verdict is not kept.
  tokens.remember("late", "patient-a", NOW_MS / 1000 - 5, NOW_MS);
  const long = "x".repeat(MAX_REMEMBERED_TOKEN_CHARS + 1);
  tokens.remember(long, "patient-b", HOUR_LATER_S, NOW_MS);
  assert.equal(tokens.size, 0);
  assert.equal(tokens.get("late", NOW_MS), undefined);
  assert.equal(tokens.get(long, NOW_MS), undefined);
  const longest = "y".repeat(MAX_REMEMBERED_TOKEN_CHARS);
  tokens.remember(longest, "patient-c", HOUR_LATER_S, NOW_MS);
  assert.equal(tokens.get(longest, NOW_MS), "patient-c");
});

Deno.test("verified tokens: bounded, the oldest verdict goes first and expired ones before it", () => {
  const tokens = new VerifiedTokens<number>();
  for (let i = 0; i <= MAX_VERDICTS; i++) {
    tokens.remember(`token-${i}`, i, HOUR_LATER_S, NOW_MS);
  }
  assert.equal(tokens.size, MAX_VERDICTS);
  assert.equal(tokens.get("token-0", NOW_MS), undefined);
  assert.equal(tokens.get("token-1", NOW_MS), 1);
  assert.equal(tokens.get(`token-${MAX_VERDICTS}`, NOW_MS), MAX_VERDICTS);

  // Once their TTL has passed, the next verdict sweeps the old ones out.
  const later = NOW_MS + VERDICT_TTL_MS;
  tokens.remember("token-new", -1, HOUR_LATER_S, later);
  assert.equal(tokens.size, 1);
  assert.equal(tokens.get("token-new", later), -1);
});
