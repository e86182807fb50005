/*
 * Writing on raw sockets: writeable requests coalesce, a request made in
 * the writeable callback comes back on a later pass, the _all_protocol
 * forms, what a callback's return value does, a large message through a
 * slow reader (lws keeps what the kernel did not take), and writing to a
 * peer that has gone (no SIGPIPE).
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct lws_context *cx;

/* Per-test hooks; NULL: do nothing, return 0. */
static int (*on_rx)(struct lws *wsi, void *in, size_t len);
static int (*on_writeable)(struct lws *wsi);

static int pass_no;        /* bumped by passes() before each lws_service */
static int writeable_pass[16];
static int nwriteable;
static int in_writeable, nested;
static int closed;

static int write_cb(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	int r = 0;

	if (raw_is_poll_reason(reason))
		return 0;
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_RX:
		if (in_writeable)
			nested++;
		return on_rx ? on_rx(wsi, in, len) : 0;
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (in_writeable)
			nested++;
		if (nwriteable < 16)
			writeable_pass[nwriteable] = pass_no;
		nwriteable++;
		in_writeable = 1;
		r = on_writeable ? on_writeable(wsi) : 0;
		in_writeable = 0;
		return r;
	case LWS_CALLBACK_RAW_CLOSE:
		closed++;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protos[] = {
	{ "a", write_cb, 16, 0, 0, NULL, 0 },
	{ "b", write_cb, 16, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void start(void)
{
	struct lws_context_creation_info info;

	raw_info(&info, protos);
	cx = raw_start(&info);
}

/* Non-blocking passes, numbered, until three in a row record nothing. */
static void passes(void)
{
	int quiet = 0, i;

	for (i = 0; i < 1000 && quiet < 3; i++) {
		unsigned int before = trace_events();

		pass_no++;
		ASSERT_GE(lws_service(cx, -1), 0);
		quiet = trace_events() == before ? quiet + 1 : 0;
	}
	ASSERT_EQ(quiet, 3);
}

/* ---- coalescing ---- */

static int rearm_once;

static int writeable_rearm(struct lws *wsi)
{
	if (rearm_once) {
		rearm_once = 0;
		trace_line("on_writable inside WRITEABLE -> %d",
			   lws_callback_on_writable(wsi));
	}
	return 0;
}

/*
 * Three requests before the loop runs: one RAW_WRITEABLE. A request made
 * inside RAW_WRITEABLE: one more, on a later pass, never nested.
 */
CAPI_TEST(raw_writable_coalesce, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w;
	int sv[2], r1, r2, r3;

	start();
	raw_socketpair(sv);
	w = raw_adopt(cx, sv[0], "a");
	ASSERT_NOT_NULL(w);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(nwriteable, 0);

	trace_line("-- three requests");
	r1 = lws_callback_on_writable(w);
	r2 = lws_callback_on_writable(w);
	r3 = lws_callback_on_writable(w);
	trace_line("returned %d %d %d", r1, r2, r3);
	passes();
	ASSERT_EQ(nwriteable, 1);

	trace_line("-- one request, and one more inside WRITEABLE");
	on_writeable = writeable_rearm;
	rearm_once = 1;
	lws_callback_on_writable(w);
	passes();
	ASSERT_EQ(nwriteable, 3);
	ASSERT_GT(writeable_pass[2], writeable_pass[1]);
	ASSERT_EQ(nested, 0);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	close(sv[1]);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/a\n"
		     "PROTOCOL_INIT default/b\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "-- three requests\n"
		     "returned 1 1 1\n"
		     "RAW_WRITEABLE default/a user\n"
		     "-- one request, and one more inside WRITEABLE\n"
		     "RAW_WRITEABLE default/a user\n"
		     "on_writable inside WRITEABLE -> 1\n"
		     "RAW_WRITEABLE default/a user\n"
		     "-- destroy\n"
		     "RAW_SKT_DROP_PROTOCOL default/a user in=set\n"
		     "RAW_CLOSE default/a user\n"
		     "WSI_DESTROY default/a user\n"
		     "PROTOCOL_DESTROY default/a\n"
		     "PROTOCOL_DESTROY default/b\n");
}

/*
 * lws_callback_on_writable_all_protocol(cx, p): every wsi bound to p, in
 * any vhost, gets one RAW_WRITEABLE; other protocols' wsis none. The
 * _vhost form takes the vhost's own protocol (lws_get_protocol()).
 */
CAPI_TEST(raw_writable_all_protocol, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *wa1, *wa2, *wb;
	int a1[2], a2[2], b[2], r;

	start();
	raw_socketpair(a1);
	raw_socketpair(a2);
	raw_socketpair(b);
	wa1 = raw_adopt(cx, a1[0], "a");
	wa2 = raw_adopt(cx, a2[0], "a");
	wb = raw_adopt(cx, b[0], "b");
	ASSERT_NOT_NULL(wa1);
	ASSERT_NOT_NULL(wa2);
	ASSERT_NOT_NULL(wb);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- all of protocol a (the program's array)");
	r = lws_callback_on_writable_all_protocol(cx, &protos[0]);
	trace_line("returned %d", r);
	passes();
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_RAW_WRITEABLE, "a"), 2);
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_RAW_WRITEABLE, "b"), 0);

	trace_line("-- all of protocol b on the vhost (the vhost's copy)");
	r = lws_callback_on_writable_all_protocol_vhost(lws_get_vhost(wb),
							lws_get_protocol(wb));
	trace_line("returned %d", r);
	passes();
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_RAW_WRITEABLE, "a"), 2);
	ASSERT_EQ(trace_count_for(LWS_CALLBACK_RAW_WRITEABLE, "b"), 1);

	trace_line("-- destroy");
	trace_freeze(); /* the closing order of three wsis is not compared */
	lws_context_destroy(cx);
	ASSERT_EQ(closed, 3);
	close(a1[1]);
	close(a2[1]);
	close(b[1]);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/a\n"
		     "PROTOCOL_INIT default/b\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/b user\n"
		     "RAW_ADOPT default/b user\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "-- all of protocol a (the program's array)\n"
		     "returned 0\n"
		     "RAW_WRITEABLE default/a user\n"
		     "RAW_WRITEABLE default/a user\n"
		     "-- all of protocol b on the vhost (the vhost's copy)\n"
		     "returned 0\n"
		     "RAW_WRITEABLE default/b user\n"
		     "-- destroy\n");
}

/* ---- what the return value of RAW_RX / RAW_WRITEABLE does ---- */

static int rx_by_content(struct lws *wsi, void *in, size_t len)
{
	(void)wsi;
	if (len >= 3 && !memcmp(in, "pos", 3)) {
		trace_line("return 1");
		return 1;
	}
	if (len >= 3 && !memcmp(in, "neg", 3)) {
		trace_line("return -1");
		return -1;
	}
	return 0;
}

static int writeable_ret;

static int writeable_returns(struct lws *wsi)
{
	(void)wsi;
	trace_line("return %d", writeable_ret);
	return writeable_ret;
}

/*
 * Only a negative return closes a raw socket: RAW_RX returning 1 is
 * ignored, -1 closes; the same for RAW_WRITEABLE.
 */
CAPI_TEST(raw_close_by_return, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w;
	int sv[2];

	start();
	on_rx = rx_by_content;
	on_writeable = writeable_returns;
	raw_socketpair(sv);
	w = raw_adopt(cx, sv[0], "a");
	ASSERT_NOT_NULL(w);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- RAW_RX returns 1");
	ASSERT_EQ(write(sv[1], "pos", 3), 3);
	SERVICE_UNTIL(cx, trace_count(LWS_CALLBACK_RAW_RX) == 1, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 0);

	trace_line("-- RAW_WRITEABLE returns 1");
	writeable_ret = 1;
	lws_callback_on_writable(w);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 0);

	trace_line("-- RAW_RX returns -1");
	ASSERT_EQ(write(sv[1], "neg", 3), 3);
	SERVICE_UNTIL(cx, closed, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 1);
	ASSERT_TRUE(raw_sees_eof(sv[1], 1000));
	close(sv[1]);

	trace_line("-- RAW_WRITEABLE returns -1");
	raw_socketpair(sv);
	w = raw_adopt(cx, sv[0], "b");
	ASSERT_NOT_NULL(w);
	ASSERT_EQ(loop_settle(cx), 0);
	writeable_ret = -1;
	lws_callback_on_writable(w);
	SERVICE_UNTIL(cx, closed == 2, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 2);
	ASSERT_TRUE(raw_sees_eof(sv[1], 1000));
	close(sv[1]);

	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/a\n"
		     "PROTOCOL_INIT default/b\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "-- RAW_RX returns 1\n"
		     "RAW_RX default/a user in=set len=3\n"
		     "return 1\n"
		     "-- RAW_WRITEABLE returns 1\n"
		     "RAW_WRITEABLE default/a user\n"
		     "return 1\n"
		     "-- RAW_RX returns -1\n"
		     "RAW_RX default/a user in=set len=3\n"
		     "return -1\n"
		     "RAW_SKT_DROP_PROTOCOL default/a user in=set\n"
		     "RAW_CLOSE default/a user\n"
		     "WSI_DESTROY default/a user\n"
		     "-- RAW_WRITEABLE returns -1\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/b user\n"
		     "RAW_ADOPT default/b user\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "RAW_WRITEABLE default/b user\n"
		     "return -1\n"
		     "RAW_SKT_DROP_PROTOCOL default/b user in=set\n"
		     "RAW_CLOSE default/b user\n"
		     "WSI_DESTROY default/b user\n"
		     "PROTOCOL_DESTROY default/a\n"
		     "PROTOCOL_DESTROY default/b\n");
}

/* ---- 64 KiB through a slow reader ---- */

#define BIG (64 * 1024)
#define CHUNK (16 * 1024)
#define SEED 7u

static size_t big_queued;
static int big_short, big_bad_ret, big_buffered_at_writeable;
static int big_choked_when_buffered;
static unsigned char *big_chunk;

static int writeable_big(struct lws *wsi)
{
	size_t n = BIG - big_queued < CHUNK ? BIG - big_queued : CHUNK;
	int r;

	/* lws drains what it kept before it calls this again. */
	if (lws_partial_buffered(wsi))
		big_buffered_at_writeable++;
	if (!n)
		return 0;
	raw_fill(big_chunk + LWS_PRE, n, SEED, big_queued);
	r = lws_write(wsi, big_chunk + LWS_PRE, n, LWS_WRITE_RAW);
	if (r != (int)n)
		big_bad_ret++;
	big_queued += n;
	if (lws_partial_buffered(wsi)) {
		big_short++;
		if (lws_send_pipe_choked(wsi))
			big_choked_when_buffered++;
	}
	if (big_queued < BIG)
		lws_callback_on_writable(wsi);
	return 0;
}

/*
 * 64 KiB written in 16 KiB lws_write()s into a socket with a small send
 * buffer whose peer reads 1000 bytes per service pass: every lws_write
 * returns its length, lws keeps the rest (lws_partial_buffered, and
 * lws_send_pipe_choked, say so) and flushes it before the next
 * RAW_WRITEABLE; the peer gets every byte, in order.
 */
CAPI_TEST(raw_write_slow_reader, .flags = CAPI_AGREES_41)
{
	unsigned char *got = malloc(BIG);
	size_t have = 0, off;
	struct lws *w;
	int sv[2], sz = 4096;

	ASSERT_NOT_NULL(got);
	big_chunk = malloc(LWS_PRE + CHUNK);
	ASSERT_NOT_NULL(big_chunk);
	start();
	on_writeable = writeable_big;
	raw_socketpair(sv);
	ASSERT_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)),
		  0);
	ASSERT_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)),
		  0);
	raw_set_nonblock(sv[1]);
	w = raw_adopt(cx, sv[0], "a");
	ASSERT_NOT_NULL(w);
	ASSERT_EQ(loop_settle(cx), 0);

	lws_callback_on_writable(w);
	{
		long long deadline = now_us() +
				     (long long)capi_scaled_ms(5000) * 1000;

		while (have < BIG && now_us() < deadline) {
			ssize_t n;

			ASSERT_GE(lws_service(cx, -1), 0);
			n = read(sv[1], got + have,
				 BIG - have < 1000 ? BIG - have : 1000);
			if (n > 0)
				have += (size_t)n;
			else
				sleep_ms(1);
		}
	}
	ASSERT_EQ(have, BIG);
	ASSERT_EQ(big_queued, BIG);
	off = raw_check(got, BIG, SEED, 0);
	ASSERT_EQ(off, BIG);
	ASSERT_EQ(big_bad_ret, 0);
	ASSERT_GT(big_short, 0);
	ASSERT_EQ(big_choked_when_buffered, big_short);
	ASSERT_EQ(big_buffered_at_writeable, 0);
	ASSERT_EQ(lws_partial_buffered(w), 0);
	ASSERT_EQ(closed, 0);
	ASSERT_EQ(nested, 0);
	/* Nothing more arrives. */
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(read(sv[1], got, 1), -1);
	ASSERT_EQ(errno, EAGAIN);

	lws_context_destroy(cx);
	close(sv[1]);
	free(got);
	free(big_chunk);
}

/* ---- the peer has gone ---- */

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static int write_ret = 99;

static int writeable_write(struct lws *wsi)
{
	static unsigned char buf[LWS_PRE + 4096];

	memset(buf, 'x', sizeof(buf));
	write_ret = lws_write(wsi, buf + LWS_PRE, 4096, LWS_WRITE_RAW);
	return 0;
}

/*
 * The peer closed and the loop has not noticed yet; the program writes:
 * no SIGPIPE reaches the process (even with a handler installed after
 * the context was created), and the connection ends with one RAW_CLOSE.
 */
CAPI_TEST(raw_write_peer_gone_no_sigpipe, .flags = CAPI_AGREES_41)
{
	struct sigaction sa, old;
	struct lws *w;
	int sv[2];

	start();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGPIPE, &sa, &old), 0);

	on_writeable = writeable_write;
	raw_socketpair(sv);
	w = raw_adopt(cx, sv[0], "a");
	ASSERT_NOT_NULL(w);
	ASSERT_EQ(loop_settle(cx), 0);
	close(sv[1]);
	/* Write directly, outside any callback. */
	{
		static unsigned char buf[LWS_PRE + 16];
		int r = lws_write(w, buf + LWS_PRE, 16, LWS_WRITE_RAW);

		ASSERT_TRUE(r == 16 || r == -1);
	}
	ASSERT_EQ(sigpipes, 0);
	SERVICE_UNTIL(cx, closed, 2000);
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(sigpipes, 0);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 1);
	lws_context_destroy(cx);
	ASSERT_EQ(sigaction(SIGPIPE, &old, NULL), 0);
}

/*
 * The same from the writeable callback of a fresh connection whose peer
 * has gone.
 */
CAPI_TEST(raw_writeable_peer_gone_no_sigpipe, .flags = CAPI_AGREES_41)
{
	struct sigaction sa, old;
	struct lws *w;
	int sv[2];

	start();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigpipe;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(sigaction(SIGPIPE, &sa, &old), 0);

	on_writeable = writeable_write;
	raw_socketpair(sv);
	w = raw_adopt(cx, sv[0], "a");
	ASSERT_NOT_NULL(w);
	close(sv[1]);
	lws_callback_on_writable(w);
	SERVICE_UNTIL(cx, closed, 2000);
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(sigpipes, 0);
	ASSERT_TRUE(write_ret == 4096 || write_ret == -1 || write_ret == 99);
	lws_context_destroy(cx);
	ASSERT_EQ(sigaction(SIGPIPE, &old, NULL), 0);
}

/* ---- descriptor numbers reused ---- */

static int close_on_rx(struct lws *wsi, void *in, size_t len)
{
	(void)wsi;
	(void)in;
	(void)len;
	return -1;
}

/*
 * A wsi is closed (once by the peer's hang-up, once by RAW_RX returning
 * -1) and the next socketpair gets the same descriptor numbers: the new
 * wsi sees both its writeable callback and its data.
 */
CAPI_TEST(raw_fd_reuse, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w;
	int sv[2], old0, round;

	start();
	raw_socketpair(sv);
	old0 = sv[0];
	for (round = 0; round < 3; round++) {
		trace_line("-- round %d", round);
		on_rx = NULL;
		w = raw_adopt(cx, sv[0], "a");
		ASSERT_NOT_NULL(w);
		ASSERT_EQ(loop_settle(cx), 0);
		lws_callback_on_writable(w);
		SERVICE_UNTIL(cx, nwriteable == round + 1, 2000);
		ASSERT_EQ(nwriteable, round + 1);
		ASSERT_EQ(write(sv[1], "x", 1), 1);
		SERVICE_UNTIL(cx, trace_count(LWS_CALLBACK_RAW_RX) ==
					  (unsigned int)round + 1, 2000);
		ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_RX), round + 1);
		ASSERT_EQ(loop_settle(cx), 0);
		if (round == 1) {
			/* closed from RAW_RX */
			on_rx = close_on_rx;
			ASSERT_EQ(write(sv[1], "y", 1), 1);
		} else {
			close(sv[1]);
		}
		SERVICE_UNTIL(cx, closed == round + 1, 2000);
		ASSERT_EQ(closed, round + 1);
		ASSERT_EQ(loop_settle(cx), 0);
		if (round == 1)
			close(sv[1]);
		raw_socketpair(sv);
		/* (the kernel hands out the lowest free number) */
		ASSERT_EQ(sv[0], old0);
	}
	close(sv[0]);
	close(sv[1]);
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/a\n"
		     "PROTOCOL_INIT default/b\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "-- round 0\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "RAW_WRITEABLE default/a user\n"
		     "RAW_RX default/a user in=set len=1\n"
		     "RAW_SKT_DROP_PROTOCOL default/a user in=set\n"
		     "RAW_CLOSE default/a user\n"
		     "WSI_DESTROY default/a user\n"
		     "-- round 1\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "RAW_WRITEABLE default/a user\n"
		     "RAW_RX default/a user in=set len=1\n"
		     "RAW_RX default/a user in=set len=1\n"
		     "RAW_SKT_DROP_PROTOCOL default/a user in=set\n"
		     "RAW_CLOSE default/a user\n"
		     "WSI_DESTROY default/a user\n"
		     "-- round 2\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "EVENT_WAIT_CANCELLED default/a default/b\n"
		     "RAW_WRITEABLE default/a user\n"
		     "RAW_RX default/a user in=set len=1\n"
		     "RAW_SKT_DROP_PROTOCOL default/a user in=set\n"
		     "RAW_CLOSE default/a user\n"
		     "WSI_DESTROY default/a user\n"
		     "PROTOCOL_DESTROY default/a\n"
		     "PROTOCOL_DESTROY default/b\n");
}
