// SPDX-License-Identifier: GPL-2.0
/*
 * td-stub: the TD payload (td-shim-payload) in a default VM started in a
 * TD's entry state (td_sim.c).  Checks that the boot stub reaches long
 * mode on every vCPU, that every page of test memory is accepted exactly
 * once in the order guest/pattern.h gives (4K; 2M with the fallback to
 * 4K on a page-size mismatch), that the touch loop runs after the
 * accepts, that conversions make the MapGPA exits KVM would make, and
 * that a run with TD_RUN_LATENCY reports its per-op histogram (and one
 * without does not).
 * Needs /dev/kvm; run it in scripts/vmtest.
 *
 *   td-stub [-L]    -L: enter with EFER.LME set, exactly as a TD does
 *                   (not under QEMU's TCG, which hangs on it: td_sim.c)
 */
#include "tdx/td_sim.h"

#include "guest/lathist.h"
#include "guest/pattern.h"
#include "../unit/tap.h"

#include <asm/kvm_para.h>
#include <errno.h>
#include <linux/kvm.h>
#include <unistd.h>

#define CR0_PE		(1ull << 0)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
#define CHUNK_PAGES	512
#define TIMEOUT_MS	20000

extern const uint8_t td_shim_payload_start[], td_shim_payload_end[];

static bool efer_lme;

struct script {
	uint32_t w[32];
	unsigned int n;
};

static void emit(struct script *s, uint32_t w)
{
	s->w[s->n++] = w;
}

/* Both vCPUs: one accept-and-touch walk, then exit. */
static void accept_then_exit(struct script sc[2])
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		emit(&sc[i], TD_CMD_RUN | TD_RUN_ACCEPT);
		emit(&sc[i], TD_CMD_EXIT);
	}
}

static void emit64(struct script *s, uint64_t v)
{
	emit(s, (uint32_t)v);
	emit(s, v >> 32);
}

static void emit_convert(struct script *s, uint64_t gpa, uint64_t size, bool shared)
{
	emit(s, TD_CMD_CONVERT | (shared ? TD_CONVERT_SHARED : 0));
	emit64(s, gpa);
	emit64(s, size);
}

static struct td_params params(uint64_t mib, uint32_t pattern, uint64_t seed,
			       uint32_t level, uint32_t passes, unsigned int nr)
{
	return (struct td_params) {
		.magic = TD_ABI_MAGIC,
		.version = TD_ABI_VERSION,
		.nr_vcpus = nr,
		.accept_level = level,
		.mem_gpa = TD_MEM_GPA,
		.mem_size = mib << 20,
		.pattern = pattern,
		.write_pct = 100,
		.seed = seed,
		.passes = passes,
	};
}

/* The slice vCPU @idx walks, as td_main.c partitions it. */
static void slice(const struct td_params *p, unsigned int idx, uint64_t *first, uint64_t *count)
{
	uint64_t pages = p->mem_size / GUEST_PAGE_SIZE;

	if (p->accept_level == TD_ACCEPT_2M) {
		guest_partition(pages / CHUNK_PAGES, p->nr_vcpus, idx, first, count);
		*first *= CHUNK_PAGES;
		*count *= CHUNK_PAGES;
	} else {
		guest_partition(pages, p->nr_vcpus, idx, first, count);
	}
}

/*
 * The accepts vCPU @idx must make, in order, computed with pattern.h:
 * (GPA, level, status) triples; @mismatch(chunk) says which 2M accepts
 * the host refuses.
 */
static size_t expected_accepts(const struct td_params *p, unsigned int idx,
			       bool (*mismatch)(uint64_t chunk), uint64_t (*out)[3], size_t max)
{
	uint64_t first, count, page, gpa, chunk, base, k;
	struct touch_iter it;
	uint8_t *seen;
	size_t n = 0;

	slice(p, idx, &first, &count);
	base = p->mem_gpa + first * GUEST_PAGE_SIZE;
	seen = calloc(p->mem_size / GUEST_HUGE_SIZE + 1, 1);
	touch_iter_init(&it, base, count, p->pattern, p->stride, p->seed);
	while (touch_iter_next(&it, &page) && n < max) {
		gpa = base + page * GUEST_PAGE_SIZE;
		if (p->accept_level == TD_ACCEPT_4K) {
			out[n][0] = gpa;
			out[n][1] = TD_ACCEPT_4K;
			out[n++][2] = 0;
			continue;
		}
		chunk = (gpa - p->mem_gpa) / GUEST_HUGE_SIZE;
		if (seen[chunk])
			continue;
		seen[chunk] = 1;
		out[n][0] = p->mem_gpa + chunk * GUEST_HUGE_SIZE;
		out[n][1] = TD_ACCEPT_2M;
		out[n++][2] = mismatch && mismatch(chunk) ? TDX_PAGE_SIZE_MISMATCH : 0;
		if (!out[n - 1][2])
			continue;
		for (k = 0; k < CHUNK_PAGES && n < max; k++) {
			out[n][0] = p->mem_gpa + chunk * GUEST_HUGE_SIZE + k * GUEST_PAGE_SIZE;
			out[n][1] = TD_ACCEPT_4K;
			out[n++][2] = 0;
		}
	}
	free(seen);
	return n;
}

/* The accept log of vCPU @idx equals the expectation, event by event. */
static bool check_accepts(struct td_sim *s, const struct td_params *p, unsigned int idx,
			  bool (*mismatch)(uint64_t chunk))
{
	size_t max = p->mem_size / GUEST_PAGE_SIZE * 2, n, i, j = 0;
	uint64_t (*want)[3] = calloc(max, sizeof(*want));
	bool ok = true;

	n = expected_accepts(p, idx, mismatch, want, max);
	for (i = 0; i < s->nr_ev && ok; i++) {
		const struct td_event *e = &s->ev[i];

		if (e->type != TD_EV_ACCEPT || e->vcpu != idx)
			continue;
		if (j >= n || e->a[0] != want[j][0] || e->a[1] != want[j][1] ||
		    e->a[2] != want[j][2]) {
			printf("# vCPU %u accept %zu: got 0x%llx level %llu status 0x%llx", idx, j,
			       (unsigned long long)e->a[0], (unsigned long long)e->a[1],
			       (unsigned long long)e->a[2]);
			if (j < n)
				printf(", want 0x%llx level %llu status 0x%llx",
				       (unsigned long long)want[j][0],
				       (unsigned long long)want[j][1],
				       (unsigned long long)want[j][2]);
			printf("\n");
			ok = false;
		}
		j++;
	}
	if (ok && j != n) {
		printf("# vCPU %u: %zu accepts, want %zu\n", idx, j, n);
		ok = false;
	}
	free(want);
	return ok;
}

/* Every page of test memory accepted exactly once, over all vCPUs. */
static bool check_once(struct td_sim *s)
{
	uint64_t pages = s->mem_size / GUEST_PAGE_SIZE, first, i, k, bad = 0;
	uint32_t *n = calloc(pages, sizeof(*n));

	for (i = 0; i < s->nr_ev; i++) {
		const struct td_event *e = &s->ev[i];

		if (e->type != TD_EV_ACCEPT || e->a[2])
			continue;
		first = (e->a[0] - s->mem_gpa) / GUEST_PAGE_SIZE;
		for (k = 0; k < (e->a[1] == TD_ACCEPT_2M ? CHUNK_PAGES : 1); k++)
			n[first + k]++;
	}
	for (i = 0; i < pages; i++)
		if (n[i] != 1 && bad++ < 4)
			printf("# page %llu accepted %u times\n", (unsigned long long)i, n[i]);
	free(n);
	return !bad;
}

/* The touch loop wrote stamp + page to every page of each slice. */
static bool check_stamps(struct td_sim *s, const struct td_params *p)
{
	uint64_t first, count, k, *q;
	unsigned int i;

	for (i = 0; i < s->nr_vcpus; i++) {
		slice(p, i, &first, &count);
		for (k = 0; k < count; k++) {
			q = td_sim_hva(s, p->mem_gpa + (first + k) * GUEST_PAGE_SIZE, 8);
			if (*q != ((((uint64_t)i) << 48) | 1) + k) {
				printf("# vCPU %u page %llu holds 0x%llx\n", i,
				       (unsigned long long)(first + k), (unsigned long long)*q);
				return false;
			}
		}
	}
	return true;
}

static bool vcpus_ok(struct td_sim *s)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < s->nr_vcpus; i++) {
		struct td_rt_vcpu *v = &s->vcpus[i];

		if (v->fail[0] || v->errored || v->fatal) {
			printf("# vCPU %u: %s%s error %u (0x%llx 0x%llx 0x%llx), fatal %d 0x%llx\n",
			       i, v->fail, v->fail[0] ? ";" : "", v->error_nr,
			       (unsigned long long)v->error[0], (unsigned long long)v->error[1],
			       (unsigned long long)v->error[2], v->fatal,
			       (unsigned long long)v->fatal_code);
			ok = false;
		}
	}
	return ok;
}

static bool long_mode(struct td_sim *s, unsigned int gpaw)
{
	unsigned int i;

	for (i = 0; i < s->nr_vcpus; i++) {
		const uint64_t *b = s->vcpus[i].boot;

		printf("# vCPU %u: CR0 0x%llx CR4 0x%llx EFER 0x%llx GPAW %llu\n", i,
		       (unsigned long long)b[0], (unsigned long long)b[1],
		       (unsigned long long)b[2], (unsigned long long)(b[3] >> 32));
		if (!s->vcpus[i].booted || !(b[0] & CR0_PG) || !(b[0] & CR0_PE) ||
		    !(b[1] & CR4_PAE) || (b[2] & (EFER_LME | EFER_LMA)) != (EFER_LME | EFER_LMA) ||
		    (uint32_t)b[3] != i || b[3] >> 32 != gpaw)
			return false;
	}
	return true;
}

static int start(struct td_sim *s, const struct td_params *p, unsigned int gpaw,
		 struct script *scripts)
{
	struct td_sim_config cfg = {
		.nr_vcpus = p->nr_vcpus,
		.gpaw = gpaw,
		.image = td_shim_payload_start,
		.image_size = td_shim_payload_end - td_shim_payload_start,
		.params = *p,
		.efer_lme = efer_lme,
	};
	unsigned int i;
	int r;

	r = td_sim_create(s, &cfg);
	if (r)
		return r;
	s->log_accepts = true;
	for (i = 0; i < p->nr_vcpus; i++) {
		s->vcpus[i].script = scripts[i].w;
		s->vcpus[i].script_len = scripts[i].n;
	}
	return 0;
}

/* A walk with 4K accepts on 2 vCPUs: boot, accept order, touch. */
static void accept_4k(const char *name, uint32_t pattern, uint32_t passes, unsigned int gpaw)
{
	struct td_params p = params(8, pattern, 42, TD_ACCEPT_4K, passes, 2);
	struct script sc[2] = { 0 };
	uint64_t first, count;
	struct td_sim s;
	bool done = true;
	unsigned int i;
	int r;

	accept_then_exit(sc);
	r = start(&s, &p, gpaw, sc);
	if (!r)
		r = td_sim_run(&s, TIMEOUT_MS);
	tap_ok(!r && vcpus_ok(&s), "%s: 2 vCPUs run to the end%s%s", name, r ? ": " : "",
	       r ? kvm_error() : "");
	tap_ok(!r && long_mode(&s, gpaw), "%s: long mode on every vCPU (CR0.PG, CR4.PAE, "
	       "EFER.LMA), index and GPAW %u from RSI/RBX", name, gpaw);
	tap_ok(!r && check_accepts(&s, &p, 0, NULL) && check_accepts(&s, &p, 1, NULL),
	       "%s: each vCPU accepts its pages at 4K in pattern order", name);
	tap_ok(!r && check_once(&s), "%s: every page accepted exactly once", name);
	for (i = 0; i < 2 && !r; i++) {
		struct td_rt_vcpu *v = &s.vcpus[i];

		slice(&p, i, &first, &count);
		done &= v->nr_start == 1 && v->nr_done == 1 && v->nr_exit == 1 &&
			v->done[TD_DONE_PAGES] == count * passes &&
			v->done[TD_DONE_WRITES] == count * passes &&
			v->done[TD_DONE_ACCEPTED] == count && !v->done[TD_DONE_FALLBACKS];
	}
	tap_ok(!r && done && check_stamps(&s, &p),
	       "%s: the touch loop ran after the accepts (%u pass%s, stamps in memory)", name,
	       passes, passes > 1 ? "es" : "");
	td_sim_destroy(&s);
}

/* Odd chunks are mapped at 4K on the "host": 2M accepts of them mismatch. */
static bool odd_chunk(uint64_t chunk)
{
	return chunk & 1;
}

static uint64_t accept_policy(struct td_sim *s, unsigned int vcpu, uint64_t gpa,
			      unsigned int level)
{
	if (level == TD_ACCEPT_2M && odd_chunk((gpa - s->mem_gpa) / GUEST_HUGE_SIZE))
		return TDX_PAGE_SIZE_MISMATCH;
	return 0;
}

static void accept_2m(void)
{
	struct td_params p = params(16, GUEST_PAT_RAND, 7, TD_ACCEPT_2M, 1, 2);
	struct script sc[2] = { 0 };
	uint64_t first, count, chunks;
	struct td_sim s;
	bool done = true;
	unsigned int i;
	int r;

	accept_then_exit(sc);
	r = start(&s, &p, 48, sc);
	if (!r) {
		s.accept_status = accept_policy;
		r = td_sim_run(&s, TIMEOUT_MS);
	}
	tap_ok(!r && vcpus_ok(&s), "2M rand: runs to the end%s%s", r ? ": " : "",
	       r ? kvm_error() : "");
	tap_ok(!r && check_accepts(&s, &p, 0, odd_chunk) && check_accepts(&s, &p, 1, odd_chunk),
	       "2M rand: chunks accepted in first-touch order; a page-size mismatch is "
	       "retried as 512 x 4K, ascending");
	tap_ok(!r && check_once(&s), "2M rand: every page accepted exactly once");
	for (i = 0; i < 2 && !r; i++) {
		struct td_rt_vcpu *v = &s.vcpus[i];

		slice(&p, i, &first, &count);
		chunks = count / CHUNK_PAGES;
		/* Slices start on even chunks: half of each (4 chunks) mismatch. */
		printf("# vCPU %u: %llu accepts, %llu fallbacks\n", i,
		       (unsigned long long)v->done[TD_DONE_ACCEPTED],
		       (unsigned long long)v->done[TD_DONE_FALLBACKS]);
		done &= v->done[TD_DONE_FALLBACKS] == chunks / 2 &&
			v->done[TD_DONE_ACCEPTED] == chunks / 2 + chunks / 2 * CHUNK_PAGES &&
			v->done[TD_DONE_PAGES] == count;
	}
	tap_ok(!r && done && check_stamps(&s, &p),
	       "2M rand: fallbacks counted and reported in DONE, touch loop complete");
	td_sim_destroy(&s);
}

/*
 * 2M accepts, a round trip through shared, 2M accepts again: the guest
 * must accept every chunk again (its accept bitmap forgotten), else it
 * touches pending pages, which on TDX makes KVM kill the TD.
 */
static void accept_2m_again(void)
{
	struct td_params p = params(8, GUEST_PAT_SEQ, 1, TD_ACCEPT_2M, 1, 1);
	struct script sc[1] = { 0 };
	struct td_rt_vcpu *v;
	struct td_sim s;
	int r;

	emit(&sc[0], TD_CMD_RUN | TD_RUN_ACCEPT);
	emit_convert(&sc[0], TD_MEM_GPA, p.mem_size, true);
	emit_convert(&sc[0], TD_MEM_GPA, p.mem_size, false);
	emit(&sc[0], TD_CMD_RUN | TD_RUN_ACCEPT);
	emit(&sc[0], TD_CMD_EXIT);
	r = start(&s, &p, 48, sc);
	if (!r)
		r = td_sim_run(&s, TIMEOUT_MS);
	v = &s.vcpus[0];
	tap_ok(!r && vcpus_ok(&s) && v->nr_done == 2 && v->nr_converted == 2 &&
	       v->done[TD_DONE_ACCEPTED] == 4 && td_sim_accepted_pages(&s) == 2048,
	       "2M after a round trip through shared: all 4 chunks accepted again (got %llu), 2048 pages accepted",
	       (unsigned long long)v->done[TD_DONE_ACCEPTED]);
	td_sim_destroy(&s);
}

static int eagain_shared, eagain_private;

/*
 * EAGAIN once for the second chunk on the way to shared (the guest goes
 * on from there) and once for the first chunk on the way back (no
 * progress: the guest asks again for the whole range).
 */
static int64_t map_policy(struct td_sim *s, unsigned int vcpu, uint64_t gpa, uint64_t pages,
			  uint64_t attrs)
{
	if (attrs == KVM_MAP_GPA_RANGE_DECRYPTED && gpa == s->mem_gpa + (3ull << 20) &&
	    eagain_shared) {
		eagain_shared--;
		return -EAGAIN;
	}
	if (attrs == KVM_MAP_GPA_RANGE_ENCRYPTED && gpa == s->mem_gpa + (1ull << 20) &&
	    eagain_private) {
		eagain_private--;
		return -EAGAIN;
	}
	return 0;
}

/* MapGPA exits of one direction, the successful ones, match @want. */
static bool check_exits(struct td_sim *s, uint64_t attrs, const uint64_t (*want)[2], size_t n)
{
	size_t i, j = 0;

	for (i = 0; i < s->nr_ev; i++) {
		const struct td_event *e = &s->ev[i];

		if (e->type != TD_EV_MAP_EXIT || e->a[2] != attrs || e->a[3])
			continue;
		printf("# exit: gpa 0x%llx pages %llu attrs 0x%llx\n", (unsigned long long)e->a[0],
		       (unsigned long long)e->a[1], (unsigned long long)e->a[2]);
		if (j >= n || e->a[0] != want[j][0] || e->a[1] != want[j][1])
			return false;
		j++;
	}
	return j == n;
}

/* The guest's MapGPA calls in order: R12, R13, answer. */
static bool check_calls(struct td_sim *s, const uint64_t (*want)[3], size_t n)
{
	size_t i, j = 0;

	for (i = 0; i < s->nr_ev; i++) {
		const struct td_event *e = &s->ev[i];

		if (e->type != TD_EV_MAP_GPA)
			continue;
		printf("# MapGPA R12 0x%llx R13 0x%llx -> R10 0x%llx R11 0x%llx\n",
		       (unsigned long long)e->a[0], (unsigned long long)e->a[1],
		       (unsigned long long)e->a[2], (unsigned long long)e->a[3]);
		if (j >= n || e->a[0] != want[j][0] || e->a[1] != want[j][1] ||
		    e->a[2] != want[j][2])
			return false;
		j++;
	}
	return j == n;
}

/* Private -> shared -> private of 5 MiB at +1 MiB: 3 exits each way. */
static void convert(unsigned int gpaw)
{
	struct td_params p = params(8, GUEST_PAT_SEQ, 1, TD_ACCEPT_4K, 1, 1);
	uint64_t gpa = TD_MEM_GPA + (1ull << 20), size = 5ull << 20, sb = td_shared_bit(gpaw);
	const uint64_t exits[3][2] = {
		{ gpa, 512 }, { gpa + (2ull << 20), 512 }, { gpa + (4ull << 20), 256 },
	};
	const uint64_t calls[4][3] = {
		{ gpa | sb, size, TDVMCALL_RETRY },
		{ (gpa + (2ull << 20)) | sb, size - (2ull << 20), TDVMCALL_SUCCESS },
		{ gpa, size, TDVMCALL_RETRY },
		{ gpa, size, TDVMCALL_SUCCESS },
	};
	struct script sc[1] = { 0 };
	struct td_rt_vcpu *v;
	struct td_sim s;
	int r;

	emit(&sc[0], TD_CMD_RUN | TD_RUN_ACCEPT);
	emit_convert(&sc[0], gpa, size, true);
	emit_convert(&sc[0], gpa, size, false);
	emit(&sc[0], TD_CMD_EXIT);
	eagain_shared = eagain_private = 1;
	r = start(&s, &p, gpaw, sc);
	if (!r) {
		s.map_gpa_ret = map_policy;
		r = td_sim_run(&s, TIMEOUT_MS);
	}
	v = &s.vcpus[0];
	tap_ok(!r && vcpus_ok(&s) && long_mode(&s, gpaw) && v->nr_converted == 2,
	       "convert (GPAW %u): accept, two conversions, exit", gpaw);
	tap_ok(!r && check_calls(&s, calls, 4),
	       "convert (GPAW %u): MapGPA with shared bit %u; RETRY resumed from R11", gpaw,
	       gpaw - 1);
	tap_ok(!r && check_exits(&s, KVM_MAP_GPA_RANGE_DECRYPTED, exits, 3) &&
	       check_exits(&s, KVM_MAP_GPA_RANGE_ENCRYPTED, exits, 3),
	       "convert (GPAW %u): one exit per 2 MiB each way, GPA without the shared bit",
	       gpaw);
	tap_ok(!r && v->converted[0][0] == gpa && v->converted[0][2] == 1 &&
	       v->converted[0][3] == 2 && v->converted[1][2] == 0 && v->converted[1][3] == 2,
	       "convert (GPAW %u): CONVERTED reports the direction and the calls made", gpaw);
	td_sim_destroy(&s);
}

/*
 * One accept-and-touch walk on 2 vCPUs with @cmd_lat in the RUN and the
 * host expecting a histogram (@want_lat) or not; vCPU failures are
 * expected in the mismatched cases, so they are not printed.
 */
static int lat_run(struct td_sim *s, struct td_params *p, uint32_t cmd_lat, bool want_lat,
		   struct script sc[2])
{
	unsigned int i;
	int r;

	for (i = 0; i < 2; i++) {
		emit(&sc[i], TD_CMD_RUN | TD_RUN_ACCEPT | cmd_lat);
		emit(&sc[i], TD_CMD_EXIT);
	}
	r = start(s, p, 48, sc);
	if (r)
		return r;
	for (i = 0; i < 2; i++)
		s->vcpus[i].want_lat = want_lat;
	return td_sim_run(s, TIMEOUT_MS);
}

/*
 * Per-op latency: with TD_RUN_LATENCY each vCPU's histogram comes over
 * the LATHIST ucalls before DONE and counts its pages; without it none
 * comes; a mismatch either way fails the vCPU.
 */
static void latency(void)
{
	struct td_params p = params(8, GUEST_PAT_RAND, 5, TD_ACCEPT_4K, 1, 2);
	uint64_t first, count;
	struct script sc[2];
	struct td_sim s;
	bool ok = true;
	unsigned int i;
	int r;

	memset(sc, 0, sizeof(sc));
	r = lat_run(&s, &p, TD_RUN_LATENCY, true, sc);
	for (i = 0; i < 2 && !r; i++) {
		const struct td_rt_vcpu *v = &s.vcpus[i];
		const struct lathist *h = &v->lat.h;

		slice(&p, i, &first, &count);
		printf("# vCPU %u: %llu ops, min %llu max %llu mean %llu cycles, %u LATHIST ucalls\n",
		       i, (unsigned long long)h->count, (unsigned long long)h->min,
		       (unsigned long long)h->max,
		       (unsigned long long)(h->count ? h->sum / h->count : 0), v->nr_lathist);
		ok &= v->nr_done == 1 && v->has_lat && h->count == count &&
		      v->done[TD_DONE_PAGES] == count && lathist_valid(h) && h->min > 0 &&
		      h->min <= h->max && h->sum >= h->count * h->min && v->nr_lathist >= 2;
	}
	tap_ok(!r && vcpus_ok(&s) && ok,
	       "latency: each vCPU's histogram comes before DONE, consistent, one op per page touched");
	td_sim_destroy(&s);

	memset(sc, 0, sizeof(sc));
	r = lat_run(&s, &p, 0, false, sc);
	tap_ok(!r && vcpus_ok(&s) && s.vcpus[0].nr_done == 1 && s.vcpus[1].nr_done == 1 &&
	       !s.vcpus[0].nr_lathist && !s.vcpus[1].nr_lathist && !s.vcpus[0].has_lat,
	       "latency off: no LATHIST ucall, no histogram");
	td_sim_destroy(&s);

	memset(sc, 0, sizeof(sc));
	r = lat_run(&s, &p, 0, true, sc);
	tap_ok(!r && strstr(s.vcpus[0].fail, "no LATHIST before DONE") && !s.vcpus[0].has_lat,
	       "latency expected but the guest sent none: the vCPU fails (%s)", s.vcpus[0].fail);
	td_sim_destroy(&s);

	memset(sc, 0, sizeof(sc));
	r = lat_run(&s, &p, TD_RUN_LATENCY, false, sc);
	tap_ok(!r && strstr(s.vcpus[0].fail, "without latency") && s.vcpus[0].nr_done == 0,
	       "a histogram the host did not ask for: the vCPU fails before DONE (%s)",
	       s.vcpus[0].fail);
	td_sim_destroy(&s);
}

static uint64_t fail_policy(struct td_sim *s, unsigned int vcpu, uint64_t gpa, unsigned int level)
{
	return gpa == s->mem_gpa + 5 * GUEST_PAGE_SIZE ? TD_SIM_OPERAND_INVALID : 0;
}

/* An accept the TDX module refuses: ERROR ucall, then ReportFatalError. */
static void fatal(void)
{
	struct td_params p = params(2, GUEST_PAT_SEQ, 1, TD_ACCEPT_4K, 1, 1);
	struct script sc[1] = { 0 };
	struct td_rt_vcpu *v;
	struct td_sim s;
	int r;

	emit(&sc[0], TD_CMD_RUN | TD_RUN_ACCEPT);
	emit(&sc[0], TD_CMD_EXIT);
	r = start(&s, &p, 48, sc);
	if (!r) {
		s.accept_status = fail_policy;
		r = td_sim_run(&s, TIMEOUT_MS);
	}
	v = &s.vcpus[0];
	tap_ok(!r && v->errored && v->error_nr == UCALL_ERROR && v->error[0] == TD_ERR_ACCEPT &&
	       v->error[1] == TD_MEM_GPA + 5 * GUEST_PAGE_SIZE &&
	       v->error[2] == TD_SIM_OPERAND_INVALID && v->fatal &&
	       v->fatal_code == TD_ERR_ACCEPT && !v->nr_done,
	       "a refused accept: ERROR ucall with GPA and status, then ReportFatalError");
	td_sim_destroy(&s);
}

/* A bad parameter block is refused before anything else. */
static void bad_params(void)
{
	struct td_params p = params(2, GUEST_PAT_SEQ, 1, TD_ACCEPT_4K, 1, 1);
	struct script sc[1] = { 0 };
	struct td_sim s;
	int r;

	p.version = 99;
	emit(&sc[0], TD_CMD_EXIT);
	r = start(&s, &p, 48, sc);
	if (!r)
		r = td_sim_run(&s, TIMEOUT_MS);
	tap_ok(!r && s.vcpus[0].fatal && s.vcpus[0].error[0] == TD_ERR_PARAMS &&
	       !s.vcpus[0].booted, "a bad parameter block ends in ReportFatalError(PARAMS)");
	td_sim_destroy(&s);
}

int main(int argc, char **argv)
{
	const struct td_image_header *h = (const void *)td_shim_payload_start;
	int c;

	while ((c = getopt(argc, argv, "L")) != -1) {
		if (c != 'L')
			return 2;
		efer_lme = true;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (access("/dev/kvm", R_OK | W_OK)) {
		printf("1..0 # SKIP /dev/kvm not usable\n");
		return 0;
	}
	tap_plan(30);
	tap_ok(td_shim_payload_end - td_shim_payload_start == TD_IMAGE_SIZE &&
	       h->magic == TD_IMAGE_MAGIC && h->shim == 1, "shim image: %zu bytes, header",
	       (size_t)(td_shim_payload_end - td_shim_payload_start));
	accept_4k("4K seq", GUEST_PAT_SEQ, 1, 48);
	accept_4k("4K rand", GUEST_PAT_RAND, 2, 52);
	accept_2m();
	accept_2m_again();
	convert(48);
	convert(52);
	latency();
	fatal();
	bad_params();
	return tap_done();
}
