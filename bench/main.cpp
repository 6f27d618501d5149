// sipalg_bench: loads the message sets, builds the cross-checked corpus subsets, registers every
// benchmark of the *_bench.cpp files and runs Google Benchmark.
//
// Extra flag (removed before Google Benchmark sees the arguments):
//   --sipalg_iterations=N   run each benchmark exactly N iterations (Google Benchmark 1.7 has no
//                           "Nx" min_time), for instruction counts under valgrind --tool=callgrind.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.hpp"

using namespace sipalg::bench;

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    constexpr const char flag[] = "--sipalg_iterations=";
    if (std::strncmp(argv[i], flag, sizeof flag - 1) == 0) {
      fixed_iterations() = std::strtoll(argv[i] + sizeof flag - 1, nullptr, 10);
      continue;
    }
    args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;

  for (auto& bad : embedded_mismatches())
    std::fprintf(stderr,
                 "warning: bench/embedded_messages.hpp is stale for tests/data/golden/%s (re-run "
                 "bench/tools/embed_messages.py)\n",
                 bad.c_str());

  context ctx;
  ctx.embedded = embedded_messages();
  ctx.invite_877 = corpus_invite_877();
  ctx.corpus_all = corpus_pcap_messages();

  // Corpus subsets: only the messages that every registered parser accepts with the same Call-ID
  // as the reference scan (and, for SDP, the same first c= address and m= port), so every parser
  // runs on exactly the same bytes.
  std::vector<std::size_t> sip_rejects(parsers().size()), sdp_rejects(parsers().size());
  for (auto& m : ctx.corpus_all) {
    if (m.call_id.empty()) continue;
    bool all = true;
    for (std::size_t p = 0; p < parsers().size(); ++p) {
      auto& e = parsers()[p];
      if (!e.sip_call_id) continue;
      auto cid = e.sip_call_id(m.text);
      if (!cid || *cid != m.call_id) {
        ++sip_rejects[p];
        all = false;
      }
    }
    if (!all) continue;
    ctx.corpus_ok.push_back(&m);
    auto body = body_of(m.text);
    auto ref = reference_sdp(body);
    if (!ref) continue;
    bool sdp_all = true;
    for (std::size_t p = 0; p < parsers().size(); ++p) {
      auto& e = parsers()[p];
      if (!e.sdp) continue;
      auto f = e.sdp(body);
      if (!f || !(*f == *ref)) {
        ++sdp_rejects[p];
        sdp_all = false;
      }
    }
    if (sdp_all) ctx.sdp_ok.push_back(&m);
  }

  std::string who, rej;
  for (std::size_t p = 0; p < parsers().size(); ++p) {
    who += (p ? "," : "") + parsers()[p].name;
    rej += (p ? " " : "") + parsers()[p].name + "=" + std::to_string(sip_rejects[p]) + "/" +
           std::to_string(sdp_rejects[p]);
  }
  std::size_t corpus_bytes = 0;
  for (auto* m : ctx.corpus_ok) corpus_bytes += m->text.size();
  benchmark::AddCustomContext("sipalg.parsers", who);
  benchmark::AddCustomContext("sipalg.alloc_counter", counts_malloc() ? "malloc+operator new" : "operator new");
  benchmark::AddCustomContext("sipalg.corpus_messages", std::to_string(ctx.corpus_all.size()));
  benchmark::AddCustomContext("sipalg.corpus_ok", std::to_string(ctx.corpus_ok.size()) + " messages, " +
                                                      std::to_string(corpus_bytes) + " bytes");
  benchmark::AddCustomContext("sipalg.corpus_sdp_ok", std::to_string(ctx.sdp_ok.size()));
  benchmark::AddCustomContext("sipalg.corpus_rejected_sip/sdp", rej);
  if (ctx.invite_877)
    benchmark::AddCustomContext("sipalg.invite_877",
                                ctx.invite_877->origin + ", " + std::to_string(ctx.invite_877->text.size()) + " bytes");

  for (auto& r : registrations()) r(ctx);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
