/* decode/gzip.c - what may follow a gzip member (decode/gzip.h). */
#include "decode/gzip.h"

fst__gz_after fst__gzip_after_member(const unsigned char **p, const unsigned char *end)
{
    const unsigned char *q = *p;
    while (q < end && *q == 0)
        q++;
    *p = q;
    if (q == end)
        return FST__GZ_AFTER_EMPTY;
    return *q == FST__GZIP_ID1 ? FST__GZ_AFTER_MEMBER : FST__GZ_AFTER_GARBAGE;
}
