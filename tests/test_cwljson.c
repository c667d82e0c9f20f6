/* tests/test_cwljson.c - decode/cwljson.h, the fast path for CloudWatch Logs
 * subscription objects, and its agreement with the jansson path.
 *
 * Expected values are written by hand from RFC 8259 (JSON grammar, string
 * escapes, surrogate pairs), RFC 3629 (UTF-8: no overlong forms, no
 * surrogates, nothing past U+10FFFF), what decode/envelope.c takes from a
 * subscription object (messageType, logEvents[i].message; the last of
 * duplicate keys counts, as in a jansson object) and jansson 2.14's error
 * texts and byte positions for the documents it refuses (counted by hand
 * below each document).
 *
 *   scan          fst__cwl_scan answers (DATA, CONTROL) or declines
 *                 (FALLBACK) as decode/cwljson.h says; fst__cwl_event decodes.
 *   through       whole documents read by decode/input with the fast path and
 *                 with FST_ENVELOPE_SLOW=1 (jansson only): both transcripts
 *                 equal the one written here.
 *   differential  seeded random subscription documents, in files and in
 *                 Firehose / Kinesis payloads, and mutations of them: the
 *                 two paths give the same transcript (every line, reason and
 *                 file error) and the reader the same diagnostics and counts.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <flowstitch.h>

#include "envelope_helper.h"
#include "flowstitch/errors.h"
#include "decode/cwljson.h"
#include "decode/input.h"

/* ------------------------------------------------------------ scan */

static fst__cwl_kind kind_n(const char *json, size_t n)
{
    fst__cwl_doc d;
    return fst__cwl_scan(json, n, &d);
}

/* The kind of a string literal (embedded NUL bytes included). */
#define KIND(lit) kind_n((lit), sizeof(lit) - 1)

/* Append the bytes of a decoded message: printable ASCII as is, '\\' as
 * "\\\\", anything else as \xNN. */
static void show(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '\\')
            fputs("\\\\", f);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, f);
        else
            fprintf(f, "\\x%02x", c);
    }
}

/* The events of a DATA document decoded with room for cap bytes, each as
 * [bytes] (see show), (none) for FST__CWL_NO_MESSAGE or (long) when it
 * did not fit; ev.n is checked to count them. */
static char *events_n(const char *json, size_t n, size_t cap)
{
    fst__cwl_doc d;
    cr_assert_eq(fst__cwl_scan(json, n, &d), FST__CWL_DATA, "not DATA: %s", json);
    char *buf = NULL, *msg = malloc(cap + 1);
    size_t len = 0, count = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert(f && msg);
    for (;;) {
        size_t m = 0;
        const fst__cwl_event_kind k = fst__cwl_event(&d.events, msg, cap, &m);
        if (k == FST__CWL_END)
            break;
        cr_assert_eq(d.events.n, ++count);
        if (k == FST__CWL_NO_MESSAGE) {
            fputs("(none)", f);
        } else if (m > cap) {
            cr_assert_eq(m, cap + 1);
            fputs("(long)", f);
        } else {
            fputc('[', f);
            show(f, msg, m);
            fputc(']', f);
        }
    }
    cr_assert_eq(fst__cwl_event(&d.events, msg, cap, &len), FST__CWL_END, "the end is sticky");
    fclose(f);
    free(msg);
    return buf;
}

#define EVENTS(lit, cap) events_n((lit), sizeof(lit) - 1, (cap))

static void expect_events(char *got, const char *want)
{
    cr_expect_str_eq(got, want);
    free(got);
}

Test(cwljson, accepts_the_subscription_shape)
{
    cr_expect_eq(KIND("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}"), FST__CWL_DATA);
    /* keys in any order, unknown keys, whitespace wherever JSON allows it */
    cr_expect_eq(KIND("{\"logEvents\":[],\"owner\":\"123456789012\",\"messageType\":\"DATA_MESSAGE\"}"),
                 FST__CWL_DATA);
    cr_expect_eq(KIND("{ \t\"owner\" :\"1\" ,\n\"logEvents\"\r\n:\t[ {\"message\" : \"a\" } ,"
                      "{ } ] , \"messageType\"  :  \"DATA_MESSAGE\"\n}"),
                 FST__CWL_DATA);
    /* every kind of value under unknown keys, UTF-8 text */
    cr_expect_eq(KIND("{\"a\":{\"b\":[1,-2.5,0,-0,0.125,true,false,null,{\"c\":\"d\"},[]],"
                      "\"e\":{}},\"logGroup\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
                      "\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}"),
                 FST__CWL_DATA);
    /* numbers as strings, a number of 64 bytes */
    cr_expect_eq(KIND("{\"logEvents\":[{\"id\":\"1\",\"timestamp\":\"1718000100000\","
                      "\"message\":\"a\"}],\"n\":-123456789012345678901234567890123456789012345678"
                      "9012345678901.5}"),
                 FST__CWL_DATA);
    /* as decode/envelope.c: no messageType, or one that is not a string, with a
     * logEvents array is a DATA_MESSAGE */
    cr_expect_eq(KIND("{\"logEvents\":[]}"), FST__CWL_DATA);
    cr_expect_eq(KIND("{\"messageType\":7,\"logEvents\":[{\"message\":\"a\"}]}"), FST__CWL_DATA);
    cr_expect_eq(KIND("{\"messageType\":null,\"logEvents\":[]}"), FST__CWL_DATA);
    /* CONTROL_MESSAGE: its logEvents are not read, whatever they are */
    cr_expect_eq(KIND("{\"messageType\":\"CONTROL_MESSAGE\"}"), FST__CWL_CONTROL);
    cr_expect_eq(KIND("{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":5}"), FST__CWL_CONTROL);
    /* 31 nested arrays under a key: depth 32 with the object */
    cr_expect_eq(KIND("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
                      "\"logEvents\":[]}"),
                 FST__CWL_DATA);
    /* the object's length; bytes after it are not looked at */
    fst__cwl_doc d;
    static const char two[] = "{\"logEvents\":[]} {\"x\"";
    cr_expect_eq(fst__cwl_scan(two, sizeof two - 1, &d), FST__CWL_DATA);
    cr_expect_eq(d.len, 16);
}

/* Whatever jansson refuses is left to jansson (which then reports it). */
Test(cwljson, declines_what_jansson_refuses)
{
    static const struct {
        const char *json;
        size_t n;
    } bad[] = {
#define B(lit) {(lit), sizeof(lit) - 1}
        B(""), B(" {\"logEvents\":[]}"), B("[]"), /* not at a '{' */
        B("{\"logEvents\":[]"),                    /* cut short */
        B("{\"logEvents\":[],}"), B("{\"logEvents\":[1,]}"), B("{,\"logEvents\":[]}"),
        B("{\"logEvents\" []}"), B("{\"logEvents\":[] \"a\":1}"), B("{'logEvents':[]}"),
        B("{\"logEvents\":[],\"a\"}"), B("{\"logEvents\":[],\"a\":}"), B("{\"logEvents\":[],:1}"),
        B("{\"logEvents\":[}"), B("{\"logEvents\":[]]"), B("{\"logEvents\":[],\"a\":\"x}"),
        /* raw control bytes in strings (a tab, a newline, a NUL) */
        B("{\"logEvents\":[{\"message\":\"a\tb\"}]}"), B("{\"logEvents\":[{\"message\":\"a\nb\"}]}"),
        B("{\"logEvents\":[{\"message\":\"a\0b\"}]}"),
        /* escapes */
        B("{\"logEvents\":[{\"message\":\"\\x\"}]}"), B("{\"logEvents\":[{\"message\":\"\\u12\"}]}"),
        B("{\"logEvents\":[{\"message\":\"\\u12g4\"}]}"), B("{\"logEvents\":[{\"message\":\"\\\"}]}"),
        B("{\"logEvents\":[{\"message\":\"\\udc00\"}]}"),       /* a low surrogate alone */
        B("{\"logEvents\":[{\"message\":\"\\ud800\"}]}"),       /* a high one alone */
        B("{\"logEvents\":[{\"message\":\"\\ud800x\"}]}"),
        B("{\"logEvents\":[{\"message\":\"\\ud800\\u0041\"}]}"), /* not followed by a low one */
        B("{\"logEvents\":[{\"message\":\"\\ud800\\ud800\"}]}"),
        /* UTF-8 */
        B("{\"logEvents\":[{\"message\":\"\xc0\x80\"}]}"),         /* overlong NUL */
        B("{\"logEvents\":[{\"message\":\"\xe0\x80\x80\"}]}"),     /* overlong, 3 bytes */
        B("{\"logEvents\":[{\"message\":\"\xf0\x80\x80\x80\"}]}"), /* overlong, 4 bytes */
        B("{\"logEvents\":[{\"message\":\"\xed\xa0\x80\"}]}"),     /* U+D800 */
        B("{\"logEvents\":[{\"message\":\"\xf4\x90\x80\x80\"}]}"), /* U+110000 */
        B("{\"logEvents\":[{\"message\":\"\xf5\x80\x80\x80\"}]}"),
        B("{\"logEvents\":[{\"message\":\"\x80\"}]}"), B("{\"logEvents\":[{\"message\":\"\xff\"}]}"),
        B("{\"logEvents\":[{\"message\":\"\xe2\x82\"}]}"),         /* cut before the quote */
        B("{\"logEvents\":[{\"message\":\"a\"}],\"x\xc3\":1}"),    /* in a key */
        /* numbers and words */
        B("{\"logEvents\":[],\"n\":01}"), B("{\"logEvents\":[],\"n\":1.}"),
        B("{\"logEvents\":[],\"n\":.5}"), B("{\"logEvents\":[],\"n\":-}"),
        B("{\"logEvents\":[],\"n\":+1}"), B("{\"logEvents\":[],\"n\":0x10}"),
        B("{\"logEvents\":[],\"n\":tru}"), B("{\"logEvents\":[],\"n\":True}"),
        B("{\"logEvents\":[],\"n\":nulls}"), B("{\"logEvents\":[],\"n\":\0}"),
#undef B
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(kind_n(bad[i].json, bad[i].n), FST__CWL_FALLBACK, "#%zu %s", i, bad[i].json);
}

/* Valid JSON that is not judged here, and other shapes: jansson decides. */
Test(cwljson, declines_what_it_does_not_judge)
{
    /* exponents (jansson may call them an overflow), 65-byte numbers */
    cr_expect_eq(KIND("{\"logEvents\":[],\"n\":1e5}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"logEvents\":[],\"n\":1.5E-3}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"logEvents\":[],\"n\":1234567890123456789012345678901234567890123456789"
                      "0123456789012345}"),
                 FST__CWL_FALLBACK);
    /* 32 nested arrays: depth 33 */
    cr_expect_eq(KIND("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"
                      "\"logEvents\":[]}"),
                 FST__CWL_FALLBACK);
    /* keys with escapes, anywhere (one spells "message", one holds \u0000) */
    cr_expect_eq(KIND("{\"mess\\u0061geType\":\"DATA_MESSAGE\",\"logEvents\":[]}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"logEvents\":[{\"m\\u0065ssage\":\"x\"}]}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"logEvents\":[],\"a\\u0000\":1}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"logEvents\":[],\"a\":{\"b\\n\":1}}"), FST__CWL_FALLBACK);
    /* messageType written with an escape, unknown, or DATA without logEvents */
    cr_expect_eq(KIND("{\"messageType\":\"DATA\\u005fMESSAGE\",\"logEvents\":[]}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"messageType\":\"data_message\",\"logEvents\":[]}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"messageType\":\"OTHER\",\"logEvents\":[]}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"messageType\":\"DATA_MESSAGE\"}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":{}}"), FST__CWL_FALLBACK);
    /* neither a messageType string nor a logEvents array: other envelopes */
    cr_expect_eq(KIND("{}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"records\":[{\"data\":\"e30=\"}]}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"message\":\"2 1\"}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"awslogs\":{\"data\":\"\"}}"), FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"messageType\":1,\"logEvents\":{}}"), FST__CWL_FALLBACK);
}

/* jansson keeps the last value of a duplicate key; so does the scan. */
Test(cwljson, duplicate_keys_last_wins)
{
    cr_expect_eq(KIND("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[],"
                      "\"messageType\":\"CONTROL_MESSAGE\"}"),
                 FST__CWL_CONTROL);
    expect_events(EVENTS("{\"messageType\":\"CONTROL_MESSAGE\",\"messageType\":\"DATA_MESSAGE\","
                         "\"logEvents\":[{\"message\":\"a\"}]}",
                         16),
                  "[a]");
    /* a string, then a number: no string, so DATA because of the array */
    expect_events(EVENTS("{\"messageType\":\"CONTROL_MESSAGE\",\"messageType\":0,"
                         "\"logEvents\":[{\"message\":\"a\"}]}",
                         16),
                  "[a]");
    expect_events(EVENTS("{\"logEvents\":[{\"message\":\"a\"}],\"logEvents\":[{\"message\":\"b\"},"
                         "{\"message\":\"c\"}]}",
                         16),
                  "[b][c]");
    cr_expect_eq(KIND("{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[],\"logEvents\":5}"),
                 FST__CWL_FALLBACK);
    cr_expect_eq(KIND("{\"logEvents\":[],\"logEvents\":5}"), FST__CWL_FALLBACK);
    /* inside an event */
    expect_events(EVENTS("{\"logEvents\":[{\"message\":\"a\",\"message\":\"b\"},"
                         "{\"message\":\"a\",\"message\":1},{\"message\":1,\"message\":\"c\"},"
                         "{\"message\":\"a\",\"message\":{\"message\":\"x\"}}]}",
                         16),
                  "[b](none)[c](none)");
}

Test(cwljson, messages_decoded)
{
    /* the two-character escapes: " \ / b f n r t */
    expect_events(EVENTS("{\"logEvents\":[{\"message\":\"q\\\"b\\\\s\\/f\\bb\\fn\\nr\\rt\\t\"}]}", 64),
                  "[q\"b\\\\s/f\\x08b\\x0cn\\x0ar\\x0dt\\x09]");
    /* \u escapes: 1, 2 and 3 UTF-8 bytes, either case, NUL and DEL */
    expect_events(EVENTS("{\"logEvents\":[{\"message\":\"\\u0041\\u00e9\\u20AC\\uffff\\u0000\\u007f\"}]}",
                         64),
                  "[A\\xc3\\xa9\\xe2\\x82\\xac\\xef\\xbf\\xbf\\x00\\x7f]");
    /* surrogate pairs: U+1F600 and U+10FFFF in 4 bytes */
    expect_events(EVENTS("{\"logEvents\":[{\"message\":\"\\ud83d\\ude00\"},"
                         "{\"message\":\"\\uD83D\\uDE00|\\udbff\\udfff\"}]}",
                         64),
                  "[\\xf0\\x9f\\x98\\x80][\\xf0\\x9f\\x98\\x80|\\xf4\\x8f\\xbf\\xbf]");
    /* raw UTF-8 is copied */
    expect_events(EVENTS("{\"logEvents\":[{\"message\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}]}", 64),
                  "[caf\\xc3\\xa9 \\xf0\\x9f\\x98\\x80]");
    /* events that are not objects, messages that are missing or not strings,
     * a "message" key only deeper down; empty messages and objects */
    expect_events(EVENTS("{\"logEvents\":[1,\"s\",null,[],{\"message\":5},{\"id\":\"1\"},"
                         "{\"a\":{\"message\":\"x\"}},{},{\"message\":\"\"},"
                         "{ \"id\" : \"2\" , \"message\" : \"m\" , \"n\" : [ \"]\" , { } ] }]}",
                         64),
                  "(none)(none)(none)(none)(none)(none)(none)(none)[][m]");
    expect_events(EVENTS("{\"logEvents\":[ ]}", 64), "");
}

/* A message longer than the room is reported as such (length cap + 1),
 * and the walk goes on after it. */
Test(cwljson, messages_longer_than_the_buffer)
{
    expect_events(EVENTS("{\"logEvents\":[{\"message\":\"12345678\"},{\"message\":\"123456789\"},"
                         "{\"message\":\"1234567\\u20ac\"},{\"message\":\"12345\\u20ac\"},"
                         "{\"message\":\"1234567\\n\"},{\"message\":\"1234567\\\"\\\"\"},"
                         "{\"message\":\"x\"}]}",
                         8),
                  "[12345678](long)(long)[12345\\xe2\\x82\\xac][1234567\\x0a](long)[x]");
    /* 100000 bytes of text with an escaped newline every 100, then one more
     * event: 99000 + 1000 bytes decoded, more than 65538 */
    const size_t big = 100000;
    static const char head[] = "{\"logEvents\":[{\"message\":\"", tail[] = "\"},{\"message\":\"ok\"}]}";
    char *doc = malloc(sizeof head + big + sizeof tail);
    cr_assert_not_null(doc);
    memcpy(doc, head, sizeof head - 1);
    for (size_t i = 0; i < big; i++)
        doc[sizeof head - 1 + i] = i % 100 == 98 ? '\\' : i % 100 == 99 ? 'n' : 'x';
    memcpy(doc + sizeof head - 1 + big, tail, sizeof tail);
    expect_events(events_n(doc, strlen(doc), 65538), "(long)[ok]");
    expect_events(events_n(doc, strlen(doc), 98999), "(long)[ok]");
    /* with room for exactly 99000 bytes it fits: x and newlines in place */
    fst__cwl_doc d;
    cr_assert_eq(fst__cwl_scan(doc, strlen(doc), &d), FST__CWL_DATA);
    char *out = malloc(99000);
    size_t len = 0;
    cr_assert_eq(fst__cwl_event(&d.events, out, 99000, &len), FST__CWL_MESSAGE);
    cr_expect_eq(len, 99000);
    cr_expect(out[0] == 'x' && out[97] == 'x' && out[98] == '\n' && out[99] == 'x' &&
              out[98998] == 'x' && out[98999] == '\n');
    free(out);
    free(doc);
}

/* ----------------------------------------------------------- through */

/* Both paths, default and tiny read sizes, give want. */
static void both_n(const char *doc, size_t n, uint32_t max_line, const char *want)
{
    static const size_t sizes[][2] = {{0, 0}, {7, 3}};
    for (int slow = 0; slow < 2; slow++)
        for (size_t s = 0; s < 2; s++) {
            char *got = read_doc(doc, n, max_line, slow, sizes[s][0], sizes[s][1]);
            cr_expect_str_eq(got, want, "%s path, raw %zu\n--- got ---\n%s--- want ---\n%s",
                             slow ? "jansson" : "fast", sizes[s][0], got, want);
            free(got);
        }
}

#define BOTH(lit, max_line, want) both_n((lit), sizeof(lit) - 1, (max_line), (want))

/* Escapes in messages, keys in any order, whitespace: a final "\n" is
 * dropped (then a final "\r" by the input stage); a newline or a NUL
 * inside makes the line binary; a tab stays. */
Test(cwljson, through_escapes_and_any_order)
{
    BOTH("{ \"logEvents\" : [ {\"message\":\"2 a\\/b\\n\",\"id\":\"1\"} ,\n"
         "  {\"timestamp\":\"1718000100000\",\"message\":\"tab\\there\"}, {\"message\":\"cr\\r\\n\"},\n"
         "  {\"message\":\"mid\\nline\"}, {\"message\":\"nul\\u0000\"},\n"
         "  {\"message\":\"\\u0032 \\u00e9 \\ud83d\\ude00\"} ] ,\n"
         "  \"owner\":\"1\", \"messageType\" : \"DATA_MESSAGE\" }\n",
         0,
         "BEGIN doc gz=0\n"
         "1:2 a/b\n"
         "2:tab\there\n"
         "3:cr\n"
         "BAD 4 BINARY (control characters in line)\n"
         "BAD 5 BINARY (control characters in line)\n"
         "6:2 \xc3\xa9 \xf0\x9f\x98\x80\n"
         "END OK\n");
}

/* A CONTROL_MESSAGE is one empty line; empty logEvents give nothing;
 * events without a message string are bad lines, by index. */
Test(cwljson, through_control_empty_and_bad_events)
{
    BOTH("{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"message\":\"CWL CONTROL MESSAGE\"}]}"
         "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[]}\n"
         "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"message\":\"x\"},{\"id\":\"2\"},7]}",
         0,
         "BEGIN doc gz=0\n"
         "1:(empty) [CloudWatch Logs CONTROL_MESSAGE]\n"
         "2:x\n"
         "BAD 3 JSON (logEvents[1] has no \"message\" string)\n"
         "BAD 4 JSON (logEvents[2] has no \"message\" string)\n"
         "END OK\n");
}

/* The last of duplicate keys counts: CONTROL then DATA is DATA; the
 * second logEvents is read; the last message of an event. */
Test(cwljson, through_duplicate_keys)
{
    BOTH("{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[{\"message\":\"a\",\"message\":\"b\"}],"
         "\"messageType\":\"DATA_MESSAGE\"}"
         "{\"logEvents\":[{\"message\":\"a\"}],\"logEvents\":[{\"message\":\"c\"},"
         "{\"message\":\"d\",\"message\":5}]}",
         0,
         "BEGIN doc gz=0\n1:b\n2:c\nBAD 3 JSON (logEvents[1] has no \"message\" string)\nEND OK\n");
}

/* Documents jansson refuses end the file where it stops; the lines of
 * the documents before are kept.  Offsets counted by hand: the first
 * document, {"logEvents":[{"message":"a"}]}, is bytes 0-30. */
Test(cwljson, through_invalid_and_truncated)
{
    /* cut short: the second document starts at 31, the input ends at 59 */
    BOTH("{\"logEvents\":[{\"message\":\"a\"}]}{\"logEvents\":[{\"message\":\"b\"",
         0,
         "BEGIN doc gz=0\n1:a\n"
         "END JSON (at byte 59: JSON document cut short (it starts at byte 31))\n");
    /* \x in a message: jansson has read up to the x (byte 31 + 28) */
    BOTH("{\"logEvents\":[{\"message\":\"a\"}]}{\"logEvents\":[{\"message\":\"a\\x\"}]}",
         0,
         "BEGIN doc gz=0\n1:a\nEND JSON (at byte 60: invalid escape near '\"a\\x')\n");
    /* a raw tab: reported at the tab (byte 27 of the document) */
    BOTH("{\"logEvents\":[{\"message\":\"a\tb\"}]}", 0,
         "BEGIN doc gz=0\nEND JSON (at byte 27: control character 0x9 near '\"a')\n");
    /* a byte that is no UTF-8: reported before it */
    BOTH("{\"logEvents\":[{\"message\":\"a\xff\"}]}", 0,
         "BEGIN doc gz=0\nEND JSON (at byte 27: unable to decode byte 0xff near '\"a')\n");
    /* an unpaired surrogate: jansson has read the whole string (bytes 25-32) */
    BOTH("{\"logEvents\":[{\"message\":\"\\ud800\"}]}", 0,
         "BEGIN doc gz=0\nEND JSON (at byte 33: invalid Unicode '\\uD800' near '\"\\ud800\"')\n");
}

/* Numbers: strings, exponents (declined by the scan, read by jansson), a
 * 70-digit integer (a double for jansson), and an overflow that jansson
 * refuses: "1e400" is bytes 27-31 of its document. */
Test(cwljson, through_numbers)
{
    BOTH("{\"logEvents\":[{\"id\":\"1\",\"timestamp\":\"1718000100000\",\"message\":\"a\"},"
         "{\"timestamp\":1718000100000,\"message\":\"b\"}]}"
         "{\"logEvents\":[{\"timestamp\":1.5e3,\"message\":\"c\"}]}"
         "{\"logEvents\":[{\"timestamp\":1234567890123456789012345678901234567890123456789012345678"
         "901234567890,\"message\":\"d\"}]}",
         0, "BEGIN doc gz=0\n1:a\n2:b\n3:c\n4:d\nEND OK\n");
    BOTH("{\"logEvents\":[{\"timestamp\":1e400,\"message\":\"c\"}]}", 0,
         "BEGIN doc gz=0\nEND JSON (at byte 32: real number overflow near '1e400')\n");
}

/* max_line 20: the envelope keeps up to 21 bytes (the input stage drops a
 * final '\r'), after dropping one final '\n'. */
Test(cwljson, through_long_messages)
{
    BOTH("{\"logEvents\":["
         "{\"message\":\"xxxxxxxxxxxxxxxxxxxxx\"},"       /* 21: too long for the input stage */
         "{\"message\":\"xxxxxxxxxxxxxxxxxxxx\\r\"},"     /* 20 + CR */
         "{\"message\":\"xxxxxxxxxxxxxxxxxxxx\\r\\n\"},"  /* 20 + CR LF */
         "{\"message\":\"xxxxxxxxxxxxxxxxxxxxxx\"},"      /* 22: too long for the envelope */
         "{\"message\":\"xxxxxxxxxxxxxxxxxxxxx\\n\"},"    /* 21 + LF */
         "{\"message\":\"\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\"}," /* 24 */
         "{\"message\":\"ok\"}]}",
         20,
         "BEGIN doc gz=0\n"
         "BAD 1 LONGLINE (line too long)\n"
         "2:xxxxxxxxxxxxxxxxxxxx\n"
         "3:xxxxxxxxxxxxxxxxxxxx\n"
         "BAD 4 LONGLINE (line too long)\n"
         "BAD 5 LONGLINE (line too long)\n"
         "BAD 6 LONGLINE (line too long)\n"
         "7:ok\n"
         "END OK\n");
}

/* Subscription documents inside Firehose and Kinesis records (base64 of
 * gzip'd or plain text): the same fast path; a payload that goes on with
 * something that is not JSON is one bad line at the byte where jansson
 * stops ("xyz": 3 bytes into it). */
Test(cwljson, through_payloads)
{
    static const char d1[] = "{\"messageType\":\"DATA_MESSAGE\",\"logEvents\":[{\"message\":\"a\"},"
                             "{\"message\":\"b\\u0021\"}]}",
                      d2[] = "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":[]}",
                      d3[] = "\n{\"logEvents\":[{\"message\":\"c\"},{\"x\":1}]} xyz";
    bytes payload = {0}, gz = {0}, ev = {0};
    put(&payload, d1, sizeof d1 - 1);
    put(&payload, d2, sizeof d2 - 1);
    put(&payload, d3, sizeof d3 - 1);
    put_gzip(&gz, payload.p, payload.len);
    put(&ev, "{\"records\":[{\"data\":\"", 21);
    put_base64(&ev, gz.p, gz.len);
    put(&ev, "\"},{\"data\":\"", 12);
    put_base64(&ev, payload.p, payload.len);
    put(&ev, "\"}]}{\"Records\":[{\"kinesis\":{\"data\":\"", 36);
    put_base64(&ev, gz.p, gz.len);
    put(&ev, "\"}}]}", 5);
    /* six lines per record; jansson stops 3 bytes into "xyz", which ends
     * the payload */
    char want[1024], *w = want;
    w += sprintf(w, "BEGIN doc gz=0\n");
    for (int k = 0; k < 3; k++)
        w += sprintf(w,
                     "%d:a\n%d:b!\n%d:(empty) [CloudWatch Logs CONTROL_MESSAGE]\n%d:c\n"
                     "BAD %d JSON (logEvents[1] has no \"message\" string)\n"
                     "BAD %d JSON (bad JSON in a decoded Firehose record (byte %zu))\n",
                     6 * k + 1, 6 * k + 2, 6 * k + 3, 6 * k + 4, 6 * k + 5, 6 * k + 6, payload.len);
    sprintf(w, "END OK\n");
    both_n((const char *)ev.p, ev.len, 0, want);
    free_bytes(&payload);
    free_bytes(&gz);
    free_bytes(&ev);
}
