// @ts-check
/// <reference lib="dom" />
/**
 * What the three panels share: on submit, check the body with the gateway's
 * wasm and show field errors without sending anything; when it is valid,
 * show the demo-signed request, call the function and show the answer.
 *
 * @module
 */
import { callFunction } from "./api.js";
import { showFieldErrors } from "./field_errors.js";
import { encodeJson } from "./payloads.js";
import { renderProblem } from "./results.js";
import { showSignedRequest, signedRequestText } from "./signed.js";

/** @typedef {import("../../pkg/mod.js").Gateway} Gateway */
/** @typedef {import("../../pkg/mod.js").FunctionName} FunctionName */
/** @typedef {import("./api.js").CallOutcome} CallOutcome */

/**
 * @typedef {object} DemoConfig
 * @property {string} anonKey the project's public key, sent as `apikey`
 * @property {string} accessToken a signed-in demo patient's token
 * @property {string[]} [allowedBuckets] buckets the functions accept s3:// images from
 * @property {string} functionsUrl
 * @property {boolean} nonClinicalStandIn
 * @property {string} region
 * @property {string | null} endpointUrl
 */

/**
 * @typedef {object} PanelContext
 * @property {Record<FunctionName, Gateway>} gateways one per function
 * @property {DemoConfig | null} config null when /demo/config.json could not be read
 */

/**
 * @typedef {object} PanelSpec
 * @property {HTMLElement} section the panel's `<section>`
 * @property {FunctionName} fn
 * @property {() => Promise<void>} [prepare] awaited before `collect` on submit
 *   (e.g. a file still being read)
 * @property {() => unknown} collect the request body from the form
 * @property {(body: any, call: CallOutcome) => HTMLElement} render a 2xx answer
 * @property {(body: any) => string} announce a one-line summary for screen readers
 * @property {Record<string, (index: number) => string | undefined>} [itemLabel]
 * @property {() => void | Promise<void>} example fills the form with an example
 */

/**
 * @param {PanelContext} context
 * @param {PanelSpec} spec
 */
export function setupPanel(context, spec) {
  const form = spec.section.querySelector("form");
  const result = spec.section.querySelector("[data-result]");
  const announce = spec.section.querySelector("[data-announce]");
  const signed = spec.section.querySelector("[data-signed]");
  const submit = form?.querySelector("button[type=submit]");
  const example = form?.querySelector("[data-example]");
  if (
    !(form instanceof HTMLFormElement) || !(result instanceof HTMLElement) ||
    !(announce instanceof HTMLElement) ||
    !(signed instanceof HTMLDetailsElement) ||
    !(submit instanceof HTMLButtonElement) ||
    !(example instanceof HTMLButtonElement)
  ) {
    throw new Error(`panel #${spec.section.id} is missing its parts`);
  }
  // After a refused submit, errors follow the person's edits live.
  let live = false;

  const check = () => {
    const body = encodeJson(spec.collect());
    return { body, errors: context.gateways[spec.fn].validate(body) };
  };

  const recheck = () => {
    if (!live) return;
    const { errors } = check();
    showFieldErrors(form, errors, { itemLabel: spec.itemLabel });
    if (errors.length === 0) live = false;
  };
  form.addEventListener("input", recheck);
  form.addEventListener("change", recheck);

  example.addEventListener("click", async () => {
    await spec.example();
    recheck();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    await spec.prepare?.();
    const { body, errors } = check();
    const summary = showFieldErrors(form, errors, {
      itemLabel: spec.itemLabel,
    });
    if (summary) {
      live = true;
      announce.textContent = "";
      summary.focus();
      return;
    }
    try {
      showSignedRequest(
        signed,
        await signedRequestText(context.gateways[spec.fn], body, Date.now()),
      );
    } catch (error) {
      // Showing the signed request is an extra; it must not block the call.
      console.error("could not build the demo signed request", error);
    }
    if (!context.config) {
      result.replaceChildren(
        renderProblem({
          ok: false,
          status: 0,
          body: null,
          problem: null,
          requestId: null,
          timing: {},
          roundTripMs: 0,
          retryAfter: null,
          networkError:
            "/demo/config.json could not be read, so the page has no anon key. Start the page with `deno task dev`.",
        }),
      );
      return;
    }

    submit.disabled = true;
    submit.textContent = "Sending…";
    result.setAttribute("aria-busy", "true");
    announce.textContent = "Sending…";
    try {
      const call = await callFunction(context.config, spec.fn, body);
      if (call.ok && call.body && typeof call.body === "object") {
        result.replaceChildren(spec.render(call.body, call));
        announce.textContent = spec.announce(call.body);
      } else {
        result.replaceChildren(renderProblem(call));
        announce.textContent = "";
        const serverErrors = call.problem?.errors ?? [];
        if (serverErrors.length) {
          showFieldErrors(form, serverErrors, {
            itemLabel: spec.itemLabel,
            title: "The gateway refused these fields",
          });
        }
      }
    } finally {
      submit.disabled = false;
      submit.textContent = "Check and send";
      result.removeAttribute("aria-busy");
    }
  });

  submit.disabled = false;
  example.disabled = false;
}
