/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Message queues: the registry hooks and the ioctl entry points, plus the
 * pure type-selection rules (kept here, inline, for the KUnit suite).
 */
#ifndef _AIXIPC_MSG_H
#define _AIXIPC_MSG_H

#include <linux/limits.h>
#include <linux/list.h>
#include <linux/pid.h>
#include <linux/types.h>
#include <uapi/linux/aixipc.h>

#include "ids.h"

extern const struct aixipc_kind_ops aixipc_msg_ops;

/*
 * A queue.  Everything but obj's constant fields is guarded by obj.lock
 * (see the top of msg.c); shared with msg_fd.c, its descriptors.
 */
struct aixipc_msq {
	struct aixipc_obj obj;
	struct list_head messages;
	struct list_head receivers;
	struct list_head senders;
	struct list_head fds;		/* queue descriptors (msg_fd.c) */
	u64 cbytes;
	u64 qnum;
	u64 qbytes;
	u64 next_seqno;
	struct pid *lspid;	/* references, as Linux's; NULL at first */
	struct pid *lrpid;
	time64_t stime;
	time64_t rtime;
};

static inline struct aixipc_msq *to_msq(struct aixipc_obj *obj)
{
	return container_of(obj, struct aixipc_msq, obj);
}

/*
 * Caps on message memory, in bytes of kernel allocation (text and
 * headers): per effective uid, and for the host.  Module parameters, set
 * at load (main.c) and read-only after.
 */
extern u64 aixipc_msg_user_bytes;
extern u64 aixipc_msg_total_bytes;

void aixipc_msg_exit(void);

/*
 * The calls name the queue by req->id in @ns, or, when @via is not NULL
 * (a queue descriptor's), @via itself, whose id req->id must be.
 */
int aixipc_msgsnd(struct aixipc_ns *ns, struct aixipc_msq *via,
		  struct aixipc_msgsnd *req);
int aixipc_msgrcv(struct aixipc_ns *ns, struct aixipc_msq *via,
		  struct aixipc_msgrcv *req);
int aixipc_msgctl(struct aixipc_ns *ns, struct aixipc_msgctl *req);

/* For msg_fd.c.  The id's queue, locked, or an ERR_PTR. */
struct aixipc_msq *aixipc_msq_lock(struct aixipc_ns *ns, int id);
/* q->obj.lock held. */
bool aixipc_msq_can_receive(struct aixipc_msq *q, s64 msgtyp, u32 flags);
bool aixipc_msq_can_send(struct aixipc_msq *q, u64 size);
void aixipc_msq_fill_ds(struct aixipc_msq *q, struct aixipc_msqid_ds *ds);

/* main.c: the send and receive ioctls, of the device or a descriptor. */
long aixipc_ioctl_msgsnd(struct aixipc_msq *via, void __user *uarg);
long aixipc_ioctl_msgrcv(struct aixipc_msq *via, void __user *uarg);

/* msg_fd.c: queue descriptors, told by msg.c of what changes readiness. */
int aixipc_msgfd_create(struct aixipc_ns *ns, const struct aixipc_msgfd *req);
void aixipc_msgfd_queued(struct aixipc_msq *q, s64 mtype);
void aixipc_msgfd_room(struct aixipc_msq *q);
void aixipc_msgfd_changed(struct aixipc_msq *q, bool perm);
void aixipc_msgfd_removed(struct aixipc_msq *q);

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
