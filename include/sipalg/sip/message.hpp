/**
 * @file message.hpp
 * `basic_message<MaxHeaders>`: the zero-copy index of one parsed SIP message
 * (RFC 3261 section 7), filled by `parse_message` (parser.hpp).
 *
 * The index holds only offsets (`text_range`) into the caller's buffer, never
 * pointers or copies: it stays valid when the host moves the packet, and each
 * range maps one to one onto a mangle edit. Read a part with `range.in(buf)`.
 *
 * @code
 *   INVITE sip:bob@example.com SIP/2.0\r\n        <- start_line (incl. CRLF)
 *   ^method^ ^request_uri^^^^^^^^ ^version
 *   Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1\r\n   <- headers[0].line
 *   ^name^ ^value^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
 *   Content-Length: 4\r\n
 *   \r\n                                           <- head ends after this line (head_end)
 *   body                                           <- body [head_end, message_end)
 * @endcode
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/config.hpp"
#include "sipalg/core/fixed_vector.hpp"
#include "sipalg/core/text_range.hpp"
#include "sipalg/sip/header_id.hpp"
#include "sipalg/sip/method.hpp"

namespace sipalg::sip {

/// Request or response.
enum class message_kind : std::uint8_t { request = 0, response = 1 };

/**
 * One header field of the index.
 *
 * - `name`: the field name as written (full or compact form), without the colon or LWS before it.
 * - `value`: the field value without leading and trailing LWS. For a folded header
 *   (continuation lines, RFC 3261 7.3.1) the value spans all its lines and
 *   INCLUDES the embedded line terminators and the WSP that starts each
 *   continuation; the sub-parsers treat CR/LF as LWS. An empty value is a
 *   present, zero-length range positioned at the end of the line's content.
 * - `line`: the whole field, from the first byte of the name to the end of the
 *   line terminator (CRLF or LF) of its last line. Removing `line` removes the header.
 */
struct header {
  header_id id = header_id::unknown;  ///< known id (compact forms mapped), or unknown
  text_range name;                    ///< field name as written
  text_range value;                   ///< trimmed field value (may span folded lines)
  text_range line;                    ///< whole field including its line terminator(s)
};

/**
 * Index of a parsed SIP message with room for `MaxHeaders` header fields.
 *
 * All ranges are offsets into the buffer given to parse_message(); the index
 * does not keep that buffer alive. After a failed parse the contents are
 * unspecified (partially filled).
 */
template <std::size_t MaxHeaders = 64>
struct basic_message {
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;  ///< "no such header" index

  message_kind kind = message_kind::request;  ///< request or response
  method_id method_type = method_id::unknown;  ///< request method id (requests only)
  std::uint16_t status_code = 0;              ///< 100..699 (responses only)

  text_range start_line;   ///< Request-Line / Status-Line including its line terminator
  text_range method;       ///< request method token (requests only, else absent)
  text_range request_uri;  ///< Request-URI (requests only, else absent)
  text_range version;      ///< SIP-Version, e.g. "SIP/2.0"
  text_range reason;       ///< Reason-Phrase, possibly empty (responses only, else absent)

  fixed_vector<header, MaxHeaders> headers;  ///< header fields in message order

  std::uint32_t head_end = 0;  ///< offset one past the empty line that ends the head (= body start)
  text_range body;             ///< message body: [head_end, head_end + Content-Length), or the rest
                               ///< of the datagram when Content-Length is absent and allowed
  std::optional<std::uint32_t> content_length;  ///< Content-Length value, nullopt when no such header
  std::uint32_t content_length_header = npos;   ///< index in `headers` of the first Content-Length, or npos
  std::uint32_t message_end = 0;  ///< one past the message (body.end()); bytes after it (a UDP
                                  ///< datagram's trailing octets, RFC 4475 3.1.1.8) are not part of it

  [[nodiscard]] constexpr bool is_request() const noexcept { return kind == message_kind::request; }
  [[nodiscard]] constexpr bool is_response() const noexcept { return kind == message_kind::response; }

  /// The head: start line and headers, including the empty line.
  [[nodiscard]] constexpr text_range head() const noexcept {
    return {start_line.offset, head_end - start_line.offset};
  }

  /// First header with id `id`, or nullptr. Not meaningful for header_id::unknown (use find_name).
  [[nodiscard]] constexpr const header* find(header_id id) const noexcept {
    for (const header& h : headers)
      if (h.id == id) return &h;
    return nullptr;
  }
  /// Index of the first header with id `id` at or after `from`, or npos.
  [[nodiscard]] constexpr std::uint32_t find_index(header_id id, std::uint32_t from = 0) const noexcept {
    for (std::size_t i = from; i < headers.size(); ++i)
      if (headers[i].id == id) return static_cast<std::uint32_t>(i);
    return npos;
  }
  /// Number of headers with id `id`.
  [[nodiscard]] constexpr std::size_t count(header_id id) const noexcept {
    std::size_t n = 0;
    for (const header& h : headers) n += (h.id == id);
    return n;
  }
  /**
   * First header named `name` (case-insensitive; a known name also matches its
   * compact form), or nullptr. `buf` must be the buffer this message was parsed from.
   */
  [[nodiscard]] constexpr const header* find_name(std::string_view buf, std::string_view name) const noexcept {
    const header_id id = lookup_header(name);
    if (id != header_id::unknown) return find(id);
    for (const header& h : headers)
      if (h.id == header_id::unknown && ascii::iequals(h.name.in(buf), name)) return &h;
    return nullptr;
  }

  /// Range over the headers with one id, in message order (`for (const header& h : m.all(header_id::via))`).
  class id_range {
   public:
    class iterator {
     public:
      using value_type = header;
      using difference_type = std::ptrdiff_t;
      constexpr iterator() noexcept = default;
      constexpr iterator(const header* p, const header* end, header_id id) noexcept : p_(p), end_(end), id_(id) {
        skip();
      }
      constexpr const header& operator*() const noexcept { return *p_; }
      constexpr const header* operator->() const noexcept { return p_; }
      constexpr iterator& operator++() noexcept {
        ++p_;
        skip();
        return *this;
      }
      constexpr iterator operator++(int) noexcept {
        iterator t = *this;
        ++*this;
        return t;
      }
      friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.p_ == b.p_; }

     private:
      constexpr void skip() noexcept {
        while (p_ != end_ && p_->id != id_) ++p_;
      }
      const header* p_ = nullptr;
      const header* end_ = nullptr;
      header_id id_ = header_id::unknown;
    };
    constexpr id_range(const header* b, const header* e, header_id id) noexcept : b_(b), e_(e), id_(id) {}
    [[nodiscard]] constexpr iterator begin() const noexcept { return {b_, e_, id_}; }
    [[nodiscard]] constexpr iterator end() const noexcept { return {e_, e_, id_}; }

   private:
    const header* b_;
    const header* e_;
    header_id id_;
  };

  /// All headers with id `id`, in order. Valid while this message is alive and unchanged.
  [[nodiscard]] constexpr id_range all(header_id id) const noexcept SIPALG_LIFETIMEBOUND {
    return {headers.begin(), headers.end(), id};
  }
};

/// The default message index: up to 64 header fields.
using message = basic_message<64>;

}  // namespace sipalg::sip
