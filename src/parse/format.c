/* parse/format.c - fst_format from a format string, a header line, or the
 * default.
 *
 * A format is one allocation: the fst_format, then the names[] pointers,
 * the ids[] bytes and the name text, so fst__format_free is one free.
 */
#include <stdalign.h>
#include <string.h>

#include "flowstitch/reader.h"
#include "parse/fields.h"
#include "parse/format.h"
#include "util/util.h"

typedef struct tok {
    const char *p;
    size_t n;
} tok;

static const char default_fmt[] =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} "
    "${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/* Build from column names (wrapper already removed).  Fails on a repeated
 * known field. */
static fst_format *build(const tok *t, size_t n, int *err, const char **why)
{
    size_t text = 0;
    for (size_t i = 0; i < n; i++)
        text += t[i].n + 1;
    size_t head = sizeof(fst_format) + n * sizeof(char *);
    char *mem = fst__malloc(head + n + text);
    if (!mem) {
        *err = FST_ENOMEM;
        *why = "out of memory";
        return NULL;
    }
    fst_format *f = (fst_format *)mem;
    const char **names = (const char **)(mem + sizeof(fst_format));
    uint8_t *ids = (uint8_t *)(mem + head);
    char *txt = (char *)(ids + n);

    memset(f, 0, sizeof *f);
    for (int k = 0; k < FST_FIELD_COUNT; k++)
        f->col[k] = -1;
    f->ncols = (uint16_t)n;
    for (size_t i = 0; i < n; i++) {
        int id = fst_field_lookup(t[i].p, t[i].n);
        ids[i] = (uint8_t)id;
        memcpy(txt, t[i].p, t[i].n);
        txt[t[i].n] = '\0';
        names[i] = txt;
        txt += t[i].n + 1;
        if (id == FST_F_UNKNOWN)
            continue;
        names[i] = fst_field_name(id);
        if (f->col[id] >= 0) {
            fst__free(mem);
            *err = FST_EFORMAT;
            *why = "a field appears twice";
            return NULL;
        }
        f->col[id] = (int)i;
        FST_FIELDSET_ADD(f->fields, id);
    }
    f->ids = ids;
    f->names = names;
    return f;
}

/* Split on the separator set; strip "${...}" when strip is set.  Returns
 * the token count or a negative code. */
static int split(const char *s, size_t len, int tabs, tok *out, size_t max, const char **why)
{
    size_t n = 0, i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || (tabs && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))))
            i++;
        if (i == len)
            break;
        size_t st = i;
        while (i < len && !(s[i] == ' ' || (tabs && (s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))))
            i++;
        if (n == max) {
            *why = "too many fields";
            return FST_EFORMAT;
        }
        out[n].p = s + st;
        out[n].n = i - st;
        n++;
    }
    if (n == 0) {
        *why = "no fields";
        return FST_EFORMAT;
    }
    return (int)n;
}

/* "${name}" or a bare name; the name may not contain '$', '{' or '}'. */
static int unwrap(tok *t, const char **why)
{
    if (t->n >= 2 && t->p[0] == '$' && t->p[1] == '{') {
        if (t->n < 3 || t->p[t->n - 1] != '}') {
            *why = "unterminated ${";
            return FST_EFORMAT;
        }
        t->p += 2;
        t->n -= 3;
    }
    if (t->n == 0) {
        *why = "empty field name";
        return FST_EFORMAT;
    }
    for (size_t i = 0; i < t->n; i++)
        if (t->p[i] == '$' || t->p[i] == '{' || t->p[i] == '}') {
            *why = "fields must be separated by spaces";
            return FST_EFORMAT;
        }
    return 0;
}

static fst_format *from_text(const char *s, size_t len, int tabs, int *err, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *err = FST_EFORMAT;
    if (!s) {
        *why = "no format";
        return NULL;
    }
    tok *t = fst__malloc(FST__MAX_COLS * sizeof(tok));
    if (!t) {
        *err = FST_ENOMEM;
        *why = "out of memory";
        return NULL;
    }
    fst_format *f = NULL;
    int n = split(s, len, tabs, t, FST__MAX_COLS, why);
    for (int i = 0; n > 0 && i < n; i++)
        if (unwrap(&t[i], why) < 0)
            n = FST_EFORMAT;
    if (n > 0)
        f = build(t, (size_t)n, err, why);
    fst__free(t);
    return f;
}

fst_format *fst__format_from_string(const char *fmt, int *err, const char **why)
{
    return from_text(fmt, fmt ? strlen(fmt) : 0, 1, err, why);
}

fst_format *fst__format_from_header(const char *line, size_t len, int *err, const char **why)
{
    return from_text(line, len, 0, err, why);
}

fst_format *fst__format_default(void)
{
    int err;
    return fst__format_from_string(default_fmt, &err, NULL);
}

void fst__format_free(fst_format *f)
{
    fst__free(f);
}

int fst_format_parse_ids(const char *fmt, uint8_t *ids, int max)
{
    int err;
    fst_format *f = fst__format_from_string(fmt, &err, NULL);
    if (!f)
        return err;
    int n = f->ncols;
    for (int i = 0; i < n && i < max; i++)
        ids[i] = f->ids[i];
    fst__format_free(f);
    return n;
}
