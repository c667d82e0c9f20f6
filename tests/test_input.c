/* tests/test_input.c - decode/input.h: queue, walk, sniffing, gzip, framing.
 *
 * Known answers come from how the fixtures were written
 * (fixtures/io/make-fixtures.sh, fixtures/README.md): the text of every
 * line, where a stored-block gzip was cut, which walked files are not flow
 * logs.  Each gzip test runs twice, once on the isa-l backend (skipped when
 * the build has no isa-l) and once on zlib; further tests check that both
 * backends and all buffer sizes give the same events.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "flowstitch/errors.h"
#include "decode/input.h"

#define FIX FST_SOURCE_DIR "/fixtures/"
#define IO FIX "io/"

#define HDR                                                                  \
    "version account-id interface-id srcaddr dstaddr srcport dstport "      \
    "protocol packets bytes start end action log-status"

/* ------------------------------------------------------------- helpers */

enum { T_TEXT = 1, T_BYTES = 2, T_SUMMARY = 4 };

static const char *rel(const char *path)
{
    const size_t n = strlen(FIX);
    return path && strncmp(path, FIX, n) == 0 ? path + n : path;
}

static const char *errname(int err)
{
    return err ? fst_err_name(err) : "OK";
}

/* Run the queue to its end and describe every event, one per line:
 *   BEGIN <path> gz=<0|1>
 *   <lineno>:<text>                 (T_TEXT; else "LINE <lineno>")
 *   BAD <lineno> <ERR>
 *   END <ERR|OK> [bytes=<n>]
 *   SKIP <path> <why>[ err=<ERR>]
 * With T_SUMMARY a file is one line: FILE <path> gz=<g> lines=<n> bad=<b> end=<ERR|OK>. */
static char *transcript(fst__input *in, int flags)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fst__event ev;
    unsigned lines = 0, bad = 0, guard = 0;
    char path[4096] = "";
    while (fst__input_next(in, &ev) != FST__EV_END) {
        cr_assert_lt(++guard, 1000000u, "runaway event loop");
        switch (ev.kind) {
        case FST__EV_FILE_BEGIN:
            lines = bad = 0;
            snprintf(path, sizeof path, "%s", rel(ev.path));
            if (!(flags & T_SUMMARY))
                fprintf(f, "BEGIN %s gz=%d\n", path, ev.gzip);
            break;
        case FST__EV_LINE:
            lines++;
            cr_assert_eq(strlen(ev.text), ev.len, "len matches the NUL-terminated text");
            if (flags & T_SUMMARY)
                break;
            if (flags & T_TEXT)
                fprintf(f, "%" PRIu64 ":%s\n", ev.lineno, ev.text);
            else
                fprintf(f, "LINE %" PRIu64 "\n", ev.lineno);
            break;
        case FST__EV_BADLINE:
            bad++;
            if (!(flags & T_SUMMARY))
                fprintf(f, "BAD %" PRIu64 " %s\n", ev.lineno, errname(ev.err));
            break;
        case FST__EV_FILE_END:
            if (flags & T_SUMMARY)
                fprintf(f, "FILE %s gz=%d lines=%u bad=%u end=%s", path, ev.gzip, lines, bad,
                        errname(ev.err));
            else
                fprintf(f, "END %s", errname(ev.err));
            if (flags & T_BYTES)
                fprintf(f, " bytes=%" PRIu64, ev.bytes_read);
            fputc('\n', f);
            break;
        case FST__EV_FILE_SKIPPED:
            fprintf(f, "SKIP %s %s", rel(ev.path), ev.why);
            if (ev.err)
                fprintf(f, " err=%s", errname(ev.err));
            fputc('\n', f);
            break;
        case FST__EV_END:
            break;
        case FST__EV_HANDOFF: /* hand-off mode (parse/pipeline.c) is off here */
            cr_assert_fail("FST__EV_HANDOFF without hand-off mode");
        }
    }
    fclose(f);
    return buf;
}

static int have_isal(void)
{
    fst__input *in = fst__input_new(0, NULL, NULL);
    const int yes = strcmp(fst__input_inflater(in), "isal") == 0;
    fst__input_free(in);
    return yes;
}

static fst__input *make(uint32_t max_line, int zlib)
{
    fst__input *in = fst__input_new(max_line, NULL, NULL);
    cr_assert_not_null(in);
    fst__input_force_zlib(in, zlib);
    cr_assert_str_eq(fst__input_inflater(in), zlib ? "zlib" : "isal");
    return in;
}

/* Transcript of one path. */
static char *of_path(const char *path, uint32_t max_line, int zlib, int flags)
{
    fst__input *in = make(max_line, zlib);
    cr_assert_eq(fst__input_add_path(in, path), 0, "%s", path);
    char *t = transcript(in, flags);
    fst__input_free(in);
    return t;
}

static uint64_t file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return (uint64_t)st.st_size;
}

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void check_path(const char *path, uint32_t max_line, int zlib, int flags, const char *want)
{
    char *got = of_path(path, max_line, zlib, flags);
    cr_assert_str_eq(got, want, "%s (%s)\n--- got ---\n%s--- want ---\n%s", rel(path),
                     zlib ? "zlib" : "isal", got, want);
    free(got);
}

/* Define a test body run on both backends: <name>_isal and <name>_zlib. */
#define BOTH(name)                                                           \
    static void name##_body(int zlib);                                       \
    Test(input, name##_isal)                                                 \
    {                                                                        \
        if (!have_isal())                                                    \
            cr_skip_test("this build has no isa-l; the zlib run covers it"); \
        name##_body(0);                                                      \
    }                                                                        \
    Test(input, name##_zlib) { name##_body(1); }                             \
    static void name##_body(int zlib)

/* The records as written by make-fixtures.sh. */
#define R_T2 "2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.3.9 40001 53 17 1 72 1795774201 1795774260 ACCEPT OK"
#define R_T3 "2 123456789012 eni-0123456789abcdef0 10.0.3.9 10.0.1.25 53 40001 17 1 140 1795774201 1795774260 ACCEPT OK"
#define R_T4 "2 123456789012 eni-0123456789abcdef0 203.0.113.12 10.0.1.25 0 0 1 4 336 1795774210 1795774265 ACCEPT OK"

/* ------------------------------------------------------ backends exist */

Test(input, backend_selection)
{
    fst__input *in = fst__input_new(0, NULL, NULL);
    fst__input_force_zlib(in, 1);
    cr_assert_str_eq(fst__input_inflater(in), "zlib");
    fst__input_free(in);
    /* CMake found isa-l on this machine iff the default is isal; report it. */
    cr_log_info("default gzip backend: %s", have_isal() ? "isal" : "zlib");
}

Test(input, env_forces_zlib)
{
    setenv("FST_INFLATE", "zlib", 1);
    fst__input *in = fst__input_new(0, NULL, NULL);
    cr_assert_str_eq(fst__input_inflater(in), "zlib");
    fst__input_free(in);
    unsetenv("FST_INFLATE");
}

/* ------------------------------------------------------- plain framing */

Test(input, no_final_newline)
{
    const char *p = IO "no-final-newline.log";
    char want[1024];
    snprintf(want, sizeof want,
             "BEGIN io/no-final-newline.log gz=0\n"
             "1:" HDR "\n"
             "2:2 123456789012 eni-0fedcba9876543210 10.0.1.25 10.0.2.40 49152 443 6 12 2040 1795774190 1795774250 ACCEPT OK\n"
             "3:2 123456789012 eni-0fedcba9876543210 10.0.2.40 10.0.1.25 443 49152 6 9 6230 1795774190 1795774250 ACCEPT OK\n"
             "END OK bytes=%" PRIu64 "\n",
             file_size(p));
    check_path(p, 0, 1, T_TEXT | T_BYTES, want);
}

Test(input, crlf_stripped)
{
    const char *p = IO "crlf.log";
    char want[1024];
    snprintf(want, sizeof want,
             "BEGIN io/crlf.log gz=0\n"
             "1:" HDR "\n"
             "2:2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.2.40 49153 443 6 10 1820 1795774801 1795774860 ACCEPT OK\n"
             "3:2 123456789012 eni-0123456789abcdef0 10.0.2.40 10.0.1.25 443 49153 6 8 5120 1795774801 1795774860 ACCEPT OK\n"
             "END OK bytes=%" PRIu64 "\n",
             file_size(p));
    check_path(p, 0, 1, T_TEXT | T_BYTES, want);
}

Test(input, binary_lines)
{
    check_path(IO "binary-lines.log", 0, 1, T_TEXT,
               "BEGIN io/binary-lines.log gz=0\n"
               "1:" HDR "\n"
               "2:" R_T2 "\n"
               "BAD 3 BINARY\n"
               "4:" R_T3 "\n"
               "BAD 5 BINARY\n"
               "6:2\t123456789012 eni-0123456789abcdef0 - - - - - - - 1795774200 1795774260 - NODATA\n"
               "END OK\n");
}

Test(input, long_line)
{
    const char *want = "BEGIN io/long-line.log gz=0\n"
                       "1:" HDR "\n"
                       "BAD 2 LONGLINE\n"
                       "3:2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.2.40 49152 443 6 10 1820 1795773904 1795773960 ACCEPT OK\n"
                       "END OK\n";
    check_path(IO "long-line.log", 128, 1, T_TEXT, want);
    /* Same with tiny buffers: the long line is dropped without being held. */
    fst__input *in = make(128, 1);
    cr_assert_eq(fst__input_set_bufsize(in, 7, 5), 0);
    fst__input_add_path(in, IO "long-line.log");
    char *got = transcript(in, T_TEXT);
    cr_assert_str_eq(got, want);
    free(got);
    fst__input_free(in);
}

Test(input, long_line_boundary)
{
    /* Line 2 is exactly 300 bytes: accepted at max_line 300, not at 299. */
    char *got = of_path(IO "long-line.log", 300, 1, 0);
    cr_assert_str_eq(got, "BEGIN io/long-line.log gz=0\nLINE 1\nLINE 2\nLINE 3\nEND OK\n");
    free(got);
    got = of_path(IO "long-line.log", 299, 1, 0);
    cr_assert_str_eq(got, "BEGIN io/long-line.log gz=0\nLINE 1\nBAD 2 LONGLINE\nLINE 3\nEND OK\n");
    free(got);
}

Test(input, memory_and_queue_order)
{
    fst__input *in = make(0, 1);
    char text[] = "a\n\nb\r\nc";
    cr_assert_eq(fst__input_add_mem(in, "first", text, sizeof text - 1), 0);
    text[0] = 'X'; /* add_mem copied the buffer */
    cr_assert_eq(fst__input_add_mem(in, "empty", "", 0), 0);
    cr_assert_eq(fst__input_add_mem(in, "last", "z\n", 2), 0);
    char *got = transcript(in, T_TEXT | T_BYTES);
    cr_assert_str_eq(got, "BEGIN first gz=0\n1:a\n2:\n3:b\n4:c\nEND OK bytes=7\n"
                          "BEGIN empty gz=0\nEND OK bytes=0\n"
                          "BEGIN last gz=0\n1:z\nEND OK bytes=2\n");
    free(got);
    /* END again and again. */
    fst__event ev;
    cr_assert_eq(fst__input_next(in, &ev), FST__EV_END);
    cr_assert_eq(fst__input_next(in, &ev), FST__EV_END);
    fst__input_free(in);
}

Test(input, missing_path)
{
    fst__input *in = make(0, 1);
    cr_assert_eq(fst__input_add_path(in, IO "no-such-file.log"), FST_ENOENT);
    cr_assert_eq(fst__input_add_path(in, IO "no-such-dir/x.log"), FST_ENOENT);
    fst__event ev;
    cr_assert_eq(fst__input_next(in, &ev), FST__EV_END);
    fst__input_free(in);
}

Test(input, stdin_pipe)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    const char data[] = "one\ntwo\n";
    cr_assert_eq(write(fds[1], data, sizeof data - 1), (ssize_t)(sizeof data - 1));
    close(fds[1]);
    const int saved = dup(0);
    cr_assert_eq(dup2(fds[0], 0), 0);
    close(fds[0]);
    fst__input *in = make(0, 1);
    cr_assert_eq(fst__input_add_path(in, "-"), 0);
    char *got = transcript(in, T_TEXT | T_BYTES);
    fst__input_free(in);
    dup2(saved, 0);
    close(saved);
    cr_assert_str_eq(got, "BEGIN - gz=0\n1:one\n2:two\nEND OK bytes=8\n");
    free(got);
}

Test(input, read_error_is_eio)
{
    /* Reading /proc/self/mem at offset 0 fails with EIO (unmapped page). */
    if (access("/proc/self/mem", R_OK) != 0)
        cr_skip_test("no /proc/self/mem here");
    char *got = of_path("/proc/self/mem", 0, 1, 0);
    cr_assert_str_eq(got, "BEGIN /proc/self/mem gz=0\nEND IO\n");
    free(got);
}

Test(input, unreadable_file_skipped)
{
    if (geteuid() == 0)
        cr_skip_test("running as root: permissions do not stop open()");
    char dir[] = "/tmp/fst-input-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/locked.log", dir);
    FILE *f = fopen(path, "w");
    fputs("2 x\n", f);
    fclose(f);
    chmod(path, 0);
    char *got = of_path(path, 0, 1, 0);
    char want[512];
    snprintf(want, sizeof want, "SKIP %s permission denied err=IO\n", path);
    cr_assert_str_eq(got, want);
    free(got);
    unlink(path);
    rmdir(dir);
}

/* ---------------------------------------------------------------- gzip */

BOTH(multi_member)
{
    const char *p = IO "multi-member.log.gz";
    char want[2048];
    snprintf(want, sizeof want,
             "BEGIN io/multi-member.log.gz gz=1\n"
             "1:" HDR "\n"
             "2:2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.2.40 49152 443 6 10 1820 1795773904 1795773960 ACCEPT OK\n"
             "3:2 123456789012 eni-0123456789abcdef0 10.0.2.40 10.0.1.25 443 49152 6 8 5120 1795773904 1795773960 ACCEPT OK\n"
             "4:2 123456789012 eni-0fedcba9876543210 198.51.100.7 10.0.2.40 51515 22 6 1 60 1795773920 1795773975 REJECT OK\n"
             "5:2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795773900 1795773960 - NODATA\n"
             "END OK bytes=%" PRIu64 "\n",
             file_size(p));
    check_path(p, 0, zlib, T_TEXT | T_BYTES, want);
}

BOTH(truncated)
{
    check_path(IO "truncated.log.gz", 0, zlib, T_TEXT,
               "BEGIN io/truncated.log.gz gz=1\n"
               "1:" HDR "\n"
               "2:" R_T2 "\n"
               "3:" R_T3 "\n"
               "BAD 4 TRUNCATED\n"
               "END TRUNCATED\n");
}

BOTH(truncated_trailer)
{
    check_path(IO "truncated-trailer.log.gz", 0, zlib, T_TEXT,
               "BEGIN io/truncated-trailer.log.gz gz=1\n"
               "1:" HDR "\n"
               "2:" R_T2 "\n"
               "3:" R_T3 "\n"
               "4:" R_T4 "\n"
               "END TRUNCATED\n");
}

BOTH(corrupt)
{
    check_path(IO "corrupt.log.gz", 0, zlib, T_TEXT,
               "BEGIN io/corrupt.log.gz gz=1\nEND GZIP\n");
}

BOTH(corrupt_second_member)
{
    check_path(IO "corrupt-second-member.log.gz", 0, zlib, T_TEXT,
               "BEGIN io/corrupt-second-member.log.gz gz=1\n"
               "1:" HDR "\n"
               "2:" R_T2 "\n"
               "END GZIP\n");
}

BOTH(bad_crc)
{
    check_path(IO "bad-crc.log.gz", 0, zlib, T_TEXT,
               "BEGIN io/bad-crc.log.gz gz=1\n"
               "1:" HDR "\n"
               "2:" R_T2 "\n"
               "END GZIP\n");
}

BOTH(gzip_from_memory)
{
    size_t len;
    void *data = slurp(IO "multi-member.log.gz", &len);
    fst__input *in = make(0, zlib);
    fst__input_add_mem(in, "mm", data, len);
    /* Garbage after the last member is an error, zero padding is not. */
    char *padded = malloc(len + 5);
    memcpy(padded, data, len);
    memset(padded + len, 0, 5);
    fst__input_add_mem(in, "padded", padded, len + 5);
    padded[len + 2] = 'x';
    fst__input_add_mem(in, "garbage", padded, len + 5);
    char *got = transcript(in, 0);
    cr_assert_str_eq(got, "BEGIN mm gz=1\nLINE 1\nLINE 2\nLINE 3\nLINE 4\nLINE 5\nEND OK\n"
                          "BEGIN padded gz=1\nLINE 1\nLINE 2\nLINE 3\nLINE 4\nLINE 5\nEND OK\n"
                          "BEGIN garbage gz=1\nLINE 1\nLINE 2\nLINE 3\nLINE 4\nLINE 5\nEND GZIP\n");
    free(got);
    free(padded);
    free(data);
    fst__input_free(in);
}

/* Every cut of the stored member: the text available is known byte for byte
 * (10 header + 5 block header bytes precede it), so the lines delivered,
 * the cut line and the final error follow from the text alone. */
BOTH(stored_truncation_sweep)
{
    size_t len;
    unsigned char *gz = slurp(IO "stored.log.gz", &len);
    const char *text = HDR "\n" R_T2 "\n" R_T3 "\n" R_T4 "\n";
    const size_t tlen = strlen(text);
    cr_assert_eq(len, 10 + 5 + tlen + 8, "stored member layout");
    for (size_t cut = 2; cut <= len; cut++) {
        const size_t avail = cut < 15 ? 0 : (cut - 15 < tlen ? cut - 15 : tlen);
        char want[4096];
        size_t w = (size_t)snprintf(want, sizeof want, "BEGIN cut gz=1\n");
        unsigned lineno = 0;
        size_t start = 0;
        for (size_t i = 0; i < avail; i++)
            if (text[i] == '\n') {
                w += (size_t)snprintf(want + w, sizeof want - w, "%u:%.*s\n", ++lineno,
                                      (int)(i - start), text + start);
                start = i + 1;
            }
        if (start < avail)
            w += (size_t)snprintf(want + w, sizeof want - w, "BAD %u TRUNCATED\n", ++lineno);
        snprintf(want + w, sizeof want - w, "END %s\n", cut == len ? "OK" : "TRUNCATED");
        fst__input *in = make(0, zlib);
        fst__input_add_mem(in, "cut", gz, cut);
        char *got = transcript(in, T_TEXT);
        cr_assert_str_eq(got, want, "cut at %zu of %zu", cut, len);
        free(got);
        fst__input_free(in);
    }
    free(gz);
}

/* Every cut of a real (compressed) multi-member file: both backends give
 * the same events, and the lines are a prefix of the full file's lines. */
Test(input, deflate_cuts_same_on_both_backends)
{
    if (!have_isal())
        cr_skip_test("this build has no isa-l");
    size_t len;
    unsigned char *gz = slurp(IO "multi-member.log.gz", &len);
    fst__input *full_in = make(0, 1);
    fst__input_add_mem(full_in, "cut", gz, len);
    char *full = transcript(full_in, T_TEXT);
    fst__input_free(full_in);
    /* The second member starts with the same 10 header bytes (gzip -n -9). */
    size_t member1 = 0;
    for (size_t i = 10; i + 10 <= len && !member1; i++)
        if (memcmp(gz + i, gz, 10) == 0)
            member1 = i;
    cr_assert_gt(member1, 0);
    for (size_t cut = 2; cut < len; cut++) {
        char *t[2];
        for (int z = 0; z < 2; z++) {
            fst__input *in = make(0, z);
            fst__input_add_mem(in, "cut", gz, cut);
            t[z] = transcript(in, T_TEXT);
            fst__input_free(in);
        }
        cr_assert_str_eq(t[0], t[1], "cut at %zu: isal vs zlib", cut);
        /* Everything before the last two transcript lines (BAD?/END) is a
         * prefix of the full transcript. */
        char *end = strstr(t[1], "END ");
        cr_assert_not_null(end);
        char *bad = strstr(t[1], "BAD ");
        const size_t keep = (size_t)((bad && bad < end ? bad : end) - t[1]);
        cr_assert_eq(strncmp(t[1], full, keep), 0, "cut at %zu: lines are a prefix", cut);
        /* A cut at the member boundary is a complete one-member file. */
        const int boundary = cut == member1;
        cr_assert(boundary ? strcmp(end, "END OK\n") == 0 : strcmp(end, "END TRUNCATED\n") == 0,
                  "cut at %zu (member 1 is %zu bytes): %s", cut, member1, end);
        free(t[0]);
        free(t[1]);
    }
    free(full);
    free(gz);
}

/* Buffer sizes do not change events: every fixture with raw/fill sizes
 * from 1 byte up, on both backends, equals the default run. */
BOTH(buffer_sizes_do_not_matter)
{
    static const char *files[] = {
        "multi-member.log.gz", "truncated.log.gz",      "truncated-trailer.log.gz",
        "corrupt.log.gz",      "corrupt-second-member.log.gz", "bad-crc.log.gz",
        "stored.log.gz",       "crlf.log",              "no-final-newline.log",
        "binary-lines.log",    "long-line.log",
    };
    static const size_t sizes[][2] = {{1, 1}, {1, 7}, {2, 3}, {7, 1}, {16, 16}, {64, 13}, {4096, 100}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[1024];
        snprintf(path, sizeof path, IO "%s", files[i]);
        /* bytes_read is the whole file only when it was read to its end;
         * after an error it depends on how much was read ahead. */
        char *want = of_path(path, 128, zlib, T_TEXT | T_BYTES);
        const int flags = strstr(want, "END OK") ? T_TEXT | T_BYTES : T_TEXT;
        if (flags != (T_TEXT | T_BYTES)) {
            free(want);
            want = of_path(path, 128, zlib, flags);
        }
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            fst__input *in = make(128, zlib);
            cr_assert_eq(fst__input_set_bufsize(in, sizes[s][0], sizes[s][1]), 0);
            fst__input_add_path(in, path);
            char *got = transcript(in, flags);
            cr_assert_str_eq(got, want, "%s raw=%zu fill=%zu\n--- got ---\n%s--- want ---\n%s", files[i],
                             sizes[s][0], sizes[s][1], got, want);
            free(got);
            fst__input_free(in);
        }
        free(want);
    }
}

/* A few MB in three gzip members through a file: counts and line contents
 * survive many buffer refills on both backends. */
static void put_member(FILE *f, const char *text, size_t n)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    unsigned char out[65536];
    zs.next_in = (Bytef *)(uintptr_t)text;
    zs.avail_in = (uInt)n;
    int rc;
    do {
        zs.next_out = out;
        zs.avail_out = sizeof out;
        rc = deflate(&zs, Z_FINISH);
        fwrite(out, 1, sizeof out - zs.avail_out, f);
    } while (rc == Z_OK);
    cr_assert_eq(rc, Z_STREAM_END);
    deflateEnd(&zs);
}

BOTH(big_multi_member_file)
{
    char path[] = "/tmp/fst-input-big-XXXXXX";
    const int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "wb");
    const unsigned per = 20000, members = 3;
    char *text = malloc((size_t)per * 64);
    for (unsigned m = 0; m < members; m++) {
        size_t n = 0;
        for (unsigned i = 0; i < per; i++)
            n += (size_t)sprintf(text + n, "2 123456789012 eni-0123456789abcdef0 %u %u\n", m, i);
        put_member(f, text, n);
    }
    fclose(f);
    for (int small = 0; small < 2; small++) {
        fst__input *in = make(0, zlib);
        if (small)
            fst__input_set_bufsize(in, 1000, 777);
        fst__input_add_path(in, path);
        fst__event ev;
        uint64_t lines = 0;
        int ended = 0;
        while (fst__input_next(in, &ev) != FST__EV_END) {
            if (ev.kind == FST__EV_LINE) {
                char want[64];
                snprintf(want, sizeof want, "2 123456789012 eni-0123456789abcdef0 %u %u",
                         (unsigned)(lines / per), (unsigned)(lines % per));
                cr_assert_str_eq(ev.text, want, "line %" PRIu64, ev.lineno);
                lines++;
                cr_assert_eq(ev.lineno, lines);
            } else if (ev.kind == FST__EV_FILE_END) {
                cr_assert_eq(ev.err, 0, "%s", ev.why ? ev.why : "");
                cr_assert_eq(ev.bytes_read, file_size(path));
                ended = 1;
            } else {
                cr_assert_eq(ev.kind, FST__EV_FILE_BEGIN);
            }
        }
        cr_assert(ended);
        cr_assert_eq(lines, (uint64_t)per * members);
        fst__input_free(in);
    }
    free(text);
    unlink(path);
}

/* ---------------------------------------------------- walk and sniffing */

typedef struct sniff_log {
    char seen[2048];
} sniff_log;

/* Accept lines that start with a digit or "version"; log what was asked. */
static int sniff_flowlog(const char *line, size_t len, void *ud)
{
    sniff_log *log = ud;
    cr_assert_eq(strlen(line), len, "sniffed line is NUL-terminated at len");
    const size_t n = strlen(log->seen);
    snprintf(log->seen + n, sizeof log->seen - n, "%.20s|", line);
    return (line[0] >= '0' && line[0] <= '9') || strncmp(line, "version", 7) == 0;
}

BOTH(walk_sorted_and_sniffed)
{
    sniff_log log = {""};
    fst__input *in = fst__input_new(0, sniff_flowlog, &log);
    fst__input_force_zlib(in, zlib);
    cr_assert_eq(fst__input_add_path(in, IO "walk"), 0);
    char *got = transcript(in, T_TEXT);
    cr_assert_str_eq(got,
                     "BEGIN io/walk/B.log gz=0\n"
                     "1:2 123456789012 eni-0fedcba9876543210 - - - - - - - 1795773600 1795773660 - NODATA\n"
                     "END OK\n"
                     "BEGIN io/walk/a.log gz=0\n"
                     "1:" HDR "\n"
                     "2:2 123456789012 eni-0123456789abcdef0 - - - - - - - 1795773660 1795773720 - NODATA\n"
                     "END OK\n"
                     "BEGIN io/walk/b/c.log.gz gz=1\n"
                     "1:2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795773600 1795773660 - SKIPDATA\n"
                     "END OK\n"
                     "SKIP io/walk/b/notes.txt not a flow log\n"
                     "SKIP io/walk/blob.bin binary\n"
                     "BEGIN io/walk/comment-first.log gz=0\n"
                     "1:# exported by hand\n"
                     "2:\n"
                     "3:   \n"
                     "4:2 123456789012 eni-0123456789abcdef0 - - - - - - - 1795773720 1795773780 - NODATA\n"
                     "END OK\n"
                     "SKIP io/walk/export.dat json\n"
                     "SKIP io/walk/table.csv not a flow log (.csv)\n");
    /* The callback saw the first real line of each candidate, in order, and
     * for notes.txt, whose first line fails, the next ones too (up to
     * FST__SNIFF_LINES lines: "shopping list", "milk", all it has). */
    cr_assert_str_eq(log.seen, "2 123456789012 eni-0|version account-id i|2 123456789012 eni-0|"
                               "shopping list|milk|2 123456789012 eni-0|");
    free(got);
    fst__input_free(in);
}

Test(input, named_files_are_not_sniffed)
{
    sniff_log log = {""};
    fst__input *in = fst__input_new(0, sniff_flowlog, &log);
    fst__input_add_path(in, IO "walk/b/notes.txt");
    fst__input_add_path(in, IO "walk/.hidden.log");
    char *got = transcript(in, 0);
    cr_assert_str_eq(got, "BEGIN io/walk/b/notes.txt gz=0\nLINE 1\nLINE 2\nEND OK\n"
                          "BEGIN io/walk/.hidden.log gz=0\nLINE 1\nLINE 2\nEND OK\n");
    cr_assert_str_eq(log.seen, "");
    free(got);
    fst__input_free(in);
}

BOTH(layouts)
{
    sniff_log log = {""};
    fst__input *in = fst__input_new(0, sniff_flowlog, &log);
    fst__input_force_zlib(in, zlib);
    cr_assert_eq(fst__input_add_path(in, FIX "layouts/"), 0);
    char *got = transcript(in, T_SUMMARY);
#define S3D "layouts/s3/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/27/"
#define HVD "layouts/hive/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/"
#define CWD "layouts/cwl-export/exportedlogs/"
    cr_assert_str_eq(
        got,
        "SKIP layouts/cwl-export/README.md not a flow log (.md)\n"
        "FILE " CWD "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/eni-0123456789abcdef0-all/000000.gz gz=1 lines=3 bad=0 end=OK\n"
        "FILE " CWD "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/eni-0123456789abcdef0-all/000001.gz gz=1 lines=3 bad=0 end=OK\n"
        "SKIP " CWD "aws-logs-write-test not a flow log\n"
        "FILE " HVD "aws-region=us-east-1/year=2026/month=11/day=27/hour=10/"
        "123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261127T1015Z_2b3c4d5e.log.gz gz=1 lines=4 bad=0 end=OK\n"
        "SKIP " HVD "aws-region=us-east-1/year=2026/month=11/day=27/hour=10/part-00000-c000 Parquet, not read yet\n"
        "SKIP " HVD "schema.json json\n" /* by content: not an envelope */
        "SKIP layouts/hive/README.md not a flow log (.md)\n"
        "FILE " S3D "10/123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261127T1010Z_8c9d0e1f.log.gz gz=1 lines=4 bad=0 end=OK\n"
        "FILE " S3D "123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261127T1005Z_3f2a1b4c.log.gz gz=1 lines=6 bad=0 end=OK\n"
        "SKIP " S3D "123456789012_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f67890_20261127T1005Z_7d1e0a9b.log.parquet Parquet, not read yet (by name)\n"
        "SKIP layouts/s3/AWSLogs/aws-logs-write-test not a flow log\n"
        "SKIP layouts/s3/README.md not a flow log (.md)\n");
    /* CloudWatch export lines start with the timestamp: the sniffer saw it. */
    cr_assert_eq(strncmp(log.seen, "2026-11-27T10:05:04.|", 21), 0, "%s", log.seen);
    free(got);
    fst__input_free(in);
}

BOTH(cwl_export_lines)
{
    check_path(FIX "layouts/cwl-export/exportedlogs/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/"
                   "eni-0123456789abcdef0-all/000001.gz",
               0, zlib, T_TEXT,
               "BEGIN layouts/cwl-export/exportedlogs/6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/"
               "eni-0123456789abcdef0-all/000001.gz gz=1\n"
               "1:2026-11-27T10:15:05.000Z 2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.3.9 40002 53 17 1 68 1795774505 1795774560 ACCEPT OK\n"
               "2:2026-11-27T10:15:05.000Z 2 123456789012 eni-0123456789abcdef0 10.0.3.9 10.0.1.25 53 40002 17 1 132 1795774505 1795774560 ACCEPT OK\n"
               "3:2026-11-27T10:10:01.000Z 2 123456789012 eni-0123456789abcdef0 10.0.1.25 10.0.3.9 40001 53 17 1 72 1795774201 1795774260 ACCEPT OK\n"
               "END OK\n");
}

Test(input, path_lives_until_next_file)
{
    fst__input *in = make(0, 1);
    fst__input_add_path(in, IO "crlf.log");
    fst__input_add_path(in, IO "walk/.cache"); /* a directory with one file */
    fst__input_add_path(in, IO "walk/b/notes.txt");
    fst__event ev;
    const char *path = NULL;
    while (fst__input_next(in, &ev) != FST__EV_END)
        if (ev.kind == FST__EV_FILE_BEGIN)
            path = ev.path;
    /* The last file's path is still readable after END (ASan checks). */
    cr_assert_str_eq(rel(path), "io/walk/b/notes.txt");
    fst__input_free(in);
}

/* Odd entries met while walking, and a named file that vanished before it
 * was reached: each is one FILE_SKIPPED, nothing is read. */
Test(input, walk_odd_entries_and_vanished)
{
    char dir[] = "/tmp/fst-input-walk-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char p[4][64];
    snprintf(p[0], sizeof p[0], "%s/dangling", dir);
    snprintf(p[1], sizeof p[1], "%s/fifo", dir);
    snprintf(p[2], sizeof p[2], "%s/loop", dir);
    snprintf(p[3], sizeof p[3], "%s/gone.log", dir);
    cr_assert_eq(symlink("/nonexistent/flowstitch", p[0]), 0);
    cr_assert_eq(mkfifo(p[1], 0600), 0);
    cr_assert_eq(symlink(".", p[2]), 0);
    FILE *f = fopen(p[3], "w");
    fputs("2 x\n", f);
    fclose(f);
    fst__input *in = make(0, 1);
    cr_assert_eq(fst__input_add_path(in, p[3]), 0);
    cr_assert_eq(unlink(p[3]), 0); /* gone before it is reached */
    cr_assert_eq(fst__input_add_path(in, dir), 0);
    char *got = transcript(in, 0);
    char want[2048];
    snprintf(want, sizeof want,
             "SKIP %s vanished err=NOENT\n"
             "SKIP %s broken symlink err=NOENT\n"
             "SKIP %s not a regular file\n"
             "SKIP %s symlink to a directory, not followed\n",
             p[3], p[0], p[1], p[2]);
    cr_assert_str_eq(got, want);
    free(got);
    fst__input_free(in);
    for (int i = 0; i < 3; i++)
        unlink(p[i]);
    rmdir(dir);
}
