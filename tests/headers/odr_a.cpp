// First of two TUs that include every header and are linked into one binary:
// a non-inline definition in a header shows up as a duplicate symbol at link time.
#include <string_view>

#include "sipalg_all_headers.hpp"

std::size_t sipalg_odr_a(std::string_view text) {
  const auto a = sipalg::ip_address::parse(text);
  return a ? a->to_text().size() : 0;
}
