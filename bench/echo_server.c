/*
 * echo_server: the raw TCP echo server the bench drives, written against the
 * lws API only, so one source builds against rwsloop, lws 4.3.5 and 4.1.6.
 *
 *   echo_server [--lifetime S]
 *
 * Listens on 127.0.0.1, port chosen by the kernel, prints "PORT <n>" on
 * stdout, sends back every byte it receives, and exits after S seconds
 * (default 60) whatever happens. The protocol and the context set-up are
 * echo_proto.h's (foreign_echo.c runs the same on other loops); this file
 * only adds lws's own loop: lws_service() until the lifetime is over.
 */
#include "echo_proto.h"

static struct lws_context *ctx;
static int stop; /* set by the lifetime timer; SIGTERM just kills */

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

	raise_nofile();
	hard_lifetime(lifetime);
	lws_set_log_level(LLL_ERR, NULL);

	echo_info(&info);
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "echo_server: lws_create_context failed\n");
		return 1;
	}
	if (echo_announce(ctx, "echo_server")) {
		lws_context_destroy(ctx);
		return 1;
	}

	memset(&lifetime_sul, 0, sizeof lifetime_sul);
	lws_sul_schedule(ctx, 0, &lifetime_sul, on_lifetime,
			 (lws_usec_t)lifetime * LWS_US_PER_SEC);

	while (!stop && lws_service(ctx, 0) >= 0)
		;

	lws_context_destroy(ctx);
	return 0;
}
