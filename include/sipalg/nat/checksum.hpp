/**
 * @file checksum.hpp
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Conventions: data is summed as big-endian 16-bit words; every 16-bit value
 * here (sums, checksums, fields) is the host-order value of those two bytes,
 * so a checksum field is read with a big-endian load and written back the
 * same way. A "sum" is the folded one's complement sum (not complemented); a
 * "checksum" is its complement, as stored in a header.
 *
 * UDP over IPv4 (RFC 768): a checksum field of 0 means "no checksum" and must
 * stay 0 through NAT; a computed checksum of 0 is sent as 0xFFFF. The `udp_`
 * functions implement both rules.
 */
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "sipalg/nat/bytes.hpp"

namespace sipalg::nat {

/// IP protocol numbers used by the NAT layer.
inline constexpr std::uint8_t ip_proto_tcp = 6;
inline constexpr std::uint8_t ip_proto_udp = 17;

namespace detail {
/// Folds a wide accumulator of 16/32-bit words to a 16-bit one's complement sum (end-around carry).
[[nodiscard]] constexpr std::uint16_t fold(std::uint64_t s) noexcept {
  s = (s & 0xFFFFFFFFu) + (s >> 32);
  s = (s & 0xFFFFFFFFu) + (s >> 32);
  s = (s & 0xFFFFu) + (s >> 16);
  s = (s & 0xFFFFu) + (s >> 16);
  s = (s & 0xFFFFu) + (s >> 16);
  return static_cast<std::uint16_t>(s);
}
}  // namespace detail

/// One's complement sum of two 16-bit values (RFC 1071 "+'").
[[nodiscard]] constexpr std::uint16_t ones_add(std::uint16_t a, std::uint16_t b) noexcept {
  return detail::fold(std::uint64_t{a} + b);
}

/**
 * One's complement sum (RFC 1071) of `data` as big-endian 16-bit words, added
 * to `sum` and folded to 16 bits; an odd last byte is padded with a zero low
 * byte. To chain calls over consecutive pieces every piece but the last must
 * have an even length.
 */
namespace detail {
/**
 * ones_sum() at run time on a little-endian CPU: native 8-byte words added
 * with carry into a 128-bit accumulator (two instructions per word). The
 * one's complement sum does not depend on byte order (RFC 1071 2.(B)): the
 * sum of the byte-swapped words is the byte-swapped sum, so the result is
 * swapped once at the end. A last odd byte is the high byte of its
 * big-endian word, so the low byte of a native one.
 */
[[nodiscard]] inline std::uint16_t ones_sum_native_le(const std::uint8_t* p, std::size_t n) noexcept {
#if defined(__SIZEOF_INT128__)
  __extension__ using wide = unsigned __int128;
#else
  using wide = std::uint64_t;  // then each word goes in as two 32-bit halves
#endif
  wide acc = 0;
  const auto add8 = [&acc](const std::uint8_t* q) {
    std::uint64_t w;
    std::memcpy(&w, q, 8);
#if defined(__SIZEOF_INT128__)
    acc += w;
#else
    acc += (w & 0xFFFFFFFFu) + (w >> 32);
#endif
  };
  for (; n >= 32; p += 32, n -= 32) add8(p), add8(p + 8), add8(p + 16), add8(p + 24);
  for (; n >= 8; p += 8, n -= 8) add8(p);
  std::uint64_t tail = 0;
  if (n >= 4) {
    std::uint32_t w;
    std::memcpy(&w, p, 4);
    tail += w, p += 4, n -= 4;
  }
  if (n >= 2) {
    std::uint16_t w;
    std::memcpy(&w, p, 2);
    tail += w, p += 2, n -= 2;
  }
  if (n != 0) tail += p[0];
#if defined(__SIZEOF_INT128__)
  const auto lo = static_cast<std::uint64_t>(acc), hi = static_cast<std::uint64_t>(acc >> 64);
  std::uint64_t s = lo + hi;
  s += s < lo;  // end-around carry: 2^64 is 1 modulo 0xFFFF
  const std::uint16_t native = fold((s & 0xFFFFFFFFu) + (s >> 32) + tail);
#else
  const std::uint16_t native = fold(acc + tail);
#endif
  return static_cast<std::uint16_t>((native << 8) | (native >> 8));
}
}  // namespace detail

[[nodiscard]] constexpr std::uint16_t ones_sum(std::span<const std::uint8_t> data, std::uint16_t sum = 0) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    if (!std::is_constant_evaluated())
      return ones_add(detail::ones_sum_native_le(data.data(), data.size()), sum);
  }
  std::uint64_t acc = sum;
  const std::uint8_t* p = data.data();
  const std::size_t n = data.size();
  std::size_t i = 0;
  // 32-bit words: hi*65536 + lo is hi + lo modulo 0xFFFF, so fold() finishes the job.
  for (; i + 16 <= n; i += 16)
    acc += std::uint64_t{detail::load_be32(p + i)} + detail::load_be32(p + i + 4) + detail::load_be32(p + i + 8) +
           detail::load_be32(p + i + 12);
  for (; i + 4 <= n; i += 4) acc += detail::load_be32(p + i);
  if (i + 2 <= n) acc += detail::load_be16(p + i), i += 2;
  if (i < n) acc += std::uint32_t{p[i]} << 8;
  return detail::fold(acc);
}

/// The Internet checksum of `data`: the complement of its one's complement sum.
/// Over a header whose checksum field holds the right value, the sum is 0xFFFF.
[[nodiscard]] constexpr std::uint16_t internet_checksum(std::span<const std::uint8_t> data) noexcept {
  return static_cast<std::uint16_t>(~ones_sum(data));
}

/// Sum of the IPv4 pseudo header of RFC 768 / RFC 793 (addresses in host order, `length` = UDP/TCP segment size).
[[nodiscard]] constexpr std::uint16_t pseudo_header_sum(std::uint32_t src, std::uint32_t dst, std::uint8_t proto,
                                                        std::uint16_t length) noexcept {
  return detail::fold(std::uint64_t{src} + dst + proto + length);
}

/**
 * RFC 1624 eqn. 3: the checksum `hc` after a 16-bit field covered by it
 * changes from `old_value` to `new_value`: HC' = ~(~HC + ~m + m').
 * Equals a full recompute: both are the same value modulo 0xFFFF and use the
 * same representative, except for data that becomes all zeros, where a full
 * recompute gives 0xFFFF and eqn. 3 the equivalent 0x0000 (RFC 1624 section 3).
 */
[[nodiscard]] constexpr std::uint16_t checksum_update16(std::uint16_t hc, std::uint16_t old_value,
                                                        std::uint16_t new_value) noexcept {
  const std::uint64_t s = std::uint64_t{static_cast<std::uint16_t>(~hc)} + static_cast<std::uint16_t>(~old_value) +
                          new_value;
  return static_cast<std::uint16_t>(~detail::fold(s));
}

/// Eqn. 3 for a 32-bit field (an IPv4 address, a TCP sequence number): both halves at once.
[[nodiscard]] constexpr std::uint16_t checksum_update32(std::uint16_t hc, std::uint32_t old_value,
                                                        std::uint32_t new_value) noexcept {
  const std::uint64_t s = std::uint64_t{static_cast<std::uint16_t>(~hc)} +
                          static_cast<std::uint16_t>(~(old_value >> 16)) +
                          static_cast<std::uint16_t>(~old_value) + (new_value >> 16) + (new_value & 0xFFFFu);
  return static_cast<std::uint16_t>(~detail::fold(s));
}

/// checksum_update16 for a UDP checksum: 0 ("none") stays 0, a result of 0 becomes 0xFFFF.
[[nodiscard]] constexpr std::uint16_t udp_checksum_update16(std::uint16_t hc, std::uint16_t old_value,
                                                            std::uint16_t new_value) noexcept {
  if (hc == 0) return 0;
  const std::uint16_t r = checksum_update16(hc, old_value, new_value);
  return r == 0 ? std::uint16_t{0xFFFF} : r;
}

/// checksum_update32 for a UDP checksum: 0 ("none") stays 0, a result of 0 becomes 0xFFFF.
[[nodiscard]] constexpr std::uint16_t udp_checksum_update32(std::uint16_t hc, std::uint32_t old_value,
                                                            std::uint32_t new_value) noexcept {
  if (hc == 0) return 0;
  const std::uint16_t r = checksum_update32(hc, old_value, new_value);
  return r == 0 ? std::uint16_t{0xFFFF} : r;
}

/**
 * The UDP or TCP checksum of `segment` (header + payload) over IPv4: pseudo
 * header + segment, with the two bytes at `checksum_offset` (6 for UDP, 16 for
 * TCP) taken as zero whatever they hold. For UDP a computed 0 is returned as
 * 0xFFFF. Precondition: segment.size() <= 65535 and checksum_offset + 2 <= size.
 */
[[nodiscard]] constexpr std::uint16_t l4_checksum(std::uint32_t src, std::uint32_t dst, std::uint8_t proto,
                                                  std::span<const std::uint8_t> segment,
                                                  std::size_t checksum_offset) noexcept {
  const auto len = static_cast<std::uint16_t>(segment.size());
  std::uint16_t s = pseudo_header_sum(src, dst, proto, len);
  s = ones_sum(segment.first(checksum_offset), s);  // checksum_offset is even
  s = ones_sum(segment.subspan(checksum_offset + 2), s);
  const auto c = static_cast<std::uint16_t>(~s);
  return (proto == ip_proto_udp && c == 0) ? std::uint16_t{0xFFFF} : c;
}

/// Whether the checksum stored in `segment` verifies (sum over pseudo header and
/// segment is 0xFFFF). A UDP checksum field of 0 ("none") always verifies.
[[nodiscard]] constexpr bool l4_checksum_ok(std::uint32_t src, std::uint32_t dst, std::uint8_t proto,
                                            std::span<const std::uint8_t> segment) noexcept {
  if (proto == ip_proto_udp && segment.size() >= 8 && detail::load_be16(segment.data() + 6) == 0) return true;
  const auto len = static_cast<std::uint16_t>(segment.size());
  return ones_sum(segment, pseudo_header_sum(src, dst, proto, len)) == 0xFFFF;
}

}  // namespace sipalg::nat
