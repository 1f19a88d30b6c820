// SPDX-License-Identifier: GPL-2.0
/* The KVM library's errors: one message per thread naming the failed step. */
#include "kvm/vm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static __thread char err_buf[512];

const char *kvm_error(void)
{
	return err_buf[0] ? err_buf : "no error recorded";
}

static int vfail(int err, const char *fmt, va_list ap)
{
	int n = vsnprintf(err_buf, sizeof(err_buf), fmt, ap);

	if (n >= 0 && (size_t)n < sizeof(err_buf))
		snprintf(err_buf + n, sizeof(err_buf) - n, ": %s", strerror(err));
	return -err;
}

int kvm_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, fmt, ap);
	va_end(ap);
	return -err;
}

int kvm_fail_errno(const char *fmt, ...)
{
	int err = errno ? errno : EIO;
	va_list ap;

	va_start(ap, fmt);
	vfail(err, fmt, ap);
	va_end(ap);
	return -err;
}
