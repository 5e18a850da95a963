/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the aixipc selftests: thin wrappers that fill one UAPI
 * struct and make one ioctl, returning 0 or -errno.
 */
#ifndef AIXIPC_TEST_H
#define AIXIPC_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/aixipc.h>
#include <linux/userfaultfd.h>

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

/* msgget: returns the id, or -errno. */
static inline int t_msgget(int fd, int32_t key, uint32_t flags, uint32_t mode)
{
	struct aixipc_get g = {
		.kind = AIXIPC_MSG, .key = key, .flags = flags, .mode = mode,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_GET, &g);

	return err ? err : g.id;
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

static inline int t_rmid(int fd, int id)
{
	return t_msgctl(fd, id, AIXIPC_IPC_RMID, NULL);
}

/* ---------------------------------------------------------------------- */
/* Shared memory and AIXIPC_IOC_INFO.                                     */

/* shmget of @size bytes: returns the id, or -errno. */
static inline int t_shmget(int fd, int32_t key, uint64_t size, uint32_t flags,
			   uint32_t mode)
{
	struct aixipc_get g = {
		.kind = AIXIPC_SHM, .key = key, .flags = flags, .mode = mode,
		.size = size,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_GET, &g);

	return err ? err : g.id;
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

/* ---------------------------------------------------------------------- */
/* Objects a test program made, removed at exit if a killed test left     */
/* them.                                                                  */

/* Ids are seq << 20 | slot (module/ids.h); a live object owns its slot. */
#define T_SLOT_BITS	20
#define T_SLOTS		(1U << T_SLOT_BITS)

/*
 * [kind * T_SLOTS + slot] = id + 1 of the live object made there, 0 for
 * none.  Shared by every process of the program, so a forked test's
 * objects are known to the main process; pages are touched only where
 * objects were made.
 */
static int *t_tracked;
static pid_t t_main_pid;

static void __attribute__((constructor)) t_tracked_init(void)
{
	t_tracked = mmap(NULL, AIXIPC_NR_KINDS * T_SLOTS * sizeof(int),
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (t_tracked == MAP_FAILED) {
		perror("aixipc_test.h: mmap");
		_exit(1);
	}
	t_main_pid = getpid();
}

static inline int *t_tracked_at(int kind, int id)
{
	return &t_tracked[kind * T_SLOTS + ((unsigned int)id & (T_SLOTS - 1))];
}

static inline void t_track(int kind, int id)
{
	__atomic_store_n(t_tracked_at(kind, id), id + 1, __ATOMIC_SEQ_CST);
}

static inline void t_untrack(int kind, int id)
{
	int want = id + 1;

	__atomic_compare_exchange_n(t_tracked_at(kind, id), &want, 0, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static inline bool t_is_tracked(int kind, int id)
{
	return __atomic_load_n(t_tracked_at(kind, id), __ATOMIC_SEQ_CST) == id + 1;
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

/* Remove every tracked object.  Return: how many were removed. */
static inline int t_remove_tracked(int fd)
{
	unsigned int i;
	int n = 0;

	for (i = 0; i < AIXIPC_NR_KINDS * T_SLOTS; i++) {
		int id;

		if (!__atomic_load_n(&t_tracked[i], __ATOMIC_RELAXED))
			continue;
		id = __atomic_exchange_n(&t_tracked[i], 0, __ATOMIC_SEQ_CST) - 1;
		if (id >= 0 && t_rmid_kind(fd, (int)(i / T_SLOTS), id) == 0)
			n++;
	}
	return n;
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
