// What tun_router changes in its network namespace, and undoes on exit.
//
// Two TUN devices carry the traffic through the program, one per side, so the
// program knows which side a packet came from:
//
//   LAN host --> lan-if --(rule: iif lan-if -> table 7501: default dev <tun-lan>)--> tun_router
//   server   --> wan-if --(rule: iif wan-if, UDP/TCP -> table 7502: default dev <tun-wan>)--> tun_router
//   tun_router writes the translated packet back into the same TUN device; the
//   kernel routes it with the main table (LAN prefix via lan-if, default via the
//   gateway on wan-if) or delivers it locally.
//
// The public address is a local address of wan-if, so the `local` table would
// deliver packets sent to it to the router itself: the rule for wan-if goes
// before the local rule, which is moved from priority 0 to 101:
//
//   100: from all iif <wan-if> ipproto udp lookup 7502
//   100: from all iif <wan-if> ipproto tcp lookup 7502
//   101: from all lookup local            (moved from 0)
//   102: from all iif <lan-if> lookup 7501 (after local: the router's own LAN address stays local)
//
// The WAN rules name UDP and TCP (the protocols the engine translates) because
// the kernel answers an ARP request for the public address only when a route
// lookup with iif wan-if and no protocol finds it in `local`; so the router
// also still answers pings itself. Everything from the LAN goes through the
// engine, which drops what it cannot translate (ICMP included).
// Sysctls: ip_forward=1; rp_filter=0 on "all" and on the TUN devices (a translated
// packet arrives on a TUN device from an address routed elsewhere);
// accept_local=1 on the TUN devices (a LAN->WAN packet comes back from the
// public address, which is local); IPv6 off on the TUN devices.
// Everything is changed with `ip` (iproute2) and /proc/sys and restored in
// reverse order by the destructor; the TUN devices vanish with their descriptors.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tun.hpp"

namespace tun_router {

struct setup_options {
  std::string lan_if;
  std::string wan_if;
  std::string lan_prefix;      ///< "192.168.2.0/24"
  std::string public_address;  ///< "203.0.113.2"
  std::string gateway;         ///< "203.0.113.1"
  std::string tun_lan = "sipalg-lan";
  std::string tun_wan = "sipalg-wan";
  bool verbose = false;
};

inline constexpr unsigned table_lan = 7501;
inline constexpr unsigned table_wan = 7502;
inline constexpr unsigned pref_wan = 100;
inline constexpr unsigned pref_local = 101;
inline constexpr unsigned pref_lan = 102;

class namespace_setup {
 public:
  /// Applies everything; on failure undoes what it did and throws std::runtime_error.
  explicit namespace_setup(setup_options options);
  ~namespace_setup();
  namespace_setup(const namespace_setup&) = delete;
  namespace_setup& operator=(const namespace_setup&) = delete;

  [[nodiscard]] const tun_device& lan_tun() const { return *lan_; }
  [[nodiscard]] const tun_device& wan_tun() const { return *wan_; }

  /// Undoes everything now (idempotent; also done by the destructor).
  void undo() noexcept;

 private:
  void apply();
  void remove_stale_state();
  /// Runs `ip args...`; throws when it fails. `undo_args` (if not empty) is run on undo.
  void ip(const std::vector<std::string>& args, const std::vector<std::string>& undo_args = {});
  /// Sets /proc/sys/<key>; the old value is restored on undo.
  void sysctl(const std::string& key, const std::string& value);
  void log(const std::string& line) const;

  setup_options o_;
  std::optional<tun_device> lan_;
  std::optional<tun_device> wan_;
  std::vector<std::function<void()>> undo_;
};

}  // namespace tun_router
