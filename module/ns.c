// SPDX-License-Identifier: GPL-2.0
/*
 * IPC namespaces: one registry (struct aixipc_ns) per IPC namespace, as
 * Linux keeps one set of SysV objects per namespace.
 *
 * Birth: a namespace's registry is made by the first call from inside it
 * (aixipc_ns_current()); a namespace that never uses aixipc costs nothing.
 * The initial namespace's registry is made at load and never dies.
 *
 * Death: the kernel tells modules nothing when an IPC namespace dies, and
 * a module may not hold the namespace itself (a reference would keep it
 * alive; put_ipc_ns() is not even exported before 6.12).  But every IPC
 * namespace dies in one place: the kernel's free_ipc work calls
 * free_ipc_ns(), which calls sem_exit_ns() (ipc/namespace.c), after the
 * last reference is gone (no task, no open ns file, no bind mount).  A
 * kprobe on sem_exit_ns() sees the namespace while it still exists; the
 * probe takes its registry out of the table, so a later namespace at the
 * same address starts afresh, and queues the removal of its objects, as
 * Linux's sem_exit_ns(), msg_exit_ns() and shm_exit_ns() remove the native
 * ones.  Latency: the kernel's own (one work item and an RCU grace period
 * after the last put), then one more work item.  Nothing polls.
 *
 * Objects outlive their namespace only as IPC_RMID lets them: a segment
 * still mapped by a process that left the namespace stays until its last
 * detach.  Each object holds a reference on its registry, so the registry
 * (its limits, its counters) is freed after the last of them.
 *
 * Limits: each namespace starts with the module parameters (ns_percent of
 * the id and segment-memory caps for namespaces other than the initial
 * one) and its administrator in the initial namespace can change them
 * (AIXIPC_IOC_NS), never beyond the module parameters, which also cap the
 * ids and segment pages of all namespaces together.
 *
 * Locking: see ns.h.
 */
#include <linux/capability.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/rculist.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "msg.h"
#include "ns.h"
#include "sem.h"
#include "shm.h"

static unsigned int ns_percent = 50;
module_param(ns_percent, uint, 0444);
MODULE_PARM_DESC(ns_percent,
		 "ids and segment memory a new IPC namespace other than the initial one may use, in percent of the host's caps (50)");

struct aixipc_ns aixipc_init_ns;

static DEFINE_RAW_SPINLOCK(aixipc_ns_lock);
static DEFINE_HASHTABLE(aixipc_ns_table, 6);
static DEFINE_MUTEX(aixipc_ns_limits_mutex);
static struct workqueue_struct *aixipc_ns_wq;

/* All namespaces together, against the module parameters. */
static atomic64_t aixipc_host_ids[AIXIPC_NR_KINDS];
static atomic64_t aixipc_host_shm_pages;

static const struct aixipc_kind_ops *const aixipc_kinds[AIXIPC_NR_KINDS] = {
	[AIXIPC_MSG] = &aixipc_msg_ops,
	[AIXIPC_SEM] = &aixipc_sem_ops,
	[AIXIPC_SHM] = &aixipc_shm_ops,
};

/* Count a new object of @kind host-wide.  Return: false past the cap. */
bool aixipc_host_ids_charge(unsigned int kind)
{
	if (atomic64_inc_return(&aixipc_host_ids[kind]) >
	    aixipc_ids_limit(&aixipc_limits, kind)) {
		atomic64_dec(&aixipc_host_ids[kind]);
		return false;
	}
	return true;
}

void aixipc_host_ids_uncharge(unsigned int kind)
{
	atomic64_dec(&aixipc_host_ids[kind]);
}

/*
 * Reserve @pages against @ns's shmall and the host's.  Return: false, with
 * nothing reserved, when either would be passed.
 */
bool aixipc_shm_charge(struct aixipc_ns *ns, u64 pages)
{
	if (atomic64_add_return(pages, &ns->shm_pages) >
	    aixipc_limit(ns, shmall))
		goto ns_full;
	if (atomic64_add_return(pages, &aixipc_host_shm_pages) >
	    aixipc_limits.shmall)
		goto host_full;
	return true;

host_full:
	atomic64_sub(pages, &aixipc_host_shm_pages);
ns_full:
	atomic64_sub(pages, &ns->shm_pages);
	return false;
}

void aixipc_shm_uncharge(struct aixipc_ns *ns, u64 pages)
{
	atomic64_sub(pages, &aixipc_host_shm_pages);
	atomic64_sub(pages, &ns->shm_pages);
}

/* Is @l a set of limits the id encoding and the types can carry? */
bool aixipc_limits_sane(const struct aixipc_limits *l)
{
	if (l->msgmni > AIXIPC_MAX_SLOTS || l->semmni > AIXIPC_MAX_SLOTS ||
	    l->shmmni > AIXIPC_MAX_SLOTS)
		return false;
	if (l->msgmax > INT_MAX || l->msgmnb > INT_MAX || !l->msgmnm ||
	    l->msgmnm > INT_MAX)
		return false;
	if (!l->semmsl || l->semmsl > 65535 || !l->semopm ||
	    l->semopm > 65535 || l->semvmx > 32767 || l->semaem > 32767)
		return false;
	return l->shmmin && l->shmmin <= l->shmmax;
}

/* Is @l within the host's caps: nothing more generous than them? */
static bool aixipc_limits_within_host(const struct aixipc_limits *l)
{
	const struct aixipc_limits *h = &aixipc_limits;

	return l->msgmax <= h->msgmax && l->msgmnb <= h->msgmnb &&
	       l->msgmnm <= h->msgmnm && l->msgmni <= h->msgmni &&
	       l->semmni <= h->semmni && l->semmsl <= h->semmsl &&
	       l->semopm <= h->semopm && l->semvmx <= h->semvmx &&
	       l->semaem <= h->semaem && l->semume <= h->semume &&
	       l->shmmax <= h->shmmax && l->shmmin >= h->shmmin &&
	       l->shmmni <= h->shmmni && l->shmall <= h->shmall;
}

/* Copy @ns's limits out, each field read once. */
void aixipc_ns_read_limits(const struct aixipc_ns *ns, struct aixipc_limits *out)
{
	out->msgmax = aixipc_limit(ns, msgmax);
	out->msgmnb = aixipc_limit(ns, msgmnb);
	out->msgmnm = aixipc_limit(ns, msgmnm);
	out->msgmni = aixipc_limit(ns, msgmni);
	out->semmni = aixipc_limit(ns, semmni);
	out->semmsl = aixipc_limit(ns, semmsl);
	out->semopm = aixipc_limit(ns, semopm);
	out->semvmx = aixipc_limit(ns, semvmx);
	out->semaem = aixipc_limit(ns, semaem);
	out->semume = aixipc_limit(ns, semume);
	out->shmmax = aixipc_limit(ns, shmmax);
	out->shmmin = aixipc_limit(ns, shmmin);
	out->shmmni = aixipc_limit(ns, shmmni);
	out->shmall = aixipc_limit(ns, shmall);
}

/* Set @ns's limits to @l, field by field.  aixipc_ns_limits_mutex held. */
static void aixipc_ns_write_limits(struct aixipc_ns *ns,
				   const struct aixipc_limits *l)
{
	struct aixipc_limits *d = &ns->limits;

	lockdep_assert_held(&aixipc_ns_limits_mutex);
	WRITE_ONCE(d->msgmax, l->msgmax);
	WRITE_ONCE(d->msgmnb, l->msgmnb);
	WRITE_ONCE(d->msgmnm, l->msgmnm);
	WRITE_ONCE(d->msgmni, l->msgmni);
	WRITE_ONCE(d->semmni, l->semmni);
	WRITE_ONCE(d->semmsl, l->semmsl);
	WRITE_ONCE(d->semopm, l->semopm);
	WRITE_ONCE(d->semvmx, l->semvmx);
	WRITE_ONCE(d->semaem, l->semaem);
	WRITE_ONCE(d->semume, l->semume);
	WRITE_ONCE(d->shmmax, l->shmmax);
	WRITE_ONCE(d->shmmin, l->shmmin);
	WRITE_ONCE(d->shmmni, l->shmmni);
	WRITE_ONCE(d->shmall, l->shmall);
}

static void aixipc_ns_death_work(struct work_struct *work);
static void aixipc_ns_free_work(struct work_struct *work);

/*
 * Set up @ns for the IPC namespace @ipc, owned by @user_ns.  Not yet in
 * the table.  May sleep.  Return: 0 or -ENOMEM.
 */
static int aixipc_ns_init(struct aixipc_ns *ns, const struct ipc_namespace *ipc,
			  struct user_namespace *user_ns, unsigned int inum)
{
	int kind, err;

	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++) {
		err = aixipc_ids_init(&ns->ids[kind], ns, kind,
				      aixipc_kinds[kind]);
		if (err) {
			while (--kind >= 0)
				aixipc_ids_destroy(&ns->ids[kind]);
			return err;
		}
	}
	ns->limits = aixipc_limits;
	if (ns != &aixipc_init_ns) {
		ns->limits.msgmni = aixipc_limits.msgmni * ns_percent / 100;
		ns->limits.semmni = aixipc_limits.semmni * ns_percent / 100;
		ns->limits.shmmni = aixipc_limits.shmmni * ns_percent / 100;
		ns->limits.shmall = aixipc_limits.shmall * ns_percent / 100;
	}
	ns->user_ns = get_user_ns(user_ns);
	atomic64_set(&ns->shm_pages, 0);
	ns->ipc = ipc;
	ns->inum = inum;
	refcount_set(&ns->ref, 1);
	INIT_WORK(&ns->death_work, aixipc_ns_death_work);
	INIT_WORK(&ns->free_work, aixipc_ns_free_work);
	return 0;
}

/* Free what aixipc_ns_init() set up; no object is left.  May sleep. */
static void aixipc_ns_destroy(struct aixipc_ns *ns)
{
	int kind;

	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++)
		aixipc_ids_destroy(&ns->ids[kind]);
	put_user_ns(ns->user_ns);
}

static void aixipc_ns_free_work(struct work_struct *work)
{
	struct aixipc_ns *ns = container_of(work, struct aixipc_ns, free_work);

	aixipc_ns_destroy(ns);
	kfree_rcu(ns, rcu);	/* a table walker may still be looking at it */
}

/* Drop a reference; the last one frees @ns (from any context). */
void aixipc_ns_put(struct aixipc_ns *ns)
{
	if (refcount_dec_and_test(&ns->ref))
		queue_work(aixipc_ns_wq, &ns->free_work);
}

bool aixipc_ns_is_init(const struct aixipc_ns *ns)
{
	return ns == &aixipc_init_ns;
}

/* The registry of @ipc in the table.  Under RCU or aixipc_ns_lock. */
static struct aixipc_ns *aixipc_ns_lookup(const struct ipc_namespace *ipc)
{
	struct aixipc_ns *ns;

	hash_for_each_possible_rcu(aixipc_ns_table, ns, hnode,
				   (unsigned long)ipc)
		if (ns->ipc == ipc)
			return ns;
	return NULL;
}

/**
 * aixipc_ns_current_slow - the registry of a namespace other than the initial
 *
 * For aixipc_ns_current(): the caller's IPC namespace now, not when the
 * device was opened: a task that has called setns() or unshare() since
 * acts in its new namespace.  The registry stays valid until the caller
 * returns to user space (ns.h).  May sleep.
 * Return: the registry or ERR_PTR(-ENOMEM).
 */
struct aixipc_ns *aixipc_ns_current_slow(void)
{
	struct ipc_namespace *ipc = current->nsproxy->ipc_ns;
	struct aixipc_ns *ns, *new;
	unsigned long flags;
	int err;

	rcu_read_lock();
	ns = aixipc_ns_lookup(ipc);
	rcu_read_unlock();
	if (ns)
		return ns;

	/* Charged to the caller's memory cgroup, like the objects. */
	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return ERR_PTR(-ENOMEM);
	err = aixipc_ns_init(new, ipc, ipc->user_ns, ipc->ns.inum);
	if (err) {
		kfree(new);
		return ERR_PTR(err);
	}
	raw_spin_lock_irqsave(&aixipc_ns_lock, flags);
	ns = aixipc_ns_lookup(ipc);	/* another thread may have won */
	if (!ns) {
		hash_add_rcu(aixipc_ns_table, &new->hnode, (unsigned long)ipc);
		ns = new;
		new = NULL;
	}
	raw_spin_unlock_irqrestore(&aixipc_ns_lock, flags);
	if (new) {
		aixipc_ns_destroy(new);
		kfree(new);
	}
	return ns;
}

/*
 * The kprobe on sem_exit_ns(ipc): @ipc is dying.  Atomic context: take
 * its registry out of the table and leave the rest to a work item.
 */
static int aixipc_ns_died(struct kprobe *p, struct pt_regs *regs)
{
	const void *ipc = (const void *)regs_get_kernel_argument(regs, 0);
	struct aixipc_ns *ns;
	unsigned long flags;

	raw_spin_lock_irqsave(&aixipc_ns_lock, flags);
	ns = aixipc_ns_lookup(ipc);
	if (ns && !aixipc_ns_is_init(ns)) {
		hash_del_rcu(&ns->hnode);
		queue_work(aixipc_ns_wq, &ns->death_work);
	}
	raw_spin_unlock_irqrestore(&aixipc_ns_lock, flags);
	return 0;
}

static struct kprobe aixipc_ns_probe = {
	.symbol_name = "sem_exit_ns",
	.pre_handler = aixipc_ns_died,
};

/* A dead namespace's objects go as IPC_RMID would take them. */
static void aixipc_ns_death_work(struct work_struct *work)
{
	struct aixipc_ns *ns = container_of(work, struct aixipc_ns, death_work);
	int kind;

	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++)
		aixipc_ids_remove_all(&ns->ids[kind]);
	aixipc_ns_put(ns);	/* the table's */
}

/**
 * aixipc_ns_find - a namespace by inode number, with a reference
 * @inum: the inode number, or the smallest one to accept (@next)
 * @next: find the known namespace with the smallest inode number >= @inum
 *
 * Return: the registry, to be released with aixipc_ns_put(), or NULL.
 * Linear in the number of namespaces in use.
 */
static struct aixipc_ns *aixipc_ns_find(u64 inum, bool next)
{
	struct aixipc_ns *ns, *best = NULL;
	unsigned long flags;
	int bkt;

	raw_spin_lock_irqsave(&aixipc_ns_lock, flags);
	hash_for_each(aixipc_ns_table, bkt, ns, hnode) {
		if (ns->inum == inum) {
			best = ns;
			break;
		}
		if (next && ns->inum > inum && (!best || ns->inum < best->inum))
			best = ns;
	}
	/* In the table, it holds the table's reference. */
	if (best)
		aixipc_ns_get(best);
	raw_spin_unlock_irqrestore(&aixipc_ns_lock, flags);
	return best;
}

/* May the caller reach into other namespaces than its own @self? */
static int aixipc_ns_admin(const struct aixipc_ns *self)
{
	if (!aixipc_ns_is_init(self) || !capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/*
 * The registry a request names: the caller's own (@self, AIXIPC_NS_SELF)
 * or, for its administrator, another by inode number.  With a reference.
 */
static struct aixipc_ns *aixipc_ns_named(struct aixipc_ns *self, u64 ns)
{
	struct aixipc_ns *found;
	int err;

	if (ns == AIXIPC_NS_SELF) {
		aixipc_ns_get(self);
		return self;
	}
	err = aixipc_ns_admin(self);
	if (err)
		return ERR_PTR(err);
	found = ns <= UINT_MAX ? aixipc_ns_find(ns, false) : NULL;
	return found ? found : ERR_PTR(-ENOENT);
}

/* AIXIPC_NS_RMID: the facility's own IPC_RMID, in @ns. */
static int aixipc_ns_rmid(struct aixipc_ns *ns, u32 kind, s32 id)
{
	switch (kind) {
	case AIXIPC_MSG: {
		struct aixipc_msgctl req = { .id = id, .cmd = AIXIPC_IPC_RMID };

		return aixipc_msgctl(ns, &req);
	}
	case AIXIPC_SEM: {
		struct aixipc_semctl req = { .id = id, .cmd = AIXIPC_IPC_RMID };

		return aixipc_semctl(ns, &req);
	}
	case AIXIPC_SHM: {
		struct aixipc_shmctl req = { .id = id, .cmd = AIXIPC_IPC_RMID };

		return aixipc_shmctl(ns, &req);
	}
	}
	return -EINVAL;
}

/**
 * aixipc_ns_ctl - AIXIPC_IOC_NS
 * @self: the caller's registry
 * @req: the request
 *
 * Return: 0; -EINVAL for a bad command, kind, field or limits; -EPERM for
 * anything but reading one's own limits, unless the caller is the initial
 * namespace's administrator; -ENOENT for a namespace not known; or what
 * the facility's IPC_RMID returns.
 */
int aixipc_ns_ctl(struct aixipc_ns *self, struct aixipc_ns_ctl *req)
{
	struct aixipc_ns *ns;
	int err = 0;

	if (req->__reserved || req->cmd > AIXIPC_NS_NEXT ||
	    (req->cmd != AIXIPC_NS_RMID && (req->kind || req->id)))
		return -EINVAL;
	if (req->cmd == AIXIPC_NS_NEXT) {
		err = aixipc_ns_admin(self);
		if (err)
			return err;
		ns = req->ns < UINT_MAX ? aixipc_ns_find(req->ns + 1, true) : NULL;
		if (!ns)
			return -ENOENT;
		req->ns = ns->inum;
		aixipc_ns_read_limits(ns, &req->limits);
		aixipc_ns_put(ns);
		return 0;
	}
	if (req->cmd != AIXIPC_NS_GET_LIMITS || req->ns != AIXIPC_NS_SELF) {
		err = aixipc_ns_admin(self);
		if (err)
			return err;
	}
	ns = aixipc_ns_named(self, req->ns);
	if (IS_ERR(ns))
		return PTR_ERR(ns);

	switch (req->cmd) {
	case AIXIPC_NS_GET_LIMITS:
		aixipc_ns_read_limits(ns, &req->limits);
		break;
	case AIXIPC_NS_SET_LIMITS:
		if (!aixipc_limits_sane(&req->limits) ||
		    !aixipc_limits_within_host(&req->limits)) {
			err = -EINVAL;
			break;
		}
		mutex_lock(&aixipc_ns_limits_mutex);
		aixipc_ns_write_limits(ns, &req->limits);
		mutex_unlock(&aixipc_ns_limits_mutex);
		/* Before returning: the fast path checks semvmx too. */
		aixipc_sem_limits_changed(ns);
		break;
	case AIXIPC_NS_RMID:
		err = aixipc_ns_rmid(ns, req->kind, req->id);
		break;
	}
	aixipc_ns_put(ns);
	return err;
}

/* The cursor of a walk over every namespace: inode number, then slot. */
#define AIXIPC_NS_CURSOR(inum, slot)	((u64)(inum) << 32 | (slot))
#define AIXIPC_NS_CURSOR_END		(~0ULL)

/**
 * aixipc_ns_list - AIXIPC_IOC_LIST, in the caller's namespace or others
 * @self: the caller's registry
 * @req: the request
 *
 * AIXIPC_NS_SELF lists the caller's own; an inode number, one other
 * namespace; AIXIPC_NS_ALL, every namespace in inode number order, the
 * cursor holding the namespace's inode number above its slot.  A
 * namespace that dies during a walk is skipped from then on.
 * Return: as aixipc_list(), or -EPERM, -ENOENT as aixipc_ns_named().
 */
int aixipc_ns_list(struct aixipc_ns *self, struct aixipc_list *req)
{
	struct aixipc_list part;
	struct aixipc_ns *ns;
	u32 filled = 0;
	u64 inum;
	int err;

	if (req->ns != AIXIPC_NS_ALL) {
		ns = aixipc_ns_named(self, req->ns);
		if (IS_ERR(ns))
			return PTR_ERR(ns);
		err = aixipc_list(ns, req);
		aixipc_ns_put(ns);
		return err;
	}
	err = aixipc_ns_admin(self);
	if (err)
		return err;
	if (req->cursor == AIXIPC_NS_CURSOR_END) {
		req->count = 0;
		return aixipc_list_check(req);
	}
	if ((u32)req->cursor > AIXIPC_MAX_SLOTS)
		return -EINVAL;
	err = aixipc_list_check(req);
	if (err)
		return err;

	inum = req->cursor >> 32;
	part = *req;
	part.cursor = (u32)req->cursor;
	req->cursor = AIXIPC_NS_CURSOR_END;
	while (filled < req->count) {
		ns = aixipc_ns_find(inum, true);
		if (!ns) {
			req->cursor = AIXIPC_NS_CURSOR_END;
			break;
		}
		part.entries = req->entries + (u64)filled * req->entry_size;
		part.count = req->count - filled;
		err = aixipc_list(ns, &part);
		inum = ns->inum;
		aixipc_ns_put(ns);
		filled += part.count;
		if (err)
			break;
		if (part.cursor < AIXIPC_MAX_SLOTS) {
			/* The array filled up inside this namespace. */
			req->cursor = AIXIPC_NS_CURSOR(inum, part.cursor);
			break;
		}
		if (inum == UINT_MAX)
			break;
		/* Done with it: the next call, or the next turn, goes on. */
		inum++;
		part.cursor = 0;
		req->cursor = AIXIPC_NS_CURSOR(inum, 0);
	}
	req->count = filled;
	return err;
}

/* At load: the initial namespace's registry, the table and the probe. */
int aixipc_ns_setup(void)
{
	struct ipc_namespace *init_ipc = init_task.nsproxy->ipc_ns;
	int err;

	if (ns_percent > 100) {
		pr_err("ns_percent above 100\n");
		return -EINVAL;
	}
	/*
	 * Unbound: a dying namespace's teardown may run long and need not
	 * stay on the CPU that queued it.  Newer kernels (7.2) want the
	 * choice explicit: without WQ_UNBOUND or WQ_PERCPU they warn.
	 */
	aixipc_ns_wq = alloc_workqueue("aixipc_ns", WQ_UNBOUND, 0);
	if (!aixipc_ns_wq)
		return -ENOMEM;
	err = aixipc_ns_init(&aixipc_init_ns, init_ipc, init_ipc->user_ns,
			     init_ipc->ns.inum);
	if (err)
		goto wq;
	hash_add_rcu(aixipc_ns_table, &aixipc_init_ns.hnode,
		     (unsigned long)init_ipc);
	err = register_kprobe(&aixipc_ns_probe);
	if (err) {
		pr_err("cannot probe %s (%d): IPC namespaces' deaths would go unseen\n",
		       aixipc_ns_probe.symbol_name, err);
		goto init_ns;
	}
	return 0;

init_ns:
	hash_del_rcu(&aixipc_init_ns.hnode);
	aixipc_ns_destroy(&aixipc_init_ns);
wq:
	destroy_workqueue(aixipc_ns_wq);
	return err;
}

/*
 * At unload, with no object left in any namespace (each pins the module):
 * stop the probe, let queued deaths and frees finish, and free the
 * registries of namespaces still alive.
 */
void aixipc_ns_cleanup(void)
{
	struct aixipc_ns *ns;
	struct hlist_node *tmp;
	int bkt;

	unregister_kprobe(&aixipc_ns_probe);
	drain_workqueue(aixipc_ns_wq);	/* deaths still removing objects */
	rcu_barrier();			/* those objects' frees put registries */
	drain_workqueue(aixipc_ns_wq);	/* and the registries' frees */
	hash_for_each_safe(aixipc_ns_table, bkt, tmp, ns, hnode) {
		hash_del_rcu(&ns->hnode);
		if (aixipc_ns_is_init(ns)) {
			aixipc_ns_destroy(ns);
			continue;
		}
		aixipc_ns_destroy(ns);
		kfree_rcu(ns, rcu);
	}
	destroy_workqueue(aixipc_ns_wq);
}
