/**
 * A prepared invocation as the transport's call: every attempt is signed by
 * the function's gateway, with one signer. The first attempt's signature
 * comes with the invocation when pkg could hash the body in the same call
 * (small bodies); a large body is hashed once, natively, and each attempt is
 * signed with that hash.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { SageMakerCall } from "./invoke_sagemaker.ts";
import type {
  Invocation,
  ResilientGateway,
  UpstreamResponse,
} from "./wasm_gateway.ts";

/** `invocation` to send through `gateway`'s signer, its answers read by `read`. */
export function signedCall<T>(
  gateway: ResilientGateway,
  invocation: Invocation,
  read: (response: UpstreamResponse) => T,
): SageMakerCall<T> {
  const signable: Invocation = {
    ...invocation,
    payloadSha256: invocation.payloadSha256 ?? sha256Hex(invocation.body),
  };
  // Signed at prepare's time, a moment ago: good for the first attempt only.
  let presigned = invocation.firstAttemptSignature;
  return {
    url: invocation.url,
    body: invocation.body,
    async: invocation.async,
    headersFor(now) {
      const signature = presigned ?? gateway.signAttempt(signable, now);
      presigned = null;
      return [...invocation.headers, ...signature];
    },
    read,
  };
}

/** Hex SHA-256 with the runtime's native, synchronous hash (faster than
 * wasm's for large bodies and, for one call, than asynchronous WebCrypto). */
function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
