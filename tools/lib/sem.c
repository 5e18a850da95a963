// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Semaphores: semget, semop, semtimedop, semctl with glibc's ABI.  The
 * caller's struct sembuf array goes to the module as it is (the layouts
 * and flag values agree), so AIX's SEM_ORDER and SEM_ERR work in place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/sem.h>
#include <time.h>

#include "aixipc.h"
#include "internal.h"

_Static_assert(sizeof(struct sembuf) == sizeof(struct aixipc_sembuf),
	       "struct sembuf layout");
_Static_assert(IPC_NOWAIT == AIXIPC_SEM_NOWAIT && SEM_UNDO == AIXIPC_SEM_UNDO,
	       "sem_flg values");

/* The fourth argument of semctl(), which the caller declares. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;	/* IPC_INFO, SEM_INFO */
};

AIXIPC_EXPORT int semget(key_t key, int nsems, int semflg)
{
	struct aixipc_get g = {
		.kind = AIXIPC_SEM,
		.key = aixipc_key(key),
		.flags = (semflg & IPC_CREAT ? AIXIPC_CREAT : 0) |
			 (semflg & IPC_EXCL ? AIXIPC_EXCL : 0),
		.mode = semflg & 0777,
		.size = nsems < 0 ? UINT64_MAX : (uint64_t)nsems,
	};

	return aixipc_call(AIXIPC_IOC_GET, &g) ? -1 : g.id;
}

/* One semop ioctl: @timed with a relative timeout of @sec s, @nsec ns. */
static int do_semop(int semid, struct sembuf *sops, size_t nsops, bool timed,
		    int64_t sec, int64_t nsec)
{
	struct aixipc_semop s = {
		.id = semid,
		.sops = (uintptr_t)sops,
		/* Linux's semop takes an unsigned int: the low 32 bits. */
		.nsops = (unsigned int)nsops,
		.flags = timed ? AIXIPC_SEMOP_TIMED : 0,
		.timeout_sec = sec,
		.timeout_nsec = nsec,
	};
	struct sembuf first;
	int fast;

	/* A valid timeout does not matter to an operation that need not wait. */
	if (semid >= 0 && nsops == 1 &&
	    (!timed || (sec >= 0 && nsec >= 0 && nsec < 1000000000))) {
		fast = aixipc_semop_fast(semid, sops, nsops);
		if (fast <= 0)
			return fast;
	}
	if (aixipc_call(AIXIPC_IOC_SEMOP, &s))
		return -1;
	if (nsops == 1 && !aixipc_fast_copy_in(&first, sops, sizeof(first)) &&
	    first.sem_op)
		aixipc_semop_altered(semid);
	return 0;
}

/*
 * semtimedop with a 64-bit time_t timeout (@timeout: NULL, or 64-bit
 * seconds then nanoseconds of which only the low 32 bits count, as for
 * the kernel's 32-bit callers: the layout of both the kernel's
 * __kernel_timespec and glibc's time64 struct on i386).
 */
int aixipc_semtimedop_t64(int semid, struct sembuf *sops, size_t nsops,
			  const void *timeout)
{
	struct { int64_t sec; int32_t nsec; int32_t high; } ts;

	if (!timeout)
		return do_semop(semid, sops, nsops, false, 0, 0);
	if (aixipc_fast_copy_in(&ts, timeout, sizeof(ts)))
		return -1;
	return do_semop(semid, sops, nsops, true, ts.sec, ts.nsec);
}

AIXIPC_EXPORT int semop(int semid, struct sembuf *sops, size_t nsops)
{
	return do_semop(semid, sops, nsops, false, 0, 0);
}

AIXIPC_EXPORT int semtimedop(int semid, struct sembuf *sops, size_t nsops,
			     const struct timespec *timeout)
{
	struct timespec ts;

	if (!timeout)
		return do_semop(semid, sops, nsops, false, 0, 0);
	if (aixipc_fast_copy_in(&ts, timeout, sizeof(ts)))
		return -1;
	return do_semop(semid, sops, nsops, true, ts.tv_sec, ts.tv_nsec);
}

static void ds_to_glibc(const struct aixipc_semid_ds *in, struct semid_ds *out)
{
	memset(out, 0, sizeof(*out));
	out->sem_perm.__key = aixipc_key_out(in->perm.key);
	out->sem_perm.uid = in->perm.uid;
	out->sem_perm.gid = in->perm.gid;
	out->sem_perm.cuid = in->perm.cuid;
	out->sem_perm.cgid = in->perm.cgid;
	out->sem_perm.mode = in->perm.mode;
	out->sem_perm.__seq = in->perm.seq;
	out->sem_otime = in->otime;
	out->sem_ctime = in->ctime;
#ifdef AIXIPC_TIME64
	out->__sem_otime_high = AIXIPC_TIME_HIGH(in->otime);
	out->__sem_ctime_high = AIXIPC_TIME_HIGH(in->ctime);
#endif
	out->sem_nsems = in->nsems;
}

/* glibc's semctl command numbers and aixipc's. */
static int sem_cmd(int cmd)
{
	switch (cmd) {
	case IPC_RMID: return AIXIPC_IPC_RMID;
	case IPC_SET: return AIXIPC_IPC_SET;
	case IPC_STAT: return AIXIPC_IPC_STAT;
	case GETVAL: return AIXIPC_GETVAL;
	case SETVAL: return AIXIPC_SETVAL;
	case GETALL: return AIXIPC_GETALL;
	case SETALL: return AIXIPC_SETALL;
	case GETPID: return AIXIPC_GETPID;
	case GETNCNT: return AIXIPC_GETNCNT;
	case GETZCNT: return AIXIPC_GETZCNT;
	}
	return -1;
}

/* IPC_INFO and SEM_INFO, with Linux's meanings of the fields. */
static int sem_info(int cmd, struct seminfo *buf)
{
	struct aixipc_limits l;
	struct aixipc_info t;
	struct seminfo si;

	if (aixipc_get_limits(&l) || aixipc_totals(AIXIPC_SEM, &t))
		return -1;
	memset(&si, 0, sizeof(si));
	si.semmni = aixipc_clamp_int(l.semmni);
	si.semmsl = aixipc_clamp_int(l.semmsl);
	si.semmns = aixipc_clamp_int(l.semmni * l.semmsl);
	si.semopm = aixipc_clamp_int(l.semopm);
	si.semvmx = aixipc_clamp_int(l.semvmx);
	si.semume = aixipc_clamp_int(l.semume);
	si.semmap = si.semmns;
	si.semmnu = si.semmns;
	if (cmd == SEM_INFO) {
		si.semusz = aixipc_clamp_int(t.in_use);
		si.semaem = aixipc_clamp_int(t.count);
	} else {
		si.semaem = aixipc_clamp_int(l.semaem);
	}
	if (aixipc_copy_out(buf, &si, sizeof(si)))
		return -1;
	return t.max_slot < 0 ? 0 : (int)t.max_slot;
}

/*
 * SEM_STAT, SEM_STAT_ANY: the set in slot @index; returns its id.  The
 * module finds it and checks SEM_STAT's read permission.
 */
static int sem_stat(int index, int cmd, struct semid_ds *buf)
{
	struct aixipc_semctl c = {
		.id = index,
		.cmd = cmd == SEM_STAT ? AIXIPC_STAT_INDEX : AIXIPC_STAT_INDEX_ANY,
	};
	struct semid_ds ds;

	if (aixipc_call(AIXIPC_IOC_SEMCTL, &c))
		return -1;
	ds_to_glibc(&c.ds, &ds);
	return aixipc_copy_out(buf, &ds, sizeof(ds)) ? -1 : c.id;
}

/* semctl(id, num, cmd) or semctl(id, num, cmd, union semun). */
AIXIPC_EXPORT int semctl(int semid, int semnum, int cmd, ...)
{
	struct aixipc_semctl c = { .id = semid, .semnum = (uint32_t)semnum };
	union semun arg = { 0 };
	struct semid_ds ds;
	va_list ap;

	cmd = strip_ipc64(cmd);
	switch (cmd) {
	case IPC_INFO: case SEM_INFO: case SEM_STAT: case SEM_STAT_ANY:
		va_start(ap, cmd);
		arg = va_arg(ap, union semun);
		va_end(ap);
		if (cmd == IPC_INFO || cmd == SEM_INFO)
			return sem_info(cmd, arg.__buf);
		return sem_stat(semid, cmd, arg.buf);
	}

	if (cmd == GETVAL && !aixipc_getval_fast(semid, semnum, &c.val))
		return c.val;
	c.cmd = sem_cmd(cmd);
	if ((int)c.cmd < 0) {
		errno = EINVAL;
		return -1;
	}
	/* Only the commands that take it have a fourth argument. */
	switch (cmd) {
	case IPC_STAT: case IPC_SET: case SETVAL: case GETALL: case SETALL:
		va_start(ap, cmd);
		arg = va_arg(ap, union semun);
		va_end(ap);
	}
	switch (cmd) {
	case IPC_SET:
		if (aixipc_copy_in(&ds, arg.buf, sizeof(ds)))
			return -1;
		c.ds.perm.uid = ds.sem_perm.uid;
		c.ds.perm.gid = ds.sem_perm.gid;
		c.ds.perm.mode = ds.sem_perm.mode & 0777;
		break;
	case SETVAL:
		c.val = arg.val;
		break;
	case GETALL: case SETALL:
		c.array = (uintptr_t)arg.array;
		break;
	}
	if (aixipc_call(AIXIPC_IOC_SEMCTL, &c))
		return -1;
	switch (cmd) {
	case IPC_STAT:
		ds_to_glibc(&c.ds, &ds);
		return aixipc_copy_out(arg.buf, &ds, sizeof(ds));
	case GETVAL: case GETPID: case GETNCNT: case GETZCNT:
		return c.val;
	}
	return 0;
}

#ifdef AIXIPC_TIME64
/* glibc's time64 semctl: the same bytes (see internal.h). */
AIXIPC_TIME_FIELD(semid_ds, __semid64_ds, sem_otime);
AIXIPC_TIME_FIELD(semid_ds, __semid64_ds, sem_ctime);
AIXIPC_SAME_FIELD(semid_ds, __semid64_ds, sem_nsems);
_Static_assert(sizeof(struct semid_ds) == sizeof(struct __semid64_ds), "size");
AIXIPC_EXPORT extern __typeof__(semctl) __semctl64
	__attribute__((alias("semctl"), copy(semctl)));

/* And its semtimedop, with a 64-bit timespec. */
AIXIPC_EXPORT int __semtimedop64(int semid, struct sembuf *sops, size_t nsops,
				 const void *timeout)
{
	return aixipc_semtimedop_t64(semid, sops, nsops, timeout);
}
#endif
