/*
 * The older way to share an application's poll() loop: no ops table, the
 * application keeps its own pollfd array from the protocol callbacks
 * LWS_CALLBACK_ADD_POLL_FD, DEL_POLL_FD and CHANGE_MODE_POLL_FD (lws sends
 * them to the first protocol), and hands ready descriptors back with
 * lws_service_fd(). lws_service_adjust_timeout() runs rwsloop's timers and
 * says how long the application may sleep.
 *
 * The echo server here answers a client the application runs in the same
 * loop; a rwsloop timer says when to stop.
 */
#include <libwebsockets.h>
#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define MAX_FDS 32

static struct pollfd fds[MAX_FDS];
static int count, stop;
static lws_sorted_usec_list_t stop_timer;

static struct pollfd *find(int fd)
{
	for (int i = 0; i < count; i++)
		if (fds[i].fd == fd)
			return &fds[i];
	return NULL;
}

static void on_stop(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	stop = 1;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	struct lws_pollargs *pa = in;
	struct pollfd *p;

	(void)user;
	switch (reason) {
	case LWS_CALLBACK_ADD_POLL_FD:
		if (count == MAX_FDS)
			return 1;
		fds[count].fd = pa->fd;
		fds[count].events = (short)pa->events;
		fds[count++].revents = 0;
		break;
	case LWS_CALLBACK_DEL_POLL_FD:
		p = find(pa->fd);
		if (p)
			*p = fds[--count];
		break;
	case LWS_CALLBACK_CHANGE_MODE_POLL_FD:
		p = find(pa->fd);
		if (p)
			p->events = (short)pa->events;
		break;
	case LWS_CALLBACK_PROTOCOL_INIT:
		lws_sul_schedule(lws_get_context(wsi), 0, &stop_timer, on_stop,
				 200 * LWS_US_PER_MS);
		break;
	case LWS_CALLBACK_RAW_RX:
		if (lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
			return -1;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "echo", callback, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct sockaddr_in sa;
	struct pollfd all[MAX_FDS + 1];
	int client, echoes = 0, n, m;

	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, NULL);
	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	context = lws_create_context(&info);
	if (!context)
		return 1;

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)lws_get_vhost_listen_port(
				lws_get_vhost_by_name(context, "default")));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	client = socket(AF_INET, SOCK_STREAM, 0);
	if (client < 0 || connect(client, (struct sockaddr *)&sa, sizeof sa))
		return 1;
	if (write(client, "marco", 5) != 5)
		return 1;

	while (!stop) {
		/* This runs due rwsloop timers: on_stop may have fired. */
		int timeout = lws_service_adjust_timeout(context, 1000, 0);

		if (stop)
			break;
		all[0].fd = client;
		all[0].events = POLLIN;
		n = 1;
		for (m = 0; m < count; m++)
			all[n++] = fds[m];
		if (poll(all, (nfds_t)n, timeout) < 0)
			break;
		if (all[0].revents & POLLIN) {
			char buf[8];

			if (read(client, buf, sizeof buf) == 5 &&
			    !memcmp(buf, "marco", 5))
				lwsl_user("app: echo %d back\n", ++echoes);
			if (echoes < 3 && write(client, "marco", 5) != 5)
				break;
		}
		for (m = 1; m < n; m++)
			if (all[m].revents)
				lws_service_fd(context, &all[m]);
	}
	close(client);
	lws_context_destroy(context);
	lwsl_user("app: %d echoes: %s\n", echoes, echoes == 3 ? "ok" : "FAILED");
	return echoes != 3;
}
