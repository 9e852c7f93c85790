/**
 * Cold start, @smithy/signature-v4 with WebCrypto: import it, then sign one
 * triage request.
 *
 * @module
 */
import { WebCryptoSha256 as Sha256 } from "../lib/webcrypto_sha256.ts";
import { signOnceWith } from "./_smithy_sign.ts";

await signOnceWith(Sha256);
