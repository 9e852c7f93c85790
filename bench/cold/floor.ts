/**
 * Cold start, the floor (bench/floor): import a module of the mandated stack
 * alone (aws-sigv4 + http + serde_json + serde-wasm-bindgen, embedded as
 * pkg/ is), then sign the model request our module sends for the same job.
 *
 * @module
 */
import { sign_request } from "../floor/pkg/mod.js";
import {
  AMZ_DATE,
  CREDENTIALS,
  REGION,
  SERVICE,
  TIME_MS,
  TRIAGE_MODEL_BODY,
  TRIAGE_URL,
} from "./_job.ts";

const headers: [string, string][] = sign_request({
  method: "POST",
  url: TRIAGE_URL,
  headers: [["content-type", "application/json"], [
    "accept",
    "application/json",
  ]],
  body: TRIAGE_MODEL_BODY,
  ...CREDENTIALS,
  sessionToken: null,
  region: REGION,
  service: SERVICE,
  timeMs: TIME_MS,
});
if (
  !headers.some(([name, value]) => name === "x-amz-date" && value === AMZ_DATE)
) {
  throw new Error("the floor signed at another time");
}
console.log(headers.find(([name]) => name === "authorization")?.[1]);
