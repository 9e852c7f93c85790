/**
 * A/B testing and versioning: an explicit `variant` reaches SageMaker as
 * X-Amzn-SageMaker-Target-Variant, `model_version` falls back to the variant
 * that answered, and SAGEMAKER_STICKY_VARIANTS sends the same JWT `sub` to
 * the same variant by the documented hash (recomputed here independently with
 * node:crypto). Unit checks of the JWT decoding and pkg/, then end to end
 * against the stand-in (every endpoint has AllTraffic, model-v1, model-v2).
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/ab_variants_test.ts
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { SignJWT } from "jose";
import { jwtSubject } from "../../edge/_shared/caller_id.ts";
import { Gateway, type HealthNavError } from "../../pkg/mod.js";
import { LOCAL_JWT_SECRET } from "../../local/local_keys.ts";
import { TRIAGE_MODEL_VERSION } from "../../local/sagemaker_stand_in/mod.ts";
import { harness } from "./helpers/edge_harness.ts";
import { largePng, RISK_PATIENT } from "./helpers/payloads.ts";
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

/** The README's hash, written independently of src/sticky_variant.rs. */
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

/** An `authenticated` user's token, as Supabase Auth issues it. */
function userToken(sub: string): Promise<string> {
  return new SignJWT({ role: "authenticated", sub, iss: "supabase-demo" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(encoder.encode(LOCAL_JWT_SECRET));
}

/** base64url of the UTF-8 JSON, as a JWT segment. */
function b64url(value: unknown): string {
  const bytes = encoder.encode(JSON.stringify(value));
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "")
    .replace(/\+/g, "-").replace(/\//g, "_");
}

function thrown(fn: () => unknown): HealthNavError {
  try {
    fn();
  } catch (error) {
    return error as HealthNavError;
  }
  throw new Error("did not throw");
}

// ------------------------------------------------------------ caller id

Deno.test("jwtSubject reads `sub` from a bearer JWT and nothing else", async () => {
  const header = b64url({ alg: "HS256", typ: "JWT" });
  const cases: [string | null, string | undefined][] = [
    [`Bearer ${await userToken("user-1")}`, "user-1"],
    [`bearer ${header}.${b64url({ sub: "ü-ñ" })}.sig`, "ü-ñ"],
    // An unsigned token still has a readable payload (Supabase verified it).
    [`Bearer ${header}.${b64url({ sub: "x" })}.`, "x"],
    [`Bearer ${header}.${b64url({ role: "anon" })}.sig`, undefined],
    [`Bearer ${header}.${b64url({ sub: "" })}.sig`, undefined],
    [`Bearer ${header}.${b64url({ sub: 42 })}.sig`, undefined],
    [`Bearer ${header}.${b64url(["sub"])}.sig`, undefined],
    [`Bearer ${header}.${b64url(null)}.sig`, undefined],
    [`Bearer ${header}.not-base64-json.sig`, undefined],
    [`Bearer ${header}.${btoa("\xff\xfe")}.sig`, undefined],
    [`Basic dXNlcjpwYXNz`, undefined],
    ["Bearer a.b", undefined],
    ["Bearer", undefined],
    ["", undefined],
    [null, undefined],
  ];
  for (const [authorization, expected] of cases) {
    assert.equal(jwtSubject(authorization), expected, String(authorization));
  }
});

// ----------------------------------------------------------------- pkg/

Deno.test("pkg: buildInvocation routes a caller id by the documented hash", () => {
  const gateway = new Gateway({
    region: "us-east-1",
    stickyVariants: STICKY.split(","),
  });
  const body = encoder.encode(JSON.stringify(RISK_BODY));
  const seen = new Set<string>();
  for (let i = 0; i < 64; i++) {
    const caller = `user-${i}`;
    const invocation = gateway.buildInvocation("risk-score", body, caller);
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
  assert.equal(gateway.buildInvocation("risk-score", body).variant, null);
  assert.equal(
    gateway.buildInvocation("risk-score", body, undefined).variant,
    null,
  );
  // An explicit variant wins over the sticky one.
  const pinned = encoder.encode(
    JSON.stringify({ ...RISK_BODY, variant: "AllTraffic" }),
  );
  assert.equal(
    gateway.buildInvocation("risk-score", pinned, "user-1").variant,
    "AllTraffic",
  );
});

Deno.test("pkg: prepareInvocation signs the sticky variant header", () => {
  const gateway = new Gateway({
    region: "us-east-1",
    stickyVariants: ["model-v1:1", "model-v2:0"],
  });
  gateway.setCredentials({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "x" });
  const body = encoder.encode(JSON.stringify(RISK_BODY));
  const invocation = gateway.prepareInvocation(
    "risk-score",
    body,
    Date.UTC(2026, 0, 1),
    "anyone",
  );
  assert.equal(invocation.variant, "model-v1");
  const authorization = invocation.headers.find(([n]) => n === "authorization")
    ?.[1];
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
      new Gateway({ region: "us-east-1", stickyVariants: entries })
    );
    assert.equal(error.code, "invalid_configuration", String(entries));
    assert.equal(error.errors[0].path, "stickyVariants");
  }
});

Deno.test("SAGEMAKER_STICKY_VARIANTS malformed → 500 naming the variable, not its value", async () => {
  const h = harness("risk-score", {
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

Deno.test("e2e: an explicit variant reaches the stand-in and becomes model_version", async () => {
  await withStack({}, async ({ call }) => {
    for (const variant of ["model-v1", "model-v2", "AllTraffic"]) {
      const answer = await call(RISK, { ...RISK_BODY, variant });
      assert.equal(answer.status, 200, answer.text);
      // The raw XGBoost answer has no version: the invoked variant is used.
      assert.equal(answer.json?.model_version, variant);
    }
    const unpinned = await call(RISK, RISK_BODY);
    assert.equal(unpinned.json?.model_version, "AllTraffic");
    // A custom script's own model_version wins over the variant header.
    const triage = await call(TRIAGE, { ...TRIAGE_BODY, variant: "model-v2" });
    assert.equal(triage.status, 200, triage.text);
    assert.equal(triage.json?.model_version, TRIAGE_MODEL_VERSION);
  });
});

Deno.test("e2e: a malformed variant is 422; an unknown one is SageMaker's ValidationError", async () => {
  await withStack({}, async ({ stack, call }) => {
    const malformed = await call(RISK, { ...RISK_BODY, variant: "model_v2" });
    assert.equal(malformed.status, 422, malformed.text);
    const errors = malformed.json?.errors as { path: string; code: string }[];
    assert.deepEqual(errors.map((e) => [e.path, e.code]), [[
      "variant",
      "invalid_format",
    ]]);
    assert.equal(stack.standIn.stats().total, 0);
    const unknown = await call(RISK, { ...RISK_BODY, variant: "model-v9" });
    assert.equal(unknown.status, 502, unknown.text);
    assert.equal(unknown.json?.code, "sagemaker_validation_error");
  });
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
          assert.equal(answer.json?.model_version, expected, sub);
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
    { env: { SAGEMAKER_STICKY_VARIANTS: STICKY } },
    async ({ call, logs, stack }) => {
      const sub = "user-1";
      const token = await userToken(sub);
      const sticky = documentedVariant(RISK_ENDPOINT, sub, WEIGHTS);
      const other = sticky === "model-v1" ? "model-v2" : "model-v1";
      const pinned = await call(RISK, { ...RISK_BODY, variant: other }, {
        authorization: `Bearer ${token}`,
      });
      assert.equal(pinned.json?.model_version, other);
      // The anon key has no `sub`: no sticky assignment.
      const anonymous = await call(RISK, RISK_BODY);
      assert.equal(anonymous.json?.model_version, "AllTraffic");
      const service = await call(RISK, RISK_BODY, {
        authorization: `Bearer ${stack.serviceRoleKey}`,
      });
      assert.equal(service.json?.model_version, "AllTraffic");
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
          answer.json?.model_version,
          documentedVariant("medical-image-classifier", sub, WEIGHTS),
        );
      }
    },
  );
});
