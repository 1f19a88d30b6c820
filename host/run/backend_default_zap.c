// SPDX-License-Identifier: GPL-2.0
/*
 * The default backend's zaps, their controls and the teardown.  A zap's
 * timed window holds the whole host call (madvise, fallocate, memslot
 * deletion), host page freeing included; the control does the same call
 * on identically populated memory that no memslot maps, in the same
 * repetition, so KVM's share is a derived figure: (zap - control) / ops.
 */
#include "run/backend_default.h"
#include "lib/interrupt.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

enum host_call {
	CALL_DONTNEED,
	CALL_PUNCH,
	CALL_MUNMAP,
};

static int do_call(struct guest_mem *m, enum host_call call)
{
	switch (call) {
	case CALL_DONTNEED:
		return madvise(m->hva, m->size, MADV_DONTNEED) ? -errno : 0;
	case CALL_PUNCH:
		return fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, m->size) ?
		       -errno : 0;
	case CALL_MUNMAP:
		guest_mem_free(m);
		return 0;
	}
	return -EINVAL;
}

static const char *call_name(enum host_call call)
{
	return call == CALL_DONTNEED ? "madvise(MADV_DONTNEED)" :
	       call == CALL_PUNCH ? "fallocate(PUNCH_HOLE)" : "munmap";
}

/* Memory like the test memory, populated like it, that no memslot maps. */
static int control_prepare(struct rep *r, struct guest_mem *c)
{
	int vm_fd = r->vm ? r->vm->fd : -1;
	int err = r->vm && r->vm->mem.private_mem ?
		  guest_mem_alloc_private(c, r->s->mem_bytes, vm_fd) :
		  guest_mem_alloc(c, r->s->backing, r->s->mem_bytes, vm_fd);

	if (!err)
		err = guest_mem_populate(c);
	if (err)
		rep_warn(r, "control: %s: no control phase, no KVM share", kvm_error());
	return err;
}

/* The control call, timed and counted like the zap, recorded as "control". */
static enum engine_status control_run(struct rep *r, struct guest_mem *c, enum host_call call,
				      uint64_t *ns)
{
	uint64_t t0;
	int err;

	rep_instr_begin(r, NULL, 0);
	t0 = vm_now_ns();
	err = do_call(c, call);
	*ns = vm_now_ns() - t0;
	rep_instr_stop(r);
	if (err) {
		rep_instr_abort(r);
		errno = -err;
		return rep_fail_errno(r, call_name(call));
	}
	rep_instr_record(r, rep_add_phase(r, "control", *ns, c->size / SZ_4K, NULL));
	return ENGINE_OK;
}

static void derive_share(struct rep *r, uint64_t timed_ns, uint64_t control_ns, uint64_t ops)
{
	rep_derive(r, "control_ns_per_op", (double)control_ns / ops);
	rep_derive(r, "kvm_ns_per_op", ((double)timed_ns - (double)control_ns) / ops);
}

/* The timed zap: the whole host call; an op is a leaf mapping KVM removed. */
static enum engine_status zap_timed(struct rep *r, enum zap_cause cause, uint64_t *ns,
				    uint64_t *ops)
{
	struct guest_mem *m = &r->vm->mem;
	struct vm_phase_result res;
	enum engine_status st;
	uint64_t t0;
	int err = 0;

	st = dflt_host_begin(r, &t0);
	if (st)
		return st;
	switch (cause) {
	case ZAP_DONTNEED:
		err = do_call(m, CALL_DONTNEED);
		break;
	case ZAP_PUNCH:
		err = do_call(m, CALL_PUNCH);
		break;
	case ZAP_MEMSLOT:
		err = vm_delete_mem_slot(r->vm);
		if (err) {
			rep_instr_abort(r);
			return rep_fail_kvm(r, err, "deleting the memslot");
		}
		break;
	case ZAP_CONVERT:
		rep_instr_abort(r);
		snprintf(r->why, r->why_size, "private-to-shared conversion needs a VM type with private memory");
		return ENGINE_UNSUPPORTED;
	}
	if (err) {
		rep_instr_abort(r);
		errno = -err;
		return rep_fail_errno(r, call_name(cause == ZAP_PUNCH ? CALL_PUNCH : CALL_DONTNEED));
	}
	st = dflt_host_stop(r, t0, ns, &res);
	if (st)
		return st;
	*ops = rep_count_removed(r, "zap", &res);
	dflt_host_record(r, "zap", *ns, *ops, &res);
	return ENGINE_OK;
}

/*
 * A zap and, for madvise and punch, its control.  Which of the two goes
 * first alternates between repetitions, so an order effect lands on both.
 */
enum engine_status dflt_zap(struct rep *r, enum zap_cause cause)
{
	enum host_call call = cause == ZAP_PUNCH ? CALL_PUNCH : CALL_DONTNEED;
	bool control = cause == ZAP_DONTNEED || cause == ZAP_PUNCH;
	bool control_first = r->index & 1;
	uint64_t ns = 0, ops = 0, cns = 0;
	struct guest_mem c = { .fd = -1 };
	enum engine_status st;

	if (cause == ZAP_PUNCH && r->vm->mem.fd < 0) {
		snprintf(r->why, r->why_size, "punch needs a file backing (memfd or gmem), not %s",
			 backing_name(r->vm->mem.backing));
		return ENGINE_UNSUPPORTED;
	}
	/* churn zaps every cycle: its control would only double the work. */
	if (r->s->kind == KIND_CHURN)
		control = false;
	if (control && control_prepare(r, &c))
		control = false;
	st = control && control_first ? control_run(r, &c, call, &cns) : ENGINE_OK;
	if (!st)
		st = zap_timed(r, cause, &ns, &ops);
	if (!st && control && !control_first)
		st = control_run(r, &c, call, &cns);
	guest_mem_free(&c);
	if (!st && control && ops)
		derive_share(r, ns, cns, ops);
	return st;
}

/* Leaf mappings the VM has now: what its destruction tears down. */
uint64_t dflt_mappings_now(struct rep *r)
{
	struct vm_phase_result res = { 0 };
	int64_t m = -1;

	/* The change from all zeroes is the value itself. */
	if (r->stats_vm) {
		memset(r->snap_before, 0, vm_stats_nr_vals(r->stats_vm) * sizeof(uint64_t));
		if (!vm_stats_snapshot(r->stats_vm, r->snap_after) &&
		    !vm_stats_fill(r->stats_vm, r->snap_before, r->snap_after, &res))
			m = rep_mappings(&res, 1, NULL);
	}
	vm_phase_result_free(&res);
	if (m <= 0) {
		rep_warn(r, "teardown: no KVM page stats: ops are the memory's 4K pages");
		return r->s->mem_bytes / SZ_4K;
	}
	return m;
}

/*
 * The timed window holds the VM's destruction only: closing the vCPU and
 * VM fds, the last of which runs kvm_destroy_vm().  Before it, untimed,
 * what holds references on the VM goes (kvm_run mappings, stats fds);
 * after it the guest memory is unmapped, recorded as "unmap", and with
 * @control a control munmap of identically populated memory.
 */
enum engine_status dflt_teardown(struct rep *r, const char *name, bool control)
{
	struct guest_mem c = { .fd = -1 };
	uint64_t ops, t0, ns, cns = 0;
	enum engine_status st = ENGINE_OK;
	json_t *j;

	ops = dflt_mappings_now(r);
	if (control && control_prepare(r, &c))
		control = false;
	vm_drop_refs(r->vm);
	r->stats_vm = NULL;
	rep_instr_begin(r, NULL, 0);
	t0 = vm_now_ns();
	vm_close_kvm(r->vm);
	ns = vm_now_ns() - t0;
	rep_instr_stop(r);
	j = rep_add_phase(r, name, ns, ops, NULL);
	rep_instr_record(r, j);
	rep_host_lat_begin(r);
	rep_host_lat_end(r, j, ns);
	if (control) {
		t0 = vm_now_ns();
		guest_mem_free(&r->vm->mem);
		rep_add_phase(r, "unmap", vm_now_ns() - t0, r->s->mem_bytes / SZ_4K, NULL);
		st = control_run(r, &c, CALL_MUNMAP, &cns);
		if (!st) {
			rep_derive(r, "kvm_ns_per_op", (double)ns / ops);
			rep_derive(r, "control_ns_per_op", (double)cns / ops);
		}
	}
	guest_mem_free(&c);
	vm_destroy(r->vm);
	r->vm = NULL;
	return st;
}

/* churn-concurrent: a host thread zapping 2M chunks while the vCPUs fault. */
struct zapper {
	struct guest_mem *m;
	pthread_t thread;
	atomic_bool stop;
	bool running;
	uint64_t calls, ns;
	int err;
};

static void *zapper_main(void *arg)
{
	struct zapper *z = arg;
	uint64_t off = 0, t0 = vm_now_ns();

	while (!atomic_load(&z->stop)) {
		if (madvise(z->m->hva + off, SZ_2M, MADV_DONTNEED)) {
			z->err = errno;
			break;
		}
		z->calls++;
		off = off + SZ_2M >= z->m->size ? 0 : off + SZ_2M;
	}
	z->ns = vm_now_ns() - t0;
	return NULL;
}

/* The vCPUs wait at the barrier: start counting, then the zapper. */
static void zapper_on_release(struct vm *vm)
{
	struct rep *r = vm->hook_ctx;
	struct zapper *z = r->hook_data;

	dflt_count_vcpus(r, vm);
	z->err = pthread_create(&z->thread, NULL, zapper_main, z) ? EAGAIN : 0;
	z->running = !z->err;
}

/*
 * The timed phase is the guest's fault walk (barrier release to the last
 * vCPU done) with the zapper running all along; an op is a guest touch
 * (pages zapped under it are not touched again).  On a memfd the pages
 * stay in the page cache, so no host allocation lands in the window.
 */
enum engine_status dflt_fault_while_zapping(struct rep *r)
{
	struct vm_phase ph = dflt_guest_phase(r, r->s->pattern, r->s->write_pct);
	struct zapper z = { .m = &r->vm->mem };
	void (*saved)(struct vm *vm) = r->vm->on_release;
	struct vm_phase_result res;
	json_t *j;
	int err;

	r->hook_data = &z;
	r->vm->on_release = zapper_on_release;
	err = vm_run_phase(r->vm, &ph, &res);
	r->vm->on_release = saved;
	atomic_store(&z.stop, true);
	if (z.running)
		pthread_join(z.thread, NULL);
	r->hook_data = NULL;
	if (err) {
		rep_instr_abort(r);
		return rep_fail_kvm(r, err, "fault");
	}
	if (!z.running || z.err) {
		vm_phase_result_free(&res);
		errno = z.err ? z.err : EAGAIN;
		return rep_fail_errno(r, "the zapper thread (madvise)");
	}
	j = rep_add_phase(r, "fault", res.wall_ns, res.pages, &res);
	json_object_set_new(j, "touches", json_integer((json_int_t)res.pages));
	rep_instr_record(r, j);
	vm_phase_result_free(&res);
	rep_add_phase(r, "zap", z.ns, z.calls, NULL);
	return ENGINE_OK;
}
