/*
 * The sul scheduler under volume: 10^6 schedules of a pool of nodes with
 * random delays (0..200 ms), random cancels and random reschedules, made
 * both from sul callbacks and between service passes.
 *
 * The test keeps its own model of what is scheduled: a binary heap ordered
 * by (due time, most recently scheduled first), so at every firing it
 * knows exactly which node must fire. Checked at every firing:
 *  - the node is scheduled in the model: a cancelled node, or one that
 *    already fired (a duplicate), never fires;
 *  - it is the model's first node: fire order is by due time, and the
 *    last scheduled first among equal due times (LIFO);
 *  - lws_now_usecs() is not before its due time, and the node arrives
 *    detached (us == 0);
 * and at the end every scheduled node has fired or was cancelled/moved.
 *
 * A quarter of the schedules set sul->us themselves (to a whole
 * millisecond, so that equal due times are frequent) and call
 * lws_sul2_schedule, also on nodes that are already scheduled: "call it
 * again with another us value to change the delay", as lws-timeout-timer.h
 * documents. The rest use lws_sul_schedule.
 *
 * Real lws keeps suls on a sorted linked list (O(n) insertion): it gets a
 * smaller pool and 50,000 schedules instead of 10^6 (valgrind: 20,000).
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "stress-util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct snode {
	lws_sorted_usec_list_t sul;
	lws_usec_t due;     /* model: due time while scheduled */
	unsigned long seq;  /* model: when it was (last) scheduled */
	int hidx;           /* index in the heap, -1 when not scheduled */
	int free;           /* on the free list */
	int in_cb;          /* its callback is running */
};

static struct lws_context *cx;
static struct snode *nodes;
static int pool;
static int *heap, hn;
static int *freelist, nfree;
static unsigned long seq;
static uint64_t rng;

static long total, scheduled, fired, cancelled, moved, ties, via_sul2;
static long max_pending;

static const struct lws_protocols one_protocol[] = {
	{ "p", trace_protocol_cb, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* ---- the model: a binary heap of node indices ---- */

static int before(int a, int b)
{
	const struct snode *x = &nodes[a], *y = &nodes[b];

	return x->due < y->due || (x->due == y->due && x->seq > y->seq);
}

static void place(int i, int node)
{
	heap[i] = node;
	nodes[node].hidx = i;
}

static void sift_up(int i)
{
	int node = heap[i];

	while (i > 0 && before(node, heap[(i - 1) / 2])) {
		place(i, heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(i, node);
}

static void sift_down(int i)
{
	int node = heap[i];

	for (;;) {
		int c = 2 * i + 1;

		if (c >= hn)
			break;
		if (c + 1 < hn && before(heap[c + 1], heap[c]))
			c++;
		if (!before(heap[c], node))
			break;
		place(i, heap[c]);
		i = c;
	}
	place(i, node);
}

static void model_remove(int node)
{
	int i = nodes[node].hidx, last;

	nodes[node].hidx = -1;
	last = heap[--hn];
	if (i == hn)
		return;
	place(i, last);
	sift_up(i);
	sift_down(nodes[last].hidx);
}

static void model_add(int node)
{
	place(hn++, node);
	sift_up(hn - 1);
	if (hn > max_pending)
		max_pending = hn;
}

/* ---- operations ---- */

static void fire_cb(lws_sorted_usec_list_t *sul);

/* (Re)schedule `node` `delay_us` from now; returns 0 if over budget. */
static int sched(int node, lws_usec_t delay_us)
{
	struct snode *n = &nodes[node];

	if (scheduled >= total)
		return 0;
	scheduled++;
	if (n->hidx >= 0) {
		moved++;
		model_remove(node);
	}
	if (rnd() % 4 == 0) {
		/* Absolute, on a whole millisecond: equal due times. */
		lws_usec_t at = lws_now_usecs() + delay_us;

		at = (at + 999) / 1000 * 1000;
		n->sul.cb = fire_cb;
		n->sul.us = at;
		lws_sul2_schedule(cx, 0, LWSSULLI_MISS_IF_SUSPENDED, &n->sul);
		via_sul2++;
		ASSERT_EQ(n->sul.us, at);
	} else {
		lws_sul_schedule(cx, 0, &n->sul, fire_cb, delay_us);
	}
	ASSERT_NE(n->sul.us, 0);
	n->due = n->sul.us;
	n->seq = ++seq;
	model_add(node);
	return 1;
}

static lws_usec_t random_delay(void)
{
	return (lws_usec_t)(rnd() % 200001);
}

static void release(int node)
{
	if (!nodes[node].free && nodes[node].hidx < 0 && !nodes[node].in_cb) {
		nodes[node].free = 1;
		freelist[nfree++] = node;
	}
}

static void cancel_node(int node)
{
	struct snode *n = &nodes[node];

	lws_sul_cancel(&n->sul);
	ASSERT_EQ(n->sul.us, 0);
	if (n->hidx >= 0) {
		cancelled++;
		model_remove(node);
	}
	release(node);
}

static int random_pending(void)
{
	return hn ? heap[rnd() % (unsigned)hn] : -1;
}

static void fire_cb(lws_sorted_usec_list_t *sul)
{
	struct snode *n = lws_container_of(sul, struct snode, sul);
	int node = (int)(n - nodes), other;
	lws_usec_t now = lws_now_usecs();
	uint32_t r;

	if (n->hidx < 0)
		capi_fail(__FILE__, __LINE__, "fired node is scheduled",
			  "node %d fired but was not scheduled (cancelled, "
			  "or fired already); %ld fired so far",
			  node, fired);
	if (heap[0] != node) {
		const struct snode *t = &nodes[heap[0]];

		capi_fail(__FILE__, __LINE__, "fire order",
			  "node %d (due %lld, scheduled #%lu) fired before "
			  "node %d (due %lld, scheduled #%lu)",
			  node, (long long)n->due, n->seq, heap[0],
			  (long long)t->due, t->seq);
	}
	if (now < n->due)
		capi_fail(__FILE__, __LINE__, "lws_now_usecs() >= due",
			  "node %d fired %lld us early", node,
			  (long long)(n->due - now));
	ASSERT_EQ(sul->us, 0);
	model_remove(node);
	fired++;
	if (hn && nodes[heap[0]].due == n->due)
		ties++;

	n->in_cb = 1;
	r = rnd() % 100;
	if (r < 30) {
		sched(node, random_delay());
	} else if (r < 45) {
		other = random_pending();
		if (other >= 0)
			cancel_node(other);
	} else if (r < 60) {
		other = random_pending();
		if (other >= 0)
			sched(other, random_delay());
	}
	n->in_cb = 0;
	release(node);
}

static lws_sorted_usec_list_t heartbeat;

static void heartbeat_cb(lws_sorted_usec_list_t *sul)
{
	lws_sul_schedule(cx, 0, sul, heartbeat_cb, 20000);
}

/* Between passes: keep the pool busy, cancel and move a few (in
 * proportion to the firings since the last pass, so that the mix does not
 * depend on how many passes an implementation makes). */
static void between_passes(void)
{
	static long fired_seen, credit;
	long k, ops;
	int target = pool * 3 / 4;

	credit += fired - fired_seen;
	fired_seen = fired;
	ops = credit / 2;
	credit %= 2;
	while (hn < target && nfree && scheduled < total) {
		int node = freelist[--nfree];

		nodes[node].free = 0;
		sched(node, random_delay());
	}
	for (k = 0; k < ops; k++) {
		int node = random_pending();

		if (node < 0)
			break;
		if (rnd() % 2)
			cancel_node(node);
		else
			sched(node, random_delay());
	}
}

CAPI_TEST(stress_sul_random, .timeout_ms = 120000)
{
	const char *s = getenv("CAPI_STRESS_SEED");
	long long deadline;
	long passes = 0;
	int i;

	total = stress_count(1000000, 50000, 20000);
	pool = IS_RWSLOOP && !stress_slow() ? 40000 : 1000;
	rng = s ? strtoull(s, NULL, 0) : 0x2545f4914f6cdd1dull;
	if (!rng)
		rng = 1;
	printf("seed 0x%llx (CAPI_STRESS_SEED), %ld schedules, pool %d\n",
	       (unsigned long long)rng, total, pool);

	nodes = calloc((size_t)pool, sizeof(*nodes));
	heap = calloc((size_t)pool, sizeof(*heap));
	freelist = calloc((size_t)pool, sizeof(*freelist));
	ASSERT_NOT_NULL(nodes);
	ASSERT_NOT_NULL(heap);
	ASSERT_NOT_NULL(freelist);
	for (i = pool - 1; i >= 0; i--) {
		nodes[i].hidx = -1;
		nodes[i].free = 1;
		freelist[nfree++] = i;
	}

	cx = started_context(one_protocol, NULL);
	trace_freeze();

	/* A heartbeat of our own bounds every pass, so a node that never
	 * fires shows up as a model that never empties, not as a hang. */
	lws_sul_schedule(cx, 0, &heartbeat, heartbeat_cb, 20000);
	deadline = now_us() + (long long)capi_scaled_ms(90000) * 1000;
	while ((scheduled < total || hn) && now_us() < deadline) {
		between_passes();
		ASSERT_EQ(lws_service(cx, 0), 0);
		passes++;
	}
	lws_sul_cancel(&heartbeat);

	printf("%ld scheduled (%ld by lws_sul2_schedule), %ld fired, %ld "
	       "cancelled, %ld moved while scheduled; up to %ld pending; "
	       "%ld firings with an equal due time next; %ld passes\n",
	       scheduled, via_sul2, fired, cancelled, moved, max_pending,
	       ties, passes);
	ASSERT_EQ(hn, 0);
	ASSERT_EQ(scheduled, total);
	ASSERT_EQ(fired + cancelled + moved, scheduled);
	ASSERT_GT(ties, 0);
	for (i = 0; i < pool; i++)
		ASSERT_EQ(nodes[i].sul.us, 0);
	lws_context_destroy(cx);
	free(nodes);
	free(heap);
	free(freelist);
}

/*
 * The narrow case behind many of the checks above: a scheduled node moved
 * by setting sul->us and calling lws_sul2_schedule again, for 1,000 nodes
 * at once. Each must fire once, at its new time, never at the old one.
 */
static struct {
	lws_sorted_usec_list_t sul;
	lws_usec_t due;
	int fires, early;
} moved_nodes[1000];
static int moved_fired;

static void moved_cb(lws_sorted_usec_list_t *sul)
{
	size_t i = (size_t)((char *)sul - (char *)&moved_nodes[0].sul) /
		   sizeof(moved_nodes[0]);

	if (lws_now_usecs() < moved_nodes[i].due)
		moved_nodes[i].early++;
	moved_nodes[i].fires++;
	moved_fired++;
}

CAPI_TEST(stress_sul_sul2_moves, .timeout_ms = 30000)
{
	lws_usec_t base;
	int i, once = 0, early = 0;

	cx = started_context(one_protocol, NULL);
	base = lws_now_usecs();
	for (i = 0; i < 1000; i++) {
		moved_nodes[i].sul.cb = moved_cb;
		moved_nodes[i].sul.us = base + 5000 + i * 10;
		lws_sul2_schedule(cx, 0, LWSSULLI_MISS_IF_SUSPENDED,
				  &moved_nodes[i].sul);
	}
	/* Move every one 50 ms later, the way lws-timeout-timer.h says. */
	for (i = 0; i < 1000; i++) {
		moved_nodes[i].sul.us = base + 55000 + i * 10;
		moved_nodes[i].due = moved_nodes[i].sul.us;
		lws_sul2_schedule(cx, 0, LWSSULLI_MISS_IF_SUSPENDED,
				  &moved_nodes[i].sul);
	}
	SERVICE_UNTIL(cx, moved_fired >= 1000, 5000);
	/* Anything still due (a duplicate) has had 100 ms more to fire. */
	SERVICE_UNTIL(cx, 0, 100);
	for (i = 0; i < 1000; i++) {
		once += moved_nodes[i].fires == 1;
		early += moved_nodes[i].early;
	}
	printf("%d firings for 1000 moved nodes: %d fired exactly once, %d "
	       "firings before the new due time\n",
	       moved_fired, once, early);
	ASSERT_EQ(early, 0);
	ASSERT_EQ(once, 1000);
	ASSERT_EQ(moved_fired, 1000);
	lws_context_destroy(cx);
}
