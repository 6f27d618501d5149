// sipalg's SIP parse, SDP parse and SIP + SDP parse, through the same registration template (and
// so the same loops and cross-checks) as the competitors: see peer_benchmarks.hpp and
// sipalg_adapter.hpp.
#include <vector>

#include "peer_benchmarks.hpp"
#include "sipalg_adapter.hpp"

namespace sipalg::bench {
namespace {
const register_peer<sipalg_adapter> peer;
const register_benchmarks benchmarks(register_parse_benchmarks<sipalg_adapter>);

// sip_parse_full/sipalg: the index plus the header values the peers parse eagerly.
const register_benchmarks full([](const context& ctx) {
  for (const message* m : ctx.singles())
    add("sip_parse_full/sipalg/" + m->name, [m](benchmark::State& st) {
      run_one(
          st, m->text,
          [m](std::string_view t) {
            auto cid = sipalg_adapter::check_sip(t);
            return cid && *cid == m->call_id && sipalg_adapter::parse_sip_full(t);
          },
          sipalg_adapter::parse_sip_full);
    });
  // The corpus subset whose header values sipalg's sub-parsers all accept (set_size tells how many).
  static std::vector<const message*> set;
  for (const message* m : ctx.corpus_ok)
    if (sipalg_adapter::parse_sip_full(m->text)) set.push_back(m);
  add("sip_parse_full/sipalg/corpus", [](benchmark::State& st) {
    run_set(
        st, set, [](const message& m) { return std::string_view(m.text); }, sipalg_adapter::parse_sip_full);
  });
});
}  // namespace
}  // namespace sipalg::bench
