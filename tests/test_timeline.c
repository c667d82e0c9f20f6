/* tests/test_timeline.c - `flowstitch timeline` end to end on shipped
 * fixtures.
 *
 * fixtures/timeline/netcat.log is the seed article's first example
 * (seed-flow-logs-deep-dive.txt: `echo hello_flow_logs | nc 10.0.87.192
 * 10000`), default format, four records at two ENIs, written server first;
 * netcat-enis.json says eni-client is 10.0.87.50 and eni-server
 * 10.0.87.192.  Its timeline, by hand:
 *   order by start, then end, then ENI, then the client's side first:
 *     line 5  eni-client 10.0.87.50 -> .192   c2s  counted (the client's egress)
 *     line 4  eni-client .192 -> 10.0.87.50   s2c  not counted (client's ingress)
 *     line 2  eni-server 10.0.87.50 -> .192   c2s  not counted (server's ingress)
 *     line 3  eni-server .192 -> 10.0.87.50   s2c  counted (the server's egress)
 *   (the client's window starts at 1600000000, the server's 25 s later).
 * fixtures/demo's sessions and byte totals are derived by hand in
 * fixtures/demo/README.md.
 */
#include <criterion/criterion.h>
#include <jansson.h>

#include "cli_helper.h"

#define TL FST_SOURCE_DIR "/fixtures/timeline"
#define DEMO FST_SOURCE_DIR "/fixtures/demo"
#define NETCAT "--eni-metadata " TL "/netcat-enis.json " TL "/netcat.log"

/* The JSON objects of a JSON Lines text (at most max); their count. */
static size_t parse_lines(const char *text, json_t **v, size_t max)
{
    size_t n = 0;
    const char *p = text;
    while (*p && n < max) {
        const char *e = strchr(p, '\n');
        const size_t len = e ? (size_t)(e - p) : strlen(p);
        json_error_t err;
        v[n] = json_loadb(p, len, 0, &err);
        cr_assert_not_null(v[n], "line %zu: %s", n + 1, err.text);
        n++;
        p += len + (e ? 1 : 0);
    }
    return n;
}

static void free_lines(json_t **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        json_decref(v[i]);
}

static const char *str_of(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static json_int_t int_of(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

Test(timeline, seed_netcat_hand_timeline)
{
    cli_run r = run_cli("timeline -q --format jsonl " NETCAT);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *v[8];
    const size_t n = parse_lines(r.out, v, 8);
    cr_assert_eq(n, 5, "one session line and four records");
    cr_assert_str_eq(str_of(v[0], "type"), "session");
    cr_assert_eq(int_of(v[0], "session_id"), 1);
    cr_assert_eq(int_of(v[0], "records"), 4);
    cr_assert_str_eq(str_of(v[0], "client_addr"), "10.0.87.50");
    static const struct { int line; const char *eni, *role; int counted; } want[4] = {
        {5, "eni-client", "c2s", 1}, {4, "eni-client", "s2c", 0},
        {2, "eni-server", "c2s", 0}, {3, "eni-server", "s2c", 1}};
    for (int i = 0; i < 4; i++) {
        json_t *o = v[i + 1];
        cr_assert_str_eq(str_of(o, "type"), "record");
        cr_assert_eq(int_of(o, "session_id"), 1);
        cr_assert_eq(int_of(o, "line"), want[i].line, "row %d", i);
        cr_assert_str_eq(str_of(o, "interface_id"), want[i].eni);
        cr_assert_str_eq(str_of(o, "role"), want[i].role, "row %d", i);
        cr_assert_eq(json_is_true(json_object_get(o, "counted")), want[i].counted, "row %d", i);
        cr_assert(strstr(str_of(o, "file"), "fixtures/timeline/netcat.log"));
    }
    free_lines(v, n);
    cli_run_free(&r);
}

/* The table: two records marked '*' (the counted ones), ISO times. */
Test(timeline, seed_netcat_table_marks)
{
    cli_run r = run_cli("timeline -q " NETCAT);
    cr_assert_eq(r.status, 0, "%s", r.err);
    int marked = 0;
    for (const char *p = r.out; (p = strstr(p, "\n  *")); p++)
        marked++;
    cr_assert_eq(marked, 2);
    cr_assert(strstr(r.out, "2020-09-13T12:26:40Z"), "1600000000 as ISO 8601 UTC");
    cr_assert(strstr(r.out, "netcat.log:5"));
    cli_run_free(&r);
}

/* Same ids as `sessions`; records per session equal its `records`; the
 * counted bytes add up to the demo's hand total 272,863,448. */
Test(timeline, demo_same_ids_and_record_counts)
{
    cli_run s = run_cli("sessions -q " DEMO);
    cli_run t = run_cli("timeline -q --format jsonl " DEMO);
    cr_assert_eq(s.status, 0);
    cr_assert_eq(t.status, 0, "%s", t.err);
    json_t *sv[8], *tv[32];
    const size_t ns = parse_lines(s.out, sv, 8), nt = parse_lines(t.out, tv, 32);
    cr_assert_eq(ns, 5);
    cr_assert_eq(nt, 25, "5 session lines + 20 records");
    long long counted = 0;
    size_t k = 0;
    for (size_t i = 0; i < ns; i++) {
        cr_assert_str_eq(str_of(tv[k], "type"), "session");
        cr_assert_eq(int_of(tv[k], "session_id"), int_of(sv[i], "session_id"));
        cr_assert_str_eq(str_of(tv[k], "client_addr"), str_of(sv[i], "client_addr"));
        cr_assert_eq(int_of(tv[k], "c2s_bytes"), int_of(sv[i], "c2s_bytes"));
        const json_int_t id = int_of(tv[k], "session_id");
        json_int_t rows = 0;
        for (k++; k < nt && !strcmp(str_of(tv[k], "type"), "record"); k++) {
            cr_assert_eq(int_of(tv[k], "session_id"), id);
            if (json_is_true(json_object_get(tv[k], "counted")))
                counted += int_of(tv[k], "bytes");
            rows++;
        }
        cr_assert_eq(rows, int_of(sv[i], "records"), "session %lld", (long long)id);
    }
    cr_assert_eq(k, nt);
    cr_assert_eq(counted, 272863448LL);
    free_lines(sv, ns);
    free_lines(tv, nt);
    cli_run_free(&s);
    cli_run_free(&t);
}

/* --filter: only the HTTPS session (demo #2, 10.0.1.10:50522 -> :443),
 * keeping its id 2; its 4 records, in csv under one header. */
Test(timeline, filter_keeps_ids_csv)
{
    cli_run r = run_cli("timeline -q --format csv --filter 'server port 443' " DEMO);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(!strncmp(r.out, "session_id,interface_id,srcaddr,", 32));
    int rows = 0;
    for (const char *p = strchr(r.out, '\n') + 1; *p; p = strchr(p, '\n') + 1) {
        cr_assert(!strncmp(p, "2,", 2), "row %d belongs to session 2", rows);
        rows++;
    }
    cr_assert_eq(rows, 4);
    cr_assert_eq(count_lines(r.out), 5, "one header, four rows");
    cli_run_free(&r);
}

Test(timeline, stdin_and_stream_refused)
{
    cli_run r = run_cli("timeline - < /dev/null");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "standard input"));
    cli_run_free(&r);
    r = run_cli("timeline --stream " DEMO);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "batch only"));
    cli_run_free(&r);
    r = run_cli("timeline --format tsv " DEMO);
    cr_assert_eq(r.status, 2);
    cli_run_free(&r);
}

/* --stats: the inputs' accounting and what the timeline selected: the
 * demo's 5 sessions, the HTTPS one selected, its 4 records. */
Test(timeline, stats_json)
{
    char path[] = "/tmp/fst-tl-stats-XXXXXX";
    const int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    char args[256];
    snprintf(args, sizeof args, "timeline -q --stats %s --filter 'server port 443' %s", path,
             DEMO);
    cli_run r = run_cli(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    unlink(path);
    cr_assert_not_null(j, "%s", err.text);
    json_t *t = json_object_get(j, "timeline");
    cr_assert_eq(int_of(t, "sessions"), 5);
    cr_assert_eq(int_of(t, "sessions_selected"), 1);
    cr_assert_eq(int_of(t, "records"), 4);
    cr_assert_eq(int_of(json_object_get(json_object_get(j, "inputs"), "total"), "records"), 20);
    json_decref(j);
    cli_run_free(&r);
}

/* fixtures/portless/nat-gateway.log is AWS's NAT gateway example layout:
 * addresses only (no times, counts, action, ports or protocol).  What the
 * format did not log is null in JSON and '-' in the table, never 1970 or a
 * count of 0. */
Test(timeline, format_without_times_or_counts)
{
    cli_run r = run_cli("timeline -q --format jsonl " FST_SOURCE_DIR
                        "/fixtures/portless/nat-gateway.log");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *v[16];
    const size_t n = parse_lines(r.out, v, 16);
    size_t sessions = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(str_of(v[i], "type"), "session"))
            continue;
        sessions++;
        static const char *const nulls[] = {"first_seen", "last_seen", "c2s_packets",
                                            "c2s_bytes", "s2c_packets", "s2c_bytes",
                                            "action", "proto", "client_port"};
        for (size_t k = 0; k < sizeof nulls / sizeof *nulls; k++)
            cr_assert(json_is_null(json_object_get(v[i], nulls[k])), "%s not null", nulls[k]);
    }
    cr_assert_eq(sessions, 2, "one session per address pair");
    free_lines(v, n);
    cli_run_free(&r);

    r = run_cli("timeline -q " FST_SOURCE_DIR "/fixtures/portless/nat-gateway.log");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_null(strstr(r.out, "1970"), "no made-up time:\n%s", r.out);
    cr_assert_null(strstr(r.out, " 0 pkts"), "no made-up count:\n%s", r.out);
    cr_assert(strstr(r.out, "- .. -"), "absent times shown as '-':\n%s", r.out);
    cli_run_free(&r);
}
