// describe(): everything in a parsed SDP index as text (views as offset:length
// from the body, "-" when null; numbers, flags, optionals, parsed addresses),
// so two parses can be compared with one string compare. The same text as the
// differential test's (tests/sdp/differential_test.cpp), for any capacities.
#pragma once

#include <string>
#include <string_view>

#include "sipalg/sdp.hpp"

namespace sipalg::test {

namespace sdp = sipalg::sdp;

// Everything in `d`, views as offset:length from the body ("-" when null).
template <std::size_t M, std::size_t A>
std::string describe(const sdp::basic_session_description<M, A>& d) {
  std::string out;
  const auto view = [&](std::string_view v) {
    if (v.data() == nullptr) {
      out += v.empty() ? "- " : "?null-with-size ";
      return;
    }
    out += std::to_string(v.data() - d.body.data()) + ":" + std::to_string(v.size()) + " ";
  };
  const auto addr = [&](const sdp::net_address& a) {
    view(a.nettype);
    view(a.addrtype);
    view(a.address);
    out += "t" + std::to_string(static_cast<int>(a.type)) + " ";
    if (a.ip) {
      out += "ip=" + std::string(a.ip->to_text().view()) + (a.ip->is_v4() ? "/4 " : "/6 ");
    } else {
      out += "ip=- ";
    }
  };
  const auto conn = [&](const sdp::connection_field& c) {
    out += "\n  c ";
    view(c.line);
    addr(c);
    out += "ttl=" + (c.ttl ? std::to_string(*c.ttl) : std::string("-")) +
           " count=" + (c.count ? std::to_string(*c.count) : std::string("-"));
  };
  const auto dir = [&](const std::optional<sdp::media_direction>& x) {
    out += "dir=" + (x ? std::string(sdp::to_string(*x)) : std::string("-")) + " ";
  };
  out += "v ";
  view(d.version);
  out += "\n o ";
  view(d.origin.line);
  view(d.origin.username);
  view(d.origin.sess_id);
  view(d.origin.sess_version);
  addr(d.origin);
  out += "\n s ";
  view(d.session_name);
  conn(d.connection);
  out += "\n ";
  dir(d.direction);
  out += "sae=" + std::to_string(d.session_attr_end);
  for (const auto& m : d.media) {
    out += "\n m ";
    view(m.line);
    view(m.media);
    view(m.port_text);
    out += std::to_string(m.port) + " ";
    view(m.port_count_text);
    out += std::to_string(m.port_count) + " ";
    view(m.proto);
    view(m.formats);
    conn(m.connection);
    out += "\n  r ";
    view(m.rtcp.line);
    view(m.rtcp.port_text);
    out += std::to_string(m.rtcp.port) + " ";
    addr(m.rtcp);
    out += "\n  ";
    dir(m.direction);
    out += "xc=" + std::to_string(m.extra_connections) + " a=" + std::to_string(m.attr_begin) + ".." +
           std::to_string(m.attr_end);
  }
  for (const auto& a : d.attributes) {
    out += "\n a ";
    view(a.line);
    view(a.name);
    view(a.value);
    out += (a.has_value ? "hv " : "nv ") + std::to_string(static_cast<int>(a.kind));
  }
  return out;
}

}  // namespace sipalg::test
