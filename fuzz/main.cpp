// Reproducer main for builds without libFuzzer (SIPALG_FUZZ_LINKMAIN, the GCC
// test build, the coverage build), after fmt's test/fuzzing/main.cc.
//
//   <target> [-flag ...] PATH...
//
// Runs LLVMFuzzerTestOneInput once per file; a directory is walked
// recursively (files in sorted order, as a corpus). Arguments starting with
// '-' are libFuzzer flags and are ignored, so one command line (for example
// `-runs=0 corpus/x crashes/x`) works with both kinds of build. With no path
// the input is read from stdin. Each input is passed as an exact-size heap
// copy. Exit status: 0 when every input ran, 2 when a path does not exist.
// When an input crashes (signal, sanitizer report, failed invariant) its path
// is printed to stderr.
#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
// Present when a sanitizer runtime is linked (weak: null otherwise).
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)());

namespace {

// Path of the input being run, for the crash message (set before each run).
char current_input[4096] = "<stdin>";

void say_which_input() {
  static const char prefix[] = "\n==sipalg-fuzz== crashing input: ";
  (void)!write(2, prefix, sizeof prefix - 1);
  (void)!write(2, current_input, std::strlen(current_input));
  (void)!write(2, "\n", 1);
}

extern "C" void on_fatal_signal(int sig) {
  say_which_input();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_crash_reporting() {
  std::signal(SIGABRT, on_fatal_signal);  // SIPALG_FUZZ_CHECK
  if (__sanitizer_set_death_callback != nullptr) {
    // Sanitizers own SIGSEGV & co. (their report has the stack) and exit without a signal.
    __sanitizer_set_death_callback(say_which_input);
  } else {
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_fatal_signal);
  }
}

void set_current_input(const std::string& name) {
  const std::size_t n = std::min(name.size(), sizeof current_input - 1);
  std::memcpy(current_input, name.data(), n);
  current_input[n] = '\0';
}

void run_one(const std::string& bytes) {
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[bytes.size()]);
  if (!bytes.empty()) std::memcpy(copy.get(), bytes.data(), bytes.size());
  LLVMFuzzerTestOneInput(copy.get(), bytes.size());
}

bool read_file(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  install_crash_reporting();
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  bool any_path = false;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] == '-') continue;  // a libFuzzer flag
    any_path = true;
    const fs::path p(argv[i]);
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> in_dir;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec)) in_dir.push_back(it->path());
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      std::fprintf(stderr, "%s: no such file or directory: %s\n", argv[0], argv[i]);
      return 2;
    }
  }
  if (!any_path) {
    std::string bytes(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>{});
    run_one(bytes);
    std::fprintf(stderr, "%s: ran 1 input from stdin\n", argv[0]);
    return 0;
  }
  std::string bytes;
  for (const fs::path& f : files) {
    if (!read_file(f, bytes)) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], f.c_str());
      return 2;
    }
    set_current_input(f.string());
    run_one(bytes);
  }
  std::fprintf(stderr, "%s: ran %zu inputs\n", argv[0], files.size());
  return 0;
}
