// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc-ipcrm: remove aixipc's IPC objects, with AIX's ipcrm options.
 *
 *   aixipc-ipcrm [-@ ns] [-q id] [-m id] [-s id] [-Q key] [-M key] [-S key] ...
 *
 * Lower case removes by id (decimal), upper case by key (decimal, or
 * hexadecimal with 0x).  Every item is tried in order; each one that fails
 * gets a line on stderr, the others are still removed, and the exit status
 * is 1 if any failed.  A usage error (an unknown option, a missing
 * argument, AIX's -r) removes nothing and exits with status 2.  A key is
 * turned into an id by the module's get ioctl without creating anything;
 * the private key names no object.  A segment that is still attached is
 * marked removed and freed at its last detach.
 *
 * -@ ns, where AIX names a WPAR, names an IPC namespace (its inode number,
 * as readlink /proc/PID/ns/ipc shows it) for every item: ids are removed
 * there (AIXIPC_NS_RMID) and keys found by listing it.  Only root
 * (CAP_SYS_ADMIN) in the initial IPC namespace may; anyone else, or a
 * namespace not known, gets one message, nothing removed, exit status 1.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/aixipc.h>

#include "aixipc-tools.h"

/* AIX's -r is recognised, to be refused with a reason. */
#define OPTSTRING "q:m:s:Q:M:S:hr@:"

/* -@: the namespace of every item, or AIXIPC_NS_SELF. */
static uint64_t target_ns = AIXIPC_NS_SELF;

static const char *const kind_name[] = {
	[AIXIPC_MSG] = "message queue",
	[AIXIPC_SEM] = "semaphore set",
	[AIXIPC_SHM] = "shared memory segment",
};

static void usage(FILE *f)
{
	fprintf(f, "usage: aixipc-ipcrm [-@ ns] [-q msqid] [-m shmid] [-s semid] "
		"[-Q msgkey] [-M shmkey] [-S semkey] ...\n");
}

/* Digits only, at least one: no sign, no blanks, nothing after. */
static int all_digits(const char *s, int base)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (base == 16 ? !isxdigit((unsigned char)*s)
			       : !isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* A decimal id: 0 .. INT_MAX, nothing else. */
static int parse_id(const char *s, int *id)
{
	unsigned long long v;

	if (!all_digits(s, 10))
		return -1;
	errno = 0;
	v = strtoull(s, NULL, 10);
	if (errno || v > INT_MAX)
		return -1;
	*id = (int)v;
	return 0;
}

/*
 * A key: decimal, negative too (key_t is signed), or 0x hexadecimal; 32
 * bits either way.
 */
static int parse_key(const char *s, int32_t *key)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	int neg = !hex && s[0] == '-';
	const char *digits = s + (hex ? 2 : neg);
	unsigned long long v;

	if (!all_digits(digits, hex ? 16 : 10))
		return -1;
	errno = 0;
	v = strtoull(digits, NULL, hex ? 16 : 10);
	if (errno || v > (neg ? (unsigned long long)INT32_MAX + 1 : UINT32_MAX))
		return -1;
	*key = neg ? (int32_t)-(int64_t)v : (int32_t)(uint32_t)v;
	return 0;
}

static int ns_ctl(int fd, uint32_t cmd, uint32_t kind, int id)
{
	struct aixipc_ns_ctl c = {
		.cmd = cmd, .kind = kind, .ns = target_ns, .id = id,
	};

	return ioctl(fd, AIXIPC_IOC_NS, &c);
}

static int remove_id(int fd, uint32_t kind, int id)
{
	union {
		struct aixipc_msgctl msg;
		struct aixipc_semctl sem;
		struct aixipc_shmctl shm;
	} c;
	unsigned long cmd;

	if (target_ns != AIXIPC_NS_SELF)
		return ns_ctl(fd, AIXIPC_NS_RMID, kind, id);
	memset(&c, 0, sizeof(c));
	switch (kind) {
	case AIXIPC_MSG:
		c.msg.id = id;
		c.msg.cmd = AIXIPC_IPC_RMID;
		cmd = AIXIPC_IOC_MSGCTL;
		break;
	case AIXIPC_SEM:
		c.sem.id = id;
		c.sem.cmd = AIXIPC_IPC_RMID;
		cmd = AIXIPC_IOC_SEMCTL;
		break;
	default:
		c.shm.id = id;
		c.shm.cmd = AIXIPC_IPC_RMID;
		cmd = AIXIPC_IOC_SHMCTL;
		break;
	}
	return ioctl(fd, cmd, &c);
}

/* Why removing by id failed, in words. */
static const char *id_error(int err)
{
	switch (err) {
	case EINVAL: return "no such id";
	case EIDRM: return "already being removed";
	case EPERM: return "permission denied (not the owner or creator)";
	}
	return strerror(err);
}

static int by_id(int fd, uint32_t kind, char opt, const char *arg)
{
	int id;

	if (parse_id(arg, &id)) {
		fprintf(stderr, "aixipc-ipcrm: -%c %s: not a valid id\n", opt, arg);
		return -1;
	}
	if (remove_id(fd, kind, id)) {
		fprintf(stderr, "aixipc-ipcrm: -%c %s: %s: %s\n", opt, arg,
			kind_name[kind], id_error(errno));
		return -1;
	}
	return 0;
}

/* Stop the walk at the object that has the key *@ctx, its id there. */
static int has_key(const struct aixipc_list_entry *e, void *ctx)
{
	int32_t *key = ctx;

	/* perm leads each kind's part of the union. */
	if (e->msg.perm.key != *key)
		return 0;
	*key = e->id;
	return 1;
}

/*
 * The id that @key names in another namespace, found by listing it: 0, or
 * -1 with errno (ENOENT: no object has the key).
 */
static int key_in_ns(int fd, uint32_t kind, int32_t key, int *id)
{
	int r = aixipc_tool_walk(fd, kind, target_ns, has_key, &key);

	if (r == 1) {
		*id = key;
		return 0;
	}
	if (!r)
		errno = ENOENT;
	return -1;
}

static int by_key(int fd, uint32_t kind, char opt, const char *arg)
{
	struct aixipc_get g = { .kind = kind };

	if (parse_key(arg, &g.key)) {
		fprintf(stderr, "aixipc-ipcrm: -%c %s: not a valid key\n", opt, arg);
		return -1;
	}
	if (g.key == AIXIPC_KEY_PRIVATE) {
		fprintf(stderr, "aixipc-ipcrm: -%c %s: the private key names no object\n",
			opt, arg);
		return -1;
	}
	if (target_ns != AIXIPC_NS_SELF ? key_in_ns(fd, kind, g.key, &g.id)
	    : ioctl(fd, AIXIPC_IOC_GET, &g)) {
		fprintf(stderr, "aixipc-ipcrm: -%c %s: %s: %s\n", opt, arg,
			kind_name[kind],
			errno == ENOENT ? "no such key" : strerror(errno));
		return -1;
	}
	if (remove_id(fd, kind, g.id)) {
		fprintf(stderr, "aixipc-ipcrm: -%c %s: %s %d: %s\n", opt, arg,
			kind_name[kind], g.id, id_error(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int c, fd, failed = 0;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/*
	 * Check the whole command line before removing anything.  AIX's -r
	 * (POSIX real-time objects by name) and -@ (a WPAR) are refused.
	 */
	while ((c = getopt(argc, argv, OPTSTRING)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'r':
			fprintf(stderr, "aixipc-ipcrm: -r: POSIX real-time IPC "
				"objects are Linux's own (/dev/mqueue, /dev/shm); "
				"aixipc serves System V IPC only\n");
			return 2;
		case '@':
			if (target_ns != AIXIPC_NS_SELF) {
				fprintf(stderr, "aixipc-ipcrm: -@: given twice\n");
				return 2;
			}
			if (aixipc_tool_parse_ns(optarg, &target_ns)) {
				fprintf(stderr, "aixipc-ipcrm: -@ %s: "
					AIXIPC_TOOL_NS_SYNTAX "\n", optarg);
				return 2;
			}
			break;
		case '?':
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	fd = open(AIXIPC_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "aixipc-ipcrm: %s: %s (is the aixipc module loaded?)\n",
			AIXIPC_DEVICE, strerror(errno));
		return 1;
	}
	/* Reach the namespace before removing anything in it. */
	if (target_ns != AIXIPC_NS_SELF &&
	    ns_ctl(fd, AIXIPC_NS_GET_LIMITS, 0, 0)) {
		fprintf(stderr, "aixipc-ipcrm: -@ %llu: %s\n",
			(unsigned long long)target_ns, aixipc_tool_ns_error(errno));
		close(fd);
		return 1;
	}
	optind = 1;
	while ((c = getopt(argc, argv, OPTSTRING)) != -1) {
		int err = 0;

		switch (c) {
		case 'q': err = by_id(fd, AIXIPC_MSG, c, optarg); break;
		case 'm': err = by_id(fd, AIXIPC_SHM, c, optarg); break;
		case 's': err = by_id(fd, AIXIPC_SEM, c, optarg); break;
		case 'Q': err = by_key(fd, AIXIPC_MSG, c, optarg); break;
		case 'M': err = by_key(fd, AIXIPC_SHM, c, optarg); break;
		case 'S': err = by_key(fd, AIXIPC_SEM, c, optarg); break;
		}
		if (err)
			failed = 1;
	}
	close(fd);
	return failed;
}
