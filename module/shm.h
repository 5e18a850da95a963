/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared memory: the registry hooks, the ioctl and mmap entry points, and
 * the pure size and address rules (kept here, inline, for the KUnit suite).
 */
#ifndef _AIXIPC_SHM_H
#define _AIXIPC_SHM_H

#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/types.h>
#include <uapi/linux/aixipc.h>

#include "ids.h"

struct file;

extern const struct aixipc_kind_ops aixipc_shm_ops;

int aixipc_shmat(struct aixipc_ns *ns, struct aixipc_shmat *req);
int aixipc_shmdt(struct aixipc_ns *ns, struct aixipc_shmdt *req);
int aixipc_shmctl(struct aixipc_ns *ns, struct aixipc_shmctl *req);
int aixipc_shm_mmap(struct aixipc_ns *ns, struct vm_area_struct *vma);
void aixipc_shm_setup(void);
void aixipc_shm_cleanup(void);

/* Pages a segment of @size bytes occupies (what shmall counts). */
static inline u64 aixipc_shm_pages(u64 size)
{
	return (size >> PAGE_SHIFT) + !!(size & ~PAGE_MASK);
}

/* Is @size a valid segment size under the limits? */
static inline bool aixipc_shm_size_ok(u64 size, u64 shmmin, u64 shmmax)
{
	return size >= shmmin && size <= shmmax;
}

/*
 * aixipc_shm_attach_addr - where shmat maps a segment
 * @addr: the caller's address, 0 for "the kernel chooses"
 * @flags: AIXIPC_SHM_* attach flags (already validated)
 * @out: the address to map at (0: kernel chooses)
 *
 * Attach boundaries are pages, as on AIX with EXTSHM (SHM_GETLBA says so):
 * an unaligned address needs SHM_RND, which rounds it down; an address
 * that would round to 0 is refused rather than mapped at page 0 (the path
 * of CVE-2017-5669), and so is SHM_REMAP without an address.
 *
 * Return: 0 or -EINVAL.
 */
static inline int aixipc_shm_attach_addr(u64 addr, u32 flags, u64 *out)
{
	if (!addr) {
		*out = 0;
		return flags & AIXIPC_SHM_REMAP ? -EINVAL : 0;
	}
	if (addr & ~PAGE_MASK) {
		if (!(flags & AIXIPC_SHM_RND))
			return -EINVAL;
		addr &= PAGE_MASK;
		if (!addr)
			return -EINVAL;
	}
	*out = addr;
	return 0;
}

#endif /* _AIXIPC_SHM_H */
