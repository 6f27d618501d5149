// No heap allocation while parsing: this TU replaces the global operator new/delete (for the
// whole test binary; under ASan it uses the sanitizer's malloc hook instead) and counts the
// allocations made inside a measured window.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "sipalg/sip.hpp"
#include "support.hpp"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
#define SIPALG_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIPALG_TEST_ASAN 1
#endif
#endif

#ifdef SIPALG_TEST_ASAN
// Under ASan, replacing operator new clashes with its allocator (alloc-dealloc-mismatch):
// count through the sanitizer's malloc hook instead, which sees every allocation.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                         void (*free_hook)(const volatile void*));
namespace {
void on_malloc(const volatile void*, std::size_t) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
}
void on_free(const volatile void*) {}
const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}  // namespace
#else
void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

using namespace sipalg::sip;

TEST_CASE("alloc: parsing, framing and the sub-parsers allocate nothing", "[sip][alloc]") {
  namespace fs = std::filesystem;
  std::vector<std::string> msgs;
  for (const auto& e : fs::directory_iterator(sipalg::test::data_dir() / "golden"))
    for (const char* n : {"before.sip", "after.sip"})
      if (fs::exists(e.path() / n)) msgs.push_back(*sipalg::test::read_file(e.path() / n));
  REQUIRE(msgs.size() >= 12);
#ifdef SIPALG_TEST_ASAN
  REQUIRE(g_hooks_installed != 0);
#endif
  // The counter works.
  g_counting = true;
  { auto* p = new int(1); delete p; }
  g_counting = false;
  REQUIRE(g_allocations.exchange(0) == 1);

  static message m;  // 2 KiB index: static, so the test does not depend on stack size
  std::size_t total = 0;
  g_counting = true;
  for (const std::string& s : msgs) {
    const parse_result r = parse_message(s, m);
    total += r.offset;
    const framing_result f = frame_message(s);
    total += f.length;
    for (const header& h : m.headers) {
      const std::string_view v = h.value.in(s);
      switch (h.id) {
        case header_id::via: {
          via_reader vr(v);
          via x;
          while (vr.next(x)) total += x.sent_by.port + x.parameters().find("branch").has_value();
          break;
        }
        case header_id::contact: {
          contact_reader cr(v);
          contact c;
          while (cr.next(c)) {
            uri u;
            total += c.address.parse_uri(u).ok() + u.host.port;
          }
          break;
        }
        case header_id::from:
        case header_id::to: {
          name_addr na;
          total += parse_name_addr(v, na).ok();
          break;
        }
        case header_id::cseq: {
          cseq c;
          total += parse_cseq(v, c).ok();
          break;
        }
        case header_id::content_type: {
          content_type ct;
          total += parse_content_type(v, ct).ok();
          break;
        }
        default:
          break;
      }
    }
  }
  g_counting = false;
  CHECK(g_allocations.load() == 0);
  CHECK(total > 0);
}
