/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KCOV for the fuzzer: per-task PC traces of the module (the debug kernel
 * instruments only the module), folded into an edge bitmap.
 */
#ifndef FUZZ_KCOV_H
#define FUZZ_KCOV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KCOV_WORDS	(1U << 16)	/* trace capacity per task, in PCs */
#define EDGE_BITS	18
#define EDGE_N		(1U << EDGE_BITS)

/* One trace buffer; enabled by at most one task at a time. */
struct kcov {
	int fd;
	uint64_t *area;		/* area[0]: PCs recorded; then the PCs */
};

/* Everything seen so far. */
struct cover {
	uint8_t edges[EDGE_N / 8];
	uint8_t pcs[EDGE_N / 8];
	uint64_t nedges, npcs;
};

/* Open and map a trace buffer.  Return: 0, or -errno (no KCOV here). */
int kcov_open(struct kcov *k);
/* Trace the calling thread into @k from an empty buffer: 0 or -errno. */
int kcov_enable(struct kcov *k);
int kcov_disable(struct kcov *k);
void kcov_reset(struct kcov *k);
/*
 * Fold @k's trace into @c (when @c is not NULL) and count the edges that
 * neither @c nor @seen had (@seen may be NULL); @mark adds them to @seen.
 */
uint64_t kcov_collect(const struct kcov *k, struct cover *seen, bool mark,
		      uint64_t *pcs_new);
#endif
