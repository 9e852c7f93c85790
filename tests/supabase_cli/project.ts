/**
 * What the repository says each function is: its settings in
 * supabase/config.toml, and the local files of its module graph (code and
 * declarations) as Deno resolves them, against which the CLI's uploads and
 * mounts are compared.
 *
 * @module
 */
import { relative } from "node:path";
import { REPO_ROOT } from "./supabase_cli.ts";

/** The three functions' slugs. */
export const SLUGS = [
  "sagemaker-triage",
  "sagemaker-image-analysis",
  "sagemaker-risk-score",
] as const;

/** One `[functions.<slug>]` table, with paths relative to the repository root. */
export interface FunctionSettings {
  entrypoint: string;
  importMap: string;
  verifyJwt: boolean;
}

/**
 * The function's table in supabase/config.toml. Read with a small line
 * reader: the file holds plain `key = value` lines under `[table]` headers.
 */
export async function functionSettings(
  slug: string,
): Promise<FunctionSettings> {
  const text = await Deno.readTextFile(`${REPO_ROOT}supabase/config.toml`);
  const table: Record<string, string> = {};
  let current = "";
  for (const line of text.split("\n")) {
    const header = /^\[(.+)\]\s*$/.exec(line.trim());
    if (header) {
      current = header[1];
      continue;
    }
    const entry = /^([a-z_]+)\s*=\s*(.+?)\s*$/.exec(line.trim());
    if (entry && current === `functions.${slug}`) table[entry[1]] = entry[2];
  }
  const path = (value: string | undefined) =>
    relative(REPO_ROOT, `${REPO_ROOT}supabase/${JSON.parse(value ?? '""')}`);
  if (!table.entrypoint) {
    throw new Error(`config.toml has no ${slug} entrypoint`);
  }
  return {
    entrypoint: path(table.entrypoint),
    importMap: path(table.import_map),
    verifyJwt: table.verify_jwt !== "false",
  };
}

/** Every local file of `entrypoint`'s module graph, types included, relative to the root. */
export async function moduleGraphFiles(entrypoint: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entrypoint],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (output.code !== 0) {
    throw new Error(new TextDecoder().decode(output.stderr));
  }
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    modules: { specifier: string }[];
  };
  return info.modules
    .map((module) => module.specifier)
    .filter((specifier) => specifier.startsWith("file://"))
    .map((specifier) => relative(REPO_ROOT, new URL(specifier).pathname));
}
