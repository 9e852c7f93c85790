/**
 * The demo page's pure modules (demo/lib/*.js) and its static handler
 * (local/demo_page.ts), without a browser.
 *
 * Run: deno test --allow-read tests/browser/demo_units_test.ts
 *
 * @module
 */

import assert from "node:assert/strict";
import { Gateway, signAwsRequest } from "../../pkg/mod.js";
import { createDemoPageHandler } from "../../local/demo_page.ts";
import {
  bytesToBase64,
  encodeJson,
  imageDataFromFile,
  imagePayload,
  numberField,
  riskPayload,
  triagePayload,
} from "../../demo/lib/payloads.js";
import {
  describeBody,
  humanize,
  itemIndex,
  levelOf,
  owningField,
  parseServerTiming,
  percent,
} from "../../demo/lib/format.js";
import { DEMO_CREDENTIALS, signedRequestText } from "../../demo/lib/signed.js";

// As the page builds them from config.json: the deployment's buckets, one
// gateway per function, holding the demo credentials.
const SETTINGS = { region: "us-east-1", allowedBuckets: ["scans-bucket"] };
const gateways = {
  "sagemaker-triage": new Gateway(
    SETTINGS,
    "sagemaker-triage",
    DEMO_CREDENTIALS,
  ),
  "sagemaker-image-analysis": new Gateway(
    SETTINGS,
    "sagemaker-image-analysis",
    DEMO_CREDENTIALS,
  ),
  "sagemaker-risk-score": new Gateway(
    SETTINGS,
    "sagemaker-risk-score",
    DEMO_CREDENTIALS,
  ),
};

Deno.test("numberField: empty is left out, numbers parse, text stays text", () => {
  assert.equal(numberField(""), undefined);
  assert.equal(numberField("   "), undefined);
  assert.equal(numberField(" 45 "), 45);
  assert.equal(numberField("38.4"), 38.4);
  assert.equal(numberField("38,4"), 38.4);
  assert.equal(numberField("-1"), -1);
  assert.equal(numberField(".5"), 0.5);
  assert.equal(numberField("1e2"), 100);
  assert.equal(numberField("forty"), "forty");
  assert.equal(numberField("1,2,3"), "1,2,3");
  assert.equal(numberField("0x10"), "0x10");
});

Deno.test("the page's bodies are what the gateway accepts", () => {
  const triage = triagePayload({
    symptoms: ["fever", "cough"],
    age: "35",
    gender: "female",
    history: [],
    medications: [],
  });
  assert.deepEqual(triage, {
    symptoms: ["fever", "cough"],
    patient_data: { age: 35, gender: "female" },
  });
  assert.deepEqual(
    gateways["sagemaker-triage"].validate(
      encodeJson(triage),
    ),
    [],
  );

  const risk = riskPayload({
    numbers: {
      age: "67",
      heart_rate_bpm: "112",
      systolic_bp_mmhg: "165",
      diastolic_bp_mmhg: "95",
      respiratory_rate_per_min: "24",
      temperature_c: "38,4",
      spo2_percent: "91",
      bmi: "",
    },
    gender: "male",
    smokingStatus: "",
    chronicConditions: ["copd", "diabetes"],
  });
  assert.deepEqual(risk, {
    patient_data: {
      age: 67,
      gender: "male",
      heart_rate_bpm: 112,
      systolic_bp_mmhg: 165,
      diastolic_bp_mmhg: 95,
      respiratory_rate_per_min: 24,
      temperature_c: 38.4,
      spo2_percent: 91,
      chronic_conditions: ["copd", "diabetes"],
    },
  });
  assert.deepEqual(
    gateways["sagemaker-risk-score"].validate(
      encodeJson(risk),
    ),
    [],
  );

  const image = imagePayload({
    imageData: "s3://scans-bucket/chest.png",
    imageType: "xray",
    analysisType: "classification",
  });
  assert.deepEqual(
    gateways["sagemaker-image-analysis"].validate(
      encodeJson(image),
    ),
    [],
  );
});

Deno.test("empty fields are left out, so the gateway says which are required", () => {
  const errors = gateways["sagemaker-triage"].validate(
    encodeJson(triagePayload({
      symptoms: [],
      age: "",
      gender: "",
      history: [],
      medications: [],
    })),
  );
  assert.deepEqual(
    errors.map((e) => `${e.path} ${e.code}`),
    [
      "symptoms too_few_items",
      "patient_data.age required",
      "patient_data.gender required",
    ],
  );
  assert.deepEqual(
    imagePayload({ imageData: undefined, imageType: "", analysisType: "" }),
    {},
  );
  const typed = gateways["sagemaker-risk-score"].validate(
    encodeJson(riskPayload({
      numbers: { age: "old" },
      gender: "male",
      smokingStatus: "",
      chronicConditions: [],
    })),
  );
  assert.ok(
    typed.some((e) =>
      e.path === "patient_data.age" && e.code === "invalid_type"
    ),
  );
});

Deno.test("files: a data URL with the browser's type, bare base64 without one", () => {
  assert.equal(
    imageDataFromFile("image/png", "AAAA"),
    "data:image/png;base64,AAAA",
  );
  assert.equal(imageDataFromFile("", "AAAA"), "AAAA");
  const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  assert.equal(bytesToBase64(bytes), btoa(binary));
});

Deno.test("parseServerTiming reads the gateway's header", () => {
  assert.deepEqual(parseServerTiming("model;dur=11, gateway;dur=7"), {
    model: 11,
    gateway: 7,
  });
  assert.deepEqual(
    parseServerTiming('model;desc="SageMaker";dur=12.5,cache, bad name;dur=1'),
    { model: 12.5 },
  );
  assert.deepEqual(parseServerTiming(null), {});
  assert.deepEqual(parseServerTiming("model;dur=abc"), {});
});

Deno.test("field errors find their field; items are named", () => {
  const fields = [
    "symptoms",
    "patient_data",
    "patient_data.age",
    "patient_data.chronic_conditions",
  ];
  assert.equal(owningField("patient_data.age", fields), "patient_data.age");
  assert.equal(owningField("symptoms[3]", fields), "symptoms");
  assert.equal(owningField("patient_data.foo", fields), "patient_data");
  assert.equal(
    owningField("patient_data.chronic_conditions[1]", fields),
    "patient_data.chronic_conditions",
  );
  assert.equal(owningField("patient_data.agex", ["patient_data.age"]), null);
  assert.equal(owningField("", fields), null);
  assert.equal(itemIndex("symptoms[3]", "symptoms"), 3);
  assert.equal(itemIndex("symptoms", "symptoms"), null);
});

Deno.test("formatting for people", () => {
  assert.equal(percent(0.6376), "64%");
  assert.equal(humanize("pleural_effusion"), "Pleural effusion");
  assert.deepEqual([0, 0.25, 0.5, 0.75, 1].map(levelOf), [
    "low",
    "moderate",
    "high",
    "critical",
    "critical",
  ]);
  assert.equal(
    describeBody("text/csv", new TextEncoder().encode("1,2\n")),
    "1,2\n",
  );
  assert.equal(
    describeBody("image/png", new Uint8Array(10)),
    "(10 bytes of image/png, not shown)",
  );
});

Deno.test("the demo signed request carries a SigV4 signature, never the secret", async () => {
  const body = encodeJson({
    symptoms: ["fever"],
    patient_data: { age: 35, gender: "female" },
  });
  const time = Date.UTC(2026, 0, 15, 12, 0, 0);
  const { text, url } = await signedRequestText(
    gateways["sagemaker-triage"],
    body,
    time,
  );
  assert.equal(
    url,
    "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/medical-triage-endpoint/invocations",
  );
  assert.match(
    text,
    /^POST \/endpoints\/medical-triage-endpoint\/invocations HTTP\/1\.1\nhost: runtime\.sagemaker\.us-east-1\.amazonaws\.com\n/,
  );
  assert.match(text, /\nx-amz-date: 20260115T120000Z\n/);
  assert.match(
    text,
    /Credential=AKIDEXAMPLE\/20260115\/us-east-1\/sagemaker\/aws4_request,\s+SignedHeaders=accept;content-type;host;x-amz-date,\s+Signature=[0-9a-f]{64}/,
  );
  assert.ok(!text.includes(DEMO_CREDENTIALS.secretAccessKey));
  // The same signature the gateway's signer gives for these inputs.
  const invocation = gateways["sagemaker-triage"].prepare(body, time);
  const expected = signAwsRequest({
    method: "POST",
    url,
    headers: invocation.headers,
    body: invocation.body,
    region: "us-east-1",
    service: "sagemaker",
    credentials: { ...DEMO_CREDENTIALS },
    timeMs: time,
  });
  const signature = expected.authorization.split("Signature=")[1];
  assert.ok(text.includes(signature));
});

Deno.test("demo page handler: config.json, files, CSP, nothing else", async () => {
  const handler = createDemoPageHandler({
    anonKey: "anon-key",
    accessToken: () => Promise.resolve("session-token"),
    allowedBuckets: ["bucket"],
    nonClinicalStandIn: true,
    region: "eu-west-1",
    endpointUrl: "http://127.0.0.1:54329",
  });
  const get = (path: string, method = "GET") =>
    handler(new Request(`http://127.0.0.1:9999${path}`, { method }));

  const config = await get("/demo/config.json");
  assert.ok(config);
  assert.equal(config.headers.get("cache-control"), "no-store");
  assert.deepEqual(await config.json(), {
    anonKey: "anon-key",
    accessToken: "session-token",
    allowedBuckets: ["bucket"],
    functionsUrl: "http://127.0.0.1:9999/functions/v1",
    nonClinicalStandIn: true,
    region: "eu-west-1",
    endpointUrl: "http://127.0.0.1:54329",
  });

  const index = await get("/");
  assert.ok(index);
  assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
  const csp = index.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /connect-src 'self'(;|$)/);
  assert.match(await index.text(), /<title>HealthNav/);

  const script = await get("/demo/app.js");
  assert.equal(
    script?.headers.get("content-type"),
    "text/javascript; charset=utf-8",
  );
  await script?.body?.cancel();
  const pkg = await get("/pkg/mod.js");
  assert.equal(pkg?.status, 200);
  await pkg?.body?.cancel();
  const head = await get("/demo/style.css", "HEAD");
  assert.equal(head?.body, null);

  for (
    const path of [
      "/demo/../deno.json",
      "/demo/%2e%2e/deno.json",
      "/local/dev.ts",
      "/demo/missing.js",
      "/demo/lib/",
      "/favicon.ico",
    ]
  ) {
    assert.equal(await get(path), null, path);
  }
  assert.equal(await get("/", "POST"), null);

  const elsewhere = createDemoPageHandler({
    anonKey: "k",
    accessToken: () => Promise.resolve("t"),
    functionsUrl: "https://abc.supabase.co/functions/v1/",
  });
  const other = await elsewhere(new Request("http://127.0.0.1:9999/"));
  assert.match(
    other?.headers.get("content-security-policy") ?? "",
    /connect-src 'self' https:\/\/abc\.supabase\.co;/,
  );
  await other?.body?.cancel();
  const otherConfig = await elsewhere(
    new Request("http://127.0.0.1:9999/demo/config.json"),
  );
  assert.equal(
    (await otherConfig?.json()).functionsUrl,
    "https://abc.supabase.co/functions/v1",
  );

  assert.throws(
    () =>
      createDemoPageHandler({
        anonKey: "",
        accessToken: () => Promise.resolve("t"),
      }),
    TypeError,
  );
});
