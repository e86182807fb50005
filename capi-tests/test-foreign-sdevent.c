/*
 * rwsloop as a guest on the application's sd_event loop (and on an
 * sd_event loop of its own), through the sd-event plugin
 * (plugins/sdevent). The scenarios are in capi-tests/foreign-suite.h;
 * this file is the application side.
 *
 * Built for real only by `make check-evlib-ev-glib-sd` (mk/evlib2.mk
 * defines RWSLOOP_CAPI_FOREIGN and links libsystemd); elsewhere each test
 * is a stub, never run (CAPI_MANUAL).
 */
#define _GNU_SOURCE
#if defined(RWSLOOP_CAPI_FOREIGN)
#include <fcntl.h>
#include <systemd/sd-event.h>
#endif
#include "task.h"

#define FOREIGN_FLAGS .flags = CAPI_MANUAL, \
	.timeout_ms = 20000

#if defined(RWSLOOP_CAPI_FOREIGN)

#define FL_NAME "sd-event"
#define FL_OPTION LWS_SERVER_OPTION_SDEVENT

static sd_event *fl_ev;
static sd_event_source *fl_app_timer;
static void *fl_loop;
static int fl_interval_ms;

static void fs_app_tick(void);

static int fl_app_timer_cb(sd_event_source *s, uint64_t usec, void *data)
{
	(void)data;
	(void)usec;
	fs_app_tick();
	ASSERT_EQ(sd_event_source_set_time_relative(
			  s, (uint64_t)fl_interval_ms * 1000), 0);
	ASSERT_EQ(sd_event_source_set_enabled(s, SD_EVENT_ONESHOT), 0);
	return 0;
}

static void fl_loop_new(void)
{
	ASSERT_EQ(sd_event_new(&fl_ev), 0);
	fl_loop = fl_ev;
}

static void fl_timer_start(int ms)
{
	fl_interval_ms = ms;
	ASSERT_EQ(sd_event_add_time_relative(fl_ev, &fl_app_timer,
					     CLOCK_MONOTONIC,
					     (uint64_t)ms * 1000, 1,
					     fl_app_timer_cb, NULL), 0);
}

static void fl_iterate(void)
{
	ASSERT_GE(sd_event_run(fl_ev, 1000 * 1000), 0);
}

static void fl_snapshot(void)
{
	ASSERT_EQ(sd_event_get_state(fl_ev), SD_EVENT_INITIAL);
}

/* sd-event has no public list of sources. Between iterations the loop is
 * back in its initial state with nothing pending (a post source of ours
 * would be pending after any dispatch); the decisive check is at
 * fl_loop_free: the loop must really go away. */
static void fl_assert_clean(void)
{
	ASSERT_EQ(sd_event_get_state(fl_ev), SD_EVENT_INITIAL);
	/* dispatch the app's timer, then nothing else may be pending */
	fl_iterate();
	ASSERT_EQ(sd_event_get_state(fl_ev), SD_EVENT_INITIAL);
	ASSERT_EQ(sd_event_prepare(fl_ev), 0);
	ASSERT_EQ(sd_event_get_state(fl_ev), SD_EVENT_ARMED);
	ASSERT_EQ(sd_event_wait(fl_ev, 0), 0);
	ASSERT_EQ(sd_event_get_state(fl_ev), SD_EVENT_INITIAL);
}

/* Every source holds a reference to its loop: if one of rwsloop's were
 * left, dropping the application's last reference would not free the loop
 * and its epoll descriptor would stay open. */
static void fl_loop_free(void)
{
	int fd = sd_event_get_fd(fl_ev);

	ASSERT_GE(fd, 0);
	fl_app_timer = sd_event_source_disable_unref(fl_app_timer);
	fl_ev = sd_event_unref(fl_ev);
	ASSERT_EQ(fcntl(fd, F_GETFD), -1);
	ASSERT_EQ(errno, EBADF);
	fl_loop = NULL;
}

/* the shared scenarios */
#include "foreign-suite.h"

#define FOREIGN_BODY(call) call
#else
#define FOREIGN_BODY(call)                                                  \
	SKIP("built without the foreign-loop libraries: "                  \
	     "make check-evlib-ev-glib-sd")
#endif

CAPI_TEST(foreign_sdevent_echo, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_echo());
}

CAPI_TEST(foreign_sdevent_destroy_idle, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(0));
}

CAPI_TEST(foreign_sdevent_destroy_many, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(50));
}

CAPI_TEST(foreign_sdevent_destroy_in_rx, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_RX));
}

CAPI_TEST(foreign_sdevent_destroy_in_sul, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_SUL));
}

CAPI_TEST(foreign_sdevent_failed_create, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_failed_create());
}

CAPI_TEST(foreign_sdevent_own_loop, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_own_loop(0));
}

CAPI_TEST(foreign_sdevent_own_loop_destroy_in_cb, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_own_loop(1));
}
