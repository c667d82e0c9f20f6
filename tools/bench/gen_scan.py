#!/usr/bin/env python3
# tools/bench/gen_scan.py - a port scan as a default-format (v2) flow log,
# for memory runs of `flowstitch sessions --memcap`.
#   usage: python3 tools/bench/gen_scan.py RECORDS OUT.log
# RECORDS records, one per distinct (source address, source port) to one
# destination (10.9.0.1:22, TCP SYN-only probes, 1 packet of 44 bytes,
# REJECT), all at one ENI, 1000 records per second of data time, in time
# order: RECORDS distinct 5-tuples, hence exactly RECORDS sessions (each
# probe is its own connection key).  Sources 172.16.0.0/12 in order, 50000
# ports each (1024..50023).
import sys
N = int(sys.argv[1])
t0 = 1764237600
with open(sys.argv[2], 'w') as out:
    buf = []
    for i in range(N):
        h, port = divmod(i, 50000)
        src = '172.%d.%d.%d' % (16 + (h >> 16), (h >> 8) & 255, h & 255)
        ts = t0 + i // 1000
        buf.append('2 123456789012 eni-0a1b2c3d4e5f60718 %s 10.9.0.1 %d 22 6 1 44 %d %d REJECT OK\n'
                   % (src, 1024 + port, ts, ts + 1))
        if len(buf) >= 65536:
            out.writelines(buf)
            buf = []
    out.writelines(buf)
