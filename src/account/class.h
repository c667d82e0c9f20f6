/* account/class.h - what kind of traffic a session is (internal).
 *
 * Owns: the traffic_class decision (docs/output.md "traffic_class") from a
 * session's context (fst_session client_ctx/server_ctx, aws_service,
 * traffic_path, action, addresses) and two facts only the engine knows
 * (a NAT gateway on the path, an endpoint ENI among its observers).  Pure
 * functions: no allocation, no state.
 */
#ifndef FST_ACCOUNT_CLASS_H
#define FST_ACCOUNT_CLASS_H

#include "flowstitch/session.h"

/* What the engine knows beyond the session's own fields. */
typedef struct fst__class_facts {
    int nat;       /* a NAT leg, the parent of one, or seen at a NAT gateway hop */
    int endpoint;  /* seen at an interface or gateway-load-balancer endpoint ENI */
} fst__class_facts;

/* The class of s (fst_traffic_class), never out of range.  Rules, first
 * that applies wins:
 *   1. rejected:         every record REJECT (action REJECT);
 *   2. nat-gateway:      f->nat;
 *   3. aws-service:      aws_service set, f->endpoint, or traffic_path 7
 *                        (gateway VPC endpoint);
 *   4. internet-egress:  client inside, server internet;
 *      internet-ingress: client internet, server inside;
 *   5. inter-vpc:        both inside, two VPCs;
 *   6. inter-az:         both inside, one VPC, two AZs;
 *   7. intra-az:         both inside, one VPC, one AZ;
 *   8. unknown:          anything else (a side neither inside nor internet,
 *                        an AZ not known).
 * A side is inside when it has a VPC, internet when it has none and its
 * address is public (fst__addr_is_public). */
int fst__traffic_class(const fst_session *s, const fst__class_facts *f);

/* 1 when a is a public address: not RFC 1918, RFC 6598 (shared CGN),
 * loopback, link-local (169.254/16, fe80::/10), unspecified, multicast or
 * IPv6 ULA (fc00::/7). */
int fst__addr_is_public(const fst_addr *a);

#endif
