#!/usr/bin/env bash
# `deno task test`: everything, in the order a failure is cheapest to read.
# Rust (fmt, clippy, tests) → pkg/ and bench/floor/pkg/ freshness → Deno (fmt, lint, check, tests)
# on the current Deno and on Supabase's Deno 2.1 → the browser test.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v cargo >/dev/null || missing+=("Rust: https://rustup.rs")
command -v wasm-pack >/dev/null || missing+=("wasm-pack")
command -v wasm-bindgen >/dev/null || missing+=("wasm-bindgen CLI")
[ -x tools/binaryen/node_modules/.bin/wasm-opt ] || missing+=("binaryen")
if [ ${#missing[@]} -gt 0 ]; then
  echo "test: missing ${missing[*]}; installing with scripts/install_tools.sh" >&2
  eval "$(bash scripts/install_tools.sh)"
fi

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt, clippy, test"
cargo fmt --check
cargo fmt --check --manifest-path bench/floor/Cargo.toml
cargo clippy --all-targets --quiet -- -D warnings
cargo test --quiet

step "pkg/ is what the sources build"
bash scripts/build_pkg.sh
if [ -n "$(git status --porcelain -- pkg)" ]; then
  git status --short -- pkg
  echo "pkg/ is stale: run 'deno task build' and commit pkg/." >&2
  exit 1
fi

step "bench/floor/pkg/ is what its sources build"
bash bench/floor/build.sh
if [ -n "$(git status --porcelain -- bench/floor)" ]; then
  git status --short -- bench/floor
  echo "bench/floor/pkg/ is stale: run 'bash bench/floor/build.sh' and commit it." >&2
  exit 1
fi

step "deno fmt, lint, check ($(deno --version | head -1))"
deno fmt --check
deno lint
deno check edge/ local/ tests/deno/ demo/ tests/browser/ bench/ soak/

run_deno_tests() {
  "$1" test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write=tests/artifacts --allow-run tests/deno/
}
step "deno test ($(deno --version | head -1))"
run_deno_tests deno

step "infra/healthnav.yaml: cfn-lint, static checks, moto deploy, gateway as the template's IAM user"
bash scripts/test_infra.sh

step "the app's client: schema/, client/dist, differential and Hermes tests"
bash scripts/test_client.sh

step "soak, short (2,000 requests; deno task soak runs 50,000)"
deno task soak --requests 2000 --max-rss-growth-mib 128

step "benchmark, quick smoke run (no thresholds; deno task bench for figures)"
deno task bench --quick

step "browser test (Debian Chromium driven by playwright-core)"
# -A: playwright-core probes /proc for WSL at import, which Deno allows only with --allow-all.
deno test -A tests/browser/

step "fuzz, short (5 s per target; fuzz/run.sh 300 for a long run)"
bash fuzz/run.sh 5

supabase_deno="${HEALTHNAV_DENO_SUPABASE:-}"
if [ -n "$supabase_deno" ] && [ -x "$supabase_deno" ]; then
  step "deno test ($("$supabase_deno" --version | head -1), as on Supabase)"
  # Deno 2.1 reads extra CA certificates only from DENO_CERT.
  export DENO_CERT="${DENO_CERT:-${SSL_CERT_FILE:-}}"
  run_deno_tests "$supabase_deno"
  "$supabase_deno" run --allow-net=127.0.0.1 --allow-env --allow-read soak/run.ts --requests 2000 --max-rss-growth-mib 128
else
  echo "skipping Deno 2.1: set HEALTHNAV_DENO_SUPABASE or run via .ci/run" >&2
fi
