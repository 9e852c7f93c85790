/**
 * The wasm loader (edge/_shared/wasm_gateway.ts) survives an instance that
 * can no longer be trusted: a trap (`WebAssembly.RuntimeError`, what a Rust
 * panic or a wild memory access becomes) and a stack overflow inside wasm
 * (`RangeError`) both replace the instance, and the next call works. The
 * production pkg/ has no test-only export: the trap is made the way a bug
 * would make it, by handing wasm a pointer outside its memory.
 *
 * Run: deno test --allow-read tests/deno/wasm_trap_recovery_test.ts
 */
import assert from "node:assert/strict";
import * as pkg from "../../pkg/mod.js";
import {
  guarded,
  instanceReplacements,
  ResilientGateway,
  signAwsRequest,
} from "../../edge/_shared/wasm_gateway.ts";

const encoder = new TextEncoder();
const TRIAGE = encoder.encode(JSON.stringify({
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
}));
// The deepest JSON the parser walks: the most stack one wasm call uses.
const DEEP = encoder.encode("[".repeat(32) + "]".repeat(32));

/** A Gateway whose pointer lies far outside the instance's memory. */
function wildGateway(): pkg.Gateway {
  const wild = Object.create(pkg.Gateway.prototype);
  wild.__wbg_ptr = 0xfffffff0;
  return wild;
}

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" };

function triageGateway(): ResilientGateway {
  return new ResilientGateway(
    { region: "us-east-1" },
    "sagemaker-triage",
    CREDENTIALS,
  );
}

function assertWorks(gateway: ResilientGateway): void {
  const invocation = gateway.prepare(TRIAGE, Date.UTC(2026, 0, 1));
  assert.equal(invocation.endpoint, "medical-triage-endpoint");
  assert.deepEqual(
    gateway.validate(encoder.encode("{}")).map((e) => e.path),
    ["symptoms", "age", "gender"],
  );
  assert.deepEqual(
    gateway.signAttempt(invocation, Date.UTC(2026, 0, 1)),
    invocation.firstAttemptSignature,
  );
  const signed = signAwsRequest({
    method: "POST",
    url: invocation.url,
    headers: invocation.headers,
    body: invocation.body,
    region: "us-east-1",
    service: "sagemaker",
    credentials: CREDENTIALS,
    timeMs: Date.UTC(2026, 0, 1),
  });
  assert.match(
    signed.authorization,
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260101\/us-east-1\/sagemaker\/aws4_request/,
  );
}

Deno.test("pkg/ exports no test-only function", () => {
  assert.deepEqual(Object.keys(pkg).sort(), [
    "Gateway",
    "errorCodeTable",
    "resetAfterTrap",
    "signAwsRequest",
  ]);
});

Deno.test("a trap replaces the instance; the Gateways built on it are rebuilt and work", () => {
  const gateway = triageGateway();
  assertWorks(gateway);
  const before = instanceReplacements();
  assert.throws(
    () => guarded(() => wildGateway().endpointNames()),
    WebAssembly.RuntimeError,
  );
  assert.equal(instanceReplacements(), before + 1);
  assertWorks(gateway);
});

Deno.test("an object of a replaced instance refuses to run, and its finalizer leaves the new one alone", () => {
  const raw = new pkg.Gateway(
    { region: "us-east-1" },
    "sagemaker-triage",
    undefined,
  );
  assert.throws(
    () => guarded(() => wildGateway().endpointNames()),
    WebAssembly.RuntimeError,
  );
  // wasm-bindgen's reset marks it stale rather than letting it point into
  // the new instance's memory.
  assert.throws(() => raw.endpointNames(), /stale object/);
});

Deno.test("repeated traps keep being recovered", () => {
  const gateway = triageGateway();
  for (let i = 0; i < 5; i++) {
    const before = instanceReplacements();
    assert.throws(
      () => guarded(() => wildGateway().endpointNames()),
      WebAssembly.RuntimeError,
    );
    assert.equal(instanceReplacements(), before + 1);
    assertWorks(gateway);
  }
});

Deno.test("a stack overflow inside wasm (RangeError) replaces the instance too", () => {
  const gateway = triageGateway();
  const before = instanceReplacements();
  // Each level calls into wasm, then goes one JS frame deeper; near the end
  // of the stack the wasm call, which needs far more stack than one small JS
  // frame, is the one that overflows.
  const dive = (depth: number): number => {
    gateway.validate(DEEP);
    return dive(depth + 1) + 1;
  };
  assert.throws(() => dive(0), RangeError);
  assert.ok(
    instanceReplacements() > before,
    "the overflow happened inside wasm and replaced the instance",
  );
  assertWorks(gateway);
});
