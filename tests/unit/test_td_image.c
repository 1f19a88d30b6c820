// SPDX-License-Identifier: GPL-2.0
/*
 * The TD images (guest/td): the layout the host's TDX backend relies on
 * (td_abi.h), the header, the reset vector, and which build issues real
 * TDCALLs.  Neither image runs here; tests/kvm/td_stub.c runs the shim.
 */
#include "tap.h"
#include "guest/td/td_abi.h"

extern const uint8_t td_payload_start[], td_payload_end[];
extern const uint8_t td_shim_payload_start[], td_shim_payload_end[];

static const uint8_t tdcall_insn[4] = { 0x66, 0x0f, 0x01, 0xcc };

static size_t count_tdcall(const uint8_t *img, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i + 4 <= len; i++)
		n += !memcmp(img + i, tdcall_insn, 4);
	return n;
}

static void check_image(const char *name, const uint8_t *img, const uint8_t *end, uint32_t shim)
{
	const struct td_image_header *h = (const void *)img;
	size_t len = end - img;
	const uint8_t *rv = img + len - 16;
	uint32_t rel, target;

	tap_is_int(len, TD_IMAGE_SIZE, "%s: the image is TD_IMAGE_SIZE bytes", name);
	if (len != TD_IMAGE_SIZE)
		return;
	tap_ok(h->magic == TD_IMAGE_MAGIC && h->header_size == sizeof(*h) &&
	       h->abi_version == TD_ABI_VERSION && h->shim == shim,
	       "%s: header magic, size, ABI version, shim = %u", name, shim);
	tap_ok(h->image_gpa == TD_IMAGE_GPA && h->image_size == TD_IMAGE_SIZE &&
	       h->image_gpa + h->image_size == TD_4G,
	       "%s: loaded at 0x%llx, ends at 4 GiB", name, (unsigned long long)h->image_gpa);
	tap_ok(h->entry32 >= TD_IMAGE_GPA + sizeof(*h) && h->entry32 < h->end_gpa &&
	       h->end_gpa <= TD_RESET_VECTOR,
	       "%s: code, data and bss (to 0x%llx) stay below the reset vector", name,
	       (unsigned long long)h->end_gpa);
	/* 32-bit mode at the reset vector: E9 rel32, relative to the next instruction. */
	memcpy(&rel, rv + 1, 4);
	target = (uint32_t)TD_RESET_VECTOR + 5 + rel;
	tap_ok(rv[0] == 0xe9 && target == h->entry32,
	       "%s: the reset vector jumps to the 32-bit stub (0x%x)", name, target);
}

int main(void)
{
	tap_plan(16);
	check_image("td-payload", td_payload_start, td_payload_end, 0);
	check_image("td-shim-payload", td_shim_payload_start, td_shim_payload_end, 1);
	tap_is_int(count_tdcall(td_payload_start, td_payload_end - td_payload_start), 1,
		   "td-payload has the one real TDCALL (66 0F 01 CC)");
	tap_is_int(count_tdcall(td_shim_payload_start,
				td_shim_payload_end - td_shim_payload_start), 0,
		   "td-shim-payload has none");

	/* The system region, bottom up, without overlaps. */
	tap_ok(td_sys_gpa(TD_MAX_VCPUS) >= 0xfef00000ull &&
	       TD_STACKS_TOP <= TD_PT_GPA && TD_PT_GPA + TD_PT_SIZE <= TD_ACCEPT_MAP_GPA &&
	       TD_ACCEPT_MAP_GPA + TD_ACCEPT_MAP_SIZE <= TD_PARAMS_GPA &&
	       TD_PARAMS_GPA + 4096 <= TD_STATE_GPA && TD_STATE_GPA + 4096 <= TD_SHIM_MBOX_GPA &&
	       TD_SHIM_MBOX_GPA + TD_MAX_VCPUS * TD_SHIM_MBOX_SIZE <= TD_IMAGE_GPA,
	       "system region: stacks, page tables, accept map, params, state, mailboxes, "
	       "image; clear of the local APIC page");
	tap_ok(td_sys_gpa(2) == TD_STACKS_TOP - 2 * TD_STACK_SIZE && td_sys_gpa(2) % 4096 == 0,
	       "td_sys_gpa: the region to add grows by one stack per vCPU");
	tap_ok(td_shared_bit(48) == 1ull << 47 && td_shared_bit(52) == 1ull << 51,
	       "shared bit 47 for GPAW 48, 51 for GPAW 52");
	tap_ok(TD_MEM_GPA >= TD_4G && TD_MEM_GPA % (2ull << 20) == 0,
	       "default test memory at 4 GiB, 2 MiB aligned");
	return tap_done();
}
