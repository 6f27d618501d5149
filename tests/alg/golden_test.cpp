// The golden cases rebuilt from the field captures (RouterOS, Cisco SPA504G,
// Fanvil X3): before.sip through the ALG must give after.sip byte for byte,
// with exactly the expectations of case.json. The cases are copied into
// tests/data/golden so this runs without ../shared.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/rewriter.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using namespace sipalg;
using namespace sipalg::alg;

namespace {

endpoint ep(const std::string& s) {
  auto e = endpoint::parse(s);
  REQUIRE(e);
  return *e;
}

std::string remote_text(const expectation& e) {
  return e.remote ? std::string(e.remote->to_text().view()) : std::string("any");
}

struct golden_case {
  std::string name;
  std::string before, after;
  nlohmann::json spec;
};

std::vector<golden_case> load_cases() {
  std::vector<golden_case> cases;
  for (const auto& dir : fs::directory_iterator(test::data_dir() / "golden")) {
    if (!dir.is_directory()) continue;
    golden_case c;
    c.name = dir.path().filename().string();
    auto before = test::read_file(dir.path() / "before.sip");
    auto after = test::read_file(dir.path() / "after.sip");
    auto spec = test::read_file(dir.path() / "case.json");
    REQUIRE(before);
    REQUIRE(after);
    REQUIRE(spec);
    c.before = *before;
    c.after = *after;
    c.spec = nlohmann::json::parse(*spec);
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return cases;
}

binding binding_of(const nlohmann::json& spec) {
  binding b;
  b.inside = ep(spec["inside"].get<std::string>());
  b.outside = ep(spec["outside"].get<std::string>());
  b.peer = ep(spec["peer"].get<std::string>());
  b.transport = spec["transport"] == "tcp" ? transport::tcp : transport::udp;
  b.dir = spec["direction"] == "inbound" ? direction::inbound : direction::outbound;
  return b;
}

}  // namespace

TEST_CASE("golden cases: the ALG output is byte for byte the expected message", "[golden]") {
  const auto cases = load_cases();
  REQUIRE(cases.size() >= 6);
  for (const auto& c : cases) {
    SECTION(c.name) {
      const binding b = binding_of(c.spec);
      std::map<std::string, std::string> media_map;
      for (auto& [k, v] : c.spec["media_map"].items()) media_map[k] = v.get<std::string>();
      std::vector<std::string> asked;
      auto mapper = [&](const endpoint& inside, bool) -> std::optional<endpoint> {
        const std::string key(inside.to_text().view());
        asked.push_back(key);
        auto it = media_map.find(key);
        if (it == media_map.end()) return endpoint{b.outside.address, inside.port};
        return endpoint::parse(it->second);
      };

      rewriter rw;
      const rewrite_result r = rw.plan(c.before, b, mapper);
      INFO(c.name << ": " << to_string(r.status));
      REQUIRE((r.status == rewrite_status::rewritten || r.status == rewrite_status::unchanged));
      CHECK(r.forward());

      std::vector<char> out(c.before.size() + 256);
      auto ar = apply_copy(rw.edits(), out);
      REQUIRE(ar.ec == apply_errc::ok);
      CHECK(std::string(out.data(), ar.size) == c.after);

      // Every media stream the golden case maps was asked for.
      for (auto& [k, v] : media_map) CHECK(std::find(asked.begin(), asked.end(), k) != asked.end());

      const auto& want = c.spec["expectations"];
      const auto& got = rw.expectations();
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("expectation " << i);
        CHECK(std::string(to_string(got[i].kind)) == want[i]["kind"].get<std::string>());
        CHECK(got[i].action == expectation_action::add);
        CHECK(std::string(got[i].outside.to_text().view()) == want[i]["outside"].get<std::string>());
        CHECK(std::string(got[i].inside.to_text().view()) == want[i]["inside"].get<std::string>());
        CHECK(remote_text(got[i]) == want[i]["remote"].get<std::string>());
        CHECK(got[i].transport == b.transport);
        CHECK(!got[i].call_id.empty());
      }

      // Applying the output again changes nothing (idempotence).
      const std::string once(out.data(), ar.size);
      rewriter rw2;
      const rewrite_result r2 = rw2.plan(once, b, mapper);
      CHECK(r2.status == rewrite_status::unchanged);
      CHECK(rw2.edits().empty());
    }
  }
}
