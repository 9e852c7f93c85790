/**
 * Soak: many requests at a fixed concurrency through the local router →
 * functions → SageMaker stand-in with random upstream faults, checking every
 * answer and watching memory.
 *
 *   deno run --allow-net=127.0.0.1 --allow-env --allow-read soak/run.ts \
 *     [--requests 50000] [--concurrency 32] [--fault-rate 0.05] [--seed 1]
 *     [--bad-share 0.02] [--max-rss-growth-mib 32] [--max-rss-slope-mib 6]
 *     [--json]
 *
 * Pass/fail:
 *
 * - every answer is well-formed: a 200 is `application/json` with the
 *   function's result fields; anything else is `application/problem+json`
 *   with `type`, `title`, `status` (= the HTTP status), `detail`, `code` and
 *   `request_id` (= the `x-request-id` header);
 * - every answer is expected. A bad-input request must get exactly its
 *   table entry (tests/deno/bad_input_cases.ts). A valid request gets 200 or,
 *   when the stand-in's random faults (RANDOM_FAULTS) won, the README error
 *   table's row for that SageMaker error: see {@link FAULT_OUTCOMES}. A
 *   retryable one must have used all SAGEMAKER_MAX_ATTEMPTS (3) attempts.
 *   Any other status, in particular any other 5xx, is unexpected;
 * - the stand-in's invocation count equals the attempts the functions logged;
 * - resident memory (VmRSS, sampled 50 times) settles: steady-state growth
 *   at most `--max-rss-growth-mib` and, on runs of 10,000 requests or more,
 *   a second-half slope of at most `--max-rss-slope-mib` per 10k requests;
 * - the wasm linear memory does not grow at all after warm-up (it grows in
 *   64 KiB pages and never shrinks, so any growth in steady state is a leak
 *   or an unbounded allocation), and the instance never trapped.
 *
 * Prints a summary (or `--json`) and exits 1 on any failure.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startLocalStack } from "../local/local_stack.ts";
import { mulberry32 } from "../local/sagemaker_stand_in/prng.ts";
import { instanceReplacements } from "../edge/_shared/wasm_gateway.ts";
import {
  type BadInputCase,
  badInputCases,
  base64,
  JPEG_BYTES,
  PNG_BYTES,
  type Slug,
  STACK_ENV,
} from "../tests/deno/bad_input_cases.ts";
import { wasmMemoryBytes } from "./wasm_memory.ts";

/** What one soak run does. */
export interface SoakOptions {
  requests: number;
  concurrency: number;
  /** Stand-in random fault rate, 0..1 (startLocalStack faultRate). */
  faultRate: number;
  /** Seeds the request mix and the stand-in's faults. */
  seed: number;
  /** Share of requests taken from the (small) bad-input cases. */
  badShare: number;
  /**
   * Allowed VmRSS growth in steady state, MiB: the median of the last fifth
   * of the samples minus the median of the samples from 20 % to 40 % of the
   * run (the first fifth still settles: JIT, pools, GC heuristics).
   */
  maxRssGrowthMiB: number;
  /**
   * Allowed least-squares RSS slope over the second half of the run, MiB per
   * 10,000 requests; checked on runs of 10,000 requests or more.
   */
  maxRssSlopeMiBPer10k: number;
  /** Progress lines; default none. */
  progress?: (line: string) => void;
}

/** Defaults of the full soak. */
export const SOAK_DEFAULTS: SoakOptions = {
  requests: 50_000,
  concurrency: 32,
  faultRate: 0.05,
  seed: 1,
  badShare: 0.02,
  maxRssGrowthMiB: 32,
  maxRssSlopeMiBPer10k: 6,
};

/**
 * README error-table rows for the faults the stand-in draws at random
 * (RANDOM_FAULTS): AWS error → gateway status and code, and whether the
 * gateway retries it. These, and only these, are expected non-200 answers to
 * valid requests.
 */
export const FAULT_OUTCOMES: Record<
  string,
  { status: number; awsCode: string; retried: boolean }
> = {
  // throttling: 400 ThrottlingException → 429 throttled, retried
  throttled: { status: 429, awsCode: "ThrottlingException", retried: true },
  // model_not_ready: 429 ModelNotReadyException → 503 model_not_ready, retried
  model_not_ready: {
    status: 503,
    awsCode: "ModelNotReadyException",
    retried: true,
  },
  // internal_failure: 500 InternalFailure → 502 sagemaker_internal_failure, retried
  sagemaker_internal_failure: {
    status: 502,
    awsCode: "InternalFailure",
    retried: true,
  },
  // service_unavailable: 503 ServiceUnavailable → 503 sagemaker_unavailable, retried
  sagemaker_unavailable: {
    status: 503,
    awsCode: "ServiceUnavailable",
    retried: true,
  },
  // model_error: 424 ModelError, container 500 → 502 model_error, not retried
  model_error: { status: 502, awsCode: "ModelError", retried: false },
};

/** SAGEMAKER_MAX_ATTEMPTS default (AWS SDK standard mode). */
const MAX_ATTEMPTS = 3;

/** One memory sample. */
export interface MemorySample {
  done: number;
  ms: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  wasmMiB: number;
}

/** What a run found. */
export interface SoakReport {
  ok: boolean;
  failures: string[];
  options: SoakOptions;
  requests: number;
  warmupRequests: number;
  durationMs: number;
  requestsPerSecond: number;
  /** `status code` → count, over the measured requests. */
  outcomes: Record<string, number>;
  validRequests: number;
  badRequests: number;
  expectedFaultAnswers: number;
  /** Unexpected answers, warm-up included (it is checked the same way). */
  unexpected: number;
  unexpected5xx: number;
  malformed: number;
  standIn: { invocations: number; faultsServed: number };
  loggedAttempts: number;
  logLines: number;
  badLogLines: number;
  rss: {
    startMiB: number;
    afterWarmupMiB: number;
    endMiB: number;
    peakMiB: number;
    /** End minus after-warm-up. */
    totalGrowthMiB: number;
    /** Steady-state growth, see {@link SoakOptions.maxRssGrowthMiB}. */
    growthMiB: number;
    /** Least-squares slope over the second half of the samples. */
    slopeMiBPer10k: number;
  };
  wasm: {
    startBytes: number;
    afterWarmupBytes: number;
    endBytes: number;
    growthBytes: number;
    instanceReplacements: number;
  };
  samples: MemorySample[];
  /** First few unexpected or malformed answers (warm-up included), for diagnosis. */
  examples: string[];
}

/** VmRSS of this process in MiB (Linux), else Deno's rss. */
export function residentMiB(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: fall through.
  }
  return Deno.memoryUsage().rss / 1024 / 1024;
}

// ------------------------------------------------------------ the mix

/** A request of the mix and what it must get. */
interface Planned {
  slug: Slug;
  contentType?: string | null;
  method?: string;
  body?: string | Uint8Array;
  /** Set for bad inputs: the exact answer. */
  expect?: { status: number; code: string };
}

const SYMPTOMS = [
  "fever",
  "cough",
  "chest pain",
  "shortness of breath",
  "headache",
  "sore throat",
  "abdominal pain",
  "rash",
  "dizziness",
  "back pain",
  "fatigue",
  "nausea",
];
const CONDITIONS = [
  "diabetes",
  "hypertension",
  "copd",
  "chronic_kidney_disease",
  "heart_failure",
  "coronary_artery_disease",
  "cancer",
  "stroke",
  "asthma",
];
const GENDERS = ["male", "female", "other", "unknown"];
const IMAGE_TYPES = ["xray", "ct", "mri", "ultrasound", "skin_lesion"];

let smallBadCases: BadInputCase[] | undefined;

/**
 * Small bad inputs only: the soak is about steady state, not 6 MiB bodies.
 * Built once: the table's large bodies are garbage the moment it is filtered.
 */
function soakBadCases(): BadInputCase[] {
  return smallBadCases ??= badInputCases().filter((c) =>
    !c.raw && (c.body === undefined || c.body.length <= 16 * 1024)
  );
}

/**
 * Request number `i` of the mix, from a seeded PRNG: about 30 % guide-format
 * triage, 8 % flat triage to the XGBoost endpoint (some with a variant), 12 %
 * S3 images, 12 % inline PNG/JPEG, 38 % risk scores, with `badShare` of all
 * requests replaced by bad-input cases in turn.
 */
export function planRequests(
  seed: number,
  badShare: number,
): (i: number) => Planned {
  const random = mulberry32(seed ^ 0x5eed);
  const pick = <T>(items: readonly T[]) =>
    items[Math.floor(random() * items.length)];
  const between = (min: number, max: number, digits = 0) =>
    Number((min + random() * (max - min)).toFixed(digits));
  const some = <T>(items: readonly T[], max: number) => [
    ...new Set(
      Array.from(
        { length: Math.floor(random() * (max + 1)) },
        () => pick(items),
      ),
    ),
  ];
  const bad = soakBadCases();
  const png = `data:image/png;base64,${base64(PNG_BYTES)}`;
  const jpeg = base64(JPEG_BYTES);
  let nextBad = 0;
  const json = (slug: Slug, body: unknown): Planned => ({
    slug,
    body: JSON.stringify(body),
  });
  return (i: number): Planned => {
    if (random() < badShare) {
      const c = bad[nextBad++ % bad.length];
      return {
        slug: c.slug,
        method: c.method,
        contentType: c.contentType,
        body: c.body,
        expect: { status: c.status, code: c.code },
      };
    }
    const r = random();
    if (r < 0.3) {
      return json("sagemaker-triage", {
        symptoms: [pick(SYMPTOMS), ...some(SYMPTOMS, 3)],
        patient_data: {
          age: between(0, 100, 1),
          gender: pick(GENDERS),
          medical_history: some(["hypertension", "asthma", "diabetes"], 2),
          current_medications: some(["warfarin", "metformin"], 1),
        },
      });
    }
    if (r < 0.38) {
      return json("sagemaker-triage", {
        symptoms: [pick(SYMPTOMS)],
        age: between(18, 90),
        gender: pick(GENDERS),
        endpoint: "medical-triage-xgboost",
        ...(random() < 0.5 ? { variant: pick(["model-v1", "model-v2"]) } : {}),
      });
    }
    if (r < 0.5) {
      return json("sagemaker-image-analysis", {
        image_data: `s3://healthnav-images/scans/${i}.dcm`,
        image_type: pick(IMAGE_TYPES),
      });
    }
    if (r < 0.62) {
      return json("sagemaker-image-analysis", {
        image_data: random() < 0.5 ? png : jpeg,
        image_type: pick(IMAGE_TYPES),
        analysis_type: "classification",
      });
    }
    const systolic = between(90, 200);
    return json("sagemaker-risk-score", {
      patient_data: {
        age: between(18, 95),
        gender: pick(GENDERS),
        heart_rate_bpm: between(40, 160),
        systolic_bp_mmhg: systolic,
        diastolic_bp_mmhg: between(40, Math.min(150, systolic - 10)),
        respiratory_rate_per_min: between(8, 35),
        temperature_c: between(35, 41, 1),
        spo2_percent: between(80, 100),
        ...(random() < 0.7 ? { bmi: between(15, 45, 1) } : {}),
        ...(random() < 0.7
          ? { smoking_status: pick(["never", "former", "current", "unknown"]) }
          : {}),
        chronic_conditions: some(CONDITIONS, 3),
      },
    });
  };
}

/** One request of every kind, for the warm-up. */
function everyKind(seed: number): Planned[] {
  const plan = planRequests(seed, 0);
  const kinds = new Map<string, Planned>();
  for (let i = 0; kinds.size < 5 && i < 1000; i++) {
    const request = plan(i);
    const body = String(request.body);
    const kind = `${request.slug} ${body.includes("xgboost")} ${
      body.includes("s3://")
    } ${body.includes("data:")}`;
    if (!kinds.has(kind)) kinds.set(kind, request);
  }
  return [
    ...kinds.values(),
    ...soakBadCases().map((c) => ({
      slug: c.slug,
      method: c.method,
      contentType: c.contentType,
      body: c.body,
      expect: { status: c.status, code: c.code },
    })),
  ];
}

// ---------------------------------------------------------- checking

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const RISK_LEVELS = new Set(["low", "moderate", "high", "critical"]);

/** Why a 200 body is not the function's result, or null. */
function resultProblem(
  slug: Slug,
  body: Record<string, unknown>,
): string | null {
  const inUnit = (value: unknown) =>
    typeof value === "number" && value >= 0 && value <= 1;
  switch (slug) {
    case "sagemaker-triage":
      if (!inUnit(body.urgency_score)) return "urgency_score";
      if (!RISK_LEVELS.has(String(body.risk_level))) return "risk_level";
      if (!Array.isArray(body.key_findings)) return "key_findings";
      break;
    case "sagemaker-image-analysis": {
      const predictions = body.predictions as {
        condition?: unknown;
        confidence?: unknown;
      }[];
      if (!Array.isArray(predictions) || predictions.length === 0) {
        return "predictions";
      }
      for (const p of predictions) {
        if (typeof p.condition !== "string" || !inUnit(p.confidence)) {
          return "prediction";
        }
      }
      break;
    }
    case "sagemaker-risk-score":
      if (!inUnit(body.risk_score)) return "risk_score";
      if (!RISK_LEVELS.has(String(body.risk_level))) return "risk_level";
      break;
  }
  if (typeof body.output_format !== "string") return "output_format";
  return null;
}

/** Why an answer is malformed, or null. */
function malformation(
  slug: Slug,
  status: number,
  headers: Headers,
  text: string,
): string | null {
  const requestId = headers.get("x-request-id");
  if (!requestId || !UUID.test(requestId)) return "no x-request-id";
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return "body is not a JSON object";
  }
  if (status === 200) {
    if (headers.get("content-type") !== "application/json") {
      return `content-type ${headers.get("content-type")}`;
    }
    const problem = resultProblem(slug, body);
    return problem ? `result field ${problem}` : null;
  }
  if (headers.get("content-type") !== "application/problem+json") {
    return `content-type ${headers.get("content-type")}`;
  }
  if (
    typeof body.code !== "string" ||
    body.type !== `urn:healthnav:problem:${body.code}` ||
    typeof body.title !== "string" ||
    typeof body.detail !== "string" ||
    body.status !== status ||
    body.request_id !== requestId
  ) {
    return "problem fields";
  }
  return null;
}

/** The function's log record, as far as the soak needs it. */
interface InvocationRecord {
  status: number;
  code?: string;
  attempts?: number;
  aws_code?: string | null;
}

function heapMiB() {
  const usage = Deno.memoryUsage();
  const mib = (bytes: number) => round(bytes / 1024 / 1024);
  return {
    heapUsedMiB: mib(usage.heapUsed),
    heapTotalMiB: mib(usage.heapTotal),
    externalMiB: mib(usage.external),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
}

function slopePer10k(samples: MemorySample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p.done, 0) / n;
  const my = samples.reduce((s, p) => s + p.rssMiB, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.done - mx) * (p.rssMiB - my);
    den += (p.done - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 10_000;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

// ---------------------------------------------------------------- run

/** Runs the soak in this process and reports; never throws for a failed check. */
export async function runSoak(
  partial: Partial<SoakOptions> = {},
): Promise<SoakReport> {
  const options: SoakOptions = { ...SOAK_DEFAULTS, ...partial };
  const progress = options.progress ?? (() => {});
  const failures: string[] = [];
  const examples: string[] = [];
  const note = (line: string) => {
    if (examples.length < 20) examples.push(line);
  };

  // Log lines are checked and dropped as they come, so that keeping them
  // does not itself grow memory; failed invocations wait for their answer.
  const pending = new Map<string, InvocationRecord>();
  let logLines = 0;
  let badLogLines = 0;
  let loggedAttempts = 0;
  const log = (line: string) => {
    logLines++;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line);
    } catch {
      badLogLines++;
      note(`log line is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    if (record.msg !== "invocation") return;
    loggedAttempts += typeof record.attempts === "number" ? record.attempts : 0;
    if (record.status !== 200) {
      pending.set(
        String(record.request_id),
        record as unknown as InvocationRecord,
      );
    }
  };

  const startRss = residentMiB();
  const startWasm = wasmMemoryBytes();
  const stack = await startLocalStack({
    port: 0,
    env: { ...STACK_ENV },
    faultRate: options.faultRate,
    faultSeed: options.seed,
    log,
  });
  const url = (slug: Slug) => `${stack.url}/functions/v1/${slug}`;
  // A signed-in patient, as the app calls; the token outlives any soak.
  const authorization = `Bearer ${(await stack.signIn()).access_token}`;

  const outcomes: Record<string, number> = {};
  let validRequests = 0;
  let badRequests = 0;
  let expectedFaultAnswers = 0;
  let unexpected = 0;
  let unexpected5xx = 0;
  let malformed = 0;

  /** Sends one request and checks its answer; `measured` counts it in the report. */
  const call = async (request: Planned, measured: boolean) => {
    const headers: Record<string, string> = { authorization };
    const contentType = request.contentType === undefined
      ? "application/json"
      : request.contentType;
    if (contentType !== null) headers["content-type"] = contentType;
    const body = typeof request.body === "string"
      ? new TextEncoder().encode(request.body)
      : request.body;
    const response = await fetch(url(request.slug), {
      method: request.method ?? "POST",
      headers,
      body: body as unknown as BodyInit | undefined,
    });
    const text = await response.text();
    const { status } = response;
    const requestId = response.headers.get("x-request-id") ?? "";
    const record = pending.get(requestId);
    pending.delete(requestId);

    let code = "";
    if (status !== 200) {
      try {
        code = String(JSON.parse(text)?.code ?? "");
      } catch {
        code = "(not JSON)";
      }
    }
    const key = `${status} ${code}`.trim();
    if (measured) outcomes[key] = (outcomes[key] ?? 0) + 1;
    const wrong = malformation(request.slug, status, response.headers, text);
    if (wrong) {
      malformed++;
      note(`malformed (${wrong}): ${status} ${text.slice(0, 200)}`);
    }
    let expected: boolean;
    if (request.expect) {
      if (measured) badRequests++;
      expected = status === request.expect.status &&
        code === request.expect.code;
    } else {
      if (measured) validRequests++;
      const fault = FAULT_OUTCOMES[code];
      expected = status === 200 ||
        (fault !== undefined && status === fault.status &&
          record?.aws_code === fault.awsCode &&
          (fault.retried ? record.attempts === MAX_ATTEMPTS : true));
      if (measured && expected && status !== 200) expectedFaultAnswers++;
    }
    if (!expected) {
      unexpected++;
      if (status >= 500) unexpected5xx++;
      note(
        `unexpected${
          measured ? "" : " (warm-up)"
        } ${status} ${code} for ${request.slug}${
          request.expect
            ? ` (wanted ${request.expect.status} ${request.expect.code})`
            : ""
        }: log ${JSON.stringify(record ?? null)}`,
      );
    }
  };

  const samples: MemorySample[] = [];
  let done = 0;
  const started = performance.now();
  const sample = () =>
    samples.push({
      done,
      ms: Math.round(performance.now() - started),
      rssMiB: round(residentMiB()),
      ...heapMiB(),
      wasmMiB: round(wasmMemoryBytes() / 1024 / 1024, 3),
    });

  let afterWarmupRss = 0;
  let afterWarmupWasm = 0;
  let warmupRequests = 0;
  let durationMs = 0;
  try {
    // Warm-up: every kind of request once, then a few rounds of the mix,
    // so JIT, pools and the wasm allocator reach their working size.
    for (const request of everyKind(options.seed)) {
      await call(request, false);
      warmupRequests++;
    }
    const warmPlan = planRequests(options.seed + 1, options.badShare);
    // Current Deno's V8 keeps growing its heap for ~20k requests before it
    // settles (~125 MiB heapTotal); 2.1's stays small. Measure after that.
    const warmCount = Math.min(10_000, Math.max(200, options.requests / 5));
    let w = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (w < warmCount) {
          await call(warmPlan(w++), false);
          warmupRequests++;
        }
      }),
    );
    const plan = planRequests(options.seed, options.badShare);
    stack.standIn.resetStats();
    loggedAttempts = 0;
    afterWarmupRss = residentMiB();
    afterWarmupWasm = wasmMemoryBytes();

    const sampleEvery = Math.max(1, Math.floor(options.requests / 50));
    const progressEvery = Math.max(1, Math.floor(options.requests / 10));
    sample();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.requests) {
          const i = next++;
          await call(plan(i), true);
          done++;
          if (done % sampleEvery === 0) sample();
          if (done % progressEvery === 0) {
            const seconds = (performance.now() - started) / 1000;
            progress(
              `${done}/${options.requests} ${
                Math.round(done / seconds)
              } req/s rss ${round(residentMiB())} MiB wasm ${
                round(wasmMemoryBytes() / 1048576, 2)
              } MiB`,
            );
          }
        }
      }),
    );
    durationMs = performance.now() - started;
    sample();
  } finally {
    await stack.close();
  }

  const stats = stack.standIn.stats();
  const measured = samples.filter((s) => s.done > 0);
  const fifth = Math.max(1, Math.floor(measured.length / 5));
  const endRss = median(measured.slice(-fifth).map((s) => s.rssMiB));
  const settledRss = median(
    measured.slice(fifth, 2 * fifth).map((s) => s.rssMiB),
  );
  const growthMiB = endRss - settledRss;
  const slope = slopePer10k(measured.slice(Math.floor(measured.length / 2)));
  const endWasm = wasmMemoryBytes();
  const report: SoakReport = {
    ok: false,
    failures,
    options,
    requests: done,
    warmupRequests,
    durationMs: Math.round(durationMs),
    requestsPerSecond: Math.round(done / (durationMs / 1000)),
    outcomes,
    validRequests,
    badRequests,
    expectedFaultAnswers,
    unexpected,
    unexpected5xx,
    malformed,
    standIn: { invocations: stats.total, faultsServed: stats.faultsServed },
    loggedAttempts,
    logLines,
    badLogLines,
    rss: {
      startMiB: round(startRss),
      afterWarmupMiB: round(afterWarmupRss),
      endMiB: round(endRss),
      peakMiB: round(Math.max(...samples.map((s) => s.rssMiB))),
      totalGrowthMiB: round(endRss - afterWarmupRss),
      growthMiB: round(growthMiB),
      slopeMiBPer10k: round(slope, 2),
    },
    wasm: {
      startBytes: startWasm,
      afterWarmupBytes: afterWarmupWasm,
      endBytes: endWasm,
      growthBytes: endWasm - afterWarmupWasm,
      instanceReplacements: instanceReplacements(),
    },
    samples,
    examples,
  };

  if (done !== options.requests) {
    failures.push(`${done} of ${options.requests} requests completed`);
  }
  if (unexpected5xx > 0) failures.push(`${unexpected5xx} unexpected 5xx`);
  if (unexpected > unexpected5xx) {
    failures.push(`${unexpected - unexpected5xx} other unexpected answers`);
  }
  if (malformed > 0) failures.push(`${malformed} malformed answers`);
  if (badLogLines > 0) failures.push(`${badLogLines} log lines are not JSON`);
  if (stats.total !== loggedAttempts) {
    failures.push(
      `stand-in saw ${stats.total} invocations, functions logged ${loggedAttempts} attempts`,
    );
  }
  if (growthMiB > options.maxRssGrowthMiB) {
    failures.push(
      `RSS grew ${
        round(growthMiB)
      } MiB in steady state (limit ${options.maxRssGrowthMiB})`,
    );
  }
  if (done >= 10_000 && slope > options.maxRssSlopeMiBPer10k) {
    failures.push(
      `RSS kept rising: ${
        round(slope, 2)
      } MiB per 10k requests over the second half (limit ${options.maxRssSlopeMiBPer10k})`,
    );
  }
  if (report.wasm.growthBytes > 0) {
    failures.push(
      `wasm memory grew ${report.wasm.growthBytes} bytes after warm-up`,
    );
  }
  if (report.wasm.instanceReplacements > 0) {
    failures.push(
      `the wasm instance trapped ${report.wasm.instanceReplacements} times`,
    );
  }
  report.ok = failures.length === 0;
  return report;
}

/** The human summary. */
export function formatReport(report: SoakReport): string {
  const o = report.options;
  const outcomes = Object.entries(report.outcomes)
    .sort(([, a], [, b]) => b - a)
    .map(([key, n]) => `    ${key.padEnd(34)} ${n}`)
    .join("\n");
  return [
    `soak ${
      report.ok ? "PASSED" : "FAILED"
    }: ${report.requests} requests at concurrency ${o.concurrency}, fault rate ${o.faultRate}, seed ${o.seed}`,
    `  duration ${
      (report.durationMs / 1000).toFixed(1)
    } s, ${report.requestsPerSecond} req/s (after ${report.warmupRequests} warm-up requests)`,
    `  valid ${report.validRequests}, bad input ${report.badRequests}; expected fault answers ${report.expectedFaultAnswers}; unexpected ${report.unexpected} (5xx ${report.unexpected5xx}); malformed ${report.malformed}`,
    `  stand-in invocations ${report.standIn.invocations} (functions logged ${report.loggedAttempts} attempts), faults served ${report.standIn.faultsServed}`,
    `  log lines ${report.logLines} (${report.badLogLines} not JSON)`,
    `  RSS MiB: start ${report.rss.startMiB}, after warm-up ${report.rss.afterWarmupMiB}, end ${report.rss.endMiB}, peak ${report.rss.peakMiB}; end - after warm-up ${report.rss.totalGrowthMiB}; steady-state growth ${report.rss.growthMiB} (limit ${o.maxRssGrowthMiB}); second-half slope ${report.rss.slopeMiBPer10k} MiB/10k requests (limit ${o.maxRssSlopeMiBPer10k})`,
    `  wasm memory bytes: start ${report.wasm.startBytes}, after warm-up ${report.wasm.afterWarmupBytes}, end ${report.wasm.endBytes}; growth ${report.wasm.growthBytes}; instance replacements ${report.wasm.instanceReplacements}`,
    `  answers:\n${outcomes}`,
    ...(report.failures.length
      ? ["  failures:", ...report.failures.map((f) => `    - ${f}`)]
      : []),
    ...(report.examples.length
      ? ["  examples:", ...report.examples.map((e) => `    ${e}`)]
      : []),
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      requests: { type: "string" },
      concurrency: { type: "string" },
      "fault-rate": { type: "string" },
      seed: { type: "string" },
      "bad-share": { type: "string" },
      "max-rss-growth-mib": { type: "string" },
      "max-rss-slope-mib": { type: "string" },
      json: { type: "boolean" },
    },
  });
  const number = (raw: string | undefined, fallback: number, name: string) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      console.error(`--${name} must be a non-negative number`);
      Deno.exit(2);
    }
    return value;
  };
  const report = await runSoak({
    requests: number(values.requests, SOAK_DEFAULTS.requests, "requests"),
    concurrency: number(
      values.concurrency,
      SOAK_DEFAULTS.concurrency,
      "concurrency",
    ),
    faultRate: number(
      values["fault-rate"],
      SOAK_DEFAULTS.faultRate,
      "fault-rate",
    ),
    seed: number(values.seed, SOAK_DEFAULTS.seed, "seed"),
    badShare: number(values["bad-share"], SOAK_DEFAULTS.badShare, "bad-share"),
    maxRssGrowthMiB: number(
      values["max-rss-growth-mib"],
      SOAK_DEFAULTS.maxRssGrowthMiB,
      "max-rss-growth-mib",
    ),
    maxRssSlopeMiBPer10k: number(
      values["max-rss-slope-mib"],
      SOAK_DEFAULTS.maxRssSlopeMiBPer10k,
      "max-rss-slope-mib",
    ),
    progress: values.json ? undefined : (line) => console.error(line),
  });
  console.log(
    values.json ? JSON.stringify(report, null, 2) : formatReport(report),
  );
  Deno.exit(report.ok ? 0 : 1);
}
