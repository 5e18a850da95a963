// SPDX-License-Identifier: GPL-2.0
/* fuzz: the primitive table and the executor of one program. */
#include "fuzz.h"

const struct xprim xprims[] = {
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
const int n_xprims = NXPRIMS;
#define NPRIMS (NIOCS + n_scens + NXPRIMS)

const char *g_pnames[NIOCS + MAX_SCEN + NXPRIMS];
static char g_scen_names[MAX_SCEN][32];

void prims_init(void)
{
	int i;

	for (i = 0; i < NIOCS; i++)
		g_pnames[i] = iocs[i].name;
	for (i = 0; i < n_scens; i++) {
		snprintf(g_scen_names[i], sizeof(g_scen_names[i]), "scen-%s",
			 scens[i].name);
		g_pnames[NIOCS + i] = g_scen_names[i];
	}
	for (i = 0; i < NXPRIMS; i++)
		g_pnames[NIOCS + n_scens + i] = xprims[i].name;
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
	if (k < n_scens) {
		run_scen(w, k);
		return;
	}
	xprims[k - n_scens].fn(w, o->arg);
}

static const struct prog *g_prog;	/* the executor's program */
static int g_pc;			/* and its next op */

/*
 * sub: fork; the child runs the next @arg ops and exits, unless it is
 * SIGKILLed first at a random point (mid-call, mid-stall, with
 * attachments and undo entries); the parent goes on after those ops.
 */
void prim_sub(struct wk *w, unsigned int arg)
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
void exec_prog(const struct prog *p)
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
int exec_main(const char *file)
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

