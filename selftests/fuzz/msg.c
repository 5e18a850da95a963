// SPDX-License-Identifier: GPL-2.0
/* fuzz: message queue calls shared by generators and scenarios. */
#include "fuzz.h"

uint32_t pick_wait_flags(struct wk *w, uint32_t extra_ok)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	uint32_t f = r < 92 ? AIXIPC_NOWAIT : 0;

	if ((extra_ok & AIXIPC_MSG_NOERROR) && chance(w, 30))
		f |= AIXIPC_MSG_NOERROR;
	if ((extra_ok & AIXIPC_MSG_EXCEPT) && chance(w, 25))
		f |= AIXIPC_MSG_EXCEPT;
	if (chance(w, 3))
		f |= 1U << (2 + rnd(w, 30));
	if (!(f & AIXIPC_NOWAIT))
		ADD(sh->blocking, 1);
	return f;
}

/* Write a message at addr (type word, then patterned text) where valid. */
static void build_msg(struct wk *w, uint64_t addr, uint32_t ts, int64_t mtype,
		      uint64_t size)
{
	uint64_t room = region_room(w, addr);
	unsigned char *p = (unsigned char *)(uintptr_t)addr;

	if (!room)
		return;
	if (ts == 4 && room >= 4) {
		int32_t t = (int32_t)(uint32_t)(uint64_t)mtype;

		memcpy(p, &t, 4);
	} else if (room >= 8) {
		memcpy(p, &mtype, 8);
	}
	if (ts <= 8 && room > ts)
		fill_pattern(w, p + ts, size < room - ts ? size : room - ts);
}

int do_msgsnd(struct wk *w, int id, int64_t mtype, uint64_t size,
	      uint32_t flags, uint32_t ts, bool anybuf)
{
	struct aixipc_msgsnd s;
	uint64_t need = ts + (size < g_cap ? size : g_cap);
	int64_t eff;
	bool bad, nobuf;
	int rc, bk;

	memset(&s, 0, sizeof(s));
	s.id = id;
	s.flags = flags;
	s.size = size;
	s.type_size = ts;
	if (anybuf) {
		s.msgp = pick_buf(w, need);
	} else {
		s.msgp = (uintptr_t)w->region + (chance(w, 50) ? rnd(w, g_pg) : 0);
		w->bufkind = P_NORMAL;
	}
	if (w->bufkind == P_NORMAL)
		build_msg(w, s.msgp, ts, mtype, size);
	if (anybuf && chance(w, 3))
		s.__reserved = (uint32_t)r64(w) | 1;
	eff = ts == 4 ? (int32_t)(uint32_t)(uint64_t)mtype : mtype;
	nobuf = w->bufkind != P_NORMAL && w->bufkind != P_RO &&
		w->bufkind != P_STRADDLE;
	bad = (s.flags & ~AIXIPC_NOWAIT) || s.id < 0 || s.__reserved ||
	      (ts != 4 && ts != 8) || size > g_limits.msgmax;
	bk = w->bufkind;
	rc = fz_call(w, IOC_MSGSND, &s);
	if (!w->env_ok)
		return rc;
	if (rc == 0 && (bad || nobuf ||
			(bk == P_NORMAL && (eff < 1 || eff > INT32_MAX))))
		fz_fail(w, "msgsnd accepted id %d flags %#x type_size %u size %llu mtype %lld reserved %#x buffer %s",
			s.id, s.flags, ts, (unsigned long long)size, (long long)eff,
			s.__reserved, ptrnames[bk]);
	else if (!bad && nobuf && rc != -EFAULT)
		fz_fail(w, "msgsnd from a %s buffer: %s, not EFAULT",
			ptrnames[bk], strerror(-rc));
	return rc;
}

/* Linux's MSG_COPY: copy the message at position msgtyp, leave it queued. */
#ifndef AIXIPC_MSG_COPY
#define AIXIPC_MSG_COPY 0U
#endif

static bool selector_ok(int64_t msgtyp, uint32_t flags, int64_t mtype)
{
	if (flags & AIXIPC_MSG_COPY)
		return true;	/* msgtyp is a position, not a type */
	if (msgtyp == 0)
		return true;
	if (msgtyp < 0)
		return msgtyp == INT64_MIN || mtype <= -msgtyp;
	if (flags & AIXIPC_MSG_EXCEPT)
		return mtype != msgtyp;
	return mtype == msgtyp;
}

/*
 * One receive.  Returns 0 or -errno; on success *out holds the answer and,
 * for a valid buffer, the text was checked.
 */
int do_msgrcv(struct wk *w, int id, int64_t msgtyp, uint64_t size,
	      uint32_t flags, uint32_t ts, bool anybuf,
	      struct aixipc_msgrcv *out)
{
	struct aixipc_msgrcv m;
	uint64_t need = ts + (size < g_cap ? size : g_cap);
	bool bad;
	int rc, bk;

	fill_random(w, &m, sizeof(m));	/* out fields must be ignored */
	m.id = id;
	m.flags = flags;
	m.msgtyp = msgtyp;
	m.size = size;
	m.type_size = ts;
	m.__reserved = 0;
	m.__reserved2 = 0;
	if (anybuf) {
		m.msgp = pick_buf(w, need);
		if (chance(w, 3))
			m.__reserved = (uint32_t)r64(w) | 1;
		if (chance(w, 3))
			m.__reserved2 = (uint32_t)r64(w) | 1;
	} else {
		m.msgp = (uintptr_t)w->region + (chance(w, 50) ? rnd(w, g_pg) : 0);
		w->bufkind = P_NORMAL;
	}
	bad = (flags & ~(AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR | AIXIPC_MSG_EXCEPT |
			 AIXIPC_MSG_COPY)) ||
	      ((flags & AIXIPC_MSG_COPY) &&
	       (!(flags & AIXIPC_NOWAIT) || (flags & AIXIPC_MSG_EXCEPT))) ||
	      id < 0 || (int64_t)size < 0 || m.__reserved || m.__reserved2 ||
	      (ts != 4 && ts != 8);
	bk = w->bufkind;
	rc = fz_call(w, IOC_MSGRCV, &m);
	if (out)
		*out = m;
	if (rc || !w->env_ok)
		return rc;
	if (bad) {
		fz_fail(w, "msgrcv accepted id %d flags %#x size %llu type_size %u reserved %#x/%#x",
			id, flags, (unsigned long long)size, ts, m.__reserved,
			m.__reserved2);
		return rc;
	}
	if (m.length > size || m.length > g_limits.msgmax || m.mtype < 1 ||
	    m.mtype > INT32_MAX || !selector_ok(msgtyp, flags, m.mtype) ||
	    m.pid <= 0) {
		fz_fail(w, "msgrcv(msgtyp %lld flags %#x size %llu) got mtype %lld length %llu pid %d",
			(long long)msgtyp, flags, (unsigned long long)size,
			(long long)m.mtype, (unsigned long long)m.length, m.pid);
		return rc;
	}
	if (bk == P_NORMAL) {
		const unsigned char *p = (const unsigned char *)(uintptr_t)m.msgp;
		int64_t t, bad_at;

		if (ts + m.length > region_room(w, m.msgp)) {
			fz_fail(w, "msgrcv: length %llu does not fit the %llu-byte buffer",
				(unsigned long long)m.length,
				(unsigned long long)region_room(w, m.msgp));
			return rc;
		}
		if (ts == 4) {
			int32_t t32;

			memcpy(&t32, p, 4);
			t = t32;
		} else {
			memcpy(&t, p, 8);
		}
		bad_at = check_pattern(p + ts, m.length);
		if (t != m.mtype || bad_at >= 0) {
			fz_fail(w, "msgrcv: type word %lld (answer %lld), text of %llu bytes corrupt at offset %lld",
				(long long)t, (long long)m.mtype,
				(unsigned long long)m.length, (long long)bad_at);
			return rc;
		}
	}
	ADD(sh->checks, 1);
	return rc;
}

uint64_t pick_rcv_size(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 70)
		return pick_size(w);
	if (r < 85)
		return g_limits.msgmax + rnd(w, 3);
	if (r < 92)
		return (uint64_t)-1 - rnd(w, 4);	/* "negative" */
	return 1ULL << (32 + rnd(w, 31));
}

/* A clean msgctl: @ds is read for IPC_SET, written by IPC_STAT. */
static int msg_ctl(struct wk *w, int id, uint32_t cmd,
		   struct aixipc_msqid_ds *ds)
{
	struct aixipc_msgctl c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.cmd = cmd;
	if (cmd == AIXIPC_IPC_SET)
		c.ds = *ds;
	rc = fz_call_clean(w, IOC_MSGCTL, &c, 0);
	if (!rc && cmd == AIXIPC_IPC_STAT)
		*ds = c.ds;
	return rc;
}

int msg_stat(struct wk *w, int id, struct aixipc_msqid_ds *ds)
{
	return msg_ctl(w, id, AIXIPC_IPC_STAT, ds);
}

int msg_set(struct wk *w, int id, const struct aixipc_msqid_ds *ds)
{
	struct aixipc_msqid_ds in = *ds;

	return msg_ctl(w, id, AIXIPC_IPC_SET, &in);
}

int rmid_msg(struct wk *w, int id)
{
	int rc = msg_ctl(w, id, AIXIPC_IPC_RMID, NULL);

	if (!rc)
		pool_forget(AIXIPC_MSG, id);
	return rc;
}

