#!/usr/bin/env bash
# The app's side (client/, schema/): the committed schemas and bundle are what
# their sources build, the schemas agree with the wasm gateway, and the client
# runs in Hermes. Installs client/tools' pinned npm packages on first use (and
# again when client/tools/package-lock.json changes). Called by scripts/test.sh;
# the client's tests against the local stack are in tests/deno/.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

for tool in cargo deno node npm git; do
  command -v "$tool" >/dev/null || {
    echo "test_client: $tool is missing (./healthnav test installs what it needs)" >&2
    exit 1
  }
done

tools=client/tools
lock_hash=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
installed="$tools/node_modules/.healthnav-installed-lock"
if [ "$(cat "$installed" 2>/dev/null)" != "$lock_hash" ]; then
  echo "test_client: installing client/tools' pinned npm packages (esbuild, typescript," \
    "dts-bundle-generator, json-schema-to-typescript, @babel/core, @react-native/babel-preset," \
    "hermes-compiler, hermes-engine-cli)"
  log=$(mktemp)
  if ! npm ci --prefix "$tools" --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "test_client: npm ci in $tools failed" >&2
    exit 1
  fi
  rm -f "$log"
  echo "$lock_hash" >"$installed"
fi

# Like pkg/ in scripts/test.sh: rebuild in place, then the tree must be unchanged.
fresh() {
  if [ -n "$(git status --porcelain -- "$@")" ]; then
    git status --short -- "$@"
    echo "test_client: $* differ from what their sources build: run the step above and commit." >&2
    exit 1
  fi
}

step "schema/ is what the Rust rules generate (cargo run --features internals --bin json_schemas)"
cargo run --quiet --features internals --bin json_schemas
fresh schema

step "client/ types and bundle are what schema/ and client/src build (node client/tools/build.mjs)"
node client/tools/build.mjs
fresh client/src/generated client/dist

step "deno check client/"
deno check client/src client/test

step "schema/ against the wasm gateway, and the response schemas"
deno test --allow-read client/test/

step "the client in Hermes"
node client/test/hermes/run.mjs
