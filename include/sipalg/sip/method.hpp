/**
 * @file method.hpp
 * `method_id`: the SIP request methods an ALG cares about (RFC 3261 plus the
 * extension RFCs), and a case-sensitive lookup from the method token.
 *
 * Methods are case-sensitive (RFC 3261 7.1): "invite" is an unknown method.
 */
#pragma once

#include <cstdint>
#include <string_view>

namespace sipalg::sip {

/// Known request methods; `unknown` for any other token (the text is in message::method).
enum class method_id : std::uint8_t {
  unknown = 0,
  invite,     ///< RFC 3261
  ack,        ///< RFC 3261
  bye,        ///< RFC 3261
  cancel,     ///< RFC 3261
  register_,  ///< RFC 3261 (trailing underscore: `register` is a C++ keyword)
  options,    ///< RFC 3261
  update,     ///< RFC 3311
  prack,      ///< RFC 3262
  subscribe,  ///< RFC 6665
  notify,     ///< RFC 6665
  refer,      ///< RFC 3515
  message,    ///< RFC 3428
  info,       ///< RFC 6086
  publish,    ///< RFC 3903
};

/// The method's token, e.g. "INVITE"; empty for method_id::unknown.
[[nodiscard]] constexpr std::string_view to_string(method_id m) noexcept {
  switch (m) {
    case method_id::unknown: return {};
    case method_id::invite: return "INVITE";
    case method_id::ack: return "ACK";
    case method_id::bye: return "BYE";
    case method_id::cancel: return "CANCEL";
    case method_id::register_: return "REGISTER";
    case method_id::options: return "OPTIONS";
    case method_id::update: return "UPDATE";
    case method_id::prack: return "PRACK";
    case method_id::subscribe: return "SUBSCRIBE";
    case method_id::notify: return "NOTIFY";
    case method_id::refer: return "REFER";
    case method_id::message: return "MESSAGE";
    case method_id::info: return "INFO";
    case method_id::publish: return "PUBLISH";
  }
  return {};
}

/// Id of a method token (exact, case-sensitive match), or method_id::unknown.
[[nodiscard]] constexpr method_id lookup_method(std::string_view t) noexcept {
  auto is = [&](std::string_view s) { return t == s; };
  switch (t.size()) {
    case 3:
      if (is("ACK")) return method_id::ack;
      if (is("BYE")) return method_id::bye;
      break;
    case 4:
      if (is("INFO")) return method_id::info;
      break;
    case 5:
      if (is("PRACK")) return method_id::prack;
      if (is("REFER")) return method_id::refer;
      break;
    case 6:
      if (is("INVITE")) return method_id::invite;
      if (is("CANCEL")) return method_id::cancel;
      if (is("UPDATE")) return method_id::update;
      if (is("NOTIFY")) return method_id::notify;
      break;
    case 7:
      if (is("OPTIONS")) return method_id::options;
      if (is("MESSAGE")) return method_id::message;
      if (is("PUBLISH")) return method_id::publish;
      break;
    case 8:
      if (is("REGISTER")) return method_id::register_;
      break;
    case 9:
      if (is("SUBSCRIBE")) return method_id::subscribe;
      break;
    default:
      break;
  }
  return method_id::unknown;
}

}  // namespace sipalg::sip
