// The floor: the least any parser must do, touch every byte once. memchr over the message counting
// line feeds (a parser finds every line end at least), on the same messages as the parsers.
#include <cstring>

#include "bench_common.hpp"

namespace sipalg::bench {
namespace {

inline bool count_lines(std::string_view t) {
  const char* p = t.data();
  const char* const end = p + t.size();
  std::size_t lines = 0;
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (!nl) break;
    ++lines;
    p = static_cast<const char*>(nl) + 1;
  }
  benchmark::DoNotOptimize(lines);
  return true;
}

const register_benchmarks reg([](const context& ctx) {
  for (const message* m : ctx.singles())
    add("floor/memchr_lines/" + m->name, [m](benchmark::State& st) {
      run_one(
          st, m->text, [](std::string_view) { return true; }, count_lines);
    });
  add("floor/memchr_lines/corpus", [&ctx](benchmark::State& st) {
    run_set(
        st, ctx.corpus_ok, [](const message& m) { return std::string_view(m.text); }, count_lines);
  });
});

}  // namespace
}  // namespace sipalg::bench
