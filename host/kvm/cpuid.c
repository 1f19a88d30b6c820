// SPDX-License-Identifier: GPL-2.0
#include "kvm/vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <sys/ioctl.h>

struct kvm_cpuid2 *kvm_supported_cpuid(int kvm_fd)
{
	int nent = 64;

	for (;;) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));

		if (!c) {
			kvm_fail(ENOMEM, "CPUID table");
			return NULL;
		}
		c->nent = nent;
		if (!ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		/* KVM does not say how many it needs: grow until it fits. */
		if (errno != E2BIG || nent >= 4096) {
			kvm_fail_errno("KVM_GET_SUPPORTED_CPUID");
			return NULL;
		}
		nent *= 2;
	}
}
