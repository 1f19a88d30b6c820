# sept-emu-check: the src kernel's emulated S-EPT driven by the host
# (tests/integration/sept-emu-kernel.t).  Raw KVM ioctls only, no guest
# payload.  Needs /dev/kvm on the src kernel: run it in scripts/vmtest.
# Included from tests/kvm/kvm.mk.

all: $(BUILD)/tests/sept-emu-check

$(BUILD)/tests/sept-emu-check: $(BUILD)/tests/kvm/sept_emu.o | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^
