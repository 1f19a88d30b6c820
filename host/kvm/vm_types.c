// SPDX-License-Identifier: GPL-2.0
#include "kvm/vm_types.h"

#include <linux/kvm.h>
#include <string.h>

const struct vm_type_desc vm_types[] = {
	{ "default", KVM_X86_DEFAULT_VM, true, "always offered" },
	{ "sw-protected", KVM_X86_SW_PROTECTED_VM, true, "needs CONFIG_KVM_SW_PROTECTED_VM" },
	{ "sev", KVM_X86_SEV_VM, false, "needs AMD SEV" },
	{ "sev-es", KVM_X86_SEV_ES_VM, false, "needs AMD SEV-ES" },
	{ "snp", KVM_X86_SNP_VM, false, "needs AMD SEV-SNP" },
	/* Creating one reserves an HKID: cheap, and it proves TDX is up. */
	{ "tdx", KVM_X86_TDX_VM, true, "needs a TDX host: see `septbench env` tdx section" },
	/* Test-only: the TDP MMU's mirror path with software SEAMCALLs. */
	{ "sept-emu", KVM_X86_SEPT_EMU_VM, true, SEPT_EMU_BUILD_HINT },
	{ NULL, 0, false, NULL },
};

const struct vm_type_desc *vm_type_by_name(const char *name)
{
	const struct vm_type_desc *t;

	for (t = vm_types; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}
