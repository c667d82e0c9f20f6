/* decode/envelope.h - flow-log lines out of the JSON envelopes AWS delivers
 * (internal).
 *
 * Owns: recognising a JSON envelope from the start of a decoded file
 * (fst__envelope_sniff), cutting the decoded stream into concatenated JSON
 * documents, parsing one document at a time (CloudWatch Logs subscription
 * objects by the fast path of decode/cwljson.h when it answers, everything else
 * with jansson), and turning each document into items: flow-log lines
 * (messages), control messages and unusable entries.  Files: the sniff in
 * decode/envelope_sniff.c, the base64 decoder and the in-memory inflate of
 * the gzip'd payloads that Firehose records carry in decode/payload.h, the
 * rest in decode/envelope.c.  decode/input.c decides when a file is an envelope, feeds it decoded
 * bytes and turns items into line events.
 *
 * Envelopes (docs/inputs.md, "JSON envelopes"):
 *   subscription  CloudWatch Logs subscription data, {"messageType":
 *                 "DATA_MESSAGE" | "CONTROL_MESSAGE", ..., "logEvents":
 *                 [{"message": "<line>"}, ...]}: one item per log event;
 *                 a CONTROL_MESSAGE is one CONTROL item.
 *   firehose      Firehose transformation event, {"records": [{"data":
 *                 "<base64>"}, ...]}: each data is decoded; a gzip payload
 *                 is inflated; a payload starting with '{' is read as
 *                 concatenated subscription / message documents, anything
 *                 else as text lines.  The Lambda form of subscription
 *                 data, {"awslogs": {"data": "<base64 gzip>"}}, likewise.
 *   kinesis       Kinesis Data Streams records as Lambda receives them,
 *                 {"Records": [{"kinesis": {"data": "<base64>", ...},
 *                 "eventSource": "aws:kinesis", ...}, ...]}: each
 *                 kinesis.data as a Firehose record's data (usually base64
 *                 of gzip'd subscription data).  Only when the first
 *                 element of Records has a "kinesis" object: other
 *                 {"Records": [...]} files (CloudTrail, S3 event
 *                 notifications) are not envelopes.
 *   message       a log shipper's {"message": "<line>", ...}: one item.
 * Several documents may follow each other with or without whitespace
 * between them (Firehose writes subscription objects back to back; a
 * shipper writes one per line).
 *
 * Both paths give the same items for every input (the fast path declines
 * what it cannot judge exactly as jansson does; tests/test_cwljson.c and
 * tools/fuzz/fuzz_envelope.c compare them).
 *
 * Memory: one document is held whole while it is read, at most
 * FST__ENV_DOC_MAX bytes (a subscription object is at most a few MB), plus
 * jansson's tree of it (none on the fast path) and one decoded Firehose
 * payload (also at most FST__ENV_DOC_MAX).  A larger document is skipped (one LIMIT item) and
 * reading goes on after it; the file as a whole streams document by
 * document.  No global state: everything hangs off fst__envelope.
 */
#ifndef FST_DECODE_ENVELOPE_H
#define FST_DECODE_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "decode/inflate.h"

/* The largest JSON document (and decoded payload) held in memory. */
#define FST__ENV_DOC_MAX ((size_t)64 * 1024 * 1024)
/* First capacity of the document buffer and of an inflated payload. */
#define FST__ENV_DOC_FIRST ((size_t)64 * 1024)

typedef enum fst__env_kind {
    FST__ENV_MORE = -1,    /* sniff: undecided, give more bytes */
    FST__ENV_NONE = 0,     /* not an envelope */
    FST__ENV_SUBSCRIPTION, /* top-level "logEvents" array or "messageType" string */
    FST__ENV_FIREHOSE,     /* top-level "records" array */
    FST__ENV_AWSLOGS,      /* top-level "awslogs" object */
    FST__ENV_KINESIS,      /* top-level "Records" array, first element with a "kinesis" object */
    FST__ENV_MESSAGE       /* top-level "message" string */
} fst__env_kind;

/* Which envelope the first JSON object of p[0..n) is, from its top-level
 * keys (the first of them met decides, with the right type of value; a
 * "Records" array counts when its first element is an object with a
 * "kinesis" object, else the scan goes on after it), or
 * FST__ENV_NONE (not an object, or it ended without such a key).  When p
 * ends before either is known: FST__ENV_MORE, or FST__ENV_NONE when final
 * (no more bytes will come).  Leading whitespace is skipped.  Reads nothing
 * past p + n. */
fst__env_kind fst__envelope_sniff(const char *p, size_t n, int final);

typedef enum fst__env_item_kind {
    FST__ENV_ITEM_LINE = 1, /* text/len: one flow-log line */
    FST__ENV_ITEM_CONTROL,  /* a CONTROL_MESSAGE: no record (why says so) */
    FST__ENV_ITEM_BAD       /* an entry that cannot be used: err, why */
} fst__env_item_kind;

typedef struct fst__env_item {
    fst__env_item_kind kind;
    char *text;      /* LINE: NUL-terminated with one byte of room, writable;
                      * valid until the next call */
    size_t len;      /* LINE: bytes before the NUL (a final '\n' removed) */
    int err;         /* BAD: FST_EJSON, FST_EGZIP, FST_ELIMIT, FST_ELONGLINE */
    const char *why; /* CONTROL, BAD: short reason, valid until the next call */
} fst__env_item;

typedef struct fst__envelope fst__envelope;

/* New reader of envelopes: LINE items longer than max_line + 1 bytes come
 * as BAD FST_ELONGLINE; gzip payloads go through zops.  slow nonzero: every
 * document is parsed with jansson, none by the fast path (the reference
 * the tests and the fuzzer hold the fast path to; decode/input.c sets it from
 * FST_ENVELOPE_SLOW=1).  NULL on out of memory.  Free with
 * fst__envelope_free. */
fst__envelope *fst__envelope_new(uint32_t max_line, const fst__inflate_ops *zops, int slow);
void fst__envelope_free(fst__envelope *e);
/* Forget the current file (a new one starts at byte 0). */
void fst__envelope_reset(fst__envelope *e);

/* Give decoded bytes p[0..n).  Returns how many were taken: feeding stops
 * after a complete document (its items come from fst__envelope_next first;
 * nothing is taken until fst__envelope_next has returned 0) or at an error
 * (reported by fst__envelope_next). */
size_t fst__envelope_feed(fst__envelope *e, const char *p, size_t n);
/* The next item of what was fed: 1 with *it set, 0 when more bytes are
 * needed, or a file-level error that stops the file: FST_EJSON (a document
 * that is not JSON, or bytes between documents that do not start one) or
 * FST_ENOMEM; fst__envelope_why then says where (byte offsets are 0-based
 * in the decoded text). */
int fst__envelope_next(fst__envelope *e, fst__env_item *it);
/* End of input: 0 when it fell between documents, FST_EJSON when a
 * document was cut short (why set). */
int fst__envelope_finish(fst__envelope *e);
/* Text of the last file-level error ("" when none); valid until the next
 * call. */
const char *fst__envelope_why(const fst__envelope *e);

/* JSON white space (RFC 8259): between tokens of a document and before
 * one. */
static inline int fst__env_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

#endif
