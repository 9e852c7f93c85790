#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for N seconds each, starting from
# fuzz/seeds/<target> plus whatever fuzz/corpus/<target> already holds, and
# fails if any target crashes, panics, breaks an invariant, times out (10 s
# for one input) or allocates over 512 MB. Usage:
#
#   fuzz/run.sh [seconds-per-target] [target ...]     # default 20 s, all targets
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Crash inputs land in fuzz/artifacts/<target>/; full logs in fuzz/target/logs/.
# Reproduce one with: cargo +nightly fuzz run -a <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")"
fuzz_dir="$PWD"

seconds="${1:-20}"
[ $# -gt 0 ] && shift
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: fuzz/run.sh [seconds-per-target] [target ...]" >&2
  exit 2
fi
toolchain="${FUZZ_TOOLCHAIN:-nightly}"
if ! cargo "+$toolchain" fuzz --version >/dev/null 2>&1; then
  echo "fuzz/run.sh: needs cargo-fuzz on the $toolchain toolchain: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo "+$toolchain" fuzz list)
fi

# The workspace's release profile is pkg/'s (size-tuned, with LTO, which
# breaks sanitizer-coverage linking): fuzz builds use cargo's plain release.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=3
# -a: debug assertions and overflow checks on, as in `cargo test`.
cargo "+$toolchain" fuzz build -a

logs="$fuzz_dir/target/logs"
mkdir -p "$logs"
failed=()
printf '%-26s %12s %10s %8s %8s  %s\n' target executions exec/s cov ft result
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target" "seeds/$target"
  log="$logs/$target.log"
  status=ok
  if ! cargo "+$toolchain" fuzz run -a "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -dict="$fuzz_dir/healthnav.dict" -print_final_stats=1 >"$log" 2>&1; then
    status=FAILED
    failed+=("$target")
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-26s %12s %10s %8s %8s  %s\n' "$target" "${runs:--}" "${speed:--}" "${cov:--}" "${ft:--}" "$status"
  if [ "$status" != ok ]; then
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written|^thread' "$log" | head -8 | sed 's/^/    /'
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz/run.sh: ${#failed[@]} target(s) failed: ${failed[*]} (logs in $logs)" >&2
  exit 1
fi
echo "fuzz/run.sh: ${#targets[@]} targets, ${seconds}s each, no crashes"
