/* SPDX-License-Identifier: GPL-2.0 */
/* The 32 exception gates both payloads install, so a fault reports itself. */
#ifndef SEPTBENCH_GUEST_IDT_H
#define SEPTBENCH_GUEST_IDT_H

#include <stdint.h>

/* Point vector @vec at @handler through code selector @sel. */
void idt_set(int vec, uint64_t handler, uint16_t sel);
/* Load the table on this CPU (every vCPU shares it). */
void idt_load(void);

#endif
