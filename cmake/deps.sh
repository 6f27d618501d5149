#!/usr/bin/env bash
# Installs the Debian 12 packages that sipalg's build, tests and tools need, but only
# those missing (checked with dpkg-query; apt is skipped entirely when nothing is).
# Sourced by tests/run.sh and examples/demo.sh; can also be run alone.
#
# One list for everyone: when a tool or test needs a new package, add it here.
SIPALG_APT_PACKAGES=(
  cmake g++ make pkg-config                      # build
  catch2                                         # tests (Catch2 2.x)
  clang libclang-rt-14-dev                       # clang header tests, libFuzzer, sanitizers
  libfmt-dev libcli11-dev nlohmann-json3-dev     # examples (sipalg CLI)
  libpcap-dev                                    # sipalg pcap
  libbenchmark-dev                               # benchmarks
  sip-tester kamailio iproute2 tcpdump           # e2e test: sipp phones, kamailio registrar, namespaces
  tshark                                         # sipalg pcap test: the output dissects without errors
)

# sipalg_install_deps [extra packages...]: set SIPALG_SKIP_DEPS=1 to skip.
sipalg_install_deps() {
  if [[ ${SIPALG_SKIP_DEPS:-0} == 1 ]]; then return 0; fi
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "deps: not a Debian system; make sure these are installed: ${SIPALG_APT_PACKAGES[*]} $*" >&2
    return 0
  fi
  local p missing=()
  for p in "${SIPALG_APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    echo "deps: all ${#SIPALG_APT_PACKAGES[@]} packages present"
    return 0
  fi
  local sudo=()
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "deps: missing ${missing[*]}; run as root or install them: apt-get install ${missing[*]}" >&2
      return 1
    fi
    sudo=(sudo)
  fi
  echo "deps: installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  set -euo pipefail
  sipalg_install_deps "$@"
fi
