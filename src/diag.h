/*
 * diag.h - messages to stderr that name their place, and exit statuses.
 * Modules report a problem where they find it and return -1; only main
 * turns the recorded class of the worst problem into the exit status.
 */
#ifndef LR_DIAG_H
#define LR_DIAG_H

#include <stddef.h>
#include <stdint.h>

enum lr_exit {
	LR_EXIT_OK = 0,    /* success */
	LR_EXIT_DATA = 1,  /* bad input data */
	LR_EXIT_USAGE = 2, /* bad command line */
	LR_EXIT_IO = 3     /* I/O or system error */
};

/* "lrelu: NAME:LINE:COL: message"; records a data error. LINE or COL of 0
 * is left out. */
void lr_error_at(const char *name, uint64_t line, uint64_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "lrelu: message"; records a data error. */
void lr_error_data(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "lrelu: message: strerror(errno)"; records an I/O error. */
void lr_error_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "lrelu: message"; records a usage error. */
void lr_error_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "lrelu: warning: message"; records nothing. */
void lr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The bytes s[0..n) as a message shows them, so that the user sees what
 * is there: printable ASCII as it is (a '"' or '\\' after a backslash),
 * tab, LF and CR as \t \n \r, other control bytes and bytes that are not
 * UTF-8 as \xHH, characters beyond ASCII as their code point, \u{2212};
 * the first 40 bytes, then "...". Returns one of two static
 * buffers, taken in turn, so that one message can hold two quotes. */
const char *lr_quote_bytes(const char *s, size_t n);

/* The length of the well-formed UTF-8 sequence at p[0] >= 0x80 within n
 * bytes, or 0 if there is none (no overlong forms, no surrogates, nothing
 * past U+10FFFF). */
size_t lr_utf8_length(const unsigned char *p, size_t n);

/* The worst class recorded since the last call, then reset to LR_EXIT_OK. */
enum lr_exit lr_diag_take(void);

#endif
