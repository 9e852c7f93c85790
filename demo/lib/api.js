// @ts-check
/**
 * Calls one function the way a Supabase client does after sign-in: POST JSON
 * with the user's access token as a Bearer token and the project's public
 * key as `apikey`.
 *
 * @module
 */
import { parseServerTiming } from "./format.js";

/**
 * @typedef {object} Problem
 * @property {string} [type]
 * @property {string} [title]
 * @property {number} [status]
 * @property {string} [detail]
 * @property {string} [code]
 * @property {string} [request_id]
 * @property {import("../../pkg/mod.js").FieldError[]} [errors]
 * @property {import("../../pkg/mod.js").RedFlag[]} [red_flags] triage, when the model could not answer
 * @property {{ index: number, red_flags: import("../../pkg/mod.js").RedFlag[] }[]} [patients] the same, per patient of a batch
 * @property {string} [safety_message] with red_flags: seek care now
 */

/**
 * @typedef {object} CallOutcome
 * @property {boolean} ok
 * @property {number} status 0 when the request never got an answer
 * @property {unknown} body parsed JSON of a 2xx answer
 * @property {Problem | null} problem the problem+json of an error answer
 * @property {string | null} requestId
 * @property {Record<string, number>} timing from `server-timing`
 * @property {number} roundTripMs
 * @property {string | null} retryAfter
 * @property {string | null} networkError
 */

/**
 * @param {{ functionsUrl: string, anonKey: string, accessToken: string }} config
 * @param {string} slug e.g. "sagemaker-triage"
 * @param {Uint8Array} body
 * @param {typeof fetch} [fetcher]
 * @returns {Promise<CallOutcome>}
 */
export async function callFunction(config, slug, body, fetcher = fetch) {
  const started = performance.now();
  /** @type {CallOutcome} */
  const outcome = {
    ok: false,
    status: 0,
    body: null,
    problem: null,
    requestId: null,
    timing: {},
    roundTripMs: 0,
    retryAfter: null,
    networkError: null,
  };
  let response;
  let text;
  try {
    response = await fetcher(`${config.functionsUrl}/${slug}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${config.accessToken}`,
        apikey: config.anonKey,
        "content-type": "application/json",
      },
      body: /** @type {BodyInit} */ (/** @type {unknown} */ (body)),
    });
    text = await response.text();
  } catch (error) {
    outcome.networkError = error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
    outcome.roundTripMs = performance.now() - started;
    return outcome;
  }
  outcome.roundTripMs = performance.now() - started;
  outcome.status = response.status;
  outcome.ok = response.ok;
  outcome.timing = parseServerTiming(response.headers.get("server-timing"));
  outcome.retryAfter = response.headers.get("retry-after");
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: shown as an unexpected answer.
  }
  const type = response.headers.get("content-type") ?? "";
  if (response.ok) outcome.body = parsed;
  else if (
    /^application\/problem\+json/i.test(type) && parsed &&
    typeof parsed === "object"
  ) {
    outcome.problem = /** @type {Problem} */ (parsed);
  }
  outcome.requestId = response.headers.get("x-request-id") ??
    (typeof outcome.problem?.request_id === "string"
      ? outcome.problem.request_id
      : null);
  return outcome;
}
