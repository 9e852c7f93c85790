#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there:
# the wasm32 target, wasm-pack, the wasm-bindgen CLI at the version in
# Cargo.lock, binaryen (npm, pinned), Deno (current 2.x and Supabase's 2.1.4,
# through npm) and Chromium (Debian) for the browser test.
# Prints the PATH additions to eval: eval "$(bash scripts/install_tools.sh)".
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS="${HEALTHNAV_TOOLS:-$HOME/.cache/healthnav-tools}"
DENO_CURRENT_VERSION="2.9.6"
DENO_SUPABASE_VERSION="2.1.4"
WASM_PACK_VERSION="0.15.1"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' Cargo.lock)"

say() { echo "install_tools: $*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi

if ! wasm-pack --version 2>/dev/null | grep -q "$WASM_PACK_VERSION"; then
  say "installing wasm-pack $WASM_PACK_VERSION"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked >&2
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version in Cargo.lock)"
  # Not --locked: its lock file names a webpki-roots release that crates.io no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force >&2
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (the short fuzz run uses the machine's nightly toolchain)"
  cargo +nightly install cargo-fuzz --version 0.13.2 --locked >&2
fi

if [ ! -x tools/binaryen/node_modules/.bin/wasm-opt ]; then
  say "installing binaryen (npm, pinned in tools/binaryen)"
  npm ci --prefix tools/binaryen --no-audit --no-fund --silent >&2
fi

install_deno() { # version, folder
  if [ ! -x "$2/node_modules/deno/deno" ] || ! "$2/node_modules/deno/deno" --version | grep -q "deno $1 "; then
    say "installing Deno $1 from npm into $2"
    mkdir -p "$2"
    npm install --prefix "$2" --no-audit --no-fund --silent "deno@$1" >&2
  fi
}
install_deno "$DENO_CURRENT_VERSION" "$TOOLS/deno-current"
install_deno "$DENO_SUPABASE_VERSION" "$TOOLS/deno-2.1"

if ! command -v chromium >/dev/null 2>&1 || ! command -v hyperfine >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    say "installing Chromium (browser test) and hyperfine (benchmark) from Debian's packages"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium hyperfine) >&2
  else
    say "Chromium or hyperfine is missing: run 'sudo apt-get update && sudo apt-get install -y chromium hyperfine'"
  fi
fi

echo "export PATH=\"$TOOLS/deno-current/node_modules/deno:\$PATH\""
echo "export HEALTHNAV_DENO_SUPABASE=\"$TOOLS/deno-2.1/node_modules/deno/deno\""
