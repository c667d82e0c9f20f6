/* tests/test_time_order.c - the opt-in time-ordered walk
 * (fst_reader_config.time_order, decode/input.c order_queue) and the S3 object
 * name timestamp parser (read/s3name.h).
 *
 * Expected values are derived by hand: unix seconds from the calendar
 * (days since 1970-01-01 times 86400), file orders from the byte order of
 * the names written here and the `_YYYYMMDDTHHmmZ_` in them (S3 object name,
 * docs/inputs.md "Delivery layouts"; ../shared/docs/aws-flowlogs.md §4).
 * Every file written holds a header and one record whose `bytes` field
 * identifies it, so the order of the records is the order of the reads.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <flowstitch.h>

#include "read/s3name.h"

/* ------------------------------------------------------------ s3name */

Test(s3name, days_from_civil)
{
    cr_expect_eq(fst__days_from_civil(1970, 1, 1), 0);
    cr_expect_eq(fst__days_from_civil(1969, 12, 31), -1);
    cr_expect_eq(fst__days_from_civil(1970, 3, 1), 59);        /* 31 + 28 */
    cr_expect_eq(fst__days_from_civil(1972, 3, 1), 790);       /* 2*365 + 31 + 29 */
    cr_expect_eq(fst__days_from_civil(2000, 1, 1), 10957);     /* 30*365 + 7 leap days */
    cr_expect_eq(fst__days_from_civil(2000, 3, 1), 11017);     /* + 31 + 29 */
    cr_expect_eq(fst__days_from_civil(2018, 6, 20), 17702);    /* 48*365 + 12, + 151 + 19 */
    cr_expect_eq(fst__days_from_civil(1900, 1, 1), -25567);    /* 70*365 + 17 leap days back */
}

Test(s3name, valid_names)
{
    int64_t t = -7;
    /* AWS's own example name: 2018-06-20 16:20 UTC = 17702 days + 16h20. */
    cr_assert_eq(fst__s3name_time("123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz", &t), 1);
    cr_expect_eq(t, (int64_t)17702 * 86400 + 16 * 3600 + 20 * 60);
    cr_expect_eq(t, 1529511600);
    /* Only the base name counts; the directories may look like anything. */
    cr_assert_eq(fst__s3name_time("AWSLogs/aws-account-id=1/aws-service=vpcflowlogs/year=1970/"
                                  "1_vpcflowlogs_eu-west-1_fl-1_19700101T0000Z_0.log", &t), 1);
    cr_expect_eq(t, 0);
    /* Leap day 2000 (divisible by 400): 10957 + 59 days, 23:59. */
    cr_assert_eq(fst__s3name_time("x_20000229T2359Z_y", &t), 1);
    cr_expect_eq(t, (int64_t)11016 * 86400 + 23 * 3600 + 59 * 60);
    /* Leap day 2024: 2024-01-01 is 19723 days (54*365 + 13), + 31 + 28. */
    cr_assert_eq(fst__s3name_time("a_20240229T0005Z_b.log", &t), 1);
    cr_expect_eq(t, (int64_t)(19723 + 59) * 86400 + 5 * 60);
    /* The first field of the right shape is the one. */
    cr_assert_eq(fst__s3name_time("a_b_20251127T1000Z_20251127T1100Z_c", &t), 1);
    cr_expect_eq(t, (int64_t)fst__days_from_civil(2025, 11, 27) * 86400 + 10 * 3600);
}

Test(s3name, invalid_names)
{
    const char *bad[] = {
        "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20181320T1620Z_fe123456.log.gz", /* month 13 */
        "a_20180020T1620Z_b",  /* month 00 */
        "a_20180620T2460Z_b",  /* T2460Z: hour 24 */
        "a_20180620T2400Z_b",  /* hour 24 */
        "a_20180620T2360Z_b",  /* minute 60 */
        "a_20180600T1620Z_b",  /* day 00 */
        "a_20180631T1620Z_b",  /* June has 30 days */
        "a_21000229T0000Z_b",  /* 2100 is not a leap year */
        "a_20190229T0000Z_b",  /* nor 2019 */
        "a_20180620T1620_b",   /* missing Z */
        "a_20180620T162Z_b",   /* too short */
        "a_2018062T1620Z_b",   /* too short */
        "a_201806200T1620Z_b", /* too long */
        "a_20180620t1620z_b",  /* lower case */
        "a_2018O620T1620Z_b",  /* letter O, not zero */
        "a_20180620 1620Z_b",  /* no T */
        "20180620T1620Z_b",    /* no '_' before */
        "a_20180620T1620Z.log.gz", /* no '_' after */
        "a_20180620T1620Z",
        "20180620T1620Z",
        "a_20181320T1620Z_20180620T1620Z_b", /* the first stamp-shaped field is out of range */
        "a_20180620T1620Z_b/c.log",          /* only in a directory name */
        "",
        "_",
        "__",
        "fl-1234abcd.log",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 42;
        cr_expect_eq(fst__s3name_time(bad[i], &t), 0, "%s", bad[i]);
        cr_expect_eq(t, 42, "%s: left untouched", bad[i]);
    }
}

/* ------------------------------------------------------------ helpers */

#define HDR                                                                  \
    "version account-id interface-id srcaddr dstaddr srcport dstport "      \
    "protocol packets bytes start end action log-status\n"

/* Write root/rel (directories made), gzip'd when rel ends in ".gz".  A
 * nonzero id writes a flow log: header + one record with bytes = id; id 0
 * writes text that is not a flow log. */
static void put(const char *root, const char *rel, unsigned id)
{
    char path[1024], cmd[1100], text[512];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p '%.*s'", (int)(strrchr(path, '/') - path), path);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    if (id)
        snprintf(text, sizeof text,
                 HDR "2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 49152 443 6 1 %u "
                     "1764237600 1764237660 ACCEPT OK\n",
                 id);
    else
        snprintf(text, sizeof text, "these are my notes\nnot a flow log\n");
    const size_t n = strlen(rel);
    if (n > 3 && strcmp(rel + n - 3, ".gz") == 0) {
        gzFile g = gzopen(path, "wb");
        cr_assert_not_null(g);
        cr_assert_eq(gzputs(g, text), (int)strlen(text));
        cr_assert_eq(gzclose(g), Z_OK);
    } else {
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        fputs(text, f);
        cr_assert_eq(fclose(f), 0);
    }
}

static void rm_tree(const char *root)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", root, root);
    cr_expect_eq(system(cmd), 0);
}

/* The tree.  Three accounts; account 111 has two flow logs (fl-aaaa,
 * fl-bbbb) in one daily partition, account 222 an hourly layout over two
 * days, account 333 the Hive layout; plus an untimed flow log (notes/), a
 * name whose month is 13, a non-flow-log text file with a stamp and a
 * README.md.  The bytes of each record (the id) is its rank in time order. */
#define A1 "AWSLogs/111111111111/vpcflowlogs/us-east-1/"
#define A2 "AWSLogs/222222222222/vpcflowlogs/eu-west-1/2025/11/"
#define A3 "AWSLogs/aws-account-id=333333333333/"
#define A3H A3 "aws-service=vpcflowlogs/aws-region=ap-south-1/year=2025/month=11/day=27/hour=09/"

#define F_H1 A1 "2025/11/27/111111111111_vpcflowlogs_us-east-1_fl-aaaa_20251127T1005Z_h1.log"
#define F_H2 A1 "2025/11/27/111111111111_vpcflowlogs_us-east-1_fl-aaaa_20251127T1010Z_h2.log.gz"
#define F_BAD A1 "2025/11/27/111111111111_vpcflowlogs_us-east-1_fl-aaaa_20251327T1000Z_bad.log"
#define F_H3 A1 "2025/11/27/111111111111_vpcflowlogs_us-east-1_fl-bbbb_20251127T1000Z_h3.log"
#define F_EXP A1 "notes/export.log"
#define F_H4 A2 "27/10/222222222222_vpcflowlogs_eu-west-1_fl-cccc_20251127T1000Z_h4.log"
#define F_TXT A2 "27/10/222222222222_vpcflowlogs_eu-west-1_fl-cccc_20251127T1003Z_notalog.log"
#define F_H6 A2 "28/00/222222222222_vpcflowlogs_eu-west-1_fl-cccc_20251128T0000Z_h6.log"
#define F_MD A3 "README.md"
#define F_H5 A3H "333333333333_vpcflowlogs_ap-south-1_fl-dddd_20251127T0955Z_h5.log"

/* ids: untimed first (bad 1, export 2), then 09:55 h5 3, 10:00 h3 4,
 * 10:00 h4 5, 10:05 h1 6, 10:10 h2 7, next day h6 8. */
static void make_tree(char *root)
{
    cr_assert_not_null(mkdtemp(root));
    put(root, F_H1, 6);
    put(root, F_H2, 7);
    put(root, F_BAD, 1);
    put(root, F_H3, 4);
    put(root, F_EXP, 2);
    put(root, F_H4, 5);
    put(root, F_TXT, 0);
    put(root, F_H6, 8);
    put(root, F_MD, 0);
    put(root, F_H5, 3);
}

typedef struct run {
    fst_reader *r;
    FILE *diag;
    char *diag_text;
    size_t diag_len;
    char root[64];
    unsigned ids[32]; /* bytes of the records, in the order read */
    size_t nids;
} run;

static void run_open(run *g, int time_order)
{
    g->diag = open_memstream(&g->diag_text, &g->diag_len);
    cr_assert_not_null(g->diag);
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    cfg.diag = g->diag;
    cfg.time_order = time_order;
    g->r = fst_reader_new(&cfg);
    cr_assert_not_null(g->r);
}

static void add(run *g, const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", g->root, rel);
    cr_assert_eq(fst_reader_add_path(g->r, path), 0, "%s", path);
}

static void read_records(run *g, size_t max)
{
    const fst_record *rec;
    int rc = 0;
    while (g->nids < max && (rc = fst_reader_next(g->r, &rec)) == 1) {
        cr_assert_lt(g->nids, sizeof g->ids / sizeof g->ids[0]);
        g->ids[g->nids++] = (unsigned)rec->num[FST_F_BYTES];
    }
    cr_assert_geq(rc, 0);
}

/* The names of the inputs met (fst_reader_file_stats), root stripped, one a
 * line, "  (skipped)" after a file not read. */
static char *met(const run *g)
{
    size_t n = 0;
    const fst_input_stats *s = fst_reader_file_stats(g->r, &n);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const size_t rl = strlen(g->root);
    for (size_t i = 0; i < n; i++) {
        const char *name = s[i].name;
        if (strncmp(name, g->root, rl) == 0 && name[rl] == '/')
            name += rl + 1;
        fprintf(f, "%s%s\n", name, s[i].files ? "" : "  (skipped)");
    }
    fclose(f);
    return buf;
}

static const char *diag(run *g)
{
    fflush(g->diag);
    return g->diag_text ? g->diag_text : "";
}

static void run_close(run *g)
{
    fst_reader_free(g->r);
    fclose(g->diag);
    free(g->diag_text);
}

/* A fresh tree (make_tree) and a reader over nothing yet. */
static void run_tree(run *g, int time_order)
{
    snprintf(g->root, sizeof g->root, "/tmp/fst-time-order-XXXXXX");
    make_tree(g->root);
    run_open(g, time_order);
}

static void run_done(run *g)
{
    run_close(g);
    rm_tree(g->root);
}

static void expect_met(const run *g, const char *want)
{
    char *got = met(g);
    cr_expect_str_eq(got, want);
    free(got);
}

static void expect_ids(const run *g, const unsigned *want, size_t n)
{
    cr_assert_eq(g->nids, n, "records read: %zu, want %zu", g->nids, n);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(g->ids[i], want[i], "record %zu: bytes %u, want %u", i, g->ids[i], want[i]);
}

/* ------------------------------------------------------------ the walk */

/* Walk the whole tree in one mode; the same files, records, notes and
 * totals in both, only the order differs. */
static void walk_tree(int time_order, const char *want_met, const unsigned want_ids[8])
{
    run g = {0};
    run_tree(&g, time_order);
    add(&g, "AWSLogs");
    read_records(&g, 100);
    expect_met(&g, want_met);
    expect_ids(&g, want_ids, 8);
    const fst_input_stats *t = fst_reader_total(g.r);
    cr_expect_eq(t->files, 8);
    cr_expect_eq(t->records, 8);
    cr_expect_eq(t->files_not_flowlog, 2);
    cr_expect_eq(t->files_failed, 0);
    cr_expect(strstr(diag(&g), "README.md: note: skipped: not a flow log (.md)\n"), "%s", diag(&g));
    cr_expect(strstr(diag(&g), "notalog.log: note: skipped: not a flow log\n"), "%s", diag(&g));
    run_done(&g);
}

Test(time_order, tree_read_in_time_order)
{
    /* Untimed names first in walk order (the month-13 name, notes/, the
     * README), then by time: 09:55 (Hive, last in byte order), the two
     * 10:00 files in walk order (account 111 before 222), 10:03 (skipped by
     * content where its time puts it), 10:05, 10:10 (gzip), next day. */
    static const unsigned ids[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    walk_tree(1,
              F_BAD "\n" F_EXP "\n" F_MD "  (skipped)\n" F_H5 "\n" F_H3 "\n" F_H4 "\n"
              F_TXT "  (skipped)\n" F_H1 "\n" F_H2 "\n" F_H6 "\n",
              ids);
}

Test(time_order, default_keeps_byte_order)
{
    /* Byte order of the names: "111..." < "222..." < "aws-account-id=...";
     * "2025" < "notes"; fl-aaaa's three names before fl-bbbb's;
     * "README.md" < "aws-service=...". */
    static const unsigned ids[8] = {6, 7, 1, 4, 2, 5, 8, 3};
    walk_tree(0,
              F_H1 "\n" F_H2 "\n" F_BAD "\n" F_H3 "\n" F_EXP "\n" F_H4 "\n"
              F_TXT "  (skipped)\n" F_H6 "\n" F_MD "  (skipped)\n" F_H5 "\n",
              ids);
}

/* Several paths are ordered together, whatever their order on the command
 * line; files named directly take part. */
Test(time_order, paths_ordered_together)
{
    run g = {0};
    run_tree(&g, 1);
    add(&g, F_H6);                      /* 11-28 00:00 */
    add(&g, "AWSLogs/222222222222");    /* h4 10:00, notalog 10:03, h6 again */
    add(&g, A3);                        /* README, h5 09:55 */
    add(&g, F_H1);                      /* 10:05 */
    read_records(&g, 100);
    expect_met(&g,
               F_MD "  (skipped)\n"
               F_H5 "\n"
               F_H4 "\n"
               F_TXT "  (skipped)\n"
               F_H1 "\n"
               F_H6 "\n"
               F_H6 "\n");
    const unsigned want[] = {3, 5, 6, 8, 8};
    expect_ids(&g, want, 5);
    run_done(&g);
}

/* Equal times keep argument order, even against byte order. */
Test(time_order, ties_keep_argument_order)
{
    run g = {0};
    run_tree(&g, 1);
    add(&g, F_H4); /* 10:00, account 222 */
    add(&g, F_H3); /* 10:00, account 111 */
    add(&g, F_H2); /* 10:10 */
    add(&g, F_H1); /* 10:05 */
    read_records(&g, 100);
    const unsigned want[] = {5, 4, 6, 7};
    expect_ids(&g, want, 4);
    run_done(&g);
}

/* "-" and memory buffers keep their queue positions; the files from paths
 * fill the other positions in time order. */
Test(time_order, memory_keeps_its_position)
{
    run g = {0};
    run_tree(&g, 1);
    add(&g, "AWSLogs/222222222222/vpcflowlogs/eu-west-1/2025/11/28"); /* h6 */
    add(&g, F_H1);                                                    /* 10:05 */
    const char m1[] = HDR "2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 49152 443 6 1 901 "
                          "1764237600 1764237660 ACCEPT OK\n";
    const char m2[] = HDR "2 123456789012 eni-0a1b2c3d 10.0.0.1 10.0.0.2 49152 443 6 1 902 "
                          "1764237600 1764237660 ACCEPT OK\n";
    /* A memory name with a stamp is not moved either. */
    cr_assert_eq(fst_reader_add_mem(g.r, "x_20000101T0000Z_m1", m1, strlen(m1)), 0);
    add(&g, F_H5); /* 09:55 */
    cr_assert_eq(fst_reader_add_mem(g.r, "m2", m2, strlen(m2)), 0);
    /* Queue: h6, h1, m1, h5, m2.  Path positions 0, 1, 3 take h5, h1, h6. */
    read_records(&g, 100);
    const unsigned want[] = {3, 6, 901, 8, 902};
    expect_ids(&g, want, 5);
    run_done(&g);
}

/* A path queued after reading began is ordered with the inputs not read
 * yet, at the next input. */
Test(time_order, late_path_ordered_with_the_rest)
{
    run g = {0};
    run_tree(&g, 1);
    add(&g, F_H2); /* 10:10 */
    add(&g, F_H1); /* 10:05 */
    read_records(&g, 1); /* h1 open */
    add(&g, F_H6);
    add(&g, F_H5); /* 09:55, before h2 still queued */
    read_records(&g, 100);
    const unsigned want[] = {6, 3, 7, 8};
    expect_ids(&g, want, 4);
    run_done(&g);
}

/* An unreadable directory: the same message and the same accounting as the
 * lazy walk; in time order it is reported among the untimed names, before
 * any file is read.  Root ignores permissions, so a test process running as
 * root drops to nobody before it makes the tree (Criterion runs each test in
 * a process of its own). */
Test(time_order, unreadable_dir_reported_as_before)
{
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
        cr_skip_test("running as root and cannot become nobody: permissions do not apply");
    char root[64];
    snprintf(root, sizeof root, "/tmp/fst-time-order-XXXXXX");
    make_tree(root);
    char locked[256];
    snprintf(locked, sizeof locked, "%s/" A1 "notes", root);
    cr_assert_eq(chmod(locked, 0), 0);
    if (access(locked, R_OK) == 0) {
        rm_tree(root);
        cr_skip_test("permissions do not apply here (%s still readable)", locked);
    }
    static const char *const want_met[2] = {
        /* lazy: byte order, notes/ where the walk meets it */
        F_H1 "\n" F_H2 "\n" F_BAD "\n" F_H3 "\n" A1 "notes  (skipped)\n" F_H4 "\n"
        F_TXT "  (skipped)\n" F_H6 "\n" F_MD "  (skipped)\n" F_H5 "\n",
        /* time order: notes/ among the untimed names, in walk order */
        F_BAD "\n" A1 "notes  (skipped)\n" F_MD "  (skipped)\n" F_H5 "\n" F_H3 "\n" F_H4 "\n"
        F_TXT "  (skipped)\n" F_H1 "\n" F_H2 "\n" F_H6 "\n",
    };
    static const unsigned want_ids[2][7] = {{6, 7, 1, 4, 5, 8, 3}, {1, 3, 4, 5, 6, 7, 8}};
    char note[512];
    snprintf(note, sizeof note, "%s: %s (cannot read directory)\n", locked, fst_strerror(FST_EIO));
    for (int mode = 0; mode < 2; mode++) {
        run g = {0};
        snprintf(g.root, sizeof g.root, "%s", root);
        run_open(&g, mode);
        add(&g, "AWSLogs");
        read_records(&g, 100);
        expect_met(&g, want_met[mode]);
        expect_ids(&g, want_ids[mode], 7);
        const fst_input_stats *t = fst_reader_total(g.r);
        cr_expect_eq(t->files, 7);
        cr_expect_eq(t->records, 7);
        cr_expect_eq(t->files_failed, 1);
        cr_expect_eq(t->files_not_flowlog, 2);
        size_t n = 0;
        const fst_input_stats *s = fst_reader_file_stats(g.r, &n);
        cr_assert_eq(n, 10);
        const fst_input_stats *d = &s[mode ? 1 : 4];
        cr_expect_str_eq(d->name, locked);
        cr_expect_eq(d->error, FST_EIO);
        cr_expect_eq(d->files_failed, 1);
        cr_expect_eq(d->files, 0);
        cr_expect(strstr(diag(&g), note), "time_order=%d: %s", mode, diag(&g));
        run_close(&g);
    }
    rm_tree(root);
}
