// SPDX-License-Identifier: GPL-2.0
/*
 * aixipc-ipcs: report aixipc's IPC objects in the format of AIX's ipcs.
 *
 *   aixipc-ipcs [-q] [-m] [-s] [-a | -b -c -o -p -t] [-@ [ns]]
 *   aixipc-ipcs -l [-q] [-m] [-s] [-@ [ns]]
 *   aixipc-ipcs [-@ ns] -L name=value ... [-l]
 *
 * Objects come from the module's enumeration ioctl, one pass per facility.
 * Columns, in AIX's order: T ID KEY MODE OWNER GROUP, then CREATOR CGROUP
 * (-c), CBYTES QNUM / NATTCH (-o), QBYTES / SEGSZ / NSEMS (-b), LSPID LRPID
 * / CPID LPID (-p), STIME RTIME / ATIME DTIME / OTIME, CTIME (-t), and last
 * NS (-@), where AIX prints the WPAR.
 * Sections in AIX's order whatever the order of -q -m -s: Message Queues,
 * Shared Memory, Semaphores.  A column header line precedes a section
 * whenever its columns differ from the last header printed, so without
 * column options there is one header, as on AIX.
 *
 * MODE is two flag characters and three permission triples: S (a sender
 * waits) or D (a removed segment, freed at its last detach) first, R (a
 * receiver waits) second; r, w (a, alter, for semaphores) and an unused
 * third character per class.  Keys are 0x%08x, the private key 0xffffffff
 * (also the key of a removed segment); times are H:MM:SS in local time,
 * no-entry when the event never happened; owners and groups are names,
 * numbers when they have none.
 *
 * IPC namespaces play the part of AIX's WPARs: -@ lists the objects of
 * every namespace, -@ ns those of one (its inode number, as readlink
 * /proc/PID/ns/ipc shows it), each row ending with its namespace's inode
 * number.  -l prints a namespace's limits, -L sets them.  Reaching another
 * namespace than one's own takes root (CAP_SYS_ADMIN) in the initial one.
 *
 * AIX options that have no meaning here (-S -P -T -X -r -C -N) are refused
 * with a message and exit status 2 before anything is printed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stddef.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/aixipc.h>

#include "aixipc-tools.h"

#define PROG "aixipc-ipcs"

enum { OPT_B = 1, OPT_C = 2, OPT_O = 4, OPT_P = 8, OPT_T = 16 };

static int opts;
static char last_header[512];
/* -@: the NS column, and the namespace the walks list. */
static int show_ns;
static uint64_t list_ns = AIXIPC_NS_SELF;

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [-q] [-m] [-s] [-a | -b -c -o -p -t] [-@ [ns]]\n"
		"       " PROG " -l [-q] [-m] [-s] [-@ [ns]]\n"
		"       " PROG " [-@ ns] -L name=value ... [-l]\n");
}

/* Why an AIX option is refused. */
static const char *unsupported(int c)
{
	switch (c) {
	case 'S':
		return "segment ids (SIDs) belong to AIX's virtual memory "
		       "manager; Linux has none to show";
	case 'r':
		return "POSIX real-time IPC objects are Linux's own "
		       "(/dev/mqueue, /dev/shm); aixipc serves System V IPC only";
	case 'C':
	case 'N':
		return "reading a memory image or another kernel is not "
		       "supported; " PROG " reports the running module";
	}
	return "not supported by " PROG;
}

/*
 * Owner and group names, looked up once per id: with thousands of objects
 * owned by a few users, a passwd/group lookup per row would dominate.
 */
#define NAME_CACHE 16
struct name_cache {
	unsigned int n, next;
	uint32_t id[NAME_CACHE];
	char name[NAME_CACHE][64];
};

static const char *cached_name(struct name_cache *c, uint32_t id, int group)
{
	struct passwd *pw;
	struct group *gr;
	unsigned int i;
	const char *name;

	for (i = 0; i < c->n; i++)
		if (c->id[i] == id)
			return c->name[i];
	i = c->n < NAME_CACHE ? c->n++ : c->next++ % NAME_CACHE;
	c->id[i] = id;
	if (group) {
		gr = getgrgid(id);
		name = gr ? gr->gr_name : NULL;
	} else {
		pw = getpwuid(id);
		name = pw ? pw->pw_name : NULL;
	}
	if (name)
		snprintf(c->name[i], sizeof(c->name[i]), "%s", name);
	else
		snprintf(c->name[i], sizeof(c->name[i]), "%u", id);
	return c->name[i];
}

static const char *user_name(uint32_t uid)
{
	static struct name_cache users;

	return cached_name(&users, uid, 0);
}

static const char *group_name(uint32_t gid)
{
	static struct name_cache groups;

	return cached_name(&groups, gid, 1);
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

/* The column header, unless it is the one printed last. */
static void header(const char *extra)
{
	char h[sizeof(last_header)];

	snprintf(h, sizeof(h), "T        ID     KEY        MODE       OWNER    GROUP%s%s%s",
		 opts & OPT_C ? "  CREATOR   CGROUP" : "", extra,
		 show_ns ? "         NS" : "");
	if (!strcmp(h, last_header))
		return;
	strcpy(last_header, h);
	printf("%s\n", h);
}

static void common(char t, int32_t id, const struct aixipc_ipc_perm *p,
		   const char *mode)
{
	printf("%c %9d 0x%08x %s %8s", t, id, (uint32_t)p->key, mode,
	       user_name(p->uid));
	printf(" %8s", group_name(p->gid));
	if (opts & OPT_C) {
		printf(" %8s", user_name(p->cuid));
		printf(" %8s", group_name(p->cgid));
	}
}

/* The end of a row: with -@, the object's namespace. */
static void end_row(const struct aixipc_list_entry *e)
{
	if (show_ns)
		printf(" %10llu", (unsigned long long)e->ns);
	printf("\n");
}

static void msg_header(void)
{
	char cols[256];

	snprintf(cols, sizeof(cols), "%s%s%s%s",
		 opts & OPT_O ? "  CBYTES   QNUM" : "",
		 opts & OPT_B ? "  QBYTES" : "",
		 opts & OPT_P ? "   LSPID   LRPID" : "",
		 opts & OPT_T ? "    STIME    RTIME    CTIME" : "");
	header(cols);
}

/* A row; 0, to go on with the walk. */
static int msg_row(const struct aixipc_list_entry *e, void *ctx)
{
	const struct aixipc_msqid_ds *q = &e->msg;
	char mode[12], t1[16], t2[16], t3[16];

	mode_string(mode, q->status & AIXIPC_MSG_WWAIT ? 'S' : '-',
		    q->status & AIXIPC_MSG_RWAIT ? 'R' : '-', q->perm.mode, 'w');
	common('q', e->id, &q->perm, mode);
	if (opts & OPT_O)
		printf(" %7llu %6llu", (unsigned long long)q->cbytes,
		       (unsigned long long)q->qnum);
	if (opts & OPT_B)
		printf(" %7llu", (unsigned long long)q->qbytes);
	if (opts & OPT_P)
		printf(" %7d %7d", q->lspid, q->lrpid);
	if (opts & OPT_T)
		printf(" %8s %8s %8s", hms(q->stime, t1, sizeof(t1)),
		       hms(q->rtime, t2, sizeof(t2)),
		       hms(q->ctime, t3, sizeof(t3)));
	(void)ctx;
	end_row(e);
	return 0;
}

static void shm_header(void)
{
	char cols[256];

	snprintf(cols, sizeof(cols), "%s%s%s%s",
		 opts & OPT_O ? " NATTCH" : "",
		 opts & OPT_B ? "       SEGSZ" : "",
		 opts & OPT_P ? "    CPID    LPID" : "",
		 opts & OPT_T ? "    ATIME    DTIME    CTIME" : "");
	header(cols);
}

/*
 * MODE flag D: removed, freed at the last detach (the key then reads as
 * private).  AIX's C ("clear at the first attach") is never set: pages are
 * zero from the start.
 */
static int shm_row(const struct aixipc_list_entry *e, void *ctx)
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
		printf(" %7d %7d", m->cpid, m->lpid);
	if (opts & OPT_T)
		printf(" %8s %8s %8s", hms(m->atime, t1, sizeof(t1)),
		       hms(m->dtime, t2, sizeof(t2)),
		       hms(m->ctime, t3, sizeof(t3)));
	(void)ctx;
	end_row(e);
	return 0;
}

static void sem_header(void)
{
	char cols[256];

	snprintf(cols, sizeof(cols), "%s%s",
		 opts & OPT_B ? " NSEMS" : "",
		 opts & OPT_T ? "    OTIME    CTIME" : "");
	header(cols);
}

static int sem_row(const struct aixipc_list_entry *e, void *ctx)
{
	const struct aixipc_semid_ds *sd = &e->sem;
	char mode[12], t1[16], t2[16];

	mode_string(mode, '-', '-', sd->perm.mode, 'a');
	common('s', e->id, &sd->perm, mode);
	if (opts & OPT_B)
		printf(" %5llu", (unsigned long long)sd->nsems);
	if (opts & OPT_T)
		printf(" %8s %8s", hms(sd->otime, t1, sizeof(t1)),
		       hms(sd->ctime, t2, sizeof(t2)));
	(void)ctx;
	end_row(e);
	return 0;
}

/* One facility: its column header, title and rows. */
static int section(int fd, uint32_t kind, const char *title,
		   void (*hdr)(void),
		   int (*row)(const struct aixipc_list_entry *, void *))
{
	hdr();
	printf("%s:\n", title);
	if (aixipc_tool_walk(fd, kind, list_ns, row, NULL)) {
		int err = errno;

		fflush(stdout);
		fprintf(stderr, PROG ": listing %s: %s\n", title,
			list_ns == AIXIPC_NS_SELF ? strerror(err)
						  : aixipc_tool_ns_error(err));
		return -1;
	}
	return 0;
}

/* ---- IPC namespaces and their limits --------------------------------- */

/* The limits -l prints and -L sets, in AIX's section order. */
static const struct limit {
	const char *name;
	size_t off;
	uint32_t kind;
	const char *meaning;
} limit_table[] = {
#define L(name, kind, meaning) \
	{ #name, offsetof(struct aixipc_limits, name), kind, meaning }
	L(msgmax, AIXIPC_MSG, "largest message, bytes"),
	L(msgmnb, AIXIPC_MSG, "default (and unprivileged maximum) queue bytes"),
	L(msgmnm, AIXIPC_MSG, "messages per queue"),
	L(msgmni, AIXIPC_MSG, "message queue ids"),
	L(shmmax, AIXIPC_SHM, "largest segment, bytes"),
	L(shmmin, AIXIPC_SHM, "smallest segment, bytes"),
	L(shmmni, AIXIPC_SHM, "shared memory ids"),
	L(shmall, AIXIPC_SHM, "all segments together, pages"),
	L(semmni, AIXIPC_SEM, "semaphore set ids"),
	L(semmsl, AIXIPC_SEM, "semaphores per set"),
	L(semopm, AIXIPC_SEM, "operations per semop call"),
	L(semvmx, AIXIPC_SEM, "largest semaphore value"),
	L(semaem, AIXIPC_SEM, "largest adjust-on-exit magnitude"),
	L(semume, AIXIPC_SEM, "undo entries per process"),
#undef L
};
#define NR_LIMITS (sizeof(limit_table) / sizeof(limit_table[0]))

static uint64_t *limit_at(struct aixipc_limits *l, size_t i)
{
	return (uint64_t *)((char *)l + limit_table[i].off);
}

/* What -L asked for: a value per limit, and which were named. */
struct settings {
	uint64_t value[NR_LIMITS];
	unsigned int named;	/* bit i: limit_table[i] */
};

/*
 * Parse -L name=value into @st (a limit named again: the last value);
 * 0, or -1 after saying what is wrong.
 */
static int parse_setting(const char *arg, struct settings *st)
{
	const char *eq = strchr(arg, '=');
	const char *v;
	size_t i;

	for (i = 0; eq && i < NR_LIMITS; i++)
		if (strlen(limit_table[i].name) == (size_t)(eq - arg) &&
		    !strncmp(limit_table[i].name, arg, (size_t)(eq - arg)))
			break;
	if (!eq || i == NR_LIMITS) {
		fprintf(stderr, PROG ": -L %s: not a limit name=value; the "
			"names are", arg);
		for (i = 0; i < NR_LIMITS; i++)
			fprintf(stderr, " %s", limit_table[i].name);
		fprintf(stderr, "\n");
		return -1;
	}
	for (v = eq + 1; isdigit((unsigned char)*v); v++)
		;
	errno = 0;
	st->value[i] = strtoull(eq + 1, NULL, 10);
	st->named |= 1U << i;
	if (v == eq + 1 || *v || errno) {
		fprintf(stderr, PROG ": -L %s: not a valid number\n", arg);
		return -1;
	}
	return 0;
}

/* The inode number of the caller's own namespace, or 0 if unknown. */
static uint64_t own_ns(void)
{
	struct stat st;

	return stat("/proc/self/ns/ipc", &st) ? 0 : (uint64_t)st.st_ino;
}

static int ns_ctl(int fd, uint32_t cmd, uint64_t ns, struct aixipc_ns_ctl *c)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->ns = ns;
	return ioctl(fd, AIXIPC_IOC_NS, c);
}

/*
 * Before a report naming other namespaces prints anything: may the caller
 * reach them, and is the one named known?  0, or -1 after saying why not.
 */
static int ns_check(int fd, const char *opt)
{
	struct aixipc_ns_ctl c;

	if (!ns_ctl(fd, list_ns == AIXIPC_NS_ALL ? AIXIPC_NS_NEXT
		    : AIXIPC_NS_GET_LIMITS,
		    list_ns == AIXIPC_NS_ALL ? 0 : list_ns, &c) ||
	    (list_ns == AIXIPC_NS_ALL && errno == ENOENT))
		return 0;
	fprintf(stderr, PROG ": %s: %s\n", opt, aixipc_tool_ns_error(errno));
	return -1;
}

/* One namespace's limits, those of the facilities asked for. */
static void print_limits(uint64_t ns, struct aixipc_limits *l, int kinds)
{
	size_t i;

	if (ns)
		printf("Limits of IPC namespace %llu:\n", (unsigned long long)ns);
	else
		printf("Limits of this IPC namespace:\n");
	printf("%-8s %12s  %s\n", "NAME", "VALUE", "MEANING");
	for (i = 0; i < NR_LIMITS; i++)
		if (kinds & 1 << limit_table[i].kind)
			printf("%-8s %12llu  %s\n", limit_table[i].name,
			       (unsigned long long)*limit_at(l, i),
			       limit_table[i].meaning);
}

/* -l: the limits of the own namespace, one other, or all (-@). */
static int limits_report(int fd, const struct aixipc_version *v, int kinds)
{
	struct aixipc_limits own = v->limits;
	struct aixipc_ns_ctl c;
	uint64_t ns = 0;
	int first = 1;

	if (list_ns != AIXIPC_NS_ALL) {
		if (v->features & AIXIPC_FEATURE_NS) {
			if (ns_ctl(fd, AIXIPC_NS_GET_LIMITS, list_ns, &c)) {
				fprintf(stderr, PROG ": -l: %s\n", aixipc_tool_ns_error(errno));
				return -1;
			}
			own = c.limits;
		}
		print_limits(list_ns == AIXIPC_NS_SELF ? own_ns() : list_ns,
			     &own, kinds);
		return 0;
	}
	while (!ns_ctl(fd, AIXIPC_NS_NEXT, ns, &c)) {
		if (!first)
			printf("\n");
		first = 0;
		ns = c.ns;
		print_limits(ns, &c.limits, kinds);
	}
	if (errno == ENOENT)
		return 0;
	fflush(stdout);
	fprintf(stderr, PROG ": -l: %s\n", aixipc_tool_ns_error(errno));
	return -1;
}

/* -L: read the namespace's limits, change those named, set them. */
static int set_limits(int fd, const struct settings *st)
{
	struct aixipc_ns_ctl c;
	size_t i;

	if (ns_ctl(fd, AIXIPC_NS_GET_LIMITS, list_ns, &c)) {
		fprintf(stderr, PROG ": -L: %s\n", aixipc_tool_ns_error(errno));
		return -1;
	}
	for (i = 0; i < NR_LIMITS; i++)
		if (st->named & 1U << i)
			*limit_at(&c.limits, i) = st->value[i];
	c.cmd = AIXIPC_NS_SET_LIMITS;
	if (!ioctl(fd, AIXIPC_IOC_NS, &c))
		return 0;
	if (errno == EINVAL)
		fprintf(stderr, PROG ": -L: exceeds the host's caps or out of "
			"range (the caps: /sys/module/aixipc/parameters)\n");
	else
		fprintf(stderr, PROG ": -L: %s\n", aixipc_tool_ns_error(errno));
	return -1;
}

int main(int argc, char **argv)
{
	int want_q = 0, want_m = 0, want_s = 0, c, fd, rc = 0;
	int want_limits = 0, nset = 0, kinds;
	struct settings set = { .named = 0 };
	struct aixipc_version v = { 0 };
	char date[128];
	time_t now;

	/*
	 * AIX's -C CoreFile, -N Kernel take arguments, -@ [ns] an optional
	 * one, attached or the next word.  No operands otherwise, so no
	 * argument reordering ('+').
	 */
	while ((c = getopt(argc, argv, "+qmsabcopthlL:SPTXrC:N:@::")) != -1) {
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
		case 'l': want_limits = 1; break;
		case 'L':
			nset = 1;
			if (parse_setting(optarg, &set))
				return 2;
			break;
		case '@':
			show_ns = 1;
			if (!optarg && optind < argc && argv[optind][0] != '-')
				optarg = argv[optind++];
			list_ns = AIXIPC_NS_ALL;
			if (optarg && aixipc_tool_parse_ns(optarg, &list_ns)) {
				fprintf(stderr, PROG ": -@ %s: "
					AIXIPC_TOOL_NS_SYNTAX "\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'S': case 'P': case 'T': case 'X': case 'r':
		case 'C': case 'N':
			fprintf(stderr, PROG ": -%c: %s\n", c, unsupported(c));
			return 2;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || ((want_limits || nset) && opts) ||
	    (nset && !want_limits && (want_q || want_m || want_s))) {
		usage(stderr);
		return 2;
	}
	if (nset && list_ns == AIXIPC_NS_ALL) {
		fprintf(stderr, PROG ": -L: -@ must name one namespace\n");
		return 2;
	}
	if (!want_q && !want_m && !want_s)
		want_q = want_m = want_s = 1;
	kinds = want_q << AIXIPC_MSG | want_m << AIXIPC_SHM |
		want_s << AIXIPC_SEM;

	fd = open(AIXIPC_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, PROG ": %s: %s (is the aixipc module loaded?)\n",
			AIXIPC_DEVICE, strerror(errno));
		return 1;
	}
	if (ioctl(fd, AIXIPC_IOC_VERSION, &v) < 0) {
		fprintf(stderr, PROG ": handshake: %s\n", strerror(errno));
		return 1;
	}
	if ((show_ns || nset) && !(v.features & AIXIPC_FEATURE_NS)) {
		fprintf(stderr, PROG ": -%c: the loaded aixipc module has no "
			"IPC namespace support\n", nset ? 'L' : '@');
		return 1;
	}
	if (nset || want_limits) {
		if (nset && set_limits(fd, &set))
			rc = 1;
		else if (want_limits && limits_report(fd, &v, kinds))
			rc = 1;
	} else if (show_ns && ns_check(fd, "-@")) {
		rc = 1;
	} else {
		/* The date as date(1) prints it. */
		now = time(NULL);
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Z %Y",
			 localtime(&now));
		printf("IPC status from %s as of %s\n", AIXIPC_DEVICE, date);
		if (want_q && (v.features & AIXIPC_FEATURE_MSG) &&
		    section(fd, AIXIPC_MSG, "Message Queues", msg_header, msg_row))
			rc = 1;
		if (!rc && want_m && (v.features & AIXIPC_FEATURE_SHM) &&
		    section(fd, AIXIPC_SHM, "Shared Memory", shm_header, shm_row))
			rc = 1;
		if (!rc && want_s && (v.features & AIXIPC_FEATURE_SEM) &&
		    section(fd, AIXIPC_SEM, "Semaphores", sem_header, sem_row))
			rc = 1;
	}
	close(fd);
	/* A report that did not reach its reader is a failure. */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing the report: %s\n", strerror(errno));
		rc = 1;
	}
	return rc;
}
