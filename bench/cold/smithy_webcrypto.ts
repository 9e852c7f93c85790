/**
 * Cold start, @smithy/signature-v4 with WebCrypto: import it, then sign one
 * triage request.
 *
 * @module
 */
import { WebCryptoSha256 as Sha256 } from "../lib/webcrypto_sha256.ts";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import {
  CREDENTIALS,
  HOST,
  REGION,
  SERVICE,
  TIME_MS,
  TRIAGE_MODEL_BODY,
  TRIAGE_PATH,
} from "./_job.ts";

const signer = new SignatureV4({
  credentials: CREDENTIALS,
  region: REGION,
  service: SERVICE,
  sha256: Sha256,
  uriEscapePath: true,
  applyChecksum: false,
});
const signed = await signer.sign(
  new HttpRequest({
    method: "POST",
    protocol: "https:",
    hostname: HOST,
    path: TRIAGE_PATH,
    headers: {
      host: HOST,
      "content-type": "application/json",
      accept: "application/json",
    },
    body: TRIAGE_MODEL_BODY,
  }),
  { signingDate: new Date(TIME_MS) },
);
console.log(signed.headers.authorization);
