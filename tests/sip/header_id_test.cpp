// header_id: canonical names, compact forms, case-insensitive lookup (RFC 3261 7.3.3, 20).
#include <catch2/catch.hpp>

#include <string>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/header_id.hpp"

using namespace sipalg::sip;

namespace {
std::string upper(std::string_view s) {
  std::string r(s);
  for (char& c : r)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
  return r;
}
std::string lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = sipalg::ascii::to_lower(c);
  return r;
}
}  // namespace

TEST_CASE("header_id: every canonical name maps back to its id, in any case", "[sip][header_id]") {
  for (std::size_t i = 1; i < header_id_count; ++i) {
    const auto id = static_cast<header_id>(i);
    const std::string_view name = canonical_name(id);
    INFO(name);
    REQUIRE(!name.empty());
    CHECK(lookup_header(name) == id);
    CHECK(lookup_header(upper(name)) == id);
    CHECK(lookup_header(lower(name)) == id);
    // The parser's word-wise path, with and without readable bytes after the name.
    const std::string padded = std::string(name) + ": value that follows";
    CHECK(detail::lookup_header_in(padded.data(), name.size(), padded.data() + padded.size()) == id);
    const std::string exact = upper(name);
    CHECK(detail::lookup_header_in(exact.data(), exact.size(), exact.data() + exact.size()) == id);
    // One character changed or removed: not this header.
    std::string changed(name);
    changed.back() = changed.back() == 'q' ? 'r' : 'q';
    CHECK(lookup_header(changed) != id);
    if (name.size() > 2) CHECK(lookup_header(name.substr(0, name.size() - 1)) != id);
    const std::string longer = std::string(name) + "x";
    CHECK(lookup_header(longer) != id);
  }
}

TEST_CASE("header_id: RFC 3261 names and extension names", "[sip][header_id]") {
  const std::pair<std::string_view, header_id> rows[] = {
      {"Via", header_id::via},
      {"CALL-ID", header_id::call_id},
      {"call-id", header_id::call_id},
      {"Content-Length", header_id::content_length},
      {"cseq", header_id::cseq},
      {"WWW-Authenticate", header_id::www_authenticate},
      {"Record-Route", header_id::record_route},
      {"Allow-Events", header_id::allow_events},
      {"Event", header_id::event},
      {"Refer-To", header_id::refer_to},
      {"Referred-By", header_id::referred_by},
      {"Session-Expires", header_id::session_expires},
      {"Min-SE", header_id::min_se},
      {"P-Asserted-Identity", header_id::p_asserted_identity},
      {"P-Preferred-Identity", header_id::p_preferred_identity},
      {"Path", header_id::path},
      {"Service-Route", header_id::service_route},
      {"RAck", header_id::rack},
      {"RSeq", header_id::rseq},
      {"Privacy", header_id::privacy},
      {"Reason", header_id::reason},
      {"Replaces", header_id::replaces},
      {"Supported", header_id::supported},
      {"Require", header_id::require},
      {"Identity", header_id::identity},
      {"X-Foo", header_id::unknown},
      {"Viaa", header_id::unknown},
      {"Vi", header_id::unknown},
      {"", header_id::unknown},
      {"C%6Fntact", header_id::unknown},  // RFC 4475 3.1.1.5
      {"Contact ", header_id::unknown},
      {"P-Charging-Function-Addresses-And-More", header_id::unknown},
  };
  for (const auto& [name, id] : rows) {
    INFO(name);
    CHECK(lookup_header(name) == id);
  }
}

TEST_CASE("header_id: compact forms", "[sip][header_id]") {
  const std::pair<char, header_id> rows[] = {
      {'i', header_id::call_id},        {'m', header_id::contact},      {'e', header_id::content_encoding},
      {'l', header_id::content_length}, {'c', header_id::content_type}, {'f', header_id::from},
      {'s', header_id::subject},        {'k', header_id::supported},    {'t', header_id::to},
      {'v', header_id::via},            {'o', header_id::event},        {'u', header_id::allow_events},
      {'r', header_id::refer_to},       {'b', header_id::referred_by},  {'x', header_id::session_expires},
      {'y', header_id::identity},       {'a', header_id::accept_contact}, {'j', header_id::reject_contact},
      {'d', header_id::request_disposition}, {'n', header_id::identity_info},
  };
  for (const auto& [c, id] : rows) {
    const char lo[1] = {c};
    const char up[1] = {static_cast<char>(c - 32)};
    CHECK(lookup_header(std::string_view(lo, 1)) == id);
    CHECK(lookup_header(std::string_view(up, 1)) == id);
    CHECK(compact_form(id) == c);
  }
  for (char c : std::string_view("ghpqwz0-.!")) CHECK(lookup_header(std::string_view(&c, 1)) == header_id::unknown);
  CHECK(compact_form(header_id::cseq) == '\0');
}

TEST_CASE("header_id: canonical names", "[sip][header_id]") {
  CHECK(canonical_name(header_id::unknown).empty());
  CHECK(canonical_name(header_id::call_id) == "Call-ID");
  CHECK(canonical_name(header_id::cseq) == "CSeq");
  CHECK(canonical_name(header_id::www_authenticate) == "WWW-Authenticate");
  CHECK(canonical_name(header_id::count_).empty());
  static_assert(lookup_header("content-length") == header_id::content_length);
  static_assert(lookup_header("l") == header_id::content_length);
  static_assert(canonical_name(header_id::via) == "Via");
}

TEST_CASE("header_id: non-letter bytes never match letters", "[sip][header_id]") {
  // fold() maps only letters across case; '-' vs CR (0x0D | 0x20 == 0x2D) must still differ.
  CHECK(lookup_header("Call\rID") == header_id::unknown);
  CHECK(lookup_header("Call\x0DID") == header_id::unknown);
  // The parser's fast path (names never contain bytes below 0x0E): every other byte value at the
  // '-' and at a letter position of "Call-ID" matches only '-' and the letter's two cases.
  for (int c = 0x0E; c < 0x100; ++c) {
    std::string dash = "Call-ID: value", letter = "Call-ID: value";
    dash[4] = static_cast<char>(c);
    letter[1] = static_cast<char>(c);
    INFO(c);
    CHECK((detail::lookup_header_in(dash.data(), 7, dash.data() + dash.size()) == header_id::call_id) == (c == '-'));
    CHECK((detail::lookup_header_in(letter.data(), 7, letter.data() + 7) == header_id::call_id) ==
          (c == 'a' || c == 'A'));
    CHECK((lookup_header(std::string_view(dash.data(), 7)) == header_id::call_id) == (c == '-'));
  }
  CHECK(lookup_header("Min\x1FSE") == header_id::unknown);  // 0x1F | 0x20 == '?'
}
