#!/usr/bin/env bash
# The README's main job: installs what is missing on Debian 12, builds the tools
# (Release, CMake preset "release") and runs `sipalg pcap` on the bundled LAN-side capture
# examples/data/sample-lan.pcap (two phones register, one calls: REGISTER/200 OK, INVITE with
# SDP, RTP/RTCP both ways, BYE): it prints the before/after table and writes the WAN side.
#
# Usage: examples/demo.sh [CAPTURE [sipalg pcap options...]]     from any directory.
#        Without options: --lan 192.168.2.0/24 --public 2.2.2.2 --port-range 5060-65535 (the sample's network).
# Environment: SIPALG_BUILD_ROOT (default <repo>/build), SIPALG_JOBS, SIPALG_SKIP_DEPS=1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../cmake/deps.sh
source "$repo/cmake/deps.sh"
sipalg_install_deps

build=${SIPALG_BUILD_ROOT:-$repo/build}/release
jobs=${SIPALG_JOBS:-$(nproc 2>/dev/null || echo 2)}
capture=${1:-$repo/examples/data/sample-lan.pcap}
shift $(($# > 0 ? 1 : 0))
pcap_options=("$@")
if ((${#pcap_options[@]} == 0)); then
  pcap_options=(--lan 192.168.2.0/24 --public 2.2.2.2 --port-range 5060-65535)
fi

echo "=== building the tools in $build"
mkdir -p "$build"
if ! { (cd "$repo" && cmake --preset release -B "$build") && cmake --build "$build" -j "$jobs"; } \
    >"$build/demo-build.log" 2>&1; then
  tail -n 60 "$build/demo-build.log"
  echo "demo: build failed (full log: $build/demo-build.log)" >&2
  exit 1
fi

cli=$(find "$build/examples" -type f -name sipalg -perm -u+x 2>/dev/null | head -n 1)
if [[ -z $cli ]]; then
  echo "demo: the sipalg CLI was not built (examples/ has no 'sipalg' program yet)" >&2
  exit 1
fi

out=$build/$(basename "${capture%.*}")-wan.pcap
echo "=== sipalg pcap ${pcap_options[*]} ${capture#"$repo"/} $out"
"$cli" pcap "${pcap_options[@]}" "$capture" "$out"
echo "=== the WAN side is in $out (open it next to ${capture#"$repo"/} in Wireshark)"
