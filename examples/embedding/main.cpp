// Embedding sipalg in a host NAT: parse, plan, mangle, expectations.
// This is the README's embedding example, built and run as a test.
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

#include "sipalg/alg.hpp"

namespace {

// The host's packet buffer: the UDP payload of a SIP packet, with tailroom.
struct host_packet {
  char data[2048];
  std::size_t len = 0;
};

// The host's mangle primitive (think skb mangle / mbuf splice): replace
// old_len bytes at offset with the replacement; false when it cannot.
bool host_mangle(host_packet& p, std::uint32_t off, std::uint32_t old_len, std::string_view rep) {
  if (p.len - old_len + rep.size() > sizeof p.data) return false;
  std::memmove(p.data + off + rep.size(), p.data + off + old_len, p.len - off - old_len);
  std::memcpy(p.data + off, rep.data(), rep.size());
  p.len = p.len - old_len + rep.size();
  return true;
}

}  // namespace

int main() {
  constexpr std::string_view invite =
      "INVITE sip:bob@1.1.1.2 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 192.168.2.100:5060;branch=z9hG4bK776asdhds\r\n"
      "From: <sip:alice@1.1.1.2>;tag=1928301774\r\n"
      "To: <sip:bob@1.1.1.2>\r\n"
      "Call-ID: a84b4c76e66710@192.168.2.100\r\n"
      "CSeq: 314159 INVITE\r\n"
      "Contact: <sip:alice@192.168.2.100:5060>\r\n"
      "Content-Type: application/sdp\r\n"
      "Content-Length: 100\r\n"
      "\r\n"
      "v=0\r\n"
      "o=alice 1 1 IN IP4 192.168.2.100\r\n"
      "s=-\r\n"
      "c=IN IP4 192.168.2.100\r\n"
      "t=0 0\r\n"
      "m=audio 49170 RTP/AVP 0\r\n";
  host_packet pkt;
  std::memcpy(pkt.data, invite.data(), invite.size());
  pkt.len = invite.size();

  // 1. The binding: the flow this message crosses, from the host's conntrack.
  sipalg::alg::binding b;
  b.inside = *sipalg::endpoint::parse("192.168.2.100:5060");  // the phone
  b.outside = *sipalg::endpoint::parse("203.0.113.1:5061");   // its public mapping
  b.peer = *sipalg::endpoint::parse("1.1.1.2:5060");          // the server
  b.transport = sipalg::transport::udp;
  b.dir = sipalg::alg::direction::outbound;

  // 2. Plan: parse (zero-copy) and compute the edits. The host maps media ports.
  static sipalg::alg::rewriter rw{sipalg::alg::policy{}};  // reuse it: ~16 KiB of scratch, no allocation
  auto map_media = [](const sipalg::endpoint& inside, bool /*want_pair*/) -> std::optional<sipalg::endpoint> {
    return sipalg::endpoint{*sipalg::ip_address::parse("203.0.113.1"), static_cast<std::uint16_t>(inside.port + 2)};
  };
  const sipalg::alg::rewrite_result r = rw.plan({pkt.data, pkt.len}, b, map_media);
  if (!r.forward()) return 1;  // the policy says drop (malformed or does not fit)
  std::printf("verdict: %s\n", std::string(sipalg::alg::to_string(r.status)).c_str());

  // 3. Mangle: apply the edits through the host's own primitive; all or nothing.
  if (r.changed()) {
    const auto applied = sipalg::alg::apply_with(rw.edits(), [&](std::uint32_t off, std::uint32_t old_len,
                                                                 std::string_view rep) {
      return host_mangle(pkt, off, old_len, rep);
    });
    if (applied.ec != sipalg::alg::apply_errc::ok) return 1;
  }

  // 4. Expectations: the pinholes the host must open (media) or close.
  for (const sipalg::alg::expectation& e : rw.expectations())
    std::printf("%s %s %s -> %s\n", std::string(to_string(e.action)).c_str(), std::string(to_string(e.kind)).c_str(),
                e.outside.to_text().data(), e.inside.to_text().data());
  std::fwrite(pkt.data, 1, pkt.len, stdout);
  return 0;
}
