/**
 * A per-isolate budget of request bytes held at once. An isolate has 256 MB;
 * a 6 MiB image is held as the upload, its copy in wasm and the model
 * request, so about a dozen at once would end it for every caller it
 * serves. Past the budget a request is refused before its body is read,
 * with 503 and Retry-After, and another isolate (or a later moment) serves it.
 *
 * @module
 */

/** Bytes reserved for one request until it is answered. */
export interface BytesLease {
  release(): void;
}

/** The budget of one isolate. */
export class BytesInFlight {
  #held = 0;

  constructor(readonly limit: number) {}

  /** Bytes currently reserved. */
  get held(): number {
    return this.#held;
  }

  /** Reserves `bytes`, or returns null when they do not fit. */
  reserve(bytes: number): BytesLease | null {
    if (this.#held + bytes > this.limit) return null;
    this.#held += bytes;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#held -= bytes;
      },
    };
  }
}

/**
 * What a request is charged: its declared Content-Length, or the whole cap
 * when it declares none (a chunked upload may be that large). Transfer-
 * Encoding beside a Content-Length means the length is not the framing.
 */
export function chargedBytes(request: Request, cap: number): number {
  const declared = request.headers.get("content-length");
  if (
    declared !== null && /^\d+$/.test(declared) &&
    !request.headers.has("transfer-encoding")
  ) {
    return Math.min(Number(declared), cap);
  }
  return cap;
}
