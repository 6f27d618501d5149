/**
 * @file mangle.hpp
 * Applying an edit_plan: through the host's own mangle callback (a
 * kernel-style skb mangle, a DPDK mbuf splice, ...), in place in a buffer
 * with tailroom, or by copying to an output buffer.
 *
 * All or nothing: when an edit cannot be applied nothing changes (edits
 * already made through a callback are rolled back with the original bytes
 * the plan kept), and the result says why.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "sipalg/alg/edit_plan.hpp"

namespace sipalg::alg {

enum class apply_errc : std::uint8_t {
  ok = 0,
  mangle_failed,    ///< the host callback refused an edit; the message is unchanged
  rollback_failed,  ///< an edit failed and so did undoing the earlier ones: the host must drop the packet
  no_room,          ///< the output/in-place buffer is too small; nothing was written
};

[[nodiscard]] constexpr std::string_view to_string(apply_errc e) noexcept {
  switch (e) {
    case apply_errc::ok: return "ok";
    case apply_errc::mangle_failed: return "mangle_failed";
    case apply_errc::rollback_failed: return "rollback_failed";
    case apply_errc::no_room: return "no_room";
  }
  return "unknown";
}

struct [[nodiscard]] apply_result {
  apply_errc ec = apply_errc::ok;
  std::size_t size = 0;  ///< size of the message after applying (the untruncated size on no_room)
};

/**
 * Applies `plan` through `mangle(offset, old_len, replacement) -> bool`.
 * Edits are applied from the highest offset down, so every offset the
 * callback receives is the edit's offset in the original message. When the
 * callback returns false, the edits already applied are undone (lowest first)
 * by calling it with the original bytes.
 */
template <class Plan, class Mangle>
apply_result apply_with(const Plan& plan, Mangle&& mangle) noexcept {
  const std::size_t n = plan.size();
  for (std::size_t i = n; i-- > 0;) {
    const edit& e = plan[i];
    if (!mangle(e.offset, e.old_len, plan.replacement(e))) {
      for (std::size_t j = i + 1; j < n; ++j) {
        const edit& done = plan[j];
        if (!mangle(done.offset, done.replacement.length, plan.original(done)))
          return {apply_errc::rollback_failed, plan.message().size()};
      }
      return {apply_errc::mangle_failed, plan.message().size()};
    }
  }
  return {apply_errc::ok, plan.result_size()};
}

/**
 * Applies `plan` in place: `buffer` holds the original message in its first
 * `plan.message().size()` bytes and has `buffer.size()` bytes of capacity.
 * Checks up front that every intermediate size fits, so it never fails half way.
 */
template <class Plan>
apply_result apply_in_place(const Plan& plan, std::span<char> buffer) noexcept {
  std::size_t len = plan.message().size();
  std::int64_t cur = static_cast<std::int64_t>(len), peak = cur;
  for (std::size_t i = plan.size(); i-- > 0;) {
    cur += static_cast<std::int64_t>(plan[i].replacement.length) - plan[i].old_len;
    if (cur > peak) peak = cur;
  }
  if (len > buffer.size() || static_cast<std::uint64_t>(peak) > buffer.size())
    return {apply_errc::no_room, plan.result_size()};
  char* b = buffer.data();
  return apply_with(plan, [&](std::uint32_t off, std::uint32_t old_len, std::string_view rep) noexcept {
    std::memmove(b + off + rep.size(), b + off + old_len, len - off - old_len);
    if (!rep.empty()) std::memcpy(b + off, rep.data(), rep.size());
    len = len - old_len + rep.size();
    return true;
  });
}

/**
 * Writes the rewritten message to `out` in one pass; the input is not
 * modified. On no_room nothing is written and `size` is the size needed.
 */
template <class Plan>
apply_result apply_copy(const Plan& plan, std::span<char> out) noexcept {
  const std::string_view in = plan.message();
  const std::size_t need = plan.result_size();
  if (need > out.size()) return {apply_errc::no_room, need};
  char* w = out.data();
  std::size_t pos = 0;
  for (const edit& e : plan) {
    const std::string_view rep = plan.replacement(e);
    if (e.offset > pos) std::memcpy(w, in.data() + pos, e.offset - pos), w += e.offset - pos;
    if (!rep.empty()) std::memcpy(w, rep.data(), rep.size()), w += rep.size();
    pos = e.offset + e.old_len;
  }
  if (in.size() > pos) std::memcpy(w, in.data() + pos, in.size() - pos);
  return {apply_errc::ok, need};
}

}  // namespace sipalg::alg
