#!/usr/bin/env python3
"""tests/formats_check.py FORMAT ZEEK_OR_OCSF_FILE JSONL_FILE

An independent reader for flowstitch's Zeek and OCSF outputs (used by
tests/test_formats.c).  Reads the output with the Python standard library
only and checks it against the JSONL sessions of the same run, row by row
(both are written in session order).  Prints one line and exits 0 when it
holds, 1 with the first difference otherwise.
"""
import json
import sys

# Zeek conn.log columns and types as Zeek's Conn::Info declares them
# (docs.zeek.org, base/protocols/conn/main.zeek), community_id from the
# community-id package (policy/protocols/conn/community-id-logging.zeek).
ZEEK_FIELDS = [
    ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
    ("id.resp_h", "addr"), ("id.resp_p", "port"), ("proto", "enum"),
    ("service", "string"), ("duration", "interval"), ("orig_bytes", "count"),
    ("resp_bytes", "count"), ("conn_state", "string"), ("local_orig", "bool"),
    ("local_resp", "bool"), ("missed_bytes", "count"), ("history", "string"),
    ("orig_pkts", "count"), ("orig_ip_bytes", "count"), ("resp_pkts", "count"),
    ("resp_ip_bytes", "count"), ("tunnel_parents", "set[string]"),
    ("community_id", "string"),
]
ZEEK_STATES = {"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0",
               "RSTRH", "SH", "SHR", "OTH"}
PROTO_NAMES = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmp"}


def fail(msg):
    print("formats_check: " + msg)
    sys.exit(1)


def zeek_header(lines):
    meta, i = {}, 0
    while i < len(lines) and lines[i].startswith("#"):
        line = lines[i]
        if line.startswith("#separator "):
            meta["separator"] = line.split(" ", 1)[1]
        else:
            key, _, val = line[1:].partition("\t")
            meta[key] = val
        i += 1
    return meta, i


def zeek_time(text):
    # Zeek's #open/#close: YYYY-MM-DD-HH-MM-SS
    parts = text.split("-")
    if len(parts) != 6 or not all(p.isdigit() for p in parts):
        fail("bad #open/#close time " + repr(text))


def opt(v, want):
    """A Zeek value that is unset ('-') must come from a JSON null."""
    return v == "-" if want is None else v == str(want)


def check_zeek_row(n, row, s):
    f = dict(zip([k for k, _ in ZEEK_FIELDS], row))
    want = {
        "ts": "%d.000000" % s["first_seen"],
        # ports null (key_absent) are Zeek's unset '-'
        "id.orig_h": s["client_addr"], "id.orig_p": "-" if s["client_port"] is None else str(s["client_port"]),
        "id.resp_h": s["server_addr"], "id.resp_p": "-" if s["server_port"] is None else str(s["server_port"]),
        "proto": PROTO_NAMES.get(s["proto"], "unknown_transport"),
        "duration": "%d.000000" % (s["last_seen"] - s["first_seen"]),
        "community_id": s["community_id"],
    }
    for k, v in want.items():
        if f[k] != v:
            fail("row %d: %s is %r, JSONL says %r" % (n, k, f[k], v))
    for k, j in (("orig_pkts", "c2s_packets"), ("orig_ip_bytes", "c2s_bytes"),
                 ("resp_pkts", "s2c_packets"), ("resp_ip_bytes", "s2c_bytes")):
        if not opt(f[k], s[j]):
            fail("row %d: %s is %r, JSONL %s says %r" % (n, k, f[k], j, s[j]))
    if f["conn_state"] not in ZEEK_STATES:
        fail("row %d: conn_state %r" % (n, f["conn_state"]))
    if s["action"] == "REJECT" and f["conn_state"] != "REJ":
        fail("row %d: a rejected session is %r, not REJ" % (n, f["conn_state"]))
    if not (f["uid"].startswith("C") and f["uid"][1:].isalnum() and len(f["uid"]) == 18):
        fail("row %d: uid %r" % (n, f["uid"]))
    return f["uid"]


def check_zeek(path, sessions):
    lines = open(path, encoding="utf-8").read().split("\n")
    if lines[-1] != "":
        fail("no newline at the end")
    lines.pop()
    meta, first = zeek_header(lines)
    if meta.get("separator") != "\\x09" or meta.get("set_separator") != ",":
        fail("separator lines %r" % meta)
    if meta.get("empty_field") != "(empty)" or meta.get("unset_field") != "-":
        fail("empty/unset lines %r" % meta)
    if meta.get("path") != "conn":
        fail("#path %r" % meta.get("path"))
    zeek_time(meta.get("open", ""))
    if meta["fields"].split("\t") != [k for k, _ in ZEEK_FIELDS]:
        fail("#fields " + meta["fields"])
    if meta["types"].split("\t") != [t for _, t in ZEEK_FIELDS]:
        fail("#types " + meta["types"])
    if not lines[-1].startswith("#close\t"):
        fail("last line is not #close: %r" % lines[-1])
    zeek_time(lines[-1].split("\t", 1)[1])
    rows = lines[first:-1]
    if len(rows) != len(sessions):
        fail("%d rows, JSONL has %d sessions" % (len(rows), len(sessions)))
    uids = set()
    for n, (line, s) in enumerate(zip(rows, sessions), 1):
        row = line.split("\t")
        if len(row) != len(ZEEK_FIELDS):
            fail("row %d has %d fields" % (n, len(row)))
        uids.add(check_zeek_row(n, row, s))
    if len(uids) != len(rows):
        fail("uids are not unique")
    if sessions:
        timed = [s["last_seen"] for s in sessions if s["last_seen"] is not None]
        want_open = sessions[0]["first_seen"]
        import time
        if meta["open"] != time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(want_open)):
            fail("#open %s is not the first ts %d" % (meta["open"], want_open))
        if lines[-1].split("\t")[1] != time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(max(timed))):
            fail("#close is not the latest last_seen")
    print("zeek: %d rows match the JSONL; header and types as Zeek's" % len(rows))


def main():
    fmt, path, jsonl = sys.argv[1:4]
    sessions = [json.loads(line) for line in open(jsonl, encoding="utf-8") if line.strip()]
    if fmt == "zeek":
        check_zeek(path, sessions)
    elif fmt == "ocsf":
        import ocsf_check
        ocsf_check.check(path, sessions, fail)
    else:
        fail("unknown format " + fmt)


if __name__ == "__main__":
    main()
