// Test helper for the core tests: a heap copy of exactly the input's size, so that
// ASan reports any read one byte past the end (NAT buffers end at the packet end).
#pragma once

#include <cstring>
#include <memory>
#include <string_view>

namespace sipalg::test {

class exact_copy {
 public:
  explicit exact_copy(std::string_view s) : bytes_(new char[s.size()]), size_(s.size()) {
    if (size_ != 0) std::memcpy(bytes_.get(), s.data(), size_);
  }
  [[nodiscard]] std::string_view view() const { return {bytes_.get(), size_}; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_;
};

}  // namespace sipalg::test
