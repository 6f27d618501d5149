// Consumer of an installed / fetched sipalg: parses each argument as an IP
// address or endpoint and prints its canonical text. Exit 1 on a bad one.
#include <cstdio>
#include <sipalg/core/endpoint.hpp>
#include <sipalg/core/ip_address.hpp>
#include <string_view>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (const auto a = sipalg::ip_address::parse(arg)) {
      const auto text = a->to_text();
      std::printf("%.*s\n", static_cast<int>(text.size()), text.data());
    } else if (const auto e = sipalg::endpoint::parse(arg)) {
      const auto text = e->to_text();
      std::printf("%.*s\n", static_cast<int>(text.size()), text.data());
    } else {
      std::printf("bad address: %.*s\n", static_cast<int>(arg.size()), arg.data());
      return 1;
    }
  }
  return 0;
}
