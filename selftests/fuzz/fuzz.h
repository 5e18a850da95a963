/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's shared declarations: limits, the errno sets, what the
 * processes share, the configuration, a worker thread's state, and what
 * each file of selftests/fuzz/ offers the others.  main.c describes the
 * fuzzer; iocs.c says how to add an ioctl.
 */
#ifndef AIXIPC_FUZZ_H
#define AIXIPC_FUZZ_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aixipc_test.h"
#include "fuzz/corpus.h"
#include "fuzz/kcov.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#define MAX_PROCS	64
#define MAX_THREADS	64
#define POOL_N		24	/* ids per kind in the shared pool */
#define STALE_N		16	/* recently removed ids */
#define ISO_N		64	/* queues reserved by strict scenarios */
#define MAX_IOCS	16
#define MAX_SCEN	16
#define MAX_KIDS	4	/* fork-in-the-middle children per thread */
#define ARG_PAGES	4	/* room for a 16383-byte struct */
#define FAILMSG		8192
#define GRACE_SECS	30
#define MAX_SLOTS	(1U << 20)	/* module's id slot limit */
#define DROP_ID		65534
#define PAT_STEP	7U	/* message text: byte i = text[0] + 7 * i */
#define PAT_DENSE	12288	/* checked densely up to here */
#define PAT_STRIDE	509	/* and every 509th byte after */
#define ISO_TYPE_BASE	0x5a000000
#define NSN		3	/* IPC namespaces besides the initial one */

/*
 * The documented errno set (errs[], call.c); index 0 is success, NERR is
 * "anything else".
 */
#define NERR_COMMON 15
#define NERR 17
extern const int errs[NERR];
extern const char *const errnames[NERR + 1];
int err_index(int e);

#define M(i)	(1U << (i))
#define EM(e)	M(err_index(e))

/* Envelope mutations of the command word and the argument pointer. */
enum env {
	E_NORMAL, E_SMALLER, E_LARGER0, E_LARGERNZ, E_BADDIR, E_BADTYPE,
	E_BADNR, N_ENV
};
extern const char *const envnames[N_ENV];
enum ptrk {
	P_NORMAL, P_NULL, P_NONE, P_RO, P_STRADDLE, P_LOW, P_TOP, P_KERNEL,
	P_NONCANON, N_PTR
};
extern const char *const ptrnames[N_PTR];

/* Everything the processes share (MAP_SHARED, created before any fork). */
struct shared {
	int stop;
	int fail;
	char failmsg[FAILMSG];
	int pool[AIXIPC_NR_KINDS][POOL_N];
	int stale[STALE_N];
	unsigned int stale_pos;
	int iso[ISO_N];
	uint64_t ops;
	uint64_t ioc_stats[MAX_IOCS + 1][NERR + 1];	/* last row: raw */
	uint64_t env_stats[N_ENV];
	uint64_t ptr_stats[N_PTR];
	uint64_t buf_stats[N_PTR];
	uint64_t scen_stats[MAX_SCEN];
	uint64_t forks, drops, blocking, eintr, checks, sweeps, swept;
	/* shared memory */
	uint64_t touch_ok, touch_bus, touch_segv, models, model_steps;
	uint64_t gchild_kills, pieces_ops, shm_swept;
	/* guided mode */
	uint64_t stalls, recycled, view_ops;
	uint64_t stalled[8];	/* by call (stnames) */
	uint64_t recycled_stalled;	/* ids of stalled calls brought back */
	int exec_pc;		/* the executor's op, for a timeout's report */
	/* children SIGKILLed by a scenario: orphaned, they die of it */
	pid_t killed[256];
	unsigned int killed_pos;
	/* IPC namespaces (ns.c): each held by a helper process */
	pid_t ns_pid[NSN];	/* 0 while being replaced */
	uint64_t ns_inum[NSN];
	uint64_t ns_made, ns_replaced, ns_switches, ns_stale, ns_checks;
};
extern struct shared *sh;

#define ADD(x, n) __atomic_fetch_add(&(x), (n), __ATOMIC_RELAXED)
#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Configuration. */
extern uint64_t g_seed;
extern unsigned int g_duration, g_procs, g_threads;
extern bool g_replay, g_det, g_chaos;
extern uint64_t g_max_ops;
extern struct aixipc_limits g_limits;
extern size_t g_pg, g_cap;	/* page size; usable bytes of a msg region */
extern char *g_nonepage;	/* PROT_NONE, a page plus the largest struct */
extern char *g_rosrc;		/* 2 read-only pages of pattern, then a guard */
extern uint64_t g_min_addr;	/* /proc/sys/vm/mmap_min_addr */
extern bool g_unpriv;		/* this process dropped its privileges */
extern char g_argv0[256];
extern int g_devfd;
extern bool g_ns;		/* namespace switching on (ns.c) */
extern uint64_t g_init_inum;	/* the initial IPC namespace's inode number */

/* PRNG (rng.c): splitmix64 for seeding, xoshiro256** per stream. */
struct rng {
	uint64_t s[4];
};

uint64_t derive(uint64_t a, uint64_t b, uint64_t c, uint64_t d);
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint64_t rng_below(struct rng *r, uint64_t n);


/* Per-thread state. */

struct ent {
	int id;
	uint64_t cbytes, qnum;	/* queues */
	uint64_t pages, rss;	/* segments */
	uint32_t status, key;
};

/*
 * A thread's own attachment.  Pages below ATT_TRACK have their state in
 * pst[]; the rest keep the protection of the attach.
 */
#define ATT_MAX		6
#define ATT_TRACK	16
enum { PS_GONE, PS_NONE, PS_R, PS_RW };

struct att {
	uintptr_t addr;
	uint64_t len;
	int id;
	bool rdonly;
	uint8_t pst[ATT_TRACK];
};

struct wk {
	struct rng r;
	int fd;
	int proc, thread, gen;	/* proc -1: the parent */
	bool in_child, clean, failed;
	bool env_ok;		/* last fz_call's handler saw our struct */
	uint64_t ops;
	char *region;		/* g_cap bytes, then a PROT_NONE guard */
	char *argbuf;		/* ARG_PAGES pages, then a guard */
	char *ropage;		/* one page, read-only but for our writes */
	pid_t kids[MAX_KIDS];
	int nkids;
	struct ent *ents;
	size_t nents_max;
	int bufkind;		/* of the last message buffer picked */
	unsigned int allow;	/* next fz_call: the errnos it may give (M()) */
	struct att atts[ATT_MAX];
	int natt;
	int nsfd[NSN];		/* this thread's holds on the namespaces, or -1 */
	uint64_t nsino[NSN];	/* what each nsfd is */
	uint64_t ns_cur;	/* the namespace this thread is in */
};


static inline uint64_t rnd(struct wk *w, uint64_t n)
{
	return rng_below(&w->r, n);
}

static inline uint64_t r64(struct wk *w)
{
	return rng_next(&w->r);
}

static inline bool chance(struct wk *w, unsigned int pct)
{
	return rnd(w, 100) < pct;
}


/*
 * The ioctl table (iocs.c): an ioctl's name, command, the struct this
 * fuzzer knows, its weight among the generators, its generator, and the
 * errnos it may give beyond the common set (M() of errs[] indices).
 */
struct ioc_desc {
	const char *name;
	unsigned long cmd;
	size_t ksize;		/* the struct this fuzzer knows */
	unsigned int weight;
	void (*gen)(struct wk *w);
	unsigned int extra;	/* errnos allowed beyond the common set */
	size_t kmin;		/* the oldest struct the module takes (a
				 * struct that has grown); 0: ksize */
	bool returns_fd;	/* success is a new descriptor, not 0 */
};

/* The smallest struct the module takes for @d: below it, EINVAL. */
static inline size_t ioc_min_size(const struct ioc_desc *d)
{
	return d->kmin ? d->kmin : d->ksize;
}

/* Indices into iocs[]; a new ioctl adds its own before N_IOCS. */
enum {
	IOC_VERSION, IOC_GET, IOC_LIST, IOC_MSGSND, IOC_MSGRCV, IOC_MSGCTL,
#ifdef AIXIPC_IOC_SEMOP
	IOC_SEMOP, IOC_SEMCTL,
#endif
#ifdef AIXIPC_IOC_SEMMAP
	IOC_SEMMAP,
#endif
	IOC_INFO, IOC_SHMAT, IOC_SHMDT, IOC_SHMCTL, IOC_NS, IOC_MSGFD,
	N_IOCS
};
extern const struct ioc_desc iocs[N_IOCS];
#define NIOCS N_IOCS
#define RAW_ROW MAX_IOCS

_Static_assert(NIOCS <= MAX_IOCS, "raise MAX_IOCS");

/* Scenarios (scen.c): structured sequences, chosen by weight. */
struct scen_desc {
	const char *name;
	unsigned int weight;
	void (*run)(struct wk *w);
};
extern const struct scen_desc scens[];
extern const int n_scens;

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* The parent (parent.c): its worker processes. */
struct child {
	pid_t pid;
	int gen;
	bool alive, killed, stopped;
	double cont_at;
};

extern struct child kids[MAX_PROCS];

/* Coverage-guided mode (prims.c, exec.c, manager.c). */
#define NKCOV		4	/* executor main thread, 2 stall threads, sub */
#define KC_MAIN		0
#define KC_SUB		3
#define NSTALL		2
#define NVIEW		8
#define EXEC_SECS	30	/* an executor's time bound (2048 shmgets take 15 s on TCG) */

extern struct kcov g_kc[NKCOV];
extern bool g_kcov;		/* coverage available */
extern int g_kc_main;		/* the buffer of this executor's main thread */
extern const char *g_corpus;	/* directory, or NULL */
extern const char *g_outdir;	/* current program, crashes; or NULL */
extern char g_self32[4096];	/* the 32-bit executor, if built */
extern int g_msgfd;		/* a 32-bit executor's failure text */
extern uid_t g_euid;		/* root's effective uid (the uid primitive) */

/* A copying call held in its user copy by a userfaultfd page. */
enum { ST_SETALL, ST_GETALL, ST_SEMOP, ST_MSGSND, ST_MSGRCV, ST_LIST, N_ST };

struct stall {
	bool active;
	int call, id, kind, kc;
	pthread_t th;
	int ufd;
	char *mem;		/* page 0 plain, page 1 registered, page 2 guard */
	uintptr_t buf;		/* the call's buffer: ends up in page 1 */
	uint64_t len;		/* bytes the call copies */
	struct wk tw;		/* the helper's clean copy of the worker */
	volatile int done;
	int rc;
};
extern struct stall g_st[NSTALL];

/* The sequence primitives (exec.c: xprims[], after iocs[] and scens[]). */
struct xprim {
	const char *name;
	unsigned int weight;
	void (*fn)(struct wk *w, unsigned int arg);
};
extern const struct xprim xprims[];
extern const int n_xprims;
extern const char *g_pnames[];	/* primitive names: iocs[], scens[], xprims[] */

/* The manager's options (manager.c). */
extern bool g_keep_going;
extern const char *g_distill;

/* rng.c */
void fill_random(struct wk *w, void *p, size_t n);

/* output.c */
__attribute__((format(printf, 1, 2)))
void out(const char *fmt, ...);
double now(void);
bool stopping(void);
void kill_child(pid_t pid);
bool killed_by_scenario(pid_t pid);
__attribute__((format(printf, 2, 3)))
void fz_fail(struct wk *w, const char *fmt, ...);

/* call.c */
bool known_nr(unsigned int nr);
bool vfs_type(unsigned int t);
void hexdump(char *dst, size_t room, const void *p, size_t n);
int fz_call(struct wk *w, int idx, void *arg);
int fz_call_clean(struct wk *w, int idx, void *arg, unsigned int allow);

/* iocs.c */
int rmid_sem(struct wk *w, int id);
uint64_t pick_resize(struct wk *w);

/* ids.c */
bool is_iso(int id);
int pick_id(struct wk *w, unsigned int kind);
void pool_forget(unsigned int kind, int id);
void pool_add(struct wk *w, unsigned int kind, int id);
uint32_t pick_kind(struct wk *w);
int32_t pick_key(struct wk *w);
int new_private(struct wk *w, uint32_t kind, uint32_t mode, uint64_t size,
		unsigned int allow);

/* msgbuf.c */
uint64_t pick_buf(struct wk *w, uint64_t need);
uint64_t region_room(struct wk *w, uint64_t addr);
void fill_pattern(struct wk *w, unsigned char *t, uint64_t len);
int64_t check_pattern(const unsigned char *t, uint64_t len);
uint64_t pick_size(struct wk *w);
int64_t pick_mtype(struct wk *w);
int64_t pick_msgtyp(struct wk *w);
uint32_t pick_type_size(struct wk *w);

/* msg.c */
uint32_t pick_wait_flags(struct wk *w, uint32_t extra_ok);
int do_msgsnd(struct wk *w, int id, int64_t mtype, uint64_t size,
	      uint32_t flags, uint32_t ts, bool anybuf);
int do_msgrcv(struct wk *w, int id, int64_t msgtyp, uint64_t size,
	      uint32_t flags, uint32_t ts, bool anybuf,
	      struct aixipc_msgrcv *out);
uint64_t pick_rcv_size(struct wk *w);
int msg_stat(struct wk *w, int id, struct aixipc_msqid_ds *ds);
int msg_set(struct wk *w, int id, const struct aixipc_msqid_ds *ds);
int rmid_msg(struct wk *w, int id);

/* shm.c */
uint64_t pick_shm_size(struct wk *w);
bool shm_ds_sane(struct wk *w, const struct aixipc_shmid_ds *ds,
		 const char *what);
void install_fault_handler(void);
int probe(struct wk *w, volatile unsigned char *p, bool write,
	  unsigned char *val);
const char *signame(int sig);
uint64_t pg_align(uint64_t x);
int prot_of(unsigned int ps);
int shm_ctl(struct wk *w, int id, uint32_t cmd, uint64_t *value,
	    struct aixipc_shmid_ds *ds, unsigned int allow);
int shm_stat(struct wk *w, int id, struct aixipc_shmid_ds *ds);
int rmid_shm(struct wk *w, int id);
int shm_attach(struct wk *w, int id, uint32_t flags, uint64_t *addr,
	       uint64_t *size, unsigned int allow);
int shm_detach(struct wk *w, uint64_t addr, uint64_t *size);
unsigned int att_state(const struct att *a, uint64_t page);
uint64_t att_mapped(const struct att *a);
void att_add(struct wk *w, int id, uint64_t addr, uint64_t len,
	     bool rdonly);
void att_forget(struct wk *w, int i);
void att_drop(struct wk *w, int i);
void att_drop_all(struct wk *w);
int any_segment(struct wk *w);
void att_new(struct wk *w);
uintptr_t own_mapped(struct wk *w, void *stack);

/* ns.c */
void ns_learn_initial(void);
void ns_setup(void);
void ns_replace(struct wk *pw);
void ns_switch(struct wk *w);
void ns_stop(void);
void ns_check_freed(void);
bool ns_admin(const struct wk *w);
bool ns_ours(uint64_t inum);
uint64_t pick_ns(struct wk *w);

/* sweep.c */
long list_all(struct wk *w, uint32_t kind, uint32_t batch);
void sweep(struct wk *w, size_t max_objs, uint64_t max_bytes,
	   uint64_t max_msgs);

/* scen.c */
int iso_take(int id);
void iso_drop(int slot);
void reap_kids(struct wk *w, bool all);
void drop_privileges(void);
void alarm_handler(int sig);
void orphan_handler(int sig);
void run_scen(struct wk *w, int i);
void one_op(struct wk *w, bool scenarios);

/* scen_shm.c */
void scen_shm_touch(struct wk *w);
void scen_shm_pieces(struct wk *w);
void scen_shm_forkkill(struct wk *w);

/* scribble.c: the semaphore fast path's words under garbage */
extern bool g_scribble;
void scribble_main(struct wk *pw);
void scen_sem_scribble(struct wk *w);

/* shm_model.c */
void scen_shm_model(struct wk *w);

/* worker.c */
void *map(size_t len, int prot);
void wk_init(struct wk *w, int fd, int proc, int thread, int gen);
void worker_proc(int proc, int gen, int fd);

/* parent.c */
void spawn(int proc);
int reap(bool respawn);
void chaos(struct wk *pw, double t);
void cleanup(struct wk *pw);
void progress(double t0, double t);
void summary(void);

/* prims.c */
void prim_stall(struct wk *w, unsigned int arg);
void prim_release(struct wk *w, unsigned int arg);
void release_all(struct wk *w);
void prim_recycle(struct wk *w, unsigned int arg);
void prim_view(struct wk *w, unsigned int arg);
void views_drop(void);
void prim_lockresize(struct wk *w, unsigned int arg);
void prim_signal(struct wk *w, unsigned int arg);
void prim_uid(struct wk *w, unsigned int arg);

/* exec.c */
void prims_init(void);
void prim_sub(struct wk *w, unsigned int arg);
void exec_prog(const struct prog *p);
int exec_main(const char *file);

/* manager.c */
void find_self32(void);
int guided_main(struct wk *pw, const char *reproduce);

#endif
