// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared memory: shmget, shmat, shmdt, shmctl with glibc's ABI, plus AIX's
 * SHM_SIZE, SHM_PAGESIZE and SHM_GETLBA commands (<aixipc.h>).  shmat
 * is one ioctl: the module maps the segment into the caller.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/shm.h>

#include "aixipc.h"
#include "internal.h"

AIXIPC_EXPORT int shmget(key_t key, size_t size, int shmflg)
{
	struct aixipc_get g = {
		.kind = AIXIPC_SHM,
		.key = aixipc_key(key),
		.flags = (shmflg & IPC_CREAT ? AIXIPC_CREAT : 0) |
			 (shmflg & IPC_EXCL ? AIXIPC_EXCL : 0),
		.mode = shmflg & 0777,
		.size = size,
	};

	/*
	 * No huge pages behind segments here; SHM_NORESERVE is how every
	 * segment behaves; AIX's advisory SHM_PIN/SHM_LGPAGE/SHM_HGSEG and
	 * other unknown bits are ignored, as Linux's shmget ignores them.
	 */
	if (shmflg & SHM_HUGETLB) {
		errno = EINVAL;
		return -1;
	}
	return aixipc_call(AIXIPC_IOC_GET, &g) ? -1 : g.id;
}

AIXIPC_EXPORT void *shmat(int shmid, const void *shmaddr, int shmflg)
{
	struct aixipc_shmat a = { .id = shmid, .addr = (uintptr_t)shmaddr };

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
		si.shm_tot = t.count;
		si.shm_rss = t.rss;
		si.shm_swp = t.swapped;
		err = aixipc_copy_out(buf, &si, sizeof(si));
	} else {
		memset(&li, 0, sizeof(li));
		li.shmmax = l.shmmax;
		li.shmmin = l.shmmin;
		li.shmmni = l.shmmni;
		li.shmseg = l.shmmni;	/* per process: no limit of its own */
		li.shmall = l.shmall;
		err = aixipc_copy_out(buf, &li, sizeof(li));
	}
	if (err)
		return -1;
	return t.max_slot < 0 ? 0 : (int)t.max_slot;
}

/* SHM_STAT, SHM_STAT_ANY: the segment in slot @index; returns its id. */
static int shm_stat(int index, int cmd, struct shmid_ds *buf)
{
	struct aixipc_list_entry e;
	struct aixipc_shmctl c = { .cmd = AIXIPC_IPC_STAT };
	struct shmid_ds ds;

	if (aixipc_entry_at(AIXIPC_SHM, index, &e))
		return -1;
	c.id = e.id;
	if (cmd == SHM_STAT) {
		if (aixipc_call(AIXIPC_IOC_SHMCTL, &c))
			return -1;
		e.shm = c.ds;
	}
	ds_to_glibc(&e.shm, &ds);
	return aixipc_copy_out(buf, &ds, sizeof(ds)) ? -1 : e.id;
}

AIXIPC_EXPORT int shmctl(int shmid, int cmd, struct shmid_ds *buf)
{
	struct aixipc_shmctl c = { .id = shmid };
	struct shmid_ds ds;

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
