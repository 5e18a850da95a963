/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Semaphores: data structures shared by sem.c (sets, semop, semctl) and
 * sem_undo.c (per-process adjustments, applied at exit), and the pure
 * operation evaluator, inline here so the KUnit suite can drive it.
 *
 * Locking (after Linux's ipc/sem.c):
 *  - Each semaphore has a spinlock.  A semop of one operation, while the
 *    set is not in "global mode", takes only its semaphore's lock, so such
 *    calls on different semaphores of one set never contend.
 *  - set->obj.lock is the set-wide lock.  Everything else (operations on
 *    several semaphores, SEM_ORDER, semctl, IPC_RMID, undo at exit) takes
 *    it and enters global mode (aixipc_sem_global_enter()): it sets
 *    use_global_lock, then takes and drops every semaphore's lock to wait
 *    out fast-path holders; fast-path callers that see use_global_lock
 *    take the set-wide lock instead.  Global mode lingers for a few calls
 *    (hysteresis) and for as long as complex waiters sleep.
 *  - A semaphore's value, pid and pending lists are guarded by its own lock
 *    or by the set-wide lock in global mode; the set's pending lists,
 *    undo list, complex_count and use_global_lock by the set-wide lock.
 *  - The set's permissions are the registry's ([obj.lock]); IPC_SET changes
 *    them in global mode, so a fast-path semop checks them under its
 *    semaphore's lock (__aixipc_check_perm()).
 *  - The fast path (sem_fast.c): a semaphore's word in the set's area is
 *    taken (aixipc_sem_own()) under the lock of that semaphore before its
 *    value is read or changed, mirrored after a change, and given back
 *    only by a single-operation semop that leaves nobody waiting on it.
 *    set->area and set->words are set in global mode, cleared at IPC_RMID.
 *  - A word given back may carry the caller's adjustment (SEM_UNDO); then
 *    sem->holder names the caller's aixipc_sem_undo, guarded like the
 *    value, and taking the word ends the hold (sem_undo.c).
 * The rules are asserted: aixipc_sem_assert_global(), _locked(), _held().
 */
#ifndef _AIXIPC_SEM_H
#define _AIXIPC_SEM_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/aixipc.h>

#include "compat.h"
#include "ids.h"

struct aixipc_sem {
	spinlock_t lock;		/* this semaphore's fast path */
	int val;
	struct pid *pid;		/* last to operate on it (a reference) */
	struct list_head pending_alter;	/* single-op waiters, sem_op != 0 */
	struct list_head pending_const;	/* single-op waiters, sem_op == 0 */
	struct aixipc_sem_undo *holder;	/* whose adjustment the word carries */
	u32 holder_ticket;		/* the ticket it carries with it */
} ____cacheline_aligned_in_smp;

struct aixipc_sem_set {
	struct aixipc_obj obj;		/* obj.lock is the set-wide lock */
	time64_t otime;			/* last semop; WRITE_ONCE/READ_ONCE */
	struct list_head pending_alter;	/* complex waiters */
	struct list_head pending_const;
	struct list_head undos;		/* every process's aixipc_sem_undo */
	int complex_count;		/* complex waiters asleep */
	int use_global_lock;		/* > 0: global mode */
	struct aixipc_sem_area *area;	/* the fast path's, or NULL */
	atomic64_t *words;		/* area's words, or NULL */
	unsigned int nsems;
	struct aixipc_sem sems[];
};

/* One process's adjustments on one set (SEM_UNDO). */
struct aixipc_sem_undo {
	struct list_head list_proc;	/* [ulp->lock] */
	struct list_head list_set;	/* [set-wide lock] */
	struct aixipc_undo_list *ulp;
	struct aixipc_sem_set *set;	/* NULL once the set has dropped it */
	struct rcu_head rcu;
	u32 ticket;			/* the process's for set's area, or 0 */
	atomic_t holds;			/* words carrying its adjustments */
	s16 adj[];			/* per semaphore: undone at exit */
};

/* The set-wide lock is held in global mode (aixipc_sem_global_enter()). */
static inline void aixipc_sem_assert_global(struct aixipc_sem_set *set)
{
	aixipc_assert_locked(&set->obj);
	lockdep_assert(set->use_global_lock > 0);
}

/* Semaphore @sem's state is locked: its own lock, or the set-wide lock. */
static inline void aixipc_sem_assert_locked(struct aixipc_sem_set *set,
					    struct aixipc_sem *sem)
{
	lockdep_assert(lockdep_is_held(&sem->lock) ||
		       lockdep_is_held(&set->obj.lock));
}

/* A lock number: a semaphore's, or this one for the set-wide lock. */
#define AIXIPC_SEM_LOCK_GLOBAL (-1)

/* Lock number @locknum is held (the set-wide one in global mode). */
static inline void aixipc_sem_assert_held(struct aixipc_sem_set *set,
					  int locknum)
{
	if (locknum == AIXIPC_SEM_LOCK_GLOBAL)
		aixipc_sem_assert_global(set);
	else
		lockdep_assert_held(&set->sems[locknum].lock);
}

/* The sem_flg bits this module knows. */
#define AIXIPC_SEM_FLAGS (AIXIPC_SEM_NOWAIT | AIXIPC_SEM_UNDO | \
			  AIXIPC_SEM_ORDER | AIXIPC_SEM_ERR)

/* Limits the evaluator enforces. */
struct aixipc_sem_limits {
	int semvmx;
	int semaem;
	int semume;
};

/* Results of the evaluator besides 0 (done) and -errno. */
#define AIXIPC_SEM_BLOCK 1

/*
 * aixipc_sem_try_one - apply one operation if it can complete now
 * @sem: its semaphore
 * @op: the operation
 * @adj: the caller's adjustment for this semaphore, or NULL
 * @nonzero: the caller's count of non-zero adjustments (semume), or NULL
 * @lim: the limits
 *
 * Return: 0 (applied), AIXIPC_SEM_BLOCK (it must wait), -EAGAIN (it must
 * wait but asked not to), -ERANGE (value above semvmx, or adjustment
 * magnitude above semaem), -ENOSPC (one more adjustment entry than semume).
 */
static inline int aixipc_sem_try_one(struct aixipc_sem *sem,
				     const struct aixipc_sembuf *op, s16 *adj,
				     atomic_t *nonzero,
				     const struct aixipc_sem_limits *lim)
{
	int val = sem->val + op->sem_op;

	if (op->sem_op == 0 ? sem->val != 0 : val < 0)
		return op->sem_flg & AIXIPC_SEM_NOWAIT ? -EAGAIN
						       : AIXIPC_SEM_BLOCK;
	if (val > lim->semvmx)
		return -ERANGE;
	if (op->sem_op && adj && (op->sem_flg & AIXIPC_SEM_UNDO)) {
		int a = *adj - op->sem_op;

		if (a < -lim->semaem || a > lim->semaem)
			return -ERANGE;
		if (!*adj && a) {
			if (atomic_inc_return(nonzero) > lim->semume) {
				atomic_dec(nonzero);
				return -ENOSPC;
			}
		} else if (*adj && !a) {
			atomic_dec(nonzero);
		}
		*adj = a;
	}
	sem->val = val;
	return 0;
}

/* Take back an operation aixipc_sem_try_one() applied. */
static inline void aixipc_sem_revert_one(struct aixipc_sem *sem,
					 const struct aixipc_sembuf *op,
					 s16 *adj, atomic_t *nonzero)
{
	sem->val -= op->sem_op;
	if (op->sem_op && adj && (op->sem_flg & AIXIPC_SEM_UNDO)) {
		int a = *adj + op->sem_op;

		if (!*adj && a)
			atomic_inc(nonzero);
		else if (*adj && !a)
			atomic_dec(nonzero);
		*adj = a;
	}
}

/**
 * aixipc_sem_eval - perform a semop call's operations, as far as they go
 * @sems: the set's semaphores
 * @sops: the operations; every sem_num already checked against the set
 * @nsops: how many
 * @order: SEM_ORDER: one at a time, in array order, applied ones stay
 * @pos: in: first operation to perform (0, or where a SEM_ORDER call
 *	stopped); out: first operation not applied (@nsops when done)
 * @stop: out: the operation that must wait or failed
 * @adj: the caller's adjustments for this set (SEM_UNDO), or NULL
 * @nonzero: the caller's count of non-zero adjustments, or NULL
 * @lim: the limits
 *
 * Without @order the call is atomic: either every operation is applied or,
 * when one must wait or fails, none is (and *@pos does not move).  With
 * @order, operations before *@pos stay applied when one stops the call.
 *
 * Return: 0 when all are done, AIXIPC_SEM_BLOCK when operation *@stop must
 * wait, or the -errno of aixipc_sem_try_one() for operation *@stop.
 */
static inline int aixipc_sem_eval(struct aixipc_sem *sems,
				  const struct aixipc_sembuf *sops,
				  unsigned int nsops, bool order,
				  unsigned int *pos, unsigned int *stop,
				  s16 *adj, atomic_t *nonzero,
				  const struct aixipc_sem_limits *lim)
{
	unsigned int i, start = *pos;
	int err;

	for (i = start; i < nsops; i++) {
		const struct aixipc_sembuf *op = &sops[i];

		err = aixipc_sem_try_one(&sems[op->sem_num], op,
					 adj ? &adj[op->sem_num] : NULL,
					 nonzero, lim);
		if (err) {
			*stop = i;
			if (order) {
				*pos = i;
				return err;
			}
			while (i-- > start) {
				op = &sops[i];
				aixipc_sem_revert_one(&sems[op->sem_num], op,
						      adj ? &adj[op->sem_num] : NULL,
						      nonzero);
			}
			return err;
		}
	}
	*pos = nsops;
	*stop = nsops;
	return 0;
}

/*
 * aixipc_sem_undo_value - a semaphore's value after its adjustment at exit:
 * clamped to [0, semvmx], as the adjustment may no longer fit (values were
 * set, or other processes moved them, since).
 */
static inline int aixipc_sem_undo_value(int val, int adj, int semvmx)
{
	val += adj;
	if (val < 0)
		return 0;
	if (val > semvmx)
		return semvmx;
	return val;
}

/* sem_fast.c */
struct aixipc_sem_area;
void aixipc_sem_import(struct aixipc_sem_set *set, unsigned int i, u64 word);
void aixipc_sem_area_stamp(struct aixipc_sem_set *set, time64_t t);
void aixipc_sem_area_kill(struct aixipc_sem_set *set);
struct aixipc_sem_area *aixipc_sem_area_get(struct aixipc_sem_set *set);
void aixipc_semmap_revoke_put(struct aixipc_sem_area *area);
int aixipc_sem_remove(struct aixipc_obj *obj);
int aixipc_semmap(struct aixipc_ns *ns, struct aixipc_semmap *req);
void aixipc_sem_limits_changed(struct aixipc_ns *ns);
u32 aixipc_sem_ticket_find(struct aixipc_sem_set *set);

/* sem_undo.c, for aixipc_sem_own() */
void aixipc_undo_hold_end(struct aixipc_sem_set *set, unsigned int i, u64 word);

#define AIXIPC_SEMW_OWNED_BY_KERNEL \
	(AIXIPC_SEMW_KERNEL | (u64)AIXIPC_SEM_TICKET_KERNEL << AIXIPC_SEMW_TICKET_SHIFT)

/**
 * aixipc_sem_own - take semaphore @i's word from user space
 * @set: the set; the lock of semaphore @i held
 * @i: the semaphore
 *
 * Idempotent.  If user space held the word, its value (clamped) and the
 * ticket of whoever last operated on it come in (aixipc_sem_import()), and
 * the adjustment it carried goes to its holder's record.
 */
static inline void aixipc_sem_own(struct aixipc_sem_set *set, unsigned int i)
{
	u64 old;

	aixipc_sem_assert_locked(set, &set->sems[i]);
	if (!set->words)
		return;
	old = atomic64_fetch_or(AIXIPC_SEMW_KERNEL, &set->words[i]);
	if (!(old & AIXIPC_SEMW_KERNEL))
		aixipc_sem_import(set, i, old);
	if (set->sems[i].holder)
		aixipc_undo_hold_end(set, i, old);
}

/*
 * Show semaphore @i's value in its word, which the kernel keeps (@keep) or
 * gives back to user space.  The lock of semaphore @i held, and the word
 * taken (aixipc_sem_own()) in the same hold of it: a word user space owns
 * must never be overwritten.
 */
static inline void aixipc_sem_mirror(struct aixipc_sem_set *set, unsigned int i,
				     bool keep)
{
	aixipc_sem_assert_locked(set, &set->sems[i]);
	if (!set->words)
		return;
	atomic64_set(&set->words[i], (keep ? AIXIPC_SEMW_OWNED_BY_KERNEL :
			(u64)AIXIPC_SEM_TICKET_KERNEL << AIXIPC_SEMW_TICKET_SHIFT) |
		     set->sems[i].val);
}

extern const struct aixipc_kind_ops aixipc_sem_ops;

int aixipc_semop(struct aixipc_ns *ns, struct aixipc_semop *req);
int aixipc_semctl(struct aixipc_ns *ns, struct aixipc_semctl *req);

/* sem.c, for sem_undo.c */
int aixipc_sem_lock_global(struct aixipc_sem_set *set);
struct aixipc_sem_set *aixipc_sem_lock_id(struct aixipc_ns *ns, int id);
void aixipc_sem_unlock_global(struct aixipc_sem_set *set,
			      struct aixipc_wake *wake);
void aixipc_sem_update_all(struct aixipc_sem_set *set,
			   struct aixipc_wake *wake);

/* sem_undo.c */
struct aixipc_undo_list;
int aixipc_undo_init(void);
void aixipc_undo_exit(void);
struct aixipc_undo_list *aixipc_undo_list_get(void);
struct aixipc_sem_undo *aixipc_undo_find(struct aixipc_undo_list *ulp,
					 const struct aixipc_sem_set *set);
struct aixipc_sem_undo *aixipc_undo_alloc(struct aixipc_undo_list *ulp,
					  struct aixipc_sem_set *set);
atomic_t *aixipc_undo_nonzero(struct aixipc_undo_list *ulp);
void aixipc_undo_clear(struct aixipc_sem_set *set, int semnum);
void aixipc_undo_drop_set(struct aixipc_sem_set *set);
void aixipc_undo_bind(struct aixipc_sem_set *set, u32 ticket);
bool aixipc_undo_hold_grant(struct aixipc_sem_set *set, unsigned int i,
			    struct aixipc_sem_undo *un);
bool aixipc_undo_has_holds(struct aixipc_undo_list *ulp);
void aixipc_undo_reclaim(struct aixipc_undo_list *ulp);

#endif /* _AIXIPC_SEM_H */
