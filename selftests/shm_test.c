// SPDX-License-Identifier: GPL-2.0
/*
 * shm_test - selftests for the shared memory of aixipc (/dev/aixipc).
 *
 * Run as root with the module loaded.  Unprivileged behaviour is checked
 * from forked children that become uid/gid 65534, which leaves them no
 * capabilities (no CAP_IPC_OWNER, CAP_SYS_ADMIN or CAP_IPC_LOCK); the
 * RLIMIT_MEMLOCK cases set the limit in such a child before it drops its
 * privileges.
 *
 * Every segment a test creates is recorded in a table shared by all the
 * processes of this run and removed by the fixture teardown (after the
 * test's children are killed); whatever a test killed by the harness
 * timeout left behind is removed when the run exits.  A segment still
 * attached in the test's own process is freed when that process exits,
 * right after the teardown.
 *
 * Waits are deterministic: processes say what they did over pipes, and the
 * test looks at the result only then.  Where the kernel may finish work a
 * little later (freeing a segment's shmem file, folding per-CPU counters
 * into /proc/meminfo or memory.stat), the test polls the value until it is
 * right; the polls are hang guards of a few seconds, not timings, and no
 * test asserts on timing.  The ctime checks wait for the wall clock's next
 * second, as ctime has a resolution of one second.
 *
 * Faults are checked in the test's own process with a SIGSEGV/SIGBUS
 * handler and sigsetjmp (probe()), so a wrong signal or no signal at all is
 * reported, and nattch is compared with the pieces of the segment that
 * /proc/self/maps shows, besides the counts the contract implies.
 *
 * /proc/meminfo's Shmem and Unevictable are system-wide: the checks on them
 * allow 1 MiB of slack, far less than the amounts the tests touch.
 *
 * The security regressions at the end need root's extras: a SHM_SIZE or
 * SHM_LOCK is kept asleep on a segment's mutex by a write(2) into the
 * segment's shmem file (opened through /proc/self/map_files/) that stops
 * in a userfaultfd fault with the inode lock held, behind which another
 * SHM_SIZE waits holding the mutex; remap_file_pages() is the deprecated
 * syscall every kernel still emulates.
 *
 * Not covered here: ENOSPC at the shmmni id limit (needs the module loaded
 * with a small shmmni), the module being pinned by live segments (module
 * unloading belongs to lifecycle_test) and the swapped counts (the test VM
 * has no swap).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/userfaultfd.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

#define PAGE		4096UL
#define MIB		(1024UL * 1024)
#define KIB_SLACK	1024L	/* kB of slack on system-wide counters */

#define RDONLY		AIXIPC_SHM_RDONLY
#define RND		AIXIPC_SHM_RND
#define REMAP		AIXIPC_SHM_REMAP

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static uint64_t page_align(uint64_t n)
{
	return (n + PAGE - 1) & ~(uint64_t)(PAGE - 1);
}

/*
 * The exec test runs this binary again with HELPER_ENV set (see
 * t_exec_helper()).
 */
#define HELPER_ENV "AIXIPC_SHM_TEST_EXEC_HELPER"

static void __attribute__((constructor)) exec_helper(void)
{
	t_exec_helper(HELPER_ENV);
}

/* ---------------------------------------------------------------------- */
/* Children and privileges.                                               */

/* Wait until the wall clock has moved past @t. */
static void wait_clock_past(time_t t)
{
	int i;

	for (i = 0; i < 1000 && time(NULL) <= t; i++)
		usleep(5000);
}

/* ---------------------------------------------------------------------- */
/* Memory helpers.                                                        */

/*
 * Touch one byte at @p: read it (into *val, may be NULL) or write @wval.
 * Returns 0, or the signal the access raised (SIGSEGV or SIGBUS).
 */
static sigjmp_buf probe_env;
static volatile sig_atomic_t probe_signal;

static void probe_handler(int sig)
{
	probe_signal = sig;
	siglongjmp(probe_env, 1);
}

static int probe(volatile char *p, bool write, char wval, char *val)
{
	struct sigaction sa, old_segv, old_bus;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old_segv) ||
	    sigaction(SIGBUS, &sa, &old_bus))
		return -1;
	probe_signal = 0;
	if (sigsetjmp(probe_env, 1) == 0) {
		if (write) {
			*p = wval;
		} else {
			char c = *p;

			if (val)
				*val = c;
		}
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return probe_signal;
}

static int probe_read(const void *p)
{
	return probe((volatile char *)p, false, 0, NULL);
}

static int probe_write(void *p, char c)
{
	return probe((volatile char *)p, true, c, NULL);
}

/*
 * An address range of @len bytes that is free right now, between two
 * PROT_NONE guard pages that stay (so nothing larger than the hole can be
 * placed over part of it).  Callers use it at once.
 */
static void *free_range(size_t len)
{
	char *p = mmap(NULL, len + 2 * PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p + PAGE, len);
	return p + PAGE;
}

/* Is [p, p + len) unmapped?  (MAP_FIXED_NOREPLACE refuses mapped ranges.) */
static bool range_free(void *p, size_t len)
{
	void *q = mmap(p, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (q == MAP_FAILED)
		return false;
	munmap(q, len);
	return q == p;
}

/* An anonymous mapping of @len bytes, every byte @c, with protection @prot. */
static char *anon_fill(size_t len, char c, int prot)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, c, len);
	if (mprotect(p, len, prot)) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

/* Index of the first byte of [p, p + len) that is not @c, or -1. */
static long first_not(const void *p, size_t len, unsigned char c)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != c)
			return (long)i;
	return -1;
}

/* One line of /proc/self/maps. */
struct maps_line {
	unsigned long start, end;
	char perms[8];
	char dev[16];
	unsigned long long ino;
	char path[256];
};

static int maps_parse(const char *line, struct maps_line *m)
{
	int n;

	memset(m, 0, sizeof(*m));
	n = sscanf(line, "%lx-%lx %7s %*s %15s %llu %255[^\n]", &m->start,
		   &m->end, m->perms, m->dev, &m->ino, m->path);
	return n >= 5 ? 0 : -1;
}

/* The mapping of /proc/self/maps that contains @addr: 0, or -1 if none. */
static int maps_find(const void *addr, struct maps_line *out)
{
	unsigned long a = (unsigned long)(uintptr_t)addr;
	char line[512];
	int ret = -1;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct maps_line m;

		if (maps_parse(line, &m))
			continue;
		if (m.start <= a && a < m.end) {
			*out = m;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * The pieces (VMAs) of the segment mapped at @addr in this process: the
 * lines of /proc/self/maps with that mapping's device and inode.  -1 if
 * nothing is mapped at @addr.
 */
static int maps_pieces(const void *addr)
{
	struct maps_line want;
	char line[512];
	int n = 0;
	FILE *f;

	if (maps_find(addr, &want) || !want.ino)
		return -1;
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct maps_line m;

		if (!maps_parse(line, &m) && m.ino == want.ino &&
		    !strcmp(m.dev, want.dev))
			n++;
	}
	fclose(f);
	return n;
}

/* ---------------------------------------------------------------------- */
/* ioctl helpers.                                                         */

static struct aixipc_shmid_ds sstat(int fd, int id)
{
	struct aixipc_shmid_ds ds;

	memset(&ds, 0xa5, sizeof(ds));
	if (t_shmctl(fd, id, AIXIPC_IPC_STAT, NULL, &ds))
		memset(&ds, 0xff, sizeof(ds));	/* fails every comparison */
	return ds;
}

static uint64_t nattch(int fd, int id)
{
	return sstat(fd, id).nattch;
}

/* A shmctl with a value in: 0 or -errno. */
static int shm_cmd(int fd, int id, uint32_t cmd, uint64_t value)
{
	return t_shmctl(fd, id, cmd, &value, NULL);
}

/* SHM_GETLBA: the value, or -errno. */
static long getlba(int fd, int id)
{
	uint64_t v = 0;
	int err = t_shmctl(fd, id, AIXIPC_SHM_GETLBA, &v, NULL);

	return err ? err : (long)v;
}

static int shm_setds(int fd, int id, const struct aixipc_shmid_ds *ds)
{
	struct aixipc_shmid_ds copy = *ds;

	return t_shmctl(fd, id, AIXIPC_IPC_SET, NULL, &copy);
}

/* Attach where the kernel chooses: the address, or NULL. */
static char *attach(int fd, int id, uint32_t flags)
{
	void *p;

	if (t_shmat(fd, id, NULL, flags, &p, NULL))
		return NULL;
	return p;
}

/* Attach and detach again (for unprivileged children): 0 or -errno. */
static int attach_detach(int fd, int id, uint32_t flags)
{
	void *p;
	int err = t_shmat(fd, id, NULL, flags, &p, NULL);

	return err ? err : t_shmdt(fd, p, NULL);
}

/* mmap of the device at the offset that names segment @id. */
static void *mmap_id(int fd, int id, size_t len, int prot, int flags)
{
	return mmap64(NULL, len, prot, flags, fd, (off64_t)id << 12);
}

/* mmap_id's result as 0 or -errno, unmapping what it mapped. */
static int mmap_id_err(int fd, int id, size_t len, int prot, int flags)
{
	void *p = mmap_id(fd, id, len, prot, flags);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

#define LIST_MAX 512

/* ---------------------------------------------------------------------- */
/* The fixture: an open device, the limits, and the children to reap.     */

FIXTURE(shm) {
	int fd;
	struct aixipc_limits lim;
	struct t_kids kids;
};

FIXTURE_SETUP(shm)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_EQ((uint32_t)AIXIPC_ABI_VERSION, v.abi_version);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_SHM);
	self->lim = v.limits;
	signal(SIGPIPE, SIG_IGN);	/* a handshake with a killed child */
	ASSERT_EQ(PAGE, (unsigned long)sysconf(_SC_PAGESIZE));
	/* The tests below are written for the documented defaults. */
	ASSERT_EQ(1ULL, self->lim.shmmin);
	ASSERT_EQ(1ULL << 40, self->lim.shmmax);
	ASSERT_EQ((4ULL << 40) / PAGE, self->lim.shmall);
}

FIXTURE_TEARDOWN(shm)
{
	t_teardown(self->fd, &self->kids);
}

/* A new IPC_PRIVATE segment, removed by the teardown if the test does not. */
static int new_seg(FIXTURE_DATA(shm) *self, uint64_t size, uint32_t mode)
{
	int id = t_shmget(self->fd, AIXIPC_KEY_PRIVATE, size, AIXIPC_CREAT,
			  mode);

	if (id >= 0)
		t_track(AIXIPC_SHM, id);
	return id;
}

static int remove_seg(FIXTURE_DATA(shm) *self, int id)
{
	return t_rmid_tracked(self->fd, AIXIPC_SHM, id);
}

/* A public key nobody else uses. */
#define test_key(salt)	t_test_key(0x5c, salt)

static int get_key(FIXTURE_DATA(shm) *self, int32_t key, uint64_t size,
		   uint32_t flags, uint32_t mode)
{
	int id = t_shmget(self->fd, key, size, flags, mode);

	if (id >= 0)
		t_track(AIXIPC_SHM, id);	/* tracking an id twice is harmless */
	return id;
}

/* A segment created by uid 65534 (so owned by it): the id, or -errno. */
static int nobody_seg(FIXTURE_DATA(shm) *self, uint64_t size, uint32_t mode)
{
	long id = AS_NOBODY(({
		int s = t_shmget(self->fd, AIXIPC_KEY_PRIVATE, size,
				 AIXIPC_CREAT, mode);

		if (s >= 0)
			t_track(AIXIPC_SHM, s);
		s;
	}));

	return id == NOBODY_FAILED ? -ECHILD : (int)id;
}

/* ====================================================================== */
/* shmget                                                                 */

TEST_F(shm, get_private_creates_zero_filled_segment_of_the_size_asked)
{
	uint64_t sizes[] = { 1, 4095, 4096, 4097, 3 * MIB + 5 };
	unsigned int i;
	int prev = -1;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct aixipc_shmid_ds ds;
		uint64_t len = 0, out = 0;
		void *p = NULL;
		int id;

		id = new_seg(self, sizes[i], 0600);
		ASSERT_LE(0, id) TH_LOG("size %llu", (unsigned long long)sizes[i]);
		EXPECT_NE(prev, id);
		prev = id;
		ds = sstat(self->fd, id);
		EXPECT_EQ(sizes[i], ds.segsz);
		EXPECT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
		EXPECT_EQ(0ULL, ds.nattch);
		EXPECT_EQ(0ULL, ds.rss);
		ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, &p, &len));
		EXPECT_EQ(page_align(sizes[i]), len);
		EXPECT_EQ(0UL, (uintptr_t)p % PAGE);
		/* Zero-filled, every byte of the mapping writable. */
		EXPECT_EQ(-1, first_not(p, len, 0));
		memset(p, 0x5a, len);
		EXPECT_EQ(page_align(sizes[i]) / PAGE, sstat(self->fd, id).rss);
		EXPECT_EQ(0, t_shmdt(self->fd, p, &out));
		EXPECT_EQ(len, out);
		EXPECT_EQ(0, remove_seg(self, id));
	}
}

TEST_F(shm, get_pages_allocated_on_first_touch)
{
	char *p;
	int id;

	id = new_seg(self, 64 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0ULL, sstat(self->fd, id).rss);
	p[0] = 1;
	p[10 * PAGE + 5] = 2;
	p[63 * PAGE] = 3;
	EXPECT_EQ(3ULL, sstat(self->fd, id).rss);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	/* The pages belong to the segment, not to the attachment. */
	EXPECT_EQ(3ULL, sstat(self->fd, id).rss);
	p = attach(self->fd, id, RDONLY);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(2, p[10 * PAGE + 5]);
	EXPECT_EQ(0, p[20 * PAGE]);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * AIX 5.2 and later give 64-bit programs segments of up to 1 TB: one is
 * made, attached and used at pages across it in a VM of 1 GiB (pages come
 * at first touch); a 32-bit program's limit is AIX's 2 GiB.
 */
TEST_F(shm, one_tib_segment_made_and_used_sparsely)
{
	const uint64_t tib = 1ULL << 40;
#if defined(__x86_64__)
	const uint64_t at[] = { 0, 1ULL << 30, (512ULL << 30) + 123, tib - 1 };
	struct aixipc_info in;
	unsigned int i;
	uint64_t len;
	void *v;
	char *p;
	int id;

	id = new_seg(self, tib, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(tib, sstat(self->fd, id).segsz);
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_LE(tib / PAGE, in.count);	/* shmall counts it whole */
	ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, &v, &len));
	EXPECT_EQ(tib, len);
	p = v;
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		p[at[i]] = (char)(i + 1);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		EXPECT_EQ((char)(i + 1), p[at[i]]);
	EXPECT_EQ(0, p[at[1] + 1]);
	EXPECT_EQ(4ULL, sstat(self->fd, id).rss);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(-EINVAL, new_seg(self, tib + 1, 0600));
#else
	const uint64_t max32 = AIXIPC_SHMMAX_32BIT;
	int id;

	EXPECT_EQ(-EINVAL, new_seg(self, max32 + 1, 0600));
	EXPECT_EQ(-EINVAL, new_seg(self, tib, 0600));
	id = new_seg(self, max32, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, max32 + 1));
	EXPECT_EQ(0, remove_seg(self, id));
#endif
}

TEST_F(shm, get_size_outside_shmmin_to_shmmax_einval)
{
	uint64_t max = t_shmmax(&self->lim);
	uint64_t bad[] = { 0, max + 1, max + PAGE, 1ULL << 63, UINT64_MAX };
	int32_t key = test_key(1);
	unsigned int i;
	int id;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, get_key(self, AIXIPC_KEY_PRIVATE, bad[i],
					   AIXIPC_CREAT, 0600))
			TH_LOG("size %#llx", (unsigned long long)bad[i]);
		EXPECT_EQ(-EINVAL, get_key(self, key, bad[i], AIXIPC_CREAT, 0600))
			TH_LOG("size %#llx", (unsigned long long)bad[i]);
	}
	/* Nothing was created under the key. */
	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0, 0));
	/* shmmax itself is fine (nothing is allocated until touched). */
	id = new_seg(self, max, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(max, sstat(self->fd, id).segsz);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, get_existing_size_zero_finds_it_larger_einval_smaller_fine)
{
	int32_t key = test_key(2);
	int id;

	id = get_key(self, key, 10000, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(id, get_key(self, key, 0, 0, 0));
	EXPECT_EQ(id, get_key(self, key, 10000, 0, 0600));
	EXPECT_EQ(id, get_key(self, key, 1, 0, 0600));
	EXPECT_EQ(id, get_key(self, key, 4096, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-EINVAL, get_key(self, key, 10001, 0, 0600));
	EXPECT_EQ(-EINVAL, get_key(self, key, 10001, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-EINVAL, get_key(self, key, 12288, 0, 0600));
	/* The segment keeps its size. */
	EXPECT_EQ(10000ULL, sstat(self->fd, id).segsz);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, get_creat_excl_eexist_and_missing_key_enoent)
{
	int32_t key = test_key(3);
	int id;

	EXPECT_EQ(-ENOENT, get_key(self, key, 100, 0, 0600));
	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0, 0));
	EXPECT_EQ(-ENOENT, get_key(self, key, 100, AIXIPC_EXCL, 0600));
	id = get_key(self, key, 100, AIXIPC_CREAT | AIXIPC_EXCL, 0640);
	ASSERT_LE(0, id);
	EXPECT_EQ(key, sstat(self->fd, id).perm.key);
	EXPECT_EQ(id, get_key(self, key, 100, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-EEXIST, get_key(self, key, 100, AIXIPC_CREAT | AIXIPC_EXCL,
				   0600));
	EXPECT_EQ(-EEXIST, get_key(self, key, 0, AIXIPC_CREAT | AIXIPC_EXCL,
				   0600));
	/* A reopen changes neither mode nor size. */
	EXPECT_EQ(0640U, sstat(self->fd, id).perm.mode);
	EXPECT_EQ(100ULL, sstat(self->fd, id).segsz);
	/* A queue does not share the segment's key. */
	EXPECT_EQ(-ENOENT, t_msgget(self->fd, key, 0, 0600));
	EXPECT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(-ENOENT, get_key(self, key, 100, 0, 0600));
}

TEST_F(shm, get_key_zero_is_an_ordinary_public_key)
{
	int id, again, priv;

	id = get_key(self, 0, PAGE, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id) TH_LOG("key 0 in use by someone else?");
	again = get_key(self, 0, 0, 0, 0);
	EXPECT_EQ(id, again);
	EXPECT_EQ(0, sstat(self->fd, id).perm.key);
	EXPECT_EQ(-EEXIST, get_key(self, 0, PAGE, AIXIPC_CREAT | AIXIPC_EXCL,
				   0600));
	priv = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, priv);
	EXPECT_NE(id, priv);
	EXPECT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(-ENOENT, get_key(self, 0, 0, 0, 0));
	EXPECT_EQ(0, remove_seg(self, priv));
}

TEST_F(shm, get_existing_checks_requested_permission_eacces)
{
	struct aixipc_shmid_ds ds;
	int32_t key = test_key(4);
	int id;

	id = get_key(self, key, PAGE, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmget(self->fd, key, 0, 0, 0600)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmget(self->fd, key, 0, 0, 0400)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmget(self->fd, key, 0, 0, 0004)));
	EXPECT_EQ(id, AS_NOBODY(t_shmget(self->fd, key, 0, 0, 0)));
	EXPECT_EQ(id, get_key(self, key, PAGE, 0, 0777));
	ds = sstat(self->fd, id);
	ds.perm.mode = 0604;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(id, AS_NOBODY(t_shmget(self->fd, key, 0, 0, 0444)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmget(self->fd, key, 0, 0, 0222)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmget(self->fd, key, 0, 0, 0666)));
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * Fill shmall to the page with shmmax-sized segments and one of the rest:
 * a page over (a new segment, or SHM_SIZE growing one) fails with ENOSPC,
 * a size that keeps the page count does not.
 */
TEST_F(shm, get_and_size_past_shmall_enospc)
{
	uint64_t per = t_shmmax(&self->lim) / PAGE, left;
	struct aixipc_info in;
	int32_t key = test_key(5);
	int n = 0, small, id;

	in = t_info_of(self->fd, AIXIPC_SHM);
	ASSERT_GT(self->lim.shmall, in.count);
	left = self->lim.shmall - in.count;
	/* Keep one page free. */
	while (left - 1 > per) {
		ASSERT_GT(self->lim.shmall / per + 2, (uint64_t)n++)
			TH_LOG("shmall is not enforced");
		ASSERT_LE(0, new_seg(self, per * PAGE, 0600));
		left -= per;
	}
	if (left - 1 > 0) {
		ASSERT_LE(0, new_seg(self, (left - 1) * PAGE, 0600));
	}
	EXPECT_EQ(self->lim.shmall - 1, t_info_of(self->fd, AIXIPC_SHM).count);

	EXPECT_EQ(-ENOSPC, new_seg(self, PAGE + 1, 0600));
	small = new_seg(self, 1, 0600);		/* the last page */
	ASSERT_LE(0, small);
	EXPECT_EQ(self->lim.shmall, t_info_of(self->fd, AIXIPC_SHM).count);
	EXPECT_EQ(-ENOSPC, new_seg(self, 1, 0600));
	EXPECT_EQ(-ENOSPC, get_key(self, key, 1, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0, 0));

	/* SHM_SIZE within the segment's page is fine; a page more is not. */
	EXPECT_EQ(0, shm_cmd(self->fd, small, AIXIPC_SHM_SIZE, PAGE));
	EXPECT_EQ(-ENOSPC, shm_cmd(self->fd, small, AIXIPC_SHM_SIZE, PAGE + 1));
	EXPECT_EQ(-ENOSPC, shm_cmd(self->fd, small, AIXIPC_SHM_SIZE,
				   t_shmmax(&self->lim)));
	EXPECT_EQ(PAGE, sstat(self->fd, small).segsz);
	EXPECT_EQ(self->lim.shmall, t_info_of(self->fd, AIXIPC_SHM).count);

	/* Removing a segment gives its pages back. */
	EXPECT_EQ(0, remove_seg(self, small));
	id = new_seg(self, PAGE, 0600);
	EXPECT_LE(0, id);
	EXPECT_EQ(-ENOSPC, new_seg(self, 1, 0600));
	t_remove_tracked(self->fd);
	EXPECT_EQ(in.count, t_info_of(self->fd, AIXIPC_SHM).count);
}

TEST_F(shm, stale_and_bad_ids_fail_einval)
{
	struct aixipc_shmid_ds ds;
	int old, new, bad[] = { -1, INT_MIN, INT_MAX };
	long slot;
	unsigned int i;
	void *p;

	old = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, old);
	slot = t_list_index(self->fd, AIXIPC_SHM, old);
	ASSERT_LE(0, slot);
	ds = sstat(self->fd, old);
	ASSERT_EQ(0, remove_seg(self, old));
	new = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, new);
	ASSERT_NE(old, new);
	EXPECT_EQ(slot, t_list_index(self->fd, AIXIPC_SHM, new))
		TH_LOG("slot not reused: old id %#x, new id %#x", old, new);
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, old, NULL, 0, &p, NULL));
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, old, NULL, RDONLY, &p, NULL));
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, old, AIXIPC_IPC_STAT, NULL, &ds));
	EXPECT_EQ(-EINVAL, shm_setds(self->fd, old, &ds));
	EXPECT_EQ(-EINVAL, t_shm_rmid(self->fd, old));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, old, AIXIPC_SHM_SIZE, PAGE));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, old, AIXIPC_SHM_PAGESIZE, PAGE));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, old, AIXIPC_SHM_LOCK, 0));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, old, AIXIPC_SHM_UNLOCK, 0));
	EXPECT_EQ(-EINVAL, getlba(self->fd, old));
	EXPECT_EQ(-EINVAL, mmap_id_err(self->fd, old, PAGE,
				       PROT_READ | PROT_WRITE, MAP_SHARED));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, t_shmat(self->fd, bad[i], NULL, 0, &p, NULL));
		EXPECT_EQ(-EINVAL, t_shmctl(self->fd, bad[i], AIXIPC_IPC_STAT,
					    NULL, &ds));
		EXPECT_EQ(-EINVAL, t_shm_rmid(self->fd, bad[i]));
	}
	/* The new segment is untouched by all that. */
	EXPECT_EQ(0ULL, nattch(self->fd, new));
	EXPECT_EQ(0, attach_detach(self->fd, new, 0));
	EXPECT_EQ(0, remove_seg(self, new));
}

/* ====================================================================== */
/* shmat                                                                  */

TEST_F(shm, at_rejects_unknown_flags_einval)
{
	uint32_t bad[] = { 0x8, 0x10, 0x100, 1U << 31, 0xffffffff,
			   RDONLY | 0x8, RND | REMAP | 0x40 };
	unsigned int i;
	void *p;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, NULL, bad[i], &p, NULL))
			TH_LOG("flags %#x", bad[i]);
	}
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0ULL, sstat(self->fd, id).atime);
	EXPECT_EQ(0, attach_detach(self->fd, id, RDONLY));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, at_maps_whole_pages_named_sysv_key_in_proc_maps)
{
	int32_t key = test_key(6);
	struct maps_line m;
	char name[64];
	uint64_t len;
	void *p;
	int id, priv;

	id = get_key(self, key, 3 * PAGE + 1, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, &p, &len));
	EXPECT_EQ(4 * PAGE, len);
	ASSERT_EQ(0, maps_find(p, &m));
	EXPECT_EQ((unsigned long)(uintptr_t)p, m.start);
	EXPECT_EQ(4 * PAGE, m.end - m.start);
	EXPECT_EQ('s', m.perms[3]);	/* shared */
	snprintf(name, sizeof(name), "/SYSV%08x (deleted)", (uint32_t)key);
	EXPECT_STREQ(name, m.path);
	/* The last byte of the last page is there, the page after is not ours. */
	EXPECT_EQ(0, probe_write((char *)p + 4 * PAGE - 1, 1));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));

	priv = new_seg(self, 1, 0600);
	ASSERT_LE(0, priv);
	ASSERT_EQ(0, t_shmat(self->fd, priv, NULL, RDONLY, &p, &len));
	EXPECT_EQ(PAGE, len);
	ASSERT_EQ(0, maps_find(p, &m));
	EXPECT_EQ(PAGE, m.end - m.start);
	EXPECT_STREQ("/SYSVffffffff (deleted)", m.path);
	EXPECT_STREQ("r--s", m.perms);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(0, remove_seg(self, priv));
}

TEST_F(shm, at_given_free_address_is_used_exactly)
{
	char *want, *p, *q;
	uint64_t len;
	int id;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	t_fill_pattern(p, 2 * PAGE, 1);
	want = free_range(2 * PAGE);
	ASSERT_NE(NULL, want);
	ASSERT_EQ(0, t_shmat(self->fd, id, want, 0, (void **)&q, &len));
	EXPECT_EQ(want, q);
	EXPECT_EQ(2 * PAGE, len);
	EXPECT_EQ(-1, t_check_pattern(q, 2 * PAGE, 1));
	q[5] = 'z';
	EXPECT_EQ('z', p[5]);
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, at_unaligned_address_einval_without_rnd)
{
	unsigned long off[] = { 1, 2048, PAGE - 1 };
	unsigned int i;
	char *want;
	void *p;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	want = free_range(2 * PAGE);
	ASSERT_NE(NULL, want);
	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, want + off[i], 0, &p,
					   NULL)) TH_LOG("offset %lu", off[i]);
	}
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, want + 1, RDONLY, &p, NULL));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_TRUE(range_free(want, 2 * PAGE));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, at_rnd_rounds_down_to_the_getlba_boundary)
{
	unsigned long off[] = { 0, 1, 123, PAGE - 1 };
	unsigned int i;
	char *want;
	void *p;
	int id;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ((long)PAGE, getlba(self->fd, id));
	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		want = free_range(3 * PAGE);
		ASSERT_NE(NULL, want);
		want += PAGE;
		ASSERT_EQ(0, t_shmat(self->fd, id, want + off[i], RND, &p, NULL))
			TH_LOG("offset %lu", off[i]);
		EXPECT_EQ(want, p) TH_LOG("offset %lu", off[i]);
		EXPECT_EQ(0, probe_write(p, 'r'));
		EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	}
	/* With RDONLY too. */
	want = free_range(2 * PAGE);
	ASSERT_NE(NULL, want);
	ASSERT_EQ(0, t_shmat(self->fd, id, want + 77, RND | RDONLY, &p, NULL));
	EXPECT_EQ(want, p);
	EXPECT_EQ('r', *(char *)p);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, at_rnd_rounding_to_zero_einval)
{
	unsigned long addr[] = { 1, 2048, PAGE - 1 };
	unsigned int i;
	void *p;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(addr) / sizeof(addr[0]); i++) {
		EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, (void *)addr[i], RND,
					   &p, NULL)) TH_LOG("addr %#lx", addr[i]);
		EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, (void *)addr[i],
					   RND | REMAP, &p, NULL))
			TH_LOG("addr %#lx", addr[i]);
	}
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, at_over_mapped_range_einval_remap_replaces)
{
	char *anon, *hole, *p, *a, *b;
	int id, other;

	id = new_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 's', 3 * PAGE);

	/* Wholly over an anonymous mapping: refused, the mapping intact. */
	anon = anon_fill(3 * PAGE, 'A', PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, anon);
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, anon, 0, (void **)&a, NULL));
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, anon, RDONLY, (void **)&a,
				   NULL));
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, anon + 5, RND, (void **)&a,
				   NULL));
	EXPECT_EQ(-1, first_not(anon, 3 * PAGE, 'A'));

	/* Partly over one: refused, and nothing is left in the free part. */
	hole = free_range(5 * PAGE);
	ASSERT_NE(NULL, hole);
	ASSERT_EQ(hole + 2 * PAGE, mmap(hole + 2 * PAGE, PAGE,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS |
					MAP_FIXED_NOREPLACE, -1, 0));
	hole[2 * PAGE] = 'H';
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, hole, 0, (void **)&a, NULL));
	EXPECT_TRUE(range_free(hole, 2 * PAGE));
	EXPECT_EQ('H', hole[2 * PAGE]);
	EXPECT_EQ(1ULL, nattch(self->fd, id));

	/* Over another attachment: refused too. */
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, p, 0, (void **)&a, NULL));
	EXPECT_EQ(1ULL, nattch(self->fd, id));

	/* SHM_REMAP replaces the anonymous mapping... */
	ASSERT_EQ(0, t_shmat(self->fd, id, anon, REMAP, (void **)&a, NULL));
	EXPECT_EQ(anon, a);
	EXPECT_EQ(-1, first_not(a, 3 * PAGE, 's'));
	a[0] = 't';
	EXPECT_EQ('t', p[0]);
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	/* ...and the partly overlapped one... */
	ASSERT_EQ(0, t_shmat(self->fd, id, hole + PAGE, REMAP, (void **)&b,
			     NULL));
	EXPECT_EQ(hole + PAGE, b);
	EXPECT_EQ('t', b[0]);
	EXPECT_EQ(3ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, b, NULL));

	/* ...and another segment's attachment, which goes away. */
	other = new_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, other);
	b = attach(self->fd, other, 0);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(1ULL, nattch(self->fd, other));
	ASSERT_EQ(0, t_shmat(self->fd, id, b, REMAP, (void **)&a, NULL));
	EXPECT_EQ(b, a);
	EXPECT_EQ('t', a[0]);
	EXPECT_EQ(0ULL, nattch(self->fd, other));
	EXPECT_EQ(3ULL, nattch(self->fd, id));

	/* SHM_REMAP needs an address. */
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, NULL, REMAP, (void **)&b,
				   NULL));
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, NULL, REMAP | RDONLY,
				   (void **)&b, NULL));
	EXPECT_EQ(3ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, other));
	EXPECT_EQ(0, remove_seg(self, id));
}

/* The attach address is not dereferenced: unmapped or PROT_NONE is fine. */
TEST_F(shm, at_unmapped_or_prot_none_address_is_where_it_goes)
{
	char *want, *none, *p;
	int id;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	want = free_range(2 * PAGE);
	ASSERT_NE(NULL, want);
	ASSERT_EQ(0, t_shmat(self->fd, id, want, 0, (void **)&p, NULL));
	EXPECT_EQ(want, p);
	EXPECT_EQ(0, probe_write(p + PAGE, 'u'));

	none = anon_fill(2 * PAGE, 0, PROT_NONE);
	ASSERT_NE(NULL, none);
	/* A PROT_NONE reservation is a mapping: only SHM_REMAP replaces it. */
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, id, none, 0, (void **)&p, NULL));
	EXPECT_EQ(SIGSEGV, probe_read(none));
	ASSERT_EQ(0, t_shmat(self->fd, id, none, REMAP, (void **)&p, NULL));
	EXPECT_EQ(none, p);
	EXPECT_EQ('u', p[PAGE]);
	EXPECT_EQ(0, probe_write(p, 'n'));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, none, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, want, NULL));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, at_needs_read_and_write_permission_eacces)
{
	struct aixipc_shmid_ds ds;
	int id, mine;
	void *p;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(attach_detach(self->fd, id, RDONLY)));
	EXPECT_EQ(-EACCES, AS_NOBODY(attach_detach(self->fd, id, 0)));
	ds = sstat(self->fd, id);
	ds.perm.mode = 0604;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(0, AS_NOBODY(attach_detach(self->fd, id, RDONLY)));
	EXPECT_EQ(-EACCES, AS_NOBODY(attach_detach(self->fd, id, 0)));
	ds.perm.mode = 0602;	/* write without read is not enough */
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(-EACCES, AS_NOBODY(attach_detach(self->fd, id, RDONLY)));
	EXPECT_EQ(-EACCES, AS_NOBODY(attach_detach(self->fd, id, 0)));
	ds.perm.mode = 0606;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(0, AS_NOBODY(attach_detach(self->fd, id, 0)));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	/* Group bits apply to the group. */
	ds.perm.mode = 0060;
	ds.perm.gid = NOBODY;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(0, AS_NOBODY(attach_detach(self->fd, id, 0)));
	/* Root (CAP_IPC_OWNER) needs no permission bits. */
	ds.perm.mode = 0;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(0, attach_detach(self->fd, id, 0));

	/* The owner's bits: a read-only segment of its own. */
	mine = nobody_seg(self, PAGE, 0400);
	ASSERT_LE(0, mine);
	EXPECT_EQ(0, AS_NOBODY(attach_detach(self->fd, mine, RDONLY)));
	EXPECT_EQ(-EACCES, AS_NOBODY(attach_detach(self->fd, mine, 0)));
	EXPECT_EQ(0ULL, nattch(self->fd, mine));
	EXPECT_EQ(-EINVAL, t_shmat(self->fd, mine, NULL, 0x8, &p, NULL));
	EXPECT_EQ(0, remove_seg(self, mine));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, at_rdonly_writes_fault_and_mprotect_write_eacces)
{
	char *w, *r;
	int id;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	w = attach(self->fd, id, 0);
	ASSERT_NE(NULL, w);
	t_fill_pattern(w, 2 * PAGE, 3);
	r = attach(self->fd, id, RDONLY);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(-1, t_check_pattern(r, 2 * PAGE, 3));
	EXPECT_EQ(SIGSEGV, probe_write(r, 'x'));
	EXPECT_EQ(SIGSEGV, probe_write(r + 2 * PAGE - 1, 'x'));
	EXPECT_EQ(-1, t_check_pattern(w, 2 * PAGE, 3));

	errno = 0;
	EXPECT_EQ(-1, mprotect(r, 2 * PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	errno = 0;
	EXPECT_EQ(-1, mprotect(r + PAGE, PAGE, PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, probe_write(r + PAGE, 'x'));
	/* Taking rights away and back up to read is fine. */
	EXPECT_EQ(0, mprotect(r, 2 * PAGE, PROT_NONE));
	EXPECT_EQ(SIGSEGV, probe_read(r));
	EXPECT_EQ(0, mprotect(r, 2 * PAGE, PROT_READ));
	w[7] = 'w';
	EXPECT_EQ('w', r[7]);
	EXPECT_EQ(0, t_shmdt(self->fd, r, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, w, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, mremap_grow_efault_move_einval_shrink_is_partial_munmap)
{
	struct maps_line m;
	char *p, *dst, *r;
	uint64_t out = 0;
	int id;

	id = new_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	t_fill_pattern(p, 3 * PAGE, 4);

	/* Growing, in place or by moving: refused (VM_DONTEXPAND). */
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, 3 * PAGE, 4 * PAGE, 0));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(MAP_FAILED, mremap(p, 3 * PAGE, 8 * PAGE, MREMAP_MAYMOVE));
	EXPECT_EQ(EFAULT, errno);

	/* Moving to another address: refused, the attachment stays put. */
	dst = anon_fill(3 * PAGE, 0, PROT_NONE);
	ASSERT_NE(NULL, dst);
	errno = 0;
	r = mremap(p, 3 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	EXPECT_EQ(MAP_FAILED, r);
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	r = mremap(p, 3 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	EXPECT_EQ(MAP_FAILED, r);
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, maps_find(p, &m));
	EXPECT_EQ((unsigned long)(uintptr_t)p, m.start);
	EXPECT_EQ(3 * PAGE, m.end - m.start);
	EXPECT_EQ(-1, t_check_pattern(p, 3 * PAGE, 4));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(1, maps_pieces(p));
	munmap(dst, 3 * PAGE);

	/* Shrinking in place is a partial munmap. */
	EXPECT_EQ(p, mremap(p, 3 * PAGE, PAGE, 0));
	EXPECT_EQ(SIGSEGV, probe_read(p + PAGE));
	EXPECT_EQ(-1, t_check_pattern(p, PAGE, 4));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, p, &out));
	EXPECT_EQ(PAGE, out);
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	/* The pages are the segment's: still there. */
	p = attach(self->fd, id, RDONLY);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(-1, t_check_pattern(p, 3 * PAGE, 4));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, mmap_of_device_at_id_offset_attaches)
{
	struct maps_line m;
	char *p, *q;
	int id, rofd;

	id = new_seg(self, 2 * PAGE + 100, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	t_fill_pattern(p, 3 * PAGE, 5);

	q = mmap_id(self->fd, id, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, q) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	EXPECT_EQ(getpid(), sstat(self->fd, id).lpid);
	EXPECT_EQ(-1, t_check_pattern(q, 3 * PAGE, 5));
	q[PAGE + 1] = 'm';
	EXPECT_EQ('m', p[PAGE + 1]);
	ASSERT_EQ(0, maps_find(q, &m));
	EXPECT_STREQ("/SYSVffffffff (deleted)", m.path);
	EXPECT_EQ(0, munmap(q, 3 * PAGE));
	EXPECT_EQ(1ULL, nattch(self->fd, id));

	/* A shorter mapping covers the start of the segment. */
	q = mmap_id(self->fd, id, PAGE, PROT_READ, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(-1, t_check_pattern(q, PAGE, 5));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	EXPECT_EQ(0, munmap(q, PAGE));

	/* Longer than PAGE_ALIGN(segsz), or private: EINVAL. */
	EXPECT_EQ(-EINVAL, mmap_id_err(self->fd, id, 3 * PAGE + 1,
				       PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT_EQ(-EINVAL, mmap_id_err(self->fd, id, 4 * PAGE, PROT_READ,
				       MAP_SHARED));
	EXPECT_EQ(-EINVAL, mmap_id_err(self->fd, id, PAGE,
				       PROT_READ | PROT_WRITE, MAP_PRIVATE));
	EXPECT_EQ(-EINVAL, mmap_id_err(self->fd, id, PAGE, PROT_READ,
				       MAP_PRIVATE));
	EXPECT_EQ(1ULL, nattch(self->fd, id));

	/* The device open for reading only: EACCES, even to read. */
	rofd = open(AIXIPC_DEVICE, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, rofd);
	EXPECT_EQ(-EACCES, mmap_id_err(rofd, id, PAGE, PROT_READ, MAP_SHARED));
	EXPECT_EQ(-EACCES, mmap_id_err(rofd, id, PAGE, PROT_READ | PROT_WRITE,
				       MAP_SHARED));
	close(rofd);
	EXPECT_EQ(1ULL, nattch(self->fd, id));

	/* Unprivileged: the segment's permissions apply as for shmat. */
	EXPECT_EQ(-EACCES, AS_NOBODY(mmap_id_err(self->fd, id, PAGE,
						 PROT_READ | PROT_WRITE,
						 MAP_SHARED)));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

/* ====================================================================== */
/* shmdt                                                                  */

TEST_F(shm, dt_of_anything_but_an_attachment_start_einval)
{
	char *p, *anon;
	uint64_t out = 0;
	int id;

	id = new_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	anon = anon_fill(PAGE, 'a', PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, anon);
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, p + 1, NULL));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, p + PAGE, NULL));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, p + 2 * PAGE, NULL));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, p + 3 * PAGE, NULL));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, NULL, NULL));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, anon, NULL));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, free_range(PAGE), NULL));
	EXPECT_EQ('a', anon[0]);
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(0, probe_write(p + PAGE, 1));
	EXPECT_EQ(0, t_shmdt(self->fd, p, &out));
	EXPECT_EQ(3 * PAGE, out);
	EXPECT_EQ(SIGSEGV, probe_read(p));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, p, NULL));

	/* Without its first page, an attachment has no start left. */
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, munmap(p, PAGE));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(-EINVAL, t_shmdt(self->fd, p + PAGE, NULL));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(0, munmap(p + PAGE, 2 * PAGE));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	munmap(anon, PAGE);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, dt_unmaps_every_piece_of_that_attachment_only)
{
	uint64_t out = 0;
	char *p, *q;
	int id, i;

	id = new_seg(self, 5 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	q = attach(self->fd, id, 0);
	ASSERT_NE(NULL, q);
	/* p in five pieces: RW, R, RW, R, RW. */
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_READ));
	ASSERT_EQ(0, mprotect(p + 3 * PAGE, PAGE, PROT_READ));
	EXPECT_EQ(6, maps_pieces(p));
	EXPECT_EQ(6ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, p, &out));
	EXPECT_EQ(5 * PAGE, out);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(SIGSEGV, probe_read(p + i * PAGE)) TH_LOG("page %d", i);
	}
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(1, maps_pieces(q));
	EXPECT_EQ(0, probe_write(q + 4 * PAGE, 'q'));
	EXPECT_EQ(0, t_shmdt(self->fd, q, &out));
	EXPECT_EQ(5 * PAGE, out);
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
}

/* ====================================================================== */
/* nattch, lpid and the data seen by several processes                    */

TEST_F(shm, fork_child_inherits_attachment_writes_parent_sees)
{
	struct handshake h;
	char *p;
	pid_t pid;
	int id;

	id = new_seg(self, 4 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 0, 4 * PAGE);
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		t_fill_pattern(p, 4 * PAGE, 9);
		_exit(hs_kid_ready_wait(&h) ? KID_BROKEN : 0);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	/* Seen while the child still has it attached. */
	EXPECT_EQ(-1, t_check_pattern(p, 4 * PAGE, 9));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(pid, sstat(self->fd, id).lpid);
	EXPECT_EQ(-1, t_check_pattern(p, 4 * PAGE, 9));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * cpid and lpid answer in the reader's pid namespace (as Linux's shmctl):
 * a creator and attacher in a child namespace reads itself as 1 and is
 * seen by its pid here, also after it has exited.
 */
/* Creates and attaches a segment as pid 1; exits attached. */
static int pids_inside(void *arg)
{
	int *ids = arg;		/* the device, then the new segment's id */
	struct aixipc_shmid_ds ds;

	ids[1] = t_shmget(ids[0], AIXIPC_KEY_PRIVATE, PAGE, AIXIPC_CREAT, 0600);
	if (ids[1] < 0 || !attach(ids[0], ids[1], 0))
		return KID_WRONG;
	ds = sstat(ids[0], ids[1]);
	return ds.cpid == 1 && ds.lpid == 1 ? 0 : KID_WRONG;
}

TEST_F(shm, pids_are_translated_into_the_readers_pid_namespace)
{
	int *ids = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t inner;

	ASSERT_NE(MAP_FAILED, ids);
	ids[0] = self->fd;
	ids[1] = -1;
	EXPECT_EQ(0, t_in_new_pidns(pids_inside, ids, &inner));
	ASSERT_LE(0, ids[1]);
	t_track(AIXIPC_SHM, ids[1]);
	/* The exit was the last detach. */
	EXPECT_EQ(inner, sstat(self->fd, ids[1]).cpid);
	EXPECT_EQ(inner, sstat(self->fd, ids[1]).lpid);
	EXPECT_EQ(0ULL, nattch(self->fd, ids[1]));
	EXPECT_EQ(0, remove_seg(self, ids[1]));
	munmap(ids, 4096);
}

/* Each of 32 children writes its region while the others check theirs. */
#define NPROC32		32
#define REGION		(2 * PAGE)

struct board {
	int written;		/* children that have written their region */
	int bad[NPROC32];	/* per child: regions it found wrong */
};

static int region_kid(int fd, int id, int me, struct board *b)
{
	char *p = attach(fd, id, 0);
	int i, spins;

	if (!p)
		return KID_BROKEN;
	t_fill_pattern(p + me * REGION, REGION, 100 + me);
	__atomic_add_fetch(&b->written, 1, __ATOMIC_SEQ_CST);
	for (spins = 0; __atomic_load_n(&b->written, __ATOMIC_SEQ_CST) < NPROC32;
	     spins++) {
		if (spins > 60000)	/* a hang guard, not a timing */
			return KID_BROKEN;
		usleep(1000);
	}
	for (i = 0; i < NPROC32; i++)
		if (t_check_pattern(p + i * REGION, REGION, 100 + i) >= 0)
			b->bad[me]++;
	if (t_shmdt(fd, p, NULL))
		return KID_BROKEN;
	return b->bad[me] ? KID_WRONG : 0;
}

TEST_F_TIMEOUT(shm, data_thirty_two_processes_attach_write_check_detach, 120)
{
	struct board *b;
	pid_t pid[NPROC32];
	char *p;
	int i, id;

	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, b);
	id = new_seg(self, NPROC32 * REGION, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < NPROC32; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(region_kid(self->fd, id, i, b));
	}
	for (i = 0; i < NPROC32; i++) {
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("child %d", i);
		EXPECT_EQ(0, b->bad[i]) TH_LOG("child %d", i);
	}
	EXPECT_EQ(NPROC32, b->written);
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	/* The data outlives every attachment. */
	p = attach(self->fd, id, RDONLY);
	ASSERT_NE(NULL, p);
	for (i = 0; i < NPROC32; i++) {
		EXPECT_EQ(-1, t_check_pattern(p + i * REGION, REGION, 100 + i))
			TH_LOG("region %d", i);
	}
	EXPECT_EQ((uint64_t)NPROC32 * REGION / PAGE, sstat(self->fd, id).rss);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
	munmap(b, sizeof(*b));
}

TEST_F(shm, nattch_counts_fork_children_until_they_exit)
{
	struct handshake h[3];
	struct aixipc_shmid_ds ds;
	time_t before;
	pid_t pid[3];
	char *p;
	int i, id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, hs_init(&h[i]));
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(hs_kid_ready_wait(&h[i]) ? KID_BROKEN : 0);
		ASSERT_EQ(0, hs_parent_wait_ready(&h[i]));
		EXPECT_EQ((uint64_t)i + 2, nattch(self->fd, id));
		/*
		 * A fork is an attach; whether the parent (which runs the
		 * fork) or the child is named is not specified.
		 */
		ds = sstat(self->fd, id);
		EXPECT_TRUE(ds.lpid == getpid() || ds.lpid == pid[i])
			TH_LOG("lpid %d after fork of %d", ds.lpid, pid[i]);
	}
	before = time(NULL);
	for (i = 2; i >= 0; i--) {
		hs_parent_go(&h[i]);
		EXPECT_EQ(0, t_reap(&self->kids, pid[i]));
		ds = sstat(self->fd, id);
		EXPECT_EQ((uint64_t)i + 1, ds.nattch);
		/* An exit is a detach by the exiting process. */
		EXPECT_EQ(pid[i], ds.lpid);
		EXPECT_LE(before, ds.dtime);
	}
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(getpid(), sstat(self->fd, id).lpid);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, nattch_counts_pieces_after_partial_munmap)
{
	char *p;
	int id;

	id = new_seg(self, 6 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	/* A hole in the middle: two pieces. */
	ASSERT_EQ(0, munmap(p + 2 * PAGE, PAGE));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	EXPECT_EQ(2, maps_pieces(p));
	/* Another hole: three. */
	ASSERT_EQ(0, munmap(p + 4 * PAGE, PAGE));
	EXPECT_EQ(3ULL, nattch(self->fd, id));
	EXPECT_EQ(3, maps_pieces(p));
	/* Trimming a piece's end leaves the count alone. */
	ASSERT_EQ(0, munmap(p + PAGE, PAGE));
	EXPECT_EQ(3ULL, nattch(self->fd, id));
	/* One munmap over two whole pieces and the holes between. */
	ASSERT_EQ(0, munmap(p, 4 * PAGE));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(1, maps_pieces(p + 5 * PAGE));
	EXPECT_EQ(0, probe_write(p + 5 * PAGE, 1));
	ASSERT_EQ(0, munmap(p + 5 * PAGE, PAGE));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(getpid(), sstat(self->fd, id).lpid);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, nattch_counts_pieces_after_mprotect_split)
{
	char *p;
	int id;

	id = new_seg(self, 4 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, mprotect(p + PAGE, PAGE, PROT_READ));
	EXPECT_EQ(3ULL, nattch(self->fd, id));
	EXPECT_EQ(3, maps_pieces(p));
	ASSERT_EQ(0, mprotect(p + 3 * PAGE, PAGE, PROT_NONE));
	EXPECT_EQ(4ULL, nattch(self->fd, id));
	EXPECT_EQ(4, maps_pieces(p));
	EXPECT_EQ(SIGSEGV, probe_write(p + PAGE, 1));
	EXPECT_EQ(SIGSEGV, probe_read(p + 3 * PAGE));
	EXPECT_EQ(0, probe_write(p + 2 * PAGE, 1));
	/*
	 * Whether pieces merge back when their protections match again is
	 * the kernel's business; nattch must follow what is mapped.
	 */
	ASSERT_EQ(0, mprotect(p, 4 * PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ((uint64_t)maps_pieces(p), nattch(self->fd, id));
	EXPECT_EQ(0, probe_write(p + 3 * PAGE, 1));
	/* A fork copies every piece. */
	EXPECT_EQ((uint64_t)maps_pieces(p) * 2,
		  (uint64_t)T_IN_CHILD(0, (long)nattch(self->fd, id)));
	EXPECT_EQ((uint64_t)maps_pieces(p), nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, nattch_drops_when_attached_process_execs)
{
	struct handshake h, x;
	char env[64], c;
	pid_t pid;
	int id, err;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);

	/* The new image says hello while the process still lives. */
	ASSERT_EQ(0, hs_init(&h));
	ASSERT_EQ(0, hs_init(&x));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *p = attach(self->fd, id, 0);

		if (!p || mprotect(p, PAGE, PROT_READ))
			_exit(KID_BROKEN);
		if (hs_kid_ready_wait(&h))
			_exit(KID_BROKEN);
		close(x.ready[0]);
		close(x.go[1]);
		snprintf(env, sizeof(env), "%d,%d", x.go[0], x.ready[1]);
		setenv(HELPER_ENV, env, 1);
		execl("/proc/self/exe", "shm_test", (char *)NULL);
		_exit(KID_BROKEN);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	hs_parent_go(&h);
	close(x.ready[1]);
	close(x.go[0]);
	/* The byte comes from the new image. */
	ASSERT_EQ(1, read(x.ready[0], &c, 1));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(pid, sstat(self->fd, id).lpid);
	c = 'g';
	ASSERT_EQ(1, write(x.go[1], &c, 1));
	close(x.go[1]);
	close(x.ready[0]);
	EXPECT_EQ(0, t_reap(&self->kids, pid));

	/* And with /bin/true. */
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (!attach(self->fd, id, RDONLY) || hs_kid_ready_wait(&h))
			_exit(KID_BROKEN);
		execl("/bin/true", "true", (char *)NULL);
		_exit(KID_BROKEN);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	hs_parent_go(&h);
	err = t_reap(&self->kids, pid);
	EXPECT_EQ(0, err);
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, nattch_exact_after_sigkill_of_attached_processes)
{
	struct handshake h[4];
	struct aixipc_info before;
	pid_t pid[4];
	int i, id;

	before = t_info_of(self->fd, AIXIPC_SHM);
	id = new_seg(self, 8 * PAGE, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, hs_init(&h[i]));
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			char *p = attach(self->fd, id, 0);

			/* Two pieces each, and a page touched. */
			if (!p || mprotect(p, PAGE, PROT_READ))
				_exit(KID_BROKEN);
			p[(i + 1) * PAGE] = 'k';
			hs_kid_ready_wait(&h[i]);
			pause();
			_exit(KID_BROKEN);
		}
		ASSERT_EQ(0, hs_parent_wait_ready(&h[i]));
	}
	EXPECT_EQ(8ULL, nattch(self->fd, id));
	EXPECT_EQ(4ULL, sstat(self->fd, id).rss);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, kill(pid[i], SIGKILL));
		EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid[i]));
		/* Right after the reap: the exit has unmapped everything. */
		EXPECT_EQ((uint64_t)(3 - i) * 2, nattch(self->fd, id));
		EXPECT_EQ(pid[i], sstat(self->fd, id).lpid);
		close(h[i].go[1]);
		close(h[i].ready[0]);
	}
	EXPECT_EQ(4ULL, sstat(self->fd, id).rss);
	/* Then removable, and gone at once. */
	EXPECT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, NULL));
	EXPECT_EQ(-EINVAL, attach_detach(self->fd, id, 0));
	EXPECT_EQ(before.count, t_info_of(self->fd, AIXIPC_SHM).count);
	EXPECT_EQ(before.in_use, t_info_of(self->fd, AIXIPC_SHM).in_use);
}

/* A process-shared mutex and POSIX semaphore inside a segment. */
#define LOCKERS		4
#define LOCK_ROUNDS	20000

struct locks {
	pthread_mutex_t mutex;
	long mutex_count;
	char pad1[64];
	sem_t sem;
	long sem_count;
	char pad2[64];
	int failures;
};

static int locker_kid(int fd, int id, struct handshake *h)
{
	struct locks *l = (struct locks *)attach(fd, id, 0);
	int i, fails = 0;

	/* Its own attachment, at another address than the parent's. */
	if (!l || hs_kid_ready_wait(h))
		return KID_BROKEN;
	for (i = 0; i < LOCK_ROUNDS; i++) {
		if (pthread_mutex_lock(&l->mutex)) {
			fails++;
		} else {
			l->mutex_count++;
			if (pthread_mutex_unlock(&l->mutex))
				fails++;
		}
		if (sem_wait(&l->sem)) {
			fails++;
		} else {
			l->sem_count++;
			if (sem_post(&l->sem))
				fails++;
		}
	}
	__atomic_add_fetch(&l->failures, fails, __ATOMIC_SEQ_CST);
	return fails ? KID_WRONG : 0;
}

TEST_F_TIMEOUT(shm, process_shared_mutex_and_semaphore_count_exactly, 240)
{
	struct handshake h[LOCKERS];
	pthread_mutexattr_t ma;
	pid_t pid[LOCKERS];
	struct locks *l;
	int i, id, v = -1;

	id = new_seg(self, sizeof(*l), 0600);
	ASSERT_LE(0, id);
	l = (struct locks *)attach(self->fd, id, 0);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, pthread_mutexattr_init(&ma));
	ASSERT_EQ(0, pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED));
	ASSERT_EQ(0, pthread_mutex_init(&l->mutex, &ma));
	ASSERT_EQ(0, pthread_mutexattr_destroy(&ma));
	ASSERT_EQ(0, sem_init(&l->sem, 1, 1));
	for (i = 0; i < LOCKERS; i++) {
		ASSERT_EQ(0, hs_init(&h[i]));
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			_exit(locker_kid(self->fd, id, &h[i]));
	}
	/* All attached and waiting: let them go together. */
	for (i = 0; i < LOCKERS; i++) {
		ASSERT_EQ(0, hs_parent_wait_ready(&h[i]));
	}
	EXPECT_EQ((uint64_t)1 + 2 * LOCKERS, nattch(self->fd, id));
	for (i = 0; i < LOCKERS; i++)
		hs_parent_go(&h[i]);
	for (i = 0; i < LOCKERS; i++) {
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("locker %d", i);
	}
	EXPECT_EQ(0, l->failures);
	EXPECT_EQ((long)LOCKERS * LOCK_ROUNDS, l->mutex_count);
	EXPECT_EQ((long)LOCKERS * LOCK_ROUNDS, l->sem_count);
	/* Both are free again. */
	EXPECT_EQ(0, pthread_mutex_trylock(&l->mutex));
	EXPECT_EQ(0, pthread_mutex_unlock(&l->mutex));
	EXPECT_EQ(0, sem_getvalue(&l->sem, &v));
	EXPECT_EQ(1, v);
	EXPECT_EQ(0, sem_destroy(&l->sem));
	EXPECT_EQ(0, pthread_mutex_destroy(&l->mutex));
	EXPECT_EQ(0, t_shmdt(self->fd, l, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

/* ====================================================================== */
/* shmctl: IPC_STAT, IPC_SET, IPC_RMID                                    */

TEST_F(shm, ctl_stat_of_a_new_segment)
{
	struct aixipc_shmid_ds ds;
	int32_t key = test_key(7);
	time_t before, after;
	int id;

	before = time(NULL);
	id = get_key(self, key, 12345, AIXIPC_CREAT | AIXIPC_EXCL, 0640);
	after = time(NULL);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	EXPECT_EQ(key, ds.perm.key);
	EXPECT_EQ(geteuid(), ds.perm.uid);
	EXPECT_EQ(getegid(), ds.perm.gid);
	EXPECT_EQ(geteuid(), ds.perm.cuid);
	EXPECT_EQ(getegid(), ds.perm.cgid);
	EXPECT_EQ(0640U, ds.perm.mode);
	EXPECT_EQ(0U, ds.perm.__reserved);
	EXPECT_EQ(12345ULL, ds.segsz);
	EXPECT_EQ(0, ds.lpid);
	EXPECT_EQ(getpid(), ds.cpid);
	EXPECT_EQ(0ULL, ds.nattch);
	EXPECT_EQ(0, ds.atime);
	EXPECT_EQ(0, ds.dtime);
	EXPECT_LE(before, ds.ctime);
	EXPECT_GE(after, ds.ctime);
	EXPECT_EQ(0ULL, ds.rss);
	EXPECT_EQ(0ULL, ds.swapped);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0U, ds.__reserved);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, ctl_stat_tracks_attach_and_detach_times_and_pids)
{
	struct aixipc_shmid_ds ds;
	time_t before, after;
	struct handshake h;
	char *p;
	pid_t pid;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	before = time(NULL);
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *q = attach(self->fd, id, 0);

		if (!q)
			_exit(KID_BROKEN);
		q[0] = 1;
		_exit(hs_kid_ready_wait(&h) ? KID_BROKEN : 0);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	after = time(NULL);
	ds = sstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.nattch);
	EXPECT_EQ(pid, ds.lpid);
	EXPECT_NE(pid, ds.cpid);
	EXPECT_LE(before, ds.atime);
	EXPECT_GE(after, ds.atime);
	EXPECT_EQ(0, ds.dtime);
	EXPECT_EQ(1ULL, ds.rss);
	hs_parent_go(&h);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	after = time(NULL);
	ds = sstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.nattch);
	EXPECT_EQ(pid, ds.lpid);
	EXPECT_LE(before, ds.dtime);
	EXPECT_GE(after, ds.dtime);

	/* Our own attach and detach. */
	wait_clock_past(after);
	before = time(NULL);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ds = sstat(self->fd, id);
	EXPECT_EQ(getpid(), ds.lpid);
	EXPECT_LE(before, ds.atime);
	EXPECT_GT(before, ds.dtime);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	after = time(NULL);
	ds = sstat(self->fd, id);
	EXPECT_EQ(getpid(), ds.lpid);
	EXPECT_LE(before, ds.dtime);
	EXPECT_GE(after, ds.dtime);
	EXPECT_EQ(getpid(), ds.cpid);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, ctl_stat_and_getlba_need_read_permission_eacces)
{
	struct aixipc_shmid_ds ds;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmctl(self->fd, id, AIXIPC_IPC_STAT,
					      NULL, &ds)));
	EXPECT_EQ(-EACCES, AS_NOBODY(getlba(self->fd, id)));
	ds = sstat(self->fd, id);
	ds.perm.mode = 0602;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmctl(self->fd, id, AIXIPC_IPC_STAT,
					      NULL, &ds)));
	EXPECT_EQ(-EACCES, AS_NOBODY(getlba(self->fd, id)));
	ds.perm.mode = 0604;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(0, AS_NOBODY(t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL,
					&ds)));
	EXPECT_EQ((long)PAGE, AS_NOBODY(getlba(self->fd, id)));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, ctl_set_changes_owner_mode_and_ctime_only)
{
	struct aixipc_shmid_ds ds, old;
	time_t before, after;
	int id;

	id = new_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, attach_detach(self->fd, id, 0));
	old = sstat(self->fd, id);
	wait_clock_past(old.ctime);
	ds = old;
	ds.perm.uid = NOBODY;
	ds.perm.gid = NOBODY;
	ds.perm.mode = 0640;
	/* Fields that IPC_SET does not change. */
	ds.perm.cuid = 123;
	ds.perm.key = 999;
	ds.perm.seq = 77;
	ds.segsz = 1;
	ds.lpid = 5;
	ds.cpid = 6;
	ds.nattch = 9;
	ds.atime = 1;
	ds.rss = 3;
	ds.status = AIXIPC_SHM_LOCKED;
	before = time(NULL);
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	after = time(NULL);
	ds = sstat(self->fd, id);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.uid);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.gid);
	EXPECT_EQ(0640U, ds.perm.mode);
	EXPECT_EQ(old.perm.cuid, ds.perm.cuid);
	EXPECT_EQ(old.perm.cgid, ds.perm.cgid);
	EXPECT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
	EXPECT_EQ(old.perm.seq, ds.perm.seq);
	EXPECT_EQ(3 * PAGE, ds.segsz);
	EXPECT_EQ(old.lpid, ds.lpid);
	EXPECT_EQ(old.cpid, ds.cpid);
	EXPECT_EQ(0ULL, ds.nattch);
	EXPECT_EQ(old.atime, ds.atime);
	EXPECT_EQ(0U, ds.status);
	EXPECT_LT(old.ctime, ds.ctime);
	EXPECT_LE(before, ds.ctime);
	EXPECT_GE(after, ds.ctime);
	/* The new owner may now change it, and remove it. */
	ds.perm.mode = 0600;
	EXPECT_EQ(0, AS_NOBODY(shm_setds(self->fd, id, &ds)));
	EXPECT_EQ(0600U, sstat(self->fd, id).perm.mode);
	EXPECT_EQ(0, AS_NOBODY(t_shm_rmid(self->fd, id)));
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, &ds));
	t_untrack(AIXIPC_SHM, id);
}

TEST_F(shm, ctl_set_rejects_bad_mode_uid_and_reserved_einval)
{
	struct aixipc_shmid_ds ds, set;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);

	set = ds;
	set.perm.mode = 01600;
	EXPECT_EQ(-EINVAL, shm_setds(self->fd, id, &set));
	set.perm.mode = S_IFREG | 0600;
	EXPECT_EQ(-EINVAL, shm_setds(self->fd, id, &set));
	set = ds;
	set.perm.mode = 0644;
	set.perm.__reserved = 1;
	EXPECT_EQ(-EINVAL, shm_setds(self->fd, id, &set));
	set = ds;
	set.perm.mode = 0644;
	set.__reserved = 0x80000000;
	EXPECT_EQ(-EINVAL, shm_setds(self->fd, id, &set));
	/* Ids that map to nothing. */
	set = ds;
	set.perm.uid = (uint32_t)-1;
	EXPECT_EQ(-EINVAL, shm_setds(self->fd, id, &set));
	set = ds;
	set.perm.gid = (uint32_t)-1;
	EXPECT_EQ(-EINVAL, shm_setds(self->fd, id, &set));
	/* Nothing changed. */
	set = sstat(self->fd, id);
	EXPECT_EQ(0600U, set.perm.mode);
	EXPECT_EQ(ds.perm.uid, set.perm.uid);
	EXPECT_EQ(ds.perm.gid, set.perm.gid);
	EXPECT_EQ(ds.ctime, set.ctime);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, ctl_commands_of_the_owner_by_others_eperm)
{
	struct aixipc_shmid_ds ds;
	int id;

	id = new_seg(self, 2 * PAGE, 0666);	/* full access is not ownership */
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	ds.perm.mode = 0600;
	EXPECT_EQ(-EPERM, AS_NOBODY(shm_setds(self->fd, id, &ds)));
	EXPECT_EQ(-EPERM, AS_NOBODY(t_shm_rmid(self->fd, id)));
	EXPECT_EQ(-EPERM, AS_NOBODY(shm_cmd(self->fd, id, AIXIPC_SHM_SIZE,
					    PAGE)));
	EXPECT_EQ(-EPERM, AS_NOBODY(shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE,
					    PAGE)));
	/* A memlock limit that would allow it does not make it theirs. */
	EXPECT_EQ(-EPERM, AS_NOBODY_MEMLOCK(MIB, shm_cmd(self->fd, id,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(-EPERM, AS_NOBODY_MEMLOCK(MIB, shm_cmd(self->fd, id,
							 AIXIPC_SHM_UNLOCK,
							 0)));
	ds = sstat(self->fd, id);
	EXPECT_EQ(0666U, ds.perm.mode);
	EXPECT_EQ(2 * PAGE, ds.segsz);
	EXPECT_EQ(0U, ds.status);
	/* What they may do: read it, and GETLBA. */
	EXPECT_EQ(0, AS_NOBODY(t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL,
					&ds)));
	EXPECT_EQ((long)PAGE, AS_NOBODY(getlba(self->fd, id)));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, ctl_creator_keeps_control_after_giving_segment_away)
{
	struct aixipc_shmid_ds ds;
	int id;

	id = nobody_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	ds.perm.uid = 0;
	ds.perm.gid = 0;
	ASSERT_EQ(0, AS_NOBODY(shm_setds(self->fd, id, &ds)));
	ds = sstat(self->fd, id);
	EXPECT_EQ(0U, ds.perm.uid);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.cuid);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.cgid);
	/* As creator it still counts as owner, for access and for control. */
	EXPECT_EQ(0, AS_NOBODY(attach_detach(self->fd, id, 0)));
	EXPECT_EQ(0, AS_NOBODY(shm_cmd(self->fd, id, AIXIPC_SHM_SIZE,
				       2 * PAGE)));
	EXPECT_EQ(2 * PAGE, sstat(self->fd, id).segsz);
	EXPECT_EQ(0, AS_NOBODY(shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE,
				       PAGE)));
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(MIB, shm_cmd(self->fd, id,
						    AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, id).status);
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(MIB, shm_cmd(self->fd, id,
						    AIXIPC_SHM_UNLOCK, 0)));
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	ds.perm.mode = 0400;
	EXPECT_EQ(0, AS_NOBODY(shm_setds(self->fd, id, &ds)));
	EXPECT_EQ(0400U, sstat(self->fd, id).perm.mode);
	EXPECT_EQ(-EACCES, AS_NOBODY(attach_detach(self->fd, id, 0)));
	EXPECT_EQ(0, AS_NOBODY(t_shm_rmid(self->fd, id)));
	EXPECT_EQ(-EINVAL, t_shm_rmid(self->fd, id));
	t_untrack(AIXIPC_SHM, id);
}

/* Root (CAP_SYS_ADMIN) controls a segment it neither owns nor created. */
TEST_F(shm, ctl_cap_sys_admin_controls_anyones_segment)
{
	struct aixipc_shmid_ds ds;
	int id;

	id = nobody_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	ds.perm.mode = 0;
	EXPECT_EQ(0, shm_setds(self->fd, id, &ds));
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, 3 * PAGE));
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, PAGE));
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_UNLOCK, 0));
	ds = sstat(self->fd, id);
	EXPECT_EQ(0U, ds.perm.mode);
	EXPECT_EQ(3 * PAGE, ds.segsz);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.uid);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, ctl_rejects_unknown_cmd_einval)
{
	uint32_t bad[] = { 3, 4, 10, 11, 12, 13, 14, 15, 16, 19, 25, 26, 100,
			   0x80000000, 0xffffffff };
	struct aixipc_shmctl c;
	unsigned int i;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0, sizeof(c));
		c.id = id;
		c.cmd = bad[i];
		c.value = PAGE;
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, &c))
			TH_LOG("cmd %u", bad[i]);
	}
	EXPECT_EQ(PAGE, sstat(self->fd, id).segsz);
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, ctl_rmid_of_unattached_segment_frees_it_at_once)
{
	struct aixipc_info before;
	long shmem0, v;
	int32_t key = test_key(8);
	char *p;
	int id;

	before = t_info_of(self->fd, AIXIPC_SHM);
	shmem0 = t_meminfo_kb("Shmem:");
	ASSERT_LE(0, shmem0);
	id = get_key(self, key, 4 * MIB, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 'f', 4 * MIB);
	ASSERT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(1024ULL, sstat(self->fd, id).rss);
	v = t_meminfo_wait("Shmem:", shmem0 + 4096 - KIB_SLACK, LONG_MAX);
	EXPECT_LE(shmem0 + 4096 - KIB_SLACK, v);

	ASSERT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, NULL));
	EXPECT_EQ(-EINVAL, attach_detach(self->fd, id, 0));
	EXPECT_EQ(-ENOENT, t_shmget(self->fd, key, 0, 0, 0));
	EXPECT_EQ(before.count, t_info_of(self->fd, AIXIPC_SHM).count);
	EXPECT_EQ(before.rss, t_info_of(self->fd, AIXIPC_SHM).rss);
	EXPECT_EQ(before.in_use, t_info_of(self->fd, AIXIPC_SHM).in_use);
	v = t_meminfo_wait("Shmem:", shmem0 - KIB_SLACK, shmem0 + KIB_SLACK);
	EXPECT_GE(shmem0 + KIB_SLACK, v) TH_LOG("Shmem %ld kB, was %ld kB",
						 v, shmem0);
}

/* Eight processes attached when IPC_RMID comes; they leave one by one. */
#define RMID_KIDS	8
#define RMID_TOUCH	MIB	/* bytes each child touches */

TEST_F_TIMEOUT(shm, ctl_rmid_with_eight_attached_lingers_until_last_detach,
	       120)
{
	static struct aixipc_list_entry e[LIST_MAX];
	const struct aixipc_list_entry *x;
	struct handshake h[RMID_KIDS];
	struct aixipc_info in0, in;
	struct aixipc_shmid_ds ds;
	uint64_t pages = RMID_KIDS * RMID_TOUCH / PAGE;
	int32_t key = test_key(9);
	pid_t pid[RMID_KIDS];
	long shmem0, peak, v;
	time_t before;
	int i, n, id, again;
	char *p;

	in0 = t_info_of(self->fd, AIXIPC_SHM);
	shmem0 = t_meminfo_kb("Shmem:");
	ASSERT_LE(0, shmem0);
	id = get_key(self, key, RMID_KIDS * RMID_TOUCH,
		     AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < RMID_KIDS; i++) {
		ASSERT_EQ(0, hs_init(&h[i]));
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			char *q = attach(self->fd, id, 0);

			if (!q)
				_exit(KID_BROKEN);
			memset(q + i * RMID_TOUCH, 'a' + i, RMID_TOUCH);
			if (hs_kid_ready_wait(&h[i]))
				_exit(KID_BROKEN);
			/* The data is all still there when it leaves. */
			if (first_not(q + i * RMID_TOUCH, RMID_TOUCH, 'a' + i) >= 0)
				_exit(KID_WRONG);
			_exit(kid_code(t_shmdt(self->fd, q, NULL)));
		}
		ASSERT_EQ(0, hs_parent_wait_ready(&h[i]));
	}
	ds = sstat(self->fd, id);
	EXPECT_EQ((uint64_t)RMID_KIDS, ds.nattch);
	EXPECT_EQ(pages, ds.rss);
	peak = t_meminfo_wait("Shmem:", shmem0 + (long)(pages * 4) - KIB_SLACK,
			    LONG_MAX);
	EXPECT_LE(shmem0 + (long)(pages * 4) - KIB_SLACK, peak);

	wait_clock_past(ds.ctime);
	before = time(NULL);
	ASSERT_EQ(0, t_shm_rmid(self->fd, id));
	ds = sstat(self->fd, id);
	EXPECT_EQ(AIXIPC_SHM_DEST, ds.status & AIXIPC_SHM_DEST);
	EXPECT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
	EXPECT_EQ((uint64_t)RMID_KIDS, ds.nattch);
	EXPECT_EQ(pages, ds.rss);
	EXPECT_LE(before, ds.ctime);
	/* The key no longer finds it, and makes a new segment. */
	EXPECT_EQ(-ENOENT, t_shmget(self->fd, key, 0, 0, 0));
	again = get_key(self, key, PAGE, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, again);
	EXPECT_NE(id, again);
	EXPECT_EQ(key, sstat(self->fd, again).perm.key);
	EXPECT_EQ(0, remove_seg(self, again));
	/* Still listed, as removed. */
	n = t_list_walk(self->fd, AIXIPC_SHM, e, LIST_MAX, 4);
	ASSERT_LE(1, n);
	x = t_find_entry(e, n < LIST_MAX ? n : LIST_MAX, id);
	ASSERT_TRUE(x != NULL) TH_LOG("removed segment not listed once");
	EXPECT_EQ((uint32_t)AIXIPC_SHM, x->kind);
	EXPECT_EQ(AIXIPC_SHM_DEST, x->shm.status & AIXIPC_SHM_DEST);
	EXPECT_EQ(AIXIPC_KEY_PRIVATE, x->shm.perm.key);
	EXPECT_EQ((uint64_t)RMID_KIDS, x->shm.nattch);
	/* Still attachable by id. */
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ('c', p[2 * RMID_TOUCH + 7]);
	EXPECT_EQ((uint64_t)RMID_KIDS + 1, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(in0.count + pages, in.count);
	EXPECT_EQ(in0.rss + pages, in.rss);

	/* They leave one by one; it lingers until the last. */
	for (i = 0; i < RMID_KIDS; i++) {
		hs_parent_go(&h[i]);
		EXPECT_EQ(0, t_reap(&self->kids, pid[i])) TH_LOG("child %d", i);
		if (i == RMID_KIDS - 1)
			break;
		ds = sstat(self->fd, id);
		EXPECT_EQ((uint64_t)(RMID_KIDS - 1 - i), ds.nattch);
		EXPECT_EQ(pages, ds.rss);
		EXPECT_EQ(AIXIPC_SHM_DEST, ds.status & AIXIPC_SHM_DEST);
		EXPECT_EQ(pid[i], ds.lpid);
		in = t_info_of(self->fd, AIXIPC_SHM);
		EXPECT_EQ(in0.count + pages, in.count);
		EXPECT_EQ(in0.rss + pages, in.rss);
	}
	t_untrack(AIXIPC_SHM, id);
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, &ds));
	EXPECT_EQ(-EINVAL, attach_detach(self->fd, id, 0));
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(in0.count, in.count);
	EXPECT_EQ(in0.rss, in.rss);
	EXPECT_EQ(in0.in_use, in.in_use);
	n = t_list_walk(self->fd, AIXIPC_SHM, e, LIST_MAX, 4);
	EXPECT_TRUE(t_find_entry(e, n < LIST_MAX ? n : LIST_MAX, id) == NULL);
	/* The memory goes back (freeing the file may be deferred a little). */
	v = t_meminfo_wait("Shmem:", LONG_MIN, peak - (long)(pages * 4) + KIB_SLACK);
	EXPECT_GE(peak - (long)(pages * 4) + KIB_SLACK, v)
		TH_LOG("Shmem %ld kB, %ld kB at the peak, %ld kB before", v,
		       peak, shmem0);
	EXPECT_LE(shmem0 - KIB_SLACK, v);
}

/* ====================================================================== */
/* AIXIPC_SHM_SIZE                                                        */

TEST_F(shm, size_shrink_and_grow_while_attached)
{
	struct aixipc_shmid_ds ds, old;
	struct aixipc_info in0;
	struct maps_line m;
	int32_t key = test_key(10);
	uint64_t len = 0, out = 0;
	char *a, *b, *c, *d;
	int id;

	id = get_key(self, key, 4 * PAGE, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	in0 = t_info_of(self->fd, AIXIPC_SHM);
	a = attach(self->fd, id, 0);
	ASSERT_NE(NULL, a);
	t_fill_pattern(a, 4 * PAGE, 11);
	old = sstat(self->fd, id);
	wait_clock_past(old.ctime);

	/* Shrink to a page and a bit, while attached. */
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, PAGE + 100));
	ds = sstat(self->fd, id);
	EXPECT_EQ(PAGE + 100, ds.segsz);
	EXPECT_LT(old.ctime, ds.ctime);
	EXPECT_GE(2ULL, ds.rss);
	EXPECT_EQ(in0.count - 2, t_info_of(self->fd, AIXIPC_SHM).count);
	/* A get of more than the new size fails, as for any segment. */
	EXPECT_EQ(-EINVAL, t_shmget(self->fd, key, PAGE + 101, 0, 0600));
	EXPECT_EQ(id, t_shmget(self->fd, key, PAGE + 100, 0, 0600));
	/* Inside the new size: the data; beyond its last page: SIGBUS. */
	EXPECT_EQ(-1, t_check_pattern(a, PAGE + 100, 11));
	EXPECT_EQ(0, probe_read(a + PAGE + 200));
	EXPECT_EQ(SIGBUS, probe_read(a + 2 * PAGE));
	EXPECT_EQ(SIGBUS, probe_read(a + 4 * PAGE - 1));
	EXPECT_EQ(SIGBUS, probe_write(a + 3 * PAGE, 'x'));
	EXPECT_EQ(SIGBUS, probe_write(a + 2 * PAGE + 5, 'x'));
	/* The faults did not grow it. */
	EXPECT_EQ(PAGE + 100, sstat(self->fd, id).segsz);
	/* A new attachment maps the new size; the old one keeps its length. */
	ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, (void **)&b, &len));
	EXPECT_EQ(2 * PAGE, len);
	EXPECT_EQ(-1, t_check_pattern(b, PAGE + 100, 11));
	ASSERT_EQ(0, maps_find(a, &m));
	EXPECT_EQ(4 * PAGE, m.end - m.start);

	/* Grow back: what was cut reads zero, nothing stale. */
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, 4 * PAGE));
	EXPECT_EQ(4 * PAGE, sstat(self->fd, id).segsz);
	EXPECT_EQ(in0.count, t_info_of(self->fd, AIXIPC_SHM).count);
	ASSERT_EQ(0, probe_read(a + 2 * PAGE));
	ASSERT_EQ(0, probe_read(a + 4 * PAGE - 1));
	EXPECT_EQ(-1, first_not(a + 2 * PAGE, 2 * PAGE, 0));
	EXPECT_EQ(-1, first_not(a + PAGE + 100, PAGE - 100, 0));
	EXPECT_EQ(-1, t_check_pattern(a, PAGE + 100, 11));
	EXPECT_EQ(0, probe_write(a + 3 * PAGE, 'y'));
	/* b still maps two pages, c all four. */
	ASSERT_EQ(0, maps_find(b, &m));
	EXPECT_EQ(2 * PAGE, m.end - m.start);
	ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, (void **)&c, &len));
	EXPECT_EQ(4 * PAGE, len);
	EXPECT_EQ('y', c[3 * PAGE]);

	/* Past every attachment's end: they keep their lengths. */
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, 8 * PAGE));
	ASSERT_EQ(0, maps_find(a, &m));
	EXPECT_EQ(4 * PAGE, m.end - m.start);
	ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, (void **)&d, &len));
	EXPECT_EQ(8 * PAGE, len);
	EXPECT_EQ(-1, first_not(d + 4 * PAGE, 4 * PAGE, 0));
	EXPECT_EQ(4ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, a, &out));
	EXPECT_EQ(4 * PAGE, out);
	EXPECT_EQ(0, t_shmdt(self->fd, b, &out));
	EXPECT_EQ(2 * PAGE, out);
	EXPECT_EQ(0, t_shmdt(self->fd, c, &out));
	EXPECT_EQ(4 * PAGE, out);
	EXPECT_EQ(0, t_shmdt(self->fd, d, &out));
	EXPECT_EQ(8 * PAGE, out);
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, size_shrink_frees_pages_beyond_growth_adds_zero_pages)
{
	struct aixipc_info in0;
	long shmem0, v;
	char *p, *q;
	int id;

	in0 = t_info_of(self->fd, AIXIPC_SHM);
	shmem0 = t_meminfo_kb("Shmem:");
	ASSERT_LE(0, shmem0);
	id = new_seg(self, 4 * MIB, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 'o', 4 * MIB);
	EXPECT_EQ(1024ULL, sstat(self->fd, id).rss);
	EXPECT_EQ(in0.rss + 1024, t_info_of(self->fd, AIXIPC_SHM).rss);
	v = t_meminfo_wait("Shmem:", shmem0 + 4096 - KIB_SLACK, LONG_MAX);
	EXPECT_LE(shmem0 + 4096 - KIB_SLACK, v);

	/* Shrink to 100 bytes: the pages beyond the first go. */
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, 100));
	EXPECT_EQ(1ULL, sstat(self->fd, id).rss);
	EXPECT_EQ(in0.rss + 1, t_info_of(self->fd, AIXIPC_SHM).rss);
	EXPECT_EQ(in0.count + 1, t_info_of(self->fd, AIXIPC_SHM).count);
	v = t_meminfo_wait("Shmem:", LONG_MIN, shmem0 + KIB_SLACK);
	EXPECT_GE(shmem0 + KIB_SLACK, v) TH_LOG("Shmem %ld kB, was %ld kB",
						 v, shmem0);

	/* Grow again: zero pages, and the first page's tail is zero too. */
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, 4 * MIB));
	EXPECT_EQ(1ULL, sstat(self->fd, id).rss);
	q = attach(self->fd, id, RDONLY);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(-1, first_not(q, 100, 'o'));
	EXPECT_EQ(-1, first_not(q + 100, 4 * MIB - 100, 0));
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));
	EXPECT_EQ(-1, first_not(p + 100, 4 * MIB - 100, 0));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, size_outside_shmmin_to_shmmax_einval)
{
	uint64_t max = t_shmmax(&self->lim);
	uint64_t bad[] = { 0, max + 1, max + PAGE, 1ULL << 63, UINT64_MAX };
	unsigned int i;
	int id;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, bad[i]))
			TH_LOG("size %#llx", (unsigned long long)bad[i]);
	}
	EXPECT_EQ(2 * PAGE, sstat(self->fd, id).segsz);
	/* The bounds themselves are fine. */
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, 1));
	EXPECT_EQ(1ULL, sstat(self->fd, id).segsz);
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, max));
	EXPECT_EQ(max, sstat(self->fd, id).segsz);
	EXPECT_EQ(0, remove_seg(self, id));
}

/* ====================================================================== */
/* AIXIPC_SHM_LOCK, _UNLOCK, _PAGESIZE, _GETLBA                           */

TEST_F(shm, lock_and_unlock_set_and_clear_locked_status)
{
	struct aixipc_shmid_ds ds;
	int id;

	id = new_seg(self, 64 * MIB, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	ds = sstat(self->fd, id);
	EXPECT_EQ(AIXIPC_SHM_LOCKED, ds.status);
	EXPECT_EQ(0, attach_detach(self->fd, id, 0));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, id).status);
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_UNLOCK, 0));
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	/* CAP_IPC_LOCK: no memlock limit applies, even a zero one. */
	EXPECT_EQ(0, T_IN_CHILD(t_set_memlock(0), shm_cmd(self->fd, id,
						      AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, id).status);
	EXPECT_EQ(0, T_IN_CHILD(t_set_memlock(0), shm_cmd(self->fd, id,
						      AIXIPC_SHM_UNLOCK, 0)));
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	/* A locked segment can be removed. */
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, lock_unprivileged_needs_memlock_rlimit_eperm_enomem)
{
	int id;

	id = nobody_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EPERM, AS_NOBODY_MEMLOCK(0, shm_cmd(self->fd, id,
						       AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	EXPECT_EQ(-ENOMEM, AS_NOBODY_MEMLOCK(2 * PAGE,
					     shm_cmd(self->fd, id,
						     AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, id,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, id).status);
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, id,
							 AIXIPC_SHM_UNLOCK,
							 0)));
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	/* Once more after the unlock: the limit was given back. */
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, id,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, id).status);
	EXPECT_EQ(0, AS_NOBODY(t_shm_rmid(self->fd, id)));
	t_untrack(AIXIPC_SHM, id);
	/* And after removing a locked segment. */
	id = nobody_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, id,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0, remove_seg(self, id));
	id = nobody_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, id,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * The limit holds for all of a user's locked segments together, as Linux
 * counts them; locking a locked segment again charges nothing more.
 */
TEST_F(shm, lock_limit_counts_all_segments_the_user_locked)
{
	int a, b;

	a = nobody_seg(self, 2 * PAGE, 0600);
	b = nobody_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, a,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, a,
							 AIXIPC_SHM_LOCK, 0)));
	/* 2 + 2 pages would pass 3. */
	EXPECT_EQ(-ENOMEM, AS_NOBODY_MEMLOCK(3 * PAGE,
					     shm_cmd(self->fd, b,
						     AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0U, sstat(self->fd, b).status);
	/* Root's CAP_IPC_LOCK is not held to the limit. */
	EXPECT_EQ(0, shm_cmd(self->fd, b, AIXIPC_SHM_LOCK, 0));
	EXPECT_EQ(0, shm_cmd(self->fd, b, AIXIPC_SHM_UNLOCK, 0));
	/* Unlocking a gives its pages back to the user. */
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, a,
							 AIXIPC_SHM_UNLOCK,
							 0)));
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, b,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, b).status);
	/* And removing b does too. */
	EXPECT_EQ(0, remove_seg(self, b));
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(3 * PAGE, shm_cmd(self->fd, a,
							 AIXIPC_SHM_LOCK, 0)));
	EXPECT_EQ(0, remove_seg(self, a));
}

TEST_F(shm, lock_keeps_touched_pages_unevictable_until_unlock_or_rmid)
{
	long unev0, v;
	char *p;
	int id;

	unev0 = t_meminfo_kb("Unevictable:");
	ASSERT_LE(0, unev0);
	id = new_seg(self, 4 * MIB, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 'l', 4 * MIB);
	v = t_meminfo_wait("Unevictable:", unev0 + 4096 - KIB_SLACK, LONG_MAX);
	EXPECT_LE(unev0 + 4096 - KIB_SLACK, v)
		TH_LOG("Unevictable %ld kB, was %ld kB", v, unev0);
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_UNLOCK, 0));
	v = t_meminfo_wait("Unevictable:", LONG_MIN, unev0 + KIB_SLACK);
	EXPECT_GE(unev0 + KIB_SLACK, v)
		TH_LOG("Unevictable %ld kB after unlock, was %ld kB", v, unev0);
	EXPECT_EQ(1024ULL, sstat(self->fd, id).rss);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));

	/* Removed while locked: the pages go, unevictable ones included. */
	id = new_seg(self, 4 * MIB, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 'm', 4 * MIB);
	v = t_meminfo_wait("Unevictable:", unev0 + 4096 - KIB_SLACK, LONG_MAX);
	EXPECT_LE(unev0 + 4096 - KIB_SLACK, v);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
	v = t_meminfo_wait("Unevictable:", LONG_MIN, unev0 + KIB_SLACK);
	EXPECT_GE(unev0 + KIB_SLACK, v)
		TH_LOG("Unevictable %ld kB after rmid, was %ld kB", v, unev0);
}

/* A huge page (2 MiB) is accepted too: shm_pin_test covers it. */
TEST_F(shm, pagesize_accepts_only_page_sizes_einval)
{
	uint64_t bad[] = { 0, 1, 2048, PAGE - 1, PAGE + 1, 2 * PAGE, 65536,
			   MIB, 2 * MIB + PAGE, 4 * MIB, 16 * MIB,
			   (1ULL << 32) | PAGE, (1ULL << 32) | (2 * MIB),
			   UINT64_MAX };
	unsigned int i;
	int id, mine;

	id = new_seg(self, 3 * PAGE, 0600);
	ASSERT_LE(0, id);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE,
					   bad[i]))
			TH_LOG("value %#llx", (unsigned long long)bad[i]);
	}
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, PAGE));
	EXPECT_EQ(3 * PAGE, sstat(self->fd, id).segsz);
	EXPECT_EQ((long)PAGE, getlba(self->fd, id));
	/* The unprivileged owner: the same. */
	mine = nobody_seg(self, PAGE, 0600);
	ASSERT_LE(0, mine);
	EXPECT_EQ(0, AS_NOBODY(shm_cmd(self->fd, mine, AIXIPC_SHM_PAGESIZE,
				       PAGE)));
	EXPECT_EQ(-EINVAL, AS_NOBODY(shm_cmd(self->fd, mine,
					     AIXIPC_SHM_PAGESIZE, 16 * MIB)));
	EXPECT_EQ(0, remove_seg(self, mine));
	EXPECT_EQ(0, remove_seg(self, id));
}

TEST_F(shm, getlba_reports_the_page_size_whatever_the_value_in)
{
	uint64_t v;
	int id;

	id = new_seg(self, 1, 0400);
	ASSERT_LE(0, id);
	v = 12345;
	EXPECT_EQ(0, t_shmctl(self->fd, id, AIXIPC_SHM_GETLBA, &v, NULL));
	EXPECT_EQ(PAGE, v);
	v = UINT64_MAX;
	EXPECT_EQ(0, t_shmctl(self->fd, id, AIXIPC_SHM_GETLBA, &v, NULL));
	EXPECT_EQ(PAGE, v);
	EXPECT_EQ(1ULL, sstat(self->fd, id).segsz);
	EXPECT_EQ(0, remove_seg(self, id));
}

/* ====================================================================== */
/* AIXIPC_IOC_INFO and AIXIPC_IOC_LIST                                    */

TEST_F(shm, info_shm_counts_segments_pages_and_resident_pages)
{
	struct aixipc_info in0, in;
	int a, b, c;
	char *p, *q;

	in0 = t_info_of(self->fd, AIXIPC_SHM);
	a = new_seg(self, 5000, 0600);		/* 2 pages */
	b = new_seg(self, 1, 0600);		/* 1 page */
	c = new_seg(self, 3 * MIB + 1, 0600);	/* 769 pages */
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(in0.in_use + 3, in.in_use);
	EXPECT_EQ(in0.count + 772, in.count);
	EXPECT_EQ(in0.rss, in.rss);
	EXPECT_EQ(in0.swapped, in.swapped);
	EXPECT_EQ(0U, in.flags);
	EXPECT_EQ((uint32_t)AIXIPC_SHM, in.kind);

	p = attach(self->fd, c, 0);
	ASSERT_NE(NULL, p);
	q = attach(self->fd, a, 0);
	ASSERT_NE(NULL, q);
	p[0] = p[100 * PAGE] = p[768 * PAGE] = 1;
	q[PAGE] = 1;
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(in0.rss + 4, in.rss);
	EXPECT_EQ(in0.count + 772, in.count);

	/* SHM_SIZE moves both totals. */
	ASSERT_EQ(0, shm_cmd(self->fd, c, AIXIPC_SHM_SIZE, PAGE));
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(in0.count + 4, in.count);
	EXPECT_EQ(in0.rss + 2, in.rss);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));

	EXPECT_EQ(0, remove_seg(self, a));
	EXPECT_EQ(0, remove_seg(self, b));
	EXPECT_EQ(0, remove_seg(self, c));
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(in0.in_use, in.in_use);
	EXPECT_EQ(in0.count, in.count);
	EXPECT_EQ(in0.rss, in.rss);
}

TEST_F(shm, info_max_slot_is_the_highest_slot_in_use)
{
	int ids[3], i;

	for (i = 0; i < 3; i++) {
		ids[i] = new_seg(self, PAGE, 0600);
		ASSERT_LE(0, ids[i]);
		EXPECT_EQ(t_list_index(self->fd, AIXIPC_SHM, -1),
			  t_info_of(self->fd, AIXIPC_SHM).max_slot);
		ASSERT_LE(0, t_list_index(self->fd, AIXIPC_SHM, ids[i]));
		EXPECT_LE(t_list_index(self->fd, AIXIPC_SHM, ids[i]),
			  t_info_of(self->fd, AIXIPC_SHM).max_slot);
	}
	for (i = 2; i >= 0; i--) {
		EXPECT_EQ(0, remove_seg(self, ids[i]));
		EXPECT_EQ(t_list_index(self->fd, AIXIPC_SHM, -1),
			  t_info_of(self->fd, AIXIPC_SHM).max_slot);
	}
	/* For the other kinds too. */
	EXPECT_EQ(t_list_index(self->fd, AIXIPC_MSG, -1),
		  t_info_of(self->fd, AIXIPC_MSG).max_slot);
	EXPECT_EQ(t_list_index(self->fd, AIXIPC_SEM, -1),
		  t_info_of(self->fd, AIXIPC_SEM).max_slot);
}

/* semget and semctl(IPC_RMID) for the INFO test: id / 0, or -errno. */
static int sem_new(int fd, uint64_t nsems)
{
	struct aixipc_get g = {
		.kind = AIXIPC_SEM, .key = AIXIPC_KEY_PRIVATE,
		.flags = AIXIPC_CREAT, .mode = 0600, .size = nsems,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_GET, &g);

	return err ? err : g.id;
}

static int sem_rmid(int fd, int id)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_RMID };

	return aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
}

TEST_F(shm, info_msg_and_sem_totals)
{
	struct aixipc_info m0, s0, in;
	char buf[32] = "";
	int q, s, s2;

	m0 = t_info_of(self->fd, AIXIPC_MSG);
	q = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, t_msgsnd(self->fd, q, 1, buf, 10, AIXIPC_NOWAIT));
	ASSERT_EQ(0, t_msgsnd(self->fd, q, 2, buf, 20, AIXIPC_NOWAIT));
	in = t_info_of(self->fd, AIXIPC_MSG);
	EXPECT_EQ(m0.in_use + 1, in.in_use);
	EXPECT_EQ(m0.count + 2, in.count);
	EXPECT_EQ(m0.bytes + 30, in.bytes);
	EXPECT_EQ(10, t_msgrcv(self->fd, q, 1, buf, sizeof(buf),
			       AIXIPC_NOWAIT, NULL));
	in = t_info_of(self->fd, AIXIPC_MSG);
	EXPECT_EQ(m0.count + 1, in.count);
	EXPECT_EQ(m0.bytes + 20, in.bytes);
	EXPECT_EQ(0, t_rmid(self->fd, q));
	in = t_info_of(self->fd, AIXIPC_MSG);
	EXPECT_EQ(m0.in_use, in.in_use);
	EXPECT_EQ(m0.count, in.count);
	EXPECT_EQ(m0.bytes, in.bytes);

	s0 = t_info_of(self->fd, AIXIPC_SEM);
	s = sem_new(self->fd, 7);
	ASSERT_LE(0, s);
	s2 = sem_new(self->fd, 1000);
	ASSERT_LE(0, s2);
	in = t_info_of(self->fd, AIXIPC_SEM);
	EXPECT_EQ(s0.in_use + 2, in.in_use);
	EXPECT_EQ(s0.count + 1007, in.count);
	EXPECT_EQ(0, sem_rmid(self->fd, s));
	EXPECT_EQ(0, sem_rmid(self->fd, s2));
	in = t_info_of(self->fd, AIXIPC_SEM);
	EXPECT_EQ(s0.in_use, in.in_use);
	EXPECT_EQ(s0.count, in.count);
}

TEST_F(shm, info_rejects_flags_and_bad_kind_einval)
{
	uint32_t bad_flags[] = { 1, 2, 0x80000000, 0xffffffff };
	uint32_t bad_kind[] = { AIXIPC_NR_KINDS, 4, 0x80000000, 0xffffffff };
	struct aixipc_info in;
	unsigned int i;

	for (i = 0; i < sizeof(bad_flags) / sizeof(bad_flags[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.kind = AIXIPC_SHM;
		in.flags = bad_flags[i];
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_INFO, &in))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	for (i = 0; i < sizeof(bad_kind) / sizeof(bad_kind[0]); i++) {
		memset(&in, 0, sizeof(in));
		in.kind = bad_kind[i];
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_INFO, &in))
			TH_LOG("kind %#x", bad_kind[i]);
	}
	for (i = 0; i < AIXIPC_NR_KINDS; i++) {
		EXPECT_EQ(0, t_info(self->fd, i, NULL));
	}
}

TEST_F(shm, list_shows_every_segment_with_its_status)
{
	static struct aixipc_list_entry e[LIST_MAX];
	const struct aixipc_list_entry *x;
	struct aixipc_shmid_ds ds;
	int32_t key = test_key(11);
	int id, hidden, n;
	char *p, *q;

	id = get_key(self, key, 3 * PAGE + 1, AIXIPC_CREAT | AIXIPC_EXCL, 0640);
	ASSERT_LE(0, id);
	hidden = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, hidden);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	q = attach(self->fd, id, RDONLY);
	ASSERT_NE(NULL, q);
	p[0] = p[2 * PAGE] = 1;
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	ds = sstat(self->fd, id);

	n = t_list_walk(self->fd, AIXIPC_SHM, e, LIST_MAX, 4);
	ASSERT_LE(2, n);
	ASSERT_GE(LIST_MAX, n);
	x = t_find_entry(e, n, id);
	ASSERT_TRUE(x != NULL) TH_LOG("segment %d missing or listed twice", id);
	EXPECT_EQ((uint32_t)AIXIPC_SHM, x->kind);
	EXPECT_EQ(key, x->shm.perm.key);
	EXPECT_EQ(0640U, x->shm.perm.mode);
	EXPECT_EQ(3 * PAGE + 1, x->shm.segsz);
	EXPECT_EQ(2ULL, x->shm.nattch);
	EXPECT_EQ(2ULL, x->shm.rss);
	EXPECT_EQ(getpid(), x->shm.cpid);
	EXPECT_EQ(getpid(), x->shm.lpid);
	EXPECT_EQ(ds.atime, x->shm.atime);
	EXPECT_EQ(ds.ctime, x->shm.ctime);
	EXPECT_EQ(AIXIPC_SHM_LOCKED, x->shm.status);
	EXPECT_TRUE(t_find_entry(e, n, hidden) != NULL);
	/* Like /proc/sysvipc: unreadable segments are listed too. */
	EXPECT_EQ(-EACCES, AS_NOBODY(t_shmctl(self->fd, hidden,
					      AIXIPC_IPC_STAT, NULL, &ds)));
	EXPECT_EQ(1, AS_NOBODY(t_times_listed(self->fd, AIXIPC_SHM, hidden)));
	EXPECT_EQ(1, AS_NOBODY(t_times_listed(self->fd, AIXIPC_SHM, id)));
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, hidden));
	EXPECT_EQ(0, t_times_listed(self->fd, AIXIPC_SHM, hidden));
	EXPECT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(0, t_times_listed(self->fd, AIXIPC_SHM, id));
}

/* ====================================================================== */
/* Argument structs the module cannot read or write back                   */

/* Two pages: the first readable and writable, the second inaccessible. */
static char *map_half_bad(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + PAGE, PAGE, PROT_NONE)) {
		munmap(p, 2 * PAGE);
		return NULL;
	}
	return p;
}

static const unsigned long shm_ioctls[] = {
	AIXIPC_IOC_GET, AIXIPC_IOC_SHMAT, AIXIPC_IOC_SHMDT, AIXIPC_IOC_SHMCTL,
	AIXIPC_IOC_INFO,
};

TEST_F(shm, efault_argument_struct_in_unmapped_memory)
{
	struct aixipc_shmctl c;
	struct aixipc_shmat a;
	struct aixipc_get g;
	int32_t key = test_key(12);
	unsigned int i;
	char *bad, *p;
	size_t off;
	int id;

	id = new_seg(self, PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	bad = map_half_bad();
	ASSERT_NE(NULL, bad);
	/* Wholly inaccessible, and NULL. */
	for (i = 0; i < sizeof(shm_ioctls) / sizeof(shm_ioctls[0]); i++) {
		EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, shm_ioctls[i],
						bad + PAGE)) TH_LOG("ioctl %u", i);
		EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, shm_ioctls[i], NULL))
			TH_LOG("ioctl %u", i);
	}
	/* Valid requests whose last bytes run into the PROT_NONE page. */
	memset(&g, 0, sizeof(g));
	g.kind = AIXIPC_SHM;
	g.key = key;
	g.flags = AIXIPC_CREAT;
	g.mode = 0600;
	g.size = PAGE;
	off = PAGE - sizeof(g) + 4;
	memcpy(bad + off, &g, sizeof(g) - 4);
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, bad + off));
	EXPECT_EQ(-ENOENT, t_shmget(self->fd, key, 0, 0, 0));

	memset(&a, 0, sizeof(a));
	a.id = id;
	off = PAGE - sizeof(a) + 8;
	memcpy(bad + off, &a, sizeof(a) - 8);
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMAT, bad + off));
	EXPECT_EQ(1ULL, nattch(self->fd, id));

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_RMID;
	off = PAGE - sizeof(c) + 8;
	memcpy(bad + off, &c, sizeof(c) - 8);
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, bad + off));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(0U, sstat(self->fd, id).status);

	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	munmap(bad, 2 * PAGE);
	EXPECT_EQ(0, remove_seg(self, id));
}

/* The struct is written back first: read-only memory means EFAULT, no effect. */
TEST_F(shm, efault_argument_struct_in_read_only_memory_changes_nothing)
{
	struct aixipc_shmid_ds before, after;
	int32_t key = test_key(13);
	struct aixipc_shmctl *c;
	struct aixipc_shmat *a;
	struct aixipc_shmdt *d;
	struct aixipc_info *in;
	struct aixipc_get *g;
	char *ro, *p;
	int id;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	p[0] = 'r';
	before = sstat(self->fd, id);
	ro = anon_fill(PAGE, 0, PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, ro);
	g = (struct aixipc_get *)ro;
	a = (struct aixipc_shmat *)(g + 1);
	d = (struct aixipc_shmdt *)(a + 1);
	in = (struct aixipc_info *)(d + 1);
	c = (struct aixipc_shmctl *)(in + 1);
	ASSERT_GE(PAGE, (unsigned long)((char *)(c + 1) - ro));
	g->kind = AIXIPC_SHM;
	g->key = key;
	g->flags = AIXIPC_CREAT;
	g->mode = 0600;
	g->size = PAGE;
	a->id = id;
	d->addr = (uintptr_t)p;
	in->kind = AIXIPC_SHM;
	c->id = id;
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ));

	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, g));
	EXPECT_EQ(-ENOENT, t_shmget(self->fd, key, 0, 0, 0));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMAT, a));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMDT, d));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ('r', p[0]);
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_INFO, in));
	/* Each shmctl command, one after the other. */
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	c->cmd = AIXIPC_IPC_STAT;
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, c));
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	c->cmd = AIXIPC_IPC_SET;
	c->ds = before;
	c->ds.perm.mode = 0;
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, c));
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	memset(&c->ds, 0, sizeof(c->ds));
	c->cmd = AIXIPC_SHM_SIZE;
	c->value = 5 * PAGE;
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, c));
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	c->cmd = AIXIPC_SHM_LOCK;
	c->value = 0;
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, c));
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	c->cmd = AIXIPC_SHM_GETLBA;
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, c));
	EXPECT_EQ(0ULL, c->value);
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	c->cmd = AIXIPC_IPC_RMID;
	ASSERT_EQ(0, mprotect(ro, PAGE, PROT_READ));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SHMCTL, c));

	after = sstat(self->fd, id);
	EXPECT_EQ(before.perm.mode, after.perm.mode);
	EXPECT_EQ(before.perm.key, after.perm.key);
	EXPECT_EQ(before.segsz, after.segsz);
	EXPECT_EQ(before.ctime, after.ctime);
	EXPECT_EQ(before.atime, after.atime);
	EXPECT_EQ(0U, after.status);
	EXPECT_EQ(1ULL, after.nattch);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	munmap(ro, PAGE);
	EXPECT_EQ(0, remove_seg(self, id));
}

/* ====================================================================== */
/* Memory: more than RAM, and the memory cgroup                           */

TEST_F_TIMEOUT(shm, segment_larger_than_ram_with_sixteen_mib_touched, 120)
{
	const uint64_t gib = 1ULL << 30, touched = 4096;
	struct aixipc_info in0, in;
	long memtotal, shmem0, v;
	uint64_t size, window, stride, i, len = 0;
	char *p;
	int id;

	memtotal = t_meminfo_kb("MemTotal:");
	ASSERT_LT(0, memtotal);
	size = ((uint64_t)memtotal * 1024 * 2 + gib - 1) / gib * gib;
	if (size < gib)
		size = gib;
	in0 = t_info_of(self->fd, AIXIPC_SHM);
	shmem0 = t_meminfo_kb("Shmem:");
	ASSERT_LE(0, shmem0);
	id = new_seg(self, size, 0600);
	ASSERT_LE(0, id) TH_LOG("a %llu MiB segment", (unsigned long long)(size >> 20));
	if (sizeof(void *) == 8) {
		/* All of it, touched across its whole length. */
		ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, (void **)&p, &len));
		EXPECT_EQ(size, len);
		window = size;
	} else {
		/* 32-bit: no room for all of it; mmap the first 256 MiB. */
		window = 256 * MIB;
		p = mmap_id(self->fd, id, window, PROT_READ | PROT_WRITE,
			    MAP_SHARED);
		ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	}
	stride = window / touched;
	for (i = 0; i < touched; i++)
		p[i * stride + i % PAGE] = (char)(i | 1);
	for (i = 0; i < touched; i++)
		if (p[i * stride + i % PAGE] != (char)(i | 1))
			break;
	EXPECT_EQ(touched, i);
	EXPECT_EQ(touched, sstat(self->fd, id).rss);
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(in0.rss + touched, in.rss);
	EXPECT_EQ(in0.count + size / PAGE, in.count);
	/* Shmem grew by the pages touched: about 16 MiB, not more. */
	v = t_meminfo_wait("Shmem:", shmem0 + 16384 - KIB_SLACK,
			 shmem0 + 16384 + KIB_SLACK);
	EXPECT_LE(shmem0 + 16384 - KIB_SLACK, v)
		TH_LOG("Shmem %ld kB, was %ld kB", v, shmem0);
	EXPECT_GE(shmem0 + 16384 + KIB_SLACK, v)
		TH_LOG("Shmem %ld kB, was %ld kB", v, shmem0);
	if (sizeof(void *) == 8) {
		EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	} else {
		EXPECT_EQ(0, munmap(p, window));
	}
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
	v = t_meminfo_wait("Shmem:", LONG_MIN, shmem0 + KIB_SLACK);
	EXPECT_GE(shmem0 + KIB_SLACK, v);
}

/* A "name value" line of a cgroup's memory.stat, or -1. */
static long long memcg_stat(const char *cg, const char *name)
{
	char path[256], line[256];
	long long v = -1;
	size_t n = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.stat", cg);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Poll memory.stat's shmem of @cg until it is within [lo, hi] bytes. */
static long long memcg_shmem_wait(const char *cg, long long lo, long long hi)
{
	long long v = -1;
	int i;

	for (i = 0; i < 500; i++) {	/* a hang guard, not a timing */
		v = memcg_stat(cg, "shmem");
		if (v >= lo && v <= hi)
			break;
		usleep(10000);
	}
	return v;
}

TEST_F(shm, memcg_pages_are_charged_to_the_cgroup_of_the_first_toucher)
{
	const long long eight = 8LL << 20, slack = 1LL << 20;
	char mnt[] = "/tmp/aixipc-cg.XXXXXX", cg[128], path[192], buf[256];
	struct handshake h;
	long long v;
	ssize_t n;
	char *p;
	pid_t pid;
	int fd, id;

	/* A cgroup2 mount of our own, in a mount namespace of our own. */
	if (unshare(CLONE_NEWNS))
		SKIP(return, "no mount namespace: %s", strerror(errno));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_NE(NULL, mkdtemp(mnt));
	if (mount("cgroup2", mnt, "cgroup2", 0, NULL)) {
		rmdir(mnt);
		SKIP(return, "cannot mount cgroup2: %s", strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	if (!strstr(buf, "memory")) {
		umount2(mnt, MNT_DETACH);
		rmdir(mnt);
		SKIP(return, "no memory controller in cgroup2 (\"%s\")", buf);
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", mnt);
	ASSERT_EQ(0, t_write_file(path, "+memory"));
	snprintf(cg, sizeof(cg), "%s/aixipc-shm-%d", mnt, getpid());
	ASSERT_EQ(0, mkdir(cg, 0755));

	id = new_seg(self, 16 * MIB, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Moved into the cgroup while it waits; then it touches. */
		if (hs_kid_ready_wait(&h))
			_exit(KID_BROKEN);
		memset(p, 'c', 8 * MIB);
		_exit(0);
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(buf, sizeof(buf), "%d", pid);
	ASSERT_EQ(0, t_write_file(path, buf));
	hs_parent_go(&h);
	ASSERT_EQ(0, t_reap(&self->kids, pid));
	v = memcg_shmem_wait(cg, eight - slack, eight + slack);
	EXPECT_LE(eight - slack, v);
	EXPECT_GE(eight + slack, v);
	/* Pages we touch now are ours, not the child's cgroup's. */
	memset(p + 8 * MIB, 'p', 8 * MIB);
	EXPECT_EQ(4096ULL, sstat(self->fd, id).rss);
	v = memcg_shmem_wait(cg, eight - slack, eight + slack);
	EXPECT_LE(eight - slack, v);
	EXPECT_GE(eight + slack, v);
	/* Pages already charged stay with the first toucher's cgroup. */
	memset(p, 'q', 8 * MIB);
	EXPECT_GE(eight + slack, memcg_stat(cg, "shmem"));

	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
	EXPECT_EQ(0, rmdir(cg));
	umount2(mnt, MNT_DETACH);
	rmdir(mnt);
}

/* ====================================================================== */
/* Security regressions                                                   */

/*
 * Holding a segment's mutex open.  SHM_SIZE, SHM_LOCK and SHM_UNLOCK sleep
 * on the segment's mutex; to keep such a call asleep there for as long as
 * a test wants, another SHM_SIZE (the holder) is stopped while it holds
 * the mutex.  The holder takes the shmem inode's lock under the mutex, so
 * it waits behind a write(2) into the segment's shmem file (which root
 * opens through /proc/self/map_files/) whose source page is a userfaultfd
 * page nobody has filled: the writer sleeps in that fault with the inode
 * lock held.  Filling the page lets everything go on.
 */
struct stall {
	int fd;			/* /dev/aixipc */
	int id;
	int file;		/* the segment's shmem file */
	struct t_uffd uffd;	/* its page is what the writer copies from */
	uint64_t holder_size;	/* what the holder's SHM_SIZE asks for */
	pthread_t writer, holder;
	long write_res;
	int holder_res;
	pid_t holder_tid;
};

static pid_t tid_self(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* The state letter of thread @tid of process @pid ('D', 'S', ...), or 0. */
static char task_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid,
		 (int)tid);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return 0;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Wait until a thread sleeps uninterruptibly (on a mutex or lock: its
 * only such sleep in the calls made here).  A hang guard of about 30 s.
 */
static bool wait_asleep(pid_t pid, pid_t tid)
{
	int i;

	for (i = 0; i < 6000; i++) {
		if (task_state(pid, tid) == 'D')
			return true;
		usleep(5000);
	}
	return false;
}

/* Wait for a thread to publish its tid in *@tid; 0 if it never does. */
static pid_t wait_tid(pid_t *tid)
{
	pid_t t = 0;
	int i;

	for (i = 0; i < 6000 && !t; i++) {
		t = __atomic_load_n(tid, __ATOMIC_ACQUIRE);
		if (!t)
			usleep(5000);
	}
	return t;
}

/* Does this kernel have userfaultfd (the debug kernel may not)? */
static bool have_userfaultfd(void)
{
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC);

	if (fd < 0)
		return errno != ENOSYS;
	close(fd);
	return true;
}

/* Open the shmem file of the attachment at @p (@len bytes) for writing. */
static int stall_open(struct stall *st, int fd, int id, const void *p,
		      size_t len)
{
	char path[96];

	memset(st, 0, sizeof(*st));
	st->fd = fd;
	st->id = id;
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)(uintptr_t)p, (unsigned long)(uintptr_t)p + len);
	st->file = open(path, O_RDWR | O_CLOEXEC);
	return st->file < 0 ? -errno : 0;
}

static void *stall_writer(void *arg)
{
	struct stall *st = arg;

	st->write_res = pwrite(st->file, st->uffd.page, 1, 0);
	return NULL;
}

static void *stall_holder(void *arg)
{
	struct stall *st = arg;

	__atomic_store_n(&st->holder_tid, tid_self(), __ATOMIC_RELEASE);
	st->holder_res = shm_cmd(st->fd, st->id, AIXIPC_SHM_SIZE,
				 st->holder_size);
	return NULL;
}

/*
 * Start the writer, wait until it sleeps in its fault, then start the
 * holder and wait until it sleeps on the inode lock, holding the
 * segment's mutex.  Return: 0, or -1 with nothing started.
 */
static int stall_start(struct stall *st, uint64_t holder_size)
{
	st->holder_size = holder_size;
	if (t_uffd_open(&st->uffd))
		return -1;
	if (pthread_create(&st->writer, NULL, stall_writer, st) ||
	    t_uffd_wait_fault(&st->uffd))
		return -1;
	/* The writer holds the inode lock now. */
	if (pthread_create(&st->holder, NULL, stall_holder, st))
		return -1;
	if (!wait_asleep(getpid(), wait_tid(&st->holder_tid)))
		return -1;
	return 0;
}

/* Fill the page: the writer, then the holder finish.  Joins both. */
static void stall_end(struct stall *st)
{
	if (t_uffd_fill(&st->uffd, "", 0))
		perror("UFFDIO_COPY");
	pthread_join(st->writer, NULL);
	pthread_join(st->holder, NULL);
	t_uffd_close(&st->uffd);
	close(st->file);
}

/* A shmctl made by a thread of its own, which may sleep. */
struct ctl_thread {
	int fd, id;
	uint32_t cmd;
	uint64_t value;
	pthread_t thread;
	pid_t tid;
	int res;
};

static void *ctl_thread_fn(void *arg)
{
	struct ctl_thread *c = arg;

	__atomic_store_n(&c->tid, tid_self(), __ATOMIC_RELEASE);
	c->res = shm_cmd(c->fd, c->id, c->cmd, c->value);
	return NULL;
}

/* Start the call; true once it sleeps (on the segment's mutex). */
static bool ctl_thread_asleep(struct ctl_thread *c, int fd, int id,
			      uint32_t cmd, uint64_t value)
{
	c->fd = fd;
	c->id = id;
	c->cmd = cmd;
	c->value = value;
	c->tid = 0;
	c->res = INT_MIN;
	if (pthread_create(&c->thread, NULL, ctl_thread_fn, c))
		return false;
	return wait_asleep(getpid(), wait_tid(&c->tid));
}

/*
 * A SHM_SIZE and a SHM_LOCK that sleep on a segment's mutex while the
 * segment is removed and its id is given to a new segment (ids carry 11
 * bits of sequence and the lowest free slot is reused, so 2048 creations
 * bring the same id back) must fail with EIDRM when they wake: they work
 * on the segment they looked up, not on whatever the id names by then.
 */
TEST_F_TIMEOUT(shm, size_and_lock_asleep_on_the_mutex_eidrm_after_rmid_and_id_reuse,
	       300)
{
	struct ctl_thread size, lock;
	struct aixipc_shmid_ds ds;
	struct stall st;
	int id, nid = -1, i;
	char *p;

	if (!have_userfaultfd())
		SKIP(return, "no userfaultfd in this kernel");
	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, stall_open(&st, self->fd, id, p, 2 * PAGE));
	ASSERT_EQ(0, t_shmdt(self->fd, p, NULL));
	ASSERT_EQ(0, stall_start(&st, 3 * PAGE));
	ASSERT_TRUE(ctl_thread_asleep(&size, self->fd, id, AIXIPC_SHM_SIZE,
				      4 * PAGE));
	ASSERT_TRUE(ctl_thread_asleep(&lock, self->fd, id, AIXIPC_SHM_LOCK,
				      0));

	ASSERT_EQ(0, remove_seg(self, id));
	for (i = 0; i < 4096 && nid != id; i++) {
		nid = new_seg(self, 5 * PAGE, 0600);
		if (nid < 0)
			break;
		if (nid != id)
			ASSERT_EQ(0, remove_seg(self, nid));
	}
	ASSERT_EQ(id, nid) TH_LOG("the id did not come back in %d tries", i);

	stall_end(&st);
	pthread_join(size.thread, NULL);
	pthread_join(lock.thread, NULL);
	EXPECT_EQ(1, st.write_res);
	EXPECT_EQ(0, st.holder_res);
	EXPECT_EQ(-EIDRM, size.res);
	EXPECT_EQ(-EIDRM, lock.res);
	/* The new segment is untouched. */
	ds = sstat(self->fd, nid);
	EXPECT_EQ(5 * PAGE, ds.segsz);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_seg(self, nid));
}

/*
 * The owner may change while SHM_LOCK sleeps on the mutex: the check is
 * made again when it wakes.
 */
TEST_F_TIMEOUT(shm, lock_asleep_on_the_mutex_rechecks_the_owner_eperm, 120)
{
	struct aixipc_shmid_ds ds;
	struct handshake h;
	struct stall st;
	pid_t pid;
	char *p;
	int id;

	if (!have_userfaultfd())
		SKIP(return, "no userfaultfd in this kernel");
	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	ds.perm.uid = NOBODY;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, stall_open(&st, self->fd, id, p, 2 * PAGE));
	ASSERT_EQ(0, t_shmdt(self->fd, p, NULL));

	ASSERT_EQ(0, hs_init(&h));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (t_set_memlock(MIB) || t_become_nobody() ||
		    hs_kid_ready_wait(&h))
			_exit(KID_BROKEN);
		_exit(kid_code(shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0)));
	}
	ASSERT_EQ(0, hs_parent_wait_ready(&h));
	ASSERT_EQ(0, stall_start(&st, 3 * PAGE));
	hs_parent_go(&h);
	ASSERT_TRUE(wait_asleep(pid, pid));
	/* uid 65534 is no longer the owner (nor the creator). */
	ds.perm.uid = 0;
	ASSERT_EQ(0, shm_setds(self->fd, id, &ds));
	stall_end(&st);
	EXPECT_EQ(0, st.holder_res);
	EXPECT_EQ(EPERM, t_reap(&self->kids, pid));
	EXPECT_EQ(0U, sstat(self->fd, id).status);
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * As a process: attach segment @id read-only (by shmat, or with @by_mmap
 * by an mmap of the device without PROT_WRITE), then try to make the
 * attachment writable by remapping it with remap_file_pages() and write
 * 'X' to it.  Returns 0 when every way to write was refused, 1 when the
 * write landed, 2 and up for other surprises.
 */
static int rdonly_remap_escape(int fd, int id, size_t len, bool by_mmap)
{
	char *p;

	if (by_mmap)
		p = mmap_id(fd, id, len, PROT_READ, MAP_SHARED);
	else
		p = attach(fd, id, RDONLY);
	if (!p || p == MAP_FAILED)
		return 2;
	if (!mprotect(p, len, PROT_READ | PROT_WRITE))
		return 3;
	if (errno != EACCES)
		return 4;
	if (remap_file_pages(p, len, 0, 0, 0))
		return 0;	/* refused: as Linux does for SHM_RDONLY */
	if (mprotect(p, len, PROT_READ | PROT_WRITE))
		return errno == EACCES ? 0 : 5;
	return probe_write(p, 'X') ? 6 : 1;
}

TEST_F(shm, rdonly_attach_cannot_become_writable_by_remap_file_pages)
{
	char *w;
	int id;

	id = new_seg(self, 2 * PAGE, 0644);
	ASSERT_LE(0, id);
	w = attach(self->fd, id, 0);
	ASSERT_NE(NULL, w);
	memset(w, 'r', 2 * PAGE);
	/* uid 65534 may only read the segment. */
	EXPECT_EQ(0, AS_NOBODY(rdonly_remap_escape(self->fd, id, 2 * PAGE,
						   false)));
	EXPECT_EQ(0, AS_NOBODY(rdonly_remap_escape(self->fd, id, 2 * PAGE,
						   true)));
	/* Root may write, but a read-only attachment stays read-only. */
	EXPECT_EQ(0, T_IN_CHILD(0, rdonly_remap_escape(self->fd, id, 2 * PAGE,
						     false)));
	EXPECT_EQ(0, T_IN_CHILD(0, rdonly_remap_escape(self->fd, id, 2 * PAGE,
						     true)));
	EXPECT_EQ(-1, first_not(w, 2 * PAGE, 'r'));
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, w, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * remap_file_pages() of the last attachment of a removed segment: the old
 * mapping goes first, which destroys the segment, so the new one is
 * refused (EIDRM; Linux says EINVAL or EIDRM) and nothing is mapped.
 */
TEST_F(shm, remap_file_pages_of_a_removed_segment_fails)
{
	struct aixipc_shmid_ds ds;
	char *p;
	int id, err;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	t_fill_pattern(p, 2 * PAGE, 11);
	ASSERT_EQ(0, remove_seg(self, id));
	ds = sstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.nattch);
	EXPECT_EQ(AIXIPC_SHM_DEST, ds.status);

	errno = 0;
	EXPECT_EQ(-1, remap_file_pages(p, 2 * PAGE, 0, 0, 0));
	EXPECT_TRUE(errno == EIDRM || errno == EINVAL)
		TH_LOG("errno %d", errno);
	EXPECT_EQ(SIGSEGV, probe_read(p));
	err = t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, &ds);
	EXPECT_TRUE(err == -EINVAL || err == -EIDRM) TH_LOG("STAT: %d", err);
}

/* A piece made by remap_file_pages() counts in nattch like any other. */
TEST_F(shm, remap_file_pages_piece_counts_in_nattch)
{
	char *p;
	int id;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	t_fill_pattern(p, 2 * PAGE, 12);
	/* The segment's second page, now also at the first one's place. */
	ASSERT_EQ(0, remap_file_pages(p, PAGE, 0, 1, 0));
	EXPECT_EQ(0, memcmp(p, p + PAGE, PAGE));
	p[0] = 'z';
	EXPECT_EQ('z', p[PAGE]);
	EXPECT_EQ(2, maps_pieces(p));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	/* Past the segment's end: refused, the range is left unmapped. */
	errno = 0;
	EXPECT_EQ(-1, remap_file_pages(p, PAGE, 0, 2, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1ULL, nattch(self->fd, id));
	EXPECT_EQ(0, munmap(p, 2 * PAGE));
	EXPECT_EQ(0ULL, nattch(self->fd, id));
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * A removed segment whose only mapping was remapped lives until that
 * mapping goes: it is counted, so IPC_RMID leaves it to the last detach.
 */
TEST_F(shm, remap_file_pages_mapping_keeps_a_removed_segment_alive)
{
	struct aixipc_shmid_ds ds;
	char *p, *q;
	int id, err;

	id = new_seg(self, 2 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	q = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	t_fill_pattern(p, 2 * PAGE, 13);
	ASSERT_EQ(0, remap_file_pages(p, 2 * PAGE, 0, 0, 0));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	ASSERT_EQ(0, remove_seg(self, id));
	/* Removed but attached: a remap still works and is still counted. */
	ASSERT_EQ(0, remap_file_pages(p, 2 * PAGE, 0, 0, 0));
	EXPECT_EQ(2ULL, nattch(self->fd, id));
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));
	ds = sstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.nattch);
	EXPECT_EQ(AIXIPC_SHM_DEST, ds.status);
	EXPECT_EQ(-1, t_check_pattern(p, 2 * PAGE, 13));
	p[1] = 'a';
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	err = t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, &ds);
	EXPECT_TRUE(err == -EINVAL || err == -EIDRM) TH_LOG("STAT: %d", err);
}

/*
 * As uid 65534 with 16 pages of RLIMIT_MEMLOCK: growing a locked segment
 * locks the new pages, so it is held to the limit; shrinking one gives
 * pages back.  Returns 0, or the number of the step that went wrong.
 */
static int locked_resize_steps(int fd)
{
	int a, b;

	a = t_shmget(fd, AIXIPC_KEY_PRIVATE, PAGE, AIXIPC_CREAT, 0600);
	b = t_shmget(fd, AIXIPC_KEY_PRIVATE, PAGE, AIXIPC_CREAT, 0600);
	if (a < 0 || b < 0)
		return 100;
	t_track(AIXIPC_SHM, a);
	t_track(AIXIPC_SHM, b);
	if (shm_cmd(fd, a, AIXIPC_SHM_LOCK, 0))
		return 101;
	if (shm_cmd(fd, a, AIXIPC_SHM_SIZE, 256 * MIB) != -ENOMEM)
		return 1;
	if (sstat(fd, a).segsz != PAGE)
		return 2;
	if (shm_cmd(fd, a, AIXIPC_SHM_SIZE, 16 * PAGE))
		return 3;
	if (shm_cmd(fd, a, AIXIPC_SHM_SIZE, 16 * PAGE + 1) != -ENOMEM)
		return 4;
	/* The limit is used up: b cannot be locked... */
	if (shm_cmd(fd, b, AIXIPC_SHM_LOCK, 0) != -ENOMEM)
		return 5;
	/* ...until a shrinks; an unlocked segment grows freely. */
	if (shm_cmd(fd, a, AIXIPC_SHM_SIZE, PAGE))
		return 6;
	if (shm_cmd(fd, b, AIXIPC_SHM_SIZE, 15 * PAGE))
		return 7;
	if (shm_cmd(fd, b, AIXIPC_SHM_LOCK, 0))
		return 8;
	if (shm_cmd(fd, a, AIXIPC_SHM_SIZE, 2 * PAGE) != -ENOMEM)
		return 9;
	if (shm_cmd(fd, b, AIXIPC_SHM_UNLOCK, 0) ||
	    shm_cmd(fd, a, AIXIPC_SHM_SIZE, 16 * PAGE))
		return 10;
	if (shm_cmd(fd, a, AIXIPC_SHM_UNLOCK, 0) ||
	    shm_cmd(fd, a, AIXIPC_SHM_SIZE, 256 * MIB))
		return 11;
	return 0;
}

TEST_F(shm, size_of_a_locked_segment_is_held_to_rlimit_memlock)
{
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(16 * PAGE,
				       locked_resize_steps(self->fd)));
}

/*
 * Who grows a locked segment locks its new size: the charge moves to the
 * caller, under the caller's limit, even when someone else locked it.
 */
TEST_F(shm, size_of_a_segment_locked_by_another_user_charges_the_caller)
{
	int a, b;

	a = nobody_seg(self, PAGE, 0600);
	b = nobody_seg(self, PAGE, 0600);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* Root locks it, with CAP_IPC_LOCK: no limit. */
	ASSERT_EQ(0, shm_cmd(self->fd, a, AIXIPC_SHM_LOCK, 0));
	EXPECT_EQ(-ENOMEM, AS_NOBODY_MEMLOCK(16 * PAGE,
					     shm_cmd(self->fd, a,
						     AIXIPC_SHM_SIZE,
						     256 * MIB)));
	EXPECT_EQ(-EPERM, AS_NOBODY_MEMLOCK(0, shm_cmd(self->fd, a,
						       AIXIPC_SHM_SIZE,
						       2 * PAGE)));
	EXPECT_EQ(PAGE, sstat(self->fd, a).segsz);
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(16 * PAGE,
				       shm_cmd(self->fd, a, AIXIPC_SHM_SIZE,
					       16 * PAGE)));
	/* uid 65534 now holds the 16 pages. */
	EXPECT_EQ(-ENOMEM, AS_NOBODY_MEMLOCK(16 * PAGE,
					     shm_cmd(self->fd, b,
						     AIXIPC_SHM_LOCK, 0)));
	/* Shrinking needs no limit and gives them back. */
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(0, shm_cmd(self->fd, a,
						  AIXIPC_SHM_SIZE, PAGE)));
	EXPECT_EQ(0, AS_NOBODY_MEMLOCK(16 * PAGE,
				       shm_cmd(self->fd, b, AIXIPC_SHM_LOCK,
					       0)));
	EXPECT_EQ(AIXIPC_SHM_LOCKED, sstat(self->fd, a).status);
	EXPECT_EQ(0, remove_seg(self, a));
	EXPECT_EQ(0, remove_seg(self, b));
}

/*
 * madvise(MADV_REMOVE) punches a hole through the attach file's
 * fallocate: the page reads back zero in every attachment and leaves the
 * segment's rss, its neighbours keep their data; a read-only attachment
 * may not punch (EACCES: its attach file is not writable).
 */
TEST_F(shm, madv_remove_punches_a_hole_every_attachment_sees)
{
	char *p, *q, *r;
	int id;

	id = new_seg(self, 4 * PAGE, 0600);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	q = attach(self->fd, id, 0);
	r = attach(self->fd, id, RDONLY);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	ASSERT_NE(NULL, r);
	memset(p, 0xa5, 4 * PAGE);
	EXPECT_EQ(4ULL, sstat(self->fd, id).rss);

	ASSERT_EQ(0, madvise(p + PAGE, PAGE, MADV_REMOVE))
		TH_LOG("MADV_REMOVE: %s", strerror(errno));
	/* Before any read: reading the hole through a shared mapping
	 * gives it a new, zeroed page again.
	 */
	EXPECT_EQ(3ULL, sstat(self->fd, id).rss);

	errno = 0;
	EXPECT_EQ(-1, madvise(r + 2 * PAGE, PAGE, MADV_REMOVE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(3ULL, sstat(self->fd, id).rss);

	EXPECT_EQ(0, q[PAGE]);
	EXPECT_EQ(0, r[2 * PAGE - 1]);
	EXPECT_EQ((char)0xa5, q[PAGE - 1]);
	EXPECT_EQ((char)0xa5, q[2 * PAGE]);
	EXPECT_EQ((char)0xa5, r[2 * PAGE]);

	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, r, NULL));
	EXPECT_EQ(0, remove_seg(self, id));
}

/*
 * shmdt unmaps its attachment's pieces and nothing else.  A module cannot
 * find and unmap them under one hold of mmap_lock (Linux's shmdt does),
 * so another thread's mmap() may land in the hole between two pieces
 * while shmdt runs: that mapping must survive.  Each round attaches three
 * pages at the same place and unmaps the middle one; a second thread maps
 * that hole (MAP_FIXED_NOREPLACE) while the first detaches, and checks
 * its page is still mapped a moment later.  The segment once had a long
 * attachment and many small mappings lie above, so shmdt's scan, which
 * goes as far as the longest attachment, lasts longer than a time slice:
 * with both threads on one CPU, the scheduler switches to the second
 * thread at the first point where shmdt may sleep after its scan, when
 * it is about to unmap.
 */
#define HOLE_PAD	2048	/* pages of one-page mappings above */

struct hole_race {
	char *hole;
	_Atomic int round;	/* odd: a round is on, the hole may be mapped */
	_Atomic int acked;	/* the last round the mapper saw end */
	_Atomic int stop;
	_Atomic unsigned long mapped;	/* hole mappings made during shmdt */
	_Atomic unsigned long lost;	/* of them, unmapped under the mapper */
};

static void *hole_mapper(void *arg)
{
	struct hole_race *h = arg;
	int round;
	char *p;

	while (!h->stop) {
		round = h->round;
		if (!(round & 1)) {
			h->acked = round;
			sched_yield();
			continue;
		}
		p = mmap(h->hole, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
		if (p == MAP_FAILED)
			continue;
		if (p != h->hole) {	/* a kernel without NOREPLACE */
			munmap(p, PAGE);
			continue;
		}
		h->mapped++;
		sched_yield();
		/* msync: ENOMEM when the page is no longer mapped. */
		if (msync(p, PAGE, MS_ASYNC) && errno == ENOMEM) {
			h->lost++;
			continue;
		}
		munmap(p, PAGE);
	}
	return NULL;
}

TEST_F(shm, shmdt_leaves_a_mapping_made_in_a_hole_meanwhile)
{
	size_t span = (3 + HOLE_PAD) * PAGE;
	struct hole_race h = { 0 };
	struct timespec t0, t;
	pthread_t mapper;
	uint64_t size;
	cpu_set_t cpu;
	char *base;
	void *p;
	int id, i, rounds = 0;

	id = new_seg(self, (3 + HOLE_PAD) * PAGE, 0600);
	ASSERT_LE(0, id);
	/* The longest attachment sets how far shmdt's scan goes. */
	ASSERT_EQ(0, t_shmat(self->fd, id, NULL, 0, &p, NULL));
	ASSERT_EQ(0, t_shmdt(self->fd, p, NULL));
	ASSERT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, 3 * PAGE));
	/* Three free pages, then HOLE_PAD separate one-page mappings. */
	base = mmap(NULL, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, base);
	for (i = 3; i < 3 + HOLE_PAD; i += 2)
		ASSERT_EQ(0, mprotect(base + (size_t)i * PAGE, PAGE, PROT_NONE));
	h.hole = base + PAGE;
	CPU_ZERO(&cpu);
	CPU_SET(sched_getcpu(), &cpu);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu), &cpu));
	ASSERT_EQ(0, pthread_create(&mapper, NULL, hole_mapper, &h));
	/* Freed last: the thread's creation could have taken them. */
	ASSERT_EQ(0, munmap(base, 3 * PAGE));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		ASSERT_EQ(0, t_shmat(self->fd, id, base, 0, &p, NULL));
		ASSERT_EQ(0, munmap(base + PAGE, PAGE));
		h.round++;		/* on */
		size = 0;
		EXPECT_EQ(0, t_shmdt(self->fd, base, &size));
		EXPECT_EQ(2ULL * PAGE, size);
		h.round++;		/* off: wait until the hole is free */
		while (h.acked != h.round)
			sched_yield();
		munmap(base, 3 * PAGE);	/* a page lost under the mapper */
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!h.lost && t.tv_sec - t0.tv_sec < 5 && _metadata->passed);
	h.stop = 1;
	pthread_join(mapper, NULL);
	TH_LOG("%d detaches; the hole mapped %lu times meanwhile, %lu of them lost",
	       rounds, (unsigned long)h.mapped, (unsigned long)h.lost);
	EXPECT_EQ(0UL, (unsigned long)h.lost);
	munmap(base, span);
	EXPECT_EQ(0, remove_seg(self, id));
	if (!h.mapped)
		SKIP(return, "the other thread never mapped the hole during a shmdt: the race was not tried");
}

TEST_HARNESS_MAIN
