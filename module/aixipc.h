/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-wide state: the limits in force and the namespace served.
 * The limits are module parameters, read-only once the module is loaded,
 * so they need no locking.
 */
#ifndef _AIXIPC_AIXIPC_H
#define _AIXIPC_AIXIPC_H

#include <uapi/linux/aixipc.h>

struct aixipc_ns;

extern struct aixipc_limits aixipc_limits;
extern struct aixipc_ns aixipc_init_ns;

#endif /* _AIXIPC_AIXIPC_H */
