/*
 * echo_server: the raw TCP echo server the bench drives, written against the
 * lws API only, so one source builds against rwsloop, lws 4.3.5 and 4.1.6.
 *
 *   echo_server [--lifetime S]
 *
 * Listens on 127.0.0.1, port chosen by the kernel, prints "PORT <n>" on
 * stdout, sends back every byte it receives, and exits after S seconds
 * (default 60) whatever happens. Default lws settings throughout: what a
 * user gets without tuning.
 */
#include <libwebsockets.h>

#include "bench_util.h"

static struct lws_context *ctx;
static int stop; /* set by the lifetime timer; SIGTERM just kills */

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

static const struct lws_protocols protocols[] = {
	{ "echo", callback_echo, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 } /* 4.1.6 has no LWS_PROTOCOL_LIST_TERM */
};

static void
on_lifetime(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	stop = 1;
	lws_cancel_service(ctx);	/* leave lws_service() now */
}

int
main(int argc, char **argv)
{
	long lifetime = (long)opt_num(argc, argv, "--lifetime", 60);
	struct lws_context_creation_info info;
	lws_sorted_usec_list_t lifetime_sul;
	struct lws_vhost *vh;

	raise_nofile();
	hard_lifetime(lifetime);
	lws_set_log_level(LLL_ERR, NULL);

	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";

	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "echo_server: lws_create_context failed\n");
		return 1;
	}
	vh = lws_get_vhost_by_name(ctx, "default");
	if (!vh || lws_get_vhost_listen_port(vh) <= 0) {
		fprintf(stderr, "echo_server: no listening vhost\n");
		lws_context_destroy(ctx);
		return 1;
	}
	printf("PORT %d\n", lws_get_vhost_listen_port(vh));
	fflush(stdout);

	memset(&lifetime_sul, 0, sizeof lifetime_sul);
	lws_sul_schedule(ctx, 0, &lifetime_sul, on_lifetime,
			 (lws_usec_t)lifetime * LWS_US_PER_SEC);

	while (!stop && lws_service(ctx, 0) >= 0)
		;

	lws_context_destroy(ctx);
	return 0;
}
