/* tests/envelope_helper.h - shared by the JSON envelope tests
 * (test_envelope.c, test_cwljson.c): the transcript of every event of an
 * io/input queue, and byte strings built in memory (gzip members written
 * by zlib, base64).  Header-only and static: one copy per test program.
 */
#ifndef FST_TESTS_ENVELOPE_HELPER_H
#define FST_TESTS_ENVELOPE_HELPER_H

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <flowstitch.h>

#include "decode/input.h"

static inline const char *errname(int err)
{
    return err ? fst_err_name(err) : "OK";
}

/* Every event of the queue, one per line:
 *   BEGIN <path> gz=<gzip layers: 0 plain, 1 gzip, 2-3 gzip inside gzip>
 *   <lineno>:<text>            or  <lineno>:(empty) [<why>] for an empty line with a reason
 *   BAD <lineno> <ERR> (<why>)
 *   END <ERR|OK>[ (<why>)]
 *   SKIP <path> <why>
 * Paths go through rel (NULL: as they are). */
static inline char *transcript_rel(fst__input *in, const char *(*rel)(const char *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fst__event ev;
    unsigned guard = 0;
    while (fst__input_next(in, &ev) != FST__EV_END) {
        cr_assert_lt(++guard, 1000000u, "runaway event loop");
        switch (ev.kind) {
        case FST__EV_FILE_BEGIN:
            cr_assert_eq(ev.gzip, ev.gzip_layers > 0);
            fprintf(f, "BEGIN %s gz=%d\n", (rel ? rel(ev.path) : ev.path), ev.gzip_layers);
            break;
        case FST__EV_LINE:
            cr_assert_eq(strlen(ev.text), ev.len);
            if (ev.len == 0 && ev.why)
                fprintf(f, "%" PRIu64 ":(empty) [%s]\n", ev.lineno, ev.why);
            else
                fprintf(f, "%" PRIu64 ":%s\n", ev.lineno, ev.text);
            break;
        case FST__EV_BADLINE:
            fprintf(f, "BAD %" PRIu64 " %s (%s)\n", ev.lineno, errname(ev.err), ev.why);
            break;
        case FST__EV_FILE_END:
            fprintf(f, "END %s", errname(ev.err));
            if (ev.err && ev.why)
                fprintf(f, " (%s)", ev.why);
            fputc('\n', f);
            break;
        case FST__EV_FILE_SKIPPED:
            fprintf(f, "SKIP %s %s\n", (rel ? rel(ev.path) : ev.path), ev.why);
            break;
        case FST__EV_END:
            break;
        case FST__EV_HANDOFF: /* hand-off mode (parse/pipeline.c) is off here */
            cr_assert_fail("FST__EV_HANDOFF without hand-off mode");
        }
    }
    fclose(f);
    return buf;
}

/* A growing byte string, NUL-terminated. */
typedef struct bytes {
    unsigned char *p;
    size_t len;
} bytes;

static inline void put(bytes *b, const void *p, size_t n)
{
    b->p = realloc(b->p, b->len + n + 1);
    cr_assert_not_null(b->p);
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* Append one gzip member holding data[0..n), written by zlib's gzip file
 * functions (gzdopen, gzwrite) into a temporary file and read back. */
static inline void put_gzip(bytes *out, const void *data, size_t n)
{
    FILE *tmp = tmpfile();
    cr_assert_not_null(tmp);
    gzFile g = gzdopen(dup(fileno(tmp)), "wb9");
    cr_assert_not_null(g);
    cr_assert_eq(gzwrite(g, data, (unsigned)n), (int)n);
    cr_assert_eq(gzclose(g), Z_OK);
    cr_assert_eq(fseek(tmp, 0, SEEK_END), 0);
    const long len = ftell(tmp);
    cr_assert_geq(len, 18, "a gzip member has a 10-byte header and an 8-byte trailer");
    rewind(tmp);
    unsigned char *buf = malloc((size_t)len);
    cr_assert_eq(fread(buf, 1, (size_t)len, tmp), (size_t)len);
    put(out, buf, (size_t)len);
    free(buf);
    fclose(tmp);
}

static inline void put_gzip_str(bytes *out, const char *text)
{
    put_gzip(out, text, strlen(text));
}

/* Base64 (RFC 4648 section 4, padded) of p[0..n), appended to out. */
static inline void put_base64(bytes *out, const unsigned char *p, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        const uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                           (i + 2 < n ? (uint32_t)p[i + 2] : 0);
        const char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
                           i + 2 < n ? tab[v & 63] : '='};
        put(out, q, 4);
    }
}

static inline void free_bytes(bytes *b)
{
    free(b->p);
    b->p = NULL;
    b->len = 0;
}

/* Transcript of doc[0..n) read from memory ("doc") by decode/input: max_line
 * (0: the default), jansson only when slow, raw/fill read sizes (0:
 * default). */
static inline char *read_doc(const void *doc, size_t n, uint32_t max_line, int slow, size_t raw,
                      size_t fill)
{
    if (slow)
        cr_assert_eq(setenv("FST_ENVELOPE_SLOW", "1", 1), 0);
    fst__input *in = fst__input_new(max_line, NULL, NULL);
    unsetenv("FST_ENVELOPE_SLOW");
    cr_assert_not_null(in);
    cr_assert_eq(fst__input_set_bufsize(in, raw, fill), 0);
    cr_assert_eq(fst__input_add_mem(in, "doc", doc, n), 0);
    char *t = transcript_rel(in, NULL);
    fst__input_free(in);
    return t;
}

#endif
