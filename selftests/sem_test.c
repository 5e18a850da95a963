// SPDX-License-Identifier: GPL-2.0
/*
 * sem_test - selftests for the semaphores of aixipc (/dev/aixipc).
 *
 * Run as root with the module loaded.  Unprivileged behaviour is checked
 * from forked children that become uid/gid 65534 with no capabilities.
 *
 * Every set a test creates is recorded in a table shared by all the
 * processes of this run and removed by the fixture teardown (after the
 * test's children are killed); whatever a test killed by the harness
 * timeout left behind is removed when the run exits.  Each live set pins
 * the module, so a leak would make the unload fail.
 *
 * SEM_UNDO adjustments belong to a process and are applied when it exits,
 * so every test that makes them does so in a forked child: the harness's
 * own test process never holds any.
 *
 * Waits are deterministic: a test that needs a process blocked in the
 * module polls /proc/PID/wchan (which names a function of the module,
 * prefix "aixipc_", while the task sleeps there) and GETNCNT/GETZCNT
 * instead of sleeping for a fixed time.  The polls are hang guards, not
 * timings, and no test asserts on timing.  The ctime checks wait for the
 * wall clock's next second, as ctime has a resolution of one second.
 *
 * Not covered here: ENOSPC at the semmni id limit (needs the module loaded
 * with a small semmni).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sem.h>
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

#define PAGE		4096

#define NOWAIT		AIXIPC_SEM_NOWAIT
#define UNDO		AIXIPC_SEM_UNDO
#define ORDER		AIXIPC_SEM_ORDER
#define SEMERR		AIXIPC_SEM_ERR

/* The caller's struct sembuf array is the module's aixipc_sembuf array. */
_Static_assert(sizeof(struct aixipc_sembuf) == sizeof(struct sembuf),
	       "sembuf size");
_Static_assert(offsetof(struct aixipc_sembuf, sem_num) ==
	       offsetof(struct sembuf, sem_num), "sem_num");
_Static_assert(offsetof(struct aixipc_sembuf, sem_op) ==
	       offsetof(struct sembuf, sem_op), "sem_op");
_Static_assert(offsetof(struct aixipc_sembuf, sem_flg) ==
	       offsetof(struct sembuf, sem_flg), "sem_flg");
_Static_assert(AIXIPC_SEM_NOWAIT == IPC_NOWAIT, "IPC_NOWAIT");
_Static_assert(AIXIPC_SEM_UNDO == SEM_UNDO, "SEM_UNDO");

/* ---------------------------------------------------------------------- */
/* ioctl wrappers: 0 (or an id, or a value) on success, -errno on failure. */

static struct aixipc_sembuf sb(unsigned int num, int op, int flg)
{
	struct aixipc_sembuf s = {
		.sem_num = (uint16_t)num, .sem_op = (int16_t)op,
		.sem_flg = (int16_t)flg,
	};

	return s;
}

static int getval(int fd, int id, unsigned int n)
{
	return t_semctl(fd, id, n, AIXIPC_GETVAL, 0);
}

static int setval(int fd, int id, unsigned int n, int v)
{
	return t_semctl(fd, id, n, AIXIPC_SETVAL, v);
}

static int ncnt(int fd, int id, unsigned int n)
{
	return t_semctl(fd, id, n, AIXIPC_GETNCNT, 0);
}

static int zcnt(int fd, int id, unsigned int n)
{
	return t_semctl(fd, id, n, AIXIPC_GETZCNT, 0);
}

static int sempid(int fd, int id, unsigned int n)
{
	return t_semctl(fd, id, n, AIXIPC_GETPID, 0);
}

/* GETALL or SETALL with a caller-supplied (possibly bad) array pointer. */
static int t_semarray(int fd, int id, uint32_t cmd, const void *array)
{
	struct aixipc_semctl c = {
		.id = id, .cmd = cmd, .array = (uintptr_t)array,
	};

	return aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
}

static int t_semstat(int fd, int id, struct aixipc_semid_ds *ds)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_STAT };
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);

	if (!err && ds)
		*ds = c.ds;
	return err;
}

static int t_semset(int fd, int id, const struct aixipc_semid_ds *ds)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_SET };

	c.ds = *ds;
	return aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
}

static struct aixipc_semid_ds sstat(int fd, int id)
{
	struct aixipc_semid_ds ds;

	memset(&ds, 0xa5, sizeof(ds));
	if (t_semstat(fd, id, &ds))
		memset(&ds, 0xff, sizeof(ds));	/* fails every comparison */
	return ds;
}

/*
 * The exec test runs this binary again with HELPER_ENV set (see
 * t_exec_helper()).
 */
#define HELPER_ENV "AIXIPC_SEM_TEST_EXEC_HELPER"

static void __attribute__((constructor)) exec_helper(void)
{
	t_exec_helper(HELPER_ENV);
}

/* ---------------------------------------------------------------------- */
/* Small helpers.                                                         */

/* Poll GETNCNT (@zero false) or GETZCNT of semaphore @num until it is @n. */
static int wait_count(int fd, int id, unsigned int num, bool zero, int n)
{
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		int c = zero ? zcnt(fd, id, num) : ncnt(fd, id, num);

		if (c < 0)
			return -1;
		if (c == n)
			return 0;
		usleep(1000);
	}
	return -1;
}

/*
 * Wait until @pid sleeps in the module and semaphore @num counts @n
 * waiters (decrement waiters, or zero waiters with @zero).
 */
static int wait_blocked(int fd, int id, pid_t pid, unsigned int num,
			bool zero, int n)
{
	if (t_wait_sleeping_in(pid, "aixipc_"))
		return -1;
	return wait_count(fd, id, num, zero, n);
}

/* Wait until the wall clock has moved past @t. */
static void wait_clock_past(time_t t)
{
	int i;

	for (i = 0; i < 1000 && time(NULL) <= t; i++)
		usleep(5000);
}

/* A shared page for children's detailed results. */
struct report {
	long res[32];
	int16_t flg[32];
	int got_signal;
};

static struct report *new_report(void)
{
	struct report *r = mmap(NULL, sizeof(struct report),
				PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (r == MAP_FAILED)
		return NULL;
	memset(r, 0, sizeof(*r));
	return r;
}

/* A SEM_ORDER-style call whose return and array flags land in @r. */
static int call_report(int fd, int id, struct aixipc_sembuf *s, unsigned int n,
		       struct report *r)
{
	unsigned int i;

	r->res[0] = t_semop(fd, id, s, n);
	for (i = 0; i < n && i < 32; i++)
		r->flg[i] = s[i].sem_flg;
	return kid_code(r->res[0]);
}

/* ---------------------------------------------------------------------- */
/* The fixture: an open device, the limits, and the children to reap.     */

FIXTURE(sem) {
	int fd;
	struct aixipc_limits lim;
	struct t_kids kids;
};

FIXTURE_SETUP(sem)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_EQ((uint32_t)AIXIPC_ABI_VERSION, v.abi_version);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_SEM);
	self->lim = v.limits;
	signal(SIGPIPE, SIG_IGN);	/* a handshake with a killed child */
	/* The tests below are written for the documented defaults. */
	ASSERT_EQ(65535ULL, self->lim.semmsl);
	ASSERT_EQ(1024ULL, self->lim.semopm);
	ASSERT_EQ(32767ULL, self->lim.semvmx);
	ASSERT_EQ(16384ULL, self->lim.semaem);
	ASSERT_EQ(1024ULL, self->lim.semume);
}

FIXTURE_TEARDOWN(sem)
{
	t_teardown(self->fd, &self->kids);
}

/* A new IPC_PRIVATE set, removed by the teardown if the test does not. */
static int new_set(FIXTURE_DATA(sem) *self, uint64_t nsems, uint32_t mode)
{
	int id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, nsems, AIXIPC_CREAT,
			  mode);

	if (id >= 0)
		t_track(AIXIPC_SEM, id);
	return id;
}

static int remove_set(FIXTURE_DATA(sem) *self, int id)
{
	return t_rmid_tracked(self->fd, AIXIPC_SEM, id);
}

/* A public key nobody else uses. */
#define test_key(salt)	t_test_key(0x5b, salt)

static int get_key(FIXTURE_DATA(sem) *self, int32_t key, uint64_t nsems,
		   uint32_t flags, uint32_t mode)
{
	int id = t_semget(self->fd, key, nsems, flags, mode);

	if (id >= 0)
		t_track(AIXIPC_SEM, id);
	return id;
}

/* Set the first @n values of a set with SETALL. */
static int setall(int fd, int id, unsigned int n, const uint16_t *vals)
{
	uint16_t buf[64];

	if (n > 64)
		return -EINVAL;
	memcpy(buf, vals, n * sizeof(*vals));
	return t_semarray(fd, id, AIXIPC_SETALL, buf);
}

/* ====================================================================== */
/* semget                                                                 */

TEST_F(sem, get_private_creates_sets_of_one_to_semmsl)
{
	uint64_t sizes[] = { 1, 2, 1025, 65535 };
	unsigned int i, j;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint16_t *vals = calloc(sizes[i], sizeof(*vals));
		struct aixipc_semid_ds ds;
		int id;

		ASSERT_NE(NULL, vals);
		id = new_set(self, sizes[i], 0600);
		ASSERT_LE(0, id) TH_LOG("nsems %llu", (unsigned long long)sizes[i]);
		ds = sstat(self->fd, id);
		EXPECT_EQ(sizes[i], ds.nsems);
		EXPECT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
		memset(vals, 0xff, sizes[i] * sizeof(*vals));
		EXPECT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, vals));
		for (j = 0; j < sizes[i]; j++)
			if (vals[j])
				break;
		EXPECT_EQ(sizes[i], j) TH_LOG("semaphore %u not 0", j);
		/* The last semaphore is usable, the one after is not. */
		EXPECT_EQ(0, t_semop1(self->fd, id, sizes[i] - 1, 1, 0));
		EXPECT_EQ(1, getval(self->fd, id, sizes[i] - 1));
		EXPECT_EQ(-EFBIG, t_semop1(self->fd, id, sizes[i], 1, 0));
		EXPECT_EQ(0, remove_set(self, id));
		free(vals);
	}
}

TEST_F(sem, get_rejects_zero_and_more_than_semmsl_einval)
{
	uint64_t bad[] = { 0, 65536, 1ULL << 32, (1ULL << 32) + 1, UINT64_MAX };
	int32_t key = test_key(1);
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, get_key(self, AIXIPC_KEY_PRIVATE, bad[i],
					   AIXIPC_CREAT, 0600))
			TH_LOG("nsems %#llx", (unsigned long long)bad[i]);
		EXPECT_EQ(-EINVAL, get_key(self, key, bad[i], AIXIPC_CREAT,
					   0600))
			TH_LOG("nsems %#llx", (unsigned long long)bad[i]);
	}
	/* Nothing was created under the key. */
	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0, 0));
}

TEST_F(sem, get_existing_with_more_sems_fails_einval_fewer_or_zero_finds_it)
{
	int32_t key = test_key(2);
	int id;

	id = get_key(self, key, 5, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(id, get_key(self, key, 5, 0, 0600));
	EXPECT_EQ(id, get_key(self, key, 4, 0, 0600));
	EXPECT_EQ(id, get_key(self, key, 1, AIXIPC_CREAT, 0600));
	EXPECT_EQ(id, get_key(self, key, 0, 0, 0));
	EXPECT_EQ(-EINVAL, get_key(self, key, 6, 0, 0600));
	EXPECT_EQ(-EINVAL, get_key(self, key, 6, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-EINVAL, get_key(self, key, 65535, 0, 0600));
	EXPECT_EQ(-EINVAL, get_key(self, key, 65536, 0, 0600));
	/* The set keeps its size. */
	EXPECT_EQ(5ULL, sstat(self->fd, id).nsems);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, get_creat_finds_existing_excl_fails_eexist_missing_enoent)
{
	int32_t key = test_key(3);
	int id;

	EXPECT_EQ(-ENOENT, get_key(self, key, 1, 0, 0600));
	EXPECT_EQ(-ENOENT, get_key(self, key, 1, AIXIPC_EXCL, 0600));
	id = get_key(self, key, 3, AIXIPC_CREAT | AIXIPC_EXCL, 0640);
	ASSERT_LE(0, id);
	EXPECT_EQ(key, sstat(self->fd, id).perm.key);
	EXPECT_EQ(id, get_key(self, key, 3, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-EEXIST, get_key(self, key, 3, AIXIPC_CREAT | AIXIPC_EXCL,
				   0600));
	/* A reopen changes neither mode nor size. */
	EXPECT_EQ(0640U, sstat(self->fd, id).perm.mode);
	EXPECT_EQ(3ULL, sstat(self->fd, id).nsems);
	EXPECT_EQ(0, remove_set(self, id));
	EXPECT_EQ(-ENOENT, get_key(self, key, 3, 0, 0600));
	/* A queue and a set do not share keys. */
	id = get_key(self, key, 2, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-ENOENT, t_msgget(self->fd, key, 0, 0600));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, get_existing_checks_requested_permission)
{
	struct aixipc_semid_ds ds;
	int32_t key = test_key(4);
	int id;

	id = get_key(self, key, 2, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semget(self->fd, key, 2, 0, 0600)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semget(self->fd, key, 2, 0, 0400)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semget(self->fd, key, 0, 0, 0004)));
	EXPECT_EQ(id, AS_NOBODY(t_semget(self->fd, key, 0, 0, 0)));
	EXPECT_EQ(id, get_key(self, key, 2, 0, 0777));
	ds = sstat(self->fd, id);
	ds.perm.mode = 0604;
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	EXPECT_EQ(id, AS_NOBODY(t_semget(self->fd, key, 2, 0, 0444)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semget(self->fd, key, 2, 0, 0222)));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, stale_id_after_rmid_fails_einval_even_when_slot_reused)
{
	uint16_t vals[2] = { 0, 0 };
	int old, new;
	long slot;

	old = new_set(self, 2, 0600);
	ASSERT_LE(0, old);
	slot = t_list_index(self->fd, AIXIPC_SEM, old);
	ASSERT_LE(0, slot);
	ASSERT_EQ(0, setval(self->fd, old, 0, 3));
	ASSERT_EQ(0, remove_set(self, old));
	new = new_set(self, 2, 0600);
	ASSERT_LE(0, new);
	ASSERT_NE(old, new);
	EXPECT_EQ(slot, t_list_index(self->fd, AIXIPC_SEM, new))
		TH_LOG("slot not reused: old id %#x, new id %#x", old, new);
	EXPECT_EQ(-EINVAL, t_semop1(self->fd, old, 0, 1, 0));
	EXPECT_EQ(-EINVAL, t_semop1(self->fd, old, 0, 1, UNDO));
	EXPECT_EQ(-EINVAL, getval(self->fd, old, 0));
	EXPECT_EQ(-EINVAL, setval(self->fd, old, 0, 1));
	EXPECT_EQ(-EINVAL, t_semarray(self->fd, old, AIXIPC_GETALL, vals));
	EXPECT_EQ(-EINVAL, t_semarray(self->fd, old, AIXIPC_SETALL, vals));
	EXPECT_EQ(-EINVAL, t_semstat(self->fd, old, NULL));
	EXPECT_EQ(-EINVAL, t_semrmid(self->fd, old));
	EXPECT_EQ(0, getval(self->fd, new, 0));
	EXPECT_EQ(0, sempid(self->fd, new, 0));
	EXPECT_EQ(0, remove_set(self, new));
}

/* ====================================================================== */
/* semop: arguments                                                       */

TEST_F(sem, semop_nsops_zero_einval_above_semopm_e2big)
{
	struct aixipc_sembuf *s = calloc(1025, sizeof(*s));
	unsigned int i;
	int id;

	ASSERT_NE(NULL, s);
	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < 1025; i++)
		s[i] = sb(0, 1, 0);
	EXPECT_EQ(-EINVAL, t_semop(self->fd, id, s, 0));
	EXPECT_EQ(-EINVAL, t_semop(self->fd, id, NULL, 0));
	EXPECT_EQ(-E2BIG, t_semop(self->fd, id, s, 1025));
	EXPECT_EQ(-E2BIG, t_semop(self->fd, id, NULL, 1025));
	EXPECT_EQ(-E2BIG, t_semop(self->fd, id, s, 1ULL << 32));
	EXPECT_EQ(-E2BIG, t_semop(self->fd, id, s, (1ULL << 32) + 1));
	EXPECT_EQ(-E2BIG, t_semop(self->fd, id, s, UINT64_MAX));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	/* semopm operations (all on one semaphore) are fine. */
	EXPECT_EQ(0, t_semop(self->fd, id, s, 1024));
	EXPECT_EQ(1024, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
	free(s);
}

TEST_F(sem, semop_sem_num_beyond_set_efbig_nothing_applied)
{
	struct aixipc_sembuf s[3];
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EFBIG, t_semop1(self->fd, id, 3, 1, 0));
	EXPECT_EQ(-EFBIG, t_semop1(self->fd, id, 65535, 1, 0));
	EXPECT_EQ(-EFBIG, t_semop1(self->fd, id, 3, 0, NOWAIT));
	s[0] = sb(0, 1, 0);
	s[1] = sb(2, 1, 0);
	s[2] = sb(3, 1, 0);
	EXPECT_EQ(-EFBIG, t_semop(self->fd, id, s, 3));
	s[0].sem_flg = ORDER;
	EXPECT_EQ(-EFBIG, t_semop(self->fd, id, s, 3));
	s[0].sem_flg = UNDO;
	EXPECT_EQ(-EFBIG, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	EXPECT_EQ(0, sstat(self->fd, id).otime);
	EXPECT_EQ(0, t_semop1(self->fd, id, 2, 1, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semop_rejects_unknown_flags_and_bad_ids_einval)
{
	static const int bad_flg[] = {
		01, 02, 0400, 01000, 02000, 0100000, NOWAIT | 01,
		UNDO | ORDER | 0200,
	};
	struct aixipc_sembuf s[2];
	unsigned int i;
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(bad_flg) / sizeof(bad_flg[0]); i++) {
		EXPECT_EQ(-EINVAL, t_semop1(self->fd, id, 0, 1, bad_flg[i]))
			TH_LOG("sem_flg %#o", bad_flg[i]);
		/* On a later entry too, and nothing of the call applies. */
		s[0] = sb(0, 1, 0);
		s[1] = sb(1, 1, bad_flg[i]);
		EXPECT_EQ(-EINVAL, t_semop(self->fd, id, s, 2))
			TH_LOG("sem_flg %#o", bad_flg[i]);
	}
	/*
	 * Every known bit is accepted (SEM_ERR on input is ignored); in a
	 * child, whose adjustment is undone when it exits.
	 */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(t_semop1(self->fd, id, 0, 1,
				   NOWAIT | UNDO | ORDER | SEMERR)));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(pid, sempid(self->fd, id, 0));
	/* Request flags, a timeout without TIMED, ids. */
	s[0] = sb(0, 1, 0);
	EXPECT_EQ(-EINVAL, t_semop_req(self->fd, id, s, 1, 2, 0, 0));
	EXPECT_EQ(-EINVAL, t_semop_req(self->fd, id, s, 1, 0x80000000U, 0, 0));
	EXPECT_EQ(-EINVAL, t_semop_req(self->fd, id, s, 1, 0, 1, 0));
	EXPECT_EQ(-EINVAL, t_semop_req(self->fd, id, s, 1, 0, 0, 1));
	EXPECT_EQ(-EINVAL, t_semop(self->fd, -1, s, 1));
	EXPECT_EQ(-EINVAL, t_semop(self->fd, INT_MIN, s, 1));
	EXPECT_EQ(-EINVAL, t_semop(self->fd, id ^ 0x40000000, s, 1));
	EXPECT_EQ(-EINVAL, t_semop(self->fd, (id & ~0xfffff) | 0xffffe, s, 1));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semop_unmapped_sops_fail_efault_nothing_applied)
{
	struct aixipc_sembuf *s;
	char *p;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_NONE));
	EXPECT_EQ(-EFAULT, t_semop(self->fd, id, NULL, 1));
	EXPECT_EQ(-EFAULT, t_semop(self->fd, id, (void *)(uintptr_t)8, 2));
	EXPECT_EQ(-EFAULT, t_semop(self->fd, id, p + PAGE, 1));
	/* Two good entries, the third across the end of the readable page. */
	s = (struct aixipc_sembuf *)(p + PAGE - 2 * sizeof(*s) - 2);
	s[0] = sb(0, 1, 0);
	s[1] = sb(1, 1, 0);
	EXPECT_EQ(-EFAULT, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(-EFAULT, t_semop(self->fd, id, s, 20));	/* heap copy */
	s[0].sem_flg = ORDER;
	EXPECT_EQ(-EFAULT, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(0, t_semop(self->fd, id, s, 2));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	munmap(p, 2 * PAGE);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semop_read_only_sops_work_for_normal_calls)
{
	struct aixipc_sembuf *s;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s);
	s[0] = sb(0, 2, 0);
	s[1] = sb(1, 1, 0);
	s[2] = sb(0, -1, NOWAIT);
	s[3] = sb(1, -5, NOWAIT);
	s[4] = sb(0, 1, ORDER);
	s[5] = sb(1, 1, 0);
	ASSERT_EQ(0, mprotect(s, PAGE, PROT_READ));
	EXPECT_EQ(0, t_semop(self->fd, id, &s[0], 2));
	/* A failing atomic call writes nothing back either. */
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, &s[2], 2));
	EXPECT_EQ(0, t_semop(self->fd, id, &s[2], 1));
	/* Nor does a SEM_ORDER call that succeeds. */
	EXPECT_EQ(0, t_semop(self->fd, id, &s[4], 2));
	EXPECT_EQ(2, getval(self->fd, id, 0));
	EXPECT_EQ(2, getval(self->fd, id, 1));
	munmap(s, PAGE);
	EXPECT_EQ(0, remove_set(self, id));
}

/* The classic array: glibc's struct sembuf with its own flag values. */
TEST_F(sem, semop_takes_a_glibc_struct_sembuf_array)
{
	struct sembuf s[2];
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	s[0].sem_num = 1;
	s[0].sem_op = 7;
	s[0].sem_flg = 0;
	s[1].sem_num = 0;
	s[1].sem_op = -1;
	s[1].sem_flg = IPC_NOWAIT;
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 2));
	EXPECT_EQ(0, t_semop(self->fd, id, s, 1));
	EXPECT_EQ(7, getval(self->fd, id, 1));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		s[0].sem_op = -3;
		s[0].sem_flg = SEM_UNDO;
		_exit(kid_code(t_semop(self->fd, id, s, 1)));
	}
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(7, getval(self->fd, id, 1));	/* undone at its exit */
	EXPECT_EQ(pid, sempid(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* semop: values and atomicity                                            */

TEST_F(sem, semop_adds_subtracts_and_waits_for_zero)
{
	struct aixipc_sembuf s[3];
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, 0, 0));	/* 0: no wait */
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, 5, 0));
	EXPECT_EQ(5, getval(self->fd, id, 0));
	EXPECT_EQ(-EAGAIN, t_semop1(self->fd, id, 0, 0, NOWAIT));
	EXPECT_EQ(-EAGAIN, t_semop1(self->fd, id, 0, -6, NOWAIT));
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, -2, 0));
	EXPECT_EQ(3, getval(self->fd, id, 0));
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, -3, NOWAIT));
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, 0, NOWAIT));
	EXPECT_EQ(-EAGAIN, t_semop1(self->fd, id, 0, -1, NOWAIT));
	EXPECT_EQ(-EAGAIN, t_semop1(self->fd, id, 0, -32768, NOWAIT));
	/* Several operations, several semaphores, one call. */
	s[0] = sb(0, 4, 0);
	s[1] = sb(1, 0, 0);
	s[2] = sb(2, 9, 0);
	EXPECT_EQ(0, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(4, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(9, getval(self->fd, id, 2));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semop_atomic_call_whose_second_op_would_block_applies_nothing)
{
	struct aixipc_sembuf s[3];
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 0, 2));
	s[0] = sb(0, -1, 0);
	s[1] = sb(1, -1, NOWAIT);
	s[2] = sb(2, 1, 0);
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 3));
	/* Without IPC_NOWAIT on the entry that must wait, the call waits. */
	s[0].sem_flg = NOWAIT;
	s[1].sem_flg = 0;
	EXPECT_EQ(-EAGAIN, t_semtimedop(self->fd, id, s, 3, 0, 1000000));
	s[1] = sb(2, 0, NOWAIT);	/* zero-wait after a +1 of the call */
	s[2] = sb(2, 1, 0);
	EXPECT_EQ(0, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(1, getval(self->fd, id, 2));
	/* The same semaphore twice: the second sees the first's result. */
	s[0] = sb(0, -1, NOWAIT);
	s[1] = sb(0, -1, NOWAIT);
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 2));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	s[1] = sb(0, 2, NOWAIT);
	s[2] = sb(0, -2, NOWAIT);
	EXPECT_EQ(0, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semop_above_semvmx_erange_nothing_applied)
{
	struct aixipc_sembuf s[3];
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, 32767, 0));
	EXPECT_EQ(32767, getval(self->fd, id, 0));
	EXPECT_EQ(-ERANGE, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(-ERANGE, t_semop1(self->fd, id, 0, 1, NOWAIT));
	EXPECT_EQ(-ERANGE, t_semop1(self->fd, id, 0, 32767, 0));
	EXPECT_EQ(32767, getval(self->fd, id, 0));
	s[0] = sb(1, 1, 0);
	s[1] = sb(2, 5, 0);
	s[2] = sb(0, 1, 0);
	EXPECT_EQ(-ERANGE, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	/* Within one call: two halves that are fine alone. */
	s[0] = sb(1, 20000, 0);
	s[1] = sb(1, 20000, 0);
	EXPECT_EQ(-ERANGE, t_semop(self->fd, id, s, 2));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	s[1] = sb(1, 12767, 0);
	EXPECT_EQ(0, t_semop(self->fd, id, s, 2));
	EXPECT_EQ(32767, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/* A waiter whose retry would take a value above semvmx gets ERANGE. */
TEST_F(sem, semop_blocked_waiter_fails_erange_when_retried)
{
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 32767));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[2] = { sb(0, -1, 0), sb(1, 1, 0) };

		_exit(kid_code(t_semop(self->fd, id, s, 2)));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 0, false, 1));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(ERANGE, t_reap(&self->kids, pid));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(32767, getval(self->fd, id, 1));
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* semtimedop                                                             */

TEST_F(sem, semtimedop_expiry_fails_eagain_and_applies_nothing)
{
	struct aixipc_sembuf s[2] = { sb(1, 1, 0), sb(0, -1, 0) };
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EAGAIN, t_semtimedop(self->fd, id, &s[1], 1, 0, 50000000));
	EXPECT_EQ(-EAGAIN, t_semtimedop(self->fd, id, s, 2, 0, 50000000));
	EXPECT_EQ(-EAGAIN, t_semtimedop(self->fd, id, s, 2, 0, 0));
	s[1] = sb(1, 0, 0);
	ASSERT_EQ(0, setval(self->fd, id, 1, 1));
	EXPECT_EQ(-EAGAIN, t_semtimedop(self->fd, id, &s[1], 1, 0, 50000000));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, zcnt(self->fd, id, 1));
	EXPECT_EQ(0, sstat(self->fd, id).otime);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semtimedop_that_can_proceed_succeeds)
{
	struct aixipc_sembuf s[2] = { sb(0, 1, 0), sb(0, -1, 0) };
	pid_t pid;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, t_semtimedop(self->fd, id, s, 1, 0, 0));
	EXPECT_EQ(0, t_semtimedop(self->fd, id, &s[1], 1, 0, 1));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	/* A timed waiter served before its deadline succeeds. */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(t_semtimedop(self->fd, id, &s[1], 1, 3600, 0)));
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 0, false, 1));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semtimedop_invalid_timespec_einval)
{
	static const int64_t bad[][2] = {
		{ 0, 1000000000 }, { 0, -1 }, { -1, 0 }, { 1, INT64_MAX },
		{ INT64_MIN, 0 }, { 0, INT64_MIN },
	};
	struct aixipc_sembuf s = sb(0, -1, 0);
	unsigned int i;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, t_semtimedop(self->fd, id, &s, 1, bad[i][0],
						bad[i][1]))
			TH_LOG("timeout %lld.%lld", (long long)bad[i][0],
			       (long long)bad[i][1]);
	/* Even for a call that could proceed at once. */
	s = sb(0, 1, 0);
	EXPECT_EQ(-EINVAL, t_semtimedop(self->fd, id, &s, 1, 0, 1000000000));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* Signals                                                                */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static int install_handler(int sa_flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = sa_flags;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGUSR1, &sa, NULL);
}

static void check_interrupted(struct __test_metadata *_metadata,
			      FIXTURE_DATA(sem) *self, int sa_flags,
			      bool complex)
{
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[2] = { sb(1, 1, UNDO), sb(0, -1, 0) };
		int err;

		if (install_handler(sa_flags))
			_exit(KID_BROKEN);
		err = complex ? t_semop(self->fd, id, s, 2)
			      : t_semop(self->fd, id, &s[1], 1);
		if (err == -EINTR && got_signal != SIGUSR1)
			_exit(KID_WRONG);
		_exit(kid_code(err));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 0, false, 1));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(EINTR, t_reap(&self->kids, pid));
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	/* The interrupted waiter is gone: a +1 stays. */
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, sig_handler_interrupts_blocked_semop_eintr)
{
	check_interrupted(_metadata, self, 0, false);
}

TEST_F(sem, sig_handler_with_sa_restart_still_interrupts_semop_eintr)
{
	check_interrupted(_metadata, self, SA_RESTART, false);
}

TEST_F(sem, sig_handler_with_sa_restart_interrupts_complex_semop_eintr)
{
	check_interrupted(_metadata, self, SA_RESTART, true);
}

/*
 * Stop the blocked child @pid and continue it, then give it up to about
 * two seconds to return; a child still blocked (a call that restarted) is
 * released by a +1 on semaphore @num so the test ends either way.
 */
static void stop_continue_release(struct __test_metadata *_metadata,
				  FIXTURE_DATA(sem) *self, int id, pid_t pid,
				  unsigned int num)
{
	int status, i;

	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, kill(pid, SIGCONT));
	for (i = 0; i < 400; i++) {
		if (ncnt(self->fd, id, num) == 0)
			return;
		usleep(5000);
	}
	TH_LOG("the call restarted after SIGCONT instead of failing EINTR");
	t_semop1(self->fd, id, num, 1, 0);
}

/*
 * As Linux's semop (signal(7)): a stop and continue fails a blocked call
 * with EINTR, even with no handler; it is never restarted.
 */
TEST_F(sem, sig_stop_and_continue_fails_blocked_semop_eintr_as_linux)
{
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[2] = { sb(1, 1, 0), sb(0, -1, 0) };

		_exit(kid_code(t_semop(self->fd, id, s, 2)));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 0, false, 1));
	stop_continue_release(_metadata, self, id, pid, 0);
	EXPECT_EQ(EINTR, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A semtimedop interrupted by a stop and continue fails EINTR at once: a
 * restart would begin its relative timeout again (it did, and then failed
 * EAGAIN a full timeout after the continue).
 */
TEST_F(sem, sig_stop_and_continue_fails_semtimedop_eintr_no_fresh_timeout)
{
	pid_t pid;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s = sb(0, -1, 0);

		_exit(kid_code(t_semtimedop(self->fd, id, &s, 1, 30, 0)));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 0, false, 1));
	stop_continue_release(_metadata, self, id, pid, 0);
	EXPECT_EQ(EINTR, t_reap(&self->kids, pid));
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, sig_kill_of_blocked_waiter_leaves_nothing_behind)
{
	pid_t pid[2];
	int i, id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < 2; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			struct aixipc_sembuf s[2] = { sb(0, -1, UNDO),
						      sb(1, 1, 0) };

			_exit(kid_code(t_semop(self->fd, id, s, i + 1)));
		}
		ASSERT_EQ(0, wait_blocked(self->fd, id, pid[i], 0, false, i + 1));
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, kill(pid[i], SIGKILL));
		EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid[i]));
	}
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* IPC_RMID                                                               */

/*
 * Block @n processes on one set in every way there is (decrement waiters,
 * zero waiters, calls of several operations, timed ones), remove it: each
 * gets EIDRM.
 */
static void rmid_wakes_all(struct __test_metadata *_metadata,
			   FIXTURE_DATA(sem) *self, int n)
{
	pid_t pid[T_MAX_KIDS];
	int i, id, kind, nwait[2][2] = { { 0, 0 }, { 0, 0 } };

	ASSERT_LE(n, T_MAX_KIDS);
	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 1));
	for (i = 0; i < n; i++) {
		kind = i % 4;
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			struct aixipc_sembuf s[2];
			int err;

			switch (kind) {
			case 0:	/* one decrement */
				s[0] = sb(0, -1, UNDO);
				err = t_semop(self->fd, id, s, 1);
				break;
			case 1:	/* one zero-wait */
				s[0] = sb(1, 0, 0);
				err = t_semop(self->fd, id, s, 1);
				break;
			case 2:	/* two operations, timed */
				s[0] = sb(1, -1, 0);
				s[1] = sb(0, -2, 0);
				err = t_semtimedop(self->fd, id, s, 2, 3600, 0);
				break;
			default:	/* ordered */
				s[0] = sb(1, 1, ORDER);
				s[1] = sb(0, -1, 0);
				err = t_semop(self->fd, id, s, 2);
				break;
			}
			_exit(kid_code(err));
		}
		/* Where each kind is counted: (semaphore, zero). */
		if (kind == 1) {
			nwait[1][1]++;
		} else {
			nwait[0][0]++;
		}
		/* One at a time, so each is known to be asleep in the set. */
		if (kind == 1) {
			ASSERT_EQ(0, wait_blocked(self->fd, id, pid[i], 1, true,
						  nwait[1][1]));
		} else {
			ASSERT_EQ(0, wait_blocked(self->fd, id, pid[i], 0,
						  false, nwait[0][0]));
		}
	}
	ASSERT_EQ(0, remove_set(self, id));
	for (i = 0; i < n; i++)
		EXPECT_EQ(EIDRM, t_reap(&self->kids, pid[i])) TH_LOG("waiter %d", i);
}

TEST_F_TIMEOUT(sem, rmid_wakes_sixteen_waiters_eidrm, 60)
{
	rmid_wakes_all(_metadata, self, 16);
}

/* More sleepers than the module wakes in one batch after unlocking. */
TEST_F_TIMEOUT(sem, rmid_wakes_forty_waiters_eidrm, 90)
{
	rmid_wakes_all(_metadata, self, 40);
}

/* ====================================================================== */
/* semncnt, semzcnt, sempid, otime, permissions                           */

TEST_F(sem, ncnt_zcnt_exact_with_several_waiters)
{
	struct { struct aixipc_sembuf s[2]; int n; unsigned int num; bool zero; }
	w[] = {
		{ { sb(0, -1, 0) }, 1, 0, false },
		{ { sb(0, -3, 0) }, 1, 0, false },
		{ { sb(1, 0, 0) }, 1, 1, true },
		/* Counted on sem 0, where it is blocked... */
		{ { sb(1, 1, 0), sb(0, -2, 0) }, 2, 0, false },
		/* ...and this one on sem 1 (zero), not on sem 0. */
		{ { sb(1, 0, 0), sb(0, -1, 0) }, 2, 1, true },
		{ { sb(1, 0, 0) }, 1, 1, true },
		/* Blocked on sem 2 after its first entry (ordered). */
		{ { sb(1, 1, ORDER), sb(2, -1, 0) }, 2, 2, false },
	};
	int counts[3][2] = { { 0 } };
	pid_t pid[7];
	unsigned int i;
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 1));
	for (i = 0; i < 7; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(kid_code(t_semop(self->fd, id, w[i].s, w[i].n)));
		counts[w[i].num][w[i].zero]++;
		ASSERT_EQ(0, wait_blocked(self->fd, id, pid[i], w[i].num,
					  w[i].zero,
					  counts[w[i].num][w[i].zero]));
	}
	/* The ordered one applied its +1: sem 1 is 2 now. */
	EXPECT_EQ(2, getval(self->fd, id, 1));
	EXPECT_EQ(3, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, zcnt(self->fd, id, 0));
	EXPECT_EQ(0, ncnt(self->fd, id, 1));
	EXPECT_EQ(3, zcnt(self->fd, id, 1));
	EXPECT_EQ(1, ncnt(self->fd, id, 2));
	EXPECT_EQ(0, zcnt(self->fd, id, 2));

	/* The -1 (sem 0) waiter goes: 2 left on sem 0. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, pid[0]));
	EXPECT_EQ(2, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
	for (i = 1; i < 7; i++)
		EXPECT_EQ(EIDRM, t_reap(&self->kids, pid[i])) TH_LOG("waiter %u", i);
}

/*
 * GETPID answers in the reader's pid namespace (as Linux's sempid): a
 * process in a child namespace is seen by its pid there and by its pid
 * here, and a process it cannot see reads as 0.
 */
struct ns_ctx {
	int fd, id;
};

/* As pid 1 of a new namespace, which our parent is not in. */
static int getpid_inside(void *arg)
{
	struct ns_ctx *c = arg;

	if (t_semop1(c->fd, c->id, 0, 1, 0) || sempid(c->fd, c->id, 0) != 1 ||
	    sempid(c->fd, c->id, 1) != 0)
		return KID_WRONG;
	return 0;
}

TEST_F(sem, getpid_is_translated_into_the_readers_pid_namespace)
{
	struct ns_ctx c = { .fd = self->fd };
	pid_t inner;

	c.id = new_set(self, 2, 0600);
	ASSERT_LE(0, c.id);
	ASSERT_EQ(0, t_semop1(self->fd, c.id, 1, 1, 0));
	EXPECT_EQ(0, t_in_new_pidns(getpid_inside, &c, &inner));
	EXPECT_EQ(inner, sempid(self->fd, c.id, 0));
	EXPECT_EQ(getpid(), sempid(self->fd, c.id, 1));
	EXPECT_EQ(0, remove_set(self, c.id));
}

TEST_F(sem, getpid_is_the_last_process_to_operate)
{
	pid_t pid;
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, sempid(self->fd, id, 0));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(getpid(), sempid(self->fd, id, 0));
	EXPECT_EQ(0, sempid(self->fd, id, 1));
	/* A zero-wait counts; a failed call does not. */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int e1 = t_semop1(self->fd, id, 1, 0, 0);
		int e2 = t_semop1(self->fd, id, 0, -5, NOWAIT);

		_exit(e1 ? kid_code(e1) : e2 == -EAGAIN ? 0 : KID_WRONG);
	}
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(pid, sempid(self->fd, id, 1));
	EXPECT_EQ(getpid(), sempid(self->fd, id, 0));
	/* A waiter served by another process is the last to operate. */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(t_semop1(self->fd, id, 2, -1, 0)));
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 2, false, 1));
	ASSERT_EQ(0, t_semop1(self->fd, id, 2, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(pid, sempid(self->fd, id, 2));
	/* SETVAL stamps too. */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(setval(self->fd, id, 0, 4)));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(pid, sempid(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, otime_zero_before_semop_set_by_successful_semop_only)
{
	struct aixipc_semid_ds ds;
	time_t t0;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, sstat(self->fd, id).otime);
	EXPECT_EQ(0, setval(self->fd, id, 0, 1));
	EXPECT_EQ(-EAGAIN, t_semop1(self->fd, id, 0, -2, NOWAIT));
	EXPECT_EQ(-ERANGE, t_semop1(self->fd, id, 0, 32767, 0));
	EXPECT_EQ(0, sstat(self->fd, id).otime);
	t0 = time(NULL);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, -1, 0));
	ds = sstat(self->fd, id);
	EXPECT_LE(t0, ds.otime);
	EXPECT_GE(time(NULL), ds.otime);
	/* A zero-wait is an operation too. */
	wait_clock_past(ds.otime);
	t0 = time(NULL);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 0, 0));
	EXPECT_LE(t0, sstat(self->fd, id).otime);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, semop_needs_read_for_zero_waits_alter_for_changes)
{
	struct aixipc_semid_ds ds;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semop1(self->fd, id, 0, 0, NOWAIT)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semop1(self->fd, id, 0, 1, 0)));

	ds = sstat(self->fd, id);
	ds.perm.mode = 0604;	/* others: read only */
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	EXPECT_EQ(0, AS_NOBODY(t_semop1(self->fd, id, 0, 0, NOWAIT)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semop1(self->fd, id, 0, 1, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semop1(self->fd, id, 0, -1, NOWAIT)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semop1(self->fd, id, 0, 1, UNDO)));
	EXPECT_EQ(-EACCES, AS_NOBODY(({
		struct aixipc_sembuf s[2] = { sb(0, 0, 0), sb(1, 1, 0) };
		t_semop(self->fd, id, s, 2); })));
	EXPECT_EQ(0, getval(self->fd, id, 1));

	ds.perm.mode = 0602;	/* others: alter only */
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semop1(self->fd, id, 0, 0, NOWAIT)));
	EXPECT_EQ(0, AS_NOBODY(t_semop1(self->fd, id, 0, 2, 0)));
	EXPECT_EQ(0, AS_NOBODY(t_semop1(self->fd, id, 0, -1, NOWAIT)));
	EXPECT_EQ(1, getval(self->fd, id, 0));

	/* The group bits count for the group. */
	ds.perm.mode = 0060;
	ds.perm.gid = NOBODY;
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	EXPECT_EQ(0, AS_NOBODY(t_semop1(self->fd, id, 1, 1, 0)));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* Wakeups and fairness                                                   */

/* Start a child blocked on @s[0..n), counted as waiter number @count. */
static pid_t start_waiter(struct __test_metadata *_metadata,
			  FIXTURE_DATA(sem) *self, int id,
			  struct aixipc_sembuf *s, unsigned int n,
			  unsigned int num, bool zero, int count)
{
	pid_t pid = t_spawn(&self->kids);

	(void)_metadata;
	if (pid == 0)
		_exit(kid_code(t_semop(self->fd, id, s, n)));
	if (pid < 0 || wait_blocked(self->fd, id, pid, num, zero, count))
		return -1;
	return pid;
}

TEST_F(sem, wake_every_waiter_that_can_proceed_after_one_change)
{
	struct aixipc_sembuf dec = sb(0, -1, 0);
	struct aixipc_sembuf cplx[2] = { sb(0, -1, 0), sb(1, 1, 0) };
	uint16_t vals[2];
	pid_t pid[4];
	int i, id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	/* Three single waiters and a complex one; one +4 serves them all. */
	for (i = 0; i < 3; i++) {
		pid[i] = start_waiter(_metadata, self, id, &dec, 1, 0, false,
				      i + 1);
		ASSERT_LT(0, pid[i]);
	}
	pid[3] = start_waiter(_metadata, self, id, cplx, 2, 0, false, 4);
	ASSERT_LT(0, pid[3]);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 4, 0));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("waiter %d", i);
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(1, getval(self->fd, id, 1));

	/* SETVAL 2 with three waiters: two go, one stays. */
	for (i = 0; i < 3; i++) {
		pid[i] = start_waiter(_metadata, self, id, &dec, 1, 0, false,
				      i + 1);
		ASSERT_LT(0, pid[i]);
	}
	ASSERT_EQ(0, setval(self->fd, id, 0, 2));
	EXPECT_EQ(0, t_reap(&self->kids, pid[0]));
	EXPECT_EQ(0, t_reap(&self->kids, pid[1]));
	EXPECT_EQ(0, wait_blocked(self->fd, id, pid[2], 0, false, 1));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	/* SETALL serves the last one (and one of the complex kind). */
	pid[3] = start_waiter(_metadata, self, id, cplx, 2, 0, false, 2);
	ASSERT_LT(0, pid[3]);
	vals[0] = 2;
	vals[1] = 0;
	ASSERT_EQ(0, setall(self->fd, id, 2, vals));
	EXPECT_EQ(0, t_reap(&self->kids, pid[2]));
	EXPECT_EQ(0, t_reap(&self->kids, pid[3]));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, fair_small_decrement_not_starved_behind_earlier_large_one)
{
	struct aixipc_sembuf big = sb(0, -5, 0), small = sb(0, -1, 0);
	pid_t a, b;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	a = start_waiter(_metadata, self, id, &big, 1, 0, false, 1);
	ASSERT_LT(0, a);
	b = start_waiter(_metadata, self, id, &small, 1, 0, false, 2);
	ASSERT_LT(0, b);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 3, 0));
	EXPECT_EQ(0, t_reap(&self->kids, b));
	EXPECT_EQ(2, getval(self->fd, id, 0));
	EXPECT_EQ(0, wait_blocked(self->fd, id, a, 0, false, 1));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 3, 0));
	EXPECT_EQ(0, t_reap(&self->kids, a));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, fair_complex_waiter_not_starved_behind_earlier_one)
{
	struct aixipc_sembuf big[2] = { sb(1, 1, 0), sb(0, -5, 0) };
	struct aixipc_sembuf small[2] = { sb(1, 1, 0), sb(0, -1, 0) };
	pid_t a, b;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	a = start_waiter(_metadata, self, id, big, 2, 0, false, 1);
	ASSERT_LT(0, a);
	b = start_waiter(_metadata, self, id, small, 2, 0, false, 2);
	ASSERT_LT(0, b);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 3, 0));
	EXPECT_EQ(0, t_reap(&self->kids, b));
	EXPECT_EQ(2, getval(self->fd, id, 0));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(0, wait_blocked(self->fd, id, a, 0, false, 1));
	EXPECT_EQ(0, remove_set(self, id));
	EXPECT_EQ(EIDRM, t_reap(&self->kids, a));
}

TEST_F(sem, fifo_first_blocked_waiter_wins)
{
	struct aixipc_sembuf dec = sb(0, -1, 0);
	pid_t a, b;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	a = start_waiter(_metadata, self, id, &dec, 1, 0, false, 1);
	ASSERT_LT(0, a);
	b = start_waiter(_metadata, self, id, &dec, 1, 0, false, 2);
	ASSERT_LT(0, b);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, a));
	EXPECT_EQ(0, wait_blocked(self->fd, id, b, 0, false, 1));
	EXPECT_EQ(a, sempid(self->fd, id, 0));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, b));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, fifo_among_complex_waiters)
{
	struct aixipc_sembuf wa[2] = { sb(0, -1, 0), sb(1, 1, 0) };
	struct aixipc_sembuf wb[2] = { sb(0, -1, 0), sb(2, 1, 0) };
	pid_t a, b;
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	a = start_waiter(_metadata, self, id, wa, 2, 0, false, 1);
	ASSERT_LT(0, a);
	b = start_waiter(_metadata, self, id, wb, 2, 0, false, 2);
	ASSERT_LT(0, b);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, a));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	EXPECT_EQ(0, wait_blocked(self->fd, id, b, 0, false, 1));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, b));
	EXPECT_EQ(1, getval(self->fd, id, 2));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, zero_waiters_woken_when_value_reaches_zero)
{
	struct aixipc_sembuf z = sb(0, 0, 0);
	struct aixipc_sembuf zc[2] = { sb(0, 0, 0), sb(1, 1, 0) };
	pid_t pid[4];
	int i, id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 0, 2));
	for (i = 0; i < 3; i++) {
		pid[i] = start_waiter(_metadata, self, id, &z, 1, 0, true,
				      i + 1);
		ASSERT_LT(0, pid[i]);
	}
	pid[3] = start_waiter(_metadata, self, id, zc, 2, 0, true, 4);
	ASSERT_LT(0, pid[3]);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, -1, 0));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, t_wait_sleeping_in(pid[i], "aixipc_"));
	EXPECT_EQ(4, zcnt(self->fd, id, 0));
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, -1, 0));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("waiter %d", i);
	EXPECT_EQ(0, zcnt(self->fd, id, 0));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * The value reaches 0 through a decrement the module performs for a
 * waiter: the zero waiter behind it is served in the same pass.
 */
TEST_F(sem, zero_waiter_woken_when_served_decrement_reaches_zero)
{
	struct aixipc_sembuf dec = sb(0, -2, 0), z = sb(0, 0, 0);
	pid_t a, b;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 0, 1));
	a = start_waiter(_metadata, self, id, &z, 1, 0, true, 1);
	ASSERT_LT(0, a);
	b = start_waiter(_metadata, self, id, &dec, 1, 0, false, 1);
	ASSERT_LT(0, b);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));	/* 2: b takes it */
	EXPECT_EQ(0, t_reap(&self->kids, b));
	EXPECT_EQ(0, t_reap(&self->kids, a));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, zcnt(self->fd, id, 0));
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* SEM_UNDO                                                               */

/* A child that makes the adjustments @s, then waits for go and exits. */
static pid_t undo_holder(FIXTURE_DATA(sem) *self, struct handshake *h,
			 int id, struct aixipc_sembuf *s, unsigned int n)
{
	pid_t pid;

	if (hs_init(h))
		return -1;
	pid = t_spawn(&self->kids);
	if (pid == 0) {
		int err = t_semop(self->fd, id, s, n);

		if (err)
			_exit(kid_code(err));
		_exit(hs_kid_ready_wait(h) ? KID_BROKEN : 0);
	}
	if (pid > 0 && hs_parent_wait_ready(h))
		return -1;
	return pid;
}

/*
 * A process with adjustment entries on 10,000 sets (1,000 of them
 * non-zero, as semume allows) exits: every adjustment is applied before
 * its parent's wait() returns.  The work runs preemptibly in the exiting
 * task (the debug kernel's atomic-sleep checking reports it otherwise);
 * the time it took is printed, not asserted.
 */
#define MANY_SETS 10000
#define MANY_NONZERO 1000

TEST_F_TIMEOUT(sem, undo_exit_with_entries_on_ten_thousand_sets, 600)
{
	struct timespec t0, t1;
	struct handshake h;
	int *ids, i, err = 0;
	pid_t pid;

	ids = calloc(MANY_SETS, sizeof(*ids));
	ASSERT_NE(NULL, ids);
	for (i = 0; i < MANY_SETS; i++) {
		ids[i] = new_set(self, 4, 0600);
		ASSERT_LE(0, ids[i]);
	}
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf up = sb(1, 1, UNDO), down = sb(1, -1, UNDO);

		for (i = 0; i < MANY_SETS; i++) {
			if (t_semop(self->fd, ids[i], &up, 1))
				_exit(KID_BROKEN);
			if (i >= MANY_NONZERO && t_semop(self->fd, ids[i], &down, 1))
				_exit(KID_BROKEN);
		}
		_exit(hs_kid_ready_wait(&h) ? KID_BROKEN : 0);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	EXPECT_EQ(1, getval(self->fd, ids[0], 1));
	EXPECT_EQ(1, getval(self->fd, ids[MANY_NONZERO - 1], 1));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("exit with entries on %d sets took %.3f s", MANY_SETS,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (i = 0; i < MANY_SETS; i++) {
		if (getval(self->fd, ids[i], 1) != 0)
			err++;
		if (remove_set(self, ids[i]))
			err++;
	}
	EXPECT_EQ(0, err);
	free(ids);
}

TEST_F(sem, undo_applied_at_normal_exit)
{
	struct aixipc_sembuf s[3] = { sb(0, 3, UNDO), sb(1, -2, UNDO),
				      sb(2, 1, 0) };
	struct handshake h;
	pid_t pid;
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 5));
	pid = undo_holder(self, &h, id, s, 3);
	ASSERT_LT(0, pid);
	EXPECT_EQ(3, getval(self->fd, id, 0));
	EXPECT_EQ(3, getval(self->fd, id, 1));
	EXPECT_EQ(1, getval(self->fd, id, 2));
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(5, getval(self->fd, id, 1));
	EXPECT_EQ(1, getval(self->fd, id, 2));	/* no SEM_UNDO there */
	EXPECT_EQ(pid, sempid(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, undo_exit_while_holding_serves_waiter)
{
	struct aixipc_sembuf p = sb(0, -1, UNDO), dec = sb(0, -1, 0);
	struct handshake h;
	pid_t holder, waiter;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 0, 1));
	holder = undo_holder(self, &h, id, &p, 1);
	ASSERT_LT(0, holder);
	waiter = start_waiter(_metadata, self, id, &dec, 1, 0, false, 1);
	ASSERT_LT(0, waiter);
	/* The holder exits; its -1 is undone and the waiter takes it. */
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, holder));
	EXPECT_EQ(0, t_reap(&self->kids, waiter));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(waiter, sempid(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, undo_applied_when_holder_is_sigkilled)
{
	struct aixipc_sembuf p = sb(0, -1, UNDO);
	struct handshake h;
	pid_t pid;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 0, 1));
	pid = undo_holder(self, &h, id, &p, 1);
	ASSERT_LT(0, pid);
	EXPECT_EQ(0, getval(self->fd, id, 0));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	hs_parent_close(&h);
	EXPECT_EQ(0, remove_set(self, id));
}

/* The child of a process holding adjustments exits: nothing is undone. */
TEST_F(sem, undo_not_inherited_by_fork_child)
{
	pid_t pid;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int err = t_semop1(self->fd, id, 0, 2, UNDO), status;
		pid_t g;

		if (err)
			_exit(kid_code(err));
		g = fork();
		if (g == 0)
			_exit(0);
		if (g < 0 || waitpid(g, &status, 0) != g)
			_exit(KID_BROKEN);
		/* The grandchild's exit changed nothing. */
		_exit(getval(self->fd, id, 0) == 2 ? 0 : KID_WRONG);
	}
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, undo_kept_across_exec_applied_when_new_image_exits)
{
	struct handshake h;
	char env[64], c;
	pid_t pid;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int err = t_semop1(self->fd, id, 0, 3, UNDO);

		if (err)
			_exit(kid_code(err));
		close(h.ready[0]);
		close(h.go[1]);
		snprintf(env, sizeof(env), "%d,%d", h.go[0], h.ready[1]);
		setenv(HELPER_ENV, env, 1);
		execl("/proc/self/exe", "sem_test", (char *)NULL);
		_exit(KID_BROKEN);
	}
	close(h.ready[1]);
	close(h.go[0]);
	/* The byte comes from the new image. */
	ASSERT_EQ(1, read(h.ready[0], &c, 1));
	EXPECT_EQ(3, getval(self->fd, id, 0));
	c = 'g';
	ASSERT_EQ(1, write(h.go[1], &c, 1));
	close(h.go[1]);
	close(h.ready[0]);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

struct thread_arg {
	int fd;
	int id;
	int err;
};

static void *undo_thread(void *p)
{
	struct thread_arg *a = p;

	a->err = t_semop1(a->fd, a->id, 0, 2, UNDO);
	return NULL;
}

TEST_F(sem, undo_shared_by_threads_applied_when_last_thread_exits)
{
	struct handshake h;
	pid_t pid;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct thread_arg a = { self->fd, id, -1 };
		pthread_t t;
		int err;

		if (pthread_create(&t, NULL, undo_thread, &a) ||
		    pthread_join(t, NULL))
			_exit(KID_BROKEN);
		if (a.err)
			_exit(kid_code(a.err));
		/* The thread is gone: its +2 stays while the process lives. */
		if (getval(self->fd, id, 0) != 2)
			_exit(KID_WRONG);
		/* The main thread's -1 nets against the thread's +2. */
		err = t_semop1(self->fd, id, 0, -1, UNDO);
		if (err)
			_exit(kid_code(err));
		_exit(hs_kid_ready_wait(&h) ? KID_BROKEN : 0);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, undo_cleared_by_setval_in_every_process)
{
	struct aixipc_sembuf s[2] = { sb(0, 1, UNDO), sb(1, 1, UNDO) };
	struct handshake h[2];
	pid_t pid[2];
	int i, id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < 2; i++) {
		pid[i] = undo_holder(self, &h[i], id, s, 2);
		ASSERT_LT(0, pid[i]);
	}
	EXPECT_EQ(2, getval(self->fd, id, 0));
	ASSERT_EQ(0, setval(self->fd, id, 0, 5));
	for (i = 0; i < 2; i++) {
		hs_parent_go(&h[i]);
		EXPECT_EQ(0, t_reap(&self->kids, pid[i]));
	}
	EXPECT_EQ(5, getval(self->fd, id, 0));	/* cleared */
	EXPECT_EQ(0, getval(self->fd, id, 1));	/* undone */
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, undo_cleared_by_setall)
{
	struct aixipc_sembuf s[2] = { sb(0, 1, UNDO), sb(1, -1, UNDO) };
	uint16_t vals[2] = { 3, 4 };
	struct handshake h;
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 1));
	pid = undo_holder(self, &h, id, s, 2);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, setall(self->fd, id, 2, vals));
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(3, getval(self->fd, id, 0));
	EXPECT_EQ(4, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, undo_dropped_when_set_removed_before_exit)
{
	struct aixipc_sembuf s = sb(0, 1, UNDO);
	struct handshake h;
	pid_t pid;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	pid = undo_holder(self, &h, id, &s, 1);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, remove_set(self, id));
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	/* Still fine for a process that goes on using SEM_UNDO elsewhere. */
	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int other = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 1,
				     AIXIPC_CREAT, 0600);
		int err;

		if (other < 0)
			_exit(KID_BROKEN);
		t_track(AIXIPC_SEM, other);
		err = t_semop1(self->fd, other, 0, 1, UNDO);
		if (!err)
			err = t_semrmid(self->fd, other);
		if (!err)
			t_untrack(AIXIPC_SEM, other);
		if (!err)
			err = t_semop1(self->fd, other, 0, 1, UNDO) == -EINVAL ?
			      0 : KID_WRONG;
		if (!err)
			err = t_semop1(self->fd, id, 0, 2, UNDO);
		_exit(kid_code(err));
	}
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, undo_not_applied_to_new_set_reusing_slot)
{
	struct aixipc_sembuf s[2] = { sb(0, -1, UNDO), sb(1, 2, UNDO) };
	struct handshake h;
	int old, new;
	long slot;
	pid_t pid;

	old = new_set(self, 2, 0600);
	ASSERT_LE(0, old);
	slot = t_list_index(self->fd, AIXIPC_SEM, old);
	ASSERT_LE(0, slot);
	ASSERT_EQ(0, setval(self->fd, old, 0, 1));
	pid = undo_holder(self, &h, old, s, 2);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, remove_set(self, old));
	new = new_set(self, 2, 0600);
	ASSERT_LE(0, new);
	ASSERT_NE(old, new);
	EXPECT_EQ(slot, t_list_index(self->fd, AIXIPC_SEM, new))
		TH_LOG("slot not reused: old id %#x, new id %#x", old, new);
	ASSERT_EQ(0, setval(self->fd, new, 1, 5));
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, new, 0));
	EXPECT_EQ(5, getval(self->fd, new, 1));
	EXPECT_EQ(0, sempid(self->fd, new, 0));
	EXPECT_EQ(0, remove_set(self, new));
}

TEST_F(sem, undo_adjustment_beyond_semaem_erange)
{
	struct report *r = new_report();
	pid_t pid;
	int id;

	ASSERT_NE(NULL, r);
	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 20000));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[2] = { sb(2, 1, UNDO), sb(0, 1, UNDO) };

		r->res[0] = t_semop1(self->fd, id, 0, 16384, UNDO);
		r->res[1] = t_semop1(self->fd, id, 0, 1, UNDO);
		r->res[2] = t_semop(self->fd, id, s, 2);	/* atomic */
		r->res[3] = t_semop1(self->fd, id, 0, 1, 0);
		r->res[4] = t_semop1(self->fd, id, 1, -16385, UNDO);
		r->res[5] = t_semop1(self->fd, id, 1, -16384, UNDO);
		r->res[6] = t_semop1(self->fd, id, 1, -1, UNDO);
		r->res[7] = t_semop1(self->fd, id, 2, 16385, UNDO);
		r->res[8] = getval(self->fd, id, 0);
		r->res[9] = getval(self->fd, id, 1);
		r->res[10] = getval(self->fd, id, 2);
		_exit(0);
	}
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, r->res[0]);
	EXPECT_EQ(-ERANGE, r->res[1]);
	EXPECT_EQ(-ERANGE, r->res[2]);
	EXPECT_EQ(0, r->res[3]);
	EXPECT_EQ(-ERANGE, r->res[4]);
	EXPECT_EQ(0, r->res[5]);
	EXPECT_EQ(-ERANGE, r->res[6]);
	EXPECT_EQ(-ERANGE, r->res[7]);
	EXPECT_EQ(16385, r->res[8]);
	EXPECT_EQ(20000 - 16384, r->res[9]);
	EXPECT_EQ(0, r->res[10]);
	/* At exit: the adjustments made are undone, no more. */
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(20000, getval(self->fd, id, 1));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	EXPECT_EQ(0, remove_set(self, id));
	munmap(r, sizeof(*r));
}

TEST_F(sem, undo_value_clamped_to_zero_and_semvmx_at_exit)
{
	struct aixipc_sembuf s[2] = { sb(0, 5, UNDO), sb(1, -5, UNDO) };
	struct handshake h;
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 10));
	pid = undo_holder(self, &h, id, s, 2);
	ASSERT_LT(0, pid);
	EXPECT_EQ(5, getval(self->fd, id, 0));
	EXPECT_EQ(5, getval(self->fd, id, 1));
	/* Others move the values where the adjustments no longer fit. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, -5, 0));
	ASSERT_EQ(0, t_semop1(self->fd, id, 1, 32762, 0));
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));		/* not -5 */
	EXPECT_EQ(32767, getval(self->fd, id, 1));	/* not 32772 */
	EXPECT_EQ(pid, sempid(self->fd, id, 0));
	EXPECT_EQ(pid, sempid(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F_TIMEOUT(sem, undo_entries_per_process_bounded_by_semume_enospc, 60)
{
	struct report *r = new_report();
	uint16_t *vals;
	pid_t pid;
	int i, id;

	ASSERT_NE(NULL, r);
	vals = calloc(1025, sizeof(*vals));
	ASSERT_NE(NULL, vals);
	id = new_set(self, 1025, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf *s = calloc(1024, sizeof(*s));
		struct aixipc_sembuf o[2] = { sb(0, 1, UNDO | ORDER),
					      sb(1024, 1, UNDO) };

		if (!s)
			_exit(KID_BROKEN);
		for (i = 0; i < 1024; i++)
			s[i] = sb(i, 1, UNDO);
		r->res[0] = t_semop(self->fd, id, s, 1024);
		r->res[1] = t_semop1(self->fd, id, 1024, 1, UNDO);
		/* no undo: fine */
		r->res[2] = t_semop1(self->fd, id, 1024, 1, 0);
		r->res[3] = t_semop1(self->fd, id, 0, 1, UNDO);	/* existing */
		r->res[4] = t_semop(self->fd, id, o, 2);
		r->flg[0] = o[0].sem_flg;
		r->flg[1] = o[1].sem_flg;
		/* adj back to 0 */
		r->res[5] = t_semop1(self->fd, id, 0, -3, UNDO);
		r->res[6] = t_semop1(self->fd, id, 1024, 1, UNDO);
		r->res[7] = t_semop1(self->fd, id, 0, 1, UNDO);
		r->res[8] = setval(self->fd, id, 5, 7);		/* clears one */
		r->res[9] = t_semop1(self->fd, id, 0, 1, UNDO);
		r->res[10] = getval(self->fd, id, 0);
		r->res[11] = getval(self->fd, id, 1024);
		_exit(0);
	}
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, r->res[0]);
	EXPECT_EQ(-ENOSPC, r->res[1]);
	EXPECT_EQ(0, r->res[2]);
	EXPECT_EQ(0, r->res[3]);
	EXPECT_EQ(-ENOSPC, r->res[4]);
	EXPECT_EQ(UNDO | ORDER, r->flg[0]);
	EXPECT_EQ(UNDO | SEMERR, r->flg[1]);
	EXPECT_EQ(0, r->res[5]);
	EXPECT_EQ(0, r->res[6]);
	EXPECT_EQ(-ENOSPC, r->res[7]);
	EXPECT_EQ(0, r->res[8]);
	EXPECT_EQ(0, r->res[9]);
	EXPECT_EQ(1, r->res[10]);
	EXPECT_EQ(2, r->res[11]);
	/* Everything recorded was undone at exit. */
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, vals));
	for (i = 0; i < 1024; i++)
		if (vals[i] != (i == 5 ? 7 : 0))
			break;
	EXPECT_EQ(1024, i) TH_LOG("semaphore %d is %u", i, vals[i]);
	EXPECT_EQ(1, vals[1024]);	/* the +1 without undo stays */
	EXPECT_EQ(0, remove_set(self, id));
	free(vals);
	munmap(r, sizeof(*r));
}

/* ====================================================================== */
/* SEM_ORDER                                                              */

TEST_F(sem, order_erange_keeps_earlier_entries_marks_sem_err)
{
	struct aixipc_sembuf s[4] = {
		sb(0, 1, ORDER | SEMERR), sb(1, 1, 0), sb(2, 1, SEMERR),
		sb(0, 1, 0),
	};
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 2, 32767));
	EXPECT_EQ(-ERANGE, t_semop(self->fd, id, s, 4));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(32767, getval(self->fd, id, 2));
	/* Stale SEM_ERR cleared, the failing entry marked. */
	EXPECT_EQ(ORDER, s[0].sem_flg);
	EXPECT_EQ(0, s[1].sem_flg);
	EXPECT_EQ(SEMERR, s[2].sem_flg);
	EXPECT_EQ(0, s[3].sem_flg);
	EXPECT_EQ(0, s[0].sem_num);
	EXPECT_EQ(1, s[0].sem_op);
	EXPECT_EQ(getpid(), sempid(self->fd, id, 1));
	EXPECT_NE(0, sstat(self->fd, id).otime);
	/* The same array, again: SEM_ERR moves with the failure. */
	ASSERT_EQ(0, setval(self->fd, id, 2, 0));
	ASSERT_EQ(0, setval(self->fd, id, 0, 32767));
	EXPECT_EQ(-ERANGE, t_semop(self->fd, id, s, 4));
	EXPECT_EQ(ORDER | SEMERR, s[0].sem_flg);
	EXPECT_EQ(0, s[2].sem_flg);
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, order_nowait_entry_that_would_wait_fails_eagain)
{
	struct aixipc_sembuf s[3] = {
		sb(0, 2, ORDER), sb(1, -1, NOWAIT), sb(2, 1, 0),
	};
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(2, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	EXPECT_EQ(ORDER, s[0].sem_flg);
	EXPECT_EQ(NOWAIT | SEMERR, s[1].sem_flg);
	EXPECT_EQ(0, s[2].sem_flg);
	/* A zero-wait with IPC_NOWAIT too. */
	s[1] = sb(0, 0, NOWAIT);
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(4, getval(self->fd, id, 0));
	EXPECT_EQ(NOWAIT | SEMERR, s[1].sem_flg);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, order_on_any_entry_makes_the_call_non_atomic)
{
	struct aixipc_sembuf s[3] = {
		sb(0, -1, NOWAIT), sb(0, -1, NOWAIT), sb(1, 1, ORDER),
	};
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 0, 1));
	/* Only the last entry has SEM_ORDER; the first stays applied. */
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(NOWAIT, s[0].sem_flg);
	EXPECT_EQ(NOWAIT | SEMERR, s[1].sem_flg);
	EXPECT_EQ(ORDER, s[2].sem_flg);
	/* Without SEM_ORDER the same call applies nothing. */
	ASSERT_EQ(0, setval(self->fd, id, 0, 1));
	s[1].sem_flg = NOWAIT;
	s[2].sem_flg = 0;
	EXPECT_EQ(-EAGAIN, t_semop(self->fd, id, s, 3));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(NOWAIT, s[1].sem_flg);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, order_successful_call_applies_all_in_order)
{
	struct aixipc_sembuf s[4] = {
		sb(0, 1, ORDER), sb(0, -1, NOWAIT), sb(0, 0, NOWAIT),
		sb(1, 3, 0),
	};
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, t_semop(self->fd, id, s, 4));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(3, getval(self->fd, id, 1));
	EXPECT_EQ(ORDER, s[0].sem_flg);
	EXPECT_EQ(NOWAIT, s[1].sem_flg);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, order_waiting_entry_blocks_then_the_call_continues)
{
	struct report *r = new_report();
	pid_t pid;
	int id;

	ASSERT_NE(NULL, r);
	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[3] = {
			sb(0, 1, ORDER), sb(1, -1, 0), sb(2, 1, SEMERR),
		};

		_exit(call_report(self->fd, id, s, 3, r));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 1, false, 1));
	/* The first entry is applied while the caller waits on the second. */
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(pid, sempid(self->fd, id, 0));
	/* Waiting is on that entry alone: changing sem 0 frees nothing. */
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, -1, 0));
	EXPECT_EQ(0, wait_blocked(self->fd, id, pid, 1, false, 1));
	ASSERT_EQ(0, t_semop1(self->fd, id, 1, 1, 0));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, r->res[0]);
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(1, getval(self->fd, id, 2));
	EXPECT_EQ(pid, sempid(self->fd, id, 2));
	EXPECT_EQ(0, remove_set(self, id));
	munmap(r, sizeof(*r));
}

TEST_F(sem, order_signal_while_waiting_eintr_marks_blocked_entry)
{
	struct report *r = new_report();
	pid_t pid;
	int id;

	ASSERT_NE(NULL, r);
	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[3] = {
			sb(0, 1, ORDER), sb(1, -1, 0), sb(2, 1, SEMERR),
		};

		if (install_handler(SA_RESTART))
			_exit(KID_BROKEN);
		call_report(self->fd, id, s, 3, r);
		r->got_signal = got_signal;
		_exit(kid_code(r->res[0]));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 1, false, 1));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(EINTR, t_reap(&self->kids, pid));
	EXPECT_EQ(SIGUSR1, r->got_signal);
	EXPECT_EQ(ORDER, r->flg[0]);
	EXPECT_EQ(SEMERR, r->flg[1]);
	EXPECT_EQ(0, r->flg[2]);
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	EXPECT_EQ(0, ncnt(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
	munmap(r, sizeof(*r));
}

TEST_F(sem, order_timeout_while_waiting_eagain_marks_blocked_entry)
{
	struct aixipc_sembuf s[3] = {
		sb(0, 1, ORDER), sb(1, 0, 0), sb(2, 1, 0),
	};
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 1, 1));
	EXPECT_EQ(-EAGAIN, t_semtimedop(self->fd, id, s, 3, 0, 50000000));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 2));
	EXPECT_EQ(ORDER, s[0].sem_flg);
	EXPECT_EQ(SEMERR, s[1].sem_flg);
	EXPECT_EQ(0, s[2].sem_flg);
	EXPECT_EQ(0, zcnt(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, order_rmid_while_waiting_eidrm_marks_blocked_entry)
{
	struct report *r = new_report();
	pid_t pid;
	int id;

	ASSERT_NE(NULL, r);
	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[2] = { sb(0, 1, ORDER), sb(1, -1, 0) };

		_exit(call_report(self->fd, id, s, 2, r));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 1, false, 1));
	ASSERT_EQ(0, remove_set(self, id));
	EXPECT_EQ(EIDRM, t_reap(&self->kids, pid));
	EXPECT_EQ(ORDER, r->flg[0]);
	EXPECT_EQ(SEMERR, r->flg[1]);
	munmap(r, sizeof(*r));
}

TEST_F(sem, order_undo_records_applied_entries_only)
{
	struct report *r = new_report();
	pid_t pid;
	int id;

	ASSERT_NE(NULL, r);
	id = new_set(self, 4, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 2, 32767));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[4] = {
			sb(0, 2, UNDO | ORDER), sb(1, 1, 0),
			sb(2, 1, UNDO), sb(3, 4, UNDO),
		};

		call_report(self->fd, id, s, 4, r);
		r->res[1] = getval(self->fd, id, 0);
		r->res[2] = getval(self->fd, id, 1);
		_exit(kid_code(r->res[0]));
	}
	EXPECT_EQ(ERANGE, t_reap(&self->kids, pid));
	EXPECT_EQ(2, r->res[1]);
	EXPECT_EQ(1, r->res[2]);
	EXPECT_EQ(UNDO | SEMERR, r->flg[2]);
	/* Entry 0 undone; entry 1 had no SEM_UNDO; 2 and 3 not applied. */
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(1, getval(self->fd, id, 1));
	EXPECT_EQ(32767, getval(self->fd, id, 2));
	EXPECT_EQ(0, getval(self->fd, id, 3));
	EXPECT_EQ(0, remove_set(self, id));
	munmap(r, sizeof(*r));
}

TEST_F(sem, order_undo_after_a_wait_records_the_waited_entry)
{
	struct aixipc_sembuf s[2] = { sb(0, 1, ORDER | UNDO),
				      sb(1, -1, UNDO) };
	pid_t pid;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int err = t_semop(self->fd, id, s, 2);

		if (err)
			_exit(kid_code(err));
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 1, false, 1));
	ASSERT_EQ(0, t_semop1(self->fd, id, 1, 3, 0));
	ASSERT_EQ(0, wait_count(self->fd, id, 1, false, 0));
	EXPECT_EQ(2, getval(self->fd, id, 1));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(3, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, order_failing_call_with_read_only_sops_efault)
{
	struct aixipc_sembuf *s;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, s);
	s[0] = sb(0, 1, ORDER);
	s[1] = sb(1, -1, NOWAIT);
	ASSERT_EQ(0, mprotect(s, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, t_semop(self->fd, id, s, 2));
	/* The first entry was applied before the second failed. */
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	munmap(s, PAGE);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * Stop and continue a SEM_ORDER call that has applied an entry and waits on
 * the next: restarting it would apply the first entry again, so it fails
 * with EINTR instead, SEM_ERR on the entry it waited on, the first entry
 * applied exactly once.
 */
TEST_F(sem, order_stop_and_continue_after_progress_fails_eintr_once_applied)
{
	struct report *r = new_report();
	int status;
	pid_t pid;
	int id;

	ASSERT_NE(NULL, r);
	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[2] = { sb(0, 1, ORDER), sb(1, -1, 0) };

		_exit(call_report(self->fd, id, s, 2, r));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 1, false, 1));
	EXPECT_EQ(1, getval(self->fd, id, 0));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, kill(pid, SIGCONT));
	t_reap(&self->kids, pid);
	EXPECT_EQ(-EINTR, r->res[0]);
	EXPECT_EQ(1, getval(self->fd, id, 0))
		TH_LOG("the first entry was applied again");
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(ORDER, r->flg[0]);
	EXPECT_EQ(SEMERR, r->flg[1]);
	EXPECT_EQ(0, ncnt(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
	munmap(r, sizeof(*r));
}

/*
 * A SEM_ORDER call blocked on its first entry has applied nothing; a stop
 * and continue fails it EINTR like any semop, marking the blocked entry.
 */
TEST_F(sem, order_stop_and_continue_before_progress_fails_eintr_marks_entry)
{
	struct report *r = new_report();
	pid_t pid;
	int id;

	ASSERT_NE(NULL, r);
	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_sembuf s[2] = { sb(0, -1, ORDER), sb(1, 1, 0) };

		_exit(call_report(self->fd, id, s, 2, r));
	}
	ASSERT_EQ(0, wait_blocked(self->fd, id, pid, 0, false, 1));
	stop_continue_release(_metadata, self, id, pid, 0);
	EXPECT_EQ(EINTR, t_reap(&self->kids, pid));
	EXPECT_EQ(-EINTR, r->res[0]);
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(ORDER | SEMERR, r->flg[0]);
	EXPECT_EQ(0, r->flg[1]);
	EXPECT_EQ(0, remove_set(self, id));
	munmap(r, sizeof(*r));
}

/*
 * A SEM_ORDER call applies its first entry, which lets a complex waiter
 * proceed; that waiter's +1 is what the call's second entry needs.  No
 * waiter may sleep while its operation could complete: the call must
 * finish without anybody else changing a value.
 */
TEST_F(sem, order_partial_progress_that_serves_a_waiter_does_not_lose_wakeup)
{
	struct aixipc_sembuf w[2] = { sb(0, -1, 0), sb(1, 1, 0) };
	bool stuck = false, done = false;
	pid_t a, c;
	int i, id, status = 0;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	a = start_waiter(_metadata, self, id, w, 2, 0, false, 1);
	ASSERT_LT(0, a);
	c = t_spawn(&self->kids);
	ASSERT_LE(0, c);
	if (c == 0) {
		struct aixipc_sembuf s[2] = { sb(0, 1, ORDER), sb(1, -1, 0) };

		_exit(kid_code(t_semop(self->fd, id, s, 2)));
	}
	/* c's first entry serves a, whose +1 on sem 1 c needs next. */
	EXPECT_EQ(0, t_reap(&self->kids, a));
	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		if (waitpid(c, &status, WNOHANG) == c) {
			done = true;
			break;
		}
		/*
		 * Asleep in the module while sem 1 is 1 and it is the only
		 * waiter there: it was never retried.
		 */
		if (t_sleeping_in_module(c) && ncnt(self->fd, id, 1) == 1 &&
		    getval(self->fd, id, 1) == 1 && t_sleeping_in_module(c)) {
			stuck = true;
			break;
		}
		usleep(1000);
	}
	EXPECT_FALSE(stuck)
		TH_LOG("the SEM_ORDER caller sleeps on sem 1 (value %d) although it could proceed",
		       getval(self->fd, id, 1));
	EXPECT_TRUE(done || stuck) TH_LOG("hang guard ran out");
	if (done) {
		t_forget_kid(&self->kids, c);
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		EXPECT_EQ(0, getval(self->fd, id, 0));
		EXPECT_EQ(0, getval(self->fd, id, 1));
	}
	EXPECT_EQ(0, remove_set(self, id));
	if (stuck)
		EXPECT_EQ(EIDRM, t_reap(&self->kids, c));
}

/* ====================================================================== */
/* semctl                                                                 */

TEST_F(sem, ctl_stat_of_a_new_set)
{
	struct aixipc_semid_ds ds;
	int32_t key = test_key(5);
	time_t t0, t1;
	int id;

	t0 = time(NULL);
	id = get_key(self, key, 7, AIXIPC_CREAT | AIXIPC_EXCL, 0640);
	t1 = time(NULL);
	ASSERT_LE(0, id);
	memset(&ds, 0xa5, sizeof(ds));
	ASSERT_EQ(0, t_semstat(self->fd, id, &ds));
	EXPECT_EQ(key, ds.perm.key);
	EXPECT_EQ(0U, ds.perm.uid);
	EXPECT_EQ(0U, ds.perm.gid);
	EXPECT_EQ(0U, ds.perm.cuid);
	EXPECT_EQ(0U, ds.perm.cgid);
	EXPECT_EQ(0640U, ds.perm.mode);
	EXPECT_EQ(0U, ds.perm.__reserved);
	EXPECT_EQ(7ULL, ds.nsems);
	EXPECT_EQ(0, ds.otime);
	EXPECT_LE(t0, ds.ctime);
	EXPECT_GE(t1, ds.ctime);
	/* IPC_STAT ignores semnum; a read-only set can be stat'ed by others. */
	EXPECT_EQ(0, t_semctl(self->fd, id, 1000, AIXIPC_IPC_STAT, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_set_changes_owner_mode_and_ctime)
{
	struct aixipc_semid_ds ds, after;
	time_t t0;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	wait_clock_past(ds.ctime);
	t0 = time(NULL);
	ds.perm.uid = 1234;
	ds.perm.gid = 5678;
	ds.perm.mode = 0664;
	ds.perm.cuid = 999;	/* ignored */
	ds.nsems = 99;		/* ignored */
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	after = sstat(self->fd, id);
	EXPECT_EQ(1234U, after.perm.uid);
	EXPECT_EQ(5678U, after.perm.gid);
	EXPECT_EQ(0U, after.perm.cuid);
	EXPECT_EQ(0U, after.perm.cgid);
	EXPECT_EQ(0664U, after.perm.mode);
	EXPECT_EQ(2ULL, after.nsems);
	EXPECT_LE(t0, after.ctime);
	/* The new owner (now uid 1234, not nobody) and others' bits apply. */
	EXPECT_EQ(0, AS_NOBODY(getval(self->fd, id, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(setval(self->fd, id, 0, 1)));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_set_rejects_bad_mode_and_reserved)
{
	struct aixipc_semid_ds ds;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	ds.perm.mode = 01600;
	EXPECT_EQ(-EINVAL, t_semset(self->fd, id, &ds));
	ds.perm.mode = 0600 | S_IFREG;
	EXPECT_EQ(-EINVAL, t_semset(self->fd, id, &ds));
	ds.perm.mode = 0644;
	ds.perm.__reserved = 1;
	EXPECT_EQ(-EINVAL, t_semset(self->fd, id, &ds));
	ds.perm.__reserved = 0;
	ds.perm.uid = (uint32_t)-1;
	EXPECT_EQ(-EINVAL, t_semset(self->fd, id, &ds));
	EXPECT_EQ(0600U, sstat(self->fd, id).perm.mode);
	EXPECT_EQ(0U, sstat(self->fd, id).perm.uid);
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_setval_getval_and_range_erange)
{
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, setval(self->fd, id, 1, 32767));
	EXPECT_EQ(32767, getval(self->fd, id, 1));
	EXPECT_EQ(-ERANGE, setval(self->fd, id, 1, 32768));
	EXPECT_EQ(-ERANGE, setval(self->fd, id, 1, -1));
	EXPECT_EQ(-ERANGE, setval(self->fd, id, 1, INT_MIN));
	EXPECT_EQ(-ERANGE, setval(self->fd, id, 1, INT_MAX));
	EXPECT_EQ(-ERANGE, setval(self->fd, id, 1, 65536));
	EXPECT_EQ(32767, getval(self->fd, id, 1));
	EXPECT_EQ(0, setval(self->fd, id, 0, 0));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, setval(self->fd, id, 0, 12345));
	EXPECT_EQ(12345, getval(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_getall_setall_round_trip_erange_changes_nothing)
{
	uint16_t *v = calloc(65535, sizeof(*v)), *w = calloc(65535, sizeof(*w));
	unsigned int i;
	int id;

	ASSERT_NE(NULL, v);
	ASSERT_NE(NULL, w);
	id = new_set(self, 65535, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < 65535; i++)
		v[i] = (uint16_t)((i * 7919) % 32768);
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_SETALL, v));
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, w));
	EXPECT_EQ(0, memcmp(v, w, 65535 * sizeof(*v)));
	EXPECT_EQ((int)v[65534], getval(self->fd, id, 65534));
	EXPECT_EQ(getpid(), sempid(self->fd, id, 12345));
	/* One value above semvmx, the last: nothing changes. */
	for (i = 0; i < 65535; i++)
		w[i] = 1;
	w[65534] = 32768;
	EXPECT_EQ(-ERANGE, t_semarray(self->fd, id, AIXIPC_SETALL, w));
	w[65534] = 65535;
	EXPECT_EQ(-ERANGE, t_semarray(self->fd, id, AIXIPC_SETALL, w));
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, w));
	EXPECT_EQ(0, memcmp(v, w, 65535 * sizeof(*v)));
	EXPECT_EQ(0, remove_set(self, id));
	free(v);
	free(w);
}

TEST_F(sem, ctl_getall_setall_bad_pointer_efault)
{
	uint16_t vals[4] = { 1, 2, 3, 4 };
	char *p;
	int id;

	id = new_set(self, 4, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setall(self->fd, id, 4, vals));
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_NONE));
	EXPECT_EQ(-EFAULT, t_semarray(self->fd, id, AIXIPC_GETALL, NULL));
	EXPECT_EQ(-EFAULT, t_semarray(self->fd, id, AIXIPC_SETALL, NULL));
	/* The last value straddles into the inaccessible page. */
	memset(p + PAGE - 6, 0, 6);
	EXPECT_EQ(-EFAULT, t_semarray(self->fd, id, AIXIPC_SETALL,
				      p + PAGE - 6));
	EXPECT_EQ(-EFAULT, t_semarray(self->fd, id, AIXIPC_GETALL,
				      p + PAGE - 6));
	/* GETALL into read-only memory. */
	ASSERT_EQ(0, mprotect(p, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, t_semarray(self->fd, id, AIXIPC_GETALL, p));
	memset(vals, 0, sizeof(vals));
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, vals));
	EXPECT_EQ(1, vals[0]);
	EXPECT_EQ(4, vals[3]);
	munmap(p, 2 * PAGE);
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A user copy held open: the first touch of st->uffd.page blocks the
 * copying call until the handler thread has run @fn (which may change IPC
 * state meanwhile) and filled the page with @fill.
 */
struct stall {
	struct t_uffd uffd;
	void *page;
	pthread_t thread;
	void (*fn)(struct stall *st);
	const void *fill;
	size_t fill_len;
	void *arg;
	int ran;
};

static void *stall_handler(void *arg)
{
	struct stall *st = arg;

	if (t_uffd_wait_fault(&st->uffd))
		return NULL;
	st->fn(st);
	st->ran = 1;
	t_uffd_fill(&st->uffd, st->fill, st->fill_len);
	return NULL;
}

static int stall_start(struct stall *st)
{
	int err = t_uffd_open(&st->uffd);

	st->ran = 0;
	if (err) {
		errno = -err;
		return -1;
	}
	st->page = st->uffd.page;
	return pthread_create(&st->thread, NULL, stall_handler, st) ? -1 : 0;
}

static void stall_end(struct stall *st)
{
	pthread_join(st->thread, NULL);
	t_uffd_close(&st->uffd);
}

/* What the SETALL stall does: remove set X and recycle its id. */
struct recycle {
	int fd, old_id, new_id;
};

static void recycle_id(struct stall *st)
{
	struct recycle *rc = st->arg;

	if (t_semrmid(rc->fd, rc->old_id) == 0)
		t_untrack(AIXIPC_SEM, rc->old_id);
	rc->new_id = t_semget(rc->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT,
			      0600);
	if (rc->new_id >= 0)
		t_track(AIXIPC_SEM, rc->new_id);
}

/*
 * Make the next set created get the lowest free slot with no free slot
 * below it, and return how many sets were created on the way (each
 * creation advances the sequence that ids carry).
 */
static int fill_slot_holes(FIXTURE_DATA(sem) *self)
{
	struct aixipc_info info;
	int n;

	for (n = 0; n < 65536; n++) {
		if (t_info(self->fd, AIXIPC_SEM, &info))
			return -1;
		if (info.in_use == (uint32_t)(info.max_slot + 1))
			return n;
		if (new_set(self, 1, 0600) < 0)
			return -1;
	}
	return -1;
}

/*
 * The heap overflow of the review: SETALL on set X (64 semaphores) stalls
 * in its user copy; meanwhile X is removed and a set Y of 1 semaphore is
 * created with exactly X's id (2047 creations in between wrap the 11-bit
 * sequence; the slot allocator reuses X's slot).  SETALL must fail EIDRM
 * and leave Y alone; it used to write 64 values (and pid references) into
 * Y's one-semaphore allocation.
 */
TEST_F_TIMEOUT(sem, ctl_setall_stalled_while_id_recycled_eidrm_new_set_untouched, 120)
{
	uint16_t vals[64];
	struct recycle rc;
	struct stall st;
	int x, i;

	ASSERT_LE(0, fill_slot_holes(self));
	x = new_set(self, 64, 0600);
	ASSERT_LE(0, x);
	for (i = 0; i < 2047; i++) {
		int f = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT,
				 0600);

		ASSERT_LE(0, f);
		ASSERT_EQ(0, t_semrmid(self->fd, f));
	}
	for (i = 0; i < 64; i++)
		vals[i] = 7;
	rc.fd = self->fd;
	rc.old_id = x;
	rc.new_id = -1;
	memset(&st, 0, sizeof(st));
	st.fn = recycle_id;
	st.arg = &rc;
	st.fill = vals;
	st.fill_len = sizeof(vals);
	ASSERT_EQ(0, stall_start(&st)) TH_LOG("userfaultfd: %s", strerror(errno));
	EXPECT_EQ(-EIDRM, t_semarray(self->fd, x, AIXIPC_SETALL, st.page));
	stall_end(&st);
	ASSERT_EQ(1, st.ran);
	ASSERT_EQ(x, rc.new_id) TH_LOG("the id was not recycled: precondition");
	EXPECT_EQ(0, getval(self->fd, rc.new_id, 0));
	EXPECT_EQ(0, remove_set(self, rc.new_id));
}

/* The same stall, with the set removed only: EIDRM, nothing else. */
static void remove_only(struct stall *st)
{
	struct recycle *rc = st->arg;

	if (t_semrmid(rc->fd, rc->old_id) == 0)
		t_untrack(AIXIPC_SEM, rc->old_id);
}

TEST_F(sem, ctl_setall_stalled_while_set_removed_eidrm)
{
	uint16_t vals[4] = { 1, 2, 3, 4 };
	struct recycle rc;
	struct stall st;
	int x;

	x = new_set(self, 4, 0600);
	ASSERT_LE(0, x);
	rc.fd = self->fd;
	rc.old_id = x;
	memset(&st, 0, sizeof(st));
	st.fn = remove_only;
	st.arg = &rc;
	st.fill = vals;
	st.fill_len = sizeof(vals);
	ASSERT_EQ(0, stall_start(&st));
	EXPECT_EQ(-EIDRM, t_semarray(self->fd, x, AIXIPC_SETALL, st.page));
	stall_end(&st);
	EXPECT_EQ(1, st.ran);
	EXPECT_EQ(-EINVAL, t_semarray(self->fd, x, AIXIPC_GETALL, vals));
}

/* IPC_SET during the stall takes alter permission away: EACCES. */
static void revoke_mode(struct stall *st)
{
	struct recycle *rc = st->arg;
	struct aixipc_semctl c;

	memset(&c, 0, sizeof(c));
	c.id = rc->old_id;
	c.cmd = AIXIPC_IPC_STAT;
	if (aixipc_ioctl(rc->fd, AIXIPC_IOC_SEMCTL, &c))
		return;
	c.cmd = AIXIPC_IPC_SET;
	c.ds.perm.mode = 0444;
	aixipc_ioctl(rc->fd, AIXIPC_IOC_SEMCTL, &c);
}

TEST_F(sem, ctl_setall_rechecks_permission_after_its_stalled_copy)
{
	uint16_t vals[2] = { 5, 6 };
	struct recycle rc;
	struct stall st;
	pid_t pid;
	int x;

	x = new_set(self, 2, 0666);
	ASSERT_LE(0, x);
	rc.fd = self->fd;
	rc.old_id = x;
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		memset(&st, 0, sizeof(st));
		st.fn = revoke_mode;
		st.arg = &rc;
		st.fill = vals;
		st.fill_len = sizeof(vals);
		if (stall_start(&st))
			_exit(KID_BROKEN);
		/*
		 * This thread only (raw system calls, not glibc's, which
		 * change every thread) becomes nobody: only the mode bits let
		 * it alter the set; the handler stays root, the owner.
		 */
		if (syscall(SYS_setgroups, 0, NULL) ||
		    syscall(SYS_setresgid, NOBODY, NOBODY, NOBODY) ||
		    syscall(SYS_setresuid, NOBODY, NOBODY, NOBODY))
			_exit(KID_BROKEN);
		_exit(kid_code(t_semarray(self->fd, x, AIXIPC_SETALL, st.page)));
	}
	EXPECT_EQ(EACCES, t_reap(&self->kids, pid));
	EXPECT_EQ(0, getval(self->fd, x, 0));
	EXPECT_EQ(0, getval(self->fd, x, 1));
	EXPECT_EQ(0, remove_set(self, x));
}

TEST_F(sem, ctl_semnum_beyond_set_einval)
{
	static const uint32_t cmds[] = {
		AIXIPC_GETVAL, AIXIPC_SETVAL, AIXIPC_GETPID, AIXIPC_GETNCNT,
		AIXIPC_GETZCNT,
	};
	unsigned int i;
	int id;

	id = new_set(self, 3, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		EXPECT_EQ(-EINVAL, t_semctl(self->fd, id, 3, cmds[i], 1))
			TH_LOG("cmd %u", cmds[i]);
		EXPECT_EQ(-EINVAL, t_semctl(self->fd, id, UINT32_MAX, cmds[i], 1))
			TH_LOG("cmd %u", cmds[i]);
		EXPECT_LE(0, t_semctl(self->fd, id, 2, cmds[i], 1))
			TH_LOG("cmd %u", cmds[i]);
	}
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_rejects_unknown_cmd_einval)
{
	static const uint32_t bad[] = { 3, 4, 9, 17, 18, 100, UINT32_MAX };
	struct aixipc_semctl c;
	unsigned int i;
	int id;

	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.id = id;
		c.cmd = bad[i];
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_SEMCTL, &c))
			TH_LOG("cmd %u", bad[i]);
	}
	EXPECT_EQ(-EINVAL, t_semctl(self->fd, -1, 0, AIXIPC_GETVAL, 0));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_read_commands_need_read_permission_eacces)
{
	uint16_t vals[2];
	int id;

	id = new_set(self, 2, 0602);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(getval(self->fd, id, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(sempid(self->fd, id, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(ncnt(self->fd, id, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(zcnt(self->fd, id, 0)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semstat(self->fd, id, NULL)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semarray(self->fd, id, AIXIPC_GETALL,
						vals)));
	/* Alter is granted. */
	EXPECT_EQ(0, AS_NOBODY(setval(self->fd, id, 0, 3)));
	vals[0] = 4;
	vals[1] = 5;
	EXPECT_EQ(0, AS_NOBODY(t_semarray(self->fd, id, AIXIPC_SETALL, vals)));
	EXPECT_EQ(4, getval(self->fd, id, 0));
	EXPECT_EQ(5, getval(self->fd, id, 1));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_setval_setall_need_alter_permission_eacces)
{
	uint16_t vals[2] = { 7, 8 };
	int id;

	id = new_set(self, 2, 0604);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(setval(self->fd, id, 0, 3)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_semarray(self->fd, id, AIXIPC_SETALL,
						vals)));
	EXPECT_EQ(0, getval(self->fd, id, 0));
	EXPECT_EQ(0, getval(self->fd, id, 1));
	EXPECT_EQ(0, AS_NOBODY(getval(self->fd, id, 0)));
	EXPECT_EQ(0, AS_NOBODY(t_semstat(self->fd, id, NULL)));
	EXPECT_EQ(0, AS_NOBODY(t_semarray(self->fd, id, AIXIPC_GETALL, vals)));
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_F(sem, ctl_set_and_rmid_by_non_owner_eperm)
{
	struct aixipc_semid_ds ds;
	int id;

	id = new_set(self, 1, 0666);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	ds.perm.mode = 0600;
	EXPECT_EQ(-EPERM, AS_NOBODY(t_semset(self->fd, id, &ds)));
	EXPECT_EQ(-EPERM, AS_NOBODY(t_semrmid(self->fd, id)));
	EXPECT_EQ(0666U, sstat(self->fd, id).perm.mode);
	/* Given to nobody, it is nobody's to change and remove... */
	ds.perm.mode = 0600;
	ds.perm.uid = NOBODY;
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	ds.perm.mode = 0640;
	EXPECT_EQ(0, AS_NOBODY(t_semset(self->fd, id, &ds)));
	EXPECT_EQ(0640U, sstat(self->fd, id).perm.mode);
	/* ...and still the creator's (root's). */
	ds.perm.uid = 0;
	ds.perm.mode = 0600;
	EXPECT_EQ(0, t_semset(self->fd, id, &ds));
	EXPECT_EQ(-EPERM, AS_NOBODY(t_semrmid(self->fd, id)));
	ds.perm.uid = NOBODY;
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	EXPECT_EQ(0, AS_NOBODY(t_semrmid(self->fd, id)));
	t_untrack(AIXIPC_SEM, id);
	EXPECT_EQ(-EINVAL, getval(self->fd, id, 0));
}

TEST_F(sem, ctl_ctime_updated_by_setval_setall_and_ipc_set_only)
{
	struct aixipc_semid_ds ds;
	uint16_t vals[2] = { 1, 2 };
	time_t t0, c0;
	int id;

	id = new_set(self, 2, 0600);
	ASSERT_LE(0, id);
	c0 = sstat(self->fd, id).ctime;
	/* Neither semop nor the reads change it. */
	wait_clock_past(c0);
	ASSERT_EQ(0, t_semop1(self->fd, id, 0, 1, 0));
	ASSERT_LE(0, getval(self->fd, id, 0));
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, vals));
	EXPECT_EQ(c0, sstat(self->fd, id).ctime);

	t0 = time(NULL);
	ASSERT_EQ(0, setval(self->fd, id, 0, 3));
	c0 = sstat(self->fd, id).ctime;
	EXPECT_LE(t0, c0);

	wait_clock_past(c0);
	t0 = time(NULL);
	ASSERT_EQ(0, setall(self->fd, id, 2, vals));
	c0 = sstat(self->fd, id).ctime;
	EXPECT_LE(t0, c0);

	wait_clock_past(c0);
	t0 = time(NULL);
	ds = sstat(self->fd, id);
	ASSERT_EQ(0, t_semset(self->fd, id, &ds));
	EXPECT_LE(t0, sstat(self->fd, id).ctime);
	/* A refused SETVAL does not change it. */
	c0 = sstat(self->fd, id).ctime;
	wait_clock_past(c0);
	EXPECT_EQ(-ERANGE, setval(self->fd, id, 0, 40000));
	EXPECT_EQ(c0, sstat(self->fd, id).ctime);
	EXPECT_EQ(0, remove_set(self, id));
}

/* ====================================================================== */
/* Concurrency                                                            */

/*
 * CONC_PROCS processes do CONC_PAIRS increment/decrement pairs each on
 * the CONC_SEMS semaphores of one set, starting from CONC_START each.
 * Half the processes take first (-1, then +1; they block while a value is
 * 0), half give first; CONC_START equals the number of takers, so a taker
 * can always eventually proceed.  Every 8th pair is one call of two
 * operations on two semaphores (the set's global mode); every 4th uses
 * SEM_UNDO.  Final values must be exactly CONC_START.
 *
 * 50,000 pairs per process run in about 3 s under QEMU TCG (2 vCPUs) on
 * the stock kernels with an ASan build.  On the debug kernel (KASAN,
 * lockdep; recognised by /proc/lockdep) every call costs some hundred
 * times more and 50,000 pairs took four minutes, so there each process
 * does CONC_PAIRS_DEBUG = 10,000 pairs (the minimum wanted).
 */
#define CONC_PROCS	8
#define CONC_PAIRS	50000
#define CONC_PAIRS_DEBUG	10000
#define CONC_SEMS	3
#define CONC_START	(CONC_PROCS / 2)

static int conc_worker(int fd, int id, int me, int pairs)
{
	bool taker = me % 2;
	int sign = taker ? -1 : 1;
	int k, err;

	for (k = 0; k < pairs; k++) {
		unsigned int a = (me + k) % CONC_SEMS;
		unsigned int b = (a + 1) % CONC_SEMS;
		int flg = k % 4 == 0 ? UNDO : 0;

		if (k % 8 == 7) {
			struct aixipc_sembuf s[2] = {
				sb(a, sign, flg), sb(b, sign, flg),
			};

			err = t_semop(fd, id, s, 2);
			if (!err) {
				s[0].sem_op = (int16_t)-sign;
				s[1].sem_op = (int16_t)-sign;
				err = t_semop(fd, id, s, 2);
			}
		} else {
			err = t_semop1(fd, id, a, sign, flg);
			if (!err)
				err = t_semop1(fd, id, a, -sign, flg);
		}
		if (err)
			return kid_code(err);
	}
	return 0;
}

TEST_F_TIMEOUT(sem, conc_eight_processes_increment_decrement_pairs_exact, 300)
{
	int pairs = access("/proc/lockdep", F_OK) ? CONC_PAIRS : CONC_PAIRS_DEBUG;
	uint16_t vals[CONC_SEMS];
	pid_t pid[CONC_PROCS];
	int i, id;

	id = new_set(self, CONC_SEMS, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < CONC_SEMS; i++)
		vals[i] = CONC_START;
	ASSERT_EQ(0, setall(self->fd, id, CONC_SEMS, vals));
	for (i = 0; i < CONC_PROCS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(conc_worker(self->fd, id, i, pairs));
	}
	for (i = 0; i < CONC_PROCS; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("worker %d", i);
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, vals));
	for (i = 0; i < CONC_SEMS; i++) {
		EXPECT_EQ(CONC_START, vals[i]) TH_LOG("semaphore %d", i);
		EXPECT_EQ(0, ncnt(self->fd, id, i));
	}
	EXPECT_EQ(0, remove_set(self, id));
}

/*
 * A lock built on a semaphore (1: free; P = -1 SEM_UNDO, V = +1 SEM_UNDO)
 * protects a counter in shared memory that LOCK_PROCS processes increment
 * non-atomically (read, yield, write).  Any lost update shows in the sum.
 */
#define LOCK_PROCS	8
#define LOCK_ITERS	3000

TEST_F_TIMEOUT(sem, conc_semaphore_lock_protects_shared_counter, 300)
{
	volatile long *counter;
	pid_t pid[LOCK_PROCS];
	int i, id;

	counter = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, counter);
	*counter = 0;
	id = new_set(self, 1, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(self->fd, id, 0, 1));
	for (i = 0; i < LOCK_PROCS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			int k, err;

			for (k = 0; k < LOCK_ITERS; k++) {
				long v;

				err = t_semop1(self->fd, id, 0, -1, UNDO);
				if (err)
					_exit(kid_code(err));
				v = *counter;
				sched_yield();
				*counter = v + 1;
				err = t_semop1(self->fd, id, 0, 1, UNDO);
				if (err)
					_exit(kid_code(err));
			}
			_exit(0);
		}
	}
	for (i = 0; i < LOCK_PROCS; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("worker %d", i);
	EXPECT_EQ((long)LOCK_PROCS * LOCK_ITERS, *counter);
	EXPECT_EQ(1, getval(self->fd, id, 0));
	EXPECT_EQ(0, ncnt(self->fd, id, 0));
	EXPECT_EQ(0, remove_set(self, id));
	munmap((void *)counter, PAGE);
}

/*
 * Single-operation calls of different processes on different semaphores
 * of one set (the per-semaphore fast path): on each semaphore a producer
 * gives FAST_OPS times and a consumer takes FAST_OPS times, blocking when
 * the value is 0.  Everything completes and every value ends at 0.
 */
#define FAST_SEMS	4
#define FAST_OPS	10000

TEST_F_TIMEOUT(sem, conc_single_ops_on_different_semaphores_all_complete, 300)
{
	pid_t pid[2 * FAST_SEMS];
	uint16_t vals[FAST_SEMS];
	int i, id;

	id = new_set(self, FAST_SEMS, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < 2 * FAST_SEMS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			int k, err = 0;

			for (k = 0; k < FAST_OPS && !err; k++)
				err = t_semop1(self->fd, id, i % FAST_SEMS,
					  i < FAST_SEMS ? 1 : -1, 0);
			_exit(kid_code(err));
		}
	}
	for (i = 0; i < 2 * FAST_SEMS; i++)
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("process %d", i);
	ASSERT_EQ(0, t_semarray(self->fd, id, AIXIPC_GETALL, vals));
	for (i = 0; i < FAST_SEMS; i++) {
		EXPECT_EQ(0, vals[i]) TH_LOG("semaphore %d", i);
		EXPECT_EQ(0, ncnt(self->fd, id, i));
	}
	EXPECT_EQ(0, remove_set(self, id));
}

TEST_HARNESS_MAIN
