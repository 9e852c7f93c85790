/**
 * `createHealthNavClient(supabase)`: typed calls of the three HealthNav
 * functions through the app's Supabase client, each rejecting with one
 * HealthNavError type.
 *
 * @module
 */
import {
  asyncResultFunction,
  IMAGE_ANALYSIS,
  RISK_SCORE,
  TRIAGE,
} from "./functions.ts";
import { HealthNavError } from "./health_nav_error.ts";
import { invokeOnce, type Success } from "./invoke_once.ts";
import type { AbortSignalLike, SupabaseFunctionsClient } from "./transport.ts";
import type {
  ImageAnalysisRequest,
  ImageResult,
  RiskBatchRequest,
  RiskBatchResult,
  RiskResult,
  RiskSingleRequest,
  TriageBatchRequest,
  TriageBatchResult,
  TriageFlatRequest,
  TriageNestedRequest,
  TriageResult,
} from "./types.ts";
import { waitForAnalysis } from "./wait_for_analysis.ts";
import { withRetries } from "./with_retries.ts";

/** Settings of a client; every one has a default. */
export interface HealthNavClientOptions {
  /** Per request, in ms (default 150000: Supabase ends a function at 150 s). */
  timeoutMs?: number;
  /** Retries of a 429/503 that carries Retry-After (default 2). */
  maxRetries?: number;
  /** A longer Retry-After is not waited for (default 30). */
  maxRetryAfterSeconds?: number;
}

/** Per call. */
export interface CallOptions {
  /** Cancels the call: it rejects with code `aborted`. */
  signal?: AbortSignalLike;
  /** Overrides the client's per-request timeout. */
  timeoutMs?: number;
}

/** How {@link HealthNavClient.waitForImageAnalysis} polls. */
export interface WaitOptions {
  /** Cancels the wait: it rejects with code `aborted`. */
  signal?: AbortSignalLike;
  /** The whole wait, in ms (default 120000); then it rejects with code `timeout`. */
  timeoutMs?: number;
  /** First pause without a Retry-After, in ms (default 1000); doubles while pending. */
  pollIntervalMs?: number;
  /** Longest pause between polls, in ms (default 10000). */
  maxPollIntervalMs?: number;
}

/** One patient's triage request: the guide's call or the flat format. */
export type TriageSingleRequest = TriageFlatRequest | TriageNestedRequest;

/** An image analysed while the call waits. */
export type ImageNowRequest = Omit<ImageAnalysisRequest, "async"> & {
  async?: false | null;
};

/** An S3 image analysed asynchronously (no variant: InvokeEndpointAsync has none). */
export type ImageLaterRequest = Omit<ImageAnalysisRequest, "async" | "variant">;

/** An accepted asynchronous analysis. */
export interface ImageAnalysisJob {
  /** The result id to wait for. */
  id: string;
  /** SageMaker's InferenceId, for support cases. */
  inferenceId: string | null;
  /** When to ask first, as the gateway said. */
  retryAfterSeconds: number | null;
}

/** The typed calls. Every one rejects with a {@link HealthNavError}. */
export interface HealthNavClient {
  triage(
    request: TriageSingleRequest,
    options?: CallOptions,
  ): Promise<TriageResult>;
  triageBatch(
    request: TriageBatchRequest,
    options?: CallOptions,
  ): Promise<TriageBatchResult>;
  riskScore(
    request: RiskSingleRequest,
    options?: CallOptions,
  ): Promise<RiskResult>;
  riskScoreBatch(
    request: RiskBatchRequest,
    options?: CallOptions,
  ): Promise<RiskBatchResult>;
  analyzeImage(
    request: ImageNowRequest,
    options?: CallOptions,
  ): Promise<ImageResult>;
  /** Submits an S3 image for asynchronous analysis (202). */
  startImageAnalysis(
    request: ImageLaterRequest,
    options?: CallOptions,
  ): Promise<ImageAnalysisJob>;
  /** Polls until the result of `job` (or a result id) is there. */
  waitForImageAnalysis(
    job: ImageAnalysisJob | string,
    options?: WaitOptions & { requestTimeoutMs?: number },
  ): Promise<ImageResult>;
  /** {@link startImageAnalysis}, then {@link waitForImageAnalysis}. */
  analyzeImageLater(
    request: ImageLaterRequest,
    options?: WaitOptions,
  ): Promise<ImageResult>;
}

/** A client of the three functions over `supabase.functions.invoke`. */
export function createHealthNavClient(
  supabase: SupabaseFunctionsClient,
  options: HealthNavClientOptions = {},
): HealthNavClient {
  const timeoutMs = options.timeoutMs ?? 150_000;
  const policy = {
    maxRetries: options.maxRetries ?? 2,
    maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 30,
  };

  const call = (
    functionName: string,
    body: Record<string, unknown> | undefined,
    callOptions: CallOptions = {},
  ): Promise<Success> => {
    const bounds = {
      timeoutMs: callOptions.timeoutMs ?? timeoutMs,
      signal: callOptions.signal,
    };
    const request = body
      ? { method: "POST" as const, body }
      : { method: "GET" as const };
    return withRetries(
      () => invokeOnce(supabase, functionName, request, bounds),
      policy,
      callOptions.signal,
    );
  };

  /** The data of a 200, typed as the caller expects. */
  const result = async <T>(answer: Promise<Success>): Promise<T> => {
    const { status, data } = await answer;
    if (status !== 200) throw unexpectedStatus(status);
    return data as T;
  };

  const client: HealthNavClient = {
    triage: (request, o) => result(call(TRIAGE, { ...request }, o)),
    triageBatch: (request, o) => result(call(TRIAGE, { ...request }, o)),
    riskScore: (request, o) => result(call(RISK_SCORE, { ...request }, o)),
    riskScoreBatch: (request, o) => result(call(RISK_SCORE, { ...request }, o)),
    analyzeImage: (request, o) =>
      result(call(IMAGE_ANALYSIS, { ...request }, o)),

    async startImageAnalysis(request, o) {
      const answer = await call(IMAGE_ANALYSIS, { ...request, async: true }, o);
      const { id, inference_id } = answer.data;
      if (answer.status !== 202 || typeof id !== "string") {
        throw unexpectedStatus(answer.status);
      }
      return {
        id,
        inferenceId: typeof inference_id === "string" ? inference_id : null,
        retryAfterSeconds: answer.retryAfterSeconds,
      };
    },

    // async: a bad id rejects like every other failure, never throws.
    async waitForImageAnalysis(job, o = {}) {
      const { id, retryAfterSeconds } = typeof job === "string"
        ? { id: job, retryAfterSeconds: null }
        : job;
      const functionName = asyncResultFunction(id);
      const poll = () =>
        call(functionName, undefined, {
          signal: o.signal,
          timeoutMs: o.requestTimeoutMs,
        });
      return await result(waitForAnalysis(poll, retryAfterSeconds, {
        timeoutMs: o.timeoutMs ?? 120_000,
        pollIntervalMs: o.pollIntervalMs ?? 1_000,
        maxPollIntervalMs: o.maxPollIntervalMs ?? 10_000,
        signal: o.signal,
      }));
    },

    async analyzeImageLater(request, o = {}) {
      const job = await client.startImageAnalysis(request, {
        signal: o.signal,
      });
      return await client.waitForImageAnalysis(job, o);
    },
  };
  return client;
}

function unexpectedStatus(status: number): HealthNavError {
  return new HealthNavError({
    status,
    code: "invalid_response",
    detail:
      `The function answered HTTP ${status}, which this call does not expect.`,
  });
}
