/* tests/records_helper.h - build fst_record values by hand for core tests.
 *
 * RH(...) takes designated fields; what is not given is written as the
 * flow log would write it ("-" for absent values).  Two layouts:
 *   .fmt = RH_FULL (default): a custom v5 format with tcp-flags, pkt-*,
 *          instance-id, flow-direction (pkt-* default to srcaddr/dstaddr,
 *          i.e. "not an intermediate hop");
 *   .fmt = RH_V2: the 14-field default format (no flags, no pkt-*);
 *   .fmt = RH_NOINST: RH_FULL without the instance-id column.
 * Every call returns a record that owns nothing; addresses are parsed with
 * fst_addr_parse.  Header-only and static: one copy per test program.
 */
#ifndef FST_TESTS_RECORDS_HELPER_H
#define FST_TESTS_RECORDS_HELPER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flowstitch/record.h"
#include "flowstitch/stitcher.h"

enum { RH_FULL = 0, RH_V2 = 1, RH_NOINST = 2 };

typedef struct rh {
    int fmt;
    const char *eni, *src, *dst, *psrc, *pdst;
    unsigned sp, dp, proto;
    uint64_t pk, by;
    int64_t t0, t1;
    int reject;       /* action REJECT (default ACCEPT) */
    int flags;        /* tcp-flags value */
    int noflags;      /* tcp-flags written as "-" (RH_FULL) */
    const char *fdir; /* "ingress" / "egress"; NULL: "-" */
    int hop;          /* instance-id "-" (requester-managed ENI) */
    int status;       /* FST_STATUS_*; 0 = OK */
} rh;

static fst_format rh_formats[3];

static const fst_format *rh_format(int which)
{
    fst_format *f = &rh_formats[which];
    if (f->fields.w[0] || f->fields.w[1])
        return f;
    static const int v2[] = {FST_F_VERSION, FST_F_ACCOUNT_ID, FST_F_INTERFACE_ID,
                             FST_F_SRCADDR, FST_F_DSTADDR, FST_F_SRCPORT, FST_F_DSTPORT,
                             FST_F_PROTOCOL, FST_F_PACKETS, FST_F_BYTES, FST_F_START,
                             FST_F_END, FST_F_ACTION, FST_F_LOG_STATUS};
    static const int extra[] = {FST_F_INSTANCE_ID, FST_F_TCP_FLAGS, FST_F_PKT_SRCADDR,
                                FST_F_PKT_DSTADDR, FST_F_FLOW_DIRECTION};
    for (int i = 0; i < FST_FIELD_COUNT; i++)
        f->col[i] = -1;
    for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++)
        FST_FIELDSET_ADD(f->fields, v2[i]);
    if (which != RH_V2)
        for (size_t i = which == RH_NOINST; i < sizeof extra / sizeof extra[0]; i++)
            FST_FIELDSET_ADD(f->fields, extra[i]);
    return f;
}

static void rh_addr(const char *s, fst_addr *out)
{
    memset(out, 0, sizeof *out);
    if (s)
        fst_addr_parse(s, strlen(s), out);
}

#define RH_DASH(r, f) FST_FIELDSET_ADD((r).dash, f)

static fst_record rh_make(rh v)
{
    fst_record r;
    memset(&r, 0, sizeof r);
    r.file = "test";
    r.format = rh_format(v.fmt);
    r.export_ms = -1;
    r.status = v.status ? (uint8_t)v.status : FST_STATUS_OK;
    r.ids[FST_F_INTERFACE_ID] = v.eni;
    r.eni = 1;
    r.num[FST_F_VERSION] = v.fmt == RH_V2 ? 2 : 5;
    r.num[FST_F_START] = (uint64_t)v.t0;
    r.num[FST_F_END] = (uint64_t)v.t1;
    r.num[FST_F_LOG_STATUS] = r.status;
    if (r.status != FST_STATUS_OK) {
        const int d[] = {FST_F_SRCADDR, FST_F_DSTADDR, FST_F_SRCPORT, FST_F_DSTPORT,
                         FST_F_PROTOCOL, FST_F_PACKETS, FST_F_BYTES, FST_F_ACTION,
                         FST_F_TCP_FLAGS, FST_F_PKT_SRCADDR, FST_F_PKT_DSTADDR,
                         FST_F_FLOW_DIRECTION, FST_F_INSTANCE_ID};
        for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
            RH_DASH(r, d[i]);
        return r;
    }
    rh_addr(v.src, &r.addr[FST_A_SRC]);
    rh_addr(v.dst, &r.addr[FST_A_DST]);
    rh_addr(v.psrc ? v.psrc : v.src, &r.addr[FST_A_PKT_SRC]);
    rh_addr(v.pdst ? v.pdst : v.dst, &r.addr[FST_A_PKT_DST]);
    r.num[FST_F_SRCPORT] = v.sp;
    r.num[FST_F_DSTPORT] = v.dp;
    r.num[FST_F_PROTOCOL] = v.proto ? v.proto : 6;
    r.num[FST_F_PACKETS] = v.pk;
    r.num[FST_F_BYTES] = v.by;
    r.num[FST_F_ACTION] = v.reject ? FST_ACTION_REJECT : FST_ACTION_ACCEPT;
    r.num[FST_F_TCP_FLAGS] = (uint64_t)v.flags;
    if (v.noflags)
        RH_DASH(r, FST_F_TCP_FLAGS);
    if (v.fdir)
        r.num[FST_F_FLOW_DIRECTION] = v.fdir[0] == 'e' ? FST_DIR_EGRESS : FST_DIR_INGRESS;
    else
        RH_DASH(r, FST_F_FLOW_DIRECTION);
    if (v.hop)
        RH_DASH(r, FST_F_INSTANCE_ID);
    else
        r.ids[FST_F_INSTANCE_ID] = "i-0123456789abcdef0";
    return r;
}

#define RH(...) rh_make((rh){__VA_ARGS__})

/* ENI metadata from JSON text (through a temporary file); NULL with the
 * reason in err when it does not load. */
static inline fst_eni_table *rh_load_meta(const char *json, char *err, size_t errlen)
{
    char path[] = "/tmp/fst-eni-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "mkstemp failed");
        return NULL;
    }
    const size_t n = strlen(json);
    const int ok = write(fd, json, n) == (ssize_t)n;
    close(fd);
    fst_eni_table *meta = ok ? fst_eni_table_load(path, err, errlen) : NULL;
    if (!ok)
        snprintf(err, errlen, "short write");
    unlink(path);
    return meta;
}

/* Two ENIs with a secondary IP each: eni-a 10.0.1.10 (+ 10.0.1.11), eni-b
 * 10.0.2.20 (+ 10.0.2.21). */
#define RH_META_SECONDARIES                                                                        \
    "{\"NetworkInterfaces\":["                                                                     \
    "{\"NetworkInterfaceId\":\"eni-a\",\"InterfaceType\":\"interface\",\"PrivateIpAddress\":\"10.0.1.10\"," \
    "\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.1.10\",\"Primary\":true},"                 \
    "{\"PrivateIpAddress\":\"10.0.1.11\",\"Primary\":false}]},"                                      \
    "{\"NetworkInterfaceId\":\"eni-b\",\"InterfaceType\":\"interface\",\"PrivateIpAddress\":\"10.0.2.20\"," \
    "\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"10.0.2.20\",\"Primary\":true},"                 \
    "{\"PrivateIpAddress\":\"10.0.2.21\",\"Primary\":false}]}]}"

/* Collected sessions (copies; ENI names point at the test's literals). */
#define RH_MAX_SESS 64
typedef struct rh_out {
    fst_session s[RH_MAX_SESS];
    const char *enis[RH_MAX_SESS][8];
    size_t n;
} rh_out;

static int rh_collect(const fst_session *s, void *ud)
{
    rh_out *o = ud;
    if (!s) /* streaming: the end of a flush */
        return 0;
    if (o->n >= RH_MAX_SESS)
        return 1;
    o->s[o->n] = *s;
    for (uint32_t i = 0; i < s->n_enis && i < 8; i++)
        o->enis[o->n][i] = s->enis[i];
    o->s[o->n].enis = o->enis[o->n];
    o->n++;
    return 0;
}

/* Address text of a session endpoint, for assertions. */
static const char *rh_ntoa(const fst_addr *a, char buf[FST_ADDR_STRLEN])
{
    fst_addr_format(a, buf, FST_ADDR_STRLEN);
    return buf;
}

#endif
