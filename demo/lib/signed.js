// @ts-check
/// <reference lib="dom" />
/**
 * "What the gateway signs (demo credentials)": the browser has no AWS
 * credentials, so it cannot show the gateway's real signature. The page's
 * gateways (the same wasm, one per function) hold AWS's published example
 * key pair instead: `prepare` builds and signs the SageMaker request exactly
 * as the function does, at the current time. The secret key is never put on
 * screen.
 *
 * @module
 */
import { h } from "./dom.js";
import { describeBody, splitAuthorization } from "./format.js";

/**
 * AWS's documentation example keys (the SigV4 test suite's). They open
 * nothing anywhere. Only the access key id is ever shown.
 */
export const DEMO_CREDENTIALS = Object.freeze({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
});

/** @typedef {import("../../pkg/mod.js").Gateway} Gateway */

/**
 * The text of the signed request: request line, headers (host first, as
 * signed), a blank line and the body (or a note on its size).
 *
 * @param {Gateway} gateway the function's gateway, holding DEMO_CREDENTIALS
 * @param {Uint8Array} body the client body, already valid
 * @param {number} timeMs
 */
export async function signedRequestText(gateway, body, timeMs) {
  const invocation = gateway.prepare(body, timeMs);
  // A large body (an inline image) is hashed outside wasm, as the function does.
  const signature = invocation.firstAttemptSignature ?? gateway.signAttempt(
    {
      ...invocation,
      payloadSha256: invocation.payloadSha256 ??
        await sha256Hex(invocation.body),
    },
    timeMs,
  );
  const url = new URL(invocation.url);
  /** @type {[string, string][]} */
  const headers = [
    ["host", url.host],
    ...invocation.headers,
    ...signature,
  ];
  const contentType =
    invocation.headers.find(([name]) => name === "content-type")?.[1] ?? "";
  const lines = [
    `${invocation.method} ${url.pathname}${url.search} HTTP/1.1`,
    ...headers.map(([name, value]) =>
      `${name}: ${name === "authorization" ? splitAuthorization(value) : value}`
    ),
    "",
    describeBody(contentType, invocation.body),
  ];
  const text = lines.join("\n");
  if (text.includes(DEMO_CREDENTIALS.secretAccessKey)) {
    throw new Error("refusing to show a secret key");
  }
  return { text, url: invocation.url };
}

/** @param {Uint8Array} bytes */
async function sha256Hex(bytes) {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", /** @type {BufferSource} */ (bytes)),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Fills a `<details>` with the signed request.
 *
 * @param {HTMLDetailsElement} details
 * @param {{ text: string, url: string }} signed
 */
export function showSignedRequest(details, signed) {
  const body = details.querySelector(".signed-body");
  if (!(body instanceof HTMLElement)) return;
  body.replaceChildren(
    h(
      "p",
      { class: "muted" },
      "The browser holds no AWS credentials. This is the SageMaker request the gateway builds for this input, built and signed here by the same wasm with AWS's example access key ",
      h("code", {}, DEMO_CREDENTIALS.accessKeyId),
      " (a fake, demo credential) at the current time. The gateway signs with its own key, so its real signature differs. No secret key is ever shown.",
    ),
    h("p", { class: "signed-url" }, "To ", h("code", {}, signed.url)),
    h(
      "pre",
      { class: "signed-request", tabindex: "0" },
      h("code", {}, signed.text),
    ),
  );
  details.hidden = false;
}
