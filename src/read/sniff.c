/* read/sniff.c - what a walked file is (read/sniff.h). */
#include "read/sniff.h"

#include <string.h>

static const char parquet_magic[4] = {'P', 'A', 'R', '1'};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

size_t fst__sniff_skip_space(const char *buf, size_t n)
{
    size_t k = 0;
    while (k < n && is_space(buf[k]))
        k++;
    return k;
}

int fst__sniff_parquet(const unsigned char *raw, size_t n)
{
    return n >= sizeof parquet_magic && memcmp(raw, parquet_magic, sizeof parquet_magic) == 0;
}

fst__sniff_kind fst__sniff_text(const char *buf, size_t n)
{
    const size_t block = n < FST__SNIFF_BLOCK ? n : FST__SNIFF_BLOCK;
    if (fst__sniff_parquet((const unsigned char *)buf, n))
        return FST__SNIFF_PARQUET;
    if (memchr(buf, '\0', block))
        return FST__SNIFF_BINARY;
    const size_t k = fst__sniff_skip_space(buf, n);
    if (k < n && buf[k] == '{')
        return FST__SNIFF_OBJECT;
    if (k < n && buf[k] == '[')
        return FST__SNIFF_ARRAY;
    return FST__SNIFF_TEXT;
}

int fst__sniff_line(char *buf, size_t n, int final, char **s, size_t *len)
{
    size_t pos = 0;
    return fst__sniff_next_line(buf, n, final, &pos, s, len);
}

int fst__sniff_next_line(char *buf, size_t n, int final, size_t *at, char **s, size_t *len)
{
    size_t pos = *at;
    while (pos < n) {
        char *b = buf + pos;
        const char *nl = memchr(b, '\n', n - pos);
        if (!nl && !final)
            return 0;
        size_t ln = nl ? (size_t)(nl - b) : n - pos;
        pos += ln + 1;
        if (ln && b[ln - 1] == '\r')
            ln--;
        const size_t k = fst__sniff_skip_space(b, ln);
        if (k == ln || b[k] == '#')
            continue;
        *s = b;
        *len = ln;
        *at = pos < n ? pos : n;
        return 1;
    }
    return 0;
}
