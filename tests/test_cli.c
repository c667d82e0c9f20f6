/* tests/test_cli.c - the command line end to end, on shipped fixtures.
 *
 * Expected values come from fixtures/demo/README.md, where they were derived
 * by hand from the records, never from the program's output. */
#include <criterion/criterion.h>
#include <jansson.h>

#include "cli_helper.h"

#define DEMO FST_SOURCE_DIR "/fixtures/demo"

Test(cli, help_lists_commands)
{
    cli_run r = run_cli("--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "sessions") && strstr(r.out, "records"));
    cli_run_free(&r);
    r = run_cli("records --help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "--fields") && strstr(r.out, "--format"));
    cli_run_free(&r);
}

Test(cli, unknown_command_is_usage_error)
{
    cli_run r = run_cli("frobnicate x");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "frobnicate"));
    cli_run_free(&r);
}

Test(cli, missing_input_is_usage_error)
{
    cli_run r = run_cli("records /nonexistent/flowstitch/path");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "/nonexistent/flowstitch/path"));
    cli_run_free(&r);
}

/* The demo holds 20 records and 2 header lines in two gzip files. */
/* Options may follow the INPUTs (GNU style); after "--" everything is an
 * INPUT.  fixtures/demo holds 20 records in 5 sessions (fixtures/demo/README.md). */
Test(cli, options_after_inputs)
{
    char out[] = "/tmp/fst-cli-o-XXXXXX";
    const int fd = mkstemp(out);
    cr_assert_geq(fd, 0);
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "records " FST_SOURCE_DIR "/fixtures/demo -o %s -q", out);
    cli_run r = run_cli(cmd);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), 0, "records went to -o, not stdout");
    char *text = slurp_file(out);
    cr_assert_eq(count_lines(text), 20);
    free(text);
    unlink(out);
    cli_run_free(&r);
    r = run_cli("sessions " FST_SOURCE_DIR "/fixtures/demo --format csv -q");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), 1 + 5); /* header + 5 sessions */
    cr_assert(!strncmp(r.out, "session_id,proto,", 17));
    cli_run_free(&r);
    r = run_cli("sessions -q -- --format");
    cr_assert_eq(r.status, 2); /* "--format" after "--" is a path, and there is none */
    cr_assert(strstr(r.err, "--format"), "%s", r.err);
    cli_run_free(&r);
}

Test(cli, records_demo_counts_every_line)
{
    cli_run r = run_cli("records --stats /tmp/fst-cli-stats.json " DEMO);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 20);
    json_error_t e;
    json_t *st = json_load_file("/tmp/fst-cli-stats.json", 0, &e);
    cr_assert_not_null(st, "stats: %s", e.text);
    json_t *t = json_object_get(json_object_get(st, "inputs"), "total");
    cr_assert_eq(json_integer_value(json_object_get(t, "lines")), 22);
    cr_assert_eq(json_integer_value(json_object_get(t, "records")), 20);
    cr_assert_eq(json_integer_value(json_object_get(t, "headers")), 2);
    cr_assert_eq(json_integer_value(json_object_get(t, "skipped")), 0);
    cr_assert_eq(json_integer_value(json_object_get(t, "files")), 2);
    cr_assert_eq(json_integer_value(json_object_get(t, "files_not_flowlog")), 1);
    /* the skipped README is listed too, so the JSON names every file met */
    cr_assert_eq(json_array_size(json_object_get(json_object_get(st, "inputs"), "files")), 3);
    json_decref(st);
    unlink("/tmp/fst-cli-stats.json");
    cli_run_free(&r);
}

/* The rejected SSH probe in the demo, as the records command prints it. */
Test(cli, records_demo_values)
{
    cli_run r = run_cli("records " DEMO " | grep '\"dstport\":22,'");
    cr_assert_eq(r.status, 0);
    json_error_t e;
    json_t *o = json_loads(r.out, JSON_DISABLE_EOF_CHECK, &e);
    cr_assert_not_null(o, "%s: %s", e.text, r.out);
    cr_assert_str_eq(json_string_value(json_object_get(o, "interface_id")), "eni-0f9e8d7c6b5a40312");
    cr_assert_str_eq(json_string_value(json_object_get(o, "srcaddr")), "198.51.100.7");
    cr_assert_eq(json_integer_value(json_object_get(o, "srcport")), 51000);
    cr_assert_eq(json_integer_value(json_object_get(o, "protocol")), 6);
    cr_assert_eq(json_integer_value(json_object_get(o, "bytes")), 44);
    cr_assert_eq(json_integer_value(json_object_get(o, "tcp_flags")), 2);
    cr_assert_str_eq(json_string_value(json_object_get(o, "action")), "REJECT");
    cr_assert_str_eq(json_string_value(json_object_get(o, "flow_direction")), "ingress");
    cr_assert(json_is_null(json_object_get(o, "traffic_path")));
    cr_assert_str_eq(json_string_value(json_object_get(o, "az_id")), "use1-az2");
    json_decref(o);
    cli_run_free(&r);
}

Test(cli, records_csv_header_then_rows)
{
    cli_run r = run_cli("records --format csv " DEMO);
    cr_assert_eq(r.status, 0);
    const char *head = "version,account_id,interface_id,srcaddr,dstaddr,";
    cr_assert(!strncmp(r.out, head, strlen(head)), "%.80s", r.out);
    /* one header (both files have the same layout) + 20 rows */
    cr_assert_eq(count_lines(r.out), 21);
    cli_run_free(&r);
}

/* Bad lines: reported as file:line: reason, counted, exit 1; --strict stops. */
Test(cli, bad_lines_reported_and_counted)
{
    const char *path = "/tmp/fst-cli-bad.log";
    FILE *f = fopen(path, "w");
    fputs("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 ACCEPT OK\n"
          "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 ACCEPT\n"
          "2 123456789010 eni-1 10.0.0.999 10.0.0.2 1 2 6 1 40 100 160 ACCEPT OK\n"
          "2 123456789010 eni-1 10.0.0.1 10.0.0.2 70000 2 6 1 40 100 160 ACCEPT OK\n"
          "\n"
          "2 123456789010 eni-1 10.0.0.2 10.0.0.1 2 1 6 1 40 100 160 ACCEPT OK\n",
          f);
    fclose(f);
    cli_run r = run_cli("records /tmp/fst-cli-bad.log");
    cr_assert_eq(r.status, 1);
    cr_assert_eq(count_lines(r.out), 2);
    cr_assert(strstr(r.err, "/tmp/fst-cli-bad.log:2:"), "%s", r.err);
    cr_assert(strstr(r.err, "/tmp/fst-cli-bad.log:3:"), "%s", r.err);
    cr_assert(strstr(r.err, "/tmp/fst-cli-bad.log:4:"), "%s", r.err);
    cr_assert(strstr(r.err, "6 lines = 2 records + 0 NODATA + 0 SKIPDATA + 0 headers + 1 ignored + 3 skipped"),
              "%s", r.err);
    cli_run_free(&r);
    r = run_cli("records --strict /tmp/fst-cli-bad.log");
    cr_assert_eq(r.status, 4);
    cr_assert_eq(count_lines(r.out), 1);
    cli_run_free(&r);
    unlink(path);
}

/* --fields for header-less custom formats (CloudWatch streams). */
Test(cli, fields_option_maps_columns)
{
    FILE *f = fopen("/tmp/fst-cli-fields.log", "w");
    fputs("eni-9 10.1.1.1 2001:DB8:0:0:0:0:0:1 4294967296000\n", f);
    fclose(f);
    cli_run r = run_cli("records --fields '${interface-id} ${dstaddr} ${srcaddr} ${bytes}' - "
                        "< /tmp/fst-cli-fields.log");
    unlink("/tmp/fst-cli-fields.log");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_str_eq(r.out, "{\"interface_id\":\"eni-9\",\"dstaddr\":\"10.1.1.1\","
                            "\"srcaddr\":\"2001:db8::1\",\"bytes\":4294967296000}\n");
    cli_run_free(&r);
}

/* Line i (0-based) of a JSON Lines text, parsed. */
static json_t *jsonl_line(const char *text, int i)
{
    const char *p = text;
    for (int k = 0; k < i && p; k++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    cr_assert(p && *p, "no line %d", i);
    json_error_t e;
    json_t *o = json_loads(p, JSON_DISABLE_EOF_CHECK, &e);
    cr_assert_not_null(o, "line %d: %s", i, e.text);
    return o;
}

static long long jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    cr_assert(json_is_integer(v), "key %s is not an integer", k);
    return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    cr_assert(json_is_string(v), "key %s is not a string", k);
    return json_string_value(v);
}

static void expect_session(json_t *s, long long id, const char *caddr, long long cport,
                           const char *saddr, long long sport, long long first, long long last)
{
    cr_expect_eq(jint(s, "session_id"), id);
    cr_expect_eq(jint(s, "proto"), 6);
    cr_expect_str_eq(jstr(s, "client_addr"), caddr);
    cr_expect_eq(jint(s, "client_port"), cport);
    cr_expect_str_eq(jstr(s, "server_addr"), saddr);
    cr_expect_eq(jint(s, "server_port"), sport);
    cr_expect_eq(jint(s, "first_seen"), first);
    cr_expect_eq(jint(s, "last_seen"), last);
}

static void expect_counts(json_t *s, long long cp, long long cb, long long sp, long long sb,
                          long long records, size_t n_enis)
{
    cr_expect_eq(jint(s, "c2s_packets"), cp);
    cr_expect_eq(jint(s, "c2s_bytes"), cb);
    cr_expect_eq(jint(s, "s2c_packets"), sp);
    cr_expect_eq(jint(s, "s2c_bytes"), sb);
    cr_expect_eq(jint(s, "records"), records);
    cr_expect_eq(json_array_size(json_object_get(s, "enis")), n_enis);
}

/* The five connections of fixtures/demo (table in its README). */
Test(cli, sessions_demo_five_connections_counted_once)
{
    cli_run r = run_cli("sessions --stats /tmp/fst-cli-sess.json " DEMO);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 5, "%s", r.out);
    json_t *s = jsonl_line(r.out, 0);
    expect_session(s, 1, "10.0.1.10", 41234, "10.0.87.192", 10000, 1764237601, 1764237628);
    expect_counts(s, 5, 336, 4, 216, 4, 2);
    cr_expect_eq(jint(s, "tcp_flags_c2s"), 3);
    cr_expect_eq(jint(s, "tcp_flags_s2c"), 19);
    cr_expect_str_eq(jstr(s, "direction_basis"), "tcp-flags");
    cr_expect_str_eq(jstr(s, "action"), "ACCEPT");
    /* Community ID v1 computed independently (python hashlib, spec algorithm). */
    cr_expect_str_eq(jstr(s, "community_id"), "1:mPFnJ63/bcpNueylBqJamSGH4Yk=");
    json_decref(s);
    s = jsonl_line(r.out, 1);
    expect_session(s, 2, "10.0.1.10", 50522, "93.184.215.14", 443, 1764237610, 1764237661);
    expect_counts(s, 16, 2314, 21, 24494, 4, 1);
    cr_expect_eq(jint(s, "tcp_flags_c2s"), 3);
    cr_expect_eq(jint(s, "tcp_flags_s2c"), 19);
    json_decref(s);
    s = jsonl_line(r.out, 2);
    /* iperf3 to B's secondary address: pkt-dstaddr, not B's primary IP. */
    expect_session(s, 3, "10.0.1.10", 42790, "10.0.87.200", 5201, 1764237630, 1764237737);
    expect_counts(s, 186000, 268000000, 93000, 4836000, 10, 2);
    cr_expect_str_eq(jstr(s, "direction_basis"), "tcp-flags");
    json_decref(s);
    s = jsonl_line(r.out, 3);
    expect_session(s, 4, "198.51.100.7", 51000, "10.0.87.192", 22, 1764237640, 1764237640);
    expect_counts(s, 1, 44, 0, 0, 1, 1);
    cr_expect_str_eq(jstr(s, "action"), "REJECT");
    json_decref(s);
    s = jsonl_line(r.out, 4);
    expect_session(s, 5, "198.51.100.7", 51000, "10.0.87.192", 3389, 1764237641, 1764237641);
    cr_expect_str_eq(jstr(s, "action"), "REJECT");
    json_decref(s);
    char *stats = slurp_file("/tmp/fst-cli-sess.json");
    cr_expect(strstr(stats, "545700000"), "naive bytes missing: %s", stats);
    cr_expect(strstr(stats, "272863448"), "counted bytes missing: %s", stats);
    free(stats);
    unlink("/tmp/fst-cli-sess.json");
    cli_run_free(&r);
}

/* The CloudWatch Logs export layout (fixtures/layouts/cwl-export, see
 * fixtures/README.md): every line prefixed by its ISO-8601 timestamp, lines
 * not time-sorted, a write-test object beside them.  Four connections at
 * one ENI, default format (no flags): expected sessions by hand. */
Test(cli, sessions_cloudwatch_export_layout)
{
    cli_run r = run_cli("sessions " FST_SOURCE_DIR "/fixtures/layouts/cwl-export");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 4, "%s", r.out);
    json_t *s = jsonl_line(r.out, 0);
    expect_session(s, 1, "10.0.1.25", 49152, "10.0.2.40", 443, 1795773904, 1795773960);
    expect_counts(s, 10, 1820, 8, 5120, 2, 1);
    cr_expect_str_eq(jstr(s, "direction_basis"), "port");
    cr_expect(json_is_null(json_object_get(s, "tcp_flags_c2s")));
    json_decref(s);
    s = jsonl_line(r.out, 1);
    cr_expect_eq(jint(s, "proto"), 1);
    cr_expect_str_eq(jstr(s, "client_addr"), "203.0.113.12");
    cr_expect_str_eq(jstr(s, "server_addr"), "10.0.1.25");
    cr_expect_eq(jint(s, "c2s_bytes"), 336);
    cr_expect_eq(jint(s, "s2c_bytes"), 0);
    cr_expect_str_eq(jstr(s, "direction_basis"), "one-way");
    json_decref(s);
    s = jsonl_line(r.out, 2);
    cr_expect_eq(jint(s, "proto"), 17);
    cr_expect_eq(jint(s, "client_port"), 40001);
    cr_expect_eq(jint(s, "server_port"), 53);
    cr_expect_eq(jint(s, "c2s_bytes"), 72);
    cr_expect_eq(jint(s, "first_seen"), 1795774201);
    json_decref(s);
    s = jsonl_line(r.out, 3);
    cr_expect_eq(jint(s, "client_port"), 40002);
    cr_expect_eq(jint(s, "c2s_bytes"), 68);
    cr_expect_eq(jint(s, "s2c_bytes"), 132);
    cr_expect_str_eq(jstr(s, "direction_basis"), "port");
    json_decref(s);
    cr_expect(strstr(r.err, "aws-logs-write-test"), "the write test is noted: %s", r.err);
    cli_run_free(&r);
}

/* ---- getopt_long: the option syntaxes ---------------------------------- */

/* --opt=value is --opt value: the CSV header comes first either way. */
Test(cli, long_option_with_equals)
{
    cli_run r = run_cli("records --format=csv -q " DEMO);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(!strncmp(r.out, "version,account_id,", 19), "%.80s", r.out);
    cr_assert_eq(count_lines(r.out), 1 + 20, "%s", r.out); /* one header (both files share
                                                           * a layout), 20 records */
    cli_run_free(&r);
}

/* -qo FILE: -q and -o bundled, FILE the value of -o; nothing on stdout,
 * no summary on stderr, the 20 demo records in FILE. */
Test(cli, bundled_short_options)
{
    char out[] = "/tmp/fst-cli-qo-XXXXXX";
    const int fd = mkstemp(out);
    cr_assert_geq(fd, 0);
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "records -qo %s " DEMO, out);
    cli_run r = run_cli(cmd);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(r.out[0], '\0', "%s", r.out);
    cr_assert(!strstr(r.err, "lines ="), "quiet, yet: %s", r.err);
    char *text = slurp_file(out);
    cr_assert_eq(count_lines(text), 20);
    free(text);
    unlink(out);
    cli_run_free(&r);
}

/* After "--" a file named like an option is an INPUT: a one-record file
 * called "--stats" gives one record (without "--" it would be --stats). */
Test(cli, double_dash_then_input_named_like_an_option)
{
    char dir[] = "/tmp/fst-cli-dash-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cwd[4096], path[256];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/--stats", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 100 160 ACCEPT OK\n", f);
    fclose(f);
    cr_assert_eq(chdir(dir), 0);
    cli_run r = run_cli("records -q -- --stats");
    cr_assert_eq(chdir(cwd), 0);
    unlink(path);
    rmdir(dir);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), 1, "%s", r.out);
    cli_run_free(&r);
}

/* Unknown options, long or bundled short, and a missing value: exit 2 and
 * a message naming the option. */
Test(cli, unknown_option_is_usage_error)
{
    cli_run r = run_cli("records --frobnicate " DEMO);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "unknown option '--frobnicate'"), "%s", r.err);
    cr_assert_eq(r.out[0], '\0');
    cli_run_free(&r);
    r = run_cli("sessions -qz " DEMO);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "unknown option '-z'"), "%s", r.err);
    cli_run_free(&r);
    r = run_cli("sessions " DEMO " --idle-tcp");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--idle-tcp needs a value"), "%s", r.err);
    cli_run_free(&r);
    r = run_cli("records --time-format local " DEMO);
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.err, "--time-format"), "%s", r.err);
    cli_run_free(&r);
}

/* ---- --time-format ------------------------------------------------------ */

/* One TCP record from 1717984800 to 1717984860.  By hand: 1970..2023 is
 * 54 years with 13 leap days = 19723 days; 2024 (leap) Jan-May is
 * 31+29+31+30+31 = 152 days, plus 9 to June 10: 19884 days = 1717977600 s,
 * +2 h = 1717984800 = 2024-06-10T02:00:00Z; the end is one minute later. */
#define ISO_LOG "/tmp/fst-cli-iso.log"
static void write_iso_log(void)
{
    FILE *f = fopen(ISO_LOG, "w");
    cr_assert_not_null(f);
    fputs("2 123456789010 eni-1 10.0.0.1 10.0.0.2 40000 80 6 3 180 1717984800 1717984860 "
          "ACCEPT OK\n", f);
    fclose(f);
}

Test(cli, time_format_iso_records_and_sessions)
{
    write_iso_log();
    cli_run r = run_cli("records --time-format iso -q " ISO_LOG);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"start\":\"2024-06-10T02:00:00Z\",\"end\":\"2024-06-10T02:01:00Z\""),
              "%s", r.out);
    cli_run_free(&r);
    r = run_cli("records -q " ISO_LOG); /* epoch stays the default: numbers */
    cr_assert(strstr(r.out, "\"start\":1717984800,\"end\":1717984860"), "%s", r.out);
    cli_run_free(&r);
    r = run_cli("sessions --time-format=iso -q " ISO_LOG);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "\"first_seen\":\"2024-06-10T02:00:00Z\","
                            "\"last_seen\":\"2024-06-10T02:01:00Z\""), "%s", r.out);
    cli_run_free(&r);
    /* CSV: same header, the times as text in their columns (7th and 8th) */
    r = run_cli("sessions --format csv --time-format iso -q " ISO_LOG);
    cr_assert(!strncmp(r.out, "session_id,proto,client_addr,client_port,server_addr,server_port,"
                              "first_seen,last_seen,", 80), "%s", r.out);
    cr_assert(strstr(r.out, ",80,2024-06-10T02:00:00Z,2024-06-10T02:01:00Z,"), "%s", r.out);
    cli_run_free(&r);
    unlink(ISO_LOG);
}

/* --version names the inflaters and libraries built in. */
Test(cli, version_says_what_is_built_in)
{
    cli_run r = run_cli("--version");
    cr_assert_eq(r.status, 0);
    cr_assert(!strncmp(r.out, "flowstitch ", 11), "%s", r.out);
    cr_assert(strstr(r.out, "(inflate: ") && strstr(r.out, "zlib ") && strstr(r.out, "jansson "),
              "%s", r.out);
    cli_run_free(&r);
}

/* ---- --memcap ------------------------------------------------------------ */

/* A scan of SCAN_N probes (10.1.x.y:40000 -> 10.9.0.1:22, one record each,
 * 10 per second): SCAN_N distinct 5-tuples, SCAN_N sessions.  Each key holds
 * at least 44 + 24 + FST_MEMCAP_RUN_BYTES (112) bytes: 20000 keys are
 * 3.6 MB, past 3/4 of a 1 MiB cap, so evictions must happen, and every
 * session must still be written once. */
#define SCAN_LOG "/tmp/fst-cli-scan.log"
#define SCAN_N 20000
static void write_scan_log(void)
{
    FILE *f = fopen(SCAN_LOG, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < SCAN_N; i++)
        fprintf(f, "2 123456789010 eni-1 10.1.%d.%d 10.9.0.1 40000 22 6 1 44 %d %d REJECT OK\n",
                i / 200, i % 200, 1700000000 + i / 10, 1700000001 + i / 10);
    fclose(f);
}

Test(cli, memcap_evicts_and_writes_every_session)
{
    write_scan_log();
    cli_run r = run_cli("sessions --memcap 1M --stats /tmp/fst-cli-scan.json " SCAN_LOG);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), SCAN_N);
    cr_assert(strstr(r.err, "memory cap 1 MiB reached"), "%s", r.err);
    cr_assert(strstr(r.err, "sessions evicted"), "%s", r.err);
    cli_run_free(&r);
    json_error_t e;
    json_t *j = json_load_file("/tmp/fst-cli-scan.json", 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    json_t *s = json_object_get(j, "sessions");
    cr_assert_gt(json_integer_value(json_object_get(s, "evictions")), 0);
    cr_assert_gt(json_integer_value(json_object_get(s, "sessions_evicted")), 0);
    cr_assert_eq(json_integer_value(json_object_get(s, "sessions")), SCAN_N);
    cr_assert_eq(json_integer_value(json_object_get(s, "memcap")), 1 << 20);
    cr_assert_leq(json_integer_value(json_object_get(s, "held_bytes_peak")), 1 << 20);
    json_decref(j);
    /* the same with --stream */
    r = run_cli("sessions -q --stream --memcap 1M " SCAN_LOG);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), SCAN_N);
    cr_assert(strstr(r.err, "sessions evicted"), "-q still reports evictions: %s", r.err);
    cli_run_free(&r);
    remove(SCAN_LOG);
    remove("/tmp/fst-cli-scan.json");
}

/* The demo fits any cap of 1M or more: the same five sessions, no line
 * about the cap.  A size below 1M, or not a size, is a usage error. */
Test(cli, memcap_sizes)
{
    cli_run r = run_cli("sessions -q --memcap 1M " DEMO);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert_eq(count_lines(r.out), 5);
    cr_assert_null(strstr(r.err, "memory cap"), "%s", r.err);
    cli_run_free(&r);
    const char *bad[] = {"sessions --memcap 512K " DEMO, "sessions --memcap 12X " DEMO,
                         "sessions --memcap -1G " DEMO};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = run_cli(bad[i]);
        cr_assert_eq(r.status, 2, "%s", bad[i]);
        cr_assert(strstr(r.err, "--memcap"), "%s", r.err);
        cli_run_free(&r);
    }
}

/* Output that cannot be written (a full device, on standard output or as
 * -o) is exit 3 with a message (docs/cli.md's exit codes), for sessions and
 * records alike: the output's buffer is flushed and checked at the end. */
Test(cli, unwritable_output_is_fatal)
{
    static const char *const how[] = {"sessions -q", "records -q"};
    static const char *const where[] = {">/dev/full", "-o /dev/full"};
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 2; k++) {
            char errp[] = "/tmp/fst-cli-err-XXXXXX";
            const int fe = mkstemp(errp);
            cr_assert_geq(fe, 0);
            close(fe);
            char cmd[1024];
            snprintf(cmd, sizeof cmd, "TZ=UTC %s %s %s %s 2>%s", FST_BIN, how[i], DEMO, where[k],
                     errp);
            const int st = system(cmd);
            char *err = slurp_file(errp);
            cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "%s: status %d, %s", cmd, st, err);
            cr_assert_not_null(strstr(err, "cannot write"), "%s: %s", cmd, err);
            free(err);
            unlink(errp);
        }
    }
}

/* An output many times the writing thread's two 1 MiB slots, to standard
 * output and to -o: every record, in input order (the i-th line carries
 * the i-th record's source port), nothing lost at the close. */
#define BIG_LINES 60000

Test(cli, large_output_whole_and_in_order)
{
    char in[] = "/tmp/fst-cli-big-XXXXXX", out[] = "/tmp/fst-cli-bigo-XXXXXX";
    const int fd = mkstemp(in), fo = mkstemp(out);
    cr_assert(fd >= 0 && fo >= 0);
    close(fo);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    for (int i = 0; i < BIG_LINES; i++)
        fprintf(f, "2 123456789012 eni-%04d 10.0.%d.%d 10.9.0.1 %d 443 6 2 120 %d %d ACCEPT OK\n",
                i % 1000, i / 250 % 250, i % 250 + 1, 1024 + i % 60000, 1600000000 + i,
                1600000059 + i);
    fclose(f);
    char cmd[512];
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "records -q --format jsonl %s %s", k ? "-o" : "", k ? out : "");
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " %s", in);
        cli_run r = run_cli(cmd);
        cr_assert_eq(r.status, 0, "%s", r.err);
        char *text = k ? slurp_file(out) : strdup(r.out);
        cr_assert_eq(count_lines(text), BIG_LINES);
        cr_assert_gt(strlen(text), (size_t)4 << 20, "more than the two slots");
        const char *p = text;
        for (int i = 0; i < BIG_LINES; i++) {
            char want[32];
            snprintf(want, sizeof want, "\"srcport\":%d,", 1024 + i % 60000);
            const char *nl = strchr(p, '\n');
            cr_assert_not_null(nl);
            const char *hit = strstr(p, want);
            cr_assert(hit && hit < nl, "line %d lacks %s", i + 1, want);
            p = nl + 1;
        }
        free(text);
        cli_run_free(&r);
    }
    unlink(in);
    unlink(out);
}
