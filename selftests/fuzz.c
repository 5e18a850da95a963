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
 * Shared memory (the workers are multithreaded, so the address space is
 * shared by threads that know nothing of each other's mappings):
 *  - a worker thread attaches at addresses the kernel chooses, or at given
 *    addresses without SHM_REMAP (which can only fail on what is mapped
 *    there), and keeps its attachments in its own table; it touches, splits
 *    (mprotect), trims (munmap, mremap) and detaches only those, tracking
 *    the state of their first ATT_TRACK pages, and never touches a page it
 *    unmapped (another thread may have mapped something there since); it
 *    never unmaps an attachment's first page alone, as an attachment made
 *    there would take the rest at its shmdt (shmdt's rule, as Linux's);
 *    detaching one of them must succeed and report exactly the bytes still
 *    mapped; other addresses given to shmdt are never attachments;
 *  - SHM_REMAP over a non-zero address, and MREMAP_FIXED, happen only in
 *    a single-threaded fork child, inside an arena of its own (reserved
 *    PROT_NONE, between guards), where a model of every mapping predicts
 *    each result exactly: addresses, sizes, nattch (pieces, fork copies),
 *    lpid, SIGBUS past the size, SIGSEGV for protections, contents across
 *    SHM_SIZE, removal at the last detach (by munmap, shmdt, exit or
 *    SIGKILL), key lookups after IPC_RMID;
 *  - touches run under a SIGBUS/SIGSEGV handler that siglongjmps back;
 *    a fault outside a touch kills the worker as before.
 * Each shared memory call is checked against the errno set the contract
 * gives for that command (wk.allow), not the common set.
 *
 * Extending: a new ioctl is one entry in iocs[] plus its generator; a new
 * kind of object is one entry in kinds[] (for the final cleanup).
 *
 * Coverage-guided mode (--corpus DIR or --kcov; the code is at the end):
 *  - a program is a list of ops (selftests/fuzz/corpus.h): a primitive's
 *    name, the 64-bit seed its PRNG restarts from, a small argument.  The
 *    primitives are the generators and scenarios above plus sequence
 *    primitives: stall (a copying call -- SETALL, GETALL, semop, msgsnd,
 *    msgrcv, list -- started in a helper thread whose buffer ends in a
 *    userfaultfd page, so it sleeps in its copy while the next ops run),
 *    release (lets it go on with fuzzed contents; the program's end
 *    releases the rest), recycle (removes an object, often one a stalled
 *    call uses, and creates objects of another size until its id comes
 *    back: the slot allocator reuses the lowest slot, the 11-bit sequence
 *    wraps), view (mprotect, mremap, remap_file_pages, madvise, fork with
 *    exec or SIGKILL, touches, munmap, shmdt on attachments), lockresize
 *    (SHM_SIZE of a SHM_LOCKed segment), sub (the next ops in a child
 *    that is SIGKILLed at a random point), signal (SIGALRM at a random
 *    point), uid (the thread acts as root, 65534 or 1000); programs marked
 *    m32 run in fuzz-m32 (32-bit callers);
 *  - the manager runs each program in a fresh executor process after
 *    removing every object (replay starts from the same state; ids differ
 *    as the sequence moves on), with a KCOV buffer enabled on each of its
 *    threads (selftests/fuzz/kcov.c: the debug kernel instruments only
 *    the module); edges are hashes of consecutive PCs; a program that
 *    reaches an edge never seen joins the corpus (saved as DIR/<hash>.prog);
 *    new programs are random (15%) or mutations of corpus programs (new
 *    seeds, inserted, deleted, duplicated, swapped ops, splices);
 *  - oracles: everything above, plus the registry empty and uncharged after
 *    every program, and the read-only one: nothing derived from a
 *    SHM_RDONLY attach may become writable (mprotect(PROT_WRITE) fails
 *    EACCES, writes fault, in the process and in fork children);
 *  - crashes: before each run the program is written and fsynced to
 *    OUT/current.prog.cur, so after a kernel panic (the VMs boot with
 *    panic_on_warn) the host finds it (selftests/fuzz-vm keeps it as
 *    crashes/kernel-N.prog; --reproduce replays it in a fresh VM).  An
 *    oracle failure is minimised in place (ops dropped one at a time while
 *    it still fails) and saved as OUT/crashes/<hash>.prog;
 *  - without KCOV (stock kernels) the mode still runs: the corpus is
 *    replayed, then random and mutated programs, and the first lines say
 *    coverage is off.  Seedable: the manager's choices derive from --seed.
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
#include <setjmp.h>
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aixipc_test.h"
#include "fuzz/corpus.h"
#include "fuzz/kcov.h"

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
	/* shared memory */
	uint64_t touch_ok, touch_bus, touch_segv, models, model_steps;
	uint64_t gchild_kills, pieces_ops, shm_swept;
	/* guided mode */
	uint64_t stalls, recycled, view_ops;
	uint64_t stalled[8];	/* by call (stnames) */
	uint64_t recycled_stalled;	/* ids of stalled calls brought back */
	int exec_pc;		/* the executor's op, for a timeout's report */
	/* children SIGKILLed by a scenario: orphaned, they die of it */
	pid_t killed[256];
	unsigned int killed_pos;
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
static uint64_t g_min_addr = 65536;	/* /proc/sys/vm/mmap_min_addr */
static bool g_unpriv;		/* this process dropped its privileges */
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

/* The high half of a 64x64-bit product (the same on 32-bit builds). */
static uint64_t mulhi64(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? mulhi64(rng_next(r), n) : 0;
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

/*
 * SIGKILL a child of ours.  If our own process dies before reaping it,
 * the parent adopts it and must know the SIGKILL was ours.
 */
static void kill_child(pid_t pid)
{
	unsigned int pos = ADD(sh->killed_pos, 1);

	STORE(sh->killed[pos % 256], pid);
	kill(pid, SIGKILL);
}

static bool killed_by_scenario(pid_t pid)
{
	unsigned int i;

	for (i = 0; i < 256; i++)
		if (LOAD(sh->killed[i]) == pid)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* Per-thread state. */

struct ent {
	int id;
	uint64_t cbytes, qnum;	/* queues */
	uint64_t pages, rss;	/* segments */
	uint32_t status, key;
};

/*
 * A thread's own attachment.  Pages below ATT_TRACK have their state in
 * pst[]; the rest keep the protection of the attach.
 */
#define ATT_MAX		6
#define ATT_TRACK	16
enum { PS_GONE, PS_NONE, PS_R, PS_RW };

struct att {
	uintptr_t addr;
	uint64_t len;
	int id;
	bool rdonly;
	uint8_t pst[ATT_TRACK];
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
	unsigned int allow;	/* next fz_call: the errnos it may give (M()) */
	struct att atts[ATT_MAX];
	int natt;
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
static void gen_info(struct wk *w);
static void gen_shmat(struct wk *w);
static void gen_shmdt(struct wk *w);
static void gen_shmctl(struct wk *w);

enum {
	IOC_VERSION, IOC_GET, IOC_LIST, IOC_MSGSND, IOC_MSGRCV, IOC_MSGCTL,
#ifdef AIXIPC_IOC_SEMOP
	IOC_SEMOP, IOC_SEMCTL,
#endif
	IOC_INFO, IOC_SHMAT, IOC_SHMDT, IOC_SHMCTL,
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
	[IOC_INFO] = { "info", AIXIPC_IOC_INFO, sizeof(struct aixipc_info), 3,
		       gen_info },
	[IOC_SHMAT] = { "shmat", AIXIPC_IOC_SHMAT, sizeof(struct aixipc_shmat),
			8, gen_shmat },
	[IOC_SHMDT] = { "shmdt", AIXIPC_IOC_SHMDT, sizeof(struct aixipc_shmdt),
			5, gen_shmdt },
	[IOC_SHMCTL] = { "shmctl", AIXIPC_IOC_SHMCTL,
			 sizeof(struct aixipc_shmctl), 9, gen_shmctl },
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
	unsigned int allow = w->allow;
	char *p = arg;
	long rc;

	w->bufkind = -1;
	w->allow = 0;
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
	/* msgsnd and semop only read their struct: a read-only one works. */
	if (pk == P_RO && (d->cmd == AIXIPC_IOC_MSGSND || d->cmd == AIXIPC_IOC_SEMOP))
		;
	else if (pk != P_NORMAL && (env == E_NORMAL || env == E_LARGER0))
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
	/* The call's own set, when it has one (envelope errors aside). */
	if (allow && !mask && ei > 0 && ei < NERR && !(allow & M(ei)))
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
			ei == NERR ? (allow ? " outside the contract's set for this call" :
				      " outside the documented set") :
			", not what the UAPI promises", desc);
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
static int rmid_shm(struct wk *w, int id);

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
	if (old >= 0 && old != id && kind == AIXIPC_SHM && chance(w, 40) &&
	    !is_iso(old))
		rmid_shm(w, old);
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

	if (r < 68)
		return AIXIPC_MSG;
	if (r < 80)
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
/* Shared memory: sizes, and what any status block must satisfy. */

static uint64_t pick_shm_size(struct wk *w)
{
	uint64_t mx = g_limits.shmmax, mn = g_limits.shmmin;
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 35)
		return 1 + rnd(w, 3 * g_pg);
	if (r < 55)	/* around a page boundary */
		return g_pg * (1 + rnd(w, 16)) + rnd(w, 3) - 1;
	if (r < 68)
		return 1 + rnd(w, 1 << 20);
	if (r < 75)
		return 1 + rnd(w, 64 << 20);
	if (r < 79)
		return mx - rnd(w, 2);
	if (r < 82)
		return mx + 1 + rnd(w, 2);
	if (r < 85)
		return 0;
	if (r < 87)
		return mn - 1;
	if (r < 90)
		return mn;
	switch (rnd(w, 4)) {
	case 0:
		return UINT64_MAX;
	case 1:
		return 1ULL << 63;
	case 2:
		return 1ULL << 40;
	default:
		return r64(w);
	}
}

/* Bound on attachments of one segment: every mapping of every process. */
#define NATTCH_SANE	(1ULL << 24)

static bool shm_ds_sane(struct wk *w, const struct aixipc_shmid_ds *ds,
			const char *what)
{
	const char *why = NULL;

	if (ds->perm.mode & ~0777U)
		why = "mode beyond 0777";
	else if (ds->perm.__reserved || ds->__reserved)
		why = "reserved field set";
	else if (ds->status & ~(AIXIPC_SHM_DEST | AIXIPC_SHM_LOCKED))
		why = "unknown status bit";
	else if (ds->segsz < g_limits.shmmin || ds->segsz > g_limits.shmmax)
		why = "size outside shmmin..shmmax";
	else if (ds->nattch >= NATTCH_SANE)
		why = "nattch negative or absurd";
	else if ((ds->status & AIXIPC_SHM_DEST) && !ds->nattch)
		why = "removed (DEST) with no attachment left, yet still there";
	else if ((ds->status & AIXIPC_SHM_DEST) &&
		 ds->perm.key != AIXIPC_KEY_PRIVATE)
		why = "removed (DEST) but its key still public";
	else if (ds->cpid <= 0)
		why = "no creator pid";
	if (!why)
		return true;
	fz_fail(w, "%s: segment %s: mode %#o status %#x segsz %llu nattch %llu key %#x cpid %d lpid %d reserved %#x/%#x",
		what, why, ds->perm.mode, ds->status,
		(unsigned long long)ds->segsz, (unsigned long long)ds->nattch,
		(unsigned int)ds->perm.key, ds->cpid, ds->lpid,
		ds->perm.__reserved, ds->__reserved);
	return false;
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
	bool bad, shm_bad;

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
	else if (g.kind == AIXIPC_SHM)
		g.size = g.key != AIXIPC_KEY_PRIVATE && chance(w, 40) ? 0 :
			 pick_shm_size(w);
	else if (chance(w, 6))
		g.size = chance(w, 50) ? 1 + rnd(w, 4096) : r64(w);
	if (chance(w, 3))
		g.__reserved = (uint32_t)r64(w) | 1;
	g.id = (int32_t)r64(w);
	bad = g.__reserved || (g.flags & ~(AIXIPC_CREAT | AIXIPC_EXCL)) ||
	      (g.mode & ~0777U) || g.kind >= AIXIPC_NR_KINDS;
	/* A new segment must have a size within shmmin..shmmax. */
	shm_bad = g.kind == AIXIPC_SHM && g.key == AIXIPC_KEY_PRIVATE &&
		  (g.size < g_limits.shmmin || g.size > g_limits.shmmax);
	if (g.kind == AIXIPC_SHM)
		w->allow = EM(EINVAL) | EM(EEXIST) | EM(ENOENT) | EM(EACCES) |
			   EM(ENOSPC) | EM(ENOMEM);
	if (fz_call(w, IOC_GET, &g) == 0 && w->env_ok) {
		if (bad || shm_bad)
			fz_fail(w, "get accepted kind %u flags %#x mode %#o reserved %#x size %llu",
				g.kind, g.flags, g.mode, g.__reserved,
				(unsigned long long)g.size);
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
		if (ent.kind == AIXIPC_SHM && !shm_ds_sane(w, &ent.shm, "list entry"))
			return;
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

/* Linux's MSG_COPY: copy the message at position msgtyp, leave it queued. */
#ifndef AIXIPC_MSG_COPY
#define AIXIPC_MSG_COPY 0U
#endif

static bool selector_ok(int64_t msgtyp, uint32_t flags, int64_t mtype)
{
	if (flags & AIXIPC_MSG_COPY)
		return true;	/* msgtyp is a position, not a type */
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
	bad = (flags & ~(AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR | AIXIPC_MSG_EXCEPT |
			 AIXIPC_MSG_COPY)) ||
	      ((flags & AIXIPC_MSG_COPY) &&
	       (!(flags & AIXIPC_NOWAIT) || (flags & AIXIPC_MSG_EXCEPT))) ||
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
/* Shared memory: touches, a thread's own attachments, the generators. */

/*
 * Touches fault on purpose (SIGBUS past a segment's size, SIGSEGV for a
 * protection): the handler siglongjmps back into probe() when this thread
 * is in a touch; any other fault kills the process, as before.
 */
static __thread sigjmp_buf *t_jmp;
static __thread volatile int t_sig;
static __thread void *volatile t_fault_addr;

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	sigjmp_buf *env = t_jmp;
	struct sigaction sa;

	(void)uc;
	if (env) {
		t_jmp = NULL;
		t_sig = sig;
		t_fault_addr = si->si_addr;
		siglongjmp(*env, 1);
	}
	/* Not a touch: the access faults again and the default kills. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
}

static void install_fault_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/*
 * Read (*val out) or write (*val in) the byte at @p.  Returns 0, or the
 * signal the access raised, whose si_addr must be @p.
 */
static int probe(struct wk *w, volatile unsigned char *p, bool write,
		 unsigned char *val)
{
	sigjmp_buf env;

	if (sigsetjmp(env, 1)) {
		if (t_fault_addr != (void *)p)
			fz_fail(w, "touch of %p raised signal %d for address %p",
				(void *)p, t_sig, t_fault_addr);
		ADD(*(t_sig == SIGBUS ? &sh->touch_bus : &sh->touch_segv), 1);
		return t_sig;
	}
	t_jmp = &env;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (write)
		*p = *val;
	else
		*val = *p;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t_jmp = NULL;
	ADD(sh->touch_ok, 1);
	return 0;
}

static const char *signame(int sig)
{
	return sig == 0 ? "no signal" : sig == SIGBUS ? "SIGBUS" :
	       sig == SIGSEGV ? "SIGSEGV" : "another signal";
}

static uint64_t pg_align(uint64_t x)
{
	return (x + g_pg - 1) / g_pg * g_pg;
}

static int prot_of(unsigned int ps)
{
	return ps == PS_RW ? PROT_READ | PROT_WRITE : ps == PS_R ? PROT_READ :
	       PROT_NONE;
}

/* A clean shmctl with the contract's errnos for @cmd (@allow). */
static int shm_ctl(struct wk *w, int id, uint32_t cmd, uint64_t *value,
		   struct aixipc_shmid_ds *ds, unsigned int allow)
{
	struct aixipc_shmctl c;
	bool clean = w->clean;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = cmd;
	if (value)
		c.value = *value;
	w->clean = true;
	w->allow = allow;
	rc = fz_call(w, IOC_SHMCTL, &c);
	w->clean = clean;
	if (!rc && value)
		*value = c.value;
	if (!rc && ds)
		*ds = c.ds;
	return rc;
}

static int shm_stat(struct wk *w, int id, struct aixipc_shmid_ds *ds)
{
	return shm_ctl(w, id, AIXIPC_IPC_STAT, NULL, ds,
		       EM(EINVAL) | EM(EIDRM) | EM(EACCES));
}

static int rmid_shm(struct wk *w, int id)
{
	int rc = shm_ctl(w, id, AIXIPC_IPC_RMID, NULL, NULL,
			 EM(EINVAL) | EM(EIDRM) | EM(EPERM));

	if (!rc)
		pool_forget(AIXIPC_SHM, id);
	return rc;
}

/* A clean shmat; 0 or -errno, the mapping in *addr and *size. */
static int shm_attach(struct wk *w, int id, uint32_t flags, uint64_t *addr,
		      uint64_t *size, unsigned int allow)
{
	struct aixipc_shmat a;
	bool clean = w->clean;
	int rc;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.flags = flags;
	a.addr = *addr;
	w->clean = true;
	w->allow = allow;
	rc = fz_call(w, IOC_SHMAT, &a);
	w->clean = clean;
	if (!rc) {
		*addr = a.addr;
		*size = a.size;
	}
	return rc;
}

/* A clean shmdt; 0 or -errno, the bytes unmapped in *size. */
static int shm_detach(struct wk *w, uint64_t addr, uint64_t *size)
{
	struct aixipc_shmdt d;
	bool clean = w->clean;
	int rc;

	memset(&d, 0, sizeof(d));
	d.addr = addr;
	w->clean = true;
	w->allow = EM(EINVAL);
	rc = fz_call(w, IOC_SHMDT, &d);
	w->clean = clean;
	*size = rc ? 0 : d.size;
	return rc;
}

static unsigned int att_state(const struct att *a, uint64_t page)
{
	if (page < ATT_TRACK)
		return a->pst[page];
	return a->rdonly ? PS_R : PS_RW;
}

static uint64_t att_mapped(const struct att *a)
{
	uint64_t np = a->len / g_pg, p, n = 0;

	for (p = 0; p < np; p++)
		n += att_state(a, p) != PS_GONE;
	return n * g_pg;
}

static void att_add(struct wk *w, int id, uint64_t addr, uint64_t len,
		    bool rdonly)
{
	struct att *a = &w->atts[w->natt++];
	uint64_t p;

	a->addr = (uintptr_t)addr;
	a->len = len;
	a->id = id;
	a->rdonly = rdonly;
	for (p = 0; p < ATT_TRACK; p++)
		a->pst[p] = p < len / g_pg ? (rdonly ? PS_R : PS_RW) : PS_GONE;
}

static void att_forget(struct wk *w, int i)
{
	w->atts[i] = w->atts[--w->natt];
}

/*
 * Detach our attachment @i for good.  With its first page mapped, shmdt
 * must take exactly what is left of it.  Else the pieces left are
 * unmapped one by one: shmdt at its start would find nothing of it (the
 * model checks that: here another thread may have mapped something
 * there since).
 */
static void att_drop(struct wk *w, int i)
{
	struct att *a = &w->atts[i];
	uint64_t want = att_mapped(a), got, np = a->len / g_pg, p, q;
	int rc;

	if (a->pst[0] != PS_GONE) {
		rc = shm_detach(w, a->addr, &got);
		if (rc || got != want)
			fz_fail(w, "shmdt of our attachment at %#lx (segment %d, %llu bytes, %llu still mapped): %s, %llu bytes unmapped",
				(unsigned long)a->addr, a->id,
				(unsigned long long)a->len,
				(unsigned long long)want,
				rc ? strerror(-rc) : "ok",
				(unsigned long long)got);
	} else {
		for (p = 0; p < np; p = q) {
			if (att_state(a, p) == PS_GONE) {
				q = p + 1;
				continue;
			}
			for (q = p; q < np && att_state(a, q) != PS_GONE; q++)
				;
			if (munmap((void *)(uintptr_t)(a->addr + p * g_pg), (q - p) * g_pg))
				fz_fail(w, "munmap of our own pieces: %s",
					strerror(errno));
		}
	}
	att_forget(w, i);
}

static void att_drop_all(struct wk *w)
{
	while (w->natt)
		att_drop(w, w->natt - 1);
}

/* A segment to attach: a pool one, or a new small private one. */
static int any_segment(struct wk *w)
{
	struct aixipc_get g;
	bool clean = w->clean;
	int id, rc;

	id = pick_id(w, AIXIPC_SHM);
	if (id >= 0 && chance(w, 80))
		return id;
	memset(&g, 0, sizeof(g));
	g.kind = AIXIPC_SHM;
	g.key = AIXIPC_KEY_PRIVATE;
	g.flags = AIXIPC_CREAT;
	g.mode = chance(w, 80) ? 0666 : 0644;
	g.size = chance(w, 50) ? g_pg * (1 + rnd(w, 8)) : 1 + rnd(w, 8 * g_pg);
	w->clean = true;
	w->allow = EM(ENOSPC) | EM(ENOMEM);
	rc = fz_call(w, IOC_GET, &g);
	w->clean = clean;
	if (rc)
		return -1;
	pool_add(w, AIXIPC_SHM, g.id);
	return g.id;
}

/* Attach a segment where the kernel likes; into our table. */
static void att_new(struct wk *w)
{
	uint64_t addr = 0, size;
	bool rdonly = chance(w, 20);
	int id;

	if (w->natt >= ATT_MAX)
		att_drop(w, (int)rnd(w, w->natt));
	id = any_segment(w);
	if (id < 0)
		return;
	if (!shm_attach(w, id, rdonly ? AIXIPC_SHM_RDONLY : 0, &addr, &size,
			EM(EINVAL) | EM(EIDRM) | EM(EACCES) | EM(ENOMEM)))
		att_add(w, id, addr, size, rdonly);
}

/* Memory of ours that is certainly mapped and never an attachment. */
static uintptr_t own_mapped(struct wk *w, void *stack)
{
	switch (rnd(w, 6)) {
	case 0:
		return (uintptr_t)w->region + rnd(w, g_cap / g_pg) * g_pg;
	case 1:
		return (uintptr_t)w->argbuf;
	case 2:
		return (uintptr_t)w->ropage;
	case 3:
		return (uintptr_t)g_rosrc;
	case 4:
		return (uintptr_t)g_nonepage;
	default:
		return (uintptr_t)stack & ~(uintptr_t)(g_pg - 1);
	}
}

static void gen_shmat(struct wk *w)
{
	const uint32_t known = AIXIPC_SHM_RDONLY | AIXIPC_SHM_RND |
			       AIXIPC_SHM_REMAP;
	struct aixipc_shmat a;
	unsigned int r, allow = EM(EINVAL) | EM(EACCES) | EM(EIDRM) |
				EM(ENOMEM);
	uint64_t want = 0, where;
	bool never = false;	/* it may not succeed */
	int rc;

	if (w->natt >= ATT_MAX)
		att_drop(w, (int)rnd(w, w->natt));
	fill_random(w, &a, sizeof(a));	/* out fields must be ignored */
	a.id = pick_id(w, AIXIPC_SHM);
	r = (unsigned int)rnd(w, 100);
	a.flags = r < 62 ? 0 : r < 76 ? AIXIPC_SHM_RDONLY : r < 85 ?
		  AIXIPC_SHM_RND : r < 90 ? AIXIPC_SHM_RND | AIXIPC_SHM_RDONLY :
		  r < 95 ? AIXIPC_SHM_REMAP | (uint32_t)rnd(w, 2) :
		  (uint32_t)r64(w) | 0x8;
	if (a.flags & ~known) {
		/* Unknown bits: EINVAL whatever else is asked. */
		a.addr = chance(w, 50) ? 0 : r64(w);
		allow = EM(EINVAL);
	} else if (a.flags & AIXIPC_SHM_REMAP) {
		/*
		 * Replacing needs one thread: here only the forms that must
		 * fail before mapping anything (no address; unaligned).
		 */
		a.flags &= ~AIXIPC_SHM_RND;
		a.addr = chance(w, 50) ? 0 :
			 own_mapped(w, &a) + 1 + rnd(w, g_pg - 1);
		allow = EM(EINVAL);
	} else {
		bool rnd_flag = a.flags & AIXIPC_SHM_RND;

		r = (unsigned int)rnd(w, 100);
		if (r < 48) {
			a.addr = 0;
		} else if (r < 62) {		/* over our own memory */
			a.addr = own_mapped(w, &a);
			if (w->natt && chance(w, 30)) {
				struct att *o = &w->atts[rnd(w, w->natt)];

				if (o->pst[0] != PS_GONE)
					a.addr = o->addr;
			}
			if (rnd_flag && chance(w, 50))
				a.addr += 1 + rnd(w, g_pg - 1);
			never = true;
		} else if (r < 70) {		/* unaligned */
			a.addr = (chance(w, 50) ? own_mapped(w, &a) :
				  0x100000000000ULL + rnd(w, 1ULL << 32) * g_pg) +
				 1 + rnd(w, g_pg - 1);
			if (!rnd_flag)
				allow = EM(EINVAL);
		} else if (r < 74) {
			/*
			 * The lowest pages: what rounds to 0, and (for an
			 * unprivileged caller) what lies below mmap_min_addr.
			 * The fuzzer's bad pointers count on the low 128 KiB
			 * staying unmapped: nothing may succeed there.
			 */
			if (rnd_flag && chance(w, 60)) {
				a.addr = 1 + rnd(w, g_pg - 1);
				allow = EM(EINVAL);	/* rounds to 0 */
			} else if (g_unpriv && g_min_addr > g_pg) {
				a.addr = g_pg * (1 + rnd(w, g_min_addr / g_pg - 1));
				if (rnd_flag)
					a.addr += rnd(w, g_pg);
				never = true;
			} else {
				a.addr = 0;
			}
		} else if (r < 85) {		/* most likely free */
			a.addr = 0x100000000000ULL + rnd(w, 0x500000000000ULL / g_pg) * g_pg;
		} else if (r < 93) {		/* kernel, non-canonical, wrapping */
			static const uint64_t bad[] = {
				0xffff888000000000ULL, 0xffffffff81000000ULL,
				0x0000800000000000ULL, 0x8000000000000000ULL,
				0xfffffffffffff000ULL,
			};

			a.addr = bad[rnd(w, sizeof(bad) / sizeof(bad[0]))];
			never = true;
		} else {
			/*
			 * At or past the top of user space (TASK_SIZE): never
			 * fits.  (The page below must stay unmapped too: the
			 * fuzzer's bad pointers count on it.)
			 */
			a.addr = 0x7ffffffff000ULL + rnd(w, 16) * g_pg;
			never = true;
		}
		if (a.addr && !(allow == EM(EINVAL)))
			want = rnd_flag ? a.addr & ~(uint64_t)(g_pg - 1) : a.addr;
		/* mmap_min_addr: only CAP_SYS_RAWIO may map below it. */
		if (want && want < g_min_addr && g_unpriv)
			allow |= EM(EPERM);
	}
	where = a.addr;
	w->allow = allow;
	rc = fz_call(w, IOC_SHMAT, &a);
	if (rc || !w->env_ok)
		return;
	if (allow == EM(EINVAL) || never) {
		fz_fail(w, "shmat accepted flags %#x address %#llx (segment %d): mapped %llu bytes at %#llx",
			a.flags, (unsigned long long)where, a.id,
			(unsigned long long)a.size, (unsigned long long)a.addr);
		return;
	}
	if (!a.addr || a.addr % g_pg || !a.size || a.size % g_pg ||
	    a.size > pg_align(g_limits.shmmax) || (want && a.addr != want)) {
		fz_fail(w, "shmat(flags %#x, address %#llx) answered address %#llx size %llu",
			a.flags, (unsigned long long)where,
			(unsigned long long)a.addr, (unsigned long long)a.size);
		return;
	}
	att_add(w, a.id, a.addr, a.size, a.flags & AIXIPC_SHM_RDONLY);
}

static void gen_shmdt(struct wk *w)
{
	struct aixipc_shmdt d;
	unsigned int r = (unsigned int)rnd(w, 100);
	uint64_t want = 0;
	int i = -1, rc;

	fill_random(w, &d, sizeof(d));	/* size is out only */
	if (r < 45 && w->natt && w->atts[r % w->natt].pst[0] != PS_GONE) {
		i = (int)(r % w->natt);
		d.addr = w->atts[i].addr;
		want = att_mapped(&w->atts[i]);
	} else if (r < 60 && w->natt) {
		/* Inside one of ours, on a page still its own: not a start. */
		struct att *a = &w->atts[rnd(w, w->natt)];
		uint64_t np = a->len / g_pg, p = np > 1 ? 1 + rnd(w, np - 1) : 0;

		if (p && att_state(a, p) != PS_GONE && chance(w, 60))
			d.addr = a->addr + p * g_pg;
		else
			d.addr = a->addr + 1 + rnd(w, g_pg - 1);
	} else if (r < 85) {
		d.addr = own_mapped(w, &d);
	} else {
		static const uint64_t odd[] = {
			0, 1, 0xfff, 0xffff888000000000ULL, 0x0000800000000000ULL,
			0xfffffffffffff000ULL, UINT64_MAX,
		};

		d.addr = chance(w, 50) ? odd[rnd(w, sizeof(odd) / sizeof(odd[0]))] :
			 r64(w) | 1;
	}
	w->allow = EM(EINVAL);
	rc = fz_call(w, IOC_SHMDT, &d);
	if (!w->env_ok)
		return;
	if (i < 0) {
		if (rc != -EINVAL)
			fz_fail(w, "shmdt of %#llx, not where an attachment starts: %s",
				(unsigned long long)d.addr,
				rc ? strerror(-rc) : "success");
		return;
	}
	if (rc || d.size != want) {
		fz_fail(w, "shmdt of our attachment at %#llx (%llu bytes still mapped): %s, %llu bytes unmapped",
			(unsigned long long)d.addr, (unsigned long long)want,
			rc ? strerror(-rc) : "ok", (unsigned long long)d.size);
		return;
	}
	att_forget(w, i);
}

static uint64_t pick_resize(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 40)
		return 1 + rnd(w, 4 * g_pg);
	if (r < 65)
		return g_pg * (1 + rnd(w, 32)) + rnd(w, 3) - 1;
	if (r < 82)
		return 1 + rnd(w, 16 << 20);
	if (r < 86)
		return g_limits.shmmax;
	if (r < 88)
		return g_limits.shmmax + 1;
	if (r < 91)
		return 0;
	if (r < 93)
		return g_limits.shmmin - 1;
	return chance(w, 50) ? UINT64_MAX : 1ULL << 63;
}

static void gen_shmctl(struct wk *w)
{
	struct aixipc_shmctl c;
	unsigned int r = (unsigned int)rnd(w, 100), allow;
	bool bad = false;
	int rc;

	fill_random(w, &c, sizeof(c));
	c.id = pick_id(w, AIXIPC_SHM);
	if (r < 28) {
		c.cmd = AIXIPC_IPC_STAT;
		allow = EM(EINVAL) | EM(EIDRM) | EM(EACCES);
	} else if (r < 38) {
		struct aixipc_shmid_ds ds;

		c.cmd = AIXIPC_IPC_SET;
		if (chance(w, 70) && shm_stat(w, c.id, &ds) == 0)
			c.ds = ds;
		c.ds.perm.__reserved = chance(w, 97) ? 0 : (uint32_t)r64(w) | 1;
		c.ds.__reserved = chance(w, 97) ? 0 : (uint32_t)r64(w) | 1;
		c.ds.perm.uid = pick_ugid(w, c.ds.perm.uid);
		c.ds.perm.gid = pick_ugid(w, c.ds.perm.gid);
		r = (unsigned int)rnd(w, 100);
		c.ds.perm.mode = r < 25 ? c.ds.perm.mode : r < 50 ? 0600 :
				 r < 70 ? 0666 : r < 95 ? (uint32_t)rnd(w, 01000) :
				 (uint32_t)r64(w) | 01000;
		bad = c.ds.perm.__reserved || c.ds.__reserved ||
		      (c.ds.perm.mode & ~0777U) || c.ds.perm.uid == UINT32_MAX ||
		      c.ds.perm.gid == UINT32_MAX;
		/* ds.__reserved is refused before the id is looked at. */
		allow = c.ds.__reserved ? EM(EINVAL) :
			EM(EINVAL) | EM(EIDRM) | EM(EPERM);
	} else if (r < 44) {
		c.cmd = AIXIPC_IPC_RMID;
		allow = EM(EINVAL) | EM(EIDRM) | EM(EPERM);
	} else if (r < 62) {
		c.cmd = AIXIPC_SHM_SIZE;
		c.value = pick_resize(w);
		bad = c.value < g_limits.shmmin || c.value > g_limits.shmmax;
		/*
		 * The size is checked before the id.  Growing a locked
		 * segment locks the new size: EPERM/ENOMEM as SHM_LOCK.
		 */
		allow = bad ? EM(EINVAL) :
			EM(EINVAL) | EM(EIDRM) | EM(EPERM) | EM(ENOSPC) |
			EM(ENOMEM);
	} else if (r < 70) {
		c.cmd = AIXIPC_SHM_LOCK;
		allow = EM(EINVAL) | EM(EIDRM) | EM(EPERM) | EM(ENOMEM);
	} else if (r < 77) {
		c.cmd = AIXIPC_SHM_UNLOCK;
		allow = EM(EINVAL) | EM(EIDRM) | EM(EPERM);
	} else if (r < 83) {
		c.cmd = AIXIPC_SHM_PAGESIZE;
		c.value = chance(w, 70) ? g_pg : chance(w, 50) ? 2 << 20 :
			  r64(w);
		bad = c.value != g_pg;
		allow = EM(EINVAL) | EM(EIDRM) | EM(EPERM);
	} else if (r < 92) {
		c.cmd = AIXIPC_SHM_GETLBA;
		allow = EM(EINVAL) | EM(EIDRM) | EM(EACCES);
	} else {
		static const uint32_t odd[] = { 3, 4, 10, 13, 19, 25, 0xdead };

		c.cmd = chance(w, 70) ? odd[rnd(w, sizeof(odd) / sizeof(odd[0]))] :
			(uint32_t)r64(w) | 0x100;
		bad = true;
		allow = EM(EINVAL);
	}
	w->allow = allow;
	rc = fz_call(w, IOC_SHMCTL, &c);
	if (rc || !w->env_ok)
		return;
	if (bad) {
		fz_fail(w, "shmctl accepted cmd %u value %llu (mode %#o uid %u gid %u reserved %#x/%#x)",
			c.cmd, (unsigned long long)c.value, c.ds.perm.mode,
			c.ds.perm.uid, c.ds.perm.gid, c.ds.perm.__reserved,
			c.ds.__reserved);
		return;
	}
	switch (c.cmd) {
	case AIXIPC_IPC_RMID:
		pool_forget(AIXIPC_SHM, c.id);
		break;
	case AIXIPC_IPC_STAT:
		if (shm_ds_sane(w, &c.ds, "shmctl stat"))
			ADD(sh->checks, 1);
		break;
	case AIXIPC_SHM_GETLBA:
		if (c.value != g_pg)
			fz_fail(w, "SHM_GETLBA answered %llu, not the page size",
				(unsigned long long)c.value);
		break;
	}
}

static void gen_info(struct wk *w)
{
	struct aixipc_info in;
	uint64_t ids;
	bool bad;
	int rc;

	fill_random(w, &in, sizeof(in));	/* out fields must be ignored */
	in.kind = chance(w, 92) ? (uint32_t)rnd(w, AIXIPC_NR_KINDS) :
		  chance(w, 50) ? AIXIPC_NR_KINDS : (uint32_t)r64(w);
	in.flags = chance(w, 95) ? 0 : (uint32_t)r64(w) | 1;
	bad = in.kind >= AIXIPC_NR_KINDS || in.flags;
	w->allow = EM(EINVAL);
	rc = fz_call(w, IOC_INFO, &in);
	if (!w->env_ok)
		return;
	if (rc) {
		if (!bad)
			fz_fail(w, "info of kind %u failed: %s", in.kind,
				strerror(-rc));
		return;
	}
	if (bad) {
		fz_fail(w, "info accepted kind %u flags %#x", in.kind, in.flags);
		return;
	}
	ids = in.kind == AIXIPC_MSG ? g_limits.msgmni :
	      in.kind == AIXIPC_SEM ? g_limits.semmni : g_limits.shmmni;
	if (in.in_use > ids || (in.in_use == 0) != (in.max_slot == -1) ||
	    in.max_slot < -1 || in.max_slot >= (int64_t)MAX_SLOTS ||
	    (int64_t)in.in_use > in.max_slot + 1 ||
	    (in.kind == AIXIPC_MSG && !in.count && in.bytes) ||
	    (in.kind != AIXIPC_MSG && in.bytes) ||
	    (in.kind != AIXIPC_SHM && (in.rss || in.swapped)) ||
	    (in.kind == AIXIPC_SEM && (in.count < in.in_use ||
				       in.count > in.in_use * g_limits.semmsl)) ||
	    (in.kind == AIXIPC_SHM && (in.count < in.in_use ||
				       in.count > g_limits.shmall ||
				       (!in.in_use && (in.rss || in.swapped)))))
		fz_fail(w, "info of kind %u: in_use %llu max_slot %lld count %llu bytes %llu rss %llu swapped %llu",
			in.kind, (unsigned long long)in.in_use,
			(long long)in.max_slot, (unsigned long long)in.count,
			(unsigned long long)in.bytes, (unsigned long long)in.rss,
			(unsigned long long)in.swapped);
	else
		ADD(sh->checks, 1);
}

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
			w->ents[n].pages = 0;
			w->ents[n].rss = 0;
			w->ents[n].status = 0;
			w->ents[n].key = 0;
			if (kind == AIXIPC_SHM) {
				if (!shm_ds_sane(w, &e.shm, "listing"))
					return -EPROTO;
				w->ents[n].pages = pg_align(e.shm.segsz) / g_pg;
				w->ents[n].rss = e.shm.rss;
				w->ents[n].status = e.shm.status;
				w->ents[n].key = (uint32_t)e.shm.perm.key;
			}
			n++;
		}
	}
	return (long)n;
}

/*
 * Remove segments while there are too many, too many pages in memory, or
 * too much of shmall taken.  One removed but still attached lives on to
 * its last detach (and is not removed again); a model's are left alone.
 */
static void sweep_shm(struct wk *w, size_t max_objs, uint64_t max_rss,
		      uint64_t max_pages)
{
	uint64_t rss = 0, pages = 0;
	long n = list_all(w, AIXIPC_SHM, 1 + (uint32_t)rnd(w, 32)), i;

	for (i = 0; i < n; i++) {
		rss += w->ents[i].rss;
		pages += w->ents[i].pages;
	}
	for (i = 0; i < n; i++) {
		size_t left = (size_t)(n - i);
		bool big = w->ents[i].rss > max_rss / 8;

		/* A model's segment has a reserved key before it is iso. */
		if ((w->ents[i].status & AIXIPC_SHM_DEST) || is_iso(w->ents[i].id) ||
		    (w->ents[i].key & 0xff000000) == ISO_TYPE_BASE)
			continue;
		if (left <= max_objs / 2 && rss <= max_rss / 2 &&
		    pages <= max_pages / 2 && !big)
			continue;
		if (!big && left <= max_objs && rss <= max_rss &&
		    pages <= max_pages && chance(w, 50))
			continue;
		if (rmid_shm(w, w->ents[i].id) == 0) {
			ADD(sh->shm_swept, 1);
			rss -= w->ents[i].rss;
			pages -= w->ents[i].pages;
		}
	}
}

/* Remove queues while there are too many, or too much queued; segments too. */
static void sweep(struct wk *w, size_t max_objs, uint64_t max_bytes,
		  uint64_t max_msgs)
{
	uint64_t bytes = 0, msgs = 0;
	long n, i;

	sweep_shm(w, max_objs, max_bytes / 2 / g_pg, g_limits.shmall / 4);
	n = list_all(w, AIXIPC_MSG, 1 + (uint32_t)rnd(w, 32));
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
 * does not drive; any object of that kind left at the end fails the run.
 * With every process gone, no segment is attached: IPC_RMID must make
 * each one vanish at once (one still listed was left attached by nobody).
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
	{ AIXIPC_SHM, "shm", rmid_shm },
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
	/*
	 * Our threads' mappings are theirs: no SHM_REMAP (it would replace
	 * whatever is at a random address), no shmdt of a user address.
	 */
	if (nr == _IOC_NR(AIXIPC_IOC_SHMAT) && size > 4)
		p[4] = (char)(p[4] & ~AIXIPC_SHM_REMAP);
	if (nr == _IOC_NR(AIXIPC_IOC_SHMDT) && size > 7)
		p[7] = (char)(p[7] | 0x80);
	if (chance(w, 10))
		p = NULL;
	if (g_replay)
		out("# [%d.%d.%d #%" PRIu64 "] raw cmd=%#lx\n", w->proc, w->thread,
		    w->gen, w->ops, cmd);
	rc = ioctl(w->fd, cmd, p);
	e = rc < 0 ? errno : 0;
	ei = rc == 0 ? 0 : rc == -1 ? err_index(e) : NERR;
	if (ei >= NERR_COMMON && ei < NERR && (nr < 0x20 || nr > 0x2f))
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
	g_unpriv = true;
	ADD(sh->drops, 1);
}

static void alarm_handler(int sig)
{
	(void)sig;
}

/*
 * Children of the shm scenarios ask for SIGUSR2 when the thread that
 * forked them dies (its worker was SIGKILLed): they leave quietly, to be
 * reaped by the parent as orphans.
 */
static void orphan_handler(int sig)
{
	(void)sig;
	_exit(0);
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

/* ------------------------------------------------------------------ */
/* Shared memory scenarios. */

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* Touch our attachments: a byte read or written, somewhere in a page. */
static void scen_shm_touch(struct wk *w)
{
	int n = 1 + (int)rnd(w, 4), k;

	if (!w->natt || chance(w, 10))
		att_new(w);
	for (k = 0; k < n && w->natt && !w->failed; k++) {
		struct att *a = &w->atts[rnd(w, w->natt)];
		uint64_t np = a->len / g_pg, p;
		unsigned char v = (unsigned char)r64(w);
		unsigned int st;
		uintptr_t at;
		bool write;
		int sig;

		p = chance(w, 85) ? rnd(w, np < 32 ? np : 32) : rnd(w, np);
		st = att_state(a, p);
		if (st == PS_GONE)
			continue;	/* someone else's by now, perhaps */
		write = chance(w, st == PS_RW ? 50 : 15);
		at = a->addr + p * g_pg + rnd(w, g_pg);
		sig = probe(w, (volatile unsigned char *)at, write, &v);
		if (st == PS_NONE || (write && st != PS_RW)) {
			if (sig != SIGSEGV)
				fz_fail(w, "%s of %#lx (page %llu of an attachment of segment %d, protection %u): %s, not SIGSEGV",
					write ? "write" : "read", (unsigned long)at,
					(unsigned long long)p, a->id, st, signame(sig));
		} else if (sig && sig != SIGBUS) {
			fz_fail(w, "%s of %#lx (page %llu of an attachment of segment %d): %s",
				write ? "write" : "read", (unsigned long)at,
				(unsigned long long)p, a->id, signame(sig));
		}
	}
}

/*
 * Split, trim or try to move one of our attachments (its tracked pages):
 * mprotect, munmap, mremap growing (EFAULT), moving with DONTUNMAP
 * (EINVAL), shrinking in place.  syscall() is variadic: its lengths are
 * passed as size_t, since a uint64_t takes two argument slots on i386.
 */
static void scen_shm_pieces(struct wk *w)
{
	struct att *a;
	uint64_t np, p, q, k, len;
	unsigned int r;
	char *at;
	long rc;

	if (!w->natt)
		att_new(w);
	if (!w->natt)
		return;
	a = &w->atts[rnd(w, w->natt)];
	np = a->len / g_pg < ATT_TRACK ? a->len / g_pg : ATT_TRACK;
	p = rnd(w, np);
	if (a->pst[p] == PS_GONE)
		return;
	for (q = p + 1; q < np && a->pst[q] != PS_GONE && chance(w, 60); q++)
		;
	at = (char *)(uintptr_t)(a->addr + p * g_pg);
	len = (q - p) * g_pg;
	ADD(sh->pieces_ops, 1);
	r = (unsigned int)rnd(w, 100);
	if (r < 40) {
		unsigned int ps = PS_NONE + (unsigned int)rnd(w, 3);

		rc = mprotect(at, len, prot_of(ps)) ? -errno : 0;
		if (a->rdonly && ps == PS_RW) {
			if (rc != -EACCES)
				fz_fail(w, "mprotect(PROT_WRITE) of a read-only attachment: %s, not EACCES",
					rc ? strerror((int)-rc) : "success");
			return;
		}
		if (rc) {
			fz_fail(w, "mprotect of pages %llu..%llu of our attachment: %s",
				(unsigned long long)p, (unsigned long long)q - 1,
				strerror((int)-rc));
			return;
		}
		for (k = p; k < q; k++)
			a->pst[k] = (uint8_t)ps;
	} else if (r < 60) {
		/*
		 * Never the first page: with it gone, an attachment of the
		 * same segment that another thread makes where it was would
		 * take this one's pieces along at its shmdt (their offsets
		 * match its start: the rule of shmdt, Linux's too).
		 */
		if (!p)
			return;
		if (munmap(at, len)) {
			fz_fail(w, "munmap of pages of our attachment: %s",
				strerror(errno));
			return;
		}
		for (k = p; k < q; k++)
			a->pst[k] = PS_GONE;
	} else if (r < 70) {
		rc = syscall(SYS_mremap, at, (size_t)len, (size_t)(len + g_pg),
			     chance(w, 50) ? MREMAP_MAYMOVE : 0, 0);
		if (rc != -1 || errno != EFAULT)
			fz_fail(w, "mremap growing an attachment: %ld (%s), not EFAULT",
				rc, rc == -1 ? strerror(errno) : "success");
	} else if (r < 80) {
		rc = syscall(SYS_mremap, at, (size_t)len, (size_t)len,
			     MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
		if (rc != -1 || errno != EINVAL)
			fz_fail(w, "mremap(MREMAP_DONTUNMAP) of an attachment: %ld (%s), not EINVAL",
				rc, rc == -1 ? strerror(errno) : "success");
	} else if (q - p >= 2) {
		k = 1 + rnd(w, q - p - 1);
		rc = syscall(SYS_mremap, at, (size_t)len, (size_t)(k * g_pg), 0, 0);
		if (rc != (long)(uintptr_t)at) {
			fz_fail(w, "mremap shrinking an attachment in place: %ld (%s)",
				rc, rc == -1 ? strerror(errno) : "moved");
			return;
		}
		for (k += p; k < q; k++)
			a->pst[k] = PS_GONE;
	}
}

/*
 * A child attaches and touches segments, then exits or is SIGKILLed
 * (sometimes before it is done): exit takes its attachments away while
 * other processes attach, resize and remove the same segments.
 */
static void scen_shm_forkkill(struct wk *w)
{
	uint64_t cseed = r64(w);
	bool wait_ready = chance(w, 60);
	int ready[2], st, i, n;
	pid_t pid, parent = getpid();
	char c;

	if (w->in_child || pipe2(ready, O_CLOEXEC))
		return;
	pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		return;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGUSR2);
		if (getppid() != parent)
			_exit(0);
		close(ready[0]);
		w->in_child = true;
		w->nkids = 0;
		rng_seed(&w->r, cseed);
		n = 1 + (int)rnd(w, 3);
		for (i = 0; i < n && !w->failed; i++)
			att_new(w);
		scen_shm_touch(w);
		if (write(ready[1], "r", 1) != 1 || chance(w, 30))
			_exit(w->failed ? 1 : 0);	/* exit, attached */
		for (;;)
			pause();
	}
	ADD(sh->forks, 1);
	close(ready[1]);
	if (wait_ready)
		while (read(ready[0], &c, 1) < 0 && errno == EINTR)
			;
	kill_child(pid);
	ADD(sh->gchild_kills, 1);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		fz_fail(w, "attached child %d died of signal %d (%s)", (int)pid,
			WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st) && WEXITSTATUS(st) && !LOAD(sh->fail))
		fz_fail(w, "attached child %d exited with status %d", (int)pid,
			WEXITSTATUS(st));
}

/*
 * The model: in a single-threaded child, an arena of MD_PAGES pages
 * (reserved PROT_NONE, between MD_GUARD reserved pages each side) holds
 * attachments of up to MD_SEGS reserved segments, made with SHM_REMAP,
 * at free addresses, by mmap(2) of the device; split by mprotect, cut by
 * munmap, shmdt and mremap.  The model knows every mapping (the kernel's
 * VMAs: they never merge) and every byte of every segment, and predicts
 * each result: addresses, sizes, EINVAL/EACCES/EFAULT, what a touch does
 * (SIGSEGV for a protection or nothing there, SIGBUS past the size, else
 * the byte), and each segment's IPC_STAT after every step (size, nattch
 * = mappings here + a fork child's copies, lpid, DEST, LOCKED, key).
 * Removed segments must vanish with their last mapping, however it goes.
 */
#define MD_GUARD	16	/* reserved each side; > MD_SEGPG */
#define MD_PAGES	48	/* the arena */
#define MD_SEGPG	12	/* largest segment, pages */
#define MD_SEGS		3
#define MD_VMAS		64
#define MD_OUT		4

struct md_vma {
	int start, n;		/* arena pages */
	int seg, off;		/* the segment, and its page at start */
	int prot;		/* PS_NONE, PS_R, PS_RW */
	bool rdonly;		/* can never be made writable */
	int att;		/* which attach made it (pieces share it) */
};

struct md_out {			/* a whole attachment outside the arena */
	uintptr_t addr;
	int n, seg;
	bool rdonly;
};

struct md_seg {
	int id, iso;
	int32_t key;
	uint64_t size, map_max;	/* bytes */
	bool dest, gone, locked;
	pid_t lpid;
	unsigned char *data;	/* MD_SEGPG pages: what the segment holds */
};

struct md {
	struct wk *w;
	char *span, *base;	/* the reservation; arena page 0 */
	bool reserved[MD_PAGES];	/* without a vma: reserved, or a hole */
	struct md_vma v[MD_VMAS];
	int nv;
	struct md_out o[MD_OUT];
	int no;
	struct md_seg s[MD_SEGS];
	int ns;
	int gc_pieces[MD_SEGS];	/* copies held by a live fork child */
	int atts;		/* attaches made: the next md_vma.att */
	pid_t me;
	int step;
	const char *op;
};

__attribute__((format(printf, 2, 3)))
static void md_fail(struct md *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fz_fail(m->w, "shm model, step %d (%s): %s", m->step, m->op, buf);
}

static char *md_at(struct md *m, int page)
{
	return m->base + (size_t)page * g_pg;
}

static int md_npages(uint64_t size)
{
	return (int)(pg_align(size) / g_pg);
}

static int md_vma_at(struct md *m, int page)
{
	int i;

	for (i = 0; i < m->nv; i++)
		if (page >= m->v[i].start && page < m->v[i].start + m->v[i].n)
			return i;
	return -1;
}

static bool md_hole(struct md *m, int page)
{
	return md_vma_at(m, page) < 0 && !m->reserved[page];
}

static int md_pieces(struct md *m, int j)
{
	int i, n = 0;

	for (i = 0; i < m->nv; i++)
		n += m->v[i].seg == j;
	for (i = 0; i < m->no; i++)
		n += m->o[i].seg == j;
	return n;
}

/* A removed segment goes with its last mapping. */
static void md_settle(struct md *m)
{
	int j;

	for (j = 0; j < m->ns; j++)
		if (m->s[j].dest && !m->s[j].gone &&
		    !md_pieces(m, j) && !m->gc_pieces[j])
			m->s[j].gone = true;
}

/* The mappings of [a, b) are unmapped: what straddles an end is split. */
static void md_cut(struct md *m, int a, int b)
{
	struct md_vma nv[MD_VMAS];
	int i, n = 0, p;

	for (i = 0; i < m->nv; i++) {
		struct md_vma v = m->v[i], l, r;
		int s = v.start, e = v.start + v.n;

		if (e <= a || s >= b) {
			nv[n++] = v;
			continue;
		}
		m->s[v.seg].lpid = m->me;	/* close (and open of a split) */
		if (s < a) {
			l = v;
			l.n = a - s;
			nv[n++] = l;
		}
		if (e > b) {
			r = v;
			r.start = b;
			r.n = e - b;
			r.off = v.off + (b - s);
			nv[n++] = r;
		}
	}
	memcpy(m->v, nv, (size_t)n * sizeof(nv[0]));
	m->nv = n;
	for (p = a; p < b; p++)
		m->reserved[p] = false;
}

static void md_add(struct md *m, int a, int n, int j, int prot, bool rdonly)
{
	struct md_vma v = { a, n, j, 0, prot, rdonly, ++m->atts };

	md_cut(m, a, a + n);
	m->v[m->nv++] = v;
	m->s[j].lpid = m->me;
	if ((uint64_t)n * g_pg > m->s[j].map_max)
		m->s[j].map_max = (uint64_t)n * g_pg;
}

static void md_protect(struct md *m, int a, int b, int prot)
{
	struct md_vma nv[MD_VMAS];
	int i, n = 0;

	for (i = 0; i < m->nv; i++) {
		struct md_vma v = m->v[i], x;
		int s = v.start, e = v.start + v.n, lo, hi;

		if (e <= a || s >= b || v.prot == prot) {
			nv[n++] = v;
			continue;
		}
		lo = s > a ? s : a;
		hi = e < b ? e : b;
		if (s < lo) {
			x = v;
			x.n = lo - s;
			nv[n++] = x;
		}
		x = v;
		x.start = lo;
		x.n = hi - lo;
		x.off = v.off + (lo - s);
		x.prot = prot;
		nv[n++] = x;
		if (hi < e) {
			x = v;
			x.start = hi;
			x.n = e - hi;
			x.off = v.off + (hi - s);
			nv[n++] = x;
		}
		if (s < lo || hi < e)
			m->s[v.seg].lpid = m->me;	/* the split's open */
	}
	memcpy(m->v, nv, (size_t)n * sizeof(nv[0]));
	m->nv = n;
}

/*
 * Would unmapping [a, b) take the last mapping of a removed segment?  A
 * MAP_FIXED mapping made there would free it before the new mapping is
 * made on some kernels, after on others: not a case for a model.
 */
static bool md_kills_dest(struct md *m, int a, int b)
{
	int i, j;

	for (j = 0; j < m->ns; j++) {
		int left;

		if (!m->s[j].dest || m->s[j].gone)
			continue;
		left = m->gc_pieces[j];
		for (i = 0; i < m->no; i++)
			left += m->o[i].seg == j;
		for (i = 0; i < m->nv; i++)
			if (m->v[i].seg == j &&
			    (m->v[i].start < a || m->v[i].start + m->v[i].n > b))
				left++;
		if (!left)
			return true;
	}
	return false;
}

/* Reserve the holes again (nothing else is ever mapped in the arena). */
static void md_reserve(struct md *m)
{
	int p, q;

	for (p = 0; p < MD_PAGES; p = q) {
		if (!md_hole(m, p)) {
			q = p + 1;
			continue;
		}
		for (q = p; q < MD_PAGES && md_hole(m, q); q++)
			;
		if (mmap(md_at(m, p), (size_t)(q - p) * g_pg, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
			 -1, 0) == MAP_FAILED) {
			md_fail(m, "reserving pages %d..%d: %s", p, q - 1,
				strerror(errno));
			return;
		}
		for (; p < q; p++)
			m->reserved[p] = true;
	}
}

static void md_check(struct md *m)
{
	int j;

	for (j = 0; j < m->ns && !m->w->failed; j++) {
		struct md_seg *s = &m->s[j];
		struct aixipc_shmid_ds ds;
		uint64_t nattch = (uint64_t)md_pieces(m, j) + (uint64_t)m->gc_pieces[j];
		uint32_t status = (s->dest ? AIXIPC_SHM_DEST : 0) |
				  (s->locked ? AIXIPC_SHM_LOCKED : 0);
		int rc = shm_stat(m->w, s->id, &ds);

		if (s->gone) {
			if (rc != -EINVAL)
				md_fail(m, "segment %d (id %d) should be gone: stat %s, nattch %llu",
					j, s->id, rc ? strerror(-rc) : "works",
					rc ? 0ULL : (unsigned long long)ds.nattch);
			continue;
		}
		if (rc) {
			md_fail(m, "stat of segment %d (id %d): %s", j, s->id,
				strerror(-rc));
			continue;
		}
		if (ds.segsz != s->size || ds.nattch != nattch ||
		    ds.status != status || ds.perm.mode != 0600 ||
		    ds.perm.key != (s->dest ? AIXIPC_KEY_PRIVATE : s->key) ||
		    ds.cpid != m->me || ds.lpid != s->lpid)
			md_fail(m, "segment %d (id %d): segsz %llu nattch %llu status %#x key %#x mode %#o cpid %d lpid %d; want %llu %llu %#x %#x 0600 %d %d",
				j, s->id, (unsigned long long)ds.segsz,
				(unsigned long long)ds.nattch, ds.status,
				(unsigned int)ds.perm.key, ds.perm.mode, ds.cpid,
				ds.lpid, (unsigned long long)s->size,
				(unsigned long long)nattch, status,
				(unsigned int)(s->dest ? AIXIPC_KEY_PRIVATE : s->key),
				m->me, s->lpid);
	}
}

/* shmget; the id or -errno. */
static int md_get(struct md *m, int32_t key, uint64_t size, uint32_t flags,
		  unsigned int allow)
{
	struct aixipc_get g;
	int rc;

	memset(&g, 0, sizeof(g));
	g.kind = AIXIPC_SHM;
	g.key = key;
	g.flags = flags;
	g.mode = 0600;
	g.size = size;
	m->w->allow = allow;
	rc = fz_call(m->w, IOC_GET, &g);
	return rc ? rc : g.id;
}

static void md_create(struct md *m)
{
	struct md_seg *s = &m->s[m->ns];
	struct wk *w = m->w;
	int32_t key;
	uint64_t size;
	int id;

	if (m->ns >= MD_SEGS)
		return;
	key = (int32_t)(ISO_TYPE_BASE | ((uint32_t)m->me & 0x3fffff) << 2 |
			(uint32_t)m->ns);
	size = chance(w, 50) ? g_pg * (1 + rnd(w, MD_SEGPG)) :
	       1 + rnd(w, MD_SEGPG * g_pg);
	/* ENOSPC: others used shmall up; EEXIST: left by a killed model. */
	id = md_get(m, key, size, AIXIPC_CREAT | AIXIPC_EXCL,
		    EM(ENOSPC) | EM(ENOMEM) | EM(EEXIST));
	if (id < 0)
		return;
	s->iso = iso_take(id);
	if (s->iso < 0) {
		rmid_shm(w, id);
		return;
	}
	s->id = id;
	s->key = key;
	s->size = size;
	s->map_max = 0;
	s->dest = s->gone = s->locked = false;
	s->lpid = 0;
	memset(s->data, 0, MD_SEGPG * g_pg);
	m->ns++;
}

static int md_pick_seg(struct md *m, bool live_only)
{
	int t, j;

	for (t = 0; t < 8 && m->ns; t++) {
		j = (int)rnd(m->w, m->ns);
		if (!m->s[j].gone && (!live_only || !m->s[j].dest))
			return j;
	}
	return -1;
}

/* The expected outcome of touching arena page @page; the byte's place. */
static int md_expect(struct md *m, int page, bool write, int *seg,
		     uint64_t *pos)
{
	int i = md_vma_at(m, page);
	const struct md_vma *v;

	if (i < 0)
		return SIGSEGV;
	v = &m->v[i];
	if (v->prot == PS_NONE || (write && v->prot != PS_RW))
		return SIGSEGV;
	*seg = v->seg;
	*pos = (uint64_t)(v->off + page - v->start) * g_pg;
	if (*pos >= pg_align(m->s[v->seg].size))
		return SIGBUS;
	return 0;
}

static void md_touch_at(struct md *m, uintptr_t at, int want, int seg,
			uint64_t pos, bool write)
{
	unsigned char v = write ? (unsigned char)(1 + rnd(m->w, 255)) : 0;
	int got = probe(m->w, (volatile unsigned char *)at, write, &v);

	if (got != want) {
		md_fail(m, "%s of %#lx: %s, expected %s", write ? "write" : "read",
			(unsigned long)at, signame(got), signame(want));
		return;
	}
	if (got)
		return;
	if (write)
		m->s[seg].data[pos] = v;
	else if (v != m->s[seg].data[pos])
		md_fail(m, "read %#x at byte %llu of segment %d, expected %#x", v,
			(unsigned long long)pos, seg, m->s[seg].data[pos]);
}

static void md_touch(struct md *m)
{
	struct wk *w = m->w;
	uint64_t pos = 0, x = rnd(w, g_pg);
	int page, want, seg = 0;
	bool write;

	if (m->no && chance(w, 20)) {
		struct md_out *o = &m->o[rnd(w, m->no)];
		uint64_t k = rnd(w, (uint64_t)o->n);

		write = chance(w, o->rdonly ? 15 : 50);
		pos = k * g_pg + x;
		want = write && o->rdonly ? SIGSEGV :
		       k * g_pg >= pg_align(m->s[o->seg].size) ? SIGBUS : 0;
		md_touch_at(m, o->addr + pos, want, o->seg, pos, write);
		return;
	}
	page = (int)rnd(w, MD_PAGES);
	write = !md_hole(m, page) && chance(w, 50);	/* a hole: look only */
	want = md_expect(m, page, write, &seg, &pos);
	md_touch_at(m, (uintptr_t)md_at(m, page) + x, want, seg, pos + x, write);
}

/* shmat at a given arena page: with SHM_REMAP, or only into a hole. */
static void md_attach(struct md *m, bool remap)
{
	struct wk *w = m->w;
	bool rdonly = chance(w, 25), rnd_flag = chance(w, 30), ok;
	uint64_t addr, size = 0;
	uint32_t flags;
	int j = md_pick_seg(m, false), n, a, p, rc;

	if (j < 0)
		return;
	n = md_npages(m->s[j].size);
	a = (int)rnd(w, (uint64_t)(MD_PAGES - n + 1));
	if (remap && md_kills_dest(m, a, a + n))
		return;
	ok = remap;
	for (p = a; !remap && p < a + n && md_hole(m, p); p++)
		;
	if (!remap)
		ok = p == a + n;
	flags = (remap ? AIXIPC_SHM_REMAP : 0) |
		(rdonly ? AIXIPC_SHM_RDONLY : 0) | (rnd_flag ? AIXIPC_SHM_RND : 0);
	addr = (uintptr_t)md_at(m, a) + (rnd_flag ? 1 + rnd(w, g_pg - 1) : 0);
	rc = shm_attach(w, m->s[j].id, flags, &addr, &size, 0);
	if (!ok) {
		if (rc != -EINVAL)
			md_fail(m, "shmat without SHM_REMAP over mapped pages %d..%d: %s, not EINVAL",
				a, a + n - 1, rc ? strerror(-rc) : "success");
		return;
	}
	if (rc) {
		md_fail(m, "shmat (flags %#x) of segment %d at page %d: %s",
			flags, j, a, strerror(-rc));
		return;
	}
	if (addr != (uintptr_t)md_at(m, a) || size != (uint64_t)n * g_pg) {
		md_fail(m, "shmat (flags %#x) at page %d: mapped %llu bytes at %#llx, want %llu at %p",
			flags, a, (unsigned long long)size,
			(unsigned long long)addr, (unsigned long long)n * g_pg,
			(void *)md_at(m, a));
		return;
	}
	md_add(m, a, n, j, rdonly ? PS_R : PS_RW, rdonly);
	md_settle(m);
}

/* shmat where the kernel chooses: a hole of the arena, or elsewhere. */
static void md_attach_any(struct md *m)
{
	struct wk *w = m->w;
	bool rdonly = chance(w, 25);
	uint64_t addr = 0, size = 0, got;
	uintptr_t lo = (uintptr_t)m->span,
		  hi = lo + (size_t)(MD_PAGES + 2 * MD_GUARD) * g_pg;
	int j = md_pick_seg(m, false), n, a, p, rc;

	if (j < 0)
		return;
	n = md_npages(m->s[j].size);
	rc = shm_attach(w, m->s[j].id, rdonly ? AIXIPC_SHM_RDONLY : 0, &addr,
			&size, 0);
	if (rc || size != (uint64_t)n * g_pg) {
		md_fail(m, "shmat of segment %d: %s, %llu bytes", j,
			rc ? strerror(-rc) : "ok", (unsigned long long)size);
		return;
	}
	m->s[j].lpid = m->me;
	if (size > m->s[j].map_max)
		m->s[j].map_max = size;
	if (addr + size > lo && addr < hi) {
		a = p = -1;
		if (addr >= (uintptr_t)m->base &&
		    addr + size <= (uintptr_t)md_at(m, MD_PAGES)) {
			a = (int)(((uintptr_t)addr - (uintptr_t)m->base) / g_pg);
			for (p = a; p < a + n && md_hole(m, p); p++)
				;
		}
		if (a < 0 || p != a + n) {
			md_fail(m, "the kernel mapped segment %d at %#llx, over pages in use",
				j, (unsigned long long)addr);
			return;
		}
		md_add(m, a, n, j, rdonly ? PS_R : PS_RW, rdonly);
	} else if (m->no < MD_OUT) {
		struct md_out o = { (uintptr_t)addr, n, j, rdonly };

		m->o[m->no++] = o;
	} else if (shm_detach(w, addr, &got) || got != size) {
		md_fail(m, "shmdt of a fresh attachment: %llu bytes",
			(unsigned long long)got);
	}
}

/* mmap(2) of the device: into the arena, or (failing) anywhere. */
static void md_mmap(struct md *m)
{
	struct wk *w = m->w;
	int j = md_pick_seg(m, false), n, a, fd = w->fd, want, v;
	off_t off;
	size_t len;
	void *p;

	if (j < 0)
		return;
	off = (off_t)m->s[j].id * (off_t)g_pg;
	n = md_npages(m->s[j].size);
	if (chance(w, 60)) {
		bool wr = chance(w, 70);

		n = 1 + (int)rnd(w, (uint64_t)n);
		a = (int)rnd(w, (uint64_t)(MD_PAGES - n + 1));
		if (md_kills_dest(m, a, a + n))
			return;
		p = mmap(md_at(m, a), (size_t)n * g_pg,
			 PROT_READ | (wr ? PROT_WRITE : 0), MAP_SHARED | MAP_FIXED,
			 fd, off);
		if (p != md_at(m, a)) {
			md_fail(m, "mmap of segment %d (%d pages) at page %d: %s",
				j, n, a, p == MAP_FAILED ? strerror(errno) : "elsewhere");
			return;
		}
		md_add(m, a, n, j, wr ? PS_RW : PS_R, !wr);
		md_settle(m);
		return;
	}
	/* Must fail, changing nothing. */
	v = (int)rnd(w, 4);
	len = (size_t)n * g_pg;
	want = EINVAL;
	if (v == 0) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, off);
	} else if (v == 1) {
		p = mmap(NULL, len + g_pg, PROT_READ, MAP_SHARED, fd, off);
	} else {
		fd = open(AIXIPC_DEVICE, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			md_fail(m, "open %s read-only: %s", AIXIPC_DEVICE,
				strerror(errno));
			return;
		}
		p = mmap(NULL, len, PROT_READ | (v == 2 ? PROT_WRITE : 0),
			 MAP_SHARED, fd, off);
		want = EACCES;
	}
	if (p != MAP_FAILED) {
		munmap(p, len);
		md_fail(m, "mmap variant %d of segment %d succeeded", v, j);
	} else if (errno != want) {
		md_fail(m, "mmap variant %d of segment %d: %s, not %s", v, j,
			strerror(errno), strerror(want));
	}
	if (fd != w->fd)
		close(fd);
}

static void md_shmdt(struct md *m)
{
	struct wk *w = m->w;
	unsigned int r = (unsigned int)rnd(w, 100);
	uint64_t got, want = 0, addr;
	int i, j, p, cut[MD_VMAS], ncut = 0, rc;
	bool ok = false;

	if (r < 15 && m->no) {
		i = (int)rnd(w, m->no);
		rc = shm_detach(w, m->o[i].addr, &got);
		if (rc || got != (uint64_t)m->o[i].n * g_pg)
			md_fail(m, "shmdt of an attachment at %#lx: %s, %llu bytes",
				(unsigned long)m->o[i].addr,
				rc ? strerror(-rc) : "ok", (unsigned long long)got);
		m->s[m->o[i].seg].lpid = m->me;
		m->o[i] = m->o[--m->no];
		md_settle(m);
		return;
	}
	p = (int)rnd(w, MD_PAGES);
	if (r < 70 && m->nv) {
		/* Where a mapping starts: with offset 0 (mostly), or not. */
		int t;

		for (t = 0; t < 8; t++) {
			i = (int)rnd(w, m->nv);
			p = m->v[i].start;
			if ((m->v[i].off == 0) == (r < 55))
				break;
		}
	}
	addr = (uintptr_t)md_at(m, p) + (r >= 85 ? 1 + rnd(w, g_pg - 1) : 0);
	i = md_vma_at(m, p);
	if (r < 85 && i >= 0 && m->v[i].start == p && m->v[i].off == 0) {
		int span, att = m->v[i].att;

		/*
		 * The pieces of that one attach (as Linux, by its file): not
		 * another attach of the segment that happens to line up.
		 */
		ok = true;
		j = m->v[i].seg;
		span = (int)(m->s[j].map_max / g_pg);
		for (i = 0; i < m->nv; i++)
			if (m->v[i].att == att && m->v[i].start >= p &&
			    m->v[i].start < p + span &&
			    m->v[i].off == m->v[i].start - p) {
				cut[ncut++] = i;
				want += (uint64_t)m->v[i].n * g_pg;
			}
	}
	rc = shm_detach(w, addr, &got);
	if (!ok) {
		if (rc != -EINVAL)
			md_fail(m, "shmdt at %#llx (page %d, not an attachment's start): %s, not EINVAL",
				(unsigned long long)addr, p,
				rc ? strerror(-rc) : "success");
		return;
	}
	if (rc || got != want) {
		md_fail(m, "shmdt at page %d: %s, %llu bytes unmapped, want %llu",
			p, rc ? strerror(-rc) : "ok", (unsigned long long)got,
			(unsigned long long)want);
		return;
	}
	/* Highest first: each cut keeps the indexes below it. */
	while (ncut--) {
		struct md_vma v = m->v[cut[ncut]];

		md_cut(m, v.start, v.start + v.n);
	}
	if (chance(w, 50))
		md_reserve(m);
	md_settle(m);
}

static void md_munmap(struct md *m)
{
	struct wk *w = m->w;
	int a = (int)rnd(w, MD_PAGES), b = a + 1 + (int)rnd(w, 8);

	if (b > MD_PAGES)
		b = MD_PAGES;
	if (munmap(md_at(m, a), (size_t)(b - a) * g_pg)) {
		md_fail(m, "munmap of pages %d..%d: %s", a, b - 1, strerror(errno));
		return;
	}
	md_cut(m, a, b);
	if (chance(w, 50))
		md_reserve(m);
	md_settle(m);
}

static void md_mprotect(struct md *m)
{
	struct wk *w = m->w;
	struct md_vma v;
	int a, b, prot, rc;

	if (!m->nv)
		return;
	v = m->v[rnd(w, m->nv)];
	a = v.start + (int)rnd(w, (uint64_t)v.n);
	b = a + 1 + (int)rnd(w, (uint64_t)(v.start + v.n - a));
	prot = PS_NONE + (int)rnd(w, 3);
	rc = mprotect(md_at(m, a), (size_t)(b - a) * g_pg,
		      prot_of((unsigned int)prot)) ? -errno : 0;
	if (v.rdonly && prot == PS_RW) {
		if (rc != -EACCES)
			md_fail(m, "mprotect(PROT_WRITE) of a read-only attachment: %s, not EACCES",
				rc ? strerror(-rc) : "success");
		return;
	}
	if (rc) {
		md_fail(m, "mprotect of pages %d..%d: %s", a, b - 1,
			strerror(-rc));
		return;
	}
	md_protect(m, a, b, prot);
}

static void md_resize(struct md *m)
{
	struct wk *w = m->w;
	int j = md_pick_seg(m, false), rc;
	uint64_t size, old;
	unsigned int r = (unsigned int)rnd(w, 100);

	if (j < 0)
		return;
	old = m->s[j].size;
	size = r < 40 ? g_pg * (1 + rnd(w, MD_SEGPG)) :
	       r < 80 ? 1 + rnd(w, MD_SEGPG * g_pg) :
	       old > 2 && old < MD_SEGPG * g_pg - 2 ? old + rnd(w, 5) - 2 : old;
	rc = shm_ctl(w, m->s[j].id, AIXIPC_SHM_SIZE, &size, NULL,
		     EM(ENOSPC) | (m->s[j].locked ? EM(ENOMEM) : 0));
	if (rc == -ENOSPC && md_npages(size) > md_npages(old))
		return;		/* others used shmall up */
	/*
	 * Growing a locked segment locks the new size: unprivileged, the
	 * uid's locked total (other processes' locks count too) must fit
	 * RLIMIT_MEMLOCK.
	 */
	if (rc == -ENOMEM && m->s[j].locked && g_unpriv &&
	    md_npages(size) > md_npages(old))
		return;
	if (rc) {
		md_fail(m, "SHM_SIZE of segment %d from %llu to %llu: %s", j,
			(unsigned long long)old, (unsigned long long)size,
			strerror(-rc));
		return;
	}
	if (size < old)
		memset(m->s[j].data + size, 0, MD_SEGPG * g_pg - size);
	m->s[j].size = size;
}

static void md_rmid(struct md *m)
{
	int j = md_pick_seg(m, true), rc;

	if (j < 0)
		return;
	rc = rmid_shm(m->w, m->s[j].id);
	if (rc) {
		md_fail(m, "IPC_RMID of segment %d: %s", j, strerror(-rc));
		return;
	}
	m->s[j].dest = true;
	md_settle(m);
	/* The key finds nothing any more. */
	rc = md_get(m, m->s[j].key, 0, 0, EM(ENOENT));
	if (rc != -ENOENT)
		md_fail(m, "shmget of a removed segment's key: %s, not ENOENT",
			rc < 0 ? strerror(-rc) : "found");
}

static void md_lock(struct md *m)
{
	struct wk *w = m->w;
	bool lock = chance(w, 60);
	int j = md_pick_seg(m, false), want = 0, rc;
	struct rlimit rl;

	if (j < 0)
		return;
	if (g_unpriv && lock && !getrlimit(RLIMIT_MEMLOCK, &rl)) {
		if (!rl.rlim_cur)
			want = -EPERM;
		else if (rl.rlim_cur != RLIM_INFINITY &&
			 pg_align(m->s[j].size) > rl.rlim_cur)
			want = -ENOMEM;
	}
	rc = shm_ctl(w, m->s[j].id, lock ? AIXIPC_SHM_LOCK : AIXIPC_SHM_UNLOCK,
		     NULL, NULL, EM(EPERM) | EM(ENOMEM));
	/*
	 * RLIMIT_MEMLOCK bounds what the uid locks in all, and other
	 * workers that dropped to the same uid may hold locked segments:
	 * ENOMEM is then right even for a segment that fits alone
	 * (limits_test checks the uid's total exactly).
	 */
	if (g_unpriv && lock && rc == -ENOMEM && !want)
		want = -ENOMEM;
	if (rc != want)
		md_fail(m, "SHM_%sLOCK of segment %d: %s, want %s",
			lock ? "" : "UN", j, rc ? strerror(-rc) : "ok",
			want ? strerror(-want) : "ok");
	else if (!rc)
		m->s[j].locked = lock;
}

/*
 * A fork child holds copies of every mapping (nattch counts them) and
 * touches a page; meanwhile the parent may let go of all its mappings of
 * a segment; then the child is SIGKILLed or exits.
 */
static void md_fork(struct md *m)
{
	struct wk *w = m->w;
	int ready[2], rel[2], j, st, want, seg = 0, page, i;
	uint64_t pos = 0, x = rnd(w, g_pg);
	unsigned char v = (unsigned char)(1 + rnd(w, 255)), buf[2];
	bool wr, kill_it = chance(w, 60);
	pid_t pid;
	ssize_t n;

	page = (int)rnd(w, MD_PAGES);
	wr = md_vma_at(m, page) >= 0 && chance(w, 50);
	want = md_expect(m, page, wr, &seg, &pos);
	pos += x;
	if (pipe2(ready, O_CLOEXEC))
		return;
	if (pipe2(rel, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return;
	}
	for (j = 0; j < m->ns; j++) {
		m->gc_pieces[j] = m->s[j].gone ? 0 : md_pieces(m, j);
		if (m->gc_pieces[j])
			m->s[j].lpid = m->me;	/* fork opens in the parent */
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		md_fail(m, "fork: %s", strerror(errno));
		memset(m->gc_pieces, 0, sizeof(m->gc_pieces));
		close(ready[0]);
		close(ready[1]);
		close(rel[0]);
		close(rel[1]);
		return;
	}
	if (pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGUSR2);
		if (getppid() != m->me)
			_exit(0);
		close(ready[0]);
		close(rel[1]);
		buf[0] = (unsigned char)probe(w, (volatile unsigned char *)
					      (md_at(m, page) + x), wr, &v);
		buf[1] = v;
		/*
		 * EPIPE: the model process is gone (killed with its worker
		 * by the fuzzer) before our SIGUSR2 came; not a failure.
		 */
		if (write(ready[1], buf, 2) != 2)
			_exit(errno == EPIPE ? 0 : 1);
		for (;;) {
			ssize_t got = read(rel[0], &c, 1);

			if (got > 0 || (got < 0 && errno == EINTR))
				continue;
			break;
		}
		_exit(0);
	}
	close(ready[1]);
	close(rel[0]);
	while ((n = read(ready[0], buf, 2)) < 0 && errno == EINTR)
		;
	if (n != 2)
		md_fail(m, "the fork child said nothing");
	else if (buf[0] != want)
		md_fail(m, "the fork child's %s of page %d: %s, expected %s",
			wr ? "write" : "read", page, signame(buf[0]),
			signame(want));
	else if (!want && wr)
		m->s[seg].data[pos] = v;
	else if (!want && buf[1] != m->s[seg].data[pos])
		md_fail(m, "the fork child read %#x at byte %llu of segment %d, expected %#x",
			buf[1], (unsigned long long)pos, seg, m->s[seg].data[pos]);
	md_check(m);
	if (chance(w, 40)) {
		/* Let go of one segment here: the child's copies keep it. */
		j = md_pick_seg(m, false);
		for (i = m->nv - 1; j >= 0 && i >= 0; i--)
			if (m->v[i].seg == j) {
				struct md_vma vv = m->v[i];

				if (munmap(md_at(m, vv.start), (size_t)vv.n * g_pg))
					md_fail(m, "munmap: %s", strerror(errno));
				md_cut(m, vv.start, vv.start + vv.n);
				i = m->nv;	/* the list changed */
			}
		for (i = m->no - 1; j >= 0 && i >= 0; i--)
			if (m->o[i].seg == j) {
				uint64_t got;

				if (shm_detach(w, m->o[i].addr, &got))
					md_fail(m, "shmdt of an attachment while a child holds it");
				m->s[j].lpid = m->me;
				m->o[i] = m->o[--m->no];
			}
		md_settle(m);
		md_check(m);
	}
	if (kill_it) {
		kill_child(pid);
		ADD(sh->gchild_kills, 1);
	}
	close(rel[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (kill_it ? !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) &&
		      !(WIFEXITED(st) && !WEXITSTATUS(st)) :
		      !(WIFEXITED(st) && !WEXITSTATUS(st)))
		md_fail(m, "the fork child ended with status %#x", st);
	for (j = 0; j < m->ns; j++) {
		if (m->gc_pieces[j])
			m->s[j].lpid = pid;	/* its exit closed them */
		m->gc_pieces[j] = 0;
	}
	md_settle(m);
}

static void md_mremap(struct md *m)
{
	struct wk *w = m->w;
	unsigned int r = (unsigned int)rnd(w, 100);
	struct md_vma v;
	size_t len;
	char *at;
	long rc;
	int t, k, tries, p;

	if (!m->nv)
		return;
	v = m->v[rnd(w, m->nv)];
	at = md_at(m, v.start);
	len = (size_t)v.n * g_pg;
	if (r < 30) {
		rc = syscall(SYS_mremap, at, len, len + g_pg,
			     chance(w, 50) ? MREMAP_MAYMOVE : 0, 0);
		if (rc != -1 || errno != EFAULT)
			md_fail(m, "mremap growing a mapping: %ld (%s), not EFAULT",
				rc, rc == -1 ? strerror(errno) : "success");
	} else if (r < 50) {
		rc = syscall(SYS_mremap, at, len, len,
			     MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
		if (rc != -1 || errno != EINVAL)
			md_fail(m, "mremap(MREMAP_DONTUNMAP): %ld (%s), not EINVAL",
				rc, rc == -1 ? strerror(errno) : "success");
	} else if (r < 80) {
		/* Moving fails and leaves it; the target (unmapped first) is a hole. */
		for (tries = 0; tries < 8; tries++) {
			t = (int)rnd(w, (uint64_t)(MD_PAGES - v.n + 1));
			if (t + v.n <= v.start || t >= v.start + v.n) {
				for (p = t; p < t + v.n && md_vma_at(m, p) < 0; p++)
					;
				if (p == t + v.n)
					break;
			}
		}
		if (tries == 8)
			return;
		rc = syscall(SYS_mremap, at, len, len,
			     MREMAP_MAYMOVE | MREMAP_FIXED, md_at(m, t));
		if (rc != -1 || errno != EINVAL) {
			md_fail(m, "mremap moving a mapping to page %d: %ld (%s), not EINVAL",
				t, rc, rc == -1 ? strerror(errno) : "moved");
			return;
		}
		md_cut(m, t, t + v.n);
		m->s[v.seg].lpid = m->me;	/* the copy's open and close */
		if (chance(w, 50))
			md_reserve(m);
	} else if (v.n >= 2) {
		k = 1 + (int)rnd(w, (uint64_t)v.n - 1);
		rc = syscall(SYS_mremap, at, len, (size_t)k * g_pg, 0, 0);
		if (rc != (long)(uintptr_t)at) {
			md_fail(m, "mremap shrinking a mapping: %ld (%s)", rc,
				rc == -1 ? strerror(errno) : "moved");
			return;
		}
		md_cut(m, v.start + k, v.start + v.n);
		md_settle(m);
	}
}

static void md_keys(struct md *m)
{
	struct md_seg *s;
	int rc;

	if (!m->ns)
		return;
	s = &m->s[rnd(m->w, m->ns)];
	if (!s->dest && !s->gone) {
		if ((rc = md_get(m, s->key, 0, 0, 0)) != s->id ||
		    (rc = md_get(m, s->key, s->size, 0, 0)) != s->id ||
		    (rc = md_get(m, s->key, s->size + 1, 0, EM(EINVAL))) != -EINVAL ||
		    (rc = md_get(m, s->key, 1, AIXIPC_CREAT | AIXIPC_EXCL,
				 EM(EEXIST))) != -EEXIST)
			md_fail(m, "shmget of key %#x (id %d, %llu bytes): %d",
				(unsigned int)s->key, s->id,
				(unsigned long long)s->size, rc);
		return;
	}
	rc = md_get(m, s->key, 0, 0, EM(ENOENT));
	if (rc != -ENOENT) {
		md_fail(m, "shmget of a removed segment's key: %d, not ENOENT", rc);
		return;
	}
	/* The key makes a new segment now. */
	rc = md_get(m, s->key, 1, AIXIPC_CREAT, EM(ENOSPC) | EM(ENOMEM));
	if (rc == -ENOSPC || rc == -ENOMEM)
		return;
	if (rc < 0 || rc == s->id)
		md_fail(m, "shmget(CREAT) of a removed segment's key: %d (old id %d)",
			rc, s->id);
	else if ((rc = rmid_shm(m->w, rc)))
		md_fail(m, "IPC_RMID of the new segment: %s", strerror(-rc));
}

/* /proc/self/maps names a mapping "/SYSV<key> (deleted)", as Linux does. */
static void md_maps(struct md *m)
{
	char buf[8192], line[512], want[64], perms[8];
	unsigned long lo, hi, off, start, end;
	size_t used = 0;
	struct md_vma v;
	bool found = false;
	ssize_t n;
	int fd, pos = 0;

	if (!m->nv)
		return;
	v = m->v[rnd(m->w, m->nv)];
	start = (unsigned long)(uintptr_t)md_at(m, v.start);
	end = start + (unsigned long)v.n * g_pg;
	snprintf(want, sizeof(want), "/SYSV%08x (deleted)",
		 (unsigned int)m->s[v.seg].key);
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (!found && (n = read(fd, buf + used, sizeof(buf) - used - 1)) > 0) {
		char *p = buf, *nl;

		used += (size_t)n;
		buf[used] = 0;
		while ((nl = strchr(p, '\n'))) {
			size_t len = (size_t)(nl - p);

			if (len >= sizeof(line))
				len = sizeof(line) - 1;
			memcpy(line, p, len);
			line[len] = 0;
			p = nl + 1;
			if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &lo, &hi,
				   perms, &off, &pos) < 4 || lo != start)
				continue;
			found = true;
			if (hi != end || off != (unsigned long)v.off * g_pg ||
			    strcmp(perms, v.prot == PS_RW ? "rw-s" :
				   v.prot == PS_R ? "r--s" : "---s") ||
			    strcmp(line + pos, want))
				md_fail(m, "/proc/self/maps: \"%s\", want %lx-%lx offset %lx name %s",
					line, start, end,
					(unsigned long)v.off * g_pg, want);
			break;
		}
		used = strlen(p);
		memmove(buf, p, used);
	}
	close(fd);
	if (!found)
		md_fail(m, "/proc/self/maps has no mapping at %lx", start);
}

static void md_teardown(struct md *m)
{
	size_t span = (size_t)(MD_PAGES + 2 * MD_GUARD) * g_pg;
	uint64_t got;
	int j, i, rc;

	for (j = 0; j < m->ns; j++) {
		if (m->s[j].gone || m->s[j].dest)
			continue;
		rc = rmid_shm(m->w, m->s[j].id);
		if (rc)
			md_fail(m, "IPC_RMID of segment %d: %s", j, strerror(-rc));
		m->s[j].dest = true;
	}
	md_settle(m);
	md_check(m);
	/* Each goes with its last mapping. */
	if (munmap(m->span, span))
		md_fail(m, "munmap of the arena: %s", strerror(errno));
	md_cut(m, 0, MD_PAGES);
	for (i = 0; i < m->no; i++) {
		rc = shm_detach(m->w, m->o[i].addr, &got);
		if (rc || got != (uint64_t)m->o[i].n * g_pg)
			md_fail(m, "shmdt at teardown: %s", rc ? strerror(-rc) : "size");
		m->s[m->o[i].seg].lpid = m->me;
	}
	m->no = 0;
	md_settle(m);
	md_check(m);
	for (j = 0; j < m->ns; j++)
		iso_drop(m->s[j].iso);
}

static void md_run(struct wk *w)
{
	size_t span = (size_t)(MD_PAGES + 2 * MD_GUARD) * g_pg;
	unsigned char *data;
	struct md m;
	int steps, j;
	bool clean = w->clean;

	memset(&m, 0, sizeof(m));
	m.w = w;
	m.me = getpid();
	m.op = "setup";
	m.span = mmap(NULL, span, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	data = mmap(NULL, MD_SEGS * MD_SEGPG * g_pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m.span == MAP_FAILED || data == MAP_FAILED)
		return;
	m.base = m.span + MD_GUARD * g_pg;
	for (j = 0; j < MD_PAGES; j++)
		m.reserved[j] = true;
	for (j = 0; j < MD_SEGS; j++) {
		m.s[j].data = data + (size_t)j * MD_SEGPG * g_pg;
		m.s[j].iso = -1;
	}
	w->clean = true;
	md_create(&m);
	if (chance(w, 60))
		md_create(&m);
	steps = 12 + (int)rnd(w, 28);
	for (m.step = 1; m.step <= steps && m.ns && !w->failed && !stopping();
	     m.step++) {
		unsigned int r = (unsigned int)rnd(w, 100);

		if (r < 5) {
			m.op = "create";
			md_create(&m);
		} else if (r < 17) {
			m.op = "shmat with SHM_REMAP";
			md_attach(&m, true);
		} else if (r < 22) {
			m.op = "shmat at an address";
			md_attach(&m, false);
		} else if (r < 27) {
			m.op = "shmat anywhere";
			md_attach_any(&m);
		} else if (r < 32) {
			m.op = "mmap";
			md_mmap(&m);
		} else if (r < 41) {
			m.op = "shmdt";
			md_shmdt(&m);
		} else if (r < 47) {
			m.op = "munmap";
			md_munmap(&m);
		} else if (r < 54) {
			m.op = "mprotect";
			md_mprotect(&m);
		} else if (r < 69) {
			int k, nt = 1 + (int)rnd(w, 6);

			m.op = "touch";
			for (k = 0; k < nt && !w->failed; k++)
				md_touch(&m);
		} else if (r < 76) {
			m.op = "SHM_SIZE";
			md_resize(&m);
		} else if (r < 79) {
			m.op = "IPC_RMID";
			md_rmid(&m);
		} else if (r < 82) {
			m.op = "SHM_LOCK";
			md_lock(&m);
		} else if (r < 86) {
			m.op = "fork";
			md_fork(&m);
		} else if (r < 91) {
			m.op = "mremap";
			md_mremap(&m);
		} else if (r < 94) {
			m.op = "keys";
			md_keys(&m);
		} else if (r < 97) {
			m.op = "reserve";
			md_reserve(&m);
		} else {
			m.op = "maps";
			md_maps(&m);
		}
		md_check(&m);
		ADD(sh->model_steps, 1);
	}
	m.op = "teardown";
	md_teardown(&m);
	w->clean = clean;
	munmap(data, MD_SEGS * MD_SEGPG * g_pg);
}

static void scen_shm_model(struct wk *w)
{
	uint64_t cseed = r64(w);
	pid_t pid, parent = getpid();
	int st;

	if (w->in_child)
		return;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGUSR2);
		if (getppid() != parent)
			_exit(0);
		w->in_child = true;
		w->nkids = 0;
		rng_seed(&w->r, cseed);
		md_run(w);
		_exit(w->failed ? 1 : 0);
	}
	ADD(sh->forks, 1);
	ADD(sh->models, 1);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		fz_fail(w, "shm model child %d died of signal %d (%s)", (int)pid,
			WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st) && !LOAD(sh->fail))
		fz_fail(w, "shm model child %d exited with status %d", (int)pid,
			WEXITSTATUS(st));
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
	{ "shm-touch", 12, scen_shm_touch },
	{ "shm-pieces", 6, scen_shm_pieces },
	{ "shm-forkkill", 2, scen_shm_forkkill },
	{ "shm-model", 2, scen_shm_model },
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
		if (!w->in_child || (scens[i].run != scen_fork &&
				     scens[i].run != scen_shm_forkkill &&
				     scens[i].run != scen_shm_model)) {
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
	att_drop_all(w);
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
	sa.sa_handler = orphan_handler;
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
	install_fault_handler();
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
		bool ours = k >= 0 ? kids[k].killed : killed_by_scenario(pid);

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
	/* And the totals agree: nothing counted, nothing charged. */
	for (k = 0; k < AIXIPC_NR_KINDS; k++) {
		struct aixipc_info in;

		memset(&in, 0, sizeof(in));
		in.kind = k;
		if (ioctl(pw->fd, AIXIPC_IOC_INFO, &in)) {
			fz_fail(NULL, "cleanup: info of kind %u: %s", k,
				strerror(errno));
			continue;
		}
		if (in.in_use || in.max_slot != -1 || in.count || in.bytes ||
		    in.rss || in.swapped)
			fz_fail(NULL, "cleanup: with every object removed, info of kind %u says in_use %llu max_slot %lld count %llu bytes %llu rss %llu swapped %llu",
				k, (unsigned long long)in.in_use,
				(long long)in.max_slot, (unsigned long long)in.count,
				(unsigned long long)in.bytes,
				(unsigned long long)in.rss,
				(unsigned long long)in.swapped);
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
	out("# shm: touches ok=%" PRIu64 " SIGBUS=%" PRIu64 " SIGSEGV=%" PRIu64
	    " pieces-ops=%" PRIu64 " models=%" PRIu64 " model-steps=%" PRIu64
	    " children-killed=%" PRIu64 " segments-swept=%" PRIu64 "\n",
	    sh->touch_ok, sh->touch_bus, sh->touch_segv, sh->pieces_ops,
	    sh->models, sh->model_steps, sh->gchild_kills, sh->shm_swept);
	out("# forks=%" PRIu64 " privilege-drops=%" PRIu64 " blocking-calls=%" PRIu64
	    " eintr=%" PRIu64 " checks-passed=%" PRIu64 " sweeps=%" PRIu64
	    " swept=%" PRIu64 " respawned=%u kills=%u stops=%u\n",
	    sh->forks, sh->drops, sh->blocking, sh->eintr, sh->checks,
	    sh->sweeps, sh->swept, n_respawn, n_kills, n_stops);
}

/* ------------------------------------------------------------------ */
/*
 * Coverage-guided mode (--corpus DIR, --kcov, --reproduce FILE).
 *
 * A program (selftests/fuzz/corpus.h) is a list of ops; executing an op
 * re-seeds the thread's PRNG from the op's seed and runs one primitive:
 * a generator above (the ioctl vocabulary), a scenario, or one of the
 * sequence primitives below (stalled copies, id recycling, operations on
 * attachments, fork/exec/SIGKILL, signals, uid changes).  The manager
 * (the main process) runs each program in a fresh executor process from
 * an empty registry, with KCOV enabled on every executor thread; a
 * program that reaches an edge never seen joins the corpus.  New programs
 * are mutations of corpus programs, or random ones.
 */

#define NKCOV		4	/* executor main thread, 2 stall threads, sub */
#define KC_MAIN		0
#define KC_SUB		3
#define NSTALL		2
#define NVIEW		8
#define EXEC_SECS	30	/* an executor's time bound (2048 shmgets take 15 s on TCG) */

static struct kcov g_kc[NKCOV];
static bool g_kcov;		/* coverage available */
static int g_kc_main = -1;	/* the buffer of this executor's main thread */
static const char *g_corpus;	/* directory, or NULL */
static const char *g_outdir;	/* current program, crashes; or NULL */
static char g_self32[4096];	/* the 32-bit executor, if built */
static int g_msgfd = -1;	/* a 32-bit executor's failure text */

/* A copying call held in its user copy by a userfaultfd page. */
enum { ST_SETALL, ST_GETALL, ST_SEMOP, ST_MSGSND, ST_MSGRCV, ST_LIST, N_ST };
static const char *const stnames[] = {
	"SETALL", "GETALL", "semop", "msgsnd", "msgrcv", "list",
};

struct stall {
	bool active;
	int call, id, kind, kc;
	pthread_t th;
	int ufd;
	char *mem;		/* page 0 plain, page 1 registered, page 2 guard */
	uintptr_t buf;		/* the call's buffer: ends up in page 1 */
	uint64_t len;		/* bytes the call copies */
	struct wk tw;		/* the helper's clean copy of the worker */
	volatile int done;
	int rc;
};

struct view {			/* an attachment under mm operations */
	uintptr_t addr;
	uint64_t len;
	int id;
	bool rdonly;
};

static struct stall g_st[NSTALL];
static struct view g_views[NVIEW];
static int g_nview;

static int create_obj(struct wk *w, unsigned int kind, uint64_t size);

/* Live-looking pool id of @kind (the program's objects), or pick_id's. */
static int live_id(struct wk *w, unsigned int kind)
{
	int i, n = 0, cand[POOL_N];

	for (i = 0; i < POOL_N; i++) {
		int id = LOAD(sh->pool[kind][i]);

		if (id >= 0 && !is_iso(id))
			cand[n++] = id;
	}
	if (n && chance(w, 90))
		return cand[rnd(w, (uint64_t)n)];
	/* None: make one (as a resource constructor would), mostly. */
	if (!n && chance(w, 85)) {
		uint64_t size = kind == AIXIPC_SEM ?
			(chance(w, 85) ? 1 + rnd(w, 16) : 1 + rnd(w, g_limits.semmsl)) :
			kind == AIXIPC_SHM ? 1 + rnd(w, 4 * g_pg) : 0;
		int id = create_obj(w, kind, size);

		if (id >= 0) {
			pool_add(w, kind, id);
			return id;
		}
	}
	return pick_id(w, kind);
}

/*
 * Credentials of the calling thread only: glibc's setresuid() changes
 * every thread, by signalling each and waiting, and a thread stalled in a
 * kernel copy from a userfaultfd page never takes the signal.
 */
static long thread_setresuid(uid_t r, uid_t e, uid_t s)
{
#ifdef SYS_setresuid32
	return syscall(SYS_setresuid32, r, e, s);
#else
	return syscall(SYS_setresuid, r, e, s);
#endif
}

static long thread_setresgid(gid_t r, gid_t e, gid_t s)
{
#ifdef SYS_setresgid32
	return syscall(SYS_setresgid32, r, e, s);
#else
	return syscall(SYS_setresgid, r, e, s);
#endif
}

/* Root's effective uid for a moment (after the uid primitive). */
static uid_t g_euid;

static void as_root(bool on)
{
	long rc;

	if (!g_euid)
		return;
	rc = thread_setresuid((uid_t)-1, on ? 0 : g_euid, (uid_t)-1);
	(void)rc;
}

static int uffd_region(struct stall *s)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;

	as_root(true);
	s->ufd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	as_root(false);
	if (s->ufd < 0)
		return -1;
	s->mem = mmap(NULL, 3 * g_pg, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->mem == MAP_FAILED) {
		close(s->ufd);
		return -1;
	}
	mprotect(s->mem + 2 * g_pg, g_pg, PROT_NONE);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)s->mem + g_pg;
	reg.range.len = g_pg;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(s->ufd, UFFDIO_API, &api) || ioctl(s->ufd, UFFDIO_REGISTER, &reg)) {
		munmap(s->mem, 3 * g_pg);
		close(s->ufd);
		return -1;
	}
	return 0;
}

static void setall_values(struct wk *w, unsigned char *p, size_t len);
static void semop_ops(struct wk *w, unsigned char *p, size_t len);

static void *stall_main(void *arg)
{
	struct stall *s = arg;
	struct wk *w = &s->tw;
	int rc = 0;

	if (s->kc >= 0)
		kcov_enable(&g_kc[s->kc]);
	switch (s->call) {
	case ST_SETALL:
	case ST_GETALL: {
		struct aixipc_semctl c;

		memset(&c, 0, sizeof(c));
		c.id = s->id;
		c.cmd = s->call == ST_SETALL ? AIXIPC_SETALL : AIXIPC_GETALL;
		c.array = s->buf;
		rc = fz_call(w, IOC_SEMCTL, &c);
		break;
	}
	case ST_SEMOP: {
		struct aixipc_semop o;

		memset(&o, 0, sizeof(o));
		o.id = s->id;
		o.sops = s->buf;
		o.nsops = s->len / sizeof(struct aixipc_sembuf);
		rc = fz_call(w, IOC_SEMOP, &o);
		break;
	}
	case ST_MSGSND: {
		struct aixipc_msgsnd m;

		memset(&m, 0, sizeof(m));
		m.id = s->id;
		m.flags = AIXIPC_NOWAIT;
		m.msgp = s->buf;
		m.size = s->len - 8;
		m.type_size = 8;
		rc = fz_call(w, IOC_MSGSND, &m);
		break;
	}
	case ST_MSGRCV: {
		struct aixipc_msgrcv m;

		memset(&m, 0, sizeof(m));
		m.id = s->id;
		m.flags = AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR;
		m.msgp = s->buf;
		m.size = s->len - 8;
		m.type_size = 8;
		rc = fz_call(w, IOC_MSGRCV, &m);
		break;
	}
	default: {
		struct aixipc_list l;

		memset(&l, 0, sizeof(l));
		l.kind = (uint32_t)s->kind;
		l.entries = s->buf;
		l.entry_size = sizeof(struct aixipc_list_entry);
		l.count = (uint32_t)(s->len / l.entry_size);
		rc = fz_call(w, IOC_LIST, &l);
		break;
	}
	}
	if (s->kc >= 0)
		kcov_disable(&g_kc[s->kc]);
	s->rc = rc;
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void stall_finish(struct stall *s)
{
	pthread_join(s->th, NULL);
	munmap(s->mem, 3 * g_pg);
	close(s->ufd);
	s->active = false;
}

/*
 * stall: start a copying call in a helper thread with its buffer on a
 * page that faults into userfaultfd; the ops after it run while the call
 * sleeps in its copy, until a release (or the program's end).
 */
static void prim_stall(struct wk *w, unsigned int arg)
{
	struct stall *s = NULL;
	sigset_t all, old;
	uint64_t lead;
	int i, waited;

	(void)arg;
	for (i = 0; i < NSTALL; i++)
		if (!g_st[i].active) {
			s = &g_st[i];
			break;
		}
	if (!s)
		return;
	memset(s, 0, sizeof(*s));
	s->kc = g_kcov && g_kc_main == KC_MAIN ? 1 + i : -1;
	s->call = (int)rnd(w, N_ST);
	s->kind = s->call <= ST_SEMOP ? AIXIPC_SEM : s->call <= ST_MSGRCV ?
		  AIXIPC_MSG : (int)rnd(w, AIXIPC_NR_KINDS);
	s->id = live_id(w, (unsigned int)s->kind);
	switch (s->call) {
	case ST_SETALL:
	case ST_GETALL:
		s->len = 2 * (chance(w, 80) ? 1 + rnd(w, 64) : g_limits.semmsl);
		break;
	case ST_SEMOP:
		s->len = sizeof(struct aixipc_sembuf) * (1 + rnd(w, 4));
		break;
	case ST_LIST:
		s->len = sizeof(struct aixipc_list_entry) * (1 + rnd(w, 8));
		break;
	default:
		s->len = 8 + rnd(w, 3000);
	}
	if (uffd_region(s))
		return;
	/* Mostly the whole buffer stalls; else its head is copied first. */
	lead = chance(w, 70) ? 0 : rnd(w, s->len < 64 ? s->len : 64);
	if (s->call == ST_SEMOP)	/* whole operations, all NOWAIT */
		lead -= lead % sizeof(struct aixipc_sembuf);
	s->buf = (uintptr_t)s->mem + g_pg - lead;
	if (s->call == ST_SEMOP)
		semop_ops(w, (unsigned char *)s->mem + g_pg - lead, lead);
	else if (s->call == ST_SETALL)
		setall_values(w, (unsigned char *)s->mem + g_pg - lead, lead);
	else
		fill_random(w, s->mem + g_pg - lead, lead);
	s->tw = *w;
	s->tw.clean = true;
	s->tw.allow = 0;
	/* The helper keeps out of signals: they would end its copy. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&s->th, NULL, stall_main, s)) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		munmap(s->mem, 3 * g_pg);
		close(s->ufd);
		return;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	s->active = true;
	/* Until it faults, or finishes without a copy into the page. */
	for (waited = 0; waited < 5000; waited += 10) {
		struct pollfd pfd = { .fd = s->ufd, .events = POLLIN };
		struct uffd_msg msg;

		if (poll(&pfd, 1, 10) == 1 &&
		    read(s->ufd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg))
			break;
		if (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
			stall_finish(s);
			return;
		}
	}
	ADD(sh->stalls, 1);
	ADD(sh->stalled[s->call], 1);
	if (g_replay)
		out("# stall: %s on id %d held in its copy\n", stnames[s->call], s->id);
}

/*
 * SETALL values: valid as a whole most of the time (one bad value fails
 * the whole call before it does anything), else one out of range.
 */
static void setall_values(struct wk *w, unsigned char *p, size_t len)
{
	size_t i, n = len / 2;

	for (i = 0; i < n; i++) {
		uint16_t v = (uint16_t)rnd(w, 4);

		memcpy(p + 2 * i, &v, 2);
	}
	if (n && chance(w, 10)) {
		uint16_t v = (uint16_t)(g_limits.semvmx + 1);

		memcpy(p + 2 * rnd(w, n), &v, 2);
	}
}

/*
 * Operations for a stalled semop: every one NOWAIT, or the helper could
 * sleep for good after its release (it takes no signal: see prim_stall).
 */
static void semop_ops(struct wk *w, unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + sizeof(struct aixipc_sembuf) <= len;
	     i += sizeof(struct aixipc_sembuf)) {
		struct aixipc_sembuf b = {
			.sem_num = (uint16_t)rnd(w, 4),
			.sem_op = (int16_t)(rnd(w, 3) - 1),
			.sem_flg = (int16_t)(AIXIPC_SEM_NOWAIT |
					     (chance(w, 30) ? AIXIPC_SEM_UNDO : 0)),
		};

		memcpy(p + i, &b, sizeof(b));
	}
}

/* release: let the oldest stalled copy go on, with fuzzed contents. */
static void stall_release(struct wk *w, struct stall *s)
{
	unsigned char page[65536];
	struct uffdio_copy copy;

	if (g_pg > sizeof(page))
		return;
	memset(page, 0, g_pg);
	switch (s->call) {
	case ST_SETALL:
		setall_values(w, page, g_pg);
		break;
	case ST_SEMOP:
		semop_ops(w, page, g_pg);
		break;
	case ST_MSGSND: {
		int64_t t = 1 + (int64_t)rnd(w, 4);

		fill_pattern(w, page, g_pg);
		/* the type word falls in the page unless the head had it */
		if ((uintptr_t)s->mem + g_pg - s->buf == 0)
			memcpy(page, &t, 8);
		break;
	}
	default:
		if (chance(w, 30))
			fill_random(w, page, g_pg);
	}
	memset(&copy, 0, sizeof(copy));
	copy.dst = (uintptr_t)s->mem + g_pg;
	copy.src = (uintptr_t)page;
	copy.len = g_pg;
	ioctl(s->ufd, UFFDIO_COPY, &copy);	/* EEXIST if it never faulted */
	stall_finish(s);
}

static void prim_release(struct wk *w, unsigned int arg)
{
	int i;

	(void)arg;
	for (i = 0; i < NSTALL; i++)
		if (g_st[i].active) {
			stall_release(w, &g_st[i]);
			return;
		}
}

static void release_all(struct wk *w)
{
	int i;

	for (i = 0; i < NSTALL; i++)
		if (g_st[i].active)
			stall_release(w, &g_st[i]);
}

/* Create a private object of @kind and @size; its id or -errno. */
static int create_obj(struct wk *w, unsigned int kind, uint64_t size)
{
	struct aixipc_get g;
	bool clean = w->clean;
	int rc;

	memset(&g, 0, sizeof(g));
	g.kind = kind;
	g.key = AIXIPC_KEY_PRIVATE;
	g.flags = AIXIPC_CREAT;
	g.mode = 0666;
	g.size = size;
	w->clean = true;
	w->allow = EM(ENOSPC) | EM(ENOMEM) | EM(EINVAL);
	rc = fz_call(w, IOC_GET, &g);
	w->clean = clean;
	return rc ? rc : g.id;
}

static int rmid_kind(struct wk *w, unsigned int kind, int id)
{
#ifdef AIXIPC_IOC_SEMCTL
	if (kind == AIXIPC_SEM)
		return rmid_sem(w, id);
#endif
	return kind == AIXIPC_SHM ? rmid_shm(w, id) : rmid_msg(w, id);
}

/*
 * recycle: remove an object (often one a stalled call is using) and
 * create objects until its id comes back, with another size: the slot
 * allocator hands out the lowest free slot and the 11-bit sequence wraps
 * after 2048 creations.  Objects that land in lower slots (holes) stay.
 */
static void prim_recycle(struct wk *w, unsigned int arg)
{
	unsigned int kind = AIXIPC_MSG;
	uint64_t old = 1, size;
	int id = -1, i, n, slot;

	(void)arg;
	/* A call asleep with an id in hand: its object is the one to race. */
	for (i = 0; i < NSTALL; i++)
		if (g_st[i].active && chance(w, 85)) {
			id = g_st[i].id;
			kind = (unsigned int)g_st[i].kind;
			break;
		}
	if (id < 0) {
		unsigned int r = (unsigned int)rnd(w, 100);

		/* Segments are slow to make (a shmem file each): fewer. */
		kind = r < 50 ? AIXIPC_SEM : r < 62 ? AIXIPC_SHM : AIXIPC_MSG;
		id = live_id(w, kind);
	}
	if (id < 0)
		return;
#ifdef AIXIPC_IOC_SEMCTL
	if (kind == AIXIPC_SEM) {
		struct aixipc_semctl c;
		bool clean = w->clean;

		memset(&c, 0, sizeof(c));
		c.id = id;
		c.cmd = AIXIPC_IPC_STAT;
		w->clean = true;
		if (fz_call(w, IOC_SEMCTL, &c)) {
			w->clean = clean;
			return;
		}
		w->clean = clean;
		old = c.ds.nsems;
	}
#endif
	if (kind == AIXIPC_SHM) {
		struct aixipc_shmid_ds ds;

		if (shm_stat(w, id, &ds))
			return;
		old = ds.segsz;
	}
	/* Smaller most often: a stale size on a smaller object overflows. */
	switch (rnd(w, 4)) {
	case 0:
	case 1:
		size = old > 1 ? 1 + rnd(w, old - 1) : 1;
		break;
	case 2:
		size = old;
		break;
	default:
		size = old + 1 + rnd(w, kind == AIXIPC_SHM ? 4 * g_pg : 8);
	}
	/* 2048 creations of a big object take minutes under KASAN and TCG. */
	if (kind == AIXIPC_SEM && size > 64)
		size = 1 + rnd(w, 64);
	if (kind == AIXIPC_SHM && size > 16 * g_pg)
		size = 1 + rnd(w, 16 * g_pg);
	if (rmid_kind(w, kind, id))
		return;
	slot = id & (int)(MAX_SLOTS - 1);
	for (n = 0; n < 2048 + 256; n++) {
		int nid = create_obj(w, kind, size);

		if (nid < 0)
			break;
		if (nid == id) {
			pool_add(w, kind, nid);
			ADD(sh->recycled, 1);
			for (i = 0; i < NSTALL; i++)
				if (g_st[i].active && g_st[i].id == id) {
					ADD(sh->recycled_stalled, 1);
					break;
				}
			if (g_replay)
				out("# recycle: id %d back after %d creations, size %llu -> %llu\n",
				    id, n + 1, (unsigned long long)old,
				    (unsigned long long)size);
			return;
		}
		if ((nid & (int)(MAX_SLOTS - 1)) < slot) {
			pool_add(w, kind, nid);	/* a hole below: keep it */
			continue;
		}
		rmid_kind(w, kind, nid);
		if ((nid & (int)(MAX_SLOTS - 1)) != slot)
			break;			/* the slot is taken */
	}
}

/* Forget view @i (its memory stays as it is). */
static void view_forget(int i)
{
	g_views[i] = g_views[--g_nview];
}

/* A view to work on: one of ours, an attachment of ours, or a new one. */
static int view_pick(struct wk *w)
{
	uint64_t addr = 0, size;
	bool rdonly;
	int i, id;

	if (g_nview && chance(w, 60))
		return (int)rnd(w, (uint64_t)g_nview);
	if (g_nview >= NVIEW)
		return (int)rnd(w, (uint64_t)g_nview);
	for (i = 0; i < w->natt; i++) {
		struct att *a = &w->atts[i];

		/* Whole attachments only: their pieces are not tracked here. */
		if (att_mapped(a) == a->len && chance(w, 70)) {
			struct view *v = &g_views[g_nview++];

			v->addr = a->addr;
			v->len = a->len;
			v->id = a->id;
			v->rdonly = a->rdonly;
			att_forget(w, i);
			return g_nview - 1;
		}
	}
	id = any_segment(w);
	if (id < 0)
		return -1;
	rdonly = chance(w, 50);
	if (shm_attach(w, id, rdonly ? AIXIPC_SHM_RDONLY : 0, &addr, &size,
		       EM(EINVAL) | EM(EIDRM) | EM(EACCES) | EM(ENOMEM)))
		return -1;
	g_views[g_nview].addr = (uintptr_t)addr;
	g_views[g_nview].len = size;
	g_views[g_nview].id = id;
	g_views[g_nview].rdonly = rdonly;
	return g_nview++;
}

/*
 * The read-only oracle: nothing derived from a SHM_RDONLY attach may
 * become writable.  mprotect(PROT_WRITE) fails with EACCES (ENOMEM where
 * a page is no longer mapped) and a write faults.
 */
static void rdonly_check(struct wk *w, const struct view *v, const char *after)
{
	uint64_t np = v->len / g_pg, p;
	unsigned char val = 'W';
	int sig;

	for (p = 0; p < np && p < 4; p++) {
		char *at = (char *)(uintptr_t)(v->addr + p * g_pg);

		if (!mprotect(at, g_pg, PROT_READ | PROT_WRITE)) {
			fz_fail(w, "a SHM_RDONLY view of segment %d became writable after %s: mprotect(PROT_WRITE) of page %llu at %p succeeded",
				v->id, after, (unsigned long long)p, (void *)at);
			return;
		}
		if (errno != EACCES && errno != ENOMEM) {
			fz_fail(w, "mprotect(PROT_WRITE) of a SHM_RDONLY view (segment %d, after %s): %s, not EACCES",
				v->id, after, strerror(errno));
			return;
		}
		if (errno == ENOMEM)
			continue;
		sig = probe(w, (volatile unsigned char *)at, true, &val);
		if (!sig) {
			fz_fail(w, "a write through a SHM_RDONLY view of segment %d landed (page %llu at %p, after %s)",
				v->id, (unsigned long long)p, (void *)at, after);
			return;
		}
	}
}

/* A child's touches of view @v: exit 3 if a read-only page took a write. */
static void child_touch(const struct view *v, struct wk *w)
{
	uint64_t np = v->len / g_pg, p;
	unsigned char val = 'c';

	for (p = 0; p < np && p < 8; p++) {
		volatile unsigned char *at = (volatile unsigned char *)(uintptr_t)(v->addr + p * g_pg);

		if (probe(w, at, false, &val))
			continue;
		if (!probe(w, at, true, &val) && v->rdonly)
			_exit(3);
	}
}

static void view_fork(struct wk *w, struct view *v)
{
	unsigned int how = (unsigned int)rnd(w, 100);
	long delay = (long)rnd(w, 20000);
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		if (g_kcov && g_kc_main == KC_MAIN)
			kcov_enable(&g_kc[KC_SUB]);
		child_touch(v, w);
		if (how < 30) {
			char *const argv[] = { "true", NULL };

			execv("/bin/true", argv);
		}
		_exit(0);
	}
	ADD(sh->forks, 1);
	if (how >= 70) {
		struct timespec ts = { 0, delay * 1000 };

		nanosleep(&ts, NULL);
		kill_child(pid);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		fz_fail(w, "a write through a SHM_RDONLY view of segment %d landed in a fork child",
			v->id);
	else if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		fz_fail(w, "fork child with attachments died of signal %d (%s)",
			WTERMSIG(st), strsignal(WTERMSIG(st)));
}

/*
 * view: mm operations on an attachment: mprotect, mremap,
 * remap_file_pages, madvise, fork (+exec or SIGKILL), touches, munmap,
 * shmdt; the read-only oracle after each.
 */
static void prim_view(struct wk *w, unsigned int arg)
{
	static const int advs[] = {
		MADV_DONTFORK, MADV_DOFORK, MADV_DONTNEED, MADV_REMOVE,
		MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_WILLNEED,
	};
	unsigned int r = (unsigned int)rnd(w, 100);
	const char *what;
	struct view *v;
	uint64_t np;
	int i = view_pick(w);

	(void)arg;
	if (i < 0)
		return;
	v = &g_views[i];
	np = v->len / g_pg;
	ADD(sh->view_ops, 1);
	if (r < 14) {
		static const int prots[] = {
			PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE,
		};
		int prot = prots[rnd(w, 3)];

		what = "mprotect";
		if (!mprotect((void *)v->addr, v->len, prot) && v->rdonly &&
		    (prot & PROT_WRITE))
			fz_fail(w, "mprotect(PROT_WRITE) of a SHM_RDONLY attachment of segment %d succeeded",
				v->id);
	} else if (r < 28) {
		uint64_t nl = chance(w, 40) ? g_pg * (1 + rnd(w, np)) :
			      v->len + g_pg * (1 + rnd(w, 4));
		void *p = mremap((void *)v->addr, v->len, nl, MREMAP_MAYMOVE);

		what = "mremap";
		if (p != MAP_FAILED) {
			v->addr = (uintptr_t)p;
			v->len = nl;
		}
	} else if (r < 44) {
		uint64_t first = rnd(w, np), n = 1 + rnd(w, np - first);

		what = "remap_file_pages";
		if (remap_file_pages((void *)(uintptr_t)(v->addr + first * g_pg), n * g_pg, 0,
				     chance(w, 50) ? first : rnd(w, np + 2), 0)) {
			/*
			 * It may have unmapped the old range first (a removed
			 * segment's last attach): let it go.
			 */
			munmap((void *)v->addr, v->len);
			view_forget(i);
			return;
		}
	} else if (r < 54) {
		what = "madvise";
		madvise((void *)v->addr, v->len,
			advs[rnd(w, sizeof(advs) / sizeof(advs[0]))]);
	} else if (r < 68) {
		what = "fork";
		view_fork(w, v);
	} else if (r < 80) {
		uint64_t p;
		unsigned char val = 't';

		what = "touches";
		for (p = 0; p < np && p < 8; p++) {
			volatile unsigned char *at = (volatile unsigned char *)(uintptr_t)(v->addr + p * g_pg);

			if (probe(w, at, false, &val))
				continue;
			if (!probe(w, at, true, &val) && v->rdonly)
				fz_fail(w, "a write through a SHM_RDONLY attachment of segment %d landed",
					v->id);
		}
	} else if (r < 90) {
		uint64_t k = rnd(w, np + 1);

		what = "munmap";
		if (!k || k >= np) {
			munmap((void *)v->addr, v->len);
			view_forget(i);
			return;
		}
		munmap((void *)(uintptr_t)(v->addr + (np - k) * g_pg), k * g_pg);
		v->len -= k * g_pg;
	} else {
		struct aixipc_shmdt d;
		bool clean = w->clean;

		memset(&d, 0, sizeof(d));
		d.addr = v->addr;
		w->clean = true;
		w->allow = EM(EINVAL);
		if (!fz_call(w, IOC_SHMDT, &d)) {
			w->clean = clean;
			view_forget(i);
			return;
		}
		w->clean = clean;
		what = "a refused shmdt";
	}
	if (v->rdonly && !w->failed)
		rdonly_check(w, v, what);
}

static void views_drop(void)
{
	while (g_nview) {
		munmap((void *)g_views[0].addr, g_views[0].len);
		view_forget(0);
	}
}

/*
 * lockresize: SHM_LOCK a segment, perhaps touch an attachment, SHM_SIZE
 * it (grow or shrink) while locked, perhaps unlock.
 */
static void prim_lockresize(struct wk *w, unsigned int arg)
{
	unsigned int lk = EM(EINVAL) | EM(EIDRM) | EM(EPERM) | EM(ENOMEM);
	uint64_t value;
	int id;

	(void)arg;
	id = chance(w, 70) ? live_id(w, AIXIPC_SHM) : any_segment(w);
	if (id < 0)
		return;
	shm_ctl(w, id, AIXIPC_SHM_LOCK, NULL, NULL, lk);
	if (chance(w, 50))
		att_new(w);
	value = pick_resize(w);
	shm_ctl(w, id, AIXIPC_SHM_SIZE, &value, NULL,
		value < g_limits.shmmin || value > g_limits.shmmax ? EM(EINVAL) :
		EM(EINVAL) | EM(EIDRM) | EM(EPERM) | EM(ENOSPC) | EM(ENOMEM));
	if (chance(w, 40))
		scen_shm_touch(w);
	if (chance(w, 30))
		shm_ctl(w, id, AIXIPC_SHM_UNLOCK, NULL, NULL,
			EM(EINVAL) | EM(EIDRM) | EM(EPERM));
}

/* signal: SIGALRM to this thread after a random short delay (EINTR). */
static void prim_signal(struct wk *w, unsigned int arg)
{
	struct sigevent sev;
	struct itimerspec its;
	static __thread timer_t timer;
	static __thread bool have;

	(void)arg;
	if (!have) {
		memset(&sev, 0, sizeof(sev));
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = SIGALRM;
		sev.sigev_notify_thread_id = gettid();
		if (timer_create(CLOCK_MONOTONIC, &sev, &timer))
			return;
		have = true;
	}
	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 1000 + (long)rnd(w, 5000000);
	timer_settime(timer, 0, &its, NULL);
}

/* uid: act as root, nobody or a plain user (effective ids only). */
static void prim_uid(struct wk *w, unsigned int arg)
{
	static const uid_t ids[] = { 0, DROP_ID, 1000 };
	uid_t u = ids[rnd(w, 3)];

	(void)arg;
	if (getuid() != 0)
		return;			/* started unprivileged: stay so */
	if (thread_setresuid((uid_t)-1, 0, (uid_t)-1) ||
	    thread_setresgid((gid_t)-1, (gid_t)u, (gid_t)-1) ||
	    thread_setresuid((uid_t)-1, u, (uid_t)-1))
		return;
	g_euid = u;
	g_unpriv = u != 0;
	ADD(sh->drops, 1);
}

/* ------------------------------------------------------------------ */
/* The primitive table: generators, scenarios, sequence primitives. */

struct xprim {
	const char *name;
	unsigned int weight;
	void (*fn)(struct wk *w, unsigned int arg);
};

static void prim_sub(struct wk *w, unsigned int arg);

static const struct xprim xprims[] = {
	{ "stall", 10, prim_stall },
	{ "release", 8, prim_release },
	{ "recycle", 6, prim_recycle },
	{ "view", 14, prim_view },
	{ "lockresize", 4, prim_lockresize },
	{ "sub", 3, prim_sub },
	{ "signal", 3, prim_signal },
	{ "uid", 3, prim_uid },
};
#define NXPRIMS ((int)(sizeof(xprims) / sizeof(xprims[0])))
#define NPRIMS (NIOCS + NSCENS + NXPRIMS)

static const char *g_pnames[NIOCS + MAX_SCEN + NXPRIMS];
static char g_scen_names[MAX_SCEN][32];

static void prims_init(void)
{
	int i;

	for (i = 0; i < NIOCS; i++)
		g_pnames[i] = iocs[i].name;
	for (i = 0; i < NSCENS; i++) {
		snprintf(g_scen_names[i], sizeof(g_scen_names[i]), "scen-%s",
			 scens[i].name);
		g_pnames[NIOCS + i] = g_scen_names[i];
	}
	for (i = 0; i < NXPRIMS; i++)
		g_pnames[NIOCS + NSCENS + i] = xprims[i].name;
	prog_names = g_pnames;
	prog_nnames = NPRIMS;
}

static void run_op(struct wk *w, const struct op *o)
{
	int k = o->prim;

	rng_seed(&w->r, o->seed);
	if (g_replay)
		out("# op %s %#" PRIx64 " %u\n", g_pnames[k], o->seed, o->arg);
	if (k < NIOCS) {
		iocs[k].gen(w);
		return;
	}
	k -= NIOCS;
	if (k < NSCENS) {
		if (!w->in_child || (scens[k].run != scen_fork &&
				     scens[k].run != scen_shm_forkkill &&
				     scens[k].run != scen_shm_model)) {
			ADD(sh->scen_stats[k], 1);
			scens[k].run(w);
		}
		return;
	}
	xprims[k - NSCENS].fn(w, o->arg);
}

static const struct prog *g_prog;	/* the executor's program */
static int g_pc;			/* and its next op */

/*
 * sub: fork; the child runs the next @arg ops and exits, unless it is
 * SIGKILLed first at a random point (mid-call, mid-stall, with
 * attachments and undo entries); the parent goes on after those ops.
 */
static void prim_sub(struct wk *w, unsigned int arg)
{
	int n = arg ? (int)arg : 1, end = g_pc + n, st, i;
	long delay = (long)rnd(w, 30000);
	bool kill_it = chance(w, 50);
	pid_t pid;

	if (end > g_prog->n)
		end = g_prog->n;
	if (w->in_child) {
		g_pc = end;
		return;
	}
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		w->in_child = true;
		w->nkids = 0;
		for (i = 0; i < NSTALL; i++)
			g_st[i].active = false;	/* their threads stayed behind */
		struct itimerval it = { { 0, 50000 }, { 0, 50000 } };

		setitimer(ITIMER_REAL, &it, NULL);	/* not inherited */
		if (g_kcov && g_kc_main == KC_MAIN) {
			kcov_enable(&g_kc[KC_SUB]);
			g_kc_main = KC_SUB;
		}
		for (; g_pc < end && !w->failed && !stopping(); g_pc++)
			run_op(w, &g_prog->ops[g_pc]);
		_exit(w->failed ? 1 : 0);
	}
	ADD(sh->forks, 1);
	g_pc = end;
	if (kill_it) {
		struct timespec ts = { 0, delay * 1000 };

		nanosleep(&ts, NULL);
		kill_child(pid);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		fz_fail(w, "sub child died of signal %d (%s)", WTERMSIG(st),
			strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st) && WEXITSTATUS(st) && !LOAD(sh->fail))
		fz_fail(w, "sub child exited with status %d", WEXITSTATUS(st));
}

/* The executor: one program from a clean registry, in its own process. */
static void exec_prog(const struct prog *p)
{
	struct itimerval it = { { 0, 50000 }, { 0, 50000 } };
	struct sigaction sa;
	struct wk w;
	sigset_t set;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = orphan_handler;
	sigaction(SIGUSR2, &sa, NULL);
	install_fault_handler();
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* Blocking calls end in EINTR: nothing waits for ever. */
	setitimer(ITIMER_REAL, &it, NULL);
	wk_init(&w, g_devfd, 0, 0, 0);
	g_prog = p;
	if (g_kcov && !kcov_enable(&g_kc[KC_MAIN]))
		g_kc_main = KC_MAIN;
	for (g_pc = 0; g_pc < p->n && !w.failed && !stopping();) {
		const struct op *o = &p->ops[g_pc++];

		STORE(sh->exec_pc, g_pc - 1);
		run_op(&w, o);
		w.ops++;
		ADD(sh->ops, 1);
		if (w.nkids)
			reap_kids(&w, false);
	}
	release_all(&w);
	views_drop();
	reap_kids(&w, true);
	att_drop_all(&w);
	if (g_kc_main >= 0)
		kcov_disable(&g_kc[g_kc_main]);
	/* A 32-bit executor's failure text goes back through a pipe. */
	if (g_msgfd >= 0 && LOAD(sh->fail)) {
		ssize_t n = write(g_msgfd, sh->failmsg, strnlen(sh->failmsg, FAILMSG));

		(void)n;
	}
	_exit(w.failed || LOAD(sh->fail) ? 1 : 0);
}

/*
 * fuzz-m32 --exec FILE: the executor of one program for the 64-bit
 * manager (programs marked m32): 32-bit callers, compat ioctls.  The
 * manager's KCOV buffers come inherited, their fds in
 * AIXIPC_FUZZ_KCOV_FDS; the failure text goes to AIXIPC_FUZZ_MSG_FD.
 */
static int exec_main(const char *file)
{
	const char *fds = getenv("AIXIPC_FUZZ_KCOV_FDS");
	const char *mfd = getenv("AIXIPC_FUZZ_MSG_FD");
	static struct prog p;
	int i = 0;

	prims_init();
	if (prog_read(&p, file)) {
		out("# fuzz --exec: cannot read %s\n", file);
		return 2;
	}
	while (fds && *fds && i < NKCOV) {
		char *end;

		g_kc[i].fd = (int)strtol(fds, &end, 10);
		g_kc[i++].area = NULL;
		fds = *end == ',' ? end + 1 : end;
	}
	g_kcov = i == NKCOV;
	g_msgfd = mfd ? atoi(mfd) : -1;
	exec_prog(&p);
	return 2;
}

/* ------------------------------------------------------------------ */
/* The manager: corpus, mutation, coverage, crashes. */

struct corpus_mem {
	struct prog *p;
	size_t n, cap;
};

static struct corpus_mem g_cm;
static struct cover *g_cov;
static struct rng g_mr;			/* the manager's own stream */
static uint64_t g_execs, g_new_inputs, g_timeouts, g_failures;
static bool g_keep_going, g_corpus_ro;
static const char *g_distill;	/* keep only what adds coverage, there */
static char g_curpath[4096];

/* Copy a string, truncated to fit. */
static void strlcpy0(char *dst, const char *src, size_t n)
{
	size_t len = strnlen(src, n - 1);

	memcpy(dst, src, len);
	dst[len] = 0;
}

static uint64_t mrnd(uint64_t n)
{
	return rng_below(&g_mr, n);
}

static void cm_add(const struct prog *p)
{
	if (g_cm.n == g_cm.cap) {
		size_t cap = g_cm.cap ? 2 * g_cm.cap : 256;
		struct prog *np = realloc(g_cm.p, cap * sizeof(*np));

		if (!np)
			return;
		g_cm.p = np;
		g_cm.cap = cap;
	}
	g_cm.p[g_cm.n++] = *p;
}

static void random_op(struct op *o)
{
	unsigned int r = (unsigned int)mrnd(100), total = 0, x;
	int i;

	o->seed = rng_next(&g_mr);
	o->arg = 0;
	if (r < 50) {
		for (i = 0; i < NIOCS; i++)
			total += iocs[i].weight;
		x = (unsigned int)mrnd(total);
		for (i = 0; x >= iocs[i].weight; i++)
			x -= iocs[i].weight;
		o->prim = (uint16_t)i;
	} else if (r < 60) {
		for (i = 0; i < NSCENS; i++)
			total += scens[i].weight;
		x = (unsigned int)mrnd(total);
		for (i = 0; x >= scens[i].weight; i++)
			x -= scens[i].weight;
		o->prim = (uint16_t)(NIOCS + i);
	} else {
		for (i = 0; i < NXPRIMS; i++)
			total += xprims[i].weight;
		x = (unsigned int)mrnd(total);
		for (i = 0; x >= xprims[i].weight; i++)
			x -= xprims[i].weight;
		o->prim = (uint16_t)(NIOCS + NSCENS + i);
		if (xprims[i].fn == prim_sub)
			o->arg = (uint16_t)(1 + mrnd(4));
	}
}

static int prim_index(void (*fn)(struct wk *, unsigned int))
{
	int i;

	for (i = 0; i < NXPRIMS; i++)
		if (xprims[i].fn == fn)
			return NIOCS + NSCENS + i;
	return 0;
}

/*
 * An op to put at @i.  After a stall, often a recycle: a call asleep in
 * its copy with an id in hand is there to be raced by changes to that
 * object (recycle picks it), which random ops rarely do.
 */
static void op_at(struct prog *p, int i)
{
	random_op(&p->ops[i]);
	if (i > 0 && p->ops[i - 1].prim == prim_index(prim_stall) && mrnd(100) < 40)
		p->ops[i].prim = (uint16_t)prim_index(prim_recycle);
}

static void random_prog(struct prog *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->n = 1 + (int)mrnd(12);
	for (i = 0; i < p->n; i++)
		op_at(p, i);
	p->m32 = g_self32[0] && mrnd(100) < 20;
}

static void mutate(struct prog *p)
{
	int k = 1 + (int)mrnd(3), i, j;

	while (k--) {
		switch (mrnd(8)) {
		case 0:
		case 1:		/* a new seed: the same primitive, other choices */
			if (p->n)
				p->ops[mrnd((uint64_t)p->n)].seed = rng_next(&g_mr);
			break;
		case 2:		/* insert */
			if (p->n < PROG_MAX) {
				i = (int)mrnd((uint64_t)p->n + 1);
				memmove(&p->ops[i + 1], &p->ops[i],
					(size_t)(p->n - i) * sizeof(p->ops[0]));
				p->n++;
				op_at(p, i);
			}
			break;
		case 3:		/* delete */
			if (p->n > 1) {
				i = (int)mrnd((uint64_t)p->n);
				memmove(&p->ops[i], &p->ops[i + 1],
					(size_t)(p->n - i - 1) * sizeof(p->ops[0]));
				p->n--;
			}
			break;
		case 4:		/* splice: our head, another's tail */
			if (g_cm.n) {
				const struct prog *q = &g_cm.p[mrnd(g_cm.n)];

				i = (int)mrnd((uint64_t)p->n + 1);
				j = (int)mrnd((uint64_t)q->n);
				for (; j < q->n && i < PROG_MAX; i++, j++)
					p->ops[i] = q->ops[j];
				p->n = i;
			}
			break;
		case 5:		/* duplicate */
			if (p->n && p->n < PROG_MAX) {
				i = (int)mrnd((uint64_t)p->n);
				j = (int)mrnd((uint64_t)p->n + 1);
				struct op o = p->ops[i];

				memmove(&p->ops[j + 1], &p->ops[j],
					(size_t)(p->n - j) * sizeof(p->ops[0]));
				p->ops[j] = o;
				p->n++;
			}
			break;
		case 6:		/* swap neighbours */
			if (p->n > 1) {
				struct op o;

				i = (int)mrnd((uint64_t)p->n - 1);
				o = p->ops[i];
				p->ops[i] = p->ops[i + 1];
				p->ops[i + 1] = o;
			}
			break;
		default:
			if (p->n)
				p->ops[mrnd((uint64_t)p->n)].arg = (uint16_t)(1 + mrnd(4));
			if (g_self32[0] && mrnd(100) < 20)
				p->m32 = !p->m32;
		}
	}
	if (!p->n)
		random_op(&p->ops[p->n++]);
}

/* Kill and reap whatever an executor left behind (its process group). */
static void reap_all(pid_t pgid)
{
	int st;

	kill(-pgid, SIGKILL);
	while (waitpid(-1, &st, 0) > 0 || errno == EINTR)
		;
}

/*
 * Run @p in a fresh executor.  Returns the edges never seen before (0
 * without KCOV); *failed says the executor reported a failure.
 */
static uint64_t run_prog(struct wk *pw, const struct prog *p, bool *failed,
			 uint64_t *pcs_new)
{
	uint64_t fresh = 0, pn = 0;
	double t0 = now();
	const char *path = NULL;
	int st = 0, i, msgp[2] = { -1, -1 };
	bool m32;
	pid_t pid;

	*failed = false;
	if (g_curpath[0])
		prog_write(p, g_curpath);
	memset(sh->pool, 0xff, sizeof(sh->pool));
	memset(sh->stale, 0xff, sizeof(sh->stale));
	memset(sh->iso, 0xff, sizeof(sh->iso));
	for (i = 0; g_kcov && i < NKCOV; i++)
		kcov_reset(&g_kc[i]);
	STORE(sh->exec_pc, -1);
	m32 = p->m32 && g_self32[0];
	if (m32) {
		path = g_curpath[0] ? g_curpath : "/tmp/aixipc-fuzz-m32.prog";
		if ((!g_curpath[0] && prog_write(p, path)) || pipe(msgp))
			m32 = false;
		else
			fcntl(msgp[0], F_SETFD, FD_CLOEXEC);
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		if (m32) {
			char *argv[] = { g_self32, "--exec", (char *)path,
					 g_replay ? "--replay" : NULL, NULL };
			char fds[64], mfd[16];

			snprintf(fds, sizeof(fds), "%d,%d,%d,%d", g_kc[0].fd,
				 g_kc[1].fd, g_kc[2].fd, g_kc[3].fd);
			snprintf(mfd, sizeof(mfd), "%d", msgp[1]);
			if (g_kcov)
				setenv("AIXIPC_FUZZ_KCOV_FDS", fds, 1);
			setenv("AIXIPC_FUZZ_MSG_FD", mfd, 1);
			execv(g_self32, argv);
			_exit(2);
		}
		exec_prog(p);
	}
	if (m32)
		close(msgp[1]);
	setpgid(pid, pid);
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		struct timespec ts = { 0, 2 * 1000 * 1000 };

		if (r == pid)
			break;
		if (now() - t0 > EXEC_SECS) {
			g_timeouts++;
			i = LOAD(sh->exec_pc);
			out("# executor %d still running after %d s, in op %d (%s): killed\n",
			    (int)pid, EXEC_SECS, i,
			    i >= 0 && i < p->n ? g_pnames[p->ops[i].prim] : "?");
			kill(-pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			st = 0;
			if (g_outdir) {	/* for a look: slow, or stuck? */
				char tp[4200];

				snprintf(tp, sizeof(tp), "%s/timeouts", g_outdir);
				mkdir(tp, 0755);
				corpus_save(p, tp);
			}
			break;
		}
		nanosleep(&ts, NULL);
	}
	reap_all(pid);
	g_execs++;
	if (m32) {
		char msg[FAILMSG];
		ssize_t n = read(msgp[0], msg, sizeof(msg) - 1);

		close(msgp[0]);
		if (n > 0 && !LOAD(sh->fail)) {
			msg[n] = 0;
			fz_fail(NULL, "32-bit executor: %s", msg);
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 1 && !LOAD(sh->fail)) {
			fz_fail(NULL, "32-bit executor reported a failure");
		}
	}
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
		fz_fail(NULL, "executor died of signal %d (%s)", WTERMSIG(st),
			strsignal(WTERMSIG(st)));
	else if (WIFEXITED(st) && WEXITSTATUS(st) > 1)
		fz_fail(NULL, "executor exited with status %d", WEXITSTATUS(st));
	/* The registry must come back empty and uncharged (cleanup checks). */
	if (!LOAD(sh->fail))
		cleanup(pw);
	*failed = LOAD(sh->fail) != 0;
	for (i = 0; g_kcov && i < NKCOV; i++) {
		uint64_t pnew = 0;

		fresh += kcov_collect(&g_kc[i], g_cov, true, &pnew);
		pn += pnew;
	}
	if (pcs_new)
		*pcs_new = pn;
	return fresh;
}

static void save_crash(const struct prog *p, const char *why)
{
	char dir[4096], path[4200], txt[PROG_MAX * 64 + 64];
	uint64_t h = prog_hash(p);
	FILE *f;

	prog_format(p, txt, sizeof(txt));
	out("# failing program (%016" PRIx64 "):\n", h);
	{
		char *line = txt, *nl;

		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			out("#   %s\n", line);
			line = nl + 1;
		}
	}
	if (!g_outdir)
		return;
	snprintf(dir, sizeof(dir), "%s/crashes", g_outdir);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/%016" PRIx64 ".prog", dir, h);
	prog_write(p, path);
	snprintf(path, sizeof(path), "%s/%016" PRIx64 ".txt", dir, h);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", why);
		fclose(f);
	}
}

/*
 * Minimise a failing program in place: drop ops one at a time while it
 * still fails (any failure; the text of the first is kept).
 */
static void minimise(struct wk *pw, struct prog *p)
{
	int i, tries = 0;
	bool failed;

	for (i = p->n - 1; i >= 0 && p->n > 1 && tries < 64; i--, tries++) {
		struct prog q = *p;

		memmove(&q.ops[i], &q.ops[i + 1],
			(size_t)(q.n - i - 1) * sizeof(q.ops[0]));
		q.n--;
		STORE(sh->fail, 0);
		STORE(sh->stop, 0);
		run_prog(pw, &q, &failed, NULL);
		if (failed)
			*p = q;
	}
	STORE(sh->fail, 0);
	STORE(sh->stop, 0);
}

static double g_t0;		/* the guided run's start */
static int g_triage_skipped;

static void triage_one(const struct prog *p, void *arg)
{
	struct wk *pw = arg;
	bool failed;
	uint64_t fresh;

	/* The duration bounds the replay of a big corpus too. */
	if (now() - g_t0 >= g_duration || (LOAD(sh->fail) && !g_keep_going)) {
		g_triage_skipped++;
		return;
	}
	fresh = run_prog(pw, p, &failed, NULL);

	if (failed) {
		out("# corpus program fails on its own: %s\n", sh->failmsg);
		save_crash(p, sh->failmsg);
		if (!g_keep_going)
			return;
		STORE(sh->fail, 0);
		STORE(sh->stop, 0);
		return;
	}
	/* Without KCOV every program stays; with it, those that add. */
	if (fresh || !g_kcov)
		cm_add(p);
}

/*
 * A failure's signature: its message without the worker header and with
 * digits dropped.  Returns true the first time one is seen.
 */
static bool new_signature(const char *msg)
{
	static char sigs[32][96];
	static int nsigs;
	const char *m = strstr(msg, "] ");
	char sig[96];
	size_t o = 0;
	int i;

	m = m ? m + 2 : msg;
	for (; *m && o + 1 < sizeof(sig); m++)
		if (*m < '0' || *m > '9')
			sig[o++] = *m;
	sig[o] = 0;
	for (i = 0; i < nsigs; i++)
		if (!strcmp(sigs[i], sig))
			return false;
	if (nsigs < 32)
		strlcpy0(sigs[nsigs++], sig, sizeof(sigs[0]));
	return true;
}

static void guided_progress(double t0, double t)
{
	out("# guided: execs=%" PRIu64 " per second=%.1f elapsed=%.0fs corpus=%zu new=%" PRIu64
	    " edges=%" PRIu64 " pcs=%" PRIu64 " stalls=%" PRIu64 " recycled=%" PRIu64
	    " view-ops=%" PRIu64 " timeouts=%" PRIu64 " failures=%" PRIu64 "\n",
	    g_execs, t > t0 ? (double)g_execs / (t - t0) : 0.0, t - t0, g_cm.n,
	    g_new_inputs, g_cov ? g_cov->nedges : 0, g_cov ? g_cov->npcs : 0,
	    LOAD(sh->stalls), LOAD(sh->recycled), LOAD(sh->view_ops),
	    g_timeouts, g_failures);
	out("# guided: stalled SETALL=%" PRIu64 " GETALL=%" PRIu64 " semop=%" PRIu64
	    " msgsnd=%" PRIu64 " msgrcv=%" PRIu64 " list=%" PRIu64
	    "; ids of stalled calls recycled=%" PRIu64 "\n",
	    LOAD(sh->stalled[ST_SETALL]), LOAD(sh->stalled[ST_GETALL]),
	    LOAD(sh->stalled[ST_SEMOP]), LOAD(sh->stalled[ST_MSGSND]),
	    LOAD(sh->stalled[ST_MSGRCV]), LOAD(sh->stalled[ST_LIST]),
	    LOAD(sh->recycled_stalled));
}

/* fuzz-m32 beside this (64-bit) binary: programs marked m32 run there. */
static void find_self32(void)
{
	char self[4096];
	ssize_t n;
	char *slash;

	if (sizeof(void *) != 8 || getenv("AIXIPC_FUZZ_NO_M32"))
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 16);
	if (n <= 0)
		return;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (!slash)
		return;
	strcpy(slash + 1, "fuzz-m32");
	if (!access(self, X_OK))
		strlcpy0(g_self32, self, sizeof(g_self32));
}

static int guided_main(struct wk *pw, const char *reproduce)
{
	double t0 = g_t0 = now(), t, next_progress = t0 + 10;
	char firstfail[512] = "";
	int i, err = 0, loaded = 0;

	prims_init();
	rng_seed(&g_mr, derive(g_seed, 7, 7, 7));
	g_cov = calloc(1, sizeof(*g_cov));
	if (!g_cov)
		return 2;
	for (i = 0; i < NKCOV; i++) {
		err = kcov_open(&g_kc[i]);
		if (err)
			break;
	}
	g_kcov = !err;
	if (g_kcov)
		out("# KCOV: on (%d trace buffers of %u PCs)\n", NKCOV, KCOV_WORDS);
	else
		out("# KCOV: not available (%s): programs run without coverage guidance%s\n",
		    strerror(-err), g_corpus ? "; the corpus is replayed, random and mutated programs follow" : "");
	out("# guided: programs from seed %" PRIu64 "%s%s; a failing one is printed%s\n",
	    g_seed, g_corpus ? " and corpus " : "", g_corpus ? g_corpus : "",
	    g_outdir ? ", the one running at a crash is in the out directory's current.prog.cur" : "");
	if (g_outdir) {
		mkdir(g_outdir, 0755);
		snprintf(g_curpath, sizeof(g_curpath), "%s/current.prog.cur", g_outdir);
		if (prog_write(&(struct prog){ 0 }, g_curpath)) {
			out("# %s: not writable: no current-program file, no saved crashes\n",
			    g_outdir);
			g_curpath[0] = 0;
			g_outdir = NULL;
		}
	}

	if (reproduce) {
		struct prog p;
		bool failed;
		uint64_t fresh;

		if (prog_read(&p, reproduce)) {
			out("not ok 1 fuzz: cannot read program %s\n", reproduce);
			return 1;
		}
		g_replay = true;
		fresh = run_prog(pw, &p, &failed, NULL);
		out("# reproduce %s: %d ops, %s, %" PRIu64 " edges\n", reproduce, p.n,
		    failed ? "FAILS" : "passes", fresh);
		if (failed) {
			char msg[512];

			strlcpy0(msg, sh->failmsg, sizeof(msg));
			if (g_keep_going) {	/* --minimise */
				g_replay = false;
				minimise(pw, &p);
				save_crash(&p, msg);
			}
			out("not ok 1 fuzz reproduce %s: %s\n", reproduce, msg);
			return 1;
		}
		out("ok 1 fuzz reproduce %s\n", reproduce);
		return 0;
	}

	if (g_corpus) {
		loaded = corpus_load(g_corpus, triage_one, pw);
		if (loaded < 0) {
			if (mkdir(g_corpus, 0755) && errno != EEXIST)
				g_corpus_ro = true;
			loaded = 0;
		}
		/* Can new programs be saved there? */
		if (!g_corpus_ro) {
			char probe_path[4200];
			int fd;

			snprintf(probe_path, sizeof(probe_path), "%s/.writable", g_corpus);
			fd = open(probe_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (fd < 0)
				g_corpus_ro = true;
			else {
				close(fd);
				unlink(probe_path);
			}
		}
		out("# corpus %s: %d programs loaded (%d not run: out of time), %zu kept%s; edges=%" PRIu64 "\n",
		    g_corpus, loaded, g_triage_skipped, g_cm.n,
		    g_corpus_ro ? " (read-only: new programs are not saved)" : "",
		    g_cov->nedges);
	}

	if (g_distill) {
		size_t k;
		int saved = 0;

		mkdir(g_distill, 0755);
		for (k = 0; k < g_cm.n; k++)
			saved += corpus_save(&g_cm.p[k], g_distill) == 1;
		out("# distilled %d of %d programs into %s (%" PRIu64 " edges)\n",
		    saved, loaded, g_distill, g_cov->nedges);
		out("%s 1 fuzz distill\n", g_kcov && !LOAD(sh->fail) ? "ok" : "not ok");
		return g_kcov && !LOAD(sh->fail) ? 0 : 1;
	}

	while (!LOAD(sh->fail) || g_keep_going) {
		struct prog p;
		bool failed;
		uint64_t fresh, pn = 0;

		t = now();
		if (t - t0 >= g_duration)
			break;
		if (t >= next_progress) {
			guided_progress(t0, t);
			next_progress = t + 10;
		}
		if (!g_cm.n || mrnd(100) < 15)
			random_prog(&p);
		else {
			p = g_cm.p[mrnd(g_cm.n)];
			mutate(&p);
		}
		fresh = run_prog(pw, &p, &failed, &pn);
		if (failed) {
			char msg[FAILMSG];

			g_failures++;
			strlcpy0(msg, sh->failmsg, sizeof(msg));
			if (!firstfail[0])
				strlcpy0(firstfail, msg, sizeof(firstfail));
			if (!new_signature(msg)) {	/* found before */
				STORE(sh->fail, 0);
				STORE(sh->stop, 0);
				continue;
			}
			out("# FOUND after %.0f s (%" PRIu64 " execs): %s\n", now() - t0,
			    g_execs, msg);
			minimise(pw, &p);
			save_crash(&p, msg);
			if (!g_keep_going) {
				STORE(sh->fail, 1);
				strlcpy0(sh->failmsg, msg, sizeof(sh->failmsg));
				break;
			}
			continue;
		}
		if (fresh && g_kcov) {
			g_new_inputs++;
			cm_add(&p);
			if (g_corpus && !g_corpus_ro && corpus_save(&p, g_corpus) < 0)
				g_corpus_ro = true;
		}
	}
	t = now();
	guided_progress(t0, t);
	summary();
	if (firstfail[0] || LOAD(sh->fail)) {
		out("not ok 1 fuzz seed=%" PRIu64 " execs=%" PRIu64 " guided: %s\n",
		    g_seed, g_execs, firstfail[0] ? firstfail : sh->failmsg);
		return 1;
	}
	out("ok 1 fuzz seed=%" PRIu64 " execs=%" PRIu64 " guided%s edges=%" PRIu64 " corpus=%zu\n",
	    g_seed, g_execs, g_kcov ? "" : " (no KCOV)", g_cov->nedges, g_cm.n);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz [--seed N] [--duration SECS] [--procs N] [--threads N] [--replay] [--ops N]\n"
		"       fuzz [--seed N] [--duration SECS] --corpus DIR | --kcov [--out DIR] [--keep-going]\n"
		"       fuzz --reproduce FILE [--minimise] | --corpus DIR --distill DIR2\n"
		"  --seed N       PRNG seed (default: random, printed first)\n"
		"  --duration S   run time in seconds (default 120)\n"
		"  --procs N      worker processes (default 4, max %d)\n"
		"  --threads N    threads per worker process (default 4, max %d)\n"
		"  --replay       print every call; no timing-driven SIGSTOP/SIGKILL\n"
		"  --ops N        stop each thread after N operations\n"
		"--procs 1 --threads 1 is fully deterministic on a fresh module.\n"
		"Coverage-guided mode (KCOV; without it, corpus replay and random programs):\n"
		"  --corpus DIR   load the corpus from DIR, save new programs there\n"
		"  --kcov         guided mode without a corpus directory\n"
		"  --out DIR      current program and crashes/ (default: the corpus)\n"
		"  --keep-going   go on after a failure (each kind minimised and saved once)\n"
		"  --reproduce F  run program F once, printing every call\n"
		"  --minimise     with --reproduce: shrink a failing program, save it\n"
		"  --distill DIR  keep the corpus programs that add coverage, in DIR\n"
		"  --exec F       (fuzz-m32) execute program F for the manager\n",
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
	bool have_seed = false, timed_out = false, guided = false;
	const char *reproduce = NULL, *exec_file = NULL;
	double t0, t, deadline, next_progress, next_sweep;
	unsigned int i;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--replay")) {
			g_replay = true;
			continue;
		}
		if (!strcmp(argv[a], "--kcov")) {
			guided = true;
			continue;
		}
		if (!strcmp(argv[a], "--keep-going") || !strcmp(argv[a], "--minimise")) {
			g_keep_going = true;
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
		} else if (!strcmp(argv[a], "--corpus")) {
			g_corpus = argv[++a];
			guided = true;
		} else if (!strcmp(argv[a], "--exec")) {
			exec_file = argv[++a];
			guided = true;
		} else if (!strcmp(argv[a], "--distill")) {
			g_distill = argv[++a];
		} else if (!strcmp(argv[a], "--out")) {
			g_outdir = argv[++a];
		} else if (!strcmp(argv[a], "--reproduce")) {
			reproduce = argv[++a];
			guided = true;
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
	/* An executor for the manager (--exec) prints only what it finds. */
	if (!exec_file) {
		out("# fuzz seed=%" PRIu64 "\n", g_seed);
		out("1..1\n");
	}

	{
		FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "r");
		unsigned long long v2;

		if (f) {
			if (fscanf(f, "%llu", &v2) == 1)
				g_min_addr = v2;
			fclose(f);
		}
	}
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
	if (!exec_file)
		out("# duration=%us procs=%u threads=%u chaos=%s%s abi=%u msgmax=%llu msgmnb=%llu msgmnm=%llu\n",
		    g_duration, g_procs, g_threads, g_chaos ? "on" : "off",
		    g_det ? " deterministic" : "", v.abi_version,
		    (unsigned long long)g_limits.msgmax,
		    (unsigned long long)g_limits.msgmnb,
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

	if (guided) {
		int rc;

		g_euid = geteuid();
		if (exec_file)
			return exec_main(exec_file);
		if (!g_outdir)
			g_outdir = g_corpus;
		find_self32();
		rc = guided_main(&pw, reproduce);
		return rc;
	}

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
				if (WIFSIGNALED(st) &&
				    !(WTERMSIG(st) == SIGKILL && killed_by_scenario(p)))
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
