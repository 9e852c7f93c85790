/**
 * Reading one environment variable as a typed value. A malformed value is a
 * {@link ConfigError} naming the variable, never quoting its value: a
 * setting may be a secret, and errors reach responses and logs.
 *
 * @module
 */

/** Reads one environment variable. */
export type EnvReader = (name: string) => string | undefined;

/** A setting is missing or malformed. The message names the variable only. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.name = "ConfigError";
  }
}

/** The trimmed value; undefined when unset or blank. */
export function optional(env: EnvReader, name: string): string | undefined {
  return env(name)?.trim() || undefined;
}

/** A comma-separated list of non-empty items; undefined when unset. */
export function readList(env: EnvReader, name: string): string[] | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const items = raw.split(",").map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) {
    throw new ConfigError(name, "must be a comma-separated list");
  }
  return items;
}

/** `true` or `false` (any case); false when unset. */
export function readBoolean(env: EnvReader, name: string): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined || raw === "false") return false;
  if (raw === "true") return true;
  throw new ConfigError(name, "must be true or false");
}

/** One of `options`, exactly; undefined when unset. */
export function readChoice<T extends string>(
  env: EnvReader,
  name: string,
  options: readonly T[],
): T | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  if ((options as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(name, `must be one of: ${options.join(", ")}`);
}

/**
 * A whole number from `min` to `max`; `fallback` when unset. `alternative`
 * names another accepted spelling the caller handles (e.g. "off").
 */
export function readInteger(
  env: EnvReader,
  name: string,
  fallback: number,
  min: number,
  max: number,
  alternative?: string,
): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(
      name,
      `must be a whole number from ${min} to ${max}${
        alternative ? `, or ${alternative}` : ""
      }`,
    );
  }
  return value;
}
