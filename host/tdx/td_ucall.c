// SPDX-License-Identifier: GPL-2.0
#include "tdx/td_ucall.h"

#include <string.h>

bool td_ucall_arg(struct td_ucall_args *a, uint32_t word)
{
	if (a->n >= 2 * TD_UCALL_MAX_ARGS)
		return false;
	a->w[a->n++] = word;
	return true;
}

int td_ucall_take(struct td_ucall_args *a, uint64_t out[TD_UCALL_MAX_ARGS])
{
	unsigned int i;
	int n = a->n % 2 ? -1 : (int)a->n / 2;

	memset(out, 0, TD_UCALL_MAX_ARGS * sizeof(out[0]));
	for (i = 0; i + 1 < a->n; i += 2)
		out[i / 2] = a->w[i] | (uint64_t)a->w[i + 1] << 32;
	a->n = 0;
	return n;
}
