/*
 * The lws functions that take a C variable argument list. Stable Rust cannot
 * define those, so each one formats here and hands a finished string to Rust.
 * Nothing else belongs in this file.
 */
#define _GNU_SOURCE /* O_TMPFILE */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Implemented in Rust (src/ffi/logs.rs). */
extern int rwsloop_log_enabled(int level);
extern void rwsloop_log_emit_line(int level, const char *message);

/* A log line longer than this is cut, as lws cuts its own. */
#define RWSLOOP_LOG_LINE_MAX 1024

void _lws_logv(int level, const char *format, va_list args)
{
	char line[RWSLOOP_LOG_LINE_MAX];

	if (!rwsloop_log_enabled(level))
		return;
	if (!format)
		format = "(null format)\n";
	vsnprintf(line, sizeof line, format, args);
	rwsloop_log_emit_line(level, line);
}

void _lws_log(int level, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	_lws_logv(level, format, args);
	va_end(args);
}

/* Like snprintf, but returns how many bytes went into the buffer (never more
 * than its size), so callers can advance a pointer with the result safely. */
int lws_snprintf(char *buffer, size_t size, const char *format, ...)
{
	va_list args;
	int n;

	if (!size)
		return 0;
	va_start(args, format);
	n = vsnprintf(buffer, size, format, args);
	va_end(args);
	if (n < 0)
		return 0;
	if ((size_t)n >= size)
		return (int)size;
	return n;
}

/* lws's open(): the descriptor never leaks into children the program forks. */
int lws_open(const char *file, int flags, ...)
{
	va_list args;
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(args, flags);
		mode = (mode_t)va_arg(args, unsigned int);
		va_end(args);
	}
	return open(file, flags | O_CLOEXEC, mode);
}
