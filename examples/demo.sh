#!/usr/bin/env bash
# The README's main job: installs what is missing on Debian 12, builds the tools
# (Release, CMake preset "release") and runs the sipalg CLI on a golden SIP message.
# Until the end-to-end demo exists (issue 7: `sipalg pcap` on a bundled capture), this
# is `sipalg parse` on the INVITE of tests/data/golden/seed-routeros-invite.
#
# Usage: examples/demo.sh [MESSAGE_FILE]     from any directory.
# Environment: SIPALG_BUILD_ROOT (default <repo>/build), SIPALG_JOBS, SIPALG_SKIP_DEPS=1.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../cmake/deps.sh
source "$repo/cmake/deps.sh"
sipalg_install_deps

build=${SIPALG_BUILD_ROOT:-$repo/build}/release
jobs=${SIPALG_JOBS:-$(nproc 2>/dev/null || echo 2)}
message=${1:-$repo/tests/data/golden/seed-routeros-invite/before.sip}

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

echo "=== sipalg parse ${message#"$repo"/}"
"$cli" parse "$message"
