// SPDX-License-Identifier: GPL-2.0
/*
 * SEM_UNDO: per-process adjustments, applied when the process exits.
 *
 * A process (all its threads: the key is its signal_struct, which threads
 * share, fork does not, and exec keeps) has one aixipc_undo_list, created
 * by its first SEM_UNDO operation, holding one aixipc_sem_undo per set it
 * used.  Each aixipc_sem_undo is also on its set's list, so SETVAL and
 * SETALL can clear adjustments and IPC_RMID can drop them.  An entry names
 * its set by pointer, never by id: an id can be recycled by a newer set
 * (ids carry 11 bits of sequence), a pointer cannot while the entry is on
 * the set's list.
 *
 * Why the exit hook is reliable: the kernel offers modules no exit
 * notifier, but every task that exits, however it dies (return from main,
 * exit_group, a fatal signal including SIGKILL, an exec that kills sibling
 * threads), passes do_exit(), which fires the sched_process_exit
 * tracepoint after decrementing signal->live.  The probe registered on it
 * takes the list of the process when live has reached 0, i.e. for the last
 * thread of the process, once.  The tracepoint is found with
 * for_each_kernel_tracepoint(); the module refuses to load without it.
 *
 * Probes run with preemption disabled, and applying a list is O(sets x
 * semaphores), so the probe only queues the work as a task_work on the
 * exiting task: do_exit() runs it in exit_task_work(), in process context,
 * preemptible, before the parent can be notified (exit_notify()), so a
 * parent's wait() still sees the adjustments applied, as with Linux's
 * exit_sem().
 *
 * On the fast path (sem_fast.c) a process's adjustment for a semaphore
 * may live in the semaphore's word instead: a "hold".  The kernel grants
 * one when it gives a word back after a SEM_UNDO operation of the process
 * (aixipc_undo_hold_grant()): it moves un->adj[i] into the word, with the
 * process's holder ticket, and records the hold in sem->holder.  From then
 * on one compare-and-swap in user space changes value and adjustment
 * together, so no signal can fall between them.  Taking the word ends the
 * hold (aixipc_undo_hold_end(), from aixipc_sem_own()): the adjustment
 * comes back into un->adj[i].  Exit takes every word the process holds
 * before applying; IPC_RMID ends the holds with the rest.
 *
 * semume counts a process's non-zero adjustments: ulp->nonzero counts
 * those the kernel keeps plus the holds (a hold is granted only for a
 * non-zero adjustment, so granting never adds to it).  A hold whose
 * adjustment went back to zero in user space still counts until the
 * kernel takes its word; an operation that finds the count at the limit
 * first takes every word the process holds (aixipc_undo_reclaim()), so
 * ENOSPC is returned only when semume non-zero adjustments really exist.
 *
 * Locking: aixipc_undo_lock guards the hash of lists.  ulp->lock guards
 * ulp->undos; un->set is cleared under both ulp->lock and the set-wide lock
 * (taken first).  un->adj is guarded like the set's values (sem.h).  An
 * aixipc_sem_undo is freed after an RCU grace period, and a set's memory
 * outlives (by RCU) every entry that was on its list, so an entry seen on a
 * list under rcu_read_lock() names a set that may be locked.
 */
#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
#include <linux/wait_bit.h>

#include "ns.h"
#include "sem.h"

struct aixipc_undo_list {
	spinlock_t lock;			/* guards undos */
	struct list_head undos;
	atomic_t nonzero;			/* non-zero adjustments (semume) */
	atomic_t holds;				/* adjustments held in words */
	const struct signal_struct *owner;	/* the process */
	struct hlist_node hnode;		/* [aixipc_undo_lock] */
	struct callback_head exit_work;		/* applies it at exit */
};

/*
 * Raw: the exit probe takes it with preemption disabled, where a
 * PREEMPT_RT kernel's spinlock_t (a sleeping lock) may not be taken.  Its
 * sections are short: a hash lookup, an add or a delete.
 */
static DEFINE_RAW_SPINLOCK(aixipc_undo_lock);
static DEFINE_HASHTABLE(aixipc_undo_procs, 8);
static atomic_t aixipc_undo_lists;	/* lists in the hash */
static atomic_t aixipc_undo_queued;	/* exit works not yet finished */
static struct tracepoint *aixipc_exit_tp;

static struct aixipc_undo_list *aixipc_ulp_lookup(const struct signal_struct *sig)
{
	struct aixipc_undo_list *ulp;

	lockdep_assert_held(&aixipc_undo_lock);
	hash_for_each_possible(aixipc_undo_procs, ulp, hnode, (unsigned long)sig)
		if (ulp->owner == sig)
			return ulp;
	return NULL;
}

/**
 * aixipc_undo_list_get - the calling process's list, created on first use
 *
 * May sleep.  The list lives until the process exits, so the caller (one
 * of its threads) may use it without a reference.
 * Return: the list or ERR_PTR(-ENOMEM).
 */
struct aixipc_undo_list *aixipc_undo_list_get(void)
{
	const struct signal_struct *sig = current->signal;
	struct aixipc_undo_list *ulp, *new;

	raw_spin_lock(&aixipc_undo_lock);
	ulp = aixipc_ulp_lookup(sig);
	raw_spin_unlock(&aixipc_undo_lock);
	if (ulp)
		return ulp;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!new)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&new->lock);
	INIT_LIST_HEAD(&new->undos);
	atomic_set(&new->nonzero, 0);
	atomic_set(&new->holds, 0);
	new->owner = sig;

	raw_spin_lock(&aixipc_undo_lock);
	ulp = aixipc_ulp_lookup(sig);	/* another thread may have won */
	if (!ulp) {
		hash_add(aixipc_undo_procs, &new->hnode, (unsigned long)sig);
		atomic_inc(&aixipc_undo_lists);
		ulp = new;
		new = NULL;
	}
	raw_spin_unlock(&aixipc_undo_lock);
	kfree(new);
	return ulp;
}

/* @ulp's adjustments for @set, or NULL; ulp->lock held. */
static struct aixipc_sem_undo *aixipc_undo_lookup(struct aixipc_undo_list *ulp,
						  const struct aixipc_sem_set *set)
{
	struct aixipc_sem_undo *un;

	lockdep_assert_held(&ulp->lock);
	list_for_each_entry(un, &ulp->undos, list_proc)
		if (un->set == set)
			return un;
	return NULL;
}

atomic_t *aixipc_undo_nonzero(struct aixipc_undo_list *ulp)
{
	return &ulp->nonzero;
}

/**
 * aixipc_undo_find - the caller's adjustments for @set, if it has any
 * @ulp: the caller's list
 * @set: the set, found under rcu_read_lock()
 *
 * Called under rcu_read_lock(), which keeps the entry until the caller has
 * locked the set and checked that un->set is still @set.
 * Return: the entry or NULL.
 */
struct aixipc_sem_undo *aixipc_undo_find(struct aixipc_undo_list *ulp,
					 const struct aixipc_sem_set *set)
{
	struct aixipc_sem_undo *un;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "no RCU read lock");
	spin_lock(&ulp->lock);
	un = aixipc_undo_lookup(ulp, set);
	spin_unlock(&ulp->lock);
	return un;
}

/**
 * aixipc_undo_alloc - create the caller's adjustments for @set
 * @ulp: the caller's list
 * @set: the set; the caller holds a reference on it and no lock
 *
 * Sizes the entry from @set itself (its nsems never changes), then links
 * it under @set's own lock, after checking that @set was not removed
 * while the allocation slept.  May sleep.
 * Return: the entry, with rcu_read_lock() held (it keeps the entry as for
 * aixipc_undo_find()), or an ERR_PTR (-ENOMEM, -EIDRM) with nothing held.
 */
struct aixipc_sem_undo *aixipc_undo_alloc(struct aixipc_undo_list *ulp,
					  struct aixipc_sem_set *set)
{
	struct aixipc_sem_undo *un, *new;
	struct aixipc_wake wake;
	int err;

	new = kvzalloc(struct_size(new, adj, set->nsems),
		       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!new)
		return ERR_PTR(-ENOMEM);
	new->ulp = ulp;
	new->set = set;
	atomic_set(&new->holds, 0);

	err = aixipc_sem_lock_global(set);
	if (err) {
		kvfree(new);
		return ERR_PTR(err);
	}
	spin_lock(&ulp->lock);
	un = aixipc_undo_lookup(ulp, set);	/* another thread may have won */
	if (!un) {
		new->ticket = aixipc_sem_ticket_find(set);
		list_add(&new->list_proc, &ulp->undos);
		list_add(&new->list_set, &set->undos);
		un = new;
		new = NULL;
	}
	spin_unlock(&ulp->lock);
	rcu_read_lock();
	aixipc_wake_init(&wake);
	aixipc_sem_unlock_global(set, &wake);
	kvfree(new);
	return un;
}

/* Forget the non-zero adjustments of @un[from, to); set-wide lock held. */
static void aixipc_undo_zero(struct aixipc_sem_undo *un, unsigned int from,
			     unsigned int to)
{
	unsigned int i;

	aixipc_assert_locked(&un->set->obj);
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

	aixipc_sem_assert_global(set);
	list_for_each_entry(un, &set->undos, list_set) {
		if (semnum < 0)
			aixipc_undo_zero(un, 0, set->nsems);
		else
			aixipc_undo_zero(un, semnum, semnum + 1);
	}
}

/**
 * aixipc_undo_drop_set - IPC_RMID: drop every process's adjustments
 * @set: the set, in global mode, already marked deleted
 */
void aixipc_undo_drop_set(struct aixipc_sem_set *set)
{
	struct aixipc_sem_undo *un, *tmp;
	unsigned int i;

	aixipc_sem_assert_global(set);
	for (i = 0; i < set->nsems; i++)
		if (set->sems[i].holder)
			aixipc_undo_hold_end(set, i, 0);
	list_for_each_entry_safe(un, tmp, &set->undos, list_set) {
		struct aixipc_undo_list *ulp = un->ulp;

		spin_lock(&ulp->lock);
		aixipc_undo_zero(un, 0, set->nsems);
		list_del(&un->list_proc);
		WRITE_ONCE(un->set, NULL);
		spin_unlock(&ulp->lock);
		list_del(&un->list_set);
		kvfree_rcu(un, rcu);
	}
}

/**
 * aixipc_undo_bind - SEMMAP: the caller's ticket for @set, for its holds
 * @set: a set the caller holds (through its area)
 * @ticket: the caller's ticket for @set's area
 *
 * A record made before the area was mapped learns the ticket here; one
 * made after finds it itself (aixipc_undo_alloc()).  (One thread's first
 * SEMMAP racing another's first SEM_UNDO on the set can leave the record
 * without a ticket: the process then keeps its adjustments for the set in
 * the kernel, which is slower, not wrong.)  Takes aixipc_undo_lock and
 * ulp->lock; called with no lock held.
 */
void aixipc_undo_bind(struct aixipc_sem_set *set, u32 ticket)
{
	struct aixipc_undo_list *ulp;
	struct aixipc_sem_undo *un;

	raw_spin_lock(&aixipc_undo_lock);
	ulp = aixipc_ulp_lookup(current->signal);
	raw_spin_unlock(&aixipc_undo_lock);
	if (!ulp)
		return;		/* the caller's: it cannot go meanwhile */
	rcu_read_lock();
	un = aixipc_undo_find(ulp, set);
	if (un)
		WRITE_ONCE(un->ticket, ticket);
	rcu_read_unlock();
}

/**
 * aixipc_undo_hold_grant - give semaphore @i's word back with @un's adjustment
 * @set: the set; the lock of semaphore @i held, its word taken
 * @i: the semaphore
 * @un: the caller's adjustments for @set, checked to be @set's
 *
 * Only a non-zero adjustment that fits in a word is handed over, and only
 * to a process that has the area mapped (a ticket); it stays counted in
 * semume as the hold.  Return: whether the word was given back (else the
 * caller gives it back plain).
 */
bool aixipc_undo_hold_grant(struct aixipc_sem_set *set, unsigned int i,
			    struct aixipc_sem_undo *un)
{
	struct aixipc_sem *sem = &set->sems[i];
	u32 ticket = READ_ONCE(un->ticket);
	int a = un->adj[i];

	aixipc_sem_assert_locked(set, sem);
	if (!set->words || !ticket || !a || a < AIXIPC_SEMW_ADJ_MIN ||
	    a > AIXIPC_SEMW_ADJ_MAX)
		return false;
	sem->holder = un;
	sem->holder_ticket = ticket | AIXIPC_SEM_TICKET_HOLD;
	un->adj[i] = 0;
	atomic_inc(&un->holds);
	atomic_inc(&un->ulp->holds);
	atomic64_set(&set->words[i],
		     (u64)sem->holder_ticket << AIXIPC_SEMW_TICKET_SHIFT |
		     ((u64)a << AIXIPC_SEMW_ADJ_SHIFT & AIXIPC_SEMW_ADJ) |
		     sem->val);
	return true;
}

/**
 * aixipc_undo_hold_end - the kernel took semaphore @i's held word
 * @set: the set; the lock of semaphore @i held
 * @i: the semaphore, with a holder
 * @word: the word as taken, or 0 (IPC_RMID: the adjustment is dropped)
 *
 * The adjustment comes back to the holder's record; a word that does not
 * carry the holder's ticket any more (someone else operated on it after
 * the adjustment went to zero, or a hostile writer) carries none.
 */
void aixipc_undo_hold_end(struct aixipc_sem_set *set, unsigned int i, u64 word)
{
	struct aixipc_sem *sem = &set->sems[i];
	struct aixipc_sem_undo *un = sem->holder;
	int a = 0;

	aixipc_sem_assert_locked(set, sem);
	sem->holder = NULL;
	if ((u32)(word >> AIXIPC_SEMW_TICKET_SHIFT) == sem->holder_ticket)
		a = sign_extend32((word & AIXIPC_SEMW_ADJ) >>
				  AIXIPC_SEMW_ADJ_SHIFT, 14);
	atomic_dec(&un->holds);
	atomic_dec(&un->ulp->holds);
	if (a)
		un->adj[i] = a;		/* zero since the grant; still counted */
	else
		atomic_dec(&un->ulp->nonzero);
}

bool aixipc_undo_has_holds(struct aixipc_undo_list *ulp)
{
	return atomic_read(&ulp->holds) > 0;
}

/*
 * @ulp's first entry with words held, locked on its set in global mode
 * (returned), or NULL.  Entries of removed sets hold nothing.
 */
static struct aixipc_sem_set *aixipc_undo_lock_held(struct aixipc_undo_list *ulp,
						    struct aixipc_sem_undo **unp)
{
	for (;;) {
		struct aixipc_sem_set *set = NULL;
		struct aixipc_sem_undo *un;

		rcu_read_lock();
		spin_lock(&ulp->lock);
		list_for_each_entry(un, &ulp->undos, list_proc) {
			if (atomic_read(&un->holds)) {
				set = un->set;
				break;
			}
		}
		spin_unlock(&ulp->lock);
		if (!set) {
			rcu_read_unlock();
			return NULL;
		}
		if (aixipc_sem_lock_global(set)) {
			rcu_read_unlock();	/* removed: its holds ended */
			continue;
		}
		rcu_read_unlock();	/* the set's lock keeps set and un */
		*unp = un;
		return set;
	}
}

/**
 * aixipc_undo_reclaim - take every word the calling process holds
 * @ulp: the caller's list
 *
 * Before an ENOSPC: holds whose adjustment went back to zero in user space
 * stop counting against semume.  The words stay with the kernel until the
 * next semop on each gives them back.  Each round ends every hold on one
 * set, so the rounds are bounded by the holds found at the start (threads
 * of the process may grant new ones meanwhile).  May sleep.
 */
void aixipc_undo_reclaim(struct aixipc_undo_list *ulp)
{
	int rounds = atomic_read(&ulp->holds);

	while (rounds-- > 0) {
		struct aixipc_sem_set *set;
		struct aixipc_sem_undo *un;
		struct aixipc_wake wake;
		unsigned int i;

		set = aixipc_undo_lock_held(ulp, &un);
		if (!set)
			return;
		for (i = 0; i < set->nsems; i++)
			if (set->sems[i].holder == un)
				aixipc_sem_own(set, i);
		aixipc_wake_init(&wake);
		aixipc_sem_update_all(set, &wake);
		aixipc_sem_unlock_global(set, &wake);
		cond_resched();
	}
}

/*
 * Apply and free every adjustment of an exited process, in process
 * context.  Each round takes the first entry and locks its set by pointer
 * (see the locking notes for why that is safe).  A set removed meanwhile
 * has dropped the entry in the same lock hold that marked it deleted, so
 * the next round finds the list shorter: no round waits on another CPU.
 */
static void aixipc_undo_apply(struct aixipc_undo_list *ulp, struct pid *pid)
{
	for (;;) {
		struct aixipc_sem_set *set;
		struct aixipc_sem_undo *un;
		struct aixipc_wake wake;
		unsigned int i;

		rcu_read_lock();
		spin_lock(&ulp->lock);
		un = list_first_entry_or_null(&ulp->undos,
					      struct aixipc_sem_undo, list_proc);
		set = un ? un->set : NULL;
		spin_unlock(&ulp->lock);
		if (!un) {
			rcu_read_unlock();
			return;
		}
		if (aixipc_sem_lock_global(set)) {
			rcu_read_unlock();	/* removed: un is off the list */
			continue;
		}
		rcu_read_unlock();	/* the set's lock keeps set and un */
		spin_lock(&ulp->lock);
		list_del(&un->list_proc);
		spin_unlock(&ulp->lock);
		list_del(&un->list_set);
		for (i = 0; i < set->nsems; i++) {
			struct aixipc_sem *sem = &set->sems[i];

			if (sem->holder == un)
				aixipc_sem_own(set, i);	/* the hold ends */
			if (!un->adj[i])
				continue;
			aixipc_sem_own(set, i);
			sem->val = aixipc_sem_undo_value(sem->val, un->adj[i],
							 aixipc_limit(set->obj.ids->ns, semvmx));
			aixipc_sem_mirror(set, i, true);
			aixipc_set_pid(&sem->pid, pid);
		}
		aixipc_wake_init(&wake);
		aixipc_sem_update_all(set, &wake);
		aixipc_sem_unlock_global(set, &wake);
		kvfree_rcu(un, rcu);
		cond_resched();
	}
}

/* The exit work: runs in do_exit()'s exit_task_work(), preemptible. */
static void aixipc_undo_exit_work(struct callback_head *head)
{
	struct aixipc_undo_list *ulp =
		container_of(head, struct aixipc_undo_list, exit_work);

	aixipc_undo_apply(ulp, task_tgid(current));
	kfree(ulp);
	/*
	 * Lets an unload go on; it then waits with synchronize_rcu_tasks()
	 * for this task to leave the function (see aixipc_undo_exit()).
	 */
	if (atomic_dec_and_test(&aixipc_undo_queued))
		wake_up_var(&aixipc_undo_queued);
}

/* sched_process_exit: runs for every exiting task, preemption disabled. */
static void aixipc_undo_exit_probe(void *data, struct task_struct *p)
{
	struct aixipc_undo_list *ulp;

	if (!atomic_read(&aixipc_undo_lists) || atomic_read(&p->signal->live))
		return;
	raw_spin_lock(&aixipc_undo_lock);
	ulp = aixipc_ulp_lookup(p->signal);
	if (ulp) {
		hash_del(&ulp->hnode);
		atomic_dec(&aixipc_undo_lists);
	}
	raw_spin_unlock(&aixipc_undo_lock);
	if (!ulp)
		return;
	/*
	 * p is current, before exit_task_work(): the add cannot fail, but if
	 * a kernel ever reordered do_exit(), applying here is still right.
	 */
	atomic_inc(&aixipc_undo_queued);
	init_task_work(&ulp->exit_work, aixipc_undo_exit_work);
	if (task_work_add(p, &ulp->exit_work, TWA_NONE))
		aixipc_undo_exit_work(&ulp->exit_work);
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

/*
 * At unload no set exists, so every list left is empty.  No probe runs
 * after the unregistration; exit works already queued (empty lists too)
 * are waited for, then synchronize_rcu_tasks() waits until every task
 * that ran one has left this module's code.
 */
void aixipc_undo_exit(void)
{
	struct aixipc_undo_list *ulp;
	struct hlist_node *tmp;
	int bkt;

	tracepoint_probe_unregister(aixipc_exit_tp, aixipc_undo_exit_probe, NULL);
	tracepoint_synchronize_unregister();
	wait_var_event(&aixipc_undo_queued, !atomic_read(&aixipc_undo_queued));
	synchronize_rcu_tasks();
	hash_for_each_safe(aixipc_undo_procs, bkt, tmp, ulp, hnode) {
		hash_del(&ulp->hnode);
		kfree(ulp);
	}
}
