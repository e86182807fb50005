/*
 * foreign-uv: rwsloop as a guest on the application's own libuv loop.
 *
 * The application owns the uv_loop_t and runs it. It has a timer of its
 * own, hosts a raw TCP echo server (an lws context created with
 * LWS_SERVER_OPTION_LIBUV and its loop in info.foreign_loops) and talks to
 * that server with a plain libuv TCP client on the same loop. After three
 * echoes it destroys the context, lets its timer tick a few more times,
 * closes its own handles, and the loop ends by itself: uv_loop_close()
 * succeeds because the context left nothing behind.
 *
 *   cc foreign-uv.c $(pkg-config --cflags --libs rwsloop libuv) -o foreign-uv
 *   ./foreign-uv
 *
 * rwsloop reaches libuv through its plugin librwsloop-evlib_uv.so, installed
 * beside librwsloop.so. Exit status 0 when every echo came back intact.
 */
#include <libwebsockets.h>
#include <uv.h>

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
	"hello", "from the application's", "own libuv loop"
};

static struct {
	uv_loop_t loop;
	uv_timer_t tick;
	uv_tcp_t client;
	uv_connect_t connect;
	uv_write_t write;
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
	if (!uv_is_closing((uv_handle_t *)&app.client))
		uv_close((uv_handle_t *)&app.client, NULL);
	/* One call: every handle rwsloop put on our loop is closed now and
	 * gone once the loop has turned. */
	lws_context_destroy(app.cx);
	app.cx = NULL;
	app.ticks_at_destroy = app.ticks;
	lwsl_user("app: context destroyed, the loop goes on\n");
}

static void
on_tick(uv_timer_t *t)
{
	app.ticks++;
	if (!app.done && app.ticks == 500) { /* 5 s: give up */
		lwsl_err("app: no echo in time\n");
		finish(1);
	}
	if (app.done && app.ticks == app.ticks_at_destroy + 5) {
		lwsl_user("app: my timer ticked 5 more times; closing it\n");
		uv_close((uv_handle_t *)t, NULL);
	}
}

static void
send_line(void)
{
	uv_buf_t buf = uv_buf_init((char *)lines[app.line],
				   (unsigned int)strlen(lines[app.line]));

	app.got_len = 0;
	if (uv_write(&app.write, (uv_stream_t *)&app.client, &buf, 1, NULL))
		finish(1);
}

static void
on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	(void)suggested;
	buf->base = app.got + app.got_len;
	buf->len = sizeof(app.got) - app.got_len;
}

static void
on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	size_t want = strlen(lines[app.line]);

	(void)s;
	(void)buf;
	if (n < 0) {
		finish(1);
		return;
	}
	app.got_len += (size_t)n;
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
on_connect(uv_connect_t *req, int status)
{
	(void)req;
	if (status || uv_read_start((uv_stream_t *)&app.client, on_alloc, on_read)) {
		finish(1);
		return;
	}
	send_line();
}

int
main(void)
{
	struct lws_context_creation_info info;
	void *foreign_loops[1];
	struct sockaddr_in sin;
	int port;

	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, NULL);
	uv_loop_init(&app.loop);
	uv_timer_init(&app.loop, &app.tick);
	uv_timer_start(&app.tick, on_tick, 10, 10);

	/* The echo server, a guest on our loop, on a port the kernel picks. */
	foreign_loops[0] = &app.loop;
	memset(&info, 0, sizeof(info));
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_LIBUV |
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

	/* Our own client, on the same loop. */
	uv_tcp_init(&app.loop, &app.client);
	uv_ip4_addr("127.0.0.1", port, &sin);
	if (uv_tcp_connect(&app.connect, &app.client,
			   (const struct sockaddr *)&sin, on_connect))
		finish(1);

	/* Runs until our last handle is closed. */
	uv_run(&app.loop, UV_RUN_DEFAULT);

	if (uv_loop_close(&app.loop)) {
		lwsl_err("app: something was left on the loop\n");
		return 1;
	}
	lwsl_user("app: loop closed cleanly\n");
	return app.failed;
}
