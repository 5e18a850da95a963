// SPDX-License-Identifier: GPL-2.0
/*
 * Message queues with AIX semantics.
 *
 * Locking: everything in struct aixipc_msq (the message list, the counters,
 * both waiter lists and every field of a queued waiter) is guarded by
 * q->obj.lock.  Messages are built and copied from user space before that
 * lock is taken and copied out, or freed, after it is dropped; a message in
 * flight belongs to exactly one task and is on no list.
 *
 * Waiting follows Linux's ipc/msg.c: a blocked receiver or sender puts a
 * waiter on its stack onto a FIFO list and sleeps.  Whoever makes progress
 * possible does the work on the sleeper's behalf under the lock (hands a
 * message to a receiver, queues a blocked sender's message), records the
 * result in the waiter, takes it off the list and wakes the task after
 * unlocking.  The woken task only reads its result, under the lock.  A
 * sleeper holds a reference on the queue, so it relocks the same queue
 * (never the id again), even after IPC_RMID, which fails every waiter on
 * the lists with EIDRM; a waiter that was off the lists when the queue was
 * removed sees obj.deleted after relocking.
 *
 * Permissions are checked by the caller itself, under the lock, and a
 * waker never admits a sleeper on a check older than the last change of
 * the queue's owner or mode: IPC_SET that changes them takes every sleeper
 * off the lists (AIXIPC_RECHECK) to check again, as Linux's IPC_SET wakes
 * its sleepers to re-check.
 *
 * Memory: a queue holds at most qbytes of text and msgmnm messages, on
 * every path that adds to it (a send, a blocked sender let in, a message
 * put back after a failed copy-out).  Besides, every message is charged,
 * at its kernel allocation size (header and pieces, rounded as kmalloc
 * rounds them), to its sender's effective uid (struct aixipc_msg_user) and
 * to the host (aixipc_msg_host_bytes), against the msg_user_bytes and
 * msg_total_bytes module parameters, before it is built: a message held
 * by a sender blocked for room counts as much as a queued one.  A sender
 * refused by a cap waits for memory on that cap's wait queue, with no
 * queue lock held and nothing built, or fails with EAGAIN under
 * IPC_NOWAIT, as for a full queue; CAP_SYS_RESOURCE exempts a sender from
 * its user's cap (it may also raise qbytes), not from the host's.  The
 * charge is released when the message is freed, whoever frees it: a
 * receiver, IPC_RMID, a dropped put-back or a sender that failed, which
 * releases the charge of a message it never built by its cost.  The
 * accounts have their own lock (aixipc_msg_users_lock, for adding them;
 * readers use RCU; they last until unload) and atomic counters, so they
 * are charged and released under no lock.  MSG_COPY's temporary copy is
 * not charged (see aixipc_msgrcv_copy()).
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/rculist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "compat.h"
#include "ns.h"
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

/* Results of a waiter that has no final result yet. */
#define AIXIPC_WAITING	1	/* on its list, asleep */
#define AIXIPC_RECHECK	2	/* taken off its list by IPC_SET: check again */

struct aixipc_msg_receiver {
	struct list_head list;
	struct task_struct *task;
	enum aixipc_msg_search mode;
	s64 bound;
	u32 flags;
	size_t size;		/* room in the receive buffer */
	struct pid *pid;	/* the receiver's tgid (alive while it waits) */
	int status;		/* WAITING, RECHECK, 0, -E2BIG, -EIDRM, ... */
	struct aixipc_msg *msg;	/* handed over when status is 0 */
};

/*
 * A user's message memory: see the top of this file.  Made at the first
 * send by its effective uid and kept until the module is unloaded, so a
 * send or a free never makes or frees one in steady state.  There is one
 * per uid that has sent, as Linux's user_struct, about 100 bytes each.
 */
struct aixipc_msg_user {
	struct hlist_node node;	/* [aixipc_msg_users_lock]; RCU readers */
	kuid_t uid;		/* constant */
	atomic64_t bytes;	/* charged by its messages */
	wait_queue_head_t wait;	/* senders refused by msg_user_bytes */
};

/* The result of charging a message (aixipc_msg_charge()). */
enum aixipc_msg_refusal {
	AIXIPC_CHARGED,
	AIXIPC_USER_FULL,	/* msg_user_bytes */
	AIXIPC_HOST_FULL,	/* msg_total_bytes */
};

struct aixipc_msg_sender {
	struct list_head list;
	struct task_struct *task;
	struct aixipc_msg *msg;	/* built and charged; queued or handed over */
	int status;		/* WAITING, RECHECK, 0, -EIDRM, ... */
};

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
 * Message memory accounts, one per effective uid that has sent, in a hash
 * table: added under aixipc_msg_users_lock, looked up under RCU, freed by
 * aixipc_msg_exit().
 */
#define AIXIPC_MSG_USER_BITS 8
static DEFINE_HASHTABLE(aixipc_msg_users, AIXIPC_MSG_USER_BITS);
static DEFINE_SPINLOCK(aixipc_msg_users_lock);
static atomic64_t aixipc_msg_host_bytes = ATOMIC64_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(aixipc_msg_host_wait);	/* msg_total_bytes */

/* The account of @uid, or NULL.  Called under rcu_read_lock(). */
static struct aixipc_msg_user *aixipc_msg_user_find(kuid_t uid)
{
	struct aixipc_msg_user *u;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "needs rcu_read_lock()");
	hash_for_each_possible_rcu(aixipc_msg_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* The account of @uid, made if need be; may sleep. */
static struct aixipc_msg_user *aixipc_msg_user_get(kuid_t uid)
{
	struct aixipc_msg_user *u, *new;

	rcu_read_lock();
	u = aixipc_msg_user_find(uid);
	rcu_read_unlock();
	if (u)
		return u;

	/* Kept until unload: charged to the memory cgroup that made it. */
	new = kmalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	new->uid = uid;
	atomic64_set(&new->bytes, 0);
	init_waitqueue_head(&new->wait);

	spin_lock(&aixipc_msg_users_lock);
	rcu_read_lock();
	u = aixipc_msg_user_find(uid);
	rcu_read_unlock();
	if (!u) {
		hash_add_rcu(aixipc_msg_users, &new->node, __kuid_val(uid));
		u = new;
		new = NULL;
	}
	spin_unlock(&aixipc_msg_users_lock);
	kfree(new);
	return u;
}

/**
 * aixipc_msg_exit - free the message memory accounts
 *
 * At module unload, when no queue (hence no message and no sender) is
 * left: every account is idle.
 */
void aixipc_msg_exit(void)
{
	struct aixipc_msg_user *u;
	struct hlist_node *tmp;
	unsigned int bkt;

	WARN_ON(atomic64_read(&aixipc_msg_host_bytes));
	hash_for_each_safe(aixipc_msg_users, bkt, tmp, u, node) {
		WARN_ON(atomic64_read(&u->bytes));
		hash_del(&u->node);
		kfree(u);
	}
}

/*
 * What a message with @len bytes of text is charged: the kmalloc size of
 * each piece aixipc_msg_alloc() makes, header included, so a zero-length
 * message costs its header.
 */
static u64 aixipc_msg_cost(size_t len)
{
	size_t n = min(len, AIXIPC_MSG_DATALEN);
	size_t rest = len - n;
	u64 cost = aixipc_kmalloc_size_roundup(sizeof(struct aixipc_msg) + n);

	cost += (u64)(rest / AIXIPC_SEG_DATALEN) *
		aixipc_kmalloc_size_roundup(sizeof(struct aixipc_msgseg) +
					    AIXIPC_SEG_DATALEN);
	if (rest % AIXIPC_SEG_DATALEN)
		cost += aixipc_kmalloc_size_roundup(sizeof(struct aixipc_msgseg) +
						    rest % AIXIPC_SEG_DATALEN);
	return cost;
}

/*
 * Wake senders refused by a cap after memory was released.  The full
 * barrier orders the release before the look at the wait queues; it pairs
 * with the one in prepare_to_wait() in aixipc_msg_charge_wait(), which a
 * refused sender calls to join a wait queue before it tries again.
 */
static void aixipc_msg_wake_refused(struct aixipc_msg_user *u)
{
	/* Release before looking: pairs with prepare_to_wait(). */
	smp_mb__after_atomic();
	/* Lockless look: safe after the barrier above. */
	if (u && waitqueue_active(&u->wait))
		wake_up(&u->wait);
	/* Likewise. */
	if (waitqueue_active(&aixipc_msg_host_wait))
		wake_up(&aixipc_msg_host_wait);
}

/*
 * A queue was removed: wake every sender waiting for message memory, so
 * one waiting to send to that queue sees it removed (EIDRM) now rather
 * than when memory is released.  Others try to charge again and sleep.
 * Unconditional wake_up()s: their lock orders the caller's setting of
 * obj.deleted before the look of a waiter that joins later.  Takes the
 * wait queues' locks only; no other lock needed.
 */
static void aixipc_msg_wake_all_refused(void)
{
	struct aixipc_msg_user *u;
	unsigned int bkt;

	rcu_read_lock();
	hash_for_each_rcu(aixipc_msg_users, bkt, u, node)
		wake_up(&u->wait);
	rcu_read_unlock();
	wake_up(&aixipc_msg_host_wait);
}

/*
 * Charge @cost to @u and to the host, or refuse it with nothing charged.
 * By the sender itself, with no lock held: CAP_SYS_RESOURCE (asked at most
 * once per send, through @exempt: 1, 0 or -1 not asked yet) exempts it
 * from @u's cap, not from the host's.
 */
static enum aixipc_msg_refusal aixipc_msg_charge(struct aixipc_ns *ns,
						 struct aixipc_msg_user *u,
						 u64 cost, s8 *exempt)
{
	s64 old;

	old = atomic64_read(&u->bytes);
	do {
		if ((u64)old + cost > aixipc_msg_user_bytes) {
			if (*exempt < 0)
				*exempt = ns_capable_noaudit(&init_user_ns,
							     CAP_SYS_RESOURCE);
			if (!*exempt)
				return AIXIPC_USER_FULL;
		}
	} while (!atomic64_try_cmpxchg(&u->bytes, &old, old + cost));

	old = atomic64_read(&aixipc_msg_host_bytes);
	do {
		if ((u64)old + cost > aixipc_msg_total_bytes) {
			atomic64_sub(cost, &u->bytes);
			aixipc_msg_wake_refused(u);
			return AIXIPC_HOST_FULL;
		}
	} while (!atomic64_try_cmpxchg(&aixipc_msg_host_bytes, &old,
				       old + cost));
	return AIXIPC_CHARGED;
}

/*
 * Release @cost charged to @u and to the host, and wake the senders
 * waiting for memory.  Takes no lock and does not sleep.
 */
static void aixipc_msg_uncharge(struct aixipc_msg_user *u, u64 cost)
{
	atomic64_sub(cost, &aixipc_msg_host_bytes);
	if (!WARN_ON_ONCE(!u))
		atomic64_sub(cost, &u->bytes);
	aixipc_msg_wake_refused(u);
}

/**
 * aixipc_msg_charge_wait - charge a message before it is built
 * @q: the queue it is for, on which the caller holds a reference, unlocked
 * @u: the account of the sender's effective uid
 * @cost: what the message will be charged (aixipc_msg_cost())
 * @nowait: fail rather than wait
 *
 * Charges @cost (aixipc_msg_charge()) or, refused by a cap, sleeps on that
 * cap's wait queue until memory is released and tries again.  It tries
 * once more after joining the wait queue and before sleeping, so memory
 * released in between is not missed (aixipc_msg_wake_refused() has the
 * matching barrier).  Sleeps with no lock held.  Gives up when @q is
 * removed meanwhile (aixipc_msg_wake_all_refused() wakes it to see so).
 * Return: 0 (charged), -EAGAIN (@nowait), -EIDRM or -ERESTARTNOHAND, the
 * last three with nothing charged.
 */
static int aixipc_msg_charge_wait(struct aixipc_msq *q,
				  struct aixipc_msg_user *u, u64 cost,
				  bool nowait)
{
	wait_queue_head_t *wq = NULL, *refused;
	struct aixipc_ns *ns = q->obj.ids->ns;
	enum aixipc_msg_refusal res;
	DEFINE_WAIT(wait);
	s8 exempt = -1;
	int err;

	for (;;) {
		res = aixipc_msg_charge(ns, u, cost, &exempt);
		err = 0;
		if (res == AIXIPC_CHARGED)
			break;
		err = -EAGAIN;
		if (nowait)
			break;
		refused = res == AIXIPC_USER_FULL ? &u->wait :
						    &aixipc_msg_host_wait;
		if (refused != wq) {
			/* Join first, then try again before sleeping. */
			if (wq)
				finish_wait(wq, &wait);
			wq = refused;
			prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
			continue;
		}
		/* Set under the lock; the wait queue's lock orders the look. */
		err = -EIDRM;
		if (READ_ONCE(q->obj.deleted))
			break;
		err = -ERESTARTNOHAND;
		if (signal_pending(current))
			break;
		schedule();
		/* A wakeup took @wait off @wq: join again, then try. */
		prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
	}
	if (wq)
		finish_wait(wq, &wait);
	return err;
}

/*
 * Free a message that was charged, releasing its charge from the account
 * of its sender's effective uid, whoever calls this.  Takes no lock and
 * does not sleep; called with no lock held but in aixipc_msq_destroy()'s
 * fallback.
 */
static void aixipc_msg_release(struct aixipc_msg *msg)
{
	struct aixipc_msg_user *u;

	rcu_read_lock();
	u = aixipc_msg_user_find(msg->euid);
	rcu_read_unlock();
	aixipc_msg_uncharge(u, aixipc_msg_cost(msg->len));
	aixipc_msg_free(msg);
}

/* Release every message on @list (spliced off a queue); may sleep. */
static void aixipc_msg_release_list(struct list_head *list)
{
	struct aixipc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, list, list) {
		list_del(&msg->list);
		aixipc_msg_release(msg);
		cond_resched();
	}
}

/*
 * MSG_COPY: give @copy (allocated with room for @copy->len bytes) the
 * header and as much text of @msg, queued on @q, as fits.  No sleeping:
 * q->obj.lock held.
 */
static void aixipc_msg_duplicate(struct aixipc_msq *q, struct aixipc_msg *copy,
				 const struct aixipc_msg *msg)
{
	size_t len = min(copy->len, msg->len), off = 0, n;
	const struct aixipc_msgseg *from = msg->next;
	struct aixipc_msgseg *to = copy->next;

	aixipc_assert_locked(&q->obj);
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

/*
 * Put @msg on the queue in arrival order and count it.  q->obj.lock held;
 * the caller has checked that it fits (aixipc_msg_fits()).
 */
static void aixipc_msg_enqueue(struct aixipc_msq *q, struct aixipc_msg *msg)
{
	struct aixipc_msg *pos;

	aixipc_assert_locked(&q->obj);
	/* New messages go last; only a failed receive puts one back earlier. */
	list_for_each_entry_reverse(pos, &q->messages, list)
		if (pos->seqno < msg->seqno)
			break;
	list_add(&msg->list, &pos->list);
	q->cbytes += msg->len;
	q->qnum++;
	aixipc_msgfd_queued(q, msg->mtype);
}

/* Would @msg fit on the queue within qbytes and msgmnm?  Locked. */
static bool aixipc_msg_fits(const struct aixipc_msq *q,
			    const struct aixipc_msg *msg)
{
	aixipc_assert_locked(&q->obj);
	return q->cbytes + msg->len <= q->qbytes &&
	       q->qnum + 1 <= aixipc_limit(q->obj.ids->ns, msgmnm);
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

/*
 * The first blocked receiver that wants @msg and has room for it, which
 * takes it directly (it then takes no room on the queue), or NULL.
 * q->obj.lock held.
 */
static struct aixipc_msg_receiver *aixipc_msg_taker(struct aixipc_msq *q,
						    const struct aixipc_msg *msg)
{
	struct aixipc_msg_receiver *r;

	aixipc_assert_locked(&q->obj);
	list_for_each_entry(r, &q->receivers, list)
		if (aixipc_msg_wants(r, msg) && aixipc_msg_has_room(r, msg))
			return r;
	return NULL;
}

/**
 * aixipc_msg_deliver - hand over or queue an admitted message
 * @q: the queue, locked
 * @msg: the message
 * @taker: from aixipc_msg_taker(), or NULL to queue @msg (which must fit)
 * @wake: tasks to wake after unlocking
 *
 * Once @msg is delivered either way, blocked receivers ahead of the taker
 * that want it but whose buffer is too small fail with E2BIG, as on Linux.
 */
static void aixipc_msg_deliver(struct aixipc_msq *q, struct aixipc_msg *msg,
			       struct aixipc_msg_receiver *taker,
			       struct aixipc_wake *wake)
{
	struct aixipc_msg_receiver *r, *tmp;

	aixipc_assert_locked(&q->obj);
	if (!taker)
		aixipc_msg_enqueue(q, msg);
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
}

/*
 * Admit @msg (built and charged) if a receiver takes it or it fits on the
 * queue; record the send.  A message that is not admitted disturbs
 * nobody.  q->obj.lock held.
 * Return: whether @msg was admitted.
 */
static bool aixipc_msg_send_locked(struct aixipc_msq *q, struct aixipc_msg *msg,
				   struct aixipc_wake *wake)
{
	struct aixipc_msg_receiver *taker;

	aixipc_assert_locked(&q->obj);
	taker = aixipc_msg_taker(q, msg);
	if (!taker && !aixipc_msg_fits(q, msg))
		return false;
	msg->seqno = q->next_seqno++;
	msg->stime = ktime_get_real_seconds();
	aixipc_set_pid(&q->lspid, msg->pid);
	q->stime = msg->stime;
	aixipc_msg_deliver(q, msg, taker, wake);
	return true;
}

/*
 * Room or a receiver may have appeared: complete blocked senders, in FIFO
 * order among those that can now proceed.  Their messages are charged
 * already.  q->obj.lock held; never called by a sender on the list.
 */
static void aixipc_msg_admit_senders(struct aixipc_msq *q,
				     struct aixipc_wake *wake)
{
	struct aixipc_msg_sender *s, *tmp;

	aixipc_assert_locked(&q->obj);
	list_for_each_entry_safe(s, tmp, &q->senders, list) {
		if (!aixipc_msg_send_locked(q, s->msg, wake))
			continue;
		list_del(&s->list);
		s->status = 0;
		aixipc_wake_add(wake, s->task);
	}
}

/*
 * IPC_SET changed the owner or the mode: take every sleeper off its list
 * to check its permission again before it may send or receive.
 * q->obj.lock held.
 */
static void aixipc_msg_recheck_waiters(struct aixipc_msq *q,
				       struct aixipc_wake *wake)
{
	struct aixipc_msg_receiver *r, *rtmp;
	struct aixipc_msg_sender *s, *stmp;

	aixipc_assert_locked(&q->obj);
	list_for_each_entry_safe(r, rtmp, &q->receivers, list) {
		list_del(&r->list);
		r->status = AIXIPC_RECHECK;
		aixipc_wake_add(wake, r->task);
	}
	list_for_each_entry_safe(s, stmp, &q->senders, list) {
		list_del(&s->list);
		s->status = AIXIPC_RECHECK;
		aixipc_wake_add(wake, s->task);
	}
}

/* MSG_COPY: the message at position @index (0 = first).  Locked. */
static struct aixipc_msg *aixipc_msg_nth(struct aixipc_msq *q, s64 index)
{
	struct aixipc_msg *msg;

	aixipc_assert_locked(&q->obj);
	list_for_each_entry(msg, &q->messages, list)
		if (index-- == 0)
			return msg;
	return NULL;
}

/* The first message a receiver qualifies for, or NULL.  q->obj.lock held. */
static struct aixipc_msg *aixipc_msg_find(struct aixipc_msq *q,
					  enum aixipc_msg_search mode, s64 bound)
{
	struct aixipc_msg *msg, *best = NULL;

	aixipc_assert_locked(&q->obj);
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
	aixipc_assert_locked(&q->obj);
	list_del(&msg->list);
	q->cbytes -= msg->len;
	q->qnum--;
	aixipc_set_pid(&q->lrpid, pid);
	q->rtime = ktime_get_real_seconds();
	aixipc_msg_admit_senders(q, wake);
	aixipc_msgfd_room(q);
}

struct aixipc_msq *aixipc_msq_lock(struct aixipc_ns *ns, int id)
{
	struct aixipc_obj *obj = aixipc_lock_id(&ns->ids[AIXIPC_MSG], id);

	return IS_ERR(obj) ? ERR_CAST(obj) : to_msq(obj);
}

/*
 * The queue a call names, locked: @id's in @ns, or @via, a queue
 * descriptor's, which holds a reference on it; @id must be its id, and
 * its removal fails the call with EIDRM, as for a sleeper.
 */
static struct aixipc_msq *aixipc_msq_lock_via(struct aixipc_ns *ns,
					      struct aixipc_msq *via, int id)
{
	if (!via)
		return aixipc_msq_lock(ns, id);
	if (id != via->obj.id)
		return ERR_PTR(-EINVAL);
	spin_lock(&via->obj.lock);
	if (via->obj.deleted) {
		spin_unlock(&via->obj.lock);
		return ERR_PTR(-EIDRM);
	}
	return via;
}

/**
 * aixipc_msq_can_receive - would a receive of this class find a message?
 * @q: the queue, locked
 * @msgtyp: as msgrcv's
 * @flags: AIXIPC_MSG_EXCEPT matters
 */
bool aixipc_msq_can_receive(struct aixipc_msq *q, s64 msgtyp, u32 flags)
{
	enum aixipc_msg_search mode;
	s64 bound;

	aixipc_assert_locked(&q->obj);
	if (!q->qnum)
		return false;
	mode = aixipc_msg_search_mode(msgtyp, flags, &bound);
	return mode == AIXIPC_SEARCH_ANY || aixipc_msg_find(q, mode, bound);
}

/* Would a message of @size bytes fit on @q now?  Locked. */
bool aixipc_msq_can_send(struct aixipc_msq *q, u64 size)
{
	aixipc_assert_locked(&q->obj);
	return size <= q->qbytes && q->cbytes <= q->qbytes - size &&
	       q->qnum + 1 <= aixipc_limit(q->obj.ids->ns, msgmnm);
}

/*
 * The sleep of a blocked sender or receiver: @link on one of @q's lists,
 * @status AIXIPC_WAITING.  Sleeps until whoever takes @link off its list
 * sets @status, or a signal (then it takes itself off: -ERESTARTNOHAND).
 * Drops and retakes q->obj.lock around each sleep; returns with it held.
 */
static int aixipc_msg_sleep(struct aixipc_msq *q, struct list_head *link,
			    int *status)
{
	aixipc_assert_locked(&q->obj);
	while (*status == AIXIPC_WAITING) {
		if (signal_pending(current)) {
			list_del(link);
			*status = -ERESTARTNOHAND;
			break;
		}
		__set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock(&q->obj.lock);
		schedule();
		spin_lock(&q->obj.lock);
	}
	return *status;
}

/**
 * aixipc_msg_snd_sleep - block a sender whose message found no room
 * @q: the queue, locked, on which the caller holds a reference
 * @s: the sender, its message built and charged
 *
 * Queues @s and sleeps until a waker admits the message, IPC_RMID fails
 * it, IPC_SET sends it back to check its permission, or a signal.
 *
 * Drops and retakes q->obj.lock around each sleep.  That is safe: the
 * caller's reference keeps @q (the same queue, never looked up again)
 * while the lock is dropped, and nobody but this task takes @s off the
 * list without setting a result, so a woken @s still WAITING is still
 * queued; IPC_RMID sets -EIDRM on everything it finds queued.
 * Return: with q->obj.lock held: 0 (sent), AIXIPC_RECHECK, -EIDRM or
 * -ERESTARTNOHAND.
 */
static int aixipc_msg_snd_sleep(struct aixipc_msq *q,
				struct aixipc_msg_sender *s)
{
	aixipc_assert_locked(&q->obj);
	s->task = current;
	s->status = AIXIPC_WAITING;
	list_add_tail(&s->list, &q->senders);
	return aixipc_msg_sleep(q, &s->list, &s->status);
}

/**
 * aixipc_msgsnd - AIXIPC_IOC_MSGSND
 * @ns: the namespace
 * @via: a queue descriptor's queue, or NULL (see msg.h)
 * @req: the request
 *
 * Looks the queue up once, checks the caller's write permission and takes
 * a reference on it; then, with no lock held, charges the message
 * (waiting for memory if a cap refuses it: aixipc_msg_charge_wait()) and
 * builds it.  It then takes q->obj.lock on the same queue, fails with
 * EIDRM if it was removed meanwhile, checks the permission again and
 * admits the message or sleeps for room (see aixipc_msg_snd_sleep());
 * after IPC_SET sent it back, it checks the permission and whether the
 * queue was removed again, on the same queue.  Every failure after the
 * charge releases it: a message built and not admitted is released with
 * it, a charge for one never built by its cost.  Releases the lock before
 * returning.
 * Return: 0, -EINVAL, -EFAULT, -ENOMEM, -EACCES, -EAGAIN, -EIDRM or
 * -ERESTARTNOHAND (EINTR when a handler runs).
 */
int aixipc_msgsnd(struct aixipc_ns *ns, struct aixipc_msq *via,
		  struct aixipc_msgsnd *req)
{
	bool nowait = req->flags & AIXIPC_NOWAIT;
	struct aixipc_msg_sender s;
	struct aixipc_msg_user *u;
	struct aixipc_wake wake;
	struct aixipc_msg *msg;
	struct aixipc_msq *q;
	kuid_t euid;
	s64 mtype;
	u64 cost;
	int err;

	if (via)
		ns = via->obj.ids->ns;
	if (req->flags & ~AIXIPC_NOWAIT || req->id < 0 || req->__reserved ||
	    !aixipc_msg_type_size_valid(req->type_size) ||
	    req->size > aixipc_limit(ns, msgmax))
		return -EINVAL;
	err = aixipc_msg_get_type(req->msgp, req->type_size, &mtype);
	if (err)
		return err;
	if (!aixipc_msg_type_valid(mtype))
		return -EINVAL;

	q = aixipc_msq_lock_via(ns, via, req->id);
	if (IS_ERR(q))
		return PTR_ERR(q);
	err = aixipc_check_perm(&q->obj, AIXIPC_PERM_WRITE);
	if (err) {
		spin_unlock(&q->obj.lock);
		return err;
	}
	aixipc_obj_get(&q->obj);
	spin_unlock(&q->obj.lock);

	/* Charged before it is built: see the top of this file. */
	euid = current_euid();
	cost = aixipc_msg_cost(req->size);
	u = aixipc_msg_user_get(euid);
	err = u ? aixipc_msg_charge_wait(q, u, cost, nowait) : -ENOMEM;
	if (err)
		goto put;
	msg = aixipc_msg_load(u64_to_user_ptr(req->msgp + req->type_size),
			      req->size);
	if (IS_ERR(msg)) {
		err = PTR_ERR(msg);
		aixipc_msg_uncharge(u, cost);
		goto put;
	}
	msg->mtype = mtype;
	msg->euid = euid;	/* aixipc_msg_release() finds @u by it */
	msg->egid = current_egid();
	msg->pid = get_pid(task_tgid(current));
	s.msg = msg;

	aixipc_wake_init(&wake);
	spin_lock(&q->obj.lock);
	err = -EIDRM;
	while (!q->obj.deleted) {
		err = aixipc_check_perm(&q->obj, AIXIPC_PERM_WRITE);
		if (err)
			break;
		if (aixipc_msg_send_locked(q, msg, &wake))
			break;
		err = -EAGAIN;
		if (nowait)
			break;
		err = aixipc_msg_snd_sleep(q, &s);
		if (err != AIXIPC_RECHECK)
			break;
		err = -EIDRM;
	}
	spin_unlock(&q->obj.lock);
	aixipc_wake_all(&wake);
	if (err)
		aixipc_msg_release(msg);	/* built, never admitted */
put:
	aixipc_obj_put(&q->obj);
	return err;
}

/*
 * A receive failed to copy the text out: offer the message again, without
 * waiting, as a new send would be (its charge stays as it is).  A receiver
 * waiting for it takes it; else it goes back in its place if the queue's
 * limits allow; else it is freed and lost, as Linux always does.
 *
 * Takes q->obj.lock after the copy-out: the caller's reference keeps @q
 * (the same queue; the id is not looked up again), and a queue removed
 * meanwhile is seen by its deleted flag, the message then freed.
 */
static void aixipc_msg_putback(struct aixipc_msq *q, struct aixipc_msg *msg)
{
	struct aixipc_msg_receiver *taker;
	struct aixipc_wake wake;

	aixipc_wake_init(&wake);
	spin_lock(&q->obj.lock);
	if (q->obj.deleted)
		goto drop;
	taker = aixipc_msg_taker(q, msg);
	if (!taker && !aixipc_msg_fits(q, msg))
		goto drop;
	aixipc_msg_deliver(q, msg, taker, &wake);
	spin_unlock(&q->obj.lock);
	aixipc_wake_all(&wake);
	return;
drop:
	spin_unlock(&q->obj.lock);
	aixipc_msg_release(msg);
}

/**
 * aixipc_msg_wait - block a receiver until a message is handed to it
 * @q: the queue, locked, on which the caller holds a reference
 * @r: the receiver
 *
 * Queues @r and sleeps until a sender hands it a message, IPC_RMID,
 * IPC_SET (to check its permission again) or a signal.  Drops and retakes
 * q->obj.lock around each sleep and to wake senders it let in: safe for
 * the reasons given at aixipc_msg_snd_sleep() (the caller's reference, the
 * same queue, results set by whoever takes @r off the list).
 * Return: with q->obj.lock held: 0 with r->msg set, AIXIPC_RECHECK,
 * -EIDRM, -E2BIG or -ERESTARTNOHAND.
 */
static int aixipc_msg_wait(struct aixipc_msq *q, struct aixipc_msg_receiver *r)
{
	struct aixipc_wake wake;

	aixipc_assert_locked(&q->obj);
	aixipc_wake_init(&wake);
	r->task = current;
	r->status = AIXIPC_WAITING;
	r->msg = NULL;
	list_add_tail(&r->list, &q->receivers);
	/* A blocked sender may hold just what this receiver wants. */
	aixipc_msg_admit_senders(q, &wake);
	if (wake.n) {
		spin_unlock(&q->obj.lock);
		aixipc_wake_all(&wake);
		spin_lock(&q->obj.lock);
	}
	return aixipc_msg_sleep(q, &r->list, &r->status);
}

/*
 * MSG_COPY (Linux): copy the message at position req->msgtyp without taking
 * it; never waits.  The copy is allocated before the queue is locked,
 * filled under the lock and copied out after it; it is never charged: it
 * is the reader's, freed before the call returns, which never waits in
 * this module, so a task holds at most one (msgmax), and it is accounted
 * to the reader's memory cgroup.  The lock is taken once.
 */
static int aixipc_msgrcv_copy(struct aixipc_ns *ns, struct aixipc_msq *via,
			      struct aixipc_msgrcv *req)
{
	struct aixipc_msg *copy, *msg;
	struct user_namespace *uns;
	struct aixipc_msq *q;
	int err = 0;

	if (!(req->flags & AIXIPC_NOWAIT) || (req->flags & AIXIPC_MSG_EXCEPT))
		return -EINVAL;
	copy = aixipc_msg_alloc(min_t(u64, req->size, aixipc_limit(ns, msgmax)));
	if (!copy)
		return -ENOMEM;

	q = aixipc_msq_lock_via(ns, via, req->id);
	if (IS_ERR(q)) {
		aixipc_msg_free(copy);
		return PTR_ERR(q);
	}
	err = aixipc_check_perm(&q->obj, AIXIPC_PERM_READ);
	msg = err ? NULL : aixipc_msg_nth(q, req->msgtyp);
	if (!err && !msg)
		err = -ENOMSG;
	else if (!err && msg->len > req->size &&
		 !(req->flags & AIXIPC_MSG_NOERROR))
		err = -E2BIG;
	if (!err)
		aixipc_msg_duplicate(q, copy, msg);
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
 * @via: a queue descriptor's queue, or NULL (see msg.h)
 * @req: the request; the out fields are filled on success
 *
 * Takes q->obj.lock and a reference on the queue, kept to the end: the
 * lock is dropped to sleep (aixipc_msg_wait()) and to copy the text out,
 * and retaken on the same queue for a put-back, never by id.  After
 * IPC_SET sent a sleeping receiver back, it checks its read permission and
 * whether the queue was removed again.  If the copy-out faults, the
 * message is put back (aixipc_msg_putback()) and the call fails with EFAULT.
 * With AIXIPC_MSG_COPY, see aixipc_msgrcv_copy().
 * Return: 0, -EINVAL, -EACCES, -E2BIG, -ENOMSG, -EIDRM, -EFAULT,
 * -ENOMEM (MSG_COPY) or -ERESTARTNOHAND.
 */
int aixipc_msgrcv(struct aixipc_ns *ns, struct aixipc_msq *via,
		  struct aixipc_msgrcv *req)
{
	struct aixipc_msg_receiver r;
	struct user_namespace *uns;
	struct aixipc_wake wake;
	struct aixipc_msg *msg;
	struct aixipc_msq *q;
	size_t len;
	int err;

	if (via)
		ns = via->obj.ids->ns;
	if (req->flags & ~(AIXIPC_NOWAIT | AIXIPC_MSG_NOERROR |
			   AIXIPC_MSG_EXCEPT | AIXIPC_MSG_COPY) ||
	    req->id < 0 || (s64)req->size < 0 || req->__reserved ||
	    req->__reserved2 || !aixipc_msg_type_size_valid(req->type_size))
		return -EINVAL;
	if (req->flags & AIXIPC_MSG_COPY)
		return aixipc_msgrcv_copy(ns, via, req);

	r.mode = aixipc_msg_search_mode(req->msgtyp, req->flags, &r.bound);
	r.flags = req->flags;
	r.size = req->size;
	r.pid = task_tgid(current);

	q = aixipc_msq_lock_via(ns, via, req->id);
	if (IS_ERR(q))
		return PTR_ERR(q);
	aixipc_obj_get(&q->obj);
	for (;;) {
		err = aixipc_check_perm(&q->obj, AIXIPC_PERM_READ);
		if (err)
			goto unlock;
		msg = aixipc_msg_find(q, r.mode, r.bound);
		if (msg) {
			err = -E2BIG;	/* the message stays queued */
			if (!aixipc_msg_has_room(&r, msg))
				goto unlock;
			aixipc_wake_init(&wake);
			aixipc_msg_dequeue(q, msg, r.pid, &wake);
			spin_unlock(&q->obj.lock);
			aixipc_wake_all(&wake);
			break;
		}
		err = -ENOMSG;
		if (r.flags & AIXIPC_NOWAIT)
			goto unlock;
		err = aixipc_msg_wait(q, &r);
		if (!err) {
			msg = r.msg;
			spin_unlock(&q->obj.lock);
			break;
		}
		if (err != AIXIPC_RECHECK)
			goto unlock;
		err = -EIDRM;
		if (q->obj.deleted)
			goto unlock;
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
	aixipc_msg_release(msg);
	return 0;

unlock:
	spin_unlock(&q->obj.lock);
	aixipc_obj_put(&q->obj);
	return err;
}

/* Fill a status block; q->obj.lock held. */
void aixipc_msq_fill_ds(struct aixipc_msq *q, struct aixipc_msqid_ds *ds)
{
	aixipc_assert_locked(&q->obj);
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

/*
 * IPC_RMID of a queue, locked by aixipc_lock_for_change(); releases both
 * locks.  The messages are taken off under the lock and freed after
 * aixipc_rmid() has dropped it and the rwsem, as Linux's freeque(): a full
 * queue is half a million of them.
 */
static int aixipc_msq_remove(struct aixipc_obj *obj)
{
	struct aixipc_msq *q = to_msq(obj);
	LIST_HEAD(dead);
	int err;

	aixipc_assert_change(obj);
	list_splice_init(&q->messages, &dead);
	q->cbytes = 0;
	q->qnum = 0;
	err = aixipc_rmid(obj);
	aixipc_msg_release_list(&dead);
	/* Senders waiting for memory to send to it: EIDRM now. */
	if (!err)
		aixipc_msg_wake_all_refused();
	return err;
}

/**
 * aixipc_msgctl - AIXIPC_IOC_MSGCTL: IPC_STAT, IPC_SET, IPC_RMID, STAT_INDEX(_ANY)
 * @ns: the namespace
 * @req: the request
 *
 * The STATs take q->obj.lock (aixipc_lock_stat()); SET and RMID take the registry's rwsem too.
 * SET that changes the owner or the mode sends every sleeper back to check
 * its permission.  RMID frees the messages after both locks are dropped
 * and wakes the senders waiting for message memory, to see it removed.
 */
int aixipc_msgctl(struct aixipc_ns *ns, struct aixipc_msgctl *req)
{
	struct aixipc_ids *ids = &ns->ids[AIXIPC_MSG];
	struct aixipc_wake wake;
	struct aixipc_obj *obj;
	struct aixipc_msq *q;
	unsigned int mode;
	kuid_t uid;
	kgid_t gid;
	int err;

	switch (req->cmd) {
	case AIXIPC_IPC_STAT:
	case AIXIPC_STAT_INDEX:
	case AIXIPC_STAT_INDEX_ANY:
		obj = aixipc_lock_stat(ids, req->cmd, &req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		aixipc_msq_fill_ds(to_msq(obj), &req->ds);
		spin_unlock(&obj->lock);
		return 0;

	case AIXIPC_IPC_SET:
		if (req->ds.__reserved)
			return -EINVAL;
		obj = aixipc_lock_for_change(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		q = to_msq(obj);
		uid = obj->uid;
		gid = obj->gid;
		mode = obj->mode;
		if (req->ds.qbytes > aixipc_limit(ns, msgmnb) &&
		    !capable(CAP_SYS_RESOURCE)) {
			err = -EPERM;
		} else {
			err = aixipc_set_perm(obj, &req->ds.perm);
		}
		aixipc_wake_init(&wake);
		if (!err) {
			bool perm = !uid_eq(uid, obj->uid) ||
				    !gid_eq(gid, obj->gid) || mode != obj->mode;

			q->qbytes = req->ds.qbytes;
			if (perm)
				aixipc_msg_recheck_waiters(q, &wake);
			/* A larger queue may let blocked senders in. */
			aixipc_msg_admit_senders(q, &wake);
			aixipc_msgfd_changed(q, perm);
		}
		aixipc_change_done(obj);
		aixipc_wake_all(&wake);
		return err;

	case AIXIPC_IPC_RMID:
		obj = aixipc_lock_for_change(ids, req->id);
		if (IS_ERR(obj))
			return PTR_ERR(obj);
		return aixipc_msq_remove(obj);
	}
	return -EINVAL;
}

/* Called with ids->rwsem held for writing. */
static struct aixipc_obj *aixipc_msq_alloc(struct aixipc_ids *ids,
					   const struct aixipc_get *req)
{
	struct aixipc_msq *q;

	aixipc_assert_ids_write(ids);
	if (req->size)
		return ERR_PTR(-EINVAL);
	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&q->messages);
	INIT_LIST_HEAD(&q->receivers);
	INIT_LIST_HEAD(&q->senders);
	INIT_LIST_HEAD(&q->fds);
	q->qbytes = aixipc_limit(ids->ns, msgmnb);
	return &q->obj;
}

/*
 * IPC_RMID: fail every waiter with EIDRM.  aixipc_msgctl() has taken the
 * messages off already, to free them unlocked; any left (another caller of
 * aixipc_rmid()) are released here.  obj->lock held.
 */
static void aixipc_msq_destroy(struct aixipc_obj *obj, struct aixipc_wake *wake)
{
	struct aixipc_msq *q = to_msq(obj);
	struct aixipc_msg_receiver *r, *rtmp;
	struct aixipc_msg_sender *s, *stmp;
	struct aixipc_msg *msg, *mtmp;
	LIST_HEAD(dead);

	aixipc_assert_locked(obj);
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
	if (WARN_ON_ONCE(!list_empty(&q->messages))) {
		list_splice_init(&q->messages, &dead);
		list_for_each_entry_safe(msg, mtmp, &dead, list) {
			list_del(&msg->list);
			aixipc_msg_release(msg);
		}
	}
	q->cbytes = 0;
	q->qnum = 0;
	aixipc_set_pid(&q->lspid, NULL);
	aixipc_set_pid(&q->lrpid, NULL);
	aixipc_msgfd_removed(q);
}

/* Queues have no size: msgget's size must be 0.  obj->lock held. */
static int aixipc_msq_reopen(struct aixipc_obj *obj,
			     const struct aixipc_get *req)
{
	aixipc_assert_locked(obj);
	return req->size ? -EINVAL : 0;
}

static void aixipc_msq_free(struct aixipc_obj *obj)
{
	kfree(to_msq(obj));
}

/* A listing entry; obj->lock held. */
static void aixipc_msq_fill(struct aixipc_obj *obj, struct aixipc_list_entry *e)
{
	aixipc_assert_locked(obj);
	aixipc_msq_fill_ds(to_msq(obj), &e->msg);
}

/* Totals for AIXIPC_IOC_INFO; obj->lock held. */
static void aixipc_msq_info(struct aixipc_obj *obj, struct aixipc_info *info)
{
	aixipc_assert_locked(obj);
	info->count += to_msq(obj)->qnum;
	info->bytes += to_msq(obj)->cbytes;
}

const struct aixipc_kind_ops aixipc_msg_ops = {
	.alloc = aixipc_msq_alloc,
	.reopen = aixipc_msq_reopen,
	.destroy = aixipc_msq_destroy,
	.free = aixipc_msq_free,
	.fill = aixipc_msq_fill,
	.info = aixipc_msq_info,
	.remove = aixipc_msq_remove,
};
