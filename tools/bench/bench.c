// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc-bench: the same workloads on Linux's native System V IPC and on
 * aixipc, alternating run by run, in one process and one boot, so that
 * only the ratio matters (under QEMU's TCG absolute times mean little).
 *
 *   aixipc-bench [-r RUNS] [-s SCALE] [-i IPCS] [-c CSV|-] [-m] [-w NAME]
 *                [-S native|aixipc]
 *
 * This program links libaixipc.a: msgget() and friends are aixipc's.  The
 * native side makes the same calls as raw system calls, which is what
 * glibc's wrappers do.  Each workload reports the median time per
 * operation of RUNS runs per side, and the median and range of the runs'
 * ratios aixipc/native (below 1 is faster; each run times the two sides
 * back to back, so a ratio is immune to drift between runs).  -m also reports kernel memory per object, from a memory
 * cgroup (see per_object()).  Needs root (it raises Linux's msgmax, msgmnb
 * and shmmni, makes a cgroup, and raises nr_hugepages while a SHM_HUGETLB
 * side runs) and the module; the 1 GiB rows want 4 GiB of memory.  A row
 * that the machine cannot run (no huge pages to reserve, say) is printed
 * as unavailable, with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ipc.h>
#include <mqueue.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <aixipc.h>
#include <linux/aixipc.h>

/* Linux 5.14; glibc's headers have it from 2.35. */
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* One side's calls. */
struct side {
	const char *name;
	int (*msgget)(key_t key, int flg);
	int (*msgsnd)(int id, const void *p, size_t n, int flg);
	ssize_t (*msgrcv)(int id, void *p, size_t n, long type, int flg);
	int (*msgrm)(int id);
	int (*semget)(key_t key, int n, int flg);
	int (*semop)(int id, struct sembuf *ops, size_t n);
	int (*semset)(int id, int num, int val);
	int (*semgetval)(int id, int num);
	int (*semrm)(int id);
	int (*shmget)(key_t key, size_t size, int flg);
	void *(*shmat)(int id, const void *addr, int flg);
	int (*shmdt)(const void *addr);
	int (*shmrm)(int id);
};

static int n_msgget(key_t k, int f) { return (int)syscall(SYS_msgget, k, f); }
static int n_msgsnd(int i, const void *p, size_t n, int f)
{ return (int)syscall(SYS_msgsnd, i, p, n, f); }
static ssize_t n_msgrcv(int i, void *p, size_t n, long t, int f)
{ return syscall(SYS_msgrcv, i, p, n, t, f); }
static int n_msgrm(int i) { return (int)syscall(SYS_msgctl, i, IPC_RMID, NULL); }
static int n_semget(key_t k, int n, int f) { return (int)syscall(SYS_semget, k, n, f); }
static int n_semop(int i, struct sembuf *o, size_t n)
{ return (int)syscall(SYS_semop, i, o, n); }
static int n_semset(int i, int num, int v)
{ return (int)syscall(SYS_semctl, i, num, SETVAL, (unsigned long)v); }
static int n_semgetval(int i, int num)
{ return (int)syscall(SYS_semctl, i, num, GETVAL, 0UL); }
static int n_semrm(int i) { return (int)syscall(SYS_semctl, i, 0, IPC_RMID, 0UL); }
static int n_shmget(key_t k, size_t s, int f) { return (int)syscall(SYS_shmget, k, s, f); }
static void *n_shmat(int i, const void *a, int f)
{ return (void *)syscall(SYS_shmat, i, a, f); }
static int n_shmdt(const void *a) { return (int)syscall(SYS_shmdt, a); }
static int n_shmrm(int i) { return (int)syscall(SYS_shmctl, i, IPC_RMID, NULL); }

static int a_msgrm(int i) { return msgctl(i, IPC_RMID, NULL); }
static int a_semset(int i, int num, int v) { return semctl(i, num, SETVAL, v); }
static int a_semgetval(int i, int num) { return semctl(i, num, GETVAL); }
static int a_semrm(int i) { return semctl(i, 0, IPC_RMID); }
static int a_shmrm(int i) { return shmctl(i, IPC_RMID, NULL); }

static const struct side native = {
	"native", n_msgget, n_msgsnd, n_msgrcv, n_msgrm, n_semget, n_semop,
	n_semset, n_semgetval, n_semrm, n_shmget, n_shmat, n_shmdt, n_shmrm,
};

static const struct side aixipc = {
	"aixipc", msgget, msgsnd, msgrcv, a_msgrm, semget, semop,
	a_semset, a_semgetval, a_semrm, shmget, shmat, shmdt, a_shmrm,
};

static int scale = 1;
static const char *ipcs_path = "aixipc-ipcs";

static int write_file(const char *path, const char *text);

static void die(const char *what)
{
	fprintf(stderr, "aixipc-bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("worker failed");
}

struct msgbuf_big {
	long mtype;
	char mtext[64 << 10];
};

/*
 * 0: the cost of getting into the facility and out again: semop on an id
 * that names nothing (EINVAL before any lookup), so that the other ratios
 * can be read against it.
 */
static double w_floor(const struct side *s, long arg)
{
	struct sembuf p = { 0, -1, 0 };
	int i, n = 200000 * scale;
	double t = now_ns();

	(void)arg;
	for (i = 0; i < n; i++)
		if (s->semop(-1, &p, 1) != -1 || errno != EINVAL)
			die("semop(-1) did not fail with EINVAL");
	return (now_ns() - t) / n;
}

/* 1: round trips of @arg bytes between two processes over one queue. */
static double w_pingpong(const struct side *s, long arg)
{
	static struct msgbuf_big m;
	int q = s->msgget(IPC_PRIVATE, IPC_CREAT | 0600), i;
	int n = (arg >= 65536 ? 1000 : 4000) * scale;
	double t;
	pid_t pid;

	if (q < 0)
		die("msgget");
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++) {
			if (s->msgrcv(q, &m, sizeof(m.mtext), 1, 0) < 0)
				_exit(1);
			m.mtype = 2;
			if (s->msgsnd(q, &m, (size_t)arg, 0))
				_exit(1);
		}
		_exit(0);
	}
	t = now_ns();
	for (i = 0; i < n; i++) {
		m.mtype = 1;
		if (s->msgsnd(q, &m, (size_t)arg, 0) ||
		    s->msgrcv(q, &m, sizeof(m.mtext), 2, 0) < 0)
			die("pingpong");
	}
	t = now_ns() - t;
	reap(pid);
	s->msgrm(q);
	return t / n;
}

/* 2: one-way messages through @arg queues, a producer and consumer each. */
static double w_throughput(const struct side *s, long arg)
{
	int n = 10000 * scale, q[4], i, j;
	pid_t pid[8];
	double t;

	for (i = 0; i < arg; i++)
		if ((q[i] = s->msgget(IPC_PRIVATE, IPC_CREAT | 0600)) < 0)
			die("msgget");
	t = now_ns();
	for (i = 0; i < arg; i++) {
		for (j = 0; j < 2; j++) {
			pid[2 * i + j] = fork();
			if (pid[2 * i + j] == 0) {
				struct { long mtype; char text[256]; } m = { 1, "" };
				int k;

				for (k = 0; k < n; k++)
					if (j ? s->msgrcv(q[i], &m, sizeof(m.text), 0, 0) < 0
					      : s->msgsnd(q[i], &m, sizeof(m.text), 0))
						_exit(1);
				_exit(0);
			}
		}
	}
	for (i = 0; i < 2 * arg; i++)
		reap(pid[i]);
	t = now_ns() - t;
	for (i = 0; i < arg; i++)
		s->msgrm(q[i]);
	return t / (n * arg);
}

/* 3: P then V on one semaphore, nobody else around; sem_flg @arg. */
static double w_semop(const struct side *s, long arg)
{
	int id = s->semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), i, n = 20000 * scale;
	struct sembuf p = { 0, -1, (short)arg }, v = { 0, 1, (short)arg };
	double t;

	if (id < 0 || s->semset(id, 0, 1))
		die("semget");
	t = now_ns();
	for (i = 0; i < n; i++)
		if (s->semop(id, &p, 1) || s->semop(id, &v, 1))
			die("semop");
	t = now_ns() - t;
	s->semrm(id);
	return t / n;
}

/* 3b: GETVAL of one semaphore (libaixipc reads it in the shared area). */
static double w_getval(const struct side *s, long arg)
{
	int id = s->semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), i, n = 50000 * scale;
	double t;

	(void)arg;
	if (id < 0 || s->semset(id, 0, 3))
		die("semget");
	t = now_ns();
	for (i = 0; i < n; i++)
		if (s->semgetval(id, 0) != 3)
			die("semctl GETVAL");
	t = now_ns() - t;
	s->semrm(id);
	return t / n;
}

/* 4: a token passed back and forth between two processes. */
static double w_handoff(const struct side *s, long arg)
{
	int id = s->semget(IPC_PRIVATE, 2, IPC_CREAT | 0600), i, n = 4000 * scale;
	struct sembuf p0 = { 0, -1, 0 }, v0 = { 0, 1, 0 };
	struct sembuf p1 = { 1, -1, 0 }, v1 = { 1, 1, 0 };
	double t;
	pid_t pid;

	(void)arg;
	if (id < 0)
		die("semget");
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < n; i++)
			if (s->semop(id, &p0, 1) || s->semop(id, &v1, 1))
				_exit(1);
		_exit(0);
	}
	t = now_ns();
	for (i = 0; i < n; i++)
		if (s->semop(id, &v0, 1) || s->semop(id, &p1, 1))
			die("handoff");
	t = now_ns() - t;
	reap(pid);
	s->semrm(id);
	return t / n;
}

/* 5: @arg processes, each with its own semaphore of one set. */
static double w_semset(const struct side *s, long arg)
{
	int id = s->semget(IPC_PRIVATE, 4, IPC_CREAT | 0600), i, n = 10000 * scale;
	pid_t pid[4];
	double t;

	if (id < 0)
		die("semget");
	for (i = 0; i < 4; i++)
		s->semset(id, i, 1);
	t = now_ns();
	for (i = 0; i < arg; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			struct sembuf p = { (unsigned short)i, -1, 0 };
			struct sembuf v = { (unsigned short)i, 1, 0 };
			int k;

			for (k = 0; k < n; k++)
				if (s->semop(id, &p, 1) || s->semop(id, &v, 1))
					_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < arg; i++)
		reap(pid[i]);
	t = now_ns() - t;
	s->semrm(id);
	return t / (n * arg);
}

/* 6: create, attach, touch every page, detach, remove a segment. */
static double w_shmcycle(const struct side *s, long arg)
{
	int n = (arg > (1 << 20) ? 4 : 100) * scale, i;
	long page = sysconf(_SC_PAGESIZE), off;
	double t = now_ns();

	for (i = 0; i < n; i++) {
		int id = s->shmget(IPC_PRIVATE, (size_t)arg, IPC_CREAT | 0600);
		volatile char *p;

		if (id < 0)
			die("shmget");
		p = s->shmat(id, NULL, 0);
		if (p == (void *)-1)
			die("shmat");
		for (off = 0; off < arg; off += page)
			p[off] = 1;
		if (s->shmdt((const void *)p) || s->shmrm(id))
			die("shmdt");
	}
	return (now_ns() - t) / n;
}

#define MANY 10000
#define KEY_BASE 0x5a000000

static int many_ids[MANY];

static void make_many(const struct side *s)
{
	int i;

	for (i = 0; i < MANY; i++)
		if ((many_ids[i] = s->msgget(KEY_BASE + i, IPC_CREAT | 0600)) < 0)
			die("msgget (10,000 queues)");
}

static void remove_many(const struct side *s)
{
	int i;

	for (i = 0; i < MANY; i++)
		s->msgrm(many_ids[i]);
}

/* 7: msgget of an existing key among 10,000 queues. */
static double w_lookup(const struct side *s, long arg)
{
	int i, n = 50000 * scale;
	double t;

	(void)arg;
	make_many(s);
	t = now_ns();
	for (i = 0; i < n; i++)
		if (s->msgget(KEY_BASE + (i * 7919) % MANY, 0) < 0)
			die("msgget lookup");
	t = now_ns() - t;
	remove_many(s);
	return t / n;
}

/* 8: list 10,000 queues: util-linux ipcs natively, aixipc-ipcs here. */
static double w_listing(const struct side *s, long arg)
{
	char cmd[512];
	double t;
	int i, n = 3;

	(void)arg;
	make_many(s);
	snprintf(cmd, sizeof(cmd), "%s -q > /dev/null",
		 s == &native ? "ipcs" : ipcs_path);
	t = now_ns();
	for (i = 0; i < n; i++)
		if (system(cmd) != 0)
			die(cmd);
	t = now_ns() - t;
	remove_many(s);
	return t / n;
}

/*
 * 8b: the kernel's part of listing: every queue's status, read from
 * /proc/sysvipc/msg natively (what util-linux ipcs parses) and with
 * AIXIPC_IOC_LIST in batches of 256 on aixipc (what aixipc-ipcs calls).
 */
static double w_status_walk(const struct side *s, long arg)
{
	static struct aixipc_list_entry e[256];
	static char buf[1 << 16];
	int i, n = 5, fd;
	double t;

	(void)arg;
	make_many(s);
	t = now_ns();
	for (i = 0; i < n; i++) {
		long total = 0;

		if (s == &native) {
			ssize_t r;

			fd = open("/proc/sysvipc/msg", O_RDONLY);
			if (fd < 0)
				die("/proc/sysvipc/msg");
			while ((r = read(fd, buf, sizeof(buf))) > 0)
				total += r;
			close(fd);
		} else {
			struct aixipc_list l = {
				.kind = AIXIPC_MSG, .entries = (uintptr_t)e,
				.entry_size = sizeof(e[0]),
			};

			fd = open(AIXIPC_DEVICE, O_RDWR);
			if (fd < 0)
				die(AIXIPC_DEVICE);
			do {
				l.count = 256;
				if (ioctl(fd, AIXIPC_IOC_LIST, &l))
					die("AIXIPC_IOC_LIST");
				total += l.count;
			} while (l.count);
			close(fd);
			if (total < MANY)
				die("AIXIPC_IOC_LIST lost queues");
		}
		if (!total)
			die("status walk read nothing");
	}
	t = now_ns() - t;
	remove_many(s);
	return t / n;
}

/*
 * Wake-up latency: two processes pass a 64-byte token back and forth
 * through two queues, each waiting for its queue to turn readable; the
 * time of a round trip is two wake-ups.  WAKE_MSGFD waits as a program
 * built around an event loop does on aixipc (epoll_wait(2) on a queue
 * descriptor, then msgrcv), WAKE_MQ the same on Linux's only pollable
 * message queue (POSIX mq, epoll_wait then mq_receive), WAKE_BLOCKING in
 * a blocking msgrcv on aixipc.
 */
enum wake_kind { WAKE_MSGFD, WAKE_MQ, WAKE_BLOCKING };

struct wake_chan {
	int q;		/* the queue: aixipc id or mqd_t */
	int fd;		/* what epoll waits on: the descriptor, or the mqd_t */
};

static void wake_open(enum wake_kind k, struct wake_chan *c)
{
	if (k == WAKE_MQ) {
		struct mq_attr a = { .mq_maxmsg = 8, .mq_msgsize = 64 };
		char name[64];

		snprintf(name, sizeof(name), "/aixipc-bench-%d-%p", getpid(), (void *)c);
		c->q = c->fd = mq_open(name, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK,
				       0600, &a);
		if (c->q < 0 || mq_unlink(name))
			die("mq_open");
		return;
	}
	c->q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (c->q < 0)
		die("msgget");
	c->fd = -1;
	if (k == WAKE_MSGFD) {
		c->fd = aixipc_msgq_fd(c->q, AIXIPC_MSGQ_READ, 0, 0);
		if (c->fd < 0)
			die("aixipc_msgq_fd");
	}
}

static void wake_close(enum wake_kind k, struct wake_chan *c)
{
	if (k == WAKE_MQ) {
		mq_close(c->q);
		return;
	}
	if (c->fd >= 0)
		close(c->fd);
	msgctl(c->q, IPC_RMID, NULL);
}

static int wake_send(enum wake_kind k, struct wake_chan *c, struct msgbuf_big *m)
{
	m->mtype = 1;
	return k == WAKE_MQ ? mq_send(c->q, m->mtext, 64, 0) :
			      msgsnd(c->q, m, 64, 0);
}

/*
 * Wait until @c has the token and take it, as an event loop does: wait,
 * then receive without blocking.  0, or -1.
 */
static int wake_recv(enum wake_kind k, int ep, struct wake_chan *c,
		     struct msgbuf_big *m)
{
	struct epoll_event ev;

	if (k == WAKE_BLOCKING)
		return msgrcv(c->q, m, sizeof(m->mtext), 0, 0) < 0 ? -1 : 0;
	for (;;) {
		ssize_t n;

		if (epoll_wait(ep, &ev, 1, -1) < 0 && errno != EINTR)
			return -1;
		n = k == WAKE_MQ ? mq_receive(c->q, m->mtext, 64, NULL) :
		    msgrcv(c->q, m, sizeof(m->mtext), 0, IPC_NOWAIT);
		if (n >= 0)
			return 0;
		if (errno != EAGAIN && errno != ENOMSG)
			return -1;
	}
}

/* Each process its own epoll set, on the queue it receives from. */
static int wake_epoll(enum wake_kind k, struct wake_chan *c)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep;

	if (k == WAKE_BLOCKING)
		return -1;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev))
		return -2;
	return ep;
}

/*
 * Both processes run on one CPU: under TCG a wake-up that crosses to an
 * idle vCPU costs what the host takes to schedule that vCPU's thread (a
 * millisecond, with wide swings), which would swamp the cost of the path
 * being measured; on one CPU every kind pays the same context switch.
 */
static double wake_roundtrips(enum wake_kind k)
{
	static struct msgbuf_big m;
	struct wake_chan c[2];
	int i, n = 4000 * scale, ep;
	cpu_set_t all, one;
	double t;
	pid_t pid;

	if (sched_getaffinity(0, sizeof(all), &all))
		die("sched_getaffinity");
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("sched_setaffinity");
	wake_open(k, &c[0]);
	wake_open(k, &c[1]);
	pid = fork();
	if (pid == 0) {
		ep = wake_epoll(k, &c[0]);
		if (ep == -2)
			_exit(1);
		for (i = 0; i < n; i++)
			if (wake_recv(k, ep, &c[0], &m) || wake_send(k, &c[1], &m))
				_exit(1);
		_exit(0);
	}
	ep = wake_epoll(k, &c[1]);
	if (ep == -2)
		die("epoll");
	t = now_ns();
	for (i = 0; i < n; i++)
		if (wake_send(k, &c[0], &m) || wake_recv(k, ep, &c[1], &m))
			die("wake-up round trip");
	t = now_ns() - t;
	reap(pid);
	if (ep >= 0)
		close(ep);
	wake_close(k, &c[0]);
	wake_close(k, &c[1]);
	if (sched_setaffinity(0, sizeof(all), &all))
		die("sched_setaffinity");
	return t / (2.0 * n);
}

/* The native column: POSIX mq under epoll, Linux's only pollable queue. */
static double w_wake_vs_mq(const struct side *s, long arg)
{
	(void)arg;
	return wake_roundtrips(s == &native ? WAKE_MQ : WAKE_MSGFD);
}

/* The native column: aixipc's own blocking msgrcv. */
static double w_wake_vs_blocking(const struct side *s, long arg)
{
	(void)arg;
	return wake_roundtrips(s == &native ? WAKE_BLOCKING : WAKE_MSGFD);
}

/*
 * Pinned and large-page segments (SHM_PIN, SHM_LGPAGE) against Linux's
 * ordinary segments, MADV_POPULATE_WRITE and SHM_HUGETLB.  Each row names
 * its native comparison; the aixipc side is the same kind of segment in
 * the rows that share a prefix.  A segment is made once per run and side
 * and removed at its end, so the VM holds one big segment at a time (and
 * the huge page pool only while a SHM_HUGETLB side runs).  A row the
 * environment cannot give (no huge pages to reserve, no
 * MADV_POPULATE_WRITE, the flag not in force) is reported unavailable,
 * with the reason, instead of a number.
 */
enum seg_kind {
	SEG_ORDINARY,		/* native: plain shmget */
	SEG_POPULATE,		/* native: plain, MADV_POPULATE_WRITE at attach */
	SEG_HUGETLB,		/* native: SHM_HUGETLB, from the reserved pool */
	SEG_PIN,		/* aixipc: SHM_PIN */
	SEG_LGPAGE,		/* aixipc: SHM_LGPAGE */
	SEG_PIN_LGPAGE,		/* aixipc: SHM_PIN | SHM_LGPAGE */
};

/* Why the current row has no number; set where a workload returns -1. */
static char unavailable[256];

static void skip_row(const char *what, int err)
{
	snprintf(unavailable, sizeof(unavailable), "%s: %s", what, strerror(err));
}

/* A number from a "Name:   N" line of /proc/meminfo, or -1. */
static long meminfo(const char *name)
{
	size_t len = strlen(name);
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return v;
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return r > 0 ? strtol(buf, NULL, 10) : -1;
}

#define NR_HUGEPAGES "/proc/sys/vm/nr_hugepages"

static long hugepages_saved = -1;

/* Give nr_hugepages back its value from before hugetlb_reserve(). */
static void hugetlb_restore(void)
{
	char v[32];

	if (hugepages_saved < 0)
		return;
	snprintf(v, sizeof(v), "%ld", hugepages_saved);
	if (write_file(NR_HUGEPAGES, v))
		fprintf(stderr, "aixipc-bench: could not restore %s to %s\n",
			NR_HUGEPAGES, v);
	hugepages_saved = -1;
}

/*
 * Make room in the huge page pool for @size bytes of SHM_HUGETLB, with 8
 * pages of slack: 0, or -1 with the reason in unavailable[] when the
 * kernel could not gather enough (memory too fragmented or too small).
 * hugetlb_restore() (also at exit) puts the old pool size back.
 */
static int hugetlb_reserve(size_t size)
{
	long hpkb = meminfo("Hugepagesize"), cur = read_long(NR_HUGEPAGES);
	long need, got;
	char v[32];

	if (hpkb <= 0 || cur < 0) {
		snprintf(unavailable, sizeof(unavailable),
			 "no huge page pool (Hugepagesize, %s)", NR_HUGEPAGES);
		return -1;
	}
	need = (long)(size / 1024 / (size_t)hpkb);
	if (hugepages_saved < 0) {
		static int registered;

		if (!registered && !atexit(hugetlb_restore))
			registered = 1;
		hugepages_saved = cur;
	}
	if (meminfo("HugePages_Free") < need) {
		snprintf(v, sizeof(v), "%ld", cur + need + 8);
		write_file(NR_HUGEPAGES, v);
	}
	got = meminfo("HugePages_Free");
	if (got < need) {
		snprintf(unavailable, sizeof(unavailable),
			 "SHM_HUGETLB: %ld of %ld huge pages free after raising %s",
			 got, need, NR_HUGEPAGES);
		hugetlb_restore();
		return -1;
	}
	return 0;
}

/* aixipc's status bits of segment @id (AIXIPC_SHM_PINNED, _LARGE). */
static unsigned int aixipc_shm_status(int id)
{
	struct aixipc_shmctl c = { .id = id, .cmd = AIXIPC_IPC_STAT };
	int fd = open(AIXIPC_DEVICE, O_RDWR);

	if (fd < 0)
		die(AIXIPC_DEVICE);
	if (ioctl(fd, AIXIPC_IOC_SHMCTL, &c))
		die("AIXIPC_IOC_SHMCTL IPC_STAT");
	close(fd);
	return c.ds.status;
}

/*
 * A segment of @kind and @size bytes on @s: its id, or -1 with the reason
 * in unavailable[] when the environment cannot make it (ENOMEM, EINVAL,
 * ENOSPC, EPERM; no huge pages reserved) or the flag is not in force.
 * Any other failure is fatal.
 */
static int big_get(const struct side *s, enum seg_kind kind, size_t size)
{
	static const int flags[] = {
		[SEG_HUGETLB] = SHM_HUGETLB, [SEG_PIN] = SHM_PIN,
		[SEG_LGPAGE] = SHM_LGPAGE,
		[SEG_PIN_LGPAGE] = SHM_PIN | SHM_LGPAGE,
	};
	static const char *const what[] = {
		[SEG_ORDINARY] = "shmget", [SEG_POPULATE] = "shmget",
		[SEG_HUGETLB] = "shmget(SHM_HUGETLB)",
		[SEG_PIN] = "shmget(SHM_PIN)", [SEG_LGPAGE] = "shmget(SHM_LGPAGE)",
		[SEG_PIN_LGPAGE] = "shmget(SHM_PIN | SHM_LGPAGE)",
	};
	static const unsigned int wants[] = {
		[SEG_PIN] = AIXIPC_SHM_PINNED, [SEG_LGPAGE] = AIXIPC_SHM_LARGE,
		[SEG_PIN_LGPAGE] = AIXIPC_SHM_PINNED | AIXIPC_SHM_LARGE,
	};
	unsigned int want = wants[kind];
	int id;

	if (kind == SEG_HUGETLB && hugetlb_reserve(size))
		return -1;
	id = s->shmget(IPC_PRIVATE, size, IPC_CREAT | flags[kind] | 0600);
	if (id < 0) {
		if (errno != ENOMEM && errno != EINVAL && errno != ENOSPC &&
		    errno != EPERM)
			die(what[kind]);
		skip_row(what[kind], errno);
		if (kind == SEG_HUGETLB)
			hugetlb_restore();
		return -1;
	}
	if (want && (aixipc_shm_status(id) & want) != want) {
		snprintf(unavailable, sizeof(unavailable), "%s: made, but %s is "
			 "not in force", what[kind],
			 (aixipc_shm_status(id) & AIXIPC_SHM_PINNED) ?
			 "large-page backing" : "pinning");
		s->shmrm(id);
		return -1;
	}
	return id;
}

static void big_rm(const struct side *s, enum seg_kind kind, int id)
{
	if (s->shmrm(id))
		die("shmctl(IPC_RMID)");
	if (kind == SEG_HUGETLB)
		hugetlb_restore();
}

/* Attach, write one byte in every 4 KiB page, detach: 0, or -1 (skip). */
static int big_cycle(const struct side *s, enum seg_kind kind, int id,
		     size_t size)
{
	volatile char *p = s->shmat(id, NULL, 0);
	size_t off;

	if (p == (void *)-1)
		die("shmat");
	if (kind == SEG_POPULATE &&
	    madvise((void *)p, size, MADV_POPULATE_WRITE)) {
		if (errno != EINVAL)
			die("madvise(MADV_POPULATE_WRITE)");
		s->shmdt((const void *)p);
		skip_row("madvise(MADV_POPULATE_WRITE), Linux 5.14", errno);
		return -1;
	}
	for (off = 0; off < size; off += 4096)
		p[off] = 1;
	if (s->shmdt((const void *)p))
		die("shmdt");
	return 0;
}

/*
 * How much of the attachment at @p is mapped with huge pages, in KiB, from
 * /proc/self/smaps: ShmemPmdMapped for a shmem segment (SHM_LGPAGE),
 * Shared_Hugetlb for SHM_HUGETLB.
 */
static long pmd_mapped_kb(const volatile void *p)
{
	char line[256], tag[64];
	unsigned long lo, hi, a = (unsigned long)p;
	long v = 0, x;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A VMA's first line, "START-END PERMS ...", or "Name: N kB". */
		if (sscanf(line, "%lx-%lx %63s", &lo, &hi, tag) == 3) {
			in = lo <= a && a < hi;
			continue;
		}
		if (in && sscanf(line, "%63[^:]: %ld", tag, &x) == 2 &&
		    (!strcmp(tag, "ShmemPmdMapped") ||
		     !strcmp(tag, "FilePmdMapped") ||
		     !strcmp(tag, "Shared_Hugetlb") ||
		     !strcmp(tag, "Private_Hugetlb")))
			v += x;
	}
	fclose(f);
	return v;
}

/*
 * A segment of @kind and @size bytes on @s, made and touched once outside
 * the timing, then @n x (shmat, a write to every 4 KiB page, shmdt).
 * Time per cycle.  The untimed touch allocates the pages of the
 * segments that allocate on first touch (ordinary, large-page and
 * SHM_HUGETLB ones; a pinned one's were allocated by shmget), so both
 * sides time mapping memory that exists, not allocating and zeroing it.
 */
static double big_cycles(const struct side *s, enum seg_kind kind,
			 size_t size, int n)
{
	int id = big_get(s, kind, size), i;
	double t;

	if (id < 0)
		return -1;
	if (big_cycle(s, kind, id, size)) {
		big_rm(s, kind, id);
		return -1;
	}
	if ((kind == SEG_LGPAGE || kind == SEG_PIN_LGPAGE) &&
	    meminfo("ShmemHugePages") < (long)(size / 1024))
		fprintf(stderr, "aixipc-bench: note: aixipc: ShmemHugePages %ld "
			"KiB, below the segment's %zu\n",
			meminfo("ShmemHugePages"), size / 1024);
	t = now_ns();
	for (i = 0; i < n; i++)
		big_cycle(s, kind, id, size);
	t = now_ns() - t;
	big_rm(s, kind, id);
	return t / n;
}

static volatile uint64_t sink;

/*
 * Start from a cold, small TLB: flush this CPU's TLB (MADV_DONTNEED on
 * more pages than the kernel flushes one by one, 33, flushes it whole),
 * let 120 ms pass touching nothing, flush again.  On hardware this is a
 * TLB flush.  Under TCG it matters: QEMU's software TLB grows and shrinks
 * only when it is flushed whole, by how full it was since the last 100 ms
 * window, so without this a loop starts with a TLB that depends on what
 * ran before it, anywhere from one that holds every 4 KiB page of the
 * segment (every read hits: the page size cannot show) to one that holds
 * a few hundred (every read walks the guest's page tables: four levels
 * for a 4 KiB page, three for a 2 MiB one).  Each side starts small.
 */
static void cold_tlb(void)
{
	size_t len = 64 * 4096, off;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i;

	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < 2; i++) {
		for (off = 0; off < len; off += 4096)
			p[off] = 1;
		if (madvise(p, len, MADV_DONTNEED))
			die("madvise(MADV_DONTNEED)");
		if (!i)
			usleep(120000);
	}
	munmap(p, len);
}

/*
 * Attach once and touch every page outside the timing, then time
 * 2,000,000 x scale 8-byte reads at pseudo-random 8-byte-aligned offsets
 * (xorshift64, the same sequence on both sides): what the page size does
 * to TLB misses.  Time per read.
 */
static double big_random_reads(const struct side *s, enum seg_kind nk,
			       enum seg_kind ak, size_t size)
{
	enum seg_kind kind = s == &native ? nk : ak;
	uint64_t x = 0x9e3779b97f4a7c15ULL, sum = 0, words = size / 8;
	int id = big_get(s, kind, size);
	long i, n = 2000000L * scale;
	cpu_set_t all, one;
	const char *p;
	size_t off;
	double t;

	if (id < 0)
		return -1;
	/* One CPU: the TLB that cold_tlb() empties is the one the loop uses. */
	if (sched_getaffinity(0, sizeof(all), &all))
		die("sched_getaffinity");
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		die("sched_setaffinity");
	p = s->shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat");
	for (off = 0; off < size; off += 4096)
		((volatile char *)p)[off] = 1;
	if (kind == SEG_HUGETLB || kind == SEG_LGPAGE ||
	    kind == SEG_PIN_LGPAGE) {
		long kb = pmd_mapped_kb(p);

		if (kb >= 0 && (size_t)kb < size / 1024)
			fprintf(stderr, "aixipc-bench: note: %s: %ld of %zu KiB "
				"mapped with huge pages\n", s->name, kb,
				size / 1024);
	}
	cold_tlb();
	t = now_ns();
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* An index below words (< 2^32) without a division. */
		sum += *(const uint64_t *)(p + (((x >> 32) * words) >> 32) * 8);
	}
	t = now_ns() - t;
	sink = sum;
	if (s->shmdt(p))
		die("shmdt");
	big_rm(s, kind, id);
	if (sched_setaffinity(0, sizeof(all), &all))
		die("sched_setaffinity");
	return t / n;
}

#define MiB64 ((size_t)64 << 20)
#define GiB1 ((size_t)1 << 30)

static double w_pin_vs_ordinary(const struct side *s, long arg)
{
	(void)arg;
	return big_cycles(s, s == &native ? SEG_ORDINARY : SEG_PIN, MiB64,
			  10 * scale);
}

static double w_pin_vs_populate(const struct side *s, long arg)
{
	(void)arg;
	return big_cycles(s, s == &native ? SEG_POPULATE : SEG_PIN, MiB64,
			  10 * scale);
}

/*
 * Under TCG a 1 GiB cycle of ordinary pages takes about 1.5 s (making and
 * first touching the segment 5 s more): 2 of them.  A cycle of 2 MiB pages
 * takes about 50 ms: 16 of them, so that the timed part outlasts the
 * host's hiccups.
 */
static double w_large_vs_ordinary(const struct side *s, long arg)
{
	(void)arg;
	if (s == &native)
		return big_cycles(s, SEG_ORDINARY, GiB1, 2 * scale);
	return big_cycles(s, SEG_LGPAGE, GiB1, 16 * scale);
}

static double w_large_vs_hugetlb(const struct side *s, long arg)
{
	(void)arg;
	return big_cycles(s, s == &native ? SEG_HUGETLB : SEG_LGPAGE, GiB1,
			  16 * scale);
}

/* Pinned large pages: every huge page mapped by shmat itself. */
static double w_pinlarge_vs_hugetlb(const struct side *s, long arg)
{
	(void)arg;
	return big_cycles(s, s == &native ? SEG_HUGETLB : SEG_PIN_LGPAGE,
			  GiB1, 16 * scale);
}

static double w_reads_vs_ordinary(const struct side *s, long arg)
{
	(void)arg;
	return big_random_reads(s, SEG_ORDINARY, SEG_LGPAGE, GiB1);
}

static double w_reads_vs_hugetlb(const struct side *s, long arg)
{
	(void)arg;
	return big_random_reads(s, SEG_HUGETLB, SEG_LGPAGE, GiB1);
}

struct workload {
	const char *name;
	double (*fn)(const struct side *s, long arg);
	long arg;
};

static const struct workload workloads[] = {
	{ "call floor (semop, bad id)", w_floor, 0 },
	{ "msg ping-pong 64 B", w_pingpong, 64 },
	{ "msg ping-pong 4 KiB", w_pingpong, 4096 },
	{ "msg ping-pong 64 KiB", w_pingpong, 65536 },
	{ "msg throughput 1 pair", w_throughput, 1 },
	{ "msg throughput 2 pairs", w_throughput, 2 },
	{ "msg throughput 4 pairs", w_throughput, 4 },
	{ "semop P+V uncontended", w_semop, 0 },
	{ "semop P+V uncontended, SEM_UNDO", w_semop, SEM_UNDO },
	{ "semctl GETVAL", w_getval, 0 },
	{ "sem hand-off 2 processes", w_handoff, 0 },
	{ "sem own semaphore, 1 process", w_semset, 1 },
	{ "sem own semaphore, 2 processes", w_semset, 2 },
	{ "sem own semaphore, 4 processes", w_semset, 4 },
	{ "shm cycle 1 MiB", w_shmcycle, 1 << 20 },
	{ "shm cycle 64 MiB", w_shmcycle, 64 << 20 },
	{ "msgget lookup, 10,000 queues", w_lookup, 0 },
	{ "ipcs of 10,000 queues", w_listing, 0 },
	{ "status of 10,000 queues (kernel)", w_status_walk, 0 },
	{ "wake-up epoll (native: POSIX mq)", w_wake_vs_mq, 0 },
	{ "wake-up epoll (native: blocking)", w_wake_vs_blocking, 0 },
	{ "shm pinned 64 MiB cycle (native: ordinary)", w_pin_vs_ordinary, 0 },
	{ "shm pinned 64 MiB cycle (native: MADV_POPULATE_WRITE)",
	  w_pin_vs_populate, 0 },
	{ "shm large 1 GiB cycle (native: ordinary)", w_large_vs_ordinary, 0 },
	{ "shm large 1 GiB cycle (native: SHM_HUGETLB)", w_large_vs_hugetlb, 0 },
	{ "shm pinned large 1 GiB cycle (native: SHM_HUGETLB)",
	  w_pinlarge_vs_hugetlb, 0 },
	{ "shm random reads 1 GiB (native: ordinary)", w_reads_vs_ordinary, 0 },
	{ "shm random reads 1 GiB (native: SHM_HUGETLB)", w_reads_vs_hugetlb, 0 },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Kernel memory per object, from a memory cgroup: a child process joins a
 * cgroup of its own, builds @n objects and reads how much more kernel
 * memory ("kernel" in memory.stat) is charged to the cgroup.  Both sides
 * allocate their objects with __GFP_ACCOUNT, so this counts the slab
 * objects (their slot size), the vmalloc'd pages and the VMAs, files and
 * inodes a segment brings, per object and precise to a page per CPU (the
 * child stays on one CPU).  Index nodes that are not charged to a cgroup
 * (idr, hash tables) count on neither side.
 */
#define CGROOT "/sys/fs/cgroup"
#define CGDIR CGROOT "/aixipc-bench"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* A cgroup with the memory controller, mounting cgroup2 if need be. */
static void memcg_setup(void)
{
	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
		die("mount cgroup2 on " CGROOT);
	if (write_file(CGROOT "/cgroup.subtree_control", "+memory"))
		die(CGROOT "/cgroup.subtree_control: +memory");
	if (mkdir(CGDIR, 0755) && errno != EEXIST)
		die("mkdir " CGDIR);
}

/* memory.stat's "kernel" of our cgroup, after the kernel's 2 s flush. */
static long long memcg_kernel(void)
{
	long long v = -1, x;
	char line[256];
	FILE *f;

	sleep(3);
	f = fopen(CGDIR "/memory.stat", "r");
	if (!f)
		die(CGDIR "/memory.stat");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "kernel %lld", &x) == 1)
			v = x;
	fclose(f);
	if (v < 0) {
		errno = ENOENT;
		die("\"kernel\" in memory.stat");
	}
	return v;
}

/* Bytes per object of @make on side @s; objects are undone before return. */
static double per_object(const struct side *s, int n,
			 void (*make)(const struct side *s, int n, int *ids),
			 void (*undo)(const struct side *s, int n, int *ids))
{
	int fds[2];
	double per;
	pid_t pid;

	if (pipe(fds))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		int *ids = calloc((size_t)n, sizeof(int));
		char me[32];
		cpu_set_t one;
		long long k0, k1;

		CPU_ZERO(&one);
		CPU_SET(0, &one);
		snprintf(me, sizeof(me), "%d", (int)getpid());
		if (!ids || sched_setaffinity(0, sizeof(one), &one) ||
		    write_file(CGDIR "/cgroup.procs", me))
			die("joining " CGDIR);
		k0 = memcg_kernel();
		make(s, n, ids);
		k1 = memcg_kernel();
		per = (double)(k1 - k0) / n;
		undo(s, n, ids);
		if (write(fds[1], &per, sizeof(per)) != sizeof(per))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &per, sizeof(per)) != sizeof(per))
		die("measuring child");
	close(fds[0]);
	reap(pid);
	return per;
}

static void mk_queue(const struct side *s, int n, int *ids)
{
	for (int i = 0; i < n; i++)
		if ((ids[i] = s->msgget(IPC_PRIVATE, IPC_CREAT | 0600)) < 0)
			die("msgget");
}

static void rm_queue(const struct side *s, int n, int *ids)
{
	for (int i = 0; i < n; i++)
		s->msgrm(ids[i]);
}

static int sem_n;

static void mk_set(const struct side *s, int n, int *ids)
{
	for (int i = 0; i < n; i++)
		if ((ids[i] = s->semget(IPC_PRIVATE, sem_n, IPC_CREAT | 0600)) < 0)
			die("semget");
}

static void rm_set(const struct side *s, int n, int *ids)
{
	for (int i = 0; i < n; i++)
		s->semrm(ids[i]);
}

/*
 * mk_set, each set's area mapped (AIXIPC_IOC_SEMMAP, writable) and its
 * meta page and first word touched, as libaixipc's fast path does.
 */
static void mk_set_mapped(const struct side *s, int n, int *ids)
{
	int fd = open(AIXIPC_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(AIXIPC_DEVICE);
	mk_set(s, n, ids);
	for (int i = 0; i < n; i++) {
		struct aixipc_semmap r = {
			.id = ids[i],
			.flags = AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO,
		};
		volatile const uint64_t *p;

		if (ioctl(fd, AIXIPC_IOC_SEMMAP, &r))
			die("AIXIPC_IOC_SEMMAP");
		p = (volatile const uint64_t *)(uintptr_t)r.addr;
		(void)p[0];
		(void)p[AIXIPC_SEM_WORDS_OFFSET / sizeof(*p)];
	}
	close(fd);
}

/* n messages of 64 bytes on one queue; ids[0] is the queue. */
static void mk_msgs(const struct side *s, int n, int *ids)
{
	struct { long mtype; char text[64]; } m = { 1, "" };

	ids[0] = s->msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (ids[0] < 0)
		die("msgget");
	for (int i = 0; i < n; i++)
		if (s->msgsnd(ids[0], &m, sizeof(m.text), IPC_NOWAIT))
			die("msgsnd (raise msgmnb?)");
}

static void rm_msgs(const struct side *s, int n, int *ids)
{
	(void)n;
	s->msgrm(ids[0]);
}

#define MAX_SEGS 4000
static void *seg_addr[2][MAX_SEGS];

/* n one-page segments, each attached (untouched) and already removed. */
static void mk_segs(const struct side *s, int n, int *ids)
{
	for (int i = 0; i < n; i++) {
		ids[i] = s->shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		if (ids[i] < 0)
			die("shmget");
		seg_addr[s == &aixipc][i] = s->shmat(ids[i], NULL, 0);
		if (seg_addr[s == &aixipc][i] == (void *)-1)
			die("shmat");
	}
}

static void rm_segs(const struct side *s, int n, int *ids)
{
	for (int i = 0; i < n; i++) {
		s->shmdt(seg_addr[s == &aixipc][i]);
		s->shmrm(ids[i]);
	}
}

/*
 * Informational, aixipc only: what a set costs in the kernel with its
 * area unmapped (as every set is until a process takes the fast path)
 * and mapped once (the area: a meta page and the words, vmalloc'ed, its
 * file and inode, the VMA, the ticket), for 1, 250 and semmsl semaphores
 * (the largest set this module allows).  Measured as per_object() does.
 */
static void sem_area_report(FILE *csv)
{
	struct aixipc_version v = { 0 };
	int fd = open(AIXIPC_DEVICE, O_RDWR | O_CLOEXEC);
	unsigned int sizes[3] = { 1, 250, 0 }, i;

	if (fd < 0 || ioctl(fd, AIXIPC_IOC_VERSION, &v))
		die("AIXIPC_IOC_VERSION");
	close(fd);
	sizes[2] = (unsigned int)v.limits.semmsl;
	printf("\n%-32s %8s %12s %12s %12s %12s\n", "aixipc semaphore set, kernel B",
	       "sets", "unmapped", "mapped", "difference", "area pages");
	for (i = 0; i < 3; i++) {
		int n = sizes[i] <= 250 ? 1000 : 20;
		double b[2];
		unsigned long long area = AIXIPC_SEM_WORDS_OFFSET +
			(((unsigned long long)sizes[i] * 8 + 4095) & ~4095ULL);
		char name[64];

		sem_n = (int)sizes[i];
		b[0] = per_object(&aixipc, n, mk_set, rm_set);
		b[1] = per_object(&aixipc, n, mk_set_mapped, rm_set);
		snprintf(name, sizeof(name), "set of %u", sizes[i]);
		printf("%-32s %8d %12.0f %12.0f %12.0f %12llu\n", name, n, b[0], b[1],
		       b[1] - b[0], area);
		if (csv)
			fprintf(csv, "sem_set_kernel_bytes,\"%s (unmapped, mapped)\",,%.0f,,%.0f,\n",
				name, b[0], b[1]);
	}
}

static void memory_report(FILE *csv)
{
	static const struct {
		const char *name;
		int n, sems;
		void (*make)(const struct side *s, int n, int *ids);
		void (*undo)(const struct side *s, int n, int *ids);
		double payload;
	} m[] = {
		{ "empty queue", 10000, 0, mk_queue, rm_queue, 0 },
		{ "semaphore set of 1", 10000, 1, mk_set, rm_set, 0 },
		{ "semaphore set of 1000", 1000, 1000, mk_set, rm_set, 0 },
		{ "64 B message (beyond payload)", 20000, 0, mk_msgs, rm_msgs, 64 },
		{ "attached 1-page segment", MAX_SEGS, 0, mk_segs, rm_segs, 0 },
	};
	unsigned int i;

	memcg_setup();
	printf("\n%-32s %12s %12s %6s\n", "kernel memory per object",
	       "native B", "aixipc B", "ratio");
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		double b[2];

		sem_n = m[i].sems;
		b[0] = per_object(&native, m[i].n, m[i].make, m[i].undo) - m[i].payload;
		b[1] = per_object(&aixipc, m[i].n, m[i].make, m[i].undo) - m[i].payload;
		printf("%-32s %12.0f %12.0f %6.2f\n", m[i].name, b[0], b[1],
		       b[1] / b[0]);
		if (csv)
			fprintf(csv, "kernel_bytes_per_object,\"%s\",%.0f,%.0f,%.3f,,\n",
				m[i].name, b[0], b[1], b[1] / b[0]);
	}
	sem_area_report(csv);
	/* Empty now: every measuring child has exited. */
	if (rmdir(CGDIR))
		fprintf(stderr, "aixipc-bench: rmdir %s: %s\n", CGDIR, strerror(errno));
}

/*
 * Let native runs send 64 KiB messages, queue 20,000 small ones and have
 * MAX_SEGS segments.
 */
static void raise_native_limits(void)
{
	static const struct { const char *file, *value; } lim[] = {
		{ "/proc/sys/kernel/msgmax", "4194304" },
		{ "/proc/sys/kernel/msgmnb", "4194304" },
		{ "/proc/sys/kernel/shmmni", "8192" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		if (write_file(lim[i].file, lim[i].value))
			die(lim[i].file);
}

int main(int argc, char **argv)
{
	int runs = 5, c, mem = 0, namew = 32;
	const char *csv_path = NULL, *only = NULL, *side_only = NULL;
	char *csv_buf = NULL;
	size_t csv_len = 0;
	struct utsname u;
	FILE *csv = NULL;
	unsigned int w;

	while ((c = getopt(argc, argv, "r:s:i:c:mw:S:h")) != -1) {
		switch (c) {
		case 'r': runs = atoi(optarg); break;
		case 's': scale = atoi(optarg); break;
		case 'i': ipcs_path = optarg; break;
		case 'c': csv_path = optarg; break;
		case 'm': mem = 1; break;
		case 'w': only = optarg; break;
		case 'S': side_only = optarg; break;
		default:
			fprintf(stderr, "usage: aixipc-bench [-r RUNS] [-s SCALE] "
				"[-i AIXIPC-IPCS] [-c CSV|-] [-m] [-w WORKLOAD] "
				"[-S native|aixipc]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (runs < 1 || runs > 99 || scale < 1 ||
	    (side_only && strcmp(side_only, "native") && strcmp(side_only, "aixipc"))) {
		fprintf(stderr, "aixipc-bench: bad -r, -s or -S\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	raise_native_limits();
	/* "-c -": the CSV goes to stdout after the tables. */
	if (csv_path && !strcmp(csv_path, "-"))
		csv = open_memstream(&csv_buf, &csv_len);
	else if (csv_path)
		csv = fopen(csv_path, "w");
	if (csv_path && !csv)
		die(csv_path);
	if (csv)
		fprintf(csv, "kind,item,native,aixipc,ratio,ratio_min,ratio_max\n");

	if (uname(&u))
		die("uname");
	printf("# kernel %s, %ld CPUs, %d runs per side, scale %d\n", u.release,
	       sysconf(_SC_NPROCESSORS_ONLN), runs, scale);
	printf("# ratio: median of the runs' aixipc/native ratios (each run "
	       "pairs the two sides back to back), and their range\n");
	/* The name column: as wide as the longest name that runs. */
	for (w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++)
		if ((!only || strstr(workloads[w].name, only)) &&
		    (int)strlen(workloads[w].name) > namew)
			namew = (int)strlen(workloads[w].name);
	printf("%-*s %12s %12s %6s  %s\n", namew, "workload", "native ns/op",
	       "aixipc ns/op", "ratio", "range");
	for (w = 0; w < sizeof(workloads) / sizeof(workloads[0]); w++) {
		const struct workload *wl = &workloads[w];
		double n[99], a[99], q[99], mn, ma, mq;
		int r;

		if (only && !strstr(wl->name, only))
			continue;
		/*
		 * Alternate which side goes first so that drift hits both
		 * alike.  A side that returns -1 cannot run here (the reason
		 * is in unavailable[]): the row has no numbers.
		 */
		unavailable[0] = 0;
		for (r = 0; r < runs; r++) {
			if (side_only) {
				/* For a profiler: one side only. */
				n[r] = a[r] = wl->fn(strcmp(side_only, "native") ?
						     &aixipc : &native, wl->arg);
			} else if (r % 2) {
				a[r] = wl->fn(&aixipc, wl->arg);
				n[r] = a[r] < 0 ? -1 : wl->fn(&native, wl->arg);
			} else {
				n[r] = wl->fn(&native, wl->arg);
				a[r] = n[r] < 0 ? -1 : wl->fn(&aixipc, wl->arg);
			}
			if (n[r] < 0 || a[r] < 0)
				break;
			q[r] = a[r] / n[r];
		}
		if (r < runs) {
			printf("%-*s unavailable: %s\n", namew, wl->name,
			       unavailable);
			if (csv)
				fprintf(csv, "time_ns_per_op,\"%s\",,,,,\n",
					wl->name);
			continue;
		}
		mn = median(n, runs);
		ma = median(a, runs);
		mq = median(q, runs);	/* sorts q */
		printf("%-*s %12.0f %12.0f %6.2f  %.2f-%.2f\n", namew, wl->name,
		       mn, ma, mq, q[0], q[runs - 1]);
		if (csv)
			fprintf(csv, "time_ns_per_op,\"%s\",%.0f,%.0f,%.3f,%.3f,%.3f\n",
				wl->name, mn, ma, mq, q[0], q[runs - 1]);
	}
	if (mem)
		memory_report(csv);
	if (csv && fclose(csv))
		die(csv_path);
	if (csv_buf) {
		printf("\n# CSV\n%s", csv_buf);
		free(csv_buf);
	}
	return 0;
}
