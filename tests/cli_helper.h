/* tests/cli_helper.h - run the built flowstitch binary and capture its
 * output, for the golden CLI tests. */
#ifndef FST_TESTS_CLI_HELPER_H
#define FST_TESTS_CLI_HELPER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FST_BIN FST_BINARY_DIR "/flowstitch"

typedef struct cli_run {
    int status;    /* exit code, or -1 when it did not exit normally */
    char *out;     /* stdout, NUL-terminated */
    char *err;     /* stderr, NUL-terminated */
} cli_run;

static char *slurp_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* Run `FST_BIN args` through the shell with TZ=UTC. */
static cli_run run_cli(const char *args)
{
    char outp[] = "/tmp/fst-cli-out-XXXXXX", errp[] = "/tmp/fst-cli-err-XXXXXX";
    int fo = mkstemp(outp), fe = mkstemp(errp);
    close(fo);
    close(fe);
    size_t n = strlen(args) + strlen(FST_BIN) + 2 * sizeof outp + 64;
    char *cmd = malloc(n);
    snprintf(cmd, n, "TZ=UTC %s %s >%s 2>%s", FST_BIN, args, outp, errp);
    int st = system(cmd);
    free(cmd);
    cli_run r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = slurp_file(outp);
    r.err = slurp_file(errp);
    unlink(outp);
    unlink(errp);
    return r;
}

static void cli_run_free(cli_run *r)
{
    free(r->out);
    free(r->err);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

#endif
