#include "tun.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tun_router {

tun_device::tun_device(const std::string& name) : name_(name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    throw std::runtime_error("TUN name \"" + name + "\" must have 1 to " + std::to_string(IFNAMSIZ - 1) + " characters");
  if (::if_nametoindex(name.c_str()) != 0)
    throw std::runtime_error("interface " + name + " already exists (left over from another program?)");
  fd_ = unique_fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd_.valid()) throw_errno("open /dev/net/tun");
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  if (::ioctl(fd_.get(), TUNSETIFF, &ifr) != 0) throw_errno("TUNSETIFF " + name);
}

long tun_device::read_packet(std::span<std::uint8_t> buffer) const noexcept {
  for (;;) {
    const ssize_t n = ::read(fd_.get(), buffer.data(), buffer.size());
    if (n >= 0) return static_cast<long>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return -1;
  }
}

bool tun_device::write_packet(std::span<const std::uint8_t> packet) const noexcept {
  for (;;) {
    const ssize_t n = ::write(fd_.get(), packet.data(), packet.size());
    if (n == static_cast<ssize_t>(packet.size())) return true;
    if (n < 0 && errno == EINTR) continue;
    if (n >= 0) errno = EIO;
    return false;
  }
}

}  // namespace tun_router
