/* SPDX-License-Identifier: GPL-2.0 */
/* Wrap the flat guest image into the host driver as read-only data. */
	.section .rodata.guest_payload, "a"
	.balign	4096
	.globl	guest_payload_start, guest_payload_end
guest_payload_start:
	.incbin	GUEST_PAYLOAD_BIN
guest_payload_end:

	.section .note.GNU-stack, "", @progbits
