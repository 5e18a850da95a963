// SPDX-License-Identifier: GPL-2.0
/* fuzz: the PRNG (splitmix64 for seeding, xoshiro256** per stream). */
#include "fuzz.h"

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t splitmix(uint64_t *x)
{
	*x += 0x9e3779b97f4a7c15ULL;
	return mix64(*x);
}

uint64_t derive(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return mix64(mix64(mix64(mix64(a) ^ b) ^ c) ^ d);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* The high half of a 64x64-bit product (the same on 32-bit builds). */
static uint64_t mulhi64(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
#endif
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? mulhi64(rng_next(r), n) : 0;
}

void fill_random(struct wk *w, void *p, size_t n)
{
	unsigned char *c = p;

	while (n >= 8) {
		uint64_t v = r64(w);

		memcpy(c, &v, 8);
		c += 8;
		n -= 8;
	}
	if (n) {
		uint64_t v = r64(w);

		memcpy(c, &v, n);
	}
}

