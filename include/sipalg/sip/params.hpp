/**
 * @file params.hpp
 * `param_list`: an allocation-free, iterable view over `;name[=value]` lists:
 * URI parameters (RFC 3261 19.1.1), header parameters of Via, Contact, From,
 * To, Content-Type... (RFC 3261 25.1 generic-param). Values may be tokens,
 * hosts (including `[IPv6]`) or quoted strings; LWS around `;` and `=` is allowed.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/detail/value_scan.hpp"
#include "sipalg/sip/errc.hpp"

namespace sipalg::sip {

/// One `name[=value]` parameter; views into the parsed text.
struct param {
  std::string_view name;    ///< parameter name as written
  std::string_view value;   ///< value as written (a quoted value INCLUDES its quotes); empty when valueless
  bool has_value = false;   ///< an `=` was present (`rport` has none, `rport=` has an empty one)
  std::string_view text;    ///< `name[=value]` as written, including any LWS around `=`

  /// The value without surrounding quotes (backslash escapes are left as written).
  [[nodiscard]] constexpr std::string_view unquoted_value() const noexcept {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return value.substr(1, value.size() - 2);
    return value;
  }
  /// True when the value is a quoted string.
  [[nodiscard]] constexpr bool quoted() const noexcept { return !value.empty() && value.front() == '"'; }
};

/**
 * View over a parameter list such as `;transport=udp;lr` (the leading `;` is
 * optional). Iteration yields `param`s; empty elements (`;;`) are skipped.
 * Parsing is lenient; call validate() to reject malformed lists.
 * The list does not own its text: it is valid as long as the viewed buffer.
 */
class param_list {
 public:
  constexpr param_list() noexcept = default;
  /// Views `text`; nothing is parsed until iteration.
  constexpr explicit param_list(std::string_view text) noexcept : text_(text) {}

  /// The viewed text.
  [[nodiscard]] constexpr std::string_view text() const noexcept { return text_; }
  /// True when the list has no parameter.
  [[nodiscard]] constexpr bool empty() const noexcept { return begin() == end(); }

  /// Forward iterator over the parameters.
  class iterator {
   public:
    using value_type = param;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    using reference = const param&;
    using pointer = const param*;

    constexpr iterator() noexcept = default;
    constexpr iterator(std::string_view s, std::size_t pos) noexcept : s_(s), next_(pos) { advance(); }
    constexpr const param& operator*() const noexcept { return cur_; }
    constexpr const param* operator->() const noexcept { return &cur_; }
    constexpr iterator& operator++() noexcept {
      advance();
      return *this;
    }
    constexpr iterator operator++(int) noexcept {
      iterator t = *this;
      advance();
      return t;
    }
    friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.at_ == b.at_; }

   private:
    constexpr void advance() noexcept {
      // One table test per byte (detail::value_classes); next_ may be npos (the end iterator).
      std::size_t i = detail::skip_vc(s_, next_, detail::vc_pskip);
      if (i >= s_.size()) {
        at_ = next_ = detail::npos;
        cur_ = param{};
        return;
      }
      at_ = i;
      const std::size_t ns = i;
      i = detail::find_vc(s_, i, detail::vc_pname_stop);
      const char* d = s_.data();  // all indexes below are <= s_.size()
      param p{};
      p.name = std::string_view(d + ns, i - ns);
      std::size_t end = i;
      std::size_t j = detail::skip_lws_vc(s_, i);
      if (j < s_.size() && s_[j] == '=') {
        j = detail::skip_lws_vc(s_, j + 1);
        const std::size_t vs = j;
        if (j < s_.size() && s_[j] == '"') {
          const std::size_t e = detail::skip_quoted_fast(s_, j);
          j = (e == detail::npos) ? s_.size() : e;
        } else {
          j = detail::find_vc(s_, j, detail::vc_pvalue_stop);
        }
        p.value = std::string_view(d + vs, j - vs);
        p.has_value = true;
        end = j;
      }
      p.text = std::string_view(d + ns, end - ns);
      cur_ = p;
      next_ = end;
    }

    std::string_view s_;
    std::size_t next_ = detail::npos;
    std::size_t at_ = detail::npos;  // position of the current parameter, npos at the end
    param cur_{};
  };

  [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(text_, 0); }
  [[nodiscard]] constexpr iterator end() const noexcept { return iterator(text_, detail::npos); }

  /// First parameter named `name` (case-insensitive, RFC 3261 19.1.4), or nullopt.
  [[nodiscard]] constexpr std::optional<param> find(std::string_view name) const noexcept {
    for (const param& p : *this)
      if (ascii::iequals(p.name, name)) return p;
    return std::nullopt;
  }
  /// True when a parameter named `name` is present (with or without value).
  [[nodiscard]] constexpr bool contains(std::string_view name) const noexcept { return find(name).has_value(); }

  /**
   * Strict check of the whole list: every element is `token [LWS "=" LWS (token / host / quoted-string)]`
   * and elements are separated by `;`.
   * @return errc::ok, or errc::bad_param / errc::bad_quoted_string with the offset in text().
   */
  [[nodiscard]] constexpr parse_result validate() const noexcept {
    const std::string_view s = text_;
    std::size_t i = detail::skip_lws_vc(s, 0);
    if (i < s.size() && s[i] == ';') ++i;
    bool first = true;
    while (true) {
      i = detail::skip_lws_vc(s, i);
      if (i >= s.size()) return first ? parse_result{} : parse_result{errc::bad_param, static_cast<std::uint32_t>(i)};
      first = false;
      const std::size_t ns = i;
      i = detail::skip_vc(s, i, detail::vc_token);
      if (i == ns) return {errc::bad_param, static_cast<std::uint32_t>(i)};
      i = detail::skip_lws_vc(s, i);
      if (i < s.size() && s[i] == '=') {
        i = detail::skip_lws_vc(s, i + 1);
        if (i < s.size() && s[i] == '"') {
          const std::size_t e = detail::skip_quoted_fast(s, i);
          if (e == detail::npos) return {errc::bad_quoted_string, static_cast<std::uint32_t>(i)};
          i = e;
        } else {
          const std::size_t vs = i;
          i = detail::skip_vc(s, i, detail::vc_pvalue);  // token [ ] : / & $
          if (i == vs) return {errc::bad_param, static_cast<std::uint32_t>(i)};
        }
        i = detail::skip_lws_vc(s, i);
      }
      if (i >= s.size()) return {};
      if (s[i] != ';') return {errc::bad_param, static_cast<std::uint32_t>(i)};
      ++i;
    }
  }

 private:
  std::string_view text_;
};

}  // namespace sipalg::sip
