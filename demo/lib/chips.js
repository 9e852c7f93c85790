// @ts-check
/// <reference lib="dom" />
/**
 * A list of toggle chips (`<button aria-pressed>`) with a text box to add
 * more. Suggestions start unpressed; typed items are added pressed. Chips
 * are never removed, only unpressed, so keyboard focus is never lost.
 *
 * Markup it expects inside `root`: `[data-chips]` (the list),
 * `[data-chip-input]` and `[data-chip-add]`.
 *
 * @module
 */
import { h, part } from "./dom.js";

/**
 * @typedef {object} ChipGroup
 * @property {() => string[]} values the pressed items, in the order they were pressed
 * @property {(values: string[]) => void} set presses exactly these (adding chips as needed)
 */

/**
 * @param {HTMLElement} root
 * @param {readonly string[]} suggestions
 * @returns {ChipGroup}
 */
export function createChipGroup(root, suggestions) {
  const list = part(root, "[data-chips]", HTMLElement);
  const input = part(root, "[data-chip-input]", HTMLInputElement);
  const add = part(root, "[data-chip-add]", HTMLButtonElement);
  const label = root.querySelector("legend")?.firstChild?.textContent?.trim() ??
    "Items";
  const listElement = h("ul", { class: "chips", "aria-label": label });
  list.append(listElement);

  /** @type {Map<string, HTMLButtonElement>} */
  const chips = new Map();
  /** @type {string[]} */
  let pressed = [];

  const changed = () =>
    root.dispatchEvent(new Event("change", { bubbles: true }));

  /** @param {string} text */
  const keyOf = (text) => text.toLocaleLowerCase();

  /** @param {string} text */
  function chipFor(text) {
    const existing = chips.get(keyOf(text));
    if (existing) return existing;
    const button = /** @type {HTMLButtonElement} */ (h(
      "button",
      {
        type: "button",
        class: "chip",
        "aria-pressed": "false",
        onclick: () => toggle(text),
      },
      h("span", { class: "chip-mark", "aria-hidden": "true" }),
      text,
    ));
    button.dataset.value = text;
    chips.set(keyOf(text), button);
    listElement.append(h("li", {}, button));
    return button;
  }

  /** @param {string} text */
  function toggle(text) {
    const button = chipFor(text);
    const value = button.dataset.value ?? text;
    if (button.getAttribute("aria-pressed") === "true") {
      button.setAttribute("aria-pressed", "false");
      pressed = pressed.filter((item) => item !== value);
    } else {
      button.setAttribute("aria-pressed", "true");
      pressed.push(value);
    }
    changed();
  }

  function addTyped() {
    const text = input.value.trim();
    if (text === "") return;
    const button = chipFor(text);
    if (button.getAttribute("aria-pressed") !== "true") {
      toggle(button.dataset.value ?? text);
    }
    input.value = "";
    input.focus();
  }

  for (const suggestion of suggestions) chipFor(suggestion);
  add.addEventListener("click", addTyped);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      // Enter adds the item instead of submitting the form.
      event.preventDefault();
      addTyped();
    }
  });

  return {
    values: () => [...pressed],
    set(values) {
      for (const button of chips.values()) {
        button.setAttribute("aria-pressed", "false");
      }
      pressed = [];
      for (const value of values) {
        const button = chipFor(value);
        button.setAttribute("aria-pressed", "true");
        pressed.push(button.dataset.value ?? value);
      }
      changed();
    },
  };
}
