// Helpers shared by the sdp/ tests: exact-size heap copies (ASan catches any
// read past the end), a guard-page buffer, and a check that every view of a
// parsed description lies inside the body.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "sipalg/sdp.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace sipalg::test {

/// A heap block of exactly `text.size()` bytes (no terminator, no slack).
class exact_copy {
 public:
  explicit exact_copy(std::string_view text) : size_(text.size()), data_(new char[text.size() == 0 ? 1 : text.size()]) {
    if (size_ != 0) std::memcpy(data_.get(), text.data(), size_);
  }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  std::size_t size_;
  std::unique_ptr<char[]> data_;
};

#if defined(__linux__)
/// `text` placed so that its last byte is the last readable byte before a PROT_NONE page.
class guarded_copy {
 public:
  explicit guarded_copy(std::string_view text) {
    page_ = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    pages_ = (text.size() + page_ - 1) / page_ + 1;
    void* p = ::mmap(nullptr, pages_ * page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    base_ = static_cast<char*>(p);
    REQUIRE(::mprotect(base_ + (pages_ - 1) * page_, page_, PROT_NONE) == 0);
    char* start = base_ + (pages_ - 1) * page_ - text.size();
    if (!text.empty()) std::memcpy(start, text.data(), text.size());
    view_ = {start, text.size()};
  }
  ~guarded_copy() { ::munmap(base_, pages_ * page_); }
  guarded_copy(const guarded_copy&) = delete;
  guarded_copy& operator=(const guarded_copy&) = delete;
  std::string_view view() const { return view_; }

 private:
  std::size_t page_ = 0, pages_ = 0;
  char* base_ = nullptr;
  std::string_view view_;
};
#endif

/// True when `part` is null (absent) or lies within `body`.
inline bool inside(std::string_view body, std::string_view part) {
  if (part.data() == nullptr) return true;
  return part.data() >= body.data() && part.data() + part.size() <= body.data() + body.size();
}

/// Checks that every view of `d` points into `d.body`, and that indices are consistent.
template <std::size_t M, std::size_t A>
void check_views(const sdp::basic_session_description<M, A>& d) {
  const std::string_view b = d.body;
  auto addr = [&](const sdp::net_address& a) {
    CHECK(inside(b, a.nettype));
    CHECK(inside(b, a.addrtype));
    CHECK(inside(b, a.address));
  };
  CHECK(inside(b, d.version));
  CHECK(inside(b, d.origin.line));
  CHECK(inside(b, d.origin.username));
  CHECK(inside(b, d.origin.sess_id));
  CHECK(inside(b, d.origin.sess_version));
  addr(d.origin);
  CHECK(inside(b, d.session_name));
  CHECK(inside(b, d.connection.line));
  addr(d.connection);
  CHECK(d.session_attr_end <= d.attributes.size());
  std::size_t prev_end = d.session_attr_end;
  for (const auto& m : d.media) {
    CHECK(inside(b, m.line));
    CHECK(inside(b, m.media));
    CHECK(inside(b, m.port_text));
    CHECK(inside(b, m.port_count_text));
    CHECK(inside(b, m.proto));
    CHECK(inside(b, m.formats));
    CHECK(inside(b, m.connection.line));
    addr(m.connection);
    CHECK(inside(b, m.rtcp.line));
    CHECK(inside(b, m.rtcp.port_text));
    addr(m.rtcp);
    CHECK(m.attr_begin == prev_end);
    CHECK(m.attr_begin <= m.attr_end);
    CHECK(m.attr_end <= d.attributes.size());
    prev_end = m.attr_end;
  }
  CHECK(prev_end == d.attributes.size());
  for (const auto& a : d.attributes) {
    CHECK(inside(b, a.line));
    CHECK(inside(b, a.name));
    CHECK(inside(b, a.value));
  }
}

/// The body of a SIP message file: the bytes after the first blank line (CRLF CRLF or LF LF).
inline std::string_view sip_body(std::string_view msg) {
  const auto crlf = msg.find("\r\n\r\n");
  const auto lf = msg.find("\n\n");
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return msg.substr(msg.size());
  if (lf != std::string_view::npos && (crlf == std::string_view::npos || lf < crlf)) return msg.substr(lf + 2);
  return msg.substr(crlf + 4);
}

/// The value of the first header named `name` (or compact `compact`) of a SIP message, trimmed; empty when absent.
inline std::string_view sip_header(std::string_view msg, std::string_view name, std::string_view compact) {
  std::size_t pos = 0;
  while (pos < msg.size()) {
    std::size_t eol = msg.find('\n', pos);
    if (eol == std::string_view::npos) eol = msg.size();
    std::string_view line = msg.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of headers
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      const auto n = sipalg::ascii::trim_wsp(line.substr(0, colon));
      if (sipalg::ascii::iequals(n, name) || sipalg::ascii::iequals(n, compact))
        return sipalg::ascii::trim_wsp(line.substr(colon + 1));
    }
    pos = eol + 1;
  }
  return {};
}

}  // namespace sipalg::test
