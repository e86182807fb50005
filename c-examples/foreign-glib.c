/*
 * A program that owns a GMainLoop and lets rwsloop serve on it.
 *
 * It makes its loop and a 20 ms timeout of its own, then creates an rwsloop
 * context on that loop (LWS_SERVER_OPTION_GLIB, info.foreign_loops): a raw
 * TCP echo server on 127.0.0.1 and, in the same context, a raw client that
 * sends three lines and checks each echo. Once the client is done the
 * program's timeout destroys the context; the loop keeps going (the
 * timeout fires on) for ten more ticks, then the program quits and frees it.
 *
 *   cc foreign-glib.c $(pkg-config --cflags --libs rwsloop glib-2.0)
 *
 * rwsloop loads its glib backend, librwsloop-evlib_glib.so, from beside
 * librwsloop.so, only because this context asks for it.
 */
#include <glib.h>
#include <libwebsockets.h>
#include <string.h>

static const char *const lines[] = { "one\n", "two\n", "three\n" };
static struct lws_context *context;
static int sent, echoed, failed, client_done, ticks, ticks_at_destroy;

/* rwsloop side. "echo" sends back whatever arrives on an accepted socket;
 * "client" sends each line when writable and checks its echo. */
static int echo(struct lws *wsi, enum lws_callback_reasons reason,
		void *user, void *in, size_t len)
{
	(void)user;
	if (reason == LWS_CALLBACK_RAW_RX &&
	    lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
		return -1;
	return 0;
}

static int client(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_RAW_CONNECTED:
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (reason == LWS_CALLBACK_RAW_CONNECTED) {
			lws_callback_on_writable(wsi);
			break;
		}
		if (lws_write(wsi, (unsigned char *)lines[sent],
			      strlen(lines[sent]), LWS_WRITE_RAW) < 0)
			return -1;
		sent++;
		break;
	case LWS_CALLBACK_RAW_RX:
		if (len != strlen(lines[echoed]) ||
		    memcmp(in, lines[echoed], len)) {
			failed = 1;
			return -1;
		}
		lwsl_user("echoed: %.*s", (int)len, (const char *)in);
		if (++echoed == (int)LWS_ARRAY_SIZE(lines))
			return -1; /* all done: hang up */
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		failed = 1;
		client_done = 1;
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		client_done = 1;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "client", client, 0, 0, 0, NULL, 0 },
	{ "echo", echo, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

/* A raw echo server on 127.0.0.1 and a client connected to it, both on the
 * application's loop. */
static int start_rwsloop(void *loop, unsigned long long option)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	void *loops[] = { loop };

	memset(&info, 0, sizeof info);
	info.port = 0; /* any free port */
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG |
		       option;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	info.foreign_loops = loops;
	context = lws_create_context(&info);
	if (!context)
		return 1;

	memset(&ci, 0, sizeof ci);
	ci.context = context;
	ci.address = "127.0.0.1";
	ci.port = lws_get_vhost_listen_port(lws_get_vhost_by_name(context,
								 "default"));
	ci.host = ci.address;
	ci.method = "RAW";
	ci.local_protocol_name = "client";
	return !lws_client_connect_via_info(&ci);
}

/* The application's own timer, every 20 ms. Returns 1 when the program
 * should stop its loop. */
static int on_tick(void)
{
	ticks++;
	if (context && (client_done || ticks > 250 /* 5 s: give up */)) {
		lwsl_user("destroying the rwsloop context (tick %d)\n", ticks);
		lws_context_destroy(context);
		context = NULL;
		ticks_at_destroy = ticks;
	}
	/* the loop goes on without rwsloop for a while */
	return !context && ticks >= ticks_at_destroy + 10;
}

static int report(void)
{
	int ok = !failed && echoed == (int)LWS_ARRAY_SIZE(lines) &&
		 ticks >= ticks_at_destroy + 10;

	lwsl_user("%s: %d of %d lines echoed, %d ticks (%d after the destroy)\n",
		  ok ? "ok" : "FAILED", echoed, (int)LWS_ARRAY_SIZE(lines),
		  ticks, ticks - ticks_at_destroy);
	return !ok;
}

static gboolean tick_cb(gpointer loop)
{
	if (on_tick())
		g_main_loop_quit(loop);
	return G_SOURCE_CONTINUE;
}

int main(void)
{
	GMainContext *gcx = g_main_context_new();
	GMainLoop *loop = g_main_loop_new(gcx, FALSE);
	GSource *tick = g_timeout_source_new(20);

	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, NULL);
	g_source_set_callback(tick, tick_cb, loop, NULL);
	g_source_attach(tick, gcx);

	if (start_rwsloop(loop, LWS_SERVER_OPTION_GLIB))
		failed = 1;
	else
		g_main_loop_run(loop);
	if (context)
		lws_context_destroy(context);

	g_source_destroy(tick);
	g_source_unref(tick);
	g_main_loop_unref(loop);
	g_main_context_unref(gcx);
	return report();
}
