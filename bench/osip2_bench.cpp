// osip2 parse benchmarks (see peer_benchmarks.hpp). Own translation unit: osip2's SDP header
// clashes with sofia-sip's.
#ifdef SIPALG_BENCH_HAVE_OSIP2
#include "competitors/osip2_adapter.hpp"
#include "peer_benchmarks.hpp"

namespace sipalg::bench {
namespace {
const register_peer<osip2_adapter> peer;
const register_benchmarks benchmarks(register_parse_benchmarks<osip2_adapter>);
}  // namespace
}  // namespace sipalg::bench
#endif
