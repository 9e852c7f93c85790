/**
 * SHA-256 / HMAC-SHA-256 on node:crypto in the shape `@smithy/signature-v4`
 * takes as `sha256` (what `@smithy/hash-node` does). Deno and Node only.
 *
 * @module
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Uint8Array | string {
  if (typeof data === "string") return data;
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return new Uint8Array(data);
}

/** A smithy `Checksum` backed by node:crypto (synchronous native hashing). */
export class NodeSha256 {
  #secret: SourceData | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret === undefined
      ? createHash("sha256")
      : createHmac("sha256", bytes(this.#secret));
  }

  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    const digest = this.#hash.digest();
    return Promise.resolve(
      new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength),
    );
  }

  reset(): void {
    this.#hash = this.#fresh();
  }
}
