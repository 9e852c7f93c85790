/**
 * Asynchronous image analysis through the app's client (client/dist) and a
 * real supabase-js client: submit (202), wait (GET polls honouring
 * Retry-After, backing off), cancel, time out, and unknown ids.
 *
 * Run: deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/healthnav_client_async_test.ts
 */
import assert from "node:assert/strict";
import { HealthNavError } from "../../client/dist/healthnav-client.js";
import { pngBytes } from "./helpers/payloads.ts";
import {
  type StackHarness,
  type StackOptions,
  withStack,
} from "./helpers/stack.ts";
import {
  appClient,
  assertValidAnswer,
  rejection,
} from "./helpers/app_client.ts";

const IMAGE = "sagemaker-image-analysis";
const SUBMIT = {
  image_data: "s3://patient-images/scans/p1.png",
  image_type: "xray" as const,
};
/** The stand-in holds jobs until the test completes them. */
const HOLD = { asyncDelayMs: 3_600_000 };

async function withImageInS3(
  options: StackOptions,
  body: (harness: StackHarness) => Promise<void>,
): Promise<void> {
  // The stand-in's bucket, allowed as an operator would allow theirs.
  const env = { IMAGE_S3_ALLOWED_BUCKETS: "patient-images", ...options.env };
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

function polls(harness: StackHarness): number {
  return harness.records("function").filter((r) => r.method === "GET").length;
}

function assertCode(error: unknown, status: number, code: string) {
  assert.ok(error instanceof HealthNavError, String(error));
  assert.equal(error.status, status, error.message);
  assert.equal(error.code, code, error.message);
}

Deno.test("client async: start → 202 job → polls while pending, Retry-After apart → the result", async () => {
  // The job finishes 2.5 s after submission: the poll at 2 s (Retry-After) is pending.
  await withImageInS3({ asyncDelayMs: 2_500 }, async (harness) => {
    const healthNav = await appClient(harness.stack);
    const job = await healthNav.startImageAnalysis(SUBMIT);
    assertValidAnswer(IMAGE, {
      status: "pending",
      id: job.id,
      inference_id: job.inferenceId,
    });
    assert.equal(job.retryAfterSeconds, 2);
    const started = Date.now();
    const result = await healthNav.waitForImageAnalysis(job);
    const waited = Date.now() - started;
    assertValidAnswer(IMAGE, result);
    assert.equal(result.output_format, "image_classification");
    assert.equal(polls(harness), 2, "one pending poll, then the result");
    assert.ok(
      waited >= 4_000 && waited < 8_000,
      `two Retry-After waits, took ${waited} ms`,
    );
  });
});

Deno.test("client async: analyzeImageLater submits and waits in one call; a bare id can be waited for", async () => {
  await withImageInS3({ asyncDelayMs: 100 }, async (harness) => {
    const healthNav = await appClient(harness.stack);
    const result = await healthNav.analyzeImageLater(SUBMIT);
    assertValidAnswer(IMAGE, result);
    const job = await healthNav.startImageAnalysis(SUBMIT);
    const again = await healthNav.waitForImageAnalysis(job.id); // no Retry-After: polls at once
    assert.deepEqual(again.predictions, result.predictions);
  });
});

Deno.test("client async: an AbortSignal cancels the wait at once, between polls or during one", async () => {
  await withImageInS3(HOLD, async (harness) => {
    const healthNav = await appClient(harness.stack);
    const job = await healthNav.startImageAnalysis(SUBMIT);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await rejection(
      healthNav.waitForImageAnalysis(job, { signal: controller.signal }),
    );
    assertCode(error, 0, "aborted");
    assert.ok(
      Date.now() - started < 1_000,
      "did not sit out the 2 s Retry-After",
    );
    assert.equal(polls(harness), 0);

    // Already aborted: nothing is sent.
    const early = await rejection(
      healthNav.analyzeImageLater(SUBMIT, { signal: controller.signal }),
    );
    assertCode(early, 0, "aborted");
    assert.deepEqual(harness.stack.standIn.stats().invocations, {
      "medical-image-classifier-async": 1,
    });

    // Aborted while a request is in flight (the model is slow).
    harness.stack.standIn.faults.inject({ fault: "slow", delayMs: 1_500 });
    const inFlight = new AbortController();
    setTimeout(() => inFlight.abort(), 100);
    const during = await rejection(
      healthNav.analyzeImage(SUBMIT, { signal: inFlight.signal }),
    );
    assertCode(during, 0, "aborted");
  });
});

Deno.test("client async: a result that stays pending ends in timeout; unknown ids are refused", async () => {
  await withImageInS3(HOLD, async (harness) => {
    const healthNav = await appClient(harness.stack);
    const job = await healthNav.startImageAnalysis(SUBMIT);
    const started = Date.now();
    const pending = await rejection(
      healthNav.waitForImageAnalysis({ ...job, retryAfterSeconds: 0 }, {
        timeoutMs: 1_500,
      }),
    );
    assertCode(pending, 0, "timeout");
    // The pending answer said Retry-After: 2, past the deadline: the client
    // gives up at once rather than poll early or sleep in vain.
    assert.equal(polls(harness), 1);
    assert.ok(Date.now() - started < 1_000);

    const forged = await rejection(
      healthNav.waitForImageAnalysis(`${job.id.slice(0, -2)}AA`),
    );
    assertCode(forged, 404, "unknown_async_id");
    const sneaky = await rejection(
      healthNav.waitForImageAnalysis("../sagemaker-triage"),
    );
    assertCode(sneaky, 0, "invalid_async_id");
  });
});

Deno.test("client async: an inline image with async is a 422 naming the conflict", async () => {
  await withImageInS3({}, async (harness) => {
    const healthNav = await appClient(harness.stack);
    const png = btoa(String.fromCharCode(...pngBytes()));
    const error = await rejection(
      healthNav.startImageAnalysis({ image_data: png, image_type: "xray" }),
    );
    assertCode(error, 422, "validation_failed");
    assert.ok(error instanceof HealthNavError);
    assert.deepEqual(error.errors.map((e) => [e.path, e.code]), [[
      "async",
      "conflicting_field",
    ]]);
  });
});
