/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few places where the kernels aixipc supports (6.1 and later) differ.
 * An out-of-tree module cannot avoid version checks; they all live here.
 */
#ifndef _AIXIPC_COMPAT_H
#define _AIXIPC_COMPAT_H

#include <linux/mm.h>
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

#endif /* _AIXIPC_COMPAT_H */
