// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: IPC namespaces.  With root and a module that has
 * AIXIPC_FEATURE_NS, the parent makes NSN namespaces at the start, each
 * held by a helper process (a child that unshare()s CLONE_NEWIPC, makes the
 * namespace's registry with one call, and sleeps); the parent gives each
 * the initial namespace's limits (AIXIPC_NS_SET_LIMITS), so every check
 * against g_limits holds in all of them.  Privileged worker threads open
 * /proc/HELPER/ns/ipc (checking its inode number against the one
 * published), keep the fd, and setns() between the namespaces and the
 * initial one between operations (never inside a scenario).  Now and then
 * the parent ends a helper and makes a new namespace in its slot: a thread
 * drops its fd of the old one at its next switch, and the old namespace
 * dies when the last thread has left it, with whatever objects, undo
 * entries and attachments it still has.  At the end, with every holder
 * gone, the module's reference count must come back to its value before
 * the first namespace was made: the module removed every object of every
 * dead namespace.
 */
#include "fuzz.h"

#include <sched.h>

bool g_ns;
uint64_t g_init_inum;

static int g_initns_fd = -1;
static long g_refcnt0 = -1;
#define REFCNT "/sys/module/aixipc/refcnt"

static long read_refcnt(void)
{
	FILE *f = fopen(REFCNT, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static uint64_t fd_inum(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_ino;
}

static void helper_term(int sig)
{
	(void)sig;
	_exit(0);
}

/* Make namespace @i: a helper in a new IPC namespace, its registry, limits. */
static bool ns_make(int i)
{
	struct aixipc_ns_ctl c;
	char path[64], b;
	int p[2], fd;
	uint64_t inum;
	pid_t pid;

	if (pipe(p))
		return false;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return false;
	}
	if (pid == 0) {
		struct aixipc_version v;

		signal(SIGTERM, helper_term);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		memset(&v, 0, sizeof(v));
		b = !unshare(CLONE_NEWIPC) &&
		    !ioctl(g_devfd, AIXIPC_IOC_VERSION, &v);
		if (write(p[1], &b, 1) != 1)
			_exit(0);
		for (;;)
			pause();
	}
	close(p[1]);
	b = 0;
	if (read(p[0], &b, 1) != 1)
		b = 0;
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	fd = b ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	inum = fd >= 0 ? fd_inum(fd) : 0;
	if (fd >= 0)
		close(fd);
	memset(&c, 0, sizeof(c));
	c.cmd = AIXIPC_NS_SET_LIMITS;
	c.ns = inum;
	c.limits = g_limits;
	if (!inum || inum == g_init_inum || ioctl(g_devfd, AIXIPC_IOC_NS, &c)) {
		fz_fail(NULL, "namespace %d: helper %s, inode %llu, limits: %s", i,
			b ? "ready" : "failed", (unsigned long long)inum,
			strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return false;
	}
	STORE(sh->ns_inum[i], inum);
	STORE(sh->ns_pid[i], pid);
	ADD(sh->ns_made, 1);
	return true;
}

static void ns_end(int i)
{
	pid_t pid = LOAD(sh->ns_pid[i]);
	int st;

	if (!pid)
		return;
	STORE(sh->ns_pid[i], 0);
	kill(pid, SIGTERM);
	if (waitpid(pid, &st, 0) == pid && !(WIFEXITED(st) && !WEXITSTATUS(st)))
		fz_fail(NULL, "namespace helper %d ended with status %#x", (int)pid, st);
}

/*
 * In every mode, before any worker: the namespace we start in, which
 * listings name (the list oracle compares against it).
 */
void ns_learn_initial(void)
{
	g_initns_fd = open("/proc/self/ns/ipc", O_RDONLY);
	if (g_initns_fd >= 0)
		g_init_inum = fd_inum(g_initns_fd);
}

/* In the concurrent mode's parent, before any worker: the namespaces, if we may. */
void ns_setup(void)
{
	struct aixipc_version v;
	int i;

	memset(&v, 0, sizeof(v));
	if (g_initns_fd < 0 || geteuid() != 0 ||
	    ioctl(g_devfd, AIXIPC_IOC_VERSION, &v) ||
	    !(v.features & AIXIPC_FEATURE_NS)) {
		out("# namespaces: off (%s)\n", g_initns_fd < 0 ? "no /proc/self/ns/ipc" :
		    geteuid() ? "not root" : "module without AIXIPC_FEATURE_NS");
		return;
	}
	g_refcnt0 = read_refcnt();
	for (i = 0; i < NSN; i++)
		if (!ns_make(i))
			return;
	g_ns = true;
	out("# namespaces: initial %llu and %d more, switched by privileged threads\n",
	    (unsigned long long)g_init_inum, NSN);
}

/* In the parent, now and then: let a namespace die, make a new one. */
void ns_replace(struct wk *pw)
{
	int i;

	if (!g_ns)
		return;
	i = (int)rnd(pw, NSN);
	ns_end(i);
	if (ns_make(i))
		ADD(sh->ns_replaced, 1);
}

/* The parent, at the stop: end every helper. */
void ns_stop(void)
{
	int i;

	if (g_ns)
		for (i = 0; i < NSN; i++)
			ns_end(i);
}

/*
 * The parent, after its cleanup of the initial namespace: every namespace
 * has lost its last holder; the module must drop each one's objects, and
 * with them its references.  Bounded wait: the death is asynchronous.
 */
void ns_check_freed(void)
{
	double deadline = now() + GRACE_SECS;
	long rc = -1;

	if (!g_ns)
		return;
	if (g_refcnt0 < 0) {
		out("# namespaces: %s unreadable, freeing not checked (skip)\n", REFCNT);
		return;
	}
	while (now() < deadline) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		rc = read_refcnt();
		if (rc == g_refcnt0)
			break;
		nanosleep(&ts, NULL);
	}
	if (rc != g_refcnt0)
		fz_fail(NULL, "namespaces: module references %ld %d s after every namespace lost its holders, %ld before the first was made",
			rc, GRACE_SECS, g_refcnt0);
	else
		ADD(sh->ns_checks, 1);
	out("# namespaces: made=%" PRIu64 " replaced=%" PRIu64 " switches=%" PRIu64
	    " stale-helpers=%" PRIu64 " refcnt back to %ld: %s\n",
	    sh->ns_made, sh->ns_replaced, sh->ns_switches, sh->ns_stale,
	    g_refcnt0, rc == g_refcnt0 ? "yes" : "NO");
}

/* May this thread reach into other namespaces (AIXIPC_IOC_NS, LIST)? */
bool ns_admin(const struct wk *w)
{
	return !g_unpriv && geteuid() == 0 &&
	       (w->ns_cur == g_init_inum || !g_init_inum);
}

/* Is @inum the initial namespace or one of the fuzzer's current ones? */
bool ns_ours(uint64_t inum)
{
	int i;

	if (inum == g_init_inum)
		return true;
	for (i = 0; i < NSN; i++)
		if (inum == LOAD(sh->ns_inum[i]))
			return true;
	return false;
}

/* A namespace argument: self, all, ours, random. */
uint64_t pick_ns(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 45)
		return AIXIPC_NS_SELF;
	if (r < 55)
		return AIXIPC_NS_ALL;
	if (r < 65)
		return g_init_inum;
	if (r < 80)
		return LOAD(sh->ns_inum[rnd(w, NSN)]);
	if (r < 85)
		return w->ns_cur;
	if (r < 95)
		return (uint32_t)r64(w);
	return r64(w);
}

/* This thread's fd of namespace @i, (re)opened if it was replaced; or -1. */
static int ns_fd(struct wk *w, int i)
{
	uint64_t inum = LOAD(sh->ns_inum[i]);
	pid_t pid = LOAD(sh->ns_pid[i]);
	char path[64];
	int fd;

	if (w->nsfd[i] >= 0 && w->nsino[i] == inum)
		return w->nsfd[i];
	if (w->nsfd[i] >= 0)
		close(w->nsfd[i]);	/* maybe the old one's last holder */
	w->nsfd[i] = -1;
	if (!pid)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* The helper may have been replaced since: its pid is not ours. */
	if (fd_inum(fd) != inum || LOAD(sh->ns_inum[i]) != inum) {
		ADD(sh->ns_stale, 1);
		close(fd);
		return -1;
	}
	w->nsfd[i] = fd;
	w->nsino[i] = inum;
	return fd;
}

/* Between operations: drop holds on replaced namespaces, maybe move. */
void ns_switch(struct wk *w)
{
	int i, to, fd;

	if (!g_ns || g_unpriv || w->in_child)
		return;
	for (i = 0; i < NSN; i++)
		if (w->nsfd[i] >= 0 && w->nsino[i] != LOAD(sh->ns_inum[i])) {
			close(w->nsfd[i]);
			w->nsfd[i] = -1;
		}
	to = (int)rnd(w, NSN + 1) - 1;	/* -1: the initial namespace */
	fd = to < 0 ? g_initns_fd : ns_fd(w, to);
	if (fd < 0)
		return;
	if (setns(fd, CLONE_NEWIPC)) {
		fz_fail(w, "setns into namespace %llu: %s",
			(unsigned long long)(to < 0 ? g_init_inum : w->nsino[to]),
			strerror(errno));
		return;
	}
	w->ns_cur = to < 0 ? g_init_inum : w->nsino[to];
	ADD(sh->ns_switches, 1);
}
