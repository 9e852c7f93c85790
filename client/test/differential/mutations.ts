/**
 * Systematic mutations of the base requests: at every path, the field
 * removed, set to null, and set to each value of its kind (texts, numbers,
 * words, names, images) and of the other kinds; every field name of every
 * base added to every object; arrays cut, grown past their limits and given
 * duplicates; every object with a key repeated in the text.
 *
 * @module
 */
import { type Base, bases, type Json } from "./bases.ts";
import { IMAGE_DATA, NAMES, NUMBERS, TEXTS, WORDS } from "./variants.ts";

/** A mutated body. */
export interface Mutant {
  slug: Base["slug"];
  name: string;
  text: string;
}

type Path = (string | number)[];

const OTHER_KINDS: readonly Json[] = [null, 1, "x", true, [], {}, ["x"]];

/** Values to try where `key` (the field, or an array's field) holds `current`. */
function replacements(key: string, current: Json): readonly Json[] {
  if (key === "image_data") return IMAGE_DATA;
  if (key === "endpoint" || key === "variant") return NAMES;
  if (key === "async") return [true, false, "true", 1];
  if (typeof current === "number") return NUMBERS;
  if (typeof current === "string") {
    return ["symptoms", "medical_history", "current_medications"].includes(key)
      ? TEXTS
      : WORDS;
  }
  if (Array.isArray(current)) return resized(current);
  return [];
}

/** An array cut, filled to and past every list limit, and with a duplicate. */
function resized(items: Json[]): Json[] {
  const first = items[0] ?? "x";
  const filled = (n: number) => Array.from({ length: n }, () => first);
  const numbered = (n: number) =>
    Array.from(
      { length: n },
      (_, i) => typeof first === "string" ? `${first} ${i}` : first,
    );
  return [
    [],
    [first],
    [...items, first],
    [...items, null],
    ...[8, 9, 10, 20, 21, 30, 31, 100, 101].flatMap((
      n,
    ) => [filled(n), numbered(n)]),
  ];
}

function* pathsOf(value: Json, path: Path = []): Generator<Path> {
  if (value === null || typeof value !== "object") return;
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, i) => [i, item])
    : Object.entries(value);
  for (const [key, child] of entries) {
    yield [...path, key];
    yield* pathsOf(child, [...path, key]);
  }
}

function objectPaths(value: Json, path: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const here = Array.isArray(value) ? [] : [path];
  const children = Array.isArray(value)
    ? value.map((item, i) => objectPaths(item, [...path, i]))
    : Object.entries(value).map(([key, child]) =>
      objectPaths(child, [...path, key])
    );
  return [...here, ...children.flat()];
}

const REMOVE = Symbol("remove");

function changed(
  value: Json,
  path: Path,
  replacement: Json | typeof REMOVE,
): Json {
  const copy = structuredClone(value);
  let parent = copy as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) {
    parent = parent[segment] as Record<string | number, Json>;
  }
  const last = path[path.length - 1];
  if (replacement === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = replacement;
  }
  return copy;
}

/** The field an array item or value belongs to (an item takes its array's name). */
function fieldOf(path: Path): string {
  return String(
    [...path].reverse().find((segment) => typeof segment === "string") ?? "",
  );
}

/** JSON text whose object at `path` writes its first key twice. */
function withRepeatedKey(value: Json, path: Path): string | null {
  const text = JSON.stringify(value);
  const marker = "__repeat_me__";
  const target = changed(value, [...path, marker], 0);
  const object = path.length === 0 ? value : pathValue(value, path);
  const [first] = Object.entries(object as Record<string, Json>);
  if (!first) return null;
  const repeated = `${JSON.stringify(first[0])}:${JSON.stringify(first[1])}`;
  const marked = JSON.stringify(target);
  return marked === text ? null : marked.replace(`"${marker}":0`, repeated);
}

function pathValue(value: Json, path: Path): Json {
  return path.reduce<Json>(
    (node, segment) => (node as Record<string | number, Json>)[segment],
    value,
  );
}

/** Every mutation of every base. */
export function mutants(): Mutant[] {
  const all = bases();
  const fieldNames = new Map<string, Json>();
  for (const base of all) {
    for (const path of pathsOf(base.value)) {
      const key = path[path.length - 1];
      if (typeof key === "string") {
        fieldNames.set(key, pathValue(base.value, path));
      }
    }
  }
  fieldNames.set("unexpected", 1);
  fieldNames.set("medical_histroy", ["x"]);

  const out: Mutant[] = [];
  for (const base of all) {
    const add = (name: string, value: Json) =>
      out.push({
        slug: base.slug,
        name: `${base.name}: ${name}`,
        text: JSON.stringify(value),
      });
    add("as is", base.value);
    for (const path of pathsOf(base.value)) {
      const where = path.join(".");
      const current = pathValue(base.value, path);
      add(`${where} removed`, changed(base.value, path, REMOVE));
      for (
        const value of [...replacements(fieldOf(path), current), ...OTHER_KINDS]
      ) {
        add(
          `${where} = ${JSON.stringify(value).slice(0, 40)}`,
          changed(base.value, path, value),
        );
      }
    }
    for (const path of objectPaths(base.value)) {
      for (const [name, value] of fieldNames) {
        add(
          `${name} added at ${path.join(".") || "top"}`,
          changed(base.value, [...path, name], value),
        );
      }
      const repeated = withRepeatedKey(base.value, path);
      if (repeated) {
        out.push({
          slug: base.slug,
          name: `${base.name}: key repeated at ${path.join(".") || "top"}`,
          text: repeated,
        });
      }
    }
  }
  return out;
}
