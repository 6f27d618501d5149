#!/usr/bin/env bash
# Line coverage of include/ reached by the fuzz corpora (clang source-based coverage).
#
#   fuzz/coverage.sh [seeds|all] [TARGET...]
#     seeds  the checked-in corpora fuzz/corpus/<target> and fuzz/crashes/<target> (default)
#     all    also ../shared/corpus (for the whole-message targets, as fuzz/run.sh does) and the
#            corpora fuzz/run.sh grew in <build-fuzz>/corpus-work/<target>
#
# Builds the targets with clang -fprofile-instr-generate -fcoverage-mapping and the
# reproducer main (SIPALG_FUZZ_LINKMAIN) in $SIPALG_FUZZ_COV_DIR (default build-fuzz-cov),
# replays the corpora, merges the profiles with llvm-profdata and prints
# `llvm-cov report` restricted to include/. The report is also written to
# <build>/coverage-<mode>.txt; `llvm-cov show` HTML goes to <build>/html-<mode>/ with --html.
#
# Open issues listed in SIPALG_FUZZ_SKIP (see fuzz/README.md) are skipped here so that an
# unfixed regression input does not abort a replay (an aborted process writes no profile).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=seeds
html=0
args=()
for a in "$@"; do
  case $a in
    seeds|all) mode=$a ;;
    --html) html=1 ;;
    *) args+=("$a") ;;
  esac
done
build=${SIPALG_FUZZ_COV_DIR:-$repo/build-fuzz-cov}
work=${SIPALG_FUZZ_BUILD_DIR:-$repo/build-fuzz}/corpus-work
shared=${SIPALG_SHARED_CORPUS:-$repo/../shared/corpus}
shared_targets=" sip_message sip_framing sdp sdp_multipart rewrite nat_engine pcap_reader "
llvm_suffix=${LLVM_SUFFIX:--14}
profdata=$(command -v "llvm-profdata$llvm_suffix" || command -v llvm-profdata)
llvmcov=$(command -v "llvm-cov$llvm_suffix" || command -v llvm-cov)
export SIPALG_FUZZ_SKIP=${SIPALG_FUZZ_SKIP-}

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="${CXX:-clang++}" \
    -DCMAKE_CXX_FLAGS="-O1 -fprofile-instr-generate -fcoverage-mapping" \
    -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" \
    -DSIPALG_FUZZ=ON -DSIPALG_FUZZ_LINKMAIN=ON -DSIPALG_TESTS=OFF -DSIPALG_EXAMPLES=OFF -DSIPALG_BENCH=OFF \
    -DSIPALG_INSTALL=OFF >/dev/null
fi
cmake --build "$build" --target sipalg_fuzzers -j "${SIPALG_FUZZ_JOBS:-2}"

if [[ ${#args[@]} -gt 0 ]]; then
  targets=("${args[@]}")
else
  targets=()
  for src in "$repo"/fuzz/*.cpp; do
    name=$(basename "$src" .cpp)
    [[ $name == main ]] || targets+=("$name")
  done
fi

rm -rf "$build/profraw"
mkdir -p "$build/profraw"
objects=()
for t in "${targets[@]}"; do
  dirs=("$repo/fuzz/corpus/$t")
  [[ -d $repo/fuzz/crashes/$t ]] && dirs+=("$repo/fuzz/crashes/$t")
  if [[ $mode == all ]]; then
    [[ -d $work/$t ]] && dirs+=("$work/$t")
    [[ -d $shared && $shared_targets == *" $t "* ]] && dirs+=("$shared")
  fi
  echo "== $t: ${dirs[*]}"
  # One process per folder, and one per regression input: an input that still crashes (an open
  # issue) loses only its own profile.
  for d in "${dirs[@]}"; do
    if [[ $d == "$repo/fuzz/crashes/$t" ]]; then
      for f in "$d"/*; do
        [[ -f $f ]] || continue
        LLVM_PROFILE_FILE="$build/profraw/$t-%p.profraw" "$build/fuzz/$t" "$f" >/dev/null 2>&1 ||
          echo "warning: $t crashes on $f (open issue?); its profile is missing" >&2
      done
    else
      LLVM_PROFILE_FILE="$build/profraw/$t-%p.profraw" "$build/fuzz/$t" "$d" >/dev/null 2>&1 ||
        echo "warning: $t failed on $d; its profile is missing" >&2
    fi
  done
  objects+=("$build/fuzz/$t")
done

"$profdata" merge -sparse "$build"/profraw/*.profraw -o "$build/fuzz-$mode.profdata"
obj_args=("${objects[0]}")
for o in "${objects[@]:1}"; do obj_args+=(-object "$o"); done
"$llvmcov" report "${obj_args[@]}" -instr-profile="$build/fuzz-$mode.profdata" "$repo/include" |
  sed "s|$repo/||" | tee "$build/coverage-$mode.txt"
if [[ $html -eq 1 ]]; then
  "$llvmcov" show "${obj_args[@]}" -instr-profile="$build/fuzz-$mode.profdata" -format=html \
    -output-dir="$build/html-$mode" "$repo/include"
  echo "html: $build/html-$mode/index.html"
fi
