/*
 * `make check-header-compile`: this file must compile without a single
 * warning against our <libwebsockets.h>, as C99, GNU C11 and C++11, with
 * gcc and clang. It uses the header the way lws 4.3 programs do:
 * positional initialisers, function types, 64-bit option bits, the
 * logging and list macros. It is compiled, never run or linked. It is
 * also compiled against lws 4.3.5's own header, which keeps it honest:
 * everything here is valid lws usage.
 */
#include <libwebsockets.h>

#include <poll.h>

/* A protocol callback declared through lws's function type ... */
static lws_callback_function callback_decl;

/* ... and defined with the spelled-out signature. */
static int
callback_decl(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	      void *in, size_t len)
{
	(void)wsi;
	(void)user;
	(void)in;
	(void)len;

	switch (reason) {
	case LWS_CALLBACK_PROTOCOL_INIT:
	case LWS_CALLBACK_RAW_ADOPT:
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		break;
	default:
		break;
	}
	return 0;
}

/* Seven positional values per entry, ended by LWS_PROTOCOL_LIST_TERM. */
static const struct lws_protocols protocols[] = {
	{ "raw-test", callback_decl, 0, 1024, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

static const struct lws_protocol_vhost_options pvo_opt = {
	NULL, NULL, "default", ""
};
static const struct lws_protocol_vhost_options pvo = {
	NULL, &pvo_opt, "raw-test", ""
};

/* The 17 positional members of a mount, with the three bit-fields. */
static const struct lws_http_mount mount = {
	/* .mount_next */		NULL,
	/* .mountpoint */		"/",
	/* .origin */			"./mount-origin",
	/* .def */			"index.html",
	/* .protocol */			NULL,
	/* .cgienv */			NULL,
	/* .extra_mimetypes */		NULL,
	/* .interpret */		NULL,
	/* .cgi_timeout */		0,
	/* .cache_max_age */		0,
	/* .auth_mask */		0,
	/* .cache_reusable */		0,
	/* .cache_revalidate */		0,
	/* .cache_intermediaries */	0,
	/* .origin_protocol */		LWSMPRO_FILE,
	/* .mountpoint_len */		1,
	/* .basic_auth_login_file */	NULL,
};

static lws_extension_callback_function ext_callback;

static int
ext_callback(struct lws_context *context, const struct lws_extension *ext,
	     struct lws *wsi, enum lws_extension_callback_reasons reason,
	     void *user, void *in, size_t len)
{
	(void)context;
	(void)ext;
	(void)wsi;
	(void)user;
	(void)in;
	(void)len;
	return reason == LWS_EXT_CB_CONSTRUCT;
}

static const struct lws_extension extensions[] = {
	{ "permessage-deflate", ext_callback, "permessage-deflate" },
	{ NULL, NULL, NULL }
};

static const uint32_t backoff_ms[] = { 1000, 2000, 3000 };
static const lws_retry_bo_t retry = {
	.retry_ms_table = backoff_ms,
	.retry_ms_table_count = LWS_ARRAY_SIZE(backoff_ms),
	.conceal_count = LWS_RETRY_CONCEAL_ALWAYS,
	.secs_since_valid_ping = 3,
	.secs_since_valid_hangup = 10,
	.jitter_percent = 20,
};

/* Every event-library hook, with lws's signatures. */
static int ev_init_context(struct lws_context *c,
			   const struct lws_context_creation_info *i)
{ (void)c; (void)i; return 0; }
static int ev_destroy_context(struct lws_context *c) { (void)c; return 0; }
static int ev_wsi_op(struct lws *wsi) { (void)wsi; return 0; }
static int ev_init_pt(struct lws_context *c, void *loop, int tsi)
{ (void)c; (void)loop; (void)tsi; return 0; }
static void ev_wsi_void(struct lws *wsi) { (void)wsi; }
static void ev_io(struct lws *wsi, unsigned int flags)
{
	(void)wsi;
	if (flags & LWS_EV_START && flags & (LWS_EV_READ | LWS_EV_WRITE))
		return;
	if (flags & LWS_EV_STOP)
		return;
}
static void ev_pt_void(struct lws_context *c, int tsi) { (void)c; (void)tsi; }
static int ev_pt_int(struct lws_context *c, int tsi) { (void)c; (void)tsi; return 0; }

static const struct lws_event_loop_ops event_loop_ops_custom = {
	.name = "custom",
	.init_context = ev_init_context,
	.destroy_context1 = ev_destroy_context,
	.destroy_context2 = ev_destroy_context,
	.init_vhost_listen_wsi = ev_wsi_op,
	.init_pt = ev_init_pt,
	.wsi_logical_close = ev_wsi_op,
	.check_client_connect_ok = ev_wsi_op,
	.close_handle_manually = ev_wsi_void,
	.sock_accept = ev_wsi_op,
	.io = ev_io,
	.run_pt = ev_pt_void,
	.destroy_pt = ev_pt_void,
	.destroy_wsi = ev_wsi_void,
	.foreign_thread = ev_pt_int,
	.flags = LELOF_ISPOLL,
	.evlib_size_pt = sizeof(int),
};

/* The four-value plugin header of lws 4.3. */
static const lws_plugin_evlib_t evlib_custom = {
	.hdr = {
		"custom event loop",
		"lws_evlib_plugin",
		LWS_BUILD_HASH,
		LWS_PLUGIN_API_MAGIC
	},
	.ops = &event_loop_ops_custom,
};

static int notifier(struct lws_state_manager *mgr,
		    struct lws_state_notify_link *link, int current, int target)
{
	(void)mgr;
	(void)link;
	(void)current;
	(void)target;
	return 0;
}

static lws_state_notify_link_t notifier_link = {
	{ NULL, NULL, NULL }, notifier, "app"
};
static lws_state_notify_link_t *notifier_list[] = { &notifier_link, NULL };

static void signal_cb(void *handle, int signum) { (void)handle; (void)signum; }
static void finalize(struct lws_vhost *vh, void *arg) { (void)vh; (void)arg; }
static int smd_cb(void *opaque, lws_smd_class_t c, lws_usec_t ts, void *buf,
		  size_t len)
{ (void)opaque; (void)c; (void)ts; (void)buf; (void)len; return 0; }

/* A scheduled event embedded in the caller's own struct. */
struct app {
	int count;
	lws_sorted_usec_list_t sul;
};

static void sul_fired(lws_sorted_usec_list_t *sul)
{
	struct app *a = lws_container_of(sul, struct app, sul);

	a->count++;
}

/* A singly linked list for the list macros. */
struct item {
	struct item *next;
	int v;
};

static int list_sum(struct item **head, struct item *extra)
{
	int sum = 0;

	lws_ll_fwd_insert(extra, next, *head);

	lws_start_foreach_ll(struct item *, it, *head) {
		sum += it->v;
	} lws_end_foreach_ll(it, next);

	lws_start_foreach_llp(struct item **, pit, *head) {
		sum += (*pit)->v;
	} lws_end_foreach_llp(pit, next);

	lws_start_foreach_llp_safe(struct item **, sit, *head, next) {
		sum += (*sit)->v;
	} lws_end_foreach_llp_safe(sit);

	lws_ll_fwd_remove(struct item, next, extra, *head);

	return sum;
}

int header_compile_probe(void);

int header_compile_probe(void)
{
	static void *foreign_loops[1];
	struct lws_context_creation_info info;
	struct lws_client_connect_info ccinfo;
	struct lws_context *context = NULL;
	struct lws_pollfd fds[2];
	struct app app;
	struct item a = { NULL, 1 }, b = { NULL, 2 }, *head = &a;
	lws_adopt_desc_t desc;
	lws_sock_file_fd_type fd;
	lws_sockaddr46 sa46, *psa = &sa46;
	struct lws_udp udp;
	unsigned char buf[LWS_PRE + 16];
	char name[8];
	int n;

	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = protocols;
	info.pvo = &pvo;
	info.mounts = &mount;
	info.extensions = extensions;
	info.retry_and_idle_policy = &retry;
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
		       LWS_SERVER_OPTION_GLIB | LWS_SERVER_OPTION_ULOOP;
	info.event_lib_custom = &evlib_custom;
	info.foreign_loops = foreign_loops;
	info.pcontext = &context;
	info.signal_cb = signal_cb;
	info.finalize = finalize;
	info.early_smd_cb = smd_cb;
	info.register_notifier_list = notifier_list;
	info.listen_accept_role = "raw-skt";
	info.listen_accept_protocol = "raw-test";
	info.gid = (gid_t)-1;
	info.uid = (uid_t)-1;
	info.ssl_cert_filepath = "cert.pem";
	info.ssl_private_key_filepath = "key.pem";
	info.timeout_secs = 5;
#if defined(LWS_HAVE_SYS_CAPABILITY_H) && defined(LWS_HAVE_LIBCAP)
	info.caps[0] = CAP_NET_RAW;
	info.count_caps = 1;
#endif
	if (!lws_check_opt(info.options, LWS_SERVER_OPTION_GLIB))
		return 1;

	memset(&ccinfo, 0, sizeof ccinfo);
	ccinfo.context = context;
	ccinfo.address = "localhost";
	ccinfo.port = 7681;
	ccinfo.ssl_connection = LCCSCF_USE_SSL | LCCSCF_ALLOW_SELFSIGNED;
	ccinfo.method = "RAW";
	ccinfo.retry_and_idle_policy = &retry;

	fd.sockfd = LWS_SOCK_INVALID;
	memset(&desc, 0, sizeof desc);
	desc.type = LWS_ADOPT_RAW_FILE_DESC;
	desc.fd = fd;
	desc.vh_prot_name = "raw-test";

	memset(&sa46, 0, sizeof sa46);
	sa46.sa4.sin_family = AF_INET;
	sa46_sockport(&sa46, htons(80));
	n = (int)sa46_socklen(&sa46) + sa46_address_len(&sa46);
	(void)sa46_sockaddr(psa);
	memset(&udp, 0, sizeof udp);
	udp.sa46 = sa46;
	udp.connected = 1;

	fds[0].fd = 0;
	fds[0].events = LWS_POLLIN | LWS_POLLOUT;
	fds[0].revents = 0;
	fds[1] = fds[0];
	n += poll(fds, 0, 0) + (fds[1].revents & LWS_POLLHUP);

	memset(&app, 0, sizeof app);
	sul_fired(&app.sul);

	n += list_sum(&head, &b);
	n += lws_ptr_diff(&buf[4], &buf[0]);
	n += (int)lws_ptr_diff_size_t(&buf[8], &buf[0]);
	n += lws_write_ws_flags(LWS_WRITE_TEXT, 1, 0) | LWS_WRITE_RAW;
	lws_strnncpy(name, "abcdefgh", 3, sizeof name);

	lwsl_err("%s %d\n", name, n);
	lwsl_warn("warn\n");
	lwsl_notice("notice\n");
	lwsl_info("info %d\n", n);
	lwsl_debug("debug\n");
	lwsl_parser("parser\n");
	lwsl_header("header\n");
	lwsl_ext("ext\n");
	lwsl_client("client\n");
	lwsl_latency("latency\n");
	lwsl_thread("thread\n");
	lwsl_user("user %llu\n", (unsigned long long)LWS_US_PER_SEC);
	lwsl_hexdump_notice(buf, sizeof buf);
	lwsl_hexdump_debug(buf, 4);

	if (LWS_LIBRARY_VERSION_NUMBER < 4003000 || LWS_MAX_SMP > 1)
		return 1;

	return n + (int)sizeof(struct lws_token_limits) +
	       WSI_TOKEN_HTTP_USER_AGENT + HTTP_STATUS_NOT_FOUND +
	       LWS_CLOSE_STATUS_GOINGAWAY + PENDING_TIMEOUT_USER_REASON_BASE +
	       LLL_USER + LWS_CAUDP_BIND + LWS_TO_KILL_ASYNC;
}
