/*
 * libev initialises watchers with macros (ev_io_init, ev_timer_init, ...),
 * which Rust cannot call. This file wraps the few the plugin needs into
 * functions. Each watcher is embedded in a small record that carries the
 * plugin's callback and its argument; the libev callback forwards to it.
 */
#include <ev.h>
#include <stdlib.h>

typedef void (*rwsloop_ev_fn)(void *arg, int revents);

struct rwsloop_ev_io {
	ev_io w;
	rwsloop_ev_fn fn;
	void *arg;
};

struct rwsloop_ev_timer {
	ev_timer w;
	rwsloop_ev_fn fn;
	void *arg;
};

struct rwsloop_ev_prepare {
	ev_prepare w;
	rwsloop_ev_fn fn;
	void *arg;
};

/* A signal watcher's callback gets the watcher and the signal number. */
typedef void (*rwsloop_ev_signal_fn)(void *arg, void *watcher, int signum);

struct rwsloop_ev_signal {
	ev_signal w;
	rwsloop_ev_signal_fn fn;
	void *arg;
};

static void on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct rwsloop_ev_io *r = (struct rwsloop_ev_io *)w;

	(void)loop;
	r->fn(r->arg, revents);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct rwsloop_ev_timer *r = (struct rwsloop_ev_timer *)w;

	(void)loop;
	r->fn(r->arg, revents);
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct rwsloop_ev_prepare *r = (struct rwsloop_ev_prepare *)w;

	(void)loop;
	r->fn(r->arg, revents);
}

/* A stopped I/O watcher on fd. */
void *rwsloop_ev_io_new(int fd, rwsloop_ev_fn fn, void *arg)
{
	struct rwsloop_ev_io *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	ev_io_init(&r->w, on_io, fd, 0);
	r->fn = fn;
	r->arg = arg;
	return r;
}

/* Watch for events (EV_READ | EV_WRITE); 0 stops the watcher. */
void rwsloop_ev_io_events(struct ev_loop *loop, void *p, int events)
{
	struct rwsloop_ev_io *r = p;

	ev_io_stop(loop, &r->w);
	if (!events)
		return;
	ev_io_set(&r->w, r->w.fd, events);
	ev_io_start(loop, &r->w);
}

void rwsloop_ev_io_free(struct ev_loop *loop, void *p)
{
	struct rwsloop_ev_io *r = p;

	ev_io_stop(loop, &r->w);
	free(r);
}

/* A stopped one-shot timer. */
void *rwsloop_ev_timer_new(rwsloop_ev_fn fn, void *arg)
{
	struct rwsloop_ev_timer *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	ev_timer_init(&r->w, on_timer, 0., 0.);
	r->fn = fn;
	r->arg = arg;
	return r;
}

/* Fire after `ms` milliseconds, counted from now (not from the time the
 * loop last woke up); negative: stop. */
void rwsloop_ev_timer_arm(struct ev_loop *loop, void *p, int ms)
{
	struct rwsloop_ev_timer *r = p;

	ev_timer_stop(loop, &r->w);
	if (ms < 0)
		return;
	ev_now_update(loop);
	ev_timer_set(&r->w, ms / 1000., 0.);
	ev_timer_start(loop, &r->w);
}

void rwsloop_ev_timer_free(struct ev_loop *loop, void *p)
{
	struct rwsloop_ev_timer *r = p;

	ev_timer_stop(loop, &r->w);
	free(r);
}

/* A started prepare watcher (runs before every wait of the loop). */
void *rwsloop_ev_prepare_new(struct ev_loop *loop, rwsloop_ev_fn fn, void *arg)
{
	struct rwsloop_ev_prepare *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	ev_prepare_init(&r->w, on_prepare);
	r->fn = fn;
	r->arg = arg;
	ev_prepare_start(loop, &r->w);
	return r;
}

void rwsloop_ev_prepare_free(struct ev_loop *loop, void *p)
{
	struct rwsloop_ev_prepare *r = p;

	ev_prepare_stop(loop, &r->w);
	free(r);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct rwsloop_ev_signal *r = (struct rwsloop_ev_signal *)w;

	(void)loop;
	(void)revents;
	r->fn(r->arg, w, w->signum);
}

/* A started watcher for signum. */
void *rwsloop_ev_signal_new(struct ev_loop *loop, int signum,
			    rwsloop_ev_signal_fn fn, void *arg)
{
	struct rwsloop_ev_signal *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	ev_signal_init(&r->w, on_signal, signum);
	r->fn = fn;
	r->arg = arg;
	ev_signal_start(loop, &r->w);
	return r;
}

void rwsloop_ev_signal_free(struct ev_loop *loop, void *p)
{
	struct rwsloop_ev_signal *r = p;

	ev_signal_stop(loop, &r->w);
	free(r);
}
