// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc-ipcs: report aixipc's IPC objects in the format of AIX's ipcs.
 *
 *   aixipc-ipcs [-q] [-m] [-s] [-a | -b -c -o -p -t]
 *
 * Objects come from the module's enumeration ioctl, one pass per facility.
 * Columns, in AIX's order: T ID KEY MODE OWNER GROUP, then CREATOR CGROUP
 * (-c), CBYTES QNUM / NATTCH (-o), QBYTES / SEGSZ / NSEMS (-b), LSPID LRPID
 * / CPID LPID (-p), STIME RTIME / ATIME DTIME / OTIME, CTIME (-t).
 * Sections in AIX's order: Message Queues, Shared Memory, Semaphores.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/aixipc.h>

enum { OPT_B = 1, OPT_C = 2, OPT_O = 4, OPT_P = 8, OPT_T = 16 };

static int opts;

static void usage(FILE *f)
{
	fprintf(f, "usage: aixipc-ipcs [-q] [-m] [-s] [-a | -b -c -o -p -t]\n");
}

static const char *user_name(uint32_t uid, char *buf, size_t n)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		return pw->pw_name;
	snprintf(buf, n, "%u", uid);
	return buf;
}

static const char *group_name(uint32_t gid, char *buf, size_t n)
{
	struct group *gr = getgrgid(gid);

	if (gr)
		return gr->gr_name;
	snprintf(buf, n, "%u", gid);
	return buf;
}

/* H:MM:SS in local time, or no-entry when the event never happened. */
static const char *hms(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm))
		return "no-entry";
	snprintf(buf, n, "%d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	return buf;
}

/*
 * MODE: two flag characters, then r, w (a for semaphores) and an unused
 * third character per class, as AIX prints it.
 */
static void mode_string(char out[12], char f1, char f2, uint32_t mode, char w)
{
	int i;

	out[0] = f1;
	out[1] = f2;
	for (i = 0; i < 3; i++) {
		uint32_t bits = mode >> (6 - 3 * i);

		out[2 + 3 * i] = bits & 4 ? 'r' : '-';
		out[3 + 3 * i] = bits & 2 ? w : '-';
		out[4 + 3 * i] = '-';
	}
	out[11] = '\0';
}

static void header(const char *const *extra)
{
	printf("T %9s %-10s %-11s %8s %8s", "ID", "KEY", "MODE", "OWNER",
	       "GROUP");
	if (opts & OPT_C)
		printf(" %8s %8s", "CREATOR", "CGROUP");
	for (; *extra; extra++)
		printf("%s", *extra);
	printf("\n");
}

static void common(char t, int32_t id, const struct aixipc_ipc_perm *p,
		   const char *mode)
{
	char a[16], b[16];

	printf("%c %9d 0x%08x %-11s %8s", t, id, (uint32_t)p->key, mode,
	       user_name(p->uid, a, sizeof(a)));
	printf(" %8s", group_name(p->gid, b, sizeof(b)));
	if (opts & OPT_C) {
		printf(" %8s", user_name(p->cuid, a, sizeof(a)));
		printf(" %8s", group_name(p->cgid, b, sizeof(b)));
	}
}

static void msg_header(void)
{
	const char *cols[8];
	int n = 0;

	if (opts & OPT_O) {
		cols[n++] = "   CBYTES";
		cols[n++] = "   QNUM";
	}
	if (opts & OPT_B)
		cols[n++] = "   QBYTES";
	if (opts & OPT_P)
		cols[n++] = "  LSPID  LRPID";
	if (opts & OPT_T)
		cols[n++] = "    STIME    RTIME    CTIME";
	cols[n] = NULL;
	header(cols);
}

static void msg_row(const struct aixipc_list_entry *e)
{
	const struct aixipc_msqid_ds *q = &e->msg;
	char mode[12], t1[16], t2[16], t3[16];

	mode_string(mode, q->status & AIXIPC_MSG_WWAIT ? 'S' : '-',
		    q->status & AIXIPC_MSG_RWAIT ? 'R' : '-', q->perm.mode, 'w');
	common('q', e->id, &q->perm, mode);
	if (opts & OPT_O)
		printf(" %8llu %6llu", (unsigned long long)q->cbytes,
		       (unsigned long long)q->qnum);
	if (opts & OPT_B)
		printf(" %8llu", (unsigned long long)q->qbytes);
	if (opts & OPT_P)
		printf(" %6d %6d", q->lspid, q->lrpid);
	if (opts & OPT_T)
		printf(" %8s %8s %8s", hms(q->stime, t1, sizeof(t1)),
		       hms(q->rtime, t2, sizeof(t2)),
		       hms(q->ctime, t3, sizeof(t3)));
	printf("\n");
}

static void shm_header(void)
{
	const char *cols[5];
	int n = 0;

	if (opts & OPT_O)
		cols[n++] = " NATTCH";
	if (opts & OPT_B)
		cols[n++] = "       SEGSZ";
	if (opts & OPT_P)
		cols[n++] = "     CPID     LPID";
	if (opts & OPT_T)
		cols[n++] = "    ATIME    DTIME    CTIME";
	cols[n] = NULL;
	header(cols);
}

/*
 * MODE flag D: removed, freed at the last detach.  AIX's C ("clear at the
 * first attach") is never set: pages are zero from the start.
 */
static void shm_row(const struct aixipc_list_entry *e)
{
	const struct aixipc_shmid_ds *m = &e->shm;
	char mode[12], t1[16], t2[16], t3[16];

	mode_string(mode, m->status & AIXIPC_SHM_DEST ? 'D' : '-', '-',
		    m->perm.mode, 'w');
	common('m', e->id, &m->perm, mode);
	if (opts & OPT_O)
		printf(" %6llu", (unsigned long long)m->nattch);
	if (opts & OPT_B)
		printf(" %11llu", (unsigned long long)m->segsz);
	if (opts & OPT_P)
		printf(" %8d %8d", m->cpid, m->lpid);
	if (opts & OPT_T)
		printf(" %8s %8s %8s", hms(m->atime, t1, sizeof(t1)),
		       hms(m->dtime, t2, sizeof(t2)),
		       hms(m->ctime, t3, sizeof(t3)));
	printf("\n");
}

static void sem_header(void)
{
	const char *cols[3];
	int n = 0;

	if (opts & OPT_B)
		cols[n++] = "  NSEMS";
	if (opts & OPT_T)
		cols[n++] = "    OTIME    CTIME";
	cols[n] = NULL;
	header(cols);
}

static void sem_row(const struct aixipc_list_entry *e)
{
	const struct aixipc_semid_ds *sd = &e->sem;
	char mode[12], t1[16], t2[16];

	mode_string(mode, '-', '-', sd->perm.mode, 'a');
	common('s', e->id, &sd->perm, mode);
	if (opts & OPT_B)
		printf(" %6llu", (unsigned long long)sd->nsems);
	if (opts & OPT_T)
		printf(" %8s %8s", hms(sd->otime, t1, sizeof(t1)),
		       hms(sd->ctime, t2, sizeof(t2)));
	printf("\n");
}

/* Walk one facility through the enumeration ioctl. */
static int walk(int fd, uint32_t kind,
		void (*row)(const struct aixipc_list_entry *))
{
	struct aixipc_list_entry batch[64];
	struct aixipc_list l = {
		.kind = kind,
		.entries = (uintptr_t)batch,
		.entry_size = sizeof(batch[0]),
	};

	for (;;) {
		uint32_t i;

		l.count = 64;
		if (ioctl(fd, AIXIPC_IOC_LIST, &l) < 0)
			return -1;
		if (!l.count)
			return 0;
		for (i = 0; i < l.count; i++)
			row(&batch[i]);
	}
}

/* One facility: its column header, title and rows. */
static int section(int fd, uint32_t kind, const char *title,
		   void (*hdr)(void),
		   void (*row)(const struct aixipc_list_entry *))
{
	hdr();
	printf("%s:\n", title);
	if (walk(fd, kind, row)) {
		fprintf(stderr, "aixipc-ipcs: listing %s: %s\n", title,
			strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int want_q = 0, want_m = 0, want_s = 0, c, fd;
	struct aixipc_version v = { 0 };
	uint64_t features;
	char date[128];
	time_t now = time(NULL);

	while ((c = getopt(argc, argv, "qmsabcopth")) != -1) {
		switch (c) {
		case 'q': want_q = 1; break;
		case 'm': want_m = 1; break;
		case 's': want_s = 1; break;
		case 'a': opts |= OPT_B | OPT_C | OPT_O | OPT_P | OPT_T; break;
		case 'b': opts |= OPT_B; break;
		case 'c': opts |= OPT_C; break;
		case 'o': opts |= OPT_O; break;
		case 'p': opts |= OPT_P; break;
		case 't': opts |= OPT_T; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!want_q && !want_m && !want_s)
		want_q = want_m = want_s = 1;

	fd = open(AIXIPC_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "aixipc-ipcs: %s: %s (is the aixipc module loaded?)\n",
			AIXIPC_DEVICE, strerror(errno));
		return 1;
	}
	if (ioctl(fd, AIXIPC_IOC_VERSION, &v) < 0) {
		fprintf(stderr, "aixipc-ipcs: handshake: %s\n", strerror(errno));
		return 1;
	}
	features = v.features;
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Z %Y", localtime(&now));
	printf("IPC status from %s as of %s\n", AIXIPC_DEVICE, date);
	if (want_q && section(fd, AIXIPC_MSG, "Message Queues", msg_header, msg_row))
		return 1;
	if (want_m && (features & AIXIPC_FEATURE_SHM) &&
	    section(fd, AIXIPC_SHM, "Shared Memory", shm_header, shm_row))
		return 1;
	if (want_s && (features & AIXIPC_FEATURE_SEM) &&
	    section(fd, AIXIPC_SEM, "Semaphores", sem_header, sem_row))
		return 1;
	close(fd);
	return 0;
}
