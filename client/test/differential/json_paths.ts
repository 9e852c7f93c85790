/**
 * Reading a value at a gateway error path such as `patients[1].patient_data.age`.
 *
 * @module
 */

/** `patients[1].age` → `["patients", 1, "age"]`. */
export function pathSegments(path: string): (string | number)[] {
  if (path === "") return [];
  return path.split(".").flatMap((part) => {
    const [key, ...indices] = part.split("[");
    return [
      ...(key === "" ? [] : [key]),
      ...indices.map((index) => Number(index.replace("]", ""))),
    ];
  });
}

/** The value at `segments`, or undefined. */
export function valueAt(
  value: unknown,
  segments: readonly (string | number)[],
): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
