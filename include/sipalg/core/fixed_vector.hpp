/**
 * @file fixed_vector.hpp
 * `fixed_vector<T, N>`: a vector with inline storage for N elements that
 * never allocates. push_back on a full vector fails (returns false) instead of
 * truncating silently or growing; callers turn that into an error.
 */
#pragma once

#include <cstddef>
#include <type_traits>

#include "sipalg/core/config.hpp"

namespace sipalg {

template <class T, std::size_t N>
class fixed_vector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>,
                "fixed_vector holds plain value types");

 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  static constexpr std::size_t capacity() noexcept { return N; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return size_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] constexpr bool full() const noexcept { return size_ == N; }

  /// Appends `v`; false (and no change) when full.
  [[nodiscard]] constexpr bool push_back(const T& v) noexcept {
    if (size_ == N) return false;
    data_[size_++] = v;
    return true;
  }
  /// Appends a default value and returns it, or nullptr when full.
  [[nodiscard]] constexpr T* emplace_back() noexcept {
    if (size_ == N) return nullptr;
    data_[size_] = T{};
    return &data_[size_++];
  }
  /// Appends one element without resetting it and returns it, or nullptr when full. The element keeps
  /// what its slot held (a default value, or one removed before): the caller sets every field. For hot
  /// paths where `push_back` would build and copy a temporary.
  [[nodiscard]] constexpr T* append_slot() noexcept {
    if (size_ == N) return nullptr;
    return &data_[size_++];
  }
  constexpr void pop_back() noexcept {
    if (size_ != 0) --size_;
  }
  constexpr void clear() noexcept { size_ = 0; }
  /// Removes element `i`, keeping order.
  constexpr void erase(std::size_t i) noexcept {
    if (i >= size_) return;
    for (std::size_t j = i + 1; j < size_; ++j) data_[j - 1] = data_[j];
    --size_;
  }

  /// Element access; `i` must be < size().
  constexpr T& operator[](std::size_t i) noexcept { return data_[i]; }
  constexpr const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  constexpr T& back() noexcept { return data_[size_ - 1]; }
  constexpr const T& back() const noexcept { return data_[size_ - 1]; }

  constexpr T* begin() noexcept { return data_; }
  constexpr T* end() noexcept { return data_ + size_; }
  constexpr const T* begin() const noexcept { return data_; }
  constexpr const T* end() const noexcept { return data_ + size_; }
  constexpr T* data() noexcept { return data_; }
  constexpr const T* data() const noexcept { return data_; }

 private:
  T data_[N]{};
  std::size_t size_ = 0;
};

}  // namespace sipalg
