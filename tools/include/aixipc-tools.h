/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aixipc-tools.h: what aixipc-ipcs and aixipc-ipcrm share.  Internal to
 * the tools (not installed): walking the module's object list, and naming
 * an IPC namespace on the command line.
 */
#ifndef AIXIPC_TOOLS_H
#define AIXIPC_TOOLS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/aixipc.h>

/*
 * Walk the objects of @kind in namespace @ns (AIXIPC_NS_SELF, AIXIPC_NS_ALL
 * or an inode number) through AIXIPC_IOC_LIST, calling @fn on each until
 * it returns non-zero.  Returns that value, 0 at the end of the walk, or
 * -1 with errno when the ioctl fails.
 */
static inline int aixipc_tool_walk(int fd, uint32_t kind, uint64_t ns,
				   int (*fn)(const struct aixipc_list_entry *,
					     void *),
				   void *ctx)
{
	static struct aixipc_list_entry batch[64];
	struct aixipc_list l = {
		.kind = kind,
		.entries = (uintptr_t)batch,
		.entry_size = sizeof(batch[0]),
		.ns = ns,
	};

	for (;;) {
		uint32_t i;
		int r;

		l.count = 64;
		if (ioctl(fd, AIXIPC_IOC_LIST, &l) < 0)
			return -1;
		if (!l.count)
			return 0;
		for (i = 0; i < l.count; i++) {
			r = fn(&batch[i], ctx);
			if (r)
				return r;
		}
	}
}

/* What a namespace argument must be, for the message that refuses one. */
#define AIXIPC_TOOL_NS_SYNTAX \
	"not an IPC namespace's inode number (as readlink /proc/PID/ns/ipc " \
	"shows it)"

/*
 * A namespace named on the command line: its inode number in decimal, or
 * readlink's ipc:[N].  0, or -1 for anything else.
 */
static inline int aixipc_tool_parse_ns(const char *s, uint64_t *ns)
{
	int bracket = !strncmp(s, "ipc:[", 5);
	const char *d = s + (bracket ? 5 : 0);
	size_t n = strspn(d, "0123456789");
	unsigned long long v;

	if (!n || n > 10 || strcmp(d + n, bracket ? "]" : ""))
		return -1;
	v = strtoull(d, NULL, 10);
	if (!v || v > UINT32_MAX)
		return -1;
	*ns = v;
	return 0;
}

/* Why a request naming another namespace failed, in words. */
static inline const char *aixipc_tool_ns_error(int err)
{
	switch (err) {
	case EPERM:
		return "permission denied: other IPC namespaces are reached "
		       "only by root (CAP_SYS_ADMIN) in the initial IPC namespace";
	case ENOENT:
		return "no such IPC namespace (or it has never used aixipc)";
	case ENOTTY:
		return "the loaded aixipc module has no IPC namespace support";
	}
	return strerror(err);
}

#endif /* AIXIPC_TOOLS_H */
