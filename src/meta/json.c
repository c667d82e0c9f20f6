/* meta/json.c - reading AWS CLI JSON dumps (see json.h). */
#include "meta/json.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flowstitch/errors.h"
#include "util/util.h"

/* Whole file into memory. */
static int read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return errno == ENOENT ? FST_ENOENT : FST_EIO;
    }
    size_t len = 0, cap = 65536;
    char *buf = fst__malloc(cap);
    int rc = buf ? 0 : FST_ENOMEM;
    while (rc == 0) {
        if (len == cap) {
            char *nb = fst__realloc(buf, cap * 2);
            if (!nb) {
                rc = FST_ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        const size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        rc = FST_EIO;
    } else if (rc == FST_ENOMEM) {
        snprintf(err, errlen, "%s: out of memory", path);
    }
    fclose(f);
    if (rc < 0) {
        fst__free(buf);
        return rc;
    }
    *out = buf;
    *outlen = len;
    return 0;
}

/* 1-based line and column of byte offset pos in buf. */
static void line_col(const char *buf, size_t pos, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static size_t skip_space(const char *buf, size_t len, size_t off)
{
    while (off < len && (buf[off] == ' ' || buf[off] == '\t' || buf[off] == '\n' ||
                         buf[off] == '\r'))
        off++;
    return off;
}

/* Every concatenated JSON document in buf. */
static int each_doc(const char *path, const char *what, const char *buf, size_t len,
                    fst__json_doc_fn fn, void *ud, char *err, size_t errlen)
{
    size_t off = skip_space(buf, len, 0), docno = 0;
    if (off == len) {
        snprintf(err, errlen, "%s: empty file (expected %s)", path, what);
        return FST_EJSON;
    }
    while (off < len) {
        json_error_t jerr;
        docno++;
        json_t *doc = json_loadb(buf + off, len - off,
                                 JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
                                 &jerr);
        if (!doc) {
            /* jansson counts from the start of this document: shift its
             * line (and, on the document's first line, its column). */
            size_t line, col;
            line_col(buf, off, &line, &col);
            const size_t jl = jerr.line > 0 ? (size_t)jerr.line : 1;
            const size_t jc = jerr.column > 0 ? (size_t)jerr.column : 1;
            snprintf(err, errlen, "%s: line %zu, column %zu: bad JSON: %s", path, line + jl - 1,
                     jl == 1 ? col + jc - 1 : jc, jerr.text);
            return FST_EJSON;
        }
        const int rc = fn(ud, doc, docno);
        json_decref(doc);
        FST__TRY(rc);
        off = skip_space(buf, len, off + (size_t)jerr.position);
    }
    return 0;
}

int fst__json_each_doc(const char *path, const char *what, fst__json_doc_fn fn, void *ud,
                       char *err, size_t errlen)
{
    char spare[8];
    if (!err || !errlen) { /* the caller wants no message */
        err = spare;
        errlen = sizeof spare;
    }
    char *buf = NULL;
    size_t len = 0;
    FST__TRY(read_file(path, &buf, &len, err, errlen));
    const int rc = each_doc(path, what, buf, len, fn, ud, err, errlen);
    fst__free(buf);
    return rc;
}
