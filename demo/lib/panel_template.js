// @ts-check
/// <reference lib="dom" />
/**
 * Builds the function panels from one `<template id="panel-template">`, the
 * markup they all share, and one `<template data-panel>` per function holding
 * only what differs: its form fields as content, and as data attributes its
 * section id, title, function name, summary and example button label. A
 * `div[data-gender-field]` among the fields becomes the shared gender field
 * (`<template id="gender-field-template">`).
 *
 * @module
 */
import { byId, part } from "./dom.js";

/**
 * Replaces each `template[data-panel]` with its panel, in place, so the
 * panels keep the document's order (and with it the tab order).
 *
 * @param {ParentNode} [root]
 */
export function buildPanels(root = document) {
  const shell = byId("panel-template", HTMLTemplateElement);
  for (const fields of root.querySelectorAll("template[data-panel]")) {
    if (!(fields instanceof HTMLTemplateElement)) continue;
    fields.replaceWith(buildPanel(shell, fields));
  }
}

/**
 * @param {HTMLTemplateElement} shell
 * @param {HTMLTemplateElement} fields
 * @returns {HTMLElement} the panel's `<section>`
 */
function buildPanel(shell, fields) {
  const { panel: id, title, function: fn, summary, example } = fields.dataset;
  if (!id || !title || !fn || !summary || !example) {
    // A missing attribute would leave a blank heading or button: fail loudly.
    throw new Error(
      `template[data-panel="${id}"] needs data-title, data-function, data-summary and data-example`,
    );
  }
  const section = part(
    document.importNode(shell.content, true),
    "section",
    HTMLElement,
  );
  section.id = id;
  section.setAttribute("aria-labelledby", `${id}-title`);
  const heading = part(section, "h2", HTMLElement);
  heading.id = `${id}-title`;
  heading.textContent = title;
  part(section, ".fn code", HTMLElement).textContent = fn;
  part(section, ".panel-head > p:last-child", HTMLElement).textContent =
    summary;
  part(section, "form", HTMLFormElement).id = `${id}-form`;
  part(section, "[data-example]", HTMLButtonElement).textContent = example;
  part(section, "[data-fields]", HTMLElement).replaceWith(
    document.importNode(fields.content, true),
  );
  for (const slot of section.querySelectorAll("[data-gender-field]")) {
    slot.replaceWith(genderField(`${id}-gender`));
  }
  return section;
}

/**
 * A copy of `#gender-field-template`, its select given `selectId` and its
 * label pointed at it.
 *
 * @param {string} selectId
 * @returns {HTMLElement}
 */
function genderField(selectId) {
  const template = byId("gender-field-template", HTMLTemplateElement);
  const field = part(
    document.importNode(template.content, true),
    ".field",
    HTMLElement,
  );
  part(field, "select", HTMLSelectElement).id = selectId;
  part(field, "label", HTMLLabelElement).htmlFor = selectId;
  return field;
}
