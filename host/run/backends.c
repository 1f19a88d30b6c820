// SPDX-License-Identifier: GPL-2.0
/*
 * The VM backends septbench has, most specific first: the engine asks
 * backend_for() and never names one.
 */
#include "run/backend.h"

extern const struct backend_ops tdx_backend;
extern const struct backend_ops swp_backend;
extern const struct backend_ops septemu_backend;
extern const struct backend_ops default_backend;

static const struct backend_ops *const backends[] = {
	&tdx_backend,
	&swp_backend,
	&septemu_backend,
	&default_backend,
};

const struct backend_ops *backend_for(const struct run_opts *o)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(backends); i++)
		if (backends[i]->serves(o))
			return backends[i];
	return NULL;
}
