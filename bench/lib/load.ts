/**
 * A closed-loop load generator: `concurrency` workers each send the next
 * request as soon as their previous answer is read, until `requests` have
 * been sent. Latency is from just before fetch to the last byte of the body.
 *
 * @module
 */
import { quantile } from "./measure.ts";

/** What one load run measured. */
export interface LoadResult {
  requests: number;
  /** Answers that were not 200, or failed. */
  errors: number;
  /** The first non-200 answer or failure, for the report. */
  firstError?: string;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Every request's latency, ms. */
  latencies: Float64Array;
}

/**
 * Sends `requests` POSTs of `body` to `url` with `concurrency` in flight,
 * request i as `authorizations[i % length]` (many patients, as in use).
 */
export async function runLoad(
  url: string,
  body: string,
  options: { concurrency: number; requests: number; authorizations: string[] },
): Promise<LoadResult> {
  const latencies = new Float64Array(options.requests);
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (issued < options.requests) {
      const index = issued++;
      const started = performance.now();
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: options.authorizations[
              index % options.authorizations.length
            ],
          },
          body,
        });
        const text = await response.text();
        if (response.status !== 200) {
          errors++;
          firstError ??= `${response.status} ${text.slice(0, 300)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
      latencies[index] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return summarize([{ latencies, errors, firstError, seconds }]);
}

/** Merges load runs of one server (e.g. interleaved slices) into one result. */
export function combineLoads(runs: LoadResult[]): LoadResult {
  return summarize(runs);
}

function summarize(
  runs: {
    latencies: Float64Array;
    errors: number;
    firstError?: string;
    seconds: number;
  }[],
): LoadResult {
  const all = new Float64Array(
    runs.reduce((n, run) => n + run.latencies.length, 0),
  );
  let offset = 0;
  for (const run of runs) {
    all.set(run.latencies, offset);
    offset += run.latencies.length;
  }
  const seconds = runs.reduce((s, run) => s + run.seconds, 0);
  const sorted = Array.from(all);
  return {
    requests: all.length,
    errors: runs.reduce((n, run) => n + run.errors, 0),
    firstError: runs.find((run) => run.firstError)?.firstError,
    seconds,
    rps: all.length / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    latencies: all,
  };
}
