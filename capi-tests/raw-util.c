/*
 * capi-tests raw helpers: see raw-util.h.
 */
#define _GNU_SOURCE
#include "raw-util.h"
#include "task.h"
#include "trace.h"
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- labels ---- */

#define MAX_LABELS 16

static struct {
	int fd;
	char name[16];
} labels[MAX_LABELS];
static int nlabels;

unsigned int raw_poll_unlabelled;

void raw_label_fd(int fd, const char *label)
{
	int i;

	for (i = 0; i < nlabels; i++)
		if (labels[i].fd == fd)
			break;
	if (i == nlabels) {
		ASSERT_LT(nlabels, MAX_LABELS);
		nlabels++;
	}
	labels[i].fd = fd;
	snprintf(labels[i].name, sizeof(labels[i].name), "%s", label);
}

const char *raw_fd_label(int fd)
{
	int i;

	for (i = 0; i < nlabels; i++)
		if (labels[i].fd == fd)
			return labels[i].name;
	return NULL;
}

void raw_forget_fds(void)
{
	nlabels = 0;
}

int raw_is_poll_reason(int reason)
{
	return reason == LWS_CALLBACK_ADD_POLL_FD ||
	       reason == LWS_CALLBACK_DEL_POLL_FD ||
	       reason == LWS_CALLBACK_CHANGE_MODE_POLL_FD ||
	       reason == LWS_CALLBACK_LOCK_POLL ||
	       reason == LWS_CALLBACK_UNLOCK_POLL;
}

void raw_trace_poll(struct lws *wsi, int reason, void *user, void *in,
		    int with_locks)
{
	const struct lws_pollargs *pa = in;
	const struct lws_protocols *p = wsi ? lws_get_protocol(wsi) : NULL;
	struct lws_vhost *vh = wsi ? lws_get_vhost(wsi) : NULL;
	const char *vname = vh ? lws_get_vhost_name(vh) : NULL;
	const char *label;
	char rbuf[32];
	int lock = reason == LWS_CALLBACK_LOCK_POLL ||
		   reason == LWS_CALLBACK_UNLOCK_POLL;

	/* The lock calls carry no usable pollargs: name them by the wsi. */
	if (lock)
		label = wsi ? raw_fd_label(lws_get_socket_fd(wsi)) : NULL;
	else
		label = pa ? raw_fd_label(pa->fd) : NULL;
	if (!label) {
		raw_poll_unlabelled++;
		return;
	}
	if (lock && !with_locks)
		return;
	if (lock)
		trace_line("%s %s/%s%s %s",
			   trace_reason_name(reason, rbuf, sizeof(rbuf)),
			   vname ? vname : "-", p && p->name ? p->name : "-",
			   user ? " user" : "", label);
	else
		trace_line("%s %s/%s%s %s events=%d prev=%d",
			   trace_reason_name(reason, rbuf, sizeof(rbuf)),
			   vname ? vname : "-", p && p->name ? p->name : "-",
			   user ? " user" : "", label, pa->events,
			   pa->prev_events);
}

/* ---- split traces ---- */

#define MAX_SPLIT 4

static struct {
	char vhost[32];
	char *text;
	size_t len, cap;
} split[MAX_SPLIT];
static int nsplit;
static unsigned int split_events;
static unsigned int raw_counts[128];

unsigned int raw_count(int reason)
{
	return reason >= 0 && reason < 128 ? raw_counts[reason] : 0;
}

void raw_split_vhost(const char *vhost_name)
{
	ASSERT_LT(nsplit, MAX_SPLIT);
	memset(&split[nsplit], 0, sizeof(split[nsplit]));
	snprintf(split[nsplit].vhost, sizeof(split[nsplit].vhost), "%s",
		 vhost_name);
	nsplit++;
}

static int split_index(struct lws *wsi)
{
	struct lws_vhost *vh = wsi ? lws_get_vhost(wsi) : NULL;
	const char *name = vh ? lws_get_vhost_name(vh) : NULL;
	int i;

	for (i = 0; name && i < nsplit; i++)
		if (!strcmp(split[i].vhost, name))
			return i;
	return -1;
}

static void split_append(int i, const char *line)
{
	size_t n = strlen(line);

	if (split[i].len + n + 2 > split[i].cap) {
		split[i].cap = (split[i].len + n + 2) * 2;
		split[i].text = realloc(split[i].text, split[i].cap);
		ASSERT_NOT_NULL(split[i].text);
	}
	memcpy(split[i].text + split[i].len, line, n);
	split[i].len += n;
	split[i].text[split[i].len++] = '\n';
	split[i].text[split[i].len] = '\0';
	split_events++;
}

int raw_cb(struct lws *wsi, int reason, void *user, void *in, size_t len)
{
	const struct lws_protocols *p;
	char line[512], rbuf[32];
	int i = split_index(wsi);

	if (reason >= 0 && reason < 128)
		raw_counts[reason]++;
	if (i < 0 || reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED ||
	    reason == LWS_CALLBACK_PROTOCOL_INIT ||
	    reason == LWS_CALLBACK_PROTOCOL_DESTROY ||
	    reason == LWS_CALLBACK_GET_THREAD_ID) {
		trace_cb(wsi, reason, user, in, len);
		return 0;
	}
	p = lws_get_protocol(wsi);
	snprintf(line, sizeof(line), "%s %s/%s%s%s%s",
		 trace_reason_name(reason, rbuf, sizeof(rbuf)), split[i].vhost,
		 p && p->name ? p->name : "-", user ? " user" : "",
		 in ? " in=set" : "", "");
	if (len)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 " len=%zu", len);
	split_append(i, line);
	return 1;
}

void raw_line(struct lws *wsi, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int i = split_index(wsi);

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (i < 0)
		trace_line("%s", line);
	else
		split_append(i, line);
}

void raw_split_flush(void)
{
	char *save, *l;
	int i;

	for (i = 0; i < nsplit; i++) {
		if (!split[i].len)
			continue;
		trace_line("[%s]", split[i].vhost);
		for (l = strtok_r(split[i].text, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			trace_line("  %s", l);
		free(split[i].text);
		split[i].text = NULL;
		split[i].len = split[i].cap = 0;
	}
}

int raw_settle(struct lws_context *cx)
{
	int quiet = 0, i;

	for (i = 0; i < 1000 && quiet < 3; i++) {
		unsigned int before = trace_events() + split_events;

		if (lws_service(cx, -1) < 0)
			return -1;
		quiet = trace_events() + split_events == before ? quiet + 1
								 : 0;
	}
	return quiet >= 3 ? 0 : -1;
}

/* ---- descriptors ---- */

void raw_socketpair(int sv[2])
{
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
}

void raw_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	ASSERT_GE(fl, 0);
	ASSERT_EQ(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

int raw_fd_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) >= 0;
}

static int remaining_ms(long long deadline)
{
	long long left = deadline - now_us();

	return left <= 0 ? 0 : (int)((left + 999) / 1000);
}

size_t raw_read_full(int fd, void *buf, size_t want, int ms)
{
	long long deadline = now_us() + (long long)capi_scaled_ms(ms) * 1000;
	size_t got = 0;

	while (got < want) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;
		int left = remaining_ms(deadline);

		if (!left || poll(&pfd, 1, left) < 0) {
			if (errno == EINTR && left)
				continue;
			break;
		}
		if (!pfd.revents)
			continue;
		n = read(fd, (char *)buf + got, want - got);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	return got;
}

size_t raw_write_full(int fd, const void *buf, size_t len, int ms)
{
	long long deadline = now_us() + (long long)capi_scaled_ms(ms) * 1000;
	size_t done = 0;

	while (done < len) {
		struct pollfd pfd = { fd, POLLOUT, 0 };
		ssize_t n;
		int left = remaining_ms(deadline);

		if (!left || poll(&pfd, 1, left) < 0) {
			if (errno == EINTR && left)
				continue;
			break;
		}
		if (!pfd.revents)
			continue;
		n = send(fd, (const char *)buf + done, len - done,
			 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == ENOTSOCK)
				n = write(fd, (const char *)buf + done,
					  len - done);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (n < 0)
				break;
		}
		done += (size_t)n;
	}
	return done;
}

int raw_readable(int fd, int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, capi_scaled_ms(ms)) > 0 && pfd.revents;
}

int raw_sees_eof(int fd, int ms)
{
	long long deadline = now_us() + (long long)capi_scaled_ms(ms) * 1000;
	char c;

	while (now_us() < deadline) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		ssize_t n;

		if (poll(&pfd, 1, remaining_ms(deadline)) <= 0)
			continue;
		n = recv(fd, &c, 1, MSG_DONTWAIT);
		if (n == 0)
			return 1;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return errno == ECONNRESET;
	}
	return 0;
}

/* ---- contexts ---- */

void raw_info(struct lws_context_creation_info *info,
	      const struct lws_protocols *protocols)
{
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	memset(info, 0, sizeof(*info));
	info->port = CONTEXT_PORT_NO_LISTEN;
	info->protocols = protocols;
}

struct lws_context *raw_start(const struct lws_context_creation_info *info)
{
	struct lws_context *cx = lws_create_context(info);

	ASSERT_NOT_NULL(cx);
	trace_expect_context(cx);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(trace_count(LWS_CALLBACK_GET_THREAD_ID), 1);
	return cx;
}

struct lws *raw_adopt(struct lws_context *cx, int fd, const char *protocol)
{
	lws_sock_file_fd_type u;

	memset(&u, 0, sizeof(u));
	u.sockfd = fd;
	return lws_adopt_descriptor_vhost(lws_get_vhost_by_name(cx, "default"),
					  LWS_ADOPT_SOCKET, u, protocol, NULL);
}

int raw_tcp_connect(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

unsigned char raw_pattern(unsigned int seed, size_t i)
{
	unsigned int x = seed * 2654435761u + (unsigned int)i * 40503u;

	x ^= x >> 13;
	x *= 0x5bd1e995u;
	x ^= x >> 15;
	return (unsigned char)x;
}

void raw_fill(unsigned char *buf, size_t len, unsigned int seed, size_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = raw_pattern(seed, off + i);
}

size_t raw_check(const unsigned char *buf, size_t len, unsigned int seed,
		 size_t off)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] != raw_pattern(seed, off + i))
			return i;
	return len;
}
