// sipalg rewrite: run the ALG rewriter on one SIP message file.
//
//   sipalg rewrite --direction outbound --transport udp --inside 192.168.2.100:5060
//                  --outside 2.2.2.2:5061 --peer 1.1.1.2:5060
//                  [--media 192.168.2.100:10036=2.2.2.2:10036]... [--expectations FILE]
//                  [--policy FILE] IN [OUT]
//
// Writes the rewritten message to OUT (stdout when absent) and each expectation
// as one JSON object a line to FILE. Exit 0 when the message was rewritten or
// needed nothing; 1 with a JSON error on stderr when it was malformed or did not
// fit (OUT then holds the message unchanged, or nothing when the policy drops it).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../common/expectation_json.hpp"
#include "../common/policy_json.hpp"
#include "commands.hpp"
#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"

namespace {

struct rewrite_options {
  std::string direction = "outbound";
  std::string transport = "udp";
  std::string inside, outside, peer;
  std::vector<std::string> media;
  std::string expectations_file;
  std::string policy_file;
  std::string in, out;
};

sipalg::endpoint parse_endpoint_option(const std::string& what, const std::string& text) {
  auto e = sipalg::endpoint::parse(text);
  if (!e || !e->has_port) throw CLI::ValidationError(what, "expected IP:PORT or [IPv6]:PORT, got \"" + text + "\"");
  return *e;
}

int run_rewrite(const rewrite_options& o) {
  using namespace sipalg;
  alg::binding b;
  b.inside = parse_endpoint_option("--inside", o.inside);
  b.outside = parse_endpoint_option("--outside", o.outside);
  b.peer = parse_endpoint_option("--peer", o.peer);
  b.transport = o.transport == "tcp" ? transport::tcp : transport::udp;
  b.dir = o.direction == "inbound" ? alg::direction::inbound : alg::direction::outbound;

  std::map<std::string, endpoint> media_map;  // canonical inside text -> outside
  for (const auto& m : o.media) {
    const auto eq = m.find('=');
    if (eq == std::string::npos) throw CLI::ValidationError("--media", "expected INSIDE=OUTSIDE, got \"" + m + "\"");
    const endpoint in = parse_endpoint_option("--media", m.substr(0, eq));
    const endpoint out = parse_endpoint_option("--media", m.substr(eq + 1));
    media_map[std::string(in.to_text().view())] = out;
  }

  tools::loaded_policy pol;
  if (!o.policy_file.empty()) pol = tools::load_policy_file(o.policy_file);

  std::ifstream in(o.in, std::ios::binary);
  if (!in) {
    std::cerr << nlohmann::json{{"error", "io"}, {"message", "cannot read " + o.in}}.dump() << "\n";
    return 2;
  }
  const std::string message((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  alg::rewriter rw(pol.policy);
  auto mapper = [&](const endpoint& inside, bool) -> std::optional<endpoint> {
    auto it = media_map.find(std::string(inside.to_text().view()));
    if (it != media_map.end()) return it->second;
    return endpoint{b.outside.address, inside.port};
  };
  const alg::rewrite_result r = rw.plan(message, b, mapper);

  std::string output;
  if (r.forward()) {
    std::vector<char> buf(rw.edits().result_size());
    const auto ar = alg::apply_copy(rw.edits(), buf);
    output.assign(buf.data(), ar.size);
  }
  if (o.out.empty()) {
    std::fwrite(output.data(), 1, output.size(), stdout);
  } else {
    std::ofstream out(o.out, std::ios::binary | std::ios::trunc);
    out.write(output.data(), static_cast<std::streamsize>(output.size()));
    if (!out) {
      std::cerr << nlohmann::json{{"error", "io"}, {"message", "cannot write " + o.out}}.dump() << "\n";
      return 2;
    }
  }
  if (!o.expectations_file.empty()) {
    std::ofstream ex(o.expectations_file, std::ios::trunc);
    for (const auto& e : rw.expectations())
      ex << tools::expectation_to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  if (r.status == alg::rewrite_status::rewritten || r.status == alg::rewrite_status::unchanged) return 0;
  nlohmann::json err;
  err["error"] = std::string(alg::error_name(r));
  err["status"] = std::string(alg::to_string(r.status));
  err["offset"] = r.offset;
  err["action"] = r.forward() ? "pass" : "drop";
  err["message"] = r.forward() ? "message passed through unchanged" : "message dropped by policy";
  std::cerr << err.dump() << "\n";
  return 1;
}

}  // namespace

namespace sipalg::cli {

void add_rewrite_command(CLI::App& app) {
  auto opts = std::make_shared<rewrite_options>();
  CLI::App* cmd = app.add_subcommand("rewrite", "Run the ALG rewriter on one SIP message");
  cmd->add_option("--direction", opts->direction, "outbound (phone to server) or inbound")
      ->check(CLI::IsMember({"outbound", "inbound"}));
  cmd->add_option("--transport", opts->transport, "udp or tcp")->check(CLI::IsMember({"udp", "tcp"}));
  cmd->add_option("--inside", opts->inside, "the phone's private IP:PORT")->required();
  cmd->add_option("--outside", opts->outside, "the public IP:PORT the NAT mapped it to")->required();
  cmd->add_option("--peer", opts->peer, "the signalling peer IP:PORT")->required();
  cmd->add_option("--media", opts->media, "INSIDE_IP:PORT=OUTSIDE_IP:PORT media mapping (repeatable)");
  cmd->add_option("--expectations", opts->expectations_file, "write expectations as JSON lines to FILE");
  cmd->add_option("--policy", opts->policy_file, "policy JSON file")->check(CLI::ExistingFile);
  cmd->add_option("IN", opts->in, "SIP message file")->required();
  cmd->add_option("OUT", opts->out, "output file (stdout when absent)");
  cmd->callback([opts]() {
    const int rc = run_rewrite(*opts);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sipalg::cli
