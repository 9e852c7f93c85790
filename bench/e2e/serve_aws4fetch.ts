/**
 * E2E, aws4fetch: the smallest equivalent triage function. Parse the JSON,
 * forward it signed, return the model's JSON. No validation, no
 * normalisation, aws4fetch's own retry defaults.
 *
 * @module
 */
import { AwsClient } from "aws4fetch";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  serve,
  triageUrl,
  withVerifiedCaller,
} from "./_serve.ts";

const aws = new AwsClient({
  ...LOCAL_CREDENTIALS,
  region: LOCAL_REGION,
  service: "sagemaker",
});
const url = triageUrl();

serve(withVerifiedCaller(async (request) => {
  let input: unknown;
  try {
    input = await request.json();
  } catch {
    return Response.json({ error: "invalid_json" }, { status: 400 });
  }
  const upstream = await aws.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(input),
  });
  return new Response(await upstream.arrayBuffer(), {
    status: upstream.ok ? 200 : 502,
    headers: { "content-type": "application/json" },
  });
}));
