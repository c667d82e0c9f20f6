/* stitch/wire.h - the text of a distributed run's engine lines (internal).
 *
 * Owns: writing and reading the tokens of the lines the engine exchanges
 * between map, reduce and merge (facts.c, shard.c; docs/distributed.md
 * "The wire"): a growable line buffer (fst__wbuf) and a cursor over a
 * line (fst__wcur).  Tokens: decimal integers, 16-byte addresses as 32 hex
 * digits, and text with '%', ':', ',', space and bytes outside 0x21..0x7e
 * as %XX, so no token holds a separator or a tab.  Readers never trust the
 * text: every get returns -1 on a malformed token and leaves the cursor
 * failed (fst__wcur.bad).
 */
#ifndef FST_STITCH_WIRE_H
#define FST_STITCH_WIRE_H

#include <stddef.h>
#include <stdint.h>

typedef struct fst__wbuf {
    char *p;
    uint32_t n, cap;
    int failed; /* out of memory: the line is incomplete */
} fst__wbuf;

void fst__wb_reset(fst__wbuf *b);
void fst__wb_free(fst__wbuf *b);
void fst__wb_put(fst__wbuf *b, const char *s, size_t n);
void fst__wb_ch(fst__wbuf *b, char c);
void fst__wb_u64(fst__wbuf *b, uint64_t v);
void fst__wb_i64(fst__wbuf *b, int64_t v);
void fst__wb_addr(fst__wbuf *b, const uint8_t a[16]);
void fst__wb_text(fst__wbuf *b, const char *s);
/* The line, NUL-terminated (NULL when failed). */
const char *fst__wb_str(fst__wbuf *b);

typedef struct fst__wcur {
    const char *p;
    int bad;
} fst__wcur;

/* 1 and the cursor past c when the next character is c, else 0. */
int fst__wc_is(fst__wcur *c, char ch);
/* 0, or -1 (c->bad set) unless the next character is ch. */
int fst__wc_expect(fst__wcur *c, char ch);
int fst__wc_u64(fst__wcur *c, uint64_t *v);
int fst__wc_i64(fst__wcur *c, int64_t *v);
int fst__wc_addr(fst__wcur *c, uint8_t a[16]);
/* Text up to the next separator, unescaped into a new string (fst__free). */
int fst__wc_text(fst__wcur *c, char **out);
/* The next word (letters, digits, '_') into w (cap bytes); 0 or -1. */
int fst__wc_word(fst__wcur *c, char *w, size_t cap);

#endif
