// `sipalg parse FILE`: parses one SIP message with sipalg::sip and prints it as JSON.
// Exit status: 0 parsed, 1 malformed (JSON {"error", "offset", "message"} on stdout), 2 I/O error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "sipalg/sip.hpp"

// ---- SDP: the SDP helper provides examples/sipalg/sdp_json.hpp with
//      nlohmann::json sdp_to_json(std::string_view body);
//      When that header exists, `parse` adds an "sdp" object for application/sdp bodies.
#if __has_include("sdp_json.hpp")
#include "sdp_json.hpp"
#define SIPALG_CLI_HAS_SDP 1
#endif

namespace sipalg::cli {
namespace {

using json = nlohmann::ordered_json;
namespace sip = sipalg::sip;

json params_json(const sip::param_list& params) {
  json out = json::object();
  for (const sip::param& p : params) {
    if (p.name.empty()) continue;
    out[std::string(p.name)] = p.has_value ? json(std::string(p.value)) : json(nullptr);
  }
  return out;
}

json error_json(sip::parse_result r) {
  json e;
  e["error"] = std::string(sip::to_string(r.ec));
  e["offset"] = r.offset;
  e["message"] = std::string(sip::describe(r.ec));
  return e;
}

json port_json(const sip::host_port& h) { return h.has_port ? json(h.port) : json(nullptr); }

json message_json(std::string_view buf, const sip::message& m) {
  json out;
  out["type"] = m.is_request() ? "request" : "response";
  out["method"] = m.is_request() ? json(std::string(m.method.in(buf))) : json(nullptr);
  out["request_uri"] = m.is_request() ? json(std::string(m.request_uri.in(buf))) : json(nullptr);
  out["status"] = m.is_response() ? json(m.status_code) : json(nullptr);
  out["reason"] = m.is_response() ? json(std::string(m.reason.in(buf))) : json(nullptr);

  json headers = json::array();
  for (const sip::header& h : m.headers)
    headers.push_back({{"name", std::string(h.name.in(buf))}, {"value", std::string(h.value.in(buf))}});
  out["headers"] = std::move(headers);

  out["call_id"] = nullptr;
  if (const sip::header* h = m.find(sip::header_id::call_id)) {
    std::string_view id;
    const sip::parse_result r = sip::parse_call_id(h->value.in(buf), id);
    out["call_id"] = r ? json(std::string(id)) : error_json(r);
  }

  out["cseq"] = nullptr;
  if (const sip::header* h = m.find(sip::header_id::cseq)) {
    sip::cseq c;
    const sip::parse_result r = sip::parse_cseq(h->value.in(buf), c);
    out["cseq"] = r ? json{{"number", c.number}, {"method", std::string(c.method)}} : error_json(r);
  }

  json vias = json::array();
  for (const sip::header& h : m.all(sip::header_id::via)) {
    sip::via_reader reader(h.value.in(buf));
    sip::via v;
    while (reader.next(v)) {
      vias.push_back({{"transport", std::string(v.transport)},
                      {"host", std::string(v.sent_by.address)},
                      {"port", port_json(v.sent_by)},
                      {"params", params_json(v.parameters())}});
    }
    if (!reader.status()) vias.push_back(error_json(reader.status()));
  }
  out["via"] = std::move(vias);

  json contacts = json::array();
  for (const sip::header& h : m.all(sip::header_id::contact)) {
    sip::contact_reader reader(h.value.in(buf));
    sip::contact c;
    while (reader.next(c)) {
      if (c.wildcard) {
        contacts.push_back({{"uri", "*"}, {"host", nullptr}, {"port", nullptr}, {"params", json::object()}});
        continue;
      }
      json e{{"uri", std::string(c.uri())}, {"host", nullptr}, {"port", nullptr}};
      sip::uri u;
      if (c.address.parse_uri(u) && !u.opaque) {
        e["host"] = std::string(u.host.address);
        e["port"] = port_json(u.host);
      }
      e["params"] = params_json(c.parameters());
      contacts.push_back(std::move(e));
    }
    if (!reader.status()) contacts.push_back(error_json(reader.status()));
  }
  out["contact"] = std::move(contacts);

  out["content_length"] = m.content_length ? json(*m.content_length) : json(nullptr);
  out["body_length"] = m.body.length;

  // ---- SDP (see the top of this file): filled in once examples/sipalg/sdp_json.hpp exists.
#ifdef SIPALG_CLI_HAS_SDP
  // application/sdp, or the application/sdp part of a multipart body (null: no SDP in the body).
  if (const sip::header* h = m.find(sip::header_id::content_type)) {
    json sdp = sdp_to_json(h->value.in(buf), m.body.in(buf));
    if (!sdp.is_null()) out["sdp"] = std::move(sdp);
  }
#endif
  return out;
}

struct parse_args {
  std::string file;
  bool stream = false;
  bool compact = false;
};

int run_parse(const parse_args& a) {
  std::string data;
  if (a.file == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(a.file, std::ios::binary);
    if (!in) {
      json e{{"error", "io"}, {"offset", 0}, {"message", "cannot read " + a.file}};
      std::cout << e.dump(a.compact ? -1 : 2) << "\n";
      return 2;
    }
    data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const sip::parse_options opt = a.stream ? sip::parse_options::stream() : sip::parse_options::datagram();
  static sip::message m;
  const sip::parse_result r = sip::parse_message(data, m, opt);
  const json out = r ? message_json(data, m) : error_json(r);
  std::cout << out.dump(a.compact ? -1 : 2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return r ? 0 : 1;
}

}  // namespace

void add_parse_command(CLI::App& app) {
  auto args = std::make_shared<parse_args>();
  CLI::App* cmd = app.add_subcommand("parse", "Parse one SIP message and print it as JSON (exit 1 if malformed)");
  cmd->add_option("FILE", args->file, "File holding one SIP message ('-' for stdin)")->required();
  cmd->add_flag("--stream", args->stream, "Stream (TCP) rules: Content-Length is mandatory");
  cmd->add_flag("--compact", args->compact, "Print the JSON on one line");
  cmd->callback([args] {
    const int rc = run_parse(*args);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sipalg::cli
