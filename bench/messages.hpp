// The messages the benchmarks parse: the embedded golden set (always there) and, in the development
// workspace, messages read in place from ../shared/corpus (never copied into the repository).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "embedded_messages.hpp"

namespace sipalg::bench {

/// One message to parse. `text` owns an exact-size copy of the bytes (no padding after the end).
struct message {
  std::string name;     ///< benchmark name part, e.g. "golden_spa_invite"
  std::string text;     ///< the wire bytes
  std::string call_id;  ///< the Call-ID every parser must return (cross-check)
  std::string origin;   ///< where the bytes come from (for RESULTS.md)
};

/// The SDP body: everything after the first empty line (CRLF CRLF, or LF LF), or empty.
inline std::string_view body_of(std::string_view msg) {
  auto p = msg.find("\r\n\r\n");
  if (p != std::string_view::npos) return msg.substr(p + 4);
  p = msg.find("\n\n");
  if (p != std::string_view::npos) return msg.substr(p + 2);
  return {};
}

/// Reference Call-ID extraction used to cross-check every parser: the first `Call-ID:` or `i:` header
/// line of the head, trimmed of SP/HTAB. Deliberately simple and independent of all the parsers
/// measured; a message it gets wrong (a folded Call-ID) just drops out of the corpus set.
inline std::string reference_call_id(std::string_view msg) {
  std::size_t pos = 0;
  while (pos < msg.size()) {
    auto eol = msg.find('\n', pos);
    if (eol == std::string_view::npos) eol = msg.size();
    std::string_view line = msg.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of head
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view name = line.substr(0, colon);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      auto ieq = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() &&
               std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
      };
      if (ieq(name, "call-id") || ieq(name, "i")) {
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        return std::string(v);
      }
    }
    pos = eol + 1;
  }
  return {};
}

/// The folder holding corpus/ and golden/: $SIPALG_SHARED_DIR, else the configure-time default
/// (../shared next to the source tree), or nullopt when absent (a user's clone).
inline std::optional<std::filesystem::path> shared_dir() {
  std::error_code ec;
  if (const char* env = std::getenv("SIPALG_SHARED_DIR"); env && *env) {
    if (std::filesystem::is_directory(env, ec)) return std::filesystem::path(env);
    return std::nullopt;
  }
#ifdef SIPALG_SHARED_DIR
  if (std::filesystem::is_directory(SIPALG_SHARED_DIR, ec)) return std::filesystem::path(SIPALG_SHARED_DIR);
#endif
  return std::nullopt;
}

inline std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The golden cases' before.sip messages plus the MicroSIP INVITE, in benchmark order.
inline std::vector<message> embedded_messages() {
  std::vector<message> v;
  for (const auto& g : embedded::golden_cases)
    v.push_back(message{std::string(g.name), std::string(g.before), std::string(g.call_id),
                        "tests/data/golden/" + std::string(g.folder) + "/before.sip"});
  v.push_back(message{"microsip_invite", std::string(embedded::microsip_invite),
                      std::string(embedded::microsip_invite_call_id),
                      "MicroSIP INVITE + SDP, PcapPlusPlus sip_non_default_port.pcap (Unlicense)"});
  return v;
}

/// Compares the embedded golden copies with tests/data/golden (SIPALG_BENCH_GOLDEN_DIR) when that
/// folder is there. Returns the folders that differ (empty: all equal, or nothing to compare with).
inline std::vector<std::string> embedded_mismatches() {
  std::vector<std::string> bad;
#ifdef SIPALG_BENCH_GOLDEN_DIR
  const std::filesystem::path dir = SIPALG_BENCH_GOLDEN_DIR;
  for (const auto& g : embedded::golden_cases) {
    auto before = read_file(dir / g.folder / "before.sip");
    auto after = read_file(dir / g.folder / "after.sip");
    if ((before && *before != g.before) || (after && *after != g.after)) bad.emplace_back(g.folder);
  }
#endif
  return bad;
}

/// The real 877-byte INVITE with SDP closest to the 870 bytes the issue cites (heplify
/// FAX-Call-t38 capture, AGPL-3.0: read in place, never copied). nullopt without the corpus.
inline std::optional<message> corpus_invite_877() {
  auto shared = shared_dir();
  if (!shared) return std::nullopt;
  auto f = read_file(*shared / "corpus/pcap/heplify-fax-call-t38/001_INVITE.sip");
  if (!f) return std::nullopt;
  std::string cid = reference_call_id(*f);
  return message{"corpus_invite_877", std::move(*f), std::move(cid),
                 "corpus pcap/heplify-fax-call-t38/001_INVITE.sip (real, AGPL-3.0, read in place)"};
}

/// Every distinct SIP message extracted from the corpus captures (pcap/*/NNN_*.sip), except the
/// captures whose nature is "fuzzed" in pcap/captures.tsv. Sorted by path. Empty without the corpus.
inline std::vector<message> corpus_pcap_messages() {
  std::vector<message> out;
  auto shared = shared_dir();
  if (!shared) return out;
  const auto pcap = *shared / "corpus" / "pcap";
  std::set<std::string> fuzzed;
  if (auto tsv = read_file(pcap / "captures.tsv")) {
    std::size_t pos = 0;
    while (pos < tsv->size()) {
      auto eol = tsv->find('\n', pos);
      if (eol == std::string::npos) eol = tsv->size();
      std::string line = tsv->substr(pos, eol - pos);
      pos = eol + 1;
      std::vector<std::string> f;
      std::size_t s = 0;
      for (;;) {
        auto t = line.find('\t', s);
        f.push_back(line.substr(s, t == std::string::npos ? std::string::npos : t - s));
        if (t == std::string::npos) break;
        s = t + 1;
      }
      if (f.size() > 5 && f[5] == "fuzzed") fuzzed.insert(f[0]);
    }
  }
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (auto& cap : std::filesystem::directory_iterator(pcap, ec)) {
    if (!cap.is_directory() || fuzzed.count(cap.path().filename().string())) continue;
    for (auto& f : std::filesystem::directory_iterator(cap.path(), ec))
      if (f.path().extension() == ".sip") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> seen;
  for (auto& p : files) {
    auto f = read_file(p);
    if (!f || f->empty() || !seen.insert(*f).second) continue;
    std::string cid = reference_call_id(*f);
    std::string rel = p.parent_path().filename().string() + "/" + p.filename().string();
    out.push_back(message{rel, std::move(*f), std::move(cid), "corpus pcap/" + rel});
  }
  return out;
}

}  // namespace sipalg::bench
