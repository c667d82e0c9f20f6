/* read/s3name.h - the delivery time in an S3 flow-log object name (internal).
 *
 * Owns: finding and checking the `_YYYYMMDDTHHmmZ_` component that AWS puts
 * in every S3 flow-log object name
 * (`<account>_vpcflowlogs_<region>_<fl-id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`,
 * the end of the 5-minute delivery window, UTC) and turning it into unix
 * seconds without the C library's time zone or locale (days-from-civil).
 * Used by read/order.c to order a time-ordered walk (docs/inputs.md, "Time
 * order (streaming)").  Pure functions: no allocation, no state.
 */
#ifndef FST_READ_S3NAME_H
#define FST_READ_S3NAME_H

#include <stdint.h>

/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (negative
 * before 1970).  m is 1..12, d 1..31; no range check. */
int64_t fst__days_from_civil(int64_t y, unsigned m, unsigned d);

/* The timestamp of a flow-log object name.  Only the base name (after the
 * last '/') is looked at: its first '_'-delimited field shaped like
 * `DDDDDDDDTDDDDZ` (8 digits, 'T', 4 digits, 'Z', with an '_' on both sides)
 * is the timestamp.  Returns 1 and sets *unix_s (UTC seconds) when that
 * field exists and is a real time (month 01-12, day within the month, leap
 * years counted, hour 00-23, minute 00-59); 0 when there is no such field or
 * its values are out of range (then *unix_s is untouched). */
int fst__s3name_time(const char *path, int64_t *unix_s);

#endif
