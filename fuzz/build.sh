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
#
# pcap_reader also needs libpcap, fmt and nlohmann-json (as `sipalg pcap`). In OSS-Fuzz the
# Dockerfile clones them next to sipalg ($SRC/libpcap, $SRC/fmt, $SRC/json): libpcap is built
# here as a static library with the sanitizer flags, fmt is used header-only. Elsewhere the
# system's packages are used through pkg-config (Debian: libpcap-dev libfmt-dev
# nlohmann-json3-dev). Without them, or under MSan, pcap_reader is skipped.
SRC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${CC:=clang}"
: "${CFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fsanitize=fuzzer-no-link}"
: "${CXX:=clang++}"
: "${CXXFLAGS:=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fsanitize=fuzzer-no-link}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$SRC_ROOT/build-fuzz/oss-fuzz-out}"
: "${WORK:=$SRC_ROOT/build-fuzz/oss-fuzz-work}"
mkdir -p "$OUT"

# Flags for pcap_reader, or empty when it cannot be built.
pcap_cflags=""
pcap_libs=""
if [[ ${SANITIZER:-} == memory ]]; then
  echo "pcap_reader: skipped under MSan (libpcap/fmt/json are not the point, and not instrumented)"
elif [[ -d ${SRC:-/nonexistent}/libpcap && -d $SRC/fmt && -d $SRC/json ]]; then
  cmake -S "$SRC/libpcap" -B "$WORK/libpcap" -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" \
    -DBUILD_SHARED_LIBS=OFF -DDISABLE_DBUS=ON -DDISABLE_RDMA=ON -DDISABLE_BLUETOOTH=ON -DDISABLE_NETMAP=ON \
    -DDISABLE_DPDK=ON -DDISABLE_LINUX_USBMON=ON -DENABLE_REMOTE=OFF >/dev/null
  cmake --build "$WORK/libpcap" --target pcap_static -j"$(nproc)" >/dev/null
  pcap_cflags="-I$SRC/libpcap -I$SRC/fmt/include -DFMT_HEADER_ONLY -I$SRC/json/include"
  pcap_libs="$WORK/libpcap/libpcap.a"
elif pkg-config --exists libpcap 2>/dev/null; then
  pcap_cflags=$(pkg-config --cflags libpcap)
  pcap_libs="$(pkg-config --libs libpcap) -lfmt"
else
  echo "pcap_reader: skipped (libpcap not found)"
fi

for src in "$SRC_ROOT"/fuzz/*.cpp; do
  name=$(basename "$src" .cpp)
  [[ $name == main ]] && continue
  extra_cflags="" extra_libs=""
  if [[ $name == pcap_reader ]]; then
    [[ -n $pcap_libs ]] || continue
    extra_cflags=$pcap_cflags extra_libs=$pcap_libs
  fi
  echo "building $name"
  # shellcheck disable=SC2086
  $CXX $CXXFLAGS -std=c++20 -I"$SRC_ROOT/include" -I"$SRC_ROOT/fuzz" -isystem "$SRC_ROOT/fuzz/third_party" \
    $extra_cflags "$src" -o "$OUT/$name" $LIB_FUZZING_ENGINE $extra_libs
  [[ -f $SRC_ROOT/fuzz/$name.options ]] && cp "$SRC_ROOT/fuzz/$name.options" "$OUT/"
  corpus=$SRC_ROOT/fuzz/corpus/$name
  if [[ -d $corpus ]] && compgen -G "$corpus/*" >/dev/null; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    (cd "$corpus" && zip -q -X "$OUT/${name}_seed_corpus.zip" ./*)
  fi
done
cp "$SRC_ROOT"/fuzz/*.dict "$OUT/"
