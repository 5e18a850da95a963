// SPDX-License-Identifier: GPL-2.0
/*
 * shm_pin_test - selftests for pinned (AIXIPC_SHM_PIN) and large-page
 * (AIXIPC_SHM_LGPAGE, SHM_PAGESIZE of a huge page) segments of aixipc.
 *
 * Run as root with the module loaded.  What "no page fault" means is read
 * from getrusage()'s minor fault count of the process, around a loop that
 * touches every page of an attachment: 0 for a pinned one; every test
 * that asserts 0 also shows that an ordinary segment, touched the same
 * way, does fault, so the count is known to see faults.  Huge pages are
 * read from the attachment's ShmemPmdMapped in /proc/self/smaps (bytes
 * mapped by PMDs).  Where the kernel has no transparent huge pages (the
 * debug kernel's configuration), the large-page tests check that large
 * pages are refused or fall back, and say so; they skip, counted, only
 * the checks that need huge pages.
 *
 * Unprivileged behaviour runs in forked children that become uid 65534
 * with a given RLIMIT_MEMLOCK (AS_NOBODY_MEMLOCK()).  /proc/meminfo's
 * Unevictable is system-wide: the checks on it allow 1 MiB of slack, far
 * less than the amounts the tests pin, and poll (a hang guard, not a
 * timing) where the kernel frees pages from deferred work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
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
#define HUGE		(2 * MIB)
#define KIB_SLACK	1024L
#define PIN		AIXIPC_SHM_PIN
#define LGPAGE		AIXIPC_SHM_LGPAGE
#define CREAT		AIXIPC_CREAT

/* ---------------------------------------------------------------------- */
/* Helpers.                                                               */

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * Write (or read) one byte in every page of [p, p + len): the minor
 * faults that took.  The reads are volatile, so they happen.  Not
 * instrumented: AddressSanitizer's shadow of the range would fault too.
 */
volatile char touch_sink;

__attribute__((no_sanitize("address")))
static long touch_faults(void *p, size_t len, bool write)
{
	volatile char *c = p;
	long before = minflt(), faults;
	size_t off;
	char sum = 0;

	for (off = 0; off < len; off += PAGE) {
		if (write)
			c[off] = (char)(off >> 12);
		else
			sum += c[off];
	}
	faults = minflt() - before;
	/* After the count: a write to .bss may fault (copy-on-write). */
	touch_sink = sum;
	return faults;
}

/*
 * A field ("ShmemPmdMapped:") of the /proc/self/smaps entry of the
 * mapping that starts at @addr, in kB; -1 if there is none.
 */
static long smaps_kb(const void *addr, const char *field)
{
	char line[512], want[32];
	bool in = false;
	long v = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)addr);
	while (fgets(line, sizeof(line), f)) {
		/* A mapping's first line starts with its address in hex. */
		if ((line[0] >= '0' && line[0] <= '9') ||
		    (line[0] >= 'a' && line[0] <= 'f'))
			in = !strncmp(line, want, strlen(want));
		else if (in && !strncmp(line, field, strlen(field))) {
			v = strtol(line + strlen(field), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * Does this kernel have transparent huge pages (for shmem)?  If so, make
 * free huge pages likely: compact memory first (the suite runs in a small
 * VM whose memory earlier tests have broken up).
 */
static bool have_thp(void)
{
	if (access("/sys/kernel/mm/transparent_hugepage/shmem_enabled", F_OK))
		return false;
	t_write_file("/proc/sys/vm/compact_memory", "1");
	return true;
}

/* A child that writes at @p: its exit code, or 1000 + the signal. */
static int child_write(void *p)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		/* The signal's default action, not a sanitizer's handler. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		*(volatile char *)p = 1;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status)
				 : 1000 + WTERMSIG(status);
}

static long sys_futex(uint32_t *uaddr, int op, uint32_t val,
		      const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/* ---------------------------------------------------------------------- */
/* The fixture.                                                           */

FIXTURE(pin) {
	int fd;
	struct t_kids kids;
};

FIXTURE_SETUP(pin)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_EQ((uint32_t)AIXIPC_ABI_VERSION, v.abi_version);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_SHM_PIN);
	ASSERT_EQ(PAGE, (unsigned long)sysconf(_SC_PAGESIZE));
}

FIXTURE_TEARDOWN(pin)
{
	t_teardown(self->fd, &self->kids);
}

static int seg(FIXTURE_DATA(pin) *self, uint64_t size, uint32_t flags)
{
	int id = t_shmget(self->fd, AIXIPC_KEY_PRIVATE, size, CREAT | flags,
			  0600);

	if (id >= 0)
		t_track(AIXIPC_SHM, id);
	return id;
}

static struct aixipc_shmid_ds sstat(int fd, int id)
{
	struct aixipc_shmid_ds ds;

	memset(&ds, 0xa5, sizeof(ds));
	if (t_shmctl(fd, id, AIXIPC_IPC_STAT, NULL, &ds))
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

static char *attach(int fd, int id, uint32_t flags)
{
	void *p;

	return t_shmat(fd, id, NULL, flags, &p, NULL) ? NULL : p;
}

static int shm_cmd(int fd, int id, uint32_t cmd, uint64_t value)
{
	return t_shmctl(fd, id, cmd, &value, NULL);
}

/*
 * A pinned segment (mode 0666) made by uid 65534 under RLIMIT_MEMLOCK
 * @lim: its id, or -errno.
 */
static int nobody_pin(int fd, uint64_t size, unsigned long lim)
{
	long id = AS_NOBODY_MEMLOCK(lim, ({
		int s = t_shmget(fd, AIXIPC_KEY_PRIVATE, size, CREAT | PIN,
				 0666);

		if (s >= 0)
			t_track(AIXIPC_SHM, s);
		s;
	}));

	return id == NOBODY_FAILED ? -ECHILD : (int)id;
}

/* A pinned segment made by uid 65534 under RLIMIT_MEMLOCK @lim: its status. */
static long nobody_pin_status(int fd, uint64_t size, unsigned long lim)
{
	return AS_NOBODY_MEMLOCK(lim, ({
		int s = t_shmget(fd, AIXIPC_KEY_PRIVATE, size, CREAT | PIN,
				 0600);
		long r = s;

		if (s >= 0) {
			t_track(AIXIPC_SHM, s);
			r = sstat(fd, s).status;
		}
		r;
	}));
}

/* ---------------------------------------------------------------------- */
/* Pinned segments.                                                       */

TEST_F(pin, pin_allocates_every_page_at_shmget_and_locks_them)
{
	long unev0 = t_meminfo_kb("Unevictable:"), v;
	struct aixipc_shmid_ds ds;
	int id, plain;

	id = seg(self, 4 * MIB + 1, PIN);
	ASSERT_LE(0, id);
	ds = sstat(self->fd, id);
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED, ds.status);
	EXPECT_EQ(4 * MIB / PAGE + 1, ds.rss);
	v = t_meminfo_wait("Unevictable:", unev0 + 4096 - KIB_SLACK, LONG_MAX);
	EXPECT_LE(unev0 + 4096 - KIB_SLACK, v);

	/* An ordinary segment has no page until touched. */
	plain = seg(self, 4 * MIB, 0);
	ASSERT_LE(0, plain);
	EXPECT_EQ(0u, sstat(self->fd, plain).status);
	EXPECT_EQ(0ull, sstat(self->fd, plain).rss);

	EXPECT_EQ(0, t_rmid_tracked(self->fd, AIXIPC_SHM, id));
	v = t_meminfo_wait("Unevictable:", LONG_MIN, unev0 + KIB_SLACK);
	EXPECT_GE(unev0 + KIB_SLACK, v);
}

TEST_F(pin, pin_attach_maps_every_page_no_fault_on_touch)
{
	size_t len = 8 * MIB;
	int id, plain;
	char *p, *q;

	id = seg(self, len, PIN);
	plain = seg(self, len, 0);
	ASSERT_LE(0, id);
	ASSERT_LE(0, plain);
	q = attach(self->fd, plain, 0);
	ASSERT_NE(NULL, q);
	/* The count sees faults: an ordinary segment takes them. */
	EXPECT_LT(0, touch_faults(q, len, true));
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));

	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, touch_faults(p, len, true));
	EXPECT_EQ(0, touch_faults(p, len, false));
	EXPECT_EQ(1ull, sstat(self->fd, id).nattch);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(0ull, sstat(self->fd, id).nattch);

	/* The data stayed, and the next attach maps it again. */
	p = attach(self->fd, id, AIXIPC_SHM_RDONLY);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, touch_faults(p, len, false));
	EXPECT_EQ((char)(5 * MIB >> 12), p[5 * MIB]);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pin_rdonly_attach_cannot_write)
{
	char *p;
	int id;

	id = seg(self, 4 * PAGE, PIN);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, AIXIPC_SHM_RDONLY);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, touch_faults(p, 4 * PAGE, false));
	EXPECT_EQ(1000 + SIGSEGV, child_write(p + PAGE));
	EXPECT_EQ(-1, mprotect(p, 4 * PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pin_fork_child_inherits_the_mapping_without_faults)
{
	size_t len = 2 * MIB;
	int id, fds[2];
	pid_t pid;
	char *p;
	long kid_faults = -1;

	id = seg(self, len, PIN);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pipe(fds));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		long n = touch_faults(p, len, true);

		p[7] = 42;
		if (write(fds[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(kid_faults),
		  read(fds[0], &kid_faults, sizeof(kid_faults)));
	EXPECT_EQ(0, kid_faults);
	EXPECT_EQ(42, p[7]);
	EXPECT_EQ(2ull, sstat(self->fd, id).nattch);
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid));
	EXPECT_EQ(1ull, sstat(self->fd, id).nattch);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	close(fds[0]);
	close(fds[1]);
}

TEST_F(pin, pin_charged_against_memlock_and_advisory_over_it)
{
	long st;

	/* Within the limit: pinned.  Over it: made, not pinned. */
	st = nobody_pin_status(self->fd, 4 * PAGE, 4 * PAGE);
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED, st);
	st = nobody_pin_status(self->fd, 5 * PAGE, 4 * PAGE);
	EXPECT_EQ(0, st);
	st = nobody_pin_status(self->fd, PAGE, 0);
	EXPECT_EQ(0, st);
	/* The first one still holds 4 pages of nobody's limit. */
	st = nobody_pin_status(self->fd, PAGE, 4 * PAGE);
	EXPECT_EQ(0, st);
	st = nobody_pin_status(self->fd, PAGE, 5 * PAGE);
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED, st);
	/* Root (CAP_IPC_LOCK) is held to no limit. */
	EXPECT_EQ(0, t_set_memlock(0));
	st = seg(self, 64 * PAGE, PIN);
	ASSERT_LE(0, st);
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
		  sstat(self->fd, (int)st).status);
}

TEST_F(pin, pin_charge_returns_at_rmid_and_at_last_detach)
{
	int id;
	char *p;

	id = nobody_pin(self->fd, 8 * PAGE, 8 * PAGE);
	ASSERT_LE(0, id);
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
		  sstat(self->fd, id).status);
	EXPECT_EQ(0, nobody_pin_status(self->fd, PAGE, 8 * PAGE));
	/* Removed while attached: the charge lasts until the last detach. */
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, t_rmid_tracked(self->fd, AIXIPC_SHM, id));
	EXPECT_EQ(0, touch_faults(p, 8 * PAGE, true));
	EXPECT_EQ(0, nobody_pin_status(self->fd, PAGE, 8 * PAGE));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
		  nobody_pin_status(self->fd, 8 * PAGE, 8 * PAGE));
}

TEST_F(pin, pin_unlock_ends_the_pin_and_keeps_the_data)
{
	size_t len = 64 * PAGE;
	char *p;
	int id;

	id = nobody_pin(self->fd, len, len);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 0x5a, len);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	/* SHM_LOCK of a pinned segment changes nothing. */
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
		  sstat(self->fd, id).status);
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_UNLOCK, 0));
	EXPECT_EQ(0u, sstat(self->fd, id).status);
	/* nobody's charge is back... */
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
		  nobody_pin_status(self->fd, len, len));
	/* ...the data is there, and an attach now faults pages in. */
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_LT(0, touch_faults(p, len, false));
	EXPECT_EQ(0x5a, p[len - 1]);
	EXPECT_EQ(0x5a, p[0]);
	/* Unpinned, the hole punch that pinning refuses works. */
	EXPECT_EQ(0, madvise(p, PAGE, MADV_REMOVE));
	EXPECT_EQ(0, p[0]);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pin_madv_remove_einval_keeps_the_pages)
{
	char *p;
	int id;

	id = seg(self, 4 * PAGE, PIN);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 7, 4 * PAGE);
	EXPECT_EQ(-1, madvise(p, 4 * PAGE, MADV_REMOVE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(7, p[PAGE]);
	EXPECT_EQ(4ull, sstat(self->fd, id).rss);
	/* MADV_DONTNEED drops only the mapping: the pages come back. */
	EXPECT_EQ(0, madvise(p, 4 * PAGE, MADV_DONTNEED));
	EXPECT_EQ(7, p[3 * PAGE]);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pin_resize_pins_new_pages_and_unmaps_lost_ones)
{
	size_t small = 16 * PAGE, big = 64 * PAGE;
	char *p, *q;
	int id;

	id = seg(self, big, PIN);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 3, big);
	/* Shrinking: the pages past the end go from every attachment. */
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, small));
	EXPECT_EQ(small / PAGE, sstat(self->fd, id).rss);
	EXPECT_EQ(1000 + SIGBUS, child_write(p + small));
	EXPECT_EQ(3, p[small - 1]);
	/* Growing pins the new pages (zeroed), mapped by the next attach. */
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, big + 2 * PAGE));
	EXPECT_EQ(big / PAGE + 2, sstat(self->fd, id).rss);
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
		  sstat(self->fd, id).status);
	q = attach(self->fd, id, 0);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(0, touch_faults(q, big + 2 * PAGE, false));
	EXPECT_EQ(3, q[0]);
	EXPECT_EQ(0, q[small]);
	EXPECT_EQ(0, q[big + PAGE]);
	/* The old attachment sees the regrown pages (faulting them in). */
	EXPECT_EQ(0, p[small]);
	q[small] = 9;
	EXPECT_EQ(9, p[small]);
	EXPECT_EQ(0, t_shmdt(self->fd, q, NULL));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pin_resize_over_memlock_enomem_changes_nothing)
{
	long r;

	r = AS_NOBODY_MEMLOCK(8 * PAGE, ({
		int s = t_shmget(self->fd, AIXIPC_KEY_PRIVATE, 4 * PAGE,
				 CREAT | PIN, 0600);
		long res = s;

		if (s >= 0) {
			t_track(AIXIPC_SHM, s);
			res = shm_cmd(self->fd, s, AIXIPC_SHM_SIZE, 9 * PAGE);
			if (res == -ENOMEM &&
			    (sstat(self->fd, s).segsz != 4 * PAGE ||
			     sstat(self->fd, s).rss != 4 ||
			     sstat(self->fd, s).status !=
			     (AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED)))
				res = -KID_WRONG;
			else if (res == -ENOMEM)
				res = shm_cmd(self->fd, s, AIXIPC_SHM_SIZE,
					      8 * PAGE);
			if (!res && sstat(self->fd, s).rss != 8)
				res = -KID_WRONG;
		}
		res;
	}));
	EXPECT_EQ(0, r);
}

TEST_F(pin, pin_process_shared_futex_in_a_pinned_segment)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };
	uint32_t *w;
	pid_t pid;
	int id;

	id = seg(self, PAGE, PIN);
	ASSERT_LE(0, id);
	w = (uint32_t *)attach(self->fd, id, 0);
	ASSERT_NE(NULL, w);
	/* A shared futex key needs the page's mapping: not EFAULT. */
	EXPECT_EQ(-1, sys_futex(w, FUTEX_WAIT, 0, &ts));
	EXPECT_EQ(ETIMEDOUT, errno);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct timespec hang = { .tv_sec = 20 };

		while (__atomic_load_n(w, __ATOMIC_SEQ_CST) == 0)
			if (sys_futex(w, FUTEX_WAIT, 0, &hang) &&
			    errno == ETIMEDOUT)
				_exit(1);
		_exit(0);
	}
	/* Wait until the child sleeps on the futex, then wake it. */
	ASSERT_EQ(0, t_wait_sleeping_in(pid, "futex"));
	__atomic_store_n(w, 1, __ATOMIC_SEQ_CST);
	EXPECT_EQ(1, sys_futex(w, FUTEX_WAKE, 1, NULL));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0, t_shmdt(self->fd, w, NULL));
}

TEST_F(pin, pin_device_mmap_shares_the_pages)
{
	char *p, *m;
	int id;

	id = seg(self, 4 * PAGE, PIN);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	m = mmap64(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, (off64_t)id << 12);
	ASSERT_NE(MAP_FAILED, m);
	m[3 * PAGE] = 11;
	EXPECT_EQ(11, p[3 * PAGE]);
	EXPECT_EQ(2ull, sstat(self->fd, id).nattch);
	EXPECT_EQ(0, munmap(m, 4 * PAGE));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pin_flags_act_at_creation_only)
{
	int32_t key = t_test_key(0x71, 1);
	int id, again;

	id = t_shmget(self->fd, key, 4 * PAGE, CREAT, 0600);
	ASSERT_LE(0, id);
	t_track(AIXIPC_SHM, id);
	again = t_shmget(self->fd, key, 4 * PAGE, CREAT | PIN | LGPAGE, 0600);
	EXPECT_EQ(id, again);
	EXPECT_EQ(0u, sstat(self->fd, id).status);
	EXPECT_EQ(0ull, sstat(self->fd, id).rss);
}

TEST_F(pin, pin_flags_other_kinds_einval)
{
	EXPECT_EQ(-EINVAL, t_get(self->fd, AIXIPC_MSG, AIXIPC_KEY_PRIVATE, 0,
				 CREAT | PIN, 0600));
	EXPECT_EQ(-EINVAL, t_get(self->fd, AIXIPC_SEM, AIXIPC_KEY_PRIVATE, 1,
				 CREAT | LGPAGE, 0600));
	EXPECT_EQ(-EINVAL, t_shmget(self->fd, AIXIPC_KEY_PRIVATE, PAGE,
				    CREAT | 0x10, 0600));
}

TEST_F(pin, pin_killed_while_attached_frees_everything)
{
	long unev0 = t_meminfo_kb("Unevictable:"), v;
	int id, fds[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(fds));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int s = seg(self, 8 * MIB, PIN);
		char *p = s < 0 ? NULL : attach(self->fd, s, 0);

		if (!p || t_shm_rmid(self->fd, s))
			_exit(1);
		if (write(fds[1], &s, sizeof(s)) != sizeof(s))
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(id), read(fds[0], &id, sizeof(id)));
	v = t_meminfo_wait("Unevictable:", unev0 + 8192 - KIB_SLACK, LONG_MAX);
	EXPECT_LE(unev0 + 8192 - KIB_SLACK, v);
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid));
	/* Its last detach freed the removed segment. */
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, NULL));
	v = t_meminfo_wait("Unevictable:", LONG_MIN, unev0 + KIB_SLACK);
	EXPECT_GE(unev0 + KIB_SLACK, v);
	close(fds[0]);
	close(fds[1]);
}

/*
 * A child pinning @bytes (at shmget, or growing segment @id to that size
 * when @id >= 0) is SIGKILLed once the pinning has visibly begun (the
 * Unevictable count, or the segment's rss, has grown): 0 when the kill
 * landed mid-way, 1 if the child finished first, -1 on error.
 */
static int kill_while_pinning(FIXTURE_DATA(pin) *self, int id, size_t bytes)
{
	long unev0 = t_meminfo_kb("Unevictable:");
	int status, i;
	pid_t pid;

	pid = t_spawn(&self->kids);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (id >= 0)
			_exit(shm_cmd(self->fd, id, AIXIPC_SHM_SIZE, bytes) ? 2 : 0);
		_exit(seg(self, bytes, PIN) < 0 ? 2 : 0);
	}
	for (i = 0; i < 100000; i++) {
		if (id >= 0 ? sstat(self->fd, id).rss > 1024 :
		    t_meminfo_kb("Unevictable:") > unev0 + 4096)
			break;
		if (t_kid_ended(pid))
			break;
		usleep(100);
	}
	kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	t_forget_kid(&self->kids, pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return 0;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 1 : -1;
}

TEST_F(pin, pin_killed_at_shmget_leaves_nothing)
{
	long unev0 = t_meminfo_kb("Unevictable:"), v;
	struct aixipc_info before, after;
	int r;

	ASSERT_EQ(0, t_info(self->fd, AIXIPC_SHM, &before));
	r = kill_while_pinning(self, -1, 256 * MIB);
	ASSERT_LE(0, r);
	if (r)
		SKIP(return, "the pin finished before the kill landed");
	ASSERT_EQ(0, t_info(self->fd, AIXIPC_SHM, &after));
	EXPECT_EQ(before.in_use, after.in_use);
	EXPECT_EQ(before.count, after.count);
	v = t_meminfo_wait("Unevictable:", LONG_MIN, unev0 + KIB_SLACK);
	EXPECT_GE(unev0 + KIB_SLACK, v);
}

TEST_F(pin, pin_grow_killed_goes_back_to_the_old_size)
{
	long unev0 = t_meminfo_kb("Unevictable:"), v;
	struct aixipc_shmid_ds ds;
	int id, r;
	char *p;

	id = seg(self, 4 * PAGE, PIN);
	ASSERT_LE(0, id);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 6, 4 * PAGE);
	r = kill_while_pinning(self, id, 256 * MIB);
	ASSERT_LE(0, r);
	if (r)
		SKIP(return, "the pin finished before the kill landed");
	ds = sstat(self->fd, id);
	EXPECT_EQ(4 * PAGE, ds.segsz);
	EXPECT_EQ(4ull, ds.rss);
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED, ds.status);
	EXPECT_EQ(6, p[4 * PAGE - 1]);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	/* The charge is the old one: what it pinned on the way is free. */
	v = t_meminfo_wait("Unevictable:", LONG_MIN, unev0 + KIB_SLACK);
	EXPECT_GE(unev0 + KIB_SLACK, v);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, touch_faults(p, 4 * PAGE, false));
	EXPECT_EQ(6, p[0]);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

/* ---------------------------------------------------------------------- */
/* Large pages.                                                           */

TEST_F(pin, lgpage_maps_huge_pages_with_pmds)
{
	size_t len = 8 * MIB;
	long pmd;
	char *p;
	int id;

	id = seg(self, len, LGPAGE);
	ASSERT_LE(0, id);
	if (!have_thp()) {
		/* No huge pages: an ordinary segment. */
		EXPECT_EQ(0u, sstat(self->fd, id).status);
		SKIP(return, "no transparent huge pages in this kernel");
	}
	EXPECT_EQ(AIXIPC_SHM_LARGE, sstat(self->fd, id).status);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0ul, (uintptr_t)p % HUGE);
	/* One fault per huge page at most, where 4 KiB pages take more. */
	EXPECT_GE((long)(len / HUGE), touch_faults(p, len, true));
	pmd = smaps_kb(p, "ShmemPmdMapped:");
	EXPECT_EQ((long)(len >> 10), pmd);
	EXPECT_LE((long)(len >> 10), t_meminfo_kb("ShmemHugePages:"));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, lgpage_pinned_is_mapped_whole_at_attach)
{
	size_t len = 8 * MIB;
	char *p;
	int id;

	id = seg(self, len, LGPAGE | PIN);
	ASSERT_LE(0, id);
	EXPECT_EQ(len / PAGE, sstat(self->fd, id).rss);
	if (!have_thp()) {
		EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED,
			  sstat(self->fd, id).status);
		SKIP(return, "no transparent huge pages in this kernel");
	}
	EXPECT_EQ(AIXIPC_SHM_PINNED | AIXIPC_SHM_LOCKED | AIXIPC_SHM_LARGE,
		  sstat(self->fd, id).status);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, touch_faults(p, len, true));
	EXPECT_EQ((long)(len >> 10), smaps_kb(p, "ShmemPmdMapped:"));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, lgpage_unaligned_attach_maps_small_pages)
{
	size_t len = 4 * MIB;
	char *base, *p;
	void *where;
	int id;

	id = seg(self, len, LGPAGE | PIN);
	ASSERT_LE(0, id);
	/* A free range, one page off a huge page boundary. */
	base = mmap(NULL, len + 2 * HUGE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, base);
	p = (char *)(((uintptr_t)base + HUGE) & ~(HUGE - 1)) + PAGE;
	ASSERT_EQ(0, munmap(base, len + 2 * HUGE));
	ASSERT_EQ(0, t_shmat(self->fd, id, p, 0, &where, NULL));
	EXPECT_EQ((void *)p, where);
	EXPECT_EQ(0, touch_faults(p, len, true));
	EXPECT_EQ(0, smaps_kb(p, "ShmemPmdMapped:"));
	memset(p, 1, len);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pagesize_huge_before_first_attach_only)
{
	int id, att, pinned;
	long r;
	char *p;

	id = seg(self, 4 * MIB, 0);
	att = seg(self, 4 * MIB, 0);
	pinned = seg(self, 4 * MIB, PIN);
	ASSERT_LE(0, id);
	ASSERT_LE(0, att);
	ASSERT_LE(0, pinned);
	p = attach(self->fd, att, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
	/* Never another size; never an attached or pinned segment. */
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, 4 * MIB));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, 65536));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, att, AIXIPC_SHM_PAGESIZE, HUGE));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, pinned, AIXIPC_SHM_PAGESIZE,
				   HUGE));
	/* Only the owner or creator. */
	r = AS_NOBODY(shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, HUGE));
	EXPECT_EQ(-EPERM, r);
	EXPECT_EQ(0u, sstat(self->fd, id).status);
	if (!have_thp()) {
		EXPECT_EQ(-EINVAL, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE,
					   HUGE));
		SKIP(return, "no transparent huge pages in this kernel");
	}
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, HUGE));
	EXPECT_EQ(AIXIPC_SHM_LARGE, sstat(self->fd, id).status);
	EXPECT_EQ(4 * MIB, sstat(self->fd, id).segsz);
	/* Asking again is fine, and so is going back before an attach. */
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, HUGE));
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, PAGE));
	EXPECT_EQ(0u, sstat(self->fd, id).status);
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, HUGE));
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 2, 4 * MIB);
	EXPECT_EQ(4096L, smaps_kb(p, "ShmemPmdMapped:"));
	EXPECT_EQ(-EINVAL, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, PAGE));
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, HUGE));
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pagesize_huge_keeps_shm_lock)
{
	/* 32 MiB, so that other tests' pages still being freed are noise. */
	const size_t len = 32 * MIB;
	const long kb = (long)(len >> 10), slack = 8 * KIB_SLACK;
	long unev0 = t_meminfo_kb("Unevictable:"), v;
	char *p;
	int id;

	if (!have_thp())
		SKIP(return, "no transparent huge pages in this kernel");
	id = seg(self, len, 0);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_LOCK, 0));
	EXPECT_EQ(0, shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE, HUGE));
	EXPECT_EQ(AIXIPC_SHM_LOCKED | AIXIPC_SHM_LARGE,
		  sstat(self->fd, id).status);
	p = attach(self->fd, id, 0);
	ASSERT_NE(NULL, p);
	memset(p, 1, len);
	/* The new file's pages are as unevictable as the old one's were. */
	v = t_meminfo_wait("Unevictable:", unev0 + kb - slack, LONG_MAX);
	EXPECT_LE(unev0 + kb - slack, v);
	EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
}

TEST_F(pin, pagesize_races_device_mmap_without_mixing_files)
{
	int i;

	if (!have_thp())
		SKIP(return, "no transparent huge pages in this kernel");
	/*
	 * An mmap() of the device makes its attach file without the
	 * segment's mutex: whichever of it and SHM_PAGESIZE comes first,
	 * the mapping and the segment share one file (the data written
	 * through the mapping is what a later attach reads).
	 */
	for (i = 0; i < 50; i++) {
		int id = seg(self, HUGE, 0), err = 0;
		pid_t pid;
		char *m, *p;

		ASSERT_LE(0, id);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(-shm_cmd(self->fd, id, AIXIPC_SHM_PAGESIZE,
				       HUGE));
		m = mmap64(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->fd, (off64_t)id << 12);
		ASSERT_NE(MAP_FAILED, m);
		m[100] = 77;
		waitpid(pid, &err, 0);
		ASSERT_TRUE(WIFEXITED(err));
		EXPECT_TRUE(WEXITSTATUS(err) == 0 ||
			    WEXITSTATUS(err) == EINVAL);
		p = attach(self->fd, id, 0);
		ASSERT_NE(NULL, p);
		EXPECT_EQ(77, p[100]);
		EXPECT_EQ(0, t_shmdt(self->fd, p, NULL));
		EXPECT_EQ(0, munmap(m, HUGE));
		EXPECT_EQ(0, t_rmid_tracked(self->fd, AIXIPC_SHM, id));
	}
}

TEST_HARNESS_MAIN
