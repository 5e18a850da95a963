// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle_test - unloading and reloading the aixipc module.
 *
 * Run as root with the module loaded (as vm-run does); the test unloads
 * and reloads it with delete_module(2) and finit_module(2), and always
 * leaves it loaded, with the parameters it had, for the harness to unload.
 * The module file is $AIXIPC_KO if set, else build/$(uname -r)/aixipc.ko
 * of the tree this binary was built in (or of /work/main); the test is
 * skipped when there is none, or when it was built for another kernel.
 *
 * What it checks:
 *  - each live IPC object pins the module: unloading fails with
 *    EWOULDBLOCK (what rmmod reports as "in use") even when no process has
 *    /dev/aixipc open, and the object is intact afterwards; so do objects
 *    in another IPC namespace, until that namespace dies and the module
 *    removes them;
 *  - an open /dev/aixipc pins it too, whoever holds the file (a dup, a
 *    child that inherited it), until the last reference is closed;
 *  - removing a queue that has blocked processes and unloading at once is
 *    safe (the objects' memory is freed by RCU callbacks in the module);
 *  - a semaphore set pins the module like a queue; the SEM_UNDO
 *    adjustments of a process do not: after the set is removed, the
 *    process can exit and the module unload;
 *  - ten load/unload cycles with objects created, used and removed in
 *    between, including a set on which a child makes SEM_UNDO calls and
 *    exits (the exit probe, registered at each load, undoes them), and one
 *    on which a child makes SEM_UNDO calls, outlives the set and the
 *    module instance, and makes SEM_UNDO calls in the next instance before
 *    exiting; devtmpfs creates and removes /dev/aixipc each time (there is
 *    no udev in the VM);
 *  - a shared memory segment pins the module like a queue (obj_kinds[]),
 *    and so does each attachment: a segment removed while attached keeps
 *    it pinned, through processes that closed /dev/aixipc, until the last
 *    detach, whether by munmap or by a SIGKILLed process's exit; then it
 *    unloads;
 *  - the shared memory limits are module parameters: shmmni (ENOSPC at
 *    exactly that many segments, a removed but attached one included),
 *    shmall (ENOSPC for a segment, or a growth by SHM_SIZE, that would
 *    pass it, exactly; what removal or shrinking frees is usable again),
 *    shmmin and shmmax (EINVAL just outside, for shmget and SHM_SIZE);
 *    inconsistent values make the load fail.
 *
 * Adding a facility: add its pinning object to obj_kinds[].
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The harness has an unused parameter; -Wextra must not stop the build. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "aixipc_test.h"

#define MODNAME		"aixipc"
#define SYSMOD		"/sys/module/" MODNAME
#define MISCDEV		"/sys/class/misc/" MODNAME "/dev"
#define NODE_WAIT_MS	5000	/* a hang guard, not a timing */

/* ---------------------------------------------------------------------- */
/* The module: where its file is, how it was loaded, load and unload.     */

static char ko_path[PATH_MAX];		/* empty: none usable */
static char ko_skip[256];		/* why, when there is none */
static char ko_params[1024];		/* the parameters in force at start */
static pid_t main_pid;

static bool module_loaded(void)
{
	return access(SYSMOD "/initstate", F_OK) == 0;
}

static long module_refcnt(void)
{
	char buf[32];

	if (t_read_file(SYSMOD "/refcnt", buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static int unload(void)
{
	return syscall(SYS_delete_module, MODNAME, O_NONBLOCK) ? -errno : 0;
}

/* Load with the parameters in force at start, then @extra (which wins). */
static int load_with(const char *extra)
{
	char params[sizeof(ko_params) + 128];
	int fd, err = 0;

	if (!ko_path[0])
		return -ENOENT;
	snprintf(params, sizeof(params), "%s %s", ko_params, extra);
	fd = open(ko_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		err = -errno;
	close(fd);
	return err;
}

static int load(void)
{
	return load_with("");
}

/* Does the file's vermagic name the running kernel? */
static bool built_for_running_kernel(const char *path, const char *release)
{
	char want[256];
	size_t wlen, size;
	struct stat st;
	bool found = false;
	char *p;
	int fd;

	snprintf(want, sizeof(want), "vermagic=%s ", release);
	wlen = strlen(want);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) || st.st_size < (off_t)wlen) {
		close(fd);
		return false;
	}
	size = (size_t)st.st_size;
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return false;
	found = memmem(p, size, want, wlen) != NULL;
	munmap(p, size);
	return found;
}

static void find_module_file(void)
{
	const char *env = getenv("AIXIPC_KO");
	char exe[PATH_MAX], cand[3][PATH_MAX + 128];
	struct utsname u;
	unsigned int i, n = 0;
	ssize_t len;

	if (uname(&u)) {
		snprintf(ko_skip, sizeof(ko_skip), "uname: %s", strerror(errno));
		return;
	}
	if (env && *env) {
		snprintf(cand[n++], sizeof(cand[0]), "%s", env);
	} else {
		/* build/selftests/X or build/X: look in build/<release>/. */
		len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (len > 0) {
			char *slash;

			exe[len] = 0;
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = 0;
				snprintf(cand[n++], sizeof(cand[0]),
					 "%s/%s/aixipc.ko", exe, u.release);
				snprintf(cand[n++], sizeof(cand[0]),
					 "%s/../%s/aixipc.ko", exe, u.release);
			}
		}
		snprintf(cand[n++], sizeof(cand[0]),
			 "/work/main/build/%s/aixipc.ko", u.release);
	}
	for (i = 0; i < n; i++) {
		if (access(cand[i], R_OK))
			continue;
		if (!built_for_running_kernel(cand[i], u.release)) {
			snprintf(ko_skip, sizeof(ko_skip),
				 "%s is not built for %s", cand[i], u.release);
			return;
		}
		snprintf(ko_path, sizeof(ko_path), "%s", cand[i]);
		return;
	}
	snprintf(ko_skip, sizeof(ko_skip),
		 "no module file: set AIXIPC_KO, or build %s (make modules-all)",
		 cand[n - 1]);
}

/* "name=value ..." of every parameter in force, to reload it the same. */
static void save_params(void)
{
	DIR *d = opendir(SYSMOD "/parameters");
	struct dirent *de;
	size_t off = 0;

	ko_params[0] = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX], val[128];
		int n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYSMOD "/parameters/%s",
			 de->d_name);
		if (t_read_file(path, val, sizeof(val)))
			continue;
		n = snprintf(ko_params + off, sizeof(ko_params) - off, "%s%s=%s",
			     off ? " " : "", de->d_name, val);
		if (n < 0 || (size_t)n >= sizeof(ko_params) - off) {
			ko_params[off] = 0;
			break;
		}
		off += (size_t)n;
	}
	closedir(d);
}

static void __attribute__((constructor)) lifecycle_init(void)
{
	main_pid = getpid();
	find_module_file();
	if (module_loaded())
		save_params();
}

/* Whatever happened, leave the module loaded for the harness. */
static void __attribute__((destructor)) lifecycle_fini(void)
{
	int err;

	if (getpid() != main_pid || module_loaded() || !ko_path[0])
		return;
	err = load();
	fprintf(stderr, "# the module was left unloaded; reloading it: %s\n",
		err ? strerror(-err) : "done");
}

/*
 * Wait until /dev/aixipc exists (@present) or not.  Returns the
 * milliseconds waited, or -1.  A node must be the misc device sysfs
 * describes, with mode 0666.
 */
static int wait_node(bool present)
{
	struct timespec ts = { 0, 1000000 };
	int ms;

	for (ms = 0; ms <= NODE_WAIT_MS; ms++) {
		struct stat st;
		bool there = stat(AIXIPC_DEVICE, &st) == 0;

		if (there == present) {
			unsigned int maj, min;
			char dev[32];

			if (!present)
				return ms;
			if (t_read_file(MISCDEV, dev, sizeof(dev)) ||
			    sscanf(dev, "%u:%u", &maj, &min) != 2)
				return -1;
			if (!S_ISCHR(st.st_mode) ||
			    (st.st_mode & 07777) != 0666 ||
			    major(st.st_rdev) != maj ||
			    minor(st.st_rdev) != min)
				return -1;
			return ms;
		}
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* ---------------------------------------------------------------------- */
/* Objects that pin the module, per facility.                             */

struct obj_kind {
	const char *name;
	unsigned int kind;
	uint64_t feature;
	/* Create one object holding some data; id or -errno. */
	int (*create)(int fd, int32_t key);
	/* Is it intact (same id by key, same data)?  Consumes the data. */
	int (*check)(int fd, int32_t key, int id);
	int (*destroy)(int fd, int id);
};

static const char persist[] = "still here after a refused unload";

static int msg_create(int fd, int32_t key)
{
	int id = t_msgget(fd, key, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	int err;

	if (id < 0)
		return id;
	err = t_msgsnd(fd, id, 7, persist, sizeof(persist), AIXIPC_NOWAIT);
	if (err) {
		t_rmid(fd, id);
		return err;
	}
	return id;
}

static int msg_check(int fd, int32_t key, int id)
{
	struct aixipc_msqid_ds ds;
	struct aixipc_msgrcv r;
	char buf[sizeof(persist)];
	long n;

	if (t_msgget(fd, key, 0, 0) != id)
		return -ENOENT;
	if (t_msgctl(fd, id, AIXIPC_IPC_STAT, &ds) || ds.qnum != 1 ||
	    ds.cbytes != sizeof(persist))
		return -EIO;
	n = t_msgrcv(fd, id, 0, buf, sizeof(buf), AIXIPC_NOWAIT, &r);
	if (n != (long)sizeof(persist) || r.mtype != 7 ||
	    memcmp(buf, persist, sizeof(persist)))
		return -EIO;
	return 0;
}

/* Semaphore sets. */

/* GETVAL, GETPID: the value; SETVAL, RMID, GETALL, SETALL: 0; -errno. */
static int sctl(int fd, int id, uint32_t semnum, uint32_t cmd, int32_t val,
		uint16_t *array)
{
	struct aixipc_semctl c = {
		.id = id, .cmd = cmd, .semnum = semnum, .val = val,
		.array = (uintptr_t)array,
	};
	int err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c);

	if (err)
		return err;
	return cmd == AIXIPC_GETVAL || cmd == AIXIPC_GETPID ? c.val : 0;
}

static int getval(int fd, int id, unsigned int n)
{
	return sctl(fd, id, n, AIXIPC_GETVAL, 0, NULL);
}

/* SEM_UNDO operations +@d0 on semaphore 0 and +@d1 on 1, atomically. */
static int undo_ops(int fd, int id, int d0, int d1)
{
	struct aixipc_sembuf s[2] = {
		{ .sem_num = 0, .sem_op = (int16_t)d0,
		  .sem_flg = AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT },
		{ .sem_num = 1, .sem_op = (int16_t)d1,
		  .sem_flg = AIXIPC_SEM_UNDO | AIXIPC_SEM_NOWAIT },
	};

	return t_semop(fd, id, s, 2);
}

static const uint16_t sem_persist[3] = { 7, 32767, 1 };

static int sem_create(int fd, int32_t key)
{
	uint16_t vals[3];
	int id = t_semget(fd, key, 3, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
	int err;

	if (id < 0)
		return id;
	memcpy(vals, sem_persist, sizeof(vals));
	err = sctl(fd, id, 0, AIXIPC_SETALL, 0, vals);
	if (err) {
		t_semrmid(fd, id);
		return err;
	}
	return id;
}

static int sem_check(int fd, int32_t key, int id)
{
	struct aixipc_semctl c = { .id = id, .cmd = AIXIPC_IPC_STAT };
	uint16_t vals[3];

	if (t_semget(fd, key, 0, 0, 0600) != id)
		return -ENOENT;
	if (aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c) || c.ds.nsems != 3)
		return -EIO;
	if (sctl(fd, id, 0, AIXIPC_GETALL, 0, vals) ||
	    memcmp(vals, sem_persist, sizeof(vals)))
		return -EIO;
	return 0;
}

/* Shared memory segments: a pattern written through an attachment. */

#define SHM_PERSIST_SIZE (3 * 4096 + 100)

static unsigned char shm_byte(size_t i)
{
	return (unsigned char)(i * 31 + (i >> 12) + 7);
}

static int shm_create(int fd, int32_t key)
{
	int id = t_shmget(fd, key, SHM_PERSIST_SIZE, AIXIPC_CREAT | AIXIPC_EXCL,
			  0600);
	uint64_t len, got;
	unsigned char *p;
	size_t i;
	int err;

	if (id < 0)
		return id;
	err = t_shmat(fd, id, NULL, 0, (void **)&p, &len);
	if (err) {
		t_shm_rmid(fd, id);
		return err;
	}
	for (i = 0; i < SHM_PERSIST_SIZE; i++)
		p[i] = shm_byte(i);
	err = t_shmdt(fd, p, &got);
	if (err || got != len) {
		t_shm_rmid(fd, id);
		return err ? err : -EIO;
	}
	return id;
}

static int shm_check(int fd, int32_t key, int id)
{
	struct aixipc_shmid_ds ds;
	uint64_t len, got;
	unsigned char *p;
	size_t i;
	int err = 0;

	if (t_shmget(fd, key, 0, 0, 0) != id)
		return -ENOENT;
	if (t_shmctl(fd, id, AIXIPC_IPC_STAT, NULL, &ds) ||
	    ds.segsz != SHM_PERSIST_SIZE || ds.nattch)
		return -EIO;
	if (t_shmat(fd, id, NULL, AIXIPC_SHM_RDONLY, (void **)&p, &len))
		return -EIO;
	for (i = 0; i < SHM_PERSIST_SIZE && !err; i++)
		if (p[i] != shm_byte(i))
			err = -EIO;
	if (t_shmdt(fd, p, &got) || got != len)
		err = -EIO;
	return err;
}

static const struct obj_kind obj_kinds[] = {
	{ "message queue", AIXIPC_MSG, AIXIPC_FEATURE_MSG, msg_create,
	  msg_check, t_rmid },
	{ "semaphore set", AIXIPC_SEM, AIXIPC_FEATURE_SEM, sem_create,
	  sem_check, t_semrmid },
	{ "shared memory segment", AIXIPC_SHM, AIXIPC_FEATURE_SHM, shm_create,
	  shm_check, t_shm_rmid },
};
#define NKINDS (sizeof(obj_kinds) / sizeof(obj_kinds[0]))

/* A public key nobody else uses. */
#define test_key(salt)	t_test_key(0x6c, salt)

static uint64_t module_features(void)
{
	struct aixipc_version v;
	int fd = aixipc_open();

	if (fd < 0)
		return 0;
	memset(&v, 0, sizeof(v));
	if (aixipc_ioctl(fd, AIXIPC_IOC_VERSION, &v))
		v.features = 0;
	close(fd);
	return v.features;
}

/* ---------------------------------------------------------------------- */
/* The fixture.                                                           */

FIXTURE(lifecycle) {
	int fd;				/* closed before any unload */
	int ids[8];			/* objects to remove at teardown */
	int nids;
	int shm_ids[8];			/* segments to remove at teardown */
	int nshm;
	struct t_kids kids;
	bool limits_changed;		/* loaded with test limits: restore */
};

FIXTURE_SETUP(lifecycle)
{
	long refcnt;

	self->fd = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root (CAP_SYS_MODULE)");
	if (!module_loaded())
		SKIP(return, "the aixipc module is not loaded");
	if (!ko_path[0])
		SKIP(return, "%s", ko_skip);
	refcnt = module_refcnt();
	ASSERT_EQ(0, refcnt)
		TH_LOG("the module is in use (refcnt %ld) before the test: objects left by an earlier test, or /dev/aixipc open elsewhere?",
		       refcnt);
}

FIXTURE_TEARDOWN(lifecycle)
{
	int i, err, fd;

	t_kill_kids(&self->kids);
	if (self->fd >= 0)
		close(self->fd);
	if (!module_loaded() && ko_path[0]) {
		err = load();
		if (err)
			TH_LOG("cannot reload %s: %s", ko_path, strerror(-err));
	}
	fd = aixipc_open();
	if (fd >= 0) {
		for (i = 0; i < self->nids; i++)
			if (self->ids[i] >= 0)
				t_rmid(fd, self->ids[i]);
		for (i = 0; i < self->nshm; i++)
			if (self->shm_ids[i] >= 0)
				t_shm_rmid(fd, self->shm_ids[i]);
		close(fd);
	}
	/* A test that failed with its own limits in force: back to ours. */
	if (self->limits_changed && module_refcnt() == 0 && !unload()) {
		err = load();
		if (err)
			TH_LOG("cannot reload %s: %s", ko_path, strerror(-err));
	}
}

/* An object is gone: the teardown need not remove it. */
static void forget(FIXTURE_DATA(lifecycle) *self, int id)
{
	int i;

	for (i = 0; i < self->nids; i++)
		if (self->ids[i] == id)
			self->ids[i] = -1;
	for (i = 0; i < self->nshm; i++)
		if (self->shm_ids[i] == id)
			self->shm_ids[i] = -1;
}

/* Remember an object for the teardown, in the list of its kind. */
static void remember(FIXTURE_DATA(lifecycle) *self, unsigned int kind, int id)
{
	if (kind == AIXIPC_SHM)
		self->shm_ids[self->nshm++] = id;
	else
		self->ids[self->nids++] = id;
}

/* Unload (which must work: nothing pins the module), check, reload. */
static void unload_and_reload(struct __test_metadata *_metadata)
{
	int err;

	ASSERT_EQ(0, module_refcnt());
	err = unload();
	ASSERT_EQ(0, err) TH_LOG("delete_module: %s", strerror(-err));
	ASSERT_FALSE(module_loaded());
	ASSERT_LE(0, wait_node(false))
		TH_LOG("%s still there after the unload", AIXIPC_DEVICE);
	err = load();
	ASSERT_EQ(0, err) TH_LOG("finit_module %s: %s", ko_path, strerror(-err));
	ASSERT_TRUE(module_loaded());
	ASSERT_LE(0, wait_node(true))
		TH_LOG("no %s (or the wrong node) after the load", AIXIPC_DEVICE);
}

/* ====================================================================== */

TEST_F(lifecycle, unload_refused_while_an_object_exists_device_closed)
{
	const struct obj_kind *k;
	int id, err, i;

	if (_metadata->skip)
		return;
	for (k = obj_kinds; k < obj_kinds + NKINDS; k++) {
		int32_t key = test_key((int)(k - obj_kinds));

		if (!(module_features() & k->feature))
			continue;
		self->fd = aixipc_open();
		ASSERT_LE(0, self->fd);
		id = k->create(self->fd, key);
		ASSERT_LE(0, id) TH_LOG("creating a %s: %s", k->name,
					strerror(-id));
		remember(self, k->kind, id);
		ASSERT_EQ(0, close(self->fd));
		self->fd = -1;

		/* No process has the device open: only the object pins it. */
		ASSERT_EQ(1, module_refcnt());
		for (i = 0; i < 3; i++) {
			err = unload();
			ASSERT_EQ(-EWOULDBLOCK, err)
				TH_LOG("delete_module with a %s alive: %s",
				       k->name, err ? strerror(-err) : "unloaded!");
		}
		ASSERT_TRUE(module_loaded());
		ASSERT_LE(0, wait_node(true));

		/* The object is intact, then goes, and so does the pin. */
		self->fd = aixipc_open();
		ASSERT_LE(0, self->fd);
		ASSERT_EQ(0, k->check(self->fd, key, id))
			TH_LOG("the %s changed after the refused unload",
			       k->name);
		ASSERT_EQ(0, k->destroy(self->fd, id));
		forget(self, id);
		ASSERT_EQ(0, t_count_objects(self->fd, k->kind));
		ASSERT_EQ(0, close(self->fd));
		self->fd = -1;
		unload_and_reload(_metadata);
	}
}

/*
 * An object in another IPC namespace pins the module like one in the
 * initial namespace: a child makes one of each kind in a namespace of its
 * own and closes the device; the unload is refused until the child has
 * exited, its namespace has died and the module has removed the objects
 * (asynchronously: waited for with a deadline), then it works.
 */
TEST_F(lifecycle, unload_refused_while_another_namespace_holds_objects)
{
	const struct obj_kind *k;
	int go[2], ready[2], err, i, n = 0;
	char c = 0;
	pid_t pid;

	if (_metadata->skip)
		return;
	if (!(module_features() & AIXIPC_FEATURE_NS))
		SKIP(return, "the module has no IPC namespace support");
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	for (k = obj_kinds; k < obj_kinds + NKINDS; k++)
		if (module_features() & k->feature)
			n++;
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd, ok = 1;

		close(go[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWIPC))
			_exit(1);
		fd = aixipc_open();
		if (fd < 0)
			_exit(2);
		for (k = obj_kinds; k < obj_kinds + NKINDS; k++)
			if ((module_features() & k->feature) &&
			    k->create(fd, test_key((int)(k - obj_kinds))) < 0)
				ok = 0;
		close(fd);
		if (!ok || write(ready[1], "r", 1) != 1)
			_exit(3);
		/* Keep the namespace alive until told to go. */
		_exit(read(go[0], &c, 1) == 1 ? 0 : 4);
	}
	close(go[0]);
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);

	/* Only the child's objects pin it: no one has the device open. */
	ASSERT_EQ(n, module_refcnt());
	for (i = 0; i < 3; i++) {
		err = unload();
		EXPECT_EQ(-EWOULDBLOCK, err)
			TH_LOG("delete_module with objects in another namespace: %s",
			       err ? strerror(-err) : "unloaded!");
	}
	ASSERT_TRUE(module_loaded());

	/* The namespace dies with its last task; its objects go. */
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(0, t_reap(&self->kids, pid));
	for (i = 0; i < 10000 && module_refcnt() != 0; i++)
		usleep(1000);
	ASSERT_EQ(0, module_refcnt())
		TH_LOG("the dead namespace's objects still pin the module after 10 s");
	unload_and_reload(_metadata);
}

TEST_F(lifecycle, unload_refused_while_device_open_then_works_once_closed)
{
	int fd2, err, status;
	pid_t pid;

	if (_metadata->skip)
		return;
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(1, module_refcnt());
	err = unload();
	ASSERT_EQ(-EWOULDBLOCK, err)
		TH_LOG("delete_module with the device open: %s",
		       err ? strerror(-err) : "unloaded!");

	/* A dup is the same open file: it keeps the pin alone. */
	fd2 = dup(self->fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, close(self->fd));
	self->fd = fd2;
	ASSERT_EQ(-EWOULDBLOCK, unload());

	/* So does a child that inherited it. */
	pid = t_spawn(&self->kids);
	ASSERT_LE(0, pid);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(-EWOULDBLOCK, unload());
	ASSERT_EQ(1, module_refcnt());
	ASSERT_EQ(0, kill(pid, SIGKILL));
	status = t_reap(&self->kids, pid);
	ASSERT_EQ(1000 + SIGKILL, status);

	/* Last reference gone: it unloads. */
	unload_and_reload(_metadata);
}

/*
 * Blocked processes hold a reference on their queue, not on the module:
 * after IPC_RMID wakes them, the last put frees the queue through an RCU
 * callback in the module, which must not outlive the unload.
 */
TEST_F(lifecycle, unload_right_after_rmid_woke_blocked_processes)
{
	static char big[64 << 10];
	pid_t rcv, snd;
	int a, b;

	if (_metadata->skip)
		return;
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	a = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, a);
	self->ids[self->nids++] = a;
	b = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, b);
	self->ids[self->nids++] = b;
	/* b is full: a sender of 64 KiB more blocks. */
	{
		struct aixipc_msqid_ds ds;

		ASSERT_EQ(0, t_msgctl(self->fd, b, AIXIPC_IPC_STAT, &ds));
		ds.qbytes = sizeof(big);
		ASSERT_EQ(0, t_msgctl(self->fd, b, AIXIPC_IPC_SET, &ds));
	}
	ASSERT_EQ(0, t_msgsnd(self->fd, b, 1, big, sizeof(big), AIXIPC_NOWAIT));

	rcv = t_spawn(&self->kids);
	ASSERT_LE(0, rcv);
	if (rcv == 0) {
		char buf[16];

		_exit(-t_msgrcv(self->fd, a, 0, buf, sizeof(buf), 0, NULL));
	}
	snd = t_spawn(&self->kids);
	ASSERT_LE(0, snd);
	if (snd == 0)
		_exit(-t_msgsnd(self->fd, b, 2, big, sizeof(big), 0));
	ASSERT_EQ(0, t_wait_sleeping_in(rcv, "aixipc_"));
	ASSERT_EQ(0, t_wait_sleeping_in(snd, "aixipc_"));

	ASSERT_EQ(0, t_rmid(self->fd, a));
	forget(self, a);
	ASSERT_EQ(0, t_rmid(self->fd, b));
	forget(self, b);
	ASSERT_EQ(EIDRM, t_reap(&self->kids, rcv));
	ASSERT_EQ(EIDRM, t_reap(&self->kids, snd));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	unload_and_reload(_metadata);
}

/*
 * A process's SEM_UNDO adjustments do not pin the module; the set does.
 * Child A holds adjustments on a set and closes its descriptor: only the
 * set pins the module, and unloading is refused.  Child B's adjustments
 * are undone at its exit while the set exists.  The set is removed (its
 * adjustments dropped) while A lives; A exits after that; then unloading
 * works.
 */
TEST_F(lifecycle, set_pins_module_undo_process_exits_after_rmid)
{
	int id, err, i, rel[2], ready[2];
	pid_t a, b;
	char c;

	if (_metadata->skip)
		return;
	if (!(module_features() & AIXIPC_FEATURE_SEM))
		SKIP(return, "the module has no semaphores");
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	id = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 2, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, id);
	self->ids[self->nids++] = id;
	ASSERT_EQ(0, sctl(self->fd, id, 0, AIXIPC_SETVAL, 1, NULL));
	ASSERT_EQ(0, pipe(rel));
	ASSERT_EQ(0, pipe(ready));

	a = t_spawn(&self->kids);
	ASSERT_LE(0, a);
	if (a == 0) {
		close(rel[1]);
		close(ready[0]);
		err = undo_ops(self->fd, id, -1, 2);
		close(self->fd);	/* now only the set pins the module */
		if (write(ready[1], "a", 1) != 1 || err)
			_exit(1);
		while (read(rel[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(rel[0]);
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	ASSERT_EQ(0, getval(self->fd, id, 0));
	ASSERT_EQ(2, getval(self->fd, id, 1));

	b = t_spawn(&self->kids);
	ASSERT_LE(0, b);
	if (b == 0) {
		close(rel[1]);
		_exit(undo_ops(self->fd, id, 0, 3) ? 1 : 0);
	}
	ASSERT_EQ(0, t_reap(&self->kids, b));
	ASSERT_EQ(0, getval(self->fd, id, 0));
	ASSERT_EQ(2, getval(self->fd, id, 1))
		TH_LOG("B's exit did not undo its +3");

	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(1, module_refcnt());
	for (i = 0; i < 3; i++) {
		err = unload();
		ASSERT_EQ(-EWOULDBLOCK, err)
			TH_LOG("delete_module with a set alive: %s",
			       err ? strerror(-err) : "unloaded!");
	}
	ASSERT_TRUE(module_loaded());

	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, getval(self->fd, id, 0));
	ASSERT_EQ(2, getval(self->fd, id, 1));
	ASSERT_EQ(0, t_semrmid(self->fd, id));
	forget(self, id);
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(0, module_refcnt());

	/* A exits with adjustments for a set that is gone. */
	close(rel[1]);
	ASSERT_EQ(0, t_reap(&self->kids, a));
	unload_and_reload(_metadata);
}

/*
 * A child that made SEM_UNDO calls in one module instance, whose set was
 * removed, lives on across the unload and load; released, it makes
 * SEM_UNDO calls in the new instance and exits: the new instance's exit
 * probe undoes them (and the old one, unregistered, does nothing).
 */
static pid_t straggler_start(FIXTURE_DATA(lifecycle) *self, int id, int *relw)
{
	int rel[2], ready[2];
	pid_t pid;
	char c;

	if (pipe(rel) || pipe(ready))
		return -1;
	pid = t_spawn(&self->kids);
	if (pid == 0) {
		int next, fd, err;

		close(rel[1]);
		close(ready[0]);
		err = undo_ops(self->fd, id, -1, 2);
		close(self->fd);
		if (write(ready[1], "s", 1) != 1 || err)
			_exit(1);
		close(ready[1]);
		/* The set id of the next instance, or -1: just exit. */
		if (read(rel[0], &next, sizeof(next)) != sizeof(next))
			_exit(2);
		if (next < 0)
			_exit(0);
		fd = aixipc_open();
		if (fd < 0 || undo_ops(fd, next, -1, 1))
			_exit(3);
		_exit(getval(fd, next, 0) == 0 ? 0 : 4);
	}
	close(rel[0]);
	close(ready[1]);
	if (pid < 0 || read(ready[0], &c, 1) != 1) {
		close(rel[1]);
		close(ready[0]);
		return -1;
	}
	close(ready[0]);
	*relw = rel[1];
	return pid;
}

/* Release the straggler with the next set (or -1); its exit status. */
static int straggler_release(FIXTURE_DATA(lifecycle) *self, pid_t pid,
			     int *relw, int next)
{
	int ok = write(*relw, &next, sizeof(next)) == sizeof(next);

	close(*relw);
	*relw = -1;
	return ok ? t_reap(&self->kids, pid) : -1;
}

TEST_F_TIMEOUT(lifecycle, ten_load_unload_cycles_with_objects, 300)
{
	static unsigned char out[64 << 10], in[64 << 10];
	struct aixipc_version v0, v;
	int cycle, max_wait = 0, relw = -1;
	bool sem = module_features() & AIXIPC_FEATURE_SEM;
	pid_t straggler = 0;
	unsigned int i;

	if (_metadata->skip)
		return;
	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + (i >> 8));
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	memset(&v0, 0, sizeof(v0));
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v0));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;

	for (cycle = 0; cycle < 10; cycle++) {
		int32_t key = test_key(cycle);
		struct aixipc_msgrcv r;
		int err, ms, q[3], j;

		err = unload();
		ASSERT_EQ(0, err) TH_LOG("cycle %d: delete_module: %s", cycle,
					 strerror(-err));
		ASSERT_FALSE(module_loaded());
		ASSERT_LE(0, wait_node(false))
			TH_LOG("cycle %d: %s outlived the module", cycle,
			       AIXIPC_DEVICE);
		err = aixipc_open();
		ASSERT_EQ(-1, err);
		ASSERT_EQ(ENOENT, errno);

		err = load();
		ASSERT_EQ(0, err) TH_LOG("cycle %d: finit_module: %s", cycle,
					 strerror(-err));
		ms = wait_node(true);
		ASSERT_LE(0, ms) TH_LOG("cycle %d: no %s, or the wrong node",
					cycle, AIXIPC_DEVICE);
		if (ms > max_wait)
			max_wait = ms;

		self->fd = aixipc_open();
		ASSERT_LE(0, self->fd) TH_LOG("cycle %d: open: %s", cycle,
					      strerror(errno));
		memset(&v, 0, sizeof(v));
		ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
		/* Reloaded with the same parameters. */
		ASSERT_EQ(0, memcmp(&v0.limits, &v.limits, sizeof(v.limits)));
		ASSERT_EQ(0, t_count_objects(self->fd, AIXIPC_MSG));

		q[0] = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT,
				0600);
		q[1] = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT,
				0600);
		q[2] = t_msgget(self->fd, key, AIXIPC_CREAT | AIXIPC_EXCL, 0600);
		for (j = 0; j < 3; j++) {
			ASSERT_LE(0, q[j]);
			self->ids[self->nids++] = q[j];
		}
		ASSERT_EQ(q[2], t_msgget(self->fd, key, 0, 0));
		ASSERT_EQ(3, t_count_objects(self->fd, AIXIPC_MSG));
		ASSERT_EQ(4, module_refcnt());	/* the file and 3 queues */
		for (j = 0; j < 3; j++) {
			ASSERT_EQ(0, t_msgsnd(self->fd, q[j], j + 1, out,
					      sizeof(out), AIXIPC_NOWAIT));
			ASSERT_EQ(0, t_msgsnd(self->fd, q[j], 9, "tail", 4,
					      AIXIPC_NOWAIT));
		}
		for (j = 0; j < 3; j++) {
			memset(in, 0, sizeof(in));
			ASSERT_EQ((long)sizeof(in),
				  t_msgrcv(self->fd, q[j], 0, in, sizeof(in),
					   AIXIPC_NOWAIT, &r));
			ASSERT_EQ(j + 1, r.mtype);
			ASSERT_EQ(0, memcmp(in, out, sizeof(in)));
		}
		/* Each queue goes with a message still in it. */
		for (j = 0; j < 3; j++) {
			ASSERT_EQ(0, t_rmid(self->fd, q[j]));
			forget(self, q[j]);
		}
		self->nids = 0;
		ASSERT_EQ(-ENOENT, t_msgget(self->fd, key, 0, 0));
		ASSERT_EQ(0, t_count_objects(self->fd, AIXIPC_MSG));

		if (sem) {
			int sid;
			pid_t pid;

			ASSERT_EQ(0, t_count_objects(self->fd, AIXIPC_SEM));
			sid = t_semget(self->fd, AIXIPC_KEY_PRIVATE, 2,
				       AIXIPC_CREAT, 0600);
			ASSERT_LE(0, sid);
			self->ids[self->nids++] = sid;
			ASSERT_EQ(0, sctl(self->fd, sid, 0, AIXIPC_SETVAL, 1,
					  NULL));
			ASSERT_EQ(2, module_refcnt());	/* the file and the set */
			/* Last instance's straggler: -1, +1 here, then exits. */
			if (straggler > 0) {
				ASSERT_EQ(0, straggler_release(self, straggler,
							       &relw, sid))
					TH_LOG("cycle %d: the straggler failed",
					       cycle);
				ASSERT_EQ(1, getval(self->fd, sid, 0))
					TH_LOG("cycle %d: the straggler's exit was not undone",
					       cycle);
				ASSERT_EQ(0, getval(self->fd, sid, 1));
				ASSERT_EQ(straggler, sctl(self->fd, sid, 0,
							  AIXIPC_GETPID, 0,
							  NULL));
				straggler = 0;
			}
			/* A child that exits in this instance. */
			pid = t_spawn(&self->kids);
			ASSERT_LE(0, pid);
			if (pid == 0)
				_exit(undo_ops(self->fd, sid, -1, 3) ? 1 : 0);
			ASSERT_EQ(0, t_reap(&self->kids, pid));
			ASSERT_EQ(1, getval(self->fd, sid, 0));
			ASSERT_EQ(0, getval(self->fd, sid, 1));
			/* This instance's straggler: outlives the set. */
			straggler = straggler_start(self, sid, &relw);
			ASSERT_LT(0, straggler);
			ASSERT_EQ(0, getval(self->fd, sid, 0));
			ASSERT_EQ(2, getval(self->fd, sid, 1));
			ASSERT_EQ(0, t_semrmid(self->fd, sid));
			forget(self, sid);
			self->nids = 0;
		}
		ASSERT_EQ(0, close(self->fd));
		self->fd = -1;
		ASSERT_EQ(0, module_refcnt());
	}
	if (straggler > 0) {
		/* After the 10th cycle: it exits after yet another reload. */
		unload_and_reload(_metadata);
		ASSERT_EQ(0, straggler_release(self, straggler, &relw, -1));
		self->fd = aixipc_open();
		ASSERT_LE(0, self->fd);
		ASSERT_EQ(0, t_count_objects(self->fd, AIXIPC_SEM));
		ASSERT_EQ(0, close(self->fd));
		self->fd = -1;
		ASSERT_EQ(0, module_refcnt());
	}
	TH_LOG("10 cycles; %s appeared within %d ms of each load", AIXIPC_DEVICE,
	       max_wait);
	ASSERT_TRUE(module_loaded());
}

/*
 * The id limits are module parameters: loaded with msgmni=3 and semmni=2,
 * the fourth queue and the third set fail with ENOSPC, exactly at the
 * limit, and a removal makes room again.
 */
TEST_F(lifecycle, id_limits_reached_exactly_enospc)
{
	int q[4], sets[3], i, err, fd;

	self->fd = -1;
	if (geteuid() != 0)
		SKIP(return, "needs root (CAP_SYS_MODULE)");
	if (!module_loaded())
		SKIP(return, "the aixipc module is not loaded");
	if (!ko_path[0])
		SKIP(return, "%s", ko_skip);
	ASSERT_EQ(0, module_refcnt());
	ASSERT_EQ(0, unload());
	ASSERT_LE(0, wait_node(false));
	err = load_with("msgmni=3 semmni=2");
	ASSERT_EQ(0, err) TH_LOG("finit_module with small limits: %s",
				 strerror(-err));
	ASSERT_LE(0, wait_node(true));
	fd = aixipc_open();
	ASSERT_LE(0, fd);

	for (i = 0; i < 3; i++) {
		q[i] = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
		EXPECT_LE(0, q[i]);
	}
	EXPECT_EQ(-ENOSPC, t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-ENOSPC, t_msgget(fd, test_key(90), AIXIPC_CREAT, 0600));
	EXPECT_EQ(0, t_rmid(fd, q[2]));
	q[3] = t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	EXPECT_LE(0, q[3]);

	for (i = 0; i < 2; i++) {
		sets[i] = t_semget(fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT,
				   0600);
		EXPECT_LE(0, sets[i]);
	}
	sets[2] = t_semget(fd, AIXIPC_KEY_PRIVATE, 1, AIXIPC_CREAT, 0600);
	EXPECT_EQ(-ENOSPC, sets[2]);
	/* Each facility has its own limit: queues are still full. */
	EXPECT_EQ(-ENOSPC, t_msgget(fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600));

	for (i = 0; i < 4; i++)
		if (i != 2 && q[i] >= 0)
			EXPECT_EQ(0, t_rmid(fd, q[i]));
	for (i = 0; i < 2; i++)
		if (sets[i] >= 0)
			EXPECT_EQ(0, t_semrmid(fd, sets[i]));
	close(fd);

	/* Back to the limits in force at start. */
	ASSERT_EQ(0, unload());
	ASSERT_LE(0, wait_node(false));
	ASSERT_EQ(0, load());
	ASSERT_LE(0, wait_node(true));
}

/* ====================================================================== */
/* Shared memory: attachments pin the module; the limits.                 */

/*
 * Two processes attach a segment and close their descriptors; it is
 * removed while attached, and the test closes its own descriptor.  The
 * segment lives on for its attachments, and so does the module: each
 * attachment holds a reference, the segment one more.  Unloading is
 * refused until the first process unmaps its attachment and the second
 * is SIGKILLed attached; then it unloads, with nothing left behind.
 */
TEST_F(lifecycle, shm_removed_attached_segment_pins_module_until_last_detach)
{
	int ready[2], rel[2], id, i;
	struct aixipc_shmid_ds ds;
	pid_t kid[2];
	char c;

	if (_metadata->skip)
		return;
	if (!(module_features() & AIXIPC_FEATURE_SHM))
		SKIP(return, "the module has no shared memory");
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	id = t_shmget(self->fd, AIXIPC_KEY_PRIVATE, 2 * 4096, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, id);
	remember(self, AIXIPC_SHM, id);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(rel));
	for (i = 0; i < 2; i++) {
		kid[i] = t_spawn(&self->kids);
		ASSERT_LE(0, kid[i]);
		if (kid[i] == 0) {
			uint64_t len;
			void *p;

			close(ready[0]);
			close(rel[1]);
			if (t_shmat(self->fd, id, NULL, 0, &p, &len))
				_exit(1);
			memset(p, i + 1, len);
			close(self->fd);	/* only the attachment is left */
			if (write(ready[1], "r", 1) != 1)
				_exit(2);
			if (i == 1)
				for (;;)
					pause();	/* until SIGKILLed */
			while (read(rel[0], &c, 1) > 0)
				;
			_exit(munmap(p, len) ? 3 : 0);
		}
	}
	close(ready[1]);
	close(rel[0]);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("a child failed to attach");
	close(ready[0]);

	ASSERT_EQ(0, t_shm_rmid(self->fd, id));
	ASSERT_EQ(0, t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, &ds));
	ASSERT_EQ(2ULL, ds.nattch);
	ASSERT_EQ((uint32_t)AIXIPC_SHM_DEST, ds.status);
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	/* No descriptor open: the segment and its two attachments pin it. */
	ASSERT_EQ(3, module_refcnt());
	for (i = 0; i < 3; i++)
		ASSERT_EQ(-EWOULDBLOCK, unload())
			TH_LOG("delete_module with a removed segment attached twice");
	ASSERT_TRUE(module_loaded());

	/* One detaches with munmap: the other attachment holds on. */
	close(rel[1]);
	ASSERT_EQ(0, t_reap(&self->kids, kid[0]));
	ASSERT_EQ(2, module_refcnt());
	ASSERT_EQ(-EWOULDBLOCK, unload());
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, t_shmctl(self->fd, id, AIXIPC_IPC_STAT, NULL, &ds));
	ASSERT_EQ(1ULL, ds.nattch);
	ASSERT_EQ((uint32_t)AIXIPC_SHM_DEST, ds.status);
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;

	/* The other dies attached: its exit is the last detach. */
	ASSERT_EQ(0, kill(kid[1], SIGKILL));
	ASSERT_EQ(1000 + SIGKILL, t_reap(&self->kids, kid[1]));
	forget(self, id);
	ASSERT_EQ(0, module_refcnt())
		TH_LOG("the last attachment is gone, yet the module is pinned");
	unload_and_reload(_metadata);
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, t_count_objects(self->fd, AIXIPC_SHM));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
}

/* Reload with @params (the test's limits), open; -errno on failure. */
static int reload_with(FIXTURE_DATA(lifecycle) *self, const char *params,
		       struct aixipc_limits *lim)
{
	struct aixipc_version v;
	int err = unload();

	if (err)
		return err;
	self->limits_changed = true;
	if (wait_node(false) < 0)
		return -ETIMEDOUT;
	err = load_with(params);
	if (err)
		return err;
	if (wait_node(true) < 0)
		return -ETIMEDOUT;
	self->fd = aixipc_open();
	if (self->fd < 0)
		return -errno;
	memset(&v, 0, sizeof(v));
	err = aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v);
	*lim = v.limits;
	return err;
}

/* Back to the limits in force at start. */
static void restore_limits(struct __test_metadata *_metadata,
			   FIXTURE_DATA(lifecycle) *self)
{
	if (self->fd >= 0)
		close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, module_refcnt());
	ASSERT_EQ(0, unload());
	ASSERT_LE(0, wait_node(false));
	ASSERT_EQ(0, load());
	ASSERT_LE(0, wait_node(true));
	self->limits_changed = false;
}

static int new_seg(FIXTURE_DATA(lifecycle) *self, int32_t key, uint64_t size)
{
	int id = t_shmget(self->fd, key, size, AIXIPC_CREAT | AIXIPC_EXCL, 0600);

	if (id >= 0)
		remember(self, AIXIPC_SHM, id);
	return id;
}

static int rm_seg(FIXTURE_DATA(lifecycle) *self, int id)
{
	int err = t_shm_rmid(self->fd, id);

	if (!err)
		forget(self, id);
	return err;
}

/*
 * Loaded with shmmni=3: the fourth segment fails with ENOSPC, exactly at
 * the limit, whether private or keyed, while lookups still work.  A
 * segment removed but still attached keeps its id: still ENOSPC, until
 * its last detach.
 */
TEST_F(lifecycle, shm_id_limit_shmmni_reached_exactly_enospc)
{
	struct aixipc_limits lim;
	struct aixipc_info in;
	int32_t key = test_key(7);
	int seg[4], err;
	uint64_t len, got;
	void *p;

	if (_metadata->skip)
		return;
	if (!(module_features() & AIXIPC_FEATURE_SHM))
		SKIP(return, "the module has no shared memory");
	err = reload_with(self, "shmmni=3", &lim);
	ASSERT_EQ(0, err) TH_LOG("reloading with shmmni=3: %s", strerror(-err));
	ASSERT_EQ(3ULL, lim.shmmni);

	seg[0] = new_seg(self, AIXIPC_KEY_PRIVATE, 4096);
	seg[1] = new_seg(self, AIXIPC_KEY_PRIVATE, 1);
	seg[2] = new_seg(self, key, 3 * 4096);
	ASSERT_LE(0, seg[0]);
	ASSERT_LE(0, seg[1]);
	ASSERT_LE(0, seg[2]);
	EXPECT_EQ(-ENOSPC, t_shmget(self->fd, AIXIPC_KEY_PRIVATE, 4096,
				    AIXIPC_CREAT, 0600));
	EXPECT_EQ(-ENOSPC, t_shmget(self->fd, test_key(8), 4096, AIXIPC_CREAT,
				    0600));
	EXPECT_EQ(seg[2], t_shmget(self->fd, key, 0, 0, 0));
	EXPECT_EQ(seg[2], t_shmget(self->fd, key, 4096, AIXIPC_CREAT, 0600));
	in = t_info_of(self->fd, AIXIPC_SHM);
	EXPECT_EQ(3ULL, in.in_use);
	EXPECT_EQ(2LL, in.max_slot);
	EXPECT_EQ(5ULL, in.count);

	/* Removed but attached: it still takes an id. */
	ASSERT_EQ(0, t_shmat(self->fd, seg[0], NULL, 0, &p, &len));
	ASSERT_EQ(0, rm_seg(self, seg[0]));
	EXPECT_EQ(-ENOSPC, t_shmget(self->fd, AIXIPC_KEY_PRIVATE, 4096,
				    AIXIPC_CREAT, 0600));
	EXPECT_EQ(3ULL, t_info_of(self->fd, AIXIPC_SHM).in_use);
	ASSERT_EQ(0, t_shmdt(self->fd, p, &got));
	ASSERT_EQ(len, got);
	EXPECT_EQ(2ULL, t_info_of(self->fd, AIXIPC_SHM).in_use);
	seg[3] = new_seg(self, AIXIPC_KEY_PRIVATE, 4096);
	EXPECT_LE(0, seg[3]);
	EXPECT_EQ(-ENOSPC, t_shmget(self->fd, AIXIPC_KEY_PRIVATE, 4096,
				    AIXIPC_CREAT, 0600));

	EXPECT_EQ(0, rm_seg(self, seg[1]));
	EXPECT_EQ(0, rm_seg(self, seg[2]));
	if (seg[3] >= 0)
		EXPECT_EQ(0, rm_seg(self, seg[3]));
	EXPECT_EQ(0ULL, t_info_of(self->fd, AIXIPC_SHM).in_use);
	restore_limits(_metadata, self);
}

/*
 * Loaded with shmall=8 (pages): a segment, or a growth by SHM_SIZE, that
 * would take the total past 8 pages fails with ENOSPC, and one that
 * reaches exactly 8 works; partial pages count whole.  What a shrink or a
 * removal frees can be taken again, but only once a removed segment's
 * last attachment is gone.
 */
TEST_F(lifecycle, shm_total_pages_limit_shmall_enospc)
{
	struct aixipc_limits lim;
	struct aixipc_shmid_ds ds;
	uint64_t size, len, got;
	int a, b, c, d, err;
	void *p;

	if (_metadata->skip)
		return;
	if (!(module_features() & AIXIPC_FEATURE_SHM))
		SKIP(return, "the module has no shared memory");
	err = reload_with(self, "shmall=8", &lim);
	ASSERT_EQ(0, err) TH_LOG("reloading with shmall=8: %s", strerror(-err));
	ASSERT_EQ(8ULL, lim.shmall);

	a = new_seg(self, AIXIPC_KEY_PRIVATE, 5 * 4096);
	ASSERT_LE(0, a);
	EXPECT_EQ(-ENOSPC, new_seg(self, AIXIPC_KEY_PRIVATE, 4 * 4096));
	EXPECT_EQ(-ENOSPC, new_seg(self, test_key(9), 3 * 4096 + 1));
	b = new_seg(self, AIXIPC_KEY_PRIVATE, 3 * 4096);	/* exactly 8 */
	ASSERT_LE(0, b);
	EXPECT_EQ(-ENOSPC, new_seg(self, AIXIPC_KEY_PRIVATE, 1));
	EXPECT_EQ(8ULL, t_info_of(self->fd, AIXIPC_SHM).count);

	/* Growth past it fails and changes nothing; within a page is free. */
	size = 6 * 4096;
	EXPECT_EQ(-ENOSPC, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	ASSERT_EQ(0, t_shmctl(self->fd, a, AIXIPC_IPC_STAT, NULL, &ds));
	EXPECT_EQ(5ULL * 4096, ds.segsz);
	size = 5 * 4096 - 10;
	EXPECT_EQ(0, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	size = 5 * 4096;
	EXPECT_EQ(0, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	/* A shrink frees pages for a growth elsewhere. */
	size = 4096;
	EXPECT_EQ(0, t_shmctl(self->fd, b, AIXIPC_SHM_SIZE, &size, NULL));
	EXPECT_EQ(6ULL, t_info_of(self->fd, AIXIPC_SHM).count);
	size = 7 * 4096;
	EXPECT_EQ(0, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	size = 7 * 4096 + 1;
	EXPECT_EQ(-ENOSPC, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	EXPECT_EQ(8ULL, t_info_of(self->fd, AIXIPC_SHM).count);

	/* Removed but attached: still counted, still charged. */
	ASSERT_EQ(0, t_shmat(self->fd, b, NULL, 0, &p, &len));
	ASSERT_EQ(0, rm_seg(self, b));
	EXPECT_EQ(-ENOSPC, new_seg(self, AIXIPC_KEY_PRIVATE, 1));
	EXPECT_EQ(8ULL, t_info_of(self->fd, AIXIPC_SHM).count);
	ASSERT_EQ(0, t_shmdt(self->fd, p, &got));
	c = new_seg(self, AIXIPC_KEY_PRIVATE, 4096);
	EXPECT_LE(0, c);
	EXPECT_EQ(-ENOSPC, new_seg(self, AIXIPC_KEY_PRIVATE, 1));

	/* Removal frees all of it. */
	ASSERT_EQ(0, rm_seg(self, a));
	d = new_seg(self, AIXIPC_KEY_PRIVATE, 7 * 4096);
	EXPECT_LE(0, d);
	EXPECT_EQ(-ENOSPC, new_seg(self, AIXIPC_KEY_PRIVATE, 1));
	EXPECT_EQ(8ULL, t_info_of(self->fd, AIXIPC_SHM).count);
	if (c >= 0)
		EXPECT_EQ(0, rm_seg(self, c));
	if (d >= 0)
		EXPECT_EQ(0, rm_seg(self, d));
	EXPECT_EQ(0ULL, t_info_of(self->fd, AIXIPC_SHM).count);
	restore_limits(_metadata, self);
}

/*
 * Loaded with shmmin=100 and shmmax=3 pages + 1: shmget of a new segment
 * and SHM_SIZE take sizes within them (EINVAL just outside, the size left
 * as it was); looking a key up takes any size up to the segment's.
 * Limits that contradict each other make the load fail.
 */
TEST_F(lifecycle, shm_size_limits_shmmin_shmmax_einval)
{
	const uint64_t mx = 3 * 4096 + 1;
	struct aixipc_limits lim;
	struct aixipc_shmid_ds ds;
	int32_t key = test_key(10);
	uint64_t size, len, got;
	int a, b, err;
	void *p;

	if (_metadata->skip)
		return;
	if (!(module_features() & AIXIPC_FEATURE_SHM))
		SKIP(return, "the module has no shared memory");
	err = reload_with(self, "shmmin=100 shmmax=12289", &lim);
	ASSERT_EQ(0, err) TH_LOG("reloading with shmmin=100 shmmax=12289: %s",
				 strerror(-err));
	ASSERT_EQ(100ULL, lim.shmmin);
	ASSERT_EQ(mx, lim.shmmax);

	EXPECT_EQ(-EINVAL, new_seg(self, AIXIPC_KEY_PRIVATE, 99));
	EXPECT_EQ(-EINVAL, new_seg(self, AIXIPC_KEY_PRIVATE, 0));
	EXPECT_EQ(-EINVAL, new_seg(self, AIXIPC_KEY_PRIVATE, mx + 1));
	EXPECT_EQ(-EINVAL, new_seg(self, key, mx + 1));
	EXPECT_EQ(-ENOENT, t_shmget(self->fd, key, 0, 0, 0));
	a = new_seg(self, AIXIPC_KEY_PRIVATE, 100);
	ASSERT_LE(0, a);
	b = new_seg(self, key, mx);
	ASSERT_LE(0, b);
	EXPECT_EQ(b, t_shmget(self->fd, key, 0, 0, 0));
	EXPECT_EQ(b, t_shmget(self->fd, key, 50, 0, 0));
	EXPECT_EQ(b, t_shmget(self->fd, key, mx, AIXIPC_CREAT, 0600));
	EXPECT_EQ(-EINVAL, t_shmget(self->fd, key, mx + 1, AIXIPC_CREAT, 0600));

	size = 99;
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	size = mx + 1;
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	size = 0;
	EXPECT_EQ(-EINVAL, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	ASSERT_EQ(0, t_shmctl(self->fd, a, AIXIPC_IPC_STAT, NULL, &ds));
	EXPECT_EQ(100ULL, ds.segsz);
	size = mx;
	EXPECT_EQ(0, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	ASSERT_EQ(0, t_shmat(self->fd, a, NULL, 0, &p, &len));
	EXPECT_EQ(4ULL * 4096, len);
	ASSERT_EQ(0, t_shmdt(self->fd, p, &got));
	size = 100;
	EXPECT_EQ(0, t_shmctl(self->fd, a, AIXIPC_SHM_SIZE, &size, NULL));
	ASSERT_EQ(0, t_shmat(self->fd, a, NULL, 0, &p, &len));
	EXPECT_EQ(4096ULL, len);
	ASSERT_EQ(0, t_shmdt(self->fd, p, &got));
	EXPECT_EQ(0, rm_seg(self, a));
	EXPECT_EQ(0, rm_seg(self, b));

	/* Contradicting limits: no load. */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(0, unload());
	ASSERT_LE(0, wait_node(false));
	EXPECT_EQ(-EINVAL, load_with("shmmin=0"));
	EXPECT_FALSE(module_loaded());
	EXPECT_EQ(-EINVAL, load_with("shmmin=8192 shmmax=4096"));
	EXPECT_FALSE(module_loaded());
	EXPECT_EQ(-EINVAL, load_with("shmmni=1048577"));
	EXPECT_FALSE(module_loaded());
	if (module_loaded())
		ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load());
	ASSERT_LE(0, wait_node(true));
	self->limits_changed = false;
}



/*
 * Every limit that the id encoding, the UAPI's types or AIX's own bounds
 * cannot carry refuses the load (EINVAL) and leaves no module behind;
 * the largest value each can carry loads.
 */
TEST_F(lifecycle, limits_out_of_range_refuse_the_load)
{
	static const char *const refused[] = {
		"msgmni=1048577", "semmni=1048577", "shmmni=1048577",
		"msgmax=2147483648", "msgmnb=2147483648",
		"msgmnm=0", "msgmnm=2147483648",
		"semmsl=0", "semmsl=65536", "semopm=0", "semopm=65536",
		"semvmx=32768", "semaem=32768",
		"shmmin=0", "shmmin=8192 shmmax=4096",
	};
	static const char *const accepted =
		"msgmni=1048576 semmni=1048576 shmmni=1048576 msgmax=2147483647 msgmnb=2147483647 msgmnm=2147483647 semmsl=65535 semopm=65535 semvmx=32767 semaem=32767 shmmin=4096 shmmax=4096";
	unsigned int i;

	if (_metadata->skip)
		return;
	ASSERT_EQ(0, unload());
	ASSERT_LE(0, wait_node(false));
	self->limits_changed = true;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		EXPECT_EQ(-EINVAL, load_with(refused[i]))
			TH_LOG("loading with %s", refused[i]);
		EXPECT_FALSE(module_loaded()) TH_LOG("after %s", refused[i]);
		if (module_loaded())
			ASSERT_EQ(0, unload());
	}
	EXPECT_EQ(0, load_with(accepted));
	if (module_loaded())
		ASSERT_EQ(0, unload());
	ASSERT_EQ(0, load());
	ASSERT_LE(0, wait_node(true));
	self->limits_changed = false;
}

TEST_HARNESS_MAIN
