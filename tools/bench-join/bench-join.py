#!/usr/bin/env python3
"""tools/bench-join/bench-join.py - the join's speed and memory, beside a baseline.

Runs `flowstitch sessions -q FILE -o OUT` for every binary given (the first
is the baseline), ROUNDS times each, alternating the binaries so that the
load of a shared machine falls on all of them alike, under /usr/bin/time -v
(Debian `time`).  Prints, per binary, the medians of user CPU, system CPU and
wall seconds, records per wall second and per CPU second (user + sys),
minor page faults, peak RSS and peak RSS per session written, the sessions
written (and the truth's count when a gen_bulk --truth file is given), and
whether the output is byte-identical to the baseline's; then each binary's
ratios to the baseline.  Exits 1 when an output differs or a run fails.

    tools/bench-join/bench-join.py [--rounds N] [--truth FILE] [--threads N]
                                   [--stream] FILE BASE_BIN NEW_BIN...

The input: `gen_bulk -n 10000000 -o FILE --truth TRUTH` (../shared/bench,
the shuffled S3-like records of the side-by-side benchmark); see
docs/performance.md for the numbers and the commands that made them.
"""
import argparse
import hashlib
import os
import re
import statistics
import subprocess
import sys
import tempfile


def run_once(binary, path, out, threads, stream):
    cmd = ["/usr/bin/time", "-v", binary, "sessions", "-q", "-o", out]
    if threads:
        cmd += ["--threads", str(threads)]
    if stream:
        cmd.append("--stream")
    cmd.append(path)
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"{binary}: exit {p.returncode}")
    fields = {}
    for line in p.stderr.splitlines():
        k, _, v = line.strip().rpartition(": ")
        fields[k] = v
    wall = fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":")
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    return {
        "user": float(fields["User time (seconds)"]),
        "sys": float(fields["System time (seconds)"]),
        "wall": secs,
        "rss": int(fields["Maximum resident set size (kbytes)"]) * 1024,
        "faults": int(fields["Minor (reclaiming a frame) page faults"]),
    }


def digest(path):
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            n += chunk.count(b"\n")
    return h.hexdigest(), n


def count_records(path):
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--truth", help="gen_bulk --truth file (sessions=N)")
    ap.add_argument("--threads", type=int, default=0, help="--threads for flowstitch (0: its default)")
    ap.add_argument("--stream", action="store_true", help="run with --stream")
    ap.add_argument("file")
    ap.add_argument("bins", nargs="+")
    a = ap.parse_args()
    truth = None
    if a.truth:
        m = re.search(r"^sessions=(\d+)", open(a.truth).read(), re.M)
        truth = int(m.group(1)) if m else None
    records = count_records(a.file)
    runs = {b: [] for b in a.bins}
    outs = {}
    with tempfile.TemporaryDirectory(prefix="bench-join-") as tmp:
        for r in range(a.rounds):
            for i, b in enumerate(a.bins):
                out = os.path.join(tmp, f"out{i}.jsonl")
                runs[b].append(run_once(b, a.file, out, a.threads, a.stream))
                if r == 0:
                    outs[b] = digest(out)
                os.unlink(out)
    base = a.bins[0]
    med = {b: {k: statistics.median(x[k] for x in runs[b]) for k in runs[b][0]} for b in a.bins}
    print(f"input {a.file}: {records:,} lines; {a.rounds} rounds, medians"
          f"{'; --stream' if a.stream else ''}{'; --threads %d' % a.threads if a.threads else ''}")
    hdr = ("binary", "user s", "sys s", "wall s", "M rec/s wall", "M rec/s cpu", "faults",
           "peak MiB", "B/session", "sessions", "same output")
    print(" | ".join(hdr))
    bad = 0
    for b in a.bins:
        m = med[b]
        sessions = outs[b][1]
        same = "baseline" if b == base else ("yes" if outs[b][0] == outs[base][0] else "NO")
        bad |= same == "NO"
        cpu = m["user"] + m["sys"]
        sess = f"{sessions:,}" + ("" if truth is None else (" = truth" if sessions == truth else f" (truth {truth:,})"))
        print(" | ".join([b, f"{m['user']:.2f}", f"{m['sys']:.2f}", f"{m['wall']:.2f}",
                          f"{records / m['wall'] / 1e6:.2f}", f"{records / cpu / 1e6:.2f}",
                          f"{m['faults']:,.0f}", f"{m['rss'] / 2**20:.0f}",
                          f"{m['rss'] / max(sessions, 1):.0f}", sess, same]))
    for b in a.bins[1:]:
        print(f"{b} / {base}: user {med[b]['user'] / med[base]['user']:.3f}, "
              f"cpu {(med[b]['user'] + med[b]['sys']) / (med[base]['user'] + med[base]['sys']):.3f}, "
              f"wall {med[b]['wall'] / med[base]['wall']:.3f}, "
              f"peak RSS {med[b]['rss'] / med[base]['rss']:.3f}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
