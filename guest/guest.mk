# Guest payload: freestanding x86-64, linked flat at GUEST_CODE_GPA and
# embedded into the host objects as guest_payload_start/_end.  Included
# from the top Makefile.

GUEST_SRCS := $(wildcard guest/*.c) guest/entry.S
GUEST_OBJS := $(patsubst guest/%,$(BUILD)/guest/%.o,$(basename $(GUEST_SRCS)))
GUEST_PAYLOAD_OBJ := $(BUILD)/guest/payload.o

# No SSE (the guest never enables it), no red zone (exceptions push onto
# the stack), absolute addressing below 2 GiB.
GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin \
	-fno-pic -fno-pie -mno-red-zone -mcmodel=small -mgeneral-regs-only \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-fno-omit-frame-pointer -MMD -MP -Iguest

$(BUILD)/guest/%.o: guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(BUILD)/guest/%.o: guest/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

# One RWX segment is fine for a guest image; newer ld warns about it.
GUEST_LDFLAGS := -nostdlib -static --no-dynamic-linker -z noexecstack --build-id=none \
	$(shell $(LD) --help 2>/dev/null | grep -q no-warn-rwx-segments && echo --no-warn-rwx-segments)

$(BUILD)/guest/payload.elf: $(GUEST_OBJS) guest/guest.lds
	$(LD) $(GUEST_LDFLAGS) \
		-T guest/guest.lds -o $@ $(GUEST_OBJS)

$(BUILD)/guest/payload.bin: $(BUILD)/guest/payload.elf
	objcopy -O binary $< $@

# payload.S is not a guest object: it is the host-side wrapper.
$(GUEST_PAYLOAD_OBJ): guest/payload.S $(BUILD)/guest/payload.bin
	@mkdir -p $(dir $@)
	$(CC) -c -DGUEST_PAYLOAD_BIN='"$(BUILD)/guest/payload.bin"' -o $@ $<

# The top Makefile expands its link prerequisites before this file is
# read, so add the payload as an extra prerequisite (it lands in $^).
$(BUILD)/septbench: $(GUEST_PAYLOAD_OBJ)
$(UNIT_BINS): $(GUEST_PAYLOAD_OBJ)

-include guest/td/td.mk
-include tests/kvm/kvm.mk
