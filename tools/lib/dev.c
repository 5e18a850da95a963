// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The device: opened once per process, on first use, from any thread.
 * The descriptor survives fork (the child shares it, which is what it
 * needs) and closes on exec (the new image opens its own).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "internal.h"

static atomic_int dev_fd = -1;
static atomic_flag hinted = ATOMIC_FLAG_INIT;

/* One line on stderr, once per process, unless AIXIPC_QUIET is set. */
static void hint(int err)
{
	if (getenv("AIXIPC_QUIET") || atomic_flag_test_and_set(&hinted))
		return;
	fprintf(stderr, "libaixipc: cannot open %s (%s): is the aixipc module "
		"loaded? (set AIXIPC_QUIET=1 to silence)\n", AIXIPC_DEVICE,
		strerror(err));
}

int aixipc_dev(void)
{
	int fd = atomic_load_explicit(&dev_fd, memory_order_acquire);
	int expected = -1;

	if (fd >= 0)
		return fd;
	fd = open(AIXIPC_DEVICE, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		hint(errno);
		errno = ENOSYS;
		return -1;
	}
	/* Another thread may have won the race: keep its descriptor. */
	if (!atomic_compare_exchange_strong(&dev_fd, &expected, fd)) {
		close(fd);
		fd = expected;
	}
	return fd;
}

int aixipc_call(unsigned long cmd, void *arg)
{
	int fd = aixipc_dev();

	if (fd < 0)
		return -1;
	return ioctl(fd, cmd, arg) < 0 ? -1 : 0;
}

/*
 * process_vm_{read,write}v on ourselves checks the mapping and its
 * protection the way the kernel's own user copies do.  Where it is not
 * available (seccomp, old kernels) fall back to a plain copy.
 */
static int vm_copy(void *dst, const void *src, size_t n, int out)
{
	struct iovec local = { .iov_base = out ? (void *)src : dst, .iov_len = n };
	struct iovec remote = { .iov_base = out ? dst : (void *)src, .iov_len = n };
	ssize_t r;

	if (!n)
		return 0;
	r = out ? process_vm_writev(getpid(), &local, 1, &remote, 1, 0)
		: process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (r == (ssize_t)n)
		return 0;
	if (r < 0 && (errno == ENOSYS || errno == EPERM)) {
		memcpy(dst, src, n);
		return 0;
	}
	errno = EFAULT;
	return -1;
}

int aixipc_copy_out(void *dst, const void *src, size_t n)
{
	return vm_copy(dst, src, n, 1);
}

int aixipc_copy_in(void *dst, const void *src, size_t n)
{
	return vm_copy(dst, src, n, 0);
}
