// Expectations as JSON objects (one per line in the tools' output).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sipalg/alg/expectation.hpp"

namespace sipalg::tools {

/// {"kind","action","transport","outside","inside","remote","timeout","call_id"}; a call-wide
/// remove has null outside/inside and "scope": "call".
inline nlohmann::json expectation_to_json(const alg::expectation& e) {
  nlohmann::json j;
  j["kind"] = std::string(alg::to_string(e.kind));
  j["action"] = std::string(alg::to_string(e.action));
  j["transport"] = std::string(to_string(e.transport));
  if (e.scope == alg::expectation_scope::call) {
    j["scope"] = "call";
    j["outside"] = nullptr;
    j["inside"] = nullptr;
  } else {
    j["outside"] = std::string(e.outside.to_text().view());
    j["inside"] = std::string(e.inside.to_text().view());
  }
  j["remote"] = e.remote ? std::string(e.remote->to_text().view()) : std::string("any");
  j["timeout"] = e.timeout;
  j["call_id"] = std::string(e.call_id);
  return j;
}

}  // namespace sipalg::tools
