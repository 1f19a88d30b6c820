// SPDX-License-Identifier: GPL-2.0
/*
 * SHA-256 of files as the kernel identity hashes configs: known vectors
 * (FIPS 180-2 "abc", the empty string), the same text plain and gzipped
 * giving the same hash, and a cut-off or corrupt gzip refused.
 */
#include "lib/digest.h"
#include "lib/util.h"
#include "tap.h"

#include <errno.h>
#include <zlib.h>

#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static char path[96];

static const char *gz_file(const char *tag, const char *text, size_t len)
{
	gzFile gz;

	snprintf(path, sizeof(path), "/tmp/septbench-%s-%d", tag, (int)getpid());
	gz = gzopen(path, "wb");
	if (!gz || gzwrite(gz, text, len) != (int)len || gzclose(gz) != Z_OK) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

int main(void)
{
	char hex[SHA256_HEX_SIZE], plain_hex[SHA256_HEX_SIZE] = "", *config, *blob;
	const char *p;
	size_t i, len = 0;
	FILE *f;
	int r;

	tap_plan(10);
	tap_ok(!sha256_hex("abc", 3, hex) && !strcmp(hex, SHA_ABC), "sha256(\"abc\") is the FIPS 180-2 vector");
	tap_ok(!sha256_hex("", 0, hex) && !strcmp(hex, SHA_EMPTY), "sha256 of nothing");

	p = tap_write_tmp("digest", "abc");
	r = sha256_file_hex(p, hex);
	tap_ok(!r && !strcmp(hex, SHA_ABC), "a plain file is hashed as it is");
	unlink(p);
	p = tap_write_tmp("digest", "");
	r = sha256_file_hex(p, hex);
	tap_ok(!r && !strcmp(hex, SHA_EMPTY), "an empty file");
	unlink(p);

	/* A config-sized text, beyond one read buffer, plain and gzipped. */
	config = malloc(300000);
	for (i = 0; len + 40 < 300000; i++)
		len += sprintf(config + len, "CONFIG_OPTION_%zu=y\n", i);
	p = tap_write_tmp("digest", config);
	tap_ok(!sha256_file_hex(p, plain_hex), "a %zu-byte plain config", len);
	unlink(p);
	p = gz_file("digest-gz", config, len);
	r = sha256_file_hex(p, hex);
	tap_ok(!r && !strcmp(hex, plain_hex), "gzipped, it hashes as the decompressed text (%s)", plain_hex);
	sha256_hex(config, len, hex);
	tap_is_str(hex, plain_hex, "... and as the text in memory");

	/* Cut the gzip stream short: no hash of a partial text. */
	blob = read_all(p, &len);
	f = fopen(p, "w");
	fwrite(blob, 1, len / 2, f);
	fclose(f);
	strcpy(hex, "untouched");
	r = sha256_file_hex(p, hex);
	tap_ok(r == -EIO && !strcmp(hex, "untouched"), "a cut-off gzip file: -EIO, no hash (got %d)", r);
	/* Flip a byte of the deflate data: the CRC or the stream fails. */
	blob[len / 2] ^= 0x55;
	f = fopen(p, "w");
	fwrite(blob, 1, len, f);
	fclose(f);
	r = sha256_file_hex(p, hex);
	tap_ok(r == -EIO, "a corrupt gzip file: -EIO (got %d)", r);
	unlink(p);
	free(blob);
	free(config);

	tap_is_int(sha256_file_hex("/nonexistent/config", hex), -ENOENT, "a missing file: -ENOENT");
	return tap_done();
}
