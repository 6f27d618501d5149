/**
 * @file framing.hpp
 * Stream framing for SIP over TCP/TLS (RFC 3261 18.3): given the bytes received
 * so far on a connection, find where the first message ends.
 *
 * - A message is its head (up to and including the empty line) plus exactly
 *   Content-Length body bytes; Content-Length is mandatory on streams.
 * - Keep-alives (RFC 5626 4.4.1: CRLFCRLF ping, CRLF pong) between messages are
 *   their own frames (frame_kind::keep_alive), to be forwarded unchanged.
 * - Incomplete data yields errc::need_more; any framing error (bad start line,
 *   conflicting or negative Content-Length, an over-long head...) is
 *   unrecoverable for the connection: the stream cannot be resynchronised.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sipalg/sip/errc.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/parser.hpp"

namespace sipalg::sip {

/// What a frame holds.
enum class frame_kind : std::uint8_t {
  message = 0,  ///< one SIP message (head + Content-Length body bytes)
  keep_alive,   ///< CRLFCRLF, CRLF or a lone LF between messages
};

/// Result of frame_message().
struct [[nodiscard]] framing_result {
  errc ec = errc::ok;          ///< ok, need_more, or the framing error
  std::uint32_t length = 0;    ///< ok: frame length in bytes; error: offset of the error; need_more: 0
  frame_kind kind = frame_kind::message;

  [[nodiscard]] constexpr bool ok() const noexcept { return ec == errc::ok; }
  [[nodiscard]] constexpr bool need_more() const noexcept { return ec == errc::need_more; }
};

/**
 * Finds the first frame in `received` (the unconsumed bytes of a stream).
 *
 * @param received  bytes received so far, starting at a frame boundary.
 * @param opt       limits (max_message_size bounds the head and the whole message, max_line_length
 *                  each line); `allow_missing_content_length` is ignored: it is always required.
 * @return
 *  - errc::ok: the first `length` bytes are one frame of `kind`; parse a message frame with
 *    parse_message(received.substr(0, length), ..., parse_options::stream()).
 *  - errc::need_more: the frame is incomplete; call again with more bytes.
 *  - any other errc: the stream is broken at byte `length` (close the connection or stop ALG
 *    processing on it): errc::missing_content_length, errc::message_too_large, the
 *    parse_message() errors of the head.
 *
 * Keep-alives are answered at once: a CRLF at the end of the received bytes is a 2-byte
 * keep-alive frame (a pong must not wait for more data), so a CRLFCRLF ping split after its
 * first CRLF comes out as two 2-byte keep-alive frames. Keep-alive frame boundaries therefore
 * depend on segmentation (their bytes do not); message frames and errors do not. A lone CR at
 * the end yields need_more. Parses the head once per call (no state is kept), so
 * callers that receive a large head in many small pieces re-scan it; bounded by max_message_size.
 */
template <std::size_t MaxHeaders = 64>
[[nodiscard]] constexpr framing_result frame_message(std::string_view received,
                                                     const parse_options& opt = parse_options::stream()) noexcept {
  const std::size_t n = received.size();
  if (n == 0) return {errc::need_more, 0, frame_kind::message};
  const char c = received[0];
  if (c == '\n') return {errc::ok, 1, frame_kind::keep_alive};
  if (c == '\r') {
    if (n == 1) return {errc::need_more, 0, frame_kind::keep_alive};
    if (received[1] != '\n') return {errc::bare_cr, 0, frame_kind::keep_alive};
    if (n == 2) return {errc::ok, 2, frame_kind::keep_alive};
    if (received[2] != '\r') return {errc::ok, 2, frame_kind::keep_alive};
    if (n == 3) return {errc::need_more, 0, frame_kind::keep_alive};
    if (received[3] != '\n') return {errc::ok, 2, frame_kind::keep_alive};  // CRLF, then a broken frame
    return {errc::ok, 4, frame_kind::keep_alive};
  }
  parse_options o = opt;
  o.allow_missing_content_length = false;
  const std::string_view view = received.substr(0, n < o.max_message_size ? n : o.max_message_size);
  basic_message<MaxHeaders> m;
  const parse_result r = detail::parse_message_impl(view, m, o, true);
  if (r.ec == errc::unterminated_head) {
    if (n >= o.max_message_size) return {errc::message_too_large, o.max_message_size, frame_kind::message};
    return {errc::need_more, 0, frame_kind::message};
  }
  if (!r) {
    // Until the empty line that ends the head has arrived, an error in the last
    // complete line or in the unfinished one may go away with more bytes (a
    // folded continuation, a cut header): decide once the head is complete, so
    // the verdict never depends on how the stream was segmented.
    const bool head_complete = view.find("\n\r\n") != std::string_view::npos || view.find("\n\n") != std::string_view::npos;
    // Errors more bytes cannot cure: a line already too long, a CR followed by something other than LF.
    const bool permanent = r.ec == errc::line_too_long || r.ec == errc::message_too_large ||
                           (r.ec == errc::bare_cr && r.offset + 1 < view.size());
    if (!head_complete && !permanent) {
      const std::size_t first_lf = view.find('\n');
      bool wait = first_lf == std::string_view::npos;  // the start line itself is not complete yet
      if (!wait && r.offset > first_lf) {
        // Header lines: the last complete one may still be continued by a fold.
        std::size_t line_start = first_lf + 1;
        const std::size_t last_lf = view.rfind('\n');
        if (last_lf > first_lf) {
          const std::size_t prev_lf = view.rfind('\n', last_lf - 1);
          if (prev_lf != std::string_view::npos && prev_lf + 1 > line_start) line_start = prev_lf + 1;
        }
        wait = r.offset >= line_start;
      }
      if (wait) {
        if (n >= o.max_message_size) return {errc::message_too_large, o.max_message_size, frame_kind::message};
        return {errc::need_more, 0, frame_kind::message};
      }
    }
    return {r.ec, r.offset, frame_kind::message};
  }
  if (m.message_end > n) return {errc::need_more, 0, frame_kind::message};
  return {errc::ok, m.message_end, frame_kind::message};
}

}  // namespace sipalg::sip
