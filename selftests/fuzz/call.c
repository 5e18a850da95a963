// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: one checked ioctl (fz_call): the documented errno set, mutations of
 * the command word and the argument pointer, the result against the set.
 */
#include "fuzz.h"

/* The documented errno set; index 0 is success, NERR is "anything else". */
const int errs[NERR] = {
	0, EINVAL, ENOTTY, EFAULT, EACCES, EPERM, EIDRM, ENOENT, EEXIST,
	ENOSPC, ENOMEM, EAGAIN, ENOMSG, E2BIG, EINTR,
	ERANGE, EFBIG,		/* semaphore ioctls only (iocs[].extra) */
};
_Static_assert(sizeof(errs) / sizeof(errs[0]) == NERR, "NERR is the size of errs[]");
const char *const errnames[NERR + 1] = {
	"ok", "EINVAL", "ENOTTY", "EFAULT", "EACCES", "EPERM", "EIDRM",
	"ENOENT", "EEXIST", "ENOSPC", "ENOMEM", "EAGAIN", "ENOMSG", "E2BIG",
	"EINTR", "ERANGE", "EFBIG", "other",
};

const char *const envnames[N_ENV] = {
	"normal", "smaller", "larger-zero-tail", "larger-nonzero-tail",
	"bad-dir", "bad-type", "bad-nr",
};
const char *const ptrnames[N_PTR] = {
	"ok", "null", "prot-none", "read-only", "straddle", "low-unmapped",
	"top-of-user", "kernel", "non-canonical",
};

int err_index(int e)
{
	int i;

	if (!e)
		return 0;
	for (i = 1; i < NERR; i++)
		if (errs[i] == e)
			return i;
	return NERR;
}


bool known_nr(unsigned int nr)
{
	int i;

	for (i = 0; i < NIOCS; i++)
		if (_IOC_NR(iocs[i].cmd) == nr)
			return true;
	return false;
}

/* Type bytes of the ioctls the VFS handles itself before the driver. */
bool vfs_type(unsigned int t)
{
	return t == 'T' || t == 'X' || t == 'f' || t == 0x94;
}

void hexdump(char *dst, size_t room, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i, o = 0;

	if (!room)
		return;
	dst[0] = 0;
	for (i = 0; i < n && o + 3 < room; i++)
		o += (size_t)snprintf(dst + o, room - o, "%02x", c[i]);
}

static void describe(char *dst, size_t room, const struct ioc_desc *d,
		     unsigned long cmd, size_t usize, int env, int pk,
		     const void *before, size_t ks, int bufkind)
{
	char hex[1100];

	hexdump(hex, sizeof(hex), before, ks);
	snprintf(dst, room,
		 "ioctl %s cmd=%#lx (dir=%lu type=%#lx nr=%#lx size=%zu) env=%s argptr=%s msgbuf=%s arg=%s",
		 d->name, cmd, (unsigned long)_IOC_DIR(cmd),
		 (unsigned long)_IOC_TYPE(cmd), (unsigned long)_IOC_NR(cmd),
		 usize, envnames[env], ptrnames[pk],
		 bufkind >= 0 ? ptrnames[bufkind] : "-", hex);
}

/* Lay out usize bytes of the argument image: the struct, then a tail. */
static void put_image(char *dst, size_t n, const void *arg, size_t ks,
		      size_t nzpos, unsigned char nzval)
{
	size_t c = n < ks ? n : ks;

	memcpy(dst, arg, c);
	if (n > c)
		memset(dst + c, 0, n - c);
	if (nzval && nzpos < n)
		dst[nzpos] = (char)nzval;
}

/*
 * Make one ioctl with the struct at @arg, perhaps through a mutated command
 * word or argument pointer; check the result.  Returns 0 or -errno.
 * w->env_ok tells whether the module saw this struct as it is (so the result
 * means something); on success the struct holds the module's answer.
 */
int fz_call(struct wk *w, int idx, void *arg)
{
	const struct ioc_desc *d = &iocs[idx];
	size_t ks = d->ksize, usize = ks, nzpos = 0, argsz = ARG_PAGES * g_pg;
	unsigned int nr = _IOC_NR(d->cmd), mask = 0;
	unsigned char before[512], nzval = 0;
	unsigned long cmd = d->cmd;
	int env = E_NORMAL, pk = P_NORMAL, e, ei, bufkind = w->bufkind;
	unsigned int allow = w->allow;
	char *p = arg;
	long rc;

	w->bufkind = -1;
	w->allow = 0;
	memcpy(before, arg, ks < sizeof(before) ? ks : sizeof(before));
	if (!w->clean && chance(w, 8))
		env = 1 + (int)rnd(w, N_ENV - 1);
	if (!w->clean && chance(w, 5))
		pk = 1 + (int)rnd(w, N_PTR - 1);

	switch (env) {
	case E_SMALLER:
		/* Older than the oldest struct the module takes. */
		usize = rnd(w, ioc_min_size(d));
		mask = EM(EINVAL);
		break;
	case E_LARGER0:
	case E_LARGERNZ:
		switch (rnd(w, 4)) {
		case 0:
			usize = ks + 1 + rnd(w, 8);
			break;
		case 1:
			usize = ks + 8 * (1 + rnd(w, 16));
			break;
		case 2:
			usize = ks + 1 + rnd(w, 4096);
			break;
		default:
			usize = _IOC_SIZEMASK;
		}
		if (env == E_LARGERNZ) {
			nzpos = ks + rnd(w, usize - ks);
			nzval = (unsigned char)(1 + rnd(w, 255));
			mask = EM(EINVAL);
		}
		break;
	case E_BADDIR: {
		static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE };

		cmd = _IOC(dirs[rnd(w, 3)], AIXIPC_IOC_MAGIC, nr, ks);
		mask = EM(ENOTTY);
		break;
	}
	case E_BADTYPE: {
		unsigned int t;

		do
			t = (unsigned int)rnd(w, 256);
		while (t == AIXIPC_IOC_MAGIC || vfs_type(t));
		cmd = _IOC(_IOC_READ | _IOC_WRITE, t, nr, ks);
		mask = EM(ENOTTY);
		break;
	}
	case E_BADNR:
		nr = 0x40 + (unsigned int)rnd(w, 0xc0);
		cmd = _IOC(_IOC_READ | _IOC_WRITE, AIXIPC_IOC_MAGIC, nr,
			   chance(w, 50) ? ks : rnd(w, _IOC_SIZEMASK + 1));
		mask = EM(ENOTTY);
		break;
	}
	if (env == E_SMALLER || env == E_LARGER0 || env == E_LARGERNZ)
		cmd = _IOC(_IOC_READ | _IOC_WRITE, AIXIPC_IOC_MAGIC, nr, usize);

	if (pk == P_RO && usize > g_pg)
		pk = P_NULL;
	if (pk == P_STRADDLE && usize < 2)
		pk = P_NONE;
	switch (pk) {
	case P_NORMAL:
		if (usize > ks) {
			p = w->argbuf;
			put_image(p, usize, arg, ks, nzpos, nzval);
		}
		break;
	case P_NULL:
		p = NULL;
		break;
	case P_NONE:
		p = g_nonepage + rnd(w, g_pg);
		break;
	case P_RO:
		mprotect(w->ropage, g_pg, PROT_READ | PROT_WRITE);
		put_image(w->ropage, usize, arg, ks, nzpos, nzval);
		mprotect(w->ropage, g_pg, PROT_READ);
		p = w->ropage;
		break;
	case P_STRADDLE: {
		size_t k = 1 + rnd(w, usize - 1);	/* readable bytes */
		char img[_IOC_SIZEMASK + 1];

		put_image(img, k, arg, ks, nzpos, nzval);
		p = w->argbuf + argsz - k;
		memcpy(p, img, k);
		break;
	}
	case P_LOW:
		p = (char *)(uintptr_t)(0x1000 + rnd(w, 0xe000));
		break;
	case P_TOP:
		p = (char *)(uintptr_t)(0x7ffffffff000ULL - rnd(w, 64));
		break;
	case P_KERNEL:
		p = (char *)(uintptr_t)(chance(w, 50) ? 0xffff888000000000ULL + rnd(w, 1 << 20)
					: 0xffffffff81000000ULL);
		break;
	case P_NONCANON:
		p = (char *)(uintptr_t)(chance(w, 50) ? 0x0000800000000000ULL
					: 0x8000000000000000ULL + rnd(w, 4096));
		break;
	}
	/* msgsnd, semop and msgfd only read their struct: a read-only one works. */
	if (pk == P_RO && (d->cmd == AIXIPC_IOC_MSGSND || d->cmd == AIXIPC_IOC_SEMOP ||
			   d->cmd == AIXIPC_IOC_MSGFD))
		;
	else if (pk != P_NORMAL && (env == E_NORMAL || env == E_LARGER0))
		mask = EM(EFAULT);
	else if (pk != P_NORMAL && env == E_LARGERNZ)
		mask = EM(EFAULT) | EM(EINVAL);

	if (g_replay) {
		char desc[2048];

		describe(desc, sizeof(desc), d, cmd, usize, env, pk, before, ks,
			 bufkind);
		out("# [%d.%d.%d%s #%" PRIu64 "] %s\n", w->proc, w->thread,
		    w->gen, w->in_child ? "c" : "", w->ops, desc);
	}
	errno = 0;
	rc = ioctl(w->fd, cmd, p);
	e = rc < 0 ? errno : 0;
	ei = rc == 0 || (rc > 0 && d->returns_fd) ? 0 :
	     rc == -1 ? err_index(e) : NERR;
	if (ei >= NERR_COMMON && ei < NERR && !(d->extra & M(ei)))
		ei = NERR;
	/* The call's own set, when it has one (envelope errors aside). */
	if (allow && !mask && ei > 0 && ei < NERR && !(allow & M(ei)))
		ei = NERR;
	if (g_replay)
		out("# [%d.%d.%d%s #%" PRIu64 "] = %ld %s\n", w->proc, w->thread,
		    w->gen, w->in_child ? "c" : "", w->ops, rc, errnames[ei]);
	ADD(sh->ioc_stats[idx][ei], 1);
	ADD(sh->env_stats[env], 1);
	ADD(sh->ptr_stats[pk], 1);
	if (bufkind >= 0)
		ADD(sh->buf_stats[bufkind], 1);
	if (e == EINTR)
		ADD(sh->eintr, 1);

	if (ei == NERR || (mask && !(mask & M(ei)))) {
		char desc[2048];

		describe(desc, sizeof(desc), d, cmd, usize, env, pk, before, ks,
			 bufkind);
		fz_fail(w, "%s returned %ld errno %d (%s)%s: %s", d->name, rc, e,
			e ? strerror(e) : "none",
			ei == NERR ? (allow ? " outside the contract's set for this call" :
				      " outside the documented set") :
			", not what the UAPI promises", desc);
	}
	w->env_ok = (env == E_NORMAL || env == E_LARGER0) && pk == P_NORMAL;
	if (rc == 0 && w->env_ok && p != arg) {
		size_t i;

		memcpy(arg, p, ks);
		for (i = ks; i < usize; i++)
			if (p[i]) {
				fz_fail(w, "%s wrote byte %zu of a %zu-byte struct (it knows %zu)",
					d->name, i, usize, ks);
				break;
			}
	}
	return rc >= 0 ? (int)rc : -e;	/* 0, or a returns_fd's descriptor */
}

/*
 * A call the fuzzer makes for itself: the command word and the pointer as
 * they are, the errnos in @allow (M() bits; 0: the common set).  0 or
 * -errno, as fz_call.
 */
int fz_call_clean(struct wk *w, int idx, void *arg, unsigned int allow)
{
	bool clean = w->clean;
	int rc;

	w->clean = true;
	w->allow = allow;
	rc = fz_call(w, idx, arg);
	w->clean = clean;
	return rc;
}
