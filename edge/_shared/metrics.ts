/**
 * Per-invocation metrics as CloudWatch Embedded Metric Format (EMF) log
 * lines: a log drain into CloudWatch Logs turns each line into metrics in the
 * `HealthNav/Gateway` namespace, with no CloudWatch API call from the edge.
 * They drive the guide's alarms: `UpstreamLatency` is the gateway's view of
 * SageMaker's `ModelLatency`, the status classes give error rates, and the
 * per-`RiskLevel` prediction counts feed drift monitoring (a shift in the
 * share of `critical` predictions is visible without storing any result).
 *
 * Metadata only: function, endpoint, variant, status, timings, retries,
 * cache outcome, predictions by risk level, and the red-flag rule ids and
 * rules version an answer carried. Never a request id, a caller
 * id, a body or a patient field, so a metric line cannot be joined back to a
 * patient.
 *
 * @module
 */
import type { InvocationLog } from "./log.ts";

/** The CloudWatch namespace of every gateway metric. */
export const METRICS_NAMESPACE = "HealthNav/Gateway";

/** The risk levels a triage or risk-score result may carry. */
export const RISK_LEVELS = ["low", "moderate", "high", "critical"] as const;
/** One of {@link RISK_LEVELS}. */
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** One finished request as metrics see it. */
export interface InvocationSample {
  /** Milliseconds since 1970, when the request finished. */
  timeMs: number;
  /** The function, e.g. "sagemaker-triage". */
  function: string;
  /** The SageMaker endpoint; "none" when refused before one was chosen, "other" if not configured. */
  endpoint: string;
  variant: string | null;
  status: number;
  /** Request received → response ready, ms. */
  totalMs: number;
  /** The answering SageMaker attempt, ms; absent when SageMaker was not called or did not answer. */
  upstreamMs?: number;
  retries: number;
  /** Present only when caching is on for the function. */
  cache?: "hit" | "miss";
  /**
   * Successful predictions by risk level: one for a triage or risk-score
   * result, one per scored patient of a batch; absent when there is none.
   */
  predictions?: Partial<Record<RiskLevel, number>>;
  /** Ids of the red-flag rules the answer raised (triage; never patient data). */
  redFlags?: string[];
  /** The version of the red-flag rules, when the answer carries one. */
  redFlagRules?: string;
}

/** Where samples go: the EMF log line, an in-process registry, or both. */
export interface MetricsSink {
  record(sample: InvocationSample): void;
}

/** "2xx", "4xx", "5xx" (or "1xx"/"3xx", which the handler does not answer). */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/** The risk level of a normalised result, if it has a valid one. */
export function riskLevelOf(result: unknown): RiskLevel | undefined {
  const level = (result as { risk_level?: unknown } | null)?.risk_level;
  return RISK_LEVELS.find((known) => known === level);
}

/**
 * The red flags an answer carries, by rule id, and the rules' version: a
 * triage result, a batch's results, or a failed triage answer's safety
 * notice (each patient's, for a batch).
 */
export function redFlagsOf(
  answer: unknown,
): { ids: string[]; version?: string } {
  const ids: string[] = [];
  let version: string | undefined;
  const read = (value: unknown) => {
    const carrier = value as {
      red_flags?: { id?: unknown }[];
      red_flag_rules_version?: unknown;
    } | null;
    for (const flag of carrier?.red_flags ?? []) {
      if (typeof flag?.id === "string") ids.push(flag.id);
    }
    if (typeof carrier?.red_flag_rules_version === "string") {
      version = carrier.red_flag_rules_version;
    }
  };
  const whole = answer as {
    results?: { result?: unknown }[];
    patients?: unknown[];
  } | null;
  read(answer);
  for (const slot of whole?.results ?? []) read(slot?.result);
  for (const patient of whole?.patients ?? []) read(patient);
  return version === undefined ? { ids } : { ids, version };
}

/**
 * The label of an endpoint: its name when the deployment configured it,
 * "none" when the request was refused before one was chosen, else "other".
 * Every label is a CloudWatch dimension value (billed per metric) and a
 * /metrics series, so no caller can add one.
 */
export function endpointLabel(
  endpoint: string | null | undefined,
  known: ReadonlySet<string>,
): string {
  if (endpoint === null || endpoint === undefined) return "none";
  return known.has(endpoint) ? endpoint : "other";
}

/** The risk levels of a result, or of each scored patient of a batch. */
function predictionFields(
  answer: unknown,
): Pick<InvocationSample, "predictions"> {
  const slots = (answer as { results?: { ok?: boolean; result?: unknown }[] })
    ?.results;
  const results = Array.isArray(slots)
    ? slots.filter((slot) => slot?.ok === true).map((slot) => slot.result)
    : [answer];
  const predictions: Partial<Record<RiskLevel, number>> = {};
  for (const result of results) {
    const level = riskLevelOf(result);
    if (level) predictions[level] = (predictions[level] ?? 0) + 1;
  }
  return Object.keys(predictions).length > 0 ? { predictions } : {};
}

function redFlagFields(
  result: unknown,
): Pick<InvocationSample, "redFlags" | "redFlagRules"> {
  const { ids, version } = redFlagsOf(result);
  return {
    ...(ids.length > 0 ? { redFlags: ids } : {}),
    ...(version ? { redFlagRules: version } : {}),
  };
}

/** The sample of one request, from its log record and (on success) its result. */
export function invocationSample(
  record: InvocationLog & { cache?: "hit" | "miss" },
  result: unknown,
  timeMs: number,
  knownEndpoints: ReadonlySet<string>,
): InvocationSample {
  const answered = record.upstream_ms !== undefined &&
    (record.attempts ?? 0) > 0;
  return {
    timeMs,
    function: record.function,
    endpoint: endpointLabel(record.endpoint, knownEndpoints),
    variant: record.variant ?? null,
    status: record.status,
    totalMs: record.latency_ms,
    ...(answered ? { upstreamMs: record.upstream_ms } : {}),
    retries: Math.max(0, record.retries ?? 0),
    ...(record.cache ? { cache: record.cache } : {}),
    ...(record.status < 300 ? predictionFields(result) : {}),
    ...redFlagFields(result),
  };
}

/**
 * The EMF document of one sample. Only metrics with a value are declared (the
 * specification requires a root member for every declared metric), so a
 * cache hit or a refused request adds no zero to the upstream latency.
 */
export function emfDocument(sample: InvocationSample): Record<string, unknown> {
  const klass = statusClass(sample.status);
  const values: Record<string, number> = {
    Requests: 1,
    Status2xx: klass === "2xx" ? 1 : 0,
    Status4xx: klass === "4xx" ? 1 : 0,
    Status5xx: klass === "5xx" ? 1 : 0,
    TotalLatency: sample.totalMs,
    Retries: sample.retries,
  };
  if (sample.upstreamMs !== undefined) {
    values.UpstreamLatency = sample.upstreamMs;
  }
  if (sample.cache) values.CacheHit = sample.cache === "hit" ? 1 : 0;
  const metrics = Object.keys(values).map((name) => ({
    Name: name,
    Unit: name.endsWith("Latency") ? "Milliseconds" : "Count",
  }));
  const directives: Record<string, unknown>[] = [{
    Namespace: METRICS_NAMESPACE,
    Dimensions: [["Function", "Endpoint"]],
    Metrics: metrics,
  }];
  const document: Record<string, unknown> = {
    msg: "metrics",
    Function: sample.function,
    Endpoint: sample.endpoint,
    StatusClass: klass,
    ...(sample.variant ? { Variant: sample.variant } : {}),
    ...(sample.redFlagRules ? { RedFlagRules: sample.redFlagRules } : {}),
    ...values,
  };
  return {
    _aws: { Timestamp: sample.timeMs, CloudWatchMetrics: directives },
    ...document,
  };
}

/**
 * One EMF document per risk level of a sample's predictions: `Predictions`
 * by `RiskLevel`, for the guide's drift monitoring (a batch may carry every
 * level, and an EMF property holds one value).
 */
export function predictionDocuments(
  sample: InvocationSample,
): Record<string, unknown>[] {
  return Object.entries(sample.predictions ?? {}).map(([level, count]) => ({
    _aws: {
      Timestamp: sample.timeMs,
      CloudWatchMetrics: [{
        Namespace: METRICS_NAMESPACE,
        Dimensions: [["Function", "Endpoint", "RiskLevel"]],
        Metrics: [{ Name: "Predictions", Unit: "Count" }],
      }],
    },
    msg: "metrics",
    Function: sample.function,
    Endpoint: sample.endpoint,
    RiskLevel: level,
    Predictions: count,
  }));
}

/**
 * One EMF document per red flag of a sample: `RedFlag` counted by rule id
 * (an EMF property holds one value, so each flag has its own line).
 */
export function redFlagDocuments(
  sample: InvocationSample,
): Record<string, unknown>[] {
  return (sample.redFlags ?? []).map((ruleId) => ({
    _aws: {
      Timestamp: sample.timeMs,
      CloudWatchMetrics: [{
        Namespace: METRICS_NAMESPACE,
        Dimensions: [["Function", "RuleId"]],
        Metrics: [{ Name: "RedFlag", Unit: "Count" }],
      }],
    },
    msg: "metrics",
    Function: sample.function,
    RuleId: ruleId,
    ...(sample.redFlagRules ? { RedFlagRules: sample.redFlagRules } : {}),
    RedFlag: 1,
  }));
}

/** Writes the EMF JSON lines of each sample (to stdout in production). */
export function emfSink(write: (line: string) => void): MetricsSink {
  return {
    record(sample) {
      write(JSON.stringify(emfDocument(sample)));
      for (
        const document of [
          ...predictionDocuments(sample),
          ...redFlagDocuments(sample),
        ]
      ) {
        write(JSON.stringify(document));
      }
    },
  };
}

/** Sends every sample to each sink. */
export function combineSinks(...sinks: MetricsSink[]): MetricsSink {
  return {
    record(sample) {
      for (const sink of sinks) sink.record(sample);
    },
  };
}

/** Records a sample; metrics are best effort and never fail a request. */
export function reportInvocation(
  sink: MetricsSink | undefined,
  record: InvocationLog & { cache?: "hit" | "miss" },
  result: unknown,
  timeMs: number,
  knownEndpoints: ReadonlySet<string>,
): void {
  if (!sink) return;
  try {
    sink.record(invocationSample(record, result, timeMs, knownEndpoints));
  } catch {
    // A broken sink must not turn an answered request into an error.
  }
}
