// Reading a sipalg::alg::policy from JSON (the --policy FILE of the tools).
//
// {
//   "ports": [5060, {"port": 5061, "transport": "tcp"}],
//   "sip_timeout": 3600, "media_timeout": 180,
//   "direct_media": true, "direct_signalling": false,
//   "rewrite": {"via": true, "contact": true, "request_uri": true, "sdp": true, "from_to": false},
//   "extra_headers": ["P-Preferred-Identity"],
//   "on_malformed": "pass", "on_no_fit": "pass",
//   "register_without_expires": "registrar_default" | "unregister",
//   "tcp_max_message": 65535
// }
// Every key is optional; absent keys keep the policy's defaults.
#pragma once

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sipalg/alg/policy.hpp"

namespace sipalg::tools {

/// A policy plus the storage its extra_headers views point into.
struct loaded_policy {
  alg::policy policy;
  std::vector<std::string> extra_header_names;
};

inline alg::failure_action parse_failure_action(const std::string& s) {
  if (s == "pass") return alg::failure_action::pass;
  if (s == "drop") return alg::failure_action::drop;
  throw std::runtime_error("policy: expected \"pass\" or \"drop\", got \"" + s + "\"");
}

/// Parses "5060,5061" or "5060/udp,5062/tcp" (the --sip-ports option of the tools).
inline void parse_port_list(const std::string& list, alg::policy& p) {
  p.ports.clear();
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) {
      alg::sip_port sp;
      const auto slash = item.find('/');
      if (slash != std::string::npos) {
        const std::string t = item.substr(slash + 1);
        if (t == "udp") sp.transports = alg::transport_mask::udp;
        else if (t == "tcp") sp.transports = alg::transport_mask::tcp;
        else throw std::runtime_error("sip ports: unknown transport \"" + t + "\"");
        item = item.substr(0, slash);
      }
      auto port = parse_port(item);
      if (!port || *port == 0) throw std::runtime_error("sip ports: bad port \"" + item + "\"");
      sp.port = *port;
      if (!p.ports.push_back(sp)) throw std::runtime_error("sip ports: at most 8 ports");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (p.ports.empty()) throw std::runtime_error("sip ports: empty list");
}

inline loaded_policy policy_from_json(const nlohmann::json& j, loaded_policy base = {}) {
  loaded_policy out = std::move(base);
  alg::policy& p = out.policy;
  if (j.contains("ports")) {
    p.ports.clear();
    for (const auto& e : j["ports"]) {
      alg::sip_port sp;
      if (e.is_number_unsigned()) {
        sp.port = e.get<std::uint16_t>();
      } else {
        sp.port = e.at("port").get<std::uint16_t>();
        const std::string t = e.value("transport", "both");
        sp.transports = t == "udp" ? alg::transport_mask::udp
                        : t == "tcp" ? alg::transport_mask::tcp
                                     : alg::transport_mask::both;
      }
      if (!p.ports.push_back(sp)) throw std::runtime_error("policy: at most 8 ports");
    }
  }
  p.sip_timeout = j.value("sip_timeout", p.sip_timeout);
  p.media_timeout = j.value("media_timeout", p.media_timeout);
  p.direct_media = j.value("direct_media", p.direct_media);
  p.direct_signalling = j.value("direct_signalling", p.direct_signalling);
  p.tcp_max_message = j.value("tcp_max_message", p.tcp_max_message);
  if (j.contains("rewrite")) {
    const auto& r = j["rewrite"];
    auto flag = [&](const char* key, alg::rewrite_field f) {
      if (!r.contains(key)) return;
      if (r[key].get<bool>()) p.fields |= f;
      else p.fields &= ~static_cast<std::uint32_t>(f);
    };
    flag("via", alg::rewrite_via);
    flag("contact", alg::rewrite_contact);
    flag("request_uri", alg::rewrite_request_uri);
    flag("sdp", alg::rewrite_sdp);
    flag("from_to", alg::rewrite_from_to);
  }
  if (j.contains("extra_headers")) {
    out.extra_header_names = j["extra_headers"].get<std::vector<std::string>>();
    if (out.extra_header_names.size() > alg::policy::max_extra_headers)
      throw std::runtime_error("policy: too many extra_headers");
  }
  p.extra_headers.clear();
  for (const auto& name : out.extra_header_names) (void)p.extra_headers.push_back(name);
  if (!p.extra_headers.empty()) p.fields |= alg::rewrite_extra_headers;
  if (j.contains("on_malformed")) p.on_malformed = parse_failure_action(j["on_malformed"].get<std::string>());
  if (j.contains("on_no_fit")) p.on_no_fit = parse_failure_action(j["on_no_fit"].get<std::string>());
  if (j.contains("register_without_expires")) {
    const std::string v = j["register_without_expires"].get<std::string>();
    if (v == "registrar_default") p.register_without_expires = alg::absent_expires::registrar_default;
    else if (v == "unregister") p.register_without_expires = alg::absent_expires::unregister;
    else throw std::runtime_error("policy: register_without_expires must be registrar_default or unregister");
  }
  return out;
}

inline loaded_policy load_policy_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read policy file " + path);
  return policy_from_json(nlohmann::json::parse(in));
}

}  // namespace sipalg::tools
