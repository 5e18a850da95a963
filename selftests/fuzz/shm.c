// SPDX-License-Identifier: GPL-2.0
/* fuzz: shared memory sizes, status checks, touches, a thread's attachments. */
#include "fuzz.h"

uint64_t pick_shm_size(struct wk *w)
{
	uint64_t mx = t_shmmax(&g_limits), mn = g_limits.shmmin;
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

bool shm_ds_sane(struct wk *w, const struct aixipc_shmid_ds *ds,
		 const char *what)
{
	const char *why = NULL;

	if (ds->perm.mode & ~0777U)
		why = "mode beyond 0777";
	else if (ds->perm.__reserved || ds->__reserved)
		why = "reserved field set";
	else if (ds->status & ~(AIXIPC_SHM_DEST | AIXIPC_SHM_LOCKED |
				AIXIPC_SHM_PINNED | AIXIPC_SHM_LARGE))
		why = "unknown status bit";
	else if ((ds->status & AIXIPC_SHM_PINNED) &&
		 !(ds->status & AIXIPC_SHM_LOCKED))
		why = "pinned but not locked";
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

void install_fault_handler(void)
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
int probe(struct wk *w, volatile unsigned char *p, bool write,
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

const char *signame(int sig)
{
	return sig == 0 ? "no signal" : sig == SIGBUS ? "SIGBUS" :
	       sig == SIGSEGV ? "SIGSEGV" : "another signal";
}

uint64_t pg_align(uint64_t x)
{
	return (x + g_pg - 1) / g_pg * g_pg;
}

int prot_of(unsigned int ps)
{
	return ps == PS_RW ? PROT_READ | PROT_WRITE : ps == PS_R ? PROT_READ :
	       PROT_NONE;
}

/* A clean shmctl with the contract's errnos for @cmd (@allow). */
int shm_ctl(struct wk *w, int id, uint32_t cmd, uint64_t *value,
	    struct aixipc_shmid_ds *ds, unsigned int allow)
{
	struct aixipc_shmctl c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = cmd;
	if (value)
		c.value = *value;
	rc = fz_call_clean(w, IOC_SHMCTL, &c, allow);
	if (!rc && value)
		*value = c.value;
	if (!rc && ds)
		*ds = c.ds;
	return rc;
}

int shm_stat(struct wk *w, int id, struct aixipc_shmid_ds *ds)
{
	return shm_ctl(w, id, AIXIPC_IPC_STAT, NULL, ds,
		       EM(EINVAL) | EM(EIDRM) | EM(EACCES));
}

int rmid_shm(struct wk *w, int id)
{
	int rc = shm_ctl(w, id, AIXIPC_IPC_RMID, NULL, NULL,
			 EM(EINVAL) | EM(EIDRM) | EM(EPERM));

	if (!rc)
		pool_forget(AIXIPC_SHM, id);
	return rc;
}

/* A clean shmat; 0 or -errno, the mapping in *addr and *size. */
int shm_attach(struct wk *w, int id, uint32_t flags, uint64_t *addr,
	       uint64_t *size, unsigned int allow)
{
	struct aixipc_shmat a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.flags = flags;
	a.addr = *addr;
	rc = fz_call_clean(w, IOC_SHMAT, &a, allow);
	if (!rc) {
		*addr = a.addr;
		*size = a.size;
	}
	return rc;
}

/* A clean shmdt; 0 or -errno, the bytes unmapped in *size. */
int shm_detach(struct wk *w, uint64_t addr, uint64_t *size)
{
	struct aixipc_shmdt d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.addr = addr;
	rc = fz_call_clean(w, IOC_SHMDT, &d, EM(EINVAL));
	*size = rc ? 0 : d.size;
	return rc;
}

unsigned int att_state(const struct att *a, uint64_t page)
{
	if (page < ATT_TRACK)
		return a->pst[page];
	return a->rdonly ? PS_R : PS_RW;
}

uint64_t att_mapped(const struct att *a)
{
	uint64_t np = a->len / g_pg, p, n = 0;

	for (p = 0; p < np; p++)
		n += att_state(a, p) != PS_GONE;
	return n * g_pg;
}

void att_add(struct wk *w, int id, uint64_t addr, uint64_t len,
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

void att_forget(struct wk *w, int i)
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
void att_drop(struct wk *w, int i)
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

void att_drop_all(struct wk *w)
{
	while (w->natt)
		att_drop(w, w->natt - 1);
}

/* A segment to attach: a pool one, or a new small private one. */
int any_segment(struct wk *w)
{
	uint32_t mode;
	uint64_t size;
	int id;

	id = pick_id(w, AIXIPC_SHM);
	if (id >= 0 && chance(w, 80))
		return id;
	mode = chance(w, 80) ? 0666 : 0644;
	size = chance(w, 50) ? g_pg * (1 + rnd(w, 8)) : 1 + rnd(w, 8 * g_pg);
	id = new_private(w, AIXIPC_SHM, mode, size, EM(ENOSPC) | EM(ENOMEM));
	if (id < 0)
		return -1;
	pool_add(w, AIXIPC_SHM, id);
	return id;
}

/* Attach a segment where the kernel likes; into our table. */
void att_new(struct wk *w)
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
uintptr_t own_mapped(struct wk *w, void *stack)
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

