/**
 * The work behind InvokeEndpointAsync: an accepted invocation waits a short
 * delay (SageMaker's queue), then its model reads the input object from the
 * in-memory S3 and the answer is written to the output location, or a
 * failure document to the failure location, as SageMaker does.
 *
 * The failure document is the stand-in's choice (AWS does not document the
 * format): SageMaker's ModelError JSON, with the container's status as
 * `OriginalStatusCode`. A missing input object counts as a container 400.
 *
 * @module
 */

import { modelErrorBody } from "./aws_errors.ts";
import type { ReferenceModel } from "./models/model.ts";
import type { S3Store } from "./s3_store.ts";

/** Default S3OutputPath of the emulated AsyncInferenceConfig. */
export const DEFAULT_ASYNC_OUTPUT_S3_URI = "s3://standin-async-results/output";
/** Default S3FailurePath. */
export const DEFAULT_ASYNC_FAILURE_S3_URI =
  "s3://standin-async-results/failures";
/** How long an accepted invocation waits before it runs, by default. */
export const DEFAULT_ASYNC_DELAY_MS = 500;

/** An S3 object location. */
export interface S3Place {
  bucket: string;
  key: string;
}

/** One accepted invocation. */
export interface AsyncJob {
  endpointName: string;
  model: ReferenceModel;
  input: S3Place;
  contentType: string | null;
  accept: string | null;
}

/** Where an accepted job's answer will be. */
export interface AsyncPlaces {
  output: S3Place;
  failure: S3Place;
}

/** Accepted invocations and their timers. */
export class AsyncQueue {
  readonly #waiting = new Map<
    AsyncJob & AsyncPlaces,
    ReturnType<typeof setTimeout>
  >();
  readonly #running = new Set<Promise<void>>();

  constructor(
    private readonly store: S3Store,
    private readonly region: string,
    private readonly output: S3Place,
    private readonly failure: S3Place,
    private readonly delayMs: number,
  ) {
    store.createBucket(output.bucket);
    store.createBucket(failure.bucket);
  }

  /** Queues a job; returns where its output or failure will be written. */
  submit(job: AsyncJob): AsyncPlaces {
    const name = crypto.randomUUID();
    const places: AsyncPlaces = {
      output: {
        bucket: this.output.bucket,
        key: `${this.output.key}/${name}.out`,
      },
      failure: {
        bucket: this.failure.bucket,
        key: `${this.failure.key}/${name}-error.out`,
      },
    };
    const queued = { ...job, ...places };
    this.#waiting.set(
      queued,
      setTimeout(() => this.#start(queued), this.delayMs),
    );
    return places;
  }

  /** Jobs accepted and not started yet. */
  pending(): number {
    return this.#waiting.size;
  }

  /** Runs every waiting job now and waits for all running ones (tests). */
  async completeAll(): Promise<void> {
    for (const job of [...this.#waiting.keys()]) this.#start(job);
    await Promise.all(this.#running);
  }

  /** Drops waiting jobs and lets running ones finish. */
  async close(): Promise<void> {
    for (const timer of this.#waiting.values()) clearTimeout(timer);
    this.#waiting.clear();
    await Promise.all(this.#running);
  }

  #start(job: AsyncJob & AsyncPlaces): void {
    const timer = this.#waiting.get(job);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#waiting.delete(job);
    const run = this.#run(job).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #run(job: AsyncJob & AsyncPlaces): Promise<void> {
    const input = this.store.getObject(job.input.bucket, job.input.key);
    const output = input
      ? await job.model.invoke({
        contentType: job.contentType,
        accept: job.accept,
        body: input.body,
      })
      : {
        ok: false as const,
        statusCode: 400,
        message:
          `Failed to download the input from s3://${job.input.bucket}/${job.input.key}: NoSuchKey`,
      };
    if (output.ok) {
      await this.store.putObject(
        job.output.bucket,
        job.output.key,
        output.body,
        output.contentType,
      );
      return;
    }
    const failure = modelErrorBody(
      job.endpointName,
      this.region,
      output.statusCode,
      output.message,
    );
    await this.store.putObject(
      job.failure.bucket,
      job.failure.key,
      JSON.stringify(failure),
      "application/json",
    );
  }
}
