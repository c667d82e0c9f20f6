/* tests/test_format.c - layouts from format strings, header lines and the
 * default (../shared/docs/aws-flowlogs.md sections 1, 4.2, 4.6, 5).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "flowstitch/reader.h"
#include "parse/format.h"

#define S(lit) lit, (sizeof(lit) - 1)

static const int v2_default[14] = {
    FST_F_VERSION, FST_F_ACCOUNT_ID, FST_F_INTERFACE_ID, FST_F_SRCADDR, FST_F_DSTADDR,
    FST_F_SRCPORT, FST_F_DSTPORT, FST_F_PROTOCOL, FST_F_PACKETS, FST_F_BYTES,
    FST_F_START, FST_F_END, FST_F_ACTION, FST_F_LOG_STATUS};

Test(format, default_is_the_14_v2_fields)
{
    fst_format *f = fst__format_default();
    cr_assert_not_null(f);
    cr_assert_eq(f->ncols, 14);
    for (int i = 0; i < 14; i++) {
        cr_expect_eq(f->ids[i], v2_default[i], "column %d", i);
        cr_expect_eq(f->col[v2_default[i]], i);
        cr_expect(FST_FIELDSET_HAS(f->fields, v2_default[i]));
    }
    cr_expect_str_eq(f->names[0], "version");
    cr_expect_str_eq(f->names[13], "log-status");
    cr_expect_eq(f->col[FST_F_TCP_FLAGS], -1);
    cr_expect_not(FST_FIELDSET_HAS(f->fields, FST_F_VPC_ID));
    fst__format_free(f);
}

Test(format, aws_string_tcp_flags_example)
{
    /* aws-docs/tcp-flags.log format: bytes before packets. */
    const char *fmt = "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} "
                      "${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
                      "${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} "
                      "${end} ${action} ${tcp-flags} ${log-status}";
    int err = 0;
    fst_format *f = fst__format_from_string(fmt, &err, NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->ncols, 21);
    cr_expect_eq(f->col[FST_F_VPC_ID], 1);
    cr_expect_eq(f->col[FST_F_TYPE], 6);
    cr_expect_eq(f->col[FST_F_PKT_DSTADDR], 12);
    cr_expect_eq(f->col[FST_F_BYTES], 14);
    cr_expect_eq(f->col[FST_F_PACKETS], 15);
    cr_expect_eq(f->col[FST_F_TCP_FLAGS], 19);
    cr_expect_eq(f->col[FST_F_LOG_STATUS], 20);
    cr_expect_eq(f->col[FST_F_REGION], -1);
    fst__format_free(f);
}

Test(format, bare_names_tabs_and_underscores)
{
    int err = 0;
    fst_format *f = fst__format_from_string("version\tinterface_id  srcaddr ${pkt_dstaddr}", &err, NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->ncols, 4);
    cr_expect_eq(f->ids[1], FST_F_INTERFACE_ID);
    cr_expect_str_eq(f->names[1], "interface-id");
    cr_expect_eq(f->ids[3], FST_F_PKT_DSTADDR);
    cr_expect_str_eq(f->names[3], "pkt-dstaddr");
    fst__format_free(f);
}

Test(format, unknown_names_are_opaque_columns)
{
    int err = 0;
    fst_format *f = fst__format_from_string("${version} ${gip_port} ${future-field} ${srcaddr}", &err, NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->ncols, 4);
    cr_expect_eq(f->ids[1], FST_F_UNKNOWN);
    cr_expect_str_eq(f->names[1], "gip_port");
    cr_expect_eq(f->ids[2], FST_F_UNKNOWN);
    cr_expect_str_eq(f->names[2], "future-field");
    cr_expect_eq(f->col[FST_F_SRCADDR], 3);
    fst__format_free(f);
}

Test(format, bad_strings)
{
    int err = 0;
    const char *why = NULL;
    cr_expect_null(fst__format_from_string("", &err, &why));
    cr_expect_eq(err, FST_EFORMAT);
    cr_expect_null(fst__format_from_string("   ", &err, &why));
    cr_expect_eq(err, FST_EFORMAT);
    cr_expect_null(fst__format_from_string("${version ${srcaddr}", &err, &why));
    cr_expect_eq(err, FST_EFORMAT);
    cr_expect_null(fst__format_from_string("${version}${srcaddr}", &err, &why));
    cr_expect_eq(err, FST_EFORMAT);
    cr_expect_null(fst__format_from_string("${}", &err, &why));
    cr_expect_eq(err, FST_EFORMAT);
    cr_expect_null(fst__format_from_string("${srcaddr} ${dstaddr} ${srcaddr}", &err, &why));
    cr_expect_eq(err, FST_EFORMAT);
    cr_expect_str_eq(why, "a field appears twice");
    cr_expect_null(fst__format_from_string(NULL, &err, &why));
    cr_expect_eq(err, FST_EFORMAT);
}

Test(format, header_line_tgw_otel)
{
    /* otel-contrib valid_tgw_flow_log.log header (31 names). */
    static const char hdr[] =
        "version account-id tgw-id tgw-attachment-id tgw-src-vpc-id tgw-dst-vpc-id "
        "tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id "
        "tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol "
        "packets bytes packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded "
        "packets-lost-ttl-expired start end log-status type tcp-flags flow-direction region";
    int err = 0;
    fst_format *f = fst__format_from_header(S(hdr), &err, NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->ncols, 31);
    for (int i = 0; i < 31; i++)
        cr_expect_neq(f->ids[i], FST_F_UNKNOWN, "column %d (%s) should be known", i, f->names[i]);
    cr_expect_eq(f->col[FST_F_TGW_ATTACHMENT_ID], 3);
    cr_expect_eq(f->col[FST_F_SRCADDR], 13);
    cr_expect_eq(f->col[FST_F_PACKETS_LOST_TTL_EXPIRED], 23);
    cr_expect_eq(f->col[FST_F_REGION], 30);
    cr_expect_eq(f->col[FST_F_ACTION], -1, "TGW flow logs have no action");
    fst__format_free(f);
}

Test(format, header_line_runs_of_spaces_and_underscores)
{
    int err = 0;
    fst_format *f = fst__format_from_header(S("  version  account_id   log_status "), &err, NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->ncols, 3);
    cr_expect_eq(f->ids[0], FST_F_VERSION);
    cr_expect_eq(f->ids[1], FST_F_ACCOUNT_ID);
    cr_expect_eq(f->ids[2], FST_F_LOG_STATUS);
    fst__format_free(f);
}

Test(format, header_tab_is_not_a_separator)
{
    int err = 0;
    fst_format *f = fst__format_from_header(S("version\taccount-id srcaddr"), &err, NULL);
    cr_assert_not_null(f);
    cr_expect_eq(f->ncols, 2);
    cr_expect_eq(f->ids[0], FST_F_UNKNOWN);
    cr_expect_str_eq(f->names[0], "version\taccount-id");
    fst__format_free(f);
}

Test(format, public_parse_ids)
{
    uint8_t ids[8];
    memset(ids, 0xee, sizeof ids);
    int n = fst_format_parse_ids("${instance-id} ${interface-id} ${srcaddr} ${dstaddr} "
                                 "${pkt-srcaddr} ${pkt-dstaddr}",
                                 ids, 8);
    cr_assert_eq(n, 6);
    const uint8_t want[6] = {FST_F_INSTANCE_ID, FST_F_INTERFACE_ID, FST_F_SRCADDR,
                             FST_F_DSTADDR, FST_F_PKT_SRCADDR, FST_F_PKT_DSTADDR};
    cr_expect_arr_eq(ids, want, 6);
    cr_expect_eq(ids[6], 0xee, "nothing written past the fields");

    /* more fields than room: the count, and only max entries written */
    memset(ids, 0xee, sizeof ids);
    n = fst_format_parse_ids("${version} ${srcaddr} ${dstaddr}", ids, 2);
    cr_expect_eq(n, 3);
    cr_expect_eq(ids[0], FST_F_VERSION);
    cr_expect_eq(ids[1], FST_F_SRCADDR);
    cr_expect_eq(ids[2], 0xee);

    cr_expect_eq(fst_format_parse_ids("${nope", ids, 8), FST_EFORMAT);
    cr_expect_eq(fst_format_parse_ids("", ids, 8), FST_EFORMAT);
    n = fst_format_parse_ids("${x-unknown}", ids, 8);
    cr_expect_eq(n, 1);
    cr_expect_eq(ids[0], FST_F_UNKNOWN);
}
