/**
 * Cold start, the AWS SDK v3: import the SageMaker Runtime client, then send
 * one InvokeEndpoint command whose signed request a middleware captures
 * before the network (placed right after the SDK's signing middleware).
 *
 * @module
 */
import {
  InvokeEndpointCommand,
  SageMakerRuntimeClient,
} from "@aws-sdk/client-sagemaker-runtime";
import { CREDENTIALS, REGION, TRIAGE_MODEL_BODY } from "./_job.ts";

let authorization: string | undefined;
const client = new SageMakerRuntimeClient({
  region: REGION,
  credentials: CREDENTIALS,
  maxAttempts: 1,
});
client.middlewareStack.addRelativeTo(
  (_next: unknown) => (args: { request: unknown }) => {
    const request = args.request as { headers: Record<string, string> };
    authorization = request.headers.authorization;
    return Promise.resolve({
      response: { statusCode: 200, headers: {}, body: new Uint8Array() },
      output: { $metadata: {} },
    });
  },
  {
    relation: "after",
    toMiddleware: "httpSigningMiddleware",
    name: "benchCaptureSignedRequest",
  },
  // deno-lint-ignore no-explicit-any
) as any;
await client.send(
  new InvokeEndpointCommand({
    EndpointName: "medical-triage-endpoint",
    ContentType: "application/json",
    Accept: "application/json",
    Body: TRIAGE_MODEL_BODY,
  }),
);
client.destroy();
console.log(authorization);
