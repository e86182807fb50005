/*
 * epoll_echo: the physical-limit reference. A hand-written echo server on
 * plain epoll, no library: one level-triggered read per readiness into a
 * 64 KiB buffer, one write back; bytes the kernel does not take are kept
 * and sent on EPOLLOUT (reading pauses meanwhile). Same command line and
 * output as echo_server.
 *
 *   epoll_echo [--lifetime S] [--tick-us U]
 *
 * --tick-us U adds a periodic timerfd firing every U microseconds (the
 * reference for the 500 us timer figure); each firing calls getppid() once
 * so a syscall counter can count firings; "DONE firings=<n>" at exit.
 */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include "bench_util.h"

#define BUF_SIZE 65536

struct pending {		/* unsent echo bytes of one connection */
	char *data;
	size_t off, len;
};

static struct pending *pend;	/* indexed by fd */
static long max_fds;

static int
listen_loopback(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 4096) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		close(fd);
		return -1;
	}
	printf("PORT %d\n", ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

static void
drop(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	free(pend[fd].data);
	memset(&pend[fd], 0, sizeof pend[fd]);
}

static void
set_interest(int ep, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* Send what is pending; returns -1 on a dead connection. */
static int
flush_pending(int ep, int fd)
{
	struct pending *p = &pend[fd];

	while (p->off < p->len) {
		ssize_t n = write(fd, p->data + p->off, p->len - p->off);

		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		p->off += (size_t)n;
	}
	free(p->data);
	memset(p, 0, sizeof *p);
	set_interest(ep, fd, EPOLLIN);
	return 0;
}

static int
echo(int ep, int fd, char *buf)
{
	ssize_t n = read(fd, buf, BUF_SIZE), w;

	if (n <= 0)
		return n < 0 && errno == EAGAIN ? 0 : -1;
	w = write(fd, buf, (size_t)n);
	if (w < 0) {
		if (errno != EAGAIN)
			return -1;
		w = 0;
	}
	if (w < n) {		/* keep the rest, wait for EPOLLOUT */
		pend[fd].len = (size_t)(n - w);
		pend[fd].off = 0;
		pend[fd].data = malloc(pend[fd].len);
		if (!pend[fd].data)
			return -1;
		memcpy(pend[fd].data, buf + w, pend[fd].len);
		set_interest(ep, fd, EPOLLOUT);
	}
	return 0;
}

/* Accept what is queued (at most 64 at a time, to stay fair to the rest). */
static void
accept_some(int ep, int lfd)
{
	int one = 1;

	for (int i = 0; i < 64; i++) {
		int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };

		if (c < 0)
			return;
		if (c >= max_fds) {
			close(c);
			continue;
		}
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		ev.data.fd = c;
		epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	}
}

static int
tick_fd(long us)
{
	struct itimerspec its = { { us / 1000000, (us % 1000000) * 1000 },
				  { us / 1000000, (us % 1000000) * 1000 } };
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd >= 0)
		timerfd_settime(fd, 0, &its, NULL);
	return fd;
}

int
main(int argc, char **argv)
{
	long lifetime = (long)opt_num(argc, argv, "--lifetime", 60);
	long tick_us = (long)opt_num(argc, argv, "--tick-us", 0);
	int64_t end = now_ns() + (int64_t)lifetime * 1000000000;
	struct epoll_event ev, evs[256];
	static char buf[BUF_SIZE];
	int ep, lfd, tfd = -1;
	unsigned long firings = 0;

	max_fds = raise_nofile();
	hard_lifetime(lifetime);
	pend = calloc((size_t)max_fds, sizeof *pend);
	ep = epoll_create1(EPOLL_CLOEXEC);
	lfd = listen_loopback();
	if (!pend || ep < 0 || lfd < 0) {
		fprintf(stderr, "epoll_echo: setup failed\n");
		return 1;
	}
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	if (tick_us > 0) {
		tfd = tick_fd(tick_us);
		ev.data.fd = tfd;
		epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	}

	for (;;) {
		int64_t left = end - now_ns();
		int n;

		if (left <= 0)
			break;
		n = epoll_wait(ep, evs, 256, (int)(left / 1000000) + 1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd) {
				accept_some(ep, lfd);
			} else if (fd == tfd) {
				uint64_t expirations;

				if (read(tfd, &expirations, sizeof expirations) > 0) {
					getppid();
					firings++;
				}
			} else if (evs[i].events & EPOLLOUT) {
				if (flush_pending(ep, fd))
					drop(ep, fd);
			} else if (echo(ep, fd, buf)) {
				drop(ep, fd);
			}
		}
	}
	if (tfd >= 0)
		printf("DONE firings=%lu\n", firings);
	return 0;
}
