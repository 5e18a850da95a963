// SPDX-License-Identifier: GPL-2.0
/*
 * conform_msg - message queues through the classic API (msgget, msgsnd,
 * msgrcv, msgctl), run on Linux's native SysV IPC and through libaixipc
 * (see conform.h).  In the spirit of LTP's msgget/msgsnd/msgrcv/msgctl
 * tests; where aixipc deliberately differs (Documentation/aixipc.rst:
 * AIX limits, key -1) each side's value is asserted.
 */
#include "conform.h"

#define MSGMAX_NATIVE	8192		/* Linux's defaults (a fresh VM) */
#define MSGMNB_NATIVE	16384
#define MSGMNI_NATIVE	32000
#define MSGMAX_AIX	4194304		/* aixipc's (AIX 7.x) */
#define MSGMNB_AIX	4194304
#define MSGMNI_AIX	1048576

struct mbuf {
	long mtype;
	char mtext[256];
};

static int send_text(int q, long type, const char *text, int flags)
{
	struct mbuf m = { .mtype = type };

	memcpy(m.mtext, text, strlen(text));
	return msgsnd(q, &m, strlen(text), flags);
}

/* Receive into a fresh buffer; returns msgrcv's value, text NUL-ended. */
static ssize_t recv_text(int q, struct mbuf *m, size_t size, long type,
			 int flags)
{
	ssize_t n;

	memset(m, 0, sizeof(*m));
	n = msgrcv(q, m, size, type, flags);
	if (n >= 0 && (size_t)n < sizeof(m->mtext))
		m->mtext[n] = '\0';
	return n;
}

static struct msqid_ds stat_of(int q)
{
	struct msqid_ds ds;

	memset(&ds, 0xa5, sizeof(ds));
	if (msgctl(q, IPC_STAT, &ds))
		memset(&ds, 0, sizeof(ds));
	return ds;
}

/* ---------------------------------------------------------------------- */
/* msgget                                                                 */

TEST(msgget_private_is_always_new)
{
	int a = new_msq(), b = new_msq();
	struct msqid_ds ds;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_NE(a, b);
	ASSERT_EQ(0, msgctl(a, IPC_STAT, &ds));
	/* Both sides report a private queue's key as IPC_PRIVATE. */
	EXPECT_EQ(IPC_PRIVATE, ds.msg_perm.__key);
	EXPECT_EQ(0600, ds.msg_perm.mode & 0777);
	EXPECT_EQ(geteuid(), ds.msg_perm.uid);
	EXPECT_EQ(geteuid(), ds.msg_perm.cuid);
	EXPECT_EQ(getegid(), ds.msg_perm.gid);
	EXPECT_EQ(getegid(), ds.msg_perm.cgid);
}

TEST(msgget_key_create_find_exclusive)
{
	key_t k = test_key(1);
	int id = new_msq_key(k, IPC_CREAT | IPC_EXCL | 0640);
	struct msqid_ds ds;

	ASSERT_LE(0, id);
	EXPECT_EQ(id, msgget(k, 0));
	EXPECT_EQ(id, msgget(k, IPC_CREAT | 0600));
	EXPECT_EQ(-1, msgget(k, IPC_CREAT | IPC_EXCL | 0600));
	EXPECT_EQ(EEXIST, errno);
	ASSERT_EQ(0, msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(k, ds.msg_perm.__key);
	EXPECT_EQ(0640, ds.msg_perm.mode & 0777);

	EXPECT_EQ(-1, msgget(test_key(2), 0600));
	EXPECT_EQ(ENOENT, errno);
	ASSERT_EQ(0, remove_obj(K_MSG, id));
	EXPECT_EQ(-1, msgget(k, 0));
	EXPECT_EQ(ENOENT, errno);
	/* The removed id is gone for every call. */
	EXPECT_EQ(-1, msgctl(id, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * Key -1 (what a failed ftok returns): an ordinary public key on Linux;
 * AIX's IPC_PRIVATE on aixipc, so every get makes a new private queue
 * (Documentation/aixipc.rst, "Keys").
 */
TEST(msgget_key_minus_one)
{
	int a = new_msq_key((key_t)-1, IPC_CREAT | 0600);
	int b = new_msq_key((key_t)-1, IPC_CREAT | 0600);
	struct msqid_ds ds;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(SIDE(true, false), a == b);
	ASSERT_EQ(0, msgctl(a, IPC_STAT, &ds));
	EXPECT_EQ(SIDE((key_t)-1, IPC_PRIVATE), ds.msg_perm.__key);
	/* Without IPC_CREAT: found on Linux, a new queue again on aixipc. */
	b = new_msq_key((key_t)-1, 0600);
	ASSERT_LE(0, b);
	EXPECT_EQ(SIDE(true, false), a == b);
}

/* Permissions as an unprivileged uid: the get's mode asks for bits. */
TEST(msg_permissions_of_others)
{
	key_t k = test_key(3);
	int id = new_msq_key(k, IPC_CREAT | 0600);
	struct msqid_ds ds;
	pid_t pid;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, send_text(id, 1, "x", 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mbuf m;

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(msgget(k, 0) == id);
		CHILD_CHECK(msgget(k, 0400) == -1 && errno == EACCES);
		CHILD_CHECK(msgget(k, 0200) == -1 && errno == EACCES);
		CHILD_CHECK(send_text(id, 1, "y", IPC_NOWAIT) == -1 &&
			    errno == EACCES);
		CHILD_CHECK(msgrcv(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT) == -1 &&
			    errno == EACCES);
		CHILD_CHECK(msgctl(id, IPC_STAT, &ds) == -1 && errno == EACCES);
		memset(&ds, 0, sizeof(ds));
		ds.msg_perm.mode = 0666;
		CHILD_CHECK(msgctl(id, IPC_SET, &ds) == -1 && errno == EPERM);
		CHILD_CHECK(msgctl(id, IPC_RMID, NULL) == -1 && errno == EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));

	/* Open to all: others may send and receive, still not remove. */
	ASSERT_EQ(0, msgctl(id, IPC_STAT, &ds));
	ds.msg_perm.mode = 0666;
	ASSERT_EQ(0, msgctl(id, IPC_SET, &ds));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mbuf m;

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(msgget(k, 0600) == id);
		CHILD_CHECK(recv_text(id, &m, sizeof(m.mtext), 0, IPC_NOWAIT) == 1);
		CHILD_CHECK(send_text(id, 2, "zz", IPC_NOWAIT) == 0);
		CHILD_CHECK(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1);
		CHILD_CHECK(msgctl(id, IPC_RMID, NULL) == -1 && errno == EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	ds = stat_of(id);
	EXPECT_EQ(1, ds.msg_qnum);
	EXPECT_EQ(pid, ds.msg_lspid);
	EXPECT_EQ(pid, ds.msg_lrpid);
}

/* ---------------------------------------------------------------------- */
/* msgsnd, msgrcv                                                         */

TEST(send_receive_and_stat_fields)
{
	time_t t0 = now();
	int q = new_msq();
	struct msqid_ds ds;
	struct mbuf m;

	ASSERT_LE(0, q);
	ds = stat_of(q);
	EXPECT_EQ(0, ds.msg_qnum);
	EXPECT_EQ(0, ds.__msg_cbytes);
	EXPECT_EQ(SIDE(MSGMNB_NATIVE, MSGMNB_AIX), ds.msg_qbytes);
	EXPECT_EQ(0, ds.msg_lspid);
	EXPECT_EQ(0, ds.msg_lrpid);
	EXPECT_EQ(0, ds.msg_stime);
	EXPECT_EQ(0, ds.msg_rtime);
	EXPECT_LE(t0, ds.msg_ctime);
	EXPECT_GE(now(), ds.msg_ctime);

	ASSERT_EQ(0, send_text(q, 7, "hello", 0));
	ds = stat_of(q);
	EXPECT_EQ(1, ds.msg_qnum);
	EXPECT_EQ(5, ds.__msg_cbytes);
	EXPECT_EQ(getpid(), ds.msg_lspid);
	EXPECT_EQ(0, ds.msg_lrpid);
	EXPECT_LE(t0, ds.msg_stime);
	EXPECT_GE(now(), ds.msg_stime);

	ASSERT_EQ(5, recv_text(q, &m, sizeof(m.mtext), 0, 0));
	EXPECT_EQ(7, m.mtype);
	EXPECT_STREQ("hello", m.mtext);
	ds = stat_of(q);
	EXPECT_EQ(0, ds.msg_qnum);
	EXPECT_EQ(0, ds.__msg_cbytes);
	EXPECT_EQ(getpid(), ds.msg_lrpid);
	EXPECT_LE(t0, ds.msg_rtime);
	EXPECT_GE(now(), ds.msg_rtime);

	/* A message of no text. */
	ASSERT_EQ(0, msgsnd(q, &m, 0, 0));
	EXPECT_EQ(0, msgrcv(q, &m, sizeof(m.mtext), 0, IPC_NOWAIT));
}

/*
 * Times past a 32-bit time_t's end (2038) and past 32 bits (2106): the
 * 64-bit ABI and 32-bit programs built with a 64-bit time_t (glibc's
 * time64 msgctl) see each time whole; 32-bit programs with a 32-bit
 * time_t its low 32 bits.  The wall clock is set forward for a moment.
 */
TEST(times_past_2038_and_2106)
{
	static const int64_t when[] = { PAST_2038, PAST_2106 };
	struct msqid_ds made[2], sent[2], got[2];
	struct clock_save save;
	int q[2], i, set = 0;
	struct mbuf m;

	for (i = 0; i < 2; i++) {
		if (clock_forward(when[i], &save)) {
			if (errno == EPERM)
				SKIP(return, "setting the clock needs CAP_SYS_TIME");
			break;
		}
		set++;
		q[i] = new_msq();
		made[i] = stat_of(q[i]);
		send_text(q[i], 1, "x", 0);
		sent[i] = stat_of(q[i]);
		recv_text(q[i], &m, sizeof(m.mtext), 0, IPC_NOWAIT);
		got[i] = stat_of(q[i]);
		ASSERT_EQ(0, clock_back(&save));
	}
	ASSERT_EQ(2, set);
	for (i = 0; i < 2; i++) {
		TH_LOG("%s: ctime %lld stime %lld rtime %lld", i ? "2106" : "2038",
		       (long long)made[i].msg_ctime, (long long)sent[i].msg_stime,
		       (long long)got[i].msg_rtime);
		ASSERT_LE(0, q[i]);
		EXPECT_TRUE(time_near(made[i].msg_ctime, when[i]));
		EXPECT_TRUE(time_near(sent[i].msg_stime, when[i]));
		EXPECT_TRUE(time_near(got[i].msg_rtime, when[i]));
		EXPECT_EQ(1, sent[i].msg_qnum);
		EXPECT_EQ(0, got[i].msg_qnum);
		EXPECT_EQ(getpid(), got[i].msg_lrpid);
	}
}

TEST(msgsnd_invalid_arguments)
{
	int q = new_msq(), gone = new_msq();
	struct mbuf m = { .mtype = 1 };

	ASSERT_LE(0, q);
	ASSERT_LE(0, gone);
	ASSERT_EQ(0, remove_obj(K_MSG, gone));
	m.mtype = 0;
	EXPECT_EQ(-1, msgsnd(q, &m, 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	m.mtype = -5;
	EXPECT_EQ(-1, msgsnd(q, &m, 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	m.mtype = 1;
	EXPECT_EQ(-1, msgsnd(q, &m, (size_t)-1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgsnd(-1, &m, 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgsnd(gone, &m, 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgrcv(gone, &m, 1, 0, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, stat_of(q).msg_qnum);
	/*
	 * A size whose signed value is negative is EINVAL, for a 32-bit
	 * size_t too (Linux's compat calls take a signed size), and the
	 * message stays.
	 */
	ASSERT_EQ(0, msgsnd(q, &m, 1, IPC_NOWAIT));
	errno = 0;
	EXPECT_EQ(-1, msgrcv(q, &m, (size_t)-1, 0, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, msgrcv(q, &m, (size_t)SSIZE_MAX + 1, 0, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, stat_of(q).msg_qnum);
}

/*
 * The largest message is msgmax: Linux's 8192, aixipc's 4 MiB; one byte
 * more is EINVAL on both.
 */
TEST(message_size_limit)
{
	size_t max = SIDE(MSGMAX_NATIVE, MSGMAX_AIX);
	struct mbuf *m = malloc(sizeof(long) + max + 1), *r;
	int q = new_msq();
	size_t i;

	ASSERT_NE(NULL, m);
	r = malloc(sizeof(long) + max + 1);
	ASSERT_NE(NULL, r);
	ASSERT_LE(0, q);
	m->mtype = 3;
	for (i = 0; i < max + 1; i++)
		m->mtext[i] = (char)(i * 7 + 1);
	EXPECT_EQ(-1, msgsnd(q, m, max + 1, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	/* msg_qbytes is at least msgmax on both sides: it fits. */
	ASSERT_EQ(0, msgsnd(q, m, max, IPC_NOWAIT));
	EXPECT_EQ(max, stat_of(q).__msg_cbytes);
	ASSERT_EQ((ssize_t)max, msgrcv(q, r, max + 1, 0, IPC_NOWAIT));
	EXPECT_EQ(3, r->mtype);
	EXPECT_EQ(0, memcmp(m->mtext, r->mtext, max));
	free(m);
	free(r);
}

/* A 1 MiB message: within AIX's limits, beyond Linux's msgmax. */
TEST(one_mebibyte_message)
{
	size_t size = 1 << 20;
	struct mbuf *m = malloc(sizeof(long) + size), *r = malloc(sizeof(long) + size);
	int q = new_msq();
	size_t i;

	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, r);
	ASSERT_LE(0, q);
	m->mtype = 9;
	for (i = 0; i < size; i++)
		m->mtext[i] = (char)(i ^ (i >> 8));
	if (!on_aixipc) {
		EXPECT_EQ(-1, msgsnd(q, m, size, IPC_NOWAIT));
		EXPECT_EQ(EINVAL, errno);
	} else {
		ASSERT_EQ(0, msgsnd(q, m, size, IPC_NOWAIT));
		ASSERT_EQ((ssize_t)size, msgrcv(q, r, size, 9, IPC_NOWAIT));
		EXPECT_EQ(0, memcmp(m->mtext, r->mtext, size));
	}
	free(m);
	free(r);
}

#if defined(__x86_64__)
/* AIX's 32-bit message types: aixipc refuses what Linux stores. */
TEST(message_type_beyond_32_bits)
{
	int q = new_msq();
	struct mbuf m = { .mtype = 0x100000001L };

	ASSERT_LE(0, q);
	EXPECT_EQ(SIDE(0, -1), msgsnd(q, &m, 1, IPC_NOWAIT));
	if (on_aixipc)
		EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(SIDE(1, 0), stat_of(q).msg_qnum);
	m.mtype = 0x7fffffffL;
	EXPECT_EQ(0, msgsnd(q, &m, 1, IPC_NOWAIT));
	ASSERT_EQ(1, msgrcv(q, &m, 8, 0x7fffffffL, IPC_NOWAIT));
	EXPECT_EQ(0x7fffffffL, m.mtype);
}
#endif

/*
 * Unreadable or unwritable message buffers fail with EFAULT.  A receive
 * into a bad buffer keeps the message on aixipc; Linux loses it.  (Not
 * the *ctl calls: 32-bit glibc copies their structs itself and faults.)
 */
TEST(bad_buffers_efault)
{
	int q = new_msq();
	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_LE(0, q);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-1, msgsnd(q, (void *)PAGE, 1, IPC_NOWAIT));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, stat_of(q).msg_qnum);
	ASSERT_EQ(0, send_text(q, 1, "keep", 0));
	EXPECT_EQ(-1, msgrcv(q, ro, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(SIDE(0, 1), stat_of(q).msg_qnum);
	munmap(ro, PAGE);
}

/*
 * A message that a blocked receiver wants goes straight to it on aixipc,
 * even when the queue is full; Linux makes the sender wait for room.
 */
TEST(full_queue_and_waiting_receiver)
{
	int q = new_msq();
	struct msqid_ds ds;
	struct mbuf m;
	pid_t pid;

	ASSERT_LE(0, q);
	ds = stat_of(q);
	ds.msg_qbytes = 4;
	ASSERT_EQ(0, msgctl(q, IPC_SET, &ds));
	ASSERT_EQ(0, send_text(q, 1, "full", 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(recv_text(q, &m, 64, 2, 0) == 3);
		CHILD_CHECK(!strcmp(m.mtext, "two"));
		_exit(0);
	}
	ASSERT_EQ(0, wait_sleeping_in(pid, MSG_SLEEP));
	EXPECT_EQ(SIDE(-1, 0), send_text(q, 2, "two", IPC_NOWAIT));
	if (!on_aixipc) {
		EXPECT_EQ(EAGAIN, errno);
		/* Room made, the sender gets through to the receiver. */
		ASSERT_EQ(4, recv_text(q, &m, 64, 1, IPC_NOWAIT));
		ASSERT_EQ(0, send_text(q, 2, "two", IPC_NOWAIT));
	}
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(SIDE(0, 1), stat_of(q).msg_qnum);
}

TEST(msgrcv_nowait_enomsg)
{
	int q = new_msq();
	struct mbuf m;

	ASSERT_LE(0, q);
	EXPECT_EQ(-1, msgrcv(q, &m, sizeof(m.mtext), 0, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	ASSERT_EQ(0, send_text(q, 2, "two", 0));
	EXPECT_EQ(-1, msgrcv(q, &m, sizeof(m.mtext), 3, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(-1, msgrcv(q, &m, sizeof(m.mtext), -1, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(1, stat_of(q).msg_qnum);
}

TEST(msgrcv_e2big_and_msg_noerror)
{
	char text[101];
	int q = new_msq();
	struct mbuf m;

	ASSERT_LE(0, q);
	memset(text, 'a', 100);
	text[100] = '\0';
	text[49] = 'Z';
	ASSERT_EQ(0, send_text(q, 1, text, 0));
	EXPECT_EQ(-1, recv_text(q, &m, 50, 0, IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);
	/* The message stays queued. */
	EXPECT_EQ(1, stat_of(q).msg_qnum);
	EXPECT_EQ(100, stat_of(q).__msg_cbytes);
	/* MSG_NOERROR truncates; the rest is lost. */
	ASSERT_EQ(50, recv_text(q, &m, 50, 0, IPC_NOWAIT | MSG_NOERROR));
	EXPECT_EQ('Z', m.mtext[49]);
	EXPECT_EQ(0, m.mtext[50]);
	EXPECT_EQ(0, stat_of(q).msg_qnum);
	EXPECT_EQ(0, stat_of(q).__msg_cbytes);
}

/* msgtyp 0, > 0, < 0 (LONG_MIN included) and MSG_EXCEPT. */
TEST(msgrcv_type_selection)
{
	static const struct { long type; const char *text; } sent[] = {
		{ 5, "a" }, { 3, "b" }, { 1, "c" }, { 3, "d" }, { 7, "e" },
		{ 2, "f" },
	};
	int q = new_msq();
	struct mbuf m;
	size_t i;

	ASSERT_LE(0, q);
	for (i = 0; i < sizeof(sent) / sizeof(sent[0]); i++)
		ASSERT_EQ(0, send_text(q, sent[i].type, sent[i].text, 0));

	ASSERT_EQ(1, recv_text(q, &m, 8, 3, IPC_NOWAIT));	/* first 3 */
	EXPECT_STREQ("b", m.mtext);
	ASSERT_EQ(1, recv_text(q, &m, 8, -4, IPC_NOWAIT));	/* lowest <= 4 */
	EXPECT_EQ(1, m.mtype);
	EXPECT_STREQ("c", m.mtext);
	ASSERT_EQ(1, recv_text(q, &m, 8, 5, IPC_NOWAIT | MSG_EXCEPT));
	EXPECT_EQ(3, m.mtype);					/* first not 5 */
	EXPECT_STREQ("d", m.mtext);
	ASSERT_EQ(1, recv_text(q, &m, 8, 0, IPC_NOWAIT));	/* first */
	EXPECT_STREQ("a", m.mtext);
	ASSERT_EQ(1, recv_text(q, &m, 8, LONG_MIN, IPC_NOWAIT)); /* lowest */
	EXPECT_EQ(2, m.mtype);
	EXPECT_STREQ("f", m.mtext);
	EXPECT_EQ(-1, recv_text(q, &m, 8, 7, IPC_NOWAIT | MSG_EXCEPT));
	EXPECT_EQ(ENOMSG, errno);
	ASSERT_EQ(1, recv_text(q, &m, 8, -7, IPC_NOWAIT));
	EXPECT_STREQ("e", m.mtext);
}

/* Linux's MSG_COPY: a position, the message stays, nothing changes. */
TEST(msgrcv_msg_copy)
{
	int q = new_msq();
	struct msqid_ds before, after;
	struct mbuf m;

	ASSERT_LE(0, q);
	ASSERT_EQ(0, send_text(q, 10, "first", 0));
	ASSERT_EQ(0, send_text(q, 20, "second", 0));
	ASSERT_EQ(0, send_text(q, 30, "third", 0));
	before = stat_of(q);

	ASSERT_EQ(6, recv_text(q, &m, 64, 1, MSG_COPY | IPC_NOWAIT));
	EXPECT_EQ(20, m.mtype);
	EXPECT_STREQ("second", m.mtext);
	ASSERT_EQ(5, recv_text(q, &m, 64, 0, MSG_COPY | IPC_NOWAIT));
	EXPECT_STREQ("first", m.mtext);
	EXPECT_EQ(-1, recv_text(q, &m, 64, 3, MSG_COPY | IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	EXPECT_EQ(-1, recv_text(q, &m, 64, 0, MSG_COPY));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, recv_text(q, &m, 64, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, recv_text(q, &m, 3, 2, MSG_COPY | IPC_NOWAIT));
	EXPECT_EQ(E2BIG, errno);

	after = stat_of(q);
	EXPECT_EQ(3, after.msg_qnum);
	EXPECT_EQ(before.__msg_cbytes, after.__msg_cbytes);
	EXPECT_EQ(0, after.msg_lrpid);
	EXPECT_EQ(0, after.msg_rtime);
	ASSERT_EQ(5, recv_text(q, &m, 64, 0, IPC_NOWAIT));
	EXPECT_STREQ("first", m.mtext);
}

/* ---------------------------------------------------------------------- */
/* Blocking                                                               */

TEST(msgrcv_blocks_until_a_message_arrives)
{
	int q = new_msq();
	pid_t pid;

	ASSERT_LE(0, q);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct mbuf m;

		CHILD_CHECK(recv_text(q, &m, 64, 4, 0) == 4);
		CHILD_CHECK(m.mtype == 4 && !strcmp(m.mtext, "wake"));
		_exit(0);
	}
	ASSERT_EQ(0, wait_sleeping_in(pid, MSG_SLEEP));
	ASSERT_EQ(0, send_text(q, 3, "other", 0));
	ASSERT_EQ(0, send_text(q, 4, "wake", 0));
	EXPECT_EQ(0, child_status(pid));
	EXPECT_EQ(1, stat_of(q).msg_qnum);
	EXPECT_EQ(pid, stat_of(q).msg_lrpid);
}

TEST(msgsnd_full_queue_eagain_then_blocks)
{
	int q = new_msq();
	struct msqid_ds ds;
	char text[65];
	struct mbuf m;
	pid_t pid;

	ASSERT_LE(0, q);
	ds = stat_of(q);
	ds.msg_qbytes = 64;
	ASSERT_EQ(0, msgctl(q, IPC_SET, &ds));
	memset(text, 'q', 64);
	text[64] = '\0';
	ASSERT_EQ(0, send_text(q, 1, text, IPC_NOWAIT));
	EXPECT_EQ(-1, send_text(q, 2, "x", IPC_NOWAIT));
	EXPECT_EQ(EAGAIN, errno);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		CHILD_CHECK(send_text(q, 2, "later", 0) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, wait_sleeping_in(pid, MSG_SLEEP));
	EXPECT_EQ(1, stat_of(q).msg_qnum);
	ASSERT_EQ(64, recv_text(q, &m, 64, 1, IPC_NOWAIT));
	EXPECT_EQ(0, child_status(pid));
	ASSERT_EQ(5, recv_text(q, &m, 64, 0, IPC_NOWAIT));
	EXPECT_STREQ("later", m.mtext);
	EXPECT_EQ(pid, stat_of(q).msg_lspid);
}

/* IPC_RMID fails every blocked sender and receiver with EIDRM. */
TEST(rmid_wakes_blocked_callers_with_eidrm)
{
	int q = new_msq(), full = new_msq();
	struct msqid_ds ds;
	pid_t rcv, snd;

	ASSERT_LE(0, q);
	ASSERT_LE(0, full);
	ds = stat_of(full);
	ds.msg_qbytes = 4;
	ASSERT_EQ(0, msgctl(full, IPC_SET, &ds));
	ASSERT_EQ(0, send_text(full, 1, "full", 0));

	rcv = fork();
	ASSERT_LE(0, rcv);
	if (rcv == 0) {
		struct mbuf m;

		CHILD_CHECK(msgrcv(q, &m, 64, 0, 0) == -1 && errno == EIDRM);
		_exit(0);
	}
	snd = fork();
	ASSERT_LE(0, snd);
	if (snd == 0) {
		CHILD_CHECK(send_text(full, 1, "more", 0) == -1 && errno == EIDRM);
		_exit(0);
	}
	ASSERT_EQ(0, wait_sleeping_in(rcv, MSG_SLEEP));
	ASSERT_EQ(0, wait_sleeping_in(snd, MSG_SLEEP));
	ASSERT_EQ(0, remove_obj(K_MSG, q));
	ASSERT_EQ(0, remove_obj(K_MSG, full));
	EXPECT_EQ(0, child_status(rcv));
	EXPECT_EQ(0, child_status(snd));
}

static void on_signal(int sig)
{
	(void)sig;
}

/* A signal with a handler: EINTR, not restarted even with SA_RESTART. */
TEST(blocked_msgrcv_fails_eintr_despite_sa_restart)
{
	int q = new_msq();
	pid_t pid;

	ASSERT_LE(0, q);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_signal,
					.sa_flags = SA_RESTART };
		struct mbuf m;

		CHILD_CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
		CHILD_CHECK(msgrcv(q, &m, 64, 0, 0) == -1 && errno == EINTR);
		_exit(0);
	}
	ASSERT_EQ(0, wait_sleeping_in(pid, MSG_SLEEP));
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	EXPECT_EQ(0, child_status(pid));
}

/* ---------------------------------------------------------------------- */
/* msgctl                                                                 */

TEST(ipc_set_changes_owner_mode_and_qbytes)
{
	time_t t0 = now();
	int q = new_msq();
	struct msqid_ds ds;
	pid_t pid;

	ASSERT_LE(0, q);
	ds = stat_of(q);
	ds.msg_perm.mode = 0640;
	ds.msg_qbytes = 1000;
	ASSERT_EQ(0, msgctl(q, IPC_SET, &ds));
	ds = stat_of(q);
	EXPECT_EQ(0640, ds.msg_perm.mode & 0777);
	EXPECT_EQ(1000, ds.msg_qbytes);
	EXPECT_LE(t0, ds.msg_ctime);

	/* Give it away: the creator stays, the new owner may IPC_SET. */
	ds.msg_perm.uid = NOBODY;
	ds.msg_perm.gid = NOBODY;
	ASSERT_EQ(0, msgctl(q, IPC_SET, &ds));
	ds = stat_of(q);
	EXPECT_EQ(NOBODY, ds.msg_perm.uid);
	EXPECT_EQ(NOBODY, ds.msg_perm.gid);
	EXPECT_EQ(geteuid(), ds.msg_perm.cuid);
	EXPECT_EQ(getegid(), ds.msg_perm.cgid);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct msqid_ds d;

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(msgctl(q, IPC_STAT, &d) == 0);
		/* Up to msgmnb: anyone allowed to IPC_SET; beyond: EPERM. */
		d.msg_qbytes = SIDE(MSGMNB_NATIVE, MSGMNB_AIX);
		CHILD_CHECK(msgctl(q, IPC_SET, &d) == 0);
		d.msg_qbytes = SIDE(MSGMNB_NATIVE, MSGMNB_AIX) + 1;
		CHILD_CHECK(msgctl(q, IPC_SET, &d) == -1 && errno == EPERM);
		d.msg_perm.mode = 0604;
		d.msg_qbytes = 2000;
		CHILD_CHECK(msgctl(q, IPC_SET, &d) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	ds = stat_of(q);
	EXPECT_EQ(0604, ds.msg_perm.mode & 0777);
	EXPECT_EQ(2000, ds.msg_qbytes);
	/* Root (CAP_SYS_RESOURCE) may go beyond msgmnb. */
	ds.msg_qbytes = SIDE(MSGMNB_NATIVE, MSGMNB_AIX) + 1;
	EXPECT_EQ(0, msgctl(q, IPC_SET, &ds));
	EXPECT_EQ(SIDE(MSGMNB_NATIVE, MSGMNB_AIX) + 1, stat_of(q).msg_qbytes);
}

TEST(msgctl_invalid_command)
{
	int q = new_msq();
	struct msqid_ds ds;

	ASSERT_LE(0, q);
	EXPECT_EQ(-1, msgctl(q, 77, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgctl(-1, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/* IPC_INFO: the limits (AIX's on aixipc), the highest index in use. */
TEST(msgctl_ipc_info)
{
	int q = new_msq();
	struct msginfo mi;
	struct msqid_ds ds;
	int max;

	ASSERT_LE(0, q);
	memset(&mi, 0, sizeof(mi));
	max = msgctl(0, IPC_INFO, (struct msqid_ds *)&mi);
	ASSERT_LE(0, max);
	EXPECT_EQ(SIDE(MSGMAX_NATIVE, MSGMAX_AIX), mi.msgmax);
	EXPECT_EQ(SIDE(MSGMNB_NATIVE, MSGMNB_AIX), mi.msgmnb);
	EXPECT_EQ(SIDE(MSGMNI_NATIVE, MSGMNI_AIX), mi.msgmni);
	EXPECT_EQ(16, mi.msgssz);
	EXPECT_EQ(0xffff, mi.msgseg);
	/* The highest index in use holds a queue. */
	EXPECT_LE(0, msgctl(max, MSG_STAT_ANY, &ds));
	EXPECT_EQ(-1, msgctl(max + 1, MSG_STAT_ANY, &ds));
	EXPECT_EQ(EINVAL, errno);
}

/* MSG_INFO: queues in use, messages and bytes queued, system-wide. */
TEST(msgctl_msg_info_totals)
{
	struct msginfo a, b;
	int q;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ASSERT_LE(0, msgctl(0, MSG_INFO, (struct msqid_ds *)&a));
	q = new_msq();
	ASSERT_LE(0, q);
	ASSERT_EQ(0, send_text(q, 1, "0123456789", 0));
	ASSERT_EQ(0, send_text(q, 1, "01234567890123456789", 0));
	ASSERT_LE(0, msgctl(0, MSG_INFO, (struct msqid_ds *)&b));
	EXPECT_EQ(a.msgpool + 1, b.msgpool);
	EXPECT_EQ(a.msgmap + 2, b.msgmap);
	EXPECT_EQ(a.msgtql + 30, b.msgtql);
	EXPECT_EQ(SIDE(MSGMAX_NATIVE, MSGMAX_AIX), b.msgmax);
}

/*
 * MSG_STAT and MSG_STAT_ANY take an index (the slot: the low bits of the
 * id, 15 on Linux, 20 on aixipc) and return the queue's id.  MSG_STAT
 * needs read permission, MSG_STAT_ANY does not.
 */
TEST(msg_stat_by_index)
{
	int q = new_msq(), idx = SIDE(q & 0x7fff, q & 0xfffff);
	struct msqid_ds ds, st;
	struct msginfo mi;
	pid_t pid;

	ASSERT_LE(0, q);
	ASSERT_EQ(0, send_text(q, 1, "abcde", 0));
	st = stat_of(q);
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(q, msgctl(idx, MSG_STAT, &ds));
	EXPECT_EQ(1, ds.msg_qnum);
	EXPECT_EQ(5, ds.__msg_cbytes);
	EXPECT_EQ(0600, ds.msg_perm.mode & 0777);
	EXPECT_EQ(st.msg_stime, ds.msg_stime);
	EXPECT_EQ(st.msg_lspid, ds.msg_lspid);
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(q, msgctl(idx, MSG_STAT_ANY, &ds));
	EXPECT_EQ(1, ds.msg_qnum);

	ASSERT_LE(0, msgctl(0, MSG_INFO, (struct msqid_ds *)&mi));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct msqid_ds d;

		CHILD_CHECK(become_nobody() == 0);
		CHILD_CHECK(msgctl(idx, MSG_STAT, &d) == -1 && errno == EACCES);
		CHILD_CHECK(msgctl(idx, MSG_STAT_ANY, &d) == q);
		CHILD_CHECK(d.msg_qnum == 1);
		_exit(0);
	}
	ASSERT_EQ(0, child_status(pid));
	ASSERT_EQ(0, remove_obj(K_MSG, q));
	EXPECT_EQ(-1, msgctl(idx, MSG_STAT_ANY, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, msgctl(-1, MSG_STAT_ANY, &ds));
	EXPECT_EQ(EINVAL, errno);
}

#if defined(__x86_64__)
/*
 * Programs that make the system calls themselves: syscall(SYS_msgget ...)
 * reaches the same side as the libc calls (the shim serves the System V
 * numbers on x86-64), and every other number still reaches the kernel.
 */
TEST(raw_syscalls)
{
	struct msqid_ds ds;
	struct mbuf m = { .mtype = 4, .mtext = "raw" };
	long q = syscall(SYS_msgget, IPC_PRIVATE, IPC_CREAT | 0600);

	ASSERT_LE(0, q);
	track(K_MSG, (int)q);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("msg", (int)q));
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
	ASSERT_EQ(0, syscall(SYS_msgsnd, q, &m, 3, 0));
	/* The libc calls see the same queue. */
	ASSERT_EQ(0, msgctl((int)q, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.msg_qnum);
	memset(&ds, 0, sizeof(ds));
	ASSERT_EQ(0, syscall(SYS_msgctl, q, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.msg_qnum);
	EXPECT_EQ(3, ds.__msg_cbytes);
	memset(&m, 0, sizeof(m));
	ASSERT_EQ(3, syscall(SYS_msgrcv, q, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(4, m.mtype);
	EXPECT_EQ(0, memcmp(m.mtext, "raw", 3));
	EXPECT_EQ(-1, syscall(SYS_msgrcv, q, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(ENOMSG, errno);
	/* x86-64's calls know no IPC_64 flag. */
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_msgctl, q, IPC_STAT | 0x100, &ds));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, syscall(SYS_msgctl, q, IPC_RMID, NULL));
	EXPECT_EQ(-1, msgctl((int)q, IPC_STAT, &ds));
	EXPECT_EQ(EINVAL, errno);
}
#elif defined(__i386__)
/*
 * A 32-bit program's ways in: the direct calls (Linux 5.1 and later) and
 * the ipc() multiplexer with IPC_64 (glibc's struct layouts), msgrcv in
 * both of ipc()'s versions; each reaches the same side as the libc calls.
 */
#define IPC_64_CMD(c)	((c) | 0x100)
TEST(raw_syscalls_i386)
{
	struct { void *msgp; long msgtyp; } kludge;
	struct mbuf m = { .mtype = 4, .mtext = "raw" };
	struct msqid_ds ds;
	long q = syscall(SYS_msgget, IPC_PRIVATE, IPC_CREAT | 0600), q2;

	ASSERT_LE(0, q);
	track(K_MSG, (int)q);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("msg", (int)q));
	ASSERT_EQ(0, syscall(SYS_msgsnd, q, &m, 3, 0));
	/* The direct calls always use the IPC_64 layouts, without the flag. */
	ASSERT_EQ(0, syscall(SYS_msgctl, q, IPC_STAT, &ds));
	EXPECT_EQ(1, ds.msg_qnum);
	memset(&m, 0, sizeof(m));
	ASSERT_EQ(3, syscall(SYS_msgrcv, q, &m, 64, 0, IPC_NOWAIT));
	EXPECT_EQ(4, m.mtype);
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_msgrcv, q, &m, (size_t)-1, 0, IPC_NOWAIT));
	EXPECT_EQ(EINVAL, errno);

	/* ipc(): MSGGET 13, MSGSND 11, MSGRCV 12 (version 0 and 1), MSGCTL 14. */
	q2 = syscall(SYS_ipc, 13, IPC_PRIVATE, IPC_CREAT | 0600, 0, NULL, 0);
	ASSERT_LE(0, q2);
	track(K_MSG, (int)q2);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("msg", (int)q2));
	m.mtype = 7;
	ASSERT_EQ(0, syscall(SYS_ipc, 11, q2, 3, 0, &m, 0));
	ASSERT_EQ(0, syscall(SYS_ipc, 11, q2, 2, 0, &m, 0));
	kludge.msgp = &m;
	kludge.msgtyp = 7;
	memset(&m, 0, sizeof(m));
	EXPECT_EQ(3, syscall(SYS_ipc, 12, q2, 64, IPC_NOWAIT, &kludge, 0));
	EXPECT_EQ(7, m.mtype);
	EXPECT_EQ(2, syscall(SYS_ipc, 12 | 1 << 16, q2, 64, IPC_NOWAIT, &m, 7));
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, 12, q2, 64, IPC_NOWAIT, NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, syscall(SYS_ipc, 14, q2, IPC_64_CMD(IPC_STAT), 0, &ds, 0));
	EXPECT_EQ(0, ds.msg_qnum);
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, 99, q2, 0, 0, NULL, 0));
	EXPECT_EQ(ENOSYS, errno);
	EXPECT_EQ(0, syscall(SYS_ipc, 14, q2, IPC_RMID, 0, NULL, 0));
	EXPECT_EQ(0, syscall(SYS_msgctl, q, IPC_RMID, NULL));
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
}

/*
 * ipc()'s MSGCTL without IPC_64: Linux's old struct msqid_ds, with 16-bit
 * ids (65534 for larger ones) and the queue's counts in 16 bits.  A
 * 32-bit kernel, as the shim, saturates them and reports the whole ones
 * in msg_lcbytes and msg_lqbytes; a 64-bit kernel truncates them and
 * leaves those 0 (Documentation/porting.rst).
 */
TEST(ipc_old_layouts_i386)
{
	struct mbuf m = { .mtype = 1, .mtext = "old" };
	time_t t0 = now();
	struct old_msqid_ds o;
	struct msqid_ds ds;
	int q = new_msq();

	ASSERT_LE(0, q);
	ASSERT_EQ(0, msgsnd(q, &m, 3, 0));
	memset(&o, 0xa5, sizeof(o));
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_MSGCTL, q, IPC_STAT, 0, &o, 0));
	EXPECT_EQ(0600, o.perm.mode & 0777);
	EXPECT_EQ(geteuid(), o.perm.uid);
	EXPECT_EQ(1, o.qnum);
	EXPECT_EQ(3, o.cbytes);
	EXPECT_EQ((uint16_t)getpid(), o.lspid);
	EXPECT_EQ(0, o.lrpid);
	EXPECT_LE((int32_t)t0, o.stime);
	EXPECT_EQ(SIDE(MSGMNB_NATIVE, 0xffff), o.qbytes);
	EXPECT_EQ(SIDE(0, 3), o.lcbytes);
	EXPECT_EQ(SIDE(0, MSGMNB_AIX), o.lqbytes);

	/* IPC_SET takes uid, gid, mode and msg_qbytes from it. */
	o.perm.mode = 0640;
	o.qbytes = 8192;
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_MSGCTL, q, IPC_SET, 0, &o, 0));
	ASSERT_EQ(0, msgctl(q, IPC_STAT, &ds));
	EXPECT_EQ(0640, ds.msg_perm.mode & 0777);
	EXPECT_EQ(8192, ds.msg_qbytes);
	/* A 16-bit owner is itself, 65535 too. */
	o.perm.uid = 0xffff;
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_MSGCTL, q, IPC_SET, 0, &o, 0));
	ASSERT_EQ(0, msgctl(q, IPC_STAT, &ds));
	EXPECT_EQ(65535, ds.msg_perm.uid);

	/* An owner beyond 16 bits reads as the overflow id. */
	ds.msg_perm.uid = 100000;
	ASSERT_EQ(0, msgctl(q, IPC_SET, &ds));
	ASSERT_EQ(0, syscall(SYS_ipc, IPCOP_MSGCTL, q, IPC_STAT, 0, &o, 0));
	EXPECT_EQ(65534, o.perm.uid);
	EXPECT_EQ(geteuid(), o.perm.cuid);

	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, IPCOP_MSGCTL, q, IPC_STAT, 0, NULL, 0));
	EXPECT_EQ(EFAULT, errno);
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, IPCOP_MSGCTL, q, 99, 0, &o, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, syscall(SYS_ipc, IPCOP_MSGCTL, q, IPC_RMID, 0, NULL, 0));
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_ipc, IPCOP_MSGCTL, q, IPC_STAT, 0, &o, 0));
	EXPECT_EQ(EINVAL, errno);
}
#endif

TEST_HARNESS_MAIN
