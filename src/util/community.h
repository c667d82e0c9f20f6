/* util/community.h - Community ID v1 with a chosen SHA-1 (internal).
 *
 * Owns: the variant of fst_community_id() the stitcher calls once per
 * session, with sha_ni = fst__sha1_have_ni() asked once at its creation
 * (the public function always uses the portable SHA-1).
 */
#ifndef FST_UTIL_COMMUNITY_H
#define FST_UTIL_COMMUNITY_H

#include "flowstitch/stitcher.h"

void fst__community_id(uint16_t seed, uint8_t proto, const fst_addr *a, uint16_t aport,
                       const fst_addr *b, uint16_t bport, char out[32], int sha_ni);

#endif
