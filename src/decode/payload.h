/* decode/payload.h - decoding the "data" of an envelope record (internal).
 *
 * Owns: the small base64 decoder and the in-memory inflate of the gzip'd
 * payloads of Firehose and Kinesis records (members back to back, the
 * between-members rule of decode/gzip.h), bounded by FST__ENV_DOC_MAX.
 * Used by decode/envelope.c; knows nothing of JSON.
 */
#ifndef FST_DECODE_PAYLOAD_H
#define FST_DECODE_PAYLOAD_H

#include <stddef.h>

#include "flowstitch/errors.h"
#include "decode/inflate.h"

/* fst__payload_decode's result when the data is not base64 (FST_EINVAL,
 * which no inflate backend returns). */
#define FST__PAYLOAD_NOT_BASE64 FST_EINVAL

/* Decode standard base64 (RFC 4648 section 4; '=' padding optional, no
 * whitespace) of s[0..n) into out, which has room for n / 4 * 3 + 2 bytes.
 * Returns 0 with the decoded length in *out_len, or FST_EINVAL when s is
 * not base64. */
int fst__base64_decode(const char *s, size_t n, unsigned char *out, size_t *out_len);

/* Decode the base64 text b64[0..n), then inflate it through zops when it
 * starts with the gzip magic (*zst is the inflate state, created at the
 * first use, the caller's to destroy).  0 with a new buffer in *out
 * (*out_len bytes and one spare byte; the caller frees it with fst__free),
 * or FST__PAYLOAD_NOT_BASE64, FST_EGZIP, FST_ETRUNCATED, FST_ELIMIT
 * (more than FST__ENV_DOC_MAX inflated), FST_ENOMEM. */
int fst__payload_decode(const fst__inflate_ops *zops, void **zst, const char *b64, size_t n,
                        char **out, size_t *out_len);

#endif
