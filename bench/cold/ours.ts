/**
 * Cold start, our module: import pkg/, then validate, build and sign one
 * triage request in one call, as a function's first request does.
 *
 * @module
 */
import { Gateway } from "../../pkg/mod.js";
import { CREDENTIALS, REGION, TIME_MS, TRIAGE_CLIENT_BODY } from "./_job.ts";

const gateway = new Gateway(
  { region: REGION },
  "sagemaker-triage",
  CREDENTIALS,
);
const invocation = gateway.prepare(
  new TextEncoder().encode(TRIAGE_CLIENT_BODY),
  TIME_MS,
);
console.log(
  invocation.firstAttemptSignature?.find(([name]) => name === "authorization")
    ?.[1],
);
