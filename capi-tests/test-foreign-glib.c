/*
 * rwsloop as a guest on the application's GMainLoop (and on a glib loop of
 * its own), through the glib plugin (plugins/glib). The scenarios are in
 * capi-tests/foreign-suite.h; this file is the application side.
 * Any glib critical or warning is fatal here (as with
 * G_DEBUG=fatal-criticals, which the make target sets too).
 *
 * Built for real only by `make check-evlib-ev-glib-sd` (mk/evlib2.mk
 * defines RWSLOOP_CAPI_FOREIGN and links glib); elsewhere each test is a
 * stub, never run (CAPI_MANUAL).
 */
#define _GNU_SOURCE
#if defined(RWSLOOP_CAPI_FOREIGN)
#include <glib.h>
#endif
#include "task.h"

#define FOREIGN_FLAGS .flags = CAPI_MANUAL, \
	.timeout_ms = 20000

#if defined(RWSLOOP_CAPI_FOREIGN)

#define FL_NAME "glib"
#define FL_OPTION LWS_SERVER_OPTION_GLIB

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

/* Every source attached since the snapshot, other than the app's timer,
 * is rwsloop's (or a probe): none may still be found on the context. */
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

/* Under LeakSanitizer a reference rwsloop kept on the loop or context
 * shows up as a leak of them. */
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

/* the shared scenarios */
#include "foreign-suite.h"

#define FOREIGN_BODY(call) call
#else
#define FOREIGN_BODY(call)                                                  \
	SKIP("built without the foreign-loop libraries: "                  \
	     "make check-evlib-ev-glib-sd")
#endif

CAPI_TEST(foreign_glib_echo, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_echo());
}

CAPI_TEST(foreign_glib_destroy_idle, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(0));
}

CAPI_TEST(foreign_glib_destroy_many, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_with(50));
}

CAPI_TEST(foreign_glib_destroy_in_rx, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_RX));
}

CAPI_TEST(foreign_glib_destroy_in_sul, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_destroy_inside(FS_DESTROY_IN_SUL));
}

CAPI_TEST(foreign_glib_failed_create, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_failed_create());
}

CAPI_TEST(foreign_glib_own_loop_destroy_in_cb, FOREIGN_FLAGS)
{
	FOREIGN_BODY(fs_own_loop(1));
}
