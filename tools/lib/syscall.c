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
 * Only in libaixipc.so (the static library would replace a static
 * program's syscall() with nothing to forward to).  The raw calls'
 * argument structs are glibc's on x86-64, so the classic functions serve
 * them, and a command with IPC_64 fails with EINVAL there as in Linux.
 * i386's ways in are below.
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

#if defined(__x86_64__) || defined(__i386__)

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

#if defined(__x86_64__)

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
		return msgctl((int)a1, (int)a2, (struct msqid_ds *)a3);
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
		return semctl((int)a1, (int)a2, (int)a3, arg);
	case SYS_shmget:
		return shmget((key_t)a1, (size_t)a2, (int)a3);
	case SYS_shmat:
		return (long)shmat((int)a1, (const void *)a2, (int)a3);
	case SYS_shmdt:
		return shmdt((const void *)a1);
	case SYS_shmctl:
		return shmctl((int)a1, (int)a2, (struct shmid_ds *)a3);
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

#else /* __i386__ */

/*
 * i386 has three ways in: the ipc() multiplexer (SYS_ipc, a call number
 * and its version in the first argument), the direct calls added in Linux
 * 5.1 (393-402; there is no direct semop), and semtimedop_time64 (420,
 * a 64-bit timeout).  The stub reads the number on the stack and jumps
 * with the stack as the caller built it: the dispatcher is an ordinary
 * cdecl function that finds the same arguments there.
 *
 * ipc()'s ctl calls take glibc's struct layouts with IPC_64 in the
 * command and Linux's old ones without it (ipc_old.c); the direct calls
 * always take glibc's.
 */
#define IPC_64 0x100	/* ipc()'s "new struct layout" bit */

enum {
	NR_ipc = 117,
	NR_semget = 393, NR_semctl, NR_shmget, NR_shmctl, NR_shmat, NR_shmdt,
	NR_msgget, NR_msgsnd, NR_msgrcv, NR_msgctl,
	NR_semtimedop_time64 = 420,
};

#ifdef SYS_semget
_Static_assert(SYS_ipc == NR_ipc && SYS_semget == NR_semget &&
	       SYS_msgctl == NR_msgctl && SYS_semtimedop_time64 == NR_semtimedop_time64,
	       "i386 System V IPC syscall numbers");
#endif

/* ipc()'s calls (include/uapi/linux/ipc.h's numbers). */
enum {
	IPCOP_SEMOP = 1, IPCOP_SEMGET, IPCOP_SEMCTL, IPCOP_SEMTIMEDOP,
	IPCOP_MSGSND = 11, IPCOP_MSGRCV, IPCOP_MSGGET, IPCOP_MSGCTL,
	IPCOP_SHMAT = 21, IPCOP_SHMDT, IPCOP_SHMGET, IPCOP_SHMCTL,
};

/* msgrcv's type and buffer, behind ipc()'s pointer in its version 0. */
struct ipc_kludge {
	void *msgp;
	long msgtyp;
};

static long ipc_call(unsigned long call, long first, long second, long third,
		     void *ptr, long fifth)
{
	unsigned int version = call >> 16;
	struct ipc_kludge k;
	union semun arg;
	void *addr;

	switch (call & 0xffff) {
	case IPCOP_SEMOP:
		return semop((int)first, ptr, (size_t)second);
	case IPCOP_SEMTIMEDOP:	/* a 32-bit timespec: the library's own */
		return semtimedop((int)first, ptr, (size_t)second,
				  (const struct timespec *)fifth);
	case IPCOP_SEMGET:
		return semget((key_t)first, (int)second, (int)third);
	case IPCOP_SEMCTL:	/* the union behind the pointer */
		if (!ptr) {
			errno = EINVAL;
			return -1;
		}
		if (aixipc_copy_in(&arg, ptr, sizeof(arg)))
			return -1;
		if (!(third & IPC_64))
			return aixipc_old_semctl((int)first, (int)second,
						 (int)third, arg.buf);
		return semctl((int)first, (int)second, (int)third, arg);
	case IPCOP_MSGSND:
		return msgsnd((int)first, ptr, (size_t)second, (int)third);
	case IPCOP_MSGRCV:
		if (version == 0) {
			if (!ptr) {
				errno = EINVAL;
				return -1;
			}
			if (aixipc_copy_in(&k, ptr, sizeof(k)))
				return -1;
			return msgrcv((int)first, k.msgp, (size_t)second,
				      k.msgtyp, (int)third);
		}
		return msgrcv((int)first, ptr, (size_t)second, fifth, (int)third);
	case IPCOP_MSGGET:
		return msgget((key_t)first, (int)second);
	case IPCOP_MSGCTL:
		if (!(second & IPC_64))
			return aixipc_old_msgctl((int)first, (int)second, ptr);
		return msgctl((int)first, (int)second, ptr);
	case IPCOP_SHMAT:	/* the address goes where third points */
		if (version == 1) {
			errno = EINVAL;
			return -1;
		}
		addr = shmat((int)first, ptr, (int)second);
		if (addr == (void *)-1)
			return -1;
		return aixipc_copy_out((void *)third, &addr, sizeof(addr)) ? -1 : 0;
	case IPCOP_SHMDT:
		return shmdt(ptr);
	case IPCOP_SHMGET:
		return shmget((key_t)first, (size_t)second, (int)third);
	case IPCOP_SHMCTL:
		if (!(second & IPC_64))
			return aixipc_old_shmctl((int)first, (int)second, ptr);
		return shmctl((int)first, (int)second, ptr);
	}
	errno = ENOSYS;
	return -1;
}

/* The System V numbers, with the raw calls' arguments (see above). */
__attribute__((visibility("hidden"))) long
aixipc_sysv_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
		    long a6)
{
	union semun arg;

	switch (nr) {
	case NR_ipc:
		return ipc_call((unsigned long)a1, a2, a3, a4, (void *)a5, a6);
	case NR_semget:
		return semget((key_t)a1, (int)a2, (int)a3);
	case NR_semctl:
		memcpy(&arg, &a4, sizeof(arg));
		return semctl((int)a1, (int)a2, (int)a3, arg);
	case NR_shmget:
		return shmget((key_t)a1, (size_t)a2, (int)a3);
	case NR_shmctl:
		return shmctl((int)a1, (int)a2, (struct shmid_ds *)a3);
	case NR_shmat:
		return (long)shmat((int)a1, (const void *)a2, (int)a3);
	case NR_shmdt:
		return shmdt((const void *)a1);
	case NR_msgget:
		return msgget((key_t)a1, (int)a2);
	case NR_msgsnd:
		return msgsnd((int)a1, (const void *)a2, (size_t)a3, (int)a4);
	case NR_msgrcv:
		return msgrcv((int)a1, (void *)a2, (size_t)a3, a4, (int)a5);
	case NR_msgctl:
		return msgctl((int)a1, (int)a2, (struct msqid_ds *)a3);
	case NR_semtimedop_time64:
		return aixipc_semtimedop_t64((int)a1, (struct sembuf *)a2,
					     (size_t)a3, (const void *)a4);
	}
	errno = ENOSYS;
	return -1;
}

_Static_assert(sizeof(union semun) == sizeof(long), "semun in a long");

/*
 * long syscall(long number, ...): cdecl, everything on the stack (the
 * number at 4(%esp)), left untouched on every path.  Position-independent:
 * the resolved pointer is found through the GOT.
 */
__asm__(
	"	.text\n"
	"	.globl	syscall\n"
	"	.type	syscall, @function\n"
	"	.p2align 4\n"
	"syscall:\n"
	"	movl	4(%esp), %eax\n"
	"	cmpl	$117, %eax\n"		/* ipc */
	"	je	3f\n"
	"	cmpl	$393, %eax\n"		/* semget .. msgctl */
	"	jb	1f\n"
	"	cmpl	$402, %eax\n"
	"	jbe	3f\n"
	"	cmpl	$420, %eax\n"		/* semtimedop_time64 */
	"	je	3f\n"
	"1:	call	4f\n"
	"4:	popl	%ecx\n"
	"	addl	$_GLOBAL_OFFSET_TABLE_+[.-4b], %ecx\n"
	"	movl	aixipc_real_syscall@GOTOFF(%ecx), %edx\n"
	"	testl	%edx, %edx\n"
	"	jz	2f\n"
	"	jmp	*%edx\n"
	"2:	subl	$12, %esp\n"		/* 16-byte aligned for the call */
	"	call	aixipc_resolve_syscall\n"
	"	addl	$12, %esp\n"
	"	jmp	*%eax\n"
	"3:	jmp	aixipc_sysv_syscall\n"
	"	.size	syscall, .-syscall\n"
);

#endif /* __i386__ */
#endif /* __x86_64__ || __i386__ */
