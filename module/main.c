// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc: AIX-compatible System V IPC for Linux.
 *
 * The misc device /dev/aixipc, its ioctl dispatch, the limits (module
 * parameters) and module load/unload.
 *
 * Every call acts in the caller's IPC namespace at the time of the call
 * (aixipc_ns_current()), whichever namespace opened the file.
 *
 * Locking: none of its own.  The module parameters are read-only after
 * load; each ioctl handler takes what it needs (see ns.h, ids.h and the
 * facility files).
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "msg.h"
#include "ns.h"
#include "sem.h"
#include "shm.h"

/*
 * AIX 7.x defaults: see Documentation/aixipc.rst, "Limits".  The initial
 * namespace's limits, what every other namespace starts from (ns.c) and
 * the host's caps.
 */
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
	.shmmax = 1ULL << 40,
	.shmmin = 1,
	.shmmni = 1048576,
	.shmall = (4ULL << 40) >> PAGE_SHIFT,
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
AIXIPC_LIMIT_PARAM(shmmax, "largest shared memory segment in bytes (1 TiB; 32-bit callers 2 GiB)");
AIXIPC_LIMIT_PARAM(shmmin, "smallest shared memory segment in bytes (1)");
AIXIPC_LIMIT_PARAM(shmmni, "shared memory ids (1048576)");
AIXIPC_LIMIT_PARAM(shmall, "pages in all segments together (4 TiB worth)");

/*
 * Caps on message memory that AIX does not have: its per-queue limits
 * alone let one user pin msgmni * msgmnb bytes of kernel memory.  Not in
 * struct aixipc_limits (an ABI); 0 at load picks the default, and the
 * value in force is what the parameter then reads.
 */
u64 aixipc_msg_total_bytes;
u64 aixipc_msg_user_bytes;
module_param_named(msg_total_bytes, aixipc_msg_total_bytes, ullong, 0444);
MODULE_PARM_DESC(msg_total_bytes,
		 "message memory of all users together, bytes (0: a quarter of RAM)");
module_param_named(msg_user_bytes, aixipc_msg_user_bytes, ullong, 0444);
MODULE_PARM_DESC(msg_user_bytes,
		 "message memory per effective uid, bytes; CAP_SYS_RESOURCE is exempt (0: a quarter of msg_total_bytes)");

static void aixipc_msg_caps_init(void)
{
	if (!aixipc_msg_total_bytes)
		aixipc_msg_total_bytes = ((u64)totalram_pages() << PAGE_SHIFT) / 4;
	if (!aixipc_msg_user_bytes)
		aixipc_msg_user_bytes = aixipc_msg_total_bytes / 4;
}

static int aixipc_version(struct file *file, struct aixipc_ns *ns, void *arg)
{
	struct aixipc_version *v = arg;

	if (v->flags)
		return -EINVAL;
	v->abi_version = AIXIPC_ABI_VERSION;
	v->features = AIXIPC_FEATURE_MSG | AIXIPC_FEATURE_LIST |
		      AIXIPC_FEATURE_SEM | AIXIPC_FEATURE_SHM |
		      AIXIPC_FEATURE_STAT_INDEX | AIXIPC_FEATURE_NS |
		      AIXIPC_FEATURE_MSGFD | AIXIPC_FEATURE_SHM_PIN |
		      AIXIPC_FEATURE_SEM_FAST | AIXIPC_FEATURE_SEM_FAST_UNDO;
	aixipc_ns_read_limits(ns, &v->limits);
	strscpy_pad(v->release, AIXIPC_RELEASE, sizeof(v->release));
	return 0;
}

static int aixipc_ioc_get(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_get(ns, arg);
}

static int aixipc_ioc_list(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_ns_list(ns, arg);
}

static int aixipc_ioc_ns(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_ns_ctl(ns, arg);
}

static int aixipc_ioc_info(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_info(ns, arg);
}

static int aixipc_ioc_msgsnd(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_msgsnd(ns, NULL, arg);
}

static int aixipc_ioc_msgrcv(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_msgrcv(ns, NULL, arg);
}

static int aixipc_ioc_msgfd(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_msgfd_create(ns, arg);
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

static int aixipc_ioc_semmap(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_semmap(ns, arg);
}

static int aixipc_ioc_shmat(struct file *file, struct aixipc_ns *ns, void *arg)
{
	return aixipc_shmat(ns, arg);
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
	unsigned int min_size;		/* the oldest struct there is */
	bool out;			/* the struct carries results */
	int (*fn)(struct file *file, struct aixipc_ns *ns, void *arg);
};

/* A struct that has grown: @oldest is its size in ABI 1. */
#define AIXIPC_IOCTL_SINCE(name, type, oldest, has_out, handler)	\
	[_IOC_NR(AIXIPC_IOC_##name)] = { AIXIPC_IOC_##name,		\
		sizeof(struct type), oldest, has_out, handler }

/* A struct unchanged since ABI 1: its oldest size is its size. */
#define AIXIPC_IOCTL(name, type, has_out, handler)			\
	[_IOC_NR(AIXIPC_IOC_##name)] = { AIXIPC_IOC_##name,		\
		sizeof(struct type), sizeof(struct type), has_out, handler }

static const struct aixipc_ioctl aixipc_ioctls[] = {
	/* release came with packaging: an older caller does without it. */
	AIXIPC_IOCTL_SINCE(VERSION, aixipc_version,
			   offsetof(struct aixipc_version, release), true,
			   aixipc_version),
	AIXIPC_IOCTL(GET, aixipc_get, true, aixipc_ioc_get),
	/* ns came with IPC namespaces: without it, the caller's own. */
	AIXIPC_IOCTL_SINCE(LIST, aixipc_list, offsetof(struct aixipc_list, ns),
			   true, aixipc_ioc_list),
	AIXIPC_IOCTL(INFO, aixipc_info, true, aixipc_ioc_info),
	AIXIPC_IOCTL(NS, aixipc_ns_ctl, true, aixipc_ioc_ns),
	AIXIPC_IOCTL(MSGSND, aixipc_msgsnd, false, aixipc_ioc_msgsnd),
	AIXIPC_IOCTL(MSGRCV, aixipc_msgrcv, true, aixipc_ioc_msgrcv),
	AIXIPC_IOCTL(MSGCTL, aixipc_msgctl, true, aixipc_ioc_msgctl),
	/* Returns the new descriptor; nothing to write back. */
	AIXIPC_IOCTL(MSGFD, aixipc_msgfd, false, aixipc_ioc_msgfd),
	AIXIPC_IOCTL(SEMOP, aixipc_semop, false, aixipc_ioc_semop),
	AIXIPC_IOCTL(SEMCTL, aixipc_semctl, true, aixipc_ioc_semctl),
	AIXIPC_IOCTL(SEMMAP, aixipc_semmap, true, aixipc_ioc_semmap),
	AIXIPC_IOCTL(SHMAT, aixipc_shmat, true, aixipc_ioc_shmat),
	AIXIPC_IOCTL(SHMDT, aixipc_shmdt, true, aixipc_ioc_shmdt),
	AIXIPC_IOCTL(SHMCTL, aixipc_shmctl, true, aixipc_ioc_shmctl),
};

union aixipc_ioctl_arg {
	struct aixipc_version version;
	struct aixipc_get get;
	struct aixipc_list list;
	struct aixipc_info info;
	struct aixipc_ns_ctl ns;
	struct aixipc_msgsnd msgsnd;
	struct aixipc_msgrcv msgrcv;
	struct aixipc_msgctl msgctl;
	struct aixipc_msgfd msgfd;
	struct aixipc_semop semop;
	struct aixipc_semctl semctl;
	struct aixipc_semmap semmap;
	struct aixipc_shmat shmat;
	struct aixipc_shmdt shmdt;
	struct aixipc_shmctl shmctl;
};

/*
 * The general path: any command, any struct size.  copy_struct_from_user()
 * zero-extends an older caller's shorter struct and accepts a newer
 * caller's longer one only when the extra bytes are zero (else EINVAL).  A
 * struct that carries results is written back before the handler runs, so
 * an argument in read-only memory fails with EFAULT before any side effect,
 * and again with the results after; only as many bytes as the caller's
 * struct has are written.
 */
static noinline long aixipc_ioctl_any(struct file *file,
				      const struct aixipc_ioctl *ioc,
				      void __user *uarg, unsigned int usize)
{
	unsigned int osize = min(usize, ioc->size);
	union aixipc_ioctl_arg k;
	struct aixipc_ns *ns;
	int err;

	if (usize < ioc->min_size)
		return -EINVAL;	/* older than ABI 1 */
	err = copy_struct_from_user(&k, ioc->size, uarg, usize);
	if (err)
		return err == -E2BIG ? -EINVAL : err;
	if (ioc->out && copy_to_user(uarg, &k, osize))
		return -EFAULT;

	ns = aixipc_ns_current();
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	err = ioc->fn(file, ns, &k);
	if (err)
		return err;
	if (ioc->out && copy_to_user(uarg, &k, osize))
		return -EFAULT;
	return 0;
}

/*
 * The hot calls (and msgget, which some programs call before every
 * operation) with the struct this module knows, as the shim sends them:
 * the same rules, but copies of a size known at compile time (hardened
 * usercopy checks those at build time) and only the one struct to clear
 * on the stack (CONFIG_INIT_STACK_ALL_ZERO), not the whole union.  Each
 * call's entry cost matters: see Documentation/benchmarks.rst.
 */
static noinline long aixipc_ioctl_semop(void __user *uarg)
{
	struct aixipc_semop k;
	struct aixipc_ns *ns;

	if (copy_from_user(&k, uarg, sizeof(k)))
		return -EFAULT;
	ns = aixipc_ns_current();
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	return aixipc_semop(ns, &k);
}

/* The caller's registry, unless a queue descriptor names the queue. */
static struct aixipc_ns *aixipc_ns_unless(struct aixipc_msq *via)
{
	return via ? NULL : aixipc_ns_current();
}

noinline long aixipc_ioctl_msgsnd(struct aixipc_msq *via, void __user *uarg)
{
	struct aixipc_msgsnd k;
	struct aixipc_ns *ns;

	if (copy_from_user(&k, uarg, sizeof(k)))
		return -EFAULT;
	ns = aixipc_ns_unless(via);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	return aixipc_msgsnd(ns, via, &k);
}

/* Its one result is the id: writing that field back is the whole check. */
static noinline long aixipc_ioctl_get(void __user *uarg)
{
	struct aixipc_get __user *u = uarg;
	struct aixipc_get k;
	struct aixipc_ns *ns;
	int err;

	if (copy_from_user(&k, u, sizeof(k)) || put_user(k.id, &u->id))
		return -EFAULT;
	ns = aixipc_ns_current();
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	err = aixipc_get(ns, &k);
	if (!err && put_user(k.id, &u->id))
		err = -EFAULT;
	return err;
}

noinline long aixipc_ioctl_msgrcv(struct aixipc_msq *via, void __user *uarg)
{
	struct aixipc_msgrcv k;
	struct aixipc_ns *ns;
	int err;

	if (copy_from_user(&k, uarg, sizeof(k)) ||
	    copy_to_user(uarg, &k, sizeof(k)))
		return -EFAULT;
	ns = aixipc_ns_unless(via);
	if (IS_ERR(ns))
		return PTR_ERR(ns);
	err = aixipc_msgrcv(ns, via, &k);
	if (!err && copy_to_user(uarg, &k, sizeof(k)))
		err = -EFAULT;
	return err;
}

static long aixipc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned int nr = _IOC_NR(cmd);

	switch (cmd) {
	case AIXIPC_IOC_GET:
		return aixipc_ioctl_get(uarg);
	case AIXIPC_IOC_SEMOP:
		return aixipc_ioctl_semop(uarg);
	case AIXIPC_IOC_MSGSND:
		return aixipc_ioctl_msgsnd(NULL, uarg);
	case AIXIPC_IOC_MSGRCV:
		return aixipc_ioctl_msgrcv(NULL, uarg);
	}
	if (_IOC_TYPE(cmd) != AIXIPC_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE) ||
	    nr >= ARRAY_SIZE(aixipc_ioctls) || !aixipc_ioctls[nr].fn)
		return -ENOTTY;
	return aixipc_ioctl_any(file, &aixipc_ioctls[nr], uarg, _IOC_SIZE(cmd));
}

/* Attach a segment: see aixipc_shm_mmap(). */
static int aixipc_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct aixipc_ns *ns = aixipc_ns_current();

	if (IS_ERR(ns))
		return PTR_ERR(ns);
	return aixipc_shm_mmap(ns, vma);
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

	if (!aixipc_limits_sane(&aixipc_limits)) {
		pr_err("limits out of range\n");
		return -EINVAL;
	}
	aixipc_msg_caps_init();
	aixipc_shm_setup();
	err = aixipc_ns_setup();
	if (err)
		goto shm_exit;
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
	aixipc_ns_cleanup();
shm_exit:
	aixipc_shm_cleanup();
	return err;
}

/* Only reached with no object left: each one holds a module reference. */
static void __exit aixipc_exit(void)
{
	misc_deregister(&aixipc_dev);
	aixipc_undo_exit();
	aixipc_ns_cleanup();	/* waits for objects freed by call_rcu() */
	aixipc_shm_cleanup();
	aixipc_msg_exit();
}

module_init(aixipc_init);
module_exit(aixipc_exit);

MODULE_DESCRIPTION("AIX-compatible System V IPC");
MODULE_LICENSE("GPL");
MODULE_VERSION(AIXIPC_RELEASE);
