// SPDX-License-Identifier: GPL-2.0
/*
 * The ABI rules every ioctl follows: the handshake, versioning by size,
 * rejection of unknown commands, flags and reserved fields, and bad
 * argument pointers.  One test per rejection path.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "aixipc_test.h"
#include "kselftest_harness.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", AIXIPC_DEVICE,
				      strerror(errno));
}

FIXTURE_TEARDOWN(dev)
{
	close(self->fd);
}

/* Change the size encoded in an ioctl command, keeping everything else. */
static unsigned long with_size(unsigned long cmd, unsigned int size)
{
	return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), size);
}

static uint64_t param(const char *name)
{
	char path[128], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/aixipc/parameters/%s", name);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return UINT64_MAX;
	}
	fclose(f);
	return strtoull(buf, NULL, 0);
}

TEST(device_is_world_accessible)
{
	struct stat st;

	ASSERT_EQ(0, stat(AIXIPC_DEVICE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 0777);
}

TEST_F(dev, handshake_reports_abi_features_and_limits)
{
	struct aixipc_version v = { 0 };

	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
	EXPECT_EQ(AIXIPC_ABI_VERSION, v.abi_version);
	EXPECT_TRUE(v.features & AIXIPC_FEATURE_MSG);
	EXPECT_TRUE(v.features & AIXIPC_FEATURE_LIST);
	/* The limits in force are the module parameters. */
	EXPECT_EQ(param("msgmax"), v.limits.msgmax);
	EXPECT_EQ(param("msgmnb"), v.limits.msgmnb);
	EXPECT_EQ(param("msgmnm"), v.limits.msgmnm);
	EXPECT_EQ(param("msgmni"), v.limits.msgmni);
	EXPECT_EQ(param("semmni"), v.limits.semmni);
	EXPECT_EQ(param("semmsl"), v.limits.semmsl);
	EXPECT_EQ(param("semopm"), v.limits.semopm);
	EXPECT_EQ(param("semvmx"), v.limits.semvmx);
	EXPECT_EQ(param("semaem"), v.limits.semaem);
	EXPECT_EQ(param("semume"), v.limits.semume);
	EXPECT_EQ(param("shmmax"), v.limits.shmmax);
	EXPECT_EQ(param("shmmin"), v.limits.shmmin);
	EXPECT_EQ(param("shmmni"), v.limits.shmmni);
	EXPECT_EQ(param("shmall"), v.limits.shmall);
}

/* The release is the project's VERSION, as modinfo and sysfs show it. */
TEST_F(dev, handshake_reports_the_release_modinfo_shows)
{
	struct aixipc_version v;
	char sys[32];
	size_t n;

	/* Garbage in the output field: all of it is overwritten. */
	memset(&v, 0, sizeof(v));
	memset(v.release, 0xff, sizeof(v.release));
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
	ASSERT_EQ(0, t_read_file("/sys/module/aixipc/version", sys,
				 sizeof(sys)));
	ASSERT_NE(0, sys[0]);
	n = strnlen(v.release, sizeof(v.release));
	ASSERT_LT(n, sizeof(v.release));
	EXPECT_STREQ(sys, v.release);
	for (; n < sizeof(v.release); n++)
		EXPECT_EQ(0, v.release[n]);
}

/* A caller built before the release field still gets the rest. */
TEST_F(dev, handshake_without_release_field_accepted)
{
	size_t old = offsetof(struct aixipc_version, release);
	struct aixipc_version v;

	memset(&v, 0, sizeof(v));
	memset(v.release, 'x', sizeof(v.release));
	ASSERT_EQ(0, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_VERSION, old), &v));
	EXPECT_EQ(AIXIPC_ABI_VERSION, v.abi_version);
	EXPECT_EQ(param("msgmax"), v.limits.msgmax);
	/* Nothing written past the caller's struct. */
	EXPECT_EQ('x', v.release[0]);
	EXPECT_EQ('x', v.release[sizeof(v.release) - 1]);
}

TEST(default_limits_are_aix_7)
{
	EXPECT_EQ(4u << 20, param("msgmax"));
	EXPECT_EQ(4u << 20, param("msgmnb"));
	EXPECT_EQ(524288, param("msgmnm"));
	EXPECT_EQ(1048576, param("msgmni"));
	EXPECT_EQ(1048576, param("semmni"));
	EXPECT_EQ(65535, param("semmsl"));
	EXPECT_EQ(1024, param("semopm"));
	EXPECT_EQ(32767, param("semvmx"));
	EXPECT_EQ(16384, param("semaem"));
	EXPECT_EQ(1024, param("semume"));
	EXPECT_EQ(1048576, param("shmmni"));
}

TEST_F(dev, limits_are_read_only_parameters)
{
	struct stat st;

	ASSERT_EQ(0, stat("/sys/module/aixipc/parameters/msgmax", &st));
	EXPECT_EQ(0444, st.st_mode & 0777);
}

TEST_F(dev, handshake_nonzero_flags_einval)
{
	struct aixipc_version v = { .flags = 1 };

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
}

TEST_F(dev, unknown_command_number_enotty)
{
	char buf[64] = { 0 };

	EXPECT_EQ(-ENOTTY, aixipc_ioctl(self->fd,
			_IOWR(AIXIPC_IOC_MAGIC, 0x7f, char[64]), buf));
	/* A number inside the table's range that names no command. */
	EXPECT_EQ(-ENOTTY, aixipc_ioctl(self->fd,
			_IOWR(AIXIPC_IOC_MAGIC, 0x05, char[64]), buf));
}

TEST_F(dev, foreign_type_byte_enotty)
{
	struct aixipc_version v = { 0 };

	EXPECT_EQ(-ENOTTY, aixipc_ioctl(self->fd,
			_IOWR('x', 0x00, struct aixipc_version), &v));
}

TEST_F(dev, wrong_direction_enotty)
{
	struct aixipc_version v = { 0 };

	EXPECT_EQ(-ENOTTY, aixipc_ioctl(self->fd,
			_IOR(AIXIPC_IOC_MAGIC, 0x00, struct aixipc_version), &v));
	EXPECT_EQ(-ENOTTY, aixipc_ioctl(self->fd,
			_IOW(AIXIPC_IOC_MAGIC, 0x00, struct aixipc_version), &v));
}

TEST_F(dev, struct_shorter_than_abi_1_einval)
{
	struct aixipc_version v = { 0 };

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_VERSION,
				  offsetof(struct aixipc_version, release) - 8),
			&v));
}

TEST_F(dev, longer_struct_with_zero_tail_accepted)
{
	struct {
		struct aixipc_version v;
		uint8_t tail[24];
	} big;

	memset(&big, 0, sizeof(big));
	ASSERT_EQ(0, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_VERSION, sizeof(big)), &big));
	EXPECT_EQ(AIXIPC_ABI_VERSION, big.v.abi_version);
}

TEST_F(dev, longer_struct_with_nonzero_tail_einval)
{
	struct {
		struct aixipc_version v;
		uint8_t tail[24];
	} big;

	memset(&big, 0, sizeof(big));
	big.tail[23] = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_VERSION, sizeof(big)), &big));
}

TEST_F(dev, unmapped_argument_efault)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, p));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, NULL));
	munmap(p, 4096);
}

/*
 * An argument that carries results and can be read but not written fails
 * before acting.
 */
TEST_F(dev, read_only_argument_efault_without_side_effect)
{
	struct aixipc_get *g = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int32_t key = 0x5a000000 | (getpid() & 0xffffff);

	ASSERT_NE(MAP_FAILED, g);
	g->kind = AIXIPC_MSG;
	g->key = key;
	g->flags = AIXIPC_CREAT;
	g->mode = 0600;
	ASSERT_EQ(0, mprotect(g, 4096, PROT_READ));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, g));
	/* Nothing was created. */
	EXPECT_EQ(-ENOENT, t_msgget(self->fd, key, 0, 0));
	munmap(g, 4096);
}

/*
 * msgsnd and semop only read their struct, so a read-only one works, at
 * the size the module knows (its fast path) and at a longer one (the
 * general path); msgrcv's carries results, so it fails and leaves the
 * message queued.
 */
TEST_F(dev, input_only_structs_work_from_read_only_memory)
{
	struct {
		struct aixipc_msgsnd s;
		uint8_t tail[16];
	} *snd = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct {
		struct aixipc_semop op;
		uint8_t tail[16];
	} *sop;
	struct aixipc_msgrcv *rcv;
	struct aixipc_sembuf sb = { .sem_num = 0, .sem_op = 1 };
	struct aixipc_semctl c = { .cmd = AIXIPC_GETVAL };
	struct aixipc_get g = {
		.kind = AIXIPC_SEM, .key = AIXIPC_KEY_PRIVATE,
		.flags = AIXIPC_CREAT, .mode = 0600, .size = 1,
	};
	struct t_msgbuf *m = malloc(sizeof(*m) + 8);
	char text[8];
	int q, sid;

	ASSERT_NE(MAP_FAILED, snd);
	ASSERT_NE(NULL, m);
	sop = (void *)((char *)snd + 1024);
	rcv = (void *)((char *)snd + 2048);
	q = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, q);
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
	sid = g.id;
	m->mtype = 7;
	memcpy(m->mtext, "readonly", 8);
	*snd = (typeof(*snd)){ .s = { .id = q, .msgp = (uintptr_t)m,
		.size = 8, .type_size = sizeof(long) } };
	*sop = (typeof(*sop)){ .op = { .id = sid, .sops = (uintptr_t)&sb,
		.nsops = 1 } };
	*rcv = (struct aixipc_msgrcv){ .id = q, .flags = AIXIPC_NOWAIT,
		.msgp = (uintptr_t)m, .size = 8, .type_size = sizeof(long) };
	ASSERT_EQ(0, mprotect(snd, 4096, PROT_READ));

	EXPECT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGSND, &snd->s));
	EXPECT_EQ(0, aixipc_ioctl(self->fd, with_size(AIXIPC_IOC_MSGSND,
						      sizeof(*snd)), snd));
	EXPECT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_SEMOP, &sop->op));
	EXPECT_EQ(0, aixipc_ioctl(self->fd, with_size(AIXIPC_IOC_SEMOP,
						      sizeof(*sop)), sop));
	c.id = sid;
	EXPECT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_SEMCTL, &c));
	EXPECT_EQ(2, c.val);

	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV, rcv));
	EXPECT_EQ(8, t_msgrcv(self->fd, q, 0, text, 8, AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(8, t_msgrcv(self->fd, q, 0, text, 8, AIXIPC_NOWAIT, NULL));
	EXPECT_EQ(0, memcmp(text, "readonly", 8));
	EXPECT_EQ(-ENOMSG, t_msgrcv(self->fd, q, 0, text, 8, AIXIPC_NOWAIT, NULL));

	/* The fast path's copy fails cleanly too. */
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_SEMOP, NULL));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGSND, NULL));
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV, NULL));

	EXPECT_EQ(0, t_rmid(self->fd, q));
	c.cmd = AIXIPC_IPC_RMID;
	EXPECT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_SEMCTL, &c));
	munmap(snd, 4096);
	free(m);
}

TEST_F(dev, get_unknown_flag_einval)
{
	struct aixipc_get g = {
		.kind = AIXIPC_MSG, .key = AIXIPC_KEY_PRIVATE,
		.flags = 1u << 7, .mode = 0600,
	};

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
}

TEST_F(dev, get_nonzero_reserved_einval)
{
	struct aixipc_get g = {
		.kind = AIXIPC_MSG, .key = AIXIPC_KEY_PRIVATE,
		.flags = AIXIPC_CREAT, .mode = 0600, .__reserved = 1,
	};

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
}

TEST_F(dev, get_unknown_kind_einval)
{
	struct aixipc_get g = {
		.kind = AIXIPC_NR_KINDS, .key = AIXIPC_KEY_PRIVATE,
		.flags = AIXIPC_CREAT, .mode = 0600,
	};

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
}

TEST_F(dev, get_mode_beyond_permission_bits_einval)
{
	struct aixipc_get g = {
		.kind = AIXIPC_MSG, .key = AIXIPC_KEY_PRIVATE,
		.flags = AIXIPC_CREAT, .mode = 01600,
	};

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
}

TEST_F(dev, msgrcv_nonzero_reserved_einval)
{
	struct aixipc_msgrcv r = { .id = 0, .__reserved = 1 };

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGRCV, &r));
}

TEST_F(dev, msgctl_unknown_command_einval)
{
	int id = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	struct aixipc_msgctl c = { .id = id, .cmd = 99 };

	ASSERT_LE(0, id);
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_MSGCTL, &c));
	EXPECT_EQ(0, t_rmid(self->fd, id));
}

TEST_F(dev, msgctl_set_nonzero_reserved_einval)
{
	int id = t_msgget(self->fd, AIXIPC_KEY_PRIVATE, AIXIPC_CREAT, 0600);
	struct aixipc_msqid_ds ds;

	ASSERT_LE(0, id);
	ASSERT_EQ(0, t_msgctl(self->fd, id, AIXIPC_IPC_STAT, &ds));
	ds.__reserved = 1;
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	ds.__reserved = 0;
	ds.perm.__reserved = 1;
	EXPECT_EQ(-EINVAL, t_msgctl(self->fd, id, AIXIPC_IPC_SET, &ds));
	EXPECT_EQ(0, t_rmid(self->fd, id));
}

TEST_F(dev, list_nonzero_flags_einval)
{
	struct aixipc_list_entry e[1];
	struct aixipc_list l = {
		.kind = AIXIPC_MSG, .flags = 1, .entries = (uintptr_t)e,
		.count = 1, .entry_size = sizeof(e[0]),
	};

	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_LIST, &l));
}

/*
 * The hot calls (get, semop, msgsnd, msgrcv) have a fast path for the
 * struct the module knows; a longer struct takes the general one, with
 * the same rules: a zero tail works, a non-zero tail is EINVAL.
 */
TEST_F(dev, get_with_a_longer_struct_takes_the_general_path)
{
	struct {
		struct aixipc_get g;
		uint8_t tail[16];
	} big;
	int32_t key = 0x5b000000 | (getpid() & 0xffffff);

	memset(&big, 0, sizeof(big));
	big.g.kind = AIXIPC_MSG;
	big.g.key = key;
	big.g.flags = AIXIPC_CREAT;
	big.g.mode = 0600;
	ASSERT_EQ(0, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_GET, sizeof(big)), &big));
	ASSERT_LE(0, big.g.id);
	EXPECT_EQ(big.g.id, t_msgget(self->fd, key, 0, 0));
	big.tail[15] = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_GET, sizeof(big)), &big));
	EXPECT_EQ(0, t_rmid(self->fd, big.g.id));
}

/*
 * A listing whose array runs into an unmapped page fails with EFAULT at
 * the first entry that does not fit, and changes nothing.
 */
TEST_F(dev, list_into_an_array_that_runs_into_unmapped_memory_efault)
{
	const size_t esz = sizeof(struct aixipc_list_entry);
	int32_t key = 0x5c000000 | (getpid() & 0xffffff);
	struct aixipc_list l;
	char *mem;
	int a, b;

	a = t_msgget(self->fd, key, AIXIPC_CREAT, 0600);
	b = t_msgget(self->fd, key + 1, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	mem = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, munmap(mem + 4096, 4096));
	memset(&l, 0, sizeof(l));
	l.kind = AIXIPC_MSG;
	l.entries = (uintptr_t)(mem + 4096 - esz);	/* room for one */
	l.count = 64;
	l.entry_size = esz;
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_LIST, &l));
	l.entries = (uintptr_t)(mem + 4096);		/* room for none */
	EXPECT_EQ(-EFAULT, aixipc_ioctl(self->fd, AIXIPC_IOC_LIST, &l));
	EXPECT_EQ(a, t_msgget(self->fd, key, 0, 0));
	EXPECT_EQ(b, t_msgget(self->fd, key + 1, 0, 0));
	EXPECT_EQ(0, t_rmid(self->fd, a));
	EXPECT_EQ(0, t_rmid(self->fd, b));
	munmap(mem, 4096);
}

/*
 * IPC namespaces (AIXIPC_FEATURE_NS): the fields and struct they added,
 * and the older entry and list sizes still accepted.
 */
TEST(ns_struct_layout)
{
	EXPECT_EQ(32, offsetof(struct aixipc_list, ns));
	EXPECT_EQ(40, sizeof(struct aixipc_list));
	EXPECT_EQ(AIXIPC_LIST_ENTRY_SIZE_V1,
		  offsetof(struct aixipc_list_entry, ns));
	EXPECT_EQ(264, sizeof(struct aixipc_list_entry));
	EXPECT_EQ(0, offsetof(struct aixipc_ns_ctl, cmd));
	EXPECT_EQ(4, offsetof(struct aixipc_ns_ctl, kind));
	EXPECT_EQ(8, offsetof(struct aixipc_ns_ctl, ns));
	EXPECT_EQ(16, offsetof(struct aixipc_ns_ctl, id));
	EXPECT_EQ(20, offsetof(struct aixipc_ns_ctl, __reserved));
	EXPECT_EQ(24, offsetof(struct aixipc_ns_ctl, limits));
	EXPECT_EQ(136, sizeof(struct aixipc_ns_ctl));
	EXPECT_EQ(0ULL, AIXIPC_NS_SELF);
	EXPECT_EQ(~0ULL, AIXIPC_NS_ALL);
}

TEST_F(dev, handshake_reports_namespaces)
{
	struct aixipc_version v = { 0 };

	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & AIXIPC_FEATURE_NS);
}

/* The inode number of the caller's IPC namespace. */
static uint64_t own_ns(void)
{
	struct stat st;

	return stat("/proc/self/ns/ipc", &st) ? 0 : (uint64_t)st.st_ino;
}

/*
 * LIST of two queues (at least: others may exist) into entries of @esz
 * bytes over a buffer of 0xa5: each entry is written in its first
 * min(@esz, sizeof) bytes, zeros after them, nothing past the last.
 * Return: the number of entries, or -1 (after logging) on a bad one.
 */
static int list_with_entry_size(struct __test_metadata *_metadata, int fd,
				uint32_t esz)
{
	const size_t room = 64, full = sizeof(struct aixipc_list_entry);
	int32_t key = 0x5d000000 | (getpid() & 0xffffff);
	unsigned char *buf = malloc(room * esz + 64);
	struct aixipc_list_entry e;
	struct aixipc_list l;
	int a, b, seen = 0, ret = -1;
	uint64_t ns = own_ns();
	uint32_t i;
	size_t j;

	ASSERT_NE(NULL, buf);
	a = t_msgget(fd, key, AIXIPC_CREAT, 0600);
	b = t_msgget(fd, key + 1, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	memset(buf, 0xa5, room * esz + 64);
	memset(&l, 0, sizeof(l));
	EXPECT_EQ(0, t_list_call(fd, &l, AIXIPC_MSG, buf, room, esz));
	EXPECT_LE(2, l.count);
	EXPECT_GT(room, l.count);
	for (i = 0; i < l.count; i++) {
		memset(&e, 0, sizeof(e));
		memcpy(&e, buf + (size_t)i * esz, esz < full ? esz : full);
		EXPECT_EQ(AIXIPC_MSG, e.kind);
		seen += e.id == a || e.id == b;
		/* As much of ns as fits (little endian: the low bytes). */
		if (esz >= full) {
			EXPECT_EQ(ns, e.ns);
		} else if (esz > AIXIPC_LIST_ENTRY_SIZE_V1) {
			EXPECT_EQ(0, memcmp(&e.ns, &ns,
					    esz - AIXIPC_LIST_ENTRY_SIZE_V1));
		}
		for (j = full; j < esz; j++)
			EXPECT_EQ(0, buf[(size_t)i * esz + j]);
	}
	EXPECT_EQ(2, seen);
	/* Not a byte past the last entry. */
	for (j = (size_t)l.count * esz; j < room * esz + 64; j++)
		if (buf[j] != 0xa5) {
			TH_LOG("byte %zu past %u entries of %u written", j,
			       l.count, esz);
			break;
		}
	if (j == room * esz + 64)
		ret = (int)l.count;
	EXPECT_EQ(0, t_rmid(fd, a));
	EXPECT_EQ(0, t_rmid(fd, b));
	free(buf);
	return ret;
}

TEST_F(dev, list_entry_size_v1_writes_256_bytes_per_entry)
{
	EXPECT_LE(2, list_with_entry_size(_metadata, self->fd,
					  AIXIPC_LIST_ENTRY_SIZE_V1));
}

TEST_F(dev, list_entry_size_between_v1_and_current_works)
{
	EXPECT_LE(2, list_with_entry_size(_metadata, self->fd,
					  AIXIPC_LIST_ENTRY_SIZE_V1 + 4));
	EXPECT_LE(2, list_with_entry_size(_metadata, self->fd,
					  sizeof(struct aixipc_list_entry) - 1));
	EXPECT_LE(2, list_with_entry_size(_metadata, self->fd,
					  sizeof(struct aixipc_list_entry)));
	EXPECT_LE(2, list_with_entry_size(_metadata, self->fd,
					  sizeof(struct aixipc_list_entry) + 8));
}

TEST_F(dev, list_entry_size_below_v1_einval)
{
	struct aixipc_list_entry e[2];
	struct aixipc_list l;

	memset(&l, 0, sizeof(l));
	EXPECT_EQ(-EINVAL, t_list_call(self->fd, &l, AIXIPC_MSG, e, 2,
				       AIXIPC_LIST_ENTRY_SIZE_V1 - 1));
}

/*
 * A program built before struct aixipc_list had ns sends the 32 bytes it
 * knew: zero-extended, it lists its own namespace.
 */
TEST_F(dev, list_struct_without_ns_lists_own_namespace)
{
	const unsigned int old = offsetof(struct aixipc_list, ns);
	int32_t key = 0x5e000000 | (getpid() & 0xffffff);
	struct aixipc_list_entry e[64];
	struct aixipc_list l;
	int a, seen = 0;
	uint32_t i;

	a = t_msgget(self->fd, key, AIXIPC_CREAT, 0600);
	ASSERT_LE(0, a);
	memset(&l, 0, sizeof(l));
	l.kind = AIXIPC_MSG;
	l.entries = (uintptr_t)e;
	l.count = 64;
	l.entry_size = AIXIPC_LIST_ENTRY_SIZE_V1;
	EXPECT_EQ(0, aixipc_ioctl(self->fd, with_size(AIXIPC_IOC_LIST, old),
				  &l));
	for (i = 0; i < l.count && i < 64; i++)
		seen += ((struct aixipc_list_entry *)
			 ((char *)e + (size_t)i * AIXIPC_LIST_ENTRY_SIZE_V1))->id == a;
	EXPECT_EQ(1, seen);
	EXPECT_EQ(0, t_rmid(self->fd, a));
}

/* AIXIPC_IOC_NS is a command: its errors are its own, never ENOTTY. */
TEST_F(dev, ns_ioctl_is_known)
{
	struct aixipc_ns_ctl c;
	struct {
		struct aixipc_ns_ctl c;
		uint8_t tail[16];
	} big;

	memset(&c, 0, sizeof(c));
	EXPECT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c));
	EXPECT_NE(0, c.limits.msgmni);
	c.cmd = 99;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c));
	/* Versioned by size like every command. */
	memset(&big, 0, sizeof(big));
	EXPECT_EQ(0, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_NS, sizeof(big)), &big));
	EXPECT_EQ(c.limits.msgmni, big.c.limits.msgmni);
	big.tail[15] = 1;
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_NS, sizeof(big)), &big));
	EXPECT_EQ(-EINVAL, aixipc_ioctl(self->fd,
			with_size(AIXIPC_IOC_NS, sizeof(c) - 8), &c));
	/* Anyone may read their own namespace's limits. */
	memset(&c, 0, sizeof(c));
	EXPECT_EQ(0, AS_NOBODY(aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &c)));
	EXPECT_EQ(-EPERM, AS_NOBODY(({
		struct aixipc_ns_ctl n = { .cmd = AIXIPC_NS_NEXT };
		aixipc_ioctl(self->fd, AIXIPC_IOC_NS, &n);
	})));
}

/*
 * AIXIPC_STAT_INDEX and AIXIPC_STAT_INDEX_ANY, in each facility's *_ctl:
 * the id field is a slot in, the object's id out.
 */
FIXTURE(stat_index) {
	int fd;
	int id;		/* an object of the variant's kind, mode 0600 */
	int index;	/* its slot, found with AIXIPC_STAT_INDEX_ANY */
};

FIXTURE_VARIANT(stat_index) {
	uint32_t kind;
	uint64_t size;	/* what the get asks for */
};

FIXTURE_VARIANT_ADD(stat_index, msg) { .kind = AIXIPC_MSG, .size = 0 };
FIXTURE_VARIANT_ADD(stat_index, sem) { .kind = AIXIPC_SEM, .size = 2 };
FIXTURE_VARIANT_ADD(stat_index, shm) { .kind = AIXIPC_SHM, .size = 4096 };

/*
 * One status command of @kind's *_ctl on @id (an index for the STAT_INDEX
 * commands).  Return: 0 or -errno; on success *out_id is the struct's id
 * field as the call left it and *perm the object's credentials.
 */
static int kind_stat(int fd, uint32_t kind, uint32_t cmd, int id, int *out_id,
		     struct aixipc_ipc_perm *perm)
{
	union {
		struct aixipc_msgctl m;
		struct aixipc_semctl s;
		struct aixipc_shmctl h;
	} c;
	int err;

	memset(&c, 0, sizeof(c));
	switch (kind) {
	case AIXIPC_MSG:
		c.m.id = id;
		c.m.cmd = cmd;
		err = aixipc_ioctl(fd, AIXIPC_IOC_MSGCTL, &c.m);
		*out_id = c.m.id;
		*perm = c.m.ds.perm;
		break;
	case AIXIPC_SEM:
		c.s.id = id;
		c.s.cmd = cmd;
		err = aixipc_ioctl(fd, AIXIPC_IOC_SEMCTL, &c.s);
		*out_id = c.s.id;
		*perm = c.s.ds.perm;
		break;
	default:
		c.h.id = id;
		c.h.cmd = cmd;
		err = aixipc_ioctl(fd, AIXIPC_IOC_SHMCTL, &c.h);
		*out_id = c.h.id;
		*perm = c.h.ds.perm;
		break;
	}
	return err;
}

/* kind_stat() returning the id the call reported, or -errno. */
static int stat_id(int fd, uint32_t kind, uint32_t cmd, int index)
{
	struct aixipc_ipc_perm perm;
	int id, err;

	err = kind_stat(fd, kind, cmd, index, &id, &perm);
	return err ? err : id;
}

/* stat_id() in a child running as uid/gid 65534, no capabilities. */
static int stat_id_as_nobody(int fd, uint32_t kind, uint32_t cmd, int index)
{
	int pfd[2], v = INT_MIN, status;
	pid_t pid;

	if (pipe(pfd))
		return INT_MIN;
	pid = fork();
	if (pid == 0) {
		v = t_become_user(65534) ? INT_MIN : stat_id(fd, kind, cmd, index);
		_exit(write(pfd[1], &v, sizeof(v)) == sizeof(v) ? 0 : 1);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &v, sizeof(v)) != sizeof(v))
		v = INT_MIN;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return v;
}

FIXTURE_SETUP(stat_index)
{
	struct aixipc_get g = {
		.kind = variant->kind, .key = AIXIPC_KEY_PRIVATE, .mode = 0600,
		.size = variant->size,
	};
	struct aixipc_info info;
	int i;

	self->fd = aixipc_open();
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_GET, &g));
	self->id = g.id;
	ASSERT_EQ(0, t_info(self->fd, variant->kind, &info));
	ASSERT_LE(0, info.max_slot);
	/* Exactly one slot answers with the new object's id. */
	self->index = -1;
	for (i = 0; i <= info.max_slot; i++) {
		if (stat_id(self->fd, variant->kind, AIXIPC_STAT_INDEX_ANY,
			    i) != self->id)
			continue;
		ASSERT_EQ(-1, self->index) TH_LOG("slots %d and %d", self->index, i);
		self->index = i;
	}
	ASSERT_LE(0, self->index) TH_LOG("id %d in no slot", self->id);
}

FIXTURE_TEARDOWN(stat_index)
{
	if (self->id >= 0)
		t_rmid_kind(self->fd, variant->kind, self->id);
	close(self->fd);
}

TEST_F(dev, handshake_reports_stat_index)
{
	struct aixipc_version v = { 0 };

	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & AIXIPC_FEATURE_STAT_INDEX);
}

TEST_F(stat_index, both_commands_return_the_id_and_status_of_the_slot)
{
	static const uint32_t cmds[] = { AIXIPC_STAT_INDEX, AIXIPC_STAT_INDEX_ANY };
	struct aixipc_ipc_perm perm, byid;
	unsigned int i;
	int id;

	ASSERT_EQ(0, kind_stat(self->fd, variant->kind, AIXIPC_IPC_STAT,
			       self->id, &id, &byid));
	EXPECT_EQ(self->id, id);
	for (i = 0; i < 2; i++) {
		id = -1;
		memset(&perm, 0xff, sizeof(perm));
		ASSERT_EQ(0, kind_stat(self->fd, variant->kind, cmds[i],
				       self->index, &id, &perm));
		EXPECT_EQ(self->id, id) TH_LOG("cmd %u", cmds[i]);
		EXPECT_EQ(0600U, perm.mode);
		EXPECT_EQ(AIXIPC_KEY_PRIVATE, perm.key);
		EXPECT_EQ(0, memcmp(&perm, &byid, sizeof(perm)));
	}
}

TEST_F(stat_index, negative_or_out_of_range_index_einval)
{
	static const int bad[] = { -1, INT_MIN, 1 << 20, INT_MAX };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, stat_id(self->fd, variant->kind,
					   AIXIPC_STAT_INDEX, bad[i]))
			TH_LOG("index %d", bad[i]);
		EXPECT_EQ(-EINVAL, stat_id(self->fd, variant->kind,
					   AIXIPC_STAT_INDEX_ANY, bad[i]))
			TH_LOG("index %d", bad[i]);
	}
}

TEST_F(stat_index, index_at_the_id_limit_einval)
{
	struct aixipc_version v = { 0 };
	uint64_t max;

	ASSERT_EQ(0, aixipc_ioctl(self->fd, AIXIPC_IOC_VERSION, &v));
	max = variant->kind == AIXIPC_MSG ? v.limits.msgmni :
	      variant->kind == AIXIPC_SEM ? v.limits.semmni : v.limits.shmmni;
	ASSERT_GT(max, (uint64_t)self->index);
	if (max > INT_MAX)
		SKIP(return, "limit %llu beyond an index", (unsigned long long)max);
	EXPECT_EQ(-EINVAL, stat_id(self->fd, variant->kind, AIXIPC_STAT_INDEX,
				   (int)max));
	EXPECT_EQ(-EINVAL, stat_id(self->fd, variant->kind,
				   AIXIPC_STAT_INDEX_ANY, (int)max));
}

TEST_F(stat_index, slot_of_a_removed_object_einval)
{
	ASSERT_EQ(0, t_rmid_kind(self->fd, variant->kind, self->id));
	self->id = -1;
	EXPECT_EQ(-EINVAL, stat_id(self->fd, variant->kind, AIXIPC_STAT_INDEX,
				   self->index));
	EXPECT_EQ(-EINVAL, stat_id(self->fd, variant->kind,
				   AIXIPC_STAT_INDEX_ANY, self->index));
}

TEST_F(stat_index, read_permission_needed_by_stat_index_not_by_any)
{
	EXPECT_EQ(-EACCES, stat_id_as_nobody(self->fd, variant->kind,
					     AIXIPC_STAT_INDEX, self->index));
	EXPECT_EQ(self->id, stat_id_as_nobody(self->fd, variant->kind,
					      AIXIPC_STAT_INDEX_ANY,
					      self->index));
	/* IPC_STAT of the same object by its id is refused the same way. */
	EXPECT_EQ(-EACCES, stat_id_as_nobody(self->fd, variant->kind,
					     AIXIPC_IPC_STAT, self->id));
	EXPECT_EQ(self->id, stat_id(self->fd, variant->kind, AIXIPC_STAT_INDEX,
				    self->index));
}

TEST_HARNESS_MAIN
