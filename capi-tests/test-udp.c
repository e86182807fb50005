/*
 * UDP wsis (lws 4.3 API): lws_create_adopt_udp bound to 127.0.0.1 echoing
 * to whoever sent last (lws_get_udp), and a connected UDP wsi.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if CAPI_HAVE_43

static struct lws_context *cx;
static unsigned char pending[LWS_PRE + 64];
static size_t pending_len;
static int rx_count, closed;
static struct sockaddr_in last_from;
static int from_ok = 1;

static int udp_cb(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	const struct lws_udp *u;
	int n;

	if (raw_is_poll_reason(reason))
		return 0;
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		/* (lws re-binds the protocol after RAW_ADOPT on UDP: a
		 * fresh pss replaces this one) */
		if (user)
			*(unsigned char *)user = 0x5a;
		break;
	case LWS_CALLBACK_RAW_RX:
		if (!rx_count)
			trace_line("pss written in RAW_ADOPT: %s",
				   user && *(unsigned char *)user == 0x5a
					   ? "kept"
					   : "zeroed");
		rx_count++;
		u = lws_get_udp(wsi);
		if (!u) {
			from_ok = 0;
			break;
		}
		/* The sender of this datagram. */
		memcpy(&last_from, &u->sa46.sa4, sizeof(last_from));
		if (len <= sizeof(pending) - LWS_PRE) {
			memcpy(pending + LWS_PRE, in, len);
			pending_len = len;
			lws_callback_on_writable(wsi);
		}
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (!pending_len)
			break;
		n = lws_write(wsi, pending + LWS_PRE, pending_len,
			      LWS_WRITE_RAW);
		trace_line("lws_write %zu -> %d", pending_len, n);
		pending_len = 0;
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
	{ "udp", udp_cb, 32, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void start(void)
{
	struct lws_context_creation_info info;

	raw_info(&info, protos);
	cx = raw_start(&info);
}

/* A UDP socket bound to 127.0.0.1:0; its address in *sin. */
static int udp_socket(struct sockaddr_in *sin)
{
	socklen_t sl = sizeof(*sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ASSERT_GE(fd, 0);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)sin, &sl), 0);
	return fd;
}

static int wsi_port(struct lws *wsi)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	ASSERT_EQ(getsockname(lws_get_socket_fd(wsi), (struct sockaddr *)&sin,
			      &sl),
		  0);
	return ntohs(sin.sin_port);
}

static void send_to(int fd, int port, const char *s)
{
	struct sockaddr_in to;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((unsigned short)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(sendto(fd, s, strlen(s), 0, (struct sockaddr *)&to,
			 sizeof(to)),
		  (long)strlen(s));
}

static int same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_family == AF_INET && a->sin_port == b->sin_port &&
	       a->sin_addr.s_addr == b->sin_addr.s_addr;
}

#endif /* CAPI_HAVE_43 */

/*
 * Bound to 127.0.0.1 (kernel-chosen port): a datagram from A is echoed to
 * A, one from B to B; lws_get_udp() names the sender each time.
 */
CAPI_TEST(udp_bind_echo, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	struct sockaddr_in sa, sb, from;
	socklen_t fl = sizeof(from);
	struct lws *w;
	char buf[32];
	int a, b, port;

	start();
	a = udp_socket(&sa);
	b = udp_socket(&sb);
	trace_line("-- create and bind");
	w = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "default"),
				 "127.0.0.1", 0, LWS_CAUDP_BIND, "udp", NULL,
				 NULL, NULL, NULL, "user");
	ASSERT_NOT_NULL(w);
	ASSERT_NOT_NULL(lws_get_udp(w));
	port = wsi_port(w);
	ASSERT_GT(port, 0);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- A sends hello");
	send_to(a, port, "hello");
	SERVICE_UNTIL(cx, raw_readable(a, 0), 2000);
	ASSERT_EQ(recvfrom(a, buf, sizeof(buf), MSG_DONTWAIT,
			   (struct sockaddr *)&from, &fl),
		  5);
	ASSERT_TRUE(!memcmp(buf, "hello", 5));
	ASSERT_EQ(ntohs(from.sin_port), port);
	ASSERT_TRUE(same_peer(&last_from, &sa));
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- B sends xy");
	send_to(b, port, "xy");
	SERVICE_UNTIL(cx, raw_readable(b, 0), 2000);
	ASSERT_EQ(recv(b, buf, sizeof(buf), MSG_DONTWAIT), 2);
	ASSERT_TRUE(!memcmp(buf, "xy", 2));
	ASSERT_TRUE(same_peer(&last_from, &sb));
	ASSERT_EQ(loop_settle(cx), 0);
	/* A got nothing more. */
	ASSERT_EQ(recv(a, buf, sizeof(buf), MSG_DONTWAIT), -1);
	ASSERT_EQ(rx_count, 2);
	ASSERT_TRUE(from_ok);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_EQ(closed, 1);
	close(a);
	close(b);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/udp\n"
		     "EVENT_WAIT_CANCELLED default/udp\n"
		     "-- create and bind\n"
		     "WSI_CREATE default/udp\n"
		     "RAW_SKT_BIND_PROTOCOL default/udp user\n"
		     "RAW_ADOPT default/udp user\n"
		     "RAW_SKT_DROP_PROTOCOL default/udp user in=set\n"
		     "RAW_SKT_BIND_PROTOCOL default/udp user\n"
		     "EVENT_WAIT_CANCELLED default/udp\n"
		     "-- A sends hello\n"
		     "RAW_RX default/udp user in=set len=5\n"
		     "pss written in RAW_ADOPT: zeroed\n"
		     "RAW_WRITEABLE default/udp user\n"
		     "lws_write 5 -> 5\n"
		     "-- B sends xy\n"
		     "RAW_RX default/udp user in=set len=2\n"
		     "RAW_WRITEABLE default/udp user\n"
		     "lws_write 2 -> 2\n"
		     "-- destroy\n"
		     "RAW_SKT_DROP_PROTOCOL default/udp user in=set\n"
		     "RAW_CLOSE default/udp user\n"
		     "WSI_DESTROY default/udp user\n"
		     "PROTOCOL_DESTROY default/udp\n");
#endif
}

/*
 * Without LWS_CAUDP_BIND the wsi is connected to 127.0.0.1:port: a write
 * goes there, and the answer comes back as RAW_RX.
 */
CAPI_TEST(udp_connected, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
#if CAPI_HAVE_43
	struct sockaddr_in sp, from;
	socklen_t fl = sizeof(from);
	struct lws *w;
	char buf[32];
	int p, port;

	start();
	p = udp_socket(&sp);
	trace_line("-- create, connected to the peer");
	w = lws_create_adopt_udp(lws_get_vhost_by_name(cx, "default"),
				 "127.0.0.1", ntohs(sp.sin_port), 0, "udp",
				 NULL, NULL, NULL, NULL, "user");
	ASSERT_NOT_NULL(w);
	port = wsi_port(w);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- lws writes ping");
	memcpy(pending + LWS_PRE, "ping", 4);
	pending_len = 4;
	lws_callback_on_writable(w);
	SERVICE_UNTIL(cx, raw_readable(p, 0), 2000);
	ASSERT_EQ(recvfrom(p, buf, sizeof(buf), MSG_DONTWAIT,
			   (struct sockaddr *)&from, &fl),
		  4);
	ASSERT_TRUE(!memcmp(buf, "ping", 4));
	ASSERT_EQ(ntohs(from.sin_port), port);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- the peer answers pong (echoed back)");
	send_to(p, port, "pong");
	SERVICE_UNTIL(cx, raw_readable(p, 0), 2000);
	ASSERT_EQ(recv(p, buf, sizeof(buf), MSG_DONTWAIT), 4);
	ASSERT_TRUE(!memcmp(buf, "pong", 4));
	ASSERT_EQ(rx_count, 1);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	close(p);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/udp\n"
		     "EVENT_WAIT_CANCELLED default/udp\n"
		     "-- create, connected to the peer\n"
		     "WSI_CREATE default/udp\n"
		     "RAW_SKT_BIND_PROTOCOL default/udp user\n"
		     "RAW_ADOPT default/udp user\n"
		     "RAW_SKT_DROP_PROTOCOL default/udp user in=set\n"
		     "RAW_SKT_BIND_PROTOCOL default/udp user\n"
		     "EVENT_WAIT_CANCELLED default/udp\n"
		     "-- lws writes ping\n"
		     "RAW_WRITEABLE default/udp user\n"
		     "lws_write 4 -> 4\n"
		     "-- the peer answers pong (echoed back)\n"
		     "RAW_RX default/udp user in=set len=4\n"
		     "pss written in RAW_ADOPT: zeroed\n"
		     "RAW_WRITEABLE default/udp user\n"
		     "lws_write 4 -> 4\n"
		     "-- destroy\n"
		     "RAW_SKT_DROP_PROTOCOL default/udp user in=set\n"
		     "RAW_CLOSE default/udp user\n"
		     "WSI_DESTROY default/udp user\n"
		     "PROTOCOL_DESTROY default/udp\n");
#endif
}
