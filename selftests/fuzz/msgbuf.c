// SPDX-License-Identifier: GPL-2.0
/* fuzz: message buffers, text patterns, sizes and types. */
#include "fuzz.h"

/*
 * A message buffer of need bytes.  Valid buffers live in the thread's
 * region, which ends at a guard page, so whatever the module writes stays
 * in the region or faults.  Sets w->bufkind; returns the address.
 */
uint64_t pick_buf(struct wk *w, uint64_t need)
{
	unsigned int r = (unsigned int)rnd(w, 100);
	uint64_t off;

	if (r < 85) {
		w->bufkind = P_NORMAL;
		switch (rnd(w, 3)) {
		case 0:
			off = 0;
			break;
		case 1:
			off = rnd(w, g_pg);
			break;
		default:
			off = need <= g_cap ? g_cap - need : 0;
		}
		if (off + need > g_cap)
			off = 0;
		return (uintptr_t)(w->region + off);
	}
	if (r < 87) {
		w->bufkind = P_NULL;
		return 0;
	}
	if (r < 89) {
		w->bufkind = P_NONE;
		return (uintptr_t)(g_nonepage + rnd(w, g_pg));
	}
	if (r < 92) {
		w->bufkind = P_RO;
		return (uintptr_t)(g_rosrc + rnd(w, 2 * g_pg));
	}
	if (r < 95) {
		uint64_t k = 1 + rnd(w, need > 1 ? (need < g_cap ? need : g_cap) - 1 : 1);

		w->bufkind = P_STRADDLE;
		return (uintptr_t)(w->region + g_cap - k);
	}
	if (r < 97) {
		w->bufkind = P_LOW;
		return 0x1000 + rnd(w, 0xe000);
	}
	if (r < 98) {
		w->bufkind = P_TOP;
		return 0x7ffffffff000ULL - rnd(w, 64);
	}
	if (r < 99) {
		w->bufkind = P_KERNEL;
		return 0xffff888000000000ULL + rnd(w, 1 << 20);
	}
	w->bufkind = P_NONCANON;
	return 0x8000000000000000ULL;
}

/* Bytes from addr to the end of the region, 0 when outside it. */
uint64_t region_room(struct wk *w, uint64_t addr)
{
	uint64_t b = (uintptr_t)w->region;

	return addr >= b && addr < b + g_cap ? b + g_cap - addr : 0;
}

void fill_pattern(struct wk *w, unsigned char *t, uint64_t len)
{
	unsigned char b = (unsigned char)r64(w);
	uint64_t i, dense = len < PAT_DENSE ? len : PAT_DENSE;

	for (i = 0; i < dense; i++)
		t[i] = (unsigned char)(b + (unsigned char)(PAT_STEP * i));
	for (i = (PAT_DENSE + PAT_STRIDE - 1) / PAT_STRIDE * PAT_STRIDE; i < len;
	     i += PAT_STRIDE)
		t[i] = (unsigned char)(b + (unsigned char)(PAT_STEP * i));
}

/* Returns the first bad offset, or -1. */
int64_t check_pattern(const unsigned char *t, uint64_t len)
{
	uint64_t i, dense = len < PAT_DENSE ? len : PAT_DENSE;

	for (i = 0; i < dense; i++)
		if (t[i] != (unsigned char)(t[0] + (unsigned char)(PAT_STEP * i)))
			return (int64_t)i;
	for (i = (PAT_DENSE + PAT_STRIDE - 1) / PAT_STRIDE * PAT_STRIDE; i < len;
	     i += PAT_STRIDE)
		if (t[i] != (unsigned char)(t[0] + (unsigned char)(PAT_STEP * i)))
			return (int64_t)i;
	return -1;
}

uint64_t pick_size(struct wk *w)
{
	uint64_t mx = g_limits.msgmax;
	unsigned int r = (unsigned int)rnd(w, 1000);
	static const uint64_t edges[] = {
		4023, 4024, 4025, 4088, 4095, 4096, 4097, 8111, 8112, 8113,
		8192, 12199, 12200, 12201, 12288,
	};

	if (r < 100)
		return 0;
	if (r < 450)
		return 1 + rnd(w, 64);
	if (r < 620)
		return 65 + rnd(w, 4200);
	if (r < 760)
		return edges[rnd(w, sizeof(edges) / sizeof(edges[0]))] + rnd(w, 3) - 1;
	if (r < 900)
		return 4096 + rnd(w, 60000);
	if (r < 930)
		return 65536 + rnd(w, mx > 65536 ? (mx - 65536) / 8 : 1);
	if (r < 935)
		return mx - rnd(w, 2);
	if (r < 945)
		return mx + 1 + rnd(w, 2);
	switch (rnd(w, 6)) {
	case 0:
		return 2 * mx;
	case 1:
		return 1ULL << 32;
	case 2:
		return UINT64_MAX;
	case 3:
		return 1ULL << 63;
	case 4:
		return UINT64_MAX - 7;
	default:
		return r64(w);
	}
}

int64_t pick_mtype(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 65)
		return 1 + (int64_t)rnd(w, 8);
	switch (r % 9) {
	case 0:
		return 0;
	case 1:
		return -1;
	case 2:
		return INT32_MAX;
	case 3:
		return (int64_t)INT32_MAX + 1;
	case 4:
		return INT64_MIN;
	case 5:
		return INT64_MAX;
	case 6:
		return UINT32_MAX;
	case 7:
		return INT32_MIN;
	default:
		return (int64_t)r64(w);
	}
}

int64_t pick_msgtyp(struct wk *w)
{
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 30)
		return 0;
	if (r < 55)
		return 1 + (int64_t)rnd(w, 8);
	if (r < 75)
		return -1 - (int64_t)rnd(w, 8);
	switch (r % 8) {
	case 0:
		return INT64_MIN;
	case 1:
		return INT64_MAX;
	case 2:
		return INT32_MAX;
	case 3:
		return -(int64_t)INT32_MAX;
	case 4:
		return (int64_t)INT32_MAX + 1;
	case 5:
		return -(int64_t)INT32_MAX - 1;
	case 6:
		return INT64_MIN + 1;
	default:
		return (int64_t)r64(w);
	}
}

uint32_t pick_type_size(struct wk *w)
{
	static const uint32_t odd[] = { 0, 1, 2, 3, 5, 6, 7, 9, 16, UINT32_MAX };
	unsigned int r = (unsigned int)rnd(w, 100);

	if (r < 70)
		return 8;
	if (r < 92)
		return 4;
	return odd[rnd(w, sizeof(odd) / sizeof(odd[0]))];
}

