// SPDX-License-Identifier: GPL-2.0
/* Host memory settings that change what a fault or split costs. */
#include "env/env.h"
#include "lib/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THP "/sys/kernel/mm/transparent_hugepage"
#define HUGETLB "/sys/kernel/mm/hugepages"

static void add_choice(json_t *obj, const char *key, const char *path)
{
	char val[64];

	if (read_choice(path, val, sizeof(val)) > 0)
		json_object_set_new(obj, key, json_string(val));
}

static json_t *hugetlb_pool(const char *size_dir)
{
	char path[256];
	json_t *pool;
	uint64_t nr, free_pages;

	snprintf(path, sizeof(path), HUGETLB "/%s/nr_hugepages", size_dir);
	if (!read_u64(path, &nr))
		return json_null();
	snprintf(path, sizeof(path), HUGETLB "/%s/free_hugepages", size_dir);
	if (!read_u64(path, &free_pages))
		free_pages = 0;
	pool = json_object();
	json_object_set_new(pool, "nr", json_integer(nr));
	json_object_set_new(pool, "free", json_integer(free_pages));
	return pool;
}

/* A "Key:   123 kB" field of /proc/meminfo, in bytes; -1 when absent. */
static long long meminfo_bytes(const char *text, const char *key)
{
	const char *p = strstr(text, key);
	long long kb;

	if (!p || sscanf(p + strlen(key), ": %lld kB", &kb) != 1)
		return -1;
	return kb * 1024;
}

json_t *probe_memory(void)
{
	json_t *sec = json_object(), *thp = json_object(), *huge = json_object();
	char *meminfo;

	add_choice(thp, "enabled", THP "/enabled");
	add_choice(thp, "defrag", THP "/defrag");
	add_choice(thp, "shmem_enabled", THP "/shmem_enabled");
	json_object_set_new(sec, "thp", thp);
	json_object_set_new(huge, "2M", hugetlb_pool("hugepages-2048kB"));
	json_object_set_new(huge, "1G", hugetlb_pool("hugepages-1048576kB"));
	json_object_set_new(sec, "hugetlb", huge);
	meminfo = read_all("/proc/meminfo", NULL);
	if (meminfo) {
		json_object_set_new(sec, "total_bytes", json_integer(meminfo_bytes(meminfo, "MemTotal")));
		json_object_set_new(sec, "available_bytes",
				    json_integer(meminfo_bytes(meminfo, "MemAvailable")));
		free(meminfo);
	}
	return sec;
}
