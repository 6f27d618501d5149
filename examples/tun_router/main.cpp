// tun_router: a Linux userspace NAT router built on sipalg's reference NAT engine.
//
//   tun_router --lan-if IF --wan-if IF --lan-prefix CIDR --public ADDR --gateway ADDR
//              [--sip-ports LIST] [--policy FILE] [--ready-file PATH] [--no-alg]
//              [--no-nat CIDR]... [--verbose]
//
// Run as root inside a network namespace whose two interfaces already have their
// addresses and routes (see netsetup.hpp for what it changes there, and undoes on
// SIGINT/SIGTERM). Every packet forwarded between the LAN and the WAN goes
// through sipalg::nat::engine: masquerade to --public, the SIP ALG on the SIP
// ports. Counters are printed on SIGUSR1 and on exit.
#include <signal.h>
#include <sys/signalfd.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../common/policy_json.hpp"
#include "netsetup.hpp"
#include "sipalg/nat/engine.hpp"

namespace {

struct options {
  std::string lan_if, wan_if, lan_prefix, public_address, gateway;
  std::string sip_ports;
  std::string policy_file;
  std::string ready_file;
  std::vector<std::string> no_nat;
  std::string tun_lan = "sipalg-lan", tun_wan = "sipalg-wan";
  bool no_alg = false;
  bool verbose = false;
};

/// What the OS side did (the engine counts the rest).
struct io_counters {
  std::uint64_t rx_lan = 0, rx_wan = 0;          ///< packets read from each TUN device
  std::uint64_t tx_lan = 0, tx_wan = 0;          ///< packets written back (forward verdict)
  std::uint64_t dropped_lan = 0, dropped_wan = 0;  ///< drop verdicts
  std::uint64_t read_errors = 0, write_errors = 0;
};

sipalg::nat::time_s now_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<sipalg::nat::time_s>(ts.tv_sec);
}

sipalg::ip_address parse_v4_option(const char* what, const std::string& text) {
  auto a = sipalg::ip_address::parse_v4(text);
  if (!a) throw CLI::ValidationError(what, "expected an IPv4 address, got \"" + text + "\"");
  return *a;
}

sipalg::nat::ipv4_prefix parse_prefix_option(const char* what, const std::string& text) {
  auto p = sipalg::nat::ipv4_prefix::parse(text);
  if (!p) throw CLI::ValidationError(what, "expected an IPv4 prefix like 192.168.2.0/24 (host bits zero), got \"" + text + "\"");
  return *p;
}

void print_counters(const sipalg::nat::engine& nat, const io_counters& io, const char* when) {
  const auto& c = nat.counters();
  std::fprintf(stderr, "tun_router counters (%s):\n", when);
  const auto line = [](const char* name, std::uint64_t v) { std::fprintf(stderr, "  %-26s %llu\n", name, static_cast<unsigned long long>(v)); };
  line("rx_lan", io.rx_lan);
  line("rx_wan", io.rx_wan);
  line("tx_lan", io.tx_lan);
  line("tx_wan", io.tx_wan);
  line("dropped_lan", io.dropped_lan);
  line("dropped_wan", io.dropped_wan);
  line("read_errors", io.read_errors);
  line("write_errors", io.write_errors);
  line("packets", c.packets);
  line("forwarded", c.forwarded);
  line("not_natted", c.not_natted);
  line("dropped_malformed", c.dropped_malformed);
  line("dropped_no_flow", c.dropped_no_flow);
  line("dropped_table_full", c.dropped_table_full);
  line("dropped_unsupported", c.dropped_unsupported);
  line("dropped_by_policy", c.dropped_by_policy);
  line("flows_created", c.flows_created);
  line("flows_from_expectation", c.flows_from_expectation);
  line("flows_from_forward", c.flows_from_forward);
  line("flows_active", nat.flows().size());
  line("sip_messages", c.sip_messages);
  line("sip_rewritten", c.sip_rewritten);
  line("sip_unchanged", c.sip_unchanged);
  line("sip_malformed", c.sip_malformed);
  line("sip_no_fit", c.sip_no_fit);
  line("sip_no_room", c.sip_no_room);
  line("tcp_partial", c.tcp_partial);
  line("tcp_seq_changes", c.tcp_seq_changes);
  line("fragments_translated", c.fragments_translated);
  line("fragments_dropped", c.fragments_dropped);
  line("expectations_added", c.expectations_added);
  line("expectations_refreshed", c.expectations_refreshed);
  line("expectations_removed", c.expectations_removed);
  line("expectations_failed", c.expectations_failed);
  line("registrations", c.registrations);
  line("unregistrations", c.unregistrations);
  line("flushed_on_address_change", c.flushed_on_address_change);
  std::fflush(stderr);
}

/// Blocks the signals we handle (so they are only read from the signalfd) and returns it.
tun_router::unique_fd make_signalfd() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGINT, SIGTERM, SIGUSR1, SIGHUP}) sigaddset(&set, s);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) tun_router::throw_errno("sigprocmask");
  tun_router::unique_fd fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd.valid()) tun_router::throw_errno("signalfd");
  return fd;
}

int run(const options& o) {
  using namespace sipalg;
  // Everything is validated before the namespace is touched.
  nat::engine_config cfg;
  cfg.public_address = parse_v4_option("--public", o.public_address);
  (void)parse_v4_option("--gateway", o.gateway);
  cfg.lan = parse_prefix_option("--lan-prefix", o.lan_prefix);
  for (const auto& p : o.no_nat)
    if (!cfg.no_nat.push_back(parse_prefix_option("--no-nat", p)))
      throw CLI::ValidationError("--no-nat", "at most " + std::to_string(nat::engine_config::max_no_nat) + " prefixes");
  tools::loaded_policy policy;  // owns the extra header names the policy's views point into
  if (!o.policy_file.empty()) policy = tools::load_policy_file(o.policy_file);
  if (!o.sip_ports.empty()) tools::parse_port_list(o.sip_ports, policy.policy);
  cfg.policy = policy.policy;
  cfg.alg_enabled = !o.no_alg;

  auto nat = std::make_unique<nat::engine>(cfg);
  if (!nat->valid()) throw std::runtime_error("the NAT engine could not allocate its tables");

  // Signals are blocked from here on: a SIGTERM during setup is handled after it, by the loop.
  tun_router::unique_fd sigfd = make_signalfd();

  tun_router::setup_options so;
  so.lan_if = o.lan_if;
  so.wan_if = o.wan_if;
  so.lan_prefix = o.lan_prefix;
  so.public_address = o.public_address;
  so.gateway = o.gateway;
  so.tun_lan = o.tun_lan;
  so.tun_wan = o.tun_wan;
  so.verbose = o.verbose;
  tun_router::namespace_setup net(so);

  if (!o.ready_file.empty()) {
    std::ofstream ready(o.ready_file);
    ready << ::getpid() << '\n';
    if (!ready) throw std::runtime_error("cannot write the ready file " + o.ready_file);
  }
  std::fprintf(stderr, "tun_router: forwarding %s <-> %s, %s masqueraded to %s, ALG %s (pid %d)\n", o.lan_if.c_str(),
               o.wan_if.c_str(), o.lan_prefix.c_str(), o.public_address.c_str(), o.no_alg ? "off" : "on", ::getpid());

  // The packet buffer: the TUN read fills at most max_read bytes, the rest is the
  // tailroom the ALG may grow a message into (engine.hpp's contract).
  constexpr std::size_t max_read = 65535;
  constexpr std::size_t capacity = max_read + 4096;
  auto buffer = std::make_unique<std::array<std::uint8_t, capacity>>();
  io_counters io;

  const tun_router::tun_device* tuns[2] = {&net.lan_tun(), &net.wan_tun()};
  const nat::side sides[2] = {nat::side::lan, nat::side::wan};
  std::array<pollfd, 3> fds{};
  fds[0] = {sigfd.get(), POLLIN, 0};
  fds[1] = {tuns[0]->fd(), POLLIN, 0};
  fds[2] = {tuns[1]->fd(), POLLIN, 0};

  nat::time_s last_sweep = now_seconds();
  bool running = true;
  while (running) {
    const int n = ::poll(fds.data(), fds.size(), 1000);
    if (n < 0 && errno != EINTR) tun_router::throw_errno("poll");
    const nat::time_s now = now_seconds();
    if (n > 0 && (fds[0].revents & POLLIN)) {
      signalfd_siginfo si{};
      while (::read(sigfd.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
        if (si.ssi_signo == SIGUSR1) {
          print_counters(*nat, io, "SIGUSR1");
        } else {
          std::fprintf(stderr, "tun_router: %s, shutting down\n", ::strsignal(static_cast<int>(si.ssi_signo)));
          running = false;
        }
      }
    }
    for (int i = 0; i < 2 && n > 0; ++i) {
      if (!(fds[static_cast<std::size_t>(i) + 1].revents & POLLIN)) continue;
      const bool from_lan = i == 0;
      // A bounded batch per wake-up, so one busy side cannot starve the other or the signals.
      for (int batch = 0; batch < 256; ++batch) {
        const long got = tuns[i]->read_packet(std::span<std::uint8_t>(buffer->data(), max_read));
        if (got == 0) break;
        if (got < 0) {
          ++io.read_errors;
          break;
        }
        ++(from_lan ? io.rx_lan : io.rx_wan);
        const auto r = nat->process(std::span<std::uint8_t>(buffer->data(), capacity), static_cast<std::size_t>(got), sides[i], now);
        if (r.action == nat::verdict::drop) {
          ++(from_lan ? io.dropped_lan : io.dropped_wan);
          continue;
        }
        // Back into the kernel through the same device; it routes the translated packet.
        if (tuns[i]->write_packet(std::span<const std::uint8_t>(buffer->data(), r.length)))
          ++(from_lan ? io.tx_lan : io.tx_wan);
        else
          ++io.write_errors;
      }
    }
    if (now != last_sweep) {
      nat->sweep(now, 4096);
      last_sweep = now;
    }
  }

  print_counters(*nat, io, "exit");
  if (!o.ready_file.empty()) ::unlink(o.ready_file.c_str());
  return 0;  // `net` undoes the namespace setup
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tun_router: a userspace NAT router with the sipalg SIP ALG, on Linux TUN devices"};
  options o;
  app.add_option("--lan-if", o.lan_if, "LAN interface (phones behind the NAT)")->required();
  app.add_option("--wan-if", o.wan_if, "WAN interface (carries the public address)")->required();
  app.add_option("--lan-prefix", o.lan_prefix, "LAN prefix to masquerade, e.g. 192.168.2.0/24")->required();
  app.add_option("--public", o.public_address, "public IPv4 address (on the WAN interface)")->required();
  app.add_option("--gateway", o.gateway, "WAN gateway (default route added if the main table has none)")->required();
  app.add_option("--sip-ports", o.sip_ports, "SIP ports the ALG runs on, e.g. 5060,5061 or 5060/udp (default 5060,5061)");
  app.add_option("--policy", o.policy_file, "ALG policy as JSON (see examples/common/policy_json.hpp)")->check(CLI::ExistingFile);
  app.add_option("--ready-file", o.ready_file, "file created (with the PID) once packets are forwarded; removed on exit");
  app.add_option("--no-nat", o.no_nat, "destination prefix reached without NAT (a VPN route); repeatable");
  app.add_option("--tun-lan", o.tun_lan, "name of the LAN-side TUN device")->capture_default_str();
  app.add_option("--tun-wan", o.tun_wan, "name of the WAN-side TUN device")->capture_default_str();
  app.add_flag("--no-alg", o.no_alg, "plain NAT: switch the SIP ALG off (to compare)");
  app.add_flag("-v,--verbose", o.verbose, "print every command run to set up and undo");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const CLI::Error& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tun_router: error: %s\n", e.what());
    return 1;
  }
}
