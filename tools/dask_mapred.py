#!/usr/bin/env python3
"""tools/dask_mapred.py FLOWSTITCH FLOWGEN [--workers N] [--data DIR] [--bench]

Drives `flowstitch map | reduce | merge` through Dask distributed (a real
scheduler and worker processes on loopback, docs/distributed.md "Dask") and
checks the merged output against `flowstitch sessions` byte for byte: S3
and CloudWatch+metadata deliveries, 4 and 16 shards, the input split over
several map tasks, one reduce task per key.

Map tasks run on the workers and split their output by key there; each
reduce task gets its key's pieces from every map task (Dask moves them
between the worker processes: the shuffle), runs `flowstitch reduce`, and
the parts are merged by `flowstitch merge`.

Exit 0 when every run is byte-identical, 1 when one differs or fails, 77
(skip, for CTest) when the Python module `distributed` is missing
(Debian: apt-get install python3-distributed; tools/deps.sh tries it).

--data DIR uses an existing `flowgen --out` directory instead of generating
one; --bench also times the S3 run with 1 and with 2 workers (wall seconds,
best of 3) and prints the speed-up.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

try:
    import distributed  # noqa: F401  (the probe)
    from distributed import Client, LocalCluster
except ImportError as e:  # pragma: no cover - depends on the machine
    # Debian's python3-distributed is in the system Python; another python3
    # first on PATH (pyenv, a venv) does not see it: run under the system one.
    SYS = "/usr/bin/python3"
    if (os.path.exists(SYS) and os.path.realpath(sys.executable) != os.path.realpath(SYS)
            and not os.environ.get("DASK_MAPRED_REEXEC")):
        os.environ["DASK_MAPRED_REEXEC"] = "1"
        os.execv(SYS, [SYS] + sys.argv)
    print(f"dask_mapred: SKIP: Python module 'distributed' missing ({e}); "
          "install python3-distributed (tools/deps.sh) to run this test")
    sys.exit(77)


def run(cmd, stdin=None):
    """Run cmd, return its stdout bytes; raise with its stderr on failure."""
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, TZ="UTC", LC_ALL="C"))
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])}... exit {p.returncode}: "
                           f"{p.stderr.decode(errors='replace')[:400]}")
    return p.stdout


def map_task(bin_, shards, files, opts):
    """One map task: `flowstitch map` over some files, its lines split by key
    (opts: the run's options; map needs --eni-metadata for the keys)."""
    out = run([bin_, "map", "-q", "--shards", str(shards)] + opts + files)
    by_key = {}
    for line in out.splitlines(keepends=True):
        by_key.setdefault(line.split(b"\t", 1)[0], []).append(line)
    return {k: b"".join(v) for k, v in by_key.items()}


def reduce_task(bin_, key, opts, *map_outputs):
    """One reduce task: every map task's lines of one key into a part (its
    sessions, correlated with the facts every map task sent it)."""
    lines = b"".join(m.get(key, b"") for m in map_outputs)
    return run([bin_, "reduce", "-q"] + opts, stdin=lines)


def list_files(top):
    found = []
    for root, _dirs, files in os.walk(top):
        found += [os.path.join(root, f) for f in files]
    return sorted(found)


def pipeline(client, bin_, shards, inputs, opts, work, n_maps=4, times=None):
    """map tasks -> reduce per key -> merge; returns the merged bytes (and,
    when times is a list, appends the wall seconds of map+reduce on the
    workers and of the merge here)."""
    t0 = time.perf_counter()
    files = []
    for i in inputs:
        files += list_files(i) if os.path.isdir(i) else [i]
    # contiguous runs keep each map task's files together (any split works)
    step = (len(files) + n_maps - 1) // n_maps
    chunks = [files[i:i + step] for i in range(0, len(files), step)]
    maps = [client.submit(map_task, bin_, shards, c, opts, pure=False) for c in chunks]
    keys = [str(k).encode() for k in range(shards)]
    reds = [client.submit(reduce_task, bin_, k, opts, *maps, pure=False) for k in keys]
    parts = client.gather(reds)
    t1 = time.perf_counter()
    paths = []
    for k, part in zip(keys, parts):
        p = os.path.join(work, f"part-{k.decode()}")
        with open(p, "wb") as f:
            f.write(part)
        paths.append(p)
    merged = run([bin_, "merge", "-q"] + opts + paths)
    if times is not None:
        times.append((t1 - t0, time.perf_counter() - t1))
    return merged


def check(client, bin_, name, shards, inputs, opts, work):
    ref = run([bin_, "sessions", "-q"] + opts + inputs)
    got = pipeline(client, bin_, shards, inputs, opts, work)
    same = ref == got
    n = ref.count(b"\n")
    print(f"{'same   ' if same else 'DIFFER '} {name} shards={shards} ({n} sessions)")
    return same


def bench(bin_, data, work):
    """Wall seconds (median of 5) of the S3 pipeline with 1 and 2 workers:
    map+reduce on the workers, then the merge."""
    med = {}
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster, \
                Client(cluster) as client:
            times = []
            for _ in range(5):
                pipeline(client, bin_, 4, [os.path.join(data, "s3")], [], work, n_maps=8,
                         times=times)
            mr = sorted(t[0] for t in times)[2]
            mg = sorted(t[1] for t in times)[2]
            med[n] = (mr, mg)
        print(f"bench: {n} worker(s): map+reduce {mr:.2f} s, merge {mg:.2f} s "
              f"(wall, median of 5)")
    print(f"bench: speed-up 1 -> 2 workers: map+reduce {med[1][0] / med[2][0]:.2f}x, "
          f"whole run {sum(med[1]) / sum(med[2]):.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("flowstitch")
    ap.add_argument("flowgen")
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--data")
    ap.add_argument("--bench", action="store_true")
    a = ap.parse_args()
    bin_ = os.path.abspath(a.flowstitch)
    with tempfile.TemporaryDirectory(prefix="dask_mapred.") as work:
        data = a.data
        if not data:
            data = os.path.join(work, "fg")
            run([a.flowgen, "--quiet", "--out", data, "--seed", "21", "--connections", "1500"])
        meta = os.path.join(data, "eni-metadata.json")
        ok = True
        with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster, \
                Client(cluster) as client:
            print(f"dask_mapred: scheduler {cluster.scheduler_address}, "
                  f"{len(client.scheduler_info()['workers'])} worker processes")
            for shards in (4, 16):
                ok &= check(client, bin_, "s3", shards, [os.path.join(data, "s3")], [], work)
                ok &= check(client, bin_, "cloudwatch+meta", shards,
                            [os.path.join(data, "cloudwatch")], ["--eni-metadata", meta], work)
        if a.bench:
            bench(bin_, data, work)
    print("dask_mapred: " + ("all byte-identical" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
