// SPDX-License-Identifier: GPL-2.0
/*
 * ns_test - aixipc in IPC namespaces.
 *
 *   isolation   for each kind, in a namespace made by unshare(), by
 *               clone(CLONE_NEWIPC) and entered by setns() with the device
 *               opened before the switch: the same key gives another
 *               object, ids of one namespace are EINVAL in the other, a
 *               listing shows only the namespace's own, the handshake its
 *               limits
 *   lifetime    a namespace dies with objects of every kind (messages
 *               queued, SEM_UNDO held by a process gone elsewhere, a
 *               segment attached by one that setns()'d out, which keeps
 *               working until it detaches); an ns fd or a bind mount keeps
 *               it; 1000 namespaces made, filled and dropped
 *   userns      the root of an unprivileged user's user+IPC namespaces is
 *               root for its own objects only; uids are mapped
 *   races       namespaces dying while a process that holds an ns fd
 *               setns()es in and out and calls, and the administrator
 *               lists, walks and removes
 *   global      LIST across namespaces, AIXIPC_IOC_NS: NEXT, RMID, GET
 *               and SET_LIMITS, the host-wide caps, every error
 *   memcg       a container's objects are charged to its memory cgroup
 *
 * "Gone" is observed from the initial namespace: no entry of the
 * namespace in a listing of every namespace, AIXIPC_NS_NEXT does not find
 * it, and /sys/module/aixipc/refcnt is back where it was (each object pins
 * the module).  A namespace dies asynchronously, a few ms after its last
 * holder: the tests wait for that with a deadline, never for a time.
 *
 * The host-wide cap on ids runs only when the module has small id limits
 * (msgmni at most 256), as guest-suite's reload for limits_test gives:
 *
 *   selftests/vm-run --module-args "msgmni=8" -- $PWD/build/selftests/ns_test
 *
 * Run as root, in the initial IPC namespace, with the module loaded.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#include "aixipc_test.h"
#include "kselftest_harness.h"

#define KEY_BASE	0x4e

/* Count a failed check of a function that runs where ASSERT cannot. */
#define CHECK(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "# %s:%d: check failed: %s\n",		\
			__func__, __LINE__, #c);			\
		bad++;							\
	}								\
} while (0)

static const uint64_t kind_size[AIXIPC_NR_KINDS] = { 0, 2, 4096 };

/* ---------------------------------------------------------------------- */
/* Objects of any kind.                                                   */

union anyds {
	struct aixipc_msqid_ds msg;
	struct aixipc_semid_ds sem;
	struct aixipc_shmid_ds shm;
};

static int mk(int fd, int kind, int32_t key, uint32_t mode)
{
	return t_get(fd, (uint32_t)kind, key, kind_size[kind],
		     AIXIPC_CREAT | AIXIPC_EXCL, mode);
}

static int ctl_any(int fd, int kind, int id, uint32_t cmd, union anyds *ds)
{
	struct aixipc_semctl sc = { .id = id, .cmd = cmd };
	int err;

	switch (kind) {
	case AIXIPC_MSG:
		return t_msgctl(fd, id, cmd, ds ? &ds->msg : NULL);
	case AIXIPC_SEM:
		if (ds && cmd == AIXIPC_IPC_SET)
			sc.ds = ds->sem;
		err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &sc);
		if (!err && ds && cmd == AIXIPC_IPC_STAT)
			ds->sem = sc.ds;
		return err;
	}
	return t_shmctl(fd, id, cmd, NULL, ds ? &ds->shm : NULL);
}

static int stat_any(int fd, int kind, int id, union anyds *ds)
{
	union anyds tmp;

	return ctl_any(fd, kind, id, AIXIPC_IPC_STAT, ds ? ds : &tmp);
}

/*
 * An operation: msgsnd and msgrcv (the queue is left empty), semop, or
 * shmat and shmdt.  0 or -errno.
 */
static int op_any(int fd, int kind, int id)
{
	void *at;
	int err;

	switch (kind) {
	case AIXIPC_MSG:
		err = t_msgsnd(fd, id, 1, "x", 1, AIXIPC_NOWAIT);
		if (!err && t_msgrcv(fd, id, 0, &at, 1, AIXIPC_NOWAIT,
				     NULL) != 1)
			err = -EBADMSG;
		return err;
	case AIXIPC_SEM:
		return t_semop1(fd, id, 0, 1, AIXIPC_SEM_NOWAIT);
	}
	err = t_shmat(fd, id, NULL, 0, &at, NULL);
	if (!err)
		err = t_shmdt(fd, at, NULL);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Namespaces.                                                            */

static uint64_t inum_of_fd(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_ino;
}

static uint64_t inum_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

static uint64_t my_inum(void)
{
	return inum_of("/proc/self/ns/ipc");
}

static int my_ns_fd(void)
{
	return open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
}

/*
 * A new IPC namespace held only by the returned fd (no task in it); the
 * caller stays in its own.  Waits out ENOSPC (too many namespaces still
 * being freed) for up to 10 s.  Return: the fd or -1.
 */
static int ns_make(void)
{
	int here = my_ns_fd(), fd = -1, i;

	if (here < 0)
		return -1;
	for (i = 0; i < 1000; i++) {
		if (!unshare(CLONE_NEWIPC))
			break;
		if (errno != ENOSPC)
			goto out;
		usleep(10000);
	}
	fd = my_ns_fd();
	if (setns(here, CLONE_NEWIPC)) {
		perror("setns back");
		abort();	/* stuck in the wrong namespace */
	}
out:
	close(here);
	return fd;
}

static int ns_enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWIPC) ? -errno : 0;
}

static int ns_ctl(int fd, uint32_t cmd, uint64_t ns, uint32_t kind, int32_t id,
		  struct aixipc_limits *lim)
{
	struct aixipc_ns_ctl c = {
		.cmd = cmd, .kind = kind, .ns = ns, .id = id,
	};
	int err;

	if (lim && cmd == AIXIPC_NS_SET_LIMITS)
		c.limits = *lim;
	err = aixipc_ioctl(fd, AIXIPC_IOC_NS, &c);
	if (!err && lim && cmd != AIXIPC_NS_SET_LIMITS)
		*lim = c.limits;
	return err;
}

/* AIXIPC_NS_NEXT: *ns in and out.  0 or -errno. */
static int ns_next(int fd, uint64_t *ns, struct aixipc_limits *lim)
{
	struct aixipc_ns_ctl c = { .cmd = AIXIPC_NS_NEXT, .ns = *ns };
	int err = aixipc_ioctl(fd, AIXIPC_IOC_NS, &c);

	if (!err) {
		*ns = c.ns;
		if (lim)
			*lim = c.limits;
	}
	return err;
}

/* Does a walk with AIXIPC_NS_NEXT find @inum?  1, 0, or -errno. */
static int ns_known(int fd, uint64_t inum)
{
	uint64_t ns = 0;
	int err, n;

	for (n = 0; n < 100000; n++) {
		err = ns_next(fd, &ns, NULL);
		if (err == -ENOENT)
			return 0;
		if (err)
			return err;
		if (ns == inum)
			return 1;
	}
	return -ELOOP;
}

/* Namespaces a walk with AIXIPC_NS_NEXT finds, or -errno. */
static int ns_count(int fd)
{
	uint64_t ns = 0;
	int err, n;

	for (n = 0; n < 100000; n++) {
		err = ns_next(fd, &ns, NULL);
		if (err)
			return err == -ENOENT ? n : err;
	}
	return -ELOOP;
}

/*
 * Walk objects of @kind in namespace @ns (an inode number, SELF or ALL),
 * up to @max entries into @out (may be NULL); count those whose ns is
 * @only (~0: all).  Return: the count or -errno.
 */
static long list_ns(int fd, uint32_t kind, uint64_t ns, uint64_t only,
		    struct aixipc_list_entry *out, int max)
{
	struct aixipc_list_entry e[16];
	struct aixipc_list l;
	long n = 0, calls = 0;
	uint32_t i;
	int err;

	memset(&l, 0, sizeof(l));
	l.ns = ns;
	for (;;) {
		err = t_list_call(fd, &l, kind, e, 16, sizeof(e[0]));
		if (err)
			return err;
		if (!l.count)
			return n;
		if (l.count > 16)
			return -E2BIG;
		for (i = 0; i < l.count; i++) {
			if (only != AIXIPC_NS_ALL && e[i].ns != only)
				continue;
			if (out && n < max)
				out[n] = e[i];
			n++;
		}
		if (++calls > 1000000)
			return -ELOOP;
	}
}

/* Objects of @kind in namespace @inum, seen from a listing of all. */
static long listed_in(int fd, uint32_t kind, uint64_t inum)
{
	return list_ns(fd, kind, AIXIPC_NS_ALL, inum, NULL, 0);
}

/* Objects of any kind listed in a namespace other than @host. */
static long listed_elsewhere(int fd, uint64_t host)
{
	struct aixipc_list_entry e[16];
	long total = 0, all, here;
	uint32_t kind;

	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++) {
		all = list_ns(fd, kind, AIXIPC_NS_ALL, AIXIPC_NS_ALL, e, 0);
		here = listed_in(fd, kind, host);
		if (all < 0 || here < 0)
			return -1;
		total += all - here;
	}
	return total;
}

static long refcnt(void)
{
	char buf[32];

	if (t_read_file("/sys/module/aixipc/refcnt", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static uint64_t param(const char *name)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), "/sys/module/aixipc/parameters/%s", name);
	if (t_read_file(path, buf, sizeof(buf)))
		return UINT64_MAX;
	return strtoull(buf, NULL, 0);
}

/* Is namespace @inum gone: nothing listed, not known, refcnt at @ref0? */
static bool ns_gone(int fd, uint64_t inum, long ref0)
{
	uint32_t kind;

	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++)
		if (listed_in(fd, kind, inum) != 0)
			return false;
	return ns_known(fd, inum) == 0 && (ref0 < 0 || refcnt() == ref0);
}

/* Wait up to 10 s (a deadline, not a timing) for ns_gone(). */
static bool wait_gone(int fd, uint64_t inum, long ref0)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (ns_gone(fd, inum, ref0))
			return true;
		usleep(10000);
	}
	return false;
}

/* Wait up to 10 s for every namespace but @host to be gone, refcnt @ref0. */
static bool wait_all_gone(int fd, uint64_t host, long ref0)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (listed_elsewhere(fd, host) == 0 && ns_count(fd) == 1 &&
		    refcnt() == ref0)
			return true;
		usleep(10000);
	}
	return false;
}

/* The limits a namespace other than the initial one starts with. */
static struct aixipc_limits ns_default_limits(const struct aixipc_limits *h)
{
	struct aixipc_limits l = *h;
	uint64_t pct = param("ns_percent");

	l.msgmni = h->msgmni * pct / 100;
	l.semmni = h->semmni * pct / 100;
	l.shmmni = h->shmmni * pct / 100;
	l.shmall = h->shmall * pct / 100;
	return l;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------------- */
/* Isolation.                                                             */

enum how { BY_UNSHARE, BY_CLONE, BY_SETNS };

FIXTURE(iso) {
	int fd, host_ns;
	uint64_t host;
	struct aixipc_version v;
	struct t_kids kids;
};

FIXTURE_VARIANT(iso) {
	int kind;
	enum how how;
};

FIXTURE_VARIANT_ADD(iso, msg_unshare) { .kind = AIXIPC_MSG, .how = BY_UNSHARE };
FIXTURE_VARIANT_ADD(iso, msg_clone) { .kind = AIXIPC_MSG, .how = BY_CLONE };
FIXTURE_VARIANT_ADD(iso, msg_setns) { .kind = AIXIPC_MSG, .how = BY_SETNS };
FIXTURE_VARIANT_ADD(iso, sem_unshare) { .kind = AIXIPC_SEM, .how = BY_UNSHARE };
FIXTURE_VARIANT_ADD(iso, sem_clone) { .kind = AIXIPC_SEM, .how = BY_CLONE };
FIXTURE_VARIANT_ADD(iso, sem_setns) { .kind = AIXIPC_SEM, .how = BY_SETNS };
FIXTURE_VARIANT_ADD(iso, shm_unshare) { .kind = AIXIPC_SHM, .how = BY_UNSHARE };
FIXTURE_VARIANT_ADD(iso, shm_clone) { .kind = AIXIPC_SHM, .how = BY_CLONE };
FIXTURE_VARIANT_ADD(iso, shm_setns) { .kind = AIXIPC_SHM, .how = BY_SETNS };

FIXTURE_SETUP(iso)
{
	T_OPEN_VERSION(self->fd, self->v);
	ASSERT_TRUE(self->v.features & AIXIPC_FEATURE_NS);
	self->host_ns = my_ns_fd();
	ASSERT_LE(0, self->host_ns);
	self->host = inum_of_fd(self->host_ns);
	memset(&self->kids, 0, sizeof(self->kids));
}

FIXTURE_TEARDOWN(iso)
{
	if (self->host_ns >= 0 && setns(self->host_ns, CLONE_NEWIPC))
		perror("setns");
	t_teardown(self->fd, &self->kids);
	close(self->host_ns);
}

struct iso_ctx {
	int fd, kind;
	int32_t key;
	int host_id;
	union anyds host_ds;
	uint64_t host;
	struct aixipc_limits expect;
	int ids[2];		/* out: the namespace's objects */
};

/* In the other namespace: what the host's id and key reach; our own. */
static int iso_inside(struct iso_ctx *c)
{
	struct aixipc_list_entry e[4];
	struct aixipc_version v = { 0 };
	struct aixipc_limits own;
	uint64_t me = my_inum();
	uint32_t k;
	int bad = 0;

	CHECK(me != 0 && me != c->host);
	/* Nothing here yet: whatever the host's id is, it names nothing. */
	CHECK(t_get(c->fd, (uint32_t)c->kind, c->key, 0, 0, 0) == -ENOENT);
	CHECK(stat_any(c->fd, c->kind, c->host_id, NULL) == -EINVAL);
	CHECK(ctl_any(c->fd, c->kind, c->host_id, AIXIPC_IPC_SET,
		      &c->host_ds) == -EINVAL);
	CHECK(op_any(c->fd, c->kind, c->host_id) == -EINVAL);
	CHECK(t_rmid_kind(c->fd, c->kind, c->host_id) == -EINVAL);
	CHECK(list_ns(c->fd, (uint32_t)c->kind, AIXIPC_NS_SELF,
		      AIXIPC_NS_ALL, NULL, 0) == 0);
	/* The handshake gives this namespace's limits. */
	CHECK(aixipc_ioctl(c->fd, AIXIPC_IOC_VERSION, &v) == 0);
	CHECK(!memcmp(&v.limits, &c->expect, sizeof(v.limits)));
	CHECK(ns_ctl(c->fd, AIXIPC_NS_GET_LIMITS, AIXIPC_NS_SELF, 0, 0,
		     &own) == 0);
	CHECK(!memcmp(&own, &c->expect, sizeof(own)));
	/* The same key makes a new object, which works. */
	c->ids[0] = mk(c->fd, c->kind, c->key, 0600);
	c->ids[1] = mk(c->fd, c->kind, AIXIPC_KEY_PRIVATE, 0600);
	CHECK(c->ids[0] >= 0 && c->ids[1] >= 0);
	CHECK(t_get(c->fd, (uint32_t)c->kind, c->key, 0, 0, 0) == c->ids[0]);
	CHECK(stat_any(c->fd, c->kind, c->ids[0], NULL) == 0);
	CHECK(op_any(c->fd, c->kind, c->ids[0]) == 0);
	/* A listing shows these two, in this namespace, and nothing else. */
	CHECK(list_ns(c->fd, (uint32_t)c->kind, AIXIPC_NS_SELF, AIXIPC_NS_ALL,
		      e, 4) == 2);
	CHECK(e[0].ns == me && e[1].ns == me);
	CHECK(t_find_entry(e, 2, c->ids[0]) && t_find_entry(e, 2, c->ids[1]));
	for (k = 0; k < AIXIPC_NR_KINDS; k++)
		if ((int)k != c->kind)
			CHECK(list_ns(c->fd, k, AIXIPC_NS_SELF, AIXIPC_NS_ALL,
				      NULL, 0) == 0);
	return bad;
}

TEST_F(iso, same_key_two_objects_ids_do_not_cross)
{
	const int kind = variant->kind;
	struct iso_ctx c = { .fd = self->fd, .kind = kind, .host = self->host };
	struct aixipc_list_entry e[4];
	int nsfd = -1, res = -1, status, i, foreign;
	int pfd[2], gfd[2];
	uint64_t inum;
	long ref0;
	pid_t pid;

	c.key = t_test_key(KEY_BASE, 1);
	c.expect = ns_default_limits(&self->v.limits);
	c.host_id = mk(self->fd, kind, c.key, 0600);
	ASSERT_LE(0, c.host_id);
	t_track(kind, c.host_id);
	ASSERT_EQ(0, stat_any(self->fd, kind, c.host_id, &c.host_ds));
	ref0 = refcnt();
	ASSERT_LT(0, ref0);

	switch (variant->how) {
	case BY_UNSHARE:
		ASSERT_EQ(0, unshare(CLONE_NEWIPC));
		res = iso_inside(&c);
		nsfd = my_ns_fd();
		ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
		break;
	case BY_SETNS:
		nsfd = ns_make();
		ASSERT_LE(0, nsfd);
		ASSERT_EQ(0, ns_enter(nsfd));
		res = iso_inside(&c);
		ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
		break;
	case BY_CLONE:
		ASSERT_EQ(0, pipe(pfd));
		ASSERT_EQ(0, pipe(gfd));
		fflush(stderr);
		pid = (pid_t)syscall(SYS_clone, CLONE_NEWIPC | SIGCHLD, 0, 0,
				     0, 0);
		ASSERT_LE(0, pid);
		if (pid == 0) {
			char g;
			int r;

			close(pfd[0]);
			close(gfd[1]);
			r = iso_inside(&c);

			if (write(pfd[1], c.ids, sizeof(c.ids)) < 0 ||
			    read(gfd[0], &g, 1) < 0)
				_exit(KID_BROKEN);
			_exit(r > 200 ? 200 : r);
		}
		self->kids.pid[0] = pid;
		close(pfd[1]);
		close(gfd[0]);
		ASSERT_EQ(sizeof(c.ids), read(pfd[0], c.ids, sizeof(c.ids)));
		close(pfd[0]);
		snprintf((char *)e, sizeof(e), "/proc/%d/ns/ipc", pid);
		nsfd = open((char *)e, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, nsfd);
		close(gfd[1]);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		self->kids.pid[0] = 0;
		ASSERT_TRUE(WIFEXITED(status));
		res = WEXITSTATUS(status);
		break;
	}
	EXPECT_EQ(0, res);
	ASSERT_LE(0, nsfd);
	inum = inum_of_fd(nsfd);
	ASSERT_NE(self->host, inum);
	ASSERT_EQ(self->host, my_inum());

	/* Back home: the host's object is untouched and still the key's. */
	EXPECT_EQ(c.host_id, t_get(self->fd, (uint32_t)kind, c.key, 0, 0, 0));
	EXPECT_EQ(0, stat_any(self->fd, kind, c.host_id, NULL));
	EXPECT_EQ(1, list_ns(self->fd, (uint32_t)kind, AIXIPC_NS_SELF,
			     AIXIPC_NS_ALL, e, 4));
	EXPECT_EQ(c.host_id, e[0].id);
	EXPECT_EQ(self->host, e[0].ns);
	/* The namespace's two objects, listed there by its inode number. */
	EXPECT_EQ(2, list_ns(self->fd, (uint32_t)kind, inum, AIXIPC_NS_ALL,
			     e, 4));
	EXPECT_EQ(2, listed_in(self->fd, (uint32_t)kind, inum));
	/* Its ids reach nothing here (unless the host has the same id). */
	for (i = 0, foreign = 0; i < 2; i++) {
		int id = c.ids[i];

		if (id < 0 || id == c.host_id)
			continue;
		foreign++;
		EXPECT_EQ(-EINVAL, stat_any(self->fd, kind, id, NULL));
		EXPECT_EQ(-EINVAL, ctl_any(self->fd, kind, id, AIXIPC_IPC_SET,
					   &c.host_ds));
		EXPECT_EQ(-EINVAL, op_any(self->fd, kind, id));
		EXPECT_EQ(-EINVAL, t_rmid_kind(self->fd, kind, id));
	}
	EXPECT_LE(1, foreign);
	EXPECT_EQ(2, listed_in(self->fd, (uint32_t)kind, inum));

	/* The namespace goes with its last holder, and its objects with it. */
	close(nsfd);
	EXPECT_TRUE(wait_gone(self->fd, inum, ref0));
	EXPECT_EQ(0, t_rmid_tracked(self->fd, kind, c.host_id));
}

/* ---------------------------------------------------------------------- */
/* Lifetime.                                                              */

FIXTURE(life) {
	int fd, host_ns;
	uint64_t host;
	struct aixipc_version v;
	struct t_kids kids;
	char bind[64];
};

FIXTURE_SETUP(life)
{
	T_OPEN_VERSION(self->fd, self->v);
	self->host_ns = my_ns_fd();
	ASSERT_LE(0, self->host_ns);
	self->host = inum_of_fd(self->host_ns);
	memset(&self->kids, 0, sizeof(self->kids));
	self->bind[0] = 0;
}

FIXTURE_TEARDOWN(life)
{
	if (self->bind[0]) {
		umount2(self->bind, MNT_DETACH);
		unlink(self->bind);
	}
	t_teardown(self->fd, &self->kids);
	close(self->host_ns);
}

/*
 * mk(), waiting up to 10 s while the host-wide cap is full: namespaces
 * that died a moment ago may still hold their share of it (they go
 * asynchronously), which small module limits make reachable.
 */
static int mk_wait(int fd, int kind, int32_t key, uint32_t mode)
{
	int id = -ENOSPC, i;

	for (i = 0; i < 1000 && id == -ENOSPC; i++) {
		if (i)
			usleep(10000);
		id = mk(fd, kind, key, mode);
	}
	return id;
}

/* One object of each kind in the current namespace; a message queued. */
static int fill_ns(int fd, int32_t key)
{
	int k, id, bad = 0;

	for (k = 0; k < AIXIPC_NR_KINDS; k++) {
		id = mk_wait(fd, k, key, 0600);
		CHECK(id >= 0);
		if (k == AIXIPC_MSG)
			CHECK(t_msgsnd(fd, id, 1, "hello", 5, 0) == 0);
	}
	return bad;
}

/*
 * The kid: in the namespace, a queue with messages, a set it adjusts
 * with SEM_UNDO, a segment it attaches and fills; then it setns()es back
 * out, says so, and waits; told to go on, it uses the segment and
 * detaches.  Returns the number of failed checks.
 */
static int life_kid(int fd, int nsfd, int host_ns, struct handshake *h)
{
	const size_t len = 16384;
	int q, s, m, i, bad = 0;
	unsigned char *at = NULL;
	char c;

	close(h->ready[0]);
	close(h->go[1]);
	CHECK(ns_enter(nsfd) == 0);
	close(nsfd);
	q = mk(fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	s = mk(fd, AIXIPC_SEM, AIXIPC_KEY_PRIVATE, 0600);
	m = t_get(fd, AIXIPC_SHM, AIXIPC_KEY_PRIVATE, len, AIXIPC_CREAT, 0600);
	CHECK(q >= 0 && s >= 0 && m >= 0);
	for (i = 0; i < 3; i++)
		CHECK(t_msgsnd(fd, q, 1 + i, "message", 7, 0) == 0);
	CHECK(t_semop1(fd, s, 1, 5, AIXIPC_SEM_UNDO) == 0);
	CHECK(t_shmat(fd, m, NULL, 0, (void **)&at, NULL) == 0);
	if (at)
		t_fill_pattern(at, len, 1);
	CHECK(setns(host_ns, CLONE_NEWIPC) == 0);
	if (write(h->ready[1], &bad, 1) != 1 || read(h->go[0], &c, 1) != 1)
		return bad + 1;
	/* The namespace is dead by now: the attachment still works. */
	if (at) {
		CHECK(t_check_pattern(at, len, 1) == -1);
		t_fill_pattern(at, len, 2);
		CHECK(t_check_pattern(at, len, 2) == -1);
		CHECK(t_shmdt(fd, at, NULL) == 0);
	}
	return bad;
}

TEST_F(life, dies_with_objects_of_every_kind_attached_segment_lasts_until_detach)
{
	struct handshake h;
	uint64_t inum;
	long ref0;
	int nsfd, k;
	pid_t pid;

	ref0 = refcnt();
	nsfd = ns_make();
	ASSERT_LE(0, nsfd);
	inum = inum_of_fd(nsfd);
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int r = life_kid(self->fd, nsfd, self->host_ns, &h);

		_exit(r > 200 ? 200 : r);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	for (k = 0; k < AIXIPC_NR_KINDS; k++)
		EXPECT_EQ(1, listed_in(self->fd, (uint32_t)k, inum));
	EXPECT_EQ(1, ns_known(self->fd, inum));
	EXPECT_LT(ref0, refcnt());
	/* Its last holder goes: the registry and the unattached objects. */
	close(nsfd);
	EXPECT_TRUE(wait_gone(self->fd, inum, -1));
	/* The segment stays while attached. */
	EXPECT_LT(ref0, refcnt());
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_TRUE(wait_gone(self->fd, inum, ref0))
		TH_LOG("refcnt %ld, was %ld", refcnt(), ref0);
}

/*
 * Namespace A held by @how_a (an fd, or a bind mount), B by an fd only;
 * both fds are closed.  When B is gone, A must still be there with its
 * objects: it dies only when its holder goes.
 */
static int kept_by(struct __test_metadata *_metadata, int fd, bool bind,
		   char *path, size_t plen)
{
	int a = ns_make(), b = ns_make(), here = my_ns_fd(), k;
	uint64_t ia = inum_of_fd(a), ib = inum_of_fd(b);
	long ref0 = refcnt();
	int32_t key = t_test_key(KEY_BASE, 2);

	if (a < 0 || b < 0 || here < 0)
		return -1;
	EXPECT_EQ(0, ns_enter(a));
	EXPECT_EQ(0, fill_ns(fd, key));
	if (bind) {
		int f;

		snprintf(path, plen, "/tmp/ns_test.%d", getpid());
		f = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		EXPECT_LE(0, f);
		close(f);
		EXPECT_EQ(0, mount("/proc/self/ns/ipc", path, NULL, MS_BIND,
				   NULL)) TH_LOG("bind mount: %s", strerror(errno));
	}
	EXPECT_EQ(0, ns_enter(b));
	EXPECT_EQ(0, fill_ns(fd, key));
	EXPECT_EQ(0, setns(here, CLONE_NEWIPC));
	close(here);
	if (bind) {
		close(a);
		a = -1;
	}
	close(b);
	EXPECT_TRUE(wait_gone(fd, ib, -1));
	for (k = 0; k < AIXIPC_NR_KINDS; k++)
		EXPECT_EQ(1, listed_in(fd, (uint32_t)k, ia));
	EXPECT_EQ(1, ns_known(fd, ia));
	EXPECT_LT(ref0, refcnt());
	/* Now the last holder goes. */
	if (bind) {
		EXPECT_EQ(0, umount(path));
		unlink(path);
		path[0] = 0;
	} else {
		close(a);
	}
	EXPECT_TRUE(wait_gone(fd, ia, ref0))
		TH_LOG("refcnt %ld, want %ld", refcnt(), ref0);
	return 0;
}

TEST_F(life, kept_by_an_open_ns_fd_until_it_is_closed)
{
	ASSERT_EQ(0, kept_by(_metadata, self->fd, false, self->bind,
			     sizeof(self->bind)));
}

TEST_F(life, kept_by_a_bind_mount_until_it_is_unmounted)
{
	ASSERT_EQ(0, kept_by(_metadata, self->fd, true, self->bind,
			     sizeof(self->bind)));
}

TEST_F_TIMEOUT(life, thousand_namespaces_made_filled_dropped_leave_nothing, 600)
{
	const int rounds = 1000;
	int32_t key = t_test_key(KEY_BASE, 3);
	long ref0 = refcnt();
	double t0 = now();
	int i, nsfd, bad = 0;

	for (i = 0; i < rounds && !bad; i++) {
		nsfd = ns_make();
		ASSERT_LE(0, nsfd) TH_LOG("round %d: %s", i, strerror(errno));
		ASSERT_EQ(0, ns_enter(nsfd));
		bad = fill_ns(self->fd, key);
		ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
		close(nsfd);
	}
	EXPECT_EQ(0, bad) TH_LOG("round %d", i);
	EXPECT_TRUE(wait_all_gone(self->fd, self->host, ref0))
		TH_LOG("%ld objects elsewhere, %d namespaces, refcnt %ld, was %ld",
		       listed_elsewhere(self->fd, self->host),
		       ns_count(self->fd), refcnt(), ref0);
	TH_LOG("%d namespaces in %.1f s", rounds, now() - t0);
}

/* ---------------------------------------------------------------------- */
/* User namespaces.                                                       */

#define INNER_OTHER	1000	/* a second uid mapped inside, to 65533 */

struct userns_ctx {
	int fd;
	int32_t key;
	int host_id;
	union anyds host_ds;
	uint64_t host;
	int ids[3];		/* out: root's queue, 1000's queue, mode 0 set */
};

/* As root of the user namespace, in its IPC namespace. */
static int userns_inside(struct userns_ctx *c)
{
	struct aixipc_list l = { .kind = AIXIPC_MSG };
	struct aixipc_list_entry e;
	struct aixipc_limits lim;
	union anyds ds;
	int q0, q1, s0, bad = 0;

	CHECK(getuid() == 0 && geteuid() == 0);
	/* The host's objects are out of reach, and so are other namespaces. */
	CHECK(t_get(c->fd, AIXIPC_MSG, c->key, 0, 0, 0) == -ENOENT);
	CHECK(stat_any(c->fd, AIXIPC_MSG, c->host_id, NULL) == -EINVAL);
	CHECK(ctl_any(c->fd, AIXIPC_MSG, c->host_id, AIXIPC_IPC_SET,
		      &c->host_ds) == -EINVAL);
	CHECK(t_rmid(c->fd, c->host_id) == -EINVAL);
	CHECK(ns_ctl(c->fd, AIXIPC_NS_GET_LIMITS, AIXIPC_NS_SELF, 0, 0,
		     &lim) == 0);
	CHECK(ns_ctl(c->fd, AIXIPC_NS_GET_LIMITS, c->host, 0, 0, &lim) ==
	      -EPERM);
	CHECK(ns_ctl(c->fd, AIXIPC_NS_SET_LIMITS, AIXIPC_NS_SELF, 0, 0,
		     &lim) == -EPERM);
	CHECK(ns_ctl(c->fd, AIXIPC_NS_RMID, c->host, AIXIPC_MSG, c->host_id,
		     NULL) == -EPERM);
	CHECK(ns_ctl(c->fd, AIXIPC_NS_RMID, AIXIPC_NS_SELF, AIXIPC_MSG,
		     c->host_id, NULL) == -EPERM);
	CHECK(ns_next(c->fd, &(uint64_t){ 0 }, NULL) == -EPERM);
	l.ns = AIXIPC_NS_ALL;
	CHECK(t_list_call(c->fd, &l, AIXIPC_MSG, &e, 1, sizeof(e)) == -EPERM);
	l.ns = c->host;
	l.cursor = 0;
	CHECK(t_list_call(c->fd, &l, AIXIPC_MSG, &e, 1, sizeof(e)) == -EPERM);

	/* Objects of root and of another mapped uid. */
	q0 = mk(c->fd, AIXIPC_MSG, c->key, 0600);
	q1 = (int)AS_USER(INNER_OTHER, mk(c->fd, AIXIPC_MSG, c->key + 1, 0600));
	s0 = (int)AS_USER(INNER_OTHER, mk(c->fd, AIXIPC_SEM, c->key + 2, 0));
	CHECK(q0 >= 0 && q1 >= 0 && s0 >= 0);
	c->ids[0] = q0;
	c->ids[1] = q1;
	c->ids[2] = s0;
	/* Uids as mapped here. */
	CHECK(stat_any(c->fd, AIXIPC_MSG, q0, &ds) == 0);
	CHECK(ds.msg.perm.uid == 0 && ds.msg.perm.cuid == 0);
	/* Mode 0: its owner cannot read it, root here can (CAP_IPC_OWNER). */
	CHECK(AS_USER(INNER_OTHER, stat_any(c->fd, AIXIPC_SEM, s0, NULL)) ==
	      -EACCES);
	CHECK(stat_any(c->fd, AIXIPC_SEM, s0, &ds) == 0);
	CHECK(ds.sem.perm.uid == INNER_OTHER && ds.sem.perm.mode == 0);
	/* IPC_SET of another uid's object: not by a third party, by root. */
	CHECK(stat_any(c->fd, AIXIPC_MSG, q0, &ds) == 0);
	CHECK(AS_USER(INNER_OTHER, ctl_any(c->fd, AIXIPC_MSG, q0,
					   AIXIPC_IPC_SET, &ds)) == -EPERM);
	CHECK(stat_any(c->fd, AIXIPC_MSG, q1, &ds) == 0);
	CHECK(ds.msg.perm.uid == INNER_OTHER);
	ds.msg.perm.mode = 0640;
	CHECK(ctl_any(c->fd, AIXIPC_MSG, q1, AIXIPC_IPC_SET, &ds) == 0);
	CHECK(stat_any(c->fd, AIXIPC_MSG, q1, &ds) == 0);
	CHECK(ds.msg.perm.mode == 0640);
	return bad;
}

/*
 * The kernel refuses a user namespace to a chrooted process (EPERM), and
 * the test VMs run the tests chrooted into the host's file system: a root
 * child leaves the chroot first (a no-op for one that is not chrooted).
 * Return: 0 or -1.
 */
static int leave_chroot(void)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), i, err;

	if (fd < 0)
		return -1;
	/* A root below the current directory lets ".." climb past it. */
	err = chroot("/dev") || fchdir(fd);
	for (i = 0; !err && i < 64; i++)
		err = chdir("..");
	close(fd);
	return err || chroot(".") ? -1 : 0;
}

FIXTURE(userns) {
	int fd;
	struct aixipc_version v;
	struct t_kids kids;
};

FIXTURE_SETUP(userns)
{
	T_OPEN_VERSION(self->fd, self->v);
	memset(&self->kids, 0, sizeof(self->kids));
}

FIXTURE_TEARDOWN(userns)
{
	t_teardown(self->fd, &self->kids);
}

TEST_F(userns, root_of_its_own_namespace_only_uids_mapped)
{
	struct userns_ctx c = { .fd = self->fd, .host = my_inum() };
	struct aixipc_list_entry e[8];
	const struct aixipc_list_entry *q0, *q1;
	char path[64], buf[64], m1[64], m2[64];
	int up[2], down[2], r, inner_err = 0;
	uint64_t inum;
	long ref0;
	pid_t pid;

	c.key = t_test_key(KEY_BASE, 4);
	c.host_id = mk(self->fd, AIXIPC_MSG, c.key, 0666);
	ASSERT_LE(0, c.host_id);
	t_track(AIXIPC_MSG, c.host_id);
	ASSERT_EQ(0, stat_any(self->fd, AIXIPC_MSG, c.host_id, &c.host_ds));
	ref0 = refcnt();
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char g;
		int err = 0;

		close(up[0]);
		close(down[1]);
		if (leave_chroot() || t_become_nobody() ||
		    unshare(CLONE_NEWUSER | CLONE_NEWIPC))
			err = errno ? errno : KID_BROKEN;
		if (write(up[1], &err, sizeof(err)) != sizeof(err) || err)
			_exit(KID_BROKEN);
		if (read(down[0], &g, 1) != 1)	/* the maps are written */
			_exit(KID_BROKEN);
		r = userns_inside(&c);
		if (write(up[1], c.ids, sizeof(c.ids)) != sizeof(c.ids) ||
		    read(down[0], &g, 1) != 1)	/* the host has looked */
			_exit(KID_BROKEN);
		/* Root here removes what another uid made. */
		if (t_rmid(c.fd, c.ids[1]) || t_semrmid(c.fd, c.ids[2]) ||
		    t_rmid(c.fd, c.ids[0]))
			r++;
		_exit(r > 200 ? 200 : r);
	}
	close(up[1]);
	close(down[0]);
	ASSERT_EQ(sizeof(inner_err), read(up[0], &inner_err, sizeof(inner_err)));
	if (inner_err) {
		t_read_file("/proc/sys/user/max_user_namespaces", buf, sizeof(buf));
		t_read_file("/proc/sys/kernel/unprivileged_userns_clone", m1,
			    sizeof(m1));
		t_reap(&self->kids, pid);
		SKIP(return, "no user namespace for uid %d: %s (user.max_user_namespaces %s, kernel.unprivileged_userns_clone %s)",
		     NOBODY, strerror(inner_err), buf, m1);
	}
	snprintf(m1, sizeof(m1), "0 %d 1\n%d %d 1\n", NOBODY, INNER_OTHER,
		 NOBODY - 1);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	ASSERT_EQ(0, t_write_file(path, m1));
	snprintf(m2, sizeof(m2), "0 %d 1\n%d %d 1\n", NOBODY, INNER_OTHER,
		 NOBODY - 1);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	ASSERT_EQ(0, t_write_file(path, m2));
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", pid);
	inum = inum_of(path);
	ASSERT_NE(c.host, inum);
	ASSERT_EQ(1, write(down[1], "g", 1));
	ASSERT_EQ(sizeof(c.ids), read(up[0], c.ids, sizeof(c.ids)));

	/* From the host: kernel uids (65534 for its root, 65533). */
	ASSERT_EQ(2, list_ns(self->fd, AIXIPC_MSG, AIXIPC_NS_ALL, inum, e, 8));
	q0 = t_find_entry(e, 2, c.ids[0]);
	q1 = t_find_entry(e, 2, c.ids[1]);
	ASSERT_TRUE(q0 && q1);
	EXPECT_EQ(NOBODY, q0->msg.perm.uid);
	EXPECT_EQ(NOBODY, q0->msg.perm.cuid);
	EXPECT_EQ(NOBODY - 1, q1->msg.perm.uid);
	EXPECT_EQ(1, list_ns(self->fd, AIXIPC_SEM, AIXIPC_NS_ALL, inum, e, 8));
	EXPECT_EQ(NOBODY - 1, e[0].sem.perm.cuid);
	/* The host's queue is untouched. */
	EXPECT_EQ(0, stat_any(self->fd, AIXIPC_MSG, c.host_id, NULL));
	ASSERT_EQ(1, write(down[1], "g", 1));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	close(up[0]);
	close(down[1]);
	EXPECT_TRUE(wait_gone(self->fd, inum, ref0));
	EXPECT_EQ(c.host_id, t_get(self->fd, AIXIPC_MSG, c.key, 0, 0, 0));
	EXPECT_EQ(0, t_rmid_tracked(self->fd, AIXIPC_MSG, c.host_id));
}

/* ---------------------------------------------------------------------- */
/* Races.                                                                 */

/* A result a call may give while namespaces come and go. */
static bool documented(int err)
{
	switch (-err) {
	case 0: case EINVAL: case EIDRM: case ENOENT: case EAGAIN:
	case ENOMSG: case EEXIST:
		return true;
	case ENOSPC:	/* small host caps, still held by dying namespaces */
		return true;
	}
	return false;
}

/* Shared by the racing processes. */
struct race {
	volatile int stop;
	volatile uint64_t inum;		/* the round's namespace */
	volatile int bad;		/* calls that gave something else */
	volatile long calls;
};

#define RACE_CALL(r, expr) do {						\
	int __e = (expr);						\
	__atomic_add_fetch(&(r)->calls, 1, __ATOMIC_RELAXED);		\
	if (!documented(__e)) {						\
		fprintf(stderr, "# %s:%d: %s gave %d\n", __func__,	\
			__LINE__, #expr, __e);				\
		__atomic_add_fetch(&(r)->bad, 1, __ATOMIC_RELAXED);	\
	}								\
} while (0)

/* The administrator: lists, walks, removes in the round's namespace. */
static void race_admin(int fd, struct race *r)
{
	struct aixipc_list_entry e[8];
	struct aixipc_limits lim;
	struct aixipc_list l;
	uint64_t ns;
	uint32_t k;
	int i, err;

	while (!r->stop) {
		ns = r->inum;
		for (k = 0; k < AIXIPC_NR_KINDS; k++) {
			memset(&l, 0, sizeof(l));
			l.ns = ns;
			err = t_list_call(fd, &l, k, e, 8, sizeof(e[0]));
			RACE_CALL(r, err);
			for (i = 0; !err && i < (int)l.count; i++)
				RACE_CALL(r, ns_ctl(fd, AIXIPC_NS_RMID, ns, k,
						    e[i].id, NULL));
			RACE_CALL(r, (int)list_ns(fd, k, AIXIPC_NS_ALL,
						  AIXIPC_NS_ALL, NULL, 0) < 0 ?
				     -EPIPE : 0);
		}
		RACE_CALL(r, ns_ctl(fd, AIXIPC_NS_GET_LIMITS, ns, 0, 0, &lim));
		RACE_CALL(r, ns_count(fd) < 0 ? -EPIPE : 0);
	}
}

/*
 * The inner process: holds the only fd of the round's namespace; enters,
 * calls, leaves, @n times; keeps an attachment and SEM_UNDO; then closes
 * the fd (the namespace dies) and uses the attachment while it does.
 */
static void race_inner(int fd, int nsfd, int host_ns, int32_t key, int n,
		       struct race *r)
{
	unsigned char *keep = NULL, *at;
	int i, q, s, m, err;
	char buf[16];

	for (i = 0; i < n; i++) {
		if (setns(nsfd, CLONE_NEWIPC))
			RACE_CALL(r, -EPIPE);
		q = t_get(fd, AIXIPC_MSG, key, 0, AIXIPC_CREAT, 0600);
		s = t_get(fd, AIXIPC_SEM, key, 2, AIXIPC_CREAT, 0600);
		m = t_get(fd, AIXIPC_SHM, key, 8192, AIXIPC_CREAT, 0600);
		RACE_CALL(r, q < 0 ? q : 0);
		RACE_CALL(r, s < 0 ? s : 0);
		RACE_CALL(r, m < 0 ? m : 0);
		RACE_CALL(r, t_msgsnd(fd, q, 1, "race", 4, AIXIPC_NOWAIT));
		RACE_CALL(r, (int)(t_msgrcv(fd, q, 0, buf, sizeof(buf),
					    AIXIPC_NOWAIT, NULL) < 0 ? -ENOMSG : 0));
		RACE_CALL(r, t_semop1(fd, s, 0, 1,
				      AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT));
		RACE_CALL(r, stat_any(fd, AIXIPC_SEM, s, NULL));
		RACE_CALL(r, stat_any(fd, AIXIPC_MSG, q, NULL));
		err = t_shmat(fd, m, NULL, 0, (void **)&at, NULL);
		RACE_CALL(r, err);
		if (!err) {
			at[0] = (unsigned char)i;
			if (keep)
				RACE_CALL(r, t_shmdt(fd, keep, NULL));
			keep = at;
		}
		if (i % 4 == 3)
			RACE_CALL(r, t_rmid_kind(fd, i % 3, i % 3 == 0 ? q :
						 i % 3 == 1 ? s : m));
		if (setns(host_ns, CLONE_NEWIPC))
			RACE_CALL(r, -EPIPE);
	}
	close(nsfd);		/* the namespace dies */
	for (i = 0; keep && i < 1000; i++)
		keep[i % 8192] = (unsigned char)i;
	if (keep)
		RACE_CALL(r, t_shmdt(fd, keep, NULL));
}

TEST_F_TIMEOUT(life, death_races_setns_calls_and_the_administrator, 600)
{
	const int rounds = 60, calls = 12;
	int32_t key = t_test_key(KEY_BASE, 5);
	struct race *r;
	long ref0 = refcnt();
	double t0 = now();
	pid_t admin, inner;
	int i, nsfd;

	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r);
	memset(r, 0, sizeof(*r));
	r->inum = self->host;
	admin = t_spawn(&self->kids);
	ASSERT_LE(0, admin);
	if (admin == 0) {
		race_admin(self->fd, r);
		_exit(0);
	}
	for (i = 0; i < rounds; i++) {
		nsfd = ns_make();
		ASSERT_LE(0, nsfd);
		r->inum = inum_of_fd(nsfd);
		inner = t_spawn(&self->kids);
		ASSERT_LE(0, inner);
		if (inner == 0) {
			race_inner(self->fd, nsfd, self->host_ns, key, calls, r);
			_exit(0);
		}
		close(nsfd);	/* the inner process holds it alone */
		EXPECT_EQ(0, t_reap(&self->kids, inner));
	}
	r->stop = 1;
	EXPECT_EQ(0, t_reap(&self->kids, admin));
	EXPECT_EQ(0, r->bad);
	EXPECT_TRUE(wait_all_gone(self->fd, self->host, ref0))
		TH_LOG("%ld objects elsewhere, %d namespaces, refcnt %ld, was %ld",
		       listed_elsewhere(self->fd, self->host),
		       ns_count(self->fd), refcnt(), ref0);
	TH_LOG("%d rounds, %ld calls in %.1f s", rounds, r->calls, now() - t0);
	munmap(r, sizeof(*r));
}

/* ---------------------------------------------------------------------- */
/* The global view and limits.                                            */

#define NS3	3

FIXTURE(global) {
	int fd, host_ns;
	uint64_t host;
	struct aixipc_version v;
	struct t_kids kids;
	int32_t key;
	int host_q;
	long ref0;
	int nsfd[NS3];
	uint64_t inum[NS3];
	int q[NS3];		/* a queue of key in each namespace */
};

FIXTURE_SETUP(global)
{
	int i;

	T_OPEN_VERSION(self->fd, self->v);
	memset(&self->kids, 0, sizeof(self->kids));
	self->host_ns = my_ns_fd();
	ASSERT_LE(0, self->host_ns);
	self->host = inum_of_fd(self->host_ns);
	self->key = t_test_key(KEY_BASE, 6);
	self->ref0 = refcnt();
	self->host_q = mk(self->fd, AIXIPC_MSG, self->key, 0600);
	ASSERT_LE(0, self->host_q);
	t_track(AIXIPC_MSG, self->host_q);
	for (i = 0; i < NS3; i++) {
		self->nsfd[i] = ns_make();
		ASSERT_LE(0, self->nsfd[i]);
		self->inum[i] = inum_of_fd(self->nsfd[i]);
		ASSERT_EQ(0, ns_enter(self->nsfd[i]));
		self->q[i] = mk(self->fd, AIXIPC_MSG, self->key, 0600);
		ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
		ASSERT_LE(0, self->q[i]);
	}
}

FIXTURE_TEARDOWN(global)
{
	uint64_t inum[NS3];
	int i;

	if (setns(self->host_ns, CLONE_NEWIPC))
		perror("setns");
	for (i = 0; i < NS3; i++) {
		inum[i] = self->inum[i];
		if (self->nsfd[i] >= 0)
			close(self->nsfd[i]);
	}
	t_kill_kids(&self->kids);
	for (i = 0; i < NS3; i++) {
		unsigned long long n = inum[i];

		if (n) {
			EXPECT_TRUE(wait_gone(self->fd, n, -1))
				TH_LOG("namespace %llu not gone", n);
		}
	}
	/* The device stays open: it pins the module too. */
	t_remove_tracked(self->fd);
	EXPECT_TRUE(wait_all_gone(self->fd, self->host, self->ref0))
		TH_LOG("left behind: refcnt %ld, was %ld", refcnt(), self->ref0);
	close(self->fd);
	close(self->host_ns);
}

TEST_F(global, list_all_shows_every_namespace_with_its_inode)
{
	struct aixipc_list_entry e[64];
	const struct aixipc_list_entry *f;
	long n;
	int i, j, seen;

	n = list_ns(self->fd, AIXIPC_MSG, AIXIPC_NS_ALL, AIXIPC_NS_ALL, e, 64);
	ASSERT_LE(NS3 + 1, n);
	ASSERT_GE(64, n);
	/* Each namespace's queue, once, with its namespace. */
	for (i = 0; i < NS3; i++) {
		for (j = 0, seen = 0; j < n; j++)
			if (e[j].ns == self->inum[i]) {
				seen++;
				EXPECT_EQ(self->q[i], e[j].id);
				EXPECT_EQ(self->key, e[j].msg.perm.key);
			}
		EXPECT_EQ(1, seen);
	}
	f = NULL;
	for (j = 0; j < n; j++)
		if (e[j].ns == self->host && e[j].id == self->host_q)
			f = &e[j];
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(self->key, f->msg.perm.key);
	/* In namespace order. */
	for (j = 1; j < n; j++)
		EXPECT_LE(e[j - 1].ns, e[j].ns);
	/* One at a time gives the same walk (the cursor crosses namespaces). */
	{
		struct aixipc_list_entry one;
		struct aixipc_list l;
		long m = 0;

		memset(&l, 0, sizeof(l));
		l.ns = AIXIPC_NS_ALL;
		for (;;) {
			ASSERT_EQ(0, t_list_call(self->fd, &l, AIXIPC_MSG, &one,
						 1, sizeof(one)));
			if (!l.count)
				break;
			ASSERT_GT(n, m);
			EXPECT_EQ(e[m].id, one.id);
			EXPECT_EQ(e[m].ns, one.ns);
			m++;
		}
		EXPECT_EQ(n, m);
		/* The end is ~0, and the walk stays ended. */
		EXPECT_EQ(~0ULL, (unsigned long long)l.cursor);
		ASSERT_EQ(0, t_list_call(self->fd, &l, AIXIPC_MSG, &one, 1,
					 sizeof(one)));
		EXPECT_EQ(0, l.count);
		EXPECT_EQ(~0ULL, (unsigned long long)l.cursor);
	}
}

TEST_F(global, list_of_one_namespace_by_inode)
{
	struct aixipc_list_entry e[4];

	ASSERT_EQ(1, list_ns(self->fd, AIXIPC_MSG, self->inum[1],
			     AIXIPC_NS_ALL, e, 4));
	EXPECT_EQ(self->q[1], e[0].id);
	EXPECT_EQ(self->inum[1], e[0].ns);
	EXPECT_EQ(0, list_ns(self->fd, AIXIPC_SEM, self->inum[1],
			     AIXIPC_NS_ALL, e, 4));
	/* Its own inode number is the same as SELF for the host. */
	EXPECT_EQ(list_ns(self->fd, AIXIPC_MSG, AIXIPC_NS_SELF, AIXIPC_NS_ALL,
			  NULL, 0),
		  list_ns(self->fd, AIXIPC_MSG, self->host, AIXIPC_NS_ALL,
			  NULL, 0));
}

TEST_F(global, ns_rmid_removes_an_object_in_another_namespace)
{
	int s;

	EXPECT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_RMID, self->inum[0],
			    AIXIPC_MSG, self->q[0], NULL));
	EXPECT_EQ(0, listed_in(self->fd, AIXIPC_MSG, self->inum[0]));
	EXPECT_EQ(1, listed_in(self->fd, AIXIPC_MSG, self->inum[1]));
	EXPECT_EQ(0, stat_any(self->fd, AIXIPC_MSG, self->host_q, NULL));
	/* Gone: a second time is the facility's EINVAL. */
	EXPECT_EQ(-EINVAL, ns_ctl(self->fd, AIXIPC_NS_RMID, self->inum[0],
				  AIXIPC_MSG, self->q[0], NULL));
	/* Inside, the key names nothing any more. */
	ASSERT_EQ(0, ns_enter(self->nsfd[0]));
	EXPECT_EQ(-ENOENT, t_get(self->fd, AIXIPC_MSG, self->key, 0, 0, 0));
	s = mk(self->fd, AIXIPC_SEM, self->key, 0600);
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	ASSERT_LE(0, s);
	/* Other kinds too; and the host's own by SELF or its inode. */
	EXPECT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_RMID, self->inum[0],
			    AIXIPC_SEM, s, NULL));
	EXPECT_EQ(0, listed_in(self->fd, AIXIPC_SEM, self->inum[0]));
	EXPECT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_RMID, self->host, AIXIPC_MSG,
			    self->host_q, NULL));
	t_untrack(AIXIPC_MSG, self->host_q);
	EXPECT_EQ(-EINVAL, stat_any(self->fd, AIXIPC_MSG, self->host_q, NULL));
}

TEST_F(global, ns_next_walks_every_known_namespace)
{
	struct aixipc_limits lim, expect = ns_default_limits(&self->v.limits);
	uint64_t ns = 0, prev = 0;
	int found[NS3] = { 0 }, host = 0, i, n = 0, err;

	for (;;) {
		err = ns_next(self->fd, &ns, &lim);
		if (err)
			break;
		EXPECT_LT(prev, ns);
		prev = ns;
		n++;
		ASSERT_GT(100000, n);
		if (ns == self->host) {
			host++;
			EXPECT_EQ(0, memcmp(&lim, &self->v.limits, sizeof(lim)));
		}
		for (i = 0; i < NS3; i++)
			if (ns == self->inum[i]) {
				found[i]++;
				EXPECT_EQ(0, memcmp(&lim, &expect, sizeof(lim)));
			}
	}
	EXPECT_EQ(-ENOENT, err);
	EXPECT_EQ(1, host);
	for (i = 0; i < NS3; i++)
		EXPECT_EQ(1, found[i]);
	/* Past the end, and past the largest possible number. */
	EXPECT_EQ(-ENOENT, ns_next(self->fd, &prev, NULL));
	ns = UINT32_MAX;
	EXPECT_EQ(-ENOENT, ns_next(self->fd, &ns, NULL));
	ns = AIXIPC_NS_ALL;
	EXPECT_EQ(-ENOENT, ns_next(self->fd, &ns, NULL));
}

TEST_F(global, limits_start_at_ns_percent_and_apply_inside_only)
{
	struct aixipc_limits h = self->v.limits, lim, expect;
	uint64_t pct = param("ns_percent");
	int q, err;

	ASSERT_GE(100, pct);
	expect = ns_default_limits(&h);
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->inum[0], 0,
			    0, &lim));
	EXPECT_EQ(h.msgmni * pct / 100, lim.msgmni);
	EXPECT_EQ(h.semmni * pct / 100, lim.semmni);
	EXPECT_EQ(h.shmmni * pct / 100, lim.shmmni);
	EXPECT_EQ(h.shmall * pct / 100, lim.shmall);
	EXPECT_EQ(0, memcmp(&lim, &expect, sizeof(lim)));
	/* The host's own, by SELF and by its inode number. */
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, AIXIPC_NS_SELF, 0,
			    0, &lim));
	EXPECT_EQ(0, memcmp(&lim, &h, sizeof(lim)));
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->host, 0, 0,
			    &lim));
	EXPECT_EQ(0, memcmp(&lim, &h, sizeof(lim)));

	/* msgmni 2 in namespace 0, which has one queue: one more, then no. */
	lim = expect;
	lim.msgmni = 2;
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS, self->inum[0], 0,
			    0, &lim));
	memset(&lim, 0, sizeof(lim));
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->inum[0], 0,
			    0, &lim));
	EXPECT_EQ(2, lim.msgmni);
	ASSERT_EQ(0, ns_enter(self->nsfd[0]));
	{
		struct aixipc_version v = { 0 };

		EXPECT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
		EXPECT_EQ(2, v.limits.msgmni);
	}
	q = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	err = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	EXPECT_LE(0, q);
	EXPECT_EQ(-ENOSPC, err);
	/* Another namespace and the host are not affected. */
	ASSERT_EQ(0, ns_enter(self->nsfd[1]));
	q = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	err = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	EXPECT_LE(0, q);
	EXPECT_LE(0, err);
	/* The host makes two more too, where its cap leaves room for them. */
	if (h.msgmni >= 16) {
		q = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
		ASSERT_LE(0, q);
		t_track(AIXIPC_MSG, q);
		err = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
		ASSERT_LE(0, err);
		t_track(AIXIPC_MSG, err);
	}
	EXPECT_EQ(0, memcmp(&h, &self->v.limits, sizeof(h)));
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, AIXIPC_NS_SELF, 0,
			    0, &lim));
	EXPECT_EQ(h.msgmni, lim.msgmni);
}

TEST_F(global, set_limits_above_the_host_einval)
{
	struct aixipc_limits h = self->v.limits, lim, before;

	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->inum[0], 0,
			    0, &before));
	/* Each capped field one past the host's: EINVAL, nothing changed. */
#define ABOVE(field) do {						\
	lim = before;							\
	lim.field = h.field + 1;					\
	EXPECT_EQ(-EINVAL, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS,	\
				  self->inum[0], 0, 0, &lim)) TH_LOG(#field); \
} while (0)
	ABOVE(msgmni);
	ABOVE(semmni);
	ABOVE(shmmni);
	ABOVE(shmall);
	ABOVE(msgmax);
	ABOVE(shmmax);
#undef ABOVE
	if (h.shmmin > 1) {
		lim = before;
		lim.shmmin = h.shmmin - 1;
		EXPECT_EQ(-EINVAL, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS,
					  self->inum[0], 0, 0, &lim));
	}
	/* Exactly the host's is allowed, for the host too. */
	EXPECT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS, self->inum[0], 0,
			    0, &h));
	EXPECT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS, self->inum[0], 0,
			    0, &before));
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->inum[0], 0,
			    0, &lim));
	EXPECT_EQ(0, memcmp(&lim, &before, sizeof(lim)));
}

/* Every cmd but reading one's own limits, and LIST of others: EPERM. */
static int others_eperm(int fd, uint64_t other, int id)
{
	struct aixipc_limits lim;
	struct aixipc_list_entry e;
	struct aixipc_list l = { .kind = AIXIPC_MSG };
	int bad = 0;

	CHECK(ns_ctl(fd, AIXIPC_NS_GET_LIMITS, AIXIPC_NS_SELF, 0, 0, &lim) == 0);
	CHECK(ns_ctl(fd, AIXIPC_NS_GET_LIMITS, other, 0, 0, &lim) == -EPERM);
	CHECK(ns_ctl(fd, AIXIPC_NS_SET_LIMITS, AIXIPC_NS_SELF, 0, 0, &lim) ==
	      -EPERM);
	CHECK(ns_ctl(fd, AIXIPC_NS_SET_LIMITS, other, 0, 0, &lim) == -EPERM);
	CHECK(ns_ctl(fd, AIXIPC_NS_RMID, other, AIXIPC_MSG, id, NULL) ==
	      -EPERM);
	CHECK(ns_ctl(fd, AIXIPC_NS_RMID, AIXIPC_NS_SELF, AIXIPC_MSG, id,
		     NULL) == -EPERM);
	CHECK(ns_next(fd, &(uint64_t){ 0 }, NULL) == -EPERM);
	l.ns = AIXIPC_NS_ALL;
	CHECK(t_list_call(fd, &l, AIXIPC_MSG, &e, 1, sizeof(e)) == -EPERM);
	memset(&l, 0, sizeof(l));
	l.ns = other;
	CHECK(t_list_call(fd, &l, AIXIPC_MSG, &e, 1, sizeof(e)) == -EPERM);
	/* Its own namespace it may list. */
	memset(&l, 0, sizeof(l));
	CHECK(t_list_call(fd, &l, AIXIPC_MSG, &e, 1, sizeof(e)) == 0);
	return bad;
}

TEST_F(global, unprivileged_caller_eperm_except_own_limits)
{
	EXPECT_EQ(0, AS_NOBODY(others_eperm(self->fd, self->inum[0],
					    self->q[0])));
	/* Root without CAP_SYS_ADMIN alike. */
	EXPECT_EQ(0, T_IN_CHILD(0, ({
		struct __user_cap_header_struct {
			uint32_t version;
			int pid;
		} hdr = { 0x20080522, 0 };
		struct { uint32_t eff, perm, inh; } data[2] = { { 0 } };
		long r = syscall(SYS_capset, &hdr, data) ? -errno :
			 others_eperm(self->fd, self->inum[0], self->q[0]);
		r;
	})));
	EXPECT_EQ(1, listed_in(self->fd, AIXIPC_MSG, self->inum[0]));
}

TEST_F(global, caller_in_another_namespace_eperm_except_own_limits)
{
	int bad;

	ASSERT_EQ(0, ns_enter(self->nsfd[1]));
	bad = others_eperm(self->fd, self->inum[0], self->q[0]);
	bad += others_eperm(self->fd, self->host, self->host_q);
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	EXPECT_EQ(0, bad);
	EXPECT_EQ(1, listed_in(self->fd, AIXIPC_MSG, self->inum[0]));
	EXPECT_EQ(0, stat_any(self->fd, AIXIPC_MSG, self->host_q, NULL));
}

TEST_F(global, unknown_namespace_enoent)
{
	struct aixipc_list_entry e;
	struct aixipc_list l;
	struct aixipc_limits lim = self->v.limits;
	int unused = ns_make();	/* never used aixipc */
	uint64_t ns[2];
	int i;

	ASSERT_LE(0, unused);
	ns[0] = inum_of_fd(unused);
	ns[1] = 1;			/* no namespace has it */
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(-ENOENT, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS,
					  ns[i], 0, 0, &lim));
		EXPECT_EQ(-ENOENT, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS,
					  ns[i], 0, 0, &lim));
		EXPECT_EQ(-ENOENT, ns_ctl(self->fd, AIXIPC_NS_RMID, ns[i],
					  AIXIPC_MSG, self->q[0], NULL));
		memset(&l, 0, sizeof(l));
		l.ns = ns[i];
		EXPECT_EQ(-ENOENT, t_list_call(self->fd, &l, AIXIPC_MSG, &e,
					       1, sizeof(e)));
	}
	EXPECT_EQ(0, ns_known(self->fd, ns[0]));
	close(unused);
	/* A namespace that has died is unknown too. */
	close(self->nsfd[2]);
	self->nsfd[2] = -1;
	ASSERT_TRUE(wait_gone(self->fd, self->inum[2], -1));
	EXPECT_EQ(-ENOENT, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS,
				  self->inum[2], 0, 0, &lim));
	EXPECT_EQ(-ENOENT, ns_ctl(self->fd, AIXIPC_NS_RMID, self->inum[2],
				  AIXIPC_MSG, self->q[2], NULL));
	self->inum[2] = 0;
}

TEST_F(global, bad_cmd_kind_reserved_or_fields_einval)
{
	struct aixipc_ns_ctl c;
	uint32_t cmd;

	memset(&c, 0, sizeof(c));
	c.cmd = AIXIPC_NS_NEXT + 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c));
	c.cmd = UINT32_MAX;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c));
	/* RMID of a kind that does not exist. */
	EXPECT_EQ(-EINVAL, ns_ctl(self->fd, AIXIPC_NS_RMID, self->inum[0],
				  AIXIPC_NR_KINDS, self->q[0], NULL));
	/* Non-zero __reserved, for every command. */
	for (cmd = 0; cmd <= AIXIPC_NS_NEXT; cmd++) {
		memset(&c, 0, sizeof(c));
		c.cmd = cmd;
		c.ns = self->inum[0];
		c.__reserved = 1;
		if (cmd == AIXIPC_NS_RMID) {
			c.kind = AIXIPC_MSG;
			c.id = self->q[0];
		}
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c))
			TH_LOG("cmd %u", cmd);
		if (cmd == AIXIPC_NS_RMID)
			continue;
		/* kind or id on a command that takes neither. */
		c.__reserved = 0;
		c.kind = AIXIPC_SEM;
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c))
			TH_LOG("cmd %u", cmd);
		c.kind = 0;
		c.id = 5;
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c))
			TH_LOG("cmd %u", cmd);
	}
	/* Nothing was removed. */
	EXPECT_EQ(1, listed_in(self->fd, AIXIPC_MSG, self->inum[0]));
	/* Limits no namespace can have, each within the host's. */
	{
		struct aixipc_limits lim = self->v.limits;

		lim.msgmnm = 0;
		EXPECT_EQ(-EINVAL, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS,
					  self->inum[0], 0, 0, &lim));
		lim = self->v.limits;
		lim.semmsl = 0;
		EXPECT_EQ(-EINVAL, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS,
					  self->inum[0], 0, 0, &lim));
		lim = self->v.limits;
		lim.shmmax = lim.shmmin - 1;	/* below the smallest */
		EXPECT_EQ(-EINVAL, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS,
					  self->inum[0], 0, 0, &lim));
	}
}

/*
 * The module parameters cap all namespaces together: with the host's
 * msgmni small (the module loaded with msgmni=8, or guest-suite's
 * limits_test reload), two namespaces allowed the host's whole limit each
 * cannot make more queues than it between them and the host.
 */
TEST_F(global, host_wide_cap_on_ids_across_namespaces)
{
	const uint64_t cap = self->v.limits.msgmni;
	struct aixipc_limits lim;
	long total = 0, made_a = 0, made_b = 0;
	int k, id, last_a = -1, err;
	uint32_t kind;

	if (cap > 256)
		SKIP(return, "msgmni is %llu: load the module with msgmni=8 (at most 256) to reach the host-wide cap",
		     (unsigned long long)cap);
	for (kind = AIXIPC_MSG; kind <= AIXIPC_MSG; kind++)
		total = list_ns(self->fd, kind, AIXIPC_NS_ALL, AIXIPC_NS_ALL,
				NULL, 0);
	ASSERT_LE(NS3 + 1, total);
	ASSERT_GT((long)cap, total);
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS,
				    self->inum[k], 0, 0, &lim));
		lim.msgmni = cap;	/* as much as the host */
		ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_SET_LIMITS,
				    self->inum[k], 0, 0, &lim));
	}
	/* A takes half of what is left, B the rest. */
	ASSERT_EQ(0, ns_enter(self->nsfd[0]));
	while (made_a < ((long)cap - total) / 2) {
		id = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
		if (id < 0)
			break;
		last_a = id;
		made_a++;
	}
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	ASSERT_EQ(((long)cap - total) / 2, made_a);
	ASSERT_EQ(0, ns_enter(self->nsfd[1]));
	for (;;) {
		err = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
		if (err < 0 || made_b > (long)cap)
			break;
		made_b++;
	}
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	EXPECT_EQ(-ENOSPC, err);
	EXPECT_EQ((long)cap, total + made_a + made_b);
	EXPECT_EQ((long)cap, list_ns(self->fd, AIXIPC_MSG, AIXIPC_NS_ALL,
				     AIXIPC_NS_ALL, NULL, 0));
	/* A is below its own limit, the host too: both are full all the same. */
	ASSERT_EQ(0, ns_enter(self->nsfd[0]));
	err = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	EXPECT_EQ(-ENOSPC, err);
	err = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	if (err >= 0)
		t_track(AIXIPC_MSG, err);
	EXPECT_EQ(-ENOSPC, err);
	/* One removed in A: B may make one. */
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_RMID, self->inum[0],
			    AIXIPC_MSG, last_a, NULL));
	ASSERT_EQ(0, ns_enter(self->nsfd[1]));
	err = mk(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
	ASSERT_EQ(0, setns(self->host_ns, CLONE_NEWIPC));
	EXPECT_LE(0, err);
}

/* ---------------------------------------------------------------------- */
/* Memory accounting.                                                     */

#define MEMCG_MSGS	256
#define MEMCG_MSGSZ	8000
#define MEMCG_SHM	(8u << 20)

static long long cg_read(const char *dir, const char *file)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (t_read_file(path, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

/*
 * The child in the cgroup: a namespace of its own, then on each go
 * messages, then segments it touches, reporting after each step.
 */
static int memcg_kid(int fd, struct handshake *h)
{
	static char text[MEMCG_MSGSZ];
	unsigned char *at;
	char c;
	int i, q = -1, m, s;

	close(h->ready[0]);
	close(h->go[1]);
	if (unshare(CLONE_NEWIPC))
		return KID_BROKEN;
	for (i = 0; i < MEMCG_MSGS; i++) {
		if (i % 64 == 0)
			q = mk(fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0600);
		if (q < 0 || t_msgsnd(fd, q, 1, text, sizeof(text), 0))
			return KID_WRONG;
	}
	for (i = 0; i < 16; i++) {
		s = t_get(fd, AIXIPC_SEM, AIXIPC_KEY_PRIVATE, 64,
			  AIXIPC_CREAT, 0600);
		if (s < 0 || t_semop1(fd, s, 3, 1, AIXIPC_SEM_UNDO))
			return KID_WRONG;
	}
	if (write(h->ready[1], "m", 1) != 1 || read(h->go[0], &c, 1) != 1)
		return KID_BROKEN;
	for (i = 0; i < 4; i++) {
		m = t_get(fd, AIXIPC_SHM, AIXIPC_KEY_PRIVATE, MEMCG_SHM / 4,
			  AIXIPC_CREAT, 0600);
		if (m < 0 || t_shmat(fd, m, NULL, 0, (void **)&at, NULL))
			return KID_WRONG;
		memset(at, 0x5a, MEMCG_SHM / 4);
	}
	if (write(h->ready[1], "s", 1) != 1 || read(h->go[0], &c, 1) < 0)
		return KID_BROKEN;
	return 0;
}

TEST_F_TIMEOUT(life, objects_are_charged_to_the_callers_memory_cgroup, 120)
{
	char root[128] = "/sys/fs/cgroup", dir[192], procs[256], buf[512];
	bool mounted = false;
	long long base, after_msg, after_shm;
	long ref0 = refcnt();
	struct handshake h;
	int up[2], down[2];
	pid_t pid;
	char c;

	if (t_read_file("/sys/fs/cgroup/cgroup.controllers", buf, sizeof(buf))) {
		snprintf(root, sizeof(root), "/tmp/ns_test.cg.%d", getpid());
		ASSERT_EQ(0, mkdir(root, 0700));
		if (mount("cgroup2", root, "cgroup2", 0, NULL)) {
			rmdir(root);
			SKIP(return, "no cgroup2 at /sys/fs/cgroup and cannot mount one: %s",
			     strerror(errno));
		}
		mounted = true;
		snprintf(procs, sizeof(procs), "%s/cgroup.controllers", root);
		ASSERT_EQ(0, t_read_file(procs, buf, sizeof(buf)));
	}
	if (!strstr(buf, "memory")) {
		if (mounted) {
			umount(root);
			rmdir(root);
		}
		SKIP(return, "the memory controller is not available (cgroup.controllers: \"%s\")",
		     buf);
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.subtree_control", root);
	t_write_file(procs, "+memory");
	snprintf(dir, sizeof(dir), "%s/ns_test.%d", root, getpid());
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_LE(0, cg_read(dir, "memory.current"))
		TH_LOG("no memory.current: the controller is not enabled for %s", dir);

	ASSERT_EQ(0, hs_init(&h));
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		/* Joined the cgroup: now the parent reads its base. */
		if (write(up[1], "j", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(KID_BROKEN);
		_exit(memcg_kid(self->fd, &h));
	}
	close(up[1]);
	close(down[0]);
	ASSERT_EQ(1, read(up[0], &c, 1));
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(buf, sizeof(buf), "%d", pid);
	ASSERT_EQ(0, t_write_file(procs, buf));
	base = cg_read(dir, "memory.current");
	ASSERT_EQ(1, write(down[1], "g", 1));
	ASSERT_EQ(0, hs_parent_wait_ready(&h))
		TH_LOG("the child ended with %d", t_reap(&self->kids, pid));
	after_msg = cg_read(dir, "memory.current");
	ASSERT_EQ(1, write(h.go[1], "g", 1));
	ASSERT_EQ(1, read(h.ready[0], &c, 1));
	after_shm = cg_read(dir, "memory.current");
	hs_parent_close(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	TH_LOG("memory.current %lld, after %d x %d bytes of messages %lld, after %u bytes of segments %lld",
	       base, MEMCG_MSGS, MEMCG_MSGSZ, after_msg, MEMCG_SHM, after_shm);
	EXPECT_LE(base + (long long)MEMCG_MSGS * MEMCG_MSGSZ / 2, after_msg);
	EXPECT_LE(after_msg + (long long)MEMCG_SHM / 2, after_shm);
	EXPECT_TRUE(wait_all_gone(self->fd, self->host, ref0));
	close(up[0]);
	close(down[1]);
	EXPECT_EQ(0, rmdir(dir));
	if (mounted) {
		umount(root);
		rmdir(root);
	}
}

TEST_HARNESS_MAIN
