/**
 * @file deadline.hpp
 * Time in the NAT tables: the caller passes `now` as monotonic seconds in a
 * `std::uint64_t` (e.g. CLOCK_MONOTONIC / CLOCK_BOOTTIME seconds, or packet
 * capture timestamps); the tables never read a clock. Deadlines are stored
 * as the low 32 bits of `now + timeout` and compared with serial-number
 * arithmetic (RFC 1982 style), so `now` may run past 2^32 seconds; a timeout
 * is limited to max_timeout (68 years), longer ones are clamped.
 */
#pragma once

#include <cstdint>

namespace sipalg::nat {

/// Monotonic time in seconds, supplied by the caller.
using time_s = std::uint64_t;

/// The longest timeout a deadline can express (2^31 - 1 seconds).
inline constexpr std::uint32_t max_timeout = 0x7FFFFFFFu;

/// The stored form of `now + timeout` (timeout clamped to max_timeout).
[[nodiscard]] constexpr std::uint32_t make_deadline(time_s now, std::uint32_t timeout) noexcept {
  if (timeout > max_timeout) timeout = max_timeout;
  return static_cast<std::uint32_t>(now) + timeout;
}

/// Whether `now` has reached the deadline (an entry is alive while now < deadline).
[[nodiscard]] constexpr bool deadline_passed(std::uint32_t deadline, time_s now) noexcept {
  return static_cast<std::int32_t>(deadline - static_cast<std::uint32_t>(now)) <= 0;
}

/// Seconds left until the deadline, 0 when passed.
[[nodiscard]] constexpr std::uint32_t seconds_left(std::uint32_t deadline, time_s now) noexcept {
  const auto d = static_cast<std::int32_t>(deadline - static_cast<std::uint32_t>(now));
  return d > 0 ? static_cast<std::uint32_t>(d) : 0u;
}

}  // namespace sipalg::nat
