// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc-demo: the facility end to end, through the classic calls.
 *
 * A producer fills a message queue with orders, one of them larger than
 * Linux's native limits allow, while the consumer is held back; ipcs shows
 * the queue; then the consumer drains it with AIX's msgxrcv, which also
 * reports who sent each message and when.
 *
 * Then four workers increment a counter in an aixipc shared memory segment
 * under a semaphore lock taken with SEM_UNDO; ipcs -a shows the segment
 * and the set while one worker holds the lock; that worker is killed, the
 * kernel gives the lock back when it dies, so the others finish.  The
 * segment is removed while still attached (ipcs shows it as D) and goes
 * away at the last detach.
 *
 * Last, two "containers" (children that unshare(CLONE_NEWIPC), as
 * unshare -i does) run the same code with the same key: each gets its own
 * queue and finds only its own message.  The host's view (aixipc-ipcs -@,
 * or, with an aixipc-ipcs without it, the demo's own AIXIPC_IOC_LIST over
 * every namespace) shows both queues with their namespaces; when the
 * containers exit, their namespaces die and the module removes the queues.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <aixipc.h>
#include <linux/aixipc.h>

#define ORDER	1	/* message types */
#define BULK	2
#define DONE	9

static void die(const char *what)
{
	fprintf(stderr, "demo: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void ipcs(const char *cmd)
{
	fflush(stdout);
	if (system(cmd) != 0)
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

/* P and V on semaphore 0; SEM_UNDO gives the lock back if we die. */
static void lock_op(int sem, int op)
{
	struct sembuf sb = { .sem_num = 0, .sem_op = op, .sem_flg = SEM_UNDO };

	if (semop(sem, &sb, 1))
		die("semop");
}

struct shared {
	long counter;
	int holding;		/* worker 0 sits on the lock */
};

static void worker(int sem, volatile struct shared *sh, int id, int rounds)
{
	int i;

	for (i = 0; i < rounds; i++) {
		lock_op(sem, -1);
		sh->counter += 1;
		if (id == 0 && i == rounds / 2) {
			printf("worker 0 (pid %d): holding the lock... and waiting to be killed\n",
			       getpid());
			sh->holding = 1;
			pause();
		}
		lock_op(sem, +1);
	}
	_exit(0);
}

static void semaphore_demo(void)
{
	int shm = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
	int sem = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600), i, status;
	const int workers = 4, rounds = 1000;
	volatile struct shared *sh;
	pid_t pid[4];

	if (shm < 0 || sem < 0)
		die("shmget/semget");
	sh = shmat(shm, NULL, 0);
	if (sh == (void *)-1)
		die("shmat");
	if (semctl(sem, 0, SETVAL, 1))
		die("semctl SETVAL");
	printf("shared memory segment %d holds a counter for %d workers; semaphore set %d guards it\n",
	       shm, workers, sem);
	for (i = 0; i < workers; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork");
		if (pid[i] == 0)
			worker(sem, sh, i, rounds);
	}
	/* Wait until worker 0 sits on the lock with the others queued. */
	while (!sh->holding || semctl(sem, 0, GETNCNT) < workers - 1)
		usleep(10000);
	printf("while it holds the lock, ipcs -a shows what is live (the workers inherited the attachment):\n");
	ipcs("aixipc-ipcs -a");
	kill(pid[0], SIGKILL);
	printf("killed worker 0: SEM_UNDO released its lock\n");
	for (i = 0; i < workers; i++)
		if (waitpid(pid[i], &status, 0) < 0)
			die("waitpid");
	printf("counter = %ld (3 workers x %d, plus %d by worker 0 before it died)\n",
	       sh->counter, rounds, rounds / 2 + 1);
	if (semctl(sem, 0, IPC_RMID))
		die("semctl IPC_RMID");
	if (shmctl(shm, IPC_RMID, NULL))
		die("shmctl IPC_RMID");
	printf("\nremoved set %d, and segment %d while still attached (D: freed at the last detach):\n",
	       sem, shm);
	ipcs("aixipc-ipcs -mo");
	if (shmdt((const void *)sh))
		die("shmdt");
	printf("detached; ipcs now shows:\n");
	ipcs("aixipc-ipcs");
}

/* The IPC namespace of @pid: its inode number, as readlink shows it. */
static unsigned long ns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/ipc", (int)pid);
	return stat(path, &st) ? 0 : (unsigned long)st.st_ino;
}

/*
 * The host's view of the queues in every namespace, with AIXIPC_IOC_LIST
 * (ns = AIXIPC_NS_ALL): what aixipc-ipcs -@ shows.  With @ns (two inode
 * numbers) nothing is printed: how many queues those namespaces have.
 * -1 for a caller without the right to see other namespaces (EPERM).
 */
static int list_all_queues(const unsigned long *ns)
{
	struct aixipc_list_entry e[16];
	struct aixipc_list l = {
		.kind = AIXIPC_MSG, .entries = (unsigned long)e,
		.entry_size = sizeof(e[0]), .ns = AIXIPC_NS_ALL,
	};
	int fd = open(AIXIPC_DEVICE, O_RDONLY), n = 0, show = !ns;
	unsigned int i;

	if (fd < 0)
		die("open " AIXIPC_DEVICE);
	if (show)
		printf("%-17s %-2s %-4s %-10s %s\n", "NAMESPACE", "T", "ID", "KEY", "QNUM");
	do {
		l.count = 16;
		if (ioctl(fd, AIXIPC_IOC_LIST, &l)) {
			if (errno != EPERM)
				die("AIXIPC_IOC_LIST");
			close(fd);
			return -1;
		}
		for (i = 0; i < l.count; i++) {
			char where[32];

			n += show || e[i].ns == ns[0] || e[i].ns == ns[1];
			snprintf(where, sizeof(where), "ipc:[%llu]",
				 (unsigned long long)e[i].ns);
			if (show)
				printf("%-17s %-2s %-4d 0x%08x %llu\n", where, "q",
				       e[i].id, (unsigned int)e[i].msg.perm.key,
				       (unsigned long long)e[i].msg.qnum);
		}
	} while (l.cursor != ~0ULL);
	close(fd);
	return n;
}

/* One container: its own queue at the shared key, its own message. */
static void container(const char *name, int go_fd, int done_fd)
{
	struct { long mtype; char mtext[64]; } m = { .mtype = 1 };
	int q, n = 0;
	char c;

	/* Without CAP_SYS_ADMIN, as a rootless container is made: in a user
	 * namespace of its own. */
	if (unshare(CLONE_NEWIPC) &&
	    (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWIPC))) {
		fprintf(stderr, "demo: container %s: unshare: %s\n", name,
			strerror(errno));
		if (write(done_fd, "x", 1) != 1)
			die("pipe");
		_exit(1);
	}
	q = msgget(0x00c0ffee, IPC_CREAT | 0600);
	if (q < 0)
		die("msgget");
	snprintf(m.mtext, sizeof(m.mtext), "hello from container %s", name);
	if (msgsnd(q, &m, strlen(m.mtext) + 1, 0))
		die("msgsnd");
	if (write(done_fd, "s", 1) != 1 || read(go_fd, &c, 1) != 1)
		die("pipe");
	/* Both have sent by now: each finds only its own message. */
	while (msgrcv(q, &m, sizeof(m.mtext), 0, IPC_NOWAIT) > 0) {
		printf("container %s (ipc:[%lu]): queue %d at key 0x00c0ffee holds \"%s\"\n",
		       name, ns_of(getpid()), q, m.mtext);
		n++;
	}
	printf("container %s: %d message(s) in its queue\n", name, n);
	if (msgsnd(q, &m, strlen(m.mtext) + 1, 0))	/* left for the host to see */
		die("msgsnd");
	if (write(done_fd, "r", 1) != 1 || read(go_fd, &c, 1) != 1)
		die("pipe");
	exit(0);
}

static void container_demo(void)
{
	static const char *const names[2] = { "A", "B" };
	int go[2], done[2], i, status, guard, host_view;
	unsigned long ns[2];
	pid_t pid[2];
	char c;

	printf("\ntwo containers (unshare -i: a private IPC namespace each) use key 0x00c0ffee:\n");
	if (pipe(go) || pipe(done))
		die("pipe");
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork");
		if (pid[i] == 0)
			container(names[i], go[0], done[1]);
	}
	for (i = 0; i < 2; i++) {	/* both sent */
		if (read(done[0], &c, 1) != 1)
			die("pipe");
		if (c == 'x')
			break;
		ns[i] = ns_of(pid[i]);
	}
	if (i < 2) {
		/* Neither CAP_SYS_ADMIN nor user namespaces (disabled, or a
		 * chroot, where the kernel refuses them). */
		printf("(no IPC namespace can be made here: the containers step is skipped)\n");
		for (i = 0; i < 2; i++) {
			kill(pid[i], SIGKILL);
			waitpid(pid[i], &status, 0);
		}
		return;
	}
	for (i = 0; i < 2; i++) {	/* one drains, then the other */
		if (write(go[1], "g", 1) != 1 || read(done[0], &c, 1) != 1)
			die("pipe");
	}
	host_view = list_all_queues(ns) >= 0;
	if (host_view) {
		printf("\nthe host sees both queues, each in its namespace (aixipc-ipcs -@):\n");
		fflush(stdout);
		if (system("aixipc-ipcs -q -@ 2>/dev/null") != 0) {
			printf("(this aixipc-ipcs has no -@: the demo lists every namespace itself)\n");
			list_all_queues(NULL);
		}
	} else {
		printf("\n(the host's view of every namespace, aixipc-ipcs -@, needs CAP_SYS_ADMIN: run the demo as root to see it)\n");
	}
	if (write(go[1], "gg", 2) != 2)
		die("pipe");
	for (i = 0; i < 2; i++)
		if (waitpid(pid[i], &status, 0) < 0)
			die("waitpid");
	/* Their namespaces die with them; the module's removal follows. */
	if (!host_view) {
		printf("\nthe containers exited: their namespaces died, and the module removes their queues\n");
		return;
	}
	for (guard = 0; guard < 5000 && list_all_queues(ns) > 0; guard++)
		usleep(1000);
	printf("\nthe containers exited: their namespaces died, and the module removed their queues (%d left)\n",
	       list_all_queues(ns));
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
	ipcs("aixipc-ipcs -qa");

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
	printf("\nproducer: removed queue %d\n\n", q);
	free(big);
	semaphore_demo();
	container_demo();
	return 0;
}
