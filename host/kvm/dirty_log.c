// SPDX-License-Identifier: GPL-2.0
#include "kvm/dirty_log.h"
#include "kvm/vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define TEST_SLOT 1

int vm_dirty_log_manual(struct vm *vm)
{
	const unsigned long want = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | KVM_DIRTY_LOG_INITIALLY_SET;
	struct kvm_enable_cap cap = { .cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, .args = { want } };
	int r;

	r = ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);
	if (r <= 0 || ((unsigned long)r & want) != want)
		return kvm_fail(EOPNOTSUPP, "KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 with INITIALLY_SET");
	if (ioctl(vm->fd, KVM_ENABLE_CAP, &cap))
		return kvm_fail_errno("KVM_ENABLE_CAP(MANUAL_DIRTY_LOG_PROTECT2)");
	return 0;
}

int vm_dirty_log_clear_all(struct vm *vm)
{
	uint64_t pages = vm->mem.size / 4096;
	struct kvm_clear_dirty_log clear = {
		.slot = TEST_SLOT,
		.num_pages = pages,
		.first_page = 0,
	};
	void *bitmap;
	int r = 0;

	/* One bit per 4K page, all set: "these were dirty, protect them again". */
	bitmap = malloc((pages + 63) / 64 * 8);
	if (!bitmap)
		return kvm_fail(ENOMEM, "dirty bitmap");
	memset(bitmap, 0xff, (pages + 63) / 64 * 8);
	clear.dirty_bitmap = bitmap;
	if (ioctl(vm->fd, KVM_CLEAR_DIRTY_LOG, &clear))
		r = kvm_fail_errno("KVM_CLEAR_DIRTY_LOG (%llu pages)", (unsigned long long)pages);
	free(bitmap);
	return r;
}
