/* parse/header.c - what a line is before it is a record: the CloudWatch
 * Logs export timestamp prefix, the header-line shape, and the "looks like
 * a flow log" test for walked files (parse/header.h). */
#include "parse/header.h"

#include <string.h>

#include "flowstitch/record.h"
#include "parse/fields.h"
#include "parse/parser.h"
#include "read/s3name.h"

/* ---- CloudWatch export prefix ---------------------------------------- */

static int num_at(const char *s, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d > 9)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

int64_t fst__iso_ms(const char *s, size_t n)
{
    static const unsigned char mdays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, mo, d, h, mi, se, ms = 0;
    if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        s[n - 1] != 'Z')
        return -1;
    if (!num_at(s, 4, &y) || !num_at(s + 5, 2, &mo) || !num_at(s + 8, 2, &d) ||
        !num_at(s + 11, 2, &h) || !num_at(s + 14, 2, &mi) || !num_at(s + 17, 2, &se))
        return -1;
    if (n > 20) { /* fraction: '.', 1-9 digits */
        if (s[19] != '.' || n - 21 < 1 || n - 21 > 9)
            return -1;
        unsigned scale = 100;
        for (size_t i = 20; i < n - 1; i++) {
            unsigned dg = (unsigned)(unsigned char)s[i] - '0';
            if (dg > 9)
                return -1;
            ms += dg * scale;
            scale /= 10;
        }
    }
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || se > 60)
        return -1; /* CloudWatch event times are never before 1970 (found by fuzzing) */
    int64_t days = fst__days_from_civil(y, mo, d);
    return ((days * 24 + h) * 60 + mi) * 60000 + (int64_t)se * 1000 + ms;
}

/* ---- header detection ------------------------------------------------ */

int fst__looks_like_header(const char *s, size_t n)
{
    size_t i = 0, ntok = 0, shaped = 0;
    while (i < n) {
        while (i < n && s[i] == ' ')
            i++;
        if (i == n)
            break;
        size_t st = i;
        while (i < n && s[i] != ' ')
            i++;
        if (ntok == 0 && fst_field_lookup(s + st, i - st) == FST_F_UNKNOWN)
            return 0;
        ntok++;
        shaped += (size_t)fst__name_shaped(s + st, i - st);
    }
    return ntok > 0 && shaped * 2 > ntok;
}

/* ---- sniffing -------------------------------------------------------- */

static int has_prefix(const char *s, size_t n, const char *pre)
{
    size_t k = strlen(pre);
    return n > k && memcmp(s, pre, k) == 0;
}

int fst__has_bom(const char *s, size_t n)
{
    return n >= FST__BOM_LEN && !memcmp(s, "\xEF\xBB\xBF", FST__BOM_LEN);
}

int fst__parser_sniff(const char *line, size_t len)
{
    const char *s = line, *e = line + len;
    if (fst__has_bom(s, len))
        s += FST__BOM_LEN;
    while (s < e && *s == ' ')
        s++;
    const char *t = s;
    while (t < e && *t != ' ')
        t++;
    size_t n = (size_t)(t - s);
    if (n == 0)
        return 0;
    if (n == 1 && s[0] == '-')
        return 1;
    /* a number: digits, or "2.0" as Global Accelerator writes version */
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 0 && i < n && s[i] == '.') {
        size_t j = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == j)
            return 0;
    }
    if (i == n)
        return 1;
    if (has_prefix(s, n, "eni-") || has_prefix(s, n, "i-") || has_prefix(s, n, "vpc-") ||
        has_prefix(s, n, "subnet-") || has_prefix(s, n, "tgw-"))
        return 1;
    if (fst__iso_ms(s, n) >= 0)
        return 1;
    return fst__looks_like_header(s, (size_t)(e - s));
}
