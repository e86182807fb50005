/*
 * echo_proto.h: the lws part of the bench's echo servers, shared by
 * echo_server.c (lws's own loop, lws_service) and foreign_echo.c (a loop
 * the program runs itself): the raw echo protocol, the creation info that
 * puts it on a raw listener, and the "PORT <n>" line the bench reads.
 *
 * Written against the lws API only; compiles against rwsloop, lws 4.3.5
 * and lws 4.1.6. Default lws settings throughout: what a user gets without
 * tuning.
 */
#ifndef ECHO_PROTO_H
#define ECHO_PROTO_H

#include <libwebsockets.h>

#include "bench_util.h"

static int
callback_echo(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	      void *in, size_t len)
{
	(void)user;

	switch (reason) {
	case LWS_CALLBACK_RAW_RX:
		/*
		 * Echo straight from the receive buffer. lws_write() on a raw
		 * socket keeps whatever the kernel did not take and sends it
		 * on POLLOUT, so nothing is lost; the load generator has one
		 * message in flight per connection, which bounds that backlog.
		 */
		if (lws_write(wsi, in, len, LWS_WRITE_RAW) < (int)len)
			return -1;
		break;
	default:
		break;
	}

	return 0;
}

static const struct lws_protocols echo_protocols[] = {
	{ "echo", callback_echo, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 } /* 4.1.6 has no LWS_PROTOCOL_LIST_TERM */
};

/*
 * Zero *info and fill in the echo server: every accepted connection on
 * 127.0.0.1 (port chosen by the kernel) becomes a raw socket bound to the
 * echo protocol. The caller adds options (a loop's bit) and may then
 * create the context.
 */
static void
echo_info(struct lws_context_creation_info *info)
{
	memset(info, 0, sizeof *info);
	info->port = 0;
	info->iface = "127.0.0.1";
	info->protocols = echo_protocols;
	info->options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info->listen_accept_role = "raw-skt";
	info->listen_accept_protocol = "echo";
}

/*
 * Print "PORT <n>" for the default vhost's listener and flush, so the
 * bench can connect. Returns 0, or -1 (with a message naming prog) when
 * the context has no listening vhost.
 */
static int
echo_announce(struct lws_context *ctx, const char *prog)
{
	struct lws_vhost *vh = lws_get_vhost_by_name(ctx, "default");

	if (!vh || lws_get_vhost_listen_port(vh) <= 0) {
		fprintf(stderr, "%s: no listening vhost\n", prog);
		return -1;
	}
	printf("PORT %d\n", lws_get_vhost_listen_port(vh));
	fflush(stdout);
	return 0;
}

#endif
