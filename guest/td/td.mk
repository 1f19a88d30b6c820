# TD guest payload (guest/td): one source, two builds.
#   td-payload       real TDCALL instructions, for the TDX backend
#   td-shim-payload  every TDCALL is a port-I/O exchange with a harness
#                    (tests/kvm/td_stub.c runs it in a default VM)
# Each is a flat TD_IMAGE_SIZE image ending at 4 GiB, wrapped into a host
# object as td_payload_start/_end or td_shim_payload_start/_end.
# Included from guest/guest.mk.

TD_COMMON_SRCS := guest/td/start.S guest/td/td_main.c guest/td/tdx.c guest/string.c guest/idt.c
TD_REAL_SRCS := $(TD_COMMON_SRCS) guest/td/tdcall.S
TD_SHIM_SRCS := $(TD_COMMON_SRCS) guest/td/tdcall_shim.c

# The image lives just below 4 GiB, out of reach of the small code
# model's sign-extended 32-bit addresses: position-independent code
# reaches everything RIP-relative.
TD_CFLAGS := $(filter-out -fno-pic -fno-pie -mcmodel=small,$(GUEST_CFLAGS)) -fpie -Iguest/td

td_objs = $(patsubst %,$(BUILD)/guest/td/$(1)/%.o,$(notdir $(basename $(2))))
TD_REAL_OBJS := $(call td_objs,real,$(TD_REAL_SRCS))
TD_SHIM_OBJS := $(call td_objs,shim,$(TD_SHIM_SRCS))

$(BUILD)/guest/td/real/%.o: guest/td/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TD_CFLAGS) -c -o $@ $<
$(BUILD)/guest/td/real/%.o: guest/td/%.S
	@mkdir -p $(dir $@)
	$(CC) $(TD_CFLAGS) -c -o $@ $<
$(BUILD)/guest/td/real/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TD_CFLAGS) -c -o $@ $<
$(BUILD)/guest/td/shim/%.o: guest/td/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TD_CFLAGS) -DTD_SHIM -c -o $@ $<
$(BUILD)/guest/td/shim/%.o: guest/td/%.S
	@mkdir -p $(dir $@)
	$(CC) $(TD_CFLAGS) -DTD_SHIM -c -o $@ $<
$(BUILD)/guest/td/shim/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TD_CFLAGS) -DTD_SHIM -c -o $@ $<

$(BUILD)/guest/td/td-payload.elf: $(TD_REAL_OBJS) guest/td/td.lds
	$(LD) $(GUEST_LDFLAGS) -T guest/td/td.lds -o $@ $(TD_REAL_OBJS)
$(BUILD)/guest/td/td-shim-payload.elf: $(TD_SHIM_OBJS) guest/td/td.lds
	$(LD) $(GUEST_LDFLAGS) -T guest/td/td.lds -o $@ $(TD_SHIM_OBJS)

$(BUILD)/guest/td/%.bin: $(BUILD)/guest/td/%.elf
	objcopy -O binary $< $@

# Host-side wrappers, not guest objects.
TD_PAYLOAD_OBJ := $(BUILD)/guest/td/td-payload.o
TD_SHIM_PAYLOAD_OBJ := $(BUILD)/guest/td/td-shim-payload.o

$(TD_PAYLOAD_OBJ): guest/td/td_payload.S $(BUILD)/guest/td/td-payload.bin
	$(CC) -c -DTD_PAYLOAD_BIN='"$(BUILD)/guest/td/td-payload.bin"' \
		-DTD_PAYLOAD_SYM=td_payload -o $@ $<
$(TD_SHIM_PAYLOAD_OBJ): guest/td/td_payload.S $(BUILD)/guest/td/td-shim-payload.bin
	$(CC) -c -DTD_PAYLOAD_BIN='"$(BUILD)/guest/td/td-shim-payload.bin"' \
		-DTD_PAYLOAD_SYM=td_shim_payload -o $@ $<

all: $(TD_PAYLOAD_OBJ) $(TD_SHIM_PAYLOAD_OBJ)

# The image checks link both images (tests/unit/test_td_image.c).
$(BUILD)/tests/test_td_image: $(TD_PAYLOAD_OBJ) $(TD_SHIM_PAYLOAD_OBJ)

# The driver runs both: td-payload in a TD, td-shim-payload in the
# simulation (SEPTBENCH_TDX_SIM=1); the unit tests link the driver's objects.
$(BUILD)/septbench: $(TD_PAYLOAD_OBJ) $(TD_SHIM_PAYLOAD_OBJ)
$(UNIT_BINS): $(TD_PAYLOAD_OBJ) $(TD_SHIM_PAYLOAD_OBJ)
