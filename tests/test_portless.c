/* tests/test_portless.c - formats without ports or protocol (issue 11):
 * records are parsed from text through the line parser with a --fields
 * layout, pushed into a stitcher, and the sessions checked against values
 * derived by hand below (docs/sessions.md "Formats without ports or
 * protocol").  Plus the CLI on fixtures/portless.
 *
 * Cast (addresses of this repository): instance 10.0.1.25 behind ENI
 * eni-inst; a NAT gateway ENI eni-nat with private IP 10.0.0.50; internet
 * host 198.51.100.20.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_helper.h"
#include "record_rig.h"
#include "stitcher_rig.h"

/* Ports absent, protocol present (v5 fields, NAT-gateway-like). */
#define F_NOPORTS                                                                              \
    "${version} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} "          \
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
/* Protocol absent, ports present. */
#define F_NOPROTO                                                                              \
    "${version} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "                 \
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
/* Ports absent, with tcp-flags. */
#define F_NOPORTS_FLAGS                                                                        \
    "${version} ${interface-id} ${srcaddr} ${dstaddr} ${protocol} ${packets} ${bytes} "       \
    "${start} ${end} ${tcp-flags} ${action} ${log-status}"

/* Parses each line with the layout fields (NULL: the 14-field default)
 * and pushes the record (stitcher_rig.h: st, out, setup, finish). */
static void push_lines(const char *fields, const char *const *lines, size_t n)
{
    fst__parser *p = new_parser(fields);
    for (size_t i = 0; i < n; i++) {
        fst_record rec;
        const lineres r = parse(p, lines[i], i + 1, &rec);
        cr_assert_eq(r.rc, FST__LINE_RECORD, "line %zu: %s", i + 1, r.why ? r.why : "");
        cr_assert_eq(fst_stitcher_push(st, &rec), 0);
    }
    fst__parser_free(p);
}

#define PUSH(fields, ...)                                                                     \
    do {                                                                                       \
        static const char *const l_[] = {__VA_ARGS__};                                         \
        push_lines(fields, l_, sizeof l_ / sizeof l_[0]);                                      \
    } while (0)

/* The session whose client is caddr and whose key_absent is absent; fails
 * when there is none. */
static const fst_session *find(const char *caddr, const char *saddr, int absent)
{
    for (size_t i = 0; i < out.n; i++) {
        char c[FST_ADDR_STRLEN], s[FST_ADDR_STRLEN];
        if (!strcmp(rh_ntoa(&out.s[i].client_addr, c), caddr) &&
            !strcmp(rh_ntoa(&out.s[i].server_addr, s), saddr) && out.s[i].key_absent == absent)
            return &out.s[i];
    }
    cr_assert_fail("no session %s -> %s absent %d among %zu", caddr, saddr, absent, out.n);
    return NULL;
}

TestSuite(portless, .init = setup, .fini = teardown);

/* NAT gateway, ports absent, TCP.  The NAT ENI logs the inside leg both
 * ways (plain address = its own 10.0.0.50, pkt-* = the real peer) and the
 * outside leg both ways; the instance's ENI logs 10.0.1.25 <-> host.
 * Requests start at 1000, replies at 1001.
 *   A = 10.0.1.25 <-> 198.51.100.20: lines 1, 4 (NAT, real endpoints from
 *       pkt-*), 5, 6 (instance): 4 records, 2 ENIs.  Each direction is
 *       logged at both ENIs with the same counts, counted once: c2s 10
 *       packets / 1000 bytes, s2c 8 / 5000 (the naive sum would double).
 *       No flags, both ways, ports absent: no port rule; the strictly
 *       earliest record (1000) was sent by 10.0.1.25: first-seen.
 *   B = 10.0.0.50 <-> 198.51.100.20: lines 2, 3, the NAT ENI only: the
 *       translated leg, nat_leg_of A (same host, same protocol, the NAT
 *       ENI saw A).  Client 10.0.0.50 by first-seen (1000 vs 1001).
 * Both: key_absent ports, proto 6, ports 0, no Community ID. */
Test(portless, nat_gateway_two_enis_both_directions)
{
    PUSH(F_NOPORTS,
         "5 eni-nat 10.0.1.25 10.0.0.50 10.0.1.25 198.51.100.20 6 10 1000 1000 1060 ACCEPT OK",
         "5 eni-nat 10.0.0.50 198.51.100.20 10.0.0.50 198.51.100.20 6 10 1000 1000 1060 ACCEPT OK",
         "5 eni-nat 198.51.100.20 10.0.0.50 198.51.100.20 10.0.0.50 6 8 5000 1001 1060 ACCEPT OK",
         "5 eni-nat 10.0.0.50 10.0.1.25 198.51.100.20 10.0.1.25 6 8 5000 1001 1060 ACCEPT OK",
         "5 eni-inst 10.0.1.25 198.51.100.20 10.0.1.25 198.51.100.20 6 10 1000 1000 1060 ACCEPT OK",
         "5 eni-inst 198.51.100.20 10.0.1.25 198.51.100.20 10.0.1.25 6 8 5000 1001 1060 ACCEPT OK");
    finish();
    cr_assert_eq(out.n, 2);
    const fst_session *a = find("10.0.1.25", "198.51.100.20", FST_KEY_ABSENT_PORTS);
    const fst_session *b = find("10.0.0.50", "198.51.100.20", FST_KEY_ABSENT_PORTS);
    cr_expect_eq(a->records, 4);
    cr_expect_eq(a->n_enis, 2);
    cr_expect_eq(a->c2s_packets, 10);
    cr_expect_eq(a->c2s_bytes, 1000);
    cr_expect_eq(a->s2c_packets, 8);
    cr_expect_eq(a->s2c_bytes, 5000);
    cr_expect_eq(a->naive_bytes, 12000); /* 2 x 1000 + 2 x 5000 */
    cr_expect_eq(a->proto, 6);
    cr_expect_eq(a->client_port, 0);
    cr_expect_eq(a->server_port, 0);
    cr_expect_eq(a->basis, FST_BASIS_FIRST_SEEN);
    cr_expect_str_eq(a->community_id, "");
    cr_expect_eq(a->nat_leg_of, 0);
    cr_expect_eq(b->records, 2);
    cr_expect_eq(b->n_enis, 1);
    cr_expect_eq(b->c2s_bytes, 1000);
    cr_expect_eq(b->s2c_bytes, 5000);
    cr_expect_eq(b->basis, FST_BASIS_FIRST_SEEN);
    cr_expect_eq(b->nat_leg_of, a->id);
}

/* The same address pair, protocol 1, once in the default format (ICMP:
 * ports 0 0, §3.3) and once in a format without ports.  With the key's
 * ports both 0, only the absent mark tells them apart: 2 sessions, one
 * record each; the full one has ports 0 (not absent) and a Community ID. */
Test(portless, never_joins_a_port_zero_record)
{
    push(RH(.fmt = RH_V2, .eni = "eni-inst", .src = "10.0.1.25", .dst = "198.51.100.20",
            .proto = FST_PROTO_ICMP, .pk = 1, .by = 84, .t0 = 1000, .t1 = 1060));
    PUSH(F_NOPORTS,
         "5 eni-inst 10.0.1.25 198.51.100.20 10.0.1.25 198.51.100.20 1 1 84 1000 1060 ACCEPT OK");
    finish();
    cr_assert_eq(out.n, 2);
    const fst_session *full = find("10.0.1.25", "198.51.100.20", 0);
    const fst_session *nop = find("10.0.1.25", "198.51.100.20", FST_KEY_ABSENT_PORTS);
    cr_expect_eq(full->records, 1);
    cr_expect_eq(nop->records, 1);
    cr_expect_eq(full->proto, 1);
    cr_expect_eq(nop->proto, 1);
    cr_expect_neq(full->community_id[0], '\0');
    cr_expect_str_eq(nop->community_id, "");
}

/* A record in the default format whose ports are '-' (a full format, but
 * the record did not carry them) is "ports absent" too: it joins the
 * portless-format record of the same pair and protocol (1 session, 2
 * records at 2 ENIs), and a record of that pair with real ports 0 stays
 * apart (2 sessions). */
Test(portless, dash_ports_are_absent_ports)
{
    PUSH(NULL, "2 123456789012 eni-inst 10.0.1.25 198.51.100.20 - - 6 10 1000 1000 1060 ACCEPT OK",
         "2 123456789012 eni-inst 10.0.1.25 198.51.100.20 0 0 6 1 40 1000 1060 ACCEPT OK");
    PUSH(F_NOPORTS,
         "5 eni-nat 10.0.1.25 10.0.0.50 10.0.1.25 198.51.100.20 6 10 1000 1000 1060 ACCEPT OK");
    finish();
    cr_assert_eq(out.n, 2);
    const fst_session *nop = find("10.0.1.25", "198.51.100.20", FST_KEY_ABSENT_PORTS);
    const fst_session *zero = find("10.0.1.25", "198.51.100.20", 0);
    cr_expect_eq(nop->records, 2);
    cr_expect_eq(nop->n_enis, 2);
    cr_expect_eq(nop->c2s_bytes, 1000); /* one direction, logged twice: once */
    cr_expect_eq(nop->basis, FST_BASIS_ONE_WAY);
    cr_expect_eq(zero->records, 1);
    cr_expect_eq(zero->c2s_bytes, 40);
}

/* Protocol absent, ports present: one connection 10.0.1.25:40000 ->
 * 198.51.100.20:443 logged both ways at one ENI, then the same 5-tuple
 * again 400 s after the first one's end.  Ports are logged: the port rule
 * applies (443 well-known vs 40000 ephemeral: client 10.0.1.25).  The idle
 * timeout is --idle-other's 300 s (TCP's would be 660): 1460 - 1060 = 400
 * > 300 splits, so 2 sessions, the second cut by `idle`.  proto 0. */
Test(portless, format_without_protocol)
{
    PUSH(F_NOPROTO, "5 eni-inst 10.0.1.25 198.51.100.20 40000 443 10 1000 1000 1060 ACCEPT OK",
         "5 eni-inst 198.51.100.20 10.0.1.25 443 40000 8 5000 1001 1060 ACCEPT OK",
         "5 eni-inst 10.0.1.25 198.51.100.20 40000 443 3 300 1460 1470 ACCEPT OK");
    finish();
    cr_assert_eq(out.n, 2);
    for (size_t i = 0; i < 2; i++) {
        const fst_session *s = &out.s[i];
        char c[FST_ADDR_STRLEN];
        cr_expect_eq(s->key_absent, FST_KEY_ABSENT_PROTO);
        cr_expect_eq(s->proto, 0);
        cr_expect_str_eq(rh_ntoa(&s->client_addr, c), "10.0.1.25");
        cr_expect_eq(s->client_port, 40000);
        cr_expect_eq(s->server_port, 443);
        cr_expect_eq(s->basis, FST_BASIS_PORT);
        cr_expect_str_eq(s->community_id, "");
    }
    cr_expect_eq(out.s[0].records, 2);
    cr_expect_eq(out.s[0].s2c_bytes, 5000);
    cr_expect_eq(out.s[0].split_basis, FST_SPLIT_NONE);
    cr_expect_eq(out.s[1].records, 1);
    cr_expect_eq(out.s[1].c2s_bytes, 300);
    cr_expect_eq(out.s[1].split_basis, FST_SPLIT_IDLE);
}

/* A run mixing a full-format file and a portless one for the same TCP
 * conversation: the instance logs it in the default format
 * (10.0.1.25:40000 -> 198.51.100.20:443, both ways), the NAT ENI's inside
 * leg in the portless format.  The keys differ (ports vs absent ports):
 * 2 sessions, 2 records each; the full one is oriented by the port rule
 * and has a Community ID, the portless one by first-seen (1000 < 1001). */
Test(portless, mixed_full_and_portless_files)
{
    PUSH(NULL, "2 123456789012 eni-inst 10.0.1.25 198.51.100.20 40000 443 6 10 1000 1000 1060 ACCEPT OK",
         "2 123456789012 eni-inst 198.51.100.20 10.0.1.25 443 40000 6 8 5000 1001 1060 ACCEPT OK");
    PUSH(F_NOPORTS,
         "5 eni-nat 10.0.1.25 10.0.0.50 10.0.1.25 198.51.100.20 6 10 1000 1000 1060 ACCEPT OK",
         "5 eni-nat 10.0.0.50 10.0.1.25 198.51.100.20 10.0.1.25 6 8 5000 1001 1060 ACCEPT OK");
    finish();
    cr_assert_eq(out.n, 2);
    const fst_session *full = find("10.0.1.25", "198.51.100.20", 0);
    const fst_session *nop = find("10.0.1.25", "198.51.100.20", FST_KEY_ABSENT_PORTS);
    cr_expect_eq(full->records, 2);
    cr_expect_eq(full->server_port, 443);
    cr_expect_eq(full->basis, FST_BASIS_PORT);
    cr_expect_neq(full->community_id[0], '\0');
    cr_expect_eq(nop->records, 2);
    cr_expect_eq(nop->c2s_bytes, 1000);
    cr_expect_eq(nop->s2c_bytes, 5000);
    cr_expect_eq(nop->basis, FST_BASIS_FIRST_SEEN);
}

/* Ports absent but tcp-flags logged.  Session A: the SYN (2) comes from
 * 10.0.1.25 at 1001, the SYN-ACK (18) from 198.51.100.20 at 1000 (its
 * window started earlier): flags, not first-seen, decide: client
 * 10.0.1.25, basis tcp-flags.  A session oriented by flags teaches no
 * service without ports (there is no port to learn): session B, the same
 * host with 10.0.1.30, flagless, whose earliest record (2000) is the
 * host's, is oriented by first-seen (client 198.51.100.20).  Had A taught
 * "198.51.100.20, port 0, TCP", B would say learned-service with client
 * 10.0.1.30.  Nor does a full-format TCP session with ports 0 0 (odd, but
 * a key a lesson could fit) learn from A: both ports in class 0, records
 * both ways, so `unknown`, not learned-service. */
Test(portless, flags_orient_without_ports)
{
    PUSH(F_NOPORTS_FLAGS, "5 eni-inst 10.0.1.25 198.51.100.20 6 3 180 1001 1060 2 ACCEPT OK",
         "5 eni-inst 198.51.100.20 10.0.1.25 6 2 120 1000 1060 18 ACCEPT OK",
         "5 eni-inst 198.51.100.20 10.0.1.30 6 2 120 2000 2060 0 ACCEPT OK",
         "5 eni-inst 10.0.1.30 198.51.100.20 6 2 120 2001 2060 0 ACCEPT OK");
    PUSH(NULL, "2 123456789012 eni-x 10.0.1.40 198.51.100.20 0 0 6 1 40 3000 3060 ACCEPT OK",
         "2 123456789012 eni-x 198.51.100.20 10.0.1.40 0 0 6 1 40 3000 3060 ACCEPT OK");
    finish();
    cr_assert_eq(out.n, 3);
    const fst_session *a = find("10.0.1.25", "198.51.100.20", FST_KEY_ABSENT_PORTS);
    cr_expect_eq(a->basis, FST_BASIS_TCP_SYN);
    cr_expect_eq(a->tcp_flags_c2s, 2);
    cr_expect_eq(a->tcp_flags_s2c, 18);
    const fst_session *b = find("198.51.100.20", "10.0.1.30", FST_KEY_ABSENT_PORTS);
    cr_expect_eq(b->basis, FST_BASIS_FIRST_SEEN);
    const fst_session *c = find("10.0.1.40", "198.51.100.20", 0);
    cr_expect_eq(c->basis, FST_BASIS_UNKNOWN);
}

/* The CLI on fixtures/portless (fixtures/README.md: AWS's NAT example
 * layout, six records): exit 0, 2 sessions, both "ports,protocol" with
 * null proto and ports; the CSV header ends with key_absent (39 columns:
 * docs/output.md); records writes the six records. */
Test(portless_cli, sessions_and_records_on_the_fixture)
{
    cli_run r = run_cli("sessions -q " FST_SOURCE_DIR "/fixtures/portless");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_eq(count_lines(r.out), 2);
    size_t marks = 0;
    for (const char *p = r.out; (p = strstr(p, ",\"key_absent\":\"ports,protocol\"}\n")); p++)
        marks++;
    cr_expect_eq(marks, 2);
    cr_expect(strstr(r.out, "\"proto\":null,\"client_addr\":\"10.0.1.25\",\"client_port\":null"));
    cr_expect(strstr(r.out, "\"nat_leg_of\":2"));
    cli_run_free(&r);
    r = run_cli("sessions -q --format csv " FST_SOURCE_DIR "/fixtures/portless");
    cr_assert_eq(r.status, 0);
    cr_expect_eq(count_lines(r.out), 3);
    const char *nl = strchr(r.out, '\n');
    cr_assert_not_null(nl);
    size_t cols = 1;
    for (const char *p = r.out; p < nl; p++)
        cols += *p == ',';
    cr_expect_eq(cols, 39);
    cr_expect(!strncmp(nl - strlen(",key_absent"), ",key_absent", strlen(",key_absent")));
    cli_run_free(&r);
    r = run_cli("records -q " FST_SOURCE_DIR "/fixtures/portless");
    cr_assert_eq(r.status, 0);
    cr_expect_eq(count_lines(r.out), 6);
    cli_run_free(&r);
    /* the format logs no packets or bytes: the summary does not say 0 */
    r = run_cli("sessions -o /dev/null " FST_SOURCE_DIR "/fixtures/portless");
    cr_assert_eq(r.status, 0);
    cr_expect(strstr(r.err, "bytes, packets: not logged"), "%s", r.err);
    cr_expect_null(strstr(r.err, "summed over records"), "%s", r.err);
    cli_run_free(&r);
    /* --stats says the same in numbers: both sessions without counts */
    char stats[] = "/tmp/fst-portless-stats-XXXXXX";
    const int fd = mkstemp(stats);
    cr_assert_geq(fd, 0);
    close(fd);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sessions -q -o /dev/null --stats %s %s/fixtures/portless", stats,
             FST_SOURCE_DIR);
    r = run_cli(cmd);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *buf = slurp_file(stats);
    unlink(stats);
    cr_assert_not_null(buf);
    cr_expect(strstr(buf, "\"sessions\":{\"sessions\":2,"), "%s", buf);
    cr_expect(strstr(buf, ",\"bytes_counted\":0,\"sessions_no_counts\":2,"), "%s", buf);
    free(buf);
    cli_run_free(&r);
}
