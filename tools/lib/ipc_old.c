// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The old struct layouts of i386's ipc() multiplexer: its ctl calls
 * without IPC_64 in the command take Linux's first structs (16-bit ids,
 * 32-bit times, the kernel's pointers as padding), which no libc has used
 * since glibc 2.2 but binaries and hand-written syscall() users still
 * may.  Each call is served by the library's own ctl function with
 * glibc's struct, converted as the kernel's old-layout path converts its
 * own: user and group ids above 65535 read as 65534 (overflowuid), ids
 * written are 16-bit ones (0xffff too), process ids keep their low 16
 * bits; message queue counts saturate at 65535 with the whole values in
 * msg_lcbytes and msg_lqbytes, as a 32-bit kernel reports them (a 64-bit
 * kernel's compat path truncates them and leaves those two 0).
 *
 * Only the commands Linux knows take these layouts; any other fails with
 * EINVAL, as Linux fails it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include "internal.h"

#if defined(__i386__)

struct old_ipc_perm {
	int32_t key;
	uint16_t uid, gid, cuid, cgid, mode, seq;
};

struct old_msqid_ds {
	struct old_ipc_perm perm;
	uint32_t first, last;		/* the kernel's pointers, unused */
	int32_t stime, rtime, ctime;
	uint32_t lcbytes, lqbytes;	/* the whole counts */
	uint16_t cbytes, qnum, qbytes;	/* saturated at 65535 */
	uint16_t lspid, lrpid;
};

struct old_semid_ds {
	struct old_ipc_perm perm;
	int32_t otime, ctime;
	uint32_t base, pending, pending_last, undo;
	uint16_t nsems;
};

struct old_shmid_ds {
	struct old_ipc_perm perm;
	int32_t segsz;
	int32_t atime, dtime, ctime;
	uint16_t cpid, lpid, nattch, unused;
	uint32_t unused2, unused3;
};

struct old_shminfo {
	int32_t shmmax, shmmin, shmmni, shmseg, shmall;
};

_Static_assert(sizeof(struct old_ipc_perm) == 16 &&
	       sizeof(struct old_msqid_ds) == 56 &&
	       sizeof(struct old_semid_ds) == 44 &&
	       sizeof(struct old_shmid_ds) == 48 &&
	       sizeof(struct old_shminfo) == 20, "Linux's old i386 layouts");

/* The fourth argument of semctl(). */
union semun {
	int val;
	void *buf;
	unsigned short *array;
};

static uint16_t id16(uint32_t id)
{
	return id > 0xffff ? 65534 : (uint16_t)id;
}

static uint16_t sat16(unsigned long v)
{
	return v > 0xffff ? 0xffff : (uint16_t)v;
}

static void perm_out(struct old_ipc_perm *to, const struct ipc_perm *from)
{
	to->key = from->__key;
	to->uid = id16(from->uid);
	to->gid = id16(from->gid);
	to->cuid = id16(from->cuid);
	to->cgid = id16(from->cgid);
	to->mode = from->mode;
	to->seq = from->__seq;
}

static void perm_in(struct ipc_perm *to, const struct old_ipc_perm *from)
{
	to->uid = from->uid;
	to->gid = from->gid;
	to->mode = from->mode;
}

int aixipc_old_msgctl(int msqid, int cmd, void *buf)
{
	struct old_msqid_ds o;
	struct msqid_ds ds;
	int r;

	switch (cmd) {
	case IPC_RMID:
	case IPC_INFO:		/* struct msginfo has one layout */
	case MSG_INFO:
		return msgctl(msqid, cmd, buf);
	case IPC_SET:
		if (aixipc_copy_in(&o, buf, sizeof(o)))
			return -1;
		memset(&ds, 0, sizeof(ds));
		perm_in(&ds.msg_perm, &o.perm);
		ds.msg_qbytes = o.qbytes ? o.qbytes : o.lqbytes;
		return msgctl(msqid, IPC_SET, &ds);
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		r = msgctl(msqid, cmd, &ds);
		if (r < 0)
			return -1;
		memset(&o, 0, sizeof(o));
		perm_out(&o.perm, &ds.msg_perm);
		o.stime = (int32_t)ds.msg_stime;
		o.rtime = (int32_t)ds.msg_rtime;
		o.ctime = (int32_t)ds.msg_ctime;
		o.lcbytes = ds.__msg_cbytes;
		o.lqbytes = ds.msg_qbytes;
		o.cbytes = sat16(ds.__msg_cbytes);
		o.qnum = sat16(ds.msg_qnum);
		o.qbytes = sat16(ds.msg_qbytes);
		o.lspid = (uint16_t)ds.msg_lspid;
		o.lrpid = (uint16_t)ds.msg_lrpid;
		return aixipc_copy_out(buf, &o, sizeof(o)) ? -1 : r;
	}
	errno = EINVAL;
	return -1;
}

int aixipc_old_semctl(int semid, int semnum, int cmd, void *arg)
{
	union semun a = { .buf = arg }, mine;
	struct old_semid_ds o;
	struct semid_ds ds;
	int r;

	switch (cmd) {
	case IPC_SET:
		if (aixipc_copy_in(&o, arg, sizeof(o)))
			return -1;
		memset(&ds, 0, sizeof(ds));
		perm_in(&ds.sem_perm, &o.perm);
		mine.buf = &ds;
		return semctl(semid, semnum, IPC_SET, mine);
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		mine.buf = &ds;
		r = semctl(semid, semnum, cmd, mine);
		if (r < 0)
			return -1;
		memset(&o, 0, sizeof(o));
		perm_out(&o.perm, &ds.sem_perm);
		o.otime = (int32_t)ds.sem_otime;
		o.ctime = (int32_t)ds.sem_ctime;
		o.nsems = sat16(ds.sem_nsems);
		return aixipc_copy_out(arg, &o, sizeof(o)) ? -1 : r;
	case IPC_RMID: case IPC_INFO: case SEM_INFO:
	case GETPID: case GETVAL: case GETALL: case GETNCNT: case GETZCNT:
	case SETVAL: case SETALL:
		/* No struct of their own, or struct seminfo's one layout. */
		return semctl(semid, semnum, cmd, a);
	}
	errno = EINVAL;
	return -1;
}

int aixipc_old_shmctl(int shmid, int cmd, void *buf)
{
	struct old_shmid_ds o;
	struct old_shminfo oi;
	struct shmid_ds ds;
	struct shminfo si;
	int r;

	switch (cmd) {
	case IPC_RMID: case SHM_LOCK: case SHM_UNLOCK:
	case SHM_INFO:		/* struct shm_info has one layout */
		return shmctl(shmid, cmd, buf);
	case IPC_INFO:
		r = shmctl(shmid, IPC_INFO, (struct shmid_ds *)&si);
		if (r < 0)
			return -1;
		oi.shmmax = si.shmmax > INT_MAX ? INT_MAX : (int32_t)si.shmmax;
		oi.shmmin = (int32_t)si.shmmin;
		oi.shmmni = (int32_t)si.shmmni;
		oi.shmseg = (int32_t)si.shmseg;
		oi.shmall = (int32_t)si.shmall;
		return aixipc_copy_out(buf, &oi, sizeof(oi)) ? -1 : r;
	case IPC_SET:
		if (aixipc_copy_in(&o, buf, sizeof(o)))
			return -1;
		memset(&ds, 0, sizeof(ds));
		perm_in(&ds.shm_perm, &o.perm);
		return shmctl(shmid, IPC_SET, &ds);
	case IPC_STAT:
	case SHM_STAT:
	case SHM_STAT_ANY:
		r = shmctl(shmid, cmd, &ds);
		if (r < 0)
			return -1;
		memset(&o, 0, sizeof(o));
		perm_out(&o.perm, &ds.shm_perm);
		o.segsz = (int32_t)ds.shm_segsz;
		o.atime = (int32_t)ds.shm_atime;
		o.dtime = (int32_t)ds.shm_dtime;
		o.ctime = (int32_t)ds.shm_ctime;
		o.cpid = (uint16_t)ds.shm_cpid;
		o.lpid = (uint16_t)ds.shm_lpid;
		o.nattch = sat16(ds.shm_nattch);
		return aixipc_copy_out(buf, &o, sizeof(o)) ? -1 : r;
	}
	errno = EINVAL;
	return -1;
}

#endif /* __i386__ */
