/* read/source.c - opening one input (read/source.h). */
#include "read/source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flowstitch/errors.h"
#include "util/util.h"

ssize_t fst__read_fd(int fd, void *buf, size_t n)
{
    for (;;) {
        const ssize_t r = read(fd, buf, n);
        if (r >= 0 || errno != EINTR)
            return r;
    }
}

/* Walked files with these endings are never read. */
static const struct {
    const char *ext;
    const char *why;
} skip_names[] = {
    {".parquet", "Parquet, not read yet (by name)"},
    {".md", "not a flow log (.md)"},      {".yml", "not a flow log (.yml)"},
    {".yaml", "not a flow log (.yaml)"},  {".html", "not a flow log (.html)"},
    {".xml", "not a flow log (.xml)"},    {".csv", "not a flow log (.csv)"},
    {".pdf", "binary (.pdf)"},            {".png", "binary (.png)"},
    {".jpg", "binary (.jpg)"},            {".zip", "binary (.zip)"},
    {".tar", "binary (.tar)"},            {".manifest", "not a flow log (.manifest)"},
    {".sha256", "not a flow log (.sha256)"},
};

static const char *skip_by_name(const char *path)
{
    const size_t pl = strlen(path);
    for (size_t i = 0; i < FST__ARRAY_LEN(skip_names); i++) {
        const size_t el = strlen(skip_names[i].ext);
        if (pl > el && strcasecmp(path + pl - el, skip_names[i].ext) == 0)
            return skip_names[i].why;
    }
    return NULL;
}

static int open_err(int e)
{
    return e == ENOENT || e == ENOTDIR ? FST_ENOENT : FST_EIO;
}

static const char *open_why(int e)
{
    if (e == ENOENT || e == ENOTDIR)
        return "vanished";
    return e == EACCES || e == EPERM ? "permission denied" : "cannot open";
}

static fst__path_kind skip(int *err, const char **why, int e, const char *w)
{
    *err = e;
    *why = w;
    return FST__PATH_SKIP;
}

fst__path_kind fst__path_open(const fst__item *it, int *fd, int *err, const char **why)
{
    struct stat st;
    *fd = -1;
    if (it->dir_err) /* time order: listed (and failed) before the first file */
        return skip(err, why, it->dir_err, "cannot read directory");
    if ((it->walked ? lstat(it->path, &st) : stat(it->path, &st)) != 0)
        return skip(err, why, open_err(errno), open_why(errno));
    if (it->walked && S_ISLNK(st.st_mode)) {
        if (stat(it->path, &st) != 0)
            return skip(err, why, open_err(errno), "broken symlink");
        if (S_ISDIR(st.st_mode))
            return skip(err, why, 0, "symlink to a directory, not followed");
    }
    if (S_ISDIR(st.st_mode))
        return FST__PATH_DIR;
    if (it->walked && !S_ISREG(st.st_mode))
        return skip(err, why, 0, "not a regular file");
    const char *name_why = it->walked ? skip_by_name(it->path) : NULL;
    if (name_why)
        return skip(err, why, 0, name_why);
    *fd = open(it->path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return skip(err, why, open_err(errno), open_why(errno));
    return FST__PATH_FILE;
}
