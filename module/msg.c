// SPDX-License-Identifier: GPL-2.0
/*
 * Message queues with AIX semantics.
 *
 * Locking: everything in struct aixipc_msq (the message list, the counters,
 * both waiter lists and every field of a queued waiter) is guarded by
 * q->obj.lock.  Messages are built and copied from user space before that
 * lock is taken and copied out after it is dropped; a message in flight
 * belongs to exactly one task and is on no list.
 *
 * Waiting follows Linux's ipc/msg.c: a blocked receiver or sender puts a
 * waiter on its stack onto a FIFO list and sleeps.  Whoever makes progress
 * possible does the work on the sleeper's behalf under the lock (hands a
 * message to a receiver, queues a blocked sender's message), records the
 * result in the waiter, takes it off the list and wakes the task after
 * unlocking.  The woken task only reads its result, under the lock.  A
 * sleeper holds a reference on the queue, so it can always relock it, even
 * after IPC_RMID (which fails every waiter with EIDRM).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/list.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "aixipc.h"
#include "msg.h"

/* A message: header and first part of the text in one page, then segments. */
struct aixipc_msg {
	struct list_head list;
	u64 seqno;		/* order of arrival on its queue */
	s32 mtype;		/* 1 .. INT_MAX */
	u32 len;		/* at most msgmax <= INT_MAX */
	time64_t stime;
	kuid_t euid;
	kgid_t egid;
	struct pid *pid;	/* the sender's tgid: a reference, or NULL */
	struct aixipc_msgseg *next;
	/* text follows */
};

struct aixipc_msgseg {
	struct aixipc_msgseg *next;
	/* text follows */
};

/*
 * 64 bytes on 64-bit: a 64-byte message and its header share a kmalloc-128
 * object, as with Linux's msg_msg.
 */
static_assert(sizeof(struct aixipc_msg) <= 64 || BITS_PER_LONG == 32);

/* Page-sized pieces: a 4 MiB message never needs a high-order allocation. */
#define AIXIPC_MSG_DATALEN (PAGE_SIZE - sizeof(struct aixipc_msg))
#define AIXIPC_SEG_DATALEN (PAGE_SIZE - sizeof(struct aixipc_msgseg))

struct aixipc_msq {
	struct aixipc_obj obj;
	struct list_head messages;
	struct list_head receivers;
	struct list_head senders;
	u64 cbytes;
	u64 qnum;
	u64 qbytes;
	u64 next_seqno;
	struct pid *lspid;	/* references, as Linux's; NULL at first */
	struct pid *lrpid;
	time64_t stime;
	time64_t rtime;
};

/* Result of a waiter that is still waiting. */
#define AIXIPC_WAITING 1

struct aixipc_msg_receiver {
	struct list_head list;
	struct task_struct *task;
	enum aixipc_msg_search mode;
	s64 bound;
	u32 flags;
	size_t size;		/* room in the receive buffer */
	struct pid *pid;	/* the receiver's tgid (alive while it waits) */
	int status;		/* AIXIPC_WAITING, 0, -E2BIG, -EIDRM */
	struct aixipc_msg *msg;	/* handed over when status is 0 */
};

struct aixipc_msg_sender {
	struct list_head list;
	struct task_struct *task;
	struct aixipc_msg *msg;	/* queued or handed over by a waker */
	int status;		/* AIXIPC_WAITING, 0, -EIDRM */
};

static inline struct aixipc_msq *to_msq(struct aixipc_obj *obj)
{
	return container_of(obj, struct aixipc_msq, obj);
}

static void aixipc_msg_free(struct aixipc_msg *msg)
{
	struct aixipc_msgseg *seg = msg->next;

	put_pid(msg->pid);
	kfree(msg);
	while (seg) {
		struct aixipc_msgseg *next = seg->next;

		kfree(seg);
		seg = next;
	}
}

/*
 * Allocate a message with room for @len bytes of text, in page-sized
 * pieces; may sleep.  Accounted to the caller.
 */
static struct aixipc_msg *aixipc_msg_alloc(size_t len)
{
	struct aixipc_msgseg **pseg;
	struct aixipc_msg *msg;
	size_t n = min(len, AIXIPC_MSG_DATALEN);

	msg = kmalloc(sizeof(*msg) + n, GFP_KERNEL_ACCOUNT);
	if (!msg)
		return NULL;
	msg->next = NULL;
	msg->pid = NULL;
	msg->len = len;
	len -= n;
	pseg = &msg->next;
	while (len) {
		struct aixipc_msgseg *seg;

		n = min(len, AIXIPC_SEG_DATALEN);
		seg = kmalloc(sizeof(*seg) + n, GFP_KERNEL_ACCOUNT);
		if (!seg) {
			aixipc_msg_free(msg);
			return NULL;
		}
		seg->next = NULL;
		*pseg = seg;
		pseg = &seg->next;
		len -= n;
	}
	return msg;
}

/* Build a message from user space; may sleep.  Accounted to the sender. */
static struct aixipc_msg *aixipc_msg_load(const void __user *src, size_t len)
{
	struct aixipc_msg *msg = aixipc_msg_alloc(len);
	struct aixipc_msgseg *seg;
	size_t n = min(len, AIXIPC_MSG_DATALEN);

	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(msg + 1, src, n))
		goto fault;
	src += n;
	len -= n;
	for (seg = msg->next; len; seg = seg->next) {
		n = min(len, AIXIPC_SEG_DATALEN);
		if (copy_from_user(seg + 1, src, n))
			goto fault;
		src += n;
		len -= n;
	}
	return msg;
fault:
	aixipc_msg_free(msg);
	return ERR_PTR(-EFAULT);
}

/*
 * MSG_COPY: give @copy (allocated with room for @copy->len bytes) the
 * header and as much text of @msg as fits.  No sleeping: q->obj.lock held.
 */
static void aixipc_msg_duplicate(struct aixipc_msg *copy,
				 const struct aixipc_msg *msg)
{
	size_t len = min(copy->len, msg->len), off = 0, n;
	const struct aixipc_msgseg *from = msg->next;
	struct aixipc_msgseg *to = copy->next;

	copy->mtype = msg->mtype;
	copy->stime = msg->stime;
	copy->euid = msg->euid;
	copy->egid = msg->egid;
	copy->pid = get_pid(msg->pid);
	copy->len = len;
	n = min(len, AIXIPC_MSG_DATALEN);
	memcpy(copy + 1, msg + 1, n);
	/* Both messages are cut at the same offsets. */
	for (off = n; off < len; off += n) {
		n = min(len - off, AIXIPC_SEG_DATALEN);
		memcpy(to + 1, from + 1, n);
		to = to->next;
		from = from->next;
	}
}

static bool aixipc_msg_type_size_valid(u32 type_size)
{
	return type_size == sizeof(s32) || type_size == sizeof(s64);
}

/* Read the type word of a caller's message buffer (a long: 4 or 8 bytes). */
static int aixipc_msg_get_type(u64 msgp, u32 type_size, s64 *mtype)
{
	s32 t32;

	if (type_size == sizeof(s64))
		return get_user(*mtype, (s64 __user *)u64_to_user_ptr(msgp));
	if (get_user(t32, (s32 __user *)u64_to_user_ptr(msgp)))
		return -EFAULT;
	*mtype = t32;
	return 0;
}

/*
 * Store @msg's type word and its first @len bytes of text in the caller's
 * buffer at @msgp; may sleep.
 */
static int aixipc_msg_store(const struct aixipc_msg *msg, u64 msgp,
			    u32 type_size, size_t len)
{
	void __user *dst = u64_to_user_ptr(msgp + type_size);
	const struct aixipc_msgseg *seg;
	size_t n = min(len, AIXIPC_MSG_DATALEN);
	int err;

	if (type_size == sizeof(s64))
		err = put_user((s64)msg->mtype, (s64 __user *)u64_to_user_ptr(msgp));
	else
		err = put_user((s32)msg->mtype, (s32 __user *)u64_to_user_ptr(msgp));
	if (err)
		return -EFAULT;
	if (copy_to_user(dst, msg + 1, n))
		return -EFAULT;
	dst += n;
	len -= n;
	for (seg = msg->next; len; seg = seg->next) {
		n = min(len, AIXIPC_SEG_DATALEN);
		if (copy_to_user(dst, seg + 1, n))
			return -EFAULT;
		dst += n;
		len -= n;
	}
	return 0;
}

/* Put @msg on the queue in arrival order and charge it.  q->obj.lock held. */
static void aixipc_msg_enqueue(struct aixipc_msq *q, struct aixipc_msg *msg)
{
	struct aixipc_msg *pos;

	/* New messages go last; only a failed receive puts one back earlier. */
	list_for_each_entry_reverse(pos, &q->messages, list)
		if (pos->seqno < msg->seqno)
			break;
	list_add(&msg->list, &pos->list);
	q->cbytes += msg->len;
	q->qnum++;
}

static bool aixipc_msg_fits(const struct aixipc_msq *q,
			    const struct aixipc_msg *msg)
{
	return q->cbytes + msg->len <= q->qbytes &&
	       q->qnum + 1 <= aixipc_limits.msgmnm;
}

static bool aixipc_msg_wants(const struct aixipc_msg_receiver *r,
			     const struct aixipc_msg *msg)
{
	return aixipc_msg_type_matches(r->mode, r->bound, msg->mtype);
}

static bool aixipc_msg_has_room(const struct aixipc_msg_receiver *r,
				const struct aixipc_msg *msg)
{
	return msg->len <= r->size || (r->flags & AIXIPC_MSG_NOERROR);
}

/**
 * aixipc_msg_deliver - admit a message
 * @q: the queue, locked
 * @msg: the message
 * @force: queue it even if the queue is full (a message put back)
 * @wake: tasks to wake after unlocking
 *
 * The first blocked receiver that wants @msg and has room for it takes it
 * directly (it takes no room on the queue); otherwise it is queued if it
 * fits.  Once it is delivered either way, blocked receivers ahead of the
 * taker that want it but whose buffer is too small fail with E2BIG, as on
 * Linux.  A message that is not admitted disturbs nobody.
 *
 * Return: true when delivered.
 */
static bool aixipc_msg_deliver(struct aixipc_msq *q, struct aixipc_msg *msg,
			       bool force, struct aixipc_wake *wake)
{
	struct aixipc_msg_receiver *r, *tmp, *taker = NULL;

	list_for_each_entry(r, &q->receivers, list) {
		if (aixipc_msg_wants(r, msg) && aixipc_msg_has_room(r, msg)) {
			taker = r;
			break;
		}
	}
	if (!taker) {
		if (!force && !aixipc_msg_fits(q, msg))
			return false;
		aixipc_msg_enqueue(q, msg);
	}

	list_for_each_entry_safe(r, tmp, &q->receivers, list) {
		if (r == taker)
			break;
		if (!aixipc_msg_wants(r, msg))
			continue;
		list_del(&r->list);
		r->status = -E2BIG;
		aixipc_wake_add(wake, r->task);
	}
	if (taker) {
		list_del(&taker->list);
		taker->msg = msg;
		taker->status = 0;
		aixipc_set_pid(&q->lrpid, taker->pid);
		q->rtime = ktime_get_real_seconds();
		aixipc_wake_add(wake, taker->task);
	}
	return true;
}

/*
 * Admit a new message (see aixipc_msg_deliver()) and record the send.
 * Return: false when it does not fit.  q->obj.lock held.
 */
static bool aixipc_msg_send_locked(struct aixipc_msq *q, struct aixipc_msg *msg,
				   struct aixipc_wake *wake)
{
	msg->seqno = q->next_seqno;
	if (!aixipc_msg_deliver(q, msg, false, wake))
		return false;
	q->next_seqno++;
	msg->stime = ktime_get_real_seconds();
	aixipc_set_pid(&q->lspid, msg->pid);
	q->stime = msg->stime;
	return true;
}

/*
 * Room or a receiver may have appeared: complete blocked senders, in FIFO
 * order among those that can now proceed.  q->obj.lock held.
 */
static void aixipc_msg_admit_senders(struct aixipc_msq *q,
				     struct aixipc_wake *wake)
{
	struct aixipc_msg_sender *s, *tmp;

	list_for_each_entry_safe(s, tmp, &q->senders, list) {
		if (!aixipc_msg_send_locked(q, s->msg, wake))
			continue;
		list_del(&s->list);
		s->status = 0;
		aixipc_wake_add(wake, s->task);
	}
}

/* The first message a receiver qualifies for, or NULL.  q->obj.lock held. */
/* MSG_COPY: the message at position @index (0 = first).  Locked. */
static struct aixipc_msg *aixipc_msg_nth(struct aixipc_msq *q, s64 index)
{
	struct aixipc_msg *msg;

	list_for_each_entry(msg, &q->messages, list)
		if (index-- == 0)
			return msg;
	return NULL;
}

static struct aixipc_msg *aixipc_msg_find(struct aixipc_msq *q,
					  enum aixipc_msg_search mode, s64 bound)
{
	struct aixipc_msg *msg, *best = NULL;

	list_for_each_entry(msg, &q->messages, list) {
		if (!aixipc_msg_type_matches(mode, bound, msg->mtype))
			continue;
		if (mode != AIXIPC_SEARCH_LESSEQUAL)
			return msg;
		if (!best || msg->mtype < best->mtype) {
			best = msg;
			bound = msg->mtype - 1;	/* only strictly lower now */
			if (bound < 1)
				break;
		}
	}
	return best;
}

/* Take @msg off the queue for receiver @pid.  q->obj.lock held. */
static void aixipc_msg_dequeue(struct aixipc_msq *q, struct aixipc_msg *msg,
			       struct pid *pid, struct aixipc_wake *wake)
{
	list_del(&msg->list);
	q->cbytes -= msg->len;
	q->qnum--;
	aixipc_set_pid(&q->lrpid, pid);
	q->rtime = ktime_get_real_seconds();
	aixipc_msg_admit_senders(q, wake);
}

static struct aixipc_msq *aixipc_msq_lock(struct aixipc_ns *ns, int id)
{
	struct aixipc_obj *obj = aixipc_lock_id(&ns->ids[AIXIPC_MSG], id);

	return IS_ERR(obj) ? ERR_CAST(obj) : to_msq(obj);
}

/**
 * aixipc_msgsnd - AIXIPC_IOC_MSGSND
 * @ns: the namespace
 * @req: the request
 *
 * Takes and releases q->obj.lock; may sleep while the queue is full.
 * Return: 0, -EINVAL, -EFAULT, -ENOMEM, -EACCES, -EAGAIN, -EIDRM or
 * -ERESTARTNOHAND (EINTR when a handler runs).
 */
int aixipc_msgsnd(struct aixipc_ns *ns, struct aixipc_msgsnd *req)
{
	struct aixipc_msg_sender s;
	struct aixipc_wake wake;
	struct aixipc_msg *msg;
	struct aixipc_msq *q;
	s64 mtype;
	int err;

	if (req->flags & ~AIXIPC_NOWAIT || req->id < 0 || req->__reserved ||
	    !aixipc_msg_type_size_valid(req->type_size) ||
	    req->size > aixipc_limits.msgmax)
		return -EINVAL;
	err = aixipc_msg_get_type(req->msgp, req->type_size, &mtype);
	if (err)
		return err;
	if (!aixipc_msg_type_valid(mtype))
		return -EINVAL;

	msg = aixipc_msg_load(u64_to_user_ptr(req->msgp + req->type_size),
			      req->size);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	msg->mtype = mtype;
	msg->euid = current_euid();
	msg->egid = current_egid();
	msg->pid = get_pid(task_tgid(current));

	q = aixipc_msq_lock(ns, req->id);
	if (IS_ERR(q)) {
		aixipc_msg_free(msg);
		return PTR_ERR(q);
	}
	aixipc_wake_init(&wake);
	err = aixipc_check_perm(&q->obj, 2);
	if (err)
		goto unlock_free;

	if (aixipc_msg_send_locked(q, msg, &wake)) {
		spin_unlock(&q->obj.lock);
		aixipc_wake_all(&wake);
		return 0;
	}
	if (req->flags & AIXIPC_NOWAIT) {
		err = -EAGAIN;
		goto unlock_free;
	}

	s.task = current;
	s.msg = msg;
	s.status = AIXIPC_WAITING;
	list_add_tail(&s.list, &q->senders);
	aixipc_obj_get(&q->obj);
	/* A message that is not admitted wakes nobody: nothing to wake yet. */
	while (s.status == AIXIPC_WAITING) {
		if (signal_pending(current)) {
			list_del(&s.list);
			s.status = -ERESTARTNOHAND;
			break;
		}
		__set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock(&q->obj.lock);
		schedule();
		spin_lock(&q->obj.lock);
	}
	spin_unlock(&q->obj.lock);
	aixipc_obj_put(&q->obj);
	if (s.status)
		aixipc_msg_free(msg);
	return s.status;

unlock_free:
	spin_unlock(&q->obj.lock);
	aixipc_wake_all(&wake);
	aixipc_msg_free(msg);
	return err;
}

/*
 * A receive failed to copy the text out: put the message back where it
 * was, or give it to a receiver that has come since.  It was admitted once,
 * so it is requeued even if the queue has filled up meanwhile.  Takes
 * q->obj.lock; the caller holds a reference on the queue.
 */
static void aixipc_msg_putback(struct aixipc_msq *q, struct aixipc_msg *msg)
{
	struct aixipc_wake wake;

	aixipc_wake_init(&wake);
	spin_lock(&q->obj.lock);
	if (q->obj.deleted) {
		spin_unlock(&q->obj.lock);
		aixipc_msg_free(msg);
		return;
	}
	aixipc_msg_deliver(q, msg, true, &wake);
	spin_unlock(&q->obj.lock);
	aixipc_wake_all(&wake);
}

/*
 * Block receiver @r until a sender hands it a message, IPC_RMID or a
 * signal.  Called with q->obj.lock held; returns with it released.
 * Return: 0 with r->msg set and a reference on the queue kept for a
 * putback, or -EIDRM/-E2BIG/-ERESTARTNOHAND with no reference kept.
 */
static int aixipc_msg_wait(struct aixipc_msq *q, struct aixipc_msg_receiver *r)
{
	struct aixipc_wake wake;

	aixipc_wake_init(&wake);
	r->task = current;
	r->status = AIXIPC_WAITING;
	r->msg = NULL;
	list_add_tail(&r->list, &q->receivers);
	aixipc_obj_get(&q->obj);
	/* A blocked sender may hold just what this receiver wants. */
	aixipc_msg_admit_senders(q, &wake);
	if (wake.n) {
		spin_unlock(&q->obj.lock);
		aixipc_wake_all(&wake);
		spin_lock(&q->obj.lock);
	}
	while (r->status == AIXIPC_WAITING) {
		if (signal_pending(current)) {
			list_del(&r->list);
			r->status = -ERESTARTNOHAND;
			break;
		}
		__set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock(&q->obj.lock);
		schedule();
		spin_lock(&q->obj.lock);
	}
	spin_unlock(&q->obj.lock);
	if (r->status)
		aixipc_obj_put(&q->obj);
	return r->status;
}

/*
 * MSG_COPY (Linux): copy the message at position req->msgtyp without taking
 * it; never waits.  The copy is allocated before the queue is locked,
 * filled under the lock and copied out after it.
 */
static int aixipc_msgrcv_copy(struct aixipc_ns *ns, struct aixipc_msgrcv *req)
{
	struct aixipc_msg *copy, *msg;
	struct user_namespace *uns;
	struct aixipc_msq *q;
	int err = 0;

	if (!(req->flags & AIXIPC_NOWAIT) || (req->flags & AIXIPC_MSG_EXCEPT))
		return -EINVAL;
	copy = aixipc_msg_alloc(min_t(u64, req->size, aixipc_limits.msgmax));
	if (!copy)
		return -ENOMEM;

	q = aixipc_msq_lock(ns, req->id);
	if (IS_ERR(q)) {
		aixipc_msg_free(copy);
		return PTR_ERR(q);
	}
	err = aixipc_check_perm(&q->obj, 4);
	msg = err ? NULL : aixipc_msg_nth(q, req->msgtyp);
	if (!err && !msg)
		err = -ENOMSG;
	else if (!err && msg->len > req->size &&
		 !(req->flags & AIXIPC_MSG_NOERROR))
		err = -E2BIG;
	if (!err)
		aixipc_msg_duplicate(copy, msg);
	spin_unlock(&q->obj.lock);

	if (!err && aixipc_msg_store(copy, req->msgp, req->type_size, copy->len))
		err = -EFAULT;
	if (!err) {
		uns = current_user_ns();
		req->mtype = copy->mtype;
		req->length = copy->len;
		req->stime = copy->stime;
		req->uid = from_kuid_munged(uns, copy->euid);
		req->gid = from_kgid_munged(uns, copy->egid);
		req->pid = pid_vnr(copy->pid);
	}
	aixipc_msg_free(copy);
	return err;
}

/**
 * aixipc_msgrcv - AIXIPC_IOC_MSGRCV (msgrcv and msgxrcv)
 * @ns: the namespace
 * @req: the request; the out fields are filled on success
 *
 * Takes and releases q->obj.lock; may sleep until a message arrives.  The
 * text is copied out with no lock held; if that faults, the message goes
 * back on the queue in its place and the call fails with EFAULT.
 * With AIXIPC_MSG_COPY, see aixipc_msgrcv_copy().
 * Return: 0, -EINVAL, -EACCES, -E2BIG, -ENOMSG, -EIDRM, -EFAULT,
 * -ENOMEM (MSG_COPY) or -ERESTARTNOHAND.
 */
int aixipc_msgrcv(struct aixipc_ns *ns, struct aixipc_msgrcv *req)
{
	struct aixipc_msg_receiver r;
	struct user_namespace *uns;
	struct aixipc_wake wake;
	struct aixipc_msg *msg;
	struct aixipc_msq *q;
	size_t len;
	int err;

	if (req->flags & ~(AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR |
			   AIXIPC_MSG_EXCEPT | AIXIPC_MSG_COPY) ||
	    req->id < 0 || (s64)req->size < 0 || req->__reserved ||
	    req->__reserved2 || !aixipc_msg_type_size_valid(req->type_size))
		return -EINVAL;
	if (req->flags & AIXIPC_MSG_COPY)
		return aixipc_msgrcv_copy(ns, req);

	r.mode = aixipc_msg_search_mode(req->msgtyp, req->flags, &r.bound);
	r.flags = req->flags;
	r.size = req->size;
	r.pid = task_tgid(current);

	q = aixipc_msq_lock(ns, req->id);
	if (IS_ERR(q))
		return PTR_ERR(q);
	err = aixipc_check_perm(&q->obj, 4);
	if (err) {
		spin_unlock(&q->obj.lock);
		return err;
	}

	msg = aixipc_msg_find(q, r.mode, r.bound);
	if (!msg && (r.flags & AIXIPC_NOWAIT)) {
		spin_unlock(&q->obj.lock);
		return -ENOMSG;
	}
	if (!msg) {
		err = aixipc_msg_wait(q, &r);
		if (err)
			return err;
		msg = r.msg;
	} else {
		if (!aixipc_msg_has_room(&r, msg)) {
			spin_unlock(&q->obj.lock);
			return -E2BIG;	/* the message stays queued */
		}
		aixipc_wake_init(&wake);
		aixipc_msg_dequeue(q, msg, r.pid, &wake);
		aixipc_obj_get(&q->obj);	/* for a putback */
		spin_unlock(&q->obj.lock);
		aixipc_wake_all(&wake);
	}

	len = min_t(size_t, msg->len, r.size);
	if (aixipc_msg_store(msg, req->msgp, req->type_size, len)) {
		aixipc_msg_putback(q, msg);
		aixipc_obj_put(&q->obj);
		return -EFAULT;
	}
	aixipc_obj_put(&q->obj);

	uns = current_user_ns();
	req->mtype = msg->mtype;
	req->length = len;
	req->stime = msg->stime;
	req->uid = from_kuid_munged(uns, msg->euid);
	req->gid = from_kgid_munged(uns, msg->egid);
	req->pid = pid_vnr(msg->pid);
	aixipc_msg_free(msg);
	return 0;
}

/* Fill a status block; q->obj.lock held. */
static void aixipc_msq_fill_ds(struct aixipc_msq *q, struct aixipc_msqid_ds *ds)
{
	memset(ds, 0, sizeof(*ds));
	aixipc_fill_perm(&q->obj, &ds->perm);
	ds->cbytes = q->cbytes;
	ds->qnum = q->qnum;
	ds->qbytes = q->qbytes;
	ds->lspid = pid_vnr(q->lspid);
	ds->lrpid = pid_vnr(q->lrpid);
	ds->stime = q->stime;
	ds->rtime = q->rtime;
	ds->ctime = q->obj.ctime;
	if (!list_empty(&q->receivers))
		ds->status |= AIXIPC_MSG_RWAIT;
	if (!list_empty(&q->senders))
		ds->status |= AIXIPC_MSG_WWAIT;
}

/**
 * aixipc_msgctl - AIXIPC_IOC_MSGCTL: IPC_STAT, IPC_SET, IPC_RMID
 * @ns: the namespace
 * @req: the request
 *
 * STAT takes q->obj.lock; SET and RMID take the registry's rwsem too.
 */
int aixipc_msgctl(struct aixipc_ns *ns, struct aixipc_msgctl *req)
{
	struct aixipc_ids *ids = &ns->ids[AIXIPC_MSG];
	struct aixipc_wake wake;
	struct aixipc_obj *obj;
	struct aixipc_msq *q;
	int err;

	switch (req->cmd) {
	case AIXIPC_IPC_STAT:
		q = aixipc_msq_lock(ns, req->id);
		if (IS_ERR(q))
			return PTR_ERR(q);
		err = aixipc_check_perm(&q->obj, 4);
		if (!err)
			aixipc_msq_fill_ds(q, &req->ds);
		spin_unlock(&q->obj.lock);
		return err;

	case AIXIPC_IPC_SET:
		if (req->ds.__reserved)
			return -EINVAL;
		obj = aixipc_lock_for_change(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		q = to_msq(obj);
		if (req->ds.qbytes > aixipc_limits.msgmnb &&
		    !capable(CAP_SYS_RESOURCE)) {
			err = -EPERM;
		} else {
			err = aixipc_set_perm(obj, &req->ds.perm);
		}
		aixipc_wake_init(&wake);
		if (!err) {
			q->qbytes = req->ds.qbytes;
			/* A larger queue may let blocked senders in. */
			aixipc_msg_admit_senders(q, &wake);
		}
		aixipc_change_done(obj);
		aixipc_wake_all(&wake);
		return err;

	case AIXIPC_IPC_RMID:
		obj = aixipc_lock_for_change(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		return aixipc_rmid(obj);
	}
	return -EINVAL;
}

static struct aixipc_obj *aixipc_msq_alloc(struct aixipc_ids *ids,
					   const struct aixipc_get *req)
{
	struct aixipc_msq *q;

	if (req->size)
		return ERR_PTR(-EINVAL);
	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&q->messages);
	INIT_LIST_HEAD(&q->receivers);
	INIT_LIST_HEAD(&q->senders);
	q->qbytes = aixipc_limits.msgmnb;
	return &q->obj;
}

/* IPC_RMID: fail every waiter with EIDRM, free the queue's messages. */
static void aixipc_msq_destroy(struct aixipc_obj *obj, struct aixipc_wake *wake)
{
	struct aixipc_msq *q = to_msq(obj);
	struct aixipc_msg_receiver *r, *rtmp;
	struct aixipc_msg_sender *s, *stmp;
	struct aixipc_msg *msg, *mtmp;

	list_for_each_entry_safe(r, rtmp, &q->receivers, list) {
		list_del(&r->list);
		r->status = -EIDRM;
		aixipc_wake_add(wake, r->task);
	}
	list_for_each_entry_safe(s, stmp, &q->senders, list) {
		list_del(&s->list);
		s->status = -EIDRM;
		aixipc_wake_add(wake, s->task);
	}
	list_for_each_entry_safe(msg, mtmp, &q->messages, list) {
		list_del(&msg->list);
		aixipc_msg_free(msg);
	}
	q->cbytes = 0;
	q->qnum = 0;
	aixipc_set_pid(&q->lspid, NULL);
	aixipc_set_pid(&q->lrpid, NULL);
}

/* Queues have no size: msgget's size must be 0.  obj->lock held. */
static int aixipc_msq_reopen(struct aixipc_obj *obj,
			     const struct aixipc_get *req)
{
	return req->size ? -EINVAL : 0;
}

static void aixipc_msq_free(struct aixipc_obj *obj)
{
	kfree(to_msq(obj));
}

static void aixipc_msq_fill(struct aixipc_obj *obj, struct aixipc_list_entry *e)
{
	aixipc_msq_fill_ds(to_msq(obj), &e->msg);
}

static void aixipc_msq_info(struct aixipc_obj *obj, struct aixipc_info *info)
{
	info->count += to_msq(obj)->qnum;
	info->bytes += to_msq(obj)->cbytes;
}

static u64 aixipc_msq_max_ids(void)
{
	return aixipc_limits.msgmni;
}

const struct aixipc_kind_ops aixipc_msg_ops = {
	.alloc = aixipc_msq_alloc,
	.reopen = aixipc_msq_reopen,
	.destroy = aixipc_msq_destroy,
	.free = aixipc_msq_free,
	.fill = aixipc_msq_fill,
	.info = aixipc_msq_info,
	.max_ids = aixipc_msq_max_ids,
};
