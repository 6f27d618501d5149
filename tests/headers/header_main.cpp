// Links the per-header TUs and the two ODR TUs into one program and runs a
// little of the API from both ODR TUs, so the test fails on a wrong answer too.
#include <cstdio>
#include <string_view>

std::size_t sipalg_odr_a(std::string_view text);
std::size_t sipalg_odr_b(std::string_view text);

int main() {
  const std::size_t a = sipalg_odr_a("2001:DB8:0:0:0:0:0:1");  // "2001:db8::1"
  const std::size_t b = sipalg_odr_b("[2001:db8::1]:5060");     // "[2001:db8::1]:5060"
  if (a != 11 || b != 18) {
    std::printf("FAILED: got %zu and %zu, want 11 and 18\n", a, b);
    return 1;
  }
  std::printf("ok: every header compiles alone and all link together\n");
  return 0;
}
