// @ts-check
/// <reference lib="dom" />
/**
 * Tiny DOM helpers. Text always goes in as text (never as HTML), so nothing a
 * person types or a server answers can inject markup.
 *
 * @module
 */

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Creates an HTML element.
 *
 * @param {string} tag
 * @param {Record<string, unknown>} [props] attributes; `class`, `text`,
 *   `dataset`, and `on<event>` listeners are special
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  setProps(element, props);
  append(element, children);
  return element;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Creates an SVG element.
 *
 * @param {string} tag
 * @param {Record<string, unknown>} [props]
 * @param {...(Child | Child[])} children
 * @returns {SVGElement}
 */
export function svg(tag, props = {}, ...children) {
  const element = /** @type {SVGElement} */ (
    document.createElementNS(SVG_NS, tag)
  );
  setProps(element, props);
  append(element, children);
  return element;
}

/**
 * @param {Element} element
 * @param {Record<string, unknown>} props
 */
function setProps(element, props) {
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.setAttribute("class", String(value));
    else if (name === "text") element.textContent = String(value);
    else if (name === "dataset" && element instanceof HTMLElement) {
      Object.assign(element.dataset, value);
    } else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(
        name.slice(2),
        /** @type {EventListener} */ (value),
      );
    } else element.setAttribute(name, value === true ? "" : String(value));
  }
}

/**
 * @param {Element} element
 * @param {(Child | Child[])[]} children
 */
function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "number" ? String(child) : child);
  }
}

/**
 * The element with this id, or an error naming it (a typo in the HTML should
 * fail loudly, not leave a dead control).
 *
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new (...args: never[]) => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(`#${id} is missing or not a ${type.name}`);
  }
  return element;
}

/**
 * The first element matching `selector` inside `root`, or an error.
 *
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} selector
 * @param {new (...args: never[]) => T} type
 * @returns {T}
 */
export function part(root, selector, type) {
  const element = root.querySelector(selector);
  if (!(element instanceof type)) {
    throw new Error(`${selector} is missing or not a ${type.name}`);
  }
  return element;
}
