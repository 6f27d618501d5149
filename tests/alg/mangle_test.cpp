#include "sipalg/alg/mangle.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sipalg::alg;

namespace {
// Applies the plan naively, for comparison.
std::string reference_apply(const edit_plan& p) {
  std::string out;
  std::size_t pos = 0;
  const std::string_view in = p.message();
  for (const edit& e : p) {
    out.append(in.substr(pos, e.offset - pos));
    out.append(p.replacement(e));
    pos = e.offset + e.old_len;
  }
  out.append(in.substr(pos));
  return out;
}

std::uint32_t next(std::uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}
}  // namespace

TEST_CASE("apply_copy, apply_in_place and apply_with agree with a naive apply", "[mangle]") {
  std::uint32_t seed = 12345;
  for (int round = 0; round < 500; ++round) {
    std::string msg(1 + next(seed) % 200, ' ');
    for (char& c : msg) c = static_cast<char>('a' + next(seed) % 26);
    edit_plan p;
    p.reset(msg);
    const int n = static_cast<int>(next(seed) % 8);
    for (int i = 0; i < n; ++i) {
      const std::uint32_t off = next(seed) % static_cast<std::uint32_t>(msg.size() + 1);
      const std::uint32_t len = next(seed) % 6;
      std::string rep(next(seed) % 10, static_cast<char>('A' + i));
      (void)p.replace(off, len, rep);  // overlapping/out-of-range ones are refused
    }
    const std::string want = reference_apply(p);

    std::vector<char> out(want.size());
    auto r = apply_copy(p, out);
    REQUIRE(r.ec == apply_errc::ok);
    REQUIRE(std::string(out.data(), r.size) == want);

    std::vector<char> buf(msg.size() + 128);
    std::copy(msg.begin(), msg.end(), buf.begin());
    auto r2 = apply_in_place(p, buf);
    REQUIRE(r2.ec == apply_errc::ok);
    REQUIRE(std::string(buf.data(), r2.size) == want);

    std::string s = msg;
    auto r3 = apply_with(p, [&](std::uint32_t off, std::uint32_t old_len, std::string_view rep) {
      s.replace(off, old_len, rep);
      return true;
    });
    REQUIRE(r3.ec == apply_errc::ok);
    REQUIRE(s == want);
  }
}

TEST_CASE("apply_copy and apply_in_place write nothing when the buffer is too small", "[mangle]") {
  const std::string msg = "c=IN IP4 2.2.2.2";
  edit_plan p;
  p.reset(msg);
  REQUIRE(p.replace(9, 7, "192.168.100.200") == plan_errc::ok);
  std::vector<char> out(msg.size(), '#');
  auto r = apply_copy(p, out);
  CHECK(r.ec == apply_errc::no_room);
  CHECK(r.size == msg.size() + 8);
  CHECK(std::string(out.begin(), out.end()) == std::string(msg.size(), '#'));

  std::vector<char> buf(msg.begin(), msg.end());
  auto r2 = apply_in_place(p, buf);
  CHECK(r2.ec == apply_errc::no_room);
  CHECK(std::string(buf.begin(), buf.end()) == msg);
}

TEST_CASE("apply_in_place checks the peak size, not only the final size", "[mangle]") {
  // Applied from the end: the growing edit at the end comes first, the shrinking one later.
  const std::string msg = "AAAAAAAAAAxx";
  edit_plan p;
  p.reset(msg);
  REQUIRE(p.replace(0, 10, "") == plan_errc::ok);
  REQUIRE(p.replace(10, 2, "yyyyyy") == plan_errc::ok);
  REQUIRE(p.result_size() == 6);
  std::vector<char> buf(msg.begin(), msg.end());  // capacity 12 < peak 16
  CHECK(apply_in_place(p, buf).ec == apply_errc::no_room);
  CHECK(std::string(buf.begin(), buf.end()) == msg);
  buf.resize(16);
  auto r = apply_in_place(p, buf);
  REQUIRE(r.ec == apply_errc::ok);
  CHECK(std::string(buf.data(), r.size) == "yyyyyy");
}

TEST_CASE("apply_with rolls back through the callback when the host refuses an edit", "[mangle]") {
  const std::string msg = "Via: 192.168.2.100:5060\r\nContact: <sip:200@192.168.2.100:5060>\r\n";
  edit_plan p;
  p.reset(msg);
  REQUIRE(p.replace(5, 18, "2.2.2.2:5061") == plan_errc::ok);
  REQUIRE(p.replace(43, 18, "2.2.2.2:5061") == plan_errc::ok);
  std::string s = msg;
  int calls = 0;
  auto r = apply_with(p, [&](std::uint32_t off, std::uint32_t old_len, std::string_view rep) {
    if (++calls == 2) return false;  // the second edit (lowest offset) fails
    s.replace(off, old_len, rep);
    return true;
  });
  CHECK(r.ec == apply_errc::mangle_failed);
  CHECK(s == msg);  // the first edit was undone
  CHECK(calls == 3);

  int calls2 = 0;
  auto r2 = apply_with(p, [&](std::uint32_t, std::uint32_t, std::string_view) { return ++calls2 == 1; });
  CHECK(r2.ec == apply_errc::rollback_failed);
}
