/**
 * @file errc.hpp
 * Error codes of the SDP layer (`sipalg::sdp`): the SDP parser (parser.hpp)
 * and the MIME multipart locator (multipart.hpp).
 *
 * Every parser returns a `parse_result`: an `errc` plus the byte offset,
 * within the input it was given, of the line or field that failed.
 */
#pragma once

#include <cstdint>
#include <string_view>

namespace sipalg::sdp {

/**
 * Why an SDP body (or the multipart body around it) was rejected.
 *
 * The parser is lenient where a deviation cannot make a rewrite unsafe
 * (line order inside a section, LF-only line ends, trailing whitespace, blank
 * lines, a missing final line end, unknown lowercase line types) and strict
 * where it could (o=, c=, m=, a=rtcp must be well formed, at most one c= and
 * one a=rtcp per level, ports 0..65535, capacity overflow is an error).
 */
enum class errc : std::uint8_t {
  ok = 0,                  ///< success
  // --- SDP body (RFC 8866) ---
  empty,                   ///< no bytes, or only blank lines
  too_large,               ///< input longer than 4 GiB - 1 (offsets are 32-bit)
  bad_character,           ///< NUL byte, or CR not followed by LF, inside a line
  bad_line,                ///< not `<type>=<value>`: no '=', type not a lowercase letter, empty a= name
  missing_version,         ///< the first line is not v=
  bad_version,             ///< v= value other than "0"
  duplicate_line,          ///< a second v= or o=
  misplaced_line,          ///< v= or o= inside a media section
  missing_origin,          ///< no o= line
  bad_origin,              ///< o= without 6 fields, unknown nettype/addrtype, malformed address
  bad_connection,          ///< c= without 3 fields, unknown nettype/addrtype, malformed address, /ttl or /count
  duplicate_connection,    ///< a second c= at one level (only layered multicast may repeat in a media section)
  bad_media,               ///< m= without media, port and proto, or a malformed /count
  bad_port,                ///< m= or a=rtcp port not a decimal 0..65535
  bad_rtcp,                ///< a=rtcp not `port [nettype addrtype address]` (RFC 3605)
  duplicate_rtcp,          ///< a second a=rtcp in one media section
  too_many_media,          ///< more m= sections than the description's MaxMedia
  too_many_attributes,     ///< more a= lines than the description's MaxAttrs
  // --- MIME multipart (RFC 2046 5.1) ---
  not_sdp,                 ///< Content-Type is neither application/sdp nor multipart/*
  missing_boundary,        ///< multipart Content-Type without a usable boundary parameter
  bad_part,                ///< a body part whose header block is malformed or not terminated
  unterminated_multipart,  ///< no opening delimiter, or no closing `--boundary--`
  no_sdp_part,             ///< a well-formed multipart body without an application/sdp part
  multiple_sdp_parts,      ///< more than one application/sdp part (rewriting one would leak the other)
  unsupported_encoding,    ///< the SDP part has a Content-Transfer-Encoding other than 7bit/8bit/binary
  multipart_too_deep,      ///< multipart nested deeper than multipart.hpp's max_multipart_depth
};

/// Stable lowercase name of `e` ("ok", "bad_port", ...); "unknown" for values outside the enum.
[[nodiscard]] constexpr std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::empty: return "empty";
    case errc::too_large: return "too_large";
    case errc::bad_character: return "bad_character";
    case errc::bad_line: return "bad_line";
    case errc::missing_version: return "missing_version";
    case errc::bad_version: return "bad_version";
    case errc::duplicate_line: return "duplicate_line";
    case errc::misplaced_line: return "misplaced_line";
    case errc::missing_origin: return "missing_origin";
    case errc::bad_origin: return "bad_origin";
    case errc::bad_connection: return "bad_connection";
    case errc::duplicate_connection: return "duplicate_connection";
    case errc::bad_media: return "bad_media";
    case errc::bad_port: return "bad_port";
    case errc::bad_rtcp: return "bad_rtcp";
    case errc::duplicate_rtcp: return "duplicate_rtcp";
    case errc::too_many_media: return "too_many_media";
    case errc::too_many_attributes: return "too_many_attributes";
    case errc::not_sdp: return "not_sdp";
    case errc::missing_boundary: return "missing_boundary";
    case errc::bad_part: return "bad_part";
    case errc::unterminated_multipart: return "unterminated_multipart";
    case errc::no_sdp_part: return "no_sdp_part";
    case errc::multiple_sdp_parts: return "multiple_sdp_parts";
    case errc::unsupported_encoding: return "unsupported_encoding";
    case errc::multipart_too_deep: return "multipart_too_deep";
  }
  return "unknown";
}

/**
 * Outcome of a parse: `ec == errc::ok` on success. On failure `offset` is the
 * byte offset, within the input the function was given, of the line or
 * field that failed (for example the first digit of an out-of-range port).
 */
struct [[nodiscard]] parse_result {
  errc ec = errc::ok;        ///< what happened
  std::uint32_t offset = 0;  ///< where, as a byte offset into the input

  /// True on success.
  [[nodiscard]] constexpr bool ok() const noexcept { return ec == errc::ok; }
  friend constexpr bool operator==(const parse_result&, const parse_result&) = default;
};

}  // namespace sipalg::sdp
