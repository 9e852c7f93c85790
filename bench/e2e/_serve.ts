/**
 * What the e2e servers share: the stand-in's address and keys from the
 * environment, and a 127.0.0.1 listener that reports its URL on stderr.
 *
 * @module
 */
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
