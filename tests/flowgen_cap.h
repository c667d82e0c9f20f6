/* tests/flowgen_cap.h - a flowgen sink that keeps every line and truth in
 * memory, for tests/test_flowgen.c and tests/test_fg_scenario.c.
 *
 * Owns copies of the lines (addresses copied into the line) and of the
 * truths (their strings point into the model, which must outlive the
 * capture).  cap_free() frees both arrays.  Out of memory is not handled
 * (tests).
 */
#ifndef FST_TESTS_FLOWGEN_CAP_H
#define FST_TESTS_FLOWGEN_CAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fg.h"

/* ---- capture sink ---- */

typedef struct cap_line {
    fg_line l;
    char src[48], dst[48], psrc[48], pdst[48];
    const char *eni;
} cap_line;

typedef struct cap {
    cap_line *lines;
    size_t n, cap;
    fg_truth *truths;
    const char *(*truth_enis)[4];
    size_t nt, capt;
} cap;

static inline void cap_on_line(void *vc, const fg_line *l)
{
    cap *c = vc;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->lines = realloc(c->lines, c->cap * sizeof *c->lines);
    }
    cap_line *x = &c->lines[c->n++];
    memset(x, 0, sizeof *x);
    x->l = *l;
    x->eni = fg_eni_id(l->eni);
    if (l->status == FG_OK) {
        snprintf(x->src, sizeof x->src, "%s", l->src);
        snprintf(x->dst, sizeof x->dst, "%s", l->dst);
        snprintf(x->psrc, sizeof x->psrc, "%s", l->psrc);
        snprintf(x->pdst, sizeof x->pdst, "%s", l->pdst);
    }
}

static inline void cap_on_truth(void *vc, const fg_truth *t)
{
    cap *c = vc;
    if (c->nt == c->capt) {
        c->capt = c->capt ? c->capt * 2 : 64;
        c->truths = realloc(c->truths, c->capt * sizeof *c->truths);
    }
    c->truths[c->nt] = *t;
    /* strings in truths point into the model, which outlives the capture */
    c->nt++;
}

static inline void cap_free(cap *c)
{
    free(c->lines);
    free(c->truths);
}

/* Runs the "small" scenario under cfg into a fresh capture *c; returns the
 * model (the caller frees it after cap_free), or NULL when the scenario
 * cannot be built. */
static inline fg_model *cap_run_small(const fg_config *cfg, cap *c)
{
    fg_model *m = fg_model_new(cfg);
    if (fg_build_scenario(m, "small") != 0) {
        fg_model_free(m);
        return NULL;
    }
    memset(c, 0, sizeof *c);
    fg_sink sink = {c, cap_on_line, cap_on_truth};
    fg_run(m, &sink);
    return m;
}

#endif
