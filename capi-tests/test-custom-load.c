/*
 * A custom event library under load: the program's own poll() loop hosts a
 * raw echo listener and 1,000 client connections of its own, every byte
 * checked. Then the loop stops servicing rwsloop's descriptors for a while
 * (the clients keep sending) and nothing may be lost. Then the context is
 * destroyed while the loop goes on: none of rwsloop's descriptors may stay
 * in the program's set, and the program's own timer keeps ticking.
 */
#define _GNU_SOURCE
#include "task.h"
#include "raw-util.h"

#include <poll.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#if CAPI_HAVE_43

#include <time.h>

#define CLIENTS 1000
#define MSG 32
#define MAXFD 8192

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What rwsloop asked the program to watch, by descriptor. */
static short want[MAXFD];
static char watched[MAXFD];
static int nwatched;

static int add(struct lws *wsi)
{
	int fd = lws_get_socket_fd(wsi);

	if (fd < 0 || fd >= MAXFD)
		return 1;
	if (!watched[fd]) {
		watched[fd] = 1;
		nwatched++;
	}
	want[fd] = POLLIN;
	return 0;
}

static void io(struct lws *wsi, unsigned int flags)
{
	int fd = lws_get_socket_fd(wsi);
	short bits = (short)((flags & LWS_EV_READ ? POLLIN : 0) |
			     (flags & LWS_EV_WRITE ? POLLOUT : 0));

	if (fd < 0 || fd >= MAXFD || !watched[fd])
		return;
	if (flags & LWS_EV_START)
		want[fd] = (short)(want[fd] | bits);
	else
		want[fd] = (short)(want[fd] & ~bits);
}

static int logical_close(struct lws *wsi)
{
	int fd = lws_get_socket_fd(wsi);

	if (fd >= 0 && fd < MAXFD && watched[fd]) {
		watched[fd] = 0;
		want[fd] = 0;
		nwatched--;
	}
	return 0;
}

static const struct lws_event_loop_ops ops = {
	.name = "load-test loop",
	.init_vhost_listen_wsi = add,
	.sock_accept = add,
	.io = io,
	.wsi_logical_close = logical_close,
};

static const lws_plugin_evlib_t evlib = {
	.hdr = { "load-test loop", "lws_evlib_plugin", LWS_BUILD_HASH,
		 LWS_PLUGIN_API_MAGIC },
	.ops = &ops,
};

static int echo(struct lws *wsi, enum lws_callback_reasons reason,
		void *user, void *in, size_t len)
{
	(void)user;
	if (reason == LWS_CALLBACK_RAW_RX &&
	    lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
		return -1;
	return 0;
}

static const struct lws_protocols protos[] = {
	{ "echo", echo, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static int client[CLIENTS];
static size_t got[CLIENTS];
static struct pollfd set[MAXFD];

/* One turn of the program's loop: poll its clients and, when `serve_lws`,
 * rwsloop's descriptors too; read and check echoes. */
static void turn(struct lws_context *cx, int serve_lws, int timeout)
{
	int n = 0, i, fd, first_lws;

	for (i = 0; i < CLIENTS; i++) {
		set[n].fd = client[i];
		set[n].events = POLLIN;
		set[n++].revents = 0;
	}
	first_lws = n;
	for (fd = 0; serve_lws && cx && fd < MAXFD; fd++)
		if (watched[fd]) {
			set[n].fd = fd;
			set[n].events = want[fd];
			set[n++].revents = 0;
		}
	if (serve_lws && cx)
		timeout = lws_service_adjust_timeout(cx, timeout, 0);
	if (poll(set, (nfds_t)n, timeout) <= 0)
		return;
	for (i = 0; i < first_lws; i++) {
		unsigned char buf[2 * MSG];
		ssize_t r;

		if (!(set[i].revents & POLLIN))
			continue;
		r = read(set[i].fd, buf, sizeof buf);
		if (r <= 0)
			continue;
		/* The echo of client i is its own pattern, continued. */
		if (raw_check(buf, (size_t)r, (unsigned int)i, got[i]) != (size_t)r)
			got[i] = (size_t)-1;
		else
			got[i] += (size_t)r;
	}
	for (i = first_lws; i < n; i++)
		if (set[i].revents)
			lws_service_fd(cx, &set[i]);
}

static int all_got(size_t want_bytes)
{
	for (int i = 0; i < CLIENTS; i++)
		if (got[i] != want_bytes)
			return 0;
	return 1;
}

#endif

CAPI_TEST(custom_load_1000_echo_delay_destroy, .flags = CAPI_NEEDS_43,
	  .timeout_ms = 60000)
{
#if CAPI_HAVE_43
	struct lws_context_creation_info info;
	struct lws_context *cx;
	struct rlimit rl;
	unsigned char msg[MSG];
	long long deadline;
	int port, i, ticks = 0;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_max < 2 * CLIENTS + 64)
		SKIP("the hard descriptor limit is too low for 1,000 connections");
	if (rl.rlim_cur < 2 * CLIENTS + 64) {
		rl.rlim_cur = rl.rlim_max < MAXFD ? rl.rlim_max : MAXFD;
		ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
	}

	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = protos;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	info.event_lib_custom = &evlib;
	lws_set_log_level(LLL_ERR, NULL);
	cx = lws_create_context(&info);
	ASSERT_NOT_NULL(cx);
	port = lws_get_vhost_listen_port(lws_get_vhost_by_name(cx, "default"));
	ASSERT_GT(port, 0);

	/* 1,000 clients, each sending the first half of its own pattern. */
	for (i = 0; i < CLIENTS; i++) {
		client[i] = raw_tcp_connect(port);
		ASSERT_GE(client[i], 0);
		raw_fill(msg, MSG, (unsigned int)i, 0);
		ASSERT_EQ(raw_write_full(client[i], msg, MSG, 5000), (size_t)MSG);
		/* Let the listener keep up with the backlog. */
		if (i % 100 == 99)
			for (int k = 0; k < 20; k++)
				turn(cx, 1, 0);
	}
	deadline = now_ms() + 20000;
	while (!all_got(MSG) && now_ms() < deadline)
		turn(cx, 1, 50);
	ASSERT_TRUE(all_got(MSG));

	/* The program stops servicing rwsloop for 300 ms while every client
	 * sends the second half; then it resumes. Nothing may be lost. */
	for (i = 0; i < CLIENTS; i++) {
		raw_fill(msg, MSG, (unsigned int)i, MSG);
		ASSERT_EQ(raw_write_full(client[i], msg, MSG, 5000), (size_t)MSG);
	}
	deadline = now_ms() + 300;
	while (now_ms() < deadline)
		turn(cx, 0, 20);
	for (i = 0; i < CLIENTS; i++)
		ASSERT_EQ(got[i], (size_t)MSG); /* nothing echoed while neglected */
	deadline = now_ms() + 20000;
	while (!all_got(2 * MSG) && now_ms() < deadline)
		turn(cx, 1, 50);
	ASSERT_TRUE(all_got(2 * MSG));

	/* Destroy while the program's loop goes on. */
	lws_context_destroy(cx);
	ASSERT_EQ(nwatched, 0); /* none of rwsloop's descriptors remain */
	deadline = now_ms() + 150;
	while (now_ms() < deadline) {
		turn(NULL, 0, 20);
		ticks++;                /* the program's own 20 ms tick */
	}
	ASSERT_GE(ticks, 3);
	for (i = 0; i < CLIENTS; i++) {
		ASSERT_TRUE(raw_sees_eof(client[i], 2000));
		close(client[i]);
	}
#endif
}
