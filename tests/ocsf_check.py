"""tests/ocsf_check.py - checks flowstitch's OCSF events (formats_check.py ocsf).

REQUIRED lists the attributes the OCSF schema marks "requirement": "required"
for the Network Activity class (4001) and the objects we write, with their
JSON types, in release 1.8.0 (the version flowstitch writes; read from
ocsf/ocsf-schema at commit 3dcb905d "v1.8.0 prep", 2026-03-16).
Source: ocsf/ocsf-schema, events/base_event.json and the
classification/occurrence traits (activity_id, category_uid, class_uid,
type_uid, severity_id, time, metadata), events/network/network_activity.json
(the at_least_one constraint on src_endpoint/dst_endpoint), objects/
metadata.json (product, version), objects/product.json (vendor_name is
recommended; name), objects/cloud.json (provider),
objects/network_connection_info.json (direction_id), objects/
network_endpoint.json (at least one of ip, hostname, ...); schema.ocsf.io
class page "Network Activity".
"""
import json

REQUIRED = {
    "activity_id": int, "category_uid": int, "class_uid": int, "type_uid": int,
    "severity_id": int, "time": int, "metadata": dict,
}
METADATA_REQUIRED = {"product": dict, "version": str}
CLOUD_REQUIRED = {"provider": str}
OCSF_VERSION = "1.8.0"


def check(path, sessions, fail):
    events = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    if len(events) != len(sessions):
        fail("ocsf: %d events, JSONL has %d sessions" % (len(events), len(sessions)))
    for n, (e, s) in enumerate(zip(events, sessions), 1):
        for key, typ in REQUIRED.items():
            if not isinstance(e.get(key), typ) or isinstance(e.get(key), bool):
                fail("ocsf event %d: required %s missing or not %s" % (n, key, typ.__name__))
        for key, typ in METADATA_REQUIRED.items():
            if not isinstance(e["metadata"].get(key), typ):
                fail("ocsf event %d: metadata.%s missing" % (n, key))
        if e["metadata"]["version"] != OCSF_VERSION:
            fail("ocsf event %d: metadata.version %r" % (n, e["metadata"]["version"]))
        ci = e.get("connection_info")
        if ci is not None and (not isinstance(ci.get("direction_id"), int)
                               or ci["direction_id"] not in (0, 1, 2, 3, 4, 99)):
            fail("ocsf event %d: connection_info.direction_id" % n)
        if not isinstance(e["metadata"]["product"].get("name"), str):
            fail("ocsf event %d: metadata.product.name" % n)
        if "src_endpoint" not in e and "dst_endpoint" not in e:
            fail("ocsf event %d: neither src_endpoint nor dst_endpoint" % n)
        if "cloud" in e and not isinstance(e["cloud"].get("provider"), str):
            fail("ocsf event %d: cloud.provider" % n)
        # class 4001, category 4, type_uid = class_uid * 100 + activity_id
        if e["class_uid"] != 4001 or e["category_uid"] != 4:
            fail("ocsf event %d: class/category %r/%r" % (n, e["class_uid"], e["category_uid"]))
        if e["type_uid"] != 400100 + e["activity_id"]:
            fail("ocsf event %d: type_uid %d, activity_id %d" % (n, e["type_uid"], e["activity_id"]))
        check_values(n, e, s, fail)
    print("ocsf: %d events have the required fields and match the JSONL" % len(events))


def check_values(n, e, s, fail):
    src, dst = e["src_endpoint"], e["dst_endpoint"]
    got = (src["ip"], src.get("port"), dst["ip"], dst.get("port"))
    want = (s["client_addr"], s["client_port"], s["server_addr"], s["server_port"])
    if s["proto"] not in (1, 58) and got != want:
        fail("ocsf event %d: endpoints %r, JSONL %r" % (n, got, want))
    if s["first_seen"] is not None:
        if (e["start_time"], e["end_time"], e["time"]) != (
                s["first_seen"] * 1000, s["last_seen"] * 1000, s["last_seen"] * 1000):
            fail("ocsf event %d: times" % n)
    t = e.get("traffic")
    if s["c2s_bytes"] is not None:
        want = {"bytes_out": s["c2s_bytes"], "packets_out": s["c2s_packets"],
                "bytes_in": s["s2c_bytes"], "packets_in": s["s2c_packets"],
                "bytes": s["c2s_bytes"] + s["s2c_bytes"],
                "packets": s["c2s_packets"] + s["s2c_packets"]}
        if t != want:
            fail("ocsf event %d: traffic %r, JSONL %r" % (n, t, want))
    ci = e["connection_info"]
    if ci.get("protocol_num") != s["proto"] or ci.get("community_uid") != s["community_id"]:
        fail("ocsf event %d: connection_info %r" % (n, ci))
    if s["action"] == "REJECT" and e["activity_id"] != 5:
        fail("ocsf event %d: a rejected session is not Refuse (5)" % n)
    if e["unmapped"]["session_id"] != s["session_id"]:
        fail("ocsf event %d: session_id" % n)
