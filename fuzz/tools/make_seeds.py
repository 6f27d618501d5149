#!/usr/bin/env python3
"""Regenerates the checked-in seed corpora fuzz/corpus/<target>/<sha1>.

Sources (only what may be copied into the repository):
  - the golden cases ../shared/golden/*/{before,after}.sip (ours);
  - RFC 4475 and RFC 5118 torture messages (IETF, BCP 78; the RFCs publish
    them for use as test input) and ersip's CRLF copies of RFC 5118 (MIT);
  - SDP examples cut from RFCs (IETF) and sdp-transform's test SDPs (MIT);
  - SIP messages extracted from the captures whose PROVENANCE.md names a
    permissive licence (MIT, BSD, Apache-2.0, Unlicense);
  - small hand-written inputs below (ours).
Everything else in ../shared/corpus (GPL/LGPL/AGPL/unlicensed) is NOT copied:
fuzz/run.sh reads that folder in place as an extra seed directory.

Usage: fuzz/tools/make_seeds.py [--shared DIR]   (default: <repo>/../shared)
Writes fuzz/corpus/<target>/<sha1 of content> for every target that has a
fuzz/<target>.cpp, and fuzz/corpus/SOURCES.tsv (target, sha1, source, licence).
"""
import argparse
import hashlib
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
FUZZ = REPO / "fuzz"
PERMISSIVE = re.compile(r"^(MIT|BSD|Apache|Unlicense)", re.I)
OURS = "sipalg (ours)"

# Control bytes (fuzzer_common.hpp): bytes >= 0x80 in front of the text.
def ctl(*values):
    return bytes(0x80 | (v & 0x7F) for v in values)


class Seeds:
    def __init__(self):
        self.by_target = {}

    def add(self, target, data, source, licence):
        if not data:
            return
        sha = hashlib.sha1(data).hexdigest()
        self.by_target.setdefault(target, {}).setdefault(sha, (data, source, licence))


def read_messages(shared):
    """[(bytes, source, licence)] of whole SIP messages."""
    out = []
    golden = shared / "golden"
    for d in sorted(golden.glob("*")):
        for name in ("before.sip", "after.sip"):
            p = d / name
            if p.is_file():
                out.append((p.read_bytes(), f"shared/golden/{d.name}/{name}", OURS))
    corpus = shared / "corpus"
    for p in sorted((corpus / "rfc4475" / "messages").glob("*.dat")):
        out.append((p.read_bytes(), f"shared/corpus/rfc4475/messages/{p.name}", "IETF RFC 4475 (BCP 78)"))
    for p in sorted((corpus / "rfc5118" / "archive").glob("*")):
        out.append((p.read_bytes(), f"shared/corpus/rfc5118/archive/{p.name}", "IETF RFC 5118 (BCP 78)"))
    for p in sorted((corpus / "rfc5118" / "wire-crlf").glob("*.sip")):
        out.append((p.read_bytes(), f"shared/corpus/rfc5118/wire-crlf/{p.name}", "MIT (poroh/ersip)"))
    for cap in sorted((corpus / "pcap").glob("*/")):
        prov = cap / "PROVENANCE.md"
        if not prov.is_file():
            continue
        m = re.search(r"^- License:\s*(.+)$", prov.read_text(errors="replace"), re.M)
        if not m or not PERMISSIVE.match(m.group(1).strip()):
            continue
        repo = re.search(r"^- Source repository:\s*(\S+)", prov.read_text(errors="replace"), re.M)
        lic = f"{m.group(1).strip()} ({repo.group(1) if repo else cap.name})"
        for p in sorted(cap.glob("*.sip")):
            out.append((p.read_bytes(), f"shared/corpus/pcap/{cap.name}/{p.name}", lic))
    return out


def read_sdps(shared, messages):
    out = []
    corpus = shared / "corpus"
    for p in sorted((corpus / "sdp" / "rfc").glob("*.sdp")):
        out.append((p.read_bytes(), f"shared/corpus/sdp/rfc/{p.name}", "IETF RFCs (BCP 78)"))
    for p in sorted((corpus / "sdp" / "sdp-transform").glob("*.sdp")):
        out.append((p.read_bytes(), f"shared/corpus/sdp/sdp-transform/{p.name}", "MIT (clux/sdp-transform)"))
    for data, src, lic in messages:
        head, body = split_head(data)
        if body and re.search(rb"^(content-type|c)[ \t]*:[ \t]*application/sdp", head, re.I | re.M):
            out.append((body, src + " (body)", lic))
    return out


def split_head(data):
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = data.find(sep)
        if i >= 0:
            return data[: i + len(sep)], data[i + len(sep):]
    return data, b""


def header_values(data, names):
    """Values of the headers named `names` (lower case, compact forms included), folds joined."""
    head, _ = split_head(data)
    lines = re.split(rb"\r?\n", head)
    vals, cur = [], None
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t") and cur is not None:
            cur[1] += b"\r\n" + line
            continue
        if cur is not None:
            vals.append(cur)
        m = re.match(rb"([!-9;-~]+)[ \t]*:[ \t]*(.*)$", line)
        cur = [m.group(1).lower(), m.group(2)] if m else None
    if cur is not None:
        vals.append(cur)
    return [v.strip() for n, v in vals if n.decode("latin-1") in names]


def request_uri(data):
    first = re.split(rb"\r?\n", data.lstrip(b"\r\n"), maxsplit=1)[0]
    parts = first.split()
    if len(parts) == 3 and not parts[0].upper().startswith(b"SIP/"):
        return parts[1]
    return None


ADDRESS_EDGE_CASES = [
    b"0.0.0.0", b"255.255.255.255", b"192.168.1.100", b"10.0.0.1:5060", b"1.2.3.4:65535", b"1.2.3.4:65536",
    b"1.2.3.4:", b"01.2.3.4", b"1.2.3", b"1.2.3.4.5", b"256.1.1.1", b"::", b"::1", b"1::", b"::ffff:1.2.3.4",
    b"2001:db8::1", b"2001:0db8:0000:0000:0000:ff00:0042:8329", b"1:2:3:4:5:6:7:8", b"1:2:3:4:5:6:7::",
    b"::2:3:4:5:6:7:8", b"1:2:3:4:5:6:1.2.3.4", b"1::2::3", b"[2001:db8::1]:5060", b"[::1]", b"[::1]:",
    b"[fe80::1%eth0]:5060", b"0", b"00065535", b"18446744073709551615", b"18446744073709551616",
    b"99999999999999999999", b"4294967295\n4294967296", b"Contact\ncontact", b"via\x00VIA",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=pathlib.Path, default=REPO.parent / "shared")
    args = ap.parse_args()
    if not (args.shared / "corpus").is_dir():
        sys.exit(f"make_seeds: {args.shared}/corpus not found")

    targets = sorted(p.stem for p in FUZZ.glob("*.cpp") if p.stem != "main")
    msgs = read_messages(args.shared)
    sdps = read_sdps(args.shared, msgs)
    golden = [m for m in msgs if m[2] == OURS]
    s = Seeds()

    for data, src, lic in msgs:
        s.add("sip_message", data, src, lic)
        s.add("sip_framing", data, src, lic)
        s.add("rewrite", data, src, lic)
        for v in header_values(data, {"via", "v"}):
            s.add("sip_via", v, src + " (Via)", lic)
        for v in header_values(data, {"contact", "m"}):
            s.add("sip_name_addr", v, src + " (Contact)", lic)
        for v in header_values(data, {"from", "f", "to", "t", "route", "record-route"}):
            s.add("sip_name_addr", v, src + " (From/To/Route)", lic)
        for v in header_values(data, {"cseq", "call-id", "i", "expires", "content-length", "l", "content-type", "c"}):
            s.add("sip_values", v, src + " (CSeq/Call-ID/Expires/Content-*)", lic)
        ruri = request_uri(data)
        if ruri:
            s.add("sip_uri", ruri, src + " (Request-URI)", lic)
        for v in header_values(data, {"contact", "m", "from", "f", "to", "t"}):
            m = re.search(rb"<([^>]*)>", v)
            if m:
                s.add("sip_uri", m.group(1), src + " (URI in <>)", lic)
        for m in re.finditer(rb"\[[0-9A-Fa-f:.]+\](?::\d+)?|\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?", data):
            s.add("core_address", m.group(0), src + " (address)", lic)
        s.add("sdp_multipart", data, src, lic)
    for data, src, lic in sdps:
        s.add("sdp", data, src, lic)
    for e in ADDRESS_EDGE_CASES:
        s.add("core_address", e, "fuzz/tools/make_seeds.py (edge cases)", OURS)

    # Stream framing: the golden messages back to back, with keep-alive CRLFs between.
    for (a, sa, _), (b, sb, _) in zip(golden, golden[1:] + golden[:1]):
        s.add("sip_framing", a + b, f"{sa} + {sb}", OURS)
        s.add("sip_framing", b"\r\n\r\n" + a + b"\r\n" + b, f"CRLF + {sa} + CRLF + {sb}", OURS)
    # Options: the golden messages with a few control-byte prefixes (stream rules, small limits, ...).
    for data, src, _ in golden:
        for prefix in (ctl(1), ctl(2), ctl(3, 5), ctl(127, 127, 127, 127)):
            for t in ("sip_message", "sip_framing", "rewrite", "sdp_multipart"):
                s.add(t, prefix + data, f"{src} with control bytes {prefix.hex()}", OURS)
        s.add("edit_plan", data, src, OURS)
    for data, src, lic in sdps[:40]:
        s.add("sdp", ctl(1) + data, f"{src} with control bytes 81", lic)
    # Rewrites: each golden message with the binding taken from each place, both directions, small rewriter.
    for data, src, _ in golden:
        for mode in (1, 4, 5, 8, 9, 12, 16, 32, 64 | 1, 64):
            s.add("rewrite", ctl(mode, 3, 1, 0, 5) + data, f"{src} with control bytes {ctl(mode, 3, 1, 0, 5).hex()}", OURS)
    # Multipart: "<Content-Type>\n<body>" forms around the SDP seeds.
    for data, src, lic in sdps[:30]:
        s.add("sdp_multipart", b"application/sdp\n" + data, f"{src} as application/sdp", lic)
        wrapped = (b"multipart/mixed;boundary=unique-boundary-1\n--unique-boundary-1\r\n"
                   b"Content-Type: application/sdp\r\n\r\n" + data + b"\r\n--unique-boundary-1\r\n"
                   b"Content-Type: application/ISUP;version=nxv3;base=etsi121\r\nContent-Disposition: signal;handling=optional\r\n\r\n"
                   b"\x01\x00\x49\x00\x00\x03\x02\x00\x07\x04\x10\x00\x33\x63\x21\x43\x00\x00\x03\r\n--unique-boundary-1--\r\n")
        s.add("sdp_multipart", wrapped, f"{src} in multipart/mixed (wrapper ours)", lic)

    # NAT engine: packet records (see fuzz/nat_engine.cpp) around the golden messages.
    g = {d.name: {n: (d / n).read_bytes() for n in ("before.sip", "after.sip")}
         for d in sorted((args.shared / "golden").glob("*")) if (d / "before.sip").is_file()}
    def rec(header, payload=b""):
        return b"@" + header.encode() + b"\n" + payload + b"\n"
    pub = "203.0.113.1"
    fanvil = (rec("lan 192.168.0.31:5010 > 193.233.5.201:5060 udp", g["seed-fanvil-register"]["before.sip"]) +
              rec("tick 1") +
              rec(f"wan 193.233.5.201:5060 > {pub}:5010 udp", g["seed-fanvil-register-200"]["before.sip"]) +
              rec("tick 30") +
              rec(f"wan 193.233.5.201:5060 > {pub}:5010 udp", g["seed-fanvil-incoming-invite"]["before.sip"]) +
              rec(f"wan 193.233.5.201:30000 > {pub}:5010 udp", b"\x80\x00\x00\x01" + b"\x00" * 8))
    spa = (rec("lan 192.168.20.100:5060 > 207.252.1.148:5060 udp", g["seed-spa-register"]["before.sip"]) +
           rec("tick 2") +
           rec("lan 192.168.20.100:5060 > 207.252.1.148:5060 udp", g["seed-spa-invite"]["before.sip"]) +
           rec(f"wan 207.252.1.148:5060 > {pub}:5060 udp", g["seed-fanvil-register-200"]["before.sip"]) +
           rec(f"wan 207.252.1.148:40000 > {pub}:5000 udp", b"\x80" + b"\x00" * 11) +
           rec(f"wan 198.51.100.77:40002 > {pub}:5002 udp", b"\x80" + b"\x00" * 11) +
           rec("tick 200") + rec("sweep 300") +
           rec("lan 192.168.20.100:5060 > 207.252.1.148:5060 udp", g["seed-spa-register"]["after.sip"]))
    ros = g["seed-routeros-invite"]["before.sip"]
    half = len(ros) // 2
    tcp = (rec("lan 192.168.2.100:5050 > 1.1.1.2:5060 tcp S seq=1000") +
           rec(f"wan 1.1.1.2:5060 > {pub}:5050 tcp SA seq=5000 ack=1001") +
           rec("lan 192.168.2.100:5050 > 1.1.1.2:5060 tcp A seq=1001 ack=5001") +
           rec("lan 192.168.2.100:5050 > 1.1.1.2:5060 tcp PA seq=1001 ack=5001", ros[:half]) +
           rec(f"lan 192.168.2.100:5050 > 1.1.1.2:5060 tcp PA seq={1001 + half} ack=5001", ros[half:] + ros) +
           rec(f"wan 1.1.1.2:5060 > {pub}:5050 tcp PA seq=5001 ack={1001 + 2 * len(ros) + 40}",
               g["seed-fanvil-register-200"]["before.sip"]) +
           rec("lan 192.168.2.100:5050 > 1.1.1.2:5060 tcp FA seq=9000 ack=9000"))
    misc = (rec("lan 192.168.2.100:5060 > 1.1.1.2:5060 udp room=0", ros) +
            rec("lan 192.168.2.100:5060 > 1.1.1.2:5060 udp frag", ros[:64]) +
            rec("lan 192.168.2.100:5060 > 10.8.0.9:5060 udp", ros) +
            rec("pub 203.0.113.99") +
            rec("lan 192.168.2.100:5060 > 1.1.1.2:5060 udp nosum", ros) +
            rec("wan 1.1.1.2:5060 > 203.0.113.99:5060 udp", g["seed-fanvil-register-200"]["before.sip"]) +
            rec("raw lan", bytes.fromhex("4500001c0001000040110000c0a80164010101021388138800080000")))
    for name, seq in (("fanvil", fanvil), ("spa", spa), ("tcp", tcp), ("misc", misc)):
        for mode in (None, 1, 2, 4, 8, 16):
            data = (b"" if mode is None else ctl(mode)) + seq
            s.add("nat_engine", data, f"golden messages as packets ({name}, mode {mode})", OURS)

    # pcap_reader: the bundled LAN capture (ours) and the permissive captures' original files (<= 64 KiB).
    sample = REPO / "examples" / "data" / "sample-lan.pcap"
    if sample.is_file():
        data = sample.read_bytes()
        for mode in (None, 1, 2, 4, 8):
            s.add("pcap_reader", (b"" if mode is None else ctl(mode)) + data,
                  f"examples/data/sample-lan.pcap (mode {mode})", OURS)
    for cap in sorted((args.shared / "corpus" / "pcap").glob("*/")):
        prov = cap / "PROVENANCE.md"
        if not prov.is_file():
            continue
        text = prov.read_text(errors="replace")
        m = re.search(r"^- License:\s*(.+)$", text, re.M)
        if not m or not PERMISSIVE.match(m.group(1).strip()):
            continue
        repo = re.search(r"^- Source repository:\s*(\S+)", text, re.M)
        for p in sorted(list(cap.glob("*.pcap")) + list(cap.glob("*.pcapng"))):
            if p.stat().st_size <= 65536:
                s.add("pcap_reader", p.read_bytes(), f"shared/corpus/pcap/{cap.name}/{p.name}",
                      f"{m.group(1).strip()} ({repo.group(1) if repo else cap.name})")

    rows = []
    for t in targets:
        d = FUZZ / "corpus" / t
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            if re.fullmatch(r"[0-9a-f]{40}", old.name):
                old.unlink()
        for sha, (data, src, lic) in sorted(s.by_target.get(t, {}).items()):
            (d / sha).write_bytes(data)
            rows.append(f"{t}\t{sha}\t{src}\t{lic}")
        (FUZZ / "crashes" / t).mkdir(parents=True, exist_ok=True)
        keep = FUZZ / "crashes" / t / ".gitkeep"
        if not any(FUZZ.joinpath("crashes", t).iterdir()):
            keep.write_bytes(b"")
        print(f"{t}: {len(s.by_target.get(t, {}))} seeds")
    (FUZZ / "corpus" / "SOURCES.tsv").write_text("target\tsha1\tsource\tlicence\n" + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
