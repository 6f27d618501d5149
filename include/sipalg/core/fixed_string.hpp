/**
 * @file fixed_string.hpp
 * `fixed_string<N>`: up to N chars of text in inline storage, for formatted
 * addresses and numbers that must outlive a call without allocating.
 */
#pragma once

#include <cstddef>
#include <string_view>

#include "sipalg/core/config.hpp"

namespace sipalg {

template <std::size_t N>
class fixed_string {
 public:
  constexpr fixed_string() noexcept = default;
  /// Copies `s`, truncated to N chars (callers size N for the longest text).
  constexpr explicit fixed_string(std::string_view s) noexcept { append(s.substr(0, N)); }

  static constexpr std::size_t capacity() noexcept { return N; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] constexpr const char* data() const noexcept { return data_; }
  [[nodiscard]] constexpr char* data() noexcept { return data_; }
  [[nodiscard]] constexpr std::string_view view() const noexcept SIPALG_LIFETIMEBOUND {
    return {data_, size_};
  }
  constexpr operator std::string_view() const noexcept SIPALG_LIFETIMEBOUND { return view(); }

  /// Appends `s`; false (and nothing appended) when it does not fit.
  constexpr bool append(std::string_view s) noexcept {
    if (s.size() > N - size_) return false;
    std::char_traits<char>::copy(data_ + size_, s.data(), s.size());
    size_ += s.size();
    return true;
  }
  constexpr bool push_back(char c) noexcept {
    if (size_ == N) return false;
    data_[size_++] = c;
    return true;
  }
  /// Sets the length after writing into data() directly; `n` must be <= N.
  constexpr void resize(std::size_t n) noexcept { size_ = n <= N ? n : N; }
  constexpr void clear() noexcept { size_ = 0; }

  friend constexpr bool operator==(const fixed_string& a, const fixed_string& b) noexcept {
    return a.view() == b.view();
  }
  friend constexpr bool operator==(const fixed_string& a, std::string_view b) noexcept { return a.view() == b; }

 private:
  char data_[N]{};
  std::size_t size_ = 0;
};

}  // namespace sipalg
