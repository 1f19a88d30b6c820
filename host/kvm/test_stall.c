// SPDX-License-Identifier: GPL-2.0
#include "kvm/test_stall.h"
#include "kvm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct test_stall {
	int uffd, stop_fd;
	uint8_t *base;
	uint64_t size, every, us;
	pthread_t thread;
	void *zero;
};

const char *test_stall_spec(void)
{
	const char *s = getenv("SEPTBENCH_TEST_STALL");

	return s && *s ? s : NULL;
}

static void stall(uint64_t us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void *handler(void *arg)
{
	struct test_stall *ts = arg;
	struct pollfd pfd[2] = { { .fd = ts->uffd, .events = POLLIN },
				 { .fd = ts->stop_fd, .events = POLLIN } };
	struct uffd_msg msg;

	for (;;) {
		uint64_t page;
		struct uffdio_copy copy;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN) || read(ts->uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		page = (msg.arg.pagefault.address - (uintptr_t)ts->base) / 4096;
		if (!(page % ts->every))
			stall(ts->us);
		copy = (struct uffdio_copy){
			.dst = (uintptr_t)ts->base + page * 4096,
			.src = (uintptr_t)ts->zero,
			.len = 4096,
		};
		/* -EEXIST: another thread's fault filled it first. */
		ioctl(ts->uffd, UFFDIO_COPY, &copy);
	}
	return NULL;
}

int test_stall_arm(void *hva, uint64_t size, struct test_stall **out)
{
	const char *spec = test_stall_spec();
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct test_stall *ts;
	unsigned long long every, us;
	int r;

	*out = NULL;
	if (!spec)
		return 0;
	if (sscanf(spec, "%llu:%llu", &every, &us) != 2 || !every || us > 10000000)
		return kvm_fail(EINVAL, "SEPTBENCH_TEST_STALL=%s: want EVERY:MICROSECONDS", spec);
	ts = calloc(1, sizeof(*ts));
	if (!ts)
		return kvm_fail(ENOMEM, "test stall");
	ts->base = hva;
	ts->size = size;
	ts->every = every;
	ts->us = us;
	ts->stop_fd = eventfd(0, EFD_CLOEXEC);
	ts->uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	ts->zero = aligned_alloc(4096, 4096);
	if (ts->uffd < 0 || ts->stop_fd < 0 || !ts->zero) {
		r = kvm_fail_errno("userfaultfd for SEPTBENCH_TEST_STALL");
		goto fail;
	}
	memset(ts->zero, 0, 4096);
	reg = (struct uffdio_register){
		.range = { .start = (uintptr_t)hva, .len = size },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	if (ioctl(ts->uffd, UFFDIO_API, &api) || ioctl(ts->uffd, UFFDIO_REGISTER, &reg)) {
		r = kvm_fail_errno("registering test memory with userfaultfd");
		goto fail;
	}
	r = pthread_create(&ts->thread, NULL, handler, ts);
	if (r) {
		r = kvm_fail(r, "test stall thread");
		goto fail;
	}
	*out = ts;
	return 0;
fail:
	if (ts->uffd >= 0)
		close(ts->uffd);
	if (ts->stop_fd >= 0)
		close(ts->stop_fd);
	free(ts->zero);
	free(ts);
	return r;
}

void test_stall_disarm(struct test_stall *ts)
{
	uint64_t one = 1;

	if (!ts)
		return;
	if (write(ts->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(ts->thread, NULL);
	close(ts->uffd);
	close(ts->stop_fd);
	free(ts->zero);
	free(ts);
}
