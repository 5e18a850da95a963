// SPDX-License-Identifier: GPL-2.0
/*
 * limits_test - adversarial tests of aixipc's limits.
 *
 * For each limit, the paths that can add to it, taken by unprivileged
 * users (uid/gid 65534 and 65533, forked from the root test process):
 *
 *   qbytes        send; blocked senders let in; a receive put back after
 *                 its copy-out faulted; IPC_SET lowering it below use;
 *                 MSG_COPY (which must add nothing)
 *   msgmnm        send; blocked senders let in; put-back
 *   msg_user_bytes  several processes of one uid, two uids; messages
 *                 held by senders blocked for room (charged when built:
 *                 many such senders, one let in by room, one killed, one
 *                 whose queue is removed)
 *   msg_total_bytes  every uid together, root included
 *   semume        a blocked semop completed by another process on the
 *                 sleeper's behalf; fork (a child has its own count)
 *   ids           msgmni, semmni, shmmni, when small enough to reach
 *   shmall        shmget and SHM_SIZE by several uids and processes; a
 *                 removed segment still attached (fork included)
 *   segment memory  fork, remap_file_pages, mremap, SHM_SIZE
 *   RLIMIT_MEMLOCK  SHM_LOCK and SHM_SIZE by several processes of one
 *                 uid, by two uids, a removed locked segment still
 *                 attached
 *   namespaces    a new IPC namespace (one registry, the same limits);
 *                 the root of a user namespace (no capability counts)
 *
 * Each asserts that the limit holds and, where kernel memory is at stake,
 * that the kernel's memory use (/proc/meminfo SUnreclaim for messages,
 * Shmem for segments) grows by no more than the limit allows and comes
 * back when the objects go.  The bounds are the limit, scaled for
 * messages by the slab one message takes on the running kernel (allocator
 * debugging doubles it), plus a tolerance that is a fraction of it, never
 * a fixed number.
 *
 * Not bounded by any limit, so not asserted here: MSG_COPY's copy
 * (documented as not charged: it lives for one call that never waits),
 * and undo entries, which semume counts by non-zero adjustment, not by
 * entry.
 *
 * Limits are read from the handshake and /sys/module/aixipc/parameters.
 * Those too large to reach cheaply with the defaults (the id limits, a
 * million each; msgmnm, half a million messages) are tested when the
 * module is loaded with small values and skipped, saying so, otherwise:
 *
 *   selftests/vm-run --module-args "msgmni=256 semmni=64 shmmni=512 msgmnm=64 \
 *       msg_user_bytes=16777216 msg_total_bytes=67108864" \
 *       -- $PWD/build/selftests/limits_test
 *
 * (id limits that still leave room for the tests that make many objects,
 * which skip, saying so, when there is not; message memory caps small
 * enough to pass twice with a few dozen blocked senders, with the host's
 * at least three users' caps, as the cap tests need).
 *
 * Run as root with the module loaded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The harness has an unused parameter; -Wextra must not stop the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "aixipc_test.h"

#define NOBODY2		65533	/* a second unprivileged uid */
#define PAGE		4096UL
#define PARAMS		"/sys/module/aixipc/parameters/"

/* Limits above these are not reached here (see the top of the file). */
#define MAX_IDS_TRIED	4096
#define MAX_MSGMNM_TRIED 65536

/* ---------------------------------------------------------------------- */
/* Small helpers.                                                         */

/* A module parameter's value, or 0 when it cannot be read. */
static uint64_t param_u64(const char *name)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* A /proc/meminfo field ("SUnreclaim", "Shmem"...) in bytes, or -1. */
static int64_t meminfo(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, n) && line[n] == ':') {
			if (sscanf(line + n + 1, "%lld", &kb) != 1)
				kb = -1;
			break;
		}
	}
	fclose(f);
	return kb < 0 ? -1 : (int64_t)kb * 1024;
}

/*
 * Make the slab allocator give back what it can: shrink every cache
 * (/sys/kernel/slab/NAME/shrink), which also empties KASAN's quarantine
 * of freed objects.  Best effort: a kernel without SLUB's sysfs keeps
 * its caches.
 */
static void slab_shrink_all(void)
{
	char path[512];
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/slab");
	int fd;

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 de->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* A cache that cannot shrink is left as it is. */
		if (write(fd, "1", 1) < 0)
			errno = 0;
		close(fd);
	}
	closedir(d);
}

/* SUnreclaim in bytes after shrinking the slab caches, or -1. */
static int64_t slab_now(void)
{
	slab_shrink_all();
	return meminfo("SUnreclaim");
}

/*
 * What the module charges a message of @len bytes (module/msg.c,
 * aixipc_msg_cost()), bounded from above: a header piece of up to a page,
 * then page-sized segments, each allocation at most a page.
 */
#define MSG_HDR		64	/* sizeof(struct aixipc_msg) on 64-bit */
static uint64_t msg_cost_max(uint64_t len)
{
	uint64_t first = PAGE - MSG_HDR, seg = PAGE - 8, pieces = 1;

	if (len > first)
		pieces += (len - first + seg - 1) / seg;
	return pieces * PAGE;
}

/* The least it can be charged: the text and one header. */
static uint64_t msg_cost_min(uint64_t len)
{
	return len + 32;
}

/* MSG_COPY of the message at @pos into @buf (may be NULL): 0 or -errno. */
static long msg_copy(int fd, int id, int64_t pos, void *buf, uint64_t size,
		     uint32_t flags)
{
	return t_msgrcv_raw(fd, id, pos, buf, size,
			    AIXIPC_NOWAIT | AIXIPC_MSG_COPY | flags, NULL);
}

/* Poll IPC_STAT until every bit of @mask is set in the queue's status. */
static int wait_status(int fd, int id, uint32_t mask)
{
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		if ((t_qstat(fd, id).status & mask) == mask)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* Is @pid (our child) still alive, not yet exited? */
static bool alive(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	       si.si_pid == 0;
}

/* ---------------------------------------------------------------------- */
/* The fixture: the device, the limits, the children to reap.            */

FIXTURE(limits) {
	int fd;
	struct aixipc_limits lim;
	uint64_t user_cap, host_cap;	/* msg_user_bytes, msg_total_bytes */
	struct t_kids kids;
};

FIXTURE_SETUP(limits)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_EQ((uint32_t)AIXIPC_ABI_VERSION, v.abi_version);
	self->lim = v.limits;
	self->user_cap = param_u64("msg_user_bytes");
	self->host_cap = param_u64("msg_total_bytes");
	ASSERT_EQ(0U, geteuid()) TH_LOG("run as root");
}

FIXTURE_TEARDOWN(limits)
{
	t_teardown(self->fd, &self->kids);
}

/* Shared memory for results of children. */
static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, size);
	return p;
}

/* A new queue made by @uid (root: 0) with @mode; tracked. */
static int new_queue_as(uid_t uid, int fd, uint32_t mode)
{
	int id = uid ? (int)AS_USER(uid, t_msgget(fd, AIXIPC_KEY_PRIVATE,
						  AIXIPC_CREAT, mode))
		     : t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, mode);

	if (id >= 0)
		t_track(AIXIPC_MSG, id);
	return id;
}

static int remove_queue(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_MSG, id);
}

/* ====================================================================== */
/* qbytes: bytes per queue                                                */

#define SENDERS 4

struct fill_result {
	uint64_t bytes;		/* text bytes accepted */
	uint64_t msgs;
	int last_err;
};

/*
 * Two uids, two processes each, send messages of 1 to 3000 bytes to one
 * queue at once until each has been refused 20 times: the queue ends
 * full, never past qbytes, holding exactly what they were told was sent.
 */
TEST_F_TIMEOUT(limits, qbytes_send_by_several_uids_and_processes, 120)
{
	const uint64_t qbytes = 64 * 1024;
	struct fill_result *res = shared(SENDERS * sizeof(*res));
	uint64_t sum = 0, msgs = 0;
	struct aixipc_msqid_ds ds;
	pid_t pid[SENDERS];
	int i, id;

	ASSERT_NE(NULL, res);
	ASSERT_LE(qbytes, self->lim.msgmnb);
	id = new_queue_as(0, self->fd, 0666);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, qbytes));
	for (i = 0; i < SENDERS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			char buf[3000];
			unsigned int seed = 7 + i, refused = 0;

			if (t_become_user(i & 1 ? NOBODY2 : NOBODY))
				_exit(KID_BROKEN);
			memset(buf, 'a' + i, sizeof(buf));
			while (refused < 20) {
				uint64_t len = 1 + rand_r(&seed) % sizeof(buf);
				int err = t_msgsnd(self->fd, id, 1 + i, buf,
						   len, AIXIPC_NOWAIT);

				if (!err) {
					res[i].bytes += len;
					res[i].msgs++;
				} else if (err == -EAGAIN) {
					refused++;
				} else {
					res[i].last_err = err;
					_exit(kid_code(err));
				}
			}
			_exit(0);
		}
	}
	for (i = 0; i < SENDERS; i++) {
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("sender %d", i);
		sum += res[i].bytes;
		msgs += res[i].msgs;
	}
	ds = t_qstat(self->fd, id);
	TH_LOG("%llu bytes in %llu messages on a %llu-byte queue",
	       (unsigned long long)ds.cbytes, (unsigned long long)ds.qnum,
	       (unsigned long long)ds.qbytes);
	EXPECT_GE(qbytes, ds.cbytes);
	EXPECT_EQ(sum, ds.cbytes);
	EXPECT_EQ(msgs, ds.qnum);
	/* Full: each was refused only when 3000 more bytes might not fit. */
	EXPECT_LT(qbytes - 3000, ds.cbytes);
	EXPECT_EQ(0, remove_queue(self->fd, id));
	munmap(res, SENDERS * sizeof(*res));
}

/*
 * Blocked senders of both uids are let in as room appears, by the
 * receive that makes it, each only if its message fits: after every
 * receive the queue is within qbytes, and all get in in the end.
 */
TEST_F_TIMEOUT(limits, qbytes_blocked_senders_let_in_only_within_qbytes, 120)
{
	const uint64_t qbytes = 8192, big = 4096, small = 3000;
	struct aixipc_msqid_ds ds;
	pid_t pid[SENDERS];
	uint64_t most = 0;
	char buf[4096];
	int i, id, rounds = 0;

	id = new_queue_as(0, self->fd, 0666);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, qbytes));
	memset(buf, 'r', sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, big, AIXIPC_NOWAIT));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, big, AIXIPC_NOWAIT));
	for (i = 0; i < SENDERS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			if (t_become_user(i & 1 ? NOBODY2 : NOBODY))
				_exit(KID_BROKEN);
			_exit(kid_code(t_msgsnd(self->fd, id, 2, buf, small,
						0)));
		}
		ASSERT_EQ(0, t_wait_sleeping_in(pid[i], "aixipc_msg"));
	}
	ASSERT_EQ(0, wait_status(self->fd, id, AIXIPC_MSG_WWAIT));
	/* Take one message at a time; whoever fits is let in by it. */
	for (;;) {
		long n = t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				  AIXIPC_NOWAIT, NULL);

		ds = t_qstat(self->fd, id);
		EXPECT_GE(qbytes, ds.cbytes) TH_LOG("round %d", rounds);
		if (ds.cbytes > most)
			most = ds.cbytes;
		if (n < 0 || ++rounds > 4 * SENDERS + 4)
			break;
	}
	for (i = 0; i < SENDERS; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("sender %d", i);
	TH_LOG("%d receives; at most %llu of %llu bytes queued", rounds,
	       (unsigned long long)most, (unsigned long long)qbytes);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_queue(self->fd, id));
}

/*
 * A receive whose copy-out stalls (userfaultfd) and then faults: the
 * message it took off the queue is put back only if it still fits.  The
 * receiver runs in a child, as uid @uid, in a thread; the child's main
 * thread serves the stall.  While it is stalled the test changes the
 * queue (stall_hook()), then makes the copy fault (PROT_NONE and a wake).
 */
struct stalled_rcv {
	int fd, id;
	int64_t msgtyp;
	uint64_t size;
	struct t_uffd uffd;
	long result;
};

static void *stalled_rcv_thread(void *arg)
{
	struct stalled_rcv *s = arg;

	s->result = t_msgrcv_raw(s->fd, s->id, s->msgtyp, s->uffd.page,
				 s->size, 0, NULL);
	return NULL;
}

/*
 * In the child: receive, stalled; tell the parent on @ready, wait for a
 * byte on @go, then fault.  Exits with kid_code() of the receive.
 */
static int stalled_rcv_child(struct stalled_rcv *s, uid_t uid, int ready,
			     int go)
{
	struct uffdio_range range;
	pthread_t t;
	char c = 's';

	if (t_uffd_open(&s->uffd))
		return KID_BROKEN;
	if (t_become_user(uid))
		return KID_BROKEN;
	if (pthread_create(&t, NULL, stalled_rcv_thread, s))
		return KID_BROKEN;
	if (t_uffd_wait_fault(&s->uffd) || write(ready, &c, 1) != 1 ||
	    read(go, &c, 1) != 1)
		return KID_BROKEN;
	range.start = (uintptr_t)s->uffd.page;
	range.len = s->uffd.len;
	if (mprotect(s->uffd.page, s->uffd.len, PROT_NONE) ||
	    ioctl(s->uffd.fd, UFFDIO_WAKE, &range))
		return KID_BROKEN;
	pthread_join(t, NULL);
	return kid_code(s->result);
}

/*
 * Start a stalled receive of type @msgtyp on @id by @uid.  Return: the
 * child's pid (its @go pipe's write end in *go), or -1.
 */
static pid_t start_stalled_rcv(FIXTURE_DATA(limits) *self, int id,
			       int64_t msgtyp, uint64_t size, uid_t uid,
			       int *go)
{
	int rp[2], gp[2];
	pid_t pid;
	char c;

	if (pipe(rp) || pipe(gp))
		return -1;
	pid = t_spawn(&self->kids);
	if (pid == 0) {
		struct stalled_rcv s = {
			.fd = self->fd, .id = id, .msgtyp = msgtyp,
			.size = size,
		};

		close(rp[0]);
		close(gp[1]);
		_exit(stalled_rcv_child(&s, uid, rp[1], gp[0]));
	}
	close(rp[1]);
	close(gp[0]);
	if (pid < 0 || read(rp[0], &c, 1) != 1) {
		close(rp[0]);
		close(gp[1]);
		return -1;
	}
	close(rp[0]);
	*go = gp[1];
	return pid;
}

/* Let the stalled receive fault; its exit code (EFAULT expected). */
static int finish_stalled_rcv(FIXTURE_DATA(limits) *self, pid_t pid, int go)
{
	char c = 'g';
	int n = (int)write(go, &c, 1);

	close(go);
	return n == 1 ? t_reap(&self->kids, pid) : -1;
}

/*
 * The room a stalled receive made is taken by another user's send before
 * its copy-out faults: the message cannot go back, it is dropped, and
 * the queue stays within qbytes.
 */
TEST_F_TIMEOUT(limits, qbytes_putback_after_the_room_was_taken_drops_the_message, 120)
{
	const uint64_t len = 2048;
	struct aixipc_msqid_ds ds;
	char buf[2048];
	int id, go;
	pid_t pid;

	id = new_queue_as(0, self->fd, 0666);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 2 * len));
	memset(buf, 'p', sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, len, AIXIPC_NOWAIT));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 2, buf, len, AIXIPC_NOWAIT));
	pid = start_stalled_rcv(self, id, 1, len, NOBODY, &go);
	ASSERT_LT(0, pid);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(len, ds.cbytes);	/* taken off, copy-out stalled */
	/* Another user takes the room. */
	EXPECT_EQ(0, AS_USER(NOBODY2, t_msgsnd(self->fd, id, 3, buf, len,
					       AIXIPC_NOWAIT)));
	EXPECT_EQ(EFAULT, finish_stalled_rcv(self, pid, go));
	ds = t_qstat(self->fd, id);
	TH_LOG("after the put-back: %llu bytes, %llu messages, qbytes %llu",
	       (unsigned long long)ds.cbytes, (unsigned long long)ds.qnum,
	       (unsigned long long)ds.qbytes);
	EXPECT_GE(2 * len, ds.cbytes);
	EXPECT_EQ(2ULL, ds.qnum);
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, 1, buf, len, AIXIPC_NOWAIT,
				    NULL));
	EXPECT_EQ((long)len, t_msgrcv(self->fd, id, 2, buf, len,
				      AIXIPC_NOWAIT, NULL));
	EXPECT_EQ((long)len, t_msgrcv(self->fd, id, 3, buf, len,
				      AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(0, remove_queue(self->fd, id));
}

/*
 * The owner (unprivileged) lowers qbytes below what the queue holds:
 * nothing is dropped, but nothing more gets in, zero-length messages
 * included, on any path: a send, a blocked sender when room appears (only
 * once it fits under the new qbytes), a stalled receive's put-back.
 */
TEST_F_TIMEOUT(limits, qbytes_lowered_below_use_by_ipc_set_holds_on_every_path, 120)
{
	const uint64_t len = 1024;
	struct aixipc_msqid_ds ds;
	char buf[1024];
	int i, id, go;
	pid_t snd, rcv;

	memset(buf, 'l', sizeof(buf));
	id = new_queue_as(NOBODY, self->fd, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, AS_USER(NOBODY, t_set_qbytes(self->fd, id, 4 * len)));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, AS_USER(NOBODY, t_msgsnd(self->fd, id, 1 + i, buf,
						      len, AIXIPC_NOWAIT)));
	/* A receive of type 1 stalls holding its message. */
	rcv = start_stalled_rcv(self, id, 1, len, NOBODY, &go);
	ASSERT_LT(0, rcv);
	EXPECT_EQ(3 * len, t_qstat(self->fd, id).cbytes);
	/* Lowered below use: 3 KiB queued, 2 KiB allowed. */
	ASSERT_EQ(0, AS_USER(NOBODY, t_set_qbytes(self->fd, id, 2 * len)));
	EXPECT_EQ(-EAGAIN, AS_USER(NOBODY, t_msgsnd(self->fd, id, 9, buf, 1,
						    AIXIPC_NOWAIT)));
	EXPECT_EQ(-EAGAIN, AS_USER(NOBODY, t_msgsnd(self->fd, id, 9, buf, 0,
						    AIXIPC_NOWAIT)));
	/* The put-back does not fit either: dropped. */
	EXPECT_EQ(EFAULT, finish_stalled_rcv(self, rcv, go));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(3 * len, ds.cbytes);
	EXPECT_EQ(3ULL, ds.qnum);
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, 1, buf, len, AIXIPC_NOWAIT,
				    NULL));
	/* A blocked sender of 1 KiB gets in only when 1 KiB is queued. */
	snd = t_spawn(&self->kids);
	ASSERT_LE(0, snd);
	if (snd == 0) {
		if (t_become_user(NOBODY))
			_exit(KID_BROKEN);
		_exit(kid_code(t_msgsnd(self->fd, id, 8, buf, len, 0)));
	}
	ASSERT_EQ(0, wait_status(self->fd, id, AIXIPC_MSG_WWAIT));
	ASSERT_EQ((long)len, t_msgrcv(self->fd, id, 2, buf, len, AIXIPC_NOWAIT,
				      NULL));
	/* 2 KiB queued, 2 KiB allowed: still no room for 1 KiB more. */
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(2 * len, ds.cbytes);
	EXPECT_EQ(AIXIPC_MSG_WWAIT, ds.status & AIXIPC_MSG_WWAIT);
	EXPECT_TRUE(alive(snd));
	ASSERT_EQ((long)len, t_msgrcv(self->fd, id, 3, buf, len, AIXIPC_NOWAIT,
				      NULL));
	EXPECT_EQ(0, t_reap(&self->kids, snd));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(2 * len, ds.cbytes);
	EXPECT_EQ(2ULL, ds.qnum);
	EXPECT_EQ(0, remove_queue(self->fd, id));
}

/*
 * MSG_COPY adds nothing to a queue and keeps no memory: copies of every
 * position, whole, truncated and into a buffer that faults, leave the
 * queue's counters as they were, and the kernel's unreclaimable slab
 * memory grows by no more than a few copies' worth.
 */
TEST_F_TIMEOUT(limits, msg_copy_adds_nothing_and_keeps_no_memory, 120)
{
	uint64_t len = self->lim.msgmax < (1U << 20) ? self->lim.msgmax
						     : (1U << 20);
	const int nmsg = 4, rounds = 64;
	struct aixipc_msqid_ds before, after;
	struct aixipc_info i0, i1;
	int64_t slab0, slab1;
	char *buf;
	int i, id;

	buf = malloc(sizeof(long) + len);
	ASSERT_NE(NULL, buf);
	memset(buf, 'c', sizeof(long) + len);
	id = new_queue_as(NOBODY, self->fd, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < nmsg; i++)
		ASSERT_EQ(0, AS_USER(NOBODY, t_msgsnd(self->fd, id, 1 + i,
						      buf + sizeof(long), len,
						      AIXIPC_NOWAIT)));
	before = t_qstat(self->fd, id);
	ASSERT_EQ(0, t_info(self->fd, AIXIPC_MSG, &i0));
	slab0 = slab_now();
	ASSERT_LT(0, slab0);
	/* In one unprivileged child, to keep the forks out of the count. */
	EXPECT_EQ(0, AS_USER(NOBODY, ({
		long bad = 0;
		int r;

		for (r = 0; r < rounds && !bad; r++) {
			int64_t pos = r % (nmsg + 1);
			long want = pos < nmsg ? (long)len : -ENOMSG;

			if (msg_copy(self->fd, id, pos, buf, len, 0) != want)
				bad = 1000 + r;
			if (pos < nmsg &&
			    msg_copy(self->fd, id, pos, buf, len / 2,
				     AIXIPC_MSG_NOERROR) != (long)len / 2)
				bad = 2000 + r;
			if (pos < nmsg &&
			    msg_copy(self->fd, id, pos, NULL, len, 0) !=
			    -EFAULT)
				bad = 3000 + r;
		}
		bad;
	})));
	slab1 = slab_now();
	after = t_qstat(self->fd, id);
	ASSERT_EQ(0, t_info(self->fd, AIXIPC_MSG, &i1));
	TH_LOG("%d rounds of MSG_COPY of %llu-byte messages: SUnreclaim %+lld KiB",
	       rounds, (unsigned long long)len,
	       (long long)(slab1 - slab0) / 1024);
	EXPECT_EQ(before.qnum, after.qnum);
	EXPECT_EQ(before.cbytes, after.cbytes);
	EXPECT_EQ(i0.count, i1.count);
	EXPECT_EQ(i0.bytes, i1.bytes);
	/* 3 * rounds copies were made; a leak of even a tenth would show. */
	EXPECT_GT((int64_t)(4 * msg_cost_max(len)), slab1 - slab0);
	EXPECT_EQ(0, remove_queue(self->fd, id));
	free(buf);
}

/* ====================================================================== */
/* msgmnm: messages per queue                                             */

/*
 * msgmnm counts messages, whatever their size: zero-length messages from
 * two uids stop at exactly msgmnm; a blocked sender is let in only when a
 * message goes; a message handed to a blocked receiver whose copy-out
 * faults is dropped rather than put back on a queue at msgmnm.
 */
TEST_F_TIMEOUT(limits, msgmnm_holds_for_send_blocked_sender_and_putback, 120)
{
	uint64_t mnm = self->lim.msgmnm, i;
	struct aixipc_msqid_ds ds;
	pid_t snd, rcv;
	long r1, r2;
	char c = 'm';
	int id;

	if (mnm > MAX_MSGMNM_TRIED)
		SKIP(return, "msgmnm is %llu: too many messages to queue here; load with msgmnm=64 to test it",
		     (unsigned long long)mnm);
	id = new_queue_as(0, self->fd, 0666);
	ASSERT_LE(0, id);
	/* Half each, by two uids, zero-length: only msgmnm stops them. */
	r1 = AS_USER(NOBODY, ({
		long n = 0;

		while (n < (long)mnm / 2 &&
		       !t_msgsnd(self->fd, id, 1, "", 0, AIXIPC_NOWAIT))
			n++;
		n;
	}));
	r2 = AS_USER(NOBODY2, ({
		long n = 0;
		int err;

		while (!(err = t_msgsnd(self->fd, id, 1, "", 0,
					AIXIPC_NOWAIT)))
			n++;
		err == -EAGAIN ? n : err;
	}));
	EXPECT_EQ((long)(mnm / 2), r1);
	EXPECT_EQ((long)(mnm - mnm / 2), r2);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(mnm, ds.qnum);
	EXPECT_EQ(0ULL, ds.cbytes);
	EXPECT_EQ(-EAGAIN, AS_USER(NOBODY, t_msgsnd(self->fd, id, 1, "", 0,
						    AIXIPC_NOWAIT)));
	/* A blocked sender: in when one message goes, not before. */
	snd = t_spawn(&self->kids);
	ASSERT_LE(0, snd);
	if (snd == 0) {
		if (t_become_user(NOBODY))
			_exit(KID_BROKEN);
		_exit(kid_code(t_msgsnd(self->fd, id, 2, &c, 1, 0)));
	}
	ASSERT_EQ(0, wait_status(self->fd, id, AIXIPC_MSG_WWAIT));
	EXPECT_EQ(mnm, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, t_msgrcv(self->fd, id, 1, &c, 1, AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(0, t_reap(&self->kids, snd));
	EXPECT_EQ(mnm, t_qstat(self->fd, id).qnum);
	/* A receiver of type 3 that cannot store what it is handed. */
	rcv = t_spawn(&self->kids);
	ASSERT_LE(0, rcv);
	if (rcv == 0) {
		if (t_become_user(NOBODY2))
			_exit(KID_BROKEN);
		_exit(kid_code(t_msgrcv_raw(self->fd, id, 3, NULL, 1, 0,
					    NULL)));
	}
	ASSERT_EQ(0, wait_status(self->fd, id, AIXIPC_MSG_RWAIT));
	ASSERT_EQ(0, AS_USER(NOBODY, t_msgsnd(self->fd, id, 3, &c, 1,
					      AIXIPC_NOWAIT)));
	EXPECT_EQ(EFAULT, t_reap(&self->kids, rcv));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(mnm, ds.qnum);
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, 3, &c, 1, AIXIPC_NOWAIT,
				    NULL));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(-ENOMSG, msg_copy(self->fd, id, (int64_t)mnm + i, &c,
					    1, 0));
	EXPECT_EQ(0, remove_queue(self->fd, id));
}

/* ====================================================================== */
/* msg_user_bytes and msg_total_bytes: message memory caps                */

#define CAP_PROCS	4
#define CAP_QUEUES	512

struct cap_fill {
	uid_t uid;		/* in */
	uint64_t tries;		/* in: at most this many messages */
	uint64_t chunk;		/* in */
	uint64_t sent;		/* out: messages accepted */
	int err;		/* out: the refusal (-EAGAIN expected) */
	int nq;
	int queues[CAP_QUEUES];
};

/*
 * In a child: as @c->uid, send @c->chunk-byte messages, each to a new
 * queue (so only a cap can refuse one), until refused.
 */
static int cap_fill_child(int fd, struct cap_fill *c)
{
	char *text = calloc(1, c->chunk);
	uint64_t i;
	int id, err = 0;

	if (!text || t_become_user(c->uid))
		return KID_BROKEN;
	for (i = 0; i < c->tries && c->nq < CAP_QUEUES; i++) {
		id = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
		if (id < 0)
			return KID_BROKEN;
		t_track(AIXIPC_MSG, id);
		c->queues[c->nq++] = id;
		err = t_msgsnd(fd, id, 1, text, c->chunk, AIXIPC_NOWAIT);
		if (err)
			break;
		c->sent++;
	}
	c->err = err;
	free(text);
	return 0;
}

/* Ids of @kind still free under the id limit @max (0 when unknown). */
static uint64_t ids_free(int fd, int kind, uint64_t max)
{
	struct aixipc_info info;

	if (t_info(fd, (uint32_t)kind, &info) || info.in_use > max)
		return 0;
	return max - info.in_use;
}

/*
 * The unreclaimable slab memory a @len-byte message takes on this
 * kernel, per byte the module may charge for it, in 1024ths and at least
 * 1024: allocator debugging (KASAN, kmemleak, slub_debug) makes it more
 * than the allocation sizes the module charges.  Measured on @n messages
 * root sends to a queue of its own.  Return: the ratio, or 0 on failure.
 */
static uint64_t slab_per_charge(int fd, uint64_t len, int n)
{
	char *buf = calloc(1, len);
	uint64_t r = 0;
	int64_t s0, s1;
	int id, i;

	id = new_queue_as(0, fd, 0600);
	if (!buf || id < 0 || t_set_qbytes(fd, id, n * len))
		goto out;
	s0 = slab_now();
	for (i = 0; i < n; i++)
		if (t_msgsnd(fd, id, 1, buf, len, AIXIPC_NOWAIT))
			goto out;
	s1 = slab_now();
	r = s1 > s0 ? (uint64_t)(s1 - s0) * 1024 / (n * msg_cost_max(len)) : 0;
	if (r < 1024)
		r = 1024;
out:
	if (id >= 0)
		remove_queue(fd, id);
	free(buf);
	return r;
}

/* The message size for the cap tests: a 16th of the cap, within limits. */
static uint64_t cap_chunk(FIXTURE_DATA(limits) *self, uint64_t cap)
{
	uint64_t chunk = cap / 16;

	if (chunk > self->lim.msgmax)
		chunk = self->lim.msgmax;
	if (chunk > self->lim.msgmnb)
		chunk = self->lim.msgmnb;
	return chunk;
}

/*
 * Can one uid fill its message cap here, a chunk-sized message per queue,
 * with @spare queue ids more?  Sets *@chunk; else says why not in @why.
 */
static bool cap_fillable(FIXTURE_DATA(limits) *self, uint64_t spare,
			 uint64_t *chunk, char *why, size_t n)
{
	uint64_t cap = self->user_cap;

	*chunk = cap ? cap_chunk(self, cap) : 0;
	if (!cap)
		snprintf(why, n, "no msg_user_bytes parameter: module without per-user caps");
	else if (meminfo("MemAvailable") < (int64_t)(3 * cap))
		snprintf(why, n, "msg_user_bytes %llu: not enough memory here to fill it",
			 (unsigned long long)cap);
	else if (ids_free(self->fd, AIXIPC_MSG, self->lim.msgmni) <
		 cap / *chunk + spare)
		snprintf(why, n, "msgmni %llu: too few queue ids for a message per queue",
			 (unsigned long long)self->lim.msgmni);
	else
		return true;
	return false;
}

static void cap_cleanup(FIXTURE_DATA(limits) *self, struct cap_fill *c,
			int n)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < c[i].nq; j++)
			remove_queue(self->fd, c[i].queues[j]);
}

/*
 * Two uids, two processes each, fill queues at once: each uid's messages
 * stay within msg_user_bytes however its processes share it, each uid is
 * stopped by its own cap only (it gets what the other left), and the
 * kernel's unreclaimable slab grows by no more than the two caps and the
 * queues' own size, and comes back when the queues go.
 */
TEST_F_TIMEOUT(limits, msg_user_cap_per_uid_shared_by_its_processes, 300)
{
	uint64_t cap = self->user_cap, chunk, per_uid[2] = { 0, 0 }, ratio;
	struct cap_fill *c = shared(CAP_PROCS * sizeof(*c));
	int64_t slab0, slab1, slab2, bound;
	int i, nq = 0;
	pid_t pid[CAP_PROCS];

	ASSERT_NE(NULL, c);
	if (!cap)
		SKIP(return, "no msg_user_bytes parameter: module without per-user caps");
	if (self->host_cap < 3 * cap)
		SKIP(return, "msg_total_bytes %llu is under three msg_user_bytes: the host cap would stop two users first",
		     (unsigned long long)self->host_cap);
	if (meminfo("MemAvailable") < (int64_t)(4 * cap))
		SKIP(return, "msg_user_bytes %llu: not enough memory here to fill two of them",
		     (unsigned long long)cap);
	chunk = cap_chunk(self, cap);
	ASSERT_LT(0ULL, chunk);
	if (ids_free(self->fd, AIXIPC_MSG, self->lim.msgmni) <
	    CAP_PROCS * (cap / chunk + 2))
		SKIP(return, "msgmni %llu: too few queue ids for a message per queue",
		     (unsigned long long)self->lim.msgmni);
	ratio = slab_per_charge(self->fd, chunk, 4);
	ASSERT_LT(0ULL, ratio);
	slab0 = slab_now();
	for (i = 0; i < CAP_PROCS; i++) {
		c[i].uid = i & 1 ? NOBODY2 : NOBODY;
		c[i].chunk = chunk;
		/* Each alone could pass the cap: two of them twice over. */
		c[i].tries = cap / chunk + 2;
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(cap_fill_child(self->fd, &c[i]));
	}
	for (i = 0; i < CAP_PROCS; i++) {
		EXPECT_EQ(0, t_reap(&self->kids, pid[i]));
		EXPECT_EQ(-EAGAIN, c[i].err) TH_LOG("filler %d sent %llu", i,
			(unsigned long long)c[i].sent);
		per_uid[i & 1] += c[i].sent;
		nq += c[i].nq;
	}
	slab1 = slab_now();
	for (i = 0; i < 2; i++) {
		TH_LOG("uid %d: %llu messages of %llu bytes, cap %llu", i ? NOBODY2 : NOBODY,
		       (unsigned long long)per_uid[i], (unsigned long long)chunk,
		       (unsigned long long)cap);
		EXPECT_GE(cap, per_uid[i] * msg_cost_min(chunk));
		/* Refused only by its own cap: one more would not fit. */
		EXPECT_LT(cap, (per_uid[i] + 1) * msg_cost_max(chunk));
	}
	/*
	 * Two caps' worth of slab (as this kernel's allocator lays out what
	 * the module charges), the queues (well under a KiB each) and an
	 * eighth more for whatever else the kernel allocated meanwhile.
	 */
	bound = (int64_t)(2 * cap / 1024 * ratio * 9 / 8 + (uint64_t)nq * 1024);
	TH_LOG("SUnreclaim %+lld KiB filled (bound %lld KiB, slab per charged byte %.2f)",
	       (long long)(slab1 - slab0) / 1024, (long long)bound / 1024,
	       ratio / 1024.0);
	EXPECT_GT(bound, slab1 - slab0);
	cap_cleanup(self, c, CAP_PROCS);
	slab2 = slab_now();
	TH_LOG("SUnreclaim %+lld KiB after removal", (long long)(slab2 - slab0) / 1024);
	/* Given back: less than a cap's eighth remains. */
	EXPECT_GT((int64_t)(cap / 8), slab2 - slab0);
	munmap(c, CAP_PROCS * sizeof(*c));
}

/* Fill @uid's cap with @chunk-byte messages, a queue each, in a child. */
static int cap_fill_as(FIXTURE_DATA(limits) *self, struct cap_fill *c,
		       uid_t uid, uint64_t chunk)
{
	pid_t fill;

	memset(c, 0, sizeof(*c));
	c->uid = uid;
	c->chunk = chunk;
	c->tries = self->user_cap / chunk + 2;
	fill = t_spawn(&self->kids);
	if (fill < 0)
		return -1;
	if (fill == 0)
		_exit(cap_fill_child(self->fd, c));
	return t_reap(&self->kids, fill);
}

/* A child that sends @len bytes at @buf to @q as NOBODY and waits. */
static pid_t blocked_sender(FIXTURE_DATA(limits) *self, int q,
			    const char *buf, uint64_t len)
{
	pid_t pid = t_spawn(&self->kids);

	if (pid == 0) {
		if (t_become_user(NOBODY))
			_exit(KID_BROKEN);
		_exit(kid_code(t_msgsnd(self->fd, q, 2, buf, len, 0)));
	}
	return pid;
}

/* As NOBODY, send @len bytes to a queue of its own, IPC_NOWAIT: 0/-errno. */
static long probe_send(int fd, const char *buf, uint64_t len)
{
	return AS_USER(NOBODY, ({
		int id = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
		int e = id < 0 ? id : t_msgsnd(fd, id, 1, buf, len,
					       AIXIPC_NOWAIT);

		if (id >= 0)
			t_rmid(fd, id);
		e;
	}));
}

/*
 * A message is charged when it is built: a sender blocked on a full
 * queue holds its message charged to its uid, so filling the uid's cap
 * elsewhere gets one message less; when room appears on its queue, it
 * gets in with nothing more to charge, the uid being at its cap.
 */
TEST_F_TIMEOUT(limits, msg_user_cap_counts_a_blocked_sender_before_it_is_let_in, 300)
{
	uint64_t cap = self->user_cap, chunk;
	struct cap_fill *c = shared(sizeof(*c));
	struct aixipc_msqid_ds ds;
	char *buf, why[120];
	pid_t snd;
	int q;

	ASSERT_NE(NULL, c);
	if (!cap_fillable(self, 3, &chunk, why, sizeof(why)))
		SKIP(return, "%s", why);
	buf = calloc(1, chunk);
	ASSERT_NE(NULL, buf);
	/* Root's message fills q; nobody's sender waits for room. */
	q = new_queue_as(0, self->fd, 0666);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, t_set_qbytes(self->fd, q, chunk));
	ASSERT_EQ(0, t_msgsnd(self->fd, q, 1, buf, chunk, AIXIPC_NOWAIT));
	snd = blocked_sender(self, q, buf, chunk);
	ASSERT_LE(0, snd);
	ASSERT_EQ(0, wait_status(self->fd, q, AIXIPC_MSG_WWAIT));
	/* nobody fills its cap elsewhere: the blocked message counts. */
	ASSERT_EQ(0, cap_fill_as(self, c, NOBODY, chunk));
	ASSERT_EQ(-EAGAIN, c->err);
	TH_LOG("%llu messages of %llu bytes besides the blocked one, cap %llu",
	       (unsigned long long)c->sent, (unsigned long long)chunk,
	       (unsigned long long)cap);
	EXPECT_GE(cap, (c->sent + 1) * msg_cost_min(chunk));
	EXPECT_LT(cap, (c->sent + 2) * msg_cost_max(chunk));
	EXPECT_TRUE(alive(snd));
	/* Room on q, by root's receive: the sender, charged, gets in. */
	ASSERT_EQ((long)chunk, t_msgrcv(self->fd, q, 1, buf, chunk,
					AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(0, t_reap(&self->kids, snd));
	ds = t_qstat(self->fd, q);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(chunk, ds.cbytes);
	EXPECT_EQ(0U, ds.status & AIXIPC_MSG_WWAIT);
	/* Still at the cap: its message is queued, charged. */
	EXPECT_EQ(-EAGAIN, probe_send(self->fd, buf, chunk));
	cap_cleanup(self, c, 1);
	EXPECT_EQ(0, remove_queue(self->fd, q));
	EXPECT_EQ(0, probe_send(self->fd, buf, chunk));
	free(buf);
	munmap(c, sizeof(*c));
}

/*
 * A sender blocked for room gives its message's charge back when it is
 * killed, and when its queue is removed (EIDRM): the uid, at its cap with
 * the blocked message counted, can then send that much again.
 */
TEST_F_TIMEOUT(limits, msg_user_cap_given_back_by_killed_or_removed_blocked_sender, 300)
{
	uint64_t cap = self->user_cap, chunk;
	struct cap_fill *c = shared(sizeof(*c));
	char *buf, why[120];
	pid_t snd;
	int q, round;

	ASSERT_NE(NULL, c);
	if (!cap_fillable(self, 4, &chunk, why, sizeof(why)))
		SKIP(return, "%s", why);
	buf = calloc(1, chunk);
	ASSERT_NE(NULL, buf);
	for (round = 0; round < 2; round++) {
		/* Root fills q; nobody's sender waits for room on it. */
		q = new_queue_as(0, self->fd, 0666);
		ASSERT_LE(0, q);
		ASSERT_EQ(0, t_set_qbytes(self->fd, q, chunk));
		ASSERT_EQ(0, t_msgsnd(self->fd, q, 1, buf, chunk,
				      AIXIPC_NOWAIT));
		snd = blocked_sender(self, q, buf, chunk);
		ASSERT_LE(0, snd);
		ASSERT_EQ(0, wait_status(self->fd, q, AIXIPC_MSG_WWAIT));
		ASSERT_EQ(0, cap_fill_as(self, c, NOBODY, chunk));
		ASSERT_EQ(-EAGAIN, c->err);
		EXPECT_GE(cap, (c->sent + 1) * msg_cost_min(chunk));
		/* At the cap, the blocked message counted. */
		EXPECT_EQ(-EAGAIN, probe_send(self->fd, buf, chunk));
		if (round == 0) {
			ASSERT_EQ(0, kill(snd, SIGKILL));
			EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, snd));
		} else {
			EXPECT_EQ(0, remove_queue(self->fd, q));
			EXPECT_EQ(EIDRM, t_reap(&self->kids, snd));
		}
		/* Its charge is back: the same send fits. */
		EXPECT_EQ(0, probe_send(self->fd, buf, chunk))
			TH_LOG("round %d (%s)", round,
			       round ? "queue removed" : "sender killed");
		cap_cleanup(self, c, 1);
		if (round == 0)
			EXPECT_EQ(0, remove_queue(self->fd, q));
	}
	free(buf);
	munmap(c, sizeof(*c));
}

/* Senders of one uid that block for room, each with a large message. */
#define BLOCKED_MAX	48

struct blocked_shared {
	int go;			/* children 0 .. go-1 may send */
	long msg[];		/* type word, then the text */
};

/*
 * Many processes of one uid each send a large message to a queue kept
 * full, far more than its cap in all: only as many as the cap allows get
 * to hold one while they wait for room (their messages are charged when
 * built); the rest wait for memory before building theirs.  The kernel's
 * slab grows by no more than the cap; raising qbytes lets exactly the
 * holders in; removing the queue fails the rest (EIDRM, the memory
 * waiters included) and gives everything back.
 */
TEST_F_TIMEOUT(limits, msg_user_cap_counts_messages_held_by_blocked_senders, 600)
{
	uint64_t cap = self->user_cap, chunk, ratio, held;
	struct aixipc_msqid_ds ds;
	struct blocked_shared *sh;
	int64_t slab0, slab1, slab2, bound;
	pid_t pid[BLOCKED_MAX];
	int q, i, n, code;
	char *buf;

	if (!cap)
		SKIP(return, "no msg_user_bytes parameter: module without per-user caps");
	chunk = self->lim.msgmax < self->lim.msgmnb ? self->lim.msgmax
						     : self->lim.msgmnb;
	if (chunk > cap / 4)
		chunk = cap / 4;
	ASSERT_LT(0ULL, chunk);
	/* Twice the cap in all, so not holding it shows. */
	n = (int)(2 * (cap / chunk) + 2);
	if (n > BLOCKED_MAX || n + 2 > t_kids_free(&self->kids))
		SKIP(return, "msg_user_bytes %llu: %d senders of %llu bytes would be needed to pass it twice (at most %d here); load with a smaller msg_user_bytes",
		     (unsigned long long)cap, n, (unsigned long long)chunk,
		     BLOCKED_MAX);
	if (meminfo("MemAvailable") < (int64_t)(4 * cap + 2 * chunk))
		SKIP(return, "msg_user_bytes %llu: not enough memory here to pass it twice",
		     (unsigned long long)cap);
	if (ids_free(self->fd, AIXIPC_MSG, self->lim.msgmni) < 3)
		SKIP(return, "msgmni %llu: no queue ids free",
		     (unsigned long long)self->lim.msgmni);
	buf = calloc(1, chunk);
	sh = shared(sizeof(*sh) + sizeof(long) + chunk);
	ASSERT_TRUE(buf && sh);
	sh->msg[0] = 2;
	ratio = slab_per_charge(self->fd, chunk, 4);
	ASSERT_LT(0ULL, ratio);
	/* Root's message fills q. */
	q = new_queue_as(0, self->fd, 0666);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, t_set_qbytes(self->fd, q, chunk));
	ASSERT_EQ(0, t_msgsnd(self->fd, q, 1, buf, chunk, AIXIPC_NOWAIT));
	/* The senders, forked first so that only their messages are measured. */
	for (i = 0; i < n; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			if (t_become_user(NOBODY))
				_exit(KID_BROKEN);
			while (__atomic_load_n(&sh->go, __ATOMIC_SEQ_CST) <= i)
				usleep(1000);
			_exit(kid_code(t_msgsnd_raw(self->fd, q, sh->msg, chunk,
						    0)));
		}
	}
	slab0 = slab_now();
	/* One at a time, each asleep (for room or for memory) before the next. */
	for (i = 0; i < n; i++) {
		__atomic_store_n(&sh->go, i + 1, __ATOMIC_SEQ_CST);
		ASSERT_EQ(0, t_wait_sleeping_in(pid[i], "aixipc_msg"))
			TH_LOG("sender %d did not block", i);
	}
	slab1 = slab_now();
	bound = (int64_t)(cap / 1024 * ratio * 9 / 8);
	TH_LOG("%d senders of %llu bytes blocked, cap %llu: SUnreclaim %+lld KiB (bound %lld KiB, slab per charged byte %.2f)",
	       n, (unsigned long long)chunk, (unsigned long long)cap,
	       (long long)(slab1 - slab0) / 1024, (long long)bound / 1024,
	       ratio / 1024.0);
	EXPECT_GT(bound, slab1 - slab0);
	/* The uid is at its cap with nothing queued. */
	EXPECT_EQ(-EAGAIN, probe_send(self->fd, buf, chunk));
	/* Room for all: the holders get in, the others still wait. */
	ASSERT_EQ(0, t_set_qbytes(self->fd, q, (uint64_t)(n + 1) * chunk));
	ds = t_qstat(self->fd, q);
	held = ds.qnum - 1;
	TH_LOG("%llu held a message, the cap allows %llu to %llu",
	       (unsigned long long)held,
	       (unsigned long long)(cap / msg_cost_max(chunk)),
	       (unsigned long long)(cap / msg_cost_min(chunk)));
	EXPECT_LT(0ULL, held);
	EXPECT_GE(cap, held * msg_cost_min(chunk));
	EXPECT_LT(cap, (held + 1) * msg_cost_max(chunk));
	/* The first ones, in order, are the holders; the rest still wait. */
	for (i = 0; i < n && (uint64_t)i < held; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("sender %d", i);
	for (; i < n; i++)
		EXPECT_TRUE(alive(pid[i])) TH_LOG("sender %d", i);
	EXPECT_EQ(-EAGAIN, probe_send(self->fd, buf, chunk));
	/* Removed: every one still waiting fails with EIDRM. */
	EXPECT_EQ(0, remove_queue(self->fd, q));
	for (i = (int)held; i < n; i++) {
		code = t_reap(&self->kids, pid[i]);
		EXPECT_EQ(EIDRM, code) TH_LOG("sender %d", i);
	}
	slab2 = slab_now();
	TH_LOG("SUnreclaim %+lld KiB after removal",
	       (long long)(slab2 - slab0) / 1024);
	EXPECT_GT((int64_t)(cap / 8), slab2 - slab0);
	EXPECT_EQ(0, probe_send(self->fd, buf, chunk));
	free(buf);
	munmap(sh, sizeof(*sh) + sizeof(long) + chunk);
}

/*
 * msg_total_bytes bounds every uid together: root, exempt from its own
 * cap (CAP_SYS_RESOURCE), fills the host's; then an unprivileged uid that
 * has nothing queued is refused even a zero-length message once the last
 * bytes are taken; the kernel's slab grows by at most the host cap.
 */
TEST_F_TIMEOUT(limits, msg_host_cap_bounds_all_uids_together, 300)
{
	uint64_t cap = self->host_cap, chunk, size, sent = 0, least = 0, ratio;
	int64_t slab0, slab1, slab2, bound;
	int *queues, nq = 0, i, err = 0;
	char *buf;

	if (!cap)
		SKIP(return, "no msg_total_bytes parameter: module without the host cap");
	if (meminfo("MemAvailable") < (int64_t)(2 * cap))
		SKIP(return, "msg_total_bytes %llu: not enough memory here to fill it; load with a smaller msg_total_bytes",
		     (unsigned long long)cap);
	chunk = cap_chunk(self, cap);
	if (ids_free(self->fd, AIXIPC_MSG, self->lim.msgmni) < cap / chunk + 80)
		SKIP(return, "msgmni %llu: too few queue ids for a message per queue",
		     (unsigned long long)self->lim.msgmni);
	buf = calloc(1, chunk);
	queues = calloc(CAP_QUEUES, sizeof(*queues));
	ASSERT_TRUE(buf && queues);
	ratio = slab_per_charge(self->fd, chunk, 4);
	ASSERT_LT(0ULL, ratio);
	slab0 = slab_now();
	/*
	 * Root fills it, one message per queue (so nothing else refuses
	 * one): whole chunks, then halves down to zero-length messages.
	 */
	size = chunk;
	while (nq < CAP_QUEUES) {
		int id = new_queue_as(0, self->fd, 0666);

		ASSERT_LE(0, id);
		queues[nq++] = id;
		err = t_msgsnd(self->fd, id, 1, buf, size, AIXIPC_NOWAIT);
		if (!err) {
			sent += size == chunk;
			least += msg_cost_min(size);
			/* A quarter past the cap: enough to show it did not hold. */
			if (sent > cap / chunk * 5 / 4 + 2)
				break;
			continue;
		}
		if (err != -EAGAIN || !size)
			break;
		size /= 2;
	}
	EXPECT_EQ(-EAGAIN, err) TH_LOG("root sent %llu of %llu bytes, then %s",
				       (unsigned long long)sent,
				       (unsigned long long)chunk,
				       strerror(-err));
	EXPECT_EQ(0ULL, size);
	/* Two uids with nothing queued: refused even a zero-length one. */
	EXPECT_EQ(-EAGAIN, AS_USER(NOBODY, t_msgsnd(self->fd, queues[0], 2,
						    "", 0, AIXIPC_NOWAIT)));
	EXPECT_EQ(-EAGAIN, AS_USER(NOBODY2, t_msgsnd(self->fd, queues[0], 3,
						     "", 0, AIXIPC_NOWAIT)));
	slab1 = slab_now();
	TH_LOG("root: %llu messages of %llu bytes and %d smaller ones; host cap %llu",
	       (unsigned long long)sent, (unsigned long long)chunk,
	       nq - 1 - (int)sent, (unsigned long long)cap);
	EXPECT_GE(cap, least);
	EXPECT_LT(cap, (sent + 1) * msg_cost_max(chunk));
	bound = (int64_t)(cap / 1024 * ratio * 9 / 8 + (uint64_t)nq * 1024);
	TH_LOG("SUnreclaim %+lld KiB filled (bound %lld KiB, slab per charged byte %.2f)",
	       (long long)(slab1 - slab0) / 1024, (long long)bound / 1024,
	       ratio / 1024.0);
	EXPECT_GT(bound, slab1 - slab0);
	for (i = 0; i < nq; i++)
		EXPECT_EQ(0, remove_queue(self->fd, queues[i]));
	slab2 = slab_now();
	EXPECT_GT((int64_t)(cap / 8), slab2 - slab0);
	/* And the memory is usable again. */
	EXPECT_EQ(0, AS_USER(NOBODY2, ({
		int id = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT,
				  0600);
		int e = id < 0 ? id : t_msgsnd(self->fd, id, 1, buf, chunk,
					       AIXIPC_NOWAIT);

		if (id >= 0)
			t_rmid(self->fd, id);
		e;
	})));
	free(buf);
	free(queues);
}

/* ====================================================================== */
/* semume: undo entries per process                                       */

static int new_set(int fd, uint64_t nsems, uint32_t mode)
{
	int id = t_semget(fd, AIXIPC_KEY_PRIVATE, nsems, AIXIPC_CREAT, mode);

	if (id >= 0)
		t_track(AIXIPC_SEM, id);
	return id;
}

static int getval(int fd, int id, unsigned int n)
{
	struct aixipc_semctl c = {
		.id = id, .cmd = AIXIPC_GETVAL, .semnum = n,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);

	return err ? err : c.val;
}

static int remove_set(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_SEM, id);
}

/* Make @n adjustments (+1 SEM_UNDO on semaphores 0..n-1): 0 or -errno. */
static int undo_fill(int fd, int id, unsigned int n, unsigned int semopm)
{
	struct aixipc_sembuf *s = calloc(semopm, sizeof(*s));
	unsigned int i = 0, k;
	int err = 0;

	if (!s)
		return -ENOMEM;
	while (i < n && !err) {
		for (k = 0; k < semopm && i + k < n; k++) {
			s[k].sem_num = (uint16_t)(i + k);
			s[k].sem_op = 1;
			s[k].sem_flg = AIXIPC_SEM_UNDO;
		}
		err = t_semop(fd, id, s, k);
		i += k;
	}
	free(s);
	return err;
}

/*
 * A process at semume blocks on a SEM_UNDO decrement that needs a new
 * adjustment; another process's increment completes sleepers on their
 * behalf, and must refuse this one (ENOSPC) rather than record a
 * semume+1st adjustment.  The semaphore keeps the increment.
 */
TEST_F_TIMEOUT(limits, semume_holds_for_a_sleeper_completed_by_another, 120)
{
	unsigned int ume = (unsigned int)self->lim.semume;
	int id, r;
	pid_t pid;

	if (self->lim.semume > 32766 || self->lim.semume >= self->lim.semmsl)
		SKIP(return, "semume %llu: no set holds that many semaphores plus one",
		     (unsigned long long)self->lim.semume);
	id = new_set(self->fd, ume + 1, 0666);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (t_become_user(NOBODY))
			_exit(KID_BROKEN);
		if (undo_fill(self->fd, id, ume, (unsigned int)self->lim.semopm))
			_exit(KID_BROKEN);
		/* At semume: a new adjustment now is refused at once... */
		if (t_semop1(self->fd, id, ume, 1, AIXIPC_SEM_UNDO) != -ENOSPC)
			_exit(KID_WRONG);
		/* ...and when completed by another process. */
		_exit(kid_code(t_semop1(self->fd, id, ume, -1,
					AIXIPC_SEM_UNDO)));
	}
	ASSERT_EQ(0, t_wait_sleeping_in(pid, "aixipc_sem"));
	ASSERT_EQ(0, t_semop1(self->fd, id, ume, 1, 0));
	r = t_reap(&self->kids, pid);
	EXPECT_EQ(ENOSPC, r);
	EXPECT_EQ(1, getval(self->fd, id, ume));
	/* It exited: its semume adjustments were undone. */
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, ume - 1));
	EXPECT_EQ(0, remove_set(self->fd, id));
}

/*
 * Fork does not copy a process's adjustments: a child starts with none
 * and is held to semume on its own, while its parent, at semume, stays
 * there.  So each process's undo memory stays bounded.
 */
TEST_F_TIMEOUT(limits, semume_holds_per_process_across_fork, 120)
{
	unsigned int ume = (unsigned int)self->lim.semume;
	int id;

	if (self->lim.semume > 32766 || self->lim.semume >= self->lim.semmsl)
		SKIP(return, "semume %llu: no set holds that many semaphores plus one",
		     (unsigned long long)self->lim.semume);
	id = new_set(self->fd, ume + 1, 0666);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS_USER(NOBODY, ({
		int fail = 0, status = -1;
		pid_t kid;

		if (undo_fill(self->fd, id, ume, (unsigned int)self->lim.semopm))
			fail = 1;
		else if (t_semop1(self->fd, id, ume, 1,
				  AIXIPC_SEM_UNDO) != -ENOSPC)
			fail = 2;
		kid = fail ? -1 : fork();
		if (kid == 0) {
			/* Its own count: semume again, and not one more. */
			if (undo_fill(self->fd, id, ume,
				      (unsigned int)self->lim.semopm))
				_exit(3);
			_exit(t_semop1(self->fd, id, ume, 1, AIXIPC_SEM_UNDO) ==
			      -ENOSPC ? 0 : 4);
		}
		if (kid > 0 && (waitpid(kid, &status, 0) != kid ||
				!WIFEXITED(status)))
			fail = 5;
		else if (kid > 0)
			fail = WEXITSTATUS(status);
		/* The child's exit undid its own, not the parent's. */
		if (!fail && getval(self->fd, id, 0) != 1)
			fail = 6;
		if (!fail && t_semop1(self->fd, id, ume, 1, AIXIPC_SEM_UNDO) !=
		    -ENOSPC)
			fail = 7;
		fail;
	})));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self->fd, id));
}

/* ====================================================================== */
/* Ids                                                                    */

/* Make one object of @kind as the caller: its id or -errno. */
static int make_one(int fd, int kind)
{
	struct aixipc_get g = {
		.kind = (uint32_t)kind, .key = AIXIPC_KEY_PRIVATE,
		.flags = AIXIPC_CREAT, .mode = 0600,
		.size = kind == AIXIPC_MSG ? 0 : kind == AIXIPC_SEM ? 1 : PAGE,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_GET, &g);

	if (err)
		return err;
	t_track(kind, g.id);
	return g.id;
}

/*
 * The id limit of @kind is shared by everyone: two uids, two processes
 * each, make objects at once until refused; exactly the limit exists
 * then (one a removed segment still attached, for shared memory), and a
 * removal makes room for exactly one more.
 */
static void ids_hold(struct __test_metadata *_metadata,
		     FIXTURE_DATA(limits) *self, int kind, uint64_t max)
{
	struct aixipc_info info;
	int64_t *made = shared(SENDERS * sizeof(*made));
	pid_t pid[SENDERS];
	void *at = NULL;
	int i, first = -1;

	ASSERT_NE(NULL, made);
	ASSERT_EQ(0, t_info(self->fd, (uint32_t)kind, &info));
	ASSERT_GE(max, info.in_use);
	if (kind == AIXIPC_SHM) {
		/* A removed segment, attached: it keeps its id. */
		first = make_one(self->fd, kind);
		ASSERT_LE(0, first);
		ASSERT_EQ(0, t_shmat(self->fd, first, NULL, 0, &at, NULL));
		ASSERT_EQ(0, t_shm_rmid(self->fd, first));
	}
	for (i = 0; i < SENDERS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			int id;

			if (t_become_user(i & 1 ? NOBODY2 : NOBODY))
				_exit(KID_BROKEN);
			/* Past the limit: stop, it did not. */
			while ((id = make_one(self->fd, kind)) >= 0)
				if (++made[i] > (int64_t)max)
					_exit(KID_WRONG);
			_exit(kid_code(id));
		}
	}
	for (i = 0; i < SENDERS; i++)
		EXPECT_EQ(ENOSPC, t_reap(&self->kids, pid[i]));
	ASSERT_EQ(0, t_info(self->fd, (uint32_t)kind, &info));
	TH_LOG("%llu of %llu ids in use", (unsigned long long)info.in_use,
	       (unsigned long long)max);
	EXPECT_EQ(max, info.in_use);
	EXPECT_EQ(-ENOSPC, make_one(self->fd, kind));
	if (at) {
		/* The last detach frees the removed segment's id. */
		EXPECT_EQ(0, t_shmdt(self->fd, at, NULL));
		t_untrack(kind, first);
		first = make_one(self->fd, kind);
		EXPECT_LE(0, first);
		EXPECT_EQ(-ENOSPC, AS_USER(NOBODY, make_one(self->fd, kind)));
	}
	t_remove_tracked(self->fd);
	munmap(made, SENDERS * sizeof(*made));
}

TEST_F_TIMEOUT(limits, ids_msgmni_shared_by_all_uids, 120)
{
	if (self->lim.msgmni > MAX_IDS_TRIED)
		SKIP(return, "msgmni is %llu: too many queues to make here; load with msgmni=256 to test it",
		     (unsigned long long)self->lim.msgmni);
	ids_hold(_metadata, self, AIXIPC_MSG, self->lim.msgmni);
}

TEST_F_TIMEOUT(limits, ids_semmni_shared_by_all_uids, 120)
{
	if (self->lim.semmni > MAX_IDS_TRIED)
		SKIP(return, "semmni is %llu: too many sets to make here; load with semmni=64 to test it",
		     (unsigned long long)self->lim.semmni);
	ids_hold(_metadata, self, AIXIPC_SEM, self->lim.semmni);
}

TEST_F_TIMEOUT(limits, ids_shmmni_shared_by_all_uids_removed_attached_counts, 120)
{
	if (self->lim.shmmni > MAX_IDS_TRIED)
		SKIP(return, "shmmni is %llu: too many segments to make here; load with shmmni=512 to test it",
		     (unsigned long long)self->lim.shmmni);
	ids_hold(_metadata, self, AIXIPC_SHM, self->lim.shmmni);
}

/* ====================================================================== */
/* shmall: pages of all segments together                                 */

static int shm_cmd(int fd, int id, uint32_t cmd, uint64_t value)
{
	return t_shmctl(fd, id, cmd, &value, NULL);
}

static struct aixipc_shmid_ds sstat(int fd, int id)
{
	struct aixipc_shmid_ds ds;

	if (t_shmctl(fd, id, AIXIPC_IPC_STAT, NULL, &ds))
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

/* Pages of all segments (what shmall counts), or UINT64_MAX. */
static uint64_t shm_pages_in_use(int fd)
{
	struct aixipc_info info;

	return t_info(fd, AIXIPC_SHM, &info) ? UINT64_MAX : info.count;
}

static int new_seg(int fd, uint64_t size, uint32_t mode)
{
	int id = t_shmget(fd, AIXIPC_KEY_PRIVATE, size, AIXIPC_CREAT, mode);

	if (id >= 0)
		t_track(AIXIPC_SHM, id);
	return id;
}

static int remove_seg(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_SHM, id);
}

struct shm_fill {
	uint64_t pages;		/* made by this process */
	int err;		/* what stopped it (-ENOSPC expected) */
};

/*
 * In a child, as @uid: make segments, @big bytes first, then 4 times
 * smaller whenever refused, down to one page, until a one-page segment is
 * refused.  They cost nothing until touched (VM_NORESERVE), so the 4 TiB
 * default is cheap.  Return: 0, or a kid_code().
 */

static int shm_fill_child(int fd, uid_t uid, uint64_t big, uint64_t shmall,
			  struct shm_fill *f)
{
	uint64_t size = big;
	int id;

	if (t_become_user(uid))
		return KID_BROKEN;
	for (;;) {
		id = new_seg(fd, size, 0600);
		if (id >= 0) {
			f->pages += (size + PAGE - 1) / PAGE;
			/* Far more than shmall: stop, the limit did not. */
			if (f->pages > shmall)
				return KID_WRONG;
			continue;
		}
		if (id != -ENOSPC) {
			f->err = id;
			return kid_code(id);
		}
		if (size == PAGE)
			break;
		size = size / 4 < PAGE ? PAGE : size / 4;
	}
	f->err = id;
	return 0;
}

/*
 * Several uids and processes filling shmall at once end at exactly
 * shmall; SHM_SIZE cannot grow a segment past it but can take what a
 * shrink gave back; a removed segment still attached (by a process and
 * its fork child) keeps its pages counted until its last detach.
 */
TEST_F_TIMEOUT(limits, shmall_by_shmget_size_and_removed_attached_segments, 180)
{
	uint64_t shmall = self->lim.shmall, used, big, total = 0;
	struct shm_fill *f = shared(SENDERS * sizeof(*f));
	pid_t pid[SENDERS], holder;
	int i, a, b, victim, hs[2];
	char c;

	ASSERT_NE(NULL, f);
	/* Each process makes a few segments per size, 4 times smaller each. */
	if (ids_free(self->fd, AIXIPC_SHM, self->lim.shmmni) < 400)
		SKIP(return, "shmmni %llu: too few segment ids to fill shmall with",
		     (unsigned long long)self->lim.shmmni);
	used = shm_pages_in_use(self->fd);
	ASSERT_GE(shmall, used);
	ASSERT_GT(shmall - used, 64ULL) TH_LOG("shmall nearly used up already");
	/* A 16-page segment that will be removed while attached. */
	victim = AS_USER(NOBODY, new_seg(self->fd, 16 * PAGE, 0600));
	ASSERT_LE(0, victim);
	t_track(AIXIPC_SHM, victim);
	ASSERT_EQ(0, pipe(hs));
	holder = t_spawn(&self->kids);
	ASSERT_LE(0, holder);
	if (holder == 0) {
		void *p;
		pid_t kid;

		close(hs[1]);
		if (t_become_user(NOBODY) ||
		    t_shmat(self->fd, victim, NULL, 0, &p, NULL))
			_exit(KID_BROKEN);
		memset(p, 1, 16 * PAGE);
		kid = fork();	/* the child inherits the attachment */
		if (kid < 0)
			_exit(KID_BROKEN);
		/* Both wait for the test's word, then exit (detach). */
		if (read(hs[0], &c, 1) < 0)
			_exit(KID_BROKEN);
		if (kid > 0 && waitpid(kid, NULL, 0) != kid)
			_exit(KID_BROKEN);
		_exit(0);
	}
	close(hs[0]);
	for (i = 0; i < 100 && sstat(self->fd, victim).nattch != 2; i++)
		usleep(10000);	/* a hang guard, not a timing */
	ASSERT_EQ(2ULL, sstat(self->fd, victim).nattch);
	ASSERT_EQ(0, AS_USER(NOBODY, t_shm_rmid(self->fd, victim)));

	used = shm_pages_in_use(self->fd);
	big = (shmall - used) / 8 * PAGE;
	if (big > t_shmmax(&self->lim))
		big = t_shmmax(&self->lim) / PAGE * PAGE;
	/* The largest segments must fill shmall before the ids run out. */
	ASSERT_GT(ids_free(self->fd, AIXIPC_SHM, self->lim.shmmni),
		  (shmall - used) / (big / PAGE) + 200)
		TH_LOG("shmall %llu pages in %llu-byte segments needs more ids than shmmni %llu",
		       (unsigned long long)shmall, (unsigned long long)big,
		       (unsigned long long)self->lim.shmmni);
	for (i = 0; i < SENDERS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(shm_fill_child(self->fd, i & 1 ? NOBODY2 : NOBODY,
					     big, shmall, &f[i]));
	}
	for (i = 0; i < SENDERS; i++) {
		EXPECT_EQ(0, t_reap(&self->kids, pid[i]));
		EXPECT_EQ(-ENOSPC, f[i].err);
		total += f[i].pages;
	}
	TH_LOG("%llu pages made by 4 processes; %llu of %llu in use",
	       (unsigned long long)total,
	       (unsigned long long)shm_pages_in_use(self->fd),
	       (unsigned long long)shmall);
	EXPECT_EQ(shmall, shm_pages_in_use(self->fd));
	EXPECT_EQ(used + total, shmall);
	/* Full: no segment and no growth, whoever asks. */
	a = new_seg(self->fd, PAGE, 0600);
	EXPECT_EQ(-ENOSPC, a);
	b = AS_USER(NOBODY2, new_seg(self->fd, PAGE, 0600));
	EXPECT_EQ(-ENOSPC, b);
	/* The removed, attached segment still counts: its holder goes. */
	EXPECT_EQ(shmall, shm_pages_in_use(self->fd));
	ASSERT_EQ(1, write(hs[1], "g", 1));
	close(hs[1]);
	EXPECT_EQ(0, t_reap(&self->kids, holder));
	/* Its 16 pages are free now: exactly 16. */
	EXPECT_EQ(shmall - 16, shm_pages_in_use(self->fd));
	a = new_seg(self->fd, 8 * PAGE, 0600);
	ASSERT_LE(0, a);
	/* SHM_SIZE: up to the limit, not past it. */
	EXPECT_EQ(-ENOSPC, shm_cmd(self->fd, a, AIXIPC_SHM_SIZE, 17 * PAGE));
	EXPECT_EQ(0, shm_cmd(self->fd, a, AIXIPC_SHM_SIZE, 16 * PAGE));
	EXPECT_EQ(shmall, shm_pages_in_use(self->fd));
	EXPECT_EQ(-ENOSPC, shm_cmd(self->fd, a, AIXIPC_SHM_SIZE,
				   16 * PAGE + 1));
	EXPECT_EQ(0, shm_cmd(self->fd, a, AIXIPC_SHM_SIZE, 4 * PAGE));
	EXPECT_EQ(shmall - 12, shm_pages_in_use(self->fd));
	t_remove_tracked(self->fd);
	munmap(f, SENDERS * sizeof(*f));
}

/* ====================================================================== */
/* Segment memory: what touching can allocate                             */

/*
 * Shmem once it is below @bound, or as it is after a hang guard of 10 s:
 * a removed segment's file is released after an RCU grace period.
 */
static int64_t shmem_settled(int64_t bound)
{
	int64_t v = meminfo("Shmem");
	int i;

	for (i = 0; i < 1000 && v >= bound; i++) {
		usleep(10000);	/* a hang guard, not a timing */
		v = meminfo("Shmem");
	}
	return v;
}

/* Touch every page of [p, p + len) in a child: 0, or the signal. */
static int touch_in_child(void *p, size_t len)
{
	pid_t pid = fork();
	int status;
	size_t off;

	if (pid == 0) {
		/* Die of it: ASan's own SIGBUS handler would exit instead. */
		signal(SIGBUS, SIG_DFL);
		for (off = 0; off < len; off += PAGE)
			((volatile char *)p)[off] = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status);
}

/*
 * The shmem pages a segment can hold are bounded by its size, whatever
 * the unprivileged owner does with its attachment: fork (a child that
 * writes everything allocates nothing more), remap_file_pages (counted in
 * nattch, refused past the end), mremap (cannot grow it), SHM_SIZE
 * shrinking (a long attachment faults past the new end; the memory
 * follows the size).  Measured by /proc/meminfo Shmem.
 */
TEST_F_TIMEOUT(limits, segment_memory_bounded_by_size_through_fork_remap_and_size, 120)
{
	const uint64_t n = 256;	/* pages */
	int64_t sh0, sh1, sh2, tol = (int64_t)(n * PAGE / 8);
	long r;
	int id;

	id = AS_USER(NOBODY, new_seg(self->fd, n * PAGE, 0600));
	ASSERT_LE(0, id);
	t_track(AIXIPC_SHM, id);
	sh0 = meminfo("Shmem");
	ASSERT_LE(0, sh0);
	r = AS_USER(NOBODY, ({
		char *p = NULL, *q;
		long bad = 0;

		if (t_shmat(self->fd, id, NULL, 0, (void **)&p, NULL))
			bad = 1;
		/* Write it all, then twice more from fork children. */
		if (!bad)
			memset(p, 7, n * PAGE);
		if (!bad && (touch_in_child(p, n * PAGE) ||
			     touch_in_child(p, n * PAGE)))
			bad = 2;
		/* A piece remapped onto another page of the segment... */
		if (!bad && remap_file_pages(p, PAGE, 0, n - 1, 0))
			bad = 3;
		if (!bad && sstat(self->fd, id).nattch != 2)
			bad = 4;
		/* ...but never past its end. */
		if (!bad && !remap_file_pages(p + PAGE, PAGE, 0, n, 0))
			bad = 5;
		/* mremap cannot grow the attachment. */
		q = bad ? MAP_FAILED : mremap(p + 2 * PAGE, (n - 2) * PAGE,
					      (2 * n) * PAGE, 0);
		if (!bad && q != MAP_FAILED)
			bad = 6;
		if (!bad && (meminfo("Shmem") - sh0 > (int64_t)(n * PAGE) + tol))
			bad = 7;
		/* Shrunk to a quarter: the rest of the attachment faults. */
		if (!bad && shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, n / 4 * PAGE))
			bad = 8;
		if (!bad && touch_in_child(p + n / 4 * PAGE, PAGE) != SIGBUS)
			bad = 9;
		if (!bad && touch_in_child(p + (n - 1) * PAGE, PAGE) != SIGBUS)
			bad = 10;
		if (!bad && touch_in_child(p + 2 * PAGE, (n / 4 - 2) * PAGE))
			bad = 11;
		bad;
	}));
	EXPECT_EQ(0, r);
	sh1 = meminfo("Shmem");
	TH_LOG("Shmem %+lld KiB for a %llu-page segment shrunk to %llu pages",
	       (long long)(sh1 - sh0) / 1024, (unsigned long long)n,
	       (unsigned long long)n / 4);
	EXPECT_GT((int64_t)(n / 4 * PAGE) + tol, sh1 - sh0);
	EXPECT_EQ(0ULL, sstat(self->fd, id).nattch);
	EXPECT_EQ(0, remove_seg(self->fd, id));
	/* The shmem file goes after an RCU grace period: poll for it. */
	sh2 = shmem_settled(sh0 + tol);
	TH_LOG("Shmem %+lld KiB after removal", (long long)(sh2 - sh0) / 1024);
	EXPECT_GT(sh0 + tol, sh2);
}

/* ====================================================================== */
/* RLIMIT_MEMLOCK: SHM_LOCK and SHM_SIZE of locked segments               */

#define LOCKERS 4

/*
 * RLIMIT_MEMLOCK bounds what a uid has locked through all its processes:
 * four processes of one uid, each with a limit of 8 pages, lock their own
 * 3-page segments at once (two fit), then one tries to grow its locked
 * segment; another uid, with the same limit, has 8 pages of its own; the
 * locks outlive the processes that made them.
 */
TEST_F_TIMEOUT(limits, memlock_per_uid_shared_by_its_processes, 120)
{
	int *res = shared(LOCKERS * sizeof(int));
	int seg[LOCKERS], other, i, ok = 0;
	pid_t pid[LOCKERS];

	ASSERT_NE(NULL, res);
	for (i = 0; i < LOCKERS; i++) {
		seg[i] = AS_USER(NOBODY, new_seg(self->fd, 3 * PAGE, 0600));
		ASSERT_LE(0, seg[i]);
		t_track(AIXIPC_SHM, seg[i]);
	}
	other = AS_USER(NOBODY2, new_seg(self->fd, 8 * PAGE, 0600));
	ASSERT_LE(0, other);
	t_track(AIXIPC_SHM, other);
	for (i = 0; i < LOCKERS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			if (t_set_memlock(8 * PAGE) || t_become_user(NOBODY))
				_exit(KID_BROKEN);
			res[i] = shm_cmd(self->fd, seg[i], AIXIPC_SHM_LOCK, 0);
			_exit(0);
		}
	}
	for (i = 0; i < LOCKERS; i++) {
		EXPECT_EQ(0, t_reap(&self->kids, pid[i]));
		if (!res[i])
			ok++;
		else
			EXPECT_EQ(-ENOMEM, res[i]);
	}
	EXPECT_EQ(2, ok) TH_LOG("%d of 4 3-page locks under an 8-page limit", ok);
	/* 6 of 8 pages locked: no locked segment may grow by 3 pages. */
	for (i = 0; i < LOCKERS; i++) {
		if (res[i])
			continue;
		EXPECT_EQ(-ENOMEM, AS_USER(NOBODY, t_set_memlock(8 * PAGE) ? -1000 :
			  shm_cmd(self->fd, seg[i], AIXIPC_SHM_SIZE, 6 * PAGE)));
		EXPECT_EQ(0, AS_USER(NOBODY, t_set_memlock(8 * PAGE) ? -1000 :
			  shm_cmd(self->fd, seg[i], AIXIPC_SHM_SIZE, 5 * PAGE)));
		break;
	}
	/* 8 of 8: nothing more, not one page, by any process of the uid. */
	for (i = 0; i < LOCKERS; i++)
		if (res[i])
			EXPECT_EQ(-ENOMEM, AS_USER(NOBODY, t_set_memlock(8 * PAGE) ?
				  -1000 : shm_cmd(self->fd, seg[i],
						  AIXIPC_SHM_LOCK, 0)));
	/* The other uid has its own 8 pages. */
	EXPECT_EQ(0, AS_USER(NOBODY2, t_set_memlock(8 * PAGE) ? -1000 :
			     shm_cmd(self->fd, other, AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, other).status &
				     AIXIPC_SHM_LOCKED);
	/* Unlocking gives back to the uid that holds the charge. */
	for (i = 0; i < LOCKERS; i++)
		if (!res[i])
			EXPECT_EQ(0, AS_USER(NOBODY, shm_cmd(self->fd, seg[i],
						AIXIPC_SHM_UNLOCK, 0)));
	for (i = 0; i < LOCKERS; i++)
		if (res[i])
			EXPECT_EQ(0, AS_USER(NOBODY, t_set_memlock(8 * PAGE) ?
				  -1000 : shm_cmd(self->fd, seg[i],
						  AIXIPC_SHM_LOCK, 0)));
	t_remove_tracked(self->fd);
	munmap(res, LOCKERS * sizeof(int));
}

/*
 * A locked segment removed while attached (by a process and its fork
 * child) keeps its lock charged to its uid until the last detach; then
 * the uid can lock as much again.
 */
TEST_F_TIMEOUT(limits, memlock_charge_kept_until_removed_segment_is_detached, 120)
{
	int a, b, hs[2];
	pid_t holder;
	char c;

	a = AS_USER(NOBODY, new_seg(self->fd, 8 * PAGE, 0600));
	b = AS_USER(NOBODY, new_seg(self->fd, PAGE, 0600));
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	t_track(AIXIPC_SHM, a);
	t_track(AIXIPC_SHM, b);
	ASSERT_EQ(0, AS_USER(NOBODY, t_set_memlock(8 * PAGE) ? -1000 :
			     shm_cmd(self->fd, a, AIXIPC_SHM_LOCK, 0)));
	ASSERT_EQ(0, pipe(hs));
	holder = t_spawn(&self->kids);
	ASSERT_LE(0, holder);
	if (holder == 0) {
		void *p;
		pid_t kid;

		close(hs[1]);
		if (t_become_user(NOBODY) ||
		    t_shmat(self->fd, a, NULL, 0, &p, NULL))
			_exit(KID_BROKEN);
		memset(p, 1, 8 * PAGE);
		kid = fork();
		if (kid < 0 || read(hs[0], &c, 1) < 0)
			_exit(KID_BROKEN);
		if (kid > 0 && waitpid(kid, NULL, 0) != kid)
			_exit(KID_BROKEN);
		_exit(0);
	}
	close(hs[0]);
	for (int i = 0; i < 100 && sstat(self->fd, a).nattch != 2; i++)
		usleep(10000);	/* a hang guard, not a timing */
	ASSERT_EQ(2ULL, sstat(self->fd, a).nattch);
	ASSERT_EQ(0, AS_USER(NOBODY, t_shm_rmid(self->fd, a)));
	EXPECT_EQ(-ENOMEM, AS_USER(NOBODY, t_set_memlock(8 * PAGE) ? -1000 :
				   shm_cmd(self->fd, b, AIXIPC_SHM_LOCK, 0)));
	ASSERT_EQ(1, write(hs[1], "g", 1));
	close(hs[1]);
	EXPECT_EQ(0, t_reap(&self->kids, holder));
	t_untrack(AIXIPC_SHM, a);
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, a, AIXIPC_IPC_STAT, NULL, NULL));
	EXPECT_EQ(0, AS_USER(NOBODY, t_set_memlock(8 * PAGE) ? -1000 :
			     shm_cmd(self->fd, b, AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0, remove_seg(self->fd, b));
}

/* ====================================================================== */
/* Namespaces                                                             */

/*
 * aixipc serves one registry and checks capabilities in the initial user
 * namespace: a new IPC namespace gives no fresh set of objects or limits,
 * and the root of an unprivileged user namespace has none of the host's
 * capabilities.  ns_child() runs the attack: made as root, it enters a
 * new IPC namespace, drops to uid 65534 with RLIMIT_MEMLOCK at 2 pages
 * (of which 1 is already locked outside), and, with @userns, leaves
 * vm-run's chroot and enters a user namespace of its own, where the
 * parent maps it to root.
 */
struct ns_res {
	int userns;		/* 1, or -errno of unshare(CLONE_NEWUSER) */
	int made;		/* its queue and segments were made */
	int qbytes;		/* IPC_SET above msgmnb */
	int lock;		/* SHM_LOCK of 4 pages */
	int raise;		/* setrlimit raising RLIMIT_MEMLOCK */
	int size;		/* SHM_SIZE of its locked page to 2 pages */
	uint64_t seen_in_use;	/* queues it sees */
	uint64_t qbytes_after;	/* its queue's qbytes afterwards */
	uint32_t s_status;	/* its 4-page segment's status afterwards */
	uint64_t t_segsz;	/* its locked segment's size afterwards */
	int done;
};

/*
 * Leave a chroot, as root (CAP_SYS_CHROOT): the kernel refuses a user
 * namespace to a chrooted process, and vm-run runs the tests chrooted
 * into the host's filesystem.  Only the calling process's root changes.
 * Return: 0 or -errno.
 */
static int leave_chroot(void)
{
	int i, fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (chroot("/proc") || fchdir(fd)) {
		close(fd);
		return -errno;
	}
	close(fd);
	for (i = 0; i < 64; i++)
		if (chdir(".."))
			return -errno;
	return chroot(".") ? -errno : 0;
}

/*
 * In an IPC namespace of its own (with @userns, one its own user
 * namespace owns, so that it is root there with every capability over
 * its objects), uid NOBODY makes a queue and two segments and tries to
 * pass the host's limits with them.
 */
static int ns_child(int fd, const struct aixipc_limits *lim, bool userns,
		    int hs, int go, struct ns_res *res)
{
	struct rlimit r = { .rlim_cur = 64 * PAGE, .rlim_max = 64 * PAGE };
	struct aixipc_info info;
	int q, s, t;
	char c;

	if ((!userns && unshare(CLONE_NEWIPC)) || (userns && leave_chroot()) ||
	    t_set_memlock(2 * PAGE) || t_become_user(NOBODY))
		return KID_BROKEN;
	if (userns) {
		res->userns = unshare(CLONE_NEWUSER) ? -errno : 1;
		if (write(hs, "u", 1) != 1 || read(go, &c, 1) != 1)
			return KID_BROKEN;
		if (res->userns < 0)
			return 0;
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0) ||
		    unshare(CLONE_NEWIPC))
			return KID_BROKEN;
	}
	q = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	s = t_shmget(fd, AIXIPC_KEY_PRIVATE, 4 * PAGE, AIXIPC_CREAT, 0600);
	t = t_shmget(fd, AIXIPC_KEY_PRIVATE, PAGE, AIXIPC_CREAT, 0600);
	res->made = q >= 0 && s >= 0 && t >= 0;
	if (!res->made)
		return 0;
	res->qbytes = t_set_qbytes(fd, q, lim->msgmnb + 1);
	res->lock = shm_cmd(fd, s, AIXIPC_SHM_LOCK, 0);
	res->raise = setrlimit(RLIMIT_MEMLOCK, &r) ? -errno : 0;
	/* 1 page locked outside, 1 here: the limit; growing passes it. */
	if (shm_cmd(fd, t, AIXIPC_SHM_LOCK, 0))
		res->size = -1000;
	else
		res->size = shm_cmd(fd, t, AIXIPC_SHM_SIZE, 2 * PAGE);
	if (!t_info(fd, AIXIPC_MSG, &info))
		res->seen_in_use = info.in_use;
	res->qbytes_after = t_qstat(fd, q).qbytes;
	res->s_status = sstat(fd, s).status;
	res->t_segsz = sstat(fd, t).segsz;
	res->done = 1;
	/* Its objects go with its namespace. */
	return 0;
}

/* Write "0 @uid 1" into /proc/@pid/@file (uid_map, gid_map). */
static int map_root(pid_t pid, const char *file, int uid)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "0 %d 1\n", uid);
	return fclose(f) ? -errno : 0;
}

/*
 * Run ns_child() and check its results, with one page already locked by
 * uid NOBODY in the initial namespace: RLIMIT_MEMLOCK counts per uid
 * across namespaces.  Return: false when skipped.
 */
static bool ns_attack(struct __test_metadata *_metadata,
		      FIXTURE_DATA(limits) *self, bool userns,
		      struct ns_res *res)
{
	int pre, hs[2], go[2];
	pid_t pid;
	char c;

	pre = AS_USER(NOBODY, new_seg(self->fd, PAGE, 0600));
	EXPECT_LE(0, pre);
	if (pre < 0)
		return true;
	t_track(AIXIPC_SHM, pre);
	EXPECT_EQ(0, AS_USER(NOBODY, t_set_memlock(2 * PAGE) ? -1000 :
			     shm_cmd(self->fd, pre, AIXIPC_SHM_LOCK, 0)));
	if (pipe(hs) || pipe(go))
		return true;
	pid = t_spawn(&self->kids);
	if (pid == 0) {
		close(hs[0]);
		close(go[1]);
		_exit(ns_child(self->fd, &self->lim, userns, hs[1], go[0],
			       res));
	}
	close(hs[1]);
	close(go[0]);
	EXPECT_LT(0, pid);
	if (userns && pid > 0 && read(hs[0], &c, 1) == 1 && res->userns > 0) {
		/* Its own ids map to root: it owns the objects it makes. */
		EXPECT_EQ(0, map_root(pid, "uid_map", NOBODY));
		EXPECT_EQ(0, map_root(pid, "gid_map", NOBODY));
	}
	if (userns && write(go[1], "g", 1) != 1)
		res->done = -1;
	close(hs[0]);
	close(go[1]);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	t_remove_tracked(self->fd);
	if (userns && res->userns < 0)
		return false;
	EXPECT_EQ(1, res->made);
	EXPECT_EQ(1, res->done);
	EXPECT_EQ(-EPERM, res->qbytes);
	EXPECT_EQ(-ENOMEM, res->lock);
	EXPECT_EQ(-EPERM, res->raise);
	EXPECT_EQ(-ENOMEM, res->size);
	/* Its namespace: its own queue only. */
	EXPECT_EQ(1U, res->seen_in_use);
	EXPECT_EQ(self->lim.msgmnb, res->qbytes_after);
	EXPECT_EQ(0U, res->s_status & AIXIPC_SHM_LOCKED);
	EXPECT_EQ((uint64_t)PAGE, res->t_segsz);
	return true;
}

TEST_F_TIMEOUT(limits, ipc_namespace_is_held_to_every_limit, 120)
{
	struct ns_res *res = shared(sizeof(*res));

	ASSERT_NE(NULL, res);
	ns_attack(_metadata, self, false, res);
	munmap(res, sizeof(*res));
}

/*
 * Root of a user namespace that owns the IPC namespace has CAP_IPC_LOCK,
 * CAP_SYS_RESOURCE and the rest over its objects, and still none of the
 * host's limits lifted: only the initial user namespace's capabilities
 * lift RLIMIT_MEMLOCK and msgmnb, as for Linux's own SysV IPC.
 */
TEST_F_TIMEOUT(limits, user_namespace_root_is_held_to_every_limit, 120)
{
	struct ns_res *res = shared(sizeof(*res));
	int err;

	ASSERT_NE(NULL, res);
	if (!ns_attack(_metadata, self, true, res)) {
		err = -res->userns;
		munmap(res, sizeof(*res));
		SKIP(return, "unshare(CLONE_NEWUSER) as uid %d: %s (user namespaces disabled?)",
		     NOBODY, strerror(err));
	}
	munmap(res, sizeof(*res));
}

TEST_HARNESS_MAIN
