#!/usr/bin/env python3
"""tests/ipfix_tshark.py IPFIX_FILE JSONL_FILE - tshark reads flowstitch's IPFIX.

tshark decodes IPFIX carried over UDP, not IPFIX files, so each message of
the file (RFC 7011: its length is bytes 2-3 of its header) becomes one UDP
datagram to port 4739 in a pcap written here with the standard library;
then `tshark -d udp.port==4739,cflow -T pdml` decodes it and every flow is
compared with the JSONL session of the same run (both in session order).
Reverse elements (RFC 5103) are the ones Wireshark labels "(Reverse ...)".
Exit 0 when all match, 1 on the first difference, 77 without tshark.
"""
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

IPFIX_PORT = 4739


def write_pcap(ipfix, path):
    data = open(ipfix, "rb").read()
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
        off = n = 0
        while off < len(data):
            ln = struct.unpack(">H", data[off + 2:off + 4])[0]
            msg, off = data[off:off + ln], off + ln
            udp = struct.pack(">HHHH", 40000, IPFIX_PORT, 8 + len(msg), 0) + msg
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xFFFF, 0, 64, 17,
                             0, bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
            s = sum(struct.unpack(">10H", ip))
            s = (s >> 16) + (s & 0xFFFF)
            s += s >> 16
            ip = ip[:10] + struct.pack(">H", ~s & 0xFFFF) + ip[12:]
            pkt = b"\0" * 12 + b"\x08\x00" + ip + udp
            out.write(struct.pack("<IIII", n, 0, len(pkt), len(pkt)) + pkt)
            n += 1
    return n


def flows(pdml):
    for field in ET.fromstring(pdml).iter("field"):
        if field.get("name") == "" and (field.get("show") or "").startswith("Flow "):
            f = {}
            for c in field.iter("field"):
                name, rev = c.get("name"), "Reverse" in (c.get("showname") or "")
                if name and name.startswith("cflow."):
                    f[("r:" if rev else "") + name] = c.get("show"), c.get("value")
            yield f


def main():
    if not shutil.which("tshark"):
        print("ipfix_tshark: no tshark; skipped")
        sys.exit(77)
    ipfix, jsonl = sys.argv[1:3]
    import json
    sessions = [json.loads(l) for l in open(jsonl) if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        pcap = tmp + "/ipfix.pcap"
        write_pcap(ipfix, pcap)
        pdml = subprocess.run(["tshark", "-n", "-r", pcap, "-d", "udp.port==%d,cflow" % IPFIX_PORT,
                               "-T", "pdml"], capture_output=True, check=True).stdout
    got = list(flows(pdml))
    if len(got) != len(sessions):
        print("ipfix_tshark: %d flows, JSONL has %d sessions" % (len(got), len(sessions)))
        sys.exit(1)
    for n, (f, s) in enumerate(zip(got, sessions), 1):
        v6 = ":" in s["client_addr"]
        src = f["cflow.srcaddrv6" if v6 else "cflow.srcaddr"][0]
        dst = f["cflow.dstaddrv6" if v6 else "cflow.dstaddr"][0]
        have = {
            "client_addr": src, "server_addr": dst,
            "client_port": int(f["cflow.srcport"][0]), "server_port": int(f["cflow.dstport"][0]),
            "proto": int(f["cflow.protocol"][0]),
            "c2s_bytes": int(f["cflow.octets"][0]), "c2s_packets": int(f["cflow.packets"][0]),
            "s2c_bytes": int(f["r:cflow.octets"][0]), "s2c_packets": int(f["r:cflow.packets"][0]),
            "first_seen": int(f["cflow.abstimestart"][1], 16),
            "last_seen": int(f["cflow.abstimeend"][1], 16),
            "tcp_flags_c2s": int(f["cflow.tcpflags"][1], 16),
            "tcp_flags_s2c": int(f["r:cflow.tcpflags"][1], 16),
        }
        for k, v in have.items():
            want = s[k] if s[k] is not None else 0  # unknown is written as 0
            if v != want:
                print("ipfix_tshark: flow %d: %s is %r, JSONL says %r" % (n, k, v, want))
                sys.exit(1)
    print("ipfix_tshark: %d flows decoded by tshark match the JSONL" % len(got))


if __name__ == "__main__":
    main()
