/* decode/payload.c - the "data" of a Firehose or Kinesis record: base64,
 * then gzip inflated in memory when it starts with the gzip magic
 * (decode/payload.h). */
#include "decode/payload.h"

#include <stdint.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "decode/envelope.h"
#include "decode/gzip.h"
#include "util/util.h"

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int fst__base64_decode(const char *s, size_t n, unsigned char *out, size_t *out_len)
{
    size_t pad = 0;
    while (pad < 2 && n > pad && s[n - 1 - pad] == '=')
        pad++;
    if (pad && n % 4)
        return FST_EINVAL; /* padding only completes a quantum */
    const size_t m = n - pad;
    if (m % 4 == 1)
        return FST_EINVAL;
    size_t o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < m; i++) {
        const int v = b64_value((unsigned char)s[i]);
        if (v < 0)
            return FST_EINVAL;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    if (acc) /* non-zero bits after the last byte: not canonical */
        return FST_EINVAL;
    *out_len = o;
    return 0;
}

/* Inflate gzip in[0..n) (members back to back, zero padding between) into
 * a new buffer (*out, *out_len, one spare byte).  0, or FST_EGZIP,
 * FST_ETRUNCATED, FST_ELIMIT, FST_ENOMEM. */
static int inflate_mem(const fst__inflate_ops *zops, void **zst, const unsigned char *in, size_t n,
                       char **out, size_t *out_len)
{
    if (!*zst && !(*zst = zops->create()))
        return FST_ENOMEM;
    zops->reset(*zst);
    size_t cap = n < FST__ENV_DOC_FIRST / 4 ? FST__ENV_DOC_FIRST : n * 4, len = 0;
    if (cap > FST__ENV_DOC_MAX)
        cap = FST__ENV_DOC_MAX;
    char *buf = fst__malloc(cap + 1);
    if (!buf)
        return FST_ENOMEM;
    const unsigned char *p = in;
    size_t avail = n;
    int rc = 0;
    for (;;) {
        if (len == cap) {
            if (cap == FST__ENV_DOC_MAX) {
                rc = FST_ELIMIT;
                break;
            }
            cap = cap > FST__ENV_DOC_MAX / 2 ? FST__ENV_DOC_MAX : cap * 2;
            char *grown = fst__realloc(buf, cap + 1);
            if (!grown) {
                rc = FST_ENOMEM;
                break;
            }
            buf = grown;
        }
        const size_t before = avail;
        size_t produced = 0;
        const int r = zops->run(*zst, &p, &avail, (unsigned char *)buf + len, cap - len, &produced);
        len += produced;
        if (r < 0) {
            rc = r;
            break;
        }
        if (r == FST__INF_END) {
            const unsigned char *end = p + avail;
            const fst__gz_after next = fst__gzip_after_member(&p, end);
            avail = (size_t)(end - p);
            if (next == FST__GZ_AFTER_EMPTY)
                break;
            if (next == FST__GZ_AFTER_GARBAGE) {
                rc = FST_EGZIP;
                break;
            }
            zops->reset(*zst);
        } else if (produced == 0 && avail == before) {
            rc = avail ? FST_EGZIP : FST_ETRUNCATED;
            break;
        }
    }
    if (rc < 0) {
        fst__free(buf);
        return rc;
    }
    *out = buf;
    *out_len = len;
    return 0;
}

int fst__payload_decode(const fst__inflate_ops *zops, void **zst, const char *b64, size_t n,
                        char **out, size_t *out_len)
{
    unsigned char *raw = fst__malloc(n / 4 * 3 + 3);
    if (!raw)
        return FST_ENOMEM;
    size_t len = 0;
    if (fst__base64_decode(b64, n, raw, &len) < 0) {
        fst__free(raw);
        return FST__PAYLOAD_NOT_BASE64;
    }
    if (!fst__gzip_magic(raw, len)) {
        *out = (char *)raw;
        *out_len = len;
        return 0;
    }
    const int rc = inflate_mem(zops, zst, raw, len, out, out_len);
    fst__free(raw);
    return rc;
}
