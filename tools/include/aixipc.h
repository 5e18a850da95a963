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
 * asks for the page size in buf->shm_pagesize (the base page size, or a
 * huge page before the first attach); SHM_GETLBA stores the attach
 * boundary in buf->shm_lba.  See Documentation/aixipc.rst, "Shared
 * memory", for what attachments see.
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
 * shmget() flags from AIX, with values clear of Linux's shmget bits; they
 * act when the call creates the segment.  SHM_PIN allocates every page at
 * once and keeps it in memory, charged against RLIMIT_MEMLOCK as SHM_LOCK
 * is (advisory, as on AIX: a segment over the limit is made unpinned), and
 * shmat() maps the whole segment, so touching it takes no page fault.
 * SHM_LGPAGE backs the segment with transparent huge pages (2 MiB on
 * x86-64), small pages where none is free; no reservation is needed.
 * SHM_HGSEG is accepted and ignored.  See Documentation/aixipc.rst,
 * "Pinned and large-page segments".
 */
#define SHM_PIN		0x00100000
#define SHM_LGPAGE	0x00200000
#define SHM_HGSEG	0x00400000

/*
 * aixipc_msgq_fd(): a new descriptor for message queue @msqid, which
 * poll(), select(), epoll and io_uring can wait on (neither AIX nor Linux
 * has one).  It reports POLLIN while a msgrcv() of type @msgtyp (msgrcv's
 * rules; with AIXIPC_MSGQ_EXCEPT, MSG_EXCEPT's) would find a message, if
 * made with AIXIPC_MSGQ_READ (needs read permission); POLLOUT while a
 * message of @size bytes fits, if made with AIXIPC_MSGQ_WRITE (needs write
 * permission); POLLERR once an IPC_SET took that permission away;
 * POLLHUP | POLLERR once the queue is removed.  It stays bound to this
 * queue, keeps nothing from being removed, and closes on exec unless
 * AIXIPC_MSGQ_INHERIT.  Returns the descriptor, or -1 with errno EINVAL
 * (flags, a class without READ, a size without WRITE or above msgmax, a
 * bad id), EIDRM, EACCES, EMFILE, ENFILE, ENOMEM or ENOSYS (no module).
 */
#define AIXIPC_MSGQ_READ	0x1
#define AIXIPC_MSGQ_WRITE	0x2
#define AIXIPC_MSGQ_EXCEPT	0x4
#define AIXIPC_MSGQ_INHERIT	0x8

int aixipc_msgq_fd(int msqid, int flags, long msgtyp, size_t size);

/*
 * AIX's select() with message queues.  Nfdsmsgs holds two counts: the low
 * 16 bits, NFDS(), the descriptors 0..NFDS-1 of each list's fdsmask; the
 * high 16 bits, NMSGS(), the queue ids of each list's msgids.  Programs
 * define struct sellist themselves, as on AIX:
 *
 *	struct sellist {
 *		unsigned long fdsmask[F];	F = howmany(NFDS, LONG_BIT)
 *		int msgids[M];			M = NMSGS
 *	};
 *
 * (the fdsmask has fd_set's layout: FD_SET() works on it).  A queue is
 * ready to read when a message can be received, to write when a one-byte
 * message fits, and both, and exceptional, once removed or no longer
 * permitted.  On return each list shows only what is ready: bits cleared,
 * ids replaced by -1; negative ids are unused slots.  The result has the
 * same two halves: ready descriptors, ready queues (each counted once per
 * list).  Errors: EBADF, EINVAL (a bad id or timeout), EIDRM, EACCES,
 * EFAULT, EINTR (the lists are then unchanged).  aixipc_select() always
 * has these semantics; a program that defines _AIXIPC_SELECT (or AIX's
 * _MSGQSUPPORT) before including this header gets them under the name
 * select(), every other caller keeps glibc's.  See Documentation/aixipc.rst.
 */
#define NFDS(x)		((x) & 0xffff)
#define NMSGS(x)	(((x) >> 16) & 0xffff)

struct timeval;
#if defined(__USE_TIME_BITS64) && __TIMESIZE == 32
int aixipc_select(int nfdsmsgs, void *readlist, void *writelist,
		  void *exceptlist, struct timeval *timeout)
	__asm__("__aixipc_select_time64");
#else
int aixipc_select(int nfdsmsgs, void *readlist, void *writelist,
		  void *exceptlist, struct timeval *timeout);
#endif

#if defined(_AIXIPC_SELECT) || defined(_MSGQSUPPORT)
/* glibc's declaration first, so this name does not collide with it. */
#include <sys/select.h>
#define select aixipc_select
#endif

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
