/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the aixipc selftests: thin wrappers that fill one UAPI
 * struct and make one ioctl, returning 0 or -errno; the children of a test
 * (unprivileged ones, their results, the fixture's list to kill and reap);
 * the device's setup; and the objects a program made, kept by id (never
 * taken apart: the module's id layout is its own) and removed if a killed
 * test left them.  One copy of each: a test program adds only what is its
 * own.
 */
#ifndef AIXIPC_TEST_H
#define AIXIPC_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/aixipc.h>
#include <linux/userfaultfd.h>

#include "lib/wchan.h"

static inline int aixipc_open(void)
{
	return open(AIXIPC_DEVICE, O_RDWR | O_CLOEXEC);
}

static inline int aixipc_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/*
 * Become uid and gid @id, with no supplementary groups (and, for a uid
 * other than 0, no capabilities).  Return: 0 or -errno.
 */
static inline int t_become_user(uid_t id)
{
	if (setgroups(0, NULL) || setresgid(id, id, id) ||
	    setresuid(id, id, id))
		return -errno;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Data.                                                                  */

/* @len bytes of a pattern that differs with @seed and with the page. */
static inline void t_fill_pattern(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 31 + seed * 7 + (i >> 12));
}

/* Index of the first byte that differs from the pattern, or -1. */
static inline long t_check_pattern(const void *buf, size_t len,
				   unsigned int seed)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)(i * 31 + seed * 7 + (i >> 12)))
			return (long)i;
	return -1;
}

/* The next number of a xorshift64 generator whose state is *@s (not 0). */
static inline uint64_t t_xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* A 32-bit checksum (FNV-1a over 64-bit words, then the tail bytes). */
static inline uint32_t t_sum32(const unsigned char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ (h >> 32));
}

/* A small file's first line, without its newline.  Return: 0 or -errno. */
static inline int t_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Write the string @s to the file @path.  Return: 0 or -errno (short: EIO). */
static inline int t_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	else if (n != (ssize_t)strlen(s))
		err = -EIO;
	close(fd);
	return err;
}

/* ---------------------------------------------------------------------- */
/* Children: unprivileged ones, their results, and the fixture's list.    */

#define NOBODY		65534	/* uid and gid of the unprivileged children */

/* Drop to uid/gid NOBODY, no supplementary groups or capabilities.  0/-1. */
static inline int t_become_nobody(void)
{
	return t_become_user(NOBODY) ? -1 : 0;
}

/* RLIMIT_MEMLOCK, soft and hard, to @bytes (raising it needs root): 0/-errno. */
static inline int t_set_memlock(uint64_t bytes)
{
	struct rlimit r = { .rlim_cur = bytes, .rlim_max = bytes };

	return setrlimit(RLIMIT_MEMLOCK, &r) ? -errno : 0;
}

/*
 * A field of /proc/meminfo ("Shmem:"), in kB, or -1.  System-wide: tests
 * allow slack on it.
 */
static inline long t_meminfo_kb(const char *field)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, strlen(field))) {
			v = strtol(line + strlen(field), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/*
 * Poll /proc/meminfo @field until it is within [lo, hi] kB; returns the
 * last value read.  A hang guard of about five seconds, not a timing: the
 * kernel may free pages from deferred work.
 */
static inline long t_meminfo_wait(const char *field, long lo, long hi)
{
	long v = -1;
	int i;

	for (i = 0; i < 500; i++) {
		v = t_meminfo_kb(field);
		if (v >= lo && v <= hi)
			break;
		usleep(10000);
	}
	return v;
}

/* Exit status a child reports for a result that is 0 or -errno. */
#define KID_BROKEN	250	/* the child could not set itself up */
#define KID_WRONG	251	/* succeeded, but with wrong data */
#define KID_UNEXPECTED	252	/* a result that is neither 0 nor -errno */

static inline int kid_code(long r)
{
	if (r == 0)
		return 0;
	if (r < 0 && r > -KID_BROKEN)
		return (int)-r;
	return KID_UNEXPECTED;
}

/*
 * T_IN_CHILD(prep, expr): in a forked child run prep (an int: nonzero means
 * it failed), then evaluate expr (an int or long: 0, an id, a value or
 * -errno) and yield its value in the caller; NOBODY_FAILED when the child
 * could not be run or prepared.
 */
#define NOBODY_FAILED	LONG_MIN
#define T_IN_CHILD(prep, expr) ({					\
	long __v = NOBODY_FAILED;					\
	int __pfd[2];							\
	if (pipe(__pfd) == 0) {						\
		pid_t __p = fork();					\
		if (__p == 0) {						\
			long __r = (prep) ? NOBODY_FAILED : (long)(expr); \
			if (write(__pfd[1], &__r, sizeof(__r)) < 0)	\
				_exit(1);				\
			_exit(0);					\
		}							\
		close(__pfd[1]);					\
		if (__p > 0) {						\
			if (read(__pfd[0], &__v, sizeof(__v)) !=	\
			    sizeof(__v))				\
				__v = NOBODY_FAILED;			\
			waitpid(__p, NULL, 0);				\
		}							\
		close(__pfd[0]);					\
	}								\
	__v;								\
})
/* expr as uid/gid NOBODY, or as @uid. */
#define AS_NOBODY(expr)		T_IN_CHILD(t_become_nobody(), expr)
#define AS_USER(uid, expr)	T_IN_CHILD(t_become_user(uid), expr)
/* expr as uid/gid NOBODY with RLIMIT_MEMLOCK @lim bytes. */
#define AS_NOBODY_MEMLOCK(lim, expr)					\
	T_IN_CHILD(t_set_memlock(lim) || t_become_nobody(), expr)

/*
 * The children a test forked, killed and reaped by its fixture's teardown
 * (a blocked one must not outlive its test's objects).
 */
#define T_MAX_KIDS	64

struct t_kids {
	pid_t pid[T_MAX_KIDS];	/* 0: free (never used, or reaped) */
};

/* fork() and remember the child; the child gets 0, -1 when full. */
static inline pid_t t_spawn(struct t_kids *k)
{
	pid_t pid;
	int i;

	for (i = 0; i < T_MAX_KIDS && k->pid[i] > 0; i++)
		;
	if (i == T_MAX_KIDS)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid > 0)
		k->pid[i] = pid;
	return pid;
}

static inline void t_forget_kid(struct t_kids *k, pid_t pid)
{
	int i;

	for (i = 0; i < T_MAX_KIDS; i++)
		if (k->pid[i] == pid)
			k->pid[i] = 0;
}

/*
 * Wait for a child: its exit code (a kid_code() or 0), 1000 + signal if it
 * was killed, or -1 if it could not be waited for.
 */
static inline int t_reap(struct t_kids *k, pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	t_forget_kid(k, pid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 1000 + WTERMSIG(status);
}

/* How many more children the list has room for. */
static inline int t_kids_free(const struct t_kids *k)
{
	int i, n = 0;

	for (i = 0; i < T_MAX_KIDS; i++)
		n += k->pid[i] <= 0;
	return n;
}

/* SIGKILL and reap every child still listed. */
static inline void t_kill_kids(struct t_kids *k)
{
	int i;

	for (i = 0; i < T_MAX_KIDS; i++) {
		if (k->pid[i] > 0) {
			kill(k->pid[i], SIGKILL);
			waitpid(k->pid[i], NULL, 0);
			k->pid[i] = 0;
		}
	}
}

/*
 * Has @pid, a child, ended?  It is left to be reaped, so its status is
 * not lost.
 */
static inline bool t_kid_ended(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, (id_t)pid, &si,
		      WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 &&
	       si.si_pid == pid;
}

/* @pid's wchan into @buf (@len bytes, at least 2).  Return: 0 or -1. */
static inline int t_read_wchan(pid_t pid, char *buf, size_t len)
{
	return t_wchan(pid, buf, len);
}

/* Does @pid sleep in a kernel function whose name starts with @fn? */
static inline bool t_sleeping_in(pid_t pid, const char *fn)
{
	char buf[128];

	return !t_read_wchan(pid, buf, sizeof(buf)) &&
	       !strncmp(buf, fn, strlen(fn));
}

/* Does @pid sleep in the module (its wchan names an aixipc_ function)? */
static inline bool t_sleeping_in_module(pid_t pid)
{
	return t_sleeping_in(pid, "aixipc_");
}

/*
 * Poll until @pid sleeps in a kernel function whose name starts with @fn:
 * a prefix, so the module may name its helpers freely.  Return: 0, or -1
 * if it ended first (it is left to be reaped) or the hang guard ran out.
 */
static inline int t_wait_sleeping_in(pid_t pid, const char *fn)
{
	char buf[128];
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		if (t_read_wchan(pid, buf, sizeof(buf)))
			return -1;
		if (!strncmp(buf, fn, strlen(fn)))
			return 0;
		if (t_kid_ended(pid))
			return -1;
		usleep(1000);
	}
	return -1;
}

/* ---------------------------------------------------------------------- */
/* Fixtures.                                                              */

/*
 * In a FIXTURE_SETUP (or a test): open the device into @fd and ask it
 * AIXIPC_IOC_VERSION into @v (a struct aixipc_version), asserting both.
 */
#define T_OPEN_VERSION(fd, v) do {					\
	(fd) = aixipc_open();						\
	ASSERT_LE(0, (fd))						\
		TH_LOG("open %s: %s (module not loaded?)",		\
		       AIXIPC_DEVICE, strerror(errno));			\
	memset(&(v), 0, sizeof(v));					\
	ASSERT_EQ(0, aixipc_ioctl((fd), AIXIPC_IOC_VERSION, &(v)));	\
} while (0)

/*
 * A public key nobody else uses: @base (one per test program) in the top
 * byte, then our pid and a salt.
 */
static inline int32_t t_test_key(uint8_t base, int salt)
{
	return (int32_t)((uint32_t)base << 24 | (uint32_t)getpid() << 4 |
			 (uint32_t)(salt & 15));
}

/* Two pipes: the child says it is ready, the parent tells it to go on. */
struct handshake {
	int ready[2];
	int go[2];
};

static inline int hs_init(struct handshake *h)
{
	if (pipe(h->ready))
		return -1;
	if (pipe(h->go)) {
		close(h->ready[0]);
		close(h->ready[1]);
		return -1;
	}
	return 0;
}

/* In the child: report ready, wait for go (or the parent's end). */
static inline int hs_kid_ready_wait(struct handshake *h)
{
	char c = 'r';

	close(h->ready[0]);
	close(h->go[1]);
	if (write(h->ready[1], &c, 1) != 1)
		return -1;
	return read(h->go[0], &c, 1) < 0 ? -1 : 0;
}

static inline int hs_parent_wait_ready(struct handshake *h)
{
	char c;

	close(h->ready[1]);
	close(h->go[0]);
	return read(h->ready[0], &c, 1) == 1 ? 0 : -1;
}

static inline void hs_parent_close(struct handshake *h)
{
	close(h->go[1]);
	close(h->ready[0]);
}

static inline void hs_parent_go(struct handshake *h)
{
	char c = 'g';

	if (write(h->go[1], &c, 1) != 1)
		perror("write");
	close(h->go[1]);
	close(h->ready[0]);
}

/*
 * For a test that runs its program again: with @env set to "R,W" the new
 * image says it is running by writing a byte to W, waits for a byte (or
 * EOF) on R and exits.  Call it from a constructor, before the harness
 * sees argv.
 */
static inline void t_exec_helper(const char *env)
{
	const char *s = getenv(env);
	int rfd, wfd;
	char c = 'x';

	if (!s)
		return;
	if (sscanf(s, "%d,%d", &rfd, &wfd) != 2)
		_exit(250);
	if (write(wfd, &c, 1) != 1)
		_exit(250);
	if (read(rfd, &c, 1) < 0)
		_exit(250);
	_exit(0);
}

/*
 * A page of memory whose first touch stalls until the test fills it
 * (userfaultfd, root in the test VMs): how the tests hold a user copy, and
 * whatever the kernel does around it, open while they change IPC state.
 */
struct t_uffd {
	int fd;
	void *page;
	size_t len;		/* one page */
};

/* Make the page and register it.  Return: 0, or -errno with nothing kept. */
static inline int t_uffd_open(struct t_uffd *u)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	int err;

	u->len = (size_t)sysconf(_SC_PAGESIZE);
	u->fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC);
	if (u->fd < 0)
		return -errno;
	u->page = mmap(NULL, u->len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (u->page == MAP_FAILED) {
		err = -errno;
		close(u->fd);
		return err;
	}
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)u->page;
	reg.range.len = u->len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(u->fd, UFFDIO_API, &api) || ioctl(u->fd, UFFDIO_REGISTER, &reg)) {
		err = -errno;
		munmap(u->page, u->len);
		close(u->fd);
		return err;
	}
	return 0;
}

/* Wait up to 30 s for the page's first touch.  Return: 0 or -1. */
static inline int t_uffd_wait_fault(struct t_uffd *u)
{
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, 30000) != 1 ||
	    read(u->fd, &msg, sizeof(msg)) != (ssize_t)sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -1;
	return 0;
}

/*
 * Fill the page with @len bytes of @src, zeros after them, which lets the
 * stalled touch go on.  Return: 0 or -errno.
 */
static inline int t_uffd_fill(struct t_uffd *u, const void *src, size_t len)
{
	struct uffdio_copy copy;
	void *buf = calloc(1, u->len);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, src, len < u->len ? len : u->len);
	memset(&copy, 0, sizeof(copy));
	copy.dst = (uintptr_t)u->page;
	copy.src = (uintptr_t)buf;
	copy.len = u->len;
	if (ioctl(u->fd, UFFDIO_COPY, &copy))
		err = -errno;
	free(buf);
	return err;
}

static inline void t_uffd_close(struct t_uffd *u)
{
	munmap(u->page, u->len);
	close(u->fd);
}

/*
 * Run @fn(@arg) as pid 1 of a new pid namespace (from a child that made
 * it) and store that process's pid as this process sees it in *@seen.
 * Return: @fn's result (an exit status, 0..255), or -1 when the namespace
 * or the processes could not be made.  Needs CAP_SYS_ADMIN.
 */
static inline int t_in_new_pidns(int (*fn)(void *arg), void *arg, pid_t *seen)
{
	pid_t *shared = mmap(NULL, sizeof(pid_t), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status, res = -1;
	pid_t pid;

	if (shared == MAP_FAILED)
		return -1;
	*shared = -1;
	pid = fork();
	if (pid == 0) {
		pid_t g;

		if (unshare(CLONE_NEWPID))
			_exit(255);
		g = fork();
		if (g == 0)
			_exit(fn(arg));
		*shared = g;
		if (g < 0 || waitpid(g, &status, 0) != g || !WIFEXITED(status))
			_exit(255);
		_exit(WEXITSTATUS(status));
	}
	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    *shared > 0 && WEXITSTATUS(status) != 255)
		res = WEXITSTATUS(status);
	*seen = *shared;
	munmap(shared, sizeof(pid_t));
	return res;
}

/* A get of any kind (@size: bytes or semaphores): the id, or -errno. */
static inline int t_get(int fd, uint32_t kind, int32_t key, uint64_t size,
			uint32_t flags, uint32_t mode)
{
	struct aixipc_get g = {
		.kind = kind, .key = key, .flags = flags, .mode = mode,
		.size = size,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_GET, &g);

	return err ? err : g.id;
}

/* msgget: returns the id, or -errno. */
static inline int t_msgget(int fd, int32_t key, uint32_t flags, uint32_t mode)
{
	return t_get(fd, AIXIPC_MSG, key, 0, flags, mode);
}

/* The classic message buffer: a long type word, then the text. */
struct t_msgbuf {
	long mtype;
	char mtext[];
};

/* msgsnd of a caller-built buffer (which may be deliberately bad). */
static inline int t_msgsnd_raw(int fd, int id, const void *msgp,
			       uint64_t size, uint32_t flags)
{
	struct aixipc_msgsnd s = {
		.id = id, .flags = flags, .msgp = (uintptr_t)msgp,
		.size = size, .type_size = sizeof(long),
	};

	return aixipc_ioctl(fd, AIXIPC_IOC_MSGSND, &s);
}

/* msgsnd of @size bytes at @text with type @mtype. */
static inline int t_msgsnd(int fd, int id, int64_t mtype, const void *text,
			   uint64_t size, uint32_t flags)
{
	struct t_msgbuf *m = malloc(sizeof(*m) + size);
	int err;

	if (!m)
		return -ENOMEM;
	m->mtype = (long)mtype;
	if (size)
		memcpy(m->mtext, text, size);
	err = t_msgsnd_raw(fd, id, m, size, flags);
	free(m);
	return err;
}

/* msgrcv into a caller-built buffer; fills *r (may be NULL). */
static inline long t_msgrcv_raw(int fd, int id, int64_t msgtyp, void *msgp,
				uint64_t size, uint32_t flags,
				struct aixipc_msgrcv *r)
{
	struct aixipc_msgrcv req = {
		.id = id, .flags = flags, .msgtyp = msgtyp,
		.msgp = (uintptr_t)msgp, .size = size,
		.type_size = sizeof(long),
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_MSGRCV, &req);

	if (err)
		return err;
	if (r)
		*r = req;
	return (long)req.length;
}

/*
 * msgrcv of up to @size bytes of text into @buf; fills *r (may be NULL).
 * Returns bytes received, or -errno.
 */
static inline long t_msgrcv(int fd, int id, int64_t msgtyp, void *buf,
			    uint64_t size, uint32_t flags,
			    struct aixipc_msgrcv *r)
{
	struct t_msgbuf *m = malloc(sizeof(*m) + size);
	long n;

	if (!m)
		return -ENOMEM;
	n = t_msgrcv_raw(fd, id, msgtyp, m, size, flags, r);
	if (n > 0)
		memcpy(buf, m->mtext, (size_t)n);
	free(m);
	return n;
}

static inline int t_msgctl(int fd, int id, uint32_t cmd,
			   struct aixipc_msqid_ds *ds)
{
	struct aixipc_msgctl c = { .id = id, .cmd = cmd };
	int err;

	if (ds && cmd == AIXIPC_IPC_SET)
		c.ds = *ds;
	err = aixipc_ioctl(fd, AIXIPC_IOC_MSGCTL, &c);
	if (!err && ds && cmd == AIXIPC_IPC_STAT)
		*ds = c.ds;
	return err;
}

/* IPC_STAT of a queue; on failure all ones, which fails every comparison. */
static inline struct aixipc_msqid_ds t_qstat(int fd, int id)
{
	struct aixipc_msqid_ds ds;

	memset(&ds, 0xa5, sizeof(ds));
	if (t_msgctl(fd, id, AIXIPC_IPC_STAT, &ds))
		memset(&ds, 0xff, sizeof(ds));
	return ds;
}

/* IPC_SET of a queue's qbytes, the rest as it is.  Return: 0 or -errno. */
static inline int t_set_qbytes(int fd, int id, uint64_t qbytes)
{
	struct aixipc_msqid_ds ds;
	int err = t_msgctl(fd, id, AIXIPC_IPC_STAT, &ds);

	if (err)
		return err;
	ds.qbytes = qbytes;
	return t_msgctl(fd, id, AIXIPC_IPC_SET, &ds);
}

static inline int t_rmid(int fd, int id)
{
	return t_msgctl(fd, id, AIXIPC_IPC_RMID, NULL);
}

/* ---------------------------------------------------------------------- */
/* Shared memory and AIXIPC_IOC_INFO.                                     */

/*
 * The largest segment this program may make: shmmax, and for a 32-bit
 * program at most AIX's 32-bit limit.
 */
static inline uint64_t t_shmmax(const struct aixipc_limits *l)
{
	if (sizeof(long) < 8 && l->shmmax > AIXIPC_SHMMAX_32BIT)
		return AIXIPC_SHMMAX_32BIT;
	return l->shmmax;
}

/* shmget of @size bytes: returns the id, or -errno. */
static inline int t_shmget(int fd, int32_t key, uint64_t size, uint32_t flags,
			   uint32_t mode)
{
	return t_get(fd, AIXIPC_SHM, key, size, flags, mode);
}

/*
 * shmat at @addr (NULL: the kernel chooses) with AIXIPC_SHM_* @flags.
 * Returns 0 or -errno; on success *where and *size (each may be NULL) get
 * the address and length of the new mapping.
 */
static inline int t_shmat(int fd, int id, const void *addr, uint32_t flags,
			  void **where, uint64_t *size)
{
	struct aixipc_shmat a = {
		.id = id, .flags = flags, .addr = (uintptr_t)addr,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SHMAT, &a);

	if (err)
		return err;
	if (where)
		*where = (void *)(uintptr_t)a.addr;
	if (size)
		*size = a.size;
	return 0;
}

/*
 * shmdt of the attachment starting at @addr; *size (may be NULL) gets the
 * bytes unmapped.  Returns 0 or -errno.
 */
static inline int t_shmdt(int fd, const void *addr, uint64_t *size)
{
	struct aixipc_shmdt d = { .addr = (uintptr_t)addr };
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SHMDT, &d);

	if (!err && size)
		*size = d.size;
	return err;
}

/*
 * shmctl: @value (may be NULL: 0) is the command's value in and out
 * (AIXIPC_SHM_SIZE, _PAGESIZE in; _GETLBA out); @ds (may be NULL) is read
 * for IPC_SET and filled by IPC_STAT.  Returns 0 or -errno.
 */
static inline int t_shmctl(int fd, int id, uint32_t cmd, uint64_t *value,
			   struct aixipc_shmid_ds *ds)
{
	struct aixipc_shmctl c = { .id = id, .cmd = cmd };
	int err;

	if (value)
		c.value = *value;
	if (ds && cmd == AIXIPC_IPC_SET)
		c.ds = *ds;
	err = aixipc_ioctl(fd, AIXIPC_IOC_SHMCTL, &c);
	if (!err && value)
		*value = c.value;
	if (!err && ds && cmd == AIXIPC_IPC_STAT)
		*ds = c.ds;
	return err;
}

static inline int t_shm_rmid(int fd, int id)
{
	return t_shmctl(fd, id, AIXIPC_IPC_RMID, NULL, NULL);
}

/* AIXIPC_IOC_INFO of one kind into *info (may be NULL). */
static inline int t_info(int fd, uint32_t kind, struct aixipc_info *info)
{
	struct aixipc_info i = { .kind = kind };
	int err = aixipc_ioctl(fd, AIXIPC_IOC_INFO, &i);

	if (!err && info)
		*info = i;
	return err;
}

/* One AIXIPC_IOC_LIST call of up to @count entries of @esz bytes at @e. */
static inline int t_list_call(int fd, struct aixipc_list *l, uint32_t kind,
			      void *e, uint32_t count, uint32_t esz)
{
	l->kind = kind;
	l->entries = (uintptr_t)e;
	l->count = count;
	l->entry_size = esz;
	return aixipc_ioctl(fd, AIXIPC_IOC_LIST, l);
}

/*
 * Walk all objects of @kind, @batch (1 to 4) at a time; store up to @max
 * entries in @out.  Returns the number of entries seen, or -errno.
 */
static inline int t_list_walk(int fd, uint32_t kind,
			      struct aixipc_list_entry *out, int max,
			      uint32_t batch)
{
	struct aixipc_list_entry e[4];
	struct aixipc_list l;
	int n = 0, calls = 0;
	uint32_t i;

	if (batch < 1 || batch > 4)
		return -EINVAL;
	memset(&l, 0, sizeof(l));
	for (;;) {
		int err = t_list_call(fd, &l, kind, e, batch, sizeof(e[0]));

		if (err)
			return err;
		if (l.count > batch)
			return -E2BIG;
		if (l.count == 0)
			return n;
		for (i = 0; i < l.count; i++, n++)
			if (n < max)
				out[n] = e[i];
		if (++calls > 100000)
			return -ELOOP;	/* the cursor does not advance */
	}
}

/* The one entry for @id in a walk's result (NULL if missing or twice). */
static inline const struct aixipc_list_entry *
t_find_entry(const struct aixipc_list_entry *e, int n, int id)
{
	const struct aixipc_list_entry *found = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (e[i].id != id)
			continue;
		if (found)
			return NULL;	/* listed twice */
		found = &e[i];
	}
	return found;
}

/* AIXIPC_IOC_INFO of one kind; all ones (failing every comparison) on error. */
static inline struct aixipc_info t_info_of(int fd, uint32_t kind)
{
	struct aixipc_info i;

	memset(&i, 0xa5, sizeof(i));
	if (t_info(fd, kind, &i))
		memset(&i, 0xff, sizeof(i));
	return i;
}

/*
 * How often @id appears in a full walk of @kind (of up to 512 objects),
 * or -errno.
 */
static inline int t_times_listed(int fd, uint32_t kind, int id)
{
	static struct aixipc_list_entry e[512];
	int n = t_list_walk(fd, kind, e, 512, 4), i, seen = 0;

	if (n < 0)
		return n;
	for (i = 0; i < n && i < 512; i++)
		if (e[i].id == id)
			seen++;
	return seen;
}

/* Objects of @kind the listing shows, or -errno. */
static inline long t_count_objects(int fd, unsigned int kind)
{
	static struct aixipc_list_entry ents[64];
	struct aixipc_list l = {
		.kind = kind, .entries = (uintptr_t)ents,
		.entry_size = sizeof(ents[0]),
	};
	long n = 0;
	int err;

	do {
		l.count = 64;
		err = aixipc_ioctl(fd, AIXIPC_IOC_LIST, &l);
		if (err)
			return err;
		n += l.count;
	} while (l.count);
	return n;
}

/*
 * Where the module keeps the objects of @kind: the index @id is listed at
 * (-ENOENT if it is not), or with @id -1 the highest index listed (-1 if
 * none); or -errno.  The index is the one the module reports, IOC_INFO's
 * max_slot: a LIST of one entry leaves the cursor just past it.  Nothing
 * here takes an id apart.
 */
static inline long t_list_index(int fd, unsigned int kind, int id)
{
	struct aixipc_list_entry e;
	struct aixipc_list l = {
		.kind = kind, .entries = (uintptr_t)&e,
		.entry_size = sizeof(e),
	};
	long last = -1;
	int err;

	for (;;) {
		l.count = 1;
		err = aixipc_ioctl(fd, AIXIPC_IOC_LIST, &l);
		if (err)
			return err;
		if (!l.count)
			return id == -1 ? last : -ENOENT;
		last = (long)l.cursor - 1;
		if (id != -1 && e.id == id)
			return last;
	}
}

/* ---------------------------------------------------------------------- */
/* Sets of ids: an open-addressed table keyed by the whole (kind, id), so  */
/* nothing here depends on how the module builds its ids.                 */

/*
 * A table of T_IDSET_CAP keys, (kind + 1) << 32 | id; 0 marks a slot never
 * used, T_IDSET_GONE one whose key was deleted (a lookup goes on past it).
 * Claims and deletions are atomic, so processes sharing the table's memory
 * may use it at once.  The capacity is over five times the most objects a
 * test makes (chaos_test's 100000 of one kind), so chains stay short.
 */
#define T_IDSET_CAP	(1U << 19)
#define T_IDSET_GONE	UINT64_MAX

struct t_idset {
	uint64_t *keys;		/* T_IDSET_CAP of them */
};

static inline uint64_t t_idset_key(int kind, int id)
{
	return (uint64_t)(uint32_t)(kind + 1) << 32 | (uint32_t)id;
}

static inline uint32_t t_idset_hash(uint64_t key)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (uint32_t)key & (T_IDSET_CAP - 1);
}

/* Map the table: MAP_SHARED to share it with forked children.  0 or -1. */
static inline int t_idset_init(struct t_idset *set, bool shared)
{
	set->keys = mmap(NULL, T_IDSET_CAP * sizeof(uint64_t),
			 PROT_READ | PROT_WRITE,
			 (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS,
			 -1, 0);
	return set->keys == MAP_FAILED ? -1 : 0;
}

static inline void t_idset_free(struct t_idset *set)
{
	munmap(set->keys, T_IDSET_CAP * sizeof(uint64_t));
}

static inline uint64_t *t_idset_at(struct t_idset *set, uint32_t i)
{
	return &set->keys[i & (T_IDSET_CAP - 1)];
}

/* Is (@kind, @id) in the set? */
static inline bool t_idset_has(struct t_idset *set, int kind, int id)
{
	uint64_t key = t_idset_key(kind, id);
	uint32_t h = t_idset_hash(key), n;

	for (n = 0; n < T_IDSET_CAP; n++) {
		uint64_t k = __atomic_load_n(t_idset_at(set, h + n),
					     __ATOMIC_SEQ_CST);

		if (k == key)
			return true;
		if (!k)
			return false;
	}
	return false;
}

/*
 * Add (@kind, @id) unless it is there.  Return: 1 if added, 0 if it was
 * there already, -1 if the table is full.
 */
static inline int t_idset_add(struct t_idset *set, int kind, int id)
{
	uint64_t key = t_idset_key(kind, id);
	uint32_t h = t_idset_hash(key), n;

	for (;;) {
		uint64_t *free_at = NULL, want;

		for (n = 0; n < T_IDSET_CAP; n++) {
			uint64_t *at = t_idset_at(set, h + n);
			uint64_t k = __atomic_load_n(at, __ATOMIC_SEQ_CST);

			if (k == key)
				return 0;
			if (k == T_IDSET_GONE && !free_at)
				free_at = at;
			if (!k) {
				if (!free_at)
					free_at = at;
				break;
			}
		}
		if (!free_at)
			return -1;
		/* Claim the first free slot; if another process won, look again. */
		want = __atomic_load_n(free_at, __ATOMIC_SEQ_CST);
		if ((want == 0 || want == T_IDSET_GONE) &&
		    __atomic_compare_exchange_n(free_at, &want, key, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return 1;
	}
}

/* Delete (@kind, @id).  Return: whether it was there. */
static inline bool t_idset_del(struct t_idset *set, int kind, int id)
{
	uint64_t key = t_idset_key(kind, id);
	uint32_t h = t_idset_hash(key), n;
	bool found = false;

	for (n = 0; n < T_IDSET_CAP; n++) {
		uint64_t *at = t_idset_at(set, h + n);
		uint64_t k = __atomic_load_n(at, __ATOMIC_SEQ_CST);

		if (!k)
			break;
		if (k == key && __atomic_compare_exchange_n(at, &k,
							    T_IDSET_GONE,
							    false,
							    __ATOMIC_SEQ_CST,
							    __ATOMIC_SEQ_CST))
			found = true;	/* and any copy a race added */
	}
	return found;
}

/*
 * Empty the set, calling @fn(@arg, kind, id) for each member; only when
 * no other process changes it.  Return: the sum of @fn's results.
 */
static inline int t_idset_drain(struct t_idset *set,
				int (*fn)(void *arg, int kind, int id),
				void *arg)
{
	uint32_t i;
	int n = 0;

	for (i = 0; i < T_IDSET_CAP; i++) {
		uint64_t k;

		if (!__atomic_load_n(&set->keys[i], __ATOMIC_RELAXED))
			continue;
		k = __atomic_exchange_n(&set->keys[i], 0, __ATOMIC_SEQ_CST);
		if (k && k != T_IDSET_GONE && fn)
			n += fn(arg, (int)(k >> 32) - 1, (int)(uint32_t)k);
	}
	return n;
}

/* ---------------------------------------------------------------------- */
/* Objects a test program made, removed at exit if a killed test left     */
/* them.                                                                  */

/*
 * The live objects made by any process of the program: shared, so a
 * forked test's objects are known to the main process; pages are touched
 * only where objects were made.
 */
static struct t_idset t_tracked;
static pid_t t_main_pid;

static void __attribute__((constructor)) t_tracked_init(void)
{
	if (t_idset_init(&t_tracked, true)) {
		perror("aixipc_test.h: mmap");
		_exit(1);
	}
	t_main_pid = getpid();
}

/* Tracking an id twice is harmless: it is recorded once. */
static inline void t_track(int kind, int id)
{
	if (t_idset_add(&t_tracked, kind, id) < 0)
		fprintf(stderr,
			"# aixipc_test.h: tracker full, id %d not kept\n", id);
}

static inline void t_untrack(int kind, int id)
{
	t_idset_del(&t_tracked, kind, id);
}

static inline bool t_is_tracked(int kind, int id)
{
	return t_idset_has(&t_tracked, kind, id);
}

/* ---------------------------------------------------------------------- */
/* Semaphores.                                                            */

/* semget of @nsems semaphores: returns the id, or -errno. */
static inline int t_semget(int fd, int32_t key, uint64_t nsems,
			   uint32_t flags, uint32_t mode)
{
	return t_get(fd, AIXIPC_SEM, key, nsems, flags, mode);
}

/* semop with every field of the request under the caller's control. */
static inline int t_semop_req(int fd, int id, const void *sops,
			      uint64_t nsops, uint32_t flags, int64_t sec,
			      int64_t nsec)
{
	struct aixipc_semop s = {
		.id = id, .flags = flags, .sops = (uintptr_t)sops,
		.nsops = nsops, .timeout_sec = sec, .timeout_nsec = nsec,
	};

	return aixipc_ioctl(fd, AIXIPC_IOC_SEMOP, &s);
}

static inline int t_semop(int fd, int id, const void *sops,
			  uint64_t nsops)
{
	return t_semop_req(fd, id, sops, nsops, 0, 0, 0);
}

static inline int t_semtimedop(int fd, int id, const void *sops,
			       uint64_t nsops, int64_t sec, int64_t nsec)
{
	return t_semop_req(fd, id, sops, nsops, AIXIPC_SEMOP_TIMED, sec, nsec);
}

/* One operation. */
static inline int t_semop1(int fd, int id, unsigned int num, int op, int flg)
{
	struct aixipc_sembuf s = {
		.sem_num = (uint16_t)num, .sem_op = (int16_t)op,
		.sem_flg = (int16_t)flg,
	};

	return t_semop(fd, id, &s, 1);
}

/*
 * semctl of the commands with a scalar result: GETVAL, GETPID, GETNCNT,
 * GETZCNT return the value, the others 0; or -errno.
 */
static inline int t_semctl(int fd, int id, uint32_t semnum, uint32_t cmd,
			   int32_t val)
{
	struct aixipc_semctl c = {
		.id = id, .cmd = cmd, .semnum = semnum, .val = val,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);

	if (err)
		return err;
	switch (cmd) {
	case AIXIPC_GETVAL:
	case AIXIPC_GETPID:
	case AIXIPC_GETNCNT:
	case AIXIPC_GETZCNT:
		return c.val;
	}
	return 0;
}

/* A set's fast-path area, mapped raw (AIXIPC_IOC_SEMMAP). */
struct t_semmap {
	volatile struct aixipc_sem_meta *meta;
	uint64_t *w;			/* the words; __atomic_* only */
	size_t size;
	uint32_t ticket;
	uint32_t nsems;
};

/*
 * Map set @id's area with @flags (a writable mapping also follows the
 * SEM_UNDO rules: AIXIPC_SEMMAP_UNDO).  0 or -errno.
 */
static inline int t_semmap(int fd, int id, uint32_t flags, struct t_semmap *m)
{
	struct aixipc_semmap r = {
		.id = id,
		.flags = flags & AIXIPC_SEMMAP_WRITE ? flags | AIXIPC_SEMMAP_UNDO :
						       flags,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMMAP, &r);

	if (err)
		return err;
	m->meta = (volatile struct aixipc_sem_meta *)(uintptr_t)r.addr;
	m->w = (uint64_t *)(uintptr_t)(r.addr + AIXIPC_SEM_WORDS_OFFSET);
	m->size = (size_t)r.size;
	m->ticket = r.ticket;
	m->nsems = r.nsems;
	return 0;
}

/* IPC_SET of a set's mode, its owner as it is.  0 or -errno. */
static inline int t_sem_set_mode(int fd, int id, uint32_t mode)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_STAT };
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);

	if (err)
		return err;
	c.cmd = AIXIPC_IPC_SET;
	c.ds.perm.mode = mode;
	return aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
}

/* IPC_RMID of a semaphore set. */
static inline int t_semrmid(int fd, int id)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_RMID };

	return aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
}

/* IPC_RMID of an object of any kind. */
static inline int t_rmid_kind(int fd, int kind, int id)
{
	switch (kind) {
	case AIXIPC_MSG:
		return t_rmid(fd, id);
	case AIXIPC_SEM:
		return t_semrmid(fd, id);
	}
	return t_shm_rmid(fd, id);
}

/* IPC_RMID of a tracked object, which is untracked once it is gone. */
static inline int t_rmid_tracked(int fd, int kind, int id)
{
	int err = t_rmid_kind(fd, kind, id);

	if (!err)
		t_untrack(kind, id);
	return err;
}

static inline int t_rmid_one(void *fd, int kind, int id)
{
	return t_rmid_kind(*(int *)fd, kind, id) == 0;
}

/*
 * Remove every tracked object and empty the table (the children that
 * made objects are gone by now).  Return: how many were removed.
 */
static inline int t_remove_tracked(int fd)
{
	return t_idset_drain(&t_tracked, t_rmid_one, &fd);
}

/*
 * A fixture's teardown: its children first (a blocked one must not outlive
 * its test's objects, nor an attachment the test), then the objects the
 * test left, then the device.
 */
static inline void t_teardown(int fd, struct t_kids *kids)
{
	t_kill_kids(kids);
	if (fd >= 0) {
		t_remove_tracked(fd);
		close(fd);
	}
}

/* At exit of the main process: clean up after tests that were killed. */
static void __attribute__((destructor)) t_tracked_fini(void)
{
	int fd, n;

	if (getpid() != t_main_pid)
		return;
	fd = aixipc_open();
	if (fd < 0)
		return;
	n = t_remove_tracked(fd);
	if (n)
		fprintf(stderr, "# removed %d object(s) left by killed tests\n", n);
	close(fd);
}

#endif /* AIXIPC_TEST_H */
