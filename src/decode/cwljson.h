/* decode/cwljson.h - the fast path for CloudWatch Logs subscription objects
 * (internal).
 *
 * Owns: a scanner over the JSON text of one object that validates it and,
 * when it has the subscription shape ({"messageType": "DATA_MESSAGE" |
 * "CONTROL_MESSAGE", ..., "logEvents": [{..., "message": "<line>"}, ...]}),
 * walks its log events and unescapes each message into a caller's buffer.
 * No allocation, no state outside the caller's structs.  decode/envelope.c
 * decides when to use it and keeps jansson for everything it declines.
 *
 * The contract is "the same answer as jansson or no answer": decode/envelope.c
 * reads documents with json_loadb(JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL)
 * and takes "messageType", "logEvents" and logEvents[i].message from the
 * tree, the last of duplicate keys winning.  fst__cwl_scan answers only
 * when it is sure jansson would parse the object and reach the same
 * values; everything else is FST__CWL_FALLBACK:
 *   - anything jansson rejects: bad syntax, a raw control byte or invalid
 *     UTF-8 in a string (RFC 3629: no overlong forms, no surrogates, nothing
 *     past U+10FFFF), a bad escape, an unpaired UTF-16 surrogate in \u
 *     escapes, a trailing comma ...;
 *   - what the scanner does not try to judge: a number with an exponent or
 *     longer than 64 bytes (jansson may call it an overflow), nesting deeper
 *     than 32 levels (jansson allows 2048), any object key with a backslash
 *     (an escaped key may spell "message", or hold \u0000, which jansson
 *     refuses in keys);
 *   - documents that are not the common subscription case: neither a
 *     "messageType" string nor a "logEvents" array (other envelopes), a
 *     messageType other than DATA_MESSAGE or CONTROL_MESSAGE, or written
 *     with escapes, a DATA_MESSAGE without a logEvents array.
 * Accepted: whitespace anywhere JSON allows it, keys in any order, unknown
 * keys with any (valid) values, duplicate keys (the last one counts, as in
 * jansson), every string escape including surrogate pairs, UTF-8 text,
 * "messageType" missing or not a string when "logEvents" is an array (read
 * as DATA_MESSAGE, as decode/envelope.c does).
 */
#ifndef FST_DECODE_CWLJSON_H
#define FST_DECODE_CWLJSON_H

#include <stddef.h>

typedef enum fst__cwl_kind {
    FST__CWL_FALLBACK = 0, /* not answered here: parse the object with jansson */
    FST__CWL_DATA,         /* a DATA_MESSAGE: walk its events with fst__cwl_event */
    FST__CWL_CONTROL       /* a CONTROL_MESSAGE: no events are read */
} fst__cwl_kind;

/* Where the walk of a DATA_MESSAGE's logEvents stands (into the scanned
 * text, which must stay unchanged while it is walked). */
typedef struct fst__cwl_events {
    const char *p;   /* after '[' or after the last event */
    const char *end; /* the end of the object */
    size_t n;        /* events walked so far (the last one returned is n - 1) */
} fst__cwl_events;

typedef struct fst__cwl_doc {
    size_t len;             /* bytes of the object, from its '{' to its '}' included */
    fst__cwl_events events; /* DATA: the logEvents array that counts (the last) */
} fst__cwl_doc;

/* Scan the object that starts at p[0] (no whitespace before it), reading
 * nothing past p + n.  Bytes after the object are not looked at.  Returns
 * FST__CWL_DATA or FST__CWL_CONTROL with *doc set, or FST__CWL_FALLBACK
 * (also when p[0] is not '{' or the object does not end within n). */
fst__cwl_kind fst__cwl_scan(const char *p, size_t n, fst__cwl_doc *doc);

typedef enum fst__cwl_event_kind {
    FST__CWL_END = 0,       /* no more events */
    FST__CWL_MESSAGE,       /* *len bytes of the message were decoded into out */
    FST__CWL_NO_MESSAGE     /* the event is not an object, or its (last) "message"
                             * is not a string */
} fst__cwl_event_kind;

/* The next event of a scanned DATA_MESSAGE (its index in logEvents is
 * ev->n - 1 after the call).  FST__CWL_MESSAGE: the message, JSON escapes decoded (\u0000
 * gives a NUL byte, surrogate pairs one UTF-8 sequence), is written to
 * out[0..cap) and its length put in *len; when it is longer than cap, only
 * cap bytes are written and *len is cap + 1. */
fst__cwl_event_kind fst__cwl_event(fst__cwl_events *ev, char *out, size_t cap, size_t *len);

/* Bytes of p[0..n) before the first '"' or '\\' (n when there is none):
 * inside a JSON string, the run that needs no look (decode/envelope.c's
 * framing crosses strings with it). */
size_t fst__cwl_plain_len(const char *p, size_t n);

#endif
