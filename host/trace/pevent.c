// SPDX-License-Identifier: GPL-2.0
#include "trace/pevent.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <perfmon/pfmlib_perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct named {
	const char *name;
	__u64 config;
};

static const struct named hw_names[] = {
	{ "cycles", PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles", PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions", PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled-cycles-frontend", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref-cycles", PERF_COUNT_HW_REF_CPU_CYCLES },
};

static const struct named sw_names[] = {
	{ "cpu-clock", PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults", PERF_COUNT_SW_PAGE_FAULTS },
	{ "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs", PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations", PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "minor-faults", PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment-faults", PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation-faults", PERF_COUNT_SW_EMULATION_FAULTS },
};

static const struct named cache_names[] = {
	{ "L1-dcache", PERF_COUNT_HW_CACHE_L1D },
	{ "L1-icache", PERF_COUNT_HW_CACHE_L1I },
	{ "LLC", PERF_COUNT_HW_CACHE_LL },
	{ "dTLB", PERF_COUNT_HW_CACHE_DTLB },
	{ "iTLB", PERF_COUNT_HW_CACHE_ITLB },
	{ "branch", PERF_COUNT_HW_CACHE_BPU },
	{ "node", PERF_COUNT_HW_CACHE_NODE },
};

/* "<op>s" counts accesses, "<op>-misses" misses. */
static const struct named cache_ops[] = {
	{ "load", PERF_COUNT_HW_CACHE_OP_READ },
	{ "store", PERF_COUNT_HW_CACHE_OP_WRITE },
	{ "prefetch", PERF_COUNT_HW_CACHE_OP_PREFETCH },
};

static const struct named *lookup(const struct named *t, size_t n, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(t[i].name) == len && !strncmp(t[i].name, name, len))
			return &t[i];
	return NULL;
}

/* "dTLB-load-misses", "L1-dcache-loads", "LLC-prefetches" ... */
static bool parse_cache(const char *name, size_t len, __u64 *config)
{
	const struct named *c = NULL, *op;
	const char *rest;
	size_t i, n, oplen;
	bool miss;

	for (i = 0; i < ARRAY_SIZE(cache_names) && !c; i++) {
		n = strlen(cache_names[i].name);
		if (len > n + 1 && !strncmp(name, cache_names[i].name, n) && name[n] == '-')
			c = &cache_names[i];
	}
	if (!c)
		return false;
	rest = name + strlen(c->name) + 1;
	len -= rest - name;
	miss = len > 7 && !strncmp(rest + len - 7, "-misses", 7);
	oplen = miss ? len - 7 : len;
	if (!miss) {
		/* plural: loads, stores, prefetches */
		if (oplen > 2 && !strncmp(rest + oplen - 2, "es", 2) &&
		    lookup(cache_ops, ARRAY_SIZE(cache_ops), rest, oplen - 2))
			oplen -= 2;
		else if (oplen > 1 && rest[oplen - 1] == 's')
			oplen -= 1;
		else
			return false;
	}
	op = lookup(cache_ops, ARRAY_SIZE(cache_ops), rest, oplen);
	if (!op)
		return false;
	*config = c->config | (op->config << 8) |
		  ((__u64)(miss ? PERF_COUNT_HW_CACHE_RESULT_MISS : PERF_COUNT_HW_CACHE_RESULT_ACCESS) << 16);
	return true;
}

static bool parse_modifiers(struct pevent *ev, const char *mod, char *err, size_t size)
{
	bool user = false, kernel = false, hv = false;

	for (; *mod; mod++) {
		switch (*mod) {
		case 'u': user = true; break;
		case 'k': kernel = true; break;
		case 'h': hv = true; break;
		case 'G': ev->exclude_host = true; break;
		case 'H': ev->exclude_guest = true; break;
		default:
			return fail_msg(err, size, "unknown modifier '%c' in event '%s' (u, k, h, G or H)",
					*mod, ev->name);
		}
	}
	if (ev->exclude_host && ev->exclude_guest)
		return fail_msg(err, size, "event '%s' excludes both guest and host", ev->name);
	/* As perf: naming some privilege levels excludes the others. */
	if (user || kernel || hv) {
		ev->exclude_user = !user;
		ev->exclude_kernel = !kernel;
		ev->exclude_hv = !hv;
	}
	return true;
}

static bool valid_tp_part(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;
static int pfm_init_err;

/* Once, and only when a name needs it: it probes the host's PMUs. */
static void pfm_init(void)
{
	pfm_init_err = pfm_initialize();
}

/*
 * @name through libpfm4 into @ev: 1 done, 0 not known to libpfm4 on this
 * host (no such event, or of a PMU this host lacks: libpfm4 only lists the
 * PMUs it detects), -1 known but refused (the reason in @err).
 */
static int parse_pfm(const char *name, struct pevent *ev, char *err, size_t size)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	char *fstr = NULL;
	int r;

	pthread_once(&pfm_once, pfm_init);
	if (pfm_init_err != PFM_SUCCESS)
		return 0;
	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.fstr = &fstr;
	arg.size = sizeof(arg);
	/* perf's default privilege levels: user and kernel. */
	r = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	/* INVAL: not even libpfm4's syntax ("kvm:kvm exit"); perf's reason is better. */
	if (r == PFM_ERR_NOTFOUND || r == PFM_ERR_INVAL) {
		free(fstr);
		return 0;
	}
	if (r != PFM_SUCCESS) {
		free(fstr);
		fail_msg(err, size, "libpfm4 event '%s': %s", name, pfm_strerror(r));
		return -1;
	}
	switch (attr.type) {
	case PERF_TYPE_SOFTWARE:
		ev->kind = PEV_SOFTWARE;
		break;
	case PERF_TYPE_HARDWARE:
	case PERF_TYPE_HW_CACHE:
		ev->kind = PEV_HARDWARE;
		break;
	case PERF_TYPE_TRACEPOINT:
		free(fstr);
		fail_msg(err, size, "libpfm4 tracepoint '%s': name it system:event", name);
		return -1;
	default:		/* PERF_TYPE_RAW, or a PMU's type from sysfs */
		ev->kind = PEV_RAW;
		break;
	}
	ev->source = PEV_SRC_LIBPFM4;
	ev->type = attr.type;
	ev->config = attr.config;
	ev->config1 = attr.config1;
	ev->config2 = attr.config2;
	ev->exclude_user = attr.exclude_user;
	ev->exclude_kernel = attr.exclude_kernel;
	ev->exclude_hv = attr.exclude_hv;
	ev->exclude_guest = attr.exclude_guest;
	ev->exclude_host = attr.exclude_host;
	ev->exclusive = attr.exclusive;
	/* Sampling fields (period, precise) mean nothing when counting. */
	snprintf(ev->pfm_fstr, sizeof(ev->pfm_fstr), "%s", fstr ? fstr : "");
	free(fstr);
	return 1;
}

/*
 * perf's syntax did not take @name (@why says how); libpfm4 may.  Else
 * one line: perf's reason, and that libpfm4 does not know it either.
 */
static bool parse_fallback(const char *name, struct pevent *ev, char *err, size_t size,
			   const char *why)
{
	char pfm_why[80] = "";
	int r = parse_pfm(name, ev, err, size);

	if (r > 0)
		return true;
	if (r < 0)
		return false;
	if (pfm_init_err != PFM_SUCCESS)
		snprintf(pfm_why, sizeof(pfm_why), " (libpfm4: %s)", pfm_strerror(pfm_init_err));
	/* "pmu::event" is libpfm4's syntax only: perf's reason would mislead. */
	if (strstr(name, "::"))
		return fail_msg(err, size, "unknown event '%s': not known to libpfm4 on this host%s",
				name, pfm_why);
	return fail_msg(err, size, "%s; not known to libpfm4 on this host%s", why, pfm_why);
}

bool pevent_parse(const char *name, struct pevent *ev, char *err, size_t size)
{
	const char *colon = strchr(name, ':');
	size_t len = colon ? (size_t)(colon - name) : strlen(name);
	const struct named *n;
	char *end, why[200];

	memset(ev, 0, sizeof(*ev));
	if (!*name)
		return fail_msg(err, size, "empty event name");
	if (strlen(name) >= sizeof(ev->name))
		return fail_msg(err, size, "event name too long: '%.40s...'", name);
	snprintf(ev->name, sizeof(ev->name), "%s", name);

	if ((n = lookup(sw_names, ARRAY_SIZE(sw_names), name, len))) {
		ev->kind = PEV_SOFTWARE;
		ev->type = PERF_TYPE_SOFTWARE;
		ev->config = n->config;
	} else if ((n = lookup(hw_names, ARRAY_SIZE(hw_names), name, len))) {
		ev->kind = PEV_HARDWARE;
		ev->type = PERF_TYPE_HARDWARE;
		ev->config = n->config;
	} else if (parse_cache(name, len, &ev->config)) {
		ev->kind = PEV_HARDWARE;
		ev->type = PERF_TYPE_HW_CACHE;
	} else if (name[0] == 'r' && len > 1 && isxdigit((unsigned char)name[1])) {
		errno = 0;
		ev->config = strtoull(name + 1, &end, 16);
		if (errno || end != name + len) {
			snprintf(why, sizeof(why), "bad raw event '%s' (rNNNN, hexadecimal)", name);
			return parse_fallback(name, ev, err, size, why);
		}
		ev->kind = PEV_RAW;
		ev->type = PERF_TYPE_RAW;
	} else if (colon) {
		if (strchr(colon + 1, ':') || !valid_tp_part(name, len) ||
		    !valid_tp_part(colon + 1, strlen(colon + 1)) ||
		    len >= sizeof(ev->tp_system) || strlen(colon + 1) >= sizeof(ev->tp_event)) {
			snprintf(why, sizeof(why), "bad tracepoint '%s' (system:event)", name);
			return parse_fallback(name, ev, err, size, why);
		}
		ev->kind = PEV_TRACEPOINT;
		ev->type = PERF_TYPE_TRACEPOINT;
		memcpy(ev->tp_system, name, len);
		snprintf(ev->tp_event, sizeof(ev->tp_event), "%s", colon + 1);
		return true;
	} else {
		snprintf(why, sizeof(why), "unknown event '%s' (perf list names, system:tracepoint or rNNNN)",
			 name);
		return parse_fallback(name, ev, err, size, why);
	}
	if (colon && ev->kind == PEV_SOFTWARE && colon[1])
		return fail_msg(err, size, "software event '%s' takes no modifiers", name);
	return !colon || parse_modifiers(ev, colon + 1, err, size);
}

int pevent_parse_list(const char *list, struct pevent *evs, int max, char *err, size_t size)
{
	char *copy = strdup(list), *tok, *save = NULL;
	int n = 0;

	if (!copy) {
		fail_msg(err, size, "out of memory");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max) {
			fail_msg(err, size, "too many events (at most %d)", max);
			n = -1;
			break;
		}
		if (!pevent_parse(tok, &evs[n], err, size)) {
			n = -1;
			break;
		}
		n++;
	}
	if (n == 0) {
		fail_msg(err, size, "empty event list");
		n = -1;
	}
	free(copy);
	return n;
}

int pevent_tp_resolve(struct pevent *ev, const char *tracefs)
{
	char path[512], id[32];
	uint64_t v;
	int r;

	if (!tracefs || !*tracefs)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", tracefs, ev->tp_system, ev->tp_event);
	r = read_text(path, id, sizeof(id));
	if (r < 0)
		return r;
	if (!parse_uint(id, UINT64_MAX, &v))
		return -EINVAL;
	ev->config = v;
	return 0;
}

const char *pevent_source_name(enum pevent_source src)
{
	return src == PEV_SRC_LIBPFM4 ? "libpfm4" : "perf";
}

void pevent_attr(const struct pevent *ev, struct perf_event_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = ev->type;
	attr->config = ev->config;
	attr->config1 = ev->config1;
	attr->config2 = ev->config2;
	attr->exclusive = ev->exclusive;
	attr->disabled = 1;
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	attr->exclude_user = ev->exclude_user;
	attr->exclude_kernel = ev->exclude_kernel;
	attr->exclude_hv = ev->exclude_hv;
	attr->exclude_guest = ev->exclude_guest;
	attr->exclude_host = ev->exclude_host;
}
