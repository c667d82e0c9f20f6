/* tools/fuzz/fuzz_sessions.c - libFuzzer target for read -> parse -> stitch
 * -> write.
 *
 * Every record of the input (see fuzz_common.h for the control byte) is
 * checked as in fuzz_reader.c and pushed into a stitcher; finish hands each
 * session to a session writer on /dev/null.  With the control byte's top
 * bit the stitcher streams (horizon 1..900 s from the input size) and is
 * flushed after every third record.  Checked: session ids are
 * 1..N in order, the stitcher's counts agree with the reader's, and no
 * session (nor the total counted) holds more bytes or packets than the
 * naive sum over all flow records.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct sctx {
    fst_writer *w;
    uint64_t n;            /* sessions seen */
    uint64_t naive_bytes;  /* our own sum over pushed flow records */
    uint64_t naive_packets;
    int overflow;          /* that sum overflowed 64 bits: no byte checks */
    uint64_t sum_bytes, sum_packets; /* over sessions that are not NAT legs */
    int sum_overflow;
    uint64_t max_bytes, max_packets; /* largest session, checked against the stats */
} sctx;

static int on_session(const fst_session *s, void *ud)
{
    sctx *c = ud;
    if (!s) /* streaming: the end of a flush */
        return 0;
    c->n++;
    FZ_CHECK(s->id == c->n, "session id %llu, expected %llu", (unsigned long long)s->id,
             (unsigned long long)c->n);
    FZ_CHECK(s->client_addr.family == 4 || s->client_addr.family == 6, "client family %d",
             s->client_addr.family);
    FZ_CHECK(s->server_addr.family == s->client_addr.family, "client/server families differ");
    FZ_CHECK(s->records >= 1, "session without records");
    FZ_CHECK(s->nat_leg_of != s->id, "session is its own NAT leg");
    /* a key without ports or protocol has no Community ID (it would hash made-up
     * values); every other session has one */
    FZ_CHECK(memchr(s->community_id, '\0', sizeof s->community_id) != NULL &&
                 (s->key_absent ? s->community_id[0] == '\0'
                                : strncmp(s->community_id, "1:", 2) == 0),
             "community id '%.8s' with key_absent %u", s->community_id, (unsigned)s->key_absent);
    for (uint32_t i = 0; i < s->n_enis; i++) {
        FZ_CHECK(s->enis[i] != NULL, "ENI %u NULL", i);
        if (i)
            FZ_CHECK(strcmp(s->enis[i - 1], s->enis[i]) < 0, "ENIs not sorted/unique");
    }
    uint64_t b, p;
    int ob = __builtin_add_overflow(s->c2s_bytes, s->s2c_bytes, &b);
    int op = __builtin_add_overflow(s->c2s_packets, s->s2c_packets, &p);
    if (!c->overflow) {
        FZ_CHECK(!ob && b <= c->naive_bytes,
                 "session %llu: c2s %llu + s2c %llu bytes > naive %llu",
                 (unsigned long long)s->id, (unsigned long long)s->c2s_bytes,
                 (unsigned long long)s->s2c_bytes, (unsigned long long)c->naive_bytes);
        FZ_CHECK(!op && p <= c->naive_packets, "session %llu: packets > naive",
                 (unsigned long long)s->id);
    }
    if (!ob && b > c->max_bytes)
        c->max_bytes = b;
    if (!op && p > c->max_packets)
        c->max_packets = p;
    if (!s->nat_leg_of) {
        c->sum_overflow |= ob | op;
        c->sum_overflow |= __builtin_add_overflow(c->sum_bytes, b, &c->sum_bytes);
        c->sum_overflow |= __builtin_add_overflow(c->sum_packets, p, &c->sum_packets);
    }
    FZ_CHECK(fst_session_writer_write(c->w, s) == 0, "session writer failed");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_setup su;
    fz_decode(data, size, &su);
    fst_reader *r = fz_reader(&su);
    fst_stitcher_config scfg;
    fst_stitcher_config_init(&scfg);
    if (size && (data[0] & 0x80)) /* streaming, flushed every third record */
        scfg.horizon = 1 + (uint32_t)(size % 900);
    fst_stitcher *st = fst_stitcher_new(&scfg);
    FZ_CHECK(st != NULL, "fst_stitcher_new");
    sctx c;
    memset(&c, 0, sizeof c);
    fz_track t;
    memset(&t, 0, sizeof t);
    uint64_t pushed = 0;
    const fst_record *rec;
    int rc;
    c.w = fst_session_writer_open(fz_devnull(), (fst_out_format)su.out_format);
    FZ_CHECK(c.w != NULL, "fst_session_writer_open");
    while ((rc = fst_reader_next(r, &rec)) == 1) {
        fz_check_record(rec, &t);
        if (rec->status == FST_STATUS_OK) {
            /* an upper bound of the stitcher's naive sum (it skips records
             * without a 5-tuple): absent or '-' counts read as 0 */
            c.overflow |= __builtin_add_overflow(c.naive_bytes, rec->num[FST_F_BYTES],
                                                 &c.naive_bytes);
            c.overflow |= __builtin_add_overflow(c.naive_packets, rec->num[FST_F_PACKETS],
                                                 &c.naive_packets);
        }
        FZ_CHECK(fst_stitcher_push(st, rec) >= 0, "fst_stitcher_push failed");
        pushed++;
        if (scfg.horizon && pushed % 3 == 0) {
            rc = fst_stitcher_flush(st, on_session, &c);
            FZ_CHECK(rc == 0, "fst_stitcher_flush: %d (%s)", rc, fst_err_name(rc));
        }
    }
    FZ_CHECK(rc == 0, "fst_reader_next ended with %d (%s)", rc, fst_err_name(rc));
    fz_check_stats(r, &su, &t);

    rc = fst_stitcher_finish(st, on_session, &c);
    FZ_CHECK(rc == 0, "fst_stitcher_finish: %d (%s)", rc, fst_err_name(rc));
    FZ_CHECK(fst_writer_close(c.w) == 0, "fst_writer_close");

    const fst_stitch_stats *ss = fst_stitcher_stats(st);
    const fst_input_stats *tot = fst_reader_total(r);
    FZ_CHECK(ss->sessions == c.n, "stats say %llu sessions, %llu emitted",
             (unsigned long long)ss->sessions, (unsigned long long)c.n);
    FZ_CHECK(ss->records_in == pushed, "records_in %llu != pushed %llu",
             (unsigned long long)ss->records_in, (unsigned long long)pushed);
    FZ_CHECK(ss->nodata == tot->nodata && ss->skipdata == tot->skipdata,
             "stitcher NODATA/SKIPDATA %llu/%llu != reader %llu/%llu",
             (unsigned long long)ss->nodata, (unsigned long long)ss->skipdata,
             (unsigned long long)tot->nodata, (unsigned long long)tot->skipdata);
    FZ_CHECK(ss->records_unusable <= tot->records, "unusable > records");
    FZ_CHECK(ss->nat_legs <= ss->sessions, "nat_legs > sessions");
    if (!c.overflow) {
        FZ_CHECK(ss->bytes_naive <= c.naive_bytes && ss->packets_naive <= c.naive_packets,
                 "stitcher naive %llu bytes > sum of record bytes %llu",
                 (unsigned long long)ss->bytes_naive, (unsigned long long)c.naive_bytes);
        FZ_CHECK(ss->bytes_counted <= ss->bytes_naive,
                 "bytes_counted %llu > bytes_naive %llu", (unsigned long long)ss->bytes_counted,
                 (unsigned long long)ss->bytes_naive);
        FZ_CHECK(ss->packets_counted <= ss->packets_naive,
                 "packets_counted %llu > packets_naive %llu",
                 (unsigned long long)ss->packets_counted, (unsigned long long)ss->packets_naive);
        FZ_CHECK(!c.sum_overflow && c.sum_bytes == ss->bytes_counted &&
                     c.sum_packets == ss->packets_counted,
                 "sessions sum to %llu bytes, stats count %llu",
                 (unsigned long long)c.sum_bytes, (unsigned long long)ss->bytes_counted);
        /* the per-session check above used our bound; now the stitcher's */
        FZ_CHECK(c.max_bytes <= ss->bytes_naive && c.max_packets <= ss->packets_naive,
                 "a session holds %llu bytes > bytes_naive %llu",
                 (unsigned long long)c.max_bytes, (unsigned long long)ss->bytes_naive);
    }
    fst_stitcher_free(st);
    fst_reader_free(r);
    return 0;
}
