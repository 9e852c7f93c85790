/**
 * `deno task dev`: the whole stack locally with no AWS account. Prints the
 * URLs, the project's keys, a signed-in patient's access token and the
 * guide's two test calls made with it.
 *
 * Ports come from PORT (default 54321, as `supabase start`): the gateway on
 * PORT, the embedded Postgres on PORT+1, the SageMaker stand-in on PORT+8
 * and its S3 on PORT+9, so two stacks with different PORTs run side by
 * side. PORT=0 picks free ports for all.
 *
 * @module
 */
import { ENV } from "../edge/_shared/config.ts";
import { startLocalStack } from "./local_stack.ts";
import { createDemoPageHandler } from "./demo_page.ts";
import { LOCAL_REGION } from "./sagemaker_stand_in/mod.ts";

const port = Number(Deno.env.get("PORT") ?? 54321);
if (!Number.isInteger(port) || port < 0 || port > 65526) {
  console.error("PORT must be a port number (0 picks free ones)");
  Deno.exit(2);
}
const offset = (n: number) => port === 0 ? 0 : port + n;
// Settings a developer may try locally; the AWS side is always the stand-in's.
const passThrough = [
  ENV.corsOrigins,
  ENV.allowedBuckets,
  ENV.s3KeyPrefix,
  ENV.triageAllowedEndpoints,
  ENV.imageAllowedEndpoints,
  ENV.riskAllowedEndpoints,
  ENV.clientVariants,
  ENV.allowAnonymous,
  ENV.triageScoreMeaning,
  ENV.stickyVariants,
  ENV.cacheFunctions,
  ENV.cacheTtlMs,
  ENV.cacheMaxEntries,
  ENV.cacheMaxBytes,
];
const env = Object.fromEntries(
  passThrough.flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value]];
  }),
);

// The page's config needs the stack's keys, known only once it runs.
let demoPage: ((request: Request) => Promise<Response | null>) | null = null;
const stack = await startLocalStack({
  port,
  standInPort: offset(8),
  standInS3Port: offset(9),
  // PORT+1, as `supabase start` puts its database on 54322.
  database: { port: offset(1) },
  env,
  staticHandler: (request) => demoPage ? demoPage(request) : null,
});
demoPage = createDemoPageHandler({
  anonKey: stack.anonKey,
  accessToken: async () => (await stack.signIn()).access_token,
  allowedBuckets: stack.functionsEnv.IMAGE_S3_ALLOWED_BUCKETS?.split(","),
  nonClinicalStandIn: true,
  region: LOCAL_REGION,
  endpointUrl: stack.standIn.url,
});
const [patient] = stack.patients;
const session = await stack.signIn(patient);
const curl = (slug: string, body: string) =>
  `  curl -X POST ${stack.url}/functions/v1/${slug} \\
    -H "Authorization: Bearer $USER_TOKEN" \\
    -H "Content-Type: application/json" \\
    -d '${body}'`;
console.log(`
HealthNav local stack (no AWS account; the models are NON-CLINICAL stand-ins)
  functions:  ${stack.url}/functions/v1/{sagemaker-triage,sagemaker-image-analysis,sagemaker-risk-score}
  auth:       ${stack.url}/auth/v1 (JWKS: ${stack.url}/auth/v1/.well-known/jwks.json)
  demo page:  ${stack.url}/
  metrics:    ${stack.url}/metrics
  SageMaker stand-in: ${stack.standIn.url}   S3 stand-in: ${stack.standIn.s3Url}
database: ${stack.database!.url}
    (embedded PGlite with the migrations: psql it, e.g. table audit.events)

  anon key (public; identifies no one, so the functions refuse it):
    ${stack.anonKey}
  publishable key: ${stack.publishableKey}
  signed-in patient: ${patient.email} / ${patient.password} (sub ${patient.id})

The patient's access token (ES256, valid 1 h) and the guide's two calls made with it:
  USER_TOKEN=${session.access_token}
${
  curl(
    "sagemaker-triage",
    '{"symptoms":["fever","cough"],"patient_data":{"age":35,"gender":"female"},"endpoint":"medical-triage-endpoint"}',
  )
}
${
  curl(
    "sagemaker-image-analysis",
    '{"image_data":"s3://bucket/image.jpg","image_type":"xray","endpoint":"medical-image-classifier"}',
  )
}

A fresh token: curl -X POST '${stack.url}/auth/v1/token?grant_type=password' -H "apikey: ${stack.publishableKey}" -d '{"email":"${patient.email}","password":"${patient.password}"}'
`);

const stop = async () => {
  await stack.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
