/*
 * A program that runs OpenWrt's uloop and lets rwsloop serve on it.
 *
 * uloop has a single loop per process and no loop object, so nothing is
 * handed over: the program calls uloop_init() and uloop_run() itself, and
 * tells rwsloop to join that loop with LWS_SERVER_OPTION_ULOOP and any
 * non-NULL info.foreign_loops[0] (NULL would make rwsloop initialise and
 * run uloop on its own, inside lws_service()).
 *
 * On the loop the program keeps a 20 ms timer and a TCP client socket of
 * its own (a uloop_fd); rwsloop adds a raw echo server on 127.0.0.1. The
 * client sends three lines and checks each echo. Then the timer destroys
 * the context, the loop goes on without rwsloop for ten more ticks, and
 * the program ends the loop and closes uloop.
 *
 *   cc foreign-uloop.c $(pkg-config --cflags --libs rwsloop) -lubox
 *
 * rwsloop loads its uloop backend, librwsloop-evlib_uloop.so, from beside
 * librwsloop.so, only because this context asks for it. uloop_init()
 * installs uloop's own SIGINT / SIGTERM handlers (they end uloop_run()), so
 * Ctrl-C stops this program through the normal exit path.
 */
#include <libubox/uloop.h>
#include <libwebsockets.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const lines[] = { "alpha\n", "beta\n", "gamma\n" };
static struct lws_context *context;
static struct uloop_fd client = { .fd = -1 };
static struct uloop_timeout tick;
static char reply[64];
static size_t reply_len;
static int echoed, failed, client_done, ticks, ticks_at_destroy;

/* ---- rwsloop: send back whatever arrives ---- */

static int echo(struct lws *wsi, enum lws_callback_reasons reason,
		void *user, void *in, size_t len)
{
	(void)user;
	if (reason == LWS_CALLBACK_RAW_RX &&
	    lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
		return -1;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "echo", echo, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

/* uloop is process-global: this only says "the program's loop". */
static int the_programs_uloop;

static int start_rwsloop(void)
{
	struct lws_context_creation_info info;
	void *loops[] = { &the_programs_uloop };

	memset(&info, 0, sizeof info);
	info.port = 0; /* any free port */
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG |
		       LWS_SERVER_OPTION_ULOOP;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	info.foreign_loops = loops;
	context = lws_create_context(&info);
	return !context;
}

/* ---- the program's own client socket, on the same loop ---- */

static void client_finish(int ok)
{
	if (!ok)
		failed = 1;
	uloop_fd_delete(&client);
	close(client.fd);
	client.fd = -1;
	client_done = 1;
}

static void client_send_next(void)
{
	size_t n = strlen(lines[echoed]);

	/* a few bytes on a fresh connection: sent whole */
	if (send(client.fd, lines[echoed], n, MSG_NOSIGNAL) != (ssize_t)n)
		client_finish(0);
	else
		reply_len = 0;
}

static void client_cb(struct uloop_fd *u, unsigned int events)
{
	ssize_t n;

	if (events & ULOOP_WRITE) {
		/* the connect finished: check how, then talk */
		int err = 0;
		socklen_t sl = sizeof err;

		if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &err, &sl) || err) {
			client_finish(0);
			return;
		}
		uloop_fd_add(u, ULOOP_READ);
		client_send_next();
		return;
	}
	n = recv(u->fd, reply + reply_len, sizeof reply - reply_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_finish(0);
		return;
	}
	reply_len += (size_t)n;
	if (reply_len < strlen(lines[echoed]))
		return;
	if (reply_len != strlen(lines[echoed]) ||
	    memcmp(reply, lines[echoed], reply_len)) {
		client_finish(0);
		return;
	}
	lwsl_user("echoed: %.*s", (int)reply_len, reply);
	if (++echoed == (int)LWS_ARRAY_SIZE(lines))
		client_finish(1);
	else
		client_send_next();
}

static int start_client(void)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)lws_get_vhost_listen_port(
		lws_get_vhost_by_name(context, "default")));
	client.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   0);
	if (client.fd < 0)
		return 1;
	if (connect(client.fd, (struct sockaddr *)&sin, sizeof sin) &&
	    errno != EINPROGRESS)
		return 1;
	client.cb = client_cb;
	/* writable = connected (or failed) */
	return uloop_fd_add(&client, ULOOP_WRITE) < 0;
}

/* ---- the program's timer ---- */

static void on_tick(struct uloop_timeout *t)
{
	ticks++;
	if (context && (client_done || ticks > 250 /* 5 s: give up */)) {
		lwsl_user("destroying the rwsloop context (tick %d)\n", ticks);
		lws_context_destroy(context);
		context = NULL;
		ticks_at_destroy = ticks;
	}
	if (!context && ticks >= ticks_at_destroy + 10) {
		uloop_end(); /* uloop_run() returns */
		return;
	}
	uloop_timeout_set(t, 20);
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

int main(void)
{
	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, NULL);
	if (uloop_init())
		return 1;
	tick.cb = on_tick;
	uloop_timeout_set(&tick, 20);

	if (start_rwsloop() || start_client())
		failed = 1;
	else
		uloop_run();

	if (context)
		lws_context_destroy(context);
	if (client.fd >= 0) {
		uloop_fd_delete(&client);
		close(client.fd);
	}
	uloop_timeout_cancel(&tick);
	uloop_done();
	return report();
}
