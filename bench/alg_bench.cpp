// The ALG itself: parse + plan (alg::rewriter::plan, which parses the SIP message, its Via/Contact/
// URIs and SDP and plans every edit and expectation) and parse + plan + apply (apply_copy into an
// output buffer), on each golden case with its binding and media map from case.json.
//
// Cross-check: before timing, the output must be byte for byte the golden after.sip, and the
// verdict "rewritten" or "unchanged" as the golden case expects; else the benchmark reports an error.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"

namespace sipalg::bench {
namespace {

/// A golden case made ready to run: binding and media map parsed once.
struct alg_case {
  const embedded::golden_case* g = nullptr;
  alg::binding b;
  std::array<std::pair<endpoint, endpoint>, 4> media{};
  std::size_t media_count = 0;
  bool ok = false;  ///< every endpoint of case.json parsed
};

alg_case load(const embedded::golden_case& g) {
  alg_case c;
  c.g = &g;
  auto in = endpoint::parse(g.inside), out = endpoint::parse(g.outside), peer = endpoint::parse(g.peer);
  if (!in || !out || !peer) return c;
  c.b.inside = *in;
  c.b.outside = *out;
  c.b.peer = *peer;
  c.b.transport = g.transport == "tcp" ? transport::tcp : transport::udp;
  c.b.dir = g.direction == "inbound" ? alg::direction::inbound : alg::direction::outbound;
  for (std::size_t i = 0; i < g.media_count; ++i) {
    auto from = endpoint::parse(g.media_map[i][0]), to = endpoint::parse(g.media_map[i][1]);
    if (!from || !to) return c;
    c.media[i] = {*from, *to};
  }
  c.media_count = g.media_count;
  c.ok = true;
  return c;
}

/// The host's media mapper for the benchmark: the case's media_map, else the same port on the
/// outside address (as tests/alg/golden_test.cpp does). No allocation.
struct table_mapper {
  const alg_case* c;
  std::optional<endpoint> operator()(const endpoint& inside, bool) const noexcept {
    for (std::size_t i = 0; i < c->media_count; ++i)
      if (c->media[i].first == inside) return c->media[i].second;
    return endpoint{c->b.outside.address, inside.port};
  }
};

// One rewriter and one output buffer, reused message after message as a NAT does per thread.
alg::rewriter g_rewriter;
std::array<char, 65536> g_out;

bool plan_only(const alg_case& c) {
  const alg::rewrite_result r = g_rewriter.plan(c.g->before, c.b, table_mapper{&c});
  benchmark::DoNotOptimize(g_rewriter.edits());
  return r.forward();
}

bool plan_and_apply(const alg_case& c) {
  const alg::rewrite_result r = g_rewriter.plan(c.g->before, c.b, table_mapper{&c});
  if (!r.forward()) return false;
  const alg::apply_result a = alg::apply_copy(g_rewriter.edits(), g_out);
  benchmark::DoNotOptimize(g_out.data());
  return a.ec == alg::apply_errc::ok;
}

/// The cross-check: the output is exactly after.sip.
bool output_is_golden(const alg_case& c) {
  if (!c.ok || !plan_and_apply(c)) return false;
  const alg::apply_result a = alg::apply_copy(g_rewriter.edits(), g_out);
  return std::string_view(g_out.data(), a.size) == c.g->after;
}

const register_benchmarks reg([](const context&) {
  static std::vector<alg_case> cases;
  for (const auto& g : embedded::golden_cases) cases.push_back(load(g));
  for (const alg_case& c : cases) {
    const alg_case* p = &c;
    add("alg_plan/sipalg/" + std::string(c.g->name), [p](benchmark::State& st) {
      run_one(
          st, p->g->before, [p](std::string_view) { return output_is_golden(*p); },
          [p](std::string_view) { return plan_only(*p); });
    });
    add("alg_rewrite/sipalg/" + std::string(c.g->name), [p](benchmark::State& st) {
      run_one(
          st, p->g->before, [p](std::string_view) { return output_is_golden(*p); },
          [p](std::string_view) { return plan_and_apply(*p); });
    });
  }
});

}  // namespace
}  // namespace sipalg::bench
