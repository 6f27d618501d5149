// Every header that needs only the standard library, in one TU built with
// -fno-exceptions -fno-rtti (the contract of include/: no throw, no typeid,
// no dynamic_cast). Runs a little of the API so the program is not empty.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#error "this TU must be compiled with -fno-exceptions"
#endif
#if defined(__cpp_rtti) || defined(__GXX_RTTI)
#error "this TU must be compiled with -fno-rtti"
#endif

#include <cstdio>

#include "sipalg_std_only_headers.hpp"

int main() {
  const auto e = sipalg::endpoint::parse("192.168.0.31:5010");
  if (!e || e->to_text().view() != "192.168.0.31:5010") {
    std::printf("FAILED: endpoint round trip\n");
    return 1;
  }
  std::printf("ok: all headers build with -fno-exceptions -fno-rtti\n");
  return 0;
}
