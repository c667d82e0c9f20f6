/* util/version.c - the library version string. */
#include "flowstitch/version.h"

const char *fst_version(void)
{
    return FST_VERSION_STRING;
}
