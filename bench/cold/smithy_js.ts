/**
 * Cold start, @smithy/signature-v4 with @aws-crypto/sha256-js: import it, then sign one
 * triage request.
 *
 * @module
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { signOnceWith } from "./_smithy_sign.ts";

await signOnceWith(Sha256);
