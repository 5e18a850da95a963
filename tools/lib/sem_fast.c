// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The semaphore fast path (Documentation/aixipc.rst, "Semaphores without a
 * system call"): a semop of one operation that nobody waits on, and
 * GETVAL, done on the set's shared area with no system call.
 *
 * A set's area is mapped once per process (AIXIPC_IOC_SEMMAP), writable
 * where the process has alter permission, read-only where it has read
 * permission, and found again by id in a table the fast path reads
 * without a lock.  A mapping is never unmapped while another thread may
 * be reading it: one that went stale (the set removed, a permission
 * taken away: the kernel then shows meta.live as not AIXIPC_SEM_LIVE and
 * every word as the kernel's) is replaced in place by anonymous memory,
 * on which every check fails and every compare-and-swap misses (no
 * word there is ever zero), and its table entry is never freed.
 *
 * SEM_UNDO: the kernel hands a process's adjustment for a semaphore over
 * to it in the semaphore's word, with the process's holder ticket (its
 * ticket | AIXIPC_SEM_TICKET_HOLD), when it gives the word back after a
 * SEM_UNDO operation of the process.  The holder's SEM_UNDO operations
 * then change value and adjustment in one compare-and-swap, so a signal
 * cannot fall between the two; nobody else touches a word that carries an
 * adjustment.
 *
 * Everything the fast path cannot decide alone goes to the kernel: the
 * word held by the kernel, an operation that must wait, SEM_UNDO on a
 * word this process does not hold, a word carrying another process's
 * adjustment, SEM_ORDER, several operations, meta.otime not the current
 * second (the kernel stamps sem_otime), a value past semvmx, an
 * adjustment past semaem.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <time.h>

#include "internal.h"

/* Table slots (a set's id, modulo); collisions only cost a remapping. */
#define SEMF_SLOTS	1024
/* Slow calls between attempts to map a set that could not be mapped. */
#define SEMF_RETRY	64
/* Compare-and-swap attempts before going to the kernel. */
#define SEMF_SPINS	16
/* Stale mappings kept as placeholders before no new set is mapped. */
#define SEMF_MAX_RETIRED 4096

struct semf_map {
	int id;
	bool write;			/* mapped with alter permission */
	uint32_t ticket;
	uint32_t nsems;
	size_t size;
	const volatile struct aixipc_sem_meta *meta;	/* NULL: not mapped */
	_Atomic uint64_t *words;
	_Atomic int retry;		/* slow calls until mapping again
					 * (unmapped) or writable (read-only) */
};

static _Atomic(struct semf_map *) semf_table[SEMF_SLOTS];
static pthread_mutex_t semf_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int semf_retired;	/* [semf_lock] */
static pthread_once_t semf_once = PTHREAD_ONCE_INIT;
static bool semf_on;
static bool semf_undo;		/* SEM_UNDO too (AIXIPC_FEATURE_SEM_FAST_UNDO) */

/* A fork child's mappings are not its own (the kernel maps them dead). */
static void semf_atfork_child(void)
{
	unsigned int i;

	pthread_mutex_init(&semf_lock, NULL);
	for (i = 0; i < SEMF_SLOTS; i++) {
		struct semf_map *m = atomic_load(&semf_table[i]);

		atomic_store(&semf_table[i], NULL);
		if (!m)
			continue;
		/* The only thread: nobody else can be reading it. */
		if (m->meta)
			munmap((void *)m->meta, m->size);
		free(m);
	}
}

static void semf_init(void)
{
	const char *e = getenv("AIXIPC_SEM_FAST");

	semf_on = !(e && !strcmp(e, "0")) &&
		  aixipc_has_feature(AIXIPC_FEATURE_SEM_FAST);
	semf_undo = aixipc_has_feature(AIXIPC_FEATURE_SEM_FAST_UNDO);
	if (semf_on)
		pthread_atfork(NULL, NULL, semf_atfork_child);
}

/*
 * Take a stale mapping out of use; semf_lock held.  Its entry stays
 * allocated: another thread may still hold it.
 */
static void semf_retire(struct semf_map *m)
{
	if (m->meta) {
		/* Same address, anonymous zeroes: no check passes there. */
		mmap((void *)m->meta, m->size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		     -1, 0);
		semf_retired++;
	}
}

/*
 * Map set @id and publish it; NULL if the fast path cannot serve it.
 * @upgrade: a read-only mapping is live; only a writable one replaces it
 * (alter permission given back), and failing leaves it in place.
 */
static struct semf_map *semf_map_new(int id, bool upgrade)
{
	unsigned int slot = (unsigned int)id % SEMF_SLOTS;
	struct aixipc_semmap r = {
		.id = id,
		.flags = AIXIPC_SEMMAP_WRITE | (semf_undo ? AIXIPC_SEMMAP_UNDO : 0),
	};
	struct semf_map *m, *old;
	int saved = errno;

	m = calloc(1, sizeof(*m));
	if (!m) {
		errno = saved;
		return NULL;
	}
	m->id = id;
	pthread_mutex_lock(&semf_lock);
	old = atomic_load(&semf_table[slot]);
	if (upgrade && !(old && old->id == id && old->meta &&
			 old->meta->live == AIXIPC_SEM_LIVE))
		upgrade = false;	/* replaced meanwhile: map afresh */
	if (old && old->id == id &&
	    (old->meta ? old->meta->live == AIXIPC_SEM_LIVE &&
			 (old->write || !upgrade) :
			 atomic_load(&old->retry) > 0)) {
		/* Another thread did it meanwhile. */
		pthread_mutex_unlock(&semf_lock);
		free(m);
		errno = saved;
		return old->meta ? old : NULL;
	}
	if (semf_retired < SEMF_MAX_RETIRED) {
		if (aixipc_call(AIXIPC_IOC_SEMMAP, &r)) {
			r.flags = 0;
			if (upgrade || errno != EACCES ||
			    aixipc_call(AIXIPC_IOC_SEMMAP, &r))
				r.addr = 0;
		}
	}
	if (upgrade && !r.addr) {
		/* Still read-only: keep that mapping, ask again later. */
		atomic_store(&old->retry, SEMF_RETRY);
		pthread_mutex_unlock(&semf_lock);
		free(m);
		errno = saved;
		return NULL;
	}
	if (r.addr) {
		m->write = r.flags & AIXIPC_SEMMAP_WRITE;
		atomic_store(&m->retry, SEMF_RETRY);
		m->ticket = r.ticket;
		m->nsems = r.nsems;
		m->size = r.size;
		m->words = (_Atomic uint64_t *)(uintptr_t)(r.addr +
							  AIXIPC_SEM_WORDS_OFFSET);
		m->meta = (const volatile struct aixipc_sem_meta *)(uintptr_t)r.addr;
	} else {
		atomic_store(&m->retry, SEMF_RETRY);
	}
	if (old)
		semf_retire(old);
	atomic_store_explicit(&semf_table[slot], m, memory_order_release);
	pthread_mutex_unlock(&semf_lock);
	errno = saved;
	return m->meta ? m : NULL;
}

/*
 * The mapping of set @id, mapped on first use; NULL when the call must go
 * to the kernel.  Never fails otherwise: errors are the kernel's to report.
 */
static struct semf_map *semf_get(int id)
{
	unsigned int slot;
	struct semf_map *m;

	pthread_once(&semf_once, semf_init);
	if (!semf_on || id < 0)
		return NULL;
	slot = (unsigned int)id % SEMF_SLOTS;
	m = atomic_load_explicit(&semf_table[slot], memory_order_acquire);
	if (m && m->id == id) {
		if (m->meta) {
			if (m->meta->live == AIXIPC_SEM_LIVE)
				return m;
			/* Removed or revoked: map again (or learn why not). */
		} else if (atomic_fetch_sub(&m->retry, 1) > 1) {
			return NULL;
		}
	}
	return semf_map_new(id, false);
}

/*
 * For an operation that changes a value: @m, or a writable mapping that
 * replaced it, or NULL.  A read-only mapping asks now and then for a
 * writable one: alter permission may have been given back.
 */
static struct semf_map *semf_writable(struct semf_map *m)
{
	if (m->write)
		return m;
	if (atomic_fetch_sub(&m->retry, 1) > 1)
		return NULL;
	return semf_map_new(m->id, true);
}

/*
 * Read @n bytes of the caller's at @src, where a bad address must fail as
 * a system call would (EFAULT), not fault.  A page once checked by the
 * kernel (aixipc_copy_in()) is read directly by the same thread after:
 * programs pass the same sembuf, on the stack or static, again and again.
 * (A page the program unmaps after passing it, and passes again, faults.)
 * Return: 0, or -1 with errno EFAULT.
 */
int aixipc_fast_copy_in(void *dst, const void *src, size_t n)
{
	static _Thread_local uintptr_t checked = UINTPTR_MAX;
	uintptr_t a = (uintptr_t)src, page = a & ~(uintptr_t)4095;

	if (n <= 4096 - (a & 4095) && page == checked) {
		memcpy(dst, src, n);
		return 0;
	}
	if (aixipc_copy_in(dst, src, n))
		return -1;
	if (n <= 4096 - (a & 4095))
		checked = page;
	return 0;
}

/* The current second as the kernel counts sem_otime. */
static int64_t semf_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME_COARSE, &ts))
		return -1;
	return ts.tv_sec;
}

/* The adjustment a word carries (AIXIPC_SEMW_ADJ, 15-bit two's complement). */
static int semf_adj(uint64_t w)
{
	int a = (int)((w & AIXIPC_SEMW_ADJ) >> AIXIPC_SEMW_ADJ_SHIFT);

	return a >= 0x4000 ? a - 0x8000 : a;
}

/**
 * aixipc_semop_fast - try a semop without the kernel
 * @semid, @sops, @nsops: the call
 *
 * Return: 0 done, -1 with errno EAGAIN (IPC_NOWAIT and it would wait), or
 * 1: the kernel must do it (nothing was done).
 */
int aixipc_semop_fast(int semid, const struct sembuf *sops, size_t nsops)
{
	struct sembuf op;
	struct semf_map *m;
	unsigned int spin;
	uint64_t w, nw, keep;
	int64_t now;
	uint32_t hold;
	bool undo;

	if (nsops != 1)
		return 1;
	if (aixipc_fast_copy_in(&op, sops, sizeof(op)))
		return 1;	/* EFAULT: the kernel's to say */
	if (op.sem_flg & ~(IPC_NOWAIT | SEM_UNDO))
		return 1;
	undo = op.sem_flg & SEM_UNDO && op.sem_op;
	m = semf_get(semid);
	if (m)
		m = semf_writable(m);
	if (!m || op.sem_num >= m->nsems)
		return 1;
	now = semf_now();
	hold = m->ticket | AIXIPC_SEM_TICKET_HOLD;
	for (spin = 0; spin < SEMF_SPINS; spin++) {
		int v;

		w = atomic_load_explicit(&m->words[op.sem_num],
					 memory_order_acquire);
		if (m->meta->live != AIXIPC_SEM_LIVE || m->meta->otime != now)
			return 1;	/* the kernel stamps sem_otime */
		/* What the new word keeps besides the value. */
		if (!(w & (AIXIPC_SEMW_KERNEL | AIXIPC_SEMW_ADJ)) && !undo) {
			keep = (uint64_t)m->ticket << AIXIPC_SEMW_TICKET_SHIFT;
		} else if (w & AIXIPC_SEMW_KERNEL ||
			   (uint32_t)(w >> AIXIPC_SEMW_TICKET_SHIFT) != hold) {
			/* The kernel's, or another's adjustment to move. */
			return 1;
		} else if (undo) {
			/* Our adjustment: it changes with the value. */
			int a = semf_adj(w) - op.sem_op;

			if (!semf_undo || a < -(int)m->meta->semaem ||
			    a > (int)m->meta->semaem ||
			    a < AIXIPC_SEMW_ADJ_MIN || a > AIXIPC_SEMW_ADJ_MAX)
				return 1;	/* ERANGE, or the kernel keeps it */
			keep = (uint64_t)hold << AIXIPC_SEMW_TICKET_SHIFT |
			       ((uint64_t)(uint32_t)a << AIXIPC_SEMW_ADJ_SHIFT &
				AIXIPC_SEMW_ADJ);
		} else {
			/* Our adjustment, and our word: both stay. */
			keep = w & (AIXIPC_SEMW_TICKET | AIXIPC_SEMW_ADJ);
		}
		v = (int)(w & AIXIPC_SEMW_VALUE);
		if (op.sem_op == 0 ? v != 0 : v + op.sem_op < 0) {
			if (!(op.sem_flg & IPC_NOWAIT))
				return 1;	/* it waits: the kernel's */
			errno = EAGAIN;
			return -1;
		}
		v += op.sem_op;
		if (v > (int)m->meta->semvmx)
			return 1;		/* ERANGE, the kernel's */
		nw = keep | (unsigned int)v;
		if (nw == w)
			return 0;	/* a wait for zero, already stamped ours */
		if (atomic_compare_exchange_weak_explicit(&m->words[op.sem_num],
							  &w, nw,
							  memory_order_acq_rel,
							  memory_order_acquire))
			return 0;
	}
	return 1;
}

/**
 * aixipc_semop_altered - the kernel just changed a value of @semid for us
 * @semid: the set
 *
 * Proof of alter permission: a read-only mapping of the set is replaced by
 * a writable one now (the permission was given back).
 */
void aixipc_semop_altered(int semid)
{
	struct semf_map *m;

	pthread_once(&semf_once, semf_init);
	if (!semf_on || semid < 0)
		return;
	m = atomic_load_explicit(&semf_table[(unsigned int)semid % SEMF_SLOTS],
				 memory_order_acquire);
	if (m && m->id == semid && m->meta && !m->write)
		semf_map_new(semid, true);
}

/**
 * aixipc_getval_fast - GETVAL without the kernel
 * @semid, @semnum: the semaphore
 * @val: out: its value
 *
 * Return: 0 with *@val, or 1: the kernel must answer.
 */
int aixipc_getval_fast(int semid, int semnum, int *val)
{
	struct semf_map *m = semf_get(semid);
	uint64_t w;
	int v;

	if (!m || semnum < 0 || (unsigned int)semnum >= m->nsems)
		return 1;
	w = atomic_load_explicit(&m->words[semnum], memory_order_acquire);
	if (m->meta->live != AIXIPC_SEM_LIVE)
		return 1;
	/* As the kernel will take it: clamped to semvmx. */
	v = (int)(w & AIXIPC_SEMW_VALUE);
	*val = v > (int)m->meta->semvmx ? (int)m->meta->semvmx : v;
	return 0;
}
