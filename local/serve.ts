/**
 * `deno task serve`: the router and the three functions, configured from the
 * environment exactly as in production (real AWS, or any SageMaker-compatible
 * endpoint named by AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME). No stand-in.
 *
 * @module
 */
import { runtimeDeps } from "../edge/_shared/edge_function.ts";
import { combineSinks } from "../edge/_shared/metrics.ts";
import { LOCAL_JWT_SECRET } from "./local_keys.ts";
import { createFunctions } from "./local_stack.ts";
import { createRouter } from "./router.ts";
import { createDemoPageHandler, demoPageHandler } from "./demo_page.ts";
import { localAnonKey } from "./local_keys.ts";
import { MetricsRegistry } from "./metrics_registry.ts";

const port = Number(Deno.env.get("PORT") ?? 54321);
const configuredSecret = Deno.env.get("SUPABASE_JWT_SECRET");
if (!configuredSecret) {
  console.error(
    "SUPABASE_JWT_SECRET is not set: using the Supabase CLI's public local default. Set it for anything but local use.",
  );
}
// The demo page needs an anon key: SUPABASE_ANON_KEY, or the local one when
// the local secret is in use (never minted from a real project's secret).
const anonKey = Deno.env.get("SUPABASE_ANON_KEY") ??
  (configuredSecret ? undefined : await localAnonKey(LOCAL_JWT_SECRET));
// EMF lines to stdout as in production, and the same counters at /metrics.
const deps = runtimeDeps();
const metrics = new MetricsRegistry();
deps.metrics = deps.metrics ? combineSinks(deps.metrics, metrics) : metrics;
const router = createRouter({
  functions: createFunctions(deps),
  metrics,
  jwtSecret: configuredSecret ?? LOCAL_JWT_SECRET,
  staticHandler: anonKey
    ? createDemoPageHandler({
      anonKey,
      region: Deno.env.get("AWS_REGION") ?? Deno.env.get("AWS_DEFAULT_REGION"),
    })
    : demoPageHandler,
});
const server = Deno.serve(
  { hostname: "127.0.0.1", port, onListen: () => {} },
  router,
);
console.log(
  `HealthNav functions at http://127.0.0.1:${server.addr.port}/functions/v1/<name>`,
);
