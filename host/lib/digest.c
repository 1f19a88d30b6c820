// SPDX-License-Identifier: GPL-2.0
#include "lib/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <unistd.h>
#include <zlib.h>

static void to_hex(const unsigned char *md, unsigned int n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned int i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * n] = '\0';
}

static bool finish(EVP_MD_CTX *ctx, char *hex)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(ctx, md, &n) || n * 2 + 1 > SHA256_HEX_SIZE)
		return false;
	to_hex(md, n, hex);
	return true;
}

int sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_SIZE])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, buf, len) && finish(ctx, hex);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -EIO;
}

int sha256_file_hex(const char *path, char hex[SHA256_HEX_SIZE])
{
	unsigned char buf[1 << 16];
	int fd, n = 0, code, err = 0;
	EVP_MD_CTX *ctx;
	gzFile gz;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		err = -EIO;
	while (!err && (n = gzread(gz, buf, sizeof(buf))) > 0)
		if (!EVP_DigestUpdate(ctx, buf, n))
			err = -EIO;
	/* A cut-off stream ends in a short read with Z_BUF_ERROR set. */
	if (!err) {
		gzerror(gz, &code);
		if (code == Z_ERRNO)
			err = errno ? -errno : -EIO;
		else if (n < 0 || code != Z_OK)
			err = -EIO;
	}
	if (gzclose(gz) != Z_OK && !err)
		err = -EIO;
	if (!err && !finish(ctx, hex))
		err = -EIO;
	EVP_MD_CTX_free(ctx);
	return err;
}
