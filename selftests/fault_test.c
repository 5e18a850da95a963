// SPDX-License-Identifier: GPL-2.0
/*
 * fault_test - allocation failure injection into every aixipc ioctl path.
 *
 * Needs a kernel with CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS
 * (the debug kernel of selftests/debug-kernel), root, and debugfs at
 * /sys/kernel/debug.  On any other kernel every test is skipped.
 *
 * /proc/thread-self/fail-nth makes the N-th slab allocation of the calling
 * thread fail; reading it back gives 0 once the failure was injected, or
 * what is left of N when the call made fewer allocations.  failslab ignores
 * allocations that may sleep unless failslab/ignore-gfp-wait is N, which
 * the fixture sets (and failslab/verbose 0, to keep the console quiet);
 * both are restored afterwards.
 *
 * Each variant is one ioctl path.  For N = 1, 2, 3, ... the path's state
 * is prepared, fail-nth is set to N, the one ioctl is made and fail-nth is
 * read back, with nothing in between: the request and every user buffer
 * are built and faulted in beforehand, so the only allocations counted are
 * the module's (and the kernel's on its behalf, e.g. kmemleak's metadata,
 * which has a fallback pool).  Then:
 *  - a fault was injected: the call failed with ENOMEM and left everything
 *    as it was (no object, no message, no module reference, key still
 *    free, the object still usable), or it succeeded because the failed
 *    allocation had a fallback, and then its result must be exact;
 *  - no fault was injected (N is past the path's last allocation): the
 *    call must have succeeded, and the loop ends.
 * The number of injection points per path is logged.  Paths that allocate
 * nothing today (msgrcv, msgctl, reopening a key) must succeed whatever is
 * injected.  Leaks are left to kmemleak, which the debug VM run scans after
 * the suite.
 *
 * Adding a facility: write its cases (prepare/check) and add one
 * FIXTURE_VARIANT_ADD per path at the end of the file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

/* The harness has an unused parameter; -Wextra must not stop the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "aixipc_test.h"

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define REFCNT		"/sys/module/aixipc/refcnt"
#define MAX_POINTS	100000U	/* hang guard for one path's loop */
#define LIST_ROOM	4096	/* listing entries asked for at once */

/* ---------------------------------------------------------------------- */
/* Objects created, shared by every process of the run.                   */

#define MAX_TRACKED 256
static int *tracked;		/* ids created and not yet removed; -1 free */
static pid_t main_pid;

static void track(int id)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++) {
		int free_slot = -1;

		if (__atomic_compare_exchange_n(&tracked[i], &free_slot, id,
						false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return;
	}
	fprintf(stderr, "# id table full: id %d will not be cleaned up\n", id);
}

static void untrack(int id)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++) {
		int want = id;

		if (__atomic_compare_exchange_n(&tracked[i], &want, -1, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return;
	}
}

static int remove_tracked(int fd)
{
	int i, n = 0;

	for (i = 0; i < MAX_TRACKED; i++) {
		int id = __atomic_exchange_n(&tracked[i], -1, __ATOMIC_SEQ_CST);

		if (id >= 0 && t_rmid(fd, id) == 0)
			n++;
	}
	return n;
}

/* ---------------------------------------------------------------------- */
/* failslab settings: set by the fixture, restored by it and at exit.     */

struct knob {
	const char *name;
	const char *want;
	char orig[32];
	bool have;
};

static struct knob knobs[] = {
	{ .name = "ignore-gfp-wait", .want = "N" },
	{ .name = "verbose", .want = "0" },
};
#define NKNOBS (sizeof(knobs) / sizeof(knobs[0]))

static int read_file(const char *path, char *buf, size_t size)
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

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

static void knobs_restore(void)
{
	char path[128];
	unsigned int i;

	for (i = 0; i < NKNOBS; i++) {
		if (!knobs[i].have)
			continue;
		snprintf(path, sizeof(path), FAILSLAB "%s", knobs[i].name);
		write_file(path, knobs[i].orig);
	}
}

static void __attribute__((constructor)) fault_init(void)
{
	char path[128];
	unsigned int i;
	int j;

	tracked = mmap(NULL, MAX_TRACKED * sizeof(int), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tracked == MAP_FAILED) {
		perror("mmap");
		exit(KSFT_FAIL);
	}
	for (j = 0; j < MAX_TRACKED; j++)
		tracked[j] = -1;
	main_pid = getpid();
	/* The values in force before this run, whatever a test does. */
	for (i = 0; i < NKNOBS; i++) {
		snprintf(path, sizeof(path), FAILSLAB "%s", knobs[i].name);
		knobs[i].have = read_file(path, knobs[i].orig,
					  sizeof(knobs[i].orig)) == 0;
	}
}

/* At exit of the main process: clean up after tests killed by timeout. */
static void __attribute__((destructor)) fault_fini(void)
{
	int fd, n;

	if (getpid() != main_pid)
		return;
	knobs_restore();
	fd = aixipc_open();
	if (fd < 0)
		return;
	n = remove_tracked(fd);
	if (n)
		fprintf(stderr, "# removed %d object(s) left by killed tests\n",
			n);
	close(fd);
}

/* ---------------------------------------------------------------------- */
/* The state a path works on, and the path descriptions.                  */

struct fenv {
	int fd;
	struct aixipc_limits lim;
	unsigned long cmd;		/* the one ioctl made under injection */
	union {
		struct aixipc_get get;
		struct aixipc_msgsnd snd;
		struct aixipc_msgrcv rcv;
		struct aixipc_list list;
		struct aixipc_msgctl ctl;
	} req;
	int qid;			/* the path's object, or -1 */
	int32_t key;
	size_t len;			/* message text bytes */
	unsigned char *sbuf;		/* type word + text to send */
	unsigned char *rbuf;		/* type word + room for the text */
	size_t bufsize;			/* of each buffer */
	struct aixipc_list_entry *ents;	/* LIST_ROOM entries */
	int extra[64];			/* more objects a path needs */
	int nextra;
	/* Taken before each attempt. */
	long objects;			/* listed objects of the path's kind */
	long refcnt;			/* module references, -1 if unknown */
	struct aixipc_msqid_ds ds;	/* the queue's status */
};

struct fault_case {
	const char *path;
	unsigned int kind;
	size_t len;			/* message size, capped by the limits */
	bool allocates;			/* false: injection must not fail it */
	int (*setup)(struct fenv *e);	/* once; 0 or -errno */
	int (*prepare)(struct fenv *e);	/* before each attempt */
	/* After each attempt (ret is 0 or -ENOMEM): verify, then undo. */
	void (*check)(struct __test_metadata *_metadata, struct fenv *e,
		      int ret);
};

static long read_refcnt(void)
{
	char buf[32];

	if (read_file(REFCNT, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

/* Objects of @kind the listing ioctl shows, or -errno. */
static long count_objects(int fd, unsigned int kind)
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

static struct aixipc_msqid_ds qstat(int fd, int id)
{
	struct aixipc_msqid_ds ds;

	memset(&ds, 0xa5, sizeof(ds));
	if (t_msgctl(fd, id, AIXIPC_IPC_STAT, &ds))
		memset(&ds, 0xff, sizeof(ds));	/* fails every comparison */
	return ds;
}

static int new_queue(int fd, int32_t key, uint32_t flags)
{
	int id = t_msgget(fd, key, flags, 0600);

	if (id >= 0)
		track(id);
	return id;
}

static int remove_queue(int fd, int id)
{
	int err = t_rmid(fd, id);

	if (!err)
		untrack(id);
	return err;
}

static int32_t test_key(int salt)
{
	return (int32_t)(0x5f000000 | ((uint32_t)getpid() << 4) | (salt & 15));
}

/* Anonymous memory with every page present and written. */
static void *touched(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0x5a, size);
	return p;
}

static void fill_pattern(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 13 + seed + (i >> 12) * 7);
}

/* Message buffers for e->len bytes of text, the text a pattern. */
static int msg_buffers(struct fenv *e)
{
	long mtype = 3;

	e->bufsize = sizeof(long) + e->len;
	e->sbuf = touched(e->bufsize);
	e->rbuf = touched(e->bufsize);
	if (!e->sbuf || !e->rbuf)
		return -ENOMEM;
	memcpy(e->sbuf, &mtype, sizeof(mtype));
	fill_pattern(e->sbuf + sizeof(long), e->len, (unsigned int)e->len);
	return 0;
}

static void msgsnd_request(struct fenv *e)
{
	e->cmd = AIXIPC_IOC_MSGSND;
	memset(&e->req, 0, sizeof(e->req));
	e->req.snd.id = e->qid;
	e->req.snd.flags = AIXIPC_NOWAIT;
	e->req.snd.msgp = (uintptr_t)e->sbuf;
	e->req.snd.size = e->len;
	e->req.snd.type_size = sizeof(long);
}

static void msgrcv_request(struct fenv *e)
{
	e->cmd = AIXIPC_IOC_MSGRCV;
	memset(&e->req, 0, sizeof(e->req));
	e->req.rcv.id = e->qid;
	e->req.rcv.flags = AIXIPC_NOWAIT;
	e->req.rcv.msgp = (uintptr_t)e->rbuf;
	e->req.rcv.size = e->len;
	e->req.rcv.type_size = sizeof(long);
}

/* Receive the queue's one message (no injection) and compare it. */
static void expect_message_back(struct __test_metadata *_metadata,
				struct fenv *e)
{
	struct aixipc_msgrcv r;
	long n;

	memset(e->rbuf, 0, e->bufsize);
	n = t_msgrcv_raw(e->fd, e->qid, 0, e->rbuf, e->len, AIXIPC_NOWAIT, &r);
	ASSERT_EQ((long)e->len, n);
	ASSERT_EQ(3, r.mtype);
	ASSERT_EQ(0, memcmp(e->sbuf, e->rbuf, e->bufsize))
		TH_LOG("the message came back altered");
}

/* ---- msgget --------------------------------------------------------- */

static int prep_get(struct fenv *e, int32_t key, uint32_t flags)
{
	e->cmd = AIXIPC_IOC_GET;
	memset(&e->req, 0, sizeof(e->req));
	e->req.get.kind = AIXIPC_MSG;
	e->req.get.key = key;
	e->req.get.flags = flags;
	e->req.get.mode = 0600;
	return 0;
}

static int prep_get_private(struct fenv *e)
{
	return prep_get(e, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);
}

/* A new object was created: check it, remove it. */
static void check_created(struct __test_metadata *_metadata, struct fenv *e,
			  int32_t key)
{
	struct aixipc_msqid_ds ds;
	int id = e->req.get.id;

	track(id);
	ASSERT_EQ(e->objects + 1, count_objects(e->fd, AIXIPC_MSG));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt + 1, read_refcnt());
	ds = qstat(e->fd, id);
	ASSERT_EQ(key, ds.perm.key);
	ASSERT_EQ(0600U, ds.perm.mode);
	ASSERT_EQ(0ULL, ds.qnum);
	ASSERT_EQ(e->lim.msgmnb, ds.qbytes);
	/* It works. */
	ASSERT_EQ(0, t_msgsnd(e->fd, id, 1, "x", 1, AIXIPC_NOWAIT));
	ASSERT_EQ(0, remove_queue(e->fd, id));
	ASSERT_EQ(e->objects, count_objects(e->fd, AIXIPC_MSG));
}

static void check_get_private(struct __test_metadata *_metadata,
			      struct fenv *e, int ret)
{
	int id;

	if (!ret) {
		check_created(_metadata, e, AIXIPC_KEY_PRIVATE);
		return;
	}
	/* Nothing half-created: creation works, the slot is reusable. */
	id = new_queue(e->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);
	ASSERT_LE(0, id);
	ASSERT_EQ(e->objects + 1, count_objects(e->fd, AIXIPC_MSG));
	ASSERT_EQ(0, remove_queue(e->fd, id));
}

/* 64 queues first, so that the new one needs a new idr node. */
static int setup_get_grow(struct fenv *e)
{
	for (e->nextra = 0; e->nextra < 64; e->nextra++) {
		int id = new_queue(e->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);

		if (id < 0)
			return id;
		e->extra[e->nextra] = id;
	}
	return 0;
}

static int setup_key(struct fenv *e)
{
	e->key = test_key(1);
	/* A leftover of an earlier run would make this test meaningless. */
	return t_msgget(e->fd, e->key, 0, 0) == -ENOENT ? 0 : -EEXIST;
}

static int prep_get_key(struct fenv *e)
{
	return prep_get(e, e->key, AIXIPC_CREAT | AIXIPC_EXCL);
}

static void check_get_key(struct __test_metadata *_metadata, struct fenv *e,
			  int ret)
{
	int id;

	if (!ret) {
		ASSERT_EQ(e->req.get.id, t_msgget(e->fd, e->key, 0, 0));
		check_created(_metadata, e, e->key);
		ASSERT_EQ(-ENOENT, t_msgget(e->fd, e->key, 0, 0));
		return;
	}
	/* The key was not taken, and can be. */
	ASSERT_EQ(-ENOENT, t_msgget(e->fd, e->key, 0, 0));
	id = new_queue(e->fd, e->key, AIXIPC_CREAT | AIXIPC_EXCL);
	ASSERT_LE(0, id);
	ASSERT_EQ(id, t_msgget(e->fd, e->key, 0, 0));
	ASSERT_EQ(0, remove_queue(e->fd, id));
	ASSERT_EQ(-ENOENT, t_msgget(e->fd, e->key, 0, 0));
}

static int setup_existing_key(struct fenv *e)
{
	int err = setup_key(e);

	if (err)
		return err;
	e->qid = new_queue(e->fd, e->key, AIXIPC_CREAT | AIXIPC_EXCL);
	return e->qid < 0 ? e->qid : 0;
}

static int prep_get_existing(struct fenv *e)
{
	return prep_get(e, e->key, AIXIPC_CREAT);
}

static void check_get_existing(struct __test_metadata *_metadata,
			       struct fenv *e, int ret)
{
	(void)ret;
	ASSERT_EQ(e->qid, e->req.get.id);
	ASSERT_EQ(e->objects, count_objects(e->fd, AIXIPC_MSG));
}

/* ---- msgsnd --------------------------------------------------------- */

static int setup_queue_and_buffers(struct fenv *e)
{
	e->qid = new_queue(e->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	return msg_buffers(e);
}

static int prep_msgsnd(struct fenv *e)
{
	e->ds = qstat(e->fd, e->qid);
	msgsnd_request(e);
	return e->ds.qnum == 0 ? 0 : -EEXIST;
}

static void check_msgsnd(struct __test_metadata *_metadata, struct fenv *e,
			 int ret)
{
	struct aixipc_msqid_ds ds = qstat(e->fd, e->qid);

	ASSERT_EQ(0U, ds.status);
	if (!ret) {
		ASSERT_EQ(1ULL, ds.qnum);
		ASSERT_EQ((uint64_t)e->len, ds.cbytes);
		ASSERT_EQ(getpid(), ds.lspid);
		expect_message_back(_metadata, e);
		ds = qstat(e->fd, e->qid);
		ASSERT_EQ(0ULL, ds.qnum);
		ASSERT_EQ(0ULL, ds.cbytes);
		return;
	}
	/* Nothing queued, nothing recorded. */
	ASSERT_EQ(0ULL, ds.qnum);
	ASSERT_EQ(0ULL, ds.cbytes);
	ASSERT_EQ(e->ds.lspid, ds.lspid);
	ASSERT_EQ(e->ds.stime, ds.stime);
	ASSERT_EQ(-ENOMSG, t_msgrcv_raw(e->fd, e->qid, 0, e->rbuf, e->len,
					AIXIPC_NOWAIT, NULL));
}

/* ---- msgrcv --------------------------------------------------------- */

static int prep_msgrcv(struct fenv *e)
{
	int err = t_msgsnd_raw(e->fd, e->qid, e->sbuf, e->len, AIXIPC_NOWAIT);

	if (err)
		return err;
	memset(e->rbuf, 0, e->bufsize);
	e->ds = qstat(e->fd, e->qid);
	msgrcv_request(e);
	return e->ds.qnum == 1 ? 0 : -EEXIST;
}

static void check_msgrcv(struct __test_metadata *_metadata, struct fenv *e,
			 int ret)
{
	struct aixipc_msqid_ds ds = qstat(e->fd, e->qid);

	(void)ret;

	ASSERT_EQ((uint64_t)e->len, e->req.rcv.length);
	ASSERT_EQ(3, e->req.rcv.mtype);
	ASSERT_EQ(getpid(), e->req.rcv.pid);
	ASSERT_EQ(0, memcmp(e->sbuf, e->rbuf, e->bufsize));
	ASSERT_EQ(0ULL, ds.qnum);
	ASSERT_EQ(0ULL, ds.cbytes);
}

/* ---- listing -------------------------------------------------------- */

static int setup_list(struct fenv *e)
{
	e->ents = touched(LIST_ROOM * sizeof(*e->ents));
	if (!e->ents)
		return -ENOMEM;
	for (e->nextra = 0; e->nextra < 40; e->nextra++) {
		int id = new_queue(e->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);

		if (id < 0)
			return id;
		e->extra[e->nextra] = id;
	}
	return 0;
}

static int prep_list(struct fenv *e)
{
	e->cmd = AIXIPC_IOC_LIST;
	memset(&e->req, 0, sizeof(e->req));
	e->req.list.kind = AIXIPC_MSG;
	e->req.list.entries = (uintptr_t)e->ents;
	e->req.list.count = LIST_ROOM;
	e->req.list.entry_size = sizeof(*e->ents);
	memset(e->ents, 0, LIST_ROOM * sizeof(*e->ents));
	return 0;
}

static void check_list(struct __test_metadata *_metadata, struct fenv *e,
		       int ret)
{
	unsigned int i, j, found = 0;

	if (ret) {
		/* The request was not updated. */
		ASSERT_EQ(0ULL, e->req.list.cursor);
		ASSERT_EQ((uint32_t)LIST_ROOM, e->req.list.count);
		return;
	}
	ASSERT_EQ((uint32_t)e->objects, e->req.list.count);
	for (i = 0; i < e->req.list.count; i++) {
		ASSERT_EQ((uint32_t)AIXIPC_MSG, e->ents[i].kind);
		for (j = 0; j < (unsigned int)e->nextra; j++)
			if (e->ents[i].id == e->extra[j])
				found++;
	}
	ASSERT_EQ((unsigned int)e->nextra, found);
}

/* ---- msgctl --------------------------------------------------------- */

static int setup_ctl(struct fenv *e)
{
	int err;

	e->qid = new_queue(e->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	err = t_msgsnd(e->fd, e->qid, 1, "one", 3, AIXIPC_NOWAIT);
	return err ? err : t_msgsnd(e->fd, e->qid, 2, "two!", 4,
				    AIXIPC_NOWAIT);
}

static int prep_stat(struct fenv *e)
{
	e->cmd = AIXIPC_IOC_MSGCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.ctl.id = e->qid;
	e->req.ctl.cmd = AIXIPC_IPC_STAT;
	return 0;
}

static void check_stat(struct __test_metadata *_metadata, struct fenv *e,
		       int ret)
{
	(void)ret;
	ASSERT_EQ(2ULL, e->req.ctl.ds.qnum);
	ASSERT_EQ(7ULL, e->req.ctl.ds.cbytes);
	ASSERT_EQ(0600U, e->req.ctl.ds.perm.mode);
}

static int prep_set(struct fenv *e)
{
	e->ds = qstat(e->fd, e->qid);
	e->cmd = AIXIPC_IOC_MSGCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.ctl.id = e->qid;
	e->req.ctl.cmd = AIXIPC_IPC_SET;
	e->req.ctl.ds = e->ds;
	e->req.ctl.ds.perm.mode = e->ds.perm.mode == 0600 ? 0640 : 0600;
	return 0;
}

static void check_set(struct __test_metadata *_metadata, struct fenv *e,
		      int ret)
{
	struct aixipc_msqid_ds ds = qstat(e->fd, e->qid);

	(void)ret;

	ASSERT_EQ(e->req.ctl.ds.perm.mode, ds.perm.mode);
	ASSERT_EQ(2ULL, ds.qnum);
}

/* A fresh queue holding three messages (one of 64 KiB) for each attempt. */
static int prep_rmid(struct fenv *e)
{
	int err;

	e->qid = new_queue(e->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	err = t_msgsnd_raw(e->fd, e->qid, e->sbuf, e->len, AIXIPC_NOWAIT);
	if (!err)
		err = t_msgsnd(e->fd, e->qid, 1, "one", 3, AIXIPC_NOWAIT);
	if (!err)
		err = t_msgsnd(e->fd, e->qid, 2, "", 0, AIXIPC_NOWAIT);
	if (err)
		return err;
	e->cmd = AIXIPC_IOC_MSGCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.ctl.id = e->qid;
	e->req.ctl.cmd = AIXIPC_IPC_RMID;
	return 0;
}

static int setup_rmid(struct fenv *e)
{
	return msg_buffers(e);
}

static void check_rmid(struct __test_metadata *_metadata, struct fenv *e,
		       int ret)
{
	struct aixipc_msqid_ds ds;

	(void)ret;

	untrack(e->qid);
	ASSERT_EQ(e->objects - 1, count_objects(e->fd, AIXIPC_MSG));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt - 1, read_refcnt());
	ASSERT_EQ(-EINVAL, t_msgctl(e->fd, e->qid, AIXIPC_IPC_STAT, &ds));
}

/* ---------------------------------------------------------------------- */
/* The fixture and the loop.                                              */

FIXTURE(fault) {
	int nth;		/* fail-nth of this thread, opened beforehand */
	bool knobs_set;
	unsigned int point;	/* the attempt being checked, for the log */
	int ret;		/* and its result */
	struct fenv e;
};

FIXTURE_VARIANT(fault) {
	const struct fault_case *c;
};

FIXTURE_SETUP(fault)
{
	struct aixipc_version v;
	char path[128];
	unsigned int i;

	self->nth = -1;
	self->e.fd = -1;
	self->e.qid = -1;
	if (access("/proc/self/fail-nth", F_OK) &&
	    access(FAIL_NTH, F_OK))
		SKIP(return, "no %s: this kernel lacks CONFIG_FAULT_INJECTION_DEBUG_FS/CONFIG_FAILSLAB (use selftests/debug-kernel)",
		     FAIL_NTH);
	for (i = 0; i < NKNOBS; i++)
		if (!knobs[i].have)
			SKIP(return, "no " FAILSLAB "%s: debugfs not mounted, or no CONFIG_FAILSLAB",
			     knobs[i].name);
	self->nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->nth)
		TH_LOG("open %s: %s", FAIL_NTH, strerror(errno));

	self->e.fd = aixipc_open();
	ASSERT_LE(0, self->e.fd)
		TH_LOG("open %s: %s (module not loaded?)", AIXIPC_DEVICE,
		       strerror(errno));
	memset(&v, 0, sizeof(v));
	ASSERT_EQ(0, aixipc_ioctl(self->e.fd, AIXIPC_IOC_VERSION, &v));
	self->e.lim = v.limits;
	if (variant->c->kind == AIXIPC_MSG && !(v.features & AIXIPC_FEATURE_MSG))
		SKIP(return, "the module has no message queues");

	self->knobs_set = true;
	for (i = 0; i < NKNOBS; i++) {
		snprintf(path, sizeof(path), FAILSLAB "%s", knobs[i].name);
		ASSERT_EQ(0, write_file(path, knobs[i].want))
			TH_LOG("cannot set %s", path);
	}
}

FIXTURE_TEARDOWN(fault)
{
	if (self->point)
		TH_LOG("%s: the check failed after injection point %u (the call %s%s)",
		       variant->c->path, self->point,
		       self->ret ? "failed: " : "succeeded",
		       self->ret ? strerror(-self->ret) : "");
	if (self->nth >= 0) {
		/* Disarmed already, unless a check failed while armed. */
		if (pwrite(self->nth, "0", 1, 0) != 1)
			TH_LOG("cannot reset fail-nth");
		close(self->nth);
	}
	if (self->knobs_set)
		knobs_restore();
	if (self->e.fd >= 0) {
		remove_tracked(self->e.fd);
		close(self->e.fd);
	}
}

/*
 * Arm fail-nth for @n, make the one ioctl, disarm.  Returns the ioctl's
 * result (0 or -errno); *left is what fail-nth read back (0: a fault was
 * injected), or -1 if it could not be read.  Only system calls between
 * arming and disarming: no allocation of ours can be counted.
 */
static int injected_ioctl(int nth, struct fenv *e, unsigned int n, long *left)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);
	ssize_t r;
	int ret;

	*left = -1;
	if (pwrite(nth, buf, len, 0) != len)
		return -EBADF;
	ret = syscall(SYS_ioctl, e->fd, e->cmd, &e->req) < 0 ? -errno : 0;
	r = pread(nth, buf, sizeof(buf) - 1, 0);
	if (pwrite(nth, "0", 1, 0) != 1 || r <= 0)
		return ret;
	buf[r] = 0;
	*left = strtol(buf, NULL, 10);
	return ret;
}

TEST_F_TIMEOUT(fault, every_allocation_failure_is_clean, 900)
{
	const struct fault_case *c = variant->c;
	struct fenv *e = &self->e;
	unsigned int n, failed = 0, absorbed = 0;
	long left;
	int ret;

	if (_metadata->skip)
		return;
	e->len = c->len;
	if (e->len > e->lim.msgmax)
		e->len = e->lim.msgmax;
	if (e->len > e->lim.msgmnb)
		e->len = e->lim.msgmnb;
	if (c->setup)
		ASSERT_EQ(0, c->setup(e));

	for (n = 1;; n++) {
		ASSERT_GT(MAX_POINTS, n)
			TH_LOG("%s: still failing after %u injections", c->path,
			       n);
		ASSERT_EQ(0, c->prepare(e))
			TH_LOG("%s: cannot prepare attempt %u", c->path, n);
		e->objects = count_objects(e->fd, c->kind);
		ASSERT_LE(0, e->objects);
		e->refcnt = read_refcnt();

		ret = injected_ioctl(self->nth, e, n, &left);
		ASSERT_LE(0, left)
			TH_LOG("cannot read back %s", FAIL_NTH);

		if (ret) {
			ASSERT_EQ(0, left)
				TH_LOG("%s failed (%s) with no fault injected (point %u)",
				       c->path, strerror(-ret), n);
			ASSERT_TRUE(c->allocates)
				TH_LOG("%s allocates nothing that may fail, yet failed (%s) at point %u",
				       c->path, strerror(-ret), n);
			ASSERT_EQ(-ENOMEM, ret)
				TH_LOG("%s at point %u: %s, not ENOMEM",
				       c->path, n, strerror(-ret));
			/* Nothing created, nothing pinned. */
			ASSERT_EQ(e->objects, count_objects(e->fd, c->kind))
				TH_LOG("%s at point %u: object count changed",
				       c->path, n);
			if (e->refcnt >= 0)
				ASSERT_EQ(e->refcnt, read_refcnt())
					TH_LOG("%s at point %u: module reference count changed",
					       c->path, n);
			failed++;
		} else if (!left) {
			absorbed++;
		}
		self->point = n;
		self->ret = ret;
		c->check(_metadata, e, ret);
		self->point = 0;
		if (left)
			break;	/* n is past the path's last allocation */
	}
	TH_LOG("%s: %u injection points: %u failed the call with ENOMEM, %u absorbed by a fallback",
	       c->path, n - 1, failed, absorbed);
	if (c->allocates)
		EXPECT_LT(0U, n - 1)
			TH_LOG("%s: no allocation was ever failed: is failslab/ignore-gfp-wait in effect?",
			       c->path);
}

/* ---------------------------------------------------------------------- */
/* The paths.                                                             */

#define SND_CASE(name_, len_)						\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_MSG, .len = (len_),	\
		.allocates = true, .setup = setup_queue_and_buffers,	\
		.prepare = prep_msgsnd, .check = check_msgsnd,		\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

#define RCV_CASE(name_, len_)						\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_MSG, .len = (len_),	\
		.allocates = false, .setup = setup_queue_and_buffers,	\
		.prepare = prep_msgrcv, .check = check_msgrcv,		\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

static const struct fault_case case_msgget_private = {
	.path = "msgget_private", .kind = AIXIPC_MSG, .allocates = true,
	.prepare = prep_get_private, .check = check_get_private,
};
FIXTURE_VARIANT_ADD(fault, msgget_private) { .c = &case_msgget_private };

static const struct fault_case case_msgget_private_new_idr_node = {
	.path = "msgget_private_new_idr_node", .kind = AIXIPC_MSG,
	.allocates = true, .setup = setup_get_grow,
	.prepare = prep_get_private, .check = check_get_private,
};
FIXTURE_VARIANT_ADD(fault, msgget_private_new_idr_node) {
	.c = &case_msgget_private_new_idr_node
};

static const struct fault_case case_msgget_key = {
	.path = "msgget_key", .kind = AIXIPC_MSG, .allocates = true,
	.setup = setup_key, .prepare = prep_get_key, .check = check_get_key,
};
FIXTURE_VARIANT_ADD(fault, msgget_key) { .c = &case_msgget_key };

static const struct fault_case case_msgget_existing_key = {
	.path = "msgget_existing_key", .kind = AIXIPC_MSG, .allocates = false,
	.setup = setup_existing_key, .prepare = prep_get_existing,
	.check = check_get_existing,
};
FIXTURE_VARIANT_ADD(fault, msgget_existing_key) {
	.c = &case_msgget_existing_key
};

SND_CASE(msgsnd_empty, 0);
SND_CASE(msgsnd_small, 100);
SND_CASE(msgsnd_page_crossing, 4096 + 100);
SND_CASE(msgsnd_64k, 64 << 10);
SND_CASE(msgsnd_4m, 4 << 20);
RCV_CASE(msgrcv_small, 100);
RCV_CASE(msgrcv_4m, 4 << 20);

static const struct fault_case case_list = {
	.path = "list", .kind = AIXIPC_MSG, .allocates = true,
	.setup = setup_list, .prepare = prep_list, .check = check_list,
};
FIXTURE_VARIANT_ADD(fault, list) { .c = &case_list };

static const struct fault_case case_msgctl_stat = {
	.path = "msgctl_stat", .kind = AIXIPC_MSG, .allocates = false,
	.setup = setup_ctl, .prepare = prep_stat, .check = check_stat,
};
FIXTURE_VARIANT_ADD(fault, msgctl_stat) { .c = &case_msgctl_stat };

static const struct fault_case case_msgctl_set = {
	.path = "msgctl_set", .kind = AIXIPC_MSG, .allocates = false,
	.setup = setup_ctl, .prepare = prep_set, .check = check_set,
};
FIXTURE_VARIANT_ADD(fault, msgctl_set) { .c = &case_msgctl_set };

static const struct fault_case case_msgctl_rmid = {
	.path = "msgctl_rmid", .kind = AIXIPC_MSG, .len = 64 << 10,
	.allocates = false, .setup = setup_rmid, .prepare = prep_rmid,
	.check = check_rmid,
};
FIXTURE_VARIANT_ADD(fault, msgctl_rmid) { .c = &case_msgctl_rmid };

TEST_HARNESS_MAIN
