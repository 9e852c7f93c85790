/**
 * What the e2e servers share: the stand-in's address and keys from the
 * environment, the caller check every real function needs, and a 127.0.0.1
 * listener that reports its URL on stderr.
 *
 * @module
 */
import { CallerVerifier } from "../../edge/_shared/caller.ts";
import { GatewayFailure } from "../../edge/_shared/gateway_failure.ts";
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from "../../local/sagemaker_stand_in/credentials.ts";

export { LOCAL_CREDENTIALS, LOCAL_REGION };

/** The stand-in's base URL, given by bench/run.ts. */
export function standInUrl(): string {
  const url = Deno.env.get("BENCH_STANDIN_URL");
  if (!url) throw new Error("BENCH_STANDIN_URL is not set");
  return url;
}

/** The triage endpoint on the stand-in. */
export function triageUrl(): string {
  return `${standInUrl()}/endpoints/medical-triage-endpoint/invocations`;
}

/** The env our triage function runs with: the stand-in, its keys, the project's JWKS. */
export function oursEnv(): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: standInUrl(),
    // The function verifies its callers itself, against the project's keys.
    SUPABASE_JWKS: benchJwks(),
  };
}

/** The project's JWKS the load generator's tokens verify against, given by bench/run.ts. */
export function benchJwks(): string {
  const jwks = Deno.env.get("BENCH_JWKS");
  if (!jwks) throw new Error("BENCH_JWKS is not set");
  return jwks;
}

/**
 * `handler` behind the same caller check our functions run (a real function
 * must verify its caller, whichever signer it uses): 401/403 without a
 * verified signed-in caller.
 */
export function withVerifiedCaller(
  handler: (request: Request) => Promise<Response>,
): (request: Request) => Promise<Response> {
  const verifier = new CallerVerifier({
    jwksJson: benchJwks(),
    allowAnonymous: false,
  });
  return async (request) => {
    try {
      await verifier.verify(request.headers.get("authorization"), Date.now());
    } catch (error) {
      if (!(error instanceof GatewayFailure)) throw error;
      return Response.json({ error: error.code }, { status: error.status });
    }
    return await handler(request);
  };
}

/** Serves `handler` on 127.0.0.1 (an ephemeral port) and prints `ready <url>` on stderr. */
export function serve(handler: (request: Request) => Promise<Response>): void {
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => {
      console.error(`ready http://127.0.0.1:${port}`);
    },
  }, handler);
  Deno.addSignalListener("SIGTERM", () => {
    server.shutdown().then(() => Deno.exit(0));
  });
}
