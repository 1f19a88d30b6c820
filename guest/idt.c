// SPDX-License-Identifier: GPL-2.0
#include "idt.h"

struct idt_gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t zero;
};

static struct idt_gate idt[32] __attribute__((aligned(16)));

void idt_set(int vec, uint64_t handler, uint16_t sel)
{
	struct idt_gate *g = &idt[vec];

	g->off0 = handler & 0xffff;
	g->sel = sel;
	g->ist = 0;
	g->type = 0x8e;		/* present, DPL 0, 64-bit interrupt gate */
	g->off1 = (handler >> 16) & 0xffff;
	g->off2 = handler >> 32;
	g->zero = 0;
}

void idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) desc = {
		.limit = sizeof(idt) - 1,
		.base = (uint64_t)idt,
	};

	asm volatile("lidt %0" :: "m"(desc));
}
