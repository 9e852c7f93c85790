/**
 * Whether JSON text repeats a key in one object. `JSON.parse` silently keeps
 * the last value, so this reads the text itself: strings, and a stack of the
 * keys seen in each open object.
 *
 * @module
 */

/** True when some object in `text` (already known to be JSON) repeats a key. */
export function hasDuplicateKey(text: string): boolean {
  const open: (Set<string> | null)[] = []; // null for an array
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const objectKeys = open.at(-1);
      if (expectingKey && objectKeys) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (objectKeys.has(key)) return true;
        objectKeys.add(key);
      }
      expectingKey = false;
      i = end;
    } else if (c === "{") {
      open.push(new Set());
      expectingKey = true;
    } else if (c === "[") {
      open.push(null);
    } else if (c === "}" || c === "]") {
      open.pop();
    } else if (c === ",") {
      expectingKey = open.at(-1) !== null;
    }
  }
  return false;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
