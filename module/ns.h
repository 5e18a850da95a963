/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One registry per IPC namespace (see ns.c for the lifecycle).
 *
 * Locking:
 *  - aixipc_ns_lock (a raw spinlock, taken with interrupts off: the probe
 *    that reports a namespace's death runs in atomic context, where a
 *    PREEMPT_RT spinlock_t would sleep) guards the table of namespaces
 *    (aixipc_ns.hnode); a registry out of the table is a dead namespace's.
 *    The table is read under RCU.
 *  - aixipc_ns.ref counts one reference while the IPC namespace lives (the
 *    table's, dropped when it dies), one per object (dropped when the
 *    object is freed) and one per administrator's call that reaches into
 *    another namespace.  The last put frees the registry from a work item.
 *  - aixipc_ns.limits are written under aixipc_ns_limits_mutex and read
 *    field by field with READ_ONCE() (aixipc_limit()): a reader racing a
 *    change sees each field old or new, as with Linux's IPC sysctls.
 *  - The caller's own registry needs no reference during a call: the
 *    caller's nsproxy pins its IPC namespace, which cannot die, and so
 *    neither can the registry, until the call returns.
 */
#ifndef _AIXIPC_NS_H
#define _AIXIPC_NS_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/refcount.h>
#include <linux/workqueue.h>

#include "ids.h"

struct ipc_namespace;

struct aixipc_ns {
	struct aixipc_ids ids[AIXIPC_NR_KINDS];
	struct aixipc_limits limits;	/* see aixipc_limit() */
	struct user_namespace *user_ns;	/* owns the IPC namespace; a reference */
	atomic64_t shm_pages;		/* segment pages counted against shmall */
	/* The IPC namespace served: compared, never dereferenced after creation. */
	const struct ipc_namespace *ipc;
	unsigned int inum;		/* its inode number, for the global view */
	refcount_t ref;
	struct hlist_node hnode;	/* [aixipc_ns_lock] the table */
	struct work_struct death_work;	/* removes the objects of a dead one */
	struct work_struct free_work;	/* frees it after the last put */
	struct rcu_head rcu;
};

/* The initial IPC namespace's registry: created at load, never dies. */
extern struct aixipc_ns aixipc_init_ns;

/* The host's caps, which are also the limits each namespace starts from. */
extern struct aixipc_limits aixipc_limits;

/* A namespace's limit @name, read once, for a caller holding no lock. */
#define aixipc_limit(ns, name)	READ_ONCE((ns)->limits.name)

int aixipc_ns_setup(void);
void aixipc_ns_cleanup(void);
struct aixipc_ns *aixipc_ns_current_slow(void);

/*
 * aixipc_ns_current - the caller's registry, made on its first use
 *
 * The caller's IPC namespace now, not when the device was opened.  The
 * initial namespace's is one comparison away, inline: every call pays it.
 * Return: the registry or ERR_PTR(-ENOMEM).
 */
static inline struct aixipc_ns *aixipc_ns_current(void)
{
	if (likely(current->nsproxy->ipc_ns == aixipc_init_ns.ipc))
		return &aixipc_init_ns;
	return aixipc_ns_current_slow();
}

bool aixipc_ns_is_init(const struct aixipc_ns *ns);
void aixipc_ns_put(struct aixipc_ns *ns);

static inline void aixipc_ns_get(struct aixipc_ns *ns)
{
	refcount_inc(&ns->ref);
}

/* The host-wide count of ids (@kind) and segment pages, against the caps. */
bool aixipc_host_ids_charge(unsigned int kind);
void aixipc_host_ids_uncharge(unsigned int kind);
bool aixipc_shm_charge(struct aixipc_ns *ns, u64 pages);
void aixipc_shm_uncharge(struct aixipc_ns *ns, u64 pages);

/* The id limit of @kind in @l (a namespace's limits or the host's). */
static inline u64 aixipc_ids_limit(const struct aixipc_limits *l,
				   unsigned int kind)
{
	switch (kind) {
	case AIXIPC_MSG:
		return READ_ONCE(l->msgmni);
	case AIXIPC_SEM:
		return READ_ONCE(l->semmni);
	default:
		return READ_ONCE(l->shmmni);
	}
}

/* The id limit of @kind in @ns. */
static inline u64 aixipc_max_ids(const struct aixipc_ns *ns, unsigned int kind)
{
	return aixipc_ids_limit(&ns->limits, kind);
}

bool aixipc_limits_sane(const struct aixipc_limits *l);
void aixipc_ns_read_limits(const struct aixipc_ns *ns, struct aixipc_limits *out);
int aixipc_ns_ctl(struct aixipc_ns *ns, struct aixipc_ns_ctl *req);
int aixipc_ns_list(struct aixipc_ns *self, struct aixipc_list *req);

#endif /* _AIXIPC_NS_H */
