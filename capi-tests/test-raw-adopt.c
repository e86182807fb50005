/*
 * Adopting descriptors: a socket (socketpair) with and without a named
 * protocol, echo through it with the external-poll callbacks traced, a
 * pipe adopted as a raw file, and adoption attempts that must fail.
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

struct pss {
	unsigned int magic;
	unsigned int rx;
};

#define PSS_MAGIC 0x5a5a1234u

static struct lws_context *cx;
static struct lws *adopted;
static unsigned char echo_buf[LWS_PRE + 256];
static size_t echo_len;
static int poll_locks;   /* trace LOCK_POLL/UNLOCK_POLL too */
static int closed;
static int user_mismatch;
static struct pss *seen_pss;

static int echo_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	struct pss *pss = user;
	int n;

	if (raw_is_poll_reason(reason)) {
		raw_trace_poll(wsi, (int)reason, user, in, poll_locks);
		return 0;
	}
	trace_cb(wsi, (int)reason, user, in, len);

	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
		if (pss) {
			/* A fresh, zeroed per-session block. */
			if (pss->magic || pss->rx)
				user_mismatch++;
			pss->magic = PSS_MAGIC;
			seen_pss = pss;
		}
		break;
	case LWS_CALLBACK_RAW_RX:
		if (pss && (pss != seen_pss || pss->magic != PSS_MAGIC))
			user_mismatch++;
		if (pss)
			pss->rx += (unsigned int)len;
		if (echo_len + len > sizeof(echo_buf) - LWS_PRE)
			return -1;
		memcpy(echo_buf + LWS_PRE + echo_len, in, len);
		echo_len += len;
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		if (!echo_len)
			break;
		n = lws_write(wsi, echo_buf + LWS_PRE, echo_len,
			      LWS_WRITE_RAW);
		trace_line("lws_write %zu -> %d", echo_len, n);
		if (n != (int)echo_len)
			return -1;
		echo_len = 0;
		break;
	case LWS_CALLBACK_RAW_CLOSE:
		if (pss && (pss != seen_pss || pss->magic != PSS_MAGIC))
			user_mismatch++;
		closed++;
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		if (wsi == adopted)
			adopted = NULL;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols echo_protos[] = {
	{ "raw", echo_cb, sizeof(struct pss), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void start(const struct lws_protocols *protos)
{
	struct lws_context_creation_info info;

	raw_info(&info, protos);
	cx = raw_start(&info);
}

/*
 * A socketpair end adopted with a named protocol: ADD_POLL_FD before
 * RAW_ADOPT, a pss for the wsi, RX echoed through WRITEABLE (POLLOUT on,
 * then off), the peer's hang-up closes it: DROP, DEL_POLL_FD, RAW_CLOSE,
 * WSI_DESTROY. lws closes the adopted descriptor. (lws 4.1.6 was built
 * without external-poll callbacks.)
 */
CAPI_TEST(raw_adopt_echo, .flags = CAPI_TRACE | CAPI_NEEDS_43)
{
	char got[16];
	int sv[2];

	poll_locks = 1;
	start(echo_protos);
	raw_socketpair(sv);
	raw_label_fd(sv[0], "A");

	trace_line("-- adopt");
	adopted = raw_adopt(cx, sv[0], "raw");
	ASSERT_NOT_NULL(adopted);
	ASSERT_EQ(lws_get_socket_fd(adopted), sv[0]);
	ASSERT_NOT_NULL(seen_pss);
	ASSERT_PTR_EQ(lws_wsi_user(adopted), seen_pss);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- peer writes ping");
	ASSERT_EQ(write(sv[1], "ping", 4), 4);
	SERVICE_UNTIL(cx, trace_count(LWS_CALLBACK_RAW_WRITEABLE) >= 1, 2000);
	ASSERT_EQ(raw_read_full(sv[1], got, 4, 2000), 4);
	ASSERT_TRUE(!memcmp(got, "ping", 4));
	ASSERT_EQ(seen_pss->rx, 4);
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- peer closes");
	close(sv[1]);
	SERVICE_UNTIL(cx, closed, 2000);
	ASSERT_EQ(closed, 1);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_NULL(adopted);
	/* lws closed the adopted end. */
	ASSERT_TRUE(!raw_fd_open(sv[0]));
	ASSERT_EQ(user_mismatch, 0);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_EQ(closed, 1);
	/* (the DROP callback's `in` is a C string naming the closing
	 * function in lws: only its presence is compared) */
	ASSERT_TRACE(
		     "GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/raw\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- adopt\n"
		     "WSI_CREATE default/raw\n"
		     "RAW_SKT_BIND_PROTOCOL default/raw user\n"
		     "LOCK_POLL default/raw user A\n"
		     "ADD_POLL_FD default/raw user A events=1 prev=0\n"
		     "UNLOCK_POLL default/raw user A\n"
		     "RAW_ADOPT default/raw user\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- peer writes ping\n"
		     "RAW_RX default/raw user in=set len=4\n"
		     "LOCK_POLL default/raw user A\n"
		     "CHANGE_MODE_POLL_FD default/raw user A events=5 prev=1\n"
		     "UNLOCK_POLL default/raw user A\n"
		     "LOCK_POLL default/raw user A\n"
		     "CHANGE_MODE_POLL_FD default/raw user A events=1 prev=5\n"
		     "UNLOCK_POLL default/raw user A\n"
		     "RAW_WRITEABLE default/raw user\n"
		     "lws_write 4 -> 4\n"
		     "-- peer closes\n"
		     "RAW_SKT_DROP_PROTOCOL default/raw user in=set\n"
		     "LOCK_POLL default/raw user A\n"
		     "DEL_POLL_FD default/raw user A events=0 prev=0\n"
		     "UNLOCK_POLL default/raw user A\n"
		     "RAW_CLOSE default/raw user\n"
		     "LOCK_POLL default/raw user A\n"
		     "UNLOCK_POLL default/raw user A\n"
		     "WSI_DESTROY default/raw user\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY default/raw\n");
}

/* ---- named protocol or none ---- */

static int first_cb(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len);
static int second_cb(struct lws *wsi, enum lws_callback_reasons reason,
		     void *user, void *in, size_t len);

static const struct lws_protocols two_protos[] = {
	{ "first", first_cb, sizeof(struct pss), 0, 0, NULL, 0 },
	{ "second", second_cb, 2 * sizeof(struct pss), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static int opaque_token;
static int opaque_seen;

/* Record the call, and which protocol's function received it when that
 * is not the wsi's own protocol. */
static int routed_cb(const char *fn, struct lws *wsi, int reason, void *user,
		     void *in, size_t len)
{
	const struct lws_protocols *p = lws_get_protocol(wsi);

	/* (external poll: raw_adopt_echo's; lws 4.1.6 has none) */
	if (raw_is_poll_reason(reason))
		return 0;
	trace_cb(wsi, reason, user, in, len);
	if (p && p->name && strcmp(p->name, fn))
		trace_line("  (to %s's callback)", fn);
	if (reason == LWS_CALLBACK_RAW_ADOPT &&
	    lws_get_opaque_user_data(wsi) == &opaque_token) {
		trace_line("  opaque already set");
		opaque_seen++;
	}
	if (reason == LWS_CALLBACK_RAW_CLOSE)
		closed++;
	return 0;
}

static int first_cb(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	return routed_cb("first", wsi, (int)reason, user, in, len);
}

static int second_cb(struct lws *wsi, enum lws_callback_reasons reason,
		     void *user, void *in, size_t len)
{
	return routed_cb("second", wsi, (int)reason, user, in, len);
}

/*
 * Without a name the socket binds the vhost's first protocol; with a name,
 * that protocol (its callbacks, its pss size); WSI_CREATE and WSI_DESTROY
 * go to protocols[0]'s callback. Through lws_adopt_descriptor_vhost_via_info
 * the opaque pointer is set before RAW_ADOPT.
 */
CAPI_TEST(raw_adopt_named_vs_none, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	lws_adopt_desc_t ad;
	struct lws *w1, *w2;
	int a[2], b[2];

	start(two_protos);
	raw_socketpair(a);
	raw_socketpair(b);

	trace_line("-- adopt without a protocol name");
	w1 = raw_adopt(cx, a[0], NULL);
	ASSERT_NOT_NULL(w1);
	ASSERT_STR_EQ(lws_get_protocol(w1)->name, "first");
	ASSERT_NOT_NULL(lws_wsi_user(w1));
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- adopt via info, protocol second, opaque set");
	memset(&ad, 0, sizeof(ad));
	ad.vh = lws_get_vhost_by_name(cx, "default");
	ad.type = LWS_ADOPT_SOCKET;
	ad.fd.sockfd = b[0];
	ad.vh_prot_name = "second";
	ad.opaque = &opaque_token;
	w2 = lws_adopt_descriptor_vhost_via_info(&ad);
	ASSERT_NOT_NULL(w2);
	ASSERT_STR_EQ(lws_get_protocol(w2)->name, "second");
	ASSERT_NOT_NULL(lws_wsi_user(w2));
	ASSERT_PTR_EQ(lws_get_opaque_user_data(w2), &opaque_token);
	ASSERT_EQ(loop_settle(cx), 0);


	trace_line("-- close first's peer");
	close(a[1]);
	SERVICE_UNTIL(cx, closed == 1, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	trace_line("-- close second's peer");
	close(b[1]);
	SERVICE_UNTIL(cx, closed == 2, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(closed, 2);
	ASSERT_TRUE(!raw_fd_open(a[0]));
	ASSERT_TRUE(!raw_fd_open(b[0]));

	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/first\n"
		     "PROTOCOL_INIT default/second\n"
		     "EVENT_WAIT_CANCELLED default/first default/second\n"
		     "-- adopt without a protocol name\n"
		     "WSI_CREATE default/first\n"
		     "RAW_SKT_BIND_PROTOCOL default/first user\n"
		     "RAW_ADOPT default/first user\n"
		     "EVENT_WAIT_CANCELLED default/first default/second\n"
		     "-- adopt via info, protocol second, opaque set\n"
		     "WSI_CREATE default/first\n"
		     "RAW_SKT_BIND_PROTOCOL default/second user\n"
		     "RAW_ADOPT default/second user\n"
		     "  opaque already set\n"
		     "EVENT_WAIT_CANCELLED default/first default/second\n"
		     "-- close first's peer\n"
		     "RAW_SKT_DROP_PROTOCOL default/first user in=set\n"
		     "RAW_CLOSE default/first user\n"
		     "WSI_DESTROY default/first user\n"
		     "-- close second's peer\n"
		     "RAW_SKT_DROP_PROTOCOL default/second user in=set\n"
		     "RAW_CLOSE default/second user\n"
		     "WSI_DESTROY default/second user\n"
		     "  (to first's callback)\n"
		     "PROTOCOL_DESTROY default/first\n"
		     "PROTOCOL_DESTROY default/second\n");
	ASSERT_EQ(opaque_seen, 1);
}

/*
 * An unknown protocol name: the adoption fails, and - as lws documents for
 * a failed adoption - the descriptor is closed. Nothing is left behind.
 */
CAPI_TEST(raw_adopt_unknown_protocol, .flags = CAPI_RWSLOOP_ONLY,
	  .expect_differs_from_lws =
		  "lws 4.3.5 frees the wsi of an adoption whose protocol "
		  "name is unknown but leaves it linked in a list: the next "
		  "lws_service() writes into the freed block (valgrind: "
		  "invalid write in lws_dll2_remove); it also calls "
		  "WSI_CREATE for it and never WSI_DESTROY")
{
	unsigned int creates;
	int c[2];

	start(two_protos);
	raw_socketpair(c);
	creates = trace_count(LWS_CALLBACK_WSI_CREATE);
	ASSERT_NULL(raw_adopt(cx, c[0], "nope"));
	ASSERT_TRUE(!raw_fd_open(c[0]));
	ASSERT_EQ(loop_settle(cx), 0);
	/* Whatever was created was destroyed again. */
	ASSERT_EQ(trace_count(LWS_CALLBACK_WSI_DESTROY),
		  trace_count(LWS_CALLBACK_WSI_CREATE) - creates);
	ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_ADOPT), 0);
	ASSERT_TRUE(raw_sees_eof(c[1], 1000));
	close(c[1]);
	lws_context_destroy(cx);
}

/* ---- a pipe adopted as a raw file ---- */

static int file_fd = -1;
static unsigned char file_got[64];
static size_t file_got_len;
static int file_rx_calls, file_bad_rx, file_closed;

static int file_cb(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	ssize_t n;

	if (raw_is_poll_reason(reason))
		return 0;
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		file_rx_calls++;
		if (in || len)
			file_bad_rx++;
		/* lws does not read a file: the program does. */
		n = read(lws_get_socket_fd(wsi), file_got + file_got_len,
			 sizeof(file_got) - file_got_len);
		trace_line("read -> %zd", n);
		if (n > 0)
			file_got_len += (size_t)n;
		break;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		file_closed++;
		break;
	default:
		break;
	}
	return 0;
}

/* Traces all but the external-poll calls (lws 4.1.6 makes none). */
static int quiet_cb(struct lws *wsi, enum lws_callback_reasons reason,
		    void *user, void *in, size_t len)
{
	if (!raw_is_poll_reason(reason))
		trace_cb(wsi, (int)reason, user, in, len);
	return 0;
}

static const struct lws_protocols file_protos[] = {
	{ "other", quiet_cb, 0, 0, 0, NULL, 0 },
	{ "file", file_cb, sizeof(struct pss), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

/*
 * The read end of a pipe adopted as a raw file: RAW_ADOPT_FILE (no BIND),
 * each time it is readable RAW_RX_FILE with in NULL and len 0 and the
 * program reads; the writer's hang-up closes it (RAW_CLOSE_FILE) without
 * a last RAW_RX_FILE, and lws closes the descriptor.
 */
CAPI_TEST(raw_adopt_file_pipe, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	lws_sock_file_fd_type u;
	struct lws *w;
	int p[2], q[2];

	start(file_protos);
	ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
	file_fd = p[0];

	/* Without a name: the vhost's first protocol, no pss. */
	ASSERT_EQ(pipe2(q, O_CLOEXEC), 0);
	trace_line("-- adopt a pipe as a file, no protocol name");
	memset(&u, 0, sizeof(u));
	u.filefd = q[0];
	w = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(cx, "default"),
				       LWS_ADOPT_RAW_FILE_DESC, u, NULL, NULL);
	ASSERT_NOT_NULL(w);
	ASSERT_STR_EQ(lws_get_protocol(w)->name, "other");
	ASSERT_NULL(lws_wsi_user(w));
	ASSERT_EQ(loop_settle(cx), 0);
	trace_line("-- its writer hangs up");
	close(q[1]);
	SERVICE_UNTIL(cx, trace_count(LWS_CALLBACK_RAW_CLOSE_FILE) == 1, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_TRUE(!raw_fd_open(q[0]));

	trace_line("-- adopt the read end as a file, protocol file");
	memset(&u, 0, sizeof(u));
	u.filefd = p[0];
	w = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(cx, "default"),
				       LWS_ADOPT_RAW_FILE_DESC, u, "file",
				       NULL);
	ASSERT_NOT_NULL(w);
	ASSERT_EQ(lws_get_socket_fd(w), p[0]);
	/* lws made it non-blocking. */
	ASSERT_TRUE(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(file_rx_calls, 0);

	trace_line("-- writer writes abc");
	ASSERT_EQ(write(p[1], "abc", 3), 3);
	SERVICE_UNTIL(cx, file_got_len >= 3, 2000);
	ASSERT_EQ(file_got_len, 3);
	ASSERT_TRUE(!memcmp(file_got, "abc", 3));
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- writer writes defg");
	ASSERT_EQ(write(p[1], "defg", 4), 4);
	SERVICE_UNTIL(cx, file_got_len >= 7, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(file_got_len, 7);
	ASSERT_TRUE(!memcmp(file_got, "abcdefg", 7));

	trace_line("-- writer hangs up");
	close(p[1]);
	SERVICE_UNTIL(cx, file_closed, 2000);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(file_closed, 1);
	ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_CLOSE_FILE), 2);
	ASSERT_EQ(file_rx_calls, 2);
	ASSERT_EQ(file_bad_rx, 0);
	ASSERT_TRUE(!raw_fd_open(p[0]));

	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/other\n"
		     "PROTOCOL_INIT default/file\n"
		     "EVENT_WAIT_CANCELLED default/other default/file\n"
		     "-- adopt a pipe as a file, no protocol name\n"
		     "WSI_CREATE default/other\n"
		     "RAW_ADOPT_FILE default/other\n"
		     "EVENT_WAIT_CANCELLED default/other default/file\n"
		     "-- its writer hangs up\n"
		     "RAW_CLOSE_FILE default/other\n"
		     "WSI_DESTROY default/other\n"
		     "-- adopt the read end as a file, protocol file\n"
		     "WSI_CREATE default/other\n"
		     "RAW_ADOPT_FILE default/file user\n"
		     "EVENT_WAIT_CANCELLED default/other default/file\n"
		     "-- writer writes abc\n"
		     "RAW_RX_FILE default/file user\n"
		     "read -> 3\n"
		     "-- writer writes defg\n"
		     "RAW_RX_FILE default/file user\n"
		     "read -> 4\n"
		     "-- writer hangs up\n"
		     "RAW_CLOSE_FILE default/file user\n"
		     "WSI_DESTROY default/file user\n"
		     "PROTOCOL_DESTROY default/other\n"
		     "PROTOCOL_DESTROY default/file\n");
}

/* ---- adoptions that must fail ---- */

/*
 * A descriptor number that is not open: NULL (after lws has created,
 * bound, dropped and closed a wsi for it), and the context goes on
 * working.
 */
CAPI_TEST(raw_adopt_closed_fd, .flags = CAPI_TRACE | CAPI_AGREES_41,
	  .expect_differs_from_lws =
		  "adopting a descriptor number that is not open: lws runs "
		  "WSI_CREATE, BIND, DROP, RAW_CLOSE and WSI_DESTROY for a wsi "
		  "that never existed before returning NULL; rwsloop refuses it "
		  "up front with a logged reason and calls nothing back")
{
	char got[8];
	int sv[2], dead;

	start(echo_protos);
	raw_socketpair(sv);
	dead = dup(sv[1]);
	ASSERT_GE(dead, 0);
	close(dead);

	trace_line("-- adopt a closed descriptor number");
	ASSERT_NULL(raw_adopt(cx, dead, "raw"));
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_TRUE(!raw_fd_open(dead));

	trace_line("-- adopt a socket, echo");
	adopted = raw_adopt(cx, sv[0], "raw");
	ASSERT_NOT_NULL(adopted);
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_EQ(write(sv[1], "hi", 2), 2);
	SERVICE_UNTIL(cx, trace_count(LWS_CALLBACK_RAW_WRITEABLE) >= 1, 2000);
	ASSERT_EQ(raw_read_full(sv[1], got, 2, 2000), 2);
	ASSERT_TRUE(!memcmp(got, "hi", 2));
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRUE(!raw_fd_open(sv[0]));
	close(sv[1]);
	/* lws goes through the whole life of a wsi for the failed adoption,
	 * RAW_CLOSE included, though it never sent RAW_ADOPT; rwsloop refuses
	 * the descriptor before anything happens. */
	ASSERT_TRACE(IS_RWSLOOP ?
		     "GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/raw\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- adopt a closed descriptor number\n"
		     "-- adopt a socket, echo\n"
		     "WSI_CREATE default/raw\n"
		     "RAW_SKT_BIND_PROTOCOL default/raw user\n"
		     "RAW_ADOPT default/raw user\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "RAW_RX default/raw user in=set len=2\n"
		     "RAW_WRITEABLE default/raw user\n"
		     "lws_write 2 -> 2\n"
		     "-- destroy\n"
		     "RAW_SKT_DROP_PROTOCOL default/raw user in=set\n"
		     "RAW_CLOSE default/raw user\n"
		     "WSI_DESTROY default/raw user\n"
		     "PROTOCOL_DESTROY default/raw\n" :
		     "GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/raw\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "-- adopt a closed descriptor number\n"
		     "WSI_CREATE default/raw\n"
		     "RAW_SKT_BIND_PROTOCOL default/raw user\n"
		     "RAW_SKT_DROP_PROTOCOL default/raw user in=set\n"
		     "RAW_CLOSE default/raw user\n"
		     "WSI_DESTROY default/raw user\n"
		     "-- adopt a socket, echo\n"
		     "WSI_CREATE default/raw\n"
		     "RAW_SKT_BIND_PROTOCOL default/raw user\n"
		     "RAW_ADOPT default/raw user\n"
		     "EVENT_WAIT_CANCELLED default/raw\n"
		     "RAW_RX default/raw user in=set len=2\n"
		     "RAW_WRITEABLE default/raw user\n"
		     "lws_write 2 -> 2\n"
		     "-- destroy\n"
		     "RAW_SKT_DROP_PROTOCOL default/raw user in=set\n"
		     "RAW_CLOSE default/raw user\n"
		     "WSI_DESTROY default/raw user\n"
		     "PROTOCOL_DESTROY default/raw\n");
	ASSERT_EQ(closed, IS_RWSLOOP ? 1 : 2);
}

/*
 * A socket some wsi already owns, adopted again: NULL, nothing called
 * back, the descriptor stays open and the first wsi keeps working.
 */
CAPI_TEST(raw_adopt_twice, .flags = CAPI_RWSLOOP_ONLY,
	  .expect_differs_from_lws =
		  "lws 4.3.5 and 4.1.6 abort on adopting a descriptor a wsi "
		  "already owns (assertion in insert_wsi, unix-fds.c); "
		  "rwsloop refuses the adoption (NULL) and leaves the "
		  "descriptor and its wsi alone")
{
	char got[8];
	unsigned int events;
	int sv[2];

	start(echo_protos);
	raw_socketpair(sv);
	adopted = raw_adopt(cx, sv[0], "raw");
	ASSERT_NOT_NULL(adopted);
	ASSERT_EQ(loop_settle(cx), 0);

	events = trace_events();
	ASSERT_NULL(raw_adopt(cx, sv[0], "raw"));
	ASSERT_NULL(raw_adopt(cx, sv[0], NULL));
	ASSERT_EQ(trace_events(), events);
	ASSERT_TRUE(raw_fd_open(sv[0]));
	ASSERT_EQ(loop_settle(cx), 0);

	ASSERT_EQ(write(sv[1], "hi", 2), 2);
	SERVICE_UNTIL(cx, trace_count(LWS_CALLBACK_RAW_WRITEABLE) >= 1, 2000);
	ASSERT_EQ(raw_read_full(sv[1], got, 2, 2000), 2);
	ASSERT_TRUE(!memcmp(got, "hi", 2));
	ASSERT_EQ(trace_count(LWS_CALLBACK_RAW_ADOPT), 1);
	ASSERT_EQ(trace_count(LWS_CALLBACK_WSI_CREATE), 1);

	lws_context_destroy(cx);
	ASSERT_EQ(closed, 1);
	ASSERT_TRUE(!raw_fd_open(sv[0]));
	close(sv[1]);
}
