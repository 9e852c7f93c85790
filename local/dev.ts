/**
 * `deno task dev`: the whole stack locally with no AWS account. Prints the
 * URLs, a local anon key and a ready curl call.
 *
 * @module
 */
import { LOCAL_JWT_SECRET } from "./local_keys.ts";
import { startLocalStack } from "./local_stack.ts";
import { createDemoPageHandler } from "./demo_page.ts";
import { LOCAL_REGION } from "./sagemaker_stand_in/mod.ts";

const port = Number(Deno.env.get("PORT") ?? 54321);
const standInPort = Number(Deno.env.get("STANDIN_PORT") ?? 54329);
const standInS3Port = Number(Deno.env.get("STANDIN_S3_PORT") ?? 54330);
const jwtSecret = Deno.env.get("SUPABASE_JWT_SECRET") ?? LOCAL_JWT_SECRET;
const passThrough = [
  "CORS_ALLOWED_ORIGINS",
  "IMAGE_S3_ALLOWED_BUCKETS",
  "SAGEMAKER_ALLOWED_ENDPOINTS",
  "TRIAGE_SCORE_MEANING",
  "SAGEMAKER_STICKY_VARIANTS",
  "PREDICTION_CACHE_FUNCTIONS",
  "PREDICTION_CACHE_TTL_MS",
  "PREDICTION_CACHE_MAX_ENTRIES",
];
const env = Object.fromEntries(
  passThrough.flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value]];
  }),
);

// The page's config needs the stand-in's URL, known only once the stack runs.
let demoPage: ((request: Request) => Promise<Response | null>) | null = null;
const stack = await startLocalStack({
  port,
  standInPort,
  standInS3Port,
  jwtSecret,
  env,
  staticHandler: (request) => demoPage ? demoPage(request) : null,
});
demoPage = createDemoPageHandler({
  anonKey: stack.anonKey,
  nonClinicalStandIn: true,
  region: LOCAL_REGION,
  endpointUrl: stack.standIn.url,
});
console.log(`
HealthNav local stack (no AWS account; the models are NON-CLINICAL stand-ins)
  functions:  ${stack.url}/functions/v1/{sagemaker-triage,sagemaker-image-analysis,sagemaker-risk-score}
  metrics:    ${stack.url}/metrics
  demo page:  ${stack.url}/
  SageMaker stand-in: ${stack.standIn.url}
  S3 stand-in (async image inputs and results): ${stack.standIn.s3Url}
  anon key:   ${stack.anonKey}

Try:
  curl -X POST ${stack.url}/functions/v1/sagemaker-triage \\
    -H "Authorization: Bearer ${stack.anonKey}" \\
    -H "Content-Type: application/json" \\
    -d '{"symptoms":["fever","cough"],"patient_data":{"age":35,"gender":"female"},"endpoint":"medical-triage-endpoint"}'
`);

const stop = async () => {
  await stack.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
