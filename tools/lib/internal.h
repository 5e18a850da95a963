/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libaixipc internals: the device and safe access to callers' memory. */
#ifndef AIXIPC_LIB_INTERNAL_H
#define AIXIPC_LIB_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/aixipc.h>

#define AIXIPC_EXPORT __attribute__((visibility("default")))

/* The process's /dev/aixipc descriptor, or -1 with errno ENOSYS. */
int aixipc_dev(void);

/* One ioctl; returns 0, or -1 with errno set. */
int aixipc_call(unsigned long cmd, void *arg);

/*
 * Copy to or from a caller's buffer without trusting it: -1 with errno
 * EFAULT when it is not mapped (or not writable), as a system call would.
 */
int aixipc_copy_out(void *dst, const void *src, size_t n);
int aixipc_copy_in(void *dst, const void *src, size_t n);

/* glibc's IPC_PRIVATE (0) is aixipc's -1; every other key is itself. */
static inline int aixipc_key(int key)
{
	return key == 0 ? AIXIPC_KEY_PRIVATE : key;
}

/* And back, for IPC_STAT: private objects report glibc's IPC_PRIVATE. */
static inline int aixipc_key_out(int key)
{
	return key == AIXIPC_KEY_PRIVATE ? 0 : key;
}

/*
 * The ctl calls' IPC_64 bit ("new struct layout"): 32-bit x86 Linux
 * accepts and ignores it in a command, x86-64 refuses it; the shim does
 * as the kernel of the caller's word size would.
 */
static inline int strip_ipc64(int cmd)
{
#if defined(__i386__)
	return cmd & ~0x100;
#else
	return cmd;
#endif
}

/*
 * A size whose signed value is negative: EINVAL, as Linux's calls take it
 * (signed in the 32-bit compat calls too, where size_t would not be).
 */
static inline int aixipc_bad_size(size_t n)
{
	if ((ptrdiff_t)n >= 0)
		return 0;
	errno = EINVAL;
	return 1;
}

/*
 * i386 programs built with glibc's 64-bit time_t (_TIME_BITS=64, glibc
 * 2.34 and later) call glibc's time64 entry points (__msgctl64 ...).
 * Their structs hold each time in 64 bits where the 32-bit structs hold
 * the time and, in the next word, its high half (the kernel's 32-bit
 * IPC_64 layout): the same bytes.  The 32-bit conversions fill both
 * halves, so one function serves both names; asserts beside each second
 * name prove that every field is where the other layout has it.
 */
#if defined(__i386__) && __GLIBC_PREREQ(2, 34)
#define AIXIPC_TIME64 1
#define AIXIPC_TIME_HIGH(t) ((unsigned long)((uint64_t)(t) >> 32))
/* Field @f of struct @a at the same place in struct @b. */
#define AIXIPC_SAME_FIELD(a, b, f) \
	_Static_assert(offsetof(struct a, f) == offsetof(struct b, f), #f)
/* Time @f: @a's low and high halves are @b's 64-bit time. */
#define AIXIPC_TIME_FIELD(a, b, f) \
	_Static_assert(offsetof(struct a, f) == offsetof(struct b, f) && \
		       offsetof(struct a, __##f##_high) == \
		       offsetof(struct a, f) + 4 && \
		       sizeof(((struct b *)0)->f) == 8, #f)
#endif

/* sem.c: semtimedop with a 64-bit time_t timeout (i386's time64 calls). */
struct sembuf;
int aixipc_semtimedop_t64(int semid, struct sembuf *sops, size_t nsops,
			  const void *timeout);

/* sem_fast.c: 0 done, -1 failed (errno), 1 the kernel must do it. */
int aixipc_semop_fast(int semid, const struct sembuf *sops, size_t nsops);
int aixipc_getval_fast(int semid, int semnum, int *val);
void aixipc_semop_altered(int semid);
int aixipc_fast_copy_in(void *dst, const void *src, size_t n);

/* ipc_old.c: i386 ipc()'s ctl calls without IPC_64 (the old layouts). */
int aixipc_old_msgctl(int msqid, int cmd, void *buf);
int aixipc_old_semctl(int semid, int semnum, int cmd, void *arg);
int aixipc_old_shmctl(int shmid, int cmd, void *buf);

/* For Linux's IPC_INFO and *_INFO commands (info.c). */
int aixipc_get_limits(struct aixipc_limits *l);
bool aixipc_has_feature(uint64_t bit);
int aixipc_totals(uint32_t kind, struct aixipc_info *info);
int aixipc_clamp_int(uint64_t v);

#endif /* AIXIPC_LIB_INTERNAL_H */
