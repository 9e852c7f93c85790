/**
 * `deno task serve`: the gateway and the three functions, configured from
 * the environment exactly as in production (real AWS, or any
 * SageMaker-compatible endpoint named by AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME).
 * No stand-in, no demo users, no demo page.
 *
 * It holds real credentials, so it refuses to start on keys anyone has: it
 * needs the project's own JWT secret (SUPABASE_JWT_SECRET, not the Supabase
 * CLI's public local one) for legacy tokens, and verifies asymmetric tokens
 * with SUPABASE_JWKS when given.
 *
 * @module
 */
import { runtimeDeps } from "../edge/_shared/edge_function.ts";
import { combineSinks } from "../edge/_shared/metrics.ts";
import { GatewayJwtVerifier } from "./gateway_jwt.ts";
import { LOCAL_JWT_SECRET } from "./local_keys.ts";
import { createFunctions } from "./local_stack.ts";
import { MetricsRegistry } from "./metrics_registry.ts";
import { createRouter } from "./router.ts";

const port = Number(Deno.env.get("PORT") ?? 54321);
const jwtSecret = Deno.env.get("SUPABASE_JWT_SECRET") ?? "";
const jwks = Deno.env.get("SUPABASE_JWKS");
if (jwtSecret.length < 32 || jwtSecret === LOCAL_JWT_SECRET) {
  console.error(
    "deno task serve: set SUPABASE_JWT_SECRET to your project's JWT secret (at least 32 characters; " +
      "not the Supabase CLI's public local secret). For local development use deno task dev.",
  );
  Deno.exit(2);
}
let keys;
try {
  keys = jwks ? JSON.parse(jwks) : { keys: [] };
  if (!Array.isArray(keys?.keys)) throw new TypeError();
} catch {
  console.error(
    'deno task serve: SUPABASE_JWKS must be a JWKS, {"keys": [...]}',
  );
  Deno.exit(2);
}

// EMF lines to stdout as in production, and the same counters at /metrics.
const deps = runtimeDeps();
const metrics = new MetricsRegistry();
deps.metrics = deps.metrics ? combineSinks(deps.metrics, metrics) : metrics;
// The functions verify callers themselves, from the same keys.
const env = deps.env;
deps.env = (name) =>
  name === "LEGACY_JWT_SECRET" ? env(name) ?? jwtSecret : env(name);
const router = createRouter({
  functions: createFunctions(deps),
  metrics,
  jwt: new GatewayJwtVerifier({ jwks: keys, legacySecret: jwtSecret }),
});
const server = Deno.serve(
  { hostname: "127.0.0.1", port, onListen: () => {} },
  router,
);
console.log(
  `HealthNav functions at http://127.0.0.1:${server.addr.port}/functions/v1/<name>`,
);
