// SPDX-License-Identifier: GPL-2.0
/* fuzz: the coverage-guided manager: corpus, mutation, coverage, crashes. */
#include "fuzz.h"

struct corpus_mem {
	struct prog *p;
	size_t n, cap;
};

static struct corpus_mem g_cm;
static struct cover *g_cov;
static struct rng g_mr;			/* the manager's own stream */
static uint64_t g_execs, g_new_inputs, g_timeouts, g_failures;
bool g_keep_going;
static bool g_corpus_ro;
const char *g_distill;	/* keep only what adds coverage, there */
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
		for (i = 0; i < n_scens; i++)
			total += scens[i].weight;
		x = (unsigned int)mrnd(total);
		for (i = 0; x >= scens[i].weight; i++)
			x -= scens[i].weight;
		o->prim = (uint16_t)(NIOCS + i);
	} else {
		for (i = 0; i < n_xprims; i++)
			total += xprims[i].weight;
		x = (unsigned int)mrnd(total);
		for (i = 0; x >= xprims[i].weight; i++)
			x -= xprims[i].weight;
		o->prim = (uint16_t)(NIOCS + n_scens + i);
		if (xprims[i].fn == prim_sub)
			o->arg = (uint16_t)(1 + mrnd(4));
	}
}

static int prim_index(void (*fn)(struct wk *, unsigned int))
{
	int i;

	for (i = 0; i < n_xprims; i++)
		if (xprims[i].fn == fn)
			return NIOCS + n_scens + i;
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
void find_self32(void)
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

int guided_main(struct wk *pw, const char *reproduce)
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
	/*
	 * A failure skipped the executor's cleanup: remove what the failing
	 * program left, so the module can be unloaded after us (its checks
	 * may add messages; the first failure stays the one reported).
	 */
	if (firstfail[0] || LOAD(sh->fail))
		cleanup(pw);
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

