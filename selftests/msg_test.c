// SPDX-License-Identifier: GPL-2.0
/*
 * msg_test - selftests for the message queues of aixipc (/dev/aixipc).
 *
 * Run as root with the module loaded.  Unprivileged behaviour is checked
 * from forked children that become uid/gid 65534 with no capabilities.
 *
 * Every queue a test creates is recorded in a table shared by all the
 * processes of this run and removed by the fixture teardown; whatever a
 * test killed by the harness timeout left behind is removed when the run
 * exits, so the module can always be unloaded afterwards.
 *
 * Waits are deterministic: a test that needs a process blocked in the
 * module polls IPC_STAT's status (RWAIT/WWAIT) and /proc/PID/wchan (which
 * names aixipc_msgsnd or aixipc_msgrcv while the task sleeps there) instead
 * of sleeping for a fixed time.  No test asserts on timing.
 *
 * Not covered here: ENOSPC at the msgmni id limit (needs the module loaded
 * with a small msgmni; tested elsewhere) and the msgmnm message-count limit
 * (524288 messages, too many to queue in a test).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

#define PAGE		4096

/* ---------------------------------------------------------------------- */
/* Small helpers.                                                         */

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

/* Poll IPC_STAT until all of @mask is set (@set) or all of it is clear. */
static int wait_status(int fd, int id, uint32_t mask, bool set)
{
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		struct aixipc_msqid_ds ds;

		if (t_msgctl(fd, id, AIXIPC_IPC_STAT, &ds))
			return -1;
		if (set ? (ds.status & mask) == mask : !(ds.status & mask))
			return 0;
		usleep(1000);
	}
	return -1;
}

static int wait_rcv_blocked(int fd, int id, pid_t pid)
{
	if (t_wait_sleeping_in(pid, "aixipc_msg"))
		return -1;
	return wait_status(fd, id, AIXIPC_MSG_RWAIT, true);
}

static int wait_snd_blocked(int fd, int id, pid_t pid)
{
	if (t_wait_sleeping_in(pid, "aixipc_msg"))
		return -1;
	return wait_status(fd, id, AIXIPC_MSG_WWAIT, true);
}

/* ---------------------------------------------------------------------- */
/* The fixture: an open device, the limits, and the children to reap.     */

FIXTURE(msg) {
	int fd;
	struct aixipc_limits lim;
	struct t_kids kids;
};

FIXTURE_SETUP(msg)
{
	struct aixipc_version v;

	T_OPEN_VERSION(self->fd, v);
	ASSERT_EQ((uint32_t)AIXIPC_ABI_VERSION, v.abi_version);
	ASSERT_NE(0ULL, v.features & AIXIPC_FEATURE_MSG);
	self->lim = v.limits;
}

FIXTURE_TEARDOWN(msg)
{
	t_teardown(self->fd, &self->kids);
}

/* A new IPC_PRIVATE queue, removed by the teardown if the test does not. */
static int new_queue(FIXTURE_DATA(msg) *self, uint32_t mode)
{
	int id = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, mode);

	if (id >= 0)
		t_track(AIXIPC_MSG, id);
	return id;
}

static int remove_queue(FIXTURE_DATA(msg) *self, int id)
{
	return t_rmid_tracked(self->fd, AIXIPC_MSG, id);
}

/* A public key nobody else uses. */
#define test_key(salt)	t_test_key(0x5a, salt)

static int get_key(FIXTURE_DATA(msg) *self, int32_t key, uint32_t flags,
		   uint32_t mode)
{
	int id = t_msgget(self->fd, key, flags, mode);

	if (id >= 0)
		t_track(AIXIPC_MSG, id);	/* tracking an id twice is harmless */
	return id;
}

/* ====================================================================== */
/* msgget                                                                 */

TEST_F(msg, get_private_always_creates_a_new_queue)
{
	struct aixipc_msqid_ds ds;
	int a, b, c;

	a = new_queue(self, 0600);
	ASSERT_LE(0, a);
	b = new_queue(self, 0600);
	ASSERT_LE(0, b);
	/* Neither CREAT nor EXCL matters for IPC_PRIVATE. */
	c = get_key(self, AIXIPC_KEY_PRIVATE, 0, 0600);
	ASSERT_LE(0, c);
	EXPECT_NE(a, b);
	EXPECT_NE(a, c);
	EXPECT_NE(b, c);
	ds = t_qstat(self->fd, c);
	EXPECT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
	EXPECT_EQ(0600U, ds.perm.mode);
	c = get_key(self, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT | AIXIPC_EXCL, 0);
	ASSERT_LE(0, c);
	EXPECT_NE(a, c);
	EXPECT_EQ(0, remove_queue(self, a));
	EXPECT_EQ(0, remove_queue(self, b));
	EXPECT_EQ(0, remove_queue(self, c));
}

TEST_F(msg, get_creat_finds_existing_and_excl_fails_eexist)
{
	int32_t key = test_key(1);
	int id;

	id = get_key(self, key, AIXIPC_CREAT | AIXIPC_EXCL, 0640);
	ASSERT_LE(0, id);
	EXPECT_EQ(key, t_qstat(self->fd, id).perm.key);
	EXPECT_EQ(id, get_key(self, key, AIXIPC_CREAT, 0600));
	EXPECT_EQ(id, get_key(self, key, 0, 0));
	EXPECT_EQ(id, get_key(self, key, 0, 0640));
	EXPECT_EQ(-EEXIST, get_key(self, key, AIXIPC_CREAT | AIXIPC_EXCL, 0));
	/* A reopen does not change the mode. */
	EXPECT_EQ(0640U, t_qstat(self->fd, id).perm.mode);
	EXPECT_EQ(0, remove_queue(self, id));
	/* The key is free again once the queue is gone. */
	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0));
}

TEST_F(msg, get_missing_key_without_creat_fails_enoent)
{
	int32_t key = test_key(2);

	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0600));
	EXPECT_EQ(-ENOENT, get_key(self, key, AIXIPC_EXCL, 0600));
	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0));
}

TEST_F(msg, get_rejects_bad_arguments_einval)
{
	int32_t key = test_key(3);
	struct aixipc_get g;
	int id;

	/* Unknown flag bits. */
	EXPECT_EQ(-EINVAL, get_key(self, key, AIXIPC_CREAT | (1U << 2), 0600));
	EXPECT_EQ(-EINVAL, get_key(self, key, AIXIPC_CREAT | (1U << 31), 0600));
	/* Mode bits beyond 0777 (setuid, sticky, file type). */
	EXPECT_EQ(-EINVAL, get_key(self, key, AIXIPC_CREAT, 01000));
	EXPECT_EQ(-EINVAL, get_key(self, key, AIXIPC_CREAT, 04600));
	EXPECT_EQ(-EINVAL, get_key(self, key, AIXIPC_CREAT, S_IFREG | 0600));
	EXPECT_EQ(-EINVAL, get_key(self, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT,
				   01000));

	/* Non-zero __reserved, a bad kind, a size for a queue. */
	memset(&g, 0, sizeof(g));
	g.kind = AIXIPC_MSG;
	g.key = key;
	g.flags = AIXIPC_CREAT;
	g.mode = 0600;
	g.__reserved = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
	g.__reserved = 0;
	g.kind = AIXIPC_NR_KINDS;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
	g.kind = 0xffffffff;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
	g.kind = AIXIPC_MSG;
	g.size = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
	g.key = AIXIPC_KEY_PRIVATE;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));

	/* None of the failures above created the queue. */
	EXPECT_EQ(-ENOENT, get_key(self, key, 0, 0));

	/* A size is refused on reopening an existing queue, too. */
	id = get_key(self, key, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, id);
	g.key = key;
	g.flags = 0;
	g.size = 4096;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, get_key_zero_is_an_ordinary_public_key)
{
	int a, b;

	a = get_key(self, 0, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, a);
	b = get_key(self, 0, AIXIPC_CREAT, 0600);
	EXPECT_EQ(a, b);
	EXPECT_EQ(a, get_key(self, 0, 0, 0));
	EXPECT_EQ(-EEXIST, get_key(self, 0, AIXIPC_CREAT | AIXIPC_EXCL, 0));
	EXPECT_EQ(0, t_qstat(self->fd, a).perm.key);
	EXPECT_EQ(0, remove_queue(self, a));
	EXPECT_EQ(-ENOENT, get_key(self, 0, 0, 0));
}

TEST_F(msg, stale_id_after_rmid_fails_einval_even_when_slot_reused)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[16] = "hello";
	int old, new;
	long slot;

	old = new_queue(self, 0600);
	ASSERT_LE(0, old);
	slot = t_list_index(self->fd, AIXIPC_MSG, old);
	ASSERT_LE(0, slot);
	ASSERT_EQ(0, t_msgsnd(self->fd, old, 1, buf, 5, 0));
	ASSERT_EQ(0, remove_queue(self, old));
	new = new_queue(self, 0600);
	ASSERT_LE(0, new);
	ASSERT_NE(old, new);
	/*
	 * The module reuses the lowest free slot and gives the object there
	 * a new id; check that the interesting case is the one being tested.
	 */
	EXPECT_EQ(slot, t_list_index(self->fd, AIXIPC_MSG, new))
		TH_LOG("slot not reused: old id %#x, new id %#x", old, new);

	EXPECT_EQ(-EINVAL, t_msgsnd(self->fd, old, 1, buf, 5, AIXIPC_NOWAIT));
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, old, 0, buf, sizeof(buf),
				    AIXIPC_NOWAIT, &r));
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, old, AIXIPC_IPC_STAT, &ds));
	ds = t_qstat(self->fd, new);
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, old, AIXIPC_IPC_SET, &ds));
	EXPECT_EQ(-EINVAL, t_rmid(self->fd, old));

	/* Nothing reached the new queue, which still works. */
	ds = t_qstat(self->fd, new);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0, ds.lspid);
	EXPECT_EQ(0, t_msgsnd(self->fd, new, 1, buf, 5, 0));
	EXPECT_EQ(0, remove_queue(self, new));
}

TEST_F(msg, get_existing_checks_requested_permission)
{
	struct aixipc_msqid_ds ds;
	int32_t key = test_key(4);
	int id;

	id = get_key(self, key, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, id);
	/* Others have no bits: asking for any access is refused... */
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgget(self->fd, key, 0, 0600)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgget(self->fd, key, 0, 0400)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgget(self->fd, key, 0, 0004)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgget(self->fd, key, AIXIPC_CREAT,
					      0600)));
	/* ...asking for nothing finds the id. */
	EXPECT_EQ(id, AS_NOBODY(t_msgget(self->fd, key, 0, 0)));
	/* Root (CAP_IPC_OWNER) gets it whatever it asks. */
	EXPECT_EQ(id, get_key(self, key, 0, 0777));

	/* With r-- for others, read is granted and write refused. */
	ds = t_qstat(self->fd, id);
	ds.perm.mode = 0604;
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	EXPECT_EQ(id, AS_NOBODY(t_msgget(self->fd, key, 0, 0444)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgget(self->fd, key, 0, 0222)));
	EXPECT_EQ(0, remove_queue(self, id));
}

/* ====================================================================== */
/* msgsnd                                                                 */

/*
 * msgsnd from a buffer whose type word is @type_size bytes (4 or 8, or
 * anything else to provoke EINVAL) holding @word, followed by @len bytes
 * of @text.  Independent of the caller's sizeof(long).
 */
static int snd_word(int fd, int id, int64_t word, uint32_t type_size,
		    const void *text, size_t len, uint32_t flags)
{
	struct aixipc_msgsnd s;
	unsigned char buf[64];
	int32_t w32 = (int32_t)word;

	if (len > sizeof(buf) - 8)
		return -E2BIG;
	memset(buf, 0, sizeof(buf));
	if (type_size == 4)
		memcpy(buf, &w32, 4);
	else
		memcpy(buf, &word, 8);
	memcpy(buf + (type_size == 4 ? 4 : 8), text, len);
	memset(&s, 0, sizeof(s));
	s.id = id;
	s.flags = flags;
	s.msgp = (uintptr_t)buf;
	s.size = len;
	s.type_size = type_size;
	return aixipc_ioctl(fd, AIXIPC_IOC_MSGSND, &s);
}

TEST_F(msg, snd_rejects_mtype_outside_1_to_int32_max)
{
	static const int64_t bad[] = {
		0, -1, -2, INT64_MIN, 0x80000000LL, 0xffffffffLL,
		0x100000001LL, 0x100000000LL, INT64_MAX,
	};
	static const int64_t bad32[] = {
		0, -1, INT32_MIN, (int32_t)0x80000001U,
	};
	struct aixipc_msgrcv r;
	char buf[8] = "x";
	unsigned int i;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	/* An 8-byte type word is taken whole: no truncation to 32 bits. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-EINVAL, snd_word(self->fd, id, bad[i], 8, buf, 1,
					    AIXIPC_NOWAIT))
			TH_LOG("mtype %#llx", (unsigned long long)bad[i]);
	/* A 4-byte type word is signed. */
	for (i = 0; i < sizeof(bad32) / sizeof(bad32[0]); i++)
		EXPECT_EQ(-EINVAL, snd_word(self->fd, id, bad32[i], 4, buf, 1,
					    AIXIPC_NOWAIT))
			TH_LOG("32-bit mtype %#x", (uint32_t)bad32[i]);
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);

	EXPECT_EQ(0, t_msgsnd(self->fd, id, 0x7fffffff, buf, 1, 0));
	EXPECT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 1, 0));
	EXPECT_EQ(2ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(1, t_msgrcv(self->fd, id, 0x7fffffff, buf, sizeof(buf),
			      AIXIPC_NOWAIT, &r));
	EXPECT_EQ(0x7fffffff, r.mtype);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_rejects_size_above_msgmax)
{
	/* A small valid buffer: the size must be refused before any copy. */
	struct { long mtype; char text[64]; } m = { 1, "" };
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_LT(0ULL, self->lim.msgmax);
	EXPECT_EQ(-EINVAL, t_msgsnd_raw(self->fd, id, &m, self->lim.msgmax + 1,
					AIXIPC_NOWAIT));
	EXPECT_EQ(-EINVAL, t_msgsnd_raw(self->fd, id, &m, (uint64_t)-1,
					AIXIPC_NOWAIT));
	EXPECT_EQ(-EINVAL, t_msgsnd_raw(self->fd, id, &m, 1ULL << 63,
					AIXIPC_NOWAIT));
	EXPECT_EQ(-EINVAL, t_msgsnd_raw(self->fd, id, &m, 1ULL << 32,
					AIXIPC_NOWAIT));
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_and_rcv_reject_bad_type_size_and_reserved)
{
	static const uint32_t bad[] = { 0, 1, 2, 3, 5, 6, 7, 16, 0xffffffff };
	long m[4] = { 1, 0, 0, 0 };
	struct aixipc_msgsnd s;
	struct aixipc_msgrcv r;
	unsigned int i;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	memset(&s, 0, sizeof(s));
	s.id = id;
	s.msgp = (uintptr_t)m;
	s.size = 8;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s.type_size = bad[i];
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGSND,
						&s))
			TH_LOG("type_size %u", bad[i]);
	}
	s.type_size = sizeof(long);
	s.__reserved = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGSND, &s));
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);

	s.__reserved = 0;
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGSND, &s));
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.flags = AIXIPC_NOWAIT;
	r.msgp = (uintptr_t)m;
	r.size = 8;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r.type_size = bad[i];
		EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV,
						&r))
			TH_LOG("type_size %u", bad[i]);
	}
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

/* A 32-bit caller's 4-byte type word meets a 64-bit caller's 8-byte one. */
TEST_F(msg, type_word_of_four_or_eight_bytes_round_trips)
{
	struct aixipc_msgrcv r;
	unsigned char in[24];
	int32_t w32;
	int64_t w64;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, snd_word(self->fd, id, 7, 4, "abcdefg", 8, 0));
	ASSERT_EQ(0, snd_word(self->fd, id, 0x7fffffff, 8, "hijklmn", 8, 0));

	/* 4 bytes in, 8 bytes out: the word is sign-correct and whole. */
	memset(in, 0xee, sizeof(in));
	memset(&r, 0, sizeof(r));
	r.id = id;
	r.flags = AIXIPC_NOWAIT;
	r.msgp = (uintptr_t)in;
	r.size = 8;
	r.type_size = 8;
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV, &r));
	memcpy(&w64, in, 8);
	EXPECT_EQ(7, w64);
	EXPECT_EQ(7, r.mtype);
	EXPECT_EQ(8ULL, r.length);
	EXPECT_EQ(0, memcmp(in + 8, "abcdefg", 8));
	EXPECT_EQ(0xee, in[16]);

	/* 8 bytes in, 4 bytes out: the text follows the 4-byte word. */
	memset(in, 0xee, sizeof(in));
	r.type_size = 4;
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV, &r));
	memcpy(&w32, in, 4);
	EXPECT_EQ(0x7fffffff, w32);
	EXPECT_EQ(0x7fffffff, r.mtype);
	EXPECT_EQ(0, memcmp(in + 4, "hijklmn", 8));
	EXPECT_EQ(0xee, in[12]);
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_msgmax_message_round_trips_byte_exact)
{
	uint64_t max = self->lim.msgmax;
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char *out, *in;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	/* Root may raise qbytes if msgmnb was configured below msgmax. */
	if (t_qstat(self->fd, id).qbytes < max)
		ASSERT_EQ(0, t_set_qbytes(self->fd, id, max));
	out = malloc(max);
	in = malloc(max + 1);
	ASSERT_TRUE(out != NULL);
	ASSERT_TRUE(in != NULL);
	t_fill_pattern(out, max, 42);
	memset(in, 0, max + 1);

	ASSERT_EQ(0, t_msgsnd(self->fd, id, 77, out, max, 0));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(max, ds.cbytes);
	ASSERT_EQ((long)max, t_msgrcv(self->fd, id, 77, in, max + 1,
				      AIXIPC_NOWAIT, &r));
	EXPECT_EQ(max, r.length);
	EXPECT_EQ(77, r.mtype);
	EXPECT_EQ(-1, t_check_pattern(in, max, 42));
	EXPECT_EQ(0, in[max]);	/* nothing written past the message */
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0ULL, ds.cbytes);
	free(out);
	free(in);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_zero_length_message)
{
	struct { long mtype; char text[4]; } in = { 0, "abc" };
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	long word = 5;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	/* Just the type word: nothing after it is read. */
	ASSERT_EQ(0, t_msgsnd_raw(self->fd, id, &word, 0, 0));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(0ULL, ds.cbytes);
	EXPECT_EQ(0, t_msgrcv_raw(self->fd, id, 0, &in, sizeof(in.text),
				  AIXIPC_NOWAIT, &r));
	EXPECT_EQ(5, r.mtype);
	EXPECT_EQ(5, in.mtype);
	EXPECT_EQ(0ULL, r.length);
	EXPECT_EQ(0, strcmp(in.text, "abc"));
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_unmapped_text_fails_efault_and_queues_nothing)
{
	struct aixipc_msqid_ds ds;
	long one = 1;
	char *p;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	p = map_half_bad();
	ASSERT_TRUE(p != NULL);
	t_fill_pattern(p, PAGE, 1);
	/* The type word itself is unreadable, or only half readable. */
	EXPECT_EQ(-EFAULT, t_msgsnd_raw(self->fd, id, p + PAGE, 10, 0));
	EXPECT_EQ(-EFAULT, t_msgsnd_raw(self->fd, id,
					p + PAGE - sizeof(long) / 2, 0, 0));
	EXPECT_EQ(-EFAULT, t_msgsnd_raw(self->fd, id, (void *)8, 1, 0));
	/* A valid type word, the text entirely in the bad page. */
	memcpy(p + PAGE - sizeof(long), &one, sizeof(long));
	EXPECT_EQ(-EFAULT, t_msgsnd_raw(self->fd, id, p + PAGE - sizeof(long),
					10, 0));
	/* Text starting in the good page and running into the bad one. */
	memcpy(p + 100, &one, sizeof(long));
	EXPECT_EQ(-EFAULT, t_msgsnd_raw(self->fd, id, p + 100, PAGE, 0));
	/* The text's first piece (the header's page) copied, the next not. */
	memcpy(p, &one, sizeof(long));
	EXPECT_EQ(-EFAULT, t_msgsnd_raw(self->fd, id, p, PAGE, 0));
	/* Only the last byte of the text is bad. */
	memcpy(p + PAGE - 40, &one, sizeof(long));
	EXPECT_EQ(-EFAULT, t_msgsnd_raw(self->fd, id, p + PAGE - 40,
					40 - sizeof(long) + 1, 0));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0ULL, ds.cbytes);
	EXPECT_EQ(0, ds.lspid);
	EXPECT_EQ(0, ds.stime);
	/* One byte shorter, it is fine: the bad page is where we think. */
	EXPECT_EQ(0, t_msgsnd_raw(self->fd, id, p + PAGE - 40,
				  40 - sizeof(long), 0));
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	munmap(p, 2 * PAGE);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_rejects_unknown_flags)
{
	char buf[4] = "x";
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	/* MSG_NOERROR and MSG_EXCEPT are receive flags only. */
	EXPECT_EQ(-EINVAL, t_msgsnd(self->fd, id, 1, buf, 1,
				    AIXIPC_MSG_NOERROR));
	EXPECT_EQ(-EINVAL, t_msgsnd(self->fd, id, 1, buf, 1,
				    AIXIPC_MSG_EXCEPT));
	EXPECT_EQ(-EINVAL, t_msgsnd(self->fd, id, 1, buf, 1, 1U << 31));
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_rejects_bad_ids)
{
	char buf[4] = "x";

	EXPECT_EQ(-EINVAL, t_msgsnd(self->fd, -1, 1, buf, 1, AIXIPC_NOWAIT));
	EXPECT_EQ(-EINVAL, t_msgsnd(self->fd, INT_MIN, 1, buf, 1,
				    AIXIPC_NOWAIT));
	/* The last slot with the last sequence number: never used here. */
	EXPECT_EQ(-EINVAL, t_msgsnd(self->fd, INT_MAX, 1, buf, 1,
				    AIXIPC_NOWAIT));
}

TEST_F(msg, snd_without_write_permission_fails_eacces)
{
	char buf[4] = "x";
	int id;

	id = new_queue(self, 0444);
	ASSERT_LE(0, id);
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgsnd(self->fd, id, 1, buf, 1,
					      AIXIPC_NOWAIT)));
	/* Root overrides the mode bits. */
	EXPECT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 1, AIXIPC_NOWAIT));
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));

	/* The same with others' write bit set succeeds. */
	id = new_queue(self, 0622);
	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS_NOBODY(t_msgsnd(self->fd, id, 1, buf, 1,
					AIXIPC_NOWAIT)));
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, snd_nowait_on_full_queue_fails_eagain)
{
	struct aixipc_msqid_ds ds;
	char buf[128];
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 100));
	memset(buf, 'q', sizeof(buf));
	EXPECT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 60, AIXIPC_NOWAIT));
	EXPECT_EQ(-EAGAIN, t_msgsnd(self->fd, id, 1, buf, 41, AIXIPC_NOWAIT));
	EXPECT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 40, AIXIPC_NOWAIT));
	EXPECT_EQ(-EAGAIN, t_msgsnd(self->fd, id, 1, buf, 1, AIXIPC_NOWAIT));
	/* A message bigger than the whole queue can never fit. */
	EXPECT_EQ(-EAGAIN, t_msgsnd(self->fd, id, 2, buf, 101,
				    AIXIPC_NOWAIT));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(2ULL, ds.qnum);
	EXPECT_EQ(100ULL, ds.cbytes);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_queue(self, id));
}

/*
 * Fill @id (qbytes 100) with a 100-byte message of type 1, then have a
 * child send 50 bytes of pattern 2 as type 2 and wait until it blocks.
 * Return: the child, or -1.
 */
static pid_t fill_and_block_a_sender(FIXTURE_DATA(msg) *self, int id)
{
	char buf[100];
	pid_t pid;

	t_fill_pattern(buf, sizeof(buf), 1);
	if (t_set_qbytes(self->fd, id, 100) ||
	    t_msgsnd(self->fd, id, 1, buf, sizeof(buf), 0))
		return -1;
	pid = t_spawn(&self->kids);
	if (pid == 0) {
		t_fill_pattern(buf, 50, 2);
		_exit(kid_code(t_msgsnd(self->fd, id, 2, buf, 50, 0)));
	}
	if (pid < 0 || wait_snd_blocked(self->fd, id, pid))
		return -1;
	return pid;
}

TEST_F(msg, snd_blocked_sender_completes_when_receiver_frees_room)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[128];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	pid = fill_and_block_a_sender(self, id);
	ASSERT_LT(0, pid);
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);

	ASSERT_EQ(100, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				AIXIPC_NOWAIT, &r));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(50ULL, ds.cbytes);
	EXPECT_EQ(0U, ds.status & AIXIPC_MSG_WWAIT);
	EXPECT_EQ(pid, ds.lspid);
	ASSERT_EQ(50, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
			       AIXIPC_NOWAIT, &r));
	EXPECT_EQ(2, r.mtype);
	EXPECT_EQ(pid, r.pid);
	EXPECT_EQ(-1, t_check_pattern(buf, 50, 2));
	EXPECT_EQ(0, remove_queue(self, id));
}

/*
 * A receiver that waits for a type only a blocked sender holds takes that
 * sender's message directly: the queue stays full and unchanged.
 */
TEST_F(msg, receiver_takes_the_message_only_a_blocked_sender_holds)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[128];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	pid = fill_and_block_a_sender(self, id);
	ASSERT_LT(0, pid);

	ASSERT_EQ(50, t_msgrcv(self->fd, id, 2, buf, sizeof(buf), 0, &r));
	EXPECT_EQ(2, r.mtype);
	EXPECT_EQ(pid, r.pid);
	EXPECT_EQ(-1, t_check_pattern(buf, 50, 2));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(100ULL, ds.cbytes);
	EXPECT_EQ(0U, ds.status & (AIXIPC_MSG_WWAIT | AIXIPC_MSG_RWAIT));
	EXPECT_EQ(pid, ds.lspid);
	EXPECT_EQ(getpid(), ds.lrpid);
	EXPECT_EQ(0, remove_queue(self, id));
}

/*
 * lspid, lrpid and msgxrcv's sender pid answer in the reader's pid
 * namespace (as Linux's msgctl): a sender in a child namespace is seen by
 * its pid here and reads itself as 1; a process it cannot see reads as 0.
 */
struct ns_ctx {
	int fd, id;
};

/* Takes the parent's message and sends one of its own, as pid 1. */
static int pids_inside(void *arg)
{
	struct ns_ctx *c = arg;
	struct aixipc_msgrcv in;
	struct aixipc_msqid_ds d;
	char buf[8];

	if (t_msgrcv(c->fd, c->id, 1, buf, 8, AIXIPC_NOWAIT, &in) != 8 ||
	    in.pid != 0 || t_msgsnd(c->fd, c->id, 2, "inside", 7, 0) ||
	    t_msgctl(c->fd, c->id, AIXIPC_IPC_STAT, &d) ||
	    d.lspid != 1 || d.lrpid != 1)
		return KID_WRONG;
	return 0;
}

TEST_F(msg, pids_are_translated_into_the_readers_pid_namespace)
{
	struct ns_ctx c = { .fd = self->fd };
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[8];
	pid_t inner;

	c.id = new_queue(self, 0600);
	ASSERT_LE(0, c.id);
	ASSERT_EQ(0, t_msgsnd(self->fd, c.id, 1, "outside", 8, 0));
	EXPECT_EQ(0, t_in_new_pidns(pids_inside, &c, &inner));
	ds = t_qstat(self->fd, c.id);
	EXPECT_EQ(inner, ds.lspid);
	EXPECT_EQ(inner, ds.lrpid);
	ASSERT_EQ(7, t_msgrcv(self->fd, c.id, 2, buf, 8, AIXIPC_NOWAIT, &r));
	EXPECT_EQ(inner, r.pid);
	EXPECT_EQ(0, remove_queue(self, c.id));
}

TEST_F(msg, snd_blocked_sender_completes_when_ipc_set_raises_qbytes)
{
	struct aixipc_msqid_ds ds;
	char buf[100];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 100));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 100, 0));

	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(t_msgsnd(self->fd, id, 2, buf, 30, 0)));
	ASSERT_EQ(0, wait_snd_blocked(self->fd, id, pid));
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 130));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(2ULL, ds.qnum);
	EXPECT_EQ(130ULL, ds.cbytes);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_queue(self, id));
}

/* ====================================================================== */
/* msgrcv                                                                 */

/* Queue one message per type in @types, text "m<index>". */
static int send_types(int fd, int id, const int64_t *types, int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		char text[16];

		snprintf(text, sizeof(text), "m%d", i);
		err = t_msgsnd(fd, id, types[i], text, strlen(text) + 1,
			       AIXIPC_NOWAIT);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Receive without waiting; the index of the message taken (from its
 * text), or -errno.  *mtype gets its type.
 */
static int rcv_index(int fd, int id, int64_t msgtyp, uint32_t flags,
		     int64_t *mtype)
{
	struct aixipc_msgrcv r;
	char text[16] = "";
	long n;

	n = t_msgrcv(fd, id, msgtyp, text, sizeof(text) - 1,
		     flags | AIXIPC_NOWAIT, &r);
	if (n < 0)
		return (int)n;
	*mtype = r.mtype;
	if (text[0] != 'm')
		return 1000;
	return atoi(text + 1);
}

#define EXPECT_RCV(msgtyp, flags, want_index, want_type) do {		\
	int64_t __t = -1;						\
	EXPECT_EQ(want_index, rcv_index(self->fd, id, msgtyp, flags, &__t)) \
		TH_LOG("msgtyp %lld", (long long)(msgtyp));		\
	if ((want_index) >= 0)						\
		EXPECT_EQ((int64_t)(want_type), __t);			\
} while (0)

TEST_F(msg, rcv_msgtyp_zero_takes_messages_in_arrival_order)
{
	static const int64_t types[] = { 3, 1, 2, 1, 3 };
	int i, id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_types(self->fd, id, types, 5));
	for (i = 0; i < 5; i++)
		EXPECT_RCV(0, 0, i, types[i]);
	EXPECT_RCV(0, 0, -ENOMSG, 0);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_positive_msgtyp_takes_first_of_that_type)
{
	static const int64_t types[] = { 3, 1, 2, 1, 3 };
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_types(self->fd, id, types, 5));
	EXPECT_RCV(1, 0, 1, 1);
	EXPECT_RCV(3, 0, 0, 3);
	EXPECT_RCV(1, 0, 3, 1);
	EXPECT_RCV(1, 0, -ENOMSG, 0);
	EXPECT_RCV(4, 0, -ENOMSG, 0);
	EXPECT_RCV(3, 0, 4, 3);
	EXPECT_RCV(2, 0, 2, 2);
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_negative_msgtyp_takes_lowest_type_first_sent)
{
	static const int64_t types[] = { 5, 3, 4, 3, 1, 2 };
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_types(self->fd, id, types, 6));
	EXPECT_RCV(-3, 0, 4, 1);
	EXPECT_RCV(-3, 0, 5, 2);
	EXPECT_RCV(-3, 0, 1, 3);	/* of the two type-3, the first */
	EXPECT_RCV(-3, 0, 3, 3);
	EXPECT_RCV(-3, 0, -ENOMSG, 0);	/* 5 and 4 are above the bound */
	/* MSG_EXCEPT means nothing with a negative msgtyp. */
	EXPECT_RCV(-4, AIXIPC_MSG_EXCEPT, 2, 4);
	EXPECT_RCV(-1, 0, -ENOMSG, 0);
	EXPECT_RCV(-5, 0, 0, 5);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_int64_min_msgtyp_takes_lowest_type_overall)
{
	static const int64_t types[] = { 7, 0x7fffffff, 2, 9, 2 };
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_types(self->fd, id, types, 5));
	EXPECT_RCV(INT64_MIN, 0, 2, 2);
	EXPECT_RCV(INT64_MIN, 0, 4, 2);
	EXPECT_RCV(INT64_MIN, 0, 0, 7);
	EXPECT_RCV(INT64_MIN, 0, 3, 9);
	EXPECT_RCV(-0x7fffffffLL, 0, 1, 0x7fffffff);
	EXPECT_RCV(INT64_MIN, 0, -ENOMSG, 0);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_except_takes_first_message_of_another_type)
{
	static const int64_t types[] = { 4, 4, 6, 4, 7 };
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_types(self->fd, id, types, 5));
	EXPECT_RCV(4, AIXIPC_MSG_EXCEPT, 2, 6);
	EXPECT_RCV(4, AIXIPC_MSG_EXCEPT, 4, 7);
	EXPECT_RCV(4, AIXIPC_MSG_EXCEPT, -ENOMSG, 0);
	/* With msgtyp 0, MSG_EXCEPT excludes nothing. */
	EXPECT_RCV(0, AIXIPC_MSG_EXCEPT, 0, 4);
	EXPECT_RCV(5, AIXIPC_MSG_EXCEPT, 1, 4);
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

/*
 * MSG_COPY (Linux's, served for programs run through the shim): msgtyp is
 * a position; the message is copied and stays queued, the queue's
 * counters and times do not move.
 */
TEST_F(msg, rcv_copy_copies_the_message_at_a_position_and_leaves_it)
{
	static const int64_t types[] = { 4, 9, 2 };
	struct aixipc_msqid_ds before, after;
	const uint32_t copy = AIXIPC_MSG_COPY | AIXIPC_NOWAIT;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_types(self->fd, id, types, 3));
	before = t_qstat(self->fd, id);
	EXPECT_RCV(1, copy, 1, 9);
	EXPECT_RCV(0, copy, 0, 4);
	EXPECT_RCV(2, copy, 2, 2);
	EXPECT_RCV(1, copy, 1, 9);	/* again: still there */
	EXPECT_RCV(3, copy, -ENOMSG, 0);
	EXPECT_RCV(-1, copy, -ENOMSG, 0);
	EXPECT_RCV(INT64_MIN, copy, -ENOMSG, 0);
	after = t_qstat(self->fd, id);
	EXPECT_EQ(3ULL, after.qnum);
	EXPECT_EQ(before.cbytes, after.cbytes);
	EXPECT_EQ(before.lrpid, after.lrpid);
	EXPECT_EQ(before.rtime, after.rtime);
	/* Taking one shifts the positions. */
	EXPECT_RCV(0, 0, 0, 4);
	EXPECT_RCV(0, copy, 1, 9);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_copy_rules_einval_e2big_eacces_and_metadata)
{
	struct aixipc_msgrcv r;
	char big[100], buf[100];
	int id, i;

	for (i = 0; i < 100; i++)
		big[i] = (char)i;
	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 7, big, sizeof(big), 0));
	/* Never waits, and MSG_EXCEPT means nothing to a position. */
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				    AIXIPC_MSG_COPY, NULL));
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				    AIXIPC_MSG_COPY | AIXIPC_NOWAIT |
				    AIXIPC_MSG_EXCEPT, NULL));
	/* Too small: E2BIG, or truncated with MSG_NOERROR. */
	EXPECT_EQ(-E2BIG, t_msgrcv(self->fd, id, 0, buf, 10,
				   AIXIPC_MSG_COPY | AIXIPC_NOWAIT, NULL));
	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(10, t_msgrcv(self->fd, id, 0, buf, 10, AIXIPC_MSG_COPY |
			       AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR, &r));
	EXPECT_EQ(0, memcmp(buf, big, 10));
	EXPECT_EQ(0x55, buf[10]);
	EXPECT_EQ(7, r.mtype);
	EXPECT_EQ(getpid(), r.pid);
	EXPECT_EQ(100, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				AIXIPC_MSG_COPY | AIXIPC_NOWAIT, &r));
	EXPECT_EQ(0, memcmp(buf, big, sizeof(big)));
	/* Reading needs read permission. */
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
					      AIXIPC_MSG_COPY | AIXIPC_NOWAIT,
					      NULL)));
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
	/* A removed queue: EINVAL, as for any id that names nothing. */
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				    AIXIPC_MSG_COPY | AIXIPC_NOWAIT, NULL));
}

TEST_F(msg, rcv_small_buffer_fails_e2big_and_keeps_message)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[200];
	long word = -1;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	t_fill_pattern(buf, 100, 3);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 100, 0));
	t_fill_pattern(buf, 10, 4);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 10, 0));
	memset(buf, 0, sizeof(buf));

	/* The first message is too big: E2BIG, not the second one. */
	EXPECT_EQ(-E2BIG, t_msgrcv(self->fd, id, 0, buf, 99, AIXIPC_NOWAIT,
				   &r));
	EXPECT_EQ(-E2BIG, t_msgrcv_raw(self->fd, id, 1, &word, 0,
				       AIXIPC_NOWAIT, &r));
	EXPECT_EQ(-1, word);	/* not even the type word is stored */
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(2ULL, ds.qnum);
	EXPECT_EQ(110ULL, ds.cbytes);
	EXPECT_EQ(0, ds.lrpid);
	ASSERT_EQ(100, t_msgrcv(self->fd, id, 0, buf, 100, AIXIPC_NOWAIT,
				&r));
	EXPECT_EQ(-1, t_check_pattern(buf, 100, 3));
	ASSERT_EQ(10, t_msgrcv(self->fd, id, 0, buf, 100, AIXIPC_NOWAIT, &r));
	EXPECT_EQ(-1, t_check_pattern(buf, 10, 4));
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_noerror_truncates_and_consumes)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[200];
	long word = 0;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	t_fill_pattern(buf, 100, 5);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 100, 0));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 2, buf, 100, 0));
	memset(buf, 0, sizeof(buf));

	ASSERT_EQ(10, t_msgrcv(self->fd, id, 0, buf, 10,
			       AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR, &r));
	EXPECT_EQ(10ULL, r.length);
	EXPECT_EQ(1, r.mtype);
	EXPECT_EQ(-1, t_check_pattern(buf, 10, 5));
	EXPECT_EQ(0, buf[10]);
	/* Room for no text: takes the message, stores just the type. */
	ASSERT_EQ(0, t_msgrcv_raw(self->fd, id, 0, &word, 0,
				  AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR, &r));
	EXPECT_EQ(2, r.mtype);
	EXPECT_EQ(2, word);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0ULL, ds.cbytes);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_nowait_without_match_fails_enomsg)
{
	char buf[16] = "x";
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				    AIXIPC_NOWAIT, NULL));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 2, buf, 1, 0));
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, 1, buf, sizeof(buf),
				    AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, -1, buf, sizeof(buf),
				    AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, 2, buf, sizeof(buf),
				    AIXIPC_NOWAIT | AIXIPC_MSG_EXCEPT, NULL));
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_rejects_negative_size_flags_reserved_and_bad_ids)
{
	struct aixipc_msgrcv req;
	long buf[4] = { 0 };
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 1, 0));
	EXPECT_EQ(-EINVAL, t_msgrcv_raw(self->fd, id, 0, buf, (uint64_t)-1,
					AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(-EINVAL, t_msgrcv_raw(self->fd, id, 0, buf, 1ULL << 63,
					AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				    AIXIPC_NOWAIT | (1U << 4), NULL));
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				    1U << 31, NULL));
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, -1, 0, buf, sizeof(buf),
				    AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, INT_MAX, 0, buf, sizeof(buf),
				    AIXIPC_NOWAIT, NULL));
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.flags = AIXIPC_NOWAIT;
	req.msgp = (uintptr_t)buf;
	req.size = sizeof(buf) - sizeof(long);
	req.type_size = sizeof(long);
	req.__reserved = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV, &req));
	req.__reserved = 0;
	req.__reserved2 = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV, &req));
	/* The message survived all of that. */
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_unmapped_buffer_fails_efault_and_keeps_message_in_place)
{
	struct aixipc_msqid_ds ds;
	char buf[16], *bad;
	int i, id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	bad = map_half_bad();
	ASSERT_TRUE(bad != NULL);
	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof(buf), "m%d", i);
		ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 3, 0));
	}
	/* Nowhere to store the type word. */
	EXPECT_EQ(-EFAULT, t_msgrcv_raw(self->fd, id, 0, bad + PAGE, 16,
					AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(-EFAULT, t_msgrcv_raw(self->fd, id, 0,
					bad + PAGE - sizeof(long) / 2, 16,
					AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(-EFAULT, t_msgrcv_raw(self->fd, id, 1, (void *)8, 16,
					AIXIPC_NOWAIT, NULL));
	/* The type word fits, the text does not. */
	EXPECT_EQ(-EFAULT, t_msgrcv_raw(self->fd, id, 0,
					bad + PAGE - sizeof(long), 16,
					AIXIPC_NOWAIT, NULL));
	/* Only the last byte of the text does not. */
	EXPECT_EQ(-EFAULT, t_msgrcv_raw(self->fd, id, 0,
					bad + PAGE - sizeof(long) - 2, 16,
					AIXIPC_NOWAIT, NULL));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(3ULL, ds.qnum);
	EXPECT_EQ(9ULL, ds.cbytes);
	/* A, B, C still come out in order: A went back to the front. */
	for (i = 0; i < 3; i++) {
		int64_t t;

		EXPECT_EQ(i, rcv_index(self->fd, id, 0, 0, &t));
	}
	munmap(bad, 2 * PAGE);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_fault_midway_through_long_message_keeps_it_whole)
{
	struct aixipc_msgrcv r;
	size_t len = 3 * PAGE + 123;
	char *bad, *out, *in;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	bad = map_half_bad();
	out = malloc(len);
	in = malloc(len);
	ASSERT_TRUE(bad != NULL);
	ASSERT_TRUE(out != NULL);
	ASSERT_TRUE(in != NULL);
	t_fill_pattern(out, len, 6);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, out, len, 0));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, out, 1, 0));
	/* The first page of the buffer is fine, the rest faults. */
	EXPECT_EQ(-EFAULT, t_msgrcv_raw(self->fd, id, 0, bad, len,
					AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(2ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ((uint64_t)len + 1, t_qstat(self->fd, id).cbytes);
	ASSERT_EQ((long)len, t_msgrcv(self->fd, id, 0, in, len, AIXIPC_NOWAIT,
				      &r));
	EXPECT_EQ(-1, t_check_pattern(in, len, 6));
	free(out);
	free(in);
	munmap(bad, 2 * PAGE);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_blocked_receiver_fault_requeues_handed_message)
{
	struct aixipc_msgrcv r;
	char buf[64];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char *bad = map_half_bad();

		if (!bad)
			_exit(KID_BROKEN);
		/* Room for the type word, none for the text. */
		_exit(kid_code(t_msgrcv_raw(self->fd, id, 0,
					    bad + PAGE - sizeof(long), 64, 0,
					    NULL)));
	}
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	t_fill_pattern(buf, sizeof(buf), 7);
	/* Handed straight to the receiver, whose copy-out then faults. */
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 9, buf, sizeof(buf), 0));
	EXPECT_EQ(EFAULT, t_reap(&self->kids, pid));
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(64, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
			       AIXIPC_NOWAIT, &r));
	EXPECT_EQ(9, r.mtype);
	EXPECT_EQ(-1, t_check_pattern(buf, sizeof(buf), 7));
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_blocked_receiver_with_small_buffer_gets_e2big)
{
	struct aixipc_msqid_ds ds;
	char buf[100];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char small[10];

		_exit(kid_code(t_msgrcv(self->fd, id, 0, small, sizeof(small),
					0, NULL)));
	}
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	memset(buf, 1, sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, sizeof(buf), 0));
	EXPECT_EQ(E2BIG, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(100ULL, ds.cbytes);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_queue(self, id));
}

/*
 * E2BIG tells a receiver that a message it asked for is too big for its
 * buffer.  A message the queue refused (full, IPC_NOWAIT: EAGAIN) was
 * never sent, so it must not fail a blocked receiver on its way out.
 */
TEST_F(msg, rcv_blocked_receiver_not_failed_by_a_refused_message)
{
	struct aixipc_msqid_ds ds;
	char buf[100];
	pid_t pid;
	int code, id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 100));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 100, 0));	/* full */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char small[10];

		_exit(kid_code(t_msgrcv(self->fd, id, 5, small, sizeof(small),
					0, NULL)));
	}
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	EXPECT_EQ(-EAGAIN, t_msgsnd(self->fd, id, 5, buf, 50, AIXIPC_NOWAIT));
	/* The receiver is still waiting: RWAIT is cleared synchronously. */
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(AIXIPC_MSG_RWAIT, ds.status)
		TH_LOG("the receiver was woken by a message never sent");
	EXPECT_EQ(1ULL, ds.qnum);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	code = t_reap(&self->kids, pid);
	EXPECT_EQ(1000 + SIGKILL, code)
		TH_LOG("receiver ended with %d (E2BIG is %d), not killed",
		       code, E2BIG);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_and_stat_without_read_permission_fail_eacces)
{
	struct aixipc_msqid_ds ds;
	char buf[16] = "x";
	int id;

	id = new_queue(self, 0622);	/* others may write, not read */
	ASSERT_LE(0, id);
	EXPECT_EQ(0, AS_NOBODY(t_msgsnd(self->fd, id, 1, buf, 1,
					AIXIPC_NOWAIT)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgrcv(self->fd, id, 0, buf,
					      sizeof(buf), AIXIPC_NOWAIT,
					      NULL)));
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_STAT,
					      &ds)));
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_reports_sender_metadata_msgxrcv)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	time_t before, after;
	char buf[16];
	pid_t pid;
	int id;

	id = new_queue(self, 0666);
	ASSERT_LE(0, id);
	before = time(NULL);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (t_become_nobody())
			_exit(KID_BROKEN);
		_exit(kid_code(t_msgsnd(self->fd, id, 33, "meta", 5, 0)));
	}
	ASSERT_EQ(0, t_reap(&self->kids, pid));
	after = time(NULL);
	ASSERT_EQ(5, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
			      AIXIPC_NOWAIT, &r));
	EXPECT_EQ(0, strcmp(buf, "meta"));
	EXPECT_EQ(33, r.mtype);
	EXPECT_EQ(5ULL, r.length);
	EXPECT_EQ((uint32_t)NOBODY, r.uid);
	EXPECT_EQ((uint32_t)NOBODY, r.gid);
	EXPECT_EQ(pid, r.pid);
	EXPECT_LE(before, r.stime);
	EXPECT_GE(after, r.stime);
	EXPECT_EQ(0U, r.__reserved2);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(pid, ds.lspid);
	EXPECT_EQ(getpid(), ds.lrpid);

	/* And from root itself. */
	before = time(NULL);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 34, "root", 5, 0));
	after = time(NULL);
	ASSERT_EQ(5, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
			      AIXIPC_NOWAIT, &r));
	EXPECT_EQ(geteuid(), r.uid);
	EXPECT_EQ(getegid(), r.gid);
	EXPECT_EQ(getpid(), r.pid);
	EXPECT_LE(before, r.stime);
	EXPECT_GE(after, r.stime);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_blocked_receiver_gets_message_sent_later)
{
	struct aixipc_msqid_ds ds;
	char buf[32];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	EXPECT_EQ(0U, t_qstat(self->fd, id).status);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct aixipc_msgrcv r;
		char in[32];
		long n = t_msgrcv(self->fd, id, 4, in, sizeof(in), 0, &r);

		if (n < 0)
			_exit(kid_code(n));
		if (n != 32 || r.mtype != 4 || t_check_pattern(in, 32, 8) != -1)
			_exit(KID_WRONG);
		_exit(0);
	}
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(AIXIPC_MSG_RWAIT, ds.status);
	/* Another type does not wake it; it stays queued. */
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 5, buf, 1, 0));
	t_fill_pattern(buf, sizeof(buf), 8);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 4, buf, sizeof(buf), 0));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(1ULL, ds.qnum);	/* only the type-5 message */
	EXPECT_EQ(1ULL, ds.cbytes);
	EXPECT_EQ(pid, ds.lrpid);
	EXPECT_EQ(getpid(), ds.lspid);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, rcv_blocked_receivers_are_served_first_come_first_served)
{
	pid_t pid[3];
	int i, id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	/* Three receivers of type 2 block one after the other. */
	for (i = 0; i < 3; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			char in[8] = "";
			long n = t_msgrcv(self->fd, id, 2, in, sizeof(in), 0,
					  NULL);

			/* Report which message it got: 10 + its index. */
			_exit(n < 0 ? kid_code(n) : in[0] == 'm' ?
			      10 + atoi(in + 1) : KID_WRONG);
		}
		ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid[i]));
	}
	/* A message of another type goes past them onto the queue. */
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, "m9", 3, 0));
	for (i = 0; i < 3; i++) {
		char text[8];

		snprintf(text, sizeof(text), "m%d", i);
		ASSERT_EQ(0, t_msgsnd(self->fd, id, 2, text, 3, 0));
		/* Delivered to the oldest waiter, before the next send. */
		EXPECT_EQ(10 + i, t_reap(&self->kids, pid[i]));
	}
	EXPECT_EQ(1ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0U, t_qstat(self->fd, id).status);
	EXPECT_EQ(0, remove_queue(self, id));
}

/* ====================================================================== */
/* msgctl                                                                 */

TEST_F(msg, ctl_stat_of_a_new_queue)
{
	struct aixipc_msqid_ds ds;
	int32_t key = test_key(5);
	time_t before, after;
	int id;

	before = time(NULL);
	id = get_key(self, key, AIXIPC_CREAT | AIXIPC_EXCL, 0640);
	after = time(NULL);
	ASSERT_LE(0, id);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(key, ds.perm.key);
	EXPECT_EQ(geteuid(), ds.perm.uid);
	EXPECT_EQ(getegid(), ds.perm.gid);
	EXPECT_EQ(geteuid(), ds.perm.cuid);
	EXPECT_EQ(getegid(), ds.perm.cgid);
	EXPECT_EQ(0640U, ds.perm.mode);
	EXPECT_EQ(0U, ds.perm.__reserved);
	EXPECT_EQ(0ULL, ds.cbytes);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(self->lim.msgmnb, ds.qbytes);
	EXPECT_EQ(0, ds.lspid);
	EXPECT_EQ(0, ds.lrpid);
	EXPECT_EQ(0, ds.stime);
	EXPECT_EQ(0, ds.rtime);
	EXPECT_LE(before, ds.ctime);
	EXPECT_GE(after, ds.ctime);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0U, ds.__reserved);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, ctl_stat_tracks_sends_and_receives)
{
	struct aixipc_msqid_ds ds;
	time_t before, after;
	char buf[32] = "";
	pid_t pid;
	int id;

	id = new_queue(self, 0666);
	ASSERT_LE(0, id);
	before = time(NULL);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 10, 0));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(t_msgsnd(self->fd, id, 2, buf, 20, 0)));
	ASSERT_EQ(0, t_reap(&self->kids, pid));
	after = time(NULL);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(30ULL, ds.cbytes);
	EXPECT_EQ(2ULL, ds.qnum);
	EXPECT_EQ(pid, ds.lspid);
	EXPECT_EQ(0, ds.lrpid);
	EXPECT_LE(before, ds.stime);
	EXPECT_GE(after, ds.stime);
	EXPECT_EQ(0, ds.rtime);

	before = time(NULL);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(t_msgrcv(self->fd, id, 1, buf, sizeof(buf),
					AIXIPC_NOWAIT, NULL) == 10 ? 0 : -1));
	ASSERT_EQ(0, t_reap(&self->kids, pid));
	after = time(NULL);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(20ULL, ds.cbytes);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(pid, ds.lrpid);
	EXPECT_LE(before, ds.rtime);
	EXPECT_GE(after, ds.rtime);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, ctl_set_changes_owner_mode_qbytes_and_ctime)
{
	struct aixipc_msqid_ds ds, old;
	time_t before, after;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	old = t_qstat(self->fd, id);
	/* Let the clock move past the creation second so ctime can show it. */
	while (time(NULL) <= old.ctime)
		usleep(20000);
	ds = old;
	ds.perm.uid = NOBODY;
	ds.perm.gid = NOBODY;
	ds.perm.mode = 0640;
	ds.qbytes = 1000;
	/* Fields that IPC_SET does not change. */
	ds.perm.cuid = 123;
	ds.perm.key = 999;
	ds.cbytes = 77;
	ds.lspid = 5;
	before = time(NULL);
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	after = time(NULL);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.uid);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.gid);
	EXPECT_EQ(old.perm.cuid, ds.perm.cuid);
	EXPECT_EQ(old.perm.cgid, ds.perm.cgid);
	EXPECT_EQ(AIXIPC_KEY_PRIVATE, ds.perm.key);
	EXPECT_EQ(0640U, ds.perm.mode);
	EXPECT_EQ(1000ULL, ds.qbytes);
	EXPECT_EQ(0ULL, ds.cbytes);
	EXPECT_EQ(0, ds.lspid);
	EXPECT_LT(old.ctime, ds.ctime);
	EXPECT_LE(before, ds.ctime);
	EXPECT_GE(after, ds.ctime);
	/* The new owner may now change it, and remove it. */
	ds.perm.mode = 0600;
	EXPECT_EQ(0, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds)));
	EXPECT_EQ(0600U, t_qstat(self->fd, id).perm.mode);
	EXPECT_EQ(0, AS_NOBODY(t_rmid(self->fd, id)));
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_STAT, &ds));
	t_untrack(AIXIPC_MSG, id);
}

TEST_F(msg, ctl_set_rejects_bad_mode_and_reserved_fields)
{
	struct aixipc_msqid_ds ds, set;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ds = t_qstat(self->fd, id);

	set = ds;
	set.perm.mode = 01600;
	set.qbytes = 10;
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &set));
	set.perm.mode = S_IFREG | 0600;
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &set));
	set = ds;
	set.qbytes = 10;
	set.perm.__reserved = 1;
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &set));
	set = ds;
	set.qbytes = 10;
	set.__reserved = 1;
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &set));
	/* A uid that maps to nothing. */
	set = ds;
	set.perm.uid = (uint32_t)-1;
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &set));
	/* Nothing changed, qbytes included. */
	set = t_qstat(self->fd, id);
	EXPECT_EQ(0600U, set.perm.mode);
	EXPECT_EQ(ds.qbytes, set.qbytes);
	EXPECT_EQ(ds.perm.uid, set.perm.uid);
	EXPECT_EQ(ds.ctime, set.ctime);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, ctl_set_qbytes_above_msgmnb_needs_privilege)
{
	struct aixipc_msqid_ds ds;
	uint64_t mnb = self->lim.msgmnb;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ds = t_qstat(self->fd, id);
	ds.perm.uid = NOBODY;	/* hand it to the unprivileged user */
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));

	ds.qbytes = mnb + 1;
	EXPECT_EQ(-EPERM, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_SET,
					     &ds)));
	EXPECT_EQ(mnb, t_qstat(self->fd, id).qbytes);
	ds.qbytes = mnb / 2;
	EXPECT_EQ(0, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds)));
	EXPECT_EQ(mnb / 2, t_qstat(self->fd, id).qbytes);
	ds.qbytes = mnb;
	EXPECT_EQ(0, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds)));
	EXPECT_EQ(mnb, t_qstat(self->fd, id).qbytes);
	/* Root (CAP_SYS_RESOURCE) may go above. */
	ds.qbytes = mnb + 1;
	EXPECT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	EXPECT_EQ(mnb + 1, t_qstat(self->fd, id).qbytes);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, ctl_set_and_rmid_by_non_owner_fail_eperm)
{
	struct aixipc_msqid_ds ds;
	int id;

	id = new_queue(self, 0666);	/* full access is not ownership */
	ASSERT_LE(0, id);
	ds = t_qstat(self->fd, id);
	ds.perm.mode = 0600;
	EXPECT_EQ(-EPERM, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_SET,
					     &ds)));
	EXPECT_EQ(-EPERM, AS_NOBODY(t_rmid(self->fd, id)));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0666U, ds.perm.mode);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, ctl_creator_keeps_control_after_giving_queue_away)
{
	struct aixipc_msqid_ds ds;
	int id;

	/* An unprivileged user creates a queue and gives it to root. */
	id = AS_NOBODY(({
		int q = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT,
				 0600);
		struct aixipc_msqid_ds d;

		if (q >= 0)
			t_track(AIXIPC_MSG, q);
		if (q >= 0 && !t_msgctl(self->fd, q, AIXIPC_IPC_STAT, &d)) {
			d.perm.uid = 0;
			d.perm.gid = 0;
			if (t_msgctl(self->fd, q, AIXIPC_IPC_SET, &d))
				q = -1000;
		}
		q;
	}));
	ASSERT_LE(0, id);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0U, ds.perm.uid);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.cuid);
	EXPECT_EQ((uint32_t)NOBODY, ds.perm.cgid);
	/* As creator it still counts as owner for access and control. */
	EXPECT_EQ(0, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_STAT, &ds)));
	ds.perm.mode = 0400;
	EXPECT_EQ(0, AS_NOBODY(t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds)));
	EXPECT_EQ(0400U, t_qstat(self->fd, id).perm.mode);
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgsnd(self->fd, id, 1, "x", 1,
					      AIXIPC_NOWAIT)));
	EXPECT_EQ(0, AS_NOBODY(t_rmid(self->fd, id)));
	EXPECT_EQ(-EINVAL, t_rmid(self->fd, id));
	t_untrack(AIXIPC_MSG, id);
}

TEST_F(msg, ctl_rejects_unknown_cmd_einval)
{
	struct aixipc_msgctl c;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = 3;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGCTL, &c));
	c.cmd = 0xffffffff;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGCTL, &c));
	c.cmd = 11;	/* Linux's MSG_STAT: not aixipc's */
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGCTL, &c));
	EXPECT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_STAT, &c.ds));
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, -1, AIXIPC_IPC_STAT, &c.ds));
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, ctl_rmid_drops_queued_messages)
{
	char buf[1000];
	int i, id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, t_msgsnd(self->fd, id, 1 + i % 3, buf,
				      sizeof(buf), 0));
	EXPECT_EQ(0, remove_queue(self, id));
	EXPECT_EQ(-EINVAL, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				    AIXIPC_NOWAIT, NULL));
}

/*
 * Fill a queue, block @nsnd senders and @nrcv receivers (of a type nobody
 * sends) on it, remove it: every one of them must fail with EIDRM.
 */
static void rmid_wakes_all(struct __test_metadata *_metadata,
			   FIXTURE_DATA(msg) *self, int nsnd, int nrcv)
{
	struct aixipc_msqid_ds ds;
	pid_t pid[T_MAX_KIDS];
	char buf[100];
	int i, id;

	ASSERT_LE(nsnd + nrcv, T_MAX_KIDS);
	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 100));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 100, 0));

	for (i = 0; i < nsnd + nrcv; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			if (i < nsnd)
				_exit(kid_code(t_msgsnd(self->fd, id, 2, buf,
							10, 0)));
			_exit(kid_code(t_msgrcv(self->fd, id, 99, buf,
						sizeof(buf), 0, NULL)));
		}
		/* One at a time, so each is known to be asleep in the queue. */
		if (i < nsnd) {
			ASSERT_EQ(0, wait_snd_blocked(self->fd, id, pid[i]));
		} else {
			ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid[i]));
		}
	}
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ((nsnd ? AIXIPC_MSG_WWAIT : 0U) |
		  (nrcv ? AIXIPC_MSG_RWAIT : 0U), ds.status);

	ASSERT_EQ(0, remove_queue(self, id));
	for (i = 0; i < nsnd + nrcv; i++)
		EXPECT_EQ(EIDRM, t_reap(&self->kids, pid[i]))
			TH_LOG("%s %d", i < nsnd ? "sender" : "receiver",
			       i < nsnd ? i : i - nsnd);
}

TEST_F_TIMEOUT(msg, ctl_rmid_wakes_blocked_senders_and_receivers_eidrm, 60)
{
	rmid_wakes_all(_metadata, self, 8, 8);
}

/* More sleepers than the module wakes in one batch after unlocking. */
TEST_F_TIMEOUT(msg, ctl_rmid_wakes_forty_blocked_receivers_eidrm, 60)
{
	rmid_wakes_all(_metadata, self, 0, 40);
}

/* ====================================================================== */
/* Signals                                                                */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/*
 * In a child: install a handler for SIGUSR1 with @sa_flags, make one
 * blocking call and report EINTR as such only if the handler ran.
 */
static int blocked_call_interrupted(int fd, int id, bool send, int sa_flags)
{
	struct sigaction sa;
	long buf[8];
	int r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = sa_flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		return KID_BROKEN;
	memset(buf, 0, sizeof(buf));
	if (send) {
		struct aixipc_msgsnd s = {
			.id = id, .msgp = (uintptr_t)buf,
			.size = 64 - sizeof(long), .type_size = sizeof(long),
		};

		buf[0] = 1;
		r = ioctl(fd, AIXIPC_IOC_MSGSND, &s);
	} else {
		struct aixipc_msgrcv rq = {
			.id = id, .msgtyp = 1, .msgp = (uintptr_t)buf,
			.size = 64 - sizeof(long), .type_size = sizeof(long),
		};

		r = ioctl(fd, AIXIPC_IOC_MSGRCV, &rq);
	}
	if (r != -1)
		return KID_WRONG;
	if (errno == EINTR && got_signal != SIGUSR1)
		return KID_WRONG;
	return errno;
}

static void check_interrupted(struct __test_metadata *_metadata,
			      FIXTURE_DATA(msg) *self, bool send, int sa_flags)
{
	struct aixipc_msqid_ds ds;
	char buf[64];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	if (send) {
		ASSERT_EQ(0, t_set_qbytes(self->fd, id, 64));
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(0, t_msgsnd(self->fd, id, 2, buf, 64, 0));
	}
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(blocked_call_interrupted(self->fd, id, send, sa_flags));
	if (send) {
		ASSERT_EQ(0, wait_snd_blocked(self->fd, id, pid));
	} else {
		ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	}
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(EINTR, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(send ? 1ULL : 0ULL, ds.qnum);
	EXPECT_EQ(send ? 64ULL : 0ULL, ds.cbytes);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, sig_handler_interrupts_blocked_msgrcv_eintr)
{
	check_interrupted(_metadata, self, false, 0);
}

TEST_F(msg, sig_handler_with_sa_restart_still_interrupts_msgrcv_eintr)
{
	check_interrupted(_metadata, self, false, SA_RESTART);
}

TEST_F(msg, sig_handler_interrupts_blocked_msgsnd_eintr)
{
	check_interrupted(_metadata, self, true, 0);
}

TEST_F(msg, sig_handler_with_sa_restart_still_interrupts_msgsnd_eintr)
{
	check_interrupted(_metadata, self, true, SA_RESTART);
}

TEST_F(msg, sig_stop_and_continue_restart_blocked_msgrcv_transparently)
{
	int status;
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char in[8] = "";
		long n = t_msgrcv(self->fd, id, 3, in, sizeof(in), 0, NULL);

		_exit(n < 0 ? kid_code(n) : strcmp(in, "go") ? KID_WRONG : 0);
	}
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &status, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(status));
	ASSERT_EQ(0, kill(pid, SIGCONT));
	/* No handler ran: the call restarts and blocks again. */
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 3, "go", 3, 0));
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	EXPECT_EQ(0ULL, t_qstat(self->fd, id).qnum);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, sig_kill_of_blocked_receiver_leaves_nothing_behind)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char in[8];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, "one", 4, 0));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		long word;

		_exit(kid_code(t_msgrcv_raw(self->fd, id, 2, &word, 0,
					    AIXIPC_MSG_NOERROR, NULL)));
	}
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(1ULL, ds.qnum);
	/* A type-2 message now stays queued: nobody is waiting for it. */
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 2, "two", 4, 0));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(2ULL, ds.qnum);
	EXPECT_EQ(8ULL, ds.cbytes);
	EXPECT_EQ(0, ds.lrpid);
	EXPECT_EQ(4, t_msgrcv(self->fd, id, 2, in, sizeof(in), AIXIPC_NOWAIT,
			      &r));
	EXPECT_EQ(0, strcmp(in, "two"));
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, sig_kill_of_blocked_sender_leaves_nothing_behind)
{
	struct aixipc_msqid_ds ds;
	char buf[100];
	pid_t pid;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 100));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 100, 0));
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(kid_code(t_msgsnd(self->fd, id, 2, buf, 50, 0)));
	ASSERT_EQ(0, wait_snd_blocked(self->fd, id, pid));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(1ULL, ds.qnum);
	EXPECT_EQ(100ULL, ds.cbytes);
	/* Freeing room must not resurrect the dead sender's message. */
	ASSERT_EQ(100, t_msgrcv(self->fd, id, 0, buf, sizeof(buf),
				AIXIPC_NOWAIT, NULL));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0ULL, ds.cbytes);
	/* And the queue still works. */
	EXPECT_EQ(0, t_msgsnd(self->fd, id, 3, buf, 100, AIXIPC_NOWAIT));
	EXPECT_EQ(100, t_msgrcv(self->fd, id, 3, buf, sizeof(buf),
				AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(0, remove_queue(self, id));
}

/* ====================================================================== */
/* Limits and permissions on every path (security review regressions)     */

/*
 * A receiver blocked with a buffer it cannot store into (msgp NULL) is
 * handed each new message directly, then faults.  The message may go back
 * on the queue only within the queue's limits; a message that does not
 * fit is lost (as on Linux) and the receiver still gets EFAULT.  Without
 * that, twelve 1 MiB sends pushed a 4 MiB queue to 12 MiB.
 */
TEST_F_TIMEOUT(msg, sec_fault_putback_of_handed_message_keeps_queue_limits, 120)
{
	uint64_t len = self->lim.msgmax < (1U << 20) ? self->lim.msgmax
						     : (1U << 20);
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	uint64_t most = 0;
	char *text, *in;
	int i, id;

	ASSERT_LT(0ULL, len);
	text = malloc(len);
	in = malloc(len);
	ASSERT_TRUE(text != NULL && in != NULL);
	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 4 * len));
	for (i = 1; i <= 12; i++) {
		pid_t pid = t_spawn(&self->kids);

		ASSERT_LE(0, pid);
		if (pid == 0)
			_exit(kid_code(t_msgrcv_raw(self->fd, id, i, NULL, len,
						    0, NULL)));
		ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
		t_fill_pattern(text, len, i);
		/* Handed to the waiting receiver: no room needed. */
		EXPECT_EQ(0, t_msgsnd(self->fd, id, i, text, len,
				      AIXIPC_NOWAIT));
		EXPECT_EQ(EFAULT, t_reap(&self->kids, pid)) TH_LOG("round %d", i);
		ds = t_qstat(self->fd, id);
		EXPECT_GE(4 * len, ds.cbytes)
			TH_LOG("round %d: %llu bytes queued on a %llu-byte queue",
			       i, (unsigned long long)ds.cbytes,
			       (unsigned long long)ds.qbytes);
		EXPECT_GE(self->lim.msgmnm, ds.qnum);
		EXPECT_GE(4ULL, ds.qnum) TH_LOG("round %d", i);
		if (ds.cbytes > most)
			most = ds.cbytes;
	}
	TH_LOG("most bytes queued: %llu of %llu", (unsigned long long)most,
	       (unsigned long long)(4 * len));
	/* The four that fitted went back whole; the rest were dropped. */
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(4ULL, ds.qnum);
	for (i = 1; i <= 4; i++) {
		EXPECT_EQ((long)len, t_msgrcv(self->fd, id, i, in, len,
					      AIXIPC_NOWAIT, &r));
		EXPECT_EQ(-1, t_check_pattern(in, len, i)) TH_LOG("type %d", i);
	}
	for (i = 5; i <= 12; i++)
		EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, id, i, in, len,
					    AIXIPC_NOWAIT, &r));
	EXPECT_EQ(0, remove_queue(self, id));
	free(text);
	free(in);
}

/*
 * A sender blocked on a full queue must still have write permission when
 * it is let in: IPC_SET taking it away fails the sender with EACCES (as
 * Linux, which re-checks on every wake-up) and its message never arrives.
 */
TEST_F(msg, sec_blocked_sender_loses_write_permission_eacces)
{
	struct aixipc_msqid_ds ds;
	char buf[100];
	pid_t pid;
	int id;

	id = new_queue(self, 0622);
	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_set_qbytes(self->fd, id, 100));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 100, 0));	/* full */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (t_become_nobody())
			_exit(KID_BROKEN);
		_exit(kid_code(t_msgsnd(self->fd, id, 2, buf, 10, 0)));
	}
	ASSERT_EQ(0, wait_snd_blocked(self->fd, id, pid));
	ds = t_qstat(self->fd, id);
	ds.perm.mode = 0600;
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	/* Make room: the sender must not take it. */
	ASSERT_EQ(100, t_msgrcv(self->fd, id, 1, buf, sizeof(buf),
				AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(EACCES, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_queue(self, id));
}

/* The same for a blocked receiver and read permission (Linux's too). */
TEST_F(msg, sec_blocked_receiver_loses_read_permission_eacces)
{
	struct aixipc_msqid_ds ds;
	char buf[16] = "secret";
	pid_t pid;
	int id;

	id = new_queue(self, 0644);
	ASSERT_LE(0, id);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char in[16];

		if (t_become_nobody())
			_exit(KID_BROKEN);
		_exit(kid_code(t_msgrcv(self->fd, id, 0, in, sizeof(in), 0,
					NULL)));
	}
	ASSERT_EQ(0, wait_rcv_blocked(self->fd, id, pid));
	ds = t_qstat(self->fd, id);
	ds.perm.mode = 0600;
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	EXPECT_EQ(0, t_msgsnd(self->fd, id, 1, buf, 7, AIXIPC_NOWAIT));
	EXPECT_EQ(EACCES, t_reap(&self->kids, pid));
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(1ULL, ds.qnum);	/* the message was not taken */
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_queue(self, id));
}

/*
 * IPC_RMID of a queue holding many messages frees them after dropping the
 * queue's lock and the registry's rwsem (as Linux's freeque()): msgget,
 * which takes that rwsem, completes meanwhile.  A child calls msgget on
 * another queue's key in a loop and records when each call returns; of the
 * calls returning within the middle half of the RMID call, there must be
 * some.  When the messages were freed under the rwsem, none could.
 */
#define RMID_MESSAGES	100000
#define RMID_STAMPS	(1 << 20)

struct rmid_shared {
	int armed, stop, ready;
	unsigned int n;
	uint64_t stamp[RMID_STAMPS];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

TEST_F_TIMEOUT(msg, sec_rmid_frees_messages_without_blocking_msgget, 300)
{
	int32_t key = test_key(5);
	struct rmid_shared *sh;
	uint64_t t0, t1, lo, hi;
	unsigned int i, during = 0;
	int id, probe;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(sh != MAP_FAILED);
	probe = get_key(self, key, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	ASSERT_LE(0, probe);
	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	ASSERT_LE((uint64_t)RMID_MESSAGES, self->lim.msgmnm);
	for (i = 0; i < RMID_MESSAGES; i++)
		ASSERT_EQ(0, t_msgsnd(self->fd, id, 1, "", 0, AIXIPC_NOWAIT));

	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		__atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&sh->stop, __ATOMIC_SEQ_CST)) {
			if (t_msgget(self->fd, key, 0, 0) != probe)
				_exit(KID_WRONG);
			if (__atomic_load_n(&sh->armed, __ATOMIC_SEQ_CST) &&
			    sh->n < RMID_STAMPS)
				sh->stamp[sh->n++] = now_ns();
		}
		_exit(0);
	}
	while (!__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST))
		usleep(1000);
	__atomic_store_n(&sh->armed, 1, __ATOMIC_SEQ_CST);
	usleep(20000);	/* the prober is in its loop */
	t0 = now_ns();
	EXPECT_EQ(0, remove_queue(self, id));
	t1 = now_ns();
	usleep(20000);
	__atomic_store_n(&sh->stop, 1, __ATOMIC_SEQ_CST);
	EXPECT_EQ(0, t_reap(&self->kids, pid));
	lo = t0 + (t1 - t0) / 4;
	hi = t1 - (t1 - t0) / 4;
	for (i = 0; i < sh->n; i++)
		if (sh->stamp[i] > lo && sh->stamp[i] < hi)
			during++;
	TH_LOG("RMID of %d messages took %llu us; %u of %u msgget calls returned in its middle half",
	       RMID_MESSAGES, (unsigned long long)(t1 - t0) / 1000, during,
	       sh->n);
	EXPECT_LT(0U, during);
	EXPECT_EQ(0, remove_queue(self, probe));
	munmap(sh, sizeof(*sh));
}

/*
 * The per-user cap on message memory (module parameter msg_user_bytes,
 * read from sysfs; without it, its documented default, a sixteenth of
 * RAM, bounds the attempt).
 */
static uint64_t user_cap_bound(void)
{
	FILE *f = fopen("/sys/module/aixipc/parameters/msg_user_bytes", "r");
	unsigned long long v = 0;
	long pages = sysconf(_SC_PHYS_PAGES);

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	if (!v && pages > 0)
		v = (unsigned long long)pages * (unsigned long long)PAGE / 16;
	return v;
}

struct cap_shared {
	int queues[4096];
	int nqueues;
	int stage;		/* 1: filled, blocking on the cap */
	uint64_t big_sent, zero_sent;
	int big_err, zero_err;
	uint64_t zero_qnum;	/* qnum of the queue when zero-length stopped */
	char why[160];
};

#define CAP_FAIL(code, ...) do {					\
	snprintf(sh->why, sizeof(sh->why), __VA_ARGS__);		\
	return (code);							\
} while (0)

/* As uid 65534: fill queues until the cap, then zero-length messages. */
static int cap_filler(int fd, struct cap_shared *sh, uint64_t chunk,
		      uint64_t cap)
{
	uint64_t nbig = cap / chunk + 3, zmax = 2 * (chunk / 32 + 64);
	char *text = calloc(1, chunk);
	struct aixipc_msqid_ds ds;
	uint64_t i;
	int id, err = 0;

	if (!text || t_become_nobody())
		return KID_BROKEN;
	/* Big messages, one per fresh queue: only the cap can refuse one. */
	for (i = 0; i < nbig && sh->nqueues < 4096; i++) {
		id = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
		if (id < 0)
			CAP_FAIL(KID_BROKEN, "msgget: %s", strerror(-id));
		t_track(AIXIPC_MSG, id);
		sh->queues[sh->nqueues++] = id;
		err = t_msgsnd(fd, id, 1, text, chunk, AIXIPC_NOWAIT);
		if (err)
			break;
		sh->big_sent += chunk;
	}
	sh->big_err = err;
	if (err != -EAGAIN)
		CAP_FAIL(KID_WRONG, "%llu bytes in %d queues sent, then %s",
			 (unsigned long long)sh->big_sent, sh->nqueues,
			 err ? strerror(-err) : "no refusal");
	/* Zero-length messages on the (empty) last queue: headers count. */
	for (i = 0; i < zmax; i++) {
		err = t_msgsnd(fd, id, 2, text, 0, AIXIPC_NOWAIT);
		if (err)
			break;
		sh->zero_sent++;
	}
	sh->zero_err = err;
	if (t_msgctl(fd, id, AIXIPC_IPC_STAT, &ds) == 0)
		sh->zero_qnum = ds.qnum;
	if (err != -EAGAIN)
		CAP_FAIL(KID_WRONG, "%llu zero-length messages sent, then %s",
			 (unsigned long long)sh->zero_sent,
			 err ? strerror(-err) : "no refusal");
	/* At the cap, a send without IPC_NOWAIT waits for memory. */
	id = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	if (id < 0)
		CAP_FAIL(KID_BROKEN, "msgget: %s", strerror(-id));
	t_track(AIXIPC_MSG, id);
	sh->queues[sh->nqueues++] = id;
	__atomic_store_n(&sh->stage, 1, __ATOMIC_SEQ_CST);
	err = t_msgsnd(fd, id, 3, text, chunk, 0);
	free(text);
	if (err)
		CAP_FAIL(kid_code(err), "blocking send at the cap: %s",
			 strerror(-err));
	return 0;
}

/*
 * Message memory is capped per user (text plus each message's kernel
 * header): an unprivileged user filling queue after queue is stopped by
 * the cap (EAGAIN with IPC_NOWAIT, as a full queue), zero-length messages
 * included; without IPC_NOWAIT it waits, and memory released when another
 * user (root here) receives one of its messages lets it go on.
 */
TEST_F_TIMEOUT(msg, sec_per_user_cap_stops_unprivileged_user, 300)
{
	uint64_t chunk = self->lim.msgmax < self->lim.msgmnb ?
			 self->lim.msgmax : self->lim.msgmnb;
	uint64_t cap = user_cap_bound();
	struct cap_shared *sh;
	char *in;
	pid_t pid;
	int i, code;

	ASSERT_LT(1024ULL, chunk);
	ASSERT_LT(0ULL, cap);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	in = malloc(chunk);
	ASSERT_TRUE(in != NULL);
	TH_LOG("user cap %llu bytes, messages of %llu",
	       (unsigned long long)cap, (unsigned long long)chunk);
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(cap_filler(self->fd, sh, chunk, cap));
	for (i = 0; i < 600000 && !__atomic_load_n(&sh->stage, __ATOMIC_SEQ_CST);
	     i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			pid = 0;
			break;
		}
		usleep(1000);
	}
	TH_LOG("%llu bytes sent in %d queues (%s), then %llu zero-length (%s, qnum %llu)",
	       (unsigned long long)sh->big_sent, sh->nqueues,
	       strerror(-sh->big_err), (unsigned long long)sh->zero_sent,
	       strerror(-sh->zero_err), (unsigned long long)sh->zero_qnum);
	ASSERT_NE(0, pid) TH_LOG("filler: %s", sh->why);
	ASSERT_EQ(1, sh->stage);
	EXPECT_GE(cap, sh->big_sent);
	/* Stopped by the cap, not by the queue's message count. */
	EXPECT_GT(self->lim.msgmnm, sh->zero_qnum);
	/* The filler now waits for memory; root frees one of its messages. */
	ASSERT_EQ(0, t_wait_sleeping_in(pid, "aixipc_msg"));
	ASSERT_EQ((long)chunk, t_msgrcv(self->fd, sh->queues[0], 1, in, chunk,
				       AIXIPC_NOWAIT, NULL));
	code = t_reap(&self->kids, pid);
	EXPECT_EQ(0, code) TH_LOG("filler: %s", sh->why);
	for (i = 0; i < sh->nqueues; i++)
		EXPECT_EQ(0, remove_queue(self, sh->queues[i]));
	free(in);
	munmap(sh, sizeof(*sh));
}

/* ====================================================================== */
/* Concurrency                                                            */

/*
 * CONC_PRODUCERS processes send CONC_MESSAGES messages in all, of random
 * types 1..CONC_TYPES and random payload sizes 0..CONC_MAX_PAYLOAD, on one
 * queue.  Each type has exactly one consumer (receiving with msgtyp = its
 * type), so per (producer, type) the sequence numbers must arrive
 * consecutively.  A producer ends each type with an end marker.
 *
 * All 100,000 messages (about 400 MB of payload) fit: the whole of this
 * file runs in under 15 s under QEMU TCG with 2 vCPUs and an ASan build;
 * the timeout leaves ample room for a slower host.  The debug kernels are
 * much slower: this one test took 124 s on the 6.1 one and 208 s on the
 * 6.12 one (TCG on a loaded 2-core host), hence 600 s.
 */
#define CONC_PRODUCERS		4
#define CONC_TYPES		4
#define CONC_MESSAGES		100000
#define CONC_MAX_PAYLOAD	8192
#define CONC_END		UINT32_MAX	/* seq of an end marker */

struct conc_hdr {
	uint32_t producer;
	uint32_t seq;
	uint32_t len;		/* payload bytes after the header */
	uint32_t sum;
};

/* The caller's buffer: type word, then the text (header and payload). */
struct conc_msg {
	long mtype;
	struct conc_hdr h;
	unsigned char payload[CONC_MAX_PAYLOAD];
};

struct conc_shared {
	uint64_t sent[CONC_PRODUCERS][CONC_TYPES];
	uint64_t sent_bytes[CONC_PRODUCERS][CONC_TYPES];
	uint64_t rcvd[CONC_PRODUCERS][CONC_TYPES];
	uint64_t rcvd_bytes[CONC_PRODUCERS][CONC_TYPES];
	char why[CONC_PRODUCERS + CONC_TYPES][160];	/* failure reasons */
};

static int conc_producer(int fd, int id, int me, struct conc_shared *sh)
{
	struct conc_msg *m = malloc(sizeof(*m));
	uint32_t seq[CONC_TYPES] = { 0 };
	uint64_t rng = 0x9e3779b97f4a7c15ULL * (me + 1);
	struct conc_hdr h;
	int i, t, err;

	if (!m)
		return KID_BROKEN;
	for (i = me; i < CONC_MESSAGES; i += CONC_PRODUCERS) {
		size_t n;

		t = (int)(t_xorshift(&rng) % CONC_TYPES);
		h.producer = me;
		h.seq = seq[t]++;
		h.len = (uint32_t)(t_xorshift(&rng) % (CONC_MAX_PAYLOAD + 1));
		for (n = 0; n < h.len; n += 8) {
			uint64_t w = t_xorshift(&rng);

			memcpy(m->payload + n, &w,
			       h.len - n < 8 ? h.len - n : 8);
		}
		h.sum = t_sum32(m->payload, h.len);
		m->mtype = t + 1;
		m->h = h;
		err = t_msgsnd_raw(fd, id, m, sizeof(h) + h.len, 0);
		if (err) {
			snprintf(sh->why[me], sizeof(sh->why[me]),
				 "producer %d: msgsnd: %s", me, strerror(-err));
			return kid_code(err);
		}
		sh->sent[me][t]++;
		sh->sent_bytes[me][t] += h.len;
	}
	for (t = 0; t < CONC_TYPES; t++) {
		h.producer = me;
		h.seq = CONC_END;
		h.len = 0;
		h.sum = 0;
		m->mtype = t + 1;
		m->h = h;
		err = t_msgsnd_raw(fd, id, m, sizeof(h), 0);
		if (err) {
			snprintf(sh->why[me], sizeof(sh->why[me]),
				 "producer %d: end marker: %s", me,
				 strerror(-err));
			return kid_code(err);
		}
	}
	free(m);
	return 0;
}

#define CONC_FAIL(...) do {						\
	snprintf(why, sizeof(sh->why[0]), __VA_ARGS__);			\
	free(m);							\
	return KID_WRONG;						\
} while (0)

static int conc_consumer(int fd, int id, int type, struct conc_shared *sh)
{
	size_t room = sizeof(struct conc_hdr) + CONC_MAX_PAYLOAD;
	struct conc_msg *m = malloc(sizeof(*m));
	char *why = sh->why[CONC_PRODUCERS + type - 1];
	uint32_t next[CONC_PRODUCERS] = { 0 };
	bool ended[CONC_PRODUCERS] = { false };
	int nended = 0;

	if (!m)
		return KID_BROKEN;
	while (nended < CONC_PRODUCERS) {
		struct aixipc_msgrcv r;
		struct conc_hdr h;
		long n = t_msgrcv_raw(fd, id, type, m, room, 0, &r);

		if (n < 0)
			CONC_FAIL("consumer %d: msgrcv: %s", type,
				  strerror((int)-n));
		if (r.mtype != type || m->mtype != type)
			CONC_FAIL("consumer %d: got type %lld (word %ld)",
				  type, (long long)r.mtype, m->mtype);
		if ((size_t)n < sizeof(h))
			CONC_FAIL("consumer %d: short message, %ld bytes",
				  type, n);
		h = m->h;
		if (h.producer >= CONC_PRODUCERS || ended[h.producer])
			CONC_FAIL("consumer %d: producer %u unknown or ended",
				  type, h.producer);
		if (r.pid <= 0)
			CONC_FAIL("consumer %d: sender pid %d", type, r.pid);
		if (h.seq == CONC_END) {
			ended[h.producer] = true;
			nended++;
			continue;
		}
		if ((size_t)n != sizeof(h) + h.len)
			CONC_FAIL("consumer %d: length %ld, header says %u",
				  type, n, h.len);
		if (h.seq != next[h.producer])
			CONC_FAIL("consumer %d: producer %u: seq %u, want %u",
				  type, h.producer, h.seq, next[h.producer]);
		if (t_sum32(m->payload, h.len) != h.sum)
			CONC_FAIL("consumer %d: producer %u seq %u: bad sum",
				  type, h.producer, h.seq);
		next[h.producer]++;
		sh->rcvd[h.producer][type - 1]++;
		sh->rcvd_bytes[h.producer][type - 1] += h.len;
	}
	free(m);
	return 0;
}

TEST_F_TIMEOUT(msg, conc_four_producers_four_consumers_lose_nothing, 600)
{
	struct conc_shared *sh;
	struct aixipc_msqid_ds ds;
	pid_t pid[CONC_PRODUCERS + CONC_TYPES];
	uint64_t total = 0, total_bytes = 0;
	int i, p, t, id;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	/* Consumers first, so some of the traffic is handed over directly. */
	for (i = 0; i < CONC_TYPES + CONC_PRODUCERS; i++) {
		pid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			if (i < CONC_TYPES)
				_exit(conc_consumer(self->fd, id, i + 1, sh));
			_exit(conc_producer(self->fd, id, i - CONC_TYPES, sh));
		}
	}
	for (i = 0; i < CONC_TYPES + CONC_PRODUCERS; i++) {
		int who = i < CONC_TYPES ? CONC_PRODUCERS + i : i - CONC_TYPES;

		EXPECT_EQ(0, t_reap(&self->kids, pid[i]))
			TH_LOG("%s", sh->why[who][0] ? sh->why[who] :
			       "(no reason given)");
	}
	for (p = 0; p < CONC_PRODUCERS; p++) {
		for (t = 0; t < CONC_TYPES; t++) {
			EXPECT_EQ(sh->sent[p][t], sh->rcvd[p][t])
				TH_LOG("producer %d type %d", p, t + 1);
			EXPECT_EQ(sh->sent_bytes[p][t], sh->rcvd_bytes[p][t])
				TH_LOG("producer %d type %d", p, t + 1);
			total += sh->rcvd[p][t];
			total_bytes += sh->rcvd_bytes[p][t];
		}
	}
	EXPECT_EQ((uint64_t)CONC_MESSAGES, total);
	TH_LOG("%llu messages, %llu payload bytes",
	       (unsigned long long)total, (unsigned long long)total_bytes);
	ds = t_qstat(self->fd, id);
	EXPECT_EQ(0ULL, ds.qnum);
	EXPECT_EQ(0ULL, ds.cbytes);
	EXPECT_EQ(0U, ds.status);
	EXPECT_EQ(0, remove_queue(self, id));
	munmap(sh, sizeof(*sh));
}

/* ====================================================================== */
/* AIXIPC_IOC_LIST                                                        */

#define LIST_MAX 256

TEST_F(msg, list_walk_in_small_batches_finds_every_queue)
{
	struct aixipc_list_entry *e;
	int i, j, n, id[3];
	char buf[10] = "";

	e = calloc(LIST_MAX, sizeof(*e));
	ASSERT_TRUE(e != NULL);
	for (i = 0; i < 3; i++) {
		id[i] = new_queue(self, 0600 | (i << 3));
		ASSERT_LE(0, id[i]);
		for (j = 0; j < i; j++)
			ASSERT_EQ(0, t_msgsnd(self->fd, id[i], 1, buf, 10, 0));
	}
	n = t_list_walk(self->fd, AIXIPC_MSG, e, LIST_MAX, 2);
	ASSERT_LE(3, n);
	ASSERT_GE(LIST_MAX, n);
	for (i = 0; i < 3; i++) {
		const struct aixipc_list_entry *x = t_find_entry(e, n, id[i]);

		ASSERT_TRUE(x != NULL) TH_LOG("queue %d missing or listed twice",
					  id[i]);
		EXPECT_EQ((uint32_t)AIXIPC_MSG, x->kind);
		EXPECT_EQ((uint64_t)i, x->msg.qnum);
		EXPECT_EQ((uint64_t)i * 10, x->msg.cbytes);
		EXPECT_EQ((uint32_t)(0600 | (i << 3)), x->msg.perm.mode);
		EXPECT_EQ(AIXIPC_KEY_PRIVATE, x->msg.perm.key);
		EXPECT_EQ(self->lim.msgmnb, x->msg.qbytes);
	}
	/* Batches of one see the same set. */
	EXPECT_EQ(n, t_list_walk(self->fd, AIXIPC_MSG, e, LIST_MAX, 1));

	/* A removed queue is no longer listed. */
	ASSERT_EQ(0, remove_queue(self, id[1]));
	n = t_list_walk(self->fd, AIXIPC_MSG, e, LIST_MAX, 3);
	EXPECT_TRUE(t_find_entry(e, n, id[1]) == NULL);
	EXPECT_TRUE(t_find_entry(e, n, id[0]) != NULL);
	EXPECT_TRUE(t_find_entry(e, n, id[2]) != NULL);
	EXPECT_EQ(0, remove_queue(self, id[0]));
	EXPECT_EQ(0, remove_queue(self, id[2]));
	free(e);
}

TEST_F(msg, list_rejects_short_entry_size_and_flags_einval)
{
	struct aixipc_list_entry e[2];
	struct aixipc_list l;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	memset(&l, 0, sizeof(l));
	EXPECT_EQ(-EINVAL, t_list_call(self->fd, &l, AIXIPC_MSG, e, 2,
				       AIXIPC_LIST_ENTRY_SIZE_V1 - 1));
	EXPECT_EQ(-EINVAL, t_list_call(self->fd, &l, AIXIPC_MSG, e, 2, 8));
	EXPECT_EQ(-EINVAL, t_list_call(self->fd, &l, AIXIPC_MSG, e, 2, 0));
	l.flags = 1;
	EXPECT_EQ(-EINVAL, t_list_call(self->fd, &l, AIXIPC_MSG, e, 2,
				       sizeof(e[0])));
	l.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, t_list_call(self->fd, &l, AIXIPC_MSG, e, 2,
				       sizeof(e[0])));
	l.flags = 0;
	l.kind = AIXIPC_NR_KINDS;
	l.entries = (uintptr_t)e;
	l.count = 2;
	l.entry_size = sizeof(e[0]);
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_LIST, &l));
	/* The valid call works. */
	memset(&l, 0, sizeof(l));
	EXPECT_EQ(0, t_list_call(self->fd, &l, AIXIPC_MSG, e, 2, sizeof(e[0])));
	EXPECT_LE(1U, l.count);
	EXPECT_EQ(0, remove_queue(self, id));
}

TEST_F(msg, list_larger_entry_size_zero_fills_the_tail)
{
	size_t esz = sizeof(struct aixipc_list_entry) + 24;
	struct aixipc_list l;
	unsigned char *buf;
	uint32_t i;
	size_t k;
	int id;

	id = new_queue(self, 0600);
	ASSERT_LE(0, id);
	buf = malloc(esz * 2);
	ASSERT_TRUE(buf != NULL);
	memset(buf, 0xee, esz * 2);
	memset(&l, 0, sizeof(l));
	ASSERT_EQ(0, t_list_call(self->fd, &l, AIXIPC_MSG, buf, 2, esz));
	ASSERT_LE(1U, l.count);
	for (i = 0; i < l.count; i++) {
		struct aixipc_list_entry e;

		memcpy(&e, buf + i * esz, sizeof(e));
		EXPECT_EQ((uint32_t)AIXIPC_MSG, e.kind);
		for (k = sizeof(e); k < esz; k++)
			EXPECT_EQ(0, buf[i * esz + k]);
	}
	/* Entries not filled are left alone. */
	for (k = l.count * esz; k < 2 * esz; k++)
		EXPECT_EQ(0xee, buf[k]);
	free(buf);
	EXPECT_EQ(0, remove_queue(self, id));
}

/* Like /proc/sysvipc, the listing shows every queue, readable or not. */
TEST_F(msg, list_shows_every_queue_even_unreadable_ones)
{
	int hidden, shown;

	hidden = new_queue(self, 0600);
	ASSERT_LE(0, hidden);
	shown = new_queue(self, 0604);
	ASSERT_LE(0, shown);
	EXPECT_EQ(-EACCES, AS_NOBODY(t_msgctl(self->fd, hidden,
					      AIXIPC_IPC_STAT, NULL)));
	EXPECT_EQ(1, AS_NOBODY(t_times_listed(self->fd, AIXIPC_MSG, shown)));
	EXPECT_EQ(1, AS_NOBODY(t_times_listed(self->fd, AIXIPC_MSG, hidden)))
		TH_LOG("a 0600 root queue is not listed to uid %d", NOBODY);
	EXPECT_EQ(0, remove_queue(self, hidden));
	EXPECT_EQ(0, remove_queue(self, shown));
}

TEST_HARNESS_MAIN
