// parse_sdp and find_sdp_body never allocate: this test binary replaces the
// global operator new/delete with counting versions and checks that the
// count does not move while parsing (inputs are copied before counting).
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "sipalg/sdp.hpp"

namespace {
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  std::abort();
}
void* counted_aligned_alloc(std::size_t n, std::align_val_t al) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t a = static_cast<std::size_t>(al);
  std::size_t size = (n + a - 1) / a * a;  // aligned_alloc wants a multiple of the alignment
  if (size == 0) size = a;
  if (void* p = std::aligned_alloc(a, size)) return p;
  std::abort();
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

TEST_CASE("sdp: parsing allocates nothing", "[sdp][alloc]") {
  // The counter works (a test that cannot fail is a defect).
  const std::size_t before_probe = allocations.load();
  void* probe = ::operator new(64);  // a direct call cannot be elided
  ::operator delete(probe);
  REQUIRE(allocations.load() > before_probe);

  const std::string sdp =
      "v=0\r\no=- 1 1 IN IP4 192.168.1.2\r\ns=-\r\nc=IN IP4 192.168.1.2\r\nt=0 0\r\n"
      "m=audio 49170 RTP/AVP 0 8 101\r\na=rtcp:49171 IN IP4 192.168.1.2\r\na=sendonly\r\n"
      "m=video 51372/2 RTP/AVP 31\r\nc=IN IP6 2001:db8::5\r\na=candidate:1 1 UDP 1 10.0.1.1 8998 typ host\r\n";
  const std::string bad = sdp + "m=audio 70000 RTP/AVP 0\r\n";
  const std::string multipart = "--B\r\nContent-Type: application/sdp\r\n\r\n" + sdp + "\r\n--B\r\n"
                                "Content-Type: application/ISUP\r\n\r\n\x01\x02\r\n--B--\r\n";
  auto* d = new sipalg::sdp::session_description;  // large: keep it off the stack

  const std::size_t before = allocations.load();
  const bool ok = parse_sdp(sdp, *d).ok();
  const bool rejected = parse_sdp(bad, *d).ec == sipalg::sdp::errc::bad_port;
  const auto located = sipalg::sdp::find_sdp_body("multipart/mixed; boundary=B", multipart);
  const bool reparsed = located.ok() && parse_sdp(located.sdp, *d).ok();
  const bool whole = sipalg::sdp::find_sdp_body("application/sdp", sdp).ok();
  const std::size_t after = allocations.load();

  delete d;
  CHECK(ok);
  CHECK(rejected);
  CHECK(reparsed);
  CHECK(whole);
  CHECK(after == before);
}
