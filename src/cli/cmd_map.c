/* cli/cmd_map.c - `flowstitch map`: the map task of a distributed run.
 *
 * Reads what `sessions` reads and writes Hadoop Streaming lines
 * KEY<TAB>PAYLOAD (docs/distributed.md "The wire"):
 *   KEY  R  SID  SEQ  RAW       one per record (OK, NODATA, SKIPDATA)
 *   KEY  S  SID  PATH LAYOUT    before the first record of a source per key
 *   KEY  C  TASK SHARDS COUNT   with --shards: to every shard, the census
 * KEY is the shard of the record's canonical connection (protocol and the
 * unordered address/port pair, so both directions and every ENI meet);
 * without --shards the connection's own 64-bit hash.  A source is an input
 * name with one layout (SID: their hash); SEQ numbers the records of each
 * input from 0, so (input name, SEQ) is the order `sessions` reads them.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "flowstitch map"

static void map_help(FILE *f)
{
    fputs("usage: flowstitch map [--shards N] [--name NAME] [--eni-metadata FILE] [--fields FMT]\n"
          "                      [-o FILE] [OPTIONS] INPUT...\n"
          "\n"
          "The map task of a distributed `sessions` run (Hadoop Streaming, Spark,\n"
          "Dask, AWS Batch: docs/distributed.md).  Reads any INPUT `sessions` reads\n"
          "and writes one line KEY<TAB>PAYLOAD per record, where KEY is the shard\n"
          "of the record's connection (protocol and the unordered address/port\n"
          "pair): both directions and every ENI's records of one connection get\n"
          "the same KEY, whatever file they came from.  Give every line of one KEY\n"
          "to one `flowstitch reduce`, and the reducers' outputs to `flowstitch\n"
          "merge`: the result is byte for byte what `flowstitch sessions` writes\n"
          "for the same INPUTs.  Map tasks may split the input by files (not\n"
          "inside a file); each input name must be what `sessions` would read it\n"
          "as (the same relative paths).\n"
          "\n"
          "Options:\n"
          "  --shards N           at most N keys, 0 .. N-1 (1 to 65536); each map\n"
          "                       task then also sends every shard a census line,\n"
          "                       so reduce and merge can prove nothing was lost,\n"
          "                       and each input's per-ENI facts, so the reducers\n"
          "                       build the sessions.  Without it the key is the\n"
          "                       connection's hash and merge builds the sessions.\n"
          "  --eni-metadata FILE  the ENI metadata the run uses (give merge and every\n"
          "                       reduce the same): a secondary address is keyed by\n"
          "                       its ENI's primary, as `sessions` keys it\n"
          "  --name NAME          the input name of standard input ('-'), e.g. the\n"
          "                       S3 key a Hadoop Streaming mapper is reading\n"
          "                       (records are ordered by input name, then place\n"
          "                       in it: two map tasks must not both read an\n"
          "                       unnamed '-')\n"
          "  -o, --output FILE    write there instead of standard output\n",
          f);
    fst_cli_input_help(f);
    fputs("\nThe input accounting goes to stderr (and --stats FILE) as with `sessions`;\n"
          "merge's accounting is of the merged stream, so keep map's.\n"
          "\nExample (one machine, 4 shards):\n"
          "  flowstitch map --shards 4 AWSLogs/ | sort -t \"$(printf '\\t')\" -k1,1 -s \\\n"
          "    | flowstitch reduce > part-0 && flowstitch merge part-0 > sessions.jsonl\n"
          "\nExit status: 0 all lines used, 1 some skipped, 2 usage, 3 fatal, 4 --strict stop.\n",
          f);
}

enum { KEY_SHARDS = FST_KEY_COMMAND, KEY_ENI_META, KEY_NAME };

typedef struct map_args {
    fst_cli_input_opts in;
    uint32_t shards; /* 0: key by connection */
    const char *name; /* --name: the input name of standard input, or NULL */
    const char *eni_path; /* --eni-metadata, or NULL */
    int first;
} map_args;

static const struct option map_longopts[] = {
    FST_CLI_SHARED_LONGOPTS,
    {"shards", required_argument, NULL, KEY_SHARDS},
    {"eni-metadata", required_argument, NULL, KEY_ENI_META},
    {"name", required_argument, NULL, KEY_NAME},
    {0}};

static int own_option(void *ctx, int key, const char *v)
{
    map_args *a = ctx;
    if (key == KEY_ENI_META) {
        a->eni_path = v;
        return 0;
    }
    if (key == KEY_NAME) {
        if (!*v || !strcmp(v, "-")) {
            fputs(CMD ": --name: give the input's name (as `sessions` would read it)\n",
                  stderr);
            return -1;
        }
        a->name = v;
        return 0;
    }
    char *end;
    const unsigned long n = strtoul(v, &end, 10);
    if (*v < '1' || *v > '9' || *end || n > 65536) {
        fprintf(stderr, CMD ": --shards: '%s' is not a number from 1 to 65536\n", v);
        return -1;
    }
    a->shards = (uint32_t)n;
    return 0;
}

/* ---- the set of (source, key) pairs that got their S line ------------- */

typedef struct seen_set {
    uint64_t *slot; /* 0 = empty */
    size_t cap, n;
} seen_set;

/* 1 when v was new (added), 0 when present, -1 out of memory. */
static int seen_add(seen_set *s, uint64_t v)
{
    v |= 1; /* never 0 */
    if (2 * (s->n + 1) > s->cap) {
        const size_t ncap = s->cap ? 2 * s->cap : 1024;
        uint64_t *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < s->cap; i++)
            for (size_t j = s->slot[i] % ncap; s->slot[i]; j = (j + 1) % ncap)
                if (!ns[j]) {
                    ns[j] = s->slot[i];
                    break;
                }
        free(s->slot);
        s->slot = ns;
        s->cap = ncap;
    }
    for (size_t j = v % s->cap;; j = (j + 1) % s->cap) {
        if (s->slot[j] == v)
            return 0;
        if (!s->slot[j]) {
            s->slot[j] = v;
            s->n++;
            return 1;
        }
    }
}

/* ---- the output buffer (one fwrite per 256 KiB, not per field) -------- */

typedef struct obuf {
    FILE *f;
    char *p;
    size_t n, cap;
    int failed;          /* out of memory or a write error */
} obuf;

static void ob_flush(obuf *o)
{
    if (o->n && fwrite(o->p, 1, o->n, o->f) != o->n)
        o->failed = 1;
    o->n = 0;
}

/* Room for need more bytes (a buffer without a file grows); 0 or -1
 * (failed set). */
static int ob_reserve(obuf *o, size_t need)
{
    if (o->n + need <= o->cap)
        return 0;
    if (o->f)
        ob_flush(o);
    if (o->n + need <= o->cap)
        return 0;
    size_t cap = o->cap ? o->cap : (size_t)1 << 18;
    while (cap < o->n + need)
        cap *= 2;
    char *np = realloc(o->p, cap);
    if (!np) {
        o->failed = 1;
        return -1;
    }
    o->p = np;
    o->cap = cap;
    return 0;
}

static void ob_put(obuf *o, const char *s, size_t n)
{
    if (ob_reserve(o, n) == 0) {
        memcpy(o->p + o->n, s, n);
        o->n += n;
    }
}

static void ob_escaped(obuf *o, const char *s, size_t n)
{
    if (ob_reserve(o, 3 * n) == 0)
        o->n += fst_cli_escape(o->p + o->n, s, n);
}

/* "\tKIND\t" + 16 hex digits + "\t" */
static void ob_kind_id(obuf *o, char kind, uint64_t id)
{
    char b[22] = {'\t', kind, '\t'};
    for (int i = 0; i < 16; i++)
        b[3 + i] = "0123456789abcdef"[(id >> (60 - 4 * i)) & 15];
    b[19] = '\t';
    ob_put(o, b, 20);
}

static void ob_u64(obuf *o, uint64_t v)
{
    char b[20];
    int i = 20;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10));
    ob_put(o, b + i, (size_t)(20 - i));
}

/* ---- the run ---------------------------------------------------------- */

typedef struct map_run {
    obuf ob;
    const char *stdin_name;    /* --name, or NULL */
    uint32_t shards;
    const char *file;          /* the input being read (the reader's name) */
    const fst_format *format;  /* its layout in force */
    uint64_t sid, seq;
    seen_set seen;
    uint64_t *census;          /* records per shard (shards > 0) */
    fst_facts *facts;          /* per-ENI facts of the input being read */
    obuf src_text;             /* the current source's S payload (never flushed) */
    int failed;                /* out of memory in the facts */
    char key[24];
    size_t keylen;
} map_run;

/* Starts a new source when the input name or the layout changed. */
static void put_facts(map_run *m);

/* The S line's payload (NAME<TAB>LAYOUT<LF>), kept: the facts of an input
 * are written after its last record, when the reader may have let go of
 * its name and layout. */
static void set_source_text(map_run *m)
{
    obuf *t = &m->src_text;
    t->n = 0;
    ob_escaped(t, m->file, strlen(m->file));
    ob_put(t, "\t", 1);
    for (int c = 0; c < m->format->ncols; c++) {
        if (c)
            ob_put(t, " ", 1);
        const char *n = m->format->names[c];
        ob_escaped(t, n, strlen(n));
    }
    ob_put(t, "\n", 1);
    m->failed |= t->failed;
}

static void source_of(map_run *m, const fst_record *rec)
{
    const char *file = m->stdin_name && !strcmp(rec->file, "-") ? m->stdin_name : rec->file;
    if (file != m->file && (!m->file || strcmp(file, m->file))) {
        if (m->file)
            put_facts(m); /* the facts of the input just read, while it is current */
        m->seq = 0;
        m->format = NULL;
    }
    m->file = file;
    if (rec->format == m->format)
        return;
    m->format = rec->format;
    set_source_text(m);
    uint64_t h = fst_cli_fnv(FST_CLI_FNV_INIT, file, strlen(file) + 1);
    for (int c = 0; c < rec->format->ncols; c++)
        h = fst_cli_fnv(h, rec->format->names[c], strlen(rec->format->names[c]) + 1);
    m->sid = h;
}

static void put_source(map_run *m)
{
    ob_put(&m->ob, m->key, m->keylen);
    ob_kind_id(&m->ob, 'S', m->sid);
    ob_put(&m->ob, m->src_text.p, m->src_text.n);
}

/* Key k's text into m->key. */
static void set_key(map_run *m, uint32_t k)
{
    m->keylen = (size_t)snprintf(m->key, sizeof m->key, "%u", (unsigned)k);
}

/* The source line for m->key unless it went there already; 0 or -1. */
static int source_once(map_run *m)
{
    const int fresh = seen_add(&m->seen, fst_cli_fnv(m->sid, m->key, m->keylen));
    if (fresh > 0)
        put_source(m);
    return fresh < 0 ? -1 : 0;
}

/* fst_facts_cb: one ENI's facts of the current input, after the source:
 * what correlating needs to every shard (KEY F SID ENI FACTS; ENI '-':
 * records without one), the rest to shard 0 (KEY G SID ENI FACTS). */
static int put_fact(const char *eni, const char *text, int rest, void *ud)
{
    map_run *m = ud;
    for (uint32_t k = 0; k < (rest ? 1 : m->shards); k++) {
        set_key(m, k);
        if (source_once(m) < 0)
            return 1;
        ob_put(&m->ob, m->key, m->keylen);
        ob_kind_id(&m->ob, rest ? 'G' : 'F', m->sid);
        if (eni)
            ob_escaped(&m->ob, eni, strlen(eni));
        else
            ob_put(&m->ob, "-", 1);
        ob_put(&m->ob, "\t", 1);
        ob_put(&m->ob, text, strlen(text));
        ob_put(&m->ob, "\n", 1);
    }
    return m->ob.failed;
}

static int drop_fact(const char *eni, const char *text, int rest, void *ud)
{
    (void)eni, (void)text, (void)rest, (void)ud;
    return 0;
}

/* The facts of the input being read, to every shard (without --shards
 * there is no "every": reducers get no facts and write records). */
static void put_facts(map_run *m)
{
    if (fst_facts_flush(m->facts, m->shards ? put_fact : drop_fact, m) != 0)
        m->failed = 1;
}

/* One record's line (and its source's, the first time for this key). */
static int map_record(map_run *m, const fst_record *rec)
{
    source_of(m, rec);
    uint64_t ch;
    if (fst_facts_push(m->facts, rec, m->seq, &ch) < 0)
        return -1;
    if (m->shards) {
        const uint32_t shard = (uint32_t)(ch % m->shards);
        set_key(m, shard);
        m->census[shard]++;
    } else {
        m->keylen = (size_t)snprintf(m->key, sizeof m->key, "%016llx", (unsigned long long)ch);
    }
    if (source_once(m) < 0)
        return -1;
    ob_put(&m->ob, m->key, m->keylen);
    ob_kind_id(&m->ob, 'R', m->sid);
    ob_u64(&m->ob, m->seq++);
    ob_put(&m->ob, "\t", 1);
    for (int c = 0; c < rec->format->ncols; c++) {
        if (c)
            ob_put(&m->ob, " ", 1);
        ob_escaped(&m->ob, rec->cols[c].ptr, rec->cols[c].len);
    }
    ob_put(&m->ob, "\n", 1);
    return m->ob.failed || m->failed ? -1 : 0;
}

/* The census: to every shard, how many records this task sent it. */
static void put_census(map_run *m, uint64_t task)
{
    for (uint32_t k = 0; k < m->shards; k++) {
        set_key(m, k);
        ob_put(&m->ob, m->key, m->keylen);
        ob_kind_id(&m->ob, 'C', task);
        ob_u64(&m->ob, m->shards);
        ob_put(&m->ob, "\t", 1);
        ob_u64(&m->ob, m->census[k]);
        ob_put(&m->ob, "\n", 1);
    }
}

static int map_all(fst_reader *r, map_run *m)
{
    const fst_record *rec;
    int rc;
    while ((rc = fst_reader_next(r, &rec)) > 0)
        if (map_record(m, rec) < 0) {
            fputs(CMD ": out of memory, or the output cannot be written\n", stderr);
            return FST_EXIT_FATAL;
        }
    if (m->file)
        put_facts(m);
    if (m->failed || m->ob.failed) {
        fputs(CMD ": out of memory, or the output cannot be written\n", stderr);
        return FST_EXIT_FATAL;
    }
    return fst_cli_read_end(CMD, rc);
}

/* The task's name: the hash of its INPUTs, --name and shards (the same
 * task run twice is caught as a duplicate census). */
static uint64_t task_id(int n, char **paths, uint32_t shards, const char *name)
{
    uint64_t h = fst_cli_fnv(FST_CLI_FNV_INIT, &shards, sizeof shards);
    if (name)
        h = fst_cli_fnv(h, name, strlen(name) + 1);
    for (int i = 0; i < n; i++)
        h = fst_cli_fnv(h, paths[i], strlen(paths[i]) + 1);
    return h;
}

int fst_cli_map(int argc, char **argv)
{
    map_args a;
    memset(&a, 0, sizeof a);
    fst_cli_input_opts_init(&a.in);
    int code = fst_cli_parse(CMD, argc, argv, FST_CLI_SHARED_SHORTOPTS, map_longopts, &a.in,
                             own_option, &a, &a.first);
    if (code == FST_CLI_HELP)
        map_help(stdout);
    if (code)
        return code < 0 ? FST_EXIT_OK : code;
    if (a.first >= argc) {
        fputs(CMD ": no INPUT (try 'flowstitch map --help')\n", stderr);
        return FST_EXIT_USAGE;
    }
    map_run m;
    memset(&m, 0, sizeof m);
    m.shards = a.shards;
    m.stdin_name = a.name;
    m.ob.f = stdout;
    char err[512];
    fst_eni_table *meta = NULL;
    if (a.eni_path && !(meta = fst_eni_table_load(a.eni_path, err, sizeof err))) {
        fprintf(stderr, CMD ": --eni-metadata %s\n", err);
        return FST_EXIT_USAGE;
    }
    fst_reader *r = fst_reader_new(&a.in.reader);
    m.facts = fst_facts_new(meta);
    if (!r || !m.facts || (a.shards && !(m.census = calloc(a.shards, sizeof *m.census)))) {
        fputs(CMD ": out of memory\n", stderr);
        fst_reader_free(r);
        fst_facts_free(m.facts);
        fst_eni_table_free(meta);
        return FST_EXIT_FATAL;
    }
    code = fst_cli_add_inputs(r, argc - a.first, argv + a.first);
    if (code)
        goto done;
    if (a.in.output && !(m.ob.f = fopen(a.in.output, "w"))) {
        fprintf(stderr, CMD ": %s: cannot open for writing\n", a.in.output);
        m.ob.f = stdout;
        code = FST_EXIT_FATAL;
        goto done;
    }
    code = map_all(r, &m);
    if (code == FST_EXIT_OK)
        put_census(&m, task_id(argc - a.first, argv + a.first, a.shards, a.name));
    fst_cli_print_input_summary(r, a.in.quiet, NULL);
    if (a.in.stats_path &&
        fst_cli_write_stats(CMD, a.in.stats_path, r, NULL, NULL, 0, 0) < 0 && !code)
        code = FST_EXIT_FATAL;
    if (code == FST_EXIT_OK)
        code = fst_cli_input_exit_code(r);
done:
    ob_flush(&m.ob);
    if (m.ob.failed || fflush(m.ob.f) != 0 || ferror(m.ob.f)) {
        fputs(CMD ": cannot write the output\n", stderr);
        code = FST_EXIT_FATAL;
    }
    if (m.ob.f != stdout && fclose(m.ob.f) != 0)
        code = FST_EXIT_FATAL;
    free(m.ob.p);
    free(m.src_text.p);
    fst_reader_free(r);
    fst_facts_free(m.facts);
    fst_eni_table_free(meta);
    free(m.census);
    free(m.seen.slot);
    return code;
}
