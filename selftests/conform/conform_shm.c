// SPDX-License-Identifier: GPL-2.0
/*
 * conform_shm - shared memory through the classic API (shmget, shmat,
 * shmdt, shmctl), run on Linux's native SysV IPC and through libaixipc
 * (see conform.h).  In the spirit of LTP's shmget/shmat/shmdt/shmctl
 * tests; where aixipc deliberately differs (Documentation/aixipc.rst: AIX
 * limits, key -1, no SHM_HUGETLB, SHM_NORESERVE always, attach rules)
 * each side's value is asserted.
 */
#include "conform.h"

#include <sys/sysinfo.h>

#define SHMMNI_NATIVE	4096		/* Linux's defaults (a fresh VM) */
#define SHMMNI_AIX	1048576		/* aixipc's */
#define SHMMAX_AIX	(1ULL << 40)
#define SHMMAX_AIX_32	(2ULL << 30)
#define SHMALL_AIX	1073741824UL

static unsigned long nattch(int id)
{
	return (unsigned long)shm_stat(id).shm_nattch;
}

/* A page-aligned range of @pages pages that nothing is mapped at. */
static char *free_range(size_t pages)
{
	char *p = mmap(NULL, pages * PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, pages * PAGE);
	return p;
}

static long read_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* ---------------------------------------------------------------------- */
/* shmget                                                                 */

TEST(shmget_private_key_create_find_exclusive)
{
	key_t k = test_key(1);
	int a = new_shm(PAGE), b = new_shm(PAGE), id;
	struct shmid_ds ds;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
	EXPECT_EQ(IPC_PRIVATE, shm_stat(a).shm_perm.__key);

	id = new_shm_key(k, 2 * PAGE, IPC_CREAT | IPC_EXCL | 0640);
	ASSERT_LE(0, id);
	EXPECT_EQ(id, shmget(k, 2 * PAGE, 0));
	EXPECT_EQ(id, shmget(k, 1, 0));		/* smaller: found */
	EXPECT_EQ(id, shmget(k, 0, 0));
	EXPECT_EQ(-1, shmget(k, 2 * PAGE + 1, 0));	/* larger: EINVAL */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shmget(k, PAGE, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EEXIST, errno);
	ds = shm_stat(id);
	EXPECT_EQ(k, ds.shm_perm.__key);
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);
	EXPECT_EQ(2 * PAGE, ds.shm_segsz);

	EXPECT_EQ(-1, shmget(test_key(2), PAGE, 0600));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, remove_obj(K_SHM, id));
	EXPECT_EQ(-1, shmget(k, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/* Key -1: public on Linux, AIX's IPC_PRIVATE on aixipc. */
TEST(shmget_key_minus_one)
{
	int a = new_shm_key((key_t)-1, PAGE, IPC_CREAT | 0600);
	int b = new_shm_key((key_t)-1, PAGE, IPC_CREAT | 0600);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(SIDE(true, false), a == b);
	EXPECT_EQ(SIDE((key_t)-1, IPC_PRIVATE), shm_stat(a).shm_perm.__key);
}

/*
 * Linux reserves a segment's whole size unless SHM_NORESERVE (so one
 * larger than memory and swap fails with ENOMEM under the default
 * overcommit policy); aixipc allocates on first touch, always.
 */
TEST(shm_noreserve_always_on_aixipc)
{
	struct sysinfo si;
	unsigned long long size;
	int id;

	ASSERT_EQ(0, sysinfo(&si));
	ASSERT_EQ(0, read_long("/proc/sys/vm/overcommit_memory"));
	size = 2ULL * ((unsigned long long)si.totalram + si.totalswap) * si.mem_unit;
	size = (size + PAGE - 1) & ~(unsigned long long)(PAGE - 1);
	ASSERT_LE(size, (unsigned long long)SIZE_MAX);
	ASSERT_LE(size, SHMMAX_AIX);
	id = new_shm((size_t)size);
	EXPECT_EQ(SIDE(-1, id), id);
	if (!on_aixipc)
		EXPECT_EQ(ENOMEM, errno);
	/* With SHM_NORESERVE, Linux creates it too. */
	id = new_shm_key(IPC_PRIVATE, (size_t)size, IPC_CREAT | SHM_NORESERVE | 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(size, shm_stat(id).shm_segsz);
}

/*
 * A size whose signed value is negative.  For a 64-bit program it is
 * beyond every limit: EINVAL.  A 32-bit program's 2 GiB is AIX's largest
 * for it, and Linux's too; 4 GiB - 1 is under Linux's limit (the segment
 * cannot be attached there), above AIX's: EINVAL.
 */
TEST(shmget_negative_size)
{
	bool wide = sizeof(size_t) == 8;
	int id;

	errno = 0;
	id = shmget(IPC_PRIVATE, (size_t)-1, IPC_CREAT | SHM_NORESERVE | 0600);
	if (id >= 0)
		track(K_SHM, id);
	EXPECT_EQ(!wide && !on_aixipc, id >= 0);
	if (id < 0)
		EXPECT_EQ(EINVAL, errno);

	errno = 0;
	id = shmget(IPC_PRIVATE, (size_t)SSIZE_MAX + 1,
		    IPC_CREAT | SHM_NORESERVE | 0600);
	if (id >= 0)
		track(K_SHM, id);
	EXPECT_EQ(!wide, id >= 0);
	if (id < 0)
		EXPECT_EQ(EINVAL, errno);
}

#if defined(__x86_64__)
/* The largest segment: aixipc's shmmax is 1 TiB; Linux's is far more. */
TEST(shmget_size_limit)
{
	int id = new_shm_key(IPC_PRIVATE, SHMMAX_AIX + 1,
			     IPC_CREAT | SHM_NORESERVE | 0600);

	EXPECT_EQ(SIDE(true, false), id >= 0);
	if (on_aixipc)
		EXPECT_EQ(EINVAL, errno);
	id = new_shm_key(IPC_PRIVATE, SHMMAX_AIX, IPC_CREAT | SHM_NORESERVE | 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(SHMMAX_AIX, shm_stat(id).shm_segsz);
}
#else
/*
 * A 32-bit program's ways in: the direct calls and ipc()'s SHMGET, SHMAT
 * (the address stored where its third argument points), SHMDT and SHMCTL.
 */
TEST(raw_syscalls_i386)
{
	struct shmid_ds ds;
	void *addr = NULL;
	long id = syscall(SYS_shmget, IPC_PRIVATE, PAGE, IPC_CREAT | 0600), id2;
	char *p;

	ASSERT_LE(0, id);
	track(K_SHM, (int)id);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("shm", (int)id));
	p = (char *)syscall(SYS_shmat, id, NULL, 0);
	ASSERT_NE((char *)-1, p);
	p[0] = 'x';
	ASSERT_EQ(0, syscall(SYS_shmctl, id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(0, syscall(SYS_shmdt, p));

	id2 = syscall(SYS_ipc, 23, IPC_PRIVATE, PAGE, IPC_CREAT | 0600, NULL, 0);
	ASSERT_LE(0, id2);
	track(K_SHM, (int)id2);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("shm", (int)id2));
	ASSERT_EQ(0, syscall(SYS_ipc, 21, id2, 0, (long)&addr, NULL, 0));
	ASSERT_NE(NULL, addr);
	((char *)addr)[1] = 'y';
	ASSERT_EQ(0, syscall(SYS_ipc, 24, id2, 0x100 | IPC_STAT, 0, &ds, 0));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(0, syscall(SYS_ipc, 22, 0, 0, 0, addr, 0));
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, 21, id2, 0, (long)NULL, NULL, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, syscall(SYS_ipc, 24, id2, IPC_RMID, 0, NULL, 0));
	EXPECT_EQ(0, syscall(SYS_shmctl, id, IPC_RMID, NULL));
}

/*
 * ipc()'s SHMCTL without IPC_64: Linux's old struct shmid_ds, and the old
 * struct shminfo of int fields, whose shmmax says at most INT_MAX.
 */
TEST(ipc_old_layouts_i386)
{
	struct old_shmid_ds o;
	struct old_shminfo oi;
	struct shmid_ds ds;
	int id = new_shm(2 * PAGE);
	void *a;

	ASSERT_LE(0, id);
	a = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, a);
	memset(&o, 0xa5, sizeof(o));
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_SHMCTL, id, IPC_STAT, 0, &o, 0));
	EXPECT_EQ(0600, o.perm.mode & 0777);
	EXPECT_EQ(geteuid(), o.perm.cuid);
	EXPECT_EQ(2 * PAGE, o.segsz);
	EXPECT_EQ(1, o.nattch);
	EXPECT_EQ((uint16_t)getpid(), o.cpid);
	EXPECT_EQ((uint16_t)getpid(), o.lpid);
	EXPECT_NE(0, o.atime);
	EXPECT_EQ(0, shmdt(a));

	memset(&oi, 0, sizeof(oi));
	EXPECT_LE(0, syscall(SYS_ipc, IPCOP_SHMCTL, 0, IPC_INFO, 0, &oi, 0));
	EXPECT_EQ(INT_MAX, oi.shmmax);
	EXPECT_LT(0, oi.shmmni);

	o.perm.mode = 0640;
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_SHMCTL, id, IPC_SET, 0, &o, 0));
	ASSERT_EQ(0, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(0640, ds.shm_perm.mode & 0777);

	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, IPCOP_SHMCTL, id, 99, 0, &o, 0));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, IPCOP_SHMCTL, id, IPC_SET, 0, NULL, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, syscall(SYS_ipc, IPCOP_SHMCTL, id, IPC_RMID, 0, NULL, 0));
}

/* A 32-bit program's largest segment on aixipc is AIX's 2 GiB. */
TEST(shmget_size_limit_32bit)
{
	int id = new_shm_key(IPC_PRIVATE, (size_t)SHMMAX_AIX_32 + 1,
			     IPC_CREAT | SHM_NORESERVE | 0600);

	EXPECT_EQ(SIDE(true, false), id >= 0);
	if (on_aixipc)
		EXPECT_EQ(EINVAL, errno);
	id = new_shm_key(IPC_PRIVATE, (size_t)SHMMAX_AIX_32,
			 IPC_CREAT | SHM_NORESERVE | 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ((size_t)SHMMAX_AIX_32, shm_stat(id).shm_segsz);
}
#endif

/* No huge-page segments on aixipc; Linux needs reserved huge pages. */
TEST(shmget_shm_hugetlb)
{
	bool have_huge = read_long("/proc/sys/vm/nr_hugepages") > 0 ||
			 read_long("/proc/sys/vm/nr_overcommit_hugepages") > 0;
	int id = new_shm_key(IPC_PRIVATE, 2 << 20, IPC_CREAT | SHM_HUGETLB | 0600);

	if (on_aixipc) {
		EXPECT_EQ(-1, id);
		EXPECT_EQ(EINVAL, errno);
	} else if (have_huge) {
		EXPECT_LE(0, id);
	} else {
		EXPECT_EQ(-1, id);
		EXPECT_EQ(ENOMEM, errno);
	}
}

/* ---------------------------------------------------------------------- */
/* shmat, shmdt                                                           */

TEST(shmat_shmdt_and_stat_fields)
{
	time_t t0 = now();
	int id = new_shm(2 * PAGE);
	struct shmid_ds ds;
	char *a, *b;
	int i;

	ASSERT_LE(0, id);
	ds = shm_stat(id);
	EXPECT_EQ(2 * PAGE, ds.shm_segsz);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	EXPECT_EQ(0, ds.shm_lpid);
	EXPECT_EQ(0, ds.shm_nattch);
	EXPECT_EQ(0, ds.shm_atime);
	EXPECT_EQ(0, ds.shm_dtime);
	EXPECT_LE(t0, ds.shm_ctime);
	EXPECT_EQ(0600, ds.shm_perm.mode & 0777);
	EXPECT_EQ(geteuid(), ds.shm_perm.uid);
	EXPECT_EQ(geteuid(), ds.shm_perm.cuid);
	EXPECT_EQ(getegid(), ds.shm_perm.gid);

	a = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, a);
	EXPECT_EQ(0, (uintptr_t)a % PAGE);
	for (i = 0; i < 2 * PAGE; i++)
		ASSERT_EQ(0, a[i]);		/* zero-filled */
	strcpy(a + PAGE, "shared");
	b = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, b);
	EXPECT_NE(a, b);
	EXPECT_STREQ("shared", b + PAGE);
	ds = shm_stat(id);
	EXPECT_EQ(2, ds.shm_nattch);
	EXPECT_EQ(getpid(), ds.shm_lpid);
	EXPECT_LE(t0, ds.shm_atime);
	EXPECT_GE(now(), ds.shm_atime);

	ASSERT_EQ(0, shmdt(a));
	ds = shm_stat(id);
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_LE(t0, ds.shm_dtime);
	EXPECT_GE(now(), ds.shm_dtime);
	EXPECT_EQ(-1, shmdt(a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shmdt(b + PAGE));		/* inside, not the start */
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, shmdt(b));
	EXPECT_EQ(0, nattch(id));
	EXPECT_EQ((void *)-1, shmat(-1, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Times past 2038 and 2106 (see conform_msg's test of the same name):
 * whole with a 64-bit time_t (glibc's time64 shmctl), low 32 bits with a
 * 32-bit one.
 */
TEST(times_past_2038_and_2106)
{
	static const int64_t when[] = { PAST_2038, PAST_2106 };
	struct shmid_ds made[2], in[2], out[2];
	struct clock_save save;
	int id[2], i, set = 0;
	void *a;

	for (i = 0; i < 2; i++) {
		if (clock_forward(when[i], &save)) {
			if (errno == EPERM)
				SKIP(return, "setting the clock needs CAP_SYS_TIME");
			break;
		}
		set++;
		id[i] = new_shm(PAGE);
		made[i] = shm_stat(id[i]);
		a = shmat(id[i], NULL, 0);
		in[i] = shm_stat(id[i]);
		if (a != (void *)-1)
			shmdt(a);
		out[i] = shm_stat(id[i]);
		ASSERT_EQ(0, clock_back(&save));
	}
	ASSERT_EQ(2, set);
	for (i = 0; i < 2; i++) {
		TH_LOG("%s: ctime %lld atime %lld dtime %lld", i ? "2106" : "2038",
		       (long long)made[i].shm_ctime, (long long)in[i].shm_atime,
		       (long long)out[i].shm_dtime);
		ASSERT_LE(0, id[i]);
		EXPECT_TRUE(time_near(made[i].shm_ctime, when[i]));
		EXPECT_TRUE(time_near(in[i].shm_atime, when[i]));
		EXPECT_EQ(1, in[i].shm_nattch);
		EXPECT_TRUE(time_near(out[i].shm_dtime, when[i]));
		EXPECT_EQ(0, out[i].shm_nattch);
		EXPECT_EQ(PAGE, out[i].shm_segsz);
	}
}

TEST(shmat_rdonly)
{
	int id = new_shm(PAGE);
	char *w, *r;
	pid_t pid;

	ASSERT_LE(0, id);
	w = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, w);
	r = shmat(id, NULL, SHM_RDONLY);
	ASSERT_NE((void *)-1, r);
	strcpy(w, "ro");
	EXPECT_STREQ("ro", r);
	/* Never writable: mprotect refuses, a store faults. */
	EXPECT_EQ(-1, mprotect(r, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* not the sanitizer's report */
		*(volatile char *)r = 'x';
		_exit(0);
	}
	EXPECT_EQ(1000 + SIGSEGV, child_status(pid));
	EXPECT_STREQ("ro", w);
	EXPECT_EQ(0, shmdt(r));
	EXPECT_EQ(0, shmdt(w));
}

/*
 * A given address: used exactly (EINVAL if anything is mapped there,
 * unless SHM_REMAP); unaligned only with SHM_RND, which rounds down to
 * SHMLBA, the page on both sides.
 */
TEST(shmat_address_rules)
{
	int id = new_shm(2 * PAGE);
	char *base = free_range(8), *p;

	ASSERT_LE(0, id);
	ASSERT_NE(NULL, base);
	EXPECT_EQ(PAGE, SHMLBA);
	EXPECT_EQ((void *)-1, shmat(id, base + 4 * PAGE + 100, 0));
	EXPECT_EQ(EINVAL, errno);
	p = shmat(id, base + 4 * PAGE + 100, SHM_RND);
	EXPECT_EQ(base + 4 * PAGE, p);
	EXPECT_EQ(0, shmdt(p));

	p = shmat(id, base, 0);
	ASSERT_EQ(base, p);
	p[0] = 'A';
	/* Occupied (also partly): EINVAL without SHM_REMAP. */
	EXPECT_EQ((void *)-1, shmat(id, base, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((void *)-1, shmat(id, base + PAGE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, nattch(id));
	/* SHM_REMAP replaces what is there. */
	EXPECT_EQ(base, shmat(id, base, SHM_REMAP));
	EXPECT_EQ('A', base[0]);
	EXPECT_EQ(1, nattch(id));
	EXPECT_EQ((void *)-1, shmat(id, NULL, SHM_REMAP));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, shmdt(base));
	EXPECT_EQ(0, nattch(id));
}

/*
 * An unaligned address below SHMLBA with SHM_RND rounds to 0: aixipc
 * refuses it (EINVAL); Linux maps page 0 for a caller allowed to map
 * below mmap_min_addr, as root is.
 */
TEST(shmat_rnd_to_address_zero)
{
	int id = new_shm(PAGE);
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *p = shmat(id, (void *)100, SHM_RND);

		if (on_aixipc) {
			CHILD_CHECK(p == (void *)-1 && errno == EINVAL);
		} else {
			CHILD_CHECK(p == NULL);
			CHILD_CHECK(shmdt(p) == 0);
		}
		_exit(0);
	}
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(0, nattch(id));
}

/* Growing an attachment: Linux lets mremap do it, aixipc refuses. */
TEST(mremap_cannot_grow_an_attachment)
{
	int id = new_shm(2 * PAGE);
	char *p, *q;

	ASSERT_LE(0, id);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	q = mremap(p, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
	if (on_aixipc) {
		EXPECT_EQ(MAP_FAILED, q);
		EXPECT_EQ(EFAULT, errno);
		EXPECT_EQ(0, shmdt(p));
	} else {
		ASSERT_NE(MAP_FAILED, q);
		EXPECT_EQ(0, munmap(q, 4 * PAGE));
	}
	EXPECT_EQ(0, nattch(id));
}

/* Pieces: a partial munmap splits an attachment; shmdt removes them all. */
TEST(munmap_pieces_count_and_shmdt_removes_all)
{
	int id = new_shm(3 * PAGE);
	char *p;

	ASSERT_LE(0, id);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	p[2 * PAGE] = 'z';
	ASSERT_EQ(0, munmap(p + PAGE, PAGE));
	EXPECT_EQ(2, nattch(id));
	ASSERT_EQ(0, shmdt(p));
	EXPECT_EQ(0, nattch(id));
	/* The last piece went too. */
	EXPECT_EQ(-1, msync(p + 2 * PAGE, PAGE, MS_ASYNC));
	EXPECT_EQ(ENOMEM, errno);
}

TEST(fork_inherits_attachments)
{
	int id = new_shm(PAGE), go[2];
	char *p;
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, pipe(go));
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char c;

		close(go[1]);
		strcpy(p, "from child");
		CHILD_CHECK(read(go[0], &c, 1) == 0);
		_exit(0);
	}
	close(go[0]);
	EXPECT_EQ(2, nattch(id));
	close(go[1]);
	EXPECT_EQ(0, child_status(pid));
	EXPECT_STREQ("from child", p);
	EXPECT_EQ(1, nattch(id));
	EXPECT_EQ(pid, shm_stat(id).shm_lpid);
	EXPECT_EQ(0, shmdt(p));
}

/* IPC_RMID with attachments: destroyed, unfindable, freed at last detach. */
TEST(rmid_while_attached)
{
	key_t k = test_key(3);
	int id = new_shm_key(k, PAGE, IPC_CREAT | 0600), id2;
	struct shmid_ds ds;
	char *p, *q;

	ASSERT_LE(0, id);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	strcpy(p, "alive");
	ASSERT_EQ(0, shmctl(id, IPC_RMID, NULL));
	ds = shm_stat(id);
	EXPECT_EQ(SHM_DEST, ds.shm_perm.mode & SHM_DEST);
	EXPECT_EQ(IPC_PRIVATE, ds.shm_perm.__key);
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_STREQ("alive", p);
	EXPECT_EQ(-1, shmget(k, 0, 0));
	EXPECT_EQ(ENOENT, errno);
	/* The key makes a new segment. */
	id2 = new_shm_key(k, PAGE, IPC_CREAT | IPC_EXCL | 0600);
	ASSERT_LE(0, id2);
	EXPECT_NE(id, id2);
	/* Still attachable by id, as on Linux. */
	q = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, q);
	EXPECT_STREQ("alive", q);
	EXPECT_EQ(2, nattch(id));
	EXPECT_EQ(0, shmdt(p));
	EXPECT_EQ(0, shmdt(q));
	EXPECT_EQ(-1, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/* ---------------------------------------------------------------------- */
/* shmctl                                                                 */

TEST(shm_permissions_and_ipc_set)
{
	time_t t0 = now();
	int id = new_shm(PAGE);
	struct shmid_ds ds;
	pid_t pid;

	ASSERT_LE(0, id);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct shmid_ds d;

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EACCES);
		CHILD_CHECK(shmat(id, NULL, SHM_RDONLY) == (void *)-1 &&
			    errno == EACCES);
		CHILD_CHECK(shmctl(id, IPC_STAT, &d) == -1 && errno == EACCES);
		memset(&d, 0, sizeof(d));
		CHILD_CHECK(shmctl(id, IPC_SET, &d) == -1 && errno == EPERM);
		CHILD_CHECK(shmctl(id, IPC_RMID, NULL) == -1 && errno == EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));

	ds = shm_stat(id);
	ds.shm_perm.mode = 0644;
	ASSERT_EQ(0, shmctl(id, IPC_SET, &ds));
	ds = shm_stat(id);
	EXPECT_EQ(0644, ds.shm_perm.mode & 0777);
	EXPECT_LE(t0, ds.shm_ctime);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		void *p;

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EACCES);
		p = shmat(id, NULL, SHM_RDONLY);
		CHILD_CHECK(p != (void *)-1);
		CHILD_CHECK(shmdt(p) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));

	/* A new owner: may IPC_SET and remove, the creator stays. */
	ds.shm_perm.uid = NOBODY;
	ds.shm_perm.gid = NOBODY;
	ASSERT_EQ(0, shmctl(id, IPC_SET, &ds));
	ds = shm_stat(id);
	EXPECT_EQ(NOBODY, ds.shm_perm.uid);
	EXPECT_EQ(NOBODY, ds.shm_perm.gid);
	EXPECT_EQ(geteuid(), ds.shm_perm.cuid);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct shmid_ds d;

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(shmctl(id, IPC_STAT, &d) == 0);
		d.shm_perm.mode = 0600;
		CHILD_CHECK(shmctl(id, IPC_SET, &d) == 0);
		CHILD_CHECK(shmctl(id, IPC_RMID, NULL) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(-1, shmctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, shmctl(id, 77, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * SHM_LOCK, as Linux: CAP_IPC_LOCK may; otherwise the owner or creator,
 * with a non-zero RLIMIT_MEMLOCK that the user's locked segments fit in.
 */
TEST(shm_lock_and_unlock)
{
	int a = new_shm(2 * PAGE), b = new_shm(PAGE), c = new_shm(PAGE);
	struct shmid_ds ds;
	pid_t pid;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, shmctl(a, SHM_LOCK, NULL));
	EXPECT_EQ(SHM_LOCKED, shm_stat(a).shm_perm.mode & SHM_LOCKED);
	ASSERT_EQ(0, shmctl(a, SHM_UNLOCK, NULL));
	EXPECT_EQ(0, shm_stat(a).shm_perm.mode & SHM_LOCKED);

	/* a and b belong to nobody, c does not. */
	ds = shm_stat(a);
	ds.shm_perm.uid = NOBODY;
	ASSERT_EQ(0, shmctl(a, IPC_SET, &ds));
	ds = shm_stat(b);
	ds.shm_perm.uid = NOBODY;
	ASSERT_EQ(0, shmctl(b, IPC_SET, &ds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rlimit rl = { 0, 0 };

		CHILD_CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(shmctl(a, SHM_LOCK, NULL) == -1 && errno == EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct rlimit rl = { 2 * PAGE, 2 * PAGE };

		CHILD_CHECK(setrlimit(RLIMIT_MEMLOCK, &rl) == 0);
		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(shmctl(c, SHM_LOCK, NULL) == -1 && errno == EPERM);
		CHILD_CHECK(shmctl(a, SHM_LOCK, NULL) == 0);
		/* a's two pages use the limit up: b does not fit. */
		CHILD_CHECK(shmctl(b, SHM_LOCK, NULL) == -1 && errno == ENOMEM);
		CHILD_CHECK(shmctl(a, SHM_UNLOCK, NULL) == 0);
		CHILD_CHECK(shmctl(b, SHM_LOCK, NULL) == 0);
		CHILD_CHECK(shmctl(c, SHM_UNLOCK, NULL) == -1 && errno == EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	EXPECT_EQ(0, shm_stat(a).shm_perm.mode & SHM_LOCKED);
	EXPECT_EQ(SHM_LOCKED, shm_stat(b).shm_perm.mode & SHM_LOCKED);
	EXPECT_EQ(0, shmctl(b, SHM_UNLOCK, NULL));
}

/* IPC_INFO: the limits (AIX's on aixipc), the highest index in use. */
TEST(shmctl_ipc_info)
{
	int id = new_shm(PAGE), max;
	struct shminfo si;
	struct shmid_ds ds;

	ASSERT_LE(0, id);
	memset(&si, 0, sizeof(si));
	max = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
	ASSERT_LE(0, max);
	EXPECT_EQ(1, si.shmmin);
	EXPECT_EQ(SIDE(SHMMNI_NATIVE, SHMMNI_AIX), si.shmmni);
#if defined(__x86_64__)
	EXPECT_EQ(SIDE(ULONG_MAX - (1UL << 24), SHMMAX_AIX), si.shmmax);
#else
	/* Linux's compat call clamps what an unsigned long cannot hold. */
	EXPECT_EQ(INT_MAX, si.shmmax);
#endif
	EXPECT_EQ(SIDE(ULONG_MAX - (1UL << 24), SHMALL_AIX), si.shmall);
	EXPECT_LE(0, shmctl(max, SHM_STAT_ANY, &ds));
	EXPECT_EQ(-1, shmctl(max + 1, SHM_STAT_ANY, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/* SHM_INFO: segments in use, their pages, the pages in memory. */
TEST(shmctl_shm_info_totals)
{
	struct shm_info a, b, c;
	int id;
	char *p;

	memset(&a, 0, sizeof(a));
	ASSERT_LE(0, shmctl(0, SHM_INFO, (struct shmid_ds *)&a));
	id = new_shm(4 * PAGE);
	ASSERT_LE(0, id);
	ASSERT_LE(0, shmctl(0, SHM_INFO, (struct shmid_ds *)&b));
	EXPECT_EQ(a.used_ids + 1, b.used_ids);
	EXPECT_EQ(a.shm_tot + 4, b.shm_tot);
	EXPECT_EQ(a.shm_rss, b.shm_rss);
	p = shmat(id, NULL, 0);
	ASSERT_NE((void *)-1, p);
	p[0] = 1;
	p[2 * PAGE] = 1;
	ASSERT_LE(0, shmctl(0, SHM_INFO, (struct shmid_ds *)&c));
	EXPECT_EQ(a.shm_rss + 2, c.shm_rss);
	EXPECT_EQ(a.shm_swp, c.shm_swp);
	EXPECT_EQ(0, shmdt(p));
}

/* SHM_STAT needs read permission, SHM_STAT_ANY not; both return the id. */
TEST(shm_stat_by_index)
{
	int id = new_shm(3 * PAGE), idx = SIDE(id & 0x7fff, id & 0xfffff);
	struct shmid_ds ds;
	pid_t pid;

	ASSERT_LE(0, id);
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(id, shmctl(idx, SHM_STAT, &ds));
	EXPECT_EQ(3 * PAGE, ds.shm_segsz);
	EXPECT_EQ(getpid(), ds.shm_cpid);
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(id, shmctl(idx, SHM_STAT_ANY, &ds));
	EXPECT_EQ(3 * PAGE, ds.shm_segsz);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(shmctl(idx, SHM_STAT, &ds) == -1 && errno == EACCES);
		CHILD_CHECK(shmctl(idx, SHM_STAT_ANY, &ds) == id);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	ASSERT_EQ(0, remove_obj(K_SHM, id));
	EXPECT_EQ(-1, shmctl(idx, SHM_STAT_ANY, &ds));
	EXPECT_EQ(EINVAL, errno);
}

#if defined(__x86_64__)
/* syscall(SYS_shmget ...) reaches the same side as the libc calls. */
TEST(raw_syscalls)
{
	struct shmid_ds ds;
	long id = syscall(SYS_shmget, IPC_PRIVATE, PAGE, IPC_CREAT | 0600);
	long p;

	ASSERT_LE(0, id);
	track(K_SHM, (int)id);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("shm", (int)id));
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
	p = syscall(SYS_shmat, id, 0, 0);
	ASSERT_NE(-1, p);
	strcpy((char *)p, "raw");
	EXPECT_EQ(1, nattch((int)id));
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(0, syscall(SYS_shmctl, id, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.shm_nattch);
	EXPECT_EQ(PAGE, ds.shm_segsz);
	ASSERT_EQ(0, syscall(SYS_shmdt, p));
	EXPECT_EQ(0, nattch((int)id));
	EXPECT_EQ(-1, syscall(SYS_shmdt, p));
	EXPECT_EQ(EINVAL, errno);
	/* x86-64's calls know no IPC_64 flag. */
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_shmctl, id, IPC_STAT | 0x100, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, syscall(SYS_shmctl, id, IPC_RMID, NULL));
	EXPECT_EQ(-1, shmctl((int)id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}
#endif

TEST_HARNESS_MAIN
