// SPDX-License-Identifier: GPL-2.0
/* fuzz: the sequence primitives of the coverage-guided mode. */
#include "fuzz.h"

/*
 * Coverage-guided mode (--corpus DIR, --kcov, --reproduce FILE).
 *
 * A program (selftests/fuzz/corpus.h) is a list of ops; executing an op
 * re-seeds the thread's PRNG from the op's seed and runs one primitive:
 * a generator (iocs.c: the ioctl vocabulary), a scenario (scen.c), or
 * one of the sequence primitives below (stalled copies, id recycling,
 * operations on attachments, fork/exec/SIGKILL, signals, uid changes).
 * The manager (manager.c, in the main process) runs each program in a
 * fresh executor process (exec.c) from an empty registry, with KCOV
 * enabled on every executor thread; a program that reaches an edge never
 * seen joins the corpus.  New programs are mutations of corpus programs,
 * or random ones.
 */

struct kcov g_kc[NKCOV];
bool g_kcov;			/* coverage available */
int g_kc_main = -1;		/* the buffer of this executor's main thread */
const char *g_corpus;		/* directory, or NULL */
const char *g_outdir;		/* current program, crashes; or NULL */
char g_self32[4096];		/* the 32-bit executor, if built */
int g_msgfd = -1;		/* a 32-bit executor's failure text */

static const char *const stnames[] = {
	"SETALL", "GETALL", "semop", "msgsnd", "msgrcv", "list",
};

struct view {			/* an attachment under mm operations */
	uintptr_t addr;
	uint64_t len;
	int id;
	bool rdonly;
};

struct stall g_st[NSTALL];
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
uid_t g_euid;

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
void prim_stall(struct wk *w, unsigned int arg)
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

void prim_release(struct wk *w, unsigned int arg)
{
	int i;

	(void)arg;
	for (i = 0; i < NSTALL; i++)
		if (g_st[i].active) {
			stall_release(w, &g_st[i]);
			return;
		}
}

void release_all(struct wk *w)
{
	int i;

	for (i = 0; i < NSTALL; i++)
		if (g_st[i].active)
			stall_release(w, &g_st[i]);
}

/* Create a private object of @kind and @size; its id or -errno. */
static int create_obj(struct wk *w, unsigned int kind, uint64_t size)
{
	return new_private(w, kind, 0666, size,
			   EM(ENOSPC) | EM(ENOMEM) | EM(EINVAL));
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
void prim_recycle(struct wk *w, unsigned int arg)
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

		memset(&c, 0, sizeof(c));
		c.id = id;
		c.cmd = AIXIPC_IPC_STAT;
		if (fz_call_clean(w, IOC_SEMCTL, &c, 0))
			return;
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
void prim_view(struct wk *w, unsigned int arg)
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

		memset(&d, 0, sizeof(d));
		d.addr = v->addr;
		if (!fz_call_clean(w, IOC_SHMDT, &d, EM(EINVAL))) {
			view_forget(i);
			return;
		}
		what = "a refused shmdt";
	}
	if (v->rdonly && !w->failed)
		rdonly_check(w, v, what);
}

void views_drop(void)
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
void prim_lockresize(struct wk *w, unsigned int arg)
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
		value < g_limits.shmmin || value > t_shmmax(&g_limits) ? EM(EINVAL) :
		EM(EINVAL) | EM(EIDRM) | EM(EPERM) | EM(ENOSPC) | EM(ENOMEM));
	if (chance(w, 40))
		scen_shm_touch(w);
	if (chance(w, 30))
		shm_ctl(w, id, AIXIPC_SHM_UNLOCK, NULL, NULL,
			EM(EINVAL) | EM(EIDRM) | EM(EPERM));
}

/* signal: SIGALRM to this thread after a random short delay (EINTR). */
void prim_signal(struct wk *w, unsigned int arg)
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
void prim_uid(struct wk *w, unsigned int arg)
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

