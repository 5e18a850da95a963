// SPDX-License-Identifier: GPL-2.0
/* fuzz: scenarios (structured sequences) and the choice of each operation. */
#include "fuzz.h"

int iso_take(int id)
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

void iso_drop(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&sh->iso[slot], -1, __ATOMIC_SEQ_CST);
}

static int new_private_queue(struct wk *w, uint32_t mode)
{
	return new_private(w, AIXIPC_MSG, mode, 0, 0);
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
		if (_IOC_NR(iocs[i].cmd) == nr && size < ioc_min_size(&iocs[i]))
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
	if (rc > 0 && cmd == AIXIPC_IOC_MSGFD) {	/* a queue descriptor */
		close((int)rc);
		rc = 0;
	}
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

void reap_kids(struct wk *w, bool all)
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

void drop_privileges(void)
{
	if (setgroups(0, NULL) || setresgid(DROP_ID, DROP_ID, DROP_ID) ||
	    setresuid(DROP_ID, DROP_ID, DROP_ID))
		return;
	g_unpriv = true;
	ADD(sh->drops, 1);
}

void alarm_handler(int sig)
{
	(void)sig;
}

/*
 * Children of the shm scenarios ask for SIGUSR2 when the thread that
 * forked them dies (its worker was SIGKILLed): they leave quietly, to be
 * reaped by the parent as orphans.
 */
void orphan_handler(int sig)
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

const struct scen_desc scens[] = {
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
	{ "sem-scribble", 3, scen_sem_scribble },
};
const int n_scens = (int)(sizeof(scens) / sizeof(scens[0]));
_Static_assert(sizeof(scens) / sizeof(scens[0]) <= MAX_SCEN, "raise MAX_SCEN");

/* Run scenario @i; in a fork child, not fork, shm-forkkill or shm-model. */
void run_scen(struct wk *w, int i)
{
	if (!w->in_child || (scens[i].run != scen_fork &&
			     scens[i].run != scen_shm_forkkill &&
			     scens[i].run != scen_shm_model)) {
		ADD(sh->scen_stats[i], 1);
		scens[i].run(w);
	}
}

void one_op(struct wk *w, bool scenarios)
{
	unsigned int total = 0, r;
	int i;

	if (scenarios && chance(w, 15)) {
		for (i = 0; i < n_scens; i++)
			total += scens[i].weight;
		r = (unsigned int)rnd(w, total);
		for (i = 0; r >= scens[i].weight; i++)
			r -= scens[i].weight;
		run_scen(w, i);
		return;
	}
	for (i = 0; i < NIOCS; i++)
		total += iocs[i].weight;
	r = (unsigned int)rnd(w, total);
	for (i = 0; r >= iocs[i].weight; i++)
		r -= iocs[i].weight;
	iocs[i].gen(w);
}

