// Shared plumbing of sipalg_bench: the message sets, the registry of parsers that take part in the
// cross-check, and the loops that time one message or cycle through a set.
//
// Naming: every benchmark is "<area>/<parser>/<message set>", e.g. "sip_parse/osip2/golden_spa_invite";
// the time column is nanoseconds per message (one message per iteration, also for the corpus sets).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alloc_counter.hpp"
#include "messages.hpp"

namespace sipalg::bench {

/// What the benchmarks run on, loaded once in main().
struct context {
  std::vector<message> embedded;          ///< golden + MicroSIP INVITE (always present)
  std::optional<message> invite_877;      ///< the ~870-byte real INVITE (corpus only)
  std::vector<message> corpus_all;        ///< every distinct non-fuzzed corpus pcap message
  std::vector<const message*> corpus_ok;  ///< the subset every registered parser accepts, same Call-ID
  std::vector<const message*> sdp_ok;     ///< corpus messages with an SDP body every SDP parser agrees on

  /// The single-message sets: the embedded ones and invite_877 when present.
  std::vector<const message*> singles() const {
    std::vector<const message*> v;
    for (auto& m : embedded) v.push_back(&m);
    if (invite_877) v.push_back(&*invite_877);
    return v;
  }
};

/// Reference SDP facts for the SDP cross-check: the first c= address and the first m= port, by a
/// plain line scan independent of every parser measured.
struct sdp_facts {
  std::string c_addr;
  std::string m_port;
  bool operator==(const sdp_facts&) const = default;
};

inline std::optional<sdp_facts> reference_sdp(std::string_view body) {
  sdp_facts f;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto eol = body.find('\n', pos);
    if (eol == std::string_view::npos) eol = body.size();
    std::string_view line = body.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (f.c_addr.empty() && line.substr(0, 9) == "c=IN IP4 ") {
      auto a = line.substr(9);
      f.c_addr = std::string(a.substr(0, a.find_first_of(" /")));
    } else if (f.c_addr.empty() && line.substr(0, 9) == "c=IN IP6 ") {
      auto a = line.substr(9);
      f.c_addr = std::string(a.substr(0, a.find_first_of(" /")));
    } else if (f.m_port.empty() && line.substr(0, 2) == "m=") {
      auto sp = line.find(' ');
      if (sp == std::string_view::npos) return std::nullopt;
      auto rest = line.substr(sp + 1);
      f.m_port = std::string(rest.substr(0, rest.find_first_of(" /")));
    }
  }
  if (f.c_addr.empty() || f.m_port.empty()) return std::nullopt;
  return f;
}

/// A parser taking part in the cross-check. `sip_call_id` returns the Call-ID it parsed (nullopt
/// when it rejects the message); `sdp` the facts it parsed from a body. Either may be empty.
struct parser_entry {
  std::string name;
  std::function<std::optional<std::string>(std::string_view)> sip_call_id;
  std::function<std::optional<sdp_facts>(std::string_view)> sdp;
  bool (*parse_sip)(std::string_view) = nullptr;      ///< the timed SIP parse (per_message_bench.cpp)
  bool (*parse_sip_sdp)(std::string_view) = nullptr;  ///< the timed SIP + SDP parse
};

inline std::vector<parser_entry>& parsers() {
  static std::vector<parser_entry> v;
  return v;
}

/// Functions registering benchmarks once the context is loaded.
inline std::vector<std::function<void(const context&)>>& registrations() {
  static std::vector<std::function<void(const context&)>> v;
  return v;
}

/// Static registration helpers for the *_bench.cpp files.
struct register_parser {
  explicit register_parser(parser_entry e) { parsers().push_back(std::move(e)); }
};
struct register_benchmarks {
  explicit register_benchmarks(std::function<void(const context&)> f) { registrations().push_back(std::move(f)); }
};

/// `--sipalg_iterations=N` (main.cpp): run every benchmark exactly N iterations (for callgrind).
inline std::int64_t& fixed_iterations() {
  static std::int64_t n = 0;
  return n;
}

/// RegisterBenchmark with the project defaults: nanoseconds, and the fixed iteration count if any.
template <class Fn>
benchmark::internal::Benchmark* add(const std::string& name, Fn&& fn) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), std::forward<Fn>(fn));
  b->Unit(benchmark::kNanosecond);
  if (fixed_iterations() > 0) b->Iterations(fixed_iterations());
  return b;
}

/// Sets the per-message counters: bytes/s, items/s (messages/s) and allocs/msg.
inline void finish(benchmark::State& state, std::uint64_t bytes, std::uint64_t allocs_before) {
  const auto allocs = allocation_count() - allocs_before;
  if (bytes) state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs/msg"] = benchmark::Counter(
      state.iterations() ? static_cast<double>(allocs) / static_cast<double>(state.iterations()) : 0.0);
}

/// Times `op(text)` on one message, after checking once that `check(text)` holds (else the
/// benchmark is reported as an error and not timed). `op` must return true on success.
template <class Check, class Op>
void run_one(benchmark::State& state, std::string_view text, Check check, Op op) {
  if (!check(text)) {
    state.SkipWithError("cross-check failed: this parser did not return the expected result");
    return;
  }
  std::uint64_t failures = 0;
  const auto a0 = allocation_count();
  for (auto _ : state) {
    benchmark::DoNotOptimize(text.data());
    failures += op(text) ? 0 : 1;
    benchmark::ClobberMemory();
  }
  finish(state, static_cast<std::uint64_t>(state.iterations()) * text.size(), a0);
  if (failures) state.SkipWithError("parse failed inside the timed loop");
}

/// Times `op` cycling through `set` (one message per iteration, in order), so the time column is
/// the mean ns per message over the set. The set was cross-checked when it was built.
template <class Get, class Op>
void run_set(benchmark::State& state, const std::vector<const message*>& set, Get get, Op op) {
  if (set.empty()) {
    state.SkipWithError("empty message set (corpus not found?)");
    return;
  }
  std::vector<std::string_view> texts;
  for (auto* m : set) texts.push_back(get(*m));
  std::uint64_t bytes = 0, failures = 0;
  std::size_t i = 0;
  const auto a0 = allocation_count();
  for (auto _ : state) {
    std::string_view t = texts[i];
    if (++i == texts.size()) i = 0;
    benchmark::DoNotOptimize(t.data());
    failures += op(t) ? 0 : 1;
    benchmark::ClobberMemory();
    bytes += t.size();
  }
  finish(state, bytes, a0);
  state.counters["set_size"] = static_cast<double>(texts.size());
  if (failures) state.SkipWithError("parse failed inside the timed loop");
}

/// Fastest time of `rounds` rounds of `reps` calls of `f` on `text`, in ns per call (a round the
/// shared machine preempted is then ignored). Used where two parsers are timed in turns.
template <class F>
double best_ns(F&& f, std::string_view text, int reps, int rounds) {
  double best = 1e300;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) {
      benchmark::DoNotOptimize(text.data());
      benchmark::DoNotOptimize(f(text));
      benchmark::ClobberMemory();
    }
    const auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / reps);
  }
  return best;
}

}  // namespace sipalg::bench
