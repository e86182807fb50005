/*
 * The foreign-loop suite (capi-tests/foreign-suite.h) on glib, through
 * plugins/glib: the application owns a GMainContext and a GMainLoop on it
 * (the GMainLoop goes in info.foreign_loops) with a timeout source of its
 * own. Any glib critical or warning is fatal here (as with
 * G_DEBUG=fatal-criticals, which the make target sets too).
 *
 * What "nothing of rwsloop is left" means here: glib numbers a context's
 * sources in attach order, so every source attached since the snapshot,
 * other than the application's timer, is rwsloop's, and none of them may
 * still be found on the context. At the end LeakSanitizer and valgrind see
 * a reference rwsloop kept on the loop or context as a leak of them.
 */
#define _GNU_SOURCE
#include <glib.h>
#include "task.h"

#define FL_OPTION LWS_SERVER_OPTION_GLIB
#define FL_SERVICE_RETURNS 0

static GMainContext *fl_ctx;
static GMainLoop *fl_main;
static void *fl_loop;
static guint fl_app_timer_id, fl_first_id;

static void fs_app_tick(void);

static gboolean fl_app_timer_cb(gpointer data)
{
	(void)data;
	fs_app_tick();
	return G_SOURCE_CONTINUE;
}

static void fl_loop_new(void)
{
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL |
			       G_LOG_LEVEL_WARNING);
	fl_ctx = g_main_context_new();
	fl_main = g_main_loop_new(fl_ctx, FALSE);
	ASSERT_NOT_NULL(fl_main);
	fl_loop = fl_main;
}

static void fl_timer_start(int ms)
{
	GSource *s = g_timeout_source_new((guint)ms);

	g_source_set_callback(s, fl_app_timer_cb, NULL, NULL);
	fl_app_timer_id = g_source_attach(s, fl_ctx);
	g_source_unref(s);
}

static void fl_iterate(void)
{
	g_main_context_iteration(fl_ctx, TRUE);
}

/* A source id: glib numbers a context's sources in attach order. */
static guint fl_probe_id(void)
{
	GSource *s = g_idle_source_new();
	guint id = g_source_attach(s, fl_ctx);

	g_source_destroy(s);
	g_source_unref(s);
	return id;
}

static void fl_snapshot(void)
{
	fl_first_id = fl_probe_id();
}

static void fl_assert_clean(void)
{
	guint last = fl_probe_id(), id;

	ASSERT_GT(last, fl_first_id + 2); /* rwsloop did attach some */
	for (id = fl_first_id + 1; id < last; id++) {
		if (id == fl_app_timer_id)
			continue;
		ASSERT_NULL(g_main_context_find_source_by_id(fl_ctx, id));
	}
	ASSERT_NOT_NULL(g_main_context_find_source_by_id(fl_ctx,
							 fl_app_timer_id));
}

static void fl_loop_free(void)
{
	g_source_destroy(g_main_context_find_source_by_id(fl_ctx,
							  fl_app_timer_id));
	g_main_loop_unref(fl_main);
	g_main_context_unref(fl_ctx);
	fl_main = NULL;
	fl_ctx = NULL;
	fl_loop = NULL;
}

#include "foreign-suite.h"
#include "foreign-suite-service.h"

FOREIGN_SUITE_TESTS(glib)
