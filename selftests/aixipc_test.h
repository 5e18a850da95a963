/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the aixipc selftests: thin wrappers that fill one UAPI
 * struct and make one ioctl, returning 0 or -errno.
 */
#ifndef AIXIPC_TEST_H
#define AIXIPC_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/aixipc.h>

static inline int aixipc_open(void)
{
	return open(AIXIPC_DEVICE, O_RDWR | O_CLOEXEC);
}

static inline int aixipc_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* msgget: returns the id, or -errno. */
static inline int t_msgget(int fd, int32_t key, uint32_t flags, uint32_t mode)
{
	struct aixipc_get g = {
		.kind = AIXIPC_MSG, .key = key, .flags = flags, .mode = mode,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_GET, &g);

	return err ? err : g.id;
}

/* The classic message buffer: a long type word, then the text. */
struct t_msgbuf {
	long mtype;
	char mtext[];
};

/* msgsnd of a caller-built buffer (which may be deliberately bad). */
static inline int t_msgsnd_raw(int fd, int id, const void *msgp,
			       uint64_t size, uint32_t flags)
{
	struct aixipc_msgsnd s = {
		.id = id, .flags = flags, .msgp = (uintptr_t)msgp,
		.size = size, .type_size = sizeof(long),
	};

	return aixipc_ioctl(fd, AIXIPC_IOC_MSGSND, &s);
}

/* msgsnd of @size bytes at @text with type @mtype. */
static inline int t_msgsnd(int fd, int id, int64_t mtype, const void *text,
			   uint64_t size, uint32_t flags)
{
	struct t_msgbuf *m = malloc(sizeof(*m) + size);
	int err;

	if (!m)
		return -ENOMEM;
	m->mtype = (long)mtype;
	if (size)
		memcpy(m->mtext, text, size);
	err = t_msgsnd_raw(fd, id, m, size, flags);
	free(m);
	return err;
}

/* msgrcv into a caller-built buffer; fills *r (may be NULL). */
static inline long t_msgrcv_raw(int fd, int id, int64_t msgtyp, void *msgp,
				uint64_t size, uint32_t flags,
				struct aixipc_msgrcv *r)
{
	struct aixipc_msgrcv req = {
		.id = id, .flags = flags, .msgtyp = msgtyp,
		.msgp = (uintptr_t)msgp, .size = size,
		.type_size = sizeof(long),
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_MSGRCV, &req);

	if (err)
		return err;
	if (r)
		*r = req;
	return (long)req.length;
}

/*
 * msgrcv of up to @size bytes of text into @buf; fills *r (may be NULL).
 * Returns bytes received, or -errno.
 */
static inline long t_msgrcv(int fd, int id, int64_t msgtyp, void *buf,
			    uint64_t size, uint32_t flags,
			    struct aixipc_msgrcv *r)
{
	struct t_msgbuf *m = malloc(sizeof(*m) + size);
	long n;

	if (!m)
		return -ENOMEM;
	n = t_msgrcv_raw(fd, id, msgtyp, m, size, flags, r);
	if (n > 0)
		memcpy(buf, m->mtext, (size_t)n);
	free(m);
	return n;
}

static inline int t_msgctl(int fd, int id, uint32_t cmd,
			   struct aixipc_msqid_ds *ds)
{
	struct aixipc_msgctl c = { .id = id, .cmd = cmd };
	int err;

	if (ds && cmd == AIXIPC_IPC_SET)
		c.ds = *ds;
	err = aixipc_ioctl(fd, AIXIPC_IOC_MSGCTL, &c);
	if (!err && ds && cmd == AIXIPC_IPC_STAT)
		*ds = c.ds;
	return err;
}

static inline int t_rmid(int fd, int id)
{
	return t_msgctl(fd, id, AIXIPC_IPC_RMID, NULL);
}

#endif /* AIXIPC_TEST_H */
