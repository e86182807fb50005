/*
 * loadgen: the bench's load generator (plain epoll, no library).
 *
 *   loadgen --port P [--conns N] [--idle I] [--size S] [--warmup-ms W]
 *           [--measure-ms M] [--server-pid PID] [--timeout-s T] [--hold]
 *
 * Opens N active and I idle TCP connections to 127.0.0.1:P (at most 128
 * being set up at once). Every connection first completes one verified echo
 * of S bytes, so the server has really accepted it. Then the N active ones
 * echo S-byte messages, one in flight per connection: W ms of warm-up, M ms
 * measured (round trips, messages, the server's CPU time from /proc/PID),
 * then the messages in flight are drained. Idle connections only watch for
 * the server closing them. Every echoed byte is compared with what was sent;
 * any mismatch, early close or timeout is an error, and a run with errors
 * prints ok=0.
 *
 * --hold: set up, print "READY", then keep the connections open until stdin
 * reaches EOF (or the timeout), for the memory figure.
 *
 * Output: one line "RESULT key=value ..." on stdout; errors on stderr.
 * Connections are closed with a reset (SO_LINGER 0): no TIME_WAIT, so runs
 * back to back do not run out of ephemeral ports.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench_util.h"

#define SETUP_PARALLEL 128
#define READ_CHUNK 65536
#define PATTERN_SLACK 256

enum phase { SETUP, WARMUP, MEASURE, DRAIN, HOLD, DONE };

struct conn {
	int fd;
	uint32_t index;
	uint32_t seq;		/* messages completed on this connection */
	uint32_t sent, got;	/* bytes of the current message */
	int64_t t0;		/* when the current message was started */
	uint8_t connecting;
	uint8_t in_flight;
	uint8_t ready;		/* setup echo done */
	uint8_t want_out;	/* EPOLLOUT currently requested */
	uint8_t dead;		/* failed: out of the run */
};

static struct {
	int ep;
	uint16_t port;
	uint32_t size, n_active, n_total;
	uint8_t *pattern;	/* size + PATTERN_SLACK pseudo-random bytes */
	struct conn *conns;
	enum phase phase;
	uint32_t opened, ready, dead, setting_up, in_flight;
	uint64_t errors, msgs_total, msgs_measured;
	uint32_t *rtt;		/* measured round trips, ns */
	size_t n_rtt, cap_rtt;
} g;

/* Count an error; a connection it happened on leaves the run. */
static void
fail(struct conn *c, const char *what, long detail)
{
	if (g.errors++ < 5)
		fprintf(stderr, "loadgen: conn %u msg %u: %s (%ld)\n",
			c ? c->index : 0, c ? c->seq : 0, what, detail);
	if (!c || c->dead)
		return;
	c->dead = 1;
	g.dead++;
	if (c->in_flight)
		g.in_flight--;
	if (!c->ready)
		g.setting_up--;
	c->in_flight = c->ready = 0;
	if (c->fd >= 0)
		epoll_ctl(g.ep, EPOLL_CTL_DEL, c->fd, NULL);
}

/* Where message seq of connection index starts in the pattern. */
static const uint8_t *
message(const struct conn *c)
{
	return g.pattern + (c->index * 13u + c->seq * 7u) % 251u;
}

static void
interest(struct conn *c, int out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0),
				  .data.ptr = c };

	if (c->want_out != out) {
		c->want_out = (uint8_t)out;
		epoll_ctl(g.ep, EPOLL_CTL_MOD, c->fd, &ev);
	}
}

static void
send_some(struct conn *c)
{
	while (c->sent < g.size) {
		ssize_t n = write(c->fd, message(c) + c->sent, g.size - c->sent);

		if (n < 0) {
			if (errno != EAGAIN)
				fail(c, "write failed, errno", errno);
			break;
		}
		c->sent += (uint32_t)n;
	}
	interest(c, c->sent < g.size);
}

static void
start_message(struct conn *c)
{
	c->sent = c->got = 0;
	c->in_flight = 1;
	g.in_flight++;
	c->t0 = now_ns();
	send_some(c);
}

static void
record_rtt(int64_t ns)
{
	if (g.n_rtt == g.cap_rtt) {
		size_t cap = g.cap_rtt ? g.cap_rtt * 2 : 65536;
		uint32_t *p = realloc(g.rtt, cap * sizeof *p);

		if (!p)
			return;
		g.rtt = p;
		g.cap_rtt = cap;
	}
	g.rtt[g.n_rtt++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static void
message_done(struct conn *c)
{
	int64_t t = now_ns();

	c->in_flight = 0;
	g.in_flight--;
	c->seq++;
	g.msgs_total++;
	if (!c->ready) {
		c->ready = 1;
		g.ready++;
		g.setting_up--;
		return;
	}
	if (g.phase == MEASURE) {
		g.msgs_measured++;
		record_rtt(t - c->t0);
	}
	if ((g.phase == WARMUP || g.phase == MEASURE) && c->index < g.n_active &&
	    !c->dead)
		start_message(c);
}

static void
receive(struct conn *c)
{
	static uint8_t buf[READ_CHUNK];
	size_t want = c->in_flight ? g.size - c->got : sizeof buf;
	ssize_t n = read(c->fd, buf, want < sizeof buf ? want : sizeof buf);

	if (n < 0) {
		if (errno != EAGAIN)
			fail(c, "read failed, errno", errno);
		return;
	}
	if (n == 0) {
		fail(c, "server closed the connection", 0);
		return;
	}
	if (!c->in_flight || c->got + (uint32_t)n > c->sent) {
		fail(c, "bytes the server was never sent", n);
		return;
	}
	if (memcmp(buf, message(c) + c->got, (size_t)n)) {
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] != message(c)[c->got + i]) {
				fail(c, "wrong byte at offset", (long)(c->got + i));
				return;
			}
	}
	c->got += (uint32_t)n;
	if (c->got == g.size)
		message_done(c);
}

static void
connected(struct conn *c)
{
	int err = 0, one = 1;
	socklen_t len = sizeof err;

	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	c->connecting = 0;
	if (err) {
		fail(c, "connect failed, errno", err);
		return;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	start_message(c);	/* the setup echo */
}

static void
open_one(void)
{
	struct conn *c = &g.conns[g.opened];
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(g.port) };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };

	c->index = g.opened++;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g.setting_up++;
	c->connecting = 1;
	c->want_out = 1;
	if (c->fd < 0) {
		fail(c, "socket failed, errno", errno);
		return;
	}
	epoll_ctl(g.ep, EPOLL_CTL_ADD, c->fd, &ev);
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) &&
	    errno != EINPROGRESS)
		fail(c, "connect failed, errno", errno);
}

static void
handle(struct conn *c, uint32_t events)
{
	if (c->dead)
		return;
	if (c->connecting) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			connected(c);
		return;
	}
	if ((events & EPOLLOUT) && c->in_flight && c->sent < g.size)
		send_some(c);
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		receive(c);
}

/* CPU time of every thread of pid: ns from schedstat, and utime+stime ticks. */
static void
server_cpu(long pid, int64_t *ns, int64_t *ticks)
{
	char path[64], line[512];
	struct dirent *de;
	DIR *d;
	FILE *f;

	*ns = *ticks = -1;
	if (pid <= 0)
		return;
	snprintf(path, sizeof path, "/proc/%ld/task", pid);
	d = opendir(path);
	if (d) {
		*ns = 0;
		while ((de = readdir(d))) {
			long long v;

			if (de->d_name[0] == '.')
				continue;
			snprintf(line, sizeof line, "/proc/%ld/task/%s/schedstat",
				 pid, de->d_name);
			f = fopen(line, "r");
			if (f && fscanf(f, "%lld", &v) == 1)
				*ns += v;
			if (f)
				fclose(f);
		}
		closedir(d);
	}
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (f && fgets(line, sizeof line, f)) {
		/* fields after the ")" closing the command name: 3 is state,
		 * 14 and 15 are utime and stime */
		char *p = strrchr(line, ')');
		unsigned long long ut, st;

		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ut, &st) == 2)
			*ticks = (int64_t)(ut + st);
	}
	if (f)
		fclose(f);
}

static int64_t
self_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
	       ((int64_t)ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static void
close_all(void)
{
	struct linger lg = { 1, 0 };

	for (uint32_t i = 0; i < g.opened; i++)
		if (g.conns[i].fd >= 0) {
			setsockopt(g.conns[i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
			close(g.conns[i].fd);
		}
}

int
main(int argc, char **argv)
{
	long pid = (long)opt_num(argc, argv, "--server-pid", 0);
	long warmup_ms = (long)opt_num(argc, argv, "--warmup-ms", 300);
	long measure_ms = (long)opt_num(argc, argv, "--measure-ms", 1000);
	long timeout_s = (long)opt_num(argc, argv, "--timeout-s", 60);
	int hold = opt_flag(argc, argv, "--hold");
	int64_t start = now_ns(), deadline = start + (int64_t)timeout_s * 1000000000;
	int64_t phase_end = 0, t_setup = 0, t_meas0 = 0, t_meas1 = 0;
	int64_t cpu0 = 0, cpu1 = 0, tick0 = 0, tick1 = 0, self0 = 0, self1 = 0;
	struct epoll_event evs[1024];
	uint32_t x = 2463534242u;

	g.port = (uint16_t)opt_num(argc, argv, "--port", 0);
	g.n_active = (uint32_t)opt_num(argc, argv, "--conns", 10);
	g.n_total = g.n_active + (uint32_t)opt_num(argc, argv, "--idle", 0);
	g.size = (uint32_t)opt_num(argc, argv, "--size", 64);
	if (!g.port || !g.size || g.n_total + 16 > (uint32_t)raise_nofile()) {
		fprintf(stderr, "loadgen: need --port, --size > 0 and enough fds\n");
		return 2;
	}
	hard_lifetime(timeout_s + 10);
	g.ep = epoll_create1(EPOLL_CLOEXEC);
	g.conns = calloc(g.n_total, sizeof *g.conns);
	g.pattern = malloc(g.size + PATTERN_SLACK);
	if (g.ep < 0 || !g.conns || !g.pattern)
		return 2;
	for (uint32_t i = 0; i < g.size + PATTERN_SLACK; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		g.pattern[i] = (uint8_t)(x >> 11);
	}
	for (uint32_t i = 0; i < g.n_total; i++)
		g.conns[i].fd = -1;
	if (hold) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };

		epoll_ctl(g.ep, EPOLL_CTL_ADD, 0, &ev);
	}

	while (g.phase != DONE) {
		int64_t t = now_ns();
		int n;

		if (t > deadline) {
			if (g.phase != HOLD)
				fail(NULL, "timed out in phase", g.phase);
			break;
		}
		switch (g.phase) {
		case SETUP:
			while (g.opened < g.n_total && g.setting_up < SETUP_PARALLEL)
				open_one();
			if (g.ready + g.dead >= g.n_total) {
				t_setup = t;
				if (g.errors)
					g.phase = DONE;
				else if (hold) {
					g.phase = HOLD;
					printf("READY conns=%u\n", g.ready);
					fflush(stdout);
				} else {
					g.phase = WARMUP;
					phase_end = t + warmup_ms * 1000000;
					for (uint32_t i = 0; i < g.n_active; i++)
						start_message(&g.conns[i]);
				}
			}
			break;
		case WARMUP:
			if (t >= phase_end) {
				g.phase = MEASURE;
				phase_end = t + measure_ms * 1000000;
				t_meas0 = now_ns();
				server_cpu(pid, &cpu0, &tick0);
				self0 = self_cpu_ns();
			}
			break;
		case MEASURE:
			if (t >= phase_end) {
				server_cpu(pid, &cpu1, &tick1);
				self1 = self_cpu_ns();
				t_meas1 = now_ns();
				g.phase = DRAIN;
				deadline = t + 5 * (int64_t)1000000000;
			}
			break;
		case DRAIN:
			if (!g.in_flight)
				g.phase = DONE;
			break;
		default:
			break;
		}
		if (g.phase == DONE)
			break;
		n = epoll_wait(g.ep, evs, 1024, 5);
		for (int i = 0; i < n; i++) {
			if (!evs[i].data.ptr) {	/* stdin in hold mode */
				char b[64];

				if (read(0, b, sizeof b) <= 0)
					g.phase = DONE;
				continue;
			}
			handle(evs[i].data.ptr, evs[i].events);
		}
	}

	close_all();
	if (!t_setup)
		t_setup = now_ns();
	if (g.phase == DRAIN || (g.phase == SETUP && !g.errors))
		fail(NULL, "did not complete, phase", g.phase);
	qsort(g.rtt, g.n_rtt, sizeof *g.rtt, cmp_u32);
	{
		double secs = (double)(t_meas1 - t_meas0) / 1e9;
		double rate = secs > 0 ? (double)g.msgs_measured / secs : 0;

		printf("RESULT ok=%d errors=%llu conns=%u idle=%u size=%u "
		       "setup_ms=%.1f measure_s=%.3f msgs=%llu msgs_total=%llu "
		       "msgs_per_s=%.0f mb_per_s=%.2f p50_us=%.1f p99_us=%.1f "
		       "server_cpu_ns=%lld server_cpu_ticks=%lld client_cpu_ns=%lld\n",
		       g.errors == 0, (unsigned long long)g.errors, g.n_active,
		       g.n_total - g.n_active, g.size,
		       (double)(t_setup - start) / 1e6, secs,
		       (unsigned long long)g.msgs_measured,
		       (unsigned long long)g.msgs_total, rate,
		       rate * g.size / 1e6,
		       quantile_u32(g.rtt, g.n_rtt, 0.50) / 1e3,
		       quantile_u32(g.rtt, g.n_rtt, 0.99) / 1e3,
		       (long long)(cpu1 - cpu0), (long long)(tick1 - tick0),
		       (long long)(self1 - self0));
	}
	return g.errors ? 1 : 0;
}
