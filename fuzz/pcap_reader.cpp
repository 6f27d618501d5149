// Fuzz target: the `sipalg pcap` replay (examples/sipalg/pcap_replay.hpp):
// a LAN-side capture read with libpcap, run through the NAT engine and its
// ALG, the WAN side written out; plus the link-layer decapsulation
// (examples/common/link_layer.hpp) on the raw bytes.
//
// Built only when libpcap, fmt and nlohmann-json are found (as the tool itself).
//
// Input: [mode byte] capture (pcap or pcapng bytes). Mode bits (control byte
// >= 0x80): bit 0 plain NAT (no ALG), bit 1 JSON report, bit 2 small tables
// (16 flows, 8 expectations, 64 public ports), bit 3 media only from the
// signalling peer.
//
// Invariants:
//   - exit status 0 with no error message, or 1/2 with one;
//   - every record is counted once: records == written + skipped (per reason);
//     written == outbound + inbound + passed; consistent + differs <= inbound;
//   - the output capture reads back with libpcap and holds `written` packets;
//   - locate_ipv4: an IPv4 verdict points inside the frame at a version-4 byte.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "../examples/common/link_layer.hpp"
#include "../examples/sipalg/pcap_replay.hpp"
#include "fuzzer_common.hpp"

namespace {

namespace tools = sipalg::tools;

void check_link_layer(std::span<const std::uint8_t> frame) {
  for (auto t : {tools::link_type::null, tools::link_type::ethernet, tools::link_type::raw, tools::link_type::linux_sll,
                 tools::link_type::ipv4, tools::link_type::linux_sll2}) {
    const tools::frame_info fi = tools::locate_ipv4(t, frame);
    SIPALG_FUZZ_CHECK(tools::to_string(fi.status) != "unknown");
    if (fi.status == tools::frame_status::ipv4)
      SIPALG_FUZZ_CHECK(fi.ip_offset < frame.size() && (frame[fi.ip_offset] >> 4) == 4);
  }
}

/// Packets in a capture held in memory, or -1 when libpcap cannot open it.
long count_packets(const std::string& capture) {
  if (capture.empty()) return -1;
  std::string copy = capture;
  std::FILE* f = fmemopen(copy.data(), copy.size(), "rb");
  if (f == nullptr) return -1;
  char errbuf[PCAP_ERRBUF_SIZE] = {0};
  pcap_t* p = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (p == nullptr) {
    std::fclose(f);
    return -1;
  }
  long n = 0;
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  while (pcap_next_ex(p, &h, &d) == 1) ++n;
  pcap_close(p);
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto in = sipalg::fuzz::split_control(data, size, 1);
  const std::uint8_t mode = in.control.empty() ? 0 : in.control[0];
  sipalg::fuzz::exact_buffer capture(in.text);
  check_link_layer({reinterpret_cast<const std::uint8_t*>(capture.data()), capture.size()});
  if (capture.size() == 0) return 0;  // fmemopen needs at least one byte

  tools::replay_options o;
  o.public_address = sipalg::ip_address::v4(203, 0, 113, 1);
  o.alg = (mode & 1) == 0;
  o.json = (mode & 2) != 0;
  o.max_flows = (mode & 4) ? 16 : 256;
  o.max_expectations = (mode & 4) ? 8 : 64;
  if (mode & 4) o.ports = {5000, 5063};
  o.policy.direct_media = (mode & 8) == 0;

  std::FILE* fin = fmemopen(capture.data(), capture.size(), "rb");
  char *out_buf = nullptr, *rep_buf = nullptr;
  std::size_t out_size = 0, rep_size = 0;
  std::FILE* fout = open_memstream(&out_buf, &out_size);
  std::FILE* frep = open_memstream(&rep_buf, &rep_size);
  SIPALG_FUZZ_CHECK(fin != nullptr && fout != nullptr && frep != nullptr);
  std::string error;
  tools::replay_stats st;
  const int rc = tools::replay_capture(o, fin, fout, frep, error, &st);  // closes fin and fout
  std::fclose(frep);
  const std::string written_capture(out_buf != nullptr ? out_buf : "", out_size);
  std::free(out_buf);
  std::free(rep_buf);

  SIPALG_FUZZ_CHECK(rc == 0 || rc == 1 || rc == 2);
  SIPALG_FUZZ_CHECK((rc == 0) == error.empty());
  SIPALG_FUZZ_CHECK(st.records == st.written + st.skipped_total());
  SIPALG_FUZZ_CHECK(st.written == st.outbound + st.inbound + st.passed);
  SIPALG_FUZZ_CHECK(st.consistent + st.differs <= st.inbound);
  if (!written_capture.empty()) {
    const long n = count_packets(written_capture);
    SIPALG_FUZZ_CHECK(n >= 0 && static_cast<std::uint64_t>(n) == st.written);
  } else {
    SIPALG_FUZZ_CHECK(st.written == 0);
  }
  return 0;
}
