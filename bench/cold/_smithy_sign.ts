/**
 * What the three @smithy/signature-v4 cold-start scripts share: sign one
 * triage request with the given SHA-256 implementation and print it. Each
 * script imports only its own hash, so its import cost is what is measured.
 *
 * @module
 */
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

/** Signs the benchmark's triage request and prints the Authorization header. */
export async function signOnceWith(
  sha256: ConstructorParameters<typeof SignatureV4>[0]["sha256"],
): Promise<void> {
  const signer = new SignatureV4({
    credentials: CREDENTIALS,
    region: REGION,
    service: SERVICE,
    sha256,
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
}
