/**
 * Cold start, our module: import pkg/, then validate, build and sign one
 * triage request, as a function's first request does.
 *
 * @module
 */
import { Gateway, signAwsRequest } from "../../pkg/mod.js";
import {
  CREDENTIALS,
  REGION,
  SERVICE,
  TIME_MS,
  TRIAGE_CLIENT_BODY,
} from "./_job.ts";

const gateway = new Gateway({ region: REGION });
const invocation = gateway.buildInvocation(
  "triage",
  new TextEncoder().encode(TRIAGE_CLIENT_BODY),
);
const signed = signAwsRequest({
  method: invocation.method,
  url: invocation.url,
  headers: invocation.headers,
  body: invocation.body,
  region: REGION,
  service: SERVICE,
  credentials: CREDENTIALS,
  timeMs: TIME_MS,
});
console.log(signed.authorization);
