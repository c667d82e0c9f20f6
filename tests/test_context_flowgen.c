/* tests/test_context_flowgen.c - the sessions' AZs against flowgen's
 * ground truth, end to end.
 *
 * flowgen writes the records (S3 text with vpc-id/subnet-id/az-id, and
 * CloudWatch default-format streams) and eni-metadata.json, which gives
 * every endpoint address its ENI's AvailabilityZone; its truth.jsonl
 * lists each connection's client, server and bytes.  The truth per AZ
 * pair is computed here, independently of flowstitch: the two endpoints'
 * zones from the metadata ("-" for an address of no ENI: the internet),
 * in lexical order, joined by "<->"; bytes = c2s + s2c.  flowstitch's
 * pairs come from client_az/server_az of its sessions (NAT legs excluded:
 * their bytes are their parent's).  The bar is the issue's: every pair
 * within 0.5 %, and the same pairs on both sides. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BIN FST_BINARY_DIR
#define MAX_PAIRS 32
#define MAX_ADDRS 4096
#define PAIR_TOLERANCE 0.005

static char work[64];

static void sh(const char *cmd)
{
    const int rc = system(cmd);
    cr_assert_eq(rc, 0, "command failed (%d): %s", rc, cmd);
}

static void generate(void)
{
    char cmd[512];
    snprintf(work, sizeof work, "/tmp/fst-context-%ld", (long)getpid());
    snprintf(cmd, sizeof cmd,
             "rm -rf %s && mkdir -p %s && " BIN "/tools/flowgen/flowgen --out %s/gen --seed 5 "
             "--connections 3000 --scenario small --quiet",
             work, work, work);
    sh(cmd);
}

static void cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", work);
    sh(cmd);
}

TestSuite(context_flowgen, .init = generate, .fini = cleanup, .timeout = 120);

/* Address -> zone name, from the ENI metadata. */
typedef struct zones {
    char addr[MAX_ADDRS][48];
    char az[MAX_ADDRS][24];
    size_t n;
} zones;

static void load_zones(zones *z)
{
    char path[128];
    snprintf(path, sizeof path, "%s/gen/eni-metadata.json", work);
    json_error_t e;
    json_t *root = json_load_file(path, 0, &e);
    cr_assert_not_null(root, "%s: %s", path, e.text);
    const json_t *enis = json_object_get(root, "NetworkInterfaces");
    for (size_t i = 0; i < json_array_size(enis); i++) {
        const json_t *eni = json_array_get(enis, i);
        const char *az = json_string_value(json_object_get(eni, "AvailabilityZone"));
        const json_t *ips = json_object_get(eni, "PrivateIpAddresses");
        for (size_t k = 0; az && k < json_array_size(ips) && z->n < MAX_ADDRS; k++) {
            const char *a =
                json_string_value(json_object_get(json_array_get(ips, k), "PrivateIpAddress"));
            if (!a)
                continue;
            snprintf(z->addr[z->n], sizeof z->addr[0], "%s", a);
            snprintf(z->az[z->n], sizeof z->az[0], "%s", az);
            z->n++;
        }
    }
    json_decref(root);
    cr_assert_gt(z->n, 0);
}

static const char *zone_of(const zones *z, const char *a)
{
    for (size_t i = 0; i < z->n; i++)
        if (!strcmp(z->addr[i], a))
            return z->az[i];
    return "-";
}

typedef struct pairs {
    char key[MAX_PAIRS][56];
    double bytes[MAX_PAIRS];
    size_t n;
} pairs;

static void add(pairs *p, const char *a, const char *b, double bytes)
{
    char key[56];
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    snprintf(key, sizeof key, "%s<->%s", a, b);
    size_t i = 0;
    while (i < p->n && strcmp(p->key[i], key))
        i++;
    if (i == p->n) {
        cr_assert_lt(p->n, MAX_PAIRS);
        snprintf(p->key[p->n++], sizeof p->key[0], "%s", key);
    }
    p->bytes[i] += bytes;
}

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (double)json_integer_value(v) : 0;
}

/* Each JSON line of file into fn. */
static void each_line(const char *file, void (*fn)(const json_t *, void *), void *ud)
{
    FILE *f = fopen(file, "r");
    cr_assert_not_null(f, "%s", file);
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        json_error_t e;
        json_t *o = json_loads(line, 0, &e);
        cr_assert_not_null(o, "%s: %s", file, e.text);
        fn(o, ud);
        json_decref(o);
    }
    fclose(f);
}

typedef struct truth_ud {
    const zones *z;
    pairs *p;
} truth_ud;

static void truth_row(const json_t *t, void *ud)
{
    truth_ud *u = ud;
    add(u->p, zone_of(u->z, json_string_value(json_object_get(t, "client_addr"))),
        zone_of(u->z, json_string_value(json_object_get(t, "server_addr"))),
        num(t, "c2s_bytes") + num(t, "s2c_bytes"));
}

static const char *az_or_dash(const json_t *s, const char *k)
{
    const char *v = json_string_value(json_object_get(s, k));
    return v ? v : "-";
}

static void session_row(const json_t *s, void *ud)
{
    if (!json_is_null(json_object_get(s, "nat_leg_of")))
        return;
    add(ud, az_or_dash(s, "client_az"), az_or_dash(s, "server_az"),
        num(s, "c2s_bytes") + num(s, "s2c_bytes"));
}

static void check(const char *delivery)
{
    static zones z; /* large: not on the stack */
    memset(&z, 0, sizeof z);
    load_zones(&z);
    pairs want = {0}, got = {0};
    char file[160], cmd[512];
    snprintf(file, sizeof file, "%s/gen/truth.jsonl", work);
    truth_ud u = {&z, &want};
    each_line(file, truth_row, &u);
    snprintf(cmd, sizeof cmd,
             BIN "/flowstitch sessions --quiet --eni-metadata %s/gen/eni-metadata.json %s/gen/%s "
                 "> %s/%s.jsonl",
             work, work, delivery, work, delivery);
    sh(cmd);
    snprintf(file, sizeof file, "%s/%s.jsonl", work, delivery);
    each_line(file, session_row, &got);
    cr_expect_eq(got.n, want.n, "%zu AZ pairs, truth has %zu", got.n, want.n);
    for (size_t i = 0; i < want.n; i++) {
        size_t k = 0;
        while (k < got.n && strcmp(got.key[k], want.key[i]))
            k++;
        cr_assert_lt(k, got.n, "%s: no session has the pair %s", delivery, want.key[i]);
        const double err = fabs(got.bytes[k] - want.bytes[i]) / want.bytes[i];
        cr_expect_leq(err, PAIR_TOLERANCE, "%s %s: %.0f bytes, truth %.0f", delivery,
                      want.key[i], got.bytes[k], want.bytes[i]);
    }
}

Test(context_flowgen, s3_az_pairs) { check("s3"); }

Test(context_flowgen, cloudwatch_az_pairs) { check("cloudwatch"); }
