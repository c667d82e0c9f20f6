/* tests/test_cwljson_diff.c - the differential test of decode/cwljson.h:
 * seeded random subscription documents, in files and in Firehose / Kinesis
 * payloads, and mutations of them: the fast path and jansson (with
 * FST_ENVELOPE_SLOW=1) give the same transcript (every line, reason and
 * file error) and the reader the same diagnostics and counts.  Split from
 * test_cwljson.c, which holds the hand-written cases. */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flowstitch.h>

#include "envelope_helper.h"
#include "flowstitch/errors.h"
#include "decode/cwljson.h"
#include "decode/input.h"

/* ------------------------------------------------------ differential */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r) /* xorshift64* */
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(2685821657736338717);
}

static unsigned below(rng *r, unsigned n)
{
    return (unsigned)(next(r) % n);
}

static void puts_b(bytes *b, const char *s)
{
    put(b, s, strlen(s));
}

static void ws(rng *r, bytes *b)
{
    static const char *const w[] = {"", "", "", " ", "\n", " \t", "\r\n  "};
    puts_b(b, w[below(r, 7)]);
}

/* A message: flow-log-like text with escapes of every kind, raw UTF-8,
 * sometimes long. */
static void gen_message(rng *r, bytes *b)
{
    static const char *const piece[] = {
        "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.25 10.0.2.40 49152 443 6 10 1820 1718000100 "
        "1718000160 ACCEPT OK",
        "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1718000100 1718000160 - NODATA",
        " ", "x", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041", "\\u00e9",
        "\\u20AC", "\\u0000", "\\u001f", "\\ud83d\\ude00", "\\uDBFF\\uDFFF", "\xc3\xa9",
        "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "0123456789abcdef0123456789abcdef",
    };
    puts_b(b, "\"");
    const unsigned n = below(r, 8) == 0 ? 40 : below(r, 4);
    for (unsigned i = 0; i < n; i++)
        puts_b(b, piece[below(r, 3) == 0 ? 0 : below(r, sizeof piece / sizeof piece[0])]);
    if (below(r, 8) == 0)
        puts_b(b, below(r, 2) ? "\\n" : "\\r\\n");
    puts_b(b, "\"");
}

/* open, n items written by item(r, b, i, arg) separated by commas and
 * whitespace, close. */
typedef void gen_item(rng *r, bytes *b, unsigned i, int arg);

static void gen_list(rng *r, bytes *b, const char *open, unsigned n, gen_item *item, int arg)
{
    puts_b(b, open);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            puts_b(b, ",");
        ws(r, b);
        item(r, b, i, arg);
        ws(r, b);
    }
    puts_b(b, open[0] == '[' ? "]" : "}");
}

static gen_item value_item, member_item;

/* Any JSON value for an unknown key. */
static void gen_value(rng *r, bytes *b, int depth)
{
    static const char *const scalar[] = {"1", "-0", "0.5", "-12.25", "1718000100000", "true",
                                         "false", "null", "\"\"", "\"s\"", "\"\\u00e9\""};
    const unsigned k = depth > 3 ? 0 : below(r, 4);
    if (k < 2) /* an exponent now and then (the scan declines those) */
        puts_b(b, below(r, 40) ? scalar[below(r, sizeof scalar / sizeof scalar[0])] : "1e3");
    else
        gen_list(r, b, k == 2 ? "[" : "{", below(r, 3), k == 2 ? value_item : member_item, depth + 1);
}

static void value_item(rng *r, bytes *b, unsigned i, int depth)
{
    (void)i;
    gen_value(r, b, depth);
}

static void member_item(rng *r, bytes *b, unsigned i, int depth)
{
    (void)i;
    puts_b(b, below(r, 4) ? "\"k\":" : "\"message\":");
    ws(r, b);
    gen_value(r, b, depth);
}

/* A member of a log event: mostly a message, an id or a timestamp. */
static void event_member(rng *r, bytes *b, unsigned i, int arg)
{
    (void)i, (void)arg;
    const unsigned k = below(r, 8);
    if (k < 3) {
        puts_b(b, "\"message\":");
        ws(r, b);
        if (below(r, 16))
            gen_message(r, b);
        else
            gen_value(r, b, 2);
    } else if (k < 5) {
        puts_b(b, below(r, 2) ? "\"id\":\"3784828164061213131838381871221821222221331324130000\""
                              : "\"timestamp\":1718000100000");
    } else {
        puts_b(b, "\"extra\":");
        gen_value(r, b, 2);
    }
}

/* A log event: an object, or now and then any value. */
static void event_item(rng *r, bytes *b, unsigned i, int arg)
{
    (void)i, (void)arg;
    if (below(r, 20) == 0)
        gen_value(r, b, 2);
    else
        gen_list(r, b, "{", 1 + below(r, 4), event_member, 0);
}

/* A member of a subscription object: messageType and logEvents first (in
 * either order), then any (duplicates too). */
static void doc_member(rng *r, bytes *b, unsigned i, int arg)
{
    static const char *const type[] = {"\"DATA_MESSAGE\"", "\"CONTROL_MESSAGE\"", "\"OTHER\"",
                                       "5", "\"DATA\\u005fMESSAGE\""};
    (void)arg;
    const unsigned k = i < 2 ? i ^ below(r, 2) : below(r, 6);
    if (k == 0) {
        puts_b(b, "\"messageType\":");
        ws(r, b);
        puts_b(b, type[below(r, 4) ? 0 : below(r, sizeof type / sizeof type[0])]);
    } else if (k == 1) {
        puts_b(b, "\"logEvents\":");
        ws(r, b);
        if (below(r, 30) == 0)
            gen_value(r, b, 1);
        else
            gen_list(r, b, "[", below(r, 6), event_item, 0);
    } else if (k == 2) {
        puts_b(b, "\"owner\":\"123456789012\",\"logGroup\":\"vpc-flow-logs\","
                  "\"logStream\":\"eni-0a1b2c3d4e5f60718-all\","
                  "\"subscriptionFilters\":[\"to-firehose\"]");
    } else {
        puts_b(b, "\"other\":");
        gen_value(r, b, 1);
    }
}

/* A file: subscription objects back to back, or (one time in five) a
 * Firehose or Kinesis event whose records carry them (returns 1). */
static int gen_file(rng *r, bytes *b)
{
    bytes docs = {0};
    put(&docs, "", 0);
    const unsigned n = 1 + below(r, 3);
    for (unsigned i = 0; i < n; i++) {
        gen_list(r, &docs, "{", 2 + below(r, 5), doc_member, 0);
        ws(r, &docs);
    }
    const int wrap = below(r, 5) == 0;
    if (!wrap) {
        put(b, docs.p, docs.len);
    } else {
        bytes data = {0};
        if (below(r, 2))
            put_gzip(&data, docs.p, docs.len);
        else
            put(&data, docs.p, docs.len);
        const int kinesis = below(r, 2);
        puts_b(b, kinesis ? "{\"Records\":[{\"kinesis\":{\"data\":\"" : "{\"records\":[{\"data\":\"");
        put_base64(b, data.p, data.len);
        puts_b(b, kinesis ? "\"}}]}" : "\"}]}");
        free_bytes(&data);
    }
    free_bytes(&docs);
    return wrap;
}

/* Damage: a byte replaced, deleted or inserted (from bytes that matter to
 * JSON and UTF-8), a run repeated, or the end cut. */
static void mutate(rng *r, bytes *b)
{
    static const char set[] = "\"\\{}[],:u0e1-. \t\nDCa\x00\x1f\x7f\x80\xbf\xc0\xc3\xe2\xed\xf0\xf4\xf5\xff";
    if (!b->len)
        return;
    const size_t at = next(r) % b->len;
    const unsigned char c = (unsigned char)set[below(r, sizeof set - 1)];
    switch (below(r, 5)) {
    case 0:
        b->p[at] = c;
        break;
    case 1:
        memmove(b->p + at, b->p + at + 1, b->len - at - 1);
        b->len--;
        break;
    case 2: {
        put(b, "", 1); /* room for one more */
        b->len--;
        memmove(b->p + at + 1, b->p + at, b->len - at);
        b->p[at] = c;
        b->len++;
        break;
    }
    case 3: { /* b[at, at + n) twice */
        const size_t k = 1 + next(r) % 16, n = at + k <= b->len ? k : b->len - at;
        unsigned char tmp[16];
        memcpy(tmp, b->p + at, n);
        put(b, tmp, n); /* room */
        memmove(b->p + at + n, b->p + at, b->len - n - at);
        memcpy(b->p + at, tmp, n);
        break;
    }
    default:
        b->len = at;
        break;
    }
}

/* How many of the documents of an unmutated plain file the scan answers. */
static void count_answered(const bytes *b, unsigned *answered, unsigned *docs)
{
    size_t i = 0;
    while (i < b->len) {
        while (i < b->len && strchr(" \t\r\n", b->p[i]))
            i++;
        if (i >= b->len || b->p[i] != '{')
            return;
        fst__cwl_doc d;
        (*docs)++;
        if (fst__cwl_scan((const char *)b->p + i, b->len - i, &d) == FST__CWL_FALLBACK)
            return; /* the rest cannot be framed here */
        (*answered)++;
        i += d.len;
    }
}

/* The reader's diagnostics and counts for buf, one path. */
static char *reader_view(const bytes *buf, uint32_t max_line, int slow)
{
    char *diag = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&diag, &len);
    cr_assert_not_null(f);
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.diag = f;
    if (max_line)
        cfg.max_line = max_line;
    if (slow)
        cr_assert_eq(setenv("FST_ENVELOPE_SLOW", "1", 1), 0);
    fst_reader *r = fst_reader_new(&cfg);
    unsetenv("FST_ENVELOPE_SLOW");
    cr_assert_not_null(r);
    cr_assert_eq(fst_reader_add_mem(r, "doc", buf->p, buf->len), 0);
    const fst_record *rec;
    int rc;
    while ((rc = fst_reader_next(r, &rec)) > 0)
        ;
    cr_assert_eq(rc, 0);
    const fst_input_stats *t = fst_reader_total(r);
    fprintf(f, "lines %" PRIu64 " records %" PRIu64 " nodata %" PRIu64 " skipdata %" PRIu64
               " headers %" PRIu64 " ignored %" PRIu64 " skipped %" PRIu64 " failed %u error %d\n",
            t->lines, t->records, t->nodata, t->skipdata, t->headers, t->ignored, t->skipped,
            t->files_failed, t->error);
    cr_assert_eq(t->lines, t->records + t->nodata + t->skipdata + t->headers + t->ignored +
                               t->skipped);
    for (int k = 0; k < FST_REASON_SLOTS; k++)
        if (t->by_reason[k])
            fprintf(f, "reason %d: %" PRIu64 "\n", k, t->by_reason[k]);
    fst_reader_free(r);
    fclose(f);
    return diag;
}

/* 6000 files, two in three damaged; both paths through decode/input (default
 * or 64-byte lines, default or tiny read sizes) and, one file in ten,
 * through the reader.  Most undamaged documents are answered by the scan,
 * so the fast path is what is compared. */
Test(cwljson, differential_random_documents)
{
    static const size_t sizes[][2] = {{0, 0}, {1, 1}, {7, 3}, {64, 5}};
    rng r = {UINT64_C(0x9e3779b97f4a7c15)};
    unsigned answered = 0, docs = 0, files = 0;
    for (int i = 0; i < 6000; i++) {
        bytes b = {0};
        put(&b, "", 0);
        if (!gen_file(&r, &b))
            count_answered(&b, &answered, &docs);
        if (below(&r, 3)) {
            const unsigned m = 1 + below(&r, 3);
            for (unsigned k = 0; k < m; k++)
                mutate(&r, &b);
        }
        const uint32_t max_line = below(&r, 3) ? 0 : 64;
        const unsigned s = below(&r, 4);
        char *fast = read_doc(b.p, b.len, max_line, 0, sizes[s][0], sizes[s][1]);
        char *slow = read_doc(b.p, b.len, max_line, 1, sizes[s][0], sizes[s][1]);
        cr_assert_str_eq(fast, slow, "file %d (%zu bytes):\n%.*s\n--- fast ---\n%s--- jansson ---\n%s",
                         i, b.len, (int)b.len, (const char *)b.p, fast, slow);
        free(fast);
        free(slow);
        if (i % 10 == 0) {
            char *rf = reader_view(&b, max_line, 0), *rs = reader_view(&b, max_line, 1);
            cr_assert_str_eq(rf, rs, "file %d: reader\n--- fast ---\n%s--- jansson ---\n%s", i, rf, rs);
            free(rf);
            free(rs);
        }
        files++;
        free_bytes(&b);
    }
    cr_log_info("%u files; %u of %u undamaged plain documents answered by the scan", files,
                answered, docs);
    cr_expect_gt(answered * 2, docs, "the fast path answers most generated documents");
}
