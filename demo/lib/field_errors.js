// @ts-check
/// <reference lib="dom" />
/**
 * Puts the gateway's field errors next to the fields they name, and a
 * summary with links to them at the top of the form.
 *
 * A field is any element with `data-path` (the request path it fills) and
 * `data-label`; its `.field-error` child shows the messages. Paths no field
 * claims (the body as a whole, an unknown field) are listed in the summary.
 *
 * @module
 */
import { h } from "./dom.js";
import { itemIndex, owningField } from "./format.js";

/** @typedef {import("../../pkg/mod.js").FieldError} FieldError */

/**
 * @typedef {object} ErrorOptions
 * @property {Record<string, (index: number) => string | undefined>} [itemLabel]
 *   names list item `index` of the field with that path (e.g. the chip text)
 * @property {string} [title] heading of the summary
 */

/**
 * The control to focus for a field: the visible input, select or button in it.
 *
 * @param {HTMLElement} field
 * @returns {HTMLElement | null}
 */
export function focusTarget(field) {
  if (field.matches("input, select, textarea")) return field;
  const preferred = (field.dataset.focus ?? "").split(/\s+/)
    .map((id) => id && document.getElementById(id))
    .find((el) => el instanceof HTMLElement && !el.closest("[hidden]"));
  if (preferred instanceof HTMLElement) return preferred;
  for (
    const control of field.querySelectorAll("input, select, textarea, button")
  ) {
    if (control instanceof HTMLElement && !control.closest("[hidden]")) {
      return control;
    }
  }
  return null;
}

/**
 * Shows `errors` in `form` (an empty list clears everything).
 *
 * @param {HTMLFormElement} form
 * @param {FieldError[]} errors
 * @param {ErrorOptions} [options]
 * @returns {HTMLElement | null} the summary when there were errors
 */
export function showFieldErrors(form, errors, options = {}) {
  /** @type {HTMLElement[]} */
  const fields = [...form.querySelectorAll("[data-path]")].filter(
    /** @returns {el is HTMLElement} */ (el) => el instanceof HTMLElement,
  );
  const paths = fields.map((field) => field.dataset.path ?? "");
  /** @type {Map<string, FieldError[]>} */
  const byField = new Map();
  /** @type {FieldError[]} */
  const unclaimed = [];
  for (const error of errors) {
    const owner = owningField(error.path, paths);
    if (owner === null) unclaimed.push(error);
    else byField.set(owner, [...(byField.get(owner) ?? []), error]);
  }

  /** @type {HTMLElement[]} */
  const summaryItems = [];
  for (const field of fields) {
    const path = field.dataset.path ?? "";
    const fieldErrors = byField.get(path) ?? [];
    const label = field.dataset.label ?? path;
    const box = field.querySelector(":scope > .field-error");
    if (!(box instanceof HTMLElement)) continue;
    if (!box.id) box.id = `${form.id}-error-${paths.indexOf(path)}`;
    const controls = field.matches("fieldset")
      ? [field, ...field.querySelectorAll("input, select, textarea")]
      : field.querySelectorAll("input, select, textarea");
    for (const control of controls) {
      setDescribedBy(control, box.id, fieldErrors.length > 0);
      if (control !== field) {
        if (fieldErrors.length > 0) {
          control.setAttribute("aria-invalid", "true");
        } else control.removeAttribute("aria-invalid");
      }
    }
    field.classList.toggle("has-error", fieldErrors.length > 0);
    box.replaceChildren();
    box.hidden = fieldErrors.length === 0;
    for (const error of fieldErrors) {
      const which = itemName(error.path, path, options);
      box.append(
        h(
          "p",
          {},
          h("span", { class: "visually-hidden" }, "Error: "),
          which ? `${which}: ` : "",
          error.message,
          " ",
          h("code", { class: "error-code" }, error.code),
        ),
      );
      const target = focusTarget(field);
      summaryItems.push(
        h(
          "li",
          {},
          h(
            "a",
            {
              href: target ? `#${target.id}` : "#",
              onclick: (/** @type {Event} */ event) => {
                event.preventDefault();
                focusTarget(field)?.focus();
              },
            },
            `${label}${which ? ` (${which})` : ""}: ${error.message}`,
          ),
        ),
      );
    }
  }
  for (const error of unclaimed) {
    summaryItems.push(
      h(
        "li",
        {},
        error.path ? h("code", {}, error.path) : "Request",
        `: ${error.message} `,
        h("code", { class: "error-code" }, error.code),
      ),
    );
  }

  const summary = form.querySelector(".error-summary");
  if (!(summary instanceof HTMLElement)) return null;
  summary.replaceChildren();
  summary.hidden = summaryItems.length === 0;
  if (summaryItems.length === 0) return null;
  const count = errors.length === 1
    ? "There is 1 problem"
    : `There are ${errors.length} problems`;
  summary.append(
    h(
      "h3",
      { class: "error-summary-title" },
      options.title ?? `${count}; nothing was sent`,
    ),
    h("ul", {}, summaryItems),
  );
  return summary;
}

/**
 * "“chest pain”" for `symptoms[0]` when the field can name its items, else
 * "item 1"; "" for the field itself.
 *
 * @param {string} path
 * @param {string} fieldPath
 * @param {ErrorOptions} options
 */
function itemName(path, fieldPath, options) {
  if (path === fieldPath) return "";
  const index = itemIndex(path, fieldPath);
  if (index === null) return path.slice(fieldPath.length).replace(/^\./, "");
  const name = options.itemLabel?.[fieldPath]?.(index);
  const shown = name && name.length > 40 ? `${name.slice(0, 39)}…` : name;
  return shown ? `“${shown}”` : `item ${index + 1}`;
}

/**
 * @param {Element} control
 * @param {string} id
 * @param {boolean} on
 */
function setDescribedBy(control, id, on) {
  const ids = (control.getAttribute("aria-describedby") ?? "").split(/\s+/)
    .filter((item) => item !== "" && item !== id);
  if (on) ids.push(id);
  if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
  else control.removeAttribute("aria-describedby");
}
