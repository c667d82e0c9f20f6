/* tests/test_ipfix.c - --format ipfix read back by two independent readers:
 * libfixbuf's collector (a small reader below, with its own template) and
 * tshark (tests/ipfix_tshark.py), each compared with the JSONL sessions of
 * the same run, record by record. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli_helper.h"

#if __has_include(<fixbuf/public.h>)
#include <fixbuf/public.h>
#define HAVE_FIXBUF 1
#endif

#define DEMO FST_SOURCE_DIR "/fixtures/demo"
#define LAYOUTS FST_SOURCE_DIR "/fixtures/layouts " FST_SOURCE_DIR "/fixtures/envelope/firehose-event.json"

/* A v2 flow log with an IPv6 TCP session (both directions at one ENI) and
 * an IPv4 UDP one: both IPFIX templates in one file. */
static const char mixed_log[] =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status\n"
    "2 123456789012 eni-1 2001:db8::1 2001:db8::2 40000 443 6 10 1000 1718000000 1718000060 "
    "ACCEPT OK\n"
    "2 123456789012 eni-1 2001:db8::2 2001:db8::1 443 40000 6 8 5000 1718000000 1718000060 "
    "ACCEPT OK\n"
    "2 123456789012 eni-1 10.0.0.1 10.0.0.2 5000 53 17 1 80 1718000010 1718000010 ACCEPT OK\n";

/* mixed_log into a new file at path (a mkstemp template). */
static void write_mixed(char *path)
{
    const int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, mixed_log, sizeof mixed_log - 1), (ssize_t)(sizeof mixed_log - 1));
    close(fd);
}

/* Write input's sessions as IPFIX to ipfix and as JSONL to js. */
static void make_outputs(const char *input, char *ipfix, char *js)
{
    close(mkstemp(ipfix));
    close(mkstemp(js));
    char args[1024];
    snprintf(args, sizeof args, "sessions -q --format ipfix -o %s %s", ipfix, input);
    cli_run r = run_cli(args);
    cr_assert(r.status == 0 || r.status == 1, "%s: exit %d: %s", args, r.status, r.err);
    cli_run_free(&r);
    snprintf(args, sizeof args, "sessions -q -o %s %s", js, input);
    r = run_cli(args);
    cr_assert(r.status == 0 || r.status == 1, "%s: %s", args, r.err);
    cli_run_free(&r);
}

#ifdef HAVE_FIXBUF
/* The reader's own record: every element the writer may send, v4 and v6
 * (fixbuf fills the ones a record lacks with zeros). */
typedef struct rd {
    uint64_t oct, pkt, roct, rpkt;
    uint32_t start, end, src4, dst4;
    uint8_t src6[16], dst6[16];
    uint16_t sport, dport, flags, rflags;
    uint8_t proto, pad[7];
} rd;

static uint64_t jnum(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0; /* null: 0 */
}

/* Text of the reader's address, IPv4 dotted or IPv6 through inet_ntop. */
#include <arpa/inet.h>
static void addr_text(const rd *r, int src, char *buf)
{
    const uint32_t a4 = src ? r->src4 : r->dst4;
    const uint8_t *a6 = src ? r->src6 : r->dst6;
    static const uint8_t zero[16];
    if (memcmp(a6, zero, 16)) {
        inet_ntop(AF_INET6, a6, buf, INET6_ADDRSTRLEN);
    } else {
        struct in_addr in = {.s_addr = htonl(a4)};
        inet_ntop(AF_INET, &in, buf, INET6_ADDRSTRLEN);
    }
}

static void check_with_fixbuf(const char *ipfix, const char *js)
{
    fbInfoElementSpec_t spec[] = {
        {"octetDeltaCount", 8, 0}, {"packetDeltaCount", 8, 0},
        {"reverseOctetDeltaCount", 8, 0}, {"reversePacketDeltaCount", 8, 0},
        {"flowStartSeconds", 4, 0}, {"flowEndSeconds", 4, 0},
        {"sourceIPv4Address", 4, 0}, {"destinationIPv4Address", 4, 0},
        {"sourceIPv6Address", 16, 0}, {"destinationIPv6Address", 16, 0},
        {"sourceTransportPort", 2, 0}, {"destinationTransportPort", 2, 0},
        {"tcpControlBits", 2, 0}, {"reverseTcpControlBits", 2, 0},
        {"protocolIdentifier", 1, 0}, {"paddingOctets", 7, 0}, FB_IESPEC_NULL};
    GError *err = NULL;
    fbInfoModel_t *model = fbInfoModelAlloc();
    fbSession_t *sess = fbSessionAlloc(model);
    fbTemplate_t *t = fbTemplateAlloc(model);
    cr_assert(fbTemplateAppendSpecArray(t, spec, UINT32_MAX, &err));
    const uint16_t tid = fbSessionAddTemplate(sess, TRUE, FB_TID_AUTO, t, &err);
    cr_assert(tid);
    fbCollector_t *coll = fbCollectorAllocFile(NULL, ipfix, &err);
    cr_assert(coll, "fixbuf cannot open %s", ipfix);
    fBuf_t *fbuf = fBufAllocForCollection(sess, coll);
    cr_assert(fBufSetInternalTemplate(fbuf, tid, &err));
    FILE *jf = fopen(js, "r");
    char line[8192];
    size_t n = 0;
    rd r;
    size_t len = sizeof r;
    while (memset(&r, 0, sizeof r), len = sizeof r, fBufNext(fbuf, (uint8_t *)&r, &len, &err)) {
        cr_assert(fgets(line, sizeof line, jf), "more IPFIX records than sessions");
        json_t *s = json_loads(line, 0, NULL);
        n++;
        char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
        addr_text(&r, 1, a);
        addr_text(&r, 0, b);
        cr_assert_str_eq(a, json_string_value(json_object_get(s, "client_addr")), "record %zu", n);
        cr_assert_str_eq(b, json_string_value(json_object_get(s, "server_addr")), "record %zu", n);
        cr_assert_eq(r.sport, jnum(s, "client_port"));
        cr_assert_eq(r.dport, jnum(s, "server_port"));
        cr_assert_eq(r.proto, jnum(s, "proto"));
        cr_assert_eq(r.oct, jnum(s, "c2s_bytes"), "record %zu", n);
        cr_assert_eq(r.pkt, jnum(s, "c2s_packets"));
        cr_assert_eq(r.roct, jnum(s, "s2c_bytes"), "record %zu: reverse octets", n);
        cr_assert_eq(r.rpkt, jnum(s, "s2c_packets"));
        cr_assert_eq(r.start, jnum(s, "first_seen"));
        cr_assert_eq(r.end, jnum(s, "last_seen"));
        cr_assert_eq(r.flags, jnum(s, "tcp_flags_c2s"));
        cr_assert_eq(r.rflags, jnum(s, "tcp_flags_s2c"));
        json_decref(s);
    }
    cr_assert(g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOF), "fixbuf: %s",
              err ? err->message : "?");
    g_clear_error(&err);
    cr_assert(!fgets(line, sizeof line, jf), "fewer IPFIX records than sessions (%zu)", n);
    cr_assert_gt(n, 0);
    fclose(jf);
    fBufFree(fbuf);
    fbInfoModelFree(model);
}
#endif

static void fixbuf_case(const char *input)
{
#ifndef HAVE_FIXBUF
    cr_skip("libfixbuf-dev is not installed (tools/deps.sh): no IPFIX");
#else
    char ipfix[] = "/tmp/fst-ipfix-XXXXXX", js[] = "/tmp/fst-ipfix-js-XXXXXX";
    make_outputs(input, ipfix, js);
    check_with_fixbuf(ipfix, js);
    unlink(ipfix);
    unlink(js);
#endif
}

Test(ipfix, demo_read_by_libfixbuf) { fixbuf_case(DEMO); }
Test(ipfix, layouts_read_by_libfixbuf) { fixbuf_case(LAYOUTS); }

static void tshark_case(const char *input)
{
#ifndef HAVE_FIXBUF
    cr_skip("libfixbuf-dev is not installed (tools/deps.sh): no IPFIX");
#else
    if (system("command -v tshark >/dev/null 2>&1 && command -v python3 >/dev/null") != 0)
        cr_skip("tshark or python3 is not installed (tools/deps.sh installs tshark)");
    char ipfix[] = "/tmp/fst-ipfix-XXXXXX", js[] = "/tmp/fst-ipfix-js-XXXXXX";
    make_outputs(input, ipfix, js);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 %s/tests/ipfix_tshark.py %s %s", FST_SOURCE_DIR, ipfix,
             js);
    const int st = system(cmd);
    unlink(ipfix);
    unlink(js);
    cr_assert_eq(WIFEXITED(st) ? WEXITSTATUS(st) : -1, 0);
#endif
}

Test(ipfix, demo_read_by_tshark) { tshark_case(DEMO); }

Test(ipfix, ipv6_and_ipv4_read_by_both)
{
    char log[] = "/tmp/fst-ipfix-log-XXXXXX";
    write_mixed(log);
    fixbuf_case(log);
    tshark_case(log);
    unlink(log);
}
Test(ipfix, layouts_read_by_tshark) { tshark_case(LAYOUTS); }

/* No session: a valid file holding only the two templates (v4 and v6). */
Test(ipfix, empty_output_is_templates_only)
{
#ifndef HAVE_FIXBUF
    cr_skip("libfixbuf-dev is not installed (tools/deps.sh): no IPFIX");
#else
    cli_run r = run_cli("sessions -q --format ipfix --filter 'port 1' " DEMO);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* stderr: only the demo's note that README.md is not a flow log */
    cr_assert_eq(count_lines(r.err), 1, "%s", r.err);
    /* RFC 7011: version 10 in the first two bytes of the message header */
    cr_assert_eq((unsigned char)r.out[0], 0);
    cr_assert_eq((unsigned char)r.out[1], 10);
    cli_run_free(&r);
#endif
}
