// `make check-header-compile`, C++ side: our <libwebsockets.h> used from
// C++11 the way a C++ lws program would (no designated initialisers,
// which C++11 lacks), warning-free with g++ and clang++. Also compiled
// against lws 4.3.5's own header. Never run or linked.
#include <libwebsockets.h>

#include <cstring>

namespace {

int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	     void *in, size_t len)
{
	(void)wsi;
	(void)user;
	(void)in;
	(void)len;
	return reason == LWS_CALLBACK_RAW_RX ? 0 : 0;
}

lws_callback_function *const callback_ptr = callback;

const struct lws_protocols protocols[] = {
	{ "raw-test", callback, 0, 0, 0, NULL, 0 },
	LWS_PROTOCOL_LIST_TERM
};

const struct lws_http_mount mount = {
	NULL, "/", "./origin", "index.html", NULL, NULL, NULL, NULL,
	0, 0, 0, 0, 0, 0, LWSMPRO_FILE, 1, NULL
};

struct lws_event_loop_ops ops;

int ev_sock_accept(struct lws *wsi) { (void)wsi; return 0; }
void ev_io(struct lws *wsi, unsigned int flags) { (void)wsi; (void)flags; }

struct app {
	int fired;
	lws_sorted_usec_list_t sul;
};

void sul_cb(lws_sorted_usec_list_t *sul)
{
	lws_container_of(sul, struct app, sul)->fired = 1;
}

} // namespace

int header_compile_cxx(void);

int header_compile_cxx(void)
{
	struct lws_context_creation_info info;
	lws_plugin_evlib_t evlib;
	struct app a;
	lws_sock_file_fd_type fd;

	std::memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.mounts = &mount;
	info.options = LWS_SERVER_OPTION_SDEVENT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;

	std::memset(&ops, 0, sizeof ops);
	ops.name = "custom";
	ops.sock_accept = ev_sock_accept;
	ops.io = ev_io;
	const lws_plugin_header_t hdr = { "custom", "lws_evlib_plugin",
					  LWS_BUILD_HASH, LWS_PLUGIN_API_MAGIC };
	evlib.hdr = hdr;
	evlib.ops = &ops;
	info.event_lib_custom = &evlib;

	std::memset(&a, 0, sizeof a);
	a.sul.cb = sul_cb;
	sul_cb(&a.sul);

	struct lws_protocols p = protocols[0];
	p.callback = callback_ptr;
	if (p.callback != protocols[0].callback)
		return 1;

	fd.filefd = LWS_INVALID_FILE;
	lws_adopt_desc_t desc;
	std::memset(&desc, 0, sizeof desc);
	desc.type = LWS_ADOPT_SOCKET;
	desc.fd = fd;

	lwsl_user("%d %d\n", a.fired, (int)LWS_PRE);
	lwsl_err("%s\n", "err");
	lwsl_info("info\n");
	lwsl_debug("debug\n");

	return callback_ptr(NULL, LWS_CALLBACK_PROTOCOL_INIT, NULL, NULL, 0) +
	       lws_write_ws_flags(LWS_WRITE_BINARY, 0, 1);
}
