/* read/s3name.c - the delivery time in an S3 flow-log object name.
 * See read/s3name.h. */
#include "read/s3name.h"

#include <string.h>

/* Howard Hinnant's days_from_civil: eras of 400 years (146097 days), the
 * year starting on March 1 so the leap day is the last day of the year. */
int64_t fst__days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;                                  /* [0, 399] */
    const int64_t doy = (153 * (int64_t)(m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The value of n decimal digits at s (already checked to be digits). */
static unsigned digits(const char *s, int n)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (unsigned)(s[i] - '0');
    return v;
}

/* Whether the 14 bytes at s are shaped DDDDDDDDTDDDDZ. */
static int stamp_shape(const char *s)
{
    for (int i = 0; i < 14; i++) {
        const int ok = i == 8 ? s[i] == 'T' : i == 13 ? s[i] == 'Z' : is_digit(s[i]);
        if (!ok)
            return 0;
    }
    return 1;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return mdays[m - 1] + (m == 2 && leap);
}

int fst__s3name_time(const char *path, int64_t *unix_s)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    /* Fields are the runs between '_'; the stamp is never the first or the
     * last one (an '_' on both sides). */
    const char *us = strchr(name, '_');
    while (us) {
        const char *f = us + 1;
        const char *next = strchr(f, '_');
        if (next && next - f == 14 && stamp_shape(f)) {
            const unsigned y = digits(f, 4), mo = digits(f + 4, 2), d = digits(f + 6, 2);
            const unsigned h = digits(f + 9, 2), mi = digits(f + 11, 2);
            if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59)
                return 0;
            *unix_s = fst__days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60;
            return 1;
        }
        us = next;
    }
    return 0;
}
