// SPDX-License-Identifier: GPL-2.0
/*
 * conform_select - waiting on message queues through libaixipc: AIX's
 * select() with struct sellist, and aixipc_msgq_fd() descriptors under
 * poll() and epoll.
 *
 * Built twice, as conform_aix is: conform_select, run natively (where
 * neither entry point exists, which each test asserts) and with
 * LD_PRELOAD (found with dlsym); and conform_select-linked, linked with
 * libaixipc.a and built with _AIXIPC_SELECT, so that select() is AIX's,
 * as a ported program gets it.
 */
#ifdef CONFORM_LINKED
#define _AIXIPC_SELECT
#endif
#include "conform.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <aixipc.h>

typedef int (*select_fn)(int, void *, void *, void *, struct timeval *);
typedef int (*msgq_fd_fn)(int, int, long, size_t);

/* The re-executed image of the exec test: is descriptor N still open? */
static void __attribute__((constructor(101))) exec_probe(void)
{
	const char *s = getenv("CONFORM_FD_PROBE");

	if (s)
		_exit(fcntl(atoi(s), F_GETFD) < 0 ? 1 : 0);
}

static select_fn aix_select(void)
{
#ifdef CONFORM_LINKED
	return select;		/* <aixipc.h> made it AIX's */
#else
	return (select_fn)dlsym(RTLD_DEFAULT,
				 ABI_NAME("aixipc_select", "__aixipc_select_time64"));
#endif
}

static msgq_fd_fn msgq_fd(void)
{
#ifdef CONFORM_LINKED
	return aixipc_msgq_fd;
#else
	return (msgq_fd_fn)dlsym(RTLD_DEFAULT, "aixipc_msgq_fd");
#endif
}

/* Natively neither exists: a test asserts that and stops there. */
#define NEED_AIXIPC(sel, mfd) do {					\
	if (!on_aixipc) {						\
		EXPECT_EQ(NULL, (void *)(sel));				\
		EXPECT_EQ(NULL, (void *)(mfd));				\
		return;							\
	}								\
	ASSERT_NE(NULL, (void *)(sel));					\
	ASSERT_NE(NULL, (void *)(mfd));					\
} while (0)

/*
 * A sellist for descriptors below 64 and up to 4 queues.  With no
 * descriptors (NFDS 0) a list has no fdsmask: the queue ids come first,
 * and a list is then a plain int array.
 */
struct sel {
	unsigned long fdsmask[1];
	int msgids[4];
};

#define NF(n, m)	((int)((unsigned int)(m) << 16 | (unsigned int)(n)))

struct mbuf {
	long mtype;
	char mtext[32];
};

static int put(int q, long type)
{
	struct mbuf m = { .mtype = type, .mtext = "x" };

	return msgsnd(q, &m, 1, IPC_NOWAIT);
}

static ssize_t take(int q, long type)
{
	struct mbuf m;

	return msgrcv(q, &m, sizeof(m.mtext), type, IPC_NOWAIT);
}

static bool bit(const struct sel *s, int fd)
{
	return s->fdsmask[0] >> fd & 1;
}

static void sel_init(struct sel *s, int fd, const int *ids, int n)
{
	int i;

	memset(s, 0, sizeof(*s));
	if (fd >= 0)
		s->fdsmask[0] = 1UL << fd;
	for (i = 0; i < 4; i++)
		s->msgids[i] = i < n ? ids[i] : -1;
}

/* Wait until @pid sleeps in a poll, ppoll or epoll function. */
static int wait_in_poll(pid_t pid)
{
	return t_wait_wchan_has(pid, "poll");
}

static short ready(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/* ---------------------------------------------------------------------- */
/* AIX's select()                                                         */

/*
 * A server loop as AIX programs have it: one select() on a socket and
 * three queues, fed by another process, until everything has arrived.
 */
TEST(server_loop_on_a_socket_and_three_queues)
{
	select_fn sel = aix_select();
	int q[3], sv[2], got_msgs = 0, got_bytes = 0, sock, i;
	pid_t pid;

	NEED_AIXIPC(sel, msgq_fd());
	for (i = 0; i < 3; i++)
		ASSERT_LE(0, q[i] = new_msq());
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_LT(sv[0], 64);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sv[0]);
		for (i = 0; i < 30; i++) {
			CHILD_CHECK(put(q[i % 3], 1 + i) == 0);
			if (i % 5 == 0)
				CHILD_CHECK(write(sv[1], "s", 1) == 1);
			if (i % 4 == 0)
				usleep(1000);	/* let the server sleep */
		}
		_exit(0);
	}
	close(sv[1]);
	sock = sv[0];
	while (got_msgs < 30 || got_bytes < 6) {
		struct sel r;
		int n, nq = 0, k;

		sel_init(&r, sock, q, 3);
		n = sel(NF(sv[0] + 1, 3), &r, NULL, NULL, NULL);
		ASSERT_LT(0, n);
		for (k = 0; k < 3; k++) {
			if (r.msgids[k] < 0)
				continue;
			ASSERT_EQ(q[k], r.msgids[k]);
			nq++;
			while (take(q[k], 0) == 1)
				got_msgs++;
		}
		EXPECT_EQ(nq, NMSGS(n));
		EXPECT_EQ(sock >= 0 && bit(&r, sock) ? 1 : 0, NFDS(n));
		if (sock >= 0 && bit(&r, sock)) {
			char c[8];
			ssize_t b = read(sock, c, sizeof(c));

			ASSERT_LE(0, b);
			got_bytes += (int)b;
			if (b == 0)
				sock = -1;	/* the feeder is done */
		}
	}
	EXPECT_EQ(30, got_msgs);
	EXPECT_EQ(6, got_bytes);
	EXPECT_EQ(0, child_status(pid));
	close(sv[0]);
}

/* The two halves of the result, and the lists rewritten to what is ready. */
TEST(lists_show_only_what_is_ready)
{
	select_fn sel = aix_select();
	int full = new_msq(), empty = new_msq(), one = new_msq(), sv[2], n;
	struct msqid_ds ds;
	struct sel r, w;

	NEED_AIXIPC(sel, msgq_fd());
	ASSERT_LE(0, full);
	ASSERT_LE(0, empty);
	ASSERT_LE(0, one);
	ASSERT_EQ(0, msgctl(full, IPC_STAT, &ds));
	ds.msg_qbytes = 1;
	ASSERT_EQ(0, msgctl(full, IPC_SET, &ds));
	ASSERT_EQ(0, put(full, 1));
	ASSERT_EQ(0, put(one, 7));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	ASSERT_LT(sv[1], 64);

	/* Read: one (ready), empty (not), an unused slot; the socket (idle). */
	sel_init(&r, sv[0], (int[]){ one, empty, -1 }, 3);
	/* Write: full (not), empty (ready); the socket (ready). */
	sel_init(&w, sv[0], (int[]){ full, empty }, 2);
	w.msgids[3] = 12345;
	n = sel(NF(sv[0] + 1, 3), &r, &w, NULL, NULL);
	EXPECT_EQ(NF(1, 2), n);
	EXPECT_EQ(one, r.msgids[0]);
	EXPECT_EQ(-1, r.msgids[1]);
	EXPECT_EQ(-1, r.msgids[2]);
	EXPECT_FALSE(bit(&r, sv[0]));
	EXPECT_EQ(-1, w.msgids[0]);
	EXPECT_EQ(empty, w.msgids[1]);
	EXPECT_TRUE(bit(&w, sv[0]));
	/* Only the first NMSGS slots are looked at or written. */
	EXPECT_EQ(12345, w.msgids[3]);
	close(sv[0]);
	close(sv[1]);
}

TEST(timeouts_return_zero_with_empty_lists)
{
	select_fn sel = aix_select();
	int q = new_msq(), sv[2];
	struct timeval zero = { 0, 0 }, short_wait = { 0, 20000 };
	struct sel r;

	NEED_AIXIPC(sel, msgq_fd());
	ASSERT_LE(0, q);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	sel_init(&r, sv[0], &q, 1);
	EXPECT_EQ(0, sel(NF(sv[0] + 1, 1), &r, NULL, NULL, &zero));
	EXPECT_EQ(-1, r.msgids[0]);
	EXPECT_FALSE(bit(&r, sv[0]));
	sel_init(&r, sv[0], &q, 1);
	EXPECT_EQ(0, sel(NF(sv[0] + 1, 1), &r, NULL, NULL, &short_wait));
	EXPECT_EQ(-1, r.msgids[0]);
	/* No lists at all: a sleep, as select(0, NULL...) is. */
	EXPECT_EQ(0, sel(0, NULL, NULL, NULL, &short_wait));
	close(sv[0]);
	close(sv[1]);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST(signal_interrupts_with_eintr_and_lists_unchanged)
{
	select_fn sel = aix_select();
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { 0, 50000 } };
	int q = new_msq(), ids[1];

	NEED_AIXIPC(sel, msgq_fd());
	ASSERT_LE(0, q);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, &old));	/* no SA_RESTART */
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	ids[0] = q;
	errno = 0;
	EXPECT_EQ(-1, sel(NF(0, 1), ids, NULL, NULL, NULL));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(q, ids[0]);
	sigaction(SIGALRM, &old, NULL);
}

TEST(bad_arguments_fail_with_clear_errors)
{
	select_fn sel = aix_select();
	struct timeval bad_tv = { 0, 1000000 }, zero = { 0, 0 };
	int q = new_msq(), gone = new_msq(), priv = new_msq_key(IPC_PRIVATE, IPC_CREAT | 0600);
	int sv[2], closed, ids[2];
	struct sel r;
	char *nomem;

	NEED_AIXIPC(sel, msgq_fd());
	ASSERT_LE(0, q);
	ASSERT_LE(0, gone);
	ASSERT_LE(0, priv);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	closed = sv[1];
	close(closed);

	sel_init(&r, closed, NULL, 0);
	errno = 0;
	EXPECT_EQ(-1, sel(NF(closed + 1, 0), &r, NULL, NULL, &zero));
	EXPECT_EQ(EBADF, errno);
	EXPECT_TRUE(bit(&r, closed));		/* unchanged */

	ASSERT_EQ(0, msgctl(gone, IPC_RMID, NULL));
	ids[0] = q;
	ids[1] = gone;
	errno = 0;
	EXPECT_EQ(-1, sel(NF(0, 2), ids, NULL, NULL, &zero));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(gone, ids[1]);

	errno = 0;
	EXPECT_EQ(-1, sel(NF(0, 1), ids, NULL, NULL, &bad_tv));
	EXPECT_EQ(EINVAL, errno);

	nomem = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, nomem);
	errno = 0;
	EXPECT_EQ(-1, sel(NF(0, 1), nomem, NULL, NULL, &zero));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, sel(NF(0, 1), ids, NULL, NULL, (struct timeval *)nomem));
	EXPECT_EQ(EFAULT, errno);
	munmap(nomem, PAGE);

	/* A queue its caller may not read: EACCES. */
	{
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			CHILD_CHECK(become_nobody() == 0);
			ids[0] = priv;
			CHILD_CHECK(sel(NF(0, 1), ids, NULL, NULL, &zero) == -1);
			CHILD_CHECK(errno == EACCES);
			_exit(0);
		}
		EXPECT_EQ(0, child_status(pid));
	}
	close(sv[0]);
}

/*
 * A queue removed under a sleeping select() is ready in every list (its id
 * is then gone: msgrcv fails with EINVAL, as for any removed id).
 */
TEST(removed_queue_wakes_select_and_reads_eidrm)
{
	select_fn sel = aix_select();
	int q = new_msq();
	pid_t pid;

	NEED_AIXIPC(sel, msgq_fd());
	ASSERT_LE(0, q);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int r[1] = { q }, e[1] = { q };

		CHILD_CHECK(sel(NF(0, 1), r, NULL, e, NULL) == NF(0, 2));
		CHILD_CHECK(r[0] == q && e[0] == q);
		CHILD_CHECK(take(q, 0) == -1 && errno == EINVAL);
		_exit(0);
	}
	ASSERT_EQ(0, wait_in_poll(pid));
	ASSERT_EQ(0, msgctl(q, IPC_RMID, NULL));
	EXPECT_EQ(0, child_status(pid));
}

/* glibc's select() is untouched: the library does not interpose it. */
TEST(glibc_select_is_untouched)
{
	int (*libc_select)(int, fd_set *, fd_set *, fd_set *, struct timeval *) =
		(int (*)(int, fd_set *, fd_set *, fd_set *, struct timeval *))
		dlsym(RTLD_DEFAULT, "select");
	struct timeval zero = { 0, 0 };
	int sv[2];
	fd_set w;

	ASSERT_NE(NULL, (void *)libc_select);
	EXPECT_NE((void *)libc_select, dlsym(RTLD_DEFAULT,
				 ABI_NAME("aixipc_select", "__aixipc_select_time64")));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	FD_ZERO(&w);
	FD_SET(sv[0], &w);
	EXPECT_EQ(1, libc_select(sv[0] + 1, NULL, &w, NULL, &zero));
	close(sv[0]);
	close(sv[1]);
}

/* ---------------------------------------------------------------------- */
/* aixipc_msgq_fd()                                                       */

TEST(readers_of_different_type_classes_on_one_queue)
{
	msgq_fd_fn mfd = msgq_fd();
	int q = new_msq(), any, t4, not4, le2;

	NEED_AIXIPC(aix_select(), mfd);
	ASSERT_LE(0, q);
	ASSERT_LE(0, any = mfd(q, AIXIPC_MSGQ_READ, 0, 0));
	ASSERT_LE(0, t4 = mfd(q, AIXIPC_MSGQ_READ, 4, 0));
	ASSERT_LE(0, not4 = mfd(q, AIXIPC_MSGQ_READ | AIXIPC_MSGQ_EXCEPT, 4, 0));
	ASSERT_LE(0, le2 = mfd(q, AIXIPC_MSGQ_READ, -2, 0));
	ASSERT_EQ(0, put(q, 4));
	EXPECT_EQ(POLLIN, ready(any));
	EXPECT_EQ(POLLIN, ready(t4));
	EXPECT_EQ(0, ready(not4));
	EXPECT_EQ(0, ready(le2));
	ASSERT_EQ(0, put(q, 1));
	EXPECT_EQ(POLLIN, ready(not4));
	EXPECT_EQ(POLLIN, ready(le2));
	EXPECT_EQ(1, take(q, -2));
	EXPECT_EQ(0, ready(le2));
	EXPECT_EQ(0, ready(not4));
	EXPECT_EQ(POLLIN, ready(t4));
	errno = 0;
	EXPECT_EQ(-1, mfd(q, AIXIPC_MSGQ_WRITE, 3, 1));	/* a class without READ */
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, mfd(q, -1, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	close(any);
	close(t4);
	close(not4);
	close(le2);
}

TEST(a_thousand_queues_in_one_epoll_set)
{
	enum { N = 1000 };
	msgq_fd_fn mfd = msgq_fd();
	struct epoll_event ev[4];
	int *q = calloc(N, sizeof(int)), *fd = calloc(N, sizeof(int));
	int ep, i;

	NEED_AIXIPC(aix_select(), mfd);
	ASSERT_NE(NULL, q);
	ASSERT_NE(NULL, fd);
	ASSERT_EQ(0, t_room_for_fds(N + 64));
	ASSERT_LE(0, ep = epoll_create1(EPOLL_CLOEXEC));
	for (i = 0; i < N; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };

		ASSERT_LE(0, q[i] = new_msq());
		ASSERT_LE(0, fd[i] = mfd(q[i], AIXIPC_MSGQ_READ, 0, 0));
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &e));
	}
	ASSERT_EQ(0, put(q[421], 3));
	ASSERT_EQ(1, epoll_wait(ep, ev, 4, -1));
	EXPECT_EQ(421U, ev[0].data.u32);
	EXPECT_EQ(1, take(q[421], 0));
	EXPECT_EQ(0, epoll_wait(ep, ev, 4, 0));
	for (i = 0; i < N; i++) {
		close(fd[i]);
		EXPECT_EQ(0, remove_obj(K_MSG, q[i]));
	}
	close(ep);
	free(q);
	free(fd);
}

/* A permission change, then RMID, while a descriptor is polled. */
TEST(removal_and_permission_change_while_polled)
{
	msgq_fd_fn mfd = msgq_fd();
	int q = new_msq_key(IPC_PRIVATE, IPC_CREAT | 0666), up[2], down[2];
	struct msqid_ds ds;
	pid_t pid;
	char c;

	NEED_AIXIPC(aix_select(), mfd);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pollfd p = { .events = POLLIN };

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK((p.fd = mfd(q, AIXIPC_MSGQ_READ, 0, 0)) >= 0);
		CHILD_CHECK(write(up[1], "r", 1) == 1);
		/* The parent takes read permission away. */
		CHILD_CHECK(poll(&p, 1, -1) == 1 && p.revents == POLLERR);
		CHILD_CHECK(write(up[1], "e", 1) == 1);
		/* It gives it back: nothing to report. */
		CHILD_CHECK(read(down[0], &c, 1) == 1);
		CHILD_CHECK(ready(p.fd) == 0);
		CHILD_CHECK(write(up[1], "f", 1) == 1);
		/* It removes the queue. */
		CHILD_CHECK(poll(&p, 1, -1) == 1 &&
			    p.revents == (POLLHUP | POLLERR));
		_exit(0);
	}
	ASSERT_EQ(1, read(up[0], &c, 1));
	ASSERT_EQ(0, wait_in_poll(pid));
	ASSERT_EQ(0, msgctl(q, IPC_STAT, &ds));
	ds.msg_perm.mode = 0600;
	ASSERT_EQ(0, msgctl(q, IPC_SET, &ds));
	ASSERT_EQ(1, read(up[0], &c, 1));
	ds.msg_perm.mode = 0666;
	ASSERT_EQ(0, msgctl(q, IPC_SET, &ds));
	ASSERT_EQ(1, write(down[1], "g", 1));
	ASSERT_EQ(1, read(up[0], &c, 1));
	ASSERT_EQ(0, wait_in_poll(pid));
	ASSERT_EQ(0, msgctl(q, IPC_RMID, NULL));
	EXPECT_EQ(0, child_status(pid));
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

TEST(epollexclusive_wakes_one_of_several_waiters)
{
	msgq_fd_fn mfd = msgq_fd();
	int q = new_msq(), fd, woke = 0, i;
	pid_t pid[4];

	NEED_AIXIPC(aix_select(), mfd);
	ASSERT_LE(0, q);
	ASSERT_LE(0, fd = mfd(q, AIXIPC_MSGQ_READ, 0, 0));
	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			struct epoll_event e = { .events = EPOLLIN | EPOLLEXCLUSIVE };
			int ep = epoll_create1(0);

			CHILD_CHECK(ep >= 0 && !epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e));
			_exit(epoll_wait(ep, &e, 1, 2000) == 1 ? 100 : 101);
		}
	}
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, wait_in_poll(pid[i]));
	ASSERT_EQ(0, put(q, 1));
	for (i = 0; i < 4; i++) {
		int st = child_status(pid[i]);

		ASSERT_TRUE(st == 100 || st == 101);
		woke += st == 100;
	}
	EXPECT_EQ(1, woke);
	close(fd);
}

TEST(fork_shares_exec_closes_unless_inherit)
{
	msgq_fd_fn mfd = msgq_fd();
	int q = new_msq(), fds[2], i, st;
	char num[16];
	pid_t pid;

	NEED_AIXIPC(aix_select(), mfd);
	ASSERT_LE(0, q);
	ASSERT_LE(0, fds[0] = mfd(q, AIXIPC_MSGQ_READ, 0, 0));
	ASSERT_LE(0, fds[1] = mfd(q, AIXIPC_MSGQ_READ | AIXIPC_MSGQ_INHERIT, 0, 0));
	ASSERT_EQ(0, put(q, 2));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(ready(fds[0]) == POLLIN ? 0 : 1);
	EXPECT_EQ(0, child_status(pid));
	for (i = 0; i < 2; i++) {
		snprintf(num, sizeof(num), "%d", fds[i]);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			setenv("CONFORM_FD_PROBE", num, 1);
			execl("/proc/self/exe", "conform_select", (char *)NULL);
			_exit(99);
		}
		st = child_status(pid);
		EXPECT_EQ(i ? 0 : 1, st);	/* 1: closed by exec */
	}
	close(fds[0]);
	close(fds[1]);
}

TEST_HARNESS_MAIN
