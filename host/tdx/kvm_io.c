// SPDX-License-Identifier: GPL-2.0
#include "tdx/kvm_io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static int sys_open_kvm(struct kvm_io *io)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static long sys_ioctl(struct kvm_io *io, int fd, unsigned long req, void *arg)
{
	long r = ioctl(fd, req, arg);

	return r < 0 ? -errno : r;
}

static void *sys_mmap(struct kvm_io *io, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

static int sys_munmap(struct kvm_io *io, void *addr, size_t len)
{
	return munmap(addr, len) ? -errno : 0;
}

static int sys_close(struct kvm_io *io, int fd)
{
	return close(fd) ? -errno : 0;
}

static int sys_fallocate(struct kvm_io *io, int fd, int mode, off_t off, off_t len)
{
	return fallocate(fd, mode, off, len) ? -errno : 0;
}

static int sys_madvise(struct kvm_io *io, void *addr, size_t len, int advice)
{
	return madvise(addr, len, advice) ? -errno : 0;
}

struct kvm_io kvm_io_sys = {
	.open_kvm = sys_open_kvm,
	.ioctl = sys_ioctl,
	.mmap = sys_mmap,
	.munmap = sys_munmap,
	.close = sys_close,
	.fallocate = sys_fallocate,
	.madvise = sys_madvise,
};
