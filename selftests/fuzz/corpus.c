// SPDX-License-Identifier: GPL-2.0
/* Fuzz programs: text form, hashing, files, corpus directories. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus.h"

const char *const *prog_names;
int prog_nnames;

size_t prog_format(const struct prog *p, char *buf, size_t room)
{
	size_t o;
	int i;

	o = (size_t)snprintf(buf, room, "# aixipc-fuzz v1%s\n", p->m32 ? " m32" : "");
	for (i = 0; i < p->n && o < room; i++)
		o += (size_t)snprintf(buf + o, room - o, "%s %#" PRIx64 " %u\n",
				      prog_names[p->ops[i].prim], p->ops[i].seed,
				      p->ops[i].arg);
	return o < room ? o : room - 1;
}

int prog_parse(struct prog *p, const char *text)
{
	const char *s = text;

	memset(p, 0, sizeof(*p));
	if (strncmp(s, "# aixipc-fuzz v1", 16))
		return -1;
	while (*s) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		char line[128], name[OPNAME_MAX + 1];
		unsigned long long seed;
		unsigned int arg;
		int k;

		if (len >= sizeof(line))
			return -1;
		memcpy(line, s, len);
		line[len] = 0;
		s += len + (e ? 1 : 0);
		if (line[0] == '#') {
			if (strstr(line, "aixipc-fuzz v1 m32"))
				p->m32 = true;
			continue;
		}
		if (!line[0])
			continue;
		if (sscanf(line, "%24s %llx %u", name, &seed, &arg) != 3)
			return -1;
		for (k = 0; k < prog_nnames; k++)
			if (!strcmp(prog_names[k], name))
				break;
		if (k == prog_nnames || p->n >= PROG_MAX)
			continue;
		p->ops[p->n].prim = (uint16_t)k;
		p->ops[p->n].seed = seed;
		p->ops[p->n].arg = (uint16_t)arg;
		p->n++;
	}
	return p->n;
}

uint64_t prog_hash(const struct prog *p)
{
	char buf[PROG_MAX * 64 + 64];
	size_t n = prog_format(p, buf, sizeof(buf)), i;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)buf[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

int prog_write(const struct prog *p, const char *path)
{
	char buf[PROG_MAX * 64 + 64], tmp[4096];
	size_t n = prog_format(p, buf, sizeof(buf)), off = 0;
	int fd, err = 0;

	/* Whole or not at all: a crash may come at any moment. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (off < n) {
		ssize_t w = write(fd, buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)w;
	}
	if (!err && fsync(fd))
		err = -errno;
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int prog_read(struct prog *p, const char *path)
{
	char buf[PROG_MAX * 128 + 256];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return prog_parse(p, buf) < 0 ? -EINVAL : 0;
}

int corpus_save(const struct prog *p, const char *dir)
{
	char path[4096];
	struct stat st;
	int err;

	snprintf(path, sizeof(path), "%s/%016" PRIx64 ".prog", dir, prog_hash(p));
	if (!stat(path, &st))
		return 0;
	err = prog_write(p, path);
	return err ? err : 1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int corpus_load(const char *dir, void (*fn)(const struct prog *p, void *arg),
		void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t nn = 0, cap = 0, i;
	int count = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".prog"))
			continue;
		if (nn == cap) {
			char **nw;

			cap = cap ? 2 * cap : 64;
			nw = realloc(names, cap * sizeof(*names));
			if (!nw)
				break;
			names = nw;
		}
		names[nn] = strdup(de->d_name);
		if (names[nn])
			nn++;
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_names);
	for (i = 0; i < nn; i++) {
		struct prog p;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!prog_read(&p, path) && p.n) {
			fn(&p, arg);
			count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}
