/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ELF note sections as the kernel exposes them (/sys/kernel/notes,
 * /sys/module/<m>/notes/<section>): a run of Elf_Nhdr {namesz, descsz,
 * type} each followed by name and desc, both padded to 4 bytes, in the
 * host's byte order.  Pure and bounds-checked: nothing outside the blob
 * is ever read.  Knows nothing of KVM.
 */
#ifndef SEPTBENCH_ELFNOTE_H
#define SEPTBENCH_ELFNOTE_H

#include <stddef.h>
#include <stdint.h>

#define NT_GNU_BUILD_ID_TYPE 3
/* Longer build ids than this (bytes) are treated as garbage. */
#define ELFNOTE_BUILD_ID_MAX 64

struct elf_note {
	uint32_t type;
	const char *name;	/* namesz bytes, normally NUL-terminated */
	uint32_t namesz;
	const unsigned char *desc;
	uint32_t descsz;
};

/*
 * The note at *@off of @buf (@len bytes); advances *@off past it.
 * Returns 1 with @note filled, 0 at the end of the blob, -1 when the
 * note does not fit (truncated or garbage).
 */
int elfnote_next(const void *buf, size_t len, size_t *off, struct elf_note *note);

/*
 * The first GNU build id (name "GNU", type NT_GNU_BUILD_ID) of a note
 * blob as lower-case hex into @hex (2 * ELFNOTE_BUILD_ID_MAX + 1 bytes
 * is always enough).  Returns its length in bytes, 0 when the blob
 * holds no build id, -1 when it is malformed or @hex too small.
 */
int elfnote_build_id_hex(const void *buf, size_t len, char *hex, size_t size);

#endif
