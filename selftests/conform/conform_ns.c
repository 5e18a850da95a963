// SPDX-License-Identifier: GPL-2.0
/*
 * conform_ns - IPC namespaces through the classic API, run on Linux's
 * native SysV IPC and through libaixipc (see conform.h): children that
 * unshare(CLONE_NEWIPC) see their own objects only, an id of another
 * namespace is EINVAL for every call, and a namespace's objects go with
 * it: its keys are free in the next namespace made, and the memory of
 * its segments is freed (/proc/meminfo's Shmem, which counts both sides'
 * segments) once the last process attached detaches, while that process
 * keeps using its attachment after leaving the namespace.
 *
 * What can be compared honestly: Linux offers no view from the initial
 * namespace of another namespace's objects (/proc/sysvipc shows the
 * reader's own), so a dead namespace's objects are shown gone by what
 * both sides expose: keys, and memory.  The module's own view across
 * namespaces (LIST with AIXIPC_NS_ALL) is checked by chaos_test.
 *
 * Objects made in a child's namespace are never tracked: the main
 * process's cleanup would remove ids of the initial namespace.  Needs
 * root (CAP_SYS_ADMIN for unshare and setns); skipped without it.
 */
#include "conform.h"

#include <sched.h>

#define NS_SHM_MB	32	/* the segment whose memory is watched */
#define NS_ROUNDS	8	/* namespaces made and let die in a row */

struct mbuf {
	long mtype;
	char mtext[64];
};

/* Can this process make IPC namespaces?  Else why not, for SKIP. */
static const char *ns_unsupported(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWIPC) ? 1 : 0);
	if (pid < 0 || child_status(pid) != 0)
		return "unshare(CLONE_NEWIPC) refused (needs CAP_SYS_ADMIN)";
	return NULL;
}

#define NS_NEEDED() do {						\
	const char *why_ = ns_unsupported();				\
									\
	if (why_)							\
		SKIP(return, "%s", why_);				\
} while (0)

static int send_one(int q, long type, const char *text)
{
	struct mbuf m = { .mtype = type };

	snprintf(m.mtext, sizeof(m.mtext), "%s", text);
	return msgsnd(q, &m, strlen(text) + 1, IPC_NOWAIT);
}

/* The next message's text is @text (and nothing else is queued after). */
static bool receive_is(int q, const char *text)
{
	struct mbuf m;

	memset(&m, 0, sizeof(m));
	return msgrcv(q, &m, sizeof(m.mtext), 0, IPC_NOWAIT) ==
		       (ssize_t)strlen(text) + 1 &&
	       !strcmp(m.mtext, text) &&
	       msgrcv(q, &m, sizeof(m.mtext), 0, IPC_NOWAIT) == -1 &&
	       errno == ENOMSG;
}

static unsigned long nsems_of(int id)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };

	return semctl(id, 0, IPC_STAT, arg) ? 0 : ds.sem_nsems;
}

/* /proc/meminfo's Shmem in kB, or -1. */
static long shmem_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Shmem: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * The initial namespace's objects at key @k (a queue holding "host", a set
 * of 2, a segment of 1 page) into @o, then fork: the child gets 0, the
 * test the child's pid, or -1 if anything failed.
 */
static pid_t host_objects_and_child(key_t k, int o[3])
{
	o[0] = new_msq_key(k, IPC_CREAT | 0600);
	o[1] = new_sem_key(k, 2, IPC_CREAT | 0600);
	o[2] = new_shm_key(k, PAGE, IPC_CREAT | 0600);
	if (o[0] < 0 || o[1] < 0 || o[2] < 0 || send_one(o[0], 1, "host"))
		return -1;
	return fork();
}

/*
 * One key, three kinds: the initial namespace's objects (a queue with a
 * message, a set of 2, a segment of 1 page) and a child namespace's (its
 * own message, a set of 3, a segment of 3 pages) are different objects;
 * neither side sees the other's.
 */
TEST(same_key_in_two_namespaces_is_two_objects)
{
	key_t k = test_key(1);
	int o[3], q, s, m;
	pid_t pid;

	NS_NEEDED();
	pid = host_objects_and_child(k, o);
	ASSERT_LE(0, pid);
	q = o[0];
	s = o[1];
	m = o[2];
	if (pid == 0) {
		int cq, cs, cm;

		CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
		CHILD_CHECK(msgget(k, 0600) == -1 && errno == ENOENT);
		CHILD_CHECK(semget(k, 0, 0600) == -1 && errno == ENOENT);
		CHILD_CHECK(shmget(k, 0, 0600) == -1 && errno == ENOENT);
		CHILD_CHECK((cq = msgget(k, IPC_CREAT | IPC_EXCL | 0600)) >= 0);
		CHILD_CHECK((cs = semget(k, 3, IPC_CREAT | IPC_EXCL | 0600)) >= 0);
		CHILD_CHECK((cm = shmget(k, 3 * PAGE, IPC_CREAT | IPC_EXCL | 0600)) >= 0);
		CHILD_CHECK(send_one(cq, 1, "child") == 0);
		CHILD_CHECK(receive_is(cq, "child"));
		CHILD_CHECK(nsems_of(cs) == 3);
		CHILD_CHECK(shm_stat(cm).shm_segsz == 3 * PAGE);
		CHILD_CHECK(msgget(k, 0) == cq && semget(k, 0, 0) == cs &&
			    shmget(k, 0, 0) == cm);
		_exit(0);	/* its namespace dies with it */
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(q, msgget(k, 0));
	EXPECT_EQ(s, semget(k, 0, 0));
	EXPECT_EQ(m, shmget(k, 0, 0));
	EXPECT_TRUE(receive_is(q, "host"));
	EXPECT_EQ(2, nsems_of(s));
	EXPECT_EQ(PAGE, shm_stat(m).shm_segsz);
}

/*
 * Ids of the initial namespace in a new, empty one: every call that takes
 * an id fails with EINVAL, as for an id that never existed, and changes
 * nothing.
 */
TEST(ids_of_another_namespace_are_einval)
{
	int o[3], q, s, m;
	pid_t pid;

	NS_NEEDED();
	pid = host_objects_and_child(test_key(4), o);
	ASSERT_LE(0, pid);
	q = o[0];
	s = o[1];
	m = o[2];
	if (pid == 0) {
		struct sembuf op = { .sem_num = 0, .sem_op = 1 };
		struct msqid_ds mds;
		struct shmid_ds sds;
		struct mbuf b;

		CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
		CHILD_CHECK(msgctl(q, IPC_STAT, &mds) == -1 && errno == EINVAL);
		CHILD_CHECK(send_one(q, 1, "child") == -1 && errno == EINVAL);
		CHILD_CHECK(msgrcv(q, &b, sizeof(b.mtext), 0, IPC_NOWAIT) == -1 &&
			    errno == EINVAL);
		CHILD_CHECK(msgctl(q, IPC_RMID, NULL) == -1 && errno == EINVAL);
		CHILD_CHECK(getval(s, 0) == -1 && errno == EINVAL);
		CHILD_CHECK(semop(s, &op, 1) == -1 && errno == EINVAL);
		CHILD_CHECK(semctl(s, 0, IPC_RMID) == -1 && errno == EINVAL);
		CHILD_CHECK(shmctl(m, IPC_STAT, &sds) == -1 && errno == EINVAL);
		CHILD_CHECK(shmat(m, NULL, 0) == (void *)-1 && errno == EINVAL);
		CHILD_CHECK(shmctl(m, IPC_RMID, NULL) == -1 && errno == EINVAL);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	/* Untouched here. */
	EXPECT_TRUE(receive_is(q, "host"));
	EXPECT_EQ(0, getval(s, 0));
	EXPECT_EQ(2, nsems_of(s));
	EXPECT_EQ(0, (int)shm_stat(m).shm_nattch);
	EXPECT_EQ(PAGE, shm_stat(m).shm_segsz);
}

/*
 * NS_ROUNDS namespaces one after the other, each left by its last process
 * with an object of every kind at the key (a message queued, a semaphore
 * taken with SEM_UNDO): the next namespace made finds the key free.
 */
TEST(a_dead_namespace_leaves_its_keys_free)
{
	key_t k = test_key(2);
	int round;

	NS_NEEDED();
	for (round = 0; round < NS_ROUNDS; round++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			struct sembuf op = { .sem_num = 0, .sem_op = 1,
					     .sem_flg = SEM_UNDO };
			int q, s, m;

			CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
			CHILD_CHECK(msgget(k, 0600) == -1 && errno == ENOENT);
			CHILD_CHECK(semget(k, 0, 0600) == -1 && errno == ENOENT);
			CHILD_CHECK(shmget(k, 0, 0600) == -1 && errno == ENOENT);
			CHILD_CHECK((q = msgget(k, IPC_CREAT | 0600)) >= 0);
			CHILD_CHECK((s = semget(k, 1, IPC_CREAT | 0600)) >= 0);
			CHILD_CHECK((m = shmget(k, PAGE, IPC_CREAT | 0600)) >= 0);
			CHILD_CHECK(send_one(q, 1, "left behind") == 0);
			CHILD_CHECK(semop(s, &op, 1) == 0);
			_exit(0);
		}
		ASSERT_EQ(0, child_status(pid)) TH_LOG("round %d", round);
	}
	/* The initial namespace never had them. */
	EXPECT_EQ(-1, msgget(k, 0));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * A segment of a namespace its creator has left (setns() back to the
 * initial namespace) while still attached: the namespace's other holders
 * go, the attachment keeps its data and stays writable, and once it is
 * detached the segment's memory is freed.  Shmem must first have grown by
 * most of the segment (the measure works) and then fall by as much (a
 * measure against the level with the segment, so other users of shmem do
 * not matter); the freeing is asynchronous on both sides, and gradual, so
 * it is polled, with a hang guard.
 */
TEST(a_dead_namespace_segment_lives_until_its_last_detach)
{
	size_t size = (size_t)NS_SHM_MB << 20, i;
	long base, full = -1, after = -1;
	int ready[2], go[2], init_ns;
	key_t k = test_key(3);
	char c = 0;
	pid_t pid;

	NS_NEEDED();
	init_ns = open("/proc/self/ns/ipc", O_RDONLY);
	ASSERT_LE(0, init_ns);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	base = shmem_kb();
	ASSERT_LE(0, base);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char *p;
		int m;

		close(ready[0]);
		close(go[1]);
		CHILD_CHECK(unshare(CLONE_NEWIPC) == 0);
		CHILD_CHECK((m = shmget(k, size, IPC_CREAT | IPC_EXCL | 0600)) >= 0);
		CHILD_CHECK((p = shmat(m, NULL, 0)) != (void *)-1);
		for (i = 0; i < size; i++)
			p[i] = (unsigned char)(i * 7 + 1);
		/* Out: only the attachment is left of this process there. */
		CHILD_CHECK(setns(init_ns, CLONE_NEWIPC) == 0);
		CHILD_CHECK(shmget(k, 0, 0) == -1 && errno == ENOENT);
		CHILD_CHECK(write(ready[1], "r", 1) == 1);
		CHILD_CHECK(read(go[0], &c, 1) == 1);
		for (i = 0; i < size; i++) {
			CHILD_CHECK(p[i] == (unsigned char)(i * 7 + 1));
			p[i] = (unsigned char)~p[i];
		}
		CHILD_CHECK(shmdt(p) == 0);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	full = shmem_kb();
	EXPECT_LE(base + NS_SHM_MB * 1024 * 3 / 4, full)
		TH_LOG("Shmem %ld kB before, %ld kB with the segment", base, full);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, child_status(pid));
	for (i = 0; i < 30000; i++) {	/* a hang guard, not a timing */
		after = shmem_kb();
		if (after <= full - NS_SHM_MB * 1024 * 3 / 4)
			break;
		usleep(1000);
	}
	EXPECT_GE(full - NS_SHM_MB * 1024 * 3 / 4, after);
	TH_LOG("Shmem %ld kB before, %ld kB with the segment, %ld kB after",
	       base, full, after);
	close(ready[0]);
	close(go[1]);
	close(init_ns);
}

TEST_HARNESS_MAIN
