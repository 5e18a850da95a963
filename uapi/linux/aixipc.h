/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * aixipc: AIX-compatible System V IPC for Linux, the user/kernel ABI.
 *
 * This is the only header shared by the kernel module and user space.
 *
 * Rules (see Documentation/aixipc.rst, "UAPI conventions"):
 *  - every ioctl is _IOWR(AIXIPC_IOC_MAGIC, nr, struct); the size encoded in
 *    the command number versions the struct: an older, shorter struct is
 *    zero-extended, a newer, longer one is accepted only if the bytes the
 *    module does not know are zero (copy_struct_from_user());
 *  - a struct with results must be writable (it is written back before the
 *    call acts, so a read-only one fails with EFAULT and changes nothing);
 *    msgsnd's and semop's carry none and are only read;
 *  - fixed-width fields only, pointers as __u64, explicit padding, so 32- and
 *    64-bit callers share one layout (compat_ptr_ioctl);
 *  - unknown flag bits, unknown commands and non-zero __reserved fields are
 *    rejected with EINVAL; unknown ioctl numbers with ENOTTY;
 *  - flag values are aixipc's own: neither Linux's nor AIX's numbering.  The
 *    libaixipc shim translates the classic calls onto them.
 */
#ifndef _UAPI_LINUX_AIXIPC_H
#define _UAPI_LINUX_AIXIPC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define AIXIPC_DEVICE		"/dev/aixipc"
#define AIXIPC_ABI_VERSION	1
#define AIXIPC_IOC_MAGIC	0xB9

/* Facilities ("kinds" of IPC object). */
#define AIXIPC_MSG		0
#define AIXIPC_SEM		1
#define AIXIPC_SHM		2
#define AIXIPC_NR_KINDS		3

/* Bits of aixipc_version.features. */
#define AIXIPC_FEATURE_MSG	0x1ULL	/* message queues */
#define AIXIPC_FEATURE_LIST	0x2ULL	/* AIXIPC_IOC_LIST */
#define AIXIPC_FEATURE_SEM	0x4ULL	/* semaphores, SEM_UNDO, SEM_ORDER */
#define AIXIPC_FEATURE_SHM	0x8ULL	/* shared memory, AIXIPC_IOC_INFO */
#define AIXIPC_FEATURE_STAT_INDEX 0x10ULL /* AIXIPC_STAT_INDEX(_ANY) */
/* A registry per IPC namespace, AIXIPC_IOC_NS, AIXIPC_IOC_LIST's ns. */
#define AIXIPC_FEATURE_NS	0x20ULL
/* Queue descriptors: AIXIPC_IOC_MSGFD. */
#define AIXIPC_FEATURE_MSGFD	0x40ULL
/* AIXIPC_SHM_PIN and _LGPAGE at get, SHM_PAGESIZE of a huge page (1.4.0). */
#define AIXIPC_FEATURE_SHM_PIN	0x80ULL
/* AIXIPC_IOC_SEMMAP: semaphore values shared with user space (1.5.0). */
#define AIXIPC_FEATURE_SEM_FAST	0x100ULL
/* SEM_UNDO on the fast path: adjustments in words, AIXIPC_SEMMAP_UNDO (1.6.0). */
#define AIXIPC_FEATURE_SEM_FAST_UNDO 0x200ULL

/*
 * AIX's IPC_PRIVATE: a get with this key always creates a new object, and
 * objects created that way report this key.  Every other 32-bit value,
 * including 0, is an ordinary public key (as on AIX 5.3 and later).
 */
#define AIXIPC_KEY_PRIVATE	(-1)

/* aixipc_get.flags */
#define AIXIPC_CREAT		0x1U
#define AIXIPC_EXCL		0x2U
/*
 * Shared memory only, at creation (ignored when the segment exists):
 * AIXIPC_SHM_PIN allocates every page now and keeps it resident, charged
 * to the creator against RLIMIT_MEMLOCK as SHM_LOCK is (a segment that
 * does not fit is made unpinned, as AIX's flag is advisory), and each
 * shmat maps it whole; AIXIPC_SHM_LGPAGE backs it with transparent huge
 * pages where the kernel has them.  IPC_STAT's status says what was done.
 */
#define AIXIPC_SHM_PIN		0x4U
#define AIXIPC_SHM_LGPAGE	0x8U

/* Flags of the blocking operations. */
#define AIXIPC_NOWAIT		0x1U	/* msgsnd, msgrcv */
#define AIXIPC_MSG_NOERROR	0x2U	/* msgrcv: truncate, no E2BIG */
#define AIXIPC_MSG_EXCEPT	0x4U	/* msgrcv: first type != msgtyp */
#define AIXIPC_MSG_COPY		0x8U	/* msgrcv: copy the message at
					 * position msgtyp, leave it queued;
					 * needs AIXIPC_NOWAIT */

/* *_ctl commands. */
#define AIXIPC_IPC_RMID		0
#define AIXIPC_IPC_SET		1
#define AIXIPC_IPC_STAT		2
/*
 * Linux's MSG_STAT, SEM_STAT, SHM_STAT and their _ANY forms: the *_ctl's
 * id is an index (a slot, 0 .. the max_slot of AIXIPC_IOC_INFO), not an
 * id.  They fill ds like AIXIPC_IPC_STAT and write the object's id back
 * into the struct's id field; the ioctl returns 0.  AIXIPC_STAT_INDEX
 * needs read permission (EACCES), AIXIPC_STAT_INDEX_ANY none.  A negative
 * index or one with no object is EINVAL, as on Linux.
 */
#define AIXIPC_STAT_INDEX	30
#define AIXIPC_STAT_INDEX_ANY	31

/* Semaphore-only semctl commands. */
#define AIXIPC_GETVAL		10
#define AIXIPC_SETVAL		11
#define AIXIPC_GETALL		12
#define AIXIPC_SETALL		13
#define AIXIPC_GETPID		14
#define AIXIPC_GETNCNT		15
#define AIXIPC_GETZCNT		16

/*
 * sem_flg bits of a struct aixipc_sembuf.  The array is the caller's own
 * struct sembuf array, read and written in place, so these keep the values
 * glibc's IPC_NOWAIT and SEM_UNDO have; SEM_ORDER and SEM_ERR are AIX's
 * (no Linux sem_flg bit uses them).
 */
#define AIXIPC_SEM_NOWAIT	0004000
#define AIXIPC_SEM_UNDO		0010000
#define AIXIPC_SEM_ORDER	0020000	/* the call's operations one by one */
#define AIXIPC_SEM_ERR		0040000	/* out: this entry failed */

/* Shared-memory-only shmctl commands (AIX's, with aixipc's numbers). */
#define AIXIPC_SHM_SIZE		20	/* new size in aixipc_shmctl.value */
#define AIXIPC_SHM_PAGESIZE	21	/* .value: PAGE_SIZE, or 2 MiB unattached */
#define AIXIPC_SHM_LOCK		22	/* keep the pages resident */
#define AIXIPC_SHM_UNLOCK	23
#define AIXIPC_SHM_GETLBA	24	/* out in .value: attach boundary */

/* aixipc_shmat.flags */
#define AIXIPC_SHM_RDONLY	0x1U	/* map read-only, for good */
#define AIXIPC_SHM_RND		0x2U	/* round addr down to the boundary */
#define AIXIPC_SHM_REMAP	0x4U	/* replace what is mapped at addr */

/*
 * aixipc_shmid_ds.status.  ipcs shows AIXIPC_SHM_DEST as the D mode flag;
 * AIX has no flag for a locked segment (the shim reports Linux's
 * SHM_LOCKED mode bit).
 */
#define AIXIPC_SHM_DEST		0x1U	/* removed, freed at the last detach */
#define AIXIPC_SHM_LOCKED	0x2U	/* SHM_LOCK in force */
#define AIXIPC_SHM_PINNED	0x4U	/* AIXIPC_SHM_PIN in force */
#define AIXIPC_SHM_LARGE	0x8U	/* backed by huge pages where it can be */

/* aixipc_semop.flags */
#define AIXIPC_SEMOP_TIMED	0x1U	/* semtimedop: the timeout applies */

/* aixipc_msqid_ds.status: what ipcs shows as the R and S mode flags. */
#define AIXIPC_MSG_RWAIT	0x1U	/* a receiver is blocked */
#define AIXIPC_MSG_WWAIT	0x2U	/* a sender is blocked */

/*
 * Limits in force in a namespace.  Each namespace starts with the module
 * parameters of the same names (see Documentation/aixipc.rst, "Limits");
 * those are also the host's caps.
 */
struct aixipc_limits {
	__u64 msgmax;	/* largest message, bytes */
	__u64 msgmnb;	/* default (and unprivileged maximum) queue bytes */
	__u64 msgmnm;	/* messages per queue */
	__u64 msgmni;	/* message queue ids */
	__u64 semmni;	/* semaphore set ids */
	__u64 semmsl;	/* semaphores per set */
	__u64 semopm;	/* operations per semop call */
	__u64 semvmx;	/* largest semaphore value */
	__u64 semaem;	/* largest adjust-on-exit magnitude */
	__u64 semume;	/* undo entries per process */
	__u64 shmmax;	/* largest segment, bytes (32-bit callers: at
			 * most AIXIPC_SHMMAX_32BIT) */
	__u64 shmmin;	/* smallest segment, bytes */
	__u64 shmmni;	/* shared memory ids */
	__u64 shmall;	/* all segments together, pages */
};

/* AIX's largest segment for 32-bit programs: theirs is the lesser of this and shmmax. */
#define AIXIPC_SHMMAX_32BIT	(2ULL << 30)

/* AIXIPC_IOC_VERSION: the handshake. */
struct aixipc_version {
	__u32 abi_version;		/* out: AIXIPC_ABI_VERSION */
	__u32 flags;			/* in: must be 0 */
	__u64 features;			/* out: AIXIPC_FEATURE_* */
	struct aixipc_limits limits;	/* out */
	char release[16];		/* out: the module's release, "1.4.0" */
};

/*
 * Credentials and mode of an object.  Ids are in the caller's user
 * namespace; mode holds the nine permission bits only.
 */
struct aixipc_ipc_perm {
	__s32 key;
	__u32 uid;
	__u32 gid;
	__u32 cuid;
	__u32 cgid;
	__u32 mode;
	__u32 seq;
	__u32 __reserved;
};

/* AIXIPC_IOC_GET: msgget/semget/shmget. */
struct aixipc_get {
	__u32 kind;		/* AIXIPC_MSG, AIXIPC_SEM, AIXIPC_SHM */
	__s32 key;		/* or AIXIPC_KEY_PRIVATE */
	__u32 flags;		/* AIXIPC_CREAT, _EXCL; AIXIPC_SHM_PIN, _LGPAGE */
	__u32 mode;		/* permission bits (0777) for a new object */
	__u64 size;		/* semaphores or bytes; 0 for queues */
	__s32 id;		/* out */
	__u32 __reserved;
};

/*
 * Messages travel in the caller's own buffer, as for the classic calls: a
 * type word of type_size bytes (sizeof(long) of the caller: 4 or 8), then
 * the text.  The module reads and writes the type word itself, so a bad
 * buffer fails with EFAULT instead of crashing the caller's library.
 */

/* AIXIPC_IOC_MSGSND */
struct aixipc_msgsnd {
	__s32 id;
	__u32 flags;		/* AIXIPC_NOWAIT */
	__u64 msgp;		/* user pointer: type word, then text */
	__u64 size;		/* bytes of text, at most msgmax */
	__u32 type_size;	/* 4 or 8; the type must be 1 .. 0x7fffffff */
	__u32 __reserved;
};

/* AIXIPC_IOC_MSGRCV: msgrcv and AIX msgxrcv. */
struct aixipc_msgrcv {
	__s32 id;
	__u32 flags;		/* AIXIPC_NOWAIT, _MSG_NOERROR, _EXCEPT, _COPY */
	__s64 msgtyp;		/* 0, > 0: that type, < 0: lowest <= |msgtyp|;
				 * with AIXIPC_MSG_COPY: a position */
	__u64 msgp;		/* user pointer: type word, then text */
	__u64 size;		/* bytes of text the buffer holds */
	__u32 type_size;	/* 4 or 8 */
	__u32 __reserved;
	/* out: the message taken, with msgxrcv's metadata */
	__s64 mtype;
	__u64 length;		/* bytes of text stored */
	__s64 stime;		/* when it was sent */
	__u32 uid;		/* sender's effective uid */
	__u32 gid;		/* sender's effective gid */
	__s32 pid;		/* sender's process id */
	__u32 __reserved2;
};

/* Status of a message queue (IPC_STAT, IPC_SET, listing). */
struct aixipc_msqid_ds {
	struct aixipc_ipc_perm perm;
	__u64 cbytes;		/* bytes queued */
	__u64 qnum;		/* messages queued */
	__u64 qbytes;		/* bytes allowed */
	__s32 lspid;		/* last sender */
	__s32 lrpid;		/* last receiver */
	__s64 stime;		/* last send */
	__s64 rtime;		/* last receive */
	__s64 ctime;		/* last change */
	__u32 status;		/* AIXIPC_MSG_RWAIT, AIXIPC_MSG_WWAIT */
	__u32 __reserved;
};

/* AIXIPC_IOC_MSGCTL */
struct aixipc_msgctl {
	__s32 id;
	__u32 cmd;		/* AIXIPC_IPC_STAT, _SET, _RMID, _STAT_INDEX* */
	struct aixipc_msqid_ds ds;	/* out for STAT, in for SET */
};

/*
 * AIXIPC_IOC_MSGFD: a new file descriptor for one message queue, which
 * poll(), select(), epoll and io_uring can wait on; the ioctl returns it.
 *  - POLLIN (AIXIPC_MSGFD_READ, needs read permission): a receive of
 *    msgtyp's class (msgrcv's rules: 0 any, > 0 that type, or any other
 *    with AIXIPC_MSGFD_EXCEPT, < 0 the lowest type <= |msgtyp|) would find
 *    a message;
 *  - POLLOUT (AIXIPC_MSGFD_WRITE, needs write permission): a message of
 *    size bytes fits within the queue's qbytes and message count;
 *  - POLLERR: the descriptor's maker lost that permission (IPC_SET);
 *  - POLLHUP | POLLERR: the queue was removed.
 * The descriptor holds the queue object, not its id: it stays bound to
 * that queue (and namespace) and does not keep IPC_RMID from removing it.
 * AIXIPC_IOC_MSGSND, _MSGRCV and _MSGCTL (IPC_STAT) work on the
 * descriptor too, with id set to the queue's id; after removal, EIDRM.
 * Close-on-exec unless AIXIPC_MSGFD_INHERIT.
 */
#define AIXIPC_MSGFD_READ	0x1U
#define AIXIPC_MSGFD_WRITE	0x2U
#define AIXIPC_MSGFD_EXCEPT	0x4U	/* = AIXIPC_MSG_EXCEPT */
#define AIXIPC_MSGFD_INHERIT	0x8U	/* no O_CLOEXEC */

struct aixipc_msgfd {
	__s32 id;
	__u32 flags;		/* AIXIPC_MSGFD_* */
	__s64 msgtyp;		/* with READ: the class that counts */
	__u64 size;		/* with WRITE: bytes of text that must fit */
};

/* One operation: the layout of the classic struct sembuf. */
struct aixipc_sembuf {
	__u16 sem_num;
	__s16 sem_op;
	__s16 sem_flg;
};

/* AIXIPC_IOC_SEMOP: semop and semtimedop. */
struct aixipc_semop {
	__s32 id;
	__u32 flags;		/* AIXIPC_SEMOP_TIMED */
	__u64 sops;		/* user pointer to struct aixipc_sembuf[nsops] */
	__u64 nsops;		/* 1 .. semopm */
	__s64 timeout_sec;	/* relative timeout, with AIXIPC_SEMOP_TIMED */
	__s64 timeout_nsec;
};

/* Status of a semaphore set (IPC_STAT, IPC_SET, listing). */
struct aixipc_semid_ds {
	struct aixipc_ipc_perm perm;
	__u64 nsems;
	__s64 otime;		/* last semop */
	__s64 ctime;		/* last change */
};

/* AIXIPC_IOC_SEMCTL */
struct aixipc_semctl {
	__s32 id;
	__u32 cmd;		/* AIXIPC_IPC_*, _STAT_INDEX*, _GETVAL .. _GETZCNT */
	__u32 semnum;		/* GETVAL, SETVAL, GETPID, GETNCNT, GETZCNT */
	__s32 val;		/* SETVAL: in; GETVAL, GETPID, GET*CNT: out */
	__u64 array;		/* GETALL, SETALL: user pointer to __u16[nsems] */
	struct aixipc_semid_ds ds;	/* IPC_STAT: out; IPC_SET: in */
};

/*
 * The semaphore fast path (Documentation/aixipc.rst, "Semaphores without a
 * system call").  AIXIPC_IOC_SEMMAP maps a set's shared area into the
 * caller: one page of struct aixipc_sem_meta, which is read-only, then one
 * 64-bit word per semaphore (AIXIPC_SEMW_*), from offset
 * AIXIPC_SEM_WORDS_OFFSET.  A word whose AIXIPC_SEMW_KERNEL bit is clear
 * belongs to user space: its value is the semaphore's, and one
 * compare-and-swap that keeps the bit clear, puts the caller's ticket in
 * AIXIPC_SEMW_TICKET and leaves the value within [0, meta.semvmx] is a
 * complete semop of that one operation, provided meta.live is
 * AIXIPC_SEM_LIVE and meta.otime is the current second.  Anything else
 * (the bit set, a caller that would wait, SEM_UNDO, several operations)
 * goes to AIXIPC_IOC_SEMOP.  The kernel sets the bit before it reads or
 * changes a value and keeps it set while anyone waits on the semaphore;
 * with the bit set, the word's value mirrors the kernel's.
 *
 * SEM_UNDO (AIXIPC_FEATURE_SEM_FAST_UNDO): a word may carry, in
 * AIXIPC_SEMW_ADJ (15 bits, two's complement), the adjustment of one
 * process for that semaphore.  Only the kernel puts one there, and only
 * with that process's "holder" ticket (its ticket | AIXIPC_SEM_TICKET_HOLD;
 * tickets the kernel gives have that bit clear).  The holder may change
 * the adjustment with its SEM_UNDO operations on the word, in the same
 * compare-and-swap as the value, within +/-meta.semaem, keeping its holder
 * ticket; its operations without SEM_UNDO may keep both too.  Anyone
 * (the holder too) may write its own plain ticket into a word whose
 * adjustment is zero; a word whose adjustment is not zero is left to the
 * kernel by everyone but its holder.  The kernel takes the
 * adjustment into the holder's record whenever it takes the word, and at
 * the holder's exit.  Writable mappings need AIXIPC_SEMMAP_UNDO: a caller
 * that does not know these rules could drop another process's adjustment.
 */
#define AIXIPC_SEMW_VALUE	0xffffULL
#define AIXIPC_SEMW_ADJ_SHIFT	16
#define AIXIPC_SEMW_ADJ		0x7fff0000ULL
#define AIXIPC_SEMW_KERNEL	0x80000000ULL
#define AIXIPC_SEMW_TICKET_SHIFT 32
#define AIXIPC_SEMW_TICKET	0xffffffff00000000ULL
/* The ticket of a word the kernel last wrote; never a caller's. */
#define AIXIPC_SEM_TICKET_KERNEL 1U
/* A ticket with this bit: its process's adjustment is in the word. */
#define AIXIPC_SEM_TICKET_HOLD	1U
/* The range of an adjustment in a word. */
#define AIXIPC_SEMW_ADJ_MIN	(-16384)
#define AIXIPC_SEMW_ADJ_MAX	16383

#define AIXIPC_SEM_LIVE		0x53454d31U	/* meta.live of a usable area */
#define AIXIPC_SEM_WORDS_OFFSET	4096ULL

struct aixipc_sem_meta {
	__u32 live;		/* AIXIPC_SEM_LIVE; 0 once removed or revoked */
	__u32 semvmx;		/* largest value a fast operation may leave */
	__u32 nsems;
	__u32 semaem;		/* largest |adjustment| a word may carry (1.6.0) */
	__s64 otime;		/* the set's sem_otime, seconds */
};

/* AIXIPC_IOC_SEMMAP */
struct aixipc_semmap {
	__s32 id;
	__u32 flags;		/* AIXIPC_SEMMAP_WRITE */
	__u64 addr;		/* out: where the area is mapped */
	__u64 size;		/* out: its length in bytes */
	__u32 nsems;		/* out */
	__u32 ticket;		/* out: the caller's ticket for this set */
};

/* aixipc_semmap.flags: map the words writable (needs alter permission). */
#define AIXIPC_SEMMAP_WRITE	0x1U
/* The caller follows the SEM_UNDO rules above (needed with _WRITE). */
#define AIXIPC_SEMMAP_UNDO	0x2U

/*
 * Shared memory.  A segment is attached by AIXIPC_IOC_SHMAT, which maps it
 * into the caller with mmap(2) semantics: the mapping is the segment's own
 * shmem file (so process-shared futexes, swap and /proc/PID/maps work as
 * for Linux's segments) and counts as an attachment until the last piece
 * of it is unmapped.  mmap(2) of /dev/aixipc at offset (id << page shift)
 * attaches the same way; the device must be open for reading and writing.
 */

/* Status of a segment (IPC_STAT, IPC_SET, listing). */
struct aixipc_shmid_ds {
	struct aixipc_ipc_perm perm;
	__u64 segsz;		/* bytes */
	__s32 lpid;		/* last attach or detach */
	__s32 cpid;		/* creator */
	__u64 nattch;		/* attachments */
	__s64 atime;		/* last attach */
	__s64 dtime;		/* last detach */
	__s64 ctime;		/* last change */
	__u64 rss;		/* pages in memory */
	__u64 swapped;		/* pages in swap */
	__u32 status;		/* AIXIPC_SHM_DEST, _LOCKED, _PINNED, _LARGE */
	__u32 __reserved;
};

/* AIXIPC_IOC_SHMAT */
struct aixipc_shmat {
	__s32 id;
	__u32 flags;		/* AIXIPC_SHM_RDONLY, _RND, _REMAP */
	__u64 addr;		/* in: wanted address or 0; out: where mapped */
	__u64 size;		/* out: bytes mapped */
};

/* AIXIPC_IOC_SHMDT */
struct aixipc_shmdt {
	__u64 addr;		/* where an attachment starts */
	__u64 size;		/* out: bytes unmapped */
};

/* AIXIPC_IOC_SHMCTL */
struct aixipc_shmctl {
	__s32 id;
	__u32 cmd;		/* AIXIPC_IPC_*, _STAT_INDEX*, _SHM_SIZE .. _GETLBA */
	__u64 value;		/* see the AIXIPC_SHM_* commands */
	struct aixipc_shmid_ds ds;	/* IPC_STAT: out; IPC_SET: in */
};

/*
 * AIXIPC_IOC_INFO: totals of one facility, what Linux's MSG_INFO, SEM_INFO
 * and SHM_INFO report.
 */
struct aixipc_info {
	__u32 kind;
	__u32 flags;		/* must be 0 */
	__u64 in_use;		/* objects */
	__s64 max_slot;		/* highest slot in use, -1 when none */
	__u64 count;		/* messages queued, semaphores, or pages of
				 * all segments (their sizes) */
	__u64 bytes;		/* message bytes queued */
	__u64 rss;		/* segment pages in memory */
	__u64 swapped;		/* segment pages in swap */
};

/*
 * IPC namespaces.  Every call acts in the caller's IPC namespace at the
 * time of the call; only AIXIPC_IOC_LIST and AIXIPC_IOC_NS can name
 * another, by its inode number (what readlink /proc/PID/ns/ipc shows), and
 * only for a caller in the initial IPC namespace with CAP_SYS_ADMIN (else
 * EPERM).  A namespace that has never used aixipc is not known (ENOENT).
 */
#define AIXIPC_NS_SELF		0ULL	/* the caller's namespace */
#define AIXIPC_NS_ALL		(~0ULL)	/* every namespace: LIST only */

/* One object in an AIXIPC_IOC_LIST answer. */
struct aixipc_list_entry {
	__u32 kind;
	__s32 id;
	union {
		struct aixipc_msqid_ds msg;
		struct aixipc_semid_ds sem;
		struct aixipc_shmid_ds shm;
		__u8 __size[248];	/* room to grow */
	};
	__u64 ns;		/* the object's namespace (its inode number) */
};

/* The size of an entry before it had ns; still accepted as entry_size. */
#define AIXIPC_LIST_ENTRY_SIZE_V1	256

/*
 * AIXIPC_IOC_LIST: enumerate live objects of one kind, in slot order.
 * Start with cursor 0; each call fills up to count entries and advances the
 * cursor; an answer with count 0 ends the walk.  A full walk costs time
 * linear in the number of objects.  Like Linux's /proc/sysvipc, it lists
 * every object whatever its permissions: ipcs shows them all.  With ns
 * AIXIPC_NS_ALL the walk visits every namespace in inode number order.
 */
struct aixipc_list {
	__u32 kind;
	__u32 flags;		/* must be 0 */
	__u64 cursor;		/* in/out */
	__u64 entries;		/* user pointer to an array */
	__u32 count;		/* in: room in the array; out: entries filled */
	/*
	 * At least AIXIPC_LIST_ENTRY_SIZE_V1: the module writes the first
	 * entry_size bytes of each entry (all of it when larger, zero-filling
	 * the rest), so a caller built before ns existed passes 256.
	 */
	__u32 entry_size;
	__u64 ns;		/* AIXIPC_NS_SELF, _ALL or an inode number */
};

/*
 * AIXIPC_IOC_NS commands.  AIXIPC_NS_NEXT answers the known namespace with
 * the smallest inode number above ns, with its limits, or ENOENT after the
 * last: start from AIXIPC_NS_SELF (0) to visit them all.
 */
#define AIXIPC_NS_GET_LIMITS	0	/* limits out */
#define AIXIPC_NS_SET_LIMITS	1	/* limits in; none above the host's */
#define AIXIPC_NS_RMID		2	/* IPC_RMID of kind/id in ns */
#define AIXIPC_NS_NEXT		3	/* ns in and out, limits out */

/*
 * AIXIPC_IOC_NS: a namespace's limits, and the initial namespace's
 * administrator's reach into the others.  Anyone may read the limits of
 * their own namespace (AIXIPC_NS_SELF); every other use needs the caller
 * to be in the initial IPC namespace with CAP_SYS_ADMIN (EPERM).
 */
struct aixipc_ns_ctl {
	__u32 cmd;
	__u32 kind;		/* AIXIPC_NS_RMID: AIXIPC_MSG, _SEM, _SHM */
	__u64 ns;		/* AIXIPC_NS_SELF or an inode number */
	__s32 id;		/* AIXIPC_NS_RMID: the object */
	__u32 __reserved;
	struct aixipc_limits limits;
};

#define AIXIPC_IOC_VERSION _IOWR(AIXIPC_IOC_MAGIC, 0x00, struct aixipc_version)
#define AIXIPC_IOC_GET     _IOWR(AIXIPC_IOC_MAGIC, 0x01, struct aixipc_get)
#define AIXIPC_IOC_LIST    _IOWR(AIXIPC_IOC_MAGIC, 0x02, struct aixipc_list)
#define AIXIPC_IOC_INFO    _IOWR(AIXIPC_IOC_MAGIC, 0x03, struct aixipc_info)
#define AIXIPC_IOC_NS      _IOWR(AIXIPC_IOC_MAGIC, 0x04, struct aixipc_ns_ctl)
#define AIXIPC_IOC_MSGSND  _IOWR(AIXIPC_IOC_MAGIC, 0x10, struct aixipc_msgsnd)
#define AIXIPC_IOC_MSGRCV  _IOWR(AIXIPC_IOC_MAGIC, 0x11, struct aixipc_msgrcv)
#define AIXIPC_IOC_MSGCTL  _IOWR(AIXIPC_IOC_MAGIC, 0x12, struct aixipc_msgctl)
#define AIXIPC_IOC_MSGFD   _IOWR(AIXIPC_IOC_MAGIC, 0x13, struct aixipc_msgfd)
#define AIXIPC_IOC_SEMOP   _IOWR(AIXIPC_IOC_MAGIC, 0x20, struct aixipc_semop)
#define AIXIPC_IOC_SEMCTL  _IOWR(AIXIPC_IOC_MAGIC, 0x21, struct aixipc_semctl)
#define AIXIPC_IOC_SEMMAP  _IOWR(AIXIPC_IOC_MAGIC, 0x22, struct aixipc_semmap)
#define AIXIPC_IOC_SHMAT   _IOWR(AIXIPC_IOC_MAGIC, 0x30, struct aixipc_shmat)
#define AIXIPC_IOC_SHMDT   _IOWR(AIXIPC_IOC_MAGIC, 0x31, struct aixipc_shmdt)
#define AIXIPC_IOC_SHMCTL  _IOWR(AIXIPC_IOC_MAGIC, 0x32, struct aixipc_shmctl)

#endif /* _UAPI_LINUX_AIXIPC_H */
