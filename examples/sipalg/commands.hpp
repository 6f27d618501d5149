// Subcommands of the `sipalg` command-line tool. Each lives in its own file
// (<name>_command.cpp) and registers itself on the top-level CLI11 app; main.cpp
// calls every add_*_command. A subcommand reports its exit status by throwing
// CLI::RuntimeError(code) (0 = success, 1 = malformed input, 2 = I/O or usage).
#pragma once

#include <CLI/CLI.hpp>

namespace sipalg::cli {

/// `sipalg parse FILE`: parse one SIP message and print it as JSON (examples/sipalg/parse_command.cpp).
void add_parse_command(CLI::App& app);

/// `sipalg rewrite ... IN [OUT]`: run the ALG rewriter on one SIP message (examples/sipalg/rewrite_command.cpp).
void add_rewrite_command(CLI::App& app);

/// `sipalg pcap --lan PREFIX --public ADDRESS ... IN OUT`: replay a LAN-side capture through the NAT
/// and ALG, write the WAN-side capture, print the table of changes (examples/sipalg/pcap_command.cpp).
/// Built when libpcap and fmt are found (SIPALG_HAVE_PCAP).
void add_pcap_command(CLI::App& app);

}  // namespace sipalg::cli
