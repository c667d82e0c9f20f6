/* tests/test_eni.c - ENI metadata from describe-network-interfaces JSON.
 *
 * Fixtures are in fixtures/meta/ (hand-written in the AWS CLI's output
 * shape); every expectation below was read off the fixture by hand.
 * Expected addresses are built with inet_pton, independent of the parser.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "meta/eni.h"

#define META FST_SOURCE_DIR "/fixtures/meta/"

static fst_addr addr(const char *s)
{
    fst_addr a;
    memset(&a, 0, sizeof a);
    if (strchr(s, ':')) {
        cr_assert_eq(inet_pton(AF_INET6, s, a.b), 1);
        a.family = 6;
    } else {
        a.b[10] = a.b[11] = 0xff;
        cr_assert_eq(inet_pton(AF_INET, s, a.b + 12), 1);
        a.family = 4;
    }
    return a;
}

static int addr_eq(const fst_addr *a, const char *s)
{
    const fst_addr b = addr(s);
    return a->family == b.family && memcmp(a->b, b.b, 16) == 0;
}

static fst_eni_table *load_ok(const char *name)
{
    char err[512] = "";
    fst_eni_table *t = fst_eni_table_load(name, err, sizeof err);
    cr_assert_not_null(t, "load %s failed: %s", name, err);
    return t;
}

static const fst__eni_info *get(const fst_eni_table *t, const char *id)
{
    const fst__eni_info *e = fst__eni_lookup(t, id);
    cr_assert_not_null(e, "%s not found", id);
    cr_assert_str_eq(e->eni_id, id);
    return e;
}

Test(eni, instance_with_eip)
{
    fst_eni_table *t = load_ok(META "describe-network-interfaces.json");
    cr_expect_eq(fst_eni_table_count(t), 5);
    const fst__eni_info *e = get(t, "eni-0a1b2c3d4e5f60718");
    cr_expect_eq(e->kind, FST__ENI_INTERFACE);
    cr_expect_str_eq(e->interface_type, "interface");
    cr_expect_eq(e->requester_managed, 0);
    cr_expect(addr_eq(&e->primary, "10.0.1.10"));
    cr_expect_eq(e->n_secondary, 0);
    cr_expect_eq(e->n_ipv6, 0);
    /* The EIP is listed twice (top-level and per address): kept once. */
    cr_assert_eq(e->n_public, 1);
    cr_expect(addr_eq(&e->public_ips[0], "54.210.167.204"));
    cr_expect_str_eq(e->subnet_id, "subnet-0c1d2e3f4a5b6c7d8");
    cr_expect_str_eq(e->vpc_id, "vpc-0123456789abcdef0");
    cr_expect_str_eq(e->az, "us-east-1a");
    cr_expect_str_eq(e->instance_id, "i-0a1a2b3c4d5e6f708");
    fst_eni_table_free(t);
}

Test(eni, secondary_ips_and_their_eip)
{
    fst_eni_table *t = load_ok(META "describe-network-interfaces.json");
    const fst__eni_info *e = get(t, "eni-0f9e8d7c6b5a40312");
    cr_expect(addr_eq(&e->primary, "10.0.87.192"));
    cr_assert_eq(e->n_secondary, 2);
    cr_expect(addr_eq(&e->secondary[0], "10.0.87.200"));
    cr_expect(addr_eq(&e->secondary[1], "10.0.87.201"));
    cr_assert_eq(e->n_public, 1);
    cr_expect(addr_eq(&e->public_ips[0], "3.91.20.117"));
    cr_expect_str_eq(e->instance_id, "i-0b1b2c3d4e5f60718");
    cr_expect_str_eq(e->az, "us-east-1b");
    fst_eni_table_free(t);
}

Test(eni, nat_gateway_and_nlb)
{
    fst_eni_table *t = load_ok(META "describe-network-interfaces.json");
    const fst__eni_info *nat = get(t, "eni-1235b8ca123456789");
    cr_expect_eq(nat->kind, FST__ENI_NAT_GATEWAY);
    cr_expect_eq(nat->requester_managed, 1);
    cr_expect(addr_eq(&nat->primary, "10.0.0.220"));
    cr_assert_eq(nat->n_public, 1);
    cr_expect(addr_eq(&nat->public_ips[0], "52.4.188.61"));
    cr_expect_null(nat->instance_id);
    cr_expect_str_eq(nat->subnet_id, "subnet-0a0b0c0d0e0f01020");

    const fst__eni_info *nlb = get(t, "eni-0d4c3b2a1f0e9d8c7");
    cr_expect_eq(nlb->kind, FST__ENI_NLB);
    cr_expect_str_eq(nlb->interface_type, "network_load_balancer");
    cr_expect_eq(nlb->requester_managed, 1);
    cr_expect(addr_eq(&nlb->primary, "10.0.2.44"));
    cr_expect_eq(nlb->n_public, 0);
    cr_expect_eq(nlb->n_secondary, 0);
    cr_expect_null(nlb->instance_id);
    fst_eni_table_free(t);
}

Test(eni, ipv6_addresses_deduplicated_and_normalised)
{
    fst_eni_table *t = load_ok(META "describe-network-interfaces.json");
    const fst__eni_info *e = get(t, "eni-06f5e4d3c2b1a0987");
    cr_expect(addr_eq(&e->primary, "10.0.3.10"));
    /* Ipv6Address (top level) repeats Ipv6Addresses[0]; [1] is written in
     * upper case with leading zeros and must equal 2600:1f18:4a3:6902::10. */
    cr_assert_eq(e->n_ipv6, 2);
    cr_expect(addr_eq(&e->ipv6[0], "2600:1f18:4a3:6902:8c1e:2b7d:91f0:a3c4"));
    cr_expect(addr_eq(&e->ipv6[1], "2600:1f18:4a3:6902::10"));
    cr_expect_str_eq(e->az, "us-east-1c");
    fst_eni_table_free(t);
}

Test(eni, lookup_by_address)
{
    fst_eni_table *t = load_ok(META "describe-network-interfaces.json");
    fst_addr a = addr("10.0.87.200"); /* secondary of B */
    const fst__eni_info *e = fst__eni_by_addr(t, &a);
    cr_assert_not_null(e);
    cr_expect_str_eq(e->eni_id, "eni-0f9e8d7c6b5a40312");
    a = addr("10.0.0.220");
    cr_expect_str_eq(fst__eni_by_addr(t, &a)->eni_id, "eni-1235b8ca123456789");
    a = addr("2600:1f18:4a3:6902::10");
    cr_expect_str_eq(fst__eni_by_addr(t, &a)->eni_id, "eni-06f5e4d3c2b1a0987");
    /* Public and Elastic IPs never identify an ENI in flow logs. */
    a = addr("3.91.20.117");
    cr_expect_null(fst__eni_by_addr(t, &a));
    a = addr("54.210.167.204");
    cr_expect_null(fst__eni_by_addr(t, &a));
    a = addr("10.0.9.9");
    cr_expect_null(fst__eni_by_addr(t, &a));
    /* Same bytes, other family: the IPv4-mapped IPv6 text is not 10.0.1.10. */
    a = addr("::ffff:10.0.1.10");
    cr_expect_null(fst__eni_by_addr(t, &a));
    fst_eni_table_free(t);
}

Test(eni, owns)
{
    fst_eni_table *t = load_ok(META "describe-network-interfaces.json");
    const fst__eni_info *a = get(t, "eni-0a1b2c3d4e5f60718");
    const fst__eni_info *b = get(t, "eni-0f9e8d7c6b5a40312");
    fst_addr x = addr("10.0.87.201");
    cr_expect_eq(fst__eni_owns(b, &x), 1);
    cr_expect_eq(fst__eni_owns(a, &x), 0);
    x = addr("10.0.87.192");
    cr_expect_eq(fst__eni_owns(b, &x), 1);
    x = addr("3.91.20.117");
    cr_expect_eq(fst__eni_owns(b, &x), 0);
    cr_expect_eq(fst__eni_owns(NULL, &x), 0);
    fst_eni_table_free(t);
}

Test(eni, unknown_and_null_table)
{
    fst_eni_table *t = load_ok(META "describe-network-interfaces.json");
    cr_expect_null(fst__eni_lookup(t, "eni-00000000000000000"));
    cr_expect_null(fst__eni_lookup(t, "ENI-0A1B2C3D4E5F60718"));
    fst_eni_table_free(t);
    fst_addr a = addr("10.0.1.10");
    cr_expect_null(fst__eni_lookup(NULL, "eni-0a1b2c3d4e5f60718"));
    cr_expect_null(fst__eni_by_addr(NULL, &a));
    cr_expect_eq(fst_eni_table_count(NULL), 0);
    fst_eni_table_free(NULL);
}

Test(eni, concatenated_pages)
{
    fst_eni_table *t = load_ok(META "pages.json");
    /* eni-111... is on both pages: counted once. */
    cr_expect_eq(fst_eni_table_count(t), 4);
    const fst__eni_info *tgw = get(t, "eni-11111111111111111");
    cr_expect_eq(tgw->kind, FST__ENI_TGW);
    cr_expect(addr_eq(&tgw->primary, "10.40.1.175"));
    cr_expect_str_eq(tgw->az, "us-east-1a");
    cr_expect_eq(get(t, "eni-22222222222222222")->kind, FST__ENI_TGW);
    cr_expect_eq(get(t, "eni-0c0ffee0c0ffee000")->kind, FST__ENI_LAMBDA);
    const fst__eni_info *efa = get(t, "eni-0efa0efa0efa0efa0");
    cr_expect_eq(efa->kind, FST__ENI_OTHER);
    cr_expect_str_eq(efa->interface_type, "efa");
    fst_eni_table_free(t);
}

Test(eni, address_of_two_enis_is_ambiguous)
{
    /* 10.40.9.9 is the Lambda ENI's (other VPC) and the EFA ENI's. */
    fst_eni_table *t = load_ok(META "pages.json");
    fst_addr a = addr("10.40.9.9");
    cr_expect_null(fst__eni_by_addr(t, &a));
    cr_expect_eq(fst__eni_owns(get(t, "eni-0efa0efa0efa0efa0"), &a), 1);
    a = addr("10.40.2.31");
    cr_expect_str_eq(fst__eni_by_addr(t, &a)->eni_id, "eni-22222222222222222");
    fst_eni_table_free(t);
}

Test(eni, bare_array_and_nulls)
{
    fst_eni_table *t = load_ok(META "bare-array.json");
    cr_expect_eq(fst_eni_table_count(t), 3);
    cr_expect_eq(get(t, "eni-0aaaaaaaaaaaaaaaa")->kind, FST__ENI_VPC_ENDPOINT);
    cr_expect_eq(get(t, "eni-0bbbbbbbbbbbbbbbb")->kind, FST__ENI_VPC_ENDPOINT);
    const fst__eni_info *e = get(t, "eni-0cccccccccccccccc");
    cr_expect_eq(e->kind, FST__ENI_UNKNOWN);
    cr_expect_null(e->interface_type);
    cr_expect_eq(e->primary.family, 0);
    cr_expect_null(e->subnet_id);
    cr_expect_null(e->secondary);
    fst_eni_table_free(t);
}

Test(eni, empty_list_is_fine)
{
    fst_eni_table *t = load_ok(META "no-enis.json");
    cr_expect_eq(fst_eni_table_count(t), 0);
    fst_eni_table_free(t);
}

/* ---- errors: exact messages, written from the fixture ----------------- */

static void expect_error(const char *file, const char *want)
{
    char err[512] = "";
    char path[512];
    snprintf(path, sizeof path, META "%s", file);
    cr_expect_null(fst_eni_table_load(path, err, sizeof err));
    char full[1024];
    snprintf(full, sizeof full, "%s: %s", path, want);
    cr_expect_str_eq(err, full);
}

static void expect_error_prefix(const char *file, const char *want_prefix)
{
    char err[512] = "";
    char path[512];
    snprintf(path, sizeof path, META "%s", file);
    cr_expect_null(fst_eni_table_load(path, err, sizeof err));
    char full[1024];
    snprintf(full, sizeof full, "%s: %s", path, want_prefix);
    cr_expect_eq(strncmp(err, full, strlen(full)), 0, "got \"%s\", want prefix \"%s\"", err,
                 full);
}

Test(eni, error_bad_address)
{
    expect_error("bad-address.json", "NetworkInterfaces[1]: "
                                     "\"PrivateIpAddresses[1].PrivateIpAddress\" is not an IP "
                                     "address: \"10.0.1.300\"");
}

Test(eni, error_wrong_type)
{
    expect_error("bad-type.json", "NetworkInterfaces[0]: \"PrivateIpAddresses\" is not an array");
}

Test(eni, error_missing_id)
{
    expect_error("missing-id.json", "NetworkInterfaces[0]: \"NetworkInterfaceId\" is missing");
}

Test(eni, error_wrong_document)
{
    expect_error("wrong-document.json",
                 "JSON document 1: no \"NetworkInterfaces\" key (expected the output of "
                 "`aws ec2 describe-network-interfaces`)");
}

Test(eni, error_empty_file)
{
    expect_error("empty.json",
                 "empty file (expected the JSON of `aws ec2 describe-network-interfaces`)");
}

Test(eni, error_syntax_names_line)
{
    /* The stray ',' before '}' on line 2: 2 spaces, '{', then
     * "NetworkInterfaceId": "eni-0aaaaaaaaaaaaaaaa", (20+2+23+2) and
     * "PrivateIpAddress": "10.0.1.5", (18+2+10+1) = 81 bytes; '}' is 82. */
    expect_error_prefix("bad-syntax.json", "line 2, column 82: bad JSON: ");
    char err[512];
    fst_eni_table_load(META "bad-syntax.json", err, sizeof err);
    cr_expect_not_null(strstr(err, ": bad JSON: "), "%s", err);
}

Test(eni, error_truncated_second_page)
{
    /* Page 1 is fine; page 2 (line 2) stops before its closing brackets, so
     * the parser fails at the end of the file: line 3, column 1. */
    expect_error_prefix("truncated-second-page.json", "line 3, column 1: bad JSON: ");
}

Test(eni, error_missing_file)
{
    expect_error("does-not-exist.json", "cannot open: No such file or directory");
}

Test(eni, error_buffer_is_bounded)
{
    char err[8];
    memset(err, 'x', sizeof err);
    cr_expect_null(fst_eni_table_load(META "bad-type.json", err, sizeof err));
    cr_expect_eq(err[7], '\0');
    cr_expect_null(fst_eni_table_load(META "bad-type.json", NULL, 0));
}
