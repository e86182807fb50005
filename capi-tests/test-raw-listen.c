/*
 * Raw listeners and raw clients: a listener and a client in one context
 * talking to each other, a refused client, listeners on Unix-domain
 * sockets (a path and an abstract name) and on IPv6 ::1 reached with a
 * plain connect().
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define RAW_CONNECTED LWS_CALLBACK_RAW_CONNECTED

static struct lws_context *cx;

/* ---- helpers ---- */

static struct lws_vhost *listen_vhost(const char *name,
				      const struct lws_protocols *protos,
				      const char *iface, int port,
				      unsigned long long extra_options,
				      const char *accept_protocol)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	info.vhost_name = name;
	info.protocols = protos;
	info.port = port;
	info.iface = iface;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG |
		       extra_options;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = accept_protocol;
	return lws_create_vhost(cx, &info);
}

static struct lws_vhost *plain_vhost(const char *name,
				     const struct lws_protocols *protos)
{
	struct lws_context_creation_info info;

	memset(&info, 0, sizeof(info));
	info.vhost_name = name;
	info.protocols = protos;
	info.port = CONTEXT_PORT_NO_LISTEN;
	return lws_create_vhost(cx, &info);
}

/* A context without vhosts (they are added by the test). */
static void start_empty(const struct lws_protocols *protos)
{
	struct lws_context_creation_info info;

	raw_info(&info, protos);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	cx = lws_create_context(&info);
	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
}

static struct lws *raw_client(const char *vhost, const char *address,
			      int port, const char *protocol)
{
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof(i));
	i.context = cx;
	i.vhost = lws_get_vhost_by_name(cx, vhost);
	i.address = address;
	i.port = port;
	i.host = address;
	i.origin = address;
	i.method = "RAW";
	i.local_protocol_name = protocol;
	return lws_client_connect_via_info(&i);
}

/* ---- a server and a client in one context ---- */

struct conn {
	unsigned char buf[LWS_PRE + 64];
	size_t len;       /* bytes waiting in buf */
	unsigned int rx;  /* bytes received */
};

static struct conn srv, cli;
static int srv_closed, cli_closed, cli_connected;
static char srv_peer[64];
static int trace_peer = 1;

static void queue(struct lws *wsi, struct conn *c, const void *p, size_t n)
{
	ASSERT_LE(c->len + n, sizeof(c->buf) - LWS_PRE);
	memcpy(c->buf + LWS_PRE + c->len, p, n);
	c->len += n;
	lws_callback_on_writable(wsi);
}

static int flush_conn(struct lws *wsi, struct conn *c)
{
	int n;

	if (!c->len)
		return 0;
	n = lws_write(wsi, c->buf + LWS_PRE, c->len, LWS_WRITE_RAW);
	raw_line(wsi, "lws_write %zu -> %d", c->len, n);
	if (n != (int)c->len)
		return -1;
	c->len = 0;
	return 0;
}

static int srv_cb(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	if (raw_is_poll_reason(reason))
		return 0;
	raw_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		srv_peer[0] = '\0';
		lws_get_peer_simple(wsi, srv_peer, sizeof(srv_peer));
		if (trace_peer)
			raw_line(wsi, "peer %s", srv_peer);
		break;
	case LWS_CALLBACK_RAW_RX:
		srv.rx += (unsigned int)len;
		if (len == 3 && !memcmp(in, "bye", 3)) {
			raw_line(wsi, "bye: return -1");
			return -1;
		}
		queue(wsi, &srv, in, len);
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		return flush_conn(wsi, &srv);
	case LWS_CALLBACK_RAW_CLOSE:
		srv_closed++;
		break;
	default:
		break;
	}
	return 0;
}

static int cli_cb(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	if (raw_is_poll_reason(reason))
		return 0;
	raw_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_CONNECTED:
		cli_connected++;
		queue(wsi, &cli, "ping", 4);
		break;
	case LWS_CALLBACK_RAW_RX:
		cli.rx += (unsigned int)len;
		if (len == 4 && !memcmp(in, "ping", 4))
			queue(wsi, &cli, "bye", 3);
		else
			raw_line(wsi, "unexpected rx");
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		return flush_conn(wsi, &cli);
	case LWS_CALLBACK_RAW_CLOSE:
		cli_closed++;
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		raw_line(wsi, "  error: %s", in ? (const char *)in : "(null)");
		cli_closed++;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols srv_protos[] = {
	{ "echo", srv_cb, sizeof(int), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};
static const struct lws_protocols cli_protos[] = {
	{ "pinger", cli_cb, sizeof(int), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/*
 * Vhost "srv" listens on 127.0.0.1, port chosen by the kernel, accepting
 * into raw-skt / "echo"; vhost "cli" connects to it with method RAW. The
 * client sends "ping" when connected, the server echoes it, the client
 * answers "bye" and the server closes from RAW_RX by returning -1; the
 * client then sees its RAW_CLOSE. The server sees the peer as 127.0.0.1.
 * (lws 4.1.6 differs: no CONNECTING, and a dual-stack listener.)
 */
CAPI_TEST(raw_listen_client_echo, .flags = CAPI_TRACE)
{
	struct lws_vhost *vs;
	int port;

	start_empty(srv_protos);
	vs = listen_vhost("srv", srv_protos, "127.0.0.1", 0, 0, "echo");
	ASSERT_NOT_NULL(vs);
	ASSERT_NOT_NULL(plain_vhost("cli", cli_protos));
	raw_split_vhost("srv");
	raw_split_vhost("cli");
	ASSERT_EQ(raw_settle(cx), 0);
	port = lws_get_vhost_listen_port(vs);
	ASSERT_GT(port, 0);
	ASSERT_LT(port, 65536);

	trace_line("-- client connects");
	ASSERT_NOT_NULL(raw_client("cli", "127.0.0.1", port, "pinger"));
	SERVICE_UNTIL(cx, srv_closed && cli_closed, 3000);
	ASSERT_EQ(raw_settle(cx), 0);
	ASSERT_EQ(srv_closed, 1);
	ASSERT_EQ(cli_closed, 1);
	ASSERT_EQ(cli_connected, 1);
	ASSERT_EQ(srv.rx, 7);
	ASSERT_EQ(cli.rx, 4);
	/* (lws 4.1.6 listens dual-stack: "::ffff:127.0.0.1") */
	if (CAPI_IMPL != CAPI_LWS41)
		ASSERT_STR_EQ(srv_peer, "127.0.0.1");
	/* The listener is still there. */
	ASSERT_EQ(lws_get_vhost_listen_port(vs), port);
	raw_split_flush();
	trace_line("-- destroy");
	lws_context_destroy(cx);
	/* 105 = CONNECTING (in: the socket), 101 = RAW_CONNECTED,
	 * 17 = FILTER_NETWORK_CONNECTION (user: the accept args, in: the
	 * socket), all on the vhost's protocols[0]. */
	if (CAPI_IMPL != CAPI_LWS41)
		ASSERT_TRACE(
		     "GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT srv/echo\n"
		     "PROTOCOL_INIT cli/pinger\n"
		     "EVENT_WAIT_CANCELLED srv/echo cli/pinger\n"
		     "-- client connects\n"
		     "EVENT_WAIT_CANCELLED srv/echo cli/pinger\n"
		     "[srv]\n"
		     "  REASON_17 srv/echo user in=set\n"
		     "  WSI_CREATE srv/echo\n"
		     "  RAW_SKT_BIND_PROTOCOL srv/echo user\n"
		     "  RAW_ADOPT srv/echo user\n"
		     "  peer 127.0.0.1\n"
		     "  RAW_RX srv/echo user in=set len=4\n"
		     "  RAW_WRITEABLE srv/echo user\n"
		     "  lws_write 4 -> 4\n"
		     "  RAW_RX srv/echo user in=set len=3\n"
		     "  bye: return -1\n"
		     "  RAW_SKT_DROP_PROTOCOL srv/echo user in=set\n"
		     "  RAW_CLOSE srv/echo user\n"
		     "  WSI_DESTROY srv/echo user\n"
		     "[cli]\n"
		     "  RAW_SKT_BIND_PROTOCOL cli/pinger user\n"
		     "  REASON_105 cli/pinger user in=set\n"
		     "  WSI_CREATE cli/pinger user\n"
		     "  REASON_101 cli/pinger user\n"
		     "  RAW_WRITEABLE cli/pinger user\n"
		     "  lws_write 4 -> 4\n"
		     "  RAW_RX cli/pinger user in=set len=4\n"
		     "  RAW_WRITEABLE cli/pinger user\n"
		     "  lws_write 3 -> 3\n"
		     "  RAW_SKT_DROP_PROTOCOL cli/pinger user in=set\n"
		     "  RAW_CLOSE cli/pinger user\n"
		     "  WSI_DESTROY cli/pinger user\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY srv/echo\n"
		     "PROTOCOL_DESTROY cli/pinger\n");
}

/*
 * A client to a port where a socket is bound but not listening: the
 * connection is refused; CLIENT_CONNECTION_ERROR, no RAW_CONNECTED and no
 * RAW_CLOSE.
 */
CAPI_TEST(raw_client_refused, .flags = CAPI_TRACE)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct lws *w;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_GE(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ASSERT_EQ(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);

	start_empty(cli_protos);
	ASSERT_NOT_NULL(plain_vhost("cli", cli_protos));
	ASSERT_EQ(raw_settle(cx), 0);

	trace_line("-- connect to a port nobody listens on");
	w = raw_client("cli", "127.0.0.1", ntohs(sin.sin_port), "pinger");
	trace_line("-- connect returned %s", w ? "a wsi" : "NULL");
	SERVICE_UNTIL(cx, cli_closed, 3000);
	ASSERT_EQ(raw_settle(cx), 0);
	ASSERT_EQ(cli_closed, 1);
	ASSERT_EQ(cli_connected, 0);
	ASSERT_EQ(raw_count(LWS_CALLBACK_CLIENT_CONNECTION_ERROR), 1);
	ASSERT_EQ(raw_count(LWS_CALLBACK_RAW_CLOSE), 0);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	close(fd);
	/* 1 = CLIENT_CONNECTION_ERROR, in: the reason text. (lws 4.1.6 says
	 * "Unable to connect" and sends no CONNECTING.) */
	if (CAPI_IMPL != CAPI_LWS41)
		ASSERT_TRACE(
		     "GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT cli/pinger\n"
		     "EVENT_WAIT_CANCELLED cli/pinger\n"
		     "-- connect to a port nobody listens on\n"
		     "RAW_SKT_BIND_PROTOCOL cli/pinger user\n"
		     "REASON_105 cli/pinger user in=set\n"
		     "-- connect returned a wsi\n"
		     "REASON_1 cli/pinger user in=set len=14\n"
		     "  error: conn fail: 111\n"
		     "RAW_SKT_DROP_PROTOCOL cli/pinger user in=set\n"
		     "WSI_DESTROY cli/pinger user\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY cli/pinger\n");
}

/* ---- listeners reached by a plain connect() ---- */

static int plain_connect(int family, const void *addr, socklen_t len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ASSERT_GE(fd, 0);
	if (connect(fd, (const struct sockaddr *)addr, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Echo "hello" through an accepted connection, then hang up and wait for
 * the server side's RAW_CLOSE. */
static void echo_through(int fd)
{
	unsigned int w0 = raw_count(LWS_CALLBACK_RAW_WRITEABLE);
	char got[8];

	trace_line("-- peer sends hello");
	ASSERT_EQ(raw_write_full(fd, "hello", 5, 2000), 5);
	SERVICE_UNTIL(cx, srv.rx >= 5 &&
				  raw_count(LWS_CALLBACK_RAW_WRITEABLE) > w0,
		      2000);
	ASSERT_EQ(raw_read_full(fd, got, 5, 2000), 5);
	ASSERT_TRUE(!memcmp(got, "hello", 5));
	ASSERT_EQ(raw_settle(cx), 0);
	trace_line("-- peer hangs up");
	close(fd);
	SERVICE_UNTIL(cx, srv_closed, 2000);
	ASSERT_EQ(raw_settle(cx), 0);
	ASSERT_EQ(srv_closed, 1);
	ASSERT_EQ(srv.rx, 5);
}

/* The last WSI_DESTROY is the listener's. */
static const char unix_trace[] =
	"GET_THREAD_ID -/-\n"
	"PROTOCOL_INIT srv/echo\n"
	"EVENT_WAIT_CANCELLED srv/echo\n"
	"-- connect\n"
	"REASON_17 srv/echo user in=set\n"
	"WSI_CREATE srv/echo\n"
	"RAW_SKT_BIND_PROTOCOL srv/echo user\n"
	"RAW_ADOPT srv/echo user\n"
	"EVENT_WAIT_CANCELLED srv/echo\n"
	"-- peer sends hello\n"
	"RAW_RX srv/echo user in=set len=5\n"
	"RAW_WRITEABLE srv/echo user\n"
	"lws_write 5 -> 5\n"
	"-- peer hangs up\n"
	"RAW_SKT_DROP_PROTOCOL srv/echo user in=set\n"
	"RAW_CLOSE srv/echo user\n"
	"WSI_DESTROY srv/echo user\n"
	"-- destroy\n"
	"WSI_DESTROY srv/echo\n"
	"PROTOCOL_DESTROY srv/echo\n";

static void unix_listener(const char *iface, int abstract)
{
	struct sockaddr_un sun;
	socklen_t sl;
	struct lws_vhost *vs;
	int fd;

	trace_peer = 0;
	start_empty(srv_protos);
	vs = listen_vhost("srv", srv_protos, iface, 0,
			  LWS_SERVER_OPTION_UNIX_SOCK, "echo");
	ASSERT_NOT_NULL(vs);
	ASSERT_EQ(raw_settle(cx), 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (abstract) {
		/* "@name": the name in the abstract namespace. */
		memcpy(sun.sun_path + 1, iface + 1, strlen(iface + 1));
		sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				 strlen(iface + 1));
	} else {
		snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", iface);
		sl = sizeof(sun);
	}
	trace_line("-- connect");
	fd = plain_connect(AF_UNIX, &sun, sl);
	ASSERT_GE(fd, 0);
	SERVICE_UNTIL(cx, raw_count(LWS_CALLBACK_RAW_ADOPT) >= 1, 2000);
	ASSERT_EQ(raw_settle(cx), 0);
	/* (lws 4.1.6: an empty string) */
	if (CAPI_IMPL != CAPI_LWS41)
		ASSERT_STR_EQ(srv_peer, "(unix skt)");
	echo_through(fd);
	trace_line("-- destroy");
	lws_context_destroy(cx);
}

CAPI_TEST(raw_listen_unix_path, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	char path[108];

	snprintf(path, sizeof(path), "/tmp/capi-raw-%d.sock", (int)getpid());
	unlink(path);
	unix_listener(path, 0);
	unlink(path);
	ASSERT_TRACE(unix_trace);
}

CAPI_TEST(raw_listen_unix_abstract, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	char name[64];

	snprintf(name, sizeof(name), "@capi-raw-%d", (int)getpid());
	unix_listener(name, 1);
	ASSERT_TRACE(unix_trace);
}

CAPI_TEST(raw_listen_ipv6, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	struct sockaddr_in6 s6;
	struct lws_vhost *vs;
	int fd, port;

	start_empty(srv_protos);
	vs = listen_vhost("srv", srv_protos, "::1", 0, 0, "echo");
	ASSERT_NOT_NULL(vs);
	ASSERT_EQ(raw_settle(cx), 0);
	port = lws_get_vhost_listen_port(vs);
	ASSERT_GT(port, 0);

	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((unsigned short)port);
	s6.sin6_addr = in6addr_loopback;
	trace_line("-- connect to [::1]");
	fd = plain_connect(AF_INET6, &s6, sizeof(s6));
	ASSERT_GE(fd, 0);
	SERVICE_UNTIL(cx, raw_count(LWS_CALLBACK_RAW_ADOPT) >= 1, 2000);
	ASSERT_EQ(raw_settle(cx), 0);
	ASSERT_STR_EQ(srv_peer, "::1");
	echo_through(fd);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE(
		     "GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT srv/echo\n"
		     "EVENT_WAIT_CANCELLED srv/echo\n"
		     "-- connect to [::1]\n"
		     "REASON_17 srv/echo user in=set\n"
		     "WSI_CREATE srv/echo\n"
		     "RAW_SKT_BIND_PROTOCOL srv/echo user\n"
		     "RAW_ADOPT srv/echo user\n"
		     "peer ::1\n"
		     "EVENT_WAIT_CANCELLED srv/echo\n"
		     "-- peer sends hello\n"
		     "RAW_RX srv/echo user in=set len=5\n"
		     "RAW_WRITEABLE srv/echo user\n"
		     "lws_write 5 -> 5\n"
		     "-- peer hangs up\n"
		     "RAW_SKT_DROP_PROTOCOL srv/echo user in=set\n"
		     "RAW_CLOSE srv/echo user\n"
		     "WSI_DESTROY srv/echo user\n"
		     "-- destroy\n"
		     "WSI_DESTROY srv/echo\n"
		     "PROTOCOL_DESTROY srv/echo\n");
}

/*
 * A listener on an interface given by name ("lo"): lws 4.3.5 listens on
 * each of its addresses, 127.0.0.1 and ::1, on the same port (two listen
 * wsis).
 */
CAPI_TEST(raw_listen_iface_name, .flags = CAPI_TRACE)
{
	struct sockaddr_in6 s6;
	struct lws_vhost *vs;
	int fd, port;

	start_empty(srv_protos);
	vs = listen_vhost("srv", srv_protos, "lo", 0, 0, "echo");
	ASSERT_NOT_NULL(vs);
	ASSERT_EQ(raw_settle(cx), 0);
	port = lws_get_vhost_listen_port(vs);
	ASSERT_GT(port, 0);
	trace_line("-- connect to 127.0.0.1");
	fd = raw_tcp_connect(port);
	ASSERT_GE(fd, 0);
	SERVICE_UNTIL(cx, raw_count(LWS_CALLBACK_RAW_ADOPT) >= 1, 2000);
	ASSERT_EQ(raw_settle(cx), 0);
	echo_through(fd);
	if (CAPI_IMPL == CAPI_LWS41) {
		/* (4.1.6: one dual-stack socket, peer "::ffff:127.0.0.1") */
		lws_context_destroy(cx);
		return;
	}
	ASSERT_STR_EQ(srv_peer, "127.0.0.1");

	trace_line("-- connect to [::1]");
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons((unsigned short)port);
	s6.sin6_addr = in6addr_loopback;
	fd = plain_connect(AF_INET6, &s6, sizeof(s6));
	ASSERT_GE(fd, 0);
	SERVICE_UNTIL(cx, raw_count(LWS_CALLBACK_RAW_ADOPT) >= 2, 2000);
	ASSERT_EQ(raw_settle(cx), 0);
	ASSERT_STR_EQ(srv_peer, "::1");
	srv.rx = 0;
	srv_closed = 0;
	echo_through(fd);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT srv/echo\n"
		     "EVENT_WAIT_CANCELLED srv/echo\n"
		     "-- connect to 127.0.0.1\n"
		     "REASON_17 srv/echo user in=set\n"
		     "WSI_CREATE srv/echo\n"
		     "RAW_SKT_BIND_PROTOCOL srv/echo user\n"
		     "RAW_ADOPT srv/echo user\n"
		     "peer 127.0.0.1\n"
		     "EVENT_WAIT_CANCELLED srv/echo\n"
		     "-- peer sends hello\n"
		     "RAW_RX srv/echo user in=set len=5\n"
		     "RAW_WRITEABLE srv/echo user\n"
		     "lws_write 5 -> 5\n"
		     "-- peer hangs up\n"
		     "RAW_SKT_DROP_PROTOCOL srv/echo user in=set\n"
		     "RAW_CLOSE srv/echo user\n"
		     "WSI_DESTROY srv/echo user\n"
		     "-- connect to [::1]\n"
		     "REASON_17 srv/echo user in=set\n"
		     "WSI_CREATE srv/echo\n"
		     "RAW_SKT_BIND_PROTOCOL srv/echo user\n"
		     "RAW_ADOPT srv/echo user\n"
		     "peer ::1\n"
		     "EVENT_WAIT_CANCELLED srv/echo\n"
		     "-- peer sends hello\n"
		     "RAW_RX srv/echo user in=set len=5\n"
		     "RAW_WRITEABLE srv/echo user\n"
		     "lws_write 5 -> 5\n"
		     "-- peer hangs up\n"
		     "RAW_SKT_DROP_PROTOCOL srv/echo user in=set\n"
		     "RAW_CLOSE srv/echo user\n"
		     "WSI_DESTROY srv/echo user\n"
		     "-- destroy\n"
		     "WSI_DESTROY srv/echo\n"
		     "WSI_DESTROY srv/echo\n"
		     "PROTOCOL_DESTROY srv/echo\n");
}
