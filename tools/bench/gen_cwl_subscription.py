#!/usr/bin/env python3
# tools/bench/gen_cwl_subscription.py - CloudWatch Logs subscription data as
# Kinesis Data Firehose writes it to S3, for timing the JSON envelope reader.
#
#   usage: gen_cwl_subscription.py [--form firehose|kinesis] [--seed N] STREAMS_DIR OUT
#
# STREAMS_DIR holds one text file of flow-log lines per log stream, e.g.
# flowgen's CloudWatch delivery:
#   build-env2r/tools/flowgen/flowgen --out /tmp/fg --seed 7 --records 2000000 \
#       --delivery cloudwatch --quiet
#   python3 tools/bench/gen_cwl_subscription.py /tmp/fg/cloudwatch /tmp/cwl-firehose.gz
#
# firehose (default): every subscription object (DATA_MESSAGE of 100-1000 log
#   events of one stream, streams taken in turn as a subscription filter
#   batches them; a CONTROL_MESSAGE first and after about every 500 objects)
#   is gzip'd on its own, members back to back, no separator: what Firehose
#   writes for a CloudWatch Logs source without its own compression.
# kinesis: the same gzip'd objects as base64 "data" of Kinesis records, 100
#   records per Lambda event ({"Records":[{"kinesis":{"data":...},...}]}),
#   events one per line, the whole file gzip'd once.
# Deterministic: the same seed and inputs give the same bytes (gzip mtime 0).
import argparse, base64, gzip, json, os, random, sys


def objects(streams, rng):
    """Subscription objects (dicts) in delivery order."""
    files = sorted(f for f in os.listdir(streams) if not f.startswith('.'))
    lines = {}
    for f in files:
        with open(os.path.join(streams, f)) as fh:
            lines[f] = fh.read().splitlines()
    pos = {f: 0 for f in files}
    seq = 0

    def control():
        return {"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "",
                "logStream": "", "subscriptionFilters": [],
                "logEvents": [{"id": "", "timestamp": 1718000100000,
                               "message": "CWL CONTROL MESSAGE: Checking health of destination "
                                          "Firehose."}]}

    yield control()
    n = 0
    while any(pos[f] < len(lines[f]) for f in files):
        for f in files:
            if pos[f] >= len(lines[f]):
                continue
            k = rng.randint(100, 1000)
            batch = lines[f][pos[f]:pos[f] + k]
            pos[f] += len(batch)
            events = []
            for line in batch:
                seq += 1
                tok = line.split(' ')
                start = int(tok[10]) if len(tok) > 10 and tok[10].isdigit() else 1718000100
                events.append({"id": "%056d" % (37931262539580497446487416419858221058 * 10**18 + seq),
                               "timestamp": start * 1000, "message": line})
            yield {"messageType": "DATA_MESSAGE", "owner": "123456789012",
                   "logGroup": "vpc-flow-logs", "logStream": os.path.splitext(f)[0] + "-all",
                   "subscriptionFilters": ["flowlogs-to-firehose"], "logEvents": events}
            n += 1
            if n % 500 == 0:
                yield control()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--form', choices=['firehose', 'kinesis'], default='firehose')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('streams')
    ap.add_argument('out')
    a = ap.parse_args()
    rng = random.Random(a.seed)
    members = (gzip.compress(json.dumps(o, separators=(',', ':')).encode(), 6, mtime=0)
               for o in objects(a.streams, rng))
    with open(a.out, 'wb') as out:
        if a.form == 'firehose':
            for m in members:
                out.write(m)
            return
        text = bytearray()
        batch = []
        for m in members:
            batch.append({"kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "p",
                                      "sequenceNumber": "4959", "data": base64.b64encode(m).decode(),
                                      "approximateArrivalTimestamp": 1718000100.5},
                          "eventSource": "aws:kinesis", "eventVersion": "1.0",
                          "eventName": "aws:kinesis:record", "awsRegion": "us-east-1"})
            if len(batch) == 100:
                text += json.dumps({"Records": batch}, separators=(',', ':')).encode() + b'\n'
                batch = []
        if batch:
            text += json.dumps({"Records": batch}, separators=(',', ':')).encode() + b'\n'
        out.write(gzip.compress(bytes(text), 6, mtime=0))


if __name__ == '__main__':
    sys.exit(main())
