// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * syscall(SYS_msgget, ...) and the other System V IPC numbers, which some
 * programs call directly instead of libc's wrappers, served by the shim;
 * every other number goes on, untouched, to libc's syscall().
 *
 * The entry point is a few instructions of assembly: syscall() is
 * variadic and its arguments cannot be forwarded from C without reading
 * arguments that were never passed.  The stub only looks at the number
 * and jumps, leaving every argument register as the caller set it, either
 * to the dispatcher below (an ordinary six-argument function: the same
 * registers) or to libc's syscall(), found with dlsym(RTLD_NEXT).
 *
 * x86-64 only, and only in libaixipc.so (the static library would replace
 * a static program's syscall() with nothing to forward to).  The raw
 * calls' argument structs are glibc's on x86-64, so the classic functions
 * serve them; IPC_64 in a command is the only difference and is dropped.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#include "aixipc.h"
#include "internal.h"

#if defined(__x86_64__)

#define IPC_64 0x100	/* "new struct layout" bit of the raw ctl calls */

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

typedef long (*syscall_fn)(long number, ...);

/* libc's syscall(); read by the stub, set once by aixipc_resolve_syscall. */
__attribute__((visibility("hidden"))) _Atomic(syscall_fn) aixipc_real_syscall;

static long no_syscall(long number, ...)
{
	(void)number;
	errno = ENOSYS;
	return -1;
}

/* Called by the stub, with the caller's arguments saved, the first time. */
__attribute__((visibility("hidden"))) syscall_fn aixipc_resolve_syscall(void)
{
	syscall_fn fn = (syscall_fn)dlsym(RTLD_NEXT, "syscall");

	if (!fn)
		fn = no_syscall;
	atomic_store(&aixipc_real_syscall, fn);
	return fn;
}

/* The System V numbers, with the raw calls' arguments. */
__attribute__((visibility("hidden"))) long
aixipc_sysv_syscall(long nr, long a1, long a2, long a3, long a4, long a5)
{
	union semun arg;

	switch (nr) {
	case SYS_msgget:
		return msgget((key_t)a1, (int)a2);
	case SYS_msgsnd:
		return msgsnd((int)a1, (const void *)a2, (size_t)a3, (int)a4);
	case SYS_msgrcv:
		return msgrcv((int)a1, (void *)a2, (size_t)a3, a4, (int)a5);
	case SYS_msgctl:
		return msgctl((int)a1, (int)a2 & ~IPC_64, (struct msqid_ds *)a3);
	case SYS_semget:
		return semget((key_t)a1, (int)a2, (int)a3);
	case SYS_semop:
		return semop((int)a1, (struct sembuf *)a2, (size_t)a3);
	case SYS_semtimedop:
		return semtimedop((int)a1, (struct sembuf *)a2, (size_t)a3,
				  (const struct timespec *)a4);
	case SYS_semctl:
		/* The raw call takes union semun's bits in a long. */
		memcpy(&arg, &a4, sizeof(arg));
		return semctl((int)a1, (int)a2, (int)a3 & ~IPC_64, arg);
	case SYS_shmget:
		return shmget((key_t)a1, (size_t)a2, (int)a3);
	case SYS_shmat:
		return (long)shmat((int)a1, (const void *)a2, (int)a3);
	case SYS_shmdt:
		return shmdt((const void *)a1);
	case SYS_shmctl:
		return shmctl((int)a1, (int)a2 & ~IPC_64, (struct shmid_ds *)a3);
	}
	errno = ENOSYS;
	return -1;
}

_Static_assert(sizeof(union semun) == sizeof(long), "semun in a long");
_Static_assert(SYS_shmget == 29 && SYS_shmat == 30 && SYS_shmctl == 31 &&
	       SYS_semget == 64 && SYS_semop == 65 && SYS_semctl == 66 &&
	       SYS_shmdt == 67 && SYS_msgget == 68 && SYS_msgsnd == 69 &&
	       SYS_msgrcv == 70 && SYS_msgctl == 71 && SYS_semtimedop == 220,
	       "x86-64 System V IPC syscall numbers");

/*
 * long syscall(long number, ...): number in %rdi, arguments in %rsi, %rdx,
 * %rcx, %r8, %r9 and on the stack, untouched on every path.
 */
__asm__(
	"	.text\n"
	"	.globl	syscall\n"
	"	.type	syscall, @function\n"
	"	.p2align 4\n"
	"syscall:\n"
	"	cmpq	$29, %rdi\n"		/* shmget, shmat, shmctl */
	"	jb	1f\n"
	"	cmpq	$31, %rdi\n"
	"	jbe	3f\n"
	"	cmpq	$64, %rdi\n"		/* semget .. msgctl */
	"	jb	1f\n"
	"	cmpq	$71, %rdi\n"
	"	jbe	3f\n"
	"	cmpq	$220, %rdi\n"		/* semtimedop */
	"	je	3f\n"
	"1:	movq	aixipc_real_syscall(%rip), %r11\n"
	"	testq	%r11, %r11\n"
	"	jz	2f\n"
	"	jmp	*%r11\n"
	"2:	pushq	%rdi\n"			/* 7 pushes: aligned for the call */
	"	pushq	%rsi\n"
	"	pushq	%rdx\n"
	"	pushq	%rcx\n"
	"	pushq	%r8\n"
	"	pushq	%r9\n"
	"	pushq	%rax\n"
	"	call	aixipc_resolve_syscall\n"
	"	movq	%rax, %r11\n"
	"	popq	%rax\n"
	"	popq	%r9\n"
	"	popq	%r8\n"
	"	popq	%rcx\n"
	"	popq	%rdx\n"
	"	popq	%rsi\n"
	"	popq	%rdi\n"
	"	jmp	*%r11\n"
	"3:	jmp	aixipc_sysv_syscall\n"
	"	.size	syscall, .-syscall\n"
);

#endif /* __x86_64__ */
