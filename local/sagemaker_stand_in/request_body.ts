/**
 * Reads an invocation body without ever holding more than SageMaker's limit.
 *
 * @module
 */

/** InvokeEndpoint's request (and response) body limit: 6 MiB. */
export const MAX_PAYLOAD_BYTES = 6_291_456;

/** The body, or the fact that it went over the limit. */
export type CappedBody =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; tooLarge: true };

/**
 * Reads `request.body` up to `limit` bytes. A declared Content-Length over
 * the limit is refused before reading; a streamed body is cut off (and its
 * stream cancelled) as soon as it passes the limit.
 */
export async function readCappedBody(
  request: Request,
  limit: number = MAX_PAYLOAD_BYTES,
): Promise<CappedBody> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel();
    return { ok: false, tooLarge: true };
  }
  if (request.body === null) return { ok: true, bytes: new Uint8Array(0) };

  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return { ok: false, tooLarge: true };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}
