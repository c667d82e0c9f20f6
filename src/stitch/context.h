/* stitch/context.h - where a session's sides live, and what kind of
 * traffic it is (internal).
 *
 * Owns: filling the context part of a public fst_session (client_ctx,
 * server_ctx, region, traffic_path, aws_service, traffic_class) from what
 * observe kept per ENI and per AWS service address, the ENI metadata and
 * the subnets table.  Reads only: may run on the emitting helper thread.
 *
 * A side's ENI is the ENI whose own address is the side's address: one of
 * the session's observing ENIs (metadata private addresses, else the
 * learned own address), else, with metadata, the ENI that owns it.  Each
 * field comes from the first source that has it: the ENI's records
 * (account-id, vpc-id, subnet-id, az-id, region), the ENI metadata
 * (OwnerId, VpcId, SubnetId, AvailabilityZone), the subnets table (the
 * subnet whose CIDR block holds the address).  The AZ is a zone name when
 * metadata or subnets are loaded (an az-id from the records is translated
 * through the subnets' AvailabilityZoneId; untranslatable: null), else the
 * records' az-id.  Unknown is NULL, never a guess.
 */
#ifndef FST_STITCH_CONTEXT_H
#define FST_STITCH_CONTEXT_H

#include "correlate/session.h"
#include "flowstitch/stitcher.h"

/* Where things are looked up: o, the run's observe (its ENIs; a streaming
 * part borrows them); main, the stitcher's own (ENI names, services). */
typedef struct fst__ctx_src {
    const fst__observe *o, *main;
    const fst_eni_table *meta;       /* may be NULL */
    const fst_subnet_table *subnets; /* may be NULL */
} fst__ctx_src;

/* Fills out's context fields for session s of ss; out's addresses, ports,
 * action, id must already be set.  The strings point into the ENIs, the
 * metadata, the subnets or the service table. */
void fst__session_context(const fst__ctx_src *src, const fst__sessions *ss, const fst__sess *s,
                          fst_session *out);

/* Sets has_leg on every session a NAT leg is tied to (after fst__nat_tie_legs). */
void fst__mark_leg_parents(fst__sessions *ss);

#endif
