import assert from "node:assert/strict";
import {
  instanceReplacements,
  panicForTests,
  ResilientGateway,
  signAwsRequest,
} from "../../edge/_shared/wasm_gateway.ts";

const TRIAGE = new TextEncoder().encode(JSON.stringify({
  symptoms: ["fever", "cough"],
  patient_data: { age: 35, gender: "female" },
}));

Deno.test("a panic traps the instance; the loader replaces it and the next call succeeds", () => {
  const gateway = new ResilientGateway({ region: "us-east-1" });
  assert.equal(
    gateway.buildInvocation("triage", TRIAGE).endpoint,
    "medical-triage-endpoint",
  );
  const before = instanceReplacements();

  assert.throws(() => panicForTests(), WebAssembly.RuntimeError);
  assert.equal(instanceReplacements(), before + 1);

  // The Gateway built on the trapped instance is rebuilt transparently.
  const invocation = gateway.buildInvocation("triage", TRIAGE);
  assert.equal(invocation.endpoint, "medical-triage-endpoint");
  assert.deepEqual(
    gateway.validateRequest("triage", new TextEncoder().encode("{}")).map((e) =>
      e.path
    ),
    [
      "symptoms",
      "age",
      "gender",
    ],
  );
  const signed = signAwsRequest({
    method: "POST",
    url: invocation.url,
    headers: invocation.headers,
    body: invocation.body,
    region: "us-east-1",
    service: "sagemaker",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    timeMs: Date.UTC(2026, 0, 1),
  });
  assert.match(
    signed.authorization,
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260101\/us-east-1\/sagemaker\/aws4_request/,
  );
});

Deno.test("repeated traps keep being recovered", () => {
  const gateway = new ResilientGateway({ region: "us-east-1" });
  for (let i = 0; i < 5; i++) {
    assert.throws(() => panicForTests(), WebAssembly.RuntimeError);
    assert.equal(
      gateway.buildInvocation("triage", TRIAGE).endpoint,
      "medical-triage-endpoint",
    );
  }
});
