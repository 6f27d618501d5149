/**
 * @file multipart.hpp
 * Finding the SDP in a SIP body: the whole body when the Content-Type is
 * application/sdp, or the application/sdp part of a MIME multipart body
 * (RFC 2046 5.1; multipart/mixed as sent by SIP-I/SIP-T gateways with an
 * ISUP part, multipart/alternative, multipart/related, nested multiparts).
 *
 * Works on the Content-Type header *value* and the body bytes only; it does
 * not depend on the SIP layer. Everything returned is a view into the
 * caller's strings; nothing is copied, allocated or thrown.
 *
 * @code
 *   Content-Type: multipart/mixed;boundary=b1
 *
 *   --b1\r\n                                <- first delimiter (may follow a preamble)
 *   Content-Type: application/sdp\r\n       <- body_part::headers
 *   \r\n
 *   v=0\r\n ... a=sendrecv                  <- body_part::content (the sdp range)
 *   \r\n--b1\r\n                            <- the CRLF before "--b1" belongs to the delimiter
 *   Content-Type: application/ISUP ...
 *   \r\n--b1--\r\n                          <- close delimiter, then an ignored epilogue
 * @endcode
 *
 * Lenient: LF-only line ends around delimiters and in part headers, transport
 * padding (SP/HTAB) after a delimiter, folded part headers, case-insensitive
 * media types and parameter names, a quoted boundary, a preamble, an
 * epilogue, a part without headers (text/plain by RFC 2046 default).
 * Strict: a boundary parameter is required; the body must contain an opening
 * delimiter and end with a close delimiter; a part header line must be
 * `name: value` or a continuation; at most one application/sdp part in the
 * whole tree; the SDP part must not be transfer-encoded (base64 or
 * quoted-printable would need decoding before any rewrite).
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/text_range.hpp"
#include "sipalg/sdp/errc.hpp"

namespace sipalg::sdp {

/// How deep multiparts may nest inside each other before find_sdp_body gives up.
inline constexpr std::size_t max_multipart_depth = 4;

/// The `type/subtype` of a Content-Type value: the text before the first ';', without surrounding LWS.
[[nodiscard]] constexpr std::string_view media_type_of(std::string_view content_type_value) noexcept {
  return ascii::trim_lws(content_type_value.substr(0, content_type_value.find(';')));
}

/**
 * True when a Content-Type value names SDP: "application/sdp" in any case,
 * with or without parameters ("application/SDP; charset=ISO-10646").
 */
[[nodiscard]] constexpr bool is_sdp_content_type(std::string_view content_type_value) noexcept {
  return ascii::iequals(media_type_of(content_type_value), "application/sdp");
}

/// True when a Content-Type value is "multipart/<anything>" (any case).
[[nodiscard]] constexpr bool is_multipart_content_type(std::string_view content_type_value) noexcept {
  const std::string_view t = media_type_of(content_type_value);
  return t.size() > 10 && ascii::istarts_with(t, "multipart/");
}

/**
 * The value of parameter `name` (case-insensitive) of a Content-Type value,
 * without the quotes when it is a quoted-string (escapes are not undone; a
 * boundary cannot contain them). nullopt when the parameter is absent. The
 * result is a view into `content_type_value`.
 */
[[nodiscard]] constexpr std::optional<std::string_view> content_type_parameter(
    std::string_view content_type_value SIPALG_LIFETIMEBOUND, std::string_view name) noexcept {
  const std::string_view v = content_type_value;
  std::size_t i = v.find(';');
  while (i != std::string_view::npos && i < v.size()) {
    ++i;  // past ';'
    const std::size_t eq = v.find_first_of("=;", i);
    if (eq == std::string_view::npos) return std::nullopt;
    if (v[eq] == ';') {  // a parameter without '=': skip it
      i = eq;
      continue;
    }
    const std::string_view pname = ascii::trim_lws(v.substr(i, eq - i));
    std::size_t j = eq + 1;
    while (j < v.size() && (ascii::is_wsp(v[j]) || v[j] == '\r' || v[j] == '\n')) ++j;
    std::string_view pvalue;
    std::size_t next;
    if (j < v.size() && v[j] == '"') {
      std::size_t k = j + 1;
      while (k < v.size() && v[k] != '"') k += (v[k] == '\\' && k + 1 < v.size()) ? 2 : 1;
      if (k >= v.size()) return std::nullopt;  // unterminated quoted-string
      pvalue = v.substr(j + 1, k - j - 1);
      next = v.find(';', k + 1);
    } else {
      next = v.find(';', j);
      pvalue = ascii::trim_lws(v.substr(j, next == std::string_view::npos ? std::string_view::npos : next - j));
    }
    if (ascii::iequals(pname, name)) return pvalue;
    i = next;
  }
  return std::nullopt;
}

/// One body part of a multipart body. Views into the multipart body.
struct body_part {
  std::string_view headers;       ///< the part's header lines, without the blank line; may be empty
  std::string_view content_type;  ///< its Content-Type value (trimmed); empty when absent (text/plain)
  std::string_view content_transfer_encoding;  ///< its Content-Transfer-Encoding value, empty when absent
  std::string_view content;  ///< the part body: after the blank line, up to the line end before the next delimiter
};

/**
 * Iterates the body parts of one multipart body (RFC 2046 5.1.1), without
 * descending into nested multiparts.
 *
 * @code
 *   multipart_reader r(body, boundary);
 *   body_part p;
 *   while (r.next(p)) { ... }
 *   if (!r.status().ok()) { ... r.status().offset is relative to body ... }
 * @endcode
 */
class multipart_reader {
 public:
  /// Prepares to read `body` split by `boundary` (the parameter value, without the leading "--").
  constexpr multipart_reader(std::string_view body SIPALG_LIFETIMEBOUND, std::string_view boundary) noexcept
      : body_(body), boundary_(boundary) {
    if (boundary_.empty()) {
      fail(errc::missing_boundary, 0);
      return;
    }
    const delimiter d = find_delimiter(0, true);
    if (!d.found) {
      fail(errc::unterminated_multipart, 0);
      return;
    }
    pos_ = d.next;
    done_ = d.close;
  }

  /**
   * Moves to the next part. Returns true and fills `out`, or false at the
   * close delimiter (status() ok) or on an error (status() says which).
   */
  [[nodiscard]] constexpr bool next(body_part& out) noexcept {
    if (done_ || !status_.ok()) return false;
    const delimiter d = find_delimiter(pos_, false);
    if (!d.found) {
      fail(errc::unterminated_multipart, pos_);
      return false;
    }
    const std::string_view part = body_.substr(pos_, d.content_end - pos_);
    out = {};
    if (!split_part(part, out)) return false;
    pos_ = d.next;
    done_ = d.close;
    return true;
  }

  /// `{ok}` so far (or after the close delimiter), or the error and its offset in the body.
  [[nodiscard]] constexpr parse_result status() const noexcept { return status_; }
  /// True once the close delimiter has been read.
  [[nodiscard]] constexpr bool done() const noexcept { return done_; }

 private:
  struct delimiter {
    bool found = false;
    bool close = false;
    std::size_t content_end = 0;  // where the previous part's content ends (its CRLF/LF before "--")
    std::size_t next = 0;         // first byte after the delimiter line
  };

  constexpr void fail(errc e, std::size_t off) noexcept { status_ = {e, static_cast<std::uint32_t>(off)}; }

  // The first delimiter line at or after `from`: "--" boundary at the start of
  // a line (the body start only for the first one), then optional "--", then
  // SP/HTAB, then CRLF, LF, or (close delimiter only) the end of the body.
  [[nodiscard]] constexpr delimiter find_delimiter(std::size_t from, bool first) const noexcept {
    const std::size_t n = body_.size();
    std::size_t k = from;
    for (;;) {
      const std::size_t b = body_.find(boundary_, k);
      if (b == std::string_view::npos || b < 2) {
        if (b == std::string_view::npos) return {};
        k = b + 1;
        continue;
      }
      k = b + 1;
      const std::size_t dash = b - 2;  // "--" boundary starts here
      if (dash < from || body_[dash] != '-' || body_[dash + 1] != '-') continue;
      std::size_t content_end;
      if (dash == 0) {
        if (!first) continue;
        content_end = 0;
      } else if (body_[dash - 1] == '\n') {
        content_end = dash - 1;
        if (content_end > 0 && body_[content_end - 1] == '\r') --content_end;
        if (!first && content_end < from) continue;  // the previous delimiter's own line end
      } else {
        continue;
      }
      std::size_t t = b + boundary_.size();
      bool close = false;
      if (t + 1 < n && body_[t] == '-' && body_[t + 1] == '-') close = true, t += 2;
      while (t < n && ascii::is_wsp(body_[t])) ++t;
      if (close && (t == n || body_[t] == '\r' || body_[t] == '\n')) {
        // The close delimiter: whatever follows its line end is the epilogue.
        std::size_t after = t;
        if (after < n && body_[after] == '\r') ++after;
        if (after < n && body_[after] == '\n') ++after;
        return {true, true, content_end, after};
      }
      if (t == n) continue;  // a delimiter must be followed by a part
      if (body_[t] == '\n') return {true, close, content_end, t + 1};
      if (body_[t] == '\r' && t + 1 < n && body_[t + 1] == '\n') return {true, close, content_end, t + 2};
      // "--boundary" followed by other text is not a delimiter.
    }
  }

  // Splits one part into headers and content; checks the header syntax.
  constexpr bool split_part(std::string_view part, body_part& out) noexcept {
    const std::size_t base = static_cast<std::size_t>(part.data() - body_.data());
    std::size_t i = 0;
    for (;;) {  // one header line per iteration
      if (i == part.size()) {  // headers only, no blank line and no content
        out.headers = part;
        out.content = part.substr(part.size());
        return true;
      }
      std::size_t eol = part.find('\n', i);
      const std::size_t line_end = eol == std::string_view::npos ? part.size() : eol;
      std::string_view line = part.substr(i, line_end - i);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) {  // the blank line
        if (eol == std::string_view::npos) {
          fail(errc::bad_part, base + i);
          return false;
        }
        out.headers = part.substr(0, i == 0 ? 0 : ((i >= 2 && part[i - 2] == '\r') ? i - 2 : i - 1));
        out.content = part.substr(eol + 1);
        return true;
      }
      if (ascii::is_wsp(line.front())) {
        if (i == 0) {  // a continuation with nothing to continue
          fail(errc::bad_part, base + i);
          return false;
        }
      } else {
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !ascii::is_token(ascii::trim_wsp(line.substr(0, colon)))) {
          fail(errc::bad_part, base + i);
          return false;
        }
        // The logical header runs over continuation lines.
        std::size_t vend = line_end;
        while (vend < part.size() && vend + 1 < part.size() && ascii::is_wsp(part[vend + 1])) {
          const std::size_t e2 = part.find('\n', vend + 1);
          vend = e2 == std::string_view::npos ? part.size() : e2;
        }
        const std::string_view name = ascii::trim_wsp(line.substr(0, colon));
        const std::string_view value = ascii::trim_lws(part.substr(i + colon + 1, vend - (i + colon + 1)));
        if (ascii::iequals(name, "Content-Type")) {
          out.content_type = value;
        } else if (ascii::iequals(name, "Content-Transfer-Encoding")) {
          out.content_transfer_encoding = value;
        }
      }
      i = line_end == part.size() ? part.size() : line_end + 1;
    }
  }

  std::string_view body_;
  std::string_view boundary_;
  std::size_t pos_ = 0;
  bool done_ = false;
  parse_result status_{};
};

/// Where the SDP of a SIP body is.
struct [[nodiscard]] sdp_body {
  errc ec = errc::ok;        ///< ok, or why no SDP could be located
  std::uint32_t offset = 0;  ///< on error: byte offset in the SIP body
  std::string_view sdp;      ///< on success: the SDP bytes, a view into the SIP body
  text_range range;          ///< on success: the same as offset/length within the SIP body
  bool in_multipart = false; ///< true when `sdp` is a part of a multipart body

  /// True on success.
  [[nodiscard]] constexpr bool ok() const noexcept { return ec == errc::ok; }
};

namespace detail {

constexpr bool is_identity_encoding(std::string_view cte) noexcept {
  return cte.empty() || ascii::iequals(cte, "7bit") || ascii::iequals(cte, "8bit") || ascii::iequals(cte, "binary");
}

// Searches one multipart level; `root` is the whole SIP body (for offsets).
constexpr void find_sdp_in_multipart(std::string_view root, std::string_view content_type, std::string_view body,
                                     std::size_t depth, sdp_body& found) noexcept {
  const auto off = [&](std::size_t rel) {
    return static_cast<std::uint32_t>(static_cast<std::size_t>(body.data() - root.data()) + rel);
  };
  if (depth > max_multipart_depth) {
    found = {errc::multipart_too_deep, off(0), {}, {}, false};
    return;
  }
  const auto boundary = content_type_parameter(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->find_first_of("\r\n") != std::string_view::npos) {
    found = {errc::missing_boundary, off(0), {}, {}, false};
    return;
  }
  multipart_reader reader(body, *boundary);
  body_part part;
  while (reader.next(part)) {
    const auto part_off = static_cast<std::uint32_t>(part.content.data() - root.data());
    if (is_sdp_content_type(part.content_type)) {
      if (found.sdp.data() != nullptr) {
        found = {errc::multiple_sdp_parts, part_off, {}, {}, false};
        return;
      }
      if (!is_identity_encoding(part.content_transfer_encoding)) {
        found = {errc::unsupported_encoding,
                 static_cast<std::uint32_t>(part.content_transfer_encoding.data() - root.data()), {}, {}, false};
        return;
      }
      found.sdp = part.content;
      found.range = text_range::of(root, part.content);
      found.in_multipart = true;
    } else if (is_multipart_content_type(part.content_type)) {
      find_sdp_in_multipart(root, part.content_type, part.content, depth + 1, found);
      if (!found.ok()) return;
    }
  }
  if (!reader.status().ok()) found = {reader.status().ec, off(reader.status().offset), {}, {}, false};
}

}  // namespace detail

/**
 * Locates the SDP of a SIP message body.
 *
 * @param content_type_value the Content-Type header value ("application/sdp",
 *        "multipart/mixed;boundary=xyz", ...), not the header name.
 * @param body the message body (Content-Length bytes).
 * @return ok with `sdp`/`range` naming the SDP bytes within `body` (the whole
 *         body for application/sdp, the content of the one application/sdp
 *         part of a multipart body, searched through nested multiparts), or:
 *         not_sdp (another Content-Type), missing_boundary, bad_part,
 *         unterminated_multipart, no_sdp_part, multiple_sdp_parts,
 *         unsupported_encoding, multipart_too_deep, with the byte offset in
 *         `body`. The whole multipart structure is checked even after the
 *         SDP part was found (a rewrite changes the body, so it must be sound).
 */
[[nodiscard]] constexpr sdp_body find_sdp_body(std::string_view content_type_value,
                                               std::string_view body SIPALG_LIFETIMEBOUND) noexcept {
  if (is_sdp_content_type(content_type_value)) {
    return {errc::ok, 0, body, text_range::of(body, body), false};
  }
  if (!is_multipart_content_type(content_type_value)) return {errc::not_sdp, 0, {}, {}, false};
  sdp_body found;
  detail::find_sdp_in_multipart(body, content_type_value, body, 1, found);
  if (found.ok() && found.sdp.data() == nullptr) found.ec = errc::no_sdp_part;
  return found;
}

}  // namespace sipalg::sdp
