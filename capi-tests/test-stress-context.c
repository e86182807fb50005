/*
 * Create and destroy a context 1,000 times, each with one adopted socket
 * (one end of a socketpair) that receives and echoes a message; every
 * 10th context is destroyed from inside the RAW_RX callback (the running
 * lws_service finishes it and returns -1), the others from outside.
 *
 * Checked by counting: every cycle sees its adopt, its message, its echo,
 * its close and PROTOCOL_DESTROY; the process has exactly as many open
 * descriptors afterwards as before (lws 4.3.5: one more per context, see
 * the reason below); and, at exit, LeakSanitizer (ASan build) or valgrind
 * (the harness's valgrind run) finds nothing left.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "stress-util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static long adopts, rxs, closes, in_cb_destroys;
static int destroy_in_rx;
static unsigned char out[LWS_PRE + 64];

static int cycle_cb(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		adopts++;
		break;
	case LWS_CALLBACK_RAW_RX:
		rxs++;
		if (len > sizeof(out) - LWS_PRE)
			len = sizeof(out) - LWS_PRE;
		memcpy(out + LWS_PRE, in, len);
		if (lws_write(wsi, out + LWS_PRE, len, LWS_WRITE_RAW) !=
		    (int)len)
			return -1;
		if (destroy_in_rx) {
			destroy_in_rx = 0;
			in_cb_destroys++;
			lws_context_destroy(lws_get_context(wsi));
		}
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		closes++;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols cycle_protocols[] = {
	{ "raw", cycle_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

CAPI_TEST(stress_context_cycle, .timeout_ms = 120000,
	  .expect_differs_from_lws =
		  "lws 4.3.5 leaks one descriptor per context, its wake-up "
		  "eventfd, which lws_context_destroy leaves open; rwsloop "
		  "closes it, as lws 4.1.6 does")
{
	long n = stress_count(1000, 1000, 100), i;
	int fds0, sv[2];
	char msg[32], back[32];
	struct timeval tmo = { 5, 0 };

	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	fds0 = stress_open_fds();
	ASSERT_GT(fds0, 0);
	for (i = 0; i < n; i++) {
		struct lws_context *cx;
		lws_sock_file_fd_type fd;
		struct lws *wsi;
		int len;

		cx = make_context(cycle_protocols, NULL, 0, NULL);
		ASSERT_NOT_NULL(cx);
		trace_expect_context(cx);
		ASSERT_EQ(loop_settle(cx), 0);
		if (i == 0)
			trace_freeze();

		ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				     sv),
			  0);
		ASSERT_EQ(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
		/* Our reads below fail instead of hanging. */
		ASSERT_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tmo,
				     sizeof(tmo)),
			  0);
		memset(&fd, 0, sizeof(fd));
		fd.sockfd = sv[0];
		wsi = lws_adopt_descriptor_vhost(
			lws_get_vhost_by_name(cx, "default"), LWS_ADOPT_SOCKET,
			fd, "raw", NULL);
		ASSERT_NOT_NULL(wsi);
		ASSERT_EQ(adopts, i + 1);

		len = snprintf(msg, sizeof(msg), "cycle %ld", i);
		ASSERT_EQ(write(sv[1], msg, (size_t)len), len);
		destroy_in_rx = i % 10 == 9;
		SERVICE_UNTIL(cx, rxs == i + 1, 5000);
		ASSERT_EQ(rxs, i + 1);
		if (i % 10 == 9) {
			/* Destroyed in RAW_RX: the pass finished it. */
			if (loop_last_ret != -1)
				SERVICE_UNTIL(cx, 0, 2000);
			ASSERT_EQ(loop_last_ret, -1);
		}
		/* The echo was written before any destroy. */
		ASSERT_EQ(read(sv[1], back, sizeof(back)), len);
		ASSERT_EQ(memcmp(back, msg, (size_t)len), 0);
		if (i % 10 != 9)
			lws_context_destroy(cx);
		ASSERT_EQ(closes, i + 1);
		ASSERT_EQ(trace_count(LWS_CALLBACK_PROTOCOL_DESTROY),
			  (unsigned int)(i + 1));
		/* The adopted end was closed with the context. */
		ASSERT_EQ(read(sv[1], back, sizeof(back)), 0);
		close(sv[1]);
	}
	printf("%ld contexts, %ld destroyed from RAW_RX; %d descriptors "
	       "open before, %d after\n",
	       n, in_cb_destroys, fds0, stress_open_fds());
	ASSERT_EQ(in_cb_destroys, n / 10);
	if (CAPI_IMPL == CAPI_LWS43)
		/* lws 4.3.5 keeps its wake-up eventfd of every context. */
		ASSERT_EQ(stress_open_fds(), fds0 + n);
	else
		ASSERT_EQ(stress_open_fds(), fds0);
}
