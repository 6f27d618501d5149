#!/usr/bin/env bash
# Builds and runs sipalg_bench the way bench/RESULTS.md was made, on Debian 12 from scratch:
# installs what is missing (Google Benchmark, osip2, sofia-sip, valgrind: apt-get, sudo only when not
# root), configures a GCC Release build with SIPALG_BENCH=ON (as the "bench" CMake preset does),
# runs every benchmark with 3 repetitions and writes, in the output folder:
#   results.json   Google Benchmark JSON (all repetitions)
#   console.txt    the console table
#   machine.txt    CPU model, cores, compiler, flags, library versions, the exact command
#   table.md       the RESULTS.md tables (medians, ratios against sipalg), from bench/report.py
#   callgrind.txt  with --callgrind: instructions per message of the main paths (bench/callgrind.sh)
#
# Usage: bench/run.sh [--quick] [--callgrind] [--filter REGEX]
#   --quick      0.1 s per benchmark instead of 0.5 s, 1 repetition (a smoke run)
#   --callgrind  also count instructions per message under valgrind (slow: a few minutes)
#   --filter R   only the benchmarks matching R (Google Benchmark regex)
# Environment: SIPALG_BENCH_BUILD (default <repo>/build/bench), SIPALG_BENCH_OUT (default
#   <build>/results), SIPALG_JOBS (default 2), SIPALG_SKIP_DEPS=1 (do not check packages).
# The ratios are only meaningful within one run: never compare numbers of different runs.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
callgrind=0
filter=
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --callgrind) callgrind=1 ;;
    --filter) filter=${2:?--filter needs a regex}; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=../cmake/deps.sh
source "$repo/cmake/deps.sh"
sipalg_install_deps libosip2-dev libsofia-sip-ua-dev valgrind bc python3

build=${SIPALG_BENCH_BUILD:-$repo/build/bench}
out=${SIPALG_BENCH_OUT:-$build/results}
jobs=${SIPALG_JOBS:-2}
mkdir -p "$out"

cfg=(-DCMAKE_BUILD_TYPE=Release -DSIPALG_BENCH=ON -DSIPALG_TESTS=OFF -DSIPALG_EXAMPLES=OFF)
# The compiler can only be chosen for a new build folder (changing it resets the cache).
[[ -f $build/CMakeCache.txt ]] || cfg+=(-DCMAKE_CXX_COMPILER=g++)
cmake -S "$repo" -B "$build" "${cfg[@]}" >"$out/configure.log"
cmake --build "$build" --target sipalg_bench -j"$jobs"
bin=$build/bench/sipalg_bench

args=(--benchmark_repetitions=3 --benchmark_min_time=0.5)
((quick)) && args=(--benchmark_repetitions=1 --benchmark_min_time=0.1)
[[ -n $filter ]] && args+=("--benchmark_filter=$filter")
args+=(--benchmark_out="$out/results.json" --benchmark_out_format=json)

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "uncommitted changes under include/: $(git -C "$repo" status --short -- include 2>/dev/null | wc -l) files"
  echo "cpu: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p') ($(nproc) cores online)"
  echo "hypervisor: $(lscpu | sed -n 's/^Hypervisor vendor:[[:space:]]*//p')"
  echo "kernel: $(uname -r)"
  echo "compiler: $(g++ --version | head -1)"
  echo "flags: $(sed -n 's/^CXX_FLAGS = //p' "$build/bench/CMakeFiles/sipalg_bench.dir/flags.make")"
  echo "google-benchmark: $(pkg-config --modversion benchmark 2>/dev/null || echo ?)"
  echo "libosip2: $(pkg-config --modversion libosip2 2>/dev/null || echo absent)"
  echo "sofia-sip-ua: $(pkg-config --modversion sofia-sip-ua 2>/dev/null || echo absent)"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "command: $bin ${args[*]}"
} >"$out/machine.txt"
cat "$out/machine.txt"

"$bin" "${args[@]}" | tee "$out/console.txt"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/machine.txt"

report=("$out/results.json")
if ((callgrind)); then
  "$repo/bench/callgrind.sh" "$bin" | tee "$out/callgrind.txt"
  report+=("$out/callgrind.txt")
fi
python3 "$repo/bench/report.py" "${report[@]}" >"$out/table.md"
echo "tables: $out/table.md"
