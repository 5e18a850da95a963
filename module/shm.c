// SPDX-License-Identifier: GPL-2.0
/*
 * Shared memory segments with AIX semantics.
 *
 * Backing: every segment is an unlinked shmem file (shmem_file_setup(), as
 * Linux's own segments), created with VM_NORESERVE so pages are allocated
 * on first touch and a segment may be far larger than memory.
 *
 * Mapping: every attach gets a file of its own, an "attach file"
 * (aixipc_shm_file_open(); Linux's ipc/shm.c does the same): a second file
 * on the segment's shmem inode, opened read-only for a read-only attach
 * and read-write only for a writable one, whose ->mmap is
 * aixipc_shm_file_mmap() and whose private_data is the segment (with a
 * reference).  AIXIPC_IOC_SHMAT maps it with vm_mmap(); an mmap() of
 * /dev/aixipc at offset (id << page shift) makes one and puts it in the
 * VMA (vma_set_file()).  Every VMA of an attach has its attach file as
 * vm_file, so whatever maps vm_file again (remap_file_pages(), which calls
 * do_mmap() on it) comes back to aixipc_shm_file_mmap(): the mapping gets
 * no more access than the attach had (do_mmap() itself refuses
 * VM_MAYWRITE without FMODE_WRITE), is checked against the segment as it
 * is now (removed, permissions, size) and is counted in nattch.
 * aixipc_shm_file_mmap() hands the VMA to shmem's own ->mmap and wraps
 * shmem's vm_ops, as Linux's ipc/shm.c does.  So the pages are ordinary
 * shmem page cache pages in a VMA on that inode's rmap tree: process-shared
 * futexes key on them, reclaim can swap them, migration and compaction can
 * move them, and truncation (SHM_SIZE shrinking) unmaps them from every
 * attachment.  Inserting pages into a device VMA with vm_insert_page()
 * instead would pin them (no swap, no migration) and leave truncation to
 * track every mapping by hand.  The choice is documented in
 * Documentation/aixipc.rst, "Shared memory".
 *
 * Pinned segments (AIXIPC_SHM_PIN) are the exception that pays for it: at
 * shmget every page is allocated and a reference to each is kept in
 * seg->pages, the mapping is unevictable, and the whole is charged as
 * SHM_LOCK charges.  AIXIPC_IOC_SHMAT then maps the whole segment with
 * vm_insert_pages() under seg->mutex (aixipc_shm_prefault()): the same
 * shmem pages, in the same VMA on the inode's rmap tree, so truncation,
 * futexes, fork (a VM_MIXEDMAP VMA's entries are copied) and detach work
 * as for any attachment, and the program takes no page fault on it.
 * Large-page segments (AIXIPC_SHM_LGPAGE, or SHM_PAGESIZE of a huge page
 * before the first attach) live on a shmem mount of the module's with
 * huge=always (aixipc_shm_huge_mnt): shmem allocates huge pages where it
 * can and small ones where it cannot, and maps them with PMDs where the
 * attachment is aligned, which the attach file's ->get_unmapped_area asks
 * shmem to arrange.
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
 *  - Lifetimes: an attach file holds a reference on its segment, and every
 *    VMA holds its vm_file, so a mapping never outlives the segment's
 *    memory.  The attach file's f_op->owner is this module; the module
 *    reference taken when the file is made is dropped by the core's fput()
 *    after ->release, so the vm_ops and file_operations never outlive the
 *    module, and no module code runs after its last reference is gone.
 *    nattch counts the VMAs: ->mmap and vm_ops->open add one, close takes
 *    it away.  Our VMAs carry VM_DONTEXPAND (VM_SPECIAL), so the core never
 *    merges a new mapping into one of them behind ->mmap's back.
 *  - A function that sleeps with a segment in hand (on seg->mutex, or to
 *    map) holds a reference to that segment, re-locks that same pointer,
 *    checks obj.deleted and re-checks what may have changed meanwhile
 *    (owner, permissions, size); an id is never looked up a second time.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#include "ns.h"
#include "compat.h"
#include "shm.h"

struct aixipc_shm {
	struct aixipc_obj obj;
	/*
	 * The shmem backing: [mutex and lock] to change, either to read.
	 * Only SHM_PAGESIZE changes it, and only before the first attach
	 * file is made (opened), so attach files always share its inode.
	 */
	struct file *file;
	struct mutex mutex;		/* serialises resize and lock changes */
	bool opened;			/* [lock] an attach file was made */
	bool large;			/* [lock] on aixipc_shm_huge_mnt */
	bool pinned;			/* [mutex and lock] pages[] in force */
	struct page **pages;		/* [mutex] pinned: one per page */
	u64 npages;			/* [mutex] entries in pages[] */
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

/* A mapping of @seg appeared (attach, fork, split).  obj.lock held. */
static void aixipc_shm_attached(struct aixipc_shm *seg)
{
	aixipc_assert_locked(&seg->obj);
	seg->nattch++;
	aixipc_set_pid(&seg->lpid, task_tgid(current));
	seg->atime = ktime_get_real_seconds();
}

/* Record a detach by the current process.  obj.lock held. */
static void aixipc_shm_detached(struct aixipc_shm *seg, bool record)
{
	aixipc_assert_locked(&seg->obj);
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
 * (mmap_lock may be held) and a reference to @seg (the VMA's attach file);
 * takes obj.lock, and ids->rwsem only for that removal.
 *
 * Drops and retakes obj.lock: safe, as it re-locks the same segment, which
 * the caller's reference keeps, and decides again from nattch, dest and
 * deleted as they are under both locks.
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

/* The segment of one of our VMAs: its attach file's. */
static inline struct aixipc_shm *aixipc_vma_shm(struct vm_area_struct *vma)
{
	return vma->vm_file->private_data;
}

static void aixipc_shm_vm_open(struct vm_area_struct *vma)
{
	struct aixipc_shm *seg = aixipc_vma_shm(vma);

	spin_lock(&seg->obj.lock);
	aixipc_shm_attached(seg);
	spin_unlock(&seg->obj.lock);
}

/* The VMA's file, and with it the segment and the module, outlive this. */
static void aixipc_shm_vm_close(struct vm_area_struct *vma)
{
	aixipc_shm_detach(aixipc_vma_shm(vma), true);
}

/* Moving an attachment is refused (growing one already is: VM_DONTEXPAND). */
static int aixipc_shm_vm_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static vm_fault_t aixipc_shm_vm_fault(struct vm_fault *vmf)
{
	struct aixipc_shm *seg = aixipc_vma_shm(vmf->vma);

	return seg->shmem_ops->fault(vmf);
}

static vm_fault_t __maybe_unused aixipc_shm_vm_map_pages(struct vm_fault *vmf,
							 pgoff_t start, pgoff_t end)
{
	struct aixipc_shm *seg = aixipc_vma_shm(vmf->vma);

	if (!seg->shmem_ops->map_pages)
		return 0;
	return aixipc_call_map_pages(seg->shmem_ops, vmf, start, end);
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
	AIXIPC_VM_OPS_MAP_PAGES(aixipc_shm_vm_map_pages)
};

/**
 * aixipc_shm_file_mmap - map an attach file: every mapping of a segment
 * @file: the attach file; FMODE_WRITE only for a writable attach
 * @vma: the new mapping, whose vm_file is @file (mmap_lock held for writing)
 *
 * Reached from AIXIPC_IOC_SHMAT (vm_mmap() of a new attach file), from
 * aixipc_shm_mmap() (mmap() of /dev/aixipc), and from whatever maps an
 * attachment's vm_file again, such as remap_file_pages().  So every
 * mapping is checked here against the segment as it is now, and counted:
 *  - a removed segment is -EIDRM: one that IPC_RMID removed and whose last
 *    attachment is gone (remap_file_pages() unmaps the old range first, so
 *    remapping the only attachment of a removed segment fails and leaves
 *    the range unmapped, as on Linux); a segment removed while attached
 *    may still be mapped through its attach files, as on Linux;
 *  - the caller needs read permission, and write permission for a
 *    writable attach file, as now (a remap after IPC_SET re-checks);
 *  - the mapping must lie within the segment's page-rounded size.
 * A read-only attach file's mapping can never gain write access: do_mmap()
 * clears VM_MAYWRITE for a file without FMODE_WRITE; it is cleared here
 * again for the device path.  Takes obj.lock and drops it before calling
 * shmem: safe, as the mapping is counted by then, so a concurrent
 * IPC_RMID leaves the segment to its last detach, and a failure undoes
 * the count through aixipc_shm_detach() on the same segment (the file's
 * reference keeps it).
 *
 * Return: 0, -EINVAL (private or too long), -EIDRM, -EACCES, or what
 * shmem's ->mmap returns.
 */
static int aixipc_shm_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct aixipc_shm *seg = file->private_data;
	bool write = file->f_mode & FMODE_WRITE;
	unsigned long pages = vma_pages(vma), size;
	int err;

	mmap_assert_write_locked(vma->vm_mm);
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (!write && (vma->vm_flags & VM_WRITE))
		return -EACCES;

	spin_lock(&seg->obj.lock);
	size = aixipc_shm_pages(seg->segsz);
	if (seg->obj.deleted || (seg->dest && !seg->nattch))
		err = -EIDRM;
	else
		err = aixipc_check_perm(&seg->obj, write ?
					AIXIPC_PERM_READ_WRITE : AIXIPC_PERM_READ);
	if (!err && (vma->vm_pgoff > size || pages > size - vma->vm_pgoff))
		err = -EINVAL;
	if (err) {
		spin_unlock(&seg->obj.lock);
		return err;
	}
	aixipc_shm_attached(seg);
	seg->map_max = max_t(u64, seg->map_max,
			     (u64)(vma->vm_pgoff + pages) << PAGE_SHIFT);
	spin_unlock(&seg->obj.lock);

	aixipc_vm_flags_mod(vma, VM_DONTEXPAND, write ? 0 : VM_MAYWRITE);
	err = aixipc_vfs_mmap(seg->file, vma);
	if (err) {
		aixipc_shm_detach(seg, false);
		return err;
	}
	WRITE_ONCE(seg->shmem_ops, vma->vm_ops);
	vma->vm_ops = &aixipc_shm_vm_ops;
	return 0;
}

/* Last reference to an attach file (after its last VMA): let go of @seg. */
static int aixipc_shm_file_release(struct inode *inode, struct file *file)
{
	struct aixipc_shm *seg = file->private_data;

	aixipc_obj_put(&seg->obj);
	return 0;
}

/*
 * madvise(MADV_REMOVE) of an attachment punches a hole through the VMA's
 * file (vfs_fallocate() refuses a read-only one): pass that, and only
 * that, to shmem.  A segment's size changes by SHM_SIZE alone.
 */
static long aixipc_shm_file_fallocate(struct file *file, int mode,
				      loff_t offset, loff_t len)
{
	struct aixipc_shm *seg = file->private_data;
	struct file *shmem = seg->file;
	long err;

	if (mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) ||
	    !shmem->f_op->fallocate)
		return -EOPNOTSUPP;
	/*
	 * A pinned segment keeps its pages (as madvise() refuses
	 * MADV_REMOVE on mlocked memory): seg->mutex holds the pin still.
	 * madvise() calls this without mmap_lock, so the order holds.
	 */
	if (mutex_lock_killable(&seg->mutex))
		return -EINTR;
	err = seg->pinned ? -EINVAL
			  : shmem->f_op->fallocate(shmem, mode, offset, len);
	mutex_unlock(&seg->mutex);
	return err;
}

/*
 * Where an attachment goes: shmem's choice for the segment's file, which
 * puts a large-page segment on a huge page boundary so that whole huge
 * pages can be mapped (Linux's ipc/shm.c asks shmem the same way).  The
 * attach file exists, so seg->file no longer changes.
 */
static unsigned long aixipc_shm_file_get_area(struct file *file,
					      unsigned long addr,
					      unsigned long len,
					      unsigned long pgoff,
					      unsigned long flags)
{
	struct aixipc_shm *seg = file->private_data;
	struct file *shmem = seg->file;

	return shmem->f_op->get_unmapped_area(shmem, addr, len, pgoff, flags);
}

/* An attach file is only ever mapped; msync(MS_SYNC) needs ->fsync. */
static const struct file_operations aixipc_shm_file_fops = {
	.owner = THIS_MODULE,
	.mmap = aixipc_shm_file_mmap,
	.release = aixipc_shm_file_release,
	.fsync = noop_fsync,
	.fallocate = aixipc_shm_file_fallocate,
	.get_unmapped_area = aixipc_shm_file_get_area,
	.llseek = noop_llseek,
};

/*
 * A new attach file for @seg, read-write if @write, else read-only: a file
 * on the segment's shmem inode and mount, named as the shmem file is (the
 * name /proc/PID/maps shows).  It takes a reference to @seg and one to the
 * module; the core's fput() drops the latter (fops_put()) after ->release.
 * Called in process context with a reference to @seg held, from an ioctl
 * or mmap of /dev/aixipc (whose open file keeps the module).
 * Return: the file, or an ERR_PTR.
 */
static struct file *aixipc_shm_file_open(struct aixipc_shm *seg, bool write)
{
	struct inode *inode;
	const char *name;
	struct file *file;

	/* From here on seg->file stays: SHM_PAGESIZE may no longer swap it. */
	spin_lock(&seg->obj.lock);
	seg->opened = true;
	spin_unlock(&seg->obj.lock);
	inode = file_inode(seg->file);
	name = (const char *)seg->file->f_path.dentry->d_name.name;

	__module_get(THIS_MODULE);
	ihold(inode);	/* the new dentry's */
	file = alloc_file_pseudo(inode, seg->file->f_path.mnt, name,
				 write ? O_RDWR : O_RDONLY,
				 &aixipc_shm_file_fops);
	if (IS_ERR(file)) {
		iput(inode);
		module_put(THIS_MODULE);
		return file;
	}
	aixipc_obj_get(&seg->obj);
	file->private_data = seg;
	return file;
}

/**
 * aixipc_shm_mmap - attach: mmap() of /dev/aixipc at offset id << PAGE_SHIFT
 * @ns: the namespace
 * @vma: the new mapping (mmap_lock held for writing)
 *
 * Needs a shared mapping no longer than the segment (page-rounded), read
 * permission, and write permission for a writable mapping.  The mapping
 * gets an attach file of its own, read-write for a mapping with
 * PROT_WRITE, else read-only: a mapping made without PROT_WRITE can never
 * gain it (SHM_RDONLY).  The id is looked up once, here; obj.lock is
 * dropped to make the file (which may sleep) with a reference held, and
 * the rest is aixipc_shm_file_mmap()'s, which re-locks that same segment
 * and checks it again (removed, permission, size).
 *
 * Return: 0, -EINVAL (bad id, private mapping, too long), -EIDRM, -EACCES,
 * -ENOMEM.
 */
int aixipc_shm_mmap(struct aixipc_ns *ns, struct vm_area_struct *vma)
{
	bool write = vma->vm_flags & VM_WRITE;
	struct file *devfile = vma->vm_file;
	pgoff_t pgoff = vma->vm_pgoff;
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	struct file *file;
	int err;

	mmap_assert_write_locked(vma->vm_mm);
	if (!(vma->vm_flags & VM_MAYSHARE) || vma->vm_pgoff > INT_MAX)
		return -EINVAL;
	/* MAP_SHARED of a device opened without write access. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EACCES;

	obj = aixipc_lock_id(&ns->ids[AIXIPC_SHM], (int)vma->vm_pgoff);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	err = aixipc_check_perm(obj, write ? AIXIPC_PERM_READ_WRITE : AIXIPC_PERM_READ);
	if (err) {
		spin_unlock(&obj->lock);
		return err;
	}
	seg = to_shm(obj);
	aixipc_obj_get(obj);
	spin_unlock(&obj->lock);

	file = aixipc_shm_file_open(seg, write);
	aixipc_obj_put(obj);	/* the file has its own */
	if (IS_ERR(file))
		return PTR_ERR(file);
	aixipc_vma_set_file(vma, file);
	fput(file);		/* the VMA holds it now */
	vma->vm_pgoff = 0;
	err = aixipc_shm_file_mmap(file, vma);
	if (err) {
		/*
		 * Give the VMA back as it came: before 5.11, mmap_region()
		 * drops the file it passed, not vma->vm_file, when ->mmap
		 * fails, and would put the device file twice (its count
		 * would reach zero while still open).
		 */
		aixipc_vma_set_file(vma, devfile);
		vma->vm_pgoff = pgoff;
	}
	return err;
}

/*
 * Hold @seg for a slow operation: a reference, then seg->mutex.  Called
 * with obj.lock held, which it releases.  Return: 0, or -EINTR with
 * nothing held.  The caller then re-locks this same segment with
 * aixipc_shm_relock() and re-checks what may have changed while it slept.
 */
static int aixipc_shm_hold(struct aixipc_shm *seg)
{
	aixipc_assert_locked(&seg->obj);
	aixipc_obj_get(&seg->obj);
	spin_unlock(&seg->obj.lock);
	if (mutex_lock_killable(&seg->mutex)) {
		aixipc_obj_put(&seg->obj);
		return -EINTR;
	}
	return 0;
}

/*
 * After aixipc_shm_hold(): lock @seg again and check that it was not
 * removed while we slept.  Return: 0 with obj.lock held, or -EIDRM with it
 * released.
 */
static int aixipc_shm_relock(struct aixipc_shm *seg)
{
	lockdep_assert_held(&seg->mutex);
	spin_lock(&seg->obj.lock);
	if (seg->obj.deleted) {
		spin_unlock(&seg->obj.lock);
		return -EIDRM;
	}
	return 0;
}

/* Undo aixipc_shm_hold(). */
static void aixipc_shm_release(struct aixipc_shm *seg)
{
	mutex_unlock(&seg->mutex);
	aixipc_obj_put(&seg->obj);
}

/*
 * Pinned pages.  seg->pages holds a reference to each page of a pinned
 * segment, so no page is freed, swapped or migrated while the pin lasts
 * (the mapping is unevictable too, which keeps reclaim from even trying).
 * All of it runs under seg->mutex, or before the segment is published.
 */

/* Drop the pins of pages [@from, seg->npages).  seg->mutex held. */
static void aixipc_shm_unpin_from(struct aixipc_shm *seg, u64 from)
{
	u64 i;

	for (i = from; i < seg->npages; i++) {
		put_page(seg->pages[i]);
		seg->pages[i] = NULL;
	}
	seg->npages = min(seg->npages, from);
}

/*
 * Room for @npages pins, keeping the first seg->npages.  The array is the
 * caller's memory, charged to its memory cgroup; a size kvmalloc() would
 * refuse is -ENOMEM (never a warning).  seg->mutex held.
 */
static int aixipc_shm_pin_room(struct aixipc_shm *seg, u64 npages)
{
	struct page **pages;

	if (npages > INT_MAX / sizeof(*pages))
		return -ENOMEM;
	pages = kvcalloc(npages, sizeof(*pages),
			 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages)
		return -ENOMEM;
	if (seg->npages)
		memcpy(pages, seg->pages, seg->npages * sizeof(*pages));
	kvfree(seg->pages);
	seg->pages = pages;
	return 0;
}

/*
 * Pin pages [seg->npages, @npages) of the file, allocating (zeroed) those
 * not there yet.  Stops at a fatal signal (-EINTR) or when memory runs
 * out (-ENOMEM), keeping what it pinned; the caller undoes it.  Called
 * with seg->mutex held, or before the segment is published, with the
 * mapping unevictable already.
 */
static int aixipc_shm_pin_to(struct aixipc_shm *seg, u64 npages)
{
	struct address_space *mapping = seg->file->f_mapping;
	int err = aixipc_shm_pin_room(seg, npages);

	while (!err && seg->npages < npages) {
		struct page *page;

		if (fatal_signal_pending(current))
			return -EINTR;
		page = shmem_read_mapping_page(mapping, seg->npages);
		if (IS_ERR(page))
			return PTR_ERR(page);
		seg->pages[seg->npages++] = page;
		cond_resched();
	}
	return err;
}

/* The pin ends (SHM_UNLOCK, or the segment is freed). */
static void aixipc_shm_unpin(struct aixipc_shm *seg)
{
	aixipc_shm_unpin_from(seg, 0);
	kvfree(seg->pages);
	seg->pages = NULL;
}

/*
 * Does a pinned segment hold a huge page (a large-page segment, or any
 * segment while shmem_enabled is "force")?  Then an aligned attachment
 * may map it with a PMD, where vm_insert_pages() must not go.
 * seg->mutex held.
 */
static bool aixipc_shm_pins_huge(struct aixipc_shm *seg)
{
	u64 i;

	for (i = 0; i < seg->npages; i++) {
		if (PageTransCompound(seg->pages[i]))
			return true;
	}
	return false;
}

/*
 * Fault in every page of the attachment at @addr, @len bytes, of attach
 * file @file, one fault per huge page: shmem maps a huge page with one
 * PMD.  The VMA is looked up at each step, as a fault may drop
 * mmap_lock.  Best effort, as aixipc_shm_prefault().
 */
static void aixipc_shm_fault_in(struct aixipc_shm *seg, struct file *file,
				unsigned long addr, unsigned long len,
				bool write)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long a = addr;

	lockdep_assert_held(&seg->mutex);
	mmap_read_lock(mm);
	while (a < addr + len && !fatal_signal_pending(current)) {
		u64 idx = (a - addr) >> PAGE_SHIFT;

		vma = find_vma(mm, a);
		if (!vma || vma->vm_start > a || vma->vm_file != file ||
		    fixup_user_fault(mm, a, write ? FAULT_FLAG_WRITE : 0, NULL))
			break;
		a = PageTransCompound(seg->pages[idx]) ?
		    ALIGN(a + 1, PMD_SIZE) : a + PAGE_SIZE;
		cond_resched();
	}
	mmap_read_unlock(mm);
}

/* Pages per vm_insert_pages() call: a page table's worth. */
#define AIXIPC_SHM_INSERT_BATCH 512UL

/*
 * Map all of a pinned segment into the attachment AIXIPC_IOC_SHMAT just
 * made at @addr, @len bytes, through its attach file @file, so that the
 * program takes no page fault on it: with vm_insert_pages() (whose first
 * call makes the VMA VM_MIXEDMAP, hence mmap_lock for writing), or, where
 * huge pages could be mapped whole (a huge page boundary, huge pages
 * pinned), by faulting each huge page in, which maps it with one PMD
 * (vm_insert_pages() maps small pages only).  The VMA is looked up again
 * and must still be that attachment, whole: another thread may have
 * changed the mapping meanwhile, and then nothing is done.  A page some
 * thread faulted in meanwhile is skipped.  This only saves faults: should
 * it stop (no memory for page tables), the rest fault in as usual.
 * seg->mutex held, so the size and the pins stay as they are.
 */
static void aixipc_shm_prefault(struct aixipc_shm *seg, struct file *file,
				unsigned long addr, unsigned long len,
				bool write)
{
	struct mm_struct *mm = current->mm;
	unsigned long num = len >> PAGE_SHIFT, done;
	struct vm_area_struct *vma;
	int err;

	lockdep_assert_held(&seg->mutex);
	if (!seg->pinned || num > seg->npages)
		return;
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
	    !(addr & (PMD_SIZE - 1)) && aixipc_shm_pins_huge(seg)) {
		aixipc_shm_fault_in(seg, file, addr, len, write);
		return;
	}
	mmap_write_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start != addr || vma->vm_end != addr + len ||
	    vma->vm_file != file || vma->vm_ops != &aixipc_shm_vm_ops ||
	    vma->vm_pgoff)
		goto out;
	/* In batches, so that a large segment lets others run. */
	for (done = 0; done < num && !fatal_signal_pending(current); ) {
		unsigned long batch = min(num - done, AIXIPC_SHM_INSERT_BATCH);
		unsigned long left = batch;

		err = vm_insert_pages(vma, addr + (done << PAGE_SHIFT),
				      seg->pages + done, &left);
		done += batch - left;
		if (err == -EBUSY)	/* already mapped: skip that one */
			done++;
		else if (err)
			break;
		cond_resched();
	}
out:
	mmap_write_unlock(mm);
}

/**
 * aixipc_shmat - AIXIPC_IOC_SHMAT
 * @ns: the namespace
 * @req: the request; addr and size are set on success
 *
 * Makes an attach file (read-only for SHM_RDONLY) and maps it with
 * vm_mmap(), whose ->mmap, aixipc_shm_file_mmap(), checks and counts the
 * mapping on the segment the id named here.  Holds seg->mutex across the
 * mapping, so a concurrent SHM_SIZE cannot change the size between sizing
 * the mapping and aixipc_shm_file_mmap() re-checking it under mmap_lock
 * (order: seg->mutex, then mmap_lock).  It sleeps on the mutex with a
 * reference to the segment (the attach file's), and re-locks that same
 * segment after: a removal meanwhile is -EIDRM.
 * A given address is used exactly: an overlap with an existing mapping is
 * EINVAL, unless SHM_REMAP asks to replace it.
 */
int aixipc_shmat(struct aixipc_ns *ns, struct aixipc_shmat *req)
{
	bool rdonly = req->flags & AIXIPC_SHM_RDONLY;
	unsigned long prot = PROT_READ, mflags = MAP_SHARED, ret;
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	struct file *file;
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
	err = aixipc_check_perm(obj, rdonly ? AIXIPC_PERM_READ : AIXIPC_PERM_READ_WRITE);
	seg = to_shm(obj);
	if (err) {
		spin_unlock(&obj->lock);
		return err;
	}
	err = aixipc_shm_hold(seg);
	if (err)
		return err;
	file = aixipc_shm_file_open(seg, !rdonly);
	if (IS_ERR(file)) {
		aixipc_shm_release(seg);
		return PTR_ERR(file);
	}
	err = aixipc_shm_relock(seg);
	if (err)
		goto out;
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
		ret = vm_mmap(file, addr, len, prot, mflags, 0);
	if (IS_ERR_VALUE(ret)) {
		err = ret == -EEXIST ? -EINVAL : (int)ret;
		goto out;
	}
	req->addr = ret;
	req->size = len;
	aixipc_shm_prefault(seg, file, ret, len, !rdonly);
out:
	aixipc_shm_release(seg);
	fput(file);	/* the mappings hold it, if any */
	return err;
}

/*
 * The last run of an attachment that aixipc_shm_scan() finds: adjacent
 * pieces with no gap between them, so nothing else can be mapped inside.
 */
struct aixipc_shm_run {
	unsigned long start, stop;
};

/*
 * Find the last run of pieces, at or after @base and before @end, of the
 * attachment that starts at @base: VMAs of ours on its attach file @file
 * whose file offset equals their distance from @base.  Takes mmap_lock
 * for reading.  Return: false when there is no piece.
 */
static bool aixipc_shm_scan(struct mm_struct *mm, struct file *file,
			    unsigned long base, unsigned long end,
			    struct aixipc_shm_run *run)
{
	struct vm_area_struct *vma;
	bool found = false;

	mmap_read_lock(mm);
	for (vma = find_vma(mm, base); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (vma->vm_ops != &aixipc_shm_vm_ops ||
		    vma->vm_file != file ||
		    vma->vm_pgoff != (vma->vm_start - base) >> PAGE_SHIFT)
			continue;
		if (!found || vma->vm_start != run->stop)
			run->start = vma->vm_start;
		run->stop = vma->vm_end;
		found = true;
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
 * of them go, and nothing else.  The pieces are found under mmap_lock and
 * unmapped with vm_munmap(), which takes it again (the kernel exports no
 * way to do both under one hold, as Linux's shmdt does).  So only runs of
 * adjacent pieces are unmapped, one vm_munmap() each, never a range with
 * a hole: another thread's mmap() may put a mapping in a hole between the
 * scan and the unmap, and it must survive.  The last run goes first:
 * should one fail (ENOMEM), the piece at addr is still there and a retry
 * finishes the job.  A thread of the caller that itself unmaps and remaps
 * the pieces meanwhile races shmdt as it would race munmap.  The
 * attachment is known by its attach file, of which a reference is kept
 * between the scans, so the pointer stays unique.
 *
 * Return: 0, -EINVAL when addr is not where an attachment starts, or what
 * vm_munmap() returns.
 */
int aixipc_shmdt(struct aixipc_ns *ns, struct aixipc_shmdt *req)
{
	struct mm_struct *mm = current->mm;
	unsigned long base = req->addr, end;
	struct vm_area_struct *vma;
	struct aixipc_shm_run run;
	struct aixipc_shm *seg;
	struct file *file;
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
	file = get_file(vma->vm_file);
	seg = file->private_data;
	spin_lock(&seg->obj.lock);
	end = base + seg->map_max;
	spin_unlock(&seg->obj.lock);
	mmap_read_unlock(mm);
	if (end < base)
		end = ULONG_MAX;

	while (aixipc_shm_scan(mm, file, base, end, &run)) {
		err = vm_munmap(run.start, run.stop - run.start);
		if (err)
			break;
		done += run.stop - run.start;
		end = run.start;
	}
	fput(file);
	req->size = done;
	return err;
}

/* Fill a status block; obj.lock held. */
static void aixipc_shm_fill_ds(struct aixipc_shm *seg,
			       struct aixipc_shmid_ds *ds)
{
	struct inode *inode = file_inode(seg->file);

	aixipc_assert_locked(&seg->obj);
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
	if (seg->pinned)
		ds->status |= AIXIPC_SHM_PINNED;
	if (seg->large)
		ds->status |= AIXIPC_SHM_LARGE;
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

	lockdep_assert_held(&seg->mutex);
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
 * Pages locked by SHM_LOCK, per user (the locker's effective uid), held
 * against RLIMIT_MEMLOCK as Linux counts a user's locked segments.  Index:
 * the kuid's value; entry: xa_mk_value(pages).  Changed under the xarray's
 * lock with the segment's obj.lock held (order: obj.lock, then xa_lock).
 *
 * This count is the module's own: Linux's (user_shm_lock(), in the user's
 * ucounts) is not exported to modules, so a user may lock up to the limit
 * here and up to the limit again with Linux's own SysV or memfd locks.
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

/*
 * Is the caller exempt from RLIMIT_MEMLOCK?  CAP_IPC_LOCK over the
 * segment's namespace lets it lock any segment there, but only the
 * initial user namespace's lifts the host's limit, as Linux's
 * user_shm_lock() decides with capable().
 */
static bool aixipc_shm_memlock_exempt(void)
{
	return ns_capable_noaudit(&init_user_ns, CAP_IPC_LOCK);
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

/*
 * Give back a locked segment's charge: only aixipc_shm_unlock_locked(),
 * or aixipc_shm_free() of a segment that never was published.
 */
static void aixipc_shm_unlock_charge(struct aixipc_shm *seg)
{
	if (!seg->locked)
		return;
	aixipc_shm_lock_uncharge(seg->lock_uid, seg->lock_pages);
	seg->locked = false;
}

/* The segment no longer counts as locked.  obj.lock held. */
static void aixipc_shm_unlock_locked(struct aixipc_shm *seg)
{
	aixipc_assert_locked(&seg->obj);
	aixipc_shm_unlock_charge(seg);
}

/*
 * SHM_SIZE of a locked segment to @pages.  Growing it locks the new pages:
 * the caller locks the segment at its new size, with SHM_LOCK's rules
 * (@cap: CAP_IPC_LOCK; else a non-zero RLIMIT_MEMLOCK, @limit bytes, that
 * the caller's locked segments fit in unless @exempt), and the charge
 * moves to the caller.  Shrinking gives the pages back to whoever holds the charge.
 * obj.lock held.  Return: 0, -EPERM, -ENOMEM.
 */
static int aixipc_shm_lock_resize(struct aixipc_shm *seg, u64 pages,
				  bool cap, bool exempt, unsigned long limit)
{
	kuid_t uid = current_euid();
	int err;

	aixipc_assert_locked(&seg->obj);
	if (!seg->locked || pages == seg->lock_pages)
		return 0;
	if (pages < seg->lock_pages) {
		aixipc_shm_lock_uncharge(seg->lock_uid,
					 seg->lock_pages - pages);
		seg->lock_pages = pages;
		return 0;
	}
	if (!cap && !limit)
		return -EPERM;
	if (uid_eq(uid, seg->lock_uid)) {
		err = aixipc_shm_lock_charge(uid, pages - seg->lock_pages,
					     limit, !exempt);
	} else {
		err = aixipc_shm_lock_charge(uid, pages, limit, !exempt);
		if (!err)
			aixipc_shm_lock_uncharge(seg->lock_uid,
						 seg->lock_pages);
	}
	if (err)
		return err;
	seg->lock_uid = uid;
	seg->lock_pages = pages;
	return 0;
}

/*
 * May the caller apply @cmd (SHM_SIZE, SHM_PAGESIZE, SHM_LOCK, SHM_UNLOCK)
 * to @obj?  SHM_SIZE, SHM_PAGESIZE: the owner or creator (or
 * CAP_SYS_ADMIN).  SHM_LOCK and
 * SHM_UNLOCK: CAP_IPC_LOCK, or the owner or creator, who for SHM_LOCK
 * needs a non-zero RLIMIT_MEMLOCK (@limit).  obj.lock held.
 */
static int aixipc_shm_may(const struct aixipc_obj *obj, u32 cmd, bool cap,
			  unsigned long limit)
{
	aixipc_assert_locked(obj);
	if (cmd == AIXIPC_SHM_SIZE || cmd == AIXIPC_SHM_PAGESIZE)
		return aixipc_check_owner(obj);
	if (cap)
		return 0;
	if (aixipc_check_owner(obj) || (cmd == AIXIPC_SHM_LOCK && !limit))
		return -EPERM;
	return 0;
}

/*
 * The opening of SHM_SIZE, SHM_PAGESIZE, SHM_LOCK and SHM_UNLOCK: look
 * @id up once and
 * check that the caller may apply @cmd, then sleep on seg->mutex holding
 * a reference to that segment, re-lock the same segment (removed
 * meanwhile: -EIDRM) and check again (IPC_SET may have changed the owner).
 * Return: the segment with seg->mutex and obj.lock held and a reference
 * (undo with spin_unlock() and aixipc_shm_release()), or an ERR_PTR with
 * nothing held.
 */
static struct aixipc_shm *aixipc_shm_hold_for(struct aixipc_ns *ns, int id,
					      u32 cmd, bool cap,
					      unsigned long limit)
{
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	int err;

	obj = aixipc_lock_id(&ns->ids[AIXIPC_SHM], id);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	seg = to_shm(obj);
	err = aixipc_shm_may(obj, cmd, cap, limit);
	if (err) {
		spin_unlock(&obj->lock);
		return ERR_PTR(err);
	}
	err = aixipc_shm_hold(seg);
	if (err)
		return ERR_PTR(err);
	err = aixipc_shm_relock(seg);
	if (!err) {
		err = aixipc_shm_may(obj, cmd, cap, limit);
		if (!err)
			return seg;
		spin_unlock(&obj->lock);
	}
	aixipc_shm_release(seg);
	return ERR_PTR(err);
}

/*
 * The largest segment for the caller: the namespace's shmmax, and for a
 * 32-bit caller at most AIX's 32-bit limit (AIXIPC_SHMMAX_32BIT).
 */
static u64 aixipc_shmmax(struct aixipc_ns *ns)
{
	u64 max = aixipc_limit(ns, shmmax);

	return in_compat_syscall() ? min_t(u64, max, AIXIPC_SHMMAX_32BIT) : max;
}

/*
 * SHM_SIZE: give a segment a new size.  Attachments keep their length;
 * whatever of it lies past the new size raises SIGBUS.  A larger size
 * takes effect once the file has grown, a smaller one before the file
 * shrinks, so an attach never maps past the file's end.  Growing a locked
 * segment is held to RLIMIT_MEMLOCK (aixipc_shm_lock_resize()).  A pinned
 * segment pins the pages it gains (failing that, -EINTR or -ENOMEM, it
 * goes back to its old size and charges) and unpins those it loses.
 *
 * Sleeps on seg->mutex holding a reference to the segment the id named,
 * then re-locks that same segment: removed meanwhile is -EIDRM, and the
 * owner check is made again (IPC_SET may have changed the owner).
 */
static int aixipc_shm_resize(struct aixipc_ns *ns, int id, u64 size)
{
	bool cap = ns_capable(ns->user_ns, CAP_IPC_LOCK);
	bool exempt = aixipc_shm_memlock_exempt();
	unsigned long limit = rlimit(RLIMIT_MEMLOCK);
	struct aixipc_obj *obj;
	struct aixipc_shm *seg;
	u64 old, pages, charged;
	int err = 0;

	if (!aixipc_shm_size_ok(size, aixipc_limit(ns, shmmin),
				aixipc_shmmax(ns)))
		return -EINVAL;
	seg = aixipc_shm_hold_for(ns, id, AIXIPC_SHM_SIZE, cap, limit);
	if (IS_ERR(seg))
		return PTR_ERR(seg);
	obj = &seg->obj;
	old = seg->segsz;
	pages = aixipc_shm_pages(size);
	if (pages > seg->charged &&
	    !aixipc_shm_charge(ns, pages - seg->charged)) {
		err = -ENOSPC;
		goto unlock;
	}
	err = aixipc_shm_lock_resize(seg, pages, cap, exempt, limit);
	if (err) {
		if (pages > seg->charged)
			aixipc_shm_uncharge(ns, pages - seg->charged);
		goto unlock;
	}
	if (pages < seg->charged)
		aixipc_shm_uncharge(ns, seg->charged - pages);
	charged = seg->charged;
	seg->charged = pages;
	if (size < old)
		seg->segsz = size;
	obj->ctime = ktime_get_real_seconds();
	spin_unlock(&obj->lock);

	/* A pinned segment lets go of the pages it loses first... */
	if (seg->pinned && pages < seg->npages)
		aixipc_shm_unpin_from(seg, pages);
	aixipc_shm_set_file_size(seg, size, old);
	/* ...and pins the pages it gains, or stays as it was. */
	if (seg->pinned && pages > seg->npages) {
		err = aixipc_shm_pin_to(seg, pages);
		if (err) {
			aixipc_shm_unpin_from(seg, aixipc_shm_pages(old));
			aixipc_shm_set_file_size(seg, old, size);
			/* Removed meanwhile: its removal took the charges. */
			spin_lock(&obj->lock);
			if (!obj->deleted) {
				aixipc_shm_lock_resize(seg,
						       aixipc_shm_pages(old),
						       cap, exempt, limit);
				if (pages > charged)
					aixipc_shm_uncharge(ns,
							    pages - charged);
				seg->charged = charged;
			}
			spin_unlock(&obj->lock);
			goto out;
		}
	}
	if (size > old) {
		spin_lock(&obj->lock);
		seg->segsz = size;
		spin_unlock(&obj->lock);
	}
	goto out;
unlock:
	spin_unlock(&obj->lock);
out:
	aixipc_shm_release(seg);
	return err;
}

/*
 * SHM_LOCK / SHM_UNLOCK, with Linux's rules: CAP_IPC_LOCK, or the owner
 * or creator with a non-zero RLIMIT_MEMLOCK that the user's locked
 * segments, this one included, fit in.  A locked segment's mapping is
 * unevictable: its pages stay in memory.  seg->mutex orders the mapping
 * flag changes of concurrent calls.  SHM_UNLOCK of a pinned segment ends
 * the pin too (AIX's SHM_UNLOCK unpins): attachments keep what is mapped,
 * and later ones fault pages in.  SHM_LOCK of a pinned one changes nothing.
 *
 * Sleeps on seg->mutex holding a reference to the segment the id named,
 * then re-locks that same segment: removed meanwhile is -EIDRM, and the
 * owner check is made again (IPC_SET may have changed the owner).
 */
static int aixipc_shm_lock(struct aixipc_ns *ns, int id, bool lock)
{
	bool cap = ns_capable(ns->user_ns, CAP_IPC_LOCK);
	bool exempt = aixipc_shm_memlock_exempt();
	unsigned long limit = rlimit(RLIMIT_MEMLOCK);
	struct address_space *mapping;
	struct aixipc_shm *seg;
	bool unpin = false;
	int err = 0;

	seg = aixipc_shm_hold_for(ns, id, lock ? AIXIPC_SHM_LOCK :
				  AIXIPC_SHM_UNLOCK, cap, limit);
	if (IS_ERR(seg))
		return PTR_ERR(seg);
	if (lock && !seg->locked) {
		u64 pages = aixipc_shm_pages(seg->segsz);

		err = aixipc_shm_lock_charge(current_euid(), pages, limit,
					     !exempt);
		if (!err) {
			seg->locked = true;
			seg->lock_uid = current_euid();
			seg->lock_pages = pages;
		}
	} else if (!lock) {
		aixipc_shm_unlock_locked(seg);
		unpin = seg->pinned;
		seg->pinned = false;
	}
	spin_unlock(&seg->obj.lock);
	if (err)
		goto out;
	if (unpin)
		aixipc_shm_unpin(seg);

	mapping = seg->file->f_mapping;
	if (lock) {
		mapping_set_unevictable(mapping);
	} else {
		mapping_clear_unevictable(mapping);
		aixipc_mapping_make_evictable(mapping);
	}
out:
	aixipc_shm_release(seg);
	return err;
}

/*
 * The private shmem mount large-page segments live on (huge=always), or
 * NULL where the kernel has no transparent huge pages: then large-page
 * segments are ordinary ones (documented).  Set at module load.
 */
static struct vfsmount *aixipc_shm_huge_mnt;

/* The page sizes SHM_PAGESIZE accepts: the base page, and a huge page. */
static bool aixipc_shm_large_size(u64 size)
{
	return IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) && aixipc_shm_huge_mnt &&
	       size == PMD_SIZE;
}

/* A new shmem file for a segment, on the huge mount if @large. */
static struct file *aixipc_shm_new_file(const char *name, u64 size,
					bool large)
{
	if (large)
		return aixipc_shmem_file_noreserve_on(aixipc_shm_huge_mnt, name,
						      size);
	return aixipc_shmem_file_noreserve(name, size);
}

/*
 * SHM_PAGESIZE: the base page size, or a huge page (2 MiB on x86-64)
 * where the kernel has transparent huge pages.  The page size a segment
 * was made with is always accepted; the other one only before the first
 * attach (as AIX's callers ask it) of an unpinned segment: the segment,
 * which has no page yet, moves to a new empty file of that kind.  The
 * owner or creator only.  Sleeps on seg->mutex and to make the file,
 * holding a reference to the segment the id named; re-locks that same
 * segment, and re-checks the owner (IPC_SET does not take seg->mutex) and
 * that no attach file was made meanwhile (nor does an mmap() of
 * /dev/aixipc).
 */
static int aixipc_shm_pagesize(struct aixipc_ns *ns, int id, u64 size)
{
	struct aixipc_shm *seg;
	struct file *file, *old;
	bool large, locked;
	int err;

	seg = aixipc_shm_hold_for(ns, id, AIXIPC_SHM_PAGESIZE, false, 0);
	if (IS_ERR(seg))
		return PTR_ERR(seg);
	large = aixipc_shm_large_size(size);
	if (size != PAGE_SIZE && !large)
		err = -EINVAL;
	else if (large == seg->large)
		err = 0;
	else
		err = seg->opened || seg->pinned ? -EINVAL : 1;
	locked = seg->locked;	/* SHM_LOCK waits for seg->mutex */
	spin_unlock(&seg->obj.lock);
	if (err <= 0)
		goto out;

	/* seg->mutex keeps segsz, the name and the lock as they are. */
	file = aixipc_shm_new_file(seg->file->f_path.dentry->d_name.name,
				   seg->segsz, large);
	err = PTR_ERR_OR_ZERO(file);
	if (err)
		goto out;
	if (locked)
		mapping_set_unevictable(file->f_mapping);
	old = file;
	err = aixipc_shm_relock(seg);
	if (!err) {
		/* IPC_SET may have changed the owner while we slept. */
		err = aixipc_shm_may(&seg->obj, AIXIPC_SHM_PAGESIZE, false, 0);
		if (!err && seg->opened) {
			err = -EINVAL;
		} else if (!err) {
			old = seg->file;
			seg->file = file;
			seg->large = large;
			seg->obj.ctime = ktime_get_real_seconds();
		}
		spin_unlock(&seg->obj.lock);
	}
	fput(old);
out:
	aixipc_shm_release(seg);
	return err;
}

/* IPC_RMID.  @obj is locked by aixipc_lock_for_change(); releases it. */
static int aixipc_shm_rmid(struct aixipc_obj *obj)
{
	struct aixipc_shm *seg = to_shm(obj);

	aixipc_assert_change(obj);
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
 * The STATs and GETLBA take obj.lock; SET, RMID and PAGESIZE the registry's
 * rwsem too; SIZE, LOCK and UNLOCK also sleep under seg->mutex.
 */
int aixipc_shmctl(struct aixipc_ns *ns, struct aixipc_shmctl *req)
{
	struct aixipc_ids *ids = &ns->ids[AIXIPC_SHM];
	struct aixipc_obj *obj;
	int err;

	switch (req->cmd) {
	case AIXIPC_IPC_STAT:
	case AIXIPC_STAT_INDEX:
	case AIXIPC_STAT_INDEX_ANY:
		obj = aixipc_lock_stat(ids, req->cmd, &req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		aixipc_shm_fill_ds(to_shm(obj), &req->ds);
		spin_unlock(&obj->lock);
		return 0;

	case AIXIPC_SHM_GETLBA:
		obj = aixipc_lock_id(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		err = aixipc_check_perm(obj, AIXIPC_PERM_READ);
		if (!err)
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
		return aixipc_shm_pagesize(ns, req->id, req->value);
	}
	return -EINVAL;
}

/* Last reference gone (after RCU, or a failed create): drop the file. */
static void aixipc_shm_free(struct aixipc_obj *obj)
{
	struct aixipc_shm *seg = to_shm(obj);

	aixipc_shm_uncharge(obj->ids->ns, seg->charged);
	aixipc_shm_unlock_charge(seg);
	aixipc_shm_unpin(seg);
	put_pid(seg->cpid);
	put_pid(seg->lpid);
	fput(seg->file);
	mutex_destroy(&seg->mutex);
	kfree(seg);
}

/*
 * AIXIPC_SHM_PIN at creation: charge the creator as SHM_LOCK would, then
 * allocate and pin every page.  A charge over RLIMIT_MEMLOCK leaves the
 * segment unpinned, as on AIX, where the flag is advisory (IPC_STAT says
 * which it is).  Return: 0, or -EINTR / -ENOMEM, after which the caller
 * frees the segment (aixipc_shm_free() gives the charge back).  Called
 * before the segment is published, so seg->mutex is not needed; may
 * sleep for as long as allocating the pages takes, and a fatal signal
 * ends it.
 */
static int aixipc_shm_pin_new(struct aixipc_shm *seg)
{
	u64 pages = aixipc_shm_pages(seg->segsz);
	kuid_t uid = current_euid();

	if (aixipc_shm_lock_charge(uid, pages, rlimit(RLIMIT_MEMLOCK),
				   !aixipc_shm_memlock_exempt()))
		return 0;
	seg->locked = true;
	seg->lock_uid = uid;
	seg->lock_pages = pages;
	seg->pinned = true;
	mapping_set_unevictable(seg->file->f_mapping);
	return aixipc_shm_pin_to(seg, pages);
}

/* Called with ids->rwsem held for writing. */
static struct aixipc_obj *aixipc_shm_alloc(struct aixipc_ids *ids,
					   const struct aixipc_get *req)
{
	u64 pages = aixipc_shm_pages(req->size);
	struct aixipc_shm *seg;
	struct file *file;
	char name[16];
	int err;

	aixipc_assert_ids_write(ids);
	if (!aixipc_shm_size_ok(req->size, aixipc_limit(ids->ns, shmmin),
				aixipc_shmmax(ids->ns)))
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
	seg->large = (req->flags & AIXIPC_SHM_LGPAGE) && aixipc_shm_huge_mnt;
	file = aixipc_shm_new_file(name, req->size, seg->large);
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
	if (req->flags & AIXIPC_SHM_PIN) {
		err = aixipc_shm_pin_new(seg);
		if (err) {
			seg->obj.ids = ids;	/* what the free needs */
			aixipc_shm_free(&seg->obj);
			return ERR_PTR(err);
		}
	}
	return &seg->obj;
}

/* shmget of an existing segment: no larger than it is.  obj->lock held. */
static int aixipc_shm_reopen(struct aixipc_obj *obj,
			     const struct aixipc_get *req)
{
	aixipc_assert_locked(obj);
	return req->size > to_shm(obj)->segsz ? -EINVAL : 0;
}

/*
 * Removal: no attachment is left (IPC_RMID waits for the last detach), so
 * only the shmall and lock charges go now; the pages go with the file.
 * obj->lock held.
 */
static void aixipc_shm_destroy(struct aixipc_obj *obj, struct aixipc_wake *wake)
{
	struct aixipc_shm *seg = to_shm(obj);

	aixipc_assert_locked(obj);
	aixipc_shm_uncharge(obj->ids->ns, seg->charged);
	seg->charged = 0;
	aixipc_shm_unlock_locked(seg);
}

/* A listing entry; obj->lock held. */
static void aixipc_shm_fill(struct aixipc_obj *obj, struct aixipc_list_entry *e)
{
	aixipc_assert_locked(obj);
	aixipc_shm_fill_ds(to_shm(obj), &e->shm);
}

/* Totals for AIXIPC_IOC_INFO; obj->lock held. */
static void aixipc_shm_info(struct aixipc_obj *obj, struct aixipc_info *info)
{
	struct aixipc_shm *seg = to_shm(obj);
	struct inode *inode = file_inode(seg->file);

	aixipc_assert_locked(obj);
	info->count += aixipc_shm_pages(seg->segsz);
	info->rss += READ_ONCE(inode->i_mapping->nrpages);
	info->swapped += READ_ONCE(SHMEM_I(inode)->swapped);
}

/*
 * Module load: the mount for large-page segments.  Without transparent
 * huge pages (or should the mount fail) there is none, and large-page
 * segments are ordinary ones.
 */
void aixipc_shm_setup(void)
{
	struct file_system_type *type;
	struct vfsmount *mnt;
	char opts[] = "huge=always";

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		return;
	type = get_fs_type("tmpfs");
	if (!type)
		return;
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, "aixipc", opts);
	module_put(type->owner);
	if (IS_ERR(mnt)) {
		pr_warn("no huge page mount (%ld): large pages are small\n",
			PTR_ERR(mnt));
		return;
	}
	aixipc_shm_huge_mnt = mnt;
}

/* Module unload: every segment is gone; their files keep the mount. */
void aixipc_shm_cleanup(void)
{
	if (aixipc_shm_huge_mnt)
		kern_unmount(aixipc_shm_huge_mnt);
	aixipc_shm_huge_mnt = NULL;
}

const struct aixipc_kind_ops aixipc_shm_ops = {
	.alloc = aixipc_shm_alloc,
	.reopen = aixipc_shm_reopen,
	.destroy = aixipc_shm_destroy,
	.free = aixipc_shm_free,
	.fill = aixipc_shm_fill,
	.info = aixipc_shm_info,
	.remove = aixipc_shm_rmid,
};
