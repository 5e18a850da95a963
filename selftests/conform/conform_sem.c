// SPDX-License-Identifier: GPL-2.0
/*
 * conform_sem - semaphores through the classic API (semget, semop,
 * semtimedop, semctl), run on Linux's native SysV IPC and through
 * libaixipc (see conform.h).  In the spirit of LTP's semget/semop/semctl
 * tests; where aixipc deliberately differs (Documentation/aixipc.rst: AIX
 * limits, key -1) each side's value is asserted.
 */
#include "conform.h"

#define SEMMSL_NATIVE	32000		/* Linux's defaults (a fresh VM) */
#define SEMOPM_NATIVE	500
#define SEMMNI_NATIVE	32000
#define SEMMSL_AIX	65535		/* aixipc's (AIX 7.x) */
#define SEMOPM_AIX	1024
#define SEMMNI_AIX	1048576
#define SEMVMX		32767		/* both */

static int op(int id, unsigned short num, short delta, short flags)
{
	struct sembuf sb = { .sem_num = num, .sem_op = delta, .sem_flg = flags };

	return semop(id, &sb, 1);
}

static struct semid_ds sem_stat(int id)
{
	union semun arg;
	struct semid_ds ds;

	memset(&ds, 0, sizeof(ds));
	arg.buf = &ds;
	if (semctl(id, 0, IPC_STAT, arg))
		memset(&ds, 0, sizeof(ds));
	return ds;
}

/* Poll until GETNCNT (or GETZCNT) of a semaphore reaches @want. */
static int wait_count(int id, int num, int cmd, int want)
{
	int i, n = -1;

	for (i = 0; i < 20000; i++) {
		n = semctl(id, num, cmd);
		if (n == want)
			return 0;
		usleep(1000);
	}
	fprintf(stderr, "# semaphore %d: count %d, never %d\n", num, n, want);
	return -1;
}

/* ---------------------------------------------------------------------- */
/* semget                                                                 */

TEST(semget_private_key_create_find_exclusive)
{
	key_t k = test_key(1);
	int a = new_sem(3), b = new_sem(3), id;
	struct semid_ds ds;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
	ds = sem_stat(a);
	EXPECT_EQ(IPC_PRIVATE, ds.sem_perm.__key);
	EXPECT_EQ(3, ds.sem_nsems);

	id = new_sem_key(k, 4, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);
	EXPECT_EQ(id, semget(k, 4, 0));
	EXPECT_EQ(id, semget(k, 2, 0));		/* fewer: found */
	EXPECT_EQ(id, semget(k, 0, 0));		/* 0: found */
	EXPECT_EQ(-1, semget(k, 5, 0));		/* more than it has */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semget(k, 4, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EEXIST, errno);
	ds = sem_stat(id);
	EXPECT_EQ(k, ds.sem_perm.__key);
	EXPECT_EQ(0640, ds.sem_perm.mode & 0777);
	EXPECT_EQ(geteuid(), ds.sem_perm.uid);
	EXPECT_EQ(geteuid(), ds.sem_perm.cuid);
	EXPECT_EQ(getegid(), ds.sem_perm.gid);

	EXPECT_EQ(-1, semget(test_key(2), 1, 0600));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, semget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semget(IPC_PRIVATE, -1, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, remove_obj(K_SEM, id));
	EXPECT_EQ(-1, semget(k, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, getval(id, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* Key -1: public on Linux, AIX's IPC_PRIVATE on aixipc. */
TEST(semget_key_minus_one)
{
	int a = new_sem_key((key_t)-1, 1, IPC_CREAT | 0600);
	int b = new_sem_key((key_t)-1, 1, IPC_CREAT | 0600);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(SIDE(true, false), a == b);
	EXPECT_EQ(SIDE((key_t)-1, IPC_PRIVATE), sem_stat(a).sem_perm.__key);
}

/* Semaphores per set: Linux's 32000, AIX's 65535; one more is EINVAL. */
TEST(semget_set_size_limit)
{
	int max = SIDE(SEMMSL_NATIVE, SEMMSL_AIX), id;

	EXPECT_EQ(-1, semget(IPC_PRIVATE, max + 1, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	id = new_sem(max);
	ASSERT_LE(0, id);
	EXPECT_EQ(max, (int)sem_stat(id).sem_nsems);
	EXPECT_EQ(0, setval(id, max - 1, 5));
	EXPECT_EQ(5, getval(id, max - 1));
	EXPECT_EQ(-1, getval(id, max));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, remove_obj(K_SEM, id));
	/* 32001 semaphores: too many for Linux, fine for aixipc. */
	id = new_sem(SEMMSL_NATIVE + 1);
	EXPECT_EQ(SIDE(-1, id), id);
	if (!on_aixipc)
		EXPECT_EQ(EINVAL, errno);
}

TEST(semget_permissions_of_others)
{
	key_t k = test_key(3);
	int id = new_sem_key(k, 2, IPC_CREAT | 0600);
	union semun arg;
	struct semid_ds ds;
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned short vals[2] = { 1, 1 };

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(semget(k, 0, 0) == id);
		CHILD_CHECK(semget(k, 0, 0400) == -1 && errno == EACCES);
		CHILD_CHECK(op(id, 0, 1, IPC_NOWAIT) == -1 && errno == EACCES);
		CHILD_CHECK(op(id, 0, 0, IPC_NOWAIT) == -1 && errno == EACCES);
		CHILD_CHECK(getval(id, 0) == -1 && errno == EACCES);
		CHILD_CHECK(semctl(id, 0, GETPID) == -1 && errno == EACCES);
		CHILD_CHECK(setval(id, 0, 1) == -1 && errno == EACCES);
		arg.array = vals;
		CHILD_CHECK(semctl(id, 0, SETALL, arg) == -1 && errno == EACCES);
		arg.buf = &ds;
		CHILD_CHECK(semctl(id, 0, IPC_STAT, arg) == -1 && errno == EACCES);
		CHILD_CHECK(semctl(id, 0, IPC_RMID) == -1 && errno == EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));

	/* Read only for others: zero-waits and GETVAL, not changes. */
	ds = sem_stat(id);
	ds.sem_perm.mode = 0644;
	arg.buf = &ds;
	ASSERT_EQ(0, semctl(id, 0, IPC_SET, arg));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(semget(k, 0, 0400) == id);
		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(semget(k, 0, 0400) == id);
		CHILD_CHECK(semget(k, 0, 0600) == -1 && errno == EACCES);
		CHILD_CHECK(op(id, 0, 0, IPC_NOWAIT) == 0);
		CHILD_CHECK(getval(id, 1) == 0);
		CHILD_CHECK(op(id, 0, 1, IPC_NOWAIT) == -1 && errno == EACCES);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
}

/* ---------------------------------------------------------------------- */
/* semop                                                                  */

TEST(semop_values_pid_and_otime)
{
	time_t t0 = now();
	int id = new_sem(2);
	struct semid_ds ds;

	ASSERT_LE(0, id);
	ds = sem_stat(id);
	EXPECT_EQ(0, ds.sem_otime);
	EXPECT_LE(t0, ds.sem_ctime);
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, semctl(id, 0, GETPID));

	ASSERT_EQ(0, op(id, 1, 3, 0));
	EXPECT_EQ(3, getval(id, 1));
	ASSERT_EQ(0, op(id, 1, -2, 0));
	EXPECT_EQ(1, getval(id, 1));
	EXPECT_EQ(getpid(), semctl(id, 1, GETPID));
	EXPECT_EQ(0, semctl(id, 0, GETPID));
	ds = sem_stat(id);
	EXPECT_LE(t0, ds.sem_otime);
	EXPECT_GE(now(), ds.sem_otime);

	EXPECT_EQ(-1, op(id, 1, -2, IPC_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, op(id, 1, 0, IPC_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, op(id, 0, 0, IPC_NOWAIT));	/* zero: at once */
	EXPECT_EQ(1, getval(id, 1));
}

/* All operations of a call, or none. */
TEST(semop_is_atomic)
{
	int id = new_sem(3);
	struct sembuf ops[3] = {
		{ .sem_num = 0, .sem_op = 2 },
		{ .sem_num = 1, .sem_op = 1 },
		{ .sem_num = 2, .sem_op = -1, .sem_flg = IPC_NOWAIT },
	};

	ASSERT_LE(0, id);
	EXPECT_EQ(-1, semop(id, ops, 3));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
	ASSERT_EQ(0, setval(id, 2, 1));
	EXPECT_EQ(0, semop(id, ops, 3));
	EXPECT_EQ(2, getval(id, 0));
	EXPECT_EQ(1, getval(id, 1));
	EXPECT_EQ(0, getval(id, 2));
	/* Operations on one semaphore apply in order within the call. */
	ops[0] = (struct sembuf){ .sem_num = 0, .sem_op = -2 };
	ops[1] = (struct sembuf){ .sem_num = 0, .sem_op = 0 };
	ops[2] = (struct sembuf){ .sem_num = 0, .sem_op = 4 };
	EXPECT_EQ(0, semop(id, ops, 3));
	EXPECT_EQ(4, getval(id, 0));
}

TEST(semop_invalid_arguments)
{
	int id = new_sem(2), gone = new_sem(1);
	struct sembuf sb = { .sem_num = 0, .sem_op = 1 };

	ASSERT_LE(0, id);
	ASSERT_LE(0, gone);
	ASSERT_EQ(0, remove_obj(K_SEM, gone));
	EXPECT_EQ(-1, semop(id, &sb, 0));
	EXPECT_EQ(EINVAL, errno);
	sb.sem_num = 2;
	EXPECT_EQ(-1, semop(id, &sb, 1));
	EXPECT_EQ(EFBIG, errno);
	sb.sem_num = 0;
	EXPECT_EQ(-1, semop(-1, &sb, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semop(gone, &sb, 1));
	EXPECT_EQ(EINVAL, errno);
	/* A value beyond semvmx (32767 on both). */
	ASSERT_EQ(0, setval(id, 0, SEMVMX));
	EXPECT_EQ(-1, semop(id, &sb, 1));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(SEMVMX, getval(id, 0));
	EXPECT_EQ(-1, setval(id, 0, SEMVMX + 1));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(-1, setval(id, 0, -1));
	EXPECT_EQ(ERANGE, errno);
}

/*
 * A count whose signed value is negative: Linux's semop takes an unsigned
 * int, so the size_t's low 32 bits count.  All ones are too many: E2BIG;
 * 2^63 is 0 operations on 64-bit (EINVAL), 2^31, too many, on 32-bit.
 * Nothing happens.
 */
TEST(semop_negative_count)
{
	struct sembuf op = { .sem_num = 0, .sem_op = 1 };
	int id = new_sem(1);

	ASSERT_LE(0, id);
	errno = 0;
	EXPECT_EQ(-1, semop(id, &op, (size_t)-1));
	EXPECT_EQ(E2BIG, errno);
	errno = 0;
	EXPECT_EQ(-1, semop(id, &op, (size_t)SSIZE_MAX + 1));
	EXPECT_EQ(sizeof(size_t) == 8 ? EINVAL : E2BIG, errno);
	errno = 0;
	EXPECT_EQ(-1, semtimedop(id, &op, (size_t)-1, NULL));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(0, getval(id, 0));
}

/* Operations per call: Linux's 500, AIX's 1024; one more is E2BIG. */
TEST(semop_operations_per_call)
{
	int max = SIDE(SEMOPM_NATIVE, SEMOPM_AIX);
	struct sembuf *ops = calloc((size_t)SEMOPM_AIX + 1, sizeof(*ops));
	int id = new_sem(1), i;

	ASSERT_NE(NULL, ops);
	ASSERT_LE(0, id);
	for (i = 0; i <= SEMOPM_AIX; i++)
		ops[i] = (struct sembuf){ .sem_num = 0, .sem_op = 1 };
	EXPECT_EQ(-1, semop(id, ops, (size_t)max + 1));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(0, semop(id, ops, (size_t)max));
	EXPECT_EQ(max, getval(id, 0));
	ASSERT_EQ(0, setval(id, 0, 0));
	/* 501 operations: too many for Linux, fine for aixipc. */
	EXPECT_EQ(SIDE(-1, 0), semop(id, ops, SEMOPM_NATIVE + 1));
	EXPECT_EQ(SIDE(0, SEMOPM_NATIVE + 1), getval(id, 0));
	free(ops);
}

TEST(semop_blocks_ncnt_and_zcnt)
{
	int id = new_sem(2);
	pid_t dec, zero;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 1, 1));
	dec = fork();
	ASSERT_LE(0, dec);
	if (dec == 0) {
		CHILD_CHECK(op(id, 0, -2, 0) == 0);
		_exit(0);
	}
	zero = fork();
	ASSERT_LE(0, zero);
	if (zero == 0) {
		CHILD_CHECK(op(id, 1, 0, 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, wait_count(id, 0, GETNCNT, 1));
	ASSERT_EQ(0, wait_count(id, 1, GETZCNT, 1));
	EXPECT_EQ(0, semctl(id, 0, GETZCNT));
	EXPECT_EQ(0, semctl(id, 1, GETNCNT));
	/* Not enough yet: still waiting. */
	ASSERT_EQ(0, op(id, 0, 1, 0));
	EXPECT_EQ(1, semctl(id, 0, GETNCNT));
	ASSERT_EQ(0, op(id, 0, 1, 0));
	EXPECT_EQ(0, child_status(dec));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(dec, semctl(id, 0, GETPID));
	EXPECT_EQ(0, semctl(id, 0, GETNCNT));

	ASSERT_EQ(0, setval(id, 1, 0));
	EXPECT_EQ(0, child_status(zero));
	EXPECT_EQ(0, semctl(id, 1, GETZCNT));
}

TEST(rmid_wakes_waiters_with_eidrm)
{
	int id = new_sem(1);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(op(id, 0, -1, 0) == -1 && errno == EIDRM);
		_exit(0);
	}
	ASSERT_EQ(0, wait_count(id, 0, GETNCNT, 1));
	ASSERT_EQ(0, remove_obj(K_SEM, id));
	EXPECT_EQ(0, child_status(pid));
}

static void on_signal(int sig)
{
	(void)sig;
}

TEST(blocked_semop_fails_eintr_despite_sa_restart)
{
	int id = new_sem(1);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_signal,
					.sa_flags = SA_RESTART };

		CHILD_CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
		CHILD_CHECK(op(id, 0, -1, 0) == -1 && errno == EINTR);
		_exit(0);
	}
	ASSERT_EQ(0, wait_count(id, 0, GETNCNT, 1));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(0, semctl(id, 0, GETNCNT));
}

/*
 * Times past 2038 and 2106 (see conform_msg's test of the same name):
 * whole with a 64-bit time_t (glibc's time64 semctl), low 32 bits with a
 * 32-bit one.
 */
TEST(times_past_2038_and_2106)
{
	static const int64_t when[] = { PAST_2038, PAST_2106 };
	struct semid_ds made[2], done[2];
	struct clock_save save;
	int id[2], i, set = 0;

	for (i = 0; i < 2; i++) {
		if (clock_forward(when[i], &save)) {
			if (errno == EPERM)
				SKIP(return, "setting the clock needs CAP_SYS_TIME");
			break;
		}
		set++;
		id[i] = new_sem(2);
		made[i] = sem_stat(id[i]);
		op(id[i], 1, 1, 0);
		done[i] = sem_stat(id[i]);
		ASSERT_EQ(0, clock_back(&save));
	}
	ASSERT_EQ(2, set);
	for (i = 0; i < 2; i++) {
		TH_LOG("%s: ctime %lld otime %lld", i ? "2106" : "2038",
		       (long long)made[i].sem_ctime, (long long)done[i].sem_otime);
		ASSERT_LE(0, id[i]);
		EXPECT_EQ(0, made[i].sem_otime);
		EXPECT_TRUE(time_near(made[i].sem_ctime, when[i]));
		EXPECT_TRUE(time_near(done[i].sem_otime, when[i]));
		EXPECT_EQ(1, getval(id[i], 1));
	}
}

TEST(semtimedop_timeout_and_invalid_timespec)
{
	int id = new_sem(1);
	struct sembuf sb = { .sem_num = 0, .sem_op = -1 };
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000 * 1000 };

	ASSERT_LE(0, id);
	EXPECT_EQ(-1, semtimedop(id, &sb, 1, &ts));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, semctl(id, 0, GETNCNT));
	ts.tv_nsec = 1000 * 1000 * 1000;
	EXPECT_EQ(-1, semtimedop(id, &sb, 1, &ts));
	EXPECT_EQ(EINVAL, errno);
	ts = (struct timespec){ .tv_sec = -1 };
	EXPECT_EQ(-1, semtimedop(id, &sb, 1, &ts));
	EXPECT_EQ(EINVAL, errno);
	/* One that can proceed does, timeout or not; NULL waits forever. */
	ASSERT_EQ(0, setval(id, 0, 2));
	ts = (struct timespec){ .tv_sec = 5 };
	EXPECT_EQ(0, semtimedop(id, &sb, 1, &ts));
	EXPECT_EQ(0, semtimedop(id, &sb, 1, NULL));
	EXPECT_EQ(0, getval(id, 0));
}

#if __TIMESIZE == 64 || defined(__USE_TIME_BITS64)
/*
 * A timeout a 32-bit time_t cannot hold (2^32 s) is honoured where
 * time_t is 64 bits: 32-bit programs built with _TIME_BITS=64 reach
 * glibc's __semtimedop64, and the shim's.  The waiter sleeps, is counted,
 * and a signal ends it with EINTR; the same timeout with a bad tv_nsec is
 * EINVAL at once.
 */
TEST(semtimedop_timeout_past_2038)
{
	struct sembuf sb = { .sem_num = 0, .sem_op = -1 };
	struct timespec far = { .tv_sec = (time_t)1 << 32 };
	int id = new_sem(1);
	pid_t pid;

	ASSERT_LE(0, id);
	far.tv_nsec = 1000 * 1000 * 1000;
	errno = 0;
	EXPECT_EQ(-1, semtimedop(id, &sb, 1, &far));
	EXPECT_EQ(EINVAL, errno);
	far.tv_nsec = 0;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		signal(SIGUSR1, on_signal);
		_exit(semtimedop(id, &sb, 1, &far) == -1 && errno == EINTR ? 0 : 1);
	}
	ASSERT_EQ(0, wait_count(id, 0, GETNCNT, 1));
	kill(pid, SIGUSR1);
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(0, semctl(id, 0, GETNCNT));
}
#endif

/* SEM_UNDO: a process's adjustments are applied when it exits. */
TEST(sem_undo_on_exit)
{
	int id = new_sem(2), i;
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, setval(id, 1, 5));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(op(id, 0, 3, SEM_UNDO) == 0);
		CHILD_CHECK(op(id, 0, -1, SEM_UNDO) == 0);
		CHILD_CHECK(op(id, 1, -4, SEM_UNDO) == 0);
		CHILD_CHECK(op(id, 0, 1, 0) == 0);	/* not undone */
		CHILD_CHECK(getval(id, 0) == 3 && getval(id, 1) == 1);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(5, getval(id, 1));
	EXPECT_EQ(pid, semctl(id, 0, GETPID));
	EXPECT_EQ(pid, semctl(id, 1, GETPID));

	/* SETVAL clears the adjustments: nothing is undone at exit. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(op(id, 0, 2, SEM_UNDO) == 0);
		CHILD_CHECK(setval(id, 0, 7) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(7, getval(id, 0));

	/* The undo releases a waiter. */
	ASSERT_EQ(0, setval(id, 0, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(op(id, 0, 1, SEM_UNDO) == 0);
		/* Parent waits for zero; it is released when we exit. */
		CHILD_CHECK(wait_count(id, 0, GETZCNT, 1) == 0);
		_exit(0);
	}
	for (i = 0; i < 20000 && getval(id, 0) != 1; i++)
		usleep(1000);
	ASSERT_EQ(1, getval(id, 0));
	ASSERT_EQ(0, op(id, 0, 0, 0));
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(0, getval(id, 0));
}

/*
 * An adjustment is bounded by semaem: AIX's 16384 on aixipc, Linux's
 * 32767 (its SEMAEM is semvmx).
 */
TEST(sem_undo_adjustment_limit)
{
	int id = new_sem(1);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(op(id, 0, 16384, SEM_UNDO) == 0);
		if (on_aixipc)
			CHILD_CHECK(op(id, 0, 1, SEM_UNDO) == -1 && errno == ERANGE);
		else
			CHILD_CHECK(op(id, 0, 1, SEM_UNDO) == 0);
		CHILD_CHECK(op(id, 0, 1, 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(1, getval(id, 0));
}

/*
 * Undo entries per process: at most semume (1024) on aixipc, the next is
 * ENOSPC; Linux keeps one per semaphore with no such limit.
 */
TEST(sem_undo_entries_per_process)
{
	int id = new_sem(1100);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned short n;

		for (n = 0; n < 1024; n++)
			CHILD_CHECK(op(id, n, 1, SEM_UNDO) == 0);
		/* Another on a semaphore that already has one: fine. */
		CHILD_CHECK(op(id, 5, 1, SEM_UNDO) == 0);
		if (on_aixipc)
			CHILD_CHECK(op(id, 1024, 1, SEM_UNDO) == -1 &&
				    errno == ENOSPC);
		else
			CHILD_CHECK(op(id, 1024, 1, SEM_UNDO) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(0, getval(id, 0));
	EXPECT_EQ(0, getval(id, 5));
	EXPECT_EQ(0, getval(id, 1024));
}

/* ---------------------------------------------------------------------- */
/* semctl                                                                 */

TEST(semctl_getall_setall)
{
	unsigned short in[4] = { 1, 2, 32767, 0 }, out[4] = { 9, 9, 9, 9 };
	time_t t0 = now();
	int id = new_sem(4);
	union semun arg;

	ASSERT_LE(0, id);
	arg.array = in;
	ASSERT_EQ(0, semctl(id, 0, SETALL, arg));
	arg.array = out;
	ASSERT_EQ(0, semctl(id, 0, GETALL, arg));
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	EXPECT_EQ(2, getval(id, 1));
	EXPECT_LE(t0, sem_stat(id).sem_ctime);
	EXPECT_EQ(getpid(), semctl(id, 3, GETPID));
	/* A value beyond semvmx: ERANGE, nothing changes. */
	in[0] = 5;
	in[1] = 32768;
	arg.array = in;
	EXPECT_EQ(-1, semctl(id, 0, SETALL, arg));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(-1, semctl(id, 4, GETVAL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setval(id, -1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, semctl(id, 0, 99));
	EXPECT_EQ(EINVAL, errno);
}

TEST(semctl_ipc_set)
{
	time_t t0 = now();
	int id = new_sem(1);
	union semun arg;
	struct semid_ds ds;
	pid_t pid;

	ASSERT_LE(0, id);
	ds = sem_stat(id);
	ds.sem_perm.mode = 0660;
	ds.sem_perm.uid = NOBODY;
	ds.sem_perm.gid = NOBODY;
	arg.buf = &ds;
	ASSERT_EQ(0, semctl(id, 0, IPC_SET, arg));
	ds = sem_stat(id);
	EXPECT_EQ(0660, ds.sem_perm.mode & 0777);
	EXPECT_EQ(NOBODY, ds.sem_perm.uid);
	EXPECT_EQ(NOBODY, ds.sem_perm.gid);
	EXPECT_EQ(geteuid(), ds.sem_perm.cuid);
	EXPECT_LE(t0, ds.sem_ctime);
	EXPECT_EQ(1, ds.sem_nsems);

	/* The new owner may change and remove it. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct semid_ds d;
		union semun a = { .buf = &d };

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(semctl(id, 0, IPC_STAT, a) == 0);
		d.sem_perm.mode = 0600;
		CHILD_CHECK(semctl(id, 0, IPC_SET, a) == 0);
		CHILD_CHECK(semctl(id, 0, IPC_RMID) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(-1, getval(id, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* IPC_INFO: the limits (AIX's on aixipc), the highest index in use. */
TEST(semctl_ipc_info)
{
	int id = new_sem(1), max;
	struct seminfo si;
	struct semid_ds ds;
	union semun arg;

	ASSERT_LE(0, id);
	memset(&si, 0, sizeof(si));
	arg.__buf = &si;
	max = semctl(0, 0, IPC_INFO, arg);
	ASSERT_LE(0, max);
	EXPECT_EQ(SIDE(SEMMSL_NATIVE, SEMMSL_AIX), si.semmsl);
	EXPECT_EQ(SIDE(SEMOPM_NATIVE, SEMOPM_AIX), si.semopm);
	EXPECT_EQ(SIDE(SEMMNI_NATIVE, SEMMNI_AIX), si.semmni);
	EXPECT_EQ(SEMVMX, si.semvmx);
	/* Adjust-on-exit: Linux's SEMAEM is semvmx; AIX's 16384. */
	EXPECT_EQ(SIDE(SEMVMX, 16384), si.semaem);
	/* Undo entries per process: Linux's SEMUME is SEMOPM; AIX's 1024. */
	EXPECT_EQ(SIDE(SEMOPM_NATIVE, 1024), si.semume);
	EXPECT_LE(si.semmsl, si.semmns);
	if (native_semctl_drops_stat_any_arg())
		SKIP(return, "glibc %s does not pass semctl's argument for SEM_STAT_ANY",
		     gnu_get_libc_version());
	arg.buf = &ds;
	EXPECT_LE(0, semctl(max, 0, SEM_STAT_ANY, arg));
	EXPECT_EQ(-1, semctl(max + 1, 0, SEM_STAT_ANY, arg));
	EXPECT_EQ(EINVAL, errno);
}

/* SEM_INFO: sets in use (semusz) and semaphores (semaem). */
TEST(semctl_sem_info_totals)
{
	struct seminfo a, b;
	union semun arg;
	int id;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	arg.__buf = &a;
	ASSERT_LE(0, semctl(0, 0, SEM_INFO, arg));
	id = new_sem(7);
	ASSERT_LE(0, id);
	arg.__buf = &b;
	ASSERT_LE(0, semctl(0, 0, SEM_INFO, arg));
	EXPECT_EQ(a.semusz + 1, b.semusz);
	EXPECT_EQ(a.semaem + 7, b.semaem);
	EXPECT_EQ(SIDE(SEMMSL_NATIVE, SEMMSL_AIX), b.semmsl);
}

/* SEM_STAT needs read permission, SEM_STAT_ANY not; both return the id. */
TEST(sem_stat_by_index)
{
	int id = new_sem(3), idx = SIDE(id & 0x7fff, id & 0xfffff);
	struct semid_ds ds;
	union semun arg = { .buf = &ds };
	pid_t pid;

	ASSERT_LE(0, id);
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(id, semctl(idx, 0, SEM_STAT, arg));
	EXPECT_EQ(3, ds.sem_nsems);
	EXPECT_EQ(0600, ds.sem_perm.mode & 0777);
	EXPECT_EQ(sem_stat(id).sem_ctime, ds.sem_ctime);
	if (native_semctl_drops_stat_any_arg())
		SKIP(return, "glibc %s does not pass semctl's argument for SEM_STAT_ANY",
		     gnu_get_libc_version());
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(id, semctl(idx, 0, SEM_STAT_ANY, arg));
	EXPECT_EQ(3, ds.sem_nsems);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(semctl(idx, 0, SEM_STAT, arg) == -1 && errno == EACCES);
		CHILD_CHECK(semctl(idx, 0, SEM_STAT_ANY, arg) == id);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	ASSERT_EQ(0, remove_obj(K_SEM, id));
	EXPECT_EQ(-1, semctl(idx, 0, SEM_STAT_ANY, arg));
	EXPECT_EQ(EINVAL, errno);
}

#if defined(__x86_64__)
/* syscall(SYS_semget ...) reaches the same side as the libc calls. */
TEST(raw_syscalls)
{
	struct sembuf sb = { .sem_num = 1, .sem_op = 2 };
	struct timespec ts = { .tv_nsec = 1000 * 1000 };
	union semun arg = { .val = 4 };
	long id = syscall(SYS_semget, IPC_PRIVATE, 2, IPC_CREAT | 0600);
	long argword;

	ASSERT_LE(0, id);
	track(K_SEM, (int)id);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("sem", (int)id));
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
	ASSERT_EQ(0, syscall(SYS_semop, id, &sb, 1));
	EXPECT_EQ(2, getval((int)id, 1));
	memcpy(&argword, &arg, sizeof(arg));
	ASSERT_EQ(0, syscall(SYS_semctl, id, 0, SETVAL, argword));
	EXPECT_EQ(4, syscall(SYS_semctl, id, 0, GETVAL, 0));
	EXPECT_EQ(4, getval((int)id, 0));
	sb = (struct sembuf){ .sem_num = 0, .sem_op = -5 };
	EXPECT_EQ(-1, syscall(SYS_semtimedop, id, &sb, 1, &ts));
	EXPECT_EQ(EAGAIN, errno);
	/* x86-64's calls know no IPC_64 flag. */
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_semctl, id, 0, GETVAL | 0x100, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, syscall(SYS_semctl, id, 0, IPC_RMID, 0));
	EXPECT_EQ(-1, getval((int)id, 0));
	EXPECT_EQ(EINVAL, errno);
}
#elif defined(__i386__)
/*
 * A 32-bit program's ways in: the direct calls, semtimedop_time64 (a
 * 64-bit timeout, one past 2038 too) and ipc()'s SEMGET, SEMOP, SEMCTL
 * (the union behind the pointer) and SEMTIMEDOP (a 32-bit timespec).
 */
TEST(raw_syscalls_i386)
{
	struct { int64_t sec, nsec; } t64 = { 0, 1000 * 1000 };
	struct sembuf sb = { .sem_num = 1, .sem_op = 2 };
	struct timespec ts = { .tv_nsec = 1000 * 1000 };
	union semun arg = { .val = 4 };
	long id = syscall(SYS_semget, IPC_PRIVATE, 2, IPC_CREAT | 0600), id2;
	long argword;
	pid_t pid;

	ASSERT_LE(0, id);
	track(K_SEM, (int)id);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("sem", (int)id));
	ASSERT_EQ(0, syscall(SYS_semtimedop_time64, id, &sb, 1, NULL));
	EXPECT_EQ(2, getval((int)id, 1));
	memcpy(&argword, &arg, sizeof(arg));
	ASSERT_EQ(0, syscall(SYS_semctl, id, 0, SETVAL, argword));
	EXPECT_EQ(4, getval((int)id, 0));
	sb = (struct sembuf){ .sem_num = 0, .sem_op = -5 };
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_semtimedop_time64, id, &sb, 1, &t64));
	EXPECT_EQ(EAGAIN, errno);
	/* A timeout past 2038 does not expire: the waiter sleeps. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct { int64_t sec, nsec; } far = { 1LL << 32, 0 };

		syscall(SYS_semtimedop_time64, id, &sb, 1, &far);
		_exit(1);
	}
	ASSERT_EQ(0, wait_count((int)id, 0, GETNCNT, 1));
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, child_status(pid));

	/* ipc(): SEMGET 2, SEMOP 1, SEMTIMEDOP 4, SEMCTL 3. */
	id2 = syscall(SYS_ipc, 2, IPC_PRIVATE, 1, IPC_CREAT | 0600, NULL, 0);
	ASSERT_LE(0, id2);
	track(K_SEM, (int)id2);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("sem", (int)id2));
	sb = (struct sembuf){ .sem_num = 0, .sem_op = 3 };
	ASSERT_EQ(0, syscall(SYS_ipc, 1, id2, 1, 0, &sb, 0));
	arg.val = 0;
	EXPECT_EQ(3, syscall(SYS_ipc, 3, id2, 0, GETVAL, &arg, 0));
	sb.sem_op = -9;
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, 4, id2, 1, 0, &sb, (long)&ts));
	EXPECT_EQ(EAGAIN, errno);
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, 3, id2, 0, GETVAL, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, syscall(SYS_ipc, 3, id2, 0, IPC_RMID, &arg, 0));
	EXPECT_EQ(0, syscall(SYS_semctl, id, 0, IPC_RMID, 0));
}

/* ipc()'s SEMCTL without IPC_64: Linux's old struct semid_ds. */
TEST(ipc_old_layouts_i386)
{
	time_t t0 = now();
	struct old_semid_ds o;
	struct semid_ds ds;
	union semun arg = { .buf = (struct semid_ds *)&o }, mine = { .buf = &ds };
	int id = new_sem(3);

	ASSERT_LE(0, id);
	memset(&o, 0xa5, sizeof(o));
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_SEMCTL, id, 0, IPC_STAT, &arg, 0));
	EXPECT_EQ(0600, o.perm.mode & 0777);
	EXPECT_EQ(geteuid(), o.perm.uid);
	EXPECT_EQ(3, o.nsems);
	EXPECT_EQ(0, o.otime);
	EXPECT_LE((int32_t)t0, o.ctime);

	o.perm.mode = 0640;
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_SEMCTL, id, 0, IPC_SET, &arg, 0));
	ASSERT_EQ(0, semctl(id, 0, IPC_STAT, mine));
	EXPECT_EQ(0640, ds.sem_perm.mode & 0777);
	o.perm.gid = 0xffff;
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_SEMCTL, id, 0, IPC_SET, &arg, 0));
	ASSERT_EQ(0, semctl(id, 0, IPC_STAT, mine));
	EXPECT_EQ(65535, ds.sem_perm.gid);

	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, IPCOP_SEMCTL, id, 0, 99, &arg, 0));
	EXPECT_EQ(EINVAL, errno);
	arg.buf = NULL;
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, IPCOP_SEMCTL, id, 0, IPC_STAT, &arg, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, syscall(SYS_ipc, IPCOP_SEMCTL, id, 0, IPC_RMID, &arg, 0));
}
#endif

TEST_HARNESS_MAIN
