// Shared helpers for the sipalg fuzz targets (not part of the library).
//
// Input layout used by every target that takes options ("mode bits", after
// llhttp's fuzz_parser.c): up to N leading bytes with the high bit set are
// CONTROL bytes (their low 7 bits select parse options, bindings, split points
// ...); the text starts at the first byte below 0x80. SIP and SDP text is
// ASCII, so any raw message (a corpus file, a capture extract) is a valid
// input that runs with the default options, and the fuzzer varies the options
// by prepending bytes >= 0x80.
//
// The text is always handed to the library as an EXACT-SIZE heap copy (after
// fmt's test/fuzzing/fuzzer-common.h): one byte past the end is an ASan
// redzone, which is how NAT packet buffers look to the parser (no padding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "sipalg/core/text_range.hpp"

/// Aborts with the failed condition when an invariant does not hold; libFuzzer
/// (or ASan) then reports it as a crash with the stack and saves the input.
#define SIPALG_FUZZ_CHECK(cond)                                                                  \
  do {                                                                                           \
    if (!(cond)) ::sipalg::fuzz::check_failed(#cond, __FILE__, __LINE__);                        \
  } while (false)

namespace sipalg::fuzz {

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "\n==sipalg-fuzz== invariant violated: %s (%s:%d)\n", what, file, line);
  std::fflush(stderr);
  std::abort();
}

/// An exact-size heap copy of some bytes: reading data()[size()] is a heap
/// buffer overflow that ASan reports. A zero-size copy is a real zero-size
/// allocation, so even a read of the first byte is caught.
class exact_buffer {
 public:
  exact_buffer(const void* data, std::size_t size) : data_(new char[size]), size_(size) {
    if (size != 0) std::memcpy(data_.get(), data, size);
  }
  explicit exact_buffer(std::string_view s) : exact_buffer(s.data(), s.size()) {}

  [[nodiscard]] char* data() noexcept { return data_.get(); }
  [[nodiscard]] const char* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::string_view view() const noexcept { return {data_.get(), size_}; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_;
};

/// True when the comma-separated environment variable SIPALG_FUZZ_SKIP names
/// `issue`: lets a fuzzing session step over an open, already reported bug
/// (the ctest replay never sets it, so the regression input keeps failing
/// until the bug is fixed). Issue names are listed in fuzz/README.md.
[[nodiscard]] inline bool skipping_known_issue(std::string_view issue) {
  const char* env = std::getenv("SIPALG_FUZZ_SKIP");
  if (env == nullptr) return false;
  std::string_view list(env);
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == issue) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

/// Marker bit of a control byte.
inline constexpr std::uint8_t control_marker = 0x80;

/// An input split into its leading control bytes and its text.
struct split_input {
  std::vector<std::uint8_t> control;  ///< control bytes with the marker bit cleared (0..127 each)
  std::string_view text;              ///< the rest of the input (a view of the libFuzzer buffer)

  /// A FuzzedDataProvider over the control bytes; with none, every Consume*
  /// returns its minimum (false, 0, the first enum value): the defaults.
  [[nodiscard]] FuzzedDataProvider provider() const noexcept { return {control.data(), control.size()}; }
};

/// Splits off at most `max_control` leading bytes >= 0x80.
inline split_input split_control(const std::uint8_t* data, std::size_t size, std::size_t max_control) {
  split_input in;
  std::size_t n = 0;
  while (n < size && n < max_control && (data[n] & control_marker) != 0) {
    in.control.push_back(static_cast<std::uint8_t>(data[n] & ~control_marker));
    ++n;
  }
  in.text = std::string_view(reinterpret_cast<const char*>(data) + n, size - n);
  return in;
}

/// True when `part` is empty with no data pointer, or lies entirely inside `whole`.
[[nodiscard]] inline bool within(std::string_view part, std::string_view whole) noexcept {
  if (part.data() == nullptr) return part.empty();
  const auto p = reinterpret_cast<std::uintptr_t>(part.data());
  const auto w = reinterpret_cast<std::uintptr_t>(whole.data());
  return p >= w && p <= w + whole.size() && part.size() <= w + whole.size() - p;
}

/// True when `r` is absent, or names bytes inside a buffer of `size` bytes.
[[nodiscard]] inline bool within(text_range r, std::size_t size) noexcept {
  if (!r.present()) return true;
  return r.offset <= size && r.length <= size - r.offset;
}

/// Offset of `part` (a view into `whole`) from the start of `whole`.
[[nodiscard]] inline std::size_t offset_in(std::string_view part, std::string_view whole) noexcept {
  return static_cast<std::size_t>(part.data() - whole.data());
}

}  // namespace sipalg::fuzz
