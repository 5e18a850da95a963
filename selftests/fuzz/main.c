// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: a seeded, time-bounded, concurrent ioctl fuzzer for /dev/aixipc.
 *
 *   fuzz [--seed N] [--duration SECS] [--procs N] [--threads N]
 *        [--replay] [--ops N]
 *   fuzz [--seed N] [--duration SECS] --scribble
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
 * Extending: a new ioctl is one entry in iocs[] plus its generator, both in
 * iocs.c (its first comment says how); a new kind of object is one entry
 * in kinds[] (parent.c, for the final cleanup).
 *
 * Files (selftests/fuzz/): fuzz.h the shared declarations; rng.c the PRNG;
 * output.c output and failures; call.c one checked ioctl (fz_call); iocs.c
 * the ioctl table and its generators; ids.c, msgbuf.c, msg.c, shm.c what
 * the generators pick and call; sweep.c listing and sweeping; scen.c,
 * scen_shm.c scenarios; shm_model.c the shared memory model; worker.c and
 * parent.c the processes; prims.c, exec.c, manager.c the coverage-guided
 * mode, with kcov.c and corpus.c; main.c this comment and the options.
 *
 * Coverage-guided mode (--corpus DIR or --kcov; prims.c, exec.c, manager.c):
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
 * Scribble mode (--scribble; scribble.c): the semaphore fast path's shared
 * words under garbage.  Processes with fixed roles map sets' areas
 * (AIXIPC_IOC_SEMMAP, writable and read-only) and write random words into
 * them while others semop and semctl the same sets (blocking with
 * timeouts, SEM_UNDO, several operations, SETVAL, SETALL, IPC_SET,
 * IPC_RMID); oracles: values within [0, semvmx], every call back within
 * its timeout, no value changed by a process without alter permission
 * (sets at mode 0644 watched while scribbled on), SIGBUS for a write to
 * the meta page, SIGSEGV for a write to a read-only mapping.  The other
 * modes get its scenario, sem-scribble, and the ioctl's generator.
 *
 * Output is TAP (1..1, progress comments, ok/not ok); exit status 0 or 1.
 */

#include "fuzz.h"

struct shared *sh;

/* Configuration. */
uint64_t g_seed;
unsigned int g_duration = 120, g_procs = 4, g_threads = 4;
bool g_replay, g_det, g_chaos;
uint64_t g_max_ops;
struct aixipc_limits g_limits;
size_t g_pg, g_cap;
char *g_nonepage;
char *g_rosrc;
uint64_t g_min_addr = 65536;
bool g_unpriv;
char g_argv0[256] = "fuzz";
int g_devfd;

static void usage(void)
{
	fprintf(stderr,
		"usage: fuzz [--seed N] [--duration SECS] [--procs N] [--threads N] [--replay] [--ops N]\n"
		"       fuzz [--seed N] [--duration SECS] --corpus DIR | --kcov [--out DIR] [--keep-going]\n"
		"       fuzz --reproduce FILE [--minimise] | --corpus DIR --distill DIR2\n"
		"       fuzz [--seed N] [--duration SECS] --scribble\n"
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
		"  --exec F       (fuzz-m32) execute program F for the manager\n"
		"  --scribble     semaphore areas scribbled on while others semop (fixed roles)\n",
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
		if (!strcmp(argv[a], "--scribble")) {
			g_scribble = true;
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
	ns_learn_initial();
	if (!guided && !g_scribble)
		ns_setup();
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

	if (g_scribble) {
		scribble_main(&pw);
		goto done;
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
	ns_stop();
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
done:
	cleanup(&pw);
	ns_check_freed();
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
