/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the kernels aixipc supports (5.10 to the newest, see "Supported
 * kernels" in Documentation/aixipc.rst) differ.  Every difference lives
 * here, each with the version that brought it and why it matters; no other
 * file tests LINUX_VERSION_CODE.  A macro the kernel defines is tested
 * directly (a distribution may backport it); a function, which the
 * preprocessor cannot see, by version.
 */
#ifndef _AIXIPC_COMPAT_H
#define _AIXIPC_COMPAT_H

#include <linux/file.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
/*
 * pagevec.h, by then holding only folio batches, became folio_batch.h
 * after 6.12 (7.2 has only the new name).
 */
#if __has_include("linux/folio_batch.h")
#include <linux/folio_batch.h>
#else
#include <linux/pagevec.h>
#endif
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/version.h>

/* vm_flags became read-only behind accessors in 6.3. */
static inline void aixipc_vm_flags_mod(struct vm_area_struct *vma,
				       vm_flags_t set, vm_flags_t clear)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/*
 * ->map_pages() (fault-around) returns a vm_fault_t since 5.12; before,
 * an attachment does without it (shmem's fault handler maps each page).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 12, 0)
#define AIXIPC_VM_OPS_MAP_PAGES(fn)	.map_pages = (fn),
static inline vm_fault_t
aixipc_call_map_pages(const struct vm_operations_struct *ops,
		      struct vm_fault *vmf, pgoff_t start, pgoff_t end)
{
	return ops->map_pages(vmf, start, end);
}
#else
#define AIXIPC_VM_OPS_MAP_PAGES(fn)
static inline vm_fault_t
aixipc_call_map_pages(const struct vm_operations_struct *ops,
		      struct vm_fault *vmf, pgoff_t start, pgoff_t end)
{
	return VM_FAULT_SIGBUS;	/* never called: not in the vm_ops */
}
#endif

/*
 * A segment's shmem file, without reservation (pages come at first touch).
 * shmem_file_setup()'s flags became a vma_flags_t bitmap, made with
 * mk_vma_flags(), after 6.12 (7.2 has it): tested by that macro.
 */
static inline struct file *
aixipc_shmem_file_noreserve(const char *name, loff_t size)
{
#ifdef mk_vma_flags
	return shmem_file_setup(name, size, mk_vma_flags(VMA_NORESERVE_BIT));
#else
	return shmem_file_setup(name, size, VM_NORESERVE);
#endif
}

/* The same on a shmem mount of the module's own (large-page segments). */
static inline struct file *
aixipc_shmem_file_noreserve_on(struct vfsmount *mnt, const char *name,
			       loff_t size)
{
#ifdef mk_vma_flags
	return shmem_file_setup_with_mnt(mnt, name, size,
					 mk_vma_flags(VMA_NORESERVE_BIT));
#else
	return shmem_file_setup_with_mnt(mnt, name, size, VM_NORESERVE);
#endif
}

/*
 * Map @file into @vma as mmap() would.  call_mmap() became vfs_mmap() in
 * 6.17, which also serves files that only have ->mmap_prepare (shmem's
 * since then).
 */
static inline int aixipc_vfs_mmap(struct file *file, struct vm_area_struct *vma)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
	return vfs_mmap(file, vma);
#else
	return call_mmap(file, vma);
#endif
}

/* vma_set_file() came in 5.11; before, a driver swapped vm_file by hand. */
static inline void aixipc_vma_set_file(struct vm_area_struct *vma,
				       struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	vma_set_file(vma, file);
#else
	struct file *old = vma->vm_file;

	vma->vm_file = get_file(file);
	fput(old);
#endif
}

/*
 * Put a mapping's pages back on the evictable LRU lists after its
 * unevictable flag was cleared (what shmem_unlock_mapping(), not exported,
 * does for Linux's SHM_UNLOCK).  Folio batches replaced pagevecs here in
 * 6.1 (check_move_unevictable_pages() went in 6.6).
 */
static inline void aixipc_mapping_make_evictable(struct address_space *mapping)
{
	pgoff_t index = 0;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
	struct folio_batch fbatch;

	folio_batch_init(&fbatch);
	while (!mapping_unevictable(mapping) &&
	       filemap_get_folios(mapping, &index, ~0UL, &fbatch)) {
		check_move_unevictable_folios(&fbatch);
		folio_batch_release(&fbatch);
		cond_resched();
	}
#else
	struct pagevec pvec;

	pagevec_init(&pvec);
	while (!mapping_unevictable(mapping) &&
	       pagevec_lookup(&pvec, mapping, &index)) {
		check_move_unevictable_pages(&pvec);
		pagevec_release(&pvec);
		cond_resched();
	}
#endif
}

/*
 * What kmalloc() really allocates for @size bytes, for charging it:
 * kmalloc_size_roundup() came in 6.1.  Before, the same from the kmalloc
 * caches' sizes (powers of two from 8, and 96 and 192) and, above the
 * largest cache, whole pages from the page allocator.
 */
static inline size_t aixipc_kmalloc_size_roundup(size_t size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
	return kmalloc_size_roundup(size);
#else
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return PAGE_SIZE << get_order(size);
	if (size <= 8)
		return 8;
	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	return roundup_pow_of_two(size);
#endif
}

/* lockdep_assert(), an assertion on any lockdep condition, came in 5.11. */
#ifndef lockdep_assert
#ifdef CONFIG_LOCKDEP
#define lockdep_assert(cond)	WARN_ON(debug_locks && !(cond))
#else
#define lockdep_assert(cond)	do { } while (0)
#endif
#endif

#endif /* _AIXIPC_COMPAT_H */
