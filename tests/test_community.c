/* tests/test_community.c - Community ID v1 against the spec's baseline.
 *
 * The "baseline" vectors are copied from corelight/community-id-spec
 * baseline/baseline_deflt.json (seed 0) and baseline_seed1.json (seed 1).
 * For ICMP/ICMPv6 the baseline lists the port equivalents (type, counterpart)
 * or (type, code); fed as (type, code) they map to themselves, so they are
 * passed straight through.  The extra vectors (VPC 0/0 ICMP, one-way ICMP,
 * seeds, equal addresses) were computed with Python's hashlib/base64 over the
 * byte layout of the spec, an independent implementation.
 *
 * Addresses are built with inet_pton so this test does not depend on the
 * flow-log parser.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "flowstitch/stitcher.h"

static fst_addr addr(const char *s)
{
    fst_addr a;
    memset(&a, 0, sizeof a);
    if (strchr(s, ':')) {
        cr_assert_eq(inet_pton(AF_INET6, s, a.b), 1, "bad test address %s", s);
        a.family = 6;
    } else {
        a.b[10] = a.b[11] = 0xff;
        cr_assert_eq(inet_pton(AF_INET, s, a.b + 12), 1, "bad test address %s", s);
        a.family = 4;
    }
    return a;
}

typedef struct vec {
    uint8_t proto;
    const char *saddr, *daddr;
    uint16_t sport, dport;
    const char *want;
} vec;

static void check(uint16_t seed, const vec *v)
{
    const fst_addr a = addr(v->saddr), b = addr(v->daddr);
    char out[32];
    memset(out, 'x', sizeof out);
    fst_community_id(seed, v->proto, &a, v->sport, &b, v->dport, out);
    cr_expect_str_eq(out, v->want, "seed %u proto %u %s:%u -> %s:%u", seed, v->proto,
                     v->saddr, v->sport, v->daddr, v->dport);
}

/* baseline/baseline_deflt.json, in file order. */
static const vec baseline_seed0[] = {
    {58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:dGHyGvjMfljg6Bppwm3bg0LO8TY="},
    {58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:zavyT/cezQr1fmImYCwYnMXbgck="},
    {58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, "1:zavyT/cezQr1fmImYCwYnMXbgck="},
    {58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:2ObVBgIn28oZvibYZhZMBgh7WdQ="},
    {58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:hLZd0XGWojozrvxqE0dWB1iM6R0="},
    {58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="},
    {58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0="},
    {58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00="},
    {1, "192.168.0.89", "192.168.0.1", 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {1, "192.168.0.1", "192.168.0.89", 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="},
    {1, "10.0.0.1", "10.0.0.2", 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM="},
    {6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4="},
    {132, "192.168.170.8", "192.168.170.56", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
    {132, "192.168.170.56", "192.168.170.8", 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs="},
    {6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
    {6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="},
    {17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
    {17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ="},
    {46, "10.1.12.1", "10.1.12.2", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
    {46, "10.1.12.2", "10.1.12.1", 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw="},
};

/* baseline/baseline_seed1.json, in file order. */
static const vec baseline_seed1[] = {
    {58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 135, 136, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="},
    {58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 136, 135, "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY="},
    {58, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 135, 136, "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="},
    {58, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 136, 135, "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM="},
    {58, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0, "1:lVEtCZpYu84Xqaa++3lXFyuu2n4="},
    {58, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4, "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8="},
    {58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 128, 129, "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="},
    {58, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128, "1:GfZxjAkDk2MkegpBYHV6tadtFXQ="},
    {58, "fe80::200:86ff:fe05:80da", "ff02::2", 133, 134, "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8="},
    {58, "fe80::260:97ff:fe07:69ea", "ff02::1", 134, 133, "1:K/ee5UCqAMAQXDorP5nSa2CGLjc="},
    {1, "192.168.0.89", "192.168.0.1", 8, 0, "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {1, "192.168.0.1", "192.168.0.89", 0, 8, "1:03g6IloqVBdcZlPyX8r0hgoE7kA="},
    {1, "10.0.0.1", "10.0.0.2", 11, 0, "1:XjUibYHaafLQ3pxQeiMI8g25q20="},
    {6, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, "1:eJYTW6AOzFLlSUoESovMjnu7rMw="},
    {6, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, "1:eJYTW6AOzFLlSUoESovMjnu7rMw="},
    {132, "192.168.170.8", "192.168.170.56", 7, 7, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="},
    {132, "192.168.170.56", "192.168.170.8", 7, 7, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg="},
    {6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:3V71V58M3Ksw/yuFALMcW0LAHvc="},
    {6, "66.35.250.204", "128.232.110.120", 80, 34855, "1:3V71V58M3Ksw/yuFALMcW0LAHvc="},
    {17, "192.168.1.52", "8.8.8.8", 54585, 53, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {17, "8.8.8.8", "192.168.1.52", 53, 54585, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI="},
    {46, "10.1.12.1", "10.1.12.2", 0, 0, "1:rYir8gphR31noO9iDRQmF/BteEI="},
    {46, "10.1.12.2", "10.1.12.1", 0, 0, "1:rYir8gphR31noO9iDRQmF/BteEI="},
};

Test(community, spec_readme_example)
{
    const vec v = {6, "128.232.110.120", "66.35.250.204", 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg="};
    check(0, &v);
}

Test(community, baseline_seed0)
{
    for (size_t i = 0; i < sizeof baseline_seed0 / sizeof baseline_seed0[0]; i++)
        check(0, &baseline_seed0[i]);
}

Test(community, baseline_seed1)
{
    for (size_t i = 0; i < sizeof baseline_seed1 / sizeof baseline_seed1[0]; i++)
        check(1, &baseline_seed1[i]);
}

Test(community, readme_ordering_example)
{
    /* Both orientations order to 10.0.0.1, 127.0.0.1, 1234, 80. */
    const vec v1 = {6, "10.0.0.1", "127.0.0.1", 1234, 80, "1:F/BCgQTUT/FXrTnSBgdsKwJ26iE="};
    const vec v2 = {6, "127.0.0.1", "10.0.0.1", 80, 1234, "1:F/BCgQTUT/FXrTnSBgdsKwJ26iE="};
    check(0, &v1);
    check(0, &v2);
}

Test(community, equal_addresses_ports_decide)
{
    const vec v1 = {6, "10.0.0.1", "10.0.0.1", 1234, 80, "1:WaobEo3Uyp/JjlL9QX3lvrl1Oag="};
    const vec v2 = {6, "10.0.0.1", "10.0.0.1", 80, 1234, "1:WaobEo3Uyp/JjlL9QX3lvrl1Oag="};
    check(0, &v1);
    check(0, &v2);
}

Test(community, seed_is_two_bytes_network_order)
{
    const vec v = {17, "10.0.1.5", "203.0.113.5", 40000, 53, "1:OmN9E1qjMKjUj0D6/ITier4PUK8="};
    check(0xabcd, &v);
}

Test(community, vpc_icmp_zero_ports_is_echo_from_a)
{
    /* VPC logs ICMP with ports 0/0: hashed as echo request a -> b, the
     * same ID as the baseline's ping from 192.168.0.89 to 192.168.0.1. */
    const vec ping = {1, "192.168.0.89", "192.168.0.1", 0, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk="};
    check(0, &ping);
    /* Swapping client and server means the other host pinged: other ID. */
    const vec rev = {1, "192.168.0.1", "192.168.0.89", 0, 0, "1:Xd3I0IiB3MnC0cDe3fbqH8+dDGI="};
    check(0, &rev);
    /* The baseline's ICMPv6 echo 3ffe:507:...:80da -> 3ffe:501:0:1001::2. */
    const vec ping6 = {58, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 0, 0,
                       "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg="};
    check(0, &ping6);
    const vec ll6 = {58, "fe80::1", "fe80::2", 0, 0, "1:3H+V/JVcqh/phPel5utt4dOKqOU="};
    const vec ll6r = {58, "fe80::2", "fe80::1", 0, 0, "1:hcQR4+TVVdHthPBS7U0F6CmEKfY="};
    check(0, &ll6);
    check(0, &ll6r);
}

Test(community, icmp_one_way_is_not_reordered)
{
    /* Destination unreachable (3/1) from the larger address: kept as is. */
    const vec v = {1, "10.0.0.2", "10.0.0.1", 3, 1, "1:JHjlyD5IJJjl3wHWOMj46lLWZag="};
    check(0, &v);
}

Test(community, mixed_or_missing_family_gives_empty)
{
    const fst_addr a = addr("10.0.0.1"), b = addr("2001:db8::1");
    fst_addr none;
    memset(&none, 0, sizeof none);
    char out[32] = "junk";
    fst_community_id(0, 6, &a, 1, &b, 2, out);
    cr_expect_str_eq(out, "");
    strcpy(out, "junk");
    fst_community_id(0, 6, &none, 1, &none, 2, out);
    cr_expect_str_eq(out, "");
}

Test(community, fits_in_32_bytes)
{
    const fst_addr a = addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), b = addr("::");
    char out[32];
    fst_community_id(0xffff, 6, &a, 65535, &b, 0, out);
    cr_expect_eq(strlen(out), 30);
    cr_expect_eq(strncmp(out, "1:", 2), 0);
    cr_expect_eq(out[29], '=');
}
