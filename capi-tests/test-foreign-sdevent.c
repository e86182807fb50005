/*
 * The foreign-loop suite (capi-tests/foreign-suite.h) on sd-event, through
 * plugins/sdevent: the application owns an sd_event loop with a one-shot
 * timer source of its own that re-arms itself.
 *
 * What "nothing of rwsloop is left" means here: sd-event has no public
 * list of sources. Between turns the loop is back in its initial state
 * with nothing pending (a post source of ours would be pending after any
 * dispatch); the decisive check is at the end: every source holds a
 * reference to its loop, so if one of rwsloop's were left, dropping the
 * application's last reference would not free the loop and its epoll
 * descriptor would stay open.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <systemd/sd-event.h>
#include "task.h"

#define FL_OPTION LWS_SERVER_OPTION_SDEVENT
#define FL_SERVICE_RETURNS 1

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

#include "foreign-suite.h"
#include "foreign-suite-service.h"

FOREIGN_SUITE_TESTS(sdevent)
