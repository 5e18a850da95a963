// SPDX-License-Identifier: GPL-2.0
/* fuzz: ids (a shared pool per kind, stale ids, reserved ids), kinds, keys. */
#include "fuzz.h"

bool is_iso(int id)
{
	int i;

	for (i = 0; i < ISO_N; i++)
		if (LOAD(sh->iso[i]) == id)
			return true;
	return false;
}

int pick_id(struct wk *w, unsigned int kind)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	int id;

	if (kind >= AIXIPC_NR_KINDS)
		kind = AIXIPC_MSG;
	if (r < 65) {
		id = LOAD(sh->pool[kind][rnd(w, POOL_N)]);
		if (id >= 0)
			return is_iso(id) ? -2 : id;
		r = 80;
	}
	if (r < 75) {
		id = LOAD(sh->stale[rnd(w, STALE_N)]);
		if (id >= 0)
			return is_iso(id) ? -2 : id;
	}
	if (r < 82)
		id = (int)rnd(w, 64);			/* seq 0 */
	else if (r < 87)
		id = (int)(r64(w) & 0x7fffffff);	/* anything */
	else if (r < 92)
		id = chance(w, 50) ? -1 : (int)(r64(w) | 0x80000000U);
	else if (r < 97) {
		/* A live id with other sequence bits: a reused slot. */
		id = LOAD(sh->pool[kind][rnd(w, POOL_N)]);
		if (id < 0)
			id = 0;
		id ^= (int)(1U << (20 + rnd(w, 11)));
	} else
		id = chance(w, 50) ? INT32_MAX : 0;
	if (is_iso(id))
		id = -2;
	return id;
}

static void stale_add(int id)
{
	unsigned int pos = ADD(sh->stale_pos, 1);

	STORE(sh->stale[pos % STALE_N], id);
}

void pool_forget(unsigned int kind, int id)
{
	int i;

	for (i = 0; i < POOL_N; i++) {
		int old = id;

		__atomic_compare_exchange_n(&sh->pool[kind][i], &old, -1, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	}
	stale_add(id);
}


void pool_add(struct wk *w, unsigned int kind, int id)
{
	int old;

	if (kind >= AIXIPC_NR_KINDS || id < 0 || is_iso(id))
		return;
	old = __atomic_exchange_n(&sh->pool[kind][rnd(w, POOL_N)], id,
				  __ATOMIC_RELAXED);
	/* Evicted ids are often removed, so objects do not pile up. */
	if (old >= 0 && old != id && kind == AIXIPC_MSG && chance(w, 40))
		rmid_msg(w, old);
	if (old >= 0 && old != id && kind == AIXIPC_SHM && chance(w, 40) &&
	    !is_iso(old))
		rmid_shm(w, old);
}

uint32_t pick_kind(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 68)
		return AIXIPC_MSG;
	if (r < 80)
		return AIXIPC_SEM;
	if (r < 92)
		return AIXIPC_SHM;
	if (r < 96)
		return AIXIPC_NR_KINDS;
	return (uint32_t)r64(w);
}

static const int32_t g_keys[] = {
	0, 1, 2, 3, 0x41495843, INT32_MAX, INT32_MIN, -2,
};

int32_t pick_key(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	int32_t k;

	if (r < 50)
		return g_keys[rnd(w, sizeof(g_keys) / sizeof(g_keys[0]))];
	if (r < 88)
		return AIXIPC_KEY_PRIVATE;
	k = (int32_t)(uint32_t)r64(w);
	if ((k & 0xff000000) == ISO_TYPE_BASE)	/* keep off scenario keys */
		k ^= 0x01000000;
	return k;
}

/*
 * Create a private object (a clean call, the errnos in @allow besides the
 * common set's success); its id or -errno.
 */
int new_private(struct wk *w, uint32_t kind, uint32_t mode, uint64_t size,
		unsigned int allow)
{
	struct aixipc_get g;
	int rc;

	memset(&g, 0, sizeof(g));
	g.kind = kind;
	g.key = AIXIPC_KEY_PRIVATE;
	g.flags = AIXIPC_CREAT;
	g.mode = mode;
	g.size = size;
	rc = fz_call_clean(w, IOC_GET, &g, allow);
	return rc ? rc : g.id;
}
