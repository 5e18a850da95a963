// SPDX-License-Identifier: GPL-2.0
/* fuzz: output lines, time, the stop flag, SIGKILLed children, failures. */
#include "fuzz.h"

static void outv(int fd, const char *fmt, va_list ap)
{
	char buf[4096];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len, off = 0;

	if (n < 0)
		return;
	len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		off += (size_t)w;
	}
}

__attribute__((format(printf, 1, 2)))
void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outv(1, fmt, ap);
	va_end(ap);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool stopping(void)
{
	return LOAD(sh->stop) != 0;
}

/*
 * SIGKILL a child of ours.  If our own process dies before reaping it,
 * the parent adopts it and must know the SIGKILL was ours.
 */
void kill_child(pid_t pid)
{
	unsigned int pos = ADD(sh->killed_pos, 1);

	STORE(sh->killed[pos % 256], pid);
	kill(pid, SIGKILL);
}

bool killed_by_scenario(pid_t pid)
{
	unsigned int i;

	for (i = 0; i < 256; i++)
		if (LOAD(sh->killed[i]) == pid)
			return true;
	return false;
}

__attribute__((format(printf, 2, 3)))
void fz_fail(struct wk *w, const char *fmt, ...)
{
	char buf[FAILMSG - 256], head[256];
	va_list ap;
	int zero = 0;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w)
		snprintf(head, sizeof(head), "[proc %d thread %d gen %d%s op %" PRIu64 "] ",
			 w->proc, w->thread, w->gen, w->in_child ? " fork-child" : "",
			 w->ops);
	else
		head[0] = 0;
	if (__atomic_compare_exchange_n(&sh->fail, &zero, 1, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		snprintf(sh->failmsg, sizeof(sh->failmsg), "%s%s", head, buf);
	STORE(sh->stop, 1);
	out("# FAIL %s%s\n", head, buf);
	if (w)
		w->failed = true;
}

