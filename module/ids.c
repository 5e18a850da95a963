// SPDX-License-Identifier: GPL-2.0
/*
 * The shared object registry: key and id lookup, creation, permissions,
 * removal and enumeration, written once for all three facilities.
 *
 * Locking is described in ids.h.  In short: rwsem for the set of objects,
 * RCU for lookups by id, obj->lock for an object's contents, refcount plus
 * RCU for its memory.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "ns.h"

static const struct rhashtable_params aixipc_key_params = {
	.key_len = sizeof(s32),
	.key_offset = offsetof(struct aixipc_obj, key),
	.head_offset = offsetof(struct aixipc_obj, khash),
	.automatic_shrinking = true,
};

void aixipc_wake_add(struct aixipc_wake *w, struct task_struct *t)
{
	if (w->n < AIXIPC_WAKE_BATCH) {
		get_task_struct(t);
		w->task[w->n++] = t;
	} else {
		wake_up_process(t);
	}
}

/* Wake the batched tasks; called with no spinlock held. */
void aixipc_wake_all(struct aixipc_wake *w)
{
	unsigned int i;

	for (i = 0; i < w->n; i++) {
		wake_up_process(w->task[i]);
		put_task_struct(w->task[i]);
	}
	w->n = 0;
}

/* Set up @ids, the registry of @kind in @ns.  May sleep. */
int aixipc_ids_init(struct aixipc_ids *ids, struct aixipc_ns *ns,
		    unsigned int kind, const struct aixipc_kind_ops *ops)
{
	init_rwsem(&ids->rwsem);
	idr_init(&ids->idr);
	ids->in_use = 0;
	ids->seq = 0;
	ids->kind = kind;
	ids->ops = ops;
	ids->ns = ns;
	return rhashtable_init(&ids->keys, &aixipc_key_params);
}

/* Free @ids once every object in it is gone.  May sleep. */
void aixipc_ids_destroy(struct aixipc_ids *ids)
{
	rhashtable_destroy(&ids->keys);
	idr_destroy(&ids->idr);
}

/*
 * Remove every object of @ids, each as its facility's IPC_RMID does: for
 * a namespace that has died.  A segment that is still attached stays in
 * the idr, removed and keyless, until its last detach.  Takes ids->rwsem.
 */
void aixipc_ids_remove_all(struct aixipc_ids *ids)
{
	struct aixipc_obj *obj;
	int slot = 0;

	for (;;) {
		down_write(&ids->rwsem);
		/* Removal takes the rwsem: what the idr holds stays. */
		rcu_read_lock();
		obj = idr_get_next(&ids->idr, &slot);
		rcu_read_unlock();
		if (!obj) {
			up_write(&ids->rwsem);
			break;
		}
		slot++;
		spin_lock(&obj->lock);
		if (obj->deleted) {
			aixipc_change_done(obj);
			continue;
		}
		ids->ops->remove(obj);	/* releases both locks */
	}
}

static void aixipc_obj_free_rcu(struct rcu_head *head)
{
	struct aixipc_obj *obj = container_of(head, struct aixipc_obj, rcu);
	struct aixipc_ns *ns = obj->ids->ns;

	obj->ids->ops->free(obj);
	aixipc_ns_put(ns);	/* may free the registry of a dead namespace */
}

void aixipc_obj_put(struct aixipc_obj *obj)
{
	if (refcount_dec_and_test(&obj->ref))
		call_rcu(&obj->rcu, aixipc_obj_free_rcu);
}

/* Is @gid one of @cred's groups?  in_group_p() for any credentials. */
static bool aixipc_cred_in_group(const struct cred *cred, kgid_t gid)
{
	const struct group_info *groups = cred->group_info;
	int i;

	if (gid_eq(cred->fsgid, gid))
		return true;
	for (i = 0; i < groups->ngroups; i++)
		if (gid_eq(groups->gid[i], gid))
			return true;
	return false;
}

/* The class of the holder of @cred for @obj, from its effective ids. */
static enum aixipc_class aixipc_class_of(const struct aixipc_obj *obj,
					 const struct cred *cred)
{
	if (uid_eq(cred->euid, obj->uid) || uid_eq(cred->euid, obj->cuid))
		return AIXIPC_OWNER;
	if (aixipc_cred_in_group(cred, obj->gid) ||
	    aixipc_cred_in_group(cred, obj->cgid))
		return AIXIPC_GROUP;
	return AIXIPC_OTHER;
}

/**
 * __aixipc_check_perm - may the caller access @obj?
 * @obj: the object, under a lock that excludes IPC_SET: obj->lock, or for
 *	 semop's fast path its semaphore's lock (sem.h)
 * @acc: AIXIPC_PERM_READ, _WRITE (or _ALTER), _READ_WRITE
 *
 * Return: 0 or -EACCES.  CAP_IPC_OWNER in the registry's user namespace
 * overrides the mode bits, as for SysV.
 */
int __aixipc_check_perm(const struct aixipc_obj *obj, unsigned int acc)
{
	if (aixipc_perm_granted(obj->mode, aixipc_class_of(obj, current_cred()),
				acc))
		return 0;
	if (ns_capable(obj->ids->ns->user_ns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
}

/*
 * aixipc_check_perm_file - aixipc_check_perm() for whoever opened @file
 * (a queue descriptor's maker: its credentials then), not the caller.
 * obj->lock held.
 */
int aixipc_check_perm_file(const struct aixipc_obj *obj,
			   const struct file *file, unsigned int acc)
{
	aixipc_assert_locked(obj);
	if (aixipc_perm_granted(obj->mode, aixipc_class_of(obj, file->f_cred),
				acc))
		return 0;
	if (file_ns_capable(file, obj->ids->ns->user_ns, CAP_IPC_OWNER))
		return 0;
	return -EACCES;
}

/* aixipc_check_perm - __aixipc_check_perm() with obj->lock held. */
int aixipc_check_perm(const struct aixipc_obj *obj, unsigned int acc)
{
	aixipc_assert_locked(obj);
	return __aixipc_check_perm(obj, acc);
}

/*
 * May the caller change or remove @obj?  Owner, creator or CAP_SYS_ADMIN.
 * obj->lock held (the owner is [lock]).
 */
int aixipc_check_owner(const struct aixipc_obj *obj)
{
	kuid_t euid = current_euid();

	aixipc_assert_locked(obj);
	if (uid_eq(euid, obj->uid) || uid_eq(euid, obj->cuid))
		return 0;
	if (ns_capable(obj->ids->ns->user_ns, CAP_SYS_ADMIN))
		return 0;
	return -EPERM;
}

/**
 * aixipc_set_perm - IPC_SET of the owner ids and mode bits
 * @obj: the object, locked by aixipc_lock_for_change()
 * @in: the new values, ids in the caller's user namespace
 *
 * Return: 0, or -EINVAL for ids that do not map or mode bits beyond 0777.
 */
int aixipc_set_perm(struct aixipc_obj *obj, const struct aixipc_ipc_perm *in)
{
	struct user_namespace *uns = current_user_ns();
	kuid_t uid = make_kuid(uns, in->uid);
	kgid_t gid = make_kgid(uns, in->gid);

	aixipc_assert_change(obj);
	if (in->__reserved || (in->mode & ~0777U))
		return -EINVAL;
	if (!uid_valid(uid) || !gid_valid(gid))
		return -EINVAL;
	obj->uid = uid;
	obj->gid = gid;
	obj->mode = in->mode;
	obj->ctime = ktime_get_real_seconds();
	return 0;
}

/* Report @obj's credentials in the caller's user namespace; obj->lock held. */
void aixipc_fill_perm(const struct aixipc_obj *obj, struct aixipc_ipc_perm *out)
{
	struct user_namespace *uns = current_user_ns();

	aixipc_assert_locked(obj);
	out->key = obj->key;
	out->uid = from_kuid_munged(uns, obj->uid);
	out->gid = from_kgid_munged(uns, obj->gid);
	out->cuid = from_kuid_munged(uns, obj->cuid);
	out->cgid = from_kgid_munged(uns, obj->cgid);
	out->mode = obj->mode;
	out->seq = obj->seq;
	out->__reserved = 0;
}

/*
 * Create and publish a new object.  Called with ids->rwsem held for
 * writing.  Every field is set before idr_replace() makes the object
 * reachable by id; the key table is only read under the rwsem.
 */
static int aixipc_create(struct aixipc_ids *ids, struct aixipc_get *req)
{
	struct aixipc_obj *obj;
	int slot, err;
	u64 max;

	aixipc_assert_ids_write(ids);
	max = aixipc_max_ids(ids->ns, ids->kind);
	if (ids->in_use >= max)
		return -ENOSPC;
	/* The host's cap on all namespaces together. */
	if (!aixipc_host_ids_charge(ids->kind))
		return -ENOSPC;

	obj = ids->ops->alloc(ids, req);
	if (IS_ERR(obj)) {
		aixipc_host_ids_uncharge(ids->kind);
		return PTR_ERR(obj);
	}

	spin_lock_init(&obj->lock);
	obj->deleted = false;
	obj->key = req->key;
	obj->uid = current_euid();
	obj->cuid = obj->uid;
	obj->gid = current_egid();
	obj->cgid = obj->gid;
	obj->mode = req->mode;
	obj->ctime = ktime_get_real_seconds();
	refcount_set(&obj->ref, 1);
	obj->ids = ids;

	/* Reserve a slot with no object behind it yet. */
	slot = idr_alloc(&ids->idr, NULL, 0, max, GFP_KERNEL_ACCOUNT);
	if (slot < 0) {
		err = slot == -ENOSPC ? -ENOSPC : -ENOMEM;
		goto free;
	}
	obj->seq = ids->seq;
	obj->id = aixipc_id_make(obj->seq, slot);

	if (req->key != AIXIPC_KEY_PRIVATE) {
		err = rhashtable_insert_fast(&ids->keys, &obj->khash,
					     aixipc_key_params);
		if (err) {
			idr_remove(&ids->idr, slot);
			goto free;
		}
	}

	ids->seq = aixipc_seq_next(ids->seq);
	ids->in_use++;
	/* Each object keeps its registry, even once the namespace is dead. */
	aixipc_ns_get(ids->ns);
	/* Each live object pins the module: nothing is lost by an unload. */
	__module_get(THIS_MODULE);
	idr_replace(&ids->idr, obj, slot);
	req->id = obj->id;
	return 0;

free:
	ids->ops->free(obj);
	aixipc_host_ids_uncharge(ids->kind);
	return err;
}

/**
 * aixipc_get - msgget/semget/shmget
 * @ns: the namespace
 * @req: the request; req->id is set on success
 *
 * Takes and releases ids->rwsem.
 */
int aixipc_get(struct aixipc_ns *ns, struct aixipc_get *req)
{
	u32 flags = AIXIPC_CREAT | AIXIPC_EXCL;
	struct aixipc_ids *ids;
	struct aixipc_obj *obj;
	int err;

	/* Shared memory's own creation flags. */
	if (req->kind == AIXIPC_SHM)
		flags |= AIXIPC_SHM_PIN | AIXIPC_SHM_LGPAGE;
	if (req->kind >= AIXIPC_NR_KINDS || req->__reserved ||
	    (req->flags & ~flags) || (req->mode & ~0777U))
		return -EINVAL;
	ids = &ns->ids[req->kind];
	if (!ids->ops)
		return -EINVAL;

	down_write(&ids->rwsem);
	if (req->key == AIXIPC_KEY_PRIVATE) {
		err = aixipc_create(ids, req);
		goto out;
	}
	obj = rhashtable_lookup_fast(&ids->keys, &req->key, aixipc_key_params);
	if (!obj) {
		err = req->flags & AIXIPC_CREAT ? aixipc_create(ids, req)
						: -ENOENT;
		goto out;
	}
	if ((req->flags & (AIXIPC_CREAT | AIXIPC_EXCL)) ==
	    (AIXIPC_CREAT | AIXIPC_EXCL)) {
		err = -EEXIST;
		goto out;
	}
	/* Objects in the key table are live: removal takes the rwsem. */
	spin_lock(&obj->lock);
	err = aixipc_check_perm(obj, req->mode >> 6 | req->mode >> 3 | req->mode);
	if (!err && ids->ops->reopen)
		err = ids->ops->reopen(obj, req);
	if (!err)
		req->id = obj->id;
	spin_unlock(&obj->lock);
out:
	up_write(&ids->rwsem);
	return err;
}

/**
 * aixipc_obtain_rcu - look up an id without locking
 * @ids: the facility
 * @id: user-visible id
 *
 * For facilities with their own finer locks.  Called under rcu_read_lock(),
 * which keeps the object's memory; the caller locks it and checks
 * obj->deleted (READ_ONCE) itself.
 * Return: the object, or ERR_PTR(-EINVAL) for an id that names nothing.
 */
struct aixipc_obj *aixipc_obtain_rcu(struct aixipc_ids *ids, int id)
{
	struct aixipc_obj *obj;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "needs rcu_read_lock()");
	if (id < 0)
		return ERR_PTR(-EINVAL);
	obj = idr_find(&ids->idr, aixipc_id_slot(id));
	if (!obj || obj->id != id)
		return ERR_PTR(-EINVAL);
	return obj;
}

/*
 * Lock @obj, found under RCU (or an ERR_PTR, returned as is), and leave
 * the RCU section.  Return: the object with obj->lock held, or
 * ERR_PTR(-EIDRM) when it is being removed.
 */
static struct aixipc_obj *aixipc_lock_found(struct aixipc_obj *obj)
{
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "needs rcu_read_lock()");
	if (IS_ERR(obj)) {
		rcu_read_unlock();
		return obj;
	}
	spin_lock(&obj->lock);
	if (obj->deleted) {
		spin_unlock(&obj->lock);
		rcu_read_unlock();
		return ERR_PTR(-EIDRM);
	}
	/* Live and locked: the registry's reference keeps it. */
	rcu_read_unlock();
	return obj;
}

/*
 * Find @id and lock it.  Return: the object with obj->lock held,
 * ERR_PTR(-EINVAL) for an id that names nothing (never used, removed, or
 * reused by a newer object), ERR_PTR(-EIDRM) when it is being removed.
 */
static struct aixipc_obj *aixipc_find_lock(struct aixipc_ids *ids, int id)
{
	rcu_read_lock();
	return aixipc_lock_found(aixipc_obtain_rcu(ids, id));
}

/*
 * Find the object in slot @index and lock it.  Return: as
 * aixipc_find_lock(); ERR_PTR(-EINVAL) for a negative index or a slot with
 * no object.
 */
static struct aixipc_obj *aixipc_find_lock_index(struct aixipc_ids *ids,
						 int index)
{
	struct aixipc_obj *obj;

	if (index < 0)
		return ERR_PTR(-EINVAL);
	rcu_read_lock();
	obj = idr_find(&ids->idr, index);
	return aixipc_lock_found(obj ? obj : ERR_PTR(-EINVAL));
}

/**
 * aixipc_lock_id - look up an id for an operation
 * @ids: the facility
 * @id: user-visible id
 *
 * Return: the object, locked (obj->lock), or an ERR_PTR (-EINVAL, -EIDRM).
 */
struct aixipc_obj *aixipc_lock_id(struct aixipc_ids *ids, int id)
{
	return aixipc_find_lock(ids, id);
}

/**
 * aixipc_lock_stat - look up the object of a *_ctl status command
 * @ids: the facility
 * @cmd: AIXIPC_IPC_STAT (@id is an id), AIXIPC_STAT_INDEX or
 *	 AIXIPC_STAT_INDEX_ANY (@id is a slot)
 * @id: in: the id or slot; out: the object's id
 *
 * The object is found once and its id read under its lock; AIXIPC_IPC_STAT
 * and AIXIPC_STAT_INDEX need read permission, as Linux's IPC_STAT and
 * *_STAT; AIXIPC_STAT_INDEX_ANY needs none, as *_STAT_ANY.
 * Return: the object, locked (obj->lock), or an ERR_PTR (-EINVAL, -EIDRM,
 * -EACCES) with nothing held.
 */
struct aixipc_obj *aixipc_lock_stat(struct aixipc_ids *ids, u32 cmd, s32 *id)
{
	struct aixipc_obj *obj;
	int err = 0;

	if (cmd == AIXIPC_IPC_STAT)
		obj = aixipc_find_lock(ids, *id);
	else
		obj = aixipc_find_lock_index(ids, *id);
	if (IS_ERR(obj))
		return obj;
	if (cmd != AIXIPC_STAT_INDEX_ANY)
		err = aixipc_check_perm(obj, AIXIPC_PERM_READ);
	if (err) {
		spin_unlock(&obj->lock);
		return ERR_PTR(err);
	}
	*id = obj->id;
	return obj;
}

/**
 * aixipc_lock_for_change - look up an id for IPC_SET or IPC_RMID
 * @ids: the facility
 * @id: user-visible id
 *
 * Return: the object with ids->rwsem held for writing and obj->lock held,
 * to be released with aixipc_change_done() or aixipc_rmid(); or an ERR_PTR
 * (-EINVAL, -EIDRM, -EPERM for a caller who is neither owner, creator nor
 * CAP_SYS_ADMIN) with nothing held.
 */
struct aixipc_obj *aixipc_lock_for_change(struct aixipc_ids *ids, int id)
{
	struct aixipc_obj *obj;
	int err;

	down_write(&ids->rwsem);
	obj = aixipc_find_lock(ids, id);
	if (IS_ERR(obj)) {
		up_write(&ids->rwsem);
		return obj;
	}
	err = aixipc_check_owner(obj);
	if (err) {
		spin_unlock(&obj->lock);
		up_write(&ids->rwsem);
		return ERR_PTR(err);
	}
	return obj;
}

/* Release what aixipc_lock_for_change() took. */
void aixipc_change_done(struct aixipc_obj *obj)
{
	aixipc_assert_change(obj);
	spin_unlock(&obj->lock);
	up_write(&obj->ids->rwsem);
}

/**
 * aixipc_rmid - remove an object
 * @obj: locked by aixipc_lock_for_change()
 *
 * Makes the object unreachable, lets the facility wake its waiters with
 * EIDRM and drop its data, releases both locks and the registry's
 * reference.  The memory goes when the last sleeper has let go (module
 * unload waits for that with rcu_barrier()).
 *
 * Return: 0.
 */
int aixipc_rmid(struct aixipc_obj *obj)
{
	struct aixipc_ids *ids = obj->ids;
	struct aixipc_wake wake;

	aixipc_assert_change(obj);
	aixipc_wake_init(&wake);
	WRITE_ONCE(obj->deleted, true);	/* read locklessly by sem.c */
	idr_remove(&ids->idr, aixipc_id_slot(obj->id));
	if (obj->key != AIXIPC_KEY_PRIVATE)
		rhashtable_remove_fast(&ids->keys, &obj->khash,
				       aixipc_key_params);
	ids->in_use--;
	aixipc_host_ids_uncharge(ids->kind);
	ids->ops->destroy(obj, &wake);
	aixipc_change_done(obj);
	aixipc_wake_all(&wake);
	aixipc_obj_put(obj);
	module_put(THIS_MODULE);
	return 0;
}

/**
 * aixipc_make_private - take an object out of the key table
 * @obj: locked by aixipc_lock_for_change()
 *
 * For a segment removed while attached: it stays reachable by id but its
 * key now reads as private, so a get of that key makes a new object.
 */
void aixipc_make_private(struct aixipc_obj *obj)
{
	aixipc_assert_change(obj);
	if (obj->key == AIXIPC_KEY_PRIVATE)
		return;
	rhashtable_remove_fast(&obj->ids->keys, &obj->khash, aixipc_key_params);
	obj->key = AIXIPC_KEY_PRIVATE;
}

#define AIXIPC_LIST_BATCH 32

/* The fields of an AIXIPC_IOC_LIST request that any namespace's walk checks. */
int aixipc_list_check(const struct aixipc_list *req)
{
	if (req->kind >= AIXIPC_NR_KINDS || req->flags ||
	    req->entry_size < AIXIPC_LIST_ENTRY_SIZE_V1)
		return -EINVAL;
	return 0;
}

/**
 * aixipc_list - AIXIPC_IOC_LIST: enumerate objects from a cursor
 * @ns: the namespace
 * @req: the request; cursor and count are updated
 *
 * Walks the idr under RCU from the cursor slot, a batch at a time, copying
 * each batch out with no lock held, so a full walk is linear in the number
 * of objects and never blocks creation or removal for long.  At the end
 * the cursor is AIXIPC_MAX_SLOTS and further calls return no entries.
 */
int aixipc_list(struct aixipc_ns *ns, struct aixipc_list *req)
{
	struct aixipc_list_entry *batch;
	struct aixipc_ids *ids;
	u8 __user *out = u64_to_user_ptr(req->entries);
	size_t esz;
	u32 filled = 0;
	bool end = false;
	int err;

	err = aixipc_list_check(req);
	if (err)
		return err;
	if (req->cursor > AIXIPC_MAX_SLOTS)
		return -EINVAL;
	ids = &ns->ids[req->kind];
	/* What the caller's entry has room for: with ns or without. */
	esz = min_t(size_t, req->entry_size, sizeof(*batch));

	batch = kmalloc_array(AIXIPC_LIST_BATCH, sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	while (!end && filled < req->count) {
		u32 want = min_t(u32, req->count - filled, AIXIPC_LIST_BATCH);
		u32 n = 0, i;
		int slot = req->cursor;
		struct aixipc_obj *obj;

		rcu_read_lock();
		while (n < want) {
			obj = idr_get_next(&ids->idr, &slot);
			if (!obj) {
				end = true;
				slot = AIXIPC_MAX_SLOTS;
				break;
			}
			spin_lock(&obj->lock);
			if (!obj->deleted) {
				memset(&batch[n], 0, sizeof(*batch));
				batch[n].kind = req->kind;
				batch[n].id = obj->id;
				batch[n].ns = ns->inum;
				ids->ops->fill(obj, &batch[n]);
				n++;
			}
			spin_unlock(&obj->lock);
			slot++;
		}
		rcu_read_unlock();

		for (i = 0; i < n; i++) {
			u8 __user *dst = out + (size_t)(filled + i) * req->entry_size;

			if (copy_to_user(dst, &batch[i], esz) ||
			    clear_user(dst + esz, req->entry_size - esz)) {
				err = -EFAULT;
				goto done;
			}
		}
		filled += n;
		req->cursor = slot;
	}
done:
	kfree(batch);
	req->count = filled;
	return err;
}

/**
 * aixipc_info - AIXIPC_IOC_INFO: a facility's totals
 * @ns: the namespace
 * @req: the request; the totals are filled in
 *
 * Walks the idr under RCU, taking each object's lock in turn, and leaves
 * the RCU section every AIXIPC_LIST_BATCH objects to let others run, so a
 * million objects never make one long critical section.  The totals are a
 * snapshot per object, not of the whole set at one instant, as for Linux's
 * *_INFO.  Takes no sleeping lock.
 */
int aixipc_info(struct aixipc_ns *ns, struct aixipc_info *req)
{
	struct aixipc_ids *ids;
	struct aixipc_obj *obj;
	unsigned int seen = 0;
	int slot = 0;

	if (req->kind >= AIXIPC_NR_KINDS || req->flags)
		return -EINVAL;
	ids = &ns->ids[req->kind];
	if (!ids->ops)
		return -EINVAL;

	req->in_use = 0;
	req->max_slot = -1;
	req->count = 0;
	req->bytes = 0;
	req->rss = 0;
	req->swapped = 0;
	rcu_read_lock();
	while ((obj = idr_get_next(&ids->idr, &slot))) {
		spin_lock(&obj->lock);
		if (!obj->deleted) {
			req->in_use++;
			req->max_slot = slot;
			if (ids->ops->info)
				ids->ops->info(obj, req);
		}
		spin_unlock(&obj->lock);
		slot++;
		if (++seen % AIXIPC_LIST_BATCH == 0) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	return 0;
}
