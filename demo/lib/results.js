// @ts-check
/// <reference lib="dom" />
/**
 * Shows a normalised result as a person would want to read it, and a
 * problem+json error readably.
 *
 * @module
 */
import { h, svg } from "./dom.js";
import { humanize, percent, RISK_LEVELS } from "./format.js";

/** @typedef {import("../../pkg/mod.js").TriageResult} TriageResult */
/** @typedef {import("../../pkg/mod.js").RedFlag} RedFlag */
/** @typedef {import("../../pkg/mod.js").ImageResult} ImageResult */
/** @typedef {import("../../pkg/mod.js").RiskResult} RiskResult */
/** @typedef {import("./api.js").CallOutcome} CallOutcome */

/** @param {string} level */
export function levelBadge(level) {
  const known = RISK_LEVELS.includes(level) ? level : "unknown";
  return h("span", { class: `badge badge-${known}` }, humanize(level));
}

const GAUGE = { cx: 100, cy: 100, r: 78 };

/** @param {number} value 0..1 @param {number} radius */
function gaugePoint(value, radius) {
  const angle = Math.PI * (1 - value);
  return [
    GAUGE.cx + radius * Math.cos(angle),
    GAUGE.cy - radius * Math.sin(angle),
  ].map((n) => n.toFixed(2)).join(" ");
}

/**
 * A half-circle gauge in four zones (the gateway's level cut-offs) with a
 * needle at `value`; the number is text beside it, the drawing is decoration.
 *
 * @param {number} value 0..1
 * @param {string} caption
 */
export function gauge(value, caption) {
  const clamped = Math.min(1, Math.max(0, value));
  const zones = [[0, 0.25], [0.25, 0.5], [0.5, 0.75], [0.75, 1]];
  const needle = gaugePoint(clamped, GAUGE.r - 16).split(" ");
  return h(
    "figure",
    { class: "gauge" },
    svg(
      "svg",
      {
        viewBox: "0 0 200 112",
        width: "200",
        height: "112",
        "aria-hidden": "true",
        focusable: "false",
      },
      zones.map(([from, to], index) =>
        svg("path", {
          class: `gauge-zone zone-${RISK_LEVELS[index]}`,
          d: `M ${
            gaugePoint(from + 0.004, GAUGE.r)
          } A ${GAUGE.r} ${GAUGE.r} 0 0 1 ${gaugePoint(to - 0.004, GAUGE.r)}`,
        })
      ),
      svg("line", {
        class: "gauge-needle",
        x1: String(GAUGE.cx),
        y1: String(GAUGE.cy),
        x2: needle[0],
        y2: needle[1],
      }),
      svg("circle", {
        class: "gauge-hub",
        cx: String(GAUGE.cx),
        cy: String(GAUGE.cy),
        r: "7",
      }),
    ),
    h(
      "figcaption",
      {},
      h("span", { class: "gauge-value" }, percent(clamped)),
      h("span", { class: "gauge-caption" }, caption),
    ),
  );
}

/**
 * A horizontal bar; the value is written next to it, so the bar is decoration.
 *
 * @param {number} value 0..1
 * @param {string} [extraClass]
 */
function bar(value, extraClass = "") {
  const fill = h("span", { class: "bar-fill" });
  fill.style.width = `${Math.min(100, Math.max(0, value * 100))}%`;
  return h("span", { class: `bar ${extraClass}`, "aria-hidden": "true" }, fill);
}

/**
 * @param {string} term
 * @param {Node | string} value
 */
function pair(term, value) {
  return [h("dt", {}, term), h("dd", {}, value)];
}

/**
 * Model version, output format, the time split and the request id.
 *
 * @param {{ model_version: string | null, invoked_variant: string | null, inference_time_ms: number, output_format: string }} result
 * @param {CallOutcome} call
 */
function provenance(result, call) {
  const model = call.timing.model;
  const gateway = call.timing.gateway;
  const hasSplit = model !== undefined && gateway !== undefined;
  const total = hasSplit ? model + gateway : 0;
  const split = hasSplit
    ? h(
      "div",
      { class: "time-split" },
      h(
        "p",
        { class: "time-legend" },
        h(
          "span",
          {},
          h("span", { class: "key key-model", "aria-hidden": "true" }),
          `Model ${formatMs(model)}`,
        ),
        h(
          "span",
          {},
          h("span", { class: "key key-gateway", "aria-hidden": "true" }),
          `Gateway ${formatMs(gateway)}`,
        ),
      ),
      stackedBar(total === 0 ? 0 : model / total),
    )
    : h(
      "p",
      { class: "muted" },
      "No server-timing header: the split is unknown.",
    );
  return h(
    "div",
    { class: "provenance" },
    h("h4", {}, "Where the time went"),
    split,
    h(
      "dl",
      { class: "facts" },
      pair(
        "SageMaker call (inference_time_ms)",
        formatMs(result.inference_time_ms),
      ),
      pair("Round trip seen by this page", formatMs(call.roundTripMs)),
      pair("Model version", result.model_version ?? "not reported"),
      pair(
        "Production variant that answered",
        result.invoked_variant ?? "not reported",
      ),
      pair("Output format", h("code", {}, result.output_format)),
      call.requestId ? pair("Request id", h("code", {}, call.requestId)) : [],
    ),
  );
}

/** @param {number} fraction of the whole that the model took */
function stackedBar(fraction) {
  const model = h("span", { class: "split-model" });
  model.style.width = `${(fraction * 100).toFixed(1)}%`;
  return h(
    "span",
    { class: "split-bar", "aria-hidden": "true" },
    model,
    h("span", { class: "split-gateway" }),
  );
}

/** @param {number} ms */
function formatMs(ms) {
  return `${Math.round(ms)} ms`;
}

/**
 * @param {TriageResult} result
 * @param {CallOutcome} call
 */
export function renderTriage(result, call) {
  return h(
    "div",
    { class: "result-card" },
    h(
      "div",
      { class: "headline" },
      gauge(result.urgency_score, "urgency"),
      h(
        "dl",
        { class: "facts headline-facts" },
        pair(
          "Risk level",
          h(
            "span",
            {},
            levelBadge(result.risk_level),
            result.risk_level_source === "red_flags"
              ? h(
                "span",
                { class: "level-source" },
                " set by red flags; the model said ",
                levelBadge(result.model_risk_level),
              )
              : h("span", { class: "level-source" }, " set by the model"),
          ),
        ),
        pair(
          "Recommended specialty",
          result.recommended_specialty ?? "not given by the model",
        ),
        pair(
          "Confidence",
          result.confidence === null ? "not given by the model" : h(
            "span",
            { class: "inline-bar" },
            bar(result.confidence),
            percent(result.confidence),
          ),
        ),
        pair("Urgency score", result.urgency_score.toFixed(2)),
      ),
    ),
    redFlags(result.red_flags),
    h("h4", {}, "Key findings"),
    result.key_findings.length
      ? h(
        "ul",
        { class: "findings" },
        result.key_findings.map((f) => h("li", {}, f)),
      )
      : h("p", { class: "muted" }, "The model reported no findings."),
    provenance(result, call),
  );
}

/**
 * The published emergency warning signs a request showed, with where each
 * is published; nothing when there are none.
 *
 * @param {RedFlag[] | undefined} flags
 */
export function redFlags(flags) {
  if (!flags?.length) return null;
  return h(
    "div",
    { class: "red-flags", role: "note" },
    h("h4", {}, "Red flags (published warning signs)"),
    h(
      "ul",
      {},
      flags.map((flag) =>
        h(
          "li",
          {},
          h("strong", {}, flag.finding),
          " ",
          h(
            "a",
            { href: flag.source.url, rel: "noopener noreferrer" },
            `${flag.source.organisation}: ${flag.source.title}`,
          ),
        )
      ),
    ),
    h(
      "p",
      { class: "muted" },
      "A safety net on published warning signs, not a diagnosis.",
    ),
  );
}

/**
 * @param {ImageResult} result
 * @param {CallOutcome} call
 */
export function renderImage(result, call) {
  return h(
    "div",
    { class: "result-card" },
    h("h4", {}, "Predictions"),
    result.predictions.length
      ? h(
        "ol",
        { class: "predictions" },
        result.predictions.map((prediction) =>
          h(
            "li",
            {},
            h(
              "span",
              { class: "prediction-name" },
              humanize(prediction.condition),
            ),
            bar(prediction.confidence, "prediction-bar"),
            h(
              "span",
              { class: "prediction-value" },
              percent(prediction.confidence),
              h("span", { class: "visually-hidden" }, " confidence"),
            ),
            prediction.severity
              ? h(
                "span",
                { class: "severity" },
                `Severity: ${prediction.severity}`,
              )
              : null,
          )
        ),
      )
      : h("p", { class: "muted" }, "The model returned no predictions."),
    provenance(result, call),
  );
}

/**
 * @param {RiskResult} result
 * @param {CallOutcome} call
 */
export function renderRisk(result, call) {
  const marker = h("span", { class: "scale-marker" });
  marker.style.left = `${Math.min(100, Math.max(0, result.risk_score * 100))}%`;
  return h(
    "div",
    { class: "result-card" },
    h(
      "div",
      { class: "risk-headline" },
      h(
        "p",
        { class: "score" },
        h("span", { class: "score-value" }, percent(result.risk_score)),
        h("span", { class: "score-caption" }, "risk score"),
      ),
      levelBadge(result.risk_level),
    ),
    h(
      "div",
      { class: "scale", "aria-hidden": "true" },
      RISK_LEVELS.map((level) =>
        h("span", { class: `scale-zone zone-${level}` })
      ),
      marker,
    ),
    h(
      "p",
      { class: "scale-labels", "aria-hidden": "true" },
      RISK_LEVELS.map((level) => h("span", {}, humanize(level))),
    ),
    h(
      "dl",
      { class: "facts" },
      pair("Score", result.risk_score.toFixed(4)),
    ),
    h("h4", {}, "Contributing factors"),
    result.factors.length
      ? h(
        "ul",
        { class: "findings" },
        result.factors.map((f) => h("li", {}, f)),
      )
      : h(
        "p",
        { class: "muted" },
        "The model named no factors (a plain XGBoost model cannot).",
      ),
    provenance(result, call),
  );
}

/**
 * A failed call: problem+json readably (status, title, detail, code,
 * field errors, request id), or what little is known otherwise.
 *
 * @param {CallOutcome} call
 */
export function renderProblem(call) {
  if (call.networkError) {
    return h(
      "div",
      { class: "problem", role: "alert" },
      h("h4", {}, "Could not reach the gateway"),
      h("p", {}, call.networkError),
    );
  }
  const problem = call.problem;
  const title = problem?.title ?? "Unexpected answer";
  return h(
    "div",
    { class: "problem", role: "alert" },
    h("h4", {}, `${call.status} ${title}`),
    h(
      "p",
      {},
      problem?.detail ??
        "The answer was not a problem+json document; see the browser's network panel.",
    ),
    problem?.safety_message
      ? h(
        "div",
        { class: "safety-message", role: "alert" },
        h("p", {}, h("strong", {}, problem.safety_message)),
        redFlags(
          problem.red_flags ??
            problem.patients?.flatMap((patient) => patient.red_flags),
        ),
      )
      : null,
    problem?.errors?.length
      ? h(
        "ul",
        { class: "problem-errors" },
        problem.errors.map((error) =>
          h(
            "li",
            {},
            error.path ? h("code", {}, error.path) : "Request",
            `: ${error.message} `,
            h("code", { class: "error-code" }, error.code),
          )
        ),
      )
      : null,
    h(
      "dl",
      { class: "facts" },
      problem?.code ? pair("Code", h("code", {}, problem.code)) : [],
      pair(
        "Request id",
        call.requestId ? h("code", {}, call.requestId) : "none given",
      ),
      call.retryAfter ? pair("Retry after", `${call.retryAfter} s`) : [],
    ),
    call.requestId
      ? h(
        "p",
        { class: "muted" },
        "Quote the request id when reporting this: it finds the request in the gateway's logs.",
      )
      : null,
  );
}
