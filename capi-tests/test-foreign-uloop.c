/*
 * rwsloop as a guest on the application's uloop (OpenWrt libubox), and on
 * uloop initialised by rwsloop itself, through the uloop plugin
 * (plugins/uloop). The scenarios are in capi-tests/foreign-suite.h; this
 * file is the application side.
 *
 * uloop has one loop per process, with no loop object: fl_loop is only a
 * token (any non-NULL info.foreign_loops[0] means "the application's
 * uloop"). What is on the loop is read from outside: the descriptors
 * registered with uloop's epoll instance (/proc/self/fdinfo lists one "tfd:"
 * line per descriptor) and uloop_get_next_timeout() with the application's
 * timer cancelled (-1: no uloop_timeout is pending at all).
 *
 * Built for real only by `make check-evlib-uloop` (mk/uloop.mk defines
 * RWSLOOP_CAPI_FOREIGN_ULOOP and links libubox); elsewhere each test is a
 * stub, never run (CAPI_MANUAL).
 */
#define _GNU_SOURCE
#if defined(RWSLOOP_CAPI_FOREIGN_ULOOP)
#include <libubox/uloop.h>
#endif
#include "task.h"

#define FOREIGN_ULOOP_FLAGS .flags = CAPI_MANUAL, \
	.timeout_ms = 20000

#if defined(RWSLOOP_CAPI_FOREIGN_ULOOP)

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FL_NAME "uloop"
#define FL_OPTION LWS_SERVER_OPTION_ULOOP

static int fl_token;
static void *fl_loop;
static struct uloop_timeout fl_app_timer;
static int fl_app_ms;
/* uloop's epoll descriptor, and how many descriptors uloop watches on its
 * own (its signal pipe) */
static int fl_epfd = -1;
static int fl_base_fds = -1;

static void fs_app_tick(void);

static void fl_app_timer_cb(struct uloop_timeout *t)
{
	uloop_timeout_set(t, fl_app_ms);
	fs_app_tick();
}

static int fl_is_epoll(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return !strcmp(link, "anon_inode:[eventpoll]");
}

/* The lowest-numbered epoll descriptor above `after`, or -1. */
static int fl_next_epoll(int after)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int best = -1;

	ASSERT_NOT_NULL(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || fd <= after ||
		    fd == dirfd(d))
			continue;
		if (fl_is_epoll(fd) && (best < 0 || fd < best))
			best = fd;
	}
	closedir(d);
	return best;
}

/* How many descriptors epoll instance `epfd` watches. */
static int fl_watched(int epfd)
{
	char path[64], line[256];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", epfd);
	f = fopen(path, "r");
	ASSERT_NOT_NULL(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "tfd:", 4))
			n++;
	fclose(f);
	return n;
}

/* uloop_init makes one epoll instance: the one that was not there before. */
static void fl_loop_new(void)
{
	int before = fl_next_epoll(-1), fd;

	ASSERT_EQ(before, -1); /* each test runs in a fresh process */
	ASSERT_EQ(uloop_init(), 0);
	fd = fl_next_epoll(-1);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(fl_next_epoll(fd), -1);
	fl_epfd = fd;
	fl_loop = &fl_token;
}

static void fl_timer_start(int ms)
{
	memset(&fl_app_timer, 0, sizeof(fl_app_timer));
	fl_app_ms = ms;
	fl_app_timer.cb = fl_app_timer_cb;
	ASSERT_EQ(uloop_timeout_set(&fl_app_timer, ms), 0);
}

/* One pass: due timeouts, then one descriptor's callback (waiting for one
 * at most until the next timeout, and never longer than a second). */
static void fl_iterate(void)
{
	uloop_run_timeout(1000);
}

/* Before rwsloop: uloop watches only its own signal pipe, and no timeout
 * is pending (fl_timer_start comes after). */
static void fl_snapshot(void)
{
	fl_base_fds = fl_watched(fl_epfd);
	ASSERT_EQ(fl_base_fds, 1);
	ASSERT_EQ(uloop_get_next_timeout(), -1);
}

/* No descriptor of ours in uloop's epoll, no timeout of ours pending (with
 * the app's cancelled, none is), and the app's loop was never told to
 * end. */
static void fl_assert_clean(void)
{
	int pending = fl_app_timer.pending, next;

	ASSERT_EQ(fl_watched(fl_epfd), fl_base_fds);
	uloop_timeout_cancel(&fl_app_timer);
	next = uloop_get_next_timeout();
	if (pending)
		uloop_timeout_set(&fl_app_timer, fl_app_ms);
	ASSERT_EQ(next, -1);
	ASSERT_EQ(uloop_cancelled, 0);
}

static int fl_sigint_is_default(void)
{
	struct sigaction sa;

	ASSERT_EQ(sigaction(SIGINT, NULL, &sa), 0);
	return sa.sa_handler == SIG_DFL;
}

/* uloop_done closes uloop's epoll instance and gives SIGINT back: the loop
 * is really gone. */
static void fl_loop_free(void)
{
	uloop_timeout_cancel(&fl_app_timer);
	ASSERT_EQ(fl_watched(fl_epfd), fl_base_fds);
	ASSERT_EQ(uloop_get_next_timeout(), -1);
	ASSERT_EQ(fl_sigint_is_default(), 0); /* uloop_init's handler */
	uloop_done();
	ASSERT_EQ(fl_next_epoll(-1), -1);
	ASSERT_TRUE(fl_sigint_is_default());
	fl_epfd = -1;
	fl_loop = NULL;
}

/* the shared scenarios */
#include "foreign-suite.h"

/* No foreign loop: rwsloop initialises uloop, runs it in lws_service until
 * the context is destroyed, and closes it with the context. */
static void fl_own_loop_destroy_in_cb(void)
{
	ASSERT_TRUE(fl_sigint_is_default());
	fs_own_loop(1);
	ASSERT_EQ(fl_next_epoll(-1), -1);
	ASSERT_TRUE(fl_sigint_is_default());
}

#define FOREIGN_BODY(call) call
#else
#define FOREIGN_BODY(call)                                                  \
	SKIP("built without libubox: make check-evlib-uloop")
#endif

CAPI_TEST(foreign_uloop_echo, FOREIGN_ULOOP_FLAGS)
{
	FOREIGN_BODY(fs_echo());
}

CAPI_TEST(foreign_uloop_destroy_idle, FOREIGN_ULOOP_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(0));
}

CAPI_TEST(foreign_uloop_destroy_many, FOREIGN_ULOOP_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(50));
}

CAPI_TEST(foreign_uloop_destroy_in_rx, FOREIGN_ULOOP_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_RX));
}

CAPI_TEST(foreign_uloop_destroy_in_sul, FOREIGN_ULOOP_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_SUL));
}

CAPI_TEST(foreign_uloop_failed_create, FOREIGN_ULOOP_FLAGS)
{
	FOREIGN_BODY(fs_failed_create());
}

CAPI_TEST(foreign_uloop_own_loop_destroy_in_cb, FOREIGN_ULOOP_FLAGS)
{
	FOREIGN_BODY(fl_own_loop_destroy_in_cb());
}
