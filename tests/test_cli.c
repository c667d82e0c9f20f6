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

/* The demo holds 22 records and 2 header lines in two gzip files. */
Test(cli, records_demo_counts_every_line)
{
    cli_run r = run_cli("records --stats /tmp/fst-cli-stats.json " DEMO);
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cr_assert_eq(count_lines(r.out), 22);
    json_error_t e;
    json_t *st = json_load_file("/tmp/fst-cli-stats.json", 0, &e);
    cr_assert_not_null(st, "stats: %s", e.text);
    json_t *t = json_object_get(json_object_get(st, "inputs"), "total");
    cr_assert_eq(json_integer_value(json_object_get(t, "lines")), 24);
    cr_assert_eq(json_integer_value(json_object_get(t, "records")), 22);
    cr_assert_eq(json_integer_value(json_object_get(t, "headers")), 2);
    cr_assert_eq(json_integer_value(json_object_get(t, "skipped")), 0);
    cr_assert_eq(json_integer_value(json_object_get(t, "files")), 2);
    cr_assert_eq(json_array_size(json_object_get(json_object_get(st, "inputs"), "files")), 2);
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
    cr_assert(!strncmp(r.out, "version,account_id,interface_id,srcaddr,dstaddr,", 49), "%.80s", r.out);
    /* one header (both files have the same layout) + 22 rows */
    cr_assert_eq(count_lines(r.out), 23);
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
