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
 * Waits poll state (IPC_STAT's status bits and attach counts), never a
 * fixed time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
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
 * nobody, with TZ=@tz and LC_ALL=C.  Returns 0 when it could be run.
 */
static int run_tool(struct run *r, const char *tool, const char *const *args,
		    bool nobody, const char *tz)
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
#define RUN_AS(r, nobody, tz, tool, ...) do {				\
	const char *const __args[] = { __VA_ARGS__ };			\
	ASSERT_EQ(0, run_tool(r, tool, __args, nobody, tz))		\
		TH_LOG("cannot run %s/%s", tools_dir(), tool);		\
	ASSERT_NE(127, (r)->status) TH_LOG("%s", (r)->err);		\
} while (0)
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

/*
 * The report without its date line and without rows of objects that are
 * not the scene's (each logged).  Returns a malloc'ed string.
 */
static char *scene_rows(const struct scene *s, const char *report)
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

		if ((p[0] == 'q' || p[0] == 'm' || p[0] == 's') && p[1] == ' ') {
			int id = atoi(p + 2);

			switch (p[0]) {
			case 'q': foreign = id != s->qr && id != s->qs && id != s->qp; break;
			case 'm': foreign = id != s->ma && id != s->md; break;
			case 's': foreign = id != s->sn && id != s->sp; break;
			}
		}
		if (foreign)
			fprintf(stderr, "# not the scene's, left out: %.*s\n",
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
	got = scene_rows(&self->s, r.out);
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
		{ { "-l" }, "aixipc-ipcs: -l: not supported by aixipc-ipcs\n" },
		{ { "-T" }, "aixipc-ipcs: -T: not supported by aixipc-ipcs\n" },
		{ { "-X" }, "aixipc-ipcs: -X: not supported by aixipc-ipcs\n" },
		{ { "-r" }, "aixipc-ipcs: -r: POSIX real-time IPC objects are Linux's own (/dev/mqueue, /dev/shm); aixipc serves System V IPC only\n" },
		{ { "-C", "/dev/mem" }, "aixipc-ipcs: -C: reading a memory image or another kernel is not supported; aixipc-ipcs reports the running module\n" },
		{ { "-N", "/unix" }, "aixipc-ipcs: -N: reading a memory image or another kernel is not supported; aixipc-ipcs reports the running module\n" },
		{ { "-@" }, "aixipc-ipcs: -@: workload partitions (WPARs) do not exist on Linux\n" },
		{ { "-@wpar1" }, "aixipc-ipcs: -@: workload partitions (WPARs) do not exist on Linux\n" },
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
		"usage: aixipc-ipcs [-q] [-m] [-s] [-a | -b -c -o -p -t]\n";
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
		"usage: aixipc-ipcrm [-q msqid] [-m shmid] [-s semid] "
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

	IPCRM(&r, "-q", id, "-@", "wpar1", NULL);	/* AIX's WPARs */
	EXPECT_EQ(2, r.status);
	EXPECT_STREQ("aixipc-ipcrm: -@: workload partitions (WPARs) do not exist on Linux\n",
		     r.err);
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

TEST_HARNESS_MAIN
