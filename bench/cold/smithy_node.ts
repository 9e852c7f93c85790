/**
 * Cold start, @smithy/signature-v4 with node:crypto: import it, then sign one
 * triage request.
 *
 * @module
 */
import { NodeSha256 as Sha256 } from "../lib/node_sha256.ts";
import { signOnceWith } from "./_smithy_sign.ts";

await signOnceWith(Sha256);
