/**
 * Part 3, size: pkg/ as a function imports it (mod.js + the wasm-bindgen glue
 * + the wasm embedded as base64 in a JS module), raw and gzip -9, beside each
 * peer's cold-start script bundled and minified by esbuild (pinned in
 * bench/npm/package.json, installed there with `npm ci`), and beside the
 * floor: the mandated stack alone, built as pkg/ is (bench/floor).
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import { COLD_SCRIPTS } from "./part_cold.ts";
import type { PeerId } from "./peers.ts";

/** Raw and gzip -9 bytes. */
export interface Size {
  raw: number;
  gzip: number;
  /** What was measured. */
  what: string;
}

/** Part 3's figures. */
export interface SizeResults {
  ours: Size;
  /** The wasm binary + glue JS, as a separate .wasm file would ship. */
  oursBinary: Size;
  /** The mandated stack alone (bench/floor), built and embedded as pkg/ is. */
  floor: Size;
  /** The floor's wasm binary + glue JS. */
  floorBinary: Size;
  peers: Record<PeerId, Size>;
  esbuild: string;
}

/** The files a function's import of pkg/mod.js loads, besides the snippets. */
const PKG_SHIPPED = [
  "pkg/mod.js",
  "pkg/healthnav_edge.js",
  "pkg/healthnav_edge_wasm.js",
];

/** The same for the floor (bench/floor/build.sh). */
const FLOOR_SHIPPED = [
  "bench/floor/pkg/mod.js",
  "bench/floor/pkg/floor.js",
  "bench/floor/pkg/floor_wasm.js",
];

/** wasm-bindgen's JS snippets (pkg/snippets/<crate>-<hash>/*.js), which the glue imports. */
function snippetFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(`${root}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.name.endsWith(".js")) files.push(path);
    }
  };
  try {
    walk("pkg/snippets");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return files.sort();
}

async function sizeOf(files: string[], what: string): Promise<Size> {
  const parts = await Promise.all(files.map((file) => Deno.readFile(file)));
  const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return {
    raw: joined.byteLength,
    gzip: gzipSync(joined, { level: 9 }).byteLength,
    what,
  };
}

/** Installs bench/npm's pinned packages when missing or stale (`npm ci`). */
export async function ensureNpm(root: string): Promise<void> {
  const dir = `${root}/bench/npm`;
  const lock = await Deno.readTextFile(`${dir}/package-lock.json`);
  const stamp = `${dir}/node_modules/.bench-lock`;
  const installed = await Deno.readTextFile(stamp).catch(() => "");
  if (installed === lock) return;
  const result = await new Deno.Command("npm", {
    args: [
      "ci",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    throw new Error(
      `npm ci in bench/npm failed:\n${new TextDecoder().decode(result.stderr)}`,
    );
  }
  await Deno.writeTextFile(stamp, lock);
}

/** Runs part 3. */
export async function runSizePart(
  options: { root: string; tmpDir: string },
): Promise<SizeResults> {
  const { root } = options;
  await ensureNpm(root);
  const esbuild = `${root}/bench/npm/node_modules/.bin/esbuild`;
  const version = new TextDecoder().decode(
    (await new Deno.Command(esbuild, { args: ["--version"] }).output()).stdout,
  ).trim();

  const peers = {} as Record<PeerId, Size>;
  for (
    const id of [
      "smithy-node",
      "smithy-js",
      "smithy-webcrypto",
      "aws4fetch",
      "sdk",
    ] as const
  ) {
    const outfile = `${options.tmpDir}/${id}.min.js`;
    const result = await new Deno.Command(esbuild, {
      args: [
        COLD_SCRIPTS[id],
        "--bundle",
        "--minify",
        "--format=esm",
        "--platform=browser",
        "--target=es2022",
        "--external:node:*",
        "--log-level=error",
        `--outfile=${outfile}`,
      ],
      cwd: root,
      env: { NODE_PATH: `${root}/bench/npm/node_modules` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!result.success) {
      throw new Error(
        `esbuild ${id} failed:\n${new TextDecoder().decode(result.stderr)}`,
      );
    }
    peers[id] = await sizeOf(
      [outfile],
      id === "smithy-node"
        ? "bundle minus node:crypto (left external)"
        : "esbuild bundle, minified",
    );
  }
  return {
    ours: await sizeOf(
      [...PKG_SHIPPED, ...snippetFiles(root)].map((file) => `${root}/${file}`),
      "pkg/ as imported: mod.js + glue + snippets + wasm embedded as base64",
    ),
    oursBinary: await sizeOf(
      [
        "pkg/mod.js",
        "pkg/healthnav_edge.js",
        ...snippetFiles(root),
        "pkg/healthnav_edge_bg.wasm",
      ].map((file) => `${root}/${file}`),
      "wasm binary + glue JS",
    ),
    floor: await sizeOf(
      FLOOR_SHIPPED.map((file) => `${root}/${file}`),
      "bench/floor/pkg as imported: mod.js + glue + wasm embedded as base64",
    ),
    floorBinary: await sizeOf(
      [
        "bench/floor/pkg/mod.js",
        "bench/floor/pkg/floor.js",
        "bench/floor/pkg/floor_bg.wasm",
      ]
        .map((file) => `${root}/${file}`),
      "wasm binary + glue JS",
    ),
    peers,
    esbuild: version,
  };
}
