/* filter/time.c - --since/--until: text -> unix seconds, and the overlap
 * test of a session with a time range.
 *
 * ISO 8601 dates are converted with the days-from-civil algorithm of
 * Howard Hinnant (proleptic Gregorian), never through the C library's
 * time zone, so results do not depend on TZ.
 */
#include "flowstitch/errors.h"
#include "flowstitch/filter.h"

#define SECS_PER_MIN 60
#define SECS_PER_HOUR 3600
#define SECS_PER_DAY 86400
#define MAX_YEAR 9999

/* Reads exactly n digits at *s, advancing it; -1 when they are not. */
static int digits(const char **s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        const unsigned d = (unsigned)((*s)[i] - '0');
        if (d > 9)
            return -1;
        v = v * 10 + (int)d;
    }
    *s += n;
    return v;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a valid y-m-d. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* "Z", "+HH:MM", "+HHMM", "+HH" (or '-') at s, the whole rest of the text:
 * seconds east of UTC into *off. */
static int parse_zone(const char *s, int64_t *off)
{
    if ((s[0] == 'Z' || s[0] == 'z') && !s[1]) {
        *off = 0;
        return 0;
    }
    if (s[0] != '+' && s[0] != '-')
        return FST_EINVAL;
    const int sign = s[0] == '-' ? -1 : 1;
    s++;
    const int h = digits(&s, 2);
    int m = 0;
    if (*s == ':')
        s++;
    if (*s)
        m = digits(&s, 2);
    if (h < 0 || m < 0 || *s)
        return FST_EINVAL;
    if (h > 23 || m > 59)
        return FST_ERANGE;
    *off = sign * (int64_t)(h * SECS_PER_HOUR + m * SECS_PER_MIN);
    return 0;
}

/* Whole epoch seconds: digits only. */
static int parse_epoch(const char *s, int64_t *out)
{
    int64_t v = 0;
    if (!*s)
        return FST_EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return FST_EINVAL;
        if (v > (INT64_MAX - 9) / 10)
            return FST_ERANGE;
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 0;
}

/* YYYY-MM-DD[T ]HH:MM[:SS[.fff]] then the zone. */
static int parse_iso(const char *s, int64_t *out)
{
    const int y = digits(&s, 4);
    const int mo = *s == '-' ? (s++, digits(&s, 2)) : -1;
    const int d = *s == '-' ? (s++, digits(&s, 2)) : -1;
    const int h = *s == 'T' || *s == 't' || *s == ' ' ? (s++, digits(&s, 2)) : -1;
    const int mi = *s == ':' ? (s++, digits(&s, 2)) : -1;
    int sec = 0;
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0)
        return FST_EINVAL;
    if (*s == ':' && (s++, (sec = digits(&s, 2)) < 0))
        return FST_EINVAL;
    if (*s == '.' || *s == ',') { /* fractional seconds: dropped */
        const char *f = ++s;
        while (*s >= '0' && *s <= '9')
            s++;
        if (s == f)
            return FST_EINVAL;
    }
    int64_t off;
    const int rc = parse_zone(s, &off);
    if (rc < 0)
        return rc;
    if (y > MAX_YEAR || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 59)
        return FST_ERANGE;
    *out = days_from_civil(y, mo, d) * SECS_PER_DAY + h * SECS_PER_HOUR + mi * SECS_PER_MIN +
           sec - off;
    return 0;
}

int fst_time_parse(const char *text, int64_t *out)
{
    if (!text || !out)
        return FST_EINVAL;
    int only_digits = *text != '\0';
    for (const char *s = text; *s; s++)
        only_digits &= *s >= '0' && *s <= '9';
    return only_digits ? parse_epoch(text, out) : parse_iso(text, out);
}

void fst_time_range_init(fst_time_range *r)
{
    r->since = INT64_MIN;
    r->until = INT64_MAX;
}

int fst_time_range_match(const fst_time_range *r, const fst_session *s)
{
    if (r->since == INT64_MIN && r->until == INT64_MAX)
        return 1;
    if (s->unknown & FST_SESSION_NO_TIMES)
        return 0;
    return s->first_seen <= r->until && s->last_seen >= r->since;
}
