// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for aixipc's internal rules: id encoding, the permission
 * decision table and message type selection.  Built as a separate module
 * (aixipc_kunit.ko) when the kernel has CONFIG_KUNIT; the debug-kernel
 * tier loads it and counts its KTAP results.  The rules under test are pure
 * inline functions, so the suites need nothing exported from aixipc.ko.
 */
#include <kunit/test.h>
#include <linux/limits.h>

#include "ids.h"
#include "msg.h"

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

kunit_test_suites(&aixipc_ids_suite, &aixipc_msg_suite);

MODULE_DESCRIPTION("KUnit tests for aixipc");
MODULE_LICENSE("GPL");
