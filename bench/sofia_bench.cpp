// sofia-sip parse benchmarks (see peer_benchmarks.hpp). Own translation unit: sofia-sip's SDP
// header clashes with osip2's.
#ifdef SIPALG_BENCH_HAVE_SOFIA
#include "competitors/sofia_adapter.hpp"
#include "peer_benchmarks.hpp"

namespace sipalg::bench {
namespace {
const register_peer<sofia_adapter> peer;
const register_benchmarks benchmarks(register_parse_benchmarks<sofia_adapter>);
}  // namespace
}  // namespace sipalg::bench
#endif
