/**
 * What the audit trail stores for a caller: a `sub` that is an identifier
 * as it is; anything else (another issuer's `sub` may be an email address)
 * only as its SHA-256, so no such value reaches the table.
 *
 * Run: deno test tests/deno/audit_trail_test.ts
 */
import assert from "node:assert/strict";
import { storedCallerId } from "../../edge/_shared/audit_trail.ts";

Deno.test("a uuid sub is stored as it is; none stays none", async () => {
  const sub = "6f1c2b0e-8a43-4b7e-9a51-1d2f0c9e7a10";
  assert.equal(await storedCallerId(sub), sub);
  assert.equal(await storedCallerId(null), null);
});

Deno.test("a sub that is not an identifier is stored only as its SHA-256", async () => {
  const stored = await storedCallerId("jane.doe@example.com");
  assert.equal(
    stored,
    "sha256:" +
      "86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d",
  );
  assert.notEqual(await storedCallerId("x".repeat(129)), "x".repeat(129));
  assert.match(String(await storedCallerId("x".repeat(129))), /^sha256:/);
});
