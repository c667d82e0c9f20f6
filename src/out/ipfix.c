/* out/ipfix.c - IPFIX biflows (RFC 7011, RFC 5103): one Data Record per
 * session, written with libfixbuf (docs/output.md "ipfix").
 *
 * Sessions only.  The client is the flow's source; the server->client
 * direction is in the reverse elements (PEN 29305).  Two templates, IPv4
 * and IPv6.  libfixbuf writes to the writer's FILE (fbExporterAllocFP:
 * borrowed, flushed at close, never closed by libfixbuf), so -o FILE and a
 * pipe both work.  Everything is set up at the first row, whose first_seen
 * is every message's export time (the clock is never read, so the output
 * is the same on every run).  Built without libfixbuf, opening the format
 * fails with FST_EINVAL.
 */
#include "flowstitch/errors.h"
#include "out/row.h"
#include "util/util.h"

#ifndef FST_HAVE_LIBFIXBUF

static int ipfix_begin(fst_writer *w) { return FST_EINVAL; }
static int ipfix_row(fst_writer *w, const fst_session *s) { return FST_EINVAL; }

const fst__format_ops fst__ipfix_ops = {
    .name = "ipfix",
    .begin = ipfix_begin,
    .session_row = ipfix_row,
};

#else

#include <fixbuf/public.h>
#include <string.h>

/* Internal records: 8-byte fields first so there is no padding inside;
 * the trailing padding is in the internal template only (flag 1). */
typedef struct rec4 {
    uint64_t octets, packets, rev_octets, rev_packets;
    uint32_t start, end, src, dst;
    uint16_t sport, dport, flags, rev_flags;
    uint8_t proto;
    uint8_t pad[7];
} rec4;

typedef struct rec6 {
    uint64_t octets, packets, rev_octets, rev_packets;
    uint32_t start, end;
    uint8_t src[16], dst[16];
    uint16_t sport, dport, flags, rev_flags;
    uint8_t proto;
    uint8_t pad[7];
} rec6;

#define INTERNAL_ONLY 1
#define COUNT_SPECS                                                         \
    {"octetDeltaCount", 8, 0}, {"packetDeltaCount", 8, 0},                  \
    {"reverseOctetDeltaCount", 8, 0}, {"reversePacketDeltaCount", 8, 0},    \
    {"flowStartSeconds", 4, 0}, {"flowEndSeconds", 4, 0}
#define TAIL_SPECS                                                          \
    {"sourceTransportPort", 2, 0}, {"destinationTransportPort", 2, 0},      \
    {"tcpControlBits", 2, 0}, {"reverseTcpControlBits", 2, 0},              \
    {"protocolIdentifier", 1, 0}, {"paddingOctets", 7, INTERNAL_ONLY}, FB_IESPEC_NULL

/* Template ids (data sets 256 and up). */
enum { TID4 = 256, TID6 = 257 };
/* RFC 7011: IPFIX times are 32-bit seconds. */
#define IPFIX_TIME_MAX UINT32_MAX

typedef struct ipfix_state {
    fbInfoModel_t *model;
    fBuf_t *fbuf;  /* owns the session and the exporter */
    int tid;       /* the template the buffer is set to, 0 before any */
} ipfix_state;

static int add_template(fbSession_t *sess, fbInfoModel_t *model, fbInfoElementSpec_t *spec,
                        uint16_t tid, int internal)
{
    GError *err = NULL;
    fbTemplate_t *t = fbTemplateAlloc(model);
    if (!fbTemplateAppendSpecArray(t, spec, internal ? UINT32_MAX : 0, &err) ||
        !fbSessionAddTemplate(sess, internal, tid, t, &err)) {
        fbTemplateFreeUnused(t);
        g_clear_error(&err);
        return FST_ENOMEM;
    }
    return 0;
}

/* Model, session, templates, exporter on w->f, buffer; templates written
 * in the first message, whose export time is t. */
static int setup(fst_writer *w, ipfix_state *st, int64_t t)
{
    fbInfoElementSpec_t spec4[] = {COUNT_SPECS, {"sourceIPv4Address", 4, 0},
                                   {"destinationIPv4Address", 4, 0}, TAIL_SPECS};
    fbInfoElementSpec_t spec6[] = {COUNT_SPECS, {"sourceIPv6Address", 16, 0},
                                   {"destinationIPv6Address", 16, 0}, TAIL_SPECS};
    st->model = fbInfoModelAlloc();
    fbSession_t *sess = fbSessionAlloc(st->model);
    for (int internal = 0; internal <= 1; internal++)
        if (add_template(sess, st->model, spec4, TID4, internal) < 0 ||
            add_template(sess, st->model, spec6, TID6, internal) < 0) {
            fbSessionFree(sess);
            return FST_ENOMEM;
        }
    st->fbuf = fBufAllocForExport(sess, fbExporterAllocFP(w->f));
    fBufSetExportTime(st->fbuf, t > 0 && t <= IPFIX_TIME_MAX ? (uint32_t)t : 1);
    GError *err = NULL;
    if (!fbSessionExportTemplates(sess, &err)) {
        g_clear_error(&err);
        return FST_EIO;
    }
    return 0;
}

static uint32_t secs(int64_t t) { return t > 0 && t <= IPFIX_TIME_MAX ? (uint32_t)t : 0; }
static uint16_t flags(int16_t f) { return f > 0 ? (uint16_t)f : 0; }

/* The counts and times every record has, into the first members. */
#define FILL_COMMON(r, s)                                                     \
    do {                                                                      \
        const int counts_ = !((s)->unknown & FST_SESSION_NO_COUNTS);          \
        const int times_ = !((s)->unknown & FST_SESSION_NO_TIMES);            \
        (r).octets = counts_ ? (s)->c2s_bytes : 0;                            \
        (r).packets = counts_ ? (s)->c2s_packets : 0;                         \
        (r).rev_octets = counts_ ? (s)->s2c_bytes : 0;                        \
        (r).rev_packets = counts_ ? (s)->s2c_packets : 0;                     \
        (r).start = times_ ? secs((s)->first_seen) : 0;                       \
        (r).end = times_ ? secs((s)->last_seen) : 0;                          \
        (r).sport = (s)->client_port;                                         \
        (r).dport = (s)->server_port;                                         \
        (r).flags = flags((s)->tcp_flags_c2s);                                \
        (r).rev_flags = flags((s)->tcp_flags_s2c);                            \
        (r).proto = (s)->proto;                                               \
    } while (0)

/* Emit the current message and start the next (same export time). */
static int append(ipfix_state *st, int tid, uint8_t *rec, size_t len)
{
    GError *err = NULL;
    if (st->tid != tid && (!fBufSetInternalTemplate(st->fbuf, (uint16_t)tid, &err) ||
                           !fBufSetExportTemplate(st->fbuf, (uint16_t)tid, &err))) {
        g_clear_error(&err);
        return FST_EIO;
    }
    st->tid = tid;
    if (fBufAppend(st->fbuf, rec, len, &err))
        return 0;
    const int full = g_error_matches(err, FB_ERROR_DOMAIN, FB_ERROR_EOM);
    g_clear_error(&err);
    if (!full || !fBufEmit(st->fbuf, &err) || !fBufAppend(st->fbuf, rec, len, &err)) {
        g_clear_error(&err);
        return FST_EIO;
    }
    return 0;
}

static int session_row(fst_writer *w, const fst_session *s)
{
    ipfix_state *st = w->state;
    if (!st)
        return FST_ENOMEM;
    if (!st->fbuf) {
        const int rc = setup(w, st, (s->unknown & FST_SESSION_NO_TIMES) ? 0 : s->first_seen);
        if (rc < 0)
            return rc;
    }
    if (s->client_addr.family == 6) {
        rec6 r = {0};
        FILL_COMMON(r, s);
        memcpy(r.src, s->client_addr.b, sizeof r.src);
        memcpy(r.dst, s->server_addr.b, sizeof r.dst);
        return append(st, TID6, (uint8_t *)&r, sizeof r);
    }
    rec4 r = {0};
    FILL_COMMON(r, s);
    /* IPv4 is kept IPv4-mapped: the last 4 bytes, in host order for fixbuf */
    const uint8_t *a = s->client_addr.b + 12, *b = s->server_addr.b + 12;
    r.src = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
    r.dst = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return append(st, TID4, (uint8_t *)&r, sizeof r);
}

static int ipfix_begin(fst_writer *w)
{
    w->state = fst__calloc(1, sizeof(ipfix_state));
    return w->state ? 0 : FST_ENOMEM;
}

/* With no session the file still holds the templates (export time 1). */
static void ipfix_end(fst_writer *w)
{
    ipfix_state *st = w->state;
    if (!st)
        return;
    if (!st->fbuf && setup(w, st, 0) < 0)
        w->failed = 1;
    GError *err = NULL;
    if (st->fbuf && !fBufEmit(st->fbuf, &err)) {
        g_clear_error(&err);
        w->failed = 1;
    }
    if (st->fbuf)
        fBufFree(st->fbuf);
    if (st->model)
        fbInfoModelFree(st->model);
    fst__free(st);
    w->state = NULL;
}

const fst__format_ops fst__ipfix_ops = {
    .name = "ipfix",
    .begin = ipfix_begin,
    .session_row = session_row,
    .end = ipfix_end,
};

#endif
