// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the guest's ucalls: a 32-bit OUT of the ucall number to
 * GUEST_UCALL_PORT; arguments and message sit in the vCPU's guest block,
 * which the guest wrote before the OUT (the exit orders the two).
 */
#include "kvm/vm.h"

#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
	[UCALL_NONE] = "none",
	[UCALL_READY] = "ready",
	[UCALL_START] = "start",
	[UCALL_PROGRESS] = "progress",
	[UCALL_DONE] = "done",
	[UCALL_ERROR] = "error",
	[UCALL_EXIT] = "exit",
	[UCALL_EXCEPTION] = "exception",
	[UCALL_MAP_GPA] = "map-gpa",
};

static const char *const vectors[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "", "#TS", "#NP", "#SS", "#GP", "#PF", "",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *ucall_name(uint32_t nr)
{
	return nr < sizeof(names) / sizeof(names[0]) && names[nr] ? names[nr] : "unknown";
}

bool ucall_decode(struct vcpu *v, struct ucall *uc)
{
	struct kvm_run *run = v->run;
	const struct guest_vcpu *b = v->block;
	uint32_t nr;

	if (run->exit_reason != KVM_EXIT_IO || run->io.port != GUEST_UCALL_PORT ||
	    run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 || run->io.count != 1)
		return false;
	memcpy(&nr, (const uint8_t *)run + run->io.data_offset, sizeof(nr));
	memset(uc, 0, sizeof(*uc));
	uc->nr = nr;
	memcpy(uc->args, b->args, sizeof(uc->args));
	if (nr == UCALL_ERROR) {
		memcpy(uc->msg, b->msg, sizeof(uc->msg));
		uc->msg[sizeof(uc->msg) - 1] = '\0';
	}
	return true;
}

void ucall_describe(const struct ucall *uc, char *buf, size_t size)
{
	uint64_t vec = uc->args[0];

	switch (uc->nr) {
	case UCALL_ERROR:
		snprintf(buf, size, "guest error: %s (0x%llx, 0x%llx)", uc->msg,
			 (unsigned long long)uc->args[0], (unsigned long long)uc->args[1]);
		break;
	case UCALL_EXCEPTION:
		snprintf(buf, size, "guest exception %llu %s, error code 0x%llx, rip 0x%llx, cr2 0x%llx",
			 (unsigned long long)vec, vec < 32 ? vectors[vec] : "",
			 (unsigned long long)uc->args[1], (unsigned long long)uc->args[2],
			 (unsigned long long)uc->args[3]);
		break;
	default:
		snprintf(buf, size, "ucall %s (%u), args 0x%llx 0x%llx", ucall_name(uc->nr), uc->nr,
			 (unsigned long long)uc->args[0], (unsigned long long)uc->args[1]);
	}
}
