# KVM smoke tests: need /dev/kvm, so they are not in UNIT_BINS.  Built by
# `make` next to the driver; run them in scripts/vmtest.

# Only the KVM library and util: not the driver's other objects.
KVM_TEST_LIB_OBJS := $(filter $(BUILD)/host/kvm/%,$(HOST_OBJS)) $(BUILD)/host/lib/util.o \
	$(GUEST_PAYLOAD_OBJ)

all: $(BUILD)/tests/kvm-smoke

$(BUILD)/tests/kvm-smoke: $(BUILD)/tests/kvm/kvm_smoke.o $(KVM_TEST_LIB_OBJS) | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

all: $(BUILD)/tests/kvm-phases

$(BUILD)/tests/kvm-phases: $(BUILD)/tests/kvm/kvm_phases.o $(KVM_TEST_LIB_OBJS) | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

all: $(BUILD)/tests/kvm-swp

$(BUILD)/tests/kvm-swp: $(BUILD)/tests/kvm/kvm_swp.o $(KVM_TEST_LIB_OBJS) | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

-include tests/kvm/td.mk
-include tests/kvm/sept_emu.mk

all: $(BUILD)/tests/kvm-shared-bit

$(BUILD)/tests/kvm-shared-bit: $(BUILD)/tests/kvm/kvm_shared_bit.o $(KVM_TEST_LIB_OBJS) | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
