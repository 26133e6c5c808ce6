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

size_t lr_utf8_length(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		if (p[0] == 0xe0)
			lo = 0xa0; /* no overlong forms */
		else if (p[0] == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f; /* nothing past U+10FFFF */
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++, lo = 0x80, hi = 0xbf)
		if (p[i] < lo || p[i] > hi)
			return 0;
	return len;
}

const char *lr_quote_bytes(const char *s, size_t n)
{
	static char bufs[2][40 * 10 + 4];
	static int turn;
	const unsigned char *p = (const unsigned char *)s;
	char *b = bufs[turn ^= 1];
	size_t i = 0, k = 0, max = n > 40 ? 40 : n;

	while (i < max) {
		unsigned char ch = p[i];
		size_t len = ch >= 0x80 ? lr_utf8_length(p + i, n - i) : 1;

		if (ch == '"' || ch == '\\') {
			b[k++] = '\\';
			b[k++] = (char)ch;
		} else if (ch >= 0x20 && ch < 0x7f)
			b[k++] = (char)ch;
		else if (ch == '\t' || ch == '\n' || ch == '\r') {
			b[k++] = '\\';
			b[k++] = ch == '\t' ? 't' : ch == '\n' ? 'n' : 'r';
		} else if (ch < 0x80 || len == 0) {
			k += (size_t)sprintf(b + k, "\\x%02X", ch);
			len = 1;
		} else {
			uint32_t cp = ch & (0x7f >> len);
			size_t j;

			for (j = 1; j < len; j++)
				cp = cp << 6 | (p[i + j] & 0x3f);
			k += (size_t)sprintf(b + k, "\\u{%X}", (unsigned)cp);
		}
		i += len;
	}
	if (i < n) {
		memcpy(b + k, "...", 3);
		k += 3;
	}
	b[k] = '\0';
	return b;
}

enum lr_exit lr_diag_take(void)
{
	enum lr_exit e = worst;

	worst = LR_EXIT_OK;
	return e;
}
