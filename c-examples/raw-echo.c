/*
 * A raw TCP echo server and a raw client in one context.
 *
 * The server vhost listens on 127.0.0.1 (a port the kernel picks) and hands
 * each accepted socket to the "echo" protocol, which sends back what it
 * gets. The client connects to it with lws_client_connect_via_info, sends
 * three lines one at a time and checks each echo. Then everything ends.
 */
#include <libwebsockets.h>
#include <string.h>

static const char *const lines[] = { "hello\n", "raw\n", "sockets\n" };
static int sent, echoed, failed, finished;

/* Server side: whatever arrives goes straight back. lws_write never drops:
 * what the kernel cannot take now is sent later, in order. */
static int echo(struct lws *wsi, enum lws_callback_reasons reason,
		void *user, void *in, size_t len)
{
	(void)user;
	if (reason == LWS_CALLBACK_RAW_RX &&
	    lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
		return -1;
	return 0;
}

/* Client side: send a line when writable, check its echo, repeat. */
static int client(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	(void)user;
	switch (reason) {
	case LWS_CALLBACK_RAW_CONNECTED:
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (lws_write(wsi, (unsigned char *)lines[sent],
			      strlen(lines[sent]), LWS_WRITE_RAW) < 0)
			return -1;
		sent++;
		break;
	case LWS_CALLBACK_RAW_RX:
		if (len != strlen(lines[echoed]) ||
		    memcmp(in, lines[echoed], len)) {
			lwsl_err("wrong echo\n");
			failed = 1;
			return -1;
		}
		lwsl_user("echoed: %.*s", (int)len, (const char *)in);
		if (++echoed == (int)LWS_ARRAY_SIZE(lines))
			return -1; /* all done: close */
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		lwsl_err("connect failed: %s\n", in ? (const char *)in : "?");
		failed = 1;
		finished = 1;
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		finished = 1;
		break;
	default:
		break;
	}
	return 0;
}

/* If something is broken, give up after 5 s rather than hang. */
static lws_sorted_usec_list_t give_up;
static void on_give_up(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	lwsl_err("timed out\n");
	failed = finished = 1;
}

static const struct lws_protocols protocols[] = {
	{ "client", client, 0, 0, 0, NULL, 0 },
	{ "echo", echo, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_client_connect_info ci;
	struct lws_context *context;
	int n = 0;

	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, NULL);

	memset(&info, 0, sizeof info);
	info.port = 0; /* any free port */
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	context = lws_create_context(&info);
	if (!context)
		return 1;

	memset(&ci, 0, sizeof ci);
	ci.context = context;
	ci.address = "127.0.0.1";
	ci.port = lws_get_vhost_listen_port(lws_get_vhost_by_name(context,
								 "default"));
	ci.host = ci.address;
	ci.method = "RAW";
	ci.local_protocol_name = "client";
	if (!lws_client_connect_via_info(&ci))
		failed = finished = 1;

	lws_sul_schedule(context, 0, &give_up, on_give_up, 5 * LWS_US_PER_SEC);
	while (!finished && n >= 0)
		n = lws_service(context, 0);

	lws_context_destroy(context);
	lwsl_user("%s: %d of %d lines echoed\n", failed ? "FAILED" : "ok",
		  echoed, (int)LWS_ARRAY_SIZE(lines));
	return failed || echoed != (int)LWS_ARRAY_SIZE(lines);
}
