/* util/par.c - two pieces of finish() work at once (see par.h). */
#include "util/par.h"

#include <pthread.h>
#include <unistd.h>

typedef struct par_job {
    fst__par_fn fn;
    void *arg;
} par_job;

static void *par_run(void *p)
{
    const par_job *j = p;
    j->fn(j->arg);
    return NULL;
}

void fst__par2(fst__par_fn fn, void *a, void *b)
{
    par_job jb = {fn, b};
    pthread_t th;
    if (pthread_create(&th, NULL, par_run, &jb) != 0) {
        fn(a);
        fn(b);
        return;
    }
    fn(a);
    pthread_join(th, NULL);
}

int fst__threads_of(uint32_t cfg_threads)
{
    if (cfg_threads == 0) {
        const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        return cpus >= 2 ? 2 : 1;
    }
    return cfg_threads >= 2 ? 2 : 1;
}
