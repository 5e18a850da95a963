// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Waiting on message queues: aixipc_msgq_fd(), a descriptor that poll(),
 * epoll and select() can wait on, and AIX's select() with message queue
 * ids in struct sellist, built on it and ppoll().
 *
 * aixipc_select() makes one queue descriptor per queue it watches and
 * closes them before it returns: nothing of it outlives the call, so a
 * program that closes or dup2()s over every descriptor (daemons do) cannot
 * break it, and a removed queue or a reused id is never reached through a
 * descriptor cached from before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <unistd.h>

#include "aixipc.h"
#include "internal.h"

_Static_assert(AIXIPC_MSGQ_READ == AIXIPC_MSGFD_READ &&
	       AIXIPC_MSGQ_WRITE == AIXIPC_MSGFD_WRITE &&
	       AIXIPC_MSGQ_EXCEPT == AIXIPC_MSGFD_EXCEPT &&
	       AIXIPC_MSGQ_INHERIT == AIXIPC_MSGFD_INHERIT,
	       "<aixipc.h> flags are the UAPI's");

AIXIPC_EXPORT int aixipc_msgq_fd(int msqid, int flags, long msgtyp, size_t size)
{
	struct aixipc_msgfd r = {
		.id = msqid,
		.flags = (uint32_t)flags,
		.msgtyp = msgtyp,
		.size = size,
	};
	int dev = aixipc_dev();

	if (dev < 0)
		return -1;
	if (flags < 0) {
		errno = EINVAL;
		return -1;
	}
	return ioctl(dev, AIXIPC_IOC_MSGFD, &r);
}

/* ---------------------------------------------------------------------- */
/* AIX's select()                                                         */

/*
 * A struct sellist: fdsmask, an array of unsigned long holding NFDS bits
 * (descriptor n is bit n % LONG_BIT of word n / LONG_BIT, fd_set's layout),
 * then NMSGS int queue ids.  The library copies each list in and out as a
 * system call would, so a bad pointer fails with EFAULT.
 */
#define SEL_LISTS	3	/* read, write, exceptional conditions */

struct sel_list {
	void *user;		/* the caller's list, or NULL */
	unsigned long *mask;	/* copies */
	int *ids;
};

static size_t mask_words(unsigned int nfds)
{
	return (nfds + LONG_BIT - 1) / LONG_BIT;
}

static bool mask_has(const unsigned long *mask, unsigned int fd)
{
	return mask[fd / LONG_BIT] >> (fd % LONG_BIT) & 1;
}

/* What counts as ready, per list, as Linux's select() counts for a file. */
static const short fd_events[SEL_LISTS] = { POLLIN, POLLOUT, POLLPRI };
static const short fd_ready[SEL_LISTS] = {
	POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI
};
/* A queue: removed (POLLHUP) or no longer permitted (POLLERR) is ready in
 * every list, so the program's next call on it reports why; only these
 * are exceptional. */
static const short q_ready[SEL_LISTS] = {
	POLLIN | POLLHUP | POLLERR, POLLOUT | POLLHUP | POLLERR,
	POLLHUP | POLLERR
};

/* A timeval's seconds and microseconds, checked, as ppoll's timespec. */
static int to_timeout(int64_t sec, int64_t usec, struct timespec *ts)
{
	if (sec < 0 || usec < 0 || usec >= 1000000) {
		errno = EINVAL;
		return -1;
	}
	/* A 32-bit time_t's 68 years stand for any longer wait. */
	ts->tv_sec = sec > INT32_MAX ? INT32_MAX : (time_t)sec;
	ts->tv_nsec = (long)usec * 1000;
	return 0;
}

/* The descriptor a list's queue is watched through: see the top. */
static int watch_queue(int list, int id)
{
	static const int flags[SEL_LISTS] = {
		AIXIPC_MSGQ_READ, AIXIPC_MSGQ_WRITE, AIXIPC_MSGQ_READ
	};

	/* Writable: a message of one byte fits. */
	return aixipc_msgq_fd(id, flags[list], 0, list == 1 ? 1 : 0);
}

static int sel_copy_in(struct sel_list *l, unsigned int nfds,
		       unsigned int nmsgs)
{
	size_t mbytes = mask_words(nfds) * sizeof(long);
	char *u = l->user;

	l->mask = calloc(mask_words(nfds) + 1, sizeof(long));
	l->ids = calloc(nmsgs + 1, sizeof(int));
	if (!l->mask || !l->ids) {
		errno = ENOMEM;
		return -1;
	}
	if (aixipc_copy_in(l->mask, u, mbytes) ||
	    aixipc_copy_in(l->ids, u + mbytes, nmsgs * sizeof(int)))
		return -1;
	return 0;
}

/* aixipc_select() once its timeout is read: @tsp NULL waits for ever. */
static int do_select(int nfdsmsgs, void *readlist, void *writelist,
		     void *exceptlist, struct timespec *tsp)
{
	unsigned int nfds = NFDS((unsigned int)nfdsmsgs);
	unsigned int nmsgs = NMSGS((unsigned int)nfdsmsgs);
	struct sel_list lists[SEL_LISTS] = {
		{ .user = readlist }, { .user = writelist }, { .user = exceptlist }
	};
	struct pollfd *pfd = NULL;
	size_t npfd = 0, first_q = 0, cap, i;
	unsigned int ready_fds = 0, ready_msgs = 0, fd;
	int l, k, r = -1, saved;

	for (l = 0; l < SEL_LISTS; l++)
		if (lists[l].user && sel_copy_in(&lists[l], nfds, nmsgs))
			goto out;

	/* One pollfd per (list, descriptor) and per (list, queue). */
	cap = (size_t)SEL_LISTS * (nfds + nmsgs) + 1;
	pfd = calloc(cap, sizeof(*pfd));
	if (!pfd) {
		errno = ENOMEM;
		goto out;
	}
	for (l = 0; l < SEL_LISTS; l++) {
		if (!lists[l].user)
			continue;
		for (fd = 0; fd < nfds; fd++)
			if (mask_has(lists[l].mask, fd))
				pfd[npfd++] = (struct pollfd){ (int)fd, fd_events[l], 0 };
	}
	first_q = npfd;
	for (l = 0; l < SEL_LISTS; l++) {
		if (!lists[l].user)
			continue;
		for (k = 0; k < (int)nmsgs; k++) {
			int qfd;

			if (lists[l].ids[k] < 0)
				continue;	/* an unused slot */
			qfd = watch_queue(l, lists[l].ids[k]);
			if (qfd < 0)
				goto out;	/* EINVAL, EIDRM, EACCES... */
			pfd[npfd++] = (struct pollfd){ qfd, POLLIN | POLLOUT, 0 };
		}
	}

	if (ppoll(pfd, npfd, tsp, NULL) < 0)
		goto out;	/* EINTR, ENOMEM: the lists stay as they were */

	/* Rewrite the lists to show only what is ready. */
	i = 0;
	for (l = 0; l < SEL_LISTS; l++) {
		if (!lists[l].user)
			continue;
		for (fd = 0; fd < nfds; fd++) {
			if (!mask_has(lists[l].mask, fd))
				continue;
			if (pfd[i].revents & POLLNVAL) {
				errno = EBADF;
				goto out;
			}
			if (!(pfd[i++].revents & fd_ready[l]))
				lists[l].mask[fd / LONG_BIT] &=
					~(1UL << (fd % LONG_BIT));
			else
				ready_fds++;
		}
	}
	for (l = 0; l < SEL_LISTS; l++) {
		if (!lists[l].user)
			continue;
		for (k = 0; k < (int)nmsgs; k++) {
			if (lists[l].ids[k] < 0)
				continue;
			if (pfd[i++].revents & q_ready[l])
				ready_msgs++;
			else
				lists[l].ids[k] = -1;
		}
	}
	for (l = 0; l < SEL_LISTS; l++) {
		char *u = lists[l].user;
		size_t mbytes = mask_words(nfds) * sizeof(long);

		if (u && (aixipc_copy_out(u, lists[l].mask, mbytes) ||
			  aixipc_copy_out(u + mbytes, lists[l].ids,
					  nmsgs * sizeof(int))))
			goto out;
	}
	/* Each half saturates; the queues' at 0x7fff, to stay positive. */
	r = (int)((ready_msgs > 0x7fff ? 0x7fff : ready_msgs) << 16 |
		  (ready_fds > 0xffff ? 0xffff : ready_fds));
out:
	saved = errno;
	for (i = first_q; i < npfd; i++)	/* the queues' descriptors */
		close(pfd[i].fd);
	free(pfd);
	for (l = 0; l < SEL_LISTS; l++) {
		free(lists[l].mask);
		free(lists[l].ids);
	}
	errno = saved;
	return r;
}

AIXIPC_EXPORT int aixipc_select(int nfdsmsgs, void *readlist, void *writelist,
				void *exceptlist, struct timeval *timeout)
{
	struct timespec ts;
	struct timeval tv;

	if (!timeout)
		return do_select(nfdsmsgs, readlist, writelist, exceptlist, NULL);
	if (aixipc_copy_in(&tv, timeout, sizeof(tv)) ||
	    to_timeout(tv.tv_sec, tv.tv_usec, &ts))
		return -1;
	return do_select(nfdsmsgs, readlist, writelist, exceptlist, &ts);
}

#if defined(__i386__)
/*
 * aixipc_select for callers whose time_t is 64 bits (see <aixipc.h>):
 * their struct timeval is two 64-bit words.
 */
AIXIPC_EXPORT int __aixipc_select_time64(int nfdsmsgs, void *readlist,
					 void *writelist, void *exceptlist,
					 void *timeout)
{
	struct { int64_t sec, usec; } tv;
	struct timespec ts;

	if (!timeout)
		return do_select(nfdsmsgs, readlist, writelist, exceptlist, NULL);
	if (aixipc_copy_in(&tv, timeout, sizeof(tv)) ||
	    to_timeout(tv.sec, tv.usec, &ts))
		return -1;
	return do_select(nfdsmsgs, readlist, writelist, exceptlist, &ts);
}
#endif
