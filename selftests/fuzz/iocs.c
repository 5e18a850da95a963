// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: the ioctl table, iocs[] at the end of this file, and its
 * generators, one per ioctl.
 *
 * Adding an ioctl: write its generator here (gen_NAME: build the argument
 * struct from the PRNG, make the call with fz_call(w, IOC_NAME, &arg), check
 * what a success returns), add its index IOC_NAME to the enum in fuzz.h
 * (before N_IOCS; raise MAX_IOCS past 16 ioctls) and its entry in iocs[]
 * below: name, command, struct size, weight, generator, and the errnos it
 * may give beyond the common set.  Nothing else needs to know: the
 * concurrent mode picks generators by weight from iocs[], the guided mode
 * names them after it, the statistics have a row for each.
 */
#include "fuzz.h"

#include <poll.h>

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
	/*
	 * Pinned and large-page segments; pinned ones only small, as a
	 * root worker's pin is held to no limit and allocates at once.
	 */
	if (chance(w, 10))
		g.flags |= AIXIPC_SHM_LGPAGE;
	if (chance(w, 10))
		g.flags |= AIXIPC_SHM_PIN;
	if (g.kind == AIXIPC_SHM && g.size > (4 << 20))
		g.flags &= ~AIXIPC_SHM_PIN;
	if (chance(w, 3))
		g.__reserved = (uint32_t)r64(w) | 1;
	g.id = (int32_t)r64(w);
	bad = g.__reserved || (g.mode & ~0777U) ||
	      g.kind >= AIXIPC_NR_KINDS ||
	      (g.flags & ~(AIXIPC_CREAT | AIXIPC_EXCL |
			   (g.kind == AIXIPC_SHM ? AIXIPC_SHM_PIN |
			    AIXIPC_SHM_LGPAGE : 0)));
	/* A new segment must have a size within shmmin..shmmax. */
	shm_bad = g.kind == AIXIPC_SHM && g.key == AIXIPC_KEY_PRIVATE &&
		  (g.size < g_limits.shmmin || g.size > t_shmmax(&g_limits));
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

/*
 * What a LIST or NS call naming namespace @ns must give before it looks at
 * anything else: 0 if it may go on, EPERM (not the initial namespace's
 * administrator), or -1 when it depends on whether @ns is still known
 * (ENOENT or go on).
 */
static int ns_gate(struct wk *w, uint64_t ns)
{
	if (ns == AIXIPC_NS_SELF)
		return 0;
	if (!ns_admin(w))
		return EPERM;
	if (ns == g_init_inum || ns == w->ns_cur)
		return 0;
	return ns > UINT32_MAX ? ENOENT : -1;
}

static void gen_list(struct wk *w)
{
	struct aixipc_list l;
	uint64_t cnt_in, room, cur_in, last_ns = 0;
	unsigned int r;
	uint32_t i;
	int bk, rc, gate;
	bool all, has_ns;

	memset(&l, 0, sizeof(l));
	l.kind = pick_kind(w);
	l.flags = chance(w, 95) ? 0 : (uint32_t)r64(w) | 1;
	l.ns = chance(w, 50) ? AIXIPC_NS_SELF : pick_ns(w);
	all = l.ns == AIXIPC_NS_ALL;
	r = (unsigned int)rnd(w, 100);
	l.cursor = r < 40 ? 0 : r < 65 ? rnd(w, 64) : r < 75 ? MAX_SLOTS :
		   r < 80 ? MAX_SLOTS + 1 : r < 90 ? rnd(w, MAX_SLOTS) : r64(w);
	if (all && chance(w, 30))	/* a cursor into a namespace, or the end */
		l.cursor = chance(w, 20) ? ~0ULL : pick_ns(w) << 32 | rnd(w, 64);
	r = (unsigned int)rnd(w, 100);
	l.count = r < 30 ? 1 + (uint32_t)rnd(w, 8) : r < 45 ? 0 :
		  r < 75 ? (uint32_t)rnd(w, 256) : r < 85 ? UINT32_MAX :
		  (uint32_t)rnd(w, 64);
	r = (unsigned int)rnd(w, 100);
	l.entry_size = r < 55 ? sizeof(struct aixipc_list_entry) :
		       r < 65 ? AIXIPC_LIST_ENTRY_SIZE_V1 :
		       r < 72 ? (uint32_t)rnd(w, sizeof(struct aixipc_list_entry)) :
		       r < 90 ? sizeof(struct aixipc_list_entry) + (uint32_t)rnd(w, 300) :
		       (uint32_t)r64(w);
	l.entries = pick_buf(w, (uint64_t)l.count * l.entry_size);
	/* Valid buffers: never let the module write past the region. */
	room = region_room(w, l.entries);
	if (w->bufkind == P_NORMAL && l.entry_size &&
	    (uint64_t)l.count * l.entry_size > room)
		l.count = room / l.entry_size ? (uint32_t)(room / l.entry_size) : 1;
	cnt_in = l.count;
	cur_in = l.cursor;
	bk = w->bufkind;
	gate = all ? (ns_admin(w) ? 0 : EPERM) : ns_gate(w, l.ns);
	rc = fz_call(w, IOC_LIST, &l);
	if (!w->env_ok)
		return;
	if (gate > 0 || (gate < 0 && rc == -ENOENT)) {
		if (rc != -gate && !(gate < 0 && rc == -ENOENT))
			fz_fail(w, "list of namespace %#llx answered %s, not %s",
				(unsigned long long)l.ns, rc ? strerror(-rc) : "success",
				strerror(gate));
		else
			ADD(sh->ns_checks, 1);
		return;
	}
	if (rc)
		return;
	if (l.flags || l.entry_size < AIXIPC_LIST_ENTRY_SIZE_V1 ||
	    l.kind >= AIXIPC_NR_KINDS || (all && cur_in != ~0ULL &&
					  (uint32_t)cur_in > MAX_SLOTS)) {
		fz_fail(w, "list accepted kind %u flags %#x entry_size %u ns %#llx cursor %#llx",
			l.kind, l.flags, l.entry_size, (unsigned long long)l.ns,
			(unsigned long long)cur_in);
		return;
	}
	if (l.count > cnt_in || (!all && l.cursor > MAX_SLOTS) ||
	    (all && l.cursor != ~0ULL && (uint32_t)l.cursor > MAX_SLOTS)) {
		fz_fail(w, "list answered count %u of %" PRIu64 " cursor %#llx",
			l.count, cnt_in, (unsigned long long)l.cursor);
		return;
	}
	if (bk != P_NORMAL)
		return;
	/* Entries between the two sizes have part of ns: not checked. */
	has_ns = l.entry_size >= sizeof(struct aixipc_list_entry);
	for (i = 0; i < l.count; i++) {
		const char *e = (const char *)(uintptr_t)l.entries +
				(size_t)i * l.entry_size;
		struct aixipc_list_entry ent;
		size_t j;

		memset(&ent, 0, sizeof(ent));
		memcpy(&ent, e, l.entry_size < sizeof(ent) ? l.entry_size : sizeof(ent));
		if (ent.kind != l.kind || ent.id < 0) {
			fz_fail(w, "list entry %u: kind %u id %d", i, ent.kind, ent.id);
			return;
		}
		for (j = sizeof(ent); j < l.entry_size; j++)
			if (e[j]) {
				fz_fail(w, "list entry %u: tail byte %zu not zero", i, j);
				return;
			}
		if (has_ns &&
		    (all ? !ent.ns || ent.ns < last_ns || ent.ns > UINT32_MAX :
		     ent.ns != (l.ns == AIXIPC_NS_SELF ? w->ns_cur : l.ns))) {
			fz_fail(w, "list entry %u of namespace %#llx: ns %llu (after %llu; caller in %llu)",
				i, (unsigned long long)l.ns,
				(unsigned long long)ent.ns,
				(unsigned long long)last_ns,
				(unsigned long long)w->ns_cur);
			return;
		}
		last_ns = ent.ns;
		if (ent.kind == AIXIPC_MSG && ent.msg.perm.mode & ~0777U) {
			fz_fail(w, "list entry %u: mode %#o", i, ent.msg.perm.mode);
			return;
		}
		if (ent.kind == AIXIPC_SHM && !shm_ds_sane(w, &ent.shm, "list entry"))
			return;
		/* Others' objects too: exercises permissions across users. */
		if ((ent.msg.perm.key & 0xff000000) != ISO_TYPE_BASE &&
		    l.ns == AIXIPC_NS_SELF && chance(w, 10))
			pool_add(w, ent.kind, ent.id);
	}
	ADD(sh->checks, 1);
}

static void gen_msgsnd(struct wk *w)
{
	do_msgsnd(w, pick_id(w, AIXIPC_MSG), pick_mtype(w), pick_size(w),
		  pick_wait_flags(w, 0), pick_type_size(w), true);
}

static void gen_msgrcv(struct wk *w)
{
	do_msgrcv(w, pick_id(w, AIXIPC_MSG), pick_msgtyp(w), pick_rcv_size(w),
		  pick_wait_flags(w, AIXIPC_MSG_NOERROR | AIXIPC_MSG_EXCEPT),
		  pick_type_size(w), true, NULL);
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

/*
 * IPC_SET's fields (msgctl, shmctl): the reserved words, owner and mode,
 * mostly kept or sane.  Whether they make IPC_SET fail with EINVAL.
 */
static bool pick_set_perm(struct wk *w, struct aixipc_ipc_perm *perm,
			  uint32_t *reserved)
{
	unsigned int r;

	perm->__reserved = chance(w, 97) ? 0 : (uint32_t)r64(w) | 1;
	*reserved = chance(w, 97) ? 0 : (uint32_t)r64(w) | 1;
	perm->uid = pick_ugid(w, perm->uid);
	perm->gid = pick_ugid(w, perm->gid);
	r = (unsigned int)rnd(w, 100);
	perm->mode = r < 25 ? perm->mode : r < 50 ? 0600 :
		     r < 70 ? 0666 : r < 95 ? (uint32_t)rnd(w, 01000) :
		     (uint32_t)r64(w) | 01000;
	return perm->__reserved || *reserved || (perm->mode & ~0777U) ||
	       perm->uid == UINT32_MAX || perm->gid == UINT32_MAX;
}

/*
 * Usually an id's IPC_STAT; sometimes the status by index (STAT_INDEX,
 * without a permission check STAT_INDEX_ANY), @id then an index: small,
 * where objects are, or negative or beyond every slot.
 */
static uint32_t pick_stat(struct wk *w, int32_t *id)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 70)
		return AIXIPC_IPC_STAT;
	*id = r < 92 ? (int32_t)rnd(w, 64) : chance(w, 50) ? -1 - (int32_t)rnd(w, 4) :
	      (int32_t)(r64(w) >> 33);
	return chance(w, 50) ? AIXIPC_STAT_INDEX : AIXIPC_STAT_INDEX_ANY;
}

/* An unknown *_ctl command: never one the UAPI defines. */
static bool known_ctl_cmd(uint32_t cmd)
{
	return cmd <= AIXIPC_IPC_STAT || cmd == AIXIPC_STAT_INDEX ||
	       cmd == AIXIPC_STAT_INDEX_ANY;
}

static void gen_msgctl(struct wk *w)
{
	struct aixipc_msgctl c;
	unsigned int r = (unsigned int)rnd(w, 100);
	bool bad = false;

	fill_random(w, &c, sizeof(c));
	c.id = pick_id(w, AIXIPC_MSG);
	if (r < 40) {
		c.cmd = pick_stat(w, &c.id);
	} else if (r < 65) {
		struct aixipc_msqid_ds ds;
		uint64_t mnb = g_limits.msgmnb;

		c.cmd = AIXIPC_IPC_SET;
		if (chance(w, 70) && msg_stat(w, c.id, &ds) == 0)
			c.ds = ds;
		bad = pick_set_perm(w, &c.ds.perm, &c.ds.__reserved);
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
	} else if (r < 85) {
		c.cmd = AIXIPC_IPC_RMID;
	} else {
		c.cmd = chance(w, 50) ? 3 + (uint32_t)rnd(w, 16) : (uint32_t)r64(w);
		if (known_ctl_cmd(c.cmd))
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
	} else if (c.cmd != AIXIPC_IPC_SET) {
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

int rmid_sem(struct wk *w, int id)
{
	struct aixipc_semctl c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = AIXIPC_IPC_RMID;
	rc = fz_call_clean(w, IOC_SEMCTL, &c, 0);
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
	else if (c.cmd == AIXIPC_IPC_STAT)
		c.cmd = pick_stat(w, &c.id);
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

#ifdef AIXIPC_IOC_SEMMAP
/*
 * AIXIPC_IOC_SEMMAP: random ids and flags; a success names a mapping of
 * the set's area that this thread then reads and unmaps.
 */
static void gen_semmap(struct wk *w)
{
	struct aixipc_semmap r;
	const volatile struct aixipc_sem_meta *meta;
	uint64_t want;
	unsigned int i;
	int rc;

	fill_random(w, &r, sizeof(r));	/* out fields must be ignored */
	r.id = pick_id(w, AIXIPC_SEM);
	r.flags = chance(w, 90) ? (chance(w, 60) ? AIXIPC_SEMMAP_WRITE |
					    AIXIPC_SEMMAP_UNDO : 0) :
		  (uint32_t)r64(w) | 4;
	rc = fz_call(w, IOC_SEMMAP, &r);
	if (rc || !w->env_ok)
		return;
	want = AIXIPC_SEM_WORDS_OFFSET + pg_align((uint64_t)r.nsems * 8);
	if (r.flags & ~(AIXIPC_SEMMAP_WRITE | AIXIPC_SEMMAP_UNDO) || !r.nsems ||
	    r.nsems > g_limits.semmsl || r.size != want || r.addr % g_pg ||
	    r.ticket <= AIXIPC_SEM_TICKET_KERNEL ||
	    r.ticket & AIXIPC_SEM_TICKET_HOLD) {
		fz_fail(w, "semmap of set %d flags %#x: addr %#llx size %llu nsems %u ticket %u",
			r.id, r.flags, (unsigned long long)r.addr,
			(unsigned long long)r.size, r.nsems, r.ticket);
		return;
	}
	meta = (const volatile struct aixipc_sem_meta *)(uintptr_t)r.addr;
	/* Removed meanwhile: live 0, every word the kernel's. */
	if (meta->live == AIXIPC_SEM_LIVE &&
	    (meta->nsems != r.nsems || meta->semvmx != g_limits.semvmx))
		fz_fail(w, "semmap of set %d: meta nsems %u semvmx %u, answer nsems %u",
			r.id, meta->nsems, meta->semvmx, r.nsems);
	for (i = 0; i < r.nsems && i < 8; i++)
		(void)((const volatile uint64_t *)(uintptr_t)(r.addr +
				AIXIPC_SEM_WORDS_OFFSET))[i];
	if (munmap((void *)(uintptr_t)r.addr, (size_t)r.size))
		fz_fail(w, "munmap of set %d's area: %s", r.id, strerror(errno));
	else
		ADD(sh->checks, 1);
}
#endif

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

uint64_t pick_resize(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 40)
		return 1 + rnd(w, 4 * g_pg);
	if (r < 65)
		return g_pg * (1 + rnd(w, 32)) + rnd(w, 3) - 1;
	if (r < 82)
		return 1 + rnd(w, 16 << 20);
	if (r < 86)
		return t_shmmax(&g_limits);
	if (r < 88)
		return t_shmmax(&g_limits) + 1;
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
		c.cmd = pick_stat(w, &c.id);
		allow = EM(EINVAL) | EM(EIDRM) | EM(EACCES);
	} else if (r < 38) {
		struct aixipc_shmid_ds ds;

		c.cmd = AIXIPC_IPC_SET;
		if (chance(w, 70) && shm_stat(w, c.id, &ds) == 0)
			c.ds = ds;
		bad = pick_set_perm(w, &c.ds.perm, &c.ds.__reserved);
		/* ds.__reserved is refused before the id is looked at. */
		allow = c.ds.__reserved ? EM(EINVAL) :
			EM(EINVAL) | EM(EIDRM) | EM(EPERM);
	} else if (r < 44) {
		c.cmd = AIXIPC_IPC_RMID;
		allow = EM(EINVAL) | EM(EIDRM) | EM(EPERM);
	} else if (r < 62) {
		c.cmd = AIXIPC_SHM_SIZE;
		c.value = pick_resize(w);
		bad = c.value < g_limits.shmmin || c.value > t_shmmax(&g_limits);
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
		/* A huge page is accepted before a segment's first attach. */
		bad = c.value != g_pg && c.value != 2 << 20;
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
	case AIXIPC_STAT_INDEX:
	case AIXIPC_STAT_INDEX_ANY:
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

/*
 * A limit of the host's made invalid: above its cap (shmmin: above shmmax).
 * False if that field cannot be (the cap is the largest value).
 */
static bool spoil_limit(struct wk *w, struct aixipc_limits *l)
{
	__u64 *f = (__u64 *)l;
	size_t n = sizeof(*l) / sizeof(*f), i = rnd(w, n);

	if (&f[i] == &l->shmmin) {
		f[i] = l->shmmax + 1;
		return l->shmmax != UINT64_MAX;
	}
	if (f[i] == UINT64_MAX)
		return false;
	f[i] += 1 + (chance(w, 70) ? 0 : rnd(w, UINT64_MAX - f[i]));
	return true;
}

/*
 * AIXIPC_IOC_NS.  Only invalid limits are ever set: valid ones are always
 * the initial namespace's (g_limits), which every namespace of the fuzzer
 * has, so the checks against g_limits hold everywhere.
 */
static void gen_ns(struct wk *w)
{
	struct aixipc_ns_ctl c, in;
	unsigned int r = (unsigned int)rnd(w, 100);
	bool bad, spoilt = false, gone = false;
	int rc, want;

	memset(&c, 0, sizeof(c));
	c.cmd = r < 35 ? AIXIPC_NS_GET_LIMITS : r < 50 ? AIXIPC_NS_SET_LIMITS :
		r < 70 ? AIXIPC_NS_RMID : r < 95 ? AIXIPC_NS_NEXT :
		(uint32_t)(AIXIPC_NS_NEXT + 1 + rnd(w, chance(w, 50) ? 4 : UINT32_MAX - 4));
	c.ns = pick_ns(w);
	if (c.cmd == AIXIPC_NS_RMID) {
		c.kind = chance(w, 95) ? pick_kind(w) : (uint32_t)r64(w);
		c.id = pick_id(w, c.kind);
	} else if (chance(w, 4)) {
		c.kind = (uint32_t)rnd(w, 4);
		c.id = (int32_t)r64(w) | 1;
	}
	if (chance(w, 3))
		c.__reserved = (uint32_t)r64(w) | 1;
	if (c.cmd == AIXIPC_NS_SET_LIMITS) {
		c.limits = g_limits;
		if (chance(w, 50))
			spoilt = spoil_limit(w, &c.limits);
	} else if (chance(w, 50)) {
		fill_random(w, &c.limits, sizeof(c.limits));	/* ignored */
	}
	if (c.cmd == AIXIPC_NS_RMID && c.id < 0)
		c.id = -1;
	in = c;
	bad = c.__reserved || c.cmd > AIXIPC_NS_NEXT ||
	      (c.cmd != AIXIPC_NS_RMID && (c.kind || c.id));
	/*
	 * What it must answer (-1: whatever IPC_RMID of that id gives), and
	 * whether ENOENT may come instead: a namespace that may have died.
	 */
	if (bad) {
		want = EINVAL;
	} else if (c.cmd == AIXIPC_NS_NEXT) {
		want = !ns_admin(w) ? EPERM : c.ns >= UINT32_MAX ? ENOENT : 0;
		gone = want == 0;
	} else if (c.cmd != AIXIPC_NS_GET_LIMITS && !ns_admin(w)) {
		want = EPERM;
	} else {
		want = ns_gate(w, c.ns);
		gone = want < 0;
		if (gone)
			want = 0;
	}
	if (want == 0 && c.cmd == AIXIPC_NS_SET_LIMITS && spoilt)
		want = EINVAL;	/* checked once the namespace is found */
	if (want == 0 && c.cmd == AIXIPC_NS_RMID)
		want = -1;
	rc = fz_call(w, IOC_NS, &c);
	if (!w->env_ok)
		return;
	if (!(gone && rc == -ENOENT) && want >= 0 && rc != -want) {
		fz_fail(w, "ns cmd %u ns %#llx kind %u id %d reserved %#x%s: %s, not %s%s",
			in.cmd, (unsigned long long)in.ns, in.kind, in.id,
			in.__reserved, spoilt ? " (invalid limits)" : "",
			rc ? strerror(-rc) : "success",
			want ? strerror(want) : "success", gone ? " or ENOENT" : "");
		return;
	}
	if (rc == -ENOENT && c.cmd == AIXIPC_NS_RMID && ns_gate(w, c.ns) == 0)
		fz_fail(w, "ns RMID in a namespace we are in or hold: ENOENT");
	if (rc)
		return;
	if (c.cmd == AIXIPC_NS_GET_LIMITS &&
	    (c.ns == AIXIPC_NS_SELF || c.ns == g_init_inum) &&
	    memcmp(&c.limits, &g_limits, sizeof(g_limits))) {
		fz_fail(w, "ns limits of %#llx are not the initial namespace's",
			(unsigned long long)c.ns);
		return;
	}
	if (c.cmd == AIXIPC_NS_NEXT && (c.ns <= in.ns || c.ns > UINT32_MAX)) {
		fz_fail(w, "ns NEXT after %llu answered %llu",
			(unsigned long long)in.ns, (unsigned long long)c.ns);
		return;
	}
	if (c.cmd == AIXIPC_NS_RMID && c.ns == AIXIPC_NS_SELF)
		pool_forget(c.kind, c.id);
	ADD(sh->ns_checks, 1);
}

/*
 * A queue descriptor: flags, class and size at random, the rules of the
 * UAPI as the oracle; a descriptor made is polled, used once (a receive
 * or a status through it) and closed.
 */
static void gen_msgfd(struct wk *w)
{
	const uint32_t known = AIXIPC_MSGFD_READ | AIXIPC_MSGFD_WRITE |
			       AIXIPC_MSGFD_EXCEPT | AIXIPC_MSGFD_INHERIT;
	struct aixipc_msgfd r = { .id = pick_id(w, AIXIPC_MSG) };
	struct pollfd pfd = { .events = POLLIN | POLLOUT };
	bool bad;
	int fd;

	r.flags = (uint32_t)rnd(w, 16);
	if (chance(w, 5))
		r.flags |= 1U << rnd(w, 32);
	if ((r.flags & AIXIPC_MSGFD_READ) || chance(w, 10))
		r.msgtyp = chance(w, 50) ? 0 : pick_msgtyp(w);
	if ((r.flags & AIXIPC_MSGFD_WRITE) || chance(w, 10))
		r.size = chance(w, 10) ? g_limits.msgmax + rnd(w, 2) : pick_size(w);
	bad = (r.flags & ~known) ||
	      !(r.flags & (AIXIPC_MSGFD_READ | AIXIPC_MSGFD_WRITE)) ||
	      (!(r.flags & AIXIPC_MSGFD_READ) &&
	       (r.msgtyp || (r.flags & AIXIPC_MSGFD_EXCEPT))) ||
	      (!(r.flags & AIXIPC_MSGFD_WRITE) && r.size) ||
	      r.size > g_limits.msgmax;
	fd = fz_call(w, IOC_MSGFD, &r);
	if (fd <= 0)
		return;
	if (bad && w->env_ok)
		fz_fail(w, "msgfd accepted flags %#x msgtyp %lld size %llu",
			r.flags, (long long)r.msgtyp, (unsigned long long)r.size);
	pfd.fd = fd;
	if (poll(&pfd, 1, 0) < 0)
		pfd.revents = errno == EINTR ? 0 : POLLNVAL;	/* signals are ours */
	if ((pfd.revents & ~(POLLIN | POLLOUT | POLLERR | POLLHUP)) ||
	    ((pfd.revents & POLLIN) && !(r.flags & AIXIPC_MSGFD_READ)) ||
	    ((pfd.revents & POLLOUT) && !(r.flags & AIXIPC_MSGFD_WRITE)))
		fz_fail(w, "msgfd flags %#x polled %#x", r.flags, pfd.revents);
	if (chance(w, 50)) {
		struct aixipc_msgctl c = { .id = r.id, .cmd = AIXIPC_IPC_STAT };
		int e = ioctl(fd, AIXIPC_IOC_MSGCTL, &c) ? errno : 0;

		if (e && e != EIDRM && e != EACCES)
			fz_fail(w, "status through a queue descriptor: errno %d", e);
	} else {
		char buf[64];
		struct aixipc_msgrcv c = {
			/* A copy: the queue stays as the other oracles know it. */
			.id = r.id, .flags = AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR |
					     AIXIPC_MSG_COPY,
			.msgp = (uintptr_t)buf,
			.size = sizeof(buf) - sizeof(long), .type_size = sizeof(long),
		};
		int e = ioctl(fd, AIXIPC_IOC_MSGRCV, &c) ? errno : 0;

		if (e && e != EIDRM && e != EACCES && e != ENOMSG)
			fz_fail(w, "receive through a queue descriptor: errno %d", e);
	}
	close(fd);
}

const struct ioc_desc iocs[N_IOCS] = {
	[IOC_VERSION] = { "version", AIXIPC_IOC_VERSION,
			  sizeof(struct aixipc_version), 2, gen_version,
			  .kmin = offsetof(struct aixipc_version, release) },
	[IOC_GET] = { "get", AIXIPC_IOC_GET, sizeof(struct aixipc_get), 14,
		      gen_get },
	[IOC_LIST] = { "list", AIXIPC_IOC_LIST, sizeof(struct aixipc_list), 4,
		       gen_list, .kmin = offsetof(struct aixipc_list, ns) },
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
#ifdef AIXIPC_IOC_SEMMAP
	[IOC_SEMMAP] = { "semmap", AIXIPC_IOC_SEMMAP, sizeof(struct aixipc_semmap),
			 3, gen_semmap },
#endif
	[IOC_INFO] = { "info", AIXIPC_IOC_INFO, sizeof(struct aixipc_info), 3,
		       gen_info },
	[IOC_SHMAT] = { "shmat", AIXIPC_IOC_SHMAT, sizeof(struct aixipc_shmat),
			8, gen_shmat },
	[IOC_SHMDT] = { "shmdt", AIXIPC_IOC_SHMDT, sizeof(struct aixipc_shmdt),
			5, gen_shmdt },
	[IOC_SHMCTL] = { "shmctl", AIXIPC_IOC_SHMCTL,
			 sizeof(struct aixipc_shmctl), 9, gen_shmctl },
	[IOC_NS] = { "ns", AIXIPC_IOC_NS, sizeof(struct aixipc_ns_ctl), 3,
		     gen_ns },
	[IOC_MSGFD] = { "msgfd", AIXIPC_IOC_MSGFD, sizeof(struct aixipc_msgfd),
			6, gen_msgfd, .returns_fd = true },
};
