/*
 * What a program may do from inside the raw callbacks: ask for a
 * writeable callback from RAW_ADOPT, write straight from RAW_RX, refuse
 * the adoption by returning nonzero from RAW_ADOPT (socket) or
 * RAW_ADOPT_FILE (file).
 */
#define _GNU_SOURCE
#include "task.h"
#include "trace.h"
#include "loop.h"
#include "raw-util.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static struct lws_context *cx;
static int refuse_adopt, closed;
static int write_ret = 99;

static int cb_cb(struct lws *wsi, enum lws_callback_reasons reason,
		 void *user, void *in, size_t len)
{
	static unsigned char buf[LWS_PRE + 64];

	if (raw_is_poll_reason(reason))
		return 0;
	trace_cb(wsi, (int)reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_RAW_ADOPT:
	case LWS_CALLBACK_RAW_ADOPT_FILE:
		if (refuse_adopt) {
			trace_line("return -1");
			return -1;
		}
		if (reason == LWS_CALLBACK_RAW_ADOPT)
			trace_line("on_writable -> %d",
				   lws_callback_on_writable(wsi));
		break;
	case LWS_CALLBACK_RAW_WRITEABLE:
		memcpy(buf + LWS_PRE, "hi", 2);
		trace_line("lws_write -> %d",
			   lws_write(wsi, buf + LWS_PRE, 2, LWS_WRITE_RAW));
		break;
	case LWS_CALLBACK_RAW_RX:
		/* Write back at once, from inside RAW_RX. */
		if (len > sizeof(buf) - LWS_PRE)
			return -1;
		memcpy(buf + LWS_PRE, in, len);
		write_ret = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_RAW);
		trace_line("lws_write -> %d", write_ret);
		break;
	case LWS_CALLBACK_RAW_CLOSE:
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		closed++;
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protos[] = {
	{ "c", cb_cb, 16, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void start(void)
{
	struct lws_context_creation_info info;

	raw_info(&info, protos);
	cx = raw_start(&info);
}

/*
 * lws_callback_on_writable works inside RAW_ADOPT (the descriptor is in
 * the table by then): the greeting goes out on the first pass; lws_write
 * from RAW_RX sends at once.
 */
CAPI_TEST(raw_adopt_greets_and_echoes_in_rx,
	  .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	char got[8];
	int sv[2];

	start();
	raw_socketpair(sv);
	trace_line("-- adopt; RAW_ADOPT asks for WRITEABLE");
	ASSERT_NOT_NULL(raw_adopt(cx, sv[0], "c"));
	SERVICE_UNTIL(cx, trace_count(LWS_CALLBACK_RAW_WRITEABLE), 2000);
	ASSERT_EQ(raw_read_full(sv[1], got, 2, 1000), 2);
	ASSERT_TRUE(!memcmp(got, "hi", 2));
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- peer writes abc");
	ASSERT_EQ(write(sv[1], "abc", 3), 3);
	SERVICE_UNTIL(cx, write_ret != 99, 2000);
	ASSERT_EQ(write_ret, 3);
	ASSERT_EQ(raw_read_full(sv[1], got, 3, 1000), 3);
	ASSERT_TRUE(!memcmp(got, "abc", 3));
	ASSERT_EQ(loop_settle(cx), 0);

	trace_line("-- destroy");
	lws_context_destroy(cx);
	close(sv[1]);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/c\n"
		     "EVENT_WAIT_CANCELLED default/c\n"
		     "-- adopt; RAW_ADOPT asks for WRITEABLE\n"
		     "WSI_CREATE default/c\n"
		     "RAW_SKT_BIND_PROTOCOL default/c user\n"
		     "RAW_ADOPT default/c user\n"
		     "on_writable -> 1\n"
		     "EVENT_WAIT_CANCELLED default/c\n"
		     "RAW_WRITEABLE default/c user\n"
		     "lws_write -> 2\n"
		     "-- peer writes abc\n"
		     "RAW_RX default/c user in=set len=3\n"
		     "lws_write -> 3\n"
		     "-- destroy\n"
		     "RAW_SKT_DROP_PROTOCOL default/c user in=set\n"
		     "RAW_CLOSE default/c user\n"
		     "WSI_DESTROY default/c user\n"
		     "PROTOCOL_DESTROY default/c\n");
}

/*
 * RAW_ADOPT returning nonzero: the adoption fails (NULL) and the wsi is
 * closed again, the descriptor with it.
 */
CAPI_TEST(raw_adopt_refused_by_callback, .flags = CAPI_TRACE | CAPI_AGREES_41)
{
	int sv[2];

	start();
	raw_socketpair(sv);
	refuse_adopt = 1;
	trace_line("-- adopt; RAW_ADOPT returns -1");
	ASSERT_NULL(raw_adopt(cx, sv[0], "c"));
	trace_line("-- returned NULL; descriptor %s",
		   raw_fd_open(sv[0]) ? "open" : "closed");
	ASSERT_EQ(loop_settle(cx), 0);
	ASSERT_TRUE(raw_sees_eof(sv[1], 1000));
	close(sv[1]);
	trace_line("-- destroy");
	lws_context_destroy(cx);
	ASSERT_TRACE("GET_THREAD_ID -/-\n"
		     "PROTOCOL_INIT default/c\n"
		     "EVENT_WAIT_CANCELLED default/c\n"
		     "-- adopt; RAW_ADOPT returns -1\n"
		     "WSI_CREATE default/c\n"
		     "RAW_SKT_BIND_PROTOCOL default/c user\n"
		     "RAW_ADOPT default/c user\n"
		     "return -1\n"
		     "RAW_SKT_DROP_PROTOCOL default/c user in=set\n"
		     "RAW_CLOSE default/c user\n"
		     "WSI_DESTROY default/c user\n"
		     "-- returned NULL; descriptor closed\n"
		     "-- destroy\n"
		     "PROTOCOL_DESTROY default/c\n");
}

/*
 * RAW_ADOPT_FILE returning nonzero: the adoption returns NULL. rwsloop
 * then closes the wsi as it does for a socket (RAW_CLOSE_FILE,
 * WSI_DESTROY, descriptor closed).
 */
CAPI_TEST(raw_adopt_file_refused_by_callback, .flags = CAPI_AGREES_41,
	  .expect_differs_from_lws =
		  "lws 4.3.5 and 4.1.6 return NULL when RAW_ADOPT_FILE "
		  "returns nonzero but leave the wsi in the loop, its "
		  "descriptor open and watched, unreachable by the program, "
		  "until the context is destroyed; rwsloop closes it at once "
		  "(RAW_CLOSE_FILE, WSI_DESTROY), as for a refused socket")
{
	lws_sock_file_fd_type u;
	int p[2];

	start();
	ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
	refuse_adopt = 1;
	memset(&u, 0, sizeof(u));
	u.filefd = p[0];
	ASSERT_NULL(lws_adopt_descriptor_vhost(
		lws_get_vhost_by_name(cx, "default"), LWS_ADOPT_RAW_FILE_DESC,
		u, "c", NULL));
	ASSERT_EQ(loop_settle(cx), 0);
	if (IS_RWSLOOP) {
		ASSERT_TRUE(!raw_fd_open(p[0]));
		ASSERT_EQ(closed, 1);
		ASSERT_EQ(trace_count(LWS_CALLBACK_WSI_DESTROY), 1);
	} else {
		ASSERT_TRUE(raw_fd_open(p[0]));
		ASSERT_EQ(closed, 0);
	}
	lws_context_destroy(cx);
	ASSERT_EQ(closed, 1);
	ASSERT_TRUE(!raw_fd_open(p[0]));
	close(p[1]);
}
