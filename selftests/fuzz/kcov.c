// SPDX-License-Identifier: GPL-2.0
/*
 * KCOV trace buffers (see Documentation/dev-tools/kcov.rst).  A buffer is
 * opened and mapped once by the fuzzer's manager, before it forks the
 * executors: an executor's thread enables it (kcov binds it to that task;
 * the task's exit unbinds it), the manager reads the shared mapping after
 * the executor is gone.  The area holds 64-bit words whatever the caller's
 * word size, and the 64-bit KCOV_INIT_TRACE number is the one the kernel
 * knows (a compat caller's _IOR would encode a 4-byte size).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kcov.h"

#define KCOV_PATH		"/sys/kernel/debug/kcov"
#define KCOV_INIT_TRACE64	_IOC(_IOC_READ, 'c', 1, 8)
#define KCOV_ENABLE_		_IOC(_IOC_NONE, 'c', 100, 0)
#define KCOV_DISABLE_		_IOC(_IOC_NONE, 'c', 101, 0)
#define KCOV_TRACE_PC_		0

int kcov_open(struct kcov *k)
{
	void *p;
	int err;

	/* Not O_CLOEXEC: a 32-bit executor exec'd by the manager uses it. */
	k->fd = open(KCOV_PATH, O_RDWR);
	if (k->fd < 0)
		return -errno;
	if (ioctl(k->fd, KCOV_INIT_TRACE64, (unsigned long)KCOV_WORDS)) {
		err = -errno;
		close(k->fd);
		return err;
	}
	p = mmap(NULL, KCOV_WORDS * sizeof(uint64_t), PROT_READ | PROT_WRITE,
		 MAP_SHARED, k->fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		close(k->fd);
		return err;
	}
	k->area = p;
	return 0;
}

void kcov_reset(struct kcov *k)
{
	__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
}

/*
 * No reset here: a buffer may be enabled several times in one program
 * (each stall, each fork child); the manager empties it before a run.
 */
int kcov_enable(struct kcov *k)
{
	return ioctl(k->fd, KCOV_ENABLE_, KCOV_TRACE_PC_) ? -errno : 0;
}

int kcov_disable(struct kcov *k)
{
	return ioctl(k->fd, KCOV_DISABLE_, 0) ? -errno : 0;
}

/* splitmix64's finaliser: spreads PCs that differ in few bits. */
static uint64_t hash64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static bool test_set(uint8_t *map, uint64_t bit, bool set)
{
	uint8_t m = (uint8_t)(1U << (bit & 7));
	bool was = map[bit >> 3] & m;

	if (set)
		map[bit >> 3] |= m;
	return was;
}

uint64_t kcov_collect(const struct kcov *k, struct cover *seen, bool mark,
		      uint64_t *pcs_new)
{
	uint64_t n = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED), i,
		 prev = 0, fresh = 0, pfresh = 0;

	if (n > KCOV_WORDS - 1)
		n = KCOV_WORDS - 1;
	for (i = 1; i <= n; i++) {
		uint64_t pc = k->area[i];
		uint64_t e = (hash64(pc) ^ (hash64(prev) >> 1)) & (EDGE_N - 1);
		uint64_t p = hash64(pc) & (EDGE_N - 1);

		prev = pc;
		if (!seen)
			continue;
		if (!test_set(seen->edges, e, mark)) {
			fresh++;
			if (mark)
				seen->nedges++;
		}
		if (!test_set(seen->pcs, p, mark)) {
			pfresh++;
			if (mark)
				seen->npcs++;
		}
	}
	if (pcs_new)
		*pcs_new = pfresh;
	return fresh;
}
