// SPDX-License-Identifier: GPL-2.0
/* TDCALL leaves and TDVMCALL sub-functions on top of td_tdcall(). */
#include "tdcall.h"

#include <stddef.h>

/* tdcall.S addresses the fields by these offsets. */
_Static_assert(offsetof(struct tdcall_args, rax) == 0, "tdcall_args.rax");
_Static_assert(offsetof(struct tdcall_args, r8) == 24, "tdcall_args.r8");
_Static_assert(offsetof(struct tdcall_args, r15) == 80, "tdcall_args.r15");

uint64_t td_accept(uint64_t gpa, unsigned int level)
{
	struct tdcall_args a = {
		.rax = TDG_MEM_PAGE_ACCEPT,
		.rcx = gpa | level,
	};

	td_tdcall(&a);
	return a.rax;
}

static void vmcall(struct tdcall_args *a, uint64_t fn)
{
	a->rax = TDG_VP_VMCALL;
	a->rcx = TDVMCALL_GPR_MASK;
	a->r10 = 0;			/* GHCI standard TDVMCALL */
	a->r11 = fn;
	td_tdcall(a);
}

uint64_t td_map_gpa(uint64_t gpa, uint64_t size, uint64_t *resume)
{
	struct tdcall_args a = { .r12 = gpa, .r13 = size };

	vmcall(&a, TDVMCALL_MAP_GPA);
	*resume = a.r11;
	/* A failed TDCALL itself (RAX) is as fatal as a failed MapGPA. */
	return a.rax ? a.rax : a.r10;
}

void td_out32(uint16_t port, uint32_t val)
{
	struct tdcall_args a = { .r12 = 4, .r13 = 1, .r14 = port, .r15 = val };

	vmcall(&a, TDVMCALL_IO);
}

uint32_t td_in32(uint16_t port)
{
	struct tdcall_args a = { .r12 = 4, .r13 = 0, .r14 = port };

	vmcall(&a, TDVMCALL_IO);
	return a.r11;
}

void td_report_fatal(uint64_t code)
{
	struct tdcall_args a = { .r12 = code, .r13 = 0 };

	for (;;)
		vmcall(&a, TDVMCALL_REPORT_FATAL);
}
