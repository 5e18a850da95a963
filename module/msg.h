/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Message queues: the registry hooks and the ioctl entry points, plus the
 * pure type-selection rules (kept here, inline, for the KUnit suite).
 */
#ifndef _AIXIPC_MSG_H
#define _AIXIPC_MSG_H

#include <linux/limits.h>
#include <linux/types.h>
#include <uapi/linux/aixipc.h>

#include "ids.h"

extern const struct aixipc_kind_ops aixipc_msg_ops;

/*
 * Caps on message memory, in bytes of kernel allocation (text and
 * headers): per effective uid, and for the host.  Module parameters, set
 * at load (main.c) and read-only after.
 */
extern u64 aixipc_msg_user_bytes;
extern u64 aixipc_msg_total_bytes;

void aixipc_msg_exit(void);

int aixipc_msgsnd(struct aixipc_ns *ns, struct aixipc_msgsnd *req);
int aixipc_msgrcv(struct aixipc_ns *ns, struct aixipc_msgrcv *req);
int aixipc_msgctl(struct aixipc_ns *ns, struct aixipc_msgctl *req);

/* Which message a receive takes, from msgtyp and the flags. */
enum aixipc_msg_search {
	AIXIPC_SEARCH_ANY,	/* msgtyp 0: the first message */
	AIXIPC_SEARCH_EQUAL,	/* msgtyp > 0: the first of that type */
	AIXIPC_SEARCH_NOTEQUAL,	/* msgtyp > 0, MSG_EXCEPT: first other type */
	AIXIPC_SEARCH_LESSEQUAL	/* msgtyp < 0: lowest type <= |msgtyp| */
};

/*
 * aixipc_msg_search_mode - classify a receive request
 * @msgtyp: as passed to msgrcv; S64_MIN is safe (its magnitude saturates)
 * @flags: AIXIPC_MSG_EXCEPT matters, and only for msgtyp > 0 (as Linux)
 * @bound: set to the type compared against
 */
static inline enum aixipc_msg_search
aixipc_msg_search_mode(s64 msgtyp, u32 flags, s64 *bound)
{
	if (msgtyp == 0) {
		*bound = 0;
		return AIXIPC_SEARCH_ANY;
	}
	if (msgtyp < 0) {
		*bound = msgtyp == S64_MIN ? S64_MAX : -msgtyp;
		return AIXIPC_SEARCH_LESSEQUAL;
	}
	*bound = msgtyp;
	return flags & AIXIPC_MSG_EXCEPT ? AIXIPC_SEARCH_NOTEQUAL
					 : AIXIPC_SEARCH_EQUAL;
}

/* Does a message of type @mtype qualify?  (LESSEQUAL also wants the lowest.) */
static inline bool aixipc_msg_type_matches(enum aixipc_msg_search mode,
					   s64 bound, s64 mtype)
{
	switch (mode) {
	case AIXIPC_SEARCH_ANY:
		return true;
	case AIXIPC_SEARCH_EQUAL:
		return mtype == bound;
	case AIXIPC_SEARCH_NOTEQUAL:
		return mtype != bound;
	case AIXIPC_SEARCH_LESSEQUAL:
		return mtype <= bound;
	}
	return false;
}

/* AIX stores message types as 32-bit signed values; only 1..S32_MAX send. */
static inline bool aixipc_msg_type_valid(s64 mtype)
{
	return mtype >= 1 && mtype <= S32_MAX;
}

#endif /* _AIXIPC_MSG_H */
