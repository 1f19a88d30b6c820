// SPDX-License-Identifier: GPL-2.0
#include "lib/ksyms.h"

#include <stdio.h>
#include <string.h>

/* GCC's clone suffixes: a clone is the function's body under another name. */
static bool is_clone_of(const char *sym, size_t len, const char *name)
{
	size_t n = strlen(name);
	static const char *const sfx[] = { ".isra.", ".constprop.", ".part.", ".lto_priv." };
	unsigned int i;

	if (len <= n || strncmp(sym, name, n) || sym[n] != '.')
		return false;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (!strncmp(sym + n, sfx[i], strlen(sfx[i])))
			return true;
	return false;
}

/*
 * Walk kallsyms lines "addr type name[\t[module]]"; text symbols only.
 * Counts exact matches and remembers the first clone.
 */
static void scan_kallsyms(const char *text, const char *name, struct ksym_res *res,
			  unsigned int *exact, char *clone, size_t clone_size, char *mods, size_t mods_size)
{
	const char *line = text, *eol, *p, *sym, *mod;
	size_t symlen, modlen;
	char type;

	*exact = 0;
	clone[0] = mods[0] = '\0';
	for (; line && *line; line = eol ? eol + 1 : NULL) {
		eol = strchr(line, '\n');
		p = strchr(line, ' ');
		if (!p || (eol && p > eol) || !p[1] || p[2] != ' ')
			continue;
		type = p[1];
		if (type != 't' && type != 'T')
			continue;
		sym = p + 3;
		symlen = strcspn(sym, " \t\n");
		mod = sym + symlen;
		modlen = 0;
		if (*mod == '\t' && mod[1] == '[') {
			mod += 2;
			modlen = strcspn(mod, "]\n");
		}
		if (symlen == strlen(name) && !strncmp(sym, name, symlen)) {
			(*exact)++;
			if (*exact == 1)
				snprintf(res->module, sizeof(res->module), "%.*s", (int)modlen, mod);
			if (strlen(mods) + modlen + 12 < mods_size)
				snprintf(mods + strlen(mods), mods_size - strlen(mods), "%s%.*s",
					 *mods ? ", " : "", modlen ? (int)modlen : 7,
					 modlen ? mod : "vmlinux");
		} else if (!clone[0] && is_clone_of(sym, symlen, name)) {
			snprintf(clone, clone_size, "%.*s", (int)symlen, sym);
		}
	}
}

/* available_filter_functions: "name" or "name [module]" per line. */
static bool in_aff(const char *aff, const char *sym)
{
	size_t n = strlen(sym);
	const char *p = aff;

	while (p && (p = strstr(p, sym))) {
		if ((p == aff || p[-1] == '\n') && (p[n] == '\n' || p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

void ksym_resolve(const char *kallsyms, const char *aff, const char *name, struct ksym_res *res)
{
	char clone[128], mods[160];
	unsigned int exact;

	memset(res, 0, sizeof(*res));
	scan_kallsyms(kallsyms ? kallsyms : "", name, res, &exact, clone, sizeof(clone), mods,
		      sizeof(mods));
	if (exact == 1) {
		res->ok = true;
		snprintf(res->symbol, sizeof(res->symbol), "%s", name);
	} else if (exact > 1) {
		/* A kprobe on a name that is not unique is refused. */
		snprintf(res->reason, sizeof(res->reason),
			 "%u functions named %s in /proc/kallsyms (%s): ambiguous for a kprobe",
			 exact, name, mods);
		res->module[0] = '\0';
		return;
	} else if (clone[0]) {
		res->ok = true;
		snprintf(res->symbol, sizeof(res->symbol), "%s", clone);
		snprintf(res->reason, sizeof(res->reason), "probed as its compiler clone %s", clone);
	} else {
		snprintf(res->reason, sizeof(res->reason),
			 "not in /proc/kallsyms (not built in, its module not loaded, or inlined)");
		return;
	}
	res->traceable = aff && in_aff(aff, res->symbol);
}
