// SPDX-License-Identifier: GPL-2.0
/*
 * Which kernel build this is: release, /proc/version, the GNU build ids
 * of vmlinux and of the kvm modules, a hash of the config, and the
 * scripts/kbuild record of the build when septbench built it.  Two
 * builds of one release differ here, so compare can tell them apart.
 * Whatever cannot be read is null with a "<key>_reason" (or "reason").
 */
#include "env/env.h"
#include "lib/digest.h"
#include "lib/elfnote.h"
#include "lib/util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define KERNEL_NOTES "/sys/kernel/notes"
#define KBUILD_SYSTEM_DIR "/var/lib/septbench"

typedef char build_id_t[2 * ELFNOTE_BUILD_ID_MAX + 1];

/* The GNU build id of a note file; false with @why filled if none. */
static bool read_build_id(const char *path, build_id_t id, char *why, size_t size)
{
	size_t len;
	char *blob = read_all(path, &len);
	int r;

	if (!blob)
		return fail_msg(why, size, "cannot read %s: %s", path, strerror(errno));
	r = elfnote_build_id_hex(blob, len, id, sizeof(build_id_t));
	free(blob);
	if (r < 0)
		return fail_msg(why, size, "%s is not a well-formed ELF note section", path);
	if (!r)
		return fail_msg(why, size, "%s holds no GNU build id", path);
	return true;
}

static void set_or_null(json_t *obj, const char *key, bool ok, const char *val,
			const char *reason_key, const char *why)
{
	json_object_set_new(obj, key, ok ? json_string(val) : json_null());
	if (!ok)
		json_object_set_new(obj, reason_key, json_string(why));
}

/* Whether modules.builtin of @release lists module @m (kvm_amd: kvm-amd.ko). */
static bool listed_builtin(const char *release, const char *m)
{
	char path[320], file[64], *text, *line, *next;
	bool found = false;
	size_t i, n;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", release);
	text = read_all(path, NULL);
	if (!text)
		return false;
	snprintf(file, sizeof(file), "/%s.ko", m);
	n = strlen(file);
	for (line = text; line && *line && !found; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		i = strlen(line);
		if (i < n)
			continue;
		line += i - n;
		/* File names spell '_' as '-' at will. */
		for (i = 0; i < n && (line[i] == file[i] ||
				      (strchr("-_", line[i]) && strchr("-_", file[i]))); i++)
			;
		found = i == n;
	}
	free(text);
	return found;
}

/*
 * {"builtin": bool, "build_id": hex|null[, "reason"]}.  Built-in modules
 * have a /sys/module/<m> (for their parameters) but no initstate, and
 * share the kernel's build id.
 */
static json_t *module_identity(const char *m, const char *release, const char *kernel_id,
			       const char *kernel_why)
{
	char path[256], why[384];
	json_t *obj = json_object();
	bool builtin, ok;
	build_id_t id;

	snprintf(path, sizeof(path), "/sys/module/%s", m);
	if (access(path, F_OK)) {
		builtin = listed_builtin(release, m);
		json_object_set_new(obj, "builtin", json_boolean(builtin));
		if (builtin)
			set_or_null(obj, "build_id", kernel_id != NULL, kernel_id, "reason", kernel_why);
		else
			set_or_null(obj, "build_id", false, NULL, "reason", "not loaded");
		return obj;
	}
	snprintf(path, sizeof(path), "/sys/module/%s/initstate", m);
	builtin = access(path, F_OK) != 0;
	json_object_set_new(obj, "builtin", json_boolean(builtin));
	if (builtin) {
		set_or_null(obj, "build_id", kernel_id != NULL, kernel_id, "reason", kernel_why);
		return obj;
	}
	snprintf(path, sizeof(path), "/sys/module/%s/notes/.note.gnu.build-id", m);
	ok = read_build_id(path, id, why, sizeof(why));
	set_or_null(obj, "build_id", ok, id, "reason", why);
	return obj;
}

static json_t *modules_identity(const char *release, const char *kernel_id, const char *kernel_why)
{
	static const char *const vendors[] = { "kvm_amd", "kvm_intel" };
	json_t *mods = json_object();
	char path[64];
	size_t i;

	json_object_set_new(mods, "kvm", module_identity("kvm", release, kernel_id, kernel_why));
	for (i = 0; i < ARRAY_SIZE(vendors); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", vendors[i]);
		if (!access(path, F_OK) || listed_builtin(release, vendors[i])) {
			json_object_set_new(mods, vendors[i],
					    module_identity(vendors[i], release, kernel_id, kernel_why));
			break;
		}
	}
	return mods;
}

/*
 * {"source": path, "sha256": hex of the decompressed text} or NULL with
 * @why: /proc/config.gz (CONFIG_IKCONFIG_PROC), else the distribution's
 * copy in /boot (Debian up to 6.x) or /lib/modules/<release> (Fedora,
 * Debian 7.x).
 */
static json_t *config_identity(const char *release, char *why, size_t size)
{
	char paths[3][128], hex[SHA256_HEX_SIZE];
	size_t i;
	int r;

	snprintf(paths[0], sizeof(paths[0]), "/proc/config.gz");
	snprintf(paths[1], sizeof(paths[1]), "/boot/config-%s", release);
	snprintf(paths[2], sizeof(paths[2]), "/lib/modules/%s/config", release);
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		if (access(paths[i], F_OK))
			continue;
		r = sha256_file_hex(paths[i], hex);
		if (r) {
			snprintf(why, size, "cannot read %s: %s", paths[i], strerror(-r));
			return NULL;
		}
		return json_pack("{s:s, s:s}", "source", paths[i], "sha256", hex);
	}
	snprintf(why, size, "no %s (kernel without CONFIG_IKCONFIG_PROC), %s or %s",
		 paths[0], paths[1], paths[2]);
	return NULL;
}

static void warn(json_t *list, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(json_t *list, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(list, json_string(msg));
}

/* $SEPTBENCH_CACHE, else ${XDG_CACHE_HOME:-$HOME/.cache}/septbench, as the scripts. */
static bool cache_dir(char *buf, size_t size)
{
	const char *v = getenv("SEPTBENCH_CACHE");
	int n;

	if (v && *v)
		n = snprintf(buf, size, "%s", v);
	else if ((v = getenv("XDG_CACHE_HOME")) && *v)
		n = snprintf(buf, size, "%s/septbench", v);
	else if ((v = getenv("HOME")) && *v)
		n = snprintf(buf, size, "%s/.cache/septbench", v);
	else
		return false;
	return n > 0 && (size_t)n < size;
}

/* <dir>/kbuild/by-build-id/<id>.json if there is one and it is an object. */
static json_t *kbuild_try(const char *dir, const char *id, char *source, size_t size,
			  json_t *warnings)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *rec;
	int n;

	n = snprintf(path, sizeof(path), "%s/kbuild/by-build-id/%s.json", dir, id);
	if (n < 0 || (size_t)n >= sizeof(path) || access(path, F_OK))
		return NULL;
	rec = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!rec) {
		warn(warnings, "ignoring kbuild record %s: %s (line %d)", path, jerr.text, jerr.line);
		return NULL;
	}
	if (!json_is_object(rec)) {
		warn(warnings, "ignoring kbuild record %s: not a JSON object", path);
		json_decref(rec);
		return NULL;
	}
	snprintf(source, size, "%s", path);
	return rec;
}

/*
 * scripts/kbuild's record of this build, from the user's cache, else
 * from the installed kernels' folder, into "kbuild" (and where it came
 * from into "kbuild_source").  Bad records are skipped with a warning:
 * they never fail env or a run.
 */
static void add_kbuild(json_t *sec, const char *id)
{
	char dir[PATH_MAX], source[PATH_MAX];
	json_t *rec = NULL, *warnings = json_array();

	if (id && cache_dir(dir, sizeof(dir)))
		rec = kbuild_try(dir, id, source, sizeof(source), warnings);
	if (id && !rec)
		rec = kbuild_try(KBUILD_SYSTEM_DIR, id, source, sizeof(source), warnings);
	json_object_set_new(sec, "kbuild", rec ? rec : json_null());
	if (rec)
		json_object_set_new(sec, "kbuild_source", json_string(source));
	else
		json_object_set_new(sec, "kbuild_reason", json_string(id ?
			"no scripts/kbuild record for this build id: septbench did not build this kernel" :
			"the kernel's build id is unknown"));
	if (json_array_size(warnings))
		json_object_set_new(sec, "warnings", warnings);
	else
		json_decref(warnings);
}

json_t *probe_kernel(const json_t *hooks)
{
	const char *variant = json_string_value(json_object_get(hooks, "variant"));
	char version[4096] = "", why[1024];
	json_t *sec = json_object(), *config;
	struct utsname u;
	build_id_t id;
	bool have_id;
	int r;

	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "unknown");
	json_object_set_new(sec, "release", json_string(u.release));
	r = read_text("/proc/version", version, sizeof(version));
	snprintf(why, sizeof(why), "cannot read /proc/version: %s", strerror(-r));
	set_or_null(sec, "version", r >= 0, str_trim(version), "version_reason", why);

	have_id = read_build_id(KERNEL_NOTES, id, why, sizeof(why));
	set_or_null(sec, "build_id", have_id, id, "build_id_reason", why);
	json_object_set_new(sec, "modules", modules_identity(u.release, have_id ? id : NULL, why));
	config = config_identity(u.release, why, sizeof(why));
	json_object_set_new(sec, "config", config ? config : json_null());
	if (!config)
		json_object_set_new(sec, "config_reason", json_string(why));
	add_kbuild(sec, have_id ? id : NULL);
	json_object_set_new(sec, "hook_variant", json_string(variant ? variant : "unknown"));
	return sec;
}
