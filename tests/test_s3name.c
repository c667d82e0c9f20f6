/* tests/test_s3name.c - the delivery time in an S3 flow-log object name
 * (read/s3name.h, fst__s3name_time).
 *
 * Expected values derived by hand from the calendar: days since
 * 1970-01-01 counted year by year (365, plus one per leap year: divisible
 * by 4, not by 100 unless by 400), times 86400, plus hours and minutes.
 * The name shape is AWS's S3 object name
 * `<account>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`
 * (../shared/docs/aws-flowlogs.md; docs/inputs.md "Delivery layouts").
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "read/s3name.h"

#define PREFIX "123456789012_vpcflowlogs_us-east-1_fl-0abc1234_"

/* The timestamp of name, asserting that there is one. */
static int64_t ts_of(const char *name)
{
    int64_t t = -1;
    cr_assert_eq(fst__s3name_time(name, &t), 1, "no timestamp found in %s", name);
    return t;
}

Test(s3name, epoch)
{
    /* 1970-01-01 00:00 is day 0. */
    cr_expect_eq(ts_of(PREFIX "19700101T0000Z_abcd1234.log.gz"), 0);
}

Test(s3name, leap_day_2020)
{
    /* 1970..2019: 50 years, 12 leap years (1972..2016) -> 18262 days to
     * 2020-01-01; + 31 (Jan) + 28 (Feb 1..28) = 18321 days to 2020-02-29;
     * 18321 * 86400 = 1582934400; + 12h34 = 45240 s. */
    cr_expect_eq(ts_of(PREFIX "20200229T1234Z_abcd1234.log.gz"), 1582979640);
}

Test(s3name, century_leap_year_2000)
{
    /* 2000 is divisible by 400: a leap year.  1970..1999: 30 years, 7 leap
     * years (1972..1996) -> 10957 days; + 31 + 29 = 11017 days to 03-01;
     * 11017 * 86400 = 951868800. */
    cr_expect_eq(ts_of(PREFIX "20000301T0000Z_abcd1234.log.gz"), 951868800);
    /* Its Feb 29 exists: one day (86400 s) earlier. */
    cr_expect_eq(ts_of(PREFIX "20000229T0000Z_abcd1234.log.gz"), 951868800 - 86400);
}

Test(s3name, last_minute_of_2023)
{
    /* 1970..2022: 53 years, 13 leap years (1972..2020) -> 19358 days; 2023
     * is not leap, Dec 31 is its day 364 -> 19722; 19722 * 86400 =
     * 1703980800; + 23h59 = 86340 s. */
    cr_expect_eq(ts_of(PREFIX "20231231T2359Z_abcd1234.log.gz"), 1704067140);
}

Test(s3name, directories_are_not_looked_at)
{
    /* Only the base name counts: the stamp of the file, not of the folder. */
    cr_expect_eq(ts_of("logs/x_19700101T0000Z_y/" PREFIX "19700101T0001Z_abcd1234.log.gz"), 60);
}

Test(s3name, bad_names)
{
    const char *bad[] = {
        PREFIX "21000229T0000Z_abcd1234.log.gz",       /* 2100 is not leap (by 100, not 400) */
        PREFIX "20190229T0000Z_abcd1234.log.gz",       /* 2019 is not leap */
        PREFIX "20200431T0000Z_abcd1234.log.gz",       /* April has 30 days */
        PREFIX "20200001T0000Z_abcd1234.log.gz",       /* month 00 */
        PREFIX "20200100T0000Z_abcd1234.log.gz",       /* day 00 */
        PREFIX "20200101T2400Z_abcd1234.log.gz",       /* hour 24 */
        PREFIX "20200101T0060Z_abcd1234.log.gz",       /* minute 60 */
        PREFIX "20200101t0000Z_abcd1234.log.gz",       /* lower-case t */
        PREFIX "20200101T000Z_abcd1234.log.gz",        /* 13 bytes */
        PREFIX "20200101T0000Z.log.gz",                /* no '_' after the stamp */
        "20200101T0000Z_abcd1234.log.gz",              /* first field: no '_' before */
        "x_19700101T0000Z_/" PREFIX "abcd1234.log.gz", /* stamp only in the folder */
        /* The first stamp-shaped field is the one: out of range, no fallback. */
        PREFIX "20201301T0000Z_20200101T0000Z_abcd1234.log.gz",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = -7;
        cr_expect_eq(fst__s3name_time(bad[i], &t), 0, "accepted %s", bad[i]);
        cr_expect_eq(t, -7, "output touched for %s", bad[i]);
    }
}
