/*
 * Receive flow control on raw sockets: lws_rx_flow_control with a plain
 * 0/1 and with LWS_RXFLOW_REASON_* bits, lws_rx_flow_allow_all_protocol,
 * and a large message whose reader pauses from inside RAW_RX.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct lws_context *cx;
static unsigned char rx_buf[16 * 1024];
static size_t rx_len;
static int rx_calls, closed;
static int pause_in_rx; /* RAW_RX switches flow off */
static int rx_while_paused;
static int paused;

static int flow_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	if (raw_is_poll_reason(reason))
		return 0;
	if (reason != LWS_CALLBACK_RAW_RX || !pause_in_rx)
		trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_RX:
		rx_calls++;
		if (paused)
			rx_while_paused++;
		if (rx_len + len <= sizeof(rx_buf)) {
			memcpy(rx_buf + rx_len, in, len);
			rx_len += len;
		}
		if (pause_in_rx) {
			paused = 1;
			lws_rx_flow_control(wsi, 0);
		}
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
	{ "a", flow_cb, 16, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static struct lws *start_adopted(int sv[2])
{
	struct lws_context_creation_info info;
	struct lws *w;

	raw_info(&info, protos);
	cx = raw_start(&info);
	raw_socketpair(sv);
	w = raw_adopt(cx, sv[0], "a");
	ASSERT_NOT_NULL(w);
	ASSERT_EQ(loop_settle(cx), 0);
	return w;
}

/* Service for `ms` (scaled), then settle: data held back stays held. */
static void idle(int ms)
{
	SERVICE_UNTIL(cx, 0, ms);
	ASSERT_EQ(loop_settle(cx), 0);
}

static void peer_writes(int fd, const char *s)
{
	trace_line("-- peer writes %s", s);
	ASSERT_EQ(write(fd, s, strlen(s)), (long)strlen(s));
}

/*
 * Flow off: what the peer writes is not delivered, however long the loop
 * runs; flow on: it all comes, in one RAW_RX. The same with reason bits,
 * where reception resumes only when every disabling reason is cleared,
 * and with lws_rx_flow_allow_all_protocol.
 */
CAPI_TEST(raw_rx_flow, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct lws *w;
	int sv[2];

	w = start_adopted(sv);

	trace_line("-- flow off -> %d", lws_rx_flow_control(w, 0));
	peer_writes(sv[1], "ab");
	idle(100);
	ASSERT_EQ(rx_calls, 0);
	trace_line("-- flow on -> %d", lws_rx_flow_control(w, 1));
	SERVICE_UNTIL(cx, rx_len >= 2, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(rx_len, 2);
	ASSERT_TRUE(!memcmp(rx_buf, "ab", 2));

	trace_line("-- off for USER_BOOL -> %d",
		   lws_rx_flow_control(w, LWS_RXFLOW_REASON_APPLIES_DISABLE |
					       LWS_RXFLOW_REASON_USER_BOOL));
	trace_line("-- off for bit 1 -> %d",
		   lws_rx_flow_control(w, LWS_RXFLOW_REASON_APPLIES_DISABLE |
					       (1 << 1)));
	peer_writes(sv[1], "cd");
	idle(50);
	trace_line("-- on for USER_BOOL -> %d",
		   lws_rx_flow_control(w, LWS_RXFLOW_REASON_APPLIES_ENABLE |
					       LWS_RXFLOW_REASON_USER_BOOL));
	idle(50);
	ASSERT_EQ(rx_len, 2);
	trace_line("-- on for bit 1 -> %d",
		   lws_rx_flow_control(w, LWS_RXFLOW_REASON_APPLIES_ENABLE |
					       (1 << 1)));
	SERVICE_UNTIL(cx, rx_len >= 4, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(rx_len, 4);
	ASSERT_TRUE(!memcmp(rx_buf, "abcd", 4));

	trace_line("-- flow off -> %d", lws_rx_flow_control(w, 0));
	peer_writes(sv[1], "ef");
	idle(50);
	/* lws finds the wsis by protocol pointer: the program's own array
	 * element is not the vhost's copy, and nothing happens. */
	trace_line("-- allow all of protocol a (the program's array)");
	lws_rx_flow_allow_all_protocol(cx, &protos[0]);
	idle(50);
	ASSERT_EQ(rx_len, 4);
	trace_line("-- allow all of protocol a (the vhost's copy)");
	lws_rx_flow_allow_all_protocol(cx, lws_get_protocol(w));
	SERVICE_UNTIL(cx, rx_len >= 6, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(rx_len, 6);
	ASSERT_TRUE(!memcmp(rx_buf, "abcdef", 6));
	ASSERT_EQ(closed, 0);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	close(sv[1]);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/a\n"
		     "EVENT_WAIT_CANCELLED default/a\n"
		     "WSI_CREATE default/a\n"
		     "RAW_SKT_BIND_PROTOCOL default/a user\n"
		     "RAW_ADOPT default/a user\n"
		     "EVENT_WAIT_CANCELLED default/a\n"
		     "-- flow off -> 0\n"
		     "-- peer writes ab\n"
		     "-- flow on -> 0\n"
		     "RAW_RX default/a user in=set len=2\n"
		     "-- off for USER_BOOL -> 0\n"
		     "-- off for bit 1 -> 0\n"
		     "-- peer writes cd\n"
		     "-- on for USER_BOOL -> 0\n"
		     "-- on for bit 1 -> 0\n"
		     "RAW_RX default/a user in=set len=2\n"
		     "-- flow off -> 0\n"
		     "-- peer writes ef\n"
		     "-- allow all of protocol a (the program's array)\n"
		     "-- allow all of protocol a (the vhost's copy)\n"
		     "RAW_RX default/a user in=set len=2\n"
		     "-- destroy\n"
		     "RAW_SKT_DROP_PROTOCOL default/a user in=set\n"
		     "RAW_CLOSE default/a user\n"
		     "WSI_DESTROY default/a user\n"
		     "PROTOCOL_DESTROY default/a\n");
}

/*
 * The reader pauses inside each RAW_RX and resumes from outside: 12000
 * bytes arrive complete and in order, nothing is delivered while paused,
 * and the peer's hang-up is only seen once everything was read. (lws
 * 4.1.6 closes on the hang-up while paused and loses the unread data.)
 */
CAPI_TEST(raw_rx_flow_pause_in_rx, .flags = CAPI_NEEDS_43)
{
	unsigned char msg[12000];
	struct lws *w;
	int sv[2], resumes = 0;
	long long deadline;

	w = start_adopted(sv);
	pause_in_rx = 1;
	raw_fill(msg, sizeof(msg), 3u, 0);
	ASSERT_EQ(raw_write_full(sv[1], msg, sizeof(msg), 2000), sizeof(msg));
	close(sv[1]);

	deadline = now_us() + (long long)capi_scaled_ms(5000) * 1000;
	while (!closed && now_us() < deadline) {
		int before = rx_calls;

		SERVICE_UNTIL(cx, rx_calls > before || closed, 1000);
		if (closed)
			break;
		ASSERT_EQ(rx_calls, before + 1);
		/* Paused: the loop delivers nothing more. */
		ASSERT_EQ(loop_settle(cx), 0);
		ASSERT_EQ(rx_calls, before + 1);
		/* The peer's hang-up waits behind the unread data. */
		ASSERT_EQ(closed, 0);
		paused = 0;
		resumes++;
		lws_rx_flow_control(w, 1);
	}
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(rx_while_paused, 0);
	ASSERT_EQ(rx_len, sizeof(msg));
	ASSERT_EQ(raw_check(rx_buf, rx_len, 3u, 0), sizeof(msg));
	ASSERT_GE(resumes, 3); /* at most 4096 bytes per RAW_RX */
	lws_context_destroy(cx);
}
