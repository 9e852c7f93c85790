/**
 * Reads a request body with a byte cap while it streams, so an oversized body
 * is refused without being held in memory.
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
 * The body stream failed before its end: the client went away mid-upload, or
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
 * BodyReadError when the stream fails.
 */
export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  declaredLength: string | null = null,
): Promise<Uint8Array> {
  if (declaredLength !== null && Number(declaredLength) > limit) {
    await body?.cancel().catch(() => {});
    throw new BodyTooLargeError(limit);
  }
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
