/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the differential conformance programs (selftests/conform/).
 *
 * Each program is written against the classic System V IPC API only and
 * is run twice by selftests/conform/run: on Linux's native SysV IPC, and
 * with LD_PRELOAD=libaixipc.so (the same binary, 64- and 32-bit).  The
 * runner announces the side in AIXIPC_SIDE=native|aixipc; the program
 * finds out for itself whether the shim is loaded (it exports msgxrcv,
 * which glibc does not) and refuses to run when the two disagree, so a
 * broken LD_PRELOAD can never pass as the aixipc run.  The "side" test
 * then checks where the objects really live: native objects are listed in
 * /proc/sysvipc, aixipc objects are not, and the process has /dev/aixipc
 * open.
 *
 * Where aixipc deliberately differs from Linux (Documentation/aixipc.rst),
 * a test asserts each side's own value with SIDE(native, aixipc).
 *
 * Every object a test creates is recorded in a table shared by all the
 * processes of the run, and whatever is left of them (tests remove only
 * what they must, and a failed or killed test may leave anything) the
 * main process removes at exit, so the module can always be unloaded
 * after the run.  Children forked by tests leave with _exit().
 */
#ifndef CONFORM_H
#define CONFORM_H

#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gnu/libc-version.h>

#include "../lib/wchan.h"

/* The harness has an unused parameter; -Wextra must not stop the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#define NOBODY		65534	/* uid and gid of unprivileged children */
#define PAGE		4096

/* semctl()'s fourth argument, which the caller declares. */
union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
	struct seminfo *__buf;
};

/* ---------------------------------------------------------------------- */
/* The errno trace: what every call of every test returned.               */

/*
 * With CONFORM_TRACE=FILE, each System V IPC call (and syscall()) a test
 * makes appends one line to FILE: where it was made (function and line)
 * and what it returned: "ok", or the errno of its failure.  The runner
 * compares the traces of the 64- and 32-bit builds of a program, call by
 * call: an error the 32-bit path returns must be the one the 64-bit path
 * returns for the same call, wherever Linux's own ABIs agree.
 */
static int trace_fd = -1;

static __attribute__((unused)) void trace_call(const char *fn, int line,
					       const char *call, bool failed)
{
	int err = errno, n;
	char buf[192];

	if (trace_fd >= 0) {
		if (failed)
			n = snprintf(buf, sizeof(buf), "%s:%d:%s errno=%d\n",
				     fn, line, call, err);
		else
			n = snprintf(buf, sizeof(buf), "%s:%d:%s ok\n",
				     fn, line, call);
		if (n > 0 && (size_t)n < sizeof(buf) &&
		    write(trace_fd, buf, (size_t)n) != n)
			trace_fd = -1;
	}
	errno = err;
}

/* A call of these is traced: failed when it returns -1 (or (void *)-1). */
#define TRACED(name, call) ({						\
	__typeof__(call) r_ = (call);					\
	trace_call(__func__, __LINE__, name, r_ == (__typeof__(r_))-1);	\
	r_;								\
})
#define msgget(...)	TRACED("msgget", msgget(__VA_ARGS__))
#define msgsnd(...)	TRACED("msgsnd", msgsnd(__VA_ARGS__))
#define msgrcv(...)	TRACED("msgrcv", msgrcv(__VA_ARGS__))
#define msgctl(...)	TRACED("msgctl", msgctl(__VA_ARGS__))
#define semget(...)	TRACED("semget", semget(__VA_ARGS__))
#define semop(...)	TRACED("semop", semop(__VA_ARGS__))
#define semtimedop(...)	TRACED("semtimedop", semtimedop(__VA_ARGS__))
#define semctl(...)	TRACED("semctl", semctl(__VA_ARGS__))
#define shmget(...)	TRACED("shmget", shmget(__VA_ARGS__))
#define shmat(...)	TRACED("shmat", shmat(__VA_ARGS__))
#define shmdt(...)	TRACED("shmdt", shmdt(__VA_ARGS__))
#define shmctl(...)	TRACED("shmctl", shmctl(__VA_ARGS__))
#define syscall(...)	TRACED("syscall", syscall(__VA_ARGS__))

/* ---------------------------------------------------------------------- */
/* Which side this run is on.                                             */

static bool on_aixipc;		/* the shim serves the classic calls */
static pid_t main_pid;

/* SIDE(native value, aixipc value): what this side must do. */
#define SIDE(native, aixipc) (on_aixipc ? (aixipc) : (native))

#ifdef CONFORM_LINKED
/* Linked with libaixipc: the AIX extension is there by construction. */
#include <aixipc.h>
static __attribute__((unused)) bool shim_present(void)
{
	ssize_t (*volatile fn)(int, struct msgxbuf *, size_t, long, int) = msgxrcv;

	return fn != NULL;
}
#else
static __attribute__((unused)) bool shim_present(void)
{
	return dlsym(RTLD_DEFAULT, "msgxrcv") != NULL;
}
#endif

/*
 * The symbol a call of an AIX extension binds to, for the programs that
 * look it up with dlsym(): <aixipc.h> gives 32-bit programs with a 64-bit
 * time_t the functions made for their struct layouts.
 */
#if defined(__USE_TIME_BITS64) && __TIMESIZE == 32
#define ABI_NAME(classic, time64) time64
#else
#define ABI_NAME(classic, time64) classic
#endif

/* ---------------------------------------------------------------------- */
/* Objects of the run: what a test leaves is removed at exit.            */

enum { K_MSG = 1, K_SEM, K_SHM };
#define MAX_TRACKED 2048
static struct tracked { int kind, id; } *tracked;

static __attribute__((unused)) void track(int kind, int id)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++) {
		int free_slot = 0;

		if (__atomic_compare_exchange_n(&tracked[i].kind, &free_slot, -1,
						false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST)) {
			tracked[i].id = id;
			__atomic_store_n(&tracked[i].kind, kind, __ATOMIC_SEQ_CST);
			return;
		}
	}
	fprintf(stderr, "# object table full: id %d will not be removed\n", id);
}

static __attribute__((unused)) int rmid(int kind, int id)
{
	switch (kind) {
	case K_MSG: return msgctl(id, IPC_RMID, NULL);
	case K_SEM: return semctl(id, 0, IPC_RMID);
	case K_SHM: return shmctl(id, IPC_RMID, NULL);
	}
	errno = EINVAL;
	return -1;
}

/* IPC_RMID of a tracked object, which is then forgotten. */
static __attribute__((unused)) int remove_obj(int kind, int id)
{
	int i;

	for (i = 0; i < MAX_TRACKED; i++) {
		int want = kind;

		if (__atomic_load_n(&tracked[i].id, __ATOMIC_SEQ_CST) == id &&
		    __atomic_compare_exchange_n(&tracked[i].kind, &want, 0, false,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			break;
	}
	return rmid(kind, id);
}

/* Remove every tracked object; returns how many were still there. */
static __attribute__((unused)) int remove_tracked(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_TRACKED; i++) {
		int kind = __atomic_load_n(&tracked[i].kind, __ATOMIC_SEQ_CST);

		if (kind <= 0 ||
		    !__atomic_compare_exchange_n(&tracked[i].kind, &kind, -1,
						 false, __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST))
			continue;
		if (rmid(kind, tracked[i].id) == 0)
			n++;
		__atomic_store_n(&tracked[i].kind, 0, __ATOMIC_SEQ_CST);
	}
	return n;
}

/*
 * glibc before 2.33 fetches semctl()'s fourth argument only for the
 * commands its wrapper lists, which lack SEM_STAT_ANY (sourceware bug
 * 26637): Linux then gets no buffer.  Natively on such a glibc (bullseye's
 * 2.31), SEM_STAT_ANY cannot be tried; the shim takes the argument itself.
 */
static __attribute__((unused)) bool native_semctl_drops_stat_any_arg(void)
{
	unsigned int major, minor;

	return !on_aixipc &&
	       sscanf(gnu_get_libc_version(), "%u.%u", &major, &minor) == 2 &&
	       (major < 2 || (major == 2 && minor < 33));
}

static __attribute__((unused)) void __attribute__((constructor)) conform_init(void)
{
	const char *side = getenv("AIXIPC_SIDE");
	const char *trace = getenv("CONFORM_TRACE");
	bool want;

	if (!side || (strcmp(side, "native") && strcmp(side, "aixipc"))) {
		fprintf(stderr, "conform: AIXIPC_SIDE must be native or aixipc "
			"(use selftests/conform/run)\n");
		_exit(2);
	}
	want = !strcmp(side, "aixipc");
	on_aixipc = shim_present();
	if (want != on_aixipc) {
		fprintf(stderr, "conform: AIXIPC_SIDE=%s but libaixipc is %s\n",
			side, on_aixipc ? "loaded" : "not loaded");
		_exit(2);
	}
	tracked = mmap(NULL, MAX_TRACKED * sizeof(*tracked),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (tracked == MAP_FAILED) {
		perror("conform: mmap");
		_exit(2);
	}
	main_pid = getpid();
	if (trace) {
		trace_fd = open(trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (trace_fd < 0) {
			perror("conform: CONFORM_TRACE");
			_exit(2);
		}
	}
	fprintf(stderr, "# side: %s, %zu-bit, %zu-bit time_t\n", side,
		sizeof(long) * 8, sizeof(time_t) * 8);
#ifdef CONFORM_TIME64
	/* The build that must reach glibc's time64 entry points. */
	if (sizeof(time_t) != 8) {
		fprintf(stderr, "conform: built for a 64-bit time_t, has a 32-bit one\n");
		_exit(2);
	}
#endif
}

static __attribute__((unused)) void __attribute__((destructor)) conform_fini(void)
{
	int n;

	if (getpid() != main_pid || !tracked)
		return;
	n = remove_tracked();
	if (n)
		fprintf(stderr, "# removed %d object(s) at exit\n", n);
}

/* A key of this run: unique per (run, n), never 0 or -1. */
static __attribute__((unused)) key_t test_key(int n)
{
	return (key_t)(0x40000000 | ((unsigned)main_pid & 0x3fffff) << 8 |
		       (unsigned)(n & 0xff));
}

/* Creators that record the object; -1 with errno on failure. */
static __attribute__((unused)) int new_msq_key(key_t key, int flags)
{
	int id = msgget(key, flags);

	if (id >= 0)
		track(K_MSG, id);
	return id;
}

static __attribute__((unused)) int new_msq(void)
{
	return new_msq_key(IPC_PRIVATE, IPC_CREAT | 0600);
}

static __attribute__((unused)) int new_sem_key(key_t key, int nsems, int flags)
{
	int id = semget(key, nsems, flags);

	if (id >= 0)
		track(K_SEM, id);
	return id;
}

static __attribute__((unused)) int new_sem(int nsems)
{
	return new_sem_key(IPC_PRIVATE, nsems, IPC_CREAT | 0600);
}

static __attribute__((unused)) int new_shm_key(key_t key, size_t size, int flags)
{
	int id = shmget(key, size, flags);

	if (id >= 0)
		track(K_SHM, id);
	return id;
}

static __attribute__((unused)) int new_shm(size_t size)
{
	return new_shm_key(IPC_PRIVATE, size, IPC_CREAT | 0600);
}

/* ---------------------------------------------------------------------- */
/* Processes.                                                             */

/* Drop to uid/gid 65534 with no supplementary groups (no capabilities). */
static __attribute__((unused)) int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

/* In a child: report a failed check and exit with its line number. */
#define CHILD_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# child %d: %s:%d: %s failed (errno %d %s)\n", \
			getpid(), __FILE__, __LINE__, #cond, errno,	\
			strerror(errno));				\
		_exit(__LINE__ & 0x7f ? __LINE__ & 0x7f : 1);		\
	}								\
} while (0)

/*
 * Wait for a child: its exit code (0..255), 1000 + signal if killed by
 * one, -1 if waitpid failed.
 */
static __attribute__((unused)) int child_status(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 1000 + WTERMSIG(st);
	return -1;
}

/* The function @pid sleeps in, per /proc/PID/wchan ("" when running). */
static __attribute__((unused)) void wchan_of(pid_t pid, char *buf, size_t size)
{
	if (t_wchan(pid, buf, size))
		buf[0] = '\0';
}

/*
 * Wait until @pid sleeps in a function whose name starts with @prefix.
 * No fixed sleeps: poll, with a generous bound against a hang.  Returns
 * 0, or -1 if the child exited first or the bound ran out.
 */
static __attribute__((unused)) int wait_sleeping_in(pid_t pid, const char *prefix)
{
	char buf[128];
	int i;

	for (i = 0; i < 20000; i++) {	/* 20 s of 1 ms polls at least */
		siginfo_t si = { 0 };

		wchan_of(pid, buf, sizeof(buf));
		if (!strncmp(buf, prefix, strlen(prefix)))
			return 0;
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    si.si_pid == pid)
			return -1;
		usleep(1000);
	}
	fprintf(stderr, "# %d never slept in %s* (wchan %s)\n", pid, prefix, buf);
	return -1;
}

/* Where a message queue operation sleeps on each side. */
#define MSG_SLEEP SIDE("do_msg", "aixipc_msg")

/* ---------------------------------------------------------------------- */
/* /proc/sysvipc: native objects are listed there, aixipc's are not.      */

static __attribute__((unused)) bool in_sysvipc(const char *kind, int id)
{
	char path[64], line[512];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		long key, oid;

		if (sscanf(line, "%ld %ld", &key, &oid) == 2 && oid == id)
			found = true;
	}
	fclose(f);
	return found;
}

/* Whether this process has /dev/aixipc open. */
static __attribute__((unused)) bool has_aixipc_open(void)
{
	struct dirent *d;
	bool found = false;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return false;
	while ((d = readdir(dir))) {
		char path[300], target[64];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			if (!strcmp(target, "/dev/aixipc"))
				found = true;
		}
	}
	closedir(dir);
	return found;
}

/*
 * The objects this run makes live where the side says: natively in
 * Linux's SysV IPC (listed in /proc/sysvipc), else in aixipc (not listed
 * there, and the process has the device open).
 */
TEST(side)
{
	int q = new_msq(), s = new_sem(1), m = new_shm(PAGE);

	ASSERT_LE(0, q);
	ASSERT_LE(0, s);
	ASSERT_LE(0, m);
	EXPECT_EQ(SIDE(true, false), in_sysvipc("msg", q));
	EXPECT_EQ(SIDE(true, false), in_sysvipc("sem", s));
	EXPECT_EQ(SIDE(true, false), in_sysvipc("shm", m));
	EXPECT_EQ(SIDE(false, true), has_aixipc_open());
}

/* Seconds since the epoch, for time fields. */
static __attribute__((unused)) time_t now(void)
{
	return time(NULL);
}

#ifdef __i386__
/*
 * Linux's old i386 struct layouts, which ipc()'s ctl calls take without
 * IPC_64 in the command (include/uapi/linux/{ipc,msg,sem,shm}.h).
 */
struct old_ipc_perm {
	int32_t key;
	uint16_t uid, gid, cuid, cgid, mode, seq;
};

struct old_msqid_ds {
	struct old_ipc_perm perm;
	uint32_t first, last;
	int32_t stime, rtime, ctime;
	uint32_t lcbytes, lqbytes;
	uint16_t cbytes, qnum, qbytes, lspid, lrpid;
};

struct old_semid_ds {
	struct old_ipc_perm perm;
	int32_t otime, ctime;
	uint32_t base, pending, pending_last, undo;
	uint16_t nsems;
};

struct old_shmid_ds {
	struct old_ipc_perm perm;
	int32_t segsz, atime, dtime, ctime;
	uint16_t cpid, lpid, nattch, unused;
	uint32_t unused2, unused3;
};

struct old_shminfo { int32_t shmmax, shmmin, shmmni, shmseg, shmall; };

/* ipc()'s call numbers. */
enum { IPCOP_SEMCTL = 3, IPCOP_MSGCTL = 14, IPCOP_SHMCTL = 24 };
#endif

/* ---------------------------------------------------------------------- */
/* Times past 2038 and 2106: the wall clock set forward for a moment.    */

#define PAST_2038	((int64_t)1 << 31 | 1000)	/* a 32-bit time_t's end */
#define PAST_2106	((int64_t)1 << 32 | 1000)	/* a 32-bit word's end */

/* The kernel's 64-bit timespec, which every ABI's 64-bit clock calls take. */
struct ts64 { int64_t sec, nsec; };

static __attribute__((unused)) int clock64(bool set, clockid_t clk, struct ts64 *t)
{
#ifdef SYS_clock_gettime64	/* i386 */
	return (int)syscall(set ? SYS_clock_settime64 : SYS_clock_gettime64, clk, t);
#else				/* x86-64: its timespec is this one */
	return (int)syscall(set ? SYS_clock_settime : SYS_clock_gettime, clk, t);
#endif
}

/* Where the wall clock stood against the monotonic one. */
struct clock_save { struct ts64 real, mono; };

/*
 * Set the wall clock to @when; 0, or -1 with errno (EPERM without
 * CAP_SYS_TIME).  Between this and clock_back() a test must not return
 * (no ASSERT_*): it keeps what it saw and checks it afterwards.
 */
static __attribute__((unused)) int clock_forward(int64_t when, struct clock_save *s)
{
	struct ts64 t = { when, 0 };

	if (clock64(false, CLOCK_REALTIME, &s->real) ||
	    clock64(false, CLOCK_MONOTONIC, &s->mono))
		return -1;
	return clock64(true, CLOCK_REALTIME, &t);
}

/* And back to where it would be now, had it never moved. */
static __attribute__((unused)) int clock_back(const struct clock_save *s)
{
	struct ts64 mono, t;

	if (clock64(false, CLOCK_MONOTONIC, &mono))
		return -1;
	t.sec = s->real.sec + (mono.sec - s->mono.sec);
	t.nsec = s->real.nsec + (mono.nsec - s->mono.nsec);
	if (t.nsec < 0) {
		t.nsec += 1000000000;
		t.sec--;
	} else if (t.nsec >= 1000000000) {
		t.nsec -= 1000000000;
		t.sec++;
	}
	return clock64(true, CLOCK_REALTIME, &t);
}

/*
 * Whether a time a call reported is @when or up to a minute later: all of
 * it with a 64-bit time_t, its low 32 bits (what the 32-bit ABI keeps,
 * natively as through the shim) with a 32-bit one.
 */
static __attribute__((unused)) bool time_near(time_t t, int64_t when)
{
	if (sizeof(time_t) == 8)
		return (int64_t)t >= when && (int64_t)t - when <= 60;
	return (uint32_t)((uint32_t)t - (uint32_t)when) <= 60;
}

/* Semaphore @n's value, or -1 with errno. */
static __attribute__((unused)) int getval(int id, int n)
{
	return semctl(id, n, GETVAL);
}

static __attribute__((unused)) int setval(int id, int n, int v)
{
	union semun arg = { .val = v };

	return semctl(id, n, SETVAL, arg);
}

/* A segment's IPC_STAT, all zero when it fails. */
static __attribute__((unused)) struct shmid_ds shm_stat(int id)
{
	struct shmid_ds ds;

	memset(&ds, 0, sizeof(ds));
	if (shmctl(id, IPC_STAT, &ds))
		memset(&ds, 0, sizeof(ds));
	return ds;
}

#endif /* CONFORM_H */
