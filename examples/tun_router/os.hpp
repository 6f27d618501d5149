// Small POSIX helpers for tun_router: an owning file descriptor, running a
// command without a shell, and reading/writing sysctls under /proc/sys.
#pragma once

#include <string>
#include <vector>

namespace tun_router {

/// An owning file descriptor (closed in the destructor).
class unique_fd {
 public:
  unique_fd() noexcept = default;
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(o.release()) {}
  unique_fd& operator=(unique_fd&& o) noexcept;
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd();

  [[nodiscard]] int get() const noexcept { return fd_; }
  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() noexcept;

 private:
  int fd_ = -1;
};

/// Result of run_command: the exit status (-1 when it could not run or was killed)
/// and everything it wrote to stdout and stderr.
struct command_result {
  int status = -1;
  std::string output;
  [[nodiscard]] bool ok() const noexcept { return status == 0; }
};

/// Runs argv[0] (looked up in PATH) with argv, without a shell, with the default
/// signal mask, stdin from /dev/null; waits for it (bounded: killed after
/// `timeout_ms`). Never throws for a failing command; check the result.
command_result run_command(const std::vector<std::string>& argv, int timeout_ms = 10000);

/// "ip -4 rule add ..." as one string, for messages.
std::string join_command(const std::vector<std::string>& argv);

/// Reads /proc/sys/<key> (key like "net/ipv4/ip_forward"); throws when unreadable.
std::string read_sysctl(const std::string& key);
/// Writes /proc/sys/<key>; throws on failure.
void write_sysctl(const std::string& key, const std::string& value);

/// Throws std::runtime_error("what: strerror(errno)").
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace tun_router
