// fixed_vector<T, N>: inline storage, a full vector refuses instead of growing or truncating.
#include "sipalg/core/fixed_vector.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>

#include "sipalg/core/text_range.hpp"

using sipalg::fixed_vector;

namespace {
constexpr int sum_of_first(int n) {
  fixed_vector<int, 8> v;
  for (int i = 1; i <= n; ++i)
    if (!v.push_back(i)) return -1;
  int s = 0;
  for (int x : v) s += x;
  return s;
}
}  // namespace

TEST_CASE("fixed_vector: push_back until full, then refuse without change", "[fixed_vector]") {
  fixed_vector<int, 4> v;
  STATIC_REQUIRE(decltype(v)::capacity() == 4);
  CHECK(v.empty());
  CHECK_FALSE(v.full());
  CHECK(v.size() == 0);
  CHECK(v.begin() == v.end());
  for (int i = 0; i < 4; ++i) {
    CHECK(v.push_back(10 * i));
    CHECK(v.size() == static_cast<std::size_t>(i + 1));
    CHECK(v.back() == 10 * i);
  }
  CHECK(v.full());
  CHECK_FALSE(v.push_back(99));
  CHECK_FALSE(v.push_back(99));
  CHECK(v.size() == 4);
  CHECK(v.emplace_back() == nullptr);
  CHECK(v.size() == 4);
  CHECK(std::accumulate(v.begin(), v.end(), 0) == 0 + 10 + 20 + 30);
  for (std::size_t i = 0; i < v.size(); ++i) CHECK(v[i] == static_cast<int>(10 * i));
  CHECK(v.data() == &v[0]);
}

TEST_CASE("fixed_vector: emplace_back, pop_back, erase, clear", "[fixed_vector]") {
  fixed_vector<sipalg::text_range, 3> v;
  sipalg::text_range* r = v.emplace_back();
  REQUIRE(r != nullptr);
  CHECK_FALSE(r->present());  // value-initialised
  r->offset = 5;
  r->length = 2;
  CHECK(v.back() == sipalg::text_range{5, 2});

  fixed_vector<int, 5> w;
  for (int i = 1; i <= 5; ++i) REQUIRE(w.push_back(i));
  w.erase(1);  // keeps order
  REQUIRE(w.size() == 4);
  CHECK((w[0] == 1 && w[1] == 3 && w[2] == 4 && w[3] == 5));
  w.erase(3);  // the last one
  REQUIRE(w.size() == 3);
  CHECK(w.back() == 4);
  w.erase(3);  // out of range: no change
  w.erase(1000);
  CHECK(w.size() == 3);
  w.pop_back();
  CHECK(w.size() == 2);
  CHECK(w.back() == 3);
  w.clear();
  CHECK(w.empty());
  w.pop_back();  // on empty: no change
  CHECK(w.empty());
  CHECK(w.push_back(7));
  CHECK(w[0] == 7);
  // An element appended after a pop is the new value, not the stale one.
  CHECK(*w.emplace_back() == 0);
}

TEST_CASE("fixed_vector: capacity one, const access, constexpr use", "[fixed_vector]") {
  fixed_vector<std::uint16_t, 1> one;
  CHECK(one.push_back(5060));
  CHECK_FALSE(one.push_back(5061));
  const auto& c = one;
  CHECK(c[0] == 5060);
  CHECK(c.back() == 5060);
  CHECK(c.end() - c.begin() == 1);
  CHECK(*c.data() == 5060);
  STATIC_REQUIRE(sum_of_first(8) == 36);
  STATIC_REQUIRE(sum_of_first(9) == -1);  // the ninth push_back is refused
}
