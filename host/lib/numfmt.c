// SPDX-License-Identifier: GPL-2.0
/* Figures for tables: see numfmt.h. */
#include "lib/numfmt.h"

#include <math.h>
#include <stdio.h>

const char *fmt_num(char *buf, size_t size, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, size, "-");
	else if (a >= 1e9)
		snprintf(buf, size, "%.4e", v);
	else if (a >= 100 || a == 0)
		snprintf(buf, size, "%.1f", v);
	else if (a >= 1)
		snprintf(buf, size, "%.3f", v);
	else
		snprintf(buf, size, "%.4g", v);
	return buf;
}

const char *fmt_p(char *buf, size_t size, double p)
{
	if (isnan(p))
		snprintf(buf, size, "-");
	else if (p < 0.0001)
		snprintf(buf, size, "%.1e", p);
	else
		snprintf(buf, size, "%.4f", p);
	return buf;
}
