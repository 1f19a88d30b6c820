// SPDX-License-Identifier: GPL-2.0
/*
 * sept-emu-check: the src kernel's emulated S-EPT (KVM_X86_SEPT_EMU_VM,
 * bench/kernel/README.md) driven by the host alone, no guest code:
 * pre-fault 2 MiB of private memory, punch 0.5 MiB of the guest_memfd,
 * convert 0.5 MiB to shared, pre-fault the 2 MiB again, close.  Checks
 * the VM's sept_emu_* stats after each step and kvm_amd's sept_emu_last
 * after the close (ADD 3, AUG 640, BLOCK/TRACK/REMOVE 640, RECLAIM 3).
 * Also that the VM type refuses SMM (KVM_CAP_X86_SMM 0 on the VM) and
 * nested SVM (the host's EFER.SVME is refused).
 * Needs /dev/kvm on the src kernel: run it in scripts/vmtest.
 *
 *   sept-emu-check [-b N]   -b: sept_emu_busy_every=N for the run
 */
#include "../unit/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEPT_EMU_VM	31u	/* test-only; not in any uapi header */
#define PARAMS		"/sys/module/kvm_amd/parameters/"
#define BASE		0x40000000ull	/* 1 GiB: one L3, one L2, one L1 table */
#define SIZE		(2ull << 20)
#define QUARTER		(SIZE / 4)
#define MSR_EFER	0xc0000080u
#define EFER_SVME	(1ull << 12)

static const char *const names[] = {
	"add", "aug", "block", "track", "remove", "reclaim", "busy",
};
#define NSTATS (sizeof(names) / sizeof(names[0]))

struct stats {
	int fd;
	uint64_t off[NSTATS];	/* into the data block, -1 if missing */
	uint64_t data_off;
	unsigned int ndata;
};

static void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static int param_write(const char *name, unsigned int v)
{
	char path[128];
	FILE *f;
	int r;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	r = fprintf(f, "%u\n", v) < 0;
	return fclose(f) || r ? -1 : 0;
}

static char *param_read(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return buf;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void stats_open(struct stats *s, int vm)
{
	struct kvm_stats_header h;
	struct kvm_stats_desc *d;
	size_t dsz;
	unsigned int i, j;
	uint64_t data = 0;
	char *descs;

	s->fd = ioctl(vm, KVM_GET_STATS_FD, NULL);
	if (s->fd < 0)
		die("KVM_GET_STATS_FD");
	if (pread(s->fd, &h, sizeof(h), 0) != sizeof(h))
		die("stats header");
	dsz = sizeof(*d) + h.name_size;
	descs = calloc(h.num_desc, dsz);
	if (!descs || pread(s->fd, descs, h.num_desc * dsz, h.desc_offset) !=
	    (ssize_t)(h.num_desc * dsz))
		die("stats descriptors");
	for (j = 0; j < NSTATS; j++)
		s->off[j] = UINT64_MAX;
	for (i = 0; i < h.num_desc; i++) {
		d = (struct kvm_stats_desc *)(descs + i * dsz);
		for (j = 0; j < NSTATS; j++) {
			char want[32];

			snprintf(want, sizeof(want), "sept_emu_%s", names[j]);
			if (!strcmp(d->name, want))
				s->off[j] = d->offset;
		}
		data += d->size * sizeof(uint64_t);
	}
	s->data_off = h.data_offset;
	s->ndata = (unsigned int)(data / sizeof(uint64_t));
	free(descs);
}

static uint64_t stat_get(const struct stats *s, unsigned int j)
{
	uint64_t v;

	if (s->off[j] == UINT64_MAX ||
	    pread(s->fd, &v, sizeof(v), (off_t)(s->data_off + s->off[j])) != sizeof(v))
		return UINT64_MAX;
	return v;
}

/* "add=.. aug=.. ..." of the VM's stats, as sept_emu_last prints them. */
static const char *stats_str(const struct stats *s)
{
	static char buf[200];
	size_t n = 0;
	unsigned int j;

	for (j = 0; j < NSTATS; j++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s%s=%llu", j ? " " : "", names[j],
			      (unsigned long long)stat_get(s, j));
	return buf;
}

static void expect(const struct stats *s, const char *step, const uint64_t want[6])
{
	unsigned int j;
	bool same = true;

	for (j = 0; j < 6; j++)
		same &= stat_get(s, j) == want[j];
	tap_ok(same, "%s: %s (want add=%llu aug=%llu block=%llu track=%llu remove=%llu reclaim=%llu)",
	       step, stats_str(s), (unsigned long long)want[0], (unsigned long long)want[1],
	       (unsigned long long)want[2], (unsigned long long)want[3],
	       (unsigned long long)want[4], (unsigned long long)want[5]);
}

static int attrs(int vm, uint64_t gpa, uint64_t size, uint64_t a)
{
	struct kvm_memory_attributes ma = { .address = gpa, .size = size, .attributes = a };

	return ioctl(vm, KVM_SET_MEMORY_ATTRIBUTES, &ma);
}

static int prefault(int vcpu, uint64_t gpa, uint64_t size)
{
	struct kvm_pre_fault_memory r = { .gpa = gpa, .size = size };

	while (r.size) {
		if (ioctl(vcpu, KVM_PRE_FAULT_MEMORY, &r) < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
	}
	return 0;
}

static void set_cpuid(int kvm, int vcpu)
{
	struct kvm_cpuid2 *c;
	int n = 256;

	c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
	if (!c)
		die("calloc");
	c->nent = n;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0 || ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		die("CPUID");
	free(c);
}

int main(int argc, char **argv)
{
	unsigned int busy_every = 0;
	uint64_t b, busy, expect_busy = 0;
	char buf[200], want[200];
	struct stats st;
	int kvm, vm, vcpu, gmem, r, bit;
	void *mem;

	if (argc == 3 && !strcmp(argv[1], "-b"))
		busy_every = (unsigned int)strtoul(argv[2], NULL, 0);
	else if (argc != 1) {
		fprintf(stderr, "usage: sept-emu-check [-b N]\n");
		return 2;
	}
	tap_plan(12);

	kvm = open("/dev/kvm", O_RDWR);
	if (kvm < 0)
		die("/dev/kvm");
	r = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_VM_TYPES);
	bit = atoi(param_read("sept_emu_shared_bit", buf, sizeof(buf)));
	tap_ok(r != -1 && ((unsigned int)r & (1u << SEPT_EMU_VM)) && bit >= 39,
	       "KVM_CAP_VM_TYPES 0x%x offers type %u, shared bit %d", (unsigned int)r, SEPT_EMU_VM, bit);
	if (param_write("sept_emu_busy_every", busy_every))
		die("sept_emu_busy_every");

	vm = ioctl(kvm, KVM_CREATE_VM, SEPT_EMU_VM);
	if (vm < 0)
		die("KVM_CREATE_VM");
	stats_open(&st, vm);
	{
		struct kvm_create_guest_memfd g = { .size = SIZE };

		gmem = ioctl(vm, KVM_CREATE_GUEST_MEMFD, &g);
		if (gmem < 0)
			die("KVM_CREATE_GUEST_MEMFD");
	}
	mem = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	{
		struct kvm_userspace_memory_region2 m = {
			.slot = 0, .flags = KVM_MEM_GUEST_MEMFD, .guest_phys_addr = BASE,
			.memory_size = SIZE, .userspace_addr = (uintptr_t)mem,
			.guest_memfd = (uint32_t)gmem, .guest_memfd_offset = 0,
		};

		if (ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &m) < 0)
			die("KVM_SET_USER_MEMORY_REGION2");
	}
	if (attrs(vm, BASE, SIZE, KVM_MEMORY_ATTRIBUTE_PRIVATE) < 0)
		die("KVM_SET_MEMORY_ATTRIBUTES");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	set_cpuid(kvm, vcpu);

	r = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM);
	tap_ok(r == 0, "no SMM: KVM_CAP_X86_SMM %d on the VM, %d on /dev/kvm", r,
	       ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM));
	{
		struct {
			struct kvm_msrs h;
			struct kvm_msr_entry e;
		} m = { .h.nmsrs = 1, .e.index = MSR_EFER };

		r = ioctl(vcpu, KVM_GET_MSRS, &m);
		m.e.data |= EFER_SVME;
		if (r == 1)
			r = ioctl(vcpu, KVM_SET_MSRS, &m);
		else
			r = -2;
		/* With kvm_amd.nested=0 EFER.SVME is reserved anyway. */
		tap_ok(r == 0, "no nested SVM: EFER.SVME from the host refused (%d of 1 MSR set; kvm_amd nested=%s)",
		       r, param_read("nested", buf, sizeof(buf)));
	}

	errno = 0;
	r = prefault(vcpu, BASE, SIZE);
	tap_ok(r == 0, "pre-fault 2 MiB private: %s", r ? strerror(errno) : "ok");
	expect(&st, "pre-fault 2 MiB", (const uint64_t[6]){ 3, 512, 0, 0, 0, 0 });

	tap_ok(fallocate(gmem, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, QUARTER) == 0,
	       "punch 0.5 MiB of the guest_memfd");
	expect(&st, "punch 0.5 MiB", (const uint64_t[6]){ 3, 512, 128, 128, 128, 0 });

	tap_ok(attrs(vm, BASE + QUARTER, QUARTER, 0) == 0, "convert 0.5 MiB to shared");
	expect(&st, "convert 0.5 MiB", (const uint64_t[6]){ 3, 512, 256, 256, 256, 0 });

	r = prefault(vcpu, BASE, SIZE);
	expect(&st, r ? "pre-fault again (failed)" : "pre-fault again",
	       (const uint64_t[6]){ 3, 640, 256, 256, 256, 0 });

	busy = stat_get(&st, 6);
	/* Every Nth ADD/AUG call of 643 that succeed: C = 643 + B, B = C / N. */
	if (busy_every)
		for (b = 0; b < 100000; b++)
			if ((643 + b) / busy_every == b) {
				expect_busy = b;
				break;
			}
	tap_ok(busy == expect_busy, "busy_every=%u: %llu injected -EBUSY, all retried (want %llu)",
	       busy_every, (unsigned long long)busy, (unsigned long long)expect_busy);

	close(st.fd);
	close(vcpu);
	close(gmem);
	close(vm);
	munmap(mem, SIZE);
	param_write("sept_emu_busy_every", 0);

	snprintf(want, sizeof(want),
		 "add=3 aug=640 block=640 track=640 remove=640 reclaim=3 busy=%llu left=0 ok=1",
		 (unsigned long long)busy);
	tap_is_str(param_read("sept_emu_last", buf, sizeof(buf)), want,
		   "close: sept_emu_last, conservation ok");
	return tap_done();
}
