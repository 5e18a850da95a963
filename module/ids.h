/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared object registry: one per IPC namespace (ns.h) and facility.
 *
 * Locking:
 *  - aixipc_ids.rwsem (sleeping, only ever taken for writing) serialises
 *    changes to the set of objects: creation, removal, the key hash and the
 *    in_use/seq counters.  Key lookups (get) hold it too, and so do IPC_SET
 *    and the other owner-only commands (aixipc_lock_for_change()).
 *  - The idr is read under RCU: operations by id (or by slot, the
 *    STAT_INDEX commands) find the object with idr_find() under
 *    rcu_read_lock(), then take aixipc_obj.lock and re-check
 *    aixipc_obj.deleted, which IPC_RMID sets under that lock.
 *  - aixipc_obj.lock (spinlock) guards the object's permissions, times and all
 *    of the facility's state (queues, waiters).  Order: rwsem, then obj.lock.
 *  - aixipc_obj.ref counts the registry's reference (dropped at removal) and
 *    one per sleeper, in-flight operation or (shared memory) mapping; the
 *    last put frees the object after an RCU grace period, so lockless idr
 *    readers never see freed memory.
 * A function whose comment says a lock is held asserts it (lockdep):
 * aixipc_assert_locked(), aixipc_assert_ids_write(), aixipc_assert_change().
 */
#ifndef _AIXIPC_IDS_H
#define _AIXIPC_IDS_H

#include <linux/bits.h>
#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/lockdep.h>
#include <linux/pid.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <uapi/linux/aixipc.h>

/*
 * User-visible ids are seq << AIXIPC_SLOT_BITS | slot: a removed id whose
 * slot was reused by a later object carries a different seq and fails with
 * EINVAL instead of reaching the new object.
 */
#define AIXIPC_SLOT_BITS	20
#define AIXIPC_MAX_SLOTS	BIT(AIXIPC_SLOT_BITS)
#define AIXIPC_SEQ_BITS		(31 - AIXIPC_SLOT_BITS)
#define AIXIPC_SEQ_MASK		(BIT(AIXIPC_SEQ_BITS) - 1)

static inline int aixipc_id_make(unsigned int seq, unsigned int slot)
{
	return (int)(((seq & AIXIPC_SEQ_MASK) << AIXIPC_SLOT_BITS) | slot);
}

static inline unsigned int aixipc_id_slot(int id)
{
	return (unsigned int)id & (AIXIPC_MAX_SLOTS - 1);
}

static inline unsigned int aixipc_seq_next(unsigned int seq)
{
	return (seq + 1) & AIXIPC_SEQ_MASK;
}

/*
 * Access masks for aixipc_check_perm(), one rwx triplet as ipc/ uses
 * S_IRUGO and S_IWUGO: read (STAT, receive, GETVAL...), write or alter
 * (send, semop that changes a value, SETVAL...), both (a writable attach).
 */
#define AIXIPC_PERM_READ	04U
#define AIXIPC_PERM_WRITE	02U
#define AIXIPC_PERM_ALTER	AIXIPC_PERM_WRITE
#define AIXIPC_PERM_READ_WRITE	(AIXIPC_PERM_READ | AIXIPC_PERM_WRITE)

/* Whose permission bits apply to a caller, as SysV decides it. */
enum aixipc_class { AIXIPC_OWNER, AIXIPC_GROUP, AIXIPC_OTHER };

/*
 * aixipc_perm_granted - do the mode bits of one class grant an access?
 * @mode: the object's nine permission bits
 * @class: the caller's class (owner/creator, group/creator group, other)
 * @acc: requested access, AIXIPC_PERM_* (a 3-bit rwx mask)
 */
static inline bool aixipc_perm_granted(unsigned int mode,
				       enum aixipc_class class,
				       unsigned int acc)
{
	unsigned int shift = class == AIXIPC_OWNER ? 6 :
			     class == AIXIPC_GROUP ? 3 : 0;

	return (acc & ~(mode >> shift) & 07) == 0;
}

struct aixipc_ids;
struct aixipc_ns;
struct file;
struct aixipc_obj;

/*
 * Tasks to wake once a lock is dropped: a waker records the result in the
 * sleeper's on-stack waiter under the lock, and must not touch the waiter
 * afterwards, so it keeps only a reference to the task.  When the batch is
 * full the task is woken at once, under the lock, which is merely slower.
 */
#define AIXIPC_WAKE_BATCH 16
struct aixipc_wake {
	unsigned int n;
	struct task_struct *task[AIXIPC_WAKE_BATCH];
};

static inline void aixipc_wake_init(struct aixipc_wake *w)
{
	w->n = 0;
}

void aixipc_wake_add(struct aixipc_wake *w, struct task_struct *t);
void aixipc_wake_all(struct aixipc_wake *w);

/*
 * Record @pid (a thread group's, or NULL) in @slot: the last process to
 * operate on something.  A reference is kept, as Linux's IPC does, so the
 * number is translated into the reader's pid namespace when read
 * (pid_vnr()), stays readable after the process exits, and costs nothing
 * while the same process keeps operating.  The lock guarding @slot held.
 */
static inline void aixipc_set_pid(struct pid **slot, struct pid *pid)
{
	if (*slot != pid) {
		put_pid(*slot);
		*slot = get_pid(pid);
	}
}

/* What a facility plugs into the registry. */
struct aixipc_kind_ops {
	/*
	 * Allocate and initialise the facility's object; may sleep.  Called
	 * with ids->rwsem held for writing.
	 */
	struct aixipc_obj *(*alloc)(struct aixipc_ids *ids,
				    const struct aixipc_get *req);
	/* Is an existing object compatible with this get?  obj->lock held. */
	int (*reopen)(struct aixipc_obj *obj, const struct aixipc_get *req);
	/*
	 * IPC_RMID: the object is already unreachable by key and id.  Wake
	 * every waiter with EIDRM and drop queued data.  obj->lock held; tasks
	 * to wake go to @wake and are woken after unlocking.
	 */
	void (*destroy)(struct aixipc_obj *obj, struct aixipc_wake *wake);
	/* Free the object's memory (last reference gone, after RCU). */
	void (*free)(struct aixipc_obj *obj);
	/* Fill a listing entry.  obj->lock held. */
	void (*fill)(struct aixipc_obj *obj, struct aixipc_list_entry *e);
	/* Add the object to the facility's totals.  obj->lock held. */
	void (*info)(struct aixipc_obj *obj, struct aixipc_info *info);
	/*
	 * IPC_RMID when the namespace dies: as the facility's ctl does it,
	 * with what aixipc_lock_for_change() takes held; releases both.
	 */
	int (*remove)(struct aixipc_obj *obj);
};

struct aixipc_obj {
	spinlock_t lock;		/* guards [lock] fields and the facility's state */
	bool deleted;			/* [lock] set once, by IPC_RMID */
	int id;				/* constant once published */
	s32 key;			/* [rwsem and lock] only ever made private */
	kuid_t uid, cuid;		/* [lock] owner; creator (constant) */
	kgid_t gid, cgid;
	unsigned int mode;		/* [lock] nine permission bits */
	unsigned int seq;		/* constant */
	time64_t ctime;			/* [lock] last change */
	refcount_t ref;
	struct rhash_head khash;	/* [ids->rwsem] key table link */
	struct rcu_head rcu;
	struct aixipc_ids *ids;
};

struct aixipc_ids {
	struct rw_semaphore rwsem;
	struct idr idr;			/* slot -> object; RCU readers */
	struct rhashtable keys;		/* key -> object, public keys only */
	unsigned int in_use;		/* [rwsem] */
	unsigned int seq;		/* [rwsem] seq of the next object */
	unsigned int kind;		/* AIXIPC_MSG, _SEM, _SHM */
	const struct aixipc_kind_ops *ops;
	struct aixipc_ns *ns;		/* the namespace's registry (ns.h) */
};

int aixipc_ids_init(struct aixipc_ids *ids, struct aixipc_ns *ns,
		    unsigned int kind, const struct aixipc_kind_ops *ops);
void aixipc_ids_destroy(struct aixipc_ids *ids);
void aixipc_ids_remove_all(struct aixipc_ids *ids);
int aixipc_list_check(const struct aixipc_list *req);

int aixipc_get(struct aixipc_ns *ns, struct aixipc_get *req);
struct aixipc_obj *aixipc_obtain_rcu(struct aixipc_ids *ids, int id);
struct aixipc_obj *aixipc_lock_id(struct aixipc_ids *ids, int id);
struct aixipc_obj *aixipc_lock_stat(struct aixipc_ids *ids, u32 cmd, s32 *id);
struct aixipc_obj *aixipc_lock_for_change(struct aixipc_ids *ids, int id);
void aixipc_change_done(struct aixipc_obj *obj);
int aixipc_rmid(struct aixipc_obj *obj);
void aixipc_make_private(struct aixipc_obj *obj);
int __aixipc_check_perm(const struct aixipc_obj *obj, unsigned int acc);
int aixipc_check_perm(const struct aixipc_obj *obj, unsigned int acc);
int aixipc_check_perm_file(const struct aixipc_obj *obj,
			   const struct file *file, unsigned int acc);
int aixipc_check_owner(const struct aixipc_obj *obj);
int aixipc_set_perm(struct aixipc_obj *obj, const struct aixipc_ipc_perm *in);
void aixipc_fill_perm(const struct aixipc_obj *obj, struct aixipc_ipc_perm *out);
int aixipc_list(struct aixipc_ns *ns, struct aixipc_list *req);
int aixipc_info(struct aixipc_ns *ns, struct aixipc_info *req);

/*
 * The locking rules as checks (lockdep; nothing without CONFIG_LOCKDEP), as
 * Linux's ipc_assert_locked_object(): a function whose comment says a lock
 * is held asserts it.
 */
/* @obj's own lock (obj.lock) is held. */
#define aixipc_assert_locked(obj)	lockdep_assert_held(&(obj)->lock)
/* The registry's rwsem is held for writing (changes to the set of objects). */
#define aixipc_assert_ids_write(ids)	lockdep_assert_held_write(&(ids)->rwsem)
/* What aixipc_lock_for_change() returns with: the rwsem for writing and obj.lock. */
static inline void aixipc_assert_change(struct aixipc_obj *obj)
{
	aixipc_assert_ids_write(obj->ids);
	aixipc_assert_locked(obj);
}

static inline void aixipc_obj_get(struct aixipc_obj *obj)
{
	refcount_inc(&obj->ref);
}

void aixipc_obj_put(struct aixipc_obj *obj);

#endif /* _AIXIPC_IDS_H */
