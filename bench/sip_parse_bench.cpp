// sipalg's SIP parse, SDP parse and SIP + SDP parse, through the same registration template (and
// so the same loops and cross-checks) as the competitors: see peer_benchmarks.hpp and
// sipalg_adapter.hpp.
#include "peer_benchmarks.hpp"
#include "sipalg_adapter.hpp"

namespace sipalg::bench {
namespace {
const register_peer<sipalg_adapter> peer;
const register_benchmarks benchmarks(register_parse_benchmarks<sipalg_adapter>);
}  // namespace
}  // namespace sipalg::bench
