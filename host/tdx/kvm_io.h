/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one door through which the TDX backend talks to KVM.  No TDX
 * hardware is available to us, so the backend's whole life cycle is
 * contract-tested against a scripted fake that replaces this table.
 */
#ifndef SEPTBENCH_TDX_KVM_IO_H
#define SEPTBENCH_TDX_KVM_IO_H

#include <stddef.h>
#include <sys/types.h>

struct kvm_io {
	/* open("/dev/kvm"): an fd or -errno */
	int (*open_kvm)(struct kvm_io *io);
	/* ioctl(): its result (>= 0) or -errno */
	long (*ioctl)(struct kvm_io *io, int fd, unsigned long req, void *arg);
	/* mmap(): the address or NULL with errno set */
	void *(*mmap)(struct kvm_io *io, size_t len, int prot, int flags, int fd, off_t off);
	int (*munmap)(struct kvm_io *io, void *addr, size_t len);
	int (*close)(struct kvm_io *io, int fd);
	/* fallocate() and madvise(): 0 or -errno (conversions free memory) */
	int (*fallocate)(struct kvm_io *io, int fd, int mode, off_t off, off_t len);
	int (*madvise)(struct kvm_io *io, void *addr, size_t len, int advice);
	void *priv;
};

/* The real thing: system calls. */
extern struct kvm_io kvm_io_sys;

#endif
