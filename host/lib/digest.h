/* SPDX-License-Identifier: GPL-2.0 */
/* SHA-256 of files (OpenSSL's EVP), gzip-aware (zlib).  Knows nothing of KVM. */
#ifndef SEPTBENCH_DIGEST_H
#define SEPTBENCH_DIGEST_H

#include <stddef.h>

#define SHA256_HEX_SIZE 65	/* 64 hex digits and the NUL */

/*
 * SHA-256 of the text of @path as lower-case hex: of the decompressed
 * text when the file is gzip (/proc/config.gz), of the bytes as they are
 * otherwise (zlib reads plain files through).  Returns 0, or -errno
 * (-EIO for a corrupt or truncated gzip stream) with @hex untouched.
 */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_SIZE]);

/* SHA-256 of @len bytes at @buf as hex; 0, or -EIO if OpenSSL fails. */
int sha256_hex(const void *buf, size_t len, char hex[SHA256_HEX_SIZE]);

#endif
