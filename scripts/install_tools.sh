#!/usr/bin/env bash
# Installs what ./healthnav needs, on first use, pinned, skipping what is
# already there, and prints the PATH additions to eval:
#
#   tools=$(bash scripts/install_tools.sh dev) && eval "$tools"
#
# dev:  Node.js and npm (Debian's, to install Deno), Deno (current, from npm).
# test: dev, plus Deno 2.1.4 (Supabase's runtime), the Supabase CLI, Rust,
#       the wasm32 target, wasm-pack, the wasm-bindgen CLI at the version in
#       Cargo.lock, cargo-fuzz, binaryen, and Debian's Chromium, hyperfine,
#       python3-venv and postgresql (the server tests/database runs, and psql).
#       Rust (stable and nightly, through rustup) and the C toolchain it
#       links with (Debian's build-essential) when they are missing.
#
# Messages go to stderr; any failed install fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

profile="${1:-test}"
case "$profile" in
dev | test) ;;
*)
  echo "usage: scripts/install_tools.sh [dev|test]" >&2
  exit 2
  ;;
esac

TOOLS="${HEALTHNAV_TOOLS:-$HOME/.cache/healthnav-tools}"
DENO_CURRENT_VERSION="2.9.6"
DENO_SUPABASE_VERSION="2.1.4"
SUPABASE_CLI_VERSION="2.117.0"
WASM_PACK_VERSION="0.15.1"
CARGO_FUZZ_VERSION="0.13.2"
RUST_VERSION="1.95.0"

say() { echo "install_tools: $*" >&2; }

# Runs a quiet command; on failure shows its output and stops.
quietly() {
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    say "failed: $*"
    exit 1
  fi
  rm -f "$log"
}

# Debian packages, as root or through sudo.
apt_install() {
  local runner=()
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null; then
      say "need root or sudo to install Debian's $*: sudo apt-get install -y $*"
      exit 1
    fi
    runner=(sudo)
  fi
  say "installing Debian's $* (apt-get)"
  quietly "${runner[@]}" apt-get update -qq
  quietly "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# An npm package into its own folder, unless `check` already passes.
npm_install() { # folder, package@version, check command...
  local folder="$1" package="$2"
  shift 2
  "$@" >/dev/null 2>&1 && return 0
  say "installing $package from npm into $folder"
  mkdir -p "$folder"
  [ -f "$folder/package.json" ] || echo '{"private": true}' >"$folder/package.json"
  quietly npm install --prefix "$folder" --no-audit --no-fund --save-exact "$package"
  "$@" >/dev/null 2>&1 || {
    say "$package did not install as expected"
    exit 1
  }
}

deno_is() { # binary, version
  "$1" --version | grep -q "^deno $2 "
}

supabase_cli_is() { # binary, version
  [ "$("$1" --version 2>/dev/null)" = "$2" ]
}

# --- dev: Deno ------------------------------------------------------------
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
npm_install "$TOOLS/deno-current" "deno@$DENO_CURRENT_VERSION" \
  deno_is "$TOOLS/deno-current/node_modules/deno/deno" "$DENO_CURRENT_VERSION"
echo "export PATH=\"$TOOLS/deno-current/node_modules/deno:\$PATH\""
[ "$profile" = dev ] && exit 0

# --- test: everything the tests run ----------------------------------------
npm_install "$TOOLS/deno-2.1" "deno@$DENO_SUPABASE_VERSION" \
  deno_is "$TOOLS/deno-2.1/node_modules/deno/deno" "$DENO_SUPABASE_VERSION"
npm_install "$TOOLS/supabase-cli" "supabase@$SUPABASE_CLI_VERSION" \
  supabase_cli_is "$TOOLS/supabase-cli/node_modules/.bin/supabase" "$SUPABASE_CLI_VERSION"

# A C toolchain links the Rust tools' build scripts; curl fetches rustup.
debian_missing=()
command -v cc >/dev/null || debian_missing+=(build-essential)
command -v pkg-config >/dev/null || debian_missing+=(pkg-config)
[ -f /usr/include/openssl/ssl.h ] || debian_missing+=(libssl-dev)
command -v curl >/dev/null || debian_missing+=(curl ca-certificates)
[ ${#debian_missing[@]} -eq 0 ] || apt_install "${debian_missing[@]}"

# Rust from rustup (Debian's rustc is older than the crate's rust-version).
if ! command -v rustup >/dev/null && [ -x "$HOME/.cargo/bin/rustup" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
  echo "export PATH=\"\$HOME/.cargo/bin:\$PATH\""
fi
if ! command -v rustup >/dev/null; then
  say "installing Rust $RUST_VERSION with rustup (rustup-init from static.rust-lang.org)"
  # rustup-init knows what it is by its file name.
  rustup_init="$(mktemp -d)/rustup-init"
  rustup_url="https://static.rust-lang.org/rustup/dist/$(uname -m)-unknown-linux-gnu/rustup-init"
  if ! curl --proto '=https' --tlsv1.2 -sSf "$rustup_url" -o "$rustup_init"; then
    say "could not download rustup: install Rust $RUST_VERSION or later (https://rustup.rs), then run this again"
    exit 1
  fi
  chmod +x "$rustup_init"
  quietly "$rustup_init" -y --no-modify-path --profile minimal \
    --default-toolchain "$RUST_VERSION" --component rustfmt,clippy
  rm -rf "$(dirname "$rustup_init")"
  export PATH="$HOME/.cargo/bin:$PATH"
  echo "export PATH=\"\$HOME/.cargo/bin:\$PATH\""
fi
if ! rustup toolchain list | grep -q '^nightly'; then
  say "installing Rust nightly (rustup), for cargo-fuzz"
  quietly rustup toolchain install nightly --profile minimal
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  quietly rustup target add wasm32-unknown-unknown
fi
if ! wasm-pack --version 2>/dev/null | grep -q "$WASM_PACK_VERSION"; then
  say "installing wasm-pack $WASM_PACK_VERSION (cargo install, a few minutes)"
  quietly cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print }' Cargo.lock)"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (the version in Cargo.lock)"
  # Not --locked: its lock file names a webpki-roots release that crates.io no longer serves.
  quietly cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz $CARGO_FUZZ_VERSION on the nightly toolchain"
  quietly cargo +nightly install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
if [ ! -x tools/binaryen/node_modules/.bin/wasm-opt ]; then
  say "installing binaryen (npm, pinned in tools/binaryen)"
  quietly npm ci --prefix tools/binaryen --no-audit --no-fund
fi
missing=()
# Python with venv, for tests/infra's pinned cfn-lint, moto and pytest (scripts/test_infra.sh).
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3 python3-venv)
command -v chromium >/dev/null || missing+=(chromium)
command -v hyperfine >/dev/null || missing+=(hyperfine)
# PostgreSQL's server binaries and psql, for tests/database's throwaway clusters.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && command -v psql >/dev/null ||
  missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

echo "export HEALTHNAV_DENO_SUPABASE=\"$TOOLS/deno-2.1/node_modules/deno/deno\""
echo "export HEALTHNAV_SUPABASE_CLI=\"$TOOLS/supabase-cli/node_modules/.bin/supabase\""
