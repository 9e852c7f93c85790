/**
 * One request as it walks the function: its id, arrival time, caller, CORS
 * headers and the one log record that describes it. Created at the entry,
 * filled in as the request goes; the pipeline `reply`s (or `fail`s) with
 * the answer, the audit trail may still replace it, and the context is
 * finished exactly once: the log line and the metrics sample are written
 * from here and nowhere else.
 *
 * @module
 */
import type { Caller } from "./caller.ts";
import type { GatewayFailure } from "./gateway_failure.ts";
import { type InvocationLog, logLine } from "./log.ts";
import { type MetricsSink, reportInvocation } from "./metrics.ts";
import { problemOf, problemResponse } from "./problem.ts";
import type { FunctionName, Invocation } from "./wasm_gateway.ts";

/** What the request's log record says, read by the audit trail. */
export type RequestOutcome = Readonly<InvocationLog>;

/** What the context needs from the outside world. */
export interface ContextDeps {
  now(): number;
  log(line: string): void;
  metrics?: MetricsSink;
}

/** A request in flight. */
export class RequestContext {
  readonly requestId: string;
  /** Arrival, ms since 1970: the deadline counts from here. */
  readonly started: number;
  /** CORS headers for the request's origin (possibly none). */
  cors: Headers = new Headers();
  /** The verified caller, once known. */
  caller: Caller | null = null;
  /** Endpoint names metrics may carry; any other is reported as "other". */
  knownEndpoints: ReadonlySet<string> = new Set();
  readonly #record: InvocationLog;
  readonly #deps: ContextDeps;
  readonly #reportMetrics: boolean;
  #invocation: Invocation | null = null;
  /** What the metrics count in the answer (a prediction, a batch, a safety notice). */
  #answer: unknown = undefined;
  #finished = false;

  constructor(
    functionName: FunctionName,
    request: Request,
    requestId: string,
    deps: ContextDeps,
  ) {
    this.requestId = requestId;
    this.started = deps.now();
    this.#deps = deps;
    // A CORS preflight is not a use of the function.
    this.#reportMetrics = request.method !== "OPTIONS";
    this.#record = {
      request_id: requestId,
      function: functionName,
      method: request.method,
      status: 500,
      // Known once the body is validated; null when refused before that.
      endpoint: null,
      latency_ms: 0,
    };
  }

  /** The log record so far: function, endpoint, variant, code, attempts. */
  get outcome(): RequestOutcome {
    return this.#record;
  }

  /** The SageMaker call the request became; null until it is validated. */
  get invocation(): Invocation | null {
    return this.#invocation;
  }

  /** The SageMaker call the request became. */
  noteInvocation(invocation: Invocation): void {
    this.#invocation = invocation;
    this.#record.endpoint = invocation.endpoint;
    this.#record.variant = invocation.variant;
  }

  /** The audit trail could not be reached and the operator chose to fail open. */
  noteAudit(outcome: "unavailable"): void {
    this.#record.audit = outcome;
  }

  /** How the call to SageMaker (or S3) went. */
  noteCall(
    call: { attempts: number; upstreamMs?: number; awsCode?: string | null },
  ): void {
    this.#record.attempts = call.attempts;
    this.#record.retries = Math.max(0, call.attempts - 1);
    if (call.upstreamMs !== undefined) {
      this.#record.upstream_ms = call.upstreamMs;
    }
    if (call.awsCode) this.#record.aws_code = call.awsCode;
  }

  /** The prediction cache's answer, when caching is on for the function. */
  noteCache(outcome: "hit" | "miss"): void {
    this.#record.cache = outcome;
  }

  /** `Server-Timing` of an answer: the upstream's time and the gateway's own. */
  serverTiming(upstream: "model" | "s3"): string {
    const upstreamMs = this.#record.upstream_ms ?? 0;
    if (upstream === "s3") return `s3;dur=${upstreamMs}`;
    const gatewayMs = Math.max(0, this.#deps.now() - this.started - upstreamMs);
    return `model;dur=${upstreamMs}, gateway;dur=${gatewayMs}`;
  }

  /**
   * The answer to send, and what the metrics count in it: `answer` (a
   * prediction, a batch's results, a failed triage answer's safety notice)
   * is only for the risk-level and red-flag counts and is never logged.
   */
  reply(response: Response, answer?: unknown): Response {
    this.#answer = answer;
    return response;
  }

  /** Answers `failure` as problem+json, logging its code and the attempts it made. */
  fail(failure: GatewayFailure): Response {
    this.#record.code = failure.code;
    const { attempts, awsCode } = failure.details;
    if (attempts !== undefined) this.noteCall({ attempts, awsCode });
    // A failed triage answer's red flags count in the metrics too.
    return this.reply(
      problemResponse(problemOf(failure), this.requestId, this.cors),
      failure.details.safety,
    );
  }

  /** Logs and measures the answer being sent, once, then returns it. */
  finish(response: Response): Response {
    if (this.#finished) return response;
    this.#finished = true;
    const record = this.#record;
    record.status = response.status;
    record.latency_ms = this.#deps.now() - this.started;
    logLine(this.#deps.log, record);
    if (this.#reportMetrics) {
      reportInvocation(
        this.#deps.metrics,
        record,
        this.#answer,
        this.#deps.now(),
        this.knownEndpoints,
      );
    }
    return response;
  }
}
