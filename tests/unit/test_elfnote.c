// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF note parser on hand-built blobs: several notes with the GNU
 * build id among them, padding of odd sizes, a real /sys/kernel/notes,
 * and truncated or garbage input, which must be rejected without a read
 * outside the blob (every blob is copied into a buffer of exactly its
 * size, so ASan sees any overread).
 */
#include "lib/elfnote.h"
#include "tap.h"

#include <stdint.h>

/* /sys/kernel/notes of a 6.18 x86 build: build id, two Linux, two Xen notes. */
static const unsigned char real_notes[] = {
	0x04, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x47, 0x4e, 0x55, 0x00,
	0xa3, 0xe4, 0xcd, 0x60, 0xa8, 0xec, 0x14, 0xf0, 0x2a, 0xa4, 0x1b, 0x41, 0xd5, 0xb5, 0x84, 0x6d,
	0x3d, 0x9f, 0x1d, 0xd8, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00,
	0x4c, 0x69, 0x6e, 0x75, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
	0x1e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x4c, 0x69, 0x6e, 0x75, 0x78, 0x00, 0x00, 0x00,
	0x36, 0x2e, 0x31, 0x2e, 0x31, 0x30, 0x32, 0x2d, 0x31, 0x2e, 0x31, 0x38, 0x32, 0x2e, 0x61, 0x6d,
	0x7a, 0x6e, 0x32, 0x30, 0x32, 0x33, 0x2e, 0x78, 0x38, 0x36, 0x5f, 0x36, 0x34, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x58, 0x65, 0x6e, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff, 0xff, 0xff, 0x3f, 0x04, 0x00, 0x00, 0x00,
	0x08, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00, 0x00, 0x58, 0x65, 0x6e, 0x00, 0x00, 0xbf, 0x78, 0x03,
	0x00, 0x00, 0x00, 0x00,
};

struct blob {
	unsigned char b[512];
	size_t len;
	size_t ends[8];	/* offsets where a note ends */
	size_t desc_ends[8];	/* ... where its desc ends (before padding) */
	int nr;
};

static void put32(struct blob *bl, uint32_t v)
{
	memcpy(bl->b + bl->len, &v, 4);
	bl->len += 4;
}

static void put_padded(struct blob *bl, const void *p, size_t n)
{
	memcpy(bl->b + bl->len, p, n);
	bl->len += n;
	while (bl->len % 4)
		bl->b[bl->len++] = 0;
}

static void add_note(struct blob *bl, const char *name, size_t namesz, uint32_t type,
		     const void *desc, size_t descsz)
{
	put32(bl, namesz);
	put32(bl, descsz);
	put32(bl, type);
	put_padded(bl, name, namesz);
	bl->desc_ends[bl->nr] = bl->len + descsz;
	put_padded(bl, desc, descsz);
	bl->ends[bl->nr++] = bl->len;
}

/* A cut at @k leaves whole notes, the last one perhaps without its padding. */
static bool cut_parses(const struct blob *bl, size_t k)
{
	int i;

	for (i = 0; i < bl->nr; i++)
		if (k >= bl->desc_ends[i] && k <= bl->ends[i])
			return true;
	return false;
}

/* Run the parser on an exact-size heap copy of @len bytes of @p. */
static int build_id(const void *p, size_t len, char *hex, size_t size)
{
	void *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, p, len);
	r = elfnote_build_id_hex(copy, len, hex, size);
	free(copy);
	return r;
}

int main(void)
{
	static const unsigned char id[20] = {
		0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05,
		0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0xff,
	};
	const char *want = "deadbeef000102030405060708090a0b0c0d0eff";
	struct blob bl = { .len = 0 }, none = { .len = 0 }, odd = { .len = 0 };
	char hex[2 * ELFNOTE_BUILD_ID_MAX + 1], small[40];
	unsigned char junk[64];
	struct elf_note n;
	size_t off, k, bad_cut = 0;
	int r, count, i, bad_fuzz = 0;
	uint32_t seed = 12345;

	tap_plan(20);

	/* Several notes, the build id third, after odd-sized names and descs. */
	add_note(&bl, "Linux", 6, 6, "\x01\x01\x00\x00", 4);
	add_note(&bl, "GNU", 4, 1, "\0\0\0\0\4\0\0\0\2\0\0\0", 12);	/* ABI tag, not an id */
	add_note(&bl, "GNU", 4, NT_GNU_BUILD_ID_TYPE, id, sizeof(id));
	add_note(&bl, "Xen", 4, 18, "\x00\xbf\x78\x03\x00", 5);
	r = build_id(bl.b, bl.len, hex, sizeof(hex));
	tap_is_int(r, 20, "four notes: the GNU build id is found, 20 bytes");
	tap_is_str(hex, want, "... as lower-case hex");
	for (off = 0, count = 0; (r = elfnote_next(bl.b, bl.len, &off, &n)) > 0; count++)
		;
	tap_ok(r == 0 && count == 4 && off == bl.len, "elfnote_next walks all four notes to the end");
	off = 0;
	elfnote_next(bl.b, bl.len, &off, &n);
	tap_ok(n.namesz == 6 && !strcmp(n.name, "Linux") && n.type == 6 && n.descsz == 4 && off == 24,
	       "the first note: name Linux (6 bytes, padded to 8), type 6, desc 4 bytes");

	/* A real blob from /sys/kernel/notes. */
	r = build_id(real_notes, sizeof(real_notes), hex, sizeof(hex));
	tap_ok(r == 20 && !strcmp(hex, "a3e4cd60a8ec14f02aa41b41d5b5846d3d9f1dd8"),
	       "a real /sys/kernel/notes: its build id (got %s)", r > 0 ? hex : "none");

	/* The last desc's padding may be cut off, its bytes may not. */
	add_note(&odd, "GNU", 4, NT_GNU_BUILD_ID_TYPE, id, 18);
	r = build_id(odd.b, odd.len - 2, hex, sizeof(hex));
	tap_is_int(r, 18, "an 18-byte id whose trailing padding is cut off still reads");
	r = build_id(odd.b, odd.len - 3, hex, sizeof(hex));
	tap_is_int(r, -1, "... one byte of the id itself cut off: rejected");

	/* No build id at all. */
	add_note(&none, "Linux", 6, 6, "\x01\x01\x00\x00", 4);
	add_note(&none, "GNX", 4, NT_GNU_BUILD_ID_TYPE, id, sizeof(id));
	add_note(&none, "GNU", 3, NT_GNU_BUILD_ID_TYPE, id, sizeof(id));
	tap_is_int(build_id(none.b, none.len, hex, sizeof(hex)), 0,
		   "notes named GNX, or GNU without its NUL (namesz 3), are no build id");
	tap_is_int(build_id(none.b, 0, hex, sizeof(hex)), 0, "an empty blob: no build id");

	/* Every cut of the four-note blob: only note boundaries parse. */
	for (k = 1; k < bl.len; k++) {
		r = build_id(bl.b, k, hex, sizeof(hex));
		if (cut_parses(&bl, k) ? r != (k >= bl.ends[2] ? 20 : 0) : r != -1) {
			if (!bad_cut)
				printf("#   cut at %zu: got %d\n", k, r);
			bad_cut++;
		}
	}
	tap_is_int(bad_cut, 0, "every cut inside a note is rejected, at a boundary it is not (%zu cuts)",
		   bl.len - 1);

	/* Garbage headers. */
	bl.len = 0;
	bl.nr = 0;
	put32(&bl, 0xffffffff);
	put32(&bl, 4);
	put32(&bl, 3);
	put32(&bl, 0);
	tap_is_int(build_id(bl.b, bl.len, hex, sizeof(hex)), -1, "namesz 0xffffffff: rejected");
	bl.len = 0;
	put32(&bl, 4);
	put32(&bl, 0xfffffffd);
	put32(&bl, 3);
	put_padded(&bl, "GNU", 4);
	put32(&bl, 0);
	tap_is_int(build_id(bl.b, bl.len, hex, sizeof(hex)), -1, "descsz 0xfffffffd: rejected");
	tap_is_int(build_id(bl.b, 11, hex, sizeof(hex)), -1, "less than a header: rejected");
	bl.len = 0;
	add_note(&bl, "GNU", 4, NT_GNU_BUILD_ID_TYPE, id, sizeof(id));
	memcpy(bl.b + bl.len, "\x05\x00\x00\x00junk", 8);
	tap_is_int(build_id(bl.b, bl.len + 8, hex, sizeof(hex)), -1,
		   "a good build id followed by garbage: the blob is rejected");
	bl.len = 0;
	add_note(&bl, "GNU", 4, NT_GNU_BUILD_ID_TYPE, id, 0);
	tap_is_int(build_id(bl.b, bl.len, hex, sizeof(hex)), -1, "an empty build id: rejected");
	bl.len = 0;
	{
		unsigned char big[ELFNOTE_BUILD_ID_MAX + 4] = { 0 };

		add_note(&bl, "GNU", 4, NT_GNU_BUILD_ID_TYPE, big, sizeof(big));
		tap_is_int(build_id(bl.b, bl.len, hex, sizeof(hex)), -1,
			   "a build id longer than %d bytes: rejected", ELFNOTE_BUILD_ID_MAX);
	}
	tap_is_int(build_id(real_notes, sizeof(real_notes), small, sizeof(small)), -1,
		   "a hex buffer one byte short: rejected, not overrun");
	tap_is_int(build_id(real_notes, sizeof(real_notes), hex, 41), 20, "... exactly 41 bytes: fits");

	/* Random bytes, and random bytes behind a valid header. */
	for (i = 0; i < 20000; i++) {
		size_t len = (seed >> 8) % sizeof(junk);

		for (k = 0; k < sizeof(junk); k++) {
			seed = seed * 1103515245 + 12345;
			junk[k] = seed >> 16;
		}
		if (i & 1) {
			uint32_t namesz = 4, descsz = junk[0] % 80, type = 3;

			memcpy(junk, &namesz, 4);
			memcpy(junk + 4, &descsz, 4);
			memcpy(junk + 8, &type, 4);
			memcpy(junk + 12, "GNU", 4);
		}
		r = build_id(junk, len, hex, sizeof(hex));
		if (r < -1 || r > ELFNOTE_BUILD_ID_MAX || (r > 0 && strlen(hex) != 2 * (size_t)r))
			bad_fuzz++;
	}
	tap_is_int(bad_fuzz, 0, "20000 random blobs: -1, 0 or a well-formed id, never a read out of bounds");
	r = build_id("\x04\0\0\0\x04\0\0\0\x03\0\0\0GNU\0\x01\x02\x03\x04", 20, hex, sizeof(hex));
	tap_ok(r == 4 && !strcmp(hex, "01020304"), "a minimal 4-byte id: 01020304");
	return tap_done();
}
