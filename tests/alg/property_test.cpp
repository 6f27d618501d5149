// Properties of the ALG rewriter over every golden message and, in the development
// workspace, every SIP message of the external corpus (../shared/corpus: field captures,
// RFC 4475 torture messages, RFC 5118 IPv6 messages in CRLF wire form, other stacks' tests).
//
// For each message several bindings are tried:
//   own-out / own-in  inside = the message's own top Via sent-by, outside 203.0.113.7:40000 (or [2001:db8:7::7]),
//                     outbound and inbound (so there IS something to rewrite outbound);
//   restore-in        outside = the top Via sent-by, inside 192.0.2.55:5062, inbound (something to restore);
//   foreign-out/-in   addresses that appear nowhere in the message.
// Properties (DESIGN.md "Contracts"): a verdict that is not rewritten/unchanged leaves an empty plan and no
// expectations; the plan is sorted, non-overlapping and only touches the fields the policy names (Request-URI,
// top Via, Contact, Content-Length, and the SDP body outbound); each replaced span held the binding's own
// address (or a port) and now holds the mapped one; every other byte is identical (Call-ID above all); the
// output parses with the same header structure; Content-Length equals the new body length and trailing
// datagram octets are kept; copy and in-place application agree; planning the output again gives an empty plan;
// a binding not in the message changes nothing and opens no media; whether a message is malformed does not
// depend on the binding.
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sipalg;
using namespace sipalg::alg;

namespace {

struct sample {
  std::string name;
  std::string bytes;
  transport t = transport::udp;
};

std::vector<sample> golden_samples() {
  std::vector<sample> out;
  for (const auto& dir : fs::directory_iterator(test::data_dir() / "golden")) {
    if (!dir.is_directory()) continue;
    for (const char* f : {"before.sip", "after.sip"}) {
      auto bytes = test::read_file(dir.path() / f);
      REQUIRE(bytes);
      out.push_back({"golden/" + dir.path().filename().string() + "/" + f, *bytes, transport::udp});
    }
  }
  std::sort(out.begin(), out.end(), [](const sample& a, const sample& b) { return a.name < b.name; });
  return out;
}

/// Every SIP message of the corpus folders the rewriter must cope with, chosen by MANIFEST.tsv
/// (kind sip-request / sip-response), with the transport the manifest names.
std::vector<sample> corpus_samples(const fs::path& corpus) {
  const auto manifest = test::read_file(corpus / "MANIFEST.tsv");
  REQUIRE(manifest);
  std::vector<sample> out;
  for (const auto& row : test::read_tsv(*manifest)) {
    if (row.size() < 4) continue;
    const std::string& path = row[0];
    if (row[2] != "sip-request" && row[2] != "sip-response") continue;
    const bool wanted = path.rfind("pcap/", 0) == 0 || path.rfind("rfc4475/messages/", 0) == 0 ||
                        path.rfind("rfc5118/wire-crlf/", 0) == 0 || path.rfind("stack-tests/", 0) == 0;
    if (!wanted) continue;
    auto bytes = test::read_file(corpus / path);
    REQUIRE(bytes);  // the manifest names it: it must be there
    const bool tcp = row[3].rfind("TCP", 0) == 0;
    out.push_back({path, *bytes, tcp ? transport::tcp : transport::udp});
  }
  return out;
}

/// A deterministic media mapper that moves every port (so m= edits happen): even ports stay even.
struct shifting_mapper {
  ip_address outside;
  std::vector<endpoint>* asked = nullptr;
  std::optional<endpoint> operator()(const endpoint& inside, bool) const {
    if (asked) asked->push_back(inside);
    const std::uint16_t p = inside.port <= 60000 ? static_cast<std::uint16_t>(inside.port + 2000)
                                                 : static_cast<std::uint16_t>(inside.port - 2000);
    return endpoint{outside, p};
  }
};

std::string strip_wsp(std::string_view s) {
  std::string o;
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') o.push_back(c);
  return o;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// A replaced span names `ep` (or only its address, or only its port).
bool names(std::string_view span, const endpoint& ep, bool body) {
  const std::string s = strip_wsp(span);
  if (all_digits(s)) return body || (s.size() <= 5 && std::stoul(s) == ep.port);  // rport=, or an m=/a=rtcp port (any mapping)
  const auto e = endpoint::parse(s);
  if (!e) return false;
  if (e->address != ep.address) return false;
  return !e->has_port || e->port == ep.port;
}

struct region {
  std::uint32_t begin, end;
  bool body;
};

struct tally {
  std::size_t plans = 0, rewritten = 0, unchanged = 0, failed = 0, edits = 0, media = 0;
  std::map<std::string, std::size_t> reasons;
};

using message_index = sip::basic_message<64>;

sip::parse_options options_for(transport t) {
  sip::parse_options o;
  o.allow_missing_content_length = t == transport::udp;
  return o;
}

/// Checks every property of one plan; returns the verdict.
rewrite_status check_one(rewriter& rw, const sample& s, const binding& b, tally& t) {
  INFO("message " << s.name << ", " << to_string(b.dir) << ", inside " << b.inside.to_text().view() << ", outside "
                  << b.outside.to_text().view());
  const std::string& in = s.bytes;
  const rewrite_result r = rw.plan(in, b, shifting_mapper{b.outside.address});
  ++t.plans;
  INFO("verdict " << to_string(r.status) << " (" << error_name(r) << " at " << r.offset << ")");
  const auto& plan = rw.edits();

  if (r.status != rewrite_status::rewritten && r.status != rewrite_status::unchanged) {
    ++t.failed;
    ++t.reasons[std::string(error_name(r))];
    CHECK(plan.empty());
    CHECK(rw.expectations().empty());
    CHECK(r.offset <= in.size());
    CHECK(r.forward());  // default policy: pass
    return r.status;
  }
  CHECK(r.forward());
  CHECK(r.status == (plan.empty() ? rewrite_status::unchanged : rewrite_status::rewritten));
  CHECK(plan.error() == plan_errc::ok);
  if (r.status == rewrite_status::rewritten) ++t.rewritten;
  else ++t.unchanged;
  t.edits += plan.size();

  message_index m;
  const sip::parse_options opt = options_for(b.transport);
  REQUIRE(sip::parse_message(in, m, opt).ec == sip::errc::ok);  // the rewriter parsed it

  // Where edits may be: the fields the default policy names.
  const bool outbound = b.dir == direction::outbound;
  std::vector<region> allowed;
  if (m.is_request()) allowed.push_back({m.request_uri.offset, m.request_uri.end(), false});
  if (const sip::header* via = m.find(sip::header_id::via)) {
    sip::via v;
    const auto pr = sip::parse_via(via->value.in(in), v);
    if (pr.ec == sip::errc::ok) allowed.push_back({via->value.offset, via->value.offset + pr.offset, false});
  }
  for (const sip::header& h : m.all(sip::header_id::contact)) allowed.push_back({h.value.offset, h.value.end(), false});
  for (const sip::header& h : m.all(sip::header_id::content_length))
    allowed.push_back({h.value.offset, h.value.end(), false});
  if (outbound) allowed.push_back({m.body.offset, m.body.end(), true});

  const endpoint& from = outbound ? b.inside : b.outside;
  const endpoint& to = outbound ? b.outside : b.inside;
  std::uint32_t prev_end = 0;
  bool body_changed = false;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const edit& e = plan[i];
    INFO("edit " << i << " at " << e.offset << " '" << plan.original(e) << "' -> '" << plan.replacement(e) << "'");
    REQUIRE(e.offset + e.old_len <= in.size());
    if (i > 0) CHECK(e.offset >= prev_end);
    if (i > 0) CHECK(e.offset != plan[i - 1].offset);
    prev_end = e.offset + e.old_len;
    CHECK(plan.original(e) == std::string_view(in).substr(e.offset, e.old_len));
    CHECK(plan.original(e) != plan.replacement(e));
    const auto where = std::find_if(allowed.begin(), allowed.end(), [&](const region& g) {
      return e.offset >= g.begin && e.offset + e.old_len <= g.end;
    });
    REQUIRE(where != allowed.end());
    bool is_content_length = false;
    for (const sip::header& h : m.all(sip::header_id::content_length)) is_content_length |= e.offset == h.value.offset;
    if (is_content_length) continue;
    if (where->body) body_changed = true;
    // The span held our address (or a port) and now holds the mapped one.
    CHECK(names(plan.original(e), from, where->body));
    if (where->body) {
      const std::string rep = strip_wsp(plan.replacement(e));
      if (!all_digits(rep)) CHECK(endpoint::parse(rep).has_value());
      if (!all_digits(rep)) CHECK(endpoint::parse(rep)->address == to.address);
    } else {
      CHECK(names(plan.replacement(e), to, false));
    }
  }
  if (!outbound) CHECK_FALSE(body_changed);

  // Apply: copy and in place agree; bytes outside the edits are identical.
  std::vector<char> buf(plan.result_size() + 8);
  const apply_result ac = apply_copy(plan, buf);
  REQUIRE(ac.ec == apply_errc::ok);
  REQUIRE(ac.size == plan.result_size());
  const std::string out(buf.data(), ac.size);
  std::vector<char> place(std::max(in.size(), plan.result_size()) + 8);
  std::copy(in.begin(), in.end(), place.begin());
  const apply_result ap = apply_in_place(plan, place);
  REQUIRE(ap.ec == apply_errc::ok);
  CHECK(std::string_view(place.data(), ap.size) == out);
  {
    std::size_t ip = 0, op = 0;
    for (const edit& e : plan) {
      CHECK(std::string_view(in).substr(ip, e.offset - ip) == std::string_view(out).substr(op, e.offset - ip));
      op += e.offset - ip;
      CHECK(std::string_view(out).substr(op, e.replacement.length) == plan.replacement(e));
      op += e.replacement.length;
      ip = e.offset + e.old_len;
    }
    CHECK(std::string_view(in).substr(ip) == std::string_view(out).substr(op));
    CHECK(op + (in.size() - ip) == out.size());
  }

  // The output parses, with the same structure; Call-ID and the other never-touched headers are identical.
  message_index mo;
  const auto po = sip::parse_message(out, mo, opt);
  REQUIRE(po.ec == sip::errc::ok);
  CHECK(mo.kind == m.kind);
  CHECK(mo.method_type == m.method_type);
  CHECK(mo.status_code == m.status_code);
  REQUIRE(mo.headers.size() == m.headers.size());
  for (std::size_t i = 0; i < m.headers.size(); ++i) {
    CHECK(mo.headers[i].id == m.headers[i].id);
    CHECK(mo.headers[i].name.in(out) == m.headers[i].name.in(in));
    switch (m.headers[i].id) {
      case sip::header_id::call_id:
      case sip::header_id::cseq:
      case sip::header_id::from:
      case sip::header_id::to:
      case sip::header_id::authorization:
      case sip::header_id::proxy_authorization:
      case sip::header_id::record_route:
      case sip::header_id::route:
        CHECK(mo.headers[i].value.in(out) == m.headers[i].value.in(in));
        break;
      default:
        break;
    }
  }
  for (std::size_t i = 1, vias = 0; i < m.headers.size(); ++i)  // every Via but the top one is identical
    if (m.headers[i].id == sip::header_id::via && vias++ > 0)
      CHECK(mo.headers[i].value.in(out) == m.headers[i].value.in(in));
  // Content-Length: when present it is the new body length, and trailing datagram octets are kept.
  CHECK(out.size() - mo.message_end == in.size() - m.message_end);
  CHECK(static_cast<std::int64_t>(mo.body.length) ==
        static_cast<std::int64_t>(m.body.length) + plan.delta_within(m.body.offset, m.body.end()));
  if (m.content_length) {
    REQUIRE(mo.content_length);
    CHECK(*mo.content_length == mo.body.length);
  } else {
    CHECK_FALSE(mo.content_length);
  }

  // Expectations: media only outbound, every media expectation on the mapped address.
  for (const expectation& e : rw.expectations()) {
    CHECK(e.call_id == (m.find(sip::header_id::call_id) ? m.find(sip::header_id::call_id)->value.in(in)
                                                         : std::string_view{}));
    if (e.kind == expectation_kind::signalling) {
      CHECK(outbound);
      CHECK(m.method_type == sip::method_id::register_);
      continue;
    }
    if (e.action == expectation_action::add) {
      ++t.media;
      CHECK(outbound);
      CHECK(e.outside.address == b.outside.address);
      CHECK(e.inside.address == b.inside.address);
      CHECK(e.outside.port != 0);
      CHECK(e.inside.port != 0);
    } else {
      CHECK(e.scope == expectation_scope::call);
    }
  }

  // Idempotence: planning the output again with the same binding changes nothing and opens no media.
  rewriter again;
  const rewrite_result r2 = again.plan(out, b, shifting_mapper{b.outside.address});
  CHECK(r2.status == rewrite_status::unchanged);
  CHECK(again.edits().empty());
  for (const expectation& e : again.expectations())
    CHECK_FALSE((e.action == expectation_action::add && e.kind != expectation_kind::signalling));
  return r.status;
}

/// The top Via sent-by of a message as an endpoint (nullopt for host names or no Via).
std::optional<endpoint> top_via_endpoint(const std::string& in, transport t) {
  message_index m;
  if (sip::parse_message(in, m, options_for(t)).ec != sip::errc::ok) return std::nullopt;
  const sip::header* h = m.find(sip::header_id::via);
  if (h == nullptr) return std::nullopt;
  sip::via v;
  if (sip::parse_via(h->value.in(in), v).ec != sip::errc::ok) return std::nullopt;
  const auto ip = v.sent_by.ip();
  if (!ip) return std::nullopt;
  return endpoint{*ip, v.sent_by.port_or(v.transport_is("TLS") ? 5061 : 5060)};
}

binding make(endpoint inside, endpoint outside, direction d, transport t) {
  binding b;
  b.inside = inside;
  b.outside = outside;
  b.peer = *endpoint::parse("198.51.100.1:5060");
  b.transport = t;
  b.dir = d;
  return b;
}

struct totals {
  std::size_t messages = 0, with_ip_via = 0;
  tally own_out, own_in, restore_in, foreign_out, foreign_in;
};

void check_sample(rewriter& rw, const sample& s, totals& tot) {
  ++tot.messages;
  const endpoint public_ep = *endpoint::parse("203.0.113.7:40000");
  const endpoint public_ep6 = *endpoint::parse("[2001:db8:7::7]:40000");
  const endpoint spare_inside = *endpoint::parse("192.0.2.55:5062");
  std::optional<endpoint> via = top_via_endpoint(s.bytes, s.t);

  // (b) a binding on addresses that appear nowhere in the message.
  const endpoint f_in = *endpoint::parse("198.18.77.66:5077");
  const endpoint f_out = *endpoint::parse("198.19.88.99:5088");
  REQUIRE(s.bytes.find("198.18.77.66") == std::string::npos);
  REQUIRE(s.bytes.find("198.19.88.99") == std::string::npos);
  rewrite_status foreign[2];
  for (const direction d : {direction::outbound, direction::inbound}) {
    tally& t = d == direction::outbound ? tot.foreign_out : tot.foreign_in;
    const binding b = make(f_in, f_out, d, s.t);
    const rewrite_status st = check_one(rw, s, b, t);
    INFO("message " << s.name << " with a foreign binding, " << to_string(d));
    CHECK(st != rewrite_status::rewritten);
    for (const expectation& e : rw.expectations())
      CHECK_FALSE((e.action == expectation_action::add && e.kind != expectation_kind::signalling));
    foreign[d == direction::outbound ? 0 : 1] = st;
  }
  if (!via) return;
  ++tot.with_ip_via;
  REQUIRE(s.bytes.find("203.0.113.7") == std::string::npos);
  REQUIRE(s.bytes.find("2001:db8:7::7") == std::string::npos);

  // (a) the message's own top Via as the inside endpoint, both directions; and restoring it inbound.
  // The outside address has the inside one's family (NAT44 / NAT66; a family change would need the SDP addrtype
  // rewritten too).
  const endpoint outside = via->address.is_v6() ? public_ep6 : public_ep;
  const rewrite_status own_out = check_one(rw, s, make(*via, outside, direction::outbound, s.t), tot.own_out);
  const rewrite_status own_in = check_one(rw, s, make(*via, outside, direction::inbound, s.t), tot.own_in);
  binding restore = make(spare_inside, *via, direction::inbound, s.t);
  if (via->address.is_v6()) restore.inside = *endpoint::parse("[2001:db8:55::55]:5062");
  const rewrite_status restore_in = check_one(rw, s, restore, tot.restore_in);

  // Whether a message is malformed does not depend on the binding.
  INFO("message " << s.name);
  CHECK((own_out == rewrite_status::malformed) == (foreign[0] == rewrite_status::malformed));
  CHECK((own_in == rewrite_status::malformed) == (foreign[1] == rewrite_status::malformed));
  CHECK((restore_in == rewrite_status::malformed) == (foreign[1] == rewrite_status::malformed));
}

std::string summary(const char* what, const tally& t) {
  std::string s = std::string(what) + ": " + std::to_string(t.plans) + " plans, " + std::to_string(t.rewritten) +
                  " rewritten, " + std::to_string(t.unchanged) + " unchanged, " + std::to_string(t.failed) +
                  " not rewritable, " + std::to_string(t.edits) + " edits, " + std::to_string(t.media) +
                  " media pinholes";
  if (!t.reasons.empty()) {
    s += " [";
    for (const auto& [k, n] : t.reasons) s += k + "=" + std::to_string(n) + " ";
    s.back() = ']';
  }
  return s;
}

std::string report(const totals& tot) {
  return std::to_string(tot.messages) + " messages (" + std::to_string(tot.with_ip_via) +
         " with an IP top Via)\n  " + summary("own Via outbound", tot.own_out) + "\n  " +
         summary("own Via inbound", tot.own_in) + "\n  " + summary("restore inbound", tot.restore_in) + "\n  " +
         summary("foreign outbound", tot.foreign_out) + "\n  " + summary("foreign inbound", tot.foreign_in);
}

}  // namespace

TEST_CASE("properties over the golden messages", "[rewriter][property]") {
  const auto samples = golden_samples();
  REQUIRE(samples.size() >= 12);
  rewriter rw;
  totals tot;
  for (const sample& s : samples) check_sample(rw, s, tot);
  WARN("golden: " << report(tot));
  CHECK(tot.with_ip_via == samples.size());
  CHECK(tot.own_out.failed == 0);
  CHECK(tot.foreign_out.failed == 0);
  CHECK(tot.own_out.rewritten >= 6);   // every before.sip the phone sends, and the outbound afters' SDP
  CHECK(tot.restore_in.rewritten >= 6);
  CHECK(tot.own_out.media >= 4);
}

TEST_CASE("properties over the external corpus (captures, RFC 4475, RFC 5118, stack test suites)",
          "[rewriter][property][corpus]") {
  SIPALG_REQUIRE_CORPUS(corpus);
  const auto samples = corpus_samples(corpus);
  rewriter rw;
  totals tot;
  std::map<std::string, std::size_t> per_folder;
  for (const sample& s : samples) {
    check_sample(rw, s, tot);
    ++per_folder[s.name.substr(0, s.name.find('/'))];
  }
  std::string folders;
  for (const auto& [k, n] : per_folder) folders += k + "=" + std::to_string(n) + " ";
  WARN("corpus: " << folders << "\n" << report(tot));
  // The corpus is fixed (README.md: 1051 pcap, 50 RFC 4475, 12 RFC 5118 wire forms, 361 stack-test messages):
  // the test must not pass by checking nothing.
  CHECK(per_folder["pcap"] >= 1000);
  CHECK(per_folder["rfc4475"] >= 50);
  CHECK(per_folder["rfc5118"] >= 12);
  CHECK(per_folder["stack-tests"] >= 300);
  REQUIRE(tot.messages >= 1400);
  CHECK(tot.with_ip_via >= 1050);
  CHECK(tot.own_out.rewritten >= 1000);
  CHECK(tot.restore_in.rewritten >= 1000);
  CHECK(tot.own_out.media >= 100);
}
