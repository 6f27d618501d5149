#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for a bounded time each.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]        default: 60 s, all targets
#
# Configures and builds the clang libFuzzer build (ASan + UBSan) in
# $SIPALG_FUZZ_BUILD_DIR (default build-fuzz), then runs each target on:
#   - a writable working corpus  <build>/corpus-work/<target>  (kept between runs)
#   - the checked-in seeds       fuzz/corpus/<target>
#   - the regression inputs      fuzz/crashes/<target>
#   - ../shared/corpus, read in place, when present (SIPALG_SHARED_CORPUS overrides), for the
#     targets whose input is a whole SIP message or SDP body ($shared_targets below; the
#     header-value targets would only spend their time on kilobyte-long "URIs")
# with -max_total_time=SECONDS -rss_limit_mb=2048 -timeout=10 and the target's
# fuzz/<target>.options ([libfuzzer] section: dict, max_len, ...).
# A crash, leak, timeout or OOM is written to fuzz/crashes/<target>/ (crash-<sha1>
# etc.; minimise it, rename it, commit it) and makes the script exit 1 after the
# remaining targets ran. Per-target stats go to <build>/fuzz-summary.tsv.
#
# Environment: CXX (default clang++), SIPALG_FUZZ_BUILD_DIR, SIPALG_FUZZ_JOBS (build -j, default 2),
# SIPALG_SHARED_CORPUS, SIPALG_FUZZ_EXTRA_FLAGS (more libFuzzer flags, e.g. -seed=1).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
secs=${1:-60}
[[ $# -gt 0 ]] && shift
build=${SIPALG_FUZZ_BUILD_DIR:-$repo/build-fuzz}
jobs=${SIPALG_FUZZ_JOBS:-2}
shared=${SIPALG_SHARED_CORPUS:-$repo/../shared/corpus}
shared_targets=" sip_message sip_framing sdp sdp_multipart rewrite nat_engine pcap_reader "

if ! [[ $secs =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS_PER_TARGET] [TARGET...]" >&2
  exit 2
fi

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DSIPALG_FUZZ=ON -DSIPALG_TESTS=OFF -DSIPALG_EXAMPLES=OFF \
    -DSIPALG_BENCH=OFF -DSIPALG_INSTALL=OFF >/dev/null
fi
cmake --build "$build" --target sipalg_fuzzers -j "$jobs"

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for src in "$repo"/fuzz/*.cpp; do
    name=$(basename "$src" .cpp)
    [[ $name == main ]] || targets+=("$name")
  done
fi

# [libfuzzer] key = value lines of fuzz/<target>.options as -key=value flags (dict relative to fuzz/).
options_flags() {
  local file=$repo/fuzz/$1.options section="" key value
  [[ -f $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    [[ $line =~ ^[[:space:]]*\[(.*)\][[:space:]]*$ ]] && { section=${BASH_REMATCH[1]}; continue; }
    [[ $section == libfuzzer && $line =~ ^[[:space:]]*([A-Za-z_]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] || continue
    key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
    [[ $key == dict ]] && value=$repo/fuzz/$value
    printf '%s\n' "-$key=$value"
  done <"$file"
}

mkdir -p "$build/logs"
summary=$build/fuzz-summary.tsv
printf 'target\tseconds\texecs\texec_per_sec\tcov\tcorpus\tresult\n' >"$summary"
failed=()
for t in "${targets[@]}"; do
  bin=$build/fuzz/$t
  [[ -x $bin ]] || { echo "no such fuzz target: $t" >&2; failed+=("$t"); continue; }
  work=$build/corpus-work/$t
  mkdir -p "$work" "$repo/fuzz/crashes/$t"
  dirs=("$work" "$repo/fuzz/corpus/$t" "$repo/fuzz/crashes/$t")
  [[ -d $shared && $shared_targets == *" $t "* ]] && dirs+=("$shared")
  mapfile -t opts < <(options_flags "$t")
  log=$build/logs/$t.log
  echo "== $t: ${secs}s ${opts[*]}"
  set +e
  # shellcheck disable=SC2086
  "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$repo/fuzz/crashes/$t/" "${opts[@]}" ${SIPALG_FUZZ_EXTRA_FLAGS:-} "${dirs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  corp=$( (grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  result=ok
  if [[ $rc -ne 0 ]]; then
    result="FAILED(rc=$rc)"
    failed+=("$t")
    echo "---- $t failed; log: $log"
    grep -E 'ERROR|SUMMARY|invariant|#[0-9]+ 0x|Test unit written|^artifact' "$log" | head -40 || true
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$secs" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${corp:-?}" "$result" |
    tee -a "$summary"
done

echo "summary: $summary"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "FAILED: ${failed[*]} (inputs in fuzz/crashes/<target>/)" >&2
  exit 1
fi
