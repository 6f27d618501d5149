// Tests of sipalg/sdp/session.hpp: the accessors of the description index
// (effective connection and direction, hold, disabled, attribute spans,
// offsets), independent of the parser: descriptions are built by hand.
#include "sipalg/sdp/session.hpp"

#include <string_view>
#include <type_traits>

#include <catch2/catch.hpp>

using namespace std::literals;
using sipalg::ip_address;
using sipalg::text_range;
using namespace sipalg::sdp;

namespace {
constexpr std::string_view body = "c=IN IP4 0.0.0.0 / c=IN IP6 2001:db8::1 / a=x:y / a=rtcp:9";
}

TEST_CASE("sdp session: net_address predicates", "[sdp][session]") {
  net_address absent;
  CHECK(!absent.present());
  CHECK(!absent.is_ip());
  CHECK(!absent.is_fqdn());
  CHECK(!absent.is_hold());

  net_address hold4{"IN", "IP4", body.substr(9, 7), address_type::ip4, ip_address::v4(0, 0, 0, 0)};
  CHECK(hold4.present());
  CHECK(hold4.is_ip());
  CHECK(hold4.is_hold());
  net_address hold6{"IN", "IP6", "::", address_type::ip6, *ip_address::parse_v6("::")};
  CHECK(hold6.is_hold());
  net_address unicast{"IN", "IP6", "2001:db8::1", address_type::ip6, *ip_address::parse_v6("2001:db8::1")};
  CHECK(!unicast.is_hold());
  net_address name{"IN", "IP4", "host.example.com", address_type::ip4, std::nullopt};
  CHECK(name.is_fqdn());
  CHECK(!name.is_ip());
  CHECK(!name.is_hold());
  net_address empty_view{"IN", "IP4", body.substr(0, 0), address_type::ip4, std::nullopt};
  CHECK(empty_view.present());  // present means "written", even if empty
}

TEST_CASE("sdp session: effective connection, direction, hold, disabled", "[sdp][session]") {
  session_description d;
  d.body = body;
  media_description* m = d.media.emplace_back();
  REQUIRE(m != nullptr);

  SECTION("neither level has c=") {
    CHECK(!d.effective_connection(*m).present());
    CHECK(!d.is_hold(*m));
  }
  SECTION("session c= applies when the media has none") {
    d.connection.address = body.substr(9, 7);
    d.connection.ip = ip_address::v4(0, 0, 0, 0);
    CHECK(&d.effective_connection(*m) == &d.connection);
    CHECK(d.is_hold(*m));
    SECTION("media c= overrides it") {
      m->connection.address = body.substr(28, 11);
      m->connection.type = address_type::ip6;
      m->connection.ip = ip_address::parse_v6("2001:db8::1");
      CHECK(&d.effective_connection(*m) == &m->connection);
      CHECK(!d.is_hold(*m));
    }
  }
  SECTION("direction") {
    CHECK(d.effective_direction(*m) == media_direction::sendrecv);
    d.direction = media_direction::inactive;
    CHECK(d.effective_direction(*m) == media_direction::inactive);
    m->direction = media_direction::recvonly;
    CHECK(d.effective_direction(*m) == media_direction::recvonly);
  }
  SECTION("disabled") {
    CHECK(m->disabled());  // port 0 by default
    m->port = 5004;
    CHECK(!m->disabled());
  }
  CHECK(to_string(media_direction::sendrecv) == "sendrecv");
  CHECK(to_string(media_direction::sendonly) == "sendonly");
  CHECK(to_string(media_direction::recvonly) == "recvonly");
  CHECK(to_string(media_direction::inactive) == "inactive");
}

TEST_CASE("sdp session: attribute spans, find_attribute, offsets", "[sdp][session]") {
  basic_session_description<2, 4> d;
  d.body = body;
  REQUIRE(d.attributes.push_back(attribute{body.substr(42, 5), body.substr(44, 1), body.substr(46, 1), true}));
  d.session_attr_end = 1;
  media_description* m = d.media.emplace_back();
  REQUIRE(m != nullptr);
  REQUIRE(d.attributes.push_back(attribute{body.substr(50, 8), body.substr(52, 4), body.substr(57, 1), true,
                                           attribute_kind::rtcp}));
  m->attr_begin = 1;
  m->attr_end = 2;
  media_description* empty = d.media.emplace_back();
  empty->attr_begin = empty->attr_end = 2;

  REQUIRE(d.session_attributes().size() == 1);
  CHECK(d.session_attributes()[0].name == "x");
  CHECK(d.session_attributes()[0].value == "y");
  REQUIRE(d.attributes_of(*m).size() == 1);
  CHECK(d.attributes_of(*m)[0].name == "rtcp");
  CHECK(d.attributes_of(*empty).empty());
  CHECK(find_attribute(d.attributes_of(*m), "RTCP") == &d.attributes[1]);
  CHECK(find_attribute(d.attributes_of(*m), "x") == nullptr);
  CHECK(find_attribute(d.session_attributes(), "X") == &d.attributes[0]);
  CHECK(find_attribute({}, "x") == nullptr);

  CHECK(d.offset_of(body.substr(28, 11)) == 28);
  CHECK(d.range_of(body.substr(28, 11)) == text_range{28, 11});
  CHECK(d.range_of(body.substr(28, 11)).in(body) == "2001:db8::1");
  CHECK(d.range_of(body.substr(5, 0)) == text_range{5, 0});
  CHECK(!d.range_of(std::string_view{}).present());
  CHECK(d.max_media == 2);
  CHECK(d.max_attributes == 4);
}

TEST_CASE("sdp session: value types", "[sdp][session]") {
  STATIC_REQUIRE(std::is_trivially_copyable_v<media_description>);
  STATIC_REQUIRE(std::is_trivially_copyable_v<attribute>);
  STATIC_REQUIRE(std::is_trivially_copyable_v<session_description>);
  STATIC_REQUIRE(std::is_same_v<session_description, basic_session_description<16, 64>>);
}
