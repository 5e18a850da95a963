/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fuzz programs and the corpus.  A program is a short list of ops; an op
 * names a primitive (one of the fuzzer's generators, scenarios or
 * sequence primitives), carries the 64-bit seed its PRNG restarts from and
 * one small argument.  Its text form, one op a line,
 *
 *	# aixipc-fuzz v1 [m32]
 *	semctl 0x9e3779b97f4a7c15 0
 *
 * is stable and reviewable; a corpus is a directory of such files named
 * by the hash of their text.
 */
#ifndef FUZZ_CORPUS_H
#define FUZZ_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG_MAX	32
#define OPNAME_MAX	24

struct op {
	uint16_t prim;		/* index into the primitive table */
	uint16_t arg;
	uint64_t seed;
};

struct prog {
	int n;
	bool m32;		/* run by the 32-bit executor */
	struct op ops[PROG_MAX];
};

/* The primitive names, set by the fuzzer before any parse. */
extern const char *const *prog_names;
extern int prog_nnames;

/* Text form into buf (NUL-terminated); returns its length. */
size_t prog_format(const struct prog *p, char *buf, size_t room);
/*
 * Parse text; unknown primitives are dropped (a corpus outlives renames).
 * Return: ops parsed, -1 on a malformed file.
 */
int prog_parse(struct prog *p, const char *text);
uint64_t prog_hash(const struct prog *p);
/* Write @p to @path durably (write, fsync).  Return: 0 or -errno. */
int prog_write(const struct prog *p, const char *path);
int prog_read(struct prog *p, const char *path);
/* Save into dir/<hash>.prog unless there; returns 1 new, 0 there, -errno. */
int corpus_save(const struct prog *p, const char *dir);
/* Call @fn for every *.prog file in @dir, in name order: the count. */
int corpus_load(const char *dir, void (*fn)(const struct prog *p, void *arg),
		void *arg);
#endif
