// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: the shared memory model: a single-threaded child whose every
 * mapping is predicted exactly (the shm-model scenario).
 */
#include "fuzz.h"

/*
 * The model: in a single-threaded child, an arena of MD_PAGES pages
 * (reserved PROT_NONE, between MD_GUARD reserved pages each side) holds
 * attachments of up to MD_SEGS reserved segments, made with SHM_REMAP,
 * at free addresses, by mmap(2) of the device; split by mprotect, cut by
 * munmap, shmdt and mremap.  The model knows every mapping (the kernel's
 * VMAs: they never merge) and every byte of every segment, and predicts
 * each result: addresses, sizes, EINVAL/EACCES/EFAULT, what a touch does
 * (SIGSEGV for a protection or nothing there, SIGBUS past the size, else
 * the byte), and each segment's IPC_STAT after every step (size, nattch
 * = mappings here + a fork child's copies, lpid, DEST, LOCKED, key).
 * Removed segments must vanish with their last mapping, however it goes.
 */
#define MD_GUARD	16	/* reserved each side; > MD_SEGPG */
#define MD_PAGES	48	/* the arena */
#define MD_SEGPG	12	/* largest segment, pages */
#define MD_SEGS		3
#define MD_VMAS		64
#define MD_OUT		4

struct md_vma {
	int start, n;		/* arena pages */
	int seg, off;		/* the segment, and its page at start */
	int prot;		/* PS_NONE, PS_R, PS_RW */
	bool rdonly;		/* can never be made writable */
	int att;		/* which attach made it (pieces share it) */
};

struct md_out {			/* a whole attachment outside the arena */
	uintptr_t addr;
	int n, seg;
	bool rdonly;
};

struct md_seg {
	int id, iso;
	int32_t key;
	uint64_t size, map_max;	/* bytes */
	bool dest, gone, locked;
	pid_t lpid;
	unsigned char *data;	/* MD_SEGPG pages: what the segment holds */
};

struct md {
	struct wk *w;
	char *span, *base;	/* the reservation; arena page 0 */
	bool reserved[MD_PAGES];	/* without a vma: reserved, or a hole */
	struct md_vma v[MD_VMAS];
	int nv;
	struct md_out o[MD_OUT];
	int no;
	struct md_seg s[MD_SEGS];
	int ns;
	int gc_pieces[MD_SEGS];	/* copies held by a live fork child */
	int atts;		/* attaches made: the next md_vma.att */
	pid_t me;
	int step;
	const char *op;
};

__attribute__((format(printf, 2, 3)))
static void md_fail(struct md *m, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fz_fail(m->w, "shm model, step %d (%s): %s", m->step, m->op, buf);
}

static char *md_at(struct md *m, int page)
{
	return m->base + (size_t)page * g_pg;
}

static int md_npages(uint64_t size)
{
	return (int)(pg_align(size) / g_pg);
}

static int md_vma_at(struct md *m, int page)
{
	int i;

	for (i = 0; i < m->nv; i++)
		if (page >= m->v[i].start && page < m->v[i].start + m->v[i].n)
			return i;
	return -1;
}

static bool md_hole(struct md *m, int page)
{
	return md_vma_at(m, page) < 0 && !m->reserved[page];
}

static int md_pieces(struct md *m, int j)
{
	int i, n = 0;

	for (i = 0; i < m->nv; i++)
		n += m->v[i].seg == j;
	for (i = 0; i < m->no; i++)
		n += m->o[i].seg == j;
	return n;
}

/* A removed segment goes with its last mapping. */
static void md_settle(struct md *m)
{
	int j;

	for (j = 0; j < m->ns; j++)
		if (m->s[j].dest && !m->s[j].gone &&
		    !md_pieces(m, j) && !m->gc_pieces[j])
			m->s[j].gone = true;
}

/* The mappings of [a, b) are unmapped: what straddles an end is split. */
static void md_cut(struct md *m, int a, int b)
{
	struct md_vma nv[MD_VMAS];
	int i, n = 0, p;

	for (i = 0; i < m->nv; i++) {
		struct md_vma v = m->v[i], l, r;
		int s = v.start, e = v.start + v.n;

		if (e <= a || s >= b) {
			nv[n++] = v;
			continue;
		}
		m->s[v.seg].lpid = m->me;	/* close (and open of a split) */
		if (s < a) {
			l = v;
			l.n = a - s;
			nv[n++] = l;
		}
		if (e > b) {
			r = v;
			r.start = b;
			r.n = e - b;
			r.off = v.off + (b - s);
			nv[n++] = r;
		}
	}
	memcpy(m->v, nv, (size_t)n * sizeof(nv[0]));
	m->nv = n;
	for (p = a; p < b; p++)
		m->reserved[p] = false;
}

static void md_add(struct md *m, int a, int n, int j, int prot, bool rdonly)
{
	struct md_vma v = { a, n, j, 0, prot, rdonly, ++m->atts };

	md_cut(m, a, a + n);
	m->v[m->nv++] = v;
	m->s[j].lpid = m->me;
	if ((uint64_t)n * g_pg > m->s[j].map_max)
		m->s[j].map_max = (uint64_t)n * g_pg;
}

static void md_protect(struct md *m, int a, int b, int prot)
{
	struct md_vma nv[MD_VMAS];
	int i, n = 0;

	for (i = 0; i < m->nv; i++) {
		struct md_vma v = m->v[i], x;
		int s = v.start, e = v.start + v.n, lo, hi;

		if (e <= a || s >= b || v.prot == prot) {
			nv[n++] = v;
			continue;
		}
		lo = s > a ? s : a;
		hi = e < b ? e : b;
		if (s < lo) {
			x = v;
			x.n = lo - s;
			nv[n++] = x;
		}
		x = v;
		x.start = lo;
		x.n = hi - lo;
		x.off = v.off + (lo - s);
		x.prot = prot;
		nv[n++] = x;
		if (hi < e) {
			x = v;
			x.start = hi;
			x.n = e - hi;
			x.off = v.off + (hi - s);
			nv[n++] = x;
		}
		if (s < lo || hi < e)
			m->s[v.seg].lpid = m->me;	/* the split's open */
	}
	memcpy(m->v, nv, (size_t)n * sizeof(nv[0]));
	m->nv = n;
}

/*
 * Would unmapping [a, b) take the last mapping of a removed segment?  A
 * MAP_FIXED mapping made there would free it before the new mapping is
 * made on some kernels, after on others: not a case for a model.
 */
static bool md_kills_dest(struct md *m, int a, int b)
{
	int i, j;

	for (j = 0; j < m->ns; j++) {
		int left;

		if (!m->s[j].dest || m->s[j].gone)
			continue;
		left = m->gc_pieces[j];
		for (i = 0; i < m->no; i++)
			left += m->o[i].seg == j;
		for (i = 0; i < m->nv; i++)
			if (m->v[i].seg == j &&
			    (m->v[i].start < a || m->v[i].start + m->v[i].n > b))
				left++;
		if (!left)
			return true;
	}
	return false;
}

/* Reserve the holes again (nothing else is ever mapped in the arena). */
static void md_reserve(struct md *m)
{
	int p, q;

	for (p = 0; p < MD_PAGES; p = q) {
		if (!md_hole(m, p)) {
			q = p + 1;
			continue;
		}
		for (q = p; q < MD_PAGES && md_hole(m, q); q++)
			;
		if (mmap(md_at(m, p), (size_t)(q - p) * g_pg, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
			 -1, 0) == MAP_FAILED) {
			md_fail(m, "reserving pages %d..%d: %s", p, q - 1,
				strerror(errno));
			return;
		}
		for (; p < q; p++)
			m->reserved[p] = true;
	}
}

static void md_check(struct md *m)
{
	int j;

	for (j = 0; j < m->ns && !m->w->failed; j++) {
		struct md_seg *s = &m->s[j];
		struct aixipc_shmid_ds ds;
		uint64_t nattch = (uint64_t)md_pieces(m, j) + (uint64_t)m->gc_pieces[j];
		uint32_t status = (s->dest ? AIXIPC_SHM_DEST : 0) |
				  (s->locked ? AIXIPC_SHM_LOCKED : 0);
		int rc = shm_stat(m->w, s->id, &ds);

		if (s->gone) {
			if (rc != -EINVAL)
				md_fail(m, "segment %d (id %d) should be gone: stat %s, nattch %llu",
					j, s->id, rc ? strerror(-rc) : "works",
					rc ? 0ULL : (unsigned long long)ds.nattch);
			continue;
		}
		if (rc) {
			md_fail(m, "stat of segment %d (id %d): %s", j, s->id,
				strerror(-rc));
			continue;
		}
		if (ds.segsz != s->size || ds.nattch != nattch ||
		    ds.status != status || ds.perm.mode != 0600 ||
		    ds.perm.key != (s->dest ? AIXIPC_KEY_PRIVATE : s->key) ||
		    ds.cpid != m->me || ds.lpid != s->lpid)
			md_fail(m, "segment %d (id %d): segsz %llu nattch %llu status %#x key %#x mode %#o cpid %d lpid %d; want %llu %llu %#x %#x 0600 %d %d",
				j, s->id, (unsigned long long)ds.segsz,
				(unsigned long long)ds.nattch, ds.status,
				(unsigned int)ds.perm.key, ds.perm.mode, ds.cpid,
				ds.lpid, (unsigned long long)s->size,
				(unsigned long long)nattch, status,
				(unsigned int)(s->dest ? AIXIPC_KEY_PRIVATE : s->key),
				m->me, s->lpid);
	}
}

/* shmget; the id or -errno. */
static int md_get(struct md *m, int32_t key, uint64_t size, uint32_t flags,
		  unsigned int allow)
{
	struct aixipc_get g;
	int rc;

	memset(&g, 0, sizeof(g));
	g.kind = AIXIPC_SHM;
	g.key = key;
	g.flags = flags;
	g.mode = 0600;
	g.size = size;
	m->w->allow = allow;
	rc = fz_call(m->w, IOC_GET, &g);
	return rc ? rc : g.id;
}

static void md_create(struct md *m)
{
	struct md_seg *s = &m->s[m->ns];
	struct wk *w = m->w;
	int32_t key;
	uint64_t size;
	int id;

	if (m->ns >= MD_SEGS)
		return;
	key = (int32_t)(ISO_TYPE_BASE | ((uint32_t)m->me & 0x3fffff) << 2 |
			(uint32_t)m->ns);
	size = chance(w, 50) ? g_pg * (1 + rnd(w, MD_SEGPG)) :
	       1 + rnd(w, MD_SEGPG * g_pg);
	/* ENOSPC: others used shmall up; EEXIST: left by a killed model. */
	id = md_get(m, key, size, AIXIPC_CREAT | AIXIPC_EXCL,
		    EM(ENOSPC) | EM(ENOMEM) | EM(EEXIST));
	if (id < 0)
		return;
	s->iso = iso_take(id);
	if (s->iso < 0) {
		rmid_shm(w, id);
		return;
	}
	s->id = id;
	s->key = key;
	s->size = size;
	s->map_max = 0;
	s->dest = s->gone = s->locked = false;
	s->lpid = 0;
	memset(s->data, 0, MD_SEGPG * g_pg);
	m->ns++;
}

static int md_pick_seg(struct md *m, bool live_only)
{
	int t, j;

	for (t = 0; t < 8 && m->ns; t++) {
		j = (int)rnd(m->w, m->ns);
		if (!m->s[j].gone && (!live_only || !m->s[j].dest))
			return j;
	}
	return -1;
}

/* The expected outcome of touching arena page @page; the byte's place. */
static int md_expect(struct md *m, int page, bool write, int *seg,
		     uint64_t *pos)
{
	int i = md_vma_at(m, page);
	const struct md_vma *v;

	if (i < 0)
		return SIGSEGV;
	v = &m->v[i];
	if (v->prot == PS_NONE || (write && v->prot != PS_RW))
		return SIGSEGV;
	*seg = v->seg;
	*pos = (uint64_t)(v->off + page - v->start) * g_pg;
	if (*pos >= pg_align(m->s[v->seg].size))
		return SIGBUS;
	return 0;
}

static void md_touch_at(struct md *m, uintptr_t at, int want, int seg,
			uint64_t pos, bool write)
{
	unsigned char v = write ? (unsigned char)(1 + rnd(m->w, 255)) : 0;
	int got = probe(m->w, (volatile unsigned char *)at, write, &v);

	if (got != want) {
		md_fail(m, "%s of %#lx: %s, expected %s", write ? "write" : "read",
			(unsigned long)at, signame(got), signame(want));
		return;
	}
	if (got)
		return;
	if (write)
		m->s[seg].data[pos] = v;
	else if (v != m->s[seg].data[pos])
		md_fail(m, "read %#x at byte %llu of segment %d, expected %#x", v,
			(unsigned long long)pos, seg, m->s[seg].data[pos]);
}

static void md_touch(struct md *m)
{
	struct wk *w = m->w;
	uint64_t pos = 0, x = rnd(w, g_pg);
	int page, want, seg = 0;
	bool write;

	if (m->no && chance(w, 20)) {
		struct md_out *o = &m->o[rnd(w, m->no)];
		uint64_t k = rnd(w, (uint64_t)o->n);

		write = chance(w, o->rdonly ? 15 : 50);
		pos = k * g_pg + x;
		want = write && o->rdonly ? SIGSEGV :
		       k * g_pg >= pg_align(m->s[o->seg].size) ? SIGBUS : 0;
		md_touch_at(m, o->addr + pos, want, o->seg, pos, write);
		return;
	}
	page = (int)rnd(w, MD_PAGES);
	write = !md_hole(m, page) && chance(w, 50);	/* a hole: look only */
	want = md_expect(m, page, write, &seg, &pos);
	md_touch_at(m, (uintptr_t)md_at(m, page) + x, want, seg, pos + x, write);
}

/* shmat at a given arena page: with SHM_REMAP, or only into a hole. */
static void md_attach(struct md *m, bool remap)
{
	struct wk *w = m->w;
	bool rdonly = chance(w, 25), rnd_flag = chance(w, 30), ok;
	uint64_t addr, size = 0;
	uint32_t flags;
	int j = md_pick_seg(m, false), n, a, p, rc;

	if (j < 0)
		return;
	n = md_npages(m->s[j].size);
	a = (int)rnd(w, (uint64_t)(MD_PAGES - n + 1));
	if (remap && md_kills_dest(m, a, a + n))
		return;
	ok = remap;
	for (p = a; !remap && p < a + n && md_hole(m, p); p++)
		;
	if (!remap)
		ok = p == a + n;
	flags = (remap ? AIXIPC_SHM_REMAP : 0) |
		(rdonly ? AIXIPC_SHM_RDONLY : 0) | (rnd_flag ? AIXIPC_SHM_RND : 0);
	addr = (uintptr_t)md_at(m, a) + (rnd_flag ? 1 + rnd(w, g_pg - 1) : 0);
	rc = shm_attach(w, m->s[j].id, flags, &addr, &size, 0);
	if (!ok) {
		if (rc != -EINVAL)
			md_fail(m, "shmat without SHM_REMAP over mapped pages %d..%d: %s, not EINVAL",
				a, a + n - 1, rc ? strerror(-rc) : "success");
		return;
	}
	if (rc) {
		md_fail(m, "shmat (flags %#x) of segment %d at page %d: %s",
			flags, j, a, strerror(-rc));
		return;
	}
	if (addr != (uintptr_t)md_at(m, a) || size != (uint64_t)n * g_pg) {
		md_fail(m, "shmat (flags %#x) at page %d: mapped %llu bytes at %#llx, want %llu at %p",
			flags, a, (unsigned long long)size,
			(unsigned long long)addr, (unsigned long long)n * g_pg,
			(void *)md_at(m, a));
		return;
	}
	md_add(m, a, n, j, rdonly ? PS_R : PS_RW, rdonly);
	md_settle(m);
}

/* shmat where the kernel chooses: a hole of the arena, or elsewhere. */
static void md_attach_any(struct md *m)
{
	struct wk *w = m->w;
	bool rdonly = chance(w, 25);
	uint64_t addr = 0, size = 0, got;
	uintptr_t lo = (uintptr_t)m->span,
		  hi = lo + (size_t)(MD_PAGES + 2 * MD_GUARD) * g_pg;
	int j = md_pick_seg(m, false), n, a, p, rc;

	if (j < 0)
		return;
	n = md_npages(m->s[j].size);
	rc = shm_attach(w, m->s[j].id, rdonly ? AIXIPC_SHM_RDONLY : 0, &addr,
			&size, 0);
	if (rc || size != (uint64_t)n * g_pg) {
		md_fail(m, "shmat of segment %d: %s, %llu bytes", j,
			rc ? strerror(-rc) : "ok", (unsigned long long)size);
		return;
	}
	m->s[j].lpid = m->me;
	if (size > m->s[j].map_max)
		m->s[j].map_max = size;
	if (addr + size > lo && addr < hi) {
		a = p = -1;
		if (addr >= (uintptr_t)m->base &&
		    addr + size <= (uintptr_t)md_at(m, MD_PAGES)) {
			a = (int)(((uintptr_t)addr - (uintptr_t)m->base) / g_pg);
			for (p = a; p < a + n && md_hole(m, p); p++)
				;
		}
		if (a < 0 || p != a + n) {
			md_fail(m, "the kernel mapped segment %d at %#llx, over pages in use",
				j, (unsigned long long)addr);
			return;
		}
		md_add(m, a, n, j, rdonly ? PS_R : PS_RW, rdonly);
	} else if (m->no < MD_OUT) {
		struct md_out o = { (uintptr_t)addr, n, j, rdonly };

		m->o[m->no++] = o;
	} else if (shm_detach(w, addr, &got) || got != size) {
		md_fail(m, "shmdt of a fresh attachment: %llu bytes",
			(unsigned long long)got);
	}
}

/* mmap(2) of the device: into the arena, or (failing) anywhere. */
static void md_mmap(struct md *m)
{
	struct wk *w = m->w;
	int j = md_pick_seg(m, false), n, a, fd = w->fd, want, v;
	off_t off;
	size_t len;
	void *p;

	if (j < 0)
		return;
	off = (off_t)m->s[j].id * (off_t)g_pg;
	n = md_npages(m->s[j].size);
	if (chance(w, 60)) {
		bool wr = chance(w, 70);

		n = 1 + (int)rnd(w, (uint64_t)n);
		a = (int)rnd(w, (uint64_t)(MD_PAGES - n + 1));
		if (md_kills_dest(m, a, a + n))
			return;
		p = mmap(md_at(m, a), (size_t)n * g_pg,
			 PROT_READ | (wr ? PROT_WRITE : 0), MAP_SHARED | MAP_FIXED,
			 fd, off);
		if (p != md_at(m, a)) {
			md_fail(m, "mmap of segment %d (%d pages) at page %d: %s",
				j, n, a, p == MAP_FAILED ? strerror(errno) : "elsewhere");
			return;
		}
		md_add(m, a, n, j, wr ? PS_RW : PS_R, !wr);
		md_settle(m);
		return;
	}
	/* Must fail, changing nothing. */
	v = (int)rnd(w, 4);
	len = (size_t)n * g_pg;
	want = EINVAL;
	if (v == 0) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, off);
	} else if (v == 1) {
		p = mmap(NULL, len + g_pg, PROT_READ, MAP_SHARED, fd, off);
	} else {
		fd = open(AIXIPC_DEVICE, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			md_fail(m, "open %s read-only: %s", AIXIPC_DEVICE,
				strerror(errno));
			return;
		}
		p = mmap(NULL, len, PROT_READ | (v == 2 ? PROT_WRITE : 0),
			 MAP_SHARED, fd, off);
		want = EACCES;
	}
	if (p != MAP_FAILED) {
		munmap(p, len);
		md_fail(m, "mmap variant %d of segment %d succeeded", v, j);
	} else if (errno != want) {
		md_fail(m, "mmap variant %d of segment %d: %s, not %s", v, j,
			strerror(errno), strerror(want));
	}
	if (fd != w->fd)
		close(fd);
}

static void md_shmdt(struct md *m)
{
	struct wk *w = m->w;
	unsigned int r = (unsigned int)rnd(w, 100);
	uint64_t got, want = 0, addr;
	int i, j, p, cut[MD_VMAS], ncut = 0, rc;
	bool ok = false;

	if (r < 15 && m->no) {
		i = (int)rnd(w, m->no);
		rc = shm_detach(w, m->o[i].addr, &got);
		if (rc || got != (uint64_t)m->o[i].n * g_pg)
			md_fail(m, "shmdt of an attachment at %#lx: %s, %llu bytes",
				(unsigned long)m->o[i].addr,
				rc ? strerror(-rc) : "ok", (unsigned long long)got);
		m->s[m->o[i].seg].lpid = m->me;
		m->o[i] = m->o[--m->no];
		md_settle(m);
		return;
	}
	p = (int)rnd(w, MD_PAGES);
	if (r < 70 && m->nv) {
		/* Where a mapping starts: with offset 0 (mostly), or not. */
		int t;

		for (t = 0; t < 8; t++) {
			i = (int)rnd(w, m->nv);
			p = m->v[i].start;
			if ((m->v[i].off == 0) == (r < 55))
				break;
		}
	}
	addr = (uintptr_t)md_at(m, p) + (r >= 85 ? 1 + rnd(w, g_pg - 1) : 0);
	i = md_vma_at(m, p);
	if (r < 85 && i >= 0 && m->v[i].start == p && m->v[i].off == 0) {
		int span, att = m->v[i].att;

		/*
		 * The pieces of that one attach (as Linux, by its file): not
		 * another attach of the segment that happens to line up.
		 */
		ok = true;
		j = m->v[i].seg;
		span = (int)(m->s[j].map_max / g_pg);
		for (i = 0; i < m->nv; i++)
			if (m->v[i].att == att && m->v[i].start >= p &&
			    m->v[i].start < p + span &&
			    m->v[i].off == m->v[i].start - p) {
				cut[ncut++] = i;
				want += (uint64_t)m->v[i].n * g_pg;
			}
	}
	rc = shm_detach(w, addr, &got);
	if (!ok) {
		if (rc != -EINVAL)
			md_fail(m, "shmdt at %#llx (page %d, not an attachment's start): %s, not EINVAL",
				(unsigned long long)addr, p,
				rc ? strerror(-rc) : "success");
		return;
	}
	if (rc || got != want) {
		md_fail(m, "shmdt at page %d: %s, %llu bytes unmapped, want %llu",
			p, rc ? strerror(-rc) : "ok", (unsigned long long)got,
			(unsigned long long)want);
		return;
	}
	/* Highest first: each cut keeps the indexes below it. */
	while (ncut--) {
		struct md_vma v = m->v[cut[ncut]];

		md_cut(m, v.start, v.start + v.n);
	}
	if (chance(w, 50))
		md_reserve(m);
	md_settle(m);
}

static void md_munmap(struct md *m)
{
	struct wk *w = m->w;
	int a = (int)rnd(w, MD_PAGES), b = a + 1 + (int)rnd(w, 8);

	if (b > MD_PAGES)
		b = MD_PAGES;
	if (munmap(md_at(m, a), (size_t)(b - a) * g_pg)) {
		md_fail(m, "munmap of pages %d..%d: %s", a, b - 1, strerror(errno));
		return;
	}
	md_cut(m, a, b);
	if (chance(w, 50))
		md_reserve(m);
	md_settle(m);
}

static void md_mprotect(struct md *m)
{
	struct wk *w = m->w;
	struct md_vma v;
	int a, b, prot, rc;

	if (!m->nv)
		return;
	v = m->v[rnd(w, m->nv)];
	a = v.start + (int)rnd(w, (uint64_t)v.n);
	b = a + 1 + (int)rnd(w, (uint64_t)(v.start + v.n - a));
	prot = PS_NONE + (int)rnd(w, 3);
	rc = mprotect(md_at(m, a), (size_t)(b - a) * g_pg,
		      prot_of((unsigned int)prot)) ? -errno : 0;
	if (v.rdonly && prot == PS_RW) {
		if (rc != -EACCES)
			md_fail(m, "mprotect(PROT_WRITE) of a read-only attachment: %s, not EACCES",
				rc ? strerror(-rc) : "success");
		return;
	}
	if (rc) {
		md_fail(m, "mprotect of pages %d..%d: %s", a, b - 1,
			strerror(-rc));
		return;
	}
	md_protect(m, a, b, prot);
}

static void md_resize(struct md *m)
{
	struct wk *w = m->w;
	int j = md_pick_seg(m, false), rc;
	uint64_t size, old;
	unsigned int r = (unsigned int)rnd(w, 100);

	if (j < 0)
		return;
	old = m->s[j].size;
	size = r < 40 ? g_pg * (1 + rnd(w, MD_SEGPG)) :
	       r < 80 ? 1 + rnd(w, MD_SEGPG * g_pg) :
	       old > 2 && old < MD_SEGPG * g_pg - 2 ? old + rnd(w, 5) - 2 : old;
	rc = shm_ctl(w, m->s[j].id, AIXIPC_SHM_SIZE, &size, NULL,
		     EM(ENOSPC) | (m->s[j].locked ? EM(ENOMEM) : 0));
	if (rc == -ENOSPC && md_npages(size) > md_npages(old))
		return;		/* others used shmall up */
	/*
	 * Growing a locked segment locks the new size: unprivileged, the
	 * uid's locked total (other processes' locks count too) must fit
	 * RLIMIT_MEMLOCK.
	 */
	if (rc == -ENOMEM && m->s[j].locked && g_unpriv &&
	    md_npages(size) > md_npages(old))
		return;
	if (rc) {
		md_fail(m, "SHM_SIZE of segment %d from %llu to %llu: %s", j,
			(unsigned long long)old, (unsigned long long)size,
			strerror(-rc));
		return;
	}
	if (size < old)
		memset(m->s[j].data + size, 0, MD_SEGPG * g_pg - size);
	m->s[j].size = size;
}

static void md_rmid(struct md *m)
{
	int j = md_pick_seg(m, true), rc;

	if (j < 0)
		return;
	rc = rmid_shm(m->w, m->s[j].id);
	if (rc) {
		md_fail(m, "IPC_RMID of segment %d: %s", j, strerror(-rc));
		return;
	}
	m->s[j].dest = true;
	md_settle(m);
	/* The key finds nothing any more. */
	rc = md_get(m, m->s[j].key, 0, 0, EM(ENOENT));
	if (rc != -ENOENT)
		md_fail(m, "shmget of a removed segment's key: %s, not ENOENT",
			rc < 0 ? strerror(-rc) : "found");
}

static void md_lock(struct md *m)
{
	struct wk *w = m->w;
	bool lock = chance(w, 60);
	int j = md_pick_seg(m, false), want = 0, rc;
	struct rlimit rl;

	if (j < 0)
		return;
	if (g_unpriv && lock && !getrlimit(RLIMIT_MEMLOCK, &rl)) {
		if (!rl.rlim_cur)
			want = -EPERM;
		else if (rl.rlim_cur != RLIM_INFINITY &&
			 pg_align(m->s[j].size) > rl.rlim_cur)
			want = -ENOMEM;
	}
	rc = shm_ctl(w, m->s[j].id, lock ? AIXIPC_SHM_LOCK : AIXIPC_SHM_UNLOCK,
		     NULL, NULL, EM(EPERM) | EM(ENOMEM));
	/*
	 * RLIMIT_MEMLOCK bounds what the uid locks in all, and other
	 * workers that dropped to the same uid may hold locked segments:
	 * ENOMEM is then right even for a segment that fits alone
	 * (limits_test checks the uid's total exactly).
	 */
	if (g_unpriv && lock && rc == -ENOMEM && !want)
		want = -ENOMEM;
	if (rc != want)
		md_fail(m, "SHM_%sLOCK of segment %d: %s, want %s",
			lock ? "" : "UN", j, rc ? strerror(-rc) : "ok",
			want ? strerror(-want) : "ok");
	else if (!rc)
		m->s[j].locked = lock;
}

/*
 * A fork child holds copies of every mapping (nattch counts them) and
 * touches a page; meanwhile the parent may let go of all its mappings of
 * a segment; then the child is SIGKILLed or exits.
 */
static void md_fork(struct md *m)
{
	struct wk *w = m->w;
	int ready[2], rel[2], j, st, want, seg = 0, page, i;
	uint64_t pos = 0, x = rnd(w, g_pg);
	unsigned char v = (unsigned char)(1 + rnd(w, 255)), buf[2];
	bool wr, kill_it = chance(w, 60);
	pid_t pid;
	ssize_t n;

	page = (int)rnd(w, MD_PAGES);
	wr = md_vma_at(m, page) >= 0 && chance(w, 50);
	want = md_expect(m, page, wr, &seg, &pos);
	pos += x;
	if (pipe2(ready, O_CLOEXEC))
		return;
	if (pipe2(rel, O_CLOEXEC)) {
		close(ready[0]);
		close(ready[1]);
		return;
	}
	for (j = 0; j < m->ns; j++) {
		m->gc_pieces[j] = m->s[j].gone ? 0 : md_pieces(m, j);
		if (m->gc_pieces[j])
			m->s[j].lpid = m->me;	/* fork opens in the parent */
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		md_fail(m, "fork: %s", strerror(errno));
		memset(m->gc_pieces, 0, sizeof(m->gc_pieces));
		close(ready[0]);
		close(ready[1]);
		close(rel[0]);
		close(rel[1]);
		return;
	}
	if (pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGUSR2);
		if (getppid() != m->me)
			_exit(0);
		close(ready[0]);
		close(rel[1]);
		buf[0] = (unsigned char)probe(w, (volatile unsigned char *)
					      (md_at(m, page) + x), wr, &v);
		buf[1] = v;
		/*
		 * EPIPE: the model process is gone (killed with its worker
		 * by the fuzzer) before our SIGUSR2 came; not a failure.
		 */
		if (write(ready[1], buf, 2) != 2)
			_exit(errno == EPIPE ? 0 : 1);
		for (;;) {
			ssize_t got = read(rel[0], &c, 1);

			if (got > 0 || (got < 0 && errno == EINTR))
				continue;
			break;
		}
		_exit(0);
	}
	close(ready[1]);
	close(rel[0]);
	while ((n = read(ready[0], buf, 2)) < 0 && errno == EINTR)
		;
	if (n != 2)
		md_fail(m, "the fork child said nothing");
	else if (buf[0] != want)
		md_fail(m, "the fork child's %s of page %d: %s, expected %s",
			wr ? "write" : "read", page, signame(buf[0]),
			signame(want));
	else if (!want && wr)
		m->s[seg].data[pos] = v;
	else if (!want && buf[1] != m->s[seg].data[pos])
		md_fail(m, "the fork child read %#x at byte %llu of segment %d, expected %#x",
			buf[1], (unsigned long long)pos, seg, m->s[seg].data[pos]);
	md_check(m);
	if (chance(w, 40)) {
		/* Let go of one segment here: the child's copies keep it. */
		j = md_pick_seg(m, false);
		for (i = m->nv - 1; j >= 0 && i >= 0; i--)
			if (m->v[i].seg == j) {
				struct md_vma vv = m->v[i];

				if (munmap(md_at(m, vv.start), (size_t)vv.n * g_pg))
					md_fail(m, "munmap: %s", strerror(errno));
				md_cut(m, vv.start, vv.start + vv.n);
				i = m->nv;	/* the list changed */
			}
		for (i = m->no - 1; j >= 0 && i >= 0; i--)
			if (m->o[i].seg == j) {
				uint64_t got;

				if (shm_detach(w, m->o[i].addr, &got))
					md_fail(m, "shmdt of an attachment while a child holds it");
				m->s[j].lpid = m->me;
				m->o[i] = m->o[--m->no];
			}
		md_settle(m);
		md_check(m);
	}
	if (kill_it) {
		kill_child(pid);
		ADD(sh->gchild_kills, 1);
	}
	close(rel[1]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	close(ready[0]);
	if (kill_it ? !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) &&
		      !(WIFEXITED(st) && !WEXITSTATUS(st)) :
		      !(WIFEXITED(st) && !WEXITSTATUS(st)))
		md_fail(m, "the fork child ended with status %#x", st);
	for (j = 0; j < m->ns; j++) {
		if (m->gc_pieces[j])
			m->s[j].lpid = pid;	/* its exit closed them */
		m->gc_pieces[j] = 0;
	}
	md_settle(m);
}

static void md_mremap(struct md *m)
{
	struct wk *w = m->w;
	unsigned int r = (unsigned int)rnd(w, 100);
	struct md_vma v;
	size_t len;
	char *at;
	long rc;
	int t, k, tries, p;

	if (!m->nv)
		return;
	v = m->v[rnd(w, m->nv)];
	at = md_at(m, v.start);
	len = (size_t)v.n * g_pg;
	if (r < 30) {
		rc = syscall(SYS_mremap, at, len, len + g_pg,
			     chance(w, 50) ? MREMAP_MAYMOVE : 0, 0);
		if (rc != -1 || errno != EFAULT)
			md_fail(m, "mremap growing a mapping: %ld (%s), not EFAULT",
				rc, rc == -1 ? strerror(errno) : "success");
	} else if (r < 50) {
		rc = syscall(SYS_mremap, at, len, len,
			     MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0);
		if (rc != -1 || errno != EINVAL)
			md_fail(m, "mremap(MREMAP_DONTUNMAP): %ld (%s), not EINVAL",
				rc, rc == -1 ? strerror(errno) : "success");
	} else if (r < 80) {
		/* Moving fails and leaves it; the target (unmapped first) is a hole. */
		for (tries = 0; tries < 8; tries++) {
			t = (int)rnd(w, (uint64_t)(MD_PAGES - v.n + 1));
			if (t + v.n <= v.start || t >= v.start + v.n) {
				for (p = t; p < t + v.n && md_vma_at(m, p) < 0; p++)
					;
				if (p == t + v.n)
					break;
			}
		}
		if (tries == 8)
			return;
		rc = syscall(SYS_mremap, at, len, len,
			     MREMAP_MAYMOVE | MREMAP_FIXED, md_at(m, t));
		if (rc != -1 || errno != EINVAL) {
			md_fail(m, "mremap moving a mapping to page %d: %ld (%s), not EINVAL",
				t, rc, rc == -1 ? strerror(errno) : "moved");
			return;
		}
		md_cut(m, t, t + v.n);
		m->s[v.seg].lpid = m->me;	/* the copy's open and close */
		if (chance(w, 50))
			md_reserve(m);
	} else if (v.n >= 2) {
		k = 1 + (int)rnd(w, (uint64_t)v.n - 1);
		rc = syscall(SYS_mremap, at, len, (size_t)k * g_pg, 0, 0);
		if (rc != (long)(uintptr_t)at) {
			md_fail(m, "mremap shrinking a mapping: %ld (%s)", rc,
				rc == -1 ? strerror(errno) : "moved");
			return;
		}
		md_cut(m, v.start + k, v.start + v.n);
		md_settle(m);
	}
}

static void md_keys(struct md *m)
{
	struct md_seg *s;
	int rc;

	if (!m->ns)
		return;
	s = &m->s[rnd(m->w, m->ns)];
	if (!s->dest && !s->gone) {
		if ((rc = md_get(m, s->key, 0, 0, 0)) != s->id ||
		    (rc = md_get(m, s->key, s->size, 0, 0)) != s->id ||
		    (rc = md_get(m, s->key, s->size + 1, 0, EM(EINVAL))) != -EINVAL ||
		    (rc = md_get(m, s->key, 1, AIXIPC_CREAT | AIXIPC_EXCL,
				 EM(EEXIST))) != -EEXIST)
			md_fail(m, "shmget of key %#x (id %d, %llu bytes): %d",
				(unsigned int)s->key, s->id,
				(unsigned long long)s->size, rc);
		return;
	}
	rc = md_get(m, s->key, 0, 0, EM(ENOENT));
	if (rc != -ENOENT) {
		md_fail(m, "shmget of a removed segment's key: %d, not ENOENT", rc);
		return;
	}
	/* The key makes a new segment now. */
	rc = md_get(m, s->key, 1, AIXIPC_CREAT, EM(ENOSPC) | EM(ENOMEM));
	if (rc == -ENOSPC || rc == -ENOMEM)
		return;
	if (rc < 0 || rc == s->id)
		md_fail(m, "shmget(CREAT) of a removed segment's key: %d (old id %d)",
			rc, s->id);
	else if ((rc = rmid_shm(m->w, rc)))
		md_fail(m, "IPC_RMID of the new segment: %s", strerror(-rc));
}

/* /proc/self/maps names a mapping "/SYSV<key> (deleted)", as Linux does. */
static void md_maps(struct md *m)
{
	char buf[8192], line[512], want[64], perms[8];
	unsigned long lo, hi, off, start, end;
	size_t used = 0;
	struct md_vma v;
	bool found = false;
	ssize_t n;
	int fd, pos = 0;

	if (!m->nv)
		return;
	v = m->v[rnd(m->w, m->nv)];
	start = (unsigned long)(uintptr_t)md_at(m, v.start);
	end = start + (unsigned long)v.n * g_pg;
	snprintf(want, sizeof(want), "/SYSV%08x (deleted)",
		 (unsigned int)m->s[v.seg].key);
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (!found && (n = read(fd, buf + used, sizeof(buf) - used - 1)) > 0) {
		char *p = buf, *nl;

		used += (size_t)n;
		buf[used] = 0;
		while ((nl = strchr(p, '\n'))) {
			size_t len = (size_t)(nl - p);

			if (len >= sizeof(line))
				len = sizeof(line) - 1;
			memcpy(line, p, len);
			line[len] = 0;
			p = nl + 1;
			if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &lo, &hi,
				   perms, &off, &pos) < 4 || lo != start)
				continue;
			found = true;
			if (hi != end || off != (unsigned long)v.off * g_pg ||
			    strcmp(perms, v.prot == PS_RW ? "rw-s" :
				   v.prot == PS_R ? "r--s" : "---s") ||
			    strcmp(line + pos, want))
				md_fail(m, "/proc/self/maps: \"%s\", want %lx-%lx offset %lx name %s",
					line, start, end,
					(unsigned long)v.off * g_pg, want);
			break;
		}
		used = strlen(p);
		memmove(buf, p, used);
	}
	close(fd);
	if (!found)
		md_fail(m, "/proc/self/maps has no mapping at %lx", start);
}

static void md_teardown(struct md *m)
{
	size_t span = (size_t)(MD_PAGES + 2 * MD_GUARD) * g_pg;
	uint64_t got;
	int j, i, rc;

	for (j = 0; j < m->ns; j++) {
		if (m->s[j].gone || m->s[j].dest)
			continue;
		rc = rmid_shm(m->w, m->s[j].id);
		if (rc)
			md_fail(m, "IPC_RMID of segment %d: %s", j, strerror(-rc));
		m->s[j].dest = true;
	}
	md_settle(m);
	md_check(m);
	/* Each goes with its last mapping. */
	if (munmap(m->span, span))
		md_fail(m, "munmap of the arena: %s", strerror(errno));
	md_cut(m, 0, MD_PAGES);
	for (i = 0; i < m->no; i++) {
		rc = shm_detach(m->w, m->o[i].addr, &got);
		if (rc || got != (uint64_t)m->o[i].n * g_pg)
			md_fail(m, "shmdt at teardown: %s", rc ? strerror(-rc) : "size");
		m->s[m->o[i].seg].lpid = m->me;
	}
	m->no = 0;
	md_settle(m);
	md_check(m);
	for (j = 0; j < m->ns; j++)
		iso_drop(m->s[j].iso);
}

static void md_run(struct wk *w)
{
	size_t span = (size_t)(MD_PAGES + 2 * MD_GUARD) * g_pg;
	unsigned char *data;
	struct md m;
	int steps, j;
	bool clean = w->clean;

	memset(&m, 0, sizeof(m));
	m.w = w;
	m.me = getpid();
	m.op = "setup";
	m.span = mmap(NULL, span, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	data = mmap(NULL, MD_SEGS * MD_SEGPG * g_pg, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m.span == MAP_FAILED || data == MAP_FAILED)
		return;
	m.base = m.span + MD_GUARD * g_pg;
	for (j = 0; j < MD_PAGES; j++)
		m.reserved[j] = true;
	for (j = 0; j < MD_SEGS; j++) {
		m.s[j].data = data + (size_t)j * MD_SEGPG * g_pg;
		m.s[j].iso = -1;
	}
	w->clean = true;
	md_create(&m);
	if (chance(w, 60))
		md_create(&m);
	steps = 12 + (int)rnd(w, 28);
	for (m.step = 1; m.step <= steps && m.ns && !w->failed && !stopping();
	     m.step++) {
		unsigned int r = (unsigned int)rnd(w, 100);

		if (r < 5) {
			m.op = "create";
			md_create(&m);
		} else if (r < 17) {
			m.op = "shmat with SHM_REMAP";
			md_attach(&m, true);
		} else if (r < 22) {
			m.op = "shmat at an address";
			md_attach(&m, false);
		} else if (r < 27) {
			m.op = "shmat anywhere";
			md_attach_any(&m);
		} else if (r < 32) {
			m.op = "mmap";
			md_mmap(&m);
		} else if (r < 41) {
			m.op = "shmdt";
			md_shmdt(&m);
		} else if (r < 47) {
			m.op = "munmap";
			md_munmap(&m);
		} else if (r < 54) {
			m.op = "mprotect";
			md_mprotect(&m);
		} else if (r < 69) {
			int k, nt = 1 + (int)rnd(w, 6);

			m.op = "touch";
			for (k = 0; k < nt && !w->failed; k++)
				md_touch(&m);
		} else if (r < 76) {
			m.op = "SHM_SIZE";
			md_resize(&m);
		} else if (r < 79) {
			m.op = "IPC_RMID";
			md_rmid(&m);
		} else if (r < 82) {
			m.op = "SHM_LOCK";
			md_lock(&m);
		} else if (r < 86) {
			m.op = "fork";
			md_fork(&m);
		} else if (r < 91) {
			m.op = "mremap";
			md_mremap(&m);
		} else if (r < 94) {
			m.op = "keys";
			md_keys(&m);
		} else if (r < 97) {
			m.op = "reserve";
			md_reserve(&m);
		} else {
			m.op = "maps";
			md_maps(&m);
		}
		md_check(&m);
		ADD(sh->model_steps, 1);
	}
	m.op = "teardown";
	md_teardown(&m);
	w->clean = clean;
	munmap(data, MD_SEGS * MD_SEGPG * g_pg);
}

void scen_shm_model(struct wk *w)
{
	uint64_t cseed = r64(w);
	pid_t pid, parent = getpid();
	int st;

	if (w->in_child)
		return;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGUSR2);
		if (getppid() != parent)
			_exit(0);
		w->in_child = true;
		w->nkids = 0;
		rng_seed(&w->r, cseed);
		md_run(w);
		_exit(w->failed ? 1 : 0);
	}
	ADD(sh->forks, 1);
	ADD(sh->models, 1);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		fz_fail(w, "shm model child %d died of signal %d (%s)", (int)pid,
			WTERMSIG(st), strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st) && !LOAD(sh->fail))
		fz_fail(w, "shm model child %d exited with status %d", (int)pid,
			WEXITSTATUS(st));
}

