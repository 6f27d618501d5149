/**
 * @file errc.hpp
 * Error codes of the SIP layer (message parser, stream framer and the header
 * sub-parsers) and the `parse_result` every parser returns.
 *
 * No exceptions: every parser returns `{errc, offset}`. `offset` is the byte
 * offset of the problem, relative to the start of the text the parser was
 * given (the whole buffer for `parse_message`/`frame_message`, the header
 * value for the sub-parsers).
 */
#pragma once

#include <cstdint>
#include <string_view>

namespace sipalg::sip {

/// What went wrong. `ok` is zero so `if (r.ec != errc::ok)` and `if (!r)` both work.
enum class errc : std::uint8_t {
  ok = 0,                      ///< success
  need_more,                   ///< framing: the message is not complete yet (TCP); read more bytes
  empty_input,                 ///< nothing but CR/LF (or nothing at all) in the input
  bad_start_line,              ///< start line is neither a Request-Line nor a Status-Line
  bad_method,                  ///< method is not a token
  bad_request_uri,             ///< Request-URI missing, contains LWS/controls, or is not `scheme:...`
  bad_version,                 ///< SIP-Version is not SIP/2.0
  bad_status_code,             ///< Status-Code is not three digits in 100..699
  bad_header_name,             ///< header name empty or not a token, or a header line starts with WSP
  missing_colon,               ///< a header line without a colon
  nul_in_head,                 ///< NUL byte in the start line or headers (outside a quoted-pair)
  bare_cr,                     ///< CR not followed by LF in the start line or headers
  line_too_long,               ///< a start or header line (with its continuations) exceeds parse_options::max_line_length
  too_many_headers,            ///< more headers than the message's fixed capacity
  unterminated_head,           ///< input ends before the empty line that ends the headers
  bad_content_length,          ///< Content-Length is not a decimal number (or overflows)
  conflicting_content_length,  ///< several Content-Length headers with different values
  negative_content_length,     ///< Content-Length is negative
  missing_content_length,      ///< no Content-Length where it is mandatory (stream transports)
  body_too_short,              ///< fewer body bytes than Content-Length announces (datagram)
  message_too_large,           ///< input or announced message larger than parse_options::max_message_size
  // Sub-parsers (URI, name-addr, Via, Contact, CSeq, ...).
  bad_uri,              ///< URI syntax (scheme, userinfo, structure)
  bad_host,             ///< host is empty or has invalid characters, or an unterminated `[`
  bad_port,             ///< port is empty, not decimal, or above 65535
  bad_param,            ///< a `;name=value` parameter is malformed (e.g. unterminated quoted value)
  bad_quoted_string,    ///< unterminated quoted string or dangling backslash
  bad_name_addr,        ///< name-addr/addr-spec structure (missing `>`, junk after the value)
  bad_via,              ///< Via: sent-protocol or sent-by malformed
  bad_cseq,             ///< CSeq: number missing, above 2^31-1, or method not a token
  bad_value,            ///< a scalar header value (Expires, Call-ID, ...) is malformed
  bad_content_type,     ///< Content-Type is not type/subtype
};

/// Short, stable name of an error code (e.g. "bad_content_length"), suitable for logs and JSON.
[[nodiscard]] constexpr std::string_view to_string(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::need_more: return "need_more";
    case errc::empty_input: return "empty_input";
    case errc::bad_start_line: return "bad_start_line";
    case errc::bad_method: return "bad_method";
    case errc::bad_request_uri: return "bad_request_uri";
    case errc::bad_version: return "bad_version";
    case errc::bad_status_code: return "bad_status_code";
    case errc::bad_header_name: return "bad_header_name";
    case errc::missing_colon: return "missing_colon";
    case errc::nul_in_head: return "nul_in_head";
    case errc::bare_cr: return "bare_cr";
    case errc::line_too_long: return "line_too_long";
    case errc::too_many_headers: return "too_many_headers";
    case errc::unterminated_head: return "unterminated_head";
    case errc::bad_content_length: return "bad_content_length";
    case errc::conflicting_content_length: return "conflicting_content_length";
    case errc::negative_content_length: return "negative_content_length";
    case errc::missing_content_length: return "missing_content_length";
    case errc::body_too_short: return "body_too_short";
    case errc::message_too_large: return "message_too_large";
    case errc::bad_uri: return "bad_uri";
    case errc::bad_host: return "bad_host";
    case errc::bad_port: return "bad_port";
    case errc::bad_param: return "bad_param";
    case errc::bad_quoted_string: return "bad_quoted_string";
    case errc::bad_name_addr: return "bad_name_addr";
    case errc::bad_via: return "bad_via";
    case errc::bad_cseq: return "bad_cseq";
    case errc::bad_value: return "bad_value";
    case errc::bad_content_type: return "bad_content_type";
  }
  return "unknown";
}

/// One-sentence human description of an error code.
[[nodiscard]] constexpr std::string_view describe(errc e) noexcept {
  switch (e) {
    case errc::ok: return "no error";
    case errc::need_more: return "message incomplete, more bytes needed";
    case errc::empty_input: return "empty input (or only CR/LF keep-alives)";
    case errc::bad_start_line: return "start line is neither a Request-Line nor a Status-Line";
    case errc::bad_method: return "method is not a token";
    case errc::bad_request_uri: return "Request-URI is missing or malformed";
    case errc::bad_version: return "SIP-Version is not SIP/2.0";
    case errc::bad_status_code: return "status code is not three digits in 100..699";
    case errc::bad_header_name: return "header name is empty or not a token";
    case errc::missing_colon: return "header line without a colon";
    case errc::nul_in_head: return "NUL byte in the message head";
    case errc::bare_cr: return "CR not followed by LF in the message head";
    case errc::line_too_long: return "line longer than the configured limit";
    case errc::too_many_headers: return "more headers than the header index can hold";
    case errc::unterminated_head: return "headers are not terminated by an empty line";
    case errc::bad_content_length: return "Content-Length is not a decimal number";
    case errc::conflicting_content_length: return "several Content-Length headers with different values";
    case errc::negative_content_length: return "Content-Length is negative";
    case errc::missing_content_length: return "Content-Length is required on stream transports";
    case errc::body_too_short: return "body is shorter than Content-Length";
    case errc::message_too_large: return "message larger than the configured limit";
    case errc::bad_uri: return "malformed URI";
    case errc::bad_host: return "malformed host";
    case errc::bad_port: return "malformed port";
    case errc::bad_param: return "malformed parameter";
    case errc::bad_quoted_string: return "unterminated quoted string";
    case errc::bad_name_addr: return "malformed name-addr or addr-spec";
    case errc::bad_via: return "malformed Via value";
    case errc::bad_cseq: return "malformed CSeq value";
    case errc::bad_value: return "malformed header value";
    case errc::bad_content_type: return "malformed Content-Type value";
  }
  return "unknown error";
}

/**
 * Result of every SIP-layer parser.
 *
 * `offset` is the byte offset of the error relative to the start of the parsed
 * text; on success parsers document what it holds (usually the number of bytes
 * consumed).
 */
struct [[nodiscard]] parse_result {
  errc ec = errc::ok;         ///< error code, errc::ok on success
  std::uint32_t offset = 0;   ///< error position, or bytes consumed on success

  /// True on success.
  [[nodiscard]] constexpr bool ok() const noexcept { return ec == errc::ok; }
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return ec == errc::ok; }
  friend constexpr bool operator==(const parse_result&, const parse_result&) = default;
};

}  // namespace sipalg::sip
