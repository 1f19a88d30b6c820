# td-stub: the TD payload's shim build in a default VM started in a TD's
# entry state (host/tdx/td_sim.c).  Needs /dev/kvm: run it in scripts/vmtest.
# Included from tests/kvm/kvm.mk.

TD_STUB_OBJS := $(BUILD)/tests/kvm/td_stub.o $(BUILD)/host/tdx/td_sim.o $(BUILD)/host/tdx/td_run.o \
	$(BUILD)/host/tdx/td_ucall.o $(BUILD)/host/tdx/td_lathist.o $(BUILD)/host/tdx/td.o \
	$(BUILD)/host/tdx/td_cpuid.o $(BUILD)/host/tdx/kvm_io.o

all: $(BUILD)/tests/td-stub

$(BUILD)/tests/td-stub: $(TD_STUB_OBJS) $(KVM_TEST_LIB_OBJS) $(TD_SHIM_PAYLOAD_OBJ) | check-libs
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
