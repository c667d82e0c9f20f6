/* decode/gzip.h - gzip format facts shared by every gzip reader (internal).
 *
 * Owns: the gzip magic bytes (RFC 1952 2.3.1: ID1 ID2, then CM 8 =
 * deflate) and the one rule for what may follow a gzip member: zero
 * padding (skipped, as gzip(1) does), then the end of the input, another
 * member (its ID1; the backend checks the rest), or garbage.  Used by the
 * streaming inflate (decode/gunzip.c) and the in-memory inflate of
 * envelope payloads (decode/payload.c).  Pure: no allocation, no state.
 */
#ifndef FST_DECODE_GZIP_H
#define FST_DECODE_GZIP_H

#include <stddef.h>

#define FST__GZIP_ID1 0x1f        /* first magic byte */
#define FST__GZIP_ID2 0x8b        /* second magic byte */
#define FST__GZIP_CM_DEFLATE 0x08 /* compression method: deflate */

/* Whether p[0..n) starts with the two gzip magic bytes. */
static inline int fst__gzip_magic(const unsigned char *p, size_t n)
{
    return n >= 2 && p[0] == FST__GZIP_ID1 && p[1] == FST__GZIP_ID2;
}

typedef enum fst__gz_after {
    FST__GZ_AFTER_EMPTY,  /* [*p, end) held only zero padding: more input, or the clean end */
    FST__GZ_AFTER_MEMBER, /* another member starts at *p */
    FST__GZ_AFTER_GARBAGE /* something else starts at *p: "garbage after gzip data" */
} fst__gz_after;

/* After a member ended: skip zero padding in [*p, end) (advancing *p) and
 * say what comes next in what there is. */
fst__gz_after fst__gzip_after_member(const unsigned char **p, const unsigned char *end);

#endif
