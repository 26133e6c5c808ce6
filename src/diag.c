/*
 * diag.c - the only place that writes diagnostics. It remembers the worst
 * class of problem reported so that main can choose the exit status.
 */
#include "diag.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Messages always say "lrelu", whatever the binary is called, so that
 * scripts and tests can match them. */
static const char *const prog = "lrelu";
static enum lr_exit worst = LR_EXIT_OK;

static void record(enum lr_exit e)
{
	/* Usage errors outrank data errors, I/O errors outrank both. */
	if (e > worst)
		worst = e;
}

void lr_error_at(const char *name, uint64_t line, uint64_t col, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s:", prog, name);
	if (line)
		fprintf(stderr, "%" PRIu64 ":", line);
	if (line && col)
		fprintf(stderr, "%" PRIu64 ":", col);
	fputc(' ', stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	record(LR_EXIT_DATA);
}

static void vsay(enum lr_exit e, const char *pre, const char *fmt, va_list ap,
		 const char *post) __attribute__((format(printf, 3, 0)));

static void vsay(enum lr_exit e, const char *pre, const char *fmt, va_list ap,
		 const char *post)
{
	fprintf(stderr, "%s: %s", prog, pre);
	vfprintf(stderr, fmt, ap);
	if (post)
		fprintf(stderr, ": %s", post);
	fputc('\n', stderr);
	record(e);
}

void lr_error_data(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(LR_EXIT_DATA, "", fmt, ap, NULL);
	va_end(ap);
}

void lr_error_sys(const char *fmt, ...)
{
	va_list ap;
	const char *why = strerror(errno);

	va_start(ap, fmt);
	vsay(LR_EXIT_IO, "", fmt, ap, why);
	va_end(ap);
}

void lr_error_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(LR_EXIT_USAGE, "", fmt, ap, NULL);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", prog);
}

void lr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(LR_EXIT_OK, "warning: ", fmt, ap, NULL);
	va_end(ap);
}

enum lr_exit lr_diag_take(void)
{
	enum lr_exit e = worst;

	worst = LR_EXIT_OK;
	return e;
}
