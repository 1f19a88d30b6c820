// SPDX-License-Identifier: GPL-2.0
/*
 * KVM binary stats (KVM_GET_STATS_FD): the descriptor table is read once at
 * open; a snapshot is then a single pread of the whole data block, cheap
 * enough to take right before and after a timed phase.
 */
#include "kvm/vm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int kvm_stats_open(struct kvm_stats *s, int owner_fd, const char *what)
{
	struct kvm_stats_header hdr;
	size_t desc_size, i, end;
	uint8_t *raw = NULL;
	ssize_t n;
	int r;

	memset(s, 0, sizeof(*s));
	s->fd = ioctl(owner_fd, KVM_GET_STATS_FD, NULL);
	if (s->fd < 0)
		return kvm_fail_errno("KVM_GET_STATS_FD (%s)", what);
	n = pread(s->fd, &hdr, sizeof(hdr), 0);
	if (n != sizeof(hdr)) {
		r = kvm_fail(n < 0 ? errno : EIO, "read %s stats header", what);
		goto fail;
	}
	desc_size = sizeof(struct kvm_stats_desc) + hdr.name_size;
	raw = malloc(desc_size * hdr.num_desc);
	s->desc = calloc(hdr.num_desc ? hdr.num_desc : 1, sizeof(*s->desc));
	if (!raw || !s->desc) {
		r = kvm_fail(ENOMEM, "%s stats descriptors", what);
		goto fail;
	}
	n = pread(s->fd, raw, desc_size * hdr.num_desc, hdr.desc_offset);
	if (n < 0 || (size_t)n != desc_size * hdr.num_desc) {
		r = kvm_fail(n < 0 ? errno : EIO, "read %s stats descriptors", what);
		goto fail;
	}
	for (i = 0; i < hdr.num_desc; i++) {
		const struct kvm_stats_desc *d = (const void *)(raw + i * desc_size);
		struct kvm_stat_desc *o = &s->desc[i];
		size_t len = strnlen(d->name, hdr.name_size);

		if (len >= sizeof(o->name))
			len = sizeof(o->name) - 1;
		memcpy(o->name, d->name, len);
		o->name[len] = '\0';
		o->flags = d->flags;
		o->index = d->offset / sizeof(uint64_t);
		o->size = d->size;
		end = o->index + o->size;
		if (end > s->nr_vals)
			s->nr_vals = end;
	}
	s->nr_desc = hdr.num_desc;
	s->data_offset = hdr.data_offset;
	free(raw);
	return 0;
fail:
	free(raw);
	kvm_stats_close(s);
	return r;
}

void kvm_stats_close(struct kvm_stats *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->desc);
	s->desc = NULL;
	s->fd = -1;
	s->nr_desc = 0;
}

int kvm_stats_find(const struct kvm_stats *s, const char *name)
{
	uint32_t i;

	for (i = 0; i < s->nr_desc; i++)
		if (!strcmp(s->desc[i].name, name))
			return i;
	return -1;
}

int kvm_stats_snapshot(const struct kvm_stats *s, uint64_t *vals)
{
	size_t len = s->nr_vals * sizeof(uint64_t);
	ssize_t n = pread(s->fd, vals, len, s->data_offset);

	if (n < 0 || (size_t)n != len)
		return kvm_fail(n < 0 ? errno : EIO, "read stats data (%zd of %zu bytes)", n, len);
	return 0;
}
