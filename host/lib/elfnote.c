// SPDX-License-Identifier: GPL-2.0
#include "lib/elfnote.h"

#include <stdbool.h>
#include <string.h>

#define NHDR_SIZE 12u

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* n rounded up to 4, in size_t so that UINT32_MAX cannot wrap. */
static size_t pad4(uint32_t n)
{
	return ((size_t)n + 3) & ~(size_t)3;
}

int elfnote_next(const void *buf, size_t len, size_t *off, struct elf_note *note)
{
	const unsigned char *p = buf;
	size_t at = *off, left, name_len, desc_at;

	if (at >= len)
		return 0;
	left = len - at;
	if (left < NHDR_SIZE)
		return -1;
	note->namesz = get_u32(p + at);
	note->descsz = get_u32(p + at + 4);
	note->type = get_u32(p + at + 8);
	left -= NHDR_SIZE;
	name_len = pad4(note->namesz);
	if (name_len > left)
		return -1;
	left -= name_len;
	/* The last desc's padding may be cut off; its bytes may not. */
	if (note->descsz > left)
		return -1;
	note->name = (const char *)p + at + NHDR_SIZE;
	desc_at = at + NHDR_SIZE + name_len;
	note->desc = p + desc_at;
	*off = desc_at + (pad4(note->descsz) > left ? left : pad4(note->descsz));
	return 1;
}

static bool is_gnu(const struct elf_note *n)
{
	return n->namesz == 4 && !memcmp(n->name, "GNU", 4);
}

int elfnote_build_id_hex(const void *buf, size_t len, char *hex, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	const struct elf_note *id = NULL;
	struct elf_note n, found;
	size_t off = 0;
	uint32_t i;
	int r;

	/* The whole blob must parse: garbage anywhere means a misread. */
	while ((r = elfnote_next(buf, len, &off, &n)) > 0) {
		if (!id && n.type == NT_GNU_BUILD_ID_TYPE && is_gnu(&n)) {
			found = n;
			id = &found;
		}
	}
	if (r < 0)
		return -1;
	if (!id)
		return 0;
	if (!id->descsz || id->descsz > ELFNOTE_BUILD_ID_MAX || size < 2 * (size_t)id->descsz + 1)
		return -1;
	for (i = 0; i < id->descsz; i++) {
		hex[2 * i] = digits[id->desc[i] >> 4];
		hex[2 * i + 1] = digits[id->desc[i] & 15];
	}
	hex[2 * i] = '\0';
	return (int)id->descsz;
}
