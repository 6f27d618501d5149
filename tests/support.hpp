// Shared helpers for the Catch2 tests: reading test data and the external corpus.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace sipalg::test {

/// The whole file as bytes, or nullopt.
inline std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// tests/data (checked in).
inline std::filesystem::path data_dir() { return SIPALG_TEST_DATA_DIR; }

/// ../shared/corpus, or nullopt when the external corpus is not present (a user's clone).
inline std::optional<std::filesystem::path> corpus_dir() {
  std::filesystem::path p = std::filesystem::path(SIPALG_SHARED_DIR) / "corpus";
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return p;
  return std::nullopt;
}

/// Splits MANIFEST.tsv-style text into rows of tab-separated fields.
inline std::vector<std::vector<std::string>> read_tsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> row;
    std::size_t start = 0;
    for (;;) {
      auto tab = line.find('\t', start);
      row.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sipalg::test

/// Skips the current Catch2 test case with a clear message when the external corpus is absent.
#define SIPALG_REQUIRE_CORPUS(var)                                                          \
  auto var##_opt = ::sipalg::test::corpus_dir();                                            \
  if (!var##_opt) {                                                                         \
    WARN("skipped: external corpus not found at " SIPALG_SHARED_DIR "/corpus (only in the " \
         "development workspace)");                                                         \
    return;                                                                                 \
  }                                                                                         \
  const std::filesystem::path var = *var##_opt
