/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files written whole or not at all: to a temporary name in the same
 * folder, fsync'ed, then renamed, so an interrupted run never leaves a
 * half-written file that looks whole.
 */
#ifndef SEPTBENCH_FILEIO_H
#define SEPTBENCH_FILEIO_H

#include <jansson.h>
#include <stddef.h>

/* Write @size bytes of @buf to @path atomically; 0 or -errno. */
int file_write_atomic(const char *path, const char *buf, size_t size);

/* Write @obj as indented JSON, ending in a newline, to @path atomically. */
int json_write_atomic(const char *path, const json_t *obj);

#endif
