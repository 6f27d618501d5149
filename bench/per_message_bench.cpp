// "At least 10x faster on every message" (issue 9), checked message by message over the corpus:
// for each message of the cross-checked corpus set, sipalg and every peer parse it in turns, the
// fastest of several rounds is kept per parser (a round preempted by the shared machine is then
// ignored), and the ratio peer / sipalg is recorded. Reported as counters per peer: the smallest
// ratio over all messages, the 1st percentile, the median, and how many messages are under 10x;
// the three worst messages are printed to stderr with their ratios.
//
//   per_message/sip_parse/<peer>/corpus      every corpus_ok message, the same op as sip_parse
//   per_message/sip_sdp_parse/<peer>/corpus  every sdp_ok message, the same op as sip_sdp_parse
//
// One benchmark iteration walks the whole set (a few seconds); the time column is that walk.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.hpp"

namespace sipalg::bench {
namespace {

using parse_fn = bool (*)(std::string_view);

struct ratio_of {
  double ratio;
  std::string name;
};

void run_ratios(benchmark::State& state, const std::vector<const message*>& set, parse_fn ours, parse_fn peer,
                const std::string& label) {
  if (set.empty()) {
    state.SkipWithError("empty message set (corpus not found?)");
    return;
  }
  std::vector<ratio_of> ratios;
  for (auto _ : state) {
    ratios.clear();
    for (const message* m : set) {
      // Interleaved rounds, so a slow phase of the machine hits both parsers alike.
      double a = 1e300, b = 1e300;
      for (int round = 0; round < 5; ++round) {
        a = std::min(a, best_ns(ours, m->text, 40, 1));
        b = std::min(b, best_ns(peer, m->text, 8, 1));
      }
      ratios.push_back({b / a, m->name});
    }
  }
  std::sort(ratios.begin(), ratios.end(), [](const ratio_of& x, const ratio_of& y) { return x.ratio < y.ratio; });
  const auto at = [&](double q) { return ratios[static_cast<std::size_t>(q * static_cast<double>(ratios.size() - 1))].ratio; };
  state.counters["min_ratio"] = ratios.front().ratio;
  state.counters["p1_ratio"] = at(0.01);
  state.counters["median_ratio"] = at(0.5);
  state.counters["under_10x"] = static_cast<double>(
      std::count_if(ratios.begin(), ratios.end(), [](const ratio_of& r) { return r.ratio < 10.0; }));
  state.counters["messages"] = static_cast<double>(ratios.size());
  for (std::size_t i = 0; i < ratios.size() && i < 3; ++i)
    std::fprintf(stderr, "%s: worst #%zu %.2fx %s\n", label.c_str(), i + 1, ratios[i].ratio, ratios[i].name.c_str());
}

const register_benchmarks reg([](const context& ctx) {
  const parser_entry* ours = nullptr;
  for (const parser_entry& p : parsers())
    if (p.name == "sipalg") ours = &p;
  if (ours == nullptr || ours->parse_sip == nullptr) return;
  for (const parser_entry& p : parsers()) {
    if (&p == ours || p.parse_sip == nullptr) continue;
    const std::string sip_label = "per_message/sip_parse/" + p.name + "/corpus";
    add(sip_label, [&ctx, ours, &p, sip_label](benchmark::State& st) {
      run_ratios(st, ctx.corpus_ok, ours->parse_sip, p.parse_sip, sip_label);
    })->Iterations(1)->Unit(benchmark::kMillisecond);
    const std::string sdp_label = "per_message/sip_sdp_parse/" + p.name + "/corpus";
    add(sdp_label, [&ctx, ours, &p, sdp_label](benchmark::State& st) {
      run_ratios(st, ctx.sdp_ok, ours->parse_sip_sdp, p.parse_sip_sdp, sdp_label);
    })->Iterations(1)->Unit(benchmark::kMillisecond);
  }
});

}  // namespace
}  // namespace sipalg::bench
