// A Linux TUN device (layer 3, no packet-information header): every read returns
// one IP packet the kernel routed to the device, every write injects one IP packet
// into the kernel as if it had arrived on the device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "os.hpp"

namespace tun_router {

class tun_device {
 public:
  /// Creates the (non-persistent) device `name`; it disappears when this object is
  /// destroyed. Throws when `name` already exists (we never attach to someone
  /// else's device) or the kernel refuses. The descriptor is non-blocking.
  explicit tun_device(const std::string& name);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] int fd() const noexcept { return fd_.get(); }

  /// One packet into `buffer`: its length, 0 when none is queued (EAGAIN),
  /// -1 on another error (errno set).
  [[nodiscard]] long read_packet(std::span<std::uint8_t> buffer) const noexcept;
  /// Injects one packet; false on error (errno set).
  [[nodiscard]] bool write_packet(std::span<const std::uint8_t> packet) const noexcept;

 private:
  std::string name_;
  unique_fd fd_;
};

}  // namespace tun_router
