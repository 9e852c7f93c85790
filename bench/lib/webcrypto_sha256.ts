/**
 * SHA-256 / HMAC-SHA-256 on WebCrypto (`crypto.subtle`) in the shape
 * `@smithy/signature-v4` takes as `sha256`, as `@aws-crypto/sha256-browser`
 * does it: buffer the input, then one awaited digest or sign.
 *
 * @module
 */

type SourceData = string | ArrayBuffer | ArrayBufferView;

const encoder = new TextEncoder();

function bytes(data: SourceData): Uint8Array {
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return new Uint8Array(data);
}

/** A smithy `Checksum` backed by `crypto.subtle`. */
export class WebCryptoSha256 {
  #secret: Uint8Array | undefined;
  #chunks: Uint8Array[] = [];

  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : bytes(secret);
  }

  update(data: SourceData): void {
    this.#chunks.push(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    const input = this.#chunks.length === 1
      ? this.#chunks[0]
      : concat(this.#chunks);
    if (this.#secret === undefined) {
      return new Uint8Array(
        await crypto.subtle.digest("SHA-256", input as BufferSource),
      );
    }
    const key = await crypto.subtle.importKey(
      "raw",
      this.#secret as BufferSource,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    return new Uint8Array(
      await crypto.subtle.sign("HMAC", key, input as BufferSource),
    );
  }

  reset(): void {
    this.#chunks = [];
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.byteLength;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
