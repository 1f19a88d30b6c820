// SPDX-License-Identifier: GPL-2.0
/*
 * A TD session for the engine; see td_session.h.
 */
#include "tdx/td_session.h"
#include "tdx/td.h"
#include "tdx/td_run.h"
#include "tdx/td_sim.h"

#include "kvm/vm.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TD_GPAW		48
#define TD_ATTR_SEPT_VE_DISABLE	(1ull << 28)	/* EPT violations, not #VE, on unaccepted pages */
#define TD_XFAM_X87_SSE	0x3ull
#define BOOT_TIMEOUT_MS	60000
#define SCRIPT_WORDS	8

extern const uint8_t td_payload_start[], td_payload_end[];
extern const uint8_t td_shim_payload_start[], td_shim_payload_end[];

struct td_session {
	bool simulated;
	struct td td;
	struct td_sim sim;
	struct td_rt *rt;
	unsigned int nr_vcpus;
	uint64_t mem_gpa, mem_size;
	int vm_fd, mem_fd;
	uint64_t mem_off;		/* test memory's offset in mem_fd */
	uint64_t implicit0, implicit_pages0;	/* the runtime's counts when a phase began */
	const int *vcpu_fd;
	uint32_t (*scripts)[SCRIPT_WORDS];
	unsigned int timeout_ms;
	bool latency;
	unsigned int lat_tsc_khz;	/* what guest cycles convert with, both platforms */
	void (*on_release)(void *ctx, const pid_t *tids, unsigned int nr);
	void *hook_ctx;
	pid_t *tids;
	uint64_t mapped;		/* td_session_mapped_pages() */
	struct vm stats_vm;
	bool have_stats;
	char err[512];
};

static __attribute__((format(printf, 3, 4)))
int sfail(struct td_session *s, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return err;
}

const char *td_session_error(const struct td_session *s)
{
	return s->err;
}

static struct td_params make_params(const struct td_session_config *cfg)
{
	return (struct td_params) {
		.magic = TD_ABI_MAGIC,
		.version = TD_ABI_VERSION,
		.nr_vcpus = cfg->nr_vcpus,
		.accept_level = TD_ACCEPT_4K,
		.mem_gpa = TD_MEM_GPA,
		.mem_size = cfg->mem_size,
		.pattern = cfg->pattern,
		.write_pct = cfg->write_pct,
		.stride = cfg->stride,
		.seed = cfg->seed,
		.passes = 1,
	};
}

static int create_sim(struct td_session *s, const struct td_session_config *cfg)
{
	struct td_sim_config sc = {
		.nr_vcpus = cfg->nr_vcpus,
		.gpaw = TD_GPAW,
		.image = td_shim_payload_start,
		.image_size = td_shim_payload_end - td_shim_payload_start,
		.params = make_params(cfg),
		.mem_memfd = cfg->punchable,
	};
	int r;

	r = td_sim_create(&s->sim, &sc);
	if (r) {
		td_sim_destroy(&s->sim);
		return sfail(s, r, "simulated TD: %s", kvm_error());
	}
	s->rt = &s->sim.rt;
	s->vm_fd = s->sim.vm_fd;
	s->vcpu_fd = s->sim.vcpu_fd;
	s->mem_fd = s->sim.mem.fd;
	s->mem_off = 0;
	/* A default VM's TSC: the histograms' rate, not a TD's (td_session_tsc_khz). */
	r = ioctl(s->vcpu_fd[0], KVM_GET_TSC_KHZ, 0);
	s->lat_tsc_khz = r > 0 ? (unsigned int)r : 0;
	return 0;
}

/*
 * The system region [td_sys_gpa(n), 4 GiB) is added whole with
 * INIT_MEM_REGION: the params page and the image, zeros elsewhere
 * (guest/td/td_abi.h).  Test memory is a second private region that is
 * not added: the guest accepts it page by page.
 */
static int create_real(struct td_session *s, const struct td_session_config *cfg)
{
	uint64_t sys_gpa = td_sys_gpa(cfg->nr_vcpus), sys_size = TD_4G - sys_gpa;
	struct td_params p = make_params(cfg);
	struct td_config tc = {
		.nr_vcpus = cfg->nr_vcpus,
		.gpaw = TD_GPAW,
		.attributes = TD_ATTR_SEPT_VE_DISABLE,
		.xfam = TD_XFAM_X87_SSE,
		.regions = { { sys_gpa, sys_size }, { TD_MEM_GPA, cfg->mem_size } },
		.nr_regions = 2,
		.image_size = sys_size,
		.image_gpa = sys_gpa,
		.vcpu_rcx = TD_PARAMS_GPA,
		.convert_free = cfg->convert_free,
	};
	uint8_t *img;
	int r;

	if ((size_t)(td_payload_end - td_payload_start) != TD_IMAGE_SIZE)
		return sfail(s, -EINVAL, "td-payload image: %zu bytes, not %llu",
			     (size_t)(td_payload_end - td_payload_start), TD_IMAGE_SIZE);
	img = calloc(1, sys_size);
	if (!img)
		return sfail(s, -ENOMEM, "TD system region image");
	memcpy(img + (TD_PARAMS_GPA - sys_gpa), &p, sizeof(p));
	memcpy(img + (TD_IMAGE_GPA - sys_gpa), td_payload_start, TD_IMAGE_SIZE);
	tc.image = img;
	r = td_create(&s->td, &kvm_io_sys, &tc);
	free(img);
	if (r)
		return sfail(s, r, "creating the TD: %s", s->td.err);
	s->rt = calloc(1, sizeof(*s->rt));
	if (!s->rt || td_rt_init(s->rt, &kvm_io_sys, cfg->nr_vcpus, s->td.vcpu_fd, s->td.run)) {
		free(s->rt);
		s->rt = NULL;
		td_destroy(&s->td);
		return sfail(s, -ENOMEM, "TD runtime");
	}
	s->rt->td = &s->td;
	s->vm_fd = s->td.vm_fd;
	s->vcpu_fd = s->td.vcpu_fd;
	s->mem_fd = s->td.gmem_fd;
	s->mem_off = sys_size;
	s->lat_tsc_khz = s->td.tsc_khz;
	return 0;
}

/* Stats are a bonus: a kernel without KVM_GET_STATS_FD still runs. */
static void open_stats(struct td_session *s)
{
	struct vm *vm = &s->stats_vm;
	unsigned int i;

	vm->fd = s->vm_fd;
	vm->nr_vcpus = s->nr_vcpus;
	vm->stats.fd = -1;
	vm->vcpus = calloc(s->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return;
	for (i = 0; i < s->nr_vcpus; i++)
		vm->vcpus[i].stats.fd = -1;
	if (kvm_stats_open(&vm->stats, s->vm_fd, "VM"))
		return;
	for (i = 0; i < s->nr_vcpus; i++) {
		vm->vcpus[i].fd = s->vcpu_fd[i];
		vm->vcpus[i].idx = i;
		if (kvm_stats_open(&vm->vcpus[i].stats, s->vcpu_fd[i], "vCPU"))
			return;
	}
	s->have_stats = true;
}

/* Every vCPU thread of a phase waits at the runtime's gate. */
static void session_release(struct td_rt *rt)
{
	struct td_session *s = rt->hook_ctx;
	unsigned int i, n = 0;

	for (i = 0; i < rt->nr_vcpus; i++)
		if (rt->vcpus[i].started)
			s->tids[n++] = rt->vcpus[i].tid;
	s->on_release(s->hook_ctx, s->tids, n);
}

static int run_scripts(struct td_session *s, const char *what)
{
	char buf[320];
	int r;

	r = td_rt_run(s->rt, s->timeout_ms);
	if (r == -EINTR)
		return sfail(s, r, "%s: interrupted", what);
	if (td_rt_failure(s->rt, buf, sizeof(buf)))
		return sfail(s, -EIO, "%s: %s", what, buf);
	if (r)
		return sfail(s, r, "%s: timed out after %u ms", what, s->timeout_ms);
	return 0;
}

int td_session_create(struct td_session **sp, const struct td_session_config *cfg, char *err,
		      size_t err_size)
{
	struct td_session *s = calloc(1, sizeof(*s));
	unsigned int i;
	int r;

	*sp = NULL;
	if (!s) {
		snprintf(err, err_size, "TD session: out of memory");
		return -ENOMEM;
	}
	s->stats_vm.stats.fd = -1;
	s->simulated = cfg->simulated;
	s->nr_vcpus = cfg->nr_vcpus;
	s->mem_gpa = TD_MEM_GPA;
	s->mem_size = cfg->mem_size;
	s->timeout_ms = cfg->timeout_ms;
	s->latency = cfg->latency;
	s->on_release = cfg->on_release;
	s->hook_ctx = cfg->hook_ctx;
	s->scripts = calloc(cfg->nr_vcpus, sizeof(*s->scripts));
	s->tids = calloc(cfg->nr_vcpus, sizeof(*s->tids));
	if (!cfg->nr_vcpus || cfg->nr_vcpus > TD_MAX_VCPUS || !cfg->mem_size ||
	    cfg->mem_size % SZ_4K)
		r = sfail(s, -EINVAL, "TD session: %u vCPUs, %llu bytes", cfg->nr_vcpus,
			  (unsigned long long)cfg->mem_size);
	else if (!s->scripts || !s->tids)
		r = sfail(s, -ENOMEM, "TD session: out of memory");
	else
		r = cfg->simulated ? create_sim(s, cfg) : create_real(s, cfg);
	if (r) {
		snprintf(err, err_size, "%s", s->err);
		free(s->scripts);
		free(s->tids);
		free(s);
		return r;
	}
	s->rt->should_stop = cfg->should_stop;
	/* Boot: every vCPU reports BOOTED and parks in its first command IN. */
	s->timeout_ms = BOOT_TIMEOUT_MS;
	r = run_scripts(s, "booting the TD payload");
	s->timeout_ms = cfg->timeout_ms;
	for (i = 0; !r && i < s->nr_vcpus; i++)
		if (!s->rt->vcpus[i].booted || !s->rt->vcpus[i].parked)
			r = sfail(s, -EIO, "vCPU %u did not boot", i);
	if (r) {
		snprintf(err, err_size, "%s", s->err);
		td_session_destroy(s);
		return r;
	}
	open_stats(s);
	if (s->on_release) {
		s->rt->on_release = session_release;
		s->rt->hook_ctx = s;
	}
	*sp = s;
	return 0;
}

/* A page maps once: accepts after a pre-fault find it mapped already. */
static void add_mapped(struct td_session *s, uint64_t pages)
{
	s->mapped = s->mapped + pages < s->mem_size / SZ_4K ? s->mapped + pages :
		    s->mem_size / SZ_4K;
}

unsigned int td_session_tsc_khz(const struct td_session *s)
{
	return s->simulated ? 0 : s->td.tsc_khz;
}

uint64_t td_session_mapped_pages(const struct td_session *s)
{
	return s->mapped;
}

struct vm *td_session_stats_vm(struct td_session *s)
{
	return s->have_stats ? &s->stats_vm : NULL;
}

static void counts_before(struct td_session *s, uint64_t *sh, uint64_t *pv, uint64_t *pg)
{
	*sh = s->rt->map_exits_shared;
	*pv = s->rt->map_exits_private;
	*pg = s->rt->map_pages;
	s->implicit0 = s->rt->implicit_conversions;
	s->implicit_pages0 = s->rt->implicit_pages;
}

static void counts_after(struct td_session *s, struct td_phase *ph, uint64_t sh, uint64_t pv,
			 uint64_t pg)
{
	ph->exits_shared = s->rt->map_exits_shared - sh;
	ph->exits_private = s->rt->map_exits_private - pv;
	ph->exit_pages = s->rt->map_pages - pg;
	ph->implicit_conversions = s->rt->implicit_conversions - s->implicit0;
	ph->implicit_pages = s->rt->implicit_pages - s->implicit_pages0;
}

int td_session_run(struct td_session *s, bool accept, struct td_phase *ph)
{
	uint64_t last = 0, sh, pv, pg;
	unsigned int i, *before;
	int r;

	memset(ph, 0, sizeof(*ph));
	ph->vcpu = calloc(s->nr_vcpus, sizeof(*ph->vcpu));
	before = calloc(s->nr_vcpus, sizeof(*before));
	if (!ph->vcpu || !before) {
		free(before);
		return sfail(s, -ENOMEM, "phase results");
	}
	ph->nr_vcpus = s->nr_vcpus;
	ph->tsc_khz = s->lat_tsc_khz;
	for (i = 0; i < s->nr_vcpus; i++) {
		s->scripts[i][0] = TD_CMD_RUN | (accept ? TD_RUN_ACCEPT : 0) |
				   (s->latency ? TD_RUN_LATENCY : 0);
		td_rt_script(s->rt, i, s->scripts[i], 1);
		s->rt->vcpus[i].want_lat = s->latency;
		before[i] = s->rt->vcpus[i].nr_done;
	}
	counts_before(s, &sh, &pv, &pg);
	r = run_scripts(s, accept ? "accept and touch" : "touch");
	for (i = 0; !r && i < s->nr_vcpus; i++) {
		const struct td_rt_vcpu *v = &s->rt->vcpus[i];
		struct vcpu_result *vr = &ph->vcpu[i];

		if (v->nr_done != before[i] + 1) {
			r = sfail(s, -EIO, "vCPU %u: no DONE", i);
			break;
		}
		vr->t_start = v->t_start;
		vr->t_done = v->t_done;
		vr->ns = v->t_done - v->t_start;
		vr->tsc_cycles = v->done[TD_DONE_CYCLES];
		vr->pages = v->done[TD_DONE_PAGES];
		vr->writes = v->done[TD_DONE_WRITES];
		/* With latency, td_run.c failed the vCPU unless DONE brought it. */
		if (v->has_lat) {
			vr->lat = v->lat.h;
			vr->has_lat = true;
		}
		ph->ops += vr->pages;
		ph->accepted += v->done[TD_DONE_ACCEPTED];
		if (v->t_done > last)
			last = v->t_done;
	}
	free(before);
	counts_after(s, ph, sh, pv, pg);
	if (!r) {
		ph->wall_ns = last - s->rt->t_release;
		add_mapped(s, ph->accepted);
	}
	return r;
}

/* vCPU @i's share of the test memory, in whole 2 MiB chunks (the last may be short). */
static void slice_2m(const struct td_session *s, unsigned int i, uint64_t *gpa, uint64_t *size)
{
	uint64_t chunks = (s->mem_size + SZ_2M - 1) / SZ_2M;
	uint64_t c0 = chunks * i / s->nr_vcpus, c1 = chunks * (i + 1) / s->nr_vcpus;
	uint64_t end = c1 * SZ_2M < s->mem_size ? c1 * SZ_2M : s->mem_size;

	*gpa = s->mem_gpa + c0 * SZ_2M;
	*size = c0 * SZ_2M < end ? end - c0 * SZ_2M : 0;
}

int td_session_convert(struct td_session *s, bool to_shared, struct td_phase *ph)
{
	uint64_t last = 0, gpa, size, sh, pv, pg;
	unsigned int i, *before;
	int r;

	memset(ph, 0, sizeof(*ph));
	before = calloc(s->nr_vcpus, sizeof(*before));
	if (!before)
		return sfail(s, -ENOMEM, "phase results");
	for (i = 0; i < s->nr_vcpus; i++) {
		uint32_t *w = s->scripts[i];

		slice_2m(s, i, &gpa, &size);
		w[0] = TD_CMD_CONVERT | (to_shared ? TD_CONVERT_SHARED : 0);
		w[1] = (uint32_t)gpa;
		w[2] = gpa >> 32;
		w[3] = (uint32_t)size;
		w[4] = size >> 32;
		td_rt_script(s->rt, i, w, size ? 5 : 0);
		before[i] = s->rt->vcpus[i].nr_converted;
	}
	counts_before(s, &sh, &pv, &pg);
	r = run_scripts(s, to_shared ? "MapGPA to shared" : "MapGPA to private");
	for (i = 0; !r && i < s->nr_vcpus; i++) {
		const struct td_rt_vcpu *v = &s->rt->vcpus[i];

		slice_2m(s, i, &gpa, &size);
		if (!size)
			continue;
		if (v->nr_converted != before[i] + 1) {
			r = sfail(s, -EIO, "vCPU %u: no CONVERTED", i);
			break;
		}
		ph->ops += size / SZ_4K;
		ph->map_calls += v->last_converted[3];
		if (v->t_converted > last)
			last = v->t_converted;
	}
	free(before);
	counts_after(s, ph, sh, pv, pg);
	if (!r)
		ph->wall_ns = last > s->rt->t_release ? last - s->rt->t_release : 0;
	if (!r && to_shared)
		s->mapped = s->mapped > ph->ops ? s->mapped - ph->ops : 0;
	return r;
}

int td_session_prefault(struct td_session *s, struct td_phase *ph, struct lathist *lat)
{
	struct kvm_pre_fault_memory range = { 0 };
	uint64_t gpa, end = s->mem_gpa + s->mem_size, t0, c0 = 0;
	int ret;

	memset(ph, 0, sizeof(*ph));
	t0 = vm_now_ns();
	for (gpa = s->mem_gpa; gpa < end; gpa += SZ_4K) {
		range.gpa = gpa;
		range.size = SZ_4K;
		do {
			if (lat)
				c0 = vm_now_ns();
			ret = ioctl(s->vcpu_fd[0], KVM_PRE_FAULT_MEMORY, &range);
			if (lat)
				lathist_add(lat, vm_now_ns() - c0);
		} while ((ret < 0 && (errno == EINTR || errno == EAGAIN)) || (!ret && range.size));
		if (ret < 0)
			return sfail(s, -errno, "KVM_PRE_FAULT_MEMORY at 0x%llx: %s",
				     (unsigned long long)gpa, strerror(errno));
	}
	ph->wall_ns = vm_now_ns() - t0;
	ph->ops = s->mem_size / SZ_4K;
	add_mapped(s, ph->ops);
	return 0;
}

int td_session_punch(struct td_session *s, struct td_phase *ph)
{
	uint64_t t0;

	memset(ph, 0, sizeof(*ph));
	if (s->mem_fd < 0)
		return sfail(s, -EOPNOTSUPP, "punch: test memory has no file");
	t0 = vm_now_ns();
	if (fallocate(s->mem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, s->mem_off,
		      s->mem_size))
		return sfail(s, -errno, "fallocate(PUNCH_HOLE): %s", strerror(errno));
	ph->wall_ns = vm_now_ns() - t0;
	ph->ops = s->mem_size / SZ_4K;
	s->mapped = 0;
	return 0;
}

void td_session_phase_free(struct td_phase *ph)
{
	free(ph->vcpu);
	ph->vcpu = NULL;
}

void td_session_destroy(struct td_session *s)
{
	unsigned int i;

	if (!s)
		return;
	if (s->stats_vm.vcpus) {
		for (i = 0; i < s->nr_vcpus; i++)
			kvm_stats_close(&s->stats_vm.vcpus[i].stats);
		free(s->stats_vm.vcpus);
	}
	kvm_stats_close(&s->stats_vm.stats);
	if (s->simulated) {
		td_sim_destroy(&s->sim);
	} else if (s->rt) {
		td_rt_free(s->rt);
		free(s->rt);
		td_destroy(&s->td);
	}
	free(s->scripts);
	free(s->tids);
	free(s);
}
