// SPDX-License-Identifier: GPL-2.0
/*
 * A program as a user of the packages builds it: against the installed
 * libaixipc, with `pkg-config --cflags --libs libaixipc`.  The package test
 * (selftests/package-test) uses it to make objects that a package upgrade
 * must not lose, and to check them afterwards.
 *
 *   objects create | check | remove
 *
 * create: a queue holding two messages (one of 1 MiB, beyond Linux's
 * native limits), a set of three semaphores, a 1 MiB segment with a
 * pattern; check: all of them still there, unchanged; remove: IPC_RMID.
 * Exit status 0 on success; what is wrong goes to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#include <aixipc.h>

#define KEY	0x61697831	/* "aix1" */
#define BIG	(1 << 20)

struct big_msg {
	long mtype;
	char mtext[BIG];
};

static const unsigned short sem_values[3] = { 7, 8, 9 };

static int fail(const char *what)
{
	fprintf(stderr, "objects: %s: %s\n", what, strerror(errno));
	return 1;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 31 + 7);
}

static int create(void)
{
	static struct big_msg m;
	int q = msgget(KEY, IPC_CREAT | IPC_EXCL | 0644);
	int s = semget(KEY, 3, IPC_CREAT | IPC_EXCL | 0644);
	int h = shmget(KEY, BIG, IPC_CREAT | IPC_EXCL | 0644);
	unsigned char *p;
	size_t i;

	if (q < 0 || s < 0 || h < 0)
		return fail("msgget/semget/shmget");
	m.mtype = 1;
	strcpy(m.mtext, "kept across the upgrade");
	if (msgsnd(q, &m, strlen(m.mtext) + 1, 0))
		return fail("msgsnd");
	m.mtype = 2;
	memset(m.mtext, 'x', BIG);
	if (msgsnd(q, &m, BIG, 0))
		return fail("msgsnd 1 MiB");
	if (semctl(s, 0, SETALL, sem_values))
		return fail("semctl SETALL");
	p = shmat(h, NULL, 0);
	if (p == (void *)-1)
		return fail("shmat");
	for (i = 0; i < BIG; i++)
		p[i] = pattern(i);
	return shmdt(p) ? fail("shmdt") : 0;
}

static int check(void)
{
	int q = msgget(KEY, 0), s = semget(KEY, 0, 0), h = shmget(KEY, 0, 0);
	unsigned short v[3];
	struct msqid_ds ds;
	unsigned char *p;
	size_t i;

	if (q < 0 || s < 0 || h < 0)
		return fail("msgget/semget/shmget of the objects");
	if (msgctl(q, IPC_STAT, &ds))
		return fail("msgctl IPC_STAT");
	if (ds.msg_qnum != 2 || ds.msg_cbytes < BIG) {
		fprintf(stderr, "objects: the queue holds %lu messages, %lu bytes\n",
			(unsigned long)ds.msg_qnum, (unsigned long)ds.msg_cbytes);
		return 1;
	}
	if (semctl(s, 0, GETALL, v))
		return fail("semctl GETALL");
	if (memcmp(v, sem_values, sizeof(v))) {
		fprintf(stderr, "objects: semaphores %u %u %u\n", v[0], v[1], v[2]);
		return 1;
	}
	p = shmat(h, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		return fail("shmat");
	for (i = 0; i < BIG; i++) {
		if (p[i] != pattern(i)) {
			fprintf(stderr, "objects: segment byte %zu changed\n", i);
			return 1;
		}
	}
	return shmdt(p) ? fail("shmdt") : 0;
}

static int remove_all(void)
{
	int q = msgget(KEY, 0), s = semget(KEY, 0, 0), h = shmget(KEY, 0, 0);

	if (q < 0 || s < 0 || h < 0)
		return fail("msgget/semget/shmget of the objects");
	if (msgctl(q, IPC_RMID, NULL) || semctl(s, 0, IPC_RMID) ||
	    shmctl(h, IPC_RMID, NULL))
		return fail("IPC_RMID");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "create"))
		return create();
	if (argc == 2 && !strcmp(argv[1], "check"))
		return check();
	if (argc == 2 && !strcmp(argv[1], "remove"))
		return remove_all();
	fprintf(stderr, "usage: objects create | check | remove\n");
	return 2;
}
