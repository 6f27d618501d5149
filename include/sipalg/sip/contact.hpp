/**
 * @file contact.hpp
 * Contact header values (RFC 3261 20.10): `*`, or one or more comma-separated
 * `( name-addr / addr-spec ) *( SEMI contact-params )` with the `expires` and
 * `q` parameters. A message may carry several Contact headers.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sipalg/core/number.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/errc.hpp"
#include "sipalg/sip/name_addr.hpp"
#include "sipalg/sip/params.hpp"

namespace sipalg::sip {

/// One contact. Views into the parsed header value.
struct contact {
  bool wildcard = false;  ///< the value is `*` (REGISTER removing all bindings); `address` is then empty
  name_addr address;      ///< display name, URI, contact-params (`address.params`)

  /// The whole contact as written (`*` for a wildcard).
  [[nodiscard]] constexpr std::string_view text() const noexcept { return address.text; }
  /// The URI text (see name_addr::parse_uri()).
  [[nodiscard]] constexpr std::string_view uri() const noexcept { return address.uri; }
  /// The contact-params as an iterable list.
  [[nodiscard]] constexpr param_list parameters() const noexcept { return address.parameters(); }
  [[nodiscard]] constexpr std::optional<param> find_param(std::string_view name) const noexcept {
    return address.find_param(name);
  }
  /// The `expires` parameter as delta-seconds, nullopt when absent or not a number <= 2^32-1.
  [[nodiscard]] constexpr std::optional<std::uint32_t> expires() const noexcept {
    const auto p = find_param("expires");
    if (!p || !p->has_value) return std::nullopt;
    return parse_decimal<std::uint32_t>(p->unquoted_value());
  }
  /// The `q` parameter's value text (e.g. "0.7"), empty when absent.
  [[nodiscard]] constexpr std::string_view q() const noexcept {
    const auto p = find_param("q");
    return p ? p->value : std::string_view{};
  }
};

/**
 * Reads the contacts of one Contact header value in order:
 * @code
 *   contact_reader r(value);
 *   contact c;
 *   while (r.next(c)) { ... }
 *   if (!r.status()) { ... }
 * @endcode
 * `*` must be the whole value. An empty value or empty list element is an error.
 */
class contact_reader {
 public:
  constexpr explicit contact_reader(std::string_view value) noexcept : s_(value) {}

  /// Parses the next contact into `out`. False at the end of the list or on an error (see status()).
  constexpr bool next(contact& out) noexcept {
    if (done_) return false;
    // `out` is reset on every path (parse_name_addr_at() resets `out.address` itself).
    std::size_t k = detail::skip_lws_vc(s_, pos_);
    if (count_ == 0) {
      if (k < s_.size() && s_[k] == '*') {
        out = contact{};
        const std::size_t e = detail::skip_lws_vc(s_, k + 1);
        if (e != s_.size()) return finish({errc::bad_name_addr, static_cast<std::uint32_t>(e)});
        out.wildcard = true;
        out.address.text = s_.substr(k, 1);
        pos_ = e;
        ++count_;
        return true;
      }
    } else {
      if (k >= s_.size() || s_[k] != ',') {
        out = contact{};
        return finish(k >= s_.size() ? parse_result{} : parse_result{errc::bad_name_addr, static_cast<std::uint32_t>(k)});
      }
      k = detail::skip_lws_vc(s_, k + 1);
    }
    out.wildcard = false;
    if (parse_result r = detail::parse_name_addr_at(s_, k, out.address, true); !r) return finish(r);
    pos_ = k;
    ++count_;
    return true;
  }
  /// errc::ok while reading and after a clean end; the error once next() failed on one.
  [[nodiscard]] constexpr parse_result status() const noexcept { return status_; }
  /// Number of contacts read so far.
  [[nodiscard]] constexpr std::size_t count() const noexcept { return count_; }

 private:
  constexpr bool finish(parse_result r) noexcept {
    done_ = true;
    status_ = r;
    return false;
  }
  std::string_view s_;
  std::size_t pos_ = 0;
  std::size_t count_ = 0;
  bool done_ = false;
  parse_result status_{};
};

}  // namespace sipalg::sip
