/**
 * @file header_id.hpp
 * `header_id`: the known SIP header fields (RFC 3261 section 20 plus common
 * extensions), their canonical names, and a fast case-insensitive lookup from
 * a header name (full or compact form, RFC 3261 7.3.3) to its id.
 *
 * The lookup does not hash the whole name: it keys a compile-time open-addressed
 * table on (length, first, middle and last character) and confirms the single
 * candidate with one case-insensitive comparison.
 */
#pragma once

#include <array>
#include <bit>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/config.hpp"

namespace sipalg::sip {

/// Known header fields. `unknown` is any other (extension) header; compare its name instead.
enum class header_id : std::uint8_t {
  unknown = 0,
  // RFC 3261 section 20
  accept,
  accept_encoding,
  accept_language,
  alert_info,
  allow,
  authentication_info,
  authorization,
  call_id,  ///< compact form i
  call_info,
  contact,  ///< compact form m
  content_disposition,
  content_encoding,  ///< compact form e
  content_language,
  content_length,  ///< compact form l
  content_type,    ///< compact form c
  cseq,
  date,
  error_info,
  expires,
  from,  ///< compact form f
  in_reply_to,
  max_forwards,
  min_expires,
  mime_version,
  organization,
  priority,
  proxy_authenticate,
  proxy_authorization,
  proxy_require,
  record_route,
  reply_to,
  require,
  retry_after,
  route,
  server,
  subject,    ///< compact form s
  supported,  ///< compact form k
  timestamp,
  to,  ///< compact form t
  unsupported,
  user_agent,
  via,  ///< compact form v
  warning,
  www_authenticate,
  // Extensions
  accept_contact,       ///< RFC 3841, compact form a
  allow_events,         ///< RFC 6665, compact form u
  answer_mode,          ///< RFC 5373
  diversion,            ///< RFC 5806
  event,                ///< RFC 6665, compact form o
  feature_caps,         ///< RFC 6809
  flow_timer,           ///< RFC 5626
  geolocation,          ///< RFC 6442
  geolocation_error,    ///< RFC 6442
  geolocation_routing,  ///< RFC 6442
  history_info,         ///< RFC 7044
  identity,             ///< RFC 8224, compact form y
  identity_info,        ///< RFC 4474, compact form n
  info_package,         ///< RFC 6086
  join,                 ///< RFC 3911
  max_breadth,          ///< RFC 5393
  min_se,               ///< RFC 4028
  p_access_network_info,          ///< RFC 7315
  p_asserted_identity,            ///< RFC 3325
  p_associated_uri,               ///< RFC 7315
  p_called_party_id,              ///< RFC 7315
  p_charging_function_addresses,  ///< RFC 7315
  p_charging_vector,              ///< RFC 7315
  p_early_media,                  ///< RFC 5009
  p_preferred_identity,           ///< RFC 3325
  p_visited_network_id,           ///< RFC 7315
  path,                           ///< RFC 3327
  priv_answer_mode,               ///< RFC 5373
  privacy,                        ///< RFC 3323
  rack,                           ///< RFC 3262
  reason,                         ///< RFC 3326
  recv_info,                      ///< RFC 6086
  refer_sub,                      ///< RFC 4488
  refer_to,                       ///< RFC 3515, compact form r
  referred_by,                    ///< RFC 3892, compact form b
  reject_contact,                 ///< RFC 3841, compact form j
  remote_party_id,                ///< draft-ietf-sip-privacy (widely deployed)
  replaces,                       ///< RFC 3891
  request_disposition,            ///< RFC 3841, compact form d
  rseq,                           ///< RFC 3262
  security_client,                ///< RFC 3329
  security_server,                ///< RFC 3329
  security_verify,                ///< RFC 3329
  service_route,                  ///< RFC 3608
  session_expires,                ///< RFC 4028, compact form x
  session_id,                     ///< RFC 7989
  sip_etag,                       ///< RFC 3903
  sip_if_match,                   ///< RFC 3903
  subscription_state,             ///< RFC 6665
  target_dialog,                  ///< RFC 4538
  user_to_user,                   ///< RFC 7433
  x_real_ip,                      ///< de-facto extension carrying an address some proxies add
  count_  ///< number of ids (not a header)
};

/// Number of header ids including `unknown`.
inline constexpr std::size_t header_id_count = static_cast<std::size_t>(header_id::count_);

namespace detail {

/// Canonical names indexed by header_id.
inline constexpr std::array<std::string_view, header_id_count> header_names = {
    "",
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Authentication-Info",
    "Authorization",
    "Call-ID",
    "Call-Info",
    "Contact",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Type",
    "CSeq",
    "Date",
    "Error-Info",
    "Expires",
    "From",
    "In-Reply-To",
    "Max-Forwards",
    "Min-Expires",
    "MIME-Version",
    "Organization",
    "Priority",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Proxy-Require",
    "Record-Route",
    "Reply-To",
    "Require",
    "Retry-After",
    "Route",
    "Server",
    "Subject",
    "Supported",
    "Timestamp",
    "To",
    "Unsupported",
    "User-Agent",
    "Via",
    "Warning",
    "WWW-Authenticate",
    "Accept-Contact",
    "Allow-Events",
    "Answer-Mode",
    "Diversion",
    "Event",
    "Feature-Caps",
    "Flow-Timer",
    "Geolocation",
    "Geolocation-Error",
    "Geolocation-Routing",
    "History-Info",
    "Identity",
    "Identity-Info",
    "Info-Package",
    "Join",
    "Max-Breadth",
    "Min-SE",
    "P-Access-Network-Info",
    "P-Asserted-Identity",
    "P-Associated-URI",
    "P-Called-Party-ID",
    "P-Charging-Function-Addresses",
    "P-Charging-Vector",
    "P-Early-Media",
    "P-Preferred-Identity",
    "P-Visited-Network-ID",
    "Path",
    "Priv-Answer-Mode",
    "Privacy",
    "RAck",
    "Reason",
    "Recv-Info",
    "Refer-Sub",
    "Refer-To",
    "Referred-By",
    "Reject-Contact",
    "Remote-Party-ID",
    "Replaces",
    "Request-Disposition",
    "RSeq",
    "Security-Client",
    "Security-Server",
    "Security-Verify",
    "Service-Route",
    "Session-Expires",
    "Session-ID",
    "SIP-ETag",
    "SIP-If-Match",
    "Subscription-State",
    "Target-Dialog",
    "User-to-User",
    "X-Real-IP",
};

struct compact_form {
  char letter;
  header_id id;
};

/// Compact forms (RFC 3261 7.3.3 and the extension RFCs).
inline constexpr std::array<compact_form, 20> compact_forms = {{
    {'i', header_id::call_id},
    {'m', header_id::contact},
    {'e', header_id::content_encoding},
    {'l', header_id::content_length},
    {'c', header_id::content_type},
    {'f', header_id::from},
    {'s', header_id::subject},
    {'k', header_id::supported},
    {'t', header_id::to},
    {'v', header_id::via},
    {'o', header_id::event},
    {'u', header_id::allow_events},
    {'r', header_id::refer_to},
    {'b', header_id::referred_by},
    {'x', header_id::session_expires},
    {'y', header_id::identity},
    {'n', header_id::identity_info},
    {'a', header_id::accept_contact},
    {'j', header_id::reject_contact},
    {'d', header_id::request_disposition},
}};

inline constexpr std::size_t header_table_size = 512;  // power of two, load < 25 %

/// `c | 0x20`: lower-cases letters; maps every token character to itself or its
/// lower-case form, and no other token character onto a letter, digit or '-'.
[[nodiscard]] constexpr unsigned fold(char c) noexcept { return static_cast<unsigned char>(c) | 0x20u; }

/// The first min(n, 8) bytes of a name, every byte OR 0x20, little-endian (byte i in bits 8i..8i+7).
/// For token characters this folding is injective up to letter case.
[[nodiscard]] constexpr std::uint64_t first_word_folded(const char* p, std::size_t n) noexcept {
  std::uint64_t w = 0;
  const std::size_t k = n < 8 ? n : 8;
  for (std::size_t i = 0; i < k; ++i) w |= static_cast<std::uint64_t>(fold(p[i])) << (8 * i);
  return w;
}

/// Table slot of a name from its folded first word, length and folded last byte.
[[nodiscard]] constexpr std::size_t header_slot_of(std::uint64_t w, std::size_t n, unsigned last) noexcept {
  const std::uint64_t k = w ^ (static_cast<std::uint64_t>(n) << 56) ^ (static_cast<std::uint64_t>(last) << 48);
  return static_cast<std::size_t>((k * 0xFF51AFD7ED558CCDull) >> 55) & (header_table_size - 1);
}

/// Table slot of a name (non-empty).
[[nodiscard]] constexpr std::size_t header_slot(const char* p, std::size_t n) noexcept {
  return header_slot_of(first_word_folded(p, n), n, fold(p[n - 1]));
}

struct header_table {
  std::array<std::uint8_t, header_table_size> slot{};  // header_id, 0 = empty
  std::size_t max_probe = 0;
};

constexpr void header_table_insert(header_table& t, std::string_view name, header_id id) {
  std::size_t i = header_slot(name.data(), name.size());
  std::size_t probes = 1;
  while (t.slot[i] != 0) {
    i = (i + 1) & (header_table_size - 1);
    ++probes;
  }
  t.slot[i] = static_cast<std::uint8_t>(id);
  if (probes > t.max_probe) t.max_probe = probes;
}

constexpr header_table make_header_table() {
  header_table t{};
  for (std::size_t i = 1; i < header_id_count; ++i) header_table_insert(t, header_names[i], static_cast<header_id>(i));
  return t;
}

inline constexpr header_table header_lookup_table = make_header_table();
static_assert(!header_names[header_id_count - 1].empty(), "header_names must list every header_id");
static_assert(header_lookup_table.max_probe <= 2, "header hash degraded: retune header_slot");

/// Table: letter - 'a' -> id of its compact form.
inline constexpr std::array<header_id, 26> compact_by_letter = [] {
  std::array<header_id, 26> a{};
  for (const auto& c : compact_forms) a[static_cast<std::size_t>(c.letter - 'a')] = c.id;
  return a;
}();

/// Exact case-insensitive compare of `p[0..n)` with a canonical name.
[[nodiscard]] constexpr bool name_equals(const char* p, std::size_t n, std::string_view canon) noexcept {
  if (n != canon.size()) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (ascii::to_lower(p[i]) != ascii::to_lower(canon[i])) return false;
  return true;
}

/// A canonical name packed into little-endian words: lower-cased letters, and a mask with 0x20 at
/// letter positions, so that `(input_word | mask) == lower` is an exact case-insensitive match.
struct name_pattern {
  std::uint64_t lower[4] = {0, 0, 0, 0};
  std::uint64_t mask[4] = {0, 0, 0, 0};
  std::uint64_t folded[4] = {0, 0, 0, 0};  ///< every byte OR 0x20 (exact for letters and '-')
  std::uint8_t size = 0;
};

constexpr name_pattern make_name_pattern(std::string_view s) {
  name_pattern p{};
  for (std::size_t i = 0; i < s.size() && i < 32; ++i) {
    const char c = s[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const auto shift = 8u * static_cast<unsigned>(i % 8);
    p.lower[i / 8] |= static_cast<std::uint64_t>(static_cast<unsigned char>(letter ? (c | 0x20) : c)) << shift;
    p.mask[i / 8] |= static_cast<std::uint64_t>(letter ? 0x20u : 0u) << shift;
  }
  for (std::size_t i = 0; i < s.size() && i < 32; ++i)
    p.folded[i / 8] |= static_cast<std::uint64_t>(fold(s[i])) << (8 * static_cast<unsigned>(i % 8));
  p.size = static_cast<std::uint8_t>(s.size());
  return p;
}

inline constexpr std::array<name_pattern, header_id_count> header_patterns = [] {
  std::array<name_pattern, header_id_count> a{};
  for (std::size_t i = 0; i < header_id_count; ++i) a[i] = make_name_pattern(header_names[i]);
  return a;
}();

[[nodiscard]] constexpr bool fits_patterns() {
  for (auto n : header_names)
    if (n.size() > 32) return false;
  return true;
}
static_assert(fits_patterns(), "header names longer than 32 bytes need wider patterns");

[[nodiscard]] constexpr bool names_are_letters_and_dashes() {
  for (auto n : header_names)
    for (char c : n)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) return false;
  return true;
}
// lookup_header_in() folds every byte of the first word with 0x20: exact only for these names.
static_assert(names_are_letters_and_dashes(), "lookup_header_in assumes canonical names of letters and '-'");

/// low_bytes[k]: a mask of the low k bytes of a word.
inline constexpr std::uint64_t low_bytes[9] = {0,
                                               0xFFull,
                                               0xFFFFull,
                                               0xFFFFFFull,
                                               0xFFFFFFFFull,
                                               0xFFFFFFFFFFull,
                                               0xFFFFFFFFFFFFull,
                                               0xFFFFFFFFFFFFFFull,
                                               0xFFFFFFFFFFFFFFFFull};

/**
 * Fast path of lookup_header() for the message parser: `p[0..n)` with `limit`
 * the end of the readable buffer (word loads never pass it). The name must not
 * contain bytes below 0x0E (the parser stops names at those); then folding every
 * byte with 0x20 is exact for the canonical names (letters and '-').
 * Little-endian only (callers check).
 */
SIPALG_ALWAYS_INLINE header_id lookup_header_in(const char* p, std::size_t n, const char* limit) noexcept {
  if (n == 1) {
    const unsigned c = fold(p[0]);
    return (c >= 'a' && c <= 'z') ? compact_by_letter[c - 'a'] : header_id::unknown;
  }
  if (n == 0 || n > 32) return header_id::unknown;
  constexpr std::uint64_t folds = 0x2020202020202020ull;
  if (n <= 16 && limit - p >= 16) {
    // The common case: two word loads, folded and masked, compared against the candidate's words.
    std::uint64_t w0, w1;
    std::memcpy(&w0, p, 8);
    std::memcpy(&w1, p + 8, 8);
    const std::size_t n0 = n < 8 ? n : 8;
    w0 = (w0 | folds) & low_bytes[n0];
    w1 = (w1 | folds) & low_bytes[n - n0];
    std::size_t i = header_slot_of(w0, n, fold(p[n - 1]));
    for (;;) {
      const std::uint8_t e = header_lookup_table.slot[i];
      if (e == 0) return header_id::unknown;
      const name_pattern& pat = header_patterns[e];
      if (pat.folded[0] == w0 && pat.folded[1] == w1 && pat.size == n) return static_cast<header_id>(e);
      i = (i + 1) & (header_table_size - 1);
    }
  }
  std::uint64_t w;
  if (limit - p >= 8) {
    std::memcpy(&w, p, 8);
    if (n < 8) w &= low_bytes[n];
  } else {
    w = 0;
    for (std::size_t i = 0; i < n; ++i) w |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  w |= folds & low_bytes[n < 8 ? n : 8];
  std::size_t i = header_slot_of(w, n, fold(p[n - 1]));
  for (;;) {
    const std::uint8_t e = header_lookup_table.slot[i];
    if (e == 0) return header_id::unknown;
    const name_pattern& pat = header_patterns[e];
    if (pat.folded[0] == w && pat.size == n) {
      bool eq = true;
      for (std::size_t k = 8, word = 1; k < n; k += 8, ++word) {
        std::uint64_t v = 0;
        const std::size_t left = n - k;
        if (left >= 8 || limit - (p + k) >= 8) {
          std::memcpy(&v, p + k, 8);
          if (left < 8) v &= (std::uint64_t{1} << (8 * left)) - 1;
        } else {
          for (std::size_t j = 0; j < left; ++j)
            v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[k + j])) << (8 * j);
        }
        if ((v | pat.mask[word]) != pat.lower[word]) {
          eq = false;
          break;
        }
      }
      if (eq) return static_cast<header_id>(e);
    }
    i = (i + 1) & (header_table_size - 1);
  }
}

/**
 * Second table, for the parser's one-block fast path: names of 1 to 15 bytes
 * matched TOGETHER WITH the colon that ends them, against a 16-byte load of the line.
 *
 * Each entry holds the pattern "name:" as two little-endian words plus a mask per byte:
 * 0xDF at letters (clears the case bit: `x & 0xDF` equals an upper-case letter only for
 * that letter in either case), 0xFF at '-' and ':' (exact), 0x00 past the colon. So the
 * compare is exact and case-insensitive for ANY input bytes, and since the pattern's
 * colon must sit on a ':' of the input, a match also fixes the name's length (the caller
 * passes the length of the name before the first colon). Compact forms ("i:") are
 * entries of their own. Keyed on (length, first two bytes, last byte), all OR 0x20.
 */
struct colon_entry {
  std::uint64_t lo = 0, hi = 0;            ///< "name:" bytes 0..7 and 8..15, letters upper-cased
  std::uint64_t mask_lo = 0, mask_hi = 0;  ///< 0xDF letters, 0xFF '-' and ':', 0 past the colon
};

inline constexpr std::size_t colon_table_size = 512;  // power of two; 96 names, max 2 probes
inline constexpr std::size_t colon_max_name = 15;     ///< longest name (without colon) in the table

/// Slot of a name of `n` bytes (1..15) from its first two bytes `lo16` (little-endian; the
/// colon is byte 1 when n == 1) and its last byte, all OR 0x20 (case-folded for letters).
[[nodiscard]] constexpr std::size_t colon_slot(unsigned lo16, unsigned last, std::size_t n) noexcept {
  const std::uint32_t k = ((lo16 | 0x2020u) | ((last | 0x20u) << 16)) + (static_cast<std::uint32_t>(n) << 24);
  return static_cast<std::size_t>(static_cast<std::uint32_t>(k * 0x1C39DD0Fu) >> 23);  // 9 bits
}

struct colon_table {
  std::array<std::uint8_t, colon_table_size> slot{};  ///< index into entry, 0 = empty
  std::array<colon_entry, 1 + header_id_count + 26> entry{};
  std::array<header_id, 1 + header_id_count + 26> id{};  ///< id of entry[i] (apart: 32-byte entries)
  std::size_t count = 1;
  std::size_t max_probe = 0;
};

constexpr void colon_table_insert(colon_table& t, std::string_view name, header_id id) {
  colon_entry e{};
  for (std::size_t i = 0; i <= name.size(); ++i) {
    const char c = i < name.size() ? name[i] : ':';
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(letter ? (c & 0xDF) : c));
    const std::uint64_t mask = letter ? 0xDFu : 0xFFu;
    const auto shift = 8u * static_cast<unsigned>(i % 8);
    (i < 8 ? e.lo : e.hi) |= byte << shift;
    (i < 8 ? e.mask_lo : e.mask_hi) |= mask << shift;
  }
  const auto u = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(i < name.size() ? name[i] : ':')); };
  std::size_t i = colon_slot(u(0) | (u(1) << 8), u(name.size() - 1), name.size());
  std::size_t probes = 1;
  while (t.slot[i] != 0) {
    i = (i + 1) & (colon_table_size - 1);
    ++probes;
  }
  t.entry[t.count] = e;
  t.id[t.count] = id;
  t.slot[i] = static_cast<std::uint8_t>(t.count++);
  if (probes > t.max_probe) t.max_probe = probes;
}

constexpr colon_table make_colon_table() {
  colon_table t{};
  // Entry 0 (empty slots) never matches: it asks for a ':' as byte 0, and byte 0 of a name
  // that ends at the FIRST colon of the line is never ':' (n >= 1).
  t.entry[0].lo = ':';
  t.entry[0].mask_lo = 0xFF;
  for (std::size_t i = 1; i < header_id_count; ++i)
    if (header_names[i].size() <= colon_max_name) colon_table_insert(t, header_names[i], static_cast<header_id>(i));
  for (const auto& c : compact_forms) colon_table_insert(t, std::string_view(&c.letter, 1), c.id);
  return t;
}

inline constexpr colon_table header_colon_table = make_colon_table();
// 0x1C39DD0F was chosen so that every name has its own slot except Reply-To/Refer-To (same
// key): the second of them is one probe on.
static_assert(header_colon_table.max_probe <= 2, "colon_slot degraded: retune its multiplier");

/**
 * Id of the header whose name is `p[0..n)`, where p[n] is the first ':' of the line,
 * 1 <= n <= 15, and p[0..16) is readable (the caller checked). Any bytes otherwise;
 * same result as lookup_header(p, n).
 * Little-endian only.
 */
SIPALG_ALWAYS_INLINE header_id lookup_header_colon(const char* p, std::size_t n) noexcept {
  std::uint64_t w0, w1;
  std::memcpy(&w0, p, 8);
  std::memcpy(&w1, p + 8, 8);
  std::size_t i = colon_slot(static_cast<unsigned>(w0 & 0xFFFF), static_cast<unsigned char>(p[n - 1]), n);
  for (;;) {
    const std::uint8_t e = header_colon_table.slot[i];
    const colon_entry& c = header_colon_table.entry[e];
    if ((((w0 & c.mask_lo) ^ c.lo) | ((w1 & c.mask_hi) ^ c.hi)) == 0) return header_colon_table.id[e];
    if (e == 0) return header_id::unknown;
    i = (i + 1) & (colon_table_size - 1);
  }
}

}  // namespace detail

/**
 * Id of the header named `p[0..n)` (full or compact form, case-insensitive),
 * or header_id::unknown. `n` may be 0; any bytes may be passed.
 */
[[nodiscard]] constexpr header_id lookup_header(const char* p, std::size_t n) noexcept {
  if (n == 0) return header_id::unknown;
  if (n == 1) {
    const unsigned c = detail::fold(p[0]);
    return (c >= 'a' && c <= 'z') ? detail::compact_by_letter[c - 'a'] : header_id::unknown;
  }
  std::size_t i = detail::header_slot(p, n);
  for (;;) {
    const std::uint8_t e = detail::header_lookup_table.slot[i];
    if (e == 0) return header_id::unknown;
    if (detail::name_equals(p, n, detail::header_names[e])) return static_cast<header_id>(e);
    i = (i + 1) & (detail::header_table_size - 1);
  }
}

/// Id of the header named `name` (full or compact form, case-insensitive), or header_id::unknown.
[[nodiscard]] constexpr header_id lookup_header(std::string_view name) noexcept {
  return lookup_header(name.data(), name.size());
}

/// Canonical (full) name of a known header, e.g. "Call-ID"; empty for header_id::unknown.
[[nodiscard]] constexpr std::string_view canonical_name(header_id id) noexcept {
  const auto i = static_cast<std::size_t>(id);
  return i < header_id_count ? detail::header_names[i] : std::string_view{};
}

/// Compact form letter of a header (lower case), or '\0' when it has none.
[[nodiscard]] constexpr char compact_form(header_id id) noexcept {
  for (const auto& c : detail::compact_forms)
    if (c.id == id) return c.letter;
  return '\0';
}

}  // namespace sipalg::sip
