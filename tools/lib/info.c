// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What Linux's IPC_INFO, *_INFO and *_STAT(_ANY) commands need from the
 * module: its limits, a facility's totals, and the object in a slot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
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

int aixipc_totals(uint32_t kind, struct aixipc_info *info)
{
	memset(info, 0, sizeof(*info));
	info->kind = kind;
	return aixipc_call(AIXIPC_IOC_INFO, info);
}

int aixipc_entry_at(uint32_t kind, int index, struct aixipc_list_entry *e)
{
	struct aixipc_list l = {
		.kind = kind,
		.cursor = (uint64_t)index,
		.entries = (uintptr_t)e,
		.count = 1,
		.entry_size = sizeof(*e),
	};

	if (index < 0 || index >= AIXIPC_SLOTS) {
		errno = EINVAL;
		return -1;
	}
	if (aixipc_call(AIXIPC_IOC_LIST, &l))
		return -1;
	/* The walk returns the next object at or after the slot. */
	if (!l.count || aixipc_slot(e->id) != index) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int aixipc_clamp_int(uint64_t v)
{
	return v > INT_MAX ? INT_MAX : (int)v;
}
