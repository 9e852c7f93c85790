/**
 * Runs the SageMaker Runtime stand-in in the foreground:
 *
 *   deno run --allow-net=127.0.0.1 --allow-env local/sagemaker_stand_in/main.ts
 *
 * Environment: PORT (default 54329), STANDIN_S3_PORT (the S3 of async
 * results, default 54330), STANDIN_FAULT_RATE (0..1, default 0),
 * STANDIN_FAULT_SEED (default 1). Prints its URL, then one JSON log line per
 * request. Stops on SIGINT/SIGTERM.
 *
 * @module
 */

import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startSageMakerStandIn,
} from "./mod.ts";

/** Port used when PORT is unset, so the local stack can rely on it. */
export const DEFAULT_PORT = 54329;
/** Port of the S3 stand-in when STANDIN_S3_PORT is unset. */
export const DEFAULT_S3_PORT = 54330;

function numberFromEnv(name: string, fallback: number): number {
  const raw = Deno.env.get(name);
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new Error(`${name} must be a number, got '${raw}'`);
  }
  return value;
}

if (import.meta.main) {
  const standIn = await startSageMakerStandIn({
    port: numberFromEnv("PORT", DEFAULT_PORT),
    s3Port: numberFromEnv("STANDIN_S3_PORT", DEFAULT_S3_PORT),
    faultRate: numberFromEnv("STANDIN_FAULT_RATE", 0),
    seed: numberFromEnv("STANDIN_FAULT_SEED", 1),
  });
  console.log(`SageMaker Runtime stand-in listening on ${standIn.url}`);
  console.log(`S3 stand-in (async inputs and results) on ${standIn.s3Url}`);
  // The access key id is not secret; the secret key is never printed.
  console.log(
    `Sign with service "sagemaker", region "${LOCAL_REGION}", ` +
      `access key id ${LOCAL_CREDENTIALS.accessKeyId} (see docs/stand-in.md)`,
  );
  const stop = () => {
    standIn.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
