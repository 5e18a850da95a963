// SPDX-License-Identifier: GPL-2.0
/* fuzz: shared memory scenarios. */
#include "fuzz.h"

/* Touch our attachments: a byte read or written, somewhere in a page. */
void scen_shm_touch(struct wk *w)
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
void scen_shm_pieces(struct wk *w)
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
void scen_shm_forkkill(struct wk *w)
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

