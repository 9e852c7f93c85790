/**
 * Cold start, aws4fetch: import it, then sign one triage request.
 *
 * @module
 */
import { AwsClient } from "aws4fetch";
import {
  AMZ_DATE,
  CREDENTIALS,
  REGION,
  SERVICE,
  TRIAGE_MODEL_BODY,
  TRIAGE_URL,
} from "./_job.ts";

const client = new AwsClient({
  ...CREDENTIALS,
  region: REGION,
  service: SERVICE,
});
const request = await client.sign(TRIAGE_URL, {
  method: "POST",
  headers: { "content-type": "application/json", accept: "application/json" },
  body: TRIAGE_MODEL_BODY,
  aws: { datetime: AMZ_DATE, allHeaders: true },
});
console.log(request.headers.get("authorization"));
