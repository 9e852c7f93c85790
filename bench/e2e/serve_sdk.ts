/**
 * E2E, AWS SDK v3: the smallest equivalent triage function with
 * `@aws-sdk/client-sagemaker-runtime` and its defaults (as resolved by Deno:
 * the Node.js runtime config). Parse the JSON, InvokeEndpoint, return the
 * model's JSON.
 *
 * @module
 */
import {
  InvokeEndpointCommand,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  serve,
  standInUrl,
  withVerifiedCaller,
} from "./_serve.ts";

const client = new SageMakerRuntimeClient({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoint: standInUrl(),
});

serve(withVerifiedCaller(async (request) => {
  let input: unknown;
  try {
    input = await request.json();
  } catch {
    return Response.json({ error: "invalid_json" }, { status: 400 });
  }
  try {
    const output = await client.send(
      new InvokeEndpointCommand({
        EndpointName: "medical-triage-endpoint",
        ContentType: "application/json",
        Accept: "application/json",
        Body: JSON.stringify(input),
      }),
    );
    // Body is a Uint8Array (the SDK's Uint8ArrayBlobAdapter).
    return new Response(output.Body as unknown as BodyInit, {
      headers: { "content-type": "application/json" },
    });
  } catch {
    return Response.json({ error: "upstream_error" }, { status: 502 });
  }
}));
