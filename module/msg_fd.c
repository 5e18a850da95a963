// SPDX-License-Identifier: GPL-2.0
/*
 * Queue descriptors (AIXIPC_IOC_MSGFD): a file for one message queue that
 * poll(), select(), epoll and io_uring can wait on, which AIX's select()
 * with message queues is built on (libaixipc).
 *
 * Locking: a descriptor is on its queue's fds list from its creation to
 * its release; that list and each descriptor's may_read and may_write are
 * guarded by q->obj.lock, and everything else in it is constant.  The
 * descriptor holds a reference on the queue object, not on its id: the
 * queue's memory stays while the file is open, IPC_RMID still removes the
 * queue, and the descriptor never reaches another queue that reuses the id
 * (or another namespace's).
 *
 * No lost wakeup: ->poll() puts its waiter on the descriptor's wait queue
 * before it takes q->obj.lock to look at the queue, and whoever changes the
 * queue does so under that lock and looks at the wait queue under it too:
 * either the poller sees the change or the changer sees the waiter.
 *
 * No needless wakeup: a new message wakes only the descriptors whose type
 * class it satisfies, freed room only those watching for room that now
 * fits their size, each with wake_up_poll(), which wakes one exclusive
 * waiter (EPOLLEXCLUSIVE); IPC_SET that changes permissions and IPC_RMID
 * wake every waiter.
 */
#include <linux/anon_inodes.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "ns.h"
#include "msg.h"

struct aixipc_msgfd_file {
	struct aixipc_msq *q;		/* a reference; NULL until made */
	struct file *file;		/* its f_cred: the maker's */
	struct list_head link;		/* [q->obj.lock] on q->fds */
	wait_queue_head_t wait;
	u32 flags;			/* AIXIPC_MSGFD_* */
	s64 msgtyp;			/* READ: the class, as msgrcv's */
	enum aixipc_msg_search mode;	/* ... classified */
	s64 bound;
	u64 size;			/* WRITE: what must fit */
	bool may_read;			/* [q->obj.lock] READ and permitted */
	bool may_write;			/* [q->obj.lock] WRITE and permitted */
};

static u32 aixipc_msgfd_rcv_flags(const struct aixipc_msgfd_file *f)
{
	return f->flags & AIXIPC_MSGFD_EXCEPT ? AIXIPC_MSG_EXCEPT : 0;
}

/* Does the maker still have the permission each watched event needs? */
static void aixipc_msgfd_check_perm(struct aixipc_msgfd_file *f)
{
	struct aixipc_obj *obj = &f->q->obj;

	aixipc_assert_locked(obj);
	f->may_read = (f->flags & AIXIPC_MSGFD_READ) &&
		      !aixipc_check_perm_file(obj, f->file, AIXIPC_PERM_READ);
	f->may_write = (f->flags & AIXIPC_MSGFD_WRITE) &&
		       !aixipc_check_perm_file(obj, f->file, AIXIPC_PERM_WRITE);
}

static __poll_t aixipc_msgfd_poll(struct file *file, poll_table *wait)
{
	struct aixipc_msgfd_file *f = file->private_data;
	struct aixipc_msq *q = f->q;
	__poll_t mask = 0;

	/* First the waiter, then the look: see the top of this file. */
	poll_wait(file, &f->wait, wait);
	spin_lock(&q->obj.lock);
	if (q->obj.deleted) {
		mask = EPOLLHUP | EPOLLERR;
		goto unlock;
	}
	if (f->flags & AIXIPC_MSGFD_READ) {
		if (!f->may_read)
			mask |= EPOLLERR;
		else if (aixipc_msq_can_receive(q, f->msgtyp,
						aixipc_msgfd_rcv_flags(f)))
			mask |= EPOLLIN | EPOLLRDNORM;
	}
	if (f->flags & AIXIPC_MSGFD_WRITE) {
		if (!f->may_write)
			mask |= EPOLLERR;
		else if (aixipc_msq_can_send(q, f->size))
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
unlock:
	spin_unlock(&q->obj.lock);
	return mask;
}

/* A message of type @mtype was queued on @q.  q->obj.lock held. */
void aixipc_msgfd_queued(struct aixipc_msq *q, s64 mtype)
{
	struct aixipc_msgfd_file *f;

	aixipc_assert_locked(&q->obj);
	list_for_each_entry(f, &q->fds, link) {
		/* Under q->obj.lock: see the top of this file. */
		if (f->may_read && waitqueue_active(&f->wait) &&
		    aixipc_msg_type_matches(f->mode, f->bound, mtype))
			wake_up_poll(&f->wait, EPOLLIN | EPOLLRDNORM);
	}
}

/* @q may have room for more now.  q->obj.lock held. */
void aixipc_msgfd_room(struct aixipc_msq *q)
{
	struct aixipc_msgfd_file *f;

	aixipc_assert_locked(&q->obj);
	list_for_each_entry(f, &q->fds, link) {
		/* Under q->obj.lock: see the top of this file. */
		if (f->may_write && waitqueue_active(&f->wait) &&
		    aixipc_msq_can_send(q, f->size))
			wake_up_poll(&f->wait, EPOLLOUT | EPOLLWRNORM);
	}
}

/* Wake every waiter of every descriptor of @q.  q->obj.lock held. */
static void aixipc_msgfd_wake_all(struct aixipc_msq *q, __poll_t events)
{
	struct aixipc_msgfd_file *f;

	aixipc_assert_locked(&q->obj);
	list_for_each_entry(f, &q->fds, link) {
		/* Under q->obj.lock: see the top of this file. */
		if (waitqueue_active(&f->wait))
			__wake_up(&f->wait, TASK_NORMAL, 0, poll_to_key(events));
	}
}

/*
 * IPC_SET: @perm if the owner or the mode changed, when each descriptor's
 * maker is checked again; qbytes may have grown.  Locked as IPC_SET locks.
 */
void aixipc_msgfd_changed(struct aixipc_msq *q, bool perm)
{
	struct aixipc_msgfd_file *f;

	aixipc_assert_change(&q->obj);
	if (perm) {
		list_for_each_entry(f, &q->fds, link)
			aixipc_msgfd_check_perm(f);
		/* Every poller looks again: permission lost, or regained. */
		aixipc_msgfd_wake_all(q, 0);
	}
	aixipc_msgfd_room(q);
}

/* IPC_RMID: every poller sees POLLHUP | POLLERR.  q->obj.lock held. */
void aixipc_msgfd_removed(struct aixipc_msq *q)
{
	aixipc_assert_locked(&q->obj);
	aixipc_msgfd_wake_all(q, EPOLLHUP | EPOLLERR);
}

static int aixipc_msgfd_release(struct inode *inode, struct file *file)
{
	struct aixipc_msgfd_file *f = file->private_data;
	struct aixipc_msq *q = f->q;

	if (q) {
		spin_lock(&q->obj.lock);
		list_del(&f->link);
		spin_unlock(&q->obj.lock);
		aixipc_obj_put(&q->obj);
	}
	kfree(f);
	return 0;
}

/* AIXIPC_IOC_MSGCTL through a descriptor: IPC_STAT only. */
static long aixipc_msgfd_stat(struct aixipc_msq *q, void __user *uarg)
{
	struct aixipc_msgctl k;
	int err = 0;

	if (copy_from_user(&k, uarg, sizeof(k)) ||
	    copy_to_user(uarg, &k, sizeof(k)))
		return -EFAULT;
	if (k.cmd != AIXIPC_IPC_STAT || k.id != q->obj.id)
		return -EINVAL;
	spin_lock(&q->obj.lock);
	if (q->obj.deleted)
		err = -EIDRM;
	else
		err = aixipc_check_perm(&q->obj, AIXIPC_PERM_READ);
	if (!err)
		aixipc_msq_fill_ds(q, &k.ds);
	spin_unlock(&q->obj.lock);
	if (!err && copy_to_user(uarg, &k, sizeof(k)))
		err = -EFAULT;
	return err;
}

static long aixipc_msgfd_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct aixipc_msgfd_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case AIXIPC_IOC_MSGSND:
		return aixipc_ioctl_msgsnd(f->q, uarg);
	case AIXIPC_IOC_MSGRCV:
		return aixipc_ioctl_msgrcv(f->q, uarg);
	case AIXIPC_IOC_MSGCTL:
		return aixipc_msgfd_stat(f->q, uarg);
	}
	return -ENOTTY;
}

static void aixipc_msgfd_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct aixipc_msgfd_file *f = file->private_data;

	seq_printf(m, "aixipc-msqid:\t%d\n", f->q->obj.id);
	seq_printf(m, "aixipc-ipcns:\t%u\n", f->q->obj.ids->ns->inum);
	seq_printf(m, "aixipc-flags:\t%#x\n", f->flags);
	seq_printf(m, "aixipc-msgtyp:\t%lld\n", f->msgtyp);
	seq_printf(m, "aixipc-size:\t%llu\n", f->size);
}

static const struct file_operations aixipc_msgfd_fops = {
	.owner = THIS_MODULE,
	.poll = aixipc_msgfd_poll,
	.release = aixipc_msgfd_release,
	.unlocked_ioctl = aixipc_msgfd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = aixipc_msgfd_show_fdinfo,
	.llseek = noop_llseek,
};

#define AIXIPC_MSGFD_FLAGS (AIXIPC_MSGFD_READ | AIXIPC_MSGFD_WRITE |	\
			    AIXIPC_MSGFD_EXCEPT | AIXIPC_MSGFD_INHERIT)

static int aixipc_msgfd_check(struct aixipc_ns *ns,
			      const struct aixipc_msgfd *req)
{
	u32 flags = req->flags;

	if (flags & ~AIXIPC_MSGFD_FLAGS || req->id < 0 ||
	    !(flags & (AIXIPC_MSGFD_READ | AIXIPC_MSGFD_WRITE)))
		return -EINVAL;
	/* A class without READ, or a size without WRITE, is a mistake. */
	if (!(flags & AIXIPC_MSGFD_READ) &&
	    (req->msgtyp || (flags & AIXIPC_MSGFD_EXCEPT)))
		return -EINVAL;
	if (!(flags & AIXIPC_MSGFD_WRITE) && req->size)
		return -EINVAL;
	/* A message that can never be sent never fits. */
	if (req->size > aixipc_limit(ns, msgmax))
		return -EINVAL;
	return 0;
}

/**
 * aixipc_msgfd_create - AIXIPC_IOC_MSGFD
 * @ns: the caller's namespace, where req->id is looked up (once)
 * @req: the request
 *
 * The file is made before the queue is locked (that may sleep) and
 * installed in the caller's table only once it is bound to the queue, with
 * the maker's permission checked under the queue's lock.
 * Return: the new descriptor, or -EINVAL, -EIDRM, -EACCES, -ENOMEM,
 * -EMFILE, -ENFILE.
 */
int aixipc_msgfd_create(struct aixipc_ns *ns, const struct aixipc_msgfd *req)
{
	struct aixipc_msgfd_file *f;
	struct aixipc_msq *q;
	struct file *file;
	int fd, err;

	err = aixipc_msgfd_check(ns, req);
	if (err)
		return err;
	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	init_waitqueue_head(&f->wait);
	INIT_LIST_HEAD(&f->link);
	f->flags = req->flags;
	f->msgtyp = req->msgtyp;
	f->mode = aixipc_msg_search_mode(req->msgtyp, aixipc_msgfd_rcv_flags(f),
					 &f->bound);
	f->size = req->size;

	fd = get_unused_fd_flags(req->flags & AIXIPC_MSGFD_INHERIT ? 0 : O_CLOEXEC);
	if (fd < 0) {
		kfree(f);
		return fd;
	}
	file = anon_inode_getfile("[aixipc-msgq]", &aixipc_msgfd_fops, f, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kfree(f);
		return PTR_ERR(file);
	}
	f->file = file;		/* from here, fput() frees @f */

	q = aixipc_msq_lock(ns, req->id);
	if (IS_ERR(q)) {
		err = PTR_ERR(q);
		goto fail;
	}
	if (req->flags & AIXIPC_MSGFD_READ)
		err = aixipc_check_perm(&q->obj, AIXIPC_PERM_READ);
	if (!err && (req->flags & AIXIPC_MSGFD_WRITE))
		err = aixipc_check_perm(&q->obj, AIXIPC_PERM_WRITE);
	if (err) {
		spin_unlock(&q->obj.lock);
		goto fail;
	}
	f->may_read = req->flags & AIXIPC_MSGFD_READ;
	f->may_write = req->flags & AIXIPC_MSGFD_WRITE;
	aixipc_obj_get(&q->obj);
	f->q = q;
	list_add_tail(&f->link, &q->fds);
	spin_unlock(&q->obj.lock);

	fd_install(fd, file);
	return fd;

fail:
	put_unused_fd(fd);
	fput(file);
	return err;
}
