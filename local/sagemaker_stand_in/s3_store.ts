/**
 * The stand-in's in-memory S3: objects by bucket and key. SageMaker's async
 * output and failure objects are written here, and images for async
 * inference are read from here (seed them with `putObject` or a signed PUT).
 *
 * @module
 */

/** One stored object. */
export interface S3Object {
  body: Uint8Array;
  contentType: string;
  lastModified: Date;
  /** Quoted hex MD5-like tag; here a SHA-256 prefix, as only equality matters. */
  etag: string;
}

/** `s3://bucket/key` split, or undefined when it is not one. */
export function parseS3Uri(
  uri: string,
): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

/** Buckets and their objects. */
export class S3Store {
  readonly #buckets = new Map<string, Map<string, S3Object>>();

  /** Creates a bucket (no-op when it exists). */
  createBucket(bucket: string): void {
    if (!this.#buckets.has(bucket)) this.#buckets.set(bucket, new Map());
  }

  hasBucket(bucket: string): boolean {
    return this.#buckets.has(bucket);
  }

  /** Stores an object, creating its bucket. */
  async putObject(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    contentType = "application/octet-stream",
  ): Promise<S3Object> {
    const bytes = typeof body === "string"
      ? new TextEncoder().encode(body)
      : new Uint8Array(body);
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-256", bytes),
    );
    const hex = Array.from(
      digest.slice(0, 16),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const object: S3Object = {
      body: bytes,
      contentType,
      // S3 reports Last-Modified to the second.
      lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
      etag: `"${hex}"`,
    };
    this.createBucket(bucket);
    this.#buckets.get(bucket)!.set(key, object);
    return object;
  }

  getObject(bucket: string, key: string): S3Object | undefined {
    return this.#buckets.get(bucket)?.get(key);
  }

  /** Every `s3://bucket/key`, for tests and debugging. */
  list(): string[] {
    return [...this.#buckets].flatMap(([bucket, objects]) =>
      [...objects.keys()].map((key) => `s3://${bucket}/${key}`)
    );
  }
}
