/**
 * Asynchronous image analysis end to end: router (verify_jwt) → function →
 * InvokeEndpointAsync on the stand-in (SigV4) → 202 with an id signed for
 * its caller; then GET on the function → SigV4-signed S3 GetObject on the
 * stand-in's S3 → pending (202), the normalised result (200) or the failure's
 * problem. Another patient, or the app's public key, gets the 404 of an
 * unknown id, and no log line holds an id.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/async_image_e2e_test.ts
 */
import assert from "node:assert/strict";
import {
  IMAGE_CLASSES,
  imageClassProbabilities,
} from "../../local/sagemaker_stand_in/models/medical_image_classifier.ts";
import { startLocalStack } from "../../local/local_stack.ts";
import { pngBytes, round4 } from "./helpers/payloads.ts";
import {
  type HttpAnswer,
  type StackHarness,
  type StackOptions,
  withStack,
} from "./helpers/stack.ts";

const IMAGE = "sagemaker-image-analysis";
const HOLD = { asyncDelayMs: 3_600_000 }; // jobs run when the test says so
const SUBMIT = {
  image_data: "s3://patient-images/scans/p1.png",
  image_type: "xray",
  async: true,
};

/** GET on the function through the router, as the first patient unless `init` says otherwise. */
async function get(
  harness: StackHarness,
  path: string,
  init: RequestInit = {},
): Promise<HttpAnswer> {
  const token = (await harness.stack.signIn()).access_token;
  const response = await fetch(`${harness.stack.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...init.headers,
    },
  });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function assertProblem(answer: HttpAnswer, status: number, code: string) {
  assert.equal(answer.status, status, answer.text);
  assert.equal(answer.headers.get("content-type"), "application/problem+json");
  assert.equal(answer.json?.code, code, answer.text);
}

async function expectedResult(bytes: Uint8Array) {
  const probabilities = await imageClassProbabilities(bytes);
  return IMAGE_CLASSES.map((condition, i) => ({
    condition,
    confidence: round4(probabilities[i]),
    severity: null,
  })).sort((a, b) => b.confidence - a.confidence);
}

/** The stand-in's bucket the tests upload to, allowed as an operator would. */
const BUCKETS = { IMAGE_S3_ALLOWED_BUCKETS: "patient-images" };

async function withAsyncStack(
  options: StackOptions,
  body: (harness: StackHarness) => Promise<void>,
) {
  const env = { ...BUCKETS, ...options.env };
  await withStack({ ...options, env }, async (harness) => {
    await harness.stack.standIn.s3.putObject(
      "patient-images",
      "scans/p1.png",
      pngBytes(),
      "image/png",
    );
    await body(harness);
  });
}

Deno.test("async: submit → 202 → pending → done, the result read from S3 and normalised", async () => {
  await withAsyncStack(HOLD, async (harness) => {
    const { stack, call, records } = harness;
    const submitted = await call(IMAGE, SUBMIT);
    assert.equal(submitted.status, 202, submitted.text);
    const id = submitted.json!.id as string;
    assert.equal(submitted.json!.status, "pending");
    assert.match(submitted.json!.inference_id as string, /^[0-9a-f-]{36}$/);
    const location = submitted.headers.get("location")!;
    assert.equal(location, `/functions/v1/${IMAGE}/${id}`);
    assert.deepEqual(stack.standIn.stats().invocations, {
      "medical-image-classifier-async": 1,
    });

    const pending = await get(harness, location);
    assert.equal(pending.status, 202, pending.text);
    assert.deepEqual(pending.json, { status: "pending", id });
    assert.equal(pending.headers.get("retry-after"), "2");

    await stack.standIn.asyncInvocations.completeAll();
    for (const path of [location, `/functions/v1/${IMAGE}?id=${id}`]) {
      const done = await get(harness, path);
      assert.equal(done.status, 200, done.text);
      assert.deepEqual(
        done.json!.predictions,
        await expectedResult(pngBytes()),
      );
      assert.equal(done.json!.output_format, "image_classification");
      assert.ok(Number.isInteger(done.json!.inference_time_ms));
    }
    // Every call the stand-in and its S3 saw was signed and accepted.
    const refused = records("stand-in").filter((r) =>
      (r.status as number) >= 400 && r.status !== 404
    );
    assert.deepEqual(refused, []);
    const gets = records("function").filter((r) => r.method === "GET");
    assert.deepEqual(gets.map((r) => r.status), [202, 200, 200]);
  });
});

Deno.test("async: the stand-in's own timer completes the invocation", async () => {
  await withAsyncStack({ asyncDelayMs: 30 }, async (harness) => {
    const submitted = await harness.call(IMAGE, SUBMIT);
    const location = submitted.headers.get("location")!;
    let answer = await get(harness, location);
    for (let i = 0; i < 100 && answer.status === 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      answer = await get(harness, location);
    }
    assert.equal(answer.status, 200, answer.text);
  });
});

Deno.test("async: a failed inference is the failure's problem, without its text", async () => {
  await withAsyncStack(HOLD, async (harness) => {
    const { stack, call } = harness;
    await stack.standIn.s3.putObject(
      "patient-images",
      "scans/zebra-marker.png",
      "patient zebra-marker text, not an image",
    );
    const notAnImage = await call(IMAGE, {
      ...SUBMIT,
      image_data: "s3://patient-images/scans/zebra-marker.png",
    });
    const missing = await call(IMAGE, {
      ...SUBMIT,
      image_data: "s3://patient-images/scans/missing.png",
    });
    await stack.standIn.asyncInvocations.completeAll();
    for (const submitted of [notAnImage, missing]) {
      const answer = await get(harness, submitted.headers.get("location")!);
      assertProblem(answer, 422, "model_rejected_input");
      assert.doesNotMatch(answer.text, /not an image|NoSuchKey/);
    }
  });
});

Deno.test("async: missing, forged, altered and foreign ids are 4xx; S3 is never read for them", async () => {
  const other = await startLocalStack({ log: () => {}, env: BUCKETS });
  let foreignId: string;
  try {
    const token = (await other.signIn()).access_token;
    const response = await fetch(`${other.url}/functions/v1/${IMAGE}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(SUBMIT),
    });
    foreignId = (await response.json()).id;
  } finally {
    await other.close();
  }
  await withAsyncStack(HOLD, async (harness) => {
    const submitted = await harness.call(IMAGE, SUBMIT);
    const id = submitted.json!.id as string;
    const [version, payload, tag] = id.split(".");
    const decoded = JSON.parse(
      atob(payload.replace(/-/g, "+").replace(/_/g, "/")),
    );
    const retargeted = btoa(
      JSON.stringify({ ...decoded, o: "s3://patient-images/scans/p1.png" }),
    ).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const cases: [string, number, string][] = [
      [`/functions/v1/${IMAGE}`, 400, "missing_async_id"],
      [`/functions/v1/${IMAGE}?id=`, 400, "missing_async_id"],
      [
        `/functions/v1/${IMAGE}/${version}.${retargeted}.${tag}`,
        404,
        "unknown_async_id",
      ],
      [
        `/functions/v1/${IMAGE}/${id.slice(0, -1)}${
          id.endsWith("A") ? "B" : "A"
        }`,
        404,
        "unknown_async_id",
      ],
      [`/functions/v1/${IMAGE}/${foreignId}`, 404, "unknown_async_id"],
      [
        `/functions/v1/${IMAGE}/%2E%2E%2Fsecrets%2Fkey.pem`,
        404,
        "unknown_async_id",
      ],
    ];
    const s3Before = harness.records("stand-in").length;
    for (const [path, status, code] of cases) {
      assertProblem(await get(harness, path), status, code);
    }
    assert.equal(harness.records("stand-in").length, s3Before);
    // Without a token the router refuses before the function sees the id.
    const anonymous = await fetch(
      `${harness.stack.url}/functions/v1/${IMAGE}/${id}`,
    );
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
  });
});

Deno.test("async: an id opens only for the patient who started it; it is in no log line", async () => {
  await withAsyncStack(
    { ...HOLD, env: { ALLOW_ANONYMOUS_CALLERS: "true" } },
    async (harness) => {
      const { stack, call, logs } = harness;
      const submitted = await call(IMAGE, SUBMIT);
      const id = submitted.json!.id as string;
      await stack.standIn.asyncInvocations.completeAll();
      const path = `/functions/v1/${IMAGE}/${id}`;
      const own = await get(harness, path);
      assert.equal(own.status, 200, own.text);
      const unknown = await get(harness, `/functions/v1/${IMAGE}/v2.e30.AAAA`);
      const s3Before = harness.records("stand-in").length;
      const [, another] = stack.patients;
      const strangers = [
        `Bearer ${(await stack.signIn(another)).access_token}`,
        // The app's public key, which this operator lets call.
        `Bearer ${stack.anonKey}`,
      ];
      for (const authorization of strangers) {
        const answer = await get(harness, path, { headers: { authorization } });
        assertProblem(answer, 404, "unknown_async_id");
        // Indistinguishable from an id that was never issued.
        assert.equal(answer.json!.detail, unknown.json!.detail);
      }
      assert.equal(harness.records("stand-in").length, s3Before);
      // Neither the router nor the function logs the id, even in part.
      const [, payload, tag] = id.split(".");
      for (const line of logs) {
        assert.ok(!line.includes(payload) && !line.includes(tag), line);
      }
    },
  );
});

Deno.test("async: a caller without a sub cannot start an inference", async () => {
  await withAsyncStack(
    { ...HOLD, env: { ALLOW_ANONYMOUS_CALLERS: "true" } },
    async ({ call, stack }) => {
      const answer = await call(IMAGE, SUBMIT, {
        authorization: `Bearer ${stack.anonKey}`,
      });
      assertProblem(answer, 422, "validation_failed");
      assert.deepEqual(
        (answer.json!.errors as { path: string; code: string }[]).map((e) => [
          e.path,
          e.code,
        ]),
        [["async", "not_allowed"]],
      );
      assert.equal(stack.standIn.stats().total, 0);
    },
  );
});

Deno.test("s3 images: with a {sub} key prefix each patient reaches only their own uploads", async () => {
  await withAsyncStack(
    { ...HOLD, env: { IMAGE_S3_KEY_PREFIX: "patients/{sub}/" } },
    async ({ call, stack }) => {
      const [patient, another] = stack.patients;
      const own = await call(IMAGE, {
        ...SUBMIT,
        image_data: `s3://patient-images/patients/${patient.id}/xray.png`,
      });
      assert.equal(own.status, 202, own.text);
      for (
        const key of [
          `patients/${another.id}/xray.png`,
          "scans/p1.png",
          `patients/${patient.id}-x/xray.png`,
        ]
      ) {
        const answer = await call(IMAGE, {
          ...SUBMIT,
          image_data: `s3://patient-images/${key}`,
        });
        assertProblem(answer, 422, "validation_failed");
        const [error] = answer.json!.errors as { path: string; code: string }[];
        assert.deepEqual([error.path, error.code], [
          "image_data",
          "not_allowed",
        ]);
      }
      assert.equal(stack.standIn.stats().total, 1);
    },
  );
});

Deno.test("s3 images: buckets nobody listed are refused, the guide's own bucket included", async () => {
  await withStack(
    { env: { IMAGE_S3_ALLOWED_BUCKETS: "patient-images" } },
    async ({ call, stack }) => {
      for (
        const uri of [
          "s3://bucket/image.jpg",
          "s3://other-patients-bucket/x.png",
        ]
      ) {
        const answer = await call(IMAGE, {
          image_data: uri,
          image_type: "xray",
        });
        assertProblem(answer, 422, "validation_failed");
        assert.equal(
          (answer.json!.errors as { code: string }[])[0].code,
          "not_allowed",
        );
      }
      assert.equal(stack.standIn.stats().total, 0);
    },
  );
});

Deno.test("async: requests that cannot be asynchronous are 422", async () => {
  await withAsyncStack(HOLD, async ({ call, stack }) => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        {
          ...SUBMIT,
          image_data: `data:image/png;base64,${
            btoa(String.fromCharCode(...pngBytes()))
          }`,
        },
        "async",
        "conflicting_field",
      ],
      [{ ...SUBMIT, variant: "model-v1" }, "variant", "conflicting_field"],
      [{ ...SUBMIT, async: 1 }, "async", "invalid_type"],
    ];
    for (const [body, path, code] of cases) {
      const answer = await call(IMAGE, body);
      assertProblem(answer, 422, "validation_failed");
      assert.deepEqual(
        (answer.json!.errors as { path: string; code: string }[]).map((
          e,
        ) => [e.path, e.code]),
        [[path, code]],
      );
    }
    assert.equal(stack.standIn.stats().total, 0);
  });
});

Deno.test("methods: GET only on image analysis; preflight says so", async () => {
  await withStack({ env: { CORS_ALLOWED_ORIGINS: "*" } }, async (harness) => {
    const triage = await get(harness, "/functions/v1/sagemaker-triage?id=x");
    assertProblem(triage, 405, "method_not_allowed");
    assert.equal(triage.headers.get("allow"), "POST, OPTIONS");
    for (
      const [slug, methods] of [
        [IMAGE, "GET, POST, OPTIONS"],
        ["sagemaker-risk-score", "POST, OPTIONS"],
      ]
    ) {
      const preflight = await fetch(
        `${harness.stack.url}/functions/v1/${slug}`,
        {
          method: "OPTIONS",
          headers: {
            origin: "https://app.example",
            "access-control-request-method": "GET",
          },
        },
      );
      assert.equal(preflight.status, 204);
      assert.equal(
        preflight.headers.get("access-control-allow-methods"),
        methods,
      );
      await preflight.body?.cancel();
    }
  });
});
