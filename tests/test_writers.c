/* tests/test_writers.c - the text rules every writer shares: JSON string
 * escaping, CSV quoting (RFC 4180), TSV cleaning, null cells, and the
 * format registry.
 *
 * Expected text is written by hand from the rules in docs/output.md and
 * RFC 8259 / RFC 4180 (each test says which), not from the program.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "flowstitch/output.h"
#include "flowstitch/reader.h"

/* ---- helpers ------------------------------------------------------------ */

static FILE *mem_open(char **buf, size_t *len)
{
    FILE *f = open_memstream(buf, len);
    cr_assert_not_null(f);
    return f;
}

/* fst_json_write_string(s) as a string (caller frees). */
static char *json_of(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = mem_open(&buf, &len);
    cr_assert_eq(fst_json_write_string(f, s), 0);
    fclose(f);
    return buf;
}

/* A session with only the fields the tests look at. */
static fst_session session_with_enis(const char *const *enis, uint32_t n)
{
    fst_session s;
    memset(&s, 0, sizeof s);
    s.id = 7;
    s.proto = 17;
    s.tcp_flags_c2s = s.tcp_flags_s2c = -1;
    s.basis = FST_BASIS_PORT;
    s.enis = enis;
    s.n_enis = n;
    s.records = 1;
    return s;
}

/* Text of one session written in fmt (caller frees). */
static char *session_text(fst_out_format fmt, const fst_session *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = mem_open(&buf, &len);
    fst_writer *w = fst_session_writer_open(f, fmt);
    cr_assert_not_null(w);
    cr_assert_eq(fst_session_writer_write(w, s), 0);
    cr_assert_eq(fst_writer_close(w), 0);
    fclose(f);
    return buf;
}

/* The row after the header line. */
static const char *second_line(const char *text)
{
    const char *nl = strchr(text, '\n');
    cr_assert_not_null(nl);
    return nl + 1;
}

/* Records of a header line plus body, read from memory and written in
 * fmt (caller frees). */
static char *records_text(fst_out_format fmt, const char *log)
{
    fst_reader_config cfg;
    fst_reader_config_init(&cfg);
    fst_reader *r = fst_reader_new(&cfg);
    cr_assert_not_null(r);
    cr_assert_eq(fst_reader_add_mem(r, "mem", log, strlen(log)), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = mem_open(&buf, &len);
    fst_writer *w = fst_record_writer_open(f, fmt);
    cr_assert_not_null(w);
    const fst_record *rec;
    int n = 0;
    while (fst_reader_next(r, &rec) == 1) {
        cr_assert_eq(fst_record_writer_write(w, rec), 0);
        n++;
    }
    cr_assert_gt(n, 0, "no record read");
    cr_assert_eq(fst_writer_close(w), 0);
    fclose(f);
    fst_reader_free(r);
    return buf;
}

/* ---- JSON escaping (RFC 8259 §7; docs/output.md "Numbers, addresses,
 * strings") ---------------------------------------------------------------- */

Test(writers, json_quotes_and_backslashes_get_a_backslash)
{
    /* a"b\c -> "a\"b\\c" */
    char *got = json_of("a\"b\\c");
    cr_expect_str_eq(got, "\"a\\\"b\\\\c\"");
    free(got);
}

Test(writers, json_control_bytes_are_u00xx_lower_hex)
{
    /* 0x01 -> \u0001, tab 0x09 -> \u0009, LF 0x0a -> \u000a, 0x1f -> \u001f;
     * DEL 0x7f is not a control byte for JSON and passes */
    char *got = json_of("\x01\t\n\x1f\x7f");
    cr_expect_str_eq(got, "\"\\u0001\\u0009\\u000a\\u001f\x7f\"");
    free(got);
}

Test(writers, json_non_ascii_passes_unchanged)
{
    /* UTF-8 for "é" (c3 a9) and "€" (e2 82 ac) is written as is */
    char *got = json_of("caf\xc3\xa9 \xe2\x82\xac");
    cr_expect_str_eq(got, "\"caf\xc3\xa9 \xe2\x82\xac\"");
    free(got);
}

Test(writers, json_empty_and_null)
{
    char *got = json_of("");
    cr_expect_str_eq(got, "\"\"");
    free(got);
    got = json_of(NULL);
    cr_expect_str_eq(got, "null");
    free(got);
}

Test(writers, json_long_string_is_escaped_whole)
{
    /* 1000 quotes: longer than any internal piece; 2 bytes each + 2 */
    char in[1001];
    memset(in, '"', 1000);
    in[1000] = '\0';
    char *got = json_of(in);
    cr_assert_eq(strlen(got), 2002);
    cr_expect_eq(got[0], '"');
    cr_expect_eq(got[2001], '"');
    for (int i = 1; i < 2001; i += 2)
        cr_assert(got[i] == '\\' && got[i + 1] == '"', "byte %d", i);
    free(got);
}

Test(writers, json_session_text_is_escaped_the_same_way)
{
    /* the same escaper behind the session writer: an ENI name with a quote,
     * a backslash and a tab */
    static const char *const enis[] = {"e\"1\\\t"};
    const fst_session s = session_with_enis(enis, 1);
    char *got = session_text(FST_OUT_JSONL, &s);
    cr_expect_not_null(strstr(got, ",\"enis\":[\"e\\\"1\\\\\\u0009\"],"), "%s", got);
    free(got);
}

/* ---- CSV (RFC 4180 §2: a field with a comma, a quote or a line break is
 * enclosed in quotes, and a quote inside is doubled) ------------------------ */

Test(writers, csv_quotes_comma_quote_and_newline)
{
    /* ENIs joined with ';' are one field: a,b;say "hi";two\nlines ->
     * "a,b;say ""hi"";two\nlines" */
    static const char *const enis[] = {"a,b", "say \"hi\"", "two\nlines"};
    const fst_session s = session_with_enis(enis, 3);
    char *got = session_text(FST_OUT_CSV, &s);
    cr_expect_not_null(strstr(second_line(got), ",\"a,b;say \"\"hi\"\";two\nlines\",1,"), "%s",
                       got);
    free(got);
}

Test(writers, csv_plain_field_is_not_quoted)
{
    static const char *const enis[] = {"eni-1", "eni-2"};
    const fst_session s = session_with_enis(enis, 2);
    char *got = session_text(FST_OUT_CSV, &s);
    cr_expect_not_null(strstr(second_line(got), ",port,eni-1;eni-2,1,"), "%s", got);
    free(got);
}

Test(writers, csv_carriage_return_alone_quotes)
{
    static const char *const enis[] = {"x\ry"};
    const fst_session s = session_with_enis(enis, 1);
    char *got = session_text(FST_OUT_CSV, &s);
    cr_expect_not_null(strstr(second_line(got), ",\"x\ry\","), "%s", got);
    free(got);
}

Test(writers, csv_record_text_column_is_quoted)
{
    /* sublocation-id is kept as raw text: a token with a comma and quotes
     * (tokens are split on spaces, so no blank inside) */
    const char *log = "version srcaddr sublocation-id log-status\n"
                      "5 10.0.0.1 a,\"b\" OK\n";
    char *got = records_text(FST_OUT_CSV, log);
    cr_expect_str_eq(got, "version,srcaddr,sublocation_id,log_status\n"
                          "5,10.0.0.1,\"a,\"\"b\"\"\",OK\n");
    free(got);
}

/* ---- TSV: never quoted; tab, CR and LF inside a field become spaces ------- */

Test(writers, tsv_cleans_tabs_and_line_ends)
{
    static const char *const enis[] = {"a\tb", "c\r\nd", "e,\"f\""};
    const fst_session s = session_with_enis(enis, 3);
    char *got = session_text(FST_OUT_TSV, &s);
    cr_expect_not_null(strstr(second_line(got), "\tport\ta b;c  d;e,\"f\"\t1\t"), "%s", got);
    free(got);
}

/* ---- null cells: JSON null, CSV/TSV the empty field (docs/output.md "Null
 * rules") ------------------------------------------------------------------ */

Test(writers, session_nulls_in_each_format)
{
    /* no addresses (family 0), flags unknown, no action, no community id,
     * not a NAT leg; a NULL and an empty ENI item */
    static const char *const enis[] = {NULL, ""};
    const fst_session s = session_with_enis(enis, 2);
    char *got = session_text(FST_OUT_JSONL, &s);
    cr_expect_str_eq(got,
                     "{\"session_id\":7,\"proto\":17,\"client_addr\":null,\"client_port\":0,"
                     "\"server_addr\":null,\"server_port\":0,\"first_seen\":0,\"last_seen\":0,"
                     "\"c2s_packets\":0,\"c2s_bytes\":0,\"s2c_packets\":0,\"s2c_bytes\":0,"
                     "\"tcp_flags_c2s\":null,\"tcp_flags_s2c\":null,"
                     "\"direction_basis\":\"port\",\"enis\":[null,null],\"records\":1,"
                     "\"action\":null,\"community_id\":null,\"incomplete\":false,"
                     /* a zeroed context: every key null, the class unknown */
                     "\"nat_leg_of\":null,\"client_account\":null,\"client_vpc\":null,"
                     "\"client_subnet\":null,\"client_az\":null,\"client_eni\":null,"
                     "\"server_account\":null,\"server_vpc\":null,\"server_subnet\":null,"
                     "\"server_az\":null,\"server_eni\":null,\"region\":null,"
                     "\"traffic_class\":\"unknown\",\"traffic_path\":null,\"aws_service\":null,\"split_basis\":\"none\",\"open_at_start\":false,\"open_at_end\":false,\"key_absent\":null}\n");
    free(got);
    got = session_text(FST_OUT_CSV, &s);
    /* 38 columns; the ENI field is the two empty items joined: ";"; then
     * 11 empty context fields, the class, empty path and service */
    cr_expect_str_eq(second_line(got),
                     "7,17,,0,,0,0,0,0,0,0,0,,,port,;,1,,,false,,,,,,,,,,,,,unknown,,,none,false,false,\n");
    free(got);
    got = session_text(FST_OUT_TSV, &s);
    cr_expect_str_eq(second_line(got),
                     "7\t17\t\t0\t\t0\t0\t0\t0\t0\t0\t0\t\t\tport\t;\t1\t\t\tfalse\t"
                     "\t\t\t\t\t\t\t\t\t\t\t\tunknown\t\t\tnone\tfalse\tfalse\t\n");
    free(got);
}

Test(writers, bad_basis_is_null)
{
    /* a basis value past the list: the name table says "?", written null */
    fst_session s = session_with_enis(NULL, 0);
    s.basis = FST_BASIS_COUNT;
    char *got = session_text(FST_OUT_JSONL, &s);
    cr_expect_not_null(strstr(got, ",\"direction_basis\":null,\"enis\":[],"), "%s", got);
    free(got);
}

Test(writers, record_dash_is_null)
{
    /* a NODATA record: '-' fields are null in JSON, empty in CSV */
    const char *log = "version interface-id srcaddr packets start action log-status\n"
                      "2 eni-1 - - 1000 - NODATA\n";
    char *got = records_text(FST_OUT_JSONL, log);
    cr_expect_str_eq(got, "{\"version\":2,\"interface_id\":\"eni-1\",\"srcaddr\":null,"
                          "\"packets\":null,\"start\":1000,\"action\":null,"
                          "\"log_status\":\"NODATA\"}\n");
    free(got);
    got = records_text(FST_OUT_TSV, log);
    cr_expect_str_eq(got, "version\tinterface_id\tsrcaddr\tpackets\tstart\taction\tlog_status\n"
                          "2\teni-1\t\t\t1000\t\tNODATA\n");
    free(got);
}

/* ---- the registry --------------------------------------------------------- */

Test(writers, format_names_round_trip)
{
    cr_expect_eq(fst_out_format_parse("jsonl"), FST_OUT_JSONL);
    cr_expect_eq(fst_out_format_parse("json"), FST_OUT_JSONL);
    cr_expect_eq(fst_out_format_parse("ndjson"), FST_OUT_JSONL);
    cr_expect_eq(fst_out_format_parse("csv"), FST_OUT_CSV);
    cr_expect_eq(fst_out_format_parse("tsv"), FST_OUT_TSV);
    cr_expect_eq(fst_out_format_parse("xml"), FST_EINVAL);
    cr_expect_eq(fst_out_format_parse(NULL), FST_EINVAL);
    cr_expect_str_eq(fst_out_format_name(FST_OUT_JSONL), "jsonl");
    cr_expect_str_eq(fst_out_format_name(FST_OUT_CSV), "csv");
    cr_expect_str_eq(fst_out_format_name(FST_OUT_TSV), "tsv");
    cr_expect_null(fst_out_format_name(0));
    /* every listed name parses back to its number */
    int n = 0;
    for (int i = 1; fst_out_format_name(i); i++, n++)
        cr_expect_eq(fst_out_format_parse(fst_out_format_name(i)), i);
    cr_expect_geq(n, 3);
}

Test(writers, kinds_do_not_mix)
{
    /* a record writer refuses sessions and the other way round */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = mem_open(&buf, &len);
    fst_writer *w = fst_record_writer_open(f, FST_OUT_JSONL);
    cr_assert_not_null(w);
    const fst_session s = session_with_enis(NULL, 0);
    cr_expect_eq(fst_session_writer_write(w, &s), FST_EINVAL);
    cr_expect_eq(fst_writer_close(w), 0);
    fclose(f);
    cr_expect_eq(len, 0);
    free(buf);
}

Test(writers, many_null_enis_fit_the_row)
{
    /* 2000 absent ENI names: "[null,null,...]" is 2000 * 4 + 1999 commas + 2
     * brackets; the row must hold all of it (ASan watches the buffer) */
    enum { N = 2000 };
    const char **enis = calloc(N, sizeof *enis);
    cr_assert_not_null(enis);
    const fst_session s = session_with_enis(enis, N);
    char *got = session_text(FST_OUT_JSONL, &s);
    const char *open = strstr(got, "\"enis\":[");
    cr_assert_not_null(open);
    const char *list = open + strlen("\"enis\":");
    const char *close = strchr(list, ']');
    cr_assert_not_null(close);
    cr_expect_eq((size_t)(close + 1 - list), (size_t)N * 4 + (N - 1) + 2);
    cr_expect_str_eq(close, "],\"records\":1,\"action\":null,\"community_id\":null,"
                            "\"incomplete\":false,\"nat_leg_of\":null,\"client_account\":null,"
                            "\"client_vpc\":null,\"client_subnet\":null,\"client_az\":null,"
                            "\"client_eni\":null,\"server_account\":null,\"server_vpc\":null,"
                            "\"server_subnet\":null,\"server_az\":null,\"server_eni\":null,"
                            "\"region\":null,\"traffic_class\":\"unknown\","
                            "\"traffic_path\":null,\"aws_service\":null,\"split_basis\":\"none\",\"open_at_start\":false,\"open_at_end\":false,\"key_absent\":null}\n");
    free(got);
    free(enis);
}
