// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc-demo: the facility end to end, through the classic calls.
 *
 * A producer fills a message queue with orders, one of them larger than
 * Linux's native limits allow, while the consumer is held back; ipcs shows
 * the queue; then the consumer drains it with AIX's msgxrcv, which also
 * reports who sent each message and when.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <aixipc.h>

#define ORDER	1	/* message types */
#define BULK	2
#define DONE	9

static void die(const char *what)
{
	fprintf(stderr, "demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void ipcs(void)
{
	fflush(stdout);
	if (system("aixipc-ipcs -qa") != 0)
		fprintf(stderr, "demo: aixipc-ipcs failed\n");
	printf("\n");
}

static void consumer(int q)
{
	size_t room = 2u << 20;
	struct msgxbuf *m = malloc(sizeof(*m) + room);
	char when[16];

	if (!m)
		die("malloc");
	for (;;) {
		ssize_t n = msgxrcv(q, m, room, 0, 0);

		if (n < 0)
			die("msgxrcv");
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&m->mtime));
		if (m->mtype == DONE)
			break;
		if (m->mtype == BULK)
			printf("consumer: type %ld, %zd bytes of bulk data (pid %d, uid %u, sent %s)\n",
			       m->mtype, n, m->mpid, m->muid, when);
		else
			printf("consumer: type %ld, \"%.*s\" (pid %d, uid %u, sent %s)\n",
			       m->mtype, (int)n, m->mtext, m->mpid, m->muid, when);
	}
	free(m);
	exit(0);
}

int main(void)
{
	static const char *const orders[] = {
		"order 1: 12 widgets", "order 2: 7 gadgets", "order 3: 1 sprocket",
	};
	size_t bulk = 1u << 20, i;
	struct { long mtype; char mtext[64]; } msg;
	struct { long mtype; char mtext[]; } *big = malloc(sizeof(*big) + bulk);
	int q, status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!big)
		die("malloc");
	q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	if (q < 0)
		die("msgget");
	printf("producer (pid %d): created message queue %d\n", getpid(), q);

	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		msg.mtype = ORDER;
		strcpy(msg.mtext, orders[i]);
		if (msgsnd(q, &msg, strlen(msg.mtext), 0))
			die("msgsnd");
		printf("producer: sent \"%s\"\n", orders[i]);
	}
	big->mtype = BULK;
	memset(big->mtext, 'x', bulk);
	if (msgsnd(q, big, bulk, 0))
		die("msgsnd bulk");
	printf("producer: sent a %zu-byte message (Linux's native msgmax is 8192)\n\n",
	       bulk);

	printf("the queue, as AIX's ipcs -qa shows it:\n");
	ipcs();

	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		consumer(q);
	msg.mtype = DONE;
	if (msgsnd(q, &msg, 0, 0))
		die("msgsnd done");
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("consumer");
	if (msgctl(q, IPC_RMID, NULL))
		die("msgctl IPC_RMID");
	printf("\nproducer: removed queue %d; ipcs now shows:\n", q);
	ipcs();
	free(big);
	return 0;
}
