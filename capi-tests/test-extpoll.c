/*
 * External poll without an event library: the program keeps its own
 * pollfd array purely from LWS_CALLBACK_ADD_POLL_FD / DEL_POLL_FD /
 * CHANGE_MODE_POLL_FD (sent to protocols[0]'s callback), waits with
 * poll() for what lws_service_adjust_timeout allows and hands ready
 * descriptors to lws_service_fd. A raw listener served that way echoes a
 * client.
 *
 * The poll callbacks are traced for the listener (L) and the accepted
 * connection (S) only; lws 4.3.5 also reports descriptors of its own that
 * rwsloop does not have. (lws 4.1.6 was built without external-poll
 * callbacks: skipped there.)
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFDS 32

static struct pollfd fds[MAXFDS];
static int nfds;
static int lock_depth, lock_bad, poll_bad;
static int client_port;   /* the test client's local port, once known */
static int closed, svc_ret1;
static struct lws_context *cx;

static struct pollfd *find(int fd)
{
	int i;

	for (i = 0; i < nfds; i++)
		if (fds[i].fd == fd)
			return &fds[i];
	return NULL;
}

/* Name the descriptors the trace follows: the listener (labelled once
 * the context exists: lws 4.3.5 reports it before it calls listen()) and
 * the connection accepted from the test's client. */
static void label_listener(int fd)
{
	int listening = 0;
	socklen_t il = sizeof(listening);

	if (!getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &il) &&
	    listening)
		raw_label_fd(fd, "L");
}

static void label_accepted(int fd)
{
	struct sockaddr_in peer;
	socklen_t sl = sizeof(peer);

	if (client_port && !getpeername(fd, (struct sockaddr *)&peer, &sl) &&
	    peer.sin_family == AF_INET && ntohs(peer.sin_port) == client_port)
		raw_label_fd(fd, "S");
}

static void pollfd_cb(int reason, const struct lws_pollargs *pa)
{
	struct pollfd *p;

	switch (reason) {
	case LWS_CALLBACK_LOCK_POLL:
		lock_depth++;
		break;
	case LWS_CALLBACK_UNLOCK_POLL:
		if (--lock_depth < 0)
			lock_bad++;
		break;
	case LWS_CALLBACK_ADD_POLL_FD:
		if (find(pa->fd) || nfds == MAXFDS) {
			poll_bad++;
			break;
		}
		fds[nfds].fd = pa->fd;
		fds[nfds].events = (short)pa->events;
		fds[nfds].revents = 0;
		nfds++;
		break;
	case LWS_CALLBACK_DEL_POLL_FD:
		p = find(pa->fd);
		if (!p) {
			poll_bad++;
			break;
		}
		*p = fds[--nfds];
		break;
	case LWS_CALLBACK_CHANGE_MODE_POLL_FD:
		p = find(pa->fd);
		if (!p) {
			poll_bad++;
			break;
		}
		p->events = (short)pa->events;
		break;
	default:
		break;
	}
}

static unsigned char echo_buf[LWS_PRE + 64];
static size_t echo_len;

static int ext_cb(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	int n;

	if (raw_is_poll_reason(reason)) {
		if (reason == LWS_CALLBACK_ADD_POLL_FD)
			label_accepted(((struct lws_pollargs *)in)->fd);
		raw_trace_poll(wsi, (int)reason, user, in, 0);
		pollfd_cb((int)reason, in);
		return 0;
	}
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_RX:
		if (echo_len + len <= sizeof(echo_buf) - LWS_PRE) {
			memcpy(echo_buf + LWS_PRE + echo_len, in, len);
			echo_len += len;
		}
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		n = lws_write(wsi, echo_buf + LWS_PRE, echo_len,
			      LWS_WRITE_RAW);
		trace_line("lws_write %zu -> %d", echo_len, n);
		echo_len = 0;
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		closed++;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protos[] = {
	{ "echo", ext_cb, 16, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/* One pass of the program's loop. */
static void app_pass(int max_wait_ms)
{
	struct pollfd snap[MAXFDS];
	int n = nfds, i, t;

	t = lws_service_adjust_timeout(cx, max_wait_ms, 0);
	ASSERT_GE(t, 0);
	ASSERT_LE(t, max_wait_ms);
	memcpy(snap, fds, sizeof(snap[0]) * (size_t)n);
	if (poll(snap, (nfds_t)n, t) < 0) {
		ASSERT_EQ(errno, EINTR);
		return;
	}
	for (i = 0; i < n; i++) {
		int r;

		if (!snap[i].revents || !find(snap[i].fd))
			continue;
		r = lws_service_fd(cx, &snap[i]);
		ASSERT_TRUE(r == 0 || r == 1);
		if (r == 1) {
			svc_ret1++;
			trace_line("lws_service_fd -> 1");
		}
	}
}

#define APP_UNTIL(cond, ms)                                                 \
	do {                                                                \
		long long app_dl_ = now_us() +                              \
				    (long long)capi_scaled_ms(ms) * 1000;   \
		while (!(cond) && now_us() < app_dl_)                       \
			app_pass(10);                                       \
	} while (0)

static void app_settle(void)
{
	int quiet = 0, i;

	for (i = 0; i < 1000 && quiet < 3; i++) {
		unsigned int before = trace_events();

		app_pass(0);
		quiet = trace_events() == before ? quiet + 1 : 0;
	}
	ASSERT_EQ(quiet, 3);
}

CAPI_TEST(extpoll_echo, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
	struct lws_context_creation_info info;
	struct sockaddr_in me;
	socklen_t sl = sizeof(me);
	struct pollfd *lp;
	char got[8];
	int port, c, lfd = -1, i;

	raw_info(&info, protos);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	cx = lws_create_context(&info);
	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	port = lws_get_vhost_listen_port(lws_get_vhost_by_name(cx, "default"));
	ASSERT_GT(port, 0);
	/* The listener is in the program's array, watched for input; from
	 * here on its poll calls are traced. */
	for (i = 0; i < nfds; i++)
		label_listener(fds[i].fd);
	for (i = 0; i < nfds; i++)
		if (raw_fd_label(fds[i].fd) &&
		    !strcmp(raw_fd_label(fds[i].fd), "L"))
			lfd = fds[i].fd;
	ASSERT_GE(lfd, 0);
	ASSERT_EQ(find(lfd)->events, POLLIN);
	trace_line("-- first passes");
	app_settle();
	ASSERT_EQ(trace_count(LWS_CALLBACK_PROTOCOL_INIT), 1);

	trace_line("-- a client connects");
	c = raw_tcp_connect(port);
	ASSERT_GE(c, 0);
	ASSERT_EQ(getsockname(c, (struct sockaddr *)&me, &sl), 0);
	client_port = ntohs(me.sin_port);
	APP_UNTIL(trace_count(LWS_CALLBACK_RAW_ADOPT) == 1, 2000);
	app_settle();
	ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_ADOPT), 1);

	trace_line("-- the client sends hello");
	ASSERT_EQ(raw_write_full(c, "hello", 5, 1000), 5);
	APP_UNTIL(trace_count(LWS_CALLBACK_RAW_WRITEABLE) == 1, 2000);
	ASSERT_EQ(raw_read_full(c, got, 5, 1000), 5);
	ASSERT_TRUE(!memcmp(got, "hello", 5));
	app_settle();

	trace_line("-- the client hangs up");
	close(c);
	APP_UNTIL(closed, 2000);
	app_settle();
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(svc_ret1, 1);
	/* Only the listener of ours is left in the array. */
	lp = find(lfd);
	ASSERT_NOT_NULL(lp);
	ASSERT_EQ(lp->events, POLLIN);
	for (i = 0; i < nfds; i++)
		ASSERT_TRUE(!raw_fd_label(fds[i].fd) || fds[i].fd == lfd);
	ASSERT_EQ(lock_depth, 0);
	ASSERT_EQ(lock_bad, 0);
	ASSERT_EQ(poll_bad, 0);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_EQ(lock_depth, 0);
	ASSERT_EQ(poll_bad, 0);
	ASSERT_TRACE("-- first passes\n"
		     "PROTOCOL_INIT default/echo\n"
		     "-- a client connects\n"
		     "REASON_17 default/echo user in=set\n"
		     "WSI_CREATE default/echo\n"
		     "RAW_SKT_BIND_PROTOCOL default/echo user\n"
		     "ADD_POLL_FD default/echo user S events=1 prev=0\n"
		     "RAW_ADOPT default/echo user\n"
		     "-- the client sends hello\n"
		     "RAW_RX default/echo user in=set len=5\n"
		     "CHANGE_MODE_POLL_FD default/echo user S events=5 prev=1\n"
		     "CHANGE_MODE_POLL_FD default/echo user S events=1 prev=5\n"
		     "RAW_WRITEABLE default/echo user\n"
		     "lws_write 5 -> 5\n"
		     "-- the client hangs up\n"
		     "RAW_SKT_DROP_PROTOCOL default/echo user in=set\n"
		     "DEL_POLL_FD default/echo user S events=0 prev=0\n"
		     "CHANGE_MODE_POLL_FD default/echo L events=1 prev=1\n"
		     "RAW_CLOSE default/echo user\n"
		     "CHANGE_MODE_POLL_FD default/echo L events=1 prev=1\n"
		     "WSI_DESTROY default/echo user\n"
		     "lws_service_fd -> 1\n"
		     "-- destroy\n"
		     "DEL_POLL_FD default/echo L events=0 prev=0\n"
		     "WSI_DESTROY default/echo\n"
		     "PROTOCOL_DESTROY default/echo\n");
}
