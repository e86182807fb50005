/*
 * foreign-event: rwsloop as a guest on the application's own libevent
 * event_base.
 *
 * The application owns the event_base and dispatches it. It has a timer
 * event of its own, hosts a raw TCP echo server (an lws context created
 * with LWS_SERVER_OPTION_LIBEVENT and its base in info.foreign_loops) and
 * talks to that server through a libevent bufferevent on the same base.
 * After three echoes it destroys the context, lets its timer tick a few
 * more times, frees its own events, and the dispatch ends by itself: the
 * context left no event of its own on the base.
 *
 *   cc foreign-event.c $(pkg-config --cflags --libs rwsloop libevent) -o foreign-event
 *   ./foreign-event
 *
 * rwsloop reaches libevent through its plugin librwsloop-evlib_event.so,
 * installed beside librwsloop.so. Exit status 0 when every echo came back
 * intact.
 */
#include <libwebsockets.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include <arpa/inet.h>
#include <string.h>

/* ---- the server: an lws raw protocol that writes back what it reads ---- */

static int
echo_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	void *in, size_t len)
{
	(void)user;

	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		lwsl_user("server: a client connected\n");
		break;
	case LWS_CALLBACK_RAW_RX:
		if (lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
			return -1;
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		lwsl_user("server: the client left\n");
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "echo", echo_cb, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

/* ---- the application ---------------------------------------------------- */

static const char *const lines[] = {
	"hello", "from the application's", "own event_base"
};

static struct {
	struct event_base *base;
	struct event *tick;
	struct bufferevent *client;
	struct lws_context *cx;
	unsigned int ticks, ticks_at_destroy;
	int line;                /* the line being echoed */
	char got[64];
	size_t got_len;
	int failed, done;
} app;

static void
finish(int failed)
{
	if (app.done)
		return;
	app.done = 1;
	app.failed = failed;
	bufferevent_free(app.client);
	app.client = NULL;
	/* One call: every event rwsloop put on our base is gone now. */
	lws_context_destroy(app.cx);
	app.cx = NULL;
	app.ticks_at_destroy = app.ticks;
	lwsl_user("app: context destroyed, the base goes on\n");
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	app.ticks++;
	if (!app.done && app.ticks == 500) { /* 5 s: give up */
		lwsl_err("app: no echo in time\n");
		finish(1);
	}
	if (app.done && app.ticks == app.ticks_at_destroy + 5) {
		lwsl_user("app: my timer ticked 5 more times; freeing it\n");
		event_free(app.tick);
		app.tick = NULL;
	}
}

static void
send_line(void)
{
	app.got_len = 0;
	if (bufferevent_write(app.client, lines[app.line], strlen(lines[app.line])))
		finish(1);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	size_t want = strlen(lines[app.line]);

	(void)arg;
	app.got_len += bufferevent_read(bev, app.got + app.got_len,
					sizeof(app.got) - app.got_len);
	if (app.got_len < want)
		return;
	if (app.got_len != want || memcmp(app.got, lines[app.line], want)) {
		lwsl_err("app: the echo differs\n");
		finish(1);
		return;
	}
	lwsl_user("app: echoed \"%s\"\n", lines[app.line]);
	if (++app.line == (int)LWS_ARRAY_SIZE(lines)) {
		finish(0);
		return;
	}
	send_line();
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		send_line();
		return;
	}
	finish(1); /* error or end of file before the last echo */
}

int
main(void)
{
	struct lws_context_creation_info info;
	struct timeval ten_ms = { 0, 10000 };
	void *foreign_loops[1];
	struct sockaddr_in sin;
	int port;

	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, NULL);
	app.base = event_base_new();
	if (!app.base)
		return 1;
	app.tick = event_new(app.base, -1, EV_PERSIST, on_tick, NULL);
	event_add(app.tick, &ten_ms);

	/* The echo server, a guest on our base, on a port the kernel picks. */
	foreign_loops[0] = app.base;
	memset(&info, 0, sizeof(info));
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_LIBEVENT |
		       LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	info.foreign_loops = foreign_loops;
	app.cx = lws_create_context(&info);
	if (!app.cx) {
		lwsl_err("app: lws_create_context failed\n");
		return 1;
	}
	port = lws_get_vhost_listen_port(lws_get_vhost_by_name(app.cx, "default"));
	lwsl_user("app: echo server on 127.0.0.1:%d\n", port);

	/* Our own client, on the same base. */
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	app.client = bufferevent_socket_new(app.base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(app.client, on_read, NULL, on_event, NULL);
	bufferevent_enable(app.client, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(app.client, (struct sockaddr *)&sin,
				       sizeof(sin)))
		finish(1);

	/* Runs until no event is left: our timer is the last one. */
	event_base_dispatch(app.base);

	event_base_free(app.base);
	lwsl_user("app: base freed cleanly\n");
	return app.failed;
}
