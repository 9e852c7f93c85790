#!/usr/bin/env bash
# Every test, in the order a failure is cheapest to read: Rust (fmt, clippy,
# tests) → pkg/ freshness → Deno (fmt, lint, check, tests) → the real Supabase
# CLI → audit and quotas on PGlite and PostgreSQL → infra → the app's client →
# soak, bench smoke, browser, fuzz → the Deno and database suites again on
# Supabase's Deno 2.1. Run it through ./healthnav test, which installs the
# tools first.
set -euo pipefail
cd "$(dirname "$0")/.."

# Everything below must be present: a missing tool fails the run, it never skips a step.
missing=()
command -v deno >/dev/null || missing+=("deno")
command -v cargo >/dev/null || missing+=("cargo (Rust: https://rustup.rs)")
command -v wasm-pack >/dev/null || missing+=("wasm-pack")
command -v wasm-bindgen >/dev/null || missing+=("wasm-bindgen")
command -v chromium >/dev/null || missing+=("chromium")
[ -x tools/binaryen/node_modules/.bin/wasm-opt ] || missing+=("binaryen (tools/binaryen)")
[ -x "${HEALTHNAV_DENO_SUPABASE:-}" ] || missing+=("HEALTHNAV_DENO_SUPABASE (Deno 2.1.4)")
[ -x "${HEALTHNAV_SUPABASE_CLI:-}" ] || missing+=("HEALTHNAV_SUPABASE_CLI (supabase CLI)")
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=("postgresql (Debian's server, for tests/database)")
command -v psql >/dev/null || missing+=("psql (Debian's postgresql-client)")
if [ ${#missing[@]} -gt 0 ]; then
  printf 'test: missing %s\n' "${missing[@]}" >&2
  echo "test: run ./healthnav test, which installs them (scripts/install_tools.sh test)" >&2
  exit 1
fi
supabase_deno="$HEALTHNAV_DENO_SUPABASE"
# Deno 2.1 (which the Supabase CLI tests also run) reads extra CA
# certificates only from DENO_CERT; newer Denos read SSL_CERT_FILE too.
if [ -z "${DENO_CERT:-}" ] && [ -n "${SSL_CERT_FILE:-}" ]; then
  export DENO_CERT="$SSL_CERT_FILE"
fi

step() { printf '\n== %s\n' "$*"; }

step "cargo fmt, clippy, test (the crate's layers are checked by tests/module_layers.rs)"
cargo fmt --all --check
# As pkg/ builds it (no features; the JS face is wasm32 only), then with the
# layers opened to the fuzz crate and the schema generator.
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --quiet -- -D warnings
cargo clippy --all-targets --all-features --quiet -- -D warnings
cargo test --quiet --all-features

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
deno check edge/ local/ tests/deno/ tests/database/ tests/supabase_cli/ demo/ tests/browser/ bench/ soak/

run_deno_tests() {
  "$1" test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write=tests/artifacts --allow-run tests/deno/
}
step "deno test ($(deno --version | head -1))"
run_deno_tests deno
# The benchmark's own tests (its report's verdicts), on the current Deno only:
# the peers it imports do not type-check on Deno 2.1, which never runs them.
deno test --allow-read --allow-env bench/

step "the real Supabase CLI: deploy to a Management API stand-in, the uploaded tree on Deno 2.1.4, serve's mounts"
deno test -A tests/supabase_cli/

# --allow-run: initdb and pg_ctl (through runuser as the postgres OS user when
# root), psql; --allow-write: the throwaway cluster's folder under the temp dir.
run_database_tests() {
  "$1" test --allow-net=127.0.0.1 --allow-env --allow-read --allow-write --allow-run tests/database/
}
step "audit trail and quotas: migrations, RLS, quotas, audit rows on PGlite and Debian's PostgreSQL"
run_database_tests deno

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

step "deno test ($("$supabase_deno" --version | head -1), as on Supabase)"
run_deno_tests "$supabase_deno"
run_database_tests "$supabase_deno"
"$supabase_deno" run --allow-net=127.0.0.1 --allow-env --allow-read soak/run.ts --requests 2000 --max-rss-growth-mib 128
