#!/usr/bin/env bash
# Shrinks a wasm-bindgen output in place with wasm-opt -Oz, from binaryen
# pinned on npm (tools/binaryen). The features are the ones rustc emits for
# wasm32 (plus SIMD, which the builds enable); naming them keeps newer
# encodings (such as compact imports) out of the output, which Deno 2.1's V8
# cannot read. Usage: scripts/optimize_wasm.sh <file.wasm>
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wasm_opt="$root/tools/binaryen/node_modules/.bin/wasm-opt"

if [ ! -x "$wasm_opt" ]; then
  npm ci --prefix "$root/tools/binaryen" --no-audit --no-fund --silent
fi
"$wasm_opt" "$1" -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals \
  --enable-reference-types --enable-multivalue --enable-simd \
  -o "$1"
