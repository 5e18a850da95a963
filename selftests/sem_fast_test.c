// SPDX-License-Identifier: GPL-2.0
/*
 * sem_fast_test - selftests for the semaphore fast path of aixipc
 * (AIXIPC_IOC_SEMMAP, the shared words, and libaixipc's semop/semctl
 * without a system call).
 *
 * Run as root with the module loaded.  This program links libaixipc.a:
 * semop(), semtimedop() and semctl() below are the library's (the fast
 * path), the t_*() helpers of aixipc_test.h are raw ioctls on the device,
 * and the tests of the protocol itself work on a mapping with raw atomics,
 * as a hostile process would.
 *
 * "Without a system call" is shown, not timed: after one warm-up call a
 * child puts /dev/null in place of every descriptor it has on /dev/aixipc
 * (the library's included), so every ioctl to the module fails with
 * ENOTTY; what still succeeds there did not reach the module, and what
 * must reach it fails with ENOTTY.  (A seccomp filter would say the same,
 * but the debug kernel has no seccomp.)  The fast path runs only while
 * the set's sem_otime is the current second (CLOCK_REALTIME_COARSE), so
 * such a child notes the second before its warm-up and after its last
 * call, and the parent runs it again (a few times at most, each started
 * just after a second began) when the second changed in between: only a
 * run within one second counts.
 *
 * Waits are deterministic (wchan and GETNCNT/GETZCNT polls as hang guards);
 * unprivileged behaviour runs in children that become uid 65534.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The harness has an unused parameter; -Wextra must not stop the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "aixipc_test.h"

#define NOWAIT		AIXIPC_SEM_NOWAIT
#define UNDO		AIXIPC_SEM_UNDO
#define SEMVMX		32767
#define KWORD		AIXIPC_SEMW_KERNEL
#define TSHIFT		AIXIPC_SEMW_TICKET_SHIFT
/* A word the kernel owns and last wrote, with value @v. */
#define KOWNED(v)	(KWORD | (uint64_t)AIXIPC_SEM_TICKET_KERNEL << TSHIFT | (uint64_t)(v))
/* A word the kernel gave back after writing value @v. */
#define KGIVEN(v)	((uint64_t)AIXIPC_SEM_TICKET_KERNEL << TSHIFT | (uint64_t)(v))

/* Exit code of a child whose run crossed a second: run it again. */
#define KID_TICKED	249

/* The fourth argument of semctl(), which the caller declares. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* ---------------------------------------------------------------------- */
/* The library (linked): 0 or a value, or -errno.                         */

static int lsemop1(int id, unsigned int num, int op, int flg)
{
	struct sembuf s = {
		.sem_num = (unsigned short)num, .sem_op = (short)op,
		.sem_flg = (short)flg,
	};

	return semop(id, &s, 1) ? -errno : 0;
}

static int lgetval(int id, unsigned int num)
{
	int v = semctl(id, (int)num, GETVAL);

	return v < 0 ? -errno : v;
}

/* ---------------------------------------------------------------------- */
/* Raw ioctls.                                                            */

static int kgetval(int fd, int id, unsigned int n)
{
	return t_semctl(fd, id, n, AIXIPC_GETVAL, 0);
}

static int ksetval(int fd, int id, unsigned int n, int v)
{
	return t_semctl(fd, id, n, AIXIPC_SETVAL, v);
}

static int kgetpid(int fd, int id, unsigned int n)
{
	return t_semctl(fd, id, n, AIXIPC_GETPID, 0);
}

static int kcount(int fd, int id, unsigned int n, bool zero)
{
	return t_semctl(fd, id, n, zero ? AIXIPC_GETZCNT : AIXIPC_GETNCNT, 0);
}

static int ksetall(int fd, int id, const uint16_t *vals)
{
	struct aixipc_semctl c = {
		.id = id, .cmd = AIXIPC_SETALL, .array = (uintptr_t)vals,
	};

	return aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
}

static int kstat(int fd, int id, struct aixipc_semid_ds *ds)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_STAT };
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);

	if (!err)
		*ds = c.ds;
	return err;
}

/* Poll GETNCNT (or GETZCNT) of semaphore @n until it is @want: 0 or -1. */
static int wait_count(int fd, int id, unsigned int n, bool zero, int want)
{
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		int c = kcount(fd, id, n, zero);

		if (c < 0)
			return -1;
		if (c == want)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* ---------------------------------------------------------------------- */
/* The area, raw.                                                         */

static int semmap_req(int fd, struct aixipc_semmap *r, int id, uint32_t flags)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->flags = flags;
	return aixipc_ioctl(fd, AIXIPC_IOC_SEMMAP, r);
}

static void funmap(struct t_semmap *m)
{
	munmap((void *)m->meta, m->size);
}

static uint64_t wload(const struct t_semmap *m, unsigned int n)
{
	return __atomic_load_n(&m->w[n], __ATOMIC_ACQUIRE);
}

static void wstore(const struct t_semmap *m, unsigned int n, uint64_t v)
{
	__atomic_store_n(&m->w[n], v, __ATOMIC_RELEASE);
}

/*
 * One operation by the protocol, as the library does it but with no
 * check of the clock: 0 done, 1 the kernel must do it (the word is the
 * kernel's, or the result is out of range), -EAGAIN it would wait.
 */
static int raw_op(const struct t_semmap *m, unsigned int n, int op)
{
	uint64_t w = wload(m, n), nw;
	int v;

	for (;;) {
		if (w & KWORD)
			return 1;
		v = (int)(w & AIXIPC_SEMW_VALUE);
		if (op == 0 ? v != 0 : v + op < 0)
			return -EAGAIN;
		v += op;
		if (v > SEMVMX)
			return 1;
		nw = (uint64_t)m->ticket << TSHIFT | (uint64_t)v;
		if (__atomic_compare_exchange_n(&m->w[n], &w, nw, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
}

/* ---------------------------------------------------------------------- */
/* The clock, and a process that can no longer reach the module.          */

static int64_t now_coarse(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return ts.tv_sec;
}

/* Wait until a new second begins (so a short run fits in one). */
static void second_start(void)
{
	int64_t t = now_coarse();
	int i;

	for (i = 0; i < 2000 && now_coarse() == t; i++)
		usleep(1000);
}

/* What an ioctl to the module fails with once it is cut off. */
#define CUT	ENOTTY

/*
 * Cut this process off the module: /dev/null in place of every descriptor
 * on /dev/aixipc, so every later ioctl to it fails with ENOTTY.  0 or -1.
 */
static int forbid_ioctl(void)
{
	char path[64], target[64];
	int null, fd, n = 0;
	ssize_t len;

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return -1;
	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = 0;
		if (strcmp(target, AIXIPC_DEVICE))
			continue;
		if (dup3(null, fd, O_CLOEXEC) != fd)
			return -1;
		n++;
	}
	close(null);
	return n ? 0 : -1;
}

/* What a child under the filter reports. */
struct fres {
	long r[32];
	int64_t t0, t1;		/* the second before the warm-up, after the end */
	int filtered;		/* cut off (a probe ioctl got ENOTTY) */
	pid_t pid;		/* the child (kid_in_one_second()) */
};

static struct fres *new_fres(void)
{
	struct fres *r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	memset(r, 0, sizeof(*r));
	return r;
}

/* In a child after its warm-up: the filter, and proof that it holds. */
static void kid_filter(int fd, struct fres *r)
{
	struct aixipc_version v;

	if (forbid_ioctl())
		_exit(KID_BROKEN);
	r->filtered = aixipc_ioctl(fd, AIXIPC_IOC_VERSION, &v) == -CUT;
}

/* The end of such a child: KID_TICKED when its run crossed a second. */
static __attribute__((noreturn)) void kid_end(struct fres *r)
{
	r->t1 = now_coarse();
	_exit(r->t0 == r->t1 ? 0 : KID_TICKED);
}

/* What such a child does between its start and kid_end(). */
typedef void (*kid_body)(int fd, int id, struct fres *r);

/*
 * Set @id's two values to @init, then run @body in a child from the start
 * of a second; again (6 times at most) while its run crossed a second.
 * Return: the child's exit code (0 for a run within one second), with
 * its pid in r->pid, or -1.
 */
static int kid_in_one_second(struct t_kids *kids, int fd, int id,
			     const uint16_t init[2], struct fres *r,
			     kid_body body)
{
	int try, code = -1;
	pid_t kid;

	for (try = 0; try < 6; try++) {
		struct aixipc_semctl c = {
			.id = id, .cmd = AIXIPC_SETALL, .array = (uintptr_t)init,
		};

		if (aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c))
			return -1;
		memset(r, 0, sizeof(*r));
		second_start();
		kid = t_spawn(kids);
		if (kid < 0)
			return -1;
		if (kid == 0) {
			r->t0 = now_coarse();
			body(fd, id, r);
			kid_end(r);
		}
		r->pid = kid;
		code = t_reap(kids, kid);
		if (code != KID_TICKED)
			break;
	}
	return code;
}

/* ---------------------------------------------------------------------- */
/* Signals: what a touch of memory does.                                  */

static sigjmp_buf probe_jmp;
static volatile sig_atomic_t probe_sig;

static void probe_handler(int sig)
{
	probe_sig = sig;
	siglongjmp(probe_jmp, 1);
}

/* Write @v at @p: 0, or the signal it raised. */
static int probe_write64(uint64_t *p, uint64_t v)
{
	struct sigaction sa, old_segv, old_bus;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	probe_sig = 0;
	if (!sigsetjmp(probe_jmp, 1))
		__atomic_store_n(p, v, __ATOMIC_RELAXED);
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return probe_sig;
}

/*
 * Does this kernel have process_vm_readv (CONFIG_CROSS_MEMORY_ATTACH; the
 * debug kernel has not)?  Without it the library cannot check a pointer
 * before reading it, and does as every call of it does: reads it.
 */
static bool have_process_vm(void)
{
	uint64_t a = 1, b = 0;
	struct iovec l = { .iov_base = &b, .iov_len = sizeof(b) };
	struct iovec r = { .iov_base = &a, .iov_len = sizeof(a) };

	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == sizeof(a);
}

/* ---------------------------------------------------------------------- */
/* The fixture.                                                           */

FIXTURE(semfast) {
	int fd;
	struct t_kids kids;
};

FIXTURE_SETUP(semfast)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_SEM_FAST);
	/* The tests below are written for the documented default. */
	ASSERT_EQ((uint64_t)SEMVMX, v.limits.semvmx);
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(semfast)
{
	t_teardown(self->fd, &self->kids);
}

/* A new IPC_PRIVATE set, removed by the teardown if the test does not. */
static int new_set(FIXTURE_DATA(semfast) *self, unsigned int nsems,
		   uint32_t mode)
{
	int id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, nsems, AIXIPC_CREAT,
			  mode);

	if (id >= 0)
		t_track(AIXIPC_SEM, id);
	return id;
}

static int remove_set(FIXTURE_DATA(semfast) *self, int id)
{
	return t_rmid_tracked(self->fd, AIXIPC_SEM, id);
}

/* ====================================================================== */
/* The area and the protocol, raw.                                        */

TEST_F(semfast, map_layout_meta_and_kernel_owned_words)
{
	uint16_t vals[3] = { 7, 0, SEMVMX };
	struct t_semmap m, m2;
	struct aixipc_semmap r;
	int id = new_set(self, 3, 0600);
	long other;
	unsigned int i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetall(self->fd, id, vals));
	ASSERT_EQ(0, semmap_req(self->fd, &r, id,
				AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO));
	EXPECT_EQ(0ULL, r.addr % 4096);
	EXPECT_EQ(AIXIPC_SEM_WORDS_OFFSET + 4096, r.size);
	EXPECT_EQ(3U, r.nsems);
	EXPECT_LT(AIXIPC_SEM_TICKET_KERNEL, r.ticket);
	munmap((void *)(uintptr_t)r.addr, (size_t)r.size);

	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	EXPECT_EQ(AIXIPC_SEM_LIVE, m.meta->live);
	EXPECT_EQ((uint32_t)SEMVMX, m.meta->semvmx);
	EXPECT_EQ(3U, m.meta->nsems);
	/* One ticket per process and set. */
	EXPECT_EQ(r.ticket, m.ticket);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(KOWNED(vals[i]), wload(&m, i)) TH_LOG("word %u", i);
	/* A read-only mapping of the same: the same words. */
	ASSERT_EQ(0, t_semmap(self->fd, id, 0, &m2));
	EXPECT_EQ(m.ticket, m2.ticket);
	EXPECT_EQ(KOWNED(SEMVMX), wload(&m2, 2));
	funmap(&m2);
	/* Another process: another ticket (a u32: compared in the child). */
	other = T_IN_CHILD(0, ({
		struct t_semmap c;
		long t = t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c);
		t ? t : c.ticket > AIXIPC_SEM_TICKET_KERNEL &&
			c.ticket != m.ticket ? 0 : -EPROTO;
	}));
	EXPECT_EQ(0, other);
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A single-operation semop gives the word back; one compare-and-swap is
 * then a complete operation that another process sees: value, GETPID,
 * and the word taken by the kernel on GETVAL.
 */
TEST_F(semfast, raw_cas_is_a_semop_seen_by_others)
{
	struct t_semmap m;
	pid_t me = getpid();
	long r;
	int id = new_set(self, 2, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	EXPECT_EQ(KOWNED(0), wload(&m, 0));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(KGIVEN(1), wload(&m, 0));
	/* Only that semaphore's word: the other stays the kernel's. */
	EXPECT_EQ(KOWNED(0), wload(&m, 1));

	/* A child's CAS: a semop by the child. */
	r = T_IN_CHILD(0, ({
		struct t_semmap c;
		long e = t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c);
		e ? e : raw_op(&c, 0, 2) ? -EPROTO : 0;
	}));
	ASSERT_EQ(0, r);
	EXPECT_EQ(0ULL, wload(&m, 0) & KWORD);
	EXPECT_EQ(3ULL, wload(&m, 0) & AIXIPC_SEMW_VALUE);
	EXPECT_EQ(3, kgetval(self->fd, id, 0));
	/* Taken by the kernel now (the bit set), the value its own. */
	EXPECT_NE(0ULL, wload(&m, 0) & KWORD);
	EXPECT_EQ(3ULL, wload(&m, 0) & AIXIPC_SEMW_VALUE);
	r = kgetpid(self->fd, id, 0);
	EXPECT_NE(0, r);
	EXPECT_NE(me, r);
	EXPECT_LT(0, r);
	/* The kernel's op gives it back; our CAS is ours. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, -1, 0));
	EXPECT_EQ(KGIVEN(2), wload(&m, 0));
	EXPECT_EQ(0, raw_op(&m, 0, -2));
	EXPECT_EQ(-EAGAIN, raw_op(&m, 0, -1));
	EXPECT_EQ(0, kgetval(self->fd, id, 0));
	EXPECT_EQ(me, kgetpid(self->fd, id, 0));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/* The child's pid, as a raw operator: GETPID names it, not the parent. */
TEST_F(semfast, raw_getpid_names_the_child_that_operated)
{
	struct t_semmap m;
	int status, id = new_set(self, 1, 0600);
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 4, 0));
	ASSERT_EQ(getpid(), kgetpid(self->fd, id, 0));	/* takes the word */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));	/* gives it back */
	ASSERT_EQ(KGIVEN(5), wload(&m, 0));
	kid = fork();
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap c;

		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c))
			_exit(KID_BROKEN);
		_exit(raw_op(&c, 0, -1) ? KID_WRONG : 0);
	}
	ASSERT_EQ(kid, waitpid(kid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The child is gone, its ticket still resolves to its pid. */
	EXPECT_EQ(kid, kgetpid(self->fd, id, 0));
	EXPECT_EQ(4, kgetval(self->fd, id, 0));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * Tickets of processes that are gone are collected once a set has more
 * than its size plus 64 of them, except those a word still names: 200
 * short-lived mappers later, the dead process whose fast operation was
 * the last still owns GETPID, and the set still works.
 */
TEST_F_TIMEOUT(semfast, dead_tickets_collected_but_not_the_one_a_word_names, 120)
{
	struct t_semmap m;
	int status, id = new_set(self, 1, 0600), i;
	pid_t kid, last;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 5, 0));	/* 5, given back */
	last = fork();
	ASSERT_LE(0, last);
	if (last == 0) {
		struct t_semmap c;

		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c))
			_exit(KID_BROKEN);
		_exit(raw_op(&c, 0, -1) ? KID_WRONG : 0);	/* 4, its ticket */
	}
	ASSERT_EQ(last, waitpid(last, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* Mappers that never operate: each leaves a dead ticket behind. */
	for (i = 0; i < 200; i++) {
		kid = fork();
		ASSERT_LE(0, kid);
		if (kid == 0) {
			struct t_semmap c;

			_exit(t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c) ?
			      KID_BROKEN : 0);
		}
		ASSERT_EQ(kid, waitpid(kid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("mapper %d", i);
	}
	EXPECT_EQ(last, kgetpid(self->fd, id, 0));
	EXPECT_EQ(4, kgetval(self->fd, id, 0));
	/* And the fast path still serves a new process. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));	/* 5, given back */
	kid = fork();
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap c;

		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c))
			_exit(KID_BROKEN);
		_exit(raw_op(&c, 0, -2) ? KID_WRONG : 0);
	}
	ASSERT_EQ(kid, waitpid(kid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(kid, kgetpid(self->fd, id, 0));
	EXPECT_EQ(3, kgetval(self->fd, id, 0));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* The library's fast path: no system call.                               */

/*
 * After one warm-up operation, under a filter that fails every ioctl:
 * P, V, IPC_NOWAIT's EAGAIN, a wait for zero on zero and GETVAL succeed,
 * with the values the kernel then reports.
 */
static void fast_ops_kid(int fd, int id, struct fres *r)
{
	/* Warm-up: maps the set, the kernel does the op. */
	if (lsemop1(id, 0, 1, 0) || lsemop1(id, 1, 0, 0))
		_exit(KID_BROKEN);
	kid_filter(fd, r);
	r->r[0] = lsemop1(id, 0, -1, 0);	/* 4 -> 3 */
	r->r[1] = lsemop1(id, 0, 2, 0);		/* 5 */
	r->r[2] = lsemop1(id, 0, -3, NOWAIT);	/* 2 */
	r->r[3] = lsemop1(id, 0, -3, NOWAIT);	/* EAGAIN */
	r->r[4] = lsemop1(id, 1, 0, 0);		/* zero */
	r->r[5] = lsemop1(id, 1, 0, NOWAIT);
	r->r[6] = lgetval(id, 0);
	r->r[7] = lgetval(id, 1);
	r->r[8] = lsemop1(id, 1, 1, NOWAIT);	/* 1 */
	r->r[9] = lsemop1(id, 1, 0, NOWAIT);	/* EAGAIN */
	r->r[10] = lgetval(id, 1);
}

TEST_F_TIMEOUT(semfast, lib_fast_ops_make_no_system_call, 120)
{
	static const uint16_t init[2] = { 3, 0 };
	struct fres *r = new_fres();
	int id = new_set(self, 2, 0600);

	ASSERT_NE(NULL, r);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, kid_in_one_second(&self->kids, self->fd, id, init, r,
				       fast_ops_kid));
	EXPECT_TRUE(r->filtered);
	EXPECT_EQ(0, r->r[0]);
	EXPECT_EQ(0, r->r[1]);
	EXPECT_EQ(0, r->r[2]);
	EXPECT_EQ(-EAGAIN, r->r[3]);
	EXPECT_EQ(0, r->r[4]);
	EXPECT_EQ(0, r->r[5]);
	EXPECT_EQ(2, r->r[6]);
	EXPECT_EQ(0, r->r[7]);
	EXPECT_EQ(0, r->r[8]);
	EXPECT_EQ(-EAGAIN, r->r[9]);
	EXPECT_EQ(1, r->r[10]);
	/* What the kernel reports afterwards. */
	EXPECT_EQ(2, kgetval(self->fd, id, 0));
	EXPECT_EQ(1, kgetval(self->fd, id, 1));
	EXPECT_EQ(r->pid, kgetpid(self->fd, id, 0));
	EXPECT_EQ(r->pid, kgetpid(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * What the fast path must leave to the kernel does reach it (and fails
 * with ENOTTY once cut off): a wait, SEM_UNDO on a semaphore whose word
 * does not hold the process's adjustment, several operations, a value
 * past semvmx, a semaphore past the set's end; and nothing of them was
 * done.
 */
static void slow_cases_kid(int fd, int id, struct fres *r)
{
	struct sembuf two[2] = {
		{ .sem_num = 0, .sem_op = 1 },
		{ .sem_num = 1, .sem_op = -1 },
	};
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000 };

	/* Warm-up: both words given back, values 0, 32767. */
	if (lsemop1(id, 0, 0, 0) || lsemop1(id, 1, 1, 0))
		_exit(KID_BROKEN);
	kid_filter(fd, r);
	r->r[0] = lsemop1(id, 0, -1, 0);	/* waits */
	r->r[1] = lsemop1(id, 0, 1, SEM_UNDO);
	r->r[2] = semop(id, two, 2) ? -errno : 0;
	r->r[3] = lsemop1(id, 1, 1, 0);		/* ERANGE */
	r->r[4] = lsemop1(id, 1, 1, NOWAIT);
	r->r[5] = lsemop1(id, 2, 1, 0);		/* EFBIG */
	r->r[6] = semtimedop(id, two, 2, &ts) ? -errno : 0;
	/* The fast ones still work, and prove the run. */
	r->r[7] = lsemop1(id, 0, 1, 0);
	r->r[8] = lsemop1(id, 1, -1, 0);
}

TEST_F_TIMEOUT(semfast, lib_slow_cases_reach_the_kernel, 120)
{
	static const uint16_t init[2] = { 0, SEMVMX - 1 };
	struct fres *r = new_fres();
	int id = new_set(self, 2, 0600);

	ASSERT_NE(NULL, r);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, kid_in_one_second(&self->kids, self->fd, id, init, r,
				       slow_cases_kid));
	EXPECT_TRUE(r->filtered);
	EXPECT_EQ(-CUT, r->r[0]);
	EXPECT_EQ(-CUT, r->r[1]);
	EXPECT_EQ(-CUT, r->r[2]);
	EXPECT_EQ(-CUT, r->r[3]);
	EXPECT_EQ(-CUT, r->r[4]);
	EXPECT_EQ(-CUT, r->r[5]);
	EXPECT_EQ(-CUT, r->r[6]);
	EXPECT_EQ(0, r->r[7]);
	EXPECT_EQ(0, r->r[8]);
	EXPECT_EQ(1, kgetval(self->fd, id, 0));
	EXPECT_EQ(SEMVMX - 1, kgetval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * The library in a fork child maps the set again with its own ticket: its
 * fast operation (no system call) reports the child's pid to GETPID, and
 * sem_otime is the second of the operation.
 */
TEST_F_TIMEOUT(semfast, lib_fork_child_fast_op_getpid_and_otime, 120)
{
	struct fres *r = new_fres();
	struct aixipc_semid_ds ds;
	int id = new_set(self, 2, 0600), try, code = -1;
	pid_t kid = -1;

	ASSERT_NE(NULL, r);
	ASSERT_LE(0, id);
	/* The parent's library maps the set first (the child must drop it). */
	ASSERT_EQ(0, lsemop1(id, 1, 1, 0));
	for (try = 0; try < 6; try++) {
		ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
		memset(r, 0, sizeof(*r));
		second_start();
		r->t0 = now_coarse();
		/* A kernel op by the parent: stamps otime, gives the word back. */
		ASSERT_EQ(0, t_semop1(self->fd, id, 0, -1, 0));
		kid = t_spawn(&self->kids);
		ASSERT_LE(0, kid);
		if (kid == 0) {
			/* Warm-up: GETVAL maps (and is not an operation). */
			if (lgetval(id, 0) != 4)
				_exit(KID_BROKEN);
			kid_filter(self->fd, r);
			r->r[0] = lsemop1(id, 0, -1, 0);
			r->r[1] = now_coarse();
			kid_end(r);
		}
		code = t_reap(&self->kids, kid);
		if (code != KID_TICKED)
			break;
	}
	ASSERT_EQ(0, code) TH_LOG("tries %d", try);
	EXPECT_TRUE(r->filtered);
	EXPECT_EQ(0, r->r[0]);
	EXPECT_EQ(3, kgetval(self->fd, id, 0));
	EXPECT_EQ(kid, kgetpid(self->fd, id, 0));
	ASSERT_EQ(0, kstat(self->fd, id, &ds));
	EXPECT_EQ(r->r[1], (long)ds.otime);
	/* And the parent's own fast path still works on its mapping. */
	EXPECT_EQ(3, lgetval(id, 0));
	EXPECT_EQ(0, lsemop1(id, 0, 1, 0));
	EXPECT_EQ(4, kgetval(self->fd, id, 0));
	EXPECT_EQ(getpid(), kgetpid(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* The SysV contract through the fast path.                               */

/* A child blocked in the library's semop; exits with kid_code(). */
static pid_t lib_waiter(FIXTURE_DATA(semfast) *self, int id, unsigned int n,
			int op)
{
	pid_t kid = t_spawn(&self->kids);

	if (kid == 0)
		_exit(kid_code(lsemop1(id, n, op, 0)));
	return kid;
}

/*
 * Waiters counted by GETNCNT/GETZCNT (ioctl and library); the word is the
 * kernel's while they wait, so a fast-path V goes to the kernel and wakes
 * one; the word comes back once nobody waits.
 */
TEST_F_TIMEOUT(semfast, lib_waiters_counted_and_woken_by_fast_v, 120)
{
	struct t_semmap m;
	pid_t p1, p2, z;
	int id = new_set(self, 2, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, 0, &m));
	ASSERT_EQ(0, lsemop1(id, 1, 1, 0));	/* the library maps; sem 1 = 1 */
	EXPECT_EQ(KGIVEN(1), wload(&m, 1));
	p1 = lib_waiter(self, id, 0, -1);
	ASSERT_LE(0, p1);
	ASSERT_EQ(0, wait_count(self->fd, id, 0, false, 1));
	p2 = lib_waiter(self, id, 0, -1);
	ASSERT_LE(0, p2);
	z = lib_waiter(self, id, 1, 0);
	ASSERT_LE(0, z);
	ASSERT_EQ(0, wait_count(self->fd, id, 0, false, 2));
	ASSERT_EQ(0, wait_count(self->fd, id, 1, true, 1));
	EXPECT_EQ(0, t_wait_sleeping_in(p1, "aixipc_"));
	EXPECT_EQ(0, t_wait_sleeping_in(z, "aixipc_"));
	EXPECT_EQ(2, semctl(id, 0, GETNCNT));
	EXPECT_EQ(1, semctl(id, 1, GETZCNT));
	EXPECT_EQ(0, semctl(id, 0, GETZCNT));
	/* The words of waited-on semaphores are the kernel's. */
	EXPECT_NE(0ULL, wload(&m, 0) & KWORD);
	EXPECT_NE(0ULL, wload(&m, 1) & KWORD);

	/* V through the library: reaches the kernel, wakes one. */
	ASSERT_EQ(0, lsemop1(id, 0, 1, 0));
	ASSERT_EQ(0, wait_count(self->fd, id, 0, false, 1));
	EXPECT_EQ(0, kgetval(self->fd, id, 0));
	EXPECT_NE(0ULL, wload(&m, 0) & KWORD);	/* one still waits */
	ASSERT_EQ(0, lsemop1(id, 0, 1, NOWAIT));
	EXPECT_EQ(0, t_reap(&self->kids, p1));
	EXPECT_EQ(0, t_reap(&self->kids, p2));
	EXPECT_EQ(0, kgetval(self->fd, id, 0));
	EXPECT_EQ(0, kcount(self->fd, id, 0, false));
	/* The wait for zero: P by the library. */
	ASSERT_EQ(0, lsemop1(id, 1, -1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, z));
	EXPECT_EQ(0, kcount(self->fd, id, 1, true));
	/* Nobody waits: a single op gives the words back. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 0, 0));
	ASSERT_EQ(0, t_semop1(self->fd, id, 1, 0, 0));
	EXPECT_EQ(KGIVEN(0), wload(&m, 0));
	EXPECT_EQ(KGIVEN(0), wload(&m, 1));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A two-operation semop (the kernel) against fast single operations on
 * the same semaphores, in loops: units move between two semaphores and
 * none is lost or made.
 */
struct mo_shared {
	int fails;
	long fast_done;
};

TEST_F_TIMEOUT(semfast, lib_multi_op_atomic_against_fast_ops, 300)
{
	enum { UNITS = 3, ITERS = 3000, MOVERS = 2 };
	struct mo_shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint16_t init[2] = { UNITS, 0 }, all[2];
	pid_t pid[2 * MOVERS];
	int id = new_set(self, 2, 0600), i, j, bad_sum = 0;

	ASSERT_NE(MAP_FAILED, sh);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetall(self->fd, id, init));
	for (i = 0; i < 2 * MOVERS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i])
			continue;
		for (j = 0; j < ITERS; j++) {
			int err;

			if (i % 2 == 0) {
				/* One atomic call: sem 0 -> sem 1. */
				struct sembuf two[2] = {
					{ .sem_num = 0, .sem_op = -1 },
					{ .sem_num = 1, .sem_op = 1 },
				};

				err = semop(id, two, 2) ? -errno : 0;
			} else {
				/* Two single calls, fast when they can: 1 -> 0. */
				err = lsemop1(id, 1, -1, 0);
				if (!err)
					err = lsemop1(id, 0, 1, 0);
			}
			if (err) {
				__atomic_add_fetch(&sh->fails, 1, __ATOMIC_SEQ_CST);
				_exit(kid_code(err));
			}
		}
		_exit(0);
	}
	/* Meanwhile the sum seen atomically never exceeds the units. */
	for (j = 0; j < 2000; j++) {
		struct aixipc_semctl c = {
			.id = id, .cmd = AIXIPC_GETALL, .array = (uintptr_t)all,
		};

		if (aixipc_ioctl(self->fd, AIXIPC_IOC_SEMCTL, &c))
			break;
		if (all[0] + all[1] > UNITS || all[0] + all[1] < UNITS - MOVERS)
			bad_sum++;
		if (t_kid_ended(pid[0]) && t_kid_ended(pid[1]))
			break;
	}
	for (i = 0; i < 2 * MOVERS; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("mover %d", i);
	EXPECT_EQ(0, sh->fails);
	EXPECT_EQ(0, bad_sum);
	EXPECT_EQ(UNITS, kgetval(self->fd, id, 0));
	/*
	 * Failed (32-bit, 6.1) before 3833dc5: a woken single-op caller gave
	 * its word back with a blind store of its value, over a fast P made
	 * after its waker had given the word back already.
	 */
	EXPECT_EQ(0, kgetval(self->fd, id, 1));
	EXPECT_EQ(UNITS, lgetval(id, 0));
	munmap(sh, sizeof(*sh));
	EXPECT_EQ(0, remove_set(self, id));
}

/* SETVAL and SETALL by another process: the fast path sees them at once. */
TEST_F(semfast, lib_sees_setval_and_setall_at_once)
{
	uint16_t vals[3] = { 9, 0, 4 };
	int id = new_set(self, 3, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, lsemop1(id, 0, 2, 0));
	ASSERT_EQ(0, lsemop1(id, 0, -1, 0));	/* fast when the clock allows */
	EXPECT_EQ(1, lgetval(id, 0));
	EXPECT_EQ(0, T_IN_CHILD(0, ksetval(self->fd, id, 0, 6)));
	EXPECT_EQ(6, lgetval(id, 0));
	EXPECT_EQ(0, lsemop1(id, 0, -6, NOWAIT));
	EXPECT_EQ(-EAGAIN, lsemop1(id, 0, -1, NOWAIT));
	EXPECT_EQ(0, lgetval(id, 0));
	EXPECT_EQ(0, T_IN_CHILD(0, ksetall(self->fd, id, vals)));
	EXPECT_EQ(9, lgetval(id, 0));
	EXPECT_EQ(0, lgetval(id, 1));
	EXPECT_EQ(4, lgetval(id, 2));
	EXPECT_EQ(0, lsemop1(id, 2, -4, NOWAIT));
	EXPECT_EQ(-EAGAIN, lsemop1(id, 2, -1, NOWAIT));
	EXPECT_EQ(0, lsemop1(id, 1, 0, NOWAIT));
	EXPECT_EQ(9, kgetval(self->fd, id, 0));
	EXPECT_EQ(0, kgetval(self->fd, id, 2));
	/* A SETVAL while the word is ours (given back): taken, then set. */
	ASSERT_EQ(0, lsemop1(id, 2, 3, 0));
	EXPECT_EQ(0, ksetval(self->fd, id, 2, 1));
	EXPECT_EQ(1, lgetval(id, 2));
	EXPECT_EQ(0, lsemop1(id, 2, -1, NOWAIT));
	EXPECT_EQ(-EAGAIN, lsemop1(id, 2, -1, NOWAIT));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * IPC_RMID: the next operation through the library fails as the kernel
 * fails a removed id (EINVAL), never succeeds on the dead area; waiters
 * wake with EIDRM; a raw mapping shows every word the kernel's and
 * meta.live 0, and a CAS there can do nothing.
 */
TEST_F_TIMEOUT(semfast, rmid_fails_fast_ops_and_wakes_waiters, 120)
{
	struct t_semmap m;
	pid_t w1, w2;
	int id = new_set(self, 2, 0600), i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	ASSERT_EQ(0, lsemop1(id, 1, 5, 0));
	ASSERT_EQ(0, lsemop1(id, 1, -1, 0));
	EXPECT_EQ(4, lgetval(id, 1));
	w1 = lib_waiter(self, id, 0, -1);
	ASSERT_LE(0, w1);
	w2 = lib_waiter(self, id, 1, 0);
	ASSERT_LE(0, w2);
	ASSERT_EQ(0, wait_count(self->fd, id, 0, false, 1));
	ASSERT_EQ(0, wait_count(self->fd, id, 1, true, 1));
	EXPECT_EQ(0, remove_set(self, id));
	EXPECT_EQ(EIDRM, t_reap(&self->kids, w1));
	EXPECT_EQ(EIDRM, t_reap(&self->kids, w2));
	EXPECT_EQ(-EINVAL, kgetval(self->fd, id, 1));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(-EINVAL, lsemop1(id, 1, -1, NOWAIT));
		EXPECT_EQ(-EINVAL, lsemop1(id, 1, 1, 0));
		EXPECT_EQ(-EINVAL, lgetval(id, 1));
	}
	EXPECT_NE(AIXIPC_SEM_LIVE, m.meta->live);
	for (i = 0; i < 2; i++) {
		EXPECT_NE(0ULL, wload(&m, i) & KWORD) TH_LOG("word %d", i);
		EXPECT_EQ(1, raw_op(&m, i, 1));
	}
	funmap(&m);
}

/* ====================================================================== */
/* Permissions.                                                           */

/*
 * Read permission only: no writable mapping; the read-only one cannot be
 * written (SIGSEGV) nor made writable (EACCES); GETVAL is fast there, an
 * operation gets the kernel's EACCES.
 */
TEST_F_TIMEOUT(semfast, read_only_process_maps_read_only, 120)
{
	struct fres *r = new_fres();
	int id = new_set(self, 2, 0644), try, code = -1;
	pid_t kid;

	ASSERT_NE(NULL, r);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 1, 12));
	EXPECT_EQ(-EACCES, AS_NOBODY(({
		struct t_semmap c;
		t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c);
	})));
	/* mprotect to writable: refused; a write: SIGSEGV (no handler). */
	EXPECT_EQ(-EACCES, AS_NOBODY(({
		struct t_semmap c;
		long e = t_semmap(self->fd, id, 0, &c);
		e ? e : mprotect((void *)c.meta, c.size,
				 PROT_READ | PROT_WRITE) ? -errno : 0;
	})));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap c;

		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		if (t_become_nobody() || t_semmap(self->fd, id, 0, &c))
			_exit(KID_BROKEN);
		if (wload(&c, 1) != KOWNED(12))
			_exit(KID_WRONG);
		wstore(&c, 1, KGIVEN(SEMVMX));
		_exit(0);
	}
	EXPECT_EQ(1000 + SIGSEGV, t_reap(&self->kids, kid));
	EXPECT_EQ(12, kgetval(self->fd, id, 1));

	/* The library: GETVAL with no system call, semop refused. */
	for (try = 0; try < 6; try++) {
		memset(r, 0, sizeof(*r));
		kid = t_spawn(&self->kids);
		ASSERT_LE(0, kid);
		if (kid == 0) {
			if (t_become_nobody())
				_exit(KID_BROKEN);
			r->t0 = now_coarse();
			r->r[0] = lsemop1(id, 1, -1, NOWAIT);
			r->r[1] = lgetval(id, 1);	/* maps read-only */
			kid_filter(self->fd, r);
			r->r[2] = lgetval(id, 1);
			r->r[3] = lgetval(id, 0);
			r->r[4] = lsemop1(id, 1, -1, NOWAIT);
			kid_end(r);
		}
		code = t_reap(&self->kids, kid);
		if (code != KID_TICKED)
			break;
	}
	ASSERT_EQ(0, code);
	EXPECT_TRUE(r->filtered);
	EXPECT_EQ(-EACCES, r->r[0]);
	EXPECT_EQ(12, r->r[1]);
	EXPECT_EQ(12, r->r[2]);
	EXPECT_EQ(0, r->r[3]);
	EXPECT_EQ(-CUT, r->r[4]);	/* not fast: it needs the kernel */
	EXPECT_EQ(12, kgetval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/* What a revoked child does, step by step, told through a pipe. */
struct revoke_env {
	int go[2], done[2];
	long res[16];
};

/*
 * IPC_SET takes alter away from a process with a writable mapping: its
 * raw writes after IPC_SET returned change nothing others see, its
 * library semop gets EACCES; alter given back: the raw mapping and the
 * library's fast path work again.
 */
TEST_F_TIMEOUT(semfast, ipc_set_revokes_and_restores_alter, 120)
{
	struct revoke_env *e = mmap(NULL, sizeof(*e), PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct fres *fr = new_fres();
	int id = new_set(self, 2, 0666), try, code = -1;
	pid_t kid;
	char c = 0;

	ASSERT_NE(MAP_FAILED, e);
	ASSERT_NE(NULL, fr);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, pipe(e->go));
	ASSERT_EQ(0, pipe(e->done));
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 10));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap m;

		if (t_become_nobody() || t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m))
			_exit(KID_BROKEN);
		/* Step 1: alter allowed, the library and raw both work. */
		e->res[0] = lsemop1(id, 0, -1, 0);	/* 9, word given back */
		e->res[1] = raw_op(&m, 0, -1);		/* 8 */
		if (write(e->done[1], &c, 1) != 1 || read(e->go[0], &c, 1) != 1)
			_exit(KID_BROKEN);
		/* Step 2: after IPC_SET to 0644 returned. */
		e->res[2] = (long)(wload(&m, 0) >> 32);
		e->res[3] = raw_op(&m, 0, -1);
		wstore(&m, 0, (uint64_t)m.ticket << TSHIFT | 1000);
		e->res[4] = lsemop1(id, 0, -1, NOWAIT);
		e->res[5] = lsemop1(id, 0, 1, 0);
		e->res[6] = lgetval(id, 0);
		e->res[7] = m.meta->live == AIXIPC_SEM_LIVE;
		if (write(e->done[1], &c, 1) != 1 || read(e->go[0], &c, 1) != 1)
			_exit(KID_BROKEN);
		/* Step 3: alter back (0666). */
		e->res[8] = m.meta->live == AIXIPC_SEM_LIVE;
		e->res[9] = raw_op(&m, 0, -1);		/* the word is ours? */
		e->res[10] = lsemop1(id, 0, -1, 0);
		e->res[11] = lgetval(id, 0);
		_exit(0);
	}
	ASSERT_EQ(1, read(e->done[0], &c, 1));
	EXPECT_EQ(0, e->res[0]);
	EXPECT_EQ(0, e->res[1]);
	EXPECT_EQ(8, kgetval(self->fd, id, 0));
	EXPECT_EQ(kid, kgetpid(self->fd, id, 0));
	/* Give the word back to user space, then take alter away. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));	/* 9, given back */
	ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0644));
	ASSERT_EQ(1, write(e->go[1], &c, 1));
	ASSERT_EQ(1, read(e->done[0], &c, 1));
	EXPECT_EQ(AIXIPC_SEM_TICKET_KERNEL, e->res[2]);	/* junk, "kernel's" */
	EXPECT_EQ(1, e->res[3]);
	EXPECT_EQ(-EACCES, e->res[4]);
	EXPECT_EQ(-EACCES, e->res[5]);
	EXPECT_EQ(9, e->res[6]);
	EXPECT_EQ(0, e->res[7]);
	/* The raw write of 1000 reached nothing real. */
	EXPECT_EQ(9, kgetval(self->fd, id, 0));
	EXPECT_EQ(getpid(), kgetpid(self->fd, id, 0));
	/* Alter back; give the word back to user space again. */
	ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0666));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));	/* 10, given back */
	ASSERT_EQ(1, write(e->go[1], &c, 1));
	EXPECT_EQ(0, t_reap(&self->kids, kid));
	EXPECT_EQ(1, e->res[8]);
	EXPECT_EQ(0, e->res[9]);			/* raw works again */
	EXPECT_EQ(0, e->res[10]);
	EXPECT_EQ(8, e->res[11]);
	EXPECT_EQ(8, kgetval(self->fd, id, 0));

	/*
	 * The library of a process that lost alter and got it back: after
	 * one warm-up op, is its semop fast again?
	 */
	for (try = 0; try < 6; try++) {
		memset(fr, 0, sizeof(*fr));
		ASSERT_EQ(0, ksetval(self->fd, id, 1, 5));
		second_start();
		kid = t_spawn(&self->kids);
		ASSERT_LE(0, kid);
		if (kid == 0) {
			if (t_become_nobody())
				_exit(KID_BROKEN);
			fr->t0 = now_coarse();
			/* Mapped while alter is allowed: fast. */
			if (lsemop1(id, 1, -1, 0))
				_exit(KID_BROKEN);
			if (write(e->done[1], &c, 1) != 1 || read(e->go[0], &c, 1) != 1)
				_exit(KID_BROKEN);
			fr->r[0] = lsemop1(id, 1, -1, 0);	/* EACCES */
			if (write(e->done[1], &c, 1) != 1 || read(e->go[0], &c, 1) != 1)
				_exit(KID_BROKEN);
			fr->r[1] = lsemop1(id, 1, -1, 0);	/* warm-up: kernel */
			kid_filter(self->fd, fr);
			fr->r[2] = lsemop1(id, 1, -1, 0);	/* fast? */
			fr->r[3] = lgetval(id, 1);
			kid_end(fr);
		}
		ASSERT_EQ(1, read(e->done[0], &c, 1));
		ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0644));
		ASSERT_EQ(1, write(e->go[1], &c, 1));
		ASSERT_EQ(1, read(e->done[0], &c, 1));
		ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0666));
		ASSERT_EQ(1, write(e->go[1], &c, 1));
		code = t_reap(&self->kids, kid);
		if (code != KID_TICKED)
			break;
	}
	ASSERT_EQ(0, code);
	EXPECT_TRUE(fr->filtered);
	EXPECT_EQ(-EACCES, fr->r[0]);
	EXPECT_EQ(0, fr->r[1]);
	/*
	 * The warm-up's success in the kernel shows alter is back: the
	 * library traded its read-only mapping for a writable one then.
	 */
	EXPECT_EQ(0, fr->r[2]);
	EXPECT_EQ(fr->r[2] ? 3 : 2, fr->r[3]);
	munmap(e, sizeof(*e));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* Hostile writes.                                                        */

/*
 * Garbage in user-owned words: the kernel takes the value clamped to
 * semvmx, ignores the reserved bits, never hangs; the library's GETVAL
 * clamps as the kernel will.
 */
TEST_F(semfast, hostile_garbage_clamped)
{
	static const uint64_t garbage[] = {
		0xffffULL, 0x8000ULL, 0x7fffULL, 0x7fff0000ffffULL,
		0x7fff0000ULL | 5, 0xdeadbeef00001234ULL & ~KWORD,
		0xffffffff7fffffffULL, 0x0000000100010001ULL,
		0xffffffff00000000ULL, 0,
	};
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	struct t_semmap m;
	unsigned int i;
	int id = new_set(self, 4, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]) + 200; i++) {
		uint64_t g = i < sizeof(garbage) / sizeof(garbage[0]) ?
			     garbage[i] : t_xorshift(&rng) & ~KWORD;
		int want = (int)(g & AIXIPC_SEMW_VALUE), v;

		if (want > SEMVMX)
			want = SEMVMX;
		wstore(&m, i % 4, g);
		EXPECT_EQ(want, lgetval(id, i % 4)) TH_LOG("garbage %#llx",
							    (unsigned long long)g);
		v = kgetval(self->fd, id, i % 4);
		EXPECT_EQ(want, v) TH_LOG("garbage %#llx", (unsigned long long)g);
		EXPECT_NE(0ULL, wload(&m, i % 4) & KWORD);
		EXPECT_EQ(want, lgetval(id, i % 4));
		/* And the kernel operates on the clamped value. */
		if (want > 0) {
			EXPECT_EQ(0, t_semop1(self->fd, id, i % 4, -1, NOWAIT));
		} else {
			EXPECT_EQ(-EAGAIN, t_semop1(self->fd, id, i % 4, -1, NOWAIT));
		}
		/* Mirrored and given back by that single operation. */
		EXPECT_EQ(KGIVEN(want > 0 ? want - 1 : 0), wload(&m, i % 4));
		EXPECT_EQ(want > 0 ? want - 1 : 0, kgetval(self->fd, id, i % 4));
	}
	/* Garbage with the kernel bit set (the kernel's word): ignored. */
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 3));
	wstore(&m, 0, 0xffffffffffffffffULL);
	EXPECT_EQ(3, kgetval(self->fd, id, 0));
	EXPECT_EQ(getpid(), kgetpid(self->fd, id, 0));
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, -3, NOWAIT));
	EXPECT_EQ(-EAGAIN, t_semop1(self->fd, id, 0, -1, NOWAIT));
	EXPECT_EQ(KGIVEN(0), wload(&m, 0));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * Forged tickets: a ticket that names no process leaves GETPID at the
 * last pid the kernel knew; the kernel's own ticket too; the writer's own
 * ticket names the writer.
 */
TEST_F(semfast, hostile_forged_ticket_keeps_last_known_pid)
{
	uint64_t rng = 0x2545f4914f6cdd1dULL;
	struct t_semmap m;
	pid_t me = getpid();
	long r;
	int id = new_set(self, 1, 0666), i;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	ASSERT_EQ(me, kgetpid(self->fd, id, 0));
	for (i = 0; i < 100; i++) {
		uint32_t t = (uint32_t)t_xorshift(&rng);

		if (t == m.ticket)
			continue;
		if (i == 0)
			t = 0;
		if (i == 1)
			t = AIXIPC_SEM_TICKET_KERNEL;
		wstore(&m, 0, (uint64_t)t << TSHIFT | 2);
		EXPECT_EQ(me, kgetpid(self->fd, id, 0)) TH_LOG("ticket %#x", t);
		EXPECT_EQ(2, kgetval(self->fd, id, 0));
	}
	/* A hostile child (nobody) forging from its writable mapping. */
	r = AS_NOBODY(({
		struct t_semmap c;
		long e = t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c);
		if (!e) {
			/* Its word is the kernel's: clear the bit regardless. */
			wstore(&c, 0, (uint64_t)(c.ticket ^ 0x5a5a5a5aU) << TSHIFT | 3);
		}
		e;
	}));
	EXPECT_EQ(0, r);
	EXPECT_EQ(me, kgetpid(self->fd, id, 0));
	EXPECT_EQ(3, kgetval(self->fd, id, 0));
	/* Its own ticket: it did operate, GETPID names it. */
	r = AS_NOBODY(({
		struct t_semmap c;
		long e = t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &c);
		if (!e)
			wstore(&c, 0, (uint64_t)c.ticket << TSHIFT | 4);
		e ? e : (long)getpid();
	}));
	ASSERT_LT(0, r);
	EXPECT_EQ(r, kgetpid(self->fd, id, 0));
	EXPECT_EQ(4, kgetval(self->fd, id, 0));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A hostile process clears the kernel bit while a waiter sleeps: a fast V
 * then succeeds without waking it (starved), but the next kernel
 * operation on the semaphore (SETVAL, or a semop) serves the waiter.
 */
TEST_F_TIMEOUT(semfast, hostile_cleared_bit_waiter_released_by_next_kernel_op, 120)
{
	struct t_semmap m;
	pid_t w;
	int id = new_set(self, 1, 0600), round;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	for (round = 0; round < 2; round++) {
		w = lib_waiter(self, id, 0, -2);
		ASSERT_LE(0, w);
		ASSERT_EQ(0, wait_count(self->fd, id, 0, false, 1));
		ASSERT_EQ(0, t_wait_sleeping_in(w, "aixipc_"));
		ASSERT_NE(0ULL, wload(&m, 0) & KWORD);
		/* Clear the bit with value 1, then a raw V: 2, nobody woken. */
		wstore(&m, 0, (uint64_t)m.ticket << TSHIFT | 1);
		EXPECT_EQ(0, raw_op(&m, 0, 1));
		usleep(20000);
		EXPECT_FALSE(t_kid_ended(w));
		if (round == 0) {
			/* SETVAL: takes the word, sets 3, serves the waiter. */
			EXPECT_EQ(0, ksetval(self->fd, id, 0, 3));
			EXPECT_EQ(0, t_reap(&self->kids, w));
			EXPECT_EQ(1, kgetval(self->fd, id, 0));
		} else {
			/* A semop of the kernel: imports 2, +1, serves it. */
			EXPECT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
			EXPECT_EQ(0, t_reap(&self->kids, w));
			EXPECT_EQ(1, kgetval(self->fd, id, 0));
		}
		EXPECT_EQ(0, kcount(self->fd, id, 0, false));
		ASSERT_EQ(0, ksetval(self->fd, id, 0, 0));
	}
	/* A waiter for zero, the bit cleared with 0 left: GETVAL ioctl
	 * takes it, the next semop (V then P) serves the waiter. */
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 1));
	w = lib_waiter(self, id, 0, 0);
	ASSERT_LE(0, w);
	ASSERT_EQ(0, wait_count(self->fd, id, 0, true, 1));
	wstore(&m, 0, (uint64_t)m.ticket << TSHIFT | 0);
	EXPECT_EQ(0, kgetval(self->fd, id, 0));
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, 0, NOWAIT));
	EXPECT_EQ(0, t_reap(&self->kids, w));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/* The meta page is read-only to everyone: a write is SIGBUS. */
TEST_F(semfast, meta_page_write_is_sigbus)
{
	struct t_semmap m;
	int id = new_set(self, 1, 0600), touch;

	ASSERT_LE(0, id);
	for (touch = 0; touch < 2; touch++) {
		pid_t kid = t_spawn(&self->kids);

		ASSERT_LE(0, kid);
		if (kid == 0) {
			signal(SIGBUS, SIG_DFL);
			signal(SIGSEGV, SIG_DFL);
			if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m))
				_exit(KID_BROKEN);
			if (touch && m.meta->live != AIXIPC_SEM_LIVE)
				_exit(KID_WRONG);	/* faulted in first */
			((volatile struct aixipc_sem_meta *)m.meta)->semvmx = 65535;
			_exit(0);
		}
		EXPECT_EQ(1000 + SIGBUS, t_reap(&self->kids, kid)) TH_LOG("touch %d", touch);
	}
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	EXPECT_EQ(SIGBUS, probe_write64((uint64_t *)(void *)m.meta, 0));
	EXPECT_EQ((uint32_t)SEMVMX, m.meta->semvmx);
	EXPECT_EQ(AIXIPC_SEM_LIVE, m.meta->live);
	/* The words page is writable (the kernel's word: ignored). */
	EXPECT_EQ(0, probe_write64(&m.w[0], KOWNED(0)));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A mapping that lost its access: whatever its process writes into the
 * private words it now sees, its meta page keeps reading dead (it is the
 * zero page, read-only), and nothing real changes.
 */
TEST_F(semfast, revoked_mapping_meta_stays_dead_whatever_is_written)
{
	int id = new_set(self, 600, 0666), i;	/* two pages of words */
	pid_t kid;
	int go[2], done[2];
	char c = 0;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap m;

		signal(SIGBUS, SIG_DFL);
		if (t_become_nobody() || t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m))
			_exit(KID_BROKEN);
		if (m.meta->live != AIXIPC_SEM_LIVE)
			_exit(KID_WRONG);
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(KID_BROKEN);
		/* Alter is gone: the words are a private page of ours now. */
		for (i = 0; i < 600; i++)
			wstore(&m, (unsigned int)i, AIXIPC_SEM_LIVE |
			       (uint64_t)AIXIPC_SEM_LIVE << 32);
		if (m.meta->live == AIXIPC_SEM_LIVE || m.meta->semvmx ||
		    raw_op(&m, 0, -1) != 0 || wload(&m, 0) & KWORD)
			_exit(KID_WRONG);
		/* The dead meta page is read-only too. */
		((volatile struct aixipc_sem_meta *)m.meta)->live = AIXIPC_SEM_LIVE;
		_exit(0);
	}
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0644));
	ASSERT_EQ(1, write(go[1], &c, 1));
	EXPECT_EQ(1000 + SIGBUS, t_reap(&self->kids, kid));
	EXPECT_EQ(5, kgetval(self->fd, id, 0));
	EXPECT_EQ(getpid(), kgetpid(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A writable mapping made read-only with mprotect, its alter permission
 * then taken away, then made writable again: it maps the words read-only
 * for reading (read permission remains) and a write must not turn them
 * writable (SIGBUS), nor change the value.
 */
TEST_F(semfast, mprotect_back_to_writable_after_revocation_cannot_write)
{
	int id = new_set(self, 1, 0666);
	pid_t kid;
	int go[2], done[2];
	char c = 0;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 3));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));	/* 4, given back */
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap m;

		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		if (t_become_nobody() || t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m))
			_exit(KID_BROKEN);
		if (mprotect((void *)m.meta, m.size, PROT_READ))
			_exit(KID_BROKEN);
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(KID_BROKEN);
		/* Read permission remains: the real words, read-only. */
		if ((wload(&m, 0) & AIXIPC_SEMW_VALUE) != 4 ||
		    m.meta->live != AIXIPC_SEM_LIVE)
			_exit(KID_WRONG);
		if (mprotect((void *)m.meta, m.size, PROT_READ | PROT_WRITE))
			_exit(KID_WRONG);
		wstore(&m, 0, (uint64_t)m.ticket << TSHIFT | 1000);
		_exit(0);
	}
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(0, t_sem_set_mode(self->fd, id, 0644));
	ASSERT_EQ(1, write(go[1], &c, 1));
	EXPECT_EQ(1000 + SIGBUS, t_reap(&self->kids, kid));
	EXPECT_EQ(4, kgetval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * The library's fast path reads the caller's sembuf: a bad pointer is
 * EFAULT as from the kernel, never a fault, also once the set is mapped.
 */
TEST_F(semfast, lib_bad_sops_pointer_is_efault)
{
	struct sembuf *unmapped;	/* no access */
	int id;

	if (!have_process_vm())
		SKIP(return, "no process_vm_readv: the library cannot check pointers");
	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	/* Reserved, so the set's area cannot land there: no access. */
	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, unmapped);
	ASSERT_EQ(0, lsemop1(id, 0, 1, 0));	/* mapped, fast from now on */
	ASSERT_EQ(0, lsemop1(id, 0, -1, 0));
	errno = 0;
	EXPECT_EQ(-1, semop(id, unmapped, 1));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, semop(id, (struct sembuf *)8, 1));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, lgetval(id, 0));
	munmap(unmapped, 4096);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A namespace's semvmx lowered while a set's area is mapped: the area
 * shows it before AIXIPC_NS_SET_LIMITS returns, and the fast path leaves
 * a V past it to the kernel, which refuses it (ERANGE).
 */
TEST_F(semfast, lowered_semvmx_reaches_the_fast_path)
{
	pid_t kid = t_spawn(&self->kids);

	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct aixipc_ns_ctl c = {
			.cmd = AIXIPC_NS_GET_LIMITS, .ns = AIXIPC_NS_SELF,
		};
		int host = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC), mine, id;
		struct t_semmap m;
		struct stat st;

		/* Set in a namespace of its own, limits from the initial one. */
		if (host < 0 || unshare(CLONE_NEWIPC))
			_exit(KID_BROKEN);
		mine = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
		if (mine < 0 || fstat(mine, &st))
			_exit(KID_BROKEN);
		id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT, 0600);
		if (id < 0 || t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m) ||
		    ksetval(self->fd, id, 0, 10) ||
		    t_semop1(self->fd, id, 0, -1, 0) ||	/* 9, given back */
		    lsemop1(id, 0, 1, 0))			/* 10, fast */
			_exit(KID_BROKEN);
		/* A new namespace's limits are its own: compare with them. */
		if (aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c) ||
		    m.meta->semvmx != c.limits.semvmx || c.limits.semvmx <= 11)
			_exit(KID_WRONG);
		c.cmd = AIXIPC_NS_SET_LIMITS;
		c.ns = st.st_ino;
		c.limits.semvmx = 10;
		if (setns(host, CLONE_NEWIPC) ||
		    aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c) ||
		    setns(mine, CLONE_NEWIPC))
			_exit(KID_BROKEN);
		if (m.meta->semvmx != 10)
			_exit(1);
		if (lsemop1(id, 0, 1, 0) != -ERANGE || lgetval(id, 0) != 10)
			_exit(2);
		if (lsemop1(id, 0, -1, 0) || lsemop1(id, 0, 1, 0) ||
		    kgetval(self->fd, id, 0) != 10)
			_exit(3);
		_exit(0);
	}
	EXPECT_EQ(0, t_reap(&self->kids, kid));
}

/* No pin of the words: process_vm_writev and readv into them fail. */
TEST_F(semfast, process_vm_access_to_words_fails)
{
	struct t_semmap m;
	uint64_t v = 77;
	struct iovec local = { .iov_base = &v, .iov_len = sizeof(v) };
	struct iovec remote;
	int id;

	if (!have_process_vm())
		SKIP(return, "no process_vm_readv/writev (CONFIG_CROSS_MEMORY_ATTACH)");
	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	ASSERT_EQ(0, t_semop1(self->fd, id, 1, 1, 0));	/* a word given back */
	remote.iov_base = &m.w[1];
	remote.iov_len = sizeof(v);
	EXPECT_EQ(-1, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, process_vm_readv(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	/* From another process too. */
	EXPECT_EQ(-EFAULT, T_IN_CHILD(0, process_vm_writev(getppid(), &local, 1,
							   &remote, 1, 0) < 0 ?
				      -errno : 0));
	EXPECT_EQ(KGIVEN(1), wload(&m, 1));
	EXPECT_EQ(1, kgetval(self->fd, id, 1));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * Nor through /proc/PID/mem (get_user_pages_remote(), then the VMA's
 * ->access, which it has not), on every kernel: EIO, nothing written.
 */
TEST_F(semfast, proc_mem_write_to_words_fails)
{
	struct t_semmap m;
	uint64_t v = 77;
	int id = new_set(self, 2, 0600), mem;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	ASSERT_EQ(0, t_semop1(self->fd, id, 1, 1, 0));	/* a word given back */
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem);
	EXPECT_EQ(-1, pwrite64(mem, &v, sizeof(v), (off64_t)(uintptr_t)&m.w[1]));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(-1, pread64(mem, &v, sizeof(v), (off64_t)(uintptr_t)&m.w[1]));
	EXPECT_EQ(EIO, errno);
	close(mem);
	EXPECT_EQ(KGIVEN(1), wload(&m, 1));
	EXPECT_EQ(1, kgetval(self->fd, id, 1));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/* A fork child sees the range, but faults "kernel owns" words. */
TEST_F(semfast, fork_child_of_raw_mapping_gets_dead_words)
{
	struct t_semmap m;
	long r;
	int id = new_set(self, 2, 0600);

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 4, 0));
	ASSERT_EQ(KGIVEN(4), wload(&m, 0));
	r = T_IN_CHILD(0, ({
		long x = 0;
		if (m.meta->live == AIXIPC_SEM_LIVE)
			x = 1;
		else if (!(wload(&m, 0) & KWORD))
			x = 2;
		else if (raw_op(&m, 0, -4) != 1)
			x = 3;
		else {
			/* A plain store: lands on its private page. */
			wstore(&m, 0, KGIVEN(SEMVMX));
			x = 0;
		}
		x;
	}));
	EXPECT_EQ(0, r);
	EXPECT_EQ(KGIVEN(4), wload(&m, 0));
	EXPECT_EQ(4, kgetval(self->fd, id, 0));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* SEM_UNDO on the fast path: the adjustment held in the word.            */

#define HOLD		AIXIPC_SEM_TICKET_HOLD

/* A word held by the process of ticket @t: value @v, adjustment @a. */
static uint64_t held_word(uint32_t t, int a, int v)
{
	return (uint64_t)(t | HOLD) << TSHIFT |
	       ((uint64_t)(uint32_t)a << AIXIPC_SEMW_ADJ_SHIFT & AIXIPC_SEMW_ADJ) |
	       (uint64_t)v;
}

/*
 * In a child: move into an IPC namespace of its own, whose limits it can
 * then set (from the initial one, with own_ns_limits()).
 */
struct own_ns {
	int host, mine;
	uint64_t ino;
};

static int own_ns_enter(struct own_ns *n)
{
	struct stat st;

	n->host = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	if (n->host < 0 || unshare(CLONE_NEWIPC))
		return -1;
	n->mine = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	if (n->mine < 0 || fstat(n->mine, &st))
		return -1;
	n->ino = st.st_ino;
	return 0;
}

/* Set semume and semaem (0: leave it) of the namespace @n.  0 or -1. */
static int own_ns_limits(int fd, const struct own_ns *n, int semume, int semaem)
{
	struct aixipc_ns_ctl c = {
		.cmd = AIXIPC_NS_GET_LIMITS, .ns = AIXIPC_NS_SELF,
	};

	if (aixipc_ioctl(fd, AIXIPC_IOC_NS, &c))
		return -1;
	c.cmd = AIXIPC_NS_SET_LIMITS;
	c.ns = n->ino;
	if (semume)
		c.limits.semume = semume;
	if (semaem)
		c.limits.semaem = semaem;
	if (setns(n->host, CLONE_NEWIPC) || aixipc_ioctl(fd, AIXIPC_IOC_NS, &c) ||
	    setns(n->mine, CLONE_NEWIPC))
		return -1;
	return 0;
}

/*
 * The protocol, raw: a SEM_UNDO operation by the kernel hands the caller's
 * adjustment over in the word with its holder ticket; the holder's CAS
 * changes both; the kernel takes it back when it takes the word, gives a
 * plain word back after an operation without SEM_UNDO, and applies the
 * whole adjustment at exit.
 */
TEST_F(semfast, undo_hold_word_layout_and_exit)
{
	int id = new_set(self, 1, 0600);
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap m;
		uint32_t t;

		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m))
			_exit(KID_BROKEN);
		t = m.ticket;
		if (t & HOLD || m.meta->semaem != 16384)
			_exit(1);
		if (t_semop1(self->fd, id, 0, -1, UNDO) ||
		    wload(&m, 0) != held_word(t, 1, 4))
			_exit(2);
		/* The holder: V then two P, each value and adjustment at once. */
		wstore(&m, 0, held_word(t, 0, 5));
		wstore(&m, 0, held_word(t, 2, 3));
		/* The kernel takes the word (and the adjustment, 2). */
		if (kgetval(self->fd, id, 0) != 3 || !(wload(&m, 0) & KWORD))
			_exit(3);
		/* Without SEM_UNDO: given back plain. */
		if (t_semop1(self->fd, id, 0, 1, 0) || wload(&m, 0) != KGIVEN(4))
			_exit(4);
		/* With it: the whole adjustment (2 + 1) back in the word. */
		if (t_semop1(self->fd, id, 0, -1, UNDO) ||
		    wload(&m, 0) != held_word(t, 3, 3))
			_exit(5);
		_exit(0);
	}
	ASSERT_EQ(0, t_reap(&self->kids, kid));
	/* 3 + the adjustment 3: only the operation without SEM_UNDO stays. */
	EXPECT_EQ(6, kgetval(self->fd, id, 0));
	EXPECT_EQ(kid, kgetpid(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * The library: once the kernel handed the adjustment over, SEM_UNDO
 * operations on that semaphore (and plain ones) make no system call; one
 * on a semaphore the process does not hold goes to the kernel; exit undoes
 * exactly what SEM_UNDO did.
 */
static void undo_ops_kid(int fd, int id, struct fres *r)
{
	/* Warm-up: the kernel does these and hands sem 0 over. */
	if (lsemop1(id, 0, -1, UNDO) || lsemop1(id, 1, 0, 0))
		_exit(KID_BROKEN);
	kid_filter(fd, r);
	r->r[0] = lsemop1(id, 0, 1, UNDO);		/* 5, adj 0 */
	r->r[1] = lsemop1(id, 0, -1, UNDO);		/* 4, adj 1 */
	r->r[2] = lsemop1(id, 0, -2, UNDO | NOWAIT);	/* 2, adj 3 */
	r->r[3] = lsemop1(id, 0, -3, UNDO | NOWAIT);	/* EAGAIN */
	r->r[4] = lsemop1(id, 0, 1, 0);			/* 3, adj 3 */
	r->r[5] = lgetval(id, 0);
	r->r[6] = lsemop1(id, 1, 1, UNDO);		/* not held */
	r->r[7] = lsemop1(id, 1, 1, 0);			/* 1 */
}

TEST_F_TIMEOUT(semfast, lib_undo_ops_make_no_system_call_once_held, 120)
{
	static const uint16_t init[2] = { 5, 0 };
	struct fres *r = new_fres();
	int id = new_set(self, 2, 0600);

	ASSERT_NE(NULL, r);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, kid_in_one_second(&self->kids, self->fd, id, init, r,
				       undo_ops_kid));
	EXPECT_TRUE(r->filtered);
	EXPECT_EQ(0, r->r[0]);
	EXPECT_EQ(0, r->r[1]);
	EXPECT_EQ(0, r->r[2]);
	EXPECT_EQ(-EAGAIN, r->r[3]);
	EXPECT_EQ(0, r->r[4]);
	EXPECT_EQ(3, r->r[5]);
	EXPECT_EQ(-CUT, r->r[6]);
	EXPECT_EQ(0, r->r[7]);
	/* Exit: 3 + 3; only the plain +1 stays.  Sem 1: only the plain +1. */
	EXPECT_EQ(6, kgetval(self->fd, id, 0));
	EXPECT_EQ(r->pid, kgetpid(self->fd, id, 0));
	EXPECT_EQ(1, kgetval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/* A thread of undo_exact_through_sigkill_with_threads. */
struct undo_loop {
	int id;
	unsigned int n;
	_Atomic long *count;		/* pairs done, shared with the parent */
};

static void *undo_pv_loop(void *arg)
{
	const struct undo_loop *l = arg;

	for (;;) {
		if (lsemop1(l->id, l->n, -1, UNDO) || lsemop1(l->id, l->n, 1, UNDO))
			_exit(KID_WRONG);
		atomic_fetch_add(l->count, 1);
	}
	return NULL;
}

/*
 * SIGKILL at any moment of P/V pairs with SEM_UNDO (three threads of one
 * process, two of them on one semaphore): whatever was in flight, in the
 * word or in the kernel, the values are back where they started once the
 * process is gone.  The parent watches the words to see that holds were
 * among the states the kills hit.
 */
TEST_F_TIMEOUT(semfast, undo_exact_through_sigkill_with_threads, 300)
{
	_Atomic long *count = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int id = new_set(self, 2, 0600), round, i, seen_held = 0;
	struct t_semmap m;

	ASSERT_NE(MAP_FAILED, count);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 3));
	ASSERT_EQ(0, ksetval(self->fd, id, 1, 3));
	ASSERT_EQ(0, t_semmap(self->fd, id, 0, &m));
	for (round = 0; round < 40; round++) {
		long want = atomic_load(&count[0]) + atomic_load(&count[1]) +
			    1 + (round % 5) * 100;
		pid_t kid = t_spawn(&self->kids);

		ASSERT_LE(0, kid);
		if (kid == 0) {
			struct undo_loop l[3] = {
				{ id, 0, &count[0] }, { id, 0, &count[0] },
				{ id, 1, &count[1] },
			};
			pthread_t th;

			for (i = 1; i < 3; i++)
				if (pthread_create(&th, NULL, undo_pv_loop, &l[i]))
					_exit(KID_BROKEN);
			undo_pv_loop(&l[0]);
		}
		for (i = 0; i < 100000; i++) {	/* a hang guard */
			uint64_t w = wload(&m, round & 1);
			uint32_t t = w >> TSHIFT;

			if (!(w & KWORD) && t & HOLD && t != AIXIPC_SEM_TICKET_KERNEL)
				seen_held++;
			if (atomic_load(&count[0]) + atomic_load(&count[1]) >= want)
				break;
			usleep(100);
		}
		kill(kid, SIGKILL);
		ASSERT_EQ(1000 + SIGKILL, t_reap(&self->kids, kid));
		ASSERT_EQ(3, kgetval(self->fd, id, 0)) TH_LOG("round %d", round);
		ASSERT_EQ(3, kgetval(self->fd, id, 1)) TH_LOG("round %d", round);
	}
	EXPECT_EQ(0, kcount(self->fd, id, 0, false));
	EXPECT_EQ(0, kcount(self->fd, id, 1, false));
	EXPECT_LT(0, seen_held);
	TH_LOG("%ld pairs, words seen held %d times",
	       atomic_load(&count[0]) + atomic_load(&count[1]), seen_held);
	funmap(&m);
	munmap((void *)count, 4096);
	EXPECT_EQ(0, remove_set(self, id));
}

/* A child's side of a two-step test: tell the parent, wait for its go. */
static int step(int ready, int go, uint32_t msg)
{
	char c;

	if (write(ready, &msg, sizeof(msg)) != sizeof(msg))
		return -1;
	return read(go, &c, 1) == 1 ? 0 : -1;
}

/*
 * Another process's operation on a held word goes to the kernel (the
 * library's too), which takes the holder's adjustment into its record;
 * the holder's next SEM_UNDO operation gets the whole of it back in the
 * word; exit applies exactly that.
 */
TEST_F_TIMEOUT(semfast, undo_hold_taken_by_another_process_stays_exact, 120)
{
	int id = new_set(self, 1, 0600), ready[2], go[2];
	struct t_semmap m;
	uint32_t t;
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap k;

		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &k) ||
		    t_semop1(self->fd, id, 0, -1, UNDO) ||
		    wload(&k, 0) != held_word(k.ticket, 1, 4))
			_exit(KID_BROKEN);
		wstore(&k, 0, held_word(k.ticket, 2, 3));	/* P, held */
		if (step(ready[1], go[0], k.ticket))
			_exit(KID_BROKEN);
		if (t_semop1(self->fd, id, 0, 1, UNDO) ||	/* 5, adj 1 */
		    wload(&k, 0) != held_word(k.ticket, 1, 5))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(sizeof(t), read(ready[0], &t, sizeof(t)));
	EXPECT_EQ(held_word(t, 2, 3), wload(&m, 0));
	/* The library must not take the word: the adjustment is the kid's. */
	EXPECT_EQ(0, lsemop1(id, 0, 1, 0));
	EXPECT_EQ(KGIVEN(4), wload(&m, 0));
	EXPECT_EQ(getpid(), kgetpid(self->fd, id, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, t_reap(&self->kids, kid));
	/* 5 + the kid's adjustment 1: only the parent's +1 stays. */
	EXPECT_EQ(6, kgetval(self->fd, id, 0));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/* SETVAL clears the held adjustment of its semaphore only; SETALL all. */
TEST_F_TIMEOUT(semfast, undo_setval_and_setall_clear_held_adjustments, 120)
{
	int id = new_set(self, 2, 0600), ready[2], go[2], phase;
	uint16_t vals[2] = { 7, 8 };
	struct t_semmap m;
	uint32_t t;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_semmap(self->fd, id, 0, &m));
	for (phase = 0; phase < 2; phase++) {
		pid_t kid;

		ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
		ASSERT_EQ(0, ksetval(self->fd, id, 1, 5));
		ASSERT_EQ(0, pipe(ready));
		ASSERT_EQ(0, pipe(go));
		kid = t_spawn(&self->kids);
		ASSERT_LE(0, kid);
		if (kid == 0) {
			struct t_semmap k;

			if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &k) ||
			    t_semop1(self->fd, id, 0, -1, UNDO) ||
			    t_semop1(self->fd, id, 1, -1, UNDO) ||
			    wload(&k, 1) != held_word(k.ticket, 1, 4))
				_exit(KID_BROKEN);
			if (step(ready[1], go[0], k.ticket))
				_exit(KID_BROKEN);
			/* Sem 1 still held after a SETVAL of sem 0. */
			if (phase == 0 &&
			    (wload(&k, 1) != held_word(k.ticket, 1, 4) ||
			     t_semop1(self->fd, id, 1, -1, UNDO)))
				_exit(1);
			_exit(0);
		}
		ASSERT_EQ(sizeof(t), read(ready[0], &t, sizeof(t)));
		EXPECT_EQ(held_word(t, 1, 4), wload(&m, 0));
		if (phase == 0) {
			ASSERT_EQ(0, ksetval(self->fd, id, 0, 10));
		} else {
			ASSERT_EQ(0, ksetall(self->fd, id, vals));
		}
		ASSERT_EQ(1, write(go[1], "g", 1));
		EXPECT_EQ(0, t_reap(&self->kids, kid));
		close(ready[0]);
		close(ready[1]);
		close(go[0]);
		close(go[1]);
		if (phase == 0) {
			EXPECT_EQ(10, kgetval(self->fd, id, 0));
			EXPECT_EQ(5, kgetval(self->fd, id, 1));	/* 3 + 2 */
		} else {
			EXPECT_EQ(7, kgetval(self->fd, id, 0));
			EXPECT_EQ(8, kgetval(self->fd, id, 1));
		}
	}
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * semume counts held adjustments, exactly: holds whose adjustment went
 * back to zero in user space do not make a new one fail (the kernel takes
 * them back first), holds that are not zero do.  In a namespace whose
 * semume is 2.
 */
TEST_F_TIMEOUT(semfast, undo_semume_exact_with_held_adjustments, 120)
{
	pid_t kid = t_spawn(&self->kids);

	ASSERT_LE(0, kid);
	if (kid == 0) {
		uint16_t five[4] = { 5, 5, 5, 5 };
		struct own_ns n;
		pid_t gk;
		int id;

		if (own_ns_enter(&n) || own_ns_limits(self->fd, &n, 2, 0))
			_exit(KID_BROKEN);
		id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 4, AIXIPC_CREAT, 0600);
		if (id < 0 || ksetall(self->fd, id, five))
			_exit(KID_BROKEN);
		gk = fork();
		if (gk == 0) {
			struct t_semmap k;
			unsigned int s;

			if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &k))
				_exit(KID_BROKEN);
			/* Two holds, back at zero by the holder's V. */
			for (s = 0; s < 2; s++) {
				if (t_semop1(self->fd, id, s, -1, UNDO) ||
				    wload(&k, s) != held_word(k.ticket, 1, 4))
					_exit(1);
				wstore(&k, s, held_word(k.ticket, 0, 5));
			}
			/* At the limit by count, not in fact: it works. */
			if (t_semop1(self->fd, id, 2, -1, UNDO))
				_exit(2);
			if (!(wload(&k, 0) & KWORD) || !(wload(&k, 1) & KWORD))
				_exit(3);
			if (t_semop1(self->fd, id, 3, -1, UNDO) ||
			    wload(&k, 3) != held_word(k.ticket, 1, 4))
				_exit(4);
			/* A held one may still change: it is counted already. */
			wstore(&k, 3, held_word(k.ticket, 2, 3));
			/* Two real adjustments (2 and 3, held): the third fails. */
			if (t_semop1(self->fd, id, 0, -1, UNDO) != -ENOSPC ||
			    kgetval(self->fd, id, 0) != 5)
				_exit(5);
			_exit(0);
		}
		if (gk < 0 || waitpid(gk, &n.host, 0) != gk ||
		    !WIFEXITED(n.host))
			_exit(KID_BROKEN);
		if (WEXITSTATUS(n.host))
			_exit(WEXITSTATUS(n.host));
		/* Its exit undid exactly what it did. */
		if (kgetval(self->fd, id, 0) != 5 || kgetval(self->fd, id, 1) != 5 ||
		    kgetval(self->fd, id, 2) != 5 || kgetval(self->fd, id, 3) != 5)
			_exit(6);
		_exit(0);
	}
	EXPECT_EQ(0, t_reap(&self->kids, kid));
}

/*
 * IPC_RMID of a set whose words hold a process's adjustments gives their
 * semume entries back: in a namespace whose semume is 2, two held
 * adjustments on a removed set leave room for two new ones elsewhere.
 */
TEST_F_TIMEOUT(semfast, undo_rmid_of_held_set_gives_back_semume, 120)
{
	pid_t kid = t_spawn(&self->kids);

	ASSERT_LE(0, kid);
	if (kid == 0) {
		uint16_t five[2] = { 5, 5 };
		struct t_semmap k;
		struct own_ns n;
		int a, b;

		if (own_ns_enter(&n) || own_ns_limits(self->fd, &n, 2, 0))
			_exit(KID_BROKEN);
		a = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 2, AIXIPC_CREAT, 0600);
		b = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 2, AIXIPC_CREAT, 0600);
		if (a < 0 || b < 0 || ksetall(self->fd, a, five) ||
		    ksetall(self->fd, b, five) ||
		    t_semmap(self->fd, a, AIXIPC_SEMMAP_WRITE, &k))
			_exit(KID_BROKEN);
		if (t_semop1(self->fd, a, 0, -1, UNDO) ||
		    t_semop1(self->fd, a, 1, -1, UNDO) ||
		    wload(&k, 1) != held_word(k.ticket, 1, 4))
			_exit(1);
		if (t_semctl(self->fd, a, 0, AIXIPC_IPC_RMID, 0))
			_exit(KID_BROKEN);
		if (t_semop1(self->fd, b, 0, -1, UNDO) ||
		    t_semop1(self->fd, b, 1, -1, UNDO))
			_exit(2);
		_exit(0);
	}
	EXPECT_EQ(0, t_reap(&self->kids, kid));
}

/*
 * semaem: meta.semaem follows the namespace's limit, and a fast SEM_UNDO
 * operation that would take the adjustment past it goes to the kernel,
 * which refuses it (ERANGE) and changes nothing.
 */
TEST_F_TIMEOUT(semfast, undo_semaem_bound_on_the_fast_path, 120)
{
	pid_t kid = t_spawn(&self->kids);

	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap k;
		struct own_ns n;
		pid_t gk;
		int id, st;

		if (own_ns_enter(&n))
			_exit(KID_BROKEN);
		id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT, 0600);
		if (id < 0 || ksetval(self->fd, id, 0, 10) ||
		    t_semmap(self->fd, id, 0, &k))
			_exit(KID_BROKEN);
		/* Set after the mapping: the area must learn it. */
		if (own_ns_limits(self->fd, &n, 0, 2) || k.meta->semaem != 2)
			_exit(1);
		gk = fork();
		if (gk == 0) {
			if (lsemop1(id, 0, -1, UNDO) || lsemop1(id, 0, -1, UNDO))
				_exit(2);
			if (lsemop1(id, 0, -1, UNDO) != -ERANGE ||
			    lgetval(id, 0) != 8)
				_exit(3);
			/* Down is fine: adjustment 1. */
			if (lsemop1(id, 0, 1, UNDO))
				_exit(4);
			_exit(0);
		}
		if (gk < 0 || waitpid(gk, &st, 0) != gk || !WIFEXITED(st))
			_exit(KID_BROKEN);
		if (WEXITSTATUS(st))
			_exit(WEXITSTATUS(st));
		_exit(kgetval(self->fd, id, 0) == 10 ? 0 : 5);
	}
	EXPECT_EQ(0, t_reap(&self->kids, kid));
}

/*
 * A fork child starts without adjustments (its own apply at its exit, the
 * parent's hold untouched); exec keeps them, and the exit of the new
 * program applies the held one though its mapping is gone.
 */
TEST_F_TIMEOUT(semfast, undo_fork_child_own_and_exec_keeps_held, 120)
{
	int id = new_set(self, 1, 0600);
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap k;
		pid_t gk;
		int st;

		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &k) ||
		    t_semop1(self->fd, id, 0, -1, UNDO) ||
		    wload(&k, 0) != held_word(k.ticket, 1, 4))
			_exit(KID_BROKEN);
		gk = fork();
		if (gk == 0) {
			/* The library: the word is not this process's. */
			_exit(lsemop1(id, 0, -1, UNDO) || lgetval(id, 0) != 3);
		}
		if (gk < 0 || waitpid(gk, &st, 0) != gk || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			_exit(1);
		/* The grandchild's -1 undone; ours still ours. */
		if (kgetval(self->fd, id, 0) != 4)
			_exit(2);
		if (t_semop1(self->fd, id, 0, -1, UNDO) ||
		    wload(&k, 0) != held_word(k.ticket, 2, 3))
			_exit(3);
		execl("/bin/true", "true", (char *)NULL);
		_exit(KID_BROKEN);
	}
	EXPECT_EQ(0, t_reap(&self->kids, kid));
	EXPECT_EQ(5, kgetval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * IPC_RMID while a process holds adjustments in words: they are dropped
 * with the set; the holder's next calls fail and its exit is clean.
 */
TEST_F_TIMEOUT(semfast, undo_rmid_drops_held_adjustments, 120)
{
	int id = new_set(self, 2, 0600), ready[2], go[2];
	uint32_t t;
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap k;

		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &k) ||
		    t_semop1(self->fd, id, 0, -1, UNDO) ||
		    lsemop1(id, 0, -1, UNDO))
			_exit(KID_BROKEN);
		if (step(ready[1], go[0], k.ticket))
			_exit(KID_BROKEN);
		if (lsemop1(id, 0, 1, UNDO) != -EINVAL ||
		    t_semop1(self->fd, id, 0, 1, UNDO) != -EINVAL)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(sizeof(t), read(ready[0], &t, sizeof(t)));
	EXPECT_EQ(3, kgetval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, t_reap(&self->kids, kid));
}

/*
 * Hostile: an adjustment written into a word with the holder ticket of a
 * process the kernel handed no adjustment for that semaphore is ignored
 * (its exit applies only what it holds); so is one with a plain ticket.
 */
TEST_F_TIMEOUT(semfast, hostile_forged_hold_carries_no_adjustment, 120)
{
	int id = new_set(self, 3, 0600), ready[2], go[2];
	struct t_semmap m;
	uint32_t t;
	pid_t kid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, ksetval(self->fd, id, 0, 5));
	ASSERT_EQ(0, ksetval(self->fd, id, 2, 5));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &m));
	/* Both words given back to user space. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 1, 0, 0));
	ASSERT_EQ(0, t_semop1(self->fd, id, 2, 1, 0));
	kid = t_spawn(&self->kids);
	ASSERT_LE(0, kid);
	if (kid == 0) {
		struct t_semmap k;

		/* A record and a hold, on semaphore 0 only. */
		if (t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &k) ||
		    t_semop1(self->fd, id, 0, -1, UNDO))
			_exit(KID_BROKEN);
		if (step(ready[1], go[0], k.ticket))
			_exit(KID_BROKEN);
		_exit(0);
	}
	ASSERT_EQ(sizeof(t), read(ready[0], &t, sizeof(t)));
	ASSERT_EQ(0ULL, wload(&m, 1) & KWORD);
	wstore(&m, 1, held_word(t, 50, 7));
	wstore(&m, 2, (uint64_t)t << TSHIFT | (uint64_t)100 << AIXIPC_SEMW_ADJ_SHIFT | 9);
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, t_reap(&self->kids, kid));
	EXPECT_EQ(5, kgetval(self->fd, id, 0));
	EXPECT_EQ(7, kgetval(self->fd, id, 1));
	EXPECT_EQ(9, kgetval(self->fd, id, 2));
	funmap(&m);
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* SEMMAP's errors and memory.                                            */

TEST_F(semfast, semmap_errors)
{
	struct aixipc_semmap r;
	int id = new_set(self, 1, 0600), old;

	ASSERT_LE(0, id);
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, id, 4));
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, id, 0x80000000U));
	/* Writable only for a caller that knows the SEM_UNDO rules. */
	EXPECT_EQ(-EOPNOTSUPP, semmap_req(self->fd, &r, id, AIXIPC_SEMMAP_WRITE));
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, id, ~0U));
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, -1, 0));
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, INT_MIN, AIXIPC_SEMMAP_WRITE));
	/* No permission at all: EACCES, read-only or not. */
	EXPECT_EQ(-EACCES, AS_NOBODY(semmap_req(self->fd, &r, id, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(semmap_req(self->fd, &r, id,
						AIXIPC_SEMMAP_WRITE |
						AIXIPC_SEMMAP_UNDO)));
	/* A removed id: as every other call on a stale id, EINVAL. */
	old = id;
	EXPECT_EQ(0, remove_set(self, id));
	EXPECT_EQ(-EINVAL, kgetval(self->fd, old, 0));
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, old, 0));
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, old,
				      AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO));
	/* An id of another kind. */
	id = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, id);
	t_track(AIXIPC_MSG, id);
	EXPECT_EQ(-EINVAL, semmap_req(self->fd, &r, id, 0));
	EXPECT_EQ(0, t_rmid_tracked(self->fd, AIXIPC_MSG, id));
}

/*
 * Areas are freed: sets mapped (writable and read-only, touched) and
 * removed in a loop, with the mappings dropped before or after the
 * removal; vmalloc use does not grow with the count.
 */
TEST_F_TIMEOUT(semfast, semmap_and_remove_many_sets_frees_areas, 300)
{
	enum { ROUNDS = 1500 };
	long before, after;
	int i;

	before = t_meminfo_kb("VmallocUsed:");
	ASSERT_LE(0, before);
	for (i = 0; i < ROUNDS; i++) {
		struct t_semmap a, b;
		int id = new_set(self, 1 + (unsigned int)i % 700, 0600);

		ASSERT_LE(0, id);
		ASSERT_EQ(0, t_semmap(self->fd, id, AIXIPC_SEMMAP_WRITE, &a));
		ASSERT_EQ(0, t_semmap(self->fd, id, 0, &b));
		ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
		ASSERT_EQ(0, raw_op(&a, 0, 1));
		ASSERT_EQ(2ULL, wload(&b, 0) & AIXIPC_SEMW_VALUE);
		if (i % 2)
			funmap(&a);
		ASSERT_EQ(0, remove_set(self, id));
		if (!(i % 2))
			funmap(&a);
		funmap(&b);
	}
	/* 1500 areas of two or more pages each would be over 12 MiB. */
	after = t_meminfo_wait("VmallocUsed:", 0, before + 2048);
	EXPECT_GE(before + 2048, after) TH_LOG("VmallocUsed %ld -> %ld kB",
					       before, after);
}

TEST_HARNESS_MAIN
