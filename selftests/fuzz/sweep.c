// SPDX-License-Identifier: GPL-2.0
/* fuzz: listing and the sweep (bounds memory). */
#include "fuzz.h"

/* A full walk of one kind, clean calls; returns entries or -errno. */
long list_all(struct wk *w, uint32_t kind, uint32_t batch)
{
	struct aixipc_list l;
	size_t n = 0;
	int rc, rounds = 0;

	memset(&l, 0, sizeof(l));
	l.kind = kind;
	for (;;) {
		uint32_t i;

		l.entries = (uintptr_t)w->region;
		l.count = batch;
		l.entry_size = sizeof(struct aixipc_list_entry);
		rc = fz_call_clean(w, IOC_LIST, &l, 0);
		if (rc)
			return rc;
		if (!l.count || ++rounds > 100000)
			break;
		for (i = 0; i < l.count && n < w->nents_max; i++) {
			struct aixipc_list_entry e;

			memcpy(&e, w->region + (size_t)i * sizeof(e), sizeof(e));
			w->ents[n].id = e.id;
			w->ents[n].cbytes = kind == AIXIPC_MSG ? e.msg.cbytes : 0;
			w->ents[n].qnum = kind == AIXIPC_MSG ? e.msg.qnum : 0;
			w->ents[n].pages = 0;
			w->ents[n].rss = 0;
			w->ents[n].status = 0;
			w->ents[n].key = 0;
			if (kind == AIXIPC_SHM) {
				if (!shm_ds_sane(w, &e.shm, "listing"))
					return -EPROTO;
				w->ents[n].pages = pg_align(e.shm.segsz) / g_pg;
				w->ents[n].rss = e.shm.rss;
				w->ents[n].status = e.shm.status;
				w->ents[n].key = (uint32_t)e.shm.perm.key;
			}
			n++;
		}
	}
	return (long)n;
}

/*
 * Remove segments while there are too many, too many pages in memory, or
 * too much of shmall taken.  One removed but still attached lives on to
 * its last detach (and is not removed again); a model's are left alone.
 */
static void sweep_shm(struct wk *w, size_t max_objs, uint64_t max_rss,
		      uint64_t max_pages)
{
	uint64_t rss = 0, pages = 0;
	long n = list_all(w, AIXIPC_SHM, 1 + (uint32_t)rnd(w, 32)), i;

	for (i = 0; i < n; i++) {
		rss += w->ents[i].rss;
		pages += w->ents[i].pages;
	}
	for (i = 0; i < n; i++) {
		size_t left = (size_t)(n - i);
		bool big = w->ents[i].rss > max_rss / 8;

		/* A model's segment has a reserved key before it is iso. */
		if ((w->ents[i].status & AIXIPC_SHM_DEST) || is_iso(w->ents[i].id) ||
		    (w->ents[i].key & 0xff000000) == ISO_TYPE_BASE)
			continue;
		if (left <= max_objs / 2 && rss <= max_rss / 2 &&
		    pages <= max_pages / 2 && !big)
			continue;
		if (!big && left <= max_objs && rss <= max_rss &&
		    pages <= max_pages && chance(w, 50))
			continue;
		if (rmid_shm(w, w->ents[i].id) == 0) {
			ADD(sh->shm_swept, 1);
			rss -= w->ents[i].rss;
			pages -= w->ents[i].pages;
		}
	}
}

/* Remove queues while there are too many, or too much queued; segments too. */
void sweep(struct wk *w, size_t max_objs, uint64_t max_bytes,
	   uint64_t max_msgs)
{
	uint64_t bytes = 0, msgs = 0;
	long n, i;

	sweep_shm(w, max_objs, max_bytes / 2 / g_pg, g_limits.shmall / 4);
	n = list_all(w, AIXIPC_MSG, 1 + (uint32_t)rnd(w, 32));
	ADD(sh->sweeps, 1);
	if (n <= 0)
		return;
	for (i = 0; i < n; i++) {
		bytes += w->ents[i].cbytes;
		msgs += w->ents[i].qnum;
	}
	for (i = 0; i < n; i++) {
		size_t left = (size_t)(n - i);
		bool big = w->ents[i].cbytes > max_bytes / 8 ||
			   w->ents[i].qnum > max_msgs / 8;

		if (left <= max_objs / 2 && bytes <= max_bytes / 2 &&
		    msgs <= max_msgs / 2 && !big)
			continue;
		if (!big && left <= max_objs && bytes <= max_bytes &&
		    msgs <= max_msgs && chance(w, 50))
			continue;
		if (rmid_msg(w, w->ents[i].id) == 0) {
			ADD(sh->swept, 1);
			bytes -= w->ents[i].cbytes;
			msgs -= w->ents[i].qnum;
		}
	}
}
