#!/usr/bin/env bash
# The README's test command (and all that .ci/run does): installs what is missing on
# Debian 12, then configures, builds and runs ctest for
#   gcc    GCC, Debug, -Werror: every test           (CMake preset "dev")
#   asan   GCC, ASan + UBSan: every test              (preset "asan-ubsan")
#   clang  Clang, -Werror: the header compile tests   (preset "clang", ctest -L headers)
#   fuzz   every libFuzzer target for SIPALG_FUZZ_RUNS inputs (default 20000) each, fixed seed (fuzz/run.sh)
# prints each ctest summary and exits non-zero if anything failed.
#
# Usage: tests/run.sh [gcc] [asan] [clang] [fuzz]      (default: all four), from any directory.
# Environment: SIPALG_BUILD_ROOT (default <repo>/build), SIPALG_JOBS (default: nproc),
#              SIPALG_SKIP_DEPS=1 (do not check packages).
# Tests that need ../shared/corpus skip with a message when it is absent (a user's clone).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../cmake/deps.sh
source "$repo/cmake/deps.sh"
sipalg_install_deps

root=${SIPALG_BUILD_ROOT:-$repo/build}
jobs=${SIPALG_JOBS:-$(nproc 2>/dev/null || echo 2)}
configs=("$@")
((${#configs[@]})) || configs=(gcc asan clang fuzz)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CTEST_OUTPUT_ON_FAILURE=1
# In CI a missing e2e tool (sipp, kamailio, ...) is a failure, not a skip.
if [[ ${CI:-} == true ]]; then export SIPALG_E2E_REQUIRED=${SIPALG_E2E_REQUIRED:-1}; fi

summary=()
total_passed=0
total_failed=0
status=0

# run_config NAME PRESET "BUILD TARGETS (empty: all)" "CTEST ARGS"
run_config() {
  local name=$1 preset=$2 targets=$3 ctest_args=$4
  local dir=$root/$preset start=$SECONDS log
  mkdir -p "$dir"
  log=$dir/run.log
  echo "=== $name: configure + build ($preset, -j$jobs) in $dir"
  local target_args=()
  for t in $targets; do target_args+=(--target "$t"); done
  if ! { (cd "$repo" && cmake --preset "$preset" -B "$dir") &&
         cmake --build "$dir" -j "$jobs" "${target_args[@]}"; } >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "=== $name: BUILD FAILED (full log: $log)"
    summary+=("$name: build failed")
    total_failed=$((total_failed + 1))
    status=1
    return
  fi
  echo "=== $name: ctest"
  local out rc=0
  # shellcheck disable=SC2086
  out=$(cd "$dir" && ctest --output-on-failure --no-tests=error -j "$jobs" $ctest_args 2>&1) || rc=$?
  # Everything but the per-test "Start" and "Passed" lines (failures stay, with their output).
  printf '%s\n' "$out" | grep -v -E '^ *Start +[0-9]+: |^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed +[0-9.]+ sec$' || true
  local line
  line=$(printf '%s\n' "$out" | grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' | tail -n 1 || true)
  if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
    total_failed=$((total_failed + BASH_REMATCH[1]))
    total_passed=$((total_passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
  else
    line="ctest printed no summary (exit $rc)"
    total_failed=$((total_failed + 1))
  fi
  ((rc == 0)) || status=1
  # The end-to-end scenario table (ctest does not show a passing test's output).
  local e2e=$dir/tests/e2e/work/results.txt
  if [[ -f $e2e ]]; then
    echo "=== $name: end-to-end scenarios (tests/e2e)"
    cat "$e2e"
  fi
  summary+=("$name: $line ($((SECONDS - start)) s)")
}

# run_fuzz: every libFuzzer target (clang, ASan+UBSan) for SIPALG_FUZZ_RUNS inputs (default 20000, at most
# SIPALG_FUZZ_SECONDS, default 60) each on its
# seeds, crash regressions and ../shared/corpus; a fixed seed and run count keep a CI run repeatable. Each target
# counts as one test; a crash input lands in fuzz/crashes/<target>/ (see fuzz/README.md).
run_fuzz() {
  local start=$SECONDS log=$root/fuzz/run.log rc=0
  mkdir -p "$root/fuzz"
  echo "=== fuzz: build and run every target for ${SIPALG_FUZZ_RUNS:-20000} inputs (fuzz/run.sh)"
  SIPALG_FUZZ_BUILD_DIR=$root/fuzz SIPALG_FUZZ_JOBS=$jobs \
    SIPALG_FUZZ_EXTRA_FLAGS="${SIPALG_FUZZ_EXTRA_FLAGS:--seed=1 -runs=${SIPALG_FUZZ_RUNS:-20000}}" \
    bash "$repo/fuzz/run.sh" "${SIPALG_FUZZ_SECONDS:-60}" >"$log" 2>&1 || rc=$?
  local tsv=$root/fuzz/fuzz-summary.tsv ok=0 bad=0
  if [[ -f $tsv ]]; then
    column -t -s $'\t' "$tsv" 2>/dev/null || cat "$tsv"
    ok=$(awk -F'\t' 'NR > 1 && $7 == "ok"' "$tsv" | wc -l)
    bad=$(awk -F'\t' 'NR > 1 && $7 != "ok"' "$tsv" | wc -l)
  fi
  if ((rc != 0)); then
    tail -n 40 "$log"
    ((bad > 0)) || bad=1
    status=1
  fi
  total_passed=$((total_passed + ok))
  total_failed=$((total_failed + bad))
  summary+=("fuzz: $ok targets without a finding, $bad failed ($((SECONDS - start)) s; log $log)")
}

for c in "${configs[@]}"; do
  case $c in
    gcc) run_config gcc dev "" "" ;;
    asan) run_config asan asan-ubsan "" "" ;;
    clang) run_config clang clang "sipalg_header_tests sipalg_noexcept_test sipalg_nosimd_test" "-L headers" ;;
    fuzz) run_fuzz ;;
    *) echo "unknown configuration '$c' (want gcc, asan, clang, fuzz)" >&2; exit 2 ;;
  esac
done

echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "total: $total_passed passed, $total_failed failed"
exit "$status"
