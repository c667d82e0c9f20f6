/* util/names.c - the one table of names for session enums (public
 * functions of flowstitch/session.h).  Writers and the CLI ask these; no
 * other file spells a basis, action or traffic-class name.
 */
#include "flowstitch/session.h"

static const char *const basis_names[] = {
#define FST__BASIS_NAME(id, name) name,
    FST_BASIS_MAP(FST__BASIS_NAME)
#undef FST__BASIS_NAME
};

static const char *const class_names[] = {
#define FST__CLASS_NAME(id, name) name,
    FST_CLASS_MAP(FST__CLASS_NAME)
#undef FST__CLASS_NAME
};

static const char *const split_names[] = {
#define FST__SPLIT_NAME(id, name) name,
    FST_SPLIT_MAP(FST__SPLIT_NAME)
#undef FST__SPLIT_NAME
};

const char *fst_split_basis_name(int split)
{
    if (split < 0 || split >= FST_SPLIT_COUNT)
        return "?";
    return split_names[split];
}

const char *fst_direction_reason_name(int basis)
{
    if (basis < 0 || basis >= FST_BASIS_COUNT)
        return "?";
    return basis_names[basis];
}

const char *fst_traffic_class_name(int cls)
{
    if (cls < 0 || cls >= FST_CLASS_COUNT)
        return "?";
    return class_names[cls];
}

const char *fst_key_absent_name(int absent)
{
    switch (absent) {
    case FST_KEY_ABSENT_PORTS:
        return "ports";
    case FST_KEY_ABSENT_PROTO:
        return "protocol";
    case FST_KEY_ABSENT_PORTS | FST_KEY_ABSENT_PROTO:
        return "ports,protocol";
    default:
        return NULL;
    }
}

const char *fst_session_action_name(int action)
{
    switch (action) {
    case FST_SACT_ACCEPT:
        return "ACCEPT";
    case FST_SACT_REJECT:
        return "REJECT";
    case FST_SACT_MIXED:
        return "ACCEPT+REJECT";
    default:
        return "-";
    }
}
