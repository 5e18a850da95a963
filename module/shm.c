// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory segments with AIX semantics.
 *
 * Backing: every segment is an unlinked shmem file (shmem_file_setup(), as
 * Linux's own segments), created with VM_NORESERVE so pages are allocated
 * on first touch and a segment may be far larger than memory.
 *
 * Mapping: an attach is an mmap() of /dev/aixipc at offset (id << page
 * shift), made by AIXIPC_IOC_SHMAT with vm_mmap() or by the caller itself.
 * aixipc_shm_mmap() checks the rules, then turns the VMA into a mapping of
 * the segment's shmem file (vma_set_file(), shmem's own ->mmap) and wraps
 * shmem's vm_ops, as Linux's ipc/shm.c does.  So the pages are ordinary
 * shmem page cache pages in a VMA on that file's rmap tree: process-shared
 * futexes key on them, reclaim can swap them, migration and compaction can
 * move them, and truncation (SHM_SIZE shrinking) unmaps them from every
 * attachment.  Inserting pages into a device VMA with vm_insert_page()
 * instead would pin them (no swap, no migration) and leave truncation to
 * track every mapping by hand.  The choice is documented in
 * Documentation/aixipc.rst, "Shared memory".
 *
 * Locking:
 *  - seg->obj.lock guards every field below marked [lock]; the registry's
 *    rules (ids.h) apply to the object itself.
 *  - seg->mutex serialises the slow, sleeping changes (SHM_SIZE, SHM_LOCK,
 *    SHM_UNLOCK), so two of them never interleave their steps, and keeps
 *    the size still while AIXIPC_IOC_SHMAT maps it.  Order: seg->mutex,
 *    then ids->rwsem, then obj.lock; seg->mutex, then the shmem inode's
 *    lock; seg->mutex, then mmap_lock.  Nothing takes seg->mutex with any
 *    of those held.
 *  - The VMA hooks run with the caller's mmap_lock held.  open/mmap take
 *    only obj.lock; close takes ids->rwsem when it must remove a destroyed
 *    segment, so the order mmap_lock -> ids->rwsem is fixed: nothing may
 *    fault on user memory or take mmap_lock while holding ids->rwsem.
 *  - Each VMA holds a reference on its segment and one on the module
 *    (taken by mmap/open, dropped by close): a mapping never outlives the
 *    segment's memory, and its vm_ops never outlive the module, even after
 *    the last detach removed the segment (the VMA's file is shmem's, which
 *    does not pin this module as /dev/aixipc would).
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#include "aixipc.h"
#include "compat.h"
#include "shm.h"

struct aixipc_shm {
	struct aixipc_obj obj;
	struct file *file;		/* the shmem backing; constant */
	struct mutex mutex;		/* serialises resize and lock changes */
	u64 segsz;			/* [lock] bytes */
	u64 charged;			/* [lock] pages counted against shmall */
	u64 map_max;			/* [lock] longest attachment made */
	u64 nattch;			/* [lock] mappings (pieces) alive */
	struct pid *cpid;		/* constant; a reference */
	struct pid *lpid;		/* [lock] last attach or detach */
	time64_t atime;			/* [lock] */
	time64_t dtime;			/* [lock] */
	bool dest;			/* [lock] removed, waits for last detach */
	bool locked;			/* [lock] SHM_LOCK in force */
	kuid_t lock_uid;		/* [lock] who is charged for it */
	u64 lock_pages;			/* [lock] how much */
	/* shmem's vm_ops for the file, set by the first attach */
	const struct vm_operations_struct *shmem_ops;
};

static inline struct aixipc_shm *to_shm(struct aixipc_obj *obj)
{
	return container_of(obj, struct aixipc_shm, obj);
}

/* Reserve @pages against shmall.  Return: false when that would pass it. */
static bool aixipc_shm_charge(struct aixipc_ns *ns, u64 pages)
{
	u64 total = atomic64_add_return(pages, &ns->shm_pages);

	if (total > aixipc_limits.shmall) {
		atomic64_sub(pages, &ns->shm_pages);
		return false;
	}
	return true;
}

static void aixipc_shm_uncharge(struct aixipc_ns *ns, u64 pages)
{
	atomic64_sub(pages, &ns->shm_pages);
}

/* A mapping of @seg appeared (attach, fork, split).  obj.lock held. */
static void aixipc_shm_attached(struct aixipc_shm *seg)
{
	seg->nattch++;
	aixipc_set_pid(&seg->lpid, task_tgid(current));
	seg->atime = ktime_get_real_seconds();
}

/* Record a detach by the current process.  obj.lock held. */
static void aixipc_shm_detached(struct aixipc_shm *seg, bool record)
{
	seg->nattch--;
	if (record) {
		aixipc_set_pid(&seg->lpid, task_tgid(current));
		seg->dtime = ktime_get_real_seconds();
	}
}

/*
 * A mapping of @seg went away (@record: a real detach, not an attach that
 * failed half-way).  If it was the last one of a segment that IPC_RMID
 * destroyed, remove the segment for good.  Called with no aixipc lock held
 * (mmap_lock may be held); takes obj.lock, and ids->rwsem only for that
 * removal.
 */
static void aixipc_shm_detach(struct aixipc_shm *seg, bool record)
{
	struct aixipc_obj *obj = &seg->obj;
	struct aixipc_ids *ids = obj->ids;
	bool last;

	spin_lock(&obj->lock);
	last = seg->nattch == 1 && seg->dest;
	if (!last) {
		aixipc_shm_detached(seg, record);
		spin_unlock(&obj->lock);
		return;
	}
	spin_unlock(&obj->lock);

	/* Removal needs the rwsem, which comes before obj.lock. */
	down_write(&ids->rwsem);
	spin_lock(&obj->lock);
	aixipc_shm_detached(seg, record);
	if (!seg->nattch && seg->dest && !obj->deleted) {
		aixipc_rmid(obj);	/* releases both locks */
		return;
	}
	spin_unlock(&obj->lock);
	up_write(&ids->rwsem);
}

static void aixipc_shm_vm_open(struct vm_area_struct *vma)
{
	struct aixipc_shm *seg = vma->vm_private_data;

	__module_get(THIS_MODULE);
	aixipc_obj_get(&seg->obj);
	spin_lock(&seg->obj.lock);
	aixipc_shm_attached(seg);
	spin_unlock(&seg->obj.lock);
}

static void aixipc_shm_vm_close(struct vm_area_struct *vma)
{
	struct aixipc_shm *seg = vma->vm_private_data;

	aixipc_shm_detach(seg, true);
	aixipc_obj_put(&seg->obj);
	module_put(THIS_MODULE);	/* last: see the locking notes */
}

/* Moving an attachment is refused (growing one already is: VM_DONTEXPAND). */
static int aixipc_shm_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static vm_fault_t aixipc_shm_vm_fault(struct vm_fault *vmf)
{
	struct aixipc_shm *seg = vmf->vma->vm_private_data;

	return seg->shmem_ops->fault(vmf);
}

static vm_fault_t aixipc_shm_vm_map_pages(struct vm_fault *vmf,
					  pgoff_t start, pgoff_t end)
{
	struct aixipc_shm *seg = vmf->vma->vm_private_data;

	if (!seg->shmem_ops->map_pages)
		return 0;
	return seg->shmem_ops->map_pages(vmf, start, end);
}

/*
 * shmem's vm_ops, wrapped to count attachments.  No NUMA policy hooks:
 * mbind() on an attachment sets the VMA's policy, which the segment's
 * shared page cache does not consult (documented).
 */
static const struct vm_operations_struct aixipc_shm_vm_ops = {
	.open = aixipc_shm_vm_open,
	.close = aixipc_shm_vm_close,
	.mremap = aixipc_shm_vm_mremap,
	.fault = aixipc_shm_vm_fault,
	.map_pages = aixipc_shm_vm_map_pages,
};

/**
 * aixipc_shm_mmap - attach: mmap() of /dev/aixipc at offset id << PAGE_SHIFT
 * @ns: the namespace
 * @vma: the new mapping (mmap_lock held for writing)
 *
 * Needs a shared mapping no longer than the segment (page-rounded), read
 * permission, and write permission for a writable mapping.  A mapping made
 * without PROT_WRITE can never gain it (SHM_RDONLY).
 *
 * Return: 0, -EINVAL (bad id, private mapping, too long), -EIDRM, -EACCES.
 */
int aixipc_shm_mmap(struct aixipc_ns *ns, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;
	bool write = vma->vm_flags & VM_WRITE;
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	int err;

	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff > INT_MAX)
		return -EINVAL;
	/* MAP_SHARED of a device opened without write access. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EACCES;

	obj = aixipc_lock_id(&ns->ids[AIXIPC_SHM], (int)vma->vm_pgoff);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	seg = to_shm(obj);
	err = aixipc_check_perm(obj, write ? 06 : 04);
	if (!err && len > PAGE_ALIGN(seg->segsz))
		err = -EINVAL;
	if (err) {
		spin_unlock(&obj->lock);
		return err;
	}
	/* Counted now, so IPC_RMID cannot free the segment under us. */
	aixipc_obj_get(obj);
	aixipc_shm_attached(seg);
	seg->map_max = max_t(u64, seg->map_max, len);
	spin_unlock(&obj->lock);

	aixipc_vm_flags_mod(vma, VM_DONTEXPAND, write ? 0 : VM_MAYWRITE);
	vma_set_file(vma, seg->file);
	vma->vm_pgoff = 0;
	err = call_mmap(seg->file, vma);
	if (err) {
		aixipc_shm_detach(seg, false);
		aixipc_obj_put(obj);
		return err;
	}
	__module_get(THIS_MODULE);	/* the mapping's, as in vm_open */
	WRITE_ONCE(seg->shmem_ops, vma->vm_ops);
	vma->vm_private_data = seg;
	vma->vm_ops = &aixipc_shm_vm_ops;
	return 0;
}

/*
 * Hold @seg for a slow operation: a reference, then seg->mutex.  Called
 * with obj.lock held, which it releases.  Return: 0, or -EINTR with
 * nothing held.
 */
static int aixipc_shm_hold(struct aixipc_shm *seg)
{
	aixipc_obj_get(&seg->obj);
	spin_unlock(&seg->obj.lock);
	if (mutex_lock_killable(&seg->mutex)) {
		aixipc_obj_put(&seg->obj);
		return -EINTR;
	}
	return 0;
}

/* Undo aixipc_shm_hold(). */
static void aixipc_shm_release(struct aixipc_shm *seg)
{
	mutex_unlock(&seg->mutex);
	aixipc_obj_put(&seg->obj);
}

/**
 * aixipc_shmat - AIXIPC_IOC_SHMAT
 * @dev: the caller's open /dev/aixipc, mapped through vm_mmap()
 * @ns: the namespace
 * @req: the request; addr and size are set on success
 *
 * Holds seg->mutex across the mapping, so a concurrent SHM_SIZE cannot
 * change the size between sizing the mapping and aixipc_shm_mmap()
 * re-checking it under mmap_lock (order: seg->mutex, then mmap_lock).
 * A given address is used exactly: an overlap with an existing mapping is
 * EINVAL, unless SHM_REMAP asks to replace it.
 */
int aixipc_shmat(struct file *dev, struct aixipc_ns *ns,
		 struct aixipc_shmat *req)
{
	bool rdonly = req->flags & AIXIPC_SHM_RDONLY;
	unsigned long prot = PROT_READ, mflags = MAP_SHARED, ret;
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	u64 addr, len;
	int err;

	if (req->flags & ~(AIXIPC_SHM_RDONLY | AIXIPC_SHM_RND |
			   AIXIPC_SHM_REMAP))
		return -EINVAL;
	err = aixipc_shm_attach_addr(req->addr, req->flags, &addr);
	if (err)
		return err;

	obj = aixipc_lock_id(&ns->ids[AIXIPC_SHM], req->id);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	err = aixipc_check_perm(obj, rdonly ? 04 : 06);
	seg = to_shm(obj);
	if (err) {
		spin_unlock(&obj->lock);
		return err;
	}
	err = aixipc_shm_hold(seg);
	if (err)
		return err;
	spin_lock(&obj->lock);
	len = PAGE_ALIGN(seg->segsz);
	spin_unlock(&obj->lock);

	if (!rdonly)
		prot |= PROT_WRITE;
	if (addr) {
		mflags |= req->flags & AIXIPC_SHM_REMAP ? MAP_FIXED
							: MAP_FIXED_NOREPLACE;
	}
	if (addr && addr + len < addr)
		ret = -EINVAL;
	else
		ret = vm_mmap(dev, addr, len, prot, mflags,
			      (unsigned long)req->id << PAGE_SHIFT);
	aixipc_shm_release(seg);
	if (IS_ERR_VALUE(ret))
		return ret == -EEXIST ? -EINVAL : (int)ret;
	req->addr = ret;
	req->size = len;
	return 0;
}

/* What aixipc_shm_scan() finds of an attachment. */
struct aixipc_shm_span {
	unsigned long last_start, last_stop;	/* its last piece */
	u64 bytes;				/* in all its pieces */
	bool foreign;	/* other mappings lie between its pieces */
};

/*
 * Find the pieces, at or after @base and before @end, of the attachment
 * of @seg that starts at @base: VMAs of ours on that segment whose file
 * offset equals their distance from @base.  Takes mmap_lock for reading.
 * Return: false when there is no piece.
 */
static bool aixipc_shm_scan(struct mm_struct *mm, struct aixipc_shm *seg,
			    unsigned long base, unsigned long end,
			    struct aixipc_shm_span *span)
{
	struct vm_area_struct *vma;
	bool found = false, other = false;

	span->bytes = 0;
	span->foreign = false;
	mmap_read_lock(mm);
	for (vma = find_vma(mm, base); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (vma->vm_ops == &aixipc_shm_vm_ops &&
		    vma->vm_private_data == seg &&
		    vma->vm_pgoff == (vma->vm_start - base) >> PAGE_SHIFT) {
			span->last_start = vma->vm_start;
			span->last_stop = vma->vm_end;
			span->bytes += vma->vm_end - vma->vm_start;
			span->foreign |= other;
			found = true;
		} else {
			other = true;	/* foreign if a piece follows */
		}
	}
	mmap_read_unlock(mm);
	return found;
}

/**
 * aixipc_shmdt - AIXIPC_IOC_SHMDT: unmap the attachment starting at addr
 * @ns: the namespace
 * @req: the request; size is set to the bytes unmapped
 *
 * The attachment may have been split into pieces (mprotect, munmap); all
 * of them go.  Normally with one vm_munmap() over them, which either
 * succeeds or changes nothing.  If the caller mapped something else in a
 * hole between pieces, they go one by one, the last first: should one
 * fail (ENOMEM), the piece at addr is still there and a retry finishes the
 * job.  The pieces are found under mmap_lock and unmapped with
 * vm_munmap(), which takes it again: a thread of the caller that remaps
 * the same addresses in between races shmdt as it would race munmap.
 *
 * Return: 0, -EINVAL when addr is not where an attachment starts, or what
 * vm_munmap() returns.
 */
int aixipc_shmdt(struct aixipc_ns *ns, struct aixipc_shmdt *req)
{
	struct mm_struct *mm = current->mm;
	unsigned long base = req->addr, end;
	struct aixipc_shm_span span;
	struct vm_area_struct *vma;
	struct aixipc_shm *seg;
	u64 done = 0;
	int err = 0;

	if (!mm || (base & ~PAGE_MASK))
		return -EINVAL;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = find_vma(mm, base);
	if (!vma || vma->vm_start != base ||
	    vma->vm_ops != &aixipc_shm_vm_ops || vma->vm_pgoff) {
		mmap_read_unlock(mm);
		return -EINVAL;
	}
	seg = vma->vm_private_data;
	aixipc_obj_get(&seg->obj);	/* so the pointer stays unique */
	spin_lock(&seg->obj.lock);
	end = base + seg->map_max;
	spin_unlock(&seg->obj.lock);
	mmap_read_unlock(mm);
	if (end < base)
		end = ULONG_MAX;

	while (aixipc_shm_scan(mm, seg, base, end, &span)) {
		if (!span.foreign) {
			err = vm_munmap(base, span.last_stop - base);
			if (!err)
				done += span.bytes;
			break;
		}
		err = vm_munmap(span.last_start,
				span.last_stop - span.last_start);
		if (err)
			break;
		done += span.last_stop - span.last_start;
		end = span.last_start;
	}
	aixipc_obj_put(&seg->obj);
	req->size = done;
	return err;
}

/* Fill a status block; obj.lock held. */
static void aixipc_shm_fill_ds(struct aixipc_shm *seg,
			       struct aixipc_shmid_ds *ds)
{
	struct inode *inode = file_inode(seg->file);

	memset(ds, 0, sizeof(*ds));
	aixipc_fill_perm(&seg->obj, &ds->perm);
	ds->segsz = seg->segsz;
	ds->lpid = pid_vnr(seg->lpid);
	ds->cpid = pid_vnr(seg->cpid);
	ds->nattch = seg->nattch;
	ds->atime = seg->atime;
	ds->dtime = seg->dtime;
	ds->ctime = seg->obj.ctime;
	ds->rss = READ_ONCE(inode->i_mapping->nrpages);
	ds->swapped = READ_ONCE(SHMEM_I(inode)->swapped);
	if (seg->dest)
		ds->status |= AIXIPC_SHM_DEST;
	if (seg->locked)
		ds->status |= AIXIPC_SHM_LOCKED;
}

/*
 * Set the shmem file's size.  Shrinking drops the pages past the new end
 * from the page cache and from every attachment (what shmem_setattr()
 * does), so a touch there raises SIGBUS; the tail of a partial last page
 * is zeroed.  Called with seg->mutex held.
 */
static void aixipc_shm_set_file_size(struct aixipc_shm *seg, u64 size, u64 old)
{
	struct inode *inode = file_inode(seg->file);
	loff_t hole = round_up(size, PAGE_SIZE);

	inode_lock(inode);
	i_size_write(inode, size);
	if (size < old) {
		unmap_mapping_range(inode->i_mapping, hole, 0, 1);
		shmem_truncate_range(inode, size, (loff_t)-1);
		unmap_mapping_range(inode->i_mapping, hole, 0, 1);
	}
	inode_unlock(inode);
}

/*
 * SHM_SIZE: give a segment a new size.  Attachments keep their length;
 * whatever of it lies past the new size raises SIGBUS.  A larger size
 * takes effect once the file has grown, a smaller one before the file
 * shrinks, so an attach never maps past the file's end.
 */
static int aixipc_shm_resize(struct aixipc_ns *ns, int id, u64 size)
{
	struct aixipc_ids *ids = &ns->ids[AIXIPC_SHM];
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	u64 old, pages;
	int err = 0;

	if (!aixipc_shm_size_ok(size, aixipc_limits.shmmin,
				aixipc_limits.shmmax))
		return -EINVAL;
	obj = aixipc_lock_id(ids, id);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	seg = to_shm(obj);
	err = aixipc_shm_hold(seg);
	if (err)
		return err;
	obj = aixipc_lock_for_change(ids, id);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out;
	}
	old = seg->segsz;
	pages = aixipc_shm_pages(size);
	if (pages > seg->charged &&
	    !aixipc_shm_charge(ns, pages - seg->charged)) {
		aixipc_change_done(obj);
		err = -ENOSPC;
		goto out;
	}
	if (pages < seg->charged)
		aixipc_shm_uncharge(ns, seg->charged - pages);
	seg->charged = pages;
	if (size < old)
		seg->segsz = size;
	obj->ctime = ktime_get_real_seconds();
	aixipc_change_done(obj);

	aixipc_shm_set_file_size(seg, size, old);
	if (size > old) {
		spin_lock(&obj->lock);
		seg->segsz = size;
		spin_unlock(&obj->lock);
	}
out:
	aixipc_shm_release(seg);
	return err;
}

/*
 * Put the folios of an unlocked segment back on the evictable LRU lists
 * (what shmem_unlock_mapping() does for Linux's SHM_UNLOCK).
 */
static void aixipc_shm_make_evictable(struct address_space *mapping)
{
	struct folio_batch fbatch;
	pgoff_t index = 0;

	folio_batch_init(&fbatch);
	while (!mapping_unevictable(mapping) &&
	       filemap_get_folios(mapping, &index, ~0UL, &fbatch)) {
		check_move_unevictable_folios(&fbatch);
		folio_batch_release(&fbatch);
		cond_resched();
	}
}

/*
 * Pages locked by SHM_LOCK, per user (the locker's effective uid), held
 * against RLIMIT_MEMLOCK as Linux counts a user's locked segments.  Index:
 * the kuid's value; entry: xa_mk_value(pages).  Changed under the xarray's
 * lock with the segment's obj.lock held (order: obj.lock, then xa_lock).
 */
static DEFINE_XARRAY(aixipc_shm_locked);

/*
 * Charge @pages to @uid.  With @enforce, fail with -ENOMEM when the user's
 * total would pass @limit bytes.  Called in process context.
 */
static int aixipc_shm_lock_charge(kuid_t uid, u64 pages, unsigned long limit,
				  bool enforce)
{
	unsigned long idx = __kuid_val(uid);
	u64 cur;
	void *entry;
	int err = 0;

	xa_lock(&aixipc_shm_locked);
	entry = xa_load(&aixipc_shm_locked, idx);
	cur = entry ? xa_to_value(entry) : 0;
	if (enforce && limit != RLIM_INFINITY &&
	    cur + pages > (limit >> PAGE_SHIFT))
		err = -ENOMEM;
	else
		err = xa_err(__xa_store(&aixipc_shm_locked, idx,
					xa_mk_value(cur + pages), GFP_ATOMIC));
	xa_unlock(&aixipc_shm_locked);
	return err;
}

static void aixipc_shm_lock_uncharge(kuid_t uid, u64 pages)
{
	unsigned long idx = __kuid_val(uid);
	void *entry;
	u64 cur;

	xa_lock(&aixipc_shm_locked);
	entry = xa_load(&aixipc_shm_locked, idx);
	cur = entry ? xa_to_value(entry) : 0;
	if (cur <= pages)
		__xa_erase(&aixipc_shm_locked, idx);
	else	/* replaces an entry: allocates nothing */
		__xa_store(&aixipc_shm_locked, idx, xa_mk_value(cur - pages),
			   GFP_ATOMIC);
	xa_unlock(&aixipc_shm_locked);
}

/* The segment no longer counts as locked.  obj.lock held. */
static void aixipc_shm_unlock_locked(struct aixipc_shm *seg)
{
	if (!seg->locked)
		return;
	aixipc_shm_lock_uncharge(seg->lock_uid, seg->lock_pages);
	seg->locked = false;
}

/*
 * SHM_LOCK / SHM_UNLOCK, with Linux's rules: CAP_IPC_LOCK, or the owner
 * or creator with a non-zero RLIMIT_MEMLOCK that the user's locked
 * segments, this one included, fit in.  A locked segment's mapping is
 * unevictable: its pages stay in memory.  seg->mutex orders the mapping
 * flag changes of concurrent calls.
 */
static int aixipc_shm_lock(struct aixipc_ns *ns, int id, bool lock)
{
	struct aixipc_ids *ids = &ns->ids[AIXIPC_SHM];
	bool cap = ns_capable(ns->user_ns, CAP_IPC_LOCK);
	unsigned long limit = rlimit(RLIMIT_MEMLOCK);
	struct address_space *mapping;
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	int err = 0;

	obj = aixipc_lock_id(ids, id);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	seg = to_shm(obj);
	if (!cap && aixipc_check_owner(obj))
		err = -EPERM;
	else if (!cap && lock && !limit)
		err = -EPERM;
	if (err) {
		spin_unlock(&obj->lock);
		return err;
	}
	err = aixipc_shm_hold(seg);
	if (err)
		return err;
	obj = aixipc_lock_id(ids, id);
	if (IS_ERR(obj)) {
		err = PTR_ERR(obj);
		goto out;
	}
	if (lock && !seg->locked) {
		u64 pages = aixipc_shm_pages(seg->segsz);

		err = aixipc_shm_lock_charge(current_euid(), pages, limit, !cap);
		if (!err) {
			seg->locked = true;
			seg->lock_uid = current_euid();
			seg->lock_pages = pages;
		}
	} else if (!lock) {
		aixipc_shm_unlock_locked(seg);
	}
	spin_unlock(&obj->lock);
	if (err)
		goto out;

	mapping = seg->file->f_mapping;
	if (lock) {
		mapping_set_unevictable(mapping);
	} else {
		mapping_clear_unevictable(mapping);
		aixipc_shm_make_evictable(mapping);
	}
out:
	aixipc_shm_release(seg);
	return err;
}

/* IPC_RMID.  @obj is locked by aixipc_lock_for_change(); releases it. */
static int aixipc_shm_rmid(struct aixipc_obj *obj)
{
	struct aixipc_shm *seg = to_shm(obj);

	if (!seg->nattch)
		return aixipc_rmid(obj);
	/* Freed at the last detach; until then it is found only by id. */
	seg->dest = true;
	aixipc_make_private(obj);
	obj->ctime = ktime_get_real_seconds();
	aixipc_change_done(obj);
	return 0;
}

/**
 * aixipc_shmctl - AIXIPC_IOC_SHMCTL
 * @ns: the namespace
 * @req: the request
 *
 * STAT and GETLBA take obj.lock; SET, RMID and PAGESIZE the registry's
 * rwsem too; SIZE, LOCK and UNLOCK also sleep under seg->mutex.
 */
int aixipc_shmctl(struct aixipc_ns *ns, struct aixipc_shmctl *req)
{
	struct aixipc_ids *ids = &ns->ids[AIXIPC_SHM];
	struct aixipc_obj *obj;
	int err;

	switch (req->cmd) {
	case AIXIPC_IPC_STAT:
	case AIXIPC_SHM_GETLBA:
		obj = aixipc_lock_id(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		err = aixipc_check_perm(obj, 04);
		if (!err && req->cmd == AIXIPC_IPC_STAT)
			aixipc_shm_fill_ds(to_shm(obj), &req->ds);
		else if (!err)
			req->value = PAGE_SIZE;
		spin_unlock(&obj->lock);
		return err;

	case AIXIPC_IPC_SET:
		if (req->ds.__reserved)
			return -EINVAL;
		obj = aixipc_lock_for_change(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		err = aixipc_set_perm(obj, &req->ds.perm);
		aixipc_change_done(obj);
		return err;

	case AIXIPC_IPC_RMID:
		obj = aixipc_lock_for_change(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		return aixipc_shm_rmid(obj);

	case AIXIPC_SHM_SIZE:
		return aixipc_shm_resize(ns, req->id, req->value);

	case AIXIPC_SHM_LOCK:
	case AIXIPC_SHM_UNLOCK:
		return aixipc_shm_lock(ns, req->id, req->cmd == AIXIPC_SHM_LOCK);

	case AIXIPC_SHM_PAGESIZE:
		/* Only the base page size exists here (documented). */
		obj = aixipc_lock_for_change(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		err = req->value == PAGE_SIZE ? 0 : -EINVAL;
		aixipc_change_done(obj);
		return err;
	}
	return -EINVAL;
}

/* Called with ids->rwsem held for writing. */
static struct aixipc_obj *aixipc_shm_alloc(struct aixipc_ids *ids,
					   const struct aixipc_get *req)
{
	u64 pages = aixipc_shm_pages(req->size);
	struct aixipc_shm *seg;
	struct file *file;
	char name[16];

	if (!aixipc_shm_size_ok(req->size, aixipc_limits.shmmin,
				aixipc_limits.shmmax))
		return ERR_PTR(-EINVAL);
	seg = kzalloc(sizeof(*seg), GFP_KERNEL_ACCOUNT);
	if (!seg)
		return ERR_PTR(-ENOMEM);
	if (!aixipc_shm_charge(ids->ns, pages)) {
		kfree(seg);
		return ERR_PTR(-ENOSPC);
	}
	/* The name /proc/PID/maps shows, as Linux's "/SYSV%08x". */
	snprintf(name, sizeof(name), "SYSV%08x", (u32)req->key);
	file = shmem_file_setup(name, req->size, VM_NORESERVE);
	if (IS_ERR(file)) {
		aixipc_shm_uncharge(ids->ns, pages);
		kfree(seg);
		return ERR_CAST(file);
	}
	seg->file = file;
	mutex_init(&seg->mutex);
	seg->segsz = req->size;
	seg->charged = pages;
	seg->cpid = get_pid(task_tgid(current));
	return &seg->obj;
}

/* shmget of an existing segment: no larger than it is.  obj->lock held. */
static int aixipc_shm_reopen(struct aixipc_obj *obj,
			     const struct aixipc_get *req)
{
	return req->size > to_shm(obj)->segsz ? -EINVAL : 0;
}

/*
 * Removal: no attachment is left (IPC_RMID waits for the last detach), so
 * only the shmall and lock charges go now; the pages go with the file.
 */
static void aixipc_shm_destroy(struct aixipc_obj *obj, struct aixipc_wake *wake)
{
	struct aixipc_shm *seg = to_shm(obj);

	aixipc_shm_uncharge(obj->ids->ns, seg->charged);
	seg->charged = 0;
	aixipc_shm_unlock_locked(seg);
}

/* Last reference gone (after RCU, or a failed create): drop the file. */
static void aixipc_shm_free(struct aixipc_obj *obj)
{
	struct aixipc_shm *seg = to_shm(obj);

	aixipc_shm_uncharge(obj->ids->ns, seg->charged);
	put_pid(seg->cpid);
	put_pid(seg->lpid);
	fput(seg->file);
	mutex_destroy(&seg->mutex);
	kfree(seg);
}

static void aixipc_shm_fill(struct aixipc_obj *obj, struct aixipc_list_entry *e)
{
	aixipc_shm_fill_ds(to_shm(obj), &e->shm);
}

static void aixipc_shm_info(struct aixipc_obj *obj, struct aixipc_info *info)
{
	struct aixipc_shm *seg = to_shm(obj);
	struct inode *inode = file_inode(seg->file);

	info->count += aixipc_shm_pages(seg->segsz);
	info->rss += READ_ONCE(inode->i_mapping->nrpages);
	info->swapped += READ_ONCE(SHMEM_I(inode)->swapped);
}

static u64 aixipc_shm_max_ids(void)
{
	return aixipc_limits.shmmni;
}

const struct aixipc_kind_ops aixipc_shm_ops = {
	.alloc = aixipc_shm_alloc,
	.reopen = aixipc_shm_reopen,
	.destroy = aixipc_shm_destroy,
	.free = aixipc_shm_free,
	.fill = aixipc_shm_fill,
	.info = aixipc_shm_info,
	.max_ids = aixipc_shm_max_ids,
};
