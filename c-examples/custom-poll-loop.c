/*
 * An application with its own poll() loop, too big to change, hosts an
 * rwsloop raw echo server through a custom event library.
 *
 * The ops table tells us which descriptors rwsloop wants watched and for
 * what; the application adds them to its own poll() set, gives them back
 * with lws_service_fd() when they are ready, and asks
 * lws_service_adjust_timeout() how long it may sleep (this is also where
 * rwsloop's timers run). The application keeps its own timer and its own
 * client socket in the same loop. After five echoes it destroys the
 * context and keeps looping a little: its own timer goes on ticking.
 */
#include <libwebsockets.h>
#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define MAX_FDS 32

/* What the event library keeps per service thread (evlib_size_pt). */
struct my_pt {
	struct pollfd fds[MAX_FDS];
	int count;
};

static struct my_pt *pt_of(struct lws *wsi)
{
	return lws_evlib_wsi_to_evlib_pt(wsi);
}

static struct pollfd *find(struct my_pt *pt, int fd)
{
	for (int i = 0; i < pt->count; i++)
		if (pt->fds[i].fd == fd)
			return &pt->fds[i];
	return NULL;
}

/* A new descriptor: watch it for input. */
static int my_sock_accept(struct lws *wsi)
{
	struct my_pt *pt = pt_of(wsi);
	int fd = lws_get_socket_fd(wsi);

	if (find(pt, fd))
		return 0;
	if (pt->count == MAX_FDS)
		return 1;
	pt->fds[pt->count].fd = fd;
	pt->fds[pt->count].events = POLLIN;
	pt->fds[pt->count++].revents = 0;
	return 0;
}

/* Start or stop watching for input or output. */
static void my_io(struct lws *wsi, unsigned int flags)
{
	struct pollfd *p = find(pt_of(wsi), lws_get_socket_fd(wsi));
	short bits = (short)((flags & LWS_EV_READ ? POLLIN : 0) |
			     (flags & LWS_EV_WRITE ? POLLOUT : 0));

	if (!p)
		return;
	if (flags & LWS_EV_START)
		p->events = (short)(p->events | bits);
	else
		p->events = (short)(p->events & ~bits);
}

/* The descriptor is going away: forget it. */
static int my_close(struct lws *wsi)
{
	struct my_pt *pt = pt_of(wsi);
	struct pollfd *p = find(pt, lws_get_socket_fd(wsi));

	if (p)
		*p = pt->fds[--pt->count];
	return 0;
}

static const struct lws_event_loop_ops my_ops = {
	.name = "my poll loop",
	.init_vhost_listen_wsi = my_sock_accept,
	.sock_accept = my_sock_accept,
	.io = my_io,
	.wsi_logical_close = my_close,
	.evlib_size_pt = sizeof(struct my_pt),
};

static const lws_plugin_evlib_t my_evlib = {
	.hdr = { "my poll loop", "lws_evlib_plugin", LWS_BUILD_HASH,
		 LWS_PLUGIN_API_MAGIC },
	.ops = &my_ops,
};

static int echo(struct lws *wsi, enum lws_callback_reasons reason,
		void *user, void *in, size_t len)
{
	(void)user;
	if (reason == LWS_CALLBACK_RAW_RX &&
	    lws_write(wsi, in, len, LWS_WRITE_RAW) != (int)len)
		return -1;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "echo", echo, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

static int connect_to(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(void)
{
	struct lws_context_creation_info info;
	struct lws_context *context;
	struct my_pt *pt;
	struct pollfd all[MAX_FDS + 1];
	lws_usec_t next_tick = lws_now_usecs();
	int client, ticks = 0, echoes = 0, failed = 0;

	lws_set_log_level(LLL_ERR | LLL_WARN | LLL_USER, NULL);
	memset(&info, 0, sizeof info);
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	info.event_lib_custom = &my_evlib;
	context = lws_create_context(&info);
	if (!context)
		return 1;
	pt = lws_evlib_tsi_to_evlib_pt(context, 0);

	client = connect_to(lws_get_vhost_listen_port(
				lws_get_vhost_by_name(context, "default")));
	if (client < 0)
		return 1;

	/* The application's loop: its timer ticks every 20 ms. */
	while (ticks < 12 && !failed) {
		int timeout = (int)((next_tick - lws_now_usecs()) / 1000), n, m;

		if (timeout < 0)
			timeout = 0;
		if (context)
			timeout = lws_service_adjust_timeout(context, timeout, 0);

		/* Its own socket first, then rwsloop's descriptors. */
		all[0].fd = client;
		all[0].events = POLLIN;
		n = 1;
		for (m = 0; context && m < pt->count; m++)
			all[n++] = pt->fds[m];

		if (poll(all, (nfds_t)n, timeout) < 0)
			break;

		if (all[0].revents & (POLLIN | POLLHUP)) {
			char buf[32];
			ssize_t got = read(client, buf, sizeof buf);

			if (!got && !context) {
				/* rwsloop closed its side when destroyed */
				close(client);
				client = -1;
			} else if (got != 7 || memcmp(buf, "ping ", 5))
				failed = 1;
			else
				lwsl_user("app: echo %d back\n", ++echoes);
		}
		for (m = 1; context && m < n; m++)
			if (all[m].revents)
				lws_service_fd(context, &all[m]);

		if (lws_now_usecs() >= next_tick) {
			char msg[8];

			next_tick += 20 * LWS_US_PER_MS;
			ticks++;
			if (context && ticks <= 5) {
				lws_snprintf(msg, sizeof msg, "ping %02d", ticks);
				if (write(client, msg, 7) != 7)
					failed = 1;
			}
			if (context && ticks == 8) {
				/* Done with rwsloop; the loop goes on. */
				lws_context_destroy(context);
				context = NULL;
				lwsl_user("app: context destroyed, still ticking\n");
			}
		}
	}
	if (client >= 0)
		close(client);
	if (context)
		lws_context_destroy(context);
	lwsl_user("app: %d echoes, %d ticks: %s\n", echoes, ticks,
		  !failed && echoes == 5 ? "ok" : "FAILED");
	return failed || echoes != 5;
}
