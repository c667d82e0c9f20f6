/* parse/fields.h - typed conversion of one field token (internal).
 *
 * Owns: strict decimal parsing (overflow-checked, per-type ranges), the
 * enumerated values (action, log-status, flow-direction, type, protocol
 * names) and the fast IPv4 path.  The hot helpers are static inline so the
 * record converter (record.c) can use them without a call per field; the
 * slow paths (IPv6, names) live in fields.c.
 *
 * Nothing here allocates.  Inputs are (pointer, length) slices, never
 * NUL-terminated.
 */
#ifndef FST_PARSE_FIELDS_H
#define FST_PARSE_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "flowstitch/record.h"

/* Unsigned decimal, digits only (no sign, no spaces), at most UINT64_MAX.
 * Returns 0, FST_ENUMBER (empty or a non-digit) or FST_ERANGE (overflow). */
static inline int fst__parse_u64(const char *s, size_t len, uint64_t *out)
{
    if (len == 0)
        return FST_ENUMBER;
    uint64_t v = 0;
    size_t i = 0;
    /* 19 digits can never overflow a u64 (max is 20 digits). */
    size_t safe = len < 19 ? len : 19;
    for (; i < safe; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return FST_ENUMBER;
        v = v * 10 + d;
    }
    int over = 0;
    for (; i < len; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return FST_ENUMBER;
        if (!over && (v > (UINT64_MAX - d) / 10))
            over = 1; /* keep scanning: a later non-digit is ENUMBER */
        v = v * 10 + d;
    }
    if (over)
        return FST_ERANGE;
    *out = v;
    return 0;
}

/* Unsigned decimal with an upper bound (ports, protocol, flags...). */
static inline int fst__parse_uint_max(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v;
    int rc = fst__parse_u64(s, len, &v);
    if (rc < 0)
        return rc;
    if (v > max)
        return FST_ERANGE;
    *out = v;
    return 0;
}

/* The version field: an unsigned integer, or one written "major.0" as
 * Global Accelerator flow logs do ("2.0" -> 2).  A non-zero minor part is
 * refused (FST_ENUMBER): it would not be a VPC flow-log version. */
static inline int fst__parse_version(const char *s, size_t len, uint64_t *out)
{
    const char *dot = memchr(s, '.', len);
    if (!dot)
        return fst__parse_u64(s, len, out);
    size_t ml = (size_t)(dot - s), i = ml + 1;
    if (i == len)
        return FST_ENUMBER;
    for (; i < len; i++)
        if (s[i] != '0')
            return FST_ENUMBER;
    return fst__parse_u64(s, ml, out);
}

/* Dotted-quad IPv4: exactly 4 parts of 1-3 digits, each 0..255.  A part
 * with a leading zero ("010") is refused, as inet_pton does, because other
 * tools read it as octal.  Stores the address
 * IPv4-mapped (::ffff:a.b.c.d) with family 4.  Returns 0 or FST_EADDR. */
static inline int fst__parse_ipv4_bytes(const char *s, size_t len, uint8_t q[4])
{
    const char *p = s, *e = s + len;
    for (int part = 0; part < 4; part++) {
        unsigned v, d;
        if (p == e || (v = (unsigned)(unsigned char)*p - '0') > 9)
            return FST_EADDR;
        p++;
        if (p < e && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
            if (v == 0)
                return FST_EADDR; /* leading zero */
            v = v * 10 + d;
            p++;
            if (p < e && (d = (unsigned)(unsigned char)*p - '0') <= 9) {
                v = v * 10 + d;
                p++;
                if (v > 255)
                    return FST_EADDR;
            }
        }
        q[part] = (uint8_t)v;
        if (part < 3) {
            if (p == e || *p != '.')
                return FST_EADDR;
            p++;
        }
    }
    return p == e ? 0 : FST_EADDR;
}

static inline int fst__parse_ipv4(const char *s, size_t len, fst_addr *out)
{
    uint8_t q[4];
    if (fst__parse_ipv4_bytes(s, len, q) < 0)
        return FST_EADDR;
    memset(out->b, 0, 10);
    out->b[10] = 0xff;
    out->b[11] = 0xff;
    memcpy(out->b + 12, q, 4);
    out->family = 4;
    return 0;
}

/* IPv6 text (RFC 4291 section 2.2 forms) into 16 bytes.  Returns 0 or
 * FST_EADDR.  In fields.c. */
int fst__parse_ipv6(const char *s, size_t len, uint8_t out[16]);

/* Enumerations: value into *out (FST_ACTION_*, FST_STATUS_*, FST_DIR_*,
 * FST_IPTYPE_*, protocol number) or FST_EVALUE / FST_ENUMBER.  In fields.c. */
int fst__parse_action(const char *s, size_t len, uint64_t *out);
int fst__parse_status(const char *s, size_t len, uint64_t *out);
int fst__parse_dir(const char *s, size_t len, uint64_t *out);
int fst__parse_iptype(const char *s, size_t len, uint64_t *out);
int fst__parse_proto(const char *s, size_t len, uint64_t *out);

/* Convert one token of a numeric or enumerated type (every fst_ftype except
 * TEXT, ID and ADDR) into *out.  "-" is not handled here (callers check it
 * first).  Returns 0 or FST_ENUMBER / FST_ERANGE / FST_EVALUE. */
int fst__parse_typed(int type, const char *s, size_t len, uint64_t *out);

/* Is this text a plausible field name: [a-z][a-z0-9_-]*, optionally inside
 * "${...}"?  Used by header detection. */
int fst__name_shaped(const char *s, size_t len);

#endif
