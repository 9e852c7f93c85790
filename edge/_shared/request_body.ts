/**
 * Reads a request or response body with a byte cap, so an oversized body is
 * refused without being held in memory.
 *
 * @module
 */

/** The body was larger than the cap. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`body exceeds ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * The body broke off before its end: a client that disconnected mid-upload,
 * sent fewer bytes than its Content-Length or broken chunked framing. The
 * underlying error is dropped: it describes the connection, not the request.
 */
export class BodyReadError extends Error {
  constructor() {
    super("the body could not be read to its end");
    this.name = "BodyReadError";
  }
}

/**
 * Reads at most `limit` bytes; throws BodyTooLargeError past it and
 * BodyReadError when the stream fails. With a Content-Length and no
 * Transfer-Encoding the runtime reads exactly that many bytes, so the native
 * `arrayBuffer()` is used; otherwise the stream is read chunk by chunk and
 * cancelled as soon as the cap is passed.
 *
 * Transfer-Encoding matters: Deno 2.1 (Supabase's runtime) accepts a request
 * with both `Content-Length: 100` and `Transfer-Encoding: chunked`, frames it
 * by the chunks and still shows the Content-Length, so trusting the header
 * there would buffer an unbounded body.
 */
export async function readCappedBody(
  message: Request | Response,
  limit: number,
): Promise<Uint8Array> {
  const declared = message.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared)) {
    if (Number(declared) > limit) {
      await message.body?.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    if (!message.headers.has("transfer-encoding")) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await message.arrayBuffer());
      } catch {
        throw new BodyReadError();
      }
      // The runtime enforces the framing; never hand on more than the cap.
      if (bytes.byteLength > limit) throw new BodyTooLargeError(limit);
      return bytes;
    }
  }
  return await readStream(message.body, limit);
}

async function readStream(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw new BodyReadError();
      }
      const { done, value } = chunk;
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw new BodyTooLargeError(limit);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
