// Second of two TUs that include every header (see odr_a.cpp).
#include <string_view>

#include "sipalg_all_headers.hpp"

std::size_t sipalg_odr_b(std::string_view text) {
  const auto e = sipalg::endpoint::parse(text);
  return e ? e->to_text().size() : 0;
}
