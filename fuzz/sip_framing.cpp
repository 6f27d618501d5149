// Fuzz target: sip::frame_message (TCP/TLS stream framing) fed the input in
// random pieces.
//
// Input: [mode byte] [split bytes... (up to 15)] stream   (control bytes >= 0x80,
// see fuzzer_common.hpp; a raw message or pipeline runs with the defaults).
// Mode bits: bit 0 small max_line_length, bit 1 small max_message_size (both
// from the last split byte), bit 2 header capacity 4 instead of 64.
// The split bytes, read through FuzzedDataProvider, cut the stream into
// pieces that arrive one after the other, as TCP segments do.
//
// Invariants:
//   - a frame is never longer than the bytes received, never empty;
//   - framing piece by piece gives exactly the frames (lengths and kinds) of
//     framing the whole stream at once (keep-alive runs merged), and fails
//     where it fails, with the same error and offset;
//   - a keep-alive frame is only CR/LF; a message frame re-parses under stream
//     rules with message_end == its length (Content-Length body included);
//   - framing two consecutive message frames concatenated yields the first
//     one's length, and a frame with its last byte missing needs more;
//   - an error offset lies inside the received bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzzer_common.hpp"
#include "sipalg/sip/framing.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/parser.hpp"

namespace {

namespace sip = sipalg::sip;

struct frame {
  sip::errc ec;
  std::uint32_t length;
  sip::frame_kind kind;
  bool operator==(const frame&) const = default;
};

template <std::size_t N>
sip::framing_result frame_copy(std::string_view bytes, const sip::parse_options& opt) {
  const sipalg::fuzz::exact_buffer copy(bytes);  // the framer sees exactly the bytes received so far
  return sip::frame_message<N>(copy.view(), opt);
}

/// Frames `stream` delivered in pieces ending at `cuts` (ascending); the frames, then the final error (if any).
template <std::size_t N>
std::vector<frame> frame_stream(std::string_view stream, const std::vector<std::size_t>& cuts,
                                const sip::parse_options& opt) {
  std::vector<frame> out;
  std::size_t start = 0;  // first unconsumed byte
  for (std::size_t cut : cuts) {
    for (;;) {
      const std::string_view pending = stream.substr(start, cut - start);
      const sip::framing_result r = frame_copy<N>(pending, opt);
      if (r.need_more()) {
        SIPALG_FUZZ_CHECK(r.length == 0);
        break;
      }
      if (!r.ok()) {
        SIPALG_FUZZ_CHECK(r.length <= pending.size() || r.ec == sip::errc::message_too_large);
        out.push_back({r.ec, r.length, r.kind});
        return out;
      }
      SIPALG_FUZZ_CHECK(r.length > 0 && r.length <= pending.size());
      out.push_back({r.ec, r.length, r.kind});
      start += r.length;
    }
  }
  return out;
}

/// Merges consecutive keep-alive frames into one.
std::vector<frame> coalesce_keep_alives(const std::vector<frame>& frames) {
  std::vector<frame> out;
  for (const frame& f : frames) {
    if (f.ec == sip::errc::ok && f.kind == sip::frame_kind::keep_alive && !out.empty() &&
        out.back().ec == sip::errc::ok && out.back().kind == sip::frame_kind::keep_alive) {
      out.back().length += f.length;
      continue;
    }
    out.push_back(f);
  }
  return out;
}

template <std::size_t N>
void check(std::string_view stream, std::vector<std::size_t> cuts, const sip::parse_options& opt) {
  const std::vector<frame> whole = frame_stream<N>(stream, {stream.size()}, opt);
  cuts.push_back(stream.size());
  const std::vector<frame> pieces = frame_stream<N>(stream, cuts, opt);
  // Same frames, and a broken stream breaks at the same frame with the same error and offset
  // (crashes/sip_framing/error-code-depends-on-segmentation, fixed in 1af60b4). Keep-alives are
  // compared as runs: CRLF arriving alone is a complete pong, CRLFCRLF together a ping, and the
  // bytes forwarded are the same.
  // A keep-alive run at the very end may still be undecided ("\r\n\r": a pong and a partial ping, or
  // a partial ping) depending on where the data stopped: it is left out.
  std::vector<frame> a = coalesce_keep_alives(whole), b = coalesce_keep_alives(pieces);
  for (auto* v : {&a, &b})
    if (!v->empty() && v->back().ec == sip::errc::ok && v->back().kind == sip::frame_kind::keep_alive) v->pop_back();
  SIPALG_FUZZ_CHECK(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) SIPALG_FUZZ_CHECK(a[i] == b[i]);

  std::size_t pos = 0;
  std::string_view prev_message;
  for (const frame& f : whole) {
    if (f.ec != sip::errc::ok) break;
    const std::string_view bytes = stream.substr(pos, f.length);
    pos += f.length;
    if (f.kind == sip::frame_kind::keep_alive) {
      for (char c : bytes) SIPALG_FUZZ_CHECK(c == '\r' || c == '\n');
      prev_message = {};
      continue;
    }
    // The frame is one complete message.
    const sipalg::fuzz::exact_buffer copy(bytes);
    static sip::basic_message<N> m;
    sip::parse_options stream_opt = opt;
    stream_opt.allow_missing_content_length = false;
    const sip::parse_result r = sip::parse_message(copy.view(), m, stream_opt);
    SIPALG_FUZZ_CHECK(r.ok() && m.message_end == f.length && m.content_length.has_value());
    // One byte short: incomplete.
    SIPALG_FUZZ_CHECK(frame_copy<N>(bytes.substr(0, bytes.size() - 1), opt).need_more() ||
                      bytes.size() - 1 == 0);
    // Two framed messages back to back: the first one's length.
    if (!prev_message.empty()) {
      std::string pair(prev_message);
      pair += bytes;
      const sip::framing_result p = frame_copy<N>(pair, opt);
      SIPALG_FUZZ_CHECK(p.ok() && p.length == prev_message.size() && p.kind == sip::frame_kind::message);
    }
    prev_message = bytes;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = sipalg::fuzz::split_control(data, size, 16);
  const std::uint8_t mode = in.control.empty() ? 0 : in.control[0];
  FuzzedDataProvider fdp(in.control.data() + (in.control.empty() ? 0 : 1),
                         in.control.empty() ? 0 : in.control.size() - 1);
  sip::parse_options opt = sip::parse_options::stream();
  if (mode & 1) opt.max_line_length = 1 + fdp.ConsumeIntegralInRange<std::uint32_t>(0, 127) * 4;
  if (mode & 2) opt.max_message_size = fdp.ConsumeIntegralInRange<std::uint32_t>(0, 127) * 16;

  const std::string_view stream = in.text;
  std::vector<std::size_t> cuts;
  while (fdp.remaining_bytes() > 0 && !stream.empty()) {
    // Each split byte is a cut at 1/128 steps of the stream (sorted below).
    cuts.push_back(fdp.ConsumeIntegralInRange<std::size_t>(0, 127) * stream.size() / 128);
  }
  std::sort(cuts.begin(), cuts.end());
  if (mode & 4)
    check<4>(stream, cuts, opt);
  else
    check<64>(stream, cuts, opt);
  return 0;
}
