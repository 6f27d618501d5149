// Test helpers for tests/nat: IPv4/UDP/TCP packets built byte by byte, a
// from-scratch reference checksum (16-bit words, independent of checksum.hpp),
// and a deterministic PRNG.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sipalg::nat::test {

/// splitmix64: deterministic everywhere (std distributions are not).
struct prng {
  std::uint64_t state;
  explicit prng(std::uint64_t seed) : state(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(next()); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(next()); }
  std::uint8_t u8() { return static_cast<std::uint8_t>(next()); }
};

/// RFC 1071 one's complement sum, the textbook way: 16-bit words, carry folded after each add.
inline std::uint16_t ref_sum(const std::uint8_t* p, std::size_t n, std::uint32_t start = 0) {
  std::uint32_t s = start;
  for (std::size_t i = 0; i < n; i += 2) {
    const std::uint32_t w = (std::uint32_t{p[i]} << 8) | (i + 1 < n ? p[i + 1] : 0u);
    s += w;
    while (s >> 16) s = (s & 0xFFFF) + (s >> 16);
  }
  return static_cast<std::uint16_t>(s);
}
inline std::uint16_t ref_sum(const std::vector<std::uint8_t>& v) { return ref_sum(v.data(), v.size()); }

inline void put16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t x) {
  v[at] = static_cast<std::uint8_t>(x >> 8), v[at + 1] = static_cast<std::uint8_t>(x);
}
inline void put32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
  put16(v, at, static_cast<std::uint16_t>(x >> 16)), put16(v, at + 2, static_cast<std::uint16_t>(x));
}
inline std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
inline std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

/// The IPv4 header checksum a sender would write (reference implementation).
inline std::uint16_t ref_ip_checksum(const std::uint8_t* hdr, std::size_t hl) {
  std::vector<std::uint8_t> h(hdr, hdr + hl);
  h[10] = h[11] = 0;
  return static_cast<std::uint16_t>(~ref_sum(h) & 0xFFFF);
}

/// The UDP/TCP checksum a sender would write over `packet` (IPv4 header at 0; reference implementation).
inline std::uint16_t ref_l4_checksum(const std::uint8_t* packet) {
  const std::size_t hl = (packet[0] & 0x0F) * 4u;
  const std::size_t total = get16(packet + 2);
  const std::uint8_t proto = packet[9];
  const std::size_t len = total - hl;
  std::vector<std::uint8_t> pseudo(12);
  for (int i = 0; i < 8; ++i) pseudo[static_cast<std::size_t>(i)] = packet[12 + i];
  pseudo[8] = 0, pseudo[9] = proto;
  put16(pseudo, 10, static_cast<std::uint16_t>(len));
  std::vector<std::uint8_t> seg(packet + hl, packet + total);
  const std::size_t csum_at = proto == 17 ? 6 : 16;
  seg[csum_at] = seg[csum_at + 1] = 0;
  std::uint16_t s = ref_sum(pseudo);
  s = ref_sum(seg.data(), seg.size(), s);
  std::uint16_t c = static_cast<std::uint16_t>(~s & 0xFFFF);
  if (proto == 17 && c == 0) c = 0xFFFF;
  return c;
}

struct packet_spec {
  std::uint32_t src = 0xC0A8010A;  // 192.168.1.10
  std::uint32_t dst = 0xC6336407;  // 198.51.100.7
  std::uint8_t proto = 17;
  std::uint16_t sport = 5060, dport = 5060;
  std::string payload = "hello";
  std::uint8_t ttl = 64;
  std::uint16_t id = 0x1234;
  std::uint16_t frag = 0x4000;  // DF
  std::vector<std::uint8_t> ip_options;   // multiple of 4
  std::vector<std::uint8_t> tcp_options;  // multiple of 4
  std::uint32_t seq = 1000, ack = 2000;
  std::uint8_t tcp_flags = 0x18;  // PSH|ACK
  bool udp_checksum = true;
  std::size_t tailroom = 0;  // extra zero bytes after the packet (buffer capacity)
};

/// A complete packet with correct checksums; size = total length + tailroom.
inline std::vector<std::uint8_t> build(const packet_spec& s) {
  const std::size_t hl = 20 + s.ip_options.size();
  const std::size_t l4h = s.proto == 17 ? 8 : s.proto == 6 ? 20 + s.tcp_options.size() : 0;
  const std::size_t total = hl + l4h + s.payload.size();
  std::vector<std::uint8_t> v(total + s.tailroom, 0);
  v[0] = static_cast<std::uint8_t>(0x40 | (hl / 4));
  v[1] = 0;
  put16(v, 2, static_cast<std::uint16_t>(total));
  put16(v, 4, s.id);
  put16(v, 6, s.frag);
  v[8] = s.ttl, v[9] = s.proto;
  put32(v, 12, s.src), put32(v, 16, s.dst);
  for (std::size_t i = 0; i < s.ip_options.size(); ++i) v[20 + i] = s.ip_options[i];
  if (s.proto == 17) {
    put16(v, hl, s.sport), put16(v, hl + 2, s.dport), put16(v, hl + 4, static_cast<std::uint16_t>(l4h + s.payload.size()));
  } else if (s.proto == 6) {
    put16(v, hl, s.sport), put16(v, hl + 2, s.dport), put32(v, hl + 4, s.seq), put32(v, hl + 8, s.ack);
    v[hl + 12] = static_cast<std::uint8_t>((l4h / 4) << 4);
    v[hl + 13] = s.tcp_flags;
    put16(v, hl + 14, 65535);
    for (std::size_t i = 0; i < s.tcp_options.size(); ++i) v[hl + 20 + i] = s.tcp_options[i];
  }
  for (std::size_t i = 0; i < s.payload.size(); ++i) v[hl + l4h + i] = static_cast<std::uint8_t>(s.payload[i]);
  put16(v, 10, ref_ip_checksum(v.data(), hl));
  if (s.proto == 17 && s.udp_checksum) put16(v, hl + 6, ref_l4_checksum(v.data()));
  if (s.proto == 6) put16(v, hl + 16, ref_l4_checksum(v.data()));
  return v;
}

/// An exact-size heap copy of the first n bytes (ASan flags any read past it).
struct exact_copy {
  std::unique_ptr<std::uint8_t[]> bytes;
  std::size_t size;
  exact_copy(const std::vector<std::uint8_t>& v, std::size_t n) : bytes(new std::uint8_t[n == 0 ? 1 : n]), size(n) {
    for (std::size_t i = 0; i < n; ++i) bytes[i] = v[i];
  }
  std::span<std::uint8_t> span() { return {bytes.get(), size}; }
};

inline std::string_view text(std::span<const std::uint8_t> s) {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

}  // namespace sipalg::nat::test
