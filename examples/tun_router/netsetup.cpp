#include "netsetup.hpp"

#include <net/if.h>

#include <cstdio>
#include <stdexcept>

namespace tun_router {

namespace {

std::vector<std::string> ip_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

namespace_setup::namespace_setup(setup_options options) : o_(std::move(options)) {
  try {
    apply();
  } catch (...) {
    undo();
    throw;
  }
}

namespace_setup::~namespace_setup() { undo(); }

void namespace_setup::log(const std::string& line) const {
  if (o_.verbose) std::fprintf(stderr, "tun_router: %s\n", line.c_str());
}

void namespace_setup::ip(const std::vector<std::string>& args, const std::vector<std::string>& undo_args) {
  const auto argv = ip_argv(args);
  log(join_command(argv));
  const auto r = run_command(argv);
  if (!r.ok())
    throw std::runtime_error("`" + join_command(argv) + "` failed (exit " + std::to_string(r.status) + "): " + trim(r.output));
  if (!undo_args.empty()) {
    undo_.emplace_back([this, undo_argv = ip_argv(undo_args)] {
      log("undo: " + join_command(undo_argv));
      const auto u = run_command(undo_argv);
      if (!u.ok())
        std::fprintf(stderr, "tun_router: warning: `%s` failed: %s\n", join_command(undo_argv).c_str(), trim(u.output).c_str());
    });
  }
}

void namespace_setup::sysctl(const std::string& key, const std::string& value) {
  const std::string old = read_sysctl(key);
  if (old == value) return;
  log("sysctl " + key + "=" + value + " (was " + old + ")");
  write_sysctl(key, value);
  undo_.emplace_back([this, key, old] {
    log("undo: sysctl " + key + "=" + old);
    try {
      write_sysctl(key, old);
    } catch (const std::exception& e) {
      // The key vanishes with its device (a TUN's sysctls): nothing to restore.
      log(std::string("  (") + e.what() + ")");
    }
  });
}

void namespace_setup::remove_stale_state() {
  // A previous run killed with SIGKILL leaves its rules (its TUN devices vanished
  // with it): remove exactly those rules, and put the local rule back at 0.
  const std::vector<std::vector<std::string>> stale{
      {"-4", "rule", "del", "pref", std::to_string(pref_wan), "iif", o_.wan_if, "ipproto", "udp", "lookup", std::to_string(table_wan)},
      {"-4", "rule", "del", "pref", std::to_string(pref_wan), "iif", o_.wan_if, "ipproto", "tcp", "lookup", std::to_string(table_wan)},
      {"-4", "rule", "del", "pref", std::to_string(pref_lan), "iif", o_.lan_if, "lookup", std::to_string(table_lan)},
  };
  for (const auto& args : stale)
    if (run_command(ip_argv(args)).ok()) std::fprintf(stderr, "tun_router: removed a stale rule: ip %s\n", join_command(args).c_str());
  const auto local0 = run_command(ip_argv({"-4", "rule", "show", "pref", "0"}));
  if (local0.ok() && local0.output.find("lookup local") == std::string::npos) {
    const auto moved = run_command(ip_argv({"-4", "rule", "show", "pref", std::to_string(pref_local)}));
    if (!moved.ok() || moved.output.find("lookup local") == std::string::npos)
      throw std::runtime_error("no `lookup local` rule at priority 0 or " + std::to_string(pref_local) +
                               "; refusing to touch an unknown rule set (see `ip -4 rule show`)");
    ip({"-4", "rule", "add", "pref", "0", "lookup", "local"});
    ip({"-4", "rule", "del", "pref", std::to_string(pref_local), "lookup", "local"});
    std::fprintf(stderr, "tun_router: moved a stale local rule back to priority 0\n");
  }
}

void namespace_setup::apply() {
  for (const auto* name : {&o_.lan_if, &o_.wan_if})
    if (::if_nametoindex(name->c_str()) == 0) throw std::runtime_error("no interface named " + *name);
  if (o_.lan_if == o_.wan_if) throw std::runtime_error("--lan-if and --wan-if must differ");

  remove_stale_state();

  // Sanity checks that only warn: the setup works without them, but probably not as meant.
  const auto addrs = run_command(ip_argv({"-4", "-o", "addr", "show", "dev", o_.wan_if}));
  if (addrs.output.find("inet " + o_.public_address + "/") == std::string::npos)
    std::fprintf(stderr, "tun_router: warning: %s is not an address of %s\n", o_.public_address.c_str(), o_.wan_if.c_str());

  sysctl("net/ipv4/ip_forward", "1");
  sysctl("net/ipv4/conf/all/rp_filter", "0");

  lan_.emplace(o_.tun_lan);
  wan_.emplace(o_.tun_wan);
  for (const auto* tun : {&*lan_, &*wan_}) {
    const std::string conf = "net/ipv4/conf/" + tun->name() + "/";
    sysctl(conf + "rp_filter", "0");
    sysctl(conf + "accept_local", "1");
    try {
      write_sysctl("net/ipv6/conf/" + tun->name() + "/disable_ipv6", "1");
    } catch (const std::exception&) {
      // no IPv6 in this kernel/namespace: nothing to switch off
    }
    ip({"link", "set", "dev", tun->name(), "up"});
  }

  ip({"-4", "route", "add", "default", "dev", o_.tun_lan, "table", std::to_string(table_lan)},
     {"-4", "route", "flush", "table", std::to_string(table_lan)});
  ip({"-4", "route", "add", "default", "dev", o_.tun_wan, "table", std::to_string(table_wan)},
     {"-4", "route", "flush", "table", std::to_string(table_wan)});

  // UDP and TCP only: an ARP request for the public address is answered after a
  // route lookup with iif wan-if and no protocol, which must still find `local`.
  const std::string wan_rule_pref = std::to_string(pref_wan);
  for (const char* proto : {"udp", "tcp"})
    ip({"-4", "rule", "add", "pref", wan_rule_pref, "iif", o_.wan_if, "ipproto", proto, "lookup", std::to_string(table_wan)},
       {"-4", "rule", "del", "pref", wan_rule_pref, "iif", o_.wan_if, "ipproto", proto, "lookup", std::to_string(table_wan)});
  // Move the local rule: add the new one first so there is never a moment without it.
  ip({"-4", "rule", "add", "pref", std::to_string(pref_local), "lookup", "local"},
     {"-4", "rule", "del", "pref", std::to_string(pref_local), "lookup", "local"});
  ip({"-4", "rule", "del", "pref", "0", "lookup", "local"}, {"-4", "rule", "add", "pref", "0", "lookup", "local"});
  const std::string lan_rule_pref = std::to_string(pref_lan);
  ip({"-4", "rule", "add", "pref", lan_rule_pref, "iif", o_.lan_if, "lookup", std::to_string(table_lan)},
     {"-4", "rule", "del", "pref", lan_rule_pref, "iif", o_.lan_if, "lookup", std::to_string(table_lan)});

  // Translated LAN->WAN packets leave by the main table: make sure it has a way out.
  const auto def = run_command(ip_argv({"-4", "route", "show", "table", "main", "default"}));
  if (def.ok() && trim(def.output).empty()) {
    ip({"-4", "route", "add", "default", "via", o_.gateway, "dev", o_.wan_if},
       {"-4", "route", "del", "default", "via", o_.gateway, "dev", o_.wan_if});
  } else if (def.output.find("via " + o_.gateway + " ") == std::string::npos) {
    std::fprintf(stderr, "tun_router: warning: the default route is not via the gateway %s: %s\n", o_.gateway.c_str(),
                 trim(def.output).c_str());
  }
}

void namespace_setup::undo() noexcept {
  while (!undo_.empty()) {
    auto f = std::move(undo_.back());
    undo_.pop_back();
    try {
      f();
    } catch (...) {
      // keep undoing the rest
    }
  }
  wan_.reset();
  lan_.reset();
}

}  // namespace tun_router
