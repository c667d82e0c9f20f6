/* tests/test_golden.c - golden CLI runs: the built flowstitch on each
 * tests/golden/NAME.args, compared byte for byte.
 *
 * NAME.args   the command line (words split on blanks, no quoting), run
 *             from the source root with TZ=UTC
 * NAME.out    expected standard output (required, may be empty)
 * NAME.err    expected standard error (absent: stderr must be empty)
 * NAME.exit   expected exit status (absent: 0)
 *
 * How each expected file was checked by hand: tests/golden/README.md.  A
 * deliberate change of output or help text updates the files.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define GOLDEN_DIR FST_SOURCE_DIR "/tests/golden"
#define BINARY FST_BINARY_DIR "/flowstitch"
#define MAX_ARGS 32
/* The cases in tests/golden: fewer means a file went missing. */
#define MIN_CASES 10

/* Whole file as a NUL-ended string (length in *len); NULL when absent. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int c;
    while ((c = getc(f)) != EOF) {
        if (n + 2 > cap) {
            cap = cap ? 2 * cap : 4096;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        buf[n++] = (char)c;
    }
    fclose(f);
    if (!buf)
        buf = calloc(1, 1);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* Split line into argv (in place) after argv[0]; returns argc. */
static int split_args(char *line, char **argv)
{
    int argc = 1;
    for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
        cr_assert_lt(argc, MAX_ARGS - 1, "too many arguments");
        argv[argc++] = tok;
    }
    argv[argc] = NULL;
    return argc;
}

/* Run BINARY with argv from the source root, stdout/stderr to files;
 * returns the exit status. */
static int run(char **argv, const char *out_path, const char *err_path)
{
    const pid_t pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        const int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out < 0 || err < 0 || chdir(FST_SOURCE_DIR) != 0 || dup2(out, 1) < 0 ||
            dup2(err, 2) < 0)
            _exit(127);
        setenv("TZ", "UTC", 1);
        argv[0] = BINARY;
        execv(BINARY, argv);
        _exit(127);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "flowstitch did not exit normally");
    return WEXITSTATUS(status);
}

/* Compare a produced file with the expected one (absent expected: empty). */
static int same_text(const char *name, const char *what, const char *got_path,
                     const char *want_path)
{
    size_t ng = 0, nw = 0;
    char *got = slurp(got_path, &ng);
    char *want = slurp(want_path, &nw);
    const int same = got && (want ? ng == nw && !memcmp(got, want, ng) : ng == 0);
    cr_expect(same, "%s: %s differs\n--- expected\n%s--- got\n%s", name, what,
              want ? want : "", got ? got : "(none)");
    free(got);
    free(want);
    return same;
}

/* One case: run it and compare stdout, stderr and the exit status. */
static void golden_case(const char *name, const char *tmp)
{
    char path[4096], out[4096], err[4096];
    snprintf(path, sizeof path, "%s/%s.args", GOLDEN_DIR, name);
    char *line = slurp(path, NULL);
    cr_assert_not_null(line, "%s: unreadable", path);
    char *argv[MAX_ARGS];
    split_args(line, argv);
    snprintf(out, sizeof out, "%s/out", tmp);
    snprintf(err, sizeof err, "%s/err", tmp);
    const int code = run(argv, out, err);
    free(line);

    snprintf(path, sizeof path, "%s/%s.exit", GOLDEN_DIR, name);
    char *want_code = slurp(path, NULL);
    const int want = want_code ? atoi(want_code) : 0;
    free(want_code);
    cr_expect_eq(code, want, "%s: exit status %d, expected %d", name, code, want);

    snprintf(path, sizeof path, "%s/%s.out", GOLDEN_DIR, name);
    struct stat st;
    cr_expect_eq(stat(path, &st), 0, "%s: no expected .out", name);
    same_text(name, "stdout", out, path);
    snprintf(path, sizeof path, "%s/%s.err", GOLDEN_DIR, name);
    same_text(name, "stderr", err, path);
}

Test(golden, every_case)
{
    if (access(BINARY, X_OK) != 0)
        cr_skip_test("%s not built: build the flowstitch target first", BINARY);
    char tmp[] = "/tmp/fst-golden-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    DIR *d = opendir(GOLDEN_DIR);
    cr_assert_not_null(d, "%s: %s", GOLDEN_DIR, strerror(errno));
    int cases = 0;
    for (struct dirent *e; (e = readdir(d));) {
        const size_t n = strlen(e->d_name);
        if (n <= 5 || strcmp(e->d_name + n - 5, ".args") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 5), e->d_name);
        golden_case(name, tmp);
        cases++;
    }
    closedir(d);
    char p[sizeof tmp + 8];
    snprintf(p, sizeof p, "%s/out", tmp);
    unlink(p);
    snprintf(p, sizeof p, "%s/err", tmp);
    unlink(p);
    rmdir(tmp);
    cr_expect_geq(cases, MIN_CASES, "only %d golden cases found", cases);
}
