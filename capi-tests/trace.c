/*
 * capi-tests trace: see trace.h for the format and the coalescing rule.
 */
#define _GNU_SOURCE
#include "trace.h"
#include "task.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNTED 64

static struct {
	char *text;        /* committed lines */
	size_t len, cap;
	size_t last_line;  /* offset of the last committed line */
	int have_last;
	char group[2048];  /* an EVENT_WAIT_CANCELLED broadcast being built */
	int group_open;
	int frozen;
	unsigned int events;
	unsigned int by_reason[128];
	struct {
		int reason;
		char proto[64];
		unsigned int n;
	} per_proto[MAX_COUNTED];
	struct lws_context *cx;
} tr;

void trace_begin(void)
{
	free(tr.text);
	memset(&tr, 0, sizeof(tr));
}

void trace_expect_context(struct lws_context *cx)
{
	tr.cx = cx;
}

static void grow(size_t more)
{
	if (tr.len + more + 1 <= tr.cap)
		return;
	tr.cap = (tr.len + more + 1) * 2;
	tr.text = realloc(tr.text, tr.cap);
	if (!tr.text) {
		fprintf(stderr, "trace: out of memory\n");
		abort();
	}
}

static void commit(const char *line)
{
	size_t n = strlen(line);

	if (tr.frozen)
		return;
	grow(n + 1);
	tr.last_line = tr.len;
	tr.have_last = 1;
	memcpy(tr.text + tr.len, line, n);
	tr.len += n;
	tr.text[tr.len++] = '\n';
	tr.text[tr.len] = '\0';
}

/* The last committed line equals `line`? */
static int same_as_last(const char *line)
{
	size_t n = strlen(line);

	return tr.have_last && tr.len - tr.last_line == n + 1 &&
	       !memcmp(tr.text + tr.last_line, line, n);
}

static void close_group(void)
{
	if (!tr.group_open)
		return;
	tr.group_open = 0;
	if (!same_as_last(tr.group))
		commit(tr.group);
}

/* `token` is one of the space-separated words after the reason name? */
static int group_has(const char *token)
{
	size_t n = strlen(token);
	const char *p = strchr(tr.group, ' ');

	while (p) {
		p++;
		if (!strncmp(p, token, n) && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p = strchr(p, ' ');
	}
	return 0;
}

void trace_line(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	tr.events++;
	close_group();
	commit(line);
}

void trace_freeze(void)
{
	close_group();
	tr.frozen = 1;
}

const char *trace_reason_name(int reason, char *buf, size_t len)
{
	switch (reason) {
#define R(x)                                                                \
	case LWS_CALLBACK_##x:                                              \
		return #x;
		R(PROTOCOL_INIT)
		R(PROTOCOL_DESTROY)
		R(GET_THREAD_ID)
		R(EVENT_WAIT_CANCELLED)
		R(WSI_CREATE)
		R(WSI_DESTROY)
		R(ADD_POLL_FD)
		R(DEL_POLL_FD)
		R(CHANGE_MODE_POLL_FD)
		R(LOCK_POLL)
		R(UNLOCK_POLL)
		R(RAW_ADOPT)
		R(RAW_RX)
		R(RAW_CLOSE)
		R(RAW_WRITEABLE)
		R(RAW_ADOPT_FILE)
		R(RAW_RX_FILE)
		R(RAW_WRITEABLE_FILE)
		R(RAW_CLOSE_FILE)
		R(RAW_SKT_BIND_PROTOCOL)
		R(RAW_SKT_DROP_PROTOCOL)
		R(TIMER)
		R(USER)
#undef R
	default:
		snprintf(buf, len, "REASON_%d", reason);
		return buf;
	}
}

static void count(int reason, const char *proto)
{
	int i;

	tr.events++;
	if (reason >= 0 && reason < (int)(sizeof(tr.by_reason) /
					  sizeof(tr.by_reason[0])))
		tr.by_reason[reason]++;
	for (i = 0; i < MAX_COUNTED; i++) {
		if (tr.per_proto[i].n == 0) {
			tr.per_proto[i].reason = reason;
			snprintf(tr.per_proto[i].proto,
				 sizeof(tr.per_proto[i].proto), "%s", proto);
		}
		if (tr.per_proto[i].reason == reason &&
		    !strcmp(tr.per_proto[i].proto, proto)) {
			tr.per_proto[i].n++;
			return;
		}
	}
}

static size_t put_pvo(char *buf, size_t len,
		      const struct lws_protocol_vhost_options *o)
{
	size_t used = (size_t)snprintf(buf, len, "pvo(");

	for (; o && used < len; o = o->next)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s",
					 buf[used - 1] == '(' ? "" : ",",
					 o->name ? o->name : "(null)",
					 o->value ? o->value : "(null)");
	if (used < len)
		used += (size_t)snprintf(buf + used, len - used, ")");
	return used;
}

void trace_cb(struct lws *wsi, int reason, void *user, void *in, size_t len)
{
	const struct lws_protocols *p = wsi ? lws_get_protocol(wsi) : NULL;
	struct lws_vhost *vh = wsi ? lws_get_vhost(wsi) : NULL;
	const char *vname = vh ? lws_get_vhost_name(vh) : NULL;
	char who[160], line[1024], rbuf[32];
	const char *rname = trace_reason_name(reason, rbuf, sizeof(rbuf));
	size_t used;

	snprintf(who, sizeof(who), "%s/%s", vname ? vname : "-",
		 p && p->name ? p->name : "-");
	count(reason, p && p->name ? p->name : "-");

	if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED && !user && !in &&
	    !len && (!tr.cx || lws_get_context(wsi) == tr.cx)) {
		if (tr.group_open && !group_has(who) &&
		    strlen(tr.group) + strlen(who) + 2 < sizeof(tr.group)) {
			strcat(tr.group, " ");
			strcat(tr.group, who);
			return;
		}
		close_group();
		snprintf(tr.group, sizeof(tr.group), "%s %s", rname, who);
		tr.group_open = 1;
		return;
	}

	close_group();
	used = (size_t)snprintf(line, sizeof(line), "%s %s", rname, who);
	if (user && used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 " user");
	if (in && used < sizeof(line)) {
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 " in=");
		if (reason == LWS_CALLBACK_PROTOCOL_INIT && used < sizeof(line))
			used += put_pvo(line + used, sizeof(line) - used, in);
		else if (used < sizeof(line))
			used += (size_t)snprintf(line + used,
						 sizeof(line) - used, "set");
	}
	if (len && used < sizeof(line))
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 " len=%zu", len);
	if (tr.cx && wsi && lws_get_context(wsi) != tr.cx &&
	    used < sizeof(line))
		snprintf(line + used, sizeof(line) - used, " ctx-mismatch");
	commit(line);
}

int trace_protocol_cb(struct lws *wsi, enum lws_callback_reasons reason,
		      void *user, void *in, size_t len)
{
	trace_cb(wsi, (int)reason, user, in, len);
	return 0;
}

const char *trace_text(void)
{
	close_group();
	return tr.text ? tr.text : "";
}

unsigned int trace_count(int reason)
{
	if (reason < 0 ||
	    reason >= (int)(sizeof(tr.by_reason) / sizeof(tr.by_reason[0])))
		return 0;
	return tr.by_reason[reason];
}

unsigned int trace_count_for(int reason, const char *protocol)
{
	int i;

	for (i = 0; i < MAX_COUNTED && tr.per_proto[i].n; i++)
		if (tr.per_proto[i].reason == reason &&
		    !strcmp(tr.per_proto[i].proto, protocol))
			return tr.per_proto[i].n;
	return 0;
}

unsigned int trace_events(void)
{
	return tr.events;
}

void trace_finish(const char *name, const char *failure)
{
	const char *dir = getenv("CAPI_TRACE_DIR");
	const char *text = trace_text();
	char path[4096];
	FILE *f;

	if (!dir || !*dir) {
		printf("--- trace of %s ---\n%s", name, text);
		if (failure)
			printf("!! test failed: %s\n", failure);
		printf("--- end of trace ---\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/%s.trace", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "trace: cannot write %s\n", path);
		return;
	}
	fputs(text, f);
	if (failure)
		fprintf(f, "!! test failed: %s\n", failure);
	fclose(f);
}

void capi_assert_trace(const char *file, int line, const char *expected)
{
	const char *got = trace_text();

	if (!strcmp(got, expected))
		return;
	capi_fail(file, line, "trace matches",
		  "expected:\n%s    got:\n%s", expected, got);
}
