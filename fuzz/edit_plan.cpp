// Fuzz target: alg::edit_plan and the three ways to apply it (mangle.hpp).
//
// The input is split by FuzzedDataProvider: a list of edit requests (offset,
// old length, replacement) taken from the end, the original message from the
// rest. Invariants:
//   - accepted edits stay sorted, non-overlapping and inside the message;
//     a rejected edit leaves the plan unchanged;
//   - apply_copy, apply_in_place and apply_with produce the same bytes, equal
//     to a naive reference, of result_size() bytes;
//   - too small an output/in-place buffer gives no_room and writes nothing;
//   - a mangle callback that fails at the k-th call leaves the message exactly
//     as it was (rollback), or reports rollback_failed when undoing fails too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzzer_common.hpp"
#include "sipalg/alg/edit_plan.hpp"
#include "sipalg/alg/mangle.hpp"

namespace {

using plan_t = sipalg::alg::basic_edit_plan<8, 256>;

std::string reference(const plan_t& plan) {
  std::string out;
  const std::string_view in = plan.message();
  std::size_t pos = 0;
  for (const auto& e : plan) {
    out.append(in.substr(pos, e.offset - pos));
    out.append(plan.replacement(e));
    pos = e.offset + e.old_len;
  }
  out.append(in.substr(pos));
  return out;
}

void check_plan_shape(const plan_t& plan) {
  const std::size_t n = plan.message().size();
  std::int64_t delta = 0;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const auto& e = plan[i];
    SIPALG_FUZZ_CHECK(e.offset <= n && e.old_len <= n - e.offset);
    SIPALG_FUZZ_CHECK(plan.original(e) == plan.message().substr(e.offset, e.old_len));
    SIPALG_FUZZ_CHECK(plan.replacement(e) != plan.original(e));
    if (i > 0) {
      const auto& p = plan[i - 1];
      SIPALG_FUZZ_CHECK(p.offset + p.old_len <= e.offset && p.offset < e.offset);
    }
    delta += static_cast<std::int64_t>(e.replacement.length) - e.old_len;
  }
  SIPALG_FUZZ_CHECK(plan.delta() == delta);
  SIPALG_FUZZ_CHECK(plan.delta_within(0, static_cast<std::uint32_t>(n)) == delta);
  SIPALG_FUZZ_CHECK(static_cast<std::int64_t>(plan.result_size()) == static_cast<std::int64_t>(n) + delta);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider fdp(data, size);
  struct request {
    std::uint32_t offset, old_len;
    std::string replacement;
  };
  std::vector<request> requests(fdp.ConsumeIntegralInRange<std::size_t>(0, 12));
  for (auto& r : requests) {
    r.offset = fdp.ConsumeIntegralInRange<std::uint32_t>(0, 300);
    r.old_len = fdp.ConsumeIntegralInRange<std::uint32_t>(0, 40);
    r.replacement = fdp.ConsumeRandomLengthString(48);
  }
  const std::size_t fail_at = fdp.ConsumeIntegralInRange<std::size_t>(0, 16);
  const bool fail_rollback = fdp.ConsumeBool();
  const std::string rest = fdp.ConsumeRemainingBytesAsString();
  const sipalg::fuzz::exact_buffer message(rest);

  static plan_t plan;  // 8 edits, 256 arena bytes: small, to reach the limits
  plan.reset(message.view());
  for (const auto& r : requests) {
    const plan_t before = plan;
    const auto ec = plan.replace(r.offset, r.old_len, r.replacement);
    if (ec != sipalg::alg::plan_errc::ok) {
      SIPALG_FUZZ_CHECK(plan.size() == before.size());
      for (std::size_t i = 0; i < plan.size(); ++i)
        SIPALG_FUZZ_CHECK(plan[i].offset == before[i].offset && plan[i].old_len == before[i].old_len);
      SIPALG_FUZZ_CHECK(plan.error() != sipalg::alg::plan_errc::ok);
    }
    check_plan_shape(plan);
  }
  const std::string expected = reference(plan);
  SIPALG_FUZZ_CHECK(expected.size() == plan.result_size());

  // apply_copy: exact size, then one byte short.
  {
    sipalg::fuzz::exact_buffer out(std::string(expected.size(), '\0'));
    const auto r = sipalg::alg::apply_copy(plan, std::span<char>(out.data(), out.size()));
    SIPALG_FUZZ_CHECK(r.ec == sipalg::alg::apply_errc::ok && r.size == expected.size());
    SIPALG_FUZZ_CHECK(out.view() == expected);
    if (!expected.empty()) {
      sipalg::fuzz::exact_buffer small(std::string(expected.size() - 1, '#'));
      const auto s = sipalg::alg::apply_copy(plan, std::span<char>(small.data(), small.size()));
      SIPALG_FUZZ_CHECK(s.ec == sipalg::alg::apply_errc::no_room && s.size == expected.size());
      SIPALG_FUZZ_CHECK(small.view() == std::string(expected.size() - 1, '#'));
    }
  }
  // apply_in_place: with just enough room for the largest intermediate size.
  {
    std::size_t peak = message.size();
    std::int64_t cur = static_cast<std::int64_t>(message.size());
    for (std::size_t i = plan.size(); i-- > 0;) {
      cur += static_cast<std::int64_t>(plan[i].replacement.length) - plan[i].old_len;
      if (cur > static_cast<std::int64_t>(peak)) peak = static_cast<std::size_t>(cur);
    }
    std::string room(message.view());
    room.resize(peak, '\0');
    sipalg::fuzz::exact_buffer buf(room);
    const auto r = sipalg::alg::apply_in_place(plan, std::span<char>(buf.data(), buf.size()));
    SIPALG_FUZZ_CHECK(r.ec == sipalg::alg::apply_errc::ok && r.size == expected.size());
    SIPALG_FUZZ_CHECK(buf.view().substr(0, r.size) == expected);
    if (peak > 0) {
      sipalg::fuzz::exact_buffer tight(std::string_view(room).substr(0, peak - 1));
      const std::string before(tight.view());
      const auto t = sipalg::alg::apply_in_place(plan, std::span<char>(tight.data(), tight.size()));
      if (peak > message.size() || message.size() > tight.size()) {
        SIPALG_FUZZ_CHECK(t.ec == sipalg::alg::apply_errc::no_room);
        SIPALG_FUZZ_CHECK(tight.view() == before);
      }
    }
  }
  // apply_with: a callback on a std::string that fails at call `fail_at`.
  {
    std::string target(message.view());
    std::size_t calls = 0;
    bool failing_phase = false;
    const auto r = sipalg::alg::apply_with(plan, [&](std::uint32_t off, std::uint32_t old_len, std::string_view rep) {
      const std::size_t call = calls++;
      if (call == fail_at) {
        failing_phase = true;
        return false;
      }
      if (failing_phase && fail_rollback) return false;
      SIPALG_FUZZ_CHECK(off <= target.size() && old_len <= target.size() - off);
      target.replace(off, old_len, rep);
      return true;
    });
    if (fail_at >= plan.size()) {
      SIPALG_FUZZ_CHECK(r.ec == sipalg::alg::apply_errc::ok && target == expected);
    } else if (r.ec == sipalg::alg::apply_errc::mangle_failed) {
      SIPALG_FUZZ_CHECK(target == message.view());
    } else {
      SIPALG_FUZZ_CHECK(r.ec == sipalg::alg::apply_errc::rollback_failed && fail_rollback);
    }
  }
  return 0;
}
