// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphores with AIX semantics: semget's sets, semop/semtimedop (atomic
 * by default, SEM_ORDER one entry at a time), semctl.
 *
 * Locking is described in sem.h: per-semaphore locks for single-operation
 * calls, the set-wide lock (set->obj.lock) in global mode for the rest.
 *
 * Every path that drops a set's lock to sleep, allocate or copy user
 * memory (semop's first SEM_UNDO use and its sleep, GETALL, SETALL) holds
 * a reference on that set, re-locks the same pointer and checks that it
 * was not removed meanwhile (EIDRM).  An id is resolved once per call: a
 * set whose id was recycled by a newer one is never confused with it.
 *
 * Waiting follows msg.c: a blocked caller queues a waiter from its stack
 * (on its semaphore's list for a single operation, on the set's list
 * otherwise) and sleeps holding a reference on the set.  After every
 * change the changer retries the waiters, performs the operations of those
 * that can now complete on their behalf, records the result and wakes them
 * after unlocking.  A waiter never blocks those behind it: each list is
 * tried in FIFO order, skipping waiters that still cannot proceed, so one
 * that wants 1 is served while one that wants more keeps waiting.
 */
#include <linux/capability.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "ns.h"
#include "sem.h"

/* Calls that stay in global mode after the last complex one (as Linux). */
#define AIXIPC_SEM_GLOBAL_HYSTERESIS 10

/* AIXIPC_SEM_LOCK_GLOBAL (sem.h), a lock number: "the set-wide lock". */

#define AIXIPC_WAITING 1

/* Copies of sops arrays up to this size stay on the stack. */
#define AIXIPC_SEMOPS_FAST 16

struct aixipc_sem_queue {
	struct list_head list;
	struct task_struct *task;
	struct aixipc_sembuf *sops;
	unsigned int nsops;
	unsigned int pos;		/* first operation not yet applied */
	unsigned int stop;		/* the operation it waits on */
	bool order;			/* SEM_ORDER */
	bool complex;			/* on the set's list, else its sem's */
	s16 *adj;			/* the caller's adjustments, or NULL */
	atomic_t *nonzero;
	struct pid *pid;		/* the caller's tgid, for stamping */
	int status;			/* AIXIPC_WAITING, 0 or -errno */
};

static inline struct aixipc_sem_set *to_set(struct aixipc_obj *obj)
{
	return container_of(obj, struct aixipc_sem_set, obj);
}

/* @set's namespace's limits that semop applies. */
static void aixipc_sem_limits(const struct aixipc_sem_set *set,
			      struct aixipc_sem_limits *lim)
{
	const struct aixipc_ns *ns = set->obj.ids->ns;

	lim->semvmx = aixipc_limit(ns, semvmx);
	lim->semaem = aixipc_limit(ns, semaem);
	lim->semume = aixipc_limit(ns, semume);
}

/*
 * Enter global mode; set->obj.lock held.  Waits until no fast-path caller
 * holds a semaphore lock.
 */
static void aixipc_sem_global_enter(struct aixipc_sem_set *set)
{
	unsigned int i;

	aixipc_assert_locked(&set->obj);
	if (set->use_global_lock > 0) {
		set->use_global_lock = AIXIPC_SEM_GLOBAL_HYSTERESIS;
		return;
	}
	set->use_global_lock = AIXIPC_SEM_GLOBAL_HYSTERESIS;
	for (i = 0; i < set->nsems; i++) {
		spin_lock(&set->sems[i].lock);
		spin_unlock(&set->sems[i].lock);
	}
}

/* Count down towards leaving global mode; set->obj.lock held. */
static void aixipc_sem_global_tryleave(struct aixipc_sem_set *set)
{
	aixipc_assert_locked(&set->obj);
	if (set->complex_count || set->obj.deleted)
		return;
	if (set->use_global_lock == 1)
		smp_store_release(&set->use_global_lock, 0);	/* pairs with aixipc_sem_lock() */
	else
		set->use_global_lock--;
}

/*
 * Lock @set for an operation on semaphore @semnum (a single-operation
 * call), or for everything (@semnum < 0).  Called under rcu_read_lock().
 * Return: the semaphore number whose lock is held, or
 * AIXIPC_SEM_LOCK_GLOBAL when the set-wide lock is held in global mode.
 */
static int aixipc_sem_lock(struct aixipc_sem_set *set, int semnum)
{
	struct aixipc_sem *sem;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "needs rcu_read_lock()");
	if (semnum < 0) {
		spin_lock(&set->obj.lock);
		aixipc_sem_global_enter(set);
		return AIXIPC_SEM_LOCK_GLOBAL;
	}
	sem = &set->sems[semnum];
	if (!READ_ONCE(set->use_global_lock)) {
		spin_lock(&sem->lock);
		/* Pairs with the release in aixipc_sem_global_tryleave(). */
		if (!smp_load_acquire(&set->use_global_lock))
			return semnum;
		spin_unlock(&sem->lock);
	}
	spin_lock(&set->obj.lock);
	if (!set->use_global_lock) {
		spin_lock(&sem->lock);
		spin_unlock(&set->obj.lock);
		return semnum;
	}
	return AIXIPC_SEM_LOCK_GLOBAL;
}

/* Release what aixipc_sem_lock() returned @locknum for. */
static void aixipc_sem_unlock(struct aixipc_sem_set *set, int locknum)
{
	aixipc_sem_assert_held(set, locknum);
	if (locknum == AIXIPC_SEM_LOCK_GLOBAL) {
		aixipc_sem_global_tryleave(set);
		spin_unlock(&set->obj.lock);
	} else {
		spin_unlock(&set->sems[locknum].lock);
	}
}

/*
 * Record who operated on the semaphores of @sops[from, to) and when, and
 * mirror their new values in their words (which the kernel keeps).
 */
static void aixipc_sem_stamp(struct aixipc_sem_set *set,
			     const struct aixipc_sembuf *sops,
			     unsigned int from, unsigned int to, struct pid *pid)
{
	time64_t now;
	unsigned int i;

	if (from >= to)
		return;
	for (i = from; i < to; i++) {
		aixipc_set_pid(&set->sems[sops[i].sem_num].pid, pid);
		aixipc_sem_mirror(set, sops[i].sem_num, true);
	}
	now = ktime_get_real_seconds();
	WRITE_ONCE(set->otime, now);
	aixipc_sem_area_stamp(set, now);
}

/* Take the words of every semaphore @sops names (sem_fast.c). */
static void aixipc_sem_own_sops(struct aixipc_sem_set *set,
				const struct aixipc_sembuf *sops,
				unsigned int nsops)
{
	unsigned int i;

	for (i = 0; i < nsops; i++)
		aixipc_sem_own(set, sops[i].sem_num);
}

/*
 * A single-operation semop is done with semaphore @semnum: give its word
 * back to user space if nobody waits on it (complex waiters keep the set
 * in global mode, so with a semaphore's own lock there are none), with
 * the caller's adjustment in it if the operation had SEM_UNDO (@undo, the
 * caller's, checked to be this set's).  The word is taken first: a caller
 * that slept may find it given back already, by the waker that served it,
 * and changed since by user space.
 */
static void aixipc_sem_give_back(struct aixipc_sem_set *set, int locknum,
				 unsigned int semnum,
				 struct aixipc_sem_undo *undo)
{
	struct aixipc_sem *sem = &set->sems[semnum];

	aixipc_sem_assert_held(set, locknum);
	if (set->obj.deleted || !list_empty(&sem->pending_alter) ||
	    !list_empty(&sem->pending_const))
		return;
	if (locknum == AIXIPC_SEM_LOCK_GLOBAL && set->complex_count)
		return;
	aixipc_sem_own(set, semnum);
	if (undo && aixipc_undo_hold_grant(set, semnum, undo))
		return;
	aixipc_sem_mirror(set, semnum, false);
}

/*
 * The lock guarding waiter @q's list is held: the set-wide lock in global
 * mode for a complex waiter, else its semaphore's lock or global mode.
 */
static void aixipc_sem_assert_waiter(struct aixipc_sem_set *set,
				     const struct aixipc_sem_queue *q)
{
	if (q->complex)
		aixipc_sem_assert_global(set);
	else
		aixipc_sem_assert_locked(set, &set->sems[q->sops[0].sem_num]);
}

/*
 * Retry waiter @q; the lock guarding its list held.  Return: as
 * aixipc_sem_eval(); whatever was applied is stamped.
 */
static int aixipc_sem_retry(struct aixipc_sem_set *set,
			    struct aixipc_sem_queue *q, bool *changed)
{
	struct aixipc_sem_limits lim;
	unsigned int start = q->pos;
	int res;

	aixipc_sem_assert_waiter(set, q);
	aixipc_sem_limits(set, &lim);
	aixipc_sem_own_sops(set, q->sops, q->nsops);
	res = aixipc_sem_eval(set->sems, q->sops, q->nsops, q->order, &q->pos,
			      &q->stop, q->adj, q->nonzero, &lim);
	aixipc_sem_stamp(set, q->sops, start, q->pos, q->pid);
	*changed = q->pos != start;
	return res;
}

/*
 * Waiter @q is done with result @res: take it off its list, wake it.  The
 * lock guarding its list held.
 */
static void aixipc_sem_complete(struct aixipc_sem_set *set,
				struct aixipc_sem_queue *q, int res,
				struct aixipc_wake *wake)
{
	aixipc_sem_assert_waiter(set, q);
	list_del(&q->list);
	if (q->complex)
		set->complex_count--;
	q->status = res;
	aixipc_wake_add(wake, q->task);
}

/*
 * Serve one semaphore's single-operation waiters after it changed: zero
 * waiters whenever it reads 0, decrement waiters in FIFO order among those
 * that fit.  Its lock, or global mode, held.  Return: whether it changed.
 */
static bool aixipc_sem_update_one(struct aixipc_sem_set *set,
				  struct aixipc_sem *sem,
				  struct aixipc_wake *wake)
{
	struct aixipc_sem_queue *q, *tmp;
	bool changed, any = false, again;
	int res;

	aixipc_sem_assert_locked(set, sem);
	do {
		again = false;
		if (sem->val == 0) {
			list_for_each_entry_safe(q, tmp, &sem->pending_const, list) {
				res = aixipc_sem_retry(set, q, &changed);
				if (res != AIXIPC_SEM_BLOCK)
					aixipc_sem_complete(set, q, res, wake);
			}
		}
		list_for_each_entry_safe(q, tmp, &sem->pending_alter, list) {
			res = aixipc_sem_retry(set, q, &changed);
			if (res == AIXIPC_SEM_BLOCK)
				continue;
			aixipc_sem_complete(set, q, res, wake);
			if (changed) {
				any = true;
				again = true;
				break;
			}
		}
	} while (again);
	return any;
}

/**
 * aixipc_sem_update_all - serve every waiter of @set that can now proceed
 * @set: the set, in global mode
 * @wake: tasks to wake after unlocking
 *
 * Retries complex waiters and every semaphore's waiters until a round
 * changes nothing, so no waiter is left asleep while its operation could
 * complete.
 */
void aixipc_sem_update_all(struct aixipc_sem_set *set, struct aixipc_wake *wake)
{
	struct aixipc_sem_queue *q, *tmp;
	bool changed, again;
	unsigned int i;
	int res;

	aixipc_sem_assert_global(set);
	do {
		again = false;
		list_for_each_entry_safe(q, tmp, &set->pending_alter, list) {
			res = aixipc_sem_retry(set, q, &changed);
			if (res != AIXIPC_SEM_BLOCK)
				aixipc_sem_complete(set, q, res, wake);
			if (changed) {
				again = true;
				break;
			}
		}
		if (again)
			continue;
		for (i = 0; i < set->nsems; i++)
			if (aixipc_sem_update_one(set, &set->sems[i], wake))
				again = true;
	} while (again);
}

/*
 * Should a semop that ended with @err take the caller's held words and try
 * again?  Only once, for ENOSPC, and only if it holds any (sem_undo.c).
 */
static bool aixipc_sem_want_reclaim(int err, struct aixipc_undo_list *ulp,
				    bool reclaimed)
{
	return err == -ENOSPC && ulp && !reclaimed &&
	       aixipc_undo_has_holds(ulp);
}

/* Check an operation array; the caller's copy. */
static int aixipc_sem_check_sops(const struct aixipc_sembuf *sops,
				 unsigned int nsops, unsigned int *max,
				 bool *undo, bool *order)
{
	unsigned int i;

	*max = 0;
	*undo = false;
	*order = false;
	for (i = 0; i < nsops; i++) {
		if (sops[i].sem_flg & ~AIXIPC_SEM_FLAGS)
			return -EINVAL;
		*max = max_t(unsigned int, *max, sops[i].sem_num);
		if (sops[i].sem_flg & AIXIPC_SEM_UNDO)
			*undo = true;
		if (sops[i].sem_flg & AIXIPC_SEM_ORDER)
			*order = true;
	}
	return 0;
}

/*
 * SEM_ORDER: mark the entry that stopped the call with SEM_ERR in the
 * caller's array and clear a stale SEM_ERR from every other entry.
 */
static int aixipc_sem_report(struct aixipc_sembuf __user *usops,
			     struct aixipc_sembuf *sops, unsigned int nsops,
			     unsigned int failed)
{
	unsigned int i;

	for (i = 0; i < nsops; i++) {
		s16 flg = sops[i].sem_flg & ~AIXIPC_SEM_ERR;

		if (i == failed)
			flg |= AIXIPC_SEM_ERR;
		if (flg != sops[i].sem_flg &&
		    put_user(flg, &usops[i].sem_flg))
			return -EFAULT;
	}
	return 0;
}

/*
 * Sleep until waiter @q is served, the set is removed, a signal or the
 * deadline.  Called with the lock @locknum held and a reference on @set;
 * returns with it held.  Dropping the lock to sleep is safe: the
 * reference keeps this set's memory, the loop re-locks this set (never
 * its id), and a removal meanwhile has completed @q with EIDRM under the
 * set-wide lock, which the loop reads first.
 */
static int aixipc_sem_sleep(struct aixipc_sem_set *set,
			    struct aixipc_sem_queue *q, int *locknum,
			    ktime_t *deadline)
{
	int semnum = q->complex ? -1 : q->sops[0].sem_num;
	int timed_out = 0;

	aixipc_sem_assert_held(set, *locknum);
	for (;;) {
		if (q->status != AIXIPC_WAITING)
			return q->status;
		if (signal_pending(current) || timed_out) {
			list_del(&q->list);
			if (q->complex)
				set->complex_count--;
			/*
			 * Never restarted, as Linux's semop: a restart would
			 * begin a semtimedop's relative timeout again, and a
			 * SEM_ORDER call may have applied entries already.
			 */
			q->status = timed_out ? -EAGAIN : -EINTR;
			return q->status;
		}
		__set_current_state(TASK_INTERRUPTIBLE);
		aixipc_sem_unlock(set, *locknum);
		if (deadline)
			timed_out = !schedule_hrtimeout_range(deadline,
					current->timer_slack_ns, HRTIMER_MODE_ABS);
		else
			schedule();
		rcu_read_lock();
		*locknum = aixipc_sem_lock(set, semnum);
		rcu_read_unlock();
	}
}

/**
 * aixipc_semop - AIXIPC_IOC_SEMOP: semop and semtimedop
 * @ns: the namespace
 * @req: the request
 *
 * Copies the operations in, finds (or creates) the caller's adjustments
 * for SEM_UNDO, then locks the set as sem.h describes.  May sleep.
 * Return: 0 or -errno (EINVAL, E2BIG, EFBIG, EFAULT, ENOMEM, EACCES,
 * EAGAIN, ERANGE, ENOSPC, EIDRM, EINTR).
 */
int aixipc_semop(struct aixipc_ns *ns, struct aixipc_semop *req)
{
	struct aixipc_sembuf fast[AIXIPC_SEMOPS_FAST], *sops = fast;
	struct aixipc_sembuf __user *usops = u64_to_user_ptr(req->sops);
	struct aixipc_sem_undo *undo = NULL;
	struct aixipc_undo_list *ulp = NULL;
	struct aixipc_sem_limits lim;
	struct aixipc_sem_queue q;
	struct aixipc_sem_set *set;
	struct aixipc_obj *obj;
	struct aixipc_wake wake;
	ktime_t deadline, *dl = NULL;
	unsigned int max, nsops;
	bool undo_wanted, order, alter = false, stale_err = false, held = false;
	bool reclaim, reclaimed = false;
	unsigned int start;
	int err, locknum, i;

	if (req->flags & ~AIXIPC_SEMOP_TIMED || req->id < 0 || !req->nsops)
		return -EINVAL;
	if (req->nsops > aixipc_limit(ns, semopm))
		return -E2BIG;
	nsops = req->nsops;
	if (req->flags & AIXIPC_SEMOP_TIMED) {
		struct timespec64 ts = {
			.tv_sec = req->timeout_sec,
			.tv_nsec = req->timeout_nsec,
		};

		if (!timespec64_valid(&ts))
			return -EINVAL;
		deadline = ktime_add_safe(ktime_get(), timespec64_to_ktime(ts));
		dl = &deadline;
	} else if (req->timeout_sec || req->timeout_nsec) {
		return -EINVAL;
	}

	if (nsops > ARRAY_SIZE(fast)) {
		sops = kvmalloc_array(nsops, sizeof(*sops), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!sops)
			return -ENOMEM;
	}
	if (copy_from_user(sops, usops, nsops * sizeof(*sops))) {
		err = -EFAULT;
		goto out_free;
	}
	err = aixipc_sem_check_sops(sops, nsops, &max, &undo_wanted, &order);
	if (err)
		goto out_free;
	for (i = 0; i < nsops; i++) {
		alter |= sops[i].sem_op != 0;
		stale_err |= sops[i].sem_flg & AIXIPC_SEM_ERR;
	}

	if (undo_wanted) {
		ulp = aixipc_undo_list_get();
		if (IS_ERR(ulp)) {
			err = PTR_ERR(ulp);
			goto out_free;
		}
	}

	/*
	 * The id is resolved once, here; from now on the call works on this
	 * set, and a set removed meanwhile is EIDRM, never a newer set that
	 * recycled the id.
	 */
	rcu_read_lock();
	obj = aixipc_obtain_rcu(&ns->ids[AIXIPC_SEM], req->id);
	if (IS_ERR(obj)) {
		rcu_read_unlock();
		err = PTR_ERR(obj);
		goto out_free;
	}
	set = to_set(obj);
	if (max >= set->nsems) {
		rcu_read_unlock();
		err = -EFBIG;
		goto out_free;
	}
	if (ulp) {
		undo = aixipc_undo_find(ulp, set);
		if (!undo) {
			/* First use: allocate, holding the set meanwhile. */
			if (!refcount_inc_not_zero(&set->obj.ref)) {
				rcu_read_unlock();
				err = -EIDRM;
				goto out_free;
			}
			rcu_read_unlock();
			undo = aixipc_undo_alloc(ulp, set);
			if (IS_ERR(undo)) {
				aixipc_obj_put(&set->obj);
				err = PTR_ERR(undo);
				goto out_free;
			}
			held = true;	/* and rcu_read_lock() keeps the undo */
		}
	}
	q.complex = nsops > 1 || order;
	locknum = aixipc_sem_lock(set, q.complex ? -1 : sops[0].sem_num);
	if (READ_ONCE(set->obj.deleted)) {
		aixipc_sem_unlock(set, locknum);
		rcu_read_unlock();
		if (held)
			aixipc_obj_put(&set->obj);
		err = -EIDRM;
		goto out_free;
	}
	rcu_read_unlock();	/* the set's lock now keeps it and the undo */
	if (held)
		aixipc_obj_put(&set->obj);	/* live: the registry's remains */

	q.task = current;
	q.sops = sops;
	q.nsops = nsops;
	q.pos = 0;
	q.order = order;
	q.adj = undo ? undo->adj : NULL;
	q.nonzero = undo ? aixipc_undo_nonzero(ulp) : NULL;
	q.pid = task_tgid(current);
again:
	/* A found undo must still be this set's (not dropped by IPC_RMID). */
	aixipc_sem_assert_held(set, locknum);
	err = __aixipc_check_perm(&set->obj, alter ? AIXIPC_PERM_ALTER :
							AIXIPC_PERM_READ);
	if (!err && undo && READ_ONCE(undo->set) != set)
		err = -EIDRM;
	if (err) {
		aixipc_sem_unlock(set, locknum);
		goto out_free;
	}

	q.status = AIXIPC_WAITING;
	start = q.pos;
	aixipc_wake_init(&wake);
	aixipc_sem_limits(set, &lim);
	aixipc_sem_own_sops(set, sops, nsops);
	err = aixipc_sem_eval(set->sems, sops, nsops, order, &q.pos, &q.stop,
			      q.adj, q.nonzero, &lim);
	aixipc_sem_stamp(set, sops, start, q.pos, q.pid);
	if (err == AIXIPC_SEM_BLOCK) {
		struct aixipc_sem *sem = &set->sems[sops[0].sem_num];

		/*
		 * Queue before serving the others: a SEM_ORDER call that
		 * applied some entries may let them run, and what they do
		 * may in turn let this call go on.
		 */
		if (q.complex) {
			list_add_tail(&q.list, &set->pending_alter);
			set->complex_count++;
		} else {
			list_add_tail(&q.list, sops[0].sem_op ?
				      &sem->pending_alter : &sem->pending_const);
		}
	}
	if (q.pos != start) {
		/* Something changed: serve whoever that lets proceed. */
		if (locknum == AIXIPC_SEM_LOCK_GLOBAL)
			aixipc_sem_update_all(set, &wake);
		else
			aixipc_sem_update_one(set, &set->sems[locknum], &wake);
	}
	if (err == AIXIPC_SEM_BLOCK) {
		aixipc_obj_get(&set->obj);
		if (wake.n) {
			/*
			 * Wake whom we served first; a waker serving us, or a
			 * removal failing us, meanwhile is seen by the sleep
			 * loop (q.status), and the reference keeps the set.
			 */
			aixipc_sem_unlock(set, locknum);
			aixipc_wake_all(&wake);
			rcu_read_lock();
			locknum = aixipc_sem_lock(set, q.complex ? -1 : sops[0].sem_num);
			rcu_read_unlock();
		}
		err = aixipc_sem_sleep(set, &q, &locknum, dl);
		if (!q.complex)
			aixipc_sem_give_back(set, locknum, sops[0].sem_num,
					     undo);
		reclaim = aixipc_sem_want_reclaim(err, ulp, reclaimed);
		aixipc_sem_unlock(set, locknum);
		if (!reclaim)
			aixipc_obj_put(&set->obj);
	} else {
		if (!q.complex)
			aixipc_sem_give_back(set, locknum, sops[0].sem_num,
					     undo);
		reclaim = aixipc_sem_want_reclaim(err, ulp, reclaimed);
		if (reclaim)
			aixipc_obj_get(&set->obj);
		aixipc_sem_unlock(set, locknum);
	}
	aixipc_wake_all(&wake);

	if (reclaim) {
		/*
		 * ENOSPC with adjustments held in words: take them (those
		 * back at zero stop counting), then try once more, on the
		 * same set (the reference kept it).  SEM_ORDER goes on from
		 * the entry that stopped.
		 */
		aixipc_undo_reclaim(ulp);
		reclaimed = true;
		rcu_read_lock();
		locknum = aixipc_sem_lock(set, q.complex ? -1 : sops[0].sem_num);
		rcu_read_unlock();
		if (READ_ONCE(set->obj.deleted)) {
			aixipc_sem_unlock(set, locknum);
			aixipc_obj_put(&set->obj);
			err = -EIDRM;
			goto out_free;
		}
		aixipc_obj_put(&set->obj);	/* live: the registry's remains */
		goto again;
	}

	/* SEM_ORDER: mark the failed entry; clear stale marks, also on success. */
	if (order && (err || stale_err) &&
	    aixipc_sem_report(usops, sops, nsops, err ? q.stop : nsops))
		err = -EFAULT;
out_free:
	if (sops != fast)
		kvfree(sops);
	return err;
}

/* Lock @set by id for semctl: global mode.  Return: the set or ERR_PTR. */
struct aixipc_sem_set *aixipc_sem_lock_id(struct aixipc_ns *ns, int id)
{
	struct aixipc_obj *obj = aixipc_lock_id(&ns->ids[AIXIPC_SEM], id);

	if (IS_ERR(obj))
		return ERR_CAST(obj);
	aixipc_sem_global_enter(to_set(obj));
	return to_set(obj);
}

/**
 * aixipc_sem_lock_global - lock a set again by pointer, in global mode
 * @set: a set whose memory the caller keeps: a reference, or RCU since it
 *	 was seen reachable
 *
 * For every path that dropped the set's lock to sleep: it re-locks the
 * same set, never the id (which a newer set may carry by now).
 * Return: 0 with the set-wide lock held, or -EIDRM with nothing held when
 * IPC_RMID removed the set meanwhile.
 */
int aixipc_sem_lock_global(struct aixipc_sem_set *set)
{
	spin_lock(&set->obj.lock);
	if (set->obj.deleted) {
		spin_unlock(&set->obj.lock);
		return -EIDRM;
	}
	aixipc_sem_global_enter(set);
	return 0;
}

/*
 * Hold @set across a sleep (allocation, user copy): a reference, then the
 * lock goes.  Called in global mode; returns with nothing locked.
 */
static void aixipc_sem_hold(struct aixipc_sem_set *set)
{
	aixipc_sem_assert_global(set);
	aixipc_obj_get(&set->obj);
	aixipc_sem_unlock(set, AIXIPC_SEM_LOCK_GLOBAL);
}

/*
 * After aixipc_sem_hold(): lock the same set again and drop the reference.
 * Return: 0 locked in global mode, or -EIDRM (removed while the caller
 * slept) with nothing held.
 */
static int aixipc_sem_relock_put(struct aixipc_sem_set *set)
{
	int err = aixipc_sem_lock_global(set);

	/*
	 * Locked and live, the registry's reference remains, so this is not
	 * the last put; removed, it may be (the set is freed after RCU).
	 */
	aixipc_obj_put(&set->obj);
	return err;
}

/*
 * Unlock what aixipc_sem_lock_id() or aixipc_sem_lock_global() locked
 * (global mode), then wake @wake.
 */
void aixipc_sem_unlock_global(struct aixipc_sem_set *set,
			      struct aixipc_wake *wake)
{
	aixipc_sem_assert_global(set);
	aixipc_sem_unlock(set, AIXIPC_SEM_LOCK_GLOBAL);
	aixipc_wake_all(wake);
}

/* semncnt (@zero false) or semzcnt of semaphore @semnum; global mode. */
static int aixipc_sem_count(struct aixipc_sem_set *set, unsigned int semnum,
			    bool zero)
{
	struct aixipc_sem *sem = &set->sems[semnum];
	struct list_head *l = zero ? &sem->pending_const : &sem->pending_alter;
	struct aixipc_sem_queue *q;
	int n = 0;

	aixipc_sem_assert_global(set);
	list_for_each_entry(q, l, list)
		n++;
	/* Complex waiters count where they are blocked. */
	list_for_each_entry(q, &set->pending_alter, list) {
		const struct aixipc_sembuf *op = &q->sops[q->stop];

		if (op->sem_num == semnum && (zero ? op->sem_op == 0 : op->sem_op < 0))
			n++;
	}
	return n;
}

/* Fill a status block; set->obj.lock held. */
static void aixipc_sem_fill_ds(struct aixipc_sem_set *set,
			       struct aixipc_semid_ds *ds)
{
	aixipc_assert_locked(&set->obj);
	memset(ds, 0, sizeof(*ds));
	aixipc_fill_perm(&set->obj, &ds->perm);
	ds->nsems = set->nsems;
	ds->otime = READ_ONCE(set->otime);
	ds->ctime = set->obj.ctime;
}

/*
 * GETALL's and SETALL's opening: lock the set @id names, check @acc, and
 * allocate room for its values with the set held (a reference) but
 * unlocked.  The id is resolved here only; the caller locks this same set
 * again with aixipc_sem_relock_check().
 * Return: the set, held and unlocked, with *@vals for its nsems values, or
 * an ERR_PTR (-EINVAL, -EIDRM, -EACCES, -ENOMEM) with nothing held.
 */
static struct aixipc_sem_set *aixipc_sem_hold_values(struct aixipc_ns *ns,
						     int id, unsigned int acc,
						     u16 **vals)
{
	struct aixipc_sem_set *set;
	int err;

	set = aixipc_sem_lock_id(ns, id);
	if (IS_ERR(set))
		return set;
	err = aixipc_check_perm(&set->obj, acc);
	if (err) {
		aixipc_sem_unlock(set, AIXIPC_SEM_LOCK_GLOBAL);
		return ERR_PTR(err);
	}
	aixipc_sem_hold(set);
	/* nsems is constant for the set's life. */
	*vals = kvmalloc_array(set->nsems, sizeof(**vals),
			       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!*vals) {
		aixipc_obj_put(&set->obj);
		return ERR_PTR(-ENOMEM);
	}
	return set;
}

/*
 * After aixipc_sem_hold_values(): lock the same set again, drop the
 * reference and check @acc again (IPC_SET may have changed the mode while
 * we slept).  Return: 0 locked in global mode, or -EIDRM or -EACCES with
 * nothing held.
 */
static int aixipc_sem_relock_check(struct aixipc_sem_set *set,
				   unsigned int acc)
{
	int err = aixipc_sem_relock_put(set);

	if (err)
		return err;
	err = aixipc_check_perm(&set->obj, acc);
	if (err)
		aixipc_sem_unlock(set, AIXIPC_SEM_LOCK_GLOBAL);
	return err;
}

/*
 * GETALL: allocate with the set held but unlocked, read the values under
 * the lock of the same set, copy them out with no lock held.
 */
static int aixipc_sem_getall(struct aixipc_ns *ns, struct aixipc_semctl *req)
{
	struct aixipc_sem_set *set;
	unsigned int i, nsems;
	u16 *vals;
	int err;

	set = aixipc_sem_hold_values(ns, req->id, AIXIPC_PERM_READ, &vals);
	if (IS_ERR(set))
		return PTR_ERR(set);
	nsems = set->nsems;
	err = aixipc_sem_relock_check(set, AIXIPC_PERM_READ);
	if (err)
		goto out;
	for (i = 0; i < nsems; i++) {
		aixipc_sem_own(set, i);
		vals[i] = set->sems[i].val;
	}
	aixipc_sem_unlock(set, AIXIPC_SEM_LOCK_GLOBAL);
	if (copy_to_user(u64_to_user_ptr(req->array), vals,
			 array_size(nsems, sizeof(*vals))))
		err = -EFAULT;
out:
	kvfree(vals);
	return err;
}

/*
 * SETALL: read and check the values with no lock held, then set them all,
 * clear every process's adjustments for the set and serve the waiters.
 */
static int aixipc_sem_setall(struct aixipc_ns *ns, struct aixipc_semctl *req)
{
	struct aixipc_sem_set *set;
	struct aixipc_wake wake;
	unsigned int i, nsems;
	u16 *vals;
	int err;

	set = aixipc_sem_hold_values(ns, req->id, AIXIPC_PERM_ALTER, &vals);
	if (IS_ERR(set))
		return PTR_ERR(set);
	nsems = set->nsems;
	if (copy_from_user(vals, u64_to_user_ptr(req->array),
			   array_size(nsems, sizeof(*vals)))) {
		err = -EFAULT;
		goto put;
	}
	for (i = 0; i < nsems; i++) {
		if (vals[i] > aixipc_limit(ns, semvmx)) {
			err = -ERANGE;
			goto put;
		}
	}
	err = aixipc_sem_relock_check(set, AIXIPC_PERM_ALTER);
	if (err)
		goto out;
	aixipc_wake_init(&wake);
	for (i = 0; i < nsems; i++) {
		aixipc_sem_own(set, i);
		set->sems[i].val = vals[i];
		aixipc_sem_mirror(set, i, true);
		aixipc_set_pid(&set->sems[i].pid, task_tgid(current));
	}
	aixipc_undo_clear(set, -1);
	set->obj.ctime = ktime_get_real_seconds();
	aixipc_sem_update_all(set, &wake);
	aixipc_sem_unlock_global(set, &wake);
	goto out;
put:
	aixipc_obj_put(&set->obj);
out:
	kvfree(vals);
	return err;
}

/**
 * aixipc_semctl - AIXIPC_IOC_SEMCTL
 * @ns: the namespace
 * @req: the request
 *
 * Every command runs in global mode; IPC_SET and IPC_RMID also hold the
 * registry's rwsem.  Reads need read permission, writes alter permission.
 */
int aixipc_semctl(struct aixipc_ns *ns, struct aixipc_semctl *req)
{
	struct aixipc_sem_area *area;
	struct aixipc_sem_set *set;
	struct aixipc_wake wake;
	struct aixipc_obj *obj;
	int err;

	switch (req->cmd) {
	case AIXIPC_GETALL:
		return aixipc_sem_getall(ns, req);
	case AIXIPC_SETALL:
		return aixipc_sem_setall(ns, req);
	case AIXIPC_IPC_SET:
		obj = aixipc_lock_for_change(&ns->ids[AIXIPC_SEM], req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		set = to_set(obj);
		aixipc_sem_global_enter(set);
		err = aixipc_set_perm(obj, &req->ds.perm);
		aixipc_sem_global_tryleave(set);
		area = err ? NULL : aixipc_sem_area_get(set);
		aixipc_change_done(obj);
		/* Before returning: no fast path outlives a lost permission. */
		aixipc_semmap_revoke_put(area);
		return err;
	case AIXIPC_IPC_RMID:
		obj = aixipc_lock_for_change(&ns->ids[AIXIPC_SEM], req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		return aixipc_sem_remove(obj);
	case AIXIPC_IPC_STAT:
	case AIXIPC_STAT_INDEX:
	case AIXIPC_STAT_INDEX_ANY:
		obj = aixipc_lock_stat(&ns->ids[AIXIPC_SEM], req->cmd, &req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		set = to_set(obj);
		aixipc_sem_global_enter(set);
		aixipc_sem_fill_ds(set, &req->ds);
		aixipc_sem_unlock(set, AIXIPC_SEM_LOCK_GLOBAL);
		return 0;
	case AIXIPC_GETVAL:
	case AIXIPC_SETVAL:
	case AIXIPC_GETPID:
	case AIXIPC_GETNCNT:
	case AIXIPC_GETZCNT:
		break;
	default:
		return -EINVAL;
	}

	set = aixipc_sem_lock_id(ns, req->id);
	if (IS_ERR(set))
		return PTR_ERR(set);
	aixipc_wake_init(&wake);
	err = aixipc_check_perm(&set->obj, req->cmd == AIXIPC_SETVAL ?
				 AIXIPC_PERM_ALTER : AIXIPC_PERM_READ);
	if (err)
		goto unlock;
	if (req->semnum >= set->nsems) {
		err = -EINVAL;
		goto unlock;
	}
	if (req->cmd != AIXIPC_GETNCNT && req->cmd != AIXIPC_GETZCNT)
		aixipc_sem_own(set, req->semnum);
	switch (req->cmd) {
	case AIXIPC_GETVAL:
		req->val = set->sems[req->semnum].val;
		break;
	case AIXIPC_GETPID:
		req->val = pid_vnr(set->sems[req->semnum].pid);
		break;
	case AIXIPC_GETNCNT:
		req->val = aixipc_sem_count(set, req->semnum, false);
		break;
	case AIXIPC_GETZCNT:
		req->val = aixipc_sem_count(set, req->semnum, true);
		break;
	case AIXIPC_SETVAL:
		if (req->val < 0 || req->val > aixipc_limit(ns, semvmx)) {
			err = -ERANGE;
			break;
		}
		set->sems[req->semnum].val = req->val;
		aixipc_sem_mirror(set, req->semnum, true);
		aixipc_set_pid(&set->sems[req->semnum].pid, task_tgid(current));
		aixipc_undo_clear(set, req->semnum);
		set->obj.ctime = ktime_get_real_seconds();
		aixipc_sem_update_all(set, &wake);
		break;
	}
unlock:
	aixipc_sem_unlock_global(set, &wake);
	return err;
}

/* Called with ids->rwsem held for writing. */
static struct aixipc_obj *aixipc_sem_alloc(struct aixipc_ids *ids,
					   const struct aixipc_get *req)
{
	struct aixipc_sem_set *set;
	unsigned int i;

	aixipc_assert_ids_write(ids);
	if (!req->size || req->size > aixipc_limit(ids->ns, semmsl))
		return ERR_PTR(-EINVAL);
	set = kvzalloc(struct_size(set, sems, req->size), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!set)
		return ERR_PTR(-ENOMEM);
	set->nsems = req->size;
	INIT_LIST_HEAD(&set->pending_alter);
	INIT_LIST_HEAD(&set->pending_const);
	INIT_LIST_HEAD(&set->undos);
	for (i = 0; i < set->nsems; i++) {
		spin_lock_init(&set->sems[i].lock);
		INIT_LIST_HEAD(&set->sems[i].pending_alter);
		INIT_LIST_HEAD(&set->sems[i].pending_const);
	}
	return &set->obj;
}

/* An existing set opened asking for more semaphores than it has; obj->lock held. */
static int aixipc_sem_reopen(struct aixipc_obj *obj, const struct aixipc_get *req)
{
	aixipc_assert_locked(obj);
	return req->size > to_set(obj)->nsems ? -EINVAL : 0;
}

/*
 * IPC_RMID: fail every waiter with EIDRM and drop every adjustment.
 * obj->lock held.
 */
static void aixipc_sem_destroy(struct aixipc_obj *obj, struct aixipc_wake *wake)
{
	struct aixipc_sem_set *set = to_set(obj);
	struct aixipc_sem_queue *q, *tmp;
	unsigned int i;

	aixipc_assert_locked(obj);
	aixipc_sem_global_enter(set);
	list_for_each_entry_safe(q, tmp, &set->pending_alter, list)
		aixipc_sem_complete(set, q, -EIDRM, wake);
	for (i = 0; i < set->nsems; i++) {
		list_for_each_entry_safe(q, tmp, &set->sems[i].pending_alter, list)
			aixipc_sem_complete(set, q, -EIDRM, wake);
		list_for_each_entry_safe(q, tmp, &set->sems[i].pending_const, list)
			aixipc_sem_complete(set, q, -EIDRM, wake);
		aixipc_set_pid(&set->sems[i].pid, NULL);
	}
	aixipc_undo_drop_set(set);
	aixipc_sem_area_kill(set);
}

static void aixipc_sem_free(struct aixipc_obj *obj)
{
	kvfree(to_set(obj));
}

/* A listing entry; obj->lock held. */
static void aixipc_sem_fill(struct aixipc_obj *obj, struct aixipc_list_entry *e)
{
	aixipc_assert_locked(obj);
	aixipc_sem_fill_ds(to_set(obj), &e->sem);
}

/* Totals for AIXIPC_IOC_INFO; obj->lock held. */
static void aixipc_sem_info(struct aixipc_obj *obj, struct aixipc_info *info)
{
	aixipc_assert_locked(obj);
	info->count += to_set(obj)->nsems;
}

const struct aixipc_kind_ops aixipc_sem_ops = {
	.alloc = aixipc_sem_alloc,
	.reopen = aixipc_sem_reopen,
	.destroy = aixipc_sem_destroy,
	.free = aixipc_sem_free,
	.fill = aixipc_sem_fill,
	.info = aixipc_sem_info,
	.remove = aixipc_sem_remove,
};
