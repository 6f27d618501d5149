#!/usr/bin/env bash
# Instructions per message under valgrind --tool=callgrind, immune to a noisy machine.
#
# usage: bench/callgrind.sh BENCH_BINARY [N1 N2] [REGEX...]
# For each benchmark matching a REGEX (default: the main paths), runs it twice, with exactly N1 and
# N2 iterations (--sipalg_iterations), and prints (Ir(N2) - Ir(N1)) / (N2 - N1): the instructions of
# one message, with process start-up, corpus loading and the cross-checks cancelled out.
set -euo pipefail
bin=${1:?usage: bench/callgrind.sh BENCH_BINARY [N1 N2] [REGEX...]}
shift
n1=2000
n2=6000
if [[ $# -ge 2 && $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]]; then n1=$1; n2=$2; shift 2; fi
if [[ $# -eq 0 ]]; then
  set -- \
    '^floor/memchr_lines/(golden_spa_invite|corpus_invite_877)/' \
    '^sip_parse/[a-z0-9]+/(golden_spa_invite|golden_spa_register|golden_fanvil_register_200|corpus_invite_877)/' \
    '^sdp_parse/[a-z0-9]+/(golden_spa_invite|corpus_invite_877)/' \
    '^sip_sdp_parse/[a-z0-9]+/(golden_spa_invite|corpus_invite_877)/' \
    '^sip_parse_full/sipalg/(golden_spa_invite|corpus_invite_877)/' \
    '^alg_(plan|rewrite)/sipalg/(golden_spa_invite|golden_spa_register|golden_fanvil_register_200)/' \
    '^framing/sipalg/golden_stream/' \
    '^nat_packet/sipalg/' \
    '^conntrack_(lookup|churn)/sipalg/(10k|1M)/'
fi
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ir() {  # ir FILTER ITERATIONS -> total instructions of the run
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$bin" --benchmark_filter="$1" \
    --sipalg_iterations="$2" --benchmark_repetitions=1 >"$tmp/stdout" 2>"$tmp/stderr" || {
    cat "$tmp/stderr" >&2
    return 1
  }
  grep -q "ERROR OCCURRED" "$tmp/stdout" && { grep "ERROR OCCURRED" "$tmp/stdout" >&2; return 1; }
  grep -q "/iterations:$2 " "$tmp/stdout" || { echo "no benchmark matched $1" >&2; return 1; }
  sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$tmp/stderr"
}

printf '%-52s %12s\n' "benchmark" "Ir/msg"
for re in "$@"; do
  # The names with the fixed iteration count appended ("/iterations:N").
  names=$("$bin" --benchmark_list_tests --benchmark_filter="${re%/}" 2>/dev/null || true)
  for name in $names; do
    f="^${name}/iterations:"
    a=$(ir "$f" "$n1") || continue
    b=$(ir "$f" "$n2") || continue
    printf '%-52s %12.0f\n' "$name" "$(echo "($b - $a) / ($n2 - $n1)" | bc -l)"
  done
done
