// SPDX-License-Identifier: GPL-2.0
/* fuzz: worker processes and their threads. */
#include "fuzz.h"

void *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);

	if (p == MAP_FAILED) {
		out("# mmap %zu: %s\n", len, strerror(errno));
		exit(2);
	}
	return p;
}

void wk_init(struct wk *w, int fd, int proc, int thread, int gen)
{
	memset(w, 0, sizeof(*w));
	rng_seed(&w->r, derive(g_seed, (uint64_t)proc + 2, (uint64_t)thread,
			       (uint64_t)gen));
	w->fd = fd;
	w->proc = proc;
	w->thread = thread;
	w->gen = gen;
	w->bufkind = -1;
	memset(w->nsfd, 0xff, sizeof(w->nsfd));
	w->ns_cur = g_init_inum;
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
		if (g_ns && w->ops % 8 == 7)
			ns_switch(w);
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

void worker_proc(int proc, int gen, int fd)
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

