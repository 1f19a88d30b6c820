/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TDCALL layer of the TD payload.  td_tdcall() is the one primitive:
 * tdcall.S issues the real instruction (td-payload), tdcall_shim.c turns
 * it into a port-I/O exchange with a host harness (td-shim-payload).
 * Everything above it (tdx.c) is the same code in both builds.
 *
 * Register conventions (facts: /work/shared/facts/tdx-abi.md):
 *   TDCALL: RAX = leaf in, status out.
 *   TDG.MEM.PAGE.ACCEPT: RCX = GPA | level (0 = 4K, 1 = 2M).
 *   TDG.VP.VMCALL: RCX = GPRs exposed to the VMM (R10..R15), R10 = 0
 *   (GHCI standard), R11 = sub-function in / result out, R12.. operands;
 *   the sub-function's status comes back in R10.
 *     I/O (R11 = 30): R12 size, R13 direction (1 = write), R14 port,
 *       R15 value; an IN's value comes back in R11.
 *     MapGPA (0x10001): R12 GPA (with the shared bit to share), R13 size;
 *       on RETRY, R11 = the GPA to resume from.
 *     ReportFatalError (0x10003): R12 error code.
 */
#ifndef SEPTBENCH_GUEST_TD_TDCALL_H
#define SEPTBENCH_GUEST_TD_TDCALL_H

#include <stdint.h>

#include "td_abi.h"

struct tdcall_args {
	uint64_t rax, rcx, rdx, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* Issue one TDCALL with @a's registers; outputs are written back into @a. */
void td_tdcall(struct tdcall_args *a);

/* ---- tdx.c ---- */

/* TDG.MEM.PAGE.ACCEPT of one page at @level; the raw TDX status. */
uint64_t td_accept(uint64_t gpa, unsigned int level);
/* TDG.VP.VMCALL<MapGPA> of one call; *@resume gets R11 (RETRY's next GPA). */
uint64_t td_map_gpa(uint64_t gpa, uint64_t size, uint64_t *resume);
/* TDG.VP.VMCALL<Instruction.IO>, 32-bit. */
void td_out32(uint16_t port, uint32_t val);
uint32_t td_in32(uint16_t port);
/* TDG.VP.VMCALL<ReportFatalError>: does not return. */
void __attribute__((noreturn)) td_report_fatal(uint64_t code);

#endif
