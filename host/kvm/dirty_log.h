/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Manual dirty-log protection on the test-memory slot: with it (and
 * "initially set"), enabling logging leaves 2M mappings alone and
 * KVM_CLEAR_DIRTY_LOG is where KVM write-protects them, splitting them
 * first when kvm.eager_page_split is on.  This is how migration drives
 * splits in QEMU, so it gets scenarios of its own.
 */
#ifndef SEPTBENCH_KVM_DIRTY_LOG_H
#define SEPTBENCH_KVM_DIRTY_LOG_H

struct vm;

/* KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 with INITIALLY_SET; -EOPNOTSUPP if absent. */
int vm_dirty_log_manual(struct vm *vm);

/* KVM_CLEAR_DIRTY_LOG over the whole test-memory slot. */
int vm_dirty_log_clear_all(struct vm *vm);

#endif
