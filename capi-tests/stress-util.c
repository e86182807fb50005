/*
 * capi-tests stress helpers: see stress-util.h.
 */
#define _GNU_SOURCE
#include "stress-util.h"
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define STRESS_HAVE_VALGRIND_H 1
#endif
#endif

/* ---- sizing ---- */

int stress_slow(void)
{
#if defined(STRESS_HAVE_VALGRIND_H)
	if (RUNNING_ON_VALGRIND)
		return 1;
#endif
	return capi_scaled_ms(1) > 1;
}

int stress_on_valgrind(void)
{
#if defined(STRESS_HAVE_VALGRIND_H)
	return RUNNING_ON_VALGRIND ? 1 : 0;
#else
	return 0;
#endif
}

long stress_count(long full, long lws, long slow)
{
	const char *d = getenv("CAPI_STRESS_DIV");
	long n = stress_slow() ? slow : IS_RWSLOOP ? full : lws;
	long div = d ? atol(d) : 1;

	if (div > 1)
		n /= div;
	return n > 0 ? n : 1;
}

/* ---- process counters ---- */

int stress_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory stream's own descriptor */
}

long stress_thread_nvcsw(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return -1;
	return ru.ru_nvcsw;
}

long stress_raise_nofile(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	if ((long)rl.rlim_cur < want) {
		rlim_t to = (rlim_t)want;

		if (rl.rlim_max != RLIM_INFINITY && to > rl.rlim_max)
			to = rl.rlim_max;
		rl.rlim_cur = to;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (long)rl.rlim_cur;
}

/* ---- watchdog ---- */

static void *watchdog(void *arg)
{
	struct stress_watchdog *w = arg;
	int last = __atomic_load_n(w->progress, __ATOMIC_SEQ_CST);
	long long changed = now_us(), kicked = 0;
	long long stall = (long long)capi_scaled_ms(w->stall_ms) * 1000;

	while (!__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST)) {
		int p = __atomic_load_n(w->progress, __ATOMIC_SEQ_CST);
		long long t = now_us();

		if (p != last) {
			last = p;
			changed = t;
		} else if (t - changed > stall && t - kicked >= 100000) {
			lws_cancel_service(w->cx);
			__atomic_fetch_add(&w->kicks, 1, __ATOMIC_SEQ_CST);
			kicked = t;
		}
		sleep_ms(10);
	}
	return NULL;
}

int stress_watchdog_start(struct stress_watchdog *w)
{
	w->kicks = 0;
	w->stop = 0;
	return pthread_create(&w->th, NULL, watchdog, w);
}

void stress_watchdog_stop(struct stress_watchdog *w)
{
	__atomic_store_n(&w->stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(w->th, NULL);
}

/* ---- the echo server ---- */

struct stress_echo stress_echo;

/* Echo staging buffer: lws_write wants LWS_PRE bytes of headroom. */
static unsigned char echo_buf[LWS_PRE + 65536];

static int echo_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	struct stress_echo *e = &stress_echo;

	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		if (e->sndbuf > 0) {
			int fd = (int)lws_get_socket_fd(wsi);

			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &e->sndbuf,
				   sizeof(e->sndbuf));
		}
		e->adopted++;
		if (++e->live > e->max_live)
			e->max_live = e->live;
		break;
	case LWS_CALLBACK_RAW_RX:
		e->rx_calls++;
		e->rx_bytes += (long long)len;
		while (len) {
			size_t n = len < 65536 ? len : 65536;
			int w;

			memcpy(echo_buf + LWS_PRE, in, n);
			w = lws_write(wsi, echo_buf + LWS_PRE, n,
				      LWS_WRITE_RAW);
			if (w != (int)n) {
				e->write_errors++;
				return -1;
			}
			e->tx_bytes += (long long)n;
			if (lws_partial_buffered(wsi))
				e->partial++;
			in = (char *)in + n;
			len -= n;
		}
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		e->closed++;
		e->live--;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols echo_protocols[] = {
	{ "echo", echo_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

struct lws_context *stress_echo_start(void)
{
	struct lws_context_creation_info info;
	struct lws_context *cx;
	struct lws_vhost *vh;

	memset(&stress_echo, 0, sizeof(stress_echo));
	cx = make_context(echo_protocols, NULL,
			  LWS_SERVER_OPTION_EXPLICIT_VHOSTS, NULL);
	if (!cx)
		return NULL;
	trace_expect_context(cx);
	memset(&info, 0, sizeof(info));
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = echo_protocols;
	info.vhost_name = "echo";
	info.options = LWS_SERVER_OPTION_ADOPT_APPLY_LISTEN_ACCEPT_CONFIG;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "echo";
	vh = lws_create_vhost(cx, &info);
	if (!vh) {
		lws_context_destroy(cx);
		return NULL;
	}
	stress_echo.port = lws_get_vhost_listen_port(vh);
	if (stress_echo.port <= 0 || loop_settle(cx)) {
		lws_context_destroy(cx);
		return NULL;
	}
	/* The trace of thousands of connections is not wanted, only counts. */
	trace_freeze();
	stress_echo.cx = cx;
	return cx;
}

/* ---- clients ---- */

uint8_t stress_pattern(uint32_t id, uint64_t off)
{
	uint64_t x = ((uint64_t)id << 40) ^ (off >> 3) ^ 0x9e3779b97f4a7c15ull;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (uint8_t)(x >> ((off & 7) * 8));
}

int stress_connect(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

enum cstate { C_IDLE, C_CONNECTING, C_OPEN, C_HELD, C_CLOSED };

struct cconn {
	int fd;
	enum cstate state;
	int answered;
	size_t len, sent, got;
};

struct crun {
	struct stress_clients *c;
	struct cconn *conn;
	int ep;
	int opened, open_now, unanswered;
	uint8_t buf[65536];
};

static int cfail(struct crun *r, int i, const char *fmt, ...)
	CAPI_PRINTF(3, 4);

static int cfail(struct crun *r, int i, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->c->error[0]) {
		n = snprintf(r->c->error, sizeof(r->c->error),
			     "connection %d: ", i);
		va_start(ap, fmt);
		vsnprintf(r->c->error + n, sizeof(r->c->error) - (size_t)n,
			  fmt, ap);
		va_end(ap);
	}
	r->c->failed++;
	return -1;
}

static size_t len_of(const struct stress_clients *c, int i)
{
	size_t span = c->max_len - c->min_len + 1;

	return c->min_len + ((size_t)i * 2654435761u) % span;
}

static int open_one(struct crun *r, int i)
{
	struct cconn *k = &r->conn[i];
	struct epoll_event ev;
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return cfail(r, i, "socket: %s", strerror(errno));
	if (r->c->rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &r->c->rcvbuf,
			   sizeof(r->c->rcvbuf));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)r->c->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    errno != EINPROGRESS) {
		close(fd);
		return cfail(r, i, "connect: %s", strerror(errno));
	}
	k->fd = fd;
	k->state = C_CONNECTING;
	k->len = len_of(r->c, i);
	memset(&ev, 0, sizeof(ev));
	ev.events = r->c->send_first ? EPOLLOUT : EPOLLIN | EPOLLOUT;
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev))
		return cfail(r, i, "epoll_ctl: %s", strerror(errno));
	r->opened++;
	r->unanswered++;
	if (++r->open_now > r->c->peak_open)
		r->c->peak_open = r->open_now;
	return 0;
}

static void close_one(struct crun *r, int i)
{
	struct cconn *k = &r->conn[i];

	if (k->fd >= 0) {
		epoll_ctl(r->ep, EPOLL_CTL_DEL, k->fd, NULL);
		close(k->fd);
		k->fd = -1;
		r->open_now--;
	}
	k->state = C_CLOSED;
}

static int do_send(struct crun *r, int i)
{
	struct cconn *k = &r->conn[i];

	while (k->sent < k->len) {
		size_t n = k->len - k->sent, j;
		ssize_t w;

		if (n > sizeof(r->buf))
			n = sizeof(r->buf);
		for (j = 0; j < n; j++)
			r->buf[j] = stress_pattern((uint32_t)i, k->sent + j);
		w = send(k->fd, r->buf, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return cfail(r, i, "send: %s", strerror(errno));
		}
		k->sent += (size_t)w;
		r->c->bytes_sent += w;
		if ((size_t)w < n)
			return 0;
	}
	/* All sent: only input is of interest now. */
	{
		struct epoll_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(r->ep, EPOLL_CTL_MOD, k->fd, &ev))
			return cfail(r, i, "epoll_ctl: %s", strerror(errno));
	}
	return 0;
}

static int do_recv(struct crun *r, int i)
{
	struct cconn *k = &r->conn[i];

	for (;;) {
		ssize_t n = recv(k->fd, r->buf, sizeof(r->buf), 0);
		ssize_t j;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return cfail(r, i, "recv after %zu of %zu bytes: %s",
				     k->got, k->len, strerror(errno));
		}
		if (n == 0)
			return cfail(r, i,
				     "closed by the server after %zu of %zu "
				     "echoed bytes",
				     k->got, k->len);
		if (!k->answered) {
			k->answered = 1;
			r->unanswered--;
		}
		if (k->got + (size_t)n > k->len)
			return cfail(r, i, "%zu bytes echoed, %zu sent",
				     k->got + (size_t)n, k->len);
		for (j = 0; j < n; j++) {
			uint8_t want = stress_pattern((uint32_t)i,
						      k->got + (size_t)j);

			if (r->buf[j] != want)
				return cfail(r, i,
					     "echo byte %zu is 0x%02x, sent "
					     "0x%02x",
					     k->got + (size_t)j, r->buf[j],
					     want);
		}
		k->got += (size_t)n;
		r->c->bytes_verified += n;
		if (k->got == k->len) {
			r->c->verified++;
			if (r->c->hold) {
				epoll_ctl(r->ep, EPOLL_CTL_DEL, k->fd, NULL);
				k->state = C_HELD;
			} else {
				close_one(r, i);
			}
			return 0;
		}
	}
}

static int on_event(struct crun *r, int i, uint32_t events)
{
	struct cconn *k = &r->conn[i];

	if (k->state == C_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &el))
			err = errno;
		if (err)
			return cfail(r, i, "connect: %s", strerror(err));
		if (!(events & (EPOLLOUT | EPOLLIN | EPOLLHUP | EPOLLERR)))
			return 0;
		k->state = C_OPEN;
	}
	if (k->state != C_OPEN)
		return 0;
	if ((events & EPOLLOUT) && k->sent < k->len && do_send(r, i))
		return -1;
	if (r->c->send_first && k->sent < k->len)
		return 0;
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		return do_recv(r, i);
	return 0;
}

int stress_clients_run(struct stress_clients *c)
{
	struct epoll_event evs[256];
	struct crun *r = calloc(1, sizeof(*r));
	long long deadline = now_us() +
			     (long long)capi_scaled_ms(c->deadline_ms) * 1000;
	int i, rc = 0;

	c->verified = c->failed = c->peak_open = 0;
	c->bytes_sent = c->bytes_verified = 0;
	c->error[0] = '\0';
	if (!r)
		return -1;
	r->c = c;
	r->conn = calloc((size_t)c->n, sizeof(*r->conn));
	r->ep = epoll_create1(EPOLL_CLOEXEC);
	if (!r->conn || r->ep < 0) {
		snprintf(c->error, sizeof(c->error), "out of memory/epoll");
		rc = -1;
		goto out;
	}
	for (i = 0; i < c->n; i++)
		r->conn[i].fd = -1;

	while (c->verified < c->n) {
		int n, e;

		while (r->opened < c->n && r->unanswered < c->max_unanswered)
			if (open_one(r, r->opened)) {
				rc = -1;
				goto out;
			}
		if (now_us() > deadline) {
			snprintf(c->error, sizeof(c->error),
				 "deadline: %d opened, %d verified of %d, %d "
				 "waiting for a first echo byte",
				 r->opened, c->verified, c->n, r->unanswered);
			rc = -1;
			goto out;
		}
		n = epoll_wait(r->ep, evs, 256, 100);
		if (n < 0 && errno != EINTR) {
			snprintf(c->error, sizeof(c->error), "epoll_wait: %s",
				 strerror(errno));
			rc = -1;
			goto out;
		}
		for (e = 0; e < n; e++)
			if (on_event(r, (int)evs[e].data.u32, evs[e].events)) {
				rc = -1;
				goto out;
			}
	}
out:
	if (r->conn)
		for (i = 0; i < c->n; i++)
			if (r->conn[i].fd >= 0)
				close_one(r, i);
	if (r->ep >= 0)
		close(r->ep);
	free(r->conn);
	free(r);
	if (c->wake)
		lws_cancel_service(c->wake);
	return rc;
}
