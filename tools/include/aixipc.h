/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * <aixipc.h>: the AIX System V IPC extensions served by libaixipc.
 *
 * Programs ported from AIX include this beside <sys/msg.h>, <sys/sem.h>
 * and <sys/shm.h> and link with -laixipc.  The classic calls keep glibc's
 * ABI (struct layouts and constants), so unmodified Linux programs can use
 * the library through LD_PRELOAD; the AIX-only extensions live here.
 */
#ifndef _AIXIPC_H
#define _AIXIPC_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * msgxrcv(): msgrcv() that also returns the send time and the sender's
 * effective uid, effective gid and process id, in front of the type.
 */
struct msgxbuf {
	time_t mtime;		/* when the message was sent */
	uid_t muid;		/* sender's effective user id */
	gid_t mgid;		/* sender's effective group id */
	pid_t mpid;		/* sender's process id */
	long mtype;		/* message type */
	char mtext[1];		/* message text, msgsz bytes of room */
};

/* Size of the msgxbuf header in front of mtext. */
#define MSGXBUFSIZE	offsetof(struct msgxbuf, mtext)

/*
 * A 32-bit program built with 64-bit time_t (-D_TIME_BITS=64) has another
 * struct msgxbuf layout; it reaches the function made for it, as glibc
 * does for its own time64 interfaces.
 */
#if defined(__USE_TIME_BITS64) && __TIMESIZE == 32
ssize_t msgxrcv(int msqid, struct msgxbuf *msgp, size_t msgsz, long msgtyp,
		int msgflg) __asm__("__aixipc_msgxrcv_time64");
#else
ssize_t msgxrcv(int msqid, struct msgxbuf *msgp, size_t msgsz, long msgtyp,
		int msgflg);
#endif

/*
 * semop() sem_flg bits from AIX.  SEM_ORDER on any entry performs the
 * call's operations one at a time, in array order, instead of atomically;
 * when one fails, the entries before it stay applied, SEM_ERR is set in
 * the failing entry's sem_flg (and cleared in the others) and the call
 * returns the error.  See Documentation/aixipc.rst for the exact rules.
 */
#define SEM_ORDER	020000
#define SEM_ERR		040000

/*
 * shmctl() commands from AIX, with AIX's numbers (none is a Linux shmctl
 * command).  SHM_SIZE resizes a segment to buf->shm_segsz; SHM_PAGESIZE
 * asks for the page size in buf->shm_pagesize (only the base page size is
 * accepted); SHM_GETLBA stores the attach boundary in buf->shm_lba.  See
 * Documentation/aixipc.rst, "Shared memory", for what attachments see.
 */
#define SHM_SIZE	6
#define SHM_PAGESIZE	200
#define SHM_GETLBA	203

/*
 * shmat() of a file: with SHM_MAP, shmid is an open file descriptor and
 * the file is mapped shared (writes reach the file); with SHM_COPY it is
 * mapped copy-on-write (writes stay private to the process).  The mapping
 * covers the file's size at attach time, read-only when the descriptor is
 * or with SHM_RDONLY; shmdt() removes it.  AIX's numbers collide with
 * Linux's (SHM_COPY is Linux's SHM_REMAP), so these have their own.
 */
#define SHM_MAP		0x00100000
#define SHM_COPY	0x00200000

/*
 * shmget() flags from AIX, advisory there and accepted and ignored here
 * (no pinned or large-page segments); values clear of Linux's shmget bits.
 */
#define SHM_PIN		0x00100000
#define SHM_LGPAGE	0x00200000
#define SHM_HGSEG	0x00400000

/*
 * AIX's struct shmid_ds has shm_pagesize and shm_lba; glibc's has two
 * reserved words in their place, which these names reach.
 */
#define shm_pagesize	__glibc_reserved5
#define shm_lba		__glibc_reserved6

#ifdef __cplusplus
}
#endif

#endif /* _AIXIPC_H */
