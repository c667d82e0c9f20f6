/* decode/frame.c - bounded line framing with line numbers (decode/frame.h). */
#include "decode/frame.h"

#include <string.h>

#include "flowstitch/errors.h"
#include "decode/gunzip.h"

/* Nonzero when p[0..n) holds a NUL or a control character other than tab
 * and CR (DEL counts).  Eight bytes at a time: (w - 0x20..) & ~w & 0x80..
 * is nonzero iff some byte is below 0x20 (same for w ^ 0x7f.. == 0). */
static int has_ctl(const unsigned char *p, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        const uint64_t del = w ^ (ones * 0x7f);
        if (!(((w - ones * 0x20) & ~w & high) | ((del - ones) & ~del & high)))
            continue;
        for (size_t j = i; j < i + 8; j++)
            if ((p[j] < 0x20 && p[j] != '\t' && p[j] != '\r') || p[j] == 0x7f)
                return 1;
    }
    for (; i < n; i++)
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\r') || p[i] == 0x7f)
            return 1;
    return 0;
}

fst__ev_kind fst__frame_bad(fst__input *in, fst__event *ev, int err, const char *why)
{
    ev->kind = FST__EV_BADLINE;
    ev->lineno = in->lineno;
    ev->err = err;
    ev->why = why;
    return ev->kind;
}

fst__ev_kind fst__frame_line(fst__input *in, fst__event *ev, char *s, size_t len)
{
    in->lineno++;
    if (len && s[len - 1] == '\r')
        len--;
    if (len > in->max_line)
        return fst__frame_bad(in, ev, FST_ELONGLINE, "line too long");
    if (has_ctl((const unsigned char *)s, len))
        return fst__frame_bad(in, ev, FST_EBINARY, "control characters in line");
    s[len] = '\0';
    ev->kind = FST__EV_LINE;
    ev->text = s;
    ev->len = len;
    ev->lineno = in->lineno;
    return ev->kind;
}

fst__ev_kind fst__frame_end(fst__input *in, fst__event *ev)
{
    fst__input_close_fd(in);
    in->in_file = 0;
    ev->kind = FST__EV_FILE_END;
    ev->err = in->src_err;
    ev->why = in->src_why;
    ev->gzip = in->gzip;
    ev->gzip_layers = in->layers;
    ev->bytes_read = in->bytes_read;
    return ev->kind;
}

/* Drop bytes up to and including the next '\n'.  Returns 1 when found. */
static int discard_long(fst__input *in)
{
    const char *nl = memchr(in->dbuf + in->dpos, '\n', in->dlen - in->dpos);
    if (nl) {
        in->dpos = in->scan = (size_t)(nl - in->dbuf) + 1;
        in->discarding = 0;
        return 1;
    }
    in->dpos = in->dlen = in->scan = 0;
    return 0;
}

fst__ev_kind fst__frame_next(fst__input *in, fst__event *ev)
{
    for (;;) {
        if (in->discarding && !discard_long(in)) {
            if (in->src_done)
                return fst__frame_end(in, ev);
            fst__gunzip_fill(in);
            continue;
        }
        char *nl = memchr(in->dbuf + in->scan, '\n', in->dlen - in->scan);
        if (nl) {
            char *s = in->dbuf + in->dpos;
            in->dpos = in->scan = (size_t)(nl - in->dbuf) + 1;
            return fst__frame_line(in, ev, s, (size_t)(nl - s));
        }
        in->scan = in->dlen;
        const size_t part = in->dlen - in->dpos;
        if (part > (size_t)in->max_line + 1) { /* too long even with a '\r' */
            in->lineno++;
            in->discarding = 1;
            in->dpos = in->dlen = in->scan = 0;
            return fst__frame_bad(in, ev, FST_ELONGLINE, "line too long");
        }
        if (in->src_done) {
            if (!part)
                return fst__frame_end(in, ev);
            char *s = in->dbuf + in->dpos;
            in->dpos = in->scan = in->dlen;
            if (in->src_err) { /* the last line was cut by the error */
                in->lineno++;
                return fst__frame_bad(in, ev, FST_ETRUNCATED, "last line cut short");
            }
            return fst__frame_line(in, ev, s, part);
        }
        if (in->dpos) {
            memmove(in->dbuf, in->dbuf + in->dpos, part);
            in->dpos = 0;
            in->dlen = in->scan = part;
        }
        fst__gunzip_fill(in);
    }
}
