// SPDX-License-Identifier: GPL-2.0
/* fuzz: the parent: spawning, reaping, chaos, the final cleanup, statistics. */
#include "fuzz.h"

struct child kids[MAX_PROCS];

void spawn(int proc)
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
int reap(bool respawn)
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

void chaos(struct wk *pw, double t)
{
	unsigned int i;

	for (i = 0; i < g_procs; i++)
		if (kids[i].alive && kids[i].stopped && t >= kids[i].cont_at) {
			kill(kids[i].pid, SIGCONT);
			kids[i].stopped = false;
		}
	if (g_ns && chance(pw, 5))	/* ~ every 2 s */
		ns_replace(pw);
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

/* Remove every object of every kind; then the listing must be empty. */
void cleanup(struct wk *pw)
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

void progress(double t0, double t)
{
	uint64_t ops = LOAD(sh->ops);

	out("# ops=%" PRIu64 " per second=%.0f elapsed=%.0fs respawned=%u kills=%u stops=%u forks=%" PRIu64 "\n",
	    ops, t > t0 ? (double)ops / (t - t0) : 0.0, t - t0, n_respawn,
	    n_kills, n_stops, LOAD(sh->forks));
}

/* "@title name=count ..." for @n counters. */
static void stats_line(const char *title, const char *const *names,
		       const uint64_t *counts, int n)
{
	char line[1024];
	size_t o;
	int j;

	o = (size_t)snprintf(line, sizeof(line), "%s", title);
	for (j = 0; j < n && o < sizeof(line); j++)
		o += (size_t)snprintf(line + o, sizeof(line) - o, " %s=%" PRIu64,
				      names[j], counts[j]);
	out("%s\n", line);
}

void summary(void)
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
	stats_line("# envelope:", envnames, sh->env_stats, N_ENV);
	stats_line("# argument pointer:", ptrnames, sh->ptr_stats, N_PTR);
	stats_line("# message/list buffer:", ptrnames, sh->buf_stats, N_PTR);
	o = (size_t)snprintf(line, sizeof(line), "# scenarios:");
	for (j = 0; j < n_scens && o < sizeof(line); j++)
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

