// SPDX-License-Identifier: GPL-2.0
/*
 * conform_aix - the AIX extensions of libaixipc (<aixipc.h>): msgxrcv's
 * metadata, SEM_ORDER with SEM_ERR, SHM_SIZE, SHM_PAGESIZE, SHM_GETLBA,
 * and SHM_MAP/SHM_COPY attaches of a file.
 *
 * Built twice: as conform_aix, which like the other conformance programs
 * is not linked with libaixipc and runs natively and with LD_PRELOAD (it
 * finds msgxrcv with dlsym), and as conform_aix-linked, linked with
 * libaixipc.a the way programs ported from AIX are (-laixipc), which runs
 * on the aixipc side only.  On the native side each test asserts that the
 * extension is absent: no msgxrcv, SEM_ORDER ignored (the call stays
 * atomic and SEM_ERR is never written), the shmctl commands unknown
 * (EINVAL), and shmat taking the descriptor for a segment id.
 */
#include "conform.h"

#include <aixipc.h>

typedef ssize_t (*msgxrcv_fn)(int, struct msgxbuf *, size_t, long, int);

static msgxrcv_fn get_msgxrcv(void)
{
#ifdef CONFORM_LINKED
	return msgxrcv;
#else
	return (msgxrcv_fn)dlsym(RTLD_DEFAULT,
				  ABI_NAME("msgxrcv", "__aixipc_msgxrcv_time64"));
#endif
}

struct mbuf {
	long mtype;
	char mtext[64];
};

struct xbuf {
	struct msgxbuf x;
	char room[64];
};

/* ---------------------------------------------------------------------- */
/* msgxrcv                                                                */

/*
 * msgxrcv returns the message with the send time and the sender's
 * effective uid, gid and pid.  Natively there is no msgxrcv at all.
 */
TEST(msgxrcv_metadata)
{
	msgxrcv_fn xrcv = get_msgxrcv();
	int q = new_msq_key(IPC_PRIVATE, IPC_CREAT | 0666);
	struct mbuf m = { .mtype = 5, .mtext = "meta" };
	struct xbuf b;
	time_t t0 = now();
	pid_t pid;

	ASSERT_LE(0, q);
	if (!on_aixipc) {
		EXPECT_EQ(NULL, xrcv);
		return;
	}
	ASSERT_NE(NULL, xrcv);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(msgsnd(q, &m, 4, 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	memset(&b, 0x5a, sizeof(b));
	ASSERT_EQ(4, xrcv(q, &b.x, sizeof(b.room), 0, IPC_NOWAIT));
	EXPECT_EQ(5, b.x.mtype);
	EXPECT_EQ(0, memcmp(b.x.mtext, "meta", 4));
	EXPECT_EQ(NOBODY, b.x.muid);
	EXPECT_EQ(NOBODY, b.x.mgid);
	EXPECT_EQ(pid, b.x.mpid);
	EXPECT_LE(t0, b.x.mtime);
	EXPECT_GE(now(), b.x.mtime);

	/* One of our own, as msgrcv would select it. */
	m.mtype = 9;
	ASSERT_EQ(0, msgsnd(q, &m, 4, 0));
	memset(&b, 0, sizeof(b));
	EXPECT_EQ(-1, xrcv(q, &b.x, sizeof(b.room), 8, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(-1, xrcv(q, &b.x, 2, 9, IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);
	ASSERT_EQ(2, xrcv(q, &b.x, 2, 9, IPC_NOWAIT | MSG_NOERROR));
	EXPECT_EQ(9, b.x.mtype);
	EXPECT_EQ(geteuid(), b.x.muid);
	EXPECT_EQ(getegid(), b.x.mgid);
	EXPECT_EQ(getpid(), b.x.mpid);
	EXPECT_LE(t0, b.x.mtime);
	EXPECT_GE(now(), b.x.mtime);
}

/* A blocked msgxrcv gets the message and its sender when it arrives. */
TEST(msgxrcv_blocking)
{
	msgxrcv_fn xrcv = get_msgxrcv();
	int q = new_msq();
	struct mbuf m = { .mtype = 3, .mtext = "late" };
	pid_t pid;

	ASSERT_LE(0, q);
	if (!on_aixipc) {
		EXPECT_EQ(NULL, xrcv);
		return;
	}
	ASSERT_NE(NULL, xrcv);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xbuf b;

		memset(&b, 0, sizeof(b));
		CHILD_CHECK(xrcv(q, &b.x, sizeof(b.room), 3, 0) == 4);
		CHILD_CHECK(b.x.mpid == getppid() && b.x.mtype == 3);
		CHILD_CHECK(!memcmp(b.x.mtext, "late", 4));
		_exit(0);
	}
	ASSERT_EQ(0, wait_sleeping_in(pid, MSG_SLEEP));
	ASSERT_EQ(0, msgsnd(q, &m, 4, 0));
	EXPECT_EQ(0, child_status(pid));
}

/* ---------------------------------------------------------------------- */
/* SEM_ORDER and SEM_ERR                                                  */

/*
 * An ordered call applies its entries one by one; the failing one gets
 * SEM_ERR, the others lose a stale one.  Natively SEM_ORDER is ignored:
 * the call is atomic and sem_flg is left as it was.
 */
TEST(sem_order_partial_progress_and_sem_err)
{
	int id = new_sem(3);
	struct sembuf ops[3] = {
		{ .sem_num = 0, .sem_op = 1, .sem_flg = SEM_ORDER },
		{ .sem_num = 1, .sem_op = 1, .sem_flg = SEM_ERR },	/* stale */
		{ .sem_num = 2, .sem_op = -1, .sem_flg = IPC_NOWAIT },
	};

	ASSERT_LE(0, id);
	EXPECT_EQ(-1, semop(id, ops, 3));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(SIDE(0, 1), getval(id, 0));
	EXPECT_EQ(SIDE(0, 1), getval(id, 1));
	EXPECT_EQ(0, getval(id, 2));
	EXPECT_EQ(SEM_ORDER, ops[0].sem_flg);
	EXPECT_EQ(SIDE(SEM_ERR, 0), ops[1].sem_flg);
	EXPECT_EQ(SIDE(IPC_NOWAIT, IPC_NOWAIT | SEM_ERR), ops[2].sem_flg);

	/* ERANGE in the middle: the first entry stays applied. */
	ASSERT_EQ(0, setval(id, 0, 0));
	ASSERT_EQ(0, setval(id, 1, 32767));
	ops[0] = (struct sembuf){ .sem_num = 0, .sem_op = 2, .sem_flg = SEM_ORDER };
	ops[1] = (struct sembuf){ .sem_num = 1, .sem_op = 1 };
	ops[2] = (struct sembuf){ .sem_num = 2, .sem_op = 1, .sem_flg = SEM_ERR };
	EXPECT_EQ(-1, semop(id, ops, 3));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(SIDE(0, 2), getval(id, 0));
	EXPECT_EQ(32767, getval(id, 1));
	EXPECT_EQ(0, getval(id, 2));
	EXPECT_EQ(SIDE(0, SEM_ERR), ops[1].sem_flg);
	EXPECT_EQ(SIDE(SEM_ERR, 0), ops[2].sem_flg);

	/* A successful ordered call clears stale marks too. */
	ASSERT_EQ(0, setval(id, 1, 0));
	ops[0] = (struct sembuf){ .sem_num = 2, .sem_op = 1,
				  .sem_flg = SEM_ORDER | SEM_ERR };
	ops[1] = (struct sembuf){ .sem_num = 2, .sem_op = -1, .sem_flg = SEM_ERR };
	EXPECT_EQ(0, semop(id, ops, 2));
	EXPECT_EQ(SIDE(SEM_ORDER | SEM_ERR, SEM_ORDER), ops[0].sem_flg);
	EXPECT_EQ(SIDE(SEM_ERR, 0), ops[1].sem_flg);
	EXPECT_EQ(0, getval(id, 2));
}

/* A blocked ordered call has already applied the entries before it. */
TEST(sem_order_blocked_call_shows_progress)
{
	int id = new_sem(2);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sembuf ops[2] = {
			{ .sem_num = 0, .sem_op = 1, .sem_flg = SEM_ORDER },
			{ .sem_num = 1, .sem_op = -1 },
		};

		CHILD_CHECK(semop(id, ops, 2) == 0);
		CHILD_CHECK(!(ops[1].sem_flg & SEM_ERR));
		_exit(0);
	}
	while (semctl(id, 1, GETNCNT) != 1) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			ASSERT_TRUE(false);
		usleep(1000);
	}
	/* While it waits on the second entry, the first is applied. */
	EXPECT_EQ(SIDE(0, 1), getval(id, 0));
	ASSERT_EQ(0, setval(id, 1, 1));
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(1, getval(id, 0));
	EXPECT_EQ(0, getval(id, 1));
}

/* SEM_UNDO is per entry in an ordered call: applied entries only. */
TEST(sem_order_undo_per_entry)
{
	int id = new_sem(3);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sembuf ops[3] = {
			{ .sem_num = 0, .sem_op = 2,
			  .sem_flg = SEM_ORDER | SEM_UNDO },
			{ .sem_num = 1, .sem_op = 1 },
			{ .sem_num = 2, .sem_op = -1,
			  .sem_flg = IPC_NOWAIT | SEM_UNDO },
		};

		CHILD_CHECK(semop(id, ops, 3) == -1 && errno == EAGAIN);
		CHILD_CHECK(getval(id, 0) == SIDE(0, 2));
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(0, getval(id, 0));		/* undone at exit */
	EXPECT_EQ(SIDE(0, 1), getval(id, 1));	/* no SEM_UNDO: stays */
	EXPECT_EQ(0, getval(id, 2));
}

/* ---------------------------------------------------------------------- */
/* shmctl: SHM_SIZE, SHM_PAGESIZE, SHM_GETLBA                            */

/*
 * SHM_SIZE resizes to shm_segsz: growing adds zero pages that new
 * attachments map; shrinking drops the pages past the new size, which an
 * existing attachment then cannot touch (SIGBUS).
 */
TEST(shm_size_grow_and_shrink)
{
	int id = new_shm(2 * PAGE);
	struct shmid_ds ds;
	char *p, *q;
	pid_t pid;

	ASSERT_LE(0, id);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	p[0] = 'a';
	p[PAGE] = 'b';
	ds = shm_stat(id);
	ds.shm_segsz = 4 * PAGE;
	if (!on_aixipc) {
		EXPECT_EQ(-1, shmctl(id, SHM_SIZE, &ds));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(2 * PAGE, shm_stat(id).shm_segsz);
		EXPECT_EQ(0, shmdt(p));
		return;
	}
	ASSERT_EQ(0, shmctl(id, SHM_SIZE, &ds));
	EXPECT_EQ(4 * PAGE, shm_stat(id).shm_segsz);
	q = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, q);
	EXPECT_EQ('a', q[0]);
	EXPECT_EQ('b', q[PAGE]);
	EXPECT_EQ(0, q[3 * PAGE]);
	q[3 * PAGE] = 'd';
	EXPECT_EQ(0, shmdt(q));

	/* Shrink to one page: the second page is gone. */
	ds.shm_segsz = PAGE;
	ASSERT_EQ(0, shmctl(id, SHM_SIZE, &ds));
	EXPECT_EQ(PAGE, shm_stat(id).shm_segsz);
	EXPECT_EQ('a', p[0]);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		signal(SIGBUS, SIG_DFL);	/* not the sanitizer's report */
		(void)*(volatile char *)(p + PAGE);
		_exit(0);
	}
	EXPECT_EQ(1000 + SIGBUS, child_status(pid));
	/* Grown again, it reads zero there. */
	ds.shm_segsz = 2 * PAGE;
	ASSERT_EQ(0, shmctl(id, SHM_SIZE, &ds));
	EXPECT_EQ(0, p[PAGE]);
	EXPECT_EQ('a', p[0]);

	ds.shm_segsz = 0;
	EXPECT_EQ(-1, shmctl(id, SHM_SIZE, &ds));
	EXPECT_EQ(EINVAL, errno);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct shmid_ds d = { .shm_segsz = PAGE };

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(shmctl(id, SHM_SIZE, &d) == -1 && errno == EPERM);
		_exit(0);
	}
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(2 * PAGE, shm_stat(id).shm_segsz);
	EXPECT_EQ(0, shmdt(p));
}

/* SHM_PAGESIZE: only the base page size; natively an unknown command. */
TEST(shm_pagesize_command)
{
	int id = new_shm(PAGE);
	struct shmid_ds ds;

	ASSERT_LE(0, id);
	ds = shm_stat(id);
	ds.shm_pagesize = PAGE;
	EXPECT_EQ(SIDE(-1, 0), shmctl(id, SHM_PAGESIZE, &ds));
	if (!on_aixipc)
		EXPECT_EQ(EINVAL, errno);
	ds.shm_pagesize = 64 * 1024;
	EXPECT_EQ(-1, shmctl(id, SHM_PAGESIZE, &ds));
	EXPECT_EQ(EINVAL, errno);
	ds.shm_pagesize = 16 << 20;
	EXPECT_EQ(-1, shmctl(id, SHM_PAGESIZE, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Minor page faults taken writing one byte in every page of [p, p + len).
 * Not instrumented: a sanitizer's shadow of the range would fault too.
 */
__attribute__((no_sanitize("address")))
static long write_faults(char *p, size_t len)
{
	struct rusage a, b;
	size_t off;

	getrusage(RUSAGE_SELF, &a);
	for (off = 0; off < len; off += PAGE)
		((volatile char *)p)[off] = 1;
	getrusage(RUSAGE_SELF, &b);
	return b.ru_minflt - a.ru_minflt;
}

/*
 * SHM_PIN at shmget: through the shim the segment is locked (SHM_LOCKED
 * in the mode; the tests run as root, whom RLIMIT_MEMLOCK does not bound)
 * and an attach takes no page fault; natively the bit means nothing.
 */
TEST(shm_pin_maps_the_segment_at_attach)
{
	const size_t len = 64 * PAGE;
	int id = new_shm_key(IPC_PRIVATE, len, IPC_CREAT | SHM_PIN | 0600);
	char *p;

	ASSERT_LE(0, id);
	EXPECT_EQ(SIDE(0, SHM_LOCKED), shm_stat(id).shm_perm.mode & SHM_LOCKED);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	if (on_aixipc) {
		EXPECT_EQ(0, write_faults(p, len));
	} else {
		EXPECT_LT(0, write_faults(p, len));
	}
	EXPECT_EQ(0, shmdt(p));
}

/*
 * SHM_LGPAGE at shmget, and SHM_PAGESIZE of a huge page before the first
 * attach: through the shim, where the kernel has transparent huge pages,
 * attachments start on a 2 MiB boundary.  Natively SHM_LGPAGE means
 * nothing and SHM_PAGESIZE is an unknown command.
 */
TEST(shm_lgpage_and_huge_pagesize)
{
	bool thp = !access("/sys/kernel/mm/transparent_hugepage/shmem_enabled",
			   F_OK);
	const size_t huge = 2 << 20;
	int id = new_shm_key(IPC_PRIVATE, 2 * huge,
			     IPC_CREAT | SHM_LGPAGE | 0600), id2;
	struct shmid_ds ds;
	char *p;

	ASSERT_LE(0, id);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	if (on_aixipc && thp)
		EXPECT_EQ(0UL, (uintptr_t)p % huge);
	memset(p, 1, 2 * huge);
	EXPECT_EQ(0, shmdt(p));

	id2 = new_shm(2 * huge);
	ASSERT_LE(0, id2);
	ds = shm_stat(id2);
	ds.shm_pagesize = huge;
	EXPECT_EQ(SIDE(-1, thp ? 0 : -1), shmctl(id2, SHM_PAGESIZE, &ds));
	p = shmat(id2, NULL, 0);
	ASSERT_NE((void *)-1, p);
	if (on_aixipc && thp)
		EXPECT_EQ(0UL, (uintptr_t)p % huge);
	/* After the first attach, no other page size. */
	ds.shm_pagesize = PAGE;
	EXPECT_EQ(SIDE(-1, thp ? -1 : 0), shmctl(id2, SHM_PAGESIZE, &ds));
	EXPECT_EQ(0, shmdt(p));
}

/* SHM_GETLBA: the attach boundary, the page; nothing else is written. */
TEST(shm_getlba)
{
	int id = new_shm(PAGE);
	struct shmid_ds ds, before;

	ASSERT_LE(0, id);
	memset(&ds, 0x5a, sizeof(ds));
	before = ds;
	if (!on_aixipc) {
		EXPECT_EQ(-1, shmctl(id, SHM_GETLBA, &ds));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0, memcmp(&before, &ds, sizeof(ds)));
		return;
	}
	ASSERT_EQ(0, shmctl(id, SHM_GETLBA, &ds));
	EXPECT_EQ(PAGE, ds.shm_lba);
	EXPECT_EQ(sysconf(_SC_PAGESIZE), (long)ds.shm_lba);
	ds.shm_lba = before.shm_lba;
	EXPECT_EQ(0, memcmp(&before, &ds, sizeof(ds)));
}

/* ---------------------------------------------------------------------- */
/* SHM_MAP and SHM_COPY                                                   */

/* A file of @size bytes of @fill in /tmp, open as @flags; -1 on error. */
static int temp_file(size_t size, char fill, int flags, char *path)
{
	char buf[PAGE];
	size_t done;
	int fd;

	strcpy(path, "/tmp/conform-aix-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	memset(buf, fill, sizeof(buf));
	for (done = 0; done < size; done += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
	close(fd);
	return open(path, flags);
}

/* A descriptor number that no native segment has as its id. */
static int unused_shmid_fd(int fd)
{
	struct shmid_ds ds;
	int n;

	for (n = 900; n < 1000; n++)
		if (fcntl(n, F_GETFD) == -1 && shmctl(n, IPC_STAT, &ds) == -1 &&
		    errno == EINVAL)
			return dup2(fd, n);
	return -1;
}

/* Natively the descriptor is taken for a segment id: none, EINVAL. */
static int native_file_attach_fails(int fd, int flag)
{
	int n = unused_shmid_fd(fd), ok;

	if (n < 0)
		return 0;
	ok = shmat(n, NULL, flag) == (void *)-1 && errno == EINVAL;
	close(n);
	return ok;
}

/* SHM_MAP: writes through the attachment reach the file. */
TEST(shm_map_file_writes_reach_it)
{
	char path[64], buf[2 * PAGE];
	int fd = temp_file(2 * PAGE, 'x', O_RDWR, path);
	char *p;

	ASSERT_LE(0, fd);
	unlink(path);
	if (!on_aixipc) {
		EXPECT_TRUE(native_file_attach_fails(fd, SHM_MAP));
		ASSERT_EQ(2 * PAGE, pread(fd, buf, sizeof(buf), 0));
		EXPECT_EQ('x', buf[0]);
		close(fd);
		return;
	}
	p = shmat(fd, NULL, SHM_MAP);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ('x', p[0]);
	EXPECT_EQ('x', p[2 * PAGE - 1]);
	memcpy(p, "through", 7);
	memcpy(p + PAGE + 10, "the map", 7);
	ASSERT_EQ(0, shmdt(p));
	EXPECT_EQ(-1, msync(p, PAGE, MS_ASYNC));	/* gone */
	EXPECT_EQ(ENOMEM, errno);
	ASSERT_EQ(2 * PAGE, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "through", 7));
	EXPECT_EQ(0, memcmp(buf + PAGE + 10, "the map", 7));
	EXPECT_EQ('x', buf[7]);
	EXPECT_EQ('x', buf[2 * PAGE - 1]);
	/* shmdt of it again: not an attachment any more. */
	EXPECT_EQ(-1, shmdt(p));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* SHM_COPY: copy-on-write, the file never changes. */
TEST(shm_copy_file_writes_stay_private)
{
	char path[64], buf[PAGE];
	int fd = temp_file(PAGE, 'c', O_RDWR, path);
	char *p;

	ASSERT_LE(0, fd);
	unlink(path);
	if (!on_aixipc) {
		EXPECT_TRUE(native_file_attach_fails(fd, SHM_COPY));
		close(fd);
		return;
	}
	p = shmat(fd, NULL, SHM_COPY);
	ASSERT_NE((void *)-1, p);
	memcpy(p, "private", 7);
	EXPECT_EQ(0, memcmp(p, "private", 7));
	ASSERT_EQ(PAGE, pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ('c', buf[0]);
	ASSERT_EQ(0, shmdt(p));
	ASSERT_EQ(PAGE, pread(fd, buf, sizeof(buf), 0));
	EXPECT_EQ('c', buf[0]);
	EXPECT_EQ('c', buf[6]);
	close(fd);
}

/* The descriptor's access mode rules the attachment's. */
TEST(shm_map_file_access_modes)
{
	char path[64];
	int rw = temp_file(PAGE, 'r', O_RDWR, path), ro, wo;
	char *p;
	pid_t pid;

	ASSERT_LE(0, rw);
	ro = open(path, O_RDONLY);
	wo = open(path, O_WRONLY);
	unlink(path);
	ASSERT_LE(0, ro);
	ASSERT_LE(0, wo);
	if (!on_aixipc) {
		EXPECT_TRUE(native_file_attach_fails(ro, SHM_MAP));
		goto out;
	}
	p = shmat(ro, NULL, SHM_MAP);
	ASSERT_NE((void *)-1, p);
	EXPECT_EQ('r', p[0]);
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, shmdt(p));
	/* SHM_RDONLY on a read-write descriptor: a store faults. */
	p = shmat(rw, NULL, SHM_MAP | SHM_RDONLY);
	ASSERT_NE((void *)-1, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* not the sanitizer's report */
		*(volatile char *)p = 'w';
		_exit(0);
	}
	EXPECT_EQ(1000 + SIGSEGV, child_status(pid));
	EXPECT_EQ('r', p[0]);
	EXPECT_EQ(0, shmdt(p));
	EXPECT_EQ((void *)-1, shmat(wo, NULL, SHM_MAP));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ((void *)-1, shmat(rw, NULL, SHM_MAP | SHM_COPY));
	EXPECT_EQ(EINVAL, errno);
out:
	close(rw);
	close(ro);
	close(wo);
}

TEST_HARNESS_MAIN
