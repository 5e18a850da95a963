// SPDX-License-Identifier: GPL-2.0
/*
 * chaos_test - aixipc under SIGKILL, removal and load.
 *
 * Run as root with the module loaded.
 *
 *  - kill_*: processes blocked in msgrcv and msgsnd, and others doing
 *    NOWAIT traffic, are SIGKILLed at random and replaced while queues are
 *    removed and recreated under them.  Afterwards no queue may show a
 *    waiter, what IPC_STAT counts must be exactly what can be received, and
 *    every message must be intact.
 *  - copy_*: a process moving 4 MiB messages is SIGKILLed at random times,
 *    often in the middle of the copy.  No message it was told was sent may
 *    be missing, none may be duplicated or torn.
 *  - sem_kill_*: processes blocked in semop (single and multi-operation,
 *    SEM_ORDER, waits for zero) and lock holders using SEM_UNDO are
 *    SIGKILLed at random while others do NOWAIT traffic and sets are
 *    removed and recreated.  No semaphore ever exceeds its initial value;
 *    afterwards every lock and pool is back at it (the exits undid what
 *    the dead held), and no semaphore shows a waiter.
 *  - sem_fast_undo_*: processes take and give back semaphores through the
 *    fast path's words with SEM_UNDO, their adjustments held in the words,
 *    and are SIGKILLed at random: once all are gone every value is exactly
 *    its initial one.  Then the same under SETVAL, SETALL, IPC_SET and a
 *    final IPC_RMID: values in range, every process ends.
 *  - shm_rmid_*: processes attach, split, fork (children touch, exit or are
 *    SIGKILLed) and detach one segment while it is removed under them:
 *    before the removal every attach works, after it the segment shows
 *    DEST with a private key and can still be attached by id; it vanishes
 *    (EINVAL, unlisted) when the last attachment goes; in a closing phase
 *    attached processes go one by one (exiting or SIGKILLed) and nattch
 *    follows them exactly until the last takes the segment with it.
 *  - shm_resize_*: SHM_SIZE shrinks and grows a segment while processes
 *    read and write it (and re-attach): a touch gets SIGBUS or valid data,
 *    never anything else; with no resize overlapping it, SIGBUS exactly
 *    past the size; never data from before a shrink that cut it.  At the
 *    end the contents within the final size are exact, an unaligned
 *    shrink zeroes the tail of its last page, and regrown pages are zero.
 *  - shm_stat_*: processes attach, split and detach one segment, fork
 *    children holding copies, and are SIGKILLed at random, while IPC_STAT
 *    is polled: nattch stays within what they can hold, and returns to 0.
 *    Each shm test ends with the segment gone and AIXIPC_IOC_INFO back to
 *    its count before the test.
 *  - list_*: 100,000 queues, and 100,000 semaphore sets, are enumerated in
 *    batches; every one appears once, each call returns a full batch with
 *    the cursor moving forward, and the walk takes ceil(N / batch) + 1
 *    calls.  Walk times for 1k, 10k and 100k objects are logged for a
 *    human to judge linearity; timings are never asserted.
 *  - ns_*: IPC namespaces (skipped without root or AIXIPC_FEATURE_NS).
 *    ns_same_keys_*: the same key in the initial namespace and two
 *    others, processes staying in one each while others setns() between
 *    them before every round and are SIGKILLed at random: nobody finds
 *    another namespace's message, set or segment, the only errors are
 *    those of removals.  ns_dies_*: a namespace's holder dies while
 *    visitors setns() in and out through their fds (some SIGKILLed), and
 *    a process that left it keeps one of its segments attached and a
 *    SEM_UNDO adjustment: the namespace dies with the last visitor, the
 *    segment stays usable until detached, the exit is clean.  Both end
 *    with every namespace forgotten, LIST across all namespaces at its
 *    count before the test and the module's reference count back.
 *
 * Adding a facility: the chaos children and the drains are per facility
 * (kill_* and copy_* are message-queue cases, sem_kill_* the semaphore
 * one); the listing test takes its object constructor and destructor from
 * list_kinds[].
 *
 * Every object a test creates is recorded in a table shared by all the
 * processes of the run, keyed by id, and removed by the fixture
 * teardown, or when the run exits if the harness killed the test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The harness has an unused parameter; -Wextra must not stop the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "aixipc_test.h"

/* ---------------------------------------------------------------------- */
/* Small helpers.                                                         */

static long ceil_div(long a, long b)
{
	return (a + b - 1) / b;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A child's failure, in memory shared with the test (@why: 256 bytes):
 * the first failing child wins, its reason is kept.
 */
__attribute__((format(printf, 3, 4)))
static void child_fail(int *failed, char *why, const char *fmt, ...)
{
	va_list ap;
	int zero = 0;

	if (!__atomic_compare_exchange_n(failed, &zero, 1, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	va_start(ap, fmt);
	vsnprintf(why, 256, fmt, ap);
	va_end(ap);
}

static int new_queue(int fd, uint64_t qbytes)
{
	int id = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);

	if (id < 0)
		return id;
	t_track(AIXIPC_MSG, id);
	if (qbytes && t_set_qbytes(fd, id, qbytes)) {
		t_rmid(fd, id);
		t_untrack(AIXIPC_MSG, id);
		return -EIO;
	}
	return id;
}

static int remove_queue(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_MSG, id);
}

/* ---------------------------------------------------------------------- */
/* The fixture: an open device, the limits, the children to kill.         */

FIXTURE(chaos) {
	int fd;
	struct aixipc_limits lim;
	struct t_kids kids;		/* indexed by child number */
};

FIXTURE_SETUP(chaos)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_EQ((uint32_t)AIXIPC_ABI_VERSION, v.abi_version);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_MSG);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_LIST);
	self->lim = v.limits;
}

FIXTURE_TEARDOWN(chaos)
{
	t_teardown(self->fd, &self->kids);
}

/* Start @fn(@arg) in child number @slot; returns its pid. */
static pid_t spawn(FIXTURE_DATA(chaos) *self, int slot,
		   int (*fn)(int fd, int me, void *arg), void *arg)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		_exit(fn(self->fd, slot, arg));
	if (pid > 0)
		self->kids.pid[slot] = pid;
	return pid;
}

/*
 * SIGKILL child @slot and reap it.  Returns 0 if it died of that SIGKILL,
 * else its exit status + 1 (it ended on its own: a failure).
 */
static int kill_kid(FIXTURE_DATA(chaos) *self, int slot)
{
	pid_t pid = self->kids.pid[slot];
	int status;

	if (pid <= 0)
		return 0;
	kill(pid, SIGKILL);
	self->kids.pid[slot] = 0;
	if (waitpid(pid, &status, 0) != pid)
		return 1000;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) + 1 : 1000;
}

/* ====================================================================== */
/* SIGKILL of blocked and busy processes                                  */

/*
 * KILL_NQ queues of KILL_QBYTES bytes.  Blocking senders send types 1..3
 * and block once a queue is full; blocking receivers wait for types 5 and
 * 6, which only the NOWAIT children send; the NOWAIT children also take
 * types 1..3 to make room.  So most of the time many children sleep in
 * the module, on both sides of the same queues.
 */
#define KILL_NQ		3
#define KILL_QBYTES	2048
#define KILL_NRCV	8
#define KILL_NSND	8
#define KILL_NNOWAIT	4
#define KILL_NKIDS	(KILL_NRCV + KILL_NSND + KILL_NNOWAIT)
#define KILL_ROUNDS	400
#define KILL_SECONDS	8.0	/* after KILL_MIN_ROUNDS, stop rounds at this */
#define KILL_MIN_ROUNDS	30
#define KILL_MAXTEXT	512
#define KILL_MAGIC	0xc4a05c4aU

struct kill_hdr {
	uint32_t magic;
	uint32_t len;		/* text bytes, this header included */
	uint32_t seed;
	uint32_t sum;		/* of the payload */
};

struct kill_shared {
	int qid[KILL_NQ];	/* current ids; replaced by the parent */
	int failed;		/* first failing child wins the why */
	char why[256];
	uint64_t sent, received, nowait_ops;
};

struct kill_msg {
	long mtype;
	unsigned char text[KILL_MAXTEXT];
};

#define kill_fail(sh, ...) child_fail(&(sh)->failed, (sh)->why, __VA_ARGS__)

/* Build a message of random length whose text checks itself. */
static size_t kill_build(struct kill_msg *m, long mtype, uint64_t *rng)
{
	struct kill_hdr h;
	size_t len = sizeof(h) +
		     t_xorshift(rng) % (KILL_MAXTEXT - sizeof(h) + 1);
	uint64_t s;
	size_t i;

	h.magic = KILL_MAGIC;
	h.len = (uint32_t)len;
	h.seed = (uint32_t)t_xorshift(rng) | 1;
	s = h.seed;
	for (i = sizeof(h); i < len; i++)
		m->text[i] = (unsigned char)t_xorshift(&s);
	h.sum = t_sum32(m->text + sizeof(h), len - sizeof(h));
	memcpy(m->text, &h, sizeof(h));
	m->mtype = mtype;
	return len;
}

/* Is a received message (n bytes of text, type word mtype) intact? */
static const char *kill_check(const struct kill_msg *m, long n,
			      int64_t mtype)
{
	struct kill_hdr h;

	if (n < (long)sizeof(h))
		return "shorter than its header";
	memcpy(&h, m->text, sizeof(h));
	if (h.magic != KILL_MAGIC)
		return "bad magic";
	if (h.len != (uint32_t)n)
		return "length differs from the header's";
	if (t_sum32(m->text + sizeof(h), h.len - sizeof(h)) != h.sum)
		return "payload corrupted";
	if (m->mtype != mtype)
		return "type word differs from the reported type";
	return NULL;
}

/* Re-read a queue's id after EIDRM/EINVAL: the parent replaced it. */
static bool kill_gone(int err)
{
	if (err == -EIDRM || err == -EINVAL) {
		usleep(200);
		return true;
	}
	return false;
}

static int kill_receiver(int fd, int me, void *arg)
{
	struct kill_shared *sh = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (me + 1) ^ (uint64_t)getpid();
	struct kill_msg m;

	for (;;) {
		int q = sh->qid[t_xorshift(&rng) % KILL_NQ];
		int64_t type = 5 + (int64_t)(t_xorshift(&rng) % 2);
		struct aixipc_msgrcv r;
		const char *bad;
		long n;

		n = t_msgrcv_raw(fd, q, type, &m, KILL_MAXTEXT, 0, &r);
		if (n < 0 && kill_gone((int)n))
			continue;
		if (n < 0) {
			kill_fail(sh, "receiver %d: msgrcv: %s", me,
				  strerror((int)-n));
			return 1;
		}
		bad = kill_check(&m, n, r.mtype);
		if (bad || r.mtype != type) {
			kill_fail(sh, "receiver %d: type %lld message: %s",
				  me, (long long)r.mtype, bad ? bad : "wrong type");
			return 1;
		}
		__atomic_add_fetch(&sh->received, 1, __ATOMIC_RELAXED);
	}
}

static int kill_sender(int fd, int me, void *arg)
{
	struct kill_shared *sh = arg;
	uint64_t rng = 0x5851f42d4c957f2dULL * (me + 1) ^ (uint64_t)getpid();
	struct kill_msg m;

	for (;;) {
		int q = sh->qid[t_xorshift(&rng) % KILL_NQ];
		size_t len = kill_build(&m, 1 + (long)(t_xorshift(&rng) % 3),
					 &rng);
		int err = t_msgsnd_raw(fd, q, &m, len, 0);

		if (err && kill_gone(err))
			continue;
		if (err) {
			kill_fail(sh, "sender %d: msgsnd: %s", me,
				  strerror(-err));
			return 1;
		}
		__atomic_add_fetch(&sh->sent, 1, __ATOMIC_RELAXED);
	}
}

static int kill_nowait(int fd, int me, void *arg)
{
	struct kill_shared *sh = arg;
	uint64_t rng = 0x2545f4914f6cdd1dULL * (me + 1) ^ (uint64_t)getpid();
	struct kill_msg m;

	for (;;) {
		int q = sh->qid[t_xorshift(&rng) % KILL_NQ];
		unsigned int op = (unsigned int)(t_xorshift(&rng) % 4);
		struct aixipc_msgrcv r;
		const char *bad;
		long n;
		int err;

		switch (op) {
		case 0:	/* wake a receiver, or queue for one */
		case 1: {
			size_t len = kill_build(&m, 5 + op, &rng);

			err = t_msgsnd_raw(fd, q, &m, len, AIXIPC_NOWAIT);
			if (err && err != -EAGAIN && !kill_gone(err)) {
				kill_fail(sh, "nowait %d: msgsnd: %s", me,
					  strerror(-err));
				return 1;
			}
			break;
		}
		case 2:	/* make room: admits blocked senders */
		case 3:
			n = t_msgrcv_raw(fd, q, op == 2 ? -3 : 0, &m,
					 KILL_MAXTEXT, AIXIPC_NOWAIT, &r);
			if (n == -ENOMSG || (n < 0 && kill_gone((int)n)))
				break;
			if (n < 0) {
				kill_fail(sh, "nowait %d: msgrcv: %s", me,
					  strerror((int)-n));
				return 1;
			}
			bad = kill_check(&m, n, r.mtype);
			if (bad) {
				kill_fail(sh, "nowait %d: type %lld message: %s",
					  me, (long long)r.mtype, bad);
				return 1;
			}
			break;
		}
		__atomic_add_fetch(&sh->nowait_ops, 1, __ATOMIC_RELAXED);
		usleep(500 + (useconds_t)(t_xorshift(&rng) % 2000));
	}
}

static int (*const kill_roles[])(int, int, void *) = {
	kill_receiver, kill_sender, kill_nowait,
};

static int kill_role(int slot)
{
	return slot < KILL_NRCV ? 0 : slot < KILL_NRCV + KILL_NSND ? 1 : 2;
}

/* The invariants that hold at any instant for these queues. */
static void kill_check_stat(struct __test_metadata *_metadata, int fd, int id)
{
	struct aixipc_msqid_ds ds;
	int err = t_msgctl(fd, id, AIXIPC_IPC_STAT, &ds);

	ASSERT_EQ(0, err);
	ASSERT_EQ((uint64_t)KILL_QBYTES, ds.qbytes);
	ASSERT_GE((uint64_t)KILL_QBYTES, ds.cbytes);
	ASSERT_EQ(ds.qnum == 0, ds.cbytes == 0);
	ASSERT_LE(ds.qnum * sizeof(struct kill_hdr), ds.cbytes);
	ASSERT_GE(ds.qnum * KILL_MAXTEXT, ds.cbytes);
}

TEST_F_TIMEOUT(chaos, kill_blocked_and_busy_processes_at_random, 300)
{
	struct kill_shared *sh;
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	unsigned int round, blocked_rcv = 0, blocked_snd = 0, recreated = 0;
	unsigned int busy = 0;
	long before;
	double t0;
	int i, q;

	TH_LOG("seed %#" PRIx64, rng);
	before = t_count_objects(self->fd, AIXIPC_MSG);
	ASSERT_LE(0, before);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	for (q = 0; q < KILL_NQ; q++) {
		sh->qid[q] = new_queue(self->fd, KILL_QBYTES);
		ASSERT_LE(0, sh->qid[q]);
	}
	for (i = 0; i < KILL_NKIDS; i++)
		ASSERT_LT(0, spawn(self, i, kill_roles[kill_role(i)], sh));

	t0 = now();
	for (round = 0; round < KILL_ROUNDS &&
	     (round < KILL_MIN_ROUNDS || now() - t0 < KILL_SECONDS); round++) {
		int victim = (int)(t_xorshift(&rng) % KILL_NKIDS);
		int role = kill_role(victim);

		usleep((useconds_t)(t_xorshift(&rng) % 15000));
		if (t_sleeping_in_module(self->kids.pid[victim])) {
			if (role == 0)
				blocked_rcv++;
			else if (role == 1)
				blocked_snd++;
		} else {
			busy++;
		}
		ASSERT_EQ(0, kill_kid(self, victim))
			TH_LOG("child %d ended by itself: %s", victim, sh->why);
		ASSERT_LT(0, spawn(self, victim, kill_roles[role], sh));

		/* Now and then, pull a queue from under everyone. */
		if (t_xorshift(&rng) % 16 == 0 || round % 16 == 8) {
			int old;

			q = (int)(t_xorshift(&rng) % KILL_NQ);
			old = sh->qid[q];
			ASSERT_EQ(0, remove_queue(self->fd, old));
			sh->qid[q] = new_queue(self->fd, KILL_QBYTES);
			ASSERT_LE(0, sh->qid[q]);
			recreated++;
		}
		kill_check_stat(_metadata, self->fd,
				sh->qid[t_xorshift(&rng) % KILL_NQ]);
		ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	}
	for (i = 0; i < KILL_NKIDS; i++)
		ASSERT_EQ(0, kill_kid(self, i))
			TH_LOG("child %d ended by itself: %s", i, sh->why);
	ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%u rounds in %.1f s: killed %u blocked receivers, %u blocked senders, %u others; %u queues recreated",
	       round, now() - t0, blocked_rcv, blocked_snd, busy, recreated);
	TH_LOG("traffic: %" PRIu64 " blocking sends, %" PRIu64 " blocking receives, %" PRIu64 " NOWAIT operations",
	       sh->sent, sh->received, sh->nowait_ops);
	/* The test did what its name says. */
	EXPECT_LT(0U, blocked_rcv);
	EXPECT_LT(0U, blocked_snd);
	EXPECT_LT(0U, recreated);

	/* Everyone is gone: no waiter left, counts match the contents. */
	for (q = 0; q < KILL_NQ; q++) {
		int id = sh->qid[q];
		struct aixipc_msqid_ds ds = t_qstat(self->fd, id);
		uint64_t n = 0, bytes = 0;
		struct kill_msg m;
		struct aixipc_msgrcv r;
		long len;

		EXPECT_EQ(0U, ds.status)
			TH_LOG("queue %d: status %#x with no process left",
			       id, ds.status);
		while ((len = t_msgrcv_raw(self->fd, id, 0, &m, KILL_MAXTEXT,
					   AIXIPC_NOWAIT, &r)) >= 0) {
			const char *bad = kill_check(&m, len, r.mtype);

			ASSERT_TRUE(bad == NULL)
				TH_LOG("queue %d, message %" PRIu64 ": %s",
				       id, n, bad);
			n++;
			bytes += (uint64_t)len;
		}
		EXPECT_EQ(-ENOMSG, len);
		EXPECT_EQ(ds.qnum, n);
		EXPECT_EQ(ds.cbytes, bytes);
		ds = t_qstat(self->fd, id);
		EXPECT_EQ(0ULL, ds.qnum);
		EXPECT_EQ(0ULL, ds.cbytes);
		EXPECT_EQ(0U, ds.status);
		/* The queue still works. */
		EXPECT_EQ(0, t_msgsnd(self->fd, id, 1, "x", 1, AIXIPC_NOWAIT));
		EXPECT_EQ(0, remove_queue(self->fd, id));
	}
	EXPECT_EQ(before, t_count_objects(self->fd, AIXIPC_MSG));
	munmap(sh, sizeof(*sh));
}

/* ====================================================================== */
/* SIGKILL of processes blocked in semop, and of lock holders              */

/*
 * SEM_NSETS sets of four semaphores, made with the values sem_init[]:
 *   0  a lock (1): taken and given back by lock children, single
 *      operations with SEM_UNDO, and as part of multi-operation calls;
 *   1  a pool of 3, 2  a pool of 2: taken and given back by
 *      multi-operation calls with SEM_UNDO, some with SEM_ORDER;
 *   3  tokens, no SEM_UNDO: posted by the NOWAIT children, taken by
 *      blocking token children.
 * Every process that uses SEM_UNDO takes before it gives, one unit at a
 * time, and gives back only what it took, so its adjustment never
 * overshoots: whenever it dies, its exit gives back what it held.  Hence
 * semaphores 0..2 never exceed their initial values, and once every child
 * is gone each is back at exactly that value.  Multi-operation takers
 * take in increasing semaphore order, so SEM_ORDER's partial holds cannot
 * form a cycle.  Zero children wait (no SEM_UNDO) for the lock to be held.
 */
#define SEM_NSETS	2
#define SEM_NSEMS	4
#define SEM_NLOCK	4
#define SEM_NMULTI	4
#define SEM_NZERO	2
#define SEM_NTOKEN	2
#define SEM_NNOWAIT	4
#define SEM_NKIDS	(SEM_NLOCK + SEM_NMULTI + SEM_NZERO + SEM_NTOKEN + \
			 SEM_NNOWAIT)
#define SEM_TOKEN_CAP	16
#define SEM_MIN_ROUNDS	60	/* slow kernels too see every kind of kill */

static const uint16_t sem_init[SEM_NSEMS] = { 1, 3, 2, 0 };

struct sem_shared {
	int sid[SEM_NSETS];	/* current ids; replaced by the parent */
	int holding[SEM_NKIDS];	/* child holds what it took (SEM_UNDO) */
	int failed;
	char why[256];
	uint64_t takes, gives, zeros, tokens, nowait_ops;
};

#define sem_fail(sh, ...) child_fail(&(sh)->failed, (sh)->why, __VA_ARGS__)

/* GETVAL, GETNCNT, GETZCNT: the value; RMID, SETALL (array): 0; -errno. */
static int sctl(int fd, int id, uint32_t semnum, uint32_t cmd,
		uint16_t *array)
{
	struct aixipc_semctl c = {
		.id = id, .cmd = cmd, .semnum = semnum,
		.array = (uintptr_t)array,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);

	return err ? err : c.val;
}

/* A set of @nsems, with @init's values if not NULL. */
static int new_set(int fd, uint64_t nsems, const uint16_t *init)
{
	uint16_t vals[SEM_NSEMS];
	int id = t_semget(fd, AIXIPC_KEY_PRIVATE, nsems, AIXIPC_CREAT, 0600);

	if (id < 0)
		return id;
	t_track(AIXIPC_SEM, id);
	if (init) {
		memcpy(vals, init, sizeof(vals));
		if (sctl(fd, id, 0, AIXIPC_SETALL, vals)) {
			t_semrmid(fd, id);
			t_untrack(AIXIPC_SEM, id);
			return -EIO;
		}
	}
	return id;
}

static int remove_set(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_SEM, id);
}

static struct aixipc_sembuf sop(unsigned int num, int op, int flg)
{
	struct aixipc_sembuf s = {
		.sem_num = (uint16_t)num, .sem_op = (int16_t)op,
		.sem_flg = (int16_t)flg,
	};

	return s;
}

/* The set removed under us (EIDRM, EINVAL): look up the new one. */
static bool sem_gone(int err)
{
	if (err == -EIDRM || err == -EINVAL) {
		usleep(200);
		return true;
	}
	return false;
}

/*
 * Take (blocking unless @nowait) what @kind of call takes on set @id, hold
 * it a little, give it back.  Returns 0, or -EAGAIN (NOWAIT, not free),
 * or the error of the take (set gone).  Fails the run on anything else.
 */
static int sem_take_give(struct sem_shared *sh, int fd, int id,
			 unsigned int kind, bool nowait, uint64_t *rng,
			 const char *who, int me)
{
	int flg = AIXIPC_SEM_UNDO | (nowait ? AIXIPC_SEM_NOWAIT : 0);
	struct aixipc_sembuf take[2], give[2];
	unsigned int n, i;
	int err;

	switch (kind % 4) {
	case 0:		/* the lock alone: single operations */
		take[0] = sop(0, -1, flg);
		n = 1;
		break;
	case 1:		/* the lock and one of pool 1, atomically */
		take[0] = sop(0, -1, flg);
		take[1] = sop(1, -1, flg);
		n = 2;
		break;
	case 2:		/* two of pool 1 and one of pool 2, atomically */
		take[0] = sop(1, -1, flg);
		take[1] = sop(2, -1, flg);
		n = 2;
		break;
	default:	/* the lock, then pool 2: SEM_ORDER */
		take[0] = sop(0, -1, flg | AIXIPC_SEM_ORDER);
		take[1] = sop(2, -1, flg | AIXIPC_SEM_ORDER);
		n = 2;
		break;
	}
	err = t_semop(fd, id, take, n);
	if (err == -EAGAIN && nowait && kind % 4 == 3) {
		/* SEM_ORDER may have applied the first: give that back. */
		if (!(take[0].sem_flg & AIXIPC_SEM_ERR)) {
			give[0] = sop(0, 1, AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT);
			err = t_semop(fd, id, give, 1);
			if (err && !sem_gone(err)) {
				sem_fail(sh, "%s %d: giving back a partial take: %s",
					 who, me, strerror(-err));
				return -EPROTO;
			}
		}
		return -EAGAIN;
	}
	if (err == -EAGAIN && nowait)
		return err;
	if (err && sem_gone(err))
		return err;
	if (err) {
		sem_fail(sh, "%s %d: take (kind %u): %s", who, me, kind % 4,
			 strerror(-err));
		return -EPROTO;
	}
	__atomic_add_fetch(&sh->takes, 1, __ATOMIC_RELAXED);
	sh->holding[me] = 1;
	usleep((useconds_t)(t_xorshift(rng) % 3000));
	for (i = 0; i < n; i++)
		give[i] = sop(take[i].sem_num, 1,
			      AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT);
	err = t_semop(fd, id, give, n);
	sh->holding[me] = 0;
	if (err && !sem_gone(err)) {
		sem_fail(sh, "%s %d: give (kind %u): %s", who, me, kind % 4,
			 strerror(-err));
		return -EPROTO;
	}
	if (!err)
		__atomic_add_fetch(&sh->gives, 1, __ATOMIC_RELAXED);
	return 0;
}

static int sem_locker(int fd, int me, void *arg)
{
	struct sem_shared *sh = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (me + 1) ^ (uint64_t)getpid();

	for (;;) {
		int id = sh->sid[t_xorshift(&rng) % SEM_NSETS];
		unsigned int kind = me < SEM_NLOCK ? 0 : 1 + (unsigned int)me % 3;

		if (sem_take_give(sh, fd, id, kind, false, &rng, "locker",
				  me) == -EPROTO)
			return 1;
	}
}

static int sem_zero_waiter(int fd, int me, void *arg)
{
	struct sem_shared *sh = arg;
	uint64_t rng = 0x5851f42d4c957f2dULL * (me + 1) ^ (uint64_t)getpid();

	for (;;) {
		struct aixipc_sembuf w = sop(0, 0, 0);
		int err = t_semop(fd, sh->sid[t_xorshift(&rng) % SEM_NSETS],
				  &w, 1);

		if (err && !sem_gone(err)) {
			sem_fail(sh, "zero waiter %d: %s", me, strerror(-err));
			return 1;
		}
		if (!err) {
			__atomic_add_fetch(&sh->zeros, 1, __ATOMIC_RELAXED);
			usleep(1000);
		}
	}
}

static int sem_token_waiter(int fd, int me, void *arg)
{
	struct sem_shared *sh = arg;
	uint64_t rng = 0x2545f4914f6cdd1dULL * (me + 1) ^ (uint64_t)getpid();

	for (;;) {
		struct aixipc_sembuf w = sop(3, -1, 0);
		int err = t_semop(fd, sh->sid[t_xorshift(&rng) % SEM_NSETS],
				  &w, 1);

		if (err && !sem_gone(err)) {
			sem_fail(sh, "token waiter %d: %s", me, strerror(-err));
			return 1;
		}
		if (!err)
			__atomic_add_fetch(&sh->tokens, 1, __ATOMIC_RELAXED);
	}
}

static int sem_nowait(int fd, int me, void *arg)
{
	struct sem_shared *sh = arg;
	uint64_t rng = 0x369dea0f31a53f85ULL * (me + 1) ^ (uint64_t)getpid();

	for (;;) {
		int id = sh->sid[t_xorshift(&rng) % SEM_NSETS];
		unsigned int op = (unsigned int)(t_xorshift(&rng) % 6);
		struct aixipc_sembuf s;
		int err = 0, v;

		switch (op) {
		case 0:	/* post a token: wakes a token waiter */
		case 1:
			v = sctl(fd, id, 3, AIXIPC_GETVAL, NULL);
			if (v < 0 || v >= SEM_TOKEN_CAP)
				break;
			s = sop(3, 1, AIXIPC_SEM_NOWAIT);
			err = t_semop(fd, id, &s, 1);
			break;
		case 2:	/* take a token */
			s = sop(3, -1, AIXIPC_SEM_NOWAIT);
			err = t_semop(fd, id, &s, 1);
			if (err == -EAGAIN)
				err = 0;
			break;
		default:	/* try the locks and pools */
			err = sem_take_give(sh, fd, id, op, true, &rng,
					    "nowait", me);
			if (err == -EPROTO)
				return 1;
			if (err == -EAGAIN)
				err = 0;
			break;
		}
		if (err && !sem_gone(err)) {
			sem_fail(sh, "nowait %d: op %u: %s", me, op,
				 strerror(-err));
			return 1;
		}
		__atomic_add_fetch(&sh->nowait_ops, 1, __ATOMIC_RELAXED);
		usleep(300 + (useconds_t)(t_xorshift(&rng) % 1500));
	}
}

enum { SEM_LOCKER, SEM_ZERO, SEM_TOKEN, SEM_NOWAIT_ROLE };

static int (*const sem_roles[])(int, int, void *) = {
	sem_locker, sem_zero_waiter, sem_token_waiter, sem_nowait,
};

static int sem_role(int slot)
{
	if (slot < SEM_NLOCK + SEM_NMULTI)
		return SEM_LOCKER;
	slot -= SEM_NLOCK + SEM_NMULTI;
	if (slot < SEM_NZERO)
		return SEM_ZERO;
	slot -= SEM_NZERO;
	return slot < SEM_NTOKEN ? SEM_TOKEN : SEM_NOWAIT_ROLE;
}

/* What holds at any instant: nothing above its initial value. */
static void sem_check_values(struct __test_metadata *_metadata, int fd,
			     int id)
{
	uint16_t v[SEM_NSEMS];
	unsigned int i;

	ASSERT_EQ(0, sctl(fd, id, 0, AIXIPC_GETALL, v));
	for (i = 0; i < 3; i++)
		ASSERT_GE(sem_init[i], v[i])
			TH_LOG("set %d: semaphore %u is %u, above its %u",
			       id, i, v[i], sem_init[i]);
}

TEST_F_TIMEOUT(chaos, sem_kill_blocked_and_lock_holders_at_random, 300)
{
	struct sem_shared *sh;
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	unsigned int round, blocked[4] = { 0 }, busy = 0, recreated = 0;
	unsigned int held = 0;
	long before;
	double t0;
	int i, s;

	TH_LOG("seed %#" PRIx64, rng);
	before = t_count_objects(self->fd, AIXIPC_SEM);
	ASSERT_LE(0, before);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	for (s = 0; s < SEM_NSETS; s++) {
		sh->sid[s] = new_set(self->fd, SEM_NSEMS, sem_init);
		ASSERT_LE(0, sh->sid[s]);
	}
	for (i = 0; i < SEM_NKIDS; i++)
		ASSERT_LT(0, spawn(self, i, sem_roles[sem_role(i)], sh));

	t0 = now();
	for (round = 0; round < KILL_ROUNDS &&
	     (round < SEM_MIN_ROUNDS || now() - t0 < KILL_SECONDS); round++) {
		int victim = (int)(t_xorshift(&rng) % SEM_NKIDS);
		int role = sem_role(victim);

		usleep((useconds_t)(t_xorshift(&rng) % 15000));
		if (t_sleeping_in_module(self->kids.pid[victim]))
			blocked[role]++;
		else
			busy++;
		ASSERT_EQ(0, kill_kid(self, victim))
			TH_LOG("child %d ended by itself: %s", victim, sh->why);
		if (sh->holding[victim])
			held++;
		sh->holding[victim] = 0;
		ASSERT_LT(0, spawn(self, victim, sem_roles[role], sh));

		/* Now and then, pull a set from under everyone. */
		if (t_xorshift(&rng) % 16 == 0 || round % 16 == 8) {
			int old;

			s = (int)(t_xorshift(&rng) % SEM_NSETS);
			old = sh->sid[s];
			ASSERT_EQ(0, remove_set(self->fd, old));
			sh->sid[s] = new_set(self->fd, SEM_NSEMS, sem_init);
			ASSERT_LE(0, sh->sid[s]);
			recreated++;
		}
		sem_check_values(_metadata, self->fd,
				 sh->sid[t_xorshift(&rng) % SEM_NSETS]);
		ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	}
	for (i = 0; i < SEM_NKIDS; i++)
		ASSERT_EQ(0, kill_kid(self, i))
			TH_LOG("child %d ended by itself: %s", i, sh->why);
	ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%u rounds in %.1f s: killed %u blocked lockers, %u blocked zero waiters, %u blocked token waiters, %u NOWAIT children in the module, %u others; %u while holding what they took; %u sets recreated",
	       round, now() - t0, blocked[SEM_LOCKER], blocked[SEM_ZERO],
	       blocked[SEM_TOKEN], blocked[SEM_NOWAIT_ROLE], busy, held,
	       recreated);
	TH_LOG("traffic: %" PRIu64 " takes, %" PRIu64 " gives, %" PRIu64 " zero waits, %" PRIu64 " tokens, %" PRIu64 " NOWAIT operations",
	       sh->takes, sh->gives, sh->zeros, sh->tokens, sh->nowait_ops);
	EXPECT_LT(0U, blocked[SEM_LOCKER]);
	EXPECT_LT(0U, blocked[SEM_ZERO] + blocked[SEM_TOKEN]);
	EXPECT_LT(0U, held);
	EXPECT_LT(0U, recreated);

	/*
	 * Everyone is gone: every SEM_UNDO holder's exit gave back what it
	 * held, so the lock and the pools are whole; nobody waits.
	 */
	for (s = 0; s < SEM_NSETS; s++) {
		int id = sh->sid[s];
		uint16_t v[SEM_NSEMS];
		struct aixipc_sembuf all[3];
		unsigned int j;
		int tokens;

		ASSERT_EQ(0, sctl(self->fd, id, 0, AIXIPC_GETALL, v));
		for (j = 0; j < 3; j++)
			EXPECT_EQ(sem_init[j], v[j])
				TH_LOG("set %d: semaphore %u is %u with no process left, not %u",
				       id, j, v[j], sem_init[j]);
		for (j = 0; j < SEM_NSEMS; j++) {
			EXPECT_EQ(0, sctl(self->fd, id, j, AIXIPC_GETNCNT, NULL))
				TH_LOG("set %d: semaphore %u: waiters with no process left",
				       id, j);
			EXPECT_EQ(0, sctl(self->fd, id, j, AIXIPC_GETZCNT, NULL))
				TH_LOG("set %d: semaphore %u: zero waiters with no process left",
				       id, j);
		}
		/* The tokens are all there to take, and no more. */
		tokens = v[3];
		EXPECT_GE(SEM_TOKEN_CAP + SEM_NNOWAIT, tokens);
		for (j = 0; j < (unsigned int)tokens; j++) {
			all[0] = sop(3, -1, AIXIPC_SEM_NOWAIT);
			ASSERT_EQ(0, t_semop(self->fd, id, all, 1));
		}
		all[0] = sop(3, -1, AIXIPC_SEM_NOWAIT);
		EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, all, 1));
		/* The set still works: everything at once. */
		for (j = 0; j < 3; j++)
			all[j] = sop(j, -(int)sem_init[j], AIXIPC_SEM_NOWAIT);
		EXPECT_EQ(0, t_semop(self->fd, id, all, 3));
		EXPECT_EQ(0, remove_set(self->fd, id));
	}
	EXPECT_EQ(before, t_count_objects(self->fd, AIXIPC_SEM));
	munmap(sh, sizeof(*sh));
}

/* ====================================================================== */
/* The semaphore fast path against IPC_SET, SETVAL, SETALL, SIGKILL, RMID  */

/*
 * Unprivileged workers (uid 65534, so the set's mode binds them) operate
 * on one set through the fast path's raw protocol: a compare-and-swap on
 * their writable mapping when the word is theirs and sem_otime is the
 * current second, else the semop ioctl (IPC_NOWAIT or blocking); one of
 * them scribbles garbage into the words.  Meanwhile the test toggles alter
 * permission (IPC_SET 0666/0644, which revokes every mapping), sets values
 * (SETVAL, SETALL), SIGKILLs workers, and finally removes the set while
 * they run.  Every call a worker makes must end with a result its
 * situation allows (0, EAGAIN, EACCES, EIDRM/EINVAL once removed, EINTR);
 * the values the kernel reports stay within [0, semvmx]; after IPC_RMID
 * every worker ends on its own (none hangs); nobody waits on anything.
 */
#define FAST_NSEMS	4
#define FAST_NWORKERS	6	/* the last one scribbles */
#define FAST_ROUNDS	400
#define FAST_MIN_ROUNDS	60
#define FAST_SECONDS	8.0
#define FAST_SEMVMX	32767
#define FAST_CAP	64	/* workers post no more than this */

struct fast_shared {
	int id;
	int removed;		/* set by the test just before IPC_RMID */
	int failed;
	char why[256];
	uint64_t fast_ops, kernel_ops, eacces, maps, map_denied, scribbles;
};

#define fast_fail(sh, ...) child_fail(&(sh)->failed, (sh)->why, __VA_ARGS__)

/*
 * One operation by the protocol: 0 done, -EAGAIN it would wait, 1 the
 * kernel must do it.
 */
static int fast_raw_op(struct t_semmap *m, unsigned int n, int op)
{
	struct timespec ts;
	uint64_t w, nw;
	int v, spin;

	for (spin = 0; spin < 16; spin++) {
		w = __atomic_load_n(&m->w[n], __ATOMIC_ACQUIRE);
		if (w & AIXIPC_SEMW_KERNEL || m->meta->live != AIXIPC_SEM_LIVE)
			return 1;
		v = (int)(w & AIXIPC_SEMW_VALUE);
		if (op == 0 ? v != 0 : v + op < 0)
			return -EAGAIN;
		v += op;
		if (v > (int)m->meta->semvmx)
			return 1;
		clock_gettime(CLOCK_REALTIME_COARSE, &ts);
		if (m->meta->otime != ts.tv_sec)
			return 1;
		nw = (uint64_t)m->ticket << AIXIPC_SEMW_TICKET_SHIFT |
		     (uint64_t)v;
		if (__atomic_compare_exchange_n(&m->w[n], &w, nw, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
	return 1;
}

/* Is @err what the set's removal gives? */
static bool fast_gone(struct fast_shared *sh, int err)
{
	return (err == -EIDRM || err == -EINVAL) &&
	       __atomic_load_n(&sh->removed, __ATOMIC_SEQ_CST);
}

static int fast_worker(int fd, int me, void *arg)
{
	struct fast_shared *sh = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(me + 7) ^
		       (uint64_t)getpid();
	struct t_semmap m = { 0 };
	bool mapped = false;
	int id = sh->id;

	if (t_become_nobody())
		return KID_BROKEN;
	for (;;) {
		unsigned int n = (unsigned int)(t_xorshift(&rng) % FAST_NSEMS);
		unsigned int what = (unsigned int)(t_xorshift(&rng) % 8);
		int op = what < 3 ? -1 : what < 6 ? 1 : 0, err;
		int flg = t_xorshift(&rng) % 4 ? AIXIPC_SEM_NOWAIT : 0;

		if (!mapped) {
			err = t_semmap(fd, id, AIXIPC_SEMMAP_WRITE, &m);
			if (fast_gone(sh, err))
				return 0;
			if (err == -EACCES) {
				__atomic_add_fetch(&sh->map_denied, 1, __ATOMIC_RELAXED);
			} else if (err) {
				fast_fail(sh, "worker %d: SEMMAP: %s", me,
					  strerror(-err));
				return 1;
			} else {
				mapped = true;
				__atomic_add_fetch(&sh->maps, 1, __ATOMIC_RELAXED);
			}
		}
		if (me == FAST_NWORKERS - 1) {
			/* The scribbler: any value, any ticket, bit clear. */
			if (mapped) {
				__atomic_store_n(&m.w[n], t_xorshift(&rng) &
						 ~(uint64_t)AIXIPC_SEMW_KERNEL,
						 __ATOMIC_RELAXED);
				__atomic_add_fetch(&sh->scribbles, 1, __ATOMIC_RELAXED);
			}
			if (__atomic_load_n(&sh->removed, __ATOMIC_SEQ_CST) &&
			    (!mapped || m.meta->live != AIXIPC_SEM_LIVE))
				return 0;
			usleep(500 + (useconds_t)(t_xorshift(&rng) % 2000));
			continue;
		}
		/* Posts stay below a cap: read it as the fast path would. */
		if (op > 0 && mapped &&
		    (__atomic_load_n(&m.w[n], __ATOMIC_RELAXED) &
		     AIXIPC_SEMW_VALUE) >= FAST_CAP)
			op = -1;
		err = mapped ? fast_raw_op(&m, n, op) : 1;
		if (err == 0) {
			__atomic_add_fetch(&sh->fast_ops, 1, __ATOMIC_RELAXED);
		} else if (err == -EAGAIN && flg) {
			/* IPC_NOWAIT that would wait: done, as the library does. */
		} else {
			struct aixipc_sembuf s = {
				.sem_num = (uint16_t)n, .sem_op = (int16_t)op,
				.sem_flg = (int16_t)flg,
			};

			/* A blocking wait ends by a timeout at the latest. */
			err = flg ? t_semop(fd, id, &s, 1) :
				    t_semtimedop(fd, id, &s, 1, 0, 50000000);
			__atomic_add_fetch(&sh->kernel_ops, 1, __ATOMIC_RELAXED);
			if (fast_gone(sh, err))
				return 0;
			if (err == -EACCES) {
				/* Alter is away: the mapping is dead, map again. */
				__atomic_add_fetch(&sh->eacces, 1, __ATOMIC_RELAXED);
				if (mapped)
					munmap((void *)m.meta, m.size);
				mapped = false;
				usleep(1000);
			} else if (err && err != -EAGAIN && err != -EINTR &&
				   err != -ERANGE) {
				fast_fail(sh, "worker %d: semop %d on %u (flg %d): %s",
					  me, op, n, flg, strerror(-err));
				return 1;
			}
		}
		if (t_xorshift(&rng) % 64 == 0)
			usleep(200);
	}
}

/*
 * Wait (a hang guard of 60 s, not a timing) for workers 0 .. @n - 1 of
 * the kids list to end by themselves, each with status 0; @why is what
 * the workers said of a failure.
 */
static void wait_workers_end(struct __test_metadata *_metadata,
			     FIXTURE_DATA(chaos) *self, int n, const char *why)
{
	int i;

	for (i = 0; i < n; i++) {
		pid_t pid = self->kids.pid[i];
		int j, status = -1;

		for (j = 0; j < 6000 && !t_kid_ended(pid); j++)
			usleep(10000);
		EXPECT_TRUE(t_kid_ended(pid)) TH_LOG("worker %d hangs", i);
		if (!t_kid_ended(pid))
			continue;
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		self->kids.pid[i] = 0;
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("worker %d: status %#x: %s", i, status, why);
	}
}

/* Every value the kernel reports is within [0, semvmx]. */
static void fast_check_values(struct __test_metadata *_metadata, int fd, int id)
{
	uint16_t v[FAST_NSEMS];
	unsigned int i;

	ASSERT_EQ(0, sctl(fd, id, 0, AIXIPC_GETALL, v));
	for (i = 0; i < FAST_NSEMS; i++) {
		unsigned int val = v[i];

		ASSERT_GE(FAST_SEMVMX, val) TH_LOG("semaphore %u is %u", i, val);
	}
}

TEST_F_TIMEOUT(chaos, sem_fast_path_races_ipc_set_setval_kill_and_rmid, 300)
{
	struct fast_shared *sh;
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	unsigned int round, killed = 0, toggles = 0, setvals = 0, setalls = 0;
	unsigned int denied_checks = 0;
	long before;
	double t0;
	int i, id;

	TH_LOG("seed %#" PRIx64, rng);
	before = t_count_objects(self->fd, AIXIPC_SEM);
	ASSERT_LE(0, before);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, FAST_NSEMS, AIXIPC_CREAT,
		      0666);
	ASSERT_LE(0, id);
	t_track(AIXIPC_SEM, id);
	sh->id = id;
	for (i = 0; i < FAST_NWORKERS; i++)
		ASSERT_LT(0, spawn(self, i, fast_worker, sh));

	t0 = now();
	for (round = 0; round < FAST_ROUNDS &&
	     (round < FAST_MIN_ROUNDS || now() - t0 < FAST_SECONDS); round++) {
		unsigned int what = (unsigned int)(t_xorshift(&rng) % 8);

		usleep((useconds_t)(t_xorshift(&rng) % 10000));
		if (what < 2) {
			bool deny = !(toggles % 2);

			ASSERT_EQ(0, t_sem_set_mode(self->fd, id,
						   deny ? 0644 : 0666));
			toggles++;
			/*
			 * Alter is away, every mapping revoked: no worker can
			 * change a value any more (nor a waiter asleep from
			 * before: waking one takes an operation).
			 */
			if (deny) {
				uint16_t a[FAST_NSEMS], b[FAST_NSEMS];

				ASSERT_EQ(0, sctl(self->fd, id, 0, AIXIPC_GETALL, a));
				usleep(20000);
				ASSERT_EQ(0, sctl(self->fd, id, 0, AIXIPC_GETALL, b));
				for (i = 0; i < FAST_NSEMS; i++) {
					unsigned int va = a[i], vb = b[i];

					EXPECT_EQ(va, vb)
						TH_LOG("semaphore %d changed with alter away", i);
				}
				denied_checks++;
			}
		} else if (what < 4) {
			ASSERT_EQ(0, t_semctl(self->fd, id,
					      (uint32_t)(t_xorshift(&rng) % FAST_NSEMS),
					      AIXIPC_SETVAL,
					      (int32_t)(t_xorshift(&rng) % 8)));
			setvals++;
		} else if (what < 5) {
			uint16_t v[FAST_NSEMS];

			for (i = 0; i < FAST_NSEMS; i++)
				v[i] = (uint16_t)(t_xorshift(&rng) % 8);
			ASSERT_EQ(0, sctl(self->fd, id, 0, AIXIPC_SETALL, v));
			setalls++;
		} else if (what < 6) {
			int victim = (int)(t_xorshift(&rng) % FAST_NWORKERS);

			ASSERT_EQ(0, kill_kid(self, victim))
				TH_LOG("worker %d ended by itself: %s", victim, sh->why);
			ASSERT_LT(0, spawn(self, victim, fast_worker, sh));
			killed++;
		}
		fast_check_values(_metadata, self->fd, id);
		ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	}
	/* Half the time alter is away at the removal. */
	if (t_xorshift(&rng) % 2)
		ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0644));
	fast_check_values(_metadata, self->fd, id);
	__atomic_store_n(&sh->removed, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, t_rmid_tracked(self->fd, AIXIPC_SEM, id));
	/* Every worker ends by itself. */
	wait_workers_end(_metadata, self, FAST_NWORKERS, sh->why);
	EXPECT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%u rounds in %.1f s: %u IPC_SETs, %u SETVALs, %u SETALLs, %u workers killed",
	       round, now() - t0, toggles, setvals, setalls, killed);
	TH_LOG("workers: %" PRIu64 " fast, %" PRIu64 " kernel operations, %" PRIu64 " EACCES, %" PRIu64 " maps, %" PRIu64 " denied, %" PRIu64 " scribbles",
	       sh->fast_ops, sh->kernel_ops, sh->eacces, sh->maps,
	       sh->map_denied, sh->scribbles);
	EXPECT_LT(0U, denied_checks);
	EXPECT_LT(0U, killed);
	EXPECT_LT(0U, (unsigned int)sh->kernel_ops);
	EXPECT_EQ(before, t_count_objects(self->fd, AIXIPC_SEM));
	munmap(sh, sizeof(*sh));
}

/* ====================================================================== */
/* SEM_UNDO on the fast path: holders SIGKILLed, values exact             */

/*
 * Workers take units of one set's semaphores, one or two nested takes
 * (maybe of the same semaphore), and give them back in reverse order with
 * the flags of the take.  "Undo" workers always use SEM_UNDO; "mixed"
 * workers choose per take, so their operations without SEM_UNDO also meet
 * words they hold.  Each operation goes by the raw protocol when the word
 * allows it (a SEM_UNDO one only on a word carrying the worker's holder
 * ticket; none on a word carrying another process's adjustment), else by
 * the semop ioctl, a take waiting there UNDO_WAIT_NS at most.  So
 * adjustments keep moving between words and the kernel's records: a
 * SEM_UNDO take through the kernel hands the word to its taker, anyone's
 * operation through the kernel takes it back.
 *
 * sem_fast_undo_holders_*: undo workers are SIGKILLed at random moments
 * and replaced; at the end the mixed workers finish their pairs and the
 * undo workers exit right after their takes.  Every exit gives back what its
 * process took, so with nobody left every value is exactly its initial
 * one: an adjustment lost or applied twice shows.  Meanwhile no value
 * ever exceeds it.
 * sem_fast_undo_chaos_*: the same, some workers uid 65534, while the test
 * also sets values (which clears adjustments), takes alter permission
 * away and back, and removes the set under the workers: no exactness,
 * but values within [0, semvmx], every worker ending on its own after
 * the removal (none hangs).
 */
#define UNDO_NSEMS	4
#define UNDO_INIT	3
#define UNDO_NUNDO	4	/* SIGKILLed at random; then the mixed */
#define UNDO_NMIXED	2
#define UNDO_NWORKERS	(UNDO_NUNDO + UNDO_NMIXED)
#define UNDO_ROUNDS	400
#define UNDO_MIN_ROUNDS	40
#define UNDO_SECONDS	6.0
#define UNDO_WAIT_NS	50000000

struct undo_shared {
	int id;
	int chaos;		/* values set, alter toggled, set removed */
	int stop;		/* finish: mixed after a pair, undo holding */
	int removed;		/* set by the test just before IPC_RMID */
	int failed;
	char why[256];
	uint32_t ticket[UNDO_NWORKERS];	/* a worker's, 0 until it maps */
	int taken[UNDO_NWORKERS];	/* its takes not given back yet */
	uint64_t raw_undo, raw_plain, kernel_undo, kernel_plain, timeouts,
		 eacces, maps;
};

#define undo_fail(sh, ...) child_fail(&(sh)->failed, (sh)->why, __VA_ARGS__)

/* The adjustment a word carries (AIXIPC_SEMW_ADJ, 15-bit two's complement). */
static int word_adj(uint64_t w)
{
	int a = (int)((w & AIXIPC_SEMW_ADJ) >> AIXIPC_SEMW_ADJ_SHIFT);

	return a >= 0x4000 ? a - 0x8000 : a;
}

/*
 * fast_raw_op() under the SEM_UNDO rules (@undo: the operation has
 * SEM_UNDO): 0 done, -EAGAIN it would wait, 1 the kernel must do it.  With
 * our holder ticket in the word its adjustment is ours: @undo changes it
 * with the value, and the word stays held either way.  Any other word
 * must carry no adjustment, and gets our plain ticket.
 */
static int undo_raw_op(struct t_semmap *m, unsigned int n, int op, bool undo)
{
	uint32_t hold = m->ticket | AIXIPC_SEM_TICKET_HOLD;
	struct timespec ts;
	uint64_t w, nw;
	int v, a, spin;
	bool mine;

	for (spin = 0; spin < 16; spin++) {
		w = __atomic_load_n(&m->w[n], __ATOMIC_ACQUIRE);
		if (w & AIXIPC_SEMW_KERNEL || m->meta->live != AIXIPC_SEM_LIVE)
			return 1;
		mine = (uint32_t)(w >> AIXIPC_SEMW_TICKET_SHIFT) == hold;
		a = word_adj(w);
		if (!mine && (a || undo))
			return 1;
		v = (int)(w & AIXIPC_SEMW_VALUE);
		if (v + op < 0)
			return -EAGAIN;
		v += op;
		if (v > (int)m->meta->semvmx)
			return 1;
		if (undo) {
			a -= op;
			if (a < -(int)m->meta->semaem ||
			    a > (int)m->meta->semaem ||
			    a < AIXIPC_SEMW_ADJ_MIN || a > AIXIPC_SEMW_ADJ_MAX)
				return 1;
		}
		clock_gettime(CLOCK_REALTIME_COARSE, &ts);
		if (m->meta->otime != ts.tv_sec)
			return 1;
		nw = (uint64_t)(mine ? hold : m->ticket) << AIXIPC_SEMW_TICKET_SHIFT |
		     ((uint64_t)(uint32_t)a << AIXIPC_SEMW_ADJ_SHIFT & AIXIPC_SEMW_ADJ) |
		     (uint64_t)v;
		if (__atomic_compare_exchange_n(&m->w[n], &w, nw, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
	return 1;
}

/*
 * Worker @me's operation @op on semaphore @n (@undo: SEM_UNDO), raw if the
 * word allows, else by the ioctl.  Return: 0 done; -EAGAIN not done (the
 * take timed out, or alter is away: the mapping is dropped, to be made
 * again); 1 the set is removed; -EPROTO the run failed.
 */
static int undo_op(struct undo_shared *sh, int fd, struct t_semmap *m,
		   bool *mapped, int me, unsigned int n, int op, bool undo)
{
	struct aixipc_sembuf s = sop(n, op, undo ? AIXIPC_SEM_UNDO : 0);
	int err = *mapped ? undo_raw_op(m, n, op, undo) : 1;

	if (!err) {
		__atomic_add_fetch(undo ? &sh->raw_undo : &sh->raw_plain, 1,
				   __ATOMIC_RELAXED);
		return 0;
	}
	/* It would wait, or the word is not ours to change. */
	err = op < 0 ? t_semtimedop(fd, sh->id, &s, 1, 0, UNDO_WAIT_NS) :
		       t_semop(fd, sh->id, &s, 1);
	if (!err) {
		__atomic_add_fetch(undo ? &sh->kernel_undo : &sh->kernel_plain,
				   1, __ATOMIC_RELAXED);
		return 0;
	}
	if (err == -EAGAIN && op < 0) {
		__atomic_add_fetch(&sh->timeouts, 1, __ATOMIC_RELAXED);
		return -EAGAIN;
	}
	if ((err == -EIDRM || err == -EINVAL) &&
	    __atomic_load_n(&sh->removed, __ATOMIC_SEQ_CST))
		return 1;
	if (err == -EACCES && sh->chaos) {
		/* Alter is away: the mapping is dead, map again. */
		__atomic_add_fetch(&sh->eacces, 1, __ATOMIC_RELAXED);
		if (*mapped)
			munmap((void *)m->meta, m->size);
		*mapped = false;
		usleep(1000);
		return -EAGAIN;
	}
	undo_fail(sh, "worker %d: semop %+d on %u%s: %s", me, op, n,
		  undo ? " with SEM_UNDO" : "", strerror(-err));
	return -EPROTO;
}

static int undo_worker(int fd, int me, void *arg)
{
	struct undo_shared *sh = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (uint64_t)(me + 11) ^
		       (uint64_t)getpid();
	bool killable = me < UNDO_NUNDO, mapped = false;
	struct t_semmap m = { 0 };

	/* In the chaos every other worker is bound by the set's mode. */
	if (sh->chaos && me % 2 && t_become_nobody())
		return KID_BROKEN;
	for (;;) {
		bool stop = __atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST);
		unsigned int num[2], k, i;
		bool undo[2];
		int err = 0;

		if (!mapped) {
			err = t_semmap(fd, sh->id, AIXIPC_SEMMAP_WRITE, &m);
			if (!err) {
				mapped = true;
				sh->ticket[me] = m.ticket;
				__atomic_add_fetch(&sh->maps, 1,
						   __ATOMIC_RELAXED);
			} else if ((err == -EIDRM || err == -EINVAL) &&
				   __atomic_load_n(&sh->removed,
						   __ATOMIC_SEQ_CST)) {
				return 0;
			} else if (err != -EACCES || !sh->chaos) {
				undo_fail(sh, "worker %d: SEMMAP: %s", me,
					  strerror(-err));
				return 1;
			}
		}
		if (stop && !killable)
			return 0;
		k = 1 + (unsigned int)(t_xorshift(&rng) % 2);
		for (i = 0; i < k; i++) {
			num[i] = (unsigned int)(t_xorshift(&rng) % UNDO_NSEMS);
			undo[i] = killable || t_xorshift(&rng) % 2;
			err = undo_op(sh, fd, &m, &mapped, me, num[i], -1,
				      undo[i]);
			if (err)
				break;
			sh->taken[me]++;
		}
		if (err == 1)
			return 0;
		if (err == -EPROTO)
			return 1;
		/* Leave holding what we took: the exit must give it back. */
		if (killable && stop)
			return 0;
		usleep((useconds_t)(t_xorshift(&rng) % 2000));
		while (i-- > 0) {
			err = undo_op(sh, fd, &m, &mapped, me, num[i], 1,
				      undo[i]);
			if (err == 1)
				return 0;
			if (err == -EPROTO)
				return 1;
			if (!err)
				sh->taken[me]--;
		}
	}
}

/* Does worker @slot hold a word with an adjustment (seen in @ro)? */
static bool undo_holds_word(struct undo_shared *sh, struct t_semmap *ro,
			    int slot)
{
	uint32_t hold = sh->ticket[slot] | AIXIPC_SEM_TICKET_HOLD;
	unsigned int i;

	for (i = 0; i < UNDO_NSEMS && sh->ticket[slot]; i++) {
		uint64_t w = __atomic_load_n(&ro->w[i], __ATOMIC_ACQUIRE);

		if (!(w & AIXIPC_SEMW_KERNEL) && word_adj(w) &&
		    (uint32_t)(w >> AIXIPC_SEMW_TICKET_SHIFT) == hold)
			return true;
	}
	return false;
}

/* Every value within [0, semvmx]; with @exact, at most UNDO_INIT. */
static void undo_check_values(struct __test_metadata *_metadata, int fd,
			      int id, bool exact, uint64_t semvmx)
{
	uint16_t v[UNDO_NSEMS];
	unsigned int i;

	ASSERT_EQ(0, sctl(fd, id, 0, AIXIPC_GETALL, v));
	for (i = 0; i < UNDO_NSEMS; i++) {
		unsigned int val = v[i];

		ASSERT_GE(semvmx, val) TH_LOG("semaphore %u is %u", i, val);
		if (exact)
			ASSERT_GE(UNDO_INIT, val)
				TH_LOG("semaphore %u is %u, above its %u", i,
				       val, UNDO_INIT);
	}
}

static void undo_race(struct __test_metadata *_metadata,
		      FIXTURE_DATA(chaos) *self, bool chaos)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	unsigned int round, killed = 0, taking = 0, holding = 0;
	unsigned int toggles = 0, setvals = 0, setalls = 0;
	uint16_t init[UNDO_NSEMS];
	struct aixipc_version v;
	struct undo_shared *sh;
	struct t_semmap ro;
	long before;
	double t0;
	int i, id;

	memset(&v, 0, sizeof(v));
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
	if (!(v.features & AIXIPC_FEATURE_SEM_FAST_UNDO))
		SKIP(return, "no SEM_UNDO on the fast path");
	TH_LOG("seed %#" PRIx64, rng);
	before = t_count_objects(self->fd, AIXIPC_SEM);
	ASSERT_LE(0, before);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	sh->chaos = chaos;
	id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, UNDO_NSEMS, AIXIPC_CREAT,
		      0666);
	ASSERT_LE(0, id);
	t_track(AIXIPC_SEM, id);
	sh->id = id;
	for (i = 0; i < UNDO_NSEMS; i++)
		init[i] = UNDO_INIT;
	ASSERT_EQ(0, sctl(self->fd, id, 0, AIXIPC_SETALL, init));
	/* To see, at a kill, whether the victim held a word. */
	ASSERT_EQ(0, t_semmap(self->fd, id, 0, &ro));
	for (i = 0; i < UNDO_NWORKERS; i++)
		ASSERT_LT(0, spawn(self, i, undo_worker, sh));

	t0 = now();
	for (round = 0; round < UNDO_ROUNDS &&
	     (round < UNDO_MIN_ROUNDS || now() - t0 < UNDO_SECONDS); round++) {
		unsigned int what = (unsigned int)(t_xorshift(&rng) % 8);

		usleep((useconds_t)(t_xorshift(&rng) % 10000));
		if (!chaos || what < 3) {
			int victim = (int)(t_xorshift(&rng) % UNDO_NUNDO);

			if (sh->taken[victim])
				taking++;
			if (undo_holds_word(sh, &ro, victim))
				holding++;
			ASSERT_EQ(0, kill_kid(self, victim))
				TH_LOG("worker %d ended by itself: %s", victim,
				       sh->why);
			sh->ticket[victim] = 0;
			sh->taken[victim] = 0;
			ASSERT_LT(0, spawn(self, victim, undo_worker, sh));
			killed++;
		} else if (what < 5) {
			bool deny = !(toggles % 2);

			ASSERT_EQ(0, t_sem_set_mode(self->fd, id,
						   deny ? 0644 : 0666));
			toggles++;
		} else if (what < 7) {
			ASSERT_EQ(0, t_semctl(self->fd, id,
					      (uint32_t)(t_xorshift(&rng) % UNDO_NSEMS),
					      AIXIPC_SETVAL,
					      (int32_t)(t_xorshift(&rng) % 8)));
			setvals++;
		} else {
			uint16_t vals[UNDO_NSEMS];

			for (i = 0; i < UNDO_NSEMS; i++)
				vals[i] = (uint16_t)(t_xorshift(&rng) % 8);
			ASSERT_EQ(0, sctl(self->fd, id, 0, AIXIPC_SETALL, vals));
			setalls++;
		}
		undo_check_values(_metadata, self->fd, id, !chaos,
				  self->lim.semvmx);
		ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	}
	if (chaos) {
		/* Half the time alter is away at the removal. */
		if (t_xorshift(&rng) % 2)
			ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0644));
		undo_check_values(_metadata, self->fd, id, false,
				  self->lim.semvmx);
		__atomic_store_n(&sh->removed, 1, __ATOMIC_SEQ_CST);
		ASSERT_EQ(0, t_rmid_tracked(self->fd, AIXIPC_SEM, id));
	} else {
		__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	}
	wait_workers_end(_metadata, self, UNDO_NWORKERS, sh->why);
	EXPECT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%u rounds in %.1f s: %u workers killed, %u of them between a take and its give, %u holding a word with their adjustment; %u IPC_SETs, %u SETVALs, %u SETALLs",
	       round, now() - t0, killed, taking, holding, toggles, setvals,
	       setalls);
	TH_LOG("workers: %" PRIu64 " raw SEM_UNDO, %" PRIu64 " raw plain, %" PRIu64 " kernel SEM_UNDO, %" PRIu64 " kernel plain operations, %" PRIu64 " timed out, %" PRIu64 " EACCES, %" PRIu64 " maps",
	       sh->raw_undo, sh->raw_plain, sh->kernel_undo, sh->kernel_plain,
	       sh->timeouts, sh->eacces, sh->maps);
	EXPECT_LT(0U, killed);
	EXPECT_LT(0U, (unsigned int)sh->raw_undo);
	EXPECT_LT(0U, (unsigned int)sh->kernel_undo);
	if (!chaos) {
		struct aixipc_sembuf all[UNDO_NSEMS];

		EXPECT_LT(0U, holding);
		EXPECT_LT(0U, (unsigned int)sh->raw_plain);
		/*
		 * Nobody is left: whatever each process took, its exit or its
		 * own give gave back exactly once.
		 */
		for (i = 0; i < UNDO_NSEMS; i++) {
			EXPECT_EQ(UNDO_INIT, sctl(self->fd, id, i, AIXIPC_GETVAL,
						  NULL))
				TH_LOG("semaphore %d with no process left", i);
			EXPECT_EQ(0, sctl(self->fd, id, i, AIXIPC_GETNCNT, NULL))
				TH_LOG("semaphore %d: waiters with no process left",
				       i);
			EXPECT_EQ(0, sctl(self->fd, id, i, AIXIPC_GETZCNT, NULL))
				TH_LOG("semaphore %d: zero waiters with no process left",
				       i);
			all[i] = sop(i, -UNDO_INIT, AIXIPC_SEM_NOWAIT);
		}
		/* The set still works: everything at once. */
		EXPECT_EQ(0, t_semop(self->fd, id, all, UNDO_NSEMS));
		EXPECT_EQ(0, remove_set(self->fd, id));
	}
	munmap((void *)ro.meta, ro.size);
	EXPECT_EQ(before, t_count_objects(self->fd, AIXIPC_SEM));
	munmap(sh, sizeof(*sh));
}

TEST_F_TIMEOUT(chaos, sem_fast_undo_holders_killed_leave_exact_values, 300)
{
	undo_race(_metadata, self, false);
}

TEST_F_TIMEOUT(chaos, sem_fast_undo_chaos_setval_ipc_set_kill_and_rmid, 300)
{
	undo_race(_metadata, self, true);
}

/* ====================================================================== */
/* SIGKILL in the middle of a 4 MiB copy                                  */

/*
 * The text of message number seq: a fixed random pattern with seq stamped
 * over the first 8 bytes of every 4 KiB, so a torn or mixed message shows.
 */
#define COPY_CHUNK	4096
#define COPY_ROUNDS	40
#define COPY_SECONDS	20.0	/* after COPY_MIN_ROUNDS, stop rounds at this */
#define COPY_MIN_ROUNDS	10
#define COPY_FIT	8	/* messages the queue holds */

struct copy_shared {
	volatile uint64_t next;		/* first seq the next child uses */
	volatile uint64_t acked;	/* last seq the child saw succeed */
	volatile uint64_t in_call;	/* seq in the ioctl right now, or 0 */
	volatile int ready;
	char why[256];
};

struct copy_env {
	struct copy_shared *sh;
	int id;
	size_t len;
	unsigned char *ref;		/* the pattern */
	unsigned char *buf;		/* type word + text */
};

static void copy_stamp(struct copy_env *c, uint64_t seq)
{
	size_t off;

	for (off = 0; off < c->len; off += COPY_CHUNK)
		memcpy(c->buf + sizeof(long) + off, &seq,
		       c->len - off < 8 ? c->len - off : 8);
}

/* The seq of an intact message, or 0 with *why set. */
static uint64_t copy_verify(const struct copy_env *c, long n,
			    const char **why)
{
	const unsigned char *t = c->buf + sizeof(long);
	uint64_t seq;
	size_t off;

	*why = NULL;
	if (n != (long)c->len) {
		*why = "wrong length";
		return 0;
	}
	memcpy(&seq, t, 8);
	for (off = 0; off < c->len; off += COPY_CHUNK) {
		size_t end = off + COPY_CHUNK < c->len ? off + COPY_CHUNK
						       : c->len;

		if (memcmp(t + off, &seq, 8)) {
			*why = "torn: two messages' stamps";
			return 0;
		}
		if (memcmp(t + off + 8, c->ref + off + 8, end - off - 8)) {
			*why = "corrupted text";
			return 0;
		}
	}
	return seq;
}

static int copy_sender(int fd, int me, void *arg)
{
	struct copy_env *c = arg;
	struct copy_shared *sh = c->sh;
	uint64_t seq = sh->next;
	long mtype = 1;

	(void)me;
	memcpy(c->buf, &mtype, sizeof(mtype));
	copy_stamp(c, seq);	/* touch every page before saying ready */
	sh->ready = 1;
	for (;; seq++) {
		int err;

		copy_stamp(c, seq);
		sh->in_call = seq;
		err = t_msgsnd_raw(fd, c->id, c->buf, c->len, 0);
		sh->in_call = 0;
		if (err) {
			snprintf(sh->why, sizeof(sh->why), "msgsnd of %" PRIu64 ": %s",
				 seq, strerror(-err));
			return 1;
		}
		sh->acked = seq;
	}
}

static int copy_receiver(int fd, int me, void *arg)
{
	struct copy_env *c = arg;
	struct copy_shared *sh = c->sh;

	(void)me;
	memset(c->buf, 0, sizeof(long) + c->len);
	sh->ready = 1;
	for (;;) {
		const char *why;
		uint64_t seq;
		long n;

		sh->in_call = 1;
		n = t_msgrcv_raw(fd, c->id, 0, c->buf, c->len, 0, NULL);
		sh->in_call = 0;
		if (n < 0) {
			snprintf(sh->why, sizeof(sh->why), "msgrcv: %s",
				 strerror((int)-n));
			return 1;
		}
		seq = copy_verify(c, n, &why);
		if (!seq || seq != sh->acked + 1) {
			snprintf(sh->why, sizeof(sh->why),
				 "received %" PRIu64 " after %" PRIu64 ": %s", seq,
				 (uint64_t)sh->acked, why ? why : "out of order");
			return 1;
		}
		sh->acked = seq;
	}
}

/* Set up a queue for COPY_FIT messages of up to 4 MiB and the buffers. */
static int copy_setup(FIXTURE_DATA(chaos) *self, struct copy_env *c)
{
	uint64_t rng = 0x1234567;
	size_t i;

	c->len = 4 << 20;
	if (c->len > self->lim.msgmax)
		c->len = self->lim.msgmax;
	c->sh = mmap(NULL, sizeof(*c->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	c->ref = malloc(c->len);
	c->buf = malloc(sizeof(long) + c->len);
	if (c->sh == MAP_FAILED || !c->ref || !c->buf)
		return -ENOMEM;
	memset(c->sh, 0, sizeof(*c->sh));
	for (i = 0; i < c->len; i++)
		c->ref[i] = (unsigned char)t_xorshift(&rng);
	memcpy(c->buf + sizeof(long), c->ref, c->len);
	c->id = new_queue(self->fd, (uint64_t)c->len * COPY_FIT);
	return c->id < 0 ? c->id : 0;
}

static void copy_teardown(FIXTURE_DATA(chaos) *self, struct copy_env *c)
{
	if (c->id >= 0)
		remove_queue(self->fd, c->id);
	free(c->ref);
	free(c->buf);
	munmap(c->sh, sizeof(*c->sh));
}

/* How long one 4 MiB send takes here, in microseconds. */
static unsigned int copy_calibrate(FIXTURE_DATA(chaos) *self,
				   struct copy_env *c)
{
	double t;
	long mtype = 1;

	memcpy(c->buf, &mtype, sizeof(mtype));
	t = now();
	if (t_msgsnd_raw(self->fd, c->id, c->buf, c->len, AIXIPC_NOWAIT))
		return 0;
	t = now() - t;
	if (t_msgrcv_raw(self->fd, c->id, 0, c->buf, c->len, AIXIPC_NOWAIT,
			 NULL) != (long)c->len)
		return 0;
	return (unsigned int)(t * 1e6) + 1;
}

/* Start child 0 running @fn and wait until it is about to call. */
static pid_t copy_start(FIXTURE_DATA(chaos) *self, struct copy_env *c,
			int (*fn)(int, int, void *))
{
	pid_t pid;
	int i;

	c->sh->ready = 0;
	pid = spawn(self, 0, fn, c);
	for (i = 0; pid > 0 && !c->sh->ready && i < 100000; i++)
		usleep(100);
	return c->sh->ready ? pid : -1;
}

TEST_F_TIMEOUT(chaos, copy_kill_sender_mid_4m_message_loses_nothing_acked, 300)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	unsigned int round, us, inside = 0, landed = 0;
	uint64_t total = 0;
	struct copy_env c;
	double t0;

	memset(&c, 0, sizeof(c));
	c.id = -1;
	ASSERT_EQ(0, copy_setup(self, &c));
	us = copy_calibrate(self, &c);
	ASSERT_LT(0U, us);
	TH_LOG("seed %#" PRIx64 "; one %zu-byte send takes %u us", rng, c.len,
	       us);
	c.sh->next = 1;

	t0 = now();
	for (round = 0; round < COPY_ROUNDS &&
	     (round < COPY_MIN_ROUNDS || now() - t0 < COPY_SECONDS); round++) {
		uint64_t first = c.sh->next, seq, want, in_call;
		const char *why;
		long n;

		c.sh->acked = first - 1;
		ASSERT_LT(0, copy_start(self, &c, copy_sender));
		usleep((useconds_t)(t_xorshift(&rng) % (3 * us)));
		in_call = c.sh->in_call;
		ASSERT_EQ(0, kill_kid(self, 0)) TH_LOG("%s", c.sh->why);
		if (in_call)
			inside++;

		/*
		 * Every acknowledged message is queued, in order; at most one
		 * more: the one whose send completed as the sender died.
		 */
		for (want = first;; want++) {
			n = t_msgrcv_raw(self->fd, c.id, 0, c.buf, c.len,
					 AIXIPC_NOWAIT, NULL);
			if (n == -ENOMSG)
				break;
			ASSERT_LE(0, n) TH_LOG("drain: %s", strerror((int)-n));
			seq = copy_verify(&c, n, &why);
			ASSERT_NE(0ULL, seq) TH_LOG("message after %" PRIu64 ": %s",
						   want - 1, why);
			ASSERT_EQ(want, seq);
			total++;
		}
		ASSERT_LE(c.sh->acked + 1, want)
			TH_LOG("acknowledged up to %" PRIu64 ", queued only up to %" PRIu64,
			       (uint64_t)c.sh->acked, want - 1);
		ASSERT_GE(c.sh->acked + 2, want)
			TH_LOG("acknowledged up to %" PRIu64 ", but %" PRIu64 " queued",
			       (uint64_t)c.sh->acked, want - 1);
		if (in_call && want == in_call + 1)
			landed++;	/* killed mid-call, message complete */
		c.sh->next = want;
		ASSERT_EQ(0ULL, t_qstat(self->fd, c.id).qnum);
		ASSERT_EQ(0U, t_qstat(self->fd, c.id).status);
	}
	TH_LOG("%u rounds, %" PRIu64 " messages: %u kills inside msgsnd, after which the message was queued %u times and absent %u times",
	       round, total, inside, landed, inside - landed);
	EXPECT_LT(0U, inside);
	copy_teardown(self, &c);
}

TEST_F_TIMEOUT(chaos, copy_kill_receiver_mid_4m_message_loses_nothing_else, 300)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	unsigned int round, us, inside = 0, consumed = 0;
	uint64_t seq = 1, head = 1;
	struct copy_env c;
	double t0;

	memset(&c, 0, sizeof(c));
	c.id = -1;
	ASSERT_EQ(0, copy_setup(self, &c));
	us = copy_calibrate(self, &c);
	ASSERT_LT(0U, us);
	TH_LOG("seed %#" PRIx64 "; one %zu-byte send takes %u us", rng, c.len,
	       us);

	t0 = now();
	for (round = 0; round < COPY_ROUNDS &&
	     (round < COPY_MIN_ROUNDS || now() - t0 < COPY_SECONDS); round++) {
		struct aixipc_msqid_ds ds = t_qstat(self->fd, c.id);
		uint64_t in_call, acked, first;
		long mtype = 1;
		const char *why;
		long n;

		/* Top the queue up to COPY_FIT messages head .. seq - 1. */
		memcpy(c.buf, &mtype, sizeof(mtype));
		for (; ds.qnum < COPY_FIT; ds.qnum++, seq++) {
			copy_stamp(&c, seq);
			ASSERT_EQ(0, t_msgsnd_raw(self->fd, c.id, c.buf, c.len,
						  AIXIPC_NOWAIT));
		}
		c.sh->acked = head - 1;
		ASSERT_LT(0, copy_start(self, &c, copy_receiver));
		usleep((useconds_t)(t_xorshift(&rng) % (3 * us)));
		in_call = c.sh->in_call;
		ASSERT_EQ(0, kill_kid(self, 0)) TH_LOG("%s", c.sh->why);
		acked = c.sh->acked;
		if (in_call)
			inside++;

		/*
		 * What is left starts right after what was received, or one
		 * later: the message the dying receiver had taken.  Nothing
		 * else may be missing, and the rest is intact and in order.
		 */
		n = t_msgrcv_raw(self->fd, c.id, 0, c.buf, c.len, AIXIPC_NOWAIT,
				 NULL);
		if (n == -ENOMSG) {
			first = seq;
		} else {
			ASSERT_LE(0, n) TH_LOG("drain: %s", strerror((int)-n));
			first = copy_verify(&c, n, &why);
			ASSERT_NE(0ULL, first) TH_LOG("%s", why);
		}
		ASSERT_LE(acked + 1, first);
		ASSERT_GE(acked + 2, first)
			TH_LOG("received up to %" PRIu64 ", but the queue resumes at %" PRIu64,
			       acked, first);
		if (first == acked + 2)
			consumed++;
		/* Drain the rest, in order; the next round refills. */
		head = first;
		if (n >= 0) {
			uint64_t s;

			for (s = first + 1; s < seq; s++) {
				n = t_msgrcv_raw(self->fd, c.id, 0, c.buf,
						 c.len, AIXIPC_NOWAIT, NULL);
				ASSERT_LE(0, n);
				ASSERT_EQ(s, copy_verify(&c, n, &why));
			}
			ASSERT_EQ(0ULL, t_qstat(self->fd, c.id).qnum);
			head = seq;
		}
		ASSERT_EQ(0U, t_qstat(self->fd, c.id).status);
	}
	TH_LOG("%u rounds: %u kills inside msgrcv, %u took a message with them",
	       round, inside, consumed);
	EXPECT_LT(0U, inside);
	copy_teardown(self, &c);
}

/* ====================================================================== */
/* Shared memory                                                          */

static size_t pgsz(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static uint64_t pg_align(uint64_t x)
{
	return (x + pgsz() - 1) / pgsz() * pgsz();
}

static int new_segment(int fd, int32_t key, uint64_t size)
{
	int id = t_shmget(fd, key, size, AIXIPC_CREAT | AIXIPC_EXCL, 0600);

	if (id >= 0)
		t_track(AIXIPC_SHM, id);
	return id;
}

static int remove_segment(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_SHM, id);
}

/* A segment's status, or one that fails every comparison. */
static struct aixipc_shmid_ds sstat(int fd, int id, int *err)
{
	struct aixipc_shmid_ds ds;

	memset(&ds, 0xff, sizeof(ds));
	*err = t_shmctl(fd, id, AIXIPC_IPC_STAT, NULL, &ds);
	if (*err)
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

/*
 * Touches that may fault on purpose (SIGBUS past a segment's size): the
 * handler jumps back into probe32() when a touch is under way; any other
 * fault kills the process as usual.
 */
static sigjmp_buf *probe_env;
static volatile sig_atomic_t probe_sig;

static void probe_handler(int sig)
{
	sigjmp_buf *env = probe_env;

	if (!env) {
		signal(sig, SIG_DFL);
		return;		/* faults again, and dies of it */
	}
	probe_env = NULL;
	probe_sig = sig;
	siglongjmp(*env, 1);
}

static void probe_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* Read (or write) the word at @p: 0, or the signal the access raised. */
static int probe32(volatile uint32_t *p, bool write, uint32_t *v)
{
	sigjmp_buf env;

	if (sigsetjmp(env, 1))
		return probe_sig;
	probe_env = &env;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (write)
		*p = *v;
	else
		*v = *p;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	probe_env = NULL;
	return 0;
}

/* ---- IPC_RMID racing attach, detach and fork ------------------------- */

#define SHMR_KIDS	6
#define SHMR_ROUNDS	60
#define SHMR_MIN_ROUNDS	8
#define SHMR_SECONDS	5.0
#define SHMR_HOLD	4	/* the last-detach phase: processes holding it */
/* 2 attachments of 3 pieces each, and as many in a fork child. */
#define SHMR_NATTCH_MAX	(SHMR_KIDS * 2 * 3 * 2)

struct shmr_shared {
	int id;
	int removed;		/* set before IPC_RMID is made */
	int stop;
	int failed;
	char why[256];
	uint64_t attaches, after_rmid, gone_seen, forks, splits, gkills;
};

static int shmr_worker(int fd, int me, void *arg)
{
	struct shmr_shared *sh = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (me + 1) ^ (uint64_t)getpid();
	size_t pg = pgsz();

	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		volatile unsigned char *at[2];
		uint64_t len[2], got = 0;
		int n = 1 + (int)(t_xorshift(&rng) % 2), i, err;
		size_t off;

		for (i = 0; i < n; i++) {
			void *p;

			err = t_shmat(fd, sh->id, NULL, 0, &p, &len[i]);
			if (err) {
				if ((err == -EINVAL || err == -EIDRM) &&
				    __atomic_load_n(&sh->removed, __ATOMIC_ACQUIRE)) {
					__atomic_add_fetch(&sh->gone_seen, 1, __ATOMIC_RELAXED);
					break;	/* gone with its last detach */
				}
				child_fail(&sh->failed, sh->why,
					 "worker %d: shmat of a segment not removed: %s",
					 me, strerror(-err));
				return 1;
			}
			at[i] = p;
			__atomic_add_fetch(&sh->attaches, 1, __ATOMIC_RELAXED);
			if (__atomic_load_n(&sh->removed, __ATOMIC_ACQUIRE))
				__atomic_add_fetch(&sh->after_rmid, 1, __ATOMIC_RELAXED);
		}
		n = i;
		for (i = 0; i < n; i++)
			for (off = 0; off < len[i]; off += pg)
				at[i][off + (size_t)me + 1] = (unsigned char)me;
		/* Three pieces: the middle page read-only. */
		if (n && len[0] >= 3 * pg && t_xorshift(&rng) % 4 == 0) {
			if (mprotect((void *)(at[0] + pg), pg, PROT_READ)) {
				child_fail(&sh->failed, sh->why, "worker %d: mprotect: %s",
					 me, strerror(errno));
				return 1;
			}
			__atomic_add_fetch(&sh->splits, 1, __ATOMIC_RELAXED);
		}
		/* A child with copies of it all: it reads, exits or is killed. */
		if (n && t_xorshift(&rng) % 5 == 0) {
			bool kill_it = t_xorshift(&rng) % 2;
			pid_t pid = fork();
			int st;

			if (pid == 0) {
				unsigned int sum = 0;

				for (i = 0; i < n; i++)
					for (off = 0; off < len[i]; off += pg)
						sum += at[i][off];
				if (kill_it)
					pause();
				_exit(sum == 0x7fffffff);
			}
			if (pid < 0) {
				child_fail(&sh->failed, sh->why, "worker %d: fork: %s", me,
					 strerror(errno));
				return 1;
			}
			if (kill_it) {
				usleep((useconds_t)(t_xorshift(&rng) % 2000));
				kill(pid, SIGKILL);
				__atomic_add_fetch(&sh->gkills, 1, __ATOMIC_RELAXED);
			}
			if (waitpid(pid, &st, 0) != pid ||
			    (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) ||
			    (WIFEXITED(st) && WEXITSTATUS(st))) {
				child_fail(&sh->failed, sh->why,
					 "worker %d: its fork child ended with status %#x",
					 me, st);
				return 1;
			}
			__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
		}
		for (i = n - 1; i >= 0; i--) {
			if (t_xorshift(&rng) % 2) {
				err = t_shmdt(fd, (void *)at[i], &got);
				if (err || got != len[i]) {
					child_fail(&sh->failed, sh->why,
						 "worker %d: shmdt: %s, %llu of %llu bytes",
						 me, err ? strerror(-err) : "ok",
						 (unsigned long long)got,
						 (unsigned long long)len[i]);
					return 1;
				}
			} else if (munmap((void *)at[i], len[i])) {
				child_fail(&sh->failed, sh->why, "worker %d: munmap: %s",
					 me, strerror(errno));
				return 1;
			}
		}
		if (!n)
			usleep(200);
	}
	return 0;
}

/* Reap child @slot, which must end by itself: its exit status, or 1000 + signal. */
static int reap_kid(FIXTURE_DATA(chaos) *self, int slot)
{
	pid_t pid = self->kids.pid[slot];
	int status;

	self->kids.pid[slot] = 0;
	if (pid <= 0 || waitpid(pid, &status, 0) != pid)
		return 2000;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

/*
 * The last-detach phase: SHMR_HOLD processes hold the segment (one of
 * them in three pieces) and wait; it is removed; then they go one by one,
 * exiting (some after shmdt) or SIGKILLed, and nattch follows exactly.
 */
struct shmr_hold {
	int id, idx;
	int ready, rel[SHMR_HOLD][2];
};

static int shmr_holder(int fd, int me, void *arg)
{
	struct shmr_hold *h = arg;
	size_t pg = pgsz();
	uint64_t len, got = 0;
	void *p;
	char c;
	int i, err;

	for (i = 0; i < SHMR_HOLD; i++)
		close(h->rel[i][1]);
	err = t_shmat(fd, h->id, NULL, 0, &p, &len);
	if (err)
		_exit(10);
	memset(p, me, len);
	if (me == 1 && mprotect((char *)p + pg, pg, PROT_READ))
		_exit(11);
	if (write(h->ready, "r", 1) != 1)
		_exit(12);
	while (read(h->rel[me][0], &c, 1) < 0 && errno == EINTR)
		;
	if (me % 2) {
		err = t_shmdt(fd, p, &got);
		if (err || got != len)
			_exit(13);
	}
	return 0;	/* the exit detaches what is left */
}

static void shmr_last_detach(struct __test_metadata *_metadata,
			     FIXTURE_DATA(chaos) *self, uint64_t *rng,
			     int32_t key)
{
	size_t pg = pgsz();
	int ready[2], i, err, order[SHMR_HOLD], pieces[SHMR_HOLD];
	uint64_t left = 0, len, got;
	struct aixipc_shmid_ds ds;
	struct shmr_hold h;
	void *p;
	char c;

	memset(&h, 0, sizeof(h));
	h.id = new_segment(self->fd, key, 3 * pg);
	ASSERT_LE(0, h.id);
	ASSERT_EQ(0, pipe(ready));
	h.ready = ready[1];
	for (i = 0; i < SHMR_HOLD; i++)
		ASSERT_EQ(0, pipe(h.rel[i]));
	for (i = 0; i < SHMR_HOLD; i++) {
		ASSERT_LT(0, spawn(self, i, shmr_holder, &h));
		pieces[i] = i == 1 ? 3 : 1;
		order[i] = i;
	}
	close(ready[1]);
	for (i = 0; i < SHMR_HOLD; i++) {
		close(h.rel[i][0]);
		ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("a holder failed to attach");
		left += (uint64_t)pieces[i];
	}
	close(ready[0]);
	ds = sstat(self->fd, h.id, &err);
	ASSERT_EQ(0, err);
	ASSERT_EQ(left, ds.nattch);
	ASSERT_EQ(0U, ds.status);

	ASSERT_EQ(0, remove_segment(self->fd, h.id));
	ds = sstat(self->fd, h.id, &err);
	ASSERT_EQ(0, err);
	ASSERT_EQ(left, ds.nattch);
	ASSERT_EQ((uint32_t)AIXIPC_SHM_DEST, ds.status);
	ASSERT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
	ASSERT_EQ(-ENOENT, t_shmget(self->fd, key, 0, 0, 0));
	/* Still attachable by id, and detachable. */
	ASSERT_EQ(0, t_shmat(self->fd, h.id, NULL, 0, &p, &len));
	ASSERT_EQ(left + 1, sstat(self->fd, h.id, &err).nattch);
	ASSERT_EQ(0, t_shmdt(self->fd, p, &got));
	ASSERT_EQ(len, got);

	for (i = SHMR_HOLD - 1; i > 0; i--) {	/* a random order */
		int j = (int)(t_xorshift(rng) % (uint64_t)(i + 1));
		int t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < SHMR_HOLD; i++) {
		int k = order[i];

		if (t_xorshift(rng) % 2) {
			ASSERT_EQ(0, kill_kid(self, k));
		} else {
			close(h.rel[k][1]);
			h.rel[k][1] = -1;
			ASSERT_EQ(0, reap_kid(self, k));
		}
		left -= (uint64_t)pieces[k];
		ds = sstat(self->fd, h.id, &err);
		if (left) {
			ASSERT_EQ(0, err);
			ASSERT_EQ(left, ds.nattch)
				TH_LOG("holder %d gone: nattch %llu, want %llu", k,
				       (unsigned long long)ds.nattch,
				       (unsigned long long)left);
			ASSERT_EQ((uint32_t)AIXIPC_SHM_DEST, ds.status);
		} else {
			ASSERT_EQ(-EINVAL, err)
				TH_LOG("the last holder is gone, the segment is not (nattch %llu)",
				       (unsigned long long)ds.nattch);
		}
	}
	for (i = 0; i < SHMR_HOLD; i++)
		if (h.rel[i][1] >= 0)
			close(h.rel[i][1]);
}

TEST_F_TIMEOUT(chaos, shm_rmid_races_attach_detach_fork_freed_at_last_detach, 300)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	struct aixipc_info before, after;
	struct shmr_shared *sh;
	unsigned int round, dest_seen = 0, gone_at_once = 0;
	size_t pg = pgsz();
	long listed;
	double t0;
	int i, err;

	TH_LOG("seed %#" PRIx64, rng);
	probe_install();
	before = t_info_of(self->fd, AIXIPC_SHM);
	ASSERT_NE(UINT64_MAX, before.in_use);
	listed = t_count_objects(self->fd, AIXIPC_SHM);
	ASSERT_LE(0, listed);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));

	t0 = now();
	for (round = 0; round < SHMR_ROUNDS &&
	     (round < SHMR_MIN_ROUNDS || now() - t0 < SHMR_SECONDS); round++) {
		int32_t key = (int32_t)(0x63000000 | ((uint32_t)getpid() & 0xffff) << 8 |
					(round & 0xff));
		uint64_t size = pg * (1 + t_xorshift(&rng) % 4);
		struct aixipc_shmid_ds ds;

		if (t_xorshift(&rng) % 2)
			size -= t_xorshift(&rng) % 100;
		sh->id = new_segment(self->fd, key, size);
		ASSERT_LE(0, sh->id);
		sh->removed = 0;
		sh->stop = 0;
		for (i = 0; i < SHMR_KIDS; i++)
			ASSERT_LT(0, spawn(self, i, shmr_worker, sh));
		usleep((useconds_t)(t_xorshift(&rng) % 20000));
		ds = sstat(self->fd, sh->id, &err);
		ASSERT_EQ(0, err);
		ASSERT_GE((uint64_t)SHMR_NATTCH_MAX, ds.nattch);
		ASSERT_EQ(0U, ds.status);

		__atomic_store_n(&sh->removed, 1, __ATOMIC_RELEASE);
		ASSERT_EQ(0, remove_segment(self->fd, sh->id));
		ds = sstat(self->fd, sh->id, &err);
		if (err) {
			ASSERT_EQ(-EINVAL, err);
			gone_at_once++;
		} else {
			ASSERT_EQ((uint32_t)AIXIPC_SHM_DEST, ds.status);
			ASSERT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
			ASSERT_LT(0ULL, ds.nattch);
			ASSERT_GE((uint64_t)SHMR_NATTCH_MAX, ds.nattch);
			ASSERT_EQ(size, ds.segsz);
			dest_seen++;
		}
		/* The key is free at once, whatever is still attached. */
		ASSERT_EQ(-ENOENT, t_shmget(self->fd, key, 0, 0, 0));
		for (i = 0; i < 5; i++) {
			usleep((useconds_t)(t_xorshift(&rng) % 3000));
			ds = sstat(self->fd, sh->id, &err);
			if (err) {
				ASSERT_EQ(-EINVAL, err);
				break;
			}
			ASSERT_EQ((uint32_t)AIXIPC_SHM_DEST, ds.status);
			ASSERT_LT(0ULL, ds.nattch);
			ASSERT_GE((uint64_t)SHMR_NATTCH_MAX, ds.nattch);
		}
		__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
		for (i = 0; i < SHMR_KIDS; i++)
			ASSERT_EQ(0, reap_kid(self, i)) TH_LOG("%s", sh->why);
		ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
		/* Everyone detached: it went with the last. */
		ds = sstat(self->fd, sh->id, &err);
		ASSERT_EQ(-EINVAL, err)
			TH_LOG("round %u: removed, nobody attached, yet still there: nattch %llu status %#x",
			       round, (unsigned long long)ds.nattch, ds.status);
		ASSERT_EQ(listed, t_count_objects(self->fd, AIXIPC_SHM));
	}
	TH_LOG("%u rounds in %.1f s: %" PRIu64 " attaches (%" PRIu64 " after IPC_RMID), %" PRIu64 " refused once gone; %" PRIu64 " splits, %" PRIu64 " fork children (%" PRIu64 " killed); DEST seen %u times, gone at once %u times",
	       round, now() - t0, sh->attaches, sh->after_rmid, sh->gone_seen,
	       sh->splits, sh->forks, sh->gkills, dest_seen, gone_at_once);
	EXPECT_LT(0U, dest_seen);
	EXPECT_LT(0ULL, sh->after_rmid);

	for (i = 0; i < 3; i++)
		shmr_last_detach(_metadata, self, &rng,
				 (int32_t)(0x64000000 | ((uint32_t)getpid() & 0xffff) << 8 | i));

	after = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(before.in_use, after.in_use);
	EXPECT_EQ(before.count, after.count);
	EXPECT_EQ(listed, t_count_objects(self->fd, AIXIPC_SHM));
	munmap(sh, sizeof(*sh));
}

/* ---- SHM_SIZE racing touching processes ------------------------------ */

/*
 * A segment of up to SHMZ_PAGES pages.  The first half of each page holds
 * words the controller (the test) writes in passes, each pass with a new
 * generation: (tag of the word << 20) | generation.  The second half holds
 * words the writers write: (other tag << 20) | their counter.  Readers and
 * writers attach and touch at random while the controller resizes (by
 * whole pages); around each resize a sequence count lets a touch know
 * whether the size was stable, and after each shrink the words cut hold
 * the generation from which they are valid again.
 */
#define SHMZ_PAGES	32
#define SHMZ_READERS	4
#define SHMZ_WRITERS	2
#define SHMZ_KIDS	(SHMZ_READERS + SHMZ_WRITERS)
#define SHMZ_SECONDS	5.0
#define SHMZ_MIN_RESIZES 40
#define SHMZ_REATTACH	64	/* touches between re-attaches, on average */

struct shmz_shared {
	int id;
	int stop, failed;
	char why[256];
	uint32_t seq;		/* odd while a resize is under way */
	uint64_t size;		/* exact when seq is even */
	uint32_t gen;		/* generation of the current pass */
	uint64_t reads, writes, bus, strict, valid_seen, reattaches;
	uint64_t attach_einval;
	uint32_t minvalid[];	/* per controller word */
};

static uint32_t shmz_tag(uint32_t i, bool scratch)
{
	uint32_t h = (i ^ (scratch ? 0x5bd1e995U : 0)) * 2654435761U;

	return 1 + (h >> 8) % 4095;
}

static int shmz_toucher(int fd, int me, void *arg)
{
	struct shmz_shared *sh = arg;
	uint64_t rng = 0x2545f4914f6cdd1dULL * (me + 1) ^ (uint64_t)getpid();
	size_t pg = pgsz(), words = pg / 8;	/* per half page */
	bool writer = me >= SHMZ_READERS;
	uint64_t len = 0, got = 0;
	uint32_t counter = 0;
	void *base = NULL;
	int err;

	while (!__atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE)) {
		uint32_t s1, s2, v = 0, m = 0, i, k, p;
		uint64_t size;
		bool scratch, write;
		int sig;

		if (!base || t_xorshift(&rng) % SHMZ_REATTACH == 0) {
			if (base) {
				err = t_shmdt(fd, base, &got);
				if (err || got != len) {
					child_fail(&sh->failed, sh->why,
						 "toucher %d: shmdt: %s, %llu of %llu bytes",
						 me, err ? strerror(-err) : "ok",
						 (unsigned long long)got,
						 (unsigned long long)len);
					return 1;
				}
			}
			/*
			 * The segment lives throughout: an attach may not
			 * fail.  EINVAL here is counted (and retried) so the
			 * rest of the test goes on; the test fails on it.
			 */
			while ((err = t_shmat(fd, sh->id, NULL, 0, &base, &len)) ==
			       -EINVAL)
				__atomic_add_fetch(&sh->attach_einval, 1,
						   __ATOMIC_RELAXED);
			if (err) {
				child_fail(&sh->failed, sh->why,
					 "toucher %d: shmat of the live segment: %s",
					 me, strerror(-err));
				return 1;
			}
			__atomic_add_fetch(&sh->reattaches, 1, __ATOMIC_RELAXED);
		}
		p = (uint32_t)(t_xorshift(&rng) % (len / pg));
		k = (uint32_t)(t_xorshift(&rng) % words);
		scratch = writer || t_xorshift(&rng) % 4 == 0;
		write = writer && t_xorshift(&rng) % 2;
		i = p * (uint32_t)words + k;
		if (write)
			v = shmz_tag(i, true) << 20 | (++counter & 0xfffff);

		s1 = __atomic_load_n(&sh->seq, __ATOMIC_ACQUIRE);
		size = __atomic_load_n(&sh->size, __ATOMIC_RELAXED);
		if (!scratch)
			m = __atomic_load_n(&sh->minvalid[i], __ATOMIC_ACQUIRE);
		sig = probe32((volatile uint32_t *)((char *)base + p * pg +
						    (scratch ? pg / 2 : 0) + k * 4),
			      write, &v);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&sh->seq, __ATOMIC_RELAXED);

		if (sig && sig != SIGBUS) {
			child_fail(&sh->failed, sh->why, "toucher %d: page %u: signal %d",
				 me, p, sig);
			return 1;
		}
		if (sig)
			__atomic_add_fetch(&sh->bus, 1, __ATOMIC_RELAXED);
		if (s1 == s2 && !(s1 & 1)) {
			/* No resize overlapped: SIGBUS exactly past the size. */
			bool past = (uint64_t)p * pg >= pg_align(size);

			if (past != (sig == SIGBUS)) {
				child_fail(&sh->failed, sh->why,
					 "toucher %d: page %u of a %llu-byte segment (stable): %s",
					 me, p, (unsigned long long)size,
					 sig ? "SIGBUS" : "no SIGBUS");
				return 1;
			}
			__atomic_add_fetch(&sh->strict, 1, __ATOMIC_RELAXED);
		}
		if (sig)
			continue;
		__atomic_add_fetch(write ? &sh->writes : &sh->reads, 1,
				   __ATOMIC_RELAXED);
		if (write || !v)
			continue;
		if (v >> 20 != shmz_tag(i, scratch)) {
			child_fail(&sh->failed, sh->why,
				 "toucher %d: page %u %s word %u: %#x is not data of this word",
				 me, p, scratch ? "writers'" : "controller's", k, v);
			return 1;
		}
		if (!scratch && (v & 0xfffff) < m) {
			child_fail(&sh->failed, sh->why,
				 "toucher %d: page %u word %u: generation %u, from before a shrink that cut it (valid from %u)",
				 me, p, k, v & 0xfffff, m);
			return 1;
		}
		if (!scratch && (v & 0xfffff) > __atomic_load_n(&sh->gen, __ATOMIC_ACQUIRE)) {
			child_fail(&sh->failed, sh->why,
				 "toucher %d: page %u word %u: generation %u not written yet",
				 me, p, k, v & 0xfffff);
			return 1;
		}
		__atomic_add_fetch(&sh->valid_seen, 1, __ATOMIC_RELAXED);
	}
	if (base && (err = t_shmdt(fd, base, &got)))
		return 2;
	return 0;
}

/* The controller's pass: every word of its half, within @size. */
static void shmz_pass(struct shmz_shared *sh, volatile uint32_t *base,
		      uint64_t size)
{
	size_t pg = pgsz(), words = pg / 8, p, k;
	uint32_t g = __atomic_add_fetch(&sh->gen, 1, __ATOMIC_RELEASE);

	for (p = 0; (p + 1) * pg <= size; p++)
		for (k = 0; k < words; k++)
			base[p * pg / 4 + k] =
				shmz_tag((uint32_t)(p * words + k), false) << 20 | g;
}

/*
 * The race, on a segment made with @flags (0, or AIXIPC_SHM_PIN: then
 * every resize pins or unpins pages while attaches map the whole segment).
 */
static void shmz_race(struct __test_metadata *_metadata,
		      FIXTURE_DATA(chaos) *self, uint32_t flags)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	size_t pg = pgsz(), words = pg / 8, full = SHMZ_PAGES * pg, shsize, p, k;
	struct aixipc_info before, after;
	struct aixipc_shmid_ds ds;
	struct shmz_shared *sh;
	volatile uint32_t *ctl;
	unsigned int resizes = 0, passes = 0;
	uint64_t cur = full, len, got, tail;
	uint32_t g, v;
	void *at;
	double t0;
	int i, err;

	TH_LOG("seed %#" PRIx64, rng);
	probe_install();
	before = t_info_of(self->fd, AIXIPC_SHM);
	ASSERT_NE(UINT64_MAX, before.in_use);
	shsize = sizeof(*sh) + SHMZ_PAGES * words * sizeof(uint32_t);
	sh = mmap(NULL, shsize, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, shsize);
	sh->id = t_shmget(self->fd, AIXIPC_KEY_PRIVATE, full,
			  AIXIPC_CREAT | flags, 0600);
	ASSERT_LE(0, sh->id);
	t_track(AIXIPC_SHM, sh->id);
	sh->size = full;
	ASSERT_EQ(0, t_shmat(self->fd, sh->id, NULL, 0, &at, &len));
	ASSERT_EQ((uint64_t)full, len);
	ctl = at;
	shmz_pass(sh, ctl, cur);
	passes++;
	for (i = 0; i < SHMZ_KIDS; i++)
		ASSERT_LT(0, spawn(self, i, shmz_toucher, sh));

	t0 = now();
	while (resizes < SHMZ_MIN_RESIZES || now() - t0 < SHMZ_SECONDS) {
		uint64_t size;
		uint32_t s;

		ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
		if (t_xorshift(&rng) % 3 == 0) {
			shmz_pass(sh, ctl, cur);
			passes++;
			continue;
		}
		size = pg * (1 + t_xorshift(&rng) % SHMZ_PAGES);
		s = __atomic_load_n(&sh->seq, __ATOMIC_RELAXED);
		__atomic_store_n(&sh->seq, s + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		if (size < cur)
			__atomic_store_n(&sh->size, size, __ATOMIC_RELAXED);
		ASSERT_EQ(0, t_shmctl(self->fd, sh->id, AIXIPC_SHM_SIZE, &size, NULL));
		if (size > cur)
			__atomic_store_n(&sh->size, size, __ATOMIC_RELAXED);
		if (size < cur) {
			/* What the last pass wrote past it is gone for good. */
			g = __atomic_load_n(&sh->gen, __ATOMIC_RELAXED) + 1;
			for (p = size / pg; p < SHMZ_PAGES; p++)
				for (k = 0; k < words; k++)
					__atomic_store_n(&sh->minvalid[p * words + k],
							 g, __ATOMIC_RELEASE);
		}
		__atomic_store_n(&sh->seq, s + 2, __ATOMIC_RELEASE);
		cur = size;
		resizes++;
		if (resizes % 8 == 0) {
			ds = sstat(self->fd, sh->id, &err);
			ASSERT_EQ(0, err);
			ASSERT_EQ(cur, ds.segsz);
			/* Each child's own, the copy of ours it inherited, ours. */
			ASSERT_GE((uint64_t)2 * SHMZ_KIDS + 1, ds.nattch);
			/*
			 * A pinned segment holds exactly its pages.  A toucher's
			 * fault that began before a shrink may add a page past
			 * the end for a moment, which shmem takes back when it
			 * sees the new size: poll (a hang guard) for a count
			 * without such a fault in flight.
			 */
			if (flags & AIXIPC_SHM_PIN) {
				ASSERT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
					  ds.status);
				for (k = 0; k < 1000 && ds.rss != pg_align(cur) / pg; k++) {
					usleep(1000);
					ds = sstat(self->fd, sh->id, &err);
					ASSERT_EQ(0, err);
				}
				ASSERT_EQ(pg_align(cur) / pg, ds.rss);
			}
		}
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < SHMZ_KIDS; i++)
		ASSERT_EQ(0, reap_kid(self, i)) TH_LOG("%s", sh->why);
	ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%.1f s: %u resizes, %u passes; touchers: %" PRIu64 " reads (%" PRIu64 " of data checked), %" PRIu64 " writes, %" PRIu64 " SIGBUS, %" PRIu64 " with the size stable, %" PRIu64 " attaches",
	       now() - t0, resizes, passes, sh->reads, sh->valid_seen,
	       sh->writes, sh->bus, sh->strict, sh->reattaches);
	EXPECT_LT(0ULL, sh->bus);
	EXPECT_LT(0ULL, sh->valid_seen);
	EXPECT_EQ(0ULL, sh->attach_einval)
		TH_LOG("shmat of the live segment failed with EINVAL %" PRIu64 " times (of %" PRIu64 "): it raced a shrinking SHM_SIZE",
		       sh->attach_einval, sh->reattaches + sh->attach_einval);

	/* Alone now: the contents within the size are exact. */
	shmz_pass(sh, ctl, cur);
	g = sh->gen;
	for (p = 0; p < SHMZ_PAGES; p++) {
		for (k = 0; k < words; k++) {
			err = probe32(ctl + p * pg / 4 + k, false, &v);
			if ((p + 1) * pg <= cur) {
				ASSERT_EQ(0, err);
				ASSERT_EQ(shmz_tag((uint32_t)(p * words + k), false) << 20 | g, v);
				err = probe32(ctl + (p * pg + pg / 2) / 4 + k, false, &v);
				ASSERT_EQ(0, err);
				ASSERT_TRUE(!v || v >> 20 == shmz_tag((uint32_t)(p * words + k), true))
					TH_LOG("page %zu writers' word %zu: %#x", p, k, v);
			} else {
				ASSERT_EQ(SIGBUS, err) TH_LOG("page %zu past %llu bytes",
							       p, (unsigned long long)cur);
				break;
			}
		}
	}

	/* Whole again, written once more. */
	cur = full;
	ASSERT_EQ(0, t_shmctl(self->fd, sh->id, AIXIPC_SHM_SIZE, &cur, NULL));
	shmz_pass(sh, ctl, cur);
	g = sh->gen;
	/* An unaligned shrink zeroes the rest of its last page... */
	tail = pg * (1 + t_xorshift(&rng) % (SHMZ_PAGES - 1)) +
	       4 * (1 + t_xorshift(&rng) % (pg / 4 - 1));
	ASSERT_EQ(0, t_shmctl(self->fd, sh->id, AIXIPC_SHM_SIZE, &tail, NULL));
	for (k = tail % pg / 4; k < pg / 4; k++) {
		ASSERT_EQ(0, probe32(ctl + tail / pg * pg / 4 + k, false, &v));
		ASSERT_EQ(0U, v) TH_LOG("byte %zu of a segment shrunk to %llu: %#x",
				       tail / pg * pg + k * 4,
				       (unsigned long long)tail, v);
	}
	for (p = tail / pg + 1; p < SHMZ_PAGES; p++)
		ASSERT_EQ(SIGBUS, probe32(ctl + p * pg / 4, false, &v));
	/* ... and pages regrown are zero; what was within it stays. */
	ASSERT_EQ(0, t_shmctl(self->fd, sh->id, AIXIPC_SHM_SIZE, &cur, NULL));
	for (p = 0; p < SHMZ_PAGES; p++) {
		for (k = 0; k < pg / 4; k++) {
			uint64_t off = p * pg + k * 4;

			ASSERT_EQ(0, probe32(ctl + off / 4, false, &v));
			if (off >= tail) {
				ASSERT_EQ(0U, v) TH_LOG("byte %llu of a segment shrunk to %llu, then grown: %#x",
						       (unsigned long long)off,
						       (unsigned long long)tail, v);
			} else if (k < words) {
				ASSERT_EQ(shmz_tag((uint32_t)(p * words + k), false) << 20 | g, v);
			} else {
				ASSERT_TRUE(!v || v >> 20 == shmz_tag((uint32_t)(p * words + k - words), true));
			}
		}
	}
	ds = sstat(self->fd, sh->id, &err);
	ASSERT_EQ(0, err);
	ASSERT_EQ(1ULL, ds.nattch);
	ASSERT_EQ((uint64_t)full, ds.segsz);
	ASSERT_EQ(0, t_shmdt(self->fd, at, &got));
	ASSERT_EQ((uint64_t)full, got);
	ASSERT_EQ(0, remove_segment(self->fd, sh->id));
	sstat(self->fd, sh->id, &err);
	ASSERT_EQ(-EINVAL, err);
	after = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(before.in_use, after.in_use);
	EXPECT_EQ(before.count, after.count);
	munmap(sh, shsize);
}

TEST_F_TIMEOUT(chaos, shm_resize_races_touching_processes_sigbus_or_valid_data, 300)
{
	shmz_race(_metadata, self, 0);
}

TEST_F_TIMEOUT(chaos, shm_resize_of_pinned_races_attaching_touching_processes, 300)
{
	shmz_race(_metadata, self, AIXIPC_SHM_PIN);
}

/* ---- IPC_STAT while many attach, detach, fork and are killed ---------- */

#define SHMS_KIDS	8
#define SHMS_PAGES	4
#define SHMS_MAXATT	3
#define SHMS_ROUNDS	400
#define SHMS_MIN_ROUNDS	40
#define SHMS_SECONDS	5.0
/* Each process: SHMS_MAXATT attachments of up to SHMS_PAGES pieces, and a
 * fork child's copies; killed ones' children may linger a moment too. */
#define SHMS_NATTCH_MAX	(SHMS_KIDS * SHMS_MAXATT * SHMS_PAGES * 2 * 2)

struct shms_shared {
	int id;
	int failed;
	char why[256];
	uint64_t attaches, detaches, splits, cuts, forks;
};

static int shms_worker(int fd, int me, void *arg)
{
	struct shms_shared *sh = arg;
	uint64_t rng = 0x369dea0f31a53f85ULL * (me + 1) ^ (uint64_t)getpid();
	size_t pg = pgsz();
	struct {
		char *at;
		uint64_t len;
		bool page_gone[SHMS_PAGES], page_ro[SHMS_PAGES];
	} a[SHMS_MAXATT];
	int n = 0, i, err;
	uint64_t got;

	for (;;) {
		unsigned int op = (unsigned int)(t_xorshift(&rng) % 8);
		unsigned int pgno;

		if (op <= 1 && n < SHMS_MAXATT) {
			void *p;

			err = t_shmat(fd, sh->id, NULL, 0, &p, &a[n].len);
			if (err) {
				child_fail(&sh->failed, sh->why, "worker %d: shmat: %s",
					 me, strerror(-err));
				return 1;
			}
			a[n].at = p;
			memset(a[n].page_gone, 0, sizeof(a[n].page_gone));
			memset(a[n].page_ro, 0, sizeof(a[n].page_ro));
			a[n].at[me] = (char)me;
			n++;
			__atomic_add_fetch(&sh->attaches, 1, __ATOMIC_RELAXED);
		} else if (op <= 3 && n) {
			i = (int)(t_xorshift(&rng) % (uint64_t)n);
			if (!a[i].page_gone[0]) {
				err = t_shmdt(fd, a[i].at, &got);
				if (err) {
					child_fail(&sh->failed, sh->why, "worker %d: shmdt: %s",
						 me, strerror(-err));
					return 1;
				}
			} else {
				for (pgno = 1; pgno < SHMS_PAGES; pgno++)
					if (!a[i].page_gone[pgno])
						munmap(a[i].at + pgno * pg, pg);
			}
			a[i] = a[--n];
			__atomic_add_fetch(&sh->detaches, 1, __ATOMIC_RELAXED);
		} else if (op == 4 && n) {
			i = (int)(t_xorshift(&rng) % (uint64_t)n);
			pgno = (unsigned int)(t_xorshift(&rng) % SHMS_PAGES);
			if (!a[i].page_gone[pgno] && !a[i].page_ro[pgno]) {
				if (mprotect(a[i].at + pgno * pg, pg, PROT_READ)) {
					child_fail(&sh->failed, sh->why, "worker %d: mprotect: %s",
						 me, strerror(errno));
					return 1;
				}
				a[i].page_ro[pgno] = true;
				__atomic_add_fetch(&sh->splits, 1, __ATOMIC_RELAXED);
			}
		} else if (op == 5 && n) {
			i = (int)(t_xorshift(&rng) % (uint64_t)n);
			pgno = (unsigned int)(t_xorshift(&rng) % SHMS_PAGES);
			if (!a[i].page_gone[pgno]) {
				if (munmap(a[i].at + pgno * pg, pg)) {
					child_fail(&sh->failed, sh->why, "worker %d: munmap: %s",
						 me, strerror(errno));
					return 1;
				}
				a[i].page_gone[pgno] = true;
				__atomic_add_fetch(&sh->cuts, 1, __ATOMIC_RELAXED);
			}
		} else if (op == 6 && n) {
			/* A child holding copies: it reads them and goes. */
			pid_t pid = fork();
			int st;

			if (pid == 0) {
				unsigned int sum = 0;

				prctl(PR_SET_PDEATHSIG, SIGKILL);
				for (i = 0; i < n; i++)
					for (pgno = 0; pgno < SHMS_PAGES; pgno++)
						if (!a[i].page_gone[pgno])
							sum += (unsigned char)a[i].at[pgno * pg];
				usleep((useconds_t)(t_xorshift(&rng) % 3000));
				_exit(sum == 0x7fffffff);
			}
			if (pid < 0 || waitpid(pid, &st, 0) != pid ||
			    !WIFEXITED(st) || WEXITSTATUS(st)) {
				child_fail(&sh->failed, sh->why, "worker %d: fork child: %#x",
					 me, pid < 0 ? errno : st);
				return 1;
			}
			__atomic_add_fetch(&sh->forks, 1, __ATOMIC_RELAXED);
		} else {
			usleep((useconds_t)(t_xorshift(&rng) % 500));
		}
	}
}

TEST_F_TIMEOUT(chaos, shm_stat_while_many_attach_detach_and_die_nattch_sane, 300)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	struct aixipc_info before, after, in;
	struct aixipc_shmid_ds ds;
	struct shms_shared *sh;
	unsigned int round, kills = 0, polls = 0;
	uint64_t max_seen = 0, size = SHMS_PAGES * pgsz();
	double t0;
	int i, err;

	TH_LOG("seed %#" PRIx64, rng);
	before = t_info_of(self->fd, AIXIPC_SHM);
	ASSERT_NE(UINT64_MAX, before.in_use);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	sh->id = new_segment(self->fd, AIXIPC_KEY_PRIVATE, size);
	ASSERT_LE(0, sh->id);
	for (i = 0; i < SHMS_KIDS; i++)
		ASSERT_LT(0, spawn(self, i, shms_worker, sh));

	t0 = now();
	for (round = 0; round < SHMS_ROUNDS &&
	     (round < SHMS_MIN_ROUNDS || now() - t0 < SHMS_SECONDS); round++) {
		int j;

		for (j = 0; j < 20; j++) {
			ds = sstat(self->fd, sh->id, &err);
			ASSERT_EQ(0, err);
			ASSERT_GE((uint64_t)SHMS_NATTCH_MAX, ds.nattch)
				TH_LOG("nattch %llu: negative, or more than %d processes can hold",
				       (unsigned long long)ds.nattch, SHMS_KIDS);
			ASSERT_EQ(size, ds.segsz);
			ASSERT_EQ(0U, ds.status);
			if (ds.nattch > max_seen)
				max_seen = ds.nattch;
			polls++;
		}
		in = t_info_of(self->fd, AIXIPC_SHM);
		ASSERT_LE(before.in_use + 1, in.in_use);
		ASSERT_LE(before.count + SHMS_PAGES, in.count);
		ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
		usleep((useconds_t)(t_xorshift(&rng) % 5000));
		if (t_xorshift(&rng) % 4 == 0) {
			int victim = (int)(t_xorshift(&rng) % SHMS_KIDS);

			ASSERT_EQ(0, kill_kid(self, victim))
				TH_LOG("child %d ended by itself: %s", victim, sh->why);
			ASSERT_LT(0, spawn(self, victim, shms_worker, sh));
			kills++;
		}
	}
	for (i = 0; i < SHMS_KIDS; i++)
		ASSERT_EQ(0, kill_kid(self, i)) TH_LOG("%s", sh->why);
	ASSERT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%u rounds in %.1f s, %u polls, nattch up to %llu; %u killed; %" PRIu64 " attaches, %" PRIu64 " detaches, %" PRIu64 " splits, %" PRIu64 " pieces unmapped, %" PRIu64 " fork children",
	       round, now() - t0, polls, (unsigned long long)max_seen, kills,
	       sh->attaches, sh->detaches, sh->splits, sh->cuts, sh->forks);
	EXPECT_LT(0U, kills);
	EXPECT_LT(1ULL, max_seen);

	/* Everyone is gone (their fork children die with them): back to 0. */
	for (i = 0; i < 30000; i++) {	/* a hang guard, not a timing */
		ds = sstat(self->fd, sh->id, &err);
		ASSERT_EQ(0, err);
		if (!ds.nattch)
			break;
		usleep(1000);
	}
	ASSERT_EQ(0ULL, ds.nattch);
	ASSERT_EQ(0, remove_segment(self->fd, sh->id));
	sstat(self->fd, sh->id, &err);
	ASSERT_EQ(-EINVAL, err);
	after = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(before.in_use, after.in_use);
	EXPECT_EQ(before.count, after.count);
	munmap(sh, sizeof(*sh));
}

/* ====================================================================== */
/* Listing 100,000 objects                                                */

#define LIST_N		100000
#define LIST_BATCH	1000

/* How a listing test makes and removes one object of a facility. */
struct list_kind {
	const char *name;
	unsigned int kind;
	int (*create)(int fd);		/* id or -errno */
	int (*destroy)(int fd, int id);
};

static int list_msg_create(int fd)
{
	return new_queue(fd, 0);
}

static int list_sem_create(int fd)
{
	return new_set(fd, 1, NULL);
}

static const struct list_kind list_kinds[] = {
	{ "message queues", AIXIPC_MSG, list_msg_create, remove_queue },
	{ "semaphore sets", AIXIPC_SEM, list_sem_create, remove_set },
};

/*
 * Walk all objects of @k in batches of LIST_BATCH.  @want is how many
 * there are in all; every id tracked must be seen once.  Returns the
 * walk's duration in seconds (the checks are ASSERTs).  @seen is a scratch
 * set of ids.
 */
static double list_walk(struct __test_metadata *_metadata, int fd,
			const struct list_kind *k, struct aixipc_list_entry *ents,
			struct t_idset *seen, long want, long ours)
{
	struct aixipc_list l;
	long total = 0, mine = 0, calls = 0;
	uint64_t last = 0;
	double t;

	t_idset_drain(seen, NULL, NULL);
	memset(&l, 0, sizeof(l));
	l.kind = k->kind;
	l.entries = (uintptr_t)ents;
	l.entry_size = sizeof(*ents);
	t = now();
	for (;;) {
		uint32_t i;

		l.count = LIST_BATCH;
		ASSERT_EQ(0, aixipc_ioctl(fd, AIXIPC_IOC_LIST, &l));
		calls++;
		ASSERT_GE(ceil_div(want, LIST_BATCH) + 1, calls)
			TH_LOG("walk of %ld objects still going after %ld calls",
			       want, calls);
		if (l.count == 0)
			break;
		/* Full batches until the last one. */
		if (total + LIST_BATCH <= want) {
			ASSERT_EQ((uint32_t)LIST_BATCH, l.count)
				TH_LOG("call %ld: %u entries, %ld of %ld seen",
				       calls, l.count, total, want);
		} else {
			ASSERT_EQ((uint32_t)(want - total), l.count)
				TH_LOG("last call %ld: %u entries, %ld of %ld seen",
				       calls, l.count, total, want);
		}
		ASSERT_LT(last, l.cursor) TH_LOG("cursor did not advance");
		last = l.cursor;
		for (i = 0; i < l.count; i++) {
			int id = ents[i].id;

			ASSERT_EQ(k->kind, ents[i].kind);
			ASSERT_LE(0, id);
			if (t_is_tracked(k->kind, id)) {
				ASSERT_EQ(1, t_idset_add(seen, k->kind, id))
					TH_LOG("id %d listed twice", id);
				mine++;
			}
		}
		total += l.count;
	}
	t = now() - t;
	ASSERT_EQ(want, total);
	ASSERT_EQ(ours, mine);
	ASSERT_EQ(ceil_div(want, LIST_BATCH) + 1, calls);
	return t;
}

TEST_F_TIMEOUT(chaos, list_100k_objects_in_batches_every_id_once, 300)
{
	static const long steps[] = { 1000, 10000, LIST_N };
	const struct list_kind *k;
	struct aixipc_list_entry *ents;
	struct t_idset seen;
	unsigned int s;

	ents = calloc(LIST_BATCH, sizeof(*ents));
	ASSERT_NE(NULL, ents);
	ASSERT_EQ(0, t_idset_init(&seen, false));
	for (k = list_kinds; k < list_kinds + sizeof(list_kinds) /
	     sizeof(list_kinds[0]); k++) {
		long before = t_count_objects(self->fd, k->kind), made = 0;
		int *ids = malloc(LIST_N * sizeof(int));
		double tc = 0, t;

		ASSERT_NE(NULL, ids);
		ASSERT_LE(0, before);
		for (s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			t = now();
			for (; made < steps[s]; made++) {
				ids[made] = k->create(self->fd);
				ASSERT_LE(0, ids[made])
					TH_LOG("creating %s number %ld: %s",
					       k->name, made + 1,
					       strerror(-ids[made]));
			}
			tc += now() - t;
			t = list_walk(_metadata, self->fd, k, ents, &seen,
				      before + made, made);
			TH_LOG("%s: %6ld objects: walk %8.1f ms in %ld calls (%.2f us per object); %ld created so far in %.1f s",
			       k->name, before + made, t * 1e3,
			       ceil_div(before + made, LIST_BATCH) + 1,
			       t * 1e6 / (double)(before + made), made, tc);
		}
		t = now();
		for (; made > 0; made--)
			ASSERT_EQ(0, k->destroy(self->fd, ids[made - 1]));
		TH_LOG("%s: removed %d in %.1f s", k->name, LIST_N, now() - t);
		/* Nothing of ours listed any more. */
		t = list_walk(_metadata, self->fd, k, ents, &seen, before, 0);
		free(ids);
	}
	free(ents);
	t_idset_free(&seen);
}

/* ====================================================================== */
/* IPC namespaces                                                          */

/*
 * Namespaces other than the initial one are each held by a helper child
 * (unshare(CLONE_NEWIPC), then it sleeps until killed); the test keeps an
 * fd of each (/proc/HELPER/ns/ipc), which its children inherit and
 * setns() through.  The objects made in such a namespace go with it; none
 * is tracked (an id means nothing in another namespace).  Each namespace
 * n (0: the initial one) has its own sizes at the test's key: sets of
 * n + 1 semaphores, segments of n + 1 pages, and its messages and segment
 * words carry its inode number, so a process that finds another
 * namespace's object there sees it at once.
 */
#define NS_NNS		2
#define NS_KIDS		8	/* ns_same_keys_*: half stay, half switch */
#define NS_SECONDS	5.0
#define NS_MIN_KILLS	10
#define NS_VISITORS	4
#define NS_ROUNDS	40
#define NS_MIN_ROUNDS	6
#define NS_GUARD_MS	30000	/* a hang guard on a death, not a timing */
#define NS_REFCNT	"/sys/module/aixipc/refcnt"

struct ns_shared {
	int failed;
	char why[256];
	int stop;
	int fd[NS_NNS + 1];	/* [0]: the initial namespace */
	uint64_t inum[NS_NNS + 1];
	int32_t key;
	struct handshake hs;	/* ns_dies_*: the leaver and the test */
	uint64_t ops, switches;
};

#define ns_fail(sh, ...) child_fail(&(sh)->failed, (sh)->why, __VA_ARGS__)

static uint64_t fd_inum(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (uint64_t)st.st_ino;
}

/* The module's reference count, or -1. */
static long ns_refcnt(void)
{
	char buf[32];

	return t_read_file(NS_REFCNT, buf, sizeof(buf)) ? -1 : atol(buf);
}

/* Root, setns() and a module with namespaces: else why not, for SKIP. */
static const char *ns_unsupported(int fd)
{
	struct aixipc_version v;

	memset(&v, 0, sizeof(v));
	if (geteuid())
		return "not root";
	if (aixipc_ioctl(fd, AIXIPC_IOC_VERSION, &v) ||
	    !(v.features & AIXIPC_FEATURE_NS))
		return "the module has no AIXIPC_FEATURE_NS";
	if (access("/proc/self/ns/ipc", R_OK))
		return "no /proc/self/ns/ipc";
	return NULL;
}

static int ns_holder(int fd, int me, void *arg)
{
	char c = unshare(CLONE_NEWIPC) ? 'n' : 'y';

	(void)fd;
	(void)me;
	if (write(*(int *)arg, &c, 1) != 1)
		return 1;
	for (;;)
		pause();
}

/* A new namespace, held by child @slot: its fd and inode number. */
static int ns_hold(FIXTURE_DATA(chaos) *self, int slot, int *nsfd,
		   uint64_t *inum)
{
	char path[64], c = 0;
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = spawn(self, slot, ns_holder, &p[1]);
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1 || c != 'y') {
		close(p[0]);
		return -1;
	}
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	*nsfd = open(path, O_RDONLY);
	*inum = *nsfd >= 0 ? fd_inum(*nsfd) : 0;
	return *inum ? 0 : -1;
}

/*
 * Objects of @kind in every namespace (AIXIPC_IOC_LIST with
 * AIXIPC_NS_ALL), of which *@in in one of the @n namespaces @inums; or
 * -errno.
 */
static long ns_count_all(int fd, uint32_t kind, const uint64_t *inums,
			 int n, long *in)
{
	static struct aixipc_list_entry e[64];
	struct aixipc_list l = {
		.kind = kind, .entries = (uintptr_t)e,
		.entry_size = sizeof(e[0]), .ns = AIXIPC_NS_ALL,
	};
	long total = 0;
	int calls = 0, err, j;
	uint32_t i;

	*in = 0;
	do {
		l.count = 64;
		err = aixipc_ioctl(fd, AIXIPC_IOC_LIST, &l);
		if (err)
			return err;
		for (i = 0; i < l.count; i++, total++)
			for (j = 0; j < n; j++)
				*in += e[i].ns == inums[j];
		if (++calls > 100000)
			return -ELOOP;
	} while (l.cursor != ~0ULL);
	return total;
}

/*
 * Wait until the module no longer knows namespace @inum
 * (AIXIPC_NS_GET_LIMITS answers ENOENT).  Return: 0, -ETIMEDOUT after the
 * hang guard, or another error.
 */
static int ns_wait_dead(int fd, uint64_t inum)
{
	struct aixipc_ns_ctl c;
	int i, err;

	for (i = 0; i < NS_GUARD_MS; i++) {
		memset(&c, 0, sizeof(c));
		c.cmd = AIXIPC_NS_GET_LIMITS;
		c.ns = inum;
		err = aixipc_ioctl(fd, AIXIPC_IOC_NS, &c);
		if (err)
			return err == -ENOENT ? 0 : err;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

/*
 * After the @n namespaces @inums lost their last holder: the module
 * forgets them, lists none of their objects, every kind's count in all
 * namespaces is back at @before[], and its reference count at @ref0 (the
 * dead namespaces' objects, and their registries, are freed).
 */
static void ns_check_back(struct __test_metadata *_metadata, int fd,
			  const uint64_t *inums, int n, const long *before,
			  long ref0)
{
	long in, ref = -1;
	uint32_t kind;
	int i;

	for (i = 0; i < n; i++)
		EXPECT_EQ(0, ns_wait_dead(fd, inums[i]))
			TH_LOG("namespace %" PRIu64, inums[i]);
	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++) {
		EXPECT_EQ(before[kind], ns_count_all(fd, kind, inums, n, &in))
			TH_LOG("kind %u in every namespace", kind);
		EXPECT_EQ(0, in) TH_LOG("kind %u of dead namespaces listed", kind);
	}
	if (ref0 < 0) {
		TH_LOG(NS_REFCNT " unreadable: the freeing is not checked");
		return;
	}
	for (i = 0; i < NS_GUARD_MS && (ref = ns_refcnt()) != ref0; i++)
		usleep(1000);
	EXPECT_EQ(ref0, ref) TH_LOG("module references after the deaths");
}

static bool ns_gone(long err)
{
	return err == -EIDRM || err == -EINVAL;
}

/*
 * One round of each kind at the test's key in namespace @n, which the
 * caller is in: what it finds there must be that namespace's.  Errors
 * other than those of an object removed under it (EIDRM, EINVAL) fail.
 */
static void ns_ops(struct ns_shared *sh, int fd, int n, uint64_t *rng)
{
	uint64_t inum = sh->inum[n], got = 0, size = 0;
	uint64_t want = (uint64_t)(n + 1) * pgsz();
	struct aixipc_semctl sc = { .cmd = AIXIPC_IPC_STAT };
	volatile uint64_t *word;
	void *at;
	long len;
	int id, err;

	id = t_msgget(fd, sh->key, AIXIPC_CREAT, 0600);
	if (id < 0)
		return ns_fail(sh, "namespace %d: msgget: %s", n, strerror(-id));
	err = t_msgsnd(fd, id, 1, &inum, sizeof(inum), AIXIPC_NOWAIT);
	if (err && err != -EAGAIN && !ns_gone(err))
		return ns_fail(sh, "namespace %d: msgsnd: %s", n, strerror(-err));
	len = t_msgrcv(fd, id, 0, &got, sizeof(got), AIXIPC_NOWAIT, NULL);
	if (len == sizeof(got) && got != inum)
		return ns_fail(sh, "namespace %" PRIu64 " received a message sent in %" PRIu64,
			       inum, got);
	if (len != sizeof(got) && len != -ENOMSG && !ns_gone(len))
		return ns_fail(sh, "namespace %d: msgrcv: %ld", n, len);
	if (t_xorshift(rng) % 32 == 0 && (err = t_rmid(fd, id)) && !ns_gone(err))
		return ns_fail(sh, "namespace %d: msgctl RMID: %s", n, strerror(-err));

	id = t_semget(fd, sh->key, (uint64_t)n + 1, AIXIPC_CREAT, 0600);
	if (id < 0)
		return ns_fail(sh, "namespace %d: semget: %s", n, strerror(-id));
	sc.id = id;
	err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &sc);
	if (!err && sc.ds.nsems != (uint64_t)n + 1)
		return ns_fail(sh, "namespace %d found a set of %llu semaphores",
			       n, (unsigned long long)sc.ds.nsems);
	if (err && !ns_gone(err))
		return ns_fail(sh, "namespace %d: IPC_STAT: %s", n, strerror(-err));
	err = t_semop1(fd, id, (unsigned int)n, 1, AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT);
	if (!err)
		err = t_semop1(fd, id, (unsigned int)n, -1,
			       AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT);
	if (err && !ns_gone(err))
		return ns_fail(sh, "namespace %d: semop: %s", n, strerror(-err));
	if (t_xorshift(rng) % 32 == 0 && (err = t_semrmid(fd, id)) && !ns_gone(err))
		return ns_fail(sh, "namespace %d: semctl RMID: %s", n, strerror(-err));

	id = t_shmget(fd, sh->key, want, AIXIPC_CREAT, 0600);
	if (id < 0)
		return ns_fail(sh, "namespace %d: shmget: %s", n, strerror(-id));
	err = t_shmat(fd, id, NULL, 0, &at, &size);
	if (err && !ns_gone(err))
		return ns_fail(sh, "namespace %d: shmat: %s", n, strerror(-err));
	if (!err) {
		word = at;
		got = *word;
		*word = inum;
		if (size != want || (got && got != inum) || *word != inum)
			ns_fail(sh, "namespace %d: a segment of %" PRIu64 " bytes holding %" PRIu64 ", not %" PRIu64 " bytes of %" PRIu64,
				n, size, got, want, inum);
		err = t_shmdt(fd, at, NULL);
		if (err)
			return ns_fail(sh, "namespace %d: shmdt: %s", n, strerror(-err));
	}
	if (t_xorshift(rng) % 32 == 0 && (err = t_shm_rmid(fd, id)) && !ns_gone(err))
		return ns_fail(sh, "namespace %d: shmctl RMID: %s", n, strerror(-err));
	__atomic_add_fetch(&sh->ops, 1, __ATOMIC_RELAXED);
}

static int ns_enter(struct ns_shared *sh, int n)
{
	if (!setns(sh->fd[n], CLONE_NEWIPC))
		return 0;
	ns_fail(sh, "setns into namespace %d: %s", n, strerror(errno));
	return -1;
}

/* ns_same_keys_*: kids 0..NS_KIDS/2-1 stay in one namespace, the rest move. */
static int ns_kid(int fd, int me, void *arg)
{
	struct ns_shared *sh = arg;
	uint64_t rng = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL | 1;
	int n = me % (NS_NNS + 1);

	if (ns_enter(sh, n))
		return 1;
	while (!__atomic_load_n(&sh->stop, __ATOMIC_RELAXED) && !sh->failed) {
		if (me >= NS_KIDS / 2) {
			n = (int)(t_xorshift(&rng) % (NS_NNS + 1));
			if (ns_enter(sh, n))
				return 1;
			__atomic_add_fetch(&sh->switches, 1, __ATOMIC_RELAXED);
		}
		ns_ops(sh, fd, n, &rng);
	}
	return sh->failed;
}

/*
 * A test's shared state, with the initial namespace's fd and key @salt;
 * every kind's count in all namespaces and the module's references into
 * @before and *@ref0: what the test must come back to.  NULL on failure.
 */
static struct ns_shared *ns_start(int fd, int salt, long *before, long *ref0)
{
	struct ns_shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	bool ok = true;
	uint32_t kind;
	long in;

	if (sh == MAP_FAILED)
		return NULL;
	memset(sh, 0, sizeof(*sh));
	sh->key = t_test_key(0xc5, salt);
	sh->fd[0] = open("/proc/self/ns/ipc", O_RDONLY);
	sh->inum[0] = sh->fd[0] >= 0 ? fd_inum(sh->fd[0]) : 0;
	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++) {
		before[kind] = ns_count_all(fd, kind, NULL, 0, &in);
		ok = ok && before[kind] >= 0;
	}
	*ref0 = ns_refcnt();
	if (ok && sh->inum[0])
		return sh;
	munmap(sh, sizeof(*sh));
	return NULL;
}

/*
 * The same key in the initial namespace and NS_NNS others: processes stay
 * in one each, others setns() between them before every round, and are
 * SIGKILLed at random (with segments attached and SEM_UNDO adjustments
 * pending, in whichever namespace they are).  Nobody ever finds another
 * namespace's object; the only errors are those of removals.  Then the
 * namespaces die and everything they held goes.
 */
TEST_F_TIMEOUT(chaos, ns_same_keys_in_three_namespaces_while_processes_switch, 300)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	long before[AIXIPC_NR_KINDS], ref0;
	const char *why = ns_unsupported(self->fd);
	unsigned int kills = 0;
	struct ns_shared *sh;
	uint32_t kind;
	double t0;
	int i, id;

	if (why)
		SKIP(return, "%s", why);
	TH_LOG("seed %#" PRIx64, rng);
	sh = ns_start(self->fd, 1, before, &ref0);
	ASSERT_NE(NULL, sh);
	for (i = 1; i <= NS_NNS; i++)
		ASSERT_EQ(0, ns_hold(self, NS_KIDS + i - 1, &sh->fd[i], &sh->inum[i]));
	for (i = 0; i < NS_KIDS; i++)
		ASSERT_LT(0, spawn(self, i, ns_kid, sh));

	t0 = now();
	while (!sh->failed && (kills < NS_MIN_KILLS || now() - t0 < NS_SECONDS)) {
		usleep(10000 + (useconds_t)(t_xorshift(&rng) % 40000));
		i = (int)(t_xorshift(&rng) % NS_KIDS);
		if (kill_kid(self, i))
			break;	/* it ended on its own: it failed */
		ASSERT_LT(0, spawn(self, i, ns_kid, sh));
		kills++;
	}
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < NS_KIDS; i++)
		EXPECT_EQ(0, reap_kid(self, i)) TH_LOG("kid %d", i);
	EXPECT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%" PRIu64 " rounds, %" PRIu64 " switches, %u kills",
	       sh->ops, sh->switches, kills);
	EXPECT_LT(0ULL, sh->switches);

	/* The initial namespace's objects by key; the others die. */
	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++) {
		id = t_get(self->fd, kind, sh->key, 0, 0, 0);
		if (id >= 0)
			EXPECT_EQ(0, t_rmid_kind(self->fd, (int)kind, id));
	}
	for (i = 1; i <= NS_NNS; i++) {
		EXPECT_EQ(0, kill_kid(self, NS_KIDS + i - 1));
		close(sh->fd[i]);
	}
	ns_check_back(_metadata, self->fd, sh->inum + 1, NS_NNS, before, ref0);
	close(sh->fd[0]);
	munmap(sh, sizeof(*sh));
}

/*
 * ns_dies_*'s leaver: in namespace 1 it makes a private segment (attached,
 * written), takes a semaphore with SEM_UNDO and queues messages, then goes
 * back to the initial namespace and drops its fd of namespace 1, so it no
 * longer keeps it alive.  Once the test says the namespace is dead: the
 * segment is still its own to read, write and detach, and its exit undoes
 * an adjustment of a set that is gone.
 */
static int ns_leaver(int fd, int me, void *arg)
{
	struct ns_shared *sh = arg;
	uint64_t inum = sh->inum[1], i, words = 4 * pgsz() / 8;
	volatile uint64_t *seg;
	int shm, sem, q;
	void *at;

	(void)me;
	if (ns_enter(sh, 1))
		return KID_BROKEN;
	shm = t_shmget(fd, AIXIPC_KEY_PRIVATE, 4 * pgsz(), AIXIPC_CREAT, 0600);
	sem = t_semget(fd, sh->key, 2, AIXIPC_CREAT, 0600);
	q = t_msgget(fd, sh->key, AIXIPC_CREAT, 0600);
	if (shm < 0 || sem < 0 || q < 0 || t_shmat(fd, shm, NULL, 0, &at, NULL) ||
	    t_semop1(fd, sem, 0, 1, AIXIPC_SEM_UNDO))
		return KID_BROKEN;
	seg = at;
	for (i = 0; i < words; i++)
		seg[i] = inum ^ i;
	for (i = 0; i < 8; i++)
		if (t_msgsnd(fd, q, 1, &inum, sizeof(inum), AIXIPC_NOWAIT))
			return KID_BROKEN;
	if (ns_enter(sh, 0) || close(sh->fd[1]) || hs_kid_ready_wait(&sh->hs))
		return KID_BROKEN;
	for (i = 0; i < words; i++) {
		if (seg[i] != (inum ^ i))
			return KID_WRONG;
		seg[i] = ~seg[i];
	}
	return t_shmdt(fd, at, NULL) ? KID_WRONG : 0;
}

/* ns_dies_*'s visitors: in and out of namespace 1, then they drop it. */
static int ns_visitor(int fd, int me, void *arg)
{
	struct ns_shared *sh = arg;
	uint64_t rng = (uint64_t)getpid() * 0x9e3779b97f4a7c15ULL | 1;
	unsigned int i, n = 10 + (unsigned int)(t_xorshift(&rng) % 100);

	(void)me;
	for (i = 0; i < n && !sh->failed; i++) {
		if (ns_enter(sh, 1))
			return 1;
		ns_ops(sh, fd, 1, &rng);
		if (ns_enter(sh, 0))
			return 1;
	}
	close(sh->fd[1]);
	return sh->failed;
}

/* SIGKILL child @slot if it still runs: 0 if it died of it or exited 0. */
static int ns_end_kid(FIXTURE_DATA(chaos) *self, int slot)
{
	int st;

	kill(self->kids.pid[slot], SIGKILL);
	st = reap_kid(self, slot);
	return st == 1000 + SIGKILL ? 0 : st;
}

/*
 * A namespace's holder dies while visitors go in and out of it through
 * their fds and are SIGKILLed at random, and a process that left it still
 * has one of its segments attached and a SEM_UNDO adjustment on one of its
 * sets.  The namespace dies when the last visitor leaves; the leaver's
 * segment stays usable until it detaches it, its exit is clean, and every
 * object of the namespace goes, each round.
 */
TEST_F_TIMEOUT(chaos, ns_dies_with_attachments_undo_and_visitors, 300)
{
	uint64_t rng = (uint64_t)time(NULL) * 2654435761ULL | 1;
	long before[AIXIPC_NR_KINDS], ref0;
	const char *why = ns_unsupported(self->fd);
	unsigned int round, killed = 0;
	struct ns_shared *sh;
	double t0;
	int v;

	if (why)
		SKIP(return, "%s", why);
	TH_LOG("seed %#" PRIx64, rng);
	sh = ns_start(self->fd, 2, before, &ref0);
	ASSERT_NE(NULL, sh);

	t0 = now();
	for (round = 0; round < NS_ROUNDS && !sh->failed &&
	     (round < NS_MIN_ROUNDS || now() - t0 < NS_SECONDS); round++) {
		ASSERT_EQ(0, hs_init(&sh->hs));
		ASSERT_EQ(0, ns_hold(self, 0, &sh->fd[1], &sh->inum[1]));
		ASSERT_LT(0, spawn(self, 1, ns_leaver, sh));
		ASSERT_EQ(0, hs_parent_wait_ready(&sh->hs))
			TH_LOG("leaver: %d", reap_kid(self, 1));
		for (v = 0; v < NS_VISITORS; v++)
			ASSERT_LT(0, spawn(self, 2 + v, ns_visitor, sh));
		usleep((useconds_t)(t_xorshift(&rng) % 20000));
		EXPECT_EQ(0, ns_end_kid(self, 0));	/* the holder */
		close(sh->fd[1]);
		for (v = 0; v < NS_VISITORS; v++) {
			if (t_xorshift(&rng) % 3 == 0) {
				usleep((useconds_t)(t_xorshift(&rng) % 10000));
				killed += !t_kid_ended(self->kids.pid[2 + v]);
				EXPECT_EQ(0, ns_end_kid(self, 2 + v));
			} else {
				EXPECT_EQ(0, reap_kid(self, 2 + v));
			}
		}
		/* Nothing holds it now but the leaver's segment. */
		EXPECT_EQ(0, ns_wait_dead(self->fd, sh->inum[1]));
		hs_parent_go(&sh->hs);
		EXPECT_EQ(0, reap_kid(self, 1)) TH_LOG("the leaver");
		ns_check_back(_metadata, self->fd, &sh->inum[1], 1, before, ref0);
	}
	EXPECT_EQ(0, sh->failed) TH_LOG("%s", sh->why);
	TH_LOG("%u rounds, %" PRIu64 " visits, %u visitors killed",
	       round, sh->ops, killed);
	close(sh->fd[0]);
	munmap(sh, sizeof(*sh));
}

TEST_HARNESS_MAIN
