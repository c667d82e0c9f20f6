/* tools/fuzz/fuzz_envelope.c - libFuzzer target: the fast path for
 * CloudWatch Logs subscription objects (src/decode/cwljson.c) against jansson.
 *
 * The data (after the control byte) is read by io/input twice: as it is,
 * and with FST_ENVELOPE_SLOW=1 (every document through jansson).  Every
 * event of the two reads must be the same - kind, line number, text, error
 * and reason of each line, how the file ends and why, bytes read - or the
 * target aborts with both.  Unlike the other targets it uses the internal
 * decode/input.h (as the tests do): the events are finer than the reader's
 * counts.  Build: tools/fuzz/build.sh.
 *
 * Control byte:
 *   bits 0-1  read sizes (raw/fill bytes): default, 1/1, 7/3, 64/5, so
 *             documents and escapes straddle every buffer boundary
 *   bit  2    max_line = 64 ("line too long" on short inputs)
 *   bits 3-4  delivery of the data:
 *             0  as it is (an envelope file when its first object says so)
 *             1  after {"messageType":"DATA_MESSAGE","logEvents":[]}, so the
 *                file is always read as envelopes
 *             2  base64 in a Firehose record ({"records":[{"data":...}]})
 *             3  gzip'd (zlib, in memory), base64 in a Kinesis record
 *                ({"Records":[{"kinesis":{"data":...}}]})
 *             (2 and 3: the decoded payload is read as concatenated
 *             documents, the fast path's second caller)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "decode/input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void add(buf *b, const void *p, size_t n)
{
    if (!b->p || b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void add_str(buf *b, const char *s)
{
    add(b, s, strlen(s));
}

static void add_base64(buf *b, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        const unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                           (i + 2 < n ? p[i + 2] : 0);
        const char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
                           i + 2 < n ? tab[v & 63] : '='};
        add(b, q, 4);
    }
}

/* One gzip member of p[0..n) (zlib, in memory). */
static void add_gzip(buf *b, const uint8_t *p, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    const size_t cap = deflateBound(&z, (uLong)n);
    unsigned char *out = malloc(cap);
    if (!out)
        abort();
    z.next_in = (unsigned char *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    add(b, out, cap - z.avail_out);
    deflateEnd(&z);
    free(out);
}

/* Every event of one read of in[0..n), one line each. */
static void read_all(const char *in, size_t n, int slow, uint8_t ctl, buf *t)
{
    static const size_t sizes[4][2] = {{0, 0}, {1, 1}, {7, 3}, {64, 5}};
    if (slow && setenv("FST_ENVELOPE_SLOW", "1", 1) != 0)
        abort();
    fst__input *q = fst__input_new(ctl & 4 ? 64 : 0, NULL, NULL);
    unsetenv("FST_ENVELOPE_SLOW");
    if (!q || fst__input_set_bufsize(q, sizes[ctl & 3][0], sizes[ctl & 3][1]) != 0 ||
        fst__input_add_mem(q, "in", in, n) != 0)
        abort();
    fst__event ev;
    while (fst__input_next(q, &ev) != FST__EV_END) {
        char head[128];
        const int k = snprintf(head, sizeof head, "%d line %llu err %d len %zu gz %d read %llu why ",
                               (int)ev.kind, (unsigned long long)ev.lineno, ev.err, ev.len,
                               ev.gzip_layers, (unsigned long long)ev.bytes_read);
        add(t, head, (size_t)k);
        add_str(t, ev.why ? ev.why : "-");
        add_str(t, " text ");
        if (ev.kind == FST__EV_LINE)
            add(t, ev.text, ev.len);
        add_str(t, "\n");
    }
    fst__input_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size)
        return 0;
    const uint8_t ctl = data[0];
    data++;
    size--;
    buf in = {0}, fast = {0}, slow = {0};
    add(&in, "", 0); /* allocated even when empty */
    switch (ctl >> 3 & 3) {
    case 0:
        add(&in, data, size);
        break;
    case 1:
        add_str(&in, "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}");
        add(&in, data, size);
        break;
    case 2:
        add_str(&in, "{\"records\":[{\"data\":\"");
        add_base64(&in, data, size);
        add_str(&in, "\"}]}");
        break;
    default: {
        buf gz = {0};
        add_gzip(&gz, data, size);
        add_str(&in, "{\"Records\":[{\"kinesis\":{\"data\":\"");
        add_base64(&in, (const unsigned char *)gz.p, gz.len);
        add_str(&in, "\"}}]}");
        free(gz.p);
        break;
    }
    }
    read_all(in.p, in.len, 0, ctl, &fast);
    read_all(in.p, in.len, 1, ctl, &slow);
    if (fast.len != slow.len || memcmp(fast.p, slow.p, fast.len) != 0) {
        fprintf(stderr, "FAST AND JANSSON PATHS DIFFER\n--- fast ---\n%.*s--- jansson ---\n%.*s",
                (int)fast.len, fast.p, (int)slow.len, slow.p);
        abort();
    }
    free(in.p);
    free(fast.p);
    free(slow.p);
    return 0;
}
