// TCP stream framing (sip/framing.hpp): find where each message ends in a stream holding the golden
// messages back to back with RFC 5626 CRLFCRLF keep-alives between them. Time per frame (a message
// or a keep-alive); bytes/s over the whole stream.
#include <string>
#include <vector>

#include "bench_common.hpp"
#include "sipalg/sip/framing.hpp"

namespace sipalg::bench {
namespace {

struct stream_data {
  std::string bytes;
  std::vector<std::uint32_t> frames;  ///< expected frame lengths, in order
};

stream_data make_stream(const context& ctx) {
  stream_data s;
  for (const message& m : ctx.embedded) {
    s.bytes += m.text;
    s.frames.push_back(static_cast<std::uint32_t>(m.text.size()));
    s.bytes += "\r\n\r\n";
    s.frames.push_back(4);
  }
  return s;
}

/// Frames the whole stream once; true when every frame has the expected length.
bool frames_ok(const stream_data& s) {
  std::string_view rest = s.bytes;
  for (std::uint32_t want : s.frames) {
    const sip::framing_result r = sip::frame_message(rest);
    if (!r.ok() || r.length != want) return false;
    rest.remove_prefix(r.length);
  }
  return rest.empty() && sip::frame_message(rest).need_more();
}

const register_benchmarks reg([](const context& ctx) {
  static const stream_data stream = make_stream(ctx);
  add("framing/sipalg/golden_stream", [](benchmark::State& st) {
    if (!frames_ok(stream)) {
      st.SkipWithError("cross-check failed: frame lengths differ from the messages'");
      return;
    }
    const std::string_view all = stream.bytes;
    std::size_t pos = 0;
    std::uint64_t bytes = 0, failures = 0;
    const auto a0 = allocation_count();
    for (auto _ : st) {
      const sip::framing_result r = sip::frame_message(all.substr(pos));
      benchmark::DoNotOptimize(r);
      failures += r.ok() ? 0 : 1;
      pos += r.length;
      bytes += r.length;
      if (pos == all.size()) pos = 0;
    }
    finish(st, bytes, a0);
    if (failures) st.SkipWithError("framing failed inside the timed loop");
  });
  // The common TCP case for one message: the first segment ends inside the body (need_more),
  // the second call sees the whole message. Time per message (two calls).
  for (const message& m : ctx.embedded) {
    if (body_of(m.text).empty()) continue;
    const message* p = &m;
    add("framing_split/sipalg/" + m.name, [p](benchmark::State& st) {
      const std::string_view whole = p->text;
      const std::string_view first = whole.substr(0, whole.size() - body_of(whole).size() / 2);
      run_one(
          st, whole,
          [&](std::string_view) {
            return sip::frame_message(first).need_more() && sip::frame_message(whole).length == whole.size();
          },
          [&](std::string_view w) {
            const sip::framing_result a = sip::frame_message(first);
            const sip::framing_result b = sip::frame_message(w);
            return a.need_more() && b.ok();
          });
    });
  }
});

}  // namespace
}  // namespace sipalg::bench
