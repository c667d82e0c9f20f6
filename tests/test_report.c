/* tests/test_report.c - the HTML report (out/report.c, `flowstitch report`):
 * the AZ matrix from hand-made sessions, and the page opened in headless
 * Chromium (Debian's chromium), which must render its SVG marks. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_helper.h"
#include "flowstitch.h"

#define DEMO FST_SOURCE_DIR "/fixtures/demo"

static char *write_report(const fst_session *s, int n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fst_writer *w = fst_session_writer_open(f, fst_out_format_parse("html"));
    cr_assert(w);
    for (int i = 0; i < n; i++)
        cr_assert_eq(fst_session_writer_write(w, &s[i]), 0);
    cr_assert_eq(fst_writer_close(w), 0);
    fclose(f);
    return buf;
}

static fst_session session(const char *caz, const char *saz, uint64_t bytes, uint32_t n_enis)
{
    static const char *const enis[] = {"eni-a", "eni-b"};
    fst_session s = {0};
    s.proto = FST_PROTO_TCP;
    fst_addr_parse("10.0.0.1", 8, &s.client_addr);
    fst_addr_parse("10.0.0.2", 8, &s.server_addr);
    s.client_port = 40000;
    s.server_port = 443;
    s.first_seen = 1718000000;
    s.last_seen = 1718000060;
    s.c2s_bytes = bytes;
    s.n_enis = n_enis;
    s.enis = enis;
    s.client_ctx.az = caz;
    s.server_ctx.az = saz;
    return s;
}

/* Two sessions: 1000 B from us-east-1a to us-east-1b seen at two ENIs (the
 * naive sum counts it twice: 2000 B = "2.00 kB"), 500 B inside us-east-1a
 * seen at one ("500 B" both ways).  Powers of 1000, two decimals. */
Test(report, az_matrix_counts_once_and_naive)
{
    const fst_session s[] = {session("us-east-1a", "us-east-1b", 1000, 2),
                             session("us-east-1a", "us-east-1a", 500, 1)};
    char *html = write_report(s, 2);
    cr_assert(strstr(html, "id=\"az-matrix\""), "no matrix");
    cr_assert(!strstr(html, "id=\"no-az\""));
    /* row us-east-1a: [1a] 500 B, [1b] 1.00 kB (naive 2.00 kB), [unknown] 0 */
    cr_assert(strstr(html, "<tr><th>us-east-1a</th><td>500 B<span class=\"naive\">naive 500 B"
                           "</span></td><td>1.00 kB<span class=\"naive\">naive 2.00 kB</span>"),
              "%s", html);
    cr_assert(strstr(html, "2 sessions, 1.50 kB counted once (naive sum over every observing "
                           "ENI: 2.50 kB)"),
              "%s", html);
    free(html);
}

Test(report, no_az_is_said)
{
    const fst_session s[] = {session(NULL, NULL, 1000, 1)};
    char *html = write_report(s, 1);
    cr_assert(strstr(html, "id=\"no-az\""), "%s", html);
    cr_assert(!strstr(html, "<script"), "no script in the page");
    cr_assert(!strstr(html, "http"), "nothing fetched: no URL in the page");
    free(html);
}

/* A format without start/end or bytes (AWS's NAT gateway example logs
 * addresses only): no chart from 1970 full of 0 B, the summary says what
 * was not logged.  A session with times but no counts draws no chart
 * either (its bars would all be 0). */
Test(report, no_times_no_counts_no_chart)
{
    fst_session s[] = {session(NULL, NULL, 0, 1), session(NULL, NULL, 0, 1)};
    s[0].unknown = s[1].unknown = FST_SESSION_NO_TIMES | FST_SESSION_NO_COUNTS;
    char *html = write_report(s, 2);
    cr_assert(strstr(html, "id=\"no-time-series\""), "%s", html);
    cr_assert(!strstr(html, "id=\"traffic\""), "no traffic chart");
    cr_assert(!strstr(html, "1970"), "no made-up time");
    cr_assert(strstr(html, "2 sessions, bytes not logged"), "%s", html);
    cr_assert(strstr(html, "times not logged"), "%s", html);
    free(html);

    s[0].unknown = s[1].unknown = FST_SESSION_NO_COUNTS;
    html = write_report(s, 2);
    cr_assert(strstr(html, "id=\"no-time-series\""), "%s", html);
    cr_assert(strstr(html, "from 2024-06-10T06:13:20Z to 2024-06-10T06:14:20Z"), "%s", html);
    free(html);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* Chromium renders the page of `flowstitch report` on the demo: the DOM it
 * dumps has the 60 bars of the traffic chart, the talkers' lines, the
 * tables; its console shows no error; the screenshot is written. */
Test(report, chromium_renders_the_page, .timeout = 180)
{
    if (system("command -v chromium >/dev/null 2>&1") != 0)
        cr_skip("chromium is not installed (tools/deps.sh installs it): page not rendered");
    char dir[] = "/tmp/fst-report-XXXXXX";
    cr_assert(mkdtemp(dir));
    char args[512], cmd[2048];
    snprintf(args, sizeof args, "report -q -o %s/r.html %s", dir, DEMO);
    cli_run r = run_cli(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* stderr: only the demo's note that README.md is not a flow log */
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
    cli_run_free(&r);
    const char *flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                        "--disable-background-networking --disable-component-update "
                        "--disable-sync --enable-logging=stderr --v=0";
    snprintf(cmd, sizeof cmd,
             "cd %s && chromium %s --user-data-dir=%s/u1 --dump-dom file://%s/r.html "
             ">dom.html 2>dom.err && chromium %s --user-data-dir=%s/u2 --window-size=1000,2000 "
             "--screenshot=%s/shot.png file://%s/r.html >/dev/null 2>shot.err",
             dir, flags, dir, dir, flags, dir, dir, dir);
    cr_assert_eq(system(cmd), 0, "chromium failed: see %s/*.err", dir);
    snprintf(cmd, sizeof cmd, "%s/dom.html", dir);
    char *dom = slurp_file(cmd);
    snprintf(cmd, sizeof cmd, "%s/dom.err", dir);
    char *err = slurp_file(cmd);
    cr_assert(strstr(dom, "<svg class=\"chart\" id=\"traffic\""), "no traffic chart");
    /* 60 time bars + 5 services (the demo's 5 sessions) + 9 bases */
    cr_assert_geq(count(dom, "<rect class=\"bar\""), 60 + 9, "bars: %zu", count(dom, "<rect"));
    cr_assert_geq(count(dom, "<polyline class=\"talker\""), 1);
    cr_assert(strstr(dom, "id=\"top-sessions\""));
    /* the demo's records carry az-id use1-az1 and use1-az2 (fixtures/demo):
     * the page draws the AZ matrix with both zones, not the no-AZ note */
    cr_assert(strstr(dom, "id=\"az-matrix\""), "the demo has AZs: no AZ matrix");
    cr_assert(!strstr(dom, "id=\"no-az\""), "the demo has AZs: no-AZ note shown");
    cr_assert(strstr(dom, "use1-az1") && strstr(dom, "use1-az2"), "both zones in the matrix");
    cr_assert(!strstr(err, "Uncaught") && !strstr(err, "CONSOLE"), "console: %s", err);
    snprintf(cmd, sizeof cmd, "test -s %s/shot.png", dir);
    cr_assert_eq(system(cmd), 0, "no screenshot");
    free(dom);
    free(err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
