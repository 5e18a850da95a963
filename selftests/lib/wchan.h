/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel function a task sleeps in, as /proc/PID/wchan names it: the
 * tests wait with it until a child is blocked in a given call.
 *
 * On x86 kernels before 5.16 that unwind with ORC (Debian's 5.10), wchan
 * reads "0" for every task (the old frame-pointer walk finds nothing).
 * There the same answer comes from /proc/PID/stack (readable by root, as
 * the tests run): the first frame that is not the scheduler's, for a task
 * that is asleep (state S or D); "" for one that is not.
 */
#ifndef AIXIPC_SELFTESTS_WCHAN_H
#define AIXIPC_SELFTESTS_WCHAN_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* The whole of a small /proc file into @buf, NUL-terminated; -1 if none. */
static inline int t_proc_read(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	buf[0] = '\0';
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n < 0 ? -1 : 0;
}

/* @pid's wchan into @buf (@size bytes, at least 2).  Return: 0 or -1. */
static inline int t_wchan(pid_t pid, char *buf, size_t size)
{
	char text[4096], *line, *end;

	if (t_proc_read(pid, "wchan", buf, size))
		return -1;
	if (strcmp(buf, "0"))
		return 0;
	/* The state follows the command name's closing parenthesis. */
	if (t_proc_read(pid, "stat", text, sizeof(text)))
		return -1;
	line = strrchr(text, ')');
	if (!line || (line[2] != 'S' && line[2] != 'D')) {
		buf[0] = '\0';
		return 0;
	}
	if (t_proc_read(pid, "stack", text, sizeof(text)))
		return 0;	/* not root: leave "0" */
	/* Lines like "[<0>] aixipc_msg_send+0x1f4/0x3a0 [aixipc]". */
	for (line = text; (line = strstr(line, "] ")); line = end) {
		char name[128];
		size_t len;

		line += 2;
		end = line + strcspn(line, "+\n");
		len = (size_t)(end - line);
		if (len >= sizeof(name) || len >= size)
			continue;
		memcpy(name, line, len);
		name[len] = '\0';
		if (strstr(name, "schedule"))
			continue;	/* the scheduler's, as wchan skips */
		memcpy(buf, name, len + 1);
		return 0;
	}
	return 0;
}

/*
 * Wait until @pid, a child, sleeps in a function whose name contains
 * @part ("poll": poll, ppoll, select or epoll).  Return: 0, or -1 if it
 * ended first (left to be reaped) or the hang guard ran out.
 */
static inline int t_wait_wchan_has(pid_t pid, const char *part)
{
	char buf[128];
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		siginfo_t si;

		if (t_wchan(pid, buf, sizeof(buf)))
			return -1;
		if (strstr(buf, part))
			return 0;
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid)
			return -1;
		usleep(1000);
	}
	return -1;
}

/* Room for at least @n descriptors (the soft limit raised; root). 0/-1. */
static inline int t_room_for_fds(rlim_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if (rl.rlim_cur >= n)
		return 0;
	rl.rlim_cur = rl.rlim_max < n ? rl.rlim_max : n;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

#endif /* AIXIPC_SELFTESTS_WCHAN_H */
