/* cli/progress.c - the progress line on a terminal during long runs.
 *
 * One line on stderr, "flowstitch: 3/12 files, 1.2 M records, 48.1 MB/s,
 * 0:07 left", redrawn by a watcher thread at most 4 times a second from
 * fst_reader_progress (numbers as of the last finished file) and cleared
 * at the end.  Shown only when stderr is a terminal and not --quiet, and
 * only once the run has lasted PROGRESS_AFTER_MS.  The ETA comes from the
 * sizes of the input files (stat, before reading): bytes left / MB/s.
 */
#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define PROGRESS_TICK_MS 250   /* at most 4 redraws a second */
#define PROGRESS_AFTER_MS 500  /* quick runs show nothing */
#define PROGRESS_MAX_DEPTH 64  /* directory nesting walked for sizes */

struct fst_cli_progress {
    const fst_reader *r;
    pthread_t thread;
    atomic_int stop;
    uint64_t files_total, bytes_total;
    struct timespec start;
    int shown;             /* a line is on the terminal */
};

/* Count regular files under path and add their sizes (as the reader
 * walks them; files it will skip as not flow logs are counted too). */
static void add_sizes(fst_cli_progress *p, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (S_ISREG(st.st_mode)) {
        p->files_total++;
        p->bytes_total += (uint64_t)st.st_size;
        return;
    }
    DIR *d = S_ISDIR(st.st_mode) && depth < PROGRESS_MAX_DEPTH ? opendir(path) : NULL;
    if (!d)
        return;
    const struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        const size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *sub = malloc(n);
        if (!sub)
            break;
        snprintf(sub, n, "%s/%s", path, e->d_name);
        add_sizes(p, sub, depth + 1);
        free(sub);
    }
    closedir(d);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void draw(fst_cli_progress *p, double secs)
{
    fst_reader_progress_info i;
    fst_reader_progress(p->r, &i);
    const double mbs = (double)i.bytes_done / 1e6 / (secs > 0 ? secs : 1);
    fprintf(stderr, "\rflowstitch: %" PRIu64 "/%" PRIu64 " files, %.1f M records, %.1f MB/s",
            i.files_done, p->files_total, (double)i.records / 1e6, mbs);
    if (i.bytes_done > 0 && p->bytes_total > i.bytes_done) {
        const unsigned long left =
            (unsigned long)((double)(p->bytes_total - i.bytes_done) / 1e6 / mbs);
        fprintf(stderr, ", %lu:%02lu left", left / 60, left % 60);
    }
    fputs("\033[K", stderr);
    fflush(stderr);
    p->shown = 1;
}

static void *watch(void *ud)
{
    fst_cli_progress *p = ud;
    const struct timespec tick = {0, PROGRESS_TICK_MS * 1000000L};
    while (!atomic_load(&p->stop)) {
        nanosleep(&tick, NULL);
        const double secs = seconds_since(&p->start);
        if (!atomic_load(&p->stop) && secs * 1000 >= PROGRESS_AFTER_MS)
            draw(p, secs);
    }
    return NULL;
}

fst_cli_progress *fst_cli_progress_start(const fst_reader *r, int n, char **paths, int quiet)
{
    if (quiet || !isatty(STDERR_FILENO))
        return NULL;
    fst_cli_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->r = r;
    for (int k = 0; k < n; k++)
        if (strcmp(paths[k], "-") != 0)
            add_sizes(p, paths[k], 0);
        else
            p->files_total++;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    atomic_init(&p->stop, 0);
    if (pthread_create(&p->thread, NULL, watch, p) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void fst_cli_progress_stop(fst_cli_progress *p)
{
    if (!p)
        return;
    atomic_store(&p->stop, 1);
    pthread_join(p->thread, NULL);
    if (p->shown)
        fputs("\r\033[K", stderr);
    free(p);
}
