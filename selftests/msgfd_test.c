// SPDX-License-Identifier: GPL-2.0
/*
 * msgfd_test - queue descriptors (AIXIPC_IOC_MSGFD): what poll() and epoll
 * report, who is woken, and what the descriptor keeps and refuses.
 *
 * Run as root with the module loaded; unprivileged makers are forked
 * children that become uid/gid 65534.  A test that needs a process asleep
 * in poll or epoll waits for its wchan to name a poll function, never for
 * a fixed time; no test asserts on timing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "aixipc_test.h"

#define R	AIXIPC_MSGFD_READ
#define W	AIXIPC_MSGFD_WRITE

/* The re-executed image of the exec test: is descriptor N still open? */
static void __attribute__((constructor)) exec_probe(void)
{
	const char *s = getenv("MSGFD_PROBE");

	if (s)
		_exit(fcntl(atoi(s), F_GETFD) < 0 ? 1 : 0);
}

FIXTURE(mfd) {
	int fd;
	struct t_kids kids;
};

FIXTURE_SETUP(mfd)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_MSGFD);
}

FIXTURE_TEARDOWN(mfd)
{
	t_teardown(self->fd, &self->kids);
}

static int new_queue(int fd, uint32_t mode)
{
	int id = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, mode);

	if (id >= 0)
		t_track(AIXIPC_MSG, id);
	return id;
}

/* A queue descriptor: the descriptor, or -errno. */
static int msgfd(int fd, int id, uint32_t flags, int64_t msgtyp, uint64_t size)
{
	struct aixipc_msgfd r = {
		.id = id, .flags = flags, .msgtyp = msgtyp, .size = size,
	};
	int n = ioctl(fd, AIXIPC_IOC_MSGFD, &r);

	return n < 0 ? -errno : n;
}

/* What poll() reports for @qfd now, without waiting. */
static short ready(int qfd)
{
	struct pollfd p = { .fd = qfd, .events = POLLIN | POLLOUT };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static int send1(int fd, int id, long type, size_t len)
{
	char text[256] = { 0 };

	return t_msgsnd(fd, id, type, text, len, AIXIPC_NOWAIT);
}

static long recv1(int fd, int id, long type)
{
	char text[256];

	return t_msgrcv(fd, id, type, text, sizeof(text), AIXIPC_NOWAIT, NULL);
}

/* Wait until @pid sleeps in a poll or epoll function. */
static int wait_polling(pid_t pid)
{
	return t_wait_wchan_has(pid, "poll");
}

/* A child that polls @qfd with no timeout and exits with what it saw. */
static pid_t spawn_poller(struct t_kids *k, int qfd, short events)
{
	pid_t pid = t_spawn(k);

	if (pid == 0) {
		struct pollfd p = { .fd = qfd, .events = events };

		if (poll(&p, 1, -1) != 1)
			_exit(KID_BROKEN);
		_exit(p.revents & 0xff);
	}
	return pid;
}

TEST_F(mfd, rejects_bad_arguments_einval)
{
	int id = new_queue(self->fd, 0600);

	ASSERT_LE(0, id);
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id, 0, 0, 0));		/* no event */
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id, R | 0x100, 0, 0));	/* unknown flag */
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id, W, 5, 1));		/* class, no READ */
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id, W | AIXIPC_MSGFD_EXCEPT, 0, 1));
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id, R, 0, 10));		/* size, no WRITE */
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id, W, 0, (4 << 20) + 1));	/* > msgmax */
	EXPECT_EQ(-EINVAL, msgfd(self->fd, -1, R, 0, 0));
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id + 1, R, 0, 0));		/* no such id */
	ASSERT_EQ(0, t_rmid(self->fd, id));
	EXPECT_EQ(-EINVAL, msgfd(self->fd, id, R, 0, 0));		/* removed */
}

TEST_F(mfd, maker_needs_the_permission_of_each_event_eacces)
{
	int ro = new_queue(self->fd, 0644), none = new_queue(self->fd, 0600);

	ASSERT_LE(0, ro);
	ASSERT_LE(0, none);
	EXPECT_EQ(-EACCES, AS_NOBODY(msgfd(self->fd, none, R, 0, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(msgfd(self->fd, ro, W, 0, 1)));
	EXPECT_EQ(-EACCES, AS_NOBODY(msgfd(self->fd, ro, R | W, 0, 1)));
	EXPECT_LE(0, AS_NOBODY(msgfd(self->fd, ro, R, 0, 0)));
}

TEST_F(mfd, close_on_exec_unless_inherit)
{
	int id = new_queue(self->fd, 0600);
	int a, b;

	ASSERT_LE(0, id);
	a = msgfd(self->fd, id, R, 0, 0);
	b = msgfd(self->fd, id, R | AIXIPC_MSGFD_INHERIT, 0, 0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(FD_CLOEXEC, fcntl(a, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, fcntl(b, F_GETFD) & FD_CLOEXEC);
	close(a);
	close(b);
}

TEST_F(mfd, pollin_follows_the_queue)
{
	int id = new_queue(self->fd, 0600);
	int q;

	ASSERT_LE(0, id);
	q = msgfd(self->fd, id, R, 0, 0);
	ASSERT_LE(0, q);
	EXPECT_EQ(0, ready(q));
	ASSERT_EQ(0, send1(self->fd, id, 1, 10));
	EXPECT_EQ(POLLIN, ready(q));
	ASSERT_EQ(10, recv1(self->fd, id, 0));
	EXPECT_EQ(0, ready(q));
	close(q);
}

/* Each descriptor counts only its class, with msgrcv's rules. */
TEST_F(mfd, type_classes_follow_msgrcv_rules)
{
	int id = new_queue(self->fd, 0600);
	int any, five, not5, le3;

	ASSERT_LE(0, id);
	any = msgfd(self->fd, id, R, 0, 0);
	five = msgfd(self->fd, id, R, 5, 0);
	not5 = msgfd(self->fd, id, R | AIXIPC_MSGFD_EXCEPT, 5, 0);
	le3 = msgfd(self->fd, id, R, -3, 0);
	ASSERT_LE(0, any);
	ASSERT_LE(0, five);
	ASSERT_LE(0, not5);
	ASSERT_LE(0, le3);

	ASSERT_EQ(0, send1(self->fd, id, 5, 1));
	EXPECT_EQ(POLLIN, ready(any));
	EXPECT_EQ(POLLIN, ready(five));
	EXPECT_EQ(0, ready(not5));
	EXPECT_EQ(0, ready(le3));

	ASSERT_EQ(0, send1(self->fd, id, 2, 1));
	EXPECT_EQ(POLLIN, ready(not5));
	EXPECT_EQ(POLLIN, ready(le3));

	ASSERT_EQ(1, recv1(self->fd, id, 5));
	EXPECT_EQ(0, ready(five));
	EXPECT_EQ(POLLIN, ready(any));
	ASSERT_EQ(1, recv1(self->fd, id, 2));
	EXPECT_EQ(0, ready(any));
	EXPECT_EQ(0, ready(le3));
	close(any);
	close(five);
	close(not5);
	close(le3);
}

TEST_F(mfd, pollout_follows_room_for_its_size)
{
	int id = new_queue(self->fd, 0600);
	int big, small;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 150));
	big = msgfd(self->fd, id, W, 0, 100);
	small = msgfd(self->fd, id, W, 0, 50);
	ASSERT_LE(0, big);
	ASSERT_LE(0, small);
	EXPECT_EQ(POLLOUT, ready(big));
	ASSERT_EQ(0, send1(self->fd, id, 1, 100));
	EXPECT_EQ(0, ready(big));
	EXPECT_EQ(POLLOUT, ready(small));
	ASSERT_EQ(0, send1(self->fd, id, 1, 50));
	EXPECT_EQ(0, ready(small));
	ASSERT_EQ(100, recv1(self->fd, id, 0));
	EXPECT_EQ(POLLOUT, ready(big));
	/* A larger qbytes (IPC_SET) makes room too. */
	ASSERT_EQ(0, send1(self->fd, id, 1, 100));
	EXPECT_EQ(0, ready(small));
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 300));
	EXPECT_EQ(POLLOUT, ready(small));
	close(big);
	close(small);
}

/* A sleeping poller is woken by the send, and by the receive for room. */
TEST_F(mfd, sleeping_pollers_are_woken)
{
	int id = new_queue(self->fd, 0600);
	int r, w, st;
	pid_t pr, pw;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 10));
	ASSERT_EQ(0, send1(self->fd, id, 9, 10));	/* full */
	r = msgfd(self->fd, id, R, 7, 0);
	w = msgfd(self->fd, id, W, 0, 10);
	ASSERT_LE(0, r);
	ASSERT_LE(0, w);

	pr = spawn_poller(&self->kids, r, POLLIN);
	pw = spawn_poller(&self->kids, w, POLLOUT);
	ASSERT_LT(0, pr);
	ASSERT_LT(0, pw);
	ASSERT_EQ(0, wait_polling(pr));
	ASSERT_EQ(0, wait_polling(pw));
	ASSERT_EQ(10, recv1(self->fd, id, 9));	/* room: wakes the writer */
	EXPECT_EQ(POLLOUT, t_reap(&self->kids, pw));
	ASSERT_EQ(0, t_kid_ended(pr) ? -1 : 0);	/* type 7 not there yet */
	ASSERT_EQ(0, send1(self->fd, id, 7, 1));
	st = t_reap(&self->kids, pr);
	EXPECT_EQ(POLLIN, st);
	close(r);
	close(w);
}

/* IPC_RMID: POLLHUP | POLLERR to every poller; EIDRM through the descriptor. */
TEST_F(mfd, removal_hangs_up_every_poller)
{
	int id = new_queue(self->fd, 0600);
	struct aixipc_msgrcv rcv;
	char buf[16];
	pid_t p[3];
	int q, i;

	ASSERT_LE(0, id);
	q = msgfd(self->fd, id, R | W, 0, 1);
	ASSERT_LE(0, q);
	ASSERT_EQ(POLLOUT, ready(q));
	for (i = 0; i < 3; i++) {
		p[i] = spawn_poller(&self->kids, q, POLLIN);
		ASSERT_LT(0, p[i]);
	}
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, wait_polling(p[i]));
	ASSERT_EQ(0, t_rmid(self->fd, id));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(POLLHUP | POLLERR, t_reap(&self->kids, p[i]));
	EXPECT_EQ(POLLHUP | POLLERR, ready(q));
	EXPECT_EQ(-EIDRM, t_msgsnd(q, id, 1, "x", 1, AIXIPC_NOWAIT));
	EXPECT_EQ(-EIDRM, t_msgrcv(q, id, 0, buf, sizeof(buf), AIXIPC_NOWAIT, &rcv));
	EXPECT_EQ(-EIDRM, t_msgctl(q, id, AIXIPC_IPC_STAT, NULL));
	close(q);
}

/*
 * IPC_SET checks the maker again: a descriptor whose maker lost read
 * permission reports POLLERR, and is readable again once it is back.
 */
TEST_F(mfd, ipc_set_takes_permission_away_and_back)
{
	int id = new_queue(self->fd, 0666);
	struct aixipc_msqid_ds ds;
	struct handshake h1, h2;
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send1(self->fd, id, 1, 1));
	ASSERT_EQ(0, hs_init(&h1));
	ASSERT_EQ(0, hs_init(&h2));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int q;

		if (t_become_nobody())
			_exit(KID_BROKEN);
		q = msgfd(self->fd, id, R, 0, 0);
		if (q < 0 || ready(q) != POLLIN)
			_exit(KID_BROKEN);
		if (hs_kid_ready_wait(&h1))	/* the parent takes it away */
			_exit(KID_BROKEN);
		if (ready(q) != POLLERR)
			_exit(KID_WRONG);
		if (hs_kid_ready_wait(&h2))	/* and gives it back */
			_exit(KID_BROKEN);
		_exit(ready(q));
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h1));
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_STAT, &ds));
	ds.perm.mode = 0600;
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	hs_parent_go(&h1);
	ASSERT_EQ(0, hs_parent_wait_ready(&h2));
	ds.perm.mode = 0644;
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	hs_parent_go(&h2);
	EXPECT_EQ(POLLIN, t_reap(&self->kids, pid));
}

/* The same, from the other side: a poller asleep is woken by IPC_SET. */
TEST_F(mfd, permission_given_back_wakes_the_poller)
{
	int id = new_queue(self->fd, 0666);
	struct aixipc_msqid_ds ds;
	struct handshake h;
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct pollfd p = { .events = POLLIN };

		if (t_become_nobody())
			_exit(KID_BROKEN);
		p.fd = msgfd(self->fd, id, R, 0, 0);
		if (p.fd < 0 || hs_kid_ready_wait(&h))
			_exit(KID_BROKEN);
		if (poll(&p, 1, -1) != 1)
			_exit(KID_BROKEN);
		_exit(p.revents);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	hs_parent_go(&h);
	ASSERT_EQ(0, wait_polling(pid));
	/* Nothing to read, but the permission goes: the poller must learn it. */
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_STAT, &ds));
	ds.perm.mode = 0600;
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	EXPECT_EQ(POLLERR, t_reap(&self->kids, pid));
}

/*
 * @n children each wait in their own epoll set on one descriptor
 * (EPOLLEXCLUSIVE if @excl) for up to 2 s; one message is sent.  Return:
 * how many saw it, or -1.
 */
static int epoll_herd(int fd, struct t_kids *kids, int id, int n, bool excl)
{
	int q = msgfd(fd, id, R, 0, 0), woke = 0, i, st;
	pid_t pid[8];

	if (q < 0)
		return -1;
	for (i = 0; i < n; i++) {
		pid[i] = t_spawn(kids);
		if (pid[i] < 0)
			return -1;
		if (pid[i] == 0) {
			struct epoll_event ev = {
				.events = EPOLLIN | (excl ? EPOLLEXCLUSIVE : 0),
			};
			int ep = epoll_create1(0);

			if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, q, &ev))
				_exit(KID_BROKEN);
			_exit(epoll_wait(ep, &ev, 1, 2000) == 1 ? 1 : 0);
		}
	}
	for (i = 0; i < n; i++)
		if (wait_polling(pid[i]))
			return -1;
	if (send1(fd, id, 1, 1))
		return -1;
	for (i = 0; i < n; i++) {
		st = t_reap(kids, pid[i]);
		if (st != 0 && st != 1)
			return -1;
		woke += st;
	}
	close(q);
	return woke;
}

TEST_F(mfd, epollexclusive_wakes_one_waiter_per_message)
{
	int a = new_queue(self->fd, 0600), b = new_queue(self->fd, 0600);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* Without EPOLLEXCLUSIVE every waiter sees the message: the herd. */
	EXPECT_EQ(4, epoll_herd(self->fd, &self->kids, a, 4, false));
	EXPECT_EQ(1, epoll_herd(self->fd, &self->kids, b, 4, true));
}

TEST_F(mfd, thousand_queues_in_one_epoll_set)
{
	enum { N = 1000 };
	struct epoll_event ev[8];
	int *ids = calloc(N, sizeof(int)), *qs = calloc(N, sizeof(int));
	int ep, i, n;

	ASSERT_NE(NULL, ids);
	ASSERT_NE(NULL, qs);
	ASSERT_EQ(0, t_room_for_fds(N + 64));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	for (i = 0; i < N; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };

		ids[i] = new_queue(self->fd, 0600);
		ASSERT_LE(0, ids[i]);
		qs[i] = msgfd(self->fd, ids[i], R, 0, 0);
		ASSERT_LE(0, qs[i]);
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, qs[i], &e));
	}
	EXPECT_EQ(0, epoll_wait(ep, ev, 8, 0));
	ASSERT_EQ(0, send1(self->fd, ids[537], 1, 1));
	ASSERT_EQ(0, send1(self->fd, ids[999], 1, 1));
	n = epoll_wait(ep, ev, 8, 0);
	ASSERT_EQ(2, n);
	EXPECT_EQ(537 + 999, (int)(ev[0].data.u32 + ev[1].data.u32));
	ASSERT_EQ(1, recv1(self->fd, ids[537], 0));
	ASSERT_EQ(1, recv1(self->fd, ids[999], 0));
	EXPECT_EQ(0, epoll_wait(ep, ev, 8, 0));
	for (i = 0; i < N; i++) {
		close(qs[i]);
		EXPECT_EQ(0, t_rmid(self->fd, ids[i]));
	}
	close(ep);
	free(ids);
	free(qs);
}

TEST_F(mfd, send_receive_and_stat_through_the_descriptor)
{
	int id = new_queue(self->fd, 0600), other = new_queue(self->fd, 0600);
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[16];
	int q;

	ASSERT_LE(0, id);
	ASSERT_LE(0, other);
	q = msgfd(self->fd, id, R, 0, 0);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, t_msgsnd(q, id, 4, "abc", 3, 0));
	ASSERT_EQ(0, t_msgctl(q, id, AIXIPC_IPC_STAT, &ds));
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(3, t_msgrcv(q, id, 4, buf, sizeof(buf), AIXIPC_NOWAIT, &r));
	EXPECT_EQ(4, r.mtype);
	/* The descriptor names its queue: another id is a mistake. */
	EXPECT_EQ(-EINVAL, t_msgsnd(q, other, 4, "abc", 3, 0));
	EXPECT_EQ(-EINVAL, t_msgctl(q, other, AIXIPC_IPC_STAT, &ds));
	EXPECT_EQ(-EINVAL, t_msgctl(q, id, AIXIPC_IPC_RMID, NULL));
	EXPECT_EQ(-ENOTTY, aixipc_ioctl(q, AIXIPC_IOC_VERSION, &ds));
	close(q);
}

/* A descriptor stays with its queue, whatever namespace uses it. */
TEST_F(mfd, bound_to_its_queue_across_namespaces)
{
	int id = new_queue(self->fd, 0600);
	char buf[16];
	long r;
	int q;

	ASSERT_LE(0, id);
	q = msgfd(self->fd, id, R, 0, 0);
	ASSERT_LE(0, q);
	r = T_IN_CHILD(unshare(CLONE_NEWIPC), ({
		/* Its own queue, maybe with the same number as ours. */
		int dev = aixipc_open();
		int mine = dev < 0 ? -1 :
			   t_msgget(dev, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
		long rv = mine < 0 ? -EIO : t_msgsnd(q, id, 6, "ns", 2, 0);

		if (!rv && ready(q) != POLLIN)
			rv = -EIO;
		rv;
	}));
	ASSERT_EQ(0, r);
	EXPECT_EQ(2, t_msgrcv(self->fd, id, 6, buf, sizeof(buf), AIXIPC_NOWAIT, NULL));
	close(q);
}

TEST_F(mfd, inherited_by_fork_closed_by_exec_unless_inherit)
{
	int id = new_queue(self->fd, 0600);
	int a, b, st;
	char num[16];
	pid_t pid;

	ASSERT_LE(0, id);
	a = msgfd(self->fd, id, R, 0, 0);
	b = msgfd(self->fd, id, R | AIXIPC_MSGFD_INHERIT, 0, 0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, send1(self->fd, id, 1, 1));
	/* A forked child polls the same descriptor. */
	EXPECT_EQ(POLLIN, T_IN_CHILD(0, ready(a)));
	for (int i = 0; i < 2; i++) {
		snprintf(num, sizeof(num), "%d", i ? b : a);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			setenv("MSGFD_PROBE", num, 1);
			execl("/proc/self/exe", "msgfd_test", (char *)NULL);
			_exit(KID_BROKEN);
		}
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		ASSERT_TRUE(WIFEXITED(st));
		/* 1: closed on exec (a); 0: still open (b). */
		EXPECT_EQ(i ? 0 : 1, WEXITSTATUS(st));
	}
	close(a);
	close(b);
}

TEST_F(mfd, fdinfo_names_the_queue)
{
	int id = new_queue(self->fd, 0600);
	char path[64], buf[512], want[64];
	FILE *f;
	int q;

	ASSERT_LE(0, id);
	q = msgfd(self->fd, id, R | AIXIPC_MSGFD_EXCEPT, -9, 0);
	ASSERT_LE(0, q);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", q);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	snprintf(want, sizeof(want), "aixipc-msqid:\t%d\n", id);
	EXPECT_NE(NULL, strstr(buf, want));
	EXPECT_NE(NULL, strstr(buf, "aixipc-msgtyp:\t-9\n"));
	close(q);
}

/*
 * No lost wakeup: a sender thread sends many messages while this thread
 * sleeps in poll() between receives; every message must wake it (a lost
 * one hangs the test, which the harness's timeout fails).
 */
struct storm {
	int fd, id, n;
};

static void *storm_sender(void *arg)
{
	struct storm *s = arg;
	int i;

	for (i = 0; i < s->n; i++) {
		if (send1(s->fd, s->id, 1 + i % 3, 1))
			return (void *)1;
		if (i % 7 == 0)
			sched_yield();
	}
	return NULL;
}

TEST_F(mfd, no_lost_wakeup_under_a_storm)
{
	struct storm s = { .fd = self->fd, .n = 20000 };
	pthread_t t;
	void *res;
	int q, got = 0;

	s.id = new_queue(self->fd, 0600);
	ASSERT_LE(0, s.id);
	q = msgfd(self->fd, s.id, R, -2, 0);	/* types 1 and 2 only */
	ASSERT_LE(0, q);
	ASSERT_EQ(0, pthread_create(&t, NULL, storm_sender, &s));
	while (got < s.n - s.n / 3) {
		struct pollfd p = { .fd = q, .events = POLLIN };

		ASSERT_EQ(1, poll(&p, 1, -1));
		while (recv1(self->fd, s.id, -2) == 1)
			got++;
	}
	ASSERT_EQ(0, pthread_join(t, &res));
	EXPECT_EQ(NULL, res);
	EXPECT_EQ(s.n / 3, (int)t_qstat(self->fd, s.id).qnum);	/* type 3 */
	close(q);
}

TEST_HARNESS_MAIN
