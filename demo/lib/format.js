// @ts-check
/**
 * Pure helpers for showing results and errors. No DOM, so Deno tests import
 * them.
 *
 * @module
 */

/**
 * Durations of a `server-timing` header, e.g. `model;dur=11, gateway;dur=7`
 * → `{ model: 11, gateway: 7 }`. Metrics without a valid `dur` are skipped.
 *
 * @param {string | null} header
 * @returns {Record<string, number>}
 */
export function parseServerTiming(header) {
  /** @type {Record<string, number>} */
  const out = {};
  if (!header) return out;
  for (const metric of header.split(",")) {
    const [name, ...params] = metric.split(";").map((part) => part.trim());
    if (!name || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) continue;
    for (const param of params) {
      const match = /^dur\s*=\s*"?([0-9]+(?:\.[0-9]+)?)"?$/i.exec(param);
      if (match) {
        out[name] = Number(match[1]);
        break;
      }
    }
  }
  return out;
}

/**
 * The form field an error path belongs to: the longest of `fieldPaths` that
 * is the path itself or a parent of it (`symptoms` owns `symptoms[2]`,
 * `patient_data` owns `patient_data.foo` unless a field claims it).
 *
 * @param {string} path e.g. "patient_data.age"
 * @param {readonly string[]} fieldPaths
 * @returns {string | null}
 */
export function owningField(path, fieldPaths) {
  let best = null;
  for (const candidate of fieldPaths) {
    const owns = path === candidate ||
      path.startsWith(candidate + ".") ||
      path.startsWith(candidate + "[");
    if (owns && (best === null || candidate.length > best.length)) {
      best = candidate;
    }
  }
  return best;
}

/**
 * The list index right below `fieldPath` in `path`
 * (`symptoms[2]` → 2), or null.
 *
 * @param {string} path
 * @param {string} fieldPath
 */
export function itemIndex(path, fieldPath) {
  const match = /^\[(\d+)\]/.exec(path.slice(fieldPath.length));
  return match ? Number(match[1]) : null;
}

/**
 * A 0..1 value as a whole percentage, e.g. 0.6376 → "64%".
 *
 * @param {number} value
 */
export function percent(value) {
  return `${Math.round(value * 100)}%`;
}

/**
 * A model label for people: "pleural_effusion" → "Pleural effusion".
 *
 * @param {string} label
 */
export function humanize(label) {
  const spaced = label.replace(/[_-]+/g, " ").trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** Risk levels in order, as the gateway names them. */
export const RISK_LEVELS = Object.freeze([
  "low",
  "moderate",
  "high",
  "critical",
]);

/**
 * The level a 0..1 score falls in, with the gateway's cut-offs (README:
 * below 0.25 low, below 0.5 moderate, below 0.75 high, else critical).
 *
 * @param {number} score
 */
export function levelOf(score) {
  if (score < 0.25) return "low";
  if (score < 0.5) return "moderate";
  if (score < 0.75) return "high";
  return "critical";
}

/**
 * A readable view of a request body: text for JSON and CSV, a size note for
 * image bytes (which would be noise on screen).
 *
 * @param {string} contentType
 * @param {Uint8Array} body
 */
export function describeBody(contentType, body) {
  if (/^(application\/json|text\/)/i.test(contentType)) {
    return new TextDecoder().decode(body);
  }
  return `(${body.length} bytes of ${contentType}, not shown)`;
}

/**
 * An Authorization header with each part on its own line, for narrow
 * screens: `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
 *
 * @param {string} value
 */
export function splitAuthorization(value) {
  return value.replace(/, /g, ",\n    ");
}
