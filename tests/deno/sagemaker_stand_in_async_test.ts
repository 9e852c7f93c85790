/**
 * Tests of the stand-in's InvokeEndpointAsync emulation and its S3 (the
 * queue, the result and failure objects, SigV4 for service "s3", S3's XML
 * errors), and of the triage models' JSON Lines batch form. Requests are
 * signed with @smithy/signature-v4 or sent by the real AWS SDK client.
 *
 *   deno test --allow-net=127.0.0.1 --allow-env --allow-read tests/deno/sagemaker_stand_in_async_test.ts
 */
import assert from "node:assert/strict";
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { Sha256 } from "@aws-crypto/sha256-js";
import {
  InvokeEndpointAsyncCommand,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import {
  LOCAL_CREDENTIALS,
  type StandIn,
  type StandInOptions,
  startSageMakerStandIn,
  TRIAGE_MODEL_VERSION,
} from "../../local/sagemaker_stand_in/mod.ts";
import { imageClassProbabilities } from "../../local/sagemaker_stand_in/models/medical_image_classifier.ts";
import { triageClassProbabilities } from "../../local/sagemaker_stand_in/models/medical_triage_xgboost.ts";
import { assessTriage } from "../../local/sagemaker_stand_in/models/triage_rules.ts";
import { pngBytes } from "./helpers/payloads.ts";

const ASYNC_ENDPOINT = "medical-image-classifier-async";
const EMPTY_SHA256 =
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

async function withStandIn(
  run: (standIn: StandIn) => Promise<void>,
  options: StandInOptions = {},
): Promise<void> {
  const standIn = await startSageMakerStandIn({
    log: () => {},
    asyncDelayMs: 3_600_000, // jobs run when the test says so
    ...options,
  });
  try {
    await run(standIn);
  } finally {
    await standIn.close();
  }
}

/** A request signed with smithy, as any AWS client signs it. */
async function signedFetch(
  base: string,
  options: {
    method: string;
    path: string;
    service: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    secret?: string;
    signingDate?: Date;
    unsigned?: boolean;
  },
): Promise<Response> {
  const url = new URL(base);
  const body = options.body ?? "";
  const signer = new SignatureV4({
    service: options.service,
    region: "us-east-1",
    credentials: {
      ...LOCAL_CREDENTIALS,
      secretAccessKey: options.secret ?? LOCAL_CREDENTIALS.secretAccessKey,
    },
    sha256: Sha256,
    uriEscapePath: options.service !== "s3",
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: options.method,
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: options.path,
      headers: { host: url.host, ...options.headers },
      body,
    }),
    { signingDate: options.signingDate ?? new Date() },
  );
  const headers = options.unsigned
    ? { ...options.headers }
    : { ...signed.headers } as Record<string, string>;
  delete headers.host;
  const response = await fetch(`${base}${options.path}`, {
    method: options.method,
    headers,
    body: options.method === "GET" || options.method === "HEAD"
      ? undefined
      : body as BodyInit,
  });
  return response;
}

function s3Get(standIn: StandIn, path: string, extra = {}) {
  return signedFetch(standIn.s3Url, {
    method: "GET",
    path,
    service: "s3",
    headers: { "x-amz-content-sha256": EMPTY_SHA256 },
    ...extra,
  });
}

function submit(
  standIn: StandIn,
  headers: Record<string, string>,
  endpoint = ASYNC_ENDPOINT,
) {
  return signedFetch(standIn.url, {
    method: "POST",
    path: `/endpoints/${endpoint}/async-invocations`,
    service: "sagemaker",
    headers,
  });
}

function s3Path(uri: string): string {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  assert.ok(match, uri);
  return `/${match[1]}/${match[2]}`;
}

// ---------------------------------------------------------- InvokeEndpointAsync

Deno.test("the AWS SDK's InvokeEndpointAsync is accepted; the output lands in S3", async () => {
  await withStandIn(async (standIn) => {
    await standIn.s3.putObject("patient-images", "p1.png", pngBytes());
    const client = new SageMakerRuntimeClient({
      region: "us-east-1",
      endpoint: standIn.url,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    client.middlewareStack.remove("getUserAgentMiddleware");
    try {
      const answer = await client.send(
        new InvokeEndpointAsyncCommand({
          EndpointName: ASYNC_ENDPOINT,
          InputLocation: "s3://patient-images/p1.png",
          ContentType: "image/png",
          Accept: "application/json",
          InferenceId: "sdk-inference-1",
        }),
      );
      assert.equal(answer.InferenceId, "sdk-inference-1");
      assert.match(
        answer.OutputLocation!,
        /^s3:\/\/standin-async-results\/output\/[0-9a-f-]{36}\.out$/,
      );
      assert.match(
        answer.FailureLocation!,
        /^s3:\/\/standin-async-results\/failures\/[0-9a-f-]{36}-error\.out$/,
      );
      assert.equal(standIn.asyncInvocations.pending(), 1);
      // Not written before it runs.
      const early = await s3Get(standIn, s3Path(answer.OutputLocation!));
      assert.equal(early.status, 404);
      assert.match(await early.text(), /<Code>NoSuchKey<\/Code>/);

      await standIn.asyncInvocations.completeAll();
      assert.equal(standIn.asyncInvocations.pending(), 0);
      const output = await s3Get(standIn, s3Path(answer.OutputLocation!));
      assert.equal(output.status, 200);
      assert.equal(output.headers.get("content-type"), "application/json");
      assert.deepEqual(await output.json(), {
        prediction: await imageClassProbabilities(pngBytes()),
      });
      const failure = await s3Get(standIn, s3Path(answer.FailureLocation!));
      assert.equal(failure.status, 404);
      await failure.body?.cancel();
      assert.deepEqual(standIn.stats().invocations, { [ASYNC_ENDPOINT]: 1 });
    } finally {
      client.destroy();
    }
  });
});

Deno.test("a failed or unreadable input becomes a ModelError failure document", async () => {
  await withStandIn(async (standIn) => {
    await standIn.s3.putObject("patient-images", "fake.png", "not an image");
    const cases = [
      ["s3://patient-images/fake.png", 415],
      ["s3://patient-images/missing.png", 400],
    ] as const;
    const failures: string[] = [];
    for (const [input] of cases) {
      const answer = await submit(standIn, {
        "x-amzn-sagemaker-inputlocation": input,
        "x-amzn-sagemaker-content-type": "image/png",
      });
      assert.equal(answer.status, 202);
      assert.match((await answer.json()).InferenceId, /^[0-9a-f-]{36}$/);
      failures.push(answer.headers.get("x-amzn-sagemaker-failurelocation")!);
    }
    await standIn.asyncInvocations.completeAll();
    for (const [index, [, status]] of cases.entries()) {
      const failure = await s3Get(standIn, s3Path(failures[index]));
      assert.equal(failure.status, 200);
      const document = await failure.json();
      assert.equal(document.ErrorCode, "CLIENT_ERROR_FROM_MODEL");
      assert.equal(document.OriginalStatusCode, status);
    }
  });
});

Deno.test("the timer runs an accepted invocation after the delay", async () => {
  await withStandIn(async (standIn) => {
    await standIn.s3.putObject("patient-images", "p1.png", pngBytes());
    const answer = await submit(standIn, {
      "x-amzn-sagemaker-inputlocation": "s3://patient-images/p1.png",
      "x-amzn-sagemaker-content-type": "image/png",
    });
    const output = s3Path(
      answer.headers.get("x-amzn-sagemaker-outputlocation")!,
    );
    await answer.body?.cancel();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const response = await s3Get(standIn, output);
      status = response.status;
      await response.body?.cancel();
    }
    assert.equal(status, 200);
  }, { asyncDelayMs: 30 });
});

Deno.test("InvokeEndpointAsync refusals", async () => {
  await withStandIn(async (standIn) => {
    const input = { "x-amzn-sagemaker-inputlocation": "s3://b1b/x.png" };
    const cases: [Record<string, string>, string, RegExp][] = [
      [input, "medical-image-classifier", /not configured for asynchronous/],
      [input, "nope", /Endpoint nope of account 123456789012 not found/],
      [{}, ASYNC_ENDPOINT, /InputLocation/],
      [
        { "x-amzn-sagemaker-inputlocation": "ftp://x/y" },
        ASYNC_ENDPOINT,
        /at 'inputLocation' failed to satisfy constraint/,
      ],
      [
        { ...input, "x-amzn-sagemaker-inference-id": "x".repeat(65) },
        ASYNC_ENDPOINT,
        /at 'inferenceId'/,
      ],
    ];
    for (const [headers, endpoint, message] of cases) {
      const answer = await submit(standIn, headers, endpoint);
      assert.equal(answer.status, 400, endpoint);
      assert.equal(answer.headers.get("x-amzn-errortype"), "ValidationError");
      assert.match((await answer.json()).message, message);
    }
    const unsigned = await fetch(
      `${standIn.url}/endpoints/${ASYNC_ENDPOINT}/async-invocations`,
      { method: "POST", headers: input },
    );
    assert.equal(unsigned.status, 403);
    await unsigned.body?.cancel();
    assert.equal(standIn.asyncInvocations.pending(), 0);
  });
});

// ------------------------------------------------------------------------ S3

Deno.test("S3: signed PUT, GET and HEAD; S3's errors for the rest", async () => {
  await withStandIn(async (standIn) => {
    const body = "hello object";
    const put = await signedFetch(standIn.s3Url, {
      method: "PUT",
      path: "/my-bucket/a%20dir/file.txt",
      service: "s3",
      headers: {
        "content-type": "text/plain",
        "x-amz-content-sha256": await sha256Hex(body),
      },
      body,
    });
    assert.equal(put.status, 200);
    await put.body?.cancel();
    assert.deepEqual(standIn.s3.list().filter((u) => u.includes("my-bucket")), [
      "s3://my-bucket/a dir/file.txt",
    ]);
    const got = await s3Get(standIn, "/my-bucket/a%20dir/file.txt");
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "text/plain");
    assert.equal(await got.text(), body);
    const head = await s3Get(standIn, "/my-bucket/a%20dir/file.txt", {
      method: "HEAD",
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(body.length));
    assert.equal(await head.text(), "");

    const cases: [Response, number, string][] = [
      [await s3Get(standIn, "/my-bucket/other.txt"), 404, "NoSuchKey"],
      [await s3Get(standIn, "/no-bucket/x"), 404, "NoSuchBucket"],
      [
        await s3Get(standIn, "/my-bucket/x", { unsigned: true }),
        403,
        "AccessDenied",
      ],
      [
        await s3Get(standIn, "/my-bucket/x", { secret: "wrong" }),
        403,
        "SignatureDoesNotMatch",
      ],
      [
        await s3Get(standIn, "/my-bucket/x", {
          signingDate: new Date(Date.now() - 3_600_000),
        }),
        403,
        "RequestTimeTooSkewed",
      ],
      // S3 wants the payload hash header on every signed request.
      [
        await fetch(`${standIn.s3Url}/my-bucket/x`, {
          headers: { authorization: "AWS4-HMAC-SHA256 Credential=x" },
        }),
        400,
        "InvalidRequest",
      ],
      // Signed for SageMaker, not S3.
      [
        await s3Get(standIn, "/my-bucket/a%20dir/file.txt", {
          service: "sagemaker",
        }),
        403,
        "SignatureDoesNotMatch",
      ],
    ];
    for (const [response, status, code] of cases) {
      assert.equal(response.status, status, code);
      assert.equal(response.headers.get("content-type"), "application/xml");
      assert.match(await response.text(), new RegExp(`<Code>${code}</Code>`));
    }
  });
});

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

// ------------------------------------------------- triage JSON Lines batches

const FEVER = {
  symptoms: ["fever", "cough"],
  age: 35,
  gender: "female",
  medical_history: [],
  current_medications: [],
};
const CHEST = {
  symptoms: ["chest pain"],
  age: 70,
  gender: "male",
  medical_history: [],
  current_medications: [],
};
const LINES = `${JSON.stringify(FEVER)}\n${JSON.stringify(CHEST)}\n`;

function invokeTriage(
  standIn: StandIn,
  endpoint: string,
  body: string,
  accept: string,
) {
  return signedFetch(standIn.url, {
    method: "POST",
    path: `/endpoints/${endpoint}/invocations`,
    service: "sagemaker",
    headers: { "content-type": "application/jsonlines", accept },
    body,
  });
}

Deno.test("triage models take JSON Lines and answer one record per line", async () => {
  await withStandIn(async (standIn) => {
    const rich = await invokeTriage(
      standIn,
      "medical-triage-endpoint",
      LINES,
      "application/jsonlines",
    );
    assert.equal(rich.status, 200);
    assert.equal(rich.headers.get("content-type"), "application/jsonlines");
    const lines = (await rich.text()).trimEnd().split("\n").map((line) =>
      JSON.parse(line)
    );
    assert.deepEqual(
      lines.map((line) => [line.risk_level, line.model_version]),
      [FEVER, CHEST].map((input) => [
        assessTriage(input as never).riskLevel,
        TRIAGE_MODEL_VERSION,
      ]),
    );

    const probabilities = [FEVER, CHEST].map((input) =>
      triageClassProbabilities(assessTriage(input as never).urgencyScore)
    );
    const xgboost = await invokeTriage(
      standIn,
      "medical-triage-xgboost",
      LINES,
      "application/jsonlines",
    );
    assert.deepEqual(
      (await xgboost.text()).trimEnd().split("\n").map((line) =>
        JSON.parse(line)
      ),
      probabilities.map((p) => ({
        predicted_label: p.indexOf(Math.max(...p)),
        probabilities: p,
      })),
    );
    const csv = await invokeTriage(
      standIn,
      "medical-triage-xgboost",
      LINES,
      "text/csv",
    );
    assert.equal((await csv.text()).trimEnd().split("\n").length, 2);
    const json = await invokeTriage(
      standIn,
      "medical-triage-xgboost",
      LINES,
      "application/json",
    );
    assert.deepEqual(await json.json(), {
      predictions: probabilities.map((score) => ({ score })),
    });
  });
});

Deno.test("a bad JSON line fails the whole request, naming the line", async () => {
  await withStandIn(async (standIn) => {
    const answer = await invokeTriage(
      standIn,
      "medical-triage-endpoint",
      `${JSON.stringify(FEVER)}\n{"symptoms": []}\n`,
      "application/jsonlines",
    );
    assert.equal(answer.status, 424);
    const body = await answer.json();
    assert.equal(body.OriginalStatusCode, 400);
    assert.match(body.OriginalMessage, /line 2: /);
    // JSON Lines in cannot be answered as one JSON document.
    const single = await invokeTriage(
      standIn,
      "medical-triage-endpoint",
      LINES,
      "application/json",
    );
    assert.equal(single.status, 424);
    assert.equal((await single.json()).OriginalStatusCode, 406);
  });
});
