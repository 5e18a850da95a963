// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared memory: shmget, shmat, shmdt, shmctl with glibc's ABI, plus AIX's
 * SHM_SIZE, SHM_PAGESIZE and SHM_GETLBA commands and SHM_MAP/SHM_COPY
 * file attaches (<aixipc.h>).  A segment attach is one ioctl: the module
 * maps the segment into the caller.  A file attach is an mmap() made here
 * and remembered, so that shmdt() can undo it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aixipc.h"
#include "internal.h"

AIXIPC_EXPORT int shmget(key_t key, size_t size, int shmflg)
{
	struct aixipc_get g = {
		.kind = AIXIPC_SHM,
		.key = aixipc_key(key),
		.flags = (shmflg & IPC_CREAT ? AIXIPC_CREAT : 0) |
			 (shmflg & IPC_EXCL ? AIXIPC_EXCL : 0) |
			 (shmflg & SHM_PIN ? AIXIPC_SHM_PIN : 0) |
			 (shmflg & SHM_LGPAGE ? AIXIPC_SHM_LGPAGE : 0),
		.mode = shmflg & 0777,
		.size = size,
	};

	/*
	 * Linux's SHM_HUGETLB needs reserved huge pages, which aixipc does
	 * not use: refused (SHM_LGPAGE is the way to large pages here).
	 * SHM_NORESERVE is how every segment behaves; AIX's SHM_HGSEG (1 TiB
	 * is the largest segment anyway) and other unknown bits are ignored,
	 * as Linux's shmget ignores them.
	 */
	if (shmflg & SHM_HUGETLB) {
		errno = EINVAL;
		return -1;
	}
	if (!aixipc_call(AIXIPC_IOC_GET, &g))
		return g.id;
	/*
	 * A module before 1.4.0 refuses the pin and large-page flags; they
	 * are advisory (AIX's too), so the segment is made without them.
	 */
	if (errno == EINVAL && (g.flags & (AIXIPC_SHM_PIN | AIXIPC_SHM_LGPAGE)) &&
	    !aixipc_has_feature(AIXIPC_FEATURE_SHM_PIN)) {
		g.flags &= ~(AIXIPC_SHM_PIN | AIXIPC_SHM_LGPAGE);
		return aixipc_call(AIXIPC_IOC_GET, &g) ? -1 : g.id;
	}
	return -1;
}

/*
 * File attaches of this process: start and length, 0 start = free slot.
 * Claimed and released with atomics, so shmat/shmdt stay usable from any
 * thread and in a child after fork (which inherits the mappings too).
 */
#define FILE_MAPS 1024
static struct {
	_Atomic uintptr_t start;
	size_t len;
} file_maps[FILE_MAPS];

#define SLOT_BUSY 1	/* claimed, being filled; no mapping starts there */

static int remember_file_map(uintptr_t start, size_t len)
{
	int i;

	for (i = 0; i < FILE_MAPS; i++) {
		uintptr_t free_slot = 0;

		if (!atomic_compare_exchange_strong(&file_maps[i].start,
						    &free_slot, SLOT_BUSY))
			continue;
		file_maps[i].len = len;
		atomic_store(&file_maps[i].start, start);
		return 0;
	}
	errno = EMFILE;	/* AIX's errno for too many attaches */
	return -1;
}

/* Take a file attach out of the table; its length, or 0 if not one. */
static size_t forget_file_map(uintptr_t start)
{
	int i;

	for (i = 0; i < FILE_MAPS; i++) {
		uintptr_t want = start;
		size_t len = file_maps[i].len;

		if (atomic_load(&file_maps[i].start) == start &&
		    atomic_compare_exchange_strong(&file_maps[i].start, &want, 0))
			return len;
	}
	return 0;
}

/* A POSIX shm_open() object: AIX refuses to shmat those (EINVAL). */
static int is_posix_shm(int fd)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = '\0';
	return strncmp(path, "/dev/shm/", 9) == 0;
}

/*
 * SHM_MAP / SHM_COPY: map the regular file open on @fd, its whole size at
 * this moment, with the address rules of segment attaches.
 */
static void *attach_file(int fd, const void *shmaddr, int shmflg)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t addr = (uintptr_t)shmaddr;
	int prot = PROT_READ, flags, acc, ro = -1;
	struct stat st;
	size_t len;
	void *p;

	if ((shmflg & SHM_MAP) && (shmflg & SHM_COPY))
		goto einval;
	if (fstat(fd, &st))
		return (void *)-1;	/* EBADF */
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || is_posix_shm(fd))
		goto einval;
	acc = fcntl(fd, F_GETFL) & O_ACCMODE;
	if (!(shmflg & SHM_RDONLY) && (acc == O_RDWR || (shmflg & SHM_COPY)))
		prot |= PROT_WRITE;
	if (acc == O_WRONLY) {
		errno = EACCES;
		return (void *)-1;
	}
	if (addr % (uintptr_t)page) {
		if (!(shmflg & SHM_RND))
			goto einval;
		addr -= addr % (uintptr_t)page;
		if (!addr)
			goto einval;
	}
	len = (size_t)st.st_size;
	flags = shmflg & SHM_COPY ? MAP_PRIVATE : MAP_SHARED;
	if (addr)
		flags |= shmflg & SHM_REMAP ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	/*
	 * A read-only shared attach maps a read-only descriptor of the same
	 * file, so that mprotect() can never make it writable.
	 */
	if (!(prot & PROT_WRITE) && flags & MAP_SHARED && acc == O_RDWR) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ro = open(path, O_RDONLY | O_CLOEXEC);
		if (ro < 0)
			return (void *)-1;
		fd = ro;
	}
	p = mmap((void *)addr, len, prot, flags, fd, 0);
	if (ro >= 0)
		close(ro);
	if (p == MAP_FAILED)
		return (void *)-1;
	if (addr && p != (void *)addr) {	/* a kernel without NOREPLACE */
		munmap(p, len);
		goto einval;
	}
	/* SHM_REMAP may have replaced an earlier file attach at addr. */
	if (addr)
		forget_file_map(addr);
	if (remember_file_map((uintptr_t)p, len)) {
		munmap(p, len);
		return (void *)-1;
	}
	return p;
einval:
	errno = EINVAL;
	return (void *)-1;
}

AIXIPC_EXPORT void *shmat(int shmid, const void *shmaddr, int shmflg)
{
	struct aixipc_shmat a = { .id = shmid, .addr = (uintptr_t)shmaddr };
	void *p;

	if (shmflg & (SHM_MAP | SHM_COPY)) {
		p = attach_file(shmid, shmaddr, shmflg);
		/* Overlap with NOREPLACE: EINVAL, as for segments. */
		if (p == (void *)-1 && errno == EEXIST)
			errno = EINVAL;
		return p;
	}

	/* SHM_EXEC has no aixipc counterpart: refuse rather than ignore. */
	if (shmflg & SHM_EXEC) {
		errno = EINVAL;
		return (void *)-1;
	}
	if (shmflg & SHM_RDONLY)
		a.flags |= AIXIPC_SHM_RDONLY;
	if (shmflg & SHM_RND)
		a.flags |= AIXIPC_SHM_RND;
	if (shmflg & SHM_REMAP)
		a.flags |= AIXIPC_SHM_REMAP;
	if (aixipc_call(AIXIPC_IOC_SHMAT, &a))
		return (void *)-1;
	return (void *)(uintptr_t)a.addr;
}

AIXIPC_EXPORT int shmdt(const void *shmaddr)
{
	struct aixipc_shmdt d = { .addr = (uintptr_t)shmaddr };
	size_t len = forget_file_map((uintptr_t)shmaddr);

	if (len)
		return munmap((void *)shmaddr, len);
	return aixipc_call(AIXIPC_IOC_SHMDT, &d);
}

static void ds_to_glibc(const struct aixipc_shmid_ds *in, struct shmid_ds *out)
{
	memset(out, 0, sizeof(*out));
	out->shm_perm.__key = aixipc_key_out(in->perm.key);
	out->shm_perm.uid = in->perm.uid;
	out->shm_perm.gid = in->perm.gid;
	out->shm_perm.cuid = in->perm.cuid;
	out->shm_perm.cgid = in->perm.cgid;
	out->shm_perm.mode = in->perm.mode;
	/* Linux reports its kernel-internal state bits beside the mode. */
	if (in->status & AIXIPC_SHM_DEST)
		out->shm_perm.mode |= SHM_DEST;
	if (in->status & AIXIPC_SHM_LOCKED)
		out->shm_perm.mode |= SHM_LOCKED;
	out->shm_perm.__seq = in->perm.seq;
	out->shm_segsz = in->segsz;
	out->shm_atime = in->atime;
	out->shm_dtime = in->dtime;
	out->shm_ctime = in->ctime;
#ifdef AIXIPC_TIME64
	out->__shm_atime_high = AIXIPC_TIME_HIGH(in->atime);
	out->__shm_dtime_high = AIXIPC_TIME_HIGH(in->dtime);
	out->__shm_ctime_high = AIXIPC_TIME_HIGH(in->ctime);
#endif
	out->shm_cpid = in->cpid;
	out->shm_lpid = in->lpid;
	out->shm_nattch = in->nattch;
}

/* glibc's shmctl command numbers (and AIX's extensions) and aixipc's. */
static int shm_cmd(int cmd)
{
	switch (cmd) {
	case IPC_RMID: return AIXIPC_IPC_RMID;
	case IPC_SET: return AIXIPC_IPC_SET;
	case IPC_STAT: return AIXIPC_IPC_STAT;
	case SHM_LOCK: return AIXIPC_SHM_LOCK;
	case SHM_UNLOCK: return AIXIPC_SHM_UNLOCK;
	case SHM_SIZE: return AIXIPC_SHM_SIZE;
	case SHM_PAGESIZE: return AIXIPC_SHM_PAGESIZE;
	case SHM_GETLBA: return AIXIPC_SHM_GETLBA;
	}
	return -1;
}

/*
 * A limit in an unsigned long.  32-bit callers get what Linux's compat
 * path gives them: at most INT_MAX.
 */
static unsigned long clamp_ulong(uint64_t v)
{
	if (sizeof(unsigned long) < sizeof(v) && v > INT_MAX)
		return INT_MAX;
	return (unsigned long)v;
}

/* IPC_INFO (struct shminfo) and SHM_INFO (struct shm_info). */
static int shm_info(int cmd, void *buf)
{
	struct aixipc_limits l;
	struct aixipc_info t;
	struct shm_info si;
	struct shminfo li;
	int err;

	if (aixipc_get_limits(&l) || aixipc_totals(AIXIPC_SHM, &t))
		return -1;
	if (cmd == SHM_INFO) {
		memset(&si, 0, sizeof(si));
		si.used_ids = aixipc_clamp_int(t.in_use);
		si.shm_tot = clamp_ulong(t.count);
		si.shm_rss = clamp_ulong(t.rss);
		si.shm_swp = clamp_ulong(t.swapped);
		err = aixipc_copy_out(buf, &si, sizeof(si));
	} else {
		memset(&li, 0, sizeof(li));
		li.shmmax = clamp_ulong(l.shmmax);
		li.shmmin = clamp_ulong(l.shmmin);
		li.shmmni = clamp_ulong(l.shmmni);
		li.shmseg = li.shmmni;	/* per process: no limit of its own */
		li.shmall = clamp_ulong(l.shmall);
		err = aixipc_copy_out(buf, &li, sizeof(li));
	}
	if (err)
		return -1;
	return t.max_slot < 0 ? 0 : (int)t.max_slot;
}

/*
 * SHM_STAT, SHM_STAT_ANY: the segment in slot @index; returns its id.  The
 * module finds it and checks SHM_STAT's read permission.
 */
static int shm_stat(int index, int cmd, struct shmid_ds *buf)
{
	struct aixipc_shmctl c = {
		.id = index,
		.cmd = cmd == SHM_STAT ? AIXIPC_STAT_INDEX : AIXIPC_STAT_INDEX_ANY,
	};
	struct shmid_ds ds;

	if (aixipc_call(AIXIPC_IOC_SHMCTL, &c))
		return -1;
	ds_to_glibc(&c.ds, &ds);
	return aixipc_copy_out(buf, &ds, sizeof(ds)) ? -1 : c.id;
}

AIXIPC_EXPORT int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct aixipc_shmctl c = { .id = shmid };
	struct shmid_ds ds;

	cmd = strip_ipc64(cmd);
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		return shm_info(cmd, buf);
	case SHM_STAT:
	case SHM_STAT_ANY:
		return shm_stat(shmid, cmd, buf);
	}

	c.cmd = shm_cmd(cmd);
	if ((int)c.cmd < 0) {
		errno = EINVAL;
		return -1;
	}
	switch (cmd) {
	case IPC_SET: case SHM_SIZE: case SHM_PAGESIZE:
		if (aixipc_copy_in(&ds, buf, sizeof(ds)))
			return -1;
		c.ds.perm.uid = ds.shm_perm.uid;
		c.ds.perm.gid = ds.shm_perm.gid;
		c.ds.perm.mode = ds.shm_perm.mode & 0777;
		c.value = cmd == SHM_SIZE ? ds.shm_segsz : ds.shm_pagesize;
		break;
	}
	if (aixipc_call(AIXIPC_IOC_SHMCTL, &c))
		return -1;
	switch (cmd) {
	case IPC_STAT:
		ds_to_glibc(&c.ds, &ds);
		return aixipc_copy_out(buf, &ds, sizeof(ds));
	case SHM_GETLBA:
		/* Only shm_lba changes, as AIX leaves the rest alone. */
		ds.shm_lba = c.value;
		return aixipc_copy_out(&buf->shm_lba, &ds.shm_lba,
				       sizeof(ds.shm_lba));
	}
	return 0;
}

#ifdef AIXIPC_TIME64
/* glibc's time64 shmctl: the same bytes (see internal.h). */
AIXIPC_SAME_FIELD(shmid_ds, __shmid64_ds, shm_segsz);
AIXIPC_TIME_FIELD(shmid_ds, __shmid64_ds, shm_atime);
AIXIPC_TIME_FIELD(shmid_ds, __shmid64_ds, shm_dtime);
AIXIPC_TIME_FIELD(shmid_ds, __shmid64_ds, shm_ctime);
AIXIPC_SAME_FIELD(shmid_ds, __shmid64_ds, shm_cpid);
AIXIPC_SAME_FIELD(shmid_ds, __shmid64_ds, shm_lpid);
AIXIPC_SAME_FIELD(shmid_ds, __shmid64_ds, shm_nattch);
AIXIPC_SAME_FIELD(shmid_ds, __shmid64_ds, shm_pagesize);
AIXIPC_SAME_FIELD(shmid_ds, __shmid64_ds, shm_lba);
_Static_assert(sizeof(struct shmid_ds) == sizeof(struct __shmid64_ds), "size");
AIXIPC_EXPORT extern __typeof__(shmctl) __shmctl64
	__attribute__((alias("shmctl"), copy(shmctl)));
#endif
