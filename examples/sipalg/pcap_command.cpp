// sipalg pcap: before/after captures of a SIP ALG (issue 7).
//
//   sipalg pcap --lan 192.168.2.0/24 --public 2.2.2.2 [--sip-ports 5060,5061] [--port-range 5060-65535]
//               [--policy FILE] [--no-alg] [--json] IN OUT
//
// IN is a capture taken on the LAN side of a router (pcap or pcapng; Ethernet with VLAN tags, Linux
// cooked SLL/SLL2, raw IP, BSD loopback). Every packet goes through the reference NAT engine and
// its SIP ALG as the router would; OUT is what a sniffer on the WAN side would capture. Prints one
// block per SIP message (time, direction, method or status, each field changed, expectations
// opened or closed) and a summary line. See pcap_replay.hpp for how the WAN side is rebuilt.
//
// Exit status: 0 processed (skipped records are counted in the summary); 1 IN is not a usable
// capture or ends with a damaged record; 2 usage or I/O error.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include "../common/policy_json.hpp"
#include "commands.hpp"
#include "pcap_replay.hpp"

namespace {

struct pcap_options {
  std::string lan, public_address, sip_ports, port_range, policy_file, in, out;
  bool no_alg = false;
  bool json = false;
};

sipalg::nat::port_range parse_port_range(const std::string& text) {
  const auto dash = text.find('-');
  const auto first = sipalg::parse_port(text.substr(0, dash));
  const auto last = dash == std::string::npos ? first : sipalg::parse_port(text.substr(dash + 1));
  sipalg::nat::port_range r;
  if (first && last) r = {*first, *last};
  if (!first || !last || !r.valid())
    throw CLI::ValidationError("--port-range",
                               "expected FIRST-LAST with 1 <= FIRST <= LAST <= 65535, got \"" + text + "\"");
  return r;
}

int run_pcap(const pcap_options& o) {
  using namespace sipalg;
  tools::replay_options ro;
  const auto lan = nat::ipv4_prefix::parse(o.lan);
  if (!lan)
    throw CLI::ValidationError(
        "--lan", "expected an IPv4 prefix such as 192.168.2.0/24 (host bits zero), got \"" + o.lan + "\"");
  ro.lan = *lan;
  const auto pub = ip_address::parse_v4(o.public_address);
  if (!pub) throw CLI::ValidationError("--public", "expected an IPv4 address, got \"" + o.public_address + "\"");
  ro.public_address = *pub;
  tools::loaded_policy pol;
  try {
    if (!o.policy_file.empty()) pol = tools::load_policy_file(o.policy_file);
    if (!o.sip_ports.empty()) tools::parse_port_list(o.sip_ports, pol.policy);
  } catch (const std::exception& e) {
    fmt::print(stderr, "sipalg pcap: {}\n", e.what());
    return 2;
  }
  ro.policy = pol.policy;  // extra_headers views point into `pol`, which outlives the replay
  if (!o.port_range.empty()) ro.ports = parse_port_range(o.port_range);
  ro.alg = !o.no_alg;
  ro.json = o.json;

  std::FILE* in = std::fopen(o.in.c_str(), "rb");
  if (in == nullptr) {
    fmt::print(stderr, "sipalg pcap: cannot read {}: {}\n", o.in, std::strerror(errno));
    return 2;
  }
  std::FILE* out = std::fopen(o.out.c_str(), "wb");
  if (out == nullptr) {
    fmt::print(stderr, "sipalg pcap: cannot write {}: {}\n", o.out, std::strerror(errno));
    std::fclose(in);
    return 2;
  }
  std::string error;
  const int rc = tools::replay_capture(ro, in, out, stdout, error);
  std::fflush(stdout);
  if (!error.empty()) fmt::print(stderr, "sipalg pcap: {}: {}\n", o.in, error);
  return rc;
}

}  // namespace

namespace sipalg::cli {

void add_pcap_command(CLI::App& app) {
  auto opts = std::make_shared<pcap_options>();
  CLI::App* cmd = app.add_subcommand(
      "pcap",
      "Replay a LAN-side capture through the NAT and SIP ALG; write the WAN-side capture and a table of changes");
  cmd->add_option("--lan", opts->lan, "the private prefix behind the NAT, e.g. 192.168.2.0/24")->required();
  cmd->add_option("--public", opts->public_address, "the NAT's public IPv4 address")->required();
  cmd->add_option("--sip-ports", opts->sip_ports,
                  "SIP ports the ALG runs on: 5060,5061 or 5060/udp,5062/tcp (default 5060,5061)");
  cmd->add_option("--port-range", opts->port_range,
                  "public ports for masquerade and media, FIRST-LAST (default 1024-65535)");
  cmd->add_option("--policy", opts->policy_file, "policy JSON file (see examples/common/policy_json.hpp)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--no-alg", opts->no_alg, "a plain NAT without the SIP ALG (what operators compare against)");
  cmd->add_flag("--json", opts->json, "one JSON object per SIP message and a summary object instead of the table");
  cmd->add_option("IN", opts->in, "capture taken on the LAN side (pcap or pcapng)")->required();
  cmd->add_option("OUT", opts->out, "capture to write, as seen on the WAN side (pcap)")->required();
  cmd->callback([opts]() {
    int rc = 2;
    try {
      rc = run_pcap(*opts);
    } catch (const CLI::ValidationError& e) {  // a bad option value: usage error, exit 2 (commands.hpp)
      fmt::print(stderr, "sipalg pcap: {}\n", e.what());
    }
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sipalg::cli
