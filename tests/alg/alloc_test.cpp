// Zero heap allocations per message (DESIGN.md "Performance targets", issue 5): planning
// and applying the ALG rewrite allocates nothing once the rewriter and the buffers exist.
//
// This file replaces the global operator new/delete for the whole sipalg_alg_tests binary
// (a replacement is program-wide); they forward to malloc/free and count while
// `g_counting` is set. Catch2's macros may allocate, so nothing is checked inside a counting
// window: results are copied to plain variables and checked afterwards.
#include <catch2/catch.hpp>
#include <atomic>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"
#include "support.hpp"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<std::size_t> g_allocations{0};

void* counted_alloc(std::size_t n, std::size_t align = 0) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (n == 0) n = 1;
  if (align <= alignof(std::max_align_t)) return std::malloc(n);
  return std::aligned_alloc(align, (n + align - 1) / align * align);
}
void* alloc_or_throw(std::size_t n, std::size_t align = 0) {
  if (void* p = counted_alloc(n, align)) return p;
#if defined(__cpp_exceptions)
  throw std::bad_alloc();
#else
  std::abort();
#endif
}
}  // namespace

// The replaceable allocation functions ([new.delete]); every form forwards to the two helpers above.
void* operator new(std::size_t n) { return alloc_or_throw(n); }
void* operator new[](std::size_t n) { return alloc_or_throw(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) { return alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return alloc_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return counted_alloc(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

using namespace sipalg;
using namespace sipalg::alg;

namespace {

/// Counts the allocations made while `f` runs.
template <class F>
std::size_t allocations_in(F&& f) {
  g_allocations.store(0);
  g_counting.store(true);
  f();
  g_counting.store(false);
  return g_allocations.load();
}

struct golden {
  std::string before, after;
};

golden load(const char* name) {
  const auto dir = test::data_dir() / "golden" / name;
  auto before = test::read_file(dir / "before.sip");
  auto after = test::read_file(dir / "after.sip");
  REQUIRE(before);
  REQUIRE(after);
  return {*before, *after};
}

binding make(const char* inside, const char* outside, const char* peer, direction d) {
  binding b;
  b.inside = *endpoint::parse(inside);
  b.outside = *endpoint::parse(outside);
  b.peer = *endpoint::parse(peer);
  b.dir = d;
  return b;
}

}  // namespace

TEST_CASE("the allocation counter sees operator new (so the zero below means something)", "[alloc]") {
  int* volatile p = nullptr;
  std::vector<char>* volatile v = nullptr;
  const std::size_t n = allocations_in([&] {
    p = new int(7);
    v = new std::vector<char>(100);
  });
  CHECK(n == 3);  // the int, the vector object, its storage
  delete v;
  delete p;
}

TEST_CASE("plan + apply of the golden INVITE allocates nothing", "[alloc][rewriter]") {
  // Everything is built before counting: the rewriter (about 16 KiB, on the heap here), the
  // message, the binding and the output buffers.
  const golden g = load("seed-routeros-invite");
  const binding b = make("192.168.2.100:5060", "2.2.2.2:5061", "1.1.1.2:5060", direction::outbound);
  auto rw = std::make_unique<rewriter>();
  std::vector<char> out(g.before.size() + 256);
  std::vector<char> place(g.before.size() + 256);
  std::copy(g.before.begin(), g.before.end(), place.begin());
  const ip_address outside = b.outside.address;
  auto mapper = [outside](const endpoint& inside, bool) noexcept -> std::optional<endpoint> {
    return endpoint{outside, inside.port};
  };

  rewrite_result r;
  apply_result copied{}, in_place{};
  std::size_t expectations = 0;
  const std::size_t n = allocations_in([&] {
    r = rw->plan(g.before, b, mapper);
    copied = apply_copy(rw->edits(), out);
    in_place = apply_in_place(rw->edits(), place);
    expectations = rw->expectations().size();
  });
  CHECK(n == 0);
  REQUIRE(r.status == rewrite_status::rewritten);
  REQUIRE(copied.ec == apply_errc::ok);
  REQUIRE(in_place.ec == apply_errc::ok);
  CHECK(std::string(out.data(), copied.size) == g.after);
  CHECK(std::string(place.data(), in_place.size) == g.after);
  CHECK(expectations == 2);

  // The second message through the same rewriter (the steady state of a NAT) allocates nothing either,
  // with the default mapper and through a host mangle callback.
  std::vector<char> third(g.before.size() + 256);
  std::copy(g.before.begin(), g.before.end(), third.begin());
  std::size_t len = g.before.size();
  apply_result via_callback{};
  const std::size_t n2 = allocations_in([&] {
    r = rw->plan(g.before, b);
    via_callback = apply_with(rw->edits(), [&](std::uint32_t off, std::uint32_t old_len, std::string_view rep) {
      std::memmove(third.data() + off + rep.size(), third.data() + off + old_len, len - off - old_len);
      std::memcpy(third.data() + off, rep.data(), rep.size());
      len = len - old_len + rep.size();
      return true;
    });
  });
  CHECK(n2 == 0);
  REQUIRE(via_callback.ec == apply_errc::ok);
  CHECK(std::string(third.data(), len) == g.after);
}

TEST_CASE("every golden case, an inbound message and a malformed one: no allocation", "[alloc][rewriter]") {
  struct item {
    const char* name;
    binding b;
  };
  const item items[] = {
      {"seed-routeros-invite", make("192.168.2.100:5060", "2.2.2.2:5061", "1.1.1.2:5060", direction::outbound)},
      {"seed-spa-invite", make("192.168.20.100:5060", "75.142.151.49:1024", "207.252.1.148:5060", direction::outbound)},
      {"seed-spa-register", make("192.168.20.100:5060", "75.142.151.49:1024", "207.252.1.148:5060", direction::outbound)},
      {"seed-fanvil-register", make("192.168.0.31:5010", "212.19.6.166:5010", "193.233.5.201:5060", direction::outbound)},
      {"seed-fanvil-register-200",
       make("192.168.0.31:5010", "212.19.6.166:5010", "193.233.5.201:5060", direction::inbound)},
      {"seed-fanvil-incoming-invite",
       make("192.168.0.31:5010", "212.19.6.166:5010", "193.233.5.201:5060", direction::inbound)},
  };
  rewriter rw;
  std::vector<char> out(70000);
  for (const item& it : items) {
    const golden g = load(it.name);
    rewrite_result r;
    apply_result a{};
    const std::size_t n = allocations_in([&] {
      r = rw.plan(g.before, it.b);
      a = apply_copy(rw.edits(), out);
    });
    INFO(it.name);
    CHECK(n == 0);
    CHECK((r.status == rewrite_status::rewritten || r.status == rewrite_status::unchanged));
    CHECK(a.ec == apply_errc::ok);
  }
  const std::string bad = "INVITE sip:x SIP/2.0\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde";
  rewrite_result r;
  const std::size_t n = allocations_in([&] { r = rw.plan(bad, items[0].b); });
  CHECK(n == 0);
  CHECK(r.status == rewrite_status::malformed);
}
