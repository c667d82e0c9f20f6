/* tests/test_formats.c - the Zeek, OCSF and IPFIX outputs read back by
 * independent readers: Python's standard library (tests/formats_check.py)
 * for Zeek and OCSF, against the JSONL of the same run, row by row. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_helper.h"

#define DEMO FST_SOURCE_DIR "/fixtures/demo"
#define CHECK FST_SOURCE_DIR "/tests/formats_check.py"

static int have_python(void) { return system("python3 -c 1 >/dev/null 2>&1") == 0; }

/* Run sessions on input in format fmt and as JSONL into two temporary
 * files, then the Python reader; returns its exit status. */
static int run_check(const char *fmt, const char *input)
{
    char out[] = "/tmp/fst-fmt-XXXXXX", js[] = "/tmp/fst-fmt-js-XXXXXX";
    close(mkstemp(out));
    close(mkstemp(js));
    char args[1024];
    snprintf(args, sizeof args, "sessions -q --format %s -o %s %s", fmt, out, input);
    cli_run r = run_cli(args);
    cr_assert(r.status == 0 || r.status == 1, "%s: exit %d: %s", args, r.status, r.err);
    cli_run_free(&r);
    snprintf(args, sizeof args, "sessions -q -o %s %s", js, input);
    r = run_cli(args);
    cr_assert(r.status == 0 || r.status == 1, "%s: exit %d: %s", args, r.status, r.err);
    cli_run_free(&r);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s/tests && python3 %s %s %s %s", FST_SOURCE_DIR, CHECK, fmt,
             out, js);
    const int st = system(cmd);
    unlink(out);
    unlink(js);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(formats, zeek_demo_read_by_python)
{
    if (!have_python())
        cr_skip("python3 is not installed: the Zeek reader needs it");
    cr_assert_eq(run_check("zeek", DEMO), 0);
}

/* Every kind of input the sessions command takes goes through the same
 * writer: S3/Hive/CloudWatch-export layouts, and a Firehose envelope. */
#define LAYOUTS FST_SOURCE_DIR "/fixtures/layouts " FST_SOURCE_DIR "/fixtures/envelope/firehose-event.json"

Test(formats, zeek_layouts_read_by_python)
{
    if (!have_python())
        cr_skip("python3 is not installed: the Zeek reader needs it");
    cr_assert_eq(run_check("zeek", LAYOUTS), 0);
}

/* No session: still a whole log, as Zeek writes one: the 8 header lines
 * (#separator, #set_separator, #empty_field, #unset_field, #path, #open,
 * #fields, #types) and #close; times 0 (nothing to take them from). */
Test(formats, zeek_empty_log_has_header_and_close)
{
    cli_run r = run_cli("sessions -q --format zeek --filter 'port 1' " DEMO);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), 9, "%s", r.out);
    cr_assert(strstr(r.out, "#open\t1970-01-01-00-00-00\n"), "%s", r.out);
    cr_assert(strstr(r.out, "#close\t1970-01-01-00-00-00\n"), "%s", r.out);
    cli_run_free(&r);
}

Test(formats, ocsf_demo_read_by_python)
{
    if (!have_python())
        cr_skip("python3 is not installed: the OCSF reader needs it");
    cr_assert_eq(run_check("ocsf", DEMO), 0);
}

Test(formats, ocsf_layouts_read_by_python)
{
    if (!have_python())
        cr_skip("python3 is not installed: the OCSF reader needs it");
    cr_assert_eq(run_check("ocsf", LAYOUTS), 0);
}
