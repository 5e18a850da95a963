// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc: AIX-compatible System V IPC for Linux.
 *
 * The misc device /dev/aixipc, its ioctl dispatch, the limits (module
 * parameters) and module load/unload.
 *
 * Locking: none of its own.  The limits are read-only after load; each
 * ioctl handler takes what it needs (see ids.h and the facility files).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>

#include "aixipc.h"
#include "ids.h"
#include "msg.h"
#include "sem.h"
#include "shm.h"

/* AIX 7.x defaults: see Documentation/aixipc.rst, "Limits". */
struct aixipc_limits aixipc_limits = {
	.msgmax = 4 << 20,
	.msgmnb = 4 << 20,
	.msgmnm = 524288,
	.msgmni = 1048576,
	.semmni = 1048576,
	.semmsl = 65535,
	.semopm = 1024,
	.semvmx = 32767,
	.semaem = 16384,
	.semume = 1024,
	.shmmax = 64ULL << 30,
	.shmmin = 1,
	.shmmni = 1048576,
	.shmall = (1ULL << 40) >> PAGE_SHIFT,
};

#define AIXIPC_LIMIT_PARAM(name, desc)					\
	module_param_named(name, aixipc_limits.name, ullong, 0444);	\
	MODULE_PARM_DESC(name, desc)

AIXIPC_LIMIT_PARAM(msgmax, "largest message in bytes (4 MiB)");
AIXIPC_LIMIT_PARAM(msgmnb, "default and unprivileged maximum bytes per queue (4 MiB)");
AIXIPC_LIMIT_PARAM(msgmnm, "messages per queue (524288)");
AIXIPC_LIMIT_PARAM(msgmni, "message queue ids (1048576)");
AIXIPC_LIMIT_PARAM(semmni, "semaphore set ids (1048576)");
AIXIPC_LIMIT_PARAM(semmsl, "semaphores per set (65535)");
AIXIPC_LIMIT_PARAM(semopm, "operations per semop call (1024)");
AIXIPC_LIMIT_PARAM(semvmx, "largest semaphore value (32767)");
AIXIPC_LIMIT_PARAM(semaem, "largest adjust-on-exit magnitude (16384)");
AIXIPC_LIMIT_PARAM(semume, "undo entries per process (1024)");
AIXIPC_LIMIT_PARAM(shmmax, "largest shared memory segment in bytes (64 GiB)");
AIXIPC_LIMIT_PARAM(shmmin, "smallest shared memory segment in bytes (1)");
AIXIPC_LIMIT_PARAM(shmmni, "shared memory ids (1048576)");
AIXIPC_LIMIT_PARAM(shmall, "pages in all segments together (1 TiB worth)");

struct aixipc_ns aixipc_init_ns;

static const struct aixipc_kind_ops *aixipc_kinds[AIXIPC_NR_KINDS] = {
	[AIXIPC_MSG] = &aixipc_msg_ops,
	[AIXIPC_SEM] = &aixipc_sem_ops,
	[AIXIPC_SHM] = &aixipc_shm_ops,
};

/* Refuse limits that the id encoding or the types cannot carry. */
static int aixipc_limits_check(void)
{
	const struct aixipc_limits *l = &aixipc_limits;

	if (l->msgmni > AIXIPC_MAX_SLOTS || l->semmni > AIXIPC_MAX_SLOTS ||
	    l->shmmni > AIXIPC_MAX_SLOTS)
		return -EINVAL;
	if (l->msgmax > INT_MAX || l->msgmnb > INT_MAX || !l->msgmnm ||
	    l->msgmnm > INT_MAX)
		return -EINVAL;
	if (!l->semmsl || l->semmsl > 65535 || !l->semopm ||
	    l->semopm > 65535 || l->semvmx > 32767 || l->semaem > 32767)
		return -EINVAL;
	if (!l->shmmin || l->shmmin > l->shmmax)
		return -EINVAL;
	return 0;
}

static int aixipc_version(struct file *file, struct aixipc_ns *ns, void *arg)
{
	struct aixipc_version *v = arg;

	if (v->flags)
		return -EINVAL;
	v->abi_version = AIXIPC_ABI_VERSION;
	v->features = AIXIPC_FEATURE_MSG | AIXIPC_FEATURE_LIST |
		      AIXIPC_FEATURE_SEM | AIXIPC_FEATURE_SHM;
	v->limits = aixipc_limits;
	return 0;
}

static int aixipc_ioc_get(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_get(ns, arg);
}

static int aixipc_ioc_list(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_list(ns, arg);
}

static int aixipc_ioc_info(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_info(ns, arg);
}

static int aixipc_ioc_msgsnd(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_msgsnd(ns, arg);
}

static int aixipc_ioc_msgrcv(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_msgrcv(ns, arg);
}

static int aixipc_ioc_msgctl(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_msgctl(ns, arg);
}

static int aixipc_ioc_semop(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_semop(ns, arg);
}

static int aixipc_ioc_semctl(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_semctl(ns, arg);
}

static int aixipc_ioc_shmat(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_shmat(file, ns, arg);
}

static int aixipc_ioc_shmdt(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_shmdt(ns, arg);
}

static int aixipc_ioc_shmctl(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_shmctl(ns, arg);
}

struct aixipc_ioctl {
	unsigned int cmd;
	unsigned int size;		/* the struct this module knows */
	int (*fn)(struct file *file, struct aixipc_ns *ns, void *arg);
};

static const struct aixipc_ioctl aixipc_ioctls[] = {
	[_IOC_NR(AIXIPC_IOC_VERSION)] = { AIXIPC_IOC_VERSION,
		sizeof(struct aixipc_version), aixipc_version },
	[_IOC_NR(AIXIPC_IOC_GET)] = { AIXIPC_IOC_GET,
		sizeof(struct aixipc_get), aixipc_ioc_get },
	[_IOC_NR(AIXIPC_IOC_LIST)] = { AIXIPC_IOC_LIST,
		sizeof(struct aixipc_list), aixipc_ioc_list },
	[_IOC_NR(AIXIPC_IOC_INFO)] = { AIXIPC_IOC_INFO,
		sizeof(struct aixipc_info), aixipc_ioc_info },
	[_IOC_NR(AIXIPC_IOC_MSGSND)] = { AIXIPC_IOC_MSGSND,
		sizeof(struct aixipc_msgsnd), aixipc_ioc_msgsnd },
	[_IOC_NR(AIXIPC_IOC_MSGRCV)] = { AIXIPC_IOC_MSGRCV,
		sizeof(struct aixipc_msgrcv), aixipc_ioc_msgrcv },
	[_IOC_NR(AIXIPC_IOC_MSGCTL)] = { AIXIPC_IOC_MSGCTL,
		sizeof(struct aixipc_msgctl), aixipc_ioc_msgctl },
	[_IOC_NR(AIXIPC_IOC_SEMOP)] = { AIXIPC_IOC_SEMOP,
		sizeof(struct aixipc_semop), aixipc_ioc_semop },
	[_IOC_NR(AIXIPC_IOC_SEMCTL)] = { AIXIPC_IOC_SEMCTL,
		sizeof(struct aixipc_semctl), aixipc_ioc_semctl },
	[_IOC_NR(AIXIPC_IOC_SHMAT)] = { AIXIPC_IOC_SHMAT,
		sizeof(struct aixipc_shmat), aixipc_ioc_shmat },
	[_IOC_NR(AIXIPC_IOC_SHMDT)] = { AIXIPC_IOC_SHMDT,
		sizeof(struct aixipc_shmdt), aixipc_ioc_shmdt },
	[_IOC_NR(AIXIPC_IOC_SHMCTL)] = { AIXIPC_IOC_SHMCTL,
		sizeof(struct aixipc_shmctl), aixipc_ioc_shmctl },
};

union aixipc_ioctl_arg {
	struct aixipc_version version;
	struct aixipc_get get;
	struct aixipc_list list;
	struct aixipc_info info;
	struct aixipc_msgsnd msgsnd;
	struct aixipc_msgrcv msgrcv;
	struct aixipc_msgctl msgctl;
	struct aixipc_semop semop;
	struct aixipc_semctl semctl;
	struct aixipc_shmat shmat;
	struct aixipc_shmdt shmdt;
	struct aixipc_shmctl shmctl;
};

/*
 * Every command is _IOWR(AIXIPC_IOC_MAGIC, nr, struct).  The size in the
 * command versions the struct: copy_struct_from_user() zero-extends an
 * older caller's shorter struct and accepts a newer caller's longer one
 * only when the extra bytes are zero (else EINVAL).  The struct is written
 * back before the handler runs, so an argument in read-only memory fails
 * with EFAULT before any side effect, and again with the results after.
 */
static long aixipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct aixipc_ioctl *ioc;
	union aixipc_ioctl_arg k;
	unsigned int nr = _IOC_NR(cmd), usize = _IOC_SIZE(cmd);
	int err;

	if (_IOC_TYPE(cmd) != AIXIPC_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE) ||
	    nr >= ARRAY_SIZE(aixipc_ioctls) || !aixipc_ioctls[nr].fn)
		return -ENOTTY;
	ioc = &aixipc_ioctls[nr];
	if (usize < ioc->size)
		return -EINVAL;	/* ABI 1 structs are the oldest there are */

	err = copy_struct_from_user(&k, ioc->size, uarg, usize);
	if (err)
		return err == -E2BIG ? -EINVAL : err;
	if (copy_to_user(uarg, &k, min(usize, ioc->size)))
		return -EFAULT;

	err = ioc->fn(file, &aixipc_init_ns, &k);
	if (err)
		return err;
	if (copy_to_user(uarg, &k, min(usize, ioc->size)))
		return -EFAULT;
	return 0;
}

/* Attach a segment: see aixipc_shm_mmap(). */
static int aixipc_mmap(struct file *file, struct vm_area_struct *vma)
{
	return aixipc_shm_mmap(&aixipc_init_ns, vma);
}

static const struct file_operations aixipc_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = aixipc_ioctl,
	.mmap = aixipc_mmap,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice aixipc_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "aixipc",
	.fops = &aixipc_fops,
	.mode = 0666,	/* each object checks its own permissions */
};

static int __init aixipc_init(void)
{
	int err;

	err = aixipc_limits_check();
	if (err) {
		pr_err("limits out of range\n");
		return err;
	}
	err = aixipc_ns_init(&aixipc_init_ns, aixipc_kinds);
	if (err)
		return err;
	err = aixipc_undo_init();
	if (err)
		goto ns_exit;
	err = misc_register(&aixipc_dev);
	if (err)
		goto undo_exit;
	return 0;

undo_exit:
	aixipc_undo_exit();
ns_exit:
	aixipc_ns_exit(&aixipc_init_ns);
	return err;
}

/* Only reached with no object left: each one holds a module reference. */
static void __exit aixipc_exit(void)
{
	misc_deregister(&aixipc_dev);
	aixipc_undo_exit();
	rcu_barrier();	/* objects freed by call_rcu() */
	aixipc_ns_exit(&aixipc_init_ns);
}

module_init(aixipc_init);
module_exit(aixipc_exit);

MODULE_DESCRIPTION("AIX-compatible System V IPC");
MODULE_LICENSE("GPL");
