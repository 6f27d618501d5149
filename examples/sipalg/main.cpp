// `sipalg`: command-line front end of the sipalg library. Each subcommand is defined in its own
// file and registered here (see commands.hpp).
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"sipalg: parse SIP messages and run the SIP ALG on them"};
  app.require_subcommand(1);
  sipalg::cli::add_parse_command(app);
  sipalg::cli::add_rewrite_command(app);
#ifdef SIPALG_HAVE_PCAP
  sipalg::cli::add_pcap_command(app);
#endif
  CLI11_PARSE(app, argc, argv);
  return 0;
}
