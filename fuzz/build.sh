#!/bin/bash -eu
# Builds every fuzz target the way OSS-Fuzz does, and is what OSS-Fuzz runs
# (fuzz/oss-fuzz/build.sh calls it). Also usable locally:
#
#   fuzz/build.sh                         # clang, ASan+UBSan, libFuzzer, into build-fuzz/oss-fuzz-out
#   CXX=... CXXFLAGS=... LIB_FUZZING_ENGINE=... OUT=... fuzz/build.sh
#
# For each fuzz/<target>.cpp (not main.cpp) it writes to $OUT:
#   <target>                    compiled with $CXX $CXXFLAGS, linked with $LIB_FUZZING_ENGINE
#   <target>.options            copied from fuzz/ (libFuzzer flags: dict, max_len)
#   <target>_seed_corpus.zip    the checked-in seeds fuzz/corpus/<target>/*
# and the dictionaries sip.dict and sdp.dict. sipalg is header-only: no library
# to build first, no dependency besides the C++20 standard library.
SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${CXX:=clang++}"
: "${CXXFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fsanitize=fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$SRC_ROOT/build-fuzz/oss-fuzz-out}"
mkdir -p "$OUT"

for src in "$SRC_ROOT"/fuzz/*.cpp; do
  name=$(basename "$src" .cpp)
  [[ $name == main ]] && continue
  echo "building $name"
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS -std=c++20 -I"$SRC_ROOT/include" -I"$SRC_ROOT/fuzz" -isystem "$SRC_ROOT/fuzz/third_party" \
    "$src" -o "$OUT/$name" $LIB_FUZZING_ENGINE
  [[ -f $SRC_ROOT/fuzz/$name.options ]] && cp "$SRC_ROOT/fuzz/$name.options" "$OUT/"
  corpus=$SRC_ROOT/fuzz/corpus/$name
  if [[ -d $corpus ]] && compgen -G "$corpus/*" >/dev/null; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    (cd "$corpus" && zip -q -X "$OUT/${name}_seed_corpus.zip" ./*)
  fi
done
cp "$SRC_ROOT"/fuzz/*.dict "$OUT/"
