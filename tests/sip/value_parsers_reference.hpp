// Reference copies of the SIP header-value parsers as they were before the single-pass
// rewrite (commit 804193e), kept only for the differential test (value_parsers_diff_test.cpp):
// the new parsers must give the same verdict, errc, offset and views on every input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include "sipalg/core/ascii.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/sip/call_id.hpp"
#include "sipalg/sip/contact.hpp"
#include "sipalg/sip/cseq.hpp"
#include "sipalg/sip/detail/scan.hpp"
#include "sipalg/sip/host.hpp"
#include "sipalg/sip/name_addr.hpp"
#include "sipalg/sip/params.hpp"
#include "sipalg/sip/uri.hpp"
#include "sipalg/sip/via.hpp"

namespace sipalg::sip::reference {
using namespace sipalg::sip::detail;

[[nodiscard]] constexpr parse_result parse_host_port_at(std::string_view s, std::size_t& i, host_port& out,
                                                        bool lws_around_colon) noexcept {
  const std::size_t start = i;
  out = host_port{};
  if (i < s.size() && s[i] == '[') {
    std::size_t k = i + 1;
    while (k < s.size() && has_class(s[k], cc_ipv6)) ++k;
    if (k >= s.size() || s[k] != ']' || k == i + 1) return {errc::bad_host, static_cast<std::uint32_t>(k)};
    out.host = s.substr(i, k + 1 - i);
    out.address = s.substr(i + 1, k - i - 1);
    if (out.address.find(':') == std::string_view::npos) return {errc::bad_host, static_cast<std::uint32_t>(i)};
    out.kind = host_kind::ipv6;
    i = k + 1;
  } else {
    std::size_t k = i;
    bool v4chars = true;
    while (k < s.size() && has_class(s[k], cc_host)) {
      if (!ascii::is_digit(s[k]) && s[k] != '.') v4chars = false;
      ++k;
    }
    if (k == i) return {errc::bad_host, static_cast<std::uint32_t>(i)};
    out.host = out.address = s.substr(i, k - i);
    out.kind = (v4chars && ip_address::parse_v4(out.host)) ? host_kind::ipv4 : host_kind::domain;
    i = k;
  }
  std::size_t k = i;
  if (lws_around_colon) k = skip_lws(s, k);
  if (k < s.size() && s[k] == ':') {
    ++k;
    if (lws_around_colon) k = skip_lws(s, k);
    const std::size_t ps = k;
    while (k < s.size() && ascii::is_digit(s[k])) ++k;
    const auto port = parse_port(s.substr(ps, k - ps));
    if (!port) return {errc::bad_port, static_cast<std::uint32_t>(ps)};
    out.port_text = s.substr(ps, k - ps);
    out.port = *port;
    out.has_port = true;
    i = k;
  }
  out.text = s.substr(start, i - start);
  return {errc::ok, static_cast<std::uint32_t>(i)};
}


[[nodiscard]] constexpr parse_result parse_host_port(std::string_view text, host_port& out) noexcept {
  std::size_t i = 0;
  if (parse_result r = reference::parse_host_port_at(text, i, out, false); !r) return r;
  if (i != text.size()) return {errc::bad_host, static_cast<std::uint32_t>(i)};
  return {errc::ok, static_cast<std::uint32_t>(i)};
}


[[nodiscard]] constexpr parse_result parse_uri(std::string_view text, uri& out) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  out = uri{};
  out.text = text;
  if (text.empty() || !ascii::is_alpha(text[0])) return fail(errc::bad_uri, 0);
  std::size_t i = 1;
  while (i < text.size() && detail::has_class(text[i], detail::cc_scheme)) ++i;
  if (i >= text.size() || text[i] != ':') return fail(errc::bad_uri, i);
  out.scheme = text.substr(0, i);
  const std::size_t rs = i + 1;
  out.opaque_part = text.substr(rs);
  for (std::size_t k = rs; k < text.size(); ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '"') return fail(errc::bad_uri, k);
  }
  if (ascii::iequals(out.scheme, "sip")) {
    out.scheme_id = uri_scheme::sip;
  } else if (ascii::iequals(out.scheme, "sips")) {
    out.scheme_id = uri_scheme::sips;
  } else {
    out.scheme_id = ascii::iequals(out.scheme, "tel") ? uri_scheme::tel : uri_scheme::other;
    out.opaque = true;
    return {errc::ok, static_cast<std::uint32_t>(text.size())};
  }
  // userinfo: up to the first '@' (user-unreserved allows ';', '?', '/' and ',' in the user part).
  std::size_t hs = rs;
  const std::size_t at = text.find('@', rs);
  if (at != std::string_view::npos) {
    out.has_userinfo = true;
    out.userinfo = text.substr(rs, at - rs);
    const std::size_t colon = out.userinfo.find(':');
    if (colon == std::string_view::npos) {
      out.user = out.userinfo;
    } else {
      out.user = out.userinfo.substr(0, colon);
      out.password = out.userinfo.substr(colon + 1);
      out.has_password = true;
    }
    hs = at + 1;
  }
  std::size_t k = hs;
  if (parse_result r = reference::parse_host_port_at(text, k, out.host, false); !r) return r;
  if (k < text.size() && text[k] != ';' && text[k] != '?') return fail(errc::bad_uri, k);
  const std::size_t q = text.find('?', k);
  if (q == std::string_view::npos) {
    out.params = text.substr(k);
  } else {
    out.params = text.substr(k, q - k);
    out.headers = text.substr(q + 1);
    out.has_headers = true;
  }
  return {errc::ok, static_cast<std::uint32_t>(text.size())};
}


[[nodiscard]] constexpr parse_result parse_via_at(std::string_view s, std::size_t& i, via& out) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  auto token = [&](std::size_t& k, std::string_view& t) {
    const std::size_t b = k;
    while (k < s.size() && ascii::is_token(s[k])) ++k;
    t = s.substr(b, k - b);
    return k > b;
  };
  out = via{};
  std::size_t k = skip_lws(s, i);
  const std::size_t start = k;
  if (!token(k, out.protocol_name)) return fail(errc::bad_via, k);
  k = skip_lws(s, k);
  if (k >= s.size() || s[k] != '/') return fail(errc::bad_via, k);
  k = skip_lws(s, k + 1);
  if (!token(k, out.protocol_version)) return fail(errc::bad_via, k);
  k = skip_lws(s, k);
  if (k >= s.size() || s[k] != '/') return fail(errc::bad_via, k);
  k = skip_lws(s, k + 1);
  if (!token(k, out.transport)) return fail(errc::bad_via, k);
  const std::size_t te = k;
  k = skip_lws(s, k);
  if (k == te) return fail(errc::bad_via, k);  // LWS required before sent-by
  if (parse_result r = parse_host_port_at(s, k, out.sent_by, true); !r) return r;
  std::size_t end = k;
  std::size_t q = skip_lws(s, k);
  if (q < s.size() && s[q] == ';') {
    const std::size_t pe = find_top_level(s, q, ',');
    out.params = trim_lws(s.substr(q, pe - q));
    end = static_cast<std::size_t>(out.params.data() + out.params.size() - s.data());
    q = pe;
  }
  if (q < s.size() && s[q] != ',') return fail(errc::bad_via, q);
  out.text = s.substr(start, end - start);
  i = q;
  return {errc::ok, static_cast<std::uint32_t>(q)};
}


class via_reader {
 public:
  /// Reads `value` (a Via header value, e.g. `header::value.in(buf)`).
  constexpr explicit via_reader(std::string_view value) noexcept : s_(value) {}

  /// Parses the next via-parm into `out`. False at the end of the list or on an error (see status()).
  constexpr bool next(via& out) noexcept {
    if (done_) return false;
    std::size_t k = detail::skip_lws(s_, pos_);
    if (count_ > 0) {
      if (k >= s_.size()) return finish({});
      if (s_[k] != ',') return finish({errc::bad_via, static_cast<std::uint32_t>(k)});
      k = detail::skip_lws(s_, k + 1);
    }
    if (k >= s_.size() || s_[k] == ',') return finish({errc::bad_via, static_cast<std::uint32_t>(k)});
    if (parse_result r = reference::parse_via_at(s_, k, out); !r) return finish(r);
    pos_ = k;
    ++count_;
    return true;
  }
  /// errc::ok while reading and after a clean end; the error once next() failed on one.
  [[nodiscard]] constexpr parse_result status() const noexcept { return status_; }
  /// Number of via-parms read so far.
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


[[nodiscard]] constexpr parse_result parse_via(std::string_view value, via& out) noexcept {
  via_reader r(value);
  if (r.next(out)) return {errc::ok, static_cast<std::uint32_t>(out.text.data() + out.text.size() - value.data())};
  return r.status().ok() ? parse_result{errc::bad_via, 0} : r.status();
}


[[nodiscard]] constexpr bool is_display_char(char c) noexcept {
  return ascii::is_token(c) || is_lws(c) || static_cast<unsigned char>(c) >= 0x80;
}

/**
 * Parses one element starting at s[i]. With `stop_at_comma` the element ends at
 * a top-level ',' (list headers such as Contact); on success `i` is the index of
 * that ',' or s.size(). Offsets in the result are relative to `s`.
 */
[[nodiscard]] constexpr parse_result parse_name_addr_at(std::string_view s, std::size_t& i, name_addr& out,
                                                        bool stop_at_comma) noexcept {
  auto fail = [](errc e, std::size_t at) { return parse_result{e, static_cast<std::uint32_t>(at)}; };
  out = name_addr{};
  std::size_t p = skip_lws(s, i);
  const std::size_t start = p;
  if (p >= s.size() || (stop_at_comma && s[p] == ',')) return fail(errc::bad_name_addr, p);
  std::size_t k = 0;  // one past the URI part
  bool bracket = false;
  std::size_t lt = npos;
  if (s[p] == '"') {
    const std::size_t e = skip_quoted(s, p);
    if (e == npos) return fail(errc::bad_quoted_string, p);
    out.display_name = s.substr(p, e - p);
    out.quoted_display_name = true;
    lt = skip_lws(s, e);
    if (lt >= s.size() || s[lt] != '<') return fail(errc::bad_name_addr, lt);
    bracket = true;
  } else {
    std::size_t j = p;
    while (j < s.size() && is_display_char(s[j])) ++j;
    if (j < s.size() && s[j] == '<') {
      out.display_name = trim_lws(s.substr(p, j - p));
      lt = j;
      bracket = true;
    }
  }
  if (bracket) {
    const std::size_t gt = s.find('>', lt + 1);
    if (gt == npos) return fail(errc::bad_name_addr, lt);
    out.uri = trim_lws(s.substr(lt + 1, gt - lt - 1));
    out.angle_brackets = true;
    k = gt + 1;
  } else {
    // addr-spec: the URI ends at ';', ',' or LWS (RFC 3261 20.10).
    std::size_t j = p;
    while (j < s.size() && s[j] != ';' && s[j] != ',' && !is_lws(s[j])) ++j;
    out.uri = s.substr(p, j - p);
    // Must at least look like scheme ":" ...
    std::size_t c = 0;
    if (out.uri.empty() || !ascii::is_alpha(out.uri[0])) return fail(errc::bad_name_addr, p);
    while (c < out.uri.size() && has_class(out.uri[c], cc_scheme)) ++c;
    if (c >= out.uri.size() || out.uri[c] != ':') return fail(errc::bad_name_addr, p + c);
    k = j;
  }
  std::size_t end = k;
  std::size_t q = skip_lws(s, k);
  if (q < s.size() && s[q] == ';') {
    const std::size_t pe = stop_at_comma ? find_top_level(s, q, ',') : s.size();
    out.params = trim_lws(s.substr(q, pe - q));
    end = static_cast<std::size_t>(out.params.data() + out.params.size() - s.data());
    q = skip_lws(s, pe);
  }
  if (q < s.size() && !(stop_at_comma && s[q] == ',')) return fail(errc::bad_name_addr, q);
  out.text = s.substr(start, end - start);
  i = q;
  return {errc::ok, static_cast<std::uint32_t>(q)};
}


[[nodiscard]] constexpr parse_result parse_name_addr(std::string_view value, name_addr& out) noexcept {
  std::size_t i = 0;
  return reference::parse_name_addr_at(value, i, out, false);
}


class contact_reader {
 public:
  constexpr explicit contact_reader(std::string_view value) noexcept : s_(value) {}

  /// Parses the next contact into `out`. False at the end of the list or on an error (see status()).
  constexpr bool next(contact& out) noexcept {
    if (done_) return false;
    out = contact{};
    std::size_t k = detail::skip_lws(s_, pos_);
    if (count_ == 0) {
      if (k < s_.size() && s_[k] == '*') {
        const std::size_t e = detail::skip_lws(s_, k + 1);
        if (e != s_.size()) return finish({errc::bad_name_addr, static_cast<std::uint32_t>(e)});
        out.wildcard = true;
        out.address.text = s_.substr(k, 1);
        pos_ = e;
        ++count_;
        return true;
      }
    } else {
      if (k >= s_.size()) return finish({});
      if (s_[k] != ',') return finish({errc::bad_name_addr, static_cast<std::uint32_t>(k)});
      k = detail::skip_lws(s_, k + 1);
    }
    if (parse_result r = reference::parse_name_addr_at(s_, k, out.address, true); !r) return finish(r);
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


[[nodiscard]] constexpr parse_result parse_cseq(std::string_view value, cseq& out) noexcept {
  auto fail = [](std::size_t at) { return parse_result{errc::bad_cseq, static_cast<std::uint32_t>(at)}; };
  out = cseq{};
  std::size_t i = detail::skip_lws(value, 0);
  const std::size_t ns = i;
  std::uint64_t v = 0;
  while (i < value.size() && ascii::is_digit(value[i])) {
    v = v * 10 + static_cast<std::uint64_t>(value[i] - '0');
    if (v > 0x7FFFFFFFull) return fail(i);
    ++i;
  }
  if (i == ns) return fail(i);
  out.number = static_cast<std::uint32_t>(v);
  out.number_text = value.substr(ns, i - ns);
  const std::size_t ws = i;
  i = detail::skip_lws(value, i);
  if (i == ws) return fail(i);
  const std::size_t ms = i;
  while (i < value.size() && ascii::is_token(value[i])) ++i;
  if (i == ms) return fail(i);
  out.method = value.substr(ms, i - ms);
  out.method_type = lookup_method(out.method);
  i = detail::skip_lws(value, i);
  if (i != value.size()) return fail(i);
  return {errc::ok, static_cast<std::uint32_t>(value.size())};
}


[[nodiscard]] constexpr parse_result parse_call_id(std::string_view value, std::string_view& out) noexcept {
  const std::string_view v = detail::trim_lws(value);
  const auto base = static_cast<std::size_t>(v.data() - value.data());
  if (v.empty()) return {errc::bad_value, static_cast<std::uint32_t>(base)};
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (c <= 0x20 || c == 0x7F) return {errc::bad_value, static_cast<std::uint32_t>(base + i)};
  }
  out = v;
  return {errc::ok, static_cast<std::uint32_t>(value.size())};
}


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
      std::size_t i = next_;
      while (i < s_.size() && (s_[i] == ';' || detail::is_lws(s_[i]))) ++i;
      if (i >= s_.size()) {
        at_ = next_ = detail::npos;
        cur_ = param{};
        return;
      }
      at_ = i;
      const std::size_t ns = i;
      while (i < s_.size() && s_[i] != ';' && s_[i] != '=' && !detail::is_lws(s_[i])) ++i;
      param p{};
      p.name = s_.substr(ns, i - ns);
      std::size_t end = i;
      std::size_t j = detail::skip_lws(s_, i);
      if (j < s_.size() && s_[j] == '=') {
        j = detail::skip_lws(s_, j + 1);
        const std::size_t vs = j;
        if (j < s_.size() && s_[j] == '"') {
          const std::size_t e = detail::skip_quoted(s_, j);
          j = (e == detail::npos) ? s_.size() : e;
        } else {
          while (j < s_.size() && s_[j] != ';' && !detail::is_lws(s_[j])) ++j;
        }
        p.value = s_.substr(vs, j - vs);
        p.has_value = true;
        end = j;
      }
      p.text = s_.substr(ns, end - ns);
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
    std::size_t i = detail::skip_lws(s, 0);
    if (i < s.size() && s[i] == ';') ++i;
    bool first = true;
    while (true) {
      i = detail::skip_lws(s, i);
      if (i >= s.size()) return first ? parse_result{} : parse_result{errc::bad_param, static_cast<std::uint32_t>(i)};
      first = false;
      const std::size_t ns = i;
      while (i < s.size() && ascii::is_token(s[i])) ++i;
      if (i == ns) return {errc::bad_param, static_cast<std::uint32_t>(i)};
      i = detail::skip_lws(s, i);
      if (i < s.size() && s[i] == '=') {
        i = detail::skip_lws(s, i + 1);
        if (i < s.size() && s[i] == '"') {
          const std::size_t e = detail::skip_quoted(s, i);
          if (e == detail::npos) return {errc::bad_quoted_string, static_cast<std::uint32_t>(i)};
          i = e;
        } else {
          const std::size_t vs = i;
          while (i < s.size() && (ascii::is_token(s[i]) || s[i] == '[' || s[i] == ']' || s[i] == ':' || s[i] == '/' ||
                                    s[i] == '&' || s[i] == '$'))
            ++i;
          if (i == vs) return {errc::bad_param, static_cast<std::uint32_t>(i)};
        }
        i = detail::skip_lws(s, i);
      }
      if (i >= s.size()) return {};
      if (s[i] != ';') return {errc::bad_param, static_cast<std::uint32_t>(i)};
      ++i;
    }
  }

 private:
  std::string_view text_;
};


}  // namespace sipalg::sip::reference
