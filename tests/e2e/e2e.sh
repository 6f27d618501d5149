#!/usr/bin/env bash
# sipalg end-to-end test: real SIP software through tun_router, with the ALG on and off.
#
#   tests/e2e/e2e.sh TUN_ROUTER [WORK_DIR]
#
# Builds its own network namespaces (names carry this script's PID):
#
#   <tag>-p1  phone 1  192.168.2.10/24 --+
#   <tag>-p2  phone 2  192.168.2.11/24 --+-- bridge lan0 192.168.2.1/24
#                                          <tag>-r  router: tun_router --lan-if lan0 --wan-if wan0
#                                          wan0 203.0.113.2/24 (the public address)
#   <tag>-s   "the Internet": one veth with 203.0.113.1 (gateway), .10 (kamailio registrar/proxy,
#             no NAT handling), .20 (far end answering with media), .30 (caller); NO route to
#             192.168.2.0/24, as on the Internet: a private address written into SIP is unreachable.
#
# Scenarios, each run with the ALG on and then off (--no-alg: the same NAT without the ALG):
#   S1 a phone that is not NAT-aware registers: the registrar must store the public address.
#   S2 the server calls the phone at its registered contact: the call must reach it.
#   S3 the phone calls out and both sides play RTP to the other's SDP address: packets
#      counted with tcpdump at both ends, both directions must arrive.
#   S4 two phones, both on local port 5060, register: distinct public contacts, both reachable.
# With the ALG off each must fail the way the field reports it (private contact stored, no
# incoming call, one-way audio); the test checks that failure too.
#
# Exit 0 when every row of the table matches its expectation, 1 otherwise, 77 (ctest skip)
# when not root, without `ip netns`, or (unless SIPALG_E2E_REQUIRED=1) a tool is missing.
# Every wait is bounded; everything is torn down on exit.
set -u -o pipefail

SKIP=77
die() {
  echo "e2e: FAILED: $*" >&2
  if declare -F print_table >/dev/null; then print_table; fi
  exit 1
}
skip() {
  if [[ ${SIPALG_E2E_REQUIRED:-0} == 1 && $1 == tool ]]; then die "$2 (SIPALG_E2E_REQUIRED=1)"; fi
  echo "e2e: SKIPPED: $2"
  exit "$SKIP"
}

[[ $# -ge 1 ]] || { echo "usage: $0 TUN_ROUTER [WORK_DIR]" >&2; exit 2; }
TUN_ROUTER=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

((EUID == 0)) || skip env "needs root (network namespaces, TUN devices); run ctest as root to include it"
for tool in ip sipp kamailio kamcmd tcpdump ss timeout awk; do
  command -v "$tool" >/dev/null 2>&1 ||
    skip tool "'$tool' not found (Debian: iproute2 sip-tester kamailio tcpdump; tests/run.sh installs them)"
done
[[ -x $TUN_ROUTER ]] || die "no tun_router at $TUN_ROUTER"
[[ -r /usr/share/sip-tester/g711a.pcap ]] || skip tool "/usr/share/sip-tester/g711a.pcap missing (package sip-tester)"
[[ -c /dev/net/tun ]] || skip env "/dev/net/tun missing"

TAG=sa$$
# Namespaces of an earlier run of this script that was killed before its teardown
# (sa<PID>-r/-p1/-p2/-s/-probe whose PID is gone): remove them, and what runs in them.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^sa[0-9]+-(r|p1|p2|s|probe)$'); do
  pid=${ns#sa}
  pid=${pid%%-*}
  kill -0 "$pid" 2>/dev/null && continue
  for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  ip netns del "$ns" 2>/dev/null && echo "e2e: removed namespace $ns left by an earlier run"
done
NS_R=$TAG-r NS_P1=$TAG-p1 NS_P2=$TAG-p2 NS_S=$TAG-s
ip netns add "$TAG-probe" 2>/dev/null || skip env "'ip netns add' does not work here (no CAP_SYS_ADMIN or no netns support)"
ip netns del "$TAG-probe"

WORK=${2:-}
if [[ -z $WORK ]]; then
  WORK=$(mktemp -d /tmp/sipalg-e2e.XXXXXX)
else
  # Only ever empty a folder this script made (marker file), never an arbitrary path.
  if [[ -e $WORK/.sipalg-e2e ]]; then find "$WORK" -mindepth 1 -delete; fi
  mkdir -p "$WORK"
fi
touch "$WORK/.sipalg-e2e"
echo "e2e: work folder $WORK (logs, SIP traces, captures), namespaces $TAG-*"

PUBLIC=203.0.113.2 GATEWAY=203.0.113.1 REGISTRAR=203.0.113.10 FAREND=203.0.113.20 CALLER=203.0.113.30
PHONE1=192.168.2.10 PHONE2=192.168.2.11
KAMCTL=$WORK/kamailio.ctl

# --- background processes and teardown ---------------------------------------------------
BG_PIDS=()
cleanup() {
  local pid ns
  for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  sleep 0.3
  for pid in "${BG_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  for ns in "$NS_P1" "$NS_P2" "$NS_S" "$NS_R"; do
    # Whatever still runs inside our own namespaces (started by this script).
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# bg NAME SECONDS NS CMD...: runs CMD in NS in the background, killed after SECONDS at the latest.
# Sets BG (its PID); output in $WORK/NAME.out.
bg() {
  local name=$1 secs=$2 ns=$3
  shift 3
  timeout -s TERM -k 2 "$secs" ip netns exec "$ns" "$@" >"$WORK/$name.out" 2>&1 &
  BG=$!
  BG_PIDS+=("$BG")
}

# finish PID GRACE: waits up to GRACE seconds for PID, then stops it (SIGTERM). Its exit
# status in RC, and in RC_TEXT "exit N", or "stopped" when it had to be stopped.
# (Not in $(...): a subshell cannot wait for this shell's children.)
finish() {
  local pid=$1 grace=$2 i stopped=0
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    stopped=1
    kill -TERM "$pid" 2>/dev/null
  fi
  RC=0
  wait "$pid" 2>/dev/null || RC=$?
  RC_TEXT="exit $RC"
  ((stopped)) && RC_TEXT="stopped (no call)"
}

# wait_until SECONDS CMD...: polls CMD every 0.1 s; false after SECONDS.
wait_until() {
  local secs=$1 i
  shift
  for ((i = 0; i < secs * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

udp_listening() { [[ -n $(ip netns exec "$1" ss -Hnlu "src $2:$3") ]]; }

# --- topology ----------------------------------------------------------------------------
build_topology() {
  local ns i=10
  for ns in "$NS_R" "$NS_P1" "$NS_P2" "$NS_S"; do
    ip netns add "$ns" && ip -n "$ns" link set lo up || die "cannot create namespace $ns"
  done
  set -e
  ip -n "$NS_R" link add lan0 type bridge
  ip -n "$NS_R" addr add 192.168.2.1/24 dev lan0
  ip -n "$NS_R" link set lan0 up
  for ns in "$NS_P1" "$NS_P2"; do
    ip link add eth0 netns "$ns" type veth peer name "lan-$i" netns "$NS_R"
    ip -n "$NS_R" link set "lan-$i" master lan0 up
    ip -n "$ns" addr add "192.168.2.$i/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via 192.168.2.1
    i=$((i + 1))
  done
  ip link add eth0 netns "$NS_S" type veth peer name wan0 netns "$NS_R"
  ip -n "$NS_R" addr add "$PUBLIC/24" dev wan0
  ip -n "$NS_R" link set wan0 up
  ip -n "$NS_R" route add default via "$GATEWAY"
  ip netns exec "$NS_R" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'
  for a in $GATEWAY $REGISTRAR $FAREND $CALLER; do ip -n "$NS_S" addr add "$a/24" dev eth0; done
  ip -n "$NS_S" link set eth0 up
  set +e
  # Addresses are usable at once (no DAD for IPv4); make sure the bridge forwards.
  wait_until 5 sh -c "ip -n $NS_R link show lan0 | grep -q 'state UP'" || die "bridge lan0 not up"
}

# --- the router --------------------------------------------------------------------------
ROUTER_PID=
start_router() {  # start_router on|off
  local mode=$1 extra=()
  [[ $mode == off ]] && extra=(--no-alg)
  rm -f "$WORK/router-$mode.ready"
  bg "router-$mode" 300 "$NS_R" "$TUN_ROUTER" --lan-if lan0 --wan-if wan0 --lan-prefix 192.168.2.0/24 \
    --public "$PUBLIC" --gateway "$GATEWAY" --sip-ports 5060 --ready-file "$WORK/router-$mode.ready" "${extra[@]}"
  ROUTER_PID=$BG
  wait_until 10 test -e "$WORK/router-$mode.ready" || { cat "$WORK/router-$mode.out"; die "tun_router did not become ready"; }
}

# stop_router MODE: SIGTERM, then check it undid its setup (rules, local rule, TUN devices).
stop_router() {
  local mode=$1 rc
  finish "$ROUTER_PID" 0
  rc=$RC
  [[ $rc == 0 ]] || { cat "$WORK/router-$mode.out"; die "tun_router exited with $rc on SIGTERM"; }
  local rules links
  rules=$(ip -n "$NS_R" -4 rule show)
  links=$(ip -n "$NS_R" -o link show)
  if ! grep -q '^0:.*lookup local' <<<"$rules" || grep -qE 'lookup (7501|7502)' <<<"$rules" ||
     grep -q 'sipalg-' <<<"$links" || [[ -e $WORK/router-$mode.ready ]]; then
    echo "$rules"; echo "$links"
    die "tun_router did not undo its setup on SIGTERM"
  fi
  echo "e2e: tun_router (ALG $mode) stopped and undid its setup; its counters:"
  sed -n '/counters (exit)/,$p' "$WORK/router-$mode.out" |
    grep -E '^ *(rx_|tx_|dropped_(lan|wan|no_flow|unsupported)|sip_(messages|rewritten)|flows_(created|from_exp)|expectations_added|registrations)' |
    awk '{printf "    %-24s %s\n", $1, $2}'
}

# --- the registrar -----------------------------------------------------------------------
KAM_PID=
start_kamailio() {
  local mode=$1
  sed -e "s/@ADDR@/$REGISTRAR/g" -e "s|@CTL@|$KAMCTL|g" "$HERE/kamailio.cfg" >"$WORK/kamailio.cfg"
  mkdir -p "$WORK/kamailio-run"
  rm -f "$KAMCTL"
  bg "kamailio-$mode" 300 "$NS_S" kamailio -DD -E -f "$WORK/kamailio.cfg" -Y "$WORK/kamailio-run" -P "$WORK/kamailio-run/pid"
  KAM_PID=$BG
  wait_until 10 kamcmd -s "unix:$KAMCTL" core.version || { cat "$WORK/kamailio-$mode.out"; die "kamailio did not start"; }
  wait_until 5 udp_listening "$NS_S" "$REGISTRAR" 5060 || die "kamailio does not listen on $REGISTRAR:5060"
}
stop_kamailio() { finish "$KAM_PID" 0; }

# contact_of USER: the Address the registrar stored for USER (empty when none).
contact_of() {
  kamcmd -s "unix:$KAMCTL" ul.dump 2>/dev/null | awk -v u="$1" '/AoR:/ {aor = $2} /Address:/ && aor == u {print $2; exit}'
}

# --- sipp --------------------------------------------------------------------------------
# sipp_args NAME SECONDS: the common arguments (bounded, traces in $WORK/NAME.*).
sipp_args() {
  echo -m 1 -timeout "$2s" -timeout_error -nostdin -trace_msg -message_file "$WORK/$1.msg" \
    -trace_logs -log_file "$WORK/$1.log" -trace_err -error_file "$WORK/$1.err"
}
# run_sipp NAME SECONDS NS SCENARIO ARGS...: in the foreground; prints the exit status.
run_sipp() {
  local name=$1 secs=$2 ns=$3 sf=$4 rc=0
  shift 4
  # shellcheck disable=SC2046
  timeout -s TERM -k 2 $((secs + 5)) ip netns exec "$ns" sipp -sf "$HERE/$sf" $(sipp_args "$name" "$secs") "$@" \
    >"$WORK/$name.out" 2>&1 || rc=$?
  echo "$rc"
}
# uas NAME SECONDS NS SCENARIO ADDR ARGS...: a sipp answering one call, in the background (BG),
# once it listens on ADDR:5060.
uas() {
  local name=$1 secs=$2 ns=$3 sf=$4 addr=$5
  shift 5
  # shellcheck disable=SC2046
  bg "$name" $((secs + 5)) "$ns" sipp -sf "$HERE/$sf" $(sipp_args "$name" "$secs") -i "$addr" -p 5060 "$@"
  wait_until 5 udp_listening "$ns" "$addr" 5060 || die "sipp $name does not listen on $addr:5060"
}
invites_at() { grep -c '^INVITE ' "$WORK/$1.msg" 2>/dev/null || true; }

# --- captures ----------------------------------------------------------------------------
# capture NAME NS FILTER: tcpdump on eth0 of NS in the background (BG) once it listens.
capture() {
  local name=$1 ns=$2 filter=$3
  bg "$name.tcpdump" 60 "$ns" tcpdump -Z root -n -U -i eth0 -w "$WORK/$name.pcap" "$filter"
  wait_until 5 grep -q 'listening on' "$WORK/$name.tcpdump.out" || die "tcpdump $name did not start"
}
count_packets() { tcpdump -n -r "$WORK/$1.pcap" 2>/dev/null | wc -l; }

# --- the table ---------------------------------------------------------------------------
ROWS=()
FAILED=0
row() {  # row SCENARIO ALG EXPECTED OBSERVED PACKETS PASS|FAIL
  ROWS+=("$1|$2|$3|$4|$5|$6")
  [[ $6 == PASS ]] || FAILED=$((FAILED + 1))
  printf 'e2e: %s ALG %s: %s (expected: %s; observed: %s; %s)\n' "$1" "$2" "$6" "$3" "$4" "$5"
}
# ok EXIT_STATUS: PASS when 0 (use: ok $([[ condition ]]; echo $?)).
ok() { if [[ $1 == 0 ]]; then echo PASS; else echo FAIL; fi; }

# --- the scenarios -----------------------------------------------------------------------
s1_register() {
  local mode=$1 rc contact
  rc=$(run_sipp "s1-$mode-register" 5 "$NS_P1" register.xml -s phone1 -i "$PHONE1" -p 5060 "$REGISTRAR:5060")
  contact=$(contact_of phone1)
  local sent recv
  sent=$(grep -c '^REGISTER ' "$WORK/s1-$mode-register.msg" 2>/dev/null)
  recv=$(grep -c '^SIP/2.0 200' "$WORK/s1-$mode-register.msg" 2>/dev/null)
  local pk="REGISTER sent $sent, 200 OK back $recv"
  if [[ $mode == on ]]; then
    row S1 on "registrar stores $PUBLIC" "sipp exit $rc, contact ${contact:-none}" "$pk" \
      "$(ok "$([[ $rc == 0 && $contact == "sip:phone1@$PUBLIC:"* ]]; echo $?)")"
  else
    row S1 off "registrar stores $PHONE1 (private)" "sipp exit $rc, contact ${contact:-none}" "$pk" \
      "$(ok "$([[ $contact == "sip:phone1@$PHONE1:"* ]]; echo $?)")"
  fi
}

# call_phone NAME USER: the caller (203.0.113.30) calls USER through the registrar; prints the exit status.
call_phone() {
  run_sipp "$1" 8 "$NS_S" call.xml -s "$2" -i "$CALLER" -p 5060 -mi "$CALLER" -mp 6000 "$REGISTRAR:5060"
}

s2_incoming() {
  local mode=$1 rc_call rc_uas n
  uas "s2-$mode-phone1" 12 "$NS_P1" answer.xml "$PHONE1" -s phone1 -mi "$PHONE1" -mp 6000
  local uas_pid=$BG
  rc_call=$(call_phone "s2-$mode-caller" phone1)
  finish "$uas_pid" 3
  rc_uas=$RC
  local uas_text=$RC_TEXT
  n=$(invites_at "s2-$mode-phone1")
  local obs="caller exit $rc_call (final response $(last_final_response "s2-$mode-caller")), phone $uas_text"
  if [[ $mode == on ]]; then
    row S2 on "call reaches phone1, answered" "$obs" "INVITEs at phone1: $n" \
      "$(ok "$([[ $rc_call == 0 && $rc_uas == 0 && $n -ge 1 ]]; echo $?)")"
  else
    row S2 off "no incoming call" "$obs" "INVITEs at phone1: $n" "$(ok "$([[ $rc_call != 0 && $n == 0 ]]; echo $?)")"
  fi
}
# The final response the caller got to its INVITE (e.g. "200", "477"), or "none".
last_final_response() {
  awk '/^SIP\/2.0 [2-6][0-9][0-9]/ {code = $2} END {print code ? code : "none"}' "$WORK/$1.msg" 2>/dev/null
}

s3_media() {
  local mode=$1 rc_call rc_far to_phone to_far
  capture "s3-$mode-at-phone" "$NS_P1" "udp and dst host $PHONE1 and dst port 6000"
  local cap1=$BG
  capture "s3-$mode-at-farend" "$NS_S" "udp and src host $PUBLIC and dst host $FAREND and dst port 6000"
  local cap2=$BG
  uas "s3-$mode-farend" 20 "$NS_S" answer_media.xml "$FAREND" -s echo -mi "$FAREND" -mp 6000
  local far_pid=$BG
  rc_call=$(run_sipp "s3-$mode-phone1" 20 "$NS_P1" call_media.xml -s echo -i "$PHONE1" -p 5060 \
    -mi "$PHONE1" -mp 6000 "$FAREND:5060")
  finish "$far_pid" 3
  rc_far=$RC
  local far_text=$RC_TEXT
  sleep 0.3
  finish "$cap1" 0
  finish "$cap2" 0
  to_phone=$(count_packets "s3-$mode-at-phone")
  to_far=$(count_packets "s3-$mode-at-farend")
  local obs="call: phone exit $rc_call, far end $far_text"
  local pk="RTP far end->phone $to_phone, phone->far end $to_far (236 sent each way)"
  if [[ $mode == on ]]; then
    row S3 on "RTP both ways" "$obs" "$pk" "$(ok "$([[ $rc_call == 0 && $rc_far == 0 && $to_phone -ge 200 && $to_far -ge 200 ]]; echo $?)")"
  else
    row S3 off "one-way audio (phone hears nothing)" "$obs" "$pk" "$(ok "$([[ $to_phone == 0 && $to_far -ge 200 ]]; echo $?)")"
  fi
}

s4_two_phones() {
  local mode=$1 rc c1 c2
  rc=$(run_sipp "s4-$mode-register2" 5 "$NS_P2" register.xml -s phone2 -i "$PHONE2" -p 5060 "$REGISTRAR:5060")
  c1=$(contact_of phone1)
  c2=$(contact_of phone2)
  uas "s4-$mode-phone1" 20 "$NS_P1" answer.xml "$PHONE1" -s phone1 -mi "$PHONE1" -mp 6000
  local u1=$BG
  uas "s4-$mode-phone2" 20 "$NS_P2" answer.xml "$PHONE2" -s phone2 -mi "$PHONE2" -mp 6000
  local u2=$BG
  local r1 r2 ru1 ru2 n1 n2
  r1=$(call_phone "s4-$mode-call1" phone1)
  r2=$(call_phone "s4-$mode-call2" phone2)
  finish "$u1" 3
  ru1=$RC
  local t1=$RC_TEXT
  finish "$u2" 3
  ru2=$RC
  local t2=$RC_TEXT
  local ok2
  ok2=$(grep -c '^SIP/2.0 200' "$WORK/s4-$mode-register2.msg" 2>/dev/null)
  n1=$(invites_at "s4-$mode-phone1")
  n2=$(invites_at "s4-$mode-phone2")
  local obs="phone2 REGISTER exit $rc ($ok2 x 200 OK); contacts ${c1:-none} ${c2:-none}; calls exit $r1/$r2; phones $t1/$t2"
  local pk="INVITEs at phone1 $n1, phone2 $n2"
  if [[ $mode == on ]]; then
    row S4 on "distinct public contacts, both called" "$obs" "$pk" \
      "$(ok "$([[ $rc == 0 && $c1 == "sip:phone1@$PUBLIC:"* && $c2 == "sip:phone2@$PUBLIC:"* && ${c1##*:} != "${c2##*:}" &&
        $r1 == 0 && $r2 == 0 && $ru1 == 0 && $ru2 == 0 && $n1 -ge 1 && $n2 -ge 1 ]]; echo $?)")"
  else
    row S4 off "private contacts, neither phone called" "$obs" "$pk" \
      "$(ok "$([[ $c2 != "sip:phone2@$PUBLIC:"* && $r1 != 0 && $r2 != 0 && $n1 == 0 && $n2 == 0 ]]; echo $?)")"
  fi
}

# --- main --------------------------------------------------------------------------------
START=$SECONDS
build_topology
for mode in on off; do
  echo "e2e: === ALG $mode"
  start_router "$mode"
  start_kamailio "$mode"
  s1_register "$mode"
  s2_incoming "$mode"
  s3_media "$mode"
  s4_two_phones "$mode"
  stop_kamailio
  stop_router "$mode"
done

print_table() {
  echo "e2e: results ($((SECONDS - START)) s; traces in $WORK)"
  local fmt='%-3s | %-3s | %-40s | %-4s | %s\n' r sc alg exp obs pk res
  # shellcheck disable=SC2059
  printf "$fmt" "" ALG "expected" "ok" "observed / packets counted"
  printf -- '----+-----+------------------------------------------+------+---------------------------\n'
  for r in "${ROWS[@]}"; do
    IFS='|' read -r sc alg exp obs pk res <<<"$r"
    # shellcheck disable=SC2059
    printf "$fmt" "$sc" "$alg" "$exp" "$res" "$obs"
    # shellcheck disable=SC2059
    printf "$fmt" "" "" "" "" "$pk"
  done
  if ((FAILED)); then
    echo "e2e: FAILED: $FAILED of ${#ROWS[@]} rows did not match their expectation"
  else
    echo "e2e: PASSED: all ${#ROWS[@]} rows as expected (ALG on works; ALG off fails as in the field)"
  fi
}
echo
# Also kept in results.txt, for a CI log that only shows failing tests' output.
print_table | tee "$WORK/results.txt"
((FAILED == 0))
