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
 * nothing today (msgrcv, msgctl, reopening a key, semop of up to 16
 * operations, IPC_RMID of a set) must succeed whatever is injected.  Leaks
 * are left to kmemleak, which the debug VM run scans after the suite.
 *
 * Semaphore paths that involve SEM_UNDO make the injected call in a child
 * process, so that it is that process's first SEM_UNDO call and its exit
 * (which applies its adjustments) can be checked: it must undo exactly
 * what the successful calls did.
 *
 * Shared memory paths: shmget (private, keyed, at the largest size, in a
 * new idr node), the first attach (where the kernel chooses, and at a
 * given address), shmdt (of one piece, of three, of a removed segment's
 * last attachment, which removes it), SHM_SIZE (growing, shrinking),
 * SHM_LOCK, SHM_UNLOCK, IPC_RMID, IPC_STAT and AIXIPC_IOC_INFO.  Besides
 * objects and module references, each check counts the mappings of
 * segments in /proc/self/maps and the attachments IPC_STAT reports, and
 * verifies the contents through an attachment.  A variant's setup first
 * fills shmall with untouched segments up to a small room, so that after
 * every attempt the quota left can be checked exactly: a charge taken by
 * a failed call and never returned, or returned twice, shows.
 *
 * The semaphore fast path's AIXIPC_IOC_SEMMAP: the first map of a set
 * (writable; it makes the set's area: vmalloc'ed words, a pseudo file,
 * the ticket table, then the caller's ticket and the mapping), the first
 * map by a process that has no ticket for an area another process made
 * (a child, before the attempt: the ticket and the mapping), and a
 * second, read-only map by a process that has one (the mapping only).
 * Each check counts the areas' mappings in /proc/self/maps, verifies the
 * set through the kernel (a semop, its values), and maps it again with no
 * injection: the words must show the values with the kernel's ticket; a
 * successful call's result must be exact (address, size, nsems, ticket,
 * the mapping's permissions), and its mapping is removed before the next
 * attempt.  A first map that fails once the area is published (at the
 * ticket or the mapping) leaves the area to the set, which keeps it (and
 * its module reference) until IPC_RMID; the check verifies that the next
 * map uses it and that IPC_RMID frees it.
 *
 * Adding a facility: write its cases (prepare/check) and add one
 * FIXTURE_VARIANT_ADD per path at the end of the file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
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

static void knobs_restore(void)
{
	char path[128];
	unsigned int i;

	for (i = 0; i < NKNOBS; i++) {
		if (!knobs[i].have)
			continue;
		snprintf(path, sizeof(path), FAILSLAB "%s", knobs[i].name);
		t_write_file(path, knobs[i].orig);
	}
}

static void __attribute__((constructor)) fault_init(void)
{
	char path[128];
	unsigned int i;
	/* The values in force before this run, whatever a test does. */
	for (i = 0; i < NKNOBS; i++) {
		snprintf(path, sizeof(path), FAILSLAB "%s", knobs[i].name);
		knobs[i].have = t_read_file(path, knobs[i].orig,
					  sizeof(knobs[i].orig)) == 0;
	}
}

/*
 * At exit of the main process, also after tests killed by timeout (the
 * objects they left go in aixipc_test.h's destructor).
 */
static void __attribute__((destructor)) fault_fini(void)
{
	if (getpid() == t_main_pid)
		knobs_restore();
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
		struct aixipc_semop sop;
		struct aixipc_semctl sctl;
		struct aixipc_shmat shmat;
		struct aixipc_shmdt shmdt;
		struct aixipc_shmctl shmctl;
		struct aixipc_info info;
		struct aixipc_semmap smap;
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
	/* Semaphores. */
	uint64_t nsems;			/* of the path's set (qid) */
	unsigned int nsops;		/* operations of its semop */
	struct aixipc_sembuf *sops;	/* the operations */
	uint16_t *vals, *vals2, *vals3;	/* nsems values each */
	struct sem_report *rep;		/* written by child processes */
	int witness;			/* a second set, or -1 */
	int relfd;			/* children wait for its EOF, or -1 */
	struct t_kids kids;		/* children alive, to kill on failure */
	int child_status;		/* of the child that made the call */
	pid_t child;			/* and its pid */
	/* Taken before each attempt. */
	long objects;			/* listed objects of the path's kind */
	long refcnt;			/* module references, -1 if unknown */
	struct aixipc_msqid_ds ds;	/* the queue's status */
	struct aixipc_semid_ds sds;	/* the set's status */
	/* Shared memory. */
	uint64_t seglen;		/* the path's segment size */
	unsigned char *att;		/* an attachment of qid, or NULL */
	uint64_t att_len;
	char *resv;			/* a reservation holding a hole, or NULL */
	size_t resv_len;
	uint64_t size0, size1;		/* SHM_SIZE: before, asked */
	bool quota;			/* shmall filled: check what is left */
	int maps;			/* segment mappings in /proc/self/maps */
	struct aixipc_shmid_ds shds;	/* the segment's status */
	struct aixipc_info info;	/* shared memory totals */
	/* The semaphore fast path. */
	struct aixipc_semmap smap0;	/* a mapping kept (addr 0: none) */
	int areas;			/* area mappings in /proc/self/maps */
	bool area_kept;			/* a failed call left a new area */
	pid_t mapper;			/* the child that made the area */
};

struct fault_case {
	const char *path;
	unsigned int kind;
	size_t len;			/* message size, capped by the limits */
	uint64_t nsems;			/* set size, capped by semmsl */
	unsigned int nsops;		/* semop size, capped by semopm */
	bool allocates;			/* false: injection must not fail it */
	/*
	 * A documented errno an injected failure may give instead of
	 * ENOMEM, or 0.  shmget: shmem_file_setup() reports a failed inode
	 * allocation as ENOSPC (so does Linux's shmget).
	 */
	int alt_errno;
	uint64_t needs;			/* AIXIPC_FEATURE_* beyond the kind's */
	/*
	 * A failed call may leave one module reference more: the first
	 * SEMMAP of a set publishes the area before it makes the caller's
	 * ticket and mapping, and a failure there leaves the area to the set
	 * until IPC_RMID.  The check accounts for that reference exactly.
	 */
	bool area_may_stay;
	int (*setup)(struct fenv *e);	/* once; 0 or -errno */
	int (*prepare)(struct fenv *e);	/* before each attempt */
	/* After each attempt (ret is 0 or -ENOMEM): verify, then undo. */
	void (*check)(struct __test_metadata *_metadata, struct fenv *e,
		      int ret);
	/*
	 * Make the injected call some other way than injected_ioctl() in
	 * this thread (e.g. in a child process); same contract.  Optional.
	 */
	int (*inject)(struct fenv *e, unsigned int n, long *left);
};

static long read_refcnt(void)
{
	char buf[32];

	if (t_read_file(REFCNT, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static int new_queue(int fd, int32_t key, uint32_t flags)
{
	int id = t_msgget(fd, key, flags, 0600);

	if (id >= 0)
		t_track(AIXIPC_MSG, id);
	return id;
}

static int remove_queue(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_MSG, id);
}

/* A public key nobody else uses. */
#define test_key(salt)	t_test_key(0x5f, salt)

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

	t_track(AIXIPC_MSG, id);
	ASSERT_EQ(e->objects + 1, t_count_objects(e->fd, AIXIPC_MSG));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt + 1, read_refcnt());
	ds = t_qstat(e->fd, id);
	ASSERT_EQ(key, ds.perm.key);
	ASSERT_EQ(0600U, ds.perm.mode);
	ASSERT_EQ(0ULL, ds.qnum);
	ASSERT_EQ(e->lim.msgmnb, ds.qbytes);
	/* It works. */
	ASSERT_EQ(0, t_msgsnd(e->fd, id, 1, "x", 1, AIXIPC_NOWAIT));
	ASSERT_EQ(0, remove_queue(e->fd, id));
	ASSERT_EQ(e->objects, t_count_objects(e->fd, AIXIPC_MSG));
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
	ASSERT_EQ(e->objects + 1, t_count_objects(e->fd, AIXIPC_MSG));
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
	ASSERT_EQ(e->objects, t_count_objects(e->fd, AIXIPC_MSG));
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
	e->ds = t_qstat(e->fd, e->qid);
	msgsnd_request(e);
	return e->ds.qnum == 0 ? 0 : -EEXIST;
}

static void check_msgsnd(struct __test_metadata *_metadata, struct fenv *e,
			 int ret)
{
	struct aixipc_msqid_ds ds = t_qstat(e->fd, e->qid);

	ASSERT_EQ(0U, ds.status);
	if (!ret) {
		ASSERT_EQ(1ULL, ds.qnum);
		ASSERT_EQ((uint64_t)e->len, ds.cbytes);
		ASSERT_EQ(getpid(), ds.lspid);
		expect_message_back(_metadata, e);
		ds = t_qstat(e->fd, e->qid);
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
	e->ds = t_qstat(e->fd, e->qid);
	msgrcv_request(e);
	return e->ds.qnum == 1 ? 0 : -EEXIST;
}

static void check_msgrcv(struct __test_metadata *_metadata, struct fenv *e,
			 int ret)
{
	struct aixipc_msqid_ds ds = t_qstat(e->fd, e->qid);

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
	e->ds = t_qstat(e->fd, e->qid);
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
	struct aixipc_msqid_ds ds = t_qstat(e->fd, e->qid);

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

	t_untrack(AIXIPC_MSG, e->qid);
	ASSERT_EQ(e->objects - 1, t_count_objects(e->fd, AIXIPC_MSG));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt - 1, read_refcnt());
	ASSERT_EQ(-EINVAL, t_msgctl(e->fd, e->qid, AIXIPC_IPC_STAT, &ds));
}

/* ---- semaphores: helpers -------------------------------------------- */

/*
 * What a child process that made the injected call (or a later one) saw;
 * shared memory, set up once per path.
 */
struct sem_report {
	int ret;		/* the injected call's result */
	long left;		/* fail-nth read back */
	char why[200];		/* a child's failure, for the log */
};

static int injected_ioctl(int nth, struct fenv *e, unsigned int n,
			  long *left);

/* GETALL or SETALL. */
static int t_semarray(int fd, int id, uint32_t cmd, uint16_t *array)
{
	struct aixipc_semctl c = {
		.id = id, .cmd = cmd, .array = (uintptr_t)array,
	};

	return aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
}

static struct aixipc_semid_ds sstat(int fd, int id)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_STAT };

	if (aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c))
		memset(&c.ds, 0xff, sizeof(c.ds));	/* fails every comparison */
	return c.ds;
}

static int new_set(int fd, int32_t key, uint64_t nsems, uint32_t flags)
{
	int id = t_semget(fd, key, nsems, flags, 0600);

	if (id >= 0)
		t_track(AIXIPC_SEM, id);
	return id;
}

static int remove_set(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_SEM, id);
}

/* A pattern of values the set accepts, different for each @seed. */
static void sem_pattern(const struct fenv *e, uint16_t *v, unsigned int seed)
{
	uint64_t i;

	for (i = 0; i < e->nsems; i++)
		v[i] = (uint16_t)((i * 7 + seed * 13 + (i >> 9)) %
				  (e->lim.semvmx + 1));
}

/* Are the set's values those of @want (read into e->vals3)? */
static bool sem_values_are(struct fenv *e, const uint16_t *want)
{
	memset(e->vals3, 0x5a, e->nsems * sizeof(uint16_t));
	return t_semarray(e->fd, e->qid, AIXIPC_GETALL, e->vals3) == 0 &&
	       !memcmp(e->vals3, want, e->nsems * sizeof(uint16_t));
}

static int sem_buffers(struct fenv *e)
{
	size_t size = e->nsems * sizeof(uint16_t);

	e->vals = touched(size);
	e->vals2 = touched(size);
	e->vals3 = touched(size);
	e->rep = mmap(NULL, sizeof(*e->rep), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!e->vals || !e->vals2 || !e->vals3 || e->rep == MAP_FAILED)
		return -ENOMEM;
	return 0;
}

static void semop_request(struct fenv *e)
{
	e->cmd = AIXIPC_IOC_SEMOP;
	memset(&e->req, 0, sizeof(e->req));
	e->req.sop.id = e->qid;
	e->req.sop.sops = (uintptr_t)e->sops;
	e->req.sop.nsops = e->nsops;
}

static void semctl_request(struct fenv *e, uint32_t cmd, uint16_t *array)
{
	e->cmd = AIXIPC_IOC_SEMCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.sctl.id = e->qid;
	e->req.sctl.cmd = cmd;
	e->req.sctl.array = (uintptr_t)array;
}

static void kill_kids(struct fenv *e)
{
	if (e->relfd >= 0) {
		close(e->relfd);
		e->relfd = -1;
	}
	t_kill_kids(&e->kids);
}

/* A child reports why it fails, then exits with @code. */
static void __attribute__((noreturn, format(printf, 3, 4)))
kid_fail(struct fenv *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->rep->why, sizeof(e->rep->why), fmt, ap);
	va_end(ap);
	_exit(code);
}

/* ---- semget ----------------------------------------------------------- */

static int prep_semget(struct fenv *e, int32_t key, uint32_t flags)
{
	e->cmd = AIXIPC_IOC_GET;
	memset(&e->req, 0, sizeof(e->req));
	e->req.get.kind = AIXIPC_SEM;
	e->req.get.key = key;
	e->req.get.flags = flags;
	e->req.get.mode = 0600;
	e->req.get.size = e->nsems;
	return 0;
}

static int prep_semget_private(struct fenv *e)
{
	return prep_semget(e, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);
}

/* A new set was created: check it (all zero, works), remove it. */
static void check_set_created(struct __test_metadata *_metadata,
			      struct fenv *e, int32_t key)
{
	struct aixipc_semid_ds ds;
	int id = e->req.get.id;

	t_track(AIXIPC_SEM, id);
	ASSERT_EQ(e->objects + 1, t_count_objects(e->fd, AIXIPC_SEM));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt + 1, read_refcnt());
	ds = sstat(e->fd, id);
	ASSERT_EQ(key, ds.perm.key);
	ASSERT_EQ(0600U, ds.perm.mode);
	ASSERT_EQ(e->nsems, ds.nsems);
	ASSERT_EQ(0, ds.otime);
	memset(e->vals2, 0, e->nsems * sizeof(uint16_t));
	e->qid = id;
	ASSERT_TRUE(sem_values_are(e, e->vals2))
		TH_LOG("a new set's values are not all zero");
	/* It works, up to its last semaphore. */
	ASSERT_EQ(0, t_semop1(e->fd, id, (unsigned int)e->nsems - 1, 2,
			 AIXIPC_SEM_NOWAIT));
	ASSERT_EQ(2, t_semctl(e->fd, id, (unsigned int)e->nsems - 1,
			  AIXIPC_GETVAL, 0));
	ASSERT_EQ(0, remove_set(e->fd, id));
	e->qid = -1;
	ASSERT_EQ(e->objects, t_count_objects(e->fd, AIXIPC_SEM));
}

static void check_semget_private(struct __test_metadata *_metadata,
				 struct fenv *e, int ret)
{
	int id;

	if (!ret) {
		check_set_created(_metadata, e, AIXIPC_KEY_PRIVATE);
		return;
	}
	/* Nothing half-created: creation works. */
	id = new_set(e->fd, AIXIPC_KEY_PRIVATE, e->nsems, AIXIPC_CREAT);
	ASSERT_LE(0, id);
	ASSERT_EQ(e->objects + 1, t_count_objects(e->fd, AIXIPC_SEM));
	ASSERT_EQ(0, remove_set(e->fd, id));
}

static int setup_sem(struct fenv *e)
{
	return sem_buffers(e);
}

static int setup_sem_key(struct fenv *e)
{
	e->key = test_key(2);
	if (t_semget(e->fd, e->key, 0, 0, 0600) != -ENOENT)
		return -EEXIST;
	return sem_buffers(e);
}

static int prep_semget_key(struct fenv *e)
{
	return prep_semget(e, e->key, AIXIPC_CREAT | AIXIPC_EXCL);
}

static void check_semget_key(struct __test_metadata *_metadata,
			     struct fenv *e, int ret)
{
	int id;

	if (!ret) {
		ASSERT_EQ(e->req.get.id, t_semget(e->fd, e->key, 0, 0, 0600));
		check_set_created(_metadata, e, e->key);
		ASSERT_EQ(-ENOENT, t_semget(e->fd, e->key, 0, 0, 0600));
		return;
	}
	/* The key was not taken, and can be. */
	ASSERT_EQ(-ENOENT, t_semget(e->fd, e->key, 0, 0, 0600));
	id = new_set(e->fd, e->key, e->nsems, AIXIPC_CREAT | AIXIPC_EXCL);
	ASSERT_LE(0, id);
	ASSERT_EQ(id, t_semget(e->fd, e->key, 0, 0, 0600));
	ASSERT_EQ(0, remove_set(e->fd, id));
	ASSERT_EQ(-ENOENT, t_semget(e->fd, e->key, 0, 0, 0600));
}

static int setup_sem_existing_key(struct fenv *e)
{
	int err = setup_sem_key(e);

	if (err)
		return err;
	e->qid = new_set(e->fd, e->key, e->nsems, AIXIPC_CREAT | AIXIPC_EXCL);
	return e->qid < 0 ? e->qid : 0;
}

static int prep_semget_existing(struct fenv *e)
{
	return prep_semget(e, e->key, AIXIPC_CREAT);
}

static void check_semget_existing(struct __test_metadata *_metadata,
				  struct fenv *e, int ret)
{
	(void)ret;
	ASSERT_EQ(e->qid, e->req.get.id);
	ASSERT_EQ(e->objects, t_count_objects(e->fd, AIXIPC_SEM));
	ASSERT_EQ(e->nsems, sstat(e->fd, e->qid).nsems);
}

/* ---- semop ------------------------------------------------------------ */

/*
 * A set and e->nsops operations "+1 on semaphore i % nsems", NOWAIT; each
 * attempt starts from all zero.
 */
static int setup_semop(struct fenv *e)
{
	unsigned int i;
	int err = sem_buffers(e);

	if (err)
		return err;
	e->qid = new_set(e->fd, AIXIPC_KEY_PRIVATE, e->nsems, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	e->sops = touched(e->nsops * sizeof(*e->sops));
	if (!e->sops)
		return -ENOMEM;
	for (i = 0; i < e->nsops; i++) {
		e->sops[i].sem_num = (uint16_t)(i % e->nsems);
		e->sops[i].sem_op = 1;
		e->sops[i].sem_flg = AIXIPC_SEM_NOWAIT;
	}
	return 0;
}

static int prep_semop(struct fenv *e)
{
	int err;

	memset(e->vals, 0, e->nsems * sizeof(uint16_t));
	err = t_semarray(e->fd, e->qid, AIXIPC_SETALL, e->vals);
	if (err)
		return err;
	e->sds = sstat(e->fd, e->qid);
	semop_request(e);
	return 0;
}

static void check_semop(struct __test_metadata *_metadata, struct fenv *e,
			int ret)
{
	struct aixipc_semid_ds ds = sstat(e->fd, e->qid);
	unsigned int i;

	memset(e->vals2, 0, e->nsems * sizeof(uint16_t));
	if (ret) {
		/* Not one operation applied, nothing recorded. */
		ASSERT_TRUE(sem_values_are(e, e->vals2))
			TH_LOG("a failed semop changed values");
		ASSERT_EQ(e->sds.otime, ds.otime);
		return;
	}
	for (i = 0; i < e->nsops; i++)
		e->vals2[i % e->nsems]++;
	ASSERT_TRUE(sem_values_are(e, e->vals2))
		TH_LOG("semop of %u operations: wrong values", e->nsops);
	ASSERT_EQ(getpid(), t_semctl(e->fd, e->qid, 0, AIXIPC_GETPID, 0));
	ASSERT_NE(0, ds.otime);
	ASSERT_EQ(0, t_semctl(e->fd, e->qid, 0, AIXIPC_GETNCNT, 0));
}

/* ---- semop with SEM_UNDO, in a child process that then exits ---------- */

#define UNDO_INIT 5

/*
 * The set's values start at UNDO_INIT.  A child makes the injected call:
 * -1 on semaphore 0 and +2 on the last one, both SEM_UNDO (the child's
 * first SEM_UNDO call on this set; for a "warm" path it did one on the
 * witness set before, so its per-process list exists already).  Then,
 * with no injection, -2 on semaphore 0 with SEM_UNDO, which must work
 * whatever the first call did.  It exits; the parent checks that its exit
 * undid exactly what succeeded: every value back to UNDO_INIT.
 */
static int setup_semop_undo(struct fenv *e)
{
	int err = sem_buffers(e);

	if (err)
		return err;
	e->qid = new_set(e->fd, AIXIPC_KEY_PRIVATE, e->nsems, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	e->witness = new_set(e->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT);
	if (e->witness < 0)
		return e->witness;
	e->sops = touched(2 * sizeof(*e->sops));
	if (!e->sops)
		return -ENOMEM;
	e->sops[0].sem_num = 0;
	e->sops[0].sem_op = -1;
	e->sops[0].sem_flg = AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT;
	e->sops[1].sem_num = (uint16_t)(e->nsems - 1);
	e->sops[1].sem_op = 2;
	e->sops[1].sem_flg = AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT;
	return t_semctl(e->fd, e->witness, 0, AIXIPC_SETVAL, UNDO_INIT);
}

static int prep_semop_undo(struct fenv *e)
{
	uint64_t i;
	int err;

	for (i = 0; i < e->nsems; i++)
		e->vals[i] = UNDO_INIT;
	err = t_semarray(e->fd, e->qid, AIXIPC_SETALL, e->vals);
	if (err)
		return err;
	memset(e->rep, 0, sizeof(*e->rep));
	semop_request(e);
	return 0;
}

static int inject_undo_child(struct fenv *e, unsigned int n, long *left,
			     bool warm)
{
	int last = (int)e->nsems - 1;
	pid_t pid;

	pid = t_spawn(&e->kids);
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int nth = open(FAIL_NTH, O_RDWR | O_CLOEXEC), v0, vl, ret;

		if (nth < 0)
			kid_fail(e, 2, "open %s: %s", FAIL_NTH, strerror(errno));
		if (warm && t_semop1(e->fd, e->witness, 0, -1,
				AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT))
			kid_fail(e, 3, "SEM_UNDO on the witness set failed");
		ret = injected_ioctl(nth, e, n, &e->rep->left);
		e->rep->ret = ret;
		if (ret && ret != -ENOMEM)
			_exit(0);	/* the parent's loop reports it */
		v0 = UNDO_INIT - (ret ? 0 : 1);
		vl = UNDO_INIT + (ret ? 0 : 2);
		if (t_semctl(e->fd, e->qid, 0, AIXIPC_GETVAL, 0) != v0 ||
		    t_semctl(e->fd, e->qid, last, AIXIPC_GETVAL, 0) != vl)
			kid_fail(e, 4, "after the call (%s): values %d, %d; want %d, %d",
				 ret ? "failed" : "done",
				 t_semctl(e->fd, e->qid, 0, AIXIPC_GETVAL, 0),
				 t_semctl(e->fd, e->qid, last, AIXIPC_GETVAL, 0),
				 v0, vl);
		ret = t_semop1(e->fd, e->qid, 0, -2,
			  AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT);
		if (ret)
			kid_fail(e, 5, "a later SEM_UNDO call failed: %s",
				 strerror(-ret));
		if (t_semctl(e->fd, e->qid, 0, AIXIPC_GETVAL, 0) != v0 - 2)
			kid_fail(e, 6, "after the later call: value %d, want %d",
				 t_semctl(e->fd, e->qid, 0, AIXIPC_GETVAL, 0),
				 v0 - 2);
		_exit(0);
	}
	e->child_status = t_reap(&e->kids, pid);
	e->child = pid;
	/* A child that failed before the call reported "injected, 0". */
	*left = e->rep->left;
	return e->rep->ret;
}

static int inject_undo_cold(struct fenv *e, unsigned int n, long *left)
{
	return inject_undo_child(e, n, left, false);
}

static int inject_undo_warm(struct fenv *e, unsigned int n, long *left)
{
	return inject_undo_child(e, n, left, true);
}

static void check_semop_undo(struct __test_metadata *_metadata,
			     struct fenv *e, int ret)
{
	unsigned int i;

	(void)ret;
	ASSERT_EQ(0, e->child_status)
		TH_LOG("the child: %s", e->rep->why);
	/* Its exit undid what succeeded, no more, no less. */
	for (i = 0; i < e->nsems; i++)
		e->vals2[i] = UNDO_INIT;
	ASSERT_TRUE(sem_values_are(e, e->vals2))
		TH_LOG("after the child's exit: semaphore 0 is %u, the last %u; want %d",
		       e->vals3[0], e->vals3[e->nsems - 1], UNDO_INIT);
	ASSERT_EQ(e->child, t_semctl(e->fd, e->qid, 0, AIXIPC_GETPID, 0));
	ASSERT_EQ(UNDO_INIT, t_semctl(e->fd, e->witness, 0, AIXIPC_GETVAL, 0));
	ASSERT_EQ(0, t_semctl(e->fd, e->qid, 0, AIXIPC_GETNCNT, 0));
}

/* ---- GETALL, SETALL --------------------------------------------------- */

static int setup_semarray(struct fenv *e)
{
	int err = sem_buffers(e);

	if (err)
		return err;
	e->qid = new_set(e->fd, AIXIPC_KEY_PRIVATE, e->nsems, AIXIPC_CREAT);
	return e->qid < 0 ? e->qid : 0;
}

static unsigned int semarray_seed;

/* Values: pattern seed (vals2); GETALL into vals, filled with 0xa5. */
static int prep_getall(struct fenv *e)
{
	int err;

	sem_pattern(e, e->vals2, ++semarray_seed);
	err = t_semarray(e->fd, e->qid, AIXIPC_SETALL, e->vals2);
	if (err)
		return err;
	memset(e->vals, 0xa5, e->nsems * sizeof(uint16_t));
	semctl_request(e, AIXIPC_GETALL, e->vals);
	return 0;
}

static void check_getall(struct __test_metadata *_metadata, struct fenv *e,
			 int ret)
{
	uint64_t i;

	if (!ret) {
		ASSERT_EQ(0, memcmp(e->vals, e->vals2,
				    e->nsems * sizeof(uint16_t)))
			TH_LOG("GETALL returned wrong values");
	} else {
		for (i = 0; i < e->nsems; i++)
			ASSERT_EQ(0xa5a5, e->vals[i])
				TH_LOG("a failed GETALL wrote value %" PRIu64, i);
	}
	ASSERT_TRUE(sem_values_are(e, e->vals2));
}

/* Values: pattern seed (vals2); SETALL of pattern seed + 1 (vals). */
static int prep_setall(struct fenv *e)
{
	int err;

	sem_pattern(e, e->vals2, ++semarray_seed);
	err = t_semarray(e->fd, e->qid, AIXIPC_SETALL, e->vals2);
	if (err)
		return err;
	sem_pattern(e, e->vals, semarray_seed + 1000);
	err = t_semctl(e->fd, e->qid, 0, AIXIPC_GETPID, 0);
	if (err != getpid())
		return -EPROTO;
	semctl_request(e, AIXIPC_SETALL, e->vals);
	return 0;
}

static void check_setall(struct __test_metadata *_metadata, struct fenv *e,
			 int ret)
{
	if (!ret) {
		ASSERT_TRUE(sem_values_are(e, e->vals))
			TH_LOG("SETALL set wrong values");
		return;
	}
	ASSERT_TRUE(sem_values_are(e, e->vals2))
		TH_LOG("a failed SETALL changed values");
}

/* ---- IPC_RMID of a set with adjustments of live processes ------------- */

#define RMID_KIDS 3

/*
 * Each attempt: a fresh set (semaphore 0 at 10, 1 at 1) and RMID_KIDS
 * children that did -1 on semaphore 0 with SEM_UNDO; the last one then
 * sleeps waiting for semaphore 1 to be zero.  The injected call removes
 * the set.  Released, each child does -1 with SEM_UNDO on the witness set
 * and exits: its list, whose entry for the removed set is gone, must
 * still work, and its exit must restore the witness exactly.
 */
static int setup_rmid_undo(struct fenv *e)
{
	e->witness = new_set(e->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT);
	if (e->witness < 0)
		return e->witness;
	e->rep = mmap(NULL, sizeof(*e->rep), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (e->rep == MAP_FAILED)
		return -ENOMEM;
	memset(e->rep, 0, sizeof(*e->rep));
	return t_semctl(e->fd, e->witness, 0, AIXIPC_SETVAL, RMID_KIDS);
}

static void rmid_kid(struct fenv *e, int me, int rel, int ready)
{
	char c = 'r';
	int err;

	err = t_semop1(e->fd, e->qid, 0, -1,
		       AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT);
	if (err)
		kid_fail(e, 2, "child %d: SEM_UNDO op: %s", me, strerror(-err));
	if (write(ready, &c, 1) != 1)
		kid_fail(e, 3, "child %d: write", me);
	if (me == RMID_KIDS - 1) {
		err = t_semop1(e->fd, e->qid, 1, 0, AIXIPC_SEM_UNDO);
		if (err != -EIDRM)
			kid_fail(e, 4, "child %d: blocked op ended with %s, not EIDRM",
				 me, strerror(-err));
	}
	while (read(rel, &c, 1) > 0)
		;
	err = t_semop1(e->fd, e->witness, 0, -1,
		       AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT);
	if (err)
		kid_fail(e, 5, "child %d: SEM_UNDO op on the witness set: %s",
			 me, strerror(-err));
	_exit(0);
}

static int prep_rmid_undo(struct fenv *e)
{
	int rel[2], ready[2], i, err = 0;
	char c;

	e->qid = new_set(e->fd, AIXIPC_KEY_PRIVATE, 2, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	if (t_semctl(e->fd, e->qid, 0, AIXIPC_SETVAL, 10) ||
	    t_semctl(e->fd, e->qid, 1, AIXIPC_SETVAL, 1))
		return -EIO;
	if (pipe2(rel, O_CLOEXEC))
		return -errno;
	if (pipe2(ready, O_CLOEXEC)) {
		close(rel[0]);
		close(rel[1]);
		return -errno;
	}
	e->relfd = rel[1];
	for (i = 0; i < RMID_KIDS && !err; i++) {
		pid_t pid = t_spawn(&e->kids);

		if (pid < 0) {
			err = -errno;
		} else if (pid == 0) {
			close(rel[1]);
			close(ready[0]);
			rmid_kid(e, i, rel[0], ready[1]);
		}
	}
	close(rel[0]);
	close(ready[1]);
	for (i = 0; i < RMID_KIDS && !err; i++)
		if (read(ready[0], &c, 1) != 1)
			err = -EPROTO;
	close(ready[0]);
	/* The last child sleeps in its wait-for-zero. */
	for (i = 0; !err && t_semctl(e->fd, e->qid, 1, AIXIPC_GETZCNT, 0) != 1; i++) {
		if (i > 20000)
			err = -ETIMEDOUT;
		usleep(1000);
	}
	if (err)
		return err;
	if (t_semctl(e->fd, e->qid, 0, AIXIPC_GETVAL, 0) != 10 - RMID_KIDS)
		return -EPROTO;
	e->cmd = AIXIPC_IOC_SEMCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.sctl.id = e->qid;
	e->req.sctl.cmd = AIXIPC_IPC_RMID;
	return 0;
}

static void check_rmid_undo(struct __test_metadata *_metadata,
			    struct fenv *e, int ret)
{
	int i;

	(void)ret;
	t_untrack(AIXIPC_SEM, e->qid);
	ASSERT_EQ(e->objects - 1, t_count_objects(e->fd, AIXIPC_SEM));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt - 1, read_refcnt());
	ASSERT_EQ(-EINVAL, t_semctl(e->fd, e->qid, 0, AIXIPC_GETVAL, 0));
	close(e->relfd);
	e->relfd = -1;
	for (i = 0; i < T_MAX_KIDS; i++)
		if (e->kids.pid[i] > 0)
			ASSERT_EQ(0, t_reap(&e->kids, e->kids.pid[i]))
				TH_LOG("child %d: %s", i, e->rep->why);
	ASSERT_EQ(RMID_KIDS, t_semctl(e->fd, e->witness, 0, AIXIPC_GETVAL, 0))
		TH_LOG("the children's exits did not restore the witness set");
	ASSERT_EQ(0, t_semctl(e->fd, e->witness, 0, AIXIPC_GETNCNT, 0));
}

/* ---- shared memory: helpers ------------------------------------------- */

#define SHM_MAX		SIZE_MAX	/* fault_case.len: shmmax */
#define SHM_ROOM	1024		/* pages of shmall the fillers leave */
#define SHM_BIG		(8 * 4096)	/* SHM_SIZE's segment, at most */

static size_t pgsz(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static uint64_t pg_align(uint64_t x)
{
	return (x + pgsz() - 1) / pgsz() * pgsz();
}

static int shm_new(int fd, int32_t key, uint64_t size, uint32_t flags)
{
	int id = t_shmget(fd, key, size, flags, 0600);

	if (id >= 0)
		t_track(AIXIPC_SHM, id);
	return id;
}

static int shm_remove(int fd, int id)
{
	return t_rmid_tracked(fd, AIXIPC_SHM, id);
}

static struct aixipc_shmid_ds shmstat(int fd, int id)
{
	struct aixipc_shmid_ds ds;

	if (t_shmctl(fd, id, AIXIPC_IPC_STAT, NULL, &ds))
		memset(&ds, 0xff, sizeof(ds));	/* fails every comparison */
	return ds;
}

static struct aixipc_info shminfo(int fd)
{
	struct aixipc_info in;

	if (t_info(fd, AIXIPC_SHM, &in))
		memset(&in, 0xff, sizeof(in));
	return in;
}

/* Mappings of segments ("/SYSV...") in /proc/self/maps within [lo, hi). */
static int sysv_maps(uintptr_t lo, uintptr_t hi)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;

		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && strstr(line, "/SYSV") &&
		    a >= lo && b <= hi)
			n++;
	}
	fclose(f);
	return n;
}

static int all_sysv_maps(void)
{
	return sysv_maps(0, UINTPTR_MAX);
}

static unsigned char shm_byte(uint64_t i, unsigned int seed)
{
	return (unsigned char)(i * 13 + seed + (i >> 12) * 7 + 1);
}

/*
 * Fill shmall with untouched segments (sparse: they cost no memory) up to
 * a room of SHM_ROOM pages plus the path's own segment, so that the quota
 * left can be checked exactly after each attempt.
 */
static int shm_fill_quota(struct fenv *e)
{
	uint64_t mxp = t_shmmax(&e->lim) / pgsz(), room, fill, n;
	struct aixipc_info in = shminfo(e->fd);
	int id;

	if (in.count == UINT64_MAX)
		return -EIO;
	room = SHM_ROOM + pg_align(e->seglen) / pgsz();
	if (!mxp || e->lim.shmall < in.count + room)
		return 0;	/* limits of its own: no exact check */
	/* A 32-bit program's 2 GiB segments would take thousands: the
	 * 64-bit build checks the (ABI-independent) quota. */
	if ((e->lim.shmall - in.count - room) / mxp > 64)
		return 0;
	for (fill = e->lim.shmall - in.count - room; fill; fill -= n) {
		n = fill < mxp ? fill : mxp;
		id = shm_new(e->fd, AIXIPC_KEY_PRIVATE, n * pgsz(), AIXIPC_CREAT);
		if (id < 0)
			return id;
	}
	e->quota = true;
	return 0;
}

/*
 * What is left of shmall is exactly what the segments' sizes leave:
 * segments of that many pages can be made, and not one more byte.
 */
static void shm_expect_quota(struct __test_metadata *_metadata,
			     struct fenv *e)
{
	uint64_t mxp = t_shmmax(&e->lim) / pgsz(), left, n;
	struct aixipc_info in = shminfo(e->fd);
	int ids[8], nids = 0, i, err;

	if (!e->quota)
		return;
	ASSERT_NE(UINT64_MAX, in.count);
	ASSERT_GE(e->lim.shmall, in.count);
	for (left = e->lim.shmall - in.count; left; left -= n) {
		n = left < mxp ? left : mxp;
		ASSERT_GT(8, nids);
		ids[nids] = shm_new(e->fd, AIXIPC_KEY_PRIVATE, n * pgsz(),
				    AIXIPC_CREAT);
		ASSERT_LE(0, ids[nids])
			TH_LOG("%llu pages of shmall should be free, but not %llu of them: a charge leaked",
			       (unsigned long long)(e->lim.shmall - in.count),
			       (unsigned long long)left);
		nids++;
	}
	err = t_shmget(e->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT, 0600);
	if (err >= 0)
		shm_remove(e->fd, err);
	EXPECT_EQ(-ENOSPC, err)
		TH_LOG("more of shmall is free than the segments leave: a charge was returned twice");
	for (i = 0; i < nids; i++)
		ASSERT_EQ(0, shm_remove(e->fd, ids[i]));
}

/* Drop the path's attachment and reservation, if any. */
static void shm_release(struct fenv *e)
{
	uint64_t got;

	if (e->att && t_shmdt(e->fd, e->att, &got))
		munmap(e->att, e->att_len);
	e->att = NULL;
	if (e->resv)
		munmap(e->resv, e->resv_len);
	e->resv = NULL;
}

static int shm_attach(struct fenv *e, uint32_t flags)
{
	void *p;
	int err = t_shmat(e->fd, e->qid, NULL, flags, &p, &e->att_len);

	if (!err)
		e->att = p;
	return err;
}

/* ---- shmget ----------------------------------------------------------- */

static int setup_shm(struct fenv *e)
{
	return shm_fill_quota(e);
}

/* 64 segments first, so that the new one needs a new idr node. */
static int setup_shm_grow(struct fenv *e)
{
	int i, id, err = shm_fill_quota(e);

	for (i = 0; !err && i < 64; i++) {
		id = shm_new(e->fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT);
		if (id < 0)
			err = id;
	}
	return err;
}

static int prep_shmget(struct fenv *e, int32_t key, uint32_t flags)
{
	e->cmd = AIXIPC_IOC_GET;
	memset(&e->req, 0, sizeof(e->req));
	e->req.get.kind = AIXIPC_SHM;
	e->req.get.key = key;
	e->req.get.flags = flags;
	e->req.get.mode = 0600;
	e->req.get.size = e->seglen;
	e->info = shminfo(e->fd);
	return e->info.count == UINT64_MAX ? -EIO : 0;
}

static int prep_shmget_private(struct fenv *e)
{
	return prep_shmget(e, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT);
}

/* A new segment was made: check it (empty, works), remove it. */
static void check_shm_created(struct __test_metadata *_metadata,
			      struct fenv *e, int32_t key)
{
	struct aixipc_shmid_ds ds;
	int id = e->req.get.id;
	uint64_t got;

	t_track(AIXIPC_SHM, id);
	ASSERT_EQ(e->objects + 1, t_count_objects(e->fd, AIXIPC_SHM));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt + 1, read_refcnt());
	ASSERT_EQ(e->info.count + pg_align(e->seglen) / pgsz(),
		  shminfo(e->fd).count);
	ds = shmstat(e->fd, id);
	ASSERT_EQ(key, ds.perm.key);
	ASSERT_EQ(0600U, ds.perm.mode);
	ASSERT_EQ(e->seglen, ds.segsz);
	ASSERT_EQ(0ULL, ds.nattch);
	ASSERT_EQ(0ULL, ds.rss);
	ASSERT_EQ(0U, ds.status);
	ASSERT_EQ(getpid(), ds.cpid);
	/* It works, to its last byte (if it fits this address space). */
	e->qid = id;
	if (e->seglen <= SIZE_MAX / 4) {
		ASSERT_EQ(0, shm_attach(e, 0));
		ASSERT_EQ(pg_align(e->seglen), e->att_len);
		e->att[e->seglen - 1] = 0x5a;
		ASSERT_EQ(0x5a, e->att[e->seglen - 1]);
		ASSERT_EQ(0, t_shmdt(e->fd, e->att, &got));
		e->att = NULL;
	}
	ASSERT_EQ(0, shm_remove(e->fd, id));
	e->qid = -1;
	ASSERT_EQ(e->objects, t_count_objects(e->fd, AIXIPC_SHM));
}

static void check_shmget_private(struct __test_metadata *_metadata,
				 struct fenv *e, int ret)
{
	int id;

	if (!ret) {
		check_shm_created(_metadata, e, AIXIPC_KEY_PRIVATE);
	} else {
		/* Nothing half-made, nothing charged: creation works. */
		ASSERT_EQ(e->info.count, shminfo(e->fd).count);
		id = shm_new(e->fd, AIXIPC_KEY_PRIVATE, e->seglen, AIXIPC_CREAT);
		ASSERT_LE(0, id);
		ASSERT_EQ(0, shm_remove(e->fd, id));
	}
	shm_expect_quota(_metadata, e);
}

static int setup_shm_key(struct fenv *e)
{
	e->key = test_key(4);
	if (t_shmget(e->fd, e->key, 0, 0, 0) != -ENOENT)
		return -EEXIST;
	return shm_fill_quota(e);
}

static int prep_shmget_key(struct fenv *e)
{
	return prep_shmget(e, e->key, AIXIPC_CREAT | AIXIPC_EXCL);
}

static void check_shmget_key(struct __test_metadata *_metadata,
			     struct fenv *e, int ret)
{
	int id;

	if (!ret) {
		ASSERT_EQ(e->req.get.id, t_shmget(e->fd, e->key, 0, 0, 0));
		check_shm_created(_metadata, e, e->key);
		ASSERT_EQ(-ENOENT, t_shmget(e->fd, e->key, 0, 0, 0));
	} else {
		/* The key was not taken, and can be. */
		ASSERT_EQ(-ENOENT, t_shmget(e->fd, e->key, 0, 0, 0));
		id = shm_new(e->fd, e->key, e->seglen, AIXIPC_CREAT | AIXIPC_EXCL);
		ASSERT_LE(0, id);
		ASSERT_EQ(id, t_shmget(e->fd, e->key, 0, 0, 0));
		ASSERT_EQ(0, shm_remove(e->fd, id));
		ASSERT_EQ(-ENOENT, t_shmget(e->fd, e->key, 0, 0, 0));
	}
	shm_expect_quota(_metadata, e);
}

static int setup_shm_existing_key(struct fenv *e)
{
	int err = setup_shm_key(e);

	if (err)
		return err;
	e->qid = shm_new(e->fd, e->key, e->seglen, AIXIPC_CREAT | AIXIPC_EXCL);
	return e->qid < 0 ? e->qid : 0;
}

static int prep_shmget_existing(struct fenv *e)
{
	return prep_shmget(e, e->key, AIXIPC_CREAT);
}

static void check_shmget_existing(struct __test_metadata *_metadata,
				  struct fenv *e, int ret)
{
	(void)ret;
	ASSERT_EQ(e->qid, e->req.get.id);
	ASSERT_EQ(e->objects, t_count_objects(e->fd, AIXIPC_SHM));
	ASSERT_EQ(e->seglen, shmstat(e->fd, e->qid).segsz);
	shm_expect_quota(_metadata, e);
}

/* ---- shmat: the first attach of a fresh segment ------------------------ */

static int prep_shmat(struct fenv *e, bool fixed)
{
	size_t pg = pgsz(), len = pg_align(e->seglen);

	e->qid = shm_new(e->fd, AIXIPC_KEY_PRIVATE, e->seglen, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	e->cmd = AIXIPC_IOC_SHMAT;
	memset(&e->req, 0, sizeof(e->req));
	e->req.shmat.id = e->qid;
	if (fixed) {
		/* A hole between two reserved pages. */
		e->resv_len = len + 2 * pg;
		e->resv = mmap(NULL, e->resv_len, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (e->resv == MAP_FAILED) {
			e->resv = NULL;
			return -ENOMEM;
		}
		if (munmap(e->resv + pg, len))
			return -errno;
		e->req.shmat.addr = (uintptr_t)e->resv + pg;
	}
	e->maps = all_sysv_maps();
	return e->maps < 0 ? -EIO : 0;
}

static int prep_shmat_any(struct fenv *e)
{
	return prep_shmat(e, false);
}

static int prep_shmat_fixed(struct fenv *e)
{
	return prep_shmat(e, true);
}

static void check_shmat(struct __test_metadata *_metadata, struct fenv *e,
			int ret)
{
	uintptr_t hole = e->resv ? (uintptr_t)e->resv + pgsz() : 0;
	uint64_t len = pg_align(e->seglen), got, i;
	struct aixipc_shmid_ds ds = shmstat(e->fd, e->qid);
	void *p;

	if (!ret) {
		e->att = (unsigned char *)(uintptr_t)e->req.shmat.addr;
		e->att_len = e->req.shmat.size;
		ASSERT_EQ(len, e->att_len);
		if (hole)
			ASSERT_EQ(hole, (uintptr_t)e->att);
		ASSERT_EQ(1ULL, ds.nattch);
		ASSERT_EQ(getpid(), ds.lpid);
		ASSERT_EQ(e->maps + 1, all_sysv_maps());
		if (e->refcnt >= 0)
			ASSERT_EQ(e->refcnt + 1, read_refcnt());
		for (i = 0; i < len; i += pgsz())
			e->att[i] = shm_byte(i, 1);
		for (i = 0; i < len; i += pgsz())
			ASSERT_EQ(shm_byte(i, 1), e->att[i]);
	} else {
		/* Not attached, not counted, nothing mapped. */
		ASSERT_EQ(0ULL, ds.nattch);
		ASSERT_EQ(e->maps, all_sysv_maps());
		if (hole) {
			/* The hole is still a hole. */
			p = mmap((void *)hole, len, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
				 -1, 0);
			ASSERT_EQ((void *)hole, p);
			ASSERT_EQ(0, munmap(p, len));
		}
		ASSERT_EQ(0, shm_attach(e, 0));
		ASSERT_EQ(1ULL, shmstat(e->fd, e->qid).nattch);
	}
	ASSERT_EQ(0, t_shmdt(e->fd, e->att, &got));
	e->att = NULL;
	ASSERT_EQ(len, got);
	ASSERT_EQ(0ULL, shmstat(e->fd, e->qid).nattch);
	shm_release(e);
	ASSERT_EQ(0, shm_remove(e->fd, e->qid));
	e->qid = -1;
	ASSERT_EQ(e->maps, all_sysv_maps());
	shm_expect_quota(_metadata, e);
}

/* ---- shmdt ------------------------------------------------------------ */

/*
 * An attachment of the path's segment, in @pieces pieces (mprotect of the
 * middle page); for "last", the segment is removed first, so that shmdt
 * removes it for good.
 */
static int prep_shmdt(struct fenv *e, int pieces, bool last)
{
	int err;

	if (last) {
		e->qid = shm_new(e->fd, AIXIPC_KEY_PRIVATE, e->seglen, AIXIPC_CREAT);
		if (e->qid < 0)
			return e->qid;
	}
	err = shm_attach(e, 0);
	if (err)
		return err;
	memset(e->att, 0x3c, e->att_len);
	if (pieces == 3 && mprotect(e->att + pgsz(), pgsz(), PROT_READ))
		return -errno;
	if (last && shm_remove(e->fd, e->qid))
		return -EIO;
	e->shds = shmstat(e->fd, e->qid);
	if (e->shds.nattch != (uint64_t)pieces)
		return -EPROTO;
	e->maps = all_sysv_maps();
	e->cmd = AIXIPC_IOC_SHMDT;
	memset(&e->req, 0, sizeof(e->req));
	e->req.shmdt.addr = (uintptr_t)e->att;
	return 0;
}

static int setup_shmdt(struct fenv *e)
{
	int err = shm_fill_quota(e);

	if (err)
		return err;
	e->qid = shm_new(e->fd, AIXIPC_KEY_PRIVATE, e->seglen, AIXIPC_CREAT);
	return e->qid < 0 ? e->qid : 0;
}

static int prep_shmdt_one(struct fenv *e)
{
	return prep_shmdt(e, 1, false);
}

static int prep_shmdt_three(struct fenv *e)
{
	return prep_shmdt(e, 3, false);
}

static int prep_shmdt_last(struct fenv *e)
{
	return prep_shmdt(e, 1, true);
}

static void check_shmdt(struct __test_metadata *_metadata, struct fenv *e,
			int ret)
{
	uintptr_t lo = (uintptr_t)e->att, hi = lo + e->att_len;
	bool removed = e->shds.status & AIXIPC_SHM_DEST;
	struct aixipc_shmid_ds ds;
	int left, err;
	uint64_t got;

	left = sysv_maps(lo, hi);
	ASSERT_LE(0, left);
	if (!ret) {
		ASSERT_EQ(e->att_len, e->req.shmdt.size);
		ASSERT_EQ(0, left);
		ASSERT_EQ(e->maps - (int)e->shds.nattch, all_sysv_maps());
		e->att = NULL;
		if (removed) {
			/* The last detach took the segment with it. */
			err = t_shmctl(e->fd, e->qid, AIXIPC_IPC_STAT, NULL, &ds);
			ASSERT_EQ(-EINVAL, err);
			t_untrack(AIXIPC_SHM, e->qid);
			e->qid = -1;
			if (e->refcnt >= 0)
				ASSERT_EQ(e->refcnt - 2, read_refcnt());
			ASSERT_EQ(e->objects - 1, t_count_objects(e->fd,
								  AIXIPC_SHM));
		} else {
			ASSERT_EQ(0ULL, shmstat(e->fd, e->qid).nattch);
			/* One attach file pins the module, however many pieces. */
			if (e->refcnt >= 0)
				ASSERT_EQ(e->refcnt - 1, read_refcnt());
		}
		shm_expect_quota(_metadata, e);
		return;
	}
	/*
	 * Failed: what is left is still attached, and counted as such; a
	 * removed segment lives on.  Then it goes.
	 */
	ds = shmstat(e->fd, e->qid);
	ASSERT_EQ((uint64_t)left, ds.nattch)
		TH_LOG("shmdt failed with %d pieces mapped, nattch %llu", left,
		       (unsigned long long)ds.nattch);
	ASSERT_EQ(e->shds.status, ds.status);
	if (left == (int)e->shds.nattch) {
		ASSERT_EQ(0x3c, e->att[0]);
		ASSERT_EQ(0, t_shmdt(e->fd, e->att, &got));
	} else {
		TH_LOG("shmdt failed after unmapping %d of %llu pieces",
		       (int)e->shds.nattch - left,
		       (unsigned long long)e->shds.nattch);
		ASSERT_EQ(0, munmap(e->att, e->att_len));
	}
	e->att = NULL;
	if (removed) {
		ASSERT_EQ(-EINVAL, t_shmctl(e->fd, e->qid, AIXIPC_IPC_STAT, NULL, &ds));
		t_untrack(AIXIPC_SHM, e->qid);
		e->qid = -1;
	} else {
		ASSERT_EQ(0ULL, shmstat(e->fd, e->qid).nattch);
	}
	shm_expect_quota(_metadata, e);
}

/* ---- SHM_SIZE --------------------------------------------------------- */

/*
 * A segment of up to SHM_BIG bytes, attached at that length for good.
 * Each attempt: the size set to size0, its bytes a pattern; then
 * SHM_SIZE to size1.
 */
static int setup_shm_size(struct fenv *e)
{
	int err = shm_fill_quota(e);

	if (err)
		return err;
	e->qid = shm_new(e->fd, AIXIPC_KEY_PRIVATE, SHM_BIG, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	return shm_attach(e, 0);
}

static unsigned int shm_size_seed;

static int prep_shm_size(struct fenv *e, uint64_t from, uint64_t to)
{
	uint64_t v = from, i;
	int err = t_shmctl(e->fd, e->qid, AIXIPC_SHM_SIZE, &v, NULL);

	if (err)
		return err;
	shm_size_seed++;
	for (i = 0; i < from; i++)
		e->att[i] = shm_byte(i, shm_size_seed);
	e->size0 = from;
	e->size1 = to;
	e->shds = shmstat(e->fd, e->qid);
	if (e->shds.segsz != from)
		return -EPROTO;
	e->cmd = AIXIPC_IOC_SHMCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.shmctl.id = e->qid;
	e->req.shmctl.cmd = AIXIPC_SHM_SIZE;
	e->req.shmctl.value = to;
	return 0;
}

static int prep_shm_grow(struct fenv *e)
{
	return prep_shm_size(e, 2 * pgsz() + 100, 7 * pgsz() + 50);
}

static int prep_shm_shrink(struct fenv *e)
{
	return prep_shm_size(e, 7 * pgsz() + 50, 2 * pgsz() + 100);
}

static void check_shm_size(struct __test_metadata *_metadata, struct fenv *e,
			   int ret)
{
	struct aixipc_shmid_ds ds = shmstat(e->fd, e->qid);
	uint64_t size = ret ? e->size0 : e->size1, keep, i;

	keep = e->size0 < size ? e->size0 : size;
	ASSERT_EQ(size, ds.segsz);
	ASSERT_EQ(e->shds.nattch, ds.nattch);
	/* In memory: the pages written, within the size (nothing read yet). */
	ASSERT_EQ(pg_align(keep) / pgsz(), ds.rss);
	for (i = 0; i < keep; i++)
		if (e->att[i] != shm_byte(i, shm_size_seed))
			ASSERT_EQ(shm_byte(i, shm_size_seed), e->att[i])
				TH_LOG("byte %llu of %llu kept", (unsigned long long)i,
				       (unsigned long long)keep);
	/* Past what was kept, within the size: zero. */
	for (i = keep; i < pg_align(size) && i < SHM_BIG; i++)
		if (e->att[i])
			ASSERT_EQ(0, e->att[i])
				TH_LOG("byte %llu of a segment of %llu bytes, %llu of them kept",
				       (unsigned long long)i,
				       (unsigned long long)size,
				       (unsigned long long)keep);
	shm_expect_quota(_metadata, e);
}

/* ---- SHM_LOCK, SHM_UNLOCK --------------------------------------------- */

static int setup_shm_lock(struct fenv *e)
{
	int err = setup_shm_size(e);
	uint64_t v = 3 * pgsz(), i;

	if (err)
		return err;
	err = t_shmctl(e->fd, e->qid, AIXIPC_SHM_SIZE, &v, NULL);
	for (i = 0; !err && i < v; i++)
		e->att[i] = shm_byte(i, 77);
	return err;
}

static int prep_shm_lock(struct fenv *e, bool lock)
{
	int err = t_shmctl(e->fd, e->qid, lock ? AIXIPC_SHM_UNLOCK : AIXIPC_SHM_LOCK,
			   NULL, NULL);

	if (err)
		return err;
	e->shds = shmstat(e->fd, e->qid);
	e->cmd = AIXIPC_IOC_SHMCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.shmctl.id = e->qid;
	e->req.shmctl.cmd = lock ? AIXIPC_SHM_LOCK : AIXIPC_SHM_UNLOCK;
	return 0;
}

static int prep_shm_do_lock(struct fenv *e)
{
	return prep_shm_lock(e, true);
}

static int prep_shm_do_unlock(struct fenv *e)
{
	return prep_shm_lock(e, false);
}

static void check_shm_lock(struct __test_metadata *_metadata, struct fenv *e,
			   int ret)
{
	struct aixipc_shmid_ds ds = shmstat(e->fd, e->qid);
	bool lock = e->req.shmctl.cmd == AIXIPC_SHM_LOCK;
	uint64_t i;

	ASSERT_EQ(ret ? e->shds.status : lock ? (uint32_t)AIXIPC_SHM_LOCKED : 0U,
		  ds.status);
	ASSERT_EQ(3ULL, ds.rss);
	ASSERT_EQ(3 * pgsz(), ds.segsz);
	for (i = 0; i < 3 * pgsz(); i++)
		if (e->att[i] != shm_byte(i, 77))
			ASSERT_EQ(shm_byte(i, 77), e->att[i]);
}

/* ---- IPC_RMID, IPC_STAT, AIXIPC_IOC_INFO ------------------------------- */

static int prep_shm_rmid(struct fenv *e)
{
	uint64_t i;
	int err;

	e->qid = shm_new(e->fd, AIXIPC_KEY_PRIVATE, e->seglen, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	err = shm_attach(e, 0);
	for (i = 0; !err && i < e->att_len; i += pgsz())
		e->att[i] = 1;
	if (!err)
		err = t_shmdt(e->fd, e->att, &i);
	e->att = NULL;
	e->cmd = AIXIPC_IOC_SHMCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.shmctl.id = e->qid;
	e->req.shmctl.cmd = AIXIPC_IPC_RMID;
	return err;
}

static void check_shm_rmid(struct __test_metadata *_metadata, struct fenv *e,
			   int ret)
{
	(void)ret;
	t_untrack(AIXIPC_SHM, e->qid);
	ASSERT_EQ(e->objects - 1, t_count_objects(e->fd, AIXIPC_SHM));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt - 1, read_refcnt());
	ASSERT_EQ(-EINVAL, t_shmctl(e->fd, e->qid, AIXIPC_IPC_STAT, NULL, NULL));
	e->qid = -1;
	shm_expect_quota(_metadata, e);
}

static int prep_shm_stat(struct fenv *e)
{
	e->cmd = AIXIPC_IOC_SHMCTL;
	memset(&e->req, 0, sizeof(e->req));
	e->req.shmctl.id = e->qid;
	e->req.shmctl.cmd = AIXIPC_IPC_STAT;
	return 0;
}

static void check_shm_stat(struct __test_metadata *_metadata, struct fenv *e,
			   int ret)
{
	(void)ret;
	ASSERT_EQ(3 * pgsz(), e->req.shmctl.ds.segsz);
	ASSERT_EQ(1ULL, e->req.shmctl.ds.nattch);
	ASSERT_EQ(3ULL, e->req.shmctl.ds.rss);
}

static int prep_shm_info(struct fenv *e)
{
	e->cmd = AIXIPC_IOC_INFO;
	memset(&e->req, 0, sizeof(e->req));
	e->req.info.kind = AIXIPC_SHM;
	e->info = shminfo(e->fd);
	return 0;
}

static void check_shm_info(struct __test_metadata *_metadata, struct fenv *e,
			   int ret)
{
	(void)ret;
	ASSERT_EQ(e->info.in_use, e->req.info.in_use);
	ASSERT_EQ(e->info.count, e->req.info.count);
	ASSERT_EQ(e->info.rss, e->req.info.rss);
	ASSERT_LE(1ULL, e->req.info.in_use);
}

/* ---- the semaphore fast path: AIXIPC_IOC_SEMMAP ------------------------ */

/* What libaixipc asks for: writable, following the SEM_UNDO rules. */
#define SEMMAP_RW	(AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO)
/* How an area's mapping shows in /proc/self/maps: sem_fast.c's file name. */
#define AREA_NAME	"[aixipc-sem]"

/*
 * Mappings of semaphore areas in /proc/self/maps within [lo, hi); with
 * @perms, only those with these permissions ("r--s").
 */
static int area_maps(uintptr_t lo, uintptr_t hi, const char *perms)
{
	char line[512], p[8];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long a, b;

		if (sscanf(line, "%lx-%lx %7s", &a, &b, p) == 3 &&
		    strstr(line, AREA_NAME) && a >= lo && b <= hi &&
		    (!perms || !strcmp(p, perms)))
			n++;
	}
	fclose(f);
	return n;
}

static int all_area_maps(void)
{
	return area_maps(0, UINTPTR_MAX, NULL);
}

/* A set's area: the meta page, then its words, to a page boundary. */
static uint64_t area_size(const struct fenv *e)
{
	return AIXIPC_SEM_WORDS_OFFSET + pg_align(e->nsems * sizeof(uint64_t));
}

static uint64_t *area_words(const struct aixipc_semmap *m)
{
	return (uint64_t *)(uintptr_t)(m->addr + AIXIPC_SEM_WORDS_OFFSET);
}

/* SEMMAP of the path's set, with no injection.  0 or -errno. */
static int semmap(struct fenv *e, uint32_t flags, struct aixipc_semmap *m)
{
	memset(m, 0, sizeof(*m));
	m->id = e->qid;
	m->flags = flags;
	return aixipc_ioctl(e->fd, AIXIPC_IOC_SEMMAP, m);
}

static int semunmap(struct aixipc_semmap *m)
{
	int err = munmap((void *)(uintptr_t)m->addr, (size_t)m->size);

	memset(m, 0, sizeof(*m));
	return err ? -errno : 0;
}

/* Drop the path's kept mapping, if any. */
static void semmap_release(struct fenv *e)
{
	if (e->smap0.addr)
		semunmap(&e->smap0);
}

static int setup_semmap(struct fenv *e)
{
	/* semmap_values() leaves room for a +1 under semvmx. */
	if (e->lim.semvmx < 256)
		return -ERANGE;
	return sem_buffers(e);
}

static unsigned int semmap_seed;

/*
 * Values different for each attempt, set by SETALL (which takes every
 * word for the kernel); e->vals2 then follows the set's values.
 */
static int semmap_values(struct fenv *e)
{
	uint64_t i;

	semmap_seed++;
	for (i = 0; i < e->nsems; i++)
		e->vals2[i] = (uint16_t)(1 + (i * 7 + semmap_seed * 3) % 200);
	return t_semarray(e->fd, e->qid, AIXIPC_SETALL, e->vals2);
}

/* The request, and the area mappings there are before it. */
static int semmap_request(struct fenv *e, uint32_t flags)
{
	e->cmd = AIXIPC_IOC_SEMMAP;
	memset(&e->req, 0, sizeof(e->req));
	e->req.smap.id = e->qid;
	e->req.smap.flags = flags;
	e->areas = all_area_maps();
	return e->areas < 0 ? -EIO : 0;
}

/*
 * @m is what a SEMMAP with @flags gave, made while @areas area mappings
 * existed: exact, and its mapping the one new one, with the permissions
 * asked, the meta page filled.
 */
static void expect_semmap(struct __test_metadata *_metadata, struct fenv *e,
			  const struct aixipc_semmap *m, uint32_t flags,
			  int areas)
{
	const volatile struct aixipc_sem_meta *meta =
		(const volatile struct aixipc_sem_meta *)(uintptr_t)m->addr;
	uintptr_t lo = (uintptr_t)m->addr;
	bool wr = flags & AIXIPC_SEMMAP_WRITE;

	ASSERT_NE(0ULL, m->addr);
	ASSERT_EQ(0ULL, m->addr % pgsz());
	ASSERT_EQ(area_size(e), m->size);
	ASSERT_EQ(e->nsems, (uint64_t)m->nsems);
	/* The kernel's ticket is nobody's; a holder's is never given. */
	ASSERT_LT((uint32_t)AIXIPC_SEM_TICKET_KERNEL, m->ticket);
	ASSERT_EQ(0U, m->ticket & AIXIPC_SEM_TICKET_HOLD);
	ASSERT_EQ(areas + 1, all_area_maps());
	ASSERT_EQ(1, area_maps(lo, lo + (uintptr_t)m->size,
			       wr ? "rw-s" : "r--s"))
		TH_LOG("%#llx: not one %s mapping of the area",
		       (unsigned long long)m->addr,
		       wr ? "writable" : "read-only");
	ASSERT_EQ(AIXIPC_SEM_LIVE, meta->live);
	ASSERT_EQ(e->nsems, (uint64_t)meta->nsems);
	ASSERT_EQ(e->lim.semvmx, (uint64_t)meta->semvmx);
	ASSERT_EQ(e->lim.semaem, (uint64_t)meta->semaem);
}

/*
 * The words of mapping @m show the values @want, with the kernel's ticket
 * and no adjustment (nobody operated through a mapping), and are all the
 * kernel's but word @back, which a semop gave back to user space (-1:
 * none).
 */
static void expect_words(struct __test_metadata *_metadata, struct fenv *e,
			 const struct aixipc_semmap *m, const uint16_t *want,
			 int back)
{
	uint64_t i, w, exp;

	for (i = 0; i < e->nsems; i++) {
		w = __atomic_load_n(&area_words(m)[i], __ATOMIC_ACQUIRE);
		exp = (uint64_t)AIXIPC_SEM_TICKET_KERNEL <<
		      AIXIPC_SEMW_TICKET_SHIFT | want[i];
		if (i != (uint64_t)(int64_t)back)
			exp |= AIXIPC_SEMW_KERNEL;
		ASSERT_EQ(exp, w)
			TH_LOG("word %llu of the mapping at %#llx: %#llx, want %#llx",
			       (unsigned long long)i,
			       (unsigned long long)m->addr,
			       (unsigned long long)w, (unsigned long long)exp);
	}
}

/* A failed SEMMAP: the request as it was, no mapping of an area more. */
static void expect_semmap_failed(struct __test_metadata *_metadata,
				 struct fenv *e)
{
	ASSERT_EQ(0ULL, e->req.smap.addr);
	ASSERT_EQ(0ULL, e->req.smap.size);
	ASSERT_EQ(0U, e->req.smap.nsems);
	ASSERT_EQ(0U, e->req.smap.ticket);
	ASSERT_EQ(e->areas, all_area_maps())
		TH_LOG("a failed SEMMAP left a mapping of the area");
}

/*
 * After a failed SEMMAP: the set works through the kernel (a semop on its
 * last semaphore, then every value), and the same SEMMAP now succeeds,
 * its words showing the values (the GETALL took them all for the
 * kernel).  Its mapping goes again; *ticket is the ticket it gave.
 */
static void expect_semmap_later(struct __test_metadata *_metadata,
				struct fenv *e, uint32_t *ticket)
{
	unsigned int last = (unsigned int)e->nsems - 1;
	uint32_t flags = e->req.smap.flags;
	struct aixipc_semmap m;
	int areas = all_area_maps();

	ASSERT_EQ(0, t_semop1(e->fd, e->qid, last, 1, AIXIPC_SEM_NOWAIT));
	e->vals2[last]++;
	ASSERT_TRUE(sem_values_are(e, e->vals2))
		TH_LOG("after a failed SEMMAP and a semop: wrong values");
	ASSERT_EQ(getpid(), t_semctl(e->fd, e->qid, last, AIXIPC_GETPID, 0));
	ASSERT_EQ(0, semmap(e, flags, &m))
		TH_LOG("SEMMAP after a failed one");
	expect_semmap(_metadata, e, &m, flags, areas);
	expect_words(_metadata, e, &m, e->vals2, -1);
	*ticket = m.ticket;
	ASSERT_EQ(0, semunmap(&m));
	ASSERT_EQ(areas, all_area_maps());
}

/*
 * The first SEMMAP of a set, writable: each attempt a fresh set, its
 * values set, no area yet.
 */
static int prep_semmap_first(struct fenv *e)
{
	int err;

	e->qid = new_set(e->fd, AIXIPC_KEY_PRIVATE, e->nsems, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	err = semmap_values(e);
	return err ? err : semmap_request(e, SEMMAP_RW);
}

static void check_semmap_first(struct __test_metadata *_metadata,
			       struct fenv *e, int ret)
{
	struct aixipc_semmap *m = &e->req.smap;
	struct aixipc_semmap again;
	uint32_t ticket;

	if (!ret) {
		/* A new area: its file holds the module. */
		if (e->refcnt >= 0)
			ASSERT_EQ(e->refcnt + 1, read_refcnt());
		expect_semmap(_metadata, e, m, SEMMAP_RW, e->areas);
		/* Fresh: every word the kernel's, mirroring its value. */
		expect_words(_metadata, e, m, e->vals2, -1);
		/*
		 * The mapping is the set's live area: a semop through the
		 * kernel shows, and gives the word back.
		 */
		ASSERT_EQ(0, t_semop1(e->fd, e->qid, 0, 1, AIXIPC_SEM_NOWAIT));
		e->vals2[0]++;
		expect_words(_metadata, e, m, e->vals2, 0);
		/* The ticket is the process's: a map again gives it again. */
		ASSERT_EQ(0, semmap(e, 0, &again));
		ASSERT_EQ(m->ticket, again.ticket)
			TH_LOG("the ticket given was not recorded");
		ASSERT_EQ(0, semunmap(&again));
		ASSERT_EQ(0, semunmap(m));
		ASSERT_EQ(e->areas, all_area_maps());
	} else {
		expect_semmap_failed(_metadata, e);
		expect_semmap_later(_metadata, e, &ticket);
		/* One area: the one a failed call left, if any, was used. */
		if (e->refcnt >= 0)
			ASSERT_EQ(e->refcnt + 1, read_refcnt())
				TH_LOG("the failed call %s the area: %ld module references with the set mapped, want %ld",
				       e->area_kept ? "left" : "did not leave",
				       read_refcnt(), e->refcnt + 1);
	}
	/* IPC_RMID frees the set and its area, whatever happened before. */
	ASSERT_EQ(0, remove_set(e->fd, e->qid));
	e->qid = -1;
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt - 1, read_refcnt())
			TH_LOG("a module reference outlived the set and its area");
}

/*
 * The first SEMMAP of an area another process made, by a process that
 * has no ticket for it yet.  Each attempt: a fresh set, its values set,
 * which a child maps (writable: the area is made) and operates on
 * through the kernel (semaphore 0 +1, which stamps the child's pid and
 * gives the word back to user space) before it exits.  The area stays
 * the set's.
 */
static int prep_semmap_other(struct fenv *e)
{
	struct aixipc_semmap m;
	pid_t pid;
	int err;

	e->qid = new_set(e->fd, AIXIPC_KEY_PRIVATE, e->nsems, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	err = semmap_values(e);
	if (err)
		return err;
	memset(e->rep, 0, sizeof(*e->rep));
	pid = t_spawn(&e->kids);
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		err = semmap(e, SEMMAP_RW, &m);
		if (err)
			kid_fail(e, 2, "SEMMAP: %s", strerror(-err));
		err = t_semop1(e->fd, e->qid, 0, 1, AIXIPC_SEM_NOWAIT);
		if (err)
			kid_fail(e, 3, "semop: %s", strerror(-err));
		_exit(0);
	}
	if (t_reap(&e->kids, pid)) {
		fprintf(stderr, "# the child that maps the set first: %s\n",
			e->rep->why);
		return -EPROTO;
	}
	e->vals2[0]++;
	e->mapper = pid;
	return semmap_request(e, SEMMAP_RW);
}

static void check_semmap_other(struct __test_metadata *_metadata,
			       struct fenv *e, int ret)
{
	struct aixipc_semmap *m = &e->req.smap;
	uint64_t old, new;
	uint32_t ticket;

	/* The area was the set's already; a mapping holds no reference. */
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt, read_refcnt());
	if (!ret) {
		expect_semmap(_metadata, e, m, SEMMAP_RW, e->areas);
		expect_words(_metadata, e, m, e->vals2, 0);
		/*
		 * The ticket is this process's: a compare-and-swap with it
		 * is an operation (+1) on semaphore 0, which the kernel
		 * imports stamped with this process's pid; the child's was
		 * there before, so only the ticket can tell.
		 */
		old = (uint64_t)AIXIPC_SEM_TICKET_KERNEL <<
		      AIXIPC_SEMW_TICKET_SHIFT | e->vals2[0];
		new = (uint64_t)m->ticket << AIXIPC_SEMW_TICKET_SHIFT |
		      (uint64_t)(e->vals2[0] + 1U);
		ASSERT_TRUE(__atomic_compare_exchange_n(&area_words(m)[0], &old,
							new, false,
							__ATOMIC_SEQ_CST,
							__ATOMIC_SEQ_CST))
			TH_LOG("word 0 changed under the test: %#llx",
			       (unsigned long long)old);
		e->vals2[0]++;
		ASSERT_EQ(e->vals2[0], t_semctl(e->fd, e->qid, 0,
						AIXIPC_GETVAL, 0));
		ASSERT_EQ(getpid(),
			  t_semctl(e->fd, e->qid, 0, AIXIPC_GETPID, 0))
			TH_LOG("the ticket SEMMAP gave (%#x) does not name this process",
			       m->ticket);
		ASSERT_EQ(0, semunmap(m));
		ASSERT_EQ(e->areas, all_area_maps());
	} else {
		expect_semmap_failed(_metadata, e);
		/* Nothing stamped: the child's semop is the last one. */
		ASSERT_EQ(e->mapper,
			  t_semctl(e->fd, e->qid, 0, AIXIPC_GETPID, 0));
		expect_semmap_later(_metadata, e, &ticket);
		if (e->refcnt >= 0)
			ASSERT_EQ(e->refcnt, read_refcnt());
	}
	ASSERT_EQ(0, remove_set(e->fd, e->qid));
	e->qid = -1;
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt - 2, read_refcnt())
			TH_LOG("a module reference outlived the set and its area");
}

/*
 * A second mapping, read-only, by a process that has the set mapped
 * (writable, kept): its ticket and the area exist, only the mapping is
 * new.  Each attempt starts from values set anew.
 */
static int setup_semmap_again(struct fenv *e)
{
	int err = setup_semmap(e);

	if (err)
		return err;
	e->qid = new_set(e->fd, AIXIPC_KEY_PRIVATE, e->nsems, AIXIPC_CREAT);
	if (e->qid < 0)
		return e->qid;
	return semmap(e, SEMMAP_RW, &e->smap0);
}

static int prep_semmap_again(struct fenv *e)
{
	int err = semmap_values(e);

	return err ? err : semmap_request(e, 0);
}

static void check_semmap_again(struct __test_metadata *_metadata,
			       struct fenv *e, int ret)
{
	struct aixipc_semmap *m = &e->req.smap;
	uintptr_t lo0 = (uintptr_t)e->smap0.addr;
	uint32_t ticket;

	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt, read_refcnt());
	if (!ret) {
		expect_semmap(_metadata, e, m, 0, e->areas);
		/* The process's ticket, as its first mapping gave it. */
		ASSERT_EQ(e->smap0.ticket, m->ticket);
		expect_words(_metadata, e, m, e->vals2, -1);
		/* The first mapping's words: a semop shows in both. */
		ASSERT_EQ(0, t_semop1(e->fd, e->qid, 0, 1, AIXIPC_SEM_NOWAIT));
		e->vals2[0]++;
		expect_words(_metadata, e, m, e->vals2, 0);
		expect_words(_metadata, e, &e->smap0, e->vals2, 0);
		ASSERT_EQ(0, semunmap(m));
		ASSERT_EQ(e->areas, all_area_maps());
	} else {
		expect_semmap_failed(_metadata, e);
		expect_semmap_later(_metadata, e, &ticket);
		ASSERT_EQ(e->smap0.ticket, ticket);
		expect_words(_metadata, e, &e->smap0, e->vals2, -1);
	}
	/* The first mapping is as it was. */
	ASSERT_EQ(1, area_maps(lo0, lo0 + (uintptr_t)e->smap0.size, "rw-s"));
	if (e->refcnt >= 0)
		ASSERT_EQ(e->refcnt, read_refcnt());
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
	self->e.witness = -1;
	self->e.relfd = -1;
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
	if (variant->c->kind == AIXIPC_SEM && !(v.features & AIXIPC_FEATURE_SEM))
		SKIP(return, "the module has no semaphores");
	if (variant->c->kind == AIXIPC_SHM && !(v.features & AIXIPC_FEATURE_SHM))
		SKIP(return, "the module has no shared memory");
	if ((v.features & variant->c->needs) != variant->c->needs)
		SKIP(return, "the module lacks features %#llx of this path",
		     (unsigned long long)(variant->c->needs & ~v.features));

	self->knobs_set = true;
	for (i = 0; i < NKNOBS; i++) {
		snprintf(path, sizeof(path), FAILSLAB "%s", knobs[i].name);
		ASSERT_EQ(0, t_write_file(path, knobs[i].want))
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
	kill_kids(&self->e);
	shm_release(&self->e);
	semmap_release(&self->e);
	if (self->e.fd >= 0) {
		t_remove_tracked(self->e.fd);
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
	unsigned int n, failed = 0, absorbed = 0, tried = 0, alt = 0, kept = 0;
	long left, refcnt;
	int ret;

	if (_metadata->skip)
		return;
	e->len = c->len;
	if (c->kind == AIXIPC_SHM) {
		/* A segment's size; SHM_MAX stands for shmmax. */
		e->seglen = c->len == SHM_MAX || c->len > t_shmmax(&e->lim) ?
			    t_shmmax(&e->lim) : c->len;
	} else {
		if (e->len > e->lim.msgmax)
			e->len = e->lim.msgmax;
		if (e->len > e->lim.msgmnb)
			e->len = e->lim.msgmnb;
	}
	e->nsems = c->nsems < e->lim.semmsl ? c->nsems : e->lim.semmsl;
	e->nsops = c->nsops < e->lim.semopm ? c->nsops
					    : (unsigned int)e->lim.semopm;
	if (c->setup)
		ASSERT_EQ(0, c->setup(e));

	/*
	 * Every point of short paths; past the first 64, a stride: a 4 MiB
	 * message repeats the same page-sized allocation a thousand times.
	 */
	for (n = 1;; n += n < 64 ? 1 : 37) {
		tried++;
		ASSERT_GT(MAX_POINTS, n)
			TH_LOG("%s: still failing after %u injections", c->path,
			       n);
		ASSERT_EQ(0, c->prepare(e))
			TH_LOG("%s: cannot prepare attempt %u", c->path, n);
		e->objects = t_count_objects(e->fd, c->kind);
		ASSERT_LE(0, e->objects);
		e->refcnt = read_refcnt();
		e->area_kept = false;

		ret = c->inject ? c->inject(e, n, &left)
				: injected_ioctl(self->nth, e, n, &left);
		ASSERT_LE(0, left)
			TH_LOG("cannot read back %s", FAIL_NTH);

		if (ret) {
			ASSERT_EQ(0, left)
				TH_LOG("%s failed (%s) with no fault injected (point %u)",
				       c->path, strerror(-ret), n);
			ASSERT_TRUE(c->allocates)
				TH_LOG("%s allocates nothing that may fail, yet failed (%s) at point %u",
				       c->path, strerror(-ret), n);
			if (c->alt_errno && ret == -c->alt_errno)
				alt++;
			else
				ASSERT_EQ(-ENOMEM, ret)
					TH_LOG("%s at point %u: %s, not ENOMEM",
					       c->path, n, strerror(-ret));
			/* Nothing created, nothing pinned. */
			ASSERT_EQ(e->objects, t_count_objects(e->fd, c->kind))
				TH_LOG("%s at point %u: object count changed",
				       c->path, n);
			if (c->kind == AIXIPC_SHM && e->refcnt >= 0 &&
			    e->refcnt != read_refcnt())
				TH_LOG("%s at point %u: the failed call changed the mappings of segments: %d in /proc/self/maps, %d before",
				       c->path, n, all_sysv_maps(), e->maps);
			refcnt = read_refcnt();
			e->area_kept = c->area_may_stay && e->refcnt >= 0 &&
				       refcnt == e->refcnt + 1;
			kept += e->area_kept;
			if (e->refcnt >= 0 && !e->area_kept)
				ASSERT_EQ(e->refcnt, refcnt)
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
	TH_LOG("%s: %u injection points tried: %u failed the call with ENOMEM, %u absorbed by a fallback",
	       c->path, tried - 1, failed - alt, absorbed);
	if (alt)
		TH_LOG("%s: %u failed it with %s instead", c->path, alt,
		       strerror(c->alt_errno));
	if (kept)
		TH_LOG("%s: %u failed calls left the new area to the set (freed at IPC_RMID)",
		       c->path, kept);
	if (c->allocates)
		EXPECT_LT(0U, tried - 1)
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

/* Semaphores. */

#define SEMGET_CASE(name_, nsems_)					\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_SEM, .nsems = (nsems_),	\
		.allocates = true, .setup = setup_sem,			\
		.prepare = prep_semget_private,				\
		.check = check_semget_private,				\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

/* Up to 16 operations the copy is on the stack: nothing may fail. */
#define SEMOP_CASE(name_, nsems_, nsops_)				\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_SEM, .nsems = (nsems_),	\
		.nsops = (nsops_), .allocates = (nsops_) > 16,		\
		.setup = setup_semop, .prepare = prep_semop,		\
		.check = check_semop,					\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

#define SEMUNDO_CASE(name_, nsems_, inject_)				\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_SEM, .nsems = (nsems_),	\
		.nsops = 2, .allocates = true,				\
		.setup = setup_semop_undo, .prepare = prep_semop_undo,	\
		.check = check_semop_undo, .inject = (inject_),		\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

#define SEMARRAY_CASE(name_, nsems_, prep_, check_)			\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_SEM, .nsems = (nsems_),	\
		.allocates = true, .setup = setup_semarray,		\
		.prepare = (prep_), .check = (check_),			\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

SEMGET_CASE(semget_private, 8);
SEMGET_CASE(semget_private_65535_sems, 65535);

static const struct fault_case case_semget_key = {
	.path = "semget_key", .kind = AIXIPC_SEM, .nsems = 8,
	.allocates = true, .setup = setup_sem_key, .prepare = prep_semget_key,
	.check = check_semget_key,
};
FIXTURE_VARIANT_ADD(fault, semget_key) { .c = &case_semget_key };

static const struct fault_case case_semget_existing_key = {
	.path = "semget_existing_key", .kind = AIXIPC_SEM, .nsems = 8,
	.allocates = false, .setup = setup_sem_existing_key,
	.prepare = prep_semget_existing, .check = check_semget_existing,
};
FIXTURE_VARIANT_ADD(fault, semget_existing_key) {
	.c = &case_semget_existing_key
};

SEMOP_CASE(semop_1_op, 4, 1);
SEMOP_CASE(semop_16_ops, 4, 16);
SEMOP_CASE(semop_17_ops, 4, 17);
SEMOP_CASE(semop_1024_ops, 16, 1024);

/* A process's first SEM_UNDO call: its list and the set's record. */
SEMUNDO_CASE(semop_undo_first_use, 2, inject_undo_cold);
SEMUNDO_CASE(semop_undo_first_use_65535_sems, 65535, inject_undo_cold);
/* Its list exists (another set): only the set's record. */
SEMUNDO_CASE(semop_undo_first_on_this_set, 2, inject_undo_warm);
/* Of 8 KiB: kvmalloc falls back on vmalloc, which absorbs the faults. */
SEMUNDO_CASE(semop_undo_first_on_this_set_4000_sems, 4000, inject_undo_warm);

SEMARRAY_CASE(semctl_getall_small, 8, prep_getall, check_getall);
SEMARRAY_CASE(semctl_getall_4000, 4000, prep_getall, check_getall);
SEMARRAY_CASE(semctl_getall_65535, 65535, prep_getall, check_getall);
SEMARRAY_CASE(semctl_setall_small, 8, prep_setall, check_setall);
SEMARRAY_CASE(semctl_setall_4000, 4000, prep_setall, check_setall);
SEMARRAY_CASE(semctl_setall_65535, 65535, prep_setall, check_setall);

static const struct fault_case case_semctl_rmid_with_undo_records = {
	.path = "semctl_rmid_with_undo_records", .kind = AIXIPC_SEM,
	.allocates = false, .setup = setup_rmid_undo,
	.prepare = prep_rmid_undo, .check = check_rmid_undo,
};
FIXTURE_VARIANT_ADD(fault, semctl_rmid_with_undo_records) {
	.c = &case_semctl_rmid_with_undo_records
};

/*
 * The semaphore fast path's SEMMAP.  The first map makes the area's pseudo
 * file, whose failed inode allocation (ENOSPC from shmem) the module
 * reports as ENOMEM, as every other failed allocation of the call.
 */
#define SEMMAP_NEEDS	(AIXIPC_FEATURE_SEM_FAST | AIXIPC_FEATURE_SEM_FAST_UNDO)

static const struct fault_case case_semmap_first = {
	.path = "semmap_first", .kind = AIXIPC_SEM, .nsems = 8,
	.allocates = true, .needs = SEMMAP_NEEDS,
	.area_may_stay = true, .setup = setup_semmap,
	.prepare = prep_semmap_first, .check = check_semmap_first,
};
FIXTURE_VARIANT_ADD(fault, semmap_first) { .c = &case_semmap_first };

static const struct fault_case case_semmap_area_of_another_process = {
	.path = "semmap_area_of_another_process", .kind = AIXIPC_SEM,
	.nsems = 8, .allocates = true, .needs = SEMMAP_NEEDS,
	.setup = setup_semmap, .prepare = prep_semmap_other,
	.check = check_semmap_other,
};
FIXTURE_VARIANT_ADD(fault, semmap_area_of_another_process) {
	.c = &case_semmap_area_of_another_process
};

static const struct fault_case case_semmap_again_read_only = {
	.path = "semmap_again_read_only", .kind = AIXIPC_SEM, .nsems = 8,
	.allocates = true, .needs = SEMMAP_NEEDS,
	.setup = setup_semmap_again, .prepare = prep_semmap_again,
	.check = check_semmap_again,
};
FIXTURE_VARIANT_ADD(fault, semmap_again_read_only) {
	.c = &case_semmap_again_read_only
};

/* Shared memory. */

#define SHM_CASE(name_, len_, alloc_, setup_, prep_, check_)		\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_SHM, .len = (len_),	\
		.allocates = (alloc_), .setup = (setup_),		\
		.prepare = (prep_), .check = (check_),			\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

/* shmget: a failed inode allocation comes back as ENOSPC. */
#define SHMGET_CASE(name_, len_, setup_, prep_, check_)			\
	static const struct fault_case case_##name_ = {			\
		.path = #name_, .kind = AIXIPC_SHM, .len = (len_),	\
		.allocates = true, .alt_errno = ENOSPC,			\
		.setup = (setup_), .prepare = (prep_),			\
		.check = (check_),					\
	};								\
	FIXTURE_VARIANT_ADD(fault, name_) { .c = &case_##name_ }

SHMGET_CASE(shmget_private, 3 * 4096 + 5, setup_shm, prep_shmget_private,
	    check_shmget_private);
SHMGET_CASE(shmget_private_shmmax, SHM_MAX, setup_shm, prep_shmget_private,
	    check_shmget_private);
SHMGET_CASE(shmget_private_new_idr_node, 4096, setup_shm_grow,
	    prep_shmget_private, check_shmget_private);
SHMGET_CASE(shmget_key, 2 * 4096, setup_shm_key, prep_shmget_key,
	    check_shmget_key);
SHM_CASE(shmget_existing_key, 2 * 4096, false, setup_shm_existing_key,
	 prep_shmget_existing, check_shmget_existing);
SHM_CASE(shmat_first, 2 * 4096 + 100, true, setup_shm, prep_shmat_any,
	 check_shmat);
SHM_CASE(shmat_first_at_address, 2 * 4096 + 100, true, setup_shm,
	 prep_shmat_fixed, check_shmat);
SHM_CASE(shmdt_one_piece, 3 * 4096, true, setup_shmdt, prep_shmdt_one,
	 check_shmdt);
SHM_CASE(shmdt_three_pieces, 3 * 4096, true, setup_shmdt, prep_shmdt_three,
	 check_shmdt);
SHM_CASE(shmdt_last_of_removed, 3 * 4096, true, setup_shm, prep_shmdt_last,
	 check_shmdt);
SHM_CASE(shm_size_grow, 0, false, setup_shm_size, prep_shm_grow,
	 check_shm_size);
SHM_CASE(shm_size_shrink, 0, false, setup_shm_size, prep_shm_shrink,
	 check_shm_size);
SHM_CASE(shm_lock, 0, false, setup_shm_lock, prep_shm_do_lock,
	 check_shm_lock);
SHM_CASE(shm_unlock, 0, false, setup_shm_lock, prep_shm_do_unlock,
	 check_shm_lock);
SHM_CASE(shmctl_rmid, 2 * 4096, false, setup_shm, prep_shm_rmid,
	 check_shm_rmid);
SHM_CASE(shmctl_stat, 0, false, setup_shm_lock, prep_shm_stat,
	 check_shm_stat);
SHM_CASE(shm_info, 0, false, setup_shm_lock, prep_shm_info, check_shm_info);

TEST_HARNESS_MAIN
