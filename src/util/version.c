/* util/version.c - the library version string and what the build holds. */
#include "flowstitch/version.h"

#include <jansson.h>
#include <zlib.h>
#ifdef FST_HAVE_ISAL
#include <isa-l.h>
#endif

#define FST_STR_(x) #x
#define FST_STR(x) FST_STR_(x)

/* The gzip inflaters, fastest first (decode/inflate.h): isa-l when built,
 * zlib always. */
#ifdef FST_HAVE_ISAL
#define FST_BI_ISAL "isa-l " FST_STR(ISAL_MAJOR_VERSION) "." FST_STR(ISAL_MINOR_VERSION) \
    "." FST_STR(ISAL_PATCH_VERSION) ", "
#else
#define FST_BI_ISAL ""
#endif

const char *fst_version(void)
{
    return FST_VERSION_STRING;
}

const char *fst_build_info(void)
{
    return "inflate: " FST_BI_ISAL "zlib " ZLIB_VERSION "; jansson " JANSSON_VERSION;
}
