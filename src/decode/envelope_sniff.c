/* decode/envelope_sniff.c - which JSON envelope a decoded stream starts
 * with, from the top-level keys of its first object (decode/envelope.h,
 * fst__envelope_sniff).  A scanner over the bytes, no parse, no state. */
#include <string.h>

#include "decode/envelope.h"
#include "util/util.h"

static int key_is(const char *key, size_t klen, const char *want)
{
    return klen == strlen(want) && memcmp(key, want, klen) == 0;
}

static fst__env_kind key_kind(const char *key, size_t klen, char value)
{
    static const struct {
        const char *key;
        char value; /* first byte of the value */
        fst__env_kind kind;
    } keys[] = {
        {"logEvents", '[', FST__ENV_SUBSCRIPTION}, {"messageType", '"', FST__ENV_SUBSCRIPTION},
        {"records", '[', FST__ENV_FIREHOSE},       {"awslogs", '{', FST__ENV_AWSLOGS},
        {"message", '"', FST__ENV_MESSAGE},
    };
    for (size_t i = 0; i < FST__ARRAY_LEN(keys); i++)
        if (value == keys[i].value && key_is(key, klen, keys[i].key))
            return keys[i].kind;
    return FST__ENV_NONE;
}

fst__env_kind fst__envelope_sniff(const char *p, size_t n, int final)
{
    const fst__env_kind more = final ? FST__ENV_NONE : FST__ENV_MORE;
    size_t i = 0;
    while (i < n && fst__env_is_ws(p[i]))
        i++;
    if (i == n)
        return more;
    if (p[i] != '{')
        return FST__ENV_NONE;
    enum { S_OTHER, S_KEY, S_COLON, S_VALUE } st = S_OTHER;
    /* Keys are followed at depth kd: 1, the top level, or 3 inside the
     * first element of a top-level "Records" array (a Kinesis event when
     * it has a "kinesis" object).  first_rec: "Records" [ was just met. */
    size_t depth = 0, klen = 0, kd = 1;
    int first_rec = 0;
    const char *key = NULL;
    for (; i < n; i++) {
        const char c = p[i];
        if (fst__env_is_ws(c))
            continue;
        if (first_rec) { /* the first element of Records: an object is looked into */
            first_rec = 0;
            if (c == '{' && depth == 2)
                kd = 3;
        }
        if (depth == kd && st == S_VALUE) {
            st = S_OTHER;
            if (kd == 3) {
                if (c == '{' && key_is(key, klen, "kinesis"))
                    return FST__ENV_KINESIS;
            } else if (c == '[' && key_is(key, klen, "Records")) {
                first_rec = 1;
            } else {
                const fst__env_kind k = key_kind(key, klen, c);
                if (k != FST__ENV_NONE)
                    return k;
            }
        }
        switch (c) {
        case '"': {
            size_t j = i + 1;
            while (j < n && p[j] != '"')
                j += p[j] == '\\' ? 2 : 1;
            if (j >= n)
                return more;
            if (depth == kd && st == S_KEY) {
                key = p + i + 1;
                klen = j - i - 1;
                st = S_COLON;
            }
            i = j;
            break;
        }
        case '{':
        case '[':
            if (++depth == kd)
                st = S_KEY;
            break;
        case '}':
        case ']':
            if (--depth == 0)
                return FST__ENV_NONE; /* the first object ended: no envelope key */
            if (kd == 3 && depth == 2) { /* Records' first element ended: no "kinesis" */
                kd = 1;
                st = S_OTHER;
            }
            break;
        case ':':
            if (depth == kd && st == S_COLON)
                st = S_VALUE;
            break;
        case ',':
            if (depth == kd)
                st = S_KEY;
            break;
        default:
            break;
        }
    }
    return more;
}

