// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Message queues: msgget, msgsnd, msgrcv, msgctl with glibc's ABI, and
 * AIX's msgxrcv.  Each call fills one UAPI struct and makes one ioctl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/msg.h>

#include "aixipc.h"
#include "internal.h"

AIXIPC_EXPORT int msgget(key_t key, int msgflg)
{
	struct aixipc_get g = {
		.kind = AIXIPC_MSG,
		.key = aixipc_key(key),
		.flags = (msgflg & IPC_CREAT ? AIXIPC_CREAT : 0) |
			 (msgflg & IPC_EXCL ? AIXIPC_EXCL : 0),
		.mode = msgflg & 0777,
	};

	return aixipc_call(AIXIPC_IOC_GET, &g) ? -1 : g.id;
}

AIXIPC_EXPORT int msgsnd(int msqid, const void *msgp, size_t msgsz, int msgflg)
{
	struct aixipc_msgsnd s = {
		.id = msqid,
		.flags = msgflg & IPC_NOWAIT ? AIXIPC_NOWAIT : 0,
		.msgp = (uintptr_t)msgp,
		.size = msgsz,
		.type_size = sizeof(long),
	};

	return aixipc_call(AIXIPC_IOC_MSGSND, &s);
}

static int rcv_flags(int msgflg)
{
	return (msgflg & IPC_NOWAIT ? AIXIPC_NOWAIT : 0) |
	       (msgflg & MSG_NOERROR ? AIXIPC_MSG_NOERROR : 0) |
	       (msgflg & MSG_EXCEPT ? AIXIPC_MSG_EXCEPT : 0) |
	       (msgflg & MSG_COPY ? AIXIPC_MSG_COPY : 0);
}

AIXIPC_EXPORT ssize_t msgrcv(int msqid, void *msgp, size_t msgsz, long msgtyp,
			     int msgflg)
{
	struct aixipc_msgrcv r = {
		.id = msqid,
		.flags = rcv_flags(msgflg),
		.msgtyp = msgtyp,
		.msgp = (uintptr_t)msgp,
		.size = msgsz,
		.type_size = sizeof(long),
	};

	if (aixipc_bad_size(msgsz))
		return -1;
	return aixipc_call(AIXIPC_IOC_MSGRCV, &r) ? -1 : (ssize_t)r.length;
}

/*
 * The header in front of mtype for msgxrcv with a 64-bit time_t, whatever
 * the library's own time_t (for -D_TIME_BITS=64 callers on 32-bit).
 */
struct msgxhdr64 {
	int64_t mtime;
	uid_t muid;
	gid_t mgid;
	pid_t mpid;
};

/*
 * The module stores the type word and text at mtype's address (@hdr_size
 * bytes in); the header in front of it is written here.  The header is
 * checked for writability first, so a bad buffer fails before a message
 * is taken.
 */
static ssize_t do_msgxrcv(int msqid, void *msgp, size_t hdr_size,
			  size_t msgsz, long msgtyp, int msgflg,
			  struct aixipc_msgrcv *r)
{
	char hdr[64];

	*r = (struct aixipc_msgrcv){
		.id = msqid,
		.flags = rcv_flags(msgflg),
		.msgtyp = msgtyp,
		.msgp = (uintptr_t)msgp + hdr_size,
		.size = msgsz,
		.type_size = sizeof(long),
	};
	if (aixipc_bad_size(msgsz) || aixipc_copy_in(hdr, msgp, hdr_size) ||
	    aixipc_copy_out(msgp, hdr, hdr_size))
		return -1;
	if (aixipc_call(AIXIPC_IOC_MSGRCV, r))
		return -1;
	return (ssize_t)r->length;
}

AIXIPC_EXPORT ssize_t msgxrcv(int msqid, struct msgxbuf *msgp, size_t msgsz,
			      long msgtyp, int msgflg)
{
	const size_t hdr_size = offsetof(struct msgxbuf, mtype);
	struct aixipc_msgrcv r;
	struct msgxbuf hdr;
	ssize_t n;

	_Static_assert(offsetof(struct msgxbuf, mtype) <= 64, "header size");
	n = do_msgxrcv(msqid, msgp, hdr_size, msgsz, msgtyp, msgflg, &r);
	if (n < 0)
		return -1;
	memset(&hdr, 0, hdr_size);
	hdr.mtime = (time_t)r.stime;
	hdr.muid = r.uid;
	hdr.mgid = r.gid;
	hdr.mpid = r.pid;
	return aixipc_copy_out(msgp, &hdr, hdr_size) ? -1 : n;
}

/* msgxrcv for callers whose time_t is 64 bits (see <aixipc.h>). */
AIXIPC_EXPORT ssize_t __aixipc_msgxrcv_time64(int msqid, void *msgp,
					      size_t msgsz, long msgtyp,
					      int msgflg)
{
	/* mtype (a long) follows the header at its natural alignment. */
	const size_t hdr_size = (sizeof(struct msgxhdr64) + _Alignof(long) - 1) /
				_Alignof(long) * _Alignof(long);
	struct aixipc_msgrcv r;
	struct msgxhdr64 hdr;
	ssize_t n;

	n = do_msgxrcv(msqid, msgp, hdr_size, msgsz, msgtyp, msgflg, &r);
	if (n < 0)
		return -1;
	memset(&hdr, 0, sizeof(hdr));
	hdr.mtime = r.stime;
	hdr.muid = r.uid;
	hdr.mgid = r.gid;
	hdr.mpid = r.pid;
	return aixipc_copy_out(msgp, &hdr, sizeof(hdr)) ? -1 : n;
}

static void ds_to_glibc(const struct aixipc_msqid_ds *in, struct msqid_ds *out)
{
	memset(out, 0, sizeof(*out));
	out->msg_perm.__key = aixipc_key_out(in->perm.key);
	out->msg_perm.uid = in->perm.uid;
	out->msg_perm.gid = in->perm.gid;
	out->msg_perm.cuid = in->perm.cuid;
	out->msg_perm.cgid = in->perm.cgid;
	out->msg_perm.mode = in->perm.mode;
	out->msg_perm.__seq = in->perm.seq;
	out->msg_stime = in->stime;
	out->msg_rtime = in->rtime;
	out->msg_ctime = in->ctime;
#ifdef AIXIPC_TIME64
	out->__msg_stime_high = AIXIPC_TIME_HIGH(in->stime);
	out->__msg_rtime_high = AIXIPC_TIME_HIGH(in->rtime);
	out->__msg_ctime_high = AIXIPC_TIME_HIGH(in->ctime);
#endif
	out->__msg_cbytes = in->cbytes;
	out->msg_qnum = in->qnum;
	out->msg_qbytes = in->qbytes;
	out->msg_lspid = in->lspid;
	out->msg_lrpid = in->lrpid;
}

/* IPC_INFO and MSG_INFO, with Linux's meanings of the fields. */
static int msg_info(int cmd, struct msginfo *buf)
{
	struct aixipc_limits l;
	struct aixipc_info t;
	struct msginfo mi;
	int max;

	if (aixipc_get_limits(&l) || aixipc_totals(AIXIPC_MSG, &t))
		return -1;
	memset(&mi, 0, sizeof(mi));
	mi.msgmni = aixipc_clamp_int(l.msgmni);
	mi.msgmax = aixipc_clamp_int(l.msgmax);
	mi.msgmnb = aixipc_clamp_int(l.msgmnb);
	mi.msgssz = 16;		/* Linux's MSGSSZ and MSGSEG: no meaning here */
	mi.msgseg = 0xffff;
	if (cmd == MSG_INFO) {
		mi.msgpool = aixipc_clamp_int(t.in_use);
		mi.msgmap = aixipc_clamp_int(t.count);
		mi.msgtql = aixipc_clamp_int(t.bytes);
	} else {
		mi.msgpool = aixipc_clamp_int(l.msgmni * l.msgmnb / 1024);
		mi.msgmap = aixipc_clamp_int(l.msgmnm);
		mi.msgtql = aixipc_clamp_int(l.msgmnm);
	}
	max = t.max_slot < 0 ? 0 : (int)t.max_slot;
	return aixipc_copy_out(buf, &mi, sizeof(mi)) ? -1 : max;
}

/*
 * MSG_STAT and MSG_STAT_ANY: the queue in slot @index; returns its id.
 * The module finds it and checks MSG_STAT's read permission.
 */
static int msg_stat(int index, int cmd, struct msqid_ds *buf)
{
	struct aixipc_msgctl c = {
		.id = index,
		.cmd = cmd == MSG_STAT ? AIXIPC_STAT_INDEX : AIXIPC_STAT_INDEX_ANY,
	};
	struct msqid_ds ds;

	if (aixipc_call(AIXIPC_IOC_MSGCTL, &c))
		return -1;
	ds_to_glibc(&c.ds, &ds);
	return aixipc_copy_out(buf, &ds, sizeof(ds)) ? -1 : c.id;
}

AIXIPC_EXPORT int msgctl(int msqid, int cmd, struct msqid_ds *buf)
{
	struct aixipc_msgctl c = { .id = msqid };
	struct msqid_ds ds;

	cmd = strip_ipc64(cmd);
	switch (cmd) {
	case IPC_INFO:
	case MSG_INFO:
		return msg_info(cmd, (struct msginfo *)buf);
	case MSG_STAT:
	case MSG_STAT_ANY:
		return msg_stat(msqid, cmd, buf);
	case IPC_STAT:
		c.cmd = AIXIPC_IPC_STAT;
		if (aixipc_call(AIXIPC_IOC_MSGCTL, &c))
			return -1;
		ds_to_glibc(&c.ds, &ds);
		return aixipc_copy_out(buf, &ds, sizeof(ds));
	case IPC_SET:
		if (aixipc_copy_in(&ds, buf, sizeof(ds)))
			return -1;
		c.cmd = AIXIPC_IPC_SET;
		c.ds.perm.uid = ds.msg_perm.uid;
		c.ds.perm.gid = ds.msg_perm.gid;
		c.ds.perm.mode = ds.msg_perm.mode & 0777;
		c.ds.qbytes = ds.msg_qbytes;
		return aixipc_call(AIXIPC_IOC_MSGCTL, &c);
	case IPC_RMID:
		c.cmd = AIXIPC_IPC_RMID;
		return aixipc_call(AIXIPC_IOC_MSGCTL, &c);
	}
	errno = EINVAL;
	return -1;
}

#ifdef AIXIPC_TIME64
/* glibc's time64 msgctl: the same bytes (see internal.h). */
AIXIPC_TIME_FIELD(msqid_ds, __msqid64_ds, msg_stime);
AIXIPC_TIME_FIELD(msqid_ds, __msqid64_ds, msg_rtime);
AIXIPC_TIME_FIELD(msqid_ds, __msqid64_ds, msg_ctime);
AIXIPC_SAME_FIELD(msqid_ds, __msqid64_ds, __msg_cbytes);
AIXIPC_SAME_FIELD(msqid_ds, __msqid64_ds, msg_qnum);
AIXIPC_SAME_FIELD(msqid_ds, __msqid64_ds, msg_qbytes);
AIXIPC_SAME_FIELD(msqid_ds, __msqid64_ds, msg_lspid);
AIXIPC_SAME_FIELD(msqid_ds, __msqid64_ds, msg_lrpid);
_Static_assert(sizeof(struct msqid_ds) == sizeof(struct __msqid64_ds), "size");
AIXIPC_EXPORT extern __typeof__(msgctl) __msgctl64
	__attribute__((alias("msgctl"), copy(msgctl)));
#endif
