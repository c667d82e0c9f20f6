/* cli/cmd_reduce.c - `flowstitch reduce`: the reduce task of a distributed
 * run (docs/distributed.md).
 *
 * Reads map lines (KEY R|S|C|F ...) from stdin, for any number of keys in
 * any order, checks them all, and writes one part: its keys, the map tasks
 * it heard from, the sources, and then, with facts (F lines: map --shards),
 * the sessions of its keys built by the engine (fst_stitcher_add_facts,
 * push of the records in the order `sessions` reads them,
 * fst_stitcher_finish_part); without, the records in that order (input
 * name in walk order, then the record's number in its input).
 * Checks: every line well formed; every record's source known; no record
 * twice; with --shards, every key's records counted against the census the
 * map tasks sent (a lost or doubled map output is an error here, not a
 * wrong session later).  Nothing is written unless all of it holds.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "flowstitch reduce"

static void reduce_help(FILE *f)
{
    fputs("usage: flowstitch reduce [-o FILE] [SESSIONS-OPTIONS] < MAP-LINES\n"
          "\n"
          "The reduce task of a distributed `sessions` run (docs/distributed.md).\n"
          "Reads the lines `flowstitch map` wrote, for one key or many, in any\n"
          "order (grouped by key as Hadoop Streaming, Spark's RDD.pipe after a\n"
          "partition, or sort deliver them, or not), and writes one part for\n"
          "`flowstitch merge`.  With `map --shards` the part holds the sessions\n"
          "of its keys, correlated with the facts every map task sent about every\n"
          "ENI exactly as `sessions` would; without, their records in input order.\n"
          "\n"
          "Every line is checked; a bad line is reported as stdin:LINE: reason.\n"
          "With --shards maps, each key's records must add up to the census the\n"
          "map tasks sent it, and every key must have heard from the same tasks.\n"
          "\n"
          "Options:\n"
          "  -o, --output FILE  write the part there (default: standard output)\n"
          "  -q, --quiet        no summary line on standard error\n"
          "  --eni-metadata FILE, --idle-tcp/-udp/-icmp/-other S, --conntrack-timeout S,\n"
          "  --threads N        as `sessions`: give the options that decide sessions\n"
          "                     to every reduce and to merge alike (merge checks)\n"
          "  -h, --help         this text\n"
          "\n"
          "Exit status: 0 part written; 2 usage; 3 bad input (nothing written),\n"
          "out of memory, or the output cannot be written.\n",
          f);
}

static const struct option reduce_longopts[] = {
    FST_CLI_SHARED_LONGOPTS,
    FST_CLI_BUILD_LONGOPTS,
    {0}};

/* The options that decide sessions (fst_cli_build_option); the streaming
 * ones do not apply. */
static int own_option(void *ctx, int key, const char *v)
{
    if (key == FST_KEY_STREAM || key == FST_KEY_HORIZON) {
        fputs(CMD ": --stream and --horizon do not apply (a reducer correlates its "
                  "keys as one batch)\n", stderr);
        return -1;
    }
    return fst_cli_build_option(CMD, ctx, key, v) > 0 ? 0 : -1;
}

/* ---- lines ------------------------------------------------------------ */

typedef struct rline {
    uint64_t rank;     /* of its input name (set once sources are known) */
    uint64_t seq, sid, lineno;
    const char *key, *raw;
} rline;

typedef struct sline {
    uint64_t sid, lineno;
    const char *key;
    char *path;        /* unescaped */
    const char *epath, *layout; /* as read (escaped) */
    uint64_t rank;
} sline;

typedef struct cline {
    uint64_t task, count, lineno;
    const char *key;
    uint32_t shards;
} cline;

typedef struct fline {
    uint64_t sid, lineno;
    char kind;         /* 'F' (to every shard) or 'G' (the rest, to shard 0) */
    const char *eni;   /* as read (escaped; "-": none) */
    const char *text;
} fline;

typedef struct lines {
    rline *r;
    sline *s;
    cline *c;
    fline *f;
    size_t nr, ns, nc, nf, capr, caps, capc, capf;
} lines;

#define GROW(arr, n, cap)                                                    \
    ((n) < (cap) || grow((void **)&(arr), &(cap), sizeof *(arr)) == 0)

static int grow(void **p, size_t *cap, size_t size)
{
    const size_t ncap = *cap ? 2 * *cap : 1024;
    void *np = realloc(*p, ncap * size);
    if (!np)
        return -1;
    *p = np;
    *cap = ncap;
    return 0;
}

static int bad(uint64_t lineno, const char *why)
{
    fprintf(stderr, "stdin:%llu: %s\n", (unsigned long long)lineno, why);
    return FST_EXIT_FATAL;
}

/* One map line, split into f[0..n); an exit code. */
static int take_line(lines *L, char **f, int n, uint64_t ln)
{
    if (n < 2 || !f[0][0] || f[1][1])
        return bad(ln, "not a map line (KEY<TAB>R|S|C<TAB>...)");
    if (n != 5)
        return bad(ln, n > 5 ? "too many fields" : "too few fields");
    uint64_t a, b;
    if (fst_cli_hex64(f[2], &a) < 0)
        return bad(ln, f[1][0] == 'C' ? "bad task id (16 hex digits)"
                                      : "bad source id (16 hex digits)");
    switch (f[1][0]) {
    case 'R':
        if (fst_cli_dec64(f[3], &b) < 0)
            return bad(ln, "bad record number");
        if (!f[4][0])
            return bad(ln, "empty record");
        if (!GROW(L->r, L->nr, L->capr))
            return FST_EXIT_FATAL;
        L->r[L->nr++] = (rline){0, b, a, ln, f[0], f[4]};
        return 0;
    case 'S': {
        if (!f[3][0] || !f[4][0])
            return bad(ln, "empty input name or layout");
        if (!GROW(L->s, L->ns, L->caps))
            return FST_EXIT_FATAL;
        const size_t plen = strlen(f[3]);
        char *path = malloc(plen + 1);
        if (!path)
            return FST_EXIT_FATAL;
        memcpy(path, f[3], plen + 1);
        const long ul = fst_cli_unescape(path, plen);
        if (ul < 0 || memchr(path, '\0', (size_t)ul)) {
            free(path);
            return bad(ln, "bad escape in the input name");
        }
        path[ul] = '\0';
        L->s[L->ns++] = (sline){a, ln, f[0], path, f[3], f[4], 0};
        return 0;
    }
    case 'C': {
        uint64_t shards, count;
        if (fst_cli_dec64(f[3], &shards) < 0 || shards < 1 || shards > 65536)
            return bad(ln, "bad shard count (1 to 65536)");
        if (fst_cli_dec64(f[4], &count) < 0)
            return bad(ln, "bad census count");
        if (!GROW(L->c, L->nc, L->capc))
            return FST_EXIT_FATAL;
        L->c[L->nc++] = (cline){a, count, ln, f[0], (uint32_t)shards};
        return 0;
    }
    case 'F':
    case 'G':
        if (!f[3][0] || !f[4][0])
            return bad(ln, "empty ENI or facts");
        if (!GROW(L->f, L->nf, L->capf))
            return FST_EXIT_FATAL;
        L->f[L->nf++] = (fline){a, ln, f[1][0], f[3], f[4]};
        return 0;
    default:
        return bad(ln, "unknown line kind (R, S, C, F or G)");
    }
}

static int read_lines(fst_cli_lines *in, lines *L)
{
    char *s, *f[6];
    while ((s = fst_cli_next_line(in))) {
        const int n = fst_cli_split_tabs(s, f, 5);
        const int rc = take_line(L, f, n, in->lineno);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- sources ---------------------------------------------------------- */

static int cmp_sid(const void *a, const void *b)
{
    const sline *x = a, *y = b;
    return x->sid < y->sid ? -1 : x->sid > y->sid ? 1 : x->lineno < y->lineno ? -1 : 1;
}

static int cmp_spath(const void *a, const void *b)
{
    const sline *x = *(sline *const *)a, *y = *(sline *const *)b;
    return fst_cli_path_cmp(x->path, y->path);
}

/* Sources sorted by sid and made unique; each gets the rank of its input
 * name.  An exit code (a sid given twice with different text is an error). */
static int settle_sources(lines *L)
{
    if (L->ns)
        qsort(L->s, L->ns, sizeof *L->s, cmp_sid);
    size_t u = 0;
    for (size_t i = 0; i < L->ns; i++) {
        if (u && L->s[u - 1].sid == L->s[i].sid) {
            if (strcmp(L->s[u - 1].epath, L->s[i].epath) || strcmp(L->s[u - 1].layout,
                                                                   L->s[i].layout)) {
                fprintf(stderr, "stdin:%llu: source %016llx differs from line %llu\n",
                        (unsigned long long)L->s[i].lineno, (unsigned long long)L->s[i].sid,
                        (unsigned long long)L->s[u - 1].lineno);
                return FST_EXIT_FATAL;
            }
            free(L->s[i].path);
            continue;
        }
        L->s[u++] = L->s[i];
    }
    L->ns = u;
    sline **by_path = malloc((u ? u : 1) * sizeof *by_path);
    if (!by_path)
        return FST_EXIT_FATAL;
    for (size_t i = 0; i < u; i++)
        by_path[i] = &L->s[i];
    qsort(by_path, u, sizeof *by_path, cmp_spath);
    for (size_t i = 0, rank = 0; i < u; i++) {
        if (i && fst_cli_path_cmp(by_path[i - 1]->path, by_path[i]->path))
            rank++;
        by_path[i]->rank = rank;
    }
    free(by_path);
    return 0;
}

static const sline *find_source(const lines *L, uint64_t sid)
{
    size_t lo = 0, hi = L->ns;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (L->s[mid].sid == sid)
            return &L->s[mid];
        if (L->s[mid].sid < sid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int cmp_order(const void *a, const void *b)
{
    const rline *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->lineno < y->lineno ? -1 : 1;
}

/* Records in read order; an exit code (unknown source, a record twice). */
static int order_records(lines *L)
{
    for (size_t i = 0; i < L->nr; i++) {
        const sline *s = find_source(L, L->r[i].sid);
        if (!s)
            return bad(L->r[i].lineno, "record of a source without its S line");
        L->r[i].rank = s->rank;
    }
    if (L->nr)
        qsort(L->r, L->nr, sizeof *L->r, cmp_order);
    for (size_t i = 1; i < L->nr; i++)
        if (L->r[i].rank == L->r[i - 1].rank && L->r[i].seq == L->r[i - 1].seq) {
            fprintf(stderr, "stdin:%llu: record %llu of its input also at line %llu "
                            "(an input mapped twice?)\n",
                    (unsigned long long)L->r[i].lineno, (unsigned long long)L->r[i].seq,
                    (unsigned long long)L->r[i - 1].lineno);
            return FST_EXIT_FATAL;
        }
    return 0;
}

/* ---- keys and the census ---------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_census(const void *a, const void *b)
{
    const cline *x = a, *y = b;
    const int k = strcmp(x->key, y->key);
    if (k)
        return k;
    return x->task < y->task ? -1 : x->task > y->task ? 1 : 0;
}

typedef struct keyset {
    const char **k;
    uint64_t *records;   /* R lines per key */
    size_t n;
    uint32_t shards;     /* 0: keys are connection hashes */
} keyset;

static size_t key_index(const keyset *K, const char *key)
{
    const char **p = bsearch(&key, K->k, K->n, sizeof *K->k, cmp_str);
    return (size_t)(p - K->k);
}

/* Every key once, sorted, with its record count; an exit code. */
static int collect_keys(const lines *L, keyset *K)
{
    const size_t all = L->nr + L->ns + L->nc;
    K->k = malloc((all ? all : 1) * sizeof *K->k);
    if (!K->k)
        return FST_EXIT_FATAL;
    size_t n = 0;
    for (size_t i = 0; i < L->nr; i++)
        if (!n || strcmp(K->k[n - 1], L->r[i].key))
            K->k[n++] = L->r[i].key;
    for (size_t i = 0; i < L->ns; i++)
        K->k[n++] = L->s[i].key;
    for (size_t i = 0; i < L->nc; i++)
        K->k[n++] = L->c[i].key;
    qsort(K->k, n, sizeof *K->k, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(K->k[u - 1], K->k[i]))
            K->k[u++] = K->k[i];
    K->n = u;
    K->records = calloc(u ? u : 1, sizeof *K->records);
    if (!K->records)
        return FST_EXIT_FATAL;
    for (size_t i = 0; i < L->nr; i++)
        K->records[key_index(K, L->r[i].key)]++;
    return 0;
}

/* With census lines: the shard count agrees, every key is a shard that
 * has its census, and each key's records add up to it. */
static int check_census(lines *L, keyset *K)
{
    if (!L->nc) {
        for (size_t i = 0; i < K->n; i++) {
            uint64_t h;
            if (fst_cli_hex64(K->k[i], &h) < 0) {
                fprintf(stderr, CMD ": key '%s' is neither a connection hash nor a shard "
                                "with a census (map --shards output without its census?)\n",
                        K->k[i]);
                return FST_EXIT_FATAL;
            }
        }
        return 0;
    }
    K->shards = L->c[0].shards;
    qsort(L->c, L->nc, sizeof *L->c, cmp_census);
    for (size_t i = 0; i < L->nc; i++) {
        uint64_t shard;
        if (L->c[i].shards != K->shards)
            return bad(L->c[i].lineno, "census of another shard count");
        if (fst_cli_dec64(L->c[i].key, &shard) < 0 || shard >= K->shards)
            return bad(L->c[i].lineno, "the key is not a shard number below the shard count");
        if (i && !cmp_census(&L->c[i - 1], &L->c[i]))
            return bad(L->c[i].lineno, "census of this task and key given twice "
                                       "(a map output delivered twice?)");
    }
    size_t ci = 0, first_tasks = 0;
    for (size_t k = 0; k < K->n; k++) {
        uint64_t sum = 0;
        const size_t start = ci;
        for (; ci < L->nc && !strcmp(L->c[ci].key, K->k[k]); ci++) {
            sum += L->c[ci].count;
            if (k && (ci - start >= first_tasks || L->c[ci].task != L->c[ci - start].task)) {
                fprintf(stderr, CMD ": key %s heard from other map tasks than key %s\n",
                        K->k[k], K->k[0]);
                return FST_EXIT_FATAL;
            }
        }
        if (ci == start || sum != K->records[k]) {
            fprintf(stderr, CMD ": key %s: %llu record lines, the map tasks' census says "
                            "%llu (a map output lost, doubled or cut?)\n",
                    K->k[k], (unsigned long long)K->records[k], (unsigned long long)sum);
            return FST_EXIT_FATAL;
        }
        if (k == 0)
            first_tasks = ci - start;
        else if (ci - start != first_tasks) {
            fprintf(stderr, CMD ": key %s heard from %zu map tasks, key %s from %zu\n",
                    K->k[k], ci - start, K->k[0], first_tasks);
            return FST_EXIT_FATAL;
        }
    }
    return 0;
}

/* ---- the part --------------------------------------------------------- */

static int cmp_rank(const void *a, const void *b)
{
    const sline *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->sid < y->sid ? -1 : x->sid > y->sid;
}

static void write_head(FILE *out, lines *L, const keyset *K, int version);

/* Without facts (map without --shards): the records, for merge to stitch. */
static void write_part(FILE *out, lines *L, const keyset *K)
{
    write_head(out, L, K, 1);
    for (size_t i = 0; i < L->nr; i++)
        fprintf(out, "R\t%016llx\t%llu\t%s\n", (unsigned long long)L->r[i].sid,
                (unsigned long long)L->r[i].seq, L->r[i].raw);
    fprintf(out, "end\t%zu\n", L->nr);
}

/* ---- the sessions of a part (map --shards sent facts) ----------------- */

static int cmp_fact(const void *a, const void *b)
{
    const fline *x = a, *y = b;
    if (x->sid != y->sid)
        return x->sid < y->sid ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    const int c = strcmp(x->eni, y->eni);
    return c ? c : strcmp(x->text, y->text);
}

/* Facts once each (every key got them all: a reducer of many keys got
 * them many times); an exit code. */
static int settle_facts(lines *L)
{
    if (L->nf)
        qsort(L->f, L->nf, sizeof *L->f, cmp_fact);
    size_t u = 0;
    for (size_t i = 0; i < L->nf; i++) {
        if (u && L->f[u - 1].sid == L->f[i].sid && L->f[u - 1].kind == L->f[i].kind &&
            !strcmp(L->f[u - 1].eni, L->f[i].eni)) {
            if (strcmp(L->f[u - 1].text, L->f[i].text))
                return bad(L->f[i].lineno, "facts of this ENI and source differ from "
                                           "another line's (two map tasks read one input?)");
            continue;
        }
        L->f[u++] = L->f[i];
    }
    L->nf = u;
    return 0;
}

/* Every input's facts into st; an exit code. */
static int give_facts(const lines *L, fst_stitcher *st)
{
    for (size_t i = 0; i < L->nf; i++) {
        const fline *f = &L->f[i];
        const sline *s = find_source(L, f->sid);
        if (!s)
            return bad(f->lineno, "facts of a source without its S line");
        char *eni = NULL;
        if (strcmp(f->eni, "-")) {
            const size_t n = strlen(f->eni);
            if (!(eni = malloc(n + 1)))
                return FST_EXIT_FATAL;
            memcpy(eni, f->eni, n + 1);
            const long ul = fst_cli_unescape(eni, n);
            if (ul < 0) {
                free(eni);
                return bad(f->lineno, "bad escape in the ENI");
            }
            eni[ul] = '\0';
        }
        const int rc = fst_stitcher_add_facts(st, s->rank, eni, f->text);
        free(eni);
        if (rc < 0)
            return rc == FST_ENOMEM ? FST_EXIT_FATAL : bad(f->lineno, "bad facts");
    }
    return 0;
}

/* The bytes record_text writes at most: each record behind its prefix, a
 * header line where the layout changes. */
static size_t text_bound(const lines *L)
{
    const char *cur = NULL;
    size_t n = 1;
    for (size_t i = 0; i < L->nr; i++) {
        const char *layout = find_source(L, L->r[i].sid)->layout;
        if (!cur || (layout != cur && strcmp(layout, cur)))
            n += strlen(layout) + 1;
        cur = layout;
        n += strlen(L->r[i].raw) + FST_CLI_RECORD_PREFIX_LEN + 1;
    }
    return n;
}

/* The records, in input order, as the text the engine reads (the same
 * stream merge feeds `sessions` from records parts), into a buffer of
 * exactly the bound (no doubling: it is a reducer's largest). */
static int record_text(const lines *L, char **buf, size_t *len)
{
    const size_t cap = text_bound(L);
    if (!(*buf = malloc(cap)))
        return FST_EXIT_FATAL;
    FILE *m = fmemopen(*buf, cap, "w");
    if (!m)
        return FST_EXIT_FATAL;
    const char *cur = NULL;
    char *raw = NULL;
    size_t rcap = 0;
    int code = 0;
    for (size_t i = 0; i < L->nr && !code; i++) {
        const size_t n = strlen(L->r[i].raw);
        if (n + 1 > rcap) {
            char *nr = realloc(raw, n + 1);
            if (!nr) {
                code = FST_EXIT_FATAL;
                break;
            }
            raw = nr;
            rcap = n + 1;
        }
        memcpy(raw, L->r[i].raw, n + 1);
        const long ul = fst_cli_unescape(raw, n);
        if (ul < 0)
            code = bad(L->r[i].lineno, "bad escape in the record");
        else
            fst_cli_put_record(m, find_source(L, L->r[i].sid)->layout, &cur, raw, (size_t)ul);
    }
    free(raw);
    const long at = ftell(m);
    if (at < 0 || (size_t)at >= cap)
        code = code ? code : FST_EXIT_FATAL;
    *len = at < 0 ? 0 : (size_t)at;
    if (fclose(m) != 0 && !code)
        code = FST_EXIT_FATAL;
    return code;
}

typedef struct part_out {
    FILE *out;
    uint64_t lines;
} part_out;

/* An engine line "K REST" as "K<TAB>REST": a line with a tab keeps its
 * bytes through Hadoop's TextOutputFormat (key, tab, value). */
static int put_line(const char *line, void *ud)
{
    part_out *p = ud;
    putc(line[0], p->out);
    putc('\t', p->out);
    fputs(line[0] && line[1] ? line + 2 : "", p->out);
    putc('\n', p->out);
    p->lines++;
    return 0;
}

static void write_head(FILE *out, lines *L, const keyset *K, int version)
{
    fprintf(out, "flowstitch-part\t%d\t%u\n", version, (unsigned)K->shards);
    for (size_t i = 0; i < K->n; i++)
        fprintf(out, "K\t%s\n", K->k[i]);
    for (size_t i = 0; i < L->nc; i++)
        if (!strcmp(L->c[i].key, L->c[0].key))
            fprintf(out, "T\t%016llx\n", (unsigned long long)L->c[i].task);
    if (L->ns)
        qsort(L->s, L->ns, sizeof *L->s, cmp_rank); /* sources are not looked up any more */
    for (size_t i = 0; i < L->ns; i++)
        fprintf(out, "S\t%016llx\t%s\t%s\n", (unsigned long long)L->s[i].sid, L->s[i].epath,
                L->s[i].layout);
}

/* Pushes the records (their text in *buf, freed once pushed: the
 * correlation's peak comes later) and writes the sessions part; an exit
 * code. */
static int correlate_part(fst_stitcher *st, char **buf, size_t len,
                          const fst_cli_input_opts *in, FILE *out, lines *L, const keyset *K,
                          uint64_t *sessions)
{
    fst_reader_config rcfg = in->reader;
    rcfg.threads = 1;
    fst_reader *r = fst_reader_new(&rcfg);
    if (!r || fst_reader_add_mem(r, "-", *buf, len) < 0) {
        fst_reader_free(r);
        return FST_EXIT_FATAL;
    }
    const char *file;
    uint64_t line;
    int rc = fst_stitcher_push_reader(st, r, &file, &line);
    fst_reader_free(r);
    free(*buf);
    *buf = NULL;
    if (rc < 0) {
        fprintf(stderr, CMD ": %s\n", fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    write_head(out, L, K, 2);
    part_out po = {out, 0};
    rc = fst_stitcher_finish_part(st, put_line, &po);
    if (rc < 0) {
        fprintf(stderr, CMD ": %s\n", fst_strerror(rc));
        return FST_EXIT_FATAL;
    }
    fprintf(out, "end\t%llu\n", (unsigned long long)po.lines);
    *sessions = po.lines;
    return 0;
}

/* With facts: the sessions of the keys, correlated here; an exit code. */
static int reduce_sessions(lines *L, const keyset *K, FILE *out, fst_cli_build_opts *b,
                           const fst_cli_input_opts *in, uint64_t *nlines)
{
    char err[512];
    fst_eni_table *meta = NULL;
    if (b->eni_path && !(meta = fst_eni_table_load(b->eni_path, err, sizeof err))) {
        fprintf(stderr, CMD ": --eni-metadata %s\n", err);
        return FST_EXIT_USAGE;
    }
    fst_stitcher_config cfg = b->cfg;
    cfg.meta = meta;
    fst_stitcher *st = fst_stitcher_new(&cfg);
    char *buf = NULL;
    size_t len = 0;
    int code = st ? settle_facts(L) : FST_EXIT_FATAL;
    if (!code)
        code = give_facts(L, st);
    if (!code)
        code = record_text(L, &buf, &len);
    if (!code)
        code = correlate_part(st, &buf, len, in, out, L, K, nlines);
    free(buf);
    fst_stitcher_free(st);
    fst_eni_table_free(meta);
    return code;
}

static int reduce_all(fst_cli_lines *in, FILE *out, fst_cli_build_opts *b,
                      const fst_cli_input_opts *io)
{
    lines L;
    keyset K;
    memset(&L, 0, sizeof L);
    memset(&K, 0, sizeof K);
    int code = read_lines(in, &L);
    if (!code)
        code = settle_sources(&L);
    if (!code)
        code = order_records(&L);
    if (!code)
        code = collect_keys(&L, &K);
    if (!code)
        code = check_census(&L, &K);
    uint64_t n = 0;
    if (!code && L.nf)
        code = reduce_sessions(&L, &K, out, b, io, &n);
    else if (!code)
        write_part(out, &L, &K);
    if (!code && !io->quiet)
        fprintf(stderr, CMD ": %zu keys, %zu records, %zu sources, %zu census lines%s\n", K.n,
                L.nr, L.ns, L.nc, L.nf ? ", sessions built" : "");
    for (size_t i = 0; i < L.ns; i++)
        free(L.s[i].path);
    free(L.r);
    free(L.s);
    free(L.c);
    free(L.f);
    free(K.k);
    free(K.records);
    return code;
}

int fst_cli_reduce(int argc, char **argv)
{
    fst_cli_input_opts o;
    fst_cli_input_opts_init(&o);
    fst_cli_build_opts b;
    fst_cli_build_opts_init(&b);
    int first;
    int code = fst_cli_parse(CMD, argc, argv, FST_CLI_SHARED_SHORTOPTS, reduce_longopts, &o,
                             own_option, &b, &first);
    if (code == FST_CLI_HELP)
        reduce_help(stdout);
    if (code)
        return code < 0 ? FST_EXIT_OK : code;
    if (first < argc) {
        fprintf(stderr, CMD ": reads standard input only ('%s' given; try --help)\n",
                argv[first]);
        return FST_EXIT_USAGE;
    }
    fst_cli_lines in;
    const int src = fst_cli_slurp(stdin, &in);
    if (src < 0) {
        fputs(src == -1 ? CMD ": out of memory\n" : CMD ": cannot read standard input\n",
              stderr);
        return FST_EXIT_FATAL;
    }
    fst_cli_out out;
    if (fst_cli_out_open(CMD, &out, o.output)) {
        free(in.buf);
        return FST_EXIT_FATAL;
    }
    code = reduce_all(&in, out.f, &b, &o);
    free(in.buf);
    if ((fflush(out.f) != 0 || ferror(out.f)) && !code) {
        fputs(CMD ": cannot write the output\n", stderr);
        code = FST_EXIT_FATAL;
    }
    if (fst_cli_out_close(CMD, &out, code != 0) < 0 && !code)
        code = FST_EXIT_FATAL;
    if (code && o.output)
        remove(o.output); /* no part rather than a wrong one */
    return code;
}
