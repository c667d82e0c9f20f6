/* cli/output.c - a command's output stream (cli.h: fst_cli_out).
 *
 * -o FILE, or a stream of its own on a dup of standard output (stdout
 * itself is left unused), with a 1 MiB stdio buffer.  Unless it is a
 * terminal, the stream's bytes are written by a thread of their own
 * (glibc's fopencookie): stdio hands each full buffer to the cookie, which
 * copies it into one of two slots and returns; the thread write()s the
 * slots in order.  Writing a large output is mostly the kernel copying it
 * into the page cache (28 % of `records`' samples on 10 M records), which
 * then runs beside the formatting instead of after it.  A failed write is
 * remembered and reported at the next hand-over and at the close, so the
 * command still ends with exit 3 (its stream's error flag is set).
 * Without fopencookie the stream is written on the calling thread.
 */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define OUTPUT_BUFFER ((size_t)1 << 20)
#define SLOT_BYTES OUTPUT_BUFFER

#ifdef __GLIBC__
/* The writing thread and its two slots. */
typedef struct outq {
    int fd;
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *slot[2];
    size_t len[2];      /* bytes in a full slot; 0: free */
    int head;           /* the next slot the thread writes */
    int tail;           /* the next slot the caller fills */
    int stop;           /* no more slots will come */
    int err;            /* errno of the first failed write, or 0 */
} outq;

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        const ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static void *outq_main(void *arg)
{
    outq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->len[q->head] && !q->stop)
            pthread_cond_wait(&q->cv, &q->mu);
        if (!q->len[q->head]) /* stopped, and every slot written */
            break;
        const int h = q->head;
        const int failed = q->err;
        pthread_mutex_unlock(&q->mu);
        const int e = failed ? 0 : write_all(q->fd, q->slot[h], q->len[h]);
        pthread_mutex_lock(&q->mu);
        if (e && !q->err)
            q->err = e;
        q->len[h] = 0;
        q->head ^= 1;
        pthread_cond_broadcast(&q->cv);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

/* stdio's write: the bytes go to the next free slot (pieces of SLOT_BYTES). */
static ssize_t outq_write(void *cookie, const char *buf, size_t size)
{
    outq *q = cookie;
    size_t done = 0;
    pthread_mutex_lock(&q->mu);
    while (done < size && !q->err) {
        while (q->len[q->tail] && !q->err)
            pthread_cond_wait(&q->cv, &q->mu);
        if (q->err)
            break;
        const size_t n = size - done < SLOT_BYTES ? size - done : SLOT_BYTES;
        const int t = q->tail;
        pthread_mutex_unlock(&q->mu); /* the slot is the caller's until it is marked full */
        memcpy(q->slot[t], buf + done, n);
        pthread_mutex_lock(&q->mu);
        q->len[t] = n;
        q->tail ^= 1;
        done += n;
        pthread_cond_broadcast(&q->cv);
    }
    const int err = q->err;
    pthread_mutex_unlock(&q->mu);
    if (err) {
        errno = err;
        return -1;
    }
    return (ssize_t)size;
}

static void outq_free(outq *q)
{
    free(q->slot[0]);
    free(q->slot[1]);
    free(q);
}

/* Ends the thread once every full slot is written; destroys the lock. */
static void outq_end(outq *q)
{
    pthread_mutex_lock(&q->mu);
    q->stop = 1;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->th, NULL);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
}

/* stdio's close (after its last write): waits for the slots, ends the
 * thread, closes the descriptor.  0, or -1 with errno when any write or
 * the close failed. */
static int outq_close(void *cookie)
{
    outq *q = cookie;
    outq_end(q);
    int err = q->err;
    if (close(q->fd) != 0 && !err)
        err = errno;
    outq_free(q);
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

/* A stream writing fd on a thread of its own, or NULL (fd is then still
 * the caller's). */
static FILE *outq_open(int fd)
{
    outq *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->fd = fd;
    q->slot[0] = malloc(SLOT_BYTES);
    q->slot[1] = malloc(SLOT_BYTES);
    if (!q->slot[0] || !q->slot[1]) {
        outq_free(q);
        return NULL;
    }
    if (pthread_mutex_init(&q->mu, NULL) != 0) {
        outq_free(q);
        return NULL;
    }
    if (pthread_cond_init(&q->cv, NULL) != 0) {
        pthread_mutex_destroy(&q->mu);
        outq_free(q);
        return NULL;
    }
    if (pthread_create(&q->th, NULL, outq_main, q) != 0) {
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        outq_free(q);
        return NULL;
    }
    const cookie_io_functions_t io = {.read = NULL, .write = outq_write, .seek = NULL,
                                      .close = outq_close};
    FILE *f = fopencookie(q, "w", io);
    if (f)
        return f;
    outq_end(q); /* no stream: the thread ends, fd stays the caller's */
    outq_free(q);
    return NULL;
}
#endif

/* A stream on fd: threaded when it can be, else plain; NULL on failure
 * (fd closed). */
static FILE *stream_on(int fd)
{
#ifdef __GLIBC__
    if (!isatty(fd)) {
        FILE *f = outq_open(fd);
        if (f)
            return f;
    }
#endif
    FILE *f = fdopen(fd, "w");
    if (!f)
        close(fd);
    return f;
}

int fst_cli_out_open(const char *cmd, fst_cli_out *o, const char *path)
{
    o->f = stdout;
    o->buf = NULL;
    o->name = path ? path : "standard output";
    FILE *f = NULL;
    if (path) {
        const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || !(f = stream_on(fd))) {
            fprintf(stderr, "%s: %s: cannot open for writing: %s\n", cmd, path, strerror(errno));
            return FST_EXIT_FATAL;
        }
    } else if (!isatty(STDOUT_FILENO)) { /* a terminal keeps stdout's line buffer */
        const int fd = dup(STDOUT_FILENO);
        if (fd < 0 || !(f = stream_on(fd))) /* fd 1 closed, or no memory: stdout as it is */
            return FST_EXIT_OK;
    }
    if (!f)
        return FST_EXIT_OK;
    o->f = f;
    if (!isatty(fileno(f)) && (o->buf = malloc(OUTPUT_BUFFER)) &&
        setvbuf(f, o->buf, _IOFBF, OUTPUT_BUFFER) != 0) {
        free(o->buf);
        o->buf = NULL;
    }
    return FST_EXIT_OK;
}

int fst_cli_out_close(const char *cmd, fst_cli_out *o, int silent)
{
    int rc = 0;
    if (o->f != stdout) {
        rc = fclose(o->f) == 0 ? 0 : -1;
        if (rc < 0 && !silent)
            fprintf(stderr, "%s: %s: cannot write\n", cmd, o->name);
    }
    free(o->buf); /* after fclose: the stream no longer uses it */
    o->f = stdout;
    o->buf = NULL;
    return rc;
}
