/**
 * A/B testing and versioning: a `variant` the operator lets clients choose
 * (SAGEMAKER_CLIENT_VARIANTS) reaches SageMaker as
 * X-Amzn-SageMaker-Target-Variant, any other is refused, a sticky arm of
 * weight 0 never opens to a client, the variant that answered is the answer's
 * `invoked_variant` (never its `model_version`), and SAGEMAKER_STICKY_VARIANTS sends the same verified JWT
 * `sub` to the same variant by the documented hash (recomputed here
 * independently with node:crypto). Unit checks of pkg/, then end to end
 * against the stand-in (every endpoint has AllTraffic, model-v1, model-v2;
 * the local stack lets clients choose model-v1 and model-v2).
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/ab_variants_test.ts
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Gateway, type HealthNavError } from "../../pkg/mod.js";
import { LOCAL_JWT_SECRET } from "../../local/local_keys.ts";
import { TRIAGE_MODEL_VERSION } from "../../local/sagemaker_stand_in/mod.ts";
import { harness } from "./helpers/edge_harness.ts";
import { largePng, RISK_PATIENT } from "./helpers/payloads.ts";
import { userToken as legacyUserToken } from "./helpers/tokens.ts";
import { withStack } from "./helpers/stack.ts";

const STICKY = "model-v1:50,model-v2:50";
const WEIGHTS: [string, number][] = [["model-v1", 50], ["model-v2", 50]];
const RISK = "sagemaker-risk-score";
const TRIAGE = "sagemaker-triage";
const IMAGE = "sagemaker-image-analysis";
const RISK_ENDPOINT = "patient-risk-scorer";
const RISK_BODY = { patient_data: RISK_PATIENT };
const TRIAGE_BODY = {
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
};
const encoder = new TextEncoder();

/** The README's hash, written independently of src/config/variant_weights.rs. */
function documentedVariant(
  endpoint: string,
  callerId: string,
  weights: [string, number][],
): string {
  const digest = createHash("sha256").update(`${endpoint}\n${callerId}`)
    .digest();
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const point = Number(digest.readBigUInt64BE(0) % BigInt(total));
  let cumulative = 0;
  for (const [name, weight] of weights) {
    cumulative += weight;
    if (point < cumulative) return name;
  }
  throw new Error("unreachable");
}

/** A signed-in user's token, signed with the local stack's legacy secret. */
function userToken(sub: string): Promise<string> {
  return legacyUserToken(sub, { secret: LOCAL_JWT_SECRET, nowMs: Date.now() });
}

function thrown(fn: () => unknown): HealthNavError {
  try {
    fn();
  } catch (error) {
    return error as HealthNavError;
  }
  throw new Error("did not throw");
}

// ----------------------------------------------------------------- pkg/

Deno.test("pkg: prepare routes a caller id by the documented hash", () => {
  const gateway = new Gateway(
    {
      region: "us-east-1",
      stickyVariants: STICKY.split(","),
      clientVariants: ["AllTraffic"],
    },
    RISK,
    undefined,
  );
  const body = encoder.encode(JSON.stringify(RISK_BODY));
  const seen = new Set<string>();
  for (let i = 0; i < 64; i++) {
    const caller = `user-${i}`;
    const invocation = gateway.prepare(body, 0, caller);
    const expected = documentedVariant(RISK_ENDPOINT, caller, WEIGHTS);
    assert.equal(invocation.variant, expected, caller);
    assert.deepEqual(
      invocation.headers.filter(([name]) =>
        name === "x-amzn-sagemaker-target-variant"
      ),
      [["x-amzn-sagemaker-target-variant", expected]],
    );
    seen.add(expected);
  }
  assert.deepEqual([...seen].sort(), ["model-v1", "model-v2"]);
  // Without a caller id SageMaker's own weights decide.
  assert.equal(gateway.prepare(body, 0).variant, null);
  assert.equal(gateway.prepare(body, 0, undefined).variant, null);
  // An explicit variant clients may choose wins over the sticky one.
  const pinned = encoder.encode(
    JSON.stringify({ ...RISK_BODY, variant: "AllTraffic" }),
  );
  assert.equal(
    gateway.prepare(pinned, 0, "user-1").variant,
    "AllTraffic",
  );
});

Deno.test("pkg: prepare signs the sticky variant header", () => {
  const gateway = new Gateway(
    { region: "us-east-1", stickyVariants: ["model-v1:1", "model-v2:0"] },
    RISK,
    { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" },
  );
  const body = encoder.encode(JSON.stringify(RISK_BODY));
  const invocation = gateway.prepare(body, Date.UTC(2026, 0, 1), "anyone");
  assert.equal(invocation.variant, "model-v1");
  const authorization = invocation.firstAttemptSignature?.find(([n]) =>
    n === "authorization"
  )?.[1];
  assert.match(authorization ?? "", /x-amzn-sagemaker-target-variant/);
});

Deno.test("pkg: a bad stickyVariants setting is invalid_configuration", () => {
  for (
    const entries of [
      [],
      ["model-v1"],
      ["model-v1:x"],
      ["bad_name:1"],
      ["a:0"],
      ["a:1", "a:1"],
    ]
  ) {
    const error = thrown(() =>
      new Gateway(
        { region: "us-east-1", stickyVariants: entries },
        RISK,
        undefined,
      )
    );
    assert.equal(error.code, "invalid_configuration", String(entries));
    assert.equal(error.errors[0].path, "stickyVariants");
  }
});

Deno.test("SAGEMAKER_STICKY_VARIANTS malformed → 500 naming the variable, not its value", async () => {
  const h = harness("sagemaker-risk-score", {
    env: { SAGEMAKER_STICKY_VARIANTS: "model-v1:fifty" },
  });
  const answer = await h.post(RISK_BODY);
  assert.equal(answer.status, 500);
  assert.equal(answer.json?.code, "invalid_configuration");
  assert.match(String(answer.json?.detail), /SAGEMAKER_STICKY_VARIANTS/);
  assert.ok(!answer.text.includes("fifty"));
  assert.equal(h.upstream.calls.length, 0);
});

// ------------------------------------------------------ end to end

Deno.test("e2e: an allowed variant reaches the stand-in and is the answer's invoked_variant, never its model_version", async () => {
  await withStack({}, async ({ call }) => {
    for (const variant of ["model-v1", "model-v2"]) {
      const answer = await call(RISK, { ...RISK_BODY, variant });
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json?.invoked_variant, variant);
      // The raw XGBoost answer names no version: none is made up.
      assert.equal(answer.json?.model_version, null);
    }
    const unpinned = await call(RISK, RISK_BODY);
    assert.equal(unpinned.json?.invoked_variant, "AllTraffic");
    // A custom script's model_version is the model's own.
    const triage = await call(TRIAGE, { ...TRIAGE_BODY, variant: "model-v2" });
    assert.equal(triage.status, 200, triage.text);
    assert.equal(triage.json?.model_version, TRIAGE_MODEL_VERSION);
    assert.equal(triage.json?.invoked_variant, "model-v2");
  });
});

Deno.test("e2e: a malformed or unlisted variant is 422 and never reaches SageMaker", async () => {
  await withStack({}, async ({ stack, call }) => {
    const cases = [
      ["model_v2", "invalid_format"],
      // SageMaker's own all-traffic name and an arm nobody listed.
      ["AllTraffic", "not_allowed"],
      ["model-v9", "not_allowed"],
    ];
    for (const [variant, code] of cases) {
      const refused = await call(RISK, { ...RISK_BODY, variant });
      assert.equal(refused.status, 422, refused.text);
      const errors = refused.json?.errors as { path: string; code: string }[];
      assert.deepEqual(errors.map((e) => [e.path, e.code]), [[
        "variant",
        code,
      ]]);
    }
    assert.equal(stack.standIn.stats().total, 0);
  });
});

Deno.test("e2e: a listed variant the endpoint lacks is SageMaker's ValidationError", async () => {
  await withStack(
    { env: { SAGEMAKER_CLIENT_VARIANTS: "model-v1,model-v9" } },
    async ({ call }) => {
      const unknown = await call(RISK, { ...RISK_BODY, variant: "model-v9" });
      assert.equal(unknown.status, 502, unknown.text);
      assert.equal(unknown.json?.code, "sagemaker_validation_error");
    },
  );
});

Deno.test("e2e: a sticky arm of weight 0 stays closed to clients even when listed", async () => {
  await withStack(
    {
      env: {
        SAGEMAKER_STICKY_VARIANTS: "model-v1:1,model-v2:0",
        SAGEMAKER_CLIENT_VARIANTS: "model-v1,model-v2",
      },
    },
    async ({ stack, call }) => {
      const canary = await call(RISK, { ...RISK_BODY, variant: "model-v2" });
      assert.equal(canary.status, 422, canary.text);
      assert.equal(
        (canary.json?.errors as { path: string }[])[0].path,
        "variant",
      );
      assert.equal(stack.standIn.stats().total, 0);
      const open = await call(RISK, { ...RISK_BODY, variant: "model-v1" });
      assert.equal(open.json?.invoked_variant, "model-v1");
    },
  );
});

Deno.test("e2e: sticky variants send each user to the same variant, by the documented hash", async () => {
  await withStack(
    { env: { SAGEMAKER_STICKY_VARIANTS: STICKY } },
    async ({ call, records }) => {
      const seen = new Set<string>();
      for (let i = 0; i < 16; i++) {
        const sub = `6f1c2a7e-0000-4000-8000-${String(i).padStart(12, "0")}`;
        const expected = documentedVariant(RISK_ENDPOINT, sub, WEIGHTS);
        const token = await userToken(sub);
        for (let repeat = 0; repeat < 2; repeat++) {
          const answer = await call(RISK, RISK_BODY, {
            authorization: `Bearer ${token}`,
          });
          assert.equal(answer.status, 200, answer.text);
          assert.equal(answer.json?.invoked_variant, expected, sub);
        }
        seen.add(expected);
      }
      assert.deepEqual([...seen].sort(), ["model-v1", "model-v2"]);
      // The chosen variant is logged; the caller id never is.
      const logged = records("function").map((r) => r.variant);
      assert.ok(logged.every((v) => v === "model-v1" || v === "model-v2"));
    },
  );
});

Deno.test("e2e: sticky assignment yields to an explicit variant and needs a `sub`", async () => {
  await withStack(
    {
      env: {
        SAGEMAKER_STICKY_VARIANTS: STICKY,
        ALLOW_ANONYMOUS_CALLERS: "true",
      },
    },
    async ({ call, logs, stack }) => {
      const sub = "user-1";
      const token = await userToken(sub);
      const sticky = documentedVariant(RISK_ENDPOINT, sub, WEIGHTS);
      const other = sticky === "model-v1" ? "model-v2" : "model-v1";
      const pinned = await call(RISK, { ...RISK_BODY, variant: other }, {
        authorization: `Bearer ${token}`,
      });
      assert.equal(pinned.json?.invoked_variant, other);
      // The anon key has no `sub` (and calls only because this operator
      // allows anonymous callers): no sticky assignment.
      const anonymous = await call(RISK, RISK_BODY, {
        authorization: `Bearer ${stack.anonKey}`,
      });
      assert.equal(anonymous.json?.invoked_variant, "AllTraffic");
      const service = await call(RISK, RISK_BODY, {
        authorization: `Bearer ${stack.serviceRoleKey}`,
      });
      assert.equal(service.json?.invoked_variant, "AllTraffic");
      assert.ok(!logs.some((line) => line.includes(sub)));
    },
  );
});

Deno.test("e2e: a large inline image (native-hash path) is routed stickily too", async () => {
  await withStack(
    { env: { SAGEMAKER_STICKY_VARIANTS: STICKY } },
    async ({ call }) => {
      const { dataUrl } = largePng(200 * 1024);
      for (const sub of ["user-1", "user-2", "user-3", "user-4"]) {
        const answer = await call(IMAGE, {
          image_data: dataUrl,
          image_type: "xray",
        }, { authorization: `Bearer ${await userToken(sub)}` });
        assert.equal(answer.status, 200, answer.text);
        assert.equal(
          answer.json?.invoked_variant,
          documentedVariant("medical-image-classifier", sub, WEIGHTS),
        );
      }
    },
  );
});
