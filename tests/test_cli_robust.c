/* tests/test_cli_robust.c - bad input end to end (issue 11, "nothing passes
 * silently"): a table of damaged inputs, each run through the binary with
 * --stats, and checked for a clear error naming file and line, the
 * documented exit code (docs/inputs.md "Exit codes"), valid output, and the
 * accounting identity (no silent drop).
 *
 * Expected values are derived by hand from the input text of each case
 * (how many lines it has, which of them are records, which are bad and
 * why), written beside each case. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cli_helper.h"
#include "out/row.h"

/* Valid v2 default-format records (14 fields), and a header for them. */
#define RECB "2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 50000 6 10 1000 100 160 ACCEPT OK"
#define REC2B "2 123456789010 eni-1 10.0.0.2 10.0.0.1 50000 443 6 8 800 100 160 ACCEPT OK"
#define REC RECB "\n"
#define REC2 REC2B "\n"
#define HDR_HEAD "version account-id interface-id srcaddr dstaddr srcport dstport protocol "
#define HDR_TAIL "packets bytes start end action log-status"
#define HDR HDR_HEAD HDR_TAIL "\n"
/* 'srcport' misspelled 'srcprot'; 'action' misspelled 'acton'. */
#define HDR_BAD_SRCPROT                                                                   \
    "version account-id interface-id srcaddr dstaddr srcprot dstport protocol " HDR_TAIL \
    "\n" REC
#define HDR_BAD_ACTON HDR_HEAD "packets bytes start end acton log-status\n" REC
#define HDR_CRLF HDR_HEAD HDR_TAIL "\r\n" RECB "\r\n" REC2B "\r\n"
/* 300 bytes of one token, over --max-line 256 */
#define X30 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define LONG_LINE X30 X30 X30 X30 X30 X30 X30 X30 X30 X30 "\n"
/* v5 fields in an order of their own; 2 records of one TCP connection */
#define V5_REORDERED                                                                      \
    "action srcaddr dstaddr srcport dstport protocol packets bytes start end tcp-flags "  \
    "flow-direction interface-id version log-status\n"                                    \
    "ACCEPT 10.0.0.1 10.0.0.2 50000 443 6 3 180 100 160 2 egress eni-1 5 OK\n"            \
    "ACCEPT 10.0.0.2 10.0.0.1 443 50000 6 2 120 100 160 18 ingress eni-1 5 OK\n"
/* Enough records that half of their gzip is a cut inside the data. */
#define REC4 REC REC2 REC REC2
#define MANY_RECS REC4 REC4 REC4 REC4 REC4 REC4 REC4 REC4

/* A case: up to two files (name, bytes, length; len 0 = strlen; gzip: the
 * bytes gzip'd, cut to half when gzip is 2), the command after "flowstitch"
 * with %s for the case's directory, and what must happen. */
typedef struct bad_case {
    const char *name;
    const char *file[2];
    const char *data[2];
    size_t len[2];
    int gzip[2];
    const char *args;       /* "%s" = the case directory */
    int exit;               /* the documented exit code */
    const char *err[3];     /* texts stderr must hold (%s = directory), NULL-ended */
    long lines, records, skipped, files_failed; /* --stats inputs.total; -1: not checked */
} bad_case;

/* Write a file of the case. */
static void put_file(const char *dir, const char *name, const char *data, size_t len, int gz)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!len)
        len = strlen(data);
    if (gz) {
        gzFile g = gzopen(path, "wb");
        cr_assert(g);
        gzwrite(g, data, (unsigned)len);
        gzclose(g);
        if (gz == 2) { /* truncated: keep the first half of the gzip bytes */
            struct stat st;
            stat(path, &st);
            cr_assert_eq(truncate(path, st.st_size / 2), 0);
        }
        return;
    }
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fwrite(data, 1, len, f);
    fclose(f);
}

static long total_field(json_t *stats, const char *key)
{
    json_t *t = json_object_get(json_object_get(json_object_get(stats, "inputs"), "total"), key);
    return json_is_integer(t) ? (long)json_integer_value(t) : -1;
}

/* Every line of JSON Lines output parses as JSON (jansson rejects invalid
 * UTF-8 and raw control bytes). */
static void check_jsonl(const char *name, const char *out)
{
    const char *s = out;
    while (*s) {
        const char *e = strchr(s, '\n');
        cr_assert(e, "%s: output does not end with a newline", name);
        json_error_t je;
        json_t *j = json_loadb(s, (size_t)(e - s), 0, &je);
        cr_assert(j, "%s: output line is not valid JSON: %s: %.*s", name, je.text, (int)(e - s), s);
        json_decref(j);
        s = e + 1;
    }
}

/* tmpl with every "%s" replaced by dir (the templates are data, not formats). */
static void subst(char *out, size_t n, const char *tmpl, const char *dir)
{
    size_t k = 0;
    for (const char *t = tmpl; *t && k + 1 < n; t++) {
        if (t[0] == '%' && t[1] == 's') {
            for (const char *d = dir; *d && k + 1 < n; d++)
                out[k++] = *d;
            t++;
        } else {
            out[k++] = *t;
        }
    }
    out[k] = '\0';
}

static void run_case(const bad_case *c)
{
    char dir[] = "/tmp/fst-robust-XXXXXX";
    cr_assert(mkdtemp(dir));
    for (int i = 0; i < 2 && c->file[i]; i++)
        put_file(dir, c->file[i], c->data[i], c->len[i], c->gzip[i]);
    char args[1024], stats[600], full[1700];
    subst(args, sizeof args, c->args, dir);
    snprintf(stats, sizeof stats, "%s/stats.json", dir);
    snprintf(full, sizeof full, "%s --stats %s", args, stats);
    cli_run r = run_cli(full);
    cr_assert_eq(r.status, c->exit, "%s: exit %d, want %d\n%s", c->name, r.status, c->exit, r.err);
    for (int i = 0; i < 3 && c->err[i]; i++) {
        char want[600];
        subst(want, sizeof want, c->err[i], dir);
        cr_assert(strstr(r.err, want), "%s: stderr lacks \"%s\":\n%s", c->name, want, r.err);
    }
    if (!strstr(c->args, "--format") || strstr(c->args, "jsonl"))
        check_jsonl(c->name, r.out);
    if (c->exit != 2) {
        json_error_t je;
        json_t *st = json_load_file(stats, 0, &je);
        cr_assert(st, "%s: --stats is not JSON: %s", c->name, je.text);
        const long lines = total_field(st, "lines");
        const long sum = total_field(st, "records") + total_field(st, "nodata") +
                         total_field(st, "skipdata") + total_field(st, "headers") +
                         total_field(st, "ignored") + total_field(st, "skipped");
        cr_assert_eq(lines, sum, "%s: lines %ld != sum %ld", c->name, lines, sum);
        if (c->lines >= 0) {
            cr_assert_eq(lines, c->lines, "%s: lines", c->name);
            cr_assert_eq(total_field(st, "records"), c->records, "%s: records", c->name);
            cr_assert_eq(total_field(st, "skipped"), c->skipped, "%s: skipped", c->name);
        }
        cr_assert_eq(total_field(st, "files_failed"), c->files_failed, "%s: files_failed %ld\n%s",
                     c->name, total_field(st, "files_failed"), r.err);
        json_decref(st);
    }
    cli_run_free(&r);
    char rm[600];
    snprintf(rm, sizeof rm, "chmod -R u+rwx %s; rm -rf %s", dir, dir);
    cr_assert_eq(system(rm), 0);
}

/* The cases.  Counts by hand: "lines" are all lines of all files;
 * a header line of a good layout counts under headers, not skipped. */
static const bad_case cases[] = {
    /* header with 'srcprot': the header line and the 1 record under it are
     * skipped (2 lines, 2 skipped, 0 records); exit 1 */
    {"unknown-header-word", {"a.log"}, {HDR_BAD_SRCPROT}, {0}, {0}, "sessions %s/a.log", 1,
     {"%s/a.log:1: unknown field 'srcprot' (did you mean 'srcport'?)",
      "%s/a.log:2: unknown field 'srcprot' in the header at line 1"},
     2, 0, 2, 0},
    /* 'acton' must not make action silently null: same as above */
    {"misspelled-action", {"a.log"}, {HDR_BAD_ACTON}, {0}, {0}, "sessions %s/a.log", 1,
     {"%s/a.log:1: unknown field 'acton' (did you mean 'action'?)"},
     2, 0, 2, 0},
    /* --strict stops at the header line: 1 line read, 1 skipped; exit 4 */
    {"unknown-header-word-strict", {"a.log"}, {HDR_BAD_SRCPROT}, {0}, {0},
     "sessions --strict %s/a.log", 4, {"%s/a.log:1: unknown field 'srcprot'"}, 1, 0, 1, 0},
    /* --fields with an unknown word: usage error, nothing read */
    {"fields-unknown-word", {"a.log"}, {REC}, {0}, {0},
     "sessions --fields '${version} ${srcprot}' %s/a.log", 2,
     {"--fields: unknown field 'srcprot' (did you mean 'srcport'?)"}, -1, 0, 0, 0},
    /* a missing path beside a good file: the good file's 1 record is read,
     * the missing one is a failed input; exit 1 */
    {"missing-path-beside-good", {"a.log"}, {REC}, {0}, {0}, "sessions %s/a.log %s/nope.log", 1,
     {"%s/nope.log: no such file or directory"}, 1, 1, 0, 1},
    /* ... and with --strict: exit 4 */
    {"missing-path-strict", {"a.log"}, {REC}, {0}, {0}, "sessions --strict %s/a.log %s/nope.log",
     4, {"%s/nope.log: no such file or directory"}, 0, 0, 0, 1},
    /* every path missing: usage error (exit 2) */
    {"all-paths-missing", {NULL}, {NULL}, {0}, {0}, "sessions %s/nope.log", 2,
     {"%s/nope.log: no such file or directory"}, -1, 0, 0, 0},
    /* a header naming a field twice: reported on line 1, the record then
     * read with the default layout (same 14 fields in the same order) */
    {"duplicated-header-field", {"a.log"},
     {"version account-id interface-id srcaddr dstaddr srcport srcport protocol "
      "packets bytes start end action log-status\n" REC},
     {0}, {0}, "sessions %s/a.log", 1, {"%s/a.log:1: bad format string or header"}, 2, 1, 1, 0},
    /* an empty file: nothing to lose, exit 0 */
    {"empty-file", {"a.log"}, {""}, {0}, {0}, "sessions %s/a.log", 0, {NULL}, 0, 0, 0, 0},
    /* CRLF line ends: both records used */
    {"crlf", {"a.log"}, {HDR_CRLF}, {0}, {0}, "sessions %s/a.log", 0, {NULL}, 3, 2, 0, 0},
    /* a UTF-8 BOM before the header: header found, record used */
    {"utf8-bom", {"a.log"}, {"\xEF\xBB\xBF" HDR REC}, {0}, {0}, "sessions %s/a.log", 0, {NULL},
     2, 1, 0, 0},
    /* a NUL byte inside line 2 (given on the command line: always read) */
    {"nul-bytes", {"a.log"}, {REC "2 1234\0 eni-1\n" REC2}, {sizeof(REC) - 1 + 14 + sizeof(REC2) - 1},
     {0}, "sessions %s/a.log", 1, {"%s/a.log:2: binary data"}, 3, 2, 1, 0},
    /* a line over --max-line 256 */
    {"overlong-line", {"a.log"}, {REC LONG_LINE REC2}, {0}, {0},
     "sessions --max-line 256 %s/a.log", 1, {"%s/a.log:2: line too long"}, 3, 2, 1, 0},
    /* a v5 header with the fields in another order: the 2 records used */
    {"v5-other-order", {"a.log"}, {V5_REORDERED}, {0}, {0}, "sessions %s/a.log", 0, {NULL}, 3, 2,
     0, 0},
    /* truncated gzip: a file error naming the file (files_failed 1); exit 1 */
    {"truncated-gzip", {"a.log.gz"}, {MANY_RECS}, {0}, {2}, "sessions %s/a.log.gz", 1,
     {"%s/a.log.gz: truncated input"}, -1, 0, 0, 1},
    /* binary junk given on the command line: read as text, its lines bad */
    {"binary-junk-named", {"a.bin"}, {"\x01\x02\x03\x04\n\x7f\x05\x06\n"}, {0}, {0},
     "sessions %s/a.bin", 1, {"%s/a.bin:1: binary data"}, 2, 0, 2, 0},
    /* binary junk in a walked directory: skipped with a note (documented),
     * beside a good file; nothing of a flow log lost: exit 0 */
    {"binary-junk-walked", {"a.log", "b.bin"}, {REC, "\x01\x02\0\x03\n"}, {0, 5}, {0},
     "sessions %s", 0, {"%s/b.bin: note: skipped: binary"}, 1, 1, 0, 0},
    /* a walked file whose first line is junk: read, the junk reported */
    {"junk-first-line-walked", {"a.log"}, {"this is not a record\n" REC REC2}, {0}, {0},
     "sessions %s", 1, {"%s/a.log:1: wrong number of fields"}, 3, 2, 1, 0},
    /* invalid UTF-8 in interface-id: output still valid JSON (checked),
     * 2 bytes replaced; the record is used: exit 0 */
    {"invalid-utf8", {"a.log"},
     {"2 123456789010 eni-1\xff\xfe 10.0.0.1 10.0.0.2 443 50000 6 10 1000 100 160 ACCEPT OK\n"},
     {0}, {0}, "records --format jsonl %s/a.log", 0,
     {"2 bytes of text not valid UTF-8, written as U+FFFD"}, 1, 1, 0, 0},
};

Test(cli_robust, table_of_bad_inputs)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        run_case(&cases[i]);
}

/* Fields of one CSV line per RFC 4180 (quoted fields may hold ',' and
 * doubled quotes; this output has no line breaks inside fields). */
static size_t csv_fields(const char *s, const char *e)
{
    size_t n = 1;
    int q = 0;
    for (; s < e; s++) {
        if (*s == '"')
            q = !q;
        else if (*s == ',' && !q)
            n++;
    }
    return n;
}

/* records --format csv over files of two layouts: one header, the union of
 * their columns (14 default + 'tcp_flags' and 'flow_direction' of the v5
 * file = 16, by hand), every row 16 fields; a text cell starting with '='
 * gets a leading quote, '-5' (a number) does not. */
Test(cli_robust, csv_one_header_union_and_guard)
{
    char dir[] = "/tmp/fst-robust-XXXXXX";
    cr_assert(mkdtemp(dir));
    put_file(dir, "a.log", REC, 0, 0);
    put_file(dir, "b.log", V5_REORDERED, 0, 0);
    put_file(dir, "c.log",
             "version interface-id srcaddr dstaddr bytes\n"
             "2 =HYPERLINK(1) 10.0.0.1 10.0.0.2 5\n2 -5 10.0.0.1 10.0.0.2 5\n",
             0, 0);
    char args[600];
    subst(args, sizeof args, "records -q --format csv %s/a.log %s/b.log %s/c.log", dir);
    cli_run r = run_cli(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* 1 header + 1 + 2 + 2 rows */
    cr_assert_eq(count_lines(r.out), 6, "%s", r.out);
    cr_assert(!strncmp(r.out, "version,account_id,", 19), "%s", r.out);
    const char *s = r.out;
    while (*s) {
        const char *e = strchr(s, '\n');
        cr_assert_eq(csv_fields(s, e), 16, "%.*s", (int)(e - s), s);
        s = e + 1;
    }
    cr_assert(strstr(r.out, ",'=HYPERLINK(1),"), "%s", r.out);
    cr_assert(strstr(r.out, ",-5,"), "%s", r.out);
    cr_assert(strstr(r.out, "\ntcp_flags") == NULL, "one header only");
    cli_run_free(&r);
    char rm[600];
    subst(rm, sizeof rm, "rm -rf %s", dir);
    cr_assert_eq(system(rm), 0);
}

/* A directory with a file that cannot be read: the other file is read,
 * the unreadable one is a failed input (files_failed 1), exit 1. */
Test(cli_robust, unreadable_file_in_directory)
{
    if (geteuid() == 0)
        cr_skip_test("running as root: chmod 000 does not stop reading");
    char dir[] = "/tmp/fst-robust-XXXXXX";
    cr_assert(mkdtemp(dir));
    put_file(dir, "a.log", REC, 0, 0);
    put_file(dir, "b.log", REC2, 0, 0);
    char cmd[600];
    subst(cmd, sizeof cmd, "%s/b.log", dir);
    cr_assert_eq(chmod(cmd, 0), 0);
    subst(cmd, sizeof cmd, "sessions %s --stats %s/stats.json", dir);
    cli_run r = run_cli(cmd);
    cr_assert_eq(r.status, 1, "%s", r.err);
    cr_assert(strstr(r.err, "b.log"), "%s", r.err);
    subst(cmd, sizeof cmd, "%s/stats.json", dir);
    json_t *st = json_load_file(cmd, 0, NULL);
    cr_assert(st);
    cr_assert_eq(total_field(st, "files_failed"), 1);
    cr_assert_eq(total_field(st, "records"), 1);
    json_decref(st);
    cli_run_free(&r);
    subst(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* docs/dependencies.md: libdeflate is a benchmark baseline only; the
 * program does not link it. */
Test(cli_robust, not_linked_to_libdeflate)
{
    if (system("command -v ldd >/dev/null 2>&1") != 0)
        cr_skip_test("no ldd here");
    cr_assert_neq(system("ldd " FST_BIN " | grep -q libdeflate"), 0,
                  "the program links libdeflate, but docs/dependencies.md says it does not");
}

/* Every row of the exit-code tables (docs/inputs.md, docs/output.md, the
 * man page, --help): 0, 2 and 3 here, 1 and 4 in the table above.  The
 * demo fixture is used whole (fixtures/demo/README.md: 22 lines, all
 * used), so 0 is its exit. */
#define DEMO FST_SOURCE_DIR "/fixtures/demo"
Test(cli_robust, exit_code_claims)
{
    static const struct {
        const char *args;
        int exit;
    } claims[] = {
        {"sessions -q " DEMO, 0},                                  /* every line used */
        {"records -q " DEMO, 0},
        {"sessions -q --frobnicate " DEMO, 2},                     /* usage: bad option */
        {"sessions -q", 2},                                        /* usage: no INPUT */
        {"records -q /nonexistent/a.log /nonexistent/b.log", 2},   /* no INPUT path exists */
        {"sessions -q --eni-metadata /nonexistent/enis.json " DEMO, 2}, /* unreadable metadata */
        {"sessions -q -o /dev/full " DEMO, 3},                     /* output cannot be written */
        {"records -q -o /dev/full " DEMO, 3},
        {"sessions -q -o /nonexistent/dir/out.jsonl " DEMO, 3},
        {"sessions -q --stats /nonexistent/dir/stats.json " DEMO, 3}, /* --stats cannot be written */
        {"records -q --stats /nonexistent/dir/stats.json " DEMO, 3},
    };
    for (size_t i = 0; i < sizeof claims / sizeof claims[0]; i++) {
        cli_run r = run_cli(claims[i].args);
        cr_assert_eq(r.status, claims[i].exit, "%s: exit %d, want %d\n%s", claims[i].args,
                     r.status, claims[i].exit, r.err);
        cli_run_free(&r);
    }
}

/* The U+FFFD rule (docs/output.md), by RFC 3629's table: each byte that
 * neither starts nor continues a valid sequence becomes EF BF BD, counted. */
Test(cli_robust, json_utf8_rule)
{
    static const struct {
        const char *in;
        size_t n;
        const char *out;
        uint64_t bad;
    } u8[] = {
        {"a\xc3\xa9", 3, "\"a\xc3\xa9\"", 0},             /* e-acute: valid, kept */
        {"\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"", 0}, /* U+1F600: valid */
        {"\xff", 1, "\"\xef\xbf\xbd\"", 1},                  /* never valid */
        {"\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"", 2}, /* overlong '/' */
        {"\xe0\x80\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 3}, /* overlong */
        {"\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 3}, /* surrogate */
        {"\xf4\x90\x80\x80", 4,
         "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"", 4}, /* > U+10FFFF */
        {"\xc3", 1, "\"\xef\xbf\xbd\"", 1},                  /* cut short */
        {"\"\x01", 2, "\"\\\"\\u0001\"", 0},                /* escapes as before */
    };
    for (size_t i = 0; i < sizeof u8 / sizeof u8[0]; i++) {
        char buf[64];
        uint64_t bad = 0;
        char *e = fst__put_json_str_n(buf, u8[i].in, u8[i].n, &bad);
        *e = '\0';
        cr_expect_str_eq(buf, u8[i].out, "case %zu", i);
        cr_expect_eq(bad, u8[i].bad, "case %zu", i);
    }
}
