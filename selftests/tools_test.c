// SPDX-License-Identifier: GPL-2.0
/*
 * tools_test - aixipc-ipcs and aixipc-ipcrm against the module.
 *
 * Run as root with the module loaded.  The tools are the ones built beside
 * this program: build/tools/ (build/tools-m32/ for the 32-bit build of this
 * test), or $AIXIPC_TOOLS_DIR.
 *
 * ipcs: a scene of objects in known states (a queue with a blocked
 * receiver, one with a blocked sender, a private queue owned by a uid and
 * gid with no name, a segment attached by three processes, a removed
 * segment still attached, a semaphore set owned by nobody, a private one)
 * is listed with every option and compared with golden text.  The golden
 * text is literal except for what cannot be known in advance, written as
 * $NAME tokens as wide as their column: ids ($QR.id), process ids ($ME,
 * $K3, $KD) and times ($QR.ct ...).  Those are filled in from the test's
 * own knowledge (the ids it was given, the pids it forked) and, for times,
 * from the objects' IPC_STAT times formatted in UTC (the tools run with
 * TZ=UTC), each checked to lie within the test's run.  The date line is
 * checked on its own: its format and that it falls within the run.  Rows
 * of objects that are not the scene's (left by another program) are
 * logged and left out of the comparison.
 *
 * ipcrm: every option, several items in one call, and every failure: bad
 * id or key syntax, no such id or key, permission denied (as uid 65534),
 * the private key, usage errors (exit 2, nothing removed) and partial
 * failure (exit 1, the other items removed).  The exact message of each
 * failing item is checked.
 *
 * IPC namespaces: objects in the initial namespace and two made with
 * unshare(CLONE_NEWIPC) (kept by open namespace fds) are listed with -@
 * (golden text, inode numbers as $N0 $NA $NB tokens), -@ NS, and from
 * inside a namespace; ipcrm -@ NS removes by id and key there only; -l
 * and -L read and set limits, and the module refuses a value above the
 * host's cap; as nobody and as root inside a namespace, every reach into
 * another is EPERM, said once.
 *
 * Waits poll state (IPC_STAT's status bits and attach counts), never a
 * fixed time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The harness has an unused parameter; -Wextra must not stop the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "aixipc_test.h"

#define NONAME_UID	54321	/* a uid and a gid with no name */
#define NONAME_GID	54322
#define PRIVATE		AIXIPC_KEY_PRIVATE

/* Keys of the ipcs scene, and a range for the ipcrm tests. */
#define K_QR		0x7a1c0001
#define K_QS		0x7a1c0002
#define K_MA		0x7a1c0003
#define K_MD		0x7a1c0004
#define K_SN		0x7a1c0005
#define K_RM(n)		(0x7a1c0100 + (n))

/* ---------------------------------------------------------------------- */
/* ioctl helpers: an id or 0 on success, -errno on failure.               */

/* Create a new object (tracked): the id, or -errno. */
static int create(int fd, uint32_t kind, int32_t key, uint64_t size,
		  uint32_t mode)
{
	int id = t_get(fd, kind, key, size, AIXIPC_CREAT | AIXIPC_EXCL, mode);

	if (id >= 0)
		t_track(kind, id);
	return id;
}

/* Remove whatever a key names, left over from an earlier run. */
static void remove_key(int fd, uint32_t kind, int32_t key)
{
	int id = t_get(fd, kind, key, 0, 0, 0);

	if (id >= 0)
		t_rmid_kind(fd, kind, id);
}

static int msg_stat(int fd, int id, struct aixipc_msqid_ds *ds)
{
	return t_msgctl(fd, id, AIXIPC_IPC_STAT, ds);
}

static int shm_stat(int fd, int id, struct aixipc_shmid_ds *ds)
{
	return t_shmctl(fd, id, AIXIPC_IPC_STAT, NULL, ds);
}

static int sem_ctl(int fd, int id, uint32_t cmd, struct aixipc_semid_ds *ds)
{
	struct aixipc_semctl c = { .id = id, .cmd = cmd };
	int err;

	if (ds && cmd == AIXIPC_IPC_SET)
		c.ds = *ds;
	err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);
	if (!err && ds && cmd == AIXIPC_IPC_STAT)
		*ds = c.ds;
	return err;
}

/* IPC_STAT of any kind: 0 when the id names a live object, else -errno. */
static int exists(int fd, uint32_t kind, int id)
{
	union {
		struct aixipc_msqid_ds m;
		struct aixipc_semid_ds s;
		struct aixipc_shmid_ds h;
	} ds;

	switch (kind) {
	case AIXIPC_MSG: return msg_stat(fd, id, &ds.m);
	case AIXIPC_SEM: return sem_ctl(fd, id, AIXIPC_IPC_STAT, &ds.s);
	}
	return shm_stat(fd, id, &ds.h);
}

/* IPC_SET of owner, group and mode, for any kind. */
static int set_owner(int fd, uint32_t kind, int id, uint32_t uid,
		     uint32_t gid, uint32_t mode)
{
	struct aixipc_msqid_ds m;
	struct aixipc_semid_ds s;
	struct aixipc_shmid_ds h;
	int err;

	switch (kind) {
	case AIXIPC_MSG:
		err = msg_stat(fd, id, &m);
		if (err)
			return err;
		m.perm.uid = uid, m.perm.gid = gid, m.perm.mode = mode;
		return t_msgctl(fd, id, AIXIPC_IPC_SET, &m);
	case AIXIPC_SEM:
		err = sem_ctl(fd, id, AIXIPC_IPC_STAT, &s);
		if (err)
			return err;
		s.perm.uid = uid, s.perm.gid = gid, s.perm.mode = mode;
		return sem_ctl(fd, id, AIXIPC_IPC_SET, &s);
	}
	err = shm_stat(fd, id, &h);
	if (err)
		return err;
	h.perm.uid = uid, h.perm.gid = gid, h.perm.mode = mode;
	return t_shmctl(fd, id, AIXIPC_IPC_SET, NULL, &h);
}

/* Poll a queue's IPC_STAT until all of @mask is set in its status. */
static int wait_msg_status(int fd, int id, uint32_t mask)
{
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		struct aixipc_msqid_ds ds;

		if (msg_stat(fd, id, &ds))
			return -1;
		if ((ds.status & mask) == mask)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* Poll a segment's IPC_STAT until it has @n attachments. */
static int wait_nattch(int fd, int id, uint64_t n)
{
	int i;

	for (i = 0; i < 20000; i++) {	/* a hang guard, not a timing */
		struct aixipc_shmid_ds ds;

		if (shm_stat(fd, id, &ds))
			return -1;
		if (ds.nattch == n)
			return 0;
		usleep(1000);
	}
	return -1;
}

/* ---------------------------------------------------------------------- */
/* Helper processes: they do one thing, then wait to be killed.          */

enum kid_job { KID_RECEIVE, KID_SEND, KID_ATTACH };

/* Fork a helper; it dies with the process that forked it. */
static pid_t kid(int fd, enum kid_job job, int id)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	char buf[64];

	if (pid)
		return pid;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	switch (job) {
	case KID_RECEIVE:
		t_msgrcv(fd, id, 0, buf, sizeof(buf), 0, NULL);
		break;
	case KID_SEND:
		t_msgsnd(fd, id, 1, "abcdefgh", 8, 0);
		break;
	case KID_ATTACH:
		if (t_shmat(fd, id, NULL, 0, NULL, NULL))
			_exit(1);
		break;
	}
	for (;;)
		pause();
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* ---------------------------------------------------------------------- */
/* Running a tool.                                                        */

struct run {
	int status;	/* exit status, 128 + signal, or -1 */
	char *out;	/* stdout, NUL-terminated */
	char *err;	/* stderr */
};

/* The directory of the tools this build of the test runs. */
static const char *tools_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("AIXIPC_TOOLS_DIR");
	char *slash;
	ssize_t n;

	if (env)
		return env;
	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 32);
	if (n <= 0)
		return ".";
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	/* build/selftests/tools_test -> build/tools */
#ifdef __i386__
	strcat(dir, "/../tools-m32");
#else
	strcat(dir, "/../tools");
#endif
	return dir;
}

static void __attribute__((constructor)) show_tools_dir(void)
{
	printf("# tools from %s\n", tools_dir());
}

static char *slurp(int fd)
{
	size_t len = 0, room = 4096;
	char *buf = malloc(room);
	ssize_t n;

	if (!buf)
		return NULL;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf + len, room - len - 1)) > 0) {
		len += (size_t)n;
		if (room - len < 2) {
			char *b = realloc(buf, room * 2);

			if (!b) {
				free(buf);
				return NULL;
			}
			buf = b;
			room *= 2;
		}
	}
	buf[len] = '\0';
	return buf;
}

/*
 * Run tools_dir()/@tool with @args (NULL-terminated), as root or as
 * nobody, with TZ=@tz and LC_ALL=C, in the IPC namespace @nsfd names (-1:
 * this process's).  Returns 0 when it could be run.
 */
static int run_tool_ns(struct run *r, const char *tool, const char *const *args,
		       bool nobody, const char *tz, int nsfd)
{
	char path[PATH_MAX + 64], tzvar[64];
	const char *argv[32];
	char *envp[] = { tzvar, "LC_ALL=C", "PATH=/usr/bin:/bin", NULL };
	int out, err, n = 0, st;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	snprintf(path, sizeof(path), "%s/%s", tools_dir(), tool);
	snprintf(tzvar, sizeof(tzvar), "TZ=%s", tz);
	argv[n++] = tool;
	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	out = memfd_create("stdout", MFD_CLOEXEC);
	err = memfd_create("stderr", MFD_CLOEXEC);
	if (out < 0 || err < 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWIPC))
			_exit(126);
		if (nobody && t_become_nobody())
			_exit(126);
		if (dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(126);
		execve(path, (char *const *)argv, envp);
		dprintf(2, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(out);
	r->err = slurp(err);
	close(out);
	close(err);
	return r->out && r->err ? 0 : -1;
}

static int run_tool(struct run *r, const char *tool, const char *const *args,
		    bool nobody, const char *tz)
{
	return run_tool_ns(r, tool, args, nobody, tz, -1);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* printf into a static buffer, each call its own (up to 8 at a time). */
static const char *fmt(const char *f, ...)
{
	static char buf[8][1024];
	static int i;
	va_list ap;

	i = (i + 1) % 8;
	va_start(ap, f);
	vsnprintf(buf[i], sizeof(buf[i]), f, ap);
	va_end(ap);
	return buf[i];
}

/* Run a tool into @r, failing the test if it cannot be run at all. */
#define RUN_IN(r, nsfd, nobody, tz, tool, ...) do {			\
	const char *const __args[] = { __VA_ARGS__ };			\
	ASSERT_EQ(0, run_tool_ns(r, tool, __args, nobody, tz, nsfd))	\
		TH_LOG("cannot run %s/%s", tools_dir(), tool);		\
	ASSERT_NE(127, (r)->status) TH_LOG("%s", (r)->err);		\
	ASSERT_NE(126, (r)->status) TH_LOG("cannot set up the child");	\
} while (0)
#define RUN_AS(r, nobody, tz, tool, ...)				\
	RUN_IN(r, -1, nobody, tz, tool, __VA_ARGS__)
#define IPCS(r, ...) RUN_AS(r, false, "UTC", "aixipc-ipcs", __VA_ARGS__)
#define IPCRM(r, ...) RUN_AS(r, false, "UTC", "aixipc-ipcrm", __VA_ARGS__)
#define IPCRM_NOBODY(r, ...) RUN_AS(r, true, "UTC", "aixipc-ipcrm", __VA_ARGS__)

/* The row of kind @t (q, m, s) and @id in an ipcs report, or NULL. */
static const char *find_row(const char *report, char t, int id, char *row,
			    size_t n)
{
	const char *p = report;

	while (*p) {
		const char *eol = strchrnul(p, '\n');

		if (p[0] == t && p[1] == ' ' && atoi(p + 2) == id) {
			snprintf(row, n, "%.*s", (int)(eol - p), p);
			return row;
		}
		p = *eol ? eol + 1 : eol;
	}
	return NULL;
}

/* H:MM:SS of @t in UTC, as the golden text wants it. */
static void utc_hms(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(buf, n, "%d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/*
 * Check the report's first line, "IPC status from /dev/aixipc as of
 * <date(1) format, UTC>", against the times before and after the run.
 * Returns NULL or what is wrong.
 */
static const char *check_date_line(const char *report, time_t before,
				   time_t after)
{
	static const char prefix[] = "IPC status from /dev/aixipc as of ";
	static char why[256];
	struct tm tm;
	const char *end;
	time_t t;

	if (strncmp(report, prefix, strlen(prefix)))
		return "the first line is not \"IPC status from /dev/aixipc as of ...\"";
	memset(&tm, 0, sizeof(tm));
	end = strptime(report + strlen(prefix), "%a %b %e %H:%M:%S UTC %Y", &tm);
	if (!end || *end != '\n')
		return "the date is not in date(1)'s format with UTC";
	t = timegm(&tm);
	/* Exactly date(1)'s text: day of month space-padded, and so on. */
	strftime(why, sizeof(why), "%a %b %e %H:%M:%S UTC %Y\n", &tm);
	if (strncmp(report + strlen(prefix), why, strlen(why)))
		return "the date is not exactly in date(1)'s format";
	if (t < before || t > after) {
		snprintf(why, sizeof(why), "the date is %lld, not within %lld..%lld",
			 (long long)t, (long long)before, (long long)after);
		return why;
	}
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* The ipcs scene.                                                        */

struct scene {
	int fd;
	time_t t0;		/* before anything was made */
	int qr, qs, qp;		/* queues: receiver waits, sender waits, private */
	int ma, md;		/* segments: attached thrice, removed */
	int sn, sp;		/* semaphore sets: owned by nobody, private */
	pid_t receiver, sender, attacher[3], dest_attacher;
};

/* The names the golden text expects: Debian's. */
static void check_names(struct __test_metadata *_metadata)
{
	struct passwd *pw;
	struct group *gr;

	pw = getpwuid(0);
	ASSERT_TRUE(pw && !strcmp(pw->pw_name, "root"));
	gr = getgrgid(0);
	ASSERT_TRUE(gr && !strcmp(gr->gr_name, "root"));
	pw = getpwuid(NOBODY);
	ASSERT_TRUE(pw && !strcmp(pw->pw_name, "nobody"));
	gr = getgrgid(NOBODY);
	ASSERT_TRUE(gr && !strcmp(gr->gr_name, "nogroup"))
		TH_LOG("group %d is not nogroup", NOBODY);
	ASSERT_EQ(NULL, getpwuid(NONAME_UID))
		TH_LOG("uid %d has a name: pick another for the test", NONAME_UID);
	ASSERT_EQ(NULL, getgrgid(NONAME_GID))
		TH_LOG("gid %d has a name: pick another for the test", NONAME_GID);
}

static void scene_setup(struct __test_metadata *_metadata, struct scene *s)
{
	struct aixipc_sembuf op = { .sem_num = 0, .sem_op = 1 };
	struct aixipc_semop so = { .sops = (uintptr_t)&op, .nsops = 1 };
	struct aixipc_msqid_ds ds;
	int i;

	check_names(_metadata);
	s->fd = aixipc_open();
	ASSERT_LE(0, s->fd) TH_LOG("open %s: %s", AIXIPC_DEVICE, strerror(errno));
	remove_key(s->fd, AIXIPC_MSG, K_QR);
	remove_key(s->fd, AIXIPC_MSG, K_QS);
	remove_key(s->fd, AIXIPC_SHM, K_MA);
	remove_key(s->fd, AIXIPC_SHM, K_MD);
	remove_key(s->fd, AIXIPC_SEM, K_SN);
	s->t0 = time(NULL);

	/* A queue with a receiver waiting: R. */
	s->qr = create(s->fd, AIXIPC_MSG, K_QR, 0, 0640);
	ASSERT_LE(0, s->qr);
	s->receiver = kid(s->fd, KID_RECEIVE, s->qr);
	ASSERT_LT(0, s->receiver);
	ASSERT_EQ(0, wait_msg_status(s->fd, s->qr, AIXIPC_MSG_RWAIT));

	/* A full queue (16 bytes) with a sender waiting: S. */
	s->qs = create(s->fd, AIXIPC_MSG, K_QS, 0, 0600);
	ASSERT_LE(0, s->qs);
	ASSERT_EQ(0, msg_stat(s->fd, s->qs, &ds));
	ds.qbytes = 16;
	ds.perm.gid = NOBODY;
	ASSERT_EQ(0, t_msgctl(s->fd, s->qs, AIXIPC_IPC_SET, &ds));
	ASSERT_EQ(0, t_msgsnd(s->fd, s->qs, 1, "0123456789abcdef", 16, 0));
	s->sender = kid(s->fd, KID_SEND, s->qs);
	ASSERT_LT(0, s->sender);
	ASSERT_EQ(0, wait_msg_status(s->fd, s->qs, AIXIPC_MSG_WWAIT));

	/* A private queue owned by a uid and a gid without names. */
	s->qp = create(s->fd, AIXIPC_MSG, PRIVATE, 0, 0600);
	ASSERT_LE(0, s->qp);
	ASSERT_EQ(0, set_owner(s->fd, AIXIPC_MSG, s->qp, NONAME_UID,
			       NONAME_GID, 0604));

	/* A segment attached by three processes, one after the other. */
	s->ma = create(s->fd, AIXIPC_SHM, K_MA, 10000, 0644);
	ASSERT_LE(0, s->ma);
	for (i = 0; i < 3; i++) {
		s->attacher[i] = kid(s->fd, KID_ATTACH, s->ma);
		ASSERT_LT(0, s->attacher[i]);
		ASSERT_EQ(0, wait_nattch(s->fd, s->ma, (uint64_t)i + 1));
	}

	/*
	 * A removed segment still attached: D, and its key reads private.
	 * Attached by a helper: this process keeps no attachment, so the
	 * tools it forks inherit none (a fork and an exec would count as an
	 * attach and a detach).
	 */
	s->md = create(s->fd, AIXIPC_SHM, K_MD, 4096, 0600);
	ASSERT_LE(0, s->md);
	s->dest_attacher = kid(s->fd, KID_ATTACH, s->md);
	ASSERT_LT(0, s->dest_attacher);
	ASSERT_EQ(0, wait_nattch(s->fd, s->md, 1));
	ASSERT_EQ(0, t_rmid_kind(s->fd, AIXIPC_SHM, s->md));

	/* A set owned by nobody, operated on; a private set, never. */
	s->sn = create(s->fd, AIXIPC_SEM, K_SN, 3, 0660);
	ASSERT_LE(0, s->sn);
	so.id = s->sn;
	ASSERT_EQ(0, aixipc_ioctl(s->fd, AIXIPC_IOC_SEMOP, &so));
	ASSERT_EQ(0, set_owner(s->fd, AIXIPC_SEM, s->sn, NOBODY, NOBODY, 0660));
	s->sp = create(s->fd, AIXIPC_SEM, PRIVATE, 1, 0400);
	ASSERT_LE(0, s->sp);
}

static void scene_teardown(struct scene *s)
{
	int i;

	reap(s->receiver);
	reap(s->sender);
	for (i = 0; i < 3; i++)
		reap(s->attacher[i]);
	reap(s->dest_attacher);
	if (s->fd >= 0)
		t_remove_tracked(s->fd);
	close(s->fd);
}

/* The value of each $TOKEN of the golden text. */
struct var {
	const char *name;
	char value[32];
};

#define MAX_VARS 32

static int add_var(struct var *v, int n, const char *name, const char *value)
{
	v[n].name = name;
	snprintf(v[n].value, sizeof(v[n].value), "%s", value);
	return n + 1;
}

static int add_int(struct var *v, int n, const char *name, long long x)
{
	char b[32];

	snprintf(b, sizeof(b), "%lld", x);
	return add_var(v, n, name, b);
}

/* A time of the scene: set, within the run, and as H:MM:SS in UTC. */
static int add_time(struct __test_metadata *_metadata, const struct scene *s,
		    struct var *v, int n, const char *name, int64_t t)
{
	char b[32];

	EXPECT_TRUE(t >= s->t0 && t <= time(NULL))
		TH_LOG("%s is %lld, not within the run", name, (long long)t);
	utc_hms(t, b, sizeof(b));
	return add_var(v, n, name, b);
}

/* Every token's value, from the scene and the objects' IPC_STAT. */
static int scene_vars(struct __test_metadata *_metadata, const struct scene *s,
		      struct var *v)
{
	struct aixipc_msqid_ds qr, qs, qp;
	struct aixipc_shmid_ds ma, md;
	struct aixipc_semid_ds sn, sp;
	int n = 0;

	if (msg_stat(s->fd, s->qr, &qr) || msg_stat(s->fd, s->qs, &qs) ||
	    msg_stat(s->fd, s->qp, &qp) || shm_stat(s->fd, s->ma, &ma) ||
	    shm_stat(s->fd, s->md, &md) ||
	    sem_ctl(s->fd, s->sn, AIXIPC_IPC_STAT, &sn) ||
	    sem_ctl(s->fd, s->sp, AIXIPC_IPC_STAT, &sp))
		return -1;
	n = add_int(v, n, "QR.id", s->qr);
	n = add_int(v, n, "QS.id", s->qs);
	n = add_int(v, n, "QP.id", s->qp);
	n = add_int(v, n, "MA.id", s->ma);
	n = add_int(v, n, "MD.id", s->md);
	n = add_int(v, n, "SN.id", s->sn);
	n = add_int(v, n, "SP.id", s->sp);
	n = add_int(v, n, "ME", getpid());
	n = add_int(v, n, "K3", s->attacher[2]);
	n = add_int(v, n, "KD", s->dest_attacher);
	n = add_time(_metadata, s, v, n, "QR.ct", qr.ctime);
	n = add_time(_metadata, s, v, n, "QS.st", qs.stime);
	n = add_time(_metadata, s, v, n, "QS.ct", qs.ctime);
	n = add_time(_metadata, s, v, n, "QP.ct", qp.ctime);
	n = add_time(_metadata, s, v, n, "MA.at", ma.atime);
	n = add_time(_metadata, s, v, n, "MA.ct", ma.ctime);
	n = add_time(_metadata, s, v, n, "MD.at", md.atime);
	n = add_time(_metadata, s, v, n, "MD.ct", md.ctime);
	n = add_time(_metadata, s, v, n, "SN.ot", sn.otime);
	n = add_time(_metadata, s, v, n, "SN.ct", sn.ctime);
	n = add_time(_metadata, s, v, n, "SP.ct", sp.ctime);
	return n;
}

/*
 * Expand the golden text: each $NAME, with the underscores after it, is
 * one column; its value is right-aligned in that width (and overflows it,
 * as printf does).  Returns a malloc'ed string, or NULL for an unknown
 * token.
 */
static char *expand(const char *golden, const struct var *v, int nvars)
{
	size_t room = strlen(golden) * 2 + 1, len = 0;
	char *out = malloc(room);
	const char *p = golden;

	if (!out)
		return NULL;
	while (*p) {
		const char *name;
		size_t nlen, width;
		int i;

		if (*p != '$') {
			out[len++] = *p++;
			continue;
		}
		name = ++p;
		while (*p == '.' || (*p >= 'A' && *p <= 'Z') ||
		       (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			p++;
		nlen = (size_t)(p - name);
		while (*p == '_')
			p++;
		width = (size_t)(p - name) + 1;
		for (i = 0; i < nvars; i++)
			if (strlen(v[i].name) == nlen &&
			    !strncmp(v[i].name, name, nlen))
				break;
		if (i == nvars) {
			fprintf(stderr, "# unknown token $%.*s\n", (int)nlen, name);
			free(out);
			return NULL;
		}
		len += (size_t)sprintf(out + len, "%*s", (int)width, v[i].value);
	}
	out[len] = '\0';
	return out;
}

/* Is the row of kind @t and @id one of the objects @ctx describes? */
typedef bool row_filter(const void *ctx, char t, int id, const char *row,
			size_t len);

/*
 * The report without its date line and without rows of objects that are
 * not @mine (each logged).  Returns a malloc'ed string.
 */
static char *own_rows(const char *report, row_filter *mine, const void *ctx)
{
	const char *p = strchrnul(report, '\n');
	char *out = malloc(strlen(report) + 1);
	size_t len = 0;

	if (!out)
		return NULL;
	if (*p)
		p++;
	while (*p) {
		const char *eol = strchrnul(p, '\n');
		size_t n = (size_t)(eol - p) + (*eol ? 1 : 0);
		bool foreign = false;

		if ((p[0] == 'q' || p[0] == 'm' || p[0] == 's') && p[1] == ' ')
			foreign = !mine(ctx, p[0], atoi(p + 2), p,
					(size_t)(eol - p));
		if (foreign)
			fprintf(stderr, "# not the test's, left out: %.*s\n",
				(int)(eol - p), p);
		else {
			memcpy(out + len, p, n);
			len += n;
		}
		p += n;
	}
	out[len] = '\0';
	return out;
}

static bool scene_mine(const void *ctx, char t, int id, const char *row,
		       size_t len)
{
	const struct scene *s = ctx;

	(void)row;
	(void)len;
	switch (t) {
	case 'q': return id == s->qr || id == s->qs || id == s->qp;
	case 'm': return id == s->ma || id == s->md;
	}
	return id == s->sn || id == s->sp;
}

FIXTURE(ipcs) {
	struct scene s;
};

FIXTURE_VARIANT(ipcs) {
	const char *args[8];
	bool as_nobody;		/* objects are listed whatever their mode */
	const char *golden;
};

/*
 * The golden reports, one per option set, without the date line.  $NAME
 * tokens and their trailing underscores are exactly as wide as their
 * columns (ids 9, process ids 7, times 8), so each template lines up with
 * its header as the real report does.
 */
FIXTURE_VARIANT_ADD(ipcs, none) {
	.args = { NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup\n"
		"s $SP.id___ 0xffffffff --r--------     root     root\n"
};

FIXTURE_VARIANT_ADD(ipcs, q) {
	.args = { "-q", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322\n"
};

FIXTURE_VARIANT_ADD(ipcs, m) {
	.args = { "-m", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root\n"
};

FIXTURE_VARIANT_ADD(ipcs, s) {
	.args = { "-s", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup\n"
		"s $SP.id___ 0xffffffff --r--------     root     root\n"
};

FIXTURE_VARIANT_ADD(ipcs, s_q) {
	.args = { "-s", "-q", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup\n"
		"s $SP.id___ 0xffffffff --r--------     root     root\n"
};

FIXTURE_VARIANT_ADD(ipcs, b) {
	.args = { "-b", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP  QBYTES\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root 4194304\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup      16\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322 4194304\n"
		"T        ID     KEY        MODE       OWNER    GROUP       SEGSZ\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root       10000\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root        4096\n"
		"T        ID     KEY        MODE       OWNER    GROUP NSEMS\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup     3\n"
		"s $SP.id___ 0xffffffff --r--------     root     root     1\n"
};

FIXTURE_VARIANT_ADD(ipcs, c) {
	.args = { "-c", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root     root     root\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup     root     root\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322     root     root\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root     root     root\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root     root     root\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup     root     root\n"
		"s $SP.id___ 0xffffffff --r--------     root     root     root     root\n"
};

FIXTURE_VARIANT_ADD(ipcs, o) {
	.args = { "-o", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP  CBYTES   QNUM\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root       0      0\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup      16      1\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322       0      0\n"
		"T        ID     KEY        MODE       OWNER    GROUP NATTCH\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root      3\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root      1\n"
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup\n"
		"s $SP.id___ 0xffffffff --r--------     root     root\n"
};

FIXTURE_VARIANT_ADD(ipcs, p) {
	.args = { "-p", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP   LSPID   LRPID\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root       0       0\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup $ME____       0\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322       0       0\n"
		"T        ID     KEY        MODE       OWNER    GROUP    CPID    LPID\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root $ME____ $K3____\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root $ME____ $KD____\n"
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup\n"
		"s $SP.id___ 0xffffffff --r--------     root     root\n"
};

FIXTURE_VARIANT_ADD(ipcs, t) {
	.args = { "-t", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP    STIME    RTIME    CTIME\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root no-entry no-entry $QR.ct__\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup $QS.st__ no-entry $QS.ct__\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322 no-entry no-entry $QP.ct__\n"
		"T        ID     KEY        MODE       OWNER    GROUP    ATIME    DTIME    CTIME\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root $MA.at__ no-entry $MA.ct__\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root $MD.at__ no-entry $MD.ct__\n"
		"T        ID     KEY        MODE       OWNER    GROUP    OTIME    CTIME\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup $SN.ot__ $SN.ct__\n"
		"s $SP.id___ 0xffffffff --r--------     root     root no-entry $SP.ct__\n"
};

FIXTURE_VARIANT_ADD(ipcs, a) {
	.args = { "-a", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP  CBYTES   QNUM  QBYTES   LSPID   LRPID    STIME    RTIME    CTIME\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root     root     root       0      0 4194304       0       0 no-entry no-entry $QR.ct__\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup     root     root      16      1      16 $ME____       0 $QS.st__ no-entry $QS.ct__\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322     root     root       0      0 4194304       0       0 no-entry no-entry $QP.ct__\n"
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP NATTCH       SEGSZ    CPID    LPID    ATIME    DTIME    CTIME\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root     root     root      3       10000 $ME____ $K3____ $MA.at__ no-entry $MA.ct__\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root     root     root      1        4096 $ME____ $KD____ $MD.at__ no-entry $MD.ct__\n"
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP NSEMS    OTIME    CTIME\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup     root     root     3 $SN.ot__ $SN.ct__\n"
		"s $SP.id___ 0xffffffff --r--------     root     root     root     root     1 no-entry $SP.ct__\n"
};

FIXTURE_VARIANT_ADD(ipcs, b_c_o_p_t) {
	.args = { "-b", "-c", "-o", "-p", "-t", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP  CBYTES   QNUM  QBYTES   LSPID   LRPID    STIME    RTIME    CTIME\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root     root     root       0      0 4194304       0       0 no-entry no-entry $QR.ct__\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup     root     root      16      1      16 $ME____       0 $QS.st__ no-entry $QS.ct__\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322     root     root       0      0 4194304       0       0 no-entry no-entry $QP.ct__\n"
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP NATTCH       SEGSZ    CPID    LPID    ATIME    DTIME    CTIME\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root     root     root      3       10000 $ME____ $K3____ $MA.at__ no-entry $MA.ct__\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root     root     root      1        4096 $ME____ $KD____ $MD.at__ no-entry $MD.ct__\n"
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP NSEMS    OTIME    CTIME\n"
		"Semaphores:\n"
		"s $SN.id___ 0x7a1c0005 --ra-ra----   nobody  nogroup     root     root     3 $SN.ot__ $SN.ct__\n"
		"s $SP.id___ 0xffffffff --r--------     root     root     root     root     1 no-entry $SP.ct__\n"
};

FIXTURE_VARIANT_ADD(ipcs, mop) {
	.args = { "-mop", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP NATTCH    CPID    LPID\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0003 --rw-r--r--     root     root      3 $ME____ $K3____\n"
		"m $MD.id___ 0xffffffff D-rw-------     root     root      1 $ME____ $KD____\n"
};

FIXTURE_VARIANT_ADD(ipcs, qa) {
	.args = { "-q", "-a", NULL },
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP  CBYTES   QNUM  QBYTES   LSPID   LRPID    STIME    RTIME    CTIME\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root     root     root       0      0 4194304       0       0 no-entry no-entry $QR.ct__\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup     root     root      16      1      16 $ME____       0 $QS.st__ no-entry $QS.ct__\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322     root     root       0      0 4194304       0       0 no-entry no-entry $QP.ct__\n"
};

/* Listed whatever their mode: uid 65534 sees root's 0600 queue. */
FIXTURE_VARIANT_ADD(ipcs, q_as_nobody) {
	.args = { "-q", NULL },
	.as_nobody = true,
	.golden =
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Message Queues:\n"
		"q $QR.id___ 0x7a1c0001 -Rrw-r-----     root     root\n"
		"q $QS.id___ 0x7a1c0002 S-rw-------     root  nogroup\n"
		"q $QP.id___ 0xffffffff --rw----r--    54321    54322\n"
};

FIXTURE_SETUP(ipcs)
{
	self->s.fd = -1;
	scene_setup(_metadata, &self->s);
}

FIXTURE_TEARDOWN(ipcs)
{
	scene_teardown(&self->s);
}

TEST_F(ipcs, golden)
{
	struct var v[MAX_VARS];
	const char *why;
	char *want, *got;
	time_t before, after;
	struct run r;
	int n;

	n = scene_vars(_metadata, &self->s, v);
	ASSERT_LT(0, n);
	want = expand(variant->golden, v, n);
	ASSERT_NE(NULL, want);

	before = time(NULL);
	ASSERT_EQ(0, run_tool(&r, "aixipc-ipcs", variant->args,
			      variant->as_nobody, "UTC"))
		TH_LOG("cannot run %s/aixipc-ipcs", tools_dir());
	after = time(NULL);
	EXPECT_EQ(0, r.status) TH_LOG("stderr: %s", r.err);
	EXPECT_STREQ("", r.err);
	why = check_date_line(r.out, before, after);
	EXPECT_EQ(NULL, why) TH_LOG("%s: %.*s", why,
				    (int)(strchrnul(r.out, '\n') - r.out), r.out);
	got = own_rows(r.out, scene_mine, &self->s);
	ASSERT_NE(NULL, got);
	EXPECT_STREQ(want, got);
	/* Nothing changed under the report: the same text afterwards. */
	n = scene_vars(_metadata, &self->s, v);
	ASSERT_LT(0, n);
	free(got);
	got = expand(variant->golden, v, n);
	ASSERT_NE(NULL, got);
	EXPECT_STREQ(want, got);
	free(want);
	free(got);
	run_free(&r);
}

/* ---------------------------------------------------------------------- */
/* Everything else: objects made per test.                                */

FIXTURE(tools) {
	int fd;
	pid_t kid;
};

FIXTURE_SETUP(tools)
{
	int i;

	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", AIXIPC_DEVICE,
				      strerror(errno));
	for (i = 0; i < 16; i++) {
		remove_key(self->fd, AIXIPC_MSG, K_RM(i));
		remove_key(self->fd, AIXIPC_SEM, K_RM(i));
		remove_key(self->fd, AIXIPC_SHM, K_RM(i));
	}
	remove_key(self->fd, AIXIPC_MSG, -123456);
}

FIXTURE_TEARDOWN(tools)
{
	reap(self->kid);
	t_remove_tracked(self->fd);
	close(self->fd);
}

/* One object of each kind, for the ipcrm tests. */
#define MSG(key)	create(self->fd, AIXIPC_MSG, key, 0, 0666)
#define SEM(key)	create(self->fd, AIXIPC_SEM, key, 2, 0666)
#define SHM(key)	create(self->fd, AIXIPC_SHM, key, 4096, 0666)

/* The id as text, each call in its own buffer (up to 8 at a time). */
static const char *num(long long x)
{
	static char buf[8][24];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%lld", x);
	return buf[i];
}

/* ---- ipcs ------------------------------------------------------------ */

/* AIX's options that mean nothing here: exit 2, a reason, no report. */
TEST_F(tools, ipcs_refuses_aix_only_options)
{
	static const struct {
		const char *args[3];
		const char *err;
	} cases[] = {
		{ { "-S" }, "aixipc-ipcs: -S: segment ids (SIDs) belong to AIX's virtual memory manager; Linux has none to show\n" },
		{ { "-P" }, "aixipc-ipcs: -P: not supported by aixipc-ipcs\n" },
		{ { "-T" }, "aixipc-ipcs: -T: not supported by aixipc-ipcs\n" },
		{ { "-X" }, "aixipc-ipcs: -X: not supported by aixipc-ipcs\n" },
		{ { "-r" }, "aixipc-ipcs: -r: POSIX real-time IPC objects are Linux's own (/dev/mqueue, /dev/shm); aixipc serves System V IPC only\n" },
		{ { "-C", "/dev/mem" }, "aixipc-ipcs: -C: reading a memory image or another kernel is not supported; aixipc-ipcs reports the running module\n" },
		{ { "-N", "/unix" }, "aixipc-ipcs: -N: reading a memory image or another kernel is not supported; aixipc-ipcs reports the running module\n" },
		/* A WPAR's name is no namespace's inode number. */
		{ { "-@wpar1" }, "aixipc-ipcs: -@ wpar1: not an IPC namespace's inode number (as readlink /proc/PID/ns/ipc shows it)\n" },
		/* Refused even after valid options. */
		{ { "-a", "-X" }, "aixipc-ipcs: -X: not supported by aixipc-ipcs\n" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;

		ASSERT_EQ(0, run_tool(&r, "aixipc-ipcs", cases[i].args, false, "UTC"));
		EXPECT_EQ(2, r.status) TH_LOG("%s", cases[i].args[0]);
		EXPECT_STREQ("", r.out);
		EXPECT_STREQ(cases[i].err, r.err);
		run_free(&r);
	}
}

TEST_F(tools, ipcs_usage)
{
	static const char usage[] =
		"usage: aixipc-ipcs [-q] [-m] [-s] [-a | -b -c -o -p -t] [-@ [ns]]\n"
		"       aixipc-ipcs -l [-q] [-m] [-s] [-@ [ns]]\n"
		"       aixipc-ipcs [-@ ns] -L name=value ... [-l]\n";
	struct run r;

	IPCS(&r, "-z", NULL);
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_NE(NULL, strstr(r.err, usage)) TH_LOG("%s", r.err);
	run_free(&r);

	IPCS(&r, "-q", "extra", NULL);
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ(usage, r.err);
	run_free(&r);

	IPCS(&r, "-h", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ(usage, r.out);
	EXPECT_STREQ("", r.err);
	run_free(&r);
}

/*
 * Times are local: a zone east of UTC by some hours and 30 minutes moves
 * them, and is named on the date line.  The zone is chosen to make the
 * hour 5, so the hour must be printed without a leading zero: " 5:MM:SS".
 */
TEST_F(tools, ipcs_local_time)
{
	const char *const args[] = { "-q", "-t", NULL };
	struct aixipc_msqid_ds ds;
	char row[512], hms[16], tz[32];
	const char *eol;
	struct run r;
	int id, east;

	id = MSG(K_RM(0));
	ASSERT_LE(0, id);
	ASSERT_EQ(0, msg_stat(self->fd, id, &ds));
	for (east = 0; east < 24; east++) {
		time_t t = (time_t)ds.ctime + east * 3600 + 1800;
		struct tm tm;

		if (gmtime_r(&t, &tm)->tm_hour == 5)
			break;
	}
	ASSERT_GT(24, east);
	snprintf(tz, sizeof(tz), "XST-%d:30", east);
	ASSERT_EQ(0, run_tool(&r, "aixipc-ipcs", args, false, tz));
	EXPECT_EQ(0, r.status);
	eol = strchrnul(r.out, '\n');
	EXPECT_TRUE(eol - r.out > 9 && !strncmp(eol - 9, " XST ", 5))
		TH_LOG("date line: %.*s", (int)(eol - r.out), r.out);
	ASSERT_NE(NULL, find_row(r.out, 'q', id, row, sizeof(row)));
	utc_hms(ds.ctime + east * 3600 + 1800, hms, sizeof(hms));
	EXPECT_STREQ(fmt("%s %8s %8s %8s", "", "no-entry", "no-entry", hms),
		     row + strlen(row) - 27) TH_LOG("%s", row);
	run_free(&r);
}

/* ---- ipcrm: success ------------------------------------------------- */

/* Remove by id; the object is gone and ipcs no longer lists it. */
TEST_F(tools, ipcrm_by_id)
{
	static const char *const opt[] = {
		[AIXIPC_MSG] = "-q", [AIXIPC_SEM] = "-s", [AIXIPC_SHM] = "-m",
	};
	static const char letter[] = { [AIXIPC_MSG] = 'q', [AIXIPC_SEM] = 's',
				       [AIXIPC_SHM] = 'm' };
	char row[512];
	uint32_t kind;

	for (kind = 0; kind < AIXIPC_NR_KINDS; kind++) {
		int id = create(self->fd, kind, K_RM(kind), kind == AIXIPC_MSG ? 0 : 1, 0600);
		struct run r;

		ASSERT_LE(0, id);
		IPCS(&r, NULL);
		EXPECT_NE(NULL, find_row(r.out, letter[kind], id, row, sizeof(row)));
		run_free(&r);

		IPCRM(&r, opt[kind], num(id), NULL);
		EXPECT_EQ(0, r.status);
		EXPECT_STREQ("", r.out);
		EXPECT_STREQ("", r.err);
		EXPECT_EQ(-EINVAL, exists(self->fd, kind, id));
		run_free(&r);

		IPCS(&r, NULL);
		EXPECT_EQ(NULL, find_row(r.out, letter[kind], id, row, sizeof(row)))
			TH_LOG("still listed: %s", row);
		run_free(&r);
	}
}

/* Remove by key: decimal (negative too), 0x and 0X hexadecimal. */
TEST_F(tools, ipcrm_by_key)
{
	int q = MSG(K_RM(1)), s = SEM(K_RM(2)), m = SHM(K_RM(3));
	int neg = MSG(-123456);
	struct run r;

	ASSERT_LE(0, q);
	ASSERT_LE(0, s);
	ASSERT_LE(0, m);
	ASSERT_LE(0, neg);

	IPCRM(&r, "-Q", num(K_RM(1)), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, q));
	run_free(&r);

	IPCRM(&r, "-S", fmt("0x%x", K_RM(2)), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SEM, s));
	run_free(&r);

	IPCRM(&r, "-M", fmt("0X%X", K_RM(3)), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SHM, m));
	run_free(&r);

	IPCRM(&r, "-Q", "-123456", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, neg));
	run_free(&r);
}

/*
 * An attached segment: marked removed (D, key private) and freed at its
 * last detach; its key names nothing any more.
 */
TEST_F(tools, ipcrm_attached_segment)
{
	struct aixipc_shmid_ds ds;
	int m = SHM(K_RM(4));
	struct run r;

	ASSERT_LE(0, m);
	self->kid = kid(self->fd, KID_ATTACH, m);
	ASSERT_LT(0, self->kid);
	ASSERT_EQ(0, wait_nattch(self->fd, m, 1));

	IPCRM(&r, "-M", fmt("0x%x", K_RM(4)), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	run_free(&r);
	ASSERT_EQ(0, shm_stat(self->fd, m, &ds));
	EXPECT_EQ(AIXIPC_SHM_DEST, ds.status & AIXIPC_SHM_DEST);
	EXPECT_EQ(PRIVATE, ds.perm.key);
	EXPECT_EQ(1ULL, ds.nattch);

	IPCRM(&r, "-M", fmt("0x%x", K_RM(4)), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(fmt("aixipc-ipcrm: -M 0x%x: shared memory segment: no such key\n",
			 K_RM(4)), r.err);
	run_free(&r);

	reap(self->kid);
	self->kid = 0;
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SHM, m));
}

/* Several items of every option in one call. */
TEST_F(tools, ipcrm_several)
{
	int q = MSG(PRIVATE), s = SEM(PRIVATE), m = SHM(PRIVATE);
	int kq = MSG(K_RM(5)), ks = SEM(K_RM(6)), km = SHM(K_RM(7));
	int q2 = MSG(PRIVATE);
	struct run r;

	ASSERT_TRUE(q >= 0 && s >= 0 && m >= 0 && kq >= 0 && ks >= 0 &&
		    km >= 0 && q2 >= 0);
	IPCRM(&r, "-q", num(q), "-s", num(s), "-m", num(m),
	      "-Q", fmt("0x%x", K_RM(5)), "-S", num(K_RM(6)),
	      "-M", num(K_RM(7)), "-q", num(q2), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, q));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SEM, s));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SHM, m));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, kq));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SEM, ks));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SHM, km));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, q2));
	run_free(&r);
}

/* The owner and the creator may remove; nobody else (below). */
TEST_F(tools, ipcrm_as_owner_or_creator)
{
	int owned = MSG(PRIVATE), created;
	struct run r;

	ASSERT_LE(0, owned);
	ASSERT_EQ(0, set_owner(self->fd, AIXIPC_MSG, owned, NOBODY, NOBODY, 0600));
	IPCRM_NOBODY(&r, "-q", num(owned), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, owned));
	run_free(&r);

	/* Made by nobody, then given to root: nobody is still its creator. */
	self->kid = fork();
	ASSERT_LE(0, self->kid);
	if (!self->kid) {
		int id = t_become_nobody() ? -EPERM
			: t_get(self->fd, AIXIPC_SEM, K_RM(8), 1,
			      AIXIPC_CREAT | AIXIPC_EXCL, 0600);
		_exit(id >= 0 ? 0 : 1);
	}
	ASSERT_EQ(self->kid, waitpid(self->kid, &created, 0));
	self->kid = 0;
	ASSERT_EQ(0, created);
	created = t_get(self->fd, AIXIPC_SEM, K_RM(8), 0, 0, 0);
	ASSERT_LE(0, created);
	t_track(AIXIPC_SEM, created);
	ASSERT_EQ(0, set_owner(self->fd, AIXIPC_SEM, created, 0, 0, 0600));
	IPCRM_NOBODY(&r, "-S", fmt("0x%x", K_RM(8)), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SEM, created));
	run_free(&r);
}

/* ---- ipcrm: failures -------------------------------------------------- */

TEST_F(tools, ipcrm_bad_id)
{
	static const char *const bad[] = {
		"abc", "12x", "", "-1", "+5", " 5", "5 ", "0x10",
		"2147483648", "99999999999999999999",
	};
	int q = MSG(PRIVATE);
	unsigned int i;

	ASSERT_LE(0, q);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *opt = i % 3 == 0 ? "-q" : i % 3 == 1 ? "-m" : "-s";
		struct run r;

		IPCRM(&r, opt, bad[i], NULL);
		EXPECT_EQ(1, r.status) TH_LOG("%s '%s'", opt, bad[i]);
		EXPECT_STREQ("", r.out);
		EXPECT_STREQ(fmt("aixipc-ipcrm: %s %s: not a valid id\n", opt,
				 bad[i]), r.err);
		run_free(&r);
	}
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, q));
}

TEST_F(tools, ipcrm_bad_key)
{
	static const char *const bad[] = {
		"abc", "0x", "0xg1", "12k", "", "+5", "0x+5", "0x 5", "--5",
		"0x100000000", "4294967296", "-2147483649", "0x-5",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *opt = i % 3 == 0 ? "-Q" : i % 3 == 1 ? "-M" : "-S";
		struct run r;

		IPCRM(&r, opt, bad[i], NULL);
		EXPECT_EQ(1, r.status) TH_LOG("%s '%s'", opt, bad[i]);
		EXPECT_STREQ(fmt("aixipc-ipcrm: %s %s: not a valid key\n", opt,
				 bad[i]), r.err);
		run_free(&r);
	}
}

/* Ids of removed objects, keys that name nothing: one line per item. */
TEST_F(tools, ipcrm_no_such_id_or_key)
{
	int q = MSG(PRIVATE), s = SEM(PRIVATE), m = SHM(PRIVATE);
	struct run r;

	ASSERT_TRUE(q >= 0 && s >= 0 && m >= 0);
	ASSERT_EQ(0, t_rmid_kind(self->fd, AIXIPC_MSG, q));
	ASSERT_EQ(0, t_rmid_kind(self->fd, AIXIPC_SEM, s));
	ASSERT_EQ(0, t_rmid_kind(self->fd, AIXIPC_SHM, m));
	IPCRM(&r, "-q", num(q), "-s", num(s), "-m", num(m), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ(fmt("aixipc-ipcrm: -q %d: message queue: no such id\n"
			 "aixipc-ipcrm: -s %d: semaphore set: no such id\n"
			 "aixipc-ipcrm: -m %d: shared memory segment: no such id\n",
			 q, s, m), r.err);
	run_free(&r);

	IPCRM(&r, "-Q", fmt("0x%x", K_RM(9)), "-S", "0", "-M", "2048655615", NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(fmt("aixipc-ipcrm: -Q 0x%x: message queue: no such key\n"
			 "aixipc-ipcrm: -S 0: semaphore set: no such key\n"
			 "aixipc-ipcrm: -M 2048655615: shared memory segment: no such key\n",
			 K_RM(9)), r.err);
	run_free(&r);
}

/* As uid 65534, neither owner nor creator: EPERM, nothing removed. */
TEST_F(tools, ipcrm_permission_denied)
{
	int q = MSG(PRIVATE), s = SEM(K_RM(10)), m = SHM(PRIVATE);
	struct run r;

	ASSERT_TRUE(q >= 0 && s >= 0 && m >= 0);
	IPCRM_NOBODY(&r, "-q", num(q), "-S", fmt("0x%x", K_RM(10)), "-m", num(m), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ(fmt("aixipc-ipcrm: -q %d: message queue: permission denied (not the owner or creator)\n"
			 "aixipc-ipcrm: -S 0x%x: semaphore set %d: permission denied (not the owner or creator)\n"
			 "aixipc-ipcrm: -m %d: shared memory segment: permission denied (not the owner or creator)\n",
			 q, K_RM(10), s, m), r.err);
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, q));
	EXPECT_EQ(0, exists(self->fd, AIXIPC_SEM, s));
	EXPECT_EQ(0, exists(self->fd, AIXIPC_SHM, m));
	run_free(&r);
}

/* The private key names no object, even while private objects exist. */
TEST_F(tools, ipcrm_private_key)
{
	int q = MSG(PRIVATE), s = SEM(PRIVATE), m = SHM(PRIVATE);
	struct run r;

	ASSERT_TRUE(q >= 0 && s >= 0 && m >= 0);
	IPCRM(&r, "-Q", "0xffffffff", "-S", "-1", "-M", "0XFFFFFFFF", "-Q", "4294967295", NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("aixipc-ipcrm: -Q 0xffffffff: the private key names no object\n"
		     "aixipc-ipcrm: -S -1: the private key names no object\n"
		     "aixipc-ipcrm: -M 0XFFFFFFFF: the private key names no object\n"
		     "aixipc-ipcrm: -Q 4294967295: the private key names no object\n",
		     r.err);
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, q));
	EXPECT_EQ(0, exists(self->fd, AIXIPC_SEM, s));
	EXPECT_EQ(0, exists(self->fd, AIXIPC_SHM, m));
	run_free(&r);
}

/* Usage errors: exit 2 and nothing removed, whatever else was asked. */
TEST_F(tools, ipcrm_usage)
{
	static const char usage[] =
		"usage: aixipc-ipcrm [-@ ns] [-q msqid] [-m shmid] [-s semid] "
		"[-Q msgkey] [-M shmkey] [-S semkey] ...\n";
	int q = MSG(PRIVATE);
	const char *id = num(q);
	struct run r;

	ASSERT_LE(0, q);

	IPCRM(&r, "-q", id, "-z", NULL);		/* unknown option */
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, usage)) TH_LOG("%s", r.err);
	run_free(&r);

	IPCRM(&r, "-q", id, "-q", NULL);		/* missing argument */
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, usage)) TH_LOG("%s", r.err);
	run_free(&r);

	IPCRM(&r, "-q", id, "extra", NULL);		/* an operand */
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ(usage, r.err);
	run_free(&r);

	IPCRM(&r, NULL);				/* nothing to do */
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ(usage, r.err);
	run_free(&r);

	IPCRM(&r, "-q", id, "-r", NULL);		/* AIX's POSIX objects */
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("aixipc-ipcrm: -r: POSIX real-time IPC objects are Linux's own "
		     "(/dev/mqueue, /dev/shm); aixipc serves System V IPC only\n",
		     r.err);
	run_free(&r);

	IPCRM(&r, "-q", id, "-@", "wpar1", NULL);	/* AIX's WPAR names */
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("aixipc-ipcrm: -@ wpar1: not an IPC namespace's inode number "
		     "(as readlink /proc/PID/ns/ipc shows it)\n", r.err);
	run_free(&r);

	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, q));

	IPCRM(&r, "-h", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ(usage, r.out);
	EXPECT_STREQ("", r.err);
	run_free(&r);
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, q));
}

/* Some items fail: each says why, the others are removed, exit 1. */
TEST_F(tools, ipcrm_partial_failure)
{
	int q1 = MSG(PRIVATE), q2 = MSG(PRIVATE), m = SHM(K_RM(11));
	int s = SEM(PRIVATE), stale = SEM(PRIVATE);
	struct run r;

	ASSERT_TRUE(q1 >= 0 && q2 >= 0 && m >= 0 && s >= 0 && stale >= 0);
	ASSERT_EQ(0, t_rmid_kind(self->fd, AIXIPC_SEM, stale));
	IPCRM(&r, "-q", num(q1), "-q", "x1", "-M", fmt("0x%x", K_RM(11)),
	      "-s", num(stale), "-Q", fmt("0x%x", K_RM(12)), "-s", num(s),
	      "-q", num(q2), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ(fmt("aixipc-ipcrm: -q x1: not a valid id\n"
			 "aixipc-ipcrm: -s %d: semaphore set: no such id\n"
			 "aixipc-ipcrm: -Q 0x%x: message queue: no such key\n",
			 stale, K_RM(12)), r.err);
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, q1));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_MSG, q2));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SHM, m));
	EXPECT_EQ(-EINVAL, exists(self->fd, AIXIPC_SEM, s));
	run_free(&r);
}

/* ---- IPC namespaces: -@, -l, -L ------------------------------------- */

#define K_NS(n)		(0x7a1c0200 + (n))

/*
 * Objects in three IPC namespaces: the initial one (N0) and two made with
 * unshare(CLONE_NEWIPC), kept alive by open namespace fds after this
 * process has gone back to the initial one, and named A and B in inode
 * number order (NA < NB; new namespaces' numbers are above the initial
 * one's).  N0 has a queue; A a queue and a segment; B a private queue and
 * a semaphore set.  A key of A's (K_NS(1)) names nothing in B.
 */
FIXTURE(ns) {
	int fd;
	int home, nsa, nsb;	/* namespace fds: initial, A, B */
	uint64_t n0, na, nb;	/* their inode numbers */
	int q0, qa, ma, qb, sb;
};

static uint64_t ns_inode(int nsfd)
{
	struct stat st;

	return fstat(nsfd, &st) ? 0 : (uint64_t)st.st_ino;
}

/* A new IPC namespace, kept by the fd returned; back in @home after. */
static int ns_new(int home)
{
	int fd;

	if (unshare(CLONE_NEWIPC))
		return -1;
	fd = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	if (setns(home, CLONE_NEWIPC))
		return -1;	/* stranded: the test stops here */
	return fd;
}

/* Create an object in the namespace @nsfd, then come back to @home. */
static int create_in(int home, int nsfd, int fd, uint32_t kind, int32_t key,
		     uint64_t size, uint32_t mode)
{
	int id;

	if (setns(nsfd, CLONE_NEWIPC))
		return -errno;
	id = t_get(fd, kind, key, size, AIXIPC_CREAT | AIXIPC_EXCL, mode);
	if (setns(home, CLONE_NEWIPC))
		return -EBADF;
	return id;
}

/* exists() in the namespace @nsfd; -EBADF if it cannot go there. */
static int exists_in(int home, int nsfd, int fd, uint32_t kind, int id)
{
	int err;

	if (setns(nsfd, CLONE_NEWIPC))
		return -EBADF;
	err = exists(fd, kind, id);
	if (setns(home, CLONE_NEWIPC))
		return -EBADF;
	return err;
}

static int ns_ctl(int fd, uint32_t cmd, uint64_t ns, struct aixipc_ns_ctl *c)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->ns = ns;
	return aixipc_ioctl(fd, AIXIPC_IOC_NS, c);
}

FIXTURE_SETUP(ns)
{
	struct aixipc_version v = { 0 };
	int x, y;

	self->home = self->nsa = self->nsb = -1;
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", AIXIPC_DEVICE,
				      strerror(errno));
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
	if (!(v.features & AIXIPC_FEATURE_NS))
		SKIP(return, "the module has no IPC namespace support");
	remove_key(self->fd, AIXIPC_MSG, K_NS(0));
	self->home = open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self->home);
	self->n0 = ns_inode(self->home);
	x = ns_new(self->home);
	ASSERT_LE(0, x) TH_LOG("a new IPC namespace: %s", strerror(errno));
	y = ns_new(self->home);
	ASSERT_LE(0, y) TH_LOG("a new IPC namespace: %s", strerror(errno));
	if (ns_inode(x) > ns_inode(y)) {
		int t = x;

		x = y;
		y = t;
	}
	self->nsa = x;
	self->nsb = y;
	self->na = ns_inode(x);
	self->nb = ns_inode(y);
	ASSERT_TRUE(self->n0 < self->na && self->na < self->nb)
		TH_LOG("namespaces %llu %llu %llu", (unsigned long long)self->n0,
		       (unsigned long long)self->na, (unsigned long long)self->nb);

	self->q0 = create(self->fd, AIXIPC_MSG, K_NS(0), 0, 0600);
	ASSERT_LE(0, self->q0);
	self->qa = create_in(self->home, self->nsa, self->fd, AIXIPC_MSG,
			     K_NS(1), 0, 0640);
	ASSERT_LE(0, self->qa);
	self->ma = create_in(self->home, self->nsa, self->fd, AIXIPC_SHM,
			     K_NS(2), 4096, 0644);
	ASSERT_LE(0, self->ma);
	self->qb = create_in(self->home, self->nsb, self->fd, AIXIPC_MSG,
			     PRIVATE, 0, 0666);
	ASSERT_LE(0, self->qb);
	self->sb = create_in(self->home, self->nsb, self->fd, AIXIPC_SEM,
			     K_NS(3), 2, 0600);
	ASSERT_LE(0, self->sb);
}

FIXTURE_TEARDOWN(ns)
{
	/* A and B die with their last fds, and their objects with them. */
	if (self->nsa >= 0)
		close(self->nsa);
	if (self->nsb >= 0)
		close(self->nsb);
	if (self->home >= 0)
		close(self->home);
	t_remove_tracked(self->fd);
	close(self->fd);
}

/* The tokens of the namespace golden text. */
static int ns_vars(const FIXTURE_DATA(ns) *self, struct var *v)
{
	int n = 0;

	n = add_int(v, n, "N0", (long long)self->n0);
	n = add_int(v, n, "NA", (long long)self->na);
	n = add_int(v, n, "NB", (long long)self->nb);
	n = add_int(v, n, "Q0.id", self->q0);
	n = add_int(v, n, "QA.id", self->qa);
	n = add_int(v, n, "MA.id", self->ma);
	n = add_int(v, n, "QB.id", self->qb);
	n = add_int(v, n, "SB.id", self->sb);
	return n;
}

/* The row's last field, its namespace with -@. */
static uint64_t row_ns(const char *row, size_t len)
{
	size_t i = len;

	while (i && row[i - 1] != ' ')
		i--;
	return strtoull(row + i, NULL, 10);
}

static bool ns_mine(const void *ctx, char t, int id, const char *row,
		    size_t len)
{
	const FIXTURE_DATA(ns) *self = ctx;
	uint64_t ns = row_ns(row, len);

	switch (t) {
	case 'q':
		return (ns == self->n0 && id == self->q0) ||
		       (ns == self->na && id == self->qa) ||
		       (ns == self->nb && id == self->qb);
	case 'm':
		return ns == self->na && id == self->ma;
	}
	return ns == self->nb && id == self->sb;
}

/*
 * Run aixipc-ipcs with @args in the namespace @nsfd (-1: this one) and
 * compare its report, the date line checked and left out, with @golden;
 * with @filter, rows of objects not the test's are left out first.
 */
static void ns_golden(struct __test_metadata *_metadata,
		      const FIXTURE_DATA(ns) *self, int nsfd,
		      const char *const *args, bool filter, const char *golden)
{
	struct var v[MAX_VARS];
	char *want, *got;
	time_t before, after;
	const char *why;
	struct run r;

	want = expand(golden, v, ns_vars(self, v));
	ASSERT_NE(NULL, want);
	before = time(NULL);
	ASSERT_EQ(0, run_tool_ns(&r, "aixipc-ipcs", args, false, "UTC", nsfd));
	after = time(NULL);
	EXPECT_EQ(0, r.status) TH_LOG("%s: %s", args[0], r.err);
	EXPECT_STREQ("", r.err);
	why = check_date_line(r.out, before, after);
	EXPECT_EQ(NULL, why) TH_LOG("%s", why);
	if (filter)
		got = own_rows(r.out, ns_mine, self);
	else
		got = strdup(strchrnul(r.out, '\n') + (*r.out ? 1 : 0));
	ASSERT_NE(NULL, got);
	EXPECT_STREQ(want, got) TH_LOG("%s %s", args[0], args[1]);
	free(want);
	free(got);
	run_free(&r);
}

/* -@: every namespace's objects, NS last; column options still apply. */
TEST_F(ns, ipcs_all)
{
	static const char *const all[] = { "-@", NULL };
	static const char *const b_all[] = { "-b", "-@", NULL };
	static const char *const q_c_all[] = { "-@", "-q", "-c", NULL };

	ns_golden(_metadata, self, -1, all, true,
		"T        ID     KEY        MODE       OWNER    GROUP         NS\n"
		"Message Queues:\n"
		"q $Q0.id___ 0x7a1c0200 --rw-------     root     root $N0_______\n"
		"q $QA.id___ 0x7a1c0201 --rw-r-----     root     root $NA_______\n"
		"q $QB.id___ 0xffffffff --rw-rw-rw-     root     root $NB_______\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0202 --rw-r--r--     root     root $NA_______\n"
		"Semaphores:\n"
		"s $SB.id___ 0x7a1c0203 --ra-------     root     root $NB_______\n");
	ns_golden(_metadata, self, -1, b_all, true,
		"T        ID     KEY        MODE       OWNER    GROUP  QBYTES         NS\n"
		"Message Queues:\n"
		"q $Q0.id___ 0x7a1c0200 --rw-------     root     root 4194304 $N0_______\n"
		"q $QA.id___ 0x7a1c0201 --rw-r-----     root     root 4194304 $NA_______\n"
		"q $QB.id___ 0xffffffff --rw-rw-rw-     root     root 4194304 $NB_______\n"
		"T        ID     KEY        MODE       OWNER    GROUP       SEGSZ         NS\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0202 --rw-r--r--     root     root        4096 $NA_______\n"
		"T        ID     KEY        MODE       OWNER    GROUP NSEMS         NS\n"
		"Semaphores:\n"
		"s $SB.id___ 0x7a1c0203 --ra-------     root     root     2 $NB_______\n");
	ns_golden(_metadata, self, -1, q_c_all, true,
		"T        ID     KEY        MODE       OWNER    GROUP  CREATOR   CGROUP         NS\n"
		"Message Queues:\n"
		"q $Q0.id___ 0x7a1c0200 --rw-------     root     root     root     root $N0_______\n"
		"q $QA.id___ 0x7a1c0201 --rw-r-----     root     root     root     root $NA_______\n"
		"q $QB.id___ 0xffffffff --rw-rw-rw-     root     root     root     root $NB_______\n");
}

/* -@ NS: that namespace only, nothing left out; ipc:[NS] names it too. */
TEST_F(ns, ipcs_one)
{
	static const char a_golden[] =
		"T        ID     KEY        MODE       OWNER    GROUP         NS\n"
		"Message Queues:\n"
		"q $QA.id___ 0x7a1c0201 --rw-r-----     root     root $NA_______\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0202 --rw-r--r--     root     root $NA_______\n"
		"Semaphores:\n";
	const char *a = num((long long)self->na);
	const char *b = num((long long)self->nb);
	const char *const at_a[] = { "-@", a, NULL };
	const char *const at_a_attached[] = { fmt("-@%s", a), NULL };
	const char *const at_a_link[] = { "-@", fmt("ipc:[%s]", a), NULL };
	const char *const at_b_s[] = { "-s", "-@", b, NULL };

	ns_golden(_metadata, self, -1, at_a, false, a_golden);
	ns_golden(_metadata, self, -1, at_a_attached, false, a_golden);
	ns_golden(_metadata, self, -1, at_a_link, false, a_golden);
	ns_golden(_metadata, self, -1, at_b_s, false,
		"T        ID     KEY        MODE       OWNER    GROUP         NS\n"
		"Semaphores:\n"
		"s $SB.id___ 0x7a1c0203 --ra-------     root     root $NB_______\n");
}

/* Inside a namespace, plain ipcs lists its objects only, without NS. */
TEST_F(ns, ipcs_inside)
{
	static const char *const none[] = { NULL };

	ns_golden(_metadata, self, self->nsb, none, false,
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Message Queues:\n"
		"q $QB.id___ 0xffffffff --rw-rw-rw-     root     root\n"
		"Shared Memory:\n"
		"Semaphores:\n"
		"s $SB.id___ 0x7a1c0203 --ra-------     root     root\n");
	ns_golden(_metadata, self, self->nsa, none, false,
		"T        ID     KEY        MODE       OWNER    GROUP\n"
		"Message Queues:\n"
		"q $QA.id___ 0x7a1c0201 --rw-r-----     root     root\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0202 --rw-r--r--     root     root\n"
		"Semaphores:\n");
}

#define NS_EPERM "permission denied: other IPC namespaces are reached only " \
		 "by root (CAP_SYS_ADMIN) in the initial IPC namespace\n"
#define NS_ENOENT "no such IPC namespace (or it has never used aixipc)\n"

/* Run @tool as nobody (-1) or in namespace A; expect @err and exit 1. */
#define EXPECT_REFUSED(nsfd, tool, why, ...) do {			\
	struct run __r;							\
	RUN_IN(&__r, nsfd, (nsfd) < 0, "UTC", tool, __VA_ARGS__);	\
	EXPECT_EQ(1, __r.status);					\
	EXPECT_STREQ("", __r.out);					\
	EXPECT_STREQ(why, __r.err);					\
	run_free(&__r);							\
} while (0)

/*
 * Other namespaces are for root in the initial one: as nobody, and as
 * root inside A, every reach is EPERM, said once, nothing printed or
 * removed.
 */
TEST_F(ns, eperm)
{
	const char *a = num((long long)self->na);
	const char *zero = num((long long)self->n0);
	int i;

	for (i = 0; i < 2; i++) {
		int in = i ? self->nsa : -1;	/* nobody, then root in A */
		const char *other = i ? zero : a;

		EXPECT_REFUSED(in, "aixipc-ipcs", "aixipc-ipcs: -@: " NS_EPERM,
			       "-@", NULL);
		EXPECT_REFUSED(in, "aixipc-ipcs", "aixipc-ipcs: -@: " NS_EPERM,
			       "-q", "-@", other, NULL);
		EXPECT_REFUSED(in, "aixipc-ipcs", "aixipc-ipcs: -l: " NS_EPERM,
			       "-l", "-@", NULL);
		EXPECT_REFUSED(in, "aixipc-ipcs", "aixipc-ipcs: -l: " NS_EPERM,
			       "-l", "-@", other, NULL);
		EXPECT_REFUSED(in, "aixipc-ipcs", "aixipc-ipcs: -L: " NS_EPERM,
			       "-@", other, "-L", "msgmni=5", NULL);
		/* Its own namespace's limits: readable, not settable. */
		EXPECT_REFUSED(in, "aixipc-ipcs", "aixipc-ipcs: -L: " NS_EPERM,
			       "-L", "msgmni=5", NULL);
		EXPECT_REFUSED(in, "aixipc-ipcrm",
			       fmt("aixipc-ipcrm: -@ %s: " NS_EPERM, other),
			       "-@", other, "-q", num(i ? self->q0 : self->qa),
			       NULL);
	}
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, self->q0));
	EXPECT_EQ(0, exists_in(self->home, self->nsa, self->fd, AIXIPC_MSG,
			       self->qa));
}

/* A namespace not known, or not a number: said, nothing done. */
TEST_F(ns, unknown_or_bad_namespace)
{
	static const char *const bad[] = { "abc", "0", "12x", "ipc:[12", "ipc:12]",
					   "4294967296", "-5" };
	unsigned int i;
	struct run r;

	IPCS(&r, "-@", "12345", NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ("aixipc-ipcs: -@: " NS_ENOENT, r.err);
	run_free(&r);
	IPCS(&r, "-l", "-@", "12345", NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("aixipc-ipcs: -l: " NS_ENOENT, r.err);
	run_free(&r);
	IPCS(&r, "-@", "12345", "-L", "msgmni=1", NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("aixipc-ipcs: -L: " NS_ENOENT, r.err);
	run_free(&r);
	IPCRM(&r, "-@", "12345", "-q", num(self->q0), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("aixipc-ipcrm: -@ 12345: " NS_ENOENT, r.err);
	run_free(&r);
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, self->q0));

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *const ipcs_bad[] = { fmt("-@%s", bad[i]), NULL };
		const char *why = fmt("-@ %s: not an IPC namespace's inode number "
				      "(as readlink /proc/PID/ns/ipc shows it)\n",
				      bad[i]);

		ASSERT_EQ(0, run_tool(&r, "aixipc-ipcs", ipcs_bad, false, "UTC"));
		EXPECT_EQ(2, r.status) TH_LOG("%s", bad[i]);
		EXPECT_STREQ("", r.out);
		EXPECT_STREQ(fmt("aixipc-ipcs: %s", why), r.err);
		run_free(&r);
		IPCRM(&r, fmt("-@%s", bad[i]), "-q", num(self->q0), NULL);
		EXPECT_EQ(2, r.status) TH_LOG("%s", bad[i]);
		EXPECT_STREQ(fmt("aixipc-ipcrm: %s", why), r.err);
		run_free(&r);
	}
	IPCRM(&r, "-@", num((long long)self->na), "-@", num((long long)self->nb),
	      "-q", "1", NULL);
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("aixipc-ipcrm: -@: given twice\n", r.err);
	run_free(&r);
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, self->q0));
}

/*
 * ipcrm -@ NS: by id and by key in that namespace; the others are
 * untouched, and the listing no longer shows what went.
 */
TEST_F(ns, ipcrm_other)
{
	const char *a = num((long long)self->na);
	const char *b = num((long long)self->nb);
	const char *const at_a[] = { "-@", a, NULL };
	struct run r;

	/* A's key names nothing in B; B has no shared memory. */
	IPCRM(&r, "-@", b, "-Q", fmt("0x%x", K_NS(1)), "-m", num(self->ma), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ(fmt("aixipc-ipcrm: -Q 0x%x: message queue: no such key\n"
			 "aixipc-ipcrm: -m %d: shared memory segment: no such id\n",
			 K_NS(1), self->ma), r.err);
	run_free(&r);
	EXPECT_EQ(0, exists_in(self->home, self->nsa, self->fd, AIXIPC_MSG, self->qa));
	EXPECT_EQ(0, exists_in(self->home, self->nsa, self->fd, AIXIPC_SHM, self->ma));

	IPCRM(&r, "-@", a, "-q", num(self->qa), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ("", r.err);
	run_free(&r);
	EXPECT_EQ(-EINVAL, exists_in(self->home, self->nsa, self->fd, AIXIPC_MSG,
				     self->qa));
	ns_golden(_metadata, self, -1, at_a, false,
		"T        ID     KEY        MODE       OWNER    GROUP         NS\n"
		"Message Queues:\n"
		"Shared Memory:\n"
		"m $MA.id___ 0x7a1c0202 --rw-r--r--     root     root $NA_______\n"
		"Semaphores:\n");
	/* The others: all there. */
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, self->q0));
	EXPECT_EQ(0, exists_in(self->home, self->nsa, self->fd, AIXIPC_SHM, self->ma));
	EXPECT_EQ(0, exists_in(self->home, self->nsb, self->fd, AIXIPC_MSG, self->qb));
	EXPECT_EQ(0, exists_in(self->home, self->nsb, self->fd, AIXIPC_SEM, self->sb));

	/* By key in A and B, by id in B, and again: no such id. */
	IPCRM(&r, "-@", fmt("ipc:[%s]", a), "-M", num(K_NS(2)), NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	run_free(&r);
	IPCRM(&r, "-S", fmt("0x%x", K_NS(3)), "-@", b, "-q", num(self->qb),
	      "-q", num(self->qb), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ(fmt("aixipc-ipcrm: -q %d: message queue: no such id\n",
			 self->qb), r.err);
	run_free(&r);
	EXPECT_EQ(-EINVAL, exists_in(self->home, self->nsa, self->fd, AIXIPC_SHM, self->ma));
	EXPECT_EQ(-EINVAL, exists_in(self->home, self->nsb, self->fd, AIXIPC_MSG, self->qb));
	EXPECT_EQ(-EINVAL, exists_in(self->home, self->nsb, self->fd, AIXIPC_SEM, self->sb));
	EXPECT_EQ(0, exists(self->fd, AIXIPC_MSG, self->q0));
}

/* The limits table, $name tokens 12 wide, in AIX's section order. */
#define LIM_HEAD(ns)							\
	"Limits of IPC namespace $" ns "_______:\n"			\
	"NAME            VALUE  MEANING\n"
#define LIM_MSG								\
	"msgmax   $msgmax_____  largest message, bytes\n"		\
	"msgmnb   $msgmnb_____  default (and unprivileged maximum) queue bytes\n" \
	"msgmnm   $msgmnm_____  messages per queue\n"			\
	"msgmni   $msgmni_____  message queue ids\n"
#define LIM_SHM								\
	"shmmax   $shmmax_____  largest segment, bytes\n"		\
	"shmmin   $shmmin_____  smallest segment, bytes\n"		\
	"shmmni   $shmmni_____  shared memory ids\n"			\
	"shmall   $shmall_____  all segments together, pages\n"
#define LIM_SEM								\
	"semmni   $semmni_____  semaphore set ids\n"			\
	"semmsl   $semmsl_____  semaphores per set\n"			\
	"semopm   $semopm_____  operations per semop call\n"		\
	"semvmx   $semvmx_____  largest semaphore value\n"		\
	"semaem   $semaem_____  largest adjust-on-exit magnitude\n"	\
	"semume   $semume_____  undo entries per process\n"

/* The expected limits text of namespace @ns, from the module's own answer. */
static char *limits_text(struct __test_metadata *_metadata,
			 const FIXTURE_DATA(ns) *self, uint64_t ns,
			 const char *golden)
{
	struct var v[MAX_VARS];
	struct aixipc_ns_ctl c;
	int n;

	if (ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, ns, &c)) {
		TH_LOG("GET_LIMITS %llu: %s", (unsigned long long)ns,
		       strerror(errno));
		return NULL;
	}
	n = ns_vars(self, v);
#define LV(f) n = add_int(v, n, #f, (long long)c.limits.f)
	LV(msgmax); LV(msgmnb); LV(msgmnm); LV(msgmni);
	LV(shmmax); LV(shmmin); LV(shmmni); LV(shmall);
	LV(semmni); LV(semmsl); LV(semopm); LV(semvmx); LV(semaem); LV(semume);
#undef LV
	return expand(golden, v, n);
}

#define LIMITS_RUN(r, nsfd, nobody, want, ...) do {			\
	RUN_IN(r, nsfd, nobody, "UTC", "aixipc-ipcs", __VA_ARGS__);	\
	EXPECT_EQ(0, (r)->status) TH_LOG("%s", (r)->err);		\
	EXPECT_STREQ("", (r)->err);					\
	EXPECT_STREQ(want, (r)->out);					\
	run_free(r);							\
} while (0)

/* -l: one's own namespace, anyone; -l -@ [NS]: the administrator's. */
TEST_F(ns, limits)
{
	const char *a = num((long long)self->na);
	char *own, *own_q, *own_ms, *in_a, *in_b;
	const char *p;
	struct run r;

	own = limits_text(_metadata, self, AIXIPC_NS_SELF,
			  LIM_HEAD("N0") LIM_MSG LIM_SHM LIM_SEM);
	own_q = limits_text(_metadata, self, AIXIPC_NS_SELF,
			    LIM_HEAD("N0") LIM_MSG);
	own_ms = limits_text(_metadata, self, AIXIPC_NS_SELF,
			     LIM_HEAD("N0") LIM_SHM LIM_SEM);
	in_a = limits_text(_metadata, self, self->na,
			   LIM_HEAD("NA") LIM_MSG LIM_SHM LIM_SEM);
	in_b = limits_text(_metadata, self, self->nb,
			   LIM_HEAD("NB") LIM_MSG LIM_SHM LIM_SEM);
	ASSERT_TRUE(own && own_q && own_ms && in_a && in_b);

	LIMITS_RUN(&r, -1, false, own, "-l", NULL);
	LIMITS_RUN(&r, -1, true, own, "-l", NULL);
	LIMITS_RUN(&r, -1, false, own_q, "-l", "-q", NULL);
	LIMITS_RUN(&r, -1, false, own_ms, "-s", "-l", "-m", NULL);
	LIMITS_RUN(&r, -1, false, in_a, "-l", "-@", a, NULL);
	LIMITS_RUN(&r, self->nsa, false, in_a, "-l", NULL);
	LIMITS_RUN(&r, self->nsb, true, in_b, "-l", NULL);

	/* -l -@: every namespace, in inode number order, a blank line apart. */
	IPCS(&r, "-l", "-@", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	EXPECT_EQ(r.out, strstr(r.out, own)) TH_LOG("%s", r.out);
	p = strstr(r.out, fmt("\n%s", in_a));
	EXPECT_NE(NULL, p) TH_LOG("%s", r.out);
	EXPECT_NE(NULL, p ? strstr(p, fmt("\n%s", in_b)) : NULL) TH_LOG("%s", r.out);
	run_free(&r);

	/* Limits take no column options. */
	IPCS(&r, "-l", "-a", NULL);
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("", r.out);
	run_free(&r);
	free(own);
	free(own_q);
	free(own_ms);
	free(in_a);
	free(in_b);
}

/* -L name=value: read, change those named, set; checked by the module. */
TEST_F(ns, set_limits)
{
	const char *a = num((long long)self->na);
	const char *b = num((long long)self->nb);
	struct aixipc_ns_ctl before, after;
	unsigned long long cap;
	char *shown, buf[32];
	struct run r;

	/* The host's cap: the module parameter. */
	ASSERT_EQ(0, t_read_file("/sys/module/aixipc/parameters/shmall", buf,
				 sizeof(buf)));
	cap = strtoull(buf, NULL, 10);
	ASSERT_LE(1000ULL, cap);
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->na, &before));
	ASSERT_LE(100ULL, before.limits.msgmni);

	/* A limit named twice: the last value. */
	IPCS(&r, "-@", a, "-L", "msgmni=50", "-L", "shmall=1000", "-L",
	     "msgmni=100", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ("", r.err);
	run_free(&r);
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->na, &after));
	before.limits.msgmni = 100;
	before.limits.shmall = 1000;
	EXPECT_EQ(0, memcmp(&before.limits, &after.limits, sizeof(after.limits)));

	/* -l shows it, in A and from the initial namespace. */
	shown = limits_text(_metadata, self, self->na, LIM_HEAD("NA") LIM_MSG);
	ASSERT_NE(NULL, shown);
	EXPECT_NE(NULL, strstr(shown, "msgmni            100  message queue ids\n"));
	LIMITS_RUN(&r, -1, false, shown, "-q", "-l", "-@", a, NULL);
	LIMITS_RUN(&r, self->nsa, false, shown, "-q", "-l", NULL);
	free(shown);

	/* -L with -l: set, then shown. */
	IPCS(&r, "-@", b, "-L", "semmni=7", "-l", "-s", NULL);
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	shown = limits_text(_metadata, self, self->nb, LIM_HEAD("NB") LIM_SEM);
	ASSERT_NE(NULL, shown);
	EXPECT_NE(NULL, strstr(shown, "semmni              7  semaphore set ids\n"));
	EXPECT_STREQ(shown, r.out);
	free(shown);
	run_free(&r);

	/* Above the host's cap, or out of range: EINVAL, nothing changed. */
	IPCS(&r, "-@", a, "-L", "msgmni=5",
	     "-L", fmt("shmall=%llu", cap + 1), NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("", r.out);
	EXPECT_STREQ("aixipc-ipcs: -L: exceeds the host's caps or out of range "
		     "(the caps: /sys/module/aixipc/parameters)\n", r.err);
	run_free(&r);
	IPCS(&r, "-@", a, "-L", "shmmin=0", NULL);
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("aixipc-ipcs: -L: exceeds the host's caps or out of range "
		     "(the caps: /sys/module/aixipc/parameters)\n", r.err);
	run_free(&r);
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->na, &after));
	EXPECT_EQ(0, memcmp(&before.limits, &after.limits, sizeof(after.limits)));
}

/* -L usage errors: exit 2, nothing set. */
TEST_F(ns, set_limits_usage)
{
	static const char names[] = "msgmax msgmnb msgmnm msgmni shmmax "
		"shmmin shmmni shmall semmni semmsl semopm semvmx semaem semume";
	static const char *const not_limit[] = { "nosuch=1", "msgmni", "=5",
						 "msgmnix=1", "msgmn=1" };
	static const char *const not_number[] = { "msgmni=", "msgmni=12x",
		"msgmni=-1", "msgmni=+1", "msgmni= 1", "msgmni=99999999999999999999" };
	const char *a = num((long long)self->na);
	struct aixipc_ns_ctl before, after;
	unsigned int i;
	struct run r;

	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->na, &before));
	for (i = 0; i < sizeof(not_limit) / sizeof(not_limit[0]); i++) {
		IPCS(&r, "-@", a, "-L", "msgmni=3", "-L", not_limit[i], NULL);
		EXPECT_EQ(2, r.status);
		EXPECT_STREQ(fmt("aixipc-ipcs: -L %s: not a limit name=value; "
				 "the names are %s\n", not_limit[i], names), r.err);
		run_free(&r);
	}
	for (i = 0; i < sizeof(not_number) / sizeof(not_number[0]); i++) {
		IPCS(&r, "-@", a, "-L", not_number[i], NULL);
		EXPECT_EQ(2, r.status);
		EXPECT_STREQ(fmt("aixipc-ipcs: -L %s: not a valid number\n",
				 not_number[i]), r.err);
		run_free(&r);
	}
	IPCS(&r, "-@", "-L", "msgmni=3", NULL);
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("aixipc-ipcs: -L: -@ must name one namespace\n", r.err);
	run_free(&r);
	IPCS(&r, "-@", a, "-L", "msgmni=3", "-q", NULL);	/* nothing to show */
	EXPECT_EQ(2, r.status);
	run_free(&r);
	IPCS(&r, "-@", a, "-L", "msgmni=3", "-b", NULL);
	EXPECT_EQ(2, r.status);
	run_free(&r);
	ASSERT_EQ(0, ns_ctl(self->fd, AIXIPC_NS_GET_LIMITS, self->na, &after));
	EXPECT_EQ(0, memcmp(&before.limits, &after.limits, sizeof(after.limits)));
}

TEST_HARNESS_MAIN
