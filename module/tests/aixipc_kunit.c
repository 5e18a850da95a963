// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for aixipc's internal rules: id encoding, the permission
 * decision table, message type selection, the semaphore operation
 * evaluator (atomic and SEM_ORDER), undo clamping, and the shared-memory
 * size and attach-address rules.  Built as a separate module
 * (aixipc_kunit.ko) when the kernel has CONFIG_KUNIT; the debug-kernel
 * tier loads it and counts its KTAP results.  The rules under test are pure
 * inline functions, so the suites need nothing exported from aixipc.ko.
 */
#include <kunit/test.h>
#include <linux/limits.h>

#include "ids.h"
#include "msg.h"
#include "sem.h"
#include "shm.h"

static void id_roundtrip(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, aixipc_id_slot(aixipc_id_make(0, 0)), 0U);
	KUNIT_EXPECT_EQ(test, aixipc_id_slot(aixipc_id_make(5, 1234)), 1234U);
	KUNIT_EXPECT_EQ(test,
			aixipc_id_slot(aixipc_id_make(AIXIPC_SEQ_MASK,
						      AIXIPC_MAX_SLOTS - 1)),
			AIXIPC_MAX_SLOTS - 1);
}

/* Every id is a non-negative int, whatever the sequence number. */
static void id_never_negative(struct kunit *test)
{
	unsigned int seq;

	for (seq = 0; seq <= AIXIPC_SEQ_MASK; seq++) {
		KUNIT_EXPECT_GE(test, aixipc_id_make(seq, 0), 0);
		KUNIT_EXPECT_GE(test, aixipc_id_make(seq, AIXIPC_MAX_SLOTS - 1), 0);
	}
	KUNIT_EXPECT_EQ(test, aixipc_id_make(AIXIPC_SEQ_MASK, AIXIPC_MAX_SLOTS - 1),
			INT_MAX);
}

static void seq_wraps(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, aixipc_seq_next(0), 1U);
	KUNIT_EXPECT_EQ(test, aixipc_seq_next(AIXIPC_SEQ_MASK), 0U);
	/* Bits above the mask never leak into the id. */
	KUNIT_EXPECT_EQ(test, aixipc_id_make(AIXIPC_SEQ_MASK + 1, 7),
			aixipc_id_make(0, 7));
}

/* A reused slot gets a new id: the old one is stale. */
static void stale_id_differs(struct kunit *test)
{
	unsigned int seq;

	for (seq = 0; seq <= AIXIPC_SEQ_MASK; seq++)
		KUNIT_EXPECT_NE(test, aixipc_id_make(seq, 42),
				aixipc_id_make(aixipc_seq_next(seq), 42));
}

struct perm_case {
	unsigned int mode;
	enum aixipc_class class;
	unsigned int acc;
	bool granted;
};

static const struct perm_case perm_cases[] = {
	{ 0600, AIXIPC_OWNER, 4, true },
	{ 0600, AIXIPC_OWNER, 2, true },
	{ 0600, AIXIPC_OWNER, 6, true },
	{ 0400, AIXIPC_OWNER, 2, false },
	{ 0400, AIXIPC_OWNER, 6, false },
	{ 0600, AIXIPC_GROUP, 4, false },
	{ 0640, AIXIPC_GROUP, 4, true },
	{ 0640, AIXIPC_GROUP, 2, false },
	{ 0660, AIXIPC_GROUP, 6, true },
	{ 0664, AIXIPC_OTHER, 4, true },
	{ 0664, AIXIPC_OTHER, 2, false },
	{ 0666, AIXIPC_OTHER, 6, true },
	/* Only the caller's class counts: other bits don't help the group. */
	{ 0607, AIXIPC_GROUP, 4, false },
	{ 0077, AIXIPC_OWNER, 4, false },
	/* Nothing asked, nothing needed. */
	{ 0000, AIXIPC_OTHER, 0, true },
	/* Execute bits are ignored by the callers (they never ask for 1). */
	{ 0700, AIXIPC_OWNER, 1, true },
};

static void perm_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(perm_cases); i++) {
		const struct perm_case *c = &perm_cases[i];

		KUNIT_EXPECT_EQ_MSG(test,
				    aixipc_perm_granted(c->mode, c->class, c->acc),
				    c->granted, "mode %o class %d acc %o",
				    c->mode, c->class, c->acc);
	}
}

static void search_modes(struct kunit *test)
{
	s64 bound;

	KUNIT_EXPECT_EQ(test, aixipc_msg_search_mode(0, 0, &bound),
			AIXIPC_SEARCH_ANY);
	/* MSG_EXCEPT only means something for a positive type. */
	KUNIT_EXPECT_EQ(test, aixipc_msg_search_mode(0, AIXIPC_MSG_EXCEPT, &bound),
			AIXIPC_SEARCH_ANY);
	KUNIT_EXPECT_EQ(test, aixipc_msg_search_mode(5, 0, &bound),
			AIXIPC_SEARCH_EQUAL);
	KUNIT_EXPECT_EQ(test, bound, 5);
	KUNIT_EXPECT_EQ(test, aixipc_msg_search_mode(5, AIXIPC_MSG_EXCEPT, &bound),
			AIXIPC_SEARCH_NOTEQUAL);
	KUNIT_EXPECT_EQ(test, aixipc_msg_search_mode(-5, AIXIPC_MSG_EXCEPT, &bound),
			AIXIPC_SEARCH_LESSEQUAL);
	KUNIT_EXPECT_EQ(test, bound, 5);
}

/* |LONG_MIN| does not fit in a long: it must mean "any type", not overflow. */
static void search_long_min(struct kunit *test)
{
	s64 bound;

	KUNIT_EXPECT_EQ(test, aixipc_msg_search_mode(S64_MIN, 0, &bound),
			AIXIPC_SEARCH_LESSEQUAL);
	KUNIT_EXPECT_EQ(test, bound, S64_MAX);
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_LESSEQUAL,
							bound, S32_MAX));
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_LESSEQUAL,
							bound, 1));
	/* The 32-bit form, as from a compat caller. */
	KUNIT_EXPECT_EQ(test, aixipc_msg_search_mode(S32_MIN, 0, &bound),
			AIXIPC_SEARCH_LESSEQUAL);
	KUNIT_EXPECT_EQ(test, bound, (s64)S32_MAX + 1);
}

static void type_matching(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_ANY, 0, 7));
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_EQUAL, 7, 7));
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_EQUAL, 7, 8));
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_NOTEQUAL, 7, 8));
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_NOTEQUAL, 7, 7));
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_LESSEQUAL, 5, 5));
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_LESSEQUAL, 5, 1));
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_matches(AIXIPC_SEARCH_LESSEQUAL, 5, 6));
}

/* AIX keeps 32-bit signed types: only 1 .. S32_MAX can be sent. */
static void type_validity(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_valid(0));
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_valid(-1));
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_valid(S64_MIN));
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_valid(1));
	KUNIT_EXPECT_TRUE(test, aixipc_msg_type_valid(S32_MAX));
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_valid((s64)S32_MAX + 1));
	KUNIT_EXPECT_FALSE(test, aixipc_msg_type_valid(0x100000001LL));
}

static struct kunit_case aixipc_ids_cases[] = {
	KUNIT_CASE(id_roundtrip),
	KUNIT_CASE(id_never_negative),
	KUNIT_CASE(seq_wraps),
	KUNIT_CASE(stale_id_differs),
	KUNIT_CASE(perm_table),
	{}
};

static struct kunit_suite aixipc_ids_suite = {
	.name = "aixipc_ids",
	.test_cases = aixipc_ids_cases,
};

static struct kunit_case aixipc_msg_cases[] = {
	KUNIT_CASE(search_modes),
	KUNIT_CASE(search_long_min),
	KUNIT_CASE(type_matching),
	KUNIT_CASE(type_validity),
	{}
};

static struct kunit_suite aixipc_msg_suite = {
	.name = "aixipc_msg",
	.test_cases = aixipc_msg_cases,
};

static const struct aixipc_sem_limits sem_lim = {
	.semvmx = 32767, .semaem = 16384, .semume = 4,
};

/* A small set with the given values (only .val matters to the evaluator). */
static void sems_set(struct aixipc_sem *sems, const int *vals, int n)
{
	int i;

	for (i = 0; i < n; i++)
		sems[i].val = vals[i];
}

static int sem_eval(struct aixipc_sem *sems, const struct aixipc_sembuf *sops,
		    unsigned int nsops, bool order, unsigned int *pos,
		    unsigned int *stop, s16 *adj, atomic_t *nonzero)
{
	return aixipc_sem_eval(sems, sops, nsops, order, pos, stop, adj,
			       nonzero, &sem_lim);
}

static void sem_atomic_all_or_nothing(struct kunit *test)
{
	static const int init[] = { 1, 0, 5 };
	const struct aixipc_sembuf sops[] = {
		{ 0, -1, 0 }, { 2, 3, 0 }, { 1, -1, 0 },
	};
	struct aixipc_sem sems[3];
	unsigned int pos = 0, stop;

	sems_set(sems, init, 3);
	KUNIT_EXPECT_EQ(test, sem_eval(sems, sops, 3, false, &pos, &stop, NULL, NULL),
			AIXIPC_SEM_BLOCK);
	KUNIT_EXPECT_EQ(test, stop, 2U);
	KUNIT_EXPECT_EQ(test, pos, 0U);
	/* Nothing applied. */
	KUNIT_EXPECT_EQ(test, sems[0].val, 1);
	KUNIT_EXPECT_EQ(test, sems[1].val, 0);
	KUNIT_EXPECT_EQ(test, sems[2].val, 5);

	sems[1].val = 1;
	KUNIT_EXPECT_EQ(test, sem_eval(sems, sops, 3, false, &pos, &stop, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, pos, 3U);
	KUNIT_EXPECT_EQ(test, sems[0].val, 0);
	KUNIT_EXPECT_EQ(test, sems[1].val, 0);
	KUNIT_EXPECT_EQ(test, sems[2].val, 8);
}

static void sem_nowait_range_and_zero(struct kunit *test)
{
	struct aixipc_sem sems[2];
	const struct aixipc_sembuf nowait = { 0, -1, AIXIPC_SEM_NOWAIT };
	const struct aixipc_sembuf zero = { 1, 0, 0 };
	const struct aixipc_sembuf big = { 1, 32767, 0 };
	unsigned int pos = 0, stop;

	sems[0].val = 0;
	sems[1].val = 1;
	KUNIT_EXPECT_EQ(test, sem_eval(sems, &nowait, 1, false, &pos, &stop, NULL, NULL),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, sem_eval(sems, &zero, 1, false, &pos, &stop, NULL, NULL),
			AIXIPC_SEM_BLOCK);
	KUNIT_EXPECT_EQ(test, sem_eval(sems, &big, 1, false, &pos, &stop, NULL, NULL),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, sems[1].val, 1);
	sems[1].val = 0;
	KUNIT_EXPECT_EQ(test, sem_eval(sems, &zero, 1, false, &pos, &stop, NULL, NULL), 0);
}

/* SEM_ORDER: entries before the failing one stay applied. */
static void sem_order_partial(struct kunit *test)
{
	static const int init[] = { 0, 0, 0 };
	const struct aixipc_sembuf sops[] = {
		{ 0, 2, AIXIPC_SEM_ORDER }, { 1, -1, 0 }, { 2, 1, 0 },
	};
	struct aixipc_sem sems[3];
	unsigned int pos = 0, stop;

	sems_set(sems, init, 3);
	KUNIT_EXPECT_EQ(test, sem_eval(sems, sops, 3, true, &pos, &stop, NULL, NULL),
			AIXIPC_SEM_BLOCK);
	KUNIT_EXPECT_EQ(test, pos, 1U);
	KUNIT_EXPECT_EQ(test, stop, 1U);
	KUNIT_EXPECT_EQ(test, sems[0].val, 2);
	KUNIT_EXPECT_EQ(test, sems[2].val, 0);
	/* Resumed where it stopped once the blocking entry can go. */
	sems[1].val = 1;
	KUNIT_EXPECT_EQ(test, sem_eval(sems, sops, 3, true, &pos, &stop, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, sems[0].val, 2);
	KUNIT_EXPECT_EQ(test, sems[1].val, 0);
	KUNIT_EXPECT_EQ(test, sems[2].val, 1);
}

static void sem_undo_adjustments(struct kunit *test)
{
	const struct aixipc_sembuf down = { 0, -3, AIXIPC_SEM_UNDO };
	const struct aixipc_sembuf up = { 0, 3, AIXIPC_SEM_UNDO };
	const struct aixipc_sembuf plain = { 1, 2, 0 };
	struct aixipc_sem sems[2] = {};
	unsigned int pos = 0, stop;
	atomic_t nonzero = ATOMIC_INIT(0);
	s16 adj[2] = {};

	sems[0].val = 5;
	KUNIT_EXPECT_EQ(test, sem_eval(sems, &down, 1, false, &pos, &stop, adj, &nonzero), 0);
	KUNIT_EXPECT_EQ(test, adj[0], 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&nonzero), 1);
	pos = 0;
	KUNIT_EXPECT_EQ(test, sem_eval(sems, &plain, 1, false, &pos, &stop, adj, &nonzero), 0);
	KUNIT_EXPECT_EQ(test, adj[1], 0);
	pos = 0;
	KUNIT_EXPECT_EQ(test, sem_eval(sems, &up, 1, false, &pos, &stop, adj, &nonzero), 0);
	KUNIT_EXPECT_EQ(test, adj[0], 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&nonzero), 0);
}

/* |adjustment| above semaem is refused; a refused call changes nothing. */
static void sem_undo_semaem(struct kunit *test)
{
	const struct aixipc_sembuf sops[] = {
		{ 1, 1, AIXIPC_SEM_UNDO }, { 0, 100, AIXIPC_SEM_UNDO },
	};
	struct aixipc_sem sems[2] = {};
	unsigned int pos = 0, stop;
	atomic_t nonzero = ATOMIC_INIT(0);
	s16 adj[2] = { -16300, 0 };

	KUNIT_EXPECT_EQ(test, sem_eval(sems, sops, 2, false, &pos, &stop, adj, &nonzero),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, stop, 1U);
	KUNIT_EXPECT_EQ(test, adj[1], 0);
	KUNIT_EXPECT_EQ(test, sems[1].val, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&nonzero), 0);
}

/* More non-zero adjustments than semume: ENOSPC. */
static void sem_undo_semume(struct kunit *test)
{
	struct aixipc_sem sems[6] = {};
	unsigned int i, pos, stop;
	atomic_t nonzero = ATOMIC_INIT(0);
	s16 adj[6] = {};

	for (i = 0; i < 6; i++) {
		struct aixipc_sembuf op = { i, 1, AIXIPC_SEM_UNDO };

		pos = 0;
		KUNIT_EXPECT_EQ(test, sem_eval(sems, &op, 1, false, &pos, &stop, adj, &nonzero),
				i < sem_lim.semume ? 0 : -ENOSPC);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&nonzero), sem_lim.semume);
}

static void sem_undo_clamping(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, aixipc_sem_undo_value(3, -1, 32767), 2);
	KUNIT_EXPECT_EQ(test, aixipc_sem_undo_value(0, -5, 32767), 0);
	KUNIT_EXPECT_EQ(test, aixipc_sem_undo_value(32760, 100, 32767), 32767);
	KUNIT_EXPECT_EQ(test, aixipc_sem_undo_value(0, 16384, 32767), 16384);
}

static struct kunit_case aixipc_sem_cases[] = {
	KUNIT_CASE(sem_atomic_all_or_nothing),
	KUNIT_CASE(sem_nowait_range_and_zero),
	KUNIT_CASE(sem_order_partial),
	KUNIT_CASE(sem_undo_adjustments),
	KUNIT_CASE(sem_undo_semaem),
	KUNIT_CASE(sem_undo_semume),
	KUNIT_CASE(sem_undo_clamping),
	{}
};

static struct kunit_suite aixipc_sem_suite = {
	.name = "aixipc_sem",
	.test_cases = aixipc_sem_cases,
};

static void shm_pages(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, aixipc_shm_pages(0), 0ULL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_pages(1), 1ULL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_pages(PAGE_SIZE - 1), 1ULL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_pages(PAGE_SIZE), 1ULL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_pages(PAGE_SIZE + 1), 2ULL);
	/* AIX's 1 TiB segment is 256 Mi pages, 1/4 of the default shmall. */
	KUNIT_EXPECT_EQ(test, aixipc_shm_pages(1ULL << 40), 256ULL << 20);
	/* No overflow at the top of the range. */
	KUNIT_EXPECT_EQ(test, aixipc_shm_pages(U64_MAX),
			(U64_MAX >> PAGE_SHIFT) + 1);
}

static void shm_size_limits(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, aixipc_shm_size_ok(0, 1, 64ULL << 30));
	KUNIT_EXPECT_TRUE(test, aixipc_shm_size_ok(1, 1, 64ULL << 30));
	KUNIT_EXPECT_TRUE(test, aixipc_shm_size_ok(64ULL << 30, 1, 64ULL << 30));
	KUNIT_EXPECT_FALSE(test, aixipc_shm_size_ok((64ULL << 30) + 1, 1,
						    64ULL << 30));
	KUNIT_EXPECT_FALSE(test, aixipc_shm_size_ok(4095, 4096, 8192));
	KUNIT_EXPECT_FALSE(test, aixipc_shm_size_ok(U64_MAX, 1, 64ULL << 30));
}

static void shm_attach_addr(struct kunit *test)
{
	const u64 pg = PAGE_SIZE;
	u64 out = 1;

	/* 0: the kernel chooses; SHM_RND changes nothing; SHM_REMAP needs one. */
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(0, 0, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 0ULL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(0, AIXIPC_SHM_RND, &out), 0);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(0, AIXIPC_SHM_REMAP, &out),
			-EINVAL);
	/* Aligned addresses are used as given, with or without SHM_RND. */
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(16 * pg, 0, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 16 * pg);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(16 * pg, AIXIPC_SHM_RND, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 16 * pg);
	/* Unaligned: EINVAL, or rounded down with SHM_RND. */
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(16 * pg + 1, 0, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(17 * pg - 1, AIXIPC_SHM_RND,
						     &out), 0);
	KUNIT_EXPECT_EQ(test, out, 16 * pg);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(17 * pg - 1,
						     AIXIPC_SHM_RND | AIXIPC_SHM_REMAP,
						     &out), 0);
	KUNIT_EXPECT_EQ(test, out, 16 * pg);
	/* Rounding to page 0 is refused, never read as "kernel chooses". */
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(1, AIXIPC_SHM_RND, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(pg - 1, AIXIPC_SHM_RND, &out),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(pg - 1, AIXIPC_SHM_RND |
						     AIXIPC_SHM_REMAP, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(pg, AIXIPC_SHM_RND, &out), 0);
	KUNIT_EXPECT_EQ(test, out, pg);
	/* The top bits survive rounding (the mmap itself refuses such ranges). */
	KUNIT_EXPECT_EQ(test, aixipc_shm_attach_addr(U64_MAX, AIXIPC_SHM_RND, &out), 0);
	KUNIT_EXPECT_EQ(test, out, U64_MAX & (u64)PAGE_MASK);
}

static struct kunit_case aixipc_shm_cases[] = {
	KUNIT_CASE(shm_pages),
	KUNIT_CASE(shm_size_limits),
	KUNIT_CASE(shm_attach_addr),
	{}
};

static struct kunit_suite aixipc_shm_suite = {
	.name = "aixipc_shm",
	.test_cases = aixipc_shm_cases,
};

kunit_test_suites(&aixipc_ids_suite, &aixipc_msg_suite, &aixipc_sem_suite,
		  &aixipc_shm_suite);

MODULE_DESCRIPTION("KUnit tests for aixipc");
MODULE_LICENSE("GPL");
