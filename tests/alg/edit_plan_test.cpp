#include "sipalg/alg/edit_plan.hpp"

#include <catch2/catch.hpp>
#include <string>

using sipalg::alg::basic_edit_plan;
using sipalg::alg::edit_plan;
using sipalg::alg::plan_errc;

TEST_CASE("edit_plan keeps edits sorted by offset whatever the insertion order", "[edit_plan]") {
  const std::string msg = "0123456789abcdef";
  edit_plan p;
  p.reset(msg);
  REQUIRE(p.replace(10, 2, "XY") == plan_errc::ok);
  REQUIRE(p.replace(0, 1, "ZZZ") == plan_errc::ok);
  REQUIRE(p.replace(4, 2, "") == plan_errc::ok);
  REQUIRE(p.size() == 3);
  CHECK(p[0].offset == 0);
  CHECK(p[1].offset == 4);
  CHECK(p[2].offset == 10);
  CHECK(p.replacement(p[0]) == "ZZZ");
  CHECK(p.original(p[0]) == "0");
  CHECK(p.original(p[2]) == "ab");
  CHECK(p.delta() == 2 - 2);
  CHECK(p.result_size() == msg.size());
  CHECK(p.delta_within(0, 8) == 2 - 2 + 0);
  CHECK(p.delta_within(8, 16) == 0);
}

TEST_CASE("edit_plan rejects overlapping, out of range and duplicate-offset edits", "[edit_plan]") {
  const std::string msg = "0123456789";
  edit_plan p;
  p.reset(msg);
  REQUIRE(p.replace(2, 4, "abcd-") == plan_errc::ok);
  CHECK(p.replace(5, 2, "x") == plan_errc::overlap);   // overlaps the tail
  CHECK(p.replace(0, 3, "x") == plan_errc::overlap);   // overlaps the head
  CHECK(p.replace(3, 1, "x") == plan_errc::overlap);   // inside
  CHECK(p.replace(2, 0, "x") == plan_errc::overlap);   // same offset: ambiguous order
  CHECK(p.replace(9, 2, "x") == plan_errc::out_of_range);
  CHECK(p.replace(11, 0, "x") == plan_errc::out_of_range);
  CHECK(p.size() == 1);
  CHECK(p.error() == plan_errc::overlap);  // the first error is kept
  // Touching edits are fine.
  CHECK(p.replace(6, 1, "Q") == plan_errc::ok);
  CHECK(p.replace(0, 2, "") == plan_errc::ok);
  CHECK(p.size() == 3);
}

TEST_CASE("edit_plan skips edits that change nothing", "[edit_plan]") {
  const std::string msg = "Via: 1.2.3.4:5060";
  edit_plan p;
  p.reset(msg);
  REQUIRE(p.replace(5, 7, "1.2.3.4") == plan_errc::ok);
  CHECK(p.empty());
}

TEST_CASE("edit_plan reports a full edit list and a full arena without changing", "[edit_plan]") {
  const std::string msg(64, 'a');
  basic_edit_plan<2, 8> p;
  p.reset(msg);
  REQUIRE(p.replace(0, 1, "b") == plan_errc::ok);
  REQUIRE(p.replace(2, 1, "b") == plan_errc::ok);
  CHECK(p.replace(4, 1, "b") == plan_errc::too_many_edits);
  CHECK(p.size() == 2);

  basic_edit_plan<8, 8> q;
  q.reset(msg);
  REQUIRE(q.replace(0, 1, "bbb") == plan_errc::ok);  // 3 + 1 bytes of arena
  CHECK(q.replace(10, 1, "cccc") == plan_errc::arena_full);
  CHECK(q.size() == 1);
  CHECK(q.error() == plan_errc::arena_full);
  q.reset(msg);
  CHECK(q.error() == plan_errc::ok);
  CHECK(q.empty());
}

TEST_CASE("edit_plan replace(view) takes views into the message only", "[edit_plan]") {
  const std::string msg = "hello world";
  const std::string other = "world";
  edit_plan p;
  p.reset(msg);
  std::string_view m = msg;
  REQUIRE(p.replace(m.substr(6, 5), "there") == plan_errc::ok);
  CHECK(p[0].offset == 6);
  CHECK(p.replace(std::string_view(other), "x") == plan_errc::out_of_range);
}

TEST_CASE("edit_plan stores replacements and originals of every short and long length exactly", "[edit_plan]") {
  // Lengths 0..40 cross the 4-, 8- and 16-byte copy paths; the edits are added from the
  // back so each one is inserted in front of the others, and every stored text is
  // compared with what it was copied from. An equal replacement of each length is skipped.
  std::string msg;
  for (int i = 0; i < 41 * 41; ++i) msg.push_back(static_cast<char>('A' + i % 26));
  basic_edit_plan<64, 8192> p;
  p.reset(msg);
  for (std::uint32_t len = 41; len-- > 0;) {
    const std::uint32_t off = len * 41;
    const std::string repl(len, static_cast<char>('a' + len % 26));
    REQUIRE(p.replace(off, len, repl) == plan_errc::ok);
  }
  REQUIRE(p.size() == 40);  // len 0 replacing "" with "" changes nothing
  for (std::uint32_t i = 0; i < p.size(); ++i) {
    const std::uint32_t len = i + 1;
    CAPTURE(len);
    CHECK(p[i].offset == len * 41);
    CHECK(p.replacement(p[i]) == std::string(len, static_cast<char>('a' + len % 26)));
    CHECK(p.original(p[i]) == std::string_view(msg).substr(len * 41, len));
  }
  for (std::uint32_t len = 1; len <= 40; ++len) {  // same bytes as the message: no edit
    basic_edit_plan<4, 128> q;
    q.reset(msg);
    CHECK(q.replace(len * 7, len, std::string(std::string_view(msg).substr(len * 7, len))) == plan_errc::ok);
    CHECK(q.empty());
    std::string differs(std::string_view(msg).substr(len * 7, len));
    differs[len - 1] = '#';  // only the last byte differs
    CHECK(q.replace(len * 7, len, differs) == plan_errc::ok);
    CHECK(q.size() == 1);
  }
}
