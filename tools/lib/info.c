// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What Linux's IPC_INFO and *_INFO commands need from the module: its
 * limits and a facility's totals.  (*_STAT(_ANY) ask the module for the
 * object in a slot: AIXIPC_STAT_INDEX.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

int aixipc_get_limits(struct aixipc_limits *l)
{
	struct aixipc_version v;

	memset(&v, 0, sizeof(v));
	if (aixipc_call(AIXIPC_IOC_VERSION, &v))
		return -1;
	*l = v.limits;
	return 0;
}

/* Does the module have feature @bit (AIXIPC_FEATURE_*)?  errno is kept. */
bool aixipc_has_feature(uint64_t bit)
{
	struct aixipc_version v;
	int saved = errno;
	bool has;

	memset(&v, 0, sizeof(v));
	has = !aixipc_call(AIXIPC_IOC_VERSION, &v) && (v.features & bit);
	errno = saved;
	return has;
}

int aixipc_totals(uint32_t kind, struct aixipc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->kind = kind;
	return aixipc_call(AIXIPC_IOC_INFO, info);
}

int aixipc_clamp_int(uint64_t v)
{
	return v > INT_MAX ? INT_MAX : (int)v;
}
