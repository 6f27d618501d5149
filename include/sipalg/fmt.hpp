/**
 * @file fmt.hpp
 * Optional {fmt} formatters for sipalg types, for tools and for embedders who
 * log with fmt. This is the only header under include/ that depends on fmt;
 * include it only when fmt is available (fmt 9 or later).
 *
 *     fmt::print("{} -> {}\n", binding.inside, binding.outside);   // 192.168.2.100:5060 -> 2.2.2.2:5061
 *     fmt::print("{}\n", expectation);   // add rtp udp 2.2.2.2:10036 -> 192.168.2.100:10036 from any ...
 */
#pragma once

#include <fmt/format.h>

#include "sipalg/alg/binding.hpp"
#include "sipalg/alg/edit_plan.hpp"
#include "sipalg/alg/expectation.hpp"
#include "sipalg/alg/rewriter.hpp"
#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/ip_address.hpp"

namespace sipalg::detail {
/// Shared base: no format spec accepted, output through format_to.
struct simple_formatter {
  constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
};
}  // namespace sipalg::detail

template <>
struct fmt::formatter<sipalg::ip_address> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(const sipalg::ip_address& a, Ctx& ctx) const -> decltype(ctx.out()) {
    return fmt::format_to(ctx.out(), "{}", a.to_text().view());
  }
};

template <>
struct fmt::formatter<sipalg::endpoint> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(const sipalg::endpoint& e, Ctx& ctx) const -> decltype(ctx.out()) {
    return fmt::format_to(ctx.out(), "{}", e.to_text().view());
  }
};

template <>
struct fmt::formatter<sipalg::transport> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(sipalg::transport t, Ctx& ctx) const -> decltype(ctx.out()) {
    return fmt::format_to(ctx.out(), "{}", sipalg::to_string(t));
  }
};

template <>
struct fmt::formatter<sipalg::alg::direction> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(sipalg::alg::direction d, Ctx& ctx) const -> decltype(ctx.out()) {
    return fmt::format_to(ctx.out(), "{}", sipalg::alg::to_string(d));
  }
};

/// `outbound udp 192.168.2.100:5060 -> 2.2.2.2:5061 peer 1.1.1.2:5060`
template <>
struct fmt::formatter<sipalg::alg::binding> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(const sipalg::alg::binding& b, Ctx& ctx) const -> decltype(ctx.out()) {
    return fmt::format_to(ctx.out(), "{} {} {} -> {} peer {}", b.dir, b.transport, b.inside, b.outside, b.peer);
  }
};

/// `add rtp udp 2.2.2.2:10036 -> 192.168.2.100:10036 from any for 180s call <id>`
template <>
struct fmt::formatter<sipalg::alg::expectation> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(const sipalg::alg::expectation& e, Ctx& ctx) const -> decltype(ctx.out()) {
    auto out = fmt::format_to(ctx.out(), "{} {} {} ", sipalg::alg::to_string(e.action), sipalg::alg::to_string(e.kind),
                              e.transport);
    if (e.scope == sipalg::alg::expectation_scope::call)
      return fmt::format_to(out, "all media of call {}", e.call_id);
    out = fmt::format_to(out, "{} -> {} from ", e.outside, e.inside);
    if (e.remote)
      out = fmt::format_to(out, "{}", *e.remote);
    else
      out = fmt::format_to(out, "any");
    return fmt::format_to(out, " for {}s call {}", e.timeout, e.call_id);
  }
};

/// `@123 -13 "2.2.2.2:5061"` : offset, old length, replacement.
template <>
struct fmt::formatter<sipalg::alg::edit> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(const sipalg::alg::edit& e, Ctx& ctx) const -> decltype(ctx.out()) {
    return fmt::format_to(ctx.out(), "@{} -{} +{}", e.offset, e.old_len, e.replacement.length);
  }
};

/// `rewritten`, or `malformed (bad_content_length at 312, pass)`.
template <>
struct fmt::formatter<sipalg::alg::rewrite_result> : sipalg::detail::simple_formatter {
  template <class Ctx>
  auto format(const sipalg::alg::rewrite_result& r, Ctx& ctx) const -> decltype(ctx.out()) {
    using sipalg::alg::rewrite_status;
    if (r.status == rewrite_status::rewritten || r.status == rewrite_status::unchanged)
      return fmt::format_to(ctx.out(), "{}", sipalg::alg::to_string(r.status));
    return fmt::format_to(ctx.out(), "{} ({} at {}, {})", sipalg::alg::to_string(r.status), sipalg::alg::error_name(r),
                          r.offset, r.forward() ? "pass" : "drop");
  }
};
