// SPDX-License-Identifier: GPL-2.0
/* Guest memory backings: what the memslot's host virtual addresses sit on. */
#include "kvm/vm.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/kvm.h>
#include <linux/mman.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* A reason for a failed hugetlb mmap that tells the user what to do. */
static int hugetlb_fail(uint64_t page_size, uint64_t size)
{
	char path[128], free_path[128];
	uint64_t nr = 0, nfree = 0;
	unsigned long kb = page_size >> 10;

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages", kb);
	if (!read_u64(path, &nr))
		return kvm_fail(EOPNOTSUPP, "no %lu kB hugetlb pages on this host", kb);
	snprintf(free_path, sizeof(free_path),
		 "/sys/kernel/mm/hugepages/hugepages-%lukB/free_hugepages", kb);
	read_u64(free_path, &nfree);
	return kvm_fail(EOPNOTSUPP,
			"hugetlb %lu kB: need %llu pages, %llu reserved, %llu free (raise %s)",
			kb, (unsigned long long)(size / page_size), (unsigned long long)nr,
			(unsigned long long)nfree, path);
}

/* Map anon memory with room to align its start to @align. */
static int map_aligned(struct guest_mem *m, uint64_t size, uint64_t align)
{
	uint8_t *p, *start;

	m->map_size = size + align;
	m->map = mmap(NULL, m->map_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		return kvm_fail_errno("mmap %llu bytes of anonymous memory",
				      (unsigned long long)m->map_size);
	}
	p = m->map;
	start = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	m->hva = start;
	return 0;
}

static int gmem_alloc(struct guest_mem *m, uint64_t size, int vm_fd)
{
#if defined(GUEST_MEMFD_FLAG_MMAP) && defined(KVM_CAP_GUEST_MEMFD_FLAGS)
	struct kvm_create_guest_memfd gm = { .size = size };
	int r, flags;

	if (vm_fd < 0)
		return kvm_fail(EINVAL, "guest_memfd needs a VM");
	if (ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD) <= 0)
		return kvm_fail(EOPNOTSUPP, "guest_memfd: KVM_CAP_GUEST_MEMFD not offered for this VM type");
	flags = ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD_FLAGS);
	if (flags < 0 || !(flags & GUEST_MEMFD_FLAG_MMAP))
		return kvm_fail(EOPNOTSUPP, "guest_memfd: GUEST_MEMFD_FLAG_MMAP not offered "
				"(KVM_CAP_GUEST_MEMFD_FLAGS = %d), so it cannot back shared memory",
				flags);
	gm.flags = GUEST_MEMFD_FLAG_MMAP;
#ifdef GUEST_MEMFD_FLAG_INIT_SHARED
	/* Without private attributes everything must start out shared. */
	if (flags & GUEST_MEMFD_FLAG_INIT_SHARED)
		gm.flags |= GUEST_MEMFD_FLAG_INIT_SHARED;
#endif
	r = ioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &gm);
	if (r < 0)
		return kvm_fail_errno("KVM_CREATE_GUEST_MEMFD (%llu bytes, flags 0x%llx)",
				      (unsigned long long)size, (unsigned long long)gm.flags);
	m->fd = r;
	m->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		return kvm_fail_errno("mmap of guest_memfd");
	}
	m->map_size = size;
	m->hva = m->map;
	return 0;
#else
	return kvm_fail(EOPNOTSUPP, "guest_memfd: built against headers without "
			"GUEST_MEMFD_FLAG_MMAP / KVM_CAP_GUEST_MEMFD_FLAGS");
#endif
}

int guest_mem_alloc(struct guest_mem *m, enum backing b, uint64_t size, int vm_fd)
{
	int flags, r;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->backing = b;
	m->page_size = 4096;
	switch (b) {
	case BACKING_HUGETLB2M:
		m->page_size = 2ull << 20;
		break;
	case BACKING_HUGETLB1G:
		m->page_size = 1ull << 30;
		break;
	case BACKING_THP:
		m->page_size = 2ull << 20;
		break;
	default:
		break;
	}
	if (!size || size % m->page_size)
		return kvm_fail(EINVAL, "%s backing: size %llu is not a multiple of %llu",
				backing_name(b), (unsigned long long)size,
				(unsigned long long)m->page_size);
	m->size = size;

	switch (b) {
	case BACKING_ANON:
		r = map_aligned(m, size, 4096);
		/* Keep it 4K: THP "always" would otherwise hand out 2M pages. */
		if (!r && madvise(m->hva, size, MADV_NOHUGEPAGE))
			r = kvm_fail_errno("madvise(MADV_NOHUGEPAGE)");
		break;
	case BACKING_THP:
		r = map_aligned(m, size, 2ull << 20);
		if (!r && madvise(m->hva, size, MADV_HUGEPAGE))
			r = errno == EINVAL ?
				kvm_fail(EOPNOTSUPP, "madvise(MADV_HUGEPAGE): no THP in this kernel") :
				kvm_fail_errno("madvise(MADV_HUGEPAGE)");
		break;
	case BACKING_HUGETLB2M:
	case BACKING_HUGETLB1G:
		flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
			(b == BACKING_HUGETLB2M ? MAP_HUGE_2MB : MAP_HUGE_1GB);
		m->map = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (m->map == MAP_FAILED) {
			m->map = NULL;
			r = errno == ENOMEM || errno == EINVAL ?
				hugetlb_fail(m->page_size, size) :
				kvm_fail_errno("mmap %s", backing_name(b));
			break;
		}
		m->map_size = size;
		m->hva = m->map;
		r = 0;
		break;
	case BACKING_MEMFD:
		m->fd = memfd_create("septbench-guest", MFD_CLOEXEC);
		if (m->fd < 0) {
			r = kvm_fail_errno("memfd_create");
			break;
		}
		if (ftruncate(m->fd, size)) {
			r = kvm_fail_errno("ftruncate memfd to %llu", (unsigned long long)size);
			break;
		}
		m->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
		if (m->map == MAP_FAILED) {
			m->map = NULL;
			r = kvm_fail_errno("mmap memfd");
			break;
		}
		m->map_size = size;
		m->hva = m->map;
		/* Keep it 4K: shmem THP (huge=within_size/advise) would map 2M. */
		r = madvise(m->hva, size, MADV_NOHUGEPAGE) ? kvm_fail_errno("madvise(MADV_NOHUGEPAGE) on memfd") : 0;
		break;
	case BACKING_GMEM:
		r = gmem_alloc(m, size, vm_fd);
		break;
	default:
		r = kvm_fail(EINVAL, "unknown backing %d", b);
	}
	if (r)
		guest_mem_free(m);
	return r;
}

int guest_mem_alloc_private(struct guest_mem *m, uint64_t size, int vm_fd)
{
	struct kvm_create_guest_memfd gm = { .size = size };
	int r;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->backing = BACKING_GMEM;
	m->page_size = 4096;
	m->private_mem = true;
	if (!size || size % 4096)
		return kvm_fail(EINVAL, "private memory: size %llu is not a multiple of 4K",
				(unsigned long long)size);
	m->size = size;
	if (ioctl(vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_MEMFD) <= 0)
		return kvm_fail(EOPNOTSUPP, "private memory: KVM_CAP_GUEST_MEMFD not offered for this VM type");
	/* Flags 0: the pages start private and the host cannot map them. */
	r = ioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &gm);
	if (r < 0)
		return kvm_fail_errno("KVM_CREATE_GUEST_MEMFD (%llu bytes, private)",
				      (unsigned long long)size);
	m->fd = r;
	/* The shared side of the slot: where accesses go after a conversion. */
	r = map_aligned(m, size, 4096);
	if (!r && madvise(m->hva, size, MADV_NOHUGEPAGE))
		r = kvm_fail_errno("madvise(MADV_NOHUGEPAGE)");
	if (r)
		guest_mem_free(m);
	return r;
}

int guest_mem_populate(struct guest_mem *m)
{
	volatile uint8_t *p = m->hva;
	uint64_t off, step = 4096;

	/* Private pages are allocated in the guest_memfd, not through a mapping. */
	if (m->private_mem)
		return fallocate(m->fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)m->size) ?
			kvm_fail_errno("fallocate of %llu bytes of guest_memfd",
				       (unsigned long long)m->size) : 0;

	/* THP may fall back to 4K pages: only hugetlb is sure to be huge. */
	if (m->backing == BACKING_HUGETLB2M || m->backing == BACKING_HUGETLB1G)
		step = m->page_size;
	/* A write, not a read: a read would map the shared zero page. */
	for (off = 0; off < m->size; off += step)
		p[off] = 0;
	return 0;
}

void guest_mem_free(struct guest_mem *m)
{
	if (m->map)
		munmap(m->map, m->map_size);
	if (m->fd >= 0)
		close(m->fd);
	m->map = NULL;
	m->hva = NULL;
	m->fd = -1;
}

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (gpa + len >= gpa && gpa + len <= vm->sys.size)
		return (uint8_t *)vm->sys.hva + gpa;
	if (gpa >= vm->mem_gpa && gpa + len >= gpa && gpa + len - vm->mem_gpa <= vm->mem.size)
		return (uint8_t *)vm->mem.hva + (gpa - vm->mem_gpa);
	return NULL;
}
