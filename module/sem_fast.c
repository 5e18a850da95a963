// SPDX-License-Identifier: GPL-2.0
/*
 * The semaphore fast path: a set's values shared with user space, so that
 * an operation nobody waits on is one compare-and-swap in libaixipc.
 * Documentation/aixipc.rst, "Semaphores without a system call", gives the
 * protocol and why each of its invariants holds; in short:
 *
 *  - A set's "area" is vmalloc'ed memory: a page of struct aixipc_sem_meta,
 *    then one 64-bit word per semaphore (uapi).  AIXIPC_IOC_SEMMAP maps it
 *    into the caller, writable with alter permission, read-only with read
 *    permission.  The words are shared; the meta page is read-only to all.
 *  - A word with AIXIPC_SEMW_KERNEL clear belongs to user space: its value
 *    is the semaphore's.  Before the kernel reads or changes a value it
 *    takes the word (aixipc_sem_own(): one fetch_or of the bit) and
 *    imports what user space left there, clamped to [0, semvmx]; from then
 *    on sem->val is the truth and the word mirrors it.  The kernel gives a
 *    word back only where a single-operation semop leaves nobody waiting
 *    on it (sem.c).  A hostile writer can do no more to a word than set its
 *    value, which its alter permission allows anyway; the kernel never
 *    loops on a word nor trusts one beyond a clamp.
 *  - sempid: a fast operation writes the caller's ticket into the word: a
 *    random 32-bit number this file gave the process for this set at
 *    SEMMAP.  Importing a word turns its ticket back into the process
 *    (aixipc_sem_import()).  A ticket that names no process (forged) is
 *    ignored.  sem_otime: the fast path runs only while meta.otime is the
 *    current second, so the kernel's otime is already right for it.
 *  - Access is revoked at IPC_SET and IPC_RMID by unmapping the area from
 *    every process (aixipc_semmap_revoke()) before the call returns; the
 *    fault handler maps it again only for a process that still has the
 *    permission its mapping needs, and gives any other a private page of
 *    "kernel owns" words (and the zero page, read-only, as its meta page),
 *    on which every fast operation falls back to the system call, which
 *    fails as it should (EACCES, EIDRM).  A words page made writable again
 *    after mprotect is checked the same way (pfn_mkwrite).  A mapping is
 *    also only good in the process that made it: a fork child faults the
 *    same private page (VM_WIPEONFORK), so its operations go through the
 *    kernel and are stamped with its own pid.
 *  - The mappings are VM_IO | VM_PFNMAP: get_user_pages() refuses them, so
 *    no pin (io_uring, O_DIRECT, vmsplice) outlives a revocation.
 *  - SEM_UNDO: a word the kernel gives back after a SEM_UNDO operation may
 *    carry the caller's adjustment with its "holder" ticket (its ticket |
 *    AIXIPC_SEM_TICKET_HOLD); sem_undo.c keeps that hold.  Tickets given
 *    here have that bit clear.
 *
 * Locking:
 *  - area->map_mutex orders faults against revocation: the fault handler
 *    checks and inserts under it, aixipc_semmap_revoke() unmaps under it
 *    after the permissions changed, so no check made before a change
 *    inserts a page after the unmap.  It also guards the ticket table's
 *    changes (area->tickets, area->nr_tickets).  Order: mmap_lock, then
 *    map_mutex, then the set-wide lock.
 *  - The words themselves are atomics; sem.c takes them under the lock of
 *    their semaphore (sem.h), reading set->words there.  set->area and
 *    set->words are set in global mode and cleared at IPC_RMID.
 *  - Lifetimes: the set holds its area's file until IPC_RMID; every VMA
 *    holds the file (vm_file); the file holds the area, which holds a
 *    reference to the set, so a fault can always look at the set.  The
 *    file's f_op->owner is this module (as shm.c's attach files).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/pid.h>
#include <linux/random.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "ns.h"
#include "sem.h"

struct aixipc_sem_area {
	struct aixipc_sem_set *set;	/* a reference */
	struct file *file;		/* the file every mapping has as vm_file */
	void *mem;			/* meta page, then the words */
	struct aixipc_sem_meta *meta;
	atomic64_t *words;
	unsigned long npages;
	struct mutex map_mutex;		/* faults against revocation; tickets */
	struct xarray tickets;		/* ticket -> aixipc_sem_ticket */
	unsigned int nr_tickets;	/* [map_mutex] */
};

/* One process's ticket for one set. */
struct aixipc_sem_ticket {
	struct pid *pid;		/* its thread group (a reference) */
	bool marked;			/* [map_mutex] aixipc_sem_tickets_gc() */
	struct rcu_head rcu;
};

/* Importers look tickets up under RCU: free one after a grace period. */
static void aixipc_sem_ticket_free_rcu(struct rcu_head *head)
{
	struct aixipc_sem_ticket *t =
		container_of(head, struct aixipc_sem_ticket, rcu);

	put_pid(t->pid);
	kfree(t);
}

/* Unlock a set locked in global mode by this file (nobody to wake). */
static void aixipc_sem_unlock_quiet(struct aixipc_sem_set *set)
{
	struct aixipc_wake wake;

	aixipc_wake_init(&wake);
	aixipc_sem_unlock_global(set, &wake);
}

/* One mapping of an area: what its fault handler needs. */
struct aixipc_semmap_vma {
	struct aixipc_sem_area *area;	/* kept by vm_file */
	struct pid *owner;		/* the thread group that mapped it */
	struct page *junk;		/* "kernel owns" words, or NULL */
};

/* Tickets beyond the set's size plus this start a collection. */
#define AIXIPC_SEM_TICKETS_SLACK 64

static size_t aixipc_sem_area_size(unsigned int nsems)
{
	return AIXIPC_SEM_WORDS_OFFSET + PAGE_ALIGN((size_t)nsems * sizeof(u64));
}

/**
 * aixipc_sem_import - take in what user space left in a word
 * @set: the set; the lock of semaphore @i held (sem.h)
 * @i: the semaphore
 * @word: its word as the kernel took it (AIXIPC_SEMW_KERNEL was clear)
 */
void aixipc_sem_import(struct aixipc_sem_set *set, unsigned int i, u64 word)
{
	struct aixipc_sem *sem = &set->sems[i];
	u32 ticket = word >> AIXIPC_SEMW_TICKET_SHIFT;
	struct aixipc_sem_ticket *t;

	aixipc_sem_assert_locked(set, sem);
	sem->val = min_t(int, word & AIXIPC_SEMW_VALUE,
			 aixipc_limit(set->obj.ids->ns, semvmx));
	if (ticket == AIXIPC_SEM_TICKET_KERNEL)
		return;
	rcu_read_lock();
	t = xa_load(&set->area->tickets, ticket & ~AIXIPC_SEM_TICKET_HOLD);
	if (t)
		aixipc_set_pid(&sem->pid, t->pid);
	rcu_read_unlock();
}

/**
 * aixipc_sem_area_stamp - tell the fast path the set's new sem_otime
 * @set: the set, with the lock that guards set->otime's writers
 * @t: the time
 */
void aixipc_sem_area_stamp(struct aixipc_sem_set *set, time64_t t)
{
	if (set->area)
		WRITE_ONCE(set->area->meta->otime, t);
}

/**
 * aixipc_sem_area_kill - IPC_RMID: every word to the kernel, the area dead
 * @set: the set, in global mode, marked deleted
 *
 * The caller unmaps it afterwards (aixipc_semmap_revoke()), with no lock
 * held; the set's reference to the area passes to that caller.
 */
void aixipc_sem_area_kill(struct aixipc_sem_set *set)
{
	unsigned int i;

	aixipc_sem_assert_global(set);
	if (!set->area)
		return;
	WRITE_ONCE(set->area->meta->live, 0);
	for (i = 0; i < set->nsems; i++)
		atomic64_set(&set->words[i], AIXIPC_SEMW_OWNED_BY_KERNEL);
	WRITE_ONCE(set->words, NULL);
	WRITE_ONCE(set->area, NULL);
}

/* Is @vma's process still allowed what its mapping of @area gives? */
static bool aixipc_semmap_allowed(struct aixipc_sem_area *area,
				  struct aixipc_semmap_vma *mv,
				  struct vm_area_struct *vma)
{
	struct aixipc_sem_set *set = area->set;
	unsigned int acc = vma->vm_flags & VM_WRITE ? AIXIPC_PERM_ALTER :
						      AIXIPC_PERM_READ;
	bool ok;

	lockdep_assert_held(&area->map_mutex);
	if (task_tgid(current) != mv->owner)
		return false;
	spin_lock(&set->obj.lock);
	ok = !set->obj.deleted && !__aixipc_check_perm(&set->obj, acc);
	spin_unlock(&set->obj.lock);
	return ok;
}

/* @mv's page of "kernel owns" words, made on first use; map_mutex held. */
static struct page *aixipc_semmap_junk(struct aixipc_sem_area *area,
				       struct aixipc_semmap_vma *mv)
{
	u64 *w;
	unsigned int i;

	lockdep_assert_held(&area->map_mutex);
	if (mv->junk)
		return mv->junk;
	mv->junk = alloc_page(GFP_KERNEL_ACCOUNT);
	if (!mv->junk)
		return NULL;
	w = page_address(mv->junk);
	for (i = 0; i < PAGE_SIZE / sizeof(*w); i++)
		w[i] = AIXIPC_SEMW_OWNED_BY_KERNEL;
	return mv->junk;
}

/*
 * A fault on a mapping of an area: the area's page for a process still
 * allowed, else the mapping's private page (the zero page for the meta
 * page); the meta page read-only.
 */
static vm_fault_t aixipc_semmap_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct aixipc_semmap_vma *mv = vma->vm_private_data;
	struct aixipc_sem_area *area = mv->area;
	vm_flags_t flags = vma->vm_flags;
	unsigned long pfn;
	struct page *junk;
	vm_fault_t ret;

	if (vmf->pgoff >= area->npages)
		return VM_FAULT_SIGBUS;
	if (!vmf->pgoff)
		flags &= ~VM_WRITE;
	mutex_lock(&area->map_mutex);
	if (aixipc_semmap_allowed(area, mv, vma)) {
		pfn = vmalloc_to_pfn(area->mem + (vmf->pgoff << PAGE_SHIFT));
	} else if (!vmf->pgoff) {
		/*
		 * The zero page, read-only: live reads 0, and no write to the
		 * private words below can make it read otherwise.
		 */
		pfn = page_to_pfn(ZERO_PAGE(vmf->address));
	} else {
		junk = aixipc_semmap_junk(area, mv);
		if (!junk) {
			ret = VM_FAULT_OOM;
			goto out;
		}
		pfn = page_to_pfn(junk);
	}
	ret = vmf_insert_pfn_prot(vma, vmf->address, pfn,
				  vm_get_page_prot(flags));
out:
	mutex_unlock(&area->map_mutex);
	return ret;
}

/*
 * A write to a page mapped read-only.  The meta page stays so (SIGBUS).  A
 * words page was mapped read-only while the mapping was (mprotect), and
 * the mapping is writable again: it may become writable only if the
 * process still has alter permission, checked as a fault checks it (the
 * core then re-checks that the entry did not change meanwhile, so a
 * revocation after this check is not undone).
 */
static vm_fault_t aixipc_semmap_pfn_mkwrite(struct vm_fault *vmf)
{
	struct aixipc_semmap_vma *mv = vmf->vma->vm_private_data;
	struct aixipc_sem_area *area = mv->area;
	bool ok;

	if (!vmf->pgoff)
		return VM_FAULT_SIGBUS;
	mutex_lock(&area->map_mutex);
	ok = aixipc_semmap_allowed(area, mv, vmf->vma);
	mutex_unlock(&area->map_mutex);
	return ok ? 0 : VM_FAULT_SIGBUS;
}

static void aixipc_semmap_vma_free(struct aixipc_semmap_vma *mv)
{
	if (mv->junk)
		put_page(mv->junk);
	put_pid(mv->owner);
	kfree(mv);
}

/*
 * A copy of a mapping (split, mremap, fork): its own private data.  The
 * private page is shared with the original, whose entries a split keeps.
 * Called with mmap_lock held for writing; the allocation cannot fail
 * (->open has no way to refuse), and it is 32 bytes.
 */
static void aixipc_semmap_open(struct vm_area_struct *vma)
{
	struct aixipc_semmap_vma *old = vma->vm_private_data, *mv;

	mv = kzalloc(sizeof(*mv), GFP_KERNEL_ACCOUNT | __GFP_NOFAIL);
	mv->area = old->area;
	mv->owner = get_pid(old->owner);
	mutex_lock(&old->area->map_mutex);
	mv->junk = old->junk;
	if (mv->junk)
		get_page(mv->junk);
	mutex_unlock(&old->area->map_mutex);
	vma->vm_private_data = mv;
}

static void aixipc_semmap_close(struct vm_area_struct *vma)
{
	aixipc_semmap_vma_free(vma->vm_private_data);
}

static const struct vm_operations_struct aixipc_semmap_vm_ops = {
	.open = aixipc_semmap_open,
	.close = aixipc_semmap_close,
	.fault = aixipc_semmap_fault,
	.pfn_mkwrite = aixipc_semmap_pfn_mkwrite,
};

/*
 * ->mmap of an area's file: from AIXIPC_IOC_SEMMAP's vm_mmap(), or a
 * remap of one of its mappings.  Checked against the set as it is now;
 * a read-only mapping can never become writable.
 */
static int aixipc_semmap_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct aixipc_sem_area *area = file->private_data;
	struct aixipc_sem_set *set = area->set;
	unsigned int acc = vma->vm_flags & VM_WRITE ? AIXIPC_PERM_ALTER :
						      AIXIPC_PERM_READ;
	struct aixipc_semmap_vma *mv;
	int err;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff >= area->npages ||
	    vma_pages(vma) > area->npages - vma->vm_pgoff)
		return -EINVAL;
	spin_lock(&set->obj.lock);
	err = set->obj.deleted ? -EIDRM : __aixipc_check_perm(&set->obj, acc);
	spin_unlock(&set->obj.lock);
	if (err)
		return err;
	mv = kzalloc(sizeof(*mv), GFP_KERNEL_ACCOUNT);
	if (!mv)
		return -ENOMEM;
	mv->area = area;
	mv->owner = get_pid(task_tgid(current));
	vma->vm_private_data = mv;
	vma->vm_ops = &aixipc_semmap_vm_ops;
	aixipc_vm_flags_mod(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			    VM_DONTDUMP | VM_WIPEONFORK,
			    vma->vm_flags & VM_WRITE ? 0 : VM_MAYWRITE);
	return 0;
}

/* The last mapping went and the set let go: free the area. */
static int aixipc_semmap_file_release(struct inode *inode, struct file *file)
{
	struct aixipc_sem_area *area = file->private_data;
	struct aixipc_sem_ticket *t;
	unsigned long ticket;

	xa_for_each(&area->tickets, ticket, t) {
		put_pid(t->pid);
		kfree(t);
	}
	xa_destroy(&area->tickets);
	aixipc_obj_put(&area->set->obj);
	vfree(area->mem);
	kfree(area);
	return 0;
}

static const struct file_operations aixipc_semmap_fops = {
	.owner = THIS_MODULE,
	.mmap = aixipc_semmap_file_mmap,
	.release = aixipc_semmap_file_release,
};

/*
 * A new area for @set, its words all owned by the kernel, mirroring
 * nothing yet (aixipc_sem_area_publish() fills them).  @set held by the
 * caller, unlocked.  May sleep.  Return: the area or ERR_PTR(-ENOMEM).
 */
static struct aixipc_sem_area *aixipc_sem_area_new(struct aixipc_sem_set *set)
{
	size_t size = aixipc_sem_area_size(set->nsems);
	struct aixipc_sem_area *area;
	struct file *shmem, *file;
	struct inode *inode;

	area = kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT);
	if (!area)
		return ERR_PTR(-ENOMEM);
	area->mem = __vmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!area->mem)
		goto free;
	area->meta = area->mem;
	area->words = area->mem + AIXIPC_SEM_WORDS_OFFSET;
	area->npages = size >> PAGE_SHIFT;
	mutex_init(&area->map_mutex);
	xa_init(&area->tickets);

	/*
	 * An inode of its own, so revoking unmaps this area's mappings and
	 * no others: the one of an empty shmem file, which never gets a page.
	 * Its failure is one of memory whatever shmem calls it (a failed
	 * inode allocation is ENOSPC there): ENOMEM, as for the rest.
	 */
	shmem = aixipc_shmem_file_noreserve("[aixipc-sem]", 0);
	if (IS_ERR(shmem))
		goto free;
	inode = file_inode(shmem);
	__module_get(THIS_MODULE);
	ihold(inode);
	file = alloc_file_pseudo(inode, shmem->f_path.mnt, "[aixipc-sem]",
				 O_RDWR, &aixipc_semmap_fops);
	fput(shmem);
	if (IS_ERR(file)) {
		iput(inode);
		module_put(THIS_MODULE);
		goto free;
	}
	aixipc_obj_get(&set->obj);
	area->set = set;
	area->file = file;
	file->private_data = area;
	return area;
free:
	vfree(area->mem);
	kfree(area);
	return ERR_PTR(-ENOMEM);
}

/* Drop a reference to @area (its file). */
static void aixipc_sem_area_put(struct aixipc_sem_area *area)
{
	fput(area->file);
}

/*
 * Publish @area as @set's: every word owned by the kernel and mirroring
 * its value, the meta page filled.  Global mode.
 */
static void aixipc_sem_area_publish(struct aixipc_sem_set *set,
				    struct aixipc_sem_area *area)
{
	unsigned int i;

	aixipc_sem_assert_global(set);
	for (i = 0; i < set->nsems; i++)
		atomic64_set(&area->words[i], AIXIPC_SEMW_OWNED_BY_KERNEL |
			     set->sems[i].val);
	area->meta->semvmx = aixipc_limit(set->obj.ids->ns, semvmx);
	area->meta->semaem = aixipc_limit(set->obj.ids->ns, semaem);
	area->meta->nsems = set->nsems;
	area->meta->otime = READ_ONCE(set->otime);
	smp_wmb();	/* the words before live; readers check live first */
	WRITE_ONCE(area->meta->live, AIXIPC_SEM_LIVE);
	WRITE_ONCE(set->area, area);
	WRITE_ONCE(set->words, area->words);
}

/**
 * aixipc_sem_limits_changed - show @ns's new semvmx, semaem to the fast path
 * @ns: a namespace whose limits were just set
 *
 * Every area of the namespace's sets gets the new limit before the call
 * that set it returns; a fast operation racing it completed before it.
 * Takes the registry's rwsem for reading, then each set's lock; called
 * with neither held (after aixipc_ns_limits_mutex is released).
 */
void aixipc_sem_limits_changed(struct aixipc_ns *ns)
{
	struct aixipc_ids *ids = &ns->ids[AIXIPC_SEM];
	struct aixipc_sem_set *set;
	struct aixipc_obj *obj;
	int slot;

	down_read(&ids->rwsem);
	idr_for_each_entry(&ids->idr, obj, slot) {
		set = container_of(obj, struct aixipc_sem_set, obj);
		spin_lock(&obj->lock);
		if (set->area) {
			WRITE_ONCE(set->area->meta->semvmx,
				   aixipc_limit(ns, semvmx));
			WRITE_ONCE(set->area->meta->semaem,
				   aixipc_limit(ns, semaem));
		}
		spin_unlock(&obj->lock);
	}
	up_read(&ids->rwsem);
}

/*
 * Collect tickets of processes that are gone and that no word names any
 * more.  A word names at most one ticket, so what stays is bounded by the
 * live processes plus the set's size.  map_mutex held.
 */
static void aixipc_sem_tickets_gc(struct aixipc_sem_area *area)
{
	unsigned int i, nsems = area->meta->nsems;
	struct aixipc_sem_ticket *t;
	unsigned long ticket;

	lockdep_assert_held(&area->map_mutex);
	xa_for_each(&area->tickets, ticket, t)
		t->marked = false;
	for (i = 0; i < nsems; i++) {
		u64 w = atomic64_read(&area->words[i]);

		t = xa_load(&area->tickets, (w >> AIXIPC_SEMW_TICKET_SHIFT) &
			    ~AIXIPC_SEM_TICKET_HOLD);
		if (t)
			t->marked = true;
	}
	xa_for_each(&area->tickets, ticket, t) {
		if (t->marked || pid_has_task(t->pid, PIDTYPE_TGID))
			continue;
		xa_erase(&area->tickets, ticket);
		area->nr_tickets--;
		call_rcu(&t->rcu, aixipc_sem_ticket_free_rcu);
	}
}

/*
 * The calling process's ticket for @area, made on first use.
 * Return: the ticket, or 0 (ENOMEM).
 */
static u32 aixipc_sem_ticket(struct aixipc_sem_area *area)
{
	struct pid *pid = task_tgid(current);
	struct aixipc_sem_ticket *t;
	unsigned long ticket;
	u32 id = 0;

	mutex_lock(&area->map_mutex);
	xa_for_each(&area->tickets, ticket, t) {
		if (t->pid == pid) {
			id = ticket;
			goto out;
		}
	}
	if (area->nr_tickets >= area->meta->nsems + AIXIPC_SEM_TICKETS_SLACK)
		aixipc_sem_tickets_gc(area);
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		goto out;
	t->pid = get_pid(pid);
	do {
		id = get_random_u32() & ~AIXIPC_SEM_TICKET_HOLD;
	} while (id <= AIXIPC_SEM_TICKET_KERNEL ||
		 xa_insert(&area->tickets, id, t, GFP_KERNEL_ACCOUNT) == -EBUSY);
	if (xa_load(&area->tickets, id) != t) {	/* -ENOMEM */
		put_pid(t->pid);
		kfree(t);
		id = 0;
		goto out;
	}
	area->nr_tickets++;
out:
	mutex_unlock(&area->map_mutex);
	return id;
}

/**
 * aixipc_sem_ticket_find - the calling process's ticket for @set's area
 * @set: the set, with its set-wide lock held
 *
 * Return: the ticket, or 0 if the area is not mapped or the process has
 * none (it has not mapped the area).  Used once per process and set, when
 * its SEM_UNDO record is made (sem_undo.c).
 */
u32 aixipc_sem_ticket_find(struct aixipc_sem_set *set)
{
	struct pid *pid = task_tgid(current);
	struct aixipc_sem_ticket *t;
	unsigned long ticket;

	aixipc_assert_locked(&set->obj);
	if (!set->area)
		return 0;
	xa_for_each(&set->area->tickets, ticket, t)
		if (t->pid == pid)
			return ticket;
	return 0;
}

/**
 * aixipc_semmap_revoke - unmap @area from every process
 * @area: an area the caller holds (a file reference), with no lock held
 *
 * After IPC_SET or IPC_RMID changed what the set allows: every later
 * access faults and is checked again.  Under map_mutex, so a fault that
 * checked before the change has inserted its page before this unmaps.
 */
static void aixipc_semmap_revoke(struct aixipc_sem_area *area)
{
	mutex_lock(&area->map_mutex);
	unmap_mapping_range(area->file->f_mapping, 0, 0, 1);
	mutex_unlock(&area->map_mutex);
}

/**
 * aixipc_sem_area_get - @set's area with a reference, or NULL
 * @set: locked with its set-wide lock
 */
struct aixipc_sem_area *aixipc_sem_area_get(struct aixipc_sem_set *set)
{
	struct aixipc_sem_area *area = set->area;

	aixipc_assert_locked(&set->obj);
	if (area)
		get_file(area->file);
	return area;
}

/**
 * aixipc_semmap_revoke_put - revoke and drop an area the caller holds
 * @area: from aixipc_sem_area_get(), or NULL; no lock held
 */
void aixipc_semmap_revoke_put(struct aixipc_sem_area *area)
{
	if (!area)
		return;
	aixipc_semmap_revoke(area);
	aixipc_sem_area_put(area);
}

/**
 * aixipc_sem_remove - IPC_RMID for a set, with every mapping revoked
 * @obj: the set, locked by aixipc_lock_for_change()
 *
 * Releases what aixipc_lock_for_change() took; the fast path of every
 * process is gone before this returns.  Return: 0.
 */
int aixipc_sem_remove(struct aixipc_obj *obj)
{
	struct aixipc_sem_set *set = container_of(obj, struct aixipc_sem_set, obj);
	struct aixipc_sem_area *area = set->area;	/* the set's reference */

	aixipc_rmid(obj);	/* aixipc_sem_area_kill() lets go of it */
	aixipc_semmap_revoke_put(area);
	return 0;
}

/**
 * aixipc_semmap - AIXIPC_IOC_SEMMAP: map a set's area into the caller
 * @ns: the namespace
 * @req: the request
 *
 * Needs read permission, and alter permission with AIXIPC_SEMMAP_WRITE,
 * which also needs AIXIPC_SEMMAP_UNDO (a caller that does not know the
 * SEM_UNDO rules could drop another process's adjustment).
 * The id is resolved once; the area is made with the set held and
 * unlocked, then published on the same set if it still lives.
 * Return: 0 or -errno (EINVAL, EOPNOTSUPP, EIDRM, EACCES, ENOMEM, and
 * mmap's).
 */
int aixipc_semmap(struct aixipc_ns *ns, struct aixipc_semmap *req)
{
	unsigned int acc = req->flags & AIXIPC_SEMMAP_WRITE ? AIXIPC_PERM_ALTER :
							      AIXIPC_PERM_READ;
	struct aixipc_sem_area *area, *new = NULL;
	struct aixipc_sem_set *set;
	unsigned long addr;
	int err;
	u32 ticket;

	if (req->flags & ~(AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO) ||
	    req->id < 0)
		return -EINVAL;
	if ((req->flags & (AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO)) ==
	    AIXIPC_SEMMAP_WRITE)
		return -EOPNOTSUPP;
	set = aixipc_sem_lock_id(ns, req->id);
	if (IS_ERR(set))
		return PTR_ERR(set);
	err = aixipc_check_perm(&set->obj, acc);
	if (err)
		goto unlock;
	area = aixipc_sem_area_get(set);
	if (!area) {
		aixipc_obj_get(&set->obj);
		aixipc_sem_unlock_quiet(set);
		new = aixipc_sem_area_new(set);
		if (IS_ERR(new)) {
			aixipc_obj_put(&set->obj);
			return PTR_ERR(new);
		}
		err = aixipc_sem_lock_global(set);
		aixipc_obj_put(&set->obj);	/* locked and live: not the last */
		if (err)
			goto free_new;
		err = aixipc_check_perm(&set->obj, acc);
		if (err)
			goto unlock;
		area = aixipc_sem_area_get(set);
		if (!area) {
			aixipc_sem_area_publish(set, new);
			area = new;	/* the set's reference, now */
			get_file(area->file);
			new = NULL;
		}
	}
	aixipc_sem_unlock_quiet(set);
	if (new)
		aixipc_sem_area_put(new);	/* another call won */

	ticket = aixipc_sem_ticket(area);
	if (!ticket) {
		err = -ENOMEM;
		goto put;
	}
	aixipc_undo_bind(set, ticket);
	addr = vm_mmap(area->file, 0, area->npages << PAGE_SHIFT,
		       PROT_READ | (acc == AIXIPC_PERM_ALTER ? PROT_WRITE : 0),
		       MAP_SHARED, 0);
	if (IS_ERR_VALUE(addr)) {
		err = addr;
		goto put;
	}
	req->addr = addr;
	req->size = area->npages << PAGE_SHIFT;
	req->nsems = set->nsems;
	req->ticket = ticket;
	err = 0;
put:
	aixipc_sem_area_put(area);
	return err;
unlock:
	aixipc_sem_unlock_quiet(set);
free_new:
	if (!IS_ERR_OR_NULL(new))
		aixipc_sem_area_put(new);
	return err;
}
