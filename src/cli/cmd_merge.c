/* cli/cmd_merge.c - `flowstitch merge PART...`: the reducers' parts back
 * into the output `flowstitch sessions` writes (docs/distributed.md).
 *
 * First every part's head is read and checked against the others: the
 * same shard count, every shard in exactly one part, the same map tasks
 * heard everywhere, one input name and layout per source.  Parts that
 * hold sessions (version 2, from map --shards) are loaded into the
 * stitcher (fst_stitcher_load_part: the facts lines of the first, which
 * every other part must repeat, and every part's sessions) and `sessions`
 * finishes them with no record read.  Parts that hold records: a child
 * process merges the parts' records by their place in the input (input
 * name in walk order, then number in the input), as text with a header
 * line at each change of layout, into a pipe that is this process's
 * standard input, and the ordinary `sessions` run reads it: so the
 * sessions, their ids, order, directions and NAT links are those of one
 * machine by construction.  A part that turns out cut short or out of
 * order stops the run before any session is written.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define CMD "flowstitch merge"

static void merge_help(FILE *f)
{
    fputs("usage: flowstitch merge [SESSIONS-OPTIONS] PART...\n"
          "\n"
          "The last step of a distributed `sessions` run (docs/distributed.md):\n"
          "reads the parts `flowstitch reduce` wrote and writes the sessions, byte\n"
          "for byte what `flowstitch sessions` writes for the same input (same ids,\n"
          "order, directions and NAT links).  Parts of `map --shards` runs hold\n"
          "sessions: merge decides directions, NAT legs, order and ids over them\n"
          "(the reducers must have had the same --eni-metadata, --idle-* and\n"
          "--conntrack-timeout); others hold records, which merge stitches.\n"
          "Every option of `sessions` applies\n"
          "(--format, --time-format, -o, --eni-metadata, --subnets, --idle-*,\n"
          "--filter, --since, --until, --stats, ...; see `flowstitch sessions\n"
          "--help`), except --stream and --horizon.  Give the same options\n"
          "`sessions` would get; --fields is not needed (the parts carry layouts).\n"
          "\n"
          "Checked before any session is written: each PART is a reduce output,\n"
          "cut nowhere; with `map --shards N` every shard 0..N-1 is in exactly one\n"
          "PART and every PART heard from the same map tasks; no record twice.\n"
          "\n"
          "Exit status: as `sessions`; 3 also for a bad, missing or duplicate part.\n"
          "\n"
          "Example:\n"
          "  flowstitch merge --eni-metadata enis.json part-* > sessions.jsonl\n",
          f);
}

/* ---- the heads of the parts ------------------------------------------ */

typedef struct source {
    uint64_t sid, rank;
    char *path;        /* unescaped */
    char *layout;      /* as in the part (escaped; names have no escapes) */
    const char *part;  /* first part that gave it, for messages */
} source;

typedef struct part {
    const char *path;
    off_t r_at;         /* offset of the line after the head */
    uint64_t line_at;   /* its line number - 1 */
    uint32_t shards;
    int version;        /* 1: records (merge stitches them); 2: sessions */
    char **keys;
    size_t nkeys;
    char *tasks;        /* the T lines, concatenated */
    size_t tasks_len, tasks_cap;
} part;

typedef struct merge_ctx {
    part *p;
    size_t np;
    source *s;
    size_t ns, caps;
    pid_t child;
} merge_ctx;

static int part_bad(const char *path, uint64_t line, const char *why)
{
    if (line)
        fprintf(stderr, CMD ": %s:%llu: %s\n", path, (unsigned long long)line, why);
    else
        fprintf(stderr, CMD ": %s: %s\n", path, why);
    return FST_EXIT_FATAL;
}

static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    return d ? memcpy(d, s, n) : NULL;
}

/* Appends s and a newline to the malloc'd string *acc of length *len in
 * *cap bytes (grown by doubling); 0 or -1. */
static int append(char **acc, size_t *len, size_t *cap, const char *s)
{
    const size_t n = strlen(s);
    if (*len + n + 2 > *cap) {
        size_t ncap = *cap ? *cap : 64;
        while (ncap < *len + n + 2)
            ncap *= 2;
        char *na = realloc(*acc, ncap);
        if (!na)
            return -1;
        *acc = na;
        *cap = ncap;
    }
    memcpy(*acc + *len, s, n);
    (*acc)[*len + n] = '\n';
    (*acc)[*len + n + 1] = '\0';
    *len += n + 1;
    return 0;
}

static int add_source(merge_ctx *m, const part *p, uint64_t ln, char **f)
{
    uint64_t sid;
    if (fst_cli_hex64(f[1], &sid) < 0 || !f[2][0] || !f[3][0])
        return part_bad(p->path, ln, "bad source line");
    if (m->ns == m->caps) {
        const size_t nc = m->caps ? 2 * m->caps : 64;
        source *ns = realloc(m->s, nc * sizeof *ns);
        if (!ns)
            return FST_EXIT_FATAL;
        m->s = ns;
        m->caps = nc;
    }
    char *path = dup_str(f[2]), *layout = dup_str(f[3]);
    const long ul = path ? fst_cli_unescape(path, strlen(path)) : 0;
    if (!path || !layout || ul < 0) {
        free(path);
        free(layout);
        return ul < 0 ? part_bad(p->path, ln, "bad escape in the input name") : FST_EXIT_FATAL;
    }
    path[ul] = '\0';
    m->s[m->ns++] = (source){sid, 0, path, layout, p->path};
    return 0;
}

/* One line of a part's head (f[0..n)); -1 at the first record or the end
 * line, 0 to go on, or an exit code (positive) after a message. */
/* A line the engine wrote (version 2): its kind letter, then a tab where
 * the engine's own line has a space (reduce put it there for Hadoop); in
 * the head's fields (split at tabs), the kind alone. */
static int engine_line(const char *s)
{
    return s[0] && strchr("PECVWIX", s[0]) && s[1] == '\t';
}

static int engine_kind(const char *s)
{
    return s[0] && strchr("PECVWIX", s[0]) && !s[1];
}

static int head_line(merge_ctx *m, part *p, uint64_t ln, char **f, int n)
{
    if (!strcmp(f[0], "R") || !strcmp(f[0], "end") ||
        (p->version == 2 && n >= 2 && engine_kind(f[0])))
        return -1;
    if (!strcmp(f[0], "K") && n == 2 && f[1][0]) {
        char **nk = realloc(p->keys, (p->nkeys + 1) * sizeof *nk);
        if (!nk || !(nk[p->nkeys] = dup_str(f[1]))) {
            if (nk)
                p->keys = nk;
            return FST_EXIT_FATAL;
        }
        p->keys = nk;
        p->nkeys++;
        return 0;
    }
    uint64_t t;
    if (!strcmp(f[0], "T") && n == 2 && fst_cli_hex64(f[1], &t) == 0)
        return append(&p->tasks, &p->tasks_len, &p->tasks_cap, f[1]) < 0 ? FST_EXIT_FATAL : 0;
    if (!strcmp(f[0], "S") && n == 4)
        return add_source(m, p, ln, f);
    return part_bad(p->path, ln, "not a line of a part's head (K, T, S)");
}

/* Reads one part's head; an exit code. */
static int read_head(merge_ctx *m, part *p)
{
    FILE *f = fopen(p->path, "r");
    if (!f) {
        fprintf(stderr, CMD ": %s: cannot open: %s\n", p->path, strerror(errno));
        return FST_EXIT_FATAL;
    }
    char *line = NULL, *fl[6];
    size_t cap = 0;
    uint64_t ln = 0, shards;
    int rc = 0;
    ssize_t len = getline(&line, &cap, f);
    if (len > 0 && line[len - 1] == '\n')
        line[len - 1] = '\0';
    if (len <= 0 || fst_cli_split_tabs(line, fl, 3) != 3 || strcmp(fl[0], "flowstitch-part") ||
        (strcmp(fl[1], "1") && strcmp(fl[1], "2")) || fst_cli_dec64(fl[2], &shards) < 0 ||
        shards > 65536) {
        rc = part_bad(p->path, 0, "not a part (the output of `flowstitch reduce`)");
        goto out;
    }
    p->version = fl[1][0] - '0';
    p->shards = (uint32_t)shards;
    for (ln = 1;; ln++) {
        const off_t at = ftello(f);
        if ((len = getline(&line, &cap, f)) <= 0) {
            rc = part_bad(p->path, 0, "cut short (no end line)");
            break;
        }
        if (line[len - 1] == '\n')
            line[len - 1] = '\0';
        const int n = fst_cli_split_tabs(line, fl, 5);
        rc = head_line(m, p, ln + 1, fl, n);
        if (rc < 0) {
            p->r_at = at;
            p->line_at = ln;
            rc = 0;
            break;
        }
        if (rc)
            break;
    }
out:
    free(line);
    fclose(f);
    return rc;
}

/* ---- the checks across parts ------------------------------------------ */

typedef struct keyref {
    const char *key;
    const part *p;
} keyref;

static int cmp_keyref(const void *a, const void *b)
{
    return strcmp(((const keyref *)a)->key, ((const keyref *)b)->key);
}

/* Every key in one part; with shards, every shard present; an exit code. */
static int check_keys(const merge_ctx *m, uint32_t shards)
{
    size_t n = 0;
    for (size_t i = 0; i < m->np; i++)
        n += m->p[i].nkeys;
    keyref *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return FST_EXIT_FATAL;
    n = 0;
    for (size_t i = 0; i < m->np; i++)
        for (size_t j = 0; j < m->p[i].nkeys; j++)
            k[n++] = (keyref){m->p[i].keys[j], &m->p[i]};
    qsort(k, n, sizeof *k, cmp_keyref);
    int rc = 0;
    for (size_t i = 1; i < n && !rc; i++)
        if (!strcmp(k[i - 1].key, k[i].key)) {
            fprintf(stderr, CMD ": key %s is in %s and in %s (a part given twice?)\n", k[i].key,
                    k[i - 1].p->path, k[i].p->path);
            rc = FST_EXIT_FATAL;
        }
    if (!rc && shards && n != shards) {
        /* keys are distinct shard numbers below shards (reduce checked) */
        uint32_t want = 0;
        for (size_t i = 0; i < n; i++) {
            char buf[16];
            snprintf(buf, sizeof buf, "%u", (unsigned)want);
            if (strcmp(buf, k[i].key))
                break;
            want++;
        }
        fprintf(stderr, CMD ": %zu of %u shards in the parts given; missing: shard %u%s\n", n,
                (unsigned)shards, (unsigned)want,
                want == 0 ? " (or its neighbours)" : " (and maybe others)");
        rc = FST_EXIT_FATAL;
    }
    free(k);
    return rc;
}

/* The same shard count and the same map tasks in every part with keys. */
static int check_parts(merge_ctx *m)
{
    const part *ref = NULL;
    for (size_t i = 0; i < m->np; i++) {
        const part *p = &m->p[i];
        if (!p->nkeys)
            continue;
        if (!ref) {
            ref = p;
            continue;
        }
        if (p->version != ref->version) {
            fprintf(stderr, CMD ": %s holds %s, %s %s (map with and without --shards?)\n",
                    p->path, p->version == 2 ? "sessions" : "records", ref->path,
                    ref->version == 2 ? "sessions" : "records");
            return FST_EXIT_FATAL;
        }
        if (p->shards != ref->shards) {
            fprintf(stderr, CMD ": %s has %u shards, %s has %u\n", p->path, (unsigned)p->shards,
                    ref->path, (unsigned)ref->shards);
            return FST_EXIT_FATAL;
        }
        if (strcmp(p->tasks ? p->tasks : "", ref->tasks ? ref->tasks : "")) {
            fprintf(stderr, CMD ": %s and %s heard from different map tasks\n", p->path,
                    ref->path);
            return FST_EXIT_FATAL;
        }
    }
    return check_keys(m, ref ? ref->shards : 0);
}

static int cmp_sid(const void *a, const void *b)
{
    const source *x = a, *y = b;
    return x->sid < y->sid ? -1 : x->sid > y->sid;
}

static int cmp_spath(const void *a, const void *b)
{
    return fst_cli_path_cmp((*(source *const *)a)->path, (*(source *const *)b)->path);
}

/* Sources once each (the same id, the same text), ranked by input name. */
static int settle_sources(merge_ctx *m)
{
    if (m->ns)
        qsort(m->s, m->ns, sizeof *m->s, cmp_sid);
    size_t u = 0;
    for (size_t i = 0; i < m->ns; i++) {
        if (u && m->s[u - 1].sid == m->s[i].sid) {
            if (strcmp(m->s[u - 1].path, m->s[i].path) ||
                strcmp(m->s[u - 1].layout, m->s[i].layout)) {
                fprintf(stderr, CMD ": source %016llx differs between %s and %s\n",
                        (unsigned long long)m->s[i].sid, m->s[u - 1].part, m->s[i].part);
                return FST_EXIT_FATAL;
            }
            free(m->s[i].path);
            free(m->s[i].layout);
            continue;
        }
        m->s[u++] = m->s[i];
    }
    m->ns = u;
    source **by = malloc((u ? u : 1) * sizeof *by);
    if (!by)
        return FST_EXIT_FATAL;
    for (size_t i = 0; i < u; i++)
        by[i] = &m->s[i];
    qsort(by, u, sizeof *by, cmp_spath);
    for (size_t i = 0, rank = 0; i < u; i++) {
        if (i && fst_cli_path_cmp(by[i - 1]->path, by[i]->path))
            rank++;
        by[i]->rank = rank;
    }
    free(by);
    return 0;
}


/* ---- the child: records merged by their place in the input ----------- */

static const source *find_source(const merge_ctx *m, uint64_t sid)
{
    size_t lo = 0, hi = m->ns;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (m->s[mid].sid == sid)
            return &m->s[mid];
        if (m->s[mid].sid < sid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* One part being read: its current record. */
typedef struct cursor {
    const part *p;
    FILE *f;
    char *line;
    size_t cap;
    uint64_t ln, n;      /* line number, records read */
    const source *src;
    uint64_t seq;
    char *raw;
    size_t rawlen;
} cursor;

/* The next record of c: 1, 0 at its end line, or an exit code (negated). */
static int cursor_next(const merge_ctx *m, cursor *c)
{
    ssize_t len = getline(&c->line, &c->cap, c->f);
    c->ln++;
    if (len <= 0)
        return -part_bad(c->p->path, 0, "cut short (no end line)");
    if (c->line[len - 1] == '\n')
        c->line[--len] = '\0';
    char *f[5];
    const int n = fst_cli_split_tabs(c->line, f, 4);
    uint64_t v;
    if (n == 2 && !strcmp(f[0], "end")) {
        if (fst_cli_dec64(f[1], &v) < 0 || v != c->n)
            return -part_bad(c->p->path, c->ln, "the end line does not count the records");
        if (getline(&c->line, &c->cap, c->f) > 0)
            return -part_bad(c->p->path, c->ln + 1, "a line after the end line");
        return 0;
    }
    uint64_t sid, seq;
    if (n != 4 || strcmp(f[0], "R") || fst_cli_hex64(f[1], &sid) < 0 ||
        fst_cli_dec64(f[2], &seq) < 0 || !f[3][0])
        return -part_bad(c->p->path, c->ln, "not a record line (R SID SEQ RAW)");
    const source *s = find_source(m, sid);
    if (!s)
        return -part_bad(c->p->path, c->ln, "record of a source the part does not name");
    if (c->n && (s->rank < c->src->rank || (s->rank == c->src->rank && seq <= c->seq)))
        return -part_bad(c->p->path, c->ln, "records out of order (not a reduce output?)");
    const long rl = fst_cli_unescape(f[3], strlen(f[3]));
    if (rl < 0)
        return -part_bad(c->p->path, c->ln, "bad escape in the record");
    c->src = s;
    c->seq = seq;
    c->raw = f[3];
    c->rawlen = (size_t)rl;
    c->n++;
    return 1;
}

/* a before b in the input (input name rank, number; part for ties) */
static int before(const cursor *a, const cursor *b)
{
    if (a->src->rank != b->src->rank)
        return a->src->rank < b->src->rank;
    if (a->seq != b->seq)
        return a->seq < b->seq;
    return a->p < b->p;
}

static void sift_down(cursor **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < n && before(h[l], h[best]))
            best = l;
        if (l + 1 < n && before(h[l + 1], h[best]))
            best = l + 1;
        if (best == i)
            return;
        cursor *t = h[i];
        h[i] = h[best];
        h[best] = t;
        i = best;
    }
}

/* Opens every part at its records; an exit code. */
static int open_cursors(const merge_ctx *m, cursor *c, cursor **heap, size_t *nh)
{
    *nh = 0;
    for (size_t i = 0; i < m->np; i++) {
        c[i].p = &m->p[i];
        c[i].ln = m->p[i].line_at;
        if (!(c[i].f = fopen(m->p[i].path, "r")) || fseeko(c[i].f, m->p[i].r_at, SEEK_SET))
            return part_bad(m->p[i].path, 0, "cannot read it again");
        const int rc = cursor_next(m, &c[i]);
        if (rc < 0)
            return -rc;
        if (rc)
            heap[(*nh)++] = &c[i];
    }
    for (size_t i = *nh; i-- > 0;)
        sift_down(heap, *nh, i);
    return 0;
}

static int merge_records(const merge_ctx *m, FILE *out)
{
    cursor *c = calloc(m->np ? m->np : 1, sizeof *c);
    cursor **heap = calloc(m->np ? m->np : 1, sizeof *heap);
    size_t nh = 0;
    int rc = c && heap ? open_cursors(m, c, heap, &nh) : FST_EXIT_FATAL;
    const char *layout = NULL;
    int any = 0;
    uint64_t last_rank = 0, last_seq = 0;
    while (!rc && nh) {
        cursor *top = heap[0];
        if (any && top->src->rank == last_rank && top->seq == last_seq) {
            rc = part_bad(top->p->path, top->ln, "the same record is in another part too");
            break;
        }
        fst_cli_put_record(out, top->src->layout, &layout, top->raw, top->rawlen);
        any = 1;
        last_rank = top->src->rank;
        last_seq = top->seq;
        const int nx = cursor_next(m, top);
        if (nx < 0)
            rc = -nx;
        else if (!nx)
            heap[0] = heap[--nh];
        sift_down(heap, nh, 0);
    }
    for (size_t i = 0; c && i < m->np; i++) {
        if (c[i].f)
            fclose(c[i].f);
        free(c[i].line);
    }
    free(c);
    free(heap);
    return rc;
}

/* The child: merged records into the pipe, then exit with an exit code. */
static void run_child(const merge_ctx *m, int fd)
{
    FILE *out = fdopen(fd, "w");
    int rc = out ? merge_records(m, out) : FST_EXIT_FATAL;
    if (out && fclose(out) != 0 && !rc)
        rc = FST_EXIT_FATAL; /* the reader stopped early: it says why */
    _exit(rc);
}

/* ---- sessions parts (version 2): loaded into the stitcher ------------- */

/* The sessions of part p into st.  The options and ENIs (P, E) are the
 * same in every part: loaded from the first, every part's hashed into
 * *facts and compared by the caller.  The rest of the facts (C, V, W) is
 * in the part of the reducer that got them whole: *whole set when p is
 * that part.  An exit code. */
static int load_one(const part *p, fst_stitcher *st, int first, uint64_t *facts, int *whole)
{
    FILE *f = fopen(p->path, "r");
    if (!f || fseeko(f, p->r_at, SEEK_SET)) {
        if (f)
            fclose(f);
        return part_bad(p->path, 0, "cannot read it again");
    }
    char *line = NULL;
    size_t cap = 0;
    uint64_t ln = p->line_at, n = 0;
    int rc = 0;
    *facts = FST_CLI_FNV_INIT;
    for (;;) {
        ssize_t len = getline(&line, &cap, f);
        ln++;
        if (len <= 0) {
            rc = part_bad(p->path, 0, "cut short (no end line)");
            break;
        }
        if (line[len - 1] == '\n')
            line[--len] = '\0';
        uint64_t v;
        if (!strncmp(line, "end\t", 4)) {
            if (fst_cli_dec64(line + 4, &v) < 0 || v != n)
                rc = part_bad(p->path, ln, "the end line does not count the lines");
            else if (getline(&line, &cap, f) > 0)
                rc = part_bad(p->path, ln + 1, "a line after the end line");
            break;
        }
        n++;
        if (!engine_line(line)) {
            rc = part_bad(p->path, ln, "not a line of a sessions part (P, E, C, V, W, I, X)");
            break;
        }
        line[1] = ' '; /* the engine's line again */
        const int fact = line[0] == 'P' || line[0] == 'E';
        if (fact)
            *facts = fst_cli_fnv(*facts, line, (size_t)len + 1);
        *whole |= line[0] == 'W';
        const int e = fact && !first ? 0 : fst_stitcher_load_part(st, line);
        if (e == FST_EVALUE) {
            rc = part_bad(p->path, ln, "the reducers decided sessions with other options "
                                       "(--eni-metadata, --idle-*, --conntrack-timeout) than "
                                       "merge is given");
            break;
        }
        if (e < 0) {
            rc = e == FST_ENOMEM ? FST_EXIT_FATAL : part_bad(p->path, ln, "bad sessions line");
            break;
        }
    }
    free(line);
    fclose(f);
    return rc;
}

/* sessions' input_done: every part's sessions into st; an exit code. */
static int load_sessions(void *ud, fst_stitcher *st)
{
    const merge_ctx *m = ud;
    const part *ref = NULL, *whole_in = NULL;
    uint64_t ref_facts = 0;
    for (size_t i = 0; i < m->np; i++) {
        const part *p = &m->p[i];
        if (!p->nkeys)
            continue;
        uint64_t facts;
        int whole = 0;
        const int rc = load_one(p, st, !ref, &facts, &whole);
        if (rc)
            return rc;
        if (whole && whole_in) {
            fprintf(stderr, CMD ": %s and %s both hold the whole facts (parts of two runs?)\n",
                    p->path, whole_in->path);
            return FST_EXIT_FATAL;
        }
        if (whole)
            whole_in = p;
        if (!ref) {
            ref = p;
            ref_facts = facts;
        } else if (facts != ref_facts) {
            fprintf(stderr, CMD ": %s and %s hold different facts (reducers given other map "
                            "outputs, or other --eni-metadata?)\n", p->path, ref->path);
            return FST_EXIT_FATAL;
        }
    }
    if (ref && !whole_in) {
        fprintf(stderr, CMD ": no part holds the whole facts (the part of shard 0)\n");
        return FST_EXIT_FATAL;
    }
    return FST_EXIT_OK;
}

/* The version of the parts with keys (1 when none). */
static int parts_version(const merge_ctx *m)
{
    for (size_t i = 0; i < m->np; i++)
        if (m->p[i].nkeys)
            return m->p[i].version;
    return 1;
}

/* Standard input from /dev/null: `sessions` reads nothing there. */
static int no_stdin(void)
{
    const int fd = open("/dev/null", O_RDONLY);
    if (fd < 0 || dup2(fd, STDIN_FILENO) < 0) {
        fprintf(stderr, CMD ": /dev/null: %s\n", strerror(errno));
        if (fd >= 0)
            close(fd);
        return FST_EXIT_FATAL;
    }
    close(fd);
    return 0;
}

/* ---- the run ---------------------------------------------------------- */

/* sessions' input_done: the child's verdict on the parts. */
static int wait_child(void *ud, fst_stitcher *unused)
{
    (void)unused;
    merge_ctx *m = ud;
    int st;
    const pid_t pid = m->child;
    m->child = 0;
    if (waitpid(pid, &st, 0) != pid) {
        fprintf(stderr, CMD ": cannot wait for the part reader: %s\n", strerror(errno));
        return FST_EXIT_FATAL;
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st) ? FST_EXIT_FATAL : FST_EXIT_OK;
    fprintf(stderr, CMD ": the part reader ended by signal %d\n", WTERMSIG(st));
    return FST_EXIT_FATAL;
}

static const struct option merge_longopts[] = {
    FST_CLI_SHARED_LONGOPTS,
    FST_CLI_BUILD_LONGOPTS,
    {0}};

/* Splits argv into the options for `sessions` (argv[0..*nopt), permuted
 * by getopt) and the PARTs (argv[*nopt..argc)): 0, FST_CLI_HELP, or
 * FST_EXIT_USAGE after a message. */
static int split_args(int argc, char **argv, int *nopt)
{
    optind = 0; /* glibc: start afresh */
    opterr = 0;
    int c, idx;
    while ((c = getopt_long(argc, argv, FST_CLI_SHARED_SHORTOPTS, merge_longopts, &idx)) != -1) {
        if (c == 'h')
            return FST_CLI_HELP;
        if (c == FST_KEY_STREAM || c == FST_KEY_HORIZON) {
            fputs(CMD ": --stream and --horizon do not apply (the parts are merged in input "
                      "order, then stitched as one batch)\n", stderr);
            return FST_EXIT_USAGE;
        }
    }
    *nopt = optind;
    if (optind >= argc) {
        fputs(CMD ": no PART (try 'flowstitch merge --help')\n", stderr);
        return FST_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++)
        if (!strcmp(argv[i], "-")) {
            fputs(CMD ": a PART is a file ('-' is not: merge reads each part twice)\n",
                  stderr);
            return FST_EXIT_USAGE;
        }
    return 0;
}

static void free_ctx(merge_ctx *m)
{
    for (size_t i = 0; i < m->np; i++) {
        for (size_t j = 0; j < m->p[i].nkeys; j++)
            free(m->p[i].keys[j]);
        free(m->p[i].keys);
        free(m->p[i].tasks);
    }
    for (size_t i = 0; i < m->ns; i++) {
        free(m->s[i].path);
        free(m->s[i].layout);
    }
    free(m->p);
    free(m->s);
}

/* Reads and checks the heads of the parts; an exit code. */
static int load_parts(merge_ctx *m, int n, char **paths)
{
    if (!(m->p = calloc((size_t)n, sizeof *m->p)))
        return FST_EXIT_FATAL;
    m->np = (size_t)n;
    for (int i = 0; i < n; i++) {
        m->p[i].path = paths[i];
        const int rc = read_head(m, &m->p[i]);
        if (rc)
            return rc;
    }
    const int rc = check_parts(m);
    return rc ? rc : settle_sources(m);
}

/* The child merging the parts into our standard input; an exit code. */
static int start_child(merge_ctx *m)
{
    int fd[2];
    if (pipe(fd) < 0) {
        fprintf(stderr, CMD ": pipe: %s\n", strerror(errno));
        return FST_EXIT_FATAL;
    }
    fflush(NULL);
    const pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, CMD ": fork: %s\n", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return FST_EXIT_FATAL;
    }
    if (pid == 0) {
        close(fd[0]);
        run_child(m, fd[1]);
    }
    close(fd[1]);
    m->child = pid;
    if (dup2(fd[0], STDIN_FILENO) < 0) {
        fprintf(stderr, CMD ": dup2: %s\n", strerror(errno));
        close(fd[0]);
        return FST_EXIT_FATAL;
    }
    close(fd[0]);
    return 0;
}

int fst_cli_merge(int argc, char **argv)
{
    int nopt = 0;
    int code = split_args(argc, argv, &nopt);
    if (code == FST_CLI_HELP)
        merge_help(stdout);
    if (code)
        return code == FST_CLI_HELP ? FST_EXIT_OK : code;
    merge_ctx m;
    memset(&m, 0, sizeof m);
    char **sargv = malloc(((size_t)nopt + 2) * sizeof *sargv);
    code = sargv ? load_parts(&m, argc - nopt, argv + nopt) : FST_EXIT_FATAL;
    const int sessions = !code && parts_version(&m) == 2;
    if (!code)
        code = sessions ? no_stdin() : start_child(&m);
    if (!code) {
        memcpy(sargv, argv, (size_t)nopt * sizeof *sargv);
        static char dash[] = "-";
        sargv[nopt] = dash;
        sargv[nopt + 1] = NULL;
        code = fst_cli_sessions_hooked(nopt + 1, sargv, sessions ? load_sessions : wait_child,
                                       &m);
    }
    if (m.child) { /* sessions stopped before the end of the input */
        close(STDIN_FILENO);
        int st;
        waitpid(m.child, &st, 0);
        if (!code)
            code = FST_EXIT_FATAL;
    }
    free(sargv);
    free_ctx(&m);
    return code;
}
