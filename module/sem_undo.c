// SPDX-License-Identifier: GPL-2.0
/*
 * SEM_UNDO: per-process adjustments, applied when the process exits.
 *
 * A process (all its threads: the key is its signal_struct, which threads
 * share, fork does not, and exec keeps) has one aixipc_undo_list, created
 * by its first SEM_UNDO operation, holding one aixipc_sem_undo per set it
 * used.  Each aixipc_sem_undo is also on its set's list, so SETVAL and
 * SETALL can clear adjustments and IPC_RMID can drop them.
 *
 * Why the exit hook is reliable: the kernel offers modules no exit
 * notifier, but every task that exits, however it dies (return from main,
 * exit_group, a fatal signal including SIGKILL, an exec that kills sibling
 * threads), passes do_exit(), which fires the sched_process_exit
 * tracepoint after decrementing signal->live.  The probe registered on it
 * applies the adjustments when live has reached 0, i.e. for the last
 * thread of the process, once.  The tracepoint is found with
 * for_each_kernel_tracepoint(); the module refuses to load without it.
 * Probes run with preemption disabled, so everything here is spinlocks.
 *
 * Locking: aixipc_undo_lock guards the hash of lists.  ulp->lock guards
 * ulp->undos; un->semid changes under both ulp->lock and the set-wide lock
 * (taken first).  un->adj is guarded like the set's values (sem.h).  An
 * aixipc_sem_undo is freed after an RCU grace period.
 */
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>

#include "aixipc.h"
#include "sem.h"

struct aixipc_undo_list {
	spinlock_t lock;			/* guards undos */
	struct list_head undos;
	atomic_t nonzero;			/* non-zero adjustments (semume) */
	const struct signal_struct *owner;	/* the process */
	struct aixipc_ns *ns;
	struct hlist_node hnode;		/* [aixipc_undo_lock] */
};

static DEFINE_SPINLOCK(aixipc_undo_lock);
static DEFINE_HASHTABLE(aixipc_undo_procs, 8);
static atomic_t aixipc_undo_lists;	/* lists in the hash */
static struct tracepoint *aixipc_exit_tp;

static struct aixipc_undo_list *aixipc_ulp_lookup(const struct signal_struct *sig)
{
	struct aixipc_undo_list *ulp;

	hash_for_each_possible(aixipc_undo_procs, ulp, hnode, (unsigned long)sig)
		if (ulp->owner == sig)
			return ulp;
	return NULL;
}

/* The calling process's list, created on first use; may sleep. */
static struct aixipc_undo_list *aixipc_ulp_get(struct aixipc_ns *ns)
{
	const struct signal_struct *sig = current->signal;
	struct aixipc_undo_list *ulp, *new;

	spin_lock(&aixipc_undo_lock);
	ulp = aixipc_ulp_lookup(sig);
	spin_unlock(&aixipc_undo_lock);
	if (ulp)
		return ulp;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!new)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&new->lock);
	INIT_LIST_HEAD(&new->undos);
	atomic_set(&new->nonzero, 0);
	new->owner = sig;
	new->ns = ns;

	spin_lock(&aixipc_undo_lock);
	ulp = aixipc_ulp_lookup(sig);	/* another thread may have won */
	if (!ulp) {
		hash_add(aixipc_undo_procs, &new->hnode, (unsigned long)sig);
		atomic_inc(&aixipc_undo_lists);
		ulp = new;
		new = NULL;
	}
	spin_unlock(&aixipc_undo_lock);
	kfree(new);
	return ulp;
}

/* @ulp's adjustments for @semid, or NULL; ulp->lock held. */
static struct aixipc_sem_undo *aixipc_undo_lookup(struct aixipc_undo_list *ulp,
						  int semid)
{
	struct aixipc_sem_undo *un;

	list_for_each_entry(un, &ulp->undos, list_proc)
		if (un->semid == semid)
			return un;
	return NULL;
}

atomic_t *aixipc_undo_nonzero(struct aixipc_undo_list *ulp)
{
	return &ulp->nonzero;
}

/**
 * aixipc_undo_find_alloc - the caller's adjustments for set @semid
 * @ns: the namespace
 * @semid: the set
 * @ulpp: set to the caller's undo list
 *
 * Creates what is missing; may sleep.  Return: the adjustments, with
 * rcu_read_lock() held (it keeps them until the set's lock is taken, after
 * which the caller checks un->semid), or an ERR_PTR with nothing held.
 */
struct aixipc_sem_undo *aixipc_undo_find_alloc(struct aixipc_ns *ns, int semid,
					       struct aixipc_undo_list **ulpp)
{
	struct aixipc_sem_undo *un, *new;
	struct aixipc_undo_list *ulp;
	struct aixipc_sem_set *set;
	struct aixipc_obj *obj;
	struct aixipc_wake wake;
	unsigned int nsems;

	ulp = aixipc_ulp_get(ns);
	if (IS_ERR(ulp))
		return ERR_CAST(ulp);
	*ulpp = ulp;

	rcu_read_lock();
	spin_lock(&ulp->lock);
	un = aixipc_undo_lookup(ulp, semid);
	spin_unlock(&ulp->lock);
	if (un)
		return un;
	rcu_read_unlock();

	rcu_read_lock();
	obj = aixipc_obtain_rcu(&ns->ids[AIXIPC_SEM], semid);
	nsems = IS_ERR(obj) ? 0 : container_of(obj, struct aixipc_sem_set, obj)->nsems;
	rcu_read_unlock();
	if (IS_ERR(obj))
		return ERR_CAST(obj);

	aixipc_wake_init(&wake);
	new = kvzalloc(struct_size(new, adj, nsems), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->ulp = ulp;
	new->semid = semid;

	set = aixipc_sem_lock_id_global(ns, semid);
	if (IS_ERR(set)) {
		kvfree(new);
		return ERR_CAST(set);
	}
	spin_lock(&ulp->lock);
	un = aixipc_undo_lookup(ulp, semid);
	if (!un) {
		list_add(&new->list_proc, &ulp->undos);
		list_add(&new->list_set, &set->undos);
		un = new;
		new = NULL;
	}
	spin_unlock(&ulp->lock);
	rcu_read_lock();
	aixipc_sem_unlock_global(set, &wake);
	kvfree(new);
	return un;
}

/* Forget the non-zero adjustments of @un[from, to); set-wide lock held. */
static void aixipc_undo_zero(struct aixipc_sem_undo *un, unsigned int from,
			     unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++) {
		if (un->adj[i]) {
			un->adj[i] = 0;
			atomic_dec(&un->ulp->nonzero);
		}
	}
}

/**
 * aixipc_undo_clear - SETVAL, SETALL: clear adjustments in every process
 * @set: the set, in global mode
 * @semnum: the semaphore, or -1 for all
 */
void aixipc_undo_clear(struct aixipc_sem_set *set, int semnum)
{
	struct aixipc_sem_undo *un;

	list_for_each_entry(un, &set->undos, list_set) {
		if (semnum < 0)
			aixipc_undo_zero(un, 0, set->nsems);
		else
			aixipc_undo_zero(un, semnum, semnum + 1);
	}
}

/**
 * aixipc_undo_drop_set - IPC_RMID: drop every process's adjustments
 * @set: the set, in global mode
 */
void aixipc_undo_drop_set(struct aixipc_sem_set *set)
{
	struct aixipc_sem_undo *un, *tmp;

	list_for_each_entry_safe(un, tmp, &set->undos, list_set) {
		struct aixipc_undo_list *ulp = un->ulp;

		spin_lock(&ulp->lock);
		aixipc_undo_zero(un, 0, set->nsems);
		list_del(&un->list_proc);
		un->semid = -1;
		spin_unlock(&ulp->lock);
		list_del(&un->list_set);
		kvfree_rcu(un, rcu);
	}
}

/*
 * Apply and free every adjustment of an exited process.  A set being
 * removed concurrently drops its entry from the list itself; this loop
 * then finds the next one.
 */
static void aixipc_undo_apply(struct aixipc_undo_list *ulp, struct pid *pid)
{
	for (;;) {
		struct aixipc_sem_set *set;
		struct aixipc_sem_undo *un;
		struct aixipc_wake wake;
		unsigned int i;
		int semid;

		rcu_read_lock();
		spin_lock(&ulp->lock);
		un = list_first_entry_or_null(&ulp->undos,
					      struct aixipc_sem_undo, list_proc);
		semid = un ? un->semid : -1;
		spin_unlock(&ulp->lock);
		if (!un) {
			rcu_read_unlock();
			return;
		}
		aixipc_wake_init(&wake);
		set = aixipc_sem_lock_id_global(ulp->ns, semid);
		if (IS_ERR(set)) {
			/* IPC_RMID is dropping it right now. */
			rcu_read_unlock();
			cpu_relax();
			continue;
		}
		spin_lock(&ulp->lock);
		if (un->semid != semid) {
			spin_unlock(&ulp->lock);
			aixipc_sem_unlock_global(set, &wake);
			rcu_read_unlock();
			continue;
		}
		list_del(&un->list_proc);
		spin_unlock(&ulp->lock);
		list_del(&un->list_set);
		for (i = 0; i < set->nsems; i++) {
			struct aixipc_sem *sem = &set->sems[i];

			if (!un->adj[i])
				continue;
			sem->val = aixipc_sem_undo_value(sem->val, un->adj[i],
							 aixipc_limits.semvmx);
			aixipc_set_pid(&sem->pid, pid);
		}
		aixipc_sem_update_all(set, &wake);
		aixipc_sem_unlock_global(set, &wake);
		rcu_read_unlock();
		kvfree_rcu(un, rcu);
	}
}

/* sched_process_exit: runs for every exiting task, preemption disabled. */
static void aixipc_undo_exit_probe(void *data, struct task_struct *p)
{
	struct aixipc_undo_list *ulp;

	if (!atomic_read(&aixipc_undo_lists) || atomic_read(&p->signal->live))
		return;
	spin_lock(&aixipc_undo_lock);
	ulp = aixipc_ulp_lookup(p->signal);
	if (ulp) {
		hash_del(&ulp->hnode);
		atomic_dec(&aixipc_undo_lists);
	}
	spin_unlock(&aixipc_undo_lock);
	if (!ulp)
		return;
	aixipc_undo_apply(ulp, task_tgid(p));
	kfree(ulp);
}

static void aixipc_find_exit_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_exit"))
		*(struct tracepoint **)priv = tp;
}

int aixipc_undo_init(void)
{
	for_each_kernel_tracepoint(aixipc_find_exit_tp, &aixipc_exit_tp);
	if (!aixipc_exit_tp) {
		pr_err("no sched_process_exit tracepoint: SEM_UNDO cannot work\n");
		return -ENOENT;
	}
	return tracepoint_probe_register(aixipc_exit_tp,
					 aixipc_undo_exit_probe, NULL);
}

/* At unload no set exists, so every list left is empty: free them. */
void aixipc_undo_exit(void)
{
	struct aixipc_undo_list *ulp;
	struct hlist_node *tmp;
	int bkt;

	tracepoint_probe_unregister(aixipc_exit_tp, aixipc_undo_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	hash_for_each_safe(aixipc_undo_procs, bkt, tmp, ulp, hnode) {
		hash_del(&ulp->hnode);
		kfree(ulp);
	}
}
