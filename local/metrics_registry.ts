/**
 * The local stack's in-process metrics: the same samples the functions write
 * as CloudWatch EMF lines, kept as Prometheus counters and histograms and
 * served by the router at `GET /metrics` (text exposition format 0.0.4), so
 * the guide's alarms can be tried locally without CloudWatch.
 *
 * @module
 */
import {
  type InvocationSample,
  type MetricsSink,
  statusClass,
} from "../edge/_shared/metrics.ts";

/** Upper bounds of the latency histogram buckets, seconds (Prometheus' unit). */
export const LATENCY_BUCKETS_SECONDS = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
] as const;

type Labels = Record<string, string>;

interface Histogram {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

interface Family<T> {
  help: string;
  series: Map<string, T>;
}

/** Counters and histograms keyed by their label sets. */
export class MetricsRegistry implements MetricsSink {
  readonly #counters = new Map<
    string,
    Family<{ labels: Labels; value: number }>
  >();
  readonly #histograms = new Map<string, Family<Histogram>>();

  /** Adds one finished request. */
  record(sample: InvocationSample): void {
    const base = { function: sample.function, endpoint: sample.endpoint };
    this.#count(
      "healthnav_gateway_requests_total",
      "Requests answered, by function, endpoint and status class.",
      { ...base, status_class: statusClass(sample.status) },
    );
    this.#count(
      "healthnav_gateway_retries_total",
      "SageMaker attempts beyond the first.",
      base,
      sample.retries,
    );
    if (sample.cache) {
      this.#count(
        "healthnav_gateway_cache_lookups_total",
        "Prediction cache lookups, by result (hit or miss).",
        { ...base, result: sample.cache },
      );
    }
    for (const [level, count] of Object.entries(sample.predictions ?? {})) {
      this.#count(
        "healthnav_gateway_predictions_total",
        "Successful predictions by risk level (drift monitoring); a batch counts each scored patient.",
        { ...base, risk_level: level },
        count,
      );
    }
    for (const rule of sample.redFlags ?? []) {
      this.#count(
        "healthnav_gateway_red_flags_total",
        "Red flags raised in triage answers, by rule and rule-set version (never patient data).",
        {
          function: sample.function,
          rule,
          rules_version: sample.redFlagRules ?? "unknown",
        },
      );
    }
    this.#observe(
      "healthnav_gateway_total_latency_seconds",
      "Request received to response ready.",
      base,
      sample.totalMs / 1000,
    );
    if (sample.upstreamMs !== undefined) {
      this.#observe(
        "healthnav_gateway_upstream_latency_seconds",
        "The SageMaker attempt that answered (the guide's ModelLatency).",
        base,
        sample.upstreamMs / 1000,
      );
    }
  }

  /** Everything in Prometheus text format, families and series in a stable order. */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of sorted(this.#counters)) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} counter`);
      for (const [, { labels, value }] of sorted(family.series)) {
        lines.push(`${name}${formatLabels(labels)} ${value}`);
      }
    }
    for (const [name, family] of sorted(this.#histograms)) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} histogram`);
      for (const [, histogram] of sorted(family.series)) {
        const { labels } = histogram;
        LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
          lines.push(
            `${name}_bucket${formatLabels({ ...labels, le: String(le) })} ${
              histogram.buckets[i]
            }`,
          );
        });
        lines.push(
          `${name}_bucket${
            formatLabels({ ...labels, le: "+Inf" })
          } ${histogram.count}`,
          `${name}_sum${formatLabels(labels)} ${histogram.sum}`,
          `${name}_count${formatLabels(labels)} ${histogram.count}`,
        );
      }
    }
    return lines.length ? lines.join("\n") + "\n" : "";
  }

  #count(name: string, help: string, labels: Labels, by = 1): void {
    const family = familyOf(this.#counters, name, help);
    const key = formatLabels(labels);
    const series = family.series.get(key) ?? { labels, value: 0 };
    series.value += by;
    family.series.set(key, series);
  }

  #observe(name: string, help: string, labels: Labels, value: number): void {
    const family = familyOf(this.#histograms, name, help);
    const key = formatLabels(labels);
    const histogram = family.series.get(key) ?? {
      labels,
      buckets: LATENCY_BUCKETS_SECONDS.map(() => 0),
      sum: 0,
      count: 0,
    };
    // Cumulative buckets, as the exposition format wants them.
    LATENCY_BUCKETS_SECONDS.forEach((le, i) => {
      if (value <= le) histogram.buckets[i]++;
    });
    histogram.sum += value;
    histogram.count++;
    family.series.set(key, histogram);
  }
}

function familyOf<T>(
  families: Map<string, Family<T>>,
  name: string,
  help: string,
): Family<T> {
  let family = families.get(name);
  if (!family) {
    family = { help, series: new Map() };
    families.set(name, family);
  }
  return family;
}

function sorted<T>(map: Map<string, T>): [string, T][] {
  return [...map].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) =>
    `${name}="${
      value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
    }"`
  );
  return pairs.length ? `{${pairs.join(",")}}` : "";
}
