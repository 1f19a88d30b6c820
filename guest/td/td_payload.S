/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wrap a flat TD image into host objects as read-only data:
 * TD_PAYLOAD_SYM_start/_end, from TD_PAYLOAD_BIN (set by guest/td/td.mk).
 */
#define CAT_(a, b)	a##b
#define CAT(a, b)	CAT_(a, b)

	.section .rodata.td_payload, "a"
	.balign	4096
	.globl	CAT(TD_PAYLOAD_SYM, _start), CAT(TD_PAYLOAD_SYM, _end)
CAT(TD_PAYLOAD_SYM, _start):
	.incbin	TD_PAYLOAD_BIN
CAT(TD_PAYLOAD_SYM, _end):

	.section .note.GNU-stack, "", @progbits
