// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: the semaphore fast path under garbage.  A set's area
 * (AIXIPC_IOC_SEMMAP) is shared with user space, which may write anything
 * into the words of a writable mapping; the kernel must take that as a
 * value at most (clamped to semvmx), never hang, warn or crash on it, and
 * a process without alter permission must never change a value through it.
 *
 * --scribble runs processes with fixed roles (scribble_main()):
 *  - scribblers (two as root, one as uid 65534) map sets writable and
 *    write 64-bit garbage, and torn pieces of it, into every word (forged
 *    holds among it: holder tickets with any adjustment), while
 *    they also move (mremap), re-protect and refault their mappings, fork
 *    children that check the inherited mapping is dead and that writing
 *    the meta page of their own mapping raises SIGBUS, and (root) reach
 *    the area's file through /proc/self/map_files;
 *  - operators (two as root, one as uid 65534) do semop (single and
 *    several operations, IPC_NOWAIT, SEM_UNDO, blocking with timeouts)
 *    and semctl (GETVAL and GETALL checked within [0, semvmx], SETVAL and
 *    SETALL in and out of range, GETNCNT, GETZCNT, GETPID) on the same
 *    sets; every call must return within its timeout plus SC_SLACK.  They
 *    also keep a writable mapping of an open set and operate through its
 *    words as libaixipc does, SEM_UNDO's rules included (fast_op()): a
 *    SEM_UNDO operation through the kernel hands the word back to them
 *    with their adjustment in it (a hold), their next ones change value
 *    and adjustment in one compare-and-swap, so held words are there for
 *    the scribblers to write over, the churner to set and remove, and the
 *    exit to settle;
 *  - a read-only mapper (uid 65534) maps sets read-only: a write must
 *    raise SIGSEGV, mprotect(PROT_WRITE) and a writable map of a set it
 *    may only read must fail with EACCES, a write through /proc/self/mem
 *    must fail; in the words of the frozen set (below) it must see the
 *    kernel's bit and the frozen values;
 *  - a churner (root) removes and recreates the open sets (1 to 9, 250
 *    or semmsl semaphores), changes their modes (revoking mappings) and
 *    sets their values;
 *  - a guard (root) keeps "guard" sets that only the uid-65534 processes
 *    use, and only without SEM_UNDO or waiting: the frozen one (mode
 *    0644 always: read only for them) keeps the values it was given, and
 *    the others alternate between 0666 and 0644; after each IPC_SET to
 *    0644 (which revokes every mapping before it returns) their values
 *    must not move while the scribblers go on writing.
 * At the end (quiesced): every set's GETALL and GETVAL within [0, semvmx]
 * and equal, the frozen set still frozen, every object removed.  Each
 * process's PRNG derives from --seed and its role's index.
 *
 * The other modes get the sem-scribble scenario (scen_sem_scribble()):
 * a thread maps a set, a fork child scribbles on it meanwhile, the thread
 * does semops and checks the values; and gen_semmap (iocs.c) fuzzes the
 * ioctl itself.
 */
#include "fuzz.h"

#ifdef AIXIPC_IOC_SEMMAP

bool g_scribble;

#define SC_OPEN		8	/* sets every process may use */
#define SC_GUARD	3	/* 0: frozen, then alternating */
#define SC_FROZEN_N	5
#define SC_SLACK	3.0	/* seconds a call may take beyond its timeout */
#define SC_MAX_WORDS	512	/* words written per round, at most */

struct sc_shared {
	int open[SC_OPEN];	/* ids; -1 while being replaced */
	int guard[SC_GUARD];
	int closed[SC_GUARD];	/* guard set at 0644 (alternating ones) */
	uint16_t frozen[SC_FROZEN_N];
	uint64_t words, rounds, maps, refused, semops, timed, timeouts,
		 ctls, sigbus, sigsegv, revokes, held, junk, mmops,
		 map_files, rmids, fast, fast_held, fast_kernel;
};
static struct sc_shared *sc;

/* One mapping of a set's area. */
struct smap {
	int id;
	bool write;
	uint32_t nsems, ticket;
	size_t size;
	char *base;
	volatile uint64_t *words;
};

static const volatile struct aixipc_sem_meta *smap_meta(const struct smap *m)
{
	return (const volatile struct aixipc_sem_meta *)m->base;
}

static size_t area_size(uint32_t nsems)
{
	return AIXIPC_SEM_WORDS_OFFSET + pg_align((uint64_t)nsems * 8);
}

/*
 * AIXIPC_IOC_SEMMAP of set @id (a clean call, the errnos in @allow), the
 * answer checked.  Return: 0 or -errno.
 */
static int sem_map(struct wk *w, int id, bool write, struct smap *m,
		   unsigned int allow)
{
	struct aixipc_semmap r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.id = id;
	r.flags = write ? AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO : 0;
	rc = fz_call_clean(w, IOC_SEMMAP, &r, allow);
	if (rc) {
		if (sc && rc == -EACCES)
			ADD(sc->refused, 1);
		return rc;
	}
	if (!r.nsems || r.nsems > g_limits.semmsl || r.size != area_size(r.nsems) ||
	    r.addr % g_pg || r.ticket <= AIXIPC_SEM_TICKET_KERNEL ||
	    r.ticket & AIXIPC_SEM_TICKET_HOLD) {
		fz_fail(w, "semmap of set %d: addr %#llx size %llu nsems %u ticket %u",
			id, (unsigned long long)r.addr, (unsigned long long)r.size,
			r.nsems, r.ticket);
		if (r.addr && r.size && !(r.addr % g_pg))
			munmap((void *)(uintptr_t)r.addr, (size_t)r.size);
		return -EINVAL;
	}
	m->id = id;
	m->write = write;
	m->nsems = r.nsems;
	m->ticket = r.ticket;
	m->size = (size_t)r.size;
	m->base = (char *)(uintptr_t)r.addr;
	m->words = (volatile uint64_t *)(m->base + AIXIPC_SEM_WORDS_OFFSET);
	if (sc)
		ADD(sc->maps, 1);
	return 0;
}

static void sem_unmap(struct wk *w, struct smap *m)
{
	if (m->base && munmap(m->base, m->size))
		fz_fail(w, "munmap of a set's area: %s", strerror(errno));
	m->base = NULL;
}

/* A garbage word for semaphore @i of @m. */
static uint64_t garbage(struct wk *w, const struct smap *m, unsigned int i)
{
	uint64_t v = r64(w);

	switch (rnd(w, 11)) {
	case 0:
		return v;
	case 1:
		return v & ~AIXIPC_SEMW_KERNEL;
	case 2:
		return (uint64_t)m->ticket << AIXIPC_SEMW_TICKET_SHIFT | (v & 0xffff);
	case 3:
		return (uint64_t)m->ticket << AIXIPC_SEMW_TICKET_SHIFT |
		       (chance(w, 50) ? 0xffff : (g_limits.semvmx + 1) & 0xffff);
	case 4:
		return (uint64_t)AIXIPC_SEM_TICKET_KERNEL << AIXIPC_SEMW_TICKET_SHIFT |
		       (v & 0xffff);
	case 5:
		return chance(w, 50) ? 0 : ~0ULL;
	case 6:
		return v | AIXIPC_SEMW_KERNEL;
	case 7:
		return (v & ~AIXIPC_SEMW_TICKET) | (uint64_t)(uint32_t)r64(w) << 32;
	case 8:
		/* A hold of ours that the kernel never granted. */
		return (uint64_t)(m->ticket | AIXIPC_SEM_TICKET_HOLD) <<
		       AIXIPC_SEMW_TICKET_SHIFT |
		       (v & (AIXIPC_SEMW_ADJ | AIXIPC_SEMW_VALUE));
	case 9:
		/* The word's ticket (an operator's hold?), any adjustment. */
		return (m->words[i] & AIXIPC_SEMW_TICKET) |
		       (v & (AIXIPC_SEMW_ADJ | AIXIPC_SEMW_VALUE));
	default:
		return m->words[i] ^ 1ULL << rnd(w, 64);
	}
}

/* Write garbage into word @i: whole, torn, or by compare-and-swap. */
static void scribble_word(struct wk *w, struct smap *m, unsigned int i)
{
	uint64_t g = garbage(w, m, i), old;
	volatile char *p = (volatile char *)&m->words[i];
	unsigned int k;

	switch (rnd(w, 6)) {
	case 0:
		k = (unsigned int)rnd(w, 8);
		p[k] = (char)g;
		break;
	case 1:
		k = 2 * (unsigned int)rnd(w, 4);
		*(volatile uint16_t *)(p + k) = (uint16_t)g;
		break;
	case 2:
		k = 4 * (unsigned int)rnd(w, 2);
		*(volatile uint32_t *)(p + k) = (uint32_t)g;
		break;
	case 3:
		old = m->words[i];
		__atomic_compare_exchange_n((uint64_t *)&m->words[i], &old, g,
					    false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
		break;
	default:
		__atomic_store_n((uint64_t *)&m->words[i], g, __ATOMIC_RELAXED);
	}
}

/* A round: garbage into every word (at most SC_MAX_WORDS random ones). */
static void scribble_round(struct wk *w, struct smap *m)
{
	unsigned int i, n = m->nsems;

	if (n <= SC_MAX_WORDS)
		for (i = 0; i < n; i++)
			scribble_word(w, m, i);
	else
		for (i = 0; i < SC_MAX_WORDS; i++)
			scribble_word(w, m, (unsigned int)rnd(w, n));
	if (sc) {
		ADD(sc->words, n < SC_MAX_WORDS ? n : SC_MAX_WORDS);
		ADD(sc->rounds, 1);
	}
}

/* Status of set @id: its nsems, or -errno. */
static long sem_nsems(struct wk *w, int id)
{
	struct aixipc_semctl c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_STAT;
	rc = fz_call_clean(w, IOC_SEMCTL, &c, 0);
	return rc ? rc : (long)c.ds.nsems;
}

/*
 * GETALL of set @id into @vals (room for semmsl values), each checked
 * within [0, semvmx].  Return: the number of values, or -errno.
 */
static long sem_getall(struct wk *w, int id, uint16_t *vals)
{
	struct aixipc_semctl c;
	long n = sem_nsems(w, id), i;
	int rc;

	if (n <= 0)
		return n ? n : -EINVAL;
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_GETALL;
	c.array = (uintptr_t)vals;
	rc = fz_call_clean(w, IOC_SEMCTL, &c, 0);
	if (sc)
		ADD(sc->ctls, 1);
	if (rc)
		return rc;
	for (i = 0; i < n; i++)
		if (vals[i] > g_limits.semvmx) {
			fz_fail(w, "GETALL of set %d: semaphore %ld has %u, past semvmx %llu",
				id, i, vals[i], (unsigned long long)g_limits.semvmx);
			return -ERANGE;
		}
	ADD(sh->checks, 1);
	return n;
}

/* GETVAL, checked within [0, semvmx].  Return: the value or -errno. */
static int sem_getval(struct wk *w, int id, uint32_t semnum)
{
	struct aixipc_semctl c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_GETVAL;
	c.semnum = semnum;
	rc = fz_call_clean(w, IOC_SEMCTL, &c, 0);
	if (sc)
		ADD(sc->ctls, 1);
	if (rc)
		return rc;
	if (c.val < 0 || (uint64_t)c.val > g_limits.semvmx) {
		fz_fail(w, "GETVAL of semaphore %u of set %d: %d, outside [0, %llu]",
			semnum, id, c.val, (unsigned long long)g_limits.semvmx);
		return -ERANGE;
	}
	return c.val;
}

static int sem_ctl_simple(struct wk *w, int id, uint32_t cmd, uint32_t semnum,
			  int32_t val, uint64_t array, unsigned int allow)
{
	struct aixipc_semctl c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = cmd;
	c.semnum = semnum;
	c.val = val;
	c.array = array;
	if (sc)
		ADD(sc->ctls, 1);
	return fz_call_clean(w, IOC_SEMCTL, &c, allow);
}

/* IPC_SET of @id to root's @mode.  Return: 0 or -errno. */
static int sem_setmode(struct wk *w, int id, uint32_t mode)
{
	struct aixipc_semctl c;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_SET;
	c.ds.perm.mode = mode;
	if (sc)
		ADD(sc->revokes, 1);
	return fz_call_clean(w, IOC_SEMCTL, &c, 0);
}

/*
 * One semop of @n operations, timed by @timeout_ms (< 0: untimed, and
 * then every operation has IPC_NOWAIT): it must return within the
 * timeout plus SC_SLACK.  Return: 0 or -errno.
 */
static int sem_op(struct wk *w, int id, struct aixipc_sembuf *ops, unsigned int n,
		  long timeout_ms, unsigned int allow)
{
	struct aixipc_semop o;
	double t0, dt, limit;
	int rc;

	memset(&o, 0, sizeof(o));
	o.id = id;
	o.sops = (uintptr_t)ops;
	o.nsops = n;
	if (timeout_ms >= 0) {
		o.flags = AIXIPC_SEMOP_TIMED;
		o.timeout_sec = timeout_ms / 1000;
		o.timeout_nsec = timeout_ms % 1000 * 1000000;
	}
	t0 = now();
	rc = fz_call_clean(w, IOC_SEMOP, &o, allow);
	dt = now() - t0;
	/* The other modes' chaos stops processes for a while. */
	limit = (timeout_ms > 0 ? (double)timeout_ms / 1000 : 0) +
		(g_scribble ? SC_SLACK : 4 * SC_SLACK);
	if (dt > limit)
		fz_fail(w, "semop of %u operations on set %d (timeout %ld ms) took %.3f s: %s",
			n, id, timeout_ms, dt, rc ? strerror(-rc) : "success");
	if (sc) {
		ADD(sc->semops, 1);
		if (timeout_ms >= 0)
			ADD(sc->timed, 1);
		if (rc == -EAGAIN && timeout_ms >= 0)
			ADD(sc->timeouts, 1);
	}
	return rc;
}

/*
 * Random operations for set @id of (about) @nsems semaphores.  @tame: only
 * IPC_NOWAIT, no SEM_UNDO (a guard set: nothing may be left to happen
 * after the call returns).  Return: 0 or -errno.
 */
static int random_semop(struct wk *w, int id, uint32_t nsems, bool tame)
{
	static const int16_t vals[] = { -1, 1, 0, -2, 2, 3, -3, 32767, -32768 };
	struct aixipc_sembuf ops[8];
	unsigned int n = chance(w, 70) ? 1 : 2 + (unsigned int)rnd(w, 6), i;
	bool timed = !tame && chance(w, 40), undo = !tame && chance(w, 30);
	long ms = timed ? (long)rnd(w, 50) : -1;

	if (n > g_limits.semopm)
		n = (unsigned int)g_limits.semopm;
	for (i = 0; i < n; i++) {
		ops[i].sem_num = (uint16_t)(chance(w, 97) ? rnd(w, nsems ? nsems : 1) :
					    rnd(w, 0x10000));
		ops[i].sem_op = chance(w, 95) ? vals[rnd(w, 5)] : vals[rnd(w, 9)];
		ops[i].sem_flg = (int16_t)((timed && chance(w, 80) ? 0 : AIXIPC_SEM_NOWAIT) |
					   (undo || (!tame && chance(w, 10)) ?
					    AIXIPC_SEM_UNDO : 0) |
					   (chance(w, 10) ? AIXIPC_SEM_ORDER : 0));
		if (!timed)
			ops[i].sem_flg |= AIXIPC_SEM_NOWAIT;
	}
	return sem_op(w, id, ops, n, ms, 0);
}

/* The adjustment a word carries (AIXIPC_SEMW_ADJ, 15-bit two's complement). */
static int word_adj(uint64_t x)
{
	int a = (int)((x & AIXIPC_SEMW_ADJ) >> AIXIPC_SEMW_ADJ_SHIFT);

	return a >= 0x4000 ? a - 0x8000 : a;
}

/*
 * Operation @op on semaphore @i through the words of our writable mapping
 * @m, by the protocol of uapi's AIXIPC_SEMW_* as libaixipc follows it: the
 * word user space's, the set live and stamped this second, the value
 * within [0, semvmx].  A word with our holder ticket carries our
 * adjustment: @undo changes it with the value (within semaem), and the
 * word stays held either way.  Any other word must carry no adjustment,
 * and gets our ticket.  Return: 0 done (@held: on a word we held),
 * -EAGAIN it would wait, 1 the kernel's.
 */
static int fast_op(struct smap *m, unsigned int i, int op, bool undo, bool *held)
{
	const volatile struct aixipc_sem_meta *meta = smap_meta(m);
	uint32_t hold = m->ticket | AIXIPC_SEM_TICKET_HOLD;
	uint64_t x, nx;
	int spin, v, a;
	bool mine;

	for (spin = 0; spin < 16; spin++) {
		x = __atomic_load_n((uint64_t *)&m->words[i], __ATOMIC_ACQUIRE);
		if (x & AIXIPC_SEMW_KERNEL || meta->live != AIXIPC_SEM_LIVE)
			return 1;
		mine = (uint32_t)(x >> AIXIPC_SEMW_TICKET_SHIFT) == hold;
		a = word_adj(x);
		if (!mine && (a || undo))
			return 1;
		v = (int)(x & AIXIPC_SEMW_VALUE);
		if (v + op < 0)
			return -EAGAIN;
		v += op;
		if (v > (int)meta->semvmx)
			return 1;
		if (undo) {
			a -= op;
			if (a < -(int)meta->semaem || a > (int)meta->semaem ||
			    a < AIXIPC_SEMW_ADJ_MIN || a > AIXIPC_SEMW_ADJ_MAX)
				return 1;
		}
		if (meta->otime != (int64_t)time(NULL))
			return 1;
		nx = (uint64_t)(mine ? hold : m->ticket) << AIXIPC_SEMW_TICKET_SHIFT |
		     ((uint64_t)(uint32_t)a << AIXIPC_SEMW_ADJ_SHIFT & AIXIPC_SEMW_ADJ) |
		     (uint64_t)v;
		if (__atomic_compare_exchange_n((uint64_t *)&m->words[i], &x, nx,
						false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			*held = mine;
			return 0;
		}
	}
	return 1;
}

/*
 * A few takes and gives, mostly with SEM_UNDO, on the set of our mapping
 * @m by fast_op(), the kernel doing what the words leave to it (a take
 * that would wait sometimes waits there).  A SEM_UNDO operation through
 * the kernel hands the word back with our adjustment, and the next ones
 * change it in place.  What is not given back stays for the exit, a
 * SETVAL or the removal to settle.
 */
static void fast_semops(struct wk *w, struct smap *m)
{
	unsigned int k, n = 1 + (unsigned int)rnd(w, 8);
	unsigned int lim = m->nsems < 16 ? m->nsems : 16;
	unsigned int i = (unsigned int)rnd(w, lim);
	bool undo = chance(w, 80);

	for (k = 0; k < n && !w->failed; k++) {
		bool held = false, timed = chance(w, 30);
		int op = k % 2 ? 1 : -1, rc;
		struct aixipc_sembuf s;

		if (chance(w, 20)) {
			i = (unsigned int)rnd(w, lim);
			undo = chance(w, 80);
		}
		rc = fast_op(m, i, op, undo, &held);
		if (rc == 0) {
			ADD(sc->fast, 1);
			if (held)
				ADD(sc->fast_held, 1);
		}
		if (rc <= 0)
			continue;
		s.sem_num = (uint16_t)i;
		s.sem_op = (int16_t)op;
		s.sem_flg = (int16_t)((undo ? AIXIPC_SEM_UNDO : 0) |
				      (timed ? 0 : AIXIPC_SEM_NOWAIT));
		rc = sem_op(w, m->id, &s, 1, timed ? (long)rnd(w, 50) : -1, 0);
		ADD(sc->fast_kernel, 1);
		if (rc == -EACCES || rc == -EIDRM || rc == -EINVAL)
			return;
	}
}

/* Operations through the words of an open set, mapped in @fm for a while. */
static void fast_round(struct wk *w, struct smap *fm)
{
	int id;

	if (fm->base && (smap_meta(fm)->live != AIXIPC_SEM_LIVE || chance(w, 5)))
		sem_unmap(w, fm);
	if (!fm->base) {
		id = LOAD(sc->open[rnd(w, SC_OPEN)]);
		if (id < 0 || sem_map(w, id, true, fm, 0))
			return;
	}
	fast_semops(w, fm);
}

/* Random semctl on set @id: reads checked, writes in and out of range. */
static void random_semctl(struct wk *w, int id, uint32_t nsems, uint16_t *vals)
{
	uint32_t num = (uint32_t)(chance(w, 97) ? rnd(w, nsems ? nsems : 1) : r64(w));
	int32_t v;
	long i;
	int rc;

	switch (rnd(w, 8)) {
	case 0:
	case 1:
		sem_getval(w, id, num);
		break;
	case 2:
		sem_getall(w, id, vals);
		break;
	case 3:
		v = chance(w, 85) ? (int32_t)rnd(w, 5) :
		    chance(w, 50) ? (int32_t)g_limits.semvmx + (int32_t)rnd(w, 2) :
		    -1 - (int32_t)rnd(w, 2);
		rc = sem_ctl_simple(w, id, AIXIPC_SETVAL, num, v, 0, 0);
		if (!rc && (v < 0 || (uint64_t)v > g_limits.semvmx))
			fz_fail(w, "SETVAL %d of set %d succeeded (semvmx %llu)", v, id,
				(unsigned long long)g_limits.semvmx);
		break;
	case 4: {
		bool bad = chance(w, 10);
		long n = sem_nsems(w, id);

		if (n <= 0)
			break;
		for (i = 0; i < n; i++)
			vals[i] = (uint16_t)rnd(w, 4);
		if (bad)
			vals[rnd(w, (uint64_t)n)] = (uint16_t)(g_limits.semvmx + 1 +
							     rnd(w, 0xffff - g_limits.semvmx));
		rc = sem_ctl_simple(w, id, AIXIPC_SETALL, 0, 0, (uintptr_t)vals, 0);
		/* The set may have been removed and its id reused meanwhile. */
		if (!rc && bad)
			fz_fail(w, "SETALL of set %d with a value past semvmx succeeded", id);
		break;
	}
	case 5:
		sem_ctl_simple(w, id, AIXIPC_GETNCNT, num, 0, 0, 0);
		break;
	case 6:
		sem_ctl_simple(w, id, AIXIPC_GETZCNT, num, 0, 0, 0);
		break;
	default:
		sem_ctl_simple(w, id, AIXIPC_GETPID, num, 0, 0, 0);
	}
}

/* A new set of @nsems semaphores, mode @mode.  Return: its id or -errno. */
static int sem_new(struct wk *w, uint32_t nsems, uint32_t mode)
{
	return new_private(w, AIXIPC_SEM, mode, nsems, EM(ENOSPC) | EM(ENOMEM));
}

static uint32_t pick_nsems(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	uint64_t n = r < 70 ? 1 + rnd(w, 9) : r < 95 ? 250 : g_limits.semmsl;

	return (uint32_t)(n > g_limits.semmsl ? g_limits.semmsl : n);
}

/*
 * A fork child of a process with mapping @m: the inherited mapping is
 * dead there (VM_WIPEONFORK: a page of kernel-owned words), writing into
 * it changes nothing; a writable map of its own raises SIGBUS when its
 * meta page is written.  Exits 0, or 1 after a failure.
 */
static void fork_check_child(struct wk *w, struct smap *m)
{
	struct smap own;
	unsigned char v = 0x5a;
	unsigned int i;
	int sig;

	w->in_child = true;
	if (smap_meta(m)->live == AIXIPC_SEM_LIVE)
		fz_fail(w, "fork child sees its parent's mapping of set %d live", m->id);
	if (m->write)
		for (i = 0; i < m->nsems && i < 64; i++)
			scribble_word(w, m, i);
	memset(&own, 0, sizeof(own));
	if (!sem_map(w, m->id, true, &own, 0)) {
		sig = probe(w, (volatile unsigned char *)own.base + rnd(w, 64), true, &v);
		if (sig != SIGBUS)
			fz_fail(w, "write to the meta page of set %d: %s, not SIGBUS",
				m->id, signame(sig));
		else if (sc)
			ADD(sc->sigbus, 1);
		sem_unmap(w, &own);
	}
	_exit(w->failed || LOAD(sh->fail) ? 1 : 0);
}

static void fork_check(struct wk *w, struct smap *m)
{
	pid_t pid;
	int st;

	if (w->in_child)
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		rng_seed(&w->r, r64(w));
		fork_check_child(w, m);
	}
	ADD(sh->forks, 1);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		fz_fail(w, "fork child %d (set %d) died of signal %d (%s)", (int)pid,
			m->id, WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (sc)
		ADD(sc->junk, 1);
}

/*
 * Root: the area's file through /proc/self/map_files (its inode is an
 * empty shmem file's): write, truncate, map and touch it.  Whatever
 * happens, the kernel must not mind; the mapping must stay as it was.
 */
static void map_files_probe(struct wk *w, struct smap *m)
{
	char path[96], buf[64];
	unsigned char v = 0;
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)(uintptr_t)m->base,
		 (unsigned long)(uintptr_t)(m->base + m->size));
	fd = open(path, chance(w, 50) ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return;
	ADD(sc->map_files, 1);
	fill_random(w, buf, sizeof(buf));
	/* Results do not matter. */
	if (write(fd, buf, sizeof(buf)) < 0 || pread(fd, buf, sizeof(buf), 0) < 0 ||
	    ftruncate(fd, (off_t)g_pg)) {
	}
	p = mmap(NULL, g_pg, PROT_READ | (chance(w, 50) ? PROT_WRITE : 0),
		 MAP_SHARED, fd, 0);
	if (p != MAP_FAILED) {
		probe(w, p, false, &v);
		munmap(p, g_pg);
	}
	close(fd);
}

/* Mapping @m moves, is re-protected, or refaults. */
static void mm_op(struct wk *w, struct smap *m)
{
	unsigned char v = 0;
	void *p;
	int sig;

	ADD(sc->mmops, 1);
	switch (rnd(w, 5)) {
	case 0:
		/* A place of our own to move to, then the move. */
		p = mmap(NULL, m->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return;
		if (mremap(m->base, m->size, m->size, MREMAP_MAYMOVE | MREMAP_FIXED, p) !=
		    p) {
			fz_fail(w, "mremap moving the area of set %d: %s", m->id,
				strerror(errno));
			munmap(p, m->size);
			return;
		}
		m->base = p;
		m->words = (volatile uint64_t *)(m->base + AIXIPC_SEM_WORDS_OFFSET);
		break;
	case 1:
		if (!m->write)
			return;
		if (mprotect(m->base, m->size, PROT_READ)) {
			fz_fail(w, "mprotect(PROT_READ) of the area of set %d: %s",
				m->id, strerror(errno));
			return;
		}
		sig = probe(w, (volatile unsigned char *)m->words, true, &v);
		if (sig != SIGSEGV)
			fz_fail(w, "write to an area made read-only: %s, not SIGSEGV",
				signame(sig));
		else
			ADD(sc->sigsegv, 1);
		if (mprotect(m->base, m->size, PROT_READ | PROT_WRITE))
			fz_fail(w, "mprotect back to PROT_WRITE of a writable area: %s",
				strerror(errno));
		break;
	case 2:
		/* Not for PFN maps (EINVAL): whatever it says, no harm. */
		madvise(m->base, m->size, chance(w, 50) ? MADV_DONTNEED : MADV_COLD);
		break;
	case 3:
		fork_check(w, m);
		break;
	default:
		if (!g_unpriv)
			map_files_probe(w, m);
	}
}

/* A set for @w: an open one, or (the unprivileged) an alternating guard. */
static int pick_set(struct wk *w, bool guards)
{
	if (guards && chance(w, 35))
		return LOAD(sc->guard[1 + rnd(w, SC_GUARD - 1)]);
	return LOAD(sc->open[rnd(w, SC_OPEN)]);
}

static void role_scribbler(struct wk *w)
{
	struct smap m;
	unsigned int rounds, r;
	int id;

	while (!stopping() && !w->failed) {
		id = pick_set(w, g_unpriv);
		if (id < 0)
			continue;
		memset(&m, 0, sizeof(m));
		if (g_unpriv && chance(w, 5)) {
			/* The frozen set: read-only to us. */
			int rc = sem_map(w, LOAD(sc->guard[0]), true, &m, EM(EACCES));

			if (rc != -EACCES)
				fz_fail(w, "writable map of set %d (mode 0644, uid 65534): %s, not EACCES",
					LOAD(sc->guard[0]), rc ? strerror(-rc) : "success");
			sem_unmap(w, &m);
			continue;
		}
		if (sem_map(w, id, true, &m, 0))
			continue;
		rounds = 1 + (unsigned int)rnd(w, 200);
		for (r = 0; r < rounds && !stopping() && !w->failed; r++) {
			scribble_round(w, &m);
			if (chance(w, 3))
				mm_op(w, &m);
			if (chance(w, 20))
				sched_yield();
		}
		sem_unmap(w, &m);
	}
}

static void role_operator(struct wk *w)
{
	uint16_t *vals = calloc(g_limits.semmsl + 1, sizeof(*vals));
	struct smap m, fm;
	long n;
	int id;

	if (!vals)
		_exit(2);
	memset(&fm, 0, sizeof(fm));
	while (!stopping() && !w->failed) {
		/* Open sets only: the guard sets see no SEM_UNDO. */
		if (chance(w, 30))
			fast_round(w, &fm);
		bool guard = g_unpriv && chance(w, 35);

		id = guard ? LOAD(sc->guard[1 + rnd(w, SC_GUARD - 1)]) :
			     LOAD(sc->open[rnd(w, SC_OPEN)]);
		if (id < 0)
			continue;
		n = sem_nsems(w, id);
		if (n <= 0)
			continue;
		if (chance(w, 60))
			random_semop(w, id, (uint32_t)n, guard);
		else if (!guard)
			random_semctl(w, id, (uint32_t)n, vals);
		else if (chance(w, 50))
			sem_getval(w, id, (uint32_t)rnd(w, (uint64_t)n));
		else
			sem_getall(w, id, vals);
		/* Reading the words as the fast path would. */
		if (chance(w, 3)) {
			memset(&m, 0, sizeof(m));
			if (!sem_map(w, id, chance(w, 50), &m, 0)) {
				unsigned int i;

				for (i = 0; i < m.nsems && i < 16; i++)
					(void)m.words[i];
				sem_unmap(w, &m);
			}
		}
	}
	sem_unmap(w, &fm);
	free(vals);
}

/* Uid 65534, read-only mappings: nothing may be written through them. */
static void role_reader(struct wk *w)
{
	int memfd = open("/proc/self/mem", O_RDWR);
	struct smap m;
	uint64_t g;
	unsigned char v = 0xa5;
	unsigned int i;
	bool frozen;
	int id, sig, rc;

	while (!stopping() && !w->failed) {
		frozen = chance(w, 40);
		id = frozen ? LOAD(sc->guard[0]) : pick_set(w, true);
		if (id < 0)
			continue;
		memset(&m, 0, sizeof(m));
		rc = sem_map(w, id, false, &m, 0);
		if (rc) {
			if (frozen)
				fz_fail(w, "read-only map of the frozen set %d: %s", id,
					strerror(-rc));
			continue;
		}
		i = (unsigned int)rnd(w, m.nsems);
		sig = probe(w, (volatile unsigned char *)&m.words[i] + rnd(w, 8), true, &v);
		if (sig != SIGSEGV)
			fz_fail(w, "write to a read-only mapping of set %d: %s, not SIGSEGV",
				id, signame(sig));
		else
			ADD(sc->sigsegv, 1);
		if (chance(w, 30)) {
			sig = probe(w, (volatile unsigned char *)m.base + rnd(w, 32), true, &v);
			if (sig != SIGSEGV)
				fz_fail(w, "write to the meta page of a read-only mapping of set %d: %s, not SIGSEGV",
					id, signame(sig));
		}
		errno = 0;
		if (!mprotect(m.base, m.size, PROT_READ | PROT_WRITE) || errno != EACCES)
			fz_fail(w, "mprotect(PROT_WRITE) of a read-only mapping of set %d: %s, not EACCES",
				id, errno ? strerror(errno) : "success");
		if (chance(w, 30)) {
			mm_op(w, &m);
			errno = 0;
			if (!mprotect(m.base, m.size, PROT_READ | PROT_WRITE) ||
			    errno != EACCES)
				fz_fail(w, "mprotect(PROT_WRITE) of a moved read-only mapping of set %d: %s, not EACCES",
					id, errno ? strerror(errno) : "success");
		}
		if (memfd >= 0) {
			g = garbage(w, &m, i);
			if (pwrite(memfd, &g, sizeof(g), (off_t)(uintptr_t)&m.words[i]) > 0)
				fz_fail(w, "a write through /proc/self/mem into a read-only mapping of set %d worked",
					id);
		}
		if (frozen) {
			/* Every word the kernel's (nobody took one back), frozen. */
			for (i = 0; i < m.nsems && i < SC_FROZEN_N; i++) {
				uint64_t x = m.words[i];

				if (!(x & AIXIPC_SEMW_KERNEL) ||
				    (x & AIXIPC_SEMW_VALUE) != LOAD(sc->frozen[i]))
					fz_fail(w, "frozen set %d: word %u is %#llx, value %u expected, the kernel's",
						id, i, (unsigned long long)x,
						LOAD(sc->frozen[i]));
			}
			ADD(sh->checks, 1);
			if (chance(w, 20)) {
				struct aixipc_sembuf op = { (uint16_t)rnd(w, SC_FROZEN_N), 1,
							    AIXIPC_SEM_NOWAIT };

				rc = sem_op(w, id, &op, 1, -1, EM(EACCES));
				if (rc != -EACCES)
					fz_fail(w, "semop on the frozen set %d by uid 65534: %s, not EACCES",
						id, rc ? strerror(-rc) : "success");
				rc = sem_ctl_simple(w, id, AIXIPC_SETVAL, 0, 1, 0,
						    EM(EACCES) | EM(EPERM));
				if (!rc)
					fz_fail(w, "SETVAL on the frozen set %d by uid 65534 worked",
						id);
			}
		}
		sem_unmap(w, &m);
	}
	if (memfd >= 0)
		close(memfd);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Root: the open sets removed, made, re-permitted, set. */
static void role_churner(struct wk *w)
{
	static const uint32_t modes[] = { 0666, 0666, 0666, 0600, 0644, 0660 };
	uint16_t *vals = calloc(g_limits.semmsl + 1, sizeof(*vals));
	unsigned int i;
	int id;

	if (!vals)
		_exit(2);
	while (!stopping() && !w->failed) {
		i = (unsigned int)rnd(w, SC_OPEN);
		id = LOAD(sc->open[i]);
		switch (rnd(w, 4)) {
		case 0:
			STORE(sc->open[i], -1);
			if (id >= 0 && !rmid_sem(w, id))
				ADD(sc->rmids, 1);
			STORE(sc->open[i], sem_new(w, pick_nsems(w), 0666));
			break;
		case 1:
			if (id >= 0)
				sem_setmode(w, id, modes[rnd(w, 6)]);
			break;
		default: {
			long n = id >= 0 ? sem_nsems(w, id) : -1;

			if (n > 0)
				random_semctl(w, id, (uint32_t)n, vals);
		}
		}
		sleep_ms(5 + (long)rnd(w, 50));
	}
	free(vals);
}

/* The frozen set still has its values. */
static void check_frozen(struct wk *w, uint16_t *vals)
{
	long n = sem_getall(w, LOAD(sc->guard[0]), vals), i;

	if (n != SC_FROZEN_N) {
		fz_fail(w, "GETALL of the frozen set %d: %ld", LOAD(sc->guard[0]), n);
		return;
	}
	for (i = 0; i < n; i++)
		if (vals[i] != LOAD(sc->frozen[i]))
			fz_fail(w, "frozen set %d: semaphore %ld is %u, was set to %u",
				LOAD(sc->guard[0]), i, vals[i], LOAD(sc->frozen[i]));
}

/*
 * Root: a guard set goes to 0644 (its mappings revoked before IPC_SET
 * returns); from then on its values must not move, whatever the
 * scribblers write, until it goes back to 0666.
 */
static void role_guard(struct wk *w)
{
	uint16_t *snap = calloc(g_limits.semmsl + 1, sizeof(*snap));
	uint16_t *vals = calloc(g_limits.semmsl + 1, sizeof(*vals));
	unsigned int g, k;
	long n, m, i;
	int id;

	if (!snap || !vals)
		_exit(2);
	while (!stopping() && !w->failed) {
		check_frozen(w, vals);
		g = 1 + (unsigned int)rnd(w, SC_GUARD - 1);
		id = LOAD(sc->guard[g]);
		if (sem_setmode(w, id, 0644))
			fz_fail(w, "IPC_SET of guard set %d", id);
		STORE(sc->closed[g], 1);
		n = sem_getall(w, id, snap);
		for (k = 0; k < 3 && n > 0 && !w->failed; k++) {
			sleep_ms(10 + (long)rnd(w, 40));
			m = sem_getall(w, id, vals);
			if (m != n) {
				fz_fail(w, "guard set %d: GETALL %ld, then %ld", id, n, m);
				break;
			}
			for (i = 0; i < n; i++)
				if (vals[i] != snap[i]) {
					fz_fail(w, "guard set %d at mode 0644: semaphore %ld went from %u to %u with nobody allowed to alter it",
						id, i, snap[i], vals[i]);
					break;
				}
			ADD(sc->held, 1);
			if (k == 1) {
				/* New values of ours: they must stay too. */
				for (i = 0; i < n; i++)
					snap[i] = (uint16_t)rnd(w, 8);
				if (sem_ctl_simple(w, id, AIXIPC_SETALL, 0, 0,
						   (uintptr_t)snap, 0))
					fz_fail(w, "SETALL of guard set %d", id);
			}
		}
		STORE(sc->closed[g], 0);
		if (sem_setmode(w, id, 0666))
			fz_fail(w, "IPC_SET of guard set %d back to 0666", id);
		sleep_ms(20 + (long)rnd(w, 80));
	}
	free(snap);
	free(vals);
}

enum role { R_SCRIB, R_SCRIB_U, R_OP, R_OP_U, R_READ_U, R_CHURN, R_GUARD };
static const enum role roles[] = {
	R_SCRIB, R_SCRIB, R_SCRIB_U, R_OP, R_OP, R_OP_U, R_READ_U, R_CHURN, R_GUARD,
};
static const char *const rolenames[] = {
	"scribbler", "scribbler (uid 65534)", "operator", "operator (uid 65534)",
	"read-only mapper (uid 65534)", "churner", "guard",
};
#define NROLES ((int)(sizeof(roles) / sizeof(roles[0])))

static void role_proc(int i)
{
	struct wk w;
	enum role r = roles[i];

	if (r == R_SCRIB_U || r == R_OP_U || r == R_READ_U) {
		drop_privileges();
		if (!g_unpriv) {
			out("# scribble: %s could not drop privileges\n", rolenames[r]);
			_exit(2);
		}
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	install_fault_handler();
	wk_init(&w, g_devfd, i, 0, 1000);
	w.clean = true;
	switch (r) {
	case R_SCRIB:
	case R_SCRIB_U:
		role_scribbler(&w);
		break;
	case R_OP:
	case R_OP_U:
		role_operator(&w);
		break;
	case R_READ_U:
		role_reader(&w);
		break;
	case R_CHURN:
		role_churner(&w);
		break;
	case R_GUARD:
		role_guard(&w);
		break;
	}
	_exit(w.failed ? 1 : 0);
}

/* The quiesced sets: values in range, GETVAL as GETALL says. */
static void final_checks(struct wk *pw)
{
	uint16_t *vals = calloc(g_limits.semmsl + 1, sizeof(*vals));
	long n, i;
	int k, id, v;

	if (!vals)
		return;
	check_frozen(pw, vals);
	for (k = 0; k < SC_OPEN + SC_GUARD; k++) {
		id = k < SC_OPEN ? sc->open[k] : sc->guard[k - SC_OPEN];
		if (id < 0)
			continue;
		n = sem_getall(pw, id, vals);
		for (i = 0; i < n && i < 1000; i++) {
			v = sem_getval(pw, id, (uint32_t)i);
			if (v != vals[i]) {
				fz_fail(pw, "quiesced set %d: GETVAL of %ld is %d, GETALL said %u",
					id, i, v, vals[i]);
				break;
			}
		}
		rmid_sem(pw, id);
	}
	free(vals);
}

/* --scribble: the roles above for g_duration seconds; see the top. */
void scribble_main(struct wk *pw)
{
	pid_t pids[NROLES];
	double t0 = now(), deadline = t0 + g_duration, next = t0 + 10;
	bool alive[NROLES];
	int i, st, live;

	sc = mmap(NULL, sizeof(*sc), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sc == MAP_FAILED) {
		fz_fail(NULL, "mmap: %s", strerror(errno));
		return;
	}
	memset(sc, 0, sizeof(*sc));
	for (i = 0; i < SC_OPEN; i++)
		sc->open[i] = sem_new(pw, pick_nsems(pw), 0666);
	sc->guard[0] = sem_new(pw, SC_FROZEN_N, 0644);
	for (i = 0; i < SC_FROZEN_N; i++)
		sc->frozen[i] = (uint16_t)rnd(pw, g_limits.semvmx + 1);
	if (sc->guard[0] < 0 ||
	    sem_ctl_simple(pw, sc->guard[0], AIXIPC_SETALL, 0, 0,
			   (uintptr_t)sc->frozen, 0)) {
		fz_fail(NULL, "scribble: the frozen set: %s", strerror(-sc->guard[0]));
		return;
	}
	for (i = 1; i < SC_GUARD; i++)
		sc->guard[i] = sem_new(pw, chance(pw, 50) ? 250 : 1 + (uint32_t)rnd(pw, 9),
				       0666);
	out("# scribble: %d processes (%d scribblers, %d operators, a read-only mapper, a churner, a guard), %d open sets, %d guard sets\n",
	    NROLES, 3, 3, SC_OPEN, SC_GUARD);
	for (i = 0; i < NROLES; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			role_proc(i);
		alive[i] = pids[i] > 0;
		if (pids[i] < 0)
			fz_fail(NULL, "fork: %s", strerror(errno));
	}
	for (;;) {
		sleep_ms(100);
		live = 0;
		for (i = 0; i < NROLES; i++) {
			if (!alive[i])
				continue;
			if (waitpid(pids[i], &st, WNOHANG) == pids[i]) {
				alive[i] = false;
				if (WIFSIGNALED(st) || WEXITSTATUS(st))
					fz_fail(NULL, "scribble: the %s (pid %d) %s %d",
						rolenames[roles[i]], (int)pids[i],
						WIFSIGNALED(st) ? "died of signal" :
						"exited with status",
						WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			} else {
				live++;
			}
		}
		if (stopping() || LOAD(sh->fail) || now() >= deadline || !live)
			break;
		if (now() >= next) {
			out("# scribble %.0fs: words=%" PRIu64 " maps=%" PRIu64 " semops=%" PRIu64
			    " semctls=%" PRIu64 " guard-holds=%" PRIu64 "\n", now() - t0,
			    LOAD(sc->words), LOAD(sc->maps), LOAD(sc->semops),
			    LOAD(sc->ctls), LOAD(sc->held));
			next += 10;
		}
	}
	STORE(sh->stop, 1);
	deadline = now() + GRACE_SECS;
	for (;;) {
		live = 0;
		for (i = 0; i < NROLES; i++) {
			if (!alive[i])
				continue;
			if (waitpid(pids[i], &st, WNOHANG) == pids[i]) {
				alive[i] = false;
				if (WIFSIGNALED(st) || WEXITSTATUS(st))
					fz_fail(NULL, "scribble: the %s (pid %d) %s %d",
						rolenames[roles[i]], (int)pids[i],
						WIFSIGNALED(st) ? "died of signal" :
						"exited with status",
						WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			} else {
				live++;
			}
		}
		if (!live)
			break;
		if (now() >= deadline) {
			fz_fail(NULL, "scribble: %d processes still running %d s after the stop (hung in the kernel?)",
				live, GRACE_SECS);
			for (i = 0; i < NROLES; i++)
				if (alive[i])
					kill(pids[i], SIGKILL);
			while (waitpid(-1, &st, 0) > 0)
				;
			break;
		}
		sleep_ms(50);
	}
	final_checks(pw);
	STORE(sh->ops, LOAD(sc->semops) + LOAD(sc->ctls) + LOAD(sc->maps));
	out("# scribble: %.0fs: words written=%" PRIu64 " rounds=%" PRIu64 " maps=%" PRIu64
	    " refused=%" PRIu64 " semops=%" PRIu64 " timed=%" PRIu64 " timed-out=%" PRIu64
	    " semctls=%" PRIu64 " IPC_SETs=%" PRIu64 " guard-holds=%" PRIu64
	    " rmids=%" PRIu64 "\n", now() - t0, sc->words, sc->rounds, sc->maps,
	    sc->refused, sc->semops, sc->timed, sc->timeouts, sc->ctls, sc->revokes,
	    sc->held, sc->rmids);
	out("# scribble: mm-ops=%" PRIu64 " fork-checks=%" PRIu64 " meta-SIGBUS=%" PRIu64
	    " SIGSEGV=%" PRIu64 " map_files=%" PRIu64 " checks=%" PRIu64 "\n",
	    sc->mmops, sc->junk, sc->sigbus, sc->sigsegv, sc->map_files, sh->checks);
	out("# scribble: through the words: fast=%" PRIu64 " on-held-words=%" PRIu64
	    " to-the-kernel=%" PRIu64 "\n", sc->fast, sc->fast_held, sc->fast_kernel);
	if (!sc->held || !sc->sigbus || !sc->words || !sc->fast_held)
		out("# scribble: warning: a check never ran (guard-holds %" PRIu64
		    ", SIGBUS %" PRIu64 ", words %" PRIu64 ", on held words %" PRIu64
		    ")\n", sc->held, sc->sigbus, sc->words, sc->fast_held);
}

/*
 * The scenario of the other modes: a thread maps a set, a fork child
 * scribbles on it (its own mapping) meanwhile and writes the meta page
 * (SIGBUS); the thread does semops and semctls and checks the values.
 */
void scen_sem_scribble(struct wk *w)
{
	uint16_t *vals;
	struct smap m;
	pid_t pid = -1;
	long n;
	int id, i, k, st;
	bool write = chance(w, 70);

	id = chance(w, 50) ? pick_id(w, AIXIPC_SEM) :
	     new_private(w, AIXIPC_SEM, 0666, 1 + rnd(w, 16), EM(ENOSPC) | EM(ENOMEM));
	if (id < 0)
		return;
	if (chance(w, 50))
		pool_add(w, AIXIPC_SEM, id);
	n = sem_nsems(w, id);
	if (n <= 0 || n > 16)
		return;
	memset(&m, 0, sizeof(m));
	if (sem_map(w, id, write, &m, 0))
		return;
	vals = calloc(g_limits.semmsl + 1, sizeof(*vals));
	if (!vals) {
		sem_unmap(w, &m);
		return;
	}
	if (!w->in_child && write) {
		uint64_t cseed = r64(w);
		pid_t parent = getpid();

		pid = fork();
		if (pid == 0) {
			struct smap own;
			unsigned char v = 1;

			w->in_child = true;
			rng_seed(&w->r, cseed);
			/* Orphaned (the worker SIGKILLed): leave quietly. */
			prctl(PR_SET_PDEATHSIG, SIGUSR2);
			if (getppid() != parent)
				_exit(0);
			memset(&own, 0, sizeof(own));
			if (sem_map(w, id, true, &own, 0))
				_exit(0);
			for (k = 0; k < 50; k++)
				scribble_round(w, &own);
			if (chance(w, 50)) {
				int sig = probe(w, (volatile unsigned char *)own.base, true, &v);

				if (sig != SIGBUS)
					fz_fail(w, "write to the meta page of set %d: %s, not SIGBUS",
						id, signame(sig));
			}
			_exit(w->failed ? 1 : 0);
		}
		if (pid > 0)
			ADD(sh->forks, 1);
	}
	for (k = 0; k < 8 && !w->failed; k++) {
		if (chance(w, 50)) {
			random_semop(w, id, (uint32_t)n, false);
		} else if (chance(w, 30)) {
			random_semctl(w, id, (uint32_t)n, vals);
		} else {
			for (i = 0; i < n; i++)
				sem_getval(w, id, (uint32_t)i);
		}
		if (write)
			scribble_word(w, &m, (unsigned int)rnd(w, m.nsems));
	}
	if (!write) {
		unsigned char v = 0;
		int sig = probe(w, (volatile unsigned char *)&m.words[0], true, &v);

		if (sig != SIGSEGV)
			fz_fail(w, "write to a read-only mapping of set %d: %s, not SIGSEGV",
				id, signame(sig));
	}
	if (pid > 0) {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(st))
			fz_fail(w, "scribbling child %d died of signal %d (%s)", (int)pid,
				WTERMSIG(st), strsignal(WTERMSIG(st)));
	}
	sem_getall(w, id, vals);
	sem_unmap(w, &m);
	free(vals);
}

#else
bool g_scribble;

void scribble_main(struct wk *pw)
{
	(void)pw;
	out("# scribble: this aixipc has no AIXIPC_IOC_SEMMAP\n");
}

void scen_sem_scribble(struct wk *w)
{
	(void)w;
}
#endif
