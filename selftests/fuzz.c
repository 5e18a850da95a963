// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: a seeded, time-bounded, concurrent ioctl fuzzer for /dev/aixipc.
 *
 *   fuzz [--seed N] [--duration SECS] [--procs N] [--threads N]
 *        [--replay] [--ops N]
 *
 * Several worker processes (fork), each with several threads, hammer a small
 * shared pool of keys and ids with random and structured sequences of every
 * ioctl, with mutated command words (sizes, direction, type, number), bad
 * argument and message pointers, blocking calls ended by per-thread timer
 * signals, fork in the middle, SIGSTOP/SIGCONT and SIGKILL of workers
 * (respawned), and IPC_RMID racing all of it.  A fraction of the processes
 * drop to uid/gid 65534.
 *
 * Oracle: every ioctl returns 0 or -1 with an errno from the documented set;
 * ABI rejections the UAPI promises (EINVAL, ENOTTY, EFAULT) happen; a few
 * cheap sanity checks on results (received messages match their selector
 * and carry intact text, a bad receive buffer loses nothing); no worker dies
 * of a signal the fuzzer did not send; the run ends within duration + grace;
 * every object is removed at the end and the listing is then empty.  The
 * real oracle for kernel bugs is the VM harness (KASAN, lockdep, WARN...).
 *
 * Reproducing: every PRNG stream derives from --seed (splitmix64 seeding
 * xoshiro256**): per worker thread from (seed, process, thread, generation).
 * With --procs 1 --threads 1 there is no chaos from the parent and the run
 * is fully deterministic on a freshly loaded module.  --replay additionally
 * turns off the parent's timing-driven chaos and prints every call before it
 * is made; --ops N stops each thread after N operations (for minimising).
 *
 * Extending: a new ioctl is one entry in iocs[] plus its generator; a new
 * kind of object is one entry in kinds[] (for the final cleanup).
 *
 * Output is TAP (1..1, progress comments, ok/not ok); exit status 0 or 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aixipc_test.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define MAX_PROCS	64
#define MAX_THREADS	64
#define POOL_N		24	/* ids per kind in the shared pool */
#define STALE_N		16	/* recently removed ids */
#define ISO_N		64	/* queues reserved by strict scenarios */
#define MAX_IOCS	16
#define MAX_SCEN	16
#define MAX_KIDS	4	/* fork-in-the-middle children per thread */
#define ARG_PAGES	4	/* room for a 16383-byte struct */
#define FAILMSG		8192
#define GRACE_SECS	30
#define MAX_SLOTS	(1U << 20)	/* module's id slot limit */
#define DROP_ID		65534
#define PAT_STEP	7U	/* message text: byte i = text[0] + 7 * i */
#define PAT_DENSE	12288	/* checked densely up to here */
#define PAT_STRIDE	509	/* and every 509th byte after */
#define ISO_TYPE_BASE	0x5a000000

/* The documented errno set; index 0 is success, NERR is "anything else". */
static const int errs[] = {
	0, EINVAL, ENOTTY, EFAULT, EACCES, EPERM, EIDRM, ENOENT, EEXIST,
	ENOSPC, ENOMEM, EAGAIN, ENOMSG, E2BIG, EINTR,
	ERANGE, EFBIG,		/* semaphore ioctls only (iocs[].extra) */
};
#define NERR_COMMON 15
#define NERR ((int)(sizeof(errs) / sizeof(errs[0])))
static const char *const errnames[] = {
	"ok", "EINVAL", "ENOTTY", "EFAULT", "EACCES", "EPERM", "EIDRM",
	"ENOENT", "EEXIST", "ENOSPC", "ENOMEM", "EAGAIN", "ENOMSG", "E2BIG",
	"EINTR", "ERANGE", "EFBIG", "other",
};

static int err_index(int e)
{
	int i;

	if (!e)
		return 0;
	for (i = 1; i < NERR; i++)
		if (errs[i] == e)
			return i;
	return NERR;
}

#define M(i)	(1U << (i))
#define EM(e)	M(err_index(e))

/* Envelope mutations of the command word and the argument pointer. */
enum env {
	E_NORMAL, E_SMALLER, E_LARGER0, E_LARGERNZ, E_BADDIR, E_BADTYPE,
	E_BADNR, N_ENV
};
static const char *const envnames[] = {
	"normal", "smaller", "larger-zero-tail", "larger-nonzero-tail",
	"bad-dir", "bad-type", "bad-nr",
};
enum ptrk {
	P_NORMAL, P_NULL, P_NONE, P_RO, P_STRADDLE, P_LOW, P_TOP, P_KERNEL,
	P_NONCANON, N_PTR
};
static const char *const ptrnames[] = {
	"ok", "null", "prot-none", "read-only", "straddle", "low-unmapped",
	"top-of-user", "kernel", "non-canonical",
};

/* Everything the processes share (MAP_SHARED, created before any fork). */
struct shared {
	int stop;
	int fail;
	char failmsg[FAILMSG];
	int pool[AIXIPC_NR_KINDS][POOL_N];
	int stale[STALE_N];
	unsigned int stale_pos;
	int iso[ISO_N];
	uint64_t ops;
	uint64_t ioc_stats[MAX_IOCS + 1][NERR + 1];	/* last row: raw */
	uint64_t env_stats[N_ENV];
	uint64_t ptr_stats[N_PTR];
	uint64_t buf_stats[N_PTR];
	uint64_t scen_stats[MAX_SCEN];
	uint64_t forks, drops, blocking, eintr, checks, sweeps, swept;
};
static struct shared *sh;

#define ADD(x, n) __atomic_fetch_add(&(x), (n), __ATOMIC_RELAXED)
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Configuration. */
static uint64_t g_seed;
static unsigned int g_duration = 120, g_procs = 4, g_threads = 4;
static bool g_replay, g_det, g_chaos;
static uint64_t g_max_ops;
static struct aixipc_limits g_limits;
static size_t g_pg, g_cap;	/* page size; usable bytes of a msg region */
static char *g_nonepage;	/* PROT_NONE, a page plus the largest struct */
static char *g_rosrc;		/* 2 read-only pages of pattern, then a guard */
static char g_argv0[256] = "fuzz";

/* ------------------------------------------------------------------ */
/* PRNG: splitmix64 for seeding, xoshiro256** per stream. */

struct rng {
	uint64_t s[4];
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t splitmix(uint64_t *x)
{
	*x += 0x9e3779b97f4a7c15ULL;
	return mix64(*x);
}

static uint64_t derive(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return mix64(mix64(mix64(mix64(a) ^ b) ^ c) ^ d);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64) : 0;
}

/* ------------------------------------------------------------------ */
/* Output: whole lines with one write(2) each. */

static void outv(int fd, const char *fmt, va_list ap)
{
	char buf[4096];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len, off = 0;

	if (n < 0)
		return;
	len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

__attribute__((format(printf, 1, 2)))
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outv(1, fmt, ap);
	va_end(ap);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool stopping(void)
{
	return LOAD(sh->stop) != 0;
}

/* ------------------------------------------------------------------ */
/* Per-thread state. */

struct ent {
	int id;
	uint64_t cbytes, qnum;
};

struct wk {
	struct rng r;
	int fd;
	int proc, thread, gen;	/* proc -1: the parent */
	bool in_child, clean, failed;
	bool env_ok;		/* last fz_call's handler saw our struct */
	uint64_t ops;
	char *region;		/* g_cap bytes, then a PROT_NONE guard */
	char *argbuf;		/* ARG_PAGES pages, then a guard */
	char *ropage;		/* one page, read-only but for our writes */
	pid_t kids[MAX_KIDS];
	int nkids;
	struct ent *ents;
	size_t nents_max;
	int bufkind;		/* of the last message buffer picked */
};

static uint64_t rnd(struct wk *w, uint64_t n)
{
	return rng_below(&w->r, n);
}

static uint64_t r64(struct wk *w)
{
	return rng_next(&w->r);
}

static bool chance(struct wk *w, unsigned int pct)
{
	return rnd(w, 100) < pct;
}

static void fill_random(struct wk *w, void *p, size_t n)
{
	unsigned char *c = p;

	while (n >= 8) {
		uint64_t v = r64(w);

		memcpy(c, &v, 8);
		c += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = r64(w);

		memcpy(c, &v, n);
	}
}

__attribute__((format(printf, 2, 3)))
static void fz_fail(struct wk *w, const char *fmt, ...)
{
	char buf[FAILMSG - 256], head[256];
	va_list ap;
	int zero = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w)
		snprintf(head, sizeof(head), "[proc %d thread %d gen %d%s op %" PRIu64 "] ",
			 w->proc, w->thread, w->gen, w->in_child ? " fork-child" : "",
			 w->ops);
	else
		head[0] = 0;
	if (__atomic_compare_exchange_n(&sh->fail, &zero, 1, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		snprintf(sh->failmsg, sizeof(sh->failmsg), "%s%s", head, buf);
	STORE(sh->stop, 1);
	out("# FAIL %s%s\n", head, buf);
	if (w)
		w->failed = true;
}

/* ------------------------------------------------------------------ */
/* The ioctl table. */

struct ioc_desc {
	const char *name;
	unsigned long cmd;
	size_t ksize;		/* the struct this fuzzer knows */
	unsigned int weight;
	void (*gen)(struct wk *w);
	unsigned int extra;	/* errnos allowed beyond the common set */
};

static void gen_version(struct wk *w);
static void gen_get(struct wk *w);
static void gen_list(struct wk *w);
static void gen_msgsnd(struct wk *w);
static void gen_msgrcv(struct wk *w);
static void gen_msgctl(struct wk *w);
#ifdef AIXIPC_IOC_SEMOP
static void gen_semop(struct wk *w);
static void gen_semctl(struct wk *w);
#endif

enum {
	IOC_VERSION, IOC_GET, IOC_LIST, IOC_MSGSND, IOC_MSGRCV, IOC_MSGCTL,
#ifdef AIXIPC_IOC_SEMOP
	IOC_SEMOP, IOC_SEMCTL,
#endif
};

static const struct ioc_desc iocs[] = {
	[IOC_VERSION] = { "version", AIXIPC_IOC_VERSION,
			  sizeof(struct aixipc_version), 2, gen_version },
	[IOC_GET] = { "get", AIXIPC_IOC_GET, sizeof(struct aixipc_get), 14,
		      gen_get },
	[IOC_LIST] = { "list", AIXIPC_IOC_LIST, sizeof(struct aixipc_list), 4,
		       gen_list },
	[IOC_MSGSND] = { "msgsnd", AIXIPC_IOC_MSGSND,
			 sizeof(struct aixipc_msgsnd), 30, gen_msgsnd },
	[IOC_MSGRCV] = { "msgrcv", AIXIPC_IOC_MSGRCV,
			 sizeof(struct aixipc_msgrcv), 30, gen_msgrcv },
	[IOC_MSGCTL] = { "msgctl", AIXIPC_IOC_MSGCTL,
			 sizeof(struct aixipc_msgctl), 10, gen_msgctl },
#ifdef AIXIPC_IOC_SEMOP
	[IOC_SEMOP] = { "semop", AIXIPC_IOC_SEMOP, sizeof(struct aixipc_semop),
			14, gen_semop, (1U << 15) | (1U << 16) },
	[IOC_SEMCTL] = { "semctl", AIXIPC_IOC_SEMCTL,
			 sizeof(struct aixipc_semctl), 8, gen_semctl,
			 (1U << 15) | (1U << 16) },
#endif
};
#define NIOCS ((int)(sizeof(iocs) / sizeof(iocs[0])))
#define RAW_ROW MAX_IOCS

_Static_assert(NIOCS <= MAX_IOCS, "raise MAX_IOCS");

static bool known_nr(unsigned int nr)
{
	int i;

	for (i = 0; i < NIOCS; i++)
		if (_IOC_NR(iocs[i].cmd) == nr)
			return true;
	return false;
}

/* Type bytes of the ioctls the VFS handles itself before the driver. */
static bool vfs_type(unsigned int t)
{
	return t == 'T' || t == 'X' || t == 'f' || t == 0x94;
}

static void hexdump(char *dst, size_t room, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i, o = 0;

	if (!room)
		return;
	dst[0] = 0;
	for (i = 0; i < n && o + 3 < room; i++)
		o += (size_t)snprintf(dst + o, room - o, "%02x", c[i]);
}

static void describe(char *dst, size_t room, const struct ioc_desc *d,
		     unsigned long cmd, size_t usize, int env, int pk,
		     const void *before, size_t ks, int bufkind)
{
	char hex[1100];

	hexdump(hex, sizeof(hex), before, ks);
	snprintf(dst, room,
		 "ioctl %s cmd=%#lx (dir=%lu type=%#lx nr=%#lx size=%zu) env=%s argptr=%s msgbuf=%s arg=%s",
		 d->name, cmd, (unsigned long)_IOC_DIR(cmd),
		 (unsigned long)_IOC_TYPE(cmd), (unsigned long)_IOC_NR(cmd),
		 usize, envnames[env], ptrnames[pk],
		 bufkind >= 0 ? ptrnames[bufkind] : "-", hex);
}

/* Lay out usize bytes of the argument image: the struct, then a tail. */
static void put_image(char *dst, size_t n, const void *arg, size_t ks,
		      size_t nzpos, unsigned char nzval)
{
	size_t c = n < ks ? n : ks;

	memcpy(dst, arg, c);
	if (n > c)
		memset(dst + c, 0, n - c);
	if (nzval && nzpos < n)
		dst[nzpos] = (char)nzval;
}

/*
 * Make one ioctl with the struct at @arg, perhaps through a mutated command
 * word or argument pointer; check the result.  Returns 0 or -errno.
 * w->env_ok tells whether the module saw this struct as it is (so the result
 * means something); on success the struct holds the module's answer.
 */
static int fz_call(struct wk *w, int idx, void *arg)
{
	const struct ioc_desc *d = &iocs[idx];
	size_t ks = d->ksize, usize = ks, nzpos = 0, argsz = ARG_PAGES * g_pg;
	unsigned int nr = _IOC_NR(d->cmd), mask = 0;
	unsigned char before[512], nzval = 0;
	unsigned long cmd = d->cmd;
	int env = E_NORMAL, pk = P_NORMAL, e, ei, bufkind = w->bufkind;
	char *p = arg;
	long rc;

	w->bufkind = -1;
	memcpy(before, arg, ks < sizeof(before) ? ks : sizeof(before));
	if (!w->clean && chance(w, 8))
		env = 1 + (int)rnd(w, N_ENV - 1);
	if (!w->clean && chance(w, 5))
		pk = 1 + (int)rnd(w, N_PTR - 1);

	switch (env) {
	case E_SMALLER:
		usize = rnd(w, ks);
		mask = EM(EINVAL);
		break;
	case E_LARGER0:
	case E_LARGERNZ:
		switch (rnd(w, 4)) {
		case 0:
			usize = ks + 1 + rnd(w, 8);
			break;
		case 1:
			usize = ks + 8 * (1 + rnd(w, 16));
			break;
		case 2:
			usize = ks + 1 + rnd(w, 4096);
			break;
		default:
			usize = _IOC_SIZEMASK;
		}
		if (env == E_LARGERNZ) {
			nzpos = ks + rnd(w, usize - ks);
			nzval = (unsigned char)(1 + rnd(w, 255));
			mask = EM(EINVAL);
		}
		break;
	case E_BADDIR: {
		static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE };

		cmd = _IOC(dirs[rnd(w, 3)], AIXIPC_IOC_MAGIC, nr, ks);
		mask = EM(ENOTTY);
		break;
	}
	case E_BADTYPE: {
		unsigned int t;

		do
			t = (unsigned int)rnd(w, 256);
		while (t == AIXIPC_IOC_MAGIC || vfs_type(t));
		cmd = _IOC(_IOC_READ | _IOC_WRITE, t, nr, ks);
		mask = EM(ENOTTY);
		break;
	}
	case E_BADNR:
		nr = 0x40 + (unsigned int)rnd(w, 0xc0);
		cmd = _IOC(_IOC_READ | _IOC_WRITE, AIXIPC_IOC_MAGIC, nr,
			   chance(w, 50) ? ks : rnd(w, _IOC_SIZEMASK + 1));
		mask = EM(ENOTTY);
		break;
	}
	if (env == E_SMALLER || env == E_LARGER0 || env == E_LARGERNZ)
		cmd = _IOC(_IOC_READ | _IOC_WRITE, AIXIPC_IOC_MAGIC, nr, usize);

	if (pk == P_RO && usize > g_pg)
		pk = P_NULL;
	if (pk == P_STRADDLE && usize < 2)
		pk = P_NONE;
	switch (pk) {
	case P_NORMAL:
		if (usize > ks) {
			p = w->argbuf;
			put_image(p, usize, arg, ks, nzpos, nzval);
		}
		break;
	case P_NULL:
		p = NULL;
		break;
	case P_NONE:
		p = g_nonepage + rnd(w, g_pg);
		break;
	case P_RO:
		mprotect(w->ropage, g_pg, PROT_READ | PROT_WRITE);
		put_image(w->ropage, usize, arg, ks, nzpos, nzval);
		mprotect(w->ropage, g_pg, PROT_READ);
		p = w->ropage;
		break;
	case P_STRADDLE: {
		size_t k = 1 + rnd(w, usize - 1);	/* readable bytes */
		char img[_IOC_SIZEMASK + 1];

		put_image(img, k, arg, ks, nzpos, nzval);
		p = w->argbuf + argsz - k;
		memcpy(p, img, k);
		break;
	}
	case P_LOW:
		p = (char *)(uintptr_t)(0x1000 + rnd(w, 0xe000));
		break;
	case P_TOP:
		p = (char *)(uintptr_t)(0x7ffffffff000ULL - rnd(w, 64));
		break;
	case P_KERNEL:
		p = (char *)(uintptr_t)(chance(w, 50) ? 0xffff888000000000ULL + rnd(w, 1 << 20)
					: 0xffffffff81000000ULL);
		break;
	case P_NONCANON:
		p = (char *)(uintptr_t)(chance(w, 50) ? 0x0000800000000000ULL
					: 0x8000000000000000ULL + rnd(w, 4096));
		break;
	}
	if (pk != P_NORMAL && (env == E_NORMAL || env == E_LARGER0))
		mask = EM(EFAULT);
	else if (pk != P_NORMAL && env == E_LARGERNZ)
		mask = EM(EFAULT) | EM(EINVAL);

	if (g_replay) {
		char desc[2048];

		describe(desc, sizeof(desc), d, cmd, usize, env, pk, before, ks,
			 bufkind);
		out("# [%d.%d.%d%s #%" PRIu64 "] %s\n", w->proc, w->thread,
		    w->gen, w->in_child ? "c" : "", w->ops, desc);
	}
	errno = 0;
	rc = ioctl(w->fd, cmd, p);
	e = rc < 0 ? errno : 0;
	ei = rc == 0 ? 0 : rc == -1 ? err_index(e) : NERR;
	if (ei >= NERR_COMMON && ei < NERR && !(d->extra & M(ei)))
		ei = NERR;
	if (g_replay)
		out("# [%d.%d.%d%s #%" PRIu64 "] = %ld %s\n", w->proc, w->thread,
		    w->gen, w->in_child ? "c" : "", w->ops, rc, errnames[ei]);
	ADD(sh->ioc_stats[idx][ei], 1);
	ADD(sh->env_stats[env], 1);
	ADD(sh->ptr_stats[pk], 1);
	if (bufkind >= 0)
		ADD(sh->buf_stats[bufkind], 1);
	if (e == EINTR)
		ADD(sh->eintr, 1);

	if (ei == NERR || (mask && !(mask & M(ei)))) {
		char desc[2048];

		describe(desc, sizeof(desc), d, cmd, usize, env, pk, before, ks,
			 bufkind);
		fz_fail(w, "%s returned %ld errno %d (%s)%s: %s", d->name, rc, e,
			e ? strerror(e) : "none",
			ei == NERR ? " outside the documented set" : ", not what the UAPI promises",
			desc);
	}
	w->env_ok = (env == E_NORMAL || env == E_LARGER0) && pk == P_NORMAL;
	if (rc == 0 && w->env_ok && p != arg) {
		size_t i;

		memcpy(arg, p, ks);
		for (i = ks; i < usize; i++)
			if (p[i]) {
				fz_fail(w, "%s wrote byte %zu of a %zu-byte struct (it knows %zu)",
					d->name, i, usize, ks);
				break;
			}
	}
	return rc == 0 ? 0 : -e;
}

/* ------------------------------------------------------------------ */
/* Ids: a shared pool per kind, stale ids, ids reserved by scenarios. */

static bool is_iso(int id)
{
	int i;

	for (i = 0; i < ISO_N; i++)
		if (LOAD(sh->iso[i]) == id)
			return true;
	return false;
}

static int pick_id(struct wk *w, unsigned int kind)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	int id;

	if (kind >= AIXIPC_NR_KINDS)
		kind = AIXIPC_MSG;
	if (r < 65) {
		id = LOAD(sh->pool[kind][rnd(w, POOL_N)]);
		if (id >= 0)
			return is_iso(id) ? -2 : id;
		r = 80;
	}
	if (r < 75) {
		id = LOAD(sh->stale[rnd(w, STALE_N)]);
		if (id >= 0)
			return is_iso(id) ? -2 : id;
	}
	if (r < 82)
		id = (int)rnd(w, 64);			/* seq 0 */
	else if (r < 87)
		id = (int)(r64(w) & 0x7fffffff);	/* anything */
	else if (r < 92)
		id = chance(w, 50) ? -1 : (int)(r64(w) | 0x80000000U);
	else if (r < 97) {
		/* A live id with other sequence bits: a reused slot. */
		id = LOAD(sh->pool[kind][rnd(w, POOL_N)]);
		if (id < 0)
			id = 0;
		id ^= (int)(1U << (20 + rnd(w, 11)));
	} else
		id = chance(w, 50) ? INT32_MAX : 0;
	if (is_iso(id))
		id = -2;
	return id;
}

static void stale_add(int id)
{
	unsigned int pos = ADD(sh->stale_pos, 1);

	STORE(sh->stale[pos % STALE_N], id);
}

static void pool_forget(unsigned int kind, int id)
{
	int i;

	for (i = 0; i < POOL_N; i++) {
		int old = id;

		__atomic_compare_exchange_n(&sh->pool[kind][i], &old, -1, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
	stale_add(id);
}

static int rmid_msg(struct wk *w, int id);

static void pool_add(struct wk *w, unsigned int kind, int id)
{
	int old;

	if (kind >= AIXIPC_NR_KINDS || id < 0 || is_iso(id))
		return;
	old = __atomic_exchange_n(&sh->pool[kind][rnd(w, POOL_N)], id,
				  __ATOMIC_RELAXED);
	/* Evicted ids are often removed, so objects do not pile up. */
	if (old >= 0 && old != id && kind == AIXIPC_MSG && chance(w, 40))
		rmid_msg(w, old);
}

/* ------------------------------------------------------------------ */
/* Message buffers. */

/*
 * A message buffer of need bytes.  Valid buffers live in the thread's
 * region, which ends at a guard page, so whatever the module writes stays
 * in the region or faults.  Sets w->bufkind; returns the address.
 */
static uint64_t pick_buf(struct wk *w, uint64_t need)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	uint64_t off;

	if (r < 85) {
		w->bufkind = P_NORMAL;
		switch (rnd(w, 3)) {
		case 0:
			off = 0;
			break;
		case 1:
			off = rnd(w, g_pg);
			break;
		default:
			off = need <= g_cap ? g_cap - need : 0;
		}
		if (off + need > g_cap)
			off = 0;
		return (uintptr_t)(w->region + off);
	}
	if (r < 87) {
		w->bufkind = P_NULL;
		return 0;
	}
	if (r < 89) {
		w->bufkind = P_NONE;
		return (uintptr_t)(g_nonepage + rnd(w, g_pg));
	}
	if (r < 92) {
		w->bufkind = P_RO;
		return (uintptr_t)(g_rosrc + rnd(w, 2 * g_pg));
	}
	if (r < 95) {
		uint64_t k = 1 + rnd(w, need > 1 ? (need < g_cap ? need : g_cap) - 1 : 1);

		w->bufkind = P_STRADDLE;
		return (uintptr_t)(w->region + g_cap - k);
	}
	if (r < 97) {
		w->bufkind = P_LOW;
		return 0x1000 + rnd(w, 0xe000);
	}
	if (r < 98) {
		w->bufkind = P_TOP;
		return 0x7ffffffff000ULL - rnd(w, 64);
	}
	if (r < 99) {
		w->bufkind = P_KERNEL;
		return 0xffff888000000000ULL + rnd(w, 1 << 20);
	}
	w->bufkind = P_NONCANON;
	return 0x8000000000000000ULL;
}

/* Bytes from addr to the end of the region, 0 when outside it. */
static uint64_t region_room(struct wk *w, uint64_t addr)
{
	uint64_t b = (uintptr_t)w->region;

	return addr >= b && addr < b + g_cap ? b + g_cap - addr : 0;
}

static void fill_pattern(struct wk *w, unsigned char *t, uint64_t len)
{
	unsigned char b = (unsigned char)r64(w);
	uint64_t i, dense = len < PAT_DENSE ? len : PAT_DENSE;

	for (i = 0; i < dense; i++)
		t[i] = (unsigned char)(b + (unsigned char)(PAT_STEP * i));
	for (i = (PAT_DENSE + PAT_STRIDE - 1) / PAT_STRIDE * PAT_STRIDE; i < len;
	     i += PAT_STRIDE)
		t[i] = (unsigned char)(b + (unsigned char)(PAT_STEP * i));
}

/* Returns the first bad offset, or -1. */
static int64_t check_pattern(const unsigned char *t, uint64_t len)
{
	uint64_t i, dense = len < PAT_DENSE ? len : PAT_DENSE;

	for (i = 0; i < dense; i++)
		if (t[i] != (unsigned char)(t[0] + (unsigned char)(PAT_STEP * i)))
			return (int64_t)i;
	for (i = (PAT_DENSE + PAT_STRIDE - 1) / PAT_STRIDE * PAT_STRIDE; i < len;
	     i += PAT_STRIDE)
		if (t[i] != (unsigned char)(t[0] + (unsigned char)(PAT_STEP * i)))
			return (int64_t)i;
	return -1;
}

static uint64_t pick_size(struct wk *w)
{
	uint64_t mx = g_limits.msgmax;
	unsigned int r = (unsigned int)rnd(w, 1000);
	static const uint64_t edges[] = {
		4023, 4024, 4025, 4088, 4095, 4096, 4097, 8111, 8112, 8113,
		8192, 12199, 12200, 12201, 12288,
	};

	if (r < 100)
		return 0;
	if (r < 450)
		return 1 + rnd(w, 64);
	if (r < 620)
		return 65 + rnd(w, 4200);
	if (r < 760)
		return edges[rnd(w, sizeof(edges) / sizeof(edges[0]))] + rnd(w, 3) - 1;
	if (r < 900)
		return 4096 + rnd(w, 60000);
	if (r < 930)
		return 65536 + rnd(w, mx > 65536 ? (mx - 65536) / 8 : 1);
	if (r < 935)
		return mx - rnd(w, 2);
	if (r < 945)
		return mx + 1 + rnd(w, 2);
	switch (rnd(w, 6)) {
	case 0:
		return 2 * mx;
	case 1:
		return 1ULL << 32;
	case 2:
		return UINT64_MAX;
	case 3:
		return 1ULL << 63;
	case 4:
		return UINT64_MAX - 7;
	default:
		return r64(w);
	}
}

static int64_t pick_mtype(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 65)
		return 1 + (int64_t)rnd(w, 8);
	switch (r % 9) {
	case 0:
		return 0;
	case 1:
		return -1;
	case 2:
		return INT32_MAX;
	case 3:
		return (int64_t)INT32_MAX + 1;
	case 4:
		return INT64_MIN;
	case 5:
		return INT64_MAX;
	case 6:
		return UINT32_MAX;
	case 7:
		return INT32_MIN;
	default:
		return (int64_t)r64(w);
	}
}

static int64_t pick_msgtyp(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 30)
		return 0;
	if (r < 55)
		return 1 + (int64_t)rnd(w, 8);
	if (r < 75)
		return -1 - (int64_t)rnd(w, 8);
	switch (r % 8) {
	case 0:
		return INT64_MIN;
	case 1:
		return INT64_MAX;
	case 2:
		return INT32_MAX;
	case 3:
		return -(int64_t)INT32_MAX;
	case 4:
		return (int64_t)INT32_MAX + 1;
	case 5:
		return -(int64_t)INT32_MAX - 1;
	case 6:
		return INT64_MIN + 1;
	default:
		return (int64_t)r64(w);
	}
}

static uint32_t pick_type_size(struct wk *w)
{
	static const uint32_t odd[] = { 0, 1, 2, 3, 5, 6, 7, 9, 16, UINT32_MAX };
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 70)
		return 8;
	if (r < 92)
		return 4;
	return odd[rnd(w, sizeof(odd) / sizeof(odd[0]))];
}

static uint32_t pick_kind(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 75)
		return AIXIPC_MSG;
	if (r < 85)
		return AIXIPC_SEM;
	if (r < 92)
		return AIXIPC_SHM;
	if (r < 96)
		return AIXIPC_NR_KINDS;
	return (uint32_t)r64(w);
}

static const int32_t g_keys[] = {
	0, 1, 2, 3, 0x41495843, INT32_MAX, INT32_MIN, -2,
};

static int32_t pick_key(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	int32_t k;

	if (r < 50)
		return g_keys[rnd(w, sizeof(g_keys) / sizeof(g_keys[0]))];
	if (r < 88)
		return AIXIPC_KEY_PRIVATE;
	k = (int32_t)(uint32_t)r64(w);
	if ((k & 0xff000000) == ISO_TYPE_BASE)	/* keep off scenario keys */
		k ^= 0x01000000;
	return k;
}

/* ------------------------------------------------------------------ */
/* Generators: one per ioctl. */

static void gen_version(struct wk *w)
{
	struct aixipc_version v;

	fill_random(w, &v, sizeof(v));	/* out fields must be ignored */
	v.flags = chance(w, 90) ? 0 : (uint32_t)r64(w) | 1;
	if (fz_call(w, IOC_VERSION, &v) == 0 && w->env_ok) {
		if (v.flags)
			fz_fail(w, "version accepted flags");
		else if (v.abi_version != AIXIPC_ABI_VERSION ||
			 !(v.features & AIXIPC_FEATURE_MSG) ||
			 memcmp(&v.limits, &g_limits, sizeof(g_limits)))
			fz_fail(w, "version answer changed: abi %u features %#llx",
				v.abi_version, (unsigned long long)v.features);
	}
}

static void gen_get(struct wk *w)
{
	static const uint32_t modes[] = { 0600, 0666, 0644, 0660, 0622, 0400, 0200, 0 };
	struct aixipc_get g;
	unsigned int r;
	bool bad;

	memset(&g, 0, sizeof(g));
	g.kind = pick_kind(w);
	g.key = pick_key(w);
	r = (unsigned int)rnd(w, 100);
	g.flags = r < 55 ? AIXIPC_CREAT : r < 75 ? 0 : r < 90 ?
		  AIXIPC_CREAT | AIXIPC_EXCL : r < 95 ? AIXIPC_EXCL :
		  (uint32_t)r64(w);
	r = (unsigned int)rnd(w, 100);
	g.mode = r < 60 ? modes[rnd(w, 8)] : r < 92 ? (uint32_t)rnd(w, 01000) :
		 (uint32_t)r64(w) | 01000;
	if (g.kind == AIXIPC_SEM && chance(w, 90))
		g.size = chance(w, 90) ? 1 + rnd(w, 8) : rnd(w, 70000);
	else if (chance(w, 6))
		g.size = chance(w, 50) ? 1 + rnd(w, 4096) : r64(w);
	if (chance(w, 3))
		g.__reserved = (uint32_t)r64(w) | 1;
	g.id = (int32_t)r64(w);
	bad = g.__reserved || (g.flags & ~(AIXIPC_CREAT | AIXIPC_EXCL)) ||
	      (g.mode & ~0777U) || g.kind >= AIXIPC_NR_KINDS;
	if (fz_call(w, IOC_GET, &g) == 0 && w->env_ok) {
		if (bad)
			fz_fail(w, "get accepted kind %u flags %#x mode %#o reserved %#x",
				g.kind, g.flags, g.mode, g.__reserved);
		else if (g.id < 0)
			fz_fail(w, "get returned id %d", g.id);
		else
			pool_add(w, g.kind, g.id);
	}
}

static void gen_list(struct wk *w)
{
	struct aixipc_list l;
	uint64_t cnt_in, room;
	unsigned int r;
	uint32_t i;
	int bk;

	memset(&l, 0, sizeof(l));
	l.kind = pick_kind(w);
	l.flags = chance(w, 95) ? 0 : (uint32_t)r64(w) | 1;
	r = (unsigned int)rnd(w, 100);
	l.cursor = r < 40 ? 0 : r < 65 ? rnd(w, 64) : r < 75 ? MAX_SLOTS :
		   r < 80 ? MAX_SLOTS + 1 : r < 90 ? rnd(w, MAX_SLOTS) : r64(w);
	r = (unsigned int)rnd(w, 100);
	l.count = r < 30 ? 1 + (uint32_t)rnd(w, 8) : r < 45 ? 0 :
		  r < 75 ? (uint32_t)rnd(w, 256) : r < 85 ? UINT32_MAX :
		  (uint32_t)rnd(w, 64);
	r = (unsigned int)rnd(w, 100);
	l.entry_size = r < 60 ? sizeof(struct aixipc_list_entry) :
		       r < 70 ? (uint32_t)rnd(w, sizeof(struct aixipc_list_entry)) :
		       r < 90 ? sizeof(struct aixipc_list_entry) + (uint32_t)rnd(w, 300) :
		       (uint32_t)r64(w);
	l.entries = pick_buf(w, (uint64_t)l.count * l.entry_size);
	/* Valid buffers: never let the module write past the region. */
	room = region_room(w, l.entries);
	if (w->bufkind == P_NORMAL && l.entry_size &&
	    (uint64_t)l.count * l.entry_size > room)
		l.count = room / l.entry_size ? (uint32_t)(room / l.entry_size) : 1;
	cnt_in = l.count;
	bk = w->bufkind;
	if (fz_call(w, IOC_LIST, &l) != 0 || !w->env_ok)
		return;
	if (l.flags || l.entry_size < sizeof(struct aixipc_list_entry) ||
	    l.kind >= AIXIPC_NR_KINDS) {
		fz_fail(w, "list accepted kind %u flags %#x entry_size %u",
			l.kind, l.flags, l.entry_size);
		return;
	}
	if (l.count > cnt_in || l.cursor > MAX_SLOTS) {
		fz_fail(w, "list answered count %u of %" PRIu64 " cursor %llu",
			l.count, cnt_in, (unsigned long long)l.cursor);
		return;
	}
	if (bk != P_NORMAL)
		return;
	for (i = 0; i < l.count; i++) {
		const char *e = (const char *)(uintptr_t)l.entries +
				(size_t)i * l.entry_size;
		struct aixipc_list_entry ent;
		size_t j;

		memcpy(&ent, e, sizeof(ent));
		if (ent.kind != l.kind || ent.id < 0) {
			fz_fail(w, "list entry %u: kind %u id %d", i, ent.kind, ent.id);
			return;
		}
		for (j = sizeof(ent); j < l.entry_size; j++)
			if (e[j]) {
				fz_fail(w, "list entry %u: tail byte %zu not zero", i, j);
				return;
			}
		if (ent.kind == AIXIPC_MSG && ent.msg.perm.mode & ~0777U) {
			fz_fail(w, "list entry %u: mode %#o", i, ent.msg.perm.mode);
			return;
		}
		/* Others' objects too: exercises permissions across users. */
		if ((ent.msg.perm.key & 0xff000000) != ISO_TYPE_BASE && chance(w, 10))
			pool_add(w, ent.kind, ent.id);
	}
	ADD(sh->checks, 1);
}

static uint32_t pick_wait_flags(struct wk *w, uint32_t extra_ok)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	uint32_t f = r < 92 ? AIXIPC_NOWAIT : 0;

	if ((extra_ok & AIXIPC_MSG_NOERROR) && chance(w, 30))
		f |= AIXIPC_MSG_NOERROR;
	if ((extra_ok & AIXIPC_MSG_EXCEPT) && chance(w, 25))
		f |= AIXIPC_MSG_EXCEPT;
	if (chance(w, 3))
		f |= 1U << (2 + rnd(w, 30));
	if (!(f & AIXIPC_NOWAIT))
		ADD(sh->blocking, 1);
	return f;
}

/* Write a message at addr (type word, then patterned text) where valid. */
static void build_msg(struct wk *w, uint64_t addr, uint32_t ts, int64_t mtype,
		      uint64_t size)
{
	uint64_t room = region_room(w, addr);
	unsigned char *p = (unsigned char *)(uintptr_t)addr;

	if (!room)
		return;
	if (ts == 4 && room >= 4) {
		int32_t t = (int32_t)(uint32_t)(uint64_t)mtype;

		memcpy(p, &t, 4);
	} else if (room >= 8) {
		memcpy(p, &mtype, 8);
	}
	if (ts <= 8 && room > ts)
		fill_pattern(w, p + ts, size < room - ts ? size : room - ts);
}

static int do_msgsnd(struct wk *w, int id, int64_t mtype, uint64_t size,
		     uint32_t flags, uint32_t ts, bool anybuf)
{
	struct aixipc_msgsnd s;
	uint64_t need = ts + (size < g_cap ? size : g_cap);
	int64_t eff;
	bool bad, nobuf;
	int rc, bk;

	memset(&s, 0, sizeof(s));
	s.id = id;
	s.flags = flags;
	s.size = size;
	s.type_size = ts;
	if (anybuf) {
		s.msgp = pick_buf(w, need);
	} else {
		s.msgp = (uintptr_t)w->region + (chance(w, 50) ? rnd(w, g_pg) : 0);
		w->bufkind = P_NORMAL;
	}
	if (w->bufkind == P_NORMAL)
		build_msg(w, s.msgp, ts, mtype, size);
	if (anybuf && chance(w, 3))
		s.__reserved = (uint32_t)r64(w) | 1;
	eff = ts == 4 ? (int32_t)(uint32_t)(uint64_t)mtype : mtype;
	nobuf = w->bufkind != P_NORMAL && w->bufkind != P_RO &&
		w->bufkind != P_STRADDLE;
	bad = (s.flags & ~AIXIPC_NOWAIT) || s.id < 0 || s.__reserved ||
	      (ts != 4 && ts != 8) || size > g_limits.msgmax;
	bk = w->bufkind;
	rc = fz_call(w, IOC_MSGSND, &s);
	if (!w->env_ok)
		return rc;
	if (rc == 0 && (bad || nobuf ||
			(bk == P_NORMAL && (eff < 1 || eff > INT32_MAX))))
		fz_fail(w, "msgsnd accepted id %d flags %#x type_size %u size %llu mtype %lld reserved %#x buffer %s",
			s.id, s.flags, ts, (unsigned long long)size, (long long)eff,
			s.__reserved, ptrnames[bk]);
	else if (!bad && nobuf && rc != -EFAULT)
		fz_fail(w, "msgsnd from a %s buffer: %s, not EFAULT",
			ptrnames[bk], strerror(-rc));
	return rc;
}

static void gen_msgsnd(struct wk *w)
{
	do_msgsnd(w, pick_id(w, AIXIPC_MSG), pick_mtype(w), pick_size(w),
		  pick_wait_flags(w, 0), pick_type_size(w), true);
}

static bool selector_ok(int64_t msgtyp, uint32_t flags, int64_t mtype)
{
	if (msgtyp == 0)
		return true;
	if (msgtyp < 0)
		return msgtyp == INT64_MIN || mtype <= -msgtyp;
	if (flags & AIXIPC_MSG_EXCEPT)
		return mtype != msgtyp;
	return mtype == msgtyp;
}

/*
 * One receive.  Returns 0 or -errno; on success *out holds the answer and,
 * for a valid buffer, the text was checked.
 */
static int do_msgrcv(struct wk *w, int id, int64_t msgtyp, uint64_t size,
		     uint32_t flags, uint32_t ts, bool anybuf,
		     struct aixipc_msgrcv *out)
{
	struct aixipc_msgrcv m;
	uint64_t need = ts + (size < g_cap ? size : g_cap);
	bool bad;
	int rc, bk;

	fill_random(w, &m, sizeof(m));	/* out fields must be ignored */
	m.id = id;
	m.flags = flags;
	m.msgtyp = msgtyp;
	m.size = size;
	m.type_size = ts;
	m.__reserved = 0;
	m.__reserved2 = 0;
	if (anybuf) {
		m.msgp = pick_buf(w, need);
		if (chance(w, 3))
			m.__reserved = (uint32_t)r64(w) | 1;
		if (chance(w, 3))
			m.__reserved2 = (uint32_t)r64(w) | 1;
	} else {
		m.msgp = (uintptr_t)w->region + (chance(w, 50) ? rnd(w, g_pg) : 0);
		w->bufkind = P_NORMAL;
	}
	bad = (flags & ~(AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR | AIXIPC_MSG_EXCEPT)) ||
	      id < 0 || (int64_t)size < 0 || m.__reserved || m.__reserved2 ||
	      (ts != 4 && ts != 8);
	bk = w->bufkind;
	rc = fz_call(w, IOC_MSGRCV, &m);
	if (out)
		*out = m;
	if (rc || !w->env_ok)
		return rc;
	if (bad) {
		fz_fail(w, "msgrcv accepted id %d flags %#x size %llu type_size %u reserved %#x/%#x",
			id, flags, (unsigned long long)size, ts, m.__reserved,
			m.__reserved2);
		return rc;
	}
	if (m.length > size || m.length > g_limits.msgmax || m.mtype < 1 ||
	    m.mtype > INT32_MAX || !selector_ok(msgtyp, flags, m.mtype) ||
	    m.pid <= 0) {
		fz_fail(w, "msgrcv(msgtyp %lld flags %#x size %llu) got mtype %lld length %llu pid %d",
			(long long)msgtyp, flags, (unsigned long long)size,
			(long long)m.mtype, (unsigned long long)m.length, m.pid);
		return rc;
	}
	if (bk == P_NORMAL) {
		const unsigned char *p = (const unsigned char *)(uintptr_t)m.msgp;
		int64_t t, bad_at;

		if (ts + m.length > region_room(w, m.msgp)) {
			fz_fail(w, "msgrcv: length %llu does not fit the %llu-byte buffer",
				(unsigned long long)m.length,
				(unsigned long long)region_room(w, m.msgp));
			return rc;
		}
		if (ts == 4) {
			int32_t t32;

			memcpy(&t32, p, 4);
			t = t32;
		} else {
			memcpy(&t, p, 8);
		}
		bad_at = check_pattern(p + ts, m.length);
		if (t != m.mtype || bad_at >= 0) {
			fz_fail(w, "msgrcv: type word %lld (answer %lld), text of %llu bytes corrupt at offset %lld",
				(long long)t, (long long)m.mtype,
				(unsigned long long)m.length, (long long)bad_at);
			return rc;
		}
	}
	ADD(sh->checks, 1);
	return rc;
}

static uint64_t pick_rcv_size(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 70)
		return pick_size(w);
	if (r < 85)
		return g_limits.msgmax + rnd(w, 3);
	if (r < 92)
		return (uint64_t)-1 - rnd(w, 4);	/* "negative" */
	return 1ULL << (32 + rnd(w, 31));
}

static void gen_msgrcv(struct wk *w)
{
	do_msgrcv(w, pick_id(w, AIXIPC_MSG), pick_msgtyp(w), pick_rcv_size(w),
		  pick_wait_flags(w, AIXIPC_MSG_NOERROR | AIXIPC_MSG_EXCEPT),
		  pick_type_size(w), true, NULL);
}

static int msg_stat(struct wk *w, int id, struct aixipc_msqid_ds *ds)
{
	struct aixipc_msgctl c;
	bool clean = w->clean;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_STAT;
	w->clean = true;
	rc = fz_call(w, IOC_MSGCTL, &c);
	w->clean = clean;
	if (!rc)
		*ds = c.ds;
	return rc;
}

static int msg_set(struct wk *w, int id, const struct aixipc_msqid_ds *ds)
{
	struct aixipc_msgctl c;
	bool clean = w->clean;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_SET;
	c.ds = *ds;
	w->clean = true;
	rc = fz_call(w, IOC_MSGCTL, &c);
	w->clean = clean;
	return rc;
}

static int rmid_msg(struct wk *w, int id)
{
	struct aixipc_msgctl c;
	bool clean = w->clean;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_RMID;
	w->clean = true;
	rc = fz_call(w, IOC_MSGCTL, &c);
	w->clean = clean;
	if (!rc)
		pool_forget(AIXIPC_MSG, id);
	return rc;
}

static uint32_t pick_ugid(struct wk *w, uint32_t keep)
{
	switch (rnd(w, 8)) {
	case 0:
	case 1:
	case 2:
		return keep;
	case 3:
		return 0;
	case 4:
	case 5:
		return DROP_ID;
	case 6:
		return UINT32_MAX;	/* does not map: EINVAL */
	default:
		return (uint32_t)r64(w);
	}
}

static void gen_msgctl(struct wk *w)
{
	struct aixipc_msgctl c;
	unsigned int r = (unsigned int)rnd(w, 100);
	bool bad = false;

	fill_random(w, &c, sizeof(c));
	c.id = pick_id(w, AIXIPC_MSG);
	if (r < 40) {
		c.cmd = AIXIPC_IPC_STAT;
	} else if (r < 65) {
		struct aixipc_msqid_ds ds;
		uint64_t mnb = g_limits.msgmnb;

		c.cmd = AIXIPC_IPC_SET;
		if (chance(w, 70) && msg_stat(w, c.id, &ds) == 0)
			c.ds = ds;
		c.ds.perm.__reserved = chance(w, 97) ? 0 : (uint32_t)r64(w) | 1;
		c.ds.__reserved = chance(w, 97) ? 0 : (uint32_t)r64(w) | 1;
		c.ds.perm.uid = pick_ugid(w, c.ds.perm.uid);
		c.ds.perm.gid = pick_ugid(w, c.ds.perm.gid);
		r = (unsigned int)rnd(w, 100);
		c.ds.perm.mode = r < 25 ? c.ds.perm.mode : r < 50 ? 0600 :
				 r < 70 ? 0666 : r < 95 ? (uint32_t)rnd(w, 01000) :
				 (uint32_t)r64(w) | 01000;
		r = (unsigned int)rnd(w, 100);
		if (r < 40)
			;	/* keep (or garbage, without a stat) */
		else if (r < 55)
			c.ds.qbytes = 1 + rnd(w, 8192);
		else if (r < 60)
			c.ds.qbytes = 0;
		else if (r < 72)
			c.ds.qbytes = mnb;
		else if (r < 87)
			c.ds.qbytes = mnb + 1 + rnd(w, mnb);	/* raise */
		else if (r < 90)
			c.ds.qbytes = chance(w, 50) ? UINT64_MAX : 1ULL << 40;
		else
			c.ds.qbytes = rnd(w, 2 * mnb);
		bad = c.ds.perm.__reserved || c.ds.__reserved ||
		      (c.ds.perm.mode & ~0777U) || c.ds.perm.uid == UINT32_MAX ||
		      c.ds.perm.gid == UINT32_MAX;
	} else if (r < 85) {
		c.cmd = AIXIPC_IPC_RMID;
	} else {
		c.cmd = chance(w, 50) ? 3 + (uint32_t)rnd(w, 16) : (uint32_t)r64(w);
		if (c.cmd <= AIXIPC_IPC_STAT)
			c.cmd = 0xdead;
		bad = true;
	}
	if (fz_call(w, IOC_MSGCTL, &c) != 0 || !w->env_ok)
		return;
	if (bad) {
		fz_fail(w, "msgctl accepted cmd %u (mode %#o uid %u gid %u reserved %#x/%#x)",
			c.cmd, c.ds.perm.mode, c.ds.perm.uid, c.ds.perm.gid,
			c.ds.perm.__reserved, c.ds.__reserved);
		return;
	}
	if (c.cmd == AIXIPC_IPC_RMID) {
		pool_forget(AIXIPC_MSG, c.id);
	} else if (c.cmd == AIXIPC_IPC_STAT) {
		if (c.ds.perm.mode & ~0777U || c.ds.perm.__reserved ||
		    c.ds.__reserved || c.ds.status & ~3U)
			fz_fail(w, "msgctl stat: mode %#o reserved %#x/%#x status %#x",
				c.ds.perm.mode, c.ds.perm.__reserved,
				c.ds.__reserved, c.ds.status);
		else
			ADD(sh->checks, 1);
	}
}

#ifdef AIXIPC_IOC_SEMOP
/* ------------------------------------------------------------------ */
/* Semaphores. */

static int rmid_sem(struct wk *w, int id)
{
	struct aixipc_semctl c;
	bool clean = w->clean;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_RMID;
	w->clean = true;
	rc = fz_call(w, IOC_SEMCTL, &c);
	w->clean = clean;
	if (!rc)
		pool_forget(AIXIPC_SEM, id);
	return rc;
}

static void gen_semop(struct wk *w)
{
	static const int16_t ops[] = { -1, 1, 0, -2, 2, -32768, 32767, -3, 3 };
	struct aixipc_semop o;
	uint64_t n, i, room;
	unsigned int r = (unsigned int)rnd(w, 100);
	bool undo = chance(w, 30), wait = chance(w, 8);

	memset(&o, 0, sizeof(o));
	o.id = pick_id(w, AIXIPC_SEM);
	n = r < 80 ? 1 + rnd(w, 4) : r < 85 ? 0 : r < 92 ? rnd(w, g_limits.semopm + 2) :
	    r < 96 ? g_limits.semopm + 1 : r64(w);
	o.nsops = n;
	o.sops = pick_buf(w, n * sizeof(struct aixipc_sembuf));
	room = region_room(w, o.sops);
	for (i = 0; i < n && (i + 1) * sizeof(struct aixipc_sembuf) <= room; i++) {
		struct aixipc_sembuf b;

		b.sem_num = chance(w, 90) ? (uint16_t)rnd(w, 9) : (uint16_t)r64(w);
		b.sem_op = chance(w, 85) ? ops[rnd(w, 5)] : ops[rnd(w, 9)];
		b.sem_flg = (int16_t)((wait ? 0 : AIXIPC_SEM_NOWAIT) |
				      (undo ? AIXIPC_SEM_UNDO : 0) |
				      (chance(w, 20) ? AIXIPC_SEM_ORDER : 0) |
				      (chance(w, 3) ? (int)r64(w) : 0));
		memcpy(w->region + (o.sops - (uintptr_t)w->region) + i * sizeof(b),
		       &b, sizeof(b));
	}
	if (chance(w, 20)) {
		o.flags = AIXIPC_SEMOP_TIMED;
		r = (unsigned int)rnd(w, 100);
		o.timeout_sec = r < 90 ? 0 : r < 95 ? -1 : (int64_t)r64(w);
		o.timeout_nsec = r < 90 ? (int64_t)rnd(w, 20000000) :
				 chance(w, 50) ? 1000000000 : -1;
	} else if (chance(w, 3)) {
		o.flags = (uint32_t)r64(w);
		o.timeout_nsec = (int64_t)rnd(w, 3);
	}
	if (wait)
		ADD(sh->blocking, 1);
	fz_call(w, IOC_SEMOP, &o);
}

static void gen_semctl(struct wk *w)
{
	static const uint32_t cmds[] = {
		AIXIPC_IPC_STAT, AIXIPC_IPC_SET, AIXIPC_IPC_RMID, AIXIPC_GETVAL,
		AIXIPC_SETVAL, AIXIPC_GETALL, AIXIPC_SETALL, AIXIPC_GETPID,
		AIXIPC_GETNCNT, AIXIPC_GETZCNT,
	};
	struct aixipc_semctl c;
	uint64_t need = 2 * (g_limits.semmsl + 1);

	fill_random(w, &c, sizeof(c));
	c.id = pick_id(w, AIXIPC_SEM);
	c.cmd = chance(w, 95) ? cmds[rnd(w, 10)] : (uint32_t)r64(w);
	if (c.cmd == AIXIPC_IPC_RMID && chance(w, 50))
		c.cmd = AIXIPC_GETVAL;
	c.semnum = chance(w, 90) ? (uint32_t)rnd(w, 9) : (uint32_t)r64(w);
	c.val = chance(w, 85) ? (int32_t)rnd(w, 5) : chance(w, 50) ? -1 :
		(int32_t)(g_limits.semvmx + rnd(w, 2));
	/* GETALL writes nsems words: keep valid arrays inside the region. */
	c.array = pick_buf(w, need);
	if (w->bufkind == P_NORMAL) {
		uint64_t room = region_room(w, c.array), i;

		if (room < need)
			c.array = (uintptr_t)w->region;
		for (i = 0; i < 16; i++) {
			uint16_t v = (uint16_t)rnd(w, 4);

			memcpy(w->region + (c.array - (uintptr_t)w->region) + 2 * i,
			       &v, 2);
		}
	}
	if (c.cmd == AIXIPC_IPC_SET) {
		c.ds.perm.__reserved = chance(w, 97) ? 0 : 1;
		c.ds.perm.uid = pick_ugid(w, 0);
		c.ds.perm.gid = pick_ugid(w, 0);
		c.ds.perm.mode = chance(w, 90) ? (uint32_t)rnd(w, 01000) : 01777;
	}
	if (fz_call(w, IOC_SEMCTL, &c) == 0 && w->env_ok &&
	    c.cmd == AIXIPC_IPC_RMID)
		pool_forget(AIXIPC_SEM, c.id);
}
#endif

/* ------------------------------------------------------------------ */
/* Listing and removal: the sweep (bounds memory) and the final cleanup. */

/* A full walk of one kind, clean calls; returns entries or -errno. */
static long list_all(struct wk *w, uint32_t kind, uint32_t batch)
{
	struct aixipc_list l;
	size_t n = 0;
	int rc, rounds = 0;

	memset(&l, 0, sizeof(l));
	l.kind = kind;
	for (;;) {
		uint32_t i;
		bool clean = w->clean;

		l.entries = (uintptr_t)w->region;
		l.count = batch;
		l.entry_size = sizeof(struct aixipc_list_entry);
		w->clean = true;
		rc = fz_call(w, IOC_LIST, &l);
		w->clean = clean;
		if (rc)
			return rc;
		if (!l.count || ++rounds > 100000)
			break;
		for (i = 0; i < l.count && n < w->nents_max; i++) {
			struct aixipc_list_entry e;

			memcpy(&e, w->region + (size_t)i * sizeof(e), sizeof(e));
			w->ents[n].id = e.id;
			w->ents[n].cbytes = kind == AIXIPC_MSG ? e.msg.cbytes : 0;
			w->ents[n].qnum = kind == AIXIPC_MSG ? e.msg.qnum : 0;
			n++;
		}
	}
	return (long)n;
}

/* Remove queues while there are too many, or too much queued. */
static void sweep(struct wk *w, size_t max_objs, uint64_t max_bytes,
		  uint64_t max_msgs)
{
	uint64_t bytes = 0, msgs = 0;
	long n = list_all(w, AIXIPC_MSG, 1 + (uint32_t)rnd(w, 32)), i;

	ADD(sh->sweeps, 1);
	if (n <= 0)
		return;
	for (i = 0; i < n; i++) {
		bytes += w->ents[i].cbytes;
		msgs += w->ents[i].qnum;
	}
	for (i = 0; i < n; i++) {
		size_t left = (size_t)(n - i);
		bool big = w->ents[i].cbytes > max_bytes / 8 ||
			   w->ents[i].qnum > max_msgs / 8;

		if (left <= max_objs / 2 && bytes <= max_bytes / 2 &&
		    msgs <= max_msgs / 2 && !big)
			continue;
		if (!big && left <= max_objs && bytes <= max_bytes &&
		    msgs <= max_msgs && chance(w, 50))
			continue;
		if (rmid_msg(w, w->ents[i].id) == 0) {
			ADD(sh->swept, 1);
			bytes -= w->ents[i].cbytes;
			msgs -= w->ents[i].qnum;
		}
	}
}

/*
 * Object kinds for the final cleanup.  rmid NULL: a facility the fuzzer
 * does not drive yet (shared memory, until the module has it); any object
 * of that kind left at the end fails the run.
 */
struct kind_desc {
	uint32_t kind;
	const char *name;
	int (*rmid)(struct wk *w, int id);
};

static const struct kind_desc kinds[] = {
	{ AIXIPC_MSG, "msg", rmid_msg },
#ifdef AIXIPC_IOC_SEMCTL
	{ AIXIPC_SEM, "sem", rmid_sem },
#else
	{ AIXIPC_SEM, "sem", NULL },
#endif
	{ AIXIPC_SHM, "shm", NULL },
};

/* ------------------------------------------------------------------ */
/* Scenarios: structured sequences. */

static void one_op(struct wk *w, bool scenarios);

static int iso_take(int id)
{
	int i;

	for (i = 0; i < ISO_N; i++) {
		int old = -1;

		if (__atomic_compare_exchange_n(&sh->iso[i], &old, id, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return i;
	}
	return -1;
}

static void iso_drop(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&sh->iso[slot], -1, __ATOMIC_SEQ_CST);
}

static int new_private_queue(struct wk *w, uint32_t mode)
{
	struct aixipc_get g;
	bool clean = w->clean;
	int rc;

	memset(&g, 0, sizeof(g));
	g.kind = AIXIPC_MSG;
	g.key = AIXIPC_KEY_PRIVATE;
	g.flags = AIXIPC_CREAT;
	g.mode = mode;
	w->clean = true;
	rc = fz_call(w, IOC_GET, &g);
	w->clean = clean;
	return rc ? rc : g.id;
}

/* Random bytes to a random command word. */
static void scen_raw(struct wk *w)
{
	unsigned long cmd = (uint32_t)r64(w);
	unsigned int t, dir, nr, size, mask = 0;
	char *p;
	long rc;
	int e, ei, i;

	if (chance(w, 40))
		cmd = _IOC(rnd(w, 4), AIXIPC_IOC_MAGIC, _IOC_NR(cmd), _IOC_SIZE(cmd));
	if (chance(w, 30))
		cmd = _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd),
			   _IOC_NR(iocs[rnd(w, NIOCS)].cmd),
			   chance(w, 50) ? _IOC_SIZE(iocs[rnd(w, NIOCS)].cmd) :
			   _IOC_SIZE(cmd));
	t = _IOC_TYPE(cmd);
	if (vfs_type(t))
		cmd = _IOC(_IOC_DIR(cmd), t ^ 0x80, _IOC_NR(cmd), _IOC_SIZE(cmd));
	t = _IOC_TYPE(cmd);
	dir = _IOC_DIR(cmd);
	nr = _IOC_NR(cmd);
	size = _IOC_SIZE(cmd);
	if (t != AIXIPC_IOC_MAGIC || dir != (_IOC_READ | _IOC_WRITE) ||
	    (nr >= 0x40 && !known_nr(nr)))
		mask = EM(ENOTTY);
	for (i = 0; i < NIOCS && !mask; i++)
		if (_IOC_NR(iocs[i].cmd) == nr && size < iocs[i].ksize)
			mask = EM(EINVAL);
	p = w->argbuf;
	fill_random(w, p, size < 256 ? size : 256);
	if (size > 256)
		memset(p + 256, 0, size - 256);
	if (chance(w, 10))
		p = NULL;
	if (g_replay)
		out("# [%d.%d.%d #%" PRIu64 "] raw cmd=%#lx\n", w->proc, w->thread,
		    w->gen, w->ops, cmd);
	rc = ioctl(w->fd, cmd, p);
	e = rc < 0 ? errno : 0;
	ei = rc == 0 ? 0 : rc == -1 ? err_index(e) : NERR;
	if (ei >= NERR_COMMON && ei < NERR && nr < 0x20)
		ei = NERR;	/* ERANGE/EFBIG only from semaphore numbers */
	ADD(sh->ioc_stats[RAW_ROW][ei], 1);
	if (ei == NERR || (mask && !(mask & M(ei)))) {
		char hex[600];

		hexdump(hex, sizeof(hex), w->argbuf, size < 256 ? size : 256);
		fz_fail(w, "raw ioctl cmd=%#lx arg=%s returned %ld errno %d (%s): %s",
			cmd, p ? "buf" : "NULL", rc, e, strerror(e),
			ei == NERR ? "outside the documented set" : "not the promised error");
		out("# raw arg bytes: %s\n", hex);
	}
}

static void reap_kids(struct wk *w, bool all)
{
	int i = 0;

	while (i < w->nkids) {
		int st;
		pid_t r = waitpid(w->kids[i], &st, all ? 0 : WNOHANG);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			i++;
			continue;
		}
		if (r > 0 && WIFSIGNALED(st))
			fz_fail(w, "fork child %d died of signal %d (%s)", (int)r,
				WTERMSIG(st), strsignal(WTERMSIG(st)));
		w->kids[i] = w->kids[--w->nkids];
	}
}

static void drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(DROP_ID, DROP_ID, DROP_ID) ||
	    setresuid(DROP_ID, DROP_ID, DROP_ID))
		return;
	ADD(sh->drops, 1);
}

static void alarm_handler(int sig)
{
	(void)sig;
}

/* Fork in the middle: the child does a few ops and _exits. */
static void scen_fork(struct wk *w)
{
	uint64_t cseed = r64(w);
	pid_t pid;

	if (w->in_child)
		return;
	if (w->nkids >= MAX_KIDS)
		reap_kids(w, true);
	pid = fork();
	if (pid < 0)
		return;
	ADD(sh->forks, 1);
	if (pid == 0) {
		struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
		int i, n;

		w->in_child = true;
		w->nkids = 0;
		rng_seed(&w->r, cseed);
		if (getuid() == 0 && chance(w, 30))
			drop_privileges();
		setitimer(ITIMER_REAL, &it, NULL);
		n = 1 + (int)rnd(w, 8);
		for (i = 0; i < n && !stopping() && !w->failed; i++) {
			one_op(w, false);
			ADD(sh->ops, 1);
		}
		_exit(w->failed ? 1 : 0);
	}
	w->kids[w->nkids++] = pid;
	if (g_det)
		reap_kids(w, true);
}

/* Send a few messages to a fresh private queue, take them in many ways. */
static void scen_pingpong(struct wk *w)
{
	int id = new_private_queue(w, 0600), n, i;

	if (id < 0)
		return;
	if (chance(w, 50))
		pool_add(w, AIXIPC_MSG, id);
	n = 1 + (int)rnd(w, 6);
	for (i = 0; i < n; i++)
		do_msgsnd(w, id, 1 + (int64_t)rnd(w, 4), rnd(w, 9000),
			  AIXIPC_NOWAIT, chance(w, 80) ? 8 : 4, chance(w, 20));
	for (i = 0; i < n + 2; i++)
		do_msgrcv(w, id, pick_msgtyp(w), chance(w, 80) ? 9000 : rnd(w, 9000),
			  AIXIPC_NOWAIT | (chance(w, 30) ? AIXIPC_MSG_NOERROR : 0) |
			  (chance(w, 30) ? AIXIPC_MSG_EXCEPT : 0),
			  chance(w, 80) ? 8 : 4, chance(w, 20), NULL);
	if (chance(w, 70))
		rmid_msg(w, id);
}

/* Shrink a queue, fill it, then block a sender (timer, a receiver or RMID). */
static void scen_fill_block(struct wk *w)
{
	struct aixipc_msqid_ds ds;
	int id = chance(w, 50) ? pick_id(w, AIXIPC_MSG) : new_private_queue(w, 0666);
	int i;

	if (id < 0 || msg_stat(w, id, &ds))
		return;
	if (id >= 0 && chance(w, 30))
		pool_add(w, AIXIPC_MSG, id);
	ds.qbytes = 16 + rnd(w, 4096);
	if (msg_set(w, id, &ds))
		return;
	for (i = 0; i < 16; i++)
		if (do_msgsnd(w, id, 1 + (int64_t)rnd(w, 8), rnd(w, 512),
			      AIXIPC_NOWAIT, 8, false))
			break;
	ADD(sh->blocking, 1);
	do_msgsnd(w, id, 1 + (int64_t)rnd(w, 8), rnd(w, 512), 0, 8, false);
	if (chance(w, 50)) {
		ds.qbytes = g_limits.msgmnb;
		msg_set(w, id, &ds);
	}
}

/* A blocking receive on a shared queue. */
static void scen_block_rcv(struct wk *w)
{
	ADD(sh->blocking, 1);
	do_msgrcv(w, pick_id(w, AIXIPC_MSG), pick_msgtyp(w),
		  chance(w, 80) ? g_limits.msgmax : rnd(w, 64),
		  chance(w, 30) ? AIXIPC_MSG_NOERROR : 0, chance(w, 80) ? 8 : 4,
		  false, NULL);
}

static void scen_sweep(struct wk *w)
{
	sweep(w, 48, 32ULL << 20, 50000);
}

/* Ops through a private file descriptor, then close it. */
static void scen_fd(struct wk *w)
{
	int fd = aixipc_open(), old = w->fd, i, n = 1 + (int)rnd(w, 4);

	if (fd < 0) {
		fz_fail(w, "open %s: %s", AIXIPC_DEVICE, strerror(errno));
		return;
	}
	w->fd = fd;
	for (i = 0; i < n && !w->failed; i++)
		one_op(w, false);
	w->fd = old;
	close(fd);
}

/*
 * A receive into a bad buffer or a read-only argument fails with EFAULT and
 * loses nothing: the message is still there for a good receive.  The queue
 * is reserved (no other thread picks its id), so this is checked strictly;
 * only removal by a sweep (EINVAL/EIDRM) is tolerated.
 */
static void scen_putback(struct wk *w)
{
	struct aixipc_msgrcv m;
	int id = new_private_queue(w, 0600), slot, rc, k;
	int64_t mtype = ISO_TYPE_BASE | (int64_t)((unsigned int)(w->proc + 1) << 12 |
						   (unsigned int)w->thread << 4 |
						   (unsigned int)rnd(w, 16));
	uint64_t size = pick_size(w) % 20000;
	uint32_t ts = chance(w, 70) ? 8 : 4;
	bool clean = w->clean;

	if (id < 0)
		return;
	slot = iso_take(id);
	if (slot < 0) {
		rmid_msg(w, id);
		return;
	}
	w->clean = true;
	rc = do_msgsnd(w, id, mtype, size, AIXIPC_NOWAIT, ts, false);
	if (rc)
		goto out;
	for (k = 0; k < 2; k++) {
		static const int kinds_bad[] = { P_NULL, P_NONE, P_RO, P_STRADDLE, P_LOW };
		struct aixipc_msgrcv r;
		int bk = kinds_bad[rnd(w, 5)];

		memset(&r, 0, sizeof(r));
		r.id = id;
		r.flags = AIXIPC_NOWAIT;
		r.size = size;
		r.type_size = ts;
		switch (bk) {
		case P_NULL:
			r.msgp = 0;
			break;
		case P_NONE:
			r.msgp = (uintptr_t)g_nonepage;
			break;
		case P_RO:
			r.msgp = (uintptr_t)g_rosrc;
			break;
		case P_STRADDLE:
			/* the type word fits; the text runs into the guard */
			if (size < 1) {
				r.msgp = (uintptr_t)w->region + g_cap - 2;
				break;
			}
			r.msgp = (uintptr_t)w->region + g_cap - ts -
				 (size > 1 ? rnd(w, size) : 0);
			break;
		default:
			r.msgp = 0x2000;
		}
		if (k == 1) {
			/* read-only argument struct: EFAULT before anything */
			mprotect(w->ropage, g_pg, PROT_READ | PROT_WRITE);
			r.msgp = (uintptr_t)w->region;
			memcpy(w->ropage, &r, sizeof(r));
			mprotect(w->ropage, g_pg, PROT_READ);
			errno = 0;
			rc = ioctl(w->fd, AIXIPC_IOC_MSGRCV, w->ropage) ? -errno : 0;
			ADD(sh->ioc_stats[IOC_MSGRCV][err_index(-rc)], 1);
			bk = -1;
		} else {
			w->bufkind = bk;
			rc = fz_call(w, IOC_MSGRCV, &r);
		}
		if (rc == -EINVAL || rc == -EIDRM)
			goto out;	/* swept away */
		if (rc != -EFAULT) {
			fz_fail(w, "msgrcv with a %s: %s, not EFAULT (queue %d, size %llu, type_size %u)",
				bk >= 0 ? ptrnames[bk] : "read-only argument",
				rc ? strerror(-rc) : "success", id,
				(unsigned long long)size, ts);
			goto out;
		}
	}
	rc = do_msgrcv(w, id, 0, size, AIXIPC_NOWAIT, ts, false, &m);
	if (rc == -EINVAL || rc == -EIDRM)
		goto out;
	if (rc)
		fz_fail(w, "message lost after a receive failed with EFAULT: %s (queue %d, size %llu)",
			strerror(-rc), id, (unsigned long long)size);
	else if (m.mtype != mtype || m.length != size)
		fz_fail(w, "after EFAULT got mtype %lld length %llu, sent %lld/%llu",
			(long long)m.mtype, (unsigned long long)m.length,
			(long long)mtype, (unsigned long long)size);
	else
		ADD(sh->checks, 1);
out:
	w->clean = clean;
	rmid_msg(w, id);
	iso_drop(slot);
}

/* An id just removed names nothing: EINVAL (not EIDRM, not success). */
static void scen_stale(struct wk *w)
{
	struct aixipc_msqid_ds ds;
	int id = new_private_queue(w, 0600), rc;

	if (id < 0)
		return;
	if (rmid_msg(w, id))
		return;
	rc = msg_stat(w, id, &ds);
	if (rc != -EINVAL)
		fz_fail(w, "stat of removed id %d: %s, not EINVAL", id,
			rc ? strerror(-rc) : "success");
	else
		ADD(sh->checks, 1);
	if (chance(w, 50))
		do_msgsnd(w, id, 1, rnd(w, 64), AIXIPC_NOWAIT, 8, true);
	if (chance(w, 50))
		do_msgrcv(w, id, 0, 64, AIXIPC_NOWAIT, 8, true, NULL);
}

struct scen_desc {
	const char *name;
	unsigned int weight;
	void (*run)(struct wk *w);
};

static const struct scen_desc scens[] = {
	{ "raw", 20, scen_raw },
	{ "fork", 4, scen_fork },
	{ "pingpong", 10, scen_pingpong },
	{ "fill-block", 6, scen_fill_block },
	{ "block-rcv", 8, scen_block_rcv },
	{ "sweep", 3, scen_sweep },
	{ "fd", 4, scen_fd },
	{ "putback", 8, scen_putback },
	{ "stale", 5, scen_stale },
};
#define NSCENS ((int)(sizeof(scens) / sizeof(scens[0])))
_Static_assert(NSCENS <= MAX_SCEN, "raise MAX_SCEN");

static void one_op(struct wk *w, bool scenarios)
{
	unsigned int total = 0, r;
	int i;

	if (scenarios && chance(w, 15)) {
		for (i = 0; i < NSCENS; i++)
			total += scens[i].weight;
		r = (unsigned int)rnd(w, total);
		for (i = 0; r >= scens[i].weight; i++)
			r -= scens[i].weight;
		if (!w->in_child || scens[i].run != scen_fork) {
			ADD(sh->scen_stats[i], 1);
			scens[i].run(w);
		}
		return;
	}
	for (i = 0; i < NIOCS; i++)
		total += iocs[i].weight;
	r = (unsigned int)rnd(w, total);
	for (i = 0; r >= iocs[i].weight; i++)
		r -= iocs[i].weight;
	iocs[i].gen(w);
}

/* ------------------------------------------------------------------ */
/* Workers. */

static void *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (p == MAP_FAILED) {
		out("# mmap %zu: %s\n", len, strerror(errno));
		exit(2);
	}
	return p;
}

static void wk_init(struct wk *w, int fd, int proc, int thread, int gen)
{
	memset(w, 0, sizeof(*w));
	rng_seed(&w->r, derive(g_seed, (uint64_t)proc + 2, (uint64_t)thread,
			       (uint64_t)gen));
	w->fd = fd;
	w->proc = proc;
	w->thread = thread;
	w->gen = gen;
	w->bufkind = -1;
	w->region = map(g_cap + g_pg, PROT_READ | PROT_WRITE);
	mprotect(w->region + g_cap, g_pg, PROT_NONE);
	w->argbuf = map((ARG_PAGES + 1) * g_pg, PROT_READ | PROT_WRITE);
	mprotect(w->argbuf + ARG_PAGES * g_pg, g_pg, PROT_NONE);
	w->ropage = map(2 * g_pg, PROT_READ);
	mprotect(w->ropage + g_pg, g_pg, PROT_NONE);
	w->nents_max = 8192;
	w->ents = calloc(w->nents_max, sizeof(*w->ents));
	if (!w->ents)
		exit(2);
}

static void *thread_main(void *arg)
{
	struct wk *w = arg;
	struct sigevent sev;
	sigset_t set;
	timer_t timer;
	bool timed = false;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* A periodic signal to this very thread: blocked calls end in EINTR. */
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev.sigev_notify_thread_id = gettid();
	if (timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0) {
		long ms = 5 + (long)rnd(w, 40);
		struct itimerspec its = {
			{ ms / 1000, ms % 1000 * 1000000 },
			{ ms / 1000, ms % 1000 * 1000000 },
		};

		timer_settime(timer, 0, &its, NULL);
		timed = true;
	}
	while (!stopping() && !w->failed && (!g_max_ops || w->ops < g_max_ops)) {
		one_op(w, true);
		w->ops++;
		ADD(sh->ops, 1);
		if (w->nkids)
			reap_kids(w, false);
		if (w->thread == 0 && w->ops % 256 == 0)
			sweep(w, 48, 32ULL << 20, 50000);
	}
	reap_kids(w, true);
	if (timed)
		timer_delete(timer);
	return NULL;
}

static void worker_proc(int proc, int gen, int fd)
{
	struct rng pr;
	struct sigaction sa;
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } };
	pthread_t tids[MAX_THREADS];
	struct wk *ws;
	sigset_t set;
	bool failed = false;
	unsigned int t;

	rng_seed(&pr, derive(g_seed, 1, (uint64_t)proc, (uint64_t)gen));
	if (g_procs > 1 && proc != 0 && rng_below(&pr, 3) == 0)
		drop_privileges();
	prctl(PR_SET_PDEATHSIG, SIGKILL);	/* after: a uid change clears it */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_handler;
	sa.sa_flags = rng_below(&pr, 2) ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	setitimer(ITIMER_REAL, &it, NULL);

	ws = calloc(g_threads, sizeof(*ws));
	if (!ws)
		_exit(2);
	for (t = 0; t < g_threads; t++) {
		/* Some threads get a file descriptor of their own. */
		int tfd = t && rng_below(&pr, 4) == 0 ? aixipc_open() : fd;

		wk_init(&ws[t], tfd < 0 ? fd : tfd, proc, (int)t, gen);
	}
	for (t = 0; t < g_threads; t++)
		if (pthread_create(&tids[t], NULL, thread_main, &ws[t])) {
			out("# pthread_create failed\n");
			_exit(2);
		}
	for (t = 0; t < g_threads; t++) {
		pthread_join(tids[t], NULL);
		failed |= ws[t].failed;
	}
	_exit(failed ? 1 : 0);
}

/* ------------------------------------------------------------------ */
/* The parent. */

struct child {
	pid_t pid;
	int gen;
	bool alive, killed, stopped;
	double cont_at;
};

static struct child kids[MAX_PROCS];
static int g_devfd;

static void spawn(int proc)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		out("# fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0)
		worker_proc(proc, kids[proc].gen, g_devfd);
	kids[proc].pid = pid;
	kids[proc].alive = true;
	kids[proc].killed = false;
	kids[proc].stopped = false;
}

static int find_kid(pid_t pid)
{
	unsigned int i;

	for (i = 0; i < g_procs; i++)
		if (kids[i].alive && kids[i].pid == pid)
			return (int)i;
	return -1;
}

static unsigned int n_respawn, n_kills, n_stops;

/* Reap whatever has exited; respawn workers we killed.  Returns live count. */
static int reap(bool respawn)
{
	int st, live = 0;
	unsigned int i;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		int k = find_kid(pid);
		bool ours = k >= 0 && kids[k].killed;

		if (WIFSIGNALED(st) && !(ours && WTERMSIG(st) == SIGKILL))
			fz_fail(NULL, "%s %d died of signal %d (%s)%s",
				k >= 0 ? "worker" : "orphaned fork child", (int)pid,
				WTERMSIG(st), strsignal(WTERMSIG(st)),
				WTERMSIG(st) == SIGKILL ? " not sent by the fuzzer (OOM killer?)" : "");
		else if (WIFEXITED(st) && WEXITSTATUS(st) > 1)
			fz_fail(NULL, "process %d exited with status %d", (int)pid,
				WEXITSTATUS(st));
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 1 && !LOAD(sh->fail))
			fz_fail(NULL, "process %d reported a failure", (int)pid);
		if (k < 0)
			continue;
		kids[k].alive = false;
		if (ours && respawn && !stopping()) {
			kids[k].gen++;
			n_respawn++;
			spawn(k);
		}
	}
	for (i = 0; i < g_procs; i++)
		live += kids[i].alive;
	return live;
}

static void chaos(struct wk *pw, double t)
{
	unsigned int i;

	for (i = 0; i < g_procs; i++)
		if (kids[i].alive && kids[i].stopped && t >= kids[i].cont_at) {
			kill(kids[i].pid, SIGCONT);
			kids[i].stopped = false;
		}
	i = (unsigned int)rnd(pw, g_procs);
	if (!kids[i].alive || kids[i].killed)
		return;
	if (chance(pw, 3)) {		/* ~ every 3 s at 10 ticks/s */
		kids[i].killed = true;
		kill(kids[i].pid, SIGKILL);
		n_kills++;
	} else if (!kids[i].stopped && chance(pw, 6)) {
		kids[i].stopped = true;
		kids[i].cont_at = t + 0.05 + (double)rnd(pw, 400) / 1000;
		kill(kids[i].pid, SIGSTOP);
		n_stops++;
	}
}

/* Remove every object of every kind; then the listing must be empty. */
static void cleanup(struct wk *pw)
{
	unsigned int k, pass;
	long left = 0;

	for (pass = 0; pass < 20; pass++) {
		left = 0;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			long n = list_all(pw, kinds[k].kind, 64), i;

			if (n == -EINVAL)
				continue;	/* the module has no such facility */
			if (n < 0) {
				fz_fail(NULL, "cleanup: listing %s: %s", kinds[k].name,
					strerror((int)-n));
				return;
			}
			if (n && !kinds[k].rmid) {
				fz_fail(NULL, "cleanup: %ld %s objects and no way to remove them",
					n, kinds[k].name);
				return;
			}
			for (i = 0; i < n; i++) {
				int rc = kinds[k].rmid(pw, pw->ents[i].id);

				if (rc && rc != -EINVAL && rc != -EIDRM)
					fz_fail(NULL, "cleanup: removing %s %d: %s",
						kinds[k].name, pw->ents[i].id,
						strerror(-rc));
			}
			left += n;
		}
		if (!left)
			break;
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		long n = list_all(pw, kinds[k].kind, 64);

		if (n > 0)
			fz_fail(NULL, "cleanup: %ld %s objects still listed after removal",
				n, kinds[k].name);
	}
}

static void progress(double t0, double t)
{
	uint64_t ops = LOAD(sh->ops);

	out("# ops=%" PRIu64 " per second=%.0f elapsed=%.0fs respawned=%u kills=%u stops=%u forks=%" PRIu64 "\n",
	    ops, t > t0 ? (double)ops / (t - t0) : 0.0, t - t0, n_respawn,
	    n_kills, n_stops, LOAD(sh->forks));
}

static void summary(void)
{
	int i, j;
	char line[1024];
	size_t o;

	for (i = 0; i <= NIOCS; i++) {
		int row = i < NIOCS ? i : RAW_ROW;

		o = (size_t)snprintf(line, sizeof(line), "# %-8s", i < NIOCS ? iocs[i].name : "raw");
		for (j = 0; j <= NERR && o < sizeof(line); j++)
			if (sh->ioc_stats[row][j])
				o += (size_t)snprintf(line + o, sizeof(line) - o, " %s=%" PRIu64,
						      errnames[j], sh->ioc_stats[row][j]);
		out("%s\n", line);
	}
	o = (size_t)snprintf(line, sizeof(line), "# envelope:");
	for (j = 0; j < N_ENV && o < sizeof(line); j++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %s=%" PRIu64,
				      envnames[j], sh->env_stats[j]);
	out("%s\n", line);
	o = (size_t)snprintf(line, sizeof(line), "# argument pointer:");
	for (j = 0; j < N_PTR && o < sizeof(line); j++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %s=%" PRIu64,
				      ptrnames[j], sh->ptr_stats[j]);
	out("%s\n", line);
	o = (size_t)snprintf(line, sizeof(line), "# message/list buffer:");
	for (j = 0; j < N_PTR && o < sizeof(line); j++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %s=%" PRIu64,
				      ptrnames[j], sh->buf_stats[j]);
	out("%s\n", line);
	o = (size_t)snprintf(line, sizeof(line), "# scenarios:");
	for (j = 0; j < NSCENS && o < sizeof(line); j++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %s=%" PRIu64,
				      scens[j].name, sh->scen_stats[j]);
	out("%s\n", line);
	out("# forks=%" PRIu64 " privilege-drops=%" PRIu64 " blocking-calls=%" PRIu64
	    " eintr=%" PRIu64 " checks-passed=%" PRIu64 " sweeps=%" PRIu64
	    " swept=%" PRIu64 " respawned=%u kills=%u stops=%u\n",
	    sh->forks, sh->drops, sh->blocking, sh->eintr, sh->checks,
	    sh->sweeps, sh->swept, n_respawn, n_kills, n_stops);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz [--seed N] [--duration SECS] [--procs N] [--threads N] [--replay] [--ops N]\n"
		"  --seed N       PRNG seed (default: random, printed first)\n"
		"  --duration S   run time in seconds (default 120)\n"
		"  --procs N      worker processes (default 4, max %d)\n"
		"  --threads N    threads per worker process (default 4, max %d)\n"
		"  --replay       print every call; no timing-driven SIGSTOP/SIGKILL\n"
		"  --ops N        stop each thread after N operations\n"
		"--procs 1 --threads 1 is fully deterministic on a fresh module.\n",
		MAX_PROCS, MAX_THREADS);
	exit(2);
}

static uint64_t num_arg(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct aixipc_version v;
	struct wk pw;
	bool have_seed = false, timed_out = false;
	double t0, t, deadline, next_progress, next_sweep;
	unsigned int i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--replay")) {
			g_replay = true;
			continue;
		}
		if (a + 1 >= argc)
			usage();
		if (!strcmp(argv[a], "--seed")) {
			g_seed = num_arg(argv[++a]);
			have_seed = true;
		} else if (!strcmp(argv[a], "--duration")) {
			g_duration = (unsigned int)num_arg(argv[++a]);
		} else if (!strcmp(argv[a], "--procs")) {
			g_procs = (unsigned int)num_arg(argv[++a]);
		} else if (!strcmp(argv[a], "--threads")) {
			g_threads = (unsigned int)num_arg(argv[++a]);
		} else if (!strcmp(argv[a], "--ops")) {
			g_max_ops = num_arg(argv[++a]);
		} else {
			usage();
		}
	}
	if (!g_procs || g_procs > MAX_PROCS || !g_threads || g_threads > MAX_THREADS)
		usage();
	snprintf(g_argv0, sizeof(g_argv0), "%s", argv[0]);
	if (!have_seed && getrandom(&g_seed, sizeof(g_seed), 0) != sizeof(g_seed))
		g_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	setvbuf(stdout, NULL, _IONBF, 0);
	out("# fuzz seed=%" PRIu64 "\n", g_seed);
	out("1..1\n");

	g_det = g_procs == 1 && g_threads == 1;
	g_chaos = !g_det && !g_replay;
	g_pg = (size_t)sysconf(_SC_PAGESIZE);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		out("not ok 1 fuzz seed=%" PRIu64 " mmap: %s\n", g_seed, strerror(errno));
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	memset(sh->pool, 0xff, sizeof(sh->pool));
	memset(sh->stale, 0xff, sizeof(sh->stale));
	memset(sh->iso, 0xff, sizeof(sh->iso));

	g_devfd = aixipc_open();
	memset(&v, 0, sizeof(v));
	if (g_devfd < 0 || ioctl(g_devfd, AIXIPC_IOC_VERSION, &v)) {
		out("not ok 1 fuzz seed=%" PRIu64 " %s: %s\n", g_seed, AIXIPC_DEVICE,
		    strerror(errno));
		return 1;
	}
	g_limits = v.limits;
	g_cap = (g_limits.msgmax < (64U << 20) ? g_limits.msgmax : (64U << 20)) +
		(64U << 10);
	g_cap = (g_cap + g_pg - 1) / g_pg * g_pg;
	out("# duration=%us procs=%u threads=%u chaos=%s%s abi=%u msgmax=%llu msgmnb=%llu msgmnm=%llu\n",
	    g_duration, g_procs, g_threads, g_chaos ? "on" : "off",
	    g_det ? " deterministic" : "", v.abi_version,
	    (unsigned long long)g_limits.msgmax, (unsigned long long)g_limits.msgmnb,
	    (unsigned long long)g_limits.msgmnm);

	/* Process-wide pages, inherited by every worker. */
	/*
	 * Room past the page any pointer into it may start at, for the
	 * largest argument struct (16383 bytes): a struct that began in the
	 * PROT_NONE page but ended in readable memory could legitimately get
	 * EINVAL (non-zero unknown tail) instead of EFAULT.
	 */
	g_nonepage = map(g_pg + (_IOC_SIZEMASK + 1), PROT_NONE);
	g_rosrc = map(3 * g_pg, PROT_READ | PROT_WRITE);
	for (i = 0; i < 2 * g_pg; i++)
		g_rosrc[i] = (char)(unsigned char)(5 + PAT_STEP * i);
	mprotect(g_rosrc, 2 * g_pg, PROT_READ);
	mprotect(g_rosrc + 2 * g_pg, g_pg, PROT_NONE);

	signal(SIGPIPE, SIG_IGN);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	wk_init(&pw, g_devfd, -1, 0, 0);
	pw.clean = true;

	t0 = now();
	deadline = t0 + g_duration;
	next_progress = t0 + 10;
	next_sweep = t0 + 1;
	for (i = 0; i < g_procs; i++)
		spawn((int)i);

	for (;;) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		int live;

		nanosleep(&ts, NULL);
		t = now();
		live = reap(true);
		if (stopping() || t >= deadline || !live)
			break;
		if (g_chaos)
			chaos(&pw, t);
		if (t >= next_sweep) {
			/* Safety net only; the workers sweep on their own. */
			sweep(&pw, 256, 128ULL << 20, 200000);
			next_sweep = t + 1;
		}
		if (t >= next_progress) {
			progress(t0, t);
			next_progress += 10;
		}
	}

	/* Stop: wake stopped workers, wait (bounded) for everyone. */
	STORE(sh->stop, 1);
	for (i = 0; i < g_procs; i++)
		if (kids[i].alive)
			kill(kids[i].pid, SIGCONT);
	deadline = now() + GRACE_SECS;
	for (;;) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		int live = reap(false);

		if (!live) {
			/* and orphaned fork children, adopted as subreaper */
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);

			if (p <= 0 && (p < 0 || now() >= deadline))
				break;
			if (p > 0) {
				if (WIFSIGNALED(st))
					fz_fail(NULL, "orphaned fork child %d died of signal %d",
						(int)p, WTERMSIG(st));
				continue;
			}
		}
		if (now() >= deadline) {
			timed_out = true;
			break;
		}
		nanosleep(&ts, NULL);
	}
	if (timed_out) {
		fz_fail(NULL, "workers still running %d s after the stop (hung in the kernel?)",
			GRACE_SECS);
		for (i = 0; i < g_procs; i++)
			if (kids[i].alive) {
				kids[i].killed = true;
				kill(kids[i].pid, SIGKILL);
			}
		deadline = now() + 10;
		while (reap(false) && now() < deadline) {
			struct timespec ts = { 0, 50 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	t = now();
	progress(t0, t);

	cleanup(&pw);
	summary();
	if (LOAD(sh->fail)) {
		char first[512];
		char *nl;

		memcpy(first, sh->failmsg, sizeof(first) - 1);
		first[sizeof(first) - 1] = 0;
		nl = strchr(first, '\n');
		if (nl)
			*nl = 0;
		out("# failure: %s\n", sh->failmsg);
		out("# replay: %s --seed %" PRIu64 " --duration %u --procs %u --threads %u%s\n",
		    g_argv0, g_seed, g_duration, g_procs, g_threads,
		    g_replay ? " --replay" : "");
		out("# deterministic single-thread trace: %s --seed %" PRIu64
		    " --duration %u --procs 1 --threads 1 --replay\n",
		    g_argv0, g_seed, g_duration);
		out("not ok 1 fuzz seed=%" PRIu64 " ops=%" PRIu64 " %s\n", g_seed,
		    LOAD(sh->ops), first);
		return 1;
	}
	out("ok 1 fuzz seed=%" PRIu64 " ops=%" PRIu64 "\n", g_seed, LOAD(sh->ops));
	return 0;
}
